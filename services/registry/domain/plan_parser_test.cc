// The parser on malformed documents, and on a small document of another
// district and year (nothing is specific to the seed).

#include "services/registry/domain/plan_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/testing/status_matchers.h"
#include "services/registry/domain/plan_parser_test_util.h"

namespace ecoplan::registry::parser_test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// --- Malformed documents ----------------------------------------------------

void ExpectInvalidAt(const std::string& text, int line, absl::string_view words) {
  absl::StatusOr<ParsedPlan> p = ParsePlanDocument(text);
  EXPECT_EQ(StatusOf(p).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status().message()), StartsWith(absl::StrCat("line ", line, ": ")));
  EXPECT_THAT(std::string(p.status().message()), HasSubstr(std::string(words)));
}

TEST_F(PlanParserSeedTest, RejectsADocumentCutInsideATaskRow) {
  // The row of a1-t3-m2 starts at line 95; cut after its deadline cell.
  ExpectInvalidAt(FirstLines(*seed_, 98), 95, "task row cut short");
  // Cut after the first cell of a task row.
  ExpectInvalidAt(FirstLines(*seed_, 187), 187, "task row cut short");
}

TEST_F(PlanParserSeedTest, RejectsADocumentCutAfterAnAnnexHeading) {
  ExpectInvalidAt(FirstLines(*seed_, 1199), 1199, "annex 2 has no table");
  ExpectInvalidAt(FirstLines(*seed_, 1201), 1199, "annex 2 has no table");
  ExpectInvalidAt(FirstLines(*seed_, 2538), 2537, "annex 4 has no table");
}

TEST_F(PlanParserSeedTest, RejectsADocumentCutBetweenRows) {
  // Rows complete, but the annex list names five annexes.
  ExpectInvalidAt(FirstLines(*seed_, 1222), 1222, "truncated");
}

TEST_F(PlanParserSeedTest, RejectsAMissingTitle) {
  // Neither the notice heading (lines 7-9) nor the title line (19); the body
  // still quotes 《…》 and a repealed notice 关于印发〈…〉, which are not headings.
  ExpectInvalidAt(WithoutLines(WithoutLines(*seed_, 19, 19), 7, 9), 3, "no plan title");
}

TEST_F(PlanParserSeedTest, RejectsATitleWithoutYear) {
  ExpectInvalidAt(absl::StrReplaceAll(*seed_, {{"《美丽门头沟建设2026年", "《美丽门头沟建设"}}), 7,
                  "no plan year");
}

TEST_F(PlanParserSeedTest, RejectsAMissingDocumentNumber) {
  ExpectInvalidAt(WithoutLines(*seed_, 2, 2), 1, "no document number");
}

TEST_F(PlanParserSeedTest, RejectsABrokenTaskHeader) {
  ExpectInvalidAt(absl::StrReplaceAll(*seed_, {{"\t工作措施\n", "\t措施\n"}}), 47, "工作措施");
}

TEST_F(PlanParserSeedTest, RejectsAStrayCellThatShiftsARow) {
  // An extra cell after the header shifts every following cell.
  std::string shifted = *seed_;
  shifted.replace(shifted.find("\t1\n\t目标任务"), 0, "\t多余\n");
  ExpectInvalidAt(shifted, 56, "expected a task number");
}

TEST(PlanParserTest, RejectsGarbageEmptyAndInvalidUtf8) {
  ExpectInvalidAt("hello world\nthis is not a plan\n", 1, "no document number");
  ExpectInvalidAt("", 1, "empty");
  ExpectInvalidAt("\n\n  \n", 1, "empty");
  ExpectInvalidAt("第一行\n第二行\n\xFF\xFE\n", 3, "UTF-8");
}

// --- A small document of another district and year ------------------------

constexpr char kSmallPlan[] =
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

TEST(PlanParserTest, ReadsEverythingFromTheText) {
  ASSERT_OK_AND_ASSIGN(ParsedPlan p, ParsePlanDocument(kSmallPlan));
  EXPECT_EQ(p.plan.year, 2027);
  EXPECT_EQ(p.plan.district, "延庆区");
  EXPECT_EQ(p.plan.title, "绿色延庆2027年行动计划");
  EXPECT_EQ(p.plan.document_number, "延政办发〔2027〕5号");
  EXPECT_EQ(p.plan.issue_date, absl::CivilDay(2027, 4, 2));
  EXPECT_EQ(p.plan.reporting_due_day, 10);
  EXPECT_EQ(p.plan.reporting_recipient, "区发改委");
  EXPECT_EQ(p.plan.supersedes_document_number, "");
  EXPECT_THAT(p.plan.id, StartsWith("2027-"));
  ASSERT_EQ(p.tasks.size(), 2u);
  const Measure& first = p.tasks[0].measures[0];
  EXPECT_TRUE(first.featured);
  EXPECT_EQ(first.text, "措施一");
  EXPECT_EQ(first.deadline.due, absl::CivilDay(2027, 3, 31));
  ASSERT_EQ(first.responsibles.size(), 1u);
  EXPECT_EQ(first.responsibles[0].group, OrgGroupKind::kAllTowns);
  EXPECT_EQ(first.responsibles[0].member_ids.size(), 2u);
  const Measure& second = p.tasks[0].measures[1];
  EXPECT_EQ(second.deadline.kind, DeadlineKind::kWindow);
  EXPECT_EQ(second.deadline.window_start, absl::CivilDay(2027, 4, 1));
  // 区发展改革委 and 区发改委 are one organization.
  EXPECT_EQ(second.leads[0].org_id, first.leads[0].org_id);
  EXPECT_EQ(p.tasks[1].id, "a1-t3");
  EXPECT_EQ(p.tasks[1].measures[0].deadline.kind, DeadlineKind::kUnresolved);
  std::map<std::string, int> codes;
  for (const ParseWarning& w : p.plan.warnings) ++codes[w.code];
  EXPECT_EQ(codes["task-sequence-gap"], 1);
  EXPECT_EQ(codes["unresolved-deadline"], 1);
  EXPECT_EQ(codes["empty-responsible-cell"], 1);
  EXPECT_EQ(codes["title-line-missing"], 0);
  EXPECT_EQ(p.organizations.size(), 5u);  // 区发展改革委, 区城管委, 区文旅局, 康庄镇, 儒林街道
  EXPECT_EQ(p.plan.summary.unresolved_deadline_count, 1);
}

TEST(PlanParserTest, RejectsDuplicateTaskNumbers) {
  std::string text = absl::StrReplaceAll(kSmallPlan, {{"\t3\n\t任务三", "\t1\n\t任务三"}});
  absl::StatusOr<ParsedPlan> p = ParsePlanDocument(text);
  EXPECT_EQ(StatusOf(p).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(p.status().message()), HasSubstr("appears twice"));
}

TEST(PlanParserTest, RejectsAnEmptyTimeZone) {
  ParseOptions options;
  options.time_zone = "";
  EXPECT_EQ(StatusOf(ParsePlanDocument(kSmallPlan, options)).code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::registry::parser_test
