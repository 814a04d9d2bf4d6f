#pragma once

#include "absl/status/statusor.h"
#include "common/events/event_follower.h"
#include "common/log/log.h"
#include "ecoplan/common/v1/event.pb.h"
#include "services/indicator/progress_mapping.h"
#include "services/indicator/indicator_evaluator.h"

namespace ecoplan::indicator {

// The handler of the EventFollower on the progress service's WatchEvents:
// maps each event (ProgressUpdateFromEvent, progress_mapping.h) and returns the evaluator's
// PrepareProgress write, committed by the follower with its cursor in one
// batch. An event of a plan the indicator service has not built yet (its
// registry follower lags behind) fails with Unavailable, so the follower
// delivers it again after its backoff instead of losing the values.
// `evaluator` must outlive it.
class ProgressFollower {
 public:
  ProgressFollower(IndicatorEvaluator* evaluator, common::Logger log);

  // Errors (the event is delivered again later): InvalidArgument (payload),
  // Unavailable (plan not built yet), storage errors.
  absl::StatusOr<common::FollowEffect> Handle(const ecoplan::common::v1::Event& event);

 private:
  IndicatorEvaluator* const evaluator_;
  common::Logger log_;
};

}  // namespace ecoplan::indicator
