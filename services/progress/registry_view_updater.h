#pragma once

#include <memory>

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

  // Errors (the event is delivered again later): Unavailable and others
  // from ExportPlan; InvalidArgument for a malformed payload.
  absl::StatusOr<common::FollowEffect> Handle(const ecoplan::common::v1::Event& event);

 private:
  absl::StatusOr<common::FollowEffect> Publish(std::shared_ptr<PlanInfo> plan, uint64_t sequence);

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
