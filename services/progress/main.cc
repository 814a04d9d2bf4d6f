// progress_server: monthly progress reports. Flags → ProgressConfig → RocksDb
// → RocksDbReportStore → ProgressRecorder → ProgressServiceImpl →
// RunningServer, plus an EventFollower that keeps the view of the registry
// current and, with --indicator_address, one that keeps the view of the
// indicator service current (for the completion check), until SIGTERM or
// SIGINT.

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/admin/admin_policy.h"
#include "common/admin/admin_service_impl.h"
#include "common/audit/server_audit.h"
#include "common/auth/service_client.h"
#include "common/concurrency/serial_executor.h"
#include "common/config/env.h"
#include "common/events/event_follower.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/run_server.h"
#include "common/server/serve.h"
#include "common/server/server_flags.h"
#include "common/server/upstream.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "services/progress/config.h"
#include "services/progress/domain/indicator_view.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/indicator_catch_up.h"
#include "services/progress/indicator_view_updater.h"
#include "services/progress/progress_policy.h"
#include "services/progress/progress_service_impl.h"
#include "services/progress/registry_view_updater.h"
#include "services/progress/storage/rocksdb_report_store.h"

using ::ecoplan::common::EnvIntOr;
using ::ecoplan::common::EnvOr;

ABSL_FLAG(int, port, EnvIntOr("ECOPLAN_PROGRESS_PORT", 50052),
          "gRPC port (env ECOPLAN_PROGRESS_PORT); 0 picks a free port");
ABSL_FLAG(std::string, db_path, EnvOr("ECOPLAN_DB_PATH", "var/progress"),
          "RocksDB directory (env ECOPLAN_DB_PATH)");
ABSL_FLAG(std::string, backup_dir, EnvOr("ECOPLAN_BACKUP_DIR", "var/progress-backups"),
          "Where AdminService.CreateBackup writes checkpoints (env ECOPLAN_BACKUP_DIR); empty "
          "disables backups");
ECOPLAN_UPSTREAM_FLAGS(registry, "ECOPLAN_REGISTRY_ADDRESS", "127.0.0.1:50051",
                       "Address of the registry whose events this service follows");
ECOPLAN_UPSTREAM_FLAGS(indicator, "ECOPLAN_INDICATOR_ADDRESS", "",
                       "Address of the indicator service whose events this service follows to "
                       "check a completion against the measure's indicators before the bureau "
                       "confirms it; empty: completions are confirmed without that check");
// The flags every server shares (--host, --metrics_port, security …) are in
// common/server/server_flags.cc.

int main(int argc, char** argv) {
  namespace progress = ::ecoplan::progress;
  namespace common = ::ecoplan::common;
  namespace rv1 = ::ecoplan::registry::v1;
  common::BlockTerminationSignals();
  absl::SetProgramUsageMessage("ecoplan progress submission server");
  absl::ParseCommandLine(argc, argv);
  common::Logger log("progress");

  progress::ProgressConfig config;
  config.server = common::ReadCommonServerFlags();
  config.server.port = absl::GetFlag(FLAGS_port);
  config.server.db_path = absl::GetFlag(FLAGS_db_path);
  config.server.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  config.registry = ECOPLAN_UPSTREAM_FLAG_VALUES(registry, /*required=*/true);
  config.indicator = ECOPLAN_UPSTREAM_FLAG_VALUES(indicator, /*required=*/false);
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  log.Info("starting", {{"host", config.server.host},
                        {"port", config.server.port},
                        {"metrics_port", config.server.metrics_port},
                        {"db_path", config.server.db_path},
                        {"backup_dir", config.server.backup_dir},
                        {"registry", config.registry.address},
                        {"indicator", config.indicator.address},
                        {"max_message_bytes", config.server.max_message_bytes},
                        {"shutdown_grace", absl::FormatDuration(config.server.shutdown_grace)}});
  config.server.security.LogEffective(log);

  common::RealClock clock;
  common::MetricsRegistry metrics;
  absl::StatusOr<common::ServerSecurity> security = common::BuildServerSecurity(
      config.server.security, &progress::ProgressPolicy(), &clock, &metrics, log);
  if (!security.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security.status().message())}});
    return 2;
  }
  // Calls to the registry authenticate as the service "progress".
  absl::StatusOr<std::unique_ptr<common::ServiceClients>> upstream = common::ServiceClients::Create(
      config.server.upstream_clients, config.server.security, "progress", &clock, log);
  if (!upstream.ok()) {
    log.Error("invalid upstream configuration",
              {{"error", std::string(upstream.status().message())}});
    return 2;
  }
  common::RocksDbOptions db_options;
  db_options.path = config.server.db_path;
  db_options.column_families = progress::RocksDbReportStore::ColumnFamilies();
  db_options.event_source = progress::RocksDbReportStore::kEventSource;
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.server.db_path}, {"error", db.status().ToString()}});
    return 1;
  }
  progress::RocksDbReportStore store(db->get());
  progress::PlanDirectory plans;

  // The registry: followed through its events; ExportPlan is called only on
  // the follower's thread.
  std::shared_ptr<grpc::Channel> registry_channel = (*upstream)->Channel(config.registry.address);
  std::unique_ptr<rv1::RegistryService::Stub> registry =
      rv1::RegistryService::NewStub(registry_channel);
  progress::RegistryViewUpdater updater(&store, &plans, registry.get(), absl::Seconds(30), log);
  if (absl::Status loaded = updater.LoadStoredViews(); !loaded.ok()) {
    log.Error("cannot load the registry view", {{"error", loaded.ToString()}});
    return 1;
  }

  // The indicator service (optional): followed through its events, so that a
  // completion is checked against the measure's indicators from a local view.
  namespace iv1 = ::ecoplan::indicator::v1;
  const bool check_indicators = config.indicator.followed();
  progress::IndicatorDirectory indicators;
  progress::IndicatorViewUpdater indicator_updater(&store, &indicators, log);
  std::shared_ptr<grpc::Channel> indicator_channel;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_stub;
  if (check_indicators) {
    absl::StatusOr<uint64_t> cursor = common::EventFollower::ReadCursor(db->get(), "indicator");
    absl::Status loaded = cursor.status();
    if (loaded.ok()) loaded = indicator_updater.LoadStoredViews(*cursor);
    if (!loaded.ok()) {
      log.Error("cannot load the indicator view", {{"error", loaded.ToString()}});
      return 1;
    }
    indicator_channel = (*upstream)->Channel(config.indicator.address);
    indicator_stub = iv1::IndicatorService::NewStub(indicator_channel);
  } else {
    log.Warn(
        "no --indicator_address: completions are confirmed without checking them against "
        "the measures' indicator data");
  }

  common::SerialExecutor reader;      // scans for list and status queries
  common::SerialExecutor contention;  // writes that waited for another write to the same report
  progress::ProgressRecorder recorder(
      &store, &plans, &clock,
      [&contention](std::function<void()> fn) { contention.Submit(std::move(fn)); },
      check_indicators ? &indicators : nullptr);
  if (absl::Status loaded = recorder.Load(); !loaded.ok()) {
    log.Error("cannot load calendars", {{"error", loaded.ToString()}});
    return 1;
  }

  common::EventFollower follower(
      db->get(), common::FollowerOptions(config.registry, registry_channel, log),
      common::MakeWatchEventsOpener<rv1::WatchEventsRequest, rv1::WatchEventsResponse>(
          registry.get()),
      [&updater](const ecoplan::common::v1::Event& event) { return updater.Handle(event); });
  plans.SetConnectedProbe([&follower] { return follower.connected(); });
  if (absl::Status started = follower.Start(); !started.ok()) {
    log.Error("cannot follow the registry", {{"error", started.ToString()}});
    return 1;
  }

  std::unique_ptr<common::EventFollower> indicator_follower;
  std::unique_ptr<progress::IndicatorCatchUpProbe> catch_up;
  if (check_indicators) {
    indicator_follower = std::make_unique<common::EventFollower>(
        db->get(), common::FollowerOptions(config.indicator, indicator_channel, log),
        common::MakeWatchEventsOpener<iv1::WatchEventsRequest, iv1::WatchEventsResponse>(
            indicator_stub.get()),
        [&indicator_updater](const ecoplan::common::v1::Event& event) {
          return indicator_updater.Handle(event);
        });
    if (absl::Status started = indicator_follower->Start(); !started.ok()) {
      log.Error("cannot follow the indicator service", {{"error", started.ToString()}});
      return 1;
    }
    // An indicator service without any event sends none: this probe tells
    // when the view is nonetheless complete.
    catch_up = std::make_unique<progress::IndicatorCatchUpProbe>(
        indicator_stub.get(), [f = indicator_follower.get()] { return f->cursor(); }, &indicators);
    catch_up->Start();
  }

  common::WatchEventsHub watch_hub;
  progress::ProgressServiceImpl service(&recorder, &reader, db->get(), &watch_hub,
                                        security->authenticator.get());
  // Every write and every refused call, recorded before its answer (docs/SECURITY.md "Audit").
  absl::StatusOr<std::unique_ptr<common::ServerAudit>> audit =
      common::ServerAudit::Open(db->get(), security->authenticator.get(), &clock, &metrics, log);
  if (!audit.ok()) {
    log.Error("cannot open the audit log", {{"error", audit.status().ToString()}});
    return 1;
  }
  common::BackupManager backups(db->get(), config.server.backup_dir, &clock);
  std::unique_ptr<common::CallAuthenticator> admin_auth =
      common::AdminAuthenticator(*security, &metrics, log);
  common::AdminServiceImpl admin(&backups, progress::RocksDbReportStore::kEventSource,
                                 admin_auth.get(), (*audit)->log());

  common::ServeSpec serve;
  serve.service_name = "progress";
  serve.services = {&service, &admin};
  serve.credentials = security->credentials;
  serve.metrics = &metrics;
  serve.interceptors = {(*audit)->capture()};
  serve.log_serving = [&](const std::string& address) {
    log.Info("serving",
             {{"address", address},
              {"registry_cursor", follower.cursor()},
              {"indicator_cursor", indicator_follower ? indicator_follower->cursor() : 0}});
  };
  serve.on_signal = [&] {
    watch_hub.Shutdown();
    follower.Stop();
    if (catch_up) catch_up->Stop();
    if (indicator_follower) indicator_follower->Stop();
  };
  return common::ServeUntilSignal(config.server, serve, log);
}
