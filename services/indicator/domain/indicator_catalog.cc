// IndicatorEvaluator, catalog: the plan's indicators as administrators
// create, correct and retire them, each write with its revision (the audit
// trail), its IndicatorChanged event and its request id in one Change. Edits
// of one indicator wait for each other (the serializer's key is the
// indicator's name): an edit that arrives while another is being committed is
// decided once that one is published, against its result. A call with a
// request id holds the id's key too (taken first): a retry, or the id used
// again for another indicator, arriving while the first call commits waits for
// it and is decided against its record (the first result, or INVALID_ARGUMENT).

#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {
namespace {

// The method names of the catalog's request records (common::RequestRecord::method).
constexpr absl::string_view kCreateMethod = "CreateIndicator";
constexpr absl::string_view kUpdateMethod = "UpdateIndicator";
constexpr absl::string_view kRetireMethod = "RetireIndicator";

// The method of a write by its change word ("created", "updated", "retired").
std::string WriteMethod(const std::string& change) {
  if (change == "created") return std::string(kCreateMethod);
  if (change == "retired") return std::string(kRetireMethod);
  return std::string(kUpdateMethod);
}

}  // namespace

absl::StatusOr<Indicator> IndicatorEvaluator::GetIndicator(const std::string& plan_id,
                                                           const std::string& id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = indicators_.find({plan_id, id});
  if (it == indicators_.end()) {
    return absl::NotFoundError(absl::StrCat("no indicator ", IndicatorName(plan_id, id)));
  }
  return it->second;
}

std::vector<Indicator> IndicatorEvaluator::ListIndicators(const std::string& plan_id,
                                                          bool include_retired,
                                                          Origin origin) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<Indicator> out;
  for (auto it = indicators_.lower_bound({plan_id, ""});
       it != indicators_.end() && it->first.first == plan_id; ++it) {
    if (!include_retired && it->second.retired) continue;
    if (origin != Origin::kUnspecified && it->second.origin != origin) continue;
    out.push_back(it->second);
  }
  return out;
}

void IndicatorEvaluator::WriteIndicator(const Indicator* before, Indicator after,
                                        const std::string& change, std::string reason,
                                        std::string request_id, std::string actor, Lease lease,
                                        Done<Indicator> done) {
  const Key key{after.plan_id, after.id};
  after.revision = before == nullptr ? 1 : before->revision + 1;
  after.update_time = clock_->Now();
  IndicatorRevision rev;
  rev.revision = after.revision;
  rev.time = after.update_time;
  rev.actor = actor;
  rev.reason = reason;
  if (before != nullptr) rev.before = *before;
  rev.after = after;
  Change c;
  c.indicators.push_back({after, std::move(rev), change});
  if (!request_id.empty()) {
    c.request = RequestRecord{request_id, WriteMethod(change),
                              IndicatorName(after.plan_id, after.id), "", 0};
  }
  c.request_id = request_id;
  c.actor = std::move(actor);
  busy_.insert(key);
  std::optional<RequestRecord> request = c.request;  // recorded once durable
  CommitThen<Indicator>(
      std::move(c),
      [this, key, after, request = std::move(request), lease = std::move(lease)](bool ok) mutable {
        {
          absl::MutexLock lock(&mu_);
          busy_.erase(key);
          if (ok) {
            indicators_[key] = after;
            if (request.has_value()) requests_.Record(*request);
          }
        }
        lease.reset();  // published: the next edit of the indicator may be decided
      },
      after, std::move(done));
}

void IndicatorEvaluator::RunCatalogWrite(const std::string& name, const std::string& request_id,
                                         std::function<void(Lease)> fn) {
  serializer_.RunForRequest(request_id, name, std::move(fn));
}

void IndicatorEvaluator::CreateIndicator(Indicator indicator, std::string reason,
                                         std::string request_id, std::string actor,
                                         Done<Indicator> done) {
  const std::string name = IndicatorName(indicator.plan_id, indicator.id);
  const std::string id = request_id;
  RunCatalogWrite(
      name, id,
      [this, indicator = std::move(indicator), reason = std::move(reason),
       request_id = std::move(request_id), actor = std::move(actor),
       done = std::move(done)](Lease lease) mutable {
        absl::MutexLock lock(&mu_);
        const Key key{indicator.plan_id, indicator.id};
        auto it = indicators_.find(key);
        absl::StatusOr<const RequestRecord*> retried = requests_.Check(
            {request_id, kCreateMethod, IndicatorName(indicator.plan_id, indicator.id), ""});
        if (!retried.ok()) {
          done(retried.status());
          return;
        }
        if (*retried != nullptr && it != indicators_.end()) {
          done(it->second);  // a retry
          return;
        }
        if (it != indicators_.end()) {
          done(absl::AlreadyExistsError(absl::StrCat(
              "indicator ", IndicatorName(indicator.plan_id, indicator.id), " exists")));
          return;
        }
        if (indicator.target_basis != TargetBasis::kAbsolute) {
          if (!indicator.target_change.has_value() || !std::isfinite(*indicator.target_change)) {
            done(absl::InvalidArgumentError(
                "indicator.target_change: required for a target relative to the prior year"));
            return;
          }
          indicator.target_value = DerivedTarget(indicator);
        }
        indicator.origin = Origin::kManual;
        indicator.manually_corrected = true;
        indicator.retired = false;
        WriteIndicator(nullptr, std::move(indicator), "created", std::move(reason),
                       std::move(request_id), std::move(actor), std::move(lease), std::move(done));
      });
}

absl::Status ApplyUpdatePaths(const Indicator& v, const std::vector<std::string>& paths,
                              Indicator* i) {
  if (paths.empty())
    return absl::InvalidArgumentError("update_paths: at least one field is required");
  for (const std::string& p : paths) {
    if (p == "display_name")
      i->display_name = v.display_name;
    else if (p == "unit")
      i->unit = v.unit;
    else if (p == "scope_kind")
      i->scope_kind = v.scope_kind;
    else if (p == "scope_name")
      i->scope_name = v.scope_name;
    else if (p == "comparator")
      i->comparator = v.comparator;
    else if (p == "target_value")
      i->target_value = v.target_value;
    else if (p == "target_text")
      i->target_text = v.target_text;
    else if (p == "period_start")
      i->period_start = v.period_start;
    else if (p == "period_end")
      i->period_end = v.period_end;
    else if (p == "aggregation")
      i->aggregation = v.aggregation;
    else if (p == "source")
      i->source = v.source;
    else if (p == "air_quality_item")
      i->air_quality_item = v.air_quality_item;
    else if (p == "measures")
      i->measures = v.measures;
    else if (p == "owners")
      i->owners = v.owners;
    else if (p == "target_caliber")
      i->target_caliber = v.target_caliber;
    else if (p == "stretch")
      i->stretch = v.stretch;
    else if (p == "target_basis")
      i->target_basis = v.target_basis;
    else if (p == "target_change")
      i->target_change = v.target_change;
    else if (p == "baseline_value")
      i->baseline_value = v.baseline_value;
    else
      return absl::InvalidArgumentError(absl::StrCat("update_paths: «", p, "» cannot be changed"));
  }
  if (i->period_end < i->period_start) {
    return absl::InvalidArgumentError("period_end: before period_start");
  }
  for (const auto& [field, value] : {std::pair{"target_change", i->target_change},
                                     std::pair{"baseline_value", i->baseline_value}}) {
    if (value.has_value() && !std::isfinite(*value)) {
      return absl::InvalidArgumentError(absl::StrCat(field, ": not a finite number"));
    }
  }
  if (i->target_basis != TargetBasis::kAbsolute) {
    // A relative target's value follows from its baseline and change.
    if (std::find(paths.begin(), paths.end(), "target_value") != paths.end()) {
      return absl::InvalidArgumentError(
          "target_value: derived from baseline_value and target_change for a target relative "
          "to the prior year; set those instead");
    }
    if (!i->target_change.has_value()) {
      return absl::InvalidArgumentError(
          "target_change: required for a target relative to the prior year");
    }
    i->target_value = DerivedTarget(*i);
  }
  return absl::OkStatus();
}

std::map<IndicatorEvaluator::Key, Indicator>::iterator IndicatorEvaluator::EditableLocked(
    const std::string& plan_id, const std::string& id, const std::string& etag,
    const std::string& request_id, absl::string_view method, const Done<Indicator>& done) {
  absl::StatusOr<const RequestRecord*> retried =
      requests_.Check({request_id, method, IndicatorName(plan_id, id), ""});
  if (!retried.ok()) {
    done(retried.status());
    return indicators_.end();
  }
  auto it = indicators_.find({plan_id, id});
  if (it == indicators_.end()) {
    done(absl::NotFoundError(absl::StrCat("no indicator ", IndicatorName(plan_id, id))));
    return indicators_.end();
  }
  if (*retried != nullptr) {
    done(it->second);  // a retry: the indicator as it is
    return indicators_.end();
  }
  if (etag != IndicatorEtag(it->second)) {
    done(absl::AbortedError(absl::StrCat("etag «", etag, "» is stale (current ",
                                         IndicatorEtag(it->second), "): re-read and retry")));
    return indicators_.end();
  }
  return it;
}

void IndicatorEvaluator::UpdateIndicator(const std::string& plan_id, const std::string& id,
                                         Indicator values, std::vector<std::string> paths,
                                         std::string etag, std::string reason,
                                         std::string request_id, std::string actor,
                                         Done<Indicator> done) {
  const std::string key_id = request_id;
  RunCatalogWrite(
      IndicatorName(plan_id, id), key_id,
      [this, plan_id, id, values = std::move(values), paths = std::move(paths),
       etag = std::move(etag), reason = std::move(reason), request_id = std::move(request_id),
       actor = std::move(actor), done = std::move(done)](Lease lease) mutable {
        absl::MutexLock lock(&mu_);
        auto it = EditableLocked(plan_id, id, etag, request_id, kUpdateMethod, done);
        if (it == indicators_.end()) return;  // answered
        Indicator after = it->second;
        if (absl::Status s = ApplyUpdatePaths(values, paths, &after); !s.ok()) {
          done(s);
          return;
        }
        after.manually_corrected = true;
        WriteIndicator(&it->second, std::move(after), "updated", std::move(reason),
                       std::move(request_id), std::move(actor), std::move(lease), std::move(done));
      });
}

void IndicatorEvaluator::RetireIndicator(const std::string& plan_id, const std::string& id,
                                         std::string etag, std::string reason,
                                         std::string request_id, std::string actor,
                                         Done<Indicator> done) {
  const std::string key_id = request_id;
  RunCatalogWrite(IndicatorName(plan_id, id), key_id,
                  [this, plan_id, id, etag = std::move(etag), reason = std::move(reason),
                   request_id = std::move(request_id), actor = std::move(actor),
                   done = std::move(done)](Lease lease) mutable {
                    absl::MutexLock lock(&mu_);
                    auto it = EditableLocked(plan_id, id, etag, request_id, kRetireMethod, done);
                    if (it == indicators_.end()) return;  // answered
                    if (it->second.retired) {
                      done(absl::FailedPreconditionError(absl::StrCat(
                          "indicator ", IndicatorName(plan_id, id), " is already retired")));
                      return;
                    }
                    Indicator after = it->second;
                    after.retired = true;
                    after.retired_reason = reason;
                    after.retired_by_sync = false;
                    WriteIndicator(&it->second, std::move(after), "retired", std::move(reason),
                                   std::move(request_id), std::move(actor), std::move(lease),
                                   std::move(done));
                  });
}

absl::StatusOr<std::vector<IndicatorRevision>> IndicatorEvaluator::ListRevisions(
    const std::string& plan_id, const std::string& id) const {
  ECOPLAN_RETURN_IF_ERROR(GetIndicator(plan_id, id).status());
  return store_->ListRevisions(plan_id, id);
}

}  // namespace ecoplan::indicator
