// The day and verdict arithmetic of an air-quality evaluation: which days
// count for an indicator, the period's valid days tallied, the annual
// validity of a calendar year's data, and the mean over days (MeanOver,
// evaluation.h). The seasonal profile is built in evaluation_internal.h.

#include <cmath>
#include <string>
#include <utility>

#include "services/indicator/domain/aqi.h"
#include "services/indicator/domain/evaluation_internal.h"
#include "services/indicator/domain/validity.h"

namespace ecoplan::indicator {
namespace evaluation_internal {
namespace {

bool Qualifies(const Indicator& ind, const DailyAqi& aqi) {
  return ind.aggregation == Aggregation::kRatioOfQualifyingDays ? aqi.IsGoodDay()
                                                                : aqi.IsHeavyPollutionDay();
}

}  // namespace

// Whether a day counts for `ind` (优良 / 重污染), or nullopt when its AQI does
// not decide it: not published, or an item missing whose value could change the
// verdict. A missing item can only raise the AQI, so an AQI ≤ 100 without O3 is
// not certainly 优良 (nor one ≤ 200 certainly not 重污染) under either standard;
// HJ 633-2012 publishes such an AQI, but it does not count.
std::optional<bool> DayVerdict(const Indicator& ind, const DailyAqi& aqi) {
  if (!aqi.published()) return std::nullopt;
  const bool qualifies = Qualifies(ind, aqi);
  if (aqi.missing_items != 0) {
    const bool good_ratio = ind.aggregation == Aggregation::kRatioOfQualifyingDays;
    if (good_ratio == qualifies) return std::nullopt;
  }
  return qualifies;
}

// The days of the period up to `end_day` that count for `ind`, tallied;
// `decimals` gets those of the item's period statistic (mean type).
DayAqis ComputeDayAqis(absl::Span<const DistrictDay> days, const AirQualityStandards& standards) {
  DayAqis out;
  out.reserve(days.size());
  for (const DistrictDay& d : days) {
    absl::StatusOr<DailyAqi> aqi = ComputeDailyAqi(standards, d.day, d.values);
    if (aqi.ok()) {
      out.emplace_back(*std::move(aqi));
    } else {
      out.emplace_back(std::nullopt);
    }
  }
  return out;
}

YearToDate TallyYearToDate(const Indicator& ind, absl::Span<const DistrictDay> days,
                           absl::Span<const std::optional<DailyAqi>> aqis,
                           const AirQualityStandards& standards, const Profile& profile,
                           bool counting, DailyItem item, absl::CivilDay end_day, int* decimals) {
  YearToDate ytd;
  for (size_t i = 0; i < days.size(); ++i) {
    const DistrictDay& d = days[i];
    if (d.day < ind.period_start || d.day > end_day) continue;
    if (counting) {
      const std::optional<DailyAqi>& aqi = aqis[i];
      if (!aqi.has_value()) continue;
      const std::optional<bool> verdict = DayVerdict(ind, *aqi);
      if (!verdict.has_value()) continue;
      ++ytd.n;
      ++ytd.valid_by_month[d.day.month() - 1];
      ++ytd.standards[aqi->standard_id];
      if (*verdict) ++ytd.qualifying;
      ytd.expected_weight += profile.rate[d.day.month() - 1];
    } else {
      const DailyStatistic& s = d.values[static_cast<int>(item)];
      if (!s.usable()) continue;
      ++ytd.n;
      ++ytd.valid_by_month[d.day.month() - 1];
      ytd.sum += s.value;
      ytd.expected_weight += profile.factor[d.day.month() - 1];
      absl::StatusOr<const AirQualityStandard*> std_of_day = standards.ForDay(d.day);
      if (std_of_day.ok()) {
        ++ytd.standards[(*std_of_day)->id];
        *decimals = (*std_of_day)->period_statistic_decimals[static_cast<int>(item)];
      }
    }
  }
  return ytd;
}

// Why a calendar year's data cannot carry an annual verdict (GB 3095 / HJ 663:
// at least 324 valid days, 27 in each month, 25 in February, under the rules of
// the standard in force on the last day); empty when they can, or when the
// period is not a calendar year.
Shortfall AnnualShortfall(const Indicator& ind, const YearToDate& ytd,
                          const AirQualityStandards& standards) {
  const int year = static_cast<int>(ind.period_start.year());
  if (ind.period_start != absl::CivilDay(year, 1, 1) ||
      ind.period_end != absl::CivilDay(year, 12, 31)) {
    return {};
  }
  absl::StatusOr<const AirQualityStandard*> standard = standards.ForDay(ind.period_end);
  if (!standard.ok()) return {};
  const AnnualValidity v = CheckAnnualValidity(year, ytd.valid_by_month, (*standard)->validity);
  if (v.validity == Validity::kValid) return {};
  return {v.reason, v.reason_zh};
}

}  // namespace evaluation_internal

std::optional<double> MeanOver(absl::Span<const DistrictDay> days, DailyItem item,
                               absl::CivilDay from, absl::CivilDay to, int* count) {
  double sum = 0;
  int n = 0;
  for (const DistrictDay& d : days) {
    if (d.day < from || d.day > to) continue;
    const DailyStatistic& s = d.values[static_cast<int>(item)];
    if (!s.usable()) continue;
    sum += s.value;
    ++n;
  }
  if (count != nullptr) *count = n;
  if (n == 0) return std::nullopt;
  return sum / n;
}

}  // namespace ecoplan::indicator
