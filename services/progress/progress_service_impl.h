#pragma once

#include <grpcpp/grpcpp.h>

#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/watch_events_reactor.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "services/progress/domain/progress_recorder.h"

namespace ecoplan::progress {

// gRPC edge of the progress service: maps v1 messages to domain calls and the
// result back, and nothing else. Writes return at once and the reactor is
// finished from the recorder's callback, once the change is durable (on the
// database's committer thread). Reads that scan the database run on
// `reader`; point reads answer inline. WatchEvents streams `db`'s event log
// through `watch_hub`. Every call is authenticated and authorized first by
// `auth` against ProgressPolicy (docs/SECURITY.md); the caller's subject is
// the actor of a change and a reporter's organization bounds what it reads
// and writes. All pointers must outlive the service.
class ProgressServiceImpl final : public v1::ProgressService::CallbackService {
 public:
  ProgressServiceImpl(ProgressRecorder* recorder, common::SerialExecutor* reader,
                      common::RocksDb* db, common::WatchEventsHub* watch_hub,
                      const common::CallAuthenticator* auth);

  grpc::ServerUnaryReactor* SubmitReport(grpc::CallbackServerContext* ctx,
                                         const v1::SubmitReportRequest* request,
                                         v1::SubmitReportResponse* response) override;
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* ctx,
                                      const v1::GetReportRequest* request,
                                      v1::GetReportResponse* response) override;
  grpc::ServerUnaryReactor* ListReports(grpc::CallbackServerContext* ctx,
                                        const v1::ListReportsRequest* request,
                                        v1::ListReportsResponse* response) override;
  grpc::ServerUnaryReactor* ListReportRevisions(grpc::CallbackServerContext* ctx,
                                                const v1::ListReportRevisionsRequest* request,
                                                v1::ListReportRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* AcceptReport(grpc::CallbackServerContext* ctx,
                                         const v1::AcceptReportRequest* request,
                                         v1::AcceptReportResponse* response) override;
  grpc::ServerUnaryReactor* ReturnReport(grpc::CallbackServerContext* ctx,
                                         const v1::ReturnReportRequest* request,
                                         v1::ReturnReportResponse* response) override;
  grpc::ServerUnaryReactor* GetSubmissionStatus(grpc::CallbackServerContext* ctx,
                                                const v1::GetSubmissionStatusRequest* request,
                                                v1::GetSubmissionStatusResponse* response) override;
  grpc::ServerUnaryReactor* GetMeasureProgress(grpc::CallbackServerContext* ctx,
                                               const v1::GetMeasureProgressRequest* request,
                                               v1::GetMeasureProgressResponse* response) override;
  grpc::ServerUnaryReactor* ListMeasureHistory(grpc::CallbackServerContext* ctx,
                                               const v1::ListMeasureHistoryRequest* request,
                                               v1::ListMeasureHistoryResponse* response) override;
  grpc::ServerUnaryReactor* RequestExtension(grpc::CallbackServerContext* ctx,
                                             const v1::RequestExtensionRequest* request,
                                             v1::RequestExtensionResponse* response) override;
  grpc::ServerUnaryReactor* DecideExtension(grpc::CallbackServerContext* ctx,
                                            const v1::DecideExtensionRequest* request,
                                            v1::DecideExtensionResponse* response) override;
  grpc::ServerUnaryReactor* ListExtensions(grpc::CallbackServerContext* ctx,
                                           const v1::ListExtensionsRequest* request,
                                           v1::ListExtensionsResponse* response) override;
  grpc::ServerUnaryReactor* DeclareCompletion(grpc::CallbackServerContext* ctx,
                                              const v1::DeclareCompletionRequest* request,
                                              v1::DeclareCompletionResponse* response) override;
  grpc::ServerUnaryReactor* ConfirmCompletion(grpc::CallbackServerContext* ctx,
                                              const v1::ConfirmCompletionRequest* request,
                                              v1::ConfirmCompletionResponse* response) override;
  grpc::ServerUnaryReactor* RejectCompletion(grpc::CallbackServerContext* ctx,
                                             const v1::RejectCompletionRequest* request,
                                             v1::RejectCompletionResponse* response) override;
  grpc::ServerUnaryReactor* ListCompletions(grpc::CallbackServerContext* ctx,
                                            const v1::ListCompletionsRequest* request,
                                            v1::ListCompletionsResponse* response) override;
  grpc::ServerUnaryReactor* GetReportingCalendar(
      grpc::CallbackServerContext* ctx, const v1::GetReportingCalendarRequest* request,
      v1::GetReportingCalendarResponse* response) override;
  grpc::ServerUnaryReactor* UpdateReportingCalendar(
      grpc::CallbackServerContext* ctx, const v1::UpdateReportingCalendarRequest* request,
      v1::UpdateReportingCalendarResponse* response) override;
  grpc::ServerUnaryReactor* LoadHolidays(grpc::CallbackServerContext* ctx,
                                         const v1::LoadHolidaysRequest* request,
                                         v1::LoadHolidaysResponse* response) override;
  grpc::ServerUnaryReactor* GetHolidays(grpc::CallbackServerContext* ctx,
                                        const v1::GetHolidaysRequest* request,
                                        v1::GetHolidaysResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* request) override;

 private:
  // The caller, if it may call `method` (short name) on `scope`.
  absl::StatusOr<common::Principal> Authorize(grpc::CallbackServerContext* ctx,
                                              absl::string_view method,
                                              const common::ResourceScope& scope) const;
  // The same for a call about the organization `org_id` parsed from the
  // request; a parse error is answered only to an authenticated caller.
  absl::StatusOr<common::Principal> AuthorizeFor(grpc::CallbackServerContext* ctx,
                                                 absl::string_view method,
                                                 const absl::StatusOr<std::string>& org_id) const;
  // AcceptReport and ReturnReport.
  grpc::ServerUnaryReactor* Review(grpc::CallbackServerContext* ctx, absl::string_view method,
                                   bool accept, const std::string& name, const std::string& etag,
                                   const std::string& comment, const std::string& actor,
                                   const std::string& request_id, v1::Report* response);
  // ConfirmCompletion and RejectCompletion.
  grpc::ServerUnaryReactor* DecideCompletion(grpc::CallbackServerContext* ctx,
                                             absl::string_view method, bool confirm,
                                             const std::string& name, const std::string& comment,
                                             const std::string& actor,
                                             const std::string& request_id,
                                             const IndicatorOverride& override_check,
                                             v1::Completion* response);

  ProgressRecorder* const recorder_;
  common::SerialExecutor* const reader_;
  common::RocksDb* const db_;
  common::WatchEventsHub* const watch_hub_;
  const common::CallAuthenticator* const auth_;
};

}  // namespace ecoplan::progress
