#include "services/notification/domain/schedule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::notification {

bool IsWorkingDay(absl::CivilDay day) {
  const absl::Weekday w = absl::GetWeekday(day);
  return w != absl::Weekday::saturday && w != absl::Weekday::sunday;
}

int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to) {
  int n = 0;
  // Bounded: at most a few years of days.
  for (absl::CivilDay d = from + 1; d <= to && n < 5000; ++d) {
    if (IsWorkingDay(d)) ++n;
  }
  return n;
}

absl::CivilDay MonthlyDueDay(int year, int month, const DueRule& rule) {
  const absl::CivilMonth m = absl::CivilMonth(year, month) + rule.month_offset;
  const absl::CivilDay first(m);
  const absl::CivilDay last = absl::CivilDay(m + 1) - 1;
  if (rule.nth_working_day > 0) {
    int count = 0;
    for (absl::CivilDay d = first; d <= last; ++d) {
      if (IsWorkingDay(d) && ++count == rule.nth_working_day) return d;
    }
    return last;
  }
  const int day = std::clamp(rule.day_of_month, 1, 31);
  return std::min(first + (day - 1), last);
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
