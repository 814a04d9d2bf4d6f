#pragma once

// Dates as the services see them, for tests that run against real servers.

#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "ecoplan/common/v1/types.pb.h"

namespace ecoplan::testing {

// Today in Asia/Shanghai, the plan's time zone (the servers use the real clock).
inline absl::CivilDay TodayInShanghai() {
  absl::TimeZone shanghai;
  if (!absl::LoadTimeZone("Asia/Shanghai", &shanghai)) shanghai = absl::FixedTimeZone(8 * 3600);
  return absl::ToCivilDay(absl::Now(), shanghai);
}

inline common::v1::Date ToDate(absl::CivilDay day) {
  common::v1::Date d;
  d.set_year(static_cast<int>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

}  // namespace ecoplan::testing
