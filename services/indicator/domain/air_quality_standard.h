#pragma once

// The national ambient-air-quality standards as versioned DATA.
//
// Three standards work together for each day:
//   * HJ 633 (环境空气质量指数（AQI）技术规定): IAQI breakpoint tables, AQI, categories;
//   * HJ 663 (环境空气质量评价技术规范): which statistics are evaluated and how
//     annual results are rounded;
//   * GB 3095 (环境空气质量标准): data validity.
// They were revised together: HJ 633-2012 / HJ 663-2013 / GB 3095-2012 judge days up
// to 2026-02-28, HJ 633—2026 / HJ 663—2026 / GB 3095—2026 judge days from
// 2026-03-01. One `AirQualityStandard` bundles one such generation; an
// `AirQualityStandards` holds the generations and picks the one in force on a day.
// Nothing else in this library hard-codes a breakpoint or threshold: a future
// revision is a new `AirQualityStandard` value.

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace ecoplan::indicator {

// A measured pollutant (the six basic items of GB 3095).
enum class Pollutant : uint8_t { kSo2, kNo2, kCo, kO3, kPm10, kPm25 };
inline constexpr int kPollutantCount = 6;

// Unit of a concentration. CO is evaluated in mg/m³, everything else in µg/m³.
enum class Unit : uint8_t { kMicrogramsPerCubicMeter, kMilligramsPerCubicMeter };

// The unit the standards use for `pollutant` (mg/m³ for CO, µg/m³ otherwise).
Unit StandardUnit(Pollutant pollutant);

// "SO2", "NO2", "CO", "O3", "PM10", "PM2.5".
absl::string_view PollutantName(Pollutant pollutant);

// A row of HJ 633 Table 1: the averaging period of a pollutant that has its own
// IAQI breakpoint table.
enum class AqiItem : uint8_t {
  kSo224Hour,
  kSo21Hour,
  kNo224Hour,
  kNo21Hour,
  kCo24Hour,
  kCo1Hour,
  kO31Hour,  // For the daily AQI: the day's maximum 1-hour mean.
  kO38Hour,  // For the daily AQI: the day's maximum 8-hour moving mean.
  kPm1024Hour,
  kPm2524Hour,
};
inline constexpr int kAqiItemCount = 10;

// "SO2 24h", "O3 8h", ...
absl::string_view AqiItemName(AqiItem item);
Pollutant PollutantOf(AqiItem item);

// A daily statistic of one station (or of the district): the inputs of a daily AQI.
enum class DailyItem : uint8_t {
  kSo2,      // 24-hour mean, µg/m³
  kNo2,      // 24-hour mean, µg/m³
  kCo,       // 24-hour mean, mg/m³
  kPm10,     // 24-hour mean, µg/m³
  kPm25,     // 24-hour mean, µg/m³
  kO3Max1h,  // maximum 1-hour value of the day, µg/m³
  kO3Max8h,  // maximum 8-hour moving mean of the day (windows ending 08:00–24:00), µg/m³
};
inline constexpr int kDailyItemCount = 7;

// A set of DailyItem as a bit mask (bit i = DailyItem i): no allocation per day.
using DailyItemSet = uint8_t;
constexpr DailyItemSet DailyItemBit(DailyItem item) {
  return static_cast<DailyItemSet>(1u << static_cast<int>(item));
}
constexpr bool Contains(DailyItemSet set, DailyItem item) {
  return (set & DailyItemBit(item)) != 0;
}

// "SO2", "NO2", "CO", "PM10", "PM2.5", "O3_1h", "O3_8h".
absl::string_view DailyItemName(DailyItem item);
AqiItem AqiItemOf(DailyItem item);
Pollutant PollutantOf(DailyItem item);

// What an IAQI table says for a concentration above its last breakpoint.
enum class AboveTopRule : uint8_t {
  // The IAQI stays at the table's top value (flagged as above the table).
  // Used for tables that end at IAQI 500, where this library caps at 500 (the
  // standards publish no IAQI above 500), and for HJ 633—2026's SO2 1-h (> 800 →
  // 200) and O3 8-h (> 800 → 300).
  kHoldTopIaqi,
  // No IAQI is computed for this item (HJ 633-2012 Table 1 notes: SO2 1-h above
  // 800 µg/m³ → report the 24-h IAQI; O3 8-h above 800 µg/m³ → report the 1-h IAQI).
  kNoIaqi,
};

// One IAQI breakpoint table (a row of HJ 633 Table 1 with the IAQI header row).
// `concentrations[i]` maps to `iaqi[i]` for i < size; both strictly increase;
// concentrations are in StandardUnit(PollutantOf(item)).
struct BreakpointTable {
  static constexpr int kMaxBreakpoints = 8;
  AqiItem item = AqiItem::kSo224Hour;
  int size = 0;
  std::array<double, kMaxBreakpoints> concentrations = {};
  std::array<int, kMaxBreakpoints> iaqi = {};
  AboveTopRule above_top = AboveTopRule::kHoldTopIaqi;
};

// What the daily AQI does when an item of the day is missing (not valid).
enum class MissingItemRule : uint8_t {
  // HJ 633-2012 does not cover the case. Practice was to publish the AQI of the
  // items available; we do so and list the missing ones in the result. A day with
  // no item at all has no AQI.
  kAqiOfAvailableItems,
  // HJ 633—2026: the AQI of the others is published only if it exceeds 100
  // (the true AQI is then certainly above 100); otherwise the AQI is "NA".
  kPublishOnlyAbove100,
};

// GB 3095 data-validity minimums (the table 污染物浓度数据有效性的最低要求), and
// the HJ 663 rule for the daily maximum 8-hour O3.
struct ValidityRules {
  int min_hours_for_daily_mean = 20;              // of 24
  int min_hours_for_8_hour_mean = 6;              // of 8
  int min_8_hour_means_for_daily_max = 14;        // of the 17 ending 08:00–24:00
  double o3_8_hour_max_valid_anyway_above = 160;  // µg/m³: a larger max stands with fewer means
  int min_days_for_annual = 324;
  int min_days_per_month = 27;
  int min_days_in_february = 25;
};

// One generation of the standards. Plain data: copyable, comparable by id.
struct AirQualityStandard {
  std::string id;                   // e.g. "HJ 633-2012"; recorded in every result it judged
  std::string evaluation_standard;  // e.g. "HJ 663-2013"
  std::string validity_standard;    // e.g. "GB 3095-2012"
  absl::CivilDay effective_from;    // first day judged by this version (inclusive)

  // Indexed by AqiItem.
  std::array<BreakpointTable, kAqiItemCount> tables;

  // The items whose IAQI enter the daily AQI.
  DailyItemSet daily_aqi_items = 0;

  // GB/T 8170 decimals to which each daily concentration is rounded before its
  // IAQI is computed, indexed by DailyItem; -1 = used as computed (2012).
  std::array<int, kDailyItemCount> daily_concentration_decimals = {};

  // GB/T 8170 decimals of period (annual) statistics, indexed by DailyItem (HJ 663:
  // integers in µg/m³, CO to 0.1 mg/m³).
  std::array<int, kDailyItemCount> period_statistic_decimals = {};

  MissingItemRule missing_item_rule = MissingItemRule::kAqiOfAvailableItems;
  ValidityRules validity;

  const BreakpointTable& table(AqiItem item) const { return tables[static_cast<int>(item)]; }
};

// HJ 633-2012 + HJ 663-2013 + GB 3095-2012. effective_from is 2012-02-29, the day
// HJ 633-2012 and GB 3095-2012 were issued (implementation was phased in city by
// city, nationwide from 2016-01-01); with National() it judges days up to 2026-02-28.
AirQualityStandard Hj633Of2012();

// HJ 633—2026 + HJ 663—2026 + GB 3095—2026, effective 2026-03-01. Differs from
// Hj633Of2012() exactly as DESIGN.md "Air quality" lists.
AirQualityStandard Hj633Of2026();

// The ordered set of versions; picks the one in force on a day.
// Immutable after construction, hence thread-safe.
class AirQualityStandards {
 public:
  // Validates and orders `versions`. Errors: InvalidArgument if empty, if two
  // versions share an effective date or id, or if a table is malformed (size out of
  // [2, 8], breakpoints or IAQI not strictly increasing, first breakpoint not 0/0).
  static absl::StatusOr<AirQualityStandards> Create(std::vector<AirQualityStandard> versions);

  // {Hj633Of2012(), Hj633Of2026()}.
  static AirQualityStandards National();

  // The version in force on `day`: the one with the latest effective_from <= day.
  // Errors: NotFound if `day` precedes every version. The pointer stays valid
  // while this object lives (and is not moved-from).
  absl::StatusOr<const AirQualityStandard*> ForDay(absl::CivilDay day) const;

  const std::vector<AirQualityStandard>& versions() const { return versions_; }

 private:
  explicit AirQualityStandards(std::vector<AirQualityStandard> versions)
      : versions_(std::move(versions)) {}
  std::vector<AirQualityStandard> versions_;  // by effective_from, ascending
};

}  // namespace ecoplan::indicator
