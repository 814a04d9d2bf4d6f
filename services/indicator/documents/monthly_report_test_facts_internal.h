#pragma once

// Shared by the two files that build the test facts of the 月报
// (monthly_report_test_facts.h); not for other use.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/indicator/documents/month_facts.h"
#include "services/indicator/documents/monthly_report_test_facts.h"

namespace ecoplan::indicator::documents::testing::internal {

using ::ecoplan::common::v1::Date;

inline Date D(int y, int m, int d) {
  Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// A moment of 2026 in Beijing time.
inline google::protobuf::Timestamp At(int month, int day, int hour = 10) {
  google::protobuf::Timestamp t;
  t.set_seconds(absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2026, month, day, hour, 0, 0),
                                                    absl::FixedTimeZone(8 * 3600))));
  return t;
}

// The resource name of the organization named `display` in `f`, or "".
inline std::string OrgName(const MonthFacts& f, const std::string& display) {
  for (const auto& o : f.organizations) {
    if (o.display_name() == display) return o.name();
  }
  return "";
}

// The progress service's part: submissions and scorecards' reporting
// counts, extensions and completions, supervision orders and problem items,
// the district's days of May (monthly_report_test_facts_progress.cc).
void AddReporting(MonthFacts& f);
void AddDecisions(MonthFacts& f);
void AddSupervision(MonthFacts& f);
void AddDays(MonthFacts& f);

}  // namespace ecoplan::indicator::documents::testing::internal
