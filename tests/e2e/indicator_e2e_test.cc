// Runs the real registry_server, indicator_server and ecoplanctl binaries as
// an operator would: import the shipped seed into the registry, let the
// indicator service build the plan's indicators from the registry's events,
// configure two demonstration stations, load the tests/data slice of the
// Beijing PRSA data through `ecoplanctl indicator load`, and evaluate.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

const char* const kCtl = ECOPLAN_CTL_PATH;
const char* const kSeed = ECOPLAN_SEED_PATH;
const std::string kGucheng =
    std::string(ECOPLAN_TEST_DATA_DIR) + "/PRSA_Data_Gucheng_20170101-20170121.csv";
const std::string kDingling =
    std::string(ECOPLAN_TEST_DATA_DIR) + "/PRSA_Data_Dingling_20170101-20170121.csv";

class IndicatorE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry"));
    ServerOptions indicator;
    indicator.follow = {"registry"};
    ASSERT_OK_AND_ASSIGN(indicator_address_, cluster_.Start("indicator", indicator));
  }

  CommandResult Ctl(std::vector<std::string> args) {
    std::vector<std::string> argv{kCtl, "--registry=" + registry_address_,
                                  "--indicator=" + indicator_address_};
    argv.insert(argv.end(), args.begin(), args.end());
    absl::StatusOr<CommandResult> result = RunCommand(argv, absl::Seconds(120));
    EXPECT_TRUE(result.ok()) << result.status();
    return result.value_or(CommandResult{});
  }

  // The plan's indicators once the indicator service has built them from the
  // registry's PlanImported event (polled, up to 60 s).
  nlohmann::json WaitForIndicators() {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    CommandResult last;
    while (absl::Now() < deadline) {
      last = Ctl({"--output", "json", "indicator", "list"});
      if (last.exit_code == 0) {
        nlohmann::json list = nlohmann::json::parse(last.stdout_text);
        if (list.contains("indicators") && !list["indicators"].empty()) return list;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    ADD_FAILURE() << "no indicators after 60 s: " << last.stdout_text << last.stderr_text << "\n"
                  << ReadFile(dir_.Sub("indicator.log")).value_or("");
    return nlohmann::json::object();
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string registry_address_;
  std::string indicator_address_;
};

const nlohmann::json* FindIndicator(const nlohmann::json& list, const std::string& id) {
  for (const nlohmann::json& i : list["indicators"]) {
    const std::string name = i.value("name", "");
    if (name.size() >= id.size() + 1 &&
        name.compare(name.size() - id.size() - 1, std::string::npos, "/" + id) == 0) {
      return &i;
    }
  }
  return nullptr;
}

TEST_F(IndicatorE2eTest, BuildsThePlansIndicatorsLoadsStationDataAndEvaluates) {
  CommandResult imported = Ctl({"plan", "import", kSeed});
  ASSERT_EQ(imported.exit_code, 0) << imported.stderr_text;

  // Annex 4 (the district's row), annex 5 (each town's row), measure texts.
  const nlohmann::json list = WaitForIndicators();
  const nlohmann::json* district = FindIndicator(list, "a4-pm25");
  ASSERT_NE(district, nullptr) << list.dump(1);
  EXPECT_EQ((*district)["targetValue"].get<double>(), 27);
  EXPECT_EQ((*district)["origin"], "ORIGIN_ANNEX_4");
  const nlohmann::json* town = FindIndicator(list, "a5-清水镇-pm25");
  ASSERT_NE(town, nullptr);
  EXPECT_EQ((*town)["targetValue"].get<double>(), 19);
  EXPECT_EQ((*town)["scopeName"], "清水镇");
  // A target read from a measure text: 新增绿色汽修企业不少于2家 (measure a1-t7-m5).
  const nlohmann::json* garages = FindIndicator(list, "m-a1-t7-m5-1");
  ASSERT_NE(garages, nullptr);
  EXPECT_EQ((*garages)["origin"], "ORIGIN_MEASURE_TEXT");
  EXPECT_EQ((*garages)["targetValue"].get<double>(), 2);
  EXPECT_EQ((*garages)["comparator"], "COMPARATOR_AT_LEAST");
  EXPECT_EQ((*garages)["unit"], "家");

  // The same through the table output of list and show.
  CommandResult shown = Ctl({"indicator", "show", "a5-清水镇-pm25"});
  ASSERT_EQ(shown.exit_code, 0) << shown.stderr_text;
  EXPECT_NE(shown.stdout_text.find("≤ 19"), std::string::npos) << shown.stdout_text;

  // Two demonstration stations (Beijing sites standing in for Mentougou towns).
  CommandResult set1 = Ctl({"indicator", "stations", "set", "Gucheng", "--town", "永定镇", "--name",
                            "古城", "--demonstration"});
  ASSERT_EQ(set1.exit_code, 0) << set1.stderr_text;
  CommandResult set2 = Ctl({"indicator", "stations", "set", "Dingling", "--town", "清水镇",
                            "--name", "定陵", "--not-district", "--demonstration"});
  ASSERT_EQ(set2.exit_code, 0) << set2.stderr_text;
  CommandResult stations = Ctl({"indicator", "stations", "list"});
  EXPECT_NE(stations.stdout_text.find("2 stations"), std::string::npos) << stations.stdout_text;

  CommandResult loaded =
      Ctl({"--output", "json", "indicator", "load", kGucheng, kDingling, "--chunk", "2000"});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.stderr_text;
  const nlohmann::json first = nlohmann::json::parse(loaded.stdout_text);
  const int64_t accepted = std::stoll(first.value("acceptedCount", "0"));
  EXPECT_GT(accepted, 5000);
  EXPECT_FALSE(first.contains("rejectedCount")) << loaded.stdout_text;

  // Loading the same files again doubles nothing: every reading is unchanged.
  CommandResult again =
      Ctl({"--output", "json", "indicator", "load", kGucheng, kDingling, "--chunk", "2000"});
  ASSERT_EQ(again.exit_code, 0) << again.stderr_text;
  const nlohmann::json second = nlohmann::json::parse(again.stdout_text);
  EXPECT_EQ(std::stoll(second.value("unchangedCount", "0")), accepted) << again.stdout_text;
  EXPECT_FALSE(second.contains("acceptedCount")) << again.stdout_text;
  EXPECT_FALSE(second.contains("replacedCount")) << again.stdout_text;

  // A 2017 day is judged by the standard in force then, HJ 633-2012.
  CommandResult daily =
      Ctl({"--output", "json", "indicator", "daily", "2017-01-02", "--area", "stations/Gucheng"});
  ASSERT_EQ(daily.exit_code, 0) << daily.stderr_text;
  const nlohmann::json days = nlohmann::json::parse(daily.stdout_text);
  ASSERT_EQ(days["days"].size(), 1u) << daily.stdout_text;
  EXPECT_EQ(days["days"][0]["standard"], "HJ 633-2012");
  EXPECT_GT(days["days"][0]["aqi"].get<int>(), 200);  // a heavy-pollution January day
  CommandResult daily_table = Ctl({"indicator", "daily", "2017-01-02", "--area", "towns/永定镇"});
  ASSERT_EQ(daily_table.exit_code, 0) << daily_table.stderr_text;
  EXPECT_NE(daily_table.stdout_text.find("HJ 633-2012"), std::string::npos)
      << daily_table.stdout_text;

  // Evaluations: one indicator, then the whole plan.
  CommandResult evaluated = Ctl({"indicator", "evaluate", "a4-pm25", "--as-of", "2026-04-30"});
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.stderr_text;
  EXPECT_NE(evaluated.stdout_text.find("≤ 27"), std::string::npos) << evaluated.stdout_text;
  // Readings from 2017 only: a 2026 target has no day yet.
  EXPECT_NE(evaluated.stdout_text.find("insufficient data"), std::string::npos)
      << evaluated.stdout_text;
  CommandResult plan = Ctl({"indicator", "plan", "--as-of", "2026-04-30"});
  ASSERT_EQ(plan.exit_code, 0) << plan.stderr_text;
  EXPECT_NE(plan.stdout_text.find("a5-清水镇-pm25"), std::string::npos) << plan.stdout_text;
  EXPECT_NE(plan.stdout_text.find("Town ranking"), std::string::npos) << plan.stdout_text;
  CommandResult plan_json = Ctl({"--output", "json", "indicator", "plan", "--as-of", "2026-04-30"});
  ASSERT_EQ(plan_json.exit_code, 0) << plan_json.stderr_text;
  const nlohmann::json evaluation = nlohmann::json::parse(plan_json.stdout_text);
  EXPECT_EQ(evaluation["evaluations"].size(), list["indicators"].size());

  // A re-sync on demand: 不超过4% in measure a1-t10-m1's text is read and
  // checked against annex 4's 扬尘负荷差等级道路比例 (4), which it restates.
  CommandResult synced = Ctl({"--output", "json", "indicator", "sync"});
  ASSERT_EQ(synced.exit_code, 0) << synced.stderr_text;
  const nlohmann::json report = nlohmann::json::parse(synced.stdout_text)["report"];
  bool dust_roads = false;
  for (const nlohmann::json& check : report["crossChecks"]) {
    if (check.value("measureText", "").find("不超过4%") == std::string::npos) continue;
    dust_roads = true;
    EXPECT_TRUE(check.value("agrees", false)) << check.dump();
    const nlohmann::json* annex =
        FindIndicator(list, check["indicator"].get<std::string>().substr(
                                check["indicator"].get<std::string>().rfind('/') + 1));
    ASSERT_NE(annex, nullptr);
    EXPECT_EQ((*annex)["targetValue"].get<double>(), 4);
    EXPECT_EQ((*annex)["comparator"], "COMPARATOR_AT_MOST");
  }
  EXPECT_TRUE(dust_roads) << synced.stdout_text;
  CommandResult synced_table = Ctl({"indicator", "sync"});
  ASSERT_EQ(synced_table.exit_code, 0) << synced_table.stderr_text;
  EXPECT_NE(synced_table.stdout_text.find("Changed by this sync"), std::string::npos);
}

// What the district's analyst reads of the plan's targets: readable names, the
// scope thresholds left out, the stretch goals and the targets relative to the
// prior year marked, and the extraction report through `ecoplanctl indicator
// extraction`.
TEST_F(IndicatorE2eTest, TheTargetsCarryReadableNamesAndTheExtractionReportSaysWhatWasLeftOut) {
  CommandResult imported = Ctl({"plan", "import", kSeed});
  ASSERT_EQ(imported.exit_code, 0) << imported.stderr_text;
  const nlohmann::json list = WaitForIndicators();
  int measure_text = 0;
  for (const nlohmann::json& i : list["indicators"]) {
    if (i.value("origin", "") != "ORIGIN_MEASURE_TEXT") continue;
    ++measure_text;
    const std::string name = i.value("displayName", "");
    for (const char* unreadable : {"或者", "鼓励", "原则上", "在督促", "每万平方米", "按照"}) {
      EXPECT_EQ(name.find(unreadable), std::string::npos) << name;
    }
    EXPECT_EQ(name.find("VOCs年排放量"), std::string::npos) << "a scope threshold: " << name;
  }
  EXPECT_GE(measure_text, 25);

  // 鼓励低于210吨 (measure text): a stretch goal in 吨/万平方米 beside the binding 300.
  bool stretch = false;
  for (const nlohmann::json& i : list["indicators"]) {
    if (i.value("stretch", false) && i.value("unit", "") == "吨/万平方米" &&
        i.value("targetValue", 0.0) == 210) {
      stretch = true;
      EXPECT_EQ(i.value("displayName", ""), "新建建筑施工现场建筑垃圾产生量");
    }
  }
  EXPECT_TRUE(stretch) << list.dump(1);

  CommandResult report = Ctl({"indicator", "extraction"});
  ASSERT_EQ(report.exit_code, 0) << report.stderr_text;
  for (const char* expected :
       {"Measure-text indicators", "scope threshold", "1吨以上", "0.2吨/万元",
        "baseline required: indicator", "温拌沥青使用比例", "Cross-checks"}) {
    EXPECT_NE(report.stdout_text.find(expected), std::string::npos) << expected << " not in:\n"
                                                                    << report.stdout_text;
  }
  CommandResult report_json = Ctl({"--output", "json", "indicator", "extraction"});
  ASSERT_EQ(report_json.exit_code, 0) << report_json.stderr_text;
  const nlohmann::json parsed = nlohmann::json::parse(report_json.stdout_text)["report"];
  EXPECT_EQ(parsed.value("measureTextIndicatorCount", 0), measure_text);
}

// Judgements on top of the arithmetic, through the real server: a reading for
// the hour still in progress is refused; a 2017 PM2.5 target whose year holds
// 21 days of data gets no verdict once the year is over, but "insufficient
// data" with the validity rule it misses.
TEST_F(IndicatorE2eTest, JudgesOnlyWhatTheDataCanCarry) {
  namespace iv1 = ::ecoplan::indicator::v1;
  ASSERT_EQ(Ctl({"indicator", "stations", "set", "Gucheng", "--town", "永定镇"}).exit_code, 0);
  ASSERT_EQ(Ctl({"indicator", "stations", "set", "Dingling", "--town", "清水镇"}).exit_code, 0);

  // A row for the hour now in progress in Beijing (not in its last seconds, so
  // the hour does not end while the row travels).
  const absl::TimeZone beijing = absl::FixedTimeZone(8 * 3600);
  if (absl::ToCivilSecond(absl::Now(), beijing).minute() == 59) absl::SleepFor(absl::Seconds(61));
  const absl::CivilHour now = absl::ToCivilHour(absl::Now(), beijing);
  const std::string current = dir_.Sub("current_hour.csv");
  {
    std::ofstream csv(current);
    csv << "\"No\",\"year\",\"month\",\"day\",\"hour\",\"PM2.5\",\"PM10\",\"SO2\",\"NO2\",\"CO\","
           "\"O3\",\"TEMP\",\"PRES\",\"DEWP\",\"RAIN\",\"wd\",\"WSPM\",\"station\"\n"
        << absl::StrFormat("1,%d,%d,%d,%d,30,40,5,20,500,60,0,1000,0,0,\"N\",1,\"Gucheng\"\n",
                           now.year(), now.month(), now.day(), now.hour());
  }
  CommandResult refused = Ctl({"--output", "json", "indicator", "load", current});
  const nlohmann::json outcome = nlohmann::json::parse(refused.stdout_text, nullptr, false);
  ASSERT_TRUE(outcome.is_object()) << refused.stdout_text << refused.stderr_text;
  EXPECT_EQ(outcome.value("acceptedCount", "0"), "0") << outcome.dump(1);
  ASSERT_TRUE(outcome.contains("rejections")) << outcome.dump(1);
  EXPECT_NE(outcome["rejections"][0].value("reason", "").find("has not ended"), std::string::npos)
      << outcome.dump(1);

  // A 2017 target of the district's PM2.5; the data hold 2017-01-01..21.
  auto stub = iv1::IndicatorService::NewStub(
      grpc::CreateChannel(indicator_address_, grpc::InsecureChannelCredentials()));
  iv1::CreateIndicatorRequest create;
  create.set_parent("plans/2017-aq");
  create.set_indicator_id("pm25");
  create.set_reason("e2e");
  iv1::Indicator* pm25 = create.mutable_indicator();
  pm25->set_display_name("PM2.5年均浓度");
  pm25->set_unit("微克/立方米");
  pm25->set_scope_kind(iv1::SCOPE_KIND_DISTRICT);
  pm25->set_comparator(iv1::COMPARATOR_AT_MOST);
  pm25->set_target_value(35);
  *pm25->mutable_period_start() = Date(2017, 1, 1);
  *pm25->mutable_period_end() = Date(2017, 12, 31);
  pm25->set_aggregation(iv1::AGGREGATION_MEAN_OF_DAILY);
  pm25->set_source(iv1::SOURCE_KIND_AIR_QUALITY);
  pm25->set_air_quality_item(iv1::AIR_QUALITY_ITEM_PM25);
  iv1::CreateIndicatorResponse created;
  const grpc::Status status = stub->CreateIndicator(Context().get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  CommandResult loaded =
      Ctl({"--output", "json", "indicator", "load", kGucheng, kDingling, "--chunk", "2000"});
  ASSERT_EQ(loaded.exit_code, 0) << loaded.stderr_text;

  CommandResult year_end = Ctl({"--output", "json", "indicator", "evaluate", "pm25", "--plan",
                                "2017-aq", "--as-of", "2017-12-31"});
  ASSERT_EQ(year_end.exit_code, 0) << year_end.stderr_text;
  const nlohmann::json evaluation = nlohmann::json::parse(year_end.stdout_text)["evaluation"];
  EXPECT_EQ(evaluation.value("status", ""), "INDICATOR_STATUS_INSUFFICIENT_DATA")
      << evaluation.dump(1);
  const std::string reason = evaluation.value("statusReason", "");
  EXPECT_NE(reason.find("do not meet the validity rules"), std::string::npos) << reason;
  EXPECT_NE(reason.find("< 324"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("misses"), std::string::npos) << reason;
}

}  // namespace
}  // namespace ecoplan::testing
