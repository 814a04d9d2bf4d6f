#pragma once

// What the schedule adds to the shared reporting calendar
// (common/calendar/reporting_calendar.h: periods, due days, working days and
// the issue-date rule): the keys that make scheduled notifications
// idempotent, and how days are written in them.

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace ecoplan::notification {

// "2026-05-25".
std::string DayText(absl::CivilDay day);

// The key that makes a scheduled notification idempotent per (rule, resource,
// period) and recipient: "<rule>|<resource>|<period>|<organization>".
std::string ScheduleKey(absl::string_view rule_id, absl::string_view resource,
                        absl::string_view period, absl::string_view organization_id);

}  // namespace ecoplan::notification
