#include "services/notification/delivery/deliverer.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "services/notification/domain/webhook_signature.h"

namespace ecoplan::notification {

Deliverer::Deliverer(Notifier* notifier, NotificationStore* store, WebhookSender* sender,
                     const common::Clock* clock, DelivererOptions options,
                     common::MetricsRegistry* metrics)
    : notifier_(notifier),
      store_(store),
      sender_(sender),
      clock_(clock),
      options_(options),
      paced_(options.pacing.max_per_second > 0 || options.pacing.yield > absl::ZeroDuration()),
      pacer_(options.pacing) {
  if (metrics != nullptr) {
    attempts_metric_ = metrics->AddCounter(
        "ecoplan_notification_webhook_attempts_total",
        "Webhook delivery attempts by subscription and outcome (succeeded, failed, gave_up).",
        {"subscription", "outcome"});
    latency_metric_ = metrics->AddHistogram(
        "ecoplan_notification_webhook_attempt_seconds",
        "Duration of webhook delivery attempts by outcome (succeeded, failed).", {"outcome"},
        common::MetricsRegistry::LatencyBuckets());
    depth_metric_ =
        metrics->AddGauge("ecoplan_notification_delivery_queue_depth",
                          "Webhook deliveries waiting per subscription.", {"subscription"});
    circuit_metric_ = metrics->AddGauge(
        "ecoplan_notification_circuit_state",
        "Circuit breaker per subscription: 0 closed, 1 open, 2 suspended (FAILING or DISABLED).",
        {"subscription"});
  }
}

void Deliverer::ExportLocked(const std::string& id, const Queue& q) {
  if (depth_metric_ == nullptr) return;
  depth_metric_->Set({id}, static_cast<double>(q.deliveries.size()));
  double state = 0;
  if (q.subscription.state != SubscriptionState::kActive) {
    state = 2;
  } else if (q.consecutive_failures >= options_.breaker_failures) {
    state = 1;
  }
  circuit_metric_->Set({id}, state);
}

Deliverer::~Deliverer() { Stop(); }

void Deliverer::Start(const std::vector<Subscription>& subscriptions,
                      const std::vector<Delivery>& pending) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Subscription& s : subscriptions) queues_[s.id].subscription = s;
    for (const Delivery& d : pending) {
      auto it = queues_.find(d.subscription_id);
      if (it != queues_.end()) it->second.deliveries.push_back(d);
    }
    for (const auto& [id, q] : queues_) ExportLocked(id, q);
    stopping_ = false;
  }
  for (int i = 0; i < std::max(1, options_.workers); ++i) workers_.emplace_back([this] { Work(); });
}

void Deliverer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  // The successes sent and not yet recorded: written now (once), so that a clean stop sends
  // nothing again. The groups in flight are waited for first: their callbacks use `this`.
  std::vector<std::pair<std::string, std::vector<Delivery>>> groups;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return records_in_flight_ == 0; });
    for (auto& [id, q] : queues_) {
      if (!q.unrecorded.empty()) groups.emplace_back(id, std::move(q.unrecorded));
      q.unrecorded.clear();
    }
  }
  for (auto& [id, group] : groups) {
    const size_t count = group.size();
    absl::Notification answered;
    absl::Status recorded;
    notifier_->RecordDeliveries(id, std::move(group), [&](absl::Status s) {
      recorded = std::move(s);
      answered.Notify();
    });
    answered.WaitForNotification();
    if (!recorded.ok() && options_.logger.has_value()) {
      // Not lost: they are still PENDING on disk and go again after the restart.
      options_.logger->Warn("webhook successes not recorded at stop; they will be sent again",
                            {{"subscription", id},
                             {"deliveries", static_cast<int64_t>(count)},
                             {"error", recorded.ToString()}});
    }
  }
}

void Deliverer::DeliveriesQueued(const std::vector<Delivery>& deliveries) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    size_t queued_before = 0;
    for (const auto& [id, q] : queues_) queued_before += q.deliveries.size();
    // Just committed: their stream writes are due now, so a backlog may pause the workers.
    pacer_.NotificationsCommitted(clock_->Now(), queued_before);
    for (const Delivery& d : deliveries) {
      auto it = queues_.find(d.subscription_id);
      if (it == queues_.end()) continue;
      it->second.deliveries.push_back(d);
      ExportLocked(it->first, it->second);
    }
  }
  cv_.notify_all();
}

void Deliverer::SubscriptionUpdated(const Subscription& subscription) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    Queue& q = queues_[subscription.id];
    const bool reenabled = q.subscription.state != SubscriptionState::kActive &&
                           subscription.state == SubscriptionState::kActive;
    q.subscription = subscription;
    if (reenabled) {
      q.consecutive_failures = 0;
      q.next_time = absl::InfinitePast();
    }
    ExportLocked(subscription.id, q);
  }
  cv_.notify_all();
}

void Deliverer::RetryNow(const std::string& subscription_id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = queues_.find(subscription_id);
    if (it == queues_.end()) return;
    Queue& q = it->second;
    q.next_time = absl::InfinitePast();
    q.consecutive_failures = 0;
    const absl::Time now = clock_->Now();
    if (q.busy) {
      q.retry_now = true;
    } else if (!q.deliveries.empty() && q.deliveries.front().next_attempt_time > now) {
      q.deliveries.front().next_attempt_time = now;
    }
    ExportLocked(subscription_id, q);
  }
  cv_.notify_all();
}

void Deliverer::SubscriptionDeleted(const std::string& subscription_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = queues_.find(subscription_id);
  if (it == queues_.end()) return;
  // A worker holding it finds it gone when it comes back.
  queues_.erase(it);
  if (depth_metric_ != nullptr) {
    depth_metric_->Remove({subscription_id});
    circuit_metric_->Remove({subscription_id});
  }
}

DelivererStats Deliverer::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

absl::Duration Deliverer::Backoff(int attempt) {
  absl::Duration d = options_.initial_backoff;
  for (int i = 1; i < attempt && d < options_.max_backoff; ++i) d *= 2;
  d = std::min(d, options_.max_backoff);
  std::uniform_real_distribution<double> jitter(1.0 - options_.jitter, 1.0 + options_.jitter);
  return d * jitter(random_);
}

std::string Deliverer::PickLocked(absl::Time now, absl::Time* wake) {
  *wake = now + absl::Seconds(1);
  if (queues_.empty()) return "";
  std::vector<std::map<std::string, Queue>::iterator> order;
  for (auto it = queues_.begin(); it != queues_.end(); ++it) order.push_back(it);
  for (size_t i = 0; i < order.size(); ++i) {
    auto it = order[(round_robin_ + i) % order.size()];
    Queue& q = it->second;
    if (q.busy || q.deliveries.empty() || q.subscription.state != SubscriptionState::kActive) {
      continue;
    }
    const absl::Time due = std::max(q.next_time, q.deliveries.front().next_attempt_time);
    if (due > now) {
      *wake = std::min(*wake, due);
      continue;
    }
    round_robin_ = (round_robin_ + i + 1) % order.size();
    return it->first;
  }
  return "";
}

bool Deliverer::FlushOneLocked(std::unique_lock<std::mutex>& lock, absl::Time now) {
  for (auto& [id, q] : queues_) {
    if (q.recording || q.unrecorded.empty() || q.record_after > now) continue;
    q.recording = true;
    ++records_in_flight_;
    std::vector<Delivery> group = std::move(q.unrecorded);
    q.unrecorded.clear();
    const std::string sub = id;
    lock.unlock();
    // The notifier takes its own lock and may call back into this class (Apply → sink): never
    // under mu_.
    auto shared = std::make_shared<std::vector<Delivery>>(group);
    notifier_->RecordDeliveries(sub, std::move(group), [this, sub, shared](absl::Status s) {
      Recorded(sub, std::move(*shared), s);
    });
    lock.lock();
    return true;
  }
  return false;
}

void Deliverer::Recorded(const std::string& id, std::vector<Delivery> group,
                         const absl::Status& status) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --records_in_flight_;
    auto it = queues_.find(id);
    if (it != queues_.end()) {
      Queue& q = it->second;
      q.recording = false;
      if (!status.ok()) {
        // Kept, ahead of the successes gathered meanwhile, and written again a little later.
        group.insert(group.end(), std::make_move_iterator(q.unrecorded.begin()),
                     std::make_move_iterator(q.unrecorded.end()));
        q.unrecorded = std::move(group);
        q.record_after = clock_->Now() + options_.initial_backoff;
      }
    }
  }
  if (!status.ok() && options_.logger.has_value()) {
    options_.logger->Warn("webhook successes not recorded; written again later",
                          {{"subscription", id}, {"error", status.ToString()}});
  }
  cv_.notify_all();
}

void Deliverer::Work() {
  if (options_.worker_nice > 0) {
    // Linux keeps a niceness per thread: this one only. Failing leaves it at the default.
    (void)setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)),
                      std::min(options_.worker_nice, 19));
  }
  std::unique_lock<std::mutex> lock(mu_);
  bool holding_start = false;  // paced: this worker has booked a start and waited for it
  while (!stopping_) {
    const absl::Time now = clock_->Now();
    if (FlushOneLocked(lock, now)) continue;
    absl::Time wake;
    const std::string id = PickLocked(now, &wake);
    if (id.empty()) {
      const absl::Duration wait = std::clamp(wake - now, absl::Milliseconds(1), absl::Seconds(1));
      cv_.wait_for(lock, absl::ToChronoMicroseconds(wait));
      continue;
    }
    if (paced_ && !holding_start) {
      // Paced: this worker books the next start the pacer allows and sleeps until then (the
      // other workers book the ones after), then picks again: one sleep per attempt, not a
      // wake of every worker for each start.
      const absl::Time start = pacer_.NextStart(now);
      pacer_.Started(start);
      holding_start = true;
      if (start > now) {
        for (absl::Time t = now; !stopping_ && t < std::max(start, pacer_.paused_until());
             t = clock_->Now()) {
          cv_.wait_for(lock, absl::ToChronoMicroseconds(
                                 std::clamp(std::max(start, pacer_.paused_until()) - t,
                                            absl::Microseconds(100), absl::Seconds(1))));
        }
        continue;
      }
    }
    holding_start = false;
    Queue& q = queues_.at(id);
    q.busy = true;
    Delivery delivery = q.deliveries.front();
    const Subscription subscription = q.subscription;
    lock.unlock();
    const AttemptOutcome outcome = Attempt(subscription, &delivery);
    lock.lock();
    FinishLocked(id, delivery, outcome);
  }
}

WebhookResult Deliverer::Send(const Subscription& subscription, const Delivery& delivery,
                              absl::Time started) {
  absl::StatusOr<Notification> notification = store_->GetNotification(delivery.notification_number);
  WebhookResult result;
  if (!notification.ok()) {
    // Not the receiver's doing, but shown as the one class that says nothing about it.
    result.error_class = DeliveryErrorClass::kConnectionFailed;
    result.error = DeliveryErrorText(result.error_class, 0);
    result.detail = absl::StrCat("notification unreadable: ", notification.status().message());
    return result;
  }
  WebhookRequest request;
  request.url = subscription.url;
  request.webhook_id = delivery.webhook_id;
  request.connection_key = subscription.id;
  request.timestamp = absl::ToUnixSeconds(started);
  request.body = bodies_.For(*notification, started);
  std::vector<std::string> keys;
  for (const Secret& s : subscription.secrets) {
    if (!s.expire_time.has_value() || *s.expire_time > started) keys.push_back(s.key);
  }
  request.signature = SignatureHeader(keys, request.webhook_id, request.timestamp, request.body);
  return sender_->Send(request);
}

Deliverer::AttemptOutcome Deliverer::Attempt(const Subscription& subscription, Delivery* delivery) {
  AttemptOutcome out;
  const absl::Time started = clock_->Now();
  out.result = Send(subscription, *delivery, started);
  const WebhookResult& result = out.result;
  if (delivery->attempt_count == 0 || delivery->first_attempt_time == absl::InfinitePast()) {
    delivery->first_attempt_time = started;
  }
  ++delivery->attempt_count;
  delivery->attempts.push_back(
      DeliveryAttempt{started, result.status_code, result.latency, result.error});
  if (delivery->attempts.size() > kMaxKeptAttempts) {
    delivery->attempts.erase(delivery->attempts.begin());
  }
  if (result.ok()) {
    delivery->state = DeliveryState::kSucceeded;
  } else {
    if (options_.logger.has_value()) {
      options_.logger->Warn("webhook attempt failed",
                            {{"subscription", subscription.id},
                             {"delivery", static_cast<int64_t>(delivery->number)},
                             {"class", result.error},
                             {"detail", result.detail}});
    }
    absl::Duration delay = Backoff(delivery->attempt_count);
    if (result.retry_after.has_value()) delay = std::max(delay, *result.retry_after);
    delivery->next_attempt_time = started + delay;
    if (delivery->next_attempt_time > delivery->first_attempt_time + options_.retry_horizon) {
      delivery->state = DeliveryState::kFailed;
      out.gave_up = true;
    }
  }
  // A success is recorded later with the subscription's other successes (FinishLocked).
  if (result.ok()) return out;
  out.recorded = notifier_->RecordDelivery(*delivery);
  if (out.gave_up && out.recorded.ok()) {
    (void)notifier_->SuspendSubscription(
        subscription.id,
        absl::StrCat("delivery ", delivery->number, " failed for ",
                     absl::FormatDuration(options_.retry_horizon), ": ", result.error));
  }
  return out;
}

void Deliverer::CountLocked(const std::string& id, const AttemptOutcome& outcome) {
  const bool ok = outcome.result.ok();
  ++stats_.attempts;
  if (ok)
    ++stats_.succeeded;
  else
    ++stats_.failed_attempts;
  if (outcome.gave_up) ++stats_.gave_up;
  if (attempts_metric_ != nullptr) {
    attempts_metric_->Increment({id, ok ? "succeeded" : (outcome.gave_up ? "gave_up" : "failed")});
    latency_metric_->Observe({ok ? "succeeded" : "failed"},
                             absl::ToDoubleSeconds(outcome.result.latency));
  }
}

void Deliverer::FinishLocked(const std::string& id, const Delivery& delivery,
                             const AttemptOutcome& outcome) {
  CountLocked(id, outcome);
  auto it = queues_.find(id);
  if (it == queues_.end()) return;  // deleted meanwhile
  Queue& after = it->second;
  after.busy = false;
  const bool retry_now = after.retry_now;
  after.retry_now = false;
  if (!outcome.recorded.ok()) {
    // Not durable: try the same attempt again a little later.
    after.next_time = clock_->Now() + options_.initial_backoff;
    return;
  }
  const bool head = !after.deliveries.empty() && after.deliveries.front().number == delivery.number;
  if (outcome.result.ok() || outcome.gave_up) {
    if (head) after.deliveries.pop_front();
    if (outcome.result.ok()) {
      after.consecutive_failures = 0;
      after.unrecorded.push_back(delivery);  // written by the next FlushOneLocked
    }
  } else {
    if (head) after.deliveries.front() = delivery;
    ++after.consecutive_failures;
    if (retry_now) {
      // An operator asked for it during the attempt: again at once.
      after.consecutive_failures = 0;
      if (head) after.deliveries.front().next_attempt_time = clock_->Now();
    } else if (after.consecutive_failures >= options_.breaker_failures) {
      // Open: at most one probe per cooldown.
      after.next_time =
          std::max(delivery.next_attempt_time, clock_->Now() + options_.breaker_cooldown);
    }
  }
  ExportLocked(id, after);
  // Paced, this worker looks for more work itself next and the others sleep until their booked
  // starts: waking them would only cost a switch each.
  if (!paced_) cv_.notify_all();
}

}  // namespace ecoplan::notification
