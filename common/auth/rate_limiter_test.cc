#include "common/auth/rate_limiter.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

TEST(RateLimiterTest, AllowsTheBurstThenRefusesWithARetryHint) {
  FakeClock clock;
  RateLimiter limiter({/*rate_per_second=*/2, /*burst=*/3, /*max_callers=*/100}, &clock);
  for (int i = 0; i < 3; ++i) EXPECT_OK(limiter.Admit("alice"));
  absl::Status s = limiter.Admit("alice");
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("retry after 500ms"), std::string::npos) << s;
  // Another caller has its own bucket.
  EXPECT_OK(limiter.Admit("bob"));
  clock.Advance(absl::Milliseconds(500));
  EXPECT_OK(limiter.Admit("alice"));
  EXPECT_STATUS_CODE(limiter.Admit("alice"), absl::StatusCode::kResourceExhausted);
}

TEST(RateLimiterTest, RefillsNoFurtherThanTheBurst) {
  FakeClock clock;
  RateLimiter limiter({10, 2, 100}, &clock);
  EXPECT_OK(limiter.Admit("a"));
  clock.Advance(absl::Hours(1));
  EXPECT_OK(limiter.Admit("a"));
  EXPECT_OK(limiter.Admit("a"));
  EXPECT_STATUS_CODE(limiter.Admit("a"), absl::StatusCode::kResourceExhausted);
}

TEST(RateLimiterTest, KeepsAtMostMaxCallersEvictingIdleOnesFirst) {
  FakeClock clock;
  RateLimiter limiter({1, 2, 3}, &clock);
  EXPECT_OK(limiter.Admit("busy"));
  EXPECT_OK(limiter.Admit("busy"));
  clock.Advance(absl::Seconds(1));
  EXPECT_OK(limiter.Admit("idle1"));
  EXPECT_OK(limiter.Admit("idle2"));
  clock.Advance(absl::Seconds(2));  // idle1/idle2 refilled (2 tokens at 1/s); busy not quite
  EXPECT_OK(limiter.Admit("new"));
  EXPECT_LE(limiter.tracked_callers(), 3u);
  for (int i = 0; i < 100; ++i) (void)limiter.Admit(absl::StrCat("c", i));
  EXPECT_LE(limiter.tracked_callers(), 3u);
}

TEST(RateLimiterTest, IsThreadSafe) {
  FakeClock clock;
  RateLimiter limiter({1, 1000, 10}, &clock);
  std::vector<std::thread> threads;
  std::atomic<int> admitted{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 500; ++i) {
        if (limiter.Admit("shared").ok()) ++admitted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), 1000);
}

TEST(RateLimiterTest, ValidateRefusesNonsense) {
  EXPECT_STATUS_CODE(RateLimiter::Validate({0, 1, 1}), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(RateLimiter::Validate({1, 0.5, 1}), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(RateLimiter::Validate({1, 1, 0}), absl::StatusCode::kInvalidArgument);
  EXPECT_OK(RateLimiter::Validate({1, 1, 1}));
}

}  // namespace
}  // namespace ecoplan::common
