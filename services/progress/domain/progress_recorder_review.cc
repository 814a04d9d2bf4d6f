// ProgressRecorder: the bureau's review of a submitted report (accept or
// return it).

#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/progress_recorder_internal.h"

namespace ecoplan::progress {

using internal::Diff;
using internal::Fingerprinter;
using internal::kAcceptMethod;
using internal::kReturnMethod;
using internal::NotFoundReport;
using internal::ReportKey;
using internal::StateName;

void ProgressRecorder::ReviewReport(const std::string& plan_id, const std::string& report_id,
                                    bool accept, const std::string& etag,
                                    const std::string& comment, const Caller& caller,
                                    Callback<Report> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "review reports");
  if (valid.ok()) valid = CheckText(comment, "comment", kMaxCommentLength, !accept);
  if (valid.ok() && etag.empty()) valid = absl::InvalidArgumentError("etag is required");
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  const absl::string_view method = accept ? kAcceptMethod : kReturnMethod;
  const std::string fingerprint =
      Fingerprinter().Add(plan_id).Add(report_id).Add(etag).Add(comment).Done();
  const std::string key = ReportKey(plan_id, report_id);
  RunSerialized(caller, key, [=, method = std::string(method)](std::shared_ptr<void> guard) {
    absl::StatusOr<std::optional<RequestRecord>> seen = CheckRequest(caller, method, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) {
      auto rev = store_->GetRevision(plan_id, (*seen)->resource, (*seen)->revision);
      if (!rev.ok()) return done(rev.status());
      if (!rev->has_value()) return done(absl::InternalError("missing revision of a request"));
      return done((*rev)->report);
    }
    absl::StatusOr<std::shared_ptr<const Report>> current = CurrentReport(key, plan_id, report_id);
    if (!current.ok()) return done(current.status());
    if (*current == nullptr) return done(NotFoundReport(plan_id, report_id));
    const Report& before = **current;
    if (etag != ReportEtag(before)) {
      return done(absl::AbortedError(
          absl::StrCat("etag: report is at revision ", before.revision, "; read it again")));
    }
    if (before.state != ReportState::kSubmitted) {
      return done(absl::FailedPreconditionError(absl::StrCat(
          "report plans/", plan_id, "/reports/", report_id, " is ", StateName(before.state),
          "; only a SUBMITTED report can be accepted or returned")));
    }
    const absl::Time now = clock_->Now();
    auto next = std::make_shared<Report>(before);
    Report& report = *next;
    report.state = accept ? ReportState::kAccepted : ReportState::kReturned;
    report.revision = before.revision + 1;
    report.update_time = now;
    report.review_comment = comment;
    report.reviewed_by = caller.actor;
    Change change;
    change.revision = RevisionNote{report.revision,
                                   accept ? RevisionAction::kAccepted : RevisionAction::kReturned,
                                   now,
                                   caller.actor,
                                   comment,
                                   Diff(&before, report),
                                   caller.request_id};
    change.report = next;
    if (!caller.request_id.empty()) {
      change.request =
          RequestRecord{caller.request_id, method, report_id, fingerprint, report.revision};
    }
    change.events.push_back(accept ? EventType::kReportAccepted : EventType::kReportReturned);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [this, guard, key, next, done](absl::Status s) {
      CommittedReport(key, s.ok() ? next : nullptr);
      if (!s.ok()) return done(s);
      done(*next);
    });
  });
}

}  // namespace ecoplan::progress
