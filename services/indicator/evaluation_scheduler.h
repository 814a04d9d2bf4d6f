#pragma once

// EvaluationScheduler: when the indicator service records its evaluations
// (IndicatorEvaluator::RecordEvaluation), so that status changes and alerts
// never depend on someone reading.
//
//   * daily, at `daily_at` local time in `zone` (Asia/Shanghai), for every plan,
//     as of today in that zone; the first daily run after a start is today's
//     when its time has passed already (a restart never skips a day; a run is
//     idempotent, so a repeated one records nothing);
//   * after new data (DataArrived: an ingested chunk, a progress update), for
//     the plan concerned ("" = every plan), `debounce` after the first arrival
//     not yet run: a burst of chunks gives one run, never a delayed-forever one.
// One run per plan at a time: a run due while the plan's previous run is in
// flight starts when that one ends.
//
// Time comes from `clock` (tests use FakeClock and call Tick()); the thread
// started by Start() looks at it every `poll` of wall time.
//
// Thread-safe. `clock` and whatever `plans` and `run` use must outlive it;
// Stop() (also in the destructor) joins the thread and waits for the runs in
// flight to end.

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/time/clock.h"
#include "services/indicator/domain/indicator_evaluator.h"

namespace ecoplan::indicator {

struct EvaluationSchedule {
  // Time of day of the daily run, since local midnight; unset: no daily run.
  std::optional<absl::Duration> daily_at = absl::Hours(1);
  // The zone of `daily_at` and of "today".
  absl::TimeZone zone = absl::FixedTimeZone(8 * 3600);  // Asia/Shanghai (no DST)
  // Delay of the run after new data; zero: no run on new data.
  absl::Duration debounce = absl::Seconds(5);
  // How often the thread looks at the clock (wall time).
  absl::Duration poll = absl::Milliseconds(500);
};

// Parses "HH:MM" (00:00..23:59) into a time of day; "off" or "" → unset.
// Errors: InvalidArgument.
absl::StatusOr<std::optional<absl::Duration>> ParseTimeOfDay(absl::string_view text);

class EvaluationScheduler {
 public:
  // Records one plan as of a day; must call `done` exactly once when the run ended.
  using RunFn = std::function<void(const std::string& plan_id, absl::CivilDay as_of,
                                   EvaluationTrigger trigger, std::function<void()> done)>;
  // The plans to run for (every plan of the service).
  using PlansFn = std::function<std::vector<std::string>()>;

  EvaluationScheduler(const common::Clock* clock, EvaluationSchedule schedule, PlansFn plans,
                      RunFn run);
  ~EvaluationScheduler();
  EvaluationScheduler(const EvaluationScheduler&) = delete;
  EvaluationScheduler& operator=(const EvaluationScheduler&) = delete;

  // Starts the thread that calls Tick() every `poll`.
  void Start();
  // Stops the thread and waits for the runs in flight. Idempotent.
  void Stop();

  // New data for `plan_id` ("" = every plan). Quick; any thread.
  void DataArrived(const std::string& plan_id);

  // Starts every run that is due by the clock. Called by the thread; tests call it.
  void Tick();

  // When the next daily run is due (InfiniteFuture without a daily run).
  absl::Time next_daily() const;
  // Runs started so far (for tests and metrics).
  int runs_started() const;

 private:
  absl::Time DailyAt(absl::CivilDay day) const;

  const common::Clock* const clock_;
  const EvaluationSchedule schedule_;
  const PlansFn plans_;
  const RunFn run_;

  mutable absl::Mutex mu_;
  absl::Time next_daily_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, absl::Time> data_due_ ABSL_GUARDED_BY(mu_);  // plan ("" = all) → due
  std::map<std::string, EvaluationTrigger> pending_ ABSL_GUARDED_BY(mu_);  // due, not started
  std::set<std::string> in_flight_ ABSL_GUARDED_BY(mu_);
  int runs_started_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ecoplan::indicator
