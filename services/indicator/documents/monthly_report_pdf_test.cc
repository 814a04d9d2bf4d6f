#include "services/indicator/documents/monthly_report_pdf.h"

#include <cairo.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/indicator/documents/monthly_report_test_facts.h"

namespace ecoplan::indicator::documents {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
using testing::MayFacts;

bool HaveTool(const std::string& tool) {
  return std::system(absl::StrCat("command -v ", tool, " >/dev/null 2>&1").c_str()) == 0;
}

// Runs `command` (through the shell); its standard output, or "" on failure.
std::string RunTool(const std::string& command, const common::TempDir& dir) {
  const std::string out = dir.Sub("stdout.txt");
  if (std::system(absl::StrCat(command, " > '", out, "' 2>/dev/null").c_str()) != 0) return "";
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

// The lines of `text` containing `needle`.
std::vector<std::string> LinesWith(const std::string& text, const std::string& needle) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StrContains(line, needle)) lines.emplace_back(line);
  }
  return lines;
}

// `text` without spaces and line breaks: pdftotext breaks wrapped lines and
// spaces CJK glyphs by their position.
std::string Flat(const std::string& text) {
  std::string flat;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\f') flat.push_back(c);
  }
  return flat;
}

// The table row around the first line containing `needle`: `before` lines
// above it to `after` lines below it, joined with spaces (a cell of one line
// is centred in a row of several).
std::string RowAround(const std::string& text, const std::string& needle, int before, int after) {
  const std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    if (!absl::StrContains(lines[i], needle)) continue;
    std::string row;
    const size_t from = i >= static_cast<size_t>(before) ? i - before : 0;
    for (size_t j = from; j <= i + after && j < lines.size(); ++j)
      absl::StrAppend(&row, " ", lines[j], " ");
    return row;
  }
  return "";
}

// The text between `from` and `to` (both must be present).
std::string Between(const std::string& text, const std::string& from, const std::string& to) {
  const size_t a = text.find(from);
  const size_t b = text.find(to, a == std::string::npos ? 0 : a);
  if (a == std::string::npos || b == std::string::npos) return "";
  return text.substr(a, b - a);
}

class MonthlyReportPdfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* tool : {"pdftotext", "pdffonts", "pdfinfo", "pdftoppm"}) {
      if (!HaveTool(tool)) {
        GTEST_SKIP() << tool << " (poppler-utils) is not installed; scripts/install-deps.sh "
                     << "installs it";
      }
    }
  }

  // Renders `facts` into the temp dir as report.pdf; also into
  // $ECOPLAN_MONTHLY_REPORT_OUT when set, to look at.
  RenderedPdf Render(const MonthFacts& facts, const MonthlyReportOptions& options = {}) {
    absl::StatusOr<RenderedPdf> pdf = RenderMonthlyReportPdf(facts, options);
    EXPECT_TRUE(pdf.ok()) << pdf.status();
    if (!pdf.ok()) return {};
    Write(path_, pdf->bytes);
    if (const char* out = std::getenv("ECOPLAN_MONTHLY_REPORT_OUT")) {
      Write(absl::StrCat(out, "/monthly-report.pdf"), pdf->bytes);
    }
    return *pdf;
  }
  std::string Text() { return RunTool(absl::StrCat("pdftotext -layout '", path_, "' -"), dir_); }

  common::TempDir dir_;
  std::string path_ = dir_.Sub("report.pdf");
};

TEST_F(MonthlyReportPdfTest, HasTheTitlePeriodAndEverySectionInChinese) {
  const RenderedPdf pdf = Render(MayFacts());
  ASSERT_GT(pdf.bytes.size(), 1000u);
  EXPECT_TRUE(absl::StartsWith(pdf.bytes, "%PDF-"));
  const std::string text = Flat(Text());
  ASSERT_FALSE(text.empty());
  EXPECT_TRUE(absl::StrContains(text, "美丽门头沟建设2026年行动计划执行情况月报（2026年5月）"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "数据截至2026年5月31日本月尚未结账"));
  EXPECT_TRUE(absl::StrContains(text, "门政办发〔2026〕1号"));
  EXPECT_TRUE(absl::StrContains(
      text,
      "计划共有工作措施20项，其中绿灯15项、黄灯3项、红灯2项；经区生态环境局确认办结并计为完成1项"));
  EXPECT_TRUE(absl::StrContains(
      text, "按牵头部门最新报送的进展：推进中15项、滞后1项、牵头部门尚无报送4项。"))
      << text;
  // The data note is Chinese to its end: the evaluation's source in its Chinese words.
  EXPECT_TRUE(absl::StrContains(text, "报告数据来源：进度服务：29份月报中的61条填报。")) << text;
  EXPECT_FALSE(absl::StrContains(text, "progress service")) << text;
  size_t last = 0;
  for (const char* heading : {"一、总体进展", "二、量化指标完成情况", "三、空气质量",
                              "四、报送情况", "五、延期与完成", "六、逾期与偏离", "七、督查督办"}) {
    const size_t at = text.find(heading, last);
    EXPECT_NE(at, std::string::npos) << heading << " missing or out of order";
    if (at != std::string::npos) last = at;
  }
}

TEST_F(MonthlyReportPdfTest, ShowsTheApiFiguresAsGiven) {
  Render(MayFacts());
  const std::string text = Text();
  // a4-pm25 in the indicator table: value, target, status, projection,
  // required remaining average, owner; the unit in the label.
  const std::string pm25 = RowAround(text, "a4-pm25", 4, 0);
  EXPECT_TRUE(absl::StrContains(pm25, "PM2.5年均浓度（微克/")) << pm25;  // unit in the label
  EXPECT_TRUE(absl::StrContains(pm25, " 31 ")) << pm25;
  EXPECT_TRUE(absl::StrContains(pm25, " ≤27 ")) << pm25;
  EXPECT_TRUE(absl::StrContains(pm25, "偏离目标")) << pm25;
  // The projection with its band (projected_low～projected_high), which may wrap.
  const std::string pm25_cells = Flat(RowAround(text, "a4-pm25", 4, 3));
  // (pdftotext interleaves the wrapped cells' lines.)
  EXPECT_TRUE(absl::StrContains(pm25_cells, "（27.6～")) << pm25_cells;
  EXPECT_TRUE(absl::StrContains(pm25_cells, "29.3）")) << pm25_cells;
  EXPECT_TRUE(absl::StrContains(pm25, "≤24.6")) << pm25;
  EXPECT_TRUE(absl::StrContains(pm25, "区生态环境局")) << pm25;
  const std::string flat = Flat(text);
  EXPECT_TRUE(absl::StrContains(flat, "全区PM2.5年均浓度为31微克/立方米（目标≤27微克/立方米"));
  // The status counts of EvaluatePlan.
  EXPECT_TRUE(absl::StrContains(
      flat,
      "共评估量化指标37项，其中已达成2项、按进度推进23项、存在风险2项、偏离目标9项、数据不足1项"));
  // 优良天数比率 under each caliber, since they differ; 重污染天数 alike under all.
  EXPECT_TRUE(absl::StrContains(text, "新旧标准口径对比"));
  // The standards that judged the days, in Chinese (standards_used_zh).
  EXPECT_TRUE(absl::StrContains(flat, "HJ633-2012：59")) << flat;
  EXPECT_TRUE(absl::StrContains(flat, "HJ633—2026：92")) << flat;
  EXPECT_FALSE(absl::StrContains(flat, "59days")) << flat;
  const std::vector<std::string> old_caliber = LinesWith(text, "全部按HJ 633-2012");
  ASSERT_EQ(old_caliber.size(), 1u) << "only 优良天数比率's calibers differ";
  EXPECT_TRUE(absl::StrContains(old_caliber[0], " 75.5 ")) << old_caliber[0];
  EXPECT_TRUE(absl::StrContains(old_caliber[0], "按进度推进")) << old_caliber[0];
  // The month's days counted from GetDailyAirQuality.
  EXPECT_TRUE(absl::StrContains(flat, "本月有监测数据31天，其中优良天数18天、重污染天数1天"));
}

// A marked sand day: one line with both figures under the district table;
// none without marked days.
TEST_F(MonthlyReportPdfTest, ExceptionalEventsGiveBothFiguresInOneLine) {
  Render(MayFacts());
  EXPECT_FALSE(absl::StrContains(Flat(Text()), "例外事件"));
  MonthFacts facts = MayFacts();
  for (iv1::Evaluation& e : *facts.evaluation.mutable_evaluations()) {
    if (e.indicator().name().find("/a4-pm25") == std::string::npos) continue;
    iv1::ExceptionalEventsFigure* x = e.mutable_excluding_exceptional_events();
    x->set_current_value(29);
    x->set_status(iv1::INDICATOR_STATUS_AT_RISK);
    x->set_excluded_days(2);
    x->add_exceptional_events("exceptionalEvents/ev-1");
  }
  Render(facts);
  const std::string text = Flat(Text());
  EXPECT_TRUE(absl::StrContains(
      text, "PM2.5年均浓度含全部天数为31微克/立方米（偏离目标），扣除2天（ev-1）后为29微克/立方米"))
      << text;
  EXPECT_TRUE(absl::StrContains(text, "上表及状态按全部天数计。")) << text;
}

TEST_F(MonthlyReportPdfTest, TownRankingRowCarriesRankValueTargetGapAndYearOnYear) {
  Render(MayFacts());
  const std::string ranking = Between(Text(), "镇街PM2.5浓度排名", "四、报送情况");
  const std::vector<std::string> rows = LinesWith(ranking, "龙泉镇");
  ASSERT_EQ(rows.size(), 1u) << ranking;
  std::vector<std::string> cells = absl::StrSplit(rows[0], ' ', absl::SkipEmpty());
  ASSERT_GE(cells.size(), 9u) << rows[0];
  EXPECT_EQ(cells[0], "9");
  EXPECT_EQ(cells[1], "龙泉镇");
  EXPECT_EQ(cells[2], "30");
  EXPECT_EQ(cells[3], "27");
  EXPECT_EQ(cells[4], "+3");
  EXPECT_EQ(cells[5], "偏离目标");
  EXPECT_EQ(cells[6], "32");
  EXPECT_EQ(cells[7], "-6.3%");
  EXPECT_EQ(cells[8], "151");
}

TEST_F(MonthlyReportPdfTest, ReportingTableNamesWhoHasNotReportedWithTheirMissingCount) {
  Render(MayFacts());
  const std::string text = Text();
  EXPECT_TRUE(absl::StrContains(
      Flat(text), "应报送单位33个，其中按时报送25个、逾期报送4个、仅存草稿1个、未报送3个"));
  const std::string table = Between(text, "四、报送情况", "五、延期与完成");
  const std::vector<std::string> rows = LinesWith(table, "区水务局");
  ASSERT_EQ(rows.size(), 1u) << table;
  std::vector<std::string> cells = absl::StrSplit(rows[0], ' ', absl::SkipEmpty());
  // 单位 本月报送 负责措施 未填报措施 年内应报条目 按时 逾期 缺报
  ASSERT_EQ(cells.size(), 8u) << rows[0];
  EXPECT_EQ(cells[1], "未报送");
  EXPECT_EQ(cells[2], "3");
  EXPECT_EQ(cells[3], "3");
  EXPECT_EQ(cells[4], "15");
  EXPECT_EQ(cells[5], "9");
  EXPECT_EQ(cells[6], "2");
  EXPECT_EQ(cells[7], "4");
  // Who has not reported comes before who reported on time.
  EXPECT_LT(table.find("区水务局"), table.find("区生态环境局"));
  const std::vector<std::string> late = LinesWith(table, "区交通局");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_TRUE(absl::StrContains(late[0], "逾期报送（2天5小时）")) << late[0];
}

TEST_F(MonthlyReportPdfTest, OverdueMeasureIsListedWithItsOwnerByName) {
  Render(MayFacts());
  const std::string red = Flat(Between(Text(), "（一）红灯措施", "（二）偏离目标和存在风险的指标"));
  EXPECT_TRUE(absl::StrContains(red, "红灯措施共2项")) << red;
  EXPECT_TRUE(absl::StrContains(red, "a1-t3-m4")) << red;
  EXPECT_TRUE(absl::StrContains(red, "区交通局")) << red;
  EXPECT_TRUE(absl::StrContains(red, "区公安交通支")) << red;  // the responsible unit (wrapped)
  // The reasons as the API gives them in Chinese (reasons_zh), not its English ones.
  EXPECT_TRUE(absl::StrContains(red, "「5月底前」")) << red;
  EXPECT_TRUE(absl::StrContains(red, "未说明完成")) << red;  // (the cell wraps)
  EXPECT_TRUE(absl::StrContains(red, "2026年5月未报送")) << red;
  EXPECT_FALSE(absl::StrContains(red, "no report of an owner")) << red;
  EXPECT_FALSE(absl::StrContains(red, "评估接口原文")) << red;
  // A green measure is not in the list.
  EXPECT_FALSE(absl::StrContains(red, "a1-t3-m1")) << red;
  const std::string off = Between(Text(), "（二）偏离目标和存在风险的指标", "七、督查督办");
  const std::string leak = RowAround(off, "公共供水管网漏损率", 0, 1);
  EXPECT_TRUE(absl::StrContains(leak, " 9.1 ")) << leak;
  EXPECT_TRUE(absl::StrContains(leak, " ≤8 ")) << leak;
  EXPECT_TRUE(absl::StrContains(leak, "区水务局")) << leak;
  // Each organization's overdue measures, in the scorecard's Chinese words.
  const std::string per_org = Flat(Between(Text(), "（三）各单位逾期措施", "七、督查督办"));
  EXPECT_TRUE(absl::StrContains(per_org, "a1-t3-m4（完成时限2026年5月31日）")) << per_org;
  EXPECT_FALSE(absl::StrContains(per_org, "(due")) << per_org;
  // The explanation is the evaluation's status_reason_zh.
  EXPECT_TRUE(absl::StrContains(Flat(off), "沿用最新数值9.1")) << Flat(off);
  EXPECT_TRUE(absl::StrContains(Flat(off), "（2026年5月25日），")) << Flat(off);
  EXPECT_TRUE(absl::StrContains(Flat(off), "预计期末76.9%，与目")) << Flat(off);
  EXPECT_FALSE(absl::StrContains(off, "carried forward")) << off;
}

// An answer without the Chinese texts (a month closed before the API gave
// them) still prints its reasons, in the words it has.
TEST_F(MonthlyReportPdfTest, ReasonsWithoutAChineseTextArePrintedAsGiven) {
  MonthFacts facts = MayFacts();
  for (iv1::MeasureLight& l : *facts.evaluation.mutable_measure_lights()) {
    if (absl::EndsWith(l.measure(), "/a1-t3-m4")) l.clear_reasons_zh();
  }
  Render(facts);
  const std::string red = Flat(Between(Text(), "（一）红灯措施", "（二）偏离目标和存在风险的指标"));
  EXPECT_TRUE(absl::StrContains(red, "«5月底前»")) << red;
  EXPECT_TRUE(absl::StrContains(red, "问题清单：5项中3项未销号")) << red;  // a1-t7-m1 in Chinese
}

TEST_F(MonthlyReportPdfTest, DecisionsAndSupervisionOfTheMonthOnly) {
  Render(MayFacts());
  const std::string text = Flat(Text());
  EXPECT_TRUE(absl::StrContains(text, "本月审定延期申请2项，同意1项、不同意1项；另有1项待审。"));
  EXPECT_TRUE(
      absl::StrContains(text, "本月审定办结申请2项，确认办结1项、退回1项；另有1项待确认。"));
  EXPECT_FALSE(absl::StrContains(text, "四月已审定的申请")) << "decided in April";
  EXPECT_TRUE(
      absl::StrContains(text, "督办单共4件，本月签发3件、销号1件；在办2件，其中逾期未回复1件。"));
  EXPECT_FALSE(absl::StrContains(text, "永定河沿岸垃圾堆放")) << "closed in April";
  EXPECT_TRUE(
      absl::StrContains(text, "问题清单共6项，未整改销号4项，本月销号1项，逾期未整改2项。"));
  const std::vector<std::string> overdue = LinesWith(Text(), "PWK-0003");
  ASSERT_FALSE(overdue.empty());
  EXPECT_TRUE(absl::StrContains(overdue.back(), "区水务局")) << overdue.back();
  EXPECT_TRUE(absl::StrContains(overdue.back(), "5月20日")) << overdue.back();
}

TEST_F(MonthlyReportPdfTest, EveryFontIsEmbeddedAndCjk) {
  Render(MayFacts());
  const std::string fonts = RunTool(absl::StrCat("pdffonts '", path_, "'"), dir_);
  const std::vector<std::string> lines = absl::StrSplit(fonts, '\n', absl::SkipEmpty());
  ASSERT_GT(lines.size(), 2u) << fonts;
  bool cjk = false;
  for (size_t i = 2; i < lines.size(); ++i) {  // after the two header lines
    std::vector<std::string> cols = absl::StrSplit(lines[i], ' ', absl::SkipEmpty());
    // name type [encoding…] emb sub uni object ID: emb is the 5th from the end.
    ASSERT_GE(cols.size(), 7u) << lines[i];
    EXPECT_EQ(cols[cols.size() - 5], "yes") << "not embedded: " << lines[i];
    cjk = cjk || absl::StrContains(cols[0], "CJK");
  }
  EXPECT_TRUE(cjk) << fonts;
}

TEST_F(MonthlyReportPdfTest, PageCountMatchesPdfinfoAndPageOneIsNotBlank) {
  const RenderedPdf pdf = Render(MayFacts());
  const std::string info = RunTool(absl::StrCat("pdfinfo '", path_, "'"), dir_);
  const std::vector<std::string> pages = LinesWith(info, "Pages:");
  ASSERT_EQ(pages.size(), 1u) << info;
  int count = 0;
  ASSERT_TRUE(
      absl::SimpleAtoi(absl::StripAsciiWhitespace(absl::StripPrefix(pages[0], "Pages:")), &count));
  EXPECT_EQ(count, pdf.page_count);
  EXPECT_GE(count, 4);
  EXPECT_TRUE(absl::StrContains(info, "A4")) << info;
  // Every footer knows the total.
  const std::string text = Flat(Text());
  EXPECT_TRUE(absl::StrContains(text, absl::StrCat("第1页共", count, "页")));
  EXPECT_TRUE(absl::StrContains(text, absl::StrCat("第", count, "页共", count, "页")));

  ASSERT_EQ(std::system(absl::StrCat("pdftoppm -png -r 60 -f 1 -l 1 -singlefile '", path_, "' '",
                                     dir_.Sub("page1"), "'")
                            .c_str()),
            0);
  cairo_surface_t* png = cairo_image_surface_create_from_png(dir_.Sub("page1.png").c_str());
  ASSERT_EQ(cairo_surface_status(png), CAIRO_STATUS_SUCCESS);
  const int width = cairo_image_surface_get_width(png);
  const int height = cairo_image_surface_get_height(png);
  EXPECT_NEAR(width, 496, 2);  // 210 mm at 60 dpi
  EXPECT_NEAR(height, 702, 2);
  cairo_surface_flush(png);
  const unsigned char* data = cairo_image_surface_get_data(png);
  const int stride = cairo_image_surface_get_stride(png);
  int dark = 0;
  for (int y = 0; y < height; ++y) {
    const auto* row = reinterpret_cast<const uint32_t*>(data + y * stride);
    for (int x = 0; x < width; ++x) dark += (row[x] & 0xff) < 128 ? 1 : 0;  // blue channel
  }
  cairo_surface_destroy(png);
  EXPECT_GT(dark, width * height / 100) << "page 1 is (nearly) blank";
}

TEST_F(MonthlyReportPdfTest, LongTableRepeatsItsHeaderOnTheNextPage) {
  Render(MayFacts());
  // The indicator table has 37 rows: it starts on one page and ends on a
  // later one, and every page it runs onto starts with its header row.
  const std::vector<std::string> pages = absl::StrSplit(Text(), '\f');
  int first = -1;
  int last = -1;
  for (size_t p = 0; p < pages.size(); ++p) {
    if (first < 0 && absl::StrContains(pages[p], "量化指标完成情况") &&
        absl::StrContains(pages[p], "a4-pm25")) {
      first = static_cast<int>(p);
    }
    if (absl::StrContains(pages[p], "m-a2-t5-m1-1")) last = static_cast<int>(p);
  }
  ASSERT_GE(first, 0);
  ASSERT_GT(last, first) << "the table fits on one page: the facts are too small for this test";
  for (int p = first + 1; p <= last; ++p) {
    const std::string& page = pages[p];
    const size_t header = page.find("指标（单位）");
    const size_t first_row = std::min(page.find("a5-"), page.find("m-a"));
    ASSERT_NE(header, std::string::npos) << "page " << p + 1 << " has no header:\n" << page;
    EXPECT_LT(header, first_row) << "page " << p + 1;
    EXPECT_TRUE(absl::StrContains(page.substr(0, header), "年行动计划执行情况月报"))
        << "the running header comes first";
  }
}

TEST_F(MonthlyReportPdfTest, ChartDrawerGetsEverySlotInDocumentOrder) {
  const RenderedPdf without = Render(MayFacts());
  std::vector<MonthlyReportChartSlot> slots;
  MonthlyReportOptions options;
  options.draw_chart = [&slots](cairo_t* cr, const MonthlyReportChartSlot& slot,
                                const MonthFacts& facts) {
    slots.push_back(slot);
    cairo_save(cr);
    cairo_rectangle(cr, 0, 0, slot.width_pt, slot.height_pt);
    cairo_set_source_rgb(cr, 0.2, 0.4, 0.8);
    cairo_fill(cr);
    cairo_restore(cr);
    EXPECT_EQ(facts.month, "2026-05");
  };
  const RenderedPdf with = Render(MayFacts(), options);
  ASSERT_EQ(slots.size(), 4u) << "drawn once each, in the final pass only";
  EXPECT_EQ(slots[0].chart, MonthlyReportChart::kIndicatorTrajectory);
  EXPECT_EQ(slots[0].indicator, absl::StrCat(testing::kTestPlan, "/indicators/a4-pm25"));
  EXPECT_EQ(slots[1].chart, MonthlyReportChart::kGoodDaysRatio);
  EXPECT_EQ(slots[2].chart, MonthlyReportChart::kTownRanking);
  EXPECT_EQ(slots[3].chart, MonthlyReportChart::kReportingTimeliness);
  EXPECT_DOUBLE_EQ(slots[0].height_pt, 220);
  EXPECT_GT(slots[0].width_pt, 400);
  EXPECT_GT(with.page_count, without.page_count);
}

TEST_F(MonthlyReportPdfTest, ClosedMonthUsesTheAssessmentsLightsAndScorecards) {
  MonthFacts facts = MayFacts();
  facts.month_closed = true;
  iv1::MonthlyAssessment& assessment = facts.assessment.emplace();
  assessment.set_name(absl::StrCat(testing::kTestPlan, "/months/2026-05"));
  assessment.set_closed(true);
  // Frozen at closing: every light green but one red on a1-t9-m1, and 区水务局
  // with 5 missing entries (the live evaluation says a1-t3-m4, 4).
  for (const iv1::MeasureLight& live : facts.evaluation.measure_lights()) {
    iv1::MeasureLight* l = assessment.add_measure_lights();
    *l = live;
    l->set_colour(iv1::MEASURE_COLOUR_GREEN);
    l->clear_reasons();
    l->clear_reasons_zh();
    if (absl::EndsWith(l->measure(), "/a1-t9-m1")) {
      l->set_colour(iv1::MEASURE_COLOUR_RED);
      l->add_reasons("due 2026-05-31 passed, completion not confirmed by the bureau");
      l->add_reasons_zh("完成时限2026年5月31日已过，局方尚未确认办结");
    }
  }
  for (const iv1::Scorecard& live : facts.evaluation.scorecards()) {
    iv1::Scorecard* card = assessment.add_scorecards();
    *card = live;
    if (card->organization() == "区水务局") card->set_reports_missing(5);
  }
  Render(facts);
  const std::string text = Text();
  EXPECT_TRUE(absl::StrContains(Flat(text), "本月已结账"));
  EXPECT_TRUE(absl::StrContains(Flat(text), "红灯措施共1项"));
  const std::string red = Flat(Between(text, "（一）红灯措施", "（二）偏离目标和存在风险的指标"));
  EXPECT_TRUE(absl::StrContains(red, "a1-t9-m1")) << red;
  EXPECT_TRUE(absl::StrContains(red, "区规划自然资源")) << red;  // its owner (wrapped)
  EXPECT_FALSE(absl::StrContains(red, "a1-t3-m4")) << red;
  const std::vector<std::string> water =
      LinesWith(Between(text, "四、报送情况", "五、延期与完成"), "区水务局");
  ASSERT_EQ(water.size(), 1u);
  EXPECT_TRUE(absl::EndsWith(absl::StripTrailingAsciiWhitespace(water[0]), " 5")) << water[0];
}

TEST_F(MonthlyReportPdfTest, LongReasonsAreCutSoTheRowFitsOnAPage) {
  MonthFacts facts = MayFacts();
  for (iv1::MeasureLight& l : *facts.evaluation.mutable_measure_lights()) {
    if (!absl::EndsWith(l.measure(), "/a1-t3-m4")) continue;
    for (int i = 0; i < 8; ++i) {
      l.add_reasons(absl::StrCat("checkpoint «按季度» occurrence ", i,
                                 " missed: no report of an owner states it met; ",
                                 std::string(300, 'x')));
      l.add_reasons_zh(absl::StrCat("措施原文节点「按季度」第", i,
                                    "次已过，责任单位报告均未说明完成；", std::string(300, 'x')));
    }
  }
  const RenderedPdf pdf = Render(facts);
  const std::string red = Flat(Between(Text(), "（一）红灯措施", "（二）偏离目标和存在风险的指标"));
  EXPECT_TRUE(absl::StrContains(red, "（共10条，其余见评估接口）")) << red;
  EXPECT_FALSE(absl::StrContains(red, "第7次")) << "only the first five reasons";
  EXPECT_LE(pdf.page_count, 10);
}

// Prints the time to render the test facts (docs/PERFORMANCE.md).
TEST(MonthlyReportPdfPureTest, RenderTime) {
  const MonthFacts facts = MayFacts();
  constexpr int kRuns = 5;
  const absl::Time start = absl::Now();
  int pages = 0;
  size_t bytes = 0;
  for (int i = 0; i < kRuns; ++i) {
    ASSERT_OK_AND_ASSIGN(RenderedPdf pdf, RenderMonthlyReportPdf(facts, {}));
    pages = pdf.page_count;
    bytes = pdf.bytes.size();
  }
  const double ms = absl::ToDoubleMilliseconds(absl::Now() - start) / kRuns;
  std::printf("monthly report: %d pages, %zu bytes, %.1f ms per render (mean of %d)\n", pages,
              bytes, ms, kRuns);
  EXPECT_LT(ms, 10000) << "far slower than measured in docs/PERFORMANCE.md";
}

TEST(MonthlyReportPdfPureTest, SameFactsGiveTheSameBytes) {
  ASSERT_OK_AND_ASSIGN(RenderedPdf a, RenderMonthlyReportPdf(MayFacts(), {}));
  ASSERT_OK_AND_ASSIGN(RenderedPdf b, RenderMonthlyReportPdf(MayFacts(), {}));
  EXPECT_EQ(a.page_count, b.page_count);
  EXPECT_TRUE(a.bytes == b.bytes) << "the PDF depends on something besides the facts";
}

TEST(MonthlyReportPdfPureTest, ThreadsRenderAtTheSameTimeAlike) {
  const MonthFacts facts = MayFacts();
  RenderedPdf results[2];
  std::vector<std::thread> threads;
  for (RenderedPdf& result : results) {
    threads.emplace_back([&facts, &result] {
      absl::StatusOr<RenderedPdf> pdf = RenderMonthlyReportPdf(facts, {});
      if (pdf.ok()) result = *std::move(pdf);
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_GT(results[0].page_count, 0);
  EXPECT_EQ(results[0].page_count, results[1].page_count);
  EXPECT_TRUE(results[0].bytes == results[1].bytes);
}

TEST(MonthlyReportPdfPureTest, RejectsAMalformedMonth) {
  MonthFacts facts = MayFacts();
  facts.month = "2026/05";
  EXPECT_STATUS_CODE(RenderMonthlyReportPdf(facts, {}), absl::StatusCode::kInvalidArgument);
}

TEST(MonthlyReportPdfPureTest, EmptyFactsStillGiveAReport) {
  MonthFacts facts;
  facts.month = "2026-05";
  facts.as_of = absl::CivilDay(2026, 5, 31);
  ASSERT_OK_AND_ASSIGN(RenderedPdf pdf, RenderMonthlyReportPdf(facts, {}));
  EXPECT_GE(pdf.page_count, 1);
}

}  // namespace
}  // namespace ecoplan::indicator::documents
