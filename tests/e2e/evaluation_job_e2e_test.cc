// The recorded evaluation against the real registry_server and indicator_server
// binaries (development mode):
//   * data that drives the district's PM2.5 far above its target, evaluated by
//     anyone, records nothing; RecordEvaluation records it; the server is
//     killed (SIGKILL) while a second run is under way, restarted, run again
//     → WatchEvents holds exactly one IndicatorStatusChanged per indicator
//     whose status changed, and a further run records nothing;
//   * the scheduler on new data: with --evaluation_debounce, data ingested
//     produces the status change as of today, by the service itself, with
//     nobody evaluating.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/dates.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;

class EvaluationJobE2eTest : public ::testing::Test {
 protected:
  std::string Log(const std::string& name) { return cluster_.Log(name); }

  void StartIndicator(std::vector<std::string> schedule) {
    ServerOptions options;
    options.follow = {"registry"};
    options.flags = std::move(schedule);
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("indicator", options));
    stub_ = iv1::IndicatorService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }

  // The registry with the seed plan, and the indicator service following it.
  void StartWithPlan(std::vector<std::string> schedule) {
    ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry"));
    auto registry = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry_address_, grpc::InsecureChannelCredentials()));
    ASSERT_NO_FATAL_FAILURE(StartIndicator(schedule));
    rv1::ImportPlanRequest import;
    import.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse imported;
    grpc::Status s = registry->ImportPlan(Context().get(), import, &imported);
    ASSERT_TRUE(s.ok()) << s.error_message();
    plan_ = imported.plan().name();
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    bool synced = false;
    while (!synced && absl::Now() < deadline) {
      iv1::GetIndicatorRequest get;
      get.set_name(Pm25());
      iv1::GetIndicatorResponse got;
      synced = stub_->GetIndicator(Context().get(), get, &got).ok();
      if (!synced) absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_TRUE(synced) << Log("indicator");
    iv1::UpsertStationRequest station;
    station.mutable_station()->set_name("stations/e2e-district");
    station.mutable_station()->set_town("龙泉镇");
    station.mutable_station()->set_counts_for_district(true);
    iv1::UpsertStationResponse upserted;
    s = stub_->UpsertStation(Context().get(), station, &upserted);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }

  std::string Pm25() const { return plan_ + "/indicators/a4-pm25"; }

  // 150 µg/m³ of PM2.5 every hour of [first, last]: far above the target.
  void IngestPm25(absl::CivilDay first, absl::CivilDay last) {
    auto ctx = Context();
    iv1::IngestObservationsResponse response;
    auto writer = stub_->IngestObservations(ctx.get(), &response);
    for (absl::CivilDay day = first; day <= last; ++day) {
      iv1::IngestObservationsRequest chunk;
      for (int h = 0; h < 24; ++h) {
        iv1::StationReading* r = chunk.add_readings();
        r->set_station("e2e-district");
        r->set_hour(absl::StrFormat("%04d-%02d-%02dT%02d", day.year(), day.month(), day.day(), h));
        r->set_pollutant(iv1::POLLUTANT_PM25);
        r->set_value(150);
        r->set_unit(iv1::CONCENTRATION_UNIT_UG_M3);
      }
      ASSERT_TRUE(writer->Write(chunk));
    }
    writer->WritesDone();
    grpc::Status s = writer->Finish();
    ASSERT_TRUE(s.ok()) << s.error_message();
    ASSERT_EQ(response.rejected_count(), 0) << response.DebugString();
  }

  grpc::Status Record(absl::CivilDay as_of, iv1::RecordEvaluationResponse* out) {
    iv1::RecordEvaluationRequest r;
    r.set_plan(plan_);
    *r.mutable_as_of() = ToDate(as_of);
    return stub_->RecordEvaluation(Context().get(), r, out);
  }

  // Every IndicatorStatusChanged in the event log (read for `window`).
  std::vector<iv1::IndicatorStatusChanged> StatusEvents(absl::Duration window,
                                                        std::vector<std::string>* actors) {
    auto ctx = Context(window);
    iv1::WatchEventsRequest r;
    auto reader = stub_->WatchEvents(ctx.get(), r);
    std::vector<iv1::IndicatorStatusChanged> out;
    iv1::WatchEventsResponse event;
    while (reader->Read(&event)) {
      if (event.event().type() != "ecoplan.indicator.v1.IndicatorStatusChanged") continue;
      iv1::IndicatorStatusChanged c;
      EXPECT_TRUE(event.event().payload().UnpackTo(&c));
      out.push_back(c);
      if (actors != nullptr) actors->push_back(event.event().actor());
    }
    (void)reader->Finish();
    return out;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  Subprocess& indicator_ = cluster_.process("indicator");
  std::string registry_address_, plan_;
  std::unique_ptr<iv1::IndicatorService::Stub> stub_;
};

const std::vector<std::string> kNoSchedule = {"--evaluation_time=off", "--evaluation_debounce=0s"};

TEST_F(EvaluationJobE2eTest, AKilledRunIsRecordedOnceAfterTheRestart) {
  ASSERT_NO_FATAL_FAILURE(StartWithPlan(kNoSchedule));
  ASSERT_NO_FATAL_FAILURE(IngestPm25(absl::CivilDay(2026, 4, 1), absl::CivilDay(2026, 4, 21)));
  const absl::CivilDay as_of(2026, 4, 27);

  // Anyone evaluating records nothing.
  for (int i = 0; i < 2; ++i) {
    iv1::EvaluatePlanRequest r;
    r.set_plan(plan_);
    *r.mutable_as_of() = ToDate(as_of);
    iv1::EvaluatePlanResponse out;
    ASSERT_TRUE(stub_->EvaluatePlan(Context().get(), r, &out).ok());
  }
  EXPECT_TRUE(StatusEvents(absl::Seconds(2), nullptr).empty());

  // The first run records PM2.5 off track, with what it rests on.
  iv1::RecordEvaluationResponse first;
  grpc::Status s = Record(as_of, &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const iv1::IndicatorStatusChanged* pm25 = nullptr;
  for (const iv1::IndicatorStatusChanged& c : first.changes()) {
    if (c.indicator() == Pm25()) pm25 = &c;
  }
  ASSERT_NE(pm25, nullptr) << first.DebugString();
  EXPECT_EQ(pm25->status(), iv1::INDICATOR_STATUS_OFF_TRACK);
  EXPECT_EQ(pm25->value(), 150);
  EXPECT_EQ(pm25->value_date().day(), 21);
  EXPECT_TRUE(pm25->has_target());
  EXPECT_FALSE(pm25->target_text().empty());

  // New data changes more statuses; a second run is killed while under way.
  ASSERT_NO_FATAL_FAILURE(IngestPm25(absl::CivilDay(2026, 4, 22), absl::CivilDay(2026, 5, 20)));
  std::thread racing([&] {
    iv1::RecordEvaluationResponse ignored;
    (void)Record(absl::CivilDay(2026, 5, 27), &ignored);
  });
  absl::SleepFor(absl::Milliseconds(2));
  indicator_.Signal(SIGKILL);
  racing.join();
  ASSERT_TRUE(indicator_.Wait(absl::Seconds(30)).ok());

  ASSERT_NO_FATAL_FAILURE(StartIndicator(kNoSchedule));
  iv1::RecordEvaluationResponse again;
  s = Record(absl::CivilDay(2026, 5, 27), &again);
  ASSERT_TRUE(s.ok()) << s.error_message() << Log("indicator");
  iv1::RecordEvaluationResponse idle;
  s = Record(absl::CivilDay(2026, 5, 27), &idle);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(idle.changes_size(), 0) << idle.DebugString();
  // Statuses move forward only: a day before the first run's would turn them back.
  iv1::RecordEvaluationResponse back;
  s = Record(as_of - 1, &back);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << back.DebugString();
  EXPECT_THAT(s.error_message(), ::testing::HasSubstr("would turn them back"));

  // Each indicator's status changes form a chain with no repeat: every event
  // moves from the status the previous one recorded.
  std::vector<iv1::IndicatorStatusChanged> events = StatusEvents(absl::Seconds(3), nullptr);
  ASSERT_FALSE(events.empty());
  std::map<std::string, iv1::IndicatorStatus> last;
  std::map<std::string, int> per_indicator_day;
  for (const iv1::IndicatorStatusChanged& c : events) {
    auto it = last.find(c.indicator());
    const iv1::IndicatorStatus previous =
        it == last.end() ? iv1::INDICATOR_STATUS_UNSPECIFIED : it->second;
    EXPECT_EQ(c.previous_status(), previous) << c.DebugString();
    EXPECT_NE(c.status(), c.previous_status()) << c.DebugString();
    last[c.indicator()] = c.status();
    const int n = ++per_indicator_day[absl::StrCat(c.indicator(), "@", c.as_of().month(), "-",
                                                   c.as_of().day())];
    EXPECT_EQ(n, 1) << "recorded twice: " << c.DebugString();
  }
  // PM2.5 changed exactly once: off track on 2026-04-27, and still.
  int pm25_changes = 0;
  for (const iv1::IndicatorStatusChanged& c : events) pm25_changes += c.indicator() == Pm25();
  EXPECT_EQ(pm25_changes, 1);
  EXPECT_EQ(last[Pm25()], iv1::INDICATOR_STATUS_OFF_TRACK);
}

TEST_F(EvaluationJobE2eTest, NewDataIsRecordedByTheServiceWithNobodyEvaluating) {
  ASSERT_NO_FATAL_FAILURE(StartWithPlan({"--evaluation_time=off", "--evaluation_debounce=200ms"}));
  const absl::CivilDay today = TodayInShanghai();
  ASSERT_NO_FATAL_FAILURE(IngestPm25(today - 21, today - 1));
  std::vector<iv1::IndicatorStatusChanged> events;
  std::vector<std::string> actors;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  const iv1::IndicatorStatusChanged* pm25 = nullptr;
  while (pm25 == nullptr && absl::Now() < deadline) {
    actors.clear();
    events = StatusEvents(absl::Seconds(1), &actors);
    for (size_t i = 0; i < events.size(); ++i) {
      if (events[i].indicator() == Pm25()) {
        pm25 = &events[i];
        EXPECT_EQ(actors[i], "indicator");  // the service principal
      }
    }
  }
  ASSERT_NE(pm25, nullptr) << Log("indicator");
  EXPECT_EQ(pm25->as_of().year(), today.year());
  EXPECT_EQ(pm25->as_of().month(), today.month());
  EXPECT_EQ(pm25->as_of().day(), today.day());
}

}  // namespace
}  // namespace ecoplan::testing
