// Projection and guidance of an air-quality evaluation: each aggregation's
// projection of the period's value (a seasonal profile of past years, or a
// straight line, always named), what the remaining days must achieve, and the
// status when the projection did not settle it.

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/indicator/domain/evaluation_internal.h"
#include "services/indicator/domain/rounding.h"

namespace ecoplan::indicator::evaluation_internal {

std::string ProfileMethod(const Profile& p) {
  return absl::StrCat("seasonal profile of ", absl::StrJoin(p.years, ", "),
                      " (each month weighted by its share in those years)");
}

std::string ProfileMethodZh(const Profile& p) {
  return absl::StrCat("按", absl::StrJoin(p.years, "、"),
                      "年的逐月季节规律推算（各月按其在这些年份中的占比加权）");
}

ProjectionWeights WeightsOf(const ProjectionInput& in) {
  return {in.profile.rate, in.ytd.expected_weight, in.remaining_weight};
}

namespace {

// Each aggregation's projected value (ProjectedValue).
double MeanProjected(const ProjectionInput& in, const ProjectionWeights& w) {
  const YearToDate& ytd = in.ytd;
  if (!in.seasonal()) return ytd.sum / ytd.n;
  const double level = w.observed > 0 ? ytd.sum / w.observed : ytd.sum / ytd.n;
  return (ytd.sum + level * w.remaining) / in.total_days();
}

double RatioProjected(const ProjectionInput& in, const ProjectionWeights& w) {
  const YearToDate& ytd = in.ytd;
  double expected_good = 0;
  if (in.seasonal()) {
    const double scale = w.observed > 0 ? ytd.qualifying / w.observed : 1.0;
    // Day by day in calendar order, as runs of a month's days: the same
    // additions, in the same order, as a walk over the remaining days.
    for (const auto& [month, n] : in.remaining_runs) {
      const double good = std::min(1.0, scale * w.rate[month]);
      for (int i = 0; i < n; ++i) expected_good += good;
    }
  } else {
    expected_good = in.remaining * static_cast<double>(ytd.qualifying) / ytd.n;
  }
  return 100.0 * (ytd.qualifying + expected_good) / in.total_days();
}

double CountProjected(const ProjectionInput& in, const ProjectionWeights& w) {
  const YearToDate& ytd = in.ytd;
  const double expected_more =
      in.seasonal() ? w.remaining : in.remaining * static_cast<double>(ytd.qualifying) / ytd.n;
  return ytd.qualifying + expected_more;
}

}  // namespace

double ProjectedValue(const ProjectionInput& in, const ProjectionWeights& w) {
  // As EvaluateCaliber picks the projection: every other aggregation counts.
  switch (in.ind.aggregation) {
    case Aggregation::kMeanOfDaily:
      return MeanProjected(in, w);
    case Aggregation::kRatioOfQualifyingDays:
      return RatioProjected(in, w);
    default:
      return CountProjected(in, w);
  }
}

Projection ProjectMean(const ProjectionInput& in) {
  const Indicator& ind = in.ind;
  const YearToDate& ytd = in.ytd;
  const std::optional<double> target = ind.target_value;
  const int remaining = in.remaining;
  Projection p;
  // The period's statistic is rounded as the standard says (PM2.5: an integer);
  // while the period runs, one decimal more, so 27.4 is not shown as 27.
  p.current =
      RoundHalfEven(ytd.sum / ytd.n, in.as_of >= ind.period_end ? in.decimals : in.decimals + 1);
  p.projected = MeanProjected(in, WeightsOf(in));
  if (in.seasonal()) {
    p.method = ProfileMethod(in.profile);
    p.method_zh = ProfileMethodZh(in.profile);
  } else {
    p.method =
        "straight line: the remaining days assumed to average the period-to-date mean "
        "(no complete past year for a seasonal profile)";
    p.method_zh = "直线推算：剩余天数按本期至今均值计（没有完整的往年数据可作季节规律）";
  }
  if (target.has_value() && remaining > 0) {
    const double need = (*target * in.total_days() - ytd.sum) / remaining;
    p.required = RoundHalfEven(need, 1);
    p.required_text =
        need < 0 ? absl::StrCat("the target ", Num(*target, 0),
                                " can no longer be reached: "
                                "even 0 on the remaining ",
                                remaining, " days would not do")
                 : absl::StrCat("the remaining ", remaining, " days must average ",
                                ComparatorSymbol(ind.comparator), " ", Num(need), " ", ind.unit,
                                " for the annual mean to reach ", Num(*target, 0));
    p.required_text_zh =
        need < 0 ? absl::StrCat("目标", Num(*target, 0), "已无法实现：剩余", remaining,
                                "天即使均为0也不够")
                 : absl::StrCat("剩余", remaining, "天日均须", ComparatorSymbolZh(ind.comparator),
                                Num(need), ind.unit, "，全期均值方能达到", Num(*target, 0));
    if (need < 0 && LowerIsBetter(ind.comparator)) {
      p.status = IndicatorStatus::kOffTrack;
      p.reason = p.required_text;
      p.reason_zh = p.required_text_zh;
    }
  }
  return p;
}

Projection ProjectRatio(const ProjectionInput& in) {
  const Indicator& ind = in.ind;
  const YearToDate& ytd = in.ytd;
  const std::optional<double> target = ind.target_value;
  const int remaining = in.remaining;
  const double total_days = in.total_days();
  Projection p;
  p.current = RoundHalfEven(100.0 * ytd.qualifying / ytd.n, 1);
  p.projected = RatioProjected(in, WeightsOf(in));
  if (in.seasonal()) {
    p.method = ProfileMethod(in.profile);
    p.method_zh = ProfileMethodZh(in.profile);
  } else {
    p.method = "straight line: the remaining days assumed to keep the period-to-date ratio";
    p.method_zh = "直线推算：剩余天数按本期至今的比率计";
  }
  if (target.has_value()) {
    const int need =
        static_cast<int>(std::ceil(*target / 100.0 * total_days - 1e-9)) - ytd.qualifying;
    p.required = need;
    if (need <= 0 && remaining > 0) {
      p.status = IndicatorStatus::kAchieved;
      p.reason = absl::StrCat(ytd.qualifying, " 优良 days already secure ", Num(*target, 0),
                              "% of the ", total_days, " days of the year");
      p.reason_zh = absl::StrCat("已有优良天", ytd.qualifying, "天，已确保全期", total_days, "天中",
                                 Num(*target, 0), "%的要求");
      p.required_text = "no more 优良 days needed";
      p.required_text_zh = "无需更多优良天";
    } else if (remaining > 0) {
      p.required_text =
          absl::StrCat("at least ", need, " of the remaining ", remaining, " days (",
                       Num(100.0 * need / remaining), "%) must be 优良 for ", Num(*target, 0), "%");
      p.required_text_zh =
          absl::StrCat("剩余", remaining, "天中至少", need, "天（", Num(100.0 * need / remaining),
                       "%）须为优良，方能达到", Num(*target, 0), "%");
      if (need > remaining) {
        p.status = IndicatorStatus::kOffTrack;
        p.reason =
            absl::StrCat("even if all remaining ", remaining,
                         " days were 优良 the ratio would stay below ", Num(*target, 0), "%");
        p.reason_zh =
            absl::StrCat("即使剩余", remaining, "天全部为优良，比率仍低于", Num(*target, 0), "%");
        // Guidance never contradicts the status: no "at least 118 of 26 days".
        p.required_text = absl::StrCat("out of reach: ", p.reason);
        p.required_text_zh = absl::StrCat("已无法实现：", p.reason_zh);
      }
    }
  }
  return p;
}

Projection ProjectCount(const ProjectionInput& in) {
  const YearToDate& ytd = in.ytd;
  const std::optional<double> target = in.ind.target_value;
  Projection p;
  p.current = ytd.qualifying;
  p.projected = CountProjected(in, WeightsOf(in));
  if (in.seasonal()) {
    p.method = absl::StrCat(ProfileMethod(in.profile),
                            ": expected days per month from those years' frequencies");
    p.method_zh = absl::StrCat("按", absl::StrJoin(in.profile.years, "、"),
                               "年各月的发生频率推算剩余各月的预计天数");
  } else {
    p.method = "straight line: the period-to-date frequency continued";
    p.method_zh = "直线推算：按本期至今的发生频率延续";
  }
  if (target.has_value()) {
    const double allowed = *target - ytd.qualifying;
    p.required = allowed;
    if (allowed < 0) {
      p.status = IndicatorStatus::kOffTrack;
      p.reason = absl::StrCat("already ", ytd.qualifying, " 重污染 days, above the maximum ",
                              Num(*target, 0));
      p.reason_zh =
          absl::StrCat("重污染天数已达", ytd.qualifying, "天，超过上限", Num(*target, 0), "天");
      p.required_text = p.reason;
      p.required_text_zh = p.reason_zh;
    } else {
      p.required_text = absl::StrCat("at most ", Num(allowed, 0), " more 重污染 day",
                                     allowed == 1 ? " is" : "s are", " allowed in the remaining ",
                                     in.remaining, " days");
      p.required_text_zh =
          absl::StrCat("剩余", in.remaining, "天内至多还允许", Num(allowed, 0), "个重污染天");
    }
  }
  return p;
}

// The status of a projection that did not decide it: unknown target, period
// over, too few days to project, or the projection against the target.
void DecideStatus(const Indicator& ind, absl::CivilDay as_of, int valid_days,
                  const Shortfall& data_shortfall, const EvaluationRules& rules, Projection* p) {
  if (p->status != IndicatorStatus::kUnspecified) return;
  const std::optional<double> target = ind.target_value;
  if (!target.has_value()) {
    p->status = IndicatorStatus::kInsufficientData;
    p->reason = absl::StrCat("the target is unknown (", ind.target_text, ")");
    p->reason_zh = absl::StrCat("目标未定（", ind.target_text, "）");
  } else if (as_of >= ind.period_end && !data_shortfall.empty()) {
    p->status = IndicatorStatus::kInsufficientData;
    p->reason =
        absl::StrCat("period over, but its data do not meet the validity rules (",
                     data_shortfall.en, "): no verdict on ", Num(p->current), " ", ind.unit);
    p->reason_zh = absl::StrCat("本期已结束，但数据不满足有效性要求（", data_shortfall.zh, "）：",
                                Num(p->current), ind.unit, "不作判定");
  } else if (as_of >= ind.period_end) {
    const bool met = Satisfies(ind.comparator, p->current, *target);
    p->status = met ? IndicatorStatus::kAchieved : IndicatorStatus::kOffTrack;
    p->reason =
        absl::StrCat("period over: ", Num(p->current), " ", ind.unit, met ? " meets " : " misses ",
                     ComparatorSymbol(ind.comparator), " ", Num(*target));
    p->reason_zh =
        absl::StrCat("本期已结束：", Num(p->current), ind.unit, met ? "，达到" : "，未达到", "目标",
                     ComparatorSymbolZh(ind.comparator), Num(*target));
  } else if (valid_days < rules.min_days_for_projection) {
    p->status = IndicatorStatus::kInsufficientData;
    p->reason = absl::StrCat("only ", valid_days, " valid days (at least ",
                             rules.min_days_for_projection, " needed to project)");
    p->reason_zh = absl::StrCat("有效天数仅", valid_days, "天（至少需",
                                rules.min_days_for_projection, "天才能推算）");
  } else {
    p->status = ByProjection(ind.comparator, p->projected, *target, rules, &p->reason,
                             &p->reason_zh, ind.unit);
  }
}

}  // namespace ecoplan::indicator::evaluation_internal
