// The parser on the seed document: sections, annexes, indicator tables and
// the town table.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/testing/status_matchers.h"
#include "services/registry/domain/plan_parser.h"
#include "services/registry/domain/plan_parser_test_util.h"

namespace ecoplan::registry::parser_test {
namespace {

using ::testing::ElementsAre;

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

}  // namespace
}  // namespace ecoplan::registry::parser_test
