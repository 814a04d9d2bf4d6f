#include "services/indicator/indicator_service_impl.h"

#include <grpcpp/grpcpp.h>

#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/numbers.h"
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
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

// Readings of one PRSA CSV of tests/data/beijing-aq (CO in µg/m³, NA skipped).
std::vector<v1::StationReading> ReadCsv(const std::string& path) {
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
    int y, m, d, h;
    if (!absl::SimpleAtoi(c[1], &y) || !absl::SimpleAtoi(c[2], &m) || !absl::SimpleAtoi(c[3], &d) ||
        !absl::SimpleAtoi(c[4], &h)) {
      continue;
    }
    const std::string hour = absl::FormatCivilTime(absl::CivilHour(y, m, d, h));
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

class IndicatorServiceImplTest : public ::testing::Test {
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

  void AddStation(const std::string& id, const std::string& town, bool district) {
    v1::UpsertStationRequest req;
    req.mutable_station()->set_name("stations/" + id);
    req.mutable_station()->set_town(town);
    req.mutable_station()->set_counts_for_district(district);
    v1::UpsertStationResponse resp;
    ASSERT_TRUE(stub_->UpsertStation(Ctx().get(), req, &resp).ok());
  }

  v1::IngestObservationsResponse Ingest(const std::vector<v1::StationReading>& readings,
                                        size_t chunk) {
    auto ctx = Ctx();
    v1::IngestObservationsResponse resp;
    auto writer = stub_->IngestObservations(ctx.get(), &resp);
    for (size_t i = 0; i < readings.size(); i += chunk) {
      v1::IngestObservationsRequest req;
      for (size_t j = i; j < std::min(readings.size(), i + chunk); ++j)
        *req.add_readings() = readings[j];
      EXPECT_TRUE(writer->Write(req));
    }
    writer->WritesDone();
    EXPECT_TRUE(writer->Finish().ok());
    return resp;
  }

  common::TempDir dir_;
  common::FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 5, 1), absl::UTCTimeZone())};
  common::SerialExecutor ingest_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbIndicatorStore> store_;
  std::unique_ptr<IndicatorEvaluator> evaluator_;
  common::WatchEventsHub hub_;
  // Development mode: every caller is the administrator "development".
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

// The server reads one message ahead of the chunk it commits: every message's
// rejections still come in message order, named by their message and row.
TEST_F(IndicatorServiceImplTest, RejectionsOfAStreamComeInMessageOrder) {
  AddStation("Gucheng", "永定镇", true);
  auto reading = [](const std::string& station, const std::string& hour, bool pollutant) {
    v1::StationReading r;
    r.set_station(station);
    r.set_hour(hour);
    if (pollutant) r.set_pollutant(v1::POLLUTANT_PM25);
    r.set_value(40);
    return r;
  };
  std::vector<v1::StationReading> rows;
  for (int m = 0; m < 6; ++m) {  // six messages of 3 rows: the second row of odd ones has no
                                 // pollutant, the third of even ones an unknown station
    for (int k = 0; k < 3; ++k) {
      const std::string hour = absl::StrCat("2026-04-0", 1 + m, "T0", k);
      rows.push_back(
          reading(m % 2 == 0 && k == 2 ? "Nowhere" : "Gucheng", hour, !(m % 2 == 1 && k == 1)));
    }
  }
  const v1::IngestObservationsResponse resp = Ingest(rows, 3);
  EXPECT_EQ(resp.batch_count(), 6);
  EXPECT_EQ(resp.accepted_count(), 12);
  EXPECT_EQ(resp.rejected_count(), 6);
  std::vector<std::string> positions;
  for (const v1::Rejection& r : resp.rejections()) positions.push_back(r.position());
  EXPECT_EQ(positions, (std::vector<std::string>{"0:2", "1:1", "2:2", "3:1", "4:2", "5:1"}));
  EXPECT_EQ(resp.rejections(1).reason(), "pollutant is not set");
  EXPECT_EQ(resp.rejections(1).timestamp(), "2026-04-02T01");
}

TEST_F(IndicatorServiceImplTest, IngestsTheTestSliceIdempotentlyAndJudgesItsDaysBy2012) {
  AddStation("Gucheng", "永定镇", true);
  AddStation("Dingling", "清水镇", false);
  std::vector<v1::StationReading> rows =
      ReadCsv(std::string(ECOPLAN_TEST_DATA_DIR) + "/PRSA_Data_Gucheng_20170101-20170121.csv");
  ASSERT_GT(rows.size(), 2000u);
  v1::StationReading unknown = rows[0];
  unknown.set_station("Nowhere");
  rows.push_back(unknown);
  v1::IngestObservationsResponse first = Ingest(rows, 500);
  EXPECT_EQ(first.accepted_count(), static_cast<int64_t>(rows.size()) - 1);
  EXPECT_EQ(first.rejected_count(), 1);
  ASSERT_EQ(first.rejections_size(), 1);
  EXPECT_NE(first.rejections(0).reason().find("unknown station"), std::string::npos);
  EXPECT_GT(first.batch_count(), 1);

  v1::IngestObservationsResponse again = Ingest(rows, 500);
  EXPECT_EQ(again.accepted_count(), 0);
  EXPECT_EQ(again.replaced_count(), 0);
  EXPECT_EQ(again.unchanged_count(), static_cast<int64_t>(rows.size()) - 1);

  rows[0].set_value(rows[0].value() + 1);
  v1::IngestObservationsResponse corrected = Ingest({rows[0]}, 10);
  EXPECT_EQ(corrected.replaced_count(), 1);

  v1::GetDailyAirQualityRequest req;
  req.set_area("stations/Gucheng");
  req.mutable_from()->set_year(2017);
  req.mutable_from()->set_month(1);
  req.mutable_from()->set_day(2);
  *req.mutable_to() = req.from();
  v1::GetDailyAirQualityResponse resp;
  ASSERT_TRUE(stub_->GetDailyAirQuality(Ctx().get(), req, &resp).ok());
  ASSERT_EQ(resp.days_size(), 1);
  EXPECT_EQ(resp.days(0).standard(), "HJ 633-2012");
  EXPECT_TRUE(resp.days(0).published());
  EXPECT_GT(resp.days(0).aqi(), 200);  // a heavy-pollution January day
}

TEST_F(IndicatorServiceImplTest, EvaluationReadsRecordEvaluationRecordsOnceAndEtagsGuardUpdates) {
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
  ind->mutable_period_start()->set_year(2026);
  ind->mutable_period_start()->set_month(1);
  ind->mutable_period_start()->set_day(1);
  ind->mutable_period_end()->set_year(2026);
  ind->mutable_period_end()->set_month(12);
  ind->mutable_period_end()->set_day(31);
  create.set_reason("test");
  v1::CreateIndicatorResponse created;
  ASSERT_TRUE(stub_->CreateIndicator(Ctx().get(), create, &created).ok());
  EXPECT_EQ(created.indicator().revision(), 1);

  v1::CreateIndicatorResponse dup;
  EXPECT_EQ(stub_->CreateIndicator(Ctx().get(), create, &dup).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  const uint64_t before = db_->LastEventSequence();
  v1::EvaluateIndicatorRequest eval;
  eval.set_name("plans/p/indicators/m-share");
  eval.mutable_as_of()->set_year(2026);
  eval.mutable_as_of()->set_month(4);
  eval.mutable_as_of()->set_day(30);
  v1::EvaluateIndicatorResponse evaluated;
  ASSERT_TRUE(stub_->EvaluateIndicator(Ctx().get(), eval, &evaluated).ok());
  EXPECT_EQ(evaluated.evaluation().status(), v1::INDICATOR_STATUS_INSUFFICIENT_DATA);
  // Evaluating is a read: no status, no event.
  EXPECT_EQ(db_->LastEventSequence(), before);
  v1::EvaluatePlanRequest plan;
  plan.set_plan("plans/p");
  *plan.mutable_as_of() = eval.as_of();
  v1::EvaluatePlanResponse evaluated_plan;
  ASSERT_TRUE(stub_->EvaluatePlan(Ctx().get(), plan, &evaluated_plan).ok());
  ASSERT_EQ(evaluated_plan.evaluations_size(), 1);
  EXPECT_EQ(db_->LastEventSequence(), before);

  // Recording it writes the change once, with what it rests on.
  v1::RecordEvaluationRequest record;
  record.set_plan("plans/p");
  *record.mutable_as_of() = eval.as_of();
  v1::RecordEvaluationResponse recorded;
  ASSERT_TRUE(stub_->RecordEvaluation(Ctx().get(), record, &recorded).ok());
  ASSERT_EQ(recorded.changes_size(), 1);
  EXPECT_EQ(recorded.changes(0).indicator(), "plans/p/indicators/m-share");
  EXPECT_EQ(recorded.changes(0).previous_status(), v1::INDICATOR_STATUS_UNSPECIFIED);
  EXPECT_EQ(recorded.changes(0).status(), v1::INDICATOR_STATUS_INSUFFICIENT_DATA);
  EXPECT_EQ(recorded.changes(0).target(), 50);
  EXPECT_EQ(recorded.changes(0).target_text(), "≥ 50 %");
  EXPECT_FALSE(recorded.changes(0).has_value());  // no value reported yet
  EXPECT_EQ(recorded.run().plan(), "plans/p");
  EXPECT_EQ(recorded.run().trigger(), v1::EVALUATION_TRIGGER_REQUEST);
  EXPECT_EQ(recorded.run().changed_count(), 1);
  EXPECT_EQ(recorded.run().evaluated_count(), 1);
  EXPECT_EQ(recorded.run().actor(), "development");
  EXPECT_EQ(db_->LastEventSequence(), before + 1);
  auto events = *db_->ReadEvents(before, 10);
  EXPECT_EQ(events[0].type(), "ecoplan.indicator.v1.IndicatorStatusChanged");
  EXPECT_EQ(events[0].actor(), "development");
  v1::IndicatorStatusChanged payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.target_text(), "≥ 50 %");
  ASSERT_EQ(store_->ListEvaluationRuns("p")->size(), 1u);
  // The same day again: nothing recorded.
  ASSERT_TRUE(stub_->RecordEvaluation(Ctx().get(), record, &recorded).ok());
  EXPECT_EQ(recorded.changes_size(), 0);
  EXPECT_EQ(recorded.run().changed_count(), 0);
  EXPECT_EQ(db_->LastEventSequence(), before + 1);
  EXPECT_EQ(store_->ListEvaluationRuns("p")->size(), 1u);
  record.set_plan("plans/none");
  EXPECT_EQ(stub_->RecordEvaluation(Ctx().get(), record, &recorded).error_code(),
            grpc::StatusCode::NOT_FOUND);
  plan.set_plan("plans/none");
  EXPECT_EQ(stub_->EvaluatePlan(Ctx().get(), plan, &evaluated_plan).error_code(),
            grpc::StatusCode::NOT_FOUND);

  v1::UpdateIndicatorRequest update;
  update.mutable_indicator()->set_name("plans/p/indicators/m-share");
  update.mutable_indicator()->set_target_value(60);
  update.add_update_paths("target_value");
  update.set_etag("stale");
  update.set_reason("city raised it");
  v1::UpdateIndicatorResponse updated;
  EXPECT_EQ(stub_->UpdateIndicator(Ctx().get(), update, &updated).error_code(),
            grpc::StatusCode::ABORTED);
  update.set_etag(created.indicator().etag());
  ASSERT_TRUE(stub_->UpdateIndicator(Ctx().get(), update, &updated).ok());
  EXPECT_EQ(updated.indicator().target_value(), 60);
  EXPECT_TRUE(updated.indicator().manually_corrected());

  v1::ListIndicatorRevisionsRequest list;
  list.set_name("plans/p/indicators/m-share");
  v1::ListIndicatorRevisionsResponse revisions;
  ASSERT_TRUE(stub_->ListIndicatorRevisions(Ctx().get(), list, &revisions).ok());
  ASSERT_EQ(revisions.revisions_size(), 2);
  EXPECT_EQ(revisions.revisions(1).before().target_value(), 50);
  // The actor is the authenticated caller (development mode: "development").
  EXPECT_EQ(revisions.revisions(1).actor(), "development");

  v1::GetIndicatorRequest get;
  get.set_name("plans/p/indicators/nope");
  v1::GetIndicatorResponse got;
  EXPECT_EQ(stub_->GetIndicator(Ctx().get(), get, &got).error_code(), grpc::StatusCode::NOT_FOUND);
  get.set_name("bad");
  EXPECT_EQ(stub_->GetIndicator(Ctx().get(), get, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// The same service behind a verifier of HS256 tokens, without development mode.
TEST_F(IndicatorServiceImplTest, RefusesCallersThePolicyDoesNotAllowAndRecordsTheTokenSubject) {
  const std::string secret(32, 's');
  common::TokenVerifierOptions options;
  options.key = secret;
  options.issuer = "ecoplan-local";
  options.audience = "ecoplan";
  std::unique_ptr<common::TokenVerifier> verifier =
      *common::TokenVerifier::Create(options, &clock_);
  common::CallAuthenticator auth(common::CallAuthenticatorOptions{}, verifier.get(),
                                 &IndicatorPolicy(), nullptr, nullptr, common::Logger("test"));
  IndicatorServiceImpl secured(evaluator_.get(), db_.get(), &hub_, &auth, nullptr);
  common::ServerOptions so;
  so.host = "127.0.0.1";
  std::unique_ptr<common::RunningServer> server = *common::RunningServer::Start(so, {&secured});
  std::unique_ptr<v1::IndicatorService::Stub> stub =
      v1::IndicatorService::NewStub(server->InProcessChannel());
  auto token = [&](common::Role role, const std::string& subject) {
    common::TokenClaims claims;
    claims.subject = subject;
    claims.organization_id = "o-1";
    claims.role = role;
    claims.issuer = "ecoplan-local";
    claims.audience = "ecoplan";
    claims.issued_at = clock_.Now();
    claims.expires_at = clock_.Now() + absl::Hours(1);
    return *common::MintToken(common::TokenAlgorithm::kHs256, secret, claims);
  };
  auto as = [&](const std::string& bearer) {
    std::unique_ptr<grpc::ClientContext> c = Ctx();
    if (!bearer.empty()) c->AddMetadata("authorization", "Bearer " + bearer);
    return c;
  };
  const std::string viewer = token(common::Role::kViewer, "command.center");
  const std::string admin = token(common::Role::kAdministrator, "li.admin");

  v1::ListStationsResponse stations;
  EXPECT_EQ(stub->ListStations(as("").get(), {}, &stations).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(stub->ListStations(as(viewer).get(), {}, &stations).ok());

  v1::UpsertStationRequest upsert;
  upsert.mutable_station()->set_name("stations/Gucheng");
  v1::UpsertStationResponse upserted;
  EXPECT_EQ(stub->UpsertStation(as(viewer).get(), upsert, &upserted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub->UpsertStation(as(admin).get(), upsert, &upserted).ok());

  for (const std::string& bearer : {std::string(), viewer}) {
    auto ctx = as(bearer);
    v1::IngestObservationsResponse resp;
    auto writer = stub->IngestObservations(ctx.get(), &resp);
    writer->WritesDone();
    EXPECT_EQ(writer->Finish().error_code(), bearer.empty() ? grpc::StatusCode::UNAUTHENTICATED
                                                            : grpc::StatusCode::PERMISSION_DENIED);
  }
  {
    auto ctx = as("");
    v1::WatchEventsRequest watch;
    auto reader = stub->WatchEvents(ctx.get(), watch);
    v1::WatchEventsResponse event;
    EXPECT_FALSE(reader->Read(&event));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }

  // Evaluating is a read for a viewer too: twice, and the event log is unchanged;
  // recording is not a viewer's to do.
  {
    v1::CreateIndicatorRequest share;
    share.set_parent("plans/v");
    share.set_indicator_id("share");
    share.mutable_indicator()->set_display_name("share");
    share.mutable_indicator()->set_source(v1::SOURCE_KIND_REPORTED);
    share.set_reason("test");
    v1::CreateIndicatorResponse made;
    ASSERT_TRUE(stub->CreateIndicator(as(admin).get(), share, &made).ok());
    const uint64_t before = db_->LastEventSequence();
    v1::EvaluatePlanRequest plan;
    plan.set_plan("plans/v");
    plan.mutable_as_of()->set_year(2026);
    plan.mutable_as_of()->set_month(4);
    plan.mutable_as_of()->set_day(30);
    for (int i = 0; i < 2; ++i) {
      v1::EvaluatePlanResponse evaluated;
      ASSERT_TRUE(stub->EvaluatePlan(as(viewer).get(), plan, &evaluated).ok());
      EXPECT_EQ(evaluated.evaluations_size(), 1);
    }
    EXPECT_EQ(db_->LastEventSequence(), before);
    v1::RecordEvaluationRequest record;
    record.set_plan("plans/v");
    *record.mutable_as_of() = plan.as_of();
    v1::RecordEvaluationResponse recorded;
    EXPECT_EQ(stub->RecordEvaluation(as(viewer).get(), record, &recorded).error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_EQ(db_->LastEventSequence(), before);
    ASSERT_TRUE(stub->RecordEvaluation(as(admin).get(), record, &recorded).ok());
    ASSERT_EQ(recorded.changes_size(), 1);
    EXPECT_EQ(recorded.run().actor(), "li.admin");
    // A reporter of an organization that owns nothing of plan v may not
    // evaluate its reported indicator.
    v1::EvaluateIndicatorRequest one;
    one.set_name("plans/v/indicators/share");
    *one.mutable_as_of() = plan.as_of();
    v1::EvaluateIndicatorResponse evaluated;
    EXPECT_EQ(stub->EvaluateIndicator(as(token(common::Role::kReporter, "x.reporter")).get(), one,
                                      &evaluated)
                  .error_code(),
              grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_TRUE(stub->EvaluateIndicator(as(viewer).get(), one, &evaluated).ok());
  }

  v1::CreateIndicatorRequest create;
  create.set_parent("plans/p");
  create.set_indicator_id("m-x");
  create.mutable_indicator()->set_display_name("x");
  create.set_reason("test");
  v1::CreateIndicatorResponse created;
  EXPECT_EQ(stub->CreateIndicator(as(viewer).get(), create, &created).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub->CreateIndicator(as(admin).get(), create, &created).ok());
  v1::ListIndicatorRevisionsRequest list;
  list.set_name("plans/p/indicators/m-x");
  v1::ListIndicatorRevisionsResponse revisions;
  ASSERT_TRUE(stub->ListIndicatorRevisions(as(viewer).get(), list, &revisions).ok());
  ASSERT_EQ(revisions.revisions_size(), 1);
  EXPECT_EQ(revisions.revisions(0).actor(), "li.admin");
  server.reset();
}

}  // namespace
}  // namespace ecoplan::indicator

namespace ecoplan::indicator {
namespace {

TEST_F(IndicatorServiceImplTest, AuditedReadingsReplaceProvisionalOnesAndDailyAirQualitySaysSo) {
  AddStation("Gucheng", "永定镇", true);
  std::vector<v1::StationReading> day;
  for (int h = 0; h < 24; ++h) {
    v1::StationReading r;
    r.set_station("Gucheng");
    r.set_hour(absl::FormatCivilTime(absl::CivilHour(2026, 4, 1, h)));
    r.set_pollutant(v1::POLLUTANT_PM25);
    r.set_value(40);
    day.push_back(r);  // verification unset: provisional
  }
  EXPECT_EQ(Ingest(day, 24).accepted_count(), 24);

  v1::GetDailyAirQualityRequest req;
  req.set_area("district");
  req.mutable_from()->set_year(2026);
  req.mutable_from()->set_month(4);
  req.mutable_from()->set_day(1);
  *req.mutable_to() = req.from();
  v1::GetDailyAirQualityResponse provisional;
  ASSERT_TRUE(stub_->GetDailyAirQuality(Ctx().get(), req, &provisional).ok());
  ASSERT_EQ(provisional.days_size(), 1);
  EXPECT_EQ(provisional.days(0).data_verification().verification(),
            v1::DATA_VERIFICATION_PROVISIONAL);
  EXPECT_EQ(provisional.days(0).data_verification().provisional_hours(), 24);

  // The audited release of the first 12 hours, and a summary kind, which no reading has.
  std::vector<v1::StationReading> audited(day.begin(), day.begin() + 12);
  for (v1::StationReading& r : audited) r.set_verification(v1::DATA_VERIFICATION_AUDITED);
  audited[3].set_value(47);
  v1::StationReading mixed = day[20];
  mixed.set_verification(v1::DATA_VERIFICATION_MIXED);
  audited.push_back(mixed);
  const v1::IngestObservationsResponse replaced = Ingest(audited, 100);
  EXPECT_EQ(replaced.replaced_count(), 12);
  EXPECT_EQ(replaced.audited_replaced_count(), 12);
  EXPECT_EQ(replaced.rejected_count(), 1);
  ASSERT_EQ(replaced.rejections_size(), 1);
  EXPECT_NE(replaced.rejections(0).reason().find("PROVISIONAL or AUDITED"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(auto corrections, store_->ListCorrections("Gucheng"));
  ASSERT_EQ(corrections.size(), 12u);
  EXPECT_EQ(corrections[3].second.previous(), 40);
  EXPECT_EQ(corrections[3].second.value(), 47);
  EXPECT_EQ(corrections[3].second.previous_verification(), v1::DATA_VERIFICATION_PROVISIONAL);
  EXPECT_EQ(corrections[3].second.verification(), v1::DATA_VERIFICATION_AUDITED);
  EXPECT_EQ(corrections[3].second.call(), "IngestObservations");
  EXPECT_FALSE(corrections[3].second.actor().empty());

  // A provisional re-send of the day: the audited hours are kept.
  const v1::IngestObservationsResponse late = Ingest(day, 24);
  EXPECT_EQ(late.kept_audited_count(), 12);
  EXPECT_EQ(late.unchanged_count(), 12);
  EXPECT_EQ(late.replaced_count(), 0);
  EXPECT_EQ(late.rejected_count(), 0);

  v1::GetDailyAirQualityResponse after;
  ASSERT_TRUE(stub_->GetDailyAirQuality(Ctx().get(), req, &after).ok());
  ASSERT_EQ(after.days_size(), 1);
  const v1::DataVerificationSummary& mix = after.days(0).data_verification();
  EXPECT_EQ(mix.verification(), v1::DATA_VERIFICATION_MIXED);
  EXPECT_EQ(mix.audited_hours(), 12);
  EXPECT_EQ(mix.provisional_hours(), 12);
  EXPECT_EQ(mix.provisional_days(), 1);
}

}  // namespace
}  // namespace ecoplan::indicator
