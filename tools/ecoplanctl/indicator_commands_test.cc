// The indicator commands against a real IndicatorServiceImpl (RocksDB in a
// temp dir) served in-process on 127.0.0.1 port 0: what they send and print,
// and the PRSA CSV loader on the tests/data slice, plain and gzip.

#include "tools/ecoplanctl/indicator_commands.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/watch_events_reactor.h"
#include "common/server/run_server.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kGucheng =
    std::string(ECOPLAN_TEST_DATA_DIR) + "/PRSA_Data_Gucheng_20170101-20170121.csv";
const std::string kDingling =
    std::string(ECOPLAN_TEST_DATA_DIR) + "/PRSA_Data_Dingling_20170101-20170121.csv";
constexpr char kPlan[] = "plans/2017-test";

iv1::IngestObservationsResponse ParseIngest(const std::string& json) {
  iv1::IngestObservationsResponse response;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &response).ok()) << json;
  return response;
}

class IndicatorCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = indicator::RocksDbIndicatorStore::ColumnFamilies();
    options.event_source = indicator::RocksDbIndicatorStore::kEventSource;
    db_ = *common::RocksDb::Open(options);
    store_ = std::make_unique<indicator::RocksDbIndicatorStore>(db_.get());
    evaluator_ = std::make_unique<indicator::IndicatorEvaluator>(store_.get(), &clock_, &ingest_);
    ASSERT_OK(evaluator_->Load());
    service_ = std::make_unique<indicator::IndicatorServiceImpl>(evaluator_.get(), db_.get(), &hub_,
                                                                 &auth_, nullptr);
    common::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    server_ = *common::RunningServer::Start(so, {service_.get()});
    stub_ = iv1::IndicatorService::NewStub(server_->InProcessChannel());
    ctx_.indicator = stub_.get();
  }
  void TearDown() override {
    hub_.Shutdown();
    server_.reset();
  }

  IndicatorContext JsonCtx() const {
    IndicatorContext c = ctx_;
    c.output.format = OutputFormat::kJson;
    return c;
  }

  void SetStations() {
    std::ostringstream out;
    StationSetArgs gucheng;
    gucheng.id = "Gucheng";
    gucheng.town = "永定镇";
    gucheng.display_name = "古城";
    ASSERT_OK(StationsSet(ctx_, gucheng, out));
    StationSetArgs dingling;
    dingling.id = "Dingling";
    dingling.town = "清水镇";
    dingling.excluded_from_district = true;
    dingling.demonstration = true;
    ASSERT_OK(StationsSet(ctx_, dingling, out));
  }

  // A gzip copy of `path` in the temp dir.
  std::string Gzip(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    const std::string out_path = dir_.Sub("copy.csv.gz");
    gzFile gz = gzopen(out_path.c_str(), "wb");
    EXPECT_NE(gz, nullptr);
    const std::string data = text.str();
    EXPECT_EQ(gzwrite(gz, data.data(), static_cast<unsigned>(data.size())),
              static_cast<int>(data.size()));
    gzclose(gz);
    return out_path;
  }

  void CreatePm25Indicator() {
    iv1::CreateIndicatorRequest create;
    create.set_parent(kPlan);
    create.set_indicator_id("a4-pm25");
    iv1::Indicator* ind = create.mutable_indicator();
    ind->set_display_name("PM2.5年均浓度");
    ind->set_unit("微克/立方米");
    ind->set_scope_kind(iv1::SCOPE_KIND_DISTRICT);
    ind->set_comparator(iv1::COMPARATOR_AT_MOST);
    ind->set_target_value(35);
    ind->set_target_text("35");
    ind->set_aggregation(iv1::AGGREGATION_MEAN_OF_DAILY);
    ind->set_source(iv1::SOURCE_KIND_AIR_QUALITY);
    ind->set_air_quality_item(iv1::AIR_QUALITY_ITEM_PM25);
    ind->mutable_period_start()->set_year(2017);
    ind->mutable_period_start()->set_month(1);
    ind->mutable_period_start()->set_day(1);
    ind->mutable_period_end()->set_year(2017);
    ind->mutable_period_end()->set_month(12);
    ind->mutable_period_end()->set_day(31);
    create.set_reason("test");
    iv1::CreateIndicatorResponse created;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->CreateIndicator(&context, create, &created).ok());
  }

  common::TempDir dir_;
  common::FakeClock clock_{absl::FromCivil(absl::CivilDay(2017, 1, 22), absl::UTCTimeZone())};
  common::SerialExecutor ingest_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<indicator::RocksDbIndicatorStore> store_;
  std::unique_ptr<indicator::IndicatorEvaluator> evaluator_;
  common::WatchEventsHub hub_;
  // Development mode: every caller is the administrator "development".
  common::CallAuthenticator auth_{common::DevelopmentModeOptions(),
                                  nullptr,
                                  &indicator::IndicatorPolicy(),
                                  nullptr,
                                  nullptr,
                                  common::Logger("test")};
  std::unique_ptr<indicator::IndicatorServiceImpl> service_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<iv1::IndicatorService::Stub> stub_;
  IndicatorContext ctx_;
};

TEST_F(IndicatorCommandsTest, StationsSetAndListShowTheTownAndTheDistrictFlag) {
  SetStations();
  std::ostringstream out;
  ASSERT_OK(StationsList(ctx_, out));
  EXPECT_THAT(out.str(), HasSubstr("Gucheng"));
  EXPECT_THAT(out.str(), HasSubstr("永定镇"));
  EXPECT_THAT(out.str(), HasSubstr("古城"));
  EXPECT_THAT(out.str(), HasSubstr("2 stations"));
  std::ostringstream json;
  ASSERT_OK(StationsList(JsonCtx(), json));
  EXPECT_THAT(json.str(), HasSubstr("\"town\":\"清水镇\""));
}

TEST_F(IndicatorCommandsTest, LoadsPlainAndGzipFilesAndALoadAgainChangesNothing) {
  SetStations();
  LoadArgs args;
  args.files = {kGucheng, Gzip(kDingling)};
  args.chunk = 1000;
  std::ostringstream first_json;
  ASSERT_OK(IndicatorLoad(JsonCtx(), args, first_json));
  const iv1::IngestObservationsResponse first = ParseIngest(first_json.str());
  EXPECT_GT(first.accepted_count(), 5000);
  EXPECT_EQ(first.rejected_count(), 0);
  EXPECT_EQ(first.replaced_count(), 0);
  EXPECT_GT(first.batch_count(), 5);  // chunks of 1000

  std::ostringstream again;
  ASSERT_OK(IndicatorLoad(ctx_, args, again));
  EXPECT_THAT(again.str(),
              ContainsRegex(absl::StrCat("Unchanged: +", first.accepted_count(), "\n")))
      << again.str();
  EXPECT_THAT(again.str(), ContainsRegex("Accepted: +0\n"));
  EXPECT_THAT(again.str(), ContainsRegex("Replaced: +0\n"));
  EXPECT_THAT(again.str(), HasSubstr("copy.csv.gz"));
  EXPECT_THAT(again.str(), HasSubstr("504"));  // rows per file

  // A heavy-pollution January day of 2017, judged by the 2012 standard.
  std::ostringstream daily;
  DailyArgs day;
  day.day = "2017-01-02";
  day.area = "stations/Gucheng";
  ASSERT_OK(IndicatorDaily(ctx_, day, daily));
  EXPECT_THAT(daily.str(), HasSubstr("HJ 633-2012"));
  EXPECT_THAT(daily.str(), HasSubstr("1 days of stations/Gucheng"));
}

TEST_F(IndicatorCommandsTest, LoadRefusesAStationThatIsNotConfiguredAndSaysHowToFixIt) {
  LoadArgs args;
  args.files = {kGucheng};
  std::ostringstream out;
  const absl::Status status = IndicatorLoad(ctx_, args, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("stations set Gucheng"));

  args.files = {dir_.Sub("missing.csv")};
  EXPECT_EQ(IndicatorLoad(ctx_, args, out).code(), absl::StatusCode::kNotFound);

  std::ofstream(dir_.Sub("bad.csv")) << "a,b,c\n1,2,3\n";
  args.files = {dir_.Sub("bad.csv")};
  const absl::Status bad = IndicatorLoad(ctx_, args, out);
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.message()), HasSubstr("not a PRSA CSV"));
}

TEST_F(IndicatorCommandsTest, ListShowEvaluateAndPlanPrintTargetsStatusAndProjection) {
  SetStations();
  CreatePm25Indicator();
  LoadArgs args;
  args.files = {kGucheng, kDingling};
  std::ostringstream ignored;
  ASSERT_OK(IndicatorLoad(ctx_, args, ignored));

  std::ostringstream list;
  ASSERT_OK(IndicatorList(ctx_, kPlan, "", false, list));
  EXPECT_THAT(list.str(), HasSubstr("a4-pm25"));
  EXPECT_THAT(list.str(), HasSubstr("≤ 35 微克/立方米"));
  EXPECT_THAT(list.str(), HasSubstr("1 indicators"));
  std::ostringstream none;
  ASSERT_OK(IndicatorList(ctx_, kPlan, "annex5", false, none));
  EXPECT_THAT(none.str(), HasSubstr("0 indicators"));
  EXPECT_TRUE(IsUsageError(IndicatorList(ctx_, kPlan, "annex9", false, none)));

  std::ostringstream show;
  ASSERT_OK(IndicatorShow(ctx_, "2017-test", "a4-pm25", show));
  EXPECT_THAT(show.str(), HasSubstr("plans/2017-test/indicators/a4-pm25"));
  EXPECT_THAT(show.str(), HasSubstr("2017-01-01..2017-12-31"));

  std::ostringstream evaluated;
  ASSERT_OK(IndicatorEvaluate(ctx_, kPlan, "a4-pm25", "2017-01-21", evaluated));
  EXPECT_THAT(evaluated.str(), HasSubstr("As of"));
  EXPECT_THAT(evaluated.str(), HasSubstr("2017-01-21"));
  EXPECT_THAT(evaluated.str(), HasSubstr("HJ 633-2012"));  // standards used
  EXPECT_THAT(evaluated.str(), Not(HasSubstr("Status           -")));
  std::ostringstream evaluated_json;
  ASSERT_OK(IndicatorEvaluate(JsonCtx(), kPlan, "a4-pm25", "2017-01-21", evaluated_json));
  EXPECT_THAT(evaluated_json.str(), HasSubstr("\"currentValue\""));

  std::ostringstream plan;
  ASSERT_OK(IndicatorPlan(ctx_, kPlan, "2017-01-21", plan));
  EXPECT_THAT(plan.str(), HasSubstr("plans/2017-test as of 2017-01-21"));
  EXPECT_THAT(plan.str(), HasSubstr("a4-pm25"));
  EXPECT_THAT(plan.str(), HasSubstr("1 indicators"));

  // Recording: the first run records a4-pm25's status, the second nothing.
  std::ostringstream recorded;
  ASSERT_OK(IndicatorRecord(ctx_, kPlan, "2017-01-21", recorded));
  EXPECT_THAT(recorded.str(), HasSubstr("1 status changes recorded"));
  EXPECT_THAT(recorded.str(), HasSubstr("a4-pm25"));
  std::ostringstream again;
  ASSERT_OK(IndicatorRecord(ctx_, kPlan, "2017-01-21", again));
  EXPECT_THAT(again.str(), HasSubstr("0 status changes recorded"));

  EXPECT_TRUE(IsUsageError(IndicatorEvaluate(ctx_, kPlan, "a4-pm25", "21.1.2017", evaluated)));
  EXPECT_EQ(IndicatorShow(ctx_, kPlan, "nope", show).code(), absl::StatusCode::kNotFound);
  // No --plan and no registry to ask for the newest plan.
  EXPECT_TRUE(IsUsageError(IndicatorShow(ctx_, "", "a4-pm25", show)));
}

TEST_F(IndicatorCommandsTest, TheCommandLineReachesTheServerNamedByIndicator) {
  Cli cli("ecoplanctl", "127.0.0.1:1");
  for (auto& group : IndicatorCommandGroups()) cli.AddGroup(std::move(group));
  const std::string address = absl::StrCat("127.0.0.1:", server_->port());
  std::ostringstream out, err;
  EXPECT_EQ(cli.Run({"--indicator", address, "indicator", "stations", "set", "Gucheng", "--town",
                     "永定镇"},
                    out, err),
            0)
      << err.str();
  EXPECT_EQ(cli.Run({"indicator", "stations", "list", "--indicator=" + address, "--output", "json"},
                    out, err),
            0)
      << err.str();
  EXPECT_THAT(out.str(), HasSubstr("\"stations/Gucheng\""));
  std::ostringstream usage_out, usage_err;
  EXPECT_EQ(cli.Run({"--indicator", address, "indicator", "load", kGucheng, "--chunk", "0"},
                    usage_out, usage_err),
            2);
  EXPECT_EQ(
      cli.Run({"--indicator", address, "indicator", "stations", "frob"}, usage_out, usage_err), 2);
}

// exceptional-event create, list, withdraw: what they send and print.
TEST_F(IndicatorCommandsTest, ExceptionalEventCreateListWithdraw) {
  SetStations();
  ExceptionalEventArgs args;
  args.kind = "sand-dust";
  args.pollutants = {"PM10", "PM2.5"};
  args.stations = {"Gucheng"};
  args.from = "2017-01-10";
  args.to = "2017-01-11";
  args.reason = "沙尘天气过程";
  args.basis_number = "京环发〔2017〕3号";
  args.request_id = "ctl-sand-1";
  std::ostringstream created;
  ASSERT_OK(ExceptionalEventCreate(ctx_, args, created));
  EXPECT_THAT(created.str(), HasSubstr("exceptionalEvents/ev-1"));
  EXPECT_THAT(created.str(), HasSubstr("2017-01-10 .. 2017-01-11"));
  EXPECT_THAT(created.str(), HasSubstr("PM10,PM2.5"));
  EXPECT_THAT(created.str(), HasSubstr("京环发〔2017〕3号"));
  // The same request id again: the same event, not a second one.
  std::ostringstream again;
  ASSERT_OK(ExceptionalEventCreate(ctx_, args, again));
  EXPECT_THAT(again.str(), HasSubstr("exceptionalEvents/ev-1"));
  ExceptionalEventArgs bad = args;
  bad.pollutants = {"dust"};
  std::ostringstream ignored;
  EXPECT_THAT(std::string(ExceptionalEventCreate(ctx_, bad, ignored).message()),
              HasSubstr("--pollutants"));

  std::ostringstream listed;
  ASSERT_OK(ExceptionalEventList(ctx_, false, listed));
  EXPECT_THAT(listed.str(),
              ContainsRegex("ev-1 +沙尘 +2017-01-10 .. 2017-01-11 +PM10,PM2.5 +Gucheng "
                            "+active"));
  EXPECT_THAT(listed.str(), HasSubstr("1 exceptional events"));

  std::ostringstream withdrawn;
  ASSERT_OK(ExceptionalEventWithdraw(ctx_, "ev-1", "经复核不属沙尘", "ctl-withdraw-1", withdrawn));
  EXPECT_THAT(withdrawn.str(), HasSubstr("withdrawn"));
  EXPECT_THAT(withdrawn.str(), HasSubstr("经复核不属沙尘"));
  std::ostringstream active;
  ASSERT_OK(ExceptionalEventList(ctx_, true, active));
  EXPECT_THAT(active.str(), HasSubstr("0 exceptional events"));
}

}  // namespace
}  // namespace ecoplan::ctl

namespace ecoplan::ctl {
namespace {

TEST_F(IndicatorCommandsTest, LoadAuditedReplacesTheProvisionalReadingsAndIsNeverReplaced) {
  SetStations();
  LoadArgs args;
  args.files = {kGucheng};
  std::ostringstream first_json;
  ASSERT_OK(IndicatorLoad(JsonCtx(), args, first_json));
  const iv1::IngestObservationsResponse first = ParseIngest(first_json.str());
  ASSERT_GT(first.accepted_count(), 0);

  args.audited = true;
  std::ostringstream audited;
  ASSERT_OK(IndicatorLoad(ctx_, args, audited));
  EXPECT_THAT(audited.str(),
              ContainsRegex(absl::StrCat("Replaced: +", first.accepted_count(), "\n")))
      << audited.str();
  EXPECT_THAT(audited.str(), ContainsRegex(absl::StrCat("Audited over provisional: +",
                                                        first.accepted_count(), "\n")));

  args.audited = false;
  std::ostringstream again_json;
  ASSERT_OK(IndicatorLoad(JsonCtx(), args, again_json));
  const iv1::IngestObservationsResponse again = ParseIngest(again_json.str());
  EXPECT_EQ(again.kept_audited_count(), first.accepted_count());
  EXPECT_EQ(again.replaced_count(), 0);
  EXPECT_EQ(again.rejected_count(), 0);
}

}  // namespace
}  // namespace ecoplan::ctl
