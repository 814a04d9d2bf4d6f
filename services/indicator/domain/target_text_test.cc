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

  t = ParseTextTargets("新增和更新的轻型快递配送车、轻型商超配送车80%为纯电动。");
  EXPECT_TRUE(t.targets.empty());
  ASSERT_EQ(t.unparsed.size(), 1u);
  EXPECT_EQ(t.unparsed[0].figure, "80%");
}

}  // namespace
}  // namespace ecoplan::indicator
