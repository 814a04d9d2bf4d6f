#pragma once

// Workbooks for tests, built in the test itself: .xlsx files written by
// libxlsxwriter (as a spreadsheet program would save them) and zip archives
// of hand-written parts (for what libxlsxwriter does not write: inline
// strings, skipped columns, broken parts).

#include <string>
#include <utility>
#include <vector>

namespace ecoplan::common::testing {

// One cell a workbook is written with.
struct XlsxCell {
  enum class Kind { kEmpty, kText, kNumber, kDate };
  Kind kind = Kind::kEmpty;
  std::string text;
  double number = 0;
  int year = 0, month = 0, day = 0;
  std::string format;    // a custom number format ("yyyy年m月d日"); empty: the built-in one
  int format_index = 0;  // a built-in format (14: m/d/yyyy) when `format` is empty

  static XlsxCell Empty() { return XlsxCell(); }
  static XlsxCell Text(std::string text) {
    XlsxCell c;
    c.kind = Kind::kText;
    c.text = std::move(text);
    return c;
  }
  static XlsxCell Number(double number, std::string format = "") {
    XlsxCell c;
    c.kind = Kind::kNumber;
    c.number = number;
    c.format = std::move(format);
    return c;
  }
  // A date cell: built-in format 14 unless `format` names one.
  static XlsxCell Date(int year, int month, int day, std::string format = "") {
    XlsxCell c;
    c.kind = Kind::kDate;
    c.year = year;
    c.month = month;
    c.day = day;
    c.format = std::move(format);
    c.format_index = 14;
    return c;
  }
};

// A workbook whose first worksheet holds `rows` (rows[i] in worksheet row
// i + 1, rows[i][j] in column j), written by libxlsxwriter (strings as shared
// strings), with a second worksheet holding "second sheet" in A1. Crashes
// the test binary when libxlsxwriter fails.
std::string XlsxWorkbook(const std::vector<std::vector<XlsxCell>>& rows);

// A zip archive of `entries` (name, content), deflated, written by libzip.
std::string ZipArchive(const std::vector<std::pair<std::string, std::string>>& entries);

// The parts of a minimal workbook around `sheet_xml` (the worksheet part,
// xl/worksheets/sheet1.xml), with `shared_strings_xml` and `styles_xml` when
// not empty and `workbook_pr` (e.g. "<workbookPr date1904=\"1\"/>").
std::vector<std::pair<std::string, std::string>> MinimalWorkbookParts(
    const std::string& sheet_xml, const std::string& shared_strings_xml = "",
    const std::string& styles_xml = "", const std::string& workbook_pr = "");

}  // namespace ecoplan::common::testing
