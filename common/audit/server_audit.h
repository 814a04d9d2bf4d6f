#pragma once

// A server's audit log and its capture, as ServerFoundation
// (common/server/server_foundation.h) opens them for every server:
//
//   absl::StatusOr<std::unique_ptr<common::ServerAudit>> audit = common::ServerAudit::Open(
//       db.get(), security.authenticator.get(), &clock, &metrics, log);
//   if (!audit.ok()) { log.Error(…); return 1; }
//   common::AdminServiceImpl admin(&backups, service_name, admin_auth.get(), (*audit)->log());
//   server_options.interceptors.push_back((*audit)->capture());
//
// Declare it before the RunningServer (the server must stop first) and after
// the RocksDb. See docs/SECURITY.md "Audit".

#include <memory>

#include "absl/status/statusor.h"
#include "common/audit/audit_interceptor.h"
#include "common/audit/audit_log.h"

namespace ecoplan::common {

class ServerAudit {
 public:
  // `db`, `authenticator` (the service's, for Authenticate only), `clock` and
  // `metrics` (may be null) must outlive it. Errors: as AuditLog::Open.
  static absl::StatusOr<std::unique_ptr<ServerAudit>> Open(RocksDb* db,
                                                           const CallAuthenticator* authenticator,
                                                           const Clock* clock,
                                                           MetricsRegistry* metrics,
                                                           const Logger& logger);

  AuditLog* log() const { return log_.get(); }
  AuditInterceptorFactory* capture() const { return capture_.get(); }

 private:
  ServerAudit() = default;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<AuditInterceptorFactory> capture_;  // after log_: destroyed first
};

}  // namespace ecoplan::common
