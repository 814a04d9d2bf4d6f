#include "common/calendar/deadline.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace ecoplan::common {
namespace {

using ::absl::CivilDay;

ResolvedDeadline Due(CivilDay d) {
  ResolvedDeadline r;
  r.kind = DeadlineKind::kDueDate;
  r.due = d;
  return r;
}
ResolvedDeadline Window(CivilDay a, CivilDay b) {
  ResolvedDeadline r;
  r.kind = DeadlineKind::kWindow;
  r.window_start = a;
  r.due = b;
  return r;
}
ResolvedDeadline Ongoing() {
  ResolvedDeadline r;
  r.kind = DeadlineKind::kOngoing;
  return r;
}
ResolvedDeadline Unresolved() { return ResolvedDeadline{}; }

TEST(LastDayOfMonthTest, HandlesMonthLengthsAndLeapYears) {
  EXPECT_EQ(LastDayOfMonth(2026, 1), CivilDay(2026, 1, 31));
  EXPECT_EQ(LastDayOfMonth(2026, 2), CivilDay(2026, 2, 28));
  EXPECT_EQ(LastDayOfMonth(2028, 2), CivilDay(2028, 2, 29));
  EXPECT_EQ(LastDayOfMonth(2026, 4), CivilDay(2026, 4, 30));
  EXPECT_EQ(LastDayOfMonth(2026, 12), CivilDay(2026, 12, 31));
}

TEST(ResolveDeadlineTest, YearEnd) {
  EXPECT_EQ(ResolveDeadline("年底前", 2026), Due(CivilDay(2026, 12, 31)));
  EXPECT_EQ(ResolveDeadline("年底", 2026), Due(CivilDay(2026, 12, 31)));
  EXPECT_EQ(ResolveDeadline("年内", 2027), Due(CivilDay(2027, 12, 31)));
  EXPECT_EQ(ResolveDeadline(" 年底前完成 ", 2026), Due(CivilDay(2026, 12, 31)));
  EXPECT_EQ(ResolveDeadline("2027年底前", 2026), Due(CivilDay(2027, 12, 31)));
  EXPECT_EQ(ResolveDeadline("2027年年底前", 2026), Due(CivilDay(2027, 12, 31)));
}

TEST(ResolveDeadlineTest, MonthEnd) {
  EXPECT_EQ(ResolveDeadline("6月底前", 2026), Due(CivilDay(2026, 6, 30)));
  EXPECT_EQ(ResolveDeadline("10月底", 2026), Due(CivilDay(2026, 10, 31)));
  EXPECT_EQ(ResolveDeadline("2月底前", 2028), Due(CivilDay(2028, 2, 29)));
  EXPECT_EQ(ResolveDeadline("11月末", 2026), Due(CivilDay(2026, 11, 30)));
  EXPECT_EQ(ResolveDeadline("六月底前", 2026), Due(CivilDay(2026, 6, 30)));
  EXPECT_EQ(ResolveDeadline("十二月底前", 2026), Due(CivilDay(2026, 12, 31)));
  EXPECT_EQ(ResolveDeadline("2027年3月底前", 2026), Due(CivilDay(2027, 3, 31)));
  EXPECT_EQ(ResolveDeadline("5月上旬前", 2026), Due(CivilDay(2026, 5, 10)));
  EXPECT_EQ(ResolveDeadline("5月中旬", 2026), Due(CivilDay(2026, 5, 20)));
  EXPECT_EQ(ResolveDeadline("5月下旬前", 2026), Due(CivilDay(2026, 5, 31)));
}

TEST(ResolveDeadlineTest, BeforeMonthMeansEndOfPreviousMonth) {
  EXPECT_EQ(ResolveDeadline("7月前", 2026), Due(CivilDay(2026, 6, 30)));
  EXPECT_EQ(ResolveDeadline("3月前", 2028), Due(CivilDay(2028, 2, 29)));
  EXPECT_EQ(ResolveDeadline("1月前", 2026), Due(CivilDay(2025, 12, 31)));
}

TEST(ResolveDeadlineTest, Days) {
  EXPECT_EQ(ResolveDeadline("6月15日前", 2026), Due(CivilDay(2026, 6, 15)));
  EXPECT_EQ(ResolveDeadline("6月15日", 2026), Due(CivilDay(2026, 6, 15)));
  EXPECT_EQ(ResolveDeadline("2027年1月10日前", 2026), Due(CivilDay(2027, 1, 10)));
  EXPECT_EQ(ResolveDeadline("2月30日前", 2026), Unresolved());
  EXPECT_EQ(ResolveDeadline("4月0日", 2026), Unresolved());
}

TEST(ResolveDeadlineTest, Windows) {
  const ResolvedDeadline summer = Window(CivilDay(2026, 6, 1), CivilDay(2026, 9, 30));
  EXPECT_EQ(ResolveDeadline("6-9月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("6—9月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("6–9月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("6~9月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("6～9月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("6至9月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("6月-9月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("6月至9月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("六至九月", 2026), summer);
  EXPECT_EQ(ResolveDeadline("3月", 2026), Window(CivilDay(2026, 3, 1), CivilDay(2026, 3, 31)));
  EXPECT_EQ(ResolveDeadline("全年", 2026), Window(CivilDay(2026, 1, 1), CivilDay(2026, 12, 31)));
  EXPECT_EQ(ResolveDeadline("下半年", 2026), Window(CivilDay(2026, 7, 1), CivilDay(2026, 12, 31)));
  EXPECT_EQ(ResolveDeadline("9-6月", 2026), Unresolved());
  EXPECT_EQ(ResolveDeadline("6-13月", 2026), Unresolved());
}

TEST(ResolveDeadlineTest, HalvesAndQuarters) {
  EXPECT_EQ(ResolveDeadline("上半年", 2026), Due(CivilDay(2026, 6, 30)));
  EXPECT_EQ(ResolveDeadline("第一季度", 2026), Due(CivilDay(2026, 3, 31)));
  EXPECT_EQ(ResolveDeadline("三季度末", 2026), Due(CivilDay(2026, 9, 30)));
  EXPECT_EQ(ResolveDeadline("第5季度", 2026), Unresolved());
}

TEST(ResolveDeadlineTest, Ongoing) {
  for (const char* phrase : {"长期实施", "持续推进", "常态化", "长期坚持", "持续实施", "持续开展",
                             "常态化推进", "长期", "持续抓好", "常年"}) {
    EXPECT_EQ(ResolveDeadline(phrase, 2026), Ongoing()) << phrase;
  }
}

TEST(ResolveDeadlineTest, AnythingElseIsUnresolved) {
  for (const char* phrase : {"", "   ", "尽快", "13月底前", "0月底", "2026年", "按市级要求",
                             "6月底前后", "持续到6月", "12个月"}) {
    EXPECT_EQ(ResolveDeadline(phrase, 2026), Unresolved()) << phrase;
  }
}

TEST(FindDatesInTextTest, FindsPhrasesWithByteOffsets) {
  const std::string text = "5月底前完成方案，11月底前验收；3-5月开展巡查，年底前提交报告。";
  std::vector<TextDate> dates = FindDatesInText(text, 2026);
  ASSERT_EQ(dates.size(), 4u);
  EXPECT_EQ(dates[0].phrase, "5月底前");
  EXPECT_EQ(dates[0].offset, 0u);
  EXPECT_EQ(dates[0].value, Due(CivilDay(2026, 5, 31)));
  EXPECT_EQ(dates[1].phrase, "11月底前");
  EXPECT_EQ(text.substr(dates[1].offset, dates[1].phrase.size()), "11月底前");
  EXPECT_EQ(dates[1].value, Due(CivilDay(2026, 11, 30)));
  EXPECT_EQ(dates[2].phrase, "3-5月");
  EXPECT_EQ(dates[2].value, Window(CivilDay(2026, 3, 1), CivilDay(2026, 5, 31)));
  EXPECT_EQ(dates[3].phrase, "年底前");
  EXPECT_EQ(text.substr(dates[3].offset, dates[3].phrase.size()), "年底前");
  EXPECT_EQ(dates[3].value, Due(CivilDay(2026, 12, 31)));
}

TEST(FindDatesInTextTest, SkipsNumbersThatAreNotDates) {
  EXPECT_TRUE(
      FindDatesInText("PM2.5年均浓度达到27微克/立方米，2026年注册登记汽车中新能源车比例达50%以上，"
                      "连续12个月，2025—2030年，去年底",
                      2026)
          .empty());
}

TEST(FindDatesInTextTest, ExplicitYearAndDay) {
  std::vector<TextDate> dates = FindDatesInText("力争2027年6月底前建成，6月15日前报送", 2026);
  ASSERT_EQ(dates.size(), 2u);
  EXPECT_EQ(dates[0].phrase, "2027年6月底前");
  EXPECT_EQ(dates[0].value, Due(CivilDay(2027, 6, 30)));
  EXPECT_EQ(dates[1].phrase, "6月15日前");
  EXPECT_EQ(dates[1].value, Due(CivilDay(2026, 6, 15)));
}

}  // namespace
}  // namespace ecoplan::common
