#pragma once

// Individual (IAQI) and daily air quality index per HJ 633, driven entirely by the
// `AirQualityStandard` in force on the day.

#include <array>
#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "services/indicator/domain/air_quality_standard.h"
#include "services/indicator/domain/validity.h"

namespace ecoplan::indicator {

// The daily values of one station or of the district, indexed by DailyItem.
using DailyValues = std::array<DailyStatistic, kDailyItemCount>;

// HJ 633 Table 2 (空气质量指数及相关信息): level I … VI.
enum class AqiCategory : uint8_t {
  kExcellent,           // 优, 0–50
  kGood,                // 良, 51–100
  kLightlyPolluted,     // 轻度污染, 101–150
  kModeratelyPolluted,  // 中度污染, 151–200
  kHeavilyPolluted,     // 重度污染, 201–300
  kSeverelyPolluted,    // 严重污染, > 300
};

// The category of an integer AQI (>= 0).
AqiCategory CategoryOf(int aqi);
// "优", "良", "轻度污染", "中度污染", "重度污染", "严重污染".
absl::string_view AqiCategoryName(AqiCategory category);

enum class IaqiFlag : uint8_t {
  kNone,
  // Above the table's last breakpoint; the IAQI is held at the table's top
  // (500 for the tables that reach it: we never report an IAQI above 500).
  kHeldAtTop,
  // Above the last breakpoint of a table whose rule is AboveTopRule::kNoIaqi
  // (HJ 633-2012: SO2 1-h > 800, O3 8-h > 800): no IAQI for this item.
  kNoIaqiAboveTable,
};

struct IaqiResult {
  bool has_iaqi = false;
  int iaqi = 0;
  IaqiFlag flag = IaqiFlag::kNone;
};

// IAQI of `concentration` (in the table's unit) by HJ 633's linear interpolation
// between the breakpoints around it, rounded up to an integer (HJ 633: 进位取整; an
// exact integer stays). A concentration on a breakpoint gets that breakpoint's
// IAQI. Precondition: `concentration` is finite and >= 0 (negatives are treated as 0).
IaqiResult ComputeIaqi(const BreakpointTable& table, double concentration);

// Whether a daily AQI was published.
enum class AqiStatus : uint8_t {
  kPublished,
  // "NA": no item at all, or (HJ 633—2026) an item is missing and the others give
  // an AQI of 100 or less.
  kNotAvailable,
};

// What one item contributed to a daily AQI.
struct ItemIaqi {
  bool in_aqi = false;       // the item is one of the standard's daily AQI items
  bool available = false;    // ... and its daily value is usable
  double concentration = 0;  // as used: rounded per the standard (2026) or as computed
  IaqiResult iaqi;
};

struct DailyAqi {
  absl::CivilDay day;
  std::string standard_id;  // the version that judged the day, e.g. "HJ 633—2026"
  AqiStatus status = AqiStatus::kNotAvailable;
  int aqi = 0;  // meaningful only when published
  AqiCategory category = AqiCategory::kExcellent;
  DailyItemSet primary_items = 0;  // items whose IAQI equals the AQI, only when AQI > 50
  DailyItemSet missing_items = 0;  // daily AQI items without a usable value
  std::array<ItemIaqi, kDailyItemCount> items = {};  // indexed by DailyItem

  bool published() const { return status == AqiStatus::kPublished; }
  // 优良天: AQI <= 100 (published days only).
  bool IsGoodDay() const { return published() && aqi <= 100; }
  // 重污染天: AQI > 200 (published days only).
  bool IsHeavyPollutionDay() const { return published() && aqi > 200; }
};

// Daily AQI of `values` under `standard` (the caller picked the version for `day`).
// Only the standard's daily AQI items count; an item is available if its value is
// usable. 2026 rounds each concentration per GB/T 8170 first. AQI = max IAQI; the
// missing-item rule of the standard decides publication.
// Errors: InvalidArgument if a usable value is negative or not finite.
absl::StatusOr<DailyAqi> ComputeDailyAqi(const AirQualityStandard& standard, absl::CivilDay day,
                                         const DailyValues& values);

// As above, with the version in force on `day`. Errors: also NotFound if no version
// is in force on `day`.
absl::StatusOr<DailyAqi> ComputeDailyAqi(const AirQualityStandards& standards, absl::CivilDay day,
                                         const DailyValues& values);

}  // namespace ecoplan::indicator
