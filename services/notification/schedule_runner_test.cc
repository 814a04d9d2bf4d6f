#include "services/notification/schedule_runner.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"

namespace ecoplan::notification {
namespace {

class ScheduleRunnerTest : public ::testing::Test {
 protected:
  common::Logger logger() {
    return common::Logger("notification", [this](absl::string_view line) {
      absl::MutexLock lock(&mu_);
      lines_.emplace_back(line);
    });
  }
  std::string log_text() {
    absl::MutexLock lock(&mu_);
    return absl::StrJoin(lines_, "\n");
  }
  // Waits up to 10 s for `runs` to reach `n`.
  static bool WaitFor(const std::atomic<int>& runs, int n) {
    for (int i = 0; i < 1000 && runs.load() < n; ++i) absl::SleepFor(absl::Milliseconds(10));
    return runs.load() >= n;
  }

  common::FakeClock clock_;
  absl::Mutex mu_;
  std::vector<std::string> lines_;
};

TEST_F(ScheduleRunnerTest, RunsAtStartThenEveryIntervalUntilStopped) {
  std::atomic<int> runs{0};
  ScheduleRunner runner([&]() -> absl::StatusOr<int> { return ++runs; }, &clock_,
                        absl::Milliseconds(10), logger());
  runner.Start();
  ASSERT_TRUE(WaitFor(runs, 3));
  runner.Stop();
  const int after_stop = runs.load();
  absl::SleepFor(absl::Milliseconds(50));
  EXPECT_EQ(runs.load(), after_stop);
  runner.Stop();  // idempotent
  // Runs that created notifications are logged with the schedule clock's time.
  EXPECT_TRUE(absl::StrContains(log_text(), "\"schedule run\"")) << log_text();
  EXPECT_TRUE(absl::StrContains(log_text(), absl::FormatTime(clock_.Now()))) << log_text();
}

TEST_F(ScheduleRunnerTest, StopEndsTheWaitAtOnce) {
  std::atomic<int> runs{0};
  ScheduleRunner runner(
      [&]() -> absl::StatusOr<int> {
        ++runs;
        return 0;
      },
      &clock_, absl::Hours(1), logger());
  runner.Start();
  ASSERT_TRUE(WaitFor(runs, 1));
  const absl::Time before = absl::Now();
  runner.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(log_text(), "");  // nothing created, nothing failed: nothing logged
}

TEST_F(ScheduleRunnerTest, AFailedRunIsLoggedAndRetriedAtTheNextTick) {
  std::atomic<int> runs{0};
  {
    ScheduleRunner runner(
        [&]() -> absl::StatusOr<int> {
          ++runs;
          return absl::UnavailableError("store busy");
        },
        &clock_, absl::Milliseconds(10), logger());
    runner.Start();
    ASSERT_TRUE(WaitFor(runs, 2));
  }  // the destructor stops it
  EXPECT_TRUE(absl::StrContains(log_text(), "schedule run failed")) << log_text();
  EXPECT_TRUE(absl::StrContains(log_text(), "store busy")) << log_text();
}

// Waits up to 10 s for `count` to reach `n`.
bool WaitForCount(const std::atomic<int>& count, int n) {
  for (int i = 0; i < 1000 && count.load() < n; ++i) absl::SleepFor(absl::Milliseconds(10));
  return count.load() >= n;
}

TEST_F(ScheduleRunnerTest, TheFirstRunWaitsUntilTheFollowersHaveCaughtUp) {
  std::atomic<int> runs{0};
  std::atomic<int> polls{0};
  std::atomic<bool> caught_up{false};
  ScheduleStartGate gate;
  gate.caught_up = [&] {
    ++polls;
    return caught_up.load();
  };
  gate.max_wait = absl::Minutes(2);
  gate.poll = absl::Milliseconds(1);
  gate.clock = &clock_;  // never advanced: the bound is not reached
  ScheduleRunner runner([&]() -> absl::StatusOr<int> { return ++runs; }, &clock_,
                        absl::Milliseconds(10), logger(), gate);
  runner.Start();
  ASSERT_TRUE(WaitForCount(polls, 20));
  EXPECT_EQ(runs.load(), 0);  // polled again and again, never run
  caught_up = true;
  ASSERT_TRUE(WaitForCount(runs, 1));
  runner.Stop();
  EXPECT_TRUE(absl::StrContains(log_text(), "upstream followers caught up; first schedule run"))
      << log_text();
  EXPECT_FALSE(absl::StrContains(log_text(), "have not caught up")) << log_text();
}

TEST_F(ScheduleRunnerTest, AfterTheBoundedWaitItRunsAnywayAndWarns) {
  std::atomic<int> runs{0};
  std::atomic<int> polls{0};
  ScheduleStartGate gate;
  gate.caught_up = [&] {
    ++polls;
    return false;  // an upstream that is down
  };
  gate.max_wait = absl::Minutes(2);
  gate.poll = absl::Milliseconds(1);
  gate.clock = &clock_;
  ScheduleRunner runner([&]() -> absl::StatusOr<int> { return ++runs; }, &clock_,
                        absl::Milliseconds(10), logger(), gate);
  runner.Start();
  ASSERT_TRUE(WaitForCount(polls, 5));
  clock_.Advance(absl::Minutes(1));
  const int polled = polls.load();
  ASSERT_TRUE(WaitForCount(polls, polled + 5));
  EXPECT_EQ(runs.load(), 0);  // one minute is not yet the bound
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(WaitForCount(runs, 2));  // the first run, then the schedule's ticks
  runner.Stop();
  const std::string log = log_text();
  EXPECT_TRUE(absl::StrContains(log,
                                "upstream followers have not caught up; running the "
                                "schedule anyway"))
      << log;
  EXPECT_TRUE(absl::StrContains(log, "\"level\":\"warn")) << log;
  EXPECT_TRUE(absl::StrContains(log, "\"waited\":\"2m\"")) << log;
}

TEST_F(ScheduleRunnerTest, StopDuringTheWaitForTheFollowersRunsNothing) {
  std::atomic<int> runs{0};
  std::atomic<int> polls{0};
  ScheduleStartGate gate;
  gate.caught_up = [&] {
    ++polls;
    return false;
  };
  gate.poll = absl::Hours(1);  // Stop must end the wait between polls
  gate.clock = &clock_;
  ScheduleRunner runner([&]() -> absl::StatusOr<int> { return ++runs; }, &clock_,
                        absl::Milliseconds(10), logger(), gate);
  runner.Start();
  ASSERT_TRUE(WaitForCount(polls, 1));
  const absl::Time before = absl::Now();
  runner.Stop();
  EXPECT_LT(absl::Now() - before, absl::Seconds(5));
  EXPECT_EQ(runs.load(), 0);
}

}  // namespace
}  // namespace ecoplan::notification
