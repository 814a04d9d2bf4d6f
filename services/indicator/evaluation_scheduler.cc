#include "services/indicator/evaluation_scheduler.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ecoplan::indicator {

absl::StatusOr<std::optional<absl::Duration>> ParseTimeOfDay(absl::string_view text) {
  if (text.empty() || text == "off") return std::optional<absl::Duration>();
  std::vector<absl::string_view> parts = absl::StrSplit(text, ':');
  int h = -1, m = -1;
  if (parts.size() != 2 || parts[0].size() != 2 || parts[1].size() != 2 ||
      !absl::SimpleAtoi(parts[0], &h) || !absl::SimpleAtoi(parts[1], &m) || h < 0 || h > 23 ||
      m < 0 || m > 59) {
    return absl::InvalidArgumentError(
        absl::StrCat("«", text, "» is not a time of day HH:MM (00:00..23:59) or \"off\""));
  }
  return std::optional<absl::Duration>(absl::Hours(h) + absl::Minutes(m));
}

EvaluationScheduler::EvaluationScheduler(const common::Clock* clock, EvaluationSchedule schedule,
                                         PlansFn plans, RunFn run)
    : clock_(clock), schedule_(schedule), plans_(std::move(plans)), run_(std::move(run)) {
  absl::MutexLock lock(&mu_);
  // Today's run, even if its time has passed: a restart never skips a day.
  next_daily_ = schedule_.daily_at.has_value()
                    ? DailyAt(absl::ToCivilDay(clock_->Now(), schedule_.zone))
                    : absl::InfiniteFuture();
}

EvaluationScheduler::~EvaluationScheduler() { Stop(); }

absl::Time EvaluationScheduler::DailyAt(absl::CivilDay day) const {
  return absl::FromCivil(day, schedule_.zone) + *schedule_.daily_at;
}

void EvaluationScheduler::Start() {
  thread_ = std::thread([this] {
    while (true) {
      Tick();
      absl::MutexLock lock(&mu_);
      if (mu_.AwaitWithTimeout(absl::Condition(&stopping_), schedule_.poll)) return;
    }
  });
}

void EvaluationScheduler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return in_flight_.empty(); };
  mu_.Await(absl::Condition(&idle));
}

void EvaluationScheduler::DataArrived(const std::string& plan_id) {
  if (schedule_.debounce <= absl::ZeroDuration()) return;
  const absl::Time due = clock_->Now() + schedule_.debounce;
  absl::MutexLock lock(&mu_);
  data_due_.emplace(plan_id, due);  // an earlier arrival keeps its (earlier) due time
}

void EvaluationScheduler::Tick() {
  const absl::Time now = clock_->Now();
  bool daily = false, all_data = false;
  std::vector<std::string> data_plans;
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    if (now >= next_daily_) {
      daily = true;
      absl::CivilDay next = absl::ToCivilDay(now, schedule_.zone) + 1;
      next_daily_ = DailyAt(next);
    }
    for (auto it = data_due_.begin(); it != data_due_.end();) {
      if (now < it->second) {
        ++it;
        continue;
      }
      if (it->first.empty()) {
        all_data = true;
      } else {
        data_plans.push_back(it->first);
      }
      it = data_due_.erase(it);
    }
  }
  // The plan list is read outside the lock (it takes the evaluator's).
  std::vector<std::string> every_plan;
  if (daily || all_data) every_plan = plans_();
  std::vector<std::pair<std::string, EvaluationTrigger>> start;
  const absl::CivilDay today = absl::ToCivilDay(now, schedule_.zone);
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    // A daily run wins over a data run of the same plan (it says more).
    for (const std::string& p : all_data ? every_plan : data_plans) {
      pending_.emplace(p, EvaluationTrigger::kNewData);
    }
    if (all_data) {
      for (const std::string& p : data_plans) pending_.emplace(p, EvaluationTrigger::kNewData);
    }
    if (daily) {
      for (const std::string& p : every_plan) pending_[p] = EvaluationTrigger::kDaily;
    }
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (in_flight_.count(it->first)) {
        ++it;  // starts once the plan's previous run has ended
        continue;
      }
      in_flight_.insert(it->first);
      start.emplace_back(it->first, it->second);
      ++runs_started_;
      it = pending_.erase(it);
    }
  }
  for (const auto& [plan, trigger] : start) {
    run_(plan, today, trigger, [this, plan = plan] {
      absl::MutexLock lock(&mu_);
      in_flight_.erase(plan);
    });
  }
}

absl::Time EvaluationScheduler::next_daily() const {
  absl::MutexLock lock(&mu_);
  return next_daily_;
}

int EvaluationScheduler::runs_started() const {
  absl::MutexLock lock(&mu_);
  return runs_started_;
}

}  // namespace ecoplan::indicator
