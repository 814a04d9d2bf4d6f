#include "common/audit/server_audit.h"

#include <utility>

namespace ecoplan::common {

absl::StatusOr<std::unique_ptr<ServerAudit>> ServerAudit::Open(
    RocksDb* db, const CallAuthenticator* authenticator, const Clock* clock,
    MetricsRegistry* metrics, const Logger& logger) {
  absl::StatusOr<std::unique_ptr<AuditLog>> log = AuditLog::Open(db, clock);
  if (!log.ok()) return log.status();
  std::unique_ptr<ServerAudit> audit(new ServerAudit());
  audit->log_ = std::move(*log);
  audit->capture_ = std::make_unique<AuditInterceptorFactory>(audit->log_.get(), authenticator,
                                                              clock, metrics, logger);
  return audit;
}

}  // namespace ecoplan::common
