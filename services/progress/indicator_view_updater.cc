#include "services/progress/indicator_view_updater.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"
#include "services/progress/proto_mapping.h"

namespace ecoplan::progress {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

// "plans/{plan}/<collection>/{id}" → {plan, id}.
absl::StatusOr<std::pair<std::string, std::string>> SplitName(absl::string_view name,
                                                              absl::string_view collection) {
  absl::string_view rest = name;
  if (absl::ConsumePrefix(&rest, "plans/")) {
    const size_t slash = rest.find('/');
    if (slash != absl::string_view::npos) {
      absl::string_view plan = rest.substr(0, slash);
      absl::string_view tail = rest.substr(slash + 1);
      if (absl::ConsumePrefix(&tail, collection) && absl::ConsumePrefix(&tail, "/") &&
          !plan.empty() && !tail.empty() && tail.find('/') == absl::string_view::npos) {
        return std::make_pair(std::string(plan), std::string(tail));
      }
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", name, "\" is not a name plans/{plan}/", collection, "/{id}"));
}

IndicatorState StateFromProto(iv1::IndicatorStatus s) {
  return s >= 0 && s <= 5 ? static_cast<IndicatorState>(s) : IndicatorState::kUnknown;
}

}  // namespace

absl::StatusOr<IndicatorFacts> IndicatorFromProto(const iv1::Indicator& indicator,
                                                  const IndicatorFacts* current) {
  ECOPLAN_ASSIGN_OR_RETURN(auto ids, SplitName(indicator.name(), "indicators"));
  IndicatorFacts f = current != nullptr ? *current : IndicatorFacts();
  f.plan_id = ids.first;
  f.id = ids.second;
  f.display_name = indicator.display_name();
  f.unit = indicator.unit();
  f.measure_ids.clear();
  for (const std::string& m : indicator.measures()) {
    absl::StatusOr<std::pair<std::string, std::string>> measure = SplitName(m, "measures");
    if (measure.ok() && measure->first == f.plan_id) f.measure_ids.push_back(measure->second);
  }
  f.retired = indicator.retired();
  f.stretch = indicator.stretch();
  f.target_value.reset();
  if (indicator.has_target_value()) f.target_value = indicator.target_value();
  f.target_text = indicator.target_text();
  return f;
}

absl::StatusOr<IndicatorFacts> StatusFromProto(const iv1::IndicatorStatusChanged& changed,
                                               const IndicatorFacts* current) {
  ECOPLAN_ASSIGN_OR_RETURN(auto ids, SplitName(changed.indicator(), "indicators"));
  IndicatorFacts f = current != nullptr ? *current : IndicatorFacts();
  f.plan_id = ids.first;
  f.id = ids.second;
  if (f.display_name.empty()) f.display_name = f.id;
  // An indicator not seen in IndicatorChanged yet: its measure from the event.
  if (!changed.measure().empty()) {
    absl::StatusOr<std::pair<std::string, std::string>> measure =
        SplitName(changed.measure(), "measures");
    if (measure.ok() && measure->first == f.plan_id &&
        std::find(f.measure_ids.begin(), f.measure_ids.end(), measure->second) ==
            f.measure_ids.end()) {
      f.measure_ids.push_back(measure->second);
    }
  }
  f.status = StateFromProto(changed.status());
  f.value.reset();
  if (changed.has_value()) f.value = changed.value();
  f.value_date.reset();
  if (changed.has_value_date()) {
    if (auto d = common::DateFromProto(changed.value_date(), "value_date"); d.ok())
      f.value_date = *d;
  }
  f.as_of.reset();
  if (changed.has_as_of()) {
    if (auto d = common::DateFromProto(changed.as_of(), "as_of"); d.ok()) f.as_of = *d;
  }
  f.status_target.reset();
  if (changed.has_target()) f.status_target = changed.target();
  f.status_target_text = changed.target_text();
  f.reason = changed.reason();
  return f;
}

IndicatorViewUpdater::IndicatorViewUpdater(RocksDbReportStore* store,
                                           IndicatorDirectory* indicators, common::Logger log)
    : store_(store), indicators_(indicators), log_(std::move(log)) {}

absl::Status IndicatorViewUpdater::LoadStoredViews() {
  ECOPLAN_ASSIGN_OR_RETURN(auto views, store_->LoadIndicatorViews());
  for (auto& view : views) indicators_->Put(std::move(view));
  ECOPLAN_ASSIGN_OR_RETURN(const bool complete, store_->IndicatorViewCompleted());
  if (complete) indicators_->MarkReceived();
  return absl::OkStatus();
}

absl::Status IndicatorViewUpdater::MarkComplete() {
  if (indicators_->received()) return absl::OkStatus();
  ECOPLAN_RETURN_IF_ERROR(store_->MarkIndicatorViewCompleted());
  indicators_->MarkReceived();
  return absl::OkStatus();
}

absl::StatusOr<common::FollowEffect> IndicatorViewUpdater::Publish(
    std::shared_ptr<IndicatorFacts> facts, uint64_t sequence) {
  facts->sequence = sequence;
  common::FollowEffect effect;
  ECOPLAN_RETURN_IF_ERROR(store_->PutIndicatorView(effect.write.batch, *facts));
  effect.on_committed = [this, facts = std::shared_ptr<const IndicatorFacts>(facts)] {
    indicators_->Put(facts);
  };
  return effect;
}

absl::StatusOr<common::FollowEffect> IndicatorViewUpdater::Handle(
    const ecoplan::common::v1::Event& event) {
  if (event.type() == "ecoplan.indicator.v1.IndicatorChanged") {
    iv1::IndicatorChanged changed;
    if (!event.payload().UnpackTo(&changed)) {
      return absl::InvalidArgumentError("IndicatorChanged payload does not parse");
    }
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, SplitName(changed.indicator().name(), "indicators"));
    std::shared_ptr<const IndicatorFacts> current = indicators_->Find(ids.first, ids.second);
    ECOPLAN_ASSIGN_OR_RETURN(IndicatorFacts f,
                             IndicatorFromProto(changed.indicator(), current.get()));
    return Publish(std::make_shared<IndicatorFacts>(std::move(f)), event.sequence());
  }
  if (event.type() == "ecoplan.indicator.v1.IndicatorStatusChanged") {
    iv1::IndicatorStatusChanged changed;
    if (!event.payload().UnpackTo(&changed)) {
      return absl::InvalidArgumentError("IndicatorStatusChanged payload does not parse");
    }
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, SplitName(changed.indicator(), "indicators"));
    std::shared_ptr<const IndicatorFacts> current = indicators_->Find(ids.first, ids.second);
    ECOPLAN_ASSIGN_OR_RETURN(IndicatorFacts f, StatusFromProto(changed, current.get()));
    return Publish(std::make_shared<IndicatorFacts>(std::move(f)), event.sequence());
  }
  return common::FollowEffect();
}

}  // namespace ecoplan::progress
