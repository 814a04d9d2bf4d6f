#include "services/notification/domain/notifier_internal.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "services/notification/domain/schedule.h"

namespace ecoplan::notification::internal {

bool ValidId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) return false;
  }
  return true;
}

std::string ReportResource(absl::string_view plan, absl::string_view org,
                           absl::string_view period) {
  return absl::StrCat("plans/", plan, "/reports/", org, "_", period);
}

std::string MeasureResource(absl::string_view plan, absl::string_view measure) {
  return absl::StrCat("plans/", plan, "/measures/", measure);
}

std::string SubmissionKey(absl::string_view plan, absl::string_view org, absl::string_view period) {
  return absl::StrCat(plan, "|", org, "|", period);
}

std::string MetOccurrencePrefix(absl::string_view plan, absl::string_view measure,
                                absl::CivilDay due) {
  return absl::StrCat(plan, "|", measure, "|", DayText(due), "|");
}

std::string MetStatementKey(absl::string_view plan, absl::string_view measure, absl::CivilDay due,
                            absl::string_view org, absl::string_view period) {
  return absl::StrCat(MetOccurrencePrefix(plan, measure, due), org, "|", period);
}

std::vector<std::string> OwnersOf(const MeasureView& m) {
  std::vector<std::string> owners = m.lead_organizations;
  for (const std::string& o : m.responsible_organizations) {
    if (std::find(owners.begin(), owners.end(), o) == owners.end()) owners.push_back(o);
  }
  return owners;
}

}  // namespace ecoplan::notification::internal
