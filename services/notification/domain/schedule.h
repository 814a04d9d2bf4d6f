#pragma once

// Calendar arithmetic of the schedule: pure functions over civil days, and the
// working-day calendar of the progress service's holiday data.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/notification/domain/model.h"

namespace ecoplan::notification {

// Working days: Monday to Friday unless a public holiday (法定节假日), plus
// the make-up working days (调休上班) of the years in `years`; a year without
// data counts weekends only. A view: `years` must outlive it. Thread-compatible.
class WorkingCalendar {
 public:
  // Weekends only.
  WorkingCalendar() = default;
  explicit WorkingCalendar(const std::map<int, HolidayYear>* years) : years_(years) {}

  bool IsWorkingDay(absl::CivilDay day) const;
  // Whether holidays are known for `year`.
  bool HasYear(int year) const;
  // Working days in (from, to]: 0 when to <= from.
  int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const;

 private:
  const std::map<int, HolidayYear>* years_ = nullptr;
};

// A reporting period: a month, a quarter, a half year or a year, as the
// progress service names them ("2026-05", "2026-Q2", "2026-H1", "2026").
struct ReportPeriod {
  enum class Kind { kMonth, kQuarter, kHalfYear, kYear };
  Kind kind = Kind::kMonth;
  int year = 0;
  int index = 1;  // month 1..12, quarter 1..4, half 1..2; 1 for a year

  std::string ToString() const;
  absl::CivilMonth FirstMonth() const;
  absl::CivilMonth LastMonth() const;
  // "月报", "季度总结", "半年总结", "年度总结".
  const char* ReportName() const;
};

// Every period of `plan.year` its calendar asks for: the twelve months, then
// the quarters, half years and the year when asked for, ordered by due day.
std::vector<ReportPeriod> PeriodsOfYear(const PlanView& plan);

// The due day of `period` under the plan's calendar (monthly_due for months,
// summary_due, else monthly_due, for summaries), as the progress service
// computes it: the rule applies in the period's last month plus month_offset;
// a day of month is clamped to the month's end; the Nth working day past the
// month's working days falls on its last working day.
absl::CivilDay DueDayOf(const PlanView& plan, const ReportPeriod& period,
                        const WorkingCalendar& days);
// The due day of the period whose last month is `year`-`month` under `rule`.
absl::CivilDay DueDay(int year, int month, const DueRule& rule, const WorkingCalendar& days);

// "2026-05".
std::string MonthPeriod(int year, int month);
// "2026-05-25".
std::string DayText(absl::CivilDay day);

// The key that makes a scheduled notification idempotent per (rule, resource,
// period) and recipient: "<rule>|<resource>|<period>|<organization>".
std::string ScheduleKey(absl::string_view rule_id, absl::string_view resource,
                        absl::string_view period, absl::string_view organization_id);

}  // namespace ecoplan::notification
