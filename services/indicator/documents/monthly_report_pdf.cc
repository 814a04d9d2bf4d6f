#include "services/indicator/documents/monthly_report_pdf.h"

#include <cairo-pdf.h>

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "services/indicator/documents/monthly_report_layout.h"
#include "services/indicator/documents/monthly_report_sections.h"
#include "services/indicator/documents/monthly_report_text.h"

namespace ecoplan::indicator::documents {
namespace {

constexpr double kA4Width = 210 * 72.0 / 25.4;
constexpr double kA4Height = 297 * 72.0 / 25.4;

cairo_status_t AppendToString(void* closure, const unsigned char* data, unsigned int length) {
  static_cast<std::string*>(closure)->append(reinterpret_cast<const char*>(data), length);
  return CAIRO_STATUS_SUCCESS;
}

std::string PlanTitle(const MonthFacts& facts) {
  return facts.plan.title().empty() ? std::string("行动计划") : facts.plan.title();
}

// The title block: title, period, as-of day and the month's state.
void WriteTitle(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  const MonthFacts& facts = ctx.facts;
  pager.Title(absl::StrCat(PlanTitle(facts), "执行情况月报"));
  pager.CenteredLine(absl::StrCat("（", ctx.month.year(), "年", ctx.month.month(), "月）"), 14,
                     false);
  std::string state = facts.month_closed ? "本月已结账，红黄绿灯和考评数据以月度评估定稿为准"
                                         : "本月尚未结账，数据为截至当日的评估结果，结账前可能变化";
  pager.CenteredLine(absl::StrCat("数据截至", LongDate(facts.as_of), "　", state), 10.5, false);
  std::string issuer = facts.plan.reporting_recipient().empty() ? std::string("区生态环境局")
                                                                : facts.plan.reporting_recipient();
  pager.CenteredLine(issuer, 10.5, false);
  pager.Space(6);
  std::string basis = absl::StrCat("依据《", PlanTitle(facts), "》");
  if (!facts.plan.document_number().empty()) {
    absl::StrAppend(&basis, "（", facts.plan.document_number(), "）");
  }
  absl::StrAppend(&basis, "，现将", ctx.month.year(), "年", ctx.month.month(),
                  "月计划执行情况报告如下。");
  pager.Paragraph(basis);
}

// Where the figures come from, so a reader can check them.
void WriteSources(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  const MonthFacts& facts = ctx.facts;
  pager.Space(8);
  std::string text = absl::StrCat(
      "数据说明：本报告由 ecoplan 根据各服务接口数据自动生成，未经人工录入。指标评估、镇街排名取自"
      "EvaluatePlan（截至",
      LongDate(facts.as_of), "）");
  if (facts.month_closed && facts.assessment.has_value()) {
    absl::StrAppend(&text, "，红黄绿灯和考评数据取自月度评估 ", facts.assessment->name(),
                    "（已结账）");
  } else {
    absl::StrAppend(&text, "，红黄绿灯和考评数据取自同日评估（本月未结账）");
  }
  absl::StrAppend(&text,
                  "；报送情况取自 GetSubmissionStatus，延期、办结、督办单和问题清单取自进度服务。");
  if (!facts.evaluation.reports_source_zh().empty()) {
    absl::StrAppend(&text, "报告数据来源：", facts.evaluation.reports_source_zh(), "。");
  }
  pager.Note(text);
}

// One pass over the document. Returns the number of pages.
int Draw(const MonthlyReportContext& ctx, cairo_surface_t* surface, int total_pages) {
  PageChrome chrome;
  chrome.header_left = absl::StrCat(PlanTitle(ctx.facts), "执行情况月报");
  chrome.header_right = absl::StrCat(ctx.month.year(), "年", ctx.month.month(), "月");
  chrome.total_pages = total_pages;
  MonthlyReportPager pager(surface, std::move(chrome));
  WriteTitle(ctx, pager);
  WriteOverview(ctx, pager);
  WriteIndicators(ctx, pager);
  WriteAirQuality(ctx, pager);
  WriteSubmissions(ctx, pager);
  WriteDecisions(ctx, pager);
  WriteOverdue(ctx, pager);
  WriteSupervision(ctx, pager);
  WriteSources(ctx, pager);
  return pager.Finish();
}

}  // namespace

MonthlyReportContext::MonthlyReportContext(const MonthFacts& f, const MonthlyReportOptions& o,
                                           absl::CivilMonth m, bool charts)
    : facts(f),
      options(o),
      month(m),
      draw_charts(charts),
      zone(PlanZone(f)),
      organizations(f),
      year(f.plan.year() != 0 ? f.plan.year() : static_cast<int>(m.year())),
      lights(f.month_closed && f.assessment.has_value() ? f.assessment->measure_lights()
                                                        : f.evaluation.measure_lights()),
      scorecards(f.month_closed && f.assessment.has_value() ? f.assessment->scorecards()
                                                            : f.evaluation.scorecards()) {}

std::string MonthlyReportContext::MeasureLabel(const std::string& measure, size_t max_chars) const {
  for (const auto& m : facts.measures) {
    if (m.name() != measure) continue;
    std::string label = ShortId(measure);
    if (!m.task_title().empty()) absl::StrAppend(&label, " ", m.task_title());
    if (max_chars > 0 && !m.text().empty()) {
      absl::StrAppend(&label, "：", Abbreviate(m.text(), max_chars));
    }
    return label;
  }
  return ShortId(measure);
}

void MonthlyReportContext::Chart(MonthlyReportPager& pager, MonthlyReportChart chart,
                                 const std::string& indicator) const {
  // The charts come through MonthlyReportOptions (monthly_report_charts.h
  // sets them); without a drawer the report has no boxes.
  if (!options.draw_chart) return;
  MonthlyReportChartSlot slot{chart, indicator, pager.text_width(), options.chart_height_pt};
  if (options.has_chart && !options.has_chart(slot, facts)) return;
  if (!draw_charts) {
    pager.Box(slot.height_pt, nullptr);
    return;
  }
  const MonthlyReportChartDrawer& drawer = options.draw_chart;
  const MonthFacts& f = facts;
  pager.Box(slot.height_pt,
            [&drawer, &slot, &f](cairo_t* cr, double, double) { drawer(cr, slot, f); });
}

absl::StatusOr<RenderedPdf> RenderMonthlyReportPdf(const MonthFacts& facts,
                                                   const MonthlyReportOptions& options) {
  absl::CivilMonth month;
  if (!absl::ParseCivilTime(facts.month, &month)) {
    return absl::InvalidArgumentError(
        absl::StrCat("month must be YYYY-MM, not \"", facts.month, "\""));
  }
  // First pass: count the pages (charts are not drawn, their boxes are kept),
  // so that every footer can say "共 M 页".
  // A recording surface measures like the PDF one (the same fonts, unhinted
  // metrics) without subsetting and writing the fonts.
  cairo_surface_t* counting = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nullptr);
  const int pages = Draw(MonthlyReportContext(facts, options, month, false), counting, 0);
  cairo_surface_finish(counting);
  cairo_surface_destroy(counting);

  RenderedPdf pdf;
  cairo_surface_t* surface =
      cairo_pdf_surface_create_for_stream(AppendToString, &pdf.bytes, kA4Width, kA4Height);
  const std::string title =
      absl::StrCat(PlanTitle(facts), "执行情况月报（", month.year(), "年", month.month(), "月）");
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, options.creator.c_str());
  // Dated by the as-of day, not the clock: the same facts give the same bytes.
  const std::string date = absl::StrFormat("%04d-%02d-%02dT00:00:00+08:00", facts.as_of.year(),
                                           facts.as_of.month(), facts.as_of.day());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, date.c_str());
  cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, date.c_str());
  pdf.page_count = Draw(MonthlyReportContext(facts, options, month, true), surface, pages);
  cairo_surface_finish(surface);
  const cairo_status_t status = cairo_surface_status(surface);
  cairo_surface_destroy(surface);
  if (status != CAIRO_STATUS_SUCCESS) {
    return absl::InternalError(absl::StrCat("cairo: ", cairo_status_to_string(status)));
  }
  return pdf;
}

}  // namespace ecoplan::indicator::documents
