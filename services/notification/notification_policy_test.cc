// The notification policy covers exactly the RPCs of NotificationService, and
// docs/SECURITY.md shows it as it is.

#include "services/notification/notification_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/auth/testing/policy_testing.h"
#include "common/testing/project_path.h"
#include "ecoplan/notification/v1/notification_service.pb.h"

namespace ecoplan::notification {
namespace {

TEST(NotificationPolicyTest, HasARuleForEveryRpcAndNoOther) {
  EXPECT_TRUE(common::testing::PolicyCoversService(NotificationPolicy(),
                                                   v1::CreateRuleRequest::descriptor()->file()));
}

TEST(NotificationPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  EXPECT_TRUE(common::testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "notification policy",
                                                   NotificationPolicy()));
}

TEST(NotificationPolicyTest, OnlyTheBureauManagesRulesAndReportersNeverReachSubscriptions) {
  auto allowed = [](common::Role role, const char* method) {
    return common::testing::Allows(NotificationPolicy(), role, method,
                                   common::ResourceScope::OwnedBy({"o-1"}));
  };
  for (const char* rules : {"CreateRule", "UpdateRule", "DeleteRule", "RunSchedule"}) {
    EXPECT_TRUE(allowed(common::Role::kAdministrator, rules)) << rules;
    for (common::Role role :
         {common::Role::kReporter, common::Role::kViewer, common::Role::kService}) {
      EXPECT_FALSE(allowed(role, rules)) << rules << " as " << common::RoleName(role);
    }
  }
  EXPECT_TRUE(allowed(common::Role::kViewer, "CreateSubscription"));
  EXPECT_FALSE(allowed(common::Role::kReporter, "CreateSubscription"));
  // The command center acknowledges (the Notifier holds it to the organization its credentials
  // name); services never mark or acknowledge.
  for (const char* inbox : {"MarkNotificationRead", "AcknowledgeNotification"}) {
    EXPECT_TRUE(allowed(common::Role::kReporter, inbox)) << inbox;
    EXPECT_TRUE(allowed(common::Role::kViewer, inbox)) << inbox;
    EXPECT_FALSE(allowed(common::Role::kService, inbox)) << inbox;
    EXPECT_FALSE(allowed(common::Role::kSupervisor, inbox)) << inbox;
  }
  EXPECT_FALSE(allowed(common::Role::kReporter, "StreamNotifications"));
}

// No service calls the notification service: in particular none reads the
// contacts (personal data) or moves the command center's stream.
TEST(NotificationPolicyTest, NoServiceSubjectCallsAnything) {
  for (const char* subject : {"registry", "progress", "indicator", "notification", "backup"}) {
    EXPECT_EQ(common::testing::ServiceCallers(NotificationPolicy(), subject),
              std::set<std::string>())
        << subject;
  }
}

}  // namespace
}  // namespace ecoplan::notification
