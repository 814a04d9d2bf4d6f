#pragma once

// Calendar arithmetic of the schedule: pure functions, no state.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/notification/domain/model.h"

namespace ecoplan::notification {

// Monday to Friday. (Public holidays and make-up days are not known here yet:
// TODO(notification): take them from the progress service's HolidaysLoaded.)
bool IsWorkingDay(absl::CivilDay day);
// Working days in (from, to]: 0 when to <= from.
int WorkingDaysBetween(absl::CivilDay from, absl::CivilDay to);

// The due day of the monthly period `year`-`month` under `rule`.
absl::CivilDay MonthlyDueDay(int year, int month, const DueRule& rule);

// "2026-05".
std::string MonthPeriod(int year, int month);
// "2026-05-25".
std::string DayText(absl::CivilDay day);

// The key that makes a scheduled notification idempotent per (rule, resource,
// period) and recipient: "<rule>|<resource>|<period>|<organization>".
std::string ScheduleKey(absl::string_view rule_id, absl::string_view resource,
                        absl::string_view period, absl::string_view organization_id);

}  // namespace ecoplan::notification
