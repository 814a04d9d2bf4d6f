#pragma once

// The progress service's reporting calendars as the indicator service keeps
// them (from CalendarChanged and HolidaysLoaded events, and GetHolidays at
// start), and the monthly periods whose reports the measure lights and the
// scorecards count. The calendar arithmetic itself is the shared one
// (common/calendar/reporting_calendar.h); nothing here recomputes due days.
// Pure; thread-compatible.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "common/calendar/reporting_calendar.h"

namespace ecoplan::indicator {

// The monthly periods of the plan `year` whose reports are owed by `as_of`:
// due (under `calendar` and the working days `days`) on or before `as_of`,
// and owed because due after the plan's `issue_date` (common::IsOwed; every
// period when unknown). In month order. Summaries (quarters, half years, the
// year) are not counted by the lights and are left out.
std::vector<absl::CivilMonth> OwedMonthlyPeriods(const common::CalendarRule& calendar, int year,
                                                 const common::WorkingDays& days,
                                                 std::optional<absl::CivilDay> issue_date,
                                                 absl::CivilDay as_of);

// Calendars by plan and holidays by year, as last learned from the progress service.
class ReportingCalendars {
 public:
  // The calendar an administrator set for `plan_id` in the progress service.
  void SetCalendar(const std::string& plan_id, common::CalendarRule calendar);
  // The holidays of one year (replacing what was known of it).
  void SetHolidays(common::HolidayYear year);

  // The plan's calendar: the one set, else the progress service's default
  // from the plan's reporting due day (common::DefaultCalendar).
  common::CalendarRule CalendarOf(const std::string& plan_id, int reporting_due_day) const;
  std::optional<common::CalendarRule> SetCalendarOf(const std::string& plan_id) const;
  std::optional<common::HolidayYear> HolidaysOf(int year) const;
  common::WorkingDays Days() const;

 private:
  std::map<std::string, common::CalendarRule> calendars_;
  std::map<int, common::HolidayYear> holidays_;
};

}  // namespace ecoplan::indicator
