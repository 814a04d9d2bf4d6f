#include "common/time/non_decreasing_clock.h"

#include <utility>

namespace ecoplan::common {

NonDecreasingClock::NonDecreasingClock(const Clock* wall, Options options)
    : wall_(wall), options_(std::move(options)) {}

absl::Time NonDecreasingClock::Now() const {
  enum class Change { kNone, kSteppedBack, kCaughtUp, kAbandoned };
  const absl::Time wall = wall_->Now();
  Change change = Change::kNone;
  absl::Duration reported;
  absl::Time answer;
  {
    absl::MutexLock lock(&mu_);
    const bool holding = behind_ > absl::ZeroDuration();
    if (wall >= latest_) {
      latest_ = wall;
      if (holding) change = Change::kCaughtUp;
      behind_ = absl::ZeroDuration();
    } else if (latest_ - wall > options_.max_hold) {
      // Too far behind to hold: the earlier time was the wrong one.
      change = Change::kAbandoned;
      reported = latest_ - wall;
      latest_ = wall;
      behind_ = absl::ZeroDuration();
    } else {
      behind_ = latest_ - wall;
      if (!holding) {
        change = Change::kSteppedBack;
        reported = behind_;
      }
    }
    answer = latest_;
  }
  // Only transitions are reported: the steady states cost nothing more.
  switch (change) {
    case Change::kNone:
      break;
    case Change::kSteppedBack:
      if (options_.on_step_back) options_.on_step_back(reported);
      break;
    case Change::kCaughtUp:
      if (options_.on_resumed) options_.on_resumed(absl::ZeroDuration(), false);
      break;
    case Change::kAbandoned:
      if (options_.on_resumed) options_.on_resumed(reported, true);
      break;
  }
  return answer;
}

void NonDecreasingClock::RaiseFloor(absl::Time floor) {
  absl::MutexLock lock(&mu_);
  if (floor > latest_) latest_ = floor;
}

absl::Duration NonDecreasingClock::behind() const {
  absl::MutexLock lock(&mu_);
  return behind_;
}

}  // namespace ecoplan::common
