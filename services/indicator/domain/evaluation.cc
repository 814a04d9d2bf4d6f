#include "services/indicator/domain/evaluation.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "services/indicator/domain/aqi.h"
#include "services/indicator/domain/rounding.h"
#include "services/indicator/domain/validity.h"

namespace ecoplan::indicator {
namespace {

constexpr absl::CivilDay kFarPast(1900, 1, 1);

int DaysInclusive(absl::CivilDay from, absl::CivilDay to) {
  return to < from ? 0 : static_cast<int>(to - from) + 1;
}

std::string Num(double v, int decimals = 1) {
  return absl::StrFormat("%.*f", decimals, RoundHalfEven(v, decimals));
}

// Status of projection `p` against target `t` (not yet settled).
IndicatorStatus ByProjection(Comparator c, double p, double t, const EvaluationRules& rules,
                             std::string* reason, absl::string_view unit) {
  const double margin = std::fabs(t) * rules.at_risk_margin_percent / 100.0;
  const double gap = p - t;
  if (std::fabs(gap) <= margin) {
    *reason = absl::StrCat("projection ", Num(p), " ", unit, " is within ",
                           Num(rules.at_risk_margin_percent), "% of the target ", Num(t));
    return IndicatorStatus::kAtRisk;
  }
  if (Satisfies(c, p, t)) {
    *reason = absl::StrCat("projection ", Num(p), " ", unit, " meets the target ",
                           ComparatorSymbol(c), " ", Num(t), " with margin");
    return IndicatorStatus::kOnTrack;
  }
  *reason =
      absl::StrCat("projection ", Num(p), " ", unit, " misses the target ", ComparatorSymbol(c),
                   " ", Num(t), " by more than ", Num(rules.at_risk_margin_percent), "%");
  return IndicatorStatus::kOffTrack;
}

// Month profile of past complete years: factor per month (value / annual level).
struct Profile {
  std::vector<int> years;
  std::array<double, 12> factor = {};  // mean-type: monthly mean / annual mean
  std::array<double, 12> rate = {};    // count-type: share of qualifying days per month
};

// Past years (before `year`) with enough valid days in every month.
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
    for (int m = 0; m < 12; ++m) {
      const double monthly = months[m].first / months[m].second;
      factor_sum[m] += annual > 0 ? monthly / annual : 1.0;
      rate_sum[m] += monthly;
    }
  }
  for (int m = 0; m < 12; ++m) {
    p.factor[m] = p.years.empty() ? 1.0 : factor_sum[m] / p.years.size();
    p.rate[m] = p.years.empty() ? 0.0 : rate_sum[m] / p.years.size();
  }
  return p;
}

std::string ProfileMethod(const Profile& p) {
  return absl::StrCat("seasonal profile of ", absl::StrJoin(p.years, ", "),
                      " (each month weighted by its share in those years)");
}

struct YearToDate {
  int n = 0;                   // valid days
  double sum = 0;              // of the item (mean type)
  int qualifying = 0;          // days that qualify (ratio / count)
  double expected_weight = 0;  // Σ profile factor (or rate) over observed days
  std::map<std::string, int> standards;
  std::array<int, 12> valid_by_month = {};  // valid days per month (index 0 = January)
};

bool Qualifies(const Indicator& ind, const DailyAqi& aqi) {
  return ind.aggregation == Aggregation::kRatioOfQualifyingDays ? aqi.IsGoodDay()
                                                                : aqi.IsHeavyPollutionDay();
}

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
YearToDate TallyYearToDate(const Indicator& ind, absl::Span<const DistrictDay> days,
                           const AirQualityStandards& standards, const Profile& profile,
                           bool counting, DailyItem item, absl::CivilDay end_day, int* decimals) {
  YearToDate ytd;
  for (const DistrictDay& d : days) {
    if (d.day < ind.period_start || d.day > end_day) continue;
    if (counting) {
      absl::StatusOr<DailyAqi> aqi = ComputeDailyAqi(standards, d.day, d.values);
      if (!aqi.ok()) continue;
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

// What a caliber's aggregation projects: its values and method and, where the
// projection already decides it, the status and its reason.
struct Projection {
  double current = 0;
  double projected = 0;
  std::string method;
  std::string reason;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::optional<double> required;
  std::string required_text;
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

  bool seasonal() const { return !profile.years.empty(); }
  double total_days() const { return ytd.n + remaining; }
};

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
  const double level = ytd.expected_weight > 0 ? ytd.sum / ytd.expected_weight : ytd.sum / ytd.n;
  if (in.seasonal()) {
    p.projected = (ytd.sum + level * in.remaining_weight) / in.total_days();
    p.method = ProfileMethod(in.profile);
  } else {
    p.projected = ytd.sum / ytd.n;
    p.method =
        "straight line: the remaining days assumed to average the period-to-date mean "
        "(no complete past year for a seasonal profile)";
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
    if (need < 0 && LowerIsBetter(ind.comparator)) {
      p.status = IndicatorStatus::kOffTrack;
      p.reason = p.required_text;
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
  double expected_good = 0;
  if (in.seasonal()) {
    const double scale = ytd.expected_weight > 0 ? ytd.qualifying / ytd.expected_weight : 1.0;
    for (absl::CivilDay d = std::max(in.as_of + 1, ind.period_start); d <= ind.period_end; ++d) {
      expected_good += std::min(1.0, scale * in.profile.rate[d.month() - 1]);
    }
    p.method = ProfileMethod(in.profile);
  } else {
    expected_good = remaining * static_cast<double>(ytd.qualifying) / ytd.n;
    p.method = "straight line: the remaining days assumed to keep the period-to-date ratio";
  }
  p.projected = 100.0 * (ytd.qualifying + expected_good) / total_days;
  if (target.has_value()) {
    const int need =
        static_cast<int>(std::ceil(*target / 100.0 * total_days - 1e-9)) - ytd.qualifying;
    p.required = need;
    if (need <= 0 && remaining > 0) {
      p.status = IndicatorStatus::kAchieved;
      p.reason = absl::StrCat(ytd.qualifying, " 优良 days already secure ", Num(*target, 0),
                              "% of the ", total_days, " days of the year");
      p.required_text = "no more 优良 days needed";
    } else if (remaining > 0) {
      p.required_text =
          absl::StrCat("at least ", need, " of the remaining ", remaining, " days (",
                       Num(100.0 * need / remaining), "%) must be 优良 for ", Num(*target, 0), "%");
      if (need > remaining) {
        p.status = IndicatorStatus::kOffTrack;
        p.reason =
            absl::StrCat("even if all remaining ", remaining,
                         " days were 优良 the ratio would stay below ", Num(*target, 0), "%");
        // Guidance never contradicts the status: no "at least 118 of 26 days".
        p.required_text = absl::StrCat("out of reach: ", p.reason);
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
  double expected_more = 0;
  if (in.seasonal()) {
    expected_more = in.remaining_weight;
    p.method = absl::StrCat(ProfileMethod(in.profile),
                            ": expected days per month from those years' frequencies");
  } else {
    expected_more = in.remaining * static_cast<double>(ytd.qualifying) / ytd.n;
    p.method = "straight line: the period-to-date frequency continued";
  }
  p.projected = ytd.qualifying + expected_more;
  if (target.has_value()) {
    const double allowed = *target - ytd.qualifying;
    p.required = allowed;
    if (allowed < 0) {
      p.status = IndicatorStatus::kOffTrack;
      p.reason = absl::StrCat("already ", ytd.qualifying, " 重污染 days, above the maximum ",
                              Num(*target, 0));
      p.required_text = p.reason;
    } else {
      p.required_text = absl::StrCat("at most ", Num(allowed, 0), " more 重污染 day",
                                     allowed == 1 ? " is" : "s are", " allowed in the remaining ",
                                     in.remaining, " days");
    }
  }
  return p;
}

// Why a calendar year's data cannot carry an annual verdict (GB 3095 / HJ 663:
// at least 324 valid days, 27 in each month, 25 in February, under the rules of
// the standard in force on the last day); empty when they can, or when the
// period is not a calendar year.
std::string AnnualShortfall(const Indicator& ind, const YearToDate& ytd,
                            const AirQualityStandards& standards) {
  const int year = static_cast<int>(ind.period_start.year());
  if (ind.period_start != absl::CivilDay(year, 1, 1) ||
      ind.period_end != absl::CivilDay(year, 12, 31)) {
    return "";
  }
  absl::StatusOr<const AirQualityStandard*> standard = standards.ForDay(ind.period_end);
  if (!standard.ok()) return "";
  const AnnualValidity v = CheckAnnualValidity(year, ytd.valid_by_month, (*standard)->validity);
  return v.validity == Validity::kValid ? "" : v.reason;
}

// The status of a projection that did not decide it: unknown target, period
// over, too few days to project, or the projection against the target.
void DecideStatus(const Indicator& ind, absl::CivilDay as_of, int valid_days,
                  const std::string& data_shortfall, const EvaluationRules& rules, Projection* p) {
  if (p->status != IndicatorStatus::kUnspecified) return;
  const std::optional<double> target = ind.target_value;
  if (!target.has_value()) {
    p->status = IndicatorStatus::kInsufficientData;
    p->reason = absl::StrCat("the target is unknown (", ind.target_text, ")");
  } else if (as_of >= ind.period_end && !data_shortfall.empty()) {
    p->status = IndicatorStatus::kInsufficientData;
    p->reason = absl::StrCat("period over, but its data do not meet the validity rules (",
                             data_shortfall, "): no verdict on ", Num(p->current), " ", ind.unit);
  } else if (as_of >= ind.period_end) {
    const bool met = Satisfies(ind.comparator, p->current, *target);
    p->status = met ? IndicatorStatus::kAchieved : IndicatorStatus::kOffTrack;
    p->reason =
        absl::StrCat("period over: ", Num(p->current), " ", ind.unit, met ? " meets " : " misses ",
                     ComparatorSymbol(ind.comparator), " ", Num(*target));
  } else if (valid_days < rules.min_days_for_projection) {
    p->status = IndicatorStatus::kInsufficientData;
    p->reason = absl::StrCat("only ", valid_days, " valid days (at least ",
                             rules.min_days_for_projection, " needed to project)");
  } else {
    p->status = ByProjection(ind.comparator, p->projected, *target, rules, &p->reason, ind.unit);
  }
}

// Evaluates one caliber; fills `out` (the in-force caliber fills everything).
CaliberResult EvaluateCaliber(const Indicator& ind, absl::CivilDay as_of,
                              absl::Span<const DistrictDay> days,
                              const AirQualityStandards& standards, const std::string& caliber,
                              const EvaluationRules& rules, Evaluation* out) {
  CaliberResult result;
  result.caliber = caliber;
  const int year = static_cast<int>(ind.period_start.year());
  const absl::CivilDay end_day = std::min(as_of, ind.period_end);
  const int remaining = DaysInclusive(std::max(as_of + 1, ind.period_start), ind.period_end);
  const bool counting = ind.aggregation == Aggregation::kRatioOfQualifyingDays ||
                        ind.aggregation == Aggregation::kCountOfDays;
  const DailyItem item = counting ? DailyItem::kPm25 : DailyItemOf(ind.air_quality_item);

  // Profile from past years, and the current year's data.
  Profile profile;
  if (counting) {
    profile = BuildProfile(days, year, rules, [&](const DistrictDay& d) -> std::optional<double> {
      absl::StatusOr<DailyAqi> aqi = ComputeDailyAqi(standards, d.day, d.values);
      if (!aqi.ok()) return std::nullopt;
      const std::optional<bool> verdict = DayVerdict(ind, *aqi);
      if (!verdict.has_value()) return std::nullopt;
      return *verdict ? 1.0 : 0.0;
    });
  } else {
    profile = BuildProfile(days, year, rules, [&](const DistrictDay& d) -> std::optional<double> {
      const DailyStatistic& s = d.values[static_cast<int>(item)];
      if (!s.usable()) return std::nullopt;
      return s.value;
    });
  }
  int decimals = 0;
  const YearToDate ytd =
      TallyYearToDate(ind, days, standards, profile, counting, item, end_day, &decimals);
  result.days = ytd.n;
  if (out != nullptr) {
    out->observed_days = ytd.n;
    out->remaining_days = remaining;
    std::vector<std::string> used;
    for (auto& [id, n] : ytd.standards) used.push_back(absl::StrCat(id, ": ", n, " days"));
    out->standards_used = absl::StrJoin(used, ", ");
  }
  if (ytd.n == 0) {
    result.status = IndicatorStatus::kInsufficientData;
    if (out != nullptr) {
      // The evaluation's own status too, not only this caliber's: an indicator
      // without data is "insufficient data", never "not evaluated".
      out->status = IndicatorStatus::kInsufficientData;
      out->status_reason = "no valid day in the period so far";
    }
    return result;
  }
  // Remaining-days weight under the profile.
  double remaining_weight = 0;
  for (absl::CivilDay d = std::max(as_of + 1, ind.period_start); d <= ind.period_end; ++d) {
    remaining_weight += counting ? profile.rate[d.month() - 1] : profile.factor[d.month() - 1];
  }
  const ProjectionInput input{ind, as_of, ytd, profile, remaining, remaining_weight, decimals};
  Projection p = ind.aggregation == Aggregation::kMeanOfDaily             ? ProjectMean(input)
                 : ind.aggregation == Aggregation::kRatioOfQualifyingDays ? ProjectRatio(input)
                                                                          : ProjectCount(input);
  DecideStatus(ind, as_of, ytd.n, AnnualShortfall(ind, ytd, standards), rules, &p);
  result.current_value = p.current;
  result.projected_value = RoundHalfEven(p.projected, 1);
  result.status = p.status;
  if (out != nullptr) {
    out->current_value = result.current_value;
    out->projected_value = result.projected_value;
    out->projection_method = p.method;
    out->required_remaining_value = p.required;
    out->required_remaining_text = p.required_text;
    out->status = p.status;
    out->status_reason = p.reason;
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

Evaluation EvaluateAirQuality(const Indicator& indicator, absl::CivilDay as_of,
                              absl::Span<const DistrictDay> days, const Calibers& calibers,
                              const EvaluationRules& rules) {
  Evaluation out;
  out.as_of = as_of;
  out.target_value = indicator.target_value;
  if (indicator.aggregation == Aggregation::kYearOnYearChange) {
    const absl::CivilDay end = std::min(as_of, indicator.period_end);
    int n = 0, n_last = 0;
    const DailyItem item = DailyItemOf(indicator.air_quality_item);
    std::optional<double> now = MeanOver(days, item, indicator.period_start, end, &n);
    const absl::CivilDay last_start(indicator.period_start.year() - 1,
                                    indicator.period_start.month(), indicator.period_start.day());
    const absl::CivilDay last_end(end.year() - 1, end.month(), end.day());
    std::optional<double> last = MeanOver(days, item, last_start, last_end, &n_last);
    out.observed_days = n;
    out.projection_method = "none: a year-on-year change is judged on the period to date";
    if (!now.has_value() || !last.has_value() || *last <= 0) {
      out.status = IndicatorStatus::kInsufficientData;
      out.status_reason = "no data for the same period of the previous year";
      return out;
    }
    const double change = RoundHalfEven(100.0 * (*now - *last) / *last, 1);
    out.current_value = change;
    out.status = change < 0 ? IndicatorStatus::kOnTrack : IndicatorStatus::kOffTrack;
    if (as_of >= indicator.period_end && change < 0) out.status = IndicatorStatus::kAchieved;
    out.status_reason =
        absl::StrCat(Num(*now), " against ", Num(*last), " a year earlier (", Num(change), "%)");
    return out;
  }
  if (calibers.in_force != nullptr) {
    out.calibers.push_back(
        EvaluateCaliber(indicator, as_of, days, *calibers.in_force, "in force", rules, &out));
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
          EvaluateCaliber(indicator, as_of, days, *standards, name, rules, nullptr));
    }
    out.notes.push_back(
        indicator.target_caliber.empty()
            ? "the period straddles a change of standards and the target does not say which "
              "caliber it was written under: the status uses the version in force on each day; "
              "both calibers are shown side by side"
            : absl::StrCat("the target was written under ", indicator.target_caliber,
                           "; the status uses the version in force on each day, and that "
                           "caliber is shown beside it"));
  }
  return out;
}

namespace {

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
      if (ind.target_value.has_value()) {
        const double more = *ind.target_value - *current;
        out->required_remaining_value = std::max(0.0, more);
        out->required_remaining_text =
            more <= 0 ? "the target is reached"
                      : absl::StrCat(Num(more, 0), " ", ind.unit, " more needed in the remaining ",
                                     out->remaining_days, " days");
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
        return false;
      }
      now /= in_period.size();
      last /= last_year.size();
      *current = RoundHalfEven(100.0 * (now - last) / last, 1);
      *projected = *current;
      out->projection_method = "none: a year-on-year change is judged on the period to date";
      break;
    }
    case Aggregation::kMeanOfDaily: {
      for (const ReportedValue& v : in_period) *current += v.value;
      *current /= in_period.size();
      *projected = *current;
      out->projection_method = "straight line: the mean so far";
      break;
    }
    default: {
      *current = in_period.back().value;
      *projected = *current;
      out->projection_method = "latest value carried forward";
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
  } else if (as_of >= ind.period_end) {
    const bool met = Satisfies(ind.comparator, current, t);
    out->status = met ? IndicatorStatus::kAchieved : IndicatorStatus::kOffTrack;
    out->status_reason = absl::StrCat("period over: ", Num(current), met ? " meets " : " misses ",
                                      ComparatorSymbol(ind.comparator), " ", Num(t));
  } else {
    out->status = ByProjection(ind.comparator, projected, t, rules, &out->status_reason, ind.unit);
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
    return out;
  }
  if (!ind.target_value.has_value()) {
    out.status = IndicatorStatus::kInsufficientData;
    out.status_reason =
        ind.target_basis != TargetBasis::kAbsolute && !ind.baseline_value.has_value()
            ? absl::StrCat("baseline required: the target (", ind.target_text,
                           ") is a change from the prior year's value, which is not entered yet")
            : absl::StrCat("the target is unknown (", ind.target_text, ")");
    return out;
  }
  DecideReportedStatus(ind, *ind.target_value, as_of, current, projected, settled, rules, &out);
  return out;
}

}  // namespace ecoplan::indicator
