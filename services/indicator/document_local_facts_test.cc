// LocalIndicatorAnswers answers as the indicator server's handlers do: its
// EvaluatePlan and district days are the same messages IndicatorService's
// EvaluatePlan and GetDailyAirQuality return for the same day (a service's
// view, nothing narrowed), and "today" is Beijing's.

#include "services/indicator/document_local_facts.h"

#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/mapping/proto_values.h"
#include "common/server/run_server.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;
using ::google::protobuf::util::MessageDifferencer;

// The PM2.5 readings of one PRSA CSV of tests/data/beijing-aq.
std::vector<v1::StationReading> ReadPm25(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<v1::StationReading> out;
  while (std::getline(in, line)) {
    std::vector<std::string> c = absl::StrSplit(absl::StripTrailingAsciiWhitespace(line), ',');
    int y, m, d, h;
    double v;
    if (c.size() < 18 || !absl::SimpleAtoi(c[1], &y) || !absl::SimpleAtoi(c[2], &m) ||
        !absl::SimpleAtoi(c[3], &d) || !absl::SimpleAtoi(c[4], &h) || !absl::SimpleAtod(c[5], &v)) {
      continue;
    }
    v1::StationReading r;
    r.set_station(std::string(absl::StripSuffix(absl::StripPrefix(c[17], "\""), "\"")));
    r.set_hour(absl::FormatCivilTime(absl::CivilHour(y, m, d, h)));
    r.set_pollutant(v1::POLLUTANT_PM25);
    r.set_value(v);
    out.push_back(r);
  }
  return out;
}

class LocalIndicatorAnswersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbIndicatorStore::ColumnFamilies();
    options.event_source = RocksDbIndicatorStore::kEventSource;
    db_ = *common::RocksDb::Open(options);
    store_ = std::make_unique<RocksDbIndicatorStore>(db_.get());
    evaluator_ = std::make_unique<IndicatorEvaluator>(store_.get(), &clock_, &ingest_);
    ASSERT_OK(evaluator_->Load());
    service_ =
        std::make_unique<IndicatorServiceImpl>(evaluator_.get(), db_.get(), &hub_, &auth_, nullptr);
    common::ServerOptions so;
    so.host = "127.0.0.1";
    server_ = *common::RunningServer::Start(so, {service_.get()});
    stub_ = v1::IndicatorService::NewStub(server_->InProcessChannel());
  }
  void TearDown() override {
    hub_.Shutdown();
    server_.reset();
  }
  std::unique_ptr<grpc::ClientContext> Ctx() {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    return c;
  }

  common::TempDir dir_;
  // 2026-05-20 20:00 UTC: already 2026-05-21 in Beijing.
  common::FakeClock clock_{
      absl::FromCivil(absl::CivilSecond(2026, 5, 20, 20, 0, 0), absl::UTCTimeZone())};
  common::SerialExecutor ingest_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbIndicatorStore> store_;
  std::unique_ptr<IndicatorEvaluator> evaluator_;
  common::WatchEventsHub hub_;
  common::CallAuthenticator auth_{common::DevelopmentModeOptions(),
                                  nullptr,
                                  &IndicatorPolicy(),
                                  nullptr,
                                  nullptr,
                                  common::Logger("test")};
  std::unique_ptr<IndicatorServiceImpl> service_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<v1::IndicatorService::Stub> stub_;
};

TEST_F(LocalIndicatorAnswersTest, AnswersAsTheHandlersDo) {
  v1::CreateIndicatorRequest create;
  create.set_parent("plans/p");
  create.set_indicator_id("m-share");
  v1::Indicator* ind = create.mutable_indicator();
  ind->set_display_name("新能源车比例");
  ind->set_unit("%");
  ind->set_comparator(v1::COMPARATOR_AT_LEAST);
  ind->set_target_value(50);
  ind->set_aggregation(v1::AGGREGATION_LATEST_VALUE);
  ind->set_source(v1::SOURCE_KIND_REPORTED);
  *ind->mutable_period_start() = common::DateToProto(absl::CivilDay(2026, 1, 1));
  *ind->mutable_period_end() = common::DateToProto(absl::CivilDay(2026, 12, 31));
  create.set_reason("test");
  v1::CreateIndicatorResponse created;
  ASSERT_TRUE(stub_->CreateIndicator(Ctx().get(), create, &created).ok());

  const LocalIndicatorAnswers answers(evaluator_.get(), nullptr, &clock_);
  EXPECT_EQ(answers.Today(), absl::CivilDay(2026, 5, 21));

  v1::EvaluatePlanRequest req;
  req.set_plan("plans/p");
  *req.mutable_as_of() = common::DateToProto(absl::CivilDay(2026, 4, 30));
  v1::EvaluatePlanResponse handler;
  ASSERT_TRUE(stub_->EvaluatePlan(Ctx().get(), req, &handler).ok());
  absl::StatusOr<v1::EvaluatePlanResponse> local =
      answers.EvaluatePlan("p", absl::CivilDay(2026, 4, 30));
  ASSERT_OK(local.status());
  ASSERT_EQ(local->evaluations_size(), 1);
  EXPECT_EQ(local->evaluations(0).indicator().name(), "plans/p/indicators/m-share");
  EXPECT_TRUE(MessageDifferencer::Equals(*local, handler)) << local->ShortDebugString() << "\n"
                                                           << handler.ShortDebugString();
  EXPECT_EQ(answers.EvaluatePlan("nope", absl::CivilDay(2026, 4, 30)).status().code(),
            absl::StatusCode::kNotFound);

  // The trajectory: EvaluateIndicator's answers as of each month end, then the day.
  absl::StatusOr<std::vector<v1::Evaluation>> trajectory =
      answers.Trajectory("p", "m-share", absl::CivilDay(2026, 4, 15));
  ASSERT_OK(trajectory.status());
  const std::vector<absl::CivilDay> month_ends = {
      absl::CivilDay(2026, 1, 31), absl::CivilDay(2026, 2, 28), absl::CivilDay(2026, 3, 31),
      absl::CivilDay(2026, 4, 15)};
  ASSERT_EQ(trajectory->size(), month_ends.size());
  for (size_t i = 0; i < month_ends.size(); ++i) {
    v1::EvaluateIndicatorRequest one;
    one.set_name("plans/p/indicators/m-share");
    *one.mutable_as_of() = common::DateToProto(month_ends[i]);
    v1::EvaluateIndicatorResponse answered;
    ASSERT_TRUE(stub_->EvaluateIndicator(Ctx().get(), one, &answered).ok());
    EXPECT_TRUE(MessageDifferencer::Equals((*trajectory)[i], answered.evaluation()))
        << i << ": " << (*trajectory)[i].ShortDebugString();
  }
  EXPECT_EQ(answers.Trajectory("p", "nope", absl::CivilDay(2026, 4, 15)).status().code(),
            absl::StatusCode::kNotFound);

  // A district station with the January 2017 slice.
  v1::UpsertStationRequest station;
  station.mutable_station()->set_name("stations/Gucheng");
  station.mutable_station()->set_town("永定镇");
  station.mutable_station()->set_counts_for_district(true);
  v1::UpsertStationResponse upserted;
  ASSERT_TRUE(stub_->UpsertStation(Ctx().get(), station, &upserted).ok());
  {
    auto ctx = Ctx();
    v1::IngestObservationsResponse ingested;
    auto writer = stub_->IngestObservations(ctx.get(), &ingested);
    v1::IngestObservationsRequest chunk;
    for (const v1::StationReading& r : ReadPm25(std::string(ECOPLAN_TEST_DATA_DIR) +
                                                "/PRSA_Data_Gucheng_20170101-20170121.csv")) {
      *chunk.add_readings() = r;
    }
    ASSERT_GT(chunk.readings_size(), 400);
    ASSERT_TRUE(writer->Write(chunk));
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
  }
  v1::GetDailyAirQualityRequest days;
  days.set_area("district");
  *days.mutable_from() = common::DateToProto(absl::CivilDay(2017, 1, 1));
  *days.mutable_to() = common::DateToProto(absl::CivilDay(2017, 1, 21));
  v1::GetDailyAirQualityResponse handler_days;
  grpc::Status handler_status = stub_->GetDailyAirQuality(Ctx().get(), days, &handler_days);
  ASSERT_TRUE(handler_status.ok()) << handler_status.error_message();
  auto local_days = answers.DistrictDays(absl::CivilDay(2017, 1, 1), absl::CivilDay(2017, 1, 21));
  ASSERT_OK(local_days.status());
  ASSERT_EQ(static_cast<int>(local_days->size()), handler_days.days_size());
  ASSERT_GE(handler_days.days_size(), 20);
  for (int i = 0; i < handler_days.days_size(); ++i) {
    EXPECT_TRUE(MessageDifferencer::Equals((*local_days)[i], handler_days.days(i)))
        << handler_days.days(i).ShortDebugString();
  }

  // Without assessments: no closed month.
  auto closed = answers.ClosedMonths("p");
  ASSERT_OK(closed.status());
  EXPECT_TRUE(closed->empty());
}

}  // namespace
}  // namespace ecoplan::indicator
