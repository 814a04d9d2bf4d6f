#include "common/log/log.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "common/time/clock.h"

namespace ecoplan::common {
namespace {

class LoggerTest : public ::testing::Test {
 protected:
  Logger MakeLogger(LogLevel min_level = LogLevel::kInfo) {
    return Logger(
        "registry", [this](absl::string_view line) { lines_.emplace_back(line); }, &clock_,
        min_level);
  }
  nlohmann::json Line(size_t i) { return nlohmann::json::parse(lines_.at(i)); }

  FakeClock clock_{absl::FromUnixMicros(1774944000123456)};  // 2026-03-31T08:00:00.123456Z
  std::vector<std::string> lines_;
};

TEST_F(LoggerTest, WritesOneJsonObjectWithFixedKeysAndFields) {
  Logger logger = MakeLogger();
  logger.Info("plan imported", {{"plan", "2026-5b6a"},
                                {"measures", 224},
                                {"ratio", 0.5},
                                {"featured", true},
                                {"bytes", static_cast<size_t>(7)}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0].find('\n'), std::string::npos);
  const nlohmann::json line = Line(0);
  EXPECT_EQ(line["time"], "2026-03-31T08:00:00.123456Z");
  EXPECT_EQ(line["level"], "info");
  EXPECT_EQ(line["service"], "registry");
  EXPECT_EQ(line["message"], "plan imported");
  EXPECT_FALSE(line.contains("request_id"));
  EXPECT_EQ(line["plan"], "2026-5b6a");
  EXPECT_EQ(line["measures"], 224);
  EXPECT_EQ(line["ratio"], 0.5);
  EXPECT_EQ(line["featured"], true);
  EXPECT_EQ(line["bytes"], 7);
  // Fixed keys come first, in a stable order.
  EXPECT_EQ(lines_[0].rfind("{\"time\":", 0), 0u);
}

TEST_F(LoggerTest, LevelsRequestIdAndEscaping) {
  Logger logger = MakeLogger();
  logger.WithRequestId("req-1").Warn("bad \"quote\"\nnewline", {{"org", "区生态环境局"}});
  logger.Error("failed", {{"message", "collides"}});
  logger.Debug("hidden");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(Line(0)["level"], "warn");
  EXPECT_EQ(Line(0)["request_id"], "req-1");
  EXPECT_EQ(Line(0)["message"], "bad \"quote\"\nnewline");
  EXPECT_EQ(Line(0)["org"], "区生态环境局");
  EXPECT_EQ(Line(1)["level"], "error");
  EXPECT_EQ(Line(1)["message"], "failed");
  EXPECT_EQ(Line(1)["field.message"], "collides");
}

TEST_F(LoggerTest, InvalidUtf8DoesNotThrow) {
  Logger logger = MakeLogger();
  logger.Info(std::string("trunc\xe5\x8c", 7));
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_NO_THROW(Line(0));
}

TEST_F(LoggerTest, DebugWhenEnabled) {
  Logger logger = MakeLogger(LogLevel::kDebug);
  logger.Debug("shown");
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(Line(0)["level"], "debug");
}

TEST_F(LoggerTest, LinesFromManyThreadsStayWhole) {
  Logger logger = MakeLogger();
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([logger, t] {
      for (int i = 0; i < 200; ++i) logger.Info("tick", {{"thread", t}, {"i", i}});
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(lines_.size(), 1600u);
  for (size_t i = 0; i < lines_.size(); ++i) EXPECT_EQ(Line(i)["message"], "tick");
}

}  // namespace
}  // namespace ecoplan::common
