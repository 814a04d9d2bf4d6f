// Figures for docs/PERFORMANCE.md ("Charts"): one 960 × 540 chart drawn as
// SVG and as PNG, a trajectory (a value at each month end, target, projection)
// and a year of daily 优良天数比率 points. Not a test:
//   build/services/indicator/documents/indicator_charts_benchmark

#include <benchmark/benchmark.h>

#include <vector>

#include "common/mapping/proto_values.h"
#include "services/indicator/documents/chart.h"
#include "services/indicator/documents/chart_builders.h"

namespace ecoplan::indicator::documents {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

Chart Trajectory() {
  std::vector<v1::Evaluation> evaluations;
  for (absl::CivilDay day : TrajectoryDays(absl::CivilDay(2026, 1, 1), absl::CivilDay(2026, 12, 31),
                                           absl::CivilDay(2026, 11, 20))) {
    v1::Evaluation e;
    e.mutable_indicator()->set_name("plans/p/indicators/a4-pm25");
    e.mutable_indicator()->set_display_name("PM2.5年均浓度");
    e.mutable_indicator()->set_unit("微克/立方米");
    e.mutable_indicator()->set_comparator(v1::COMPARATOR_AT_MOST);
    *e.mutable_indicator()->mutable_period_start() =
        common::DateToProto(absl::CivilDay(2026, 1, 1));
    *e.mutable_indicator()->mutable_period_end() =
        common::DateToProto(absl::CivilDay(2026, 12, 31));
    *e.mutable_as_of() = common::DateToProto(day);
    e.set_current_value(45.0 - day.month() * 1.3);
    e.set_target_value(27);
    e.set_projected_value(29.4);
    evaluations.push_back(e);
  }
  return IndicatorTrajectoryChart(evaluations);
}

Chart GoodDays() {
  std::vector<v1::DailyAirQuality> days;
  const absl::CivilDay first(2026, 1, 1);
  for (int i = 0; i < 365; ++i) {
    v1::DailyAirQuality d;
    *d.mutable_date() = common::DateToProto(first + i);
    d.set_published(true);
    d.set_category(i % 4 == 0 ? "轻度污染" : "良");
    days.push_back(d);
  }
  v1::Evaluation e;
  e.mutable_indicator()->set_display_name("优良天数比率");
  *e.mutable_indicator()->mutable_period_start() = common::DateToProto(first);
  *e.mutable_indicator()->mutable_period_end() = common::DateToProto(absl::CivilDay(2026, 12, 31));
  *e.mutable_as_of() = common::DateToProto(absl::CivilDay(2026, 12, 31));
  e.set_target_value(78);
  return GoodDaysRatioChart(e, days);
}

void BM_TrajectorySvg(benchmark::State& state) {
  const Chart chart = Trajectory();
  for (auto _ : state) benchmark::DoNotOptimize(RenderSvg(chart, 960, 540));
}
BENCHMARK(BM_TrajectorySvg)->Unit(benchmark::kMillisecond);

void BM_TrajectoryPng(benchmark::State& state) {
  const Chart chart = Trajectory();
  for (auto _ : state) benchmark::DoNotOptimize(RenderPng(chart, 960, 540));
}
BENCHMARK(BM_TrajectoryPng)->Unit(benchmark::kMillisecond);

void BM_GoodDaysYearSvg(benchmark::State& state) {
  const Chart chart = GoodDays();
  for (auto _ : state) benchmark::DoNotOptimize(RenderSvg(chart, 960, 540));
}
BENCHMARK(BM_GoodDaysYearSvg)->Unit(benchmark::kMillisecond);

void BM_GoodDaysYearPng(benchmark::State& state) {
  const Chart chart = GoodDays();
  for (auto _ : state) benchmark::DoNotOptimize(RenderPng(chart, 960, 540));
}
BENCHMARK(BM_GoodDaysYearPng)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ecoplan::indicator::documents

BENCHMARK_MAIN();
