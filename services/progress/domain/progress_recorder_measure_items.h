#pragma once

// The numbered items of a measure, extensions and completions, share one life:
// a lead organization asks (a request or a declaration, numbered per measure),
// the bureau decides once, and both steps are committed with a request record
// that names the item "<measure_id>/<number>". These are the steps both use
// cases share, written once; MeasureItemKind<T> says what differs. Internal to
// progress_recorder_extensions.cc and progress_recorder_completions.cc.

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/progress_recorder_internal.h"
#include "services/progress/domain/report_store.h"

namespace ecoplan::progress::internal {

// What differs between the kinds of measure items.
template <typename T>
struct MeasureItemKind;

template <>
struct MeasureItemKind<Extension> {
  using State = ExtensionState;
  static constexpr absl::string_view kName = "extension";         // in messages
  static constexpr absl::string_view kCollection = "extensions";  // in resource names
  static constexpr absl::string_view kPendingName = "request";    // what awaits a decision
  static bool Pending(const Extension& e) { return e.state == ExtensionState::kPending; }
  static absl::StatusOr<std::vector<Extension>> List(ReportStore& store, absl::string_view plan_id,
                                                     absl::string_view measure_id) {
    return store.ListExtensions(plan_id, measure_id);
  }
  static void Put(Change& change, const Extension& e) { change.extension = e; }
};

template <>
struct MeasureItemKind<Completion> {
  using State = CompletionState;
  static constexpr absl::string_view kName = "completion";
  static constexpr absl::string_view kCollection = "completions";
  static constexpr absl::string_view kPendingName = "declaration";
  static bool Pending(const Completion& c) { return c.state == CompletionState::kDeclared; }
  static absl::StatusOr<std::vector<Completion>> List(ReportStore& store, absl::string_view plan_id,
                                                      absl::string_view measure_id) {
    return store.ListCompletions(plan_id, measure_id);
  }
  static void Put(Change& change, const Completion& c) { change.completion = c; }
};

// The resource a request record names for an item: "<measure_id>/<number>".
inline std::string MeasureItemResource(absl::string_view measure_id, int number) {
  return absl::StrCat(measure_id, "/", number);
}

// The answer to a retried request: the item its first call created, which the
// request record `seen` names.
template <typename T>
absl::StatusOr<T> ReplayedMeasureItem(const std::vector<T>& items, const RequestRecord& seen) {
  for (const T& item : items) {
    if (MeasureItemResource(item.measure_id, item.number) == seen.resource) return item;
  }
  return absl::InternalError(
      absl::StrCat("a request record refers to a missing ", MeasureItemKind<T>::kName));
}

// Item `number` of `items` (the measure's), or NotFound naming it.
template <typename T>
absl::StatusOr<T> FindMeasureItem(const std::vector<T>& items, absl::string_view plan_id,
                                  absl::string_view measure_id, int number) {
  auto it = std::find_if(items.begin(), items.end(),
                         [number](const T& item) { return item.number == number; });
  if (it == items.end()) {
    using Kind = MeasureItemKind<T>;
    return absl::NotFoundError(absl::StrCat(Kind::kName, " plans/", plan_id, "/measures/",
                                            measure_id, "/", Kind::kCollection, "/", number,
                                            " does not exist"));
  }
  return *it;
}

// The fingerprint of a decision on item `number`: its verdict ("a", "c", "r")
// and comment; a use case adds its own parts before Done().
inline Fingerprinter DecisionFingerprint(absl::string_view plan_id, absl::string_view measure_id,
                                         int number, absl::string_view verdict,
                                         absl::string_view comment) {
  Fingerprinter f;
  f.Add(plan_id).Add(measure_id).Add(number).Add(verdict).Add(comment);
  return f;
}

// Commits `item` (new or decided) with `event` and, when the caller gave a
// request id, the request record of `method` naming it; answers with `item`
// once durable. `guard` (the serializer's) is held until then.
template <typename T>
void CommitMeasureItem(ReportStore& store, const T& item, absl::string_view method,
                       const std::string& fingerprint, EventType event, const Caller& caller,
                       std::shared_ptr<void> guard, Callback<T> done) {
  Change change;
  MeasureItemKind<T>::Put(change, item);
  if (!caller.request_id.empty()) {
    change.request =
        RequestRecord{caller.request_id, std::string(method),
                      MeasureItemResource(item.measure_id, item.number), fingerprint, 0};
  }
  change.events.push_back(event);
  change.caller = caller;
  store.CommitAsync(std::move(change), [guard = std::move(guard), item, done](absl::Status s) {
    if (!s.ok()) return done(s);
    done(item);
  });
}

// The items of a plan (of one measure when `measure_id` is set; NotFound when
// the plan has no such measure) in `state` (any when unspecified), in the
// plan's measure order, then by number.
template <typename T>
absl::StatusOr<std::vector<T>> ListMeasureItems(const PlanDirectory& plans, ReportStore& store,
                                                const std::string& plan_id,
                                                const std::string& measure_id,
                                                typename MeasureItemKind<T>::State state) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans.Get(plan_id));
  if (!measure_id.empty() && plan->FindMeasure(measure_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure plans/", plan_id, "/measures/", measure_id, " does not exist"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<T> all,
                           MeasureItemKind<T>::List(store, plan_id, measure_id));
  std::vector<T> out;
  for (T& item : all) {
    if (state == MeasureItemKind<T>::State::kUnspecified || item.state == state) {
      out.push_back(std::move(item));
    }
  }
  auto order = [&plan](const T& item) {
    const MeasureInfo* m = plan->FindMeasure(item.measure_id);
    return std::make_pair(m != nullptr ? m->order : 1 << 30, item.number);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const T& a, const T& b) { return order(a) < order(b); });
  return out;
}

}  // namespace ecoplan::progress::internal

namespace ecoplan::progress {

template <typename T>
void ProgressRecorder::DecideMeasureItem(const std::string& plan_id, const std::string& measure_id,
                                         int number, absl::string_view method,
                                         const std::string& fingerprint, EventType event,
                                         std::function<absl::Status(T&)> decide,
                                         const Caller& caller, Callback<T> done) {
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  RunSerialized(caller, internal::MeasureKey(plan_id, measure_id),
                [=, method = std::string(method)](std::shared_ptr<void> guard) {
                  auto seen = CheckRequest(caller, method, fingerprint);
                  if (!seen.ok()) return done(seen.status());
                  auto items = internal::MeasureItemKind<T>::List(*store_, plan_id, measure_id);
                  if (!items.ok()) return done(items.status());
                  absl::StatusOr<T> item =
                      internal::FindMeasureItem(*items, plan_id, measure_id, number);
                  if (!item.ok() || seen->has_value()) return done(std::move(item));
                  if (!internal::MeasureItemKind<T>::Pending(*item)) {
                    return done(absl::FailedPreconditionError(absl::StrCat(
                        internal::MeasureItemKind<T>::kName, " ", number, " of measure ",
                        measure_id, " was already decided; only a pending ",
                        internal::MeasureItemKind<T>::kPendingName, " can be decided")));
                  }
                  absl::Status decided = decide(*item);
                  if (!decided.ok()) return done(decided);
                  item->decision_time = clock_->Now();
                  item->decided_by = caller.actor;
                  internal::CommitMeasureItem(*store_, *item, method, fingerprint, event, caller,
                                              std::move(guard), done);
                });
}

}  // namespace ecoplan::progress
