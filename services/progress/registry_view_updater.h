#pragma once

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/events/event_follower.h"
#include "common/log/log.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/storage/rocksdb_report_store.h"

namespace ecoplan::progress {

// Keeps the progress service's view of the registry (PlanDirectory, persisted
// under plan_views) current from the registry's events. Handle() is the
// EventFollower's handler:
//   PlanImported           → ExportPlan (a read, made here on the follower's
//                            thread, never in a gRPC handler) → the whole plan
//   MeasureUpdated         → the measure as after the revision (reassignment,
//                            deadline), so ownership changes are enforced as
//                            soon as the event arrives (milliseconds)
//   SupervisionTaskCreated → the task's measures are added
//   anything else          → no effect (the cursor still moves)
// The new view is written in the follower's batch (with the cursor) and
// published to `plans` once durable. `store`, `plans` and `registry` must
// outlive the updater; Handle runs on one thread at a time.
class RegistryViewUpdater {
 public:
  RegistryViewUpdater(RocksDbReportStore* store, PlanDirectory* plans,
                      registry::v1::RegistryService::StubInterface* registry,
                      absl::Duration call_timeout, common::Logger log);

  // Publishes the views stored by earlier runs. Call once before serving.
  absl::Status LoadStoredViews();

  // An opener that, before the stream opens, refreshes every view loaded in a
  // format older than kPlanViewFormat (stored by an older release, possibly
  // without checkpoints, issue date, responsible units or organization ids):
  // ExportPlan, as for PlanImported, on the follower's thread; the view keeps
  // its registry_sequence, is written in the current format and published,
  // and the refresh is logged. A plan the registry no longer has is left as
  // it is (logged); on Unavailable / DeadlineExceeded or a storage error the
  // refresh is tried again before the next stream. Then opens the stream with
  // `open`.
  common::StreamOpener WithViewRefresh(common::StreamOpener open);

  // The refresh of WithViewRefresh, once. Errors: the first Unavailable or
  // DeadlineExceeded of ExportPlan (the other plans are still refreshed),
  // storage errors.
  absl::Status RefreshOldViews();

  // Errors (the event is delivered again later): Unavailable and others
  // from ExportPlan; InvalidArgument for a malformed payload.
  absl::StatusOr<common::FollowEffect> Handle(const ecoplan::common::v1::Event& event);

 private:
  absl::StatusOr<common::FollowEffect> Publish(std::shared_ptr<PlanInfo> plan, uint64_t sequence);
  // The plan `name` (plans/{plan}) as the registry exports it now. Errors: from ExportPlan.
  absl::StatusOr<std::shared_ptr<PlanInfo>> ExportedPlan(const std::string& name);

  RocksDbReportStore* const store_;
  PlanDirectory* const plans_;
  registry::v1::RegistryService::StubInterface* const registry_;
  const absl::Duration call_timeout_;
  common::Logger log_;
};

// A registry measure as the progress service needs it (ids expanded through
// group members). Exposed for tests.
MeasureInfo MeasureFromRegistry(const registry::v1::Measure& measure);

}  // namespace ecoplan::progress
