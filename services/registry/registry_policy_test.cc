// The registry's policy covers exactly the RPCs of RegistryService, and
// docs/SECURITY.md shows it as it is.

#include "services/registry/registry_policy.h"

#include <gtest/gtest.h>

#include <string>

#include "common/auth/testing/policy_testing.h"
#include "ecoplan/registry/v1/registry_service.pb.h"

namespace ecoplan::registry {
namespace {

TEST(RegistryPolicyTest, HasARuleForEveryRpcAndNoOther) {
  EXPECT_TRUE(common::testing::PolicyCoversService(RegistryPolicy(),
                                                   v1::ImportPlanRequest::descriptor()->file()));
}

TEST(RegistryPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  EXPECT_TRUE(common::testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "registry policy",
                                                   RegistryPolicy()));
}

}  // namespace
}  // namespace ecoplan::registry
