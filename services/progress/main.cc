// progress_server: monthly progress reports. Flags → ProgressConfig →
// ServerFoundation (security, upstream clients, RocksDb, audit, AdminService) →
// RocksDbReportStore → ProgressRecorder and SupervisionDesk → ProgressServiceImpl
// → ServeUntilSignal, plus an EventFollower that keeps the view of the registry
// current and, with
// --indicator_address, one that keeps the view of the indicator service current
// (for the completion check), until SIGTERM or SIGINT.

#include <memory>
#include <string>

#include "absl/flags/flag.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/event_follower.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/serve.h"
#include "common/server/server_flags.h"
#include "common/server/server_foundation.h"
#include "common/server/upstream.h"
#include "common/time/clock.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "services/progress/config.h"
#include "services/progress/domain/indicator_view.h"
#include "services/progress/domain/problem_ledger.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/supervision_desk.h"
#include "services/progress/indicator_catch_up.h"
#include "services/progress/indicator_view_updater.h"
#include "services/progress/progress_policy.h"
#include "services/progress/progress_service_impl.h"
#include "services/progress/registry_view_updater.h"
#include "services/progress/storage/rocksdb_report_store.h"

ECOPLAN_SERVER_FLAGS("ECOPLAN_PROGRESS_PORT", 50052, "ECOPLAN_PROGRESS_HTTP_PORT", 8082,
                     "var/progress", "var/progress-backups");
ECOPLAN_UPSTREAM_FLAGS(registry, "ECOPLAN_REGISTRY_ADDRESS", "127.0.0.1:50051",
                       "Address of the registry whose events this service follows");
ECOPLAN_UPSTREAM_FLAGS(indicator, "ECOPLAN_INDICATOR_ADDRESS", "",
                       "Address of the indicator service whose events this service follows to "
                       "check a completion against the measure's indicators before the bureau "
                       "confirms it; empty: completions are confirmed without that check");
// The flags every server shares (--host, --metrics_port, security …) are in
// common/server/server_flags.cc.

namespace {

namespace progress = ::ecoplan::progress;
namespace common = ::ecoplan::common;

progress::ProgressConfig ConfigFromFlags() {
  progress::ProgressConfig config;
  config.server = ECOPLAN_SERVER_FLAG_VALUES();
  config.registry = ECOPLAN_UPSTREAM_FLAG_VALUES(registry, /*required=*/true);
  config.indicator = ECOPLAN_UPSTREAM_FLAG_VALUES(indicator, /*required=*/false);
  return config;
}

void LogStart(const common::Logger& log, const progress::ProgressConfig& config) {
  common::LogStarting(log, config.server, common::LogField{"registry", config.registry.address},
                      common::LogField{"indicator", config.indicator.address});
}

}  // namespace

int main(int argc, char** argv) {
  namespace rv1 = ::ecoplan::registry::v1;
  const common::Logger log =
      common::StartServerProcess(argc, argv, "progress", "ecoplan progress submission server");

  const progress::ProgressConfig config = ConfigFromFlags();
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    return common::ExitInvalidConfiguration(log, valid);
  }
  LogStart(log, config);

  common::RealClock wall_clock;
  common::MetricsRegistry metrics;
  common::FoundationSpec spec;
  spec.event_source = progress::RocksDbReportStore::kEventSource;
  spec.policy = &progress::ProgressPolicy();
  spec.column_families = progress::RocksDbReportStore::ColumnFamilies();
  spec.upstream_identity = "progress";  // calls to the registry authenticate as "progress"
  std::unique_ptr<common::ServerFoundation> base;
  if (int failed =
          common::ServerFoundation::Open(config.server, spec, &wall_clock, &metrics, log, &base)) {
    return failed;
  }
  // Deadlines, commit times and audit records follow this clock (never going back).
  const common::Clock* clock = base->clock();

  progress::RocksDbReportStore store(base->db());
  progress::PlanDirectory plans;

  // The registry: followed through its events; ExportPlan is called only on
  // the follower's thread.
  std::shared_ptr<grpc::Channel> registry_channel =
      base->upstream()->Channel(config.registry.address);
  std::unique_ptr<rv1::RegistryService::Stub> registry =
      rv1::RegistryService::NewStub(registry_channel);
  progress::RegistryViewUpdater updater(&store, &plans, registry.get(), absl::Seconds(30), log);
  if (absl::Status loaded = updater.LoadStoredViews(); !loaded.ok()) {
    return common::ExitFailure(log, "cannot load the registry view", loaded);
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
    if (absl::Status loaded = indicator_updater.LoadStoredViews(); !loaded.ok()) {
      return common::ExitFailure(log, "cannot load the indicator view", loaded);
    }
    indicator_channel = base->upstream()->Channel(config.indicator.address);
    indicator_stub = iv1::IndicatorService::NewStub(indicator_channel);
  } else {
    log.Warn(
        "no --indicator_address: completions are confirmed without checking them against "
        "the measures' indicator data");
  }

  common::SerialExecutor reader;      // scans for list queries (GetSubmissionStatus answers inline)
  common::SerialExecutor contention;  // writes that waited for another write to the same report
  progress::ProgressRecorder recorder(
      &store, &plans, clock,
      [&contention](std::function<void()> fn) { contention.Submit(std::move(fn)); },
      check_indicators ? &indicators : nullptr);
  if (absl::Status loaded = recorder.Load(); !loaded.ok()) {
    return common::ExitFailure(log, "cannot load calendars", loaded);
  }

  common::EventFollower follower(
      base->db(), common::FollowerOptions(config.registry, registry_channel, log, &metrics),
      // Views stored by an older release are refreshed first (on the follower's thread).
      updater.WithViewRefresh(
          common::MakeWatchEventsOpener<rv1::WatchEventsRequest, rv1::WatchEventsResponse>(
              registry.get())),
      [&updater](const ecoplan::common::v1::Event& event) { return updater.Handle(event); });
  plans.SetConnectedProbe([&follower] { return follower.connected(); });
  if (absl::Status started = follower.Start(); !started.ok()) {
    return common::ExitFailure(log, "cannot follow the registry", started);
  }

  std::unique_ptr<common::EventFollower> indicator_follower;
  std::unique_ptr<progress::IndicatorCatchUpProbe> catch_up;
  if (check_indicators) {
    indicator_follower = std::make_unique<common::EventFollower>(
        base->db(), common::FollowerOptions(config.indicator, indicator_channel, log, &metrics),
        common::MakeWatchEventsOpener<iv1::WatchEventsRequest, iv1::WatchEventsResponse>(
            indicator_stub.get()),
        [&indicator_updater](const ecoplan::common::v1::Event& event) {
          return indicator_updater.Handle(event);
        });
    indicators.SetBacklogProbe([f = indicator_follower.get()]() -> uint64_t {
      const common::FollowerStatus s = f->status();
      return s.connected ? s.lag_events() : 0;
    });
    if (absl::Status started = indicator_follower->Start(); !started.ok()) {
      return common::ExitFailure(log, "cannot follow the indicator service", started);
    }
    // Completions are checked once the view has caught up (all the
    // indicators, not the first of them): this probe tells when.
    catch_up = std::make_unique<progress::IndicatorCatchUpProbe>(
        indicator_stub.get(), [f = indicator_follower.get()] { return f->cursor(); }, &indicators,
        [&indicator_updater] { return indicator_updater.MarkComplete(); });
    catch_up->Start();
  }

  // Supervision orders (督办单): deadlines in working days of the holidays
  // the recorder loaded.
  progress::SupervisionDesk desk(
      &store, &plans, clock, [&recorder] { return recorder.Days(); },
      [&contention](std::function<void()> fn) { contention.Submit(std::move(fn)); });

  // Problem ledgers (问题清单).
  progress::ProblemLedger ledger(&store, &plans, clock, [&contention](std::function<void()> fn) {
    contention.Submit(std::move(fn));
  });

  common::WatchEventsHub watch_hub;
  progress::ProgressServiceImpl service(&recorder, &desk, &ledger, &reader, base->db(), &watch_hub,
                                        base->authenticator());

  common::ServeSpec serve = base->Serve("progress", {&service});
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
  const int exit_code = common::ServeUntilSignal(config.server, serve, log);
  // The committer's last callbacks release the recorder's, desk's and ledger's
  // leases: it stops before they go.
  base->db()->Shutdown();
  return exit_code;
}
