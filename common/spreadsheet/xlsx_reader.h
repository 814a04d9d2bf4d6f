#pragma once

// Reading the first worksheet of an Office Open XML workbook (.xlsx, as saved
// by Excel or WPS) into rows of text: a pure function from bytes in memory to
// rows, with Debian's libzip (the zip container) and pugixml (the parts).
//
// What is read:
//   - the workbook part named by _rels/.rels (else xl/workbook.xml), its
//     first <sheet> that is a worksheet (through the workbook's
//     relationships), its shared strings and its styles (both optional);
//   - the worksheet's <sheetData>: each <row> (its r attribute, else the
//     previous row's + 1) and each <c> (its reference, e.g. "C7", gives the
//     column; cells may be missing, and a cell without a reference follows the
//     previous one);
//   - cell types: s (shared string, rich-text runs <r><t> joined, phonetic
//     runs <rPh> left out), inlineStr, str (a formula's text), n (number), b
//     (TRUE / FALSE), e (the error text, e.g. #N/A), d (ISO 8601: its date);
//     a formula's cached value is read, the formula is not;
//   - numbers as their shortest decimal text (12, not 12.0; 0.1), unless the
//     cell's format (styles.xml cellXfs → numFmtId / numFmts) shows a date:
//     built-in formats 14–17, 22, 27–31, 36, 50–54, 57, 58 (the zh-CN 年月日
//     ones among them) and custom formats with y, d or a month m, as
//     YYYY-MM-DD (with " HH:MM:SS" for a date-time format when the time is not
//     midnight); time-only formats (18–21, 32–35, 45–47, 55, 56, custom ones
//     with only h, m, s) as HH:MM:SS. Serials count from 1900 (Excel's
//     fictitious 1900-02-29 included) or from 1904 when workbookPr date1904
//     is set; a serial outside 1..9999-12-31 stays a number;
//   - strings unescape _xHHHH_ (e.g. _x000D_, a carriage return).
// Rows whose cells are all empty are left out; trailing empty cells are
// dropped. Row numbers must increase through the sheet, as Excel writes them.
//
// Limits against zip bombs and huge files (XlsxLimits): the bytes unpacked
// from all parts read, the text of all cells, the '<' of each XML part (which
// bounds the memory of its parsed tree), the rows with a value and the
// columns read.

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

// One worksheet row with a value.
struct SheetRow {
  int number = 0;                  // the worksheet row number, the first being 1
  std::vector<std::string> cells;  // by column from A; missing cells are empty
};

struct XlsxLimits {
  size_t max_unpacked_bytes = 64u << 20;  // all parts read, and all cells' text
  size_t max_markup = 2'000'000;          // '<' in one XML part
  size_t max_rows = 5000;                 // rows with a value
  size_t max_columns = 256;               // a value beyond column IV is refused
};

// The rows of the first worksheet of `xlsx`. Errors, all InvalidArgument:
// "not an .xlsx workbook: …" (not a zip archive, an encrypted or .xls file, a
// part missing or malformed), "xlsx: …" (a limit of `limits` exceeded: more
// than max_rows rows, unpacking to more than max_unpacked_bytes, …).
absl::StatusOr<std::vector<SheetRow>> ReadFirstWorksheet(absl::string_view xlsx,
                                                         const XlsxLimits& limits = {});

// Whether `bytes` begin as a zip archive does ("PK\3\4"), as an .xlsx does.
bool LooksLikeZip(absl::string_view bytes);

// The shortest decimal text that reads back as `value` ("12", "0.1",
// "-3.25"; exponent form only below 1e-7 or from 1e21).
std::string ShortestDecimal(double value);

// A cell's number shown through a number format.
enum class NumberFormatKind { kNumber, kDate, kDateTime, kTime };

// The kind of the format `id` with `code` (empty for a built-in format).
NumberFormatKind ClassifyNumberFormat(int id, absl::string_view code);

// `serial` (days since the epoch of the 1900 or 1904 date system) as text of
// `kind`; the number's text when it is no date of the system.
std::string FormatSerial(double serial, NumberFormatKind kind, bool date1904);

}  // namespace ecoplan::common
