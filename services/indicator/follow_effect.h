#pragma once

// A prepared use-case effect (IndicatorEvaluator::Prepare*) as an
// EventFollower effect: the store's write of its Change, committed by the
// follower with its cursor, and its publish step once durable.

#include <utility>

#include "absl/status/statusor.h"
#include "common/events/event_follower.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

inline absl::StatusOr<common::FollowEffect> FollowEffectOf(const RocksDbIndicatorStore& store,
                                                           SyncEffect effect) {
  absl::StatusOr<common::WriteRequest> write = store.ToWrite(effect.change);
  if (!write.ok()) return write.status();
  common::FollowEffect out;
  out.write = *std::move(write);
  out.on_committed = std::move(effect.publish);
  return out;
}

}  // namespace ecoplan::indicator
