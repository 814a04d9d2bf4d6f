#pragma once

#include <memory>

#include "absl/status/statusor.h"
#include "common/events/event_follower.h"
#include "common/log/log.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "services/progress/domain/indicator_view.h"
#include "services/progress/storage/rocksdb_report_store.h"

namespace ecoplan::progress {

// Keeps the progress service's view of the indicator service
// (IndicatorDirectory, persisted under indicator_views) current from the
// indicator service's events. Handle() is the EventFollower's handler:
//   IndicatorChanged       → the indicator's definition (name, unit, target,
//                            measures, retired); its latest status is kept
//   IndicatorStatusChanged → the indicator's latest status and the facts it
//                            rests on (value, value day, target, reason)
//   anything else          → no effect (the cursor still moves)
// Every event, whatever its type, marks the view as having heard from the
// indicator service (IndicatorDirectory::MarkReceived). The new view of an
// indicator is written in the follower's batch (with the cursor) and
// published to `indicators` once durable. `store` and `indicators` must
// outlive the updater; Handle runs on one thread at a time.
class IndicatorViewUpdater {
 public:
  IndicatorViewUpdater(RocksDbReportStore* store, IndicatorDirectory* indicators,
                       common::Logger log);

  // Publishes the views stored by earlier runs; with `cursor` > 0 (events
  // were received before), the view counts as received. Call once before
  // serving.
  absl::Status LoadStoredViews(uint64_t cursor);

  // Errors (the event is delivered again later): InvalidArgument for a
  // malformed payload or indicator name; storage errors.
  absl::StatusOr<common::FollowEffect> Handle(const ecoplan::common::v1::Event& event);

 private:
  absl::StatusOr<common::FollowEffect> Publish(std::shared_ptr<IndicatorFacts> facts,
                                               uint64_t sequence);

  RocksDbReportStore* const store_;
  IndicatorDirectory* const indicators_;
  common::Logger log_;
};

// The definition part of `indicator` (plans/{plan}/indicators/{id}) laid over
// `current` (its latest status kept; nullptr for a new one). Exposed for
// tests. Errors: InvalidArgument (a malformed name).
absl::StatusOr<IndicatorFacts> IndicatorFromProto(const indicator::v1::Indicator& indicator,
                                                  const IndicatorFacts* current);
// The status part of `changed` laid over `current` (nullptr for an indicator
// not seen yet). Errors: InvalidArgument (a malformed name).
absl::StatusOr<IndicatorFacts> StatusFromProto(const indicator::v1::IndicatorStatusChanged& changed,
                                               const IndicatorFacts* current);

}  // namespace ecoplan::progress
