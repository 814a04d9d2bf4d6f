#include "services/indicator/domain/reporting_calendars.h"

#include <utility>

namespace ecoplan::indicator {

std::vector<absl::CivilMonth> OwedMonthlyPeriods(const common::CalendarRule& calendar, int year,
                                                 const common::WorkingDays& days,
                                                 std::optional<absl::CivilDay> issue_date,
                                                 absl::CivilDay as_of) {
  std::vector<absl::CivilMonth> out;
  // The zone only turns due days into instants, which are not used here.
  for (const common::PeriodDueDay& due :
       common::OwedDuesOfYear(calendar, year, days, absl::UTCTimeZone(), issue_date)) {
    if (due.period.kind != common::Period::Kind::kMonth) continue;
    if (due.due_day > as_of) continue;
    out.push_back(due.period.FirstMonth());
  }
  return out;
}

void ReportingCalendars::SetCalendar(const std::string& plan_id, common::CalendarRule calendar) {
  calendars_[plan_id] = std::move(calendar);
}

void ReportingCalendars::SetHolidays(common::HolidayYear year) {
  const int y = year.year;
  holidays_[y] = std::move(year);
}

common::CalendarRule ReportingCalendars::CalendarOf(const std::string& plan_id,
                                                    int reporting_due_day) const {
  auto it = calendars_.find(plan_id);
  return it != calendars_.end() ? it->second : common::DefaultCalendar(reporting_due_day);
}

std::optional<common::CalendarRule> ReportingCalendars::SetCalendarOf(
    const std::string& plan_id) const {
  auto it = calendars_.find(plan_id);
  if (it == calendars_.end()) return std::nullopt;
  return it->second;
}

std::optional<common::HolidayYear> ReportingCalendars::HolidaysOf(int year) const {
  auto it = holidays_.find(year);
  if (it == holidays_.end()) return std::nullopt;
  return it->second;
}

common::WorkingDays ReportingCalendars::Days() const {
  std::vector<common::HolidayYear> years;
  for (const auto& [year, days] : holidays_) years.push_back(days);
  return common::WorkingDays(std::move(years));
}

}  // namespace ecoplan::indicator
