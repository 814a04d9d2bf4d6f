// The progress commands against in-process fake ProgressService and
// RegistryService servers on 127.0.0.1 port 0: what they send and print.

#include "tools/ecoplanctl/progress_commands.h"

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <mutex>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "tools/ecoplanctl/testing/command_test.h"

namespace ecoplan::ctl {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using ctl_testing::FinishFake;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kPlan[] = "plans/2026-5b6a16527908";

class FakeRegistry final : public rv1::RegistryService::CallbackService {
 public:
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* ctx,
                                      const rv1::ListPlansRequest*,
                                      rv1::ListPlansResponse* response) override {
    response->add_plans()->set_name(kPlan);
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ResolveOrganization(
      grpc::CallbackServerContext* ctx, const rv1::ResolveOrganizationRequest* request,
      rv1::ResolveOrganizationResponse* response) override {
    auto* r = ctx->DefaultReactor();
    if (request->written_name() == "区交通局") {
      response->add_organizations()->set_name("organizations/o-traffic0001");
      r->Finish(grpc::Status::OK);
    } else if (request->written_name() == "区城指中心") {
      response->add_organizations()->set_name("organizations/o-center0001");
      r->Finish(grpc::Status::OK);
    } else {
      r->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown"));
    }
    return r;
  }
};

class FakeProgress final : public pv1::ProgressService::CallbackService {
 public:
  grpc::ServerUnaryReactor* SubmitReport(grpc::CallbackServerContext* ctx,
                                         const pv1::SubmitReportRequest* request,
                                         pv1::SubmitReportResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      submitted = *request;
    }
    pv1::Report* r = response->mutable_report();
    r->set_name(absl::StrCat(request->parent(), "/reports/o-traffic0001_", request->period()));
    r->set_organization(request->organization());
    r->set_organization_display_name("区交通局");
    r->set_period(request->period());
    r->set_state(pv1::REPORT_STATE_SUBMITTED);
    r->set_revision(2);
    r->set_etag("r2");
    *r->mutable_entries() = request->entries();
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* PrefillReport(grpc::CallbackServerContext* ctx,
                                          const pv1::PrefillReportRequest* request,
                                          pv1::PrefillReportResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      prefilled = *request;
    }
    pv1::Report* r = response->mutable_report();
    r->set_name(absl::StrCat(request->parent(), "/reports/o-traffic0001_", request->period()));
    r->set_state(pv1::REPORT_STATE_DRAFT);
    pv1::ReportEntry* e = r->add_entries();
    e->set_measure(request->entries(0).measure());
    pv1::FieldProvenance* p = e->add_provenance();
    p->set_field("values[新能源货车数量]");
    p->set_origin(pv1::FIELD_ORIGIN_PREFILLED);
    p->set_prefilled_value("240 辆");
    *p->mutable_source() = request->entries(0).source();
    response->add_kept_fields(absl::StrCat("entries[a1-t3-m2].work_done"));
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* GetReport(grpc::CallbackServerContext* ctx,
                                      const pv1::GetReportRequest* request,
                                      pv1::GetReportResponse* response) override {
    response->mutable_report()->set_name(request->name());
    response->mutable_report()->set_etag("r1");
    response->mutable_report()->set_state(pv1::REPORT_STATE_SUBMITTED);
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ReturnReport(grpc::CallbackServerContext* ctx,
                                         const pv1::ReturnReportRequest* request,
                                         pv1::ReturnReportResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      returned = *request;
    }
    response->mutable_report()->set_name(request->name());
    response->mutable_report()->set_state(pv1::REPORT_STATE_RETURNED);
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* GetSubmissionStatus(
      grpc::CallbackServerContext* ctx, const pv1::GetSubmissionStatusRequest* request,
      pv1::GetSubmissionStatusResponse* response) override {
    response->set_period(request->period());
    auto* o = response->add_organizations();
    o->set_organization("organizations/o-traffic0001");
    o->set_organization_display_name("区交通局");
    o->set_state(pv1::SUBMISSION_STATE_MISSING);
    o->set_owned_measure_count(2);
    o->add_measures_without_entry(absl::StrCat(kPlan, "/measures/a1-t3-m2"));
    o->add_measures_without_entry(absl::StrCat(kPlan, "/measures/a1-t3-m4"));
    response->set_missing_count(1);
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* LoadHolidays(grpc::CallbackServerContext* ctx,
                                         const pv1::LoadHolidaysRequest* request,
                                         pv1::LoadHolidaysResponse* response) override {
    *response->mutable_holidays() = request->holidays();
    return FinishFake(ctx, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* ConfirmCompletion(grpc::CallbackServerContext* ctx,
                                              const pv1::ConfirmCompletionRequest* request,
                                              pv1::ConfirmCompletionResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      confirmed = *request;
    }
    pv1::Completion* c = response->mutable_completion();
    c->set_name(request->name());
    c->set_state(pv1::COMPLETION_STATE_CONFIRMED);
    c->set_indicator_check_overridden(request->override_indicator_check());
    c->set_override_reason(request->override_reason());
    c->add_indicator_checks("m-a1-t3-m2-1 «新能源货车占比»: OFF_TRACK; latest value 26 %");
    return FinishFake(ctx, grpc::Status::OK);
  }

  grpc::ServerUnaryReactor* IssueSupervisionOrder(
      grpc::CallbackServerContext* ctx, const pv1::IssueSupervisionOrderRequest* request,
      pv1::IssueSupervisionOrderResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      issued = *request;
    }
    pv1::SupervisionOrder* o = response->mutable_order();
    o->set_name(absl::StrCat(request->parent(), "/supervisionOrders/2026-001"));
    o->set_title(request->title());
    o->set_level(request->level());
    *o->mutable_source() = request->source();
    *o->mutable_measures() = request->measures();
    o->set_state(pv1::SUPERVISION_ORDER_STATE_OPEN);
    o->set_external_case_number(request->external_case_number());
    o->set_requesting_organization(request->requesting_organization());
    o->mutable_reply_due_date()->set_year(2026);
    o->mutable_reply_due_date()->set_month(5);
    o->mutable_reply_due_date()->set_day(27);
    o->set_etag("s1");
    for (const std::string& org : request->organizations()) {
      pv1::SupervisionAddressee* a = o->add_addressees();
      a->set_organization(org);
      a->set_organization_display_name("区交通局");
      a->set_state(pv1::SUPERVISION_REPLY_STATE_AWAITING_REPLY);
    }
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* VerifySupervisionReply(
      grpc::CallbackServerContext* ctx, const pv1::VerifySupervisionReplyRequest* request,
      pv1::VerifySupervisionReplyResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      verified = *request;
    }
    response->mutable_order()->set_name(request->name());
    pv1::SupervisionAddressee* a = response->mutable_order()->add_addressees();
    a->set_organization(request->organization());
    a->set_state(request->decision() == pv1::DECISION_APPROVE
                     ? pv1::SUPERVISION_REPLY_STATE_ACCEPTED
                     : pv1::SUPERVISION_REPLY_STATE_RETURNED);
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* CloseSupervisionOrder(grpc::CallbackServerContext* ctx,
                                                  const pv1::CloseSupervisionOrderRequest* request,
                                                  pv1::CloseSupervisionOrderResponse*) override {
    return FinishFake(ctx, grpc::Status(grpc::StatusCode::FAILED_PRECONDITION,
                                        absl::StrCat("supervision order ", request->name(),
                                                     " cannot be closed: not every reply is "
                                                     "accepted yet: organizations/o-traffic0001 "
                                                     "(RETURNED)")));
  }

  grpc::ServerUnaryReactor* AcknowledgeSupervisionOrder(
      grpc::CallbackServerContext* ctx, const pv1::AcknowledgeSupervisionOrderRequest* request,
      pv1::AcknowledgeSupervisionOrderResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      acknowledged = *request;
    }
    pv1::SupervisionOrder* o = response->mutable_order();
    o->set_name(request->name());
    o->set_external_case_number(request->external_case_number());
    o->set_issuing_organization("organizations/o-duchashi");
    pv1::SupervisionAcknowledgement* a = o->add_acknowledgements();
    a->set_acknowledged_by("chengzhi.zhao");
    a->set_comment(request->comment());
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* ImportProblemItems(grpc::CallbackServerContext* ctx,
                                               const pv1::ImportProblemItemsRequest* request,
                                               pv1::ImportProblemItemsResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      imported = *request;
    }
    response->set_rows(2);
    response->set_accepted(1);
    pv1::ImportRowError* e = response->add_errors();
    e->set_line(3);
    e->set_column("整改期限");
    e->set_message("\"2026-02-30\" is not a date: write YYYY-MM-DD or YYYY/M/D");
    if (!request->validate_only()) {
      pv1::ProblemItem* i = response->add_items();
      i->set_name(absl::StrCat(kPlan, "/problems/00001"));
      i->set_code("PWK-001");
      i->set_organization_display_name("龙泉镇");
      i->set_title("永定河左岸排污口");
    }
    return FinishFake(ctx, grpc::Status::OK);
  }
  grpc::ServerUnaryReactor* TransitionProblemItem(
      grpc::CallbackServerContext* ctx, const pv1::TransitionProblemItemRequest* request,
      pv1::TransitionProblemItemResponse* response) override {
    {
      std::lock_guard<std::mutex> lock(mu);
      stepped = *request;
    }
    pv1::ProblemItem* i = response->mutable_item();
    i->set_name(request->name());
    i->set_state(pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED);
    pv1::ProblemStep* s = i->add_steps();
    s->set_transition(request->transition());
    s->set_state(pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED);
    s->set_actor("longquan.li");
    for (const std::string& l : request->evidence_links()) s->add_evidence_links(l);
    return FinishFake(ctx, grpc::Status::OK);
  }

  std::mutex mu;
  pv1::AcknowledgeSupervisionOrderRequest acknowledged;
  pv1::ImportProblemItemsRequest imported;
  pv1::TransitionProblemItemRequest stepped;
  pv1::SubmitReportRequest submitted;
  pv1::PrefillReportRequest prefilled;
  pv1::ReturnReportRequest returned;
  pv1::ConfirmCompletionRequest confirmed;
  pv1::IssueSupervisionOrderRequest issued;
  pv1::VerifySupervisionReplyRequest verified;
};

class ProgressCommandsTest : public ctl_testing::CommandTest {
 protected:
  void SetUp() override {
    address_ = Serve({&registry_, &progress_});
    ASSERT_FALSE(address_.empty());
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    pstub_ = pv1::ProgressService::NewStub(channel_);
    rstub_ = rv1::RegistryService::NewStub(channel_);
    ctx_.progress = pstub_.get();
    ctx_.registry = rstub_.get();
    ctx_.notes = &notes_;
  }

  // Runs a whole command line through the Cli, as the binary does.
  int Run(std::vector<std::string> args) {
    Cli cli("ecoplanctl", address_);
    for (auto& group : ProgressCommandGroups()) cli.AddGroup(std::move(group));
    args.insert(args.begin(), absl::StrCat("--progress=", address_));
    return RunCli(cli, args);
  }

  FakeRegistry registry_;
  FakeProgress progress_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pv1::ProgressService::Stub> pstub_;
  std::unique_ptr<rv1::RegistryService::Stub> rstub_;
  ProgressContext ctx_;
  std::ostringstream notes_;
};

TEST_F(ProgressCommandsTest, SubmitFromFlagsResolvesNamesReadsTheEtagAndPrintsTheReport) {
  ASSERT_EQ(Run({"report",      "submit",         "--org",
                 "区交通局",    "--period",       "2026-05",
                 "--measure",   "a1-t3-m2",       "--status",
                 "in-progress", "--percent",      "46",
                 "--work-done", "推广新能源货车", "--next-steps",
                 "继续",        "--value",        "新能源货车占比=46.5%",
                 "--evidence",  "https://a.cn/1"}),
            0)
      << err_.str();
  std::lock_guard<std::mutex> lock(progress_.mu);
  const pv1::SubmitReportRequest& r = progress_.submitted;
  EXPECT_EQ(r.parent(), kPlan);
  EXPECT_EQ(r.organization(), "organizations/o-traffic0001");
  EXPECT_EQ(r.etag(), "r1");  // read from GetReport
  ASSERT_EQ(r.entries_size(), 1);
  EXPECT_EQ(r.entries(0).measure(), absl::StrCat(kPlan, "/measures/a1-t3-m2"));
  EXPECT_EQ(r.entries(0).values(0).value(), 46.5);
  EXPECT_EQ(r.entries(0).values(0).unit(), "%");
  EXPECT_FALSE(r.request_id().empty());
  EXPECT_THAT(err_.str(), HasSubstr("request id: ctl-"));
  EXPECT_THAT(out_.str(), HasSubstr("区交通局"));
  EXPECT_THAT(out_.str(), HasSubstr("IN_PROGRESS"));
}

TEST_F(ProgressCommandsTest, SubmitStatesCheckpointsMetByTheirDueDayAndShowsThem) {
  ASSERT_EQ(Run({"report", "submit", "--org", "区交通局", "--period", "2026-06", "--measure",
                 "a1-t3-m2", "--work-done", "完成", "--next-steps", "继续", "--checkpoint-met",
                 "2026-05-31:5月底前", "--checkpoint-met", "2026-06-30"}),
            0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    const pv1::ReportEntry& e = progress_.submitted.entries(0);
    ASSERT_EQ(e.met_checkpoints_size(), 2);
    EXPECT_EQ(e.met_checkpoints(0).due_date().month(), 5);
    EXPECT_EQ(e.met_checkpoints(0).due_date().day(), 31);
    EXPECT_EQ(e.met_checkpoints(0).phrase(), "5月底前");
    EXPECT_EQ(e.met_checkpoints(1).due_date().month(), 6);
    EXPECT_EQ(e.met_checkpoints(1).phrase(), "");
  }
  EXPECT_THAT(out_.str(), HasSubstr("checkpoints met"));
  EXPECT_THAT(out_.str(), HasSubstr("5月底前 2026-05-31, 2026-06-30"));

  EXPECT_EQ(Run({"report", "submit", "--org", "区交通局", "--period", "2026-06", "--measure",
                 "a1-t3-m2", "--checkpoint-met", "5月底前"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("--checkpoint-met needs a date YYYY-MM-DD"));
}

TEST_F(ProgressCommandsTest, SubmitFromAJsonFile) {
  const std::string path = ::testing::TempDir() + "/report.json";
  std::ofstream(path)
      << R"({"period":"2026-06","entries":[{"measure":")" << kPlan
      << R"(/measures/a1-t3-m2","status":"MEASURE_STATUS_COMPLETED","percentDone":100,"workDone":"完成"}]})";
  ASSERT_EQ(
      Run({"report", "submit", "--org", "o-traffic0001", "--file", path, "--request-id", "x1"}), 0)
      << err_.str();
  std::lock_guard<std::mutex> lock(progress_.mu);
  EXPECT_EQ(progress_.submitted.period(), "2026-06");
  EXPECT_EQ(progress_.submitted.request_id(), "x1");
  EXPECT_EQ(progress_.submitted.entries(0).status(), pv1::MEASURE_STATUS_COMPLETED);
}

TEST_F(ProgressCommandsTest, PrefillSendsOneEntryFromFlagsWithItsSource) {
  EXPECT_EQ(Run({"report", "prefill", "--org", "o-traffic0001", "--period", "2026-05", "--measure",
                 "a1-t3-m2", "--value", "新能源货车数量=240辆"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("--source-system"));
  ASSERT_EQ(Run({"report", "prefill", "--org", "o-traffic0001", "--period", "2026-05", "--measure",
                 "a1-t3-m2", "--value", "新能源货车数量=240辆", "--source-system",
                 "市生态环境统计系统", "--source-record", "HJTJ-0117", "--filed",
                 "2026-05-10T09:00:00+08:00", "--request-id", "p1"}),
            0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    const pv1::PrefillReportRequest& r = progress_.prefilled;
    EXPECT_EQ(r.request_id(), "p1");
    ASSERT_EQ(r.entries_size(), 1);
    EXPECT_EQ(r.entries(0).measure(), absl::StrCat(kPlan, "/measures/a1-t3-m2"));
    EXPECT_EQ(r.entries(0).source().system(), "市生态环境统计系统");
    EXPECT_EQ(r.entries(0).source().record_id(), "HJTJ-0117");
    EXPECT_EQ(r.entries(0).source().file_time().seconds(), 1778374800);  // 01:00Z
    ASSERT_EQ(r.entries(0).values_size(), 1);
    EXPECT_EQ(r.entries(0).values(0).value().value(), 240);
    EXPECT_EQ(r.entries(0).values(0).value().unit(), "辆");
  }
  EXPECT_THAT(out_.str(), HasSubstr("values[新能源货车数量]"));
  EXPECT_THAT(out_.str(), HasSubstr("PREFILLED"));
  EXPECT_THAT(out_.str(), HasSubstr("HJTJ-0117"));
  EXPECT_THAT(out_.str(),
              HasSubstr("kept as the organization typed it: entries[a1-t3-m2].work_done"));
}

TEST_F(ProgressCommandsTest, StatusPrintsWhoHasNotReportedAndWhatIsMissing) {
  ASSERT_EQ(Run({"report", "status", "--period", "2026-05"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("MISSING"));
  EXPECT_THAT(out_.str(), HasSubstr("2/2 a1-t3-m2,a1-t3-m4"));
  ASSERT_EQ(Run({"--output", "json", "report", "status", "--period", "2026-05"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("\"missingCount\":1"));
}

TEST_F(ProgressCommandsTest, ReturnNeedsACommentAndSendsTheCurrentEtag) {
  EXPECT_EQ(Run({"report", "return", "--org", "区交通局", "--period", "2026-05"}), 2);
  ASSERT_EQ(Run({"report", "return", "--org", "区交通局", "--period", "2026-05", "--comment",
                 "请补充数据来源"}),
            0)
      << err_.str();
  std::lock_guard<std::mutex> lock(progress_.mu);
  EXPECT_EQ(progress_.returned.name(), absl::StrCat(kPlan, "/reports/o-traffic0001_2026-05"));
  EXPECT_EQ(progress_.returned.etag(), "r1");
}

TEST_F(ProgressCommandsTest, HolidaysLoadReadsTheDayList) {
  const std::string path = ::testing::TempDir() + "/holidays.txt";
  std::ofstream(path) << "# 国庆节\n2026-10-01\n2026-10-02 holiday\n2026-10-10 workday\n";
  ASSERT_EQ(Run({"holidays", "load", path}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("loaded 2 holidays and 1 make-up working days for 2026"));
  std::ofstream(path) << "2026-13-01\n";
  EXPECT_EQ(Run({"holidays", "load", path}), 2);
}

TEST_F(ProgressCommandsTest, UnknownOrganizationIsAnError) {
  EXPECT_EQ(Run({"report", "show", "--org", "无此单位", "--period", "2026-05"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("NOT_FOUND"));
}

TEST_F(ProgressCommandsTest, ConfirmOverridesTheIndicatorCheckOnlyWithAReason) {
  EXPECT_NE(Run({"completion", "confirm", "a1-t3-m2", "1", "--override-indicator-check"}), 0);
  EXPECT_THAT(err_.str(), HasSubstr("--reason"));
  EXPECT_NE(Run({"completion", "confirm", "a1-t3-m2", "1", "--reason", "数据未入库"}), 0);
  ASSERT_EQ(Run({"completion", "confirm", "a1-t3-m2", "1", "--override-indicator-check", "--reason",
                 "数据未入库，已核验台账"}),
            0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.confirmed.name(), absl::StrCat(kPlan, "/measures/a1-t3-m2/completions/1"));
    EXPECT_TRUE(progress_.confirmed.override_indicator_check());
    EXPECT_EQ(progress_.confirmed.override_reason(), "数据未入库，已核验台账");
  }
  EXPECT_THAT(out_.str(), HasSubstr("indicator check overridden: 数据未入库，已核验台账"));
  EXPECT_THAT(out_.str(), HasSubstr("OFF_TRACK; latest value 26 %"));
  ASSERT_EQ(Run({"completion", "confirm", "a1-t3-m2", "1"}), 0) << err_.str();
  std::lock_guard<std::mutex> lock(progress_.mu);
  EXPECT_FALSE(progress_.confirmed.override_indicator_check());
  EXPECT_EQ(progress_.confirmed.override_reason(), "");
}

TEST_F(ProgressCommandsTest, SupervisionIssueSendsTheOrderInTheUsersWordsAndShowsIt) {
  ASSERT_EQ(Run({"supervision", "issue", "--title", "关于渣土车遗撒的督办", "--description",
                 "请核实处置", "--source", "12345", "--ref", "12345-0042", "--level", "黄",
                 "--measure", "a1-t3-m2", "--org", "区交通局", "--case-number", "MTG-0199"}),
            0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.issued.parent(), kPlan);
    EXPECT_EQ(progress_.issued.level(), pv1::SUPERVISION_LEVEL_YELLOW);
    EXPECT_EQ(progress_.issued.source().kind(), pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET);
    EXPECT_EQ(progress_.issued.source().reference(), "12345-0042");
    ASSERT_EQ(progress_.issued.measures_size(), 1);
    EXPECT_EQ(progress_.issued.measures(0), absl::StrCat(kPlan, "/measures/a1-t3-m2"));
    ASSERT_EQ(progress_.issued.organizations_size(), 1);
    EXPECT_EQ(progress_.issued.organizations(0), "organizations/o-traffic0001");
    EXPECT_TRUE(progress_.issued.requesting_organization().empty());
    EXPECT_FALSE(progress_.issued.request_id().empty());
  }
  EXPECT_THAT(out_.str(), Not(HasSubstr("requested by")));
  EXPECT_THAT(out_.str(), HasSubstr("supervisionOrders/2026-001"));
  EXPECT_THAT(out_.str(), HasSubstr("黄 YELLOW"));
  EXPECT_THAT(out_.str(), HasSubstr("2026-05-27"));
  EXPECT_THAT(out_.str(), HasSubstr("MTG-0199"));
  EXPECT_THAT(out_.str(), HasSubstr("source:       12345 接诉即办  12345-0042\n"));
  EXPECT_THAT(out_.str(), HasSubstr("待回复"));
  // Words the service does not know are usage errors, before any call.
  EXPECT_EQ(Run({"supervision", "issue", "--title", "t", "--source", "12345", "--level", "紫",
                 "--measure", "a1-t3-m2"}),
            2);
  EXPECT_THAT(err_.str(), HasSubstr("--level"));
}

TEST_F(ProgressCommandsTest, SupervisionIssueNamesTheRequestingOrganizationByNameOrId) {
  ASSERT_EQ(Run({"supervision", "issue", "--title", "12345 转办", "--description", "请核实处置",
                 "--source", "12345", "--ref", "12345-0042", "--level", "blue", "--measure",
                 "a1-t3-m2", "--requesting-org", "区城指中心"}),
            0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.issued.requesting_organization(), "organizations/o-center0001");
    EXPECT_EQ(progress_.issued.organizations_size(), 0);
  }
  EXPECT_THAT(out_.str(), HasSubstr("requested by: o-center0001\n"));
  out_.str("");
  ASSERT_EQ(Run({"supervision", "issue", "--title", "t", "--description", "d", "--source", "ad-hoc",
                 "--level", "blue", "--measure", "a1-t3-m2", "--requesting-org", "o-center0002"}),
            0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.issued.requesting_organization(), "organizations/o-center0002");
  }
  // A name the registry does not know fails before the order is issued.
  EXPECT_NE(Run({"supervision", "issue", "--title", "t", "--description", "d", "--source", "ad-hoc",
                 "--level", "blue", "--measure", "a1-t3-m2", "--requesting-org", "不存在的单位"}),
            0);
  std::lock_guard<std::mutex> lock(progress_.mu);
  EXPECT_EQ(progress_.issued.requesting_organization(), "organizations/o-center0002");
}

TEST_F(ProgressCommandsTest, SupervisionVerifyNeedsAcceptOrReturnAndCloseShowsWhoIsOutstanding) {
  EXPECT_EQ(Run({"supervision", "verify", "2026-001", "--org", "区交通局"}), 2);
  ASSERT_EQ(Run({"supervision", "verify", "2026-001", "--org", "区交通局", "--return", "--comment",
                 "未附现场照片"}),
            0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.verified.name(), absl::StrCat(kPlan, "/supervisionOrders/2026-001"));
    EXPECT_EQ(progress_.verified.decision(), pv1::DECISION_REJECT);
    EXPECT_EQ(progress_.verified.comment(), "未附现场照片");
  }
  EXPECT_THAT(out_.str(), HasSubstr("已退回"));
  EXPECT_EQ(Run({"supervision", "close", "2026-001"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("FAILED_PRECONDITION"));
  EXPECT_THAT(err_.str(), HasSubstr("o-traffic0001 (RETURNED)"));
  // The help speaks the users' words.
  Run({"supervision", "--help"});
  EXPECT_THAT(out_.str() + err_.str(), HasSubstr("销号"));
}

TEST_F(ProgressCommandsTest, SupervisionAckSendsTheCaseNumberAndShowsTheAcknowledgement) {
  ASSERT_EQ(
      Run({"supervision", "ack", "2026-001", "--case-number", "MTG-0777", "--comment", "已签收"}),
      0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.acknowledged.name(), absl::StrCat(kPlan, "/supervisionOrders/2026-001"));
    EXPECT_EQ(progress_.acknowledged.external_case_number(), "MTG-0777");
    EXPECT_FALSE(progress_.acknowledged.request_id().empty());
  }
  EXPECT_THAT(out_.str(), HasSubstr("acknowledged: chengzhi.zhao: 已签收"));
  EXPECT_THAT(out_.str(), HasSubstr("(o-duchashi)"));
}

TEST_F(ProgressCommandsTest, ProblemsImportSendsTheFileAndPrintsEachRefusedRowByLine) {
  const std::string file = ::testing::TempDir() + "/ledger.csv";
  {
    std::ofstream f(file, std::ios::binary);
    f << "编号,名称,责任单位,整改期限\nPWK-001,永定河左岸排污口,龙泉镇,2026-06-30\n";
  }
  ASSERT_EQ(Run({"problems", "import", file, "--measure", "a1-t25-m3"}), 0) << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.imported.parent(), kPlan);
    EXPECT_EQ(progress_.imported.measure(), absl::StrCat(kPlan, "/measures/a1-t25-m3"));
    EXPECT_THAT(progress_.imported.csv(), HasSubstr("PWK-001,永定河左岸排污口"));
    EXPECT_TRUE(progress_.imported.xlsx().empty());
    EXPECT_FALSE(progress_.imported.validate_only());
  }
  EXPECT_THAT(out_.str(), HasSubstr("imported: 1 of 2 rows accepted"));
  EXPECT_THAT(out_.str(), HasSubstr("line 3, 整改期限: \"2026-02-30\" is not a date"));
  EXPECT_THAT(out_.str(), HasSubstr("00001"));
  EXPECT_EQ(Run({"problems", "import", file, "--validate-only"}), 0) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("nothing created"));
  std::remove(file.c_str());
}

TEST_F(ProgressCommandsTest, ProblemsImportSendsAWorkbookAsXlsxByItsNameOrItsZipBytes) {
  const std::string named = ::testing::TempDir() + "/ledger.xlsx";
  const std::string unnamed = ::testing::TempDir() + "/ledger.bin";
  const std::string zip = std::string("PK\x03\x04", 4) + "rest of a workbook";
  for (const std::string& file : {named, unnamed}) {
    std::ofstream f(file, std::ios::binary);
    f << (file == named ? "not even a zip" : zip);
  }
  ASSERT_EQ(Run({"problems", "import", named, "--measure", "a1-t25-m3"}), 0) << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.imported.xlsx(), "not even a zip");
    EXPECT_TRUE(progress_.imported.csv().empty());
  }
  EXPECT_THAT(out_.str(), HasSubstr("row 3, 整改期限:"));
  ASSERT_EQ(Run({"problems", "import", unnamed, "--measure", "a1-t25-m3"}), 0) << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.imported.xlsx(), zip);
    EXPECT_TRUE(progress_.imported.csv().empty());
  }
  std::remove(named.c_str());
  std::remove(unnamed.c_str());
}

TEST_F(ProgressCommandsTest, ProblemsClaimNeedsEvidenceAndReopenAComment) {
  EXPECT_EQ(Run({"problems", "claim", "00001"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--evidence"));
  EXPECT_EQ(Run({"problems", "reopen", "00001"}), 2);
  EXPECT_THAT(err_.str(), HasSubstr("--comment"));
  ASSERT_EQ(Run({"problems", "claim", "00001", "--evidence", "https://a.cn/pwk-001.jpg"}), 0)
      << err_.str();
  {
    std::lock_guard<std::mutex> lock(progress_.mu);
    EXPECT_EQ(progress_.stepped.name(), absl::StrCat(kPlan, "/problems/00001"));
    EXPECT_EQ(progress_.stepped.transition(), pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED);
    ASSERT_EQ(progress_.stepped.evidence_links_size(), 1);
  }
  EXPECT_THAT(out_.str(), HasSubstr("已申报 claimed"));
  EXPECT_THAT(out_.str(), HasSubstr("CLAIM_RECTIFIED"));
  Run({"problems", "--help"});
  EXPECT_THAT(out_.str() + err_.str(), HasSubstr("问题清单"));
}

}  // namespace
}  // namespace ecoplan::ctl
