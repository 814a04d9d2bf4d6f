// ReadFirstWorksheet over workbooks built in the test: by libxlsxwriter (as
// Excel would save them) and by hand (inline strings, skipped columns, the
// 1904 date system, broken and oversized archives).

#include "common/spreadsheet/xlsx_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/spreadsheet/testing/xlsx_fixtures.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MinimalWorkbookParts;
using testing::XlsxCell;
using testing::XlsxWorkbook;
using testing::ZipArchive;

constexpr char kNs[] = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";

std::string Sheet(const std::string& rows) {
  return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet ") + kNs +
         "><sheetData>" + rows + "</sheetData></worksheet>";
}

void ExpectInvalid(const absl::StatusOr<std::vector<SheetRow>>& got, const std::string& part) {
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << got.status();
  EXPECT_THAT(std::string(got.status().message()), HasSubstr(part)) << got.status();
}

TEST(XlsxReaderTest, ReadsAWorkbookAsExcelSavesItWithDatesNumbersAndSharedStrings) {
  const std::string book = XlsxWorkbook({
      {XlsxCell::Text("编号"), XlsxCell::Text("名称"), XlsxCell::Text("责任单位"),
       XlsxCell::Text("整改期限"), XlsxCell::Text("数量")},
      {XlsxCell::Text("PWK-1"), XlsxCell::Text("永定河排污口"), XlsxCell::Text("龙泉镇"),
       XlsxCell::Date(2026, 6, 30), XlsxCell::Number(12)},
      {},  // an empty row
      {XlsxCell::Text("PWK-2"), XlsxCell::Text("城子排污口"), XlsxCell::Text("龙泉镇"),
       XlsxCell::Date(2026, 12, 31, "yyyy\"年\"m\"月\"d\"日\""), XlsxCell::Number(0.1, "0.00")},
      {XlsxCell::Empty(), XlsxCell::Number(-3.25), XlsxCell::Empty(), XlsxCell::Number(46203)},
  });
  ASSERT_TRUE(LooksLikeZip(book));
  ASSERT_OK_AND_ASSIGN(std::vector<SheetRow> rows, ReadFirstWorksheet(book));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].number, 1);
  EXPECT_THAT(rows[0].cells, ElementsAre("编号", "名称", "责任单位", "整改期限", "数量"));
  EXPECT_EQ(rows[1].number, 2);
  EXPECT_THAT(rows[1].cells, ElementsAre("PWK-1", "永定河排污口", "龙泉镇", "2026-06-30", "12"));
  EXPECT_EQ(rows[2].number, 4);  // row 3 is empty
  EXPECT_THAT(rows[2].cells, ElementsAre("PWK-2", "城子排污口", "龙泉镇", "2026-12-31", "0.1"));
  // A missing cell is empty; a number without a date format stays a number.
  EXPECT_EQ(rows[3].number, 5);
  EXPECT_THAT(rows[3].cells, ElementsAre("", "-3.25", "", "46203"));
}

TEST(XlsxReaderTest, ReadsInlineStringsSkippedColumnsRichTextAndEveryCellType) {
  const std::string shared = std::string("<sst ") + kNs +
                             " count=\"2\" uniqueCount=\"2\">"
                             "<si><t xml:space=\"preserve\"> 区水务局 </t></si>"
                             "<si><r><rPr><b/></rPr><t>永定河</t></r><r><t>排污口</t></r>"
                             "<rPh sb=\"0\" eb=\"1\"><t>ヨンディン</t></rPh></si></sst>";
  const std::string styles =
      std::string("<styleSheet ") + kNs +
      "><numFmts count=\"2\"><numFmt numFmtId=\"164\" formatCode=\"yyyy/m/d;@\"/>"
      "<numFmt numFmtId=\"165\" formatCode=\"[h]:mm:ss\"/></numFmts>"
      "<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/><xf numFmtId=\"165\"/>"
      "<xf numFmtId=\"22\"/><xf numFmtId=\"31\"/></cellXfs></styleSheet>";
  const std::string sheet = Sheet(
      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>编号</t></is></c>"
      "<c r=\"C1\" t=\"inlineStr\"><is><r><t>名</t></r><r><t>称</t></r></is></c></row>"
      "<row r=\"3\"><c r=\"A3\" t=\"s\"><v>0</v></c><c t=\"s\"><v>1</v></c>"
      "<c r=\"D3\" s=\"1\"><v>46203</v></c><c r=\"E3\" s=\"2\"><v>0.5</v></c>"
      "<c r=\"F3\" s=\"3\"><v>46203.75</v></c><c r=\"G3\" s=\"4\"><v>46203</v></c></row>"
      "<row r=\"4\"><c r=\"A4\" t=\"b\"><v>1</v></c><c r=\"B4\" t=\"e\"><v>#N/A</v></c>"
      "<c r=\"C4\" t=\"str\"><f>A1&amp;\"x\"</f><v>a_x000D_b</v></c>"
      "<c r=\"D4\"><v>1.5E-3</v></c><c r=\"E4\" s=\"9\"><v>7</v></c>"
      "<c r=\"F4\" t=\"d\"><v>2026-06-30T00:00:00</v></c></row>"
      "<row r=\"5\"><c r=\"A5\" s=\"1\"/><c r=\"B5\" t=\"s\"/></row>");
  ASSERT_OK_AND_ASSIGN(std::vector<SheetRow> rows,
                       ReadFirstWorksheet(ZipArchive(MinimalWorkbookParts(sheet, shared, styles))));
  ASSERT_EQ(rows.size(), 3u);  // row 5 has only empty cells
  EXPECT_EQ(rows[0].number, 1);
  EXPECT_THAT(rows[0].cells, ElementsAre("编号", "", "名称"));
  EXPECT_EQ(rows[1].number, 3);
  EXPECT_THAT(rows[1].cells, ElementsAre(" 区水务局 ", "永定河排污口", "", "2026-06-30", "12:00:00",
                                         "2026-06-30 18:00:00", "2026-06-30"));
  EXPECT_EQ(rows[2].number, 4);
  EXPECT_THAT(rows[2].cells, ElementsAre("TRUE", "#N/A", "a\rb", "0.0015", "7", "2026-06-30"));
}

TEST(XlsxReaderTest, HonoursThe1904DateSystem) {
  const std::string styles = std::string("<styleSheet ") + kNs +
                             "><cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/></cellXfs>"
                             "</styleSheet>";
  const std::string sheet = Sheet("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>44741</v></c></row>");
  ASSERT_OK_AND_ASSIGN(std::vector<SheetRow> rows,
                       ReadFirstWorksheet(ZipArchive(MinimalWorkbookParts(
                           sheet, "", styles, "<workbookPr date1904=\"1\"/>"))));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].cells, ElementsAre("2026-06-30"));  // 1462 days later than in 1900
  ASSERT_OK_AND_ASSIGN(
      rows, ReadFirstWorksheet(ZipArchive(MinimalWorkbookParts(
                Sheet("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>46203</v></c></row>"), "", styles))));
  EXPECT_THAT(rows[0].cells, ElementsAre("2026-06-30"));
}

TEST(XlsxReaderTest, RefusesWhatIsNotAWorkbook) {
  ExpectInvalid(ReadFirstWorksheet("编号,名称\nPWK-1,排污口\n"),
                "not an .xlsx workbook: not a zip archive");
  ExpectInvalid(ReadFirstWorksheet(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "xls"),
                "not an .xlsx workbook: an encrypted workbook or an old .xls file");
  ExpectInvalid(ReadFirstWorksheet(ZipArchive({{"word/document.xml", "<document/>"}})),
                "not an .xlsx workbook: it has no xl/workbook.xml");
  auto parts = MinimalWorkbookParts(Sheet(""));
  parts[4].second = "<worksheet><sheetData><row r=\"1\">";  // cut short
  ExpectInvalid(ReadFirstWorksheet(ZipArchive(parts)),
                "not an .xlsx workbook: xl/worksheets/sheet1.xml is not XML");
  ExpectInvalid(ReadFirstWorksheet(ZipArchive(MinimalWorkbookParts(
                    Sheet("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>3</v></c></row>")))),
                "cell A1 names shared string \"3\"");
  ExpectInvalid(ReadFirstWorksheet(ZipArchive(MinimalWorkbookParts(
                    Sheet("<row r=\"2\"><c r=\"A2\"><v>1</v></c></row><row r=\"1\"/>")))),
                "row 1 comes after row 2");
  ExpectInvalid(ReadFirstWorksheet(ZipArchive(
                    MinimalWorkbookParts(Sheet("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>")))),
                "bad cell reference \"1A\"");
  const std::string truncated = XlsxWorkbook({{XlsxCell::Text("编号")}});
  ExpectInvalid(ReadFirstWorksheet(truncated.substr(0, truncated.size() / 2)),
                "not an .xlsx workbook");
}

TEST(XlsxReaderTest, BoundsUnpackedBytesRowsAndColumns) {
  // A part of 1 MiB of spaces packs into a few kilobytes: a small zip bomb.
  auto parts = MinimalWorkbookParts(
      Sheet(std::string(1u << 20, ' ') + "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"));
  const std::string bomb = ZipArchive(parts);
  ASSERT_LT(bomb.size(), 64u << 10);
  XlsxLimits limits;
  limits.max_unpacked_bytes = 512u << 10;
  ExpectInvalid(ReadFirstWorksheet(bomb, limits), "xlsx: the workbook unpacks to more than");
  EXPECT_OK(ReadFirstWorksheet(bomb));

  std::string many;
  for (int r = 1; r <= 6; ++r) {
    many += "<row r=\"" + std::to_string(r) + "\"><c r=\"A" + std::to_string(r) +
            "\"><v>1</v></c></row>";
  }
  limits = XlsxLimits();
  limits.max_rows = 5;
  ExpectInvalid(ReadFirstWorksheet(ZipArchive(MinimalWorkbookParts(Sheet(many))), limits),
                "xlsx: more than 5 rows");
  limits.max_rows = 6;
  EXPECT_OK(ReadFirstWorksheet(ZipArchive(MinimalWorkbookParts(Sheet(many))), limits));

  ExpectInvalid(ReadFirstWorksheet(ZipArchive(
                    MinimalWorkbookParts(Sheet("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row>")))),
                "xlsx: cell XFD1 is beyond column IV");
  // Empty cells far out are no values.
  EXPECT_OK(ReadFirstWorksheet(ZipArchive(
      MinimalWorkbookParts(Sheet("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"XFD1\"/></row>")))));

  limits = XlsxLimits();
  limits.max_markup = 10;
  ExpectInvalid(ReadFirstWorksheet(ZipArchive(MinimalWorkbookParts(Sheet(many))), limits),
                "XML tags");
}

TEST(XlsxReaderTest, NumbersAreTheirShortestDecimalText) {
  EXPECT_EQ(ShortestDecimal(12), "12");
  EXPECT_EQ(ShortestDecimal(12.5), "12.5");
  EXPECT_EQ(ShortestDecimal(0.1), "0.1");
  EXPECT_EQ(ShortestDecimal(-0.0), "0");
  EXPECT_EQ(ShortestDecimal(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(ShortestDecimal(0.0015), "0.0015");
  EXPECT_EQ(ShortestDecimal(1200000), "1200000");
  EXPECT_EQ(ShortestDecimal(1e16), "10000000000000000");
  EXPECT_EQ(ShortestDecimal(123456789.125), "123456789.125");
  EXPECT_EQ(ShortestDecimal(1e-9), "1e-09");
}

TEST(XlsxReaderTest, ClassifiesNumberFormatsAndFormatsSerials) {
  using K = NumberFormatKind;
  EXPECT_EQ(ClassifyNumberFormat(14, ""), K::kDate);
  EXPECT_EQ(ClassifyNumberFormat(22, ""), K::kDateTime);
  EXPECT_EQ(ClassifyNumberFormat(20, ""), K::kTime);
  EXPECT_EQ(ClassifyNumberFormat(46, ""), K::kTime);
  EXPECT_EQ(ClassifyNumberFormat(31, ""), K::kDate);  // zh-CN yyyy"年"m"月"d"日"
  EXPECT_EQ(ClassifyNumberFormat(0, ""), K::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(2, ""), K::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(176, "yyyy\"年\"m\"月\"d\"日\""), K::kDate);
  EXPECT_EQ(ClassifyNumberFormat(177, "[$-804]yyyy/m/d"), K::kDate);
  EXPECT_EQ(ClassifyNumberFormat(178, "mmm-yy"), K::kDate);
  EXPECT_EQ(ClassifyNumberFormat(179, "h:mm AM/PM"), K::kTime);
  EXPECT_EQ(ClassifyNumberFormat(180, "mm:ss"), K::kTime);
  EXPECT_EQ(ClassifyNumberFormat(181, "yyyy-mm-dd hh:mm"), K::kDateTime);
  EXPECT_EQ(ClassifyNumberFormat(182, "#,##0.00_);[Red](#,##0.00)"), K::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(183, "0.00\"天\""), K::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(184, "General"), K::kNumber);
  EXPECT_EQ(ClassifyNumberFormat(185, "@"), K::kNumber);

  EXPECT_EQ(FormatSerial(1, K::kDate, false), "1900-01-01");
  EXPECT_EQ(FormatSerial(59, K::kDate, false), "1900-02-28");
  EXPECT_EQ(FormatSerial(61, K::kDate, false), "1900-03-01");
  EXPECT_EQ(FormatSerial(46203, K::kDate, false), "2026-06-30");
  EXPECT_EQ(FormatSerial(46203.9999999, K::kDate, false), "2026-07-01");
  EXPECT_EQ(FormatSerial(0, K::kDate, true), "1904-01-01");
  EXPECT_EQ(FormatSerial(0, K::kDate, false), "0");
  EXPECT_EQ(FormatSerial(-1, K::kDate, false), "-1");
  EXPECT_EQ(FormatSerial(3e6, K::kDate, false), "3000000");
  EXPECT_EQ(FormatSerial(1.25, K::kTime, false), "30:00:00");
}

}  // namespace
}  // namespace ecoplan::common
