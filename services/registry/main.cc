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
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/run_server.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "services/registry/config.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/registry_service_impl.h"
#include "services/registry/storage/rocksdb_plan_store.h"

namespace {

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? value : fallback;
}

int EnvIntOr(const char* name, int fallback) {
  int value = 0;
  const char* text = std::getenv(name);
  return text != nullptr && absl::SimpleAtoi(text, &value) ? value : fallback;
}

}  // namespace

ABSL_FLAG(std::string, host, EnvOr("ECOPLAN_HOST", "127.0.0.1"),
          "Address to listen on (env ECOPLAN_HOST); 0.0.0.0 in containers");
ABSL_FLAG(int, port, EnvIntOr("ECOPLAN_REGISTRY_PORT", 50051),
          "gRPC port (env ECOPLAN_REGISTRY_PORT); 0 picks a free port");
ABSL_FLAG(int, metrics_port, EnvIntOr("ECOPLAN_METRICS_PORT", 0),
          "HTTP port of /metrics (env ECOPLAN_METRICS_PORT); 0 disables it");
ABSL_FLAG(std::string, db_path, EnvOr("ECOPLAN_DB_PATH", "var/registry"),
          "RocksDB directory (env ECOPLAN_DB_PATH)");
ABSL_FLAG(int, max_message_bytes, 8 << 20, "Largest request or response, in bytes");
ABSL_FLAG(absl::Duration, shutdown_grace, absl::Seconds(10),
          "How long in-flight calls may run on after SIGTERM");
ABSL_FLAG(std::string, port_file, "",
          "If set, the bound gRPC port is written to this file once serving (for scripts and tests)");

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
  config.host = absl::GetFlag(FLAGS_host);
  config.port = absl::GetFlag(FLAGS_port);
  config.metrics_port = absl::GetFlag(FLAGS_metrics_port);
  config.db_path = absl::GetFlag(FLAGS_db_path);
  config.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  config.shutdown_grace = absl::GetFlag(FLAGS_shutdown_grace);
  config.port_file = absl::GetFlag(FLAGS_port_file);
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  log.Info("starting", {{"host", config.host},
                        {"port", config.port},
                        {"metrics_port", config.metrics_port},
                        {"db_path", config.db_path},
                        {"max_message_bytes", config.max_message_bytes},
                        {"shutdown_grace", absl::FormatDuration(config.shutdown_grace)}});

  common::RealClock clock;
  common::RocksDbOptions db_options;
  db_options.path = config.db_path;
  db_options.column_families = registry::RocksDbPlanStore::ColumnFamilies();
  db_options.event_source = "ecoplan.registry.v1.RegistryService";
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database", {{"db_path", config.db_path},
                                        {"error", db.status().ToString()}});
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
  registry::RegistryServiceImpl service(&task_registry, &writer, db->get(), &watch_hub);

  common::ServerOptions server_options;
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.metrics_port = config.metrics_port;
  server_options.max_receive_message_bytes = config.max_message_bytes;
  server_options.max_send_message_bytes = config.max_message_bytes;
  server_options.shutdown_grace = config.shutdown_grace;
  server_options.service_name = "registry";  // health name besides the full service name
  absl::StatusOr<std::unique_ptr<common::RunningServer>> server =
      common::RunningServer::Start(server_options, {&service});
  if (!server.ok()) {
    log.Error("cannot start server", {{"error", server.status().ToString()}});
    return 1;
  }
  const int port = (*server)->port();
  if (!config.port_file.empty()) {
    // Written to a temporary name and renamed, so a reader never sees half a number.
    const std::string tmp = config.port_file + ".tmp";
    std::ofstream(tmp) << port << "\n";
    std::filesystem::rename(tmp, config.port_file);
  }
  log.Info("serving", {{"address", absl::StrCat(config.host, ":", port)}});

  common::RunUntilSignal(**server, [&] { watch_hub.Shutdown(); });
  log.Info("stopped", {});
  return 0;
}
