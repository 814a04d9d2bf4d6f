// ProgressRecorder: the reporting calendar of each plan (the bureau's
// override of the default rule) and the holiday years that make working days.

#include <algorithm>
#include <memory>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/progress_recorder_internal.h"

namespace ecoplan::progress {

using internal::Fingerprinter;
using internal::kCalendarMethod;
using internal::kHolidaysMethod;
using internal::PlanZone;

absl::Status ProgressRecorder::Load() {
  ECOPLAN_ASSIGN_OR_RETURN(auto calendars, store_->ListCalendars());
  ECOPLAN_ASSIGN_OR_RETURN(auto holidays, store_->ListHolidays());
  absl::MutexLock lock(&cache_mu_);
  for (auto& [plan, rule] : calendars) calendars_[plan] = rule;
  for (HolidayYear& y : holidays) holidays_[y.year] = y;
  ++calendar_generation_;
  return absl::OkStatus();
}

CalendarRule ProgressRecorder::CalendarOf(const PlanInfo& plan) const {
  absl::MutexLock lock(&cache_mu_);
  auto it = calendars_.find(plan.id);
  if (it != calendars_.end()) return it->second;
  CalendarRule rule;
  static_cast<common::CalendarRule&>(rule) = DefaultCalendar(plan.reporting_due_day);
  return rule;
}

WorkingDays ProgressRecorder::Days() const {
  absl::MutexLock lock(&cache_mu_);
  std::vector<common::HolidayYear> years;
  for (const auto& [y, h] : holidays_) years.push_back(h);
  return WorkingDays(std::move(years));
}

void ProgressRecorder::UpdateCalendar(const std::string& plan_id, const CalendarRule& rule,
                                      const std::string& etag, const Caller& caller,
                                      Callback<CalendarView> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "change the reporting calendar");
  if (valid.ok()) valid = ValidateDueRule(rule.monthly_due, "calendar.monthly_due");
  if (valid.ok() && rule.summary_due.has_value()) {
    valid = ValidateDueRule(*rule.summary_due, "calendar.summary_due");
  }
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  auto rule_text = [](const DueRule& r) {
    return absl::StrCat(static_cast<int>(r.kind), ":", r.n, ":", r.month_offset);
  };
  const std::string fingerprint =
      Fingerprinter()
          .Add(plan_id)
          .Add(rule_text(rule.monthly_due))
          .Add(rule.summary_due ? rule_text(*rule.summary_due) : "-")
          .Add(
              absl::StrCat(rule.quarterly_summaries, rule.half_year_summaries, rule.annual_summary))
          .Add(etag)
          .Done();
  RunSerialized(caller, absl::StrCat("c/", plan_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kCalendarMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) return done(GetCalendar(plan_id));
    const CalendarRule current = CalendarOf(**plan);
    if (!etag.empty() && etag != CalendarEtag(current)) {
      return done(absl::AbortedError(
          absl::StrCat("etag: the calendar is at ", CalendarEtag(current), "; read it again")));
    }
    CalendarRule next = rule;
    next.overridden = true;
    next.version = current.version + 1;
    Change change;
    change.calendar = std::make_pair(plan_id, next);
    if (!caller.request_id.empty()) {
      change.request =
          RequestRecord{caller.request_id, std::string(kCalendarMethod), plan_id, fingerprint, 0};
    }
    change.events.push_back(EventType::kCalendarChanged);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [this, guard, plan_id, next, done](absl::Status s) {
      if (!s.ok()) return done(s);
      {
        absl::MutexLock lock(&cache_mu_);
        calendars_[plan_id] = next;
        ++calendar_generation_;
      }
      done(GetCalendar(plan_id));
    });
  });
}

void ProgressRecorder::LoadHolidays(const HolidayYear& holidays, const Caller& caller,
                                    Callback<HolidayYear> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "load holidays");
  if (valid.ok()) valid = ValidateHolidayYear(holidays);
  if (!valid.ok()) return done(valid);
  Fingerprinter f;
  f.Add(holidays.year);
  for (absl::CivilDay d : holidays.holidays) f.Add(absl::FormatCivilTime(d));
  f.Add("|");
  for (absl::CivilDay d : holidays.make_up_workdays) f.Add(absl::FormatCivilTime(d));
  const std::string fingerprint = f.Done();
  RunSerialized(caller, absl::StrCat("h/", holidays.year), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kHolidaysMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) return done(GetHolidays(holidays.year));
    HolidayYear year = holidays;
    std::sort(year.holidays.begin(), year.holidays.end());
    std::sort(year.make_up_workdays.begin(), year.make_up_workdays.end());
    year.update_time = clock_->Now();
    Change change;
    change.holidays = year;
    if (!caller.request_id.empty()) {
      change.request = RequestRecord{caller.request_id, std::string(kHolidaysMethod),
                                     absl::StrCat(year.year), fingerprint, 0};
    }
    change.events.push_back(EventType::kHolidaysLoaded);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [this, guard, year, done](absl::Status s) {
      if (!s.ok()) return done(s);
      {
        absl::MutexLock lock(&cache_mu_);
        holidays_[year.year] = year;
        ++calendar_generation_;
      }
      done(year);
    });
  });
}

absl::StatusOr<CalendarView> ProgressRecorder::GetCalendar(const std::string& plan_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  CalendarView view;
  view.time_zone = plan->time_zone;
  view.rule = CalendarOf(*plan);
  const absl::TimeZone zone = PlanZone(*plan);
  view.dues = DuesOfYear(view.rule, plan->year, Days(), zone);
  return view;
}

absl::StatusOr<HolidayYear> ProgressRecorder::GetHolidays(int year) {
  absl::MutexLock lock(&cache_mu_);
  auto it = holidays_.find(year);
  if (it == holidays_.end()) {
    return absl::NotFoundError(absl::StrCat("no holidays were loaded for ", year));
  }
  return it->second;
}

}  // namespace ecoplan::progress
