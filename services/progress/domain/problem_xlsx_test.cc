// Reading problem ledgers from .xlsx workbooks built in the test (by
// libxlsxwriter, as Excel or WPS saves them, and by hand): the rows are
// checked as a CSV file's records, each refused row with its worksheet row.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/spreadsheet/testing/xlsx_fixtures.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "services/progress/domain/problem_csv.h"
#include "services/progress/domain/problem_csv_invariants.h"
#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress {
namespace {

using common::CorpusInput;
using common::ReadCorpus;

using common::testing::MinimalWorkbookParts;
using common::testing::XlsxCell;
using common::testing::XlsxWorkbook;
using common::testing::ZipArchive;
using recorder_test::kTown1;
using recorder_test::kTown2;
using recorder_test::MakePlan;
using ::testing::HasSubstr;

using C = XlsxCell;

std::string Ledger() {
  return XlsxWorkbook({
      {C::Text("编号"), C::Text("名称"), C::Text("责任单位"), C::Text("整改期限"), C::Text("类别"),
       C::Text("说明")},
      {C::Text("PWK-001"), C::Text("永定河左岸排污口"), C::Text("龙泉镇"), C::Date(2026, 6, 30),
       C::Text("排污口"), C::Number(12)},
      {},  // an empty row is skipped
      {C::Number(7), C::Text("城子沟排污口"), C::Text("城子街道"),
       C::Date(2026, 5, 10, "yyyy\"年\"m\"月\"d\"日\""), C::Text("排污口")},
      {C::Text("PWK-003"), C::Text("坏行"), C::Text("龙泉镇"), C::Text("2026-13-01"),
       C::Text("排污口")},
  });
}

TEST(ParseProblemXlsxTest, ReadsTheFirstWorksheetWithDatesNumbersAndChineseHeaders) {
  ASSERT_OK_AND_ASSIGN(ProblemImport got, ParseProblemXlsx(Ledger(), *MakePlan(), "a1-t2-m1", {}));
  EXPECT_EQ(got.rows, 3);
  ASSERT_EQ(got.accepted.size(), 2u);
  EXPECT_EQ(got.accepted[0].line, 2);
  EXPECT_EQ(got.accepted[0].draft.code, "PWK-001");
  EXPECT_EQ(got.accepted[0].draft.org_id, kTown1);
  EXPECT_EQ(got.accepted[0].draft.due_day, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(got.accepted[0].draft.category, ProblemCategory::kDrainageOutlet);
  EXPECT_EQ(got.accepted[0].draft.description, "12");  // a number cell, not 12.0
  EXPECT_EQ(got.accepted[1].line, 4);                  // row 3 is empty
  EXPECT_EQ(got.accepted[1].draft.code, "7");
  EXPECT_EQ(got.accepted[1].draft.org_id, kTown2);
  EXPECT_EQ(got.accepted[1].draft.due_day, absl::CivilDay(2026, 5, 10));
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.errors[0].line, 5);  // the worksheet row
  EXPECT_EQ(got.errors[0].column, "整改期限");
  EXPECT_THAT(got.errors[0].message, HasSubstr("2026-13-01"));
}

TEST(ParseProblemXlsxTest, ReadsInlineStringsAndASkippedColumnAndNamesRowsInMessages) {
  const std::string styles =
      "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
      "<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs></styleSheet>";
  auto text = [](const std::string& ref, const std::string& t) {
    return "<c r=\"" + ref + "\" t=\"inlineStr\"><is><t>" + t + "</t></is></c>";
  };
  const std::string sheet =
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
      "<row r=\"1\">" +
      text("A1", "code") + text("C1", "Title") + text("D1", "organization") +
      text("E1", "due_date") +
      "</row>"
      "<row r=\"2\">" +
      text("A2", "PWK-9") + text("C2", "河道排口") + text("D2", "龙泉镇") +
      "<c r=\"E2\" s=\"1\"><v>46203</v></c></row>"
      "<row r=\"3\">" +
      text("A3", "PWK-9") + text("C3", "重复") + text("D3", "龙泉镇") +
      "<c r=\"E3\" s=\"1\"><v>46203</v></c></row>"
      "<row r=\"4\">" +
      text("A4", "PWK-10") + text("B4", "无表头") + text("C4", "x") + text("D4", "龙泉镇") +
      text("E4", "2026/7/1") +
      "</row>"
      "</sheetData></worksheet>";
  ASSERT_OK_AND_ASSIGN(ProblemImport got,
                       ParseProblemXlsx(ZipArchive(MinimalWorkbookParts(sheet, "", styles)),
                                        *MakePlan(), "a1-t2-m1", {}));
  EXPECT_EQ(got.rows, 3);
  ASSERT_EQ(got.accepted.size(), 1u);
  EXPECT_EQ(got.accepted[0].draft.code, "PWK-9");
  EXPECT_EQ(got.accepted[0].draft.title, "河道排口");
  EXPECT_EQ(got.accepted[0].draft.due_day, absl::CivilDay(2026, 6, 30));
  ASSERT_EQ(got.errors.size(), 2u);
  EXPECT_EQ(got.errors[0].line, 3);
  EXPECT_EQ(got.errors[0].message, "code PWK-9 appears already on row 2");
  EXPECT_EQ(got.errors[1].line, 4);
  EXPECT_THAT(got.errors[1].message, HasSubstr("without a header"));
}

TEST(ParseProblemXlsxTest, RefusesWhatIsNotAWorkbookAndTooManyRows) {
  const auto plan = MakePlan();
  absl::StatusOr<ProblemImport> got =
      ParseProblemXlsx("编号,名称,责任单位,整改期限\n", *plan, "a1-t2-m1", {});
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("not an .xlsx workbook: "));
  got = ParseProblemXlsx(ZipArchive({{"readme.txt", "not a workbook"}}), *plan, "a1-t2-m1", {});
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(got.status().message()),
              HasSubstr("not an .xlsx workbook: it has no xl/workbook.xml"));
  got = ParseProblemXlsx(XlsxWorkbook({{C::Text("编号"), C::Text("备注")}}), *plan, "a1-t2-m1", {});
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("xlsx: unknown column \"备注\""));

  std::string rows;
  for (int r = 1; r <= kMaxImportRows + 2; ++r) {
    rows += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) +
            "\" t=\"inlineStr\"><is><t>x</t></is></c></row>";
  }
  const std::string sheet =
      "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>" +
      rows + "</sheetData></worksheet>";
  got = ParseProblemXlsx(ZipArchive(MinimalWorkbookParts(sheet)), *plan, "a1-t2-m1", {});
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(got.status().message(), "xlsx: more than 5000 rows; split the file");
}

TEST(ParseProblemXlsxTest, TheFuzzInvariantsHoldForABuiltWorkbook) {
  EXPECT_OK(CheckProblemXlsxInput(Ledger()));
  EXPECT_OK(CheckProblemXlsxInput("PK\x03\x04 not really"));
}

// The fuzzer's corpus, and every input it ever crashed on once added there,
// keep the invariants in every build; its ledger reaches the accepting path.
TEST(ProblemXlsxCorpusTest, EveryCorpusInputSatisfiesTheInvariants) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_PROBLEM_XLSX_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    EXPECT_OK(CheckProblemXlsxInput(input.bytes)) << input.path;
    if (input.path.filename() == "ledger.xlsx") {
      ASSERT_OK_AND_ASSIGN(ProblemImport parsed,
                           ParseProblemXlsx(input.bytes, *problem_csv_internal::FuzzPlan(),
                                            "a1-t25-m3", FuzzExistingCodes()));
      EXPECT_EQ(parsed.accepted.size(), 1u);
      EXPECT_EQ(parsed.errors.size(), 2u);
    }
  }
  EXPECT_GE(corpus.size(), 4u);
}

}  // namespace
}  // namespace ecoplan::progress
