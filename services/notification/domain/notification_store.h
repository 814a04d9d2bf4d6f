#pragma once

// The storage port of the notification service, owned by the domain.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/notification/domain/model.h"

namespace ecoplan::notification {

// A domain event the change appends to the service's own log.
struct ChangeEvent {
  enum class Type {
    kNotificationCreated,
    kNotificationAcknowledged,
    kRuleChanged,
    kSubscriptionChanged,
    kNotificationRead,     // notification_number (in `notifications` of the same change)
    kContactsChanged,      // organization_id (in `contacts` of the same change)
    kDeliveryReplayed,     // subscription_id, delivery_number (in `deliveries`)
    kStreamConsumerMoved,  // consumer (in `stream_consumers`), previous_position
  };
  Type type = Type::kNotificationCreated;
  uint64_t notification_number = 0;  // the notification (in `notifications` of the same change)
  std::string rule_id;
  std::string subscription_id;
  bool deleted = false;
  // Initialized here, so that the brace lists above that end at `deleted` stay complete.
  std::string organization_id{};
  uint64_t delivery_number = 0;
  std::string consumer{};
  uint64_t previous_position = 0;
};

// One atomic change: everything here is written in one batch (with the
// follower's cursor when it comes from an upstream event).
struct Changes {
  std::vector<Notification> notifications;     // upserts
  std::map<std::string, uint64_t> dedup_keys;  // schedule/event key → notification number
  std::vector<Rule> rules;                     // upserts
  std::vector<std::string> deleted_rules;
  std::vector<Subscription> subscriptions;         // upserts
  std::vector<std::string> deleted_subscriptions;  // and their deliveries
  std::vector<Delivery> deliveries;                // upserts
  std::vector<OrgContacts> contacts;               // upserts
  std::vector<PlanView> plans;                     // upserts
  std::vector<HolidayYear> holidays;               // upserts, by year
  std::vector<std::string> submissions;            // "plan|org|period" marks
  // "plan|measure|YYYY-MM-DD|org|period": the report (plan, org, period),
  // submitted, states that checkpoint occurrence of the measure met.
  std::vector<std::string> met_statements;
  std::vector<std::string> deleted_met_statements;
  // Ids of default rules (DefaultRules) now installed, or found already present: never installed
  // again.
  std::vector<std::string> installed_default_rules;
  std::vector<Escalation> escalations;  // upserts
  std::vector<std::string> deleted_escalations;
  std::vector<SupervisionOrderView> supervision_orders;    // upserts (open orders)
  std::vector<std::string> deleted_supervision_orders;     // names (closed)
  std::vector<ProblemItemView> problems;                   // upserts (not closed)
  std::vector<std::string> deleted_problems;               // names (closed)
  std::vector<DigestBucket> digests;                       // upserts
  std::vector<std::string> deleted_digests;                // DigestKey
  std::map<std::string, StreamConsumer> stream_consumers;  // upserts, by consumer id
  std::map<std::string, std::string> request_ids;          // request id → internal::StoredRequest
  uint64_t next_notification_number = 0;                   // 0 = unchanged
  uint64_t next_delivery_number = 0;                       // 0 = unchanged
  uint64_t next_subscription_number = 0;                   // 0 = unchanged
  std::vector<ChangeEvent> events;
  // Who made the change and the request id of the call, recorded on its events (Event.actor and
  // request_id, which the audit log reads to list a call's changes); empty for the service's own
  // changes (the schedule, upstream events, deliveries). Not a change by themselves.
  std::string actor;
  std::string request_id;

  bool empty() const {
    return notifications.empty() && dedup_keys.empty() && rules.empty() && deleted_rules.empty() &&
           subscriptions.empty() && deleted_subscriptions.empty() && deliveries.empty() &&
           contacts.empty() && plans.empty() && holidays.empty() && submissions.empty() &&
           met_statements.empty() && deleted_met_statements.empty() &&
           installed_default_rules.empty() && escalations.empty() && deleted_escalations.empty() &&
           supervision_orders.empty() && deleted_supervision_orders.empty() && problems.empty() &&
           deleted_problems.empty() && digests.empty() && deleted_digests.empty() &&
           stream_consumers.empty() && request_ids.empty() && next_notification_number == 0 &&
           next_delivery_number == 0 && next_subscription_number == 0 && events.empty();
  }
};

// What the service keeps in memory, loaded once at start.
struct LoadedState {
  std::map<std::string, Rule> rules;
  std::map<std::string, Subscription> subscriptions;
  std::map<std::string, OrgContacts> contacts;
  std::map<std::string, PlanView> plans;
  std::map<int, HolidayYear> holidays;  // by year
  std::set<std::string> submissions;
  std::set<std::string> met_statements;  // as Changes::met_statements
  // As Changes::installed_default_rules; empty on a store from before they were recorded.
  std::set<std::string> installed_default_rules;
  std::map<std::string, Escalation> escalations;
  std::map<std::string, SupervisionOrderView> supervision_orders;  // open, by name
  std::map<std::string, ProblemItemView> problems;                 // not closed, by name
  std::map<std::string, DigestBucket> digests;
  std::map<std::string, StreamConsumer> stream_consumers;
  std::map<std::string, std::string> request_ids;
  std::vector<Delivery> pending_deliveries;  // PENDING, in delivery-number order
  uint64_t next_notification_number = 1;
  uint64_t next_delivery_number = 1;
  uint64_t next_subscription_number = 1;
};

struct InboxPage {
  std::vector<Notification> notifications;
  std::string next_page_token;
  int64_t unread_count = 0;
};

struct DeliveryPage {
  std::vector<Delivery> deliveries;
  std::string next_page_token;
};

// Thread-safe.
class NotificationStore {
 public:
  virtual ~NotificationStore() = default;
  virtual absl::StatusOr<LoadedState> Load() = 0;
  // Writes `changes` atomically and durably, blocking until then. Errors: Unavailable, Internal.
  virtual absl::Status Commit(const Changes& changes) = 0;
  // Same without blocking: `done` gets the outcome once the write is durable (or failed), on the
  // store's committing thread or inline; it must be quick and must not block. `changes` is not
  // used after the call returns.
  virtual void CommitAsync(const Changes& changes, std::function<void(absl::Status)> done) = 0;
  // Errors: NotFound.
  virtual absl::StatusOr<Notification> GetNotification(uint64_t number) = 0;
  // Whether an idempotency key (Changes::dedup_keys) was committed. They are looked up, not
  // loaded: one is written per notification, so holding them all in memory would grow without
  // bound. Errors: Internal.
  virtual absl::StatusOr<bool> HasDedupKey(const std::string& key) = 0;
  // Newest first. Errors: InvalidArgument (token).
  virtual absl::StatusOr<InboxPage> ListInbox(const std::string& organization_id, bool unread_only,
                                              Kind kind, int page_size,
                                              const std::string& page_token) = 0;
  // Oldest first. Errors: InvalidArgument (token).
  virtual absl::StatusOr<DeliveryPage> ListDeliveries(const std::string& subscription_id,
                                                      DeliveryState state, int page_size,
                                                      const std::string& page_token) = 0;
  // Errors: NotFound.
  virtual absl::StatusOr<Delivery> GetDelivery(const std::string& subscription_id,
                                               uint64_t number) = 0;
  // The service's last event sequence (for stream positions).
  virtual uint64_t LastEventSequence() const = 0;
};

}  // namespace ecoplan::notification
