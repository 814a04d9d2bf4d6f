#pragma once

// Test days for the indicator domain's tests.

#include <utility>

#include "absl/time/civil_time.h"
#include "services/indicator/domain/daily_statistics.h"

namespace ecoplan::indicator {

// A district day with every daily item valid from one sample: PM10 and PM2.5
// at `pm`, the other pollutants low (SO2 5, NO2 20, CO 0.5, O3 80 / 60).
inline DistrictDay CleanDayWithPm(absl::CivilDay day, double pm) {
  DistrictDay d;
  d.day = day;
  const std::pair<DailyItem, double> items[] = {{DailyItem::kSo2, 5},     {DailyItem::kNo2, 20},
                                                {DailyItem::kCo, 0.5},    {DailyItem::kPm10, pm},
                                                {DailyItem::kPm25, pm},   {DailyItem::kO3Max1h, 80},
                                                {DailyItem::kO3Max8h, 60}};
  for (const auto& [item, value] : items) {
    DailyStatistic& s = d.values[static_cast<int>(item)];
    s.value = value;
    s.samples = 1;
    s.validity = Validity::kValid;
  }
  return d;
}

}  // namespace ecoplan::indicator
