#pragma once

// The reporting calendar of an action plan: which periods are reported on,
// when each period's report is due, and from when reports are owed. The one
// definition shared by the progress service (which records reports against
// it), the notification service (reminders, overdue notices) and the
// indicator service (missed reports in the measure lights and scorecards).
//
// Pure functions over civil days; a time zone is applied only when a due day
// becomes an instant (the end of the day, exclusive).
//
// Periods, as text (ParsePeriod accepts lower-case q/h too; ToString prints
// the canonical form):
//   YYYY-MM   a month      2026-05   月报
//   YYYY-Qn   a quarter    2026-Q2   季度总结   n = 1..4
//   YYYY-Hn   a half year  2026-H1   半年总结   n = 1..2
//   YYYY      a year       2026      年度总结
//   with YYYY in 2000..2100. Order (SortKey): by year, then by the period's
//   last month, then shorter periods first (2026-03, 2026-Q1, 2026-04, ...).
//
// Due rules (DueRule), applied in the month `month_offset` (0..2) months
// after the period's last month:
//   day of month n (1..31)      the n-th, or the month's last day when shorter
//   n-th working day (1..23)    counting Monday..Friday that are not public
//                               holidays (法定节假日), plus make-up working days
//                               (调休上班); past the month's working days, its
//                               last working day. A year without holiday data
//                               counts weekends only (holidays_known = false).
//
// A calendar (CalendarRule) always asks for monthly reports (monthly_due);
// quarterly, half-year and annual summaries when asked for, due by
// summary_due (or monthly_due when unset). A plan without a calendar set by
// an administrator has DefaultCalendar(its reporting due day).
//
// Obligations start with the plan: a period is owed only when its due day
// falls after the plan's issue date (IsOwed). A period due on or before the
// day the plan was issued is never missing, late or reminded of.

#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ecoplan::common {

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
  // The report's name: "月报", "季度总结", "半年总结", "年度总结".
  const char* ReportName() const;
  bool operator==(const Period& o) const {
    return kind == o.kind && year == o.year && index == o.index;
  }
  bool operator!=(const Period& o) const { return !(*this == o); }
};

// Parses a period. Errors: InvalidArgument naming `field` and the accepted forms.
absl::StatusOr<Period> ParsePeriod(absl::string_view text, absl::string_view field);

// How a period's due day is found.
struct DueRule {
  enum class Kind { kDayOfMonth = 0, kNthWorkingDay = 1 };
  Kind kind = Kind::kDayOfMonth;
  int n = 25;            // the day (1..31) or the working day number (1..23)
  int month_offset = 0;  // 0: the period's last month; 1: the month after; at most 2
  bool operator==(const DueRule& o) const {
    return kind == o.kind && n == o.n && month_offset == o.month_offset;
  }
  bool operator!=(const DueRule& o) const { return !(*this == o); }
};

// A plan's reporting calendar.
struct CalendarRule {
  DueRule monthly_due;
  bool quarterly_summaries = false;
  bool half_year_summaries = false;
  bool annual_summary = false;
  std::optional<DueRule> summary_due;  // unset: monthly_due
  bool operator==(const CalendarRule& o) const {
    return monthly_due == o.monthly_due && quarterly_summaries == o.quarterly_summaries &&
           half_year_summaries == o.half_year_summaries && annual_summary == o.annual_summary &&
           summary_due == o.summary_due;
  }
  bool operator!=(const CalendarRule& o) const { return !(*this == o); }
};

// The public holidays and make-up working days of one year.
struct HolidayYear {
  int year = 0;
  std::vector<absl::CivilDay> holidays;          // days off, weekend days of a break included
  std::vector<absl::CivilDay> make_up_workdays;  // weekend days that are working days
  bool operator==(const HolidayYear& o) const {
    return year == o.year && holidays == o.holidays && make_up_workdays == o.make_up_workdays;
  }
  bool operator!=(const HolidayYear& o) const { return !(*this == o); }
};

// Working days from the holiday data: Monday..Friday unless a holiday, plus
// make-up working days. Years without data count weekends only. Copyable;
// thread-compatible.
class WorkingDays {
 public:
  // Weekends only.
  WorkingDays() = default;
  explicit WorkingDays(std::vector<HolidayYear> years);

  bool IsWorkingDay(absl::CivilDay day) const;
  // Whether holidays are known for `year`.
  bool HasYear(int year) const;
  // Working days in (from, to]: 0 when to <= from. Counts at most 5000 days.
  int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const;
  // The n-th working day after `from` (from itself not counted), e.g. a reply
  // due "5 working days from the issue day"; `from` when n <= 0. Counts at
  // most 5000 days.
  absl::CivilDay AddWorkingDays(absl::CivilDay from, int n) const;

 private:
  std::vector<HolidayYear> years_;
};

// Checks a holiday year: 2000..2100, days inside the year, no day twice or
// in both lists, make-up days on weekends, at most 60 holidays and 20 make-up
// days. Errors: InvalidArgument naming the field ("holidays.…").
absl::Status ValidateHolidayYear(const HolidayYear& year);

// Checks a rule: day 1..31, working day 1..23, month_offset 0..2.
// Errors: InvalidArgument naming `field`.
absl::Status ValidateDueRule(const DueRule& rule, absl::string_view field);

// The default calendar of a plan: monthly, due on `reporting_due_day` (25
// when outside 1..31) of the same month, no summaries.
CalendarRule DefaultCalendar(int reporting_due_day);

// Whether `calendar` asks for reports of `kind` (months always).
bool CalendarAsksFor(const CalendarRule& calendar, Period::Kind kind);

// When one period is due.
struct PeriodDueDay {
  Period period;
  absl::CivilDay due_day;
  absl::Time due_time;         // start of the day after due_day in the zone (exclusive end)
  bool holidays_known = true;  // false: a working-day rule counted weekends only
};

// The due day of `period` under `calendar`.
PeriodDueDay DueOf(const CalendarRule& calendar, const Period& period, const WorkingDays& days,
                   absl::TimeZone zone);

// Every period of `year` the calendar asks for, with its due day, in period order.
std::vector<PeriodDueDay> DuesOfYear(const CalendarRule& calendar, int year,
                                     const WorkingDays& days, absl::TimeZone zone);

// Whether a period due on `due_day` is owed by a plan issued on `issue_date`:
// only when the due day falls after the issue date. Unknown issue date: owed.
bool IsOwed(absl::CivilDay due_day, std::optional<absl::CivilDay> issue_date);

// The periods of DuesOfYear that are owed (IsOwed), in period order.
std::vector<PeriodDueDay> OwedDuesOfYear(const CalendarRule& calendar, int year,
                                         const WorkingDays& days, absl::TimeZone zone,
                                         std::optional<absl::CivilDay> issue_date);

}  // namespace ecoplan::common
