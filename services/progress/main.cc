// progress_server: monthly progress reports. Flags → ProgressConfig → RocksDb
// → RocksDbReportStore → ProgressRecorder → ProgressServiceImpl →
// RunningServer, plus an EventFollower that keeps the view of the registry
// current and, with --indicator_address, one that keeps the view of the
// indicator service current (for the completion check), until SIGTERM or
// SIGINT.

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
#include "common/server/server_flags.h"
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
ABSL_FLAG(std::string, registry_address, EnvOr("ECOPLAN_REGISTRY_ADDRESS", "127.0.0.1:50051"),
          "Address of the registry whose events this service follows (env "
          "ECOPLAN_REGISTRY_ADDRESS)");
ABSL_FLAG(absl::Duration, registry_max_backoff, absl::Seconds(10),
          "Longest wait between reconnection attempts to the registry");
ABSL_FLAG(std::string, indicator_address, EnvOr("ECOPLAN_INDICATOR_ADDRESS", ""),
          "Address of the indicator service whose events this service follows to check a "
          "completion against the measure's indicators before the bureau confirms it (env "
          "ECOPLAN_INDICATOR_ADDRESS); empty: completions are confirmed without that check");
ABSL_FLAG(absl::Duration, indicator_max_backoff, absl::Seconds(10),
          "Longest wait between reconnection attempts to the indicator service");
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

  const common::CommonServerFlags shared = common::ReadCommonServerFlags();
  progress::ProgressConfig config;
  config.host = shared.host;
  config.port = absl::GetFlag(FLAGS_port);
  config.metrics_port = shared.metrics_port;
  config.db_path = absl::GetFlag(FLAGS_db_path);
  config.registry_address = absl::GetFlag(FLAGS_registry_address);
  config.max_message_bytes = shared.max_message_bytes;
  config.shutdown_grace = shared.shutdown_grace;
  config.registry_max_backoff = absl::GetFlag(FLAGS_registry_max_backoff);
  config.indicator_address = absl::GetFlag(FLAGS_indicator_address);
  config.indicator_max_backoff = absl::GetFlag(FLAGS_indicator_max_backoff);
  config.port_file = shared.port_file;
  const std::string backup_dir = absl::GetFlag(FLAGS_backup_dir);
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  log.Info("starting", {{"host", config.host},
                        {"port", config.port},
                        {"metrics_port", config.metrics_port},
                        {"db_path", config.db_path},
                        {"backup_dir", backup_dir},
                        {"registry", config.registry_address},
                        {"indicator", config.indicator_address},
                        {"max_message_bytes", config.max_message_bytes},
                        {"shutdown_grace", absl::FormatDuration(config.shutdown_grace)}});

  shared.security.LogEffective(log);

  common::RealClock clock;
  common::MetricsRegistry metrics;
  absl::StatusOr<common::ServerSecurity> security = common::BuildServerSecurity(
      shared.security, &progress::ProgressPolicy(), &clock, &metrics, log);
  if (!security.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security.status().message())}});
    return 2;
  }
  // Calls to the registry authenticate as the service "progress".
  absl::StatusOr<std::unique_ptr<common::ServiceClients>> upstream =
      common::ServiceClients::Create(shared.upstream, shared.security, "progress", &clock, log);
  if (!upstream.ok()) {
    log.Error("invalid upstream configuration",
              {{"error", std::string(upstream.status().message())}});
    return 2;
  }
  common::RocksDbOptions db_options;
  db_options.path = config.db_path;
  db_options.column_families = progress::RocksDbReportStore::ColumnFamilies();
  db_options.event_source = progress::RocksDbReportStore::kEventSource;
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.db_path}, {"error", db.status().ToString()}});
    return 1;
  }
  progress::RocksDbReportStore store(db->get());
  progress::PlanDirectory plans;

  // The registry: followed through its events; ExportPlan is called only on
  // the follower's thread.
  std::shared_ptr<grpc::Channel> registry_channel = (*upstream)->Channel(config.registry_address);
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
  const bool check_indicators = !config.indicator_address.empty();
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
    indicator_channel = (*upstream)->Channel(config.indicator_address);
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

  common::EventFollowerOptions follow_options;
  follow_options.name = "registry";
  follow_options.max_backoff = config.registry_max_backoff;
  follow_options.channel_ready = [registry_channel] {
    return registry_channel->GetState(false) == GRPC_CHANNEL_READY;
  };
  follow_options.on_error = [&log](const absl::Status& status) {
    log.Warn("registry event stream interrupted; reconnecting", {{"error", status.ToString()}});
  };
  common::EventFollower follower(
      db->get(), follow_options,
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
    common::EventFollowerOptions options;
    options.name = "indicator";
    options.max_backoff = config.indicator_max_backoff;
    options.channel_ready = [indicator_channel] {
      return indicator_channel->GetState(false) == GRPC_CHANNEL_READY;
    };
    options.on_error = [&log](const absl::Status& status) {
      log.Warn("indicator event stream interrupted; reconnecting", {{"error", status.ToString()}});
    };
    indicator_follower = std::make_unique<common::EventFollower>(
        db->get(), options,
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
  common::BackupManager backups(db->get(), backup_dir, &clock);
  std::unique_ptr<common::CallAuthenticator> admin_auth =
      common::AdminAuthenticator(*security, &metrics, log);
  common::AdminServiceImpl admin(&backups, progress::RocksDbReportStore::kEventSource,
                                 admin_auth.get(), (*audit)->log());

  common::ServerOptions server_options;
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.metrics_port = config.metrics_port;
  server_options.max_receive_message_bytes = config.max_message_bytes;
  server_options.max_send_message_bytes = config.max_message_bytes;
  server_options.shutdown_grace = config.shutdown_grace;
  server_options.service_name = "progress";
  server_options.metrics = &metrics;
  server_options.interceptors.push_back((*audit)->capture());
  absl::StatusOr<std::unique_ptr<common::RunningServer>> server =
      common::RunningServer::Start(server_options, {&service, &admin}, security->credentials);
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
  log.Info("serving",
           {{"address", absl::StrCat(config.host, ":", port)},
            {"registry_cursor", follower.cursor()},
            {"indicator_cursor", indicator_follower ? indicator_follower->cursor() : 0}});

  common::RunUntilSignal(**server, [&] {
    watch_hub.Shutdown();
    follower.Stop();
    if (catch_up) catch_up->Stop();
    if (indicator_follower) indicator_follower->Stop();
  });
  log.Info("stopped", {});
  return 0;
}
