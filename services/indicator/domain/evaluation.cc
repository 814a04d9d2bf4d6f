// An air-quality indicator evaluated (EvaluateAirQuality, evaluation.h): each
// caliber's days tallied, projected and judged, side by side where the period
// straddles a change of standards, or the year-on-year change; the status
// names, and the helpers every evaluation file uses. What is in the other
// files: evaluation_internal.h.

#include "services/indicator/domain/evaluation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/indicator/domain/aqi.h"
#include "services/indicator/domain/evaluation_internal.h"
#include "services/indicator/domain/rounding.h"

namespace ecoplan::indicator {
namespace evaluation_internal {

int DaysInclusive(absl::CivilDay from, absl::CivilDay to) {
  return to < from ? 0 : static_cast<int>(to - from) + 1;
}

std::string Num(double v, int decimals) {
  return absl::StrFormat("%.*f", decimals, RoundHalfEven(v, decimals));
}

const char* ComparatorSymbolZh(Comparator c) {
  return c == Comparator::kImproves ? "较上年改善" : ComparatorSymbol(c);
}

// Status of projection `p` against target `t` (not yet settled).
IndicatorStatus ByProjection(Comparator c, double p, double t, const EvaluationRules& rules,
                             std::string* reason, std::string* reason_zh, absl::string_view unit) {
  const double margin = std::fabs(t) * rules.at_risk_margin_percent / 100.0;
  const double gap = p - t;
  const std::string margin_text = Num(rules.at_risk_margin_percent);
  if (std::fabs(gap) <= margin) {
    *reason = absl::StrCat("projection ", Num(p), " ", unit, " is within ", margin_text,
                           "% of the target ", Num(t));
    *reason_zh =
        absl::StrCat("预计期末", Num(p), unit, "，与目标", Num(t), "相差在", margin_text, "%以内");
    return IndicatorStatus::kAtRisk;
  }
  if (Satisfies(c, p, t)) {
    *reason = absl::StrCat("projection ", Num(p), " ", unit, " meets the target ",
                           ComparatorSymbol(c), " ", Num(t), " with margin");
    *reason_zh = absl::StrCat("预计期末", Num(p), unit, "，达到目标", ComparatorSymbolZh(c), Num(t),
                              "且留有余量");
    return IndicatorStatus::kOnTrack;
  }
  *reason = absl::StrCat("projection ", Num(p), " ", unit, " misses the target ",
                         ComparatorSymbol(c), " ", Num(t), " by more than ", margin_text, "%");
  *reason_zh = absl::StrCat("预计期末", Num(p), unit, "，未达到目标", ComparatorSymbolZh(c), Num(t),
                            "，差距超过", margin_text, "%");
  return IndicatorStatus::kOffTrack;
}

}  // namespace evaluation_internal

namespace {

using evaluation_internal::AnnualShortfall;
using evaluation_internal::BuildProfile;
using evaluation_internal::ComputeDayAqis;
using evaluation_internal::DayAqis;
using evaluation_internal::DaysInclusive;
using evaluation_internal::DayVerdict;
using evaluation_internal::DecideStatus;
using evaluation_internal::Num;
using evaluation_internal::Profile;
using evaluation_internal::ProjectCount;
using evaluation_internal::ProjectedValue;
using evaluation_internal::Projection;
using evaluation_internal::ProjectionInput;
using evaluation_internal::ProjectMean;
using evaluation_internal::ProjectRatio;
using evaluation_internal::TallyYearToDate;
using evaluation_internal::YearToDate;

constexpr absl::CivilDay kFarPast(1900, 1, 1);

// The days from `from` to `to` as runs of (month index, days) in calendar
// order: a weight over them sums each month's factor once per day, in the
// same order as a walk over the days (the same double), without the walk.
std::vector<std::pair<int, int>> MonthRuns(absl::CivilDay from, absl::CivilDay to) {
  std::vector<std::pair<int, int>> runs;
  for (absl::CivilMonth m(from); from <= to; ++m) {
    const absl::CivilDay month_end = std::min(to, absl::CivilDay(m + 1) - 1);
    runs.emplace_back(m.month() - 1, DaysInclusive(from, month_end));
    from = month_end + 1;
  }
  return runs;
}

double WeightOver(const std::vector<std::pair<int, int>>& runs,
                  const std::array<double, 12>& per_month) {
  double weight = 0;
  for (const auto& [month, n] : runs) {
    for (int i = 0; i < n; ++i) weight += per_month[month];
  }
  return weight;
}

// A caliber in a memo key: its address, which is the evaluator's for its
// whole life (StrCat: StrFormat's "%p" cost more than the lookup it keys).
uintptr_t CaliberKey(const AirQualityStandards& standards) {
  return reinterpret_cast<uintptr_t>(&standards);
}

// Evaluates one caliber; fills `out` (the in-force caliber fills everything).
// `memo`: that of exactly `days`, or null (EvaluateAirQuality).
CaliberResult EvaluateCaliber(const Indicator& ind, absl::CivilDay as_of,
                              absl::Span<const DistrictDay> days,
                              const AirQualityStandards& standards, const std::string& caliber,
                              const EvaluationRules& rules, AreaMemo* memo, Evaluation* out) {
  CaliberResult result;
  result.caliber = caliber;
  const int year = static_cast<int>(ind.period_start.year());
  const absl::CivilDay end_day = std::min(as_of, ind.period_end);
  const int remaining = DaysInclusive(std::max(as_of + 1, ind.period_start), ind.period_end);
  const bool counting = ind.aggregation == Aggregation::kRatioOfQualifyingDays ||
                        ind.aggregation == Aggregation::kCountOfDays;
  const DailyItem item = counting ? DailyItem::kPm25 : DailyItemOf(ind.air_quality_item);

  // Each day's AQI under this caliber (counting types judge days by it): the
  // memo's, or computed here. Memo keys name the caliber by its address, which
  // is the evaluator's for its whole life.
  std::shared_ptr<const DayAqis> aqis;
  if (counting) {
    auto compute = [&] { return ComputeDayAqis(days, standards); };
    aqis = memo != nullptr
               ? memo->Get<DayAqis>(absl::StrCat("aqi/", CaliberKey(standards)), compute)
               : std::make_shared<const DayAqis>(compute());
  }
  // Profile from past years (the memo's: it reads only the days before the
  // period's year), and the current year's data.
  auto build_profile = [&] {
    if (counting) {
      return BuildProfile(days, year, rules, [&](const DistrictDay& d) -> std::optional<double> {
        const std::optional<DailyAqi>& aqi = (*aqis)[static_cast<size_t>(&d - days.data())];
        if (!aqi.has_value()) return std::nullopt;
        const std::optional<bool> verdict = DayVerdict(ind, *aqi);
        if (!verdict.has_value()) return std::nullopt;
        return *verdict ? 1.0 : 0.0;
      });
    }
    return BuildProfile(days, year, rules, [&](const DistrictDay& d) -> std::optional<double> {
      const DailyStatistic& s = d.values[static_cast<int>(item)];
      if (!s.usable()) return std::nullopt;
      return s.value;
    });
  };
  std::shared_ptr<const Profile> shared_profile;
  if (memo != nullptr) {
    // A day's verdict depends on the aggregation only (DayVerdict); a mean's
    // value on the item only, under any caliber.
    const std::string key = counting
                                ? absl::StrCat("profile/verdict/", CaliberKey(standards), "/",
                                               static_cast<int>(ind.aggregation), "/", year, "/",
                                               rules.min_days_per_month_for_profile)
                                : absl::StrCat("profile/mean/", static_cast<int>(item), "/", year,
                                               "/", rules.min_days_per_month_for_profile);
    shared_profile = memo->Get<Profile>(key, build_profile);
  } else {
    shared_profile = std::make_shared<const Profile>(build_profile());
  }
  const Profile& profile = *shared_profile;
  int decimals = 0;
  // The period's days only: a window found by binary search, not a scan of
  // every year held.
  const absl::Span<const DistrictDay> period = DaysWithin(days, ind.period_start, end_day);
  const size_t offset = static_cast<size_t>(period.data() - days.data());
  const absl::Span<const std::optional<DailyAqi>> period_aqis =
      counting ? absl::MakeConstSpan(*aqis).subspan(offset, period.size())
               : absl::Span<const std::optional<DailyAqi>>();
  const YearToDate ytd = TallyYearToDate(ind, period, period_aqis, standards, profile, counting,
                                         item, end_day, &decimals);
  result.days = ytd.n;
  if (out != nullptr) {
    out->observed_days = ytd.n;
    out->remaining_days = remaining;
    std::vector<std::string> used, used_zh;
    for (auto& [id, n] : ytd.standards) {
      used.push_back(absl::StrCat(id, ": ", n, " days"));
      used_zh.push_back(absl::StrCat(id, "：", n, "天"));
    }
    out->standards_used = absl::StrJoin(used, ", ");
    out->standards_used_zh = absl::StrJoin(used_zh, "；");
  }
  if (ytd.n == 0) {
    result.status = IndicatorStatus::kInsufficientData;
    if (out != nullptr) {
      // The evaluation's own status too, not only this caliber's: an indicator
      // without data is "insufficient data", never "not evaluated".
      out->status = IndicatorStatus::kInsufficientData;
      out->status_reason = "no valid day in the period so far";
      out->status_reason_zh = "本期至今尚无有效监测日";
    }
    return result;
  }
  // Remaining-days weight under the profile.
  const std::vector<std::pair<int, int>> remaining_runs =
      MonthRuns(std::max(as_of + 1, ind.period_start), ind.period_end);
  const double remaining_weight =
      WeightOver(remaining_runs, counting ? profile.rate : profile.factor);
  const ProjectionInput input{ind,      as_of,         ytd, profile, remaining, remaining_weight,
                              decimals, remaining_runs};
  Projection p = ind.aggregation == Aggregation::kMeanOfDaily             ? ProjectMean(input)
                 : ind.aggregation == Aggregation::kRatioOfQualifyingDays ? ProjectRatio(input)
                                                                          : ProjectCount(input);
  // The band: how far the years behind the profile disagree. Each past year's
  // own profile projects the same days to date; the lowest and the highest
  // bound the projection of their mean. Only the values: one projection per
  // year held, so no texts are made for them.
  std::optional<double> low, high;
  if (profile.years.size() >= 2 && remaining > 0) {
    for (size_t k = 0; k < profile.years.size(); ++k) {
      const std::array<double, 12>& weights =
          counting ? profile.year_rate[k] : profile.year_factor[k];
      double observed = 0;
      for (int m = 0; m < 12; ++m) observed += ytd.valid_by_month[m] * weights[m];
      const double v = ProjectedValue(
          input, {profile.year_rate[k], observed, WeightOver(remaining_runs, weights)});
      low = low.has_value() ? std::min(*low, v) : v;
      high = high.has_value() ? std::max(*high, v) : v;
    }
  }
  DecideStatus(ind, as_of, ytd.n, AnnualShortfall(ind, ytd, standards), rules, &p);
  result.current_value = p.current;
  result.projected_value = RoundHalfEven(p.projected, 1);
  result.status = p.status;
  if (out != nullptr) {
    out->current_value = result.current_value;
    out->projected_value = result.projected_value;
    if (low.has_value() && high.has_value()) {
      // Never narrower than the projection itself, at its rounding.
      out->projected_low = std::min(RoundHalfEven(*low, 1), *result.projected_value);
      out->projected_high = std::max(RoundHalfEven(*high, 1), *result.projected_value);
    }
    out->projection_method = p.method;
    out->projection_method_zh = p.method_zh;
    out->required_remaining_value = p.required;
    out->required_remaining_text = p.required_text;
    out->required_remaining_text_zh = p.required_text_zh;
    out->status = p.status;
    out->status_reason = p.reason;
    out->status_reason_zh = p.reason_zh;
  }
  return result;
}

}  // namespace

const char* IndicatorStatusName(IndicatorStatus status) {
  switch (status) {
    case IndicatorStatus::kAchieved:
      return "achieved";
    case IndicatorStatus::kOnTrack:
      return "on_track";
    case IndicatorStatus::kAtRisk:
      return "at_risk";
    case IndicatorStatus::kOffTrack:
      return "off_track";
    case IndicatorStatus::kInsufficientData:
      return "insufficient_data";
    default:
      return "unspecified";
  }
}

AirQualityStandards SingleVersion(AirQualityStandard version) {
  version.effective_from = kFarPast;
  absl::StatusOr<AirQualityStandards> s = AirQualityStandards::Create({std::move(version)});
  // The national tables are valid by construction (tested in the library).
  return *std::move(s);
}

Evaluation EvaluateAirQuality(const Indicator& indicator, absl::CivilDay as_of,
                              absl::Span<const DistrictDay> days, const Calibers& calibers,
                              const EvaluationRules& rules, AreaMemo* memo) {
  Evaluation out;
  out.as_of = as_of;
  out.target_value = indicator.target_value;
  if (indicator.aggregation == Aggregation::kYearOnYearChange) {
    const absl::CivilDay end = std::min(as_of, indicator.period_end);
    int n = 0, n_last = 0;
    const DailyItem item = DailyItemOf(indicator.air_quality_item);
    std::optional<double> now = MeanOver(DaysWithin(days, indicator.period_start, end), item,
                                         indicator.period_start, end, &n);
    const absl::CivilDay last_start(indicator.period_start.year() - 1,
                                    indicator.period_start.month(), indicator.period_start.day());
    const absl::CivilDay last_end(end.year() - 1, end.month(), end.day());
    std::optional<double> last =
        MeanOver(DaysWithin(days, last_start, last_end), item, last_start, last_end, &n_last);
    out.observed_days = n;
    out.projection_method = "none: a year-on-year change is judged on the period to date";
    out.projection_method_zh = "不作推算：同比变化按本期至今判断";
    if (!now.has_value() || !last.has_value() || *last <= 0) {
      out.status = IndicatorStatus::kInsufficientData;
      out.status_reason = "no data for the same period of the previous year";
      out.status_reason_zh = "缺少上年同期数据";
      return out;
    }
    const double change = RoundHalfEven(100.0 * (*now - *last) / *last, 1);
    out.current_value = change;
    out.status = change < 0 ? IndicatorStatus::kOnTrack : IndicatorStatus::kOffTrack;
    if (as_of >= indicator.period_end && change < 0) out.status = IndicatorStatus::kAchieved;
    out.status_reason =
        absl::StrCat(Num(*now), " against ", Num(*last), " a year earlier (", Num(change), "%)");
    out.status_reason_zh =
        absl::StrCat("本期", Num(*now), "，上年同期", Num(*last), "（同比", Num(change), "%）");
    return out;
  }
  if (calibers.in_force != nullptr) {
    out.calibers.push_back(
        EvaluateCaliber(indicator, as_of, days, *calibers.in_force, "in force", rules, memo, &out));
  }
  // Side by side for the periods that straddle a change of standards.
  const bool straddles = [&] {
    if (calibers.in_force == nullptr) return false;
    absl::StatusOr<const AirQualityStandard*> a = calibers.in_force->ForDay(indicator.period_start);
    absl::StatusOr<const AirQualityStandard*> b = calibers.in_force->ForDay(indicator.period_end);
    return a.ok() && b.ok() && *a != *b;
  }();
  if (straddles) {
    for (const auto& [name, standards] : calibers.fixed) {
      out.calibers.push_back(
          EvaluateCaliber(indicator, as_of, days, *standards, name, rules, memo, nullptr));
    }
    out.notes.push_back(
        indicator.target_caliber.empty()
            ? "the period straddles a change of standards and the target does not say which "
              "caliber it was written under: the status uses the version in force on each day; "
              "both calibers are shown side by side"
            : absl::StrCat("the target was written under ", indicator.target_caliber,
                           "; the status uses the version in force on each day, and that "
                           "caliber is shown beside it"));
    out.notes_zh.push_back(
        indicator.target_caliber.empty()
            ? "本期跨越新旧标准，目标未注明按哪一口径制定：状态按每日适用的标准判定，"
              "两种口径并列列出"
            : absl::StrCat("目标按", indicator.target_caliber,
                           "口径制定；状态按每日适用的标准判定，该口径并列列出"));
  }
  return out;
}

}  // namespace ecoplan::indicator
