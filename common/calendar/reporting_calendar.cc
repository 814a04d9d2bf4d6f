#include "common/calendar/reporting_calendar.h"

#include <algorithm>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::common {
namespace {

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsWeekend(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w == absl::Weekday::saturday || w == absl::Weekday::sunday;
}

absl::Status Invalid(absl::string_view field, absl::string_view text) {
  return absl::InvalidArgumentError(absl::StrCat(
      field, ": \"", text.substr(0, 32),
      "\" is not a period; use YYYY-MM (2026-05), YYYY-Qn (2026-Q2), YYYY-Hn (2026-H1) or YYYY"));
}

}  // namespace

std::string Period::ToString() const {
  switch (kind) {
    case Kind::kMonth:
      return absl::StrFormat("%04d-%02d", year, index);
    case Kind::kQuarter:
      return absl::StrFormat("%04d-Q%d", year, index);
    case Kind::kHalfYear:
      return absl::StrFormat("%04d-H%d", year, index);
    case Kind::kYear:
      return absl::StrFormat("%04d", year);
  }
  return "";
}

absl::CivilMonth Period::FirstMonth() const {
  switch (kind) {
    case Kind::kMonth:
      return absl::CivilMonth(year, index);
    case Kind::kQuarter:
      return absl::CivilMonth(year, (index - 1) * 3 + 1);
    case Kind::kHalfYear:
      return absl::CivilMonth(year, (index - 1) * 6 + 1);
    case Kind::kYear:
      return absl::CivilMonth(year, 1);
  }
  return absl::CivilMonth(year, 1);
}

absl::CivilMonth Period::LastMonth() const {
  switch (kind) {
    case Kind::kMonth:
      return absl::CivilMonth(year, index);
    case Kind::kQuarter:
      return absl::CivilMonth(year, index * 3);
    case Kind::kHalfYear:
      return absl::CivilMonth(year, index * 6);
    case Kind::kYear:
      return absl::CivilMonth(year, 12);
  }
  return absl::CivilMonth(year, 12);
}

std::tuple<int, int, int> Period::SortKey() const {
  return {year, LastMonth().month(), static_cast<int>(kind)};
}

const char* Period::ReportName() const {
  switch (kind) {
    case Kind::kMonth:
      return "月报";
    case Kind::kQuarter:
      return "季度总结";
    case Kind::kHalfYear:
      return "半年总结";
    case Kind::kYear:
      return "年度总结";
  }
  return "报告";
}

absl::StatusOr<Period> ParsePeriod(absl::string_view text, absl::string_view field) {
  if (text.empty()) return absl::InvalidArgumentError(absl::StrCat(field, " is required"));
  if (text.size() < 4 || !AllDigits(text.substr(0, 4))) return Invalid(field, text);
  Period p;
  (void)absl::SimpleAtoi(text.substr(0, 4), &p.year);
  if (p.year < 2000 || p.year > 2100) return Invalid(field, text);
  if (text.size() == 4) {
    p.kind = Period::Kind::kYear;
    return p;
  }
  if (text[4] != '-') return Invalid(field, text);
  absl::string_view rest = text.substr(5);
  if (rest.size() == 2 && AllDigits(rest)) {
    p.kind = Period::Kind::kMonth;
    (void)absl::SimpleAtoi(rest, &p.index);
    if (p.index < 1 || p.index > 12) return Invalid(field, text);
    return p;
  }
  if (rest.size() == 2 && (rest[0] == 'Q' || rest[0] == 'q') && AllDigits(rest.substr(1))) {
    p.kind = Period::Kind::kQuarter;
    p.index = rest[1] - '0';
    if (p.index < 1 || p.index > 4) return Invalid(field, text);
    return p;
  }
  if (rest.size() == 2 && (rest[0] == 'H' || rest[0] == 'h') && AllDigits(rest.substr(1))) {
    p.kind = Period::Kind::kHalfYear;
    p.index = rest[1] - '0';
    if (p.index < 1 || p.index > 2) return Invalid(field, text);
    return p;
  }
  return Invalid(field, text);
}

WorkingDays::WorkingDays(std::vector<HolidayYear> years) : years_(std::move(years)) {}

bool WorkingDays::HasYear(int year) const {
  return std::any_of(years_.begin(), years_.end(),
                     [year](const HolidayYear& y) { return y.year == year; });
}

bool WorkingDays::IsWorkingDay(absl::CivilDay day) const {
  for (const HolidayYear& y : years_) {
    if (y.year != day.year()) continue;
    if (std::find(y.make_up_workdays.begin(), y.make_up_workdays.end(), day) !=
        y.make_up_workdays.end()) {
      return true;
    }
    if (std::find(y.holidays.begin(), y.holidays.end(), day) != y.holidays.end()) return false;
  }
  return !IsWeekend(day);
}

int WorkingDays::WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const {
  int n = 0;
  int steps = 0;  // bounded: at most a few years of days
  for (absl::CivilDay d = from + 1; d <= to && steps < 5000; ++d, ++steps) {
    if (IsWorkingDay(d)) ++n;
  }
  return n;
}

absl::CivilDay WorkingDays::AddWorkingDays(absl::CivilDay from, int n) const {
  absl::CivilDay d = from;
  for (int steps = 0; n > 0 && steps < 5000; ++steps) {
    ++d;
    if (IsWorkingDay(d)) --n;
  }
  return d;
}

absl::Status ValidateHolidayYear(const HolidayYear& year) {
  if (year.year < 2000 || year.year > 2100) {
    return absl::InvalidArgumentError(
        absl::StrCat("holidays.year must be 2000..2100; got ", year.year));
  }
  if (year.holidays.size() > 60) {
    return absl::InvalidArgumentError("holidays.holidays: at most 60 days");
  }
  if (year.make_up_workdays.size() > 20) {
    return absl::InvalidArgumentError("holidays.make_up_workdays: at most 20 days");
  }
  std::set<absl::CivilDay> seen;
  for (const auto& [list, field] :
       {std::make_pair(&year.holidays, "holidays.holidays"),
        std::make_pair(&year.make_up_workdays, "holidays.make_up_workdays")}) {
    for (size_t i = 0; i < list->size(); ++i) {
      const absl::CivilDay day = (*list)[i];
      const std::string where = absl::StrCat(field, "[", i, "]");
      if (day.year() != year.year) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": ", absl::FormatCivilTime(day), " is not in ", year.year));
      }
      if (!seen.insert(day).second) {
        return absl::InvalidArgumentError(
            absl::StrCat(where, ": ", absl::FormatCivilTime(day), " is listed twice"));
      }
      if (list == &year.make_up_workdays && !IsWeekend(day)) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": ", absl::FormatCivilTime(day),
                                                       " is a weekday; make-up days are weekends"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDueRule(const DueRule& rule, absl::string_view field) {
  if (rule.kind == DueRule::Kind::kDayOfMonth && (rule.n < 1 || rule.n > 31)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".day_of_month must be 1..31; got ", rule.n));
  }
  if (rule.kind == DueRule::Kind::kNthWorkingDay && (rule.n < 1 || rule.n > 23)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".nth_working_day must be 1..23; got ", rule.n));
  }
  if (rule.month_offset < 0 || rule.month_offset > 2) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ".month_offset must be 0..2; got ", rule.month_offset));
  }
  return absl::OkStatus();
}

CalendarRule DefaultCalendar(int reporting_due_day) {
  CalendarRule rule;
  rule.monthly_due.kind = DueRule::Kind::kDayOfMonth;
  rule.monthly_due.n = reporting_due_day >= 1 && reporting_due_day <= 31 ? reporting_due_day : 25;
  rule.monthly_due.month_offset = 0;
  return rule;
}

bool CalendarAsksFor(const CalendarRule& calendar, Period::Kind kind) {
  switch (kind) {
    case Period::Kind::kMonth:
      return true;
    case Period::Kind::kQuarter:
      return calendar.quarterly_summaries;
    case Period::Kind::kHalfYear:
      return calendar.half_year_summaries;
    case Period::Kind::kYear:
      return calendar.annual_summary;
  }
  return false;
}

PeriodDueDay DueOf(const CalendarRule& calendar, const Period& period, const WorkingDays& days,
                   absl::TimeZone zone) {
  const DueRule& rule = period.kind == Period::Kind::kMonth || !calendar.summary_due.has_value()
                            ? calendar.monthly_due
                            : *calendar.summary_due;
  const absl::CivilMonth month = period.LastMonth() + rule.month_offset;
  const absl::CivilDay first(month);
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  PeriodDueDay due;
  due.period = period;
  if (rule.kind == DueRule::Kind::kDayOfMonth) {
    due.due_day = std::min(first + (std::clamp(rule.n, 1, 31) - 1), last);
  } else {
    due.holidays_known = days.HasYear(static_cast<int>(month.year()));
    int count = 0;
    absl::CivilDay last_working = first;
    for (absl::CivilDay d = first; d <= last; ++d) {
      if (!days.IsWorkingDay(d)) continue;
      last_working = d;
      if (++count == rule.n) break;
    }
    due.due_day = last_working;
  }
  due.due_time = absl::FromCivil(absl::CivilSecond(due.due_day + 1), zone);
  return due;
}

std::vector<PeriodDueDay> DuesOfYear(const CalendarRule& calendar, int year,
                                     const WorkingDays& days, absl::TimeZone zone) {
  std::vector<Period> periods;
  for (int m = 1; m <= 12; ++m) periods.push_back({Period::Kind::kMonth, year, m});
  if (calendar.quarterly_summaries) {
    for (int q = 1; q <= 4; ++q) periods.push_back({Period::Kind::kQuarter, year, q});
  }
  if (calendar.half_year_summaries) {
    for (int h = 1; h <= 2; ++h) periods.push_back({Period::Kind::kHalfYear, year, h});
  }
  if (calendar.annual_summary) periods.push_back({Period::Kind::kYear, year, 1});
  std::sort(periods.begin(), periods.end(),
            [](const Period& a, const Period& b) { return a.SortKey() < b.SortKey(); });
  std::vector<PeriodDueDay> dues;
  for (const Period& p : periods) dues.push_back(DueOf(calendar, p, days, zone));
  return dues;
}

bool IsOwed(absl::CivilDay due_day, std::optional<absl::CivilDay> issue_date) {
  return !issue_date.has_value() || due_day > *issue_date;
}

std::vector<PeriodDueDay> OwedDuesOfYear(const CalendarRule& calendar, int year,
                                         const WorkingDays& days, absl::TimeZone zone,
                                         std::optional<absl::CivilDay> issue_date) {
  std::vector<PeriodDueDay> dues = DuesOfYear(calendar, year, days, zone);
  dues.erase(std::remove_if(dues.begin(), dues.end(),
                            [&](const PeriodDueDay& d) { return !IsOwed(d.due_day, issue_date); }),
             dues.end());
  return dues;
}

}  // namespace ecoplan::common
