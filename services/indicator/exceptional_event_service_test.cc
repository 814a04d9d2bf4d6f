// Exceptional events (例外事件) through IndicatorService, in process with a real
// RocksDB: a sand day marked, the evaluations giving the figure with and
// without it (the numbers computed here from the fixture's readings), the day
// marked in GetDailyAirQuality, retries by request id, the events in the
// change feed, bad input named, and the marking withdrawn.

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <vector>

#include "common/server/run_server.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/indicator_policy.h"
#include "services/indicator/indicator_service_impl.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;
using ::testing::HasSubstr;

constexpr int kDays = 20;      // 2026-01-01 .. 2026-01-20
constexpr int kSandDay = 10;   // 2026-01-10
constexpr double kClean = 20;  // PM2.5 and PM10 of the other days, µg/m³
constexpr double kSand = 400;  // PM2.5 and PM10 of the sand day

common::v1::Date Date(int y, int m, int d) {
  common::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

class ExceptionalEventServiceTest : public ::testing::Test {
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

    v1::UpsertStationRequest station;
    station.mutable_station()->set_name("stations/s1");
    station.mutable_station()->set_town("永定镇");
    station.mutable_station()->set_counts_for_district(true);
    v1::UpsertStationResponse upserted;
    ASSERT_TRUE(stub_->UpsertStation(Ctx().get(), station, &upserted).ok());
    IngestFixture();
    CreateIndicator("pm25", v1::AGGREGATION_MEAN_OF_DAILY, v1::AIR_QUALITY_ITEM_PM25,
                    v1::COMPARATOR_AT_MOST, 27, "微克/立方米");
    CreateIndicator("good-days", v1::AGGREGATION_RATIO_OF_QUALIFYING_DAYS, v1::AIR_QUALITY_ITEM_AQI,
                    v1::COMPARATOR_AT_LEAST, 78, "%");
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

  // Every hour of 20 January days: PM2.5 = PM10 = 20 (400 on the sand day),
  // SO2 5, NO2 20, CO 0.5 mg/m³, O3 60.
  void IngestFixture() {
    auto ctx = Ctx();
    v1::IngestObservationsResponse resp;
    auto writer = stub_->IngestObservations(ctx.get(), &resp);
    for (int d = 1; d <= kDays; ++d) {
      v1::IngestObservationsRequest chunk;
      for (int h = 0; h < 24; ++h) {
        const std::string hour = absl::FormatCivilTime(absl::CivilHour(2026, 1, d, h));
        const double pm = d == kSandDay ? kSand : kClean;
        const std::pair<v1::Pollutant, double> values[] = {
            {v1::POLLUTANT_PM25, pm}, {v1::POLLUTANT_PM10, pm}, {v1::POLLUTANT_SO2, 5},
            {v1::POLLUTANT_NO2, 20},  {v1::POLLUTANT_CO, 0.5},  {v1::POLLUTANT_O3, 60}};
        for (const auto& [p, v] : values) {
          v1::StationReading* r = chunk.add_readings();
          r->set_station("s1");
          r->set_hour(hour);
          r->set_pollutant(p);
          r->set_value(v);
        }
      }
      ASSERT_TRUE(writer->Write(chunk));
    }
    writer->WritesDone();
    ASSERT_TRUE(writer->Finish().ok());
    ASSERT_EQ(resp.accepted_count(), kDays * 24 * 6);
  }

  void CreateIndicator(const std::string& id, v1::Aggregation aggregation, v1::AirQualityItem item,
                       v1::Comparator comparator, double target, const std::string& unit) {
    v1::CreateIndicatorRequest r;
    r.set_parent("plans/p");
    r.set_indicator_id(id);
    v1::Indicator* ind = r.mutable_indicator();
    ind->set_display_name(id);
    ind->set_unit(unit);
    ind->set_scope_kind(v1::SCOPE_KIND_DISTRICT);
    ind->set_comparator(comparator);
    ind->set_target_value(target);
    *ind->mutable_period_start() = Date(2026, 1, 1);
    *ind->mutable_period_end() = Date(2026, 12, 31);
    ind->set_aggregation(aggregation);
    ind->set_source(v1::SOURCE_KIND_AIR_QUALITY);
    ind->set_air_quality_item(item);
    r.set_reason("test");
    v1::CreateIndicatorResponse out;
    grpc::Status s = stub_->CreateIndicator(Ctx().get(), r, &out);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  static v1::CreateExceptionalEventRequest SandDay(const std::string& request_id) {
    v1::CreateExceptionalEventRequest r;
    v1::ExceptionalEvent* e = r.mutable_exceptional_event();
    e->set_kind(v1::EXCEPTIONAL_EVENT_KIND_SAND_DUST);
    e->add_pollutants(v1::POLLUTANT_PM10);
    e->add_pollutants(v1::POLLUTANT_PM25);
    *e->mutable_first_day() = Date(2026, 1, kSandDay);
    *e->mutable_last_day() = Date(2026, 1, kSandDay);
    e->set_reason("1月10日沙尘天气过程");
    e->mutable_basis()->set_number("京环发〔2026〕12号");
    e->mutable_basis()->set_title("关于确认2026年1月10日沙尘天气过程的通知");
    e->mutable_basis()->set_url("https://example.org/notice/12");
    r.set_request_id(request_id);
    return r;
  }

  grpc::Status Create(const v1::CreateExceptionalEventRequest& r,
                      v1::CreateExceptionalEventResponse* out) {
    return stub_->CreateExceptionalEvent(Ctx().get(), r, out);
  }

  v1::Evaluation Evaluate(const std::string& id) {
    v1::EvaluateIndicatorRequest r;
    r.set_name("plans/p/indicators/" + id);
    *r.mutable_as_of() = Date(2026, 1, kDays);
    v1::EvaluateIndicatorResponse out;
    grpc::Status s = stub_->EvaluateIndicator(Ctx().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.evaluation();
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

TEST_F(ExceptionalEventServiceTest, ASandDayMarkedGivesBothFiguresAndWithdrawnOnlyTheOfficialOne) {
  // The figures, from the fixture: with every day, and without the sand day.
  const double mean_with = ((kDays - 1) * kClean + kSand) / kDays;  // 39
  const double mean_without = kClean;                               // 20 over 19 days
  const double good_with = 100.0 * (kDays - 1) / kDays;             // 19 of 20 days 优良: 95 %
  const double good_without = 100.0;                                // 19 of 19

  // Nothing marked: no second figure.
  v1::Evaluation before = Evaluate("pm25");
  EXPECT_EQ(before.current_value(), mean_with);
  EXPECT_FALSE(before.has_excluding_exceptional_events());

  v1::CreateExceptionalEventResponse created;
  grpc::Status s = Create(SandDay("mark-sand-0110"), &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const v1::ExceptionalEvent& event = created.exceptional_event();
  EXPECT_EQ(event.name(), "exceptionalEvents/ev-1");
  EXPECT_EQ(event.state(), v1::EXCEPTIONAL_EVENT_STATE_ACTIVE);
  EXPECT_EQ(event.created_by(), "development");
  EXPECT_EQ(event.basis().number(), "京环发〔2026〕12号");
  EXPECT_EQ(event.first_day().day(), kSandDay);

  // A retry with the same request id answers the same event and marks nothing more.
  v1::CreateExceptionalEventResponse retried;
  ASSERT_TRUE(Create(SandDay("mark-sand-0110"), &retried).ok());
  EXPECT_EQ(retried.exceptional_event().name(), "exceptionalEvents/ev-1");
  v1::ListExceptionalEventsResponse listed;
  ASSERT_TRUE(
      stub_->ListExceptionalEvents(Ctx().get(), v1::ListExceptionalEventsRequest(), &listed).ok());
  ASSERT_EQ(listed.exceptional_events_size(), 1);
  EXPECT_EQ(listed.exceptional_events(0).reason(), "1月10日沙尘天气过程");

  // EvaluateIndicator: the official figure as before, the other beside it.
  v1::Evaluation pm25 = Evaluate("pm25");
  EXPECT_EQ(pm25.current_value(), mean_with);
  EXPECT_EQ(pm25.status(), before.status());
  ASSERT_TRUE(pm25.has_excluding_exceptional_events());
  const v1::ExceptionalEventsFigure& pm25_without = pm25.excluding_exceptional_events();
  EXPECT_EQ(pm25_without.current_value(), mean_without);
  EXPECT_EQ(pm25_without.observed_days(), kDays - 1);
  EXPECT_EQ(pm25_without.excluded_days(), 1);
  ASSERT_EQ(pm25_without.exceptional_events_size(), 1);
  EXPECT_EQ(pm25_without.exceptional_events(0), "exceptionalEvents/ev-1");
  EXPECT_NE(pm25_without.status(), v1::INDICATOR_STATUS_UNSPECIFIED);

  v1::Evaluation good = Evaluate("good-days");
  EXPECT_EQ(good.current_value(), good_with);
  EXPECT_EQ(good.observed_days(), kDays);
  ASSERT_TRUE(good.has_excluding_exceptional_events());
  EXPECT_EQ(good.excluding_exceptional_events().current_value(), good_without);
  EXPECT_EQ(good.excluding_exceptional_events().observed_days(), kDays - 1);
  EXPECT_EQ(good.excluding_exceptional_events().excluded_days(), 1);

  // EvaluatePlan carries the same.
  v1::EvaluatePlanRequest plan;
  plan.set_plan("plans/p");
  *plan.mutable_as_of() = Date(2026, 1, kDays);
  v1::EvaluatePlanResponse evaluated;
  ASSERT_TRUE(stub_->EvaluatePlan(Ctx().get(), plan, &evaluated).ok());
  int with_figure = 0;
  for (const v1::Evaluation& e : evaluated.evaluations()) {
    if (e.indicator().name() == "plans/p/indicators/pm25") {
      ++with_figure;
      EXPECT_EQ(e.excluding_exceptional_events().current_value(), mean_without);
    }
  }
  EXPECT_EQ(with_figure, 1);

  // GetDailyAirQuality marks the sand day only; its values stay as measured.
  v1::GetDailyAirQualityRequest daily;
  daily.set_area("district");
  *daily.mutable_from() = Date(2026, 1, kSandDay - 1);
  *daily.mutable_to() = Date(2026, 1, kSandDay + 1);
  v1::GetDailyAirQualityResponse days;
  ASSERT_TRUE(stub_->GetDailyAirQuality(Ctx().get(), daily, &days).ok());
  ASSERT_EQ(days.days_size(), 3);
  EXPECT_EQ(days.days(0).exceptional_events_size(), 0);
  ASSERT_EQ(days.days(1).exceptional_events_size(), 1);
  EXPECT_EQ(days.days(1).exceptional_events(0), "exceptionalEvents/ev-1");
  EXPECT_GT(days.days(1).aqi(), 300);
  EXPECT_EQ(days.days(2).exceptional_events_size(), 0);

  // Withdrawn: kept, listed as withdrawn, and no second figure any more.
  v1::WithdrawExceptionalEventRequest withdraw;
  withdraw.set_name("exceptionalEvents/ev-1");
  withdraw.set_reason("经复核为本地扬尘，不属沙尘天气过程");
  withdraw.set_request_id("withdraw-0110");
  v1::WithdrawExceptionalEventResponse withdrawn;
  s = stub_->WithdrawExceptionalEvent(Ctx().get(), withdraw, &withdrawn);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(withdrawn.exceptional_event().state(), v1::EXCEPTIONAL_EVENT_STATE_WITHDRAWN);
  EXPECT_EQ(withdrawn.exceptional_event().withdraw_reason(), withdraw.reason());
  // The retry answers the withdrawn event; another call is refused.
  ASSERT_TRUE(stub_->WithdrawExceptionalEvent(Ctx().get(), withdraw, &withdrawn).ok());
  withdraw.set_request_id("withdraw-again");
  EXPECT_EQ(stub_->WithdrawExceptionalEvent(Ctx().get(), withdraw, &withdrawn).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_FALSE(Evaluate("pm25").has_excluding_exceptional_events());
  EXPECT_EQ(Evaluate("pm25").current_value(), mean_with);
  v1::ListExceptionalEventsRequest active_only;
  active_only.set_active_only(true);
  ASSERT_TRUE(stub_->ListExceptionalEvents(Ctx().get(), active_only, &listed).ok());
  EXPECT_EQ(listed.exceptional_events_size(), 0);

  // Each change is one event in the change feed, with its request id.
  std::vector<common::v1::Event> feed = *db_->ReadEvents(0, 1000);
  std::vector<std::string> changes;
  for (const common::v1::Event& e : feed) {
    if (e.type() != "ecoplan.indicator.v1.ExceptionalEventChanged") continue;
    v1::ExceptionalEventChanged changed;
    ASSERT_TRUE(e.payload().UnpackTo(&changed));
    EXPECT_EQ(e.resource(), "exceptionalEvents/ev-1");
    changes.push_back(changed.change() + " " + e.request_id());
  }
  EXPECT_THAT(changes, ::testing::ElementsAre("created mark-sand-0110", "withdrawn withdraw-0110"));
}

TEST_F(ExceptionalEventServiceTest, MarkingsSurviveAReopen) {
  v1::CreateExceptionalEventResponse created;
  ASSERT_TRUE(Create(SandDay(""), &created).ok());
  IndicatorEvaluator reopened(store_.get(), &clock_, &ingest_);
  ASSERT_OK(reopened.Load());
  std::vector<ExceptionalEvent> events = reopened.ListExceptionalEvents(false);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].id, "ev-1");
  EXPECT_EQ(events[0].kind, ExceptionalEventKind::kSandDust);
  EXPECT_EQ(events[0].basis.title, "关于确认2026年1月10日沙尘天气过程的通知");
  EXPECT_EQ(events[0].first_hour, absl::CivilHour(2026, 1, kSandDay, 0));
  EXPECT_EQ(events[0].last_hour, absl::CivilHour(2026, 1, kSandDay, 23));
  ASSERT_OK_AND_ASSIGN(auto evaluated,
                       reopened.EvaluateIndicator("p", "pm25", absl::CivilDay(2026, 1, kDays)));
  ASSERT_TRUE(evaluated.second.excluding_exceptional_events.has_value());
  EXPECT_EQ(evaluated.second.excluding_exceptional_events->current_value, kClean);
}

TEST_F(ExceptionalEventServiceTest, BadInputIsInvalidArgumentNamingTheField) {
  auto refused = [&](v1::CreateExceptionalEventRequest r) {
    v1::CreateExceptionalEventResponse out;
    grpc::Status s = Create(r, &out);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
    return s.error_message();
  };
  v1::CreateExceptionalEventRequest r = SandDay("");
  *r.mutable_exceptional_event()->mutable_last_day() = Date(2026, 1, kSandDay - 1);
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.last_day"));
  r = SandDay("");
  r.mutable_exceptional_event()->add_stations("stations/nowhere");
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.stations"));
  r = SandDay("");
  r.mutable_exceptional_event()->add_stations("nowhere");
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.stations[0]"));
  r = SandDay("");
  r.mutable_exceptional_event()->add_pollutants(v1::POLLUTANT_UNSPECIFIED);
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.pollutants[2]"));
  r = SandDay("");
  r.mutable_exceptional_event()->add_pollutants(static_cast<v1::Pollutant>(42));
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.pollutants"));
  r = SandDay("");
  r.mutable_exceptional_event()->clear_reason();
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.reason"));
  r = SandDay("");
  r.mutable_exceptional_event()->mutable_hours()->set_first_hour("2026-01-10T06");
  r.mutable_exceptional_event()->mutable_hours()->set_last_hour("2026-01-10T20");
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.first_day"));  // days and hours both
  r = SandDay("");
  r.mutable_exceptional_event()->clear_first_day();
  r.mutable_exceptional_event()->clear_last_day();
  r.mutable_exceptional_event()->mutable_hours()->set_first_hour("2026-01-10T20");
  r.mutable_exceptional_event()->mutable_hours()->set_last_hour("2026-01-10T06");
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.last_hour"));
  r.mutable_exceptional_event()->mutable_hours()->set_first_hour("10 January");
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.hours.first_hour"));
  r = SandDay("");
  r.mutable_exceptional_event()->set_kind(v1::EXCEPTIONAL_EVENT_KIND_OTHER);
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.description"));
  r = SandDay("");
  r.mutable_exceptional_event()->clear_basis();
  EXPECT_THAT(refused(r), HasSubstr("exceptional_event.basis"));
  // Nothing was marked.
  v1::ListExceptionalEventsResponse listed;
  ASSERT_TRUE(
      stub_->ListExceptionalEvents(Ctx().get(), v1::ListExceptionalEventsRequest(), &listed).ok());
  EXPECT_EQ(listed.exceptional_events_size(), 0);

  // A request id used for another call; withdrawals of nothing, without a reason, misnamed.
  v1::CreateExceptionalEventResponse created;
  ASSERT_TRUE(Create(SandDay("once"), &created).ok());
  v1::WithdrawExceptionalEventRequest w;
  w.set_name(created.exceptional_event().name());
  w.set_reason("重复");
  w.set_request_id("once");
  v1::WithdrawExceptionalEventResponse out;
  grpc::Status s = stub_->WithdrawExceptionalEvent(Ctx().get(), w, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("request_id \"once\" was already used"));
  w.set_request_id("");
  w.set_name("exceptionalEvents/ev-99");
  EXPECT_EQ(stub_->WithdrawExceptionalEvent(Ctx().get(), w, &out).error_code(),
            grpc::StatusCode::NOT_FOUND);
  w.set_name("events/ev-1");
  s = stub_->WithdrawExceptionalEvent(Ctx().get(), w, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("name"));
  w.set_name(created.exceptional_event().name());
  w.clear_reason();
  s = stub_->WithdrawExceptionalEvent(Ctx().get(), w, &out);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("reason"));
}

}  // namespace
}  // namespace ecoplan::indicator
