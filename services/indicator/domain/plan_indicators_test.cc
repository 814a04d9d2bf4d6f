#include "services/indicator/domain/plan_indicators.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;

SourceRow Row(std::initializer_list<const char*> cells) {
  SourceRow row;
  for (const char* c : cells) {
    SourceCell cell;
    cell.text = c;
    const std::string s = c;
    cell.state = s.empty()  ? CellState::kBlankMerged
                 : s == "-" ? CellState::kNotApplicable
                            : CellState::kValue;
    row.push_back(cell);
  }
  return row;
}

// The shape of the seed's annexes 4 and 5 as the registry exports them.
PlanSource SeedLikePlan() {
  PlanSource p;
  p.plan_id = "2026-test";
  p.year = 2026;
  p.district = "门头沟区";
  SourceTable t0;
  t0.index = 0;
  t0.header_rows = {
      Row({"区", "PM2.5年均浓度（微克/立方米）", "优良天数比率（%）", "重污染天数（天）",
           "考核断面优良水体比例（%）", "受污染耕地安全利用率（%）", "重点建设用地安全利用率（%）",
           "NOx重点工程累计减排量（吨）", "VOCs重点工程累计减排量（吨）",
           "COD重点工程累计减排量（吨）", "TP重点工程累计减排量（吨）",
           "危险废物填埋处置量占比（%）", "各区功能区声环境质量夜间达标率平均值（%）"})};
  t0.rows = {Row({"东城区", "29", "78", "3", "达到市级要求", "-", "100", "达到市级要求", "同比降低",
                  "达到市级要求"}),
             Row({"门头沟区", "27", "78", "3", "", "100", "100", "", "", ""})};
  SourceTable t1;
  t1.index = 1;
  t1.header_rows = {
      Row({"区", "结构减排", "工程减排", "管理减排", "优先监管地块（块）",
           "建设用地土壤污染风险管控和修复名录内地块（块）", "农村环境整治成效巩固（个）"}),
      Row({"", "2026年注册登记货车新能源化率（%）", "累计非道路移动机械新能源化率（%）",
           "零排放运输车队（家）", "累计绿色企业比例（%）", "餐饮治理提升家数（家）",
           "累计环保绩效A、B级锅炉使用单位（家）", "扬尘负荷差等级道路比例（%）",
           "施工噪声治理（家）", "商业固定设备噪声治理（项）", "交通噪声治理（项）",
           "公共场所噪声治理（个）", "", "", ""})};
  t1.rows = {
      Row({"门头沟区", "30", "25", "3", "55", "5", "30", "4", "0", "1", "0", "1", "3", "0", "2"})};
  p.annex4 = {t0, t1};
  SourceTable a5;
  a5.header_rows = {Row({"镇街", "2026年PM2.5目标值", "2026年TSP值"})};
  a5.rows = {Row({"潭柘寺镇", "27", "同比改善"}), Row({"清水镇", "19", ""})};
  p.annex5 = {a5};
  p.measures = {
      {"a1-t1-m1",
       "PM2.5年均浓度达到27微克/立方米，重污染天数不超过3天，优良天数比率不低于78%，争取更好结果。",
       {"区生态环境局"}},
      {"a1-t2-m3", "推动货车新能源化。2026年新注册登记货车新能源化率不低于30%。", {"区交通局"}},
      {"a1-t2-m1", "2026年注册登记汽车中新能源车比例达50%以上。", {"区发展改革委"}},
      {"a1-t5-m2", "全区尘负荷差等级道路数量比例不超过5%。", {"区城市管理委"}},
      {"a1-t9-m1", "城市道路车行道机械化作业率达到97.5%。", {"区城市管理委"}},
  };
  return p;
}

const Indicator* Find(const PlanIndicators& built, const std::string& id) {
  for (const Indicator& i : built.indicators) {
    if (i.id == id) return &i;
  }
  return nullptr;
}

TEST(PlanIndicatorsTest, ReadsTheDistrictRowOfAnnex4) {
  const PlanIndicators built = BuildPlanIndicators(SeedLikePlan());
  const Indicator* pm25 = Find(built, "a4-pm25");
  ASSERT_NE(pm25, nullptr);
  EXPECT_EQ(pm25->target_value, 27);
  EXPECT_EQ(pm25->comparator, Comparator::kAtMost);
  EXPECT_EQ(pm25->aggregation, Aggregation::kMeanOfDaily);
  EXPECT_EQ(pm25->source, SourceKind::kAirQuality);
  EXPECT_EQ(pm25->period_end, absl::CivilDay(2026, 12, 31));
  EXPECT_THAT(pm25->measures, ::testing::ElementsAre("a1-t1-m1"));
  const Indicator* good = Find(built, "a4-good-days");
  ASSERT_NE(good, nullptr);
  EXPECT_EQ(good->target_value, 78);
  EXPECT_EQ(good->comparator, Comparator::kAtLeast);
  const Indicator* heavy = Find(built, "a4-heavy-days");
  ASSERT_NE(heavy, nullptr);
  EXPECT_EQ(heavy->target_value, 3);
  EXPECT_EQ(heavy->aggregation, Aggregation::kCountOfDays);
}

TEST(PlanIndicatorsTest, NeverTurnsAnUnplaceableOrMergedCellIntoZero) {
  const PlanIndicators built = BuildPlanIndicators(SeedLikePlan());
  for (const Indicator& i : built.indicators) {
    if (i.origin != Origin::kAnnex4) continue;
    // Table 0 has 9 cells for 12 columns: only the first three and the
    // certain ends are placed; no other table-0 column gets a figure.
    if (i.id.rfind("a4-t0-", 0) == 0) {
      ADD_FAILURE() << "placed a cell that cannot be placed: " << i.id << " " << i.target_text;
    }
  }
  bool reported = false;
  for (const ExtractionIssue& issue : built.report.issues) {
    if (issue.reason.find("cannot be placed") != std::string::npos) {
      reported = true;
      EXPECT_THAT(issue.reason, HasSubstr("受污染耕地安全利用率（%）"));
    }
  }
  EXPECT_TRUE(reported);
  // The merged cell under 考核断面 resolves to the value above: qualitative.
  bool qualitative = false;
  for (const ExtractionIssue& issue : built.report.issues) {
    qualitative = qualitative || (issue.text == "达到市级要求" &&
                                  issue.location.find("考核断面") != std::string::npos);
  }
  EXPECT_TRUE(qualitative);
}

TEST(PlanIndicatorsTest, ReadsTwoLevelHeadersAndLeavesUnderSingleColumnGroups) {
  const PlanIndicators built = BuildPlanIndicators(SeedLikePlan());
  const Indicator* trucks = Find(built, "a4-t1-c1");
  ASSERT_NE(trucks, nullptr);
  EXPECT_EQ(trucks->display_name, "2026年注册登记货车新能源化率");
  EXPECT_EQ(trucks->unit, "%");
  EXPECT_EQ(trucks->target_value, 30);
  const Indicator* dust = Find(built, "a4-t1-c7");
  ASSERT_NE(dust, nullptr);
  EXPECT_EQ(dust->comparator, Comparator::kAtMost);
  EXPECT_EQ(dust->target_value, 4);
  // Noise 治理 columns count projects to complete: at least, though noise is to reduce.
  const Indicator* commercial_noise = Find(built, "a4-t1-c9");
  ASSERT_NE(commercial_noise, nullptr);
  EXPECT_EQ(commercial_noise->display_name, "商业固定设备噪声治理");
  EXPECT_EQ(commercial_noise->comparator, Comparator::kAtLeast);
  EXPECT_EQ(commercial_noise->target_value, 1);
  const Indicator* rural = Find(built, "a4-t1-c14");
  ASSERT_NE(rural, nullptr);
  EXPECT_EQ(rural->display_name, "农村环境整治成效巩固");
  EXPECT_EQ(rural->unit, "个");
  EXPECT_EQ(rural->target_value, 2);
  EXPECT_EQ(rural->aggregation, Aggregation::kCumulativeCount);
}

TEST(PlanIndicatorsTest, BuildsTownTargetsFromAnnex5AndReportsUnknownCells) {
  const PlanIndicators built = BuildPlanIndicators(SeedLikePlan());
  const Indicator* town = Find(built, "a5-潭柘寺镇-pm25");
  ASSERT_NE(town, nullptr);
  EXPECT_EQ(town->scope_kind, ScopeKind::kTown);
  EXPECT_EQ(town->scope_name, "潭柘寺镇");
  EXPECT_EQ(town->target_value, 27);
  const Indicator* tsp = Find(built, "a5-潭柘寺镇-tsp");
  ASSERT_NE(tsp, nullptr);
  EXPECT_EQ(tsp->comparator, Comparator::kImproves);
  EXPECT_EQ(Find(built, "a5-清水镇-pm25")->target_value, 19);
  // 清水镇's TSP cell is blank-merged: resolved from the row above.
  const Indicator* qs = Find(built, "a5-清水镇-tsp");
  ASSERT_NE(qs, nullptr);
  EXPECT_THAT(qs->source_detail, HasSubstr("merged"));
  EXPECT_EQ(built.report.annex5_count, 4);
}

TEST(PlanIndicatorsTest, CrossChecksAnnex4AgainstMeasureTextsAndBuildsTheRest) {
  const PlanIndicators built = BuildPlanIndicators(SeedLikePlan());
  const CrossCheck* trucks = nullptr;
  const CrossCheck* dust = nullptr;
  for (const CrossCheck& c : built.report.cross_checks) {
    if (c.indicator_id == "a4-t1-c1") trucks = &c;
    if (c.indicator_id == "a4-t1-c7") dust = &c;
    EXPECT_NE(c.measure_id, "a1-t2-m1") << "new-energy cars are not trucks";
  }
  ASSERT_NE(trucks, nullptr);
  EXPECT_TRUE(trucks->agrees);
  ASSERT_NE(dust, nullptr);
  EXPECT_FALSE(dust->agrees);
  EXPECT_THAT(dust->difference, HasSubstr("annex 4 4, measure 5"));
  const Indicator* cars = Find(built, "m-a1-t2-m1-1");
  ASSERT_NE(cars, nullptr);
  EXPECT_EQ(cars->comparator, Comparator::kAtLeast);
  EXPECT_EQ(cars->target_value, 50);
  EXPECT_THAT(cars->owners, ::testing::ElementsAre("区发展改革委"));
  const Indicator* sweeping = Find(built, "m-a1-t9-m1-1");
  ASSERT_NE(sweeping, nullptr);
  EXPECT_EQ(sweeping->target_value, 97.5);
  // PM2.5 in a measure text restates annex 4: no duplicate indicator.
  EXPECT_EQ(Find(built, "m-a1-t1-m1-1"), nullptr);
}

TEST(PlanIndicatorsTest, MeasureTextsGiveReadableStretchAndRelativeTargets) {
  PlanSource plan = SeedLikePlan();
  plan.measures.push_back(
      {"a1-t8-m4",
       "继续推行餐饮油烟重点点位包案机制，聚焦信访投诉集中区域，组织开展治理提升5家。",
       {"区商务局"}});
  plan.measures.push_back(
      {"a1-t7-m2",
       "道路养护项目逐步提升温拌沥青使用比例，温拌沥青使用比例较上一年度提升5个百分点；",
       {"区交通局"}});
  plan.measures.push_back(
      {"a3-t5-m1",
       "新建建筑施工现场建筑垃圾（不包括工程渣土、工程泥浆）产生量每万平方米低于300 吨，鼓励低于"
       "210吨。",
       {"区住房城乡建设委"}});
  const PlanIndicators built = BuildPlanIndicators(plan);

  // 治理提升5家 restates annex 4's 餐饮治理提升家数: checked against it, no second indicator.
  const CrossCheck* catering = nullptr;
  for (const CrossCheck& c : built.report.cross_checks) {
    if (c.measure_id == "a1-t8-m4") catering = &c;
  }
  ASSERT_NE(catering, nullptr);
  EXPECT_EQ(catering->indicator_id, "a4-t1-c5");
  EXPECT_TRUE(catering->agrees) << catering->difference;
  EXPECT_EQ(Find(built, "m-a1-t8-m4-1"), nullptr);

  // A change against the prior year: no target until the baseline is entered.
  const Indicator* asphalt = Find(built, "m-a1-t7-m2-1");
  ASSERT_NE(asphalt, nullptr);
  EXPECT_EQ(asphalt->display_name, "温拌沥青使用比例");
  EXPECT_EQ(asphalt->target_basis, TargetBasis::kChangeFromPriorYear);
  EXPECT_EQ(asphalt->target_change, 5);
  EXPECT_FALSE(asphalt->target_value.has_value());
  EXPECT_EQ(asphalt->target_text, "较上一年度提升5个百分点");
  bool baseline_issue = false;
  for (const ExtractionIssue& issue : built.report.issues) {
    if (issue.location == "measure a1-t7-m2" &&
        absl::StrContains(issue.reason, "baseline required: indicator m-a1-t7-m2-1")) {
      baseline_issue = true;
    }
  }
  EXPECT_TRUE(baseline_issue);

  // The binding target and the stretch goal of one subject, in its compound unit.
  const Indicator* waste = Find(built, "m-a3-t5-m1-1");
  const Indicator* stretch = Find(built, "m-a3-t5-m1-2");
  ASSERT_NE(waste, nullptr);
  ASSERT_NE(stretch, nullptr);
  EXPECT_EQ(waste->display_name, "新建建筑施工现场建筑垃圾产生量");
  EXPECT_EQ(waste->unit, "吨/万平方米");
  EXPECT_EQ(waste->comparator, Comparator::kLessThan);
  EXPECT_EQ(waste->target_value, 300);
  EXPECT_FALSE(waste->stretch);
  EXPECT_EQ(stretch->display_name, waste->display_name);
  EXPECT_EQ(stretch->target_value, 210);
  EXPECT_TRUE(stretch->stretch);
  EXPECT_EQ(stretch->target_text, "低于210吨/万平方米");
  // Targets keep the plan's wording, the figure where the plan puts it.
  const Indicator* cars = Find(built, "m-a1-t2-m1-1");
  ASSERT_NE(cars, nullptr);
  EXPECT_EQ(cars->target_text, "达50%以上");
}

}  // namespace
}  // namespace ecoplan::indicator
