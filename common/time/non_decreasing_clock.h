#pragma once

#include <functional>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/time/clock.h"

namespace ecoplan::common {

// A clock that does not go back: it answers the wall clock, or, while the
// wall clock is behind a time it has already answered (an NTP step, a virtual
// machine resumed from a snapshot, a wrong time corrected by hand), that
// latest time. So a report is never judged on time after a later one was
// judged late, commit times follow the event sequence, and a deadline once
// passed stays passed. Holding is bounded: a wall clock more than `max_hold`
// behind is taken as the truth again (the earlier time was the wrong one, e.g.
// a clock set a day ahead and corrected), because holding a whole day would
// stop every schedule for that day. Thread-safe.
class NonDecreasingClock final : public Clock {
 public:
  struct Options {
    // How long the wall clock may stay behind before it is followed again.
    absl::Duration max_hold = absl::Hours(1);
    // Called once when the wall clock is first seen behind (how far), and
    // once when it is followed again: caught up (0) or given up on
    // (`abandoned`, how far it was behind). Called with no lock held; may log.
    std::function<void(absl::Duration behind)> on_step_back;
    std::function<void(absl::Duration behind, bool abandoned)> on_resumed;
  };

  // `wall` is not owned and must outlive the clock.
  NonDecreasingClock(const Clock* wall, Options options);

  absl::Time Now() const override;

  // Raises the time the clock answers at least (e.g. the commit time of the
  // last event written before a restart); a floor below what it has answered
  // changes nothing.
  void RaiseFloor(absl::Time floor);

  // How far the wall clock was behind at the last Now(); zero when following it.
  absl::Duration behind() const;

 private:
  const Clock* const wall_;
  const Options options_;
  mutable absl::Mutex mu_;
  mutable absl::Time latest_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  mutable absl::Duration behind_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
};

}  // namespace ecoplan::common
