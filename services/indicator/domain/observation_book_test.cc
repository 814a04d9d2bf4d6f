#include "services/indicator/domain/observation_book.h"

#include <cmath>
#include <limits>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;

class ObservationBookTest : public ::testing::Test {
 protected:
  ObservationBookTest() : standards_(AirQualityStandards::National()), book_(&standards_) {
    book_.SetStations({{"Dingling", "定陵", "清水镇", false, true, "城市清洁对照点"},
                       {"Gucheng", "古城", "永定镇", true, true, ""}});
  }
  std::vector<ReadingInput> Day(const std::string& station, const std::string& day, double pm25) {
    std::vector<ReadingInput> out;
    for (int h = 0; h < 24; ++h) {
      out.push_back({station, absl::StrCat(day, "T", h < 10 ? "0" : "", h), Pollutant::kPm25, pm25,
                     std::nullopt});
    }
    return out;
  }
  const absl::CivilHour now_{2026, 6, 1, 0};
  AirQualityStandards standards_;
  ObservationBook book_;
};

TEST_F(ObservationBookTest, ResendingADayIsIdempotentAndACorrectionReplacesAndIsRecorded) {
  PreparedBatch first = book_.Prepare(Day("Gucheng", "2026-04-01", 40), now_);
  EXPECT_EQ(first.accepted, 24);
  ASSERT_TRUE(book_.Apply(first.writes).ok());
  PreparedBatch again = book_.Prepare(Day("Gucheng", "2026-04-01", 40), now_);
  EXPECT_EQ(again.unchanged, 24);
  EXPECT_TRUE(again.writes.empty());
  std::vector<ReadingInput> fix = {
      {"Gucheng", "2026-04-01T05", Pollutant::kPm25, 44, std::nullopt}};
  PreparedBatch corrected = book_.Prepare(fix, now_);
  EXPECT_EQ(corrected.replaced, 1);
  ASSERT_EQ(corrected.writes.size(), 1u);
  EXPECT_EQ(corrected.writes[0].previous, 40);
  ASSERT_TRUE(book_.Apply(corrected.writes).ok());
  EXPECT_EQ(book_.reading_count(), 24u);
  auto days = book_.AreaDays("towns/永定镇");
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 1u);
  EXPECT_NEAR((*days)[0].values[static_cast<int>(DailyItem::kPm25)].value, (40 * 23 + 44) / 24.0,
              1e-9);
}

// "2026-06-01T00" averages 00:00-01:00: at 00:xx it has not ended yet.
TEST_F(ObservationBookTest, RejectsTheHourInProgressAndAcceptsTheHourJustEnded) {
  PreparedBatch p =
      book_.Prepare({{"Gucheng", "2026-06-01T00", Pollutant::kPm25, 10, std::nullopt},
                     {"Gucheng", "2026-05-31T23", Pollutant::kPm25, 12, std::nullopt}},
                    now_);
  EXPECT_EQ(p.outcomes[0].kind, ItemOutcome::kRejected);
  EXPECT_THAT(p.outcomes[0].reason,
              HasSubstr("hour 2026-06-01T00 has not ended (now 2026-06-01T00 Asia/Shanghai): its "
                        "mean is not known before 2026-06-01T01:00"));
  EXPECT_EQ(p.outcomes[1].kind, ItemOutcome::kAccepted);
}

TEST_F(ObservationBookTest, RejectsBadInputWithReasons) {
  std::vector<ReadingInput> batch = {
      {"Nowhere", "2026-04-01T00", Pollutant::kPm25, 10, std::nullopt},
      {"Gucheng", "2026-04-01 00", Pollutant::kPm25, 10, std::nullopt},
      {"Gucheng", "2026-07-01T00", Pollutant::kPm25, 10, std::nullopt},
      {"Gucheng", "2026-04-01T01", Pollutant::kPm25, -3, std::nullopt},
      {"Gucheng", "2026-04-01T02", Pollutant::kPm25, std::nan(""), std::nullopt},
      {"Gucheng", "2026-04-01T03", Pollutant::kCo, 10000, Unit::kMilligramsPerCubicMeter},
      {"Gucheng", "2026-04-01T04", Pollutant::kPm25, 10, std::nullopt},
      {"Gucheng", "2026-04-01T04", Pollutant::kPm25, 11, std::nullopt},
      {"Gucheng", "2026-04-01T05", Pollutant::kCo, 10000, Unit::kMicrogramsPerCubicMeter},
      {"Gucheng", "2026-04-01T04", Pollutant::kNo2, 30, std::nullopt},
      {"Gucheng", "2026-04-01T03", Pollutant::kNo2, 30, std::nullopt},
  };
  PreparedBatch p = book_.Prepare(batch, now_);
  EXPECT_EQ(p.rejected, 8);
  EXPECT_THAT(p.outcomes[0].reason, HasSubstr("unknown station"));
  EXPECT_THAT(p.outcomes[1].reason, HasSubstr("YYYY-MM-DDTHH"));
  EXPECT_THAT(p.outcomes[2].reason, HasSubstr("future"));
  EXPECT_THAT(p.outcomes[3].reason, HasSubstr("negative"));
  EXPECT_THAT(p.outcomes[4].reason, HasSubstr("not a number"));
  EXPECT_THAT(p.outcomes[5].reason, HasSubstr("check the unit"));
  EXPECT_THAT(p.outcomes[6].reason, HasSubstr("different values"));
  EXPECT_THAT(p.outcomes[7].reason, HasSubstr("different values"));
  EXPECT_EQ(p.outcomes[8].kind, ItemOutcome::kAccepted);  // 10 mg/m³: at the cap, flagged
  EXPECT_EQ(p.accepted, 3);
  ASSERT_EQ(p.flags.size(), 2u);
  EXPECT_THAT(p.flags[0].flag, HasSubstr("instrument cap"));
  EXPECT_THAT(p.flags[1].flag, HasSubstr("out of order"));
}

TEST_F(ObservationBookTest, DistrictLeavesOutTheCleanControlPoint) {
  ASSERT_TRUE(book_.Apply(book_.Prepare(Day("Dingling", "2026-04-01", 10), now_).writes).ok());
  ASSERT_TRUE(book_.Apply(book_.Prepare(Day("Gucheng", "2026-04-01", 50), now_).writes).ok());
  auto district = book_.AreaDays("district");
  ASSERT_TRUE(district.ok());
  EXPECT_EQ((*district)[0].values[static_cast<int>(DailyItem::kPm25)].value, 50);
  EXPECT_FALSE(book_.AreaDays("towns/妙峰山镇").ok());
  const auto days = book_.StationDays();
  ASSERT_EQ(days.size(), 2u);
  EXPECT_EQ(days[0].validity_standard, "GB 3095—2026");
}

}  // namespace
}  // namespace ecoplan::indicator
