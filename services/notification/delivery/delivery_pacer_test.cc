// DeliveryPacer: the cap's token bucket and the yield after commits, on given times only.

#include "services/notification/delivery/delivery_pacer.h"

#include <gtest/gtest.h>

#include <vector>

namespace ecoplan::notification {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1774915200);

// Starts attempts as early as the pacer allows, from `from` on, and returns their start times.
std::vector<absl::Time> StartTimes(DeliveryPacer& pacer, absl::Time from, int count) {
  std::vector<absl::Time> out;
  absl::Time now = from;
  for (int i = 0; i < count; ++i) {
    now = pacer.NextStart(now);
    pacer.Started(now);
    out.push_back(now);
  }
  return out;
}

TEST(DeliveryPacerTest, UnpacedByDefault) {
  DeliveryPacer pacer({});
  EXPECT_EQ(StartTimes(pacer, kT0, 1000), std::vector<absl::Time>(1000, kT0));
  pacer.NotificationsCommitted(kT0, 1000000);
  EXPECT_EQ(pacer.NextStart(kT0), kT0);
  EXPECT_EQ(pacer.pauses(), 0);
}

TEST(DeliveryPacerTest, TheCapLetsTheBurstGoAtOnceThenOneAttemptPerInterval) {
  DeliveryPacingOptions options;
  options.max_per_second = 1000;
  options.burst = 4;
  DeliveryPacer pacer(options);
  const std::vector<absl::Time> starts = StartTimes(pacer, kT0, 8);
  const std::vector<absl::Time> expected = {kT0,
                                            kT0,
                                            kT0,
                                            kT0,
                                            kT0 + absl::Milliseconds(1),
                                            kT0 + absl::Milliseconds(2),
                                            kT0 + absl::Milliseconds(3),
                                            kT0 + absl::Milliseconds(4)};
  ASSERT_EQ(starts.size(), expected.size());
  for (size_t i = 0; i < starts.size(); ++i) {
    EXPECT_LE(absl::AbsDuration(starts[i] - expected[i]), absl::Microseconds(1)) << i;
  }
}

TEST(DeliveryPacerTest, AQuietSpellRefillsTheBucketOnlyToItsDepth) {
  DeliveryPacingOptions options;
  options.max_per_second = 100;
  options.burst = 3;
  DeliveryPacer pacer(options);
  StartTimes(pacer, kT0, 3);  // empties it
  // An hour later: 3 at once (not 360,000), then 10 ms apart.
  const absl::Time later = kT0 + absl::Hours(1);
  const std::vector<absl::Time> starts = StartTimes(pacer, later, 5);
  EXPECT_EQ(starts[0], later);
  EXPECT_EQ(starts[2], later);
  EXPECT_LE(absl::AbsDuration(starts[3] - (later + absl::Milliseconds(10))), absl::Microseconds(1));
  EXPECT_LE(absl::AbsDuration(starts[4] - (later + absl::Milliseconds(20))), absl::Microseconds(1));
}

TEST(DeliveryPacerTest, ThroughputOverASecondIsTheCap) {
  DeliveryPacingOptions options;
  options.max_per_second = 2500;
  options.burst = 16;
  DeliveryPacer pacer(options);
  int started = 0;
  for (absl::Time now = kT0; pacer.NextStart(now) < kT0 + absl::Seconds(1);) {
    now = pacer.NextStart(now);
    pacer.Started(now);
    ++started;
  }
  EXPECT_GE(started, 2500 + 16 - 1);  // the burst, then one per 0.4 ms
  EXPECT_LE(started, 2500 + 16 + 1);
}

TEST(DeliveryPacerTest, ACommitBehindABacklogPausesNewAttempts) {
  DeliveryPacingOptions options;
  options.yield = absl::Milliseconds(20);
  options.yield_backlog = 64;
  DeliveryPacer pacer(options);
  pacer.NotificationsCommitted(kT0, 64);  // no backlog beyond the threshold: no pause
  EXPECT_EQ(pacer.NextStart(kT0), kT0);
  EXPECT_EQ(pacer.pauses(), 0);
  pacer.NotificationsCommitted(kT0, 65);
  EXPECT_EQ(pacer.pauses(), 1);
  EXPECT_EQ(pacer.NextStart(kT0), kT0 + absl::Milliseconds(20));
  EXPECT_EQ(pacer.NextStart(kT0 + absl::Milliseconds(19)), kT0 + absl::Milliseconds(20));
  EXPECT_EQ(pacer.NextStart(kT0 + absl::Milliseconds(20)), kT0 + absl::Milliseconds(20));
}

TEST(DeliveryPacerTest, CommitsBackToBackPauseAtMostTheirShareOfTheTime) {
  DeliveryPacingOptions options;
  options.yield = absl::Milliseconds(20);
  options.max_yield_share = 0.25;
  DeliveryPacer pacer(options);
  // A commit every millisecond for a second, each behind a large backlog.
  absl::Duration paused;
  for (int ms = 0; ms < 1000; ++ms) {
    const absl::Time now = kT0 + absl::Milliseconds(ms);
    pacer.NotificationsCommitted(now, 10000);
    if (pacer.NextStart(now) > now) paused += absl::Milliseconds(1);
  }
  // One pause per 80 ms (20 ms ÷ 0.25): at 0, 80, ..., 960 ms.
  EXPECT_EQ(pacer.pauses(), 13);
  EXPECT_EQ(paused, absl::Milliseconds(13 * 20));
  EXPECT_LE(paused, absl::Milliseconds(250) + options.yield);
}

TEST(DeliveryPacerTest, APauseAndTheCapTogetherTakeTheLaterTime) {
  DeliveryPacingOptions options;
  options.max_per_second = 100;
  options.burst = 1;
  options.yield = absl::Milliseconds(5);
  DeliveryPacer pacer(options);
  pacer.Started(kT0);                       // the one token: the next is due at +10 ms
  pacer.NotificationsCommitted(kT0, 1000);  // a pause until +5 ms
  EXPECT_LE(absl::AbsDuration(pacer.NextStart(kT0) - (kT0 + absl::Milliseconds(10))),
            absl::Microseconds(1));
  DeliveryPacer fresh(options);
  fresh.NotificationsCommitted(kT0, 1000);  // a token, but paused
  EXPECT_EQ(fresh.NextStart(kT0), kT0 + absl::Milliseconds(5));
}

// A pause moves attempts later but does not lower the cap's rate: the tokens it held back are
// spent after it, and then the bucket is back to its depth.
TEST(DeliveryPacerTest, APauseKeepsTheTokensItHeldBack) {
  DeliveryPacingOptions options;
  options.max_per_second = 1000;
  options.burst = 4;
  options.yield = absl::Milliseconds(20);
  DeliveryPacer pacer(options);
  StartTimes(pacer, kT0, 4);                // the bucket is empty at kT0
  pacer.NotificationsCommitted(kT0, 1000);  // paused until +20 ms, earning 20 tokens
  const absl::Time end = kT0 + absl::Milliseconds(20);
  const std::vector<absl::Time> starts = StartTimes(pacer, kT0, 22);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(starts[i], end) << i;  // 20 at once after the pause
  EXPECT_LE(absl::AbsDuration(starts[20] - (end + absl::Milliseconds(1))), absl::Microseconds(1));
  EXPECT_LE(absl::AbsDuration(starts[21] - (end + absl::Milliseconds(2))), absl::Microseconds(1));
  // 24 attempts in the first 22 ms: the rate of 1,000/s and the burst of 4, pause or not.
  // Later, a quiet spell fills the bucket to its depth only.
  const absl::Time later = kT0 + absl::Hours(1);
  const std::vector<absl::Time> after = StartTimes(pacer, later, 5);
  EXPECT_EQ(after[3], later);
  EXPECT_GT(after[4], later);
}

// Workers book their starts ahead (Started with NextStart's later time): each booking comes
// after the one before it, whatever the time the asking worker has now.
TEST(DeliveryPacerTest, StartsBookedAheadFollowOneAnother) {
  DeliveryPacingOptions options;
  options.max_per_second = 1000;
  options.burst = 1;
  DeliveryPacer pacer(options);
  ASSERT_EQ(pacer.NextStart(kT0), kT0);
  pacer.Started(kT0);
  std::vector<absl::Time> booked;
  for (int i = 0; i < 3; ++i) {
    const absl::Time at = pacer.NextStart(kT0 + absl::Microseconds(100 * i));
    pacer.Started(at);
    booked.push_back(at);
  }
  for (int i = 0; i < 3; ++i) {
    EXPECT_LE(absl::AbsDuration(booked[i] - (kT0 + absl::Milliseconds(i + 1))),
              absl::Microseconds(1))
        << i;
  }
}

TEST(DeliveryPacerTest, AClockSteppingBackEarnsNoTokens) {
  DeliveryPacingOptions options;
  options.max_per_second = 10;
  options.burst = 1;
  DeliveryPacer pacer(options);
  pacer.Started(kT0 + absl::Seconds(10));
  // Back to kT0: still in debt; the token comes 100 ms after the latest time seen.
  EXPECT_GT(pacer.NextStart(kT0), kT0);
  const absl::Time next = pacer.NextStart(kT0 + absl::Seconds(10));
  EXPECT_LE(absl::AbsDuration(next - (kT0 + absl::Seconds(10) + absl::Milliseconds(100))),
            absl::Microseconds(1));
}

TEST(DeliveryPacerTest, OptionsAreValidated) {
  EXPECT_TRUE(DeliveryPacingOptions{}.Validate().ok());
  DeliveryPacingOptions o;
  o.max_per_second = -1;
  EXPECT_EQ(o.Validate().message(), "max_per_second must be >= 0 (0: no cap)");
  o = {};
  o.burst = 0;
  EXPECT_EQ(o.Validate().message(), "burst must be >= 1");
  o = {};
  o.yield = absl::Milliseconds(-1);
  EXPECT_EQ(o.Validate().message(), "yield must be >= 0");
  o = {};
  o.max_yield_share = 0;
  EXPECT_EQ(o.Validate().message(), "max_yield_share must be in (0, 1]");
}

}  // namespace
}  // namespace ecoplan::notification
