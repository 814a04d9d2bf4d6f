#include "common/stats/load_stats.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ecoplan::common {
namespace {

TEST(LoadStatsTest, QuantilesByNearestRankAndMergedCodes) {
  LoadStats a, b;
  for (int i = 1; i <= 100; ++i) a.Record(absl::Milliseconds(i), i % 10 == 0 ? "ABORTED" : "OK");
  b.Record(absl::Milliseconds(500), "UNAVAILABLE");
  a.Merge(b);
  EXPECT_EQ(a.count(), 101);
  EXPECT_EQ(a.ok(), 90);
  EXPECT_DOUBLE_EQ(a.QuantileMs(0.5), 51);
  EXPECT_DOUBLE_EQ(a.QuantileMs(0.99), 100);
  EXPECT_DOUBLE_EQ(a.MaxMs(), 500);
  const nlohmann::json j = nlohmann::json::parse(a.ToJson("echo", "x", 4, absl::Seconds(2)));
  EXPECT_EQ(j["codes"]["ABORTED"], 10);
  EXPECT_DOUBLE_EQ(j["rps"].get<double>(), 50.5);
  EXPECT_DOUBLE_EQ(j["latency_ms"]["p90"].get<double>(), 91);
}

TEST(LoadStatsTest, EmptyRunReportsZeros) {
  LoadStats s;
  EXPECT_EQ(s.QuantileMs(0.5), 0);
  EXPECT_EQ(s.MeanMs(), 0);
}

}  // namespace
}  // namespace ecoplan::common
