#include "common/server/server_foundation.h"

#include <utility>

#include "common/admin/admin_policy.h"
#include "common/mapping/proto_values.h"

namespace ecoplan::common {

namespace {

// A step back of the wall clock, and its end, in the log and on /metrics
// (docs/OPERATIONS.md "Clock steps").
NonDecreasingClock::Options ClockSignals(absl::Duration max_hold, MetricsRegistry* metrics,
                                         const Logger& log) {
  Gauge* behind = metrics->AddGauge(
      "ecoplan_clock_behind_seconds",
      "How far the wall clock had stepped back behind the time the service holds; 0 once it "
      "caught up or was followed again",
      {});
  Counter* steps = metrics->AddCounter(
      "ecoplan_clock_steps_back_total",
      "Steps back of the wall clock, by outcome: held (the service kept its latest time) or "
      "abandoned (more than --clock_max_hold behind: the service follows the wall clock again)",
      {"outcome"});
  behind->Set({}, 0);
  NonDecreasingClock::Options options;
  options.max_hold = max_hold;
  options.on_step_back = [behind, steps, log, max_hold](absl::Duration by) {
    behind->Set({}, absl::ToDoubleSeconds(by));
    steps->Increment({"held"});
    log.Warn(
        "the wall clock is behind a time this service already used: it keeps that time "
        "(deadlines, commit times) until the wall clock catches up",
        {{"behind", absl::FormatDuration(by)}, {"clock_max_hold", absl::FormatDuration(max_hold)}});
  };
  options.on_resumed = [behind, steps, log](absl::Duration by, bool abandoned) {
    behind->Set({}, 0);
    if (!abandoned) {
      log.Info("the wall clock caught up with the time this service held");
      return;
    }
    steps->Increment({"abandoned"});
    log.Error(
        "the wall clock is more than --clock_max_hold behind a time this service already used: "
        "it follows the wall clock again, so times recorded from now on are earlier than "
        "some recorded before; check the machine's time source",
        {{"behind", absl::FormatDuration(by)}});
  };
  return options;
}

// The clock starts no earlier than the last event committed before this start,
// so a restart on a machine whose clock went back does not go back either.
absl::Status RaiseClockToLastCommit(const RocksDb& db, NonDecreasingClock* clock) {
  const uint64_t last = db.LastEventSequence();
  if (last == 0) return absl::OkStatus();
  absl::StatusOr<std::vector<v1::Event>> events = db.ReadEvents(last - 1, 1);
  if (!events.ok()) return events.status();
  if (!events->empty() && events->front().has_commit_time()) {
    clock->RaiseFloor(TimeFromProto(events->front().commit_time()));
  }
  return absl::OkStatus();
}

}  // namespace

int ExitInvalidConfiguration(const Logger& log, const absl::Status& invalid) {
  log.Error("invalid configuration", {{"error", std::string(invalid.message())}});
  return kExitInvalidConfiguration;
}

int ExitFailure(const Logger& log, absl::string_view what, const absl::Status& failed) {
  log.Error(what, {{"error", failed.ToString()}});
  return kExitFailure;
}

int ServerFoundation::Open(const ServerConfig& config, const FoundationSpec& spec,
                           const Clock* clock, MetricsRegistry* metrics, const Logger& log,
                           std::unique_ptr<ServerFoundation>* foundation) {
  std::unique_ptr<ServerFoundation> opened(new ServerFoundation());
  opened->metrics_ = metrics;
  opened->log_ = log;
  const Clock* wall = clock;
  if (!config.clock_offset_file.empty()) {
    opened->offset_clock_ = std::make_unique<OffsetFileClock>(clock, config.clock_offset_file);
    wall = opened->offset_clock_.get();
  }
  opened->clock_ =
      std::make_unique<NonDecreasingClock>(wall, ClockSignals(config.clock_max_hold, metrics, log));
  absl::StatusOr<ServerSecurity> security =
      BuildServerSecurity(config.security, spec.policy, clock, metrics, log);
  if (!security.ok()) {
    log.Error("invalid security configuration",
              {{"error", std::string(security.status().message())}});
    return kExitInvalidConfiguration;
  }
  opened->security_ = *std::move(security);
  if (!spec.upstream_identity.empty()) {
    // Calls to the services it follows authenticate as spec.upstream_identity.
    absl::StatusOr<std::unique_ptr<ServiceClients>> upstream = ServiceClients::Create(
        config.upstream_clients, config.security, spec.upstream_identity, clock, log);
    if (!upstream.ok()) {
      log.Error("invalid upstream configuration",
                {{"error", std::string(upstream.status().message())}});
      return kExitInvalidConfiguration;
    }
    opened->upstream_ = *std::move(upstream);
  }
  RocksDbOptions db_options;
  db_options.path = config.db_path;
  db_options.column_families = spec.column_families;
  db_options.event_source = spec.event_source;
  db_options.log = &log;
  db_options.clock = opened->clock_.get();
  opened->storage_signals_ = std::make_unique<StorageSignals>(metrics, log, clock);
  StorageSignals* signals = opened->storage_signals_.get();
  db_options.on_group_written = [signals](const absl::Status& outcome) {
    signals->OnGroupWritten(outcome);
  };
  absl::StatusOr<std::unique_ptr<RocksDb>> db = RocksDb::Open(db_options);
  if (!db.ok()) {
    log.Error("cannot open database",
              {{"db_path", config.db_path}, {"error", db.status().ToString()}});
    return kExitFailure;
  }
  opened->db_ = *std::move(db);
  signals->OnOpened(opened->db_->open_report(), config.db_path);
  signals->WatchMemory(opened->db_.get());
  if (absl::Status floored = RaiseClockToLastCommit(*opened->db_, opened->clock_.get());
      !floored.ok()) {
    return ExitFailure(log, "cannot read the last event", floored);
  }
  // Every write and every refused call, recorded before its answer (docs/SECURITY.md "Audit").
  absl::StatusOr<std::unique_ptr<ServerAudit>> audit = ServerAudit::Open(
      opened->db_.get(), opened->security_.authenticator.get(), opened->clock_.get(), metrics, log);
  if (!audit.ok()) return ExitFailure(log, "cannot open the audit log", audit.status());
  opened->audit_ = *std::move(audit);
  opened->backups_ =
      std::make_unique<BackupManager>(opened->db_.get(), config.backup_dir, opened->clock_.get());
  opened->admin_auth_ = AdminAuthenticator(opened->security_, metrics, log);
  opened->admin_ = std::make_unique<AdminServiceImpl>(
      opened->backups_.get(), spec.event_source, opened->admin_auth_.get(), opened->audit_->log());
  *foundation = std::move(opened);
  return 0;
}

ServerFoundation::~ServerFoundation() {
  // db_ closes before storage_signals_ goes (members end in reverse order).
  if (storage_signals_ != nullptr) storage_signals_->StopWatchingMemory();
}

std::unique_ptr<CallAuthenticator> ServerFoundation::AuthenticatorFor(
    const PolicyTable* policy) const {
  return std::make_unique<CallAuthenticator>(security_.authenticator_options,
                                             security_.verifier.get(), policy,
                                             security_.limiter.get(), metrics_, log_);
}

ServeSpec ServerFoundation::Serve(std::string service_name,
                                  std::vector<grpc::Service*> services) const {
  ServeSpec spec;
  spec.service_name = std::move(service_name);
  spec.services = std::move(services);
  spec.services.push_back(admin_.get());
  spec.credentials = security_.credentials;
  spec.metrics = metrics_;
  spec.interceptors = {audit_->capture()};
  return spec;
}

}  // namespace ecoplan::common
