#include "services/progress/domain/progress_recorder.h"

// The recorder's shared machinery: who may act, the checks of caller-supplied
// text, the per-resource serialisation, request ids, and the cache of the
// reports it committed. The use cases are in the progress_recorder_*.cc files
// beside it, one concept each.

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder_internal.h"

namespace ecoplan::progress {

using internal::CheckTextNamed;
using internal::CheckUrlNamed;

absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_chars,
                       bool required) {
  return CheckTextNamed(
      value, [field] { return field; }, max_chars, required);
}

absl::Status CheckUrl(absl::string_view url, absl::string_view field) {
  return CheckUrlNamed(url, [field] { return field; });
}

absl::Status CheckCaller(const Caller& caller) {
  ECOPLAN_RETURN_IF_ERROR(CheckText(caller.actor, "actor", kMaxActorLength, false));
  return common::ValidateRequestId(caller.request_id);
}

absl::Status CheckActsFor(const Caller& caller, absl::string_view org_id) {
  switch (caller.role) {
    case Caller::Role::kAdministrator:
    case Caller::Role::kService:
      return absl::OkStatus();
    case Caller::Role::kReporter:
      if (caller.org_id == org_id) return absl::OkStatus();
      return absl::PermissionDeniedError(absl::StrCat("a reporter of organizations/", caller.org_id,
                                                      " cannot act for organizations/", org_id));
    case Caller::Role::kSupervisor:
      return absl::PermissionDeniedError(
          absl::StrCat("the supervision office cannot act for organizations/", org_id));
    case Caller::Role::kViewer:
      break;
  }
  return absl::PermissionDeniedError("a viewer cannot make changes");
}

absl::Status CheckAdministrator(const Caller& caller, absl::string_view what) {
  if (caller.role == Caller::Role::kAdministrator) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("only the bureau (administrator) may ", what));
}

ProgressRecorder::ProgressRecorder(ReportStore* store, const PlanDirectory* plans,
                                   const common::Clock* clock,
                                   std::function<void(std::function<void()>)> dispatch,
                                   const IndicatorDirectory* indicators)
    : store_(store),
      plans_(plans),
      clock_(clock),
      indicators_(indicators),
      serializer_(std::move(dispatch)) {}

void ProgressRecorder::RunSerialized(const Caller& caller, const std::string& resource_key,
                                     std::function<void(std::shared_ptr<void>)> fn) {
  serializer_.RunForRequest(caller.request_id, resource_key, std::move(fn));
}

absl::StatusOr<std::shared_ptr<const Report>> ProgressRecorder::CurrentReport(
    const std::string& key, absl::string_view plan_id, absl::string_view report_id) {
  {
    absl::MutexLock lock(&reports_mu_);
    auto it = reports_.find(key);
    if (it != reports_.end()) return it->second;
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<Report> stored, store_->GetReport(plan_id, report_id));
  if (!stored.has_value()) return std::shared_ptr<const Report>();
  return std::shared_ptr<const Report>(std::make_shared<Report>(*std::move(stored)));
}

void ProgressRecorder::CommittedReport(const std::string& key,
                                       std::shared_ptr<const Report> report) {
  absl::MutexLock lock(&reports_mu_);
  if (report == nullptr) {
    reports_.erase(key);
    return;
  }
  // A bound, not an eviction policy: at month end the reports being revised
  // are those of the current period, and they come back after a clear.
  if (reports_.size() >= kMaxCachedReports && reports_.count(key) == 0) reports_.clear();
  reports_[key] = std::move(report);
}

absl::StatusOr<std::optional<RequestRecord>> ProgressRecorder::CheckRequest(
    const Caller& caller, absl::string_view method, absl::string_view fingerprint) {
  return internal::FindRetry(caller, method, fingerprint,
                             [this](absl::string_view id) { return store_->FindRequest(id); });
}

}  // namespace ecoplan::progress
