// FollowerOptions: what an operator reads of a follower — one warning when an
// upstream is lost (not one per attempt), one line when it is back, and the
// follower's status as metrics.

#include "common/server/upstream.h"

#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "common/testing/captured_log.h"

namespace ecoplan::common {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class FollowerOptionsTest : public ::testing::Test {
 protected:
  FollowerOptionsTest() {
    upstream_.name = "registry";
    upstream_.address = "registry.ecoplan:50051";
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

// The lag in seconds is figured at the scrape, so it grows while the follower
// is cut off and nothing else changes; the status page says the same.
TEST_F(FollowerOptionsTest, LagInSecondsGrowsWhileCutOffAndTheStatusPageListsTheFollower) {
  FollowerStatus current;
  current.connected = true;
  current.cursor = current.upstream_sequence = 12;
  current.caught_up_at = absl::Now();
  current.last_event_time = absl::FromUnixSeconds(1780000000);
  options_.on_status(current);
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("ecoplan_follower_lag_seconds{upstream=\"registry\"} 0"));
  EXPECT_THAT(metrics_.Render(),
              HasSubstr("ecoplan_follower_last_event_timestamp_seconds{upstream=\"registry\"} "
                        "1780000000"));
  nlohmann::ordered_json page = metrics_.status_page()->ToJson(absl::Now());
  ASSERT_EQ(page["followers"].size(), 1u);
  EXPECT_EQ(page["followers"][0]["upstream"], "registry");
  EXPECT_EQ(page["followers"][0]["address"], "registry.ecoplan:50051");
  EXPECT_EQ(page["followers"][0]["state"], "following");
  EXPECT_EQ(page["followers"][0]["lag_seconds"], 0.0);
  EXPECT_EQ(page["followers"][0]["last_event_time"], "2026-05-28T20:26:40.000Z");
  EXPECT_TRUE(page["followers"][0]["disconnected_since"].is_null());

  // Lost 30 s ago, after having been current until then.
  const absl::Time lost = absl::Now() - absl::Seconds(30);
  FollowerStatus cut = current;
  cut.connected = false;
  cut.caught_up_at = lost;
  cut.lost_since = lost;
  options_.on_status(cut);
  const std::string text = metrics_.Render();
  EXPECT_THAT(text, HasSubstr("ecoplan_follower_lag_seconds{upstream=\"registry\"} 30"));
  EXPECT_THAT(text,
              HasSubstr(absl::StrCat(
                  "ecoplan_follower_disconnected_since_timestamp_seconds{upstream=\"registry\"} ",
                  absl::ToUnixSeconds(lost))));
  page = metrics_.status_page()->ToJson(absl::Now());
  const nlohmann::ordered_json& follower = page["followers"][0];
  EXPECT_EQ(follower["state"], "disconnected");
  EXPECT_EQ(follower["connected"], false);
  EXPECT_EQ(follower["cursor"], 12);
  EXPECT_EQ(follower["lag_events"], 0);
  EXPECT_GE(follower["lag_seconds"].get<double>(), 30.0);
  EXPECT_LT(follower["lag_seconds"].get<double>(), 40.0);
  EXPECT_EQ(follower["disconnected_since"], StatusPage::TimeJson(lost));
}

}  // namespace
}  // namespace ecoplan::common
