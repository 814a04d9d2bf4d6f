// DocumentService.RenderChart in-process: the tests' air-quality slice
// (tests/data/beijing-aq, January 2017 replayed as January 2026) under the
// 2026 targets, the charts' series equal to what EvaluateIndicator,
// EvaluatePlan and GetSubmissionStatus answer, the images what they say they
// are, and every refusal with its code and field.

#include "services/indicator/document_service_impl.h"

#include <grpcpp/grpcpp.h>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
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
namespace pv1 = ::ecoplan::progress::v1;

// Readings of one PRSA CSV of tests/data/beijing-aq, its year replaced by `year`.
std::vector<v1::StationReading> ReadCsv(const std::string& path, int year) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  std::vector<v1::StationReading> out;
  const v1::Pollutant cols[] = {v1::POLLUTANT_PM25, v1::POLLUTANT_PM10, v1::POLLUTANT_SO2,
                                v1::POLLUTANT_NO2,  v1::POLLUTANT_CO,   v1::POLLUTANT_O3};
  while (std::getline(in, line)) {
    std::vector<std::string> c = absl::StrSplit(absl::StripTrailingAsciiWhitespace(line), ',');
    if (c.size() < 18) continue;
    const std::string station(absl::StripSuffix(absl::StripPrefix(c[17], "\""), "\""));
    int m, d, h;
    if (!absl::SimpleAtoi(c[2], &m) || !absl::SimpleAtoi(c[3], &d) || !absl::SimpleAtoi(c[4], &h)) {
      continue;
    }
    const std::string hour = absl::FormatCivilTime(absl::CivilHour(year, m, d, h));
    for (int k = 0; k < 6; ++k) {
      double v;
      if (!absl::SimpleAtod(c[5 + k], &v)) continue;  // NA
      v1::StationReading r;
      r.set_station(station);
      r.set_hour(hour);
      r.set_pollutant(cols[k]);
      r.set_value(v);
      if (cols[k] == v1::POLLUTANT_CO) r.set_unit(v1::CONCENTRATION_UNIT_UG_M3);
      out.push_back(r);
    }
  }
  return out;
}

// Annex 5 of the seed plan: each town (镇, 街道) with its 2026 PM2.5 target,
// in the order of the table ("潭柘寺镇 27 同比改善 …").
std::vector<std::pair<std::string, double>> SeedTownTargets() {
  std::ifstream in(ECOPLAN_SEED_PATH);
  std::string line;
  bool annex5 = false;
  std::vector<std::string> words;
  while (std::getline(in, line)) {
    const std::string word(absl::StripAsciiWhitespace(line));
    if (word == "附件5") annex5 = true;
    if (annex5 && !word.empty()) words.push_back(word);
  }
  std::vector<std::pair<std::string, double>> out;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    double target = 0;
    if ((absl::EndsWith(words[i], "镇") || absl::EndsWith(words[i], "街道")) &&
        absl::SimpleAtod(words[i + 1], &target)) {
      out.push_back({words[i], target});
    }
  }
  return out;
}

ecoplan::common::v1::Date Date(int y, int m, int d) {
  ecoplan::common::v1::Date date;
  date.set_year(y);
  date.set_month(m);
  date.set_day(d);
  return date;
}

// GetSubmissionStatus answered from `answer`, the request kept.
class FakeProgress final : public pv1::ProgressService::Service {
 public:
  grpc::Status GetSubmissionStatus(grpc::ServerContext*, const pv1::GetSubmissionStatusRequest* req,
                                   pv1::GetSubmissionStatusResponse* resp) override {
    last_request = *req;
    if (!status.ok()) return status;
    *resp = answer;
    resp->set_period(req->period());
    return grpc::Status::OK;
  }
  pv1::GetSubmissionStatusResponse answer;
  pv1::GetSubmissionStatusRequest last_request;
  grpc::Status status = grpc::Status::OK;
};

class DocumentServiceImplTest : public ::testing::Test {
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
    common::TokenVerifierOptions verifier_options;
    verifier_options.key = kSecret;
    verifier_options.issuer = "ecoplan-local";
    verifier_options.audience = "ecoplan";
    verifier_ = *common::TokenVerifier::Create(verifier_options, &clock_);
    document_auth_ = std::make_unique<common::CallAuthenticator>(
        common::CallAuthenticatorOptions{}, verifier_.get(), &DocumentPolicy(), nullptr, nullptr,
        common::Logger("test"));
    indicators_ = std::make_unique<IndicatorServiceImpl>(evaluator_.get(), db_.get(), &hub_,
                                                         &dev_auth_, nullptr);
    common::ServerOptions so;
    so.host = "127.0.0.1";
    progress_server_ = *common::RunningServer::Start(so, {&progress_});
    progress_stub_ = pv1::ProgressService::NewStub(progress_server_->InProcessChannel());
    documents_ = std::make_unique<DocumentServiceImpl>(evaluator_.get(), document_auth_.get(),
                                                       progress_stub_.get(), &clock_);
    server_ = *common::RunningServer::Start(so, {indicators_.get(), documents_.get()});
    stub_ = v1::IndicatorService::NewStub(server_->InProcessChannel());
    documents_stub_ = v1::DocumentService::NewStub(server_->InProcessChannel());
  }
  void TearDown() override {
    hub_.Shutdown();
    server_.reset();
    progress_server_.reset();
  }

  std::string Token(common::Role role) {
    common::TokenClaims claims;
    claims.subject = "someone";
    claims.organization_id = "o-1";
    claims.role = role;
    claims.issuer = "ecoplan-local";
    claims.audience = "ecoplan";
    claims.issued_at = clock_.Now();
    claims.expires_at = clock_.Now() + absl::Hours(1);
    return *common::MintToken(common::TokenAlgorithm::kHs256, kSecret, claims);
  }

  std::unique_ptr<grpc::ClientContext> Ctx(common::Role role = common::Role::kAdministrator) {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    c->AddMetadata("authorization", "Bearer " + Token(role));
    return c;
  }

  void Create(const std::string& id, const std::string& name, v1::ScopeKind scope,
              const std::string& town, v1::Comparator comparator, double target,
              v1::Aggregation aggregation, v1::SourceKind source, v1::AirQualityItem item,
              const std::string& unit) {
    v1::CreateIndicatorRequest create;
    create.set_parent("plans/p");
    create.set_indicator_id(id);
    v1::Indicator* ind = create.mutable_indicator();
    ind->set_display_name(name);
    ind->set_unit(unit);
    ind->set_scope_kind(scope);
    ind->set_scope_name(town);
    ind->set_comparator(comparator);
    ind->set_target_value(target);
    ind->set_aggregation(aggregation);
    ind->set_source(source);
    ind->set_air_quality_item(item);
    *ind->mutable_period_start() = Date(2026, 1, 1);
    *ind->mutable_period_end() = Date(2026, 12, 31);
    create.set_reason("test");
    v1::CreateIndicatorResponse created;
    grpc::ClientContext ctx;
    const grpc::Status s = stub_->CreateIndicator(&ctx, create, &created);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  // The seed plan's air-quality targets (annex 4: 门头沟区 27 µg/m³, 78 %;
  // annex 5: each town's PM2.5, read from the seed file), a reported
  // indicator, two demonstration stations and the slice replayed as
  // 2026-01-01..21.
  void LoadPlanAndSlice() {
    Create("a4-pm25", "PM2.5年均浓度", v1::SCOPE_KIND_DISTRICT, "", v1::COMPARATOR_AT_MOST, 27,
           v1::AGGREGATION_MEAN_OF_DAILY, v1::SOURCE_KIND_AIR_QUALITY, v1::AIR_QUALITY_ITEM_PM25,
           "微克/立方米");
    Create("a4-good-days", "优良天数比率", v1::SCOPE_KIND_DISTRICT, "", v1::COMPARATOR_AT_LEAST, 78,
           v1::AGGREGATION_RATIO_OF_QUALIFYING_DAYS, v1::SOURCE_KIND_AIR_QUALITY,
           v1::AIR_QUALITY_ITEM_AQI, "%");
    const std::vector<std::pair<std::string, double>> towns = SeedTownTargets();
    ASSERT_EQ(towns.size(), 13u);
    for (const auto& [town, target] : towns) {
      Create("a5-" + town + "-pm25", "PM2.5年均浓度", v1::SCOPE_KIND_TOWN, town,
             v1::COMPARATOR_AT_MOST, target, v1::AGGREGATION_MEAN_OF_DAILY,
             v1::SOURCE_KIND_AIR_QUALITY, v1::AIR_QUALITY_ITEM_PM25, "微克/立方米");
    }
    Create("m-share", "新能源车比例", v1::SCOPE_KIND_DISTRICT, "", v1::COMPARATOR_AT_LEAST, 50,
           v1::AGGREGATION_LATEST_VALUE, v1::SOURCE_KIND_REPORTED, v1::AIR_QUALITY_ITEM_UNSPECIFIED,
           "%");
    for (auto [id, town, district] :
         {std::tuple{"Gucheng", "永定镇", true}, std::tuple{"Dingling", "清水镇", false}}) {
      v1::UpsertStationRequest req;
      req.mutable_station()->set_name(std::string("stations/") + id);
      req.mutable_station()->set_town(town);
      req.mutable_station()->set_counts_for_district(district);
      v1::UpsertStationResponse resp;
      grpc::ClientContext ctx;
      ASSERT_TRUE(stub_->UpsertStation(&ctx, req, &resp).ok());
    }
    for (const char* file : {"/PRSA_Data_Gucheng_20170101-20170121.csv",
                             "/PRSA_Data_Dingling_20170101-20170121.csv"}) {
      const std::vector<v1::StationReading> rows =
          ReadCsv(std::string(ECOPLAN_TEST_DATA_DIR) + file, 2026);
      ASSERT_GT(rows.size(), 2000u);
      grpc::ClientContext ctx;
      v1::IngestObservationsResponse resp;
      auto writer = stub_->IngestObservations(&ctx, &resp);
      for (size_t i = 0; i < rows.size(); i += 2000) {
        v1::IngestObservationsRequest req;
        for (size_t j = i; j < std::min(rows.size(), i + 2000); ++j) *req.add_readings() = rows[j];
        ASSERT_TRUE(writer->Write(req));
      }
      writer->WritesDone();
      ASSERT_TRUE(writer->Finish().ok());
    }
  }

  v1::Evaluation Evaluate(const std::string& id, absl::CivilDay day) {
    v1::EvaluateIndicatorRequest req;
    req.set_name("plans/p/indicators/" + id);
    *req.mutable_as_of() = Date(day.year(), day.month(), day.day());
    v1::EvaluateIndicatorResponse resp;
    grpc::ClientContext ctx;
    EXPECT_TRUE(stub_->EvaluateIndicator(&ctx, req, &resp).ok());
    return resp.evaluation();
  }

  grpc::Status Render(const v1::RenderChartRequest& req, v1::RenderChartResponse* resp,
                      common::Role role = common::Role::kAdministrator) {
    return documents_stub_->RenderChart(Ctx(role).get(), req, resp);
  }

  static v1::RenderChartRequest Request(v1::ChartKind kind) {
    v1::RenderChartRequest req;
    req.set_plan("plans/p");
    req.set_kind(kind);
    *req.mutable_as_of() = Date(2026, 1, 21);
    return req;
  }

  // With ECOPLAN_CHART_PNG_DIR set, the image is written there to look at.
  static void MaybeSave(const v1::RenderChartResponse& resp) {
    if (const char* dir = std::getenv("ECOPLAN_CHART_PNG_DIR")) {
      std::ofstream(std::string(dir) + "/" + resp.file_name()) << resp.content();
    }
  }

  const std::string kSecret = std::string(32, 's');
  common::TempDir dir_;
  common::FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 2, 10), absl::UTCTimeZone())};
  common::SerialExecutor ingest_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbIndicatorStore> store_;
  std::unique_ptr<IndicatorEvaluator> evaluator_;
  common::WatchEventsHub hub_;
  // Development mode for the setup through IndicatorService.
  common::CallAuthenticator dev_auth_{common::DevelopmentModeOptions(),
                                      nullptr,
                                      &IndicatorPolicy(),
                                      nullptr,
                                      nullptr,
                                      common::Logger("test")};
  std::unique_ptr<common::TokenVerifier> verifier_;
  std::unique_ptr<common::CallAuthenticator> document_auth_;
  std::unique_ptr<IndicatorServiceImpl> indicators_;
  FakeProgress progress_;
  std::unique_ptr<common::RunningServer> progress_server_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  std::unique_ptr<DocumentServiceImpl> documents_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<v1::IndicatorService::Stub> stub_;
  std::unique_ptr<v1::DocumentService::Stub> documents_stub_;
};

TEST_F(DocumentServiceImplTest, TrajectoryPlotsTheEvaluationsAtEachMonthEndAndTheDay) {
  ASSERT_NO_FATAL_FAILURE(LoadPlanAndSlice());
  v1::RenderChartRequest req = Request(v1::CHART_KIND_INDICATOR_TRAJECTORY);
  req.set_indicator("plans/p/indicators/a4-pm25");
  *req.mutable_as_of() = Date(2026, 2, 10);
  req.set_format(v1::IMAGE_FORMAT_PNG);
  v1::RenderChartResponse resp;
  const grpc::Status s = Render(req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  MaybeSave(resp);
  EXPECT_EQ(resp.media_type(), "image/png");
  EXPECT_EQ(resp.file_name(), "a4-pm25_2026-02-10.png");
  EXPECT_EQ(resp.title(), "PM2.5年均浓度");
  EXPECT_EQ(resp.content().substr(1, 3), "PNG");
  // Default size.
  EXPECT_EQ(
      static_cast<uint8_t>(resp.content()[18]) * 256 + static_cast<uint8_t>(resp.content()[19]),
      960);
  ASSERT_GE(resp.series_size(), 3);
  // The value to date at January's end and on the 10th of February, each
  // what EvaluateIndicator answers for that day.
  const v1::ChartSeries& value = resp.series(0);
  ASSERT_EQ(value.points_size(), 2);
  const v1::Evaluation january = Evaluate("a4-pm25", absl::CivilDay(2026, 1, 31));
  const v1::Evaluation today = Evaluate("a4-pm25", absl::CivilDay(2026, 2, 10));
  ASSERT_TRUE(january.has_current_value());
  EXPECT_EQ(value.points(0).label(), "2026-01-31");
  EXPECT_EQ(value.points(0).value(), january.current_value());
  EXPECT_EQ(value.points(1).label(), "2026-02-10");
  EXPECT_EQ(value.points(1).value(), today.current_value());
  EXPECT_GT(january.current_value(), 27);  // a polluted January
  const v1::ChartSeries& target = resp.series(1);
  EXPECT_EQ(target.name(), "目标 ≤ 27");
  EXPECT_EQ(target.points(0).value(), 27);
  const v1::ChartSeries& projection = resp.series(2);
  EXPECT_EQ(projection.name(), "预测");
  ASSERT_EQ(projection.points_size(), 2);
  ASSERT_TRUE(today.has_projected_value());
  EXPECT_EQ(projection.points(1).value(), today.projected_value());
  EXPECT_EQ(projection.points(1).label(), "2026-12-31");
  EXPECT_FALSE(projection.points(1).has_low());  // no band: the evaluation gives none
}

TEST_F(DocumentServiceImplTest, GoodDaysRatioEndsAtTheEvaluationsValueForTheSameDay) {
  ASSERT_NO_FATAL_FAILURE(LoadPlanAndSlice());
  for (int day : {7, 15, 21}) {
    v1::RenderChartRequest req = Request(v1::CHART_KIND_GOOD_DAYS_RATIO);
    *req.mutable_as_of() = Date(2026, 1, day);
    if (day == 21) req.set_format(v1::IMAGE_FORMAT_PNG);
    v1::RenderChartResponse resp;
    const grpc::Status s = Render(req, &resp);
    ASSERT_TRUE(s.ok()) << s.error_message();
    if (day == 21) MaybeSave(resp);
    if (day == 21) {
      EXPECT_EQ(resp.media_type(), "image/png");
      EXPECT_EQ(resp.content().substr(1, 3), "PNG");
    } else {
      EXPECT_EQ(resp.media_type(), "image/svg+xml");
      EXPECT_NE(resp.content().find("<svg"), std::string::npos);
    }
    ASSERT_EQ(resp.series_size(), 2);
    const v1::ChartSeries& ratio = resp.series(0);
    const v1::Evaluation e = Evaluate("a4-good-days", absl::CivilDay(2026, 1, day));
    ASSERT_TRUE(e.has_current_value()) << e.DebugString();
    ASSERT_GT(ratio.points_size(), 0);
    EXPECT_EQ(ratio.points_size(), e.observed_days()) << day;
    EXPECT_EQ(ratio.points(ratio.points_size() - 1).value(), e.current_value()) << day;
    EXPECT_EQ(ratio.points(ratio.points_size() - 1).label(), absl::StrFormat("2026-01-%02d", day));
    EXPECT_EQ(resp.series(1).points(0).value(), 78);
  }
}

TEST_F(DocumentServiceImplTest, TownRankingIsEvaluatePlansRankingAndReportersMayAskForIt) {
  ASSERT_NO_FATAL_FAILURE(LoadPlanAndSlice());
  v1::RenderChartRequest req = Request(v1::CHART_KIND_TOWN_RANKING);
  req.set_format(v1::IMAGE_FORMAT_PNG);
  req.set_width(1200);
  req.set_height(675);
  v1::RenderChartResponse resp;
  const grpc::Status s = Render(req, &resp, common::Role::kReporter);
  ASSERT_TRUE(s.ok()) << s.error_message();
  MaybeSave(resp);
  v1::EvaluatePlanRequest plan_req;
  plan_req.set_plan("plans/p");
  *plan_req.mutable_as_of() = Date(2026, 1, 21);
  v1::EvaluatePlanResponse plan;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub_->EvaluatePlan(&ctx, plan_req, &plan).ok());
  ASSERT_EQ(plan.town_ranking_size(), 13);
  ASSERT_EQ(resp.series_size(), 2);
  const v1::ChartSeries& bars = resp.series(0);
  const v1::ChartSeries& targets = resp.series(1);
  ASSERT_EQ(bars.points_size(), 2);  // only 永定镇 and 清水镇 have a station
  EXPECT_EQ(targets.points_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(bars.points(i).label(), plan.town_ranking(i).town());
    EXPECT_EQ(bars.points(i).value(), plan.town_ranking(i).pm25());
    EXPECT_EQ(targets.points(i).value(), plan.town_ranking(i).target());
  }
  EXPECT_EQ(resp.file_name(), "towns_2026-01-21.png");
  EXPECT_EQ(
      static_cast<uint8_t>(resp.content()[18]) * 256 + static_cast<uint8_t>(resp.content()[19]),
      1200);
}

TEST_F(DocumentServiceImplTest, TimelinessIsTheProgressServicesStatusOfThePeriod) {
  ASSERT_NO_FATAL_FAILURE(LoadPlanAndSlice());
  progress_.answer.set_owed(true);
  for (auto [name, state, owned, without] :
       {std::tuple{"区交通局", pv1::SUBMISSION_STATE_ON_TIME, 6, 1},
        std::tuple{"区城管委", pv1::SUBMISSION_STATE_LATE, 3, 0},
        std::tuple{"区商务局", pv1::SUBMISSION_STATE_MISSING, 4, 4}}) {
    pv1::OrganizationSubmission* o = progress_.answer.add_organizations();
    o->set_organization_display_name(name);
    o->set_state(state);
    o->set_owned_measure_count(owned);
    for (int i = 0; i < without; ++i) o->add_measures_without_entry("plans/p/measures/m");
  }
  v1::RenderChartRequest req = Request(v1::CHART_KIND_REPORTING_TIMELINESS);
  *req.mutable_as_of() = Date(2026, 3, 5);
  v1::RenderChartResponse resp;
  grpc::Status s = Render(req, &resp, common::Role::kViewer);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // Unset: the month before as_of.
  EXPECT_EQ(progress_.last_request.period(), "2026-02");
  EXPECT_EQ(progress_.last_request.plan(), "plans/p");
  EXPECT_EQ(resp.title(), "2026-02 各单位报送情况");
  ASSERT_EQ(resp.series_size(), 3);
  EXPECT_EQ(resp.series(0).points(0).value(), 5);  // on time: 6 owned, 1 without entry
  EXPECT_EQ(resp.series(2).points(0).value(), 1);
  EXPECT_EQ(resp.series(1).points(1).value(), 3);
  EXPECT_EQ(resp.series(2).points(2).value(), 4);
  EXPECT_EQ(resp.series(2).points(2).label(), "区商务局");

  req.set_period("2026-01");
  ASSERT_TRUE(Render(req, &resp).ok());
  EXPECT_EQ(progress_.last_request.period(), "2026-01");
  // A reporter may not: it names every organization.
  EXPECT_EQ(Render(req, &resp, common::Role::kReporter).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // The progress service down: UNAVAILABLE.
  progress_.status = grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  EXPECT_EQ(Render(req, &resp).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(DocumentServiceImplTest, RefusesWhatIsMalformedUnknownOrNotTheCallersToSee) {
  ASSERT_NO_FATAL_FAILURE(LoadPlanAndSlice());
  struct Case {
    std::string what;
    v1::RenderChartRequest req;
    grpc::StatusCode code;
    std::string field;
    common::Role role = common::Role::kAdministrator;
  };
  std::vector<Case> cases;
  auto add = [&](std::string what, grpc::StatusCode code, std::string field,
                 std::function<void(v1::RenderChartRequest*)> edit,
                 common::Role role = common::Role::kAdministrator) {
    v1::RenderChartRequest req = Request(v1::CHART_KIND_INDICATOR_TRAJECTORY);
    req.set_indicator("plans/p/indicators/a4-pm25");
    edit(&req);
    cases.push_back({std::move(what), req, code, std::move(field), role});
  };
  using grpc::StatusCode;
  add("bad plan", StatusCode::INVALID_ARGUMENT, "plan", [](auto* r) { r->set_plan("p"); });
  add("no kind", StatusCode::INVALID_ARGUMENT, "kind",
      [](auto* r) { r->set_kind(v1::CHART_KIND_UNSPECIFIED); });
  add("bad indicator", StatusCode::INVALID_ARGUMENT, "indicator",
      [](auto* r) { r->set_indicator("a4-pm25"); });
  add("no indicator", StatusCode::INVALID_ARGUMENT, "indicator",
      [](auto* r) { r->clear_indicator(); });
  add("another plan's indicator", StatusCode::INVALID_ARGUMENT, "indicator",
      [](auto* r) { r->set_indicator("plans/q/indicators/a4-pm25"); });
  add("too narrow", StatusCode::INVALID_ARGUMENT, "width", [](auto* r) {
    r->set_width(239);
    r->set_height(540);
  });
  add("too tall", StatusCode::INVALID_ARGUMENT, "height", [](auto* r) {
    r->set_width(960);
    r->set_height(4097);
  });
  add("one side only", StatusCode::INVALID_ARGUMENT, "height", [](auto* r) { r->set_width(960); });
  add("impossible day", StatusCode::INVALID_ARGUMENT, "as_of",
      [](auto* r) { *r->mutable_as_of() = Date(2026, 2, 30); });
  add("before the period", StatusCode::INVALID_ARGUMENT, "as_of",
      [](auto* r) { *r->mutable_as_of() = Date(2025, 12, 31); });
  add("malformed period", StatusCode::INVALID_ARGUMENT, "period", [](auto* r) {
    r->clear_indicator();
    r->set_kind(v1::CHART_KIND_REPORTING_TIMELINESS);
    r->set_period("2026-5");
  });
  add("month 13", StatusCode::INVALID_ARGUMENT, "period", [](auto* r) {
    r->clear_indicator();
    r->set_kind(v1::CHART_KIND_REPORTING_TIMELINESS);
    r->set_period("2026-13");
  });
  add("unknown indicator", StatusCode::NOT_FOUND, "",
      [](auto* r) { r->set_indicator("plans/p/indicators/a4-nothing"); });
  add("unknown plan", StatusCode::NOT_FOUND, "", [](auto* r) {
    r->set_plan("plans/q");
    r->clear_indicator();
    r->set_kind(v1::CHART_KIND_GOOD_DAYS_RATIO);
  });
  add(
      "a reporter, a reported indicator", StatusCode::PERMISSION_DENIED, "",
      [](auto* r) { r->set_indicator("plans/p/indicators/m-share"); }, common::Role::kReporter);
  add(
      "a supervisor", StatusCode::PERMISSION_DENIED, "", [](auto*) {}, common::Role::kSupervisor);
  for (const Case& c : cases) {
    v1::RenderChartResponse resp;
    const grpc::Status s = Render(c.req, &resp, c.role);
    EXPECT_EQ(s.error_code(), c.code) << c.what << ": " << s.error_message();
    if (!c.field.empty()) {
      EXPECT_TRUE(absl::StartsWith(s.error_message(), c.field))
          << c.what << ": " << s.error_message();
    }
    EXPECT_TRUE(resp.content().empty()) << c.what;
  }
  // A reporter may chart an air-quality indicator.
  v1::RenderChartRequest ok = Request(v1::CHART_KIND_INDICATOR_TRAJECTORY);
  ok.set_indicator("plans/p/indicators/a4-pm25");
  v1::RenderChartResponse resp;
  EXPECT_TRUE(Render(ok, &resp, common::Role::kReporter).ok());
  // Without a token: UNAUTHENTICATED.
  grpc::ClientContext anonymous;
  EXPECT_EQ(documents_stub_->RenderChart(&anonymous, ok, &resp).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace ecoplan::indicator
