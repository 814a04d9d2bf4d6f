#include "services/indicator/documents/monthly_report_charts.h"

#include <functional>
#include <optional>
#include <vector>

#include "services/indicator/documents/chart.h"
#include "services/indicator/documents/chart_builders.h"

namespace ecoplan::indicator::documents {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

const iv1::Evaluation* Find(const MonthFacts& facts,
                            const std::function<bool(const iv1::Indicator&)>& wanted) {
  for (const iv1::Evaluation& e : facts.evaluation.evaluations()) {
    if (wanted(e.indicator())) return &e;
  }
  return nullptr;
}

bool IsGoodDaysRatio(const iv1::Indicator& i) {
  return i.source() == iv1::SOURCE_KIND_AIR_QUALITY && i.scope_kind() == iv1::SCOPE_KIND_DISTRICT &&
         i.aggregation() == iv1::AGGREGATION_RATIO_OF_QUALIFYING_DAYS;
}

std::optional<Chart> ChartOf(const MonthlyReportChartSlot& slot, const MonthFacts& facts) {
  switch (slot.chart) {
    case MonthlyReportChart::kIndicatorTrajectory: {
      if (!facts.pm25_trajectory.empty() &&
          facts.pm25_trajectory.back().indicator().name() == slot.indicator) {
        return IndicatorTrajectoryChart(facts.pm25_trajectory);
      }
      // Facts without the trajectory: the value as of the day, the target and the projection.
      const iv1::Evaluation* e =
          Find(facts, [&](const iv1::Indicator& i) { return i.name() == slot.indicator; });
      if (e == nullptr) return std::nullopt;
      return IndicatorTrajectoryChart({*e});
    }
    case MonthlyReportChart::kGoodDaysRatio: {
      const iv1::Evaluation* e = Find(facts, IsGoodDaysRatio);
      if (e == nullptr || facts.district_days.empty()) return std::nullopt;
      return GoodDaysRatioChart(*e, facts.district_days);
    }
    case MonthlyReportChart::kTownRanking:
      if (facts.evaluation.town_ranking().empty()) return std::nullopt;
      return TownRankingChart(facts.evaluation, facts.as_of);
    case MonthlyReportChart::kReportingTimeliness:
      if (facts.submissions.organizations().empty()) return std::nullopt;
      return ReportingTimelinessChart(facts.submissions, facts.as_of);
  }
  return std::nullopt;
}

}  // namespace

void UseMonthFactsCharts(MonthlyReportOptions* options) {
  options->has_chart = [](const MonthlyReportChartSlot& slot, const MonthFacts& facts) {
    return ChartOf(slot, facts).has_value();
  };
  options->draw_chart = [](cairo_t* cr, const MonthlyReportChartSlot& slot,
                           const MonthFacts& facts) {
    std::optional<Chart> chart = ChartOf(slot, facts);
    if (chart.has_value()) DrawChart(cr, *chart, slot.width_pt, slot.height_pt);
  };
}

}  // namespace ecoplan::indicator::documents
