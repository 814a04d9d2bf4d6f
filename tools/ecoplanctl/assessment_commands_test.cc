// The assessment commands (month, contest, scoring) run as command lines
// against a fake AssessmentService on 127.0.0.1 port 0: what they send, what
// they print, and how errors come out.

#include "tools/ecoplanctl/assessment_commands.h"

#include <gmock/gmock.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ecoplan/indicator/v1/assessment_service.grpc.pb.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/testing/command_test.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
using ctl_testing::FakeNotFound;
using ctl_testing::FinishFake;
using ::testing::ContainsRegex;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kPlan[] = "plans/2026-test";

iv1::ScoreFact Fact(const std::string& key, const std::string& role, const std::string& outcome,
                    double credit, const std::string& reference, const std::string& detail) {
  iv1::ScoreFact f;
  f.set_key(key);
  f.set_role(role);
  f.set_outcome(outcome);
  f.set_credit(credit);
  f.set_reference(reference);
  f.set_detail(detail);
  return f;
}

iv1::Contest MakeContest(int number, iv1::ContestState state) {
  iv1::Contest c;
  c.set_name(absl::StrCat(kPlan, "/contests/", number));
  c.set_month("2026-05");
  c.set_organization("区交通局");
  c.set_item("on_time_reporting/a1-t1-m1/2026-05");
  c.set_reason("报表于5月25日已报送，系统故障未记录");
  c.set_filed_by("reporter-jt");
  c.mutable_file_time()->set_seconds(1782000000);
  c.set_state(state);
  if (state == iv1::CONTEST_STATE_ACCEPTED) {
    c.set_points(2);
    c.set_comment("核实属实");
    c.set_decided_by("admin");
    c.mutable_decide_time()->set_seconds(1782100000);
    c.set_recorded_in_month("2026-06");
  }
  return c;
}

// A closed June 2026: four lights, two scorecards, one correction of May and
// one accepted contest of May.
iv1::MonthlyAssessment ClosedJune() {
  iv1::MonthlyAssessment a;
  a.set_name(absl::StrCat(kPlan, "/months/2026-06"));
  a.set_closed(true);
  a.mutable_as_of()->set_year(2026);
  a.mutable_as_of()->set_month(6);
  a.mutable_as_of()->set_day(30);
  a.mutable_close_time()->set_seconds(1782950400);  // 2026-07-02T00:00:00Z
  a.set_closed_by("admin");
  a.set_reason("2026年6月月度结账");
  a.mutable_rules()->set_description("weights 0.3/0.3/0.2/0.2; a late report earns 0");
  const iv1::MeasureColour colours[] = {iv1::MEASURE_COLOUR_GREEN, iv1::MEASURE_COLOUR_GREEN,
                                        iv1::MEASURE_COLOUR_YELLOW, iv1::MEASURE_COLOUR_RED};
  for (int i = 0; i < 4; ++i) {
    iv1::MeasureLight* l = a.add_measure_lights();
    l->set_measure(absl::StrCat(kPlan, "/measures/a1-t1-m", i + 1));
    l->set_colour(colours[i]);
    l->add_reasons(absl::StrCat("reason of light ", i + 1));
  }
  // The red light's checkpoint: passed, no report states it met.
  iv1::MeasureCheckpoint* missed = a.mutable_measure_lights(3)->add_checkpoints();
  missed->set_phrase("5月底前");
  missed->mutable_due_date()->set_year(2026);
  missed->mutable_due_date()->set_month(5);
  missed->mutable_due_date()->set_day(31);
  missed->set_state(iv1::MEASURE_CHECKPOINT_STATE_MISSED);
  // A supervision order open on the red light, its addressee overdue, and its ledger.
  iv1::MeasureSupervisionOrder* order = a.mutable_measure_lights(3)->add_supervision_orders();
  order->set_order(absl::StrCat(kPlan, "/supervisionOrders/2026-003"));
  order->set_level("yellow");
  order->mutable_reply_due_date()->set_year(2026);
  order->mutable_reply_due_date()->set_month(6);
  order->mutable_reply_due_date()->set_day(10);
  order->add_overdue_organizations("区交通局");
  a.mutable_measure_lights(3)->mutable_problems()->set_total(12);
  a.mutable_measure_lights(3)->mutable_problems()->set_unresolved(3);
  a.mutable_measure_lights(3)->mutable_problems()->set_overdue(1);
  iv1::Scorecard* jt = a.add_scorecards();
  jt->set_organization("区交通局");
  jt->mutable_supervision()->set_orders(1);
  jt->mutable_supervision()->set_open(1);
  jt->mutable_supervision()->set_replies_due(1);
  jt->mutable_supervision()->set_replies_overdue(1);
  jt->set_score(76.5);
  iv1::ScoreComponent* on_time = jt->add_components();
  on_time->set_name("on_time_reporting");
  on_time->set_rate(0.5);
  on_time->set_weight(0.3);
  on_time->set_points(15);
  on_time->set_detail("1 of 2 reports on time (1 late, 0 missing)");
  *on_time->add_facts() = Fact("on_time_reporting/a1-t1-m1/2026-05", "lead", "late", 0,
                               "plans/2026-test/reports/r-7", "due 2026-05-25, submitted 05-27");
  *on_time->add_facts() = Fact("on_time_reporting/a1-t1-m1/2026-06", "lead", "on_time", 1,
                               "plans/2026-test/reports/r-9", "due 2026-06-25");
  iv1::ScoreComponent* indicators = jt->add_components();
  indicators->set_name("indicators_on_track");
  indicators->set_weight(0.2);
  a.add_scorecards()->set_organization("区水务局");

  iv1::MonthScore* s = a.add_scores();
  s->set_organization("区水务局");
  s->set_score(90);
  s->set_adjusted_score(90);
  s = a.add_scores();
  s->set_organization("区交通局");
  s->set_score(76.5);
  s->set_contest_points(2);
  s->set_adjusted_score(78.5);

  iv1::Adjustment* j = a.add_adjustments();
  j->set_kind(iv1::ADJUSTMENT_KIND_CORRECTION);
  j->set_corrects_month("2026-05");
  j->set_organization("区交通局");
  j->set_item("on_time_reporting/a1-t1-m1/2026-05");
  j->set_before("missing (credit 0.00)");
  j->set_after("late (credit 0.00)");
  j->set_reference("plans/2026-test/reports/r-7");
  j->set_detail("submitted late on 2026-06-03");
  j = a.add_adjustments();
  j->set_kind(iv1::ADJUSTMENT_KIND_CONTEST);
  j->set_corrects_month("2026-05");
  j->set_organization("区交通局");
  j->set_item("on_time_reporting/a1-t1-m1/2026-05");
  j->set_before("contested");
  j->set_after("accepted");
  j->set_points(2);
  j->set_reference(absl::StrCat(kPlan, "/contests/3"));
  *a.add_decided_contests() = MakeContest(3, iv1::CONTEST_STATE_ACCEPTED);
  return a;
}

iv1::PlanScoringRules Rules(int64_t revision) {
  iv1::PlanScoringRules r;
  r.set_name(absl::StrCat(kPlan, "/scoringRules"));
  r.set_revision(revision);
  iv1::ScoringRules* s = r.mutable_rules();
  s->set_on_time_reporting_weight(0.4);
  s->set_completion_of_due_measures_weight(0.25);
  s->set_no_overdue_measures_weight(0.2);
  s->set_indicators_on_track_weight(0.15);
  s->set_late_report_credit(0.1);
  s->set_returned_report_credit(0.8);
  s->set_extensions(iv1::EXTENSION_SCORING_EXTENDED_DEADLINE);
  s->set_description("the rules in words");
  r.set_updated_by("admin");
  r.set_reason("2026年考评办法");
  return r;
}

// Answers with ClosedJune() and canned contests and rules; records every request.
class FakeAssessment final : public iv1::AssessmentService::CallbackService {
 public:
  iv1::GetMonthlyAssessmentRequest last_get() {
    std::lock_guard<std::mutex> lock(mu_);
    return get_;
  }
  iv1::CloseMonthRequest last_close() {
    std::lock_guard<std::mutex> lock(mu_);
    return close_;
  }
  iv1::ContestItemRequest last_contest() {
    std::lock_guard<std::mutex> lock(mu_);
    return contest_;
  }
  iv1::DecideContestRequest last_decide() {
    std::lock_guard<std::mutex> lock(mu_);
    return decide_;
  }
  iv1::ListContestsRequest last_list_contests() {
    std::lock_guard<std::mutex> lock(mu_);
    return list_contests_;
  }
  std::vector<iv1::UpdateScoringRulesRequest> updates() {
    std::lock_guard<std::mutex> lock(mu_);
    return updates_;
  }
  int decide_calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return decide_calls_;
  }

  grpc::ServerUnaryReactor* GetScoringRules(grpc::CallbackServerContext* ctx,
                                            const iv1::GetScoringRulesRequest* request,
                                            iv1::GetScoringRulesResponse* response) override {
    if (request->plan() != kPlan) return FinishFake(ctx, FakeNotFound(request->plan()));
    std::lock_guard<std::mutex> lock(mu_);
    *response->mutable_rules() = rules_;
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* UpdateScoringRules(grpc::CallbackServerContext* ctx,
                                               const iv1::UpdateScoringRulesRequest* request,
                                               iv1::UpdateScoringRulesResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    updates_.push_back(*request);
    if (request->has_expected_revision() && request->expected_revision() != rules_.revision()) {
      return FinishFake(
          ctx, grpc::Status(grpc::StatusCode::ABORTED,
                            absl::StrCat("the rules are at revision ", rules_.revision())));
    }
    *rules_.mutable_rules() = request->rules();
    rules_.mutable_rules()->set_description("new rules in words");
    rules_.set_revision(rules_.revision() + 1);
    rules_.set_reason(request->reason());
    *response->mutable_rules() = rules_;
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* GetMonthlyAssessment(
      grpc::CallbackServerContext* ctx, const iv1::GetMonthlyAssessmentRequest* request,
      iv1::GetMonthlyAssessmentResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    get_ = *request;
    if (request->name() != absl::StrCat(kPlan, "/months/2026-06")) {
      return FinishFake(ctx, FakeNotFound(request->name()));
    }
    *response->mutable_assessment() = ClosedJune();
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ListClosedMonths(grpc::CallbackServerContext* ctx,
                                             const iv1::ListClosedMonthsRequest* request,
                                             iv1::ListClosedMonthsResponse* response) override {
    if (request->plan() != kPlan) return FinishFake(ctx, FakeNotFound(request->plan()));
    for (const char* month : {"2026-05", "2026-06"}) {
      iv1::ClosedMonth* m = response->add_months();
      m->set_name(absl::StrCat(kPlan, "/months/", month));
      m->mutable_close_time()->set_seconds(1782950400);
      m->set_closed_by("admin");
      m->set_reason(absl::StrCat(month, " 月度结账"));
      m->set_adjustment_count(month[6] == '6' ? 2 : 0);
      m->set_decided_contest_count(month[6] == '6' ? 1 : 0);
    }
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* CloseMonth(grpc::CallbackServerContext* ctx,
                                       const iv1::CloseMonthRequest* request,
                                       iv1::CloseMonthResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    close_ = *request;
    if (request->name() != absl::StrCat(kPlan, "/months/2026-06")) {
      return FinishFake(ctx, grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                          "2026-07 has not ended (Asia/Shanghai)"));
    }
    *response->mutable_assessment() = ClosedJune();
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ContestItem(grpc::CallbackServerContext* ctx,
                                        const iv1::ContestItemRequest* request,
                                        iv1::ContestItemResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    contest_ = *request;
    *response->mutable_contest() = MakeContest(4, iv1::CONTEST_STATE_PENDING);
    response->mutable_contest()->set_item(request->item());
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* DecideContest(grpc::CallbackServerContext* ctx,
                                          const iv1::DecideContestRequest* request,
                                          iv1::DecideContestResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    ++decide_calls_;
    decide_ = *request;
    if (request->name() != absl::StrCat(kPlan, "/contests/3")) {
      return FinishFake(ctx, FakeNotFound(request->name()));
    }
    *response->mutable_contest() = MakeContest(3, iv1::CONTEST_STATE_ACCEPTED);
    response->mutable_contest()->set_points(request->points());
    response->mutable_contest()->set_comment(request->comment());
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ListContests(grpc::CallbackServerContext* ctx,
                                         const iv1::ListContestsRequest* request,
                                         iv1::ListContestsResponse* response) override {
    std::lock_guard<std::mutex> lock(mu_);
    list_contests_ = *request;
    *response->add_contests() = MakeContest(3, iv1::CONTEST_STATE_ACCEPTED);
    *response->add_contests() = MakeContest(4, iv1::CONTEST_STATE_PENDING);
    return FinishFake(ctx, grpc::Status::OK);
  }

 private:
  std::mutex mu_;
  iv1::PlanScoringRules rules_ = Rules(4);
  iv1::GetMonthlyAssessmentRequest get_;
  iv1::CloseMonthRequest close_;
  iv1::ContestItemRequest contest_;
  iv1::DecideContestRequest decide_;
  iv1::ListContestsRequest list_contests_;
  std::vector<iv1::UpdateScoringRulesRequest> updates_;
  int decide_calls_ = 0;
};

class AssessmentCommandsTest : public ctl_testing::CommandTest {
 protected:
  void SetUp() override {
    address_ = Serve({&fake_});
    ASSERT_FALSE(address_.empty());
    // The registry is never asked: every command line names the plan.
    cli_ = std::make_unique<Cli>("ecoplanctl", "127.0.0.1:1");
    for (auto& group : AssessmentCommandGroups()) cli_->AddGroup(std::move(group));
  }

  // Runs ecoplanctl --indicator <fake> --plan 2026-test `args`; output in out_ and err_.
  int Run(std::vector<std::string> args) {
    args.insert(args.begin(), {"--indicator", address_});
    args.insert(args.end(), {"--plan", "2026-test"});
    return RunCli(*cli_, args);
  }

  FakeAssessment fake_;
  std::string address_;
  std::unique_ptr<Cli> cli_;
};

TEST_F(AssessmentCommandsTest, MonthShowPrintsAClosedMonthWithItsAdjustmentsAndContest) {
  ASSERT_EQ(Run({"month", "show", "2026-06"}), 0) << err_.str();
  EXPECT_EQ(fake_.last_get().name(), "plans/2026-test/months/2026-06");
  EXPECT_EQ(fake_.last_get().organization(), "");
  const std::string out = out_.str();
  EXPECT_THAT(out, ContainsRegex("State: +closed\n"));
  EXPECT_THAT(out, ContainsRegex("As of: +2026-06-30\n"));
  EXPECT_THAT(out, ContainsRegex("Closed: +2026-07-02T00:00:00Z by admin\n"));
  EXPECT_THAT(out, ContainsRegex("Reason: +2026年6月月度结账\n"));
  EXPECT_THAT(out, ContainsRegex("Lights: +4 \\(green 2, yellow 1, red 1\\)\n"));
  // Scores in the order returned, with contest points and the adjusted score.
  EXPECT_THAT(out, ContainsRegex("区水务局 +90.00 +0 +90.00\n区交通局 +76.50 +\\+2 +78.50\n"));
  EXPECT_THAT(out, HasSubstr("Adjustments (2)"));
  EXPECT_THAT(out,
              ContainsRegex("correction +2026-05 +区交通局 +on_time_reporting/a1-t1-m1/2026-05 +"
                            "missing \\(credit 0.00\\) → late \\(credit 0.00\\) +0 +"
                            "plans/2026-test/reports/r-7 +submitted late"));
  EXPECT_THAT(out, ContainsRegex("contest +2026-05 +区交通局 +on_time_reporting/a1-t1-m1/2026-05 +"
                                 "contested → accepted +\\+2 +plans/2026-test/contests/3"));
  EXPECT_THAT(out, HasSubstr("Decided contests (1)"));
  EXPECT_THAT(out, ContainsRegex("3 +2026-05 +区交通局 +on_time_reporting/a1-t1-m1/2026-05 +"
                                 "accepted +\\+2 +2026-06 +报表于5月25日已报送"));
  // The lights are counted, not listed, and no facts without --facts.
  EXPECT_THAT(out, Not(HasSubstr("a1-t1-m4")));
  EXPECT_THAT(out, Not(HasSubstr("Facts of")));
}

TEST_F(AssessmentCommandsTest, MonthShowListsLightsAndOneOrganizationsFactsOnRequest) {
  ASSERT_EQ(Run({"month", "show", "--month", "2026-06", "--organization", "区交通局", "--lights",
                 "--facts", "区交通局"}),
            0)
      << err_.str();
  EXPECT_EQ(fake_.last_get().organization(), "区交通局");
  const std::string out = out_.str();
  // The supervision column is cut at 50 columns without --wide.
  EXPECT_THAT(out, ContainsRegex("a1-t1-m4 +red +5月底前 2026-05-31 missed +督办 2026-003 yellow "
                                 "due 2026-06-10, overdue 区\\.\\.\\. +reason of light 4"));
  out_.str("");
  ASSERT_EQ(Run({"--wide", "month", "show", "--month", "2026-06", "--lights"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), ContainsRegex("missed +督办 2026-003 yellow due 2026-06-10, overdue "
                                        "区交通局; 清单 3/12 unresolved, 1 overdue +reason of "
                                        "light 4"));
  EXPECT_THAT(out, ContainsRegex("a1-t1-m1 +green +- +- +reason of light 1"));
  EXPECT_THAT(out, HasSubstr("Supervision: 督办 1 (1 open), replies 0/1 on time, 0 late, 1 "
                             "overdue\n"));
  EXPECT_THAT(out, HasSubstr("Facts of 区交通局 (score 76.50)"));
  EXPECT_THAT(out, HasSubstr("on_time_reporting: 15.00 points (rate 0.500, weight 0.3) — 1 of 2 "
                             "reports on time"));
  EXPECT_THAT(out, ContainsRegex("on_time_reporting/a1-t1-m1/2026-05 +lead +late +0.00 +"
                                 "plans/2026-test/reports/r-7 +due 2026-05-25"));
  EXPECT_THAT(out, ContainsRegex("on_time_reporting/a1-t1-m1/2026-06 +lead +on_time +1.00"));
  EXPECT_THAT(out, HasSubstr("indicators_on_track: 0.00 points (rate -, weight 0.2)\nno facts"));

  EXPECT_EQ(Run({"month", "show", "2026-06", "--facts", "区园林绿化局"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: NOT_FOUND: 区园林绿化局 has no scorecard in "
                                    "plans/2026-test/months/2026-06"));

  ASSERT_EQ(Run({"month", "show", "plans/2026-test/months/2026-06", "--output", "json"}), 0)
      << err_.str();
  iv1::GetMonthlyAssessmentResponse json;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(out_.str(), &json).ok()) << out_.str();
  EXPECT_EQ(json.assessment().measure_lights_size(), 4);
  EXPECT_EQ(json.assessment().adjustments(0).before(), "missing (credit 0.00)");
}

TEST_F(AssessmentCommandsTest, MonthCloseSendsTheMonthReasonAndRequestIdAndListShowsClosedMonths) {
  ASSERT_EQ(Run({"month", "close", "--month", "2026-06", "--reason", "2026年6月月度结账",
                 "--request-id", "r-1"}),
            0)
      << err_.str();
  EXPECT_EQ(fake_.last_close().name(), "plans/2026-test/months/2026-06");
  EXPECT_EQ(fake_.last_close().reason(), "2026年6月月度结账");
  EXPECT_EQ(fake_.last_close().request_id(), "r-1");
  EXPECT_THAT(out_.str(), StartsWith("Closed plans/2026-test/months/2026-06\n"));
  EXPECT_THAT(out_.str(), HasSubstr("Adjustments (2)"));
  EXPECT_EQ(err_.str(), "");

  // Without --request-id one is generated and printed on stderr.
  ASSERT_EQ(Run({"month", "close", "2026-06", "--reason", "again"}), 0) << err_.str();
  EXPECT_THAT(fake_.last_close().request_id(), StartsWith("ctl-"));
  EXPECT_THAT(err_.str(), HasSubstr(absl::StrCat("request id: ", fake_.last_close().request_id(),
                                                 " (retry with --request-id)")));

  ASSERT_EQ(Run({"month", "list"}), 0) << err_.str();
  EXPECT_THAT(out_.str(),
              ContainsRegex("MONTH +CLOSED +BY +ADJUSTMENTS +CONTESTS DECIDED +REASON"));
  EXPECT_THAT(out_.str(), ContainsRegex("2026-06 +2026-07-02T00:00:00Z +admin +2 +1 +2026-06 "));
  EXPECT_THAT(out_.str(), HasSubstr("2 closed months"));
}

TEST_F(AssessmentCommandsTest, ErrorsAndUsageErrorsAreMappedAsForEveryCommand) {
  // The server's refusal: exit 1 with its code.
  EXPECT_EQ(Run({"month", "close", "--month", "2026-07", "--reason", "too early"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: FAILED_PRECONDITION: 2026-07 has not ended"));
  EXPECT_EQ(Run({"month", "show", "2026-05"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: NOT_FOUND: plans/2026-test/months/2026-05 not found"));
  // Usage errors: exit 2, nothing sent.
  EXPECT_EQ(Run({"month", "close", "--month", "2026-06"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--reason is required"));
  EXPECT_EQ(Run({"month", "show", "June"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("\"June\" is not a month (YYYY-MM"));
  EXPECT_EQ(Run({"month", "show", "2026-05", "--month", "2026-06"}), 2);
  EXPECT_EQ(Run({"contest", "list", "--month", "2026/06"}), 2);
  EXPECT_EQ(Run({"contest", "decide", "3", "--comment", "x"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("give one of --accept or --reject"));
  EXPECT_EQ(Run({"contest", "decide", "3", "--reject", "--points", "2", "--comment", "x"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--points applies only with --accept"));
  EXPECT_EQ(Run({"contest", "decide", "3", "--accept", "--points", "two", "--comment", "x"}), 2);
  EXPECT_EQ(Run({"contest", "decide", "three", "--accept", "--comment", "x"}), 2);
  EXPECT_EQ(Run({"contest", "decide", "3", "--accept"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--comment is required"));
  EXPECT_EQ(fake_.decide_calls(), 0);
  EXPECT_EQ(Run({"contest", "file", "--month", "2026-05", "--item", "x", "--reason", "r"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--organization is required"));
  EXPECT_EQ(Run({"scoring", "set", "--late-credit", "half", "--reason", "r"}), 2);
  EXPECT_EQ(Run({"scoring", "set", "--extensions", "later", "--reason", "r"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--extensions must be extended or plan"));
  EXPECT_EQ(Run({"scoring", "set", "--reason", "r"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("nothing to change"));
  EXPECT_EQ(Run({"scoring", "set", "--late-credit", "0.5"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--reason is required"));
  EXPECT_TRUE(fake_.updates().empty());
  EXPECT_EQ(Run({"month", "frob"}), 2);
  EXPECT_EQ(Run({"contest", "--help"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("decide"));
}

TEST_F(AssessmentCommandsTest, ContestFileDecideAndListSendWhatTheFlagsSay) {
  ASSERT_EQ(Run({"contest", "file", "--month", "2026-05", "--organization", "区交通局", "--item",
                 "on_time_reporting/a1-t1-m1/2026-05", "--reason", "报表已按时报送", "--request-id",
                 "c-1"}),
            0)
      << err_.str();
  const iv1::ContestItemRequest filed = fake_.last_contest();
  EXPECT_EQ(filed.month(), "plans/2026-test/months/2026-05");
  EXPECT_EQ(filed.organization(), "区交通局");
  EXPECT_EQ(filed.item(), "on_time_reporting/a1-t1-m1/2026-05");
  EXPECT_EQ(filed.reason(), "报表已按时报送");
  EXPECT_EQ(filed.request_id(), "c-1");
  EXPECT_THAT(out_.str(), ContainsRegex("Contest: +plans/2026-test/contests/4\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("State: +pending\n"));
  EXPECT_THAT(out_.str(), Not(HasSubstr("Recorded in")));

  ASSERT_EQ(Run({"contest", "decide", "3", "--accept", "--points", "2.5", "--comment", "核实属实",
                 "--request-id", "d-1"}),
            0)
      << err_.str();
  const iv1::DecideContestRequest decided = fake_.last_decide();
  EXPECT_EQ(decided.name(), "plans/2026-test/contests/3");
  EXPECT_TRUE(decided.accept());
  EXPECT_EQ(decided.points(), 2.5);
  EXPECT_EQ(decided.comment(), "核实属实");
  EXPECT_EQ(decided.request_id(), "d-1");
  EXPECT_THAT(out_.str(), ContainsRegex("State: +accepted\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("Points: +\\+2.5\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("Recorded in: +2026-06\n"));

  ASSERT_EQ(Run({"contest", "decide", "3", "--reject", "--comment", "不属实"}), 0) << err_.str();
  EXPECT_FALSE(fake_.last_decide().accept());
  EXPECT_EQ(fake_.last_decide().points(), 0);
  EXPECT_EQ(fake_.last_decide().comment(), "不属实");

  EXPECT_EQ(Run({"contest", "decide", "9", "--reject", "--comment", "x"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("error: NOT_FOUND: plans/2026-test/contests/9 not found"));

  ASSERT_EQ(Run({"contest", "list", "--month", "2026-05", "--organization", "区交通局"}), 0)
      << err_.str();
  EXPECT_EQ(fake_.last_list_contests().plan(), kPlan);
  EXPECT_EQ(fake_.last_list_contests().month(), "2026-05");
  EXPECT_EQ(fake_.last_list_contests().organization(), "区交通局");
  EXPECT_THAT(out_.str(), ContainsRegex("3 +2026-05 +区交通局 .* accepted +\\+2 +2026-06"));
  EXPECT_THAT(out_.str(), ContainsRegex("4 +2026-05 +区交通局 .* pending "));
  EXPECT_THAT(out_.str(), HasSubstr("2 contests"));
}

TEST_F(AssessmentCommandsTest, ScoringSetReadsTheRulesAndChangesOnlyTheFieldsGiven) {
  ASSERT_EQ(Run({"scoring", "show"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), ContainsRegex("Revision: +4\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("On-time weight: +0.4\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("Late credit: +0.1\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("Extensions: +extended"));
  EXPECT_THAT(out_.str(), ContainsRegex("Reason: +2026年考评办法\n"));

  EXPECT_THAT(out_.str(), ContainsRegex("Supervision replies weight: +0\n"));  // not scored
  EXPECT_THAT(out_.str(), ContainsRegex("Yellow before due: +30 days\n"));     // unset: default
  EXPECT_THAT(out_.str(), ContainsRegex("Red after missed: +2 reports\n"));

  ASSERT_EQ(Run({"scoring", "set", "--late-credit", "0.5", "--extensions", "plan", "--reason",
                 "区委考评办法第3条", "--request-id", "s-1", "--red-missed-reports", "3",
                 "--yellow-days-before-checkpoint", "10", "--checkpoints-weight", "0.1"}),
            0)
      << err_.str();
  ASSERT_EQ(fake_.updates().size(), 1u);
  const iv1::UpdateScoringRulesRequest sent = fake_.updates()[0];
  EXPECT_EQ(sent.plan(), kPlan);
  EXPECT_EQ(sent.rules().late_report_credit(), 0.5);
  EXPECT_EQ(sent.rules().extensions(), iv1::EXTENSION_SCORING_PLAN_DEADLINE);
  // The rest as read.
  EXPECT_EQ(sent.rules().on_time_reporting_weight(), 0.4);
  EXPECT_EQ(sent.rules().completion_of_due_measures_weight(), 0.25);
  EXPECT_EQ(sent.rules().no_overdue_measures_weight(), 0.2);
  EXPECT_EQ(sent.rules().indicators_on_track_weight(), 0.15);
  EXPECT_EQ(sent.rules().returned_report_credit(), 0.8);
  EXPECT_EQ(sent.rules().description(), "");  // output only
  EXPECT_EQ(sent.rules().checkpoints_met_weight(), 0.1);
  EXPECT_EQ(sent.rules().light_rules().red_missed_reports(), 3);
  EXPECT_EQ(sent.rules().light_rules().yellow_days_before_checkpoint(), 10);
  EXPECT_FALSE(sent.rules().light_rules().has_yellow_days_before_due());  // as read: unset
  ASSERT_TRUE(sent.has_expected_revision());
  EXPECT_EQ(sent.expected_revision(), 4);  // the revision read
  EXPECT_EQ(sent.reason(), "区委考评办法第3条");
  EXPECT_EQ(sent.request_id(), "s-1");
  EXPECT_THAT(out_.str(), StartsWith("Revision 4 → 5\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("Late credit: +0.5\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("Extensions: +plan \\(the plan's own deadline"));
  EXPECT_THAT(out_.str(), ContainsRegex("Red after missed: +3 reports\n"));
  EXPECT_THAT(out_.str(), ContainsRegex("Yellow before checkpoint: +10 days\n"));
  // A light rule that is not a whole number: a usage error, nothing sent.
  EXPECT_EQ(Run({"scoring", "set", "--red-missed-reports", "two", "--reason", "r"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--red-missed-reports needs a whole number, not \"two\""));
  ASSERT_EQ(fake_.updates().size(), 1u);

  // A stale --expected-revision: the server's ABORTED, exit 1.
  EXPECT_EQ(Run({"scoring", "set", "--on-time-weight", "0.35", "--completion-weight", "0.35",
                 "--no-overdue-weight", "0.15", "--indicators-weight", "0.15", "--returned-credit",
                 "1", "--reason", "r", "--expected-revision", "2"}),
            1);
  EXPECT_THAT(err_.str(), HasSubstr("error: ABORTED: the rules are at revision 5"));
  ASSERT_EQ(fake_.updates().size(), 2u);
  const iv1::UpdateScoringRulesRequest stale = fake_.updates()[1];
  EXPECT_EQ(stale.expected_revision(), 2);
  EXPECT_EQ(stale.rules().on_time_reporting_weight(), 0.35);
  EXPECT_EQ(stale.rules().completion_of_due_measures_weight(), 0.35);
  EXPECT_EQ(stale.rules().no_overdue_measures_weight(), 0.15);
  EXPECT_EQ(stale.rules().indicators_on_track_weight(), 0.15);
  EXPECT_EQ(stale.rules().returned_report_credit(), 1);
  EXPECT_EQ(stale.rules().late_report_credit(), 0.5);  // kept from revision 5
  EXPECT_EQ(stale.rules().extensions(), iv1::EXTENSION_SCORING_PLAN_DEADLINE);

  ASSERT_EQ(Run({"scoring", "show", "--output", "json"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("\"revision\":\"5\""));
  EXPECT_THAT(out_.str(), HasSubstr("\"extensions\":\"EXTENSION_SCORING_PLAN_DEADLINE\""));
}

}  // namespace
}  // namespace ecoplan::ctl
