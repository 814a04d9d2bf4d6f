// IngestObservations ↔ chunks: readings without a pollutant are set aside by
// their index, the others keep theirs, and every rejection and flag of the
// evaluator's outcome is named by its position in the request.

#include "services/indicator/ingest_mapping.h"

#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

v1::IngestObservationsRequest Request() {
  v1::IngestObservationsRequest req;
  v1::StationReading* a = req.add_readings();
  a->set_station("s1");
  a->set_hour("2026-04-01T07");
  a->set_pollutant(v1::POLLUTANT_PM25);
  a->set_value(35);
  v1::StationReading* b = req.add_readings();  // no pollutant
  b->set_station("s1");
  b->set_hour("2026-04-01T08");
  b->set_value(36);
  v1::StationReading* c = req.add_readings();
  c->set_station("s2");
  c->set_hour("2026-04-01T07");
  c->set_pollutant(v1::POLLUTANT_CO);
  c->set_unit(v1::CONCENTRATION_UNIT_MG_M3);
  c->set_value(1.2);
  v1::IndicatorValue* v = req.add_values();
  v->set_indicator("plans/p/indicators/trucks");
  v->mutable_date()->set_year(2026);
  v->mutable_date()->set_month(5);
  v->mutable_date()->set_day(25);
  v->set_value(20);
  v->set_unit("%");
  v->set_source("test");
  return req;
}

TEST(IngestMappingTest, ReadingsWithoutAPollutantAreSetAsideTheOthersKeepTheirIndex) {
  const ChunkInput in = ChunkFromProto(Request());
  EXPECT_EQ(in.without_pollutant, std::vector<size_t>{1});
  ASSERT_EQ(in.chunk.readings.size(), 2u);
  EXPECT_EQ(in.reading_index, (std::vector<size_t>{0, 2}));
  EXPECT_EQ(in.chunk.readings[1].station, "s2");
  EXPECT_EQ(in.chunk.readings[1].pollutant, Pollutant::kCo);
  EXPECT_EQ(in.chunk.readings[1].unit, Unit::kMilligramsPerCubicMeter);
  EXPECT_FALSE(in.chunk.readings[0].unit.has_value());  // the standard unit
  ASSERT_EQ(in.chunk.values.size(), 1u);
  EXPECT_EQ(in.chunk.values[0].day, absl::CivilDay(2026, 5, 25));
  EXPECT_EQ(in.chunk.values[0].value, 20);
}

TEST(IngestMappingTest, RejectionsAndFlagsAreNamedByTheirPositionInTheRequest) {
  const ChunkInput in = ChunkFromProto(Request());
  ChunkOutcome o;
  o.readings.outcomes = {{ItemOutcome::kAccepted, ""}, {ItemOutcome::kRejected, "too high"}};
  o.readings.flags = {{0, "at the instrument cap"}};
  o.values = {{ItemOutcome::kRejected, "no such indicator"}};
  o.accepted = 1;
  v1::IngestObservationsResponse resp;
  AddRejection("3:1", "s1", "2026-04-01T08", "pollutant is not set", &resp);
  AddChunkOutcome(3, in, o, &resp);
  EXPECT_EQ(resp.accepted_count(), 1);
  EXPECT_EQ(resp.rejected_count(), 3);
  ASSERT_EQ(resp.rejections_size(), 3);
  EXPECT_EQ(resp.rejections(0).position(), "3:1");
  EXPECT_EQ(resp.rejections(1).position(), "3:2");  // the chunk's second reading
  EXPECT_EQ(resp.rejections(1).series(), "s2/CO");
  EXPECT_EQ(resp.rejections(1).reason(), "too high");
  EXPECT_EQ(resp.rejections(2).position(), "3:v0");
  EXPECT_EQ(resp.rejections(2).series(), "plans/p/indicators/trucks");
  EXPECT_EQ(resp.rejections(2).timestamp(), "2026-05-25");
  EXPECT_EQ(resp.quality_flag_count(), 1);
  ASSERT_EQ(resp.quality_flags_size(), 1);
  EXPECT_EQ(resp.quality_flags(0).position(), "3:0");
  EXPECT_EQ(resp.quality_flags(0).flag(), "at the instrument cap");
}

TEST(IngestMappingTest, RejectionsAreCountedBeyondTheListedOnes) {
  v1::IngestObservationsResponse resp;
  for (size_t i = 0; i < kMaxIngestListed + 5; ++i) AddRejection("0:0", "s", "", "bad", &resp);
  EXPECT_EQ(resp.rejected_count(), static_cast<int64_t>(kMaxIngestListed + 5));
  EXPECT_EQ(static_cast<size_t>(resp.rejections_size()), kMaxIngestListed);
}

}  // namespace
}  // namespace ecoplan::indicator
