// registry_server: the task registry. Flags → RegistryConfig → RocksDb →
// RocksDbPlanStore → TaskRegistry → RegistryServiceImpl → RunningServer,
// until SIGTERM or SIGINT.

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/admin/admin_policy.h"
#include "common/admin/admin_service_impl.h"
#include "common/audit/server_audit.h"
#include "common/auth/server_security.h"
#include "common/concurrency/serial_executor.h"
#include "common/config/env.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/run_server.h"
#include "common/server/serve.h"
#include "common/server/server_flags.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "services/registry/config.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/registry_policy.h"
#include "services/registry/registry_service_impl.h"
#include "services/registry/storage/rocksdb_plan_store.h"

using ::ecoplan::common::EnvIntOr;
using ::ecoplan::common::EnvOr;

ABSL_FLAG(int, port, EnvIntOr("ECOPLAN_REGISTRY_PORT", 50051),
          "gRPC port (env ECOPLAN_REGISTRY_PORT); 0 picks a free port");
ABSL_FLAG(std::string, db_path, EnvOr("ECOPLAN_DB_PATH", "var/registry"),
          "RocksDB directory (env ECOPLAN_DB_PATH)");
ABSL_FLAG(std::string, backup_dir, EnvOr("ECOPLAN_BACKUP_DIR", "var/registry-backups"),
          "Where AdminService.CreateBackup writes checkpoints (env ECOPLAN_BACKUP_DIR); empty "
          "disables backups");
// The flags every server shares (--host, --metrics_port, security …) are in
// common/server/server_flags.cc.

int main(int argc, char** argv) {
  namespace registry = ::ecoplan::registry;
  namespace common = ::ecoplan::common;
  // Before any thread starts (RocksDB, gRPC), so every thread inherits the mask
  // and SIGTERM reaches RunUntilSignal's sigwait.
  common::BlockTerminationSignals();
  absl::SetProgramUsageMessage("ecoplan task registry server");
  absl::ParseCommandLine(argc, argv);
  common::Logger log("registry");

  registry::RegistryConfig config;
  config.server = common::ReadCommonServerFlags();
  config.server.port = absl::GetFlag(FLAGS_port);
  config.server.db_path = absl::GetFlag(FLAGS_db_path);
  config.server.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  log.Info("starting", {{"host", config.server.host},
                        {"port", config.server.port},
                        {"metrics_port", config.server.metrics_port},
                        {"db_path", config.server.db_path},
                        {"backup_dir", config.server.backup_dir},
                        {"max_message_bytes", config.server.max_message_bytes},
                        {"shutdown_grace", absl::FormatDuration(config.server.shutdown_grace)}});
  config.server.security.LogEffective(log);

  common::RealClock clock;
  common::MetricsRegistry metrics;
  absl::StatusOr<common::ServerSecurity> security_pieces = common::BuildServerSecurity(
      config.server.security, &registry::RegistryPolicy(), &clock, &metrics, log);
  if (!security_pieces.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security_pieces.status().message())}});
    return 2;
  }
  common::RocksDbOptions db_options;
  db_options.path = config.server.db_path;
  db_options.column_families = registry::RocksDbPlanStore::ColumnFamilies();
  db_options.event_source = "ecoplan.registry.v1.RegistryService";
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.server.db_path}, {"error", db.status().ToString()}});
    return 1;
  }
  registry::RocksDbPlanStore store(db->get());
  registry::TaskRegistry task_registry(&store, &clock);
  if (absl::Status loaded = task_registry.Load(); !loaded.ok()) {
    log.Error("cannot load plans", {{"error", loaded.ToString()}});
    return 1;
  }
  common::SerialExecutor writer;
  common::WatchEventsHub watch_hub;
  registry::RegistryServiceImpl service(&task_registry, &writer, db->get(), &watch_hub,
                                        security_pieces->authenticator.get());
  // Every write and every refused call, recorded before its answer (docs/SECURITY.md "Audit").
  absl::StatusOr<std::unique_ptr<common::ServerAudit>> audit = common::ServerAudit::Open(
      db->get(), security_pieces->authenticator.get(), &clock, &metrics, log);
  if (!audit.ok()) {
    log.Error("cannot open the audit log", {{"error", audit.status().ToString()}});
    return 1;
  }
  common::BackupManager backups(db->get(), config.server.backup_dir, &clock);
  std::unique_ptr<common::CallAuthenticator> admin_auth =
      common::AdminAuthenticator(*security_pieces, &metrics, log);
  common::AdminServiceImpl admin(&backups, "ecoplan.registry.v1.RegistryService", admin_auth.get(),
                                 (*audit)->log());

  common::ServeSpec serve;
  serve.service_name = "registry";  // health name besides the full service name
  serve.services = {&service, &admin};
  serve.credentials = security_pieces->credentials;
  serve.metrics = &metrics;
  serve.interceptors = {(*audit)->capture()};
  serve.on_signal = [&] { watch_hub.Shutdown(); };
  return common::ServeUntilSignal(config.server, serve, log);
}
