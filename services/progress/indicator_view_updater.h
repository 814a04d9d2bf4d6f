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
// No event marks the view complete: the first events of a catch-up are a
// part of the indicators, and a measure whose indicators have not arrived yet
// would pass the completion check with nothing to check. MarkComplete does,
// once IndicatorCatchUpProbe saw the indicator service hold no event beyond
// the view's cursor; that is recorded, so a restart starts complete. The new
// view of an indicator is written in the follower's batch (with the cursor)
// and published to `indicators` once durable. `store` and `indicators` must
// outlive the updater; Handle runs on one thread at a time.
class IndicatorViewUpdater {
 public:
  IndicatorViewUpdater(RocksDbReportStore* store, IndicatorDirectory* indicators,
                       common::Logger log);

  // Publishes the views stored by earlier runs; the view counts as received
  // when an earlier run recorded it complete (MarkComplete). Call once
  // before serving. Errors: from storage.
  absl::Status LoadStoredViews();

  // Records, synced, that the view has caught up with the indicator service
  // once, then marks it received (completions are checked from then on).
  // Blocking. Errors: from storage (the view stays not received).
  absl::Status MarkComplete();

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
