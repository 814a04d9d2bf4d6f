// registry_server: the task registry. Flags → RegistryConfig → RocksDb →
// RocksDbPlanStore → TaskRegistry → RegistryServiceImpl → RunningServer,
// until SIGTERM or SIGINT.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/admin/admin_policy.h"
#include "common/admin/admin_service_impl.h"
#include "common/audit/server_audit.h"
#include "common/auth/server_security.h"
#include "common/concurrency/serial_executor.h"
#include "common/config/env.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/run_server.h"
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

  const common::CommonServerFlags shared = common::ReadCommonServerFlags();
  registry::RegistryConfig config;
  config.host = shared.host;
  config.port = absl::GetFlag(FLAGS_port);
  config.metrics_port = shared.metrics_port;
  config.db_path = absl::GetFlag(FLAGS_db_path);
  config.max_message_bytes = shared.max_message_bytes;
  config.shutdown_grace = shared.shutdown_grace;
  config.port_file = shared.port_file;
  config.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  config.security = shared.security;
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  log.Info("starting", {{"host", config.host},
                        {"port", config.port},
                        {"metrics_port", config.metrics_port},
                        {"db_path", config.db_path},
                        {"backup_dir", config.backup_dir},
                        {"max_message_bytes", config.max_message_bytes},
                        {"shutdown_grace", absl::FormatDuration(config.shutdown_grace)}});
  config.security.LogEffective(log);

  common::RealClock clock;
  common::MetricsRegistry metrics;
  absl::StatusOr<common::ServerSecurity> security_pieces = common::BuildServerSecurity(
      config.security, &registry::RegistryPolicy(), &clock, &metrics, log);
  if (!security_pieces.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security_pieces.status().message())}});
    return 2;
  }
  common::RocksDbOptions db_options;
  db_options.path = config.db_path;
  db_options.column_families = registry::RocksDbPlanStore::ColumnFamilies();
  db_options.event_source = "ecoplan.registry.v1.RegistryService";
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.db_path}, {"error", db.status().ToString()}});
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
  common::BackupManager backups(db->get(), config.backup_dir, &clock);
  std::unique_ptr<common::CallAuthenticator> admin_auth =
      common::AdminAuthenticator(*security_pieces, &metrics, log);
  common::AdminServiceImpl admin(&backups, "ecoplan.registry.v1.RegistryService", admin_auth.get(),
                                 (*audit)->log());

  common::ServerOptions server_options;
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.metrics_port = config.metrics_port;
  server_options.max_receive_message_bytes = config.max_message_bytes;
  server_options.max_send_message_bytes = config.max_message_bytes;
  server_options.shutdown_grace = config.shutdown_grace;
  server_options.service_name = "registry";  // health name besides the full service name
  server_options.metrics = &metrics;
  server_options.interceptors.push_back((*audit)->capture());
  absl::StatusOr<std::unique_ptr<common::RunningServer>> server = common::RunningServer::Start(
      server_options, {&service, &admin}, security_pieces->credentials);
  if (!server.ok()) {
    log.Error("cannot start server", {{"error", server.status().ToString()}});
    return 1;
  }
  const int port = (*server)->port();
  if (!config.port_file.empty()) {
    if (absl::Status written = common::WritePortFile(config.port_file, port); !written.ok()) {
      log.Error("cannot write the port file", {{"error", std::string(written.message())}});
      return 1;
    }
  }
  log.Info("serving", {{"address", absl::StrCat(config.host, ":", port)}});

  common::RunUntilSignal(**server, [&] { watch_hub.Shutdown(); });
  log.Info("stopped", {});
  return 0;
}
