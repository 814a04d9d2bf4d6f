// Notifier: the inbox (list, read, mark read, acknowledge).

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

absl::StatusOr<Notification> Notifier::MarkRead(const Caller& caller, uint64_t number) {
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
  if (!caller.MayActFor(n.recipient)) {
    return absl::PermissionDeniedError("the notification belongs to another organization");
  }
  if (n.read_time.has_value()) return n;
  n.read_time = Now();
  Changes changes;
  changes.notifications.push_back(n);
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return n;
}

absl::StatusOr<Notification> Notifier::Acknowledge(const Caller& caller, uint64_t number) {
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
  if (!caller.MayActFor(n.recipient)) {
    return absl::PermissionDeniedError("the notification belongs to another organization");
  }
  if (n.acknowledge_time.has_value()) return n;
  n.acknowledge_time = Now();
  if (!n.read_time.has_value()) n.read_time = n.acknowledge_time;
  n.acknowledged_by = caller.subject;
  Changes changes;
  changes.notifications.push_back(n);
  if (!n.escalation_key.empty()) {
    auto e = state_.escalations.find(n.escalation_key);
    if (e != state_.escalations.end()) {
      Escalation acked = e->second;
      acked.acknowledged = true;
      changes.escalations.push_back(acked);
    }
  }
  ChangeEvent event;
  event.type = ChangeEvent::Type::kNotificationAcknowledged;
  event.notification_number = n.number;
  changes.events.push_back(event);
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return n;
}

}  // namespace ecoplan::notification
