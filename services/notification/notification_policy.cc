#include "services/notification/notification_policy.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::notification {

const common::PolicyTable& NotificationPolicy() {
  using common::Role;
  static const common::PolicyTable* const kPolicy = [] {
    auto* t = new common::PolicyTable;
    t->service = "ecoplan.notification.v1.NotificationService";
    const std::set<Role> inbox = {Role::kAdministrator, Role::kReporter, Role::kViewer};
    for (const char* m : {"ListNotifications", "GetNotification", "MarkNotificationRead",
                          "AcknowledgeNotification"}) {
      t->Allow(m, inbox, {}, "reporters: their own organization's inbox only (checked on the notification)");
    }
    for (const char* m : {"CreateRule", "UpdateRule", "DeleteRule", "RunSchedule"}) {
      t->Allow(m, {Role::kAdministrator}, {}, "the bureau owns the rules and the schedule");
    }
    for (const char* m : {"GetRule", "ListRules", "GetContacts"}) {
      t->Allow(m, {Role::kAdministrator, Role::kReporter, Role::kViewer, Role::kService}, {}, "");
    }
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
      t->Allow(m, {Role::kAdministrator, Role::kViewer, Role::kService}, {},
               "the command center's stream");
    }
    return t;
  }();
  return *kPolicy;
}

std::string NotificationMethod(absl::string_view method) {
  return absl::StrCat("/", NotificationPolicy().service, "/", method);
}

}  // namespace ecoplan::notification
