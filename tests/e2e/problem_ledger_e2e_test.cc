// A problem ledger (问题清单) of drainage outlets (排污口) for measure
// a1-t25-m3 of the seed plan against the real registry_server and
// progress_server binaries, secured as in production (TLS, ES256 tokens of
// each role): the 督查室 imports it from CSV (one bad row refused by its
// line, the others created, one of them recorded late with a due day in the
// past and so overdue at once); the summary counts them; the owner towns
// start and claim rectification with evidence; the bureau verifies one and
// closes it (销号), and reopens another at verification; a reporter of
// another organization is refused; every step is on WatchEvents; the command
// center acknowledges (签收) a supervision order with its case number. The
// same ledger saved as .xlsx, and what its owners are told (notification_server).

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/auth/token_minter.h"
#include "common/spreadsheet/testing/xlsx_fixtures.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/dates.h"
#include "tests/harness/secured.h"
#include "tests/harness/seeded.h"

namespace ecoplan::testing {
namespace {

namespace nv1 = ::ecoplan::notification::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using common::Role;

const char* const kSeed = ECOPLAN_SEED_PATH;
constexpr char kMeasureId[] = "a1-t25-m3";

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

std::string Day(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

class ProblemLedgerE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(secured_, SecuredSetup::Create(dir_));
    cluster_.SetCommonFlags(secured_.ServerFlags());
    ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
    auto registry = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry_address, secured_.ChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(const rv1::ExportPlanResponse plan,
                         ImportSeedPlan(
                             *registry, [this] { return Ctx(Role::kAdministrator); }, kSeed));
    plan_ = plan.plan().name();
    std::map<std::string, std::string> names;
    for (const rv1::Organization& o : plan.organizations()) names[o.name()] = o.display_name();
    // The measure's owners: two responsible towns (各镇街) and a unit that
    // owns nothing of it.
    std::vector<std::string> owners;
    for (const rv1::Task& task : plan.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        if (IdOf(m.name()) != kMeasureId) continue;
        measure_ = m.name();
        for (const rv1::OrgRef& r : m.lead_organizations()) {
          if (!r.organization().empty()) owners.push_back(r.organization());
          if (!r.organization().empty()) leads_.push_back(r.organization());
        }
        for (const rv1::OrgRef& r : m.responsible_organizations()) {
          if (!r.organization().empty()) owners.push_back(r.organization());
          for (const std::string& member : r.members()) towns_.push_back(member);
        }
      }
    }
    ASSERT_FALSE(measure_.empty());
    ASSERT_GE(towns_.size(), 2u);
    for (const auto& [name, display] : names) {
      if (std::find(owners.begin(), owners.end(), name) == owners.end() &&
          std::find(towns_.begin(), towns_.end(), name) == towns_.end()) {
        stranger_ = name;
        break;
      }
    }
    ASSERT_FALSE(stranger_.empty());
    town_names_ = {names[towns_[0]], names[towns_[1]]};

    ServerOptions progress;
    progress.follow = {"registry"};
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("progress", progress));
    stub_ =
        pv1::ProgressService::NewStub(grpc::CreateChannel(address, secured_.ChannelCredentials()));
    ASSERT_OK(AwaitPlanInProgress(*stub_, plan_, [this] { return Ctx(Role::kSupervisor); }))
        << cluster_.Log("progress");
  }

  std::unique_ptr<grpc::ClientContext> Ctx(Role role, const std::string& organization = "") {
    const char* subject = role == Role::kSupervisor      ? "duchashi.wang"
                          : role == Role::kAdministrator ? "sthjj.li"
                          : role == Role::kViewer        ? "chengzhi.zhao"
                                                         : "";
    return TokenContext(secured_.Token(role, IdOf(organization), subject));
  }

  grpc::Status Step(const std::string& name, pv1::ProblemTransition t, Role role,
                    const std::string& organization, pv1::ProblemItem* item,
                    const std::string& comment = "", const std::string& evidence = "") {
    pv1::TransitionProblemItemRequest r;
    r.set_name(name);
    r.set_transition(t);
    r.set_comment(comment);
    if (!evidence.empty()) r.add_evidence_links(evidence);
    r.set_request_id(absl::StrCat("step-", ++requests_));
    pv1::TransitionProblemItemResponse out;
    grpc::Status status = stub_->TransitionProblemItem(Ctx(role, organization).get(), r, &out);
    *item = out.item();
    return status;
  }

  common::TempDir dir_;
  SecuredSetup secured_;
  Cluster cluster_{dir_.path()};
  std::unique_ptr<pv1::ProgressService::Stub> stub_;
  std::string plan_, measure_, stranger_;
  std::vector<std::string> towns_, town_names_, leads_;
  int requests_ = 0;
};

TEST_F(ProblemLedgerE2eTest, ADrainageOutletLedgerIsImportedRectifiedVerifiedReopenedAndClosed) {
  const absl::CivilDay today = TodayInShanghai();
  const std::string& town1 = towns_[0];
  const std::string& town2 = towns_[1];
  // An Excel export: BOM, CRLF, a quoted location with a comma, one bad date,
  // one row recorded late (due last month).
  const std::string csv = absl::StrCat(
      "\xEF\xBB\xBF", "编号,名称,责任单位,整改期限,类别,位置,来源\r\n",  //
      "PWK-001,永定河左岸雨水排口,", town_names_[0], ",", Day(today + 60),
      ",排污口,\"永定河左岸, 桩号K3+200\",督察反馈\r\n",                                     //
      "PWK-002,城子沟排污口,", town_names_[1], ",", Day(today + 90), ",排污口,城子沟,\r\n",  //
      "PWK-003,中门寺沟排口,", town_names_[0], ",", today.year(), "/2/30,排污口,,\r\n",      //
      "PWK-004,黑河沟排口,", town1, ",", Day(today - 30), ",DRAINAGE_OUTLET,,12345\r\n");

  pv1::ImportProblemItemsRequest import;
  import.set_parent(plan_);
  import.set_measure(measure_);
  import.set_csv(csv);
  import.set_validate_only(true);
  pv1::ImportProblemItemsResponse checked;
  grpc::Status status = stub_->ImportProblemItems(Ctx(Role::kSupervisor).get(), import, &checked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(checked.accepted(), 3);
  EXPECT_EQ(checked.items_size(), 0);
  // A reporter may not import.
  EXPECT_EQ(
      stub_->ImportProblemItems(Ctx(Role::kReporter, town1).get(), import, &checked).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  import.set_validate_only(false);
  import.set_request_id("ledger-import-1");
  pv1::ImportProblemItemsResponse imported;
  status = stub_->ImportProblemItems(Ctx(Role::kSupervisor).get(), import, &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(imported.rows(), 4);
  EXPECT_EQ(imported.accepted(), 3);
  ASSERT_EQ(imported.errors_size(), 1);
  EXPECT_EQ(imported.errors(0).line(), 4);
  EXPECT_EQ(imported.errors(0).column(), "整改期限");
  EXPECT_NE(imported.errors(0).message().find("/2/30"), std::string::npos)
      << imported.errors(0).message();
  ASSERT_EQ(imported.items_size(), 3);
  const pv1::ProblemItem& first = imported.items(0);
  EXPECT_EQ(IdOf(first.name()), "00001");
  EXPECT_EQ(first.measure(), measure_);
  EXPECT_EQ(first.organization(), town1);
  EXPECT_EQ(first.organization_display_name(), town_names_[0]);
  EXPECT_EQ(first.location(), "永定河左岸, 桩号K3+200");
  EXPECT_EQ(first.category(), pv1::PROBLEM_CATEGORY_DRAINAGE_OUTLET);
  EXPECT_EQ(first.state(), pv1::PROBLEM_STATE_OPEN);
  ASSERT_EQ(first.steps_size(), 1);
  EXPECT_EQ(first.steps(0).actor(), "duchashi.wang");
  const std::string outlet1 = first.name();
  const std::string outlet2 = imported.items(1).name();
  const std::string late = imported.items(2).name();
  EXPECT_EQ(IdOf(late), "00003");
  EXPECT_TRUE(imported.items(2).overdue());  // recorded after its due day
  EXPECT_FALSE(first.overdue());

  // The retry answers the first import and creates nothing.
  pv1::ImportProblemItemsResponse retried;
  status = stub_->ImportProblemItems(Ctx(Role::kSupervisor).get(), import, &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(retried.items_size(), 3);
  EXPECT_EQ(retried.items(2).name(), late);
  EXPECT_EQ(retried.errors_size(), 1);
  // A new import of the same file refuses every code as already in the ledger.
  import.set_request_id("ledger-import-2");
  status = stub_->ImportProblemItems(Ctx(Role::kSupervisor).get(), import, &retried);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(retried.accepted(), 0);
  EXPECT_EQ(retried.errors_size(), 4);

  // The summary counts them.
  pv1::SummarizeProblemItemsRequest summarize;
  summarize.set_parent(plan_);
  pv1::SummarizeProblemItemsResponse summary;
  ASSERT_TRUE(stub_->SummarizeProblemItems(Ctx(Role::kViewer).get(), summarize, &summary).ok());
  EXPECT_EQ(summary.total().total(), 3);
  EXPECT_EQ(summary.total().open(), 3);
  EXPECT_EQ(summary.total().overdue(), 1);
  ASSERT_EQ(summary.by_measure_size(), 1);
  EXPECT_EQ(summary.by_measure(0).key(), measure_);
  ASSERT_EQ(summary.by_organization_size(), 2);

  // The owner towns start and claim; claiming needs evidence.
  pv1::ProblemItem item;
  status =
      Step(outlet1, pv1::PROBLEM_TRANSITION_START_RECTIFICATION, Role::kReporter, town1, &item);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(item.state(), pv1::PROBLEM_STATE_RECTIFYING);
  EXPECT_EQ(Step(outlet1, pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED, Role::kReporter, town1, &item)
                .error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  status = Step(outlet1, pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED, Role::kReporter, town1, &item,
                "已完成封堵", "https://www.bjmtg.gov.cn/evidence/pwk-001.jpg");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(item.state(), pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED);
  status = Step(outlet2, pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED, Role::kReporter, town2, &item, "",
                "https://www.bjmtg.gov.cn/evidence/pwk-002.jpg");
  ASSERT_TRUE(status.ok()) << status.error_message();
  // A town may not move another town's item, nor verify its own.
  EXPECT_EQ(Step(late, pv1::PROBLEM_TRANSITION_START_RECTIFICATION, Role::kReporter, town2, &item)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(
      Step(outlet1, pv1::PROBLEM_TRANSITION_VERIFY, Role::kReporter, town1, &item).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);

  // The bureau verifies one and closes it; reopens the other at verification.
  status = Step(outlet1, pv1::PROBLEM_TRANSITION_VERIFY, Role::kAdministrator, "", &item);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(item.state(), pv1::PROBLEM_STATE_VERIFIED);
  status = Step(outlet2, pv1::PROBLEM_TRANSITION_REOPEN, Role::kAdministrator, "", &item,
                "现场核查仍有污水排出");
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(item.state(), pv1::PROBLEM_STATE_RECTIFYING);
  EXPECT_EQ(item.reopen_count(), 1);
  ASSERT_EQ(item.steps_size(), 3);
  EXPECT_EQ(item.steps(2).comment(), "现场核查仍有污水排出");
  EXPECT_EQ(item.steps(2).actor(), "sthjj.li");
  status = Step(outlet1, pv1::PROBLEM_TRANSITION_CLOSE, Role::kAdministrator, "", &item);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(item.state(), pv1::PROBLEM_STATE_CLOSED);
  status = Step(outlet1, pv1::PROBLEM_TRANSITION_VERIFY, Role::kAdministrator, "", &item);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find("CLOSED"), std::string::npos) << status.error_message();

  // Overdue: only the item recorded late.
  pv1::ListProblemItemsRequest list;
  list.set_parent(plan_);
  list.set_overdue_only(true);
  pv1::ListProblemItemsResponse overdue;
  ASSERT_TRUE(stub_->ListProblemItems(Ctx(Role::kSupervisor).get(), list, &overdue).ok());
  ASSERT_EQ(overdue.items_size(), 1);
  EXPECT_EQ(overdue.items(0).name(), late);
  EXPECT_EQ(overdue.items(0).code(), "PWK-004");

  // A reporter of another organization is refused.
  pv1::GetProblemItemRequest get;
  get.set_name(outlet1);
  pv1::GetProblemItemResponse got;
  EXPECT_EQ(stub_->GetProblemItem(Ctx(Role::kReporter, stranger_).get(), get, &got).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  pv1::ListProblemItemsRequest theirs;
  theirs.set_parent(plan_);
  theirs.set_organization(town1);
  pv1::ListProblemItemsResponse listed;
  EXPECT_EQ(
      stub_->ListProblemItems(Ctx(Role::kReporter, stranger_).get(), theirs, &listed).error_code(),
      grpc::StatusCode::PERMISSION_DENIED);
  theirs.clear_organization();
  ASSERT_TRUE(stub_->ListProblemItems(Ctx(Role::kReporter, stranger_).get(), theirs, &listed).ok());
  EXPECT_EQ(listed.items_size(), 0);
  ASSERT_TRUE(stub_->ListProblemItems(Ctx(Role::kReporter, town1).get(), theirs, &listed).ok());
  ASSERT_EQ(listed.items_size(), 2);
  EXPECT_EQ(listed.items(0).name(), outlet1);
  EXPECT_EQ(listed.items(1).name(), late);

  ASSERT_TRUE(stub_->SummarizeProblemItems(Ctx(Role::kViewer).get(), summarize, &summary).ok());
  EXPECT_EQ(summary.total().closed(), 1);
  EXPECT_EQ(summary.total().rectifying(), 1);
  EXPECT_EQ(summary.total().open(), 1);
  EXPECT_EQ(summary.total().reopened(), 1);
  EXPECT_EQ(summary.total().overdue(), 1);

  // Every step is an event of its item, in order.
  std::map<std::string, std::vector<std::string>> types;
  pv1::ProblemItemTransitioned reopened;
  {
    pv1::WatchEventsRequest watch;
    std::unique_ptr<grpc::ClientContext> ctx = Ctx(Role::kSupervisor);
    std::unique_ptr<grpc::ClientReader<pv1::WatchEventsResponse>> reader =
        stub_->WatchEvents(ctx.get(), watch);
    pv1::WatchEventsResponse event;
    int seen = 0;
    while (seen < 9 && reader->Read(&event)) {
      const std::string& type = event.event().type();
      if (type.find("ProblemItem") == std::string::npos) continue;
      ++seen;
      types[event.event().resource()].push_back(type.substr(type.rfind('.') + 1));
      pv1::ProblemItemTransitioned t;
      if (event.event().payload().UnpackTo(&t) &&
          t.step().transition() == pv1::PROBLEM_TRANSITION_REOPEN) {
        reopened = t;
      }
    }
    ctx->TryCancel();
    (void)reader->Finish();
  }
  EXPECT_EQ(types[outlet1],
            std::vector<std::string>({"ProblemItemOpened", "ProblemItemTransitioned",
                                      "ProblemItemTransitioned", "ProblemItemTransitioned",
                                      "ProblemItemTransitioned"}));
  EXPECT_EQ(types[outlet2],
            std::vector<std::string>(
                {"ProblemItemOpened", "ProblemItemTransitioned", "ProblemItemTransitioned"}));
  EXPECT_EQ(types[late], std::vector<std::string>({"ProblemItemOpened"}));
  EXPECT_EQ(reopened.from_state(), pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED);
  EXPECT_EQ(reopened.item().name(), outlet2);
  EXPECT_EQ(reopened.item().reopen_count(), 1);
}

TEST_F(ProblemLedgerE2eTest, TheCommandCenterAcknowledgesAnOrderWithItsCaseNumberOnce) {
  pv1::IssueSupervisionOrderRequest issue;
  issue.set_parent(plan_);
  issue.set_title("关于黑河沟排口污水直排的督办");
  issue.set_description("请核实处置并按期回复");
  issue.mutable_source()->set_kind(pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET);
  issue.mutable_source()->set_reference("12345-0077");
  issue.set_level(pv1::SUPERVISION_LEVEL_BLUE);
  issue.add_measures(measure_);
  issue.add_organizations(towns_[0]);
  pv1::IssueSupervisionOrderResponse issued;
  // The 督查室's token names its organization (SecuredSetup::Token names one
  // only for reporters, so this one is minted here, as the harness does):
  // the order records it.
  common::TokenClaims claims;
  claims.subject = "duchashi.wang";
  claims.role = Role::kSupervisor;
  claims.organization_id = "o-duchashi";
  claims.issued_at = absl::Now();
  claims.expires_at = absl::Now() + absl::Minutes(10);
  const std::string token = secured_.Sign(claims);
  ASSERT_FALSE(token.empty());
  grpc::Status status = stub_->IssueSupervisionOrder(TokenContext(token).get(), issue, &issued);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(issued.order().issuing_organization(), "organizations/o-duchashi");

  pv1::AcknowledgeSupervisionOrderRequest ack;
  ack.set_name(issued.order().name());
  ack.set_external_case_number("MTG-2026-0777");
  ack.set_comment("已签收，转派龙泉镇");
  ack.set_request_id("ack-1");
  pv1::AcknowledgeSupervisionOrderResponse acked;
  status = stub_->AcknowledgeSupervisionOrder(Ctx(Role::kViewer).get(), ack, &acked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(acked.order().external_case_number(), "MTG-2026-0777");
  ASSERT_EQ(acked.order().acknowledgements_size(), 1);
  EXPECT_EQ(acked.order().acknowledgements(0).acknowledged_by(), "chengzhi.zhao");
  EXPECT_EQ(acked.order().acknowledgements(0).comment(), "已签收，转派龙泉镇");
  // The retry writes nothing.
  status = stub_->AcknowledgeSupervisionOrder(Ctx(Role::kViewer).get(), ack, &acked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(acked.order().acknowledgements_size(), 1);
  // Another case number is refused; a reporter may not acknowledge.
  ack.set_request_id("ack-2");
  ack.set_external_case_number("MTG-2026-0999");
  EXPECT_EQ(stub_->AcknowledgeSupervisionOrder(Ctx(Role::kViewer).get(), ack, &acked).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(stub_->AcknowledgeSupervisionOrder(Ctx(Role::kReporter, towns_[0]).get(), ack, &acked)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
}

// A ledger saved from Excel as .xlsx (a date cell, a number cell, one bad
// row refused by its worksheet row), and what the owners hear of it: each
// town one PROBLEM_ITEM_OPENED per item, the closed item's owner and the
// measure's lead organizations one PROBLEM_ITEM_CLOSED.
TEST_F(ProblemLedgerE2eTest, AWorkbookLedgerIsImportedAndTheOwnersAreToldOfOpeningAndClosing) {
  ASSERT_OK_AND_ASSIGN(const std::string notification_address,
                       cluster_.Start("notification", Following({"registry", "progress"},
                                                                {"--schedule_interval=1h"})));
  auto notify = nv1::NotificationService::NewStub(
      grpc::CreateChannel(notification_address, secured_.ChannelCredentials()));
  const absl::CivilDay due = TodayInShanghai() + 60;
  using Cell = common::testing::XlsxCell;
  const std::string workbook = common::testing::XlsxWorkbook({
      {Cell::Text("编号"), Cell::Text("名称"), Cell::Text("责任单位"), Cell::Text("整改期限"),
       Cell::Text("类别"), Cell::Text("位置")},
      {Cell::Text("PWK-101"), Cell::Text("永定河右岸排口"), Cell::Text(town_names_[0]),
       Cell::Date(static_cast<int>(due.year()), due.month(), due.day()), Cell::Text("排污口"),
       Cell::Text("桩号K5+100")},
      {Cell::Number(102), Cell::Text("清水河排口"), Cell::Text(town_names_[1]),
       Cell::Date(static_cast<int>(due.year()), due.month(), due.day()), Cell::Text("排污口"),
       Cell::Empty()},
      {Cell::Text("PWK-103"), Cell::Text("无名排口"), Cell::Text("不存在的单位"),
       Cell::Date(static_cast<int>(due.year()), due.month(), due.day()), Cell::Text("排污口"),
       Cell::Empty()},
  });
  pv1::ImportProblemItemsRequest import;
  import.set_parent(plan_);
  import.set_measure(measure_);
  import.set_xlsx(workbook);
  import.set_request_id("ledger-xlsx-1");
  pv1::ImportProblemItemsResponse imported;
  grpc::Status status = stub_->ImportProblemItems(Ctx(Role::kSupervisor).get(), import, &imported);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(imported.accepted(), 2);
  ASSERT_EQ(imported.errors_size(), 1);
  EXPECT_EQ(imported.errors(0).line(), 4) << "the worksheet row of the bad row";
  EXPECT_EQ(imported.errors(0).column(), "责任单位");
  ASSERT_EQ(imported.items_size(), 2);
  EXPECT_EQ(imported.items(0).code(), "PWK-101");
  EXPECT_EQ(imported.items(1).code(), "102") << "a number cell as its shortest text";
  EXPECT_EQ(imported.items(0).rectification_due_date().day(), due.day()) << "a date cell as a date";
  EXPECT_EQ(imported.items(0).location(), "桩号K5+100");

  auto inbox = [&](const std::string& organization, nv1::NotificationKind kind) {
    nv1::ListNotificationsRequest r;
    r.set_parent(organization);
    r.set_kind(kind);
    nv1::ListNotificationsResponse out;
    EXPECT_TRUE(notify->ListNotifications(Ctx(Role::kAdministrator).get(), r, &out).ok());
    return std::vector<nv1::Notification>(out.notifications().begin(), out.notifications().end());
  };
  // The inbox once it holds a notification of `kind` (each imported item is
  // its own event: one town's notice may be written a moment after another's).
  auto await_inbox = [&](const std::string& organization, nv1::NotificationKind kind) {
    std::vector<nv1::Notification> got;
    EXPECT_TRUE(Eventually([&] {
      got = inbox(organization, kind);
      return !got.empty();
    })) << organization
        << "\n"
        << cluster_.Log("notification");
    return got;
  };
  const std::vector<nv1::Notification> opened =
      await_inbox(towns_[0], nv1::NOTIFICATION_KIND_PROBLEM_ITEM_OPENED);
  ASSERT_EQ(opened.size(), 1u);
  EXPECT_EQ(opened[0].resource(), imported.items(0).name());
  EXPECT_NE(opened[0].title().find("PWK-101"), std::string::npos) << opened[0].title();
  EXPECT_NE(opened[0].title().find(Day(due)), std::string::npos) << opened[0].title();
  EXPECT_NE(opened[0].body().find("桩号K5+100"), std::string::npos) << opened[0].body();
  const std::vector<nv1::Notification> second =
      await_inbox(towns_[1], nv1::NOTIFICATION_KIND_PROBLEM_ITEM_OPENED);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].resource(), imported.items(1).name());

  // Rectified, verified and closed (销号): the owner and the measure's leads hear of it.
  const std::string name = imported.items(0).name();
  pv1::ProblemItem item;
  ASSERT_TRUE(
      Step(name, pv1::PROBLEM_TRANSITION_START_RECTIFICATION, Role::kReporter, towns_[0], &item)
          .ok());
  ASSERT_TRUE(Step(name, pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED, Role::kReporter, towns_[0], &item,
                   "已封堵", "https://www.bjmtg.gov.cn/evidence/pwk-101.jpg")
                  .ok());
  ASSERT_TRUE(Step(name, pv1::PROBLEM_TRANSITION_VERIFY, Role::kSupervisor, "", &item).ok());
  ASSERT_TRUE(Step(name, pv1::PROBLEM_TRANSITION_CLOSE, Role::kSupervisor, "", &item, "销号").ok());
  ASSERT_FALSE(leads_.empty());
  for (const std::string& told : std::vector<std::string>{towns_[0], leads_[0]}) {
    const std::vector<nv1::Notification> closed =
        await_inbox(told, nv1::NOTIFICATION_KIND_PROBLEM_ITEM_CLOSED);
    ASSERT_EQ(closed.size(), 1u) << told;
    EXPECT_EQ(closed[0].resource(), name);
    EXPECT_EQ(closed[0].severity(), nv1::SEVERITY_INFO);
    EXPECT_NE(closed[0].title().find("已销号"), std::string::npos) << closed[0].title();
  }
  EXPECT_TRUE(inbox(towns_[1], nv1::NOTIFICATION_KIND_PROBLEM_ITEM_CLOSED).empty());
}

}  // namespace
}  // namespace ecoplan::testing
