#pragma once

// In-memory NotificationStore for domain and handler tests. Thread-safe.

#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "services/notification/domain/notification_store.h"

namespace ecoplan::notification {

class FakeNotificationStore final : public NotificationStore {
 public:
  absl::StatusOr<LoadedState> Load() override {
    absl::MutexLock lock(&mu_);
    LoadedState s = state_;
    s.pending_deliveries.clear();
    for (const auto& [key, d] : deliveries_) {
      if (d.state == DeliveryState::kPending) s.pending_deliveries.push_back(d);
    }
    return s;
  }
  // Inline, unless commits are held (HoldCommits): then queued until ReleaseCommits().
  void CommitAsync(const Changes& c, std::function<void(absl::Status)> done) override {
    {
      absl::MutexLock lock(&mu_);
      if (hold_) {
        held_.push_back({c, std::move(done)});
        return;
      }
    }
    done(Commit(c));
  }
  absl::Status Commit(const Changes& c) override {
    absl::MutexLock lock(&mu_);
    if (!fail_next_.ok()) return std::exchange(fail_next_, absl::OkStatus());
    ++commits_;
    for (const Notification& n : c.notifications) notifications_[n.number] = n;
    for (const auto& [k, n] : c.dedup_keys) dedup_keys_.insert(k);
    for (const Rule& r : c.rules) state_.rules[r.id] = r;
    for (const std::string& id : c.deleted_rules) state_.rules.erase(id);
    for (const Subscription& s : c.subscriptions) state_.subscriptions[s.id] = s;
    for (const std::string& id : c.deleted_subscriptions) state_.subscriptions.erase(id);
    for (const Delivery& d : c.deliveries) deliveries_[{d.subscription_id, d.number}] = d;
    for (const OrgContacts& oc : c.contacts) state_.contacts[oc.organization_id] = oc;
    for (const PlanView& p : c.plans) state_.plans[p.plan_id] = p;
    for (const HolidayYear& h : c.holidays) state_.holidays[h.year] = h;
    for (const std::string& s : c.submissions) state_.submissions.insert(s);
    for (const std::string& s : c.deleted_met_statements) state_.met_statements.erase(s);
    for (const std::string& s : c.met_statements) state_.met_statements.insert(s);
    for (const std::string& id : c.installed_default_rules)
      state_.installed_default_rules.insert(id);
    for (const Escalation& e : c.escalations) state_.escalations[e.key] = e;
    for (const std::string& k : c.deleted_escalations) state_.escalations.erase(k);
    for (const SupervisionOrderView& o : c.supervision_orders)
      state_.supervision_orders[o.name] = o;
    for (const std::string& k : c.deleted_supervision_orders) state_.supervision_orders.erase(k);
    for (const ProblemItemView& p : c.problems) state_.problems[p.name] = p;
    for (const std::string& k : c.deleted_problems) state_.problems.erase(k);
    for (const std::string& k : c.deleted_digests) state_.digests.erase(k);
    for (const DigestBucket& b : c.digests) state_.digests[DigestKey(b.recipient, b.rule_id)] = b;
    for (const auto& [k, v] : c.stream_consumers) state_.stream_consumers[k] = v;
    for (const auto& [k, v] : c.request_ids) state_.request_ids[k] = v;
    if (c.next_notification_number) state_.next_notification_number = c.next_notification_number;
    if (c.next_delivery_number) state_.next_delivery_number = c.next_delivery_number;
    if (c.next_subscription_number) state_.next_subscription_number = c.next_subscription_number;
    events_ += static_cast<uint64_t>(c.events.size());
    last_ = c;
    return absl::OkStatus();
  }
  // The last change committed (its events, actor and request id).
  Changes LastCommitted() const {
    absl::MutexLock lock(&mu_);
    return last_;
  }
  absl::StatusOr<bool> HasDedupKey(const std::string& key) override {
    absl::MutexLock lock(&mu_);
    if (!fail_lookups_.ok()) return fail_lookups_;
    return dedup_keys_.count(key) > 0;
  }
  absl::StatusOr<Notification> GetNotification(uint64_t number) override {
    absl::MutexLock lock(&mu_);
    auto it = notifications_.find(number);
    if (it == notifications_.end()) return absl::NotFoundError("notification not found");
    return it->second;
  }
  absl::StatusOr<InboxPage> ListInbox(const std::string& org, bool unread_only, Kind kind,
                                      int page_size, const std::string&) override {
    absl::MutexLock lock(&mu_);
    InboxPage page;
    for (auto it = notifications_.rbegin(); it != notifications_.rend(); ++it) {
      const Notification& n = it->second;
      if (n.recipient != org) continue;
      if (!n.read_time.has_value()) ++page.unread_count;
      if (unread_only && n.read_time.has_value()) continue;
      if (kind != Kind::kUnspecified && n.kind != kind) continue;
      if (static_cast<int>(page.notifications.size()) < page_size) page.notifications.push_back(n);
    }
    return page;
  }
  absl::StatusOr<DeliveryPage> ListDeliveries(const std::string& sub, DeliveryState state, int,
                                              const std::string&) override {
    absl::MutexLock lock(&mu_);
    DeliveryPage page;
    for (const auto& [key, d] : deliveries_) {
      if (key.first == sub && (state == DeliveryState::kUnspecified || d.state == state)) {
        page.deliveries.push_back(d);
      }
    }
    return page;
  }
  absl::StatusOr<Delivery> GetDelivery(const std::string& sub, uint64_t number) override {
    absl::MutexLock lock(&mu_);
    auto it = deliveries_.find({sub, number});
    if (it == deliveries_.end()) return absl::NotFoundError("delivery not found");
    return it->second;
  }
  // Pretends `n` events were appended (a log position to acknowledge up to).
  void AddEvents(uint64_t n) {
    absl::MutexLock lock(&mu_);
    events_ += n;
  }
  uint64_t LastEventSequence() const override {
    absl::MutexLock lock(&mu_);
    return events_;
  }

  // The next Commit fails with `status` (then they work again).
  void FailNextCommit(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_next_ = std::move(status);
  }
  // Every HasDedupKey answers `status` (OK again: lookups work).
  void FailLookups(absl::Status status) {
    absl::MutexLock lock(&mu_);
    fail_lookups_ = std::move(status);
  }
  // While held, CommitAsync writes nothing and answers nothing: the commits wait, in order.
  void HoldCommits() {
    absl::MutexLock lock(&mu_);
    hold_ = true;
  }
  // Stops holding, then commits the held writes in order, answering each (FailNextCommit applies
  // to the first). Returns how many there were.
  int ReleaseCommits() {
    std::vector<std::pair<Changes, std::function<void(absl::Status)>>> held;
    {
      absl::MutexLock lock(&mu_);
      hold_ = false;
      held.swap(held_);
    }
    for (auto& [changes, done] : held) done(Commit(changes));
    return static_cast<int>(held.size());
  }
  // Writes waiting in CommitAsync while held.
  int held_commits() const {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(held_.size());
  }
  // Number of successful commits.
  int commits() const {
    absl::MutexLock lock(&mu_);
    return commits_;
  }
  std::vector<Notification> AllNotifications() const {
    absl::MutexLock lock(&mu_);
    std::vector<Notification> out;
    for (const auto& [n, v] : notifications_) out.push_back(v);
    return out;
  }

 private:
  mutable absl::Mutex mu_;
  LoadedState state_;
  std::map<uint64_t, Notification> notifications_;
  std::map<std::pair<std::string, uint64_t>, Delivery> deliveries_;
  uint64_t events_ = 0;
  Changes last_ ABSL_GUARDED_BY(mu_);
  int commits_ = 0;
  std::set<std::string> dedup_keys_;
  absl::Status fail_next_;
  absl::Status fail_lookups_;
  bool hold_ = false;
  std::vector<std::pair<Changes, std::function<void(absl::Status)>>> held_;
};

}  // namespace ecoplan::notification
