// FollowerOptions: what an operator reads of a follower — one warning when an
// upstream is lost (not one per attempt), one line when it is back, and the
// follower's status as metrics.

#include "common/server/upstream.h"

#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include "absl/strings/str_split.h"
#include "common/testing/captured_log.h"

namespace ecoplan::common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FollowerOptionsTest : public ::testing::Test {
 protected:
  FollowerOptionsTest() {
    upstream_.name = "registry";
    upstream_.max_backoff = absl::Seconds(3);
    options_ = FollowerOptions(
        upstream_, grpc::CreateChannel("127.0.0.1:1", grpc::InsecureChannelCredentials()),
        log_.logger(), &metrics_);
  }

  int Lines() const {
    return static_cast<int>(std::vector<std::string>(absl::StrSplit(log_.text(), '\n')).size());
  }

  UpstreamConfig upstream_;
  CapturedLog log_;
  MetricsRegistry metrics_;
  EventFollowerOptions options_;
};

TEST_F(FollowerOptionsTest, AnOutageIsOneWarningAndTheReturnOneLineWithHowLongItLasted) {
  EXPECT_EQ(options_.name, "registry");
  EXPECT_EQ(options_.max_backoff, absl::Seconds(3));
  for (int i = 0; i < 5; ++i) options_.on_error(absl::UnavailableError("connection refused"));
  const std::string lost = log_.text();
  EXPECT_THAT(lost, HasSubstr("registry event stream interrupted; reconnecting"));
  EXPECT_THAT(lost, HasSubstr("connection refused"));
  EXPECT_THAT(lost, Not(HasSubstr("still unreachable")));  // not within a minute
  EXPECT_EQ(Lines(), 1);

  FollowerStatus back;
  back.connected = true;
  back.cursor = 40;
  back.upstream_sequence = 42;
  options_.on_resumed(absl::Seconds(75), back);
  const std::string resumed = log_.text();
  EXPECT_THAT(resumed, HasSubstr("registry event stream resumed"));
  EXPECT_THAT(resumed, HasSubstr("\"lost_seconds\":75"));
  EXPECT_THAT(resumed, HasSubstr("\"attempts\":5"));
  EXPECT_THAT(resumed, HasSubstr("\"lag_events\":2"));
  EXPECT_EQ(Lines(), 2);

  // The next outage warns again from its first failure.
  options_.on_error(absl::UnavailableError("stream reset"));
  EXPECT_THAT(log_.text(), HasSubstr("stream reset"));
  EXPECT_EQ(Lines(), 3);
}

TEST_F(FollowerOptionsTest, TheStatusIsExportedAsMetrics) {
  FollowerStatus behind;
  behind.connected = true;
  behind.cursor = 7;
  behind.upstream_sequence = 10;
  behind.caught_up_at = absl::FromUnixSeconds(1780000000);
  options_.on_status(behind);
  options_.on_resumed(absl::Seconds(1), behind);
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("ecoplan_follower_connected{upstream=\"registry\"} 1"));
  EXPECT_THAT(text, HasSubstr("ecoplan_follower_cursor{upstream=\"registry\"} 7"));
  EXPECT_THAT(text, HasSubstr("ecoplan_follower_upstream_sequence{upstream=\"registry\"} 10"));
  EXPECT_THAT(text, HasSubstr("ecoplan_follower_lag_events{upstream=\"registry\"} 3"));
  EXPECT_THAT(text, HasSubstr("ecoplan_follower_caught_up_timestamp_seconds{upstream=\"registry\"} "
                              "1780000000"));
  EXPECT_THAT(text, HasSubstr("ecoplan_follower_resumptions_total{upstream=\"registry\"} 1"));

  behind.connected = false;
  options_.on_status(behind);
  EXPECT_THAT(metrics_.Render(), HasSubstr("ecoplan_follower_connected{upstream=\"registry\"} 0"));
}

}  // namespace
}  // namespace ecoplan::common
