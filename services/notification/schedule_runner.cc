#include "services/notification/schedule_runner.h"

#include <utility>

namespace ecoplan::notification {

ScheduleRunner::ScheduleRunner(std::function<absl::StatusOr<int>()> run_schedule,
                               const common::Clock* schedule_clock, absl::Duration interval,
                               common::Logger log, ScheduleStartGate gate)
    : run_schedule_(std::move(run_schedule)),
      schedule_clock_(schedule_clock),
      interval_(interval),
      log_(std::move(log)),
      gate_(std::move(gate)) {}

ScheduleRunner::~ScheduleRunner() { Stop(); }

void ScheduleRunner::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void ScheduleRunner::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool ScheduleRunner::WaitForUpstreams(std::unique_lock<std::mutex>& lock) {
  if (!gate_.caught_up) return !stop_;
  static const common::RealClock kSystemClock;
  const common::Clock* clock = gate_.clock != nullptr ? gate_.clock : &kSystemClock;
  const absl::Time start = clock->Now();
  while (!stop_) {
    lock.unlock();
    const bool caught_up = gate_.caught_up();
    lock.lock();
    if (caught_up) {
      log_.Info("upstream followers caught up; first schedule run",
                {{"waited", absl::FormatDuration(clock->Now() - start)}});
      return !stop_;
    }
    if (clock->Now() - start >= gate_.max_wait) {
      log_.Warn(
          "upstream followers have not caught up; running the schedule anyway (a reminder may "
          "precede the event that makes it moot)",
          {{"waited", absl::FormatDuration(clock->Now() - start)}});
      return !stop_;
    }
    wake_.wait_for(lock, absl::ToChronoMilliseconds(gate_.poll), [this] { return stop_; });
  }
  return false;
}

void ScheduleRunner::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  if (!WaitForUpstreams(lock)) return;
  while (!stop_) {
    lock.unlock();
    absl::StatusOr<int> created = run_schedule_();
    if (!created.ok()) {
      log_.Warn("schedule run failed", {{"error", created.status().ToString()}});
    } else if (*created > 0) {
      log_.Info("schedule run",
                {{"created", *created}, {"now", absl::FormatTime(schedule_clock_->Now())}});
    }
    lock.lock();
    wake_.wait_for(lock, absl::ToChronoMilliseconds(interval_), [this] { return stop_; });
  }
}

}  // namespace ecoplan::notification
