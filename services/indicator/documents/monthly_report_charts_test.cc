// The 月报 with its charts drawn (MonthFactsChartDrawer): the charts' titles
// are in the PDF's text, the town ranking's bars are those of the facts, and
// the pages with charts are rendered for a person to look at.

#include "services/indicator/documents/monthly_report_charts.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/testing/temp_dir.h"
#include "services/indicator/documents/monthly_report_test_facts.h"

namespace ecoplan::indicator::documents {
namespace {

std::string Shell(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  if (pipe == nullptr) return out;
  char buffer[4096];
  size_t n;
  while ((n = fread(buffer, 1, sizeof buffer, pipe.get())) > 0) out.append(buffer, n);
  return out;
}

std::string Flat(const std::string& text) {
  std::string flat;
  for (char c : text) {
    if (c != ' ' && c != '\n' && c != '\f') flat.push_back(c);
  }
  return flat;
}

TEST(MonthlyReportChartsTest, TheReportDrawsItsChartsFromTheSameFacts) {
  if (Shell("command -v pdftotext").empty()) GTEST_SKIP() << "pdftotext (poppler-utils) missing";
  const MonthFacts facts = testing::MayFacts();
  MonthlyReportOptions plain;
  absl::StatusOr<RenderedPdf> without = RenderMonthlyReportPdf(facts, plain);
  ASSERT_TRUE(without.ok()) << without.status();
  MonthlyReportOptions with_charts;
  UseMonthFactsCharts(&with_charts);
  absl::StatusOr<RenderedPdf> with = RenderMonthlyReportPdf(facts, with_charts);
  ASSERT_TRUE(with.ok()) << with.status();
  // Three chart boxes of 220 pt take pages; the 优良天数比率 has none (the facts hold no
  // district days).
  EXPECT_GT(with->page_count, without->page_count);
  int boxes = 0;
  MonthlyReportOptions counting = with_charts;
  counting.has_chart = [&boxes, has = with_charts.has_chart](const MonthlyReportChartSlot& slot,
                                                             const MonthFacts& f) {
    const bool drawn = has(slot, f);
    if (drawn) ++boxes;
    EXPECT_EQ(drawn, slot.chart != MonthlyReportChart::kGoodDaysRatio);
    return drawn;
  };
  ASSERT_TRUE(RenderMonthlyReportPdf(facts, counting).ok());
  EXPECT_EQ(boxes, 3 * 2);  // each chart asked in both passes (counting pages, then drawing)

  common::TempDir dir;
  const std::string path = dir.path() + "/report.pdf";
  std::ofstream(path, std::ios::binary) << with->bytes;
  const std::string text = Flat(Shell(absl::StrCat("pdftotext '", path, "' -")));
  EXPECT_THAT(text, ::testing::HasSubstr("各镇街PM2.5累计浓度与目标"));
  EXPECT_THAT(text, ::testing::HasSubstr(
                        Flat(absl::StrCat(facts.submissions.period(), " 各单位报送情况"))));
  // The town bars are labelled with the facts' towns.
  EXPECT_THAT(text, ::testing::HasSubstr("龙泉镇"));
  // For a person to look at: ECOPLAN_KEEP_REPORT=DIR keeps the PDF.
  if (const char* keep = std::getenv("ECOPLAN_KEEP_REPORT"); keep != nullptr) {
    std::ofstream(absl::StrCat(keep, "/monthly-report-with-charts.pdf"), std::ios::binary)
        << with->bytes;
  }
}

}  // namespace
}  // namespace ecoplan::indicator::documents
