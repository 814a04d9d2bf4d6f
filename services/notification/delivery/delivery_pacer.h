#pragma once

// DeliveryPacer: when the webhook workers may start their next attempt, so that a burst of
// deliveries leaves the cores to the event followers and the StreamNotifications writes.
//
// Two rules, both off by default (DeliveryPacingOptions{}):
//  - a cap: at most `max_per_second` attempts start per second, all subscriptions together
//    (a token bucket holding up to `burst` attempts, so a quiet service sends its first ones
//    at once);
//  - a yield: when new notifications are committed while a backlog is waiting (more than
//    `yield_backlog` deliveries queued before them), no attempt starts for `yield`, so the
//    streams write those notifications, and the followers take the next upstream event, before
//    the workers take the cores again. Pauses take at most `max_yield_share` of the time: a
//    pause starts only `yield / max_yield_share` after the previous one started, so commits
//    back to back cannot stall the deliveries. With a cap, the tokens earned during a pause are
//    kept (beyond `burst`) and spent after it, so pauses delay attempts without lowering the
//    cap's rate.
// Attempts already in flight are never held; which subscription goes next, order per
// subscription, retries and records are the Deliverer's and do not change.
//
// Pure: times are passed in (the Deliverer's clock). Not thread-safe: the Deliverer calls it
// under its lock.

#include <cstddef>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace ecoplan::notification {

struct DeliveryPacingOptions {
  // Attempts started per second, all subscriptions together; 0: no cap.
  double max_per_second = 0;
  // Attempts that may start back to back after a quiet spell (the bucket's depth), >= 1.
  int burst = 16;
  // Pause after new notifications are committed behind a backlog; zero: never.
  absl::Duration yield = absl::ZeroDuration();
  // Deliveries queued before the new ones above which a commit pauses the workers.
  size_t yield_backlog = 256;
  // Largest share of the time spent in pauses, in (0, 1].
  double max_yield_share = 0.25;

  // InvalidArgument naming the field: negative rate, burst < 1, negative yield, share outside
  // (0, 1].
  absl::Status Validate() const;
};

class DeliveryPacer {
 public:
  explicit DeliveryPacer(DeliveryPacingOptions options);

  // `queued_before` deliveries were waiting when new notifications were committed at `now`:
  // starts a pause when the yield rule says so.
  void NotificationsCommitted(absl::Time now, size_t queued_before);
  // The earliest time the next attempt may start: `now` when it may start at once, later when
  // a pause runs or the cap has no token left.
  absl::Time NextStart(absl::Time now);
  // An attempt starts at `at` (NextStart's answer, now or booked for later): takes its token.
  void Started(absl::Time at);
  // The end of the current pause (InfinitePast when none ran).
  absl::Time paused_until() const { return paused_until_; }

  // Pauses started so far (for tests and logs).
  int pauses() const { return pauses_; }

 private:
  // Adds the tokens earned since the last refill, up to `burst`.
  void Refill(absl::Time now);

  const DeliveryPacingOptions options_;
  double tokens_;
  absl::Time refilled_ = absl::InfinitePast();
  absl::Time paused_until_ = absl::InfinitePast();
  absl::Time last_pause_ = absl::InfinitePast();
  double pause_credit_ = 0;  // room above `burst` for the tokens earned during the last pause
  int pauses_ = 0;
};

}  // namespace ecoplan::notification
