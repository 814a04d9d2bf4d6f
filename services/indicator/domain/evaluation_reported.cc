// A reported indicator evaluated (EvaluateReported, evaluation.h): its values
// in the period by its aggregation (a cumulative count, a year-on-year change,
// a mean, the latest value), projected, and judged against the target.

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/indicator/domain/evaluation_internal.h"
#include "services/indicator/domain/rounding.h"

namespace ecoplan::indicator {
namespace {

using evaluation_internal::ByProjection;
using evaluation_internal::ComparatorSymbolZh;
using evaluation_internal::DaysInclusive;
using evaluation_internal::Num;

// The current and projected values of an indicator's reported values in the
// period (`last_year`: those of the same days a year before), by its
// aggregation, with the projection method in `out`; `settled` gets a status
// the values already decide. False, with `out`'s status set, when there is
// nothing to compare with.
bool ProjectReported(const Indicator& ind, const std::vector<ReportedValue>& in_period,
                     const std::vector<ReportedValue>& last_year, double elapsed, double total,
                     double* current, double* projected, std::optional<IndicatorStatus>* settled,
                     Evaluation* out) {
  switch (ind.aggregation) {
    case Aggregation::kCumulativeCount: {
      for (const ReportedValue& v : in_period) *current += v.value;
      *projected = elapsed > 0 ? *current * total / elapsed : *current;
      out->projection_method = "straight line: the pace so far continued to the end of the period";
      out->projection_method_zh = "直线推算：按至今进度延续至期末";
      if (ind.target_value.has_value()) {
        const double more = *ind.target_value - *current;
        out->required_remaining_value = std::max(0.0, more);
        out->required_remaining_text =
            more <= 0 ? "the target is reached"
                      : absl::StrCat(Num(more, 0), " ", ind.unit, " more needed in the remaining ",
                                     out->remaining_days, " days");
        out->required_remaining_text_zh =
            more <= 0
                ? "已达到目标"
                : absl::StrCat("剩余", out->remaining_days, "天内还需", Num(more, 0), ind.unit);
        if (!LowerIsBetter(ind.comparator) &&
            Satisfies(ind.comparator, *current, *ind.target_value)) {
          *settled = IndicatorStatus::kAchieved;
        }
        if (LowerIsBetter(ind.comparator) &&
            !Satisfies(ind.comparator, *current, *ind.target_value)) {
          *settled = IndicatorStatus::kOffTrack;
        }
      }
      break;
    }
    case Aggregation::kYearOnYearChange: {
      double now = 0, last = 0;
      for (const ReportedValue& v : in_period) now += v.value;
      for (const ReportedValue& v : last_year) last += v.value;
      if (last_year.empty() || last == 0) {
        out->status = IndicatorStatus::kInsufficientData;
        out->status_reason = "no value for the same period of the previous year";
        out->status_reason_zh = "缺少上年同期数值";
        return false;
      }
      now /= in_period.size();
      last /= last_year.size();
      *current = RoundHalfEven(100.0 * (now - last) / last, 1);
      *projected = *current;
      out->projection_method = "none: a year-on-year change is judged on the period to date";
      out->projection_method_zh = "不作推算：同比变化按本期至今判断";
      break;
    }
    case Aggregation::kMeanOfDaily: {
      for (const ReportedValue& v : in_period) *current += v.value;
      *current /= in_period.size();
      *projected = *current;
      out->projection_method = "straight line: the mean so far";
      out->projection_method_zh = "直线推算：按至今均值计";
      break;
    }
    default: {
      *current = in_period.back().value;
      *projected = *current;
      out->projection_method = "latest value carried forward";
      out->projection_method_zh = "沿用最新数值";
      break;
    }
  }
  return true;
}

// The status of reported values against the indicator's target `t`: settled
// by the values already, judged at the end of the period, or projected.
void DecideReportedStatus(const Indicator& ind, double t, absl::CivilDay as_of, double current,
                          double projected, std::optional<IndicatorStatus> settled,
                          const EvaluationRules& rules, Evaluation* out) {
  if (settled.has_value()) {
    out->status = *settled;
    out->status_reason = absl::StrCat("settled: ", Num(current), " ", ind.unit, " against ",
                                      ComparatorSymbol(ind.comparator), " ", Num(t));
    out->status_reason_zh = absl::StrCat("已成定局：", Num(current), ind.unit, "，目标",
                                         ComparatorSymbolZh(ind.comparator), Num(t));
  } else if (as_of >= ind.period_end) {
    const bool met = Satisfies(ind.comparator, current, t);
    out->status = met ? IndicatorStatus::kAchieved : IndicatorStatus::kOffTrack;
    out->status_reason = absl::StrCat("period over: ", Num(current), met ? " meets " : " misses ",
                                      ComparatorSymbol(ind.comparator), " ", Num(t));
    out->status_reason_zh =
        absl::StrCat("本期已结束：", Num(current), ind.unit, met ? "，达到" : "，未达到", "目标",
                     ComparatorSymbolZh(ind.comparator), Num(t));
  } else {
    out->status = ByProjection(ind.comparator, projected, t, rules, &out->status_reason,
                               &out->status_reason_zh, ind.unit);
  }
}

}  // namespace

Evaluation EvaluateReported(const Indicator& ind, absl::CivilDay as_of,
                            std::vector<ReportedValue> values, const EvaluationRules& rules) {
  Evaluation out;
  out.as_of = as_of;
  out.target_value = ind.target_value;
  std::sort(values.begin(), values.end(),
            [](const ReportedValue& a, const ReportedValue& b) { return a.day < b.day; });
  const absl::CivilDay end = std::min(as_of, ind.period_end);
  std::vector<ReportedValue> in_period, last_year;
  for (const ReportedValue& v : values) {
    if (v.day >= ind.period_start && v.day <= end) in_period.push_back(v);
    if (v.day.year() == ind.period_start.year() - 1 &&
        absl::CivilDay(v.day.year() + 1, v.day.month(), v.day.day()) <= end) {
      last_year.push_back(v);
    }
  }
  out.observed_days = static_cast<int>(in_period.size());
  out.remaining_days = DaysInclusive(std::max(as_of + 1, ind.period_start), ind.period_end);
  if (in_period.empty()) {
    out.status = IndicatorStatus::kInsufficientData;
    out.status_reason = "no value reported for the period yet";
    out.status_reason_zh = "本期尚未报送数值";
    return out;
  }
  const double elapsed = DaysInclusive(ind.period_start, end);
  const double total = DaysInclusive(ind.period_start, ind.period_end);
  double current = 0, projected = 0;
  std::optional<IndicatorStatus> settled;
  if (!ProjectReported(ind, in_period, last_year, elapsed, total, &current, &projected, &settled,
                       &out)) {
    return out;
  }
  out.current_value = current;
  out.projected_value = RoundHalfEven(projected, 2);
  if (ind.comparator == Comparator::kImproves) {
    out.status = current < 0 ? (as_of >= ind.period_end ? IndicatorStatus::kAchieved
                                                        : IndicatorStatus::kOnTrack)
                             : IndicatorStatus::kOffTrack;
    out.status_reason = absl::StrCat("change against the previous year: ", Num(current), "%");
    out.status_reason_zh = absl::StrCat("同比变化：", Num(current), "%");
    return out;
  }
  if (!ind.target_value.has_value()) {
    out.status = IndicatorStatus::kInsufficientData;
    const bool needs_baseline =
        ind.target_basis != TargetBasis::kAbsolute && !ind.baseline_value.has_value();
    out.status_reason =
        needs_baseline
            ? absl::StrCat("baseline required: the target (", ind.target_text,
                           ") is a change from the prior year's value, which is not entered yet")
            : absl::StrCat("the target is unknown (", ind.target_text, ")");
    out.status_reason_zh = needs_baseline ? absl::StrCat("需录入基数：目标（", ind.target_text,
                                                         "）是相对上年数值的变化，上年数值尚未录入")
                                          : absl::StrCat("目标未定（", ind.target_text, "）");
    return out;
  }
  DecideReportedStatus(ind, *ind.target_value, as_of, current, projected, settled, rules, &out);
  return out;
}

}  // namespace ecoplan::indicator
