// The registry's policy covers exactly the RPCs of RegistryService, and
// docs/SECURITY.md shows it as it is.

#include "services/registry/registry_policy.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "common/auth/testing/policy_testing.h"
#include "common/testing/project_path.h"
#include "ecoplan/registry/v1/registry_service.pb.h"

namespace ecoplan::registry {
namespace {

TEST(RegistryPolicyTest, HasARuleForEveryRpcAndNoOther) {
  EXPECT_TRUE(common::testing::PolicyCoversService(RegistryPolicy(),
                                                   v1::ImportPlanRequest::descriptor()->file()));
}

// Services by subject: the three followers read the feed and the plan; only
// the indicator service (its documents) reads more; nobody else.
TEST(RegistryPolicyTest, ServicesCallOnlyWhatTheyFollow) {
  using common::testing::ServiceCallers;
  using Methods = std::set<std::string>;
  EXPECT_EQ(ServiceCallers(RegistryPolicy(), "progress"), Methods({"ExportPlan", "WatchEvents"}));
  EXPECT_EQ(ServiceCallers(RegistryPolicy(), "notification"),
            Methods({"ExportPlan", "WatchEvents"}));
  EXPECT_EQ(ServiceCallers(RegistryPolicy(), "indicator"),
            Methods({"ExportPlan", "GetPlan", "ListMeasures", "ListOrganizations", "WatchEvents"}));
  for (const char* subject : {"registry", "backup", "someone"}) {
    EXPECT_EQ(ServiceCallers(RegistryPolicy(), subject), Methods()) << subject;
  }
}

TEST(RegistryPolicyTest, SecurityDocumentShowsTheRenderedTable) {
  EXPECT_TRUE(common::testing::DocumentShowsPolicy(ECOPLAN_SECURITY_DOC_PATH, "registry policy",
                                                   RegistryPolicy()));
}

}  // namespace
}  // namespace ecoplan::registry
