#include "services/indicator/domain/target_text.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

TEST(TargetTextTest, ReadsComparatorsValuesAndUnitsOfTheSeedPhrases) {
  const TextTargets t = ParseTextTargets(
      "PM2.5年均浓度达到27微克/立方米，重污染天数不超过3天，优良天数比率不低于78%，争取更好结果。");
  ASSERT_EQ(t.targets.size(), 3u);
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtMost);  // a concentration: 达到 = at most
  EXPECT_EQ(t.targets[0].value, 27);
  EXPECT_EQ(t.targets[0].unit, "微克/立方米");
  EXPECT_EQ(t.targets[0].subject, "PM2.5年均浓度");
  EXPECT_EQ(t.targets[1].comparator, Comparator::kAtMost);
  EXPECT_EQ(t.targets[1].unit, "天");
  EXPECT_EQ(t.targets[2].comparator, Comparator::kAtLeast);
  EXPECT_EQ(t.targets[2].value, 78);
  EXPECT_TRUE(t.unparsed.empty());
}

TEST(TargetTextTest, ReadsAboveBelowAndFillers) {
  TextTargets t = ParseTextTargets("2026年注册登记汽车中新能源车比例达50%以上。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtLeast);
  EXPECT_EQ(t.targets[0].value, 50);
  EXPECT_EQ(t.targets[0].comparator_text, "达…以上");

  t = ParseTextTargets("确保城镇供水管网漏损率稳定控制在8%以下。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtMost);
  EXPECT_EQ(t.targets[0].value, 8);

  t = ParseTextTargets("永定河三家店断面生态水量达到每年2300万立方米。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtLeast);
  EXPECT_EQ(t.targets[0].value, 2300);
  EXPECT_EQ(t.targets[0].unit, "万立方米");

  t = ParseTextTargets("城市道路车行道机械化作业率达到97.5%。新增绿色汽修企业不少于2家。");
  ASSERT_EQ(t.targets.size(), 2u);
  EXPECT_EQ(t.targets[0].value, 97.5);
  EXPECT_EQ(t.targets[0].value_text, "97.5");
  EXPECT_EQ(t.targets[1].comparator, Comparator::kAtLeast);
  EXPECT_EQ(t.targets[1].unit, "家");

  t = ParseTextTargets("全区尘负荷差等级道路数量比例不超过4%。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtMost);
  EXPECT_EQ(t.targets[0].subject, "全区尘负荷差等级道路数量比例");
}

TEST(TargetTextTest, IgnoresDatesAndIdentifiersAndReportsFiguresWithoutComparator) {
  TextTargets t = ParseTextTargets("5月底前完成PM10和NO2监测，2026年完成。");
  EXPECT_TRUE(t.targets.empty());
  EXPECT_TRUE(t.unparsed.empty());

  t = ParseTextTargets("浓度达标，但有100毫克的记录。");
  EXPECT_TRUE(t.targets.empty());
}

TEST(TargetTextTest, ReadsSharesApproximationsAndAtLeast) {
  TextTargets t =
      ParseTextTargets("新增和更新的轻型快递配送车、轻型商超配送车80%为纯电动或氢燃料电池汽车。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].subject,
            "新增和更新的轻型快递配送车、轻型商超配送车中纯电动或氢燃料电池汽车比例");
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtLeast);
  EXPECT_EQ(t.targets[0].value, 80);

  t = ParseTextTargets("淘汰50%左右的国四及以下排放标准柴油环卫车。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_TRUE(t.targets[0].approximate);
  EXPECT_EQ(t.targets[0].subject, "国四及以下排放标准柴油环卫车淘汰比例");
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtLeast);

  t = ParseTextTargets("建设“全电工地”，至少在1个施工工地开展“全电工地”实践。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].comparator_text, "至少");
  EXPECT_EQ(t.targets[0].unit, "个");
  EXPECT_EQ(t.targets[0].subject, "开展“全电工地”实践的施工工地数量");

  t = ParseTextTargets("按季度开展不低于总数10%的巡查检查。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].value, 10);
  EXPECT_EQ(t.targets[0].subject, "巡查检查比例");
}

TEST(TargetTextTest, ReadsChangesAgainstThePriorYear) {
  TextTargets t = ParseTextTargets("温拌沥青使用比例较上一年度提升5个百分点；");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].basis, TargetBasis::kChangeFromPriorYear);
  EXPECT_EQ(t.targets[0].unit, "%");
  EXPECT_EQ(t.targets[0].value, 5);
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtLeast);
  EXPECT_EQ(t.targets[0].subject, "温拌沥青使用比例");
  EXPECT_EQ(t.targets[0].comparator_text, "较上一年度提升");

  t = ParseTextTargets("全区用水总量同比下降10%。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].basis, TargetBasis::kPercentChangeFromPriorYear);
  EXPECT_EQ(t.targets[0].value, -10);
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtMost);
  EXPECT_EQ(t.targets[0].subject, "全区用水总量");

  t = ParseTextTargets("地膜残留量实现零增长。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].basis, TargetBasis::kPercentChangeFromPriorYear);
  EXPECT_EQ(t.targets[0].value, 0);
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtMost);
  EXPECT_EQ(t.targets[0].subject, "地膜残留量");

  // Points with no change to describe are not a target.
  t = ParseTextTargets("差距为5个百分点。");
  EXPECT_TRUE(t.targets.empty());
}

TEST(TargetTextTest, ReadsCountsChineseNumeralsSpacedAndCompoundUnits) {
  TextTargets t = ParseTextTargets("建设生态保育小区2处，提升平原生态林养护经营示范区1处。");
  ASSERT_EQ(t.targets.size(), 2u);
  EXPECT_EQ(t.targets[0].subject, "生态保育小区数量");
  EXPECT_EQ(t.targets[0].comparator, Comparator::kAtLeast);
  EXPECT_EQ(t.targets[0].comparator_text, "");
  EXPECT_EQ(t.targets[1].subject, "平原生态林养护经营示范区数量");

  t = ParseTextTargets("聚焦信访投诉集中区域，组织开展治理提升5家。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].subject, "治理提升家数");

  t = ParseTextTargets("年度开展两轮次生态环境监测技术服务机构专项检查。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].value, 2);
  EXPECT_EQ(t.targets[0].value_text, "两");
  EXPECT_EQ(t.targets[0].unit, "轮次");
  EXPECT_EQ(t.targets[0].subject, "生态环境监测技术服务机构专项检查轮次");

  t = ParseTextTargets("完成十二个行政村整治。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].value, 12);

  t = ParseTextTargets(
      "新建建筑施工现场建筑垃圾（不包括工程渣土、工程泥浆）产生量每万平方米低于300 吨，"
      "鼓励低于210吨。");
  ASSERT_EQ(t.targets.size(), 2u);
  EXPECT_EQ(t.targets[0].value, 300);
  EXPECT_EQ(t.targets[0].unit, "吨/万平方米");
  EXPECT_EQ(t.targets[0].subject, "新建建筑施工现场建筑垃圾产生量");
  EXPECT_EQ(t.targets[0].comparator, Comparator::kLessThan);
  EXPECT_TRUE(t.targets[0].binding);
  EXPECT_EQ(t.targets[1].unit, "吨/万平方米");
  EXPECT_EQ(t.targets[1].subject, "新建建筑施工现场建筑垃圾产生量");
  EXPECT_FALSE(t.targets[1].binding);  // 鼓励: a stretch goal
}

TEST(TargetTextTest, TellsScopeThresholdsFromTargets) {
  TextTargets t =
      ParseTextTargets("在督促VOCs年排放量1吨以上重点企业按周期实施清洁生产审核的基础上");
  EXPECT_TRUE(t.targets.empty());
  ASSERT_EQ(t.unparsed.size(), 1u);
  EXPECT_THAT(t.unparsed[0].reason, ::testing::HasSubstr("scope threshold"));

  t = ParseTextTargets("引导固体废物产生强度高于0.2吨/万元的制造业企业转型升级。");
  EXPECT_TRUE(t.targets.empty());
  ASSERT_EQ(t.unparsed.size(), 1u);
  EXPECT_EQ(t.unparsed[0].figure, "0.2吨/万元");

  // The same words with a ratio after them are a target.
  t = ParseTextTargets("区住建等行业主管部门按照不低于15%的比例对施工工地开展抽检。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].subject, "施工工地抽检比例");
}

TEST(TargetTextTest, NamesSubjectsAReaderCanRead) {
  TextTargets t =
      ParseTextTargets("重点建设用地安全利用率达到100%，或者达到95%以上且当年依法处罚、整改到位。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].subject, "重点建设用地安全利用率");
  EXPECT_EQ(t.targets[0].alternative, "或者达到95%以上且当年依法处罚、整改到位");

  t = ParseTextTargets(
      "在道路、园林绿化、河道治理、人行步道等指定部位应用尽用建筑垃圾再生产品，原则上最低不少于30%"
      "。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].subject, "建筑垃圾再生产品应用比例");

  t = ParseTextTargets("在联合执法时对系统筛选出的红、黄类重点车辆抽查率不少于50%。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].subject, "系统筛选出的红、黄类重点车辆抽查率");

  t = ParseTextTargets("力争A级和B级锅炉使用单位累计达到30家以上。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].subject, "A级和B级锅炉使用单位家数");
  EXPECT_FALSE(t.targets[0].binding);

  t = ParseTextTargets("2026年注册登记汽车中新能源车比例达50%以上。");
  ASSERT_EQ(t.targets.size(), 1u);
  EXPECT_EQ(t.targets[0].subject, "注册登记汽车中新能源车比例");
}

}  // namespace
}  // namespace ecoplan::indicator
