// A plan read from a small Word document written by hand: vertically merged
// 序号/重点任务 cells over a task's measure rows, cells of several paragraphs,
// heading rows spanning the table; the same plan as its text, with document
// positions for provenance.

#include "services/registry/domain/docx_plan_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/docx/testing/docx_fixtures.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"

namespace ecoplan::registry {
namespace {

using common::CorpusInput;
using common::ReadCorpus;

using common::testing::Docx;
using common::testing::GridSpan;
using common::testing::kVMergeContinue;
using common::testing::kVMergeRestart;
using common::testing::P;
using common::testing::Tbl;
using common::testing::Tc;
using common::testing::Tr;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The small plan of plan_parser_test.cc as its text …
constexpr char kSmallPlanText[] =
    "北京市延庆区人民政府办公室文件\n"
    "延政办发〔2027〕5号\n"
    "\n"
    "关于印发《绿色延庆2027年行动计划》的通知\n"
    "2027年4月2日\n"
    "绿色延庆2027年行动计划\n"
    "各部门、各街镇每月10日前向区发改委报送工作进展。\n"
    "附件：1.重点任务\n"
    "2.指标\n"
    "附件1\n"
    "重点任务\n"
    "\t序号\n\t重点任务\n\t工作措施\n\t完成时限\n\t牵头部门\n\t责任单位\n"
    "\t一、大气\n"
    "\t（一）目标\n"
    "\t1\n\t任务一\n\t★措施一\n\t3月底前\n\t区发展改革委\n\t各街镇\n\n"
    "\t\n\t\n\t措施二\n\t4-5月\n\t区发改委\n\n区城管委\n\t相关镇街\n\n"
    "\t3\n\t任务三\n\t措施三\n\t尽快\n\t区文旅局\n\t\n\n"
    "附件2\n"
    "指标\n"
    "\t镇街\n\t目标\n\n"
    "\t康庄镇\n\t30\n\n"
    "\t儒林街道\n\t-\n\n"
    "抄送：区委各部门。\n";

// … and as a Word document: task 1's 序号 and 重点任务 cells merged down over
// its second measure row, the lead cell of that row two paragraphs with an
// empty one between, the headings one cell across the six columns.
std::string SmallPlanDocx(const std::string& extra_body = "") {
  std::string body;
  for (const char* line :
       {"北京市延庆区人民政府办公室文件", "延政办发〔2027〕5号", "",
        "关于印发《绿色延庆2027年行动计划》的通知", "2027年4月2日", "绿色延庆2027年行动计划",
        "各部门、各街镇每月10日前向区发改委报送工作进展。", "附件：1.重点任务", "2.指标", "附件1",
        "重点任务"}) {
    body += P(line);
  }
  body += Tbl(
      6, {Tr({Tc({"序号"}), Tc({"重点任务"}), Tc({"工作措施"}), Tc({"完成时限"}), Tc({"牵头部门"}),
              Tc({"责任单位"})}),
          Tr({Tc({"一、大气"}, GridSpan(6))}), Tr({Tc({"（一）目标"}, GridSpan(6))}),
          Tr({Tc({"1"}, kVMergeRestart), Tc({"任务一"}, kVMergeRestart), Tc({"★措施一"}),
              Tc({"3月底前"}), Tc({"区发展改革委"}), Tc({"各街镇"})}),
          Tr({Tc({}, kVMergeContinue), Tc({}, kVMergeContinue), Tc({"措施二"}), Tc({"4-5月"}),
              Tc({"区发改委", "", "区城管委"}), Tc({"相关镇街", ""})}),
          Tr({Tc({"3"}), Tc({"任务三"}), Tc({"措施三"}), Tc({"尽快"}), Tc({"区文旅局"}), Tc({})})});
  body += P("附件2") + P("指标");
  body += Tbl(2, {Tr({Tc({"镇街"}), Tc({"目标"})}), Tr({Tc({"康庄镇"}), Tc({"30"})}),
                  Tr({Tc({"儒林街道"}), Tc({"-"})})});
  body += extra_body + P("抄送：区委各部门。");
  return Docx(body);
}

TEST(DocxPlanReaderTest, WritesTheDocumentAsThePlanTextWithPositions) {
  ASSERT_OK_AND_ASSIGN(common::DocxDocument document, common::ReadDocx(SmallPlanDocx()));
  const DocxPlanText text = DocxToPlanText(document);
  // The text format exactly: the merged cells empty, the lead cell's paragraphs
  // continuation lines, the trailing empty paragraph of 相关镇街 left out, a
  // blank line after each row.
  EXPECT_THAT(text.text,
              HasSubstr("\t1\n\t任务一\n\t★措施一\n\t3月底前\n\t区发展改革委\n\t各街镇\n\n"
                        "\t\n\t\n\t措施二\n\t4-5月\n\t区发改委\n\n区城管委\n\t相关镇街\n\n"
                        "\t3\n\t任务三\n\t措施三\n\t尽快\n\t区文旅局\n\t\n\n附件2\n"));
  EXPECT_THAT(text.text, HasSubstr("\t一、大气\n\n\t（一）目标\n\n"));
  ASSERT_EQ(text.line_positions.size(),
            static_cast<size_t>(std::count(text.text.begin(), text.text.end(), '\n')));
  EXPECT_EQ(text.line_positions[0], "paragraph 1");
  EXPECT_EQ(text.line_positions[11], "table 1 row 1 cell 1");
  // 区城管委: the lead cell's third paragraph in row 5.
  const size_t at = text.text.find("区城管委");
  const int line = static_cast<int>(std::count(text.text.begin(), text.text.begin() + at, '\n'));
  EXPECT_EQ(text.line_positions[line], "table 1 row 5 cell 5 paragraph 3");
  EXPECT_TRUE(text.warnings.empty());
}

TEST(DocxPlanReaderTest, ReadsMergedCellsAndParagraphsAsTheTextDoes) {
  ASSERT_OK_AND_ASSIGN(ParsedPlan from_docx, ParsePlanDocx(SmallPlanDocx()));
  ASSERT_OK_AND_ASSIGN(ParsedPlan from_text, ParsePlanDocument(kSmallPlanText));
  EXPECT_EQ(from_docx.plan.source_media_type, common::kDocxMediaType);
  EXPECT_EQ(from_docx.plan.title, "绿色延庆2027年行动计划");
  ASSERT_EQ(from_docx.tasks.size(), 2u);
  const Task& one = from_docx.tasks[0];
  EXPECT_EQ(one.title, "任务一");
  ASSERT_EQ(one.measures.size(), 2u);  // the row under the merged cells is its measure
  EXPECT_TRUE(one.measures[0].featured);
  EXPECT_EQ(one.measures[0].text, "措施一");
  EXPECT_EQ(one.measures[1].text, "措施二");
  std::vector<std::string> leads;
  for (const OrgRef& r : one.measures[1].leads) leads.push_back(r.written_name);
  EXPECT_THAT(leads, ElementsAre("区发改委", "区城管委"));
  // Field by field as the text, but for provenance.
  ASSERT_EQ(from_text.tasks.size(), from_docx.tasks.size());
  for (size_t t = 0; t < from_text.tasks.size(); ++t) {
    const Task& a = from_text.tasks[t];
    const Task& b = from_docx.tasks[t];
    EXPECT_EQ(a.id, b.id);
    EXPECT_EQ(a.title, b.title);
    ASSERT_EQ(a.measures.size(), b.measures.size());
    for (size_t m = 0; m < a.measures.size(); ++m) {
      EXPECT_EQ(a.measures[m].text, b.measures[m].text);
      EXPECT_EQ(a.measures[m].deadline.raw, b.measures[m].deadline.raw);
      EXPECT_EQ(a.measures[m].leads.size(), b.measures[m].leads.size());
      EXPECT_EQ(a.measures[m].responsibles.size(), b.measures[m].responsibles.size());
    }
  }
  ASSERT_EQ(from_docx.plan.annexes.size(), 2u);
  ASSERT_EQ(from_docx.plan.annexes[1].indicator_tables.size(), 1u);
  EXPECT_EQ(from_docx.plan.annexes[1].indicator_tables[0].rows.size(), 2u);
  EXPECT_EQ(from_docx.organizations.size(), from_text.organizations.size());
  // Provenance: where in the document.
  EXPECT_EQ(one.measures[1].source.document_position,
            "table 1 row 5 cell 1 to table 1 row 5 cell 6");
  EXPECT_THAT(one.source.document_position, StartsWith("table 1 row 4 cell 1"));
  EXPECT_EQ(from_docx.plan.annexes[1].indicator_tables[0].rows[0].source.document_position,
            "table 2 row 2 cell 1 to table 2 row 2 cell 2");
  EXPECT_EQ(from_text.tasks[0].measures[1].source.document_position, "");
  for (const ParseWarning& w : from_docx.plan.warnings) {
    EXPECT_FALSE(w.document_position.empty()) << w.code << ": " << w.message;
  }
}

TEST(DocxPlanReaderTest, WarnsWhatTheTextCannotSayWithPositions) {
  // A tracked change in the front matter and a merged cell across two columns
  // in a row of several cells (annex 2's table gets a third column).
  std::string docx =
      SmallPlanDocx(P("注") + Tbl(3, {Tr({Tc({"a", "b"}, GridSpan(2)), Tc({"c"})})}) +
                    "<w:p><w:del><w:r><w:delText>删</w:delText></w:r></w:del></w:p>");
  ASSERT_OK_AND_ASSIGN(ParsedPlan p, ParsePlanDocx(docx));
  std::vector<std::string> docx_warnings;
  for (const ParseWarning& w : p.plan.warnings) {
    if (absl::StartsWith(w.code, "docx-")) {
      docx_warnings.push_back(w.code + " @ " + w.document_position);
      EXPECT_GT(w.line, 0) << w.code;
    }
  }
  EXPECT_THAT(docx_warnings, ElementsAre("docx-merged-columns @ table 3 row 1 cell 1",
                                         "docx-tracked-changes @ paragraph 15"));
  EXPECT_EQ(p.plan.summary.warning_count, static_cast<int>(p.plan.warnings.size()));
}

TEST(DocxPlanReaderTest, ParseErrorsNameTheDocumentPosition) {
  // The parser's "line 1: no document number" becomes the paragraph.
  absl::StatusOr<ParsedPlan> bad =
      ParsePlanDocx(Docx(P("北京市延庆区人民政府办公室文件") + P("没有文号") + P("正文")));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()),
              StartsWith("paragraph 1 (line 1 of the document's text): "));
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("no document number"));
}

TEST(DocxPlanReaderTest, RefusesHostileFilesAndTooMuchText) {
  absl::StatusOr<ParsedPlan> got = ParsePlanDocx("not a zip");
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("not a .docx document"));
  got = ParsePlanDocx(SmallPlanDocx(), {}, 100);
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(got.status().message()), HasSubstr("text is larger than 100 bytes"));
}

// The reader's fuzz corpus through the whole import: read, parsed or refused.
TEST(DocxPlanReaderTest, CorpusFilesAreParsedOrRefused) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_DOCX_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    absl::StatusOr<ParsedPlan> got = ParsePlanDocx(input.bytes);
    if (!got.ok()) {
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument) << input.path;
    }
  }
  EXPECT_GE(corpus.size(), 4u);
}

}  // namespace
}  // namespace ecoplan::registry
