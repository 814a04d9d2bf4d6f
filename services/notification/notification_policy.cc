#include "services/notification/notification_policy.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::notification {

const common::PolicyTable& NotificationPolicy() {
  using common::Role;
  static const common::PolicyTable* const kPolicy = [] {
    auto* t = new common::PolicyTable;
    t->service = "ecoplan.notification.v1.NotificationService";
    for (const char* m : {"ListNotifications", "GetNotification"}) {
      t->Allow(m, {Role::kAdministrator, Role::kReporter, Role::kViewer}, {},
               "reporters: their own organization's inbox only (checked on the notification)");
    }
    // Acknowledging stops an overdue item's escalation to the organization's
    // leaders: the organization itself or the bureau, never an onlooker. A
    // viewer (the command center) is the organization its credentials name.
    for (const char* m : {"MarkNotificationRead", "AcknowledgeNotification"}) {
      t->Allow(m, {Role::kAdministrator, Role::kReporter, Role::kViewer}, {},
               "the recipient organization (checked on the notification: a reporter's, or a "
               "viewer's whose credentials name it) or the bureau");
    }
    for (const char* m : {"CreateRule", "UpdateRule", "DeleteRule", "RunSchedule"}) {
      t->Allow(m, {Role::kAdministrator}, {}, "the bureau owns the rules and the schedule");
    }
    for (const char* m : {"GetRule", "ListRules"}) {
      t->Allow(m, {Role::kAdministrator, Role::kReporter, Role::kViewer}, {},
               "the rules are public within the government");
    }
    // No service reads contacts: the notification service uses its own.
    t->Allow("GetContacts", {Role::kAdministrator, Role::kReporter, Role::kViewer},
             {Role::kReporter}, "personal data: a reporter reads its own organization's contacts");
    t->Allow("MuteRule", {Role::kAdministrator, Role::kReporter}, {},
             "the bureau for everyone; a reporter for its own organization, never a critical rule");
    t->Allow("SetContacts", {Role::kAdministrator, Role::kReporter}, {Role::kReporter},
             "a reporter sets its own organization's contacts");
    for (const char* m : {"CreateSubscription", "GetSubscription", "ListSubscriptions",
                          "UpdateSubscription", "DeleteSubscription", "RotateSubscriptionSecret",
                          "EnableSubscription", "ListDeliveries", "ReplayDelivery"}) {
      t->Allow(m, {Role::kAdministrator, Role::kViewer}, {},
               "webhook subscriptions: the bureau and the command center");
    }
    for (const char* m : {"StreamNotifications", "AcknowledgeStream", "WatchEvents"}) {
      t->Allow(m, {Role::kAdministrator, Role::kViewer}, {}, "the command center's stream");
    }
    return t;
  }();
  return *kPolicy;
}

std::string NotificationMethod(absl::string_view method) {
  return absl::StrCat("/", NotificationPolicy().service, "/", method);
}

}  // namespace ecoplan::notification
