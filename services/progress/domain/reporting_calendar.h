#pragma once

// Reporting periods and the reporting calendar: when a period's report is due.
// Pure functions over civil days; the time zone is applied only when a due
// day becomes an instant (the end of the day, exclusive).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/progress/domain/model.h"

namespace ecoplan::progress {

// A reporting period: a month, a quarter, a half year or a year.
struct Period {
  enum class Kind { kMonth = 0, kQuarter = 1, kHalfYear = 2, kYear = 3 };
  Kind kind = Kind::kMonth;
  int year = 0;
  int index = 1;  // month 1..12, quarter 1..4, half 1..2; 1 for a year

  // "2026-05", "2026-Q2", "2026-H1", "2026".
  std::string ToString() const;
  absl::CivilMonth FirstMonth() const;
  absl::CivilMonth LastMonth() const;
  // Sort key: by year, then the last month, then shorter periods first.
  std::tuple<int, int, int> SortKey() const;
  bool operator==(const Period& o) const {
    return kind == o.kind && year == o.year && index == o.index;
  }
};

// Parses a period. Errors: InvalidArgument naming `field` and the accepted forms.
absl::StatusOr<Period> ParsePeriod(absl::string_view text, absl::string_view field);

// Working days from the holiday data: Monday..Friday unless a holiday, plus
// make-up working days. Years without data count weekends only.
class WorkingDays {
 public:
  WorkingDays() = default;
  explicit WorkingDays(const std::vector<HolidayYear>& years);
  bool IsWorkingDay(absl::CivilDay day) const;
  bool HasYear(int year) const;

 private:
  std::vector<HolidayYear> years_;
};

// Checks a holiday year: 2000..2100, days inside the year, no day twice or
// in both lists, make-up days on weekends, at most 60 holidays and 20 make-up
// days. Errors: InvalidArgument naming the field.
absl::Status ValidateHolidayYear(const HolidayYear& year);

// Checks a rule. Errors: InvalidArgument naming `field`.
absl::Status ValidateDueRule(const DueRule& rule, absl::string_view field);

// The default calendar of a plan: monthly, due on `reporting_due_day` (25
// when the plan names none) of the same month, no summaries.
CalendarRule DefaultCalendar(int reporting_due_day);

// Whether `calendar` asks for reports of `period`'s kind.
bool CalendarAsksFor(const CalendarRule& calendar, Period::Kind kind);

// When one period is due.
struct PeriodDueDay {
  Period period;
  absl::CivilDay due_day;
  absl::Time due_time;  // start of the day after due_day in the zone (exclusive end)
  bool holidays_known = true;
};

// The due day of `period` under `calendar`. The Nth working day past the end
// of its month falls on the month's last working day.
PeriodDueDay DueOf(const CalendarRule& calendar, const Period& period, const WorkingDays& days,
                   absl::TimeZone zone);

// Every period of `year` the calendar asks for, in period order.
std::vector<PeriodDueDay> DuesOfYear(const CalendarRule& calendar, int year,
                                     const WorkingDays& days, absl::TimeZone zone);

}  // namespace ecoplan::progress
