// Walks the progress service's whole RPC × role table (ProgressPolicy,
// rendered in docs/SECURITY.md) against real servers started with TLS and
// ES256 keys (a JWKS) generated at test time: registry_server, and progress_server
// following it as the service "progress" (a minted service token over TLS,
// so the follow itself proves service-to-service authentication). Every
// allowed call works, every forbidden one is PERMISSION_DENIED, a reporter is
// held to its own organization, and every call without a token or with an
// expired, wrongly signed or garbage token is UNAUTHENTICATED.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/progress/progress_policy.h"
#include "tests/harness/cluster.h"
#include "tests/harness/dates.h"
#include "tests/harness/secured.h"

namespace ecoplan::testing {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using common::Role;

const char* const kSeed = ECOPLAN_SEED_PATH;

class ProgressAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(secured_, SecuredSetup::Create(dir_));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);
    cluster_.SetCommonFlags(secured_.ServerFlags());
    ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
    auto registry = rv1::RegistryService::NewStub(
        grpc::CreateCustomChannel(registry_address, secured_.ChannelCredentials(), args));
    rv1::ImportPlanRequest import;
    import.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse imported;
    grpc::Status status =
        registry->ImportPlan(Context(Token(Role::kAdministrator)).get(), import, &imported);
    ASSERT_TRUE(status.ok()) << status.error_message();
    plan_ = imported.plan().name();
    rv1::ExportPlanRequest export_request;
    export_request.set_name(plan_);
    rv1::ExportPlanResponse plan;
    ASSERT_TRUE(
        registry->ExportPlan(Context(Token(Role::kAdministrator)).get(), export_request, &plan)
            .ok());
    // The measures with a named lead organization; the extension measure is
    // the one with the latest deadline still ahead.
    const absl::CivilDay today = TodayInShanghai();
    absl::CivilDay latest = today + 2;
    for (const rv1::Task& task : plan.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        if (m.lead_organizations_size() == 0 || m.lead_organizations(0).organization().empty()) {
          continue;
        }
        const std::string lead = m.lead_organizations(0).organization();
        led_.push_back({lead, m.name()});
        if (m.deadline().has_due_date()) {
          const common::v1::Date& d = m.deadline().due_date();
          const absl::CivilDay due(d.year(), d.month(), d.day());
          if (due > latest) {
            latest = due;
            organization_ = lead;
            measure_ = m.name();
            due_ = due;
          }
        }
      }
    }
    ASSERT_GT(led_.size(), 20u);
    if (measure_.empty()) GTEST_SKIP() << "every deadline of the seed plan has passed";
    organization_id_ = organization_.substr(organization_.rfind('/') + 1);
    period_ = absl::StrFormat("%04d-%02d", today.year(), today.month());

    ServerOptions progress;
    progress.follow = {"registry"};
    ASSERT_OK_AND_ASSIGN(const std::string progress_address, cluster_.Start("progress", progress));
    stub_ = pv1::ProgressService::NewStub(
        grpc::CreateCustomChannel(progress_address, secured_.ChannelCredentials(), args));

    // The progress service gets the plan only by following the secured
    // registry with its service credentials.
    grpc::StatusCode code = grpc::StatusCode::UNKNOWN;
    for (int i = 0; i < 300 && code != grpc::StatusCode::OK; ++i) {
      pv1::GetSubmissionStatusRequest r;
      r.set_plan(plan_);
      r.set_period(period_);
      pv1::GetSubmissionStatusResponse out;
      code = stub_->GetSubmissionStatus(Context(Token(Role::kAdministrator)).get(), r, &out)
                 .error_code();
      if (code != grpc::StatusCode::OK) absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_EQ(code, grpc::StatusCode::OK) << ReadFile(dir_.Sub("progress.log")).value_or("")
                                          << ReadFile(dir_.Sub("registry.log")).value_or("");

    // The data the reads need: the organization's report, the year's holidays.
    ASSERT_EQ(Submit(Token(Role::kAdministrator), organization_, measure_, period_),
              grpc::StatusCode::OK)
        << last_error_;
    pv1::LoadHolidaysRequest holidays = Holidays();
    pv1::LoadHolidaysResponse loaded;
    ASSERT_TRUE(
        stub_->LoadHolidays(Context(Token(Role::kAdministrator)).get(), holidays, &loaded).ok());
  }

  std::string Token(Role role, const std::string& organization_id = "") {
    return secured_.Token(role, organization_id.empty() ? organization_id_ : organization_id);
  }
  std::unique_ptr<grpc::ClientContext> Context(const std::string& token) {
    return TokenContext(token);
  }

  std::string Admin() { return Token(Role::kAdministrator); }
  std::string NextId(const char* what) { return absl::StrCat(what, "-", ++counter_); }
  std::string ReportName(const std::string& organization, const std::string& period) {
    return absl::StrCat(plan_, "/reports/", organization.substr(organization.rfind('/') + 1), "_",
                        period);
  }

  // Submits (or revises, with the current etag) `organization`'s report.
  grpc::StatusCode Submit(const std::string& token, const std::string& organization,
                          const std::string& measure, const std::string& period) {
    pv1::GetReportRequest get;
    get.set_name(ReportName(organization, period));
    pv1::GetReportResponse current;
    const bool exists = stub_->GetReport(Context(Admin()).get(), get, &current).ok();
    pv1::SubmitReportRequest r;
    r.set_parent(plan_);
    r.set_organization(organization);
    r.set_period(period);
    if (exists) r.set_etag(current.report().etag());
    pv1::ReportEntry* e = r.add_entries();
    e->set_measure(measure);
    e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
    e->set_percent_done(10 + counter_ % 80);
    e->set_work_done("完成年度任务分解");
    e->set_next_steps("下月完成设备安装");
    r.set_request_id(NextId("submit"));
    pv1::SubmitReportResponse out;
    grpc::Status status = stub_->SubmitReport(Context(token).get(), r, &out);
    last_error_ = status.error_message();
    return status.error_code();
  }

  // A report in state SUBMITTED for the bureau to review: a new one once the
  // previous one was reviewed.
  std::string SubmittedReport() {
    pv1::GetReportRequest get;
    get.set_name(review_report_);
    pv1::GetReportResponse current;
    if (!review_report_.empty() && stub_->GetReport(Context(Admin()).get(), get, &current).ok() &&
        current.report().state() == pv1::REPORT_STATE_SUBMITTED) {
      return review_report_;
    }
    // One report per (organization, month): every lead organization in turn.
    std::vector<std::pair<std::string, std::string>> leads;
    std::set<std::string> seen;
    for (const auto& pair : led_) {
      if (seen.insert(pair.first).second) leads.push_back(pair);
    }
    const auto& [organization, measure] = leads[review_count_ % leads.size()];
    const std::string period = absl::StrFormat("%04d-%02d", TodayInShanghai().year(),
                                               1 + static_cast<int>(review_count_ / leads.size()));
    ++review_count_;
    EXPECT_EQ(Submit(Admin(), organization, measure, period), grpc::StatusCode::OK) << last_error_;
    review_report_ = ReportName(organization, period);
    return review_report_;
  }

  std::string ReportEtag(const std::string& name) {
    pv1::GetReportRequest get;
    get.set_name(name);
    pv1::GetReportResponse current;
    EXPECT_TRUE(stub_->GetReport(Context(Admin()).get(), get, &current).ok());
    return current.report().etag();
  }

  // Pending items of the extension measure, decided by the bureau so that a
  // new request or declaration can be made.
  void ClearPendingExtension() {
    pv1::ListExtensionsRequest list;
    list.set_parent(measure_);
    list.set_state(pv1::EXTENSION_STATE_PENDING);
    pv1::ListExtensionsResponse pending;
    ASSERT_TRUE(stub_->ListExtensions(Context(Admin()).get(), list, &pending).ok());
    for (const pv1::Extension& e : pending.extensions()) {
      pv1::DecideExtensionRequest d;
      d.set_name(e.name());
      d.set_decision(pv1::DECISION_REJECT);
      d.set_comment("理由不充分");
      pv1::DecideExtensionResponse out;
      ASSERT_TRUE(stub_->DecideExtension(Context(Admin()).get(), d, &out).ok());
    }
  }
  std::string PendingExtension() {
    pv1::ListExtensionsRequest list;
    list.set_parent(measure_);
    list.set_state(pv1::EXTENSION_STATE_PENDING);
    pv1::ListExtensionsResponse pending;
    EXPECT_TRUE(stub_->ListExtensions(Context(Admin()).get(), list, &pending).ok());
    if (pending.extensions_size() > 0) return pending.extensions(0).name();
    EXPECT_EQ(RequestExtension(Admin()), grpc::StatusCode::OK);
    return PendingExtension();
  }
  grpc::StatusCode RequestExtension(const std::string& token) {
    pv1::RequestExtensionRequest r;
    r.set_measure(measure_);
    r.set_organization(organization_);
    *r.mutable_requested_due_date() = ToDate(due_ + 30 + counter_ % 60);
    r.set_reason("设备采购周期延长");
    r.set_request_id(NextId("extension"));
    pv1::RequestExtensionResponse out;
    return stub_->RequestExtension(Context(token).get(), r, &out).error_code();
  }

  // Completion declarations: on the extension measure, rejected by the
  // bureau before each new one; for confirmation, one measure after another.
  grpc::StatusCode Declare(const std::string& token, const std::string& organization,
                           const std::string& measure) {
    pv1::DeclareCompletionRequest r;
    r.set_measure(measure);
    r.set_organization(organization);
    r.set_description("已完成全部工作内容");
    r.add_evidence_links("https://www.bjmtg.gov.cn/evidence/done");
    r.set_request_id(NextId("declare"));
    pv1::DeclareCompletionResponse out;
    return stub_->DeclareCompletion(Context(token).get(), r, &out).error_code();
  }
  std::string Declared(const std::string& measure) {
    pv1::ListCompletionsRequest list;
    list.set_parent(measure);
    list.set_state(pv1::COMPLETION_STATE_DECLARED);
    pv1::ListCompletionsResponse declared;
    EXPECT_TRUE(stub_->ListCompletions(Context(Admin()).get(), list, &declared).ok());
    return declared.completions_size() > 0 ? declared.completions(0).name() : "";
  }
  void RejectDeclared(const std::string& measure) {
    const std::string name = Declared(measure);
    if (name.empty()) return;
    pv1::RejectCompletionRequest r;
    r.set_name(name);
    r.set_comment("证明材料不全");
    pv1::RejectCompletionResponse out;
    ASSERT_TRUE(stub_->RejectCompletion(Context(Admin()).get(), r, &out).ok());
  }
  // A declared completion awaiting a decision, on a measure other than the
  // extension measure (confirming closes a measure for good).
  std::string DeclaredForDecision() {
    if (!decision_measure_.empty()) {
      const std::string name = Declared(decision_measure_);
      if (!name.empty()) return name;
    }
    const auto& [organization, measure] = led_[decision_count_++];
    if (measure == measure_) return DeclaredForDecision();
    decision_measure_ = measure;
    EXPECT_EQ(Declare(Admin(), organization, measure), grpc::StatusCode::OK);
    return Declared(measure);
  }

  pv1::LoadHolidaysRequest Holidays() {
    pv1::LoadHolidaysRequest r;
    r.mutable_holidays()->set_name(absl::StrCat("holidayCalendars/", TodayInShanghai().year()));
    r.mutable_holidays()->set_year(static_cast<int>(TodayInShanghai().year()));
    *r.mutable_holidays()->add_holidays() = ToDate(absl::CivilDay(TodayInShanghai().year(), 10, 1));
    *r.mutable_holidays()->add_holidays() = ToDate(absl::CivilDay(TodayInShanghai().year(), 10, 2));
    r.set_request_id(NextId("holidays"));
    return r;
  }

  // Supervision orders (督办单) on the extension measure, addressed to its
  // lead organization: a new one for each call that changes an order's state
  // for good; `reply` adds the organization's reply, `accept` accepts it.
  grpc::StatusCode Issue(const std::string& token, pv1::SupervisionOrder* order = nullptr) {
    pv1::IssueSupervisionOrderRequest r;
    r.set_parent(plan_);
    r.set_title("关于扬尘问题的督办");
    r.set_description("请核实处置并回复");
    r.mutable_source()->set_kind(pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET);
    r.mutable_source()->set_reference(NextId("12345"));
    r.set_level(pv1::SUPERVISION_LEVEL_BLUE);
    r.add_measures(measure_);
    r.add_organizations(organization_);
    r.set_request_id(NextId("issue"));
    pv1::IssueSupervisionOrderResponse out;
    grpc::Status status = stub_->IssueSupervisionOrder(Context(token).get(), r, &out);
    last_error_ = status.error_message();
    if (order != nullptr) *order = out.order();
    return status.error_code();
  }
  grpc::StatusCode ReplyTo(const std::string& token, const std::string& order) {
    pv1::ReplySupervisionOrderRequest r;
    r.set_name(order);
    r.set_organization(organization_);
    r.set_content("已完成整改");
    r.add_evidence_links("https://www.bjmtg.gov.cn/evidence/supervision");
    r.set_request_id(NextId("reply"));
    pv1::ReplySupervisionOrderResponse out;
    return stub_->ReplySupervisionOrder(Context(token).get(), r, &out).error_code();
  }
  grpc::StatusCode VerifyReply(const std::string& token, const std::string& order, bool accept) {
    pv1::VerifySupervisionReplyRequest r;
    r.set_name(order);
    r.set_organization(organization_);
    r.set_decision(accept ? pv1::DECISION_APPROVE : pv1::DECISION_REJECT);
    r.set_comment("请补充材料");
    pv1::VerifySupervisionReplyResponse out;
    return stub_->VerifySupervisionReply(Context(token).get(), r, &out).error_code();
  }
  std::string NewOrder(bool reply = false, bool accept = false) {
    pv1::SupervisionOrder order;
    EXPECT_EQ(Issue(Admin(), &order), grpc::StatusCode::OK) << last_error_;
    if (reply) {
      EXPECT_EQ(ReplyTo(Admin(), order.name()), grpc::StatusCode::OK);
    }
    if (accept) {
      EXPECT_EQ(VerifyReply(Admin(), order.name(), true), grpc::StatusCode::OK);
    }
    return order.name();
  }
  // One open order the reporter replies to again and again (each new reply
  // supersedes the pending one).
  const std::string& ReplyOrder() {
    if (reply_order_.empty()) reply_order_ = NewOrder();
    return reply_order_;
  }

  // Problem items (问题清单) on the extension measure, owned by its lead
  // organization: a new OPEN one for each step.
  grpc::StatusCode CreateProblem(const std::string& token, pv1::ProblemItem* item = nullptr) {
    pv1::CreateProblemItemRequest r;
    r.set_parent(plan_);
    r.mutable_item()->set_measure(measure_);
    r.mutable_item()->set_code(NextId("PWK"));
    r.mutable_item()->set_title("永定河左岸排污口");
    r.mutable_item()->set_organization(organization_);
    *r.mutable_item()->mutable_rectification_due_date() = ToDate(due_);
    r.set_request_id(NextId("problem"));
    pv1::CreateProblemItemResponse out;
    grpc::Status status = stub_->CreateProblemItem(Context(token).get(), r, &out);
    last_error_ = status.error_message();
    if (item != nullptr) *item = out.item();
    return status.error_code();
  }
  std::string NewProblem() {
    pv1::ProblemItem item;
    EXPECT_EQ(CreateProblem(Admin(), &item), grpc::StatusCode::OK) << last_error_;
    return item.name();
  }
  const std::string& ReadProblem() {
    if (read_problem_.empty()) read_problem_ = NewProblem();
    return read_problem_;
  }

  using Call = PolicyCall;
  std::map<std::string, Call> Calls() {
    std::map<std::string, Call> calls;
    auto add = [&](const char* method, Call call) {
      calls[progress::ProgressMethod(method)] = std::move(call);
    };
    add("SubmitReport",
        [this](const std::string& t) { return Submit(t, organization_, measure_, period_); });
    add("GetReport", [this](const std::string& t) {
      pv1::GetReportRequest r;
      r.set_name(ReportName(organization_, period_));
      pv1::GetReportResponse out;
      return stub_->GetReport(Context(t).get(), r, &out).error_code();
    });
    add("ListReports", [this](const std::string& t) {
      pv1::ListReportsRequest r;
      r.set_parent(plan_);
      pv1::ListReportsResponse out;
      return stub_->ListReports(Context(t).get(), r, &out).error_code();
    });
    add("ListReportRevisions", [this](const std::string& t) {
      pv1::ListReportRevisionsRequest r;
      r.set_name(ReportName(organization_, period_));
      pv1::ListReportRevisionsResponse out;
      return stub_->ListReportRevisions(Context(t).get(), r, &out).error_code();
    });
    add("AcceptReport", [this](const std::string& t) {
      pv1::AcceptReportRequest r;
      r.set_name(SubmittedReport());
      r.set_etag(ReportEtag(r.name()));
      pv1::AcceptReportResponse out;
      return stub_->AcceptReport(Context(t).get(), r, &out).error_code();
    });
    add("ReturnReport", [this](const std::string& t) {
      pv1::ReturnReportRequest r;
      r.set_name(SubmittedReport());
      r.set_etag(ReportEtag(r.name()));
      r.set_comment("请补充完成时限");
      pv1::ReturnReportResponse out;
      return stub_->ReturnReport(Context(t).get(), r, &out).error_code();
    });
    add("GetSubmissionStatus", [this](const std::string& t) {
      pv1::GetSubmissionStatusRequest r;
      r.set_plan(plan_);
      r.set_period(period_);
      pv1::GetSubmissionStatusResponse out;
      return stub_->GetSubmissionStatus(Context(t).get(), r, &out).error_code();
    });
    add("GetMeasureProgress", [this](const std::string& t) {
      pv1::GetMeasureProgressRequest r;
      r.set_measure(measure_);
      pv1::GetMeasureProgressResponse out;
      return stub_->GetMeasureProgress(Context(t).get(), r, &out).error_code();
    });
    add("ListMeasureHistory", [this](const std::string& t) {
      pv1::ListMeasureHistoryRequest r;
      r.set_measure(measure_);
      pv1::ListMeasureHistoryResponse out;
      return stub_->ListMeasureHistory(Context(t).get(), r, &out).error_code();
    });
    add("RequestExtension", [this](const std::string& t) {
      ClearPendingExtension();
      return RequestExtension(t);
    });
    add("DecideExtension", [this](const std::string& t) {
      pv1::DecideExtensionRequest r;
      r.set_name(PendingExtension());
      r.set_decision(pv1::DECISION_REJECT);  // the deadline stays, so requests stay possible
      r.set_comment("请按期完成");
      pv1::DecideExtensionResponse out;
      return stub_->DecideExtension(Context(t).get(), r, &out).error_code();
    });
    add("ListExtensions", [this](const std::string& t) {
      pv1::ListExtensionsRequest r;
      r.set_parent(plan_);
      pv1::ListExtensionsResponse out;
      return stub_->ListExtensions(Context(t).get(), r, &out).error_code();
    });
    add("DeclareCompletion", [this](const std::string& t) {
      RejectDeclared(measure_);
      return Declare(t, organization_, measure_);
    });
    add("ConfirmCompletion", [this](const std::string& t) {
      pv1::ConfirmCompletionRequest r;
      r.set_name(DeclaredForDecision());
      pv1::ConfirmCompletionResponse out;
      return stub_->ConfirmCompletion(Context(t).get(), r, &out).error_code();
    });
    add("RejectCompletion", [this](const std::string& t) {
      pv1::RejectCompletionRequest r;
      r.set_name(DeclaredForDecision());
      r.set_comment("证明材料不全");
      pv1::RejectCompletionResponse out;
      return stub_->RejectCompletion(Context(t).get(), r, &out).error_code();
    });
    add("ListCompletions", [this](const std::string& t) {
      pv1::ListCompletionsRequest r;
      r.set_parent(plan_);
      pv1::ListCompletionsResponse out;
      return stub_->ListCompletions(Context(t).get(), r, &out).error_code();
    });
    add("GetReportingCalendar", [this](const std::string& t) {
      pv1::GetReportingCalendarRequest r;
      r.set_name(plan_ + "/reportingCalendar");
      pv1::GetReportingCalendarResponse out;
      return stub_->GetReportingCalendar(Context(t).get(), r, &out).error_code();
    });
    add("UpdateReportingCalendar", [this](const std::string& t) {
      pv1::UpdateReportingCalendarRequest r;
      r.mutable_calendar()->set_name(plan_ + "/reportingCalendar");
      r.mutable_calendar()->mutable_monthly_due()->set_day_of_month(25);
      r.set_request_id(NextId("calendar"));
      pv1::UpdateReportingCalendarResponse out;
      return stub_->UpdateReportingCalendar(Context(t).get(), r, &out).error_code();
    });
    add("LoadHolidays", [this](const std::string& t) {
      pv1::LoadHolidaysResponse out;
      return stub_->LoadHolidays(Context(t).get(), Holidays(), &out).error_code();
    });
    add("GetHolidays", [this](const std::string& t) {
      pv1::GetHolidaysRequest r;
      r.set_name(absl::StrCat("holidayCalendars/", TodayInShanghai().year()));
      pv1::GetHolidaysResponse out;
      return stub_->GetHolidays(Context(t).get(), r, &out).error_code();
    });
    add("IssueSupervisionOrder", [this](const std::string& t) { return Issue(t); });
    add("GetSupervisionOrder", [this](const std::string& t) {
      pv1::GetSupervisionOrderRequest r;
      r.set_name(ReplyOrder());
      pv1::GetSupervisionOrderResponse out;
      return stub_->GetSupervisionOrder(Context(t).get(), r, &out).error_code();
    });
    add("ListSupervisionOrders", [this](const std::string& t) {
      pv1::ListSupervisionOrdersRequest r;
      r.set_parent(plan_);
      pv1::ListSupervisionOrdersResponse out;
      return stub_->ListSupervisionOrders(Context(t).get(), r, &out).error_code();
    });
    add("ReplySupervisionOrder", [this](const std::string& t) { return ReplyTo(t, ReplyOrder()); });
    add("VerifySupervisionReply", [this](const std::string& t) {
      return VerifyReply(t, NewOrder(/*reply=*/true), /*accept=*/false);
    });
    add("RaiseSupervisionLevel", [this](const std::string& t) {
      pv1::RaiseSupervisionLevelRequest r;
      r.set_name(NewOrder());
      r.set_level(pv1::SUPERVISION_LEVEL_RED);
      r.set_reason("逾期未回复");
      pv1::RaiseSupervisionLevelResponse out;
      return stub_->RaiseSupervisionLevel(Context(t).get(), r, &out).error_code();
    });
    add("CloseSupervisionOrder", [this](const std::string& t) {
      pv1::CloseSupervisionOrderRequest r;
      r.set_name(NewOrder(/*reply=*/true, /*accept=*/true));
      pv1::CloseSupervisionOrderResponse out;
      return stub_->CloseSupervisionOrder(Context(t).get(), r, &out).error_code();
    });
    add("AcknowledgeSupervisionOrder", [this](const std::string& t) {
      pv1::AcknowledgeSupervisionOrderRequest r;
      r.set_name(ReplyOrder());
      r.set_comment("已签收");
      r.set_request_id(NextId("ack"));
      pv1::AcknowledgeSupervisionOrderResponse out;
      return stub_->AcknowledgeSupervisionOrder(Context(t).get(), r, &out).error_code();
    });
    add("CreateProblemItem", [this](const std::string& t) { return CreateProblem(t); });
    add("ImportProblemItems", [this](const std::string& t) {
      pv1::ImportProblemItemsRequest r;
      r.set_parent(plan_);
      r.set_measure(measure_);
      r.set_csv(absl::StrCat("编号,名称,责任单位,整改期限\n", NextId("HC"), ",黑臭水体,",
                             organization_, ",", absl::FormatCivilTime(due_), "\n"));
      r.set_request_id(NextId("import"));
      pv1::ImportProblemItemsResponse out;
      grpc::Status status = stub_->ImportProblemItems(Context(t).get(), r, &out);
      if (status.ok() && out.accepted() != 1) return grpc::StatusCode::INTERNAL;
      return status.error_code();
    });
    add("GetProblemItem", [this](const std::string& t) {
      pv1::GetProblemItemRequest r;
      r.set_name(ReadProblem());
      pv1::GetProblemItemResponse out;
      return stub_->GetProblemItem(Context(t).get(), r, &out).error_code();
    });
    add("ListProblemItems", [this](const std::string& t) {
      pv1::ListProblemItemsRequest r;
      r.set_parent(plan_);
      pv1::ListProblemItemsResponse out;
      return stub_->ListProblemItems(Context(t).get(), r, &out).error_code();
    });
    add("SummarizeProblemItems", [this](const std::string& t) {
      pv1::SummarizeProblemItemsRequest r;
      r.set_parent(plan_);
      pv1::SummarizeProblemItemsResponse out;
      return stub_->SummarizeProblemItems(Context(t).get(), r, &out).error_code();
    });
    add("TransitionProblemItem", [this](const std::string& t) {
      pv1::TransitionProblemItemRequest r;
      r.set_name(NewProblem());
      r.set_transition(pv1::PROBLEM_TRANSITION_START_RECTIFICATION);
      r.set_request_id(NextId("step"));
      pv1::TransitionProblemItemResponse out;
      return stub_->TransitionProblemItem(Context(t).get(), r, &out).error_code();
    });
    add("PrefillReport", [this](const std::string& t) {
      // The draft of a lead organization other than the one SubmitReport
      // submits for, this month: each allowed call merges into it again.
      std::pair<std::string, std::string> target;
      for (const auto& pair : led_) {
        if (pair.first != organization_) target = pair;
      }
      pv1::PrefillReportRequest r;
      r.set_parent(plan_);
      r.set_organization(target.first);
      r.set_period(period_);
      pv1::PrefillEntry* e = r.add_entries();
      e->set_measure(target.second);
      e->mutable_source()->set_system("市生态环境统计系统");
      e->mutable_source()->set_record_id("HJTJ-0001");
      e->mutable_source()->mutable_file_time()->set_seconds(
          absl::ToUnixSeconds(absl::Now() - absl::Hours(24)));
      pv1::QuantitativeValue* v = e->add_values()->mutable_value();
      v->set_name("新能源货车数量");
      v->set_value(240);
      v->set_unit("辆");
      r.set_request_id(NextId("prefill"));
      pv1::PrefillReportResponse out;
      grpc::Status status = stub_->PrefillReport(Context(t).get(), r, &out);
      last_error_ = status.error_message();
      return status.error_code();
    });
    add("WatchEvents", [this](const std::string& t) {
      pv1::WatchEventsRequest r;
      return FirstStreamMessage<pv1::WatchEventsResponse>(
          t, [&](grpc::ClientContext* ctx) { return stub_->WatchEvents(ctx, r); });
    });
    return calls;
  }

  common::TempDir dir_;
  SecuredSetup secured_;
  Cluster cluster_{dir_.path()};
  std::unique_ptr<pv1::ProgressService::Stub> stub_;
  std::string plan_, organization_, organization_id_, measure_, period_;
  absl::CivilDay due_;
  // (lead organization, measure) of every measure with a named lead.
  std::vector<std::pair<std::string, std::string>> led_;
  std::string review_report_;
  size_t review_count_ = 0;
  std::string decision_measure_;
  size_t decision_count_ = 0;
  std::string reply_order_;
  std::string read_problem_;
  int counter_ = 0;
  std::string last_error_;
};

TEST_F(ProgressAuthTest, EveryRpcAnswersEachRoleExactlyAsThePolicySays) {
  std::map<std::string, Call> calls = Calls();
  EXPECT_THAT(WalkPolicy(
                  progress::ProgressPolicy(), calls, [this](Role r) { return Token(r); },
                  secured_.ServiceTokens()),
              ::testing::IsEmpty());
}

TEST_F(ProgressAuthTest, AReporterOfAnotherOrganizationIsHeldToItsOwn) {
  std::string other;
  for (const auto& [organization, measure] : led_) {
    if (organization != organization_) other = organization.substr(organization.rfind('/') + 1);
  }
  ASSERT_FALSE(other.empty());
  const std::string stranger = Token(Role::kReporter, other);
  std::map<std::string, Call> calls = Calls();
  for (const char* method : {"SubmitReport", "GetReport", "ListReportRevisions", "RequestExtension",
                             "DeclareCompletion", "ReplySupervisionOrder", "GetSupervisionOrder",
                             "GetProblemItem", "TransitionProblemItem"}) {
    EXPECT_EQ(calls[progress::ProgressMethod(method)](stranger),
              grpc::StatusCode::PERMISSION_DENIED)
        << method;
  }
  // Its list holds none of the other organization's reports.
  pv1::ListReportsRequest r;
  r.set_parent(plan_);
  pv1::ListReportsResponse out;
  ASSERT_TRUE(stub_->ListReports(Context(stranger).get(), r, &out).ok());
  for (const pv1::Report& report : out.reports()) {
    EXPECT_EQ(report.organization(), "organizations/" + other);
  }
  // Nor of the supervision orders addressed to the other organization.
  ASSERT_FALSE(ReplyOrder().empty());
  pv1::ListSupervisionOrdersRequest orders;
  orders.set_parent(plan_);
  pv1::ListSupervisionOrdersResponse listed;
  ASSERT_TRUE(stub_->ListSupervisionOrders(Context(stranger).get(), orders, &listed).ok());
  EXPECT_EQ(listed.orders_size(), 0);
  ASSERT_TRUE(
      stub_->ListSupervisionOrders(Context(Token(Role::kReporter)).get(), orders, &listed).ok());
  EXPECT_EQ(listed.orders_size(), 1);
  // Nor of the problem items of the other organization; filtering by it is refused.
  ASSERT_FALSE(ReadProblem().empty());
  pv1::ListProblemItemsRequest problems;
  problems.set_parent(plan_);
  pv1::ListProblemItemsResponse items;
  ASSERT_TRUE(stub_->ListProblemItems(Context(stranger).get(), problems, &items).ok());
  EXPECT_EQ(items.items_size(), 0);
  problems.set_organization(organization_);
  EXPECT_EQ(stub_->ListProblemItems(Context(stranger).get(), problems, &items).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_TRUE(
      stub_->ListProblemItems(Context(Token(Role::kReporter)).get(), problems, &items).ok());
  EXPECT_GE(items.items_size(), 1);
}

TEST_F(ProgressAuthTest, EveryRpcRefusesMissingAndBadTokensAsUnauthenticated) {
  std::map<std::string, Call> calls = Calls();
  EXPECT_THAT(WalkBadTokens(calls, secured_.BadTokens()), ::testing::IsEmpty());
  // Neither the secret nor a token reaches a log.
  for (const char* log : {"progress.log", "registry.log"}) {
    const std::string text = ReadFile(dir_.Sub(log)).value_or("");
    EXPECT_EQ(text.find(secured_.secret()), std::string::npos) << log;
    EXPECT_FALSE(HoldsJwt(text)) << log;
  }
}

}  // namespace
}  // namespace ecoplan::testing
