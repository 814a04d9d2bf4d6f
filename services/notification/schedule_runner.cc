#include "services/notification/schedule_runner.h"

#include <utility>

namespace ecoplan::notification {

ScheduleRunner::ScheduleRunner(std::function<absl::StatusOr<int>()> run_schedule,
                               const common::Clock* schedule_clock, absl::Duration interval,
                               common::Logger log)
    : run_schedule_(std::move(run_schedule)),
      schedule_clock_(schedule_clock),
      interval_(interval),
      log_(std::move(log)) {}

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

void ScheduleRunner::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
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
