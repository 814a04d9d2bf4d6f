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

// The ingestion stores and applies the station-days Preview computes
// (ApplyPreviewed); the load at start recomputes them from readings (Apply).
// Both must leave the same book: same daily values, kinds and readings held.
TEST_F(ObservationBookTest, PreviewedDaysApplyAsRecomputedOnes) {
  ObservationBook recomputed(&standards_);
  std::vector<Station> stations;
  for (const auto& [id, s] : book_.stations()) stations.push_back(s);
  recomputed.SetStations(stations);
  auto apply_both = [&](const std::vector<ReadingInput>& batch) {
    PreparedBatch p = book_.Prepare(batch, now_);
    PreparedBatch q = recomputed.Prepare(batch, now_);
    ASSERT_EQ(p.writes.size(), q.writes.size());
    absl::StatusOr<std::vector<StationDayWrite>> days = book_.Preview(p.writes);
    ASSERT_TRUE(days.ok());
    book_.ApplyPreviewed(*days);
    ASSERT_TRUE(recomputed.Apply(q.writes).ok());
  };
  std::vector<ReadingInput> batch = Day("Gucheng", "2026-04-01", 40);
  for (ReadingInput& r : Day("Dingling", "2026-04-01", 12)) batch.push_back(r);
  for (int h = 0; h < 20; ++h) {  // O3 over most of a day, some hours audited
    batch.push_back({"Gucheng", absl::StrCat("2026-04-02T", h < 10 ? "0" : "", h), Pollutant::kO3,
                     100.0 + h, std::nullopt,
                     h % 3 == 0 ? Verification::kAudited : Verification::kProvisional});
  }
  batch.push_back(
      {"Gucheng", "2026-04-02T05", Pollutant::kCo, 1200, Unit::kMicrogramsPerCubicMeter});
  apply_both(batch);
  // A second batch over the same days: a correction, an audited replacement, new hours.
  apply_both(
      {{"Gucheng", "2026-04-01T03", Pollutant::kPm25, 45, std::nullopt},
       {"Gucheng", "2026-04-02T01", Pollutant::kO3, 101, std::nullopt, Verification::kAudited},
       {"Gucheng", "2026-04-02T20", Pollutant::kO3, 140, std::nullopt},
       {"Gucheng", "2026-04-02T21", Pollutant::kO3, 141, std::nullopt}});

  EXPECT_EQ(book_.reading_count(), recomputed.reading_count());
  EXPECT_EQ(book_.reading_count(), 24u + 24u + 20u + 1u + 2u);
  const std::vector<StationDay> a = book_.StationDays(), b = recomputed.StationDays();
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].station_id, b[i].station_id);
    EXPECT_EQ(a[i].day, b[i].day);
    EXPECT_EQ(a[i].validity_standard, b[i].validity_standard);
    EXPECT_EQ(a[i].verification.audited_hours, b[i].verification.audited_hours);
    EXPECT_EQ(a[i].verification.provisional_hours, b[i].verification.provisional_hours);
    for (int k = 0; k < kDailyItemCount; ++k) {
      EXPECT_EQ(a[i].values[k].validity, b[i].values[k].validity) << i << " " << k;
      EXPECT_EQ(a[i].values[k].value, b[i].values[k].value) << i << " " << k;
      EXPECT_EQ(a[i].values[k].samples, b[i].values[k].samples) << i << " " << k;
    }
  }
  // Gucheng 04-02 (index 2: Dingling sorts first): 22 O3 hours, 8 of them audited.
  EXPECT_EQ(a[2].verification.audited_hours, 8);
  EXPECT_EQ(a[2].values[static_cast<int>(DailyItem::kO3Max1h)].value, 141);
  EXPECT_NEAR(a[1].values[static_cast<int>(DailyItem::kPm25)].value, (40 * 23 + 45) / 24.0, 1e-9);
  // Both hold the same readings: everything sent again is unchanged in each.
  std::vector<ReadingInput> all = batch;
  all[3].value = 45;  // the corrected hour as it is now
  for (const auto* b : {&book_, &recomputed}) {
    PreparedBatch again = b->Prepare(all, now_);
    EXPECT_EQ(again.unchanged, static_cast<int64_t>(all.size()) - 1);  // 04-02T01 is audited now
    EXPECT_EQ(again.kept_audited, 1);
    EXPECT_TRUE(again.writes.empty());
  }
}

// Each evaluation reads an area's days from a cache: a batch applied, or a
// station moved, gives the new values.
TEST_F(ObservationBookTest, AreaDaysFollowEveryChange) {
  ASSERT_TRUE(book_.Apply(book_.Prepare(Day("Gucheng", "2026-04-01", 40), now_).writes).ok());
  auto before = book_.SharedAreaDays("district");
  ASSERT_TRUE(before.ok());
  ASSERT_EQ((*before)->size(), 1u);
  EXPECT_EQ((**before)[0].values[static_cast<int>(DailyItem::kPm25)].value, 40);
  PreparedBatch p = book_.Prepare(Day("Gucheng", "2026-04-01", 50), now_);
  auto days = book_.Preview(p.writes);
  ASSERT_TRUE(days.ok());
  book_.ApplyPreviewed(*days);
  auto after = book_.SharedAreaDays("district");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ((**after)[0].values[static_cast<int>(DailyItem::kPm25)].value, 50);
  EXPECT_EQ((**before)[0].values[static_cast<int>(DailyItem::kPm25)].value, 40);  // unchanged copy
  ASSERT_TRUE(book_.Apply(book_.Prepare(Day("Gucheng", "2026-04-02", 60), now_).writes).ok());
  EXPECT_EQ((*book_.SharedAreaDays("district"))->size(), 2u);
  // Gucheng no longer counts for the district: no station represents it.
  book_.SetStations({{"Gucheng", "古城", "永定镇", false, true, ""}});
  EXPECT_EQ(book_.SharedAreaDays("district").status().code(), absl::StatusCode::kNotFound);
}

// The hour text's parse (a fast path for the usual form) accepts exactly
// the hours that exist, written YYYY-MM-DDTHH.
TEST(ParseHourTest, AcceptsExactlyExistingHoursInTheCanonicalForm) {
  EXPECT_EQ(*ParseHour("2026-04-01T07"), absl::CivilHour(2026, 4, 1, 7));
  EXPECT_EQ(*ParseHour("2024-02-29T23"), absl::CivilHour(2024, 2, 29, 23));
  EXPECT_EQ(*ParseHour("2026-12-31T00"), absl::CivilHour(2026, 12, 31, 0));
  for (const char* bad :
       {"2026-02-29T00", "2026-04-31T00", "2026-04-01T24", "2026-13-01T00", "2026-00-10T00",
        "2026-04-00T00", "2026-4-01T07", "2026-04-01 07", "2026-04-01T07x", "2026-04-01T7",
        "2026-04-01t07", "２026-04-01T07", "2026-04-01T-1", ""}) {
    EXPECT_EQ(ParseHour(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace ecoplan::indicator
