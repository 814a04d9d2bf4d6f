#pragma once

// The four charts of RenderChart (document_service.proto, ChartKind), each
// built from the API's answers and computing nothing the API does not give
// beyond placing it on the axes: the indicator's evaluations as of each month
// end (EvaluateIndicator), the district's days (GetDailyAirQuality) with the
// 优良天数比率's evaluation, EvaluatePlan's town ranking, GetSubmissionStatus.
// The one figure derived here is the cumulative 优良天数比率 day by day from
// the days' AQI categories, counted as the evaluation counts them; its last
// point equals the evaluation's value for the same day (chart_test checks it).

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "ecoplan/indicator/v1/document_service.pb.h"
#include "ecoplan/indicator/v1/indicator_service.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "services/indicator/documents/chart.h"

namespace ecoplan::indicator::documents {

// The days a trajectory is evaluated as of: each month end of the period
// from its first month up to `as_of` (exclusive), then `as_of` itself (capped
// at the period's end); none when `as_of` is before the period.
std::vector<absl::CivilDay> TrajectoryDays(absl::CivilDay period_start, absl::CivilDay period_end,
                                           absl::CivilDay as_of);

// CHART_KIND_INDICATOR_TRAJECTORY: `evaluations` of one indicator as of
// TrajectoryDays (oldest first; the last is the chart's as-of day). Series:
// the value to date at each day that has one, the target (a dashed line),
// and from the last day to the period's end the projection (a dashed line;
// a band where the evaluation gives one).
Chart IndicatorTrajectoryChart(const std::vector<ecoplan::indicator::v1::Evaluation>& evaluations);

// The 优良天数比率 to date at each day of `days` from `from`: among the days
// that count (the AQI published and, with an item missing, a category it
// cannot change: not 优良), the share of 优/良 in percent, one decimal
// (half-even, as the evaluation rounds). Days before `from` are skipped.
std::vector<ChartPoint> CumulativeGoodDaysRatio(
    const std::vector<ecoplan::indicator::v1::DailyAirQuality>& days, absl::CivilDay from);

// CHART_KIND_GOOD_DAYS_RATIO: `evaluation` of the district's 优良天数比率
// indicator as of the chart's day, `days` the district's days of its period
// up to that day (GetDailyAirQuality, in order).
Chart GoodDaysRatioChart(const ecoplan::indicator::v1::Evaluation& evaluation,
                         const std::vector<ecoplan::indicator::v1::DailyAirQuality>& days);

// CHART_KIND_TOWN_RANKING: EvaluatePlan's town ranking as of `as_of`, in its
// order (rank 1 first, towns without data last and named in a note).
Chart TownRankingChart(const ecoplan::indicator::v1::EvaluatePlanResponse& plan,
                       absl::CivilDay as_of);

// CHART_KIND_REPORTING_TIMELINESS: per organization (GetSubmissionStatus's
// order), its owned measures stacked as reported on time, reported late and
// not reported (measures_without_entry; all of them when it reported
// nothing), `status` of one period, as of `as_of`.
Chart ReportingTimelinessChart(const ecoplan::progress::v1::GetSubmissionStatusResponse& status,
                               absl::CivilDay as_of);

// The chart's series as RenderChartResponse reports them.
void SeriesToProto(const Chart& chart,
                   google::protobuf::RepeatedPtrField<ecoplan::indicator::v1::ChartSeries>* out);

}  // namespace ecoplan::indicator::documents
