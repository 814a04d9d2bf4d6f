#include "common/time/non_decreasing_clock.h"

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "common/time/offset_file_clock.h"
#include "gtest/gtest.h"

namespace ecoplan::common {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1779667200);  // 2026-05-25 00:00 UTC

struct Transitions {
  std::vector<absl::Duration> steps_back;
  std::vector<std::pair<absl::Duration, bool>> resumed;
};

NonDecreasingClock::Options Recording(Transitions* t, absl::Duration max_hold = absl::Hours(1)) {
  NonDecreasingClock::Options options;
  options.max_hold = max_hold;
  options.on_step_back = [t](absl::Duration behind) { t->steps_back.push_back(behind); };
  options.on_resumed = [t](absl::Duration behind, bool abandoned) {
    t->resumed.emplace_back(behind, abandoned);
  };
  return options;
}

TEST(NonDecreasingClockTest, FollowsTheWallClockWhileItMovesForward) {
  FakeClock wall(kStart);
  Transitions t;
  NonDecreasingClock clock(&wall, Recording(&t));
  EXPECT_EQ(clock.Now(), kStart);
  wall.Advance(absl::Hours(48));  // a forward step is followed at once
  EXPECT_EQ(clock.Now(), kStart + absl::Hours(48));
  EXPECT_TRUE(t.steps_back.empty());
  EXPECT_EQ(clock.behind(), absl::ZeroDuration());
}

TEST(NonDecreasingClockTest, HoldsTheLatestTimeWhileTheWallClockIsBehindThenFollowsAgain) {
  FakeClock wall(kStart);
  Transitions t;
  NonDecreasingClock clock(&wall, Recording(&t));
  ASSERT_EQ(clock.Now(), kStart);
  wall.Advance(absl::Minutes(-10));  // an NTP step back
  EXPECT_EQ(clock.Now(), kStart);
  EXPECT_EQ(clock.behind(), absl::Minutes(10));
  wall.Advance(absl::Minutes(4));
  EXPECT_EQ(clock.Now(), kStart);
  EXPECT_EQ(clock.behind(), absl::Minutes(6));
  ASSERT_EQ(t.steps_back.size(), 1u) << "reported once, not at every call";
  EXPECT_EQ(t.steps_back[0], absl::Minutes(10));
  EXPECT_TRUE(t.resumed.empty());
  wall.Advance(absl::Minutes(7));  // caught up: followed again
  EXPECT_EQ(clock.Now(), kStart + absl::Minutes(1));
  EXPECT_EQ(clock.behind(), absl::ZeroDuration());
  ASSERT_EQ(t.resumed.size(), 1u);
  EXPECT_FALSE(t.resumed[0].second);
}

TEST(NonDecreasingClockTest, AWallClockTooFarBehindIsFollowedAgainAndSaidSo) {
  FakeClock wall(kStart);
  Transitions t;
  NonDecreasingClock clock(&wall, Recording(&t, absl::Hours(1)));
  ASSERT_EQ(clock.Now(), kStart);
  wall.Advance(absl::Hours(-2));  // the clock had been a day... two hours ahead, now corrected
  EXPECT_EQ(clock.Now(), kStart - absl::Hours(2));
  ASSERT_EQ(t.resumed.size(), 1u);
  EXPECT_EQ(t.resumed[0].first, absl::Hours(2));
  EXPECT_TRUE(t.resumed[0].second);
  EXPECT_TRUE(t.steps_back.empty());
}

TEST(NonDecreasingClockTest, AFloorFromTheLastCommitHoldsAfterARestart) {
  FakeClock wall(kStart);
  Transitions t;
  NonDecreasingClock clock(&wall, Recording(&t));
  clock.RaiseFloor(kStart + absl::Minutes(5));  // the last event was committed 5 min "later"
  EXPECT_EQ(clock.Now(), kStart + absl::Minutes(5));
  ASSERT_EQ(t.steps_back.size(), 1u);
  clock.RaiseFloor(kStart);  // a lower floor changes nothing
  EXPECT_EQ(clock.Now(), kStart + absl::Minutes(5));
}

TEST(OffsetFileClockTest, ReadsTheOffsetAtEveryCallAndKeepsTheLastGoodOne) {
  const std::string path = ::testing::TempDir() + "/clock_offset";
  std::remove(path.c_str());
  FakeClock base(kStart);
  OffsetFileClock clock(&base, path);
  EXPECT_EQ(clock.Now(), kStart) << "no file: no offset";
  std::ofstream(path) << "+172800\n";
  EXPECT_EQ(clock.Now(), kStart + absl::Hours(48));
  std::ofstream(path) << " -600 ";
  EXPECT_EQ(clock.Now(), kStart - absl::Minutes(10));
  std::ofstream(path) << "soon";
  EXPECT_EQ(clock.Now(), kStart - absl::Minutes(10)) << "unparsable: the last offset stays";
  EXPECT_EQ(clock.offset(), absl::Minutes(-10));
  std::remove(path.c_str());
}

}  // namespace
}  // namespace ecoplan::common
