#pragma once

// The charts of the 月报 (monthly_report_pdf.h's chart slots), drawn from the
// same MonthFacts as the report with the builders of RenderChart
// (chart_builders.h), so a chart in the PDF and the one the command center
// asks for show the same numbers.

#include "services/indicator/documents/monthly_report_pdf.h"

namespace ecoplan::indicator::documents {

// Draws each slot's chart: the town ranking and the reporting timeliness as
// RenderChart draws them; the 优良天数比率 from the district's days; the PM2.5
// trajectory from MonthFacts::pm25_trajectory (month ends, as RenderChart; facts
// without it: the value as of the day, the target and the projection). A chart whose data the facts
// lack (no stations, no reports yet) gets no box.
void UseMonthFactsCharts(MonthlyReportOptions* options);

}  // namespace ecoplan::indicator::documents
