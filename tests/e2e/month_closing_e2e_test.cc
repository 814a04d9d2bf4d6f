// Month closing (月度结账), corrections and contests (申诉) against the real
// servers (issue 11 item 6): registry_server, progress_server and
// indicator_server as processes, wired as in production (development mode).
// The bureau closes April with a lead's report missing; the report arrives
// late in the real "now"; April still says missing, May's open assessment
// carries the correction naming the report; the lead contests two April items,
// the bureau accepts one with points and rejects the other; the bureau sets
// the plan's scoring rules; closing May freezes the correction, the accepted
// contest and both decisions; June does not repeat them but keeps the
// contest points; months close only in order and only once; a restart of the
// indicator server reads the closed months back unchanged.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/assessment_service.grpc.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;

const iv1::ScoreFact* FindFact(const iv1::MonthlyAssessment& m, const std::string& org,
                               const std::string& key) {
  for (const iv1::Scorecard& card : m.scorecards()) {
    if (card.organization() != org) continue;
    for (const iv1::ScoreComponent& c : card.components()) {
      for (const iv1::ScoreFact& f : c.facts()) {
        if (f.key() == key) return &f;
      }
    }
  }
  return nullptr;
}

const iv1::Adjustment* FindAdjustment(const iv1::MonthlyAssessment& m, const std::string& item) {
  for (const iv1::Adjustment& a : m.adjustments()) {
    if (a.item() == item) return &a;
  }
  return nullptr;
}

const iv1::MonthScore* FindScore(const iv1::MonthlyAssessment& m, const std::string& org) {
  for (const iv1::MonthScore& s : m.scores()) {
    if (s.organization() == org) return &s;
  }
  return nullptr;
}

class MonthClosingE2eTest : public ::testing::Test {
 protected:
  void StartIndicator(int port) {
    ServerOptions indicator =
        Following({"registry", "progress"}, {"--evaluation_time=off", "--evaluation_debounce=0s"});
    indicator.port = port;
    ASSERT_OK_AND_ASSIGN(indicator_address_, cluster_.Start("indicator", indicator));
    auto channel = grpc::CreateChannel(indicator_address_, grpc::InsecureChannelCredentials());
    indicator_stub_ = iv1::IndicatorService::NewStub(channel);
    assessment_stub_ = iv1::AssessmentService::NewStub(channel);
  }

  void StartCluster() {
    ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry"));
    registry_stub_ = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry_address_, grpc::InsecureChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(progress_address_, cluster_.Start("progress", Following({"registry"})));
    progress_stub_ = pv1::ProgressService::NewStub(
        grpc::CreateChannel(progress_address_, grpc::InsecureChannelCredentials()));
    StartIndicator(0);
    rv1::ImportPlanRequest import;
    import.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse imported;
    grpc::Status s = registry_stub_->ImportPlan(Context().get(), import, &imported);
    ASSERT_TRUE(s.ok()) << s.error_message();
    plan_ = imported.plan().name();
    rv1::ExportPlanRequest export_request;
    export_request.set_name(plan_);
    rv1::ExportPlanResponse exported;
    ASSERT_TRUE(registry_stub_->ExportPlan(Context().get(), export_request, &exported).ok());
    // The first measure with a single lead organization.
    for (const rv1::Task& task : exported.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        if (measure_.empty() && m.lead_organizations_size() == 1 &&
            !m.lead_organizations(0).organization().empty()) {
          measure_ = m.name();
          lead_ = m.lead_organizations(0).organization();
        }
      }
    }
    ASSERT_FALSE(measure_.empty());
    measure_id_ = measure_.substr(measure_.rfind('/') + 1);
    // The indicator service knows the plan (and its lights) from the registry's events.
    ASSERT_TRUE(Eventually([&] {
      grpc::Status got = Month("2026-04", &april_live_);
      if (!got.ok()) return false;
      for (const iv1::MeasureLight& l : april_live_.measure_lights()) {
        if (l.measure() == measure_ && l.owners_size() > 0) {
          lead_name_ = l.owners(0);
          return true;
        }
      }
      return false;
    })) << ReadFile(dir_.Sub("indicator.log")).value_or("");
    // And the progress service knows it from the same events (reports are
    // checked against its view; on a loaded machine it may follow later).
    ASSERT_TRUE(Eventually([&] {
      pv1::GetSubmissionStatusRequest request;
      request.set_plan(plan_);
      request.set_period("2026-04");
      pv1::GetSubmissionStatusResponse response;
      return progress_stub_->GetSubmissionStatus(Context().get(), request, &response).ok();
    })) << ReadFile(dir_.Sub("progress.log")).value_or("");
  }

  std::string MonthName(const std::string& month) { return absl::StrCat(plan_, "/months/", month); }

  grpc::Status Month(const std::string& month, iv1::MonthlyAssessment* out) {
    iv1::GetMonthlyAssessmentRequest request;
    request.set_name(MonthName(month));
    iv1::GetMonthlyAssessmentResponse response;
    grpc::Status s = assessment_stub_->GetMonthlyAssessment(Context().get(), request, &response);
    *out = response.assessment();
    return s;
  }

  grpc::Status Close(const std::string& month, iv1::MonthlyAssessment* out) {
    iv1::CloseMonthRequest request;
    request.set_name(MonthName(month));
    request.set_reason(absl::StrCat(month, " 月度结账"));
    iv1::CloseMonthResponse response;
    grpc::Status s = assessment_stub_->CloseMonth(Context().get(), request, &response);
    if (out != nullptr) *out = response.assessment();
    return s;
  }

  grpc::Status ContestItem(const std::string& item, iv1::Contest* out) {
    iv1::ContestItemRequest request;
    request.set_month(MonthName("2026-04"));
    request.set_organization(lead_name_);
    request.set_item(item);
    request.set_reason("报告已于4月20日纸质报送，系统故障未能录入");
    iv1::ContestItemResponse response;
    grpc::Status s = assessment_stub_->ContestItem(Context().get(), request, &response);
    *out = response.contest();
    return s;
  }

  grpc::Status Decide(const std::string& name, bool accept, double points, iv1::Contest* out) {
    iv1::DecideContestRequest request;
    request.set_name(name);
    request.set_accept(accept);
    request.set_points(points);
    request.set_comment(accept ? "纸质报送记录可查" : "无证据");
    iv1::DecideContestResponse response;
    grpc::Status s = assessment_stub_->DecideContest(Context().get(), request, &response);
    *out = response.contest();
    return s;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  Subprocess& indicator_ = cluster_.process("indicator");
  std::string registry_address_, progress_address_, indicator_address_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_stub_;
  std::unique_ptr<iv1::AssessmentService::Stub> assessment_stub_;
  std::string plan_, measure_, measure_id_, lead_, lead_name_;
  iv1::MonthlyAssessment april_live_;
};

TEST_F(MonthClosingE2eTest, ClosedMonthsStayFrozenCorrectionsAndContestsGoToTheNextMonth) {
  ASSERT_NO_FATAL_FAILURE(StartCluster());
  const std::string april_key = absl::StrCat("on_time_reporting/", measure_id_, "/2026-04");

  // April closes with the lead's April report missing.
  iv1::MonthlyAssessment april;
  grpc::Status s = Close("2026-04", &april);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(april.closed());
  EXPECT_EQ(april.closed_by(), "development");
  EXPECT_EQ(april.as_of().month(), 4);
  EXPECT_EQ(april.as_of().day(), 30);
  const iv1::ScoreFact* missing = FindFact(april, lead_name_, april_key);
  ASSERT_NE(missing, nullptr) << lead_name_ << " " << april_key;
  EXPECT_EQ(missing->outcome(), "missing");
  EXPECT_EQ(missing->role(), "lead");
  EXPECT_EQ(missing->detail(), absl::StrCat("no report on ", measure_id_, " for 2026-04"));

  // Months close once, in order, after their end.
  EXPECT_EQ(Close("2026-04", nullptr).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  s = Close("2026-06", nullptr);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), "months close in order: close 2026-05 before 2026-06");
  EXPECT_EQ(Close("2099-01", nullptr).error_code(), grpc::StatusCode::FAILED_PRECONDITION);

  // The April report arrives now, late.
  pv1::SubmitReportRequest report;
  report.set_parent(plan_);
  report.set_organization(lead_);
  report.set_period("2026-04");
  report.set_actor("e2e");
  pv1::ReportEntry* entry = report.add_entries();
  entry->set_measure(measure_);
  entry->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
  entry->set_percent_done(30);
  entry->set_work_done("按计划推进");
  entry->set_next_steps("继续推进");
  pv1::SubmitReportResponse submitted;
  s = progress_stub_->SubmitReport(Context().get(), report, &submitted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  const std::string report_name = submitted.report().name();

  // May (open) carries the correction, naming the report; April is unchanged.
  iv1::MonthlyAssessment may_open;
  ASSERT_TRUE(Eventually([&] {
    return Month("2026-05", &may_open).ok() && FindAdjustment(may_open, april_key) != nullptr;
  })) << ReadFile(dir_.Sub("indicator.log")).value_or("");
  const iv1::Adjustment* correction = FindAdjustment(may_open, april_key);
  EXPECT_EQ(correction->kind(), iv1::ADJUSTMENT_KIND_CORRECTION);
  EXPECT_EQ(correction->corrects_month(), "2026-04");
  EXPECT_EQ(correction->organization(), lead_name_);
  EXPECT_EQ(correction->before(), "missing (credit 0.00)");
  EXPECT_EQ(correction->after(), "late (credit 0.00)");
  EXPECT_EQ(correction->reference(), report_name);
  EXPECT_FALSE(may_open.closed());
  iv1::MonthlyAssessment april_again;
  ASSERT_TRUE(Month("2026-04", &april_again).ok());
  EXPECT_EQ(april_again.SerializeAsString(), april.SerializeAsString());

  // The lead contests two April items; the bureau accepts one, rejects the other.
  iv1::Contest first, second, decided;
  s = ContestItem(april_key, &first);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(first.name(), absl::StrCat(plan_, "/contests/1"));
  EXPECT_EQ(first.state(), iv1::CONTEST_STATE_PENDING);
  s = ContestItem(absl::StrCat("light/", measure_id_), &second);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(ContestItem(april_key, &decided).error_code(), grpc::StatusCode::ALREADY_EXISTS);
  EXPECT_EQ(ContestItem("on_time_reporting/nope/2026-04", &decided).error_code(),
            grpc::StatusCode::NOT_FOUND);
  ASSERT_TRUE(Decide(first.name(), true, 2.5, &decided).ok());
  EXPECT_EQ(decided.state(), iv1::CONTEST_STATE_ACCEPTED);
  EXPECT_EQ(decided.recorded_in_month(), "2026-05");
  ASSERT_TRUE(Decide(second.name(), false, 0, &decided).ok());
  EXPECT_EQ(decided.state(), iv1::CONTEST_STATE_REJECTED);
  EXPECT_EQ(Decide(second.name(), true, 1, &decided).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // The bureau's rules for the plan: a late report earns half.
  iv1::UpdateScoringRulesRequest rules;
  rules.set_plan(plan_);
  iv1::ScoringRules* r = rules.mutable_rules();
  r->set_on_time_reporting_weight(0.4);
  r->set_completion_of_due_measures_weight(0.3);
  r->set_no_overdue_measures_weight(0.2);
  r->set_indicators_on_track_weight(0.1);
  r->set_late_report_credit(0.5);
  r->set_returned_report_credit(1);
  rules.set_expected_revision(0);
  rules.set_reason("2026年度考评办法");
  iv1::UpdateScoringRulesResponse set;
  s = assessment_stub_->UpdateScoringRules(Context().get(), rules, &set);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(set.rules().revision(), 1);
  EXPECT_EQ(assessment_stub_->UpdateScoringRules(Context().get(), rules, &set).error_code(),
            grpc::StatusCode::ABORTED);  // revision 0 is stale now

  // Closing May freezes the correction, the contest's points and both decisions.
  iv1::MonthlyAssessment may;
  s = Close("2026-05", &may);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_NE(FindAdjustment(may, april_key), nullptr);
  EXPECT_EQ(may.rules().late_report_credit(), 0.5);
  const iv1::ScoreFact* late = FindFact(may, lead_name_, april_key);
  ASSERT_NE(late, nullptr);
  EXPECT_EQ(late->outcome(), "late");
  EXPECT_EQ(late->credit(), 0.5);
  EXPECT_EQ(late->reference(), report_name);
  ASSERT_EQ(may.decided_contests_size(), 2);
  int contest_adjustments = 0;
  for (const iv1::Adjustment& a : may.adjustments()) {
    if (a.kind() != iv1::ADJUSTMENT_KIND_CONTEST) continue;
    ++contest_adjustments;
    EXPECT_EQ(a.reference(), first.name());
    EXPECT_EQ(a.points(), 2.5);
  }
  EXPECT_EQ(contest_adjustments, 1);
  const iv1::MonthScore* score = FindScore(may, lead_name_);
  ASSERT_NE(score, nullptr);
  EXPECT_EQ(score->contest_points(), 2.5);
  EXPECT_NEAR(score->adjusted_score(), std::min(100.0, score->score() + 2.5), 1e-9);

  // June does not repeat them but keeps the contest points.
  iv1::MonthlyAssessment june;
  ASSERT_TRUE(Month("2026-06", &june).ok());
  EXPECT_EQ(FindAdjustment(june, april_key), nullptr);
  EXPECT_EQ(june.decided_contests_size(), 0);
  ASSERT_NE(FindScore(june, lead_name_), nullptr);
  EXPECT_EQ(FindScore(june, lead_name_)->contest_points(), 2.5);

  // A restart reads the closed months back as they were answered.
  indicator_.Signal(SIGTERM);
  ASSERT_TRUE(indicator_.Wait(absl::Seconds(30)).ok());
  ASSERT_NO_FATAL_FAILURE(StartIndicator(0));
  iv1::MonthlyAssessment april_after, may_after;
  ASSERT_TRUE(Eventually([&] { return Month("2026-04", &april_after).ok(); }));
  EXPECT_EQ(april_after.SerializeAsString(), april.SerializeAsString());
  ASSERT_TRUE(Month("2026-05", &may_after).ok());
  EXPECT_EQ(may_after.SerializeAsString(), may.SerializeAsString());
  iv1::ListClosedMonthsRequest list;
  list.set_plan(plan_);
  iv1::ListClosedMonthsResponse closed;
  ASSERT_TRUE(assessment_stub_->ListClosedMonths(Context().get(), list, &closed).ok());
  ASSERT_EQ(closed.months_size(), 2);
  EXPECT_EQ(closed.months(1).name(), MonthName("2026-05"));
  EXPECT_EQ(closed.months(1).decided_contest_count(), 2);
}

}  // namespace
}  // namespace ecoplan::testing
