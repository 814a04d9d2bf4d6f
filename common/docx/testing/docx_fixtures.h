#pragma once

// Word documents for tests, written by hand: the XML of <w:body> zipped with
// libzip (common_spreadsheet_testing's ZipArchive) beside the other parts a
// .docx has. Link common_spreadsheet_testing.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/spreadsheet/testing/xlsx_fixtures.h"

namespace ecoplan::common::testing {

// word/document.xml around `body_xml` (the content of <w:body>).
inline std::string DocumentXml(const std::string& body_xml) {
  return absl::StrCat(
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
      "<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" "
      "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\" "
      "xmlns:wps=\"http://schemas.microsoft.com/office/word/2010/wordprocessingShape\">"
      "<w:body>",
      body_xml, "<w:sectPr/></w:body></w:document>");
}

// A .docx whose word/document.xml is `document_xml`.
inline std::string DocxWithDocumentXml(const std::string& document_xml) {
  return ZipArchive({
      {"[Content_Types].xml",
       "<?xml version=\"1.0\"?><Types "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
       "<Override PartName=\"/word/document.xml\" ContentType=\"application/"
       "vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>"},
      {"_rels/.rels",
       "<?xml version=\"1.0\"?><Relationships "
       "xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship "
       "Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
       "officeDocument\" Target=\"word/document.xml\"/></Relationships>"},
      {"word/document.xml", document_xml},
  });
}

// A .docx whose body is `body_xml`.
inline std::string Docx(const std::string& body_xml) {
  return DocxWithDocumentXml(DocumentXml(body_xml));
}

// <w:p> of one run per line of `lines` (XML-escaped by the caller).
inline std::string P(const std::string& text) {
  return absl::StrCat("<w:p><w:r><w:t xml:space=\"preserve\">", text, "</w:t></w:r></w:p>");
}

// A cell of `paragraphs`, with `properties` (e.g. "<w:vMerge w:val=\"restart\"/>").
inline std::string Tc(const std::vector<std::string>& paragraphs,
                      const std::string& properties = "") {
  std::string out = absl::StrCat("<w:tc><w:tcPr>", properties, "</w:tcPr>");
  for (const std::string& p : paragraphs) out += P(p);
  if (paragraphs.empty()) out += "<w:p/>";
  return out + "</w:tc>";
}

inline std::string Tr(const std::vector<std::string>& cells) {
  std::string out = "<w:tr>";
  for (const std::string& c : cells) out += c;
  return out + "</w:tr>";
}

inline std::string Tbl(int columns, const std::vector<std::string>& rows) {
  std::string out = "<w:tbl><w:tblPr/><w:tblGrid>";
  for (int i = 0; i < columns; ++i) out += "<w:gridCol w:w=\"1000\"/>";
  out += "</w:tblGrid>";
  for (const std::string& r : rows) out += r;
  return out + "</w:tbl>";
}

inline constexpr char kVMergeRestart[] = "<w:vMerge w:val=\"restart\"/>";
inline constexpr char kVMergeContinue[] = "<w:vMerge/>";
inline std::string GridSpan(int n) { return absl::StrCat("<w:gridSpan w:val=\"", n, "\"/>"); }

}  // namespace ecoplan::common::testing
