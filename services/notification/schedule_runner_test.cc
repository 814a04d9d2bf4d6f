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

}  // namespace
}  // namespace ecoplan::notification
