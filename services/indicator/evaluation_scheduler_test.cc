// The scheduler of recorded evaluations on a fake clock: Tick() is called by
// hand, except in the one test of the thread, which polls with a deadline.

#include "services/indicator/evaluation_scheduler.h"

#include <string>
#include <tuple>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "common/testing/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

absl::Time At(int y, int m, int d, int hh, int mm) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, hh, mm, 0), kShanghai);
}

class EvaluationSchedulerTest : public ::testing::Test {
 protected:
  struct Run {
    std::string plan;
    absl::CivilDay as_of;
    EvaluationTrigger trigger;
  };

  std::unique_ptr<EvaluationScheduler> Make(EvaluationSchedule schedule) {
    return std::make_unique<EvaluationScheduler>(
        &clock_, schedule, [this] { return plans_; },
        [this](const std::string& plan, absl::CivilDay as_of, EvaluationTrigger trigger,
               std::function<void()> done) {
          absl::MutexLock lock(&mu_);
          runs_.push_back({plan, as_of, trigger});
          if (hold_) {
            held_.push_back(std::move(done));
          } else {
            done();
          }
        });
  }

  std::vector<Run> TakeRuns() {
    absl::MutexLock lock(&mu_);
    std::vector<Run> out;
    out.swap(runs_);
    return out;
  }

  EvaluationSchedule Daily(absl::Duration at) {
    EvaluationSchedule s;
    s.daily_at = at;
    s.zone = kShanghai;
    s.debounce = absl::Seconds(5);
    return s;
  }

  common::FakeClock clock_{At(2026, 5, 10, 0, 30)};
  std::vector<std::string> plans_ = {"p1", "p2"};
  absl::Mutex mu_;
  std::vector<Run> runs_ ABSL_GUARDED_BY(mu_);
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::function<void()>> held_ ABSL_GUARDED_BY(mu_);
};

TEST_F(EvaluationSchedulerTest, RunsEveryPlanDailyAtTheLocalTimeAsOfTodayInShanghai) {
  auto scheduler = Make(Daily(absl::Hours(1)));
  EXPECT_EQ(scheduler->next_daily(), At(2026, 5, 10, 1, 0));
  scheduler->Tick();
  EXPECT_TRUE(TakeRuns().empty());  // 00:30: not yet

  clock_.Set(At(2026, 5, 10, 1, 0));
  scheduler->Tick();
  std::vector<Run> runs = TakeRuns();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].plan, "p1");
  EXPECT_EQ(runs[1].plan, "p2");
  for (const Run& r : runs) {
    EXPECT_EQ(r.as_of, absl::CivilDay(2026, 5, 10));
    EXPECT_EQ(r.trigger, EvaluationTrigger::kDaily);
  }
  EXPECT_EQ(scheduler->next_daily(), At(2026, 5, 11, 1, 0));
  clock_.Advance(absl::Hours(23));  // 2026-05-11 00:00
  scheduler->Tick();
  EXPECT_TRUE(TakeRuns().empty());
  clock_.Advance(absl::Hours(1));
  scheduler->Tick();
  runs = TakeRuns();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].as_of, absl::CivilDay(2026, 5, 11));
}

TEST_F(EvaluationSchedulerTest, TodayIsShanghaisDayNotUtcs) {
  // 2026-05-10 17:00 UTC is 2026-05-11 01:00 in Shanghai.
  clock_.Set(absl::FromCivil(absl::CivilSecond(2026, 5, 10, 16, 30, 0), absl::UTCTimeZone()));
  auto scheduler = Make(Daily(absl::Hours(1)));
  clock_.Advance(absl::Minutes(30));
  scheduler->Tick();
  std::vector<Run> runs = TakeRuns();
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0].as_of, absl::CivilDay(2026, 5, 11));
}

TEST_F(EvaluationSchedulerTest, AStartAfterTheDailyTimeCatchesUpOnceForToday) {
  clock_.Set(At(2026, 5, 10, 9, 0));  // down at 01:00, back at 09:00
  auto scheduler = Make(Daily(absl::Hours(1)));
  scheduler->Tick();
  EXPECT_EQ(TakeRuns().size(), 2u);
  scheduler->Tick();
  EXPECT_TRUE(TakeRuns().empty());
  EXPECT_EQ(scheduler->next_daily(), At(2026, 5, 11, 1, 0));
}

TEST_F(EvaluationSchedulerTest, NewDataRunsThePlanOnceAfterTheDebounce) {
  EvaluationSchedule s = Daily(absl::Hours(1));
  s.daily_at.reset();  // data runs only
  auto scheduler = Make(s);
  EXPECT_EQ(scheduler->next_daily(), absl::InfiniteFuture());
  scheduler->DataArrived("p2");
  clock_.Advance(absl::Seconds(2));
  scheduler->DataArrived("p2");  // a burst: still one run, at the first arrival + 5 s
  scheduler->Tick();
  EXPECT_TRUE(TakeRuns().empty());
  clock_.Advance(absl::Seconds(3));
  scheduler->Tick();
  std::vector<Run> runs = TakeRuns();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].plan, "p2");
  EXPECT_EQ(runs[0].trigger, EvaluationTrigger::kNewData);
  EXPECT_EQ(runs[0].as_of, absl::CivilDay(2026, 5, 10));
  clock_.Advance(absl::Minutes(1));
  scheduler->Tick();
  EXPECT_TRUE(TakeRuns().empty());

  // Observations concern every plan.
  scheduler->DataArrived("");
  clock_.Advance(absl::Seconds(5));
  scheduler->Tick();
  EXPECT_EQ(TakeRuns().size(), 2u);
}

TEST_F(EvaluationSchedulerTest, ZeroDebounceIgnoresData) {
  EvaluationSchedule s = Daily(absl::Hours(1));
  s.daily_at.reset();
  s.debounce = absl::ZeroDuration();
  auto scheduler = Make(s);
  scheduler->DataArrived("p1");
  clock_.Advance(absl::Hours(1));
  scheduler->Tick();
  EXPECT_TRUE(TakeRuns().empty());
}

TEST_F(EvaluationSchedulerTest, APlanRunsOneAtATimeAndADueRunWaitsForThePreviousOne) {
  EvaluationSchedule s = Daily(absl::Hours(1));
  s.daily_at.reset();
  auto scheduler = Make(s);
  {
    absl::MutexLock lock(&mu_);
    hold_ = true;
  }
  scheduler->DataArrived("p1");
  clock_.Advance(absl::Seconds(5));
  scheduler->Tick();
  EXPECT_EQ(TakeRuns().size(), 1u);
  scheduler->DataArrived("p1");
  clock_.Advance(absl::Seconds(5));
  scheduler->Tick();
  EXPECT_TRUE(TakeRuns().empty());  // the first run is still in flight
  std::vector<std::function<void()>> held;
  {
    absl::MutexLock lock(&mu_);
    held.swap(held_);
    hold_ = false;
  }
  for (auto& done : held) done();
  scheduler->Tick();
  std::vector<Run> runs = TakeRuns();
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].plan, "p1");
  EXPECT_EQ(scheduler->runs_started(), 2);
}

TEST_F(EvaluationSchedulerTest, TheThreadRunsWhatTheClockMakesDueAndStops) {
  EvaluationSchedule s = Daily(absl::Hours(1));
  s.poll = absl::Milliseconds(5);
  auto scheduler = Make(s);
  scheduler->Start();
  clock_.Set(At(2026, 5, 10, 1, 0));
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (scheduler->runs_started() < 2 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  EXPECT_EQ(scheduler->runs_started(), 2);
  scheduler->Stop();
  scheduler->Stop();  // idempotent
  EXPECT_EQ(TakeRuns().size(), 2u);
}

TEST(ParseTimeOfDayTest, AcceptsHhMmAndOff) {
  ASSERT_OK_AND_ASSIGN(std::optional<absl::Duration> t, ParseTimeOfDay("01:00"));
  EXPECT_EQ(t, absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(t, ParseTimeOfDay("23:59"));
  EXPECT_EQ(t, absl::Hours(23) + absl::Minutes(59));
  ASSERT_OK_AND_ASSIGN(t, ParseTimeOfDay("off"));
  EXPECT_FALSE(t.has_value());
  for (const char* bad : {"1:00", "24:00", "01:60", "0100", "ab:cd"}) {
    EXPECT_FALSE(ParseTimeOfDay(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace ecoplan::indicator
