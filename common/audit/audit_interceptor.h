#pragma once

// Capture of the audit log: a gRPC server interceptor that appends one
// AuditRecord for every call of an ecoplan method ("/ecoplan.…") that writes —
// whatever its outcome — and for every call of a read-only method refused as
// UNAUTHENTICATED or PERMISSION_DENIED. Successful (or otherwise failed) reads
// are not recorded: they change nothing, and streams such as WatchEvents
// would flood the log. See docs/SECURITY.md "Audit".
//
//   AuditInterceptorFactory capture(audit_log, security.authenticator.get(), &clock,
//                                   &metrics, logger);
//   server_options.interceptors.push_back(&capture);
//
// Who: the interceptor authenticates the call's metadata itself with the
// service's CallAuthenticator (Authenticate only: same token, certificate and
// development-mode rules as the handler), so that refused calls are recorded
// with whoever they claimed to be when the credentials are valid, and the
// handlers need no change. Never the token: only the verified principal.
// From where: ServerContext::peer(). What: the method, the answered status,
// the request's request_id and resource-name fields (never other fields:
// bodies may hold secrets), and the events the call appended — events
// committed while the call ran whose actor is the caller (and whose request id
// is the call's, when it has one).
//
// Durability: the answer (status and response) is held back until the record
// is synced: PRE_SEND_STATUS hands the record to the RocksDb group committer
// and proceeds only when the commit is done. A write the client saw
// acknowledged therefore always has its audit record. The record is a second
// commit after the change (the handlers' write paths are untouched): a crash
// between the two leaves a change without a record and a client without an
// answer, which retries (request ids make the retry answer with the first
// result, and the retry is recorded). If the record cannot be written the
// answer still goes out, the failure is logged as an error and counted in
// ecoplan_audit_write_failures_total.
//
// Thread-safe. `log`, `authenticator`, `clock`, `metrics` must outlive the
// factory, and the factory must outlive the server (declare it before the
// RunningServer). Its worker thread reads the event log (never a gRPC or
// committer thread).

#include <google/protobuf/message.h>
#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "common/audit/audit_log.h"
#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/log/log.h"
#include "common/server/metrics.h"
#include "common/time/clock.h"
#include "ecoplan/admin/v1/admin_service.pb.h"

namespace ecoplan::common {

// Whether the method at `method_path` ("/<service>/<Method>") only reads: its
// name starts with Get, List, Watch, Export, Evaluate, Resolve, Summarize or Stream.
// Everything else is treated as a write, so that a new method is audited
// unless it is named as a read (audit_interceptor_test lists every method of
// the four services and the admin API with its classification).
bool IsReadOnlyMethod(absl::string_view method_path);

// The request's request_id and resource names, as recorded: top-level string
// fields named request_id, name, parent or *_name (not display_name), and the
// `name` of top-level message fields (e.g. UpdateRuleRequest.rule.name), each
// cut to 256 bytes of valid UTF-8, at most 8. Nothing else is read: request
// bodies may hold secrets (a webhook secret, a document).
void ExtractAuditRequestFields(const google::protobuf::Message& request, std::string* request_id,
                               std::vector<std::string>* resources);

struct AuditCaptureOptions {
  // Classifies methods; tests replace it.
  std::function<bool(absl::string_view method_path)> is_read_only = IsReadOnlyMethod;
  // Only methods under this prefix are audited (health checks and reflection are not).
  std::string method_prefix = "/ecoplan.";
  // At most this many events after the call's start are examined for its changes.
  size_t max_events_examined = 4096;
};

class AuditInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` may be null.
  AuditInterceptorFactory(AuditLog* log, const CallAuthenticator* authenticator, const Clock* clock,
                          MetricsRegistry* metrics, Logger logger,
                          AuditCaptureOptions options = {});

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // On the worker thread: builds the record with `build`, fills in its changes
  // from the event log (events in (after_sequence, through_sequence]
  // attributed to the caller), appends it and then calls `proceed` (on the
  // committer thread, or inline if the database is shut down).
  void Capture(std::function<ecoplan::admin::v1::AuditRecord()> build, uint64_t after_sequence,
               uint64_t through_sequence, std::function<void()> proceed);

  const CallAuthenticator& authenticator() const { return *authenticator_; }
  const Clock& clock() const { return *clock_; }
  const AuditCaptureOptions& options() const { return options_; }
  AuditLog& log() const { return *log_; }

 private:
  void AddChanges(ecoplan::admin::v1::AuditRecord& record, uint64_t after_sequence,
                  uint64_t through_sequence) const;

  AuditLog* const log_;
  const CallAuthenticator* const authenticator_;
  const Clock* const clock_;
  Logger logger_;
  const AuditCaptureOptions options_;
  Counter* records_ = nullptr;
  Counter* failures_ = nullptr;
  SerialExecutor worker_;  // last member: drained before the others go
};

}  // namespace ecoplan::common
