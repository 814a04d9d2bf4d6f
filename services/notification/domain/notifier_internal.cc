#include "services/notification/domain/notifier_internal.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
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

common::WorkingDays WorkingDaysOf(const std::map<int, HolidayYear>& years) {
  std::vector<HolidayYear> list;
  for (const auto& [year, days] : years) list.push_back(days);
  return common::WorkingDays(std::move(list));
}

std::vector<std::string> OwnersOf(const MeasureView& m) {
  std::vector<std::string> owners = m.lead_organizations;
  for (const std::string& o : m.responsible_organizations) {
    if (std::find(owners.begin(), owners.end(), o) == owners.end()) owners.push_back(o);
  }
  return owners;
}

std::string DeliveryResource(absl::string_view subscription, uint64_t number) {
  return absl::StrCat("subscriptions/", subscription, "/deliveries/", number);
}

std::string StoredRequest(const common::RequestRecord& record) {
  absl::string_view resource = record.resource;
  if (record.method == kCreateRuleMethod && absl::ConsumePrefix(&resource, "rules/")) {
    return absl::StrCat("rule:", resource);
  }
  const bool subscription = absl::ConsumePrefix(&resource, "subscriptions/");
  if (subscription && record.method == kCreateSubscriptionMethod) return std::string(resource);
  if (subscription && record.method == kRotateSecretMethod)
    return absl::StrCat("rotate:", resource);
  if (subscription && record.method == kReplayDeliveryMethod) {
    const std::pair<absl::string_view, absl::string_view> parts =
        absl::StrSplit(resource, absl::MaxSplits("/deliveries/", 1));
    return absl::StrCat("replay:", parts.first, "/", parts.second, "/", record.revision);
  }
  return record.resource;  // not a write of the Notifier: kept as it is
}

common::RequestRecord LoadedRequest(absl::string_view request_id, absl::string_view stored) {
  common::RequestRecord r;
  r.request_id = std::string(request_id);
  absl::string_view rest = stored;
  if (absl::ConsumePrefix(&rest, "rule:")) {
    r.method = std::string(kCreateRuleMethod);
    r.resource = absl::StrCat("rules/", rest);
  } else if (absl::ConsumePrefix(&rest, "rotate:")) {
    r.method = std::string(kRotateSecretMethod);
    r.resource = absl::StrCat("subscriptions/", rest);
  } else if (absl::ConsumePrefix(&rest, "replay:")) {
    const std::vector<absl::string_view> parts = absl::StrSplit(rest, '/');
    uint64_t number = 0;
    uint64_t replay = 0;
    if (parts.size() == 3 && absl::SimpleAtoi(parts[1], &number) &&
        absl::SimpleAtoi(parts[2], &replay)) {
      r.method = std::string(kReplayDeliveryMethod);
      r.resource = DeliveryResource(parts[0], number);
      r.revision = static_cast<int64_t>(replay);
    } else {
      r.resource = std::string(stored);
    }
  } else if (!absl::StrContains(stored, ':')) {
    r.method = std::string(kCreateSubscriptionMethod);
    r.resource = absl::StrCat("subscriptions/", stored);
  } else {
    r.resource = std::string(stored);
  }
  return r;
}

}  // namespace ecoplan::notification::internal
