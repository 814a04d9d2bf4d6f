#include "services/notification/domain/schedule.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::notification {

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string ScheduleKey(absl::string_view rule_id, absl::string_view resource,
                        absl::string_view period, absl::string_view organization_id) {
  return absl::StrCat(rule_id, "|", resource, "|", period, "|", organization_id);
}

}  // namespace ecoplan::notification
