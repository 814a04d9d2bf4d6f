// registry_server: the task registry. Flags → RegistryConfig → ServerFoundation
// (security, RocksDb, audit, AdminService) → RocksDbPlanStore → TaskRegistry →
// RegistryServiceImpl → ServeUntilSignal, until SIGTERM or SIGINT.

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/serve.h"
#include "common/server/server_flags.h"
#include "common/server/server_foundation.h"
#include "common/time/clock.h"
#include "services/registry/config.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/registry_policy.h"
#include "services/registry/registry_service_impl.h"
#include "services/registry/storage/rocksdb_plan_store.h"

ECOPLAN_SERVER_FLAGS("ECOPLAN_REGISTRY_PORT", 50051, "ECOPLAN_REGISTRY_HTTP_PORT", 8081,
                     "var/registry", "var/registry-backups");
// The flags every server shares (--host, --metrics_port, security …) are in
// common/server/server_flags.cc.

int main(int argc, char** argv) {
  namespace registry = ::ecoplan::registry;
  namespace common = ::ecoplan::common;
  const common::Logger log =
      common::StartServerProcess(argc, argv, "registry", "ecoplan task registry server");

  registry::RegistryConfig config;
  config.server = ECOPLAN_SERVER_FLAG_VALUES();
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    return common::ExitInvalidConfiguration(log, valid);
  }
  common::LogStarting(log, config.server);

  common::RealClock wall_clock;
  common::MetricsRegistry metrics;
  common::FoundationSpec spec;
  spec.event_source = "ecoplan.registry.v1.RegistryService";
  spec.policy = &registry::RegistryPolicy();
  spec.column_families = registry::RocksDbPlanStore::ColumnFamilies();
  std::unique_ptr<common::ServerFoundation> base;
  if (int failed =
          common::ServerFoundation::Open(config.server, spec, &wall_clock, &metrics, log, &base)) {
    return failed;
  }
  // Deadlines, commit times and audit records follow this clock (never going back).
  const common::Clock* clock = base->clock();

  // Writes are decided on the gRPC thread and answered once durable
  // (docs/ARCHITECTURE.md, "Where a write becomes durable"); a write that
  // waited for the one before it resumes on `contention`.
  common::SerialExecutor contention;
  common::SerialExecutor reader;  // ListMeasureRevisions reads from disk
  registry::RocksDbPlanStore store(base->db());
  registry::TaskRegistry task_registry(
      &store, clock, [&contention](std::function<void()> fn) { contention.Submit(std::move(fn)); });
  if (absl::Status loaded = task_registry.Load(); !loaded.ok()) {
    return common::ExitFailure(log, "cannot load plans", loaded);
  }
  common::WatchEventsHub watch_hub;
  registry::RegistryServiceImpl service(&task_registry, &reader, base->db(), &watch_hub,
                                        base->authenticator());

  common::ServeSpec serve = base->Serve("registry", {&service});
  serve.on_signal = [&] { watch_hub.Shutdown(); };
  return common::ServeUntilSignal(config.server, serve, log);
}
