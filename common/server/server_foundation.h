#pragma once

// What every ecoplan server sets up before its own store and use cases, once:
// the security pieces (BuildServerSecurity), the clients towards the services
// it follows, the RocksDb with its column families and event source, the
// audit log, the backups and the AdminService. Each main.cc reads
//
//   flags → config → foundation → store → use cases → service → followers → serve:
//
//   if (absl::Status valid = config.Validate(); !valid.ok()) {
//     return common::ExitInvalidConfiguration(log, valid);
//   }
//   common::LogStarting(log, config.server, common::LogField{"registry", …});
//   common::FoundationSpec spec;
//   spec.event_source = "ecoplan.registry.v1.RegistryService";
//   spec.policy = &registry::RegistryPolicy();
//   spec.column_families = registry::RocksDbPlanStore::ColumnFamilies();
//   std::unique_ptr<common::ServerFoundation> base;
//   if (int failed = common::ServerFoundation::Open(config.server, spec, &clock, &metrics, log,
//                                                   &base)) {
//     return failed;
//   }
//   registry::RocksDbPlanStore store(base->db());
//   …
//   common::ServeSpec serve = base->Serve("registry", {&service});
//   serve.on_signal = [&] { watch_hub.Shutdown(); };
//   return common::ServeUntilSignal(config.server, serve, log);
//
// Declare the foundation before everything that uses its database, so that it
// is destroyed after them.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/admin/admin_service_impl.h"
#include "common/admin/backup_manager.h"
#include "common/audit/server_audit.h"
#include "common/auth/authorization.h"
#include "common/auth/call_authenticator.h"
#include "common/auth/server_security.h"
#include "common/auth/service_client.h"
#include "common/config/server_config.h"
#include "common/log/log.h"
#include "common/server/metrics.h"
#include "common/server/serve.h"
#include "common/server/storage_signals.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "common/time/non_decreasing_clock.h"
#include "common/time/offset_file_clock.h"

namespace ecoplan::common {

// main's exit codes: 0 after a clean stop (ServeUntilSignal), kExitFailure when
// the server cannot start (its database, its stored state, a follower, the
// port), kExitInvalidConfiguration when a flag, an environment variable or a
// file named by a flag is wrong (common/config/env.h exits with it too).
inline constexpr int kExitFailure = 1;
inline constexpr int kExitInvalidConfiguration = 2;

// Logs "invalid configuration" with the message of `invalid` and returns
// kExitInvalidConfiguration: `return common::ExitInvalidConfiguration(log, valid);`.
int ExitInvalidConfiguration(const Logger& log, const absl::Status& invalid);

// Logs `what` ("cannot load plans") with the full status and returns
// kExitFailure.
int ExitFailure(const Logger& log, absl::string_view what, const absl::Status& failed);

// Logs the "starting" line: the server's host, ports, paths and limits, then
// `extra` (the service's own settings, e.g. LogField{"registry", address}),
// and the effective security settings (ServerSecurityConfig::LogEffective).
template <typename... Extra>
void LogStarting(const Logger& log, const ServerConfig& server, Extra&&... extra) {
  log.Info("starting", {{"host", server.host},
                        {"port", server.port},
                        {"metrics_port", server.metrics_port},
                        {"http_port", server.http_port},
                        {"db_path", server.db_path},
                        {"backup_dir", server.backup_dir},
                        {"max_message_bytes", server.max_message_bytes},
                        {"shutdown_grace", absl::FormatDuration(server.shutdown_grace)},
                        LogField(std::forward<Extra>(extra))...});
  server.security.LogEffective(log);
}

// What differs between the servers' foundations.
struct FoundationSpec {
  // Full name of the service: Event.source of its events and the AdminService's
  // name of the server ("ecoplan.registry.v1.RegistryService").
  std::string event_source;
  // Who may call which RPC of the service (e.g. RegistryPolicy()); must
  // outlive the foundation.
  const PolicyTable* policy = nullptr;
  // The column families of the service's stores, besides the ones every
  // RocksDb has (events, meta, audit).
  std::vector<std::string> column_families;
  // The service name this server presents to the services it follows
  // (ServiceClients); empty: it follows none and upstream() is null.
  std::string upstream_identity;
};

// The opened pieces. Not copyable; everything it hands out lives as long as it.
class ServerFoundation {
 public:
  // In this order: the security pieces, the upstream clients (with
  // spec.upstream_identity), the database at config.db_path, the audit log, the
  // backups in config.backup_dir and the AdminService. `clock` and `metrics`
  // must outlive the foundation. On success sets `*foundation` and returns 0;
  // otherwise logs what failed, the same lines every server has always logged
  // ("invalid security configuration", "invalid upstream configuration": exit
  // kExitInvalidConfiguration; "cannot open database", "cannot open the audit
  // log": exit kExitFailure), and returns that exit code.
  static int Open(const ServerConfig& config, const FoundationSpec& spec, const Clock* clock,
                  MetricsRegistry* metrics, const Logger& log,
                  std::unique_ptr<ServerFoundation>* foundation);

  ~ServerFoundation();
  ServerFoundation(const ServerFoundation&) = delete;
  ServerFoundation& operator=(const ServerFoundation&) = delete;

  // The verifier, limiter, the service's CallAuthenticator and the TLS credentials.
  const ServerSecurity& security() const { return security_; }
  // The service's CallAuthenticator (spec.policy), for its handlers.
  const CallAuthenticator* authenticator() const { return security_.authenticator.get(); }
  // An authenticator for another service served on the same port (e.g.
  // indicator's AssessmentService), with the same verifier, limiter and
  // development mode. `policy` must outlive the result.
  std::unique_ptr<CallAuthenticator> AuthenticatorFor(const PolicyTable* policy) const;
  // Channels to the services this server follows; null without spec.upstream_identity.
  ServiceClients* upstream() const { return upstream_.get(); }
  RocksDb* db() const { return db_.get(); }
  // Where writes and refused calls are recorded (docs/SECURITY.md "Audit").
  AuditLog* audit_log() const { return audit_->log(); }
  AdminServiceImpl* admin() const { return admin_.get(); }
  // The service's clock for everything it decides and records (deadlines,
  // commit times, audit): the wall clock given to Open, never going back
  // (common/time/non_decreasing_clock.h, --clock_max_hold), starting no
  // earlier than the last event committed before this start.
  const Clock* clock() const { return clock_.get(); }

  // The serving spec: `services` and then the AdminService on the gRPC port,
  // the TLS credentials, the metrics registry and the audit capture. The
  // caller adds log_serving and on_signal. `service_name` is the health name
  // ("registry").
  ServeSpec Serve(std::string service_name, std::vector<grpc::Service*> services) const;

 private:
  ServerFoundation() = default;

  MetricsRegistry* metrics_ = nullptr;
  Logger log_{""};
  // Declared in the order they are built; destroyed in reverse.
  std::unique_ptr<OffsetFileClock> offset_clock_;  // --clock_offset_file only
  std::unique_ptr<NonDecreasingClock> clock_;
  ServerSecurity security_;
  std::unique_ptr<ServiceClients> upstream_;
  // Before db_: the database's committer reports to it until the database is closed.
  std::unique_ptr<StorageSignals> storage_signals_;
  std::unique_ptr<RocksDb> db_;
  std::unique_ptr<ServerAudit> audit_;
  std::unique_ptr<BackupManager> backups_;
  std::unique_ptr<CallAuthenticator> admin_auth_;
  std::unique_ptr<AdminServiceImpl> admin_;
};

}  // namespace ecoplan::common
