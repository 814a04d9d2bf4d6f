#include "services/indicator/domain/plan_evaluation.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "services/indicator/domain/rounding.h"

namespace ecoplan::indicator {
namespace {

std::string AreaOf(const Indicator& ind) {
  return ind.scope_kind == ScopeKind::kTown ? absl::StrCat("towns/", ind.scope_name) : "district";
}

// The indicator's evaluation as a fact a light can state: value, its day and
// the target.
MeasureIndicator Judged(const Indicator& ind, const Evaluation& e, absl::CivilDay as_of,
                        const PlanEvaluationInput& input) {
  MeasureIndicator out;
  out.id = ind.id;
  out.name = ind.display_name;
  out.status = e.status;
  out.value = e.current_value;
  out.unit = ind.unit;
  out.status_reason = e.status_reason;
  out.status_reason_zh = e.status_reason_zh;
  out.stretch = ind.stretch;
  if (ind.target_value.has_value()) {
    out.target = absl::StrCat(ComparatorSymbol(ind.comparator), " ", *ind.target_value,
                              ind.unit.empty() ? "" : " ", ind.unit);
  } else {
    out.target = ind.target_text;
  }
  if (!e.current_value.has_value()) return out;
  const absl::CivilDay end = std::min(as_of, ind.period_end);
  if (ind.source == SourceKind::kReported) {
    // The latest value counted: reported within the period, by as_of.
    if (input.reported != nullptr) {
      if (auto it = input.reported->find(ind.id); it != input.reported->end()) {
        for (const ReportedValue& v : it->second) {
          if (v.day < ind.period_start || v.day > end) continue;
          if (!out.value_day.has_value() || v.day > *out.value_day) out.value_day = v.day;
        }
      }
    }
  } else {
    out.value_day = end;  // the period to date
  }
  return out;
}

// The figure without the days exceptional events set apart, when an active
// event touches the period to date (domain/exceptional_event.h). The official
// figure `e` is left as it is.
void AddExcludingExceptionalEvents(const Indicator& ind, absl::CivilDay as_of,
                                   const std::vector<DistrictDay>& days,
                                   const PlanEvaluationInput& input, const EvaluationRules& rules,
                                   Evaluation* e) {
  const bool counting = ind.aggregation == Aggregation::kRatioOfQualifyingDays ||
                        ind.aggregation == Aggregation::kCountOfDays;
  std::optional<DailyItem> item;
  if (!counting) {
    if (ind.air_quality_item == AirQualityItem::kUnspecified ||
        ind.air_quality_item == AirQualityItem::kAqi) {
      return;
    }
    item = DailyItemOf(ind.air_quality_item);
  }
  const absl::CivilDay to = std::min(as_of, ind.period_end);
  if (to < ind.period_start) return;
  ExceptionalExclusion x = ExcludeExceptionalDays(days, *input.exceptional_events,
                                                  AreaStations(input.book->stations(), AreaOf(ind)),
                                                  item, ind.period_start, to);
  if (x.event_ids.empty()) return;
  Evaluation without = EvaluateAirQuality(ind, as_of, x.days, *input.calibers, rules);
  ExceptionalEventsFigure f;
  f.current_value = without.current_value;
  f.projected_value = without.projected_value;
  f.status = without.status;
  f.status_reason = std::move(without.status_reason);
  f.status_reason_zh = std::move(without.status_reason_zh);
  f.observed_days = without.observed_days;
  f.excluded_days = x.excluded_days;
  f.event_ids = std::move(x.event_ids);
  e->excluding_exceptional_events = std::move(f);
}

}  // namespace

Evaluation EvaluateOne(const Indicator& ind, absl::CivilDay as_of, const PlanEvaluationInput& input,
                       const EvaluationRules& rules) {
  if (ind.source == SourceKind::kAirQuality) {
    auto shared = input.book->SharedAreaWithMemo(AreaOf(ind));
    if (!shared.ok()) {
      Evaluation e;
      e.as_of = as_of;
      e.target_value = ind.target_value;
      e.status = IndicatorStatus::kInsufficientData;
      e.status_reason = std::string(shared.status().message());
      e.status_reason_zh =
          absl::StrCat("无法读取该区域的监测数据（", shared.status().message(), "）");
      return e;
    }
    const std::vector<DistrictDay>* days = shared->days.get();
    Evaluation e =
        EvaluateAirQuality(ind, as_of, *days, *input.calibers, rules, shared->memo.get());
    const absl::CivilDay end = std::min(as_of, ind.period_end);
    e.data = TallyVerification(DaysWithin(*days, ind.period_start, end), ind.period_start, end);
    if (input.exceptional_events != nullptr && !input.exceptional_events->empty()) {
      AddExcludingExceptionalEvents(ind, as_of, *days, input, rules, &e);
    }
    return e;
  }
  std::vector<ReportedValue> values;
  if (input.reported != nullptr) {
    auto it = input.reported->find(ind.id);
    if (it != input.reported->end()) values = it->second;
  }
  return EvaluateReported(ind, as_of, std::move(values), rules);
}

namespace {

// "a1-t3-m7-i1 新能源车比例: 26 % on 2026-06-25 against ≥ 30 % (off_track)".
std::string OwnedIndicatorDetail(const MeasureIndicator& j) {
  std::string out = absl::StrCat(j.id, " ", j.name, ": ");
  if (j.value.has_value()) {
    absl::StrAppend(&out, *j.value, j.unit.empty() ? "" : " ", j.unit);
    if (j.value_day.has_value()) absl::StrAppend(&out, " on ", absl::FormatCivilTime(*j.value_day));
  } else {
    absl::StrAppend(&out, "no value");
  }
  if (!j.target.empty()) absl::StrAppend(&out, " against ", j.target);
  return absl::StrCat(out, " (", IndicatorStatusName(j.status), ")");
}

// Whether `ind` is a town's PM2.5 (annex 5), ranked among the towns.
bool IsTownPm25(const Indicator& ind) {
  return ind.scope_kind == ScopeKind::kTown && ind.source == SourceKind::kAirQuality &&
         ind.aggregation == Aggregation::kMeanOfDaily;
}

// A town's PM2.5 to date as evaluated, with its year-on-year change over the
// same days of the prior year (unranked).
TownRank TownOf(const Indicator& ind, const Evaluation& e, absl::CivilDay as_of,
                const ObservationBook& book) {
  TownRank t;
  t.town = ind.scope_name;
  t.target = ind.target_value;
  t.status = e.status;
  t.stations = book.TownStations(t.town);
  t.pm25 = e.current_value;
  t.days = e.observed_days;
  t.data = e.data;
  if (t.pm25.has_value() && t.target.has_value()) t.gap = *t.pm25 - *t.target;
  auto shared = book.SharedAreaDays(AreaOf(ind));
  if (!shared.ok() || !t.pm25.has_value()) return t;
  const std::vector<DistrictDay>* days = shared->get();
  const absl::CivilDay end = std::min(as_of, ind.period_end);
  const absl::CivilDay start = ind.period_start;
  int n = 0;
  const absl::CivilDay last_start(start.year() - 1, start.month(), start.day());
  const absl::CivilDay last_end(end.year() - 1, end.month(), end.day());
  std::optional<double> last =
      MeanOver(DaysWithin(*days, last_start, last_end), DailyItem::kPm25, last_start, last_end, &n);
  if (last.has_value() && *last > 0) {
    t.pm25_last_year = RoundHalfEven(*last, 0);
    int m = 0;
    const double now = *MeanOver(DaysWithin(*days, start, end), DailyItem::kPm25, start, end, &m);
    t.year_on_year_percent = RoundHalfEven(100.0 * (now - *last) / *last, 1);
  }
  return t;
}

// Towns: every annex-5 PM2.5 indicator, ranked by PM2.5 to date (towns
// without a value last, unranked). `book` is read only when there is a town.
std::vector<TownRank> RankTowns(
    const std::vector<std::pair<const Indicator*, Evaluation>>& evaluations, absl::CivilDay as_of,
    const ObservationBook* book) {
  std::vector<TownRank> towns;
  for (const auto& [ind, e] : evaluations) {
    if (IsTownPm25(*ind)) towns.push_back(TownOf(*ind, e, as_of, *book));
  }
  std::stable_sort(towns.begin(), towns.end(), [](const TownRank& a, const TownRank& b) {
    if (a.pm25.has_value() != b.pm25.has_value()) return a.pm25.has_value();
    if (!a.pm25.has_value()) return a.town < b.town;
    if (*a.pm25 != *b.pm25) return *a.pm25 < *b.pm25;
    return a.town < b.town;
  });
  int rank = 0;
  for (TownRank& t : towns) {
    if (t.pm25.has_value()) t.rank = ++rank;
  }
  return towns;
}

// Each measure with its indicators as just evaluated: a confirmed completion
// is checked against them.
std::vector<MeasureInfo> MeasuresWithIndicators(
    const std::vector<std::pair<const Indicator*, Evaluation>>& evaluations, absl::CivilDay as_of,
    const PlanEvaluationInput& input) {
  std::vector<MeasureInfo> measures;
  if (input.measures != nullptr) measures = *input.measures;
  std::map<std::string, MeasureInfo*> by_id;
  for (MeasureInfo& m : measures) by_id[m.id] = &m;
  for (const auto& [ind, e] : evaluations) {
    for (const std::string& measure_id : ind->measures) {
      auto it = by_id.find(measure_id);
      if (it != by_id.end()) it->second->indicators.push_back(Judged(*ind, e, as_of, input));
    }
  }
  return measures;
}

}  // namespace

PlanEvaluation EvaluatePlan(absl::CivilDay as_of, const PlanEvaluationInput& input,
                            const PlanEvaluationRules& rules, bool with_facts) {
  PlanEvaluation out;
  std::vector<OwnedIndicator> owned;
  for (const Indicator& ind : *input.indicators) {
    if (ind.retired) continue;
    Evaluation e = EvaluateOne(ind, as_of, input, rules.evaluation);
    ++out.status_counts[IndicatorStatusName(e.status)];
    // A stretch goal is never scored against its owners.
    if (!ind.stretch) {
      owned.push_back({ind.owners, e.status, ind.id,
                       absl::StrCat("plans/", ind.plan_id, "/indicators/", ind.id),
                       with_facts ? OwnedIndicatorDetail(Judged(ind, e, as_of, input)) : ""});
    }
    IndicatorStatus previous = IndicatorStatus::kUnspecified;
    if (input.last_status != nullptr) {
      auto it = input.last_status->find(ind.id);
      if (it != input.last_status->end()) previous = it->second;
    }
    if (previous != e.status) {
      out.changes.push_back(
          {ind.id, previous, e.status, e.status_reason, ind.owners, e.current_value});
    }
    out.evaluations.emplace_back(&ind, std::move(e));
  }
  out.town_ranking = RankTowns(out.evaluations, as_of, input.book);
  const std::vector<MeasureInfo> measures = MeasuresWithIndicators(out.evaluations, as_of, input);
  static const std::vector<ProgressReport> kNoReports;
  const std::vector<ProgressReport>& reports = input.reports ? *input.reports : kNoReports;
  out.lights = ColourMeasures(measures, reports, input.due_periods, as_of, rules.scoring.lights);
  out.scorecards = ScoreOrganizations(measures, reports, input.due_periods, owned, as_of,
                                      rules.scoring, with_facts);
  return out;
}

}  // namespace ecoplan::indicator
