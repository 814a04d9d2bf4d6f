#include "services/registry/domain/plan_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "common/testing/status_matchers.h"
#include "common/text/normalize.h"

namespace ecoplan::registry {
namespace {

// common/testing's EXPECT_STATUS_CODE cannot be used: its parameter `code`
// also replaces the `.code()` call in its body.
template <typename T>
absl::Status StatusOf(const absl::StatusOr<T>& s) {
  return s.status();
}

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string ReadSeed() {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Lines [1, last] of `text`, each followed by "\n".
std::string FirstLines(const std::string& text, int last) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  std::string out;
  for (int i = 0; i < last && i < static_cast<int>(lines.size()); ++i) {
    absl::StrAppend(&out, lines[i], "\n");
  }
  return out;
}

std::string WithoutLines(const std::string& text, int first, int last) {
  std::vector<absl::string_view> lines = absl::StrSplit(text, '\n');
  std::vector<absl::string_view> kept;
  for (int i = 0; i < static_cast<int>(lines.size()); ++i) {
    if (i + 1 < first || i + 1 > last) kept.push_back(lines[i]);
  }
  return absl::StrJoin(kept, "\n");
}

std::vector<std::string> Names(const std::vector<OrgRef>& refs) {
  std::vector<std::string> out;
  for (const OrgRef& r : refs) out.push_back(r.written_name);
  return out;
}

std::string Day(const std::optional<absl::CivilDay>& d) {
  return d ? absl::FormatCivilTime(*d) : "-";
}

// Every field of a parse result, for whole-result comparisons.
std::string Describe(const ParsedPlan& p) {
  std::string s;
  const Plan& plan = p.plan;
  absl::StrAppend(&s, plan.id, "|", plan.title, "|", plan.document_number, "|", plan.issuer, "|",
                  plan.district, "|", Day(plan.issue_date), "|", plan.year, "|",
                  plan.supersedes_document_number, "|", plan.supersedes_title, "|",
                  plan.reporting_rule_text, "|", plan.reporting_due_day, "|",
                  plan.reporting_recipient, "|", plan.time_zone, "|", plan.source_sha256, "\n");
  for (const ParseWarning& w : plan.warnings)
    absl::StrAppend(&s, "W", w.line, w.code, w.message, "\n");
  const PlanSummary& m = plan.summary;
  absl::StrAppend(&s, m.annex_count, m.section_count, m.subsection_count, m.task_count,
                  m.measure_count, m.featured_measure_count, m.organization_count,
                  m.due_date_deadline_count, m.window_deadline_count, m.ongoing_deadline_count,
                  m.unresolved_deadline_count, m.indicator_table_count, m.warning_count, "\n");
  auto span = [](const SourceSpan& sp) {
    return absl::StrCat("[", sp.first_line, ",", sp.last_line, "]");
  };
  for (const Annex& a : plan.annexes) {
    absl::StrAppend(&s, "A", a.number, a.title, static_cast<int>(a.kind), span(a.source), "\n");
    for (const Section& sec : a.sections) {
      absl::StrAppend(&s, " S", sec.id, sec.number, sec.title, span(sec.source), "\n");
      for (const Section& sub : sec.subsections) {
        absl::StrAppend(&s, "  S", sub.id, sub.number, sub.title, span(sub.source), "\n");
      }
    }
    for (const IndicatorTable& t : a.indicator_tables) {
      absl::StrAppend(&s, " T", t.index, span(t.source), "\n");
      for (const auto* rows : {&t.header_rows, &t.rows}) {
        for (const TableRow& r : *rows) {
          absl::StrAppend(&s, "  R", span(r.source));
          for (const TableCell& c : r.cells)
            absl::StrAppend(&s, "|", c.text, ":", static_cast<int>(c.state));
          absl::StrAppend(&s, "\n");
        }
      }
    }
  }
  for (const Task& t : p.tasks) {
    absl::StrAppend(&s, "K", t.id, t.annex_number, t.section_id, t.subsection_id, t.sequence_number,
                    t.title, span(t.source), "\n");
    for (const Measure& me : t.measures) {
      absl::StrAppend(&s, " M", me.id, me.task_id, me.ordinal, me.text, me.featured,
                      me.deadline.raw, static_cast<int>(me.deadline.kind),
                      Day(me.deadline.window_start), Day(me.deadline.due), span(me.source), "\n");
      for (const auto* refs : {&me.leads, &me.responsibles}) {
        for (const OrgRef& r : *refs) {
          absl::StrAppend(&s, "  O", r.written_name, r.org_id, static_cast<int>(r.group),
                          r.group_resolved, absl::StrJoin(r.member_ids, ","), "\n");
        }
        absl::StrAppend(&s, "  --\n");
      }
    }
  }
  for (const Organization& o : p.organizations) {
    absl::StrAppend(&s, "G", o.id, o.name, absl::StrJoin(o.aliases, ","), static_cast<int>(o.kind),
                    "\n");
  }
  return s;
}

class PlanParserSeedTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    seed_ = new std::string(ReadSeed());
    absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(*seed_);
    ASSERT_OK(parsed);
    parsed_ = new ParsedPlan(*std::move(parsed));
  }
  static void TearDownTestSuite() {
    delete parsed_;
    delete seed_;
  }

  static const Task& FindTask(absl::string_view id) {
    for (const Task& t : parsed_->tasks) {
      if (t.id == id) return t;
    }
    ADD_FAILURE() << "no task " << id;
    static const Task kNone;
    return kNone;
  }
  static const Measure& FindMeasure(absl::string_view id) {
    for (const Task& t : parsed_->tasks) {
      for (const Measure& m : t.measures) {
        if (m.id == id) return m;
      }
    }
    ADD_FAILURE() << "no measure " << id;
    static const Measure kNone;
    return kNone;
  }
  static const Organization* FindOrg(absl::string_view name) {
    for (const Organization& o : parsed_->organizations) {
      if (o.name == name) return &o;
    }
    return nullptr;
  }

  static std::string* seed_;
  static ParsedPlan* parsed_;
};

std::string* PlanParserSeedTest::seed_ = nullptr;
ParsedPlan* PlanParserSeedTest::parsed_ = nullptr;

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
  // sha256 of the normalized text; the id is the year and its first 12 hex digits.
  EXPECT_EQ(plan.source_sha256, Sha256Hex(common::NormalizeDocumentText(*seed_)));
  EXPECT_EQ(plan.id, "2026-" + plan.source_sha256.substr(0, 12));
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

TEST_F(PlanParserSeedTest, OrganizationNamesSplitByTheLayoutAreJoined) {
  const Measure& m = FindMeasure("a1-t35-m1");
  EXPECT_THAT(Names(m.responsibles), ElementsAre("区经信局", "中关村门头沟园管委会", "各镇街"));
  const Organization* park = FindOrg("中关村门头沟园管委会");
  ASSERT_NE(park, nullptr);
  EXPECT_EQ(park->kind, OrganizationKind::kManagementBody);
  EXPECT_EQ(FindOrg("中关村门头沟园"), nullptr);
  EXPECT_EQ(FindOrg("管委会"), nullptr);

  const Measure& g = FindMeasure("a3-t13-m2");
  ASSERT_EQ(g.responsibles.size(), 2u);
  EXPECT_EQ(g.responsibles[1].written_name, "区生态环境损害赔偿制度改革工作领导小组成员单位");
  EXPECT_EQ(g.responsibles[1].group, OrgGroupKind::kRelatedDepartments);
  EXPECT_FALSE(g.responsibles[1].group_resolved);
  EXPECT_TRUE(g.responsibles[1].member_ids.empty());
}

TEST_F(PlanParserSeedTest, GroupWordsAreNotOrganizations) {
  const Measure& m = FindMeasure("a3-t3-m2");  // 区政府办公室 | 相关部门, 各镇街
  EXPECT_THAT(Names(m.leads), ElementsAre("区政府办公室"));
  ASSERT_THAT(Names(m.responsibles), ElementsAre("相关部门", "各镇街"));
  EXPECT_EQ(m.responsibles[0].group, OrgGroupKind::kRelatedDepartments);
  EXPECT_FALSE(m.responsibles[0].group_resolved);
  EXPECT_EQ(m.responsibles[1].group, OrgGroupKind::kAllTowns);
  for (absl::string_view word : {"各镇街", "相关部门", "相关镇街", "管委会", "成员单位"}) {
    EXPECT_EQ(FindOrg(word), nullptr) << word;
  }
  int related_towns = 0;
  for (const Task& t : parsed_->tasks) {
    for (const Measure& me : t.measures) {
      for (const auto* refs : {&me.leads, &me.responsibles}) {
        for (const OrgRef& r : *refs) {
          if (r.group == OrgGroupKind::kRelatedTowns) {
            ++related_towns;
            EXPECT_FALSE(r.group_resolved);
          }
          if (r.group == OrgGroupKind::kNone) {
            EXPECT_FALSE(r.org_id.empty()) << r.written_name;
          }
        }
      }
    }
  }
  EXPECT_EQ(related_towns, 4);
}

TEST_F(PlanParserSeedTest, AliasesMergeIntoOneOrganization) {
  const Organization* ndrc = FindOrg("区发展改革委");
  ASSERT_NE(ndrc, nullptr);
  EXPECT_THAT(ndrc->aliases, ElementsAre("区发展和改革委员会", "区发改委"));
  EXPECT_EQ(ndrc->id, OrganizationIdFor("区发展改革委"));
  EXPECT_EQ(FindOrg("区发改委"), nullptr);
  // Both spellings in the document point at the same organization.
  const Measure& short_form = FindMeasure("a1-t3-m1");
  ASSERT_THAT(Names(short_form.leads), ElementsAre("区发改委"));
  EXPECT_EQ(short_form.leads[0].org_id, ndrc->id);
  int long_form = 0;
  for (const Task& t : parsed_->tasks) {
    for (const Measure& me : t.measures) {
      for (const OrgRef& r : me.leads) {
        if (r.written_name == "区发展改革委") {
          ++long_form;
          EXPECT_EQ(r.org_id, ndrc->id);
        }
      }
      for (const OrgRef& r : me.responsibles) {
        if (r.written_name == "区发展改革委") {
          ++long_form;
          EXPECT_EQ(r.org_id, ndrc->id);
        }
      }
    }
  }
  EXPECT_EQ(long_form, 1);
}

TEST_F(PlanParserSeedTest, ListsEveryOrganizationSortedByName) {
  std::vector<std::string> names;
  std::map<OrganizationKind, int> kinds;
  for (const Organization& o : parsed_->organizations) {
    names.push_back(o.name);
    ++kinds[o.kind];
    EXPECT_EQ(o.id, OrganizationIdFor(o.name));
    EXPECT_EQ(o.id.size(), 12u);
  }
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(kinds[OrganizationKind::kDepartment], 32);
  EXPECT_EQ(kinds[OrganizationKind::kManagementBody], 2);
  EXPECT_EQ(kinds[OrganizationKind::kTown], 9);
  EXPECT_EQ(kinds[OrganizationKind::kStreet], 4);
  EXPECT_THAT(names,
              ElementsAre("东辛房街道", "中关村门头沟园管委会", "军庄镇", "区交通局", "区住建委",
                          "区公安交通支队", "区公安分局", "区公路分局", "区农业农村局", "区医保局",
                          "区卫健委", "区发展改革委", "区司法局", "区商务局", "区园林绿化局",
                          "区国资委", "区城指中心", "区城管委", "区城管执法局", "区市场监管局",
                          "区应急局", "区政府办公室", "区教委", "区文旅局", "区机关事务中心",
                          "区民政局", "区气象局", "区水务局", "区环卫中心", "区生态环境局",
                          "区经信局", "区统计局", "区规自分局", "区财政局", "区重大项目中心",
                          "城子街道", "大台街道", "大峪街道", "妙峰山镇", "斋堂镇", "永定镇",
                          "清水镇", "潭柘寺镇", "王平镇", "百花山管理处", "雁翅镇", "龙泉镇"));
}

TEST_F(PlanParserSeedTest, SectionsAndAnnexes) {
  const std::vector<Annex>& annexes = parsed_->plan.annexes;
  ASSERT_EQ(annexes.size(), 5u);
  EXPECT_EQ(annexes[0].title, "持续污染防治攻坚2026年行动计划");
  EXPECT_EQ(annexes[0].kind, AnnexKind::kTaskTable);
  EXPECT_EQ(annexes[0].source, (SourceSpan{42, 1196}));
  EXPECT_EQ(annexes[3].title, "2026年市级下达各区生态环境保护有关指标和重点任务计划");
  EXPECT_EQ(annexes[3].kind, AnnexKind::kIndicatorTable);
  EXPECT_EQ(annexes[4].source, (SourceSpan{3041, 3098}));
  const Section& air = annexes[0].sections[0];
  EXPECT_EQ(air.id, "s1");
  EXPECT_EQ(air.number, "一");
  EXPECT_EQ(air.title, "共筑美丽蓝天");
  EXPECT_EQ(air.source, (SourceSpan{52, 52}));
  ASSERT_EQ(air.subsections.size(), 6u);
  EXPECT_EQ(air.subsections[1].id, "s1.2");
  EXPECT_EQ(air.subsections[1].number, "（二）");
  EXPECT_EQ(air.subsections[1].title, "推动车（械）新能源化促结构减排");
  // Annex 3 section 2 has no subsections: its tasks have no subsection id.
  const Section& last = annexes[2].sections[1];
  EXPECT_TRUE(last.subsections.empty());
  EXPECT_EQ(FindTask("a3-t18").section_id, "s2");
  EXPECT_EQ(FindTask("a3-t18").subsection_id, "");
}

TEST_F(PlanParserSeedTest, Annex4IndicatorTables) {
  const Annex& annex = parsed_->plan.annexes[3];
  ASSERT_EQ(annex.indicator_tables.size(), 2u);
  const IndicatorTable& first = annex.indicator_tables[0];
  EXPECT_EQ(first.index, 0);
  ASSERT_EQ(first.header_rows.size(), 1u);
  EXPECT_EQ(first.header_rows[0].cells.size(), 13u);
  EXPECT_EQ(first.header_rows[0].cells[1].text, "PM2.5年均浓度（微克/立方米）");
  ASSERT_EQ(first.rows.size(), 17u);
  const TableRow& dongcheng = first.rows[0];
  ASSERT_EQ(dongcheng.cells.size(), 10u);  // fewer than the 13 headers: kept raw, warned
  EXPECT_EQ(dongcheng.cells[7].text, "达到市级要求");  // trailing space trimmed
  EXPECT_EQ(dongcheng.cells[9].text, "达到市级要求");  // 达到市 / 级要求 joined
  EXPECT_EQ(dongcheng.cells[9].state, CellState::kValue);
  EXPECT_EQ(dongcheng.cells[5].state, CellState::kNotApplicable);
  EXPECT_EQ(dongcheng.source, (SourceSpan{2554, 2565}));
  const TableRow& mentougou = first.rows[6];
  std::vector<std::string> texts;
  std::vector<CellState> states;
  for (const TableCell& c : mentougou.cells) {
    texts.push_back(c.text);
    states.push_back(c.state);
  }
  EXPECT_THAT(texts, ElementsAre("门头沟区", "27", "78", "3", "", "100", "100", "", "", ""));
  EXPECT_THAT(states, ElementsAre(CellState::kValue, CellState::kValue, CellState::kValue,
                                  CellState::kValue, CellState::kBlankMerged, CellState::kValue,
                                  CellState::kValue, CellState::kBlankMerged,
                                  CellState::kBlankMerged, CellState::kBlankMerged));
  EXPECT_EQ(first.rows[16].cells[0].text, "北京经济技术开发区");

  const IndicatorTable& second = annex.indicator_tables[1];
  EXPECT_EQ(second.index, 1);
  ASSERT_EQ(second.header_rows.size(), 2u);
  EXPECT_EQ(second.header_rows[0].cells.size(), 7u);
  EXPECT_EQ(second.header_rows[0].cells[1].text, "结构减排");
  EXPECT_EQ(second.header_rows[1].cells.size(), 15u);
  EXPECT_EQ(second.header_rows[1].cells[0].state, CellState::kBlankMerged);
  EXPECT_EQ(second.header_rows[1].cells[1].text, "2026年注册登记货车新能源化率（%）");
  EXPECT_EQ(second.header_rows[1].source.first_line, 2752);
  ASSERT_EQ(second.rows.size(), 17u);
  texts.clear();
  for (const TableCell& c : second.rows[6].cells) texts.push_back(c.text);
  EXPECT_THAT(texts, ElementsAre("门头沟区", "30", "25", "3", "55", "5", "30", "4", "0", "1", "0",
                                 "1", "3", "0", "2"));
  EXPECT_EQ(second.rows[16].cells[1].state, CellState::kNotApplicable);
  EXPECT_EQ(second.source, (SourceSpan{2744, 3038}));
}

TEST_F(PlanParserSeedTest, Annex5ListsTheTownsAndStreets) {
  const Annex& annex = parsed_->plan.annexes[4];
  EXPECT_EQ(annex.title, "北京市门头沟区2026年各镇街生态环境保护有关指标");
  ASSERT_EQ(annex.indicator_tables.size(), 1u);
  const IndicatorTable& t = annex.indicator_tables[0];
  ASSERT_EQ(t.header_rows.size(), 1u);
  std::vector<std::string> header, towns;
  for (const TableCell& c : t.header_rows[0].cells) header.push_back(c.text);
  EXPECT_THAT(header, ElementsAre("镇街", "2026年PM2.5目标值", "2026年TSP值"));
  for (const TableRow& r : t.rows) {
    towns.push_back(r.cells[0].text);
    ASSERT_EQ(r.cells.size(), 3u);
    EXPECT_EQ(r.cells[2].text, "同比改善");
  }
  EXPECT_THAT(towns,
              ElementsAre("潭柘寺镇", "永定镇", "龙泉镇", "军庄镇", "妙峰山镇", "王平镇", "雁翅镇",
                          "斋堂镇", "清水镇", "大峪街道", "城子街道", "东辛房街道", "大台街道"));
  EXPECT_EQ(t.rows[6].cells[1].text, "26");  // 雁翅镇
  // The colophon (抄送, 印发) is not table content.
  EXPECT_EQ(t.rows.back().source, (SourceSpan{3096, 3098}));
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
  const std::string expected = Describe(*parsed_);
  std::string crlf = absl::StrReplaceAll(*seed_, {{"\n", "\r\n"}});
  std::string bom = "\xEF\xBB\xBF" + *seed_;
  std::string half_width = absl::StrReplaceAll(
      *seed_,
      {{"（", "("}, {"）", ")"}, {"：", ":"}, {"，", ","}, {"；", ";"}, {"〔2026〕", "[2026]"}});
  std::string full_width = absl::StrReplaceAll(*seed_, {{"PM2.5", "ＰＭ２．５"}, {"%", "％"}});
  std::string all = "\xEF\xBB\xBF" + absl::StrReplaceAll(half_width, {{"\n", "\r\n"}});
  for (const std::string* variant : {&crlf, &bom, &half_width, &full_width, &all}) {
    ASSERT_NE(*variant, *seed_);
    ASSERT_OK_AND_ASSIGN(ParsedPlan p, ParsePlanDocument(*variant));
    EXPECT_EQ(p.plan.id, parsed_->plan.id);
    EXPECT_EQ(Describe(p), expected);
  }
}

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
}  // namespace ecoplan::registry
