#pragma once

// Followers of the registry's, the progress service's and the indicator
// server's WatchEvents streams:
// each event is mapped to an UpstreamInput, the Notifier computes its effects,
// and the effects are committed with the follower's cursor in one RocksDB
// batch (common::EventFollower). After PlanImported the registry's ExportPlan
// is read here, on the follower's thread, never in a gRPC handler; likewise
// the indicator's GetIndicator for an IndicatorStatusChanged (its display name
// and unit, which the event does not carry).
//
// The progress follower also reads the progress service's holidays of the
// current and the next year with GetHolidays before its first stream opens
// (on its thread) and stores those that differ from the stored ones: a data
// directory whose cursor is already past a year's HolidaysLoaded event would
// otherwise never learn that year's holidays.

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/events/event_follower.h"
#include "common/log/log.h"
#include "common/server/metrics.h"
#include "common/time/clock.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/indicator/v1/assessment_service.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/storage/rocksdb_notification_store.h"

namespace ecoplan::notification {

// Pure mappings (tested without a server).
PlanView PlanViewFromExport(const registry::v1::ExportPlanResponse& exported);
MeasureView MeasureViewFromProto(const registry::v1::Measure& measure);
// kIgnored for events that change nothing here. `export_plan` is called for PlanImported.
absl::StatusOr<UpstreamInput> RegistryInput(
    const common::v1::Event& event,
    const std::function<absl::StatusOr<registry::v1::ExportPlanResponse>(const std::string& plan)>&
        export_plan);
// The progress stream; supervision orders, problem items, extension requests
// and completion declarations are mapped by SupervisionProgressInput
// (upstream_progress_mapping.h).
absl::StatusOr<UpstreamInput> ProgressInput(const common::v1::Event& event);
// The working-day data of a progress HolidayCalendar; nullopt when its year is
// outside 2000..2100 (nothing usable).
std::optional<HolidayYear> HolidayYearFromProto(const progress::v1::HolidayCalendar& calendar);
// What IndicatorInput reads beside the event.
struct IndicatorLookups {
  // The id of the organization called `name` (canonical name) in the plan's
  // view; empty when unknown.
  std::function<std::string(const std::string& plan, const std::string& name)> owner_id;
  // The indicator plans/{plan}/indicators/{id} (for its display name and
  // unit); nullptr: not read. Unavailable and DeadlineExceeded are returned
  // (the follower tries the event again); any other error leaves the name and
  // unit unknown (the texts show the id).
  std::function<absl::StatusOr<indicator::v1::Indicator>(const std::string& name)> get_indicator;
};
// The indicator server's stream: IndicatorStatusChanged (every change; the
// Notifier decides which alert, if any, it makes) with the indicator's display
// name and unit; MonthClosed; ContestFiled and ContestDecided. Owners and the
// contesting organization are canonical names, resolved to ids with
// `owner_id` (owners it cannot resolve are dropped). Other events: kIgnored.
absl::StatusOr<UpstreamInput> IndicatorInput(const common::v1::Event& event,
                                             const IndicatorLookups& lookups);

// Whether a follower whose durable cursor is `cursor` has applied every event
// of the upstream `open` reads: asks for the events after cursor + 1 (a read),
// which WatchEvents answers OUT_OF_RANGE exactly when the upstream's last
// event is at most `cursor`. An event, an error or `timeout` (the upstream's
// last event is cursor + 1 and the stream waits) mean not yet.
bool UpstreamCaughtUp(const common::StreamOpener& open, uint64_t cursor, absl::Duration timeout);

struct UpstreamOptions {
  // The upstream's host:port, as shown on the status page (GET /status).
  std::string address;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
  // Deadline of each read call to an upstream (ExportPlan, GetHolidays, GetIndicator).
  absl::Duration export_timeout = absl::Seconds(30);
  // Progress follower: which years are "current and next" for the holiday
  // read at start. nullptr: the system clock. Not owned; must outlive the follower.
  const common::Clock* clock = nullptr;
  std::string time_zone = "Asia/Shanghai";
  // The follower's ecoplan_follower_* metrics (common/server/upstream.h);
  // nullptr: none. Not owned; must outlive the follower.
  common::MetricsRegistry* metrics = nullptr;
};

// One follower of one upstream. Thread-safe; everything passed must outlive it.
class UpstreamFollower {
 public:
  // name: "registry" or "progress" (the cursor's name).
  static std::unique_ptr<UpstreamFollower> ForRegistry(common::RocksDb* db,
                                                       RocksDbNotificationStore* store,
                                                       Notifier* notifier,
                                                       std::shared_ptr<grpc::Channel> channel,
                                                       UpstreamOptions options, common::Logger log);
  static std::unique_ptr<UpstreamFollower> ForProgress(common::RocksDb* db,
                                                       RocksDbNotificationStore* store,
                                                       Notifier* notifier,
                                                       std::shared_ptr<grpc::Channel> channel,
                                                       UpstreamOptions options, common::Logger log);
  static std::unique_ptr<UpstreamFollower> ForIndicator(
      common::RocksDb* db, RocksDbNotificationStore* store, Notifier* notifier,
      std::shared_ptr<grpc::Channel> channel, UpstreamOptions options, common::Logger log);
  ~UpstreamFollower();

  absl::Status Start();
  void Stop();
  common::EventFollower& follower() { return *follower_; }
  // Whether the follower has caught up with its upstream's head
  // (UpstreamCaughtUp with its cursor); once true, stays true without asking
  // again. Blocking for up to `timeout`; not on a gRPC handler's thread.
  bool CaughtUp(absl::Duration timeout = absl::Seconds(2));

 private:
  UpstreamFollower() = default;
  absl::StatusOr<common::FollowEffect> Handle(const UpstreamInput& input);
  // Reads the current and next year's holidays from the progress service and
  // commits those that differ from the stored ones. Errors: Unavailable and
  // DeadlineExceeded (try again later); others are final.
  absl::Status SyncHolidays(const UpstreamOptions& options, const common::Logger& log);

  RocksDbNotificationStore* store_ = nullptr;
  Notifier* notifier_ = nullptr;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<registry::v1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<progress::v1::ProgressService::Stub> progress_stub_;
  std::unique_ptr<indicator::v1::IndicatorService::Stub> indicator_stub_;
  std::unique_ptr<common::EventFollower> follower_;
  // Opens the upstream's stream for CaughtUp (not the follower's: that one
  // reads the holidays first).
  common::StreamOpener probe_;
  std::atomic<bool> caught_up_{false};
  // True between a handled event and its commit outcome (same thread).
  bool holding_ = false;
  std::unique_ptr<Changes> pending_;
  // Progress follower: the holidays were read (or cannot be); follower thread only.
  bool holidays_synced_ = false;
};

}  // namespace ecoplan::notification
