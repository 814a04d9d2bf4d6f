// The AdminService policy covers exactly its RPCs, and docs/SECURITY.md shows it as it is.

#include "common/admin/admin_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/auth/testing/policy_testing.h"
#include "common/testing/project_path.h"
#include "ecoplan/admin/v1/admin_service.pb.h"

namespace ecoplan::common {
namespace {

TEST(AdminPolicyTest, HasARuleForEveryRpcAndNoOther) {
  EXPECT_TRUE(testing::PolicyCoversService(
      AdminPolicy(), ecoplan::admin::v1::CreateBackupRequest::descriptor()->file()));
}

// The backup job backs up and lists backups, nothing else; no follower backs
// up (CreateBackup prunes old backups: keep_last 1 would delete the others).
TEST(AdminPolicyTest, OnlyTheBackupSubjectOfTheServicesBacksUp) {
  EXPECT_EQ(testing::ServiceCallers(AdminPolicy(), "backup"),
            std::set<std::string>({"CreateBackup", "ListBackups"}));
  for (const char* subject : {"registry", "progress", "indicator", "notification", "someone"}) {
    EXPECT_EQ(testing::ServiceCallers(AdminPolicy(), subject), std::set<std::string>()) << subject;
  }
  EXPECT_TRUE(testing::Allows(AdminPolicy(), Role::kAdministrator, "CreateBackup"));
  EXPECT_FALSE(testing::Allows(AdminPolicy(), Role::kViewer, "CreateBackup"));
}

TEST(AdminPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  EXPECT_TRUE(
      testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "admin policy", AdminPolicy()));
}

}  // namespace
}  // namespace ecoplan::common
