#include "services/indicator/domain/validity.h"

#include <gtest/gtest.h>

namespace ecoplan::indicator {
namespace {

const ValidityRules kRules;  // GB 3095 (2012 and 2026 alike)

HourSlots FirstHours(int n, double value) {
  HourSlots s;
  for (int h = 0; h < n; ++h) s.Set(h, value);
  return s;
}

TEST(DailyMeanTest, NeedsTwentyHourlyValues) {
  const DailyStatistic nineteen = DailyMean(FirstHours(19, 40), kRules);
  EXPECT_EQ(nineteen.validity, Validity::kInsufficientData);
  EXPECT_EQ(nineteen.samples, 19);
  const DailyStatistic twenty = DailyMean(FirstHours(20, 40), kRules);
  EXPECT_EQ(twenty.validity, Validity::kValid);
  EXPECT_EQ(twenty.value, 40);
  EXPECT_EQ(twenty.samples, 20);
}

TEST(DailyMeanTest, AveragesOnlyPresentHours) {
  HourSlots s;
  for (int h = 0; h < 24; ++h) {
    if (h != 5 && h != 17) s.Set(h, h < 12 ? 10 : 30);
  }
  const DailyStatistic d = DailyMean(s, kRules);
  EXPECT_EQ(d.samples, 22);
  EXPECT_DOUBLE_EQ(d.value, (11 * 10 + 11 * 30) / 22.0);
}

TEST(DailyMeanTest, NoDataIsInsufficientWithZeroSamples) {
  const DailyStatistic d = DailyMean(HourSlots{}, kRules);
  EXPECT_EQ(d.validity, Validity::kInsufficientData);
  EXPECT_EQ(d.samples, 0);
  EXPECT_FALSE(d.usable());
}

TEST(DailyMaxOneHourTest, TakesTheMaximumWithTwentyHours) {
  HourSlots s = FirstHours(20, 50);
  s.Set(14, 210);
  EXPECT_EQ(DailyMaxOneHour(s, kRules).value, 210);
  EXPECT_EQ(DailyMaxOneHour(s, kRules).validity, Validity::kValid);
  EXPECT_EQ(DailyMaxOneHour(FirstHours(19, 50), kRules).validity, Validity::kInsufficientData);
}

TEST(DailyMaxEightHourMeanTest, AllHoursGiveSeventeenWindows) {
  HourSlots s;
  for (int h = 0; h < 24; ++h) s.Set(h, h);  // window k has mean k + 3.5
  const DailyStatistic d = DailyMaxEightHourMean(s, kRules);
  EXPECT_EQ(d.validity, Validity::kValid);
  EXPECT_EQ(d.samples, 17);
  EXPECT_EQ(d.value, 16 + 3.5);  // the window ending 24:00 (hours 16..23)
}

TEST(DailyMaxEightHourMeanTest, AWindowNeedsSixOfItsEightHours) {
  // Hours 0..5 only: the first window (0..7) has 6 hours, window 1 (1..8) has 5.
  const DailyStatistic six = DailyMaxEightHourMean(FirstHours(6, 100), kRules);
  EXPECT_EQ(six.samples, 1);
  // Hours 0..4: no window has 6.
  const DailyStatistic five = DailyMaxEightHourMean(FirstHours(5, 100), kRules);
  EXPECT_EQ(five.samples, 0);
  EXPECT_EQ(five.validity, Validity::kInsufficientData);
}

HourSlots HoursForWindows(int valid_windows, double value) {
  // Window k covers hours k..k+7; with hours 0..h_last present it has
  // min(8, h_last - k + 1) hours, valid when >= 6, i.e. k <= h_last - 5.
  // So hours 0..(valid_windows + 4) give exactly `valid_windows` valid windows.
  return FirstHours(valid_windows + 5, value);
}

TEST(DailyMaxEightHourMeanTest, ThirteenWindowsAreInsufficientUnlessAbove160) {
  const DailyStatistic thirteen = DailyMaxEightHourMean(HoursForWindows(13, 150), kRules);
  EXPECT_EQ(thirteen.samples, 13);
  EXPECT_EQ(thirteen.validity, Validity::kInsufficientData);

  const DailyStatistic at160 = DailyMaxEightHourMean(HoursForWindows(13, 160), kRules);
  EXPECT_EQ(at160.validity, Validity::kInsufficientData);  // must EXCEED 160

  const DailyStatistic above = DailyMaxEightHourMean(HoursForWindows(13, 161), kRules);
  EXPECT_EQ(above.validity, Validity::kValidByExceedance);
  EXPECT_EQ(above.value, 161);
  EXPECT_TRUE(above.usable());
}

TEST(DailyMaxEightHourMeanTest, FourteenWindowsAreValidAtAnyLevel) {
  const DailyStatistic fourteen = DailyMaxEightHourMean(HoursForWindows(14, 90), kRules);
  EXPECT_EQ(fourteen.samples, 14);
  EXPECT_EQ(fourteen.validity, Validity::kValid);
  EXPECT_EQ(fourteen.value, 90);
  const DailyStatistic high = DailyMaxEightHourMean(HoursForWindows(14, 300), kRules);
  EXPECT_EQ(high.validity, Validity::kValid);
}

TEST(DailyMaxEightHourMeanTest, PartialWindowsAverageTheirPresentHours) {
  HourSlots s;
  for (int h = 0; h < 24; ++h) s.Set(h, 100);
  // Window 10 covers hours 10..17; remove 2 of them and raise the rest.
  s.present &= ~((1u << 10) | (1u << 11));
  for (int h = 12; h < 18; ++h) s.values[h] = 200;
  const DailyStatistic d = DailyMaxEightHourMean(s, kRules);
  EXPECT_EQ(d.samples, 17);  // every window keeps >= 6 hours
  EXPECT_EQ(d.value, 200);   // window 10 = the six hours 12..17
}

TEST(CheckAnnualValidityTest, Needs324DaysAnd27PerMonth) {
  std::array<int, 12> days = {28, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27, 27};  // 325
  EXPECT_EQ(CheckAnnualValidity(2026, days, kRules).validity, Validity::kValid);
  days[0] = 27;  // 324
  AnnualValidity at324 = CheckAnnualValidity(2026, days, kRules);
  EXPECT_EQ(at324.validity, Validity::kValid);
  EXPECT_EQ(at324.valid_days, 324);
  EXPECT_TRUE(at324.reason.empty());
  days[2] = 26;  // 323 and March short
  AnnualValidity short_year = CheckAnnualValidity(2026, days, kRules);
  EXPECT_EQ(short_year.validity, Validity::kInsufficientData);
  EXPECT_EQ(short_year.reason, "323 valid days < 324; 2026-03: 26 valid days < 27");
  EXPECT_FALSE(short_year.month_valid[2]);
  EXPECT_TRUE(short_year.month_valid[1]);
}

TEST(CheckAnnualValidityTest, FebruaryNeeds25) {
  std::array<int, 12> days = {31, 25, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  EXPECT_EQ(CheckAnnualValidity(2026, days, kRules).validity, Validity::kValid);
  days[1] = 24;
  AnnualValidity v = CheckAnnualValidity(2026, days, kRules);
  EXPECT_EQ(v.validity, Validity::kInsufficientData);
  EXPECT_EQ(v.reason, "2026-02: 24 valid days < 25");
  EXPECT_FALSE(v.month_valid[1]);
}

// Every short month in both languages, as printf's "%04d-%02d: %d valid days < %d"
// and "%d年%d月有效天数%d天，少于%d天" put it: the year padded to four digits, the month to two.
TEST(CheckAnnualValidityTest, ShortMonthsAreSaidPaddedInEnglishAndPlainInChinese) {
  std::array<int, 12> days = {0, 25, 31, 30, 31, 30, 31, 31, 30, 5, 30, 31};
  AnnualValidity v = CheckAnnualValidity(987, days, kRules);
  EXPECT_EQ(v.reason,
            "305 valid days < 324; 0987-01: 0 valid days < 27; 0987-10: 5 valid days < 27");
  EXPECT_EQ(v.reason_zh,
            "全年有效天数305天，少于324天；987年1月有效天数0天，少于27天；"
            "987年10月有效天数5天，少于27天");
}

TEST(CheckAnnualValidityTest, EnoughDaysButOneShortMonthIsInsufficient) {
  std::array<int, 12> days = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 20};  // 354 days
  AnnualValidity v = CheckAnnualValidity(2026, days, kRules);
  EXPECT_EQ(v.validity, Validity::kInsufficientData);
  EXPECT_EQ(v.reason, "2026-12: 20 valid days < 27");
}

TEST(ValidityNameTest, Names) {
  EXPECT_EQ(ValidityName(Validity::kValidByExceedance), "valid_by_exceedance");
}

}  // namespace
}  // namespace ecoplan::indicator
