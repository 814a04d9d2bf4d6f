#pragma once

// Capture of the audit log: a gRPC server interceptor that appends one
// AuditRecord for every call of an ecoplan method ("/ecoplan.…") that writes —
// whatever its outcome —, for every call of a read-only method refused as
// UNAUTHENTICATED or PERMISSION_DENIED, for every read of personal data or of
// the audit log itself (IsAlwaysRecordedMethod), and for every call of a
// method no ecoplan service has (recorded as "unknown", with a sanitized
// excerpt of the path in the message). Other reads are not recorded: they
// change nothing, and streams such as WatchEvents would flood the log. See
// docs/SECURITY.md "Audit".
//
// Floods: a refusal past the CallAuthenticator's RefusalThrottle is answered
// RESOURCE_EXHAUSTED (kRefusalThrottledMessage) and is not recorded on its
// own; neither is a recorded call the RateLimiter turned away. Such calls are
// counted per client (address and subject) and written as one record
// (AUDIT_CALL_KIND_THROTTLED_REFUSALS, with refused_count) and one log line
// per client and window (RefusalThrottleOptions::window, 60 s by default),
// when the window ends or the capture is destroyed. Calls of unknown methods
// take from the same budget. At most max_aggregated_clients clients are
// counted apart; the rest share one record.
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
// From where: ServerContext::peer(), and the client address behind a trusted
// proxy (CallAuthenticator::Client; x-forwarded-for is kept as a claim). What: the method, the
// answered status, the request's request_id and resource-name fields (never other fields: bodies
// may hold secrets), and the events the call appended — events committed while the call ran whose
// actor is the caller (and whose request id is the call's, when it has one).
//
// Durability: the answer (status and response) is held back until the record
// is synced. A unary write's record goes into the batch of the change its
// handler commits: at POST_RECV_MESSAGE the interceptor builds what the call
// tells (who, from where, what) and opens a CommitContributorScope around the
// handler; the committer stamps the record (commit time, code OK, the change's
// events) into the change's batch, so change and record are one synced write
// and, when the call answers OK having made that one commit, nothing more is
// written. Every other recorded call — refusals, calls that changed nothing,
// an error after a change, more than one commit, a commit made from another
// thread than the handler's — gets its record at PRE_SEND_STATUS, handed to
// the RocksDb group committer as a commit of its own, and proceeds only when
// that is done (docs/SECURITY.md "Audit", Durability, says which calls and
// what a crash between the two leaves). If that record cannot be written the
// answer still goes out, the failure is logged as an error and counted in
// ecoplan_audit_write_failures_total.
//
// Thread-safe. `log`, `authenticator`, `clock`, `metrics` must outlive the
// factory, and the factory must outlive the server (declare it before the
// RunningServer). Its worker thread reads the event log (never a gRPC or
// committer thread).

#include <google/protobuf/message.h>
#include <grpcpp/support/server_interceptor.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/audit/audit_log.h"
#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/log/log.h"
#include "common/server/metrics.h"
#include "common/time/clock.h"
#include "ecoplan/admin/v1/admin_service.pb.h"

namespace ecoplan::common {

// Whether the method at `method_path` ("/<service>/<Method>") only reads: its
// name starts with Get, List, Watch, Export, Evaluate, Resolve, Stream or
// Summarize, or is VerifyAuditLog.
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
// The same, and the organization the request names into `organization_id`
// (the organization a call tries to reach): a top-level string field named
// organization or organization_id, else such a field of a top-level message
// field (e.g. a report's organization).
void ExtractAuditRequestFields(const google::protobuf::Message& request, std::string* request_id,
                               std::vector<std::string>* resources, std::string* organization_id);

// Reads recorded whatever their outcome: personal data (the notification
// service's GetContacts) and the audit log itself (ListAuditRecords,
// VerifyAuditLog).
bool IsAlwaysRecordedMethod(absl::string_view method_path);

// Whether `method_path` is a method of a service in the generated descriptor
// pool (any ecoplan service this binary knows); others are recorded as "unknown".
bool IsKnownMethod(absl::string_view method_path);

// A bounded, printable excerpt of a made-up method path for the record: at
// most 64 bytes of [A-Za-z0-9._/-] (other bytes become '?') and the length.
std::string UnknownMethodExcerpt(absl::string_view method_path);

struct AuditCaptureOptions {
  // Classifies methods; tests replace it.
  std::function<bool(absl::string_view method_path)> is_read_only = IsReadOnlyMethod;
  std::function<bool(absl::string_view method_path)> is_always_recorded = IsAlwaysRecordedMethod;
  std::function<bool(absl::string_view method_path)> is_known = IsKnownMethod;
  // Only methods under this prefix are audited (health checks and reflection are not).
  std::string method_prefix = "/ecoplan.";
  // At most this many events after the call's start are examined for its changes.
  size_t max_events_examined = 4096;
  // Throttled calls are counted apart for at most this many clients.
  size_t max_aggregated_clients = 10000;
  // Write calls: the record goes into the batch of the change the handler
  // commits (one synced write for both); false writes it as a second commit
  // after the answer, as for every other recorded call.
  bool record_in_change_batch = true;
  // The window of the aggregated records when the authenticator has no
  // RefusalThrottle (whose window is used otherwise).
  absl::Duration aggregate_window = absl::Seconds(60);
};

class AuditInterceptorFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  // `metrics` may be null.
  AuditInterceptorFactory(AuditLog* log, const CallAuthenticator* authenticator, const Clock* clock,
                          MetricsRegistry* metrics, Logger logger,
                          AuditCaptureOptions options = {});

  // Writes the aggregates still open (blocking) and stops the flusher.
  ~AuditInterceptorFactory() override;

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;

  // On the worker thread: counts one throttled call into its client's
  // aggregate (`record` is the call's record, built but not written), then
  // calls `proceed`.
  void Aggregate(std::function<ecoplan::admin::v1::AuditRecord()> build,
                 std::function<void()> proceed);

  // Writes the aggregates whose window has ended (all of them with `all`):
  // one record and one log line each. The flusher calls it every second;
  // tests call it directly.
  void FlushAggregates(bool all);

  // A call's record as built, and whether it is only to be counted.
  struct CapturedCall {
    ecoplan::admin::v1::AuditRecord record;
    bool throttled = false;  // past the refusal budget: into its client's aggregate
  };

  // On the worker thread: builds the record with `build`, fills in its changes
  // from the event log (events in (after_sequence, through_sequence]
  // attributed to the caller), appends it and then calls `proceed` (on the
  // committer thread, or inline if the database is shut down). A throttled
  // call is counted into its client's aggregate instead, and proceeds at once.
  void Capture(std::function<CapturedCall()> build, uint64_t after_sequence,
               uint64_t through_sequence, std::function<void()> proceed);

  // Counts one record written (ecoplan_audit_records_total).
  void CountRecorded(const std::string& method, const std::string& code);

  const CallAuthenticator& authenticator() const { return *authenticator_; }
  const Clock& clock() const { return *clock_; }
  const AuditCaptureOptions& options() const { return options_; }
  AuditLog& log() const { return *log_; }

 private:
  void AddChanges(ecoplan::admin::v1::AuditRecord& record, uint64_t after_sequence,
                  uint64_t through_sequence) const;
  void Write(ecoplan::admin::v1::AuditRecord record, std::function<void()> done);
  void Count(ecoplan::admin::v1::AuditRecord record);

  // What options_ say of one method.
  struct MethodClass {
    bool known = false;
    bool read_only = false;
    bool always_recorded = false;
  };
  // options_'s answers for `method`, asked once per known method: IsKnownMethod
  // looks the method up in the generated descriptor pool under its mutex, on
  // every call otherwise. Unknown paths (made up by callers) are not kept.
  MethodClass ClassOf(absl::string_view method);

  // Throttled calls of one client in the current window.
  struct Aggregated {
    absl::Time start;
    uint64_t count = 0;
    ecoplan::admin::v1::AuditRecord first;  // the first call's record (actor, client)
    std::vector<std::string> methods;       // distinct, at most 4
    size_t more_methods = 0;
  };

  AuditLog* const log_;
  const CallAuthenticator* const authenticator_;
  const Clock* const clock_;
  Logger logger_;
  const AuditCaptureOptions options_;
  Counter* records_ = nullptr;
  Counter* failures_ = nullptr;
  Counter* aggregated_ = nullptr;
  std::atomic<bool> audit_failing_{false};  // the last audit write failed
  absl::Duration window_;
  absl::Mutex classes_mu_;
  absl::flat_hash_map<std::string, MethodClass> classes_ ABSL_GUARDED_BY(classes_mu_);
  absl::Mutex aggregate_mu_;
  absl::flat_hash_map<std::string, Aggregated> aggregates_ ABSL_GUARDED_BY(aggregate_mu_);
  bool stopping_ ABSL_GUARDED_BY(aggregate_mu_) = false;
  std::thread flusher_;    // FlushAggregates(false) every second
  SerialExecutor worker_;  // last member: drained before the others go
};

}  // namespace ecoplan::common
