// The charts: builders keep the API's numbers (points equal the input
// values), the drawing puts them where the axes say (the SVG read back as
// XML: each series' path found by its colour, its vertices against the
// values), PNGs have the size asked and are not blank, and the font has the
// Chinese glyphs.

#include "services/indicator/documents/chart.h"

#include <cairo.h>
#include <gtest/gtest.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/mapping/proto_values.h"
#include "pugixml.hpp"
#include "services/indicator/documents/chart_builders.h"

namespace ecoplan::indicator::documents {
namespace {

namespace v1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;

v1::Evaluation PmEvaluation(absl::CivilDay as_of, std::optional<double> value) {
  v1::Evaluation e;
  v1::Indicator* ind = e.mutable_indicator();
  ind->set_name("plans/p/indicators/a4-pm25");
  ind->set_display_name("PM2.5年均浓度");
  ind->set_unit("微克/立方米");
  ind->set_comparator(v1::COMPARATOR_AT_MOST);
  *ind->mutable_period_start() = common::DateToProto(absl::CivilDay(2026, 1, 1));
  *ind->mutable_period_end() = common::DateToProto(absl::CivilDay(2026, 12, 31));
  *e.mutable_as_of() = common::DateToProto(as_of);
  if (value) e.set_current_value(*value);
  e.set_target_value(27);
  e.set_status(v1::INDICATOR_STATUS_AT_RISK);
  return e;
}

std::vector<v1::Evaluation> Trajectory() {
  const std::vector<std::pair<absl::CivilDay, std::optional<double>>> values = {
      {absl::CivilDay(2026, 1, 31), 48.4},
      {absl::CivilDay(2026, 2, 28), 41.2},
      {absl::CivilDay(2026, 3, 31), std::nullopt},
      {absl::CivilDay(2026, 4, 30), 35.6},
      {absl::CivilDay(2026, 5, 20), 33.9}};
  std::vector<v1::Evaluation> out;
  for (const auto& [day, v] : values) out.push_back(PmEvaluation(day, v));
  out.back().set_projected_value(29.5);
  out.back().set_projection_method("seasonal profile of 2023, 2024, 2025");
  out.back().set_projection_method_zh("按2023、2024、2025年的逐月季节规律推算");
  return out;
}

// With ECOPLAN_CHART_PNG_DIR set, the chart as a PNG there, to look at.
void MaybeSave(const Chart& chart, const std::string& name) {
  if (const char* dir = std::getenv("ECOPLAN_CHART_PNG_DIR")) {
    std::ofstream(std::string(dir) + "/" + name + ".png") << RenderPng(chart, 960, 540);
  }
}

const ChartSeries* Find(const Chart& c, const std::string& name) {
  for (const ChartSeries& s : c.series) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

TEST(TrajectoryDaysTest, EachMonthEndBeforeTheDayThenTheDayCappedAtThePeriodEnd) {
  const absl::CivilDay start(2026, 1, 1), end(2026, 12, 31);
  EXPECT_EQ(TrajectoryDays(start, end, absl::CivilDay(2026, 3, 10)),
            (std::vector<absl::CivilDay>{absl::CivilDay(2026, 1, 31), absl::CivilDay(2026, 2, 28),
                                         absl::CivilDay(2026, 3, 10)}));
  EXPECT_EQ(
      TrajectoryDays(start, end, absl::CivilDay(2026, 2, 28)),
      (std::vector<absl::CivilDay>{absl::CivilDay(2026, 1, 31), absl::CivilDay(2026, 2, 28)}));
  EXPECT_EQ(TrajectoryDays(start, end, absl::CivilDay(2027, 3, 1)).size(), 12u);
  EXPECT_EQ(TrajectoryDays(start, end, absl::CivilDay(2027, 3, 1)).back(), end);
  EXPECT_TRUE(TrajectoryDays(start, end, absl::CivilDay(2025, 12, 31)).empty());
}

TEST(ChartBuildersTest, TrajectoryPlotsEachValueTheTargetAndTheProjectionFromTheLastDay) {
  const Chart c = IndicatorTrajectoryChart(Trajectory());
  EXPECT_EQ(c.title, "PM2.5年均浓度");
  EXPECT_EQ(c.file_stem, "a4-pm25_2026-05-20");
  EXPECT_EQ(c.y_unit, "微克/立方米");
  EXPECT_EQ(c.first_day, absl::CivilDay(2026, 1, 1));
  EXPECT_EQ(c.last_day, absl::CivilDay(2026, 12, 31));
  const ChartSeries* value = Find(c, "累计值");
  ASSERT_NE(value, nullptr);
  // March has no value: no point (never a zero).
  ASSERT_EQ(value->points.size(), 4u);
  const double expected[] = {48.4, 41.2, 35.6, 33.9};
  const char* labels[] = {"2026-01-31", "2026-02-28", "2026-04-30", "2026-05-20"};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(value->points[i].value, expected[i]);
    EXPECT_EQ(value->points[i].label, labels[i]);
  }
  EXPECT_EQ(value->points[3].x, absl::CivilDay(2026, 5, 20) - absl::CivilDay(2026, 1, 1));
  const ChartSeries* target = Find(c, "目标 ≤ 27");
  ASSERT_NE(target, nullptr);
  EXPECT_EQ(target->style, SeriesStyle::kTargetLine);
  EXPECT_EQ(target->points.front().value, 27);
  const ChartSeries* projection = Find(c, "预测");
  ASSERT_NE(projection, nullptr);
  ASSERT_EQ(projection->points.size(), 2u);
  EXPECT_EQ(projection->points[0].value, 33.9);
  EXPECT_EQ(projection->points[1].value, 29.5);
  EXPECT_EQ(projection->points[1].label, "2026-12-31");
  // No band: the evaluation gives none.
  EXPECT_FALSE(projection->points[1].low.has_value());
  EXPECT_FALSE(projection->points[0].low.has_value());
  EXPECT_EQ(c.y_decimals, 1);
  ASSERT_FALSE(c.notes.empty());
  // The chart speaks Chinese: the evaluation's projection_method_zh, not its English twin.
  EXPECT_EQ(c.notes[0], "预测方法：按2023、2024、2025年的逐月季节规律推算");

  v1::RenderChartResponse response;
  SeriesToProto(c, response.mutable_series());
  ASSERT_EQ(response.series_size(), 3);
  EXPECT_EQ(response.series(0).name(), "累计值");
  EXPECT_EQ(response.series(0).points(1).value(), 41.2);
  EXPECT_EQ(response.series(2).points(1).label(), "2026-12-31");
}

v1::DailyAirQuality AqDay(absl::CivilDay day, const std::string& category, bool published = true,
                          bool missing = false) {
  v1::DailyAirQuality d;
  *d.mutable_date() = common::DateToProto(day);
  d.set_published(published);
  d.set_category(category);
  if (missing) d.add_missing_items("O3_8h");
  return d;
}

TEST(ChartBuildersTest, CumulativeGoodDaysCountsTheDaysTheEvaluationCounts) {
  const absl::CivilDay d0(2026, 1, 1);
  const std::vector<v1::DailyAirQuality> days = {
      AqDay(d0, "良"),
      AqDay(d0 + 1, "轻度污染"),
      AqDay(d0 + 2, "", /*published=*/false),             // not counted
      AqDay(d0 + 3, "良", true, /*missing=*/true),        // 优良 not certain: not counted
      AqDay(d0 + 4, "中度污染", true, /*missing=*/true),  // certainly not 优良: counted
      AqDay(d0 + 5, "优"),
  };
  const std::vector<ChartPoint> points = CumulativeGoodDaysRatio(days, d0);
  ASSERT_EQ(points.size(), 4u);
  EXPECT_EQ(points[0].value, 100.0);
  EXPECT_EQ(points[1].value, 50.0);
  EXPECT_EQ(points[2].label, "2026-01-05");
  EXPECT_EQ(points[2].value, 33.3);  // 1 of 3
  EXPECT_EQ(points[3].value, 50.0);  // 2 of 4
  EXPECT_EQ(points[3].x, 5);

  v1::Evaluation e;
  e.mutable_indicator()->set_display_name("优良天数比率");
  e.mutable_indicator()->set_comparator(v1::COMPARATOR_AT_LEAST);
  *e.mutable_indicator()->mutable_period_start() = common::DateToProto(d0);
  *e.mutable_indicator()->mutable_period_end() = common::DateToProto(absl::CivilDay(2026, 12, 31));
  *e.mutable_as_of() = common::DateToProto(d0 + 4);  // the last day is after it: left out
  e.set_target_value(78);
  const Chart c = GoodDaysRatioChart(e, days);
  MaybeSave(c, "good_days");
  ASSERT_EQ(c.series.size(), 2u);
  EXPECT_EQ(c.series[0].points.size(), 3u);
  EXPECT_EQ(c.series[1].style, SeriesStyle::kTargetLine);
  EXPECT_EQ(c.series[1].points[0].value, 78);
  EXPECT_EQ(*c.y_max, 100);
}

TEST(ChartBuildersTest, TownRankingBarsInRankOrderEachWithItsTargetTownsWithoutDataNamed) {
  v1::EvaluatePlanResponse plan;
  auto town = [&](int rank, const std::string& name, std::optional<double> pm25, double target) {
    v1::TownRank* t = plan.add_town_ranking();
    t->set_rank(rank);
    t->set_town(name);
    if (pm25) t->set_pm25(*pm25);
    t->set_target(target);
  };
  town(1, "清水镇", 21, 24);
  town(2, "永定镇", 33, 30);
  town(0, "王平镇", std::nullopt, 29);
  const Chart c = TownRankingChart(plan, absl::CivilDay(2026, 5, 31));
  EXPECT_FALSE(c.day_axis);
  EXPECT_EQ(c.categories, (std::vector<std::string>{"清水镇", "永定镇"}));
  ASSERT_EQ(c.series.size(), 2u);
  EXPECT_EQ(c.series[0].style, SeriesStyle::kBars);
  EXPECT_EQ(c.series[0].points[0].value, 21);
  EXPECT_EQ(c.series[0].points[1].value, 33);
  EXPECT_EQ(c.series[1].style, SeriesStyle::kTargetMarkers);
  EXPECT_EQ(c.series[1].points[1].value, 30);
  EXPECT_EQ(c.series[1].points[1].x, 1);
  ASSERT_FALSE(c.notes.empty());
  EXPECT_EQ(c.notes[0], "暂无数据：王平镇");
  EXPECT_EQ(c.file_stem, "towns_2026-05-31");
}

TEST(ChartBuildersTest, TimelinessStacksEachOrganizationsMeasuresByHowTheyWereReported) {
  pv1::GetSubmissionStatusResponse status;
  status.set_period("2026-05");
  status.set_owed(true);
  auto org = [&](const std::string& name, pv1::SubmissionState state, int owned, int without) {
    pv1::OrganizationSubmission* o = status.add_organizations();
    o->set_organization_display_name(name);
    o->set_state(state);
    o->set_owned_measure_count(owned);
    for (int i = 0; i < without; ++i) o->add_measures_without_entry("m");
  };
  org("区交通局", pv1::SUBMISSION_STATE_ON_TIME, 5, 1);
  org("区城管委", pv1::SUBMISSION_STATE_LATE, 3, 0);
  org("区商务局", pv1::SUBMISSION_STATE_MISSING, 4, 4);
  org("区水务局", pv1::SUBMISSION_STATE_DRAFT_ONLY, 2, 0);
  const Chart c = ReportingTimelinessChart(status, absl::CivilDay(2026, 6, 10));
  MaybeSave(c, "timeliness");
  EXPECT_EQ(c.title, "2026-05 各单位报送情况");
  ASSERT_EQ(c.series.size(), 3u);
  auto values = [&](size_t s) {
    std::vector<double> v;
    for (const ChartPoint& p : c.series[s].points) v.push_back(p.value);
    return v;
  };
  EXPECT_EQ(values(0), (std::vector<double>{4, 0, 0, 0}));  // on time
  EXPECT_EQ(values(1), (std::vector<double>{0, 3, 0, 0}));  // late
  EXPECT_EQ(values(2),
            (std::vector<double>{1, 0, 4, 2}));  // not reported (a draft is not a report)
  for (const ChartSeries& s : c.series) EXPECT_EQ(s.style, SeriesStyle::kStackedBars);
}

// --- the drawing, read back

// A path of cairo's SVG: its fill and stroke colours (0..255 each, or none),
// dashed or not, and its coordinate pairs in order.
struct SvgPath {
  std::optional<Rgb> fill, stroke;
  bool dashed = false;
  std::vector<std::pair<double, double>> points;
};

std::optional<Rgb> ParseColor(const std::string& v) {
  // rgb(12.156863%,30.588235%,61.176471%)
  if (!absl::StartsWith(v, "rgb(")) return std::nullopt;
  std::vector<std::string> parts =
      absl::StrSplit(absl::StripSuffix(absl::StripPrefix(v, "rgb("), ")"), ',');
  if (parts.size() != 3) return std::nullopt;
  uint8_t c[3];
  for (int i = 0; i < 3; ++i) {
    double pct = 0;
    if (!absl::SimpleAtod(absl::StripSuffix(parts[i], "%"), &pct)) return std::nullopt;
    c[i] = static_cast<uint8_t>(std::lround(pct * 2.55));
  }
  return Rgb{c[0], c[1], c[2]};
}

std::vector<SvgPath> Paths(const pugi::xml_document& doc) {
  std::vector<SvgPath> out;
  for (const pugi::xpath_node& n : doc.select_nodes("//*[local-name()='path']")) {
    const pugi::xml_node node = n.node();
    if (node.parent().name() == std::string("symbol") ||
        std::string(node.parent().parent().name()) == "symbol") {
      continue;  // a glyph
    }
    SvgPath p;
    std::map<std::string, std::string> style;
    for (absl::string_view decl : absl::StrSplit(node.attribute("style").value(), ';')) {
      std::pair<std::string, std::string> kv = absl::StrSplit(decl, absl::MaxSplits(':', 1));
      style[std::string(absl::StripAsciiWhitespace(kv.first))] =
          std::string(absl::StripAsciiWhitespace(kv.second));
    }
    for (const pugi::xml_attribute& a : node.attributes()) style[a.name()] = a.value();
    p.fill = ParseColor(style["fill"]);
    p.stroke = ParseColor(style["stroke"]);
    p.dashed = !style["stroke-dasharray"].empty() && style["stroke-dasharray"] != "none";
    std::vector<double> numbers;
    std::string d = node.attribute("d").value();
    for (char& ch : d) {
      if (std::isalpha(static_cast<unsigned char>(ch))) ch = ' ';
      if (ch == ',') ch = ' ';
    }
    std::istringstream in(d);
    double v;
    while (in >> v) numbers.push_back(v);
    for (size_t i = 0; i + 1 < numbers.size(); i += 2)
      p.points.push_back({numbers[i], numbers[i + 1]});
    out.push_back(std::move(p));
  }
  return out;
}

double XSpan(const SvgPath& p) {
  double lo = 1e9, hi = -1e9;
  for (const auto& pt : p.points) {
    lo = std::min(lo, pt.first);
    hi = std::max(hi, pt.first);
  }
  return hi - lo;
}

// The path stroked in `color` with the most vertices, then the widest (the
// plotted line, not its legend swatch).
const SvgPath* LongestStroke(const std::vector<SvgPath>& paths, Rgb color) {
  const SvgPath* best = nullptr;
  for (const SvgPath& p : paths) {
    if (p.stroke != color || p.fill) continue;
    if (best == nullptr || p.points.size() > best->points.size() ||
        (p.points.size() == best->points.size() && XSpan(p) > XSpan(*best))) {
      best = &p;
    }
  }
  return best;
}

// The plot's axes as the drawn line of `value` shows them: x linear in the
// day, y linear in the value.
struct PlotAxes {
  double x0 = 0, y0 = 0;  // where the first point of the series is drawn
  double day0 = 0, value0 = 0;
  double px_per_day = 0, px_per_unit = 0;

  double X(double day) const { return x0 + (day - day0) * px_per_day; }
  double Y(double v) const { return y0 + (v - value0) * px_per_unit; }
};

PlotAxes AxesOf(const SvgPath& line, const ChartSeries& value) {
  const auto& first = line.points.front();
  const auto& last = line.points.back();
  PlotAxes a;
  a.x0 = first.first;
  a.y0 = first.second;
  a.day0 = value.points.front().x;
  a.value0 = value.points.front().value;
  a.px_per_day = (last.first - first.first) / (value.points.back().x - a.day0);
  a.px_per_unit = (last.second - first.second) / (value.points.back().value - a.value0);
  return a;
}

TEST(ChartDrawingTest, SvgParsesAndItsLineGoesThroughTheValuesOnTheAxes) {
  const Chart c = IndicatorTrajectoryChart(Trajectory());
  const std::string svg = RenderSvg(c, 960, 540);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(svg.c_str())) << svg.substr(0, 200);
  const pugi::xml_node root = doc.document_element();
  EXPECT_STREQ(root.name(), "svg");
  EXPECT_STREQ(root.attribute("width").value(), "960");
  EXPECT_STREQ(root.attribute("height").value(), "540");
  const std::vector<SvgPath> paths = Paths(doc);

  const ChartSeries& value = *Find(c, "累计值");
  const SvgPath* line = LongestStroke(paths, value.color);
  ASSERT_NE(line, nullptr);
  ASSERT_EQ(line->points.size(), value.points.size());
  // x linear in the day, y linear in the value, higher values higher up.
  const PlotAxes axes = AxesOf(*line, value);
  EXPECT_GT(axes.px_per_day, 0);
  EXPECT_LT(axes.px_per_unit, 0);
  auto y_of = [&](double v) { return axes.Y(v); };
  for (size_t i = 0; i < value.points.size(); ++i) {
    EXPECT_NEAR(line->points[i].first, axes.X(value.points[i].x), 0.05) << i;
    EXPECT_NEAR(line->points[i].second, y_of(value.points[i].value), 0.05) << i;
  }
  // Markers at each point (filled circles in the series' colour).
  int markers = 0;
  for (const SvgPath& p : paths) {
    if (p.fill == value.color && p.points.size() >= 4) ++markers;
  }
  EXPECT_GE(markers, static_cast<int>(value.points.size()));

  // The target: dashed, red, at 27 on the same axis, across the plot.
  const ChartSeries& target = *Find(c, "目标 ≤ 27");
  const SvgPath* target_line = LongestStroke(paths, target.color);
  ASSERT_NE(target_line, nullptr);
  EXPECT_TRUE(target_line->dashed);
  ASSERT_EQ(target_line->points.size(), 2u);
  EXPECT_NEAR(target_line->points[0].second, y_of(27), 0.05);
  EXPECT_NEAR(target_line->points[1].second, y_of(27), 0.05);
  EXPECT_GT(target_line->points[1].first - target_line->points[0].first, 700);
  // The projection: dashed, from the last value to the projected one at the period's end.
  const ChartSeries& projection = *Find(c, "预测");
  const SvgPath* projected = LongestStroke(paths, projection.color);
  ASSERT_NE(projected, nullptr);
  EXPECT_TRUE(projected->dashed);
  ASSERT_EQ(projected->points.size(), 2u);
  EXPECT_NEAR(projected->points[0].first, line->points.back().first, 0.05);
  EXPECT_NEAR(projected->points[0].second, y_of(33.9), 0.05);
  EXPECT_NEAR(projected->points[1].second, y_of(29.5), 0.05);
  EXPECT_NEAR(projected->points[1].first, axes.X(364), 0.05);
}

// With the evaluation's band (projected_low/high), the projection opens from
// the day's value to the band at the period's end, drawn as an area.
TEST(ChartDrawingTest, TheProjectionsBandIsDrawnFromTheDaysValueToItsBoundsAtTheEnd) {
  std::vector<v1::Evaluation> trajectory = Trajectory();
  trajectory.back().set_projected_low(28);
  trajectory.back().set_projected_high(31);
  const Chart c = IndicatorTrajectoryChart(trajectory);
  const ChartSeries& projection = *Find(c, "预测");
  ASSERT_EQ(projection.points.size(), 2u);
  EXPECT_EQ(projection.points[0].low, 33.9);
  EXPECT_EQ(projection.points[0].high, 33.9);
  EXPECT_EQ(projection.points[1].low, 28);
  EXPECT_EQ(projection.points[1].high, 31);

  const std::string svg = RenderSvg(c, 960, 540);
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(svg.c_str()));
  const std::vector<SvgPath> paths = Paths(doc);
  const ChartSeries& value = *Find(c, "累计值");
  const SvgPath* line = LongestStroke(paths, value.color);
  ASSERT_NE(line, nullptr);
  const PlotAxes axes = AxesOf(*line, value);
  auto y_of = [&](double v) { return axes.Y(v); };
  const double end_x = axes.X(364);
  const double today_x = line->points.back().first;
  auto has_point = [](const SvgPath& p, double x, double y) {
    for (const auto& [px, py] : p.points) {
      if (std::abs(px - x) < 0.05 && std::abs(py - y) < 0.05) return true;
    }
    return false;
  };
  bool band = false;
  for (const SvgPath& p : paths) {
    band = band || (has_point(p, end_x, y_of(28)) && has_point(p, end_x, y_of(31)) &&
                    has_point(p, today_x, y_of(33.9)));
  }
  EXPECT_TRUE(band) << "no area through the day's value and both bounds at the period's end";
}

TEST(ChartDrawingTest, BarsAreAsHighAsTheirValuesInCategoryOrder) {
  v1::EvaluatePlanResponse plan;
  const std::vector<std::pair<std::string, double>> towns = {
      {"清水镇", 21}, {"妙峰山镇", 26}, {"永定镇", 33}, {"龙泉镇", 38}, {"潭柘寺镇", 29}};
  for (const auto& [name, pm25] : towns) {
    v1::TownRank* t = plan.add_town_ranking();
    t->set_town(name);
    t->set_pm25(pm25);
    t->set_target(30);
  }
  const Chart c = TownRankingChart(plan, absl::CivilDay(2026, 5, 31));
  MaybeSave(c, "towns");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(RenderSvg(c, 800, 450).c_str()));
  std::vector<SvgPath> bars;
  for (const SvgPath& p : Paths(doc)) {
    if (p.fill == c.series[0].color) bars.push_back(p);
  }
  // Each bar a rectangle; the legend's swatch sits above the plot.
  auto bottom = [](const SvgPath& p) {
    double b = 0;
    for (const auto& pt : p.points) b = std::max(b, pt.second);
    return b;
  };
  auto top = [](const SvgPath& p) {
    double t = 1e9;
    for (const auto& pt : p.points) t = std::min(t, pt.second);
    return t;
  };
  double baseline = 0;
  for (const SvgPath& p : bars) baseline = std::max(baseline, bottom(p));
  bars.erase(
      std::remove_if(bars.begin(), bars.end(),
                     [&](const SvgPath& p) { return std::fabs(bottom(p) - baseline) > 0.01; }),
      bars.end());
  ASSERT_EQ(bars.size(), towns.size());
  std::sort(bars.begin(), bars.end(), [](const SvgPath& a, const SvgPath& b) {
    return a.points[0].first < b.points[0].first;
  });
  const double px_per_unit = (baseline - top(bars[0])) / towns[0].second;
  for (size_t i = 0; i < towns.size(); ++i) {
    EXPECT_NEAR(baseline - top(bars[i]), towns[i].second * px_per_unit, 0.05) << towns[i].first;
  }
  // The targets: one red mark per bar at 30.
  int marks = 0;
  for (const SvgPath& p : Paths(doc)) {
    if (p.stroke == c.series[1].color && p.points.size() == 2 &&
        std::fabs(p.points[0].second - (baseline - 30 * px_per_unit)) < 0.05) {
      ++marks;
    }
  }
  EXPECT_EQ(marks, static_cast<int>(towns.size()));
}

uint32_t BigEndian(const std::string& s, size_t at) {
  return (uint32_t{static_cast<uint8_t>(s[at])} << 24) |
         (uint32_t{static_cast<uint8_t>(s[at + 1])} << 16) |
         (uint32_t{static_cast<uint8_t>(s[at + 2])} << 8) |
         uint32_t{static_cast<uint8_t>(s[at + 3])};
}

struct Reader {
  const std::string* data;
  size_t at = 0;
};

cairo_status_t ReadFrom(void* closure, unsigned char* out, unsigned int length) {
  auto* r = static_cast<Reader*>(closure);
  if (r->at + length > r->data->size()) return CAIRO_STATUS_READ_ERROR;
  std::copy_n(r->data->data() + r->at, length, out);
  r->at += length;
  return CAIRO_STATUS_SUCCESS;
}

TEST(ChartDrawingTest, PngHasTheSizeAskedAndIsDrawn) {
  const Chart c = IndicatorTrajectoryChart(Trajectory());
  for (auto [w, h] : {std::pair{960, 540}, std::pair{240, 240}, std::pair{1600, 900}}) {
    const std::string png = RenderPng(c, w, h);
    if (const char* dir = std::getenv("ECOPLAN_CHART_PNG_DIR")) {  // to look at them
      std::ofstream(std::string(dir) + "/trajectory_" + std::to_string(w) + ".png") << png;
    }
    ASSERT_GT(png.size(), 33u);
    EXPECT_EQ(png.substr(1, 3), "PNG");
    EXPECT_EQ(png.substr(12, 4), "IHDR");
    EXPECT_EQ(BigEndian(png, 16), static_cast<uint32_t>(w));
    EXPECT_EQ(BigEndian(png, 20), static_cast<uint32_t>(h));
    Reader reader{&png};
    cairo_surface_t* image = cairo_image_surface_create_from_png_stream(ReadFrom, &reader);
    ASSERT_EQ(cairo_surface_status(image), CAIRO_STATUS_SUCCESS);
    cairo_surface_flush(image);
    const unsigned char* pixels = cairo_image_surface_get_data(image);
    const int stride = cairo_image_surface_get_stride(image);
    int inked = 0, red = 0;
    for (int y = 0; y < h; ++y) {
      const auto* row = reinterpret_cast<const uint32_t*>(pixels + y * stride);
      for (int x = 0; x < w; ++x) {
        const uint32_t p = row[x] & 0xffffff;
        if (p != 0xffffff) ++inked;
        const int r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
        if (r > g + 60 && r > b + 60) ++red;
      }
    }
    cairo_surface_destroy(image);
    // Text, axes and lines, on a white background; the target in red.
    EXPECT_GT(inked, w * h / 100) << w << "x" << h;
    EXPECT_LT(inked, w * h / 2) << w << "x" << h;
    EXPECT_GT(red, w / 10) << w << "x" << h;
  }
}

TEST(ChartDrawingTest, TheChartFontHasTheChineseGlyphs) {
  PangoFontMap* map = pango_cairo_font_map_get_default();
  PangoContext* context = pango_font_map_create_context(map);
  PangoFontDescription* desc = pango_font_description_from_string(kChartFontFamily);
  PangoFont* font = pango_font_map_load_font(map, context, desc);
  ASSERT_NE(font, nullptr);
  PangoFontDescription* loaded = pango_font_describe(font);
  EXPECT_STREQ(pango_font_description_get_family(loaded), "Noto Sans CJK SC");
  for (gunichar ch : {U'优', U'良', U'镇', U'浓', U'度', U'≤', U'³'}) {
    EXPECT_TRUE(pango_font_has_char(font, ch)) << static_cast<uint32_t>(ch);
  }
  pango_font_description_free(loaded);
  pango_font_description_free(desc);
  g_object_unref(font);
  g_object_unref(context);
}

TEST(ChartDrawingTest, AChartWithoutDataSaysSoAndDrawsNoSeries) {
  Chart c;
  c.title = "空";
  c.first_day = absl::CivilDay(2026, 1, 1);
  c.last_day = absl::CivilDay(2026, 12, 31);
  c.series.push_back({"累计值", SeriesStyle::kLine, Rgb{1, 2, 3}, {}});
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(RenderSvg(c, 480, 270).c_str()));
  for (const SvgPath& p : Paths(doc)) {
    if (p.stroke == (Rgb{1, 2, 3})) {
      EXPECT_LE(p.points.size(), 2u);  // the legend only
    }
  }
}

}  // namespace
}  // namespace ecoplan::indicator::documents
