#include "common/auth/refusal_throttle.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(RefusalThrottleTest, ThrottlesAClientPastItsBurstThenRefills) {
  FakeClock clock;
  RefusalThrottle throttle({/*rate_per_second=*/1, /*burst=*/3, /*max_keys=*/100}, &clock);
  for (int i = 0; i < 3; ++i) EXPECT_OK(throttle.Refused("192.0.2.1", ""));
  absl::Status throttled = throttle.Refused("192.0.2.1", "");
  EXPECT_EQ(throttled.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StartsWith(throttled.message(), kRefusalThrottledMessage)) << throttled;
  EXPECT_TRUE(absl::StrContains(throttled.message(), "retry after 1s")) << throttled;
  EXPECT_TRUE(IsThrottledMessage(throttled.message()));
  EXPECT_OK(throttle.Refused("192.0.2.2", "")) << "another client has its own budget";
  clock.Advance(absl::Seconds(1));
  EXPECT_OK(throttle.Refused("192.0.2.1", ""));
}

TEST(RefusalThrottleTest, ThrottlesASubjectAcrossClients) {
  FakeClock clock;
  RefusalThrottle throttle({1, 3, 100}, &clock);
  EXPECT_OK(throttle.Refused("192.0.2.1", "reporter"));
  EXPECT_OK(throttle.Refused("192.0.2.2", "reporter"));
  EXPECT_OK(throttle.Refused("", "reporter")) << "a second check knows no client";
  absl::Status throttled = throttle.Refused("192.0.2.3", "reporter");
  EXPECT_EQ(throttled.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(throttled.message(), "from this caller")) << throttled;
  EXPECT_OK(throttle.Refused("192.0.2.3", "someone-else"));
}

TEST(RefusalThrottleTest, BoundsAllClientsTogether) {
  FakeClock clock;
  RefusalThrottle throttle({1, 2, 1000}, &clock);
  int admitted = 0;
  for (int i = 0; i < 100; ++i) {
    if (throttle.Refused(absl::StrCat("192.0.2.", i), "").ok()) ++admitted;
  }
  EXPECT_EQ(admitted, 2 * kAllClientsFactor);
  absl::Status throttled = throttle.Refused("198.51.100.1", "");
  EXPECT_TRUE(absl::StrContains(throttled.message(), "from all clients")) << throttled;
}

TEST(RefusalThrottleTest, ValidatesItsOptionsByFlag) {
  EXPECT_OK(RefusalThrottle::Validate({}));
  EXPECT_OK(RefusalThrottle::Validate({0, 0, 0})) << "0 disables";
  RefusalThrottleOptions bad;
  bad.burst = 0.5;
  EXPECT_TRUE(absl::StrContains(RefusalThrottle::Validate(bad).message(), "--refusal_limit_burst"));
  bad = RefusalThrottleOptions();
  bad.window = absl::Milliseconds(10);
  EXPECT_TRUE(
      absl::StrContains(RefusalThrottle::Validate(bad).message(), "--refusal_audit_window"));
  bad = RefusalThrottleOptions();
  bad.rate_per_second = -1;
  EXPECT_STATUS_CODE(RefusalThrottle::Validate(bad), absl::StatusCode::kInvalidArgument);
}

TEST(RefusalThrottleTest, RecognisesTheRateLimitersMessageToo) {
  EXPECT_TRUE(IsThrottledMessage("rate limit: too many calls from this caller; retry after 1s"));
  EXPECT_FALSE(IsThrottledMessage("the disk is full"));
}

}  // namespace
}  // namespace ecoplan::common
