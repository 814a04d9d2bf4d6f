#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/log/log.h"
#include "common/time/clock.h"

namespace ecoplan::notification {

// Runs the schedule (Notifier::RunSchedule: due-day reminders and the like)
// on its own thread: once at Start(), then every `interval` of wall time until
// Stop(). A failed run is logged as a warning and retried at the next tick; a
// run that created notifications is logged with the schedule clock's time.
class ScheduleRunner {
 public:
  // `run_schedule` returns how many notifications a run created. `schedule_clock`
  // (not owned, must outlive the runner) is only read for the log.
  ScheduleRunner(std::function<absl::StatusOr<int>()> run_schedule,
                 const common::Clock* schedule_clock, absl::Duration interval, common::Logger log);
  // Stop().
  ~ScheduleRunner();
  ScheduleRunner(const ScheduleRunner&) = delete;
  ScheduleRunner& operator=(const ScheduleRunner&) = delete;

  // Starts the thread. Call at most once.
  void Start();
  // Ends the wait between runs, lets a running run finish and joins the
  // thread. Idempotent.
  void Stop();

 private:
  void Loop();

  const std::function<absl::StatusOr<int>()> run_schedule_;
  const common::Clock* const schedule_clock_;
  const absl::Duration interval_;
  const common::Logger log_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ecoplan::notification
