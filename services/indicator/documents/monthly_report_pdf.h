#pragma once

// The 月报: the monthly report on the plan that 区生态环境局 sends the district
// government, as a PDF drawn with cairo and pango in Noto CJK (A4 portrait).
//
// Contents, in order (docs/ARCHITECTURE.md, "The 月报"): the title
// (《plan title》执行情况月报), the period, the as-of day and whether the month
// is closed; 一、总体进展 (measures by colour and completion, per annex and
// section); 二、量化指标完成情况 (every indicator's value, target, status,
// projection and required remaining average); 三、空气质量 (PM2.5, 优良天数比率,
// 重污染天数 against annex 4, both standards' calibers where they differ, the
// month's days, the town ranking against annex 5); 四、报送情况 (per
// organization); 五、延期与完成 (decided in the month); 六、逾期与偏离 (red
// measures, indicators off track or at risk, with their owners);
// 七、督查督办 (supervision orders and problem items).
//
// Every figure is the one in MonthFacts, formatted and never recomputed;
// only counts of the lists MonthFacts holds are the renderer's own.

#include <cairo.h>

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/statusor.h"
#include "services/indicator/documents/month_facts.h"

namespace ecoplan::indicator::documents {

// The charts the 月报 has a place for.
enum class MonthlyReportChart {
  // One indicator against its target line, with the projection (section 三:
  // the district's PM2.5, `indicator` names it).
  kIndicatorTrajectory,
  // The district's cumulative 优良天数比率 against its target (section 三).
  kGoodDaysRatio,
  // The towns' PM2.5 against their annex-5 targets (section 三).
  kTownRanking,
  // Each organization's reports on time, late and missing (section 四).
  kReportingTimeliness,
};

// Where a chart goes: what it is, and the box it gets, in points.
struct MonthlyReportChartSlot {
  MonthlyReportChart chart;
  // kIndicatorTrajectory: the indicator's resource name
  // (plans/{plan}/indicators/a4-pm25).
  std::string indicator;
  double width_pt = 0;
  double height_pt = 0;
};

// Draws one chart into its box: `cr` is translated to the box's top left
// corner and clipped to it; the drawer must leave the context's state as it
// found it (cairo_save / cairo_restore). It draws from the same MonthFacts
// the report is drawn from.
using MonthlyReportChartDrawer =
    std::function<void(cairo_t* cr, const MonthlyReportChartSlot& slot, const MonthFacts& facts)>;

// How to render.
struct MonthlyReportOptions {
  // When set, each chart of MonthlyReportChart gets a box of
  // the text width and `chart_height_pt` at its place in the report, and
  // this draws it. Unset: no chart boxes at all (the tables carry every
  // figure). It is called once per chart, in document order.
  MonthlyReportChartDrawer draw_chart;
  // When set, a chart it answers false for (no data in the facts) gets no box.
  std::function<bool(const MonthlyReportChartSlot& slot, const MonthFacts& facts)> has_chart;
  double chart_height_pt = 220;
  // The PDF's Creator metadata.
  std::string creator = "ecoplan";
};

// A rendered PDF.
struct RenderedPdf {
  std::string bytes;  // the PDF file
  int page_count = 0;
};

// Renders the 月报 of `facts`. Pure: draws only from its arguments (fonts
// from fontconfig), and the same arguments give the same bytes. Thread-safe:
// threads may render at the same time (pango keeps a font map per thread, so
// a thread's first render also loads the fonts). Errors: InvalidArgument
// when facts.month is not "YYYY-MM"; Internal when cairo fails to write the
// PDF.
absl::StatusOr<RenderedPdf> RenderMonthlyReportPdf(const MonthFacts& facts,
                                                   const MonthlyReportOptions& options);

}  // namespace ecoplan::indicator::documents
