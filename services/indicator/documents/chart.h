#pragma once

// A chart of the indicator server (document_service.proto, RenderChart), as a
// value: what is plotted and how it is labelled, built from the API's answers
// by chart_builders.h, drawn with cairo and pango here. Pure: no gRPC, no
// storage; DrawChart draws into any cairo context (the PNG and SVG below, a
// page of the 月报 PDF).
//
//   Chart chart = IndicatorTrajectoryChart(evaluations);
//   std::string svg = RenderSvg(chart, 960, 540);
//
// Text is set in "Noto Sans CJK SC" (fonts-noto-cjk), so Chinese labels are
// never drawn as boxes.

#include <cairo.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"

namespace ecoplan::indicator::documents {

// The font family of every text of a chart.
inline constexpr char kChartFontFamily[] = "Noto Sans CJK SC";

// A colour, each channel 0..255.
struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb& o) const { return r == o.r && g == o.g && b == o.b; }
  bool operator!=(const Rgb& o) const { return !(*this == o); }
};

// How a series is drawn.
enum class SeriesStyle {
  kLine,           // a solid line through the points (markers when few)
  kProjection,     // a dashed line; with low/high on its points, a translucent band
  kBars,           // one bar per category
  kStackedBars,    // every kStackedBars series stacked per category, in series order
  kTargetLine,     // a horizontal dashed red line at the first point's value
  kTargetMarkers,  // per category, a short red line across its bar at the value
};

// A point: `x` is the day's offset from Chart::first_day (day axis) or the
// category's index (category axis); `label` the day ("2026-05-31") or the
// category, as reported in RenderChartResponse.series.
struct ChartPoint {
  std::string label;
  double x = 0;
  double value = 0;
  std::optional<double> low;
  std::optional<double> high;
};

// One line, set of bars or target of a chart.
struct ChartSeries {
  std::string name;  // as in the legend
  SeriesStyle style = SeriesStyle::kLine;
  Rgb color;
  std::vector<ChartPoint> points;
  // kLine: each point's value written over it (few points, e.g. month ends);
  // otherwise only the last one's.
  bool label_every_point = false;
};

// A chart: titles, axes, series (drawn in order), notes under the plot.
struct Chart {
  std::string title;
  std::string subtitle;  // the as-of day, the period, the caliber
  // The x axis: days from first_day to last_day (ticks at month starts, or
  // weekly for short spans), or `categories` (towns, organizations).
  bool day_axis = true;
  absl::CivilDay first_day;
  absl::CivilDay last_day;
  std::vector<std::string> categories;
  std::string x_label;
  // The y axis: its name and unit ("PM2.5 浓度", "微克/立方米"), the decimals
  // of its tick labels and of value labels, and bounds if fixed (otherwise
  // from the values, with 0 included for bars).
  std::string y_label;
  std::string y_unit;
  int y_decimals = 0;
  std::optional<double> y_min;
  std::optional<double> y_max;
  std::vector<ChartSeries> series;
  // Lines of small print under the plot (method, sources, categories without data).
  std::vector<std::string> notes;
  // A file name without extension, e.g. "a4-pm25_2026-05-31".
  std::string file_stem;
};

// The y range and the tick step a chart's axis takes (nice numbers, every
// plotted value, band bound and target inside).
struct YScale {
  double min = 0;
  double max = 1;
  double step = 1;
};
YScale ChartYScale(const Chart& chart);

// Draws `chart` into `cr` in the rectangle (0, 0)–(width, height) of the
// current user space (the caller translates to place it), white background
// included. Leaves the context's state as it found it.
void DrawChart(cairo_t* cr, const Chart& chart, double width, double height);

// The chart as an SVG document (user units) and as a PNG (pixels), `width` ×
// `height`; sizes are not checked here (the handler keeps them in 240..4096).
std::string RenderSvg(const Chart& chart, int width, int height);
std::string RenderPng(const Chart& chart, int width, int height);

}  // namespace ecoplan::indicator::documents
