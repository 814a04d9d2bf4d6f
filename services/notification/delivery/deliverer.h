#pragma once

// Deliverer: sends queued deliveries to webhook subscribers.
//
// One FIFO queue per subscription, worked by a shared pool: a subscription has
// at most one request in flight and its head blocks the rest, so order per
// subscription is preserved. A failed attempt is retried with exponential
// backoff and jitter (Retry-After honoured, e.g. with 429) until the retry
// horizon after the first attempt; then the delivery is FAILED and the
// subscription is suspended (FAILING) until EnableSubscription. An operator's
// EnableSubscription(true) or ReplayDelivery brings the head's next attempt
// forward to now (RetryNow), past its backoff and the breaker's cooldown. A circuit
// breaker per subscription opens after `breaker_failures` consecutive failures
// and lets one probe through per `breaker_cooldown`, so a dead receiver costs
// one worker at a time and never delays the other subscriptions.
//
// Records: a failed attempt is recorded durably (Notifier::RecordDelivery)
// before the delivery is tried again, and the attempt that gives up before the
// subscription is suspended. A success moves the queue on at once: the next
// delivery goes out while the success is written, grouped with the
// subscription's other successes (Notifier::RecordDeliveries, one write in
// flight per subscription, the next group gathered meanwhile; a failed write
// is tried again after initial_backoff). Order is unchanged: the next delivery
// is sent only after the previous one succeeded. After a crash, deliveries not
// recorded as done are sent again with the same webhook-id (at least once; the
// receiver deduplicates by webhook-id). Stop() writes the successes still
// unrecorded, so a clean stop repeats nothing.
//
// Pacing (DeliveryPacer, DelivererOptions::pacing): during a burst the workers start at most
// `max_per_second` attempts per second and pause for `yield` after new notifications are
// committed behind a backlog, so the StreamNotifications writes and the followers keep the cores.
// It only delays when an attempt starts: order, retries and records are as above.
//
// Each request names its subscription as the sender's connection key
// (WebhookRequest::connection_key): a subscription's requests reuse one
// keep-alive connection to its receiver.
//
// Metrics (when a registry is given), labelled by subscription id:
//   ecoplan_notification_webhook_attempts_total{subscription, outcome}
//       outcome: "succeeded", "failed" (will be retried), "gave_up" (the
//       attempt that made the delivery FAILED)
//   ecoplan_notification_webhook_attempt_seconds{outcome}   histogram, "succeeded" / "failed"
//   ecoplan_notification_delivery_queue_depth{subscription} deliveries waiting, in flight included
//   ecoplan_notification_circuit_state{subscription}
//       0 closed, 1 open (probing once per cooldown), 2 suspended (FAILING or DISABLED)
// A deleted subscription's gauges are removed.
//
// Thread-safe. `notifier`, `store`, `sender`, `clock`, `metrics` must outlive it.

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/time.h"
#include "common/log/log.h"
#include "common/server/metrics.h"
#include "common/time/clock.h"
#include "services/notification/delivery/delivery_pacer.h"
#include "services/notification/delivery/webhook_body.h"
#include "services/notification/delivery/webhook_sender.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {

struct DelivererOptions {
  int workers = 8;
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(10);
  double jitter = 0.2;
  // A delivery gives up this long after its first attempt.
  absl::Duration retry_horizon = absl::Hours(24);
  int breaker_failures = 5;
  absl::Duration breaker_cooldown = absl::Seconds(30);
  // Scheduling niceness of the worker threads (Linux: per thread), 0..19: above 0 the workers
  // take the CPU only when the event followers, the streams and the RPCs leave it, so a webhook
  // backlog does not delay them.
  int worker_nice = 0;
  // When the workers may start attempts during a burst (delivery_pacer.h); default: unpaced.
  DeliveryPacingOptions pacing;
  // Where a failed attempt's detail goes (WebhookResult::detail: curl's message, the address
  // refused), which the API shows only as a coarse class; unset: not logged.
  std::optional<common::Logger> logger;
};

struct DelivererStats {
  int64_t attempts = 0;
  int64_t succeeded = 0;
  int64_t failed_attempts = 0;
  int64_t gave_up = 0;
};

class Deliverer final : public DeliverySink {
 public:
  // `metrics` may be null (no metrics).
  Deliverer(Notifier* notifier, NotificationStore* store, WebhookSender* sender,
            const common::Clock* clock, DelivererOptions options,
            common::MetricsRegistry* metrics = nullptr);
  ~Deliverer() override;

  // Queues the pending deliveries and subscriptions known at start, then starts the workers.
  void Start(const std::vector<Subscription>& subscriptions, const std::vector<Delivery>& pending);
  // Stops the workers (an attempt in flight finishes first, bounded by the HTTP timeout), waits
  // for the success records being written and writes the ones not yet written.
  void Stop();

  void DeliveriesQueued(const std::vector<Delivery>& deliveries) override;
  void SubscriptionUpdated(const Subscription& subscription) override;
  void SubscriptionDeleted(const std::string& subscription_id) override;
  // The head delivery's next attempt is now and the breaker is closed (not
  // while an attempt is in flight: its outcome decides).
  void RetryNow(const std::string& subscription_id) override;

  DelivererStats stats() const;

 private:
  struct Queue {
    Subscription subscription;
    std::deque<Delivery> deliveries;
    bool busy = false;
    absl::Time next_time = absl::InfinitePast();
    int consecutive_failures = 0;
    bool retry_now = false;  // RetryNow while an attempt was in flight: a failure retries now
    // Succeeded and off the queue, their record not yet written (oldest first).
    std::vector<Delivery> unrecorded;
    bool recording = false;                          // a group of successes is being written
    absl::Time record_after = absl::InfinitePast();  // after a failed write: not before then
  };

  // What one attempt came to.
  struct AttemptOutcome {
    WebhookResult result;
    bool gave_up = false;   // the delivery is FAILED: past the retry horizon
    absl::Status recorded;  // of Notifier::RecordDelivery
  };

  // A worker's loop: start writing a subscription's unrecorded successes, or pick a ready
  // subscription, attempt its head delivery and book the outcome.
  void Work();
  // With `lock` held on entry and exit: starts writing the successes of one subscription that
  // has some waiting and no write in flight; false when there is none.
  bool FlushOneLocked(std::unique_lock<std::mutex>& lock, absl::Time now);
  // Called with the outcome of a group's write (on the store's thread, or inline).
  void Recorded(const std::string& id, std::vector<Delivery> group, const absl::Status& status);
  // Without mu_: reads the notification, signs and POSTs it (the failure to read it is a failed
  // attempt).
  WebhookResult Send(const Subscription& subscription, const Delivery& delivery,
                     absl::Time started);
  // Without mu_: sends, updates `delivery` (attempts, next time, state) and, when it failed,
  // records it durably; suspends the subscription when the delivery gave up. A success is
  // recorded later, grouped (FinishLocked queues it).
  AttemptOutcome Attempt(const Subscription& subscription, Delivery* delivery);
  // With mu_ held: counts the attempt (stats, metrics).
  void CountLocked(const std::string& id, const AttemptOutcome& outcome);
  // With mu_ held: counts the attempt, then moves the queue on (done or gave up), keeps the
  // delivery at its head for a retry (opening the breaker), or retries the same attempt later
  // when it was not recorded.
  void FinishLocked(const std::string& id, const Delivery& delivery, const AttemptOutcome& outcome);
  // With mu_ held: a subscription ready to send, or empty; `wake` gets the earliest next time.
  std::string PickLocked(absl::Time now, absl::Time* wake);
  absl::Duration Backoff(int attempt);
  // With mu_ held: publishes the queue's depth and circuit state.
  void ExportLocked(const std::string& id, const Queue& q);

  Notifier* const notifier_;
  NotificationStore* const store_;
  WebhookSender* const sender_;
  const common::Clock* const clock_;
  const DelivererOptions options_;
  WebhookBodies bodies_;  // each notification's JSON, printed once for its subscriptions

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Queue> queues_;
  bool stopping_ = false;
  int records_in_flight_ = 0;  // group writes started and not yet answered
  size_t round_robin_ = 0;
  const bool paced_;     // a cap or a yield is set
  DeliveryPacer pacer_;  // under mu_
  DelivererStats stats_;
  std::mt19937_64 random_{std::random_device{}()};
  std::vector<std::thread> workers_;
  common::Counter* attempts_metric_ = nullptr;
  common::Histogram* latency_metric_ = nullptr;
  common::Gauge* depth_metric_ = nullptr;
  common::Gauge* circuit_metric_ = nullptr;
};

}  // namespace ecoplan::notification
