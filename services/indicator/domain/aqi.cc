#include "services/indicator/domain/aqi.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/indicator/domain/rounding.h"

namespace ecoplan::indicator {

AqiCategory CategoryOf(int aqi) {
  if (aqi <= 50) return AqiCategory::kExcellent;
  if (aqi <= 100) return AqiCategory::kGood;
  if (aqi <= 150) return AqiCategory::kLightlyPolluted;
  if (aqi <= 200) return AqiCategory::kModeratelyPolluted;
  if (aqi <= 300) return AqiCategory::kHeavilyPolluted;
  return AqiCategory::kSeverelyPolluted;
}

absl::string_view AqiCategoryName(AqiCategory category) {
  switch (category) {
    case AqiCategory::kExcellent:
      return "优";
    case AqiCategory::kGood:
      return "良";
    case AqiCategory::kLightlyPolluted:
      return "轻度污染";
    case AqiCategory::kModeratelyPolluted:
      return "中度污染";
    case AqiCategory::kHeavilyPolluted:
      return "重度污染";
    case AqiCategory::kSeverelyPolluted:
      return "严重污染";
  }
  return "?";
}

IaqiResult ComputeIaqi(const BreakpointTable& table, double concentration) {
  IaqiResult out;
  const double c = std::max(0.0, concentration);
  const int top = table.size - 1;
  if (c > table.concentrations[top]) {
    if (table.above_top == AboveTopRule::kNoIaqi) {
      out.flag = IaqiFlag::kNoIaqiAboveTable;
      return out;
    }
    out.has_iaqi = true;
    out.iaqi = table.iaqi[top];
    out.flag = IaqiFlag::kHeldAtTop;
    return out;
  }
  // First breakpoint >= c; c lies in (BP_lo, BP_hi] (or is 0).
  int hi = 1;
  while (hi < top && table.concentrations[hi] < c) ++hi;
  const double bp_lo = table.concentrations[hi - 1];
  const double bp_hi = table.concentrations[hi];
  const double i_lo = table.iaqi[hi - 1];
  const double i_hi = table.iaqi[hi];
  // HJ 633 IAQI formula: IAQI = (IAQI_Hi - IAQI_Lo) / (BP_Hi - BP_Lo) * (C - BP_Lo) + IAQI_Lo.
  // Multiplying before dividing keeps exact results exact for integer inputs, and
  // RoundUp's tolerance absorbs what noise is left (63.0000000001 must stay 63).
  const double iaqi = i_lo + (i_hi - i_lo) * (c - bp_lo) / (bp_hi - bp_lo);
  out.has_iaqi = true;
  out.iaqi = static_cast<int>(RoundUp(iaqi));
  return out;
}

absl::StatusOr<DailyAqi> ComputeDailyAqi(const AirQualityStandard& standard, absl::CivilDay day,
                                         const DailyValues& values) {
  DailyAqi out;
  out.day = day;
  out.standard_id = standard.id;
  int aqi = -1;
  for (int i = 0; i < kDailyItemCount; ++i) {
    const DailyItem item = DailyItem(i);
    ItemIaqi& slot = out.items[i];
    slot.in_aqi = Contains(standard.daily_aqi_items, item);
    if (!slot.in_aqi) continue;
    const DailyStatistic& value = values[i];
    if (!value.usable()) {
      out.missing_items |= DailyItemBit(item);
      continue;
    }
    if (!std::isfinite(value.value) || value.value < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "daily ", DailyItemName(item), " on ", absl::FormatCivilTime(day), " is ", value.value));
    }
    slot.available = true;
    const int decimals = standard.daily_concentration_decimals[i];
    slot.concentration = decimals >= 0 ? RoundHalfEven(value.value, decimals) : value.value;
    slot.iaqi = ComputeIaqi(standard.table(AqiItemOf(item)), slot.concentration);
    if (slot.iaqi.has_iaqi) aqi = std::max(aqi, slot.iaqi.iaqi);
  }

  bool publish = aqi >= 0;
  if (publish && out.missing_items != 0 &&
      standard.missing_item_rule == MissingItemRule::kPublishOnlyAbove100) {
    // The missing item could only raise the AQI, so only "> 100" is certain.
    publish = aqi > 100;
  }
  if (!publish) return out;  // kNotAvailable ("NA")

  out.status = AqiStatus::kPublished;
  out.aqi = aqi;
  out.category = CategoryOf(aqi);
  if (aqi > 50) {
    for (int i = 0; i < kDailyItemCount; ++i) {
      const ItemIaqi& slot = out.items[i];
      if (slot.available && slot.iaqi.has_iaqi && slot.iaqi.iaqi == aqi) {
        out.primary_items |= DailyItemBit(DailyItem(i));
      }
    }
  }
  return out;
}

absl::StatusOr<DailyAqi> ComputeDailyAqi(const AirQualityStandards& standards, absl::CivilDay day,
                                         const DailyValues& values) {
  absl::StatusOr<const AirQualityStandard*> standard = standards.ForDay(day);
  if (!standard.ok()) return standard.status();
  return ComputeDailyAqi(**standard, day, values);
}

}  // namespace ecoplan::indicator
