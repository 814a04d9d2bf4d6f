// The registry command line as a whole, through the Cli against a fake RegistryService: flag
// placement, JSON output, errors and their exit codes, help.

#include "tools/ecoplanctl/registry_commands.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/registry_commands_test_fixture.h"

namespace ecoplan::ctl::registry_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(RegistryCommandsTest, FlagsMayComeBeforeTheCommandWords) {
  ASSERT_EQ(Run({"--role", "lead", "--org=区交通局", "measures", "list"}), 0) << err_.str();
  const auto requests = fake_.list_measures_requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].filter().organization(), "区交通局");
  EXPECT_EQ(requests[0].filter().role(), v1::ORG_ROLE_LEAD);
  EXPECT_THAT(out_.str(), HasSubstr("a1-t1-m1"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("a1-t2-m1")));
}

TEST_F(RegistryCommandsTest, JsonOutputParsesBack) {
  ASSERT_EQ(Run({"measures", "list", "--output", "json"}), 0) << err_.str();
  v1::ListMeasuresResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &parsed).ok()) << out_.str();
  ASSERT_EQ(parsed.measures_size(), 3);  // the pages merged into one response
  EXPECT_EQ(parsed.measures(0).name(), absl::StrCat(kPlan, "/measures/a1-t1-m1"));
  EXPECT_EQ(parsed.total_size(), 3);
  EXPECT_TRUE(parsed.next_page_token().empty());
  EXPECT_THAT(out_.str(), HasSubstr("\"leadOrganizations\""));  // JSON names, not proto names
}

TEST_F(RegistryCommandsTest, GrpcErrorsPrintTheCodeNameAndExitOne) {
  EXPECT_EQ(Run({"measure", "show", "a9-t9-m9"}), 1);
  EXPECT_EQ(err_.str(),
            absl::StrCat("error: NOT_FOUND: ", kPlan, "/measures/a9-t9-m9 not found\n"));
  EXPECT_EQ(out_.str(), "");
}

TEST_F(RegistryCommandsTest, UnreachableServerIsUnavailable) {
  Cli cli("ecoplanctl", "127.0.0.1:1");
  for (auto& group : RegistryCommandGroups()) cli.AddGroup(std::move(group));
  std::ostringstream out, err;
  EXPECT_EQ(cli.Run({"plan", "list", "--timeout", "5s", "--retries", "1"}, out, err), 1);
  EXPECT_THAT(err.str(), HasSubstr("; retrying in 500ms (attempt 2 of 2)\n"));
  EXPECT_THAT(err.str(), HasSubstr("error: UNAVAILABLE: "));
  EXPECT_THAT(err.str(), HasSubstr(" (2 attempts)\n"));
  std::ostringstream usage;
  EXPECT_EQ(cli.Run({"plan", "list", "--retries", "many"}, out, usage), 2);
  EXPECT_THAT(usage.str(), HasSubstr("--retries needs a number 0..20, not \"many\""));
}

TEST_F(RegistryCommandsTest, NoPlanIsNotFound) {
  fake_.has_plan = false;
  EXPECT_EQ(Run({"tasks", "list"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: NOT_FOUND: no plan has been imported yet"));
}

TEST_F(RegistryCommandsTest, UsageErrorsExitTwoWithTheUsage) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("Usage: ecoplanctl"));
  EXPECT_EQ(Run({"measures", "list", "--bogus"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("unknown flag --bogus"));
  EXPECT_EQ(Run({"measures", "list", "--org", "x", "--role", "boss"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--role must be lead, responsible or either"));
  EXPECT_THAT(err_.str(), HasSubstr("ecoplanctl measures list"));
  EXPECT_EQ(Run({"measure", "show"}), 2);
  EXPECT_EQ(Run({"measure", "update", "a1-t1-m1", "--deadline", "9月底前"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--reason is required"));
  EXPECT_EQ(Run({"plan", "import", "f", "--reason", "x"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--reason does not apply to plan import"));
  EXPECT_EQ(Run({"plan", "frobnicate"}), 2);
  EXPECT_EQ(Run({"plan", "list", "--timeout", "soon"}), 2);
  EXPECT_EQ(Run({"plan", "list", "--output", "yaml"}), 2);
  EXPECT_TRUE(fake_.list_measures_requests().empty());
}

TEST_F(RegistryCommandsTest, HelpPrintsUsageAndExitsZero) {
  EXPECT_EQ(Run({"--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("ecoplanctl plan import FILE"));
  EXPECT_THAT(out_.str(), HasSubstr("ecoplanctl events watch"));
  EXPECT_EQ(Run({"measures", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("--due-before DAY"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("ecoplanctl plan import")));
  EXPECT_EQ(Run({"org", "owns", "-h"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("ecoplanctl org owns NAME"));
}

}  // namespace
}  // namespace ecoplan::ctl::registry_test
