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

// What the first run of the schedule waits for: the followers of the
// registry, progress and indicator streams having caught up with their
// upstreams. A run before that could remind of a checkpoint an owner's report
// already states met, or of a report already submitted, because the event
// saying so has not been applied yet.
struct ScheduleStartGate {
  // True once every follower has applied its upstream's last event (polled
  // until it is; e.g. UpstreamFollower::CaughtUp of each). Null: no wait.
  std::function<bool()> caught_up;
  // The longest the first run waits, measured by `clock`; then it runs anyway
  // and logs a warning (an upstream that is down must not stop the schedule).
  absl::Duration max_wait = absl::Minutes(2);
  // Wall time between two polls of `caught_up`.
  absl::Duration poll = absl::Milliseconds(500);
  // Measures `max_wait`; null: the system clock. Not owned; must outlive the runner.
  const common::Clock* clock = nullptr;
};

// Runs the schedule (Notifier::RunSchedule: due-day reminders and the like)
// on its own thread: once at Start() — after `gate` let it (the followers
// caught up, or its max_wait passed with a warning logged) — then every
// `interval` of wall time until Stop(). A failed run is logged as a warning
// and retried at the next tick; a run that created notifications is logged
// with the schedule clock's time.
class ScheduleRunner {
 public:
  // `run_schedule` returns how many notifications a run created. `schedule_clock`
  // (not owned, must outlive the runner) is only read for the log.
  ScheduleRunner(std::function<absl::StatusOr<int>()> run_schedule,
                 const common::Clock* schedule_clock, absl::Duration interval, common::Logger log,
                 ScheduleStartGate gate = {});
  // Stop().
  ~ScheduleRunner();
  ScheduleRunner(const ScheduleRunner&) = delete;
  ScheduleRunner& operator=(const ScheduleRunner&) = delete;

  // Starts the thread. Call at most once.
  void Start();
  // Ends the wait between runs (or for the followers), lets a running run
  // finish and joins the thread. Idempotent.
  void Stop();

 private:
  void Loop();
  // Waits as `gate_` says; false when stopped meanwhile. `lock` holds mu_.
  bool WaitForUpstreams(std::unique_lock<std::mutex>& lock);

  const std::function<absl::StatusOr<int>()> run_schedule_;
  const common::Clock* const schedule_clock_;
  const absl::Duration interval_;
  const common::Logger log_;
  const ScheduleStartGate gate_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

}  // namespace ecoplan::notification
