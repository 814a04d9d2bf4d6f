#pragma once

#include "absl/time/time.h"
#include "common/time/clock.h"

namespace ecoplan::common {

// A clock that reads `start` when constructed and then runs `speed` times
// faster than `base` (86400: a day per second). For demonstrations of
// schedules, e.g. notification_server's --demo_clock_start/--demo_clock_speed.
// Thread-safe if `base` is.
class ScaledClock final : public Clock {
 public:
  // `base` is not owned and must outlive the clock. speed > 0.
  ScaledClock(const Clock* base, absl::Time start, double speed)
      : base_(base), start_(start), base_start_(base->Now()), speed_(speed) {}
  absl::Time Now() const override { return start_ + (base_->Now() - base_start_) * speed_; }

 private:
  const Clock* const base_;
  const absl::Time start_;
  const absl::Time base_start_;
  const double speed_;
};

}  // namespace ecoplan::common
