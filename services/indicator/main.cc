// indicator_server: indicator evaluation. Flags → IndicatorConfig → RocksDb →
// RocksDbIndicatorStore → IndicatorEvaluator → IndicatorServiceImpl (+ the
// AdminService, both behind BuildServerSecurity) → RunningServer, plus an EventFollower that builds
// the plans' indicators from the registry's events and, with --progress_address, one that records
// the progress service's reports (colours, scorecards, reported values), and the
// EvaluationScheduler that records evaluations (daily and after new data), until SIGTERM or SIGINT.

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "common/admin/admin_policy.h"
#include "common/admin/admin_service_impl.h"
#include "common/admin/backup_manager.h"
#include "common/audit/server_audit.h"
#include "common/auth/server_security.h"
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
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "services/indicator/assessment_service_impl.h"
#include "services/indicator/config.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/evaluation_scheduler.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/progress_follower.h"
#include "services/indicator/registry_plan_follower.h"
#include "services/indicator/scheduled_evaluation.h"
#include "services/indicator/storage/rocksdb_assessment_store.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

using ::ecoplan::common::EnvIntOr;
using ::ecoplan::common::EnvOr;

ABSL_FLAG(int, port, EnvIntOr("ECOPLAN_INDICATOR_PORT", 50053),
          "gRPC port (env ECOPLAN_INDICATOR_PORT); 0 picks a free port");
ABSL_FLAG(std::string, db_path, EnvOr("ECOPLAN_DB_PATH", "var/indicator"),
          "RocksDB directory (env ECOPLAN_DB_PATH)");
ABSL_FLAG(std::string, backup_dir, EnvOr("ECOPLAN_BACKUP_DIR", ""),
          "Directory of backups taken through AdminService (env ECOPLAN_BACKUP_DIR); empty "
          "disables them");
ECOPLAN_UPSTREAM_FLAGS(registry, "ECOPLAN_REGISTRY_ADDRESS", "127.0.0.1:50051",
                       "Address of the registry whose events this service follows");
ECOPLAN_UPSTREAM_FLAGS(progress, "ECOPLAN_PROGRESS_ADDRESS", "",
                       "Address of the progress service whose events (reports, completions, "
                       "extensions) feed measure colours, scorecards and reported values; empty: "
                       "not followed");
ABSL_FLAG(std::string, evaluation_time, EnvOr("ECOPLAN_EVALUATION_TIME", "01:00"),
          "Local time HH:MM of the daily recorded evaluation of every plan (status changes, "
          "IndicatorStatusChanged, alerts), as of today (env ECOPLAN_EVALUATION_TIME); \"off\": "
          "none");
ABSL_FLAG(std::string, evaluation_time_zone, "Asia/Shanghai",
          "Time zone of --evaluation_time and of \"today\"");
ABSL_FLAG(absl::Duration, evaluation_debounce, absl::Seconds(5),
          "A recorded evaluation of the plan this long after new observations or progress "
          "reports arrive; 0 disables it");

// The flags every server shares (--host, --metrics_port, --port_file, security
// …) are in common/server/server_flags.cc; IndicatorService's RPCs follow
// IndicatorPolicy(), the AdminService AdminPolicy() (docs/SECURITY.md).

int main(int argc, char** argv) {
  namespace indicator = ::ecoplan::indicator;
  namespace common = ::ecoplan::common;
  namespace rv1 = ::ecoplan::registry::v1;
  namespace pv1 = ::ecoplan::progress::v1;
  common::BlockTerminationSignals();
  absl::SetProgramUsageMessage("ecoplan indicator evaluation server");
  absl::ParseCommandLine(argc, argv);
  common::Logger log("indicator");

  indicator::IndicatorConfig config;
  config.server = common::ReadCommonServerFlags();
  config.server.port = absl::GetFlag(FLAGS_port);
  config.server.db_path = absl::GetFlag(FLAGS_db_path);
  config.server.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  config.registry = ECOPLAN_UPSTREAM_FLAG_VALUES(registry, /*required=*/true);
  config.progress = ECOPLAN_UPSTREAM_FLAG_VALUES(progress, /*required=*/false);
  config.evaluation_time = absl::GetFlag(FLAGS_evaluation_time);
  config.evaluation_time_zone = absl::GetFlag(FLAGS_evaluation_time_zone);
  config.evaluation_debounce = absl::GetFlag(FLAGS_evaluation_debounce);
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
                        {"progress", config.progress.followed() ? config.progress.address
                                                                : std::string("(not followed)")},
                        {"max_message_bytes", config.server.max_message_bytes},
                        {"evaluation_time", config.evaluation_time},
                        {"evaluation_time_zone", config.evaluation_time_zone},
                        {"evaluation_debounce", absl::FormatDuration(config.evaluation_debounce)},
                        {"shutdown_grace", absl::FormatDuration(config.server.shutdown_grace)}});
  const common::ServerSecurityConfig& security = config.server.security;
  security.LogEffective(log);

  common::RealClock clock;
  common::MetricsRegistry metrics;
  absl::StatusOr<common::ServerSecurity> security_pieces =
      common::BuildServerSecurity(security, &indicator::IndicatorPolicy(), &clock, &metrics, log);
  if (!security_pieces.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security_pieces.status().message())}});
    return 2;
  }
  // Calls to the registry and the progress service authenticate as the
  // service "indicator".
  absl::StatusOr<std::unique_ptr<common::ServiceClients>> upstream = common::ServiceClients::Create(
      config.server.upstream_clients, security, "indicator", &clock, log);
  if (!upstream.ok()) {
    log.Error("invalid upstream configuration",
              {{"error", std::string(upstream.status().message())}});
    return 2;
  }
  common::RocksDbOptions db_options;
  db_options.path = config.server.db_path;
  db_options.column_families = indicator::RocksDbIndicatorStore::ColumnFamilies();
  for (const std::string& cf : indicator::RocksDbAssessmentStore::ColumnFamilies()) {
    db_options.column_families.push_back(cf);
  }
  db_options.event_source = indicator::RocksDbIndicatorStore::kEventSource;
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.server.db_path}, {"error", db.status().ToString()}});
    return 1;
  }
  indicator::RocksDbIndicatorStore store(db->get());
  common::SerialExecutor ingest;
  indicator::IndicatorEvaluator evaluator(&store, &clock, &ingest);
  const absl::Time load_start = absl::Now();
  if (absl::Status loaded = evaluator.Load(); !loaded.ok()) {
    log.Error("cannot load the stored state", {{"error", loaded.ToString()}});
    return 1;
  }
  log.Info("state loaded", {{"seconds", absl::ToDoubleSeconds(absl::Now() - load_start)}});

  std::shared_ptr<grpc::Channel> registry_channel = (*upstream)->Channel(config.registry.address);
  std::unique_ptr<rv1::RegistryService::Stub> registry =
      rv1::RegistryService::NewStub(registry_channel);
  // The progress service, when configured.
  std::shared_ptr<grpc::Channel> progress_channel;
  std::unique_ptr<pv1::ProgressService::Stub> progress;
  if (config.progress.followed()) {
    progress_channel = (*upstream)->Channel(config.progress.address);
    progress = pv1::ProgressService::NewStub(progress_channel);
  }
  indicator::RegistryPlanFollower plan_follower(&evaluator, &store, registry.get(),
                                                absl::Seconds(30), log);
  common::EventFollower follower(
      db->get(), common::FollowerOptions(config.registry, registry_channel, log),
      common::MakeWatchEventsOpener<rv1::WatchEventsRequest, rv1::WatchEventsResponse>(
          registry.get()),
      [&plan_follower](const ecoplan::common::v1::Event& event) {
        return plan_follower.Handle(event);
      });
  if (absl::Status started = follower.Start(); !started.ok()) {
    log.Error("cannot follow the registry", {{"error", started.ToString()}});
    return 1;
  }

  indicator::ProgressFollower progress_handler(&evaluator, &store, log);
  std::unique_ptr<common::EventFollower> progress_follower;
  if (progress != nullptr) {
    // The holidays and calendars are read once before the first stream: a
    // cursor already past their events would otherwise never learn them.
    progress_follower = std::make_unique<common::EventFollower>(
        db->get(), common::FollowerOptions(config.progress, progress_channel, log),
        progress_handler.WithStartSync(
            common::MakeWatchEventsOpener<pv1::WatchEventsRequest, pv1::WatchEventsResponse>(
                progress.get()),
            progress.get(), [&clock] { return clock.Now(); }, absl::Seconds(30)),
        [&progress_handler](const ecoplan::common::v1::Event& event) {
          return progress_handler.Handle(event);
        });
    if (absl::Status started = progress_follower->Start(); !started.ok()) {
      log.Error("cannot follow the progress service", {{"error", started.ToString()}});
      return 1;
    }
  }

  // Scoring rules, month closing and contests (AssessmentService).
  indicator::RocksDbAssessmentStore assessment_store(db->get());
  indicator::EvaluatorPlanScoring plan_scoring(&evaluator);
  common::SerialExecutor assessment_executor;
  indicator::MonthlyAssessments assessments(&plan_scoring, &assessment_store, &clock,
                                            absl::FixedTimeZone(8 * 3600),  // Asia/Shanghai
                                            &assessment_executor);
  if (absl::Status loaded = assessments.Load(); !loaded.ok()) {
    log.Error("cannot load the assessments", {{"error", loaded.ToString()}});
    return 1;
  }

  common::WatchEventsHub watch_hub;
  indicator::IndicatorServiceImpl service(&evaluator, db->get(), &watch_hub,
                                          security_pieces->authenticator.get(), registry.get(),
                                          &clock, &assessments);
  std::unique_ptr<common::CallAuthenticator> assessment_auth =
      std::make_unique<common::CallAuthenticator>(
          security_pieces->authenticator_options, security_pieces->verifier.get(),
          &indicator::AssessmentPolicy(), security_pieces->limiter.get(), &metrics, log);
  indicator::AssessmentServiceImpl assessment_service(&assessments, &evaluator,
                                                      assessment_auth.get());
  // Every write and every refused call, recorded before its answer (docs/SECURITY.md "Audit").
  absl::StatusOr<std::unique_ptr<common::ServerAudit>> audit = common::ServerAudit::Open(
      db->get(), security_pieces->authenticator.get(), &clock, &metrics, log);
  if (!audit.ok()) {
    log.Error("cannot open the audit log", {{"error", audit.status().ToString()}});
    return 1;
  }
  // Recorded evaluations (status changes, alerts): daily and after new data,
  // as the service itself, each run that changed something in the audit log.
  indicator::ScheduledEvaluation scheduled(&evaluator, (*audit)->log(), &clock, log);
  absl::StatusOr<indicator::EvaluationSchedule> schedule = config.Schedule();
  if (!schedule.ok()) {
    log.Error("invalid configuration", {{"error", std::string(schedule.status().message())}});
    return 2;
  }
  indicator::EvaluationScheduler scheduler(
      &clock, *schedule, [&evaluator] { return evaluator.PlanIds(); },
      [&scheduled](const std::string& plan, absl::CivilDay as_of,
                   indicator::EvaluationTrigger trigger, std::function<void()> done) {
        scheduled.Run(plan, as_of, trigger, std::move(done));
      });
  evaluator.SetDataListener([&scheduler](const std::string& plan) { scheduler.DataArrived(plan); });
  // Before the scheduler goes (also on an early return below).
  absl::Cleanup forget_listener = [&evaluator] { evaluator.SetDataListener(nullptr); };
  scheduler.Start();
  common::BackupManager backups(db->get(), config.server.backup_dir, &clock);
  std::unique_ptr<common::CallAuthenticator> admin_auth =
      common::AdminAuthenticator(*security_pieces, &metrics, log);
  common::AdminServiceImpl admin(&backups, indicator::RocksDbIndicatorStore::kEventSource,
                                 admin_auth.get(), (*audit)->log());

  common::ServeSpec serve;
  serve.service_name = "indicator";
  serve.services = {&service, &assessment_service, &admin};
  serve.credentials = security_pieces->credentials;
  serve.metrics = &metrics;
  serve.interceptors = {(*audit)->capture()};
  serve.log_serving = [&](const std::string& address) {
    log.Info("serving", {{"address", address},
                         {"registry_cursor", follower.cursor()},
                         {"progress_cursor", progress_follower
                                                 ? static_cast<int64_t>(progress_follower->cursor())
                                                 : int64_t{-1}}});
  };
  serve.on_signal = [&] {
    watch_hub.Shutdown();
    evaluator.SetDataListener(nullptr);
    scheduler.Stop();
    if (progress_follower) progress_follower->Stop();
    follower.Stop();
  };
  return common::ServeUntilSignal(config.server, serve, log);
}
