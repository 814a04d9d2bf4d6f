// Reading problem ledgers from CSV: libcsv's records with their numbers, and
// the rows checked against the plan, each refused row with its record
// number and column.

#include "services/progress/domain/problem_csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "services/progress/domain/problem_csv_invariants.h"
#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress {
namespace {

using common::CorpusInput;
using common::ReadCorpus;
using common::ReadFileBytes;

using recorder_test::kCity;
using recorder_test::kTown1;
using recorder_test::kTown2;
using recorder_test::MakePlan;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(ReadCsvTest, StripsTheBomAcceptsCrlfQuotedCommasAndNewlinesAndCountsEmptyLines) {
  const std::string csv =
      "\xEF\xBB\xBF"
      "a,b\r\n"
      "\"x, y\",\"two\r\nlines\"\r\n"
      "\r\n"
      "\"say \"\"hi\"\"\",z\r\n"
      "last,row";
  ASSERT_OK_AND_ASSIGN(std::vector<CsvRecord> records, ReadCsv(csv, 100));
  ASSERT_EQ(records.size(), 4u);
  EXPECT_EQ(records[0].number, 1);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b"));
  EXPECT_EQ(records[1].number, 2);
  EXPECT_THAT(records[1].fields, ElementsAre("x, y", "two\r\nlines"));
  // The empty line is record 3 (a number, no record): the line number, less
  // the extra line of the quoted field.
  EXPECT_EQ(records[2].number, 4);
  EXPECT_THAT(records[2].fields, ElementsAre("say \"hi\"", "z"));
  EXPECT_EQ(records[3].number, 5);
  EXPECT_THAT(records[3].fields, ElementsAre("last", "row"));
}

TEST(ReadCsvTest, RefusesBadQuotingNonUtf8AndTooManyRecords) {
  EXPECT_THAT(std::string(ReadCsv("a,b\n\"open,x\n", 10).status().message()), HasSubstr("quote"));
  EXPECT_EQ(ReadCsv("a,\"b\"c\n", 10).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(ReadCsv("\xB1\xE0\xBA\xC5,a\n", 10).status().message()),
              HasSubstr("UTF-8"));
  EXPECT_THAT(std::string(ReadCsv("a\nb\nc\n", 2).status().message()), HasSubstr("more than 2"));
}

TEST(ParseProblemCsvTest, ChineseHeadersOrganizationsByNameDatesAndCategories) {
  const std::string csv =
      "编号,名称,责任单位,整改期限,类别,位置,来源,说明\n"
      "PWK-001,永定河左岸排污口,龙泉镇,2026-06-30,排污口,\"永定河左岸, 桩号K3+200\",督察反馈,\n"
      "PWK-002,城子沟排污口,organizations/o-town2,2026/9/1,DRAINAGE_OUTLET,,,\n"
      "PWK-003,中门寺沟,o-city,2026-7-15,,,,\n";
  ASSERT_OK_AND_ASSIGN(ProblemImport got, ParseProblemCsv(csv, *MakePlan(), "a1-t2-m1", {}));
  EXPECT_EQ(got.rows, 3);
  EXPECT_TRUE(got.errors.empty()) << got.errors[0].message;
  ASSERT_EQ(got.accepted.size(), 3u);
  const ProblemDraft& d = got.accepted[0].draft;
  EXPECT_EQ(got.accepted[0].line, 2);
  EXPECT_EQ(d.measure_id, "a1-t2-m1");
  EXPECT_EQ(d.org_id, kTown1);
  EXPECT_EQ(d.due_day, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(d.category, ProblemCategory::kDrainageOutlet);
  EXPECT_EQ(d.location, "永定河左岸, 桩号K3+200");
  EXPECT_EQ(d.source, "督察反馈");
  EXPECT_EQ(got.accepted[1].draft.org_id, kTown2);
  EXPECT_EQ(got.accepted[1].draft.due_day, absl::CivilDay(2026, 9, 1));
  EXPECT_EQ(got.accepted[2].draft.org_id, kCity);
  EXPECT_EQ(got.accepted[2].draft.category, ProblemCategory::kOther);
}

TEST(ParseProblemCsvTest, RefusesBadRowsByLineAndColumnAndKeepsTheOthers) {
  const std::string csv =
      "measure,code,title,organization,due_date,category\n"
      "a1-t2-m1,A-1,ok,龙泉镇,2026-06-30,隐患\n"
      "a1-t2-m1,A-2,bad date,龙泉镇,2026-02-30,隐患\n"
      "a1-t2-m1,A-3,unknown org,区不存在局,2026-06-30,隐患\n"
      "a1-t2-m1,A-1,repeated code,城子街道,2026-06-30,隐患\n"
      "a1-t2-m1,A-9,already in the ledger,城子街道,2026-06-30,隐患\n"
      "a1-t2-m1,A-5,not an owner,区交通局,2026-06-30,隐患\n"
      ",,,,,\n"
      "a1-t2-m1,A-6,bad category,龙泉镇,2026-06-30,噪声\n";
  ExistingCodes existing = {{{"a1-t2-m1", "A-9"}, "00007"}};
  ASSERT_OK_AND_ASSIGN(ProblemImport got, ParseProblemCsv(csv, *MakePlan(), "", existing));
  EXPECT_EQ(got.rows, 7);  // the row of empty fields is skipped
  ASSERT_EQ(got.accepted.size(), 1u);
  EXPECT_EQ(got.accepted[0].draft.code, "A-1");
  EXPECT_EQ(got.accepted[0].draft.category, ProblemCategory::kHazard);
  ASSERT_EQ(got.errors.size(), 6u);
  EXPECT_EQ(got.errors[0].line, 3);
  EXPECT_EQ(got.errors[0].column, "due_date");
  EXPECT_THAT(got.errors[0].message, HasSubstr("2026-02-30"));
  EXPECT_EQ(got.errors[1].line, 4);
  EXPECT_EQ(got.errors[1].column, "organization");
  EXPECT_THAT(got.errors[1].message, HasSubstr("区不存在局"));
  EXPECT_EQ(got.errors[2].line, 5);
  EXPECT_EQ(got.errors[2].column, "code");
  EXPECT_THAT(got.errors[2].message, HasSubstr("line 2"));
  EXPECT_EQ(got.errors[3].line, 6);
  EXPECT_THAT(got.errors[3].message, HasSubstr("problems/00007"));
  EXPECT_EQ(got.errors[4].line, 7);
  EXPECT_THAT(got.errors[4].message, HasSubstr("neither leads nor is responsible"));
  EXPECT_EQ(got.errors[5].line, 9);
  EXPECT_EQ(got.errors[5].column, "category");
}

TEST(ParseProblemCsvTest, RefusesTheFileForAnUnknownOrMissingColumn) {
  const auto plan = MakePlan();
  absl::Status s =
      ParseProblemCsv("编号,名称,责任单位,整改期限,备注\n", *plan, "a1-t2-m1", {}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.message()), HasSubstr("备注"));
  s = ParseProblemCsv("编号,名称,责任单位,整改期限\n", *plan, "", {}).status();
  EXPECT_THAT(std::string(s.message()), HasSubstr("措施/measure"));
  s = ParseProblemCsv("编号,名称,整改期限\n", *plan, "a1-t2-m1", {}).status();
  EXPECT_THAT(std::string(s.message()), HasSubstr("责任单位/organization"));
  s = ParseProblemCsv("", *plan, "a1-t2-m1", {}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  s = ParseProblemCsv("编号,名称,责任单位,整改期限\n", *plan, "a9-t9-m9", {}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  std::string many = "编号,名称,责任单位,整改期限\n";
  for (int i = 0; i <= kMaxImportRows; ++i)
    many += "c" + std::to_string(i) + ",t,龙泉镇,2026-06-30\n";
  s = ParseProblemCsv(many, *plan, "a1-t2-m1", {}).status();
  EXPECT_THAT(std::string(s.message()), HasSubstr("5000 rows"));
}

TEST(ParseProblemCsvTest, CategoriesByChineseWordOrEnumSuffix) {
  EXPECT_EQ(ParseProblemCategory("黑臭水体"), ProblemCategory::kBlackOdorousWater);
  EXPECT_EQ(ParseProblemCategory("检查发现"), ProblemCategory::kInspectionFinding);
  EXPECT_EQ(ParseProblemCategory("hazard"), ProblemCategory::kHazard);
  EXPECT_EQ(ParseProblemCategory("PROBLEM_CATEGORY_OTHER"), ProblemCategory::kOther);
  EXPECT_EQ(ParseProblemCategory("噪声"), ProblemCategory::kUnspecified);
}

// The fuzzer's corpus, and every input it ever crashed on once added there,
// keep the invariants in every build.
TEST(ProblemCsvCorpusTest, EveryCorpusInputSatisfiesTheInvariants) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_PROBLEM_CSV_CORPUS_DIR);
  for (const CorpusInput& input : corpus) {
    EXPECT_OK(CheckProblemCsvInput(input.bytes)) << input.path;
  }
  EXPECT_GE(corpus.size(), 5u);
}

// The corpus reaches the accepting path and each kind of refused row, not only
// whole-file refusals.
TEST(ProblemCsvCorpusTest, TheCorpusAcceptsAndRefusesRows) {
  const std::string csv = ReadFileBytes(std::filesystem::path(ECOPLAN_PROBLEM_CSV_CORPUS_DIR) /
                                        "chinese_headers_and_bad_rows.csv");
  const std::shared_ptr<PlanInfo> plan = problem_csv_internal::FuzzPlan();
  ASSERT_OK_AND_ASSIGN(
      ProblemImport parsed,
      ParseProblemCsv(csv, *plan, "a1-t25-m3", {{{"a1-t25-m3", "PWK-EXIST"}, "00001"}}));
  EXPECT_EQ(parsed.rows, 6);
  EXPECT_EQ(parsed.accepted.size(), 2u);
  ASSERT_EQ(parsed.errors.size(), 4u);
  EXPECT_EQ(parsed.errors[0].line, 4);  // PWK-EXIST: already in the ledger
  EXPECT_EQ(parsed.errors[1].line, 5);  // 2026-13-40
  EXPECT_EQ(parsed.errors[2].line, 6);  // 区商务局 owns nothing of it
  EXPECT_EQ(parsed.errors[3].line, 7);  // PWK-001 again
}

}  // namespace
}  // namespace ecoplan::progress
