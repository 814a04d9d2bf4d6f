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
#include "absl/strings/str_cat.h"
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
#include "common/server/server_flags.h"
#include "common/storage/rocksdb_db.h"
#include "common/time/clock.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "services/indicator/assessment_service_impl.h"
#include "services/indicator/config.h"
#include "services/indicator/evaluation_scheduler.h"
#include "services/indicator/indicator_evaluator.h"
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
ABSL_FLAG(std::string, registry_address, EnvOr("ECOPLAN_REGISTRY_ADDRESS", "127.0.0.1:50051"),
          "Address of the registry whose events this service follows (env "
          "ECOPLAN_REGISTRY_ADDRESS)");
ABSL_FLAG(absl::Duration, registry_max_backoff, absl::Seconds(10),
          "Longest wait between reconnection attempts to the registry");
ABSL_FLAG(std::string, progress_address, EnvOr("ECOPLAN_PROGRESS_ADDRESS", ""),
          "Address of the progress service whose events (reports, completions, extensions) "
          "feed measure colours, scorecards and reported values (env ECOPLAN_PROGRESS_ADDRESS); "
          "empty: not followed");
ABSL_FLAG(absl::Duration, progress_max_backoff, absl::Seconds(10),
          "Longest wait between reconnection attempts to the progress service");
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
  const common::CommonServerFlags shared = common::ReadCommonServerFlags();

  indicator::IndicatorConfig config;
  config.host = shared.host;
  config.port = absl::GetFlag(FLAGS_port);
  config.metrics_port = shared.metrics_port;
  config.db_path = absl::GetFlag(FLAGS_db_path);
  config.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  config.registry_address = absl::GetFlag(FLAGS_registry_address);
  config.max_message_bytes = shared.max_message_bytes;
  config.shutdown_grace = shared.shutdown_grace;
  config.registry_max_backoff = absl::GetFlag(FLAGS_registry_max_backoff);
  config.progress_address = absl::GetFlag(FLAGS_progress_address);
  config.progress_max_backoff = absl::GetFlag(FLAGS_progress_max_backoff);
  config.port_file = shared.port_file;
  config.evaluation_time = absl::GetFlag(FLAGS_evaluation_time);
  config.evaluation_time_zone = absl::GetFlag(FLAGS_evaluation_time_zone);
  config.evaluation_debounce = absl::GetFlag(FLAGS_evaluation_debounce);
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  log.Info("starting", {{"host", config.host},
                        {"port", config.port},
                        {"metrics_port", config.metrics_port},
                        {"db_path", config.db_path},
                        {"backup_dir", config.backup_dir},
                        {"registry", config.registry_address},
                        {"progress", config.progress_address.empty() ? std::string("(not followed)")
                                                                     : config.progress_address},
                        {"max_message_bytes", config.max_message_bytes},
                        {"evaluation_time", config.evaluation_time},
                        {"evaluation_time_zone", config.evaluation_time_zone},
                        {"evaluation_debounce", absl::FormatDuration(config.evaluation_debounce)},
                        {"shutdown_grace", absl::FormatDuration(config.shutdown_grace)}});

  common::RealClock clock;
  common::MetricsRegistry metrics;
  const common::ServerSecurityConfig& security = shared.security;
  if (absl::Status valid = security.Validate(); !valid.ok()) {
    log.Error("invalid configuration", {{"error", std::string(valid.message())}});
    return 2;
  }
  security.LogEffective(log);
  absl::StatusOr<common::ServerSecurity> security_pieces =
      common::BuildServerSecurity(security, &indicator::IndicatorPolicy(), &clock, &metrics, log);
  if (!security_pieces.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security_pieces.status().message())}});
    return 2;
  }
  // Calls to the registry and the progress service authenticate as the
  // service "indicator".
  absl::StatusOr<std::unique_ptr<common::ServiceClients>> upstream =
      common::ServiceClients::Create(shared.upstream, security, "indicator", &clock, log);
  if (!upstream.ok()) {
    log.Error("invalid upstream configuration",
              {{"error", std::string(upstream.status().message())}});
    return 2;
  }
  common::RocksDbOptions db_options;
  db_options.path = config.db_path;
  db_options.column_families = indicator::RocksDbIndicatorStore::ColumnFamilies();
  for (const std::string& cf : indicator::RocksDbAssessmentStore::ColumnFamilies()) {
    db_options.column_families.push_back(cf);
  }
  db_options.event_source = indicator::RocksDbIndicatorStore::kEventSource;
  absl::StatusOr<std::unique_ptr<common::RocksDb>> db = common::RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.db_path}, {"error", db.status().ToString()}});
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

  std::shared_ptr<grpc::Channel> registry_channel = (*upstream)->Channel(config.registry_address);
  std::unique_ptr<rv1::RegistryService::Stub> registry =
      rv1::RegistryService::NewStub(registry_channel);
  // The progress service, when configured.
  std::shared_ptr<grpc::Channel> progress_channel;
  std::unique_ptr<pv1::ProgressService::Stub> progress;
  if (!config.progress_address.empty()) {
    progress_channel = (*upstream)->Channel(config.progress_address);
    progress = pv1::ProgressService::NewStub(progress_channel);
  }
  indicator::RegistryPlanFollower plan_follower(&evaluator, registry.get(), absl::Seconds(30), log);
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
      [&plan_follower](const ecoplan::common::v1::Event& event) {
        return plan_follower.Handle(event);
      });
  if (absl::Status started = follower.Start(); !started.ok()) {
    log.Error("cannot follow the registry", {{"error", started.ToString()}});
    return 1;
  }

  indicator::ProgressFollower progress_handler(&evaluator, log);
  std::unique_ptr<common::EventFollower> progress_follower;
  if (progress != nullptr) {
    common::EventFollowerOptions progress_options;
    progress_options.name = "progress";
    progress_options.max_backoff = config.progress_max_backoff;
    progress_options.channel_ready = [progress_channel] {
      return progress_channel->GetState(false) == GRPC_CHANNEL_READY;
    };
    progress_options.on_error = [&log](const absl::Status& status) {
      log.Warn("progress event stream interrupted; reconnecting", {{"error", status.ToString()}});
    };
    // The holidays and calendars are read once before the first stream: a
    // cursor already past their events would otherwise never learn them.
    progress_follower = std::make_unique<common::EventFollower>(
        db->get(), progress_options,
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
  indicator::IndicatorServiceImpl service(&evaluator, &watch_hub,
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
  common::BackupManager backups(db->get(), config.backup_dir, &clock);
  std::unique_ptr<common::CallAuthenticator> admin_auth =
      common::AdminAuthenticator(*security_pieces, &metrics, log);
  common::AdminServiceImpl admin(&backups, indicator::RocksDbIndicatorStore::kEventSource,
                                 admin_auth.get(), (*audit)->log());

  common::ServerOptions server_options;
  server_options.host = config.host;
  server_options.port = config.port;
  server_options.metrics_port = config.metrics_port;
  server_options.max_receive_message_bytes = config.max_message_bytes;
  server_options.max_send_message_bytes = config.max_message_bytes;
  server_options.shutdown_grace = config.shutdown_grace;
  server_options.service_name = "indicator";
  server_options.metrics = &metrics;
  server_options.interceptors.push_back((*audit)->capture());
  absl::StatusOr<std::unique_ptr<common::RunningServer>> server = common::RunningServer::Start(
      server_options, {&service, &assessment_service, &admin}, security_pieces->credentials);
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
            {"progress_cursor",
             progress_follower ? static_cast<int64_t>(progress_follower->cursor()) : int64_t{-1}}});

  common::RunUntilSignal(**server, [&] {
    watch_hub.Shutdown();
    evaluator.SetDataListener(nullptr);
    scheduler.Stop();
    if (progress_follower) progress_follower->Stop();
    follower.Stop();
  });
  log.Info("stopped", {});
  return 0;
}
