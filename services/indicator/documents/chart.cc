#include "services/indicator/documents/chart.h"

#include <cairo-svg.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::indicator::documents {
namespace {

constexpr Rgb kInk{33, 37, 41};      // titles, axis labels
constexpr Rgb kMuted{96, 103, 112};  // subtitle, notes, tick labels
constexpr Rgb kAxis{70, 70, 70};
constexpr Rgb kGrid{222, 226, 230};

void SetColor(cairo_t* cr, Rgb c, double alpha = 1.0) {
  cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, alpha);
}

// --- text (pango)

struct TextStyle {
  double size = 12;  // pixels
  bool bold = false;
  Rgb color = kInk;
};

// A layout of `text` in the chart font; the caller unrefs it.
PangoLayout* Layout(cairo_t* cr, const std::string& text, const TextStyle& style) {
  PangoLayout* layout = pango_cairo_create_layout(cr);
  PangoFontDescription* font = pango_font_description_new();
  pango_font_description_set_family(font, kChartFontFamily);
  pango_font_description_set_weight(font, style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_font_description_set_absolute_size(font, style.size * PANGO_SCALE);
  pango_layout_set_font_description(layout, font);
  pango_font_description_free(font);
  pango_layout_set_text(layout, text.c_str(), -1);
  return layout;
}

struct Extent {
  double width = 0;
  double height = 0;
};

Extent Measure(cairo_t* cr, const std::string& text, const TextStyle& style) {
  PangoLayout* layout = Layout(cr, text, style);
  int w = 0, h = 0;
  pango_layout_get_pixel_size(layout, &w, &h);
  g_object_unref(layout);
  return {static_cast<double>(w), static_cast<double>(h)};
}

// Draws `text` with its box's point (x + ax·width, y + ay·height) at (x, y):
// ax, ay 0 = left/top, 0.5 = centre, 1 = right/bottom; rotated by `degrees`
// about that point.
void Text(cairo_t* cr, const std::string& text, const TextStyle& style, double x, double y,
          double ax, double ay, double degrees = 0) {
  PangoLayout* layout = Layout(cr, text, style);
  int w = 0, h = 0;
  pango_layout_get_pixel_size(layout, &w, &h);
  cairo_save(cr);
  cairo_translate(cr, x, y);
  if (degrees != 0) cairo_rotate(cr, degrees * M_PI / 180.0);
  cairo_move_to(cr, -ax * w, -ay * h);
  SetColor(cr, style.color);
  pango_cairo_show_layout(cr, layout);
  cairo_restore(cr);
  g_object_unref(layout);
}

std::string Fixed(double v, int decimals) {
  if (std::fabs(v) < 0.5 * std::pow(10.0, -decimals)) v = 0;  // no "-0"
  return absl::StrFormat("%.*f", decimals, v);
}

// --- scale

double NiceStep(double raw) {
  if (raw <= 0) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  const double f = raw / magnitude;
  const double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
  return nice * magnitude;
}

int StepDecimals(double step) {
  int d = 0;
  while (d < 6 && std::fabs(step * std::pow(10.0, d) - std::round(step * std::pow(10.0, d))) > 1e-6)
    ++d;
  return d;
}

bool IsBar(SeriesStyle s) { return s == SeriesStyle::kBars || s == SeriesStyle::kStackedBars; }

// --- layout of one chart in its rectangle

struct Frame {
  double width = 0, height = 0, s = 1;
  double left = 0, right = 0, top = 0, bottom = 0;  // the plot area
  YScale y;
  double ndays = 1;            // day axis: days on it
  size_t ncategories = 0;      // category axis
  bool rotate_labels = false;  // category labels at an angle

  double Y(double v) const { return bottom - (v - y.min) / (y.max - y.min) * (bottom - top); }
  double X(double x) const {
    if (ncategories > 0) return left + (x + 0.5) * Slot();
    return ndays <= 1 ? (left + right) / 2 : left + x / (ndays - 1) * (right - left);
  }
  double Slot() const { return ncategories > 0 ? (right - left) / ncategories : 0; }
};

TextStyle TitleStyle(double s) { return {22 * s, true, kInk}; }
TextStyle SubtitleStyle(double s) { return {13 * s, false, kMuted}; }
TextStyle LegendStyle(double s) { return {13 * s, false, kInk}; }
TextStyle TickStyle(double s) { return {12 * s, false, kMuted}; }
TextStyle AxisLabelStyle(double s) { return {12.5 * s, false, kInk}; }
TextStyle NoteStyle(double s) { return {11 * s, false, kMuted}; }
TextStyle ValueStyle(double s, Rgb c) { return {11.5 * s, true, c}; }

void SetDash(cairo_t* cr, double on, double off) {
  const double dashes[] = {on, off};
  cairo_set_dash(cr, dashes, 2, 0);
}

// The legend's swatch of a series, in a box of `w` × `h` at (x, y).
void Swatch(cairo_t* cr, const ChartSeries& series, double x, double y, double w, double h,
            double s) {
  cairo_save(cr);
  SetColor(cr, series.color);
  const double mid = y + h / 2;
  switch (series.style) {
    case SeriesStyle::kBars:
    case SeriesStyle::kStackedBars:
      cairo_rectangle(cr, x + w * 0.2, y + h * 0.15, w * 0.6, h * 0.7);
      cairo_fill(cr);
      break;
    case SeriesStyle::kLine:
      cairo_set_line_width(cr, 2.5 * s);
      cairo_move_to(cr, x, mid);
      cairo_line_to(cr, x + w, mid);
      cairo_stroke(cr);
      cairo_arc(cr, x + w / 2, mid, 3.5 * s, 0, 2 * M_PI);
      cairo_fill(cr);
      break;
    case SeriesStyle::kProjection: {
      bool band = false;
      for (const ChartPoint& p : series.points) band = band || (p.low && p.high);
      if (band) {
        SetColor(cr, series.color, 0.18);
        cairo_rectangle(cr, x, y + h * 0.2, w, h * 0.6);
        cairo_fill(cr);
        SetColor(cr, series.color);
      }
      cairo_set_line_width(cr, 2.5 * s);
      SetDash(cr, 6 * s, 4 * s);
      cairo_move_to(cr, x, mid);
      cairo_line_to(cr, x + w, mid);
      cairo_stroke(cr);
      break;
    }
    case SeriesStyle::kTargetLine:
      cairo_set_line_width(cr, 2 * s);
      SetDash(cr, 7 * s, 4 * s);
      cairo_move_to(cr, x, mid);
      cairo_line_to(cr, x + w, mid);
      cairo_stroke(cr);
      break;
    case SeriesStyle::kTargetMarkers:
      cairo_set_line_width(cr, 3 * s);
      cairo_move_to(cr, x + w * 0.15, mid);
      cairo_line_to(cr, x + w * 0.85, mid);
      cairo_stroke(cr);
      break;
  }
  cairo_restore(cr);
}

// Draws the legend centred in rows from `y`; returns its height.
double Legend(cairo_t* cr, const Chart& chart, double width, double y, double s, bool draw) {
  const TextStyle style = LegendStyle(s);
  const double swatch_w = 26 * s, gap = 6 * s, spacing = 22 * s, row_h = 20 * s;
  std::vector<std::vector<std::pair<const ChartSeries*, double>>> rows(1);
  double row_width = 0;
  std::vector<double> widths(1, 0);
  for (const ChartSeries& series : chart.series) {
    const double w = swatch_w + gap + Measure(cr, series.name, style).width;
    if (!rows.back().empty() && row_width + spacing + w > width - 32 * s) {
      rows.emplace_back();
      widths.push_back(0);
      row_width = 0;
    }
    row_width += (rows.back().empty() ? 0 : spacing) + w;
    widths.back() = row_width;
    rows.back().push_back({&series, w});
  }
  if (rows.back().empty()) return 0;
  if (draw) {
    for (size_t r = 0; r < rows.size(); ++r) {
      double x = (width - widths[r]) / 2;
      const double ry = y + r * row_h;
      for (const auto& [series, w] : rows[r]) {
        Swatch(cr, *series, x, ry + 3 * s, swatch_w, row_h - 6 * s, s);
        Text(cr, series->name, style, x + swatch_w + gap, ry + row_h / 2, 0, 0.5);
        x += w + spacing;
      }
    }
  }
  return rows.size() * row_h;
}

// Month ticks ("1月" between month starts) or, for spans of two months or
// less, a tick every seven days ("4/8").
void DayAxis(cairo_t* cr, const Chart& chart, const Frame& f) {
  const TextStyle tick = TickStyle(f.s);
  const double span = f.ndays;
  cairo_save(cr);
  cairo_set_line_width(cr, 1 * f.s);
  if (span > 62) {
    const bool one_year = chart.first_day.year() == chart.last_day.year();
    for (absl::CivilMonth m(chart.first_day); m <= absl::CivilMonth(chart.last_day); ++m) {
      const double from = std::max<double>(absl::CivilDay(m) - chart.first_day, 0);
      const double to = std::min<double>(absl::CivilDay(m + 1) - chart.first_day, span - 1 + 1);
      const double x0 = f.X(from), x1 = f.X(std::min(to, span - 1));
      // a gridline and a tick at the month's start
      SetColor(cr, kGrid);
      cairo_move_to(cr, x0, f.top);
      cairo_line_to(cr, x0, f.bottom);
      cairo_stroke(cr);
      SetColor(cr, kAxis);
      cairo_move_to(cr, x0, f.bottom);
      cairo_line_to(cr, x0, f.bottom + 5 * f.s);
      cairo_stroke(cr);
      const std::string label = one_year || m.month() != 1
                                    ? absl::StrCat(m.month(), "月")
                                    : absl::StrCat(m.year(), "年", m.month(), "月");
      Text(cr, label, tick, (x0 + x1) / 2, f.bottom + 7 * f.s, 0.5, 0);
    }
  } else {
    for (int d = 0; d < span; d += 7) {
      const absl::CivilDay day = chart.first_day + d;
      const double x = f.X(d);
      SetColor(cr, kGrid);
      cairo_move_to(cr, x, f.top);
      cairo_line_to(cr, x, f.bottom);
      cairo_stroke(cr);
      SetColor(cr, kAxis);
      cairo_move_to(cr, x, f.bottom);
      cairo_line_to(cr, x, f.bottom + 5 * f.s);
      cairo_stroke(cr);
      Text(cr, absl::StrCat(day.month(), "/", day.day()), tick, x, f.bottom + 7 * f.s, 0.5, 0);
    }
  }
  cairo_restore(cr);
}

void CategoryAxis(cairo_t* cr, const Chart& chart, const Frame& f) {
  const TextStyle tick = TickStyle(f.s);
  for (size_t i = 0; i < chart.categories.size(); ++i) {
    const double x = f.X(static_cast<double>(i));
    if (f.rotate_labels) {
      Text(cr, chart.categories[i], tick, x + 4 * f.s, f.bottom + 6 * f.s, 1, 0, -40);
    } else {
      Text(cr, chart.categories[i], tick, x, f.bottom + 7 * f.s, 0.5, 0);
    }
  }
}

void Markers(cairo_t* cr, const ChartSeries& series, const Frame& f) {
  for (const ChartPoint& p : series.points) {
    cairo_new_path(cr);
    cairo_arc(cr, f.X(p.x), f.Y(p.value), 4 * f.s, 0, 2 * M_PI);
    SetColor(cr, series.color);
    cairo_fill_preserve(cr);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_set_line_width(cr, 1.2 * f.s);
    cairo_stroke(cr);
  }
}

void Polyline(cairo_t* cr, const std::vector<ChartPoint>& points, const Frame& f) {
  cairo_new_path(cr);
  for (size_t i = 0; i < points.size(); ++i) {
    const double x = f.X(points[i].x), y = f.Y(points[i].value);
    if (i == 0) {
      cairo_move_to(cr, x, y);
    } else {
      cairo_line_to(cr, x, y);
    }
  }
}

// The value at a line's or projection's labelled points: each one
// (label_every_point), otherwise the last.
void PointLabels(cairo_t* cr, const Chart& chart, const ChartSeries& series, const Frame& f,
                 const std::string& prefix) {
  const size_t n = series.points.size();
  const size_t first = series.label_every_point ? 0 : n - 1;
  // From the last point back, leaving out a label that would overlap the one after it.
  double next_left = HUGE_VAL;
  for (size_t i = n; i-- > first;) {
    const ChartPoint& p = series.points[i];
    const std::string text = prefix + Fixed(p.value, chart.y_decimals);
    const TextStyle style = ValueStyle(f.s, series.color);
    // centred over the point, moved inside the plot near its edges
    const double half = Measure(cr, text, style).width / 2;
    const double x = std::clamp(f.X(p.x), f.left + half, f.right - half);
    if (x + half + 4 * f.s > next_left) continue;
    Text(cr, text, style, x, f.Y(p.value) - 7 * f.s, 0.5, 1);
    next_left = x - half;
  }
}

void DrawSeries(cairo_t* cr, const Chart& chart, const Frame& f) {
  // Stacked bars first (under the lines and targets), all series together.
  std::map<double, double> stacked;  // category → height so far
  const double bar_w = std::min(f.Slot() * 0.6, 110 * f.s);
  bool has_stacks = false;
  for (const ChartSeries& series : chart.series) {
    if (series.style != SeriesStyle::kStackedBars) continue;
    has_stacks = true;
    SetColor(cr, series.color);
    for (const ChartPoint& p : series.points) {
      if (p.value <= 0) continue;
      const double base = stacked[p.x];
      const double y0 = f.Y(base), y1 = f.Y(base + p.value);
      cairo_rectangle(cr, f.X(p.x) - bar_w / 2, y1, bar_w, y0 - y1);
      cairo_fill(cr);
      stacked[p.x] = base + p.value;
    }
  }
  if (has_stacks) {
    for (const auto& [x, total] : stacked) {
      Text(cr, Fixed(total, chart.y_decimals), ValueStyle(f.s, kInk), f.X(x), f.Y(total) - 3 * f.s,
           0.5, 1);
    }
  }
  for (const ChartSeries& series : chart.series) {
    if (series.points.empty()) continue;
    cairo_save(cr);
    switch (series.style) {
      case SeriesStyle::kStackedBars:
        break;
      case SeriesStyle::kBars:
        SetColor(cr, series.color);
        for (const ChartPoint& p : series.points) {
          const double y0 = f.Y(std::max(0.0, f.y.min)), y1 = f.Y(p.value);
          cairo_rectangle(cr, f.X(p.x) - bar_w / 2, std::min(y0, y1), bar_w, std::fabs(y0 - y1));
          cairo_fill(cr);
        }
        for (const ChartPoint& p : series.points) {
          // Over the bar, or inside its top in white where a target mark
          // would cross the label.
          const std::string text = Fixed(p.value, chart.y_decimals);
          const double label_h = Measure(cr, text, ValueStyle(f.s, kInk)).height;
          bool crossed = false;
          for (const ChartSeries& t : chart.series) {
            if (t.style != SeriesStyle::kTargetMarkers) continue;
            for (const ChartPoint& q : t.points) {
              const double gap = f.Y(p.value) - f.Y(q.value);
              crossed = crossed || (q.x == p.x && gap > -4 * f.s && gap < label_h + 6 * f.s);
            }
          }
          if (crossed && f.Y(std::max(0.0, f.y.min)) - f.Y(p.value) > label_h + 8 * f.s) {
            Text(cr, text, ValueStyle(f.s, Rgb{255, 255, 255}), f.X(p.x), f.Y(p.value) + 4 * f.s,
                 0.5, 0);
          } else {
            Text(cr, text, ValueStyle(f.s, kInk), f.X(p.x), f.Y(p.value) - 3 * f.s, 0.5, 1);
          }
        }
        break;
      case SeriesStyle::kLine:
        SetColor(cr, series.color);
        cairo_set_line_width(cr, 2.5 * f.s);
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
        Polyline(cr, series.points, f);
        cairo_stroke(cr);
        // markers where the points stand apart (month ends), not on a daily line
        if (series.points.size() == 1 ||
            (f.X(series.points.back().x) - f.X(series.points.front().x)) /
                    (series.points.size() - 1) >=
                12 * f.s) {
          Markers(cr, series, f);
        }
        PointLabels(cr, chart, series, f, "");
        break;
      case SeriesStyle::kProjection: {
        bool band = true;
        for (const ChartPoint& p : series.points) band = band && p.low && p.high;
        if (band) {
          SetColor(cr, series.color, 0.18);
          cairo_new_path(cr);
          for (const ChartPoint& p : series.points) cairo_line_to(cr, f.X(p.x), f.Y(*p.high));
          for (auto it = series.points.rbegin(); it != series.points.rend(); ++it) {
            cairo_line_to(cr, f.X(it->x), f.Y(*it->low));
          }
          cairo_close_path(cr);
          cairo_fill(cr);
        }
        SetColor(cr, series.color);
        cairo_set_line_width(cr, 2.5 * f.s);
        SetDash(cr, 6 * f.s, 4 * f.s);
        Polyline(cr, series.points, f);
        cairo_stroke(cr);
        cairo_set_dash(cr, nullptr, 0, 0);
        // the projected end value, labelled; the first point is the value to date
        ChartSeries end = series;
        end.points.erase(end.points.begin(), end.points.end() - 1);
        PointLabels(cr, chart, end, f, "预测 ");
        break;
      }
      case SeriesStyle::kTargetLine: {
        const double y = f.Y(series.points.front().value);
        SetColor(cr, series.color);
        cairo_set_line_width(cr, 2 * f.s);
        SetDash(cr, 7 * f.s, 4 * f.s);
        cairo_move_to(cr, f.left, y);
        cairo_line_to(cr, f.right, y);
        cairo_stroke(cr);
        Text(cr, series.name, ValueStyle(f.s, series.color), f.right - 4 * f.s, y - 3 * f.s, 1, 1);
        break;
      }
      case SeriesStyle::kTargetMarkers: {
        SetColor(cr, series.color);
        cairo_set_line_width(cr, 3 * f.s);
        const double half = std::min(f.Slot() * 0.4, bar_w / 2 + 10 * f.s);
        for (const ChartPoint& p : series.points) {
          cairo_move_to(cr, f.X(p.x) - half, f.Y(p.value));
          cairo_line_to(cr, f.X(p.x) + half, f.Y(p.value));
          cairo_stroke(cr);
        }
        // each target's value beside its mark, where the slot has room
        const TextStyle style = ValueStyle(f.s, series.color);
        for (const ChartPoint& p : series.points) {
          const std::string text = Fixed(p.value, chart.y_decimals);
          if (Measure(cr, text, style).width + 4 * f.s < f.Slot() / 2 - half) {
            Text(cr, text, style, f.X(p.x) + half + 3 * f.s, f.Y(p.value), 0, 0.5);
          }
        }
        break;
      }
    }
    cairo_restore(cr);
  }
}

cairo_status_t AppendTo(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

YScale ChartYScale(const Chart& chart) {
  double lo = HUGE_VAL, hi = -HUGE_VAL;
  auto take = [&](double v) {
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  };
  std::map<double, double> stacks;
  bool bars = false;
  for (const ChartSeries& series : chart.series) {
    bars = bars || IsBar(series.style);
    for (const ChartPoint& p : series.points) {
      if (series.style == SeriesStyle::kStackedBars) {
        take(stacks[p.x] += p.value);
        continue;
      }
      take(p.value);
      if (p.low) take(*p.low);
      if (p.high) take(*p.high);
    }
  }
  if (bars) take(0);
  if (lo > hi) {
    lo = 0;
    hi = 1;
  }
  if (chart.y_min) lo = *chart.y_min;
  if (chart.y_max) hi = *chart.y_max;
  if (hi - lo < 1e-9) {
    lo -= 1;
    hi += 1;
  }
  YScale y;
  // room above the highest value for its label
  const double padded_hi = chart.y_max ? hi : hi + (hi - lo) * 0.08;
  y.step = NiceStep((padded_hi - lo) / 5);
  y.min = chart.y_min ? lo : std::floor(lo / y.step + 1e-9) * y.step;
  y.max = chart.y_max ? hi : std::ceil(padded_hi / y.step - 1e-9) * y.step;
  if (lo >= 0 && y.min < 0) y.min = 0;
  return y;
}

void DrawChart(cairo_t* cr, const Chart& chart, double width, double height) {
  cairo_save(cr);
  cairo_rectangle(cr, 0, 0, width, height);
  cairo_clip(cr);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_paint(cr);

  Frame f;
  f.width = width;
  f.height = height;
  f.s = std::max(0.45, std::min(width / 960.0, height / 540.0));
  const double s = f.s, pad = 18 * s;
  f.y = ChartYScale(chart);
  const int tick_decimals = std::max(chart.y_decimals > 0 ? 0 : 0, StepDecimals(f.y.step));

  // Header: title, subtitle, legend.
  double y = pad * 0.8;
  Text(cr, chart.title, TitleStyle(s), width / 2, y, 0.5, 0);
  y += Measure(cr, chart.title, TitleStyle(s)).height + 2 * s;
  if (!chart.subtitle.empty()) {
    Text(cr, chart.subtitle, SubtitleStyle(s), width / 2, y, 0.5, 0);
    y += Measure(cr, chart.subtitle, SubtitleStyle(s)).height + 6 * s;
  }
  y += Legend(cr, chart, width, y, s, true) + 6 * s;
  // The y axis' name and unit above its tick labels.
  const std::string y_name =
      chart.y_unit.empty() ? chart.y_label : absl::StrCat(chart.y_label, "（", chart.y_unit, "）");
  const Extent y_name_extent = Measure(cr, y_name, AxisLabelStyle(s));
  // room between it and the plot for a value label at the top of the scale
  f.top = y + y_name_extent.height + 24 * s;

  // Footer: notes, x label, tick labels.
  double footer = pad * 0.6;
  for (const std::string& note : chart.notes) footer += Measure(cr, note, NoteStyle(s)).height;
  if (!chart.x_label.empty())
    footer += Measure(cr, chart.x_label, AxisLabelStyle(s)).height + 4 * s;
  double widest_tick = 0;
  for (double v = f.y.min; v <= f.y.max + f.y.step * 1e-6; v += f.y.step) {
    widest_tick = std::max(widest_tick, Measure(cr, Fixed(v, tick_decimals), TickStyle(s)).width);
  }
  f.left = pad + widest_tick + 10 * s;
  f.right = width - pad - 6 * s;
  const double tick_h = Measure(cr, "1月", TickStyle(s)).height;
  double x_labels_h = tick_h + 10 * s;
  if (!chart.day_axis) {
    f.ncategories = std::max<size_t>(chart.categories.size(), 1);
    double widest = 0;
    for (const std::string& c : chart.categories) {
      widest = std::max(widest, Measure(cr, c, TickStyle(s)).width);
    }
    if (widest > f.Slot() * 0.92) {
      f.rotate_labels = true;
      x_labels_h = widest * std::sin(40 * M_PI / 180) + tick_h + 10 * s;
    }
  } else {
    f.ndays = std::max(1, static_cast<int>(chart.last_day - chart.first_day) + 1);
  }
  f.bottom = height - footer - x_labels_h;
  if (f.bottom < f.top + 40 * s) f.bottom = f.top + 40 * s;  // a tiny canvas: overlap, not invert

  // Grid and y axis.
  Text(cr, y_name, AxisLabelStyle(s), pad, f.top - 24 * s, 0, 1);
  cairo_set_line_width(cr, 1 * s);
  for (double v = f.y.min; v <= f.y.max + f.y.step * 1e-6; v += f.y.step) {
    const double gy = std::round(f.Y(v)) + 0.5;
    SetColor(cr, kGrid);
    cairo_move_to(cr, f.left, gy);
    cairo_line_to(cr, f.right, gy);
    cairo_stroke(cr);
    Text(cr, Fixed(v, tick_decimals), TickStyle(s), f.left - 7 * s, f.Y(v), 1, 0.5);
  }
  if (chart.day_axis) {
    DayAxis(cr, chart, f);
  } else {
    CategoryAxis(cr, chart, f);
  }

  // Series, clipped to the plot (labels may reach a little above it).
  cairo_save(cr);
  cairo_rectangle(cr, f.left - 6 * s, f.top - 24 * s, f.right - f.left + 12 * s,
                  f.bottom - f.top + 24 * s);
  cairo_clip(cr);
  bool any = false;
  for (const ChartSeries& series : chart.series) any = any || !series.points.empty();
  if (any) {
    DrawSeries(cr, chart, f);
  } else {
    Text(cr, "无数据", {18 * s, false, kMuted}, (f.left + f.right) / 2, (f.top + f.bottom) / 2, 0.5,
         0.5);
  }
  cairo_restore(cr);

  // Axes over the series.
  SetColor(cr, kAxis);
  cairo_set_line_width(cr, 1.2 * s);
  cairo_move_to(cr, f.left, f.top);
  cairo_line_to(cr, f.left, f.bottom);
  cairo_line_to(cr, f.right, f.bottom);
  cairo_stroke(cr);

  // Footer text.
  double fy = f.bottom + x_labels_h;
  if (!chart.x_label.empty()) {
    Text(cr, chart.x_label, AxisLabelStyle(s), (f.left + f.right) / 2, fy, 0.5, 0);
    fy += Measure(cr, chart.x_label, AxisLabelStyle(s)).height + 4 * s;
  }
  for (const std::string& note : chart.notes) {
    Text(cr, note, NoteStyle(s), pad, fy, 0, 0);
    fy += Measure(cr, note, NoteStyle(s)).height;
  }
  cairo_restore(cr);
}

std::string RenderSvg(const Chart& chart, int width, int height) {
  std::string out;
  cairo_surface_t* surface = cairo_svg_surface_create_for_stream(AppendTo, &out, width, height);
  cairo_svg_surface_set_document_unit(surface, CAIRO_SVG_UNIT_USER);
  cairo_t* cr = cairo_create(surface);
  DrawChart(cr, chart, width, height);
  cairo_destroy(cr);
  cairo_surface_finish(surface);
  cairo_surface_destroy(surface);
  return out;
}

std::string RenderPng(const Chart& chart, int width, int height) {
  cairo_surface_t* surface = cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height);
  cairo_t* cr = cairo_create(surface);
  DrawChart(cr, chart, width, height);
  cairo_destroy(cr);
  std::string out;
  cairo_surface_write_to_png_stream(surface, AppendTo, &out);
  cairo_surface_destroy(surface);
  return out;
}

}  // namespace ecoplan::indicator::documents
