#include "common/calendar/checkpoints.h"

#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"

namespace ecoplan::common {
namespace {

using absl::CivilDay;

// The seed plan: year 2026, issued 2026-03-31; most measures are due 年底前.
CheckpointContext YearEnd() { return {2026, CivilDay(2026, 12, 31), CivilDay(2026, 3, 31)}; }
CheckpointContext OngoingContext() { return {2026, std::nullopt, CivilDay(2026, 3, 31)}; }

TEST(CheckpointsTest, QuarterlyObligationsAreDueAtEachQuarterEndAfterTheIssueDate) {
  // a1-t25-m1
  const CheckpointExtraction found = ExtractCheckpoints(
      "以违规排污口动态清零为目标，推动入河排污口长效监管，按季度开展不低于总数10%的巡查检查，"
      "对全区所有常态有水排污口开展现场检查、监测，全年实现一轮巡查、监测全覆盖。",
      YearEnd());
  ASSERT_EQ(found.checkpoints.size(), 2u);
  const Checkpoint& quarterly = found.checkpoints[0];
  EXPECT_EQ(quarterly.kind, CheckpointKind::kRecurring);
  EXPECT_EQ(quarterly.phrase, "按季度");
  EXPECT_EQ(quarterly.text_offset, 26);
  EXPECT_EQ(quarterly.recurrence, Recurrence::kQuarterly);
  // Q1 ends on the issue day itself: not owed.
  EXPECT_EQ(quarterly.dues, (std::vector<CivilDay>{CivilDay(2026, 6, 30), CivilDay(2026, 9, 30),
                                                   CivilDay(2026, 12, 31)}));
  const Checkpoint& round = found.checkpoints[1];
  EXPECT_EQ(round.kind, CheckpointKind::kRounds);
  EXPECT_EQ(round.phrase, "一轮");
  EXPECT_EQ(round.rounds, 1);
  EXPECT_EQ(round.due, CivilDay(2026, 12, 31));
  EXPECT_TRUE(found.unparsed.empty());
}

TEST(CheckpointsTest, DatesInTheTextAreCheckpointsUnlessTheyRepeatTheDeadline) {
  const CheckpointExtraction found = ExtractCheckpoints(
      "巩固提升生态文明建设示范区、“两山”实践创新基地建设成果，5月底前通过生态文明示范建设管理平台"
      "提交2025年度巩固提升自查报告，年底前完成复核。",
      YearEnd());
  ASSERT_EQ(found.checkpoints.size(), 1u);
  EXPECT_EQ(found.checkpoints[0].kind, CheckpointKind::kDue);
  EXPECT_EQ(found.checkpoints[0].phrase, "5月底前");
  EXPECT_EQ(found.checkpoints[0].due, CivilDay(2026, 5, 31));
}

TEST(CheckpointsTest, WindowsButNotTheWholeYear) {
  const CheckpointExtraction found = ExtractCheckpoints(
      "以3-5月为重点开展扬尘专项治理百日攻坚行动，全年持续加强施工扬尘治理。", OngoingContext());
  ASSERT_EQ(found.checkpoints.size(), 1u);
  EXPECT_EQ(found.checkpoints[0].kind, CheckpointKind::kWindow);
  EXPECT_EQ(found.checkpoints[0].window_start, CivilDay(2026, 3, 1));
  EXPECT_EQ(found.checkpoints[0].due, CivilDay(2026, 5, 31));
}

TEST(CheckpointsTest, FloodSeasonAndRoundsInChineseNumerals) {
  const CheckpointExtraction before = ExtractCheckpoints(
      "持续开展“清管行动”。汛期前对雨水管涵、雨污合流管涵等进行全面清掏。", OngoingContext());
  ASSERT_EQ(before.checkpoints.size(), 1u);
  EXPECT_EQ(before.checkpoints[0].phrase, "汛期前");
  EXPECT_EQ(before.checkpoints[0].kind, CheckpointKind::kDue);
  EXPECT_EQ(before.checkpoints[0].due, CivilDay(2026, 5, 31));

  const CheckpointExtraction during =
      ExtractCheckpoints("加强汛期水质风险研判与应急响应。", YearEnd());
  ASSERT_EQ(during.checkpoints.size(), 1u);
  EXPECT_EQ(during.checkpoints[0].kind, CheckpointKind::kWindow);
  EXPECT_EQ(during.checkpoints[0].window_start, CivilDay(2026, 6, 1));
  EXPECT_EQ(during.checkpoints[0].due, CivilDay(2026, 9, 15));

  const CheckpointExtraction rounds =
      ExtractCheckpoints("年度开展两轮次生态环境监测技术服务机构专项检查。", OngoingContext());
  ASSERT_EQ(rounds.checkpoints.size(), 1u);
  EXPECT_EQ(rounds.checkpoints[0].phrase, "两轮次");
  EXPECT_EQ(rounds.checkpoints[0].rounds, 2);
  EXPECT_EQ(rounds.checkpoints[0].due, CivilDay(2026, 12, 31));
}

TEST(CheckpointsTest, ZeroRoundsIsNoCheckpoint) {
  // Found by the fuzzer: "0轮次" gave a round checkpoint with no rounds.
  EXPECT_TRUE(ExtractCheckpoints("开展0轮次检查，00轮", YearEnd()).checkpoints.empty());
}

TEST(CheckpointsTest, ANewRoundIsANameNotACount) {
  const CheckpointExtraction found = ExtractCheckpoints(
      "配合市水务局编制新一轮地下水超采综合治理实施方案，系统推进地下水生态修复。", YearEnd());
  EXPECT_TRUE(found.checkpoints.empty());
  EXPECT_TRUE(found.unparsed.empty());
}

TEST(CheckpointsTest, PeriodicWordsWithoutAPeriodAreReportedNotGuessed) {
  const CheckpointExtraction found = ExtractCheckpoints(
      "加强未利用地保护。定期开展巡查；雨前对马路边沟开展清理，不定期抽查。", YearEnd());
  EXPECT_TRUE(found.checkpoints.empty());
  ASSERT_EQ(found.unparsed.size(), 3u);
  EXPECT_EQ(found.unparsed[0].phrase, "定期");
  EXPECT_EQ(found.unparsed[0].text_offset, 9);
  EXPECT_EQ(found.unparsed[1].phrase, "雨前");
  EXPECT_EQ(found.unparsed[2].phrase, "不定期");
}

TEST(CheckpointsTest, MonthlyDuesStopAtTheMeasuresDueDay) {
  const CheckpointContext june = {2026, CivilDay(2026, 6, 30), CivilDay(2026, 3, 31)};
  const CheckpointExtraction found = ExtractCheckpoints("每月报送整改进展。", june);
  ASSERT_EQ(found.checkpoints.size(), 1u);
  EXPECT_EQ(
      found.checkpoints[0].dues,
      (std::vector<CivilDay>{CivilDay(2026, 4, 30), CivilDay(2026, 5, 31), CivilDay(2026, 6, 30)}));
  EXPECT_EQ(DescribeCheckpoint(found.checkpoints[0]),
            "每月: due 2026-04-30, 2026-05-31, 2026-06-30");
}

TEST(CheckpointsTest, APhraseTypedByTheBureauIsExactlyOneCheckpoint) {
  ASSERT_OK_AND_ASSIGN(Checkpoint c,
                       ResolveCheckpointPhrase("每半年", YearEnd(), "checkpoints[0]"));
  EXPECT_EQ(c.kind, CheckpointKind::kRecurring);
  EXPECT_EQ(c.text_offset, -1);
  EXPECT_EQ(c.dues, (std::vector<CivilDay>{CivilDay(2026, 6, 30), CivilDay(2026, 12, 31)}));
  ASSERT_OK_AND_ASSIGN(Checkpoint due, ResolveCheckpointPhrase("9月15日前", YearEnd(), "x"));
  EXPECT_EQ(due.due, CivilDay(2026, 9, 15));
  for (const char* bad : {"", "定期", "尽快", "5月底前和按季度"}) {
    const absl::StatusOr<Checkpoint> refused =
        ResolveCheckpointPhrase(bad, YearEnd(), "checkpoints[1]");
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(refused.status().message().find("checkpoints[1]"), std::string::npos);
  }
}

}  // namespace
}  // namespace ecoplan::common
