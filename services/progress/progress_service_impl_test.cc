// The gRPC edge over a ProgressRecorder with a FakeReportStore, through an
// in-process channel: request mapping, resource names and status codes.

#include "services/progress/progress_service_impl.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "common/spreadsheet/testing/xlsx_fixtures.h"
#include "common/testing/status_matchers.h"
#include "common/time/clock.h"
#include "services/progress/testing/fake_report_store.h"
#include "services/progress/testing/fake_supervision_store.h"
#include "services/progress/testing/progress_test_server.h"

namespace ecoplan::progress {
namespace {

using testing::ProgressTestServer;

std::unique_ptr<grpc::ClientContext> Context() { return testing::TestContext(); }

class ProgressServiceImplTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK(server_.Start(&store_, nullptr));
    stub_ = &server_.stub();
  }

  v1::SubmitReportRequest Request() {
    v1::SubmitReportRequest r;
    r.set_parent("plans/2026-abc");
    r.set_organization("organizations/o-eco");
    r.set_period("2026-05");
    v1::ReportEntry* e = r.add_entries();
    e->set_measure("plans/2026-abc/measures/a1-t1-m1");
    e->set_status(v1::MEASURE_STATUS_DELAYED);
    e->set_percent_done(30);
    e->set_work_done("完成招标");
    e->set_problems("车辆交付延迟");
    e->set_next_steps("督促交付");
    r.set_request_id("h-1");
    r.set_actor("张三");
    return r;
  }

  // A context carrying a token of `role` (reporters belong to `org`).
  std::unique_ptr<grpc::ClientContext> As(common::Role role, const std::string& org = "") {
    return server_.ContextAs(role, org);
  }

  FakeReportStore store_;  // outlives the server's recorder
  ProgressTestServer server_;
  common::FakeClock& clock_ = server_.clock();
  PlanDirectory& plans_ = server_.plans();
  FakeSupervisionStore& orders_ = server_.orders();
  v1::ProgressService::Stub* stub_ = nullptr;
};

TEST_F(ProgressServiceImplTest, SubmitMapsTheReportAndItsNames) {
  v1::SubmitReportResponse response;
  grpc::Status status = stub_->SubmitReport(Context().get(), Request(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const v1::Report& r = response.report();
  EXPECT_EQ(r.name(), "plans/2026-abc/reports/o-eco_2026-05");
  EXPECT_EQ(r.organization(), "organizations/o-eco");
  EXPECT_EQ(r.organization_display_name(), "区生态环境局");
  EXPECT_EQ(r.state(), v1::REPORT_STATE_SUBMITTED);
  EXPECT_EQ(r.etag(), "r1");
  EXPECT_EQ(r.timeliness(), v1::TIMELINESS_ON_TIME);
  EXPECT_TRUE(r.has_due_time());
  EXPECT_EQ(r.entries(0).measure(), "plans/2026-abc/measures/a1-t1-m1");
  EXPECT_EQ(r.entries(0).status(), v1::MEASURE_STATUS_DELAYED);
  EXPECT_EQ(r.submitted_by(), "张三");

  v1::GetReportRequest get;
  get.set_name(r.name());
  v1::GetReportResponse got;
  ASSERT_TRUE(stub_->GetReport(Context().get(), get, &got).ok());
  EXPECT_EQ(got.report().entries(0).problems(), "车辆交付延迟");

  v1::ListReportRevisionsRequest history;
  history.set_name(r.name());
  v1::ListReportRevisionsResponse revisions;
  ASSERT_TRUE(stub_->ListReportRevisions(Context().get(), history, &revisions).ok());
  ASSERT_EQ(revisions.revisions_size(), 1);
  EXPECT_EQ(revisions.revisions(0).name(), r.name() + "/revisions/1");
  EXPECT_EQ(revisions.revisions(0).action(), v1::REVISION_ACTION_SUBMITTED);
}

TEST_F(ProgressServiceImplTest, MalformedNamesAreInvalidArgumentNamingTheField) {
  struct Case {
    std::function<void(v1::SubmitReportRequest&)> mutate;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {[](auto& r) { r.set_parent("plan/2026-abc"); }, "parent"},
           {[](auto& r) { r.set_organization("o-eco"); }, "organization"},
           {[](auto& r) { r.mutable_entries(0)->set_measure("plans/other/measures/a1-t1-m1"); },
            "entries[0].measure"},
           {[](auto& r) { r.mutable_entries(0)->set_measure("a1-t1-m1"); }, "entries[0].measure"},
       }) {
    v1::SubmitReportRequest request = Request();
    c.mutate(request);
    v1::SubmitReportResponse response;
    grpc::Status status = stub_->SubmitReport(Context().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.field;
    EXPECT_NE(status.error_message().find(c.field), std::string::npos) << status.error_message();
  }
  EXPECT_EQ(store_.commits(), 0);
}

// A retry of h-1 answers the report its first call wrote, field for field, and writes nothing;
// a later revision answers its own.
TEST_F(ProgressServiceImplTest, ARetriedSubmissionAnswersTheReportOfItsFirstCall) {
  v1::SubmitReportResponse first;
  ASSERT_TRUE(stub_->SubmitReport(Context().get(), Request(), &first).ok());
  ASSERT_EQ(first.report().etag(), "r1");
  ASSERT_EQ(store_.commits(), 1);

  v1::SubmitReportResponse retried;
  ASSERT_TRUE(stub_->SubmitReport(Context().get(), Request(), &retried).ok());
  EXPECT_EQ(store_.commits(), 1);
  EXPECT_EQ(retried.report().DebugString(), first.report().DebugString());

  v1::SubmitReportRequest revised = Request();
  revised.set_request_id("h-1b");
  revised.set_etag("r1");
  revised.mutable_entries(0)->set_work_done("已完成第二批车辆登记");
  v1::SubmitReportResponse second;
  ASSERT_TRUE(stub_->SubmitReport(Context().get(), revised, &second).ok());
  EXPECT_EQ(store_.commits(), 2);
  EXPECT_EQ(second.report().etag(), "r2");
  EXPECT_EQ(second.report().entries(0).work_done(), "已完成第二批车辆登记");
}

TEST_F(ProgressServiceImplTest, DomainCodesPassThroughUnchanged) {
  v1::SubmitReportRequest request = Request();
  request.set_organization("organizations/o-traffic");
  request.set_request_id("");
  v1::SubmitReportResponse response;
  ASSERT_TRUE(stub_->SubmitReport(Context().get(), request, &response).ok());
  // A stale etag is ABORTED; a retry of h-1 with other content is INVALID_ARGUMENT.
  request.set_etag("r0");
  EXPECT_EQ(stub_->SubmitReport(Context().get(), request, &response).error_code(),
            grpc::StatusCode::ABORTED);
  v1::DecideExtensionRequest decide;
  decide.set_name("plans/2026-abc/measures/a1-t1-m1/extensions/1");
  v1::DecideExtensionResponse decided;
  EXPECT_EQ(stub_->DecideExtension(Context().get(), decide, &decided).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no decision
  decide.set_decision(v1::DECISION_APPROVE);
  EXPECT_EQ(stub_->DecideExtension(Context().get(), decide, &decided).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ProgressServiceImplTest, TheSubmissionStatusAnswersEveryAcknowledgedSubmission) {
  store_.keep_read_version(true);  // the recorder and the handler reuse what is unchanged
  v1::GetSubmissionStatusRequest request;
  request.set_plan("plans/2026-abc");
  request.set_period("2026-05");
  auto status_now = [&] {
    v1::GetSubmissionStatusResponse response;
    grpc::Status s = stub_->GetSubmissionStatus(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  };
  v1::GetSubmissionStatusResponse none = status_now();
  EXPECT_EQ(none.on_time_count(), 0);
  EXPECT_EQ(none.missing_count(), 2);
  EXPECT_EQ(status_now().SerializeAsString(), none.SerializeAsString());

  v1::SubmitReportResponse submitted;
  ASSERT_TRUE(stub_->SubmitReport(Context().get(), Request(), &submitted).ok());
  v1::GetSubmissionStatusResponse eco = status_now();
  EXPECT_EQ(eco.on_time_count(), 1);
  EXPECT_EQ(eco.missing_count(), 1);
  ASSERT_EQ(eco.organizations_size(), 2);
  EXPECT_EQ(eco.organizations(0).organization(), "organizations/o-traffic");  // 区交通局 first
  EXPECT_EQ(eco.organizations(0).measures_without_entry_size(), 1);
  EXPECT_EQ(eco.organizations(1).report(), "plans/2026-abc/reports/o-eco_2026-05");

  v1::SubmitReportRequest traffic = Request();
  traffic.set_organization("organizations/o-traffic");
  traffic.set_request_id("h-2");
  ASSERT_TRUE(stub_->SubmitReport(Context().get(), traffic, &submitted).ok());
  v1::GetSubmissionStatusResponse both = status_now();
  EXPECT_EQ(both.on_time_count(), 2);
  EXPECT_EQ(both.missing_count(), 0);
  EXPECT_EQ(both.organizations(0).measures_without_entry_size(), 0);
  EXPECT_EQ(both.organizations(0).report(), "plans/2026-abc/reports/o-traffic_2026-05");
}

TEST_F(ProgressServiceImplTest, SubmissionStatusAndCalendarAreMapped) {
  v1::SubmitReportResponse submitted;
  ASSERT_TRUE(stub_->SubmitReport(Context().get(), Request(), &submitted).ok());
  v1::GetSubmissionStatusRequest request;
  request.set_plan("plans/2026-abc");
  request.set_period("2026-05");
  v1::GetSubmissionStatusResponse response;
  ASSERT_TRUE(stub_->GetSubmissionStatus(Context().get(), request, &response).ok());
  EXPECT_EQ(response.due().due_date().day(), 25);
  ASSERT_EQ(response.organizations_size(), 2);
  EXPECT_EQ(response.on_time_count(), 1);
  EXPECT_EQ(response.missing_count(), 1);

  v1::UpdateReportingCalendarRequest update;
  update.mutable_calendar()->set_name("plans/2026-abc/reportingCalendar");
  update.mutable_calendar()->mutable_monthly_due()->set_nth_working_day(2);
  update.mutable_calendar()->mutable_monthly_due()->set_month_offset(1);
  update.mutable_calendar()->set_quarterly_summaries(true);
  v1::UpdateReportingCalendarResponse updated;
  ASSERT_TRUE(stub_->UpdateReportingCalendar(Context().get(), update, &updated).ok());
  EXPECT_TRUE(updated.calendar().overridden());
  EXPECT_EQ(updated.calendar().period_dues_size(), 16);
  EXPECT_EQ(updated.calendar().etag(), "c1");
}

TEST_F(ProgressServiceImplTest, AReporterWritesAndReadsOnlyItsOwnOrganization) {
  using common::Role;
  // 区交通局's reporter cannot write 区生态环境局's report, nor can a viewer.
  v1::SubmitReportResponse response;
  grpc::Status status =
      stub_->SubmitReport(As(Role::kReporter, "o-traffic").get(), Request(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(status.error_message().find("another organization"), std::string::npos)
      << status.error_message();
  EXPECT_EQ(stub_->SubmitReport(As(Role::kViewer).get(), Request(), &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(store_.commits(), 0);

  // Each organization's reporter submits its own; the token's subject is the
  // actor, whatever the request says.
  ASSERT_TRUE(stub_->SubmitReport(As(Role::kReporter, "o-eco").get(), Request(), &response).ok());
  EXPECT_EQ(response.report().submitted_by(), "wang.reporter");
  v1::SubmitReportRequest traffic = Request();
  traffic.set_organization("organizations/o-traffic");
  traffic.set_request_id("h-2");
  traffic.mutable_entries(0)->set_work_done("交通局：完成车辆登记");
  ASSERT_TRUE(stub_->SubmitReport(As(Role::kReporter, "o-traffic").get(), traffic, &response).ok());

  // Reading: another organization's report is refused; a list shows only its own.
  v1::GetReportRequest get;
  get.set_name("plans/2026-abc/reports/o-eco_2026-05");
  v1::GetReportResponse got;
  EXPECT_EQ(stub_->GetReport(As(Role::kReporter, "o-traffic").get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(stub_->GetReport(As(Role::kViewer).get(), get, &got).ok());
  v1::ListReportsRequest list;
  list.set_parent("plans/2026-abc");
  v1::ListReportsResponse listed;
  ASSERT_TRUE(stub_->ListReports(As(Role::kReporter, "o-traffic").get(), list, &listed).ok());
  ASSERT_EQ(listed.reports_size(), 1);
  EXPECT_EQ(listed.reports(0).organization(), "organizations/o-traffic");
  list.set_organization("organizations/o-eco");
  EXPECT_EQ(stub_->ListReports(As(Role::kReporter, "o-traffic").get(), list, &listed).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  list.clear_organization();
  ASSERT_TRUE(stub_->ListReports(As(Role::kAdministrator).get(), list, &listed).ok());
  EXPECT_EQ(listed.reports_size(), 2);

  // A measure's progress: the other organization's entry is withheld.
  v1::GetMeasureProgressRequest progress;
  progress.set_measure("plans/2026-abc/measures/a1-t1-m1");
  v1::GetMeasureProgressResponse seen;
  ASSERT_TRUE(
      stub_->GetMeasureProgress(As(Role::kReporter, "o-traffic").get(), progress, &seen).ok());
  ASSERT_EQ(seen.organizations_size(), 2);
  for (const v1::OrganizationProgress& o : seen.organizations()) {
    EXPECT_EQ(o.has_entry(), o.organization() == "organizations/o-traffic") << o.organization();
  }
  ASSERT_TRUE(stub_->GetMeasureProgress(As(Role::kViewer).get(), progress, &seen).ok());
  for (const v1::OrganizationProgress& o : seen.organizations()) EXPECT_TRUE(o.has_entry());

  // Only the bureau reviews; the bureau is named as the reviewer.
  v1::ReturnReportRequest back;
  back.set_name("plans/2026-abc/reports/o-eco_2026-05");
  back.set_etag("r1");
  back.set_comment("请补充车辆交付时间");
  v1::ReturnReportResponse returned;
  EXPECT_EQ(stub_->ReturnReport(As(Role::kReporter, "o-eco").get(), back, &returned).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->ReturnReport(As(Role::kAdministrator).get(), back, &returned).ok());
  EXPECT_EQ(returned.report().reviewed_by(), "wang.administrator");
}

TEST_F(ProgressServiceImplTest, BadTokensAreUnauthenticatedBeforeTheRequestIsLookedAt) {
  for (const std::string& header : {std::string("Bearer not.a.token"), std::string("Basic x")}) {
    auto ctx = Context();
    ctx->AddMetadata("authorization", header);
    v1::SubmitReportRequest request = Request();
    request.set_organization("not-a-name");  // would be INVALID_ARGUMENT for a known caller
    v1::SubmitReportResponse response;
    EXPECT_EQ(stub_->SubmitReport(ctx.get(), request, &response).error_code(),
              grpc::StatusCode::UNAUTHENTICATED)
        << header;
  }
  auto ctx = Context();
  ctx->AddMetadata("authorization", "Bearer not.a.token");
  v1::WatchEventsRequest watch;
  auto stream = stub_->WatchEvents(ctx.get(), watch);
  v1::WatchEventsResponse event;
  EXPECT_FALSE(stream->Read(&event));
  EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(store_.commits(), 0);
}

TEST_F(ProgressServiceImplTest, SupervisionOrdersMapTheirNamesAndTheCallersRoles) {
  using common::Role;
  v1::IssueSupervisionOrderRequest issue;
  issue.set_parent("plans/2026-abc");
  issue.set_title("关于渣土车遗撒的督办");
  issue.set_description("请核实处置");
  issue.mutable_source()->set_kind(v1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET);
  issue.mutable_source()->set_reference("12345-0042");
  issue.set_level(v1::SUPERVISION_LEVEL_YELLOW);
  issue.add_measures("plans/2026-abc/measures/a1-t1-m1");
  issue.add_organizations("organizations/o-traffic");
  issue.set_external_case_number("MTG-0199");
  v1::IssueSupervisionOrderResponse issued;
  // A reporter does not issue; the supervision office does.
  EXPECT_EQ(stub_->IssueSupervisionOrder(As(Role::kReporter, "o-traffic").get(), issue, &issued)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  grpc::Status status = stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), issue, &issued);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(issued.order().name(), "plans/2026-abc/supervisionOrders/2026-001");
  EXPECT_EQ(issued.order().issued_by(), "wang.supervisor");
  EXPECT_EQ(issued.order().addressees(0).organization(), "organizations/o-traffic");
  EXPECT_EQ(issued.order().addressees(0).state(), v1::SUPERVISION_REPLY_STATE_AWAITING_REPLY);
  EXPECT_EQ(issued.order().measures(0), "plans/2026-abc/measures/a1-t1-m1");
  EXPECT_EQ(issued.order().external_case_number(), "MTG-0199");
  EXPECT_EQ(issued.order().etag(), "s1");

  // Bad input: a measure of another plan, an unknown level.
  v1::IssueSupervisionOrderRequest bad = issue;
  bad.set_measures(0, "plans/other/measures/a1-t1-m1");
  EXPECT_EQ(stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), bad, &issued).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad = issue;
  bad.set_level(static_cast<v1::SupervisionLevel>(9));
  EXPECT_EQ(stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), bad, &issued).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  bad = issue;
  bad.set_measures(0, "plans/2026-abc/measures/a9-t9-m9");
  EXPECT_EQ(stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), bad, &issued).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The addressed unit replies for itself only; another unit neither replies nor reads.
  v1::ReplySupervisionOrderRequest reply;
  reply.set_name(issued.order().name());
  reply.set_organization("organizations/o-traffic");
  reply.set_content("已清理路面");
  reply.add_evidence_links("https://example.gov.cn/1.jpg");
  v1::ReplySupervisionOrderResponse replied;
  EXPECT_EQ(stub_->ReplySupervisionOrder(As(Role::kReporter, "o-eco").get(), reply, &replied)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->ReplySupervisionOrder(As(Role::kReporter, "o-traffic").get(), reply, &replied);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(replied.order().addressees(0).state(), v1::SUPERVISION_REPLY_STATE_REPLIED);
  EXPECT_EQ(replied.order().addressees(0).replies(0).evidence_links(0),
            "https://example.gov.cn/1.jpg");
  v1::GetSupervisionOrderRequest get;
  get.set_name(issued.order().name());
  v1::GetSupervisionOrderResponse got;
  EXPECT_EQ(stub_->GetSupervisionOrder(As(Role::kReporter, "o-eco").get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(stub_->GetSupervisionOrder(As(Role::kViewer).get(), get, &got).ok());
  EXPECT_EQ(got.order().addressees(0).replies(0).content(), "已清理路面");
  get.set_name("plans/2026-abc/supervisionOrders/2026-404");
  EXPECT_EQ(stub_->GetSupervisionOrder(As(Role::kViewer).get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // Verifying, raising and closing are the issuing side's.
  v1::VerifySupervisionReplyRequest verify;
  verify.set_name(issued.order().name());
  verify.set_organization("organizations/o-traffic");
  verify.set_decision(v1::DECISION_APPROVE);
  v1::VerifySupervisionReplyResponse verified;
  EXPECT_EQ(stub_->VerifySupervisionReply(As(Role::kViewer).get(), verify, &verified).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  verify.set_decision(v1::DECISION_UNSPECIFIED);
  EXPECT_EQ(
      stub_->VerifySupervisionReply(As(Role::kSupervisor).get(), verify, &verified).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  verify.set_decision(v1::DECISION_APPROVE);
  verify.set_etag("s1");  // stale: the reply made it s2
  EXPECT_EQ(
      stub_->VerifySupervisionReply(As(Role::kSupervisor).get(), verify, &verified).error_code(),
      grpc::StatusCode::ABORTED);
  verify.set_etag("s2");
  ASSERT_TRUE(stub_->VerifySupervisionReply(As(Role::kSupervisor).get(), verify, &verified).ok());
  v1::CloseSupervisionOrderRequest close;
  close.set_name(issued.order().name());
  v1::CloseSupervisionOrderResponse closed;
  ASSERT_TRUE(stub_->CloseSupervisionOrder(As(Role::kAdministrator).get(), close, &closed).ok());
  EXPECT_EQ(closed.order().state(), v1::SUPERVISION_ORDER_STATE_CLOSED);
  v1::RaiseSupervisionLevelRequest raise;
  raise.set_name(issued.order().name());
  raise.set_level(v1::SUPERVISION_LEVEL_RED);
  raise.set_reason("逾期");
  v1::RaiseSupervisionLevelResponse raised;
  EXPECT_EQ(stub_->RaiseSupervisionLevel(As(Role::kSupervisor).get(), raise, &raised).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  // The unit's list holds its order; another unit's holds none.
  v1::ListSupervisionOrdersRequest list;
  list.set_parent("plans/2026-abc");
  v1::ListSupervisionOrdersResponse listed;
  ASSERT_TRUE(
      stub_->ListSupervisionOrders(As(Role::kReporter, "o-traffic").get(), list, &listed).ok());
  EXPECT_EQ(listed.orders_size(), 1);
  ASSERT_TRUE(stub_->ListSupervisionOrders(As(Role::kReporter, "o-eco").get(), list, &listed).ok());
  EXPECT_EQ(listed.orders_size(), 0);
  list.set_state(v1::SUPERVISION_ORDER_STATE_OPEN);
  ASSERT_TRUE(stub_->ListSupervisionOrders(As(Role::kSupervisor).get(), list, &listed).ok());
  EXPECT_EQ(listed.total_size(), 0);
}

TEST_F(ProgressServiceImplTest, ProblemItemsMapTheirFieldsAndEachBadInputHasItsCode) {
  using common::Role;
  v1::CreateProblemItemRequest create;
  create.set_parent("plans/2026-abc");
  v1::ProblemItem* item = create.mutable_item();
  item->set_measure("plans/2026-abc/measures/a1-t1-m1");
  item->set_code("PWK-001");
  item->set_title("排污口");
  item->set_category(v1::PROBLEM_CATEGORY_DRAINAGE_OUTLET);
  item->set_organization("organizations/o-traffic");
  item->mutable_rectification_due_date()->set_year(2026);
  item->mutable_rectification_due_date()->set_month(5);
  item->mutable_rectification_due_date()->set_day(10);  // past: accepted, overdue at once
  v1::CreateProblemItemResponse created;
  grpc::Status status = stub_->CreateProblemItem(As(Role::kSupervisor).get(), create, &created);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(created.item().name(), "plans/2026-abc/problems/00001");
  EXPECT_EQ(created.item().organization_display_name(), "区交通局");
  EXPECT_EQ(created.item().state(), v1::PROBLEM_STATE_OPEN);
  EXPECT_TRUE(created.item().overdue());
  EXPECT_EQ(created.item().etag(), "p1");
  EXPECT_EQ(created.item().steps(0).actor(), "wang.supervisor");
  // The same code again; a missing deadline; a measure of another plan; the wrong role.
  EXPECT_EQ(stub_->CreateProblemItem(As(Role::kSupervisor).get(), create, &created).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  v1::CreateProblemItemRequest bad = create;
  bad.mutable_item()->clear_rectification_due_date();
  status = stub_->CreateProblemItem(As(Role::kSupervisor).get(), bad, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("item.rectification_due_date"), std::string::npos);
  bad = create;
  bad.mutable_item()->set_measure("plans/other/measures/a1-t1-m1");
  EXPECT_EQ(stub_->CreateProblemItem(As(Role::kSupervisor).get(), bad, &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(stub_->CreateProblemItem(As(Role::kReporter, "o-traffic").get(), create, &created)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::TransitionProblemItemRequest step;
  step.set_name(created.item().name());
  v1::TransitionProblemItemResponse moved;
  EXPECT_EQ(stub_->TransitionProblemItem(As(Role::kReporter, "o-traffic").get(), step, &moved)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // no transition
  step.set_transition(v1::PROBLEM_TRANSITION_START_RECTIFICATION);
  EXPECT_EQ(
      stub_->TransitionProblemItem(As(Role::kReporter, "o-eco").get(), step, &moved).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);  // not the owner
  EXPECT_EQ(stub_->TransitionProblemItem(As(Role::kViewer).get(), step, &moved).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  status = stub_->TransitionProblemItem(As(Role::kReporter, "o-traffic").get(), step, &moved);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(moved.item().state(), v1::PROBLEM_STATE_RECTIFYING);
  step.set_transition(v1::PROBLEM_TRANSITION_CLOSE);
  status = stub_->TransitionProblemItem(As(Role::kSupervisor).get(), step, &moved);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("RECTIFYING"), std::string::npos);

  v1::GetProblemItemRequest get;
  get.set_name("plans/2026-abc/problemz/00001");
  v1::GetProblemItemResponse got;
  EXPECT_EQ(stub_->GetProblemItem(As(Role::kViewer).get(), get, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  get.set_name("plans/2026-abc/problems/00009");
  EXPECT_EQ(stub_->GetProblemItem(As(Role::kViewer).get(), get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_name(created.item().name());
  EXPECT_EQ(stub_->GetProblemItem(As(Role::kReporter, "o-eco").get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  v1::ListProblemItemsRequest list;
  list.set_parent("plans/2026-abc");
  list.set_state(static_cast<v1::ProblemState>(42));
  v1::ListProblemItemsResponse listed;
  EXPECT_EQ(stub_->ListProblemItems(As(Role::kViewer).get(), list, &listed).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  list.clear_state();
  list.set_overdue_only(true);
  ASSERT_TRUE(stub_->ListProblemItems(As(Role::kViewer).get(), list, &listed).ok());
  ASSERT_EQ(listed.items_size(), 1);
  EXPECT_EQ(listed.total_size(), 1);

  v1::ImportProblemItemsRequest import;
  import.set_parent("plans/2026-abc");
  import.set_measure("plans/2026-abc/measures/a1-t1-m1");
  import.set_csv("编号,名称,责任单位,备注\n");
  v1::ImportProblemItemsResponse imported;
  status = stub_->ImportProblemItems(As(Role::kAdministrator).get(), import, &imported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("备注"), std::string::npos);
}

TEST_F(ProgressServiceImplTest, OnlyTheCommandCenterTheSupervisionOfficeAndTheBureauAcknowledge) {
  using common::Role;
  v1::IssueSupervisionOrderRequest issue;
  issue.set_parent("plans/2026-abc");
  issue.set_title("督办");
  issue.set_description("请处置");
  issue.mutable_source()->set_kind(v1::SUPERVISION_SOURCE_KIND_AD_HOC);
  issue.set_level(v1::SUPERVISION_LEVEL_BLUE);
  issue.add_measures("plans/2026-abc/measures/a1-t1-m1");
  v1::IssueSupervisionOrderResponse issued;
  ASSERT_TRUE(stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), issue, &issued).ok());
  v1::AcknowledgeSupervisionOrderRequest ack;
  ack.set_name(issued.order().name());
  ack.set_external_case_number("MTG-1");
  v1::AcknowledgeSupervisionOrderResponse acked;
  for (Role role : {Role::kReporter, Role::kService}) {
    EXPECT_EQ(
        stub_->AcknowledgeSupervisionOrder(As(role, "o-traffic").get(), ack, &acked).error_code(),
        grpc::StatusCode::PERMISSION_DENIED);
  }
  grpc::Status status = stub_->AcknowledgeSupervisionOrder(As(Role::kViewer).get(), ack, &acked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(acked.order().external_case_number(), "MTG-1");
  ASSERT_EQ(acked.order().acknowledgements_size(), 1);
  EXPECT_EQ(acked.order().acknowledgements(0).acknowledged_by(), "wang.viewer");
  ack.set_name("plans/2026-abc/supervisionOrders/2026-999");
  EXPECT_EQ(stub_->AcknowledgeSupervisionOrder(As(Role::kViewer).get(), ack, &acked).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST_F(ProgressServiceImplTest, ARequestingOrganizationIsParsedCheckedReturnedAndMayRead) {
  using common::Role;
  auto plan = std::make_shared<PlanInfo>(*plans_.Find("2026-abc"));
  plan->organizations["o-center"] = "区城指中心";
  plans_.Put(plan);
  v1::IssueSupervisionOrderRequest issue;
  issue.set_parent("plans/2026-abc");
  issue.set_title("12345 转办");
  issue.set_description("请处置");
  issue.mutable_source()->set_kind(v1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET);
  issue.mutable_source()->set_reference("12345-0042");
  issue.set_level(v1::SUPERVISION_LEVEL_YELLOW);
  issue.add_measures("plans/2026-abc/measures/a1-t1-m1");
  issue.set_request_id("issue-requested");
  v1::IssueSupervisionOrderResponse issued;
  v1::IssueSupervisionOrderRequest bad = issue;
  bad.set_requesting_organization("o-center");  // not a resource name
  grpc::Status status = stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), bad, &issued);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("requesting_organization"), std::string::npos);
  bad.set_requesting_organization("organizations/o-nobody");
  status = stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), bad, &issued);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_NE(status.error_message().find("o-nobody"), std::string::npos);

  issue.set_requesting_organization("organizations/o-center");
  status = stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), issue, &issued);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(issued.order().requesting_organization(), "organizations/o-center");
  ASSERT_EQ(issued.order().addressees_size(), 1);
  EXPECT_EQ(issued.order().addressees(0).organization(), "organizations/o-eco");
  // A retry naming another requester is other content.
  bad = issue;
  bad.set_requesting_organization("organizations/o-traffic");
  EXPECT_EQ(stub_->IssueSupervisionOrder(As(Role::kSupervisor).get(), bad, &issued).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // The command center reads it, as a viewer or as a reporter of its own
  // organization; a reporter of an organization neither asked nor addressed does not.
  v1::GetSupervisionOrderRequest get;
  get.set_name(issued.order().name());
  v1::GetSupervisionOrderResponse got;
  for (Role role : {Role::kViewer, Role::kReporter}) {
    status = stub_->GetSupervisionOrder(As(role, "o-center").get(), get, &got);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(got.order().requesting_organization(), "organizations/o-center");
  }
  EXPECT_EQ(
      stub_->GetSupervisionOrder(As(Role::kReporter, "o-traffic").get(), get, &got).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
}

TEST_F(ProgressServiceImplTest, ImportProblemItemsReadsAnXlsxWorkbookAndWantsExactlyOneFile) {
  using common::Role;
  using common::testing::XlsxCell;
  const std::string book = common::testing::XlsxWorkbook({
      {XlsxCell::Text("编号"), XlsxCell::Text("名称"), XlsxCell::Text("责任单位"),
       XlsxCell::Text("整改期限")},
      {XlsxCell::Number(1), XlsxCell::Text("渣土遗撒点"), XlsxCell::Text("区交通局"),
       XlsxCell::Date(2026, 6, 30)},
      {XlsxCell::Text("D-2"), XlsxCell::Text("无期限"), XlsxCell::Text("区交通局")},
  });
  v1::ImportProblemItemsRequest import;
  import.set_parent("plans/2026-abc");
  import.set_measure("plans/2026-abc/measures/a1-t1-m1");
  import.set_xlsx(book);
  v1::ImportProblemItemsResponse imported;
  grpc::Status status = stub_->ImportProblemItems(As(Role::kSupervisor).get(), import, &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(imported.rows(), 2);
  EXPECT_EQ(imported.accepted(), 1);
  ASSERT_EQ(imported.items_size(), 1);
  EXPECT_EQ(imported.items(0).code(), "1");
  EXPECT_EQ(imported.items(0).organization(), "organizations/o-traffic");
  EXPECT_EQ(imported.items(0).rectification_due_date().day(), 30);
  ASSERT_EQ(imported.errors_size(), 1);
  EXPECT_EQ(imported.errors(0).line(), 3);
  EXPECT_EQ(imported.errors(0).column(), "整改期限");

  v1::ImportProblemItemsRequest both = import;
  both.set_csv("编号,名称,责任单位,整改期限\n");
  status = stub_->ImportProblemItems(As(Role::kSupervisor).get(), both, &imported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("exactly one of csv and xlsx"), std::string::npos);
  v1::ImportProblemItemsRequest neither = import;
  neither.clear_xlsx();
  EXPECT_EQ(stub_->ImportProblemItems(As(Role::kSupervisor).get(), neither, &imported).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  v1::ImportProblemItemsRequest not_a_workbook = import;
  not_a_workbook.set_xlsx("编号,名称,责任单位,整改期限\n");
  status = stub_->ImportProblemItems(As(Role::kSupervisor).get(), not_a_workbook, &imported);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(status.error_message().find("not an .xlsx workbook"), std::string::npos);
}

// 一数一源: figures another system holds prefill the draft through the edge,
// with their source; the organization confirms two and corrects one by
// submitting; the burden shows it.
class PrefillReportTest : public ProgressServiceImplTest {
 protected:
  void SetUp() override {
    ProgressServiceImplTest::SetUp();
    // A second measure that only 区交通局 owns.
    ASSERT_OK_AND_ASSIGN(std::shared_ptr<const PlanInfo> current, plans_.Get("2026-abc"));
    auto plan = std::make_shared<PlanInfo>(*current);
    plan->measures.push_back({"a2-t1-m1",
                              0,
                              "公交电动化",
                              "年底前",
                              1,
                              std::nullopt,
                              absl::CivilDay(2026, 12, 31),
                              {"o-traffic"},
                              {}});
    plan->Index();
    plans_.Put(plan);
  }

  static void SetSource(v1::ValueSource* s, const std::string& system, const std::string& record) {
    s->set_system(system);
    s->set_record_id(record);
    s->mutable_file_time()->set_seconds(1778371200);  // 2026-05-10T00:00:00Z
  }

  static v1::PrefillReportRequest Push() {
    v1::PrefillReportRequest r;
    r.set_parent("plans/2026-abc");
    r.set_organization("organizations/o-eco");
    r.set_period("2026-05");
    r.set_request_id("push-1");
    v1::PrefillEntry* e = r.add_entries();
    e->set_measure("plans/2026-abc/measures/a1-t1-m1");
    SetSource(e->mutable_source(), "市生态环境统计系统", "HJTJ-2026-05-0117");
    auto add = [e](const std::string& name, double value, const std::string& unit) {
      v1::PrefilledValue* v = e->add_values();
      v->mutable_value()->set_name(name);
      v->mutable_value()->set_value(value);
      v->mutable_value()->set_unit(unit);
      return v;
    };
    add("新能源货车占比", 46.5, "%");
    add("新能源货车数量", 240, "辆");
    SetSource(add("充电桩数量", 30, "个")->mutable_source(), "区发改委台账", "FG-2026-031");
    return r;
  }

  static const v1::FieldProvenance* Record(const v1::ReportEntry& e, const std::string& field) {
    for (const v1::FieldProvenance& p : e.provenance()) {
      if (p.field() == field) return &p;
    }
    return nullptr;
  }
};

TEST_F(PrefillReportTest, PrefilledConfirmedAndCorrectedValuesKeepTheirSourceAndAreCounted) {
  v1::PrefillReportResponse pushed;
  grpc::Status status =
      stub_->PrefillReport(As(common::Role::kAdministrator).get(), Push(), &pushed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(pushed.report().name(), "plans/2026-abc/reports/o-eco_2026-05");
  EXPECT_EQ(pushed.report().state(), v1::REPORT_STATE_DRAFT);
  EXPECT_EQ(pushed.kept_fields_size(), 0);
  ASSERT_EQ(pushed.report().entries_size(), 1);
  const v1::ReportEntry& draft = pushed.report().entries(0);
  ASSERT_EQ(draft.provenance_size(), 3);
  EXPECT_EQ(draft.provenance(0).field(), "values[新能源货车占比]");
  EXPECT_EQ(draft.provenance(0).origin(), v1::FIELD_ORIGIN_PREFILLED);
  EXPECT_EQ(draft.provenance(0).source().system(), "市生态环境统计系统");
  EXPECT_EQ(draft.provenance(0).source().record_id(), "HJTJ-2026-05-0117");
  EXPECT_EQ(draft.provenance(0).source().file_time().seconds(), 1778371200);
  EXPECT_EQ(draft.provenance(0).prefilled_value(), "46.5 %");
  EXPECT_EQ(draft.provenance(0).pushed_by(), "wang.administrator");
  EXPECT_EQ(draft.provenance(2).source().system(), "区发改委台账");

  // A retry with the same request id answers the same and writes nothing.
  const int commits = store_.commits();
  v1::PrefillReportResponse retried;
  ASSERT_TRUE(stub_->PrefillReport(As(common::Role::kAdministrator).get(), Push(), &retried).ok());
  EXPECT_EQ(store_.commits(), commits);
  EXPECT_EQ(retried.report().etag(), pushed.report().etag());
  EXPECT_EQ(retried.report().entries(0).provenance_size(), 3);

  // The organization reads its draft, types the rest, keeps two values and
  // corrects the third; the provenance it echoes back is ignored.
  v1::SubmitReportRequest submit;
  submit.set_parent("plans/2026-abc");
  submit.set_organization("organizations/o-eco");
  submit.set_period("2026-05");
  submit.set_etag(pushed.report().etag());
  v1::ReportEntry* e = submit.add_entries();
  *e = draft;
  e->set_status(v1::MEASURE_STATUS_IN_PROGRESS);
  e->set_percent_done(40);
  e->set_work_done("推广新能源货车");
  e->set_next_steps("继续推进");
  e->mutable_values(2)->set_value(32);
  e->mutable_provenance(2)->set_origin(v1::FIELD_ORIGIN_CONFIRMED);
  v1::SubmitReportResponse submitted;
  status = stub_->SubmitReport(As(common::Role::kReporter, "o-eco").get(), submit, &submitted);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::ListReportRevisionsRequest history;
  history.set_name(submitted.report().name());
  v1::ListReportRevisionsResponse revisions;
  ASSERT_TRUE(stub_->ListReportRevisions(Context().get(), history, &revisions).ok());
  ASSERT_EQ(revisions.revisions_size(), 2);
  EXPECT_EQ(revisions.revisions(0).action(), v1::REVISION_ACTION_PREFILLED);
  EXPECT_EQ(revisions.revisions(0).actor(), "wang.administrator");
  EXPECT_EQ(revisions.revisions(1).action(), v1::REVISION_ACTION_SUBMITTED);
  const v1::ReportEntry& kept = revisions.revisions(1).report().entries(0);
  ASSERT_EQ(kept.provenance_size(), 3);
  EXPECT_EQ(Record(kept, "values[新能源货车占比]")->origin(), v1::FIELD_ORIGIN_CONFIRMED);
  EXPECT_EQ(Record(kept, "values[新能源货车数量]")->origin(), v1::FIELD_ORIGIN_CONFIRMED);
  const v1::FieldProvenance* chargers = Record(kept, "values[充电桩数量]");
  EXPECT_EQ(chargers->origin(), v1::FIELD_ORIGIN_CORRECTED);
  EXPECT_EQ(chargers->prefilled_value(), "30 个");
  EXPECT_EQ(chargers->source().record_id(), "FG-2026-031");
  EXPECT_EQ(Record(kept, "status"), nullptr);

  v1::GetSubmissionStatusRequest ask;
  ask.set_plan("plans/2026-abc");
  ask.set_period("2026-05");
  v1::GetSubmissionStatusResponse answer;
  ASSERT_TRUE(stub_->GetSubmissionStatus(As(common::Role::kViewer).get(), ask, &answer).ok());
  ASSERT_EQ(answer.organizations_size(), 2);
  // By display name: 区交通局 (no report) then 区生态环境局.
  EXPECT_EQ(answer.organizations(0).organization(), "organizations/o-traffic");
  EXPECT_EQ(answer.organizations(0).burden().field_count(), 0);
  const v1::ReportingBurden& eco = answer.organizations(1).burden();
  // status, percent_done, work_done, next_steps typed; 2 values confirmed, 1 corrected.
  EXPECT_EQ(eco.field_count(), 7);
  EXPECT_EQ(eco.typed_count(), 5);
  EXPECT_EQ(eco.prefilled_count(), 3);
  EXPECT_EQ(eco.confirmed_count(), 2);
  EXPECT_EQ(eco.corrected_count(), 1);
  EXPECT_EQ(eco.pending_count(), 0);
  EXPECT_EQ(answer.burden().field_count(), 7);
  EXPECT_EQ(answer.burden().typed_count(), 5);
  EXPECT_EQ(answer.burden().confirmed_count(), 2);

  // Onto a submitted report: refused, nothing written.
  v1::PrefillReportRequest late = Push();
  late.set_request_id("push-2");
  const int before = store_.commits();
  EXPECT_EQ(
      stub_->PrefillReport(As(common::Role::kAdministrator).get(), late, &pushed).error_code(),
      grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(store_.commits(), before);
}

TEST_F(PrefillReportTest, OnlyTheBureauPushes) {
  v1::PrefillReportResponse response;
  for (common::Role role :
       {common::Role::kReporter, common::Role::kViewer, common::Role::kSupervisor}) {
    EXPECT_EQ(stub_->PrefillReport(As(role, "o-eco").get(), Push(), &response).error_code(),
              grpc::StatusCode::PERMISSION_DENIED)
        << common::RoleName(role);
  }
  EXPECT_EQ(store_.commits(), 0);
}

TEST_F(PrefillReportTest, BadInputIsInvalidArgumentNamingTheField) {
  struct Case {
    std::function<void(v1::PrefillReportRequest&)> mutate;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {[](auto& r) { r.mutable_entries(0)->set_measure("plans/2026-abc/measures/a9-t9-m9"); },
            "entries[0].measure: plans/2026-abc/measures/a9-t9-m9 does not exist"},
           {[](auto& r) { r.mutable_entries(0)->set_measure("plans/2026-abc/measures/a2-t1-m1"); },
            "entries[0].measure: 区生态环境局 (organizations/o-eco) neither leads nor is "
            "responsible for measure plans/2026-abc/measures/a2-t1-m1"},
           {[](auto& r) { r.mutable_entries(0)->set_measure("plans/other/measures/a1-t1-m1"); },
            "entries[0].measure"},
           {[](auto& r) { r.set_period("2026-5x"); }, "period"},
           {[](auto& r) { r.set_period("2026-13"); }, "period"},
           {[](auto& r) { r.mutable_entries(0)->mutable_source()->clear_file_time(); },
            "entries[0].source.file_time is required"},
           {[](auto& r) {
              r.mutable_entries(0)
                  ->mutable_values(2)
                  ->mutable_source()
                  ->mutable_file_time()
                  ->set_nanos(-1);
            },
            "entries[0].values[2].source.file_time is not a valid timestamp"},
           {[](auto& r) { r.clear_entries(); }, "entries"},
       }) {
    v1::PrefillReportRequest request = Push();
    request.set_request_id("");
    c.mutate(request);
    v1::PrefillReportResponse response;
    grpc::Status status =
        stub_->PrefillReport(As(common::Role::kAdministrator).get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << c.message;
    EXPECT_NE(status.error_message().find(c.message), std::string::npos) << status.error_message();
  }
  EXPECT_EQ(store_.commits(), 0);
}

}  // namespace
}  // namespace ecoplan::progress
