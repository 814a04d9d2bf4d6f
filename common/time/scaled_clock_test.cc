#include "common/time/scaled_clock.h"

#include <gtest/gtest.h>

namespace ecoplan::common {
namespace {

TEST(ScaledClockTest, StartsAtItsStartAndRunsSpeedTimesFaster) {
  FakeClock wall;
  const absl::Time start = absl::FromUnixSeconds(1776646800);  // 2026-04-20T09:00:00+08:00
  ScaledClock clock(&wall, start, 86400);
  EXPECT_EQ(clock.Now(), start);
  wall.Advance(absl::Seconds(1));
  EXPECT_EQ(clock.Now(), start + absl::Hours(24));
  wall.Advance(absl::Milliseconds(500));
  EXPECT_EQ(clock.Now(), start + absl::Hours(36));
}

TEST(ScaledClockTest, AtSpeedOneItKeepsPaceWithItsBase) {
  FakeClock wall;
  ScaledClock clock(&wall, absl::UnixEpoch(), 1);
  wall.Advance(absl::Minutes(3));
  EXPECT_EQ(clock.Now(), absl::UnixEpoch() + absl::Minutes(3));
}

}  // namespace
}  // namespace ecoplan::common
