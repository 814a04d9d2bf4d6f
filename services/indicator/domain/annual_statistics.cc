#include "services/indicator/domain/annual_statistics.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "services/indicator/domain/rounding.h"

namespace ecoplan::indicator {
namespace {

struct Spec {
  DailyItem item;
  AnnualStatisticKind kind;
  double percentile;
};

// HJ 663 annual evaluation items.
constexpr Spec kSpecs[] = {
    {DailyItem::kSo2, AnnualStatisticKind::kMean, 0},
    {DailyItem::kNo2, AnnualStatisticKind::kMean, 0},
    {DailyItem::kPm10, AnnualStatisticKind::kMean, 0},
    {DailyItem::kPm25, AnnualStatisticKind::kMean, 0},
    {DailyItem::kCo, AnnualStatisticKind::kPercentile, 95},
    {DailyItem::kO3Max8h, AnnualStatisticKind::kPercentile, 90},
};

absl::Status DuplicateDay(absl::string_view what, absl::CivilDay day) {
  return absl::InvalidArgumentError(
      absl::StrCat(what, " given twice for ", absl::FormatCivilTime(day)));
}

}  // namespace

const AnnualStatistic* AnnualStatistics::Find(DailyItem item, AnnualStatisticKind kind) const {
  for (const AnnualStatistic& s : statistics) {
    if (s.item == item && s.kind == kind) return &s;
  }
  return nullptr;
}

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double k = 1 + (static_cast<double>(values.size()) - 1) * p / 100.0;
  const size_t s = static_cast<size_t>(std::floor(k));  // 1-based
  if (s >= values.size()) return values.back();
  return values[s - 1] + (values[s] - values[s - 1]) * (k - static_cast<double>(s));
}

absl::StatusOr<AnnualStatistics> ComputeAnnualStatistics(int year,
                                                         absl::Span<const DistrictDay> days,
                                                         absl::Span<const DailyAqi> aqis,
                                                         const AirQualityStandards& standards) {
  absl::StatusOr<const AirQualityStandard*> last = standards.ForDay(absl::CivilDay(year, 12, 31));
  if (!last.ok()) return last.status();
  const AirQualityStandard& standard = **last;
  const ValidityRules& rules = standard.validity;

  AnnualStatistics out;
  out.year = year;
  out.evaluation_standard = standard.evaluation_standard;
  const absl::CivilYear civil_year(year);

  // Daily values per item, and per-month counts for validity.
  std::array<std::vector<double>, kDailyItemCount> values;
  std::array<std::array<int, 12>, kDailyItemCount> by_month = {};
  absl::flat_hash_set<int> seen;
  seen.reserve(days.size());
  for (const DistrictDay& d : days) {
    if (absl::CivilYear(d.day) != civil_year) continue;
    if (!seen.insert(absl::GetYearDay(d.day)).second) return DuplicateDay("district day", d.day);
    for (int i = 0; i < kDailyItemCount; ++i) {
      if (!d.values[i].usable()) continue;
      values[i].push_back(d.values[i].value);
      ++by_month[i][d.day.month() - 1];
    }
  }

  for (const Spec& spec : kSpecs) {
    const int i = static_cast<int>(spec.item);
    AnnualStatistic& stat = out.statistics.emplace_back();
    stat.item = spec.item;
    stat.kind = spec.kind;
    stat.percentile = spec.percentile;
    stat.validity = CheckAnnualValidity(year, by_month[i], rules);
    std::vector<double>& v = values[i];
    if (spec.kind == AnnualStatisticKind::kMean) {
      double sum = 0;
      for (double x : v) sum += x;
      stat.unrounded = v.empty() ? 0 : sum / static_cast<double>(v.size());
    } else {
      stat.unrounded = Percentile(v, spec.percentile);
    }
    stat.decimals = standard.period_statistic_decimals[i];
    stat.value = RoundHalfEven(stat.unrounded, stat.decimals);
  }

  std::array<int, 12> aqi_by_month = {};
  seen.clear();
  for (const DailyAqi& a : aqis) {
    if (absl::CivilYear(a.day) != civil_year) continue;
    if (!seen.insert(absl::GetYearDay(a.day)).second) return DuplicateDay("daily AQI", a.day);
    auto it = std::find_if(out.days_by_standard.begin(), out.days_by_standard.end(),
                           [&](const auto& entry) { return entry.first == a.standard_id; });
    if (it == out.days_by_standard.end()) {
      out.days_by_standard.emplace_back(a.standard_id, 1);
    } else {
      ++it->second;
    }
    if (!a.published()) {
      ++out.days_without_aqi;
      continue;
    }
    ++out.days_with_aqi;
    ++aqi_by_month[a.day.month() - 1];
    if (a.IsGoodDay()) ++out.good_days;
    if (a.IsHeavyPollutionDay()) ++out.heavy_pollution_days;
  }
  out.good_day_ratio_validity = CheckAnnualValidity(year, aqi_by_month, rules);
  if (out.days_with_aqi > 0) {
    out.good_day_ratio_percent = RoundHalfEven(
        100.0 * static_cast<double>(out.good_days) / static_cast<double>(out.days_with_aqi), 1);
  }
  return out;
}

}  // namespace ecoplan::indicator
