#include "common/docx/docx_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zip.h>

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/docx/testing/docx_fixtures.h"
#include "common/spreadsheet/testing/xlsx_fixtures.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"

namespace ecoplan::common {
namespace {

using testing::Docx;
using testing::DocxWithDocumentXml;
using ::testing::ElementsAre;
using testing::GridSpan;
using ::testing::HasSubstr;
using testing::kVMergeContinue;
using testing::kVMergeRestart;
using testing::P;
using ::testing::StartsWith;
using testing::Tbl;
using testing::Tc;
using testing::Tr;
using testing::ZipArchive;

void ExpectRefused(const absl::StatusOr<DocxDocument>& got, absl::string_view words) {
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr(std::string(words)));
}

TEST(DocxReaderTest, ReadsRunsTabsBreaksAndMarks) {
  absl::StatusOr<DocxDocument> got = ReadDocx(Docx(
      "<w:p><w:pPr><w:jc w:val=\"center\"/></w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t>北京</w:t>"
      "</w:r><w:r><w:tab/><w:t xml:space=\"preserve\">市 </w:t><w:br/><w:t>★二</w:t></w:r>"
      "<w:hyperlink><w:r><w:t>链</w:t></w:r></w:hyperlink>"
      "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText>PAGE</w:instrText></w:r>"
      "<w:r><w:t>7</w:t></w:r></w:p>" +
      P("") + P("第三段")));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->blocks.size(), 3u);
  EXPECT_FALSE(got->blocks[0].is_table);
  EXPECT_EQ(got->blocks[0].text, "北京 市 \n★二链7");
  EXPECT_EQ(got->blocks[0].position, "paragraph 1");
  EXPECT_EQ(got->blocks[1].text, "");
  EXPECT_EQ(got->blocks[2].text, "第三段");
  EXPECT_EQ(got->blocks[2].position, "paragraph 3");
  EXPECT_TRUE(got->notes.empty());
}

TEST(DocxReaderTest, ReadsMergedAndMultiParagraphCells) {
  const std::string table = Tbl(
      3,
      {Tr({Tc({"序号"}), Tc({"任务"}), Tc({"措施"})}), Tr({Tc({"一、大气"}, GridSpan(3))}),
       Tr({Tc({"1"}, kVMergeRestart), Tc({"任务一"}, kVMergeRestart), Tc({"措施一"})}),
       Tr({Tc({}, kVMergeContinue), Tc({""}, kVMergeContinue), Tc({"区发改委", "", "区城管委"})}),
       Tr({Tc({"2"}), Tc({"任务二", "第二段"}, GridSpan(2))})});
  absl::StatusOr<DocxDocument> got = ReadDocx(Docx(P("前言") + table + P("抄送")));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->blocks.size(), 3u);
  ASSERT_TRUE(got->blocks[1].is_table);
  const DocxTable& t = got->blocks[1].table;
  EXPECT_EQ(t.position, "table 1");
  EXPECT_EQ(t.grid_columns, 3);
  ASSERT_EQ(t.rows.size(), 5u);
  ASSERT_EQ(t.rows[1].cells.size(), 1u);
  EXPECT_EQ(t.rows[1].cells[0].grid_span, 3);
  EXPECT_THAT(t.rows[1].cells[0].paragraphs, ElementsAre("一、大气"));
  EXPECT_EQ(t.rows[2].cells[0].vertical_merge, DocxCell::VerticalMerge::kRestart);
  ASSERT_EQ(t.rows[3].cells.size(), 3u);
  EXPECT_EQ(t.rows[3].cells[0].vertical_merge, DocxCell::VerticalMerge::kContinue);
  EXPECT_EQ(t.rows[3].cells[1].vertical_merge, DocxCell::VerticalMerge::kContinue);
  EXPECT_TRUE(t.rows[3].cells[0].paragraphs.empty());
  EXPECT_THAT(t.rows[3].cells[2].paragraphs, ElementsAre("区发改委", "", "区城管委"));
  EXPECT_EQ(t.rows[3].cells[2].position, "table 1 row 4 cell 3");
  EXPECT_THAT(t.rows[4].cells[1].paragraphs, ElementsAre("任务二", "第二段"));
  EXPECT_EQ(t.rows[4].cells[1].grid_span, 2);
  // The paragraph after the table is the 2nd body paragraph.
  EXPECT_EQ(got->blocks[2].position, "paragraph 2");
  EXPECT_TRUE(got->notes.empty());
}

TEST(DocxReaderTest, ReadsTrackedChangesAsAcceptedAndSaysSo) {
  absl::StatusOr<DocxDocument> got = ReadDocx(
      Docx(P("前") + "<w:p><w:ins w:id=\"1\" w:author=\"a\"><w:r><w:t>新增</w:t></w:r></w:ins>"
                     "<w:r><w:t>保留</w:t></w:r><w:del w:id=\"2\" w:author=\"a\"><w:r>"
                     "<w:delText>删去</w:delText></w:r></w:del></w:p>"));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->blocks.size(), 2u);
  EXPECT_EQ(got->blocks[1].text, "新增保留");
  ASSERT_EQ(got->notes.size(), 1u);
  EXPECT_EQ(got->notes[0].code, "docx-tracked-changes");
  EXPECT_EQ(got->notes[0].position, "paragraph 2");
  EXPECT_THAT(got->notes[0].message, HasSubstr("2 tracked changes"));
}

TEST(DocxReaderTest, NotesTextBoxesImagesNestedTablesAndHiddenMergedText) {
  const std::string text_box =
      "<w:p><w:r><w:t>框前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires=\"wps\">"
      "<w:drawing><wps:txbx><w:txbxContent>" +
      P("框内文字") +
      "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict/>"
      "</mc:Fallback></mc:AlternateContent></w:r></w:p>";
  const std::string image = "<w:p><w:r><w:drawing><pic/></w:drawing></w:r></w:p>";
  const std::string nested =
      Tbl(2, {Tr({"<w:tc>" + P("外") + Tbl(1, {Tr({Tc({"内一"})}), Tr({Tc({"内二"})})}) + "</w:tc>",
                  Tc({"b"})}),
              Tr({Tc({"x"}, kVMergeRestart), Tc({"y"})}),
              Tr({Tc({"藏起来的字"}, kVMergeContinue), Tc({"z"})})});
  absl::StatusOr<DocxDocument> got = ReadDocx(Docx(text_box + image + nested));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_EQ(got->blocks[0].text, "框前");
  const DocxTable& t = got->blocks[2].table;
  EXPECT_THAT(t.rows[0].cells[0].paragraphs, ElementsAre("外", "内一", "内二"));
  EXPECT_TRUE(t.rows[2].cells[0].paragraphs.empty());
  std::vector<std::string> notes;
  for (const DocxNote& n : got->notes) notes.push_back(n.code + " @ " + n.position);
  EXPECT_THAT(notes, ElementsAre("docx-text-box @ paragraph 1", "docx-image @ paragraph 2",
                                 "docx-nested-table @ table 1 row 1 cell 1",
                                 "docx-merged-cell-text @ table 1 row 3 cell 1"));
}

// --- Hostile files ------------------------------------------------------------

TEST(DocxReaderTest, RefusesWhatIsNotADocx) {
  ExpectRefused(ReadDocx("just some text, not a zip"), "not a .docx document: not a zip archive");
  ExpectRefused(ReadDocx(""), "not a .docx document");
  ExpectRefused(ReadDocx(std::string("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) + "rest"), "old .doc");
  ExpectRefused(ReadDocx(ZipArchive({{"word/other.xml", "<a/>"}})),
                "the archive has no word/document.xml");
  ExpectRefused(ReadDocx(DocxWithDocumentXml("<w:document><w:body><w:p>")), "is not XML");
  ExpectRefused(ReadDocx(DocxWithDocumentXml("<other/>")), "no <w:document><w:body>");
}

TEST(DocxReaderTest, RefusesAZipBombByItsDeclaredSize) {
  // 40 MiB of one letter deflates to a few tens of KiB.
  std::string xml = testing::DocumentXml(P(std::string(40u << 20, 'a')));
  const std::string bomb = DocxWithDocumentXml(xml);
  EXPECT_LT(bomb.size(), 1u << 20);
  ExpectRefused(ReadDocx(bomb), "word/document.xml declares");
}

// The sizes a zip declares, in its local header and central directory, set to `size`.
std::string WithDeclaredSize(std::string zip, const std::string& name, uint32_t size) {
  auto patch = [&](size_t at) {
    for (int i = 0; i < 4; ++i) zip[at + i] = static_cast<char>((size >> (8 * i)) & 0xFF);
  };
  for (size_t at = zip.find("PK\x03\x04"); at != std::string::npos;
       at = zip.find("PK\x03\x04", at + 4)) {
    if (zip.compare(at + 30, name.size(), name) == 0) patch(at + 22);
  }
  for (size_t at = zip.find("PK\x01\x02"); at != std::string::npos;
       at = zip.find("PK\x01\x02", at + 4)) {
    if (zip.compare(at + 46, name.size(), name) == 0) patch(at + 24);
  }
  return zip;
}

TEST(DocxReaderTest, StopsUnpackingWhenTheDeclaredSizeLies) {
  // Declares 1000 bytes but unpacks to 40 MiB: refused without unpacking it all.
  const std::string bomb =
      WithDeclaredSize(DocxWithDocumentXml(testing::DocumentXml(P(std::string(40u << 20, 'a')))),
                       "word/document.xml", 1000);
  absl::StatusOr<DocxDocument> got = ReadDocx(bomb);
  ExpectRefused(got, "word/document.xml");
  // libzip believes the declared size until the end; the cap on bytes read stops it.
  EXPECT_THAT(std::string(got.status().message()),
              StartsWith("docx: word/document.xml unpacks to more than 33554432 bytes"));
  DocxLimits small;
  small.max_document_xml_bytes = 1000;
  // A truthful but large part is refused by the cap as well.
  ExpectRefused(ReadDocx(Docx(P(std::string(5000, 'a'))), small), "declares");
}

TEST(DocxReaderTest, RefusesTooManyEntries) {
  std::vector<std::pair<std::string, std::string>> entries{
      {"word/document.xml", testing::DocumentXml(P("a"))}};
  for (int i = 0; i < 1001; ++i) entries.emplace_back(absl::StrCat("x/", i), "");
  ExpectRefused(ReadDocx(ZipArchive(entries)), "1002 entries, more than 1000");
}

TEST(DocxReaderTest, RefusesADoctype) {
  ExpectRefused(ReadDocx(DocxWithDocumentXml(
                    "<?xml version=\"1.0\"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "
                    "\"file:///etc/passwd\">]><w:document><w:body><w:p><w:r><w:t>&x;</w:t>"
                    "</w:r></w:p></w:body></w:document>")),
                "DOCTYPE");
  ExpectRefused(ReadDocx(DocxWithDocumentXml("<!doctype a><w:document><w:body/></w:document>")),
                "DOCTYPE");
}

TEST(DocxReaderTest, RefusesDeepNesting) {
  std::string deep = "<w:p>";
  for (int i = 0; i < 200; ++i) deep += "<w:r>";
  deep += "<w:t>x</w:t>";
  for (int i = 0; i < 200; ++i) deep += "</w:r>";
  deep += "</w:p>";
  ExpectRefused(ReadDocx(Docx(deep)), "deeper than 64 levels");
  // Tables nested in cells count too.
  std::string tables = "x";
  for (int i = 0; i < 40; ++i) tables = Tbl(1, {Tr({"<w:tc>" + tables + "</w:tc>"})});
  ExpectRefused(ReadDocx(Docx(tables)), "deeper than 64 levels");
}

TEST(DocxReaderTest, RefusesTooManyTagsAndTooMuchText) {
  DocxLimits limits;
  limits.max_markup = 50;
  std::string many;
  for (int i = 0; i < 30; ++i) many += P("a");
  ExpectRefused(ReadDocx(Docx(many), limits), "more than 50 XML tags");
  limits = DocxLimits();
  limits.max_text_bytes = 10;
  ExpectRefused(ReadDocx(Docx(P("0123456789ab")), limits), "more than 10 bytes of text");
  limits = DocxLimits();
  limits.max_paragraphs = 3;
  ExpectRefused(ReadDocx(Docx(P("") + P("") + P("") + P("")), limits), "more than 3 paragraphs");
}

// The fuzz corpus (docx_reader_fuzzer) replayed: read or refused, never a crash.
TEST(DocxReaderCorpusTest, EveryCorpusFileIsReadOrRefused) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_DOCX_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    absl::StatusOr<DocxDocument> got = ReadDocx(input.bytes);
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << input.path;
    }
  }
  EXPECT_GE(corpus.size(), 4u);
}

}  // namespace
}  // namespace ecoplan::common
