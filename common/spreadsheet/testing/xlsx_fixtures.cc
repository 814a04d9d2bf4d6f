#include "common/spreadsheet/testing/xlsx_fixtures.h"

#include <xlsxwriter.h>
#include <zip.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>

#include "common/testing/temp_dir.h"

namespace ecoplan::common::testing {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "xlsx_fixtures: %s\n", what);
  std::abort();
}

}  // namespace

std::string XlsxWorkbook(const std::vector<std::vector<XlsxCell>>& rows) {
  TempDir dir;
  const std::string path = dir.Sub("book.xlsx");
  lxw_workbook* book = workbook_new(path.c_str());
  if (book == nullptr) Die("workbook_new");
  lxw_worksheet* sheet = workbook_add_worksheet(book, "问题清单");
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t c = 0; c < rows[r].size(); ++c) {
      const XlsxCell& cell = rows[r][c];
      lxw_format* format = nullptr;
      if (!cell.format.empty() || cell.format_index != 0) {
        format = workbook_add_format(book);
        if (!cell.format.empty()) {
          format_set_num_format(format, cell.format.c_str());
        } else {
          format_set_num_format_index(format, static_cast<uint8_t>(cell.format_index));
        }
      }
      const auto row = static_cast<lxw_row_t>(r);
      const auto col = static_cast<lxw_col_t>(c);
      lxw_error e = LXW_NO_ERROR;
      switch (cell.kind) {
        case XlsxCell::Kind::kEmpty:
          break;
        case XlsxCell::Kind::kText:
          e = worksheet_write_string(sheet, row, col, cell.text.c_str(), format);
          break;
        case XlsxCell::Kind::kNumber:
          e = worksheet_write_number(sheet, row, col, cell.number, format);
          break;
        case XlsxCell::Kind::kDate: {
          lxw_datetime when = {cell.year, cell.month, cell.day, 0, 0, 0};
          e = worksheet_write_datetime(sheet, row, col, &when, format);
          break;
        }
      }
      if (e != LXW_NO_ERROR) Die(lxw_strerror(e));
    }
  }
  lxw_worksheet* second = workbook_add_worksheet(book, "说明");
  worksheet_write_string(second, 0, 0, "second sheet", nullptr);
  if (workbook_close(book) != LXW_NO_ERROR) Die("workbook_close");
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::string ZipArchive(const std::vector<std::pair<std::string, std::string>>& entries) {
  TempDir dir;
  const std::string path = dir.Sub("archive.zip");
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip == nullptr) Die("zip_open");
  for (const auto& [name, content] : entries) {
    // libzip reads the buffers at zip_close: they live in `entries`.
    zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
    if (source == nullptr || zip_file_add(zip, name.c_str(), source, ZIP_FL_ENC_UTF_8) < 0) {
      Die("zip_file_add");
    }
  }
  if (zip_close(zip) != 0) Die("zip_close");
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::pair<std::string, std::string>> MinimalWorkbookParts(
    const std::string& sheet_xml, const std::string& shared_strings_xml,
    const std::string& styles_xml, const std::string& workbook_pr) {
  const std::string ns =
      "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
      "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"";
  const std::string rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/";
  std::string workbook_rels =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
      "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
      "<Relationship Id=\"rId1\" Type=\"" +
      rel + "worksheet\" Target=\"worksheets/sheet1.xml\"/>";
  if (!shared_strings_xml.empty()) {
    workbook_rels += "<Relationship Id=\"rId2\" Type=\"" + rel +
                     "sharedStrings\" Target=\"sharedStrings.xml\"/>";
  }
  if (!styles_xml.empty()) {
    workbook_rels += "<Relationship Id=\"rId3\" Type=\"" + rel + "styles\" Target=\"styles.xml\"/>";
  }
  workbook_rels += "</Relationships>";
  std::vector<std::pair<std::string, std::string>> parts = {
      {"[Content_Types].xml",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>"},
      {"_rels/.rels",
       "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
       "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
       "<Relationship Id=\"rId1\" Type=\"" +
           rel +
           "officeDocument\" Target=\"xl/workbook.xml\"/>"
           "</Relationships>"},
      {"xl/workbook.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook " + ns + ">" +
                              workbook_pr +
                              "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/>"
                              "</sheets></workbook>"},
      {"xl/_rels/workbook.xml.rels", workbook_rels},
      {"xl/worksheets/sheet1.xml", sheet_xml},
  };
  if (!shared_strings_xml.empty()) parts.push_back({"xl/sharedStrings.xml", shared_strings_xml});
  if (!styles_xml.empty()) parts.push_back({"xl/styles.xml", styles_xml});
  return parts;
}

}  // namespace ecoplan::common::testing
