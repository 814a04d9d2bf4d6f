#pragma once

// The pieces the evaluation of one indicator (evaluation.h) is made of,
// shared by its files; pure, not part of the domain's interface:
//   evaluation.cc             IndicatorStatusName, SingleVersion, an air-quality
//                             indicator evaluated (EvaluateAirQuality: each
//                             caliber, the year-on-year change), and the few
//                             helpers below every file uses (DaysInclusive,
//                             Num, ByProjection);
//   evaluation_days.cc        the day and verdict arithmetic: which days count
//                             (DayVerdict), the period's days tallied
//                             (TallyYearToDate), the seasonal profile of past
//                             years (BuildProfile, here as a template), the
//                             annual validity (AnnualShortfall), MeanOver;
//   evaluation_projection.cc  projection and guidance: each aggregation's
//                             projection to the end of the period and what the
//                             remaining days must achieve (ProjectMean,
//                             ProjectRatio, ProjectCount), the projected value
//                             alone (ProjectedValue, the band's), and the status
//                             when the projection did not settle it (DecideStatus);
//   evaluation_reported.cc    a reported indicator evaluated (EvaluateReported).

#include <array>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "services/indicator/domain/aqi.h"
#include "services/indicator/domain/evaluation.h"

namespace ecoplan::indicator::evaluation_internal {

// --- evaluation.cc

// The days in [from, to]; 0 when `to` is before `from`.
int DaysInclusive(absl::CivilDay from, absl::CivilDay to);

// `v` rounded half-even to `decimals` and printed with them.
std::string Num(double v, int decimals = 1);

// Status of projection `p` against target `t` (not yet settled), with its
// reason in English and in Chinese.
IndicatorStatus ByProjection(Comparator c, double p, double t, const EvaluationRules& rules,
                             std::string* reason, std::string* reason_zh, absl::string_view unit);

// The comparator as a Chinese reader writes it before a target: "≤", "≥" …,
// and "较上年改善" for kImproves.
const char* ComparatorSymbolZh(Comparator c);

// --- evaluation_days.cc

// Month profile of past complete years: factor per month (value / annual level).
struct Profile {
  std::vector<int> years;
  std::array<double, 12> factor = {};  // mean-type: monthly mean / annual mean
  std::array<double, 12> rate = {};    // count-type: share of qualifying days per month
  // Each year's own factors and rates (one for one with `years`), whose
  // projections give the band around the projection under their mean.
  std::vector<std::array<double, 12>> year_factor, year_rate;
};

// Past years (before `year`) with enough valid days in every month, by the
// daily value `value` gives (a template: defined here, not in evaluation_days.cc).
template <typename ValueFn>
Profile BuildProfile(absl::Span<const DistrictDay> days, int year, const EvaluationRules& rules,
                     ValueFn value /* optional<double>(const DistrictDay&) */) {
  std::map<int, std::array<std::pair<double, int>, 12>> by_year;
  for (const DistrictDay& d : days) {
    if (d.day.year() >= year) break;
    std::optional<double> v = value(d);
    if (!v.has_value()) continue;
    auto& m = by_year[static_cast<int>(d.day.year())][d.day.month() - 1];
    m.first += *v;
    ++m.second;
  }
  Profile p;
  std::array<double, 12> factor_sum = {}, rate_sum = {};
  for (auto& [y, months] : by_year) {
    bool complete = true;
    double total = 0;
    int n = 0;
    for (auto& [sum, count] : months) {
      complete = complete && count >= rules.min_days_per_month_for_profile;
      total += sum;
      n += count;
    }
    if (!complete || n == 0) continue;
    const double annual = total / n;
    p.years.push_back(y);
    std::array<double, 12>& factor = p.year_factor.emplace_back();
    std::array<double, 12>& rate = p.year_rate.emplace_back();
    for (int m = 0; m < 12; ++m) {
      const double monthly = months[m].first / months[m].second;
      factor[m] = annual > 0 ? monthly / annual : 1.0;
      rate[m] = monthly;
      factor_sum[m] += factor[m];
      rate_sum[m] += rate[m];
    }
  }
  for (int m = 0; m < 12; ++m) {
    p.factor[m] = p.years.empty() ? 1.0 : factor_sum[m] / p.years.size();
    p.rate[m] = p.years.empty() ? 0.0 : rate_sum[m] / p.years.size();
  }
  return p;
}

// The valid days of a period so far, tallied (TallyYearToDate).
struct YearToDate {
  int n = 0;                   // valid days
  double sum = 0;              // of the item (mean type)
  int qualifying = 0;          // days that qualify (ratio / count)
  double expected_weight = 0;  // Σ profile factor (or rate) over observed days
  std::map<std::string, int> standards;
  std::array<int, 12> valid_by_month = {};  // valid days per month (index 0 = January)
};

// Whether a day counts for `ind` (优良 / 重污染), or nullopt when its AQI does
// not decide it: not published, or an item missing whose value could change the
// verdict (evaluation_days.cc says why).
std::optional<bool> DayVerdict(const Indicator& ind, const DailyAqi& aqi);

// Each day's AQI under one caliber, one for one with an area's days (nullopt:
// no AQI, e.g. no version of the standards for the day).
using DayAqis = std::vector<std::optional<DailyAqi>>;

// The AQI of every day of `days` under `standards`.
DayAqis ComputeDayAqis(absl::Span<const DistrictDay> days, const AirQualityStandards& standards);

// The days of the period up to `end_day` that count for `ind`, tallied;
// `decimals` gets those of the item's period statistic (mean type). Counting
// types read the days' AQIs from `aqis` (one for one with `days`).
YearToDate TallyYearToDate(const Indicator& ind, absl::Span<const DistrictDay> days,
                           absl::Span<const std::optional<DailyAqi>> aqis,
                           const AirQualityStandards& standards, const Profile& profile,
                           bool counting, DailyItem item, absl::CivilDay end_day, int* decimals);

// Why a calendar year's data cannot carry an annual verdict, in English and in
// Chinese; empty when they can, or when the period is not a calendar year.
struct Shortfall {
  std::string en, zh;
  bool empty() const { return en.empty(); }
};
Shortfall AnnualShortfall(const Indicator& ind, const YearToDate& ytd,
                          const AirQualityStandards& standards);

// --- evaluation_projection.cc

// What a caliber's aggregation projects: its values and method and, where the
// projection already decides it, the status and its reason.
struct Projection {
  double current = 0;
  double projected = 0;
  std::string method, method_zh;
  std::string reason, reason_zh;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::optional<double> required;
  std::string required_text, required_text_zh;
};

// What every aggregation's projection reads.
struct ProjectionInput {
  const Indicator& ind;
  absl::CivilDay as_of;
  const YearToDate& ytd;  // at least one valid day
  const Profile& profile;
  int remaining;            // days left in the period
  double remaining_weight;  // their weight under the profile
  int decimals;             // of the mean (kMeanOfDaily)
  // The days left as (month index 0..11, days) runs in calendar order.
  absl::Span<const std::pair<int, int>> remaining_runs;

  bool seasonal() const { return !profile.years.empty(); }
  double total_days() const { return ytd.n + remaining; }
};

// The profile weights a projected value reads: the monthly rates (a ratio
// reads them day by day), their sum over the days observed, and that over the
// days left (the factors' for a mean, the rates' for a ratio or a count).
struct ProjectionWeights {
  const std::array<double, 12>& rate;
  double observed;
  double remaining;
};

// The whole profile's weights: `in.profile.rate`, `in.ytd.expected_weight`,
// `in.remaining_weight`.
ProjectionWeights WeightsOf(const ProjectionInput& in);

// The projected value alone, the same double as Project<aggregation>(in).projected
// (which computes it here with WeightsOf(in)), without the texts: the band
// around a projection projects each past year's weights and keeps only this.
// Precondition: `in.seasonal()` when `w` is not WeightsOf(in).
double ProjectedValue(const ProjectionInput& in, const ProjectionWeights& w);

// "seasonal profile of 2014, 2015 (each month weighted by its share in those years)";
// ProfileMethodZh: "按2014、2015年的逐月季节规律推算（各月按其在这些年份中的占比加权）".
std::string ProfileMethod(const Profile& p);
std::string ProfileMethodZh(const Profile& p);

// The projection of a mean of daily values (PM2.5 …), of a ratio of
// qualifying days (优良天数比率) and of a count of days (重污染天数), each with
// what the remaining days must achieve, and a status where already settled.
Projection ProjectMean(const ProjectionInput& in);
Projection ProjectRatio(const ProjectionInput& in);
Projection ProjectCount(const ProjectionInput& in);

// The status of a projection that did not decide it: unknown target, period
// over (with `data_shortfall`, AnnualShortfall, no verdict), too few days to
// project, or the projection against the target.
void DecideStatus(const Indicator& ind, absl::CivilDay as_of, int valid_days,
                  const Shortfall& data_shortfall, const EvaluationRules& rules, Projection* p);

}  // namespace ecoplan::indicator::evaluation_internal
