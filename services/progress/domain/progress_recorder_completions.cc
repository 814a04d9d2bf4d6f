// ProgressRecorder: completion sign-off (a lead organization declares a
// measure completed; the bureau confirms, checked against the measure's
// indicators, or rejects).

#include <memory>
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
using internal::kDecideCompletionMethod;
using internal::kDeclareMethod;
using internal::LedMeasure;
using internal::ListMeasureItems;
using internal::MeasureKey;
using internal::ReplayedMeasureItem;

namespace {

// The checks of a declaration's text and evidence links.
absl::Status CheckDeclaration(const std::string& description,
                              const std::vector<std::string>& evidence_links) {
  ECOPLAN_RETURN_IF_ERROR(CheckText(description, "description", kMaxEntryTextLength, true));
  if (evidence_links.empty()) {
    return absl::InvalidArgumentError("evidence_links: at least one link is required");
  }
  if (evidence_links.size() > kMaxEvidenceLinks) {
    return absl::InvalidArgumentError(
        absl::StrCat("evidence_links: at most ", kMaxEvidenceLinks, " links"));
  }
  for (size_t i = 0; i < evidence_links.size(); ++i) {
    ECOPLAN_RETURN_IF_ERROR(CheckUrl(evidence_links[i], absl::StrCat("evidence_links[", i, "]")));
  }
  return absl::OkStatus();
}

// Whether a measure with `completions` so far can be declared completed: none
// awaits a decision, and none was confirmed.
absl::Status CheckDeclarable(const std::vector<Completion>& completions,
                             const std::string& measure_id) {
  for (const Completion& c : completions) {
    if (c.state == CompletionState::kDeclared) {
      return absl::FailedPreconditionError(absl::StrCat("completion declaration ", c.number,
                                                        " of measure ", measure_id,
                                                        " awaits the bureau's decision"));
    }
    if (c.state == CompletionState::kConfirmed) {
      return absl::FailedPreconditionError(
          absl::StrCat("measure ", measure_id, " was already confirmed completed"));
    }
  }
  return absl::OkStatus();
}

// The checks of a decision's comment and of the override of the indicator check.
absl::Status CheckDecision(bool confirm, const std::string& comment,
                           const IndicatorOverride& override_check) {
  ECOPLAN_RETURN_IF_ERROR(CheckText(comment, "comment", kMaxCommentLength, !confirm));
  if (override_check.requested) {
    return confirm
               ? CheckText(override_check.reason, "override_reason", kMaxCommentLength, true)
               : absl::InvalidArgumentError("only a confirmation overrides the indicator check");
  }
  if (!override_check.reason.empty()) {
    return absl::InvalidArgumentError(
        "override_reason is given without override_indicator_check: set both to confirm against "
        "the indicator data, or neither");
  }
  return absl::OkStatus();
}

// Checks the confirmation of `c` against the indicators of `measure_id` and
// records on `c` the lines checked (and the override, if one was needed).
// Facts, not claims: where data can check the claim, it does. Read from the
// local view, never from the indicator service inside the request.
absl::Status ApplyIndicatorCheck(const IndicatorDirectory& indicators, const std::string& plan_id,
                                 const std::string& measure_id,
                                 const IndicatorOverride& override_check, Completion& c) {
  if (!indicators.received()) {
    return absl::UnavailableError(
        "indicator data not yet received from the indicator service; the completion cannot "
        "be checked against it yet: retry");
  }
  if (const uint64_t behind = indicators.backlog(); behind > 0) {
    return absl::UnavailableError(absl::StrCat(
        "the indicator data here is ", behind,
        " events behind the indicator service (catching up); the completion cannot be checked "
        "against it yet: retry"));
  }
  const IndicatorCheck check = CheckIndicators(indicators.OfMeasure(plan_id, measure_id));
  if (!check.passed()) {
    if (!override_check.requested) return IndicatorCheckStatus(measure_id, check);
    c.indicator_check_overridden = true;
    c.override_reason = override_check.reason;
  }
  c.indicator_checks = check.lines;
  return absl::OkStatus();
}

}  // namespace

void ProgressRecorder::DeclareCompletion(const std::string& plan_id, const std::string& measure_id,
                                         const std::string& org_id, const std::string& description,
                                         const std::vector<std::string>& evidence_links,
                                         const Caller& caller, Callback<Completion> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckDeclaration(description, evidence_links);
  if (valid.ok() && org_id.empty()) valid = absl::InvalidArgumentError("organization is required");
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  absl::StatusOr<const MeasureInfo*> measure =
      LedMeasure(**plan, measure_id, org_id, "declares completion");
  if (!measure.ok()) return done(measure.status());
  valid = CheckActsFor(caller, org_id);
  if (!valid.ok()) return done(valid);
  Fingerprinter f;
  f.Add(plan_id).Add(measure_id).Add(org_id).Add(description);
  for (const std::string& l : evidence_links) f.Add(l);
  const std::string fingerprint = f.Done();
  RunSerialized(caller, MeasureKey(plan_id, measure_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kDeclareMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    auto completions = store_->ListCompletions(plan_id, measure_id);
    if (!completions.ok()) return done(completions.status());
    if (seen->has_value()) return done(ReplayedMeasureItem(*completions, **seen));
    absl::Status declarable = CheckDeclarable(*completions, measure_id);
    if (!declarable.ok()) return done(declarable);
    Completion c;
    c.plan_id = plan_id;
    c.measure_id = measure_id;
    c.org_id = org_id;
    c.number = static_cast<int>(completions->size()) + 1;
    c.description = description;
    c.evidence_links = evidence_links;
    c.state = CompletionState::kDeclared;
    c.declare_time = clock_->Now();
    c.declared_by = caller.actor;
    CommitMeasureItem(*store_, c, kDeclareMethod, fingerprint, EventType::kCompletionDeclared,
                      caller, std::move(guard), done);
  });
}

void ProgressRecorder::DecideCompletion(const std::string& plan_id, const std::string& measure_id,
                                        int number, bool confirm, const std::string& comment,
                                        const Caller& caller, Callback<Completion> done) {
  DecideCompletion(plan_id, measure_id, number, confirm, comment, IndicatorOverride(), caller,
                   std::move(done));
}

void ProgressRecorder::DecideCompletion(const std::string& plan_id, const std::string& measure_id,
                                        int number, bool confirm, const std::string& comment,
                                        const IndicatorOverride& override_check,
                                        const Caller& caller, Callback<Completion> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "confirm or reject completions");
  if (valid.ok()) valid = CheckDecision(confirm, comment, override_check);
  if (!valid.ok()) return done(valid);
  const std::string fingerprint =
      DecisionFingerprint(plan_id, measure_id, number, confirm ? "c" : "r", comment)
          .Add(override_check.requested ? "o" : "-")
          .Add(override_check.reason)
          .Done();
  ;
  const IndicatorDirectory* indicators = indicators_;
  DecideMeasureItem<Completion>(
      plan_id, measure_id, number, kDecideCompletionMethod, fingerprint,
      confirm ? EventType::kCompletionConfirmed : EventType::kCompletionRejected,
      [=](Completion& c) {
        if (confirm && indicators != nullptr) {
          ECOPLAN_RETURN_IF_ERROR(
              ApplyIndicatorCheck(*indicators, plan_id, measure_id, override_check, c));
        }
        c.state = confirm ? CompletionState::kConfirmed : CompletionState::kRejected;
        c.decision_comment = comment;
        return absl::OkStatus();
      },
      caller, std::move(done));
}

absl::StatusOr<std::vector<Completion>> ProgressRecorder::ListCompletions(
    const std::string& plan_id, const std::string& measure_id, CompletionState state) {
  return ListMeasureItems<Completion>(*plans_, *store_, plan_id, measure_id, state);
}

}  // namespace ecoplan::progress
