// Notifier: the inbox (list, read, mark read, acknowledge).

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {

absl::StatusOr<InboxPage> Notifier::ListInbox(const Caller& caller,
                                              const std::string& organization_id, bool unread_only,
                                              Kind kind, int page_size,
                                              const std::string& page_token) {
  if (!caller.MayActFor(organization_id)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "a reporter of ", caller.organization_id, " may not read the inbox of ", organization_id));
  }
  if (page_size < 0 || page_size > 500) {
    return absl::InvalidArgumentError("page_size must be 0..500");
  }
  return store_->ListInbox(organization_id, unread_only, kind, page_size == 0 ? 50 : page_size,
                           page_token);
}

absl::StatusOr<Notification> Notifier::GetNotification(const Caller& caller, uint64_t number) {
  ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
  if (!caller.MayActFor(n.recipient)) {
    return absl::PermissionDeniedError("the notification belongs to another organization");
  }
  return n;
}

namespace {

std::string NotificationKey(uint64_t number) { return absl::StrCat("notification/", number); }

}  // namespace

// Under the notification's key: its read and acknowledge times change only there.
void Notifier::MarkRead(const Caller& caller, uint64_t number, Done<Notification> done) {
  WriteFor<Notification>(
      {NotificationKey(number)},
      [this, caller, number](Changes* changes) -> absl::StatusOr<Notification> {
        ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
        if (!caller.MayActFor(n.recipient)) {
          return absl::PermissionDeniedError("the notification belongs to another organization");
        }
        if (n.read_time.has_value()) return n;
        n.read_time = Now();
        changes->notifications.push_back(n);
        return n;
      },
      std::move(done));
}

absl::StatusOr<Notification> Notifier::MarkRead(const Caller& caller, uint64_t number) {
  return Await<Notification>([&](Done<Notification> done) { MarkRead(caller, number, done); });
}

// Under the notification's key, and kEmitKey when it escalates: the schedule changes its
// escalation too.
void Notifier::Acknowledge(const Caller& caller, uint64_t number, Done<Notification> done) {
  absl::StatusOr<Notification> found = store_->GetNotification(number);
  if (!found.ok()) {
    done(found.status());
    return;
  }
  std::vector<std::string> keys = {NotificationKey(number)};
  if (!found->escalation_key.empty()) keys.push_back(kEmitKey);
  WriteFor<Notification>(
      std::move(keys),
      [this, caller, number](Changes* changes) -> absl::StatusOr<Notification> {
        ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
        if (!caller.MayActFor(n.recipient)) {
          return absl::PermissionDeniedError("the notification belongs to another organization");
        }
        if (n.acknowledge_time.has_value()) return n;
        n.acknowledge_time = Now();
        if (!n.read_time.has_value()) n.read_time = n.acknowledge_time;
        n.acknowledged_by = caller.subject;
        changes->notifications.push_back(n);
        if (!n.escalation_key.empty()) {
          auto e = state_.escalations.find(n.escalation_key);
          if (e != state_.escalations.end()) {
            Escalation acked = e->second;
            acked.acknowledged = true;
            changes->escalations.push_back(acked);
          }
        }
        ChangeEvent event;
        event.type = ChangeEvent::Type::kNotificationAcknowledged;
        event.notification_number = n.number;
        changes->events.push_back(event);
        return n;
      },
      std::move(done));
}

absl::StatusOr<Notification> Notifier::Acknowledge(const Caller& caller, uint64_t number) {
  return Await<Notification>([&](Done<Notification> done) { Acknowledge(caller, number, done); });
}

}  // namespace ecoplan::notification
