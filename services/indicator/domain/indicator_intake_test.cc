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

}  // namespace
}  // namespace ecoplan::indicator
