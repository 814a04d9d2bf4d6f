#pragma once

// Annual statistics of the district per HJ 663 (evaluation) and GB 3095
// (validity): annual means, the prescribed percentiles, counts of 优良 and 重污染
// days, and the 优良天数比率, each with its validity.

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "services/indicator/domain/air_quality_standard.h"
#include "services/indicator/domain/aqi.h"
#include "services/indicator/domain/daily_statistics.h"
#include "services/indicator/domain/validity.h"

namespace ecoplan::indicator {

// How an annual statistic is formed from the daily values of one item.
enum class AnnualStatisticKind : uint8_t {
  kMean,        // arithmetic mean of the valid daily values
  kPercentile,  // HJ 663 percentile of the valid daily values
};

// One annual statistic with its validity.
struct AnnualStatistic {
  DailyItem item = DailyItem::kPm25;
  AnnualStatisticKind kind = AnnualStatisticKind::kMean;
  double percentile = 0;  // kPercentile only, e.g. 95
  // CheckAnnualValidity over the days with a usable value of `item`. When not valid
  // the values are still computed from what exists (for diagnostics only).
  AnnualValidity validity;
  double value = 0;      // rounded per GB/T 8170 (half to even) at `decimals`
  double unrounded = 0;  // before rounding
  int decimals = 0;
};

struct AnnualStatistics {
  int year = 0;
  // The evaluation standard whose rounding and validity rules were applied (the one
  // in force on 12-31), e.g. "HJ 663—2026".
  std::string evaluation_standard;
  // Which versions judged the year's days (id → days with an AQI result), in order.
  std::vector<std::pair<std::string, int>> days_by_standard;

  // SO2, NO2, PM10, PM2.5 annual means; CO 24-h 95th percentile; O3 max 8-h 90th
  // percentile (the HJ 663 annual evaluation items).
  std::vector<AnnualStatistic> statistics;

  int days_with_aqi = 0;         // published AQI ("valid days")
  int days_without_aqi = 0;      // "NA" days among those given
  int good_days = 0;             // 优良: AQI <= 100
  int heavy_pollution_days = 0;  // 重污染: AQI > 200
  // 优良天数比率 = good_days / days_with_aqi in percent, rounded to 1 decimal
  // half-to-even; 0 when there is no valid day. Its validity applies the annual
  // rule to the days with an AQI.
  double good_day_ratio_percent = 0;
  AnnualValidity good_day_ratio_validity;

  // The statistic for `item` and `kind`, or nullptr.
  const AnnualStatistic* Find(DailyItem item, AnnualStatisticKind kind) const;
};

// Annual statistics of calendar year `year` from the district's daily values and
// daily AQIs (as from ComputeDistrictDays / ComputeDailyAqis). Days outside `year`
// are ignored, so a longer series may be passed. Rounding decimals come from the
// standard in force on the last day of the year (HJ 663—2026 for 2026); validity
// rules likewise. A year still in progress simply reports insufficient data.
// Errors: InvalidArgument if a day appears twice in `days` or in `aqis`; NotFound
// if no standard is in force on 12-31 of `year`.
absl::StatusOr<AnnualStatistics> ComputeAnnualStatistics(int year,
                                                         absl::Span<const DistrictDay> days,
                                                         absl::Span<const DailyAqi> aqis,
                                                         const AirQualityStandards& standards);

// HJ 663 percentile of `values` (sorted ascending in place): with n values and
// p in [0, 100], k = 1 + (n - 1) * p / 100, s = floor(k),
// P = X[s] + (X[s+1] - X[s]) * (k - s) with 1-based X. Returns 0 for no value.
double Percentile(std::vector<double>& values, double p);

}  // namespace ecoplan::indicator
