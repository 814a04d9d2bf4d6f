// `ecoplanctl indicator chart` against a real IndicatorServiceImpl and
// DocumentServiceImpl (RocksDB in a temp dir) served in-process: the file
// written in the format of its extension, what is printed, and the usage
// errors caught before any call.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

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
#include "gmock/gmock.h"
#include "services/indicator/document_service_impl.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"
#include "tools/ecoplanctl/indicator_commands.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
using ::testing::HasSubstr;

const std::string kGucheng =
    std::string(ECOPLAN_TEST_DATA_DIR) + "/PRSA_Data_Gucheng_20170101-20170121.csv";
constexpr char kPlan[] = "plans/2017-test";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class IndicatorChartCommandTest : public ::testing::Test {
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
    documents_ = std::make_unique<indicator::DocumentServiceImpl>(evaluator_.get(), &document_auth_,
                                                                  nullptr, &clock_);
    common::ServerOptions so;
    so.host = "127.0.0.1";
    so.port = 0;
    server_ = *common::RunningServer::Start(so, {service_.get(), documents_.get()});
    stub_ = iv1::IndicatorService::NewStub(server_->InProcessChannel());
    document_stub_ = iv1::DocumentService::NewStub(server_->InProcessChannel());
    ctx_.indicator = stub_.get();
    ctx_.document = document_stub_.get();
    ctx_.call.sleep = [](absl::Duration) {};  // retries of UNAVAILABLE without waiting

    // The district's PM2.5 of 2017 and the tests' slice of it (2017-01-01..21).
    iv1::CreateIndicatorRequest create;
    create.set_parent(kPlan);
    create.set_indicator_id("a4-pm25");
    iv1::Indicator* ind = create.mutable_indicator();
    ind->set_display_name("PM2.5年均浓度");
    ind->set_unit("微克/立方米");
    ind->set_scope_kind(iv1::SCOPE_KIND_DISTRICT);
    ind->set_comparator(iv1::COMPARATOR_AT_MOST);
    ind->set_target_value(35);
    ind->set_aggregation(iv1::AGGREGATION_MEAN_OF_DAILY);
    ind->set_source(iv1::SOURCE_KIND_AIR_QUALITY);
    ind->set_air_quality_item(iv1::AIR_QUALITY_ITEM_PM25);
    *ind->mutable_period_start() = Date(2017, 1, 1);
    *ind->mutable_period_end() = Date(2017, 12, 31);
    create.set_reason("test");
    iv1::CreateIndicatorResponse created;
    grpc::ClientContext context;
    ASSERT_TRUE(stub_->CreateIndicator(&context, create, &created).ok());
    std::ostringstream out;
    StationSetArgs gucheng;
    gucheng.id = "Gucheng";
    gucheng.town = "永定镇";
    ASSERT_OK(StationsSet(ctx_, gucheng, out));
    LoadArgs load;
    load.files = {kGucheng};
    ASSERT_OK(IndicatorLoad(ctx_, load, out));
  }
  void TearDown() override {
    hub_.Shutdown();
    server_.reset();
  }

  static ecoplan::common::v1::Date Date(int y, int m, int d) {
    ecoplan::common::v1::Date date;
    date.set_year(y);
    date.set_month(m);
    date.set_day(d);
    return date;
  }

  ChartArgs Args(const std::string& what, const std::string& file) {
    ChartArgs args;
    args.what = what;
    args.plan = kPlan;
    args.file = dir_.Sub(file);
    args.as_of = "2017-01-21";
    return args;
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
  common::CallAuthenticator document_auth_{common::DevelopmentModeOptions(),
                                           nullptr,
                                           &indicator::DocumentPolicy(),
                                           nullptr,
                                           nullptr,
                                           common::Logger("test")};
  std::unique_ptr<indicator::IndicatorServiceImpl> service_;
  std::unique_ptr<indicator::DocumentServiceImpl> documents_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<iv1::IndicatorService::Stub> stub_;
  std::unique_ptr<iv1::DocumentService::Stub> document_stub_;
  IndicatorContext ctx_;
};

TEST_F(IndicatorChartCommandTest, WritesTheTrajectoryAsSvgOrPngByTheExtension) {
  std::ostringstream out;
  ChartArgs svg = Args("a4-pm25", "pm25.svg");
  ASSERT_OK(IndicatorChart(ctx_, svg, out));
  const std::string text = ReadFile(svg.file);
  EXPECT_NE(text.find("<svg"), std::string::npos);
  EXPECT_NE(text.find("width=\"960\""), std::string::npos);
  EXPECT_THAT(out.str(), HasSubstr("pm25.svg: PM2.5年均浓度 (image/svg+xml"));
  // The value to date on the 21st (one point: no month has ended), the target.
  EXPECT_THAT(out.str(), HasSubstr("累计值: 1 point, last 2017-01-21 "));
  EXPECT_THAT(out.str(), HasSubstr("目标 ≤ 35: 2 points, last 2017-12-31 35"));

  ChartArgs png = Args("a4-pm25", "pm25.PNG");
  png.width = "480";
  png.height = "300";
  std::ostringstream png_out;
  ASSERT_OK(IndicatorChart(ctx_, png, png_out));
  const std::string bytes = ReadFile(png.file);
  ASSERT_GT(bytes.size(), 24u);
  EXPECT_EQ(bytes.substr(1, 3), "PNG");
  EXPECT_EQ(static_cast<uint8_t>(bytes[18]) * 256 + static_cast<uint8_t>(bytes[19]), 480);
  EXPECT_EQ(static_cast<uint8_t>(bytes[22]) * 256 + static_cast<uint8_t>(bytes[23]), 300);
  EXPECT_THAT(png_out.str(), HasSubstr("image/png"));
  EXPECT_THAT(png_out.str(), HasSubstr("480×300"));

  // The town ranking by its kind name.
  std::ostringstream towns_out;
  ASSERT_OK(IndicatorChart(ctx_, Args("towns", "towns.svg"), towns_out));
  EXPECT_THAT(towns_out.str(), HasSubstr("各镇街 PM2.5 累计浓度与目标"));
}

TEST_F(IndicatorChartCommandTest, UsageErrorsBeforeAnyCallAndTheServersRefusalWithItsCode) {
  std::ostringstream out;
  auto usage = [&](ChartArgs args) { return IsUsageError(IndicatorChart(ctx_, args, out)); };
  EXPECT_TRUE(usage(Args("a4-pm25", "pm25.pdf")));
  ChartArgs no_file = Args("a4-pm25", "x.svg");
  no_file.file.clear();
  EXPECT_TRUE(usage(no_file));
  ChartArgs width_only = Args("a4-pm25", "x.svg");
  width_only.width = "800";
  EXPECT_TRUE(usage(width_only));
  ChartArgs too_small = Args("a4-pm25", "x.svg");
  too_small.width = "100";
  too_small.height = "100";
  EXPECT_TRUE(usage(too_small));
  ChartArgs bad_day = Args("a4-pm25", "x.svg");
  bad_day.as_of = "21.1.2017";
  EXPECT_TRUE(usage(bad_day));
  EXPECT_TRUE(usage(Args("plans/x/indicators/a4-pm25", "x.svg")));
  ChartArgs period = Args("a4-pm25", "x.svg");
  period.period = "2017-01";
  EXPECT_TRUE(usage(period));
  EXPECT_FALSE(std::ifstream(dir_.Sub("x.svg")).good());  // nothing written

  const absl::Status unknown = IndicatorChart(ctx_, Args("a4-nothing", "n.svg"), out);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound) << unknown;
  // Timeliness needs the progress service, not configured here (retried, then UNAVAILABLE).
  const absl::Status timeliness = IndicatorChart(ctx_, Args("timeliness", "t.svg"), out);
  EXPECT_EQ(timeliness.code(), absl::StatusCode::kUnavailable) << timeliness;
}

}  // namespace
}  // namespace ecoplan::ctl
