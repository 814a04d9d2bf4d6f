#include "common/server/server_foundation.h"

#include <utility>

#include "common/admin/admin_policy.h"

namespace ecoplan::common {

int ExitInvalidConfiguration(const Logger& log, const absl::Status& invalid) {
  log.Error("invalid configuration", {{"error", std::string(invalid.message())}});
  return kExitInvalidConfiguration;
}

int ExitFailure(const Logger& log, absl::string_view what, const absl::Status& failed) {
  log.Error(what, {{"error", failed.ToString()}});
  return kExitFailure;
}

int ServerFoundation::Open(const ServerConfig& config, const FoundationSpec& spec,
                           const Clock* clock, MetricsRegistry* metrics, const Logger& log,
                           std::unique_ptr<ServerFoundation>* foundation) {
  std::unique_ptr<ServerFoundation> opened(new ServerFoundation());
  opened->metrics_ = metrics;
  opened->log_ = log;
  absl::StatusOr<ServerSecurity> security =
      BuildServerSecurity(config.security, spec.policy, clock, metrics, log);
  if (!security.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security.status().message())}});
    return kExitInvalidConfiguration;
  }
  opened->security_ = *std::move(security);
  if (!spec.upstream_identity.empty()) {
    // Calls to the services it follows authenticate as spec.upstream_identity.
    absl::StatusOr<std::unique_ptr<ServiceClients>> upstream = ServiceClients::Create(
        config.upstream_clients, config.security, spec.upstream_identity, clock, log);
    if (!upstream.ok()) {
      log.Error("invalid upstream configuration",
                {{"error", std::string(upstream.status().message())}});
      return kExitInvalidConfiguration;
    }
    opened->upstream_ = *std::move(upstream);
  }
  RocksDbOptions db_options;
  db_options.path = config.db_path;
  db_options.column_families = spec.column_families;
  db_options.event_source = spec.event_source;
  db_options.log = &log;
  opened->storage_signals_ = std::make_unique<StorageSignals>(metrics, log, clock);
  StorageSignals* signals = opened->storage_signals_.get();
  db_options.on_group_written = [signals](const absl::Status& outcome) {
    signals->OnGroupWritten(outcome);
  };
  absl::StatusOr<std::unique_ptr<RocksDb>> db = RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.db_path}, {"error", db.status().ToString()}});
    return kExitFailure;
  }
  opened->db_ = *std::move(db);
  signals->OnOpened(opened->db_->open_report(), config.db_path);
  // Every write and every refused call, recorded before its answer (docs/SECURITY.md "Audit").
  absl::StatusOr<std::unique_ptr<ServerAudit>> audit = ServerAudit::Open(
      opened->db_.get(), opened->security_.authenticator.get(), clock, metrics, log);
  if (!audit.ok()) return ExitFailure(log, "cannot open the audit log", audit.status());
  opened->audit_ = *std::move(audit);
  opened->backups_ = std::make_unique<BackupManager>(opened->db_.get(), config.backup_dir, clock);
  opened->admin_auth_ = AdminAuthenticator(opened->security_, metrics, log);
  opened->admin_ = std::make_unique<AdminServiceImpl>(
      opened->backups_.get(), spec.event_source, opened->admin_auth_.get(), opened->audit_->log());
  *foundation = std::move(opened);
  return 0;
}

ServerFoundation::~ServerFoundation() = default;

std::unique_ptr<CallAuthenticator> ServerFoundation::AuthenticatorFor(
    const PolicyTable* policy) const {
  return std::make_unique<CallAuthenticator>(security_.authenticator_options,
                                             security_.verifier.get(), policy,
                                             security_.limiter.get(), metrics_, log_);
}

ServeSpec ServerFoundation::Serve(std::string service_name,
                                  std::vector<grpc::Service*> services) const {
  ServeSpec spec;
  spec.service_name = std::move(service_name);
  spec.services = std::move(services);
  spec.services.push_back(admin_.get());
  spec.credentials = security_.credentials;
  spec.metrics = metrics_;
  spec.interceptors = {audit_->capture()};
  return spec;
}

}  // namespace ecoplan::common
