// The 台账 read back with the repo's own .xlsx reader (common/spreadsheet):
// its first sheet, 措施, row by row against the facts it was drawn from, and
// one organization's ledger narrowed to its measures. The other sheets, the
// formats, the frozen panes and the filters are read back by exceljs in
// tests/documents.

#include "services/indicator/documents/ledger_xlsx.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/time/clock.h"
#include "common/spreadsheet/xlsx_reader.h"
#include "services/indicator/documents/testing/ledger_sample_facts.h"

namespace ecoplan::indicator::documents {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

std::vector<common::SheetRow> FirstSheet(const MonthFacts& facts, const std::string& org) {
  absl::StatusOr<std::string> xlsx = RenderLedgerXlsx(facts, org);
  EXPECT_TRUE(xlsx.ok()) << xlsx.status();
  if (!xlsx.ok()) return {};
  EXPECT_TRUE(common::LooksLikeZip(*xlsx));
  absl::StatusOr<std::vector<common::SheetRow>> rows = common::ReadFirstWorksheet(*xlsx);
  EXPECT_TRUE(rows.ok()) << rows.status();
  return rows.ok() ? *rows : std::vector<common::SheetRow>{};
}

std::string Cell(const common::SheetRow& row, size_t column) {
  return column < row.cells.size() ? row.cells[column] : "";
}

TEST(LedgerXlsxTest, MeasuresSheetHoldsEveryMeasureWithItsFigures) {
  const MonthFacts facts = testing::SampleLedgerFacts();
  std::vector<common::SheetRow> rows = FirstSheet(facts, "");
  ASSERT_THAT(rows, SizeIs(4));  // the header and three measures
  EXPECT_EQ(Cell(rows[0], 0), "措施编号");
  EXPECT_EQ(Cell(rows[0], 12), "颜色");
  EXPECT_EQ(Cell(rows[0], 17), "最新报告完成比例");

  const common::SheetRow& m7 = rows[1];
  EXPECT_EQ(Cell(m7, 0), "a1-t3-m7");
  EXPECT_EQ(Cell(m7, 1), "1");  // the annex, a number
  EXPECT_EQ(Cell(m7, 4), facts.measures[0].text());
  EXPECT_EQ(Cell(m7, 5), "★");
  EXPECT_EQ(Cell(m7, 6), "区交通局");
  EXPECT_EQ(Cell(m7, 7), "各镇街");
  EXPECT_EQ(Cell(m7, 8), "12月底前");
  EXPECT_EQ(Cell(m7, 9), "2026-12-31");  // a date cell, read as a date
  EXPECT_EQ(Cell(m7, 12), "黄");
  EXPECT_EQ(Cell(m7, 14), "区交通局");
  EXPECT_EQ(Cell(m7, 15), "2026-05");
  EXPECT_EQ(Cell(m7, 16), "推进中");
  EXPECT_EQ(Cell(m7, 17), "0.6");  // 60 %, a number under a % format
  // The report's last submission, 2026-06-05 10:00 Beijing time.
  EXPECT_EQ(Cell(m7, 18), "2026-06-05 10:00:00");

  const common::SheetRow& m1 = rows[2];
  EXPECT_EQ(Cell(m1, 0), "a1-t4-m1");
  EXPECT_EQ(Cell(m1, 9), "2026-06-30");   // the extension's due day the light used
  EXPECT_EQ(Cell(m1, 10), "2026-05-31");  // the plan's
  EXPECT_EQ(Cell(m1, 11), "已申报办结");
  EXPECT_EQ(Cell(m1, 12), "红");
  EXPECT_EQ(Cell(m1, 13), "完成时限2026年5月31日已过");  // reasons_zh, not the English

  EXPECT_EQ(Cell(rows[3], 0), "a2-t1-m2");
  EXPECT_EQ(Cell(rows[3], 9), "");  // ongoing: no due day
  EXPECT_EQ(Cell(rows[3], 12), "绿");
}

TEST(LedgerXlsxTest, OrganizationLedgerHoldsOnlyItsMeasures) {
  const MonthFacts facts = testing::SampleLedgerFacts();
  std::vector<common::SheetRow> water = FirstSheet(facts, "o-sw");
  ASSERT_THAT(water, SizeIs(2));
  EXPECT_EQ(Cell(water[1], 0), "a1-t4-m1");
  // A town is responsible through the group word 各镇街's members.
  std::vector<common::SheetRow> town = FirstSheet(facts, "organizations/o-zz");
  ASSERT_THAT(town, SizeIs(2));
  EXPECT_EQ(Cell(town[1], 0), "a1-t3-m7");
  // Its own latest report only: the town has none, so those cells are empty.
  EXPECT_EQ(Cell(town[1], 14), "");
  EXPECT_EQ(LedgerFileName(facts, "o-zz"), "台账_2026-05_张镇.xlsx");
  EXPECT_EQ(LedgerFileName(facts, ""), "台账_2026-05.xlsx");
}

TEST(LedgerXlsxTest, SameFactsSameBytes) {
  const MonthFacts facts = testing::SampleLedgerFacts();
  absl::StatusOr<std::string> first = RenderLedgerXlsx(facts, "");
  ASSERT_TRUE(first.ok());
  absl::SleepFor(absl::Milliseconds(1100));  // a second later: no clock in the bytes
  absl::StatusOr<std::string> second = RenderLedgerXlsx(facts, "");
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*first == *second);
}

TEST(LedgerXlsxTest, SheetsInOrder) {
  EXPECT_THAT(LedgerSheetNames(),
              ElementsAre("措施", "月度报告", "报送情况", "延期", "完成", "指标", "考核"));
}

TEST(LedgerXlsxTest, MalformedMonthIsRefused) {
  MonthFacts facts = testing::SampleLedgerFacts();
  facts.month = "2026-5x";
  EXPECT_EQ(RenderLedgerXlsx(facts, "").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::indicator::documents
