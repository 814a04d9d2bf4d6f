#pragma once

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/edge/reactors.h"
#include "common/events/watch_events_reactor.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "services/progress/domain/problem_ledger.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/supervision_desk.h"
#include "services/progress/submit_report_answer.h"

namespace ecoplan::progress {

// The domain's view of the authenticated caller `who`; `request_actor` names
// the actor only in development mode (defined in progress_service_impl.cc).
Caller CallerOf(const common::Principal& who, const std::string& request_actor,
                const std::string& request_id);

// gRPC edge of the progress service: maps v1 messages to domain calls and the
// result back, and nothing else. Writes return at once and the reactor is
// finished from the recorder's callback, once the change is durable (on the
// database's committer thread). Reads that scan the database run on
// `reader`; point reads and GetSubmissionStatus (one period's reports,
// usually answered from the recorder's shared status) answer inline. WatchEvents streams `db`'s
// event log through `watch_hub`. Every call is authenticated and authorized first by `auth` against
// ProgressPolicy (docs/SECURITY.md); the caller's subject is the actor of a change and a reporter's
// organization bounds what it reads and writes. All pointers must outlive the service.
//
// GetReport and GetSubmissionStatus answer bytes (progress_reads_as_bytes.cc):
// their handlers are registered with a v1 request and a grpc::ByteBuffer
// answer, which holds the stored report's bytes or the status's answer kept
// serialized, byte for byte what the v1 answer would serialize to.
// Interceptors see the typed request as for every other method (audit reads
// its fields); none reads an answer message.
class ProgressServiceImpl final : public v1::ProgressService::CallbackService {
 public:
  // `desk` serves the supervision orders (督办单; the handlers are in
  // progress_service_supervision.cc), `ledger` the problem ledgers (问题清单;
  // progress_service_problems.cc).
  ProgressServiceImpl(ProgressRecorder* recorder, SupervisionDesk* desk, ProblemLedger* ledger,
                      common::SerialExecutor* reader, common::RocksDb* db,
                      common::WatchEventsHub* watch_hub, const common::CallAuthenticator* auth);

  ECOPLAN_UNARY_RPC(SubmitReport);
  ECOPLAN_UNARY_RPC(ListReports);
  ECOPLAN_UNARY_RPC(ListReportRevisions);
  ECOPLAN_UNARY_RPC(AcceptReport);
  ECOPLAN_UNARY_RPC(ReturnReport);
  ECOPLAN_UNARY_RPC(GetMeasureProgress);
  ECOPLAN_UNARY_RPC(ListMeasureHistory);
  ECOPLAN_UNARY_RPC(RequestExtension);
  ECOPLAN_UNARY_RPC(DecideExtension);
  ECOPLAN_UNARY_RPC(ListExtensions);
  ECOPLAN_UNARY_RPC(DeclareCompletion);
  ECOPLAN_UNARY_RPC(ConfirmCompletion);
  ECOPLAN_UNARY_RPC(RejectCompletion);
  ECOPLAN_UNARY_RPC(ListCompletions);
  ECOPLAN_UNARY_RPC(GetReportingCalendar);
  ECOPLAN_UNARY_RPC(UpdateReportingCalendar);
  ECOPLAN_UNARY_RPC(LoadHolidays);
  ECOPLAN_UNARY_RPC(GetHolidays);
  ECOPLAN_UNARY_RPC(IssueSupervisionOrder);
  ECOPLAN_UNARY_RPC(GetSupervisionOrder);
  ECOPLAN_UNARY_RPC(ListSupervisionOrders);
  ECOPLAN_UNARY_RPC(ReplySupervisionOrder);
  ECOPLAN_UNARY_RPC(VerifySupervisionReply);
  ECOPLAN_UNARY_RPC(RaiseSupervisionLevel);
  ECOPLAN_UNARY_RPC(CloseSupervisionOrder);
  ECOPLAN_UNARY_RPC(AcknowledgeSupervisionOrder);
  ECOPLAN_UNARY_RPC(CreateProblemItem);
  ECOPLAN_UNARY_RPC(ImportProblemItems);
  ECOPLAN_UNARY_RPC(GetProblemItem);
  ECOPLAN_UNARY_RPC(ListProblemItems);
  ECOPLAN_UNARY_RPC(SummarizeProblemItems);
  ECOPLAN_UNARY_RPC(TransitionProblemItem);
  ECOPLAN_UNARY_RPC(PrefillReport);
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
  // Replaces the generated GetReport and GetSubmissionStatus handlers with
  // the two below (called once, from the constructor).
  void RegisterByteAnswers();
  // GetReport, answered as the serialized v1::GetReportResponse.
  grpc::ServerUnaryReactor* GetReportAsBytes(grpc::CallbackServerContext* ctx,
                                             const v1::GetReportRequest* request,
                                             grpc::ByteBuffer* response);
  // GetSubmissionStatus, answered as the serialized
  // v1::GetSubmissionStatusResponse kept beside the status it was built from.
  grpc::ServerUnaryReactor* GetSubmissionStatusAsBytes(
      grpc::CallbackServerContext* ctx, const v1::GetSubmissionStatusRequest* request,
      grpc::ByteBuffer* response);
  // ConfirmCompletion and RejectCompletion.
  grpc::ServerUnaryReactor* DecideCompletion(grpc::CallbackServerContext* ctx,
                                             absl::string_view method, bool confirm,
                                             const std::string& name, const std::string& comment,
                                             const std::string& actor,
                                             const std::string& request_id,
                                             const IndicatorOverride& override_check,
                                             v1::Completion* response);

  // An order write answered with the order as of now (the service clock),
  // into `response`.
  grpc::ServerUnaryReactor* AnswerOrder(grpc::CallbackServerContext* ctx,
                                        std::function<void(Callback<SupervisionOrder>)> call,
                                        v1::SupervisionOrder* response);
  // A problem item write answered with the item as of now, into `response`.
  grpc::ServerUnaryReactor* AnswerProblem(grpc::CallbackServerContext* ctx,
                                          std::function<void(Callback<ProblemItem>)> call,
                                          v1::ProblemItem* response);

  // SubmitReport's request and response, on one arena per call.
  SubmitReportMessages submit_report_messages_;

  ProgressRecorder* const recorder_;
  SupervisionDesk* const desk_;
  ProblemLedger* const ledger_;
  common::SerialExecutor* const reader_;
  common::RocksDb* const db_;
  common::WatchEventsHub* const watch_hub_;
  const common::CallAuthenticator* const auth_;

  // GetSubmissionStatus's answer built from the recorder's shared status,
  // serialized, per (plan, period) as asked: rebuilt when the recorder returns
  // another status. Each call's answer refers to these bytes (a slice holding
  // a reference), so a replaced answer lives until its last call is sent.
  struct StatusAnswer {
    std::shared_ptr<const SubmissionStatus> status;
    std::shared_ptr<const std::string> bytes;
  };
  absl::Mutex answers_mu_;
  absl::flat_hash_map<std::string, StatusAnswer> status_answers_ ABSL_GUARDED_BY(answers_mu_);
};

}  // namespace ecoplan::progress
