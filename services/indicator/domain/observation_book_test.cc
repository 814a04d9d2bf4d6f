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

namespace ecoplan::indicator {
namespace {

class ProvisionalAuditedTest : public ObservationBookTest {
 protected:
  std::vector<ReadingInput> Audited(std::vector<ReadingInput> batch) {
    for (ReadingInput& r : batch) r.verification = Verification::kAudited;
    return batch;
  }
};

TEST_F(ProvisionalAuditedTest, AuditedReplacesProvisionalRecordingBothKinds) {
  ASSERT_TRUE(book_.Apply(book_.Prepare(Day("Gucheng", "2026-04-01", 40), now_).writes).ok());
  auto before = book_.AreaDays("stations/Gucheng");
  ASSERT_TRUE(before.ok());
  EXPECT_EQ((*before)[0].verification.provisional_hours, 24);
  EXPECT_EQ((*before)[0].verification.audited_hours, 0);

  // The audited day: 23 hours as released in real time, one revised to 52.
  std::vector<ReadingInput> audited = Audited(Day("Gucheng", "2026-04-01", 40));
  audited[5].value = 52;
  PreparedBatch p = book_.Prepare(audited, now_);
  EXPECT_EQ(p.replaced, 24);  // the same value of another kind is a replacement too
  EXPECT_EQ(p.audited_replaced, 24);
  EXPECT_EQ(p.unchanged, 0);
  ASSERT_EQ(p.writes.size(), 24u);
  const ReadingWrite& w = p.writes[5];
  EXPECT_EQ(w.previous, 40);
  EXPECT_EQ(w.previous_verification, Verification::kProvisional);
  EXPECT_EQ(w.value, 52);
  EXPECT_EQ(w.verification, Verification::kAudited);
  ASSERT_TRUE(book_.Apply(p.writes).ok());
  EXPECT_EQ(book_.reading_count(), 24u);
  auto days = book_.AreaDays("stations/Gucheng");
  ASSERT_TRUE(days.ok());
  EXPECT_EQ((*days)[0].verification.audited_hours, 24);
  EXPECT_EQ((*days)[0].verification.provisional_hours, 0);
  EXPECT_NEAR((*days)[0].values[static_cast<int>(DailyItem::kPm25)].value, (40 * 23 + 52) / 24.0,
              1e-9);
  // Re-sent audited data: unchanged.
  EXPECT_EQ(book_.Prepare(audited, now_).unchanged, 24);
}

TEST_F(ProvisionalAuditedTest, ProvisionalNeverReplacesAuditedAndAuditedCorrectsAudited) {
  ASSERT_TRUE(
      book_.Apply(book_.Prepare(Audited(Day("Gucheng", "2026-04-01", 40)), now_).writes).ok());
  std::vector<ReadingInput> late = {
      {"Gucheng", "2026-04-01T05", Pollutant::kPm25, 70, std::nullopt},  // provisional
      {"Gucheng", "2026-04-02T05", Pollutant::kPm25, 70, std::nullopt}};
  PreparedBatch p = book_.Prepare(late, now_);
  EXPECT_EQ(p.kept_audited, 1);
  EXPECT_EQ(p.outcomes[0].kind, ItemOutcome::kKeptAudited);
  EXPECT_THAT(p.outcomes[0].reason, HasSubstr("audited value 40 is kept"));
  EXPECT_EQ(p.accepted, 1);  // the hour without an audited value takes it
  EXPECT_EQ(p.replaced, 0);
  EXPECT_EQ(p.rejected, 0);
  ASSERT_EQ(p.writes.size(), 1u);
  EXPECT_EQ(p.writes[0].hour, absl::CivilHour(2026, 4, 2, 5));

  PreparedBatch fix = book_.Prepare(
      Audited({{"Gucheng", "2026-04-01T05", Pollutant::kPm25, 44, std::nullopt}}), now_);
  EXPECT_EQ(fix.replaced, 1);
  EXPECT_EQ(fix.audited_replaced, 0);  // a correction of an audited value
  ASSERT_EQ(fix.writes.size(), 1u);
  EXPECT_EQ(fix.writes[0].previous_verification, Verification::kAudited);
  ASSERT_TRUE(book_.Apply(fix.writes).ok());
  ASSERT_TRUE(book_.Apply(p.writes).ok());
  auto days = book_.AreaDays("district");
  ASSERT_TRUE(days.ok());
  ASSERT_EQ(days->size(), 2u);
  EXPECT_EQ((*days)[0].verification.audited_hours, 24);
  EXPECT_EQ((*days)[1].verification.provisional_hours, 1);
  const DataDays mix =
      TallyVerification(*days, absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 30));
  EXPECT_EQ(mix.audited_days, 1);
  EXPECT_EQ(mix.provisional_days, 1);
  EXPECT_EQ(mix.hours.audited_hours, 24);
  EXPECT_EQ(mix.hours.provisional_hours, 1);
}

}  // namespace
}  // namespace ecoplan::indicator
