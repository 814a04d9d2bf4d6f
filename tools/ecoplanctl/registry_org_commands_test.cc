// The "org" commands against a fake RegistryService.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/registry_commands_test_fixture.h"

namespace ecoplan::ctl::registry_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(RegistryCommandsTest, OrgOwnsListsLeadAndResponsibleMeasures) {
  ASSERT_EQ(Run({"org", "owns", "区交通局"}), 0) << err_.str();
  const auto requests = fake_.list_measures_requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].filter().role(), v1::ORG_ROLE_LEAD);
  EXPECT_EQ(requests[1].filter().role(), v1::ORG_ROLE_RESPONSIBLE);
  const std::string out = out_.str();
  const size_t responsible = out.find("区交通局 is responsible for 1 measures");
  ASSERT_NE(responsible, std::string::npos) << out;
  EXPECT_LT(out.find("a1-t1-m1"), responsible);
  EXPECT_GT(out.find("a1-t2-m1"), responsible);
}

TEST_F(RegistryCommandsTest, OrgResolveShowsWhatANameStandsFor) {
  ASSERT_EQ(Run({"org", "resolve", "区发改委"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("区发展改革委"));
  EXPECT_THAT(out_.str(), HasSubstr("department"));
  EXPECT_EQ(Run({"org", "resolve", "火星局"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: NOT_FOUND"));
}

}  // namespace
}  // namespace ecoplan::ctl::registry_test
