// Walks the indicator service's whole RPC × role table (IndicatorPolicy,
// rendered in docs/SECURITY.md) against real servers started with TLS and
// ES256 keys (a JWKS) generated at test time: registry_server, and indicator_server
// following it as the service "indicator" (a minted service token over TLS, so
// the plan's indicators prove service-to-service authentication), and following
// a secured progress_server (the reports behind the lights' progress entries). Every
// allowed call works, every forbidden one is PERMISSION_DENIED, and every call
// — the client stream IngestObservations and the server stream WatchEvents
// included — without a token or with an expired, wrongly signed or garbage
// token is UNAUTHENTICATED.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/assessment_service.grpc.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/indicator/indicator_policy.h"
#include "tests/harness/cluster.h"
#include "tests/harness/dates.h"
#include "tests/harness/secured.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using common::Role;

const char* const kSeed = ECOPLAN_SEED_PATH;
constexpr char kStation[] = "stations/walk-station";

class IndicatorAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(secured_, SecuredSetup::Create(dir_));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);

    cluster_.SetCommonFlags(secured_.ServerFlags());
    ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
    // The progress service (reports: the lights' progress entries), secured the same way.
    ServerOptions progress;
    progress.follow = {"registry"};
    ASSERT_OK_AND_ASSIGN(const std::string progress_address, cluster_.Start("progress", progress));
    progress_stub_ = pv1::ProgressService::NewStub(
        grpc::CreateCustomChannel(progress_address, secured_.ChannelCredentials(), args));
    auto registry = rv1::RegistryService::NewStub(
        grpc::CreateCustomChannel(registry_address, secured_.ChannelCredentials(), args));
    rv1::ImportPlanRequest import;
    import.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse imported;
    grpc::Status status = registry->ImportPlan(TokenContext(Admin()).get(), import, &imported);
    ASSERT_TRUE(status.ok()) << status.error_message();
    plan_ = imported.plan().name();

    ServerOptions indicator;
    indicator.follow = {"registry", "progress"};
    ASSERT_OK_AND_ASSIGN(const std::string indicator_address,
                         cluster_.Start("indicator", indicator));
    auto indicator_channel =
        grpc::CreateCustomChannel(indicator_address, secured_.ChannelCredentials(), args);
    stub_ = iv1::IndicatorService::NewStub(indicator_channel);
    assessment_stub_ = iv1::AssessmentService::NewStub(indicator_channel);

    // The indicator service gets the plan only by following the secured
    // registry with its service credentials.
    grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
    for (int i = 0; i < 300 && code != grpc::StatusCode::OK; ++i) {
      iv1::GetExtractionReportRequest r;
      r.set_plan(plan_);
      iv1::GetExtractionReportResponse out;
      code = stub_->GetExtractionReport(TokenContext(Admin()).get(), r, &out).error_code();
      if (code != grpc::StatusCode::OK) absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_EQ(code, grpc::StatusCode::OK) << ReadFile(dir_.Sub("indicator.log")).value_or("")
                                          << ReadFile(dir_.Sub("registry.log")).value_or("");
    iv1::ListIndicatorsRequest list;
    list.set_parent(plan_);
    list.set_page_size(1);
    iv1::ListIndicatorsResponse indicators;
    ASSERT_TRUE(stub_->ListIndicators(TokenContext(Admin()).get(), list, &indicators).ok());
    ASSERT_EQ(indicators.indicators_size(), 1) << "the seed plan yields no indicator";
    plan_indicator_ = indicators.indicators(0).name();
    // An air-quality indicator: public, so every role evaluates it.
    list.set_page_size(1000);
    ASSERT_TRUE(stub_->ListIndicators(TokenContext(Admin()).get(), list, &indicators).ok());
    for (const iv1::Indicator& i : indicators.indicators()) {
      if (i.source() == iv1::SOURCE_KIND_AIR_QUALITY && air_indicator_.empty()) {
        air_indicator_ = i.name();
      }
    }
    ASSERT_FALSE(air_indicator_.empty()) << "the seed plan yields no air-quality indicator";
    registry_stub_ = std::move(registry);

    // The data the calls need: an indicator the bureau corrects again and
    // again, and a station counting for the district.
    ASSERT_EQ(Create(Admin(), "walk-corrected"), grpc::StatusCode::OK) << last_error_;
    iv1::UpsertStationRequest station = Station();
    iv1::UpsertStationResponse upserted;
    status = stub_->UpsertStation(TokenContext(Admin()).get(), station, &upserted);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  std::string Admin() { return secured_.Token(Role::kAdministrator); }
  std::string NextId(const char* what) { return absl::StrCat(what, "-", ++counter_); }
  std::string IndicatorName(const std::string& id) {
    return absl::StrCat(plan_, "/indicators/", id);
  }

  // Creates the manual indicator `id` (a reported share, this year).
  grpc::StatusCode Create(const std::string& token, const std::string& id) {
    iv1::CreateIndicatorRequest r;
    r.set_parent(plan_);
    r.set_indicator_id(id);
    iv1::Indicator* ind = r.mutable_indicator();
    ind->set_display_name("新能源公交车占比");
    ind->set_unit("%");
    ind->set_scope_kind(iv1::SCOPE_KIND_DISTRICT);
    ind->set_comparator(iv1::COMPARATOR_AT_LEAST);
    ind->set_target_value(80);
    ind->set_target_text("达到80%");
    *ind->mutable_period_start() = ToDate(absl::CivilDay(TodayInShanghai().year(), 1, 1));
    *ind->mutable_period_end() = ToDate(absl::CivilDay(TodayInShanghai().year(), 12, 31));
    ind->set_aggregation(iv1::AGGREGATION_LATEST_VALUE);
    ind->set_source(iv1::SOURCE_KIND_REPORTED);
    r.set_reason("行动计划未列出的考核指标");
    r.set_request_id(NextId("create"));
    iv1::CreateIndicatorResponse out;
    grpc::Status status = stub_->CreateIndicator(TokenContext(token).get(), r, &out);
    last_error_ = status.error_message();
    return status.error_code();
  }

  // The current etag of `name`, read by the bureau.
  std::string Etag(const std::string& name) {
    iv1::GetIndicatorRequest r;
    r.set_name(name);
    iv1::GetIndicatorResponse out;
    EXPECT_TRUE(stub_->GetIndicator(TokenContext(Admin()).get(), r, &out).ok()) << name;
    return out.indicator().etag();
  }

  iv1::UpsertStationRequest Station() {
    iv1::UpsertStationRequest r;
    r.mutable_station()->set_name(kStation);
    r.mutable_station()->set_display_name("测试子站");
    r.mutable_station()->set_town("龙泉镇");
    r.mutable_station()->set_counts_for_district(true);
    r.mutable_station()->set_note(NextId("upsert"));
    return r;
  }

  // A sand-and-dust day (沙尘) at the walk's station, a week ago.
  iv1::CreateExceptionalEventRequest SandDay() {
    iv1::CreateExceptionalEventRequest r;
    iv1::ExceptionalEvent* e = r.mutable_exceptional_event();
    e->set_kind(iv1::EXCEPTIONAL_EVENT_KIND_SAND_DUST);
    e->add_pollutants(iv1::POLLUTANT_PM10);
    e->add_pollutants(iv1::POLLUTANT_PM25);
    e->add_stations(kStation);
    *e->mutable_first_day() = ToDate(TodayInShanghai() - 7);
    *e->mutable_last_day() = ToDate(TodayInShanghai() - 7);
    e->set_reason("沙尘天气过程");
    e->mutable_basis()->set_number("京环发〔2026〕12号");
    r.set_request_id(NextId("create-event"));
    return r;
  }

  std::map<std::string, PolicyCall> Calls() {
    std::map<std::string, PolicyCall> calls;
    auto add = [&](const char* method, PolicyCall call) {
      calls[indicator::IndicatorMethod(method)] = std::move(call);
    };
    add("SyncPlan", [this](const std::string& t) {
      iv1::SyncPlanRequest r;
      r.set_plan(plan_);
      r.set_request_id(NextId("sync"));
      iv1::SyncPlanResponse out;
      return stub_->SyncPlan(TokenContext(t).get(), r, &out).error_code();
    });
    add("GetExtractionReport", [this](const std::string& t) {
      iv1::GetExtractionReportRequest r;
      r.set_plan(plan_);
      iv1::GetExtractionReportResponse out;
      return stub_->GetExtractionReport(TokenContext(t).get(), r, &out).error_code();
    });
    add("CreateIndicator",
        [this](const std::string& t) { return Create(t, NextId("walk-created")); });
    add("GetIndicator", [this](const std::string& t) {
      iv1::GetIndicatorRequest r;
      r.set_name(plan_indicator_);
      iv1::GetIndicatorResponse out;
      return stub_->GetIndicator(TokenContext(t).get(), r, &out).error_code();
    });
    add("ListIndicators", [this](const std::string& t) {
      iv1::ListIndicatorsRequest r;
      r.set_parent(plan_);
      iv1::ListIndicatorsResponse out;
      return stub_->ListIndicators(TokenContext(t).get(), r, &out).error_code();
    });
    add("UpdateIndicator", [this](const std::string& t) {
      iv1::UpdateIndicatorRequest r;
      r.mutable_indicator()->set_name(IndicatorName("walk-corrected"));
      r.mutable_indicator()->set_target_value(80 + counter_ % 15);
      r.add_update_paths("target_value");
      r.set_etag(Etag(r.indicator().name()));
      r.set_reason("按区政府批复调整目标值");
      r.set_request_id(NextId("update"));
      iv1::UpdateIndicatorResponse out;
      return stub_->UpdateIndicator(TokenContext(t).get(), r, &out).error_code();
    });
    add("RetireIndicator", [this](const std::string& t) {
      // A fresh indicator each time: retiring is once only.
      const std::string id = NextId("walk-retired");
      EXPECT_EQ(Create(Admin(), id), grpc::StatusCode::OK) << last_error_;
      iv1::RetireIndicatorRequest r;
      r.set_name(IndicatorName(id));
      r.set_etag(Etag(r.name()));
      r.set_reason("指标已并入其他考核");
      r.set_request_id(NextId("retire"));
      iv1::RetireIndicatorResponse out;
      return stub_->RetireIndicator(TokenContext(t).get(), r, &out).error_code();
    });
    add("ListIndicatorRevisions", [this](const std::string& t) {
      iv1::ListIndicatorRevisionsRequest r;
      r.set_name(IndicatorName("walk-corrected"));
      iv1::ListIndicatorRevisionsResponse out;
      return stub_->ListIndicatorRevisions(TokenContext(t).get(), r, &out).error_code();
    });
    add("UpsertStation", [this](const std::string& t) {
      iv1::UpsertStationResponse out;
      return stub_->UpsertStation(TokenContext(t).get(), Station(), &out).error_code();
    });
    add("ListStations", [this](const std::string& t) {
      iv1::ListStationsRequest r;
      iv1::ListStationsResponse out;
      return stub_->ListStations(TokenContext(t).get(), r, &out).error_code();
    });
    add("IngestObservations", [this](const std::string& t) {
      // A client stream: one chunk (a reading of the walk's station and a
      // reported value), then the answer.
      auto ctx = TokenContext(t);
      iv1::IngestObservationsResponse out;
      auto writer = stub_->IngestObservations(ctx.get(), &out);
      iv1::IngestObservationsRequest chunk;
      iv1::StationReading* reading = chunk.add_readings();
      reading->set_station("walk-station");
      const absl::CivilDay yesterday = TodayInShanghai() - 1;
      reading->set_hour(absl::StrFormat("%04d-%02d-%02dT%02d", yesterday.year(), yesterday.month(),
                                        yesterday.day(), counter_ % 24));
      reading->set_pollutant(iv1::POLLUTANT_PM25);
      reading->set_value(30 + counter_ % 20);
      reading->set_unit(iv1::CONCENTRATION_UNIT_UG_M3);
      iv1::IndicatorValue* value = chunk.add_values();
      value->set_indicator(IndicatorName("walk-corrected"));
      *value->mutable_date() = ToDate(yesterday);
      value->set_value(60 + counter_ % 20);
      value->set_unit("%");
      value->set_source("区交通局月报");
      ++counter_;
      // A refused stream may end before the chunk is taken; Finish says why.
      if (writer->Write(chunk)) (void)writer->WritesDone();
      return writer->Finish().error_code();
    });
    add("GetDailyAirQuality", [this](const std::string& t) {
      iv1::GetDailyAirQualityRequest r;
      r.set_area(kStation);
      *r.mutable_from() = ToDate(TodayInShanghai() - 7);
      *r.mutable_to() = ToDate(TodayInShanghai());
      iv1::GetDailyAirQualityResponse out;
      return stub_->GetDailyAirQuality(TokenContext(t).get(), r, &out).error_code();
    });
    add("EvaluateIndicator", [this](const std::string& t) {
      iv1::EvaluateIndicatorRequest r;
      r.set_name(air_indicator_);
      *r.mutable_as_of() = ToDate(TodayInShanghai());
      iv1::EvaluateIndicatorResponse out;
      return stub_->EvaluateIndicator(TokenContext(t).get(), r, &out).error_code();
    });
    add("EvaluatePlan", [this](const std::string& t) {
      iv1::EvaluatePlanRequest r;
      r.set_plan(plan_);
      *r.mutable_as_of() = ToDate(TodayInShanghai());
      iv1::EvaluatePlanResponse out;
      return stub_->EvaluatePlan(TokenContext(t).get(), r, &out).error_code();
    });
    add("RecordEvaluation", [this](const std::string& t) {
      iv1::RecordEvaluationRequest r;
      r.set_plan(plan_);
      *r.mutable_as_of() = ToDate(TodayInShanghai());
      iv1::RecordEvaluationResponse out;
      return stub_->RecordEvaluation(TokenContext(t).get(), r, &out).error_code();
    });
    add("CreateExceptionalEvent", [this](const std::string& t) {
      iv1::CreateExceptionalEventResponse out;
      return stub_->CreateExceptionalEvent(TokenContext(t).get(), SandDay(), &out).error_code();
    });
    add("ListExceptionalEvents", [this](const std::string& t) {
      iv1::ListExceptionalEventsRequest r;
      iv1::ListExceptionalEventsResponse out;
      return stub_->ListExceptionalEvents(TokenContext(t).get(), r, &out).error_code();
    });
    add("WithdrawExceptionalEvent", [this](const std::string& t) {
      // A fresh event each time: withdrawing is once only.
      iv1::CreateExceptionalEventResponse created;
      grpc::Status status =
          stub_->CreateExceptionalEvent(TokenContext(Admin()).get(), SandDay(), &created);
      EXPECT_TRUE(status.ok()) << status.error_message();
      iv1::WithdrawExceptionalEventRequest r;
      r.set_name(created.exceptional_event().name());
      r.set_reason("经核实非沙尘影响");
      r.set_request_id(NextId("withdraw-event"));
      iv1::WithdrawExceptionalEventResponse out;
      return stub_->WithdrawExceptionalEvent(TokenContext(t).get(), r, &out).error_code();
    });
    add("WatchEvents", [this](const std::string& t) {
      // A server stream: allowed once the first event (from the plan's sync)
      // arrives; refusals end the stream with their code.
      iv1::WatchEventsRequest r;
      return FirstStreamMessage<iv1::WatchEventsResponse>(
          t, [&](grpc::ClientContext* ctx) { return stub_->WatchEvents(ctx, r); });
    });
    return calls;
  }

  common::TempDir dir_;
  SecuredSetup secured_;
  Cluster cluster_{dir_.path()};
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  std::unique_ptr<iv1::IndicatorService::Stub> stub_;
  std::unique_ptr<iv1::AssessmentService::Stub> assessment_stub_;
  std::string plan_, plan_indicator_, air_indicator_;
  int counter_ = 0;
  std::string last_error_;
};

TEST_F(IndicatorAuthTest, EveryRpcAnswersEachRoleExactlyAsThePolicySays) {
  std::map<std::string, PolicyCall> calls = Calls();
  EXPECT_THAT(WalkPolicy(
                  indicator::IndicatorPolicy(), calls,
                  [this](Role r) { return secured_.Token(r, "o-walk"); }, secured_.ServiceTokens()),
              ::testing::IsEmpty());
}

TEST_F(IndicatorAuthTest, EveryRpcRefusesMissingAndBadTokensAsUnauthenticated) {
  std::map<std::string, PolicyCall> calls = Calls();
  EXPECT_THAT(WalkBadTokens(calls, secured_.BadTokens()), ::testing::IsEmpty());
  // Neither the secret nor a token reaches a log.
  for (const char* log : {"indicator.log", "registry.log"}) {
    const std::string text = ReadFile(dir_.Sub(log)).value_or("");
    EXPECT_EQ(text.find(secured_.secret()), std::string::npos) << log;
    EXPECT_FALSE(HoldsJwt(text)) << log;
  }
}

// The AssessmentService's table (AssessmentPolicy) walked the same way, with
// tokens of an organization the plan names (a reporter contests for its own
// organization only); then what a reporter sees of a closed month.
TEST_F(IndicatorAuthTest, AssessmentServiceAnswersEachRoleAsItsPolicySaysAndNarrowsReporters) {
  // A measure's single lead organization: its id for the tokens, its name on the scorecards.
  rv1::ExportPlanRequest export_request;
  export_request.set_name(plan_);
  rv1::ExportPlanResponse exported;
  ASSERT_TRUE(
      registry_stub_->ExportPlan(TokenContext(Admin()).get(), export_request, &exported).ok());
  std::string lead;
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      if (lead.empty() && m.lead_organizations_size() == 1) {
        lead = m.lead_organizations(0).organization();
      }
    }
  }
  ASSERT_FALSE(lead.empty());
  std::string lead_name;
  for (const rv1::Organization& o : exported.organizations()) {
    if (o.name() == lead) lead_name = o.display_name();
  }
  const std::string lead_id = lead.substr(strlen("organizations/"));
  const std::string april = absl::StrCat(plan_, "/months/2026-04");
  auto close_next = [this](const std::string& token) {
    iv1::ListClosedMonthsRequest list;
    list.set_plan(plan_);
    iv1::ListClosedMonthsResponse closed;
    EXPECT_TRUE(
        assessment_stub_->ListClosedMonths(TokenContext(Admin()).get(), list, &closed).ok());
    absl::CivilMonth next(2026, 4);
    if (closed.months_size() > 0) {
      const std::string& last = closed.months(closed.months_size() - 1).name();
      EXPECT_TRUE(absl::ParseCivilTime(last.substr(last.rfind('/') + 1), &next)) << last;
      ++next;
    }
    iv1::CloseMonthRequest r;
    r.set_name(absl::StrCat(plan_, "/months/", absl::FormatCivilTime(next)));
    r.set_reason("月度结账");
    iv1::CloseMonthResponse out;
    return assessment_stub_->CloseMonth(TokenContext(token).get(), r, &out).error_code();
  };
  ASSERT_EQ(close_next(Admin()), grpc::StatusCode::OK);
  iv1::GetMonthlyAssessmentRequest get_april;
  get_april.set_name(april);
  iv1::GetMonthlyAssessmentResponse closed_april;
  ASSERT_TRUE(
      assessment_stub_->GetMonthlyAssessment(TokenContext(Admin()).get(), get_april, &closed_april)
          .ok());
  // The lead's April facts: one contested item per ContestItem call.
  std::vector<std::string> items;
  for (const iv1::Scorecard& c : closed_april.assessment().scorecards()) {
    if (c.organization() != lead_name) continue;
    for (const iv1::ScoreComponent& comp : c.components()) {
      for (const iv1::ScoreFact& f : comp.facts()) items.push_back(f.key());
    }
  }
  ASSERT_GE(items.size(), 4u) << lead_name;
  size_t next_item = 0;  // each contest a different item (a pending one cannot be filed twice)
  auto contest = [&, this](const std::string& token, iv1::Contest* out) {
    iv1::ContestItemRequest r;
    r.set_month(april);
    r.set_organization(lead_name);
    r.set_item(items.at(next_item++ % items.size()));
    r.set_reason("申诉理由");
    iv1::ContestItemResponse response;
    grpc::Status s = assessment_stub_->ContestItem(TokenContext(token).get(), r, &response);
    if (out != nullptr) *out = response.contest();
    return s.error_code();
  };

  std::map<std::string, PolicyCall> calls;
  auto add = [&](const char* method, PolicyCall call) {
    calls[indicator::AssessmentMethod(method)] = std::move(call);
  };
  add("GetScoringRules", [&](const std::string& t) {
    iv1::GetScoringRulesRequest r;
    r.set_plan(plan_);
    iv1::GetScoringRulesResponse out;
    return assessment_stub_->GetScoringRules(TokenContext(t).get(), r, &out).error_code();
  });
  add("UpdateScoringRules", [&](const std::string& t) {
    iv1::UpdateScoringRulesRequest r;
    r.set_plan(plan_);
    r.mutable_rules()->set_on_time_reporting_weight(0.3);
    r.mutable_rules()->set_completion_of_due_measures_weight(0.3);
    r.mutable_rules()->set_no_overdue_measures_weight(0.2);
    r.mutable_rules()->set_indicators_on_track_weight(0.2);
    r.mutable_rules()->set_late_report_credit(0.1 * (++counter_ % 10));
    r.mutable_rules()->set_returned_report_credit(1);
    r.set_reason("考评办法");
    iv1::UpdateScoringRulesResponse out;
    return assessment_stub_->UpdateScoringRules(TokenContext(t).get(), r, &out).error_code();
  });
  add("GetMonthlyAssessment", [&](const std::string& t) {
    iv1::GetMonthlyAssessmentResponse out;
    return assessment_stub_->GetMonthlyAssessment(TokenContext(t).get(), get_april, &out)
        .error_code();
  });
  add("ListClosedMonths", [&](const std::string& t) {
    iv1::ListClosedMonthsRequest r;
    r.set_plan(plan_);
    iv1::ListClosedMonthsResponse out;
    return assessment_stub_->ListClosedMonths(TokenContext(t).get(), r, &out).error_code();
  });
  add("CloseMonth", close_next);
  add("ContestItem", [&](const std::string& t) { return contest(t, nullptr); });
  add("DecideContest", [&](const std::string& t) {
    iv1::Contest filed;
    EXPECT_EQ(contest(Admin(), &filed), grpc::StatusCode::OK);
    iv1::DecideContestRequest r;
    r.set_name(filed.name());
    r.set_accept(false);
    r.set_comment("无证据");
    iv1::DecideContestResponse out;
    return assessment_stub_->DecideContest(TokenContext(t).get(), r, &out).error_code();
  });
  add("ListContests", [&](const std::string& t) {
    iv1::ListContestsRequest r;
    r.set_plan(plan_);
    iv1::ListContestsResponse out;
    return assessment_stub_->ListContests(TokenContext(t).get(), r, &out).error_code();
  });
  EXPECT_THAT(WalkPolicy(
                  indicator::AssessmentPolicy(), calls,
                  [&](Role r) { return secured_.Token(r, lead_id); }, secured_.ServiceTokens()),
              ::testing::IsEmpty());
  EXPECT_THAT(WalkBadTokens(calls, secured_.BadTokens()), ::testing::IsEmpty());

  // A reporter of the lead sees its own scorecard and contests only, and
  // cannot contest for another organization; the bureau sees every organization.
  const std::string reporter = secured_.Token(Role::kReporter, lead_id);
  iv1::GetMonthlyAssessmentResponse seen;
  ASSERT_TRUE(
      assessment_stub_->GetMonthlyAssessment(TokenContext(reporter).get(), get_april, &seen).ok());
  ASSERT_EQ(seen.assessment().scorecards_size(), 1);
  EXPECT_EQ(seen.assessment().scorecards(0).organization(), lead_name);
  EXPECT_GT(closed_april.assessment().scorecards_size(), 5);
  EXPECT_LT(seen.assessment().measure_lights_size(),
            closed_april.assessment().measure_lights_size());
  iv1::ListContestsRequest list;
  list.set_plan(plan_);
  iv1::ListContestsResponse contests;
  ASSERT_TRUE(assessment_stub_->ListContests(TokenContext(reporter).get(), list, &contests).ok());
  for (const iv1::Contest& c : contests.contests()) EXPECT_EQ(c.organization(), lead_name);
  iv1::ContestItemRequest other;
  other.set_month(april);
  other.set_organization(closed_april.assessment().scorecards(0).organization() == lead_name
                             ? closed_april.assessment().scorecards(1).organization()
                             : closed_april.assessment().scorecards(0).organization());
  other.set_item("score");
  other.set_reason("x");
  iv1::ContestItemResponse refused;
  EXPECT_EQ(
      assessment_stub_->ContestItem(TokenContext(reporter).get(), other, &refused).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

// Same visibility as ProgressService: a reporter's EvaluatePlan holds its own
// organization's scorecard and the lights of its measures (led or answered
// for), with no other organization's progress entry; the bureau sees all.
TEST_F(IndicatorAuthTest, AReporterSeesOnlyItsOwnOrganizationsScorecardAndProgressEntries) {
  // A measure with one lead organization A and a different responsible one B.
  rv1::ExportPlanRequest export_request;
  export_request.set_name(plan_);
  rv1::ExportPlanResponse exported;
  grpc::Status status =
      registry_stub_->ExportPlan(TokenContext(Admin()).get(), export_request, &exported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  std::string measure, lead, responsible;
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      if (!measure.empty() || m.lead_organizations_size() != 1 ||
          m.responsible_organizations_size() != 1 ||
          m.lead_organizations(0).organization().empty() ||
          m.responsible_organizations(0).organization().empty() ||
          m.lead_organizations(0).organization() == m.responsible_organizations(0).organization()) {
        continue;
      }
      measure = m.name();
      lead = m.lead_organizations(0).organization();
      responsible = m.responsible_organizations(0).organization();
    }
  }
  ASSERT_FALSE(measure.empty()) << "no measure with one lead and one responsible organization";
  std::map<std::string, std::string> display;
  for (const rv1::Organization& o : exported.organizations()) display[o.name()] = o.display_name();
  const std::string lead_id = lead.substr(strlen("organizations/"));
  const std::string responsible_id = responsible.substr(strlen("organizations/"));

  // A reports on it.
  pv1::SubmitReportRequest report;
  report.set_parent(plan_);
  report.set_organization(lead);
  const absl::CivilDay today = TodayInShanghai();
  report.set_period(absl::StrFormat("%04d-%02d", today.year(), today.month()));
  pv1::ReportEntry* entry = report.add_entries();
  entry->set_measure(measure);
  entry->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
  entry->set_percent_done(40);
  entry->set_work_done("推进中");
  entry->set_next_steps("继续推进");
  report.set_request_id("walk-report");
  pv1::SubmitReportResponse submitted;
  status = progress_stub_->SubmitReport(
      TokenContext(secured_.Token(Role::kReporter, lead_id)).get(), report, &submitted);
  ASSERT_TRUE(status.ok()) << status.error_message();

  iv1::EvaluatePlanRequest r;
  r.set_plan(plan_);
  *r.mutable_as_of() = ToDate(today);
  auto light_of = [&](const iv1::EvaluatePlanResponse& plan) -> const iv1::MeasureLight* {
    for (const iv1::MeasureLight& l : plan.measure_lights()) {
      if (l.measure() == measure) return &l;
    }
    return nullptr;
  };
  // The bureau sees A's entry once the indicator service has followed the report.
  iv1::EvaluatePlanResponse bureau;
  bool followed = false;
  for (int i = 0; i < 300 && !followed; ++i) {
    bureau.Clear();
    ASSERT_TRUE(stub_->EvaluatePlan(TokenContext(Admin()).get(), r, &bureau).ok());
    const iv1::MeasureLight* l = light_of(bureau);
    followed = l != nullptr && l->progress_size() > 0;
    if (!followed) absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(followed) << ReadFile(dir_.Sub("indicator.log")).value_or("");
  EXPECT_EQ(light_of(bureau)->progress(0).organization(), display[lead]);
  std::set<std::string> organizations;
  for (const iv1::Scorecard& c : bureau.scorecards()) organizations.insert(c.organization());
  ASSERT_GT(organizations.size(), 5u);

  // B answers for the measure: it sees the light, not A's entry, and only its own scorecard.
  iv1::EvaluatePlanResponse seen_by_b;
  status = stub_->EvaluatePlan(TokenContext(secured_.Token(Role::kReporter, responsible_id)).get(),
                               r, &seen_by_b);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const iv1::MeasureLight* light = light_of(seen_by_b);
  ASSERT_NE(light, nullptr) << "B does not see the measure it is responsible for";
  EXPECT_EQ(light->progress_size(), 0) << light->DebugString();
  for (const iv1::MeasureLight& l : seen_by_b.measure_lights()) {
    for (const iv1::MeasureOwnerProgress& p : l.progress()) {
      EXPECT_EQ(p.organization(), display[responsible]) << l.measure();
    }
  }
  for (const iv1::Scorecard& c : seen_by_b.scorecards()) {
    EXPECT_EQ(c.organization(), display[responsible]);
  }
  EXPECT_LT(seen_by_b.measure_lights_size(), bureau.measure_lights_size());

  // A sees its own entry and scorecard, not B's.
  iv1::EvaluatePlanResponse seen_by_a;
  status = stub_->EvaluatePlan(TokenContext(secured_.Token(Role::kReporter, lead_id)).get(), r,
                               &seen_by_a);
  ASSERT_TRUE(status.ok()) << status.error_message();
  light = light_of(seen_by_a);
  ASSERT_NE(light, nullptr);
  ASSERT_EQ(light->progress_size(), 1);
  EXPECT_EQ(light->progress(0).organization(), display[lead]);
  ASSERT_EQ(seen_by_a.scorecards_size(), 1);
  EXPECT_EQ(seen_by_a.scorecards(0).organization(), display[lead]);
  // Air quality is public: the same town ranking.
  EXPECT_EQ(seen_by_a.town_ranking_size(), bureau.town_ranking_size());

  // An organization the plan does not know sees only what is public.
  iv1::EvaluatePlanResponse stranger;
  const std::string unknown = secured_.Token(Role::kReporter, "o-0000000000");
  ASSERT_TRUE(stub_->EvaluatePlan(TokenContext(unknown).get(), r, &stranger).ok());
  EXPECT_EQ(stranger.scorecards_size(), 0);
  EXPECT_EQ(stranger.measure_lights_size(), 0);
  for (const iv1::Evaluation& e : stranger.evaluations()) {
    EXPECT_EQ(e.indicator().source(), iv1::SOURCE_KIND_AIR_QUALITY) << e.indicator().name();
  }
}

}  // namespace
}  // namespace ecoplan::testing
