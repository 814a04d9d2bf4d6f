// A supervision order (督办单) through its whole lifecycle against the real
// registry_server and progress_server binaries, secured as in production
// (TLS, ES256 tokens of each role): the 督查室 issues a yellow order from a
// 12345 ticket to two organizations on two seed-plan measures; one replies in
// time, the other after the deadline (an explicit deadline a few seconds
// ahead, since the server's clock is the wall clock); the 督查室 returns the
// late reply, the unit replies again, both replies are accepted and the order
// is closed (销号). Every step is on WatchEvents with its type, and the order
// is the same after a restart.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/calendar/reporting_calendar.h"
#include "common/mapping/proto_values.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/cluster.h"
#include "tests/harness/dates.h"
#include "tests/harness/secured.h"
#include "tests/harness/seeded.h"

namespace ecoplan::testing {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using common::Role;

const char* const kSeed = ECOPLAN_SEED_PATH;

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

class SupervisionE2eTest : public ::testing::Test {
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
    // Two measures led by two different organizations.
    for (const rv1::Task& task : plan.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        if (m.lead_organizations_size() == 0 || m.lead_organizations(0).organization().empty()) {
          continue;
        }
        const std::string lead = m.lead_organizations(0).organization();
        if (measures_.empty() || (measures_.size() == 1 && lead != organizations_[0])) {
          measures_.push_back(m.name());
          organizations_.push_back(lead);
        }
      }
    }
    ASSERT_EQ(measures_.size(), 2u);

    ServerOptions progress;
    progress.follow = {"registry"};
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("progress", progress));
    stub_ =
        pv1::ProgressService::NewStub(grpc::CreateChannel(address, secured_.ChannelCredentials()));
    // The progress service knows the plan once it followed the registry.
    ASSERT_OK(AwaitPlanInProgress(*stub_, plan_, [this] { return Ctx(Role::kSupervisor); }))
        << cluster_.Log("progress");
  }

  std::unique_ptr<grpc::ClientContext> Ctx(Role role, const std::string& organization = "") {
    return TokenContext(
        secured_.Token(role, IdOf(organization), role == Role::kSupervisor ? "duchashi.wang" : ""));
  }

  pv1::SupervisionOrder Get(const std::string& name, Role role = Role::kSupervisor,
                            const std::string& organization = "") {
    pv1::GetSupervisionOrderRequest r;
    r.set_name(name);
    pv1::GetSupervisionOrderResponse out;
    grpc::Status status = stub_->GetSupervisionOrder(Ctx(role, organization).get(), r, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.order();
  }

  grpc::Status Reply(const std::string& name, const std::string& organization,
                     const std::string& content, pv1::SupervisionOrder* order) {
    pv1::ReplySupervisionOrderRequest r;
    r.set_name(name);
    r.set_organization(organization);
    r.set_content(content);
    r.add_evidence_links("https://www.bjmtg.gov.cn/evidence/supervision/1.jpg");
    r.set_request_id(absl::StrCat("reply-", ++requests_));
    pv1::ReplySupervisionOrderResponse out;
    grpc::Status status =
        stub_->ReplySupervisionOrder(Ctx(Role::kReporter, organization).get(), r, &out);
    *order = out.order();
    return status;
  }

  grpc::Status Verify(const std::string& name, const std::string& organization, bool accept,
                      const std::string& comment, pv1::SupervisionOrder* order) {
    pv1::VerifySupervisionReplyRequest r;
    r.set_name(name);
    r.set_organization(organization);
    r.set_decision(accept ? pv1::DECISION_APPROVE : pv1::DECISION_REJECT);
    r.set_comment(comment);
    pv1::VerifySupervisionReplyResponse out;
    grpc::Status status = stub_->VerifySupervisionReply(Ctx(Role::kSupervisor).get(), r, &out);
    *order = out.order();
    return status;
  }

  static const pv1::SupervisionAddressee& Of(const pv1::SupervisionOrder& order,
                                             const std::string& organization) {
    for (const pv1::SupervisionAddressee& a : order.addressees()) {
      if (a.organization() == organization) return a;
    }
    static const pv1::SupervisionAddressee kNone;
    ADD_FAILURE() << organization << " is not addressed";
    return kNone;
  }

  common::TempDir dir_;
  SecuredSetup secured_;
  Cluster cluster_{dir_.path()};
  std::unique_ptr<pv1::ProgressService::Stub> stub_;
  std::string plan_;
  std::vector<std::string> measures_, organizations_;
  int requests_ = 0;
};

TEST_F(SupervisionE2eTest, AYellowOrderFromA12345TicketIsRepliedReturnedAcceptedAndClosed) {
  const std::string on_time = organizations_[0];
  const std::string late = organizations_[1];

  // The level's deadline: five working days from today.
  pv1::IssueSupervisionOrderRequest issue;
  issue.set_parent(plan_);
  issue.set_title("关于群众反映渣土车遗撒问题的督办");
  issue.set_description("12345热线反映，请核实处置并按期回复");
  issue.mutable_source()->set_kind(pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET);
  issue.mutable_source()->set_reference("12345-20260520-0042");
  issue.set_level(pv1::SUPERVISION_LEVEL_YELLOW);
  for (const std::string& m : measures_) issue.add_measures(m);
  for (const std::string& o : organizations_) issue.add_organizations(o);
  issue.set_external_case_number("MTG-2026-0199");
  issue.set_request_id("issue-computed");
  pv1::IssueSupervisionOrderResponse computed;
  grpc::Status status =
      stub_->IssueSupervisionOrder(Ctx(Role::kSupervisor).get(), issue, &computed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(IdOf(computed.order().name()).substr(4), "-001");
  const absl::CivilDay today = TodayInShanghai();
  const pv1::SupervisionOrder& c = computed.order();
  EXPECT_EQ(absl::CivilDay(c.reply_due_date().year(), c.reply_due_date().month(),
                           c.reply_due_date().day()),
            common::WorkingDays().AddWorkingDays(today, 5));
  EXPECT_FALSE(c.reply_due_explicit());
  EXPECT_EQ(c.issued_by(), "duchashi.wang");
  // A reporter may not issue.
  EXPECT_EQ(stub_->IssueSupervisionOrder(Ctx(Role::kReporter, on_time).get(), issue, &computed)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // The order of this test: due in a few seconds.
  issue.clear_request_id();
  *issue.mutable_reply_due_time() = common::TimeToProto(absl::Now() + absl::Seconds(4));
  pv1::IssueSupervisionOrderResponse issued;
  status = stub_->IssueSupervisionOrder(Ctx(Role::kSupervisor).get(), issue, &issued);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string name = issued.order().name();
  EXPECT_TRUE(issued.order().reply_due_explicit());
  ASSERT_EQ(issued.order().addressees_size(), 2);

  // One organization replies in time.
  pv1::SupervisionOrder order;
  status = Reply(name, on_time, "已组织执法检查，清理遗撒路面并约谈运输企业", &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(Of(order, on_time).replies(0).late());
  EXPECT_EQ(Of(order, on_time).state(), pv1::SUPERVISION_REPLY_STATE_REPLIED);

  // The other is overdue once the deadline passes.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  do {
    order = Get(name);
    if (order.overdue()) break;
    absl::SleepFor(absl::Milliseconds(200));
  } while (absl::Now() < deadline);
  ASSERT_TRUE(order.overdue());
  EXPECT_TRUE(Of(order, late).overdue());
  EXPECT_FALSE(Of(order, on_time).overdue());
  pv1::ListSupervisionOrdersRequest list;
  list.set_parent(plan_);
  list.set_overdue_only(true);
  pv1::ListSupervisionOrdersResponse overdue;
  ASSERT_TRUE(stub_->ListSupervisionOrders(Ctx(Role::kSupervisor).get(), list, &overdue).ok());
  ASSERT_EQ(overdue.orders_size(), 1);
  EXPECT_EQ(overdue.orders(0).name(), name);
  // The late unit sees the order but not the other unit's reply.
  order = Get(name, Role::kReporter, late);
  EXPECT_TRUE(Of(order, on_time).replies(0).content().empty());

  status = Reply(name, late, "已安排清扫", &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_TRUE(Of(order, late).replies(0).late());
  EXPECT_EQ(Of(order, late).late_reply_count(), 1);
  EXPECT_FALSE(order.overdue());

  // The 督查室 returns the late reply; closing is refused while it is outstanding.
  status = Verify(name, late, false, "未说明长效管控措施，请补充", &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Of(order, late).state(), pv1::SUPERVISION_REPLY_STATE_RETURNED);
  status = Verify(name, on_time, true, "", &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  pv1::CloseSupervisionOrderRequest close;
  close.set_name(name);
  close.set_comment("问题已解决，予以销号");
  pv1::CloseSupervisionOrderResponse closed;
  status = stub_->CloseSupervisionOrder(Ctx(Role::kSupervisor).get(), close, &closed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(status.error_message().find(late), std::string::npos) << status.error_message();

  status = Reply(name, late, "已补充：建立渣土车运输企业台账，每日巡查", &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  status = Verify(name, late, true, "同意", &order);
  ASSERT_TRUE(status.ok()) << status.error_message();
  close.set_etag(order.etag());
  status = stub_->CloseSupervisionOrder(Ctx(Role::kSupervisor).get(), close, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(closed.order().state(), pv1::SUPERVISION_ORDER_STATE_CLOSED);
  EXPECT_EQ(closed.order().closed_by(), "duchashi.wang");

  // Every step is an event of the order, in order, with its type.
  std::vector<std::string> types;
  pv1::SupervisionOrderClosed closed_event;
  {
    pv1::WatchEventsRequest watch;
    std::unique_ptr<grpc::ClientContext> ctx = Ctx(Role::kSupervisor);
    std::unique_ptr<grpc::ClientReader<pv1::WatchEventsResponse>> reader =
        stub_->WatchEvents(ctx.get(), watch);
    pv1::WatchEventsResponse event;
    while (reader->Read(&event)) {
      if (event.event().resource() != name) continue;
      types.push_back(event.event().type());
      if (event.event().type() == "ecoplan.progress.v1.SupervisionOrderClosed") {
        ASSERT_TRUE(event.event().payload().UnpackTo(&closed_event));
        break;
      }
    }
    ctx->TryCancel();
    (void)reader->Finish();
  }
  const std::string p = "ecoplan.progress.v1.";
  EXPECT_EQ(types, std::vector<std::string>(
                       {p + "SupervisionOrderIssued", p + "SupervisionOrderReplied",
                        p + "SupervisionOrderReplied", p + "SupervisionOrderReplyReturned",
                        p + "SupervisionOrderReplyAccepted", p + "SupervisionOrderReplied",
                        p + "SupervisionOrderReplyAccepted", p + "SupervisionOrderClosed"}));
  EXPECT_EQ(closed_event.order().external_case_number(), "MTG-2026-0199");
  EXPECT_EQ(closed_event.order().source().reference(), "12345-20260520-0042");

  // The command center finds its case by its own number.
  pv1::ListSupervisionOrdersRequest by_case;
  by_case.set_parent(plan_);
  by_case.set_external_case_number("MTG-2026-0199");
  by_case.set_state(pv1::SUPERVISION_ORDER_STATE_CLOSED);
  pv1::ListSupervisionOrdersResponse found;
  ASSERT_TRUE(stub_->ListSupervisionOrders(Ctx(Role::kViewer).get(), by_case, &found).ok());
  ASSERT_EQ(found.orders_size(), 1);
  EXPECT_EQ(found.orders(0).name(), name);

  // After a restart the order is as it was.
  ASSERT_OK(cluster_.Stop("progress").status());
  ASSERT_OK(cluster_.Restart("progress").status());
  const absl::Time back = absl::Now() + absl::Seconds(30);
  pv1::GetSupervisionOrderResponse again;
  grpc::Status read;
  do {
    pv1::GetSupervisionOrderRequest r;
    r.set_name(name);
    read = stub_->GetSupervisionOrder(Ctx(Role::kViewer).get(), r, &again);
    if (read.ok()) break;
    absl::SleepFor(absl::Milliseconds(100));
  } while (absl::Now() < back);
  ASSERT_TRUE(read.ok()) << read.error_message();
  EXPECT_EQ(again.order().state(), pv1::SUPERVISION_ORDER_STATE_CLOSED);
  EXPECT_EQ(Of(again.order(), late).replies_size(), 2);
  // Its second reply came after the deadline too.
  EXPECT_EQ(Of(again.order(), late).late_reply_count(), 2);
  EXPECT_EQ(Of(again.order(), on_time).late_reply_count(), 0);
  EXPECT_EQ(again.order().etag(), closed.order().etag());
}

}  // namespace
}  // namespace ecoplan::testing
