// The AdminService policy covers exactly its RPCs, and docs/SECURITY.md shows it as it is.

#include "common/admin/admin_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "common/auth/testing/policy_testing.h"
#include "ecoplan/admin/v1/admin_service.pb.h"

namespace ecoplan::common {
namespace {

TEST(AdminPolicyTest, HasARuleForEveryRpcAndNoOther) {
  EXPECT_TRUE(testing::PolicyCoversService(
      AdminPolicy(), ecoplan::admin::v1::CreateBackupRequest::descriptor()->file()));
}

TEST(AdminPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  EXPECT_TRUE(
      testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "admin policy", AdminPolicy()));
}

}  // namespace
}  // namespace ecoplan::common
