// The parser on the shipped seed document: metadata, tasks, measures, deadlines
// and checkpoints, warnings, and text variants.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/testing/status_matchers.h"
#include "common/text/normalize.h"
#include "services/registry/domain/plan_parser.h"
#include "services/registry/domain/plan_parser_test_util.h"

namespace ecoplan::registry::parser_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST_F(PlanParserSeedTest, ReadsMetadataFromTheFrontMatter) {
  const Plan& plan = parsed_->plan;
  EXPECT_EQ(plan.title, "美丽门头沟建设2026年行动计划");
  EXPECT_EQ(plan.document_number, "门政办发〔2026〕1号");
  EXPECT_EQ(plan.issuer, "北京市门头沟区人民政府办公室");
  EXPECT_EQ(plan.district, "门头沟区");
  EXPECT_EQ(plan.issue_date, absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(plan.year, 2026);
  EXPECT_EQ(plan.supersedes_document_number, "门政办发〔2024〕2号");
  EXPECT_EQ(plan.supersedes_title, "推进美丽门头沟建设持续深入打好污染防治攻坚战2024年行动计划");
  EXPECT_EQ(plan.reporting_rule_text, "每月25日前向区生态环境局报送本月工作进展情况");
  EXPECT_EQ(plan.reporting_due_day, 25);
  EXPECT_EQ(plan.reporting_recipient, "区生态环境局");
  EXPECT_EQ(plan.time_zone, "Asia/Shanghai");
  // The file's digest as received, and the normalized text's, whose first 12
  // hex digits after the year are the id.
  EXPECT_EQ(plan.source_sha256, Sha256Hex(*seed_));
  EXPECT_EQ(plan.normalized_sha256, Sha256Hex(common::NormalizeDocumentText(*seed_)));
  EXPECT_NE(plan.source_sha256, plan.normalized_sha256);  // the seed writes 监测－核查－整改
  EXPECT_EQ(plan.id, "2026-" + plan.normalized_sha256.substr(0, 12));
  EXPECT_EQ(plan.import_time, absl::InfinitePast());
}

TEST_F(PlanParserSeedTest, FindsTheCheckpointsInsideMeasureTexts) {
  // a1-t25-m1: 按季度开展不低于总数10%的巡查检查 … 全年实现一轮巡查.
  const Measure& outfalls = FindMeasure("a1-t25-m1");
  ASSERT_THAT(outfalls.text, HasSubstr("按季度"));
  ASSERT_EQ(outfalls.checkpoints.size(), 2u);
  EXPECT_EQ(outfalls.checkpoints[0].kind, common::CheckpointKind::kRecurring);
  EXPECT_EQ(outfalls.checkpoints[0].recurrence, common::Recurrence::kQuarterly);
  // The plan was issued on March 31: the first quarter is not owed.
  EXPECT_EQ(outfalls.checkpoints[0].dues,
            (std::vector<absl::CivilDay>{absl::CivilDay(2026, 6, 30), absl::CivilDay(2026, 9, 30),
                                         absl::CivilDay(2026, 12, 31)}));
  EXPECT_EQ(outfalls.checkpoints[1].kind, common::CheckpointKind::kRounds);
  EXPECT_EQ(outfalls.checkpoints[1].rounds, 1);
  // Every measure's text: count the kinds, and find the dated ones.
  std::map<std::string, std::string> phrase_of;  // measure → phrases
  for (const Task& t : parsed_->tasks) {
    for (const Measure& m : t.measures) {
      for (const common::Checkpoint& c : m.checkpoints) {
        absl::StrAppend(&phrase_of[m.id], phrase_of[m.id].empty() ? "" : ",", c.phrase);
        EXPECT_GE(c.text_offset, 0) << m.id;
      }
    }
  }
  bool may = false, november = false, spring = false, two_rounds = false, flood = false;
  for (const auto& [id, phrases] : phrase_of) {
    may = may || phrases.find("5月底前") != std::string::npos;
    november = november || phrases.find("11月底前") != std::string::npos;
    spring = spring || phrases.find("3-5月") != std::string::npos;
    two_rounds = two_rounds || phrases.find("两轮次") != std::string::npos;
    flood = flood || phrases.find("汛期前") != std::string::npos;
  }
  EXPECT_TRUE(may && november && spring && two_rounds && flood);
  // 定期 names no period: a warning, not a checkpoint.
  int unparsed = 0;
  for (const ParseWarning& w : parsed_->plan.warnings) {
    if (w.code != "checkpoint-unparsed") continue;
    ++unparsed;
    EXPECT_THAT(w.message, HasSubstr("names no period"));
  }
  EXPECT_GE(unparsed, 1);
}

TEST_F(PlanParserSeedTest, CountsMatchTheHandCount) {
  const PlanSummary& s = parsed_->plan.summary;
  EXPECT_EQ(s.annex_count, 5);
  EXPECT_EQ(s.section_count, 8);      // 3 + 3 + 2
  EXPECT_EQ(s.subsection_count, 34);  // 16 + 12 + 6
  EXPECT_EQ(s.task_count, 97);        // 42 + 37 + 18
  EXPECT_EQ(s.measure_count, 224);    // 104 + 76 + 44
  EXPECT_EQ(s.featured_measure_count, 7);
  EXPECT_EQ(s.due_date_deadline_count, 176);  // 174 年底前, 6月底前, 10月底
  EXPECT_EQ(s.window_deadline_count, 1);      // 6-9月
  EXPECT_EQ(s.ongoing_deadline_count, 47);    // 25 持续推进, 22 长期实施
  EXPECT_EQ(s.unresolved_deadline_count, 0);
  EXPECT_EQ(s.indicator_table_count, 3);
  EXPECT_EQ(s.organization_count, 47);
  EXPECT_EQ(s.warning_count, static_cast<int>(parsed_->plan.warnings.size()));
  EXPECT_EQ(s.supervision_task_count, 0);

  std::map<int, int> tasks, measures;
  std::map<std::string, int> deadlines;
  for (const Task& t : parsed_->tasks) {
    ++tasks[t.annex_number];
    measures[t.annex_number] += static_cast<int>(t.measures.size());
    for (const Measure& m : t.measures) ++deadlines[m.deadline.raw];
  }
  EXPECT_EQ(tasks, (std::map<int, int>{{1, 42}, {2, 37}, {3, 18}}));
  EXPECT_EQ(measures, (std::map<int, int>{{1, 104}, {2, 76}, {3, 44}}));
  EXPECT_EQ(deadlines, (std::map<std::string, int>{{"年底前", 174},
                                                   {"持续推进", 25},
                                                   {"长期实施", 22},
                                                   {"6月底前", 1},
                                                   {"6-9月", 1},
                                                   {"10月底", 1}}));
}

TEST_F(PlanParserSeedTest, TaskNumbersRestartInEachAnnexAndAreConsecutive) {
  std::map<int, int> last;
  for (const Task& t : parsed_->tasks) {
    EXPECT_EQ(t.sequence_number, last[t.annex_number] + 1) << t.id;
    last[t.annex_number] = t.sequence_number;
    EXPECT_EQ(t.id, absl::StrCat("a", t.annex_number, "-t", t.sequence_number));
    EXPECT_EQ(t.origin, TaskOrigin::kDocument);
    for (size_t i = 0; i < t.measures.size(); ++i) {
      EXPECT_EQ(t.measures[i].id, absl::StrCat(t.id, "-m", i + 1));
      EXPECT_EQ(t.measures[i].task_id, t.id);
    }
  }
}

TEST_F(PlanParserSeedTest, Annex1Task3IsReadExactly) {
  const Task& task = FindTask("a1-t3");
  EXPECT_EQ(task.title, "推动机动车结构优化升级");
  EXPECT_EQ(task.section_id, "s1");
  EXPECT_EQ(task.subsection_id, "s1.2");
  EXPECT_EQ(task.source, (SourceSpan{82, 185}));
  // Hand count: rows at lines 82, 95, 106, 119, 130, 141, 150, 166, 173, 180.
  ASSERT_EQ(task.measures.size(), 10u);
  const Measure& m = task.measures[2];
  EXPECT_EQ(m.id, "a1-t3-m3");
  EXPECT_EQ(
      m.text,
      "推动货车新能源化。加快推动老旧营运货车淘汰更新为新能源货车，2026年新注册登记货车新能源化"
      "率不低于30%。");
  EXPECT_FALSE(m.featured);
  EXPECT_EQ(m.deadline.raw, "年底前");
  EXPECT_EQ(m.deadline.kind, DeadlineKind::kDueDate);
  EXPECT_EQ(m.deadline.due, absl::CivilDay(2026, 12, 31));
  EXPECT_THAT(Names(m.leads), ElementsAre("区生态环境局"));
  EXPECT_THAT(Names(m.responsibles),
              ElementsAre("区交通局", "区公安交通支队", "区城管委", "区商务局"));
  EXPECT_EQ(m.source, (SourceSpan{106, 117}));
  ASSERT_NE(FindOrg("区公安交通支队"), nullptr);
  EXPECT_EQ(m.responsibles[1].org_id, FindOrg("区公安交通支队")->id);
  EXPECT_EQ(m.responsibles[1].group, OrgGroupKind::kNone);
  // Measure 2 has a trailing space in the document; it is trimmed.
  EXPECT_EQ(
      task.measures[1].text,
      "落实交通运输结构调整工作方案。聚焦全区建材、商品车、生活必需品等重点货类绿色运输，提升全区"
      "货物到发绿色运输比例。");
  // "——" means no organization.
  EXPECT_TRUE(task.measures[3].responsibles.empty());
  EXPECT_THAT(Names(task.measures[3].leads),
              ElementsAre("区交通局", "区生态环境局", "区公安交通支队"));
}

TEST_F(PlanParserSeedTest, Annex1Task1LeadsIncludeTheAllTownsGroup) {
  const Task& task = FindTask("a1-t1");
  EXPECT_EQ(task.title, "目标任务");
  EXPECT_EQ(task.subsection_id, "s1.1");
  ASSERT_EQ(task.measures.size(), 1u);
  const Measure& m = task.measures[0];
  EXPECT_THAT(m.text, StartsWith("PM2.5年均浓度达到27微克/立方米"));
  EXPECT_THAT(Names(m.leads), ElementsAre("区生态环境局", "各镇街"));
  EXPECT_THAT(Names(m.responsibles), ElementsAre("区交通局", "区城管委", "区经信局", "区住建委",
                                                 "区水务局", "区公路分局"));
  EXPECT_EQ(m.source, (SourceSpan{56, 71}));
  const OrgRef& all = m.leads[1];
  EXPECT_EQ(all.group, OrgGroupKind::kAllTowns);
  EXPECT_TRUE(all.group_resolved);
  EXPECT_TRUE(all.org_id.empty());
  std::vector<std::string> towns;
  for (const Organization& o : parsed_->organizations) {
    if (o.kind == OrganizationKind::kTown || o.kind == OrganizationKind::kStreet)
      towns.push_back(o.id);
  }
  EXPECT_EQ(towns.size(), 13u);
  EXPECT_EQ(all.member_ids, towns);
}

TEST_F(PlanParserSeedTest, ParagraphsOfOneMeasureStayOneMeasure) {
  const Measure& two = FindMeasure("a1-t4-m8");
  EXPECT_EQ(
      two.text,
      "严格落实《北京市人民政府关于划定禁止使用高排放非道路移动机械区域的通告》（京政发〔2025〕7号"
      "）"
      "。\n政府投资类项目以及国有企业承建项目招标人应将工程施工过程中新能源机械、车辆使用情况作为"
      "响应条款。");
  EXPECT_EQ(two.source, (SourceSpan{259, 276}));
  const Measure& four = FindMeasure("a2-t11-m1");
  EXPECT_EQ(std::count(four.text.begin(), four.text.end(), '\n'), 3);
  EXPECT_THAT(four.text, StartsWith("将适应气候变化理念融入城市"));
}

TEST_F(PlanParserSeedTest, TaskTitlesSplitOverLinesAreJoined) {
  EXPECT_EQ(FindTask("a2-t5").title, "推进能源低碳化发展");
  EXPECT_EQ(FindTask("a2-t5").source, (SourceSpan{1274, 1302}));
}

TEST_F(PlanParserSeedTest, FeaturedMeasuresLoseTheirStar) {
  std::vector<std::string> featured;
  for (const Task& t : parsed_->tasks) {
    for (const Measure& m : t.measures) {
      if (m.featured) featured.push_back(m.id);
      EXPECT_EQ(m.text.find("★"), std::string::npos) << m.id;
    }
  }
  EXPECT_THAT(featured, ElementsAre("a1-t8-m2", "a1-t21-m3", "a2-t29-m2", "a2-t36-m2", "a2-t36-m3",
                                    "a2-t37-m3", "a3-t10-m1"));
  const Measure& m = FindMeasure("a1-t8-m2");
  EXPECT_EQ(m.text,
            "推动老旧小区改造、农村道路等基础设施建设应用温拌沥青，温拌沥青使用比例不低于15%。");
  EXPECT_THAT(Names(m.leads), ElementsAre("区住建委", "区公路分局"));
  // A ★ in the middle of a text marks the measure and is reported.
  EXPECT_THAT(FindMeasure("a1-t21-m3").text, HasSubstr("动态管理。开展永定河饮用水水源地"));
  const Measure& third_paragraph = FindMeasure("a3-t10-m1");
  EXPECT_THAT(third_paragraph.text, HasSubstr("\n因地制宜推进美丽标杆建设"));
}

TEST_F(PlanParserSeedTest, DeadlinesOtherThanYearEnd) {
  const Measure& window = FindMeasure("a1-t5-m1");
  EXPECT_EQ(window.deadline.raw, "6-9月");
  EXPECT_EQ(window.deadline.kind, DeadlineKind::kWindow);
  EXPECT_EQ(window.deadline.window_start, absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(window.deadline.due, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(FindMeasure("a1-t29-m2").deadline.due, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(FindMeasure("a3-t11-m4").deadline.due, absl::CivilDay(2026, 10, 31));
  const Measure& ongoing = FindMeasure("a2-t29-m2");
  EXPECT_EQ(ongoing.deadline.raw, "长期实施");
  EXPECT_EQ(ongoing.deadline.kind, DeadlineKind::kOngoing);
  EXPECT_FALSE(ongoing.deadline.due.has_value());
}

TEST_F(PlanParserSeedTest, ReportsItsDoubtsAsWarnings) {
  std::map<std::string, int> codes;
  for (const ParseWarning& w : parsed_->plan.warnings) ++codes[w.code];
  // checkpoint-unparsed: 适时, 降雨前, 雨前 and 定期 twice in measure texts.
  EXPECT_EQ(codes, (std::map<std::string, int>{{"annex-title-mismatch", 1},
                                               {"checkpoint-unparsed", 5},
                                               {"empty-responsible-cell", 2},
                                               {"featured-marker-inside-text", 2},
                                               {"group-word-assumed", 1},
                                               {"organization-name-joined", 3},
                                               {"short-table-row", 17},
                                               {"two-level-header", 1}}));
  std::vector<int> empty_cells;
  for (const ParseWarning& w : parsed_->plan.warnings) {
    if (w.code == "empty-responsible-cell") empty_cells.push_back(w.line);
    if (w.code == "featured-marker-inside-text") {
      EXPECT_TRUE(w.line == 806 || w.line == 2233) << w.line;
    }
  }
  EXPECT_THAT(empty_cells, ElementsAre(239, 695));
  EXPECT_TRUE(FindMeasure("a1-t4-m6").responsibles.empty());
  EXPECT_TRUE(
      std::is_sorted(parsed_->plan.warnings.begin(), parsed_->plan.warnings.end(),
                     [](const ParseWarning& a, const ParseWarning& b) { return a.line < b.line; }));
}

TEST_F(PlanParserSeedTest, CrlfBomAndPunctuationVariantsParseIdentically) {
  // Line ends and a BOM change nothing but the file's digest; other widths of
  // punctuation change the texts as written, and nothing once normalized.
  const std::string expected = Describe(*parsed_);
  const std::string expected_normalized = Describe(WithNormalizedTexts(*parsed_));
  std::string crlf = absl::StrReplaceAll(*seed_, {{"\n", "\r\n"}});
  std::string cr = absl::StrReplaceAll(*seed_, {{"\n", "\r"}});
  std::string bom = "\xEF\xBB\xBF" + *seed_;
  std::string half_width = absl::StrReplaceAll(
      *seed_,
      {{"（", "("}, {"）", ")"}, {"：", ":"}, {"，", ","}, {"；", ";"}, {"〔2026〕", "[2026]"}});
  std::string full_width = absl::StrReplaceAll(*seed_, {{"PM2.5", "ＰＭ２．５"}, {"%", "％"}});
  std::string all = "\xEF\xBB\xBF" + absl::StrReplaceAll(half_width, {{"\n", "\r\n"}});
  for (const std::string* variant : {&crlf, &cr, &bom, &half_width, &full_width, &all}) {
    ASSERT_NE(*variant, *seed_);
    ASSERT_OK_AND_ASSIGN(ParsedPlan p, ParsePlanDocument(*variant));
    EXPECT_EQ(p.plan.id, parsed_->plan.id);
    EXPECT_EQ(p.plan.normalized_sha256, parsed_->plan.normalized_sha256);
    EXPECT_EQ(p.plan.source_sha256, Sha256Hex(*variant));
    EXPECT_EQ(Describe(WithNormalizedTexts(p)), expected_normalized);
    if (variant == &crlf || variant == &cr || variant == &bom) {
      EXPECT_EQ(Describe(p), expected);
    }
  }
  ASSERT_OK_AND_ASSIGN(ParsedPlan full, ParsePlanDocument(full_width));
  int full_width_texts = 0;
  for (const Task& t : full.tasks) {
    for (const Measure& m : t.measures) {
      if (absl::StrContains(m.text, "ＰＭ２．５")) ++full_width_texts;
      EXPECT_THAT(m.text, Not(HasSubstr("PM2.5"))) << m.id;
    }
  }
  EXPECT_GT(full_width_texts, 0);
}

TEST_F(PlanParserSeedTest, TextsAreTheDocumentsCharacterForCharacter) {
  // a2-t32-m2 writes a full-width hyphen-minus; it is not folded to "-".
  const Measure& closed_loop = FindMeasure("a2-t32-m2");
  EXPECT_THAT(closed_loop.text, HasSubstr("生态问题“监测－核查－整改”闭环管理"));
  EXPECT_THAT(closed_loop.text, Not(HasSubstr("监测-核查")));
  // Every paragraph of every measure text, every task title and every deadline
  // occurs in the file's bytes as they are (less the ★ marks, which are not
  // text, and the line breaks of titles wrapped over lines).
  const std::string file = absl::StrReplaceAll(*seed_, {{"★", ""}});
  const std::string unwrapped = absl::StrReplaceAll(file, {{"\n", ""}});
  int checked = 0;
  for (const Task& t : parsed_->tasks) {
    EXPECT_THAT(unwrapped, HasSubstr(t.title)) << t.id;
    for (const Measure& m : t.measures) {
      for (absl::string_view paragraph : absl::StrSplit(m.text, '\n')) {
        EXPECT_THAT(file, HasSubstr(std::string(paragraph))) << m.id;
        ++checked;
      }
      EXPECT_THAT(unwrapped, HasSubstr(m.deadline.raw)) << m.id;
    }
  }
  EXPECT_GT(checked, 200);
  for (const Annex& a : parsed_->plan.annexes) {
    for (const Section& sec : a.sections) EXPECT_THAT(unwrapped, HasSubstr(sec.title)) << sec.id;
  }
}

}  // namespace
}  // namespace ecoplan::registry::parser_test
