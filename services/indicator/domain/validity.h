#pragma once

// Data-validity rules of GB 3095 (the table 污染物浓度数据有效性的最低要求; unchanged
// in GB 3095—2026) and of HJ 663 for the daily maximum 8-hour O3. Each function
// returns a statistic together with its validity: a statistic without enough data
// says so instead of passing for a real value. Thresholds come from
// `ValidityRules` (data of the standard version), never from constants here.

#include <array>
#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "services/indicator/domain/air_quality_standard.h"

namespace ecoplan::indicator {

enum class Validity : uint8_t {
  kValid,
  // Fewer samples than required, but the rule lets the result stand (daily max
  // 8-hour O3 above 160 µg/m³: more data could only raise it).
  kValidByExceedance,
  kInsufficientData,
};

// "valid", "valid_by_exceedance", "insufficient_data".
absl::string_view ValidityName(Validity validity);
constexpr bool IsUsable(Validity validity) { return validity != Validity::kInsufficientData; }

// One daily statistic (of a station or of the district).
struct DailyStatistic {
  Validity validity = Validity::kInsufficientData;
  // In StandardUnit(PollutantOf(item)). When validity is kInsufficientData this is
  // what the available data gave (0 with no data): for diagnostics only, never to
  // be evaluated.
  double value = 0;
  // What the validity was judged on: hourly values (24-h mean, 1-h max), valid
  // 8-hour means (O3 8-h max), or stations averaged (district values).
  int samples = 0;

  bool usable() const { return IsUsable(validity); }
};

// The 24 hourly values of one pollutant at one station on one day. Slot h holds the
// mean of hour [h:00, h+1:00); bit h of `present` says whether it is there.
struct HourSlots {
  std::array<double, 24> values = {};
  uint32_t present = 0;

  void Set(int hour, double value) {
    values[hour] = value;
    present |= 1u << hour;
  }
  bool has(int hour) const { return (present >> hour) & 1u; }
  int count() const;
};

// 24-hour mean: valid with at least rules.min_hours_for_daily_mean hourly values.
DailyStatistic DailyMean(const HourSlots& hours, const ValidityRules& rules);

// Maximum 1-hour value of the day. We hold it to the same minimum as the 24-hour
// mean (the standard has no explicit rule for it; a max over a few hours would
// understate the day).
DailyStatistic DailyMaxOneHour(const HourSlots& hours, const ValidityRules& rules);

// Daily maximum 8-hour moving mean (O3). The 17 windows are those ending 08:00 …
// 24:00, i.e. covering slots [k, k+8) for k = 0…16, so they never leave the day.
// A window is valid with at least rules.min_hours_for_8_hour_mean hours. The max
// is kValid with at least rules.min_8_hour_means_for_daily_max valid windows;
// otherwise kValidByExceedance if the max found exceeds
// rules.o3_8_hour_max_valid_anyway_above, else kInsufficientData. `samples` is the
// number of valid windows.
DailyStatistic DailyMaxEightHourMean(const HourSlots& hours, const ValidityRules& rules);

// Whether a calendar year of daily values supports annual statistics: at least
// rules.min_days_for_annual days and, in every month, rules.min_days_per_month
// (rules.min_days_in_february in February).
struct AnnualValidity {
  Validity validity = Validity::kInsufficientData;
  int valid_days = 0;
  std::array<bool, 12> month_valid = {};  // index 0 = January
  // Empty when valid; otherwise every shortfall, e.g.
  // "323 valid days < 324; 2026-02: 24 valid days < 25".
  std::string reason;
  // The same in Chinese: "全年有效天数323天，少于324天；2026年2月有效天数24天，少于25天".
  std::string reason_zh;
};
AnnualValidity CheckAnnualValidity(int year, const std::array<int, 12>& valid_days_by_month,
                                   const ValidityRules& rules);

}  // namespace ecoplan::indicator
