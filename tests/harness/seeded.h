#pragma once

// What most multi-process tests start from: the seed plan imported through
// the registry, and the progress service caught up with it.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/process.h"

namespace ecoplan::testing {

// Makes the context of one call (a token of some role, a deadline).
using ContextFactory = std::function<std::unique_ptr<grpc::ClientContext>()>;

// Imports the plan document at `seed_path` and returns the plan as exported
// (its name, tasks, measures and organizations). Errors: the file unread, or
// a call's status with its message.
inline absl::StatusOr<registry::v1::ExportPlanResponse> ImportSeedPlan(
    registry::v1::RegistryService::Stub& registry, const ContextFactory& context,
    const std::string& seed_path) {
  absl::StatusOr<std::string> text = ReadFile(seed_path);
  if (!text.ok()) return text.status();
  registry::v1::ImportPlanRequest import;
  import.set_document_text(*text);
  registry::v1::ImportPlanResponse imported;
  grpc::Status status = registry.ImportPlan(context().get(), import, &imported);
  if (!status.ok()) return absl::UnknownError(absl::StrCat("ImportPlan: ", status.error_message()));
  registry::v1::ExportPlanRequest export_request;
  export_request.set_name(imported.plan().name());
  registry::v1::ExportPlanResponse plan;
  status = registry.ExportPlan(context().get(), export_request, &plan);
  if (!status.ok()) return absl::UnknownError(absl::StrCat("ExportPlan: ", status.error_message()));
  return plan;
}

// Waits (up to 30 s) until the progress service knows `plan` from the
// registry's events: its reporting calendar answers. Errors: DeadlineExceeded
// with the last status.
inline absl::Status AwaitPlanInProgress(progress::v1::ProgressService::Stub& progress,
                                        const std::string& plan, const ContextFactory& context) {
  grpc::Status status;
  for (int i = 0; i < 300; ++i) {
    progress::v1::GetReportingCalendarRequest r;
    r.set_name(plan + "/reportingCalendar");
    progress::v1::GetReportingCalendarResponse out;
    status = progress.GetReportingCalendar(context().get(), r, &out);
    if (status.ok()) return absl::OkStatus();
    absl::SleepFor(absl::Milliseconds(100));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("the progress service never got ", plan, ": ", status.error_message()));
}

}  // namespace ecoplan::testing
