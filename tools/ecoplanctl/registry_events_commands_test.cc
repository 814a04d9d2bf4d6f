// The "events" command against a fake RegistryService.

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_split.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/registry_commands_test_fixture.h"

namespace ecoplan::ctl::registry_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

TEST_F(RegistryCommandsTest, EventsWatchStopsWhenTheStoredEventsAreDelivered) {
  ASSERT_EQ(Run({"events", "watch", "--idle", "300ms"}), 0) << err_.str();
  const std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("PlanImported"));
  EXPECT_THAT(out, HasSubstr("req-1"));
  EXPECT_THAT(out, HasSubstr("req-3"));

  ASSERT_EQ(Run({"events", "watch", "--after", "1", "--limit", "1", "--output", "json"}), 0)
      << err_.str();
  std::vector<std::string> lines = absl::StrSplit(out_.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 1u) << out_.str();
  v1::WatchEventsResponse parsed;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(lines[0], &parsed).ok()) << lines[0];
  EXPECT_EQ(parsed.event().sequence(), 2u);
  v1::PlanImported payload;
  ASSERT_TRUE(parsed.event().payload().UnpackTo(&payload));
  EXPECT_EQ(payload.plan(), kPlan);
}

}  // namespace
}  // namespace ecoplan::ctl::registry_test
