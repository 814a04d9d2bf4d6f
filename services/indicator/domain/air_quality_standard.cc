#include "services/indicator/domain/air_quality_standard.h"

#include <algorithm>
#include <initializer_list>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::indicator {
namespace {

// The IAQI header row of HJ 633 Table 1.
constexpr std::array<int, 8> kIaqiRow = {0, 50, 100, 150, 200, 300, 400, 500};

BreakpointTable MakeTable(AqiItem item, std::initializer_list<double> concentrations,
                          AboveTopRule above_top) {
  BreakpointTable table;
  table.item = item;
  table.size = static_cast<int>(concentrations.size());
  std::copy(concentrations.begin(), concentrations.end(), table.concentrations.begin());
  std::copy(kIaqiRow.begin(), kIaqiRow.begin() + table.size, table.iaqi.begin());
  table.above_top = above_top;
  return table;
}

void Set(AirQualityStandard& standard, BreakpointTable table) {
  standard.tables[static_cast<int>(table.item)] = table;
}

}  // namespace

Unit StandardUnit(Pollutant pollutant) {
  return pollutant == Pollutant::kCo ? Unit::kMilligramsPerCubicMeter
                                     : Unit::kMicrogramsPerCubicMeter;
}

absl::string_view PollutantName(Pollutant pollutant) {
  switch (pollutant) {
    case Pollutant::kSo2:
      return "SO2";
    case Pollutant::kNo2:
      return "NO2";
    case Pollutant::kCo:
      return "CO";
    case Pollutant::kO3:
      return "O3";
    case Pollutant::kPm10:
      return "PM10";
    case Pollutant::kPm25:
      return "PM2.5";
  }
  return "?";
}

absl::string_view AqiItemName(AqiItem item) {
  switch (item) {
    case AqiItem::kSo224Hour:
      return "SO2 24h";
    case AqiItem::kSo21Hour:
      return "SO2 1h";
    case AqiItem::kNo224Hour:
      return "NO2 24h";
    case AqiItem::kNo21Hour:
      return "NO2 1h";
    case AqiItem::kCo24Hour:
      return "CO 24h";
    case AqiItem::kCo1Hour:
      return "CO 1h";
    case AqiItem::kO31Hour:
      return "O3 1h";
    case AqiItem::kO38Hour:
      return "O3 8h";
    case AqiItem::kPm1024Hour:
      return "PM10 24h";
    case AqiItem::kPm2524Hour:
      return "PM2.5 24h";
  }
  return "?";
}

Pollutant PollutantOf(AqiItem item) {
  switch (item) {
    case AqiItem::kSo224Hour:
    case AqiItem::kSo21Hour:
      return Pollutant::kSo2;
    case AqiItem::kNo224Hour:
    case AqiItem::kNo21Hour:
      return Pollutant::kNo2;
    case AqiItem::kCo24Hour:
    case AqiItem::kCo1Hour:
      return Pollutant::kCo;
    case AqiItem::kO31Hour:
    case AqiItem::kO38Hour:
      return Pollutant::kO3;
    case AqiItem::kPm1024Hour:
      return Pollutant::kPm10;
    case AqiItem::kPm2524Hour:
      return Pollutant::kPm25;
  }
  return Pollutant::kSo2;
}

absl::string_view DailyItemName(DailyItem item) {
  switch (item) {
    case DailyItem::kSo2:
      return "SO2";
    case DailyItem::kNo2:
      return "NO2";
    case DailyItem::kCo:
      return "CO";
    case DailyItem::kPm10:
      return "PM10";
    case DailyItem::kPm25:
      return "PM2.5";
    case DailyItem::kO3Max1h:
      return "O3_1h";
    case DailyItem::kO3Max8h:
      return "O3_8h";
  }
  return "?";
}

AqiItem AqiItemOf(DailyItem item) {
  switch (item) {
    case DailyItem::kSo2:
      return AqiItem::kSo224Hour;
    case DailyItem::kNo2:
      return AqiItem::kNo224Hour;
    case DailyItem::kCo:
      return AqiItem::kCo24Hour;
    case DailyItem::kPm10:
      return AqiItem::kPm1024Hour;
    case DailyItem::kPm25:
      return AqiItem::kPm2524Hour;
    case DailyItem::kO3Max1h:
      return AqiItem::kO31Hour;
    case DailyItem::kO3Max8h:
      return AqiItem::kO38Hour;
  }
  return AqiItem::kSo224Hour;
}

Pollutant PollutantOf(DailyItem item) { return PollutantOf(AqiItemOf(item)); }

AirQualityStandard Hj633Of2012() {
  AirQualityStandard s;
  s.id = "HJ 633-2012";
  s.evaluation_standard = "HJ 663-2013";
  s.validity_standard = "GB 3095-2012";
  s.effective_from = absl::CivilDay(2012, 2, 29);
  // HJ 633-2012 Table 1 (空气质量分指数及对应的污染物项目浓度限值).
  constexpr auto kHold = AboveTopRule::kHoldTopIaqi;
  Set(s, MakeTable(AqiItem::kSo224Hour, {0, 50, 150, 475, 800, 1600, 2100, 2620}, kHold));
  // Table 1 note: SO2 1-h above 800 µg/m³ gets no 1-h IAQI; the 24-h IAQI is reported.
  Set(s, MakeTable(AqiItem::kSo21Hour, {0, 150, 500, 650, 800}, AboveTopRule::kNoIaqi));
  Set(s, MakeTable(AqiItem::kNo224Hour, {0, 40, 80, 180, 280, 565, 750, 940}, kHold));
  Set(s, MakeTable(AqiItem::kNo21Hour, {0, 100, 200, 700, 1200, 2340, 3090, 3840}, kHold));
  Set(s, MakeTable(AqiItem::kCo24Hour, {0, 2, 4, 14, 24, 36, 48, 60}, kHold));
  Set(s, MakeTable(AqiItem::kCo1Hour, {0, 5, 10, 35, 60, 90, 120, 150}, kHold));
  Set(s, MakeTable(AqiItem::kO31Hour, {0, 160, 200, 300, 400, 800, 1000, 1200}, kHold));
  // Table 1 note: O3 8-h above 800 µg/m³ gets no 8-h IAQI; the 1-h IAQI is reported.
  Set(s, MakeTable(AqiItem::kO38Hour, {0, 100, 160, 215, 265, 800}, AboveTopRule::kNoIaqi));
  Set(s, MakeTable(AqiItem::kPm1024Hour, {0, 50, 150, 250, 350, 420, 500, 600}, kHold));
  Set(s, MakeTable(AqiItem::kPm2524Hour, {0, 35, 75, 115, 150, 250, 350, 500}, kHold));

  // HJ 633-2012: the daily AQI takes the 24-h means of SO2, NO2, CO, PM10, PM2.5 and
  // the day's maximum 1-h and 8-h O3.
  for (int i = 0; i < kDailyItemCount; ++i) s.daily_aqi_items |= DailyItemBit(DailyItem(i));
  s.daily_concentration_decimals.fill(-1);                            // used as computed
  s.period_statistic_decimals.fill(0);                                // HJ 663: µg/m³ to integers
  s.period_statistic_decimals[static_cast<int>(DailyItem::kCo)] = 1;  // CO to 0.1 mg/m³
  s.missing_item_rule = MissingItemRule::kAqiOfAvailableItems;
  s.validity = ValidityRules{};  // GB 3095-2012 values (the struct's defaults)
  return s;
}

AirQualityStandard Hj633Of2026() {
  // Starts from 2012 and applies exactly the changes DESIGN.md lists, so that any
  // unlisted rule is by construction unchanged.
  AirQualityStandard s = Hj633Of2012();
  s.id = "HJ 633—2026";
  s.evaluation_standard = "HJ 663—2026";
  s.validity_standard = "GB 3095—2026";
  s.effective_from = absl::CivilDay(2026, 3, 1);
  constexpr auto kHold = AboveTopRule::kHoldTopIaqi;
  Set(s, MakeTable(AqiItem::kPm2524Hour, {0, 35, 60, 115, 150, 250, 350, 500}, kHold));
  Set(s, MakeTable(AqiItem::kPm1024Hour, {0, 50, 120, 250, 350, 420, 500, 600}, kHold));
  // SO2 1-h above 800 µg/m³ → IAQI 200 (the table's top); O3 8-h above 800 → 300.
  s.tables[static_cast<int>(AqiItem::kSo21Hour)].above_top = kHold;
  s.tables[static_cast<int>(AqiItem::kO38Hour)].above_top = kHold;
  // Six items: O3 1-h is for the real-time (hourly) report only.
  s.daily_aqi_items &= static_cast<DailyItemSet>(~DailyItemBit(DailyItem::kO3Max1h));
  // Daily concentrations rounded per GB/T 8170 before the IAQI: integers in µg/m³,
  // CO to 0.1 mg/m³.
  s.daily_concentration_decimals.fill(0);
  s.daily_concentration_decimals[static_cast<int>(DailyItem::kCo)] = 1;
  s.missing_item_rule = MissingItemRule::kPublishOnlyAbove100;
  return s;
}

absl::StatusOr<AirQualityStandards> AirQualityStandards::Create(
    std::vector<AirQualityStandard> versions) {
  if (versions.empty()) return absl::InvalidArgumentError("no air-quality standard version");
  std::sort(versions.begin(), versions.end(),
            [](const AirQualityStandard& a, const AirQualityStandard& b) {
              return a.effective_from < b.effective_from;
            });
  absl::flat_hash_set<std::string> ids;
  for (size_t v = 0; v < versions.size(); ++v) {
    const AirQualityStandard& s = versions[v];
    if (s.id.empty()) return absl::InvalidArgumentError("standard version with an empty id");
    if (!ids.insert(s.id).second) {
      return absl::InvalidArgumentError(absl::StrCat("duplicate standard id \"", s.id, "\""));
    }
    if (v > 0 && versions[v - 1].effective_from == s.effective_from) {
      return absl::InvalidArgumentError(absl::StrCat(
          "standards \"", versions[v - 1].id, "\" and \"", s.id, "\" take effect on the same day"));
    }
    for (int i = 0; i < kAqiItemCount; ++i) {
      const BreakpointTable& t = s.tables[i];
      const auto where = [&] {
        return absl::StrCat(s.id, " table ", AqiItemName(AqiItem(i)), ": ");
      };
      if (t.item != AqiItem(i)) {
        return absl::InvalidArgumentError(absl::StrCat(where(), "stored under the wrong item"));
      }
      if (t.size < 2 || t.size > BreakpointTable::kMaxBreakpoints) {
        return absl::InvalidArgumentError(absl::StrCat(where(), "size ", t.size));
      }
      if (t.concentrations[0] != 0 || t.iaqi[0] != 0) {
        return absl::InvalidArgumentError(absl::StrCat(where(), "must start at 0 -> 0"));
      }
      for (int k = 1; k < t.size; ++k) {
        if (!(t.concentrations[k] > t.concentrations[k - 1]) || t.iaqi[k] <= t.iaqi[k - 1]) {
          return absl::InvalidArgumentError(
              absl::StrCat(where(), "breakpoints must strictly increase at index ", k));
        }
      }
    }
  }
  return AirQualityStandards(std::move(versions));
}

AirQualityStandards AirQualityStandards::National() {
  // The built-in data is valid by construction; the unit tests pin that down.
  return *Create({Hj633Of2012(), Hj633Of2026()});
}

absl::StatusOr<const AirQualityStandard*> AirQualityStandards::ForDay(absl::CivilDay day) const {
  auto after = std::upper_bound(
      versions_.begin(), versions_.end(), day,
      [](absl::CivilDay d, const AirQualityStandard& s) { return d < s.effective_from; });
  if (after == versions_.begin()) {
    return absl::NotFoundError(absl::StrFormat(
        "no air-quality standard in force on %s (the first takes effect on %s)",
        absl::FormatCivilTime(day), absl::FormatCivilTime(versions_.front().effective_from)));
  }
  return &*(after - 1);
}

}  // namespace ecoplan::indicator
