// ProgressRecorder: deadline extensions (a lead organization asks, the bureau
// decides) and the effective deadline they give a measure.

#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/progress_recorder_internal.h"
#include "services/progress/domain/progress_recorder_measure_items.h"

namespace ecoplan::progress {

using internal::CommitMeasureItem;
using internal::DecisionFingerprint;
using internal::Fingerprinter;
using internal::kDecideExtensionMethod;
using internal::kRequestExtensionMethod;
using internal::LedMeasure;
using internal::ListMeasureItems;
using internal::MeasureKey;
using internal::PlanZone;
using internal::ReplayedMeasureItem;

namespace {

// Whether `m` can be extended to `requested_due` at `now`: no request of its
// `extensions` is pending, it has a deadline (`due`, the effective one), the
// deadline has not passed, and the requested day is after it.
absl::Status CheckExtendable(const MeasureInfo& m, const std::vector<Extension>& extensions,
                             const std::optional<absl::CivilDay>& due, absl::CivilDay requested_due,
                             absl::Time now, absl::TimeZone zone) {
  for (const Extension& e : extensions) {
    if (e.state == ExtensionState::kPending) {
      return absl::FailedPreconditionError(
          absl::StrCat("extension request ", e.number, " of measure ", m.id,
                       " is still pending; wait for the bureau's decision"));
    }
  }
  if (!due.has_value()) {
    return absl::FailedPreconditionError(absl::StrCat("measure ", m.id, " has no due date (",
                                                      m.deadline_raw,
                                                      "), so there is nothing to extend"));
  }
  if (now >= absl::FromCivil(absl::CivilSecond(*due + 1), zone)) {
    return absl::FailedPreconditionError(
        absl::StrCat("the deadline of measure ", m.id, " (", absl::FormatCivilTime(*due),
                     ") has passed; an extension must be asked for before it"));
  }
  if (requested_due <= *due) {
    return absl::InvalidArgumentError(
        absl::StrCat("requested_due_date: ", absl::FormatCivilTime(requested_due),
                     " is not after the current deadline ", absl::FormatCivilTime(*due)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<absl::CivilDay>> ProgressRecorder::EffectiveDue(
    const PlanInfo& plan, const MeasureInfo& measure, std::vector<Extension>* extensions) {
  ECOPLAN_ASSIGN_OR_RETURN(*extensions, store_->ListExtensions(plan.id, measure.id));
  std::optional<absl::CivilDay> due = measure.due;
  for (const Extension& e : *extensions) {
    if (e.state == ExtensionState::kApproved) due = e.requested_due;
  }
  return due;
}

void ProgressRecorder::RequestExtension(const std::string& plan_id, const std::string& measure_id,
                                        const std::string& org_id, absl::CivilDay requested_due,
                                        const std::string& reason, const Caller& caller,
                                        Callback<Extension> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckText(reason, "reason", kMaxCommentLength, true);
  if (valid.ok() && org_id.empty()) valid = absl::InvalidArgumentError("organization is required");
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan_or = plans_->Get(plan_id);
  if (!plan_or.ok()) return done(plan_or.status());
  std::shared_ptr<const PlanInfo> plan = *plan_or;
  absl::StatusOr<const MeasureInfo*> measure =
      LedMeasure(*plan, measure_id, org_id, "asks for an extension");
  if (!measure.ok()) return done(measure.status());
  valid = CheckActsFor(caller, org_id);
  if (!valid.ok()) return done(valid);
  if (requested_due > absl::CivilDay(plan->year + 1, 12, 31)) {
    return done(absl::InvalidArgumentError(
        absl::StrCat("requested_due_date: at most the end of the year after the plan year (",
                     plan->year + 1, "-12-31)")));
  }
  const std::string fingerprint = Fingerprinter()
                                      .Add(plan_id)
                                      .Add(measure_id)
                                      .Add(org_id)
                                      .Add(absl::FormatCivilTime(requested_due))
                                      .Add(reason)
                                      .Done();
  MeasureInfo m = **measure;
  RunSerialized(caller, MeasureKey(plan_id, measure_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kRequestExtensionMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    std::vector<Extension> extensions;
    absl::StatusOr<std::optional<absl::CivilDay>> due = EffectiveDue(*plan, m, &extensions);
    if (!due.ok()) return done(due.status());
    if (seen->has_value()) return done(ReplayedMeasureItem(extensions, **seen));
    const absl::Time now = clock_->Now();
    absl::Status extendable =
        CheckExtendable(m, extensions, *due, requested_due, now, PlanZone(*plan));
    if (!extendable.ok()) return done(extendable);
    Extension e;
    e.plan_id = plan_id;
    e.measure_id = measure_id;
    e.org_id = org_id;
    e.number = static_cast<int>(extensions.size()) + 1;
    e.current_due = *due;
    e.original_due = m.due;
    e.requested_due = requested_due;
    e.reason = reason;
    e.state = ExtensionState::kPending;
    e.request_time = now;
    e.requested_by = caller.actor;
    CommitMeasureItem(*store_, e, kRequestExtensionMethod, fingerprint,
                      EventType::kExtensionRequested, caller, std::move(guard), done);
  });
}

void ProgressRecorder::DecideExtension(const std::string& plan_id, const std::string& measure_id,
                                       int number, bool approve, const std::string& comment,
                                       const Caller& caller, Callback<Extension> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "decide on extensions");
  if (valid.ok()) valid = CheckText(comment, "comment", kMaxCommentLength, !approve);
  if (!valid.ok()) return done(valid);
  const std::string fingerprint =
      DecisionFingerprint(plan_id, measure_id, number, approve ? "a" : "r", comment).Done();
  ;
  DecideMeasureItem<Extension>(
      plan_id, measure_id, number, kDecideExtensionMethod, fingerprint,
      EventType::kExtensionDecided,
      [approve, comment](Extension& e) {
        e.state = approve ? ExtensionState::kApproved : ExtensionState::kRejected;
        e.decision_comment = comment;
        return absl::OkStatus();
      },
      caller, std::move(done));
}

absl::StatusOr<std::vector<Extension>> ProgressRecorder::ListExtensions(
    const std::string& plan_id, const std::string& measure_id, ExtensionState state) {
  return ListMeasureItems<Extension>(*plans_, *store_, plan_id, measure_id, state);
}

}  // namespace ecoplan::progress
