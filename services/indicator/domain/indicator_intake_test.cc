// The intake use cases over the fake store: stations, and reported values
// counted exactly (accepted / replaced / unchanged / rejected), written with
// one ObservationsIngested event; a failed commit publishes nothing.

#include "services/indicator/domain/indicator_evaluator_test_fixture.h"

namespace ecoplan::indicator {
namespace {

using IndicatorIntakeTest = IndicatorEvaluatorTest;

TEST_F(IndicatorIntakeTest, IngestCountsEachValueAndWritesOnlyWhatChanged) {
  ASSERT_OK(Create(Share()).status());
  const absl::CivilDay may(2026, 5, 25), june(2026, 6, 25);
  IngestChunk chunk;
  chunk.values.push_back({"plans/p/indicators/trucks", may, 20, "%", "test"});
  chunk.values.push_back({"plans/p/indicators/trucks", june, 30, "", "test"});
  chunk.values.push_back({"plans/p/indicators/trucks", june, 35, "%", "test"});  // in-chunk
  chunk.values.push_back({"plans/p/indicators/nope", june, 1, "%", "test"});
  chunk.values.push_back({"plans/p/indicators/trucks", june, 1, "km", "test"});
  chunk.values.push_back({"plans/p/indicators/trucks", std::nullopt, 1, "%", "test"});
  ASSERT_OK_AND_ASSIGN(ChunkOutcome o, Wait<ChunkOutcome>([&](Done<ChunkOutcome> d) {
                         evaluator_->Ingest(chunk, d);
                       }));
  EXPECT_EQ(o.accepted, 2);
  EXPECT_EQ(o.replaced, 1);
  EXPECT_EQ(o.unchanged, 0);
  EXPECT_EQ(o.rejected, 3);
  ASSERT_EQ(o.values.size(), 6u);
  EXPECT_EQ(o.values[3].kind, ItemOutcome::kRejected);
  EXPECT_EQ(o.values[3].reason, "unknown indicator plans/p/indicators/nope");
  const Change c = store_.committed().back();
  ASSERT_EQ(c.values.size(), 3u);
  EXPECT_EQ(c.values[2].previous, 30);  // the in-chunk value it replaces
  ASSERT_TRUE(c.observations.has_value());
  EXPECT_EQ(c.observations->resource, "observations");
  EXPECT_EQ(c.observations->accepted, 2);
  EXPECT_EQ(c.observations->replaced, 1);
  EXPECT_EQ(store_.ReportedValueOf("p", "trucks", june), 35);

  // Sent again: unchanged, nothing written.
  const size_t commits = store_.committed().size();
  ASSERT_OK_AND_ASSIGN(ChunkOutcome again, Report(june, 35));
  EXPECT_EQ(again.unchanged, 1);
  EXPECT_EQ(again.accepted + again.replaced, 0);
  EXPECT_EQ(store_.committed().size(), commits);
  // A correction is counted as replaced, with the previous value kept.
  ASSERT_OK_AND_ASSIGN(ChunkOutcome corrected, Report(june, 40));
  EXPECT_EQ(corrected.replaced, 1);
  EXPECT_EQ(store_.committed().back().values.at(0).previous, 35);
}

TEST_F(IndicatorIntakeTest, AFailedIngestCommitKeepsNothing) {
  ASSERT_OK(Create(Share()).status());
  int notified = 0;
  evaluator_->SetDataListener([&](const std::string&) { ++notified; });
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  EXPECT_EQ(Report(absl::CivilDay(2026, 6, 25), 30).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(notified, 0);
  // Not held: the same value is accepted (not unchanged) when sent again.
  ASSERT_OK_AND_ASSIGN(ChunkOutcome o, Report(absl::CivilDay(2026, 6, 25), 30));
  EXPECT_EQ(o.accepted, 1);
  EXPECT_EQ(notified, 1);
  evaluator_->SetDataListener(nullptr);
}

TEST_F(IndicatorIntakeTest, StationsAreWrittenThenListedAndSurviveARestart) {
  Station s;
  s.id = "s1";
  s.display_name = "清水镇站";
  s.town = "清水镇";
  ASSERT_OK(Wait<Station>([&](Done<Station> d) { evaluator_->UpsertStation(s, d); }).status());
  ASSERT_EQ(store_.committed().size(), 1u);
  ASSERT_TRUE(store_.committed()[0].station.has_value());
  EXPECT_EQ(store_.committed()[0].station->town, "清水镇");
  ASSERT_EQ(evaluator_->ListStations().size(), 1u);
  Reopen();
  ASSERT_EQ(evaluator_->ListStations().size(), 1u);
  EXPECT_EQ(evaluator_->ListStations()[0].display_name, "清水镇站");
}

// A chunk of readings is written as the station-days it touches, each with
// every reading of the day (the earlier chunk's hours included) and its daily
// values; the same readings sent again write nothing; a restart that reloads
// the readings serves the same daily values.
TEST_F(IndicatorIntakeTest, ReadingsAreWrittenAsWholeStationDaysAndAReloadWritesNothing) {
  Station s;
  s.id = "Gucheng";
  s.town = "永定镇";
  s.counts_for_district = true;
  ASSERT_OK(Wait<Station>([&](Done<Station> d) { evaluator_->UpsertStation(s, d); }).status());
  auto chunk_of = [](int from_hour, int to_hour, double pm25) {
    IngestChunk chunk;
    for (int h = from_hour; h < to_hour; ++h) {
      chunk.readings.push_back({"Gucheng", absl::StrCat("2026-06-01T", h < 10 ? "0" : "", h),
                                Pollutant::kPm25, pm25 + h, std::nullopt});
    }
    return chunk;
  };
  auto ingest = [&](const IngestChunk& chunk) {
    return Wait<ChunkOutcome>([&](Done<ChunkOutcome> d) { evaluator_->Ingest(chunk, d); });
  };
  ASSERT_OK_AND_ASSIGN(ChunkOutcome first, ingest(chunk_of(0, 12, 30)));
  EXPECT_EQ(first.accepted, 12);
  ASSERT_OK_AND_ASSIGN(ChunkOutcome second, ingest(chunk_of(12, 24, 30)));
  EXPECT_EQ(second.accepted, 12);
  const Change written = store_.committed().back();
  ASSERT_EQ(written.station_days.size(), 1u);
  const StationDayWrite& day = written.station_days[0];
  EXPECT_EQ(day.day.station_id, "Gucheng");
  EXPECT_EQ(day.day.day, absl::CivilDay(2026, 6, 1));
  const HourSlots& pm25 = day.readings.slots[static_cast<int>(Pollutant::kPm25)];
  EXPECT_EQ(pm25.count(), 24);  // the first chunk's hours too
  for (int h = 0; h < 24; ++h) EXPECT_EQ(pm25.values[h], 30 + h) << h;
  const DailyStatistic& mean = day.day.values[static_cast<int>(DailyItem::kPm25)];
  EXPECT_EQ(mean.validity, Validity::kValid);
  EXPECT_DOUBLE_EQ(mean.value, 30 + 11.5);
  EXPECT_EQ(mean.samples, 24);

  const size_t commits = store_.committed().size();
  ASSERT_OK_AND_ASSIGN(ChunkOutcome again, ingest(chunk_of(0, 24, 30)));
  EXPECT_EQ(again.unchanged, 24);
  EXPECT_EQ(again.accepted + again.replaced, 0);
  EXPECT_EQ(store_.committed().size(), commits);  // nothing written

  auto served = evaluator_->DailyAirQuality("district", absl::CivilDay(2026, 6, 1),
                                            absl::CivilDay(2026, 6, 1), "");
  ASSERT_OK(served.status());
  Reopen();
  auto reloaded = evaluator_->DailyAirQuality("district", absl::CivilDay(2026, 6, 1),
                                              absl::CivilDay(2026, 6, 1), "");
  ASSERT_OK(reloaded.status());
  ASSERT_EQ(served->size(), 1u);
  ASSERT_EQ(reloaded->size(), 1u);
  EXPECT_EQ((*reloaded)[0].first.values[static_cast<int>(DailyItem::kPm25)].value,
            (*served)[0].first.values[static_cast<int>(DailyItem::kPm25)].value);
  EXPECT_DOUBLE_EQ((*reloaded)[0].first.values[static_cast<int>(DailyItem::kPm25)].value, 41.5);
}

}  // namespace
}  // namespace ecoplan::indicator
