// indicator_server: indicator evaluation. Flags → IndicatorConfig → ServerFoundation (security,
// upstream clients, RocksDb, audit, AdminService) → RocksDbIndicatorStore → IndicatorEvaluator →
// IndicatorServiceImpl, AssessmentServiceImpl and DocumentServiceImpl → ServeUntilSignal, plus an
// EventFollower that builds the plans' indicators from the registry's events and, with
// --progress_address, one that records the progress service's reports (colours, scorecards,
// reported values), and the EvaluationScheduler that records evaluations (daily and after new
// data), until SIGTERM or SIGINT.

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "absl/cleanup/cleanup.h"
#include "absl/flags/flag.h"
#include "common/concurrency/serial_executor.h"
#include "common/config/env.h"
#include "common/events/event_follower.h"
#include "common/events/watch_events_reactor.h"
#include "common/log/log.h"
#include "common/server/serve.h"
#include "common/server/server_flags.h"
#include "common/server/server_foundation.h"
#include "common/server/upstream.h"
#include "common/time/clock.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "services/indicator/assessment_service_impl.h"
#include "services/indicator/config.h"
#include "services/indicator/document_local_facts.h"
#include "services/indicator/document_service_impl.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/evaluation_scheduler.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/progress_follower.h"
#include "services/indicator/registry_plan_follower.h"
#include "services/indicator/scheduled_evaluation.h"
#include "services/indicator/storage/rocksdb_assessment_store.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

using ::ecoplan::common::EnvOr;

ECOPLAN_SERVER_FLAGS("ECOPLAN_INDICATOR_PORT", 50053, "ECOPLAN_INDICATOR_HTTP_PORT", 8083,
                     "var/indicator", "");
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
// IndicatorPolicy(), AssessmentService's AssessmentPolicy(), DocumentService's DocumentPolicy(),
// the AdminService AdminPolicy() (docs/SECURITY.md).

namespace {

namespace indicator = ::ecoplan::indicator;
namespace common = ::ecoplan::common;

indicator::IndicatorConfig ConfigFromFlags() {
  indicator::IndicatorConfig config;
  config.server = ECOPLAN_SERVER_FLAG_VALUES();
  config.registry = ECOPLAN_UPSTREAM_FLAG_VALUES(registry, /*required=*/true);
  config.progress = ECOPLAN_UPSTREAM_FLAG_VALUES(progress, /*required=*/false);
  config.evaluation_time = absl::GetFlag(FLAGS_evaluation_time);
  config.evaluation_time_zone = absl::GetFlag(FLAGS_evaluation_time_zone);
  config.evaluation_debounce = absl::GetFlag(FLAGS_evaluation_debounce);
  return config;
}

void LogStart(const common::Logger& log, const indicator::IndicatorConfig& config) {
  common::LogStarting(
      log, config.server, common::LogField{"registry", config.registry.address},
      common::LogField{"progress", config.progress.followed() ? config.progress.address
                                                              : std::string("(not followed)")},
      common::LogField{"evaluation_time", config.evaluation_time},
      common::LogField{"evaluation_time_zone", config.evaluation_time_zone},
      common::LogField{"evaluation_debounce", absl::FormatDuration(config.evaluation_debounce)});
}

}  // namespace

int main(int argc, char** argv) {
  namespace rv1 = ::ecoplan::registry::v1;
  namespace pv1 = ::ecoplan::progress::v1;
  const common::Logger log =
      common::StartServerProcess(argc, argv, "indicator", "ecoplan indicator evaluation server");

  const indicator::IndicatorConfig config = ConfigFromFlags();
  if (absl::Status valid = config.Validate(); !valid.ok()) {
    return common::ExitInvalidConfiguration(log, valid);
  }
  LogStart(log, config);

  common::RealClock wall_clock;
  common::MetricsRegistry metrics;
  common::FoundationSpec spec;
  spec.event_source = indicator::RocksDbIndicatorStore::kEventSource;
  spec.policy = &indicator::IndicatorPolicy();
  spec.column_families = indicator::RocksDbIndicatorStore::ColumnFamilies();
  for (const std::string& cf : indicator::RocksDbAssessmentStore::ColumnFamilies()) {
    spec.column_families.push_back(cf);
  }
  // Calls to the registry and the progress service authenticate as "indicator".
  spec.upstream_identity = "indicator";
  std::unique_ptr<common::ServerFoundation> base;
  if (int failed =
          common::ServerFoundation::Open(config.server, spec, &wall_clock, &metrics, log, &base)) {
    return failed;
  }
  // Deadlines, commit times and audit records follow this clock (never going back).
  const common::Clock* clock = base->clock();

  indicator::RocksDbIndicatorStore store(base->db());
  // Prepares observation chunks (one at a time, the key "observations"); an
  // indicator edit that waited for the one before it resumes here.
  common::SerialExecutor ingest;
  indicator::IndicatorEvaluator evaluator(&store, clock, &ingest);
  const absl::Time load_start = absl::Now();
  if (absl::Status loaded = evaluator.Load(); !loaded.ok()) {
    log.Error("cannot load the stored state", {{"error", loaded.ToString()}});
    return 1;
  }
  log.Info("state loaded", {{"seconds", absl::ToDoubleSeconds(absl::Now() - load_start)}});

  std::shared_ptr<grpc::Channel> registry_channel =
      base->upstream()->Channel(config.registry.address);
  std::unique_ptr<rv1::RegistryService::Stub> registry =
      rv1::RegistryService::NewStub(registry_channel);
  // The progress service, when configured.
  std::shared_ptr<grpc::Channel> progress_channel;
  std::unique_ptr<pv1::ProgressService::Stub> progress;
  if (config.progress.followed()) {
    progress_channel = base->upstream()->Channel(config.progress.address);
    progress = pv1::ProgressService::NewStub(progress_channel);
  }
  indicator::RegistryPlanFollower plan_follower(&evaluator, &store, registry.get(),
                                                absl::Seconds(30), log);
  common::EventFollower follower(
      base->db(), common::FollowerOptions(config.registry, registry_channel, log, &metrics),
      // Views stored by an older release are refreshed first (on the follower's thread).
      plan_follower.WithViewRefresh(
          common::MakeWatchEventsOpener<rv1::WatchEventsRequest, rv1::WatchEventsResponse>(
              registry.get())),
      [&plan_follower](const ecoplan::common::v1::Event& event) {
        return plan_follower.Handle(event);
      });
  if (absl::Status started = follower.Start(); !started.ok()) {
    return common::ExitFailure(log, "cannot follow the registry", started);
  }

  indicator::ProgressFollower progress_handler(&evaluator, &store, log);
  std::unique_ptr<common::EventFollower> progress_follower;
  if (progress != nullptr) {
    // The holidays and calendars are read once before the first stream: a
    // cursor already past their events would otherwise never learn them.
    progress_follower = std::make_unique<common::EventFollower>(
        base->db(), common::FollowerOptions(config.progress, progress_channel, log, &metrics),
        progress_handler.WithStartSync(
            common::MakeWatchEventsOpener<pv1::WatchEventsRequest, pv1::WatchEventsResponse>(
                progress.get()),
            progress.get(), [clock] { return clock->Now(); }, absl::Seconds(30)),
        [&progress_handler](const ecoplan::common::v1::Event& event) {
          return progress_handler.Handle(event);
        });
    if (absl::Status started = progress_follower->Start(); !started.ok()) {
      return common::ExitFailure(log, "cannot follow the progress service", started);
    }
  }

  // Scoring rules, month closing and contests (AssessmentService).
  indicator::RocksDbAssessmentStore assessment_store(base->db());
  indicator::EvaluatorPlanScoring plan_scoring(&evaluator);
  common::SerialExecutor assessment_executor;  // decides a plan's writes once it holds the plan
  indicator::MonthlyAssessments assessments(&plan_scoring, &assessment_store, clock,
                                            absl::FixedTimeZone(8 * 3600),  // Asia/Shanghai
                                            &assessment_executor);
  if (absl::Status loaded = assessments.Load(); !loaded.ok()) {
    return common::ExitFailure(log, "cannot load the assessments", loaded);
  }

  common::WatchEventsHub watch_hub;
  indicator::IndicatorServiceImpl service(&evaluator, base->db(), &watch_hub, base->authenticator(),
                                          registry.get(), clock, &assessments);
  std::unique_ptr<common::CallAuthenticator> assessment_auth =
      base->AuthenticatorFor(&indicator::AssessmentPolicy());
  indicator::AssessmentServiceImpl assessment_service(&assessments, &evaluator,
                                                      assessment_auth.get());
  // Charts (DocumentService.RenderChart) from the same evaluator and, for the
  // reporting timeliness, the progress service (UNAVAILABLE when not followed);
  std::unique_ptr<common::CallAuthenticator> document_auth =
      base->AuthenticatorFor(&indicator::DocumentPolicy());
  // The 月报 and 台账 (RenderDocument) from the same answers the APIs give: this server's own
  // (LocalIndicatorAnswers) and the registry's and progress service's, with its service identity.
  indicator::LocalIndicatorAnswers document_answers(&evaluator, &assessments, clock);
  indicator::documents::MonthFactsGatherer gatherer(registry.get(), progress.get(),
                                                    &document_answers);
  indicator::DocumentServiceImpl document_service(&evaluator, document_auth.get(), progress.get(),
                                                  clock, &gatherer);
  // Recorded evaluations (status changes, alerts): daily and after new data,
  // as the service itself, each run that changed something in the audit log.
  indicator::ScheduledEvaluation scheduled(&evaluator, base->audit_log(), clock, log);
  absl::StatusOr<indicator::EvaluationSchedule> schedule = config.Schedule();
  if (!schedule.ok()) return common::ExitInvalidConfiguration(log, schedule.status());
  indicator::EvaluationScheduler scheduler(
      clock, *schedule, [&evaluator] { return evaluator.PlanIds(); },
      [&scheduled](const std::string& plan, absl::CivilDay as_of,
                   indicator::EvaluationTrigger trigger, std::function<void()> done) {
        scheduled.Run(plan, as_of, trigger, std::move(done));
      });
  evaluator.SetDataListener([&scheduler](const std::string& plan) { scheduler.DataArrived(plan); });
  // Before the scheduler goes (also on an early return below).
  absl::Cleanup forget_listener = [&evaluator] { evaluator.SetDataListener(nullptr); };
  scheduler.Start();

  common::ServeSpec serve =
      base->Serve("indicator", {&service, &assessment_service, &document_service});
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
  const int exit_code = common::ServeUntilSignal(config.server, serve, log);
  // The committer's last callbacks release the evaluator's and the assessments'
  // leases: it stops before they go.
  base->db()->Shutdown();
  return exit_code;
}
