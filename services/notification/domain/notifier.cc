// The Notifier's core: loading, emitting a notification (keys, mutes, digests,
// deliveries), and applying a durable change to memory (the write path is
// notifier_write.cc). The use cases
// are in notifier_<concept>.cc.

#include "services/notification/domain/notifier.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/notifier_internal.h"

namespace ecoplan::notification {

bool Caller::MayReadFor(absl::string_view organization) const {
  return role != Role::kReporter || organization_id == organization;
}

bool Caller::MayChangeFor(absl::string_view organization) const {
  switch (role) {
    case Role::kAdministrator:
      return true;
    case Role::kReporter:
    case Role::kViewer:
      return !organization_id.empty() && organization_id == organization;
    case Role::kService:
      return false;
  }
  return false;
}

Notifier::Notifier(NotificationStore* store, const common::Clock* clock,
                   const UrlChecker* url_checker, NotifierOptions options)
    : store_(store),
      clock_(clock),
      url_checker_(url_checker),
      options_(std::move(options)),
      logger_(options_.logger.has_value() ? *options_.logger : common::Logger("notification")),
      serializer_(options_.dispatch ? options_.dispatch : [](std::function<void()> fn) { fn(); }) {}

absl::Status Notifier::Load() {
  ECOPLAN_ASSIGN_OR_RETURN(LoadedState loaded, store_->Load());
  {
    absl::MutexLock lock(&mu_);
    state_ = std::move(loaded);
    pending_.clear();
    for (const Delivery& d : state_.pending_deliveries) ++pending_[d.subscription_id];
  }
  if (options_.install_default_rules) ECOPLAN_RETURN_IF_ERROR(InstallMissingDefaultRules());
  return absl::OkStatus();
}

absl::Status Notifier::InstallMissingDefaultRules() {
  std::vector<std::string> added;
  std::vector<std::string> kept;  // an administrator's rule already has the id
  bool new_store = false;
  // Before any other write; it changes rules of many ids, so it holds the emit key.
  ECOPLAN_RETURN_IF_ERROR(AwaitStatus([&](DoneStatus done) {
    Write(
        {kEmitKey},
        [&](Changes* changes) {
          new_store = state_.rules.empty() && state_.installed_default_rules.empty();
          DecideDefaultRules(changes, &added, &kept);
          return absl::OkStatus();
        },
        std::move(done));
  }));
  if (!added.empty() || !kept.empty()) {
    logger_.Info(new_store ? "default rules installed on a new store"
                           : "default rules new since this store was created installed",
                 {{"installed", absl::StrJoin(added, ",")},
                  {"installed_count", added.size()},
                  {"kept_existing", absl::StrJoin(kept, ",")}});
  }
  return absl::OkStatus();
}

void Notifier::DecideDefaultRules(Changes* out, std::vector<std::string>* added,
                                  std::vector<std::string>* kept) {
  Changes& changes = *out;
  std::set<std::string> installed = state_.installed_default_rules;
  if (installed.empty() && !state_.rules.empty()) {
    // A store from before installed defaults were recorded: it got the
    // original ones at its first start, whether or not they are still there.
    for (const std::string& id : OriginalDefaultRuleIds()) {
      installed.insert(id);
      changes.installed_default_rules.push_back(id);
    }
  }
  for (Rule rule : DefaultRules()) {
    if (installed.count(rule.id) > 0) continue;
    changes.installed_default_rules.push_back(rule.id);
    if (state_.rules.count(rule.id) > 0) {
      kept->push_back(rule.id);
      continue;
    }
    rule.update_time = Now();
    changes.rules.push_back(rule);
    added->push_back(rule.id);
  }
}

void Notifier::SetDeliverySink(DeliverySink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
}

std::vector<Delivery> Notifier::PendingDeliveries() const {
  absl::MutexLock lock(&mu_);
  return state_.pending_deliveries;
}

absl::CivilDay Notifier::Today(const std::string& time_zone) const {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(time_zone.empty() ? options_.time_zone : time_zone, &tz)) {
    absl::LoadTimeZone(options_.time_zone, &tz);
  }
  return absl::ToCivilDay(Now(), tz);
}

std::vector<const Rule*> Notifier::RulesOf(Kind kind) const {
  std::vector<const Rule*> out;
  for (const auto& [id, rule] : state_.rules) {
    if (rule.kind == kind && rule.enabled) out.push_back(&rule);
  }
  return out;
}

std::string Notifier::OrgName(const std::string& plan_id, const std::string& org,
                              const Changes* pending) const {
  // A plan imported by the batch being built is not in state_ yet.
  if (pending != nullptr) {
    for (auto p = pending->plans.rbegin(); p != pending->plans.rend(); ++p) {
      if (p->plan_id != plan_id) continue;
      auto name = p->organization_names.find(org);
      if (name != p->organization_names.end()) return name->second;
    }
  }
  auto plan = state_.plans.find(plan_id);
  if (plan != state_.plans.end()) {
    auto name = plan->second.organization_names.find(org);
    if (name != plan->second.organization_names.end()) return name->second;
  }
  for (const auto& [id, p] : state_.plans) {
    auto name = p.organization_names.find(org);
    if (name != p.organization_names.end()) return name->second;
  }
  return org;
}

void Notifier::AddNotification(Notification n, const std::string& key, Changes* changes) {
  if (changes->next_notification_number == 0) {
    changes->next_notification_number = state_.next_notification_number;
  }
  n.number = changes->next_notification_number++;
  n.create_time = Now();
  auto contacts = state_.contacts.find(n.recipient);
  if (contacts != state_.contacts.end()) {
    for (const Contact& c : contacts->second.contacts) {
      if (c.level == n.level) n.contacts.push_back(c);
    }
  }
  if (!key.empty()) {
    changes->dedup_keys[key] = n.number;
    reserved_keys_.insert(key);
  }
  for (const auto& [id, sub] : state_.subscriptions) {
    if (!Matches(sub, n)) continue;
    if (changes->next_delivery_number == 0) {
      changes->next_delivery_number = state_.next_delivery_number;
    }
    Delivery d;
    d.subscription_id = id;
    d.number = changes->next_delivery_number++;
    d.notification_number = n.number;
    d.webhook_id = absl::StrCat("msg_", NotificationId(n.number));
    d.create_time = n.create_time;
    d.next_attempt_time = n.create_time;
    changes->deliveries.push_back(std::move(d));
  }
  ChangeEvent event;
  event.type = ChangeEvent::Type::kNotificationCreated;
  event.notification_number = n.number;
  changes->events.push_back(event);
  changes->notifications.push_back(std::move(n));
}

bool Notifier::KeyUsed(const std::string& key) {
  if (reserved_keys_.count(key) > 0) return true;
  absl::StatusOr<bool> stored = store_->HasDedupKey(key);
  if (stored.ok()) return *stored;
  // Counted as used (no notification twice); the write then fails with the error (TakeLookupError).
  if (lookup_error_.ok()) lookup_error_ = stored.status();
  return true;
}

absl::Status Notifier::TakeLookupError() { return std::exchange(lookup_error_, absl::OkStatus()); }

void Notifier::Emit(const Candidate& c, Changes* changes) {
  const Rule& rule = *c.rule;
  if (!rule.enabled) return;
  const absl::Time now = Now();
  if (rule.muted_until.has_value() && *rule.muted_until > now) return;
  auto org_mute = rule.organization_mutes.find(c.recipient);
  if (org_mute != rule.organization_mutes.end() && org_mute->second > now &&
      !IsCriticalKind(rule.kind)) {
    return;
  }
  if (!c.key.empty() && KeyUsed(c.key)) return;
  if (rule.digest_window > absl::ZeroDuration()) {
    const std::string dkey = DigestKey(c.recipient, rule.id);
    DigestBucket* bucket = nullptr;
    for (DigestBucket& b : changes->digests) {
      if (DigestKey(b.recipient, b.rule_id) == dkey) bucket = &b;
    }
    if (bucket == nullptr) {
      auto existing = state_.digests.find(dkey);
      if (existing != state_.digests.end()) {
        changes->digests.push_back(existing->second);
      } else {
        DigestBucket fresh;
        fresh.recipient = c.recipient;
        fresh.rule_id = rule.id;
        fresh.plan_id = c.plan_id;
        fresh.window_start = now;
        changes->digests.push_back(fresh);
      }
      bucket = &changes->digests.back();
    }
    bucket->items.push_back(DigestItem{c.resource, c.title, rule.kind});
    if (!c.key.empty()) {
      changes->dedup_keys[c.key] = 0;
      reserved_keys_.insert(c.key);
    }
    return;
  }
  Notification n;
  n.kind = rule.kind;
  n.severity = c.severity.value_or(rule.severity);
  n.recipient = c.recipient;
  n.recipient_display_name = OrgName(c.plan_id, c.recipient, changes);
  n.level = c.level;
  n.plan_id = c.plan_id;
  n.resource = c.resource;
  n.title = c.title;
  n.body = c.body;
  n.rule_id = rule.id;
  n.event = c.event_ref;
  if (c.event_ref.empty()) n.schedule_key = c.key;
  n.explanation = c.explanation;
  n.period = c.period;
  n.escalation_key = c.escalation_key;
  AddNotification(std::move(n), c.key, changes);
}

void Notifier::Apply(const Changes& changes) {
  for (const Rule& r : changes.rules) state_.rules[r.id] = r;
  for (const std::string& id : changes.deleted_rules) state_.rules.erase(id);
  for (const Subscription& s : changes.subscriptions) {
    state_.subscriptions[s.id] = s;
    if (!s.request_id.empty()) state_.request_ids[s.request_id] = s.id;
    if (sink_ != nullptr) sink_->SubscriptionUpdated(s);
  }
  for (const std::string& id : changes.deleted_subscriptions) {
    state_.subscriptions.erase(id);
    pending_.erase(id);
    if (sink_ != nullptr) sink_->SubscriptionDeleted(id);
  }
  std::vector<Delivery> queued;
  for (const Delivery& d : changes.deliveries) {
    if (d.state == DeliveryState::kPending && d.attempt_count == 0) {
      ++pending_[d.subscription_id];
      queued.push_back(d);
    } else if (d.state != DeliveryState::kPending) {  // an attempt's outcome: done or given up
      auto it = pending_.find(d.subscription_id);
      if (it != pending_.end() && it->second > 0) --it->second;
    }
  }
  for (const OrgContacts& c : changes.contacts) state_.contacts[c.organization_id] = c;
  for (const PlanView& p : changes.plans) state_.plans[p.plan_id] = p;
  for (const HolidayYear& h : changes.holidays) state_.holidays[h.year] = h;
  for (const std::string& s : changes.submissions) state_.submissions.insert(s);
  for (const std::string& s : changes.deleted_met_statements) state_.met_statements.erase(s);
  for (const std::string& s : changes.met_statements) state_.met_statements.insert(s);
  for (const std::string& id : changes.installed_default_rules) {
    state_.installed_default_rules.insert(id);
  }
  for (const Escalation& e : changes.escalations) state_.escalations[e.key] = e;
  for (const std::string& k : changes.deleted_escalations) state_.escalations.erase(k);
  for (const SupervisionOrderView& o : changes.supervision_orders) {
    state_.supervision_orders[o.name] = o;
  }
  for (const std::string& k : changes.deleted_supervision_orders) {
    state_.supervision_orders.erase(k);
  }
  for (const ProblemItemView& p : changes.problems) state_.problems[p.name] = p;
  for (const std::string& k : changes.deleted_problems) state_.problems.erase(k);
  for (const std::string& k : changes.deleted_digests) state_.digests.erase(k);
  for (const DigestBucket& b : changes.digests)
    state_.digests[DigestKey(b.recipient, b.rule_id)] = b;
  for (const auto& [id, consumer] : changes.stream_consumers) {
    state_.stream_consumers[id] = consumer;
  }
  for (const auto& [req, id] : changes.request_ids) state_.request_ids[req] = id;
  if (changes.next_notification_number != 0) {
    state_.next_notification_number = changes.next_notification_number;
  }
  if (changes.next_delivery_number != 0) state_.next_delivery_number = changes.next_delivery_number;
  if (changes.next_subscription_number != 0) {
    state_.next_subscription_number = changes.next_subscription_number;
  }
  for (const ChangeEvent& e : changes.events) {
    if (e.type == ChangeEvent::Type::kNotificationCreated) ++created_;
  }
  if (sink_ != nullptr && !queued.empty()) sink_->DeliveriesQueued(queued);
}

absl::StatusOr<std::optional<common::RequestRecord>> Notifier::RetriedRequest(
    const common::RequestCall& call) const {
  std::optional<common::RequestRecord> earlier;
  if (!call.request_id.empty()) {
    auto it = state_.request_ids.find(std::string(call.request_id));
    if (it != state_.request_ids.end()) earlier = internal::LoadedRequest(it->first, it->second);
  }
  ECOPLAN_ASSIGN_OR_RETURN(common::RequestDecision decision,
                           common::RequestLedger::Decide(call, earlier ? &*earlier : nullptr));
  if (decision == common::RequestDecision::kFresh) return std::optional<common::RequestRecord>();
  return earlier;
}

std::string Notifier::OrganizationIdByName(const std::string& plan_id,
                                           const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto plan = state_.plans.find(plan_id);
  if (plan == state_.plans.end()) return "";
  for (const auto& [id, display] : plan->second.organization_names) {
    if (display == name) return id;
  }
  return "";
}

int64_t Notifier::created_count() const {
  absl::MutexLock lock(&mu_);
  return created_;
}

}  // namespace ecoplan::notification
