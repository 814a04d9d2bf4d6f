#include "services/notification/domain/schedule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::notification {

bool WorkingCalendar::IsWorkingDay(absl::CivilDay day) const {
  if (years_ != nullptr) {
    auto year = years_->find(static_cast<int>(day.year()));
    if (year != years_->end()) {
      if (year->second.make_up_workdays.count(day) > 0) return true;
      if (year->second.holidays.count(day) > 0) return false;
    }
  }
  const absl::Weekday w = absl::GetWeekday(day);
  return w != absl::Weekday::saturday && w != absl::Weekday::sunday;
}

bool WorkingCalendar::HasYear(int year) const {
  return years_ != nullptr && years_->count(year) > 0;
}

int WorkingCalendar::WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) const {
  int n = 0;
  // Bounded: at most a few years of days.
  int steps = 0;
  for (absl::CivilDay d = from + 1; d <= to && steps < 5000; ++d, ++steps) {
    if (IsWorkingDay(d)) ++n;
  }
  return n;
}

std::string ReportPeriod::ToString() const {
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

absl::CivilMonth ReportPeriod::FirstMonth() const {
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

absl::CivilMonth ReportPeriod::LastMonth() const {
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

const char* ReportPeriod::ReportName() const {
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

std::vector<ReportPeriod> PeriodsOfYear(const PlanView& plan) {
  using K = ReportPeriod::Kind;
  std::vector<ReportPeriod> periods;
  for (int m = 1; m <= 12; ++m) periods.push_back({K::kMonth, plan.year, m});
  if (plan.quarterly_summaries) {
    for (int q = 1; q <= 4; ++q) periods.push_back({K::kQuarter, plan.year, q});
  }
  if (plan.half_year_summaries) {
    for (int h = 1; h <= 2; ++h) periods.push_back({K::kHalfYear, plan.year, h});
  }
  if (plan.annual_summary) periods.push_back({K::kYear, plan.year, 1});
  std::stable_sort(periods.begin(), periods.end(), [](const ReportPeriod& a, const ReportPeriod& b) {
    return std::make_pair(a.LastMonth(), static_cast<int>(a.kind)) <
           std::make_pair(b.LastMonth(), static_cast<int>(b.kind));
  });
  return periods;
}

absl::CivilDay DueDay(int year, int month, const DueRule& rule, const WorkingCalendar& days) {
  const absl::CivilMonth m = absl::CivilMonth(year, month) + rule.month_offset;
  const absl::CivilDay first(m);
  const absl::CivilDay last = absl::CivilDay(m + 1) - 1;
  if (rule.nth_working_day > 0) {
    int count = 0;
    absl::CivilDay last_working = first;
    for (absl::CivilDay d = first; d <= last; ++d) {
      if (!days.IsWorkingDay(d)) continue;
      last_working = d;
      if (++count == rule.nth_working_day) break;
    }
    return last_working;
  }
  const int day = std::clamp(rule.day_of_month, 1, 31);
  return std::min(first + (day - 1), last);
}

absl::CivilDay DueDayOf(const PlanView& plan, const ReportPeriod& period,
                        const WorkingCalendar& days) {
  const DueRule& rule = period.kind == ReportPeriod::Kind::kMonth || !plan.summary_due.has_value()
                            ? plan.monthly_due
                            : *plan.summary_due;
  const absl::CivilMonth last = period.LastMonth();
  return DueDay(static_cast<int>(last.year()), last.month(), rule, days);
}

std::string MonthPeriod(int year, int month) { return absl::StrFormat("%04d-%02d", year, month); }

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string ScheduleKey(absl::string_view rule_id, absl::string_view resource,
                        absl::string_view period, absl::string_view organization_id) {
  return absl::StrCat(rule_id, "|", resource, "|", period, "|", organization_id);
}

}  // namespace ecoplan::notification
