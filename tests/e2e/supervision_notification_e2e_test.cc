// Supervision as a workflow (督办), as the people concerned are told of it:
// the real registry_server, progress_server and notification_server, secured
// as in production (TLS, ES256 tokens of each role). The 督查室 issues a
// yellow order from a 12345 ticket to two organizations on two seed-plan
// measures (an explicit reply deadline a few seconds ahead, since the
// progress server's clock is the wall clock): each unit's inbox has the
// order; one replies and the bureau (the issuer names no organization) has a
// reply to verify by a day; the other does not reply, and after the deadline
// RunSchedule creates a 催办 for it alone, critical, once; restarted on a
// demo day a week later, the 催办 escalates to its deputy head; the first
// reply is returned, the order is replied to, accepted and closed (销号). A
// command-center viewer's StreamNotifications, filtered to the supervision
// kinds, carries exactly these in order; the command center, which asked for
// the order, finds its filing and closure in its own inbox and disposes of
// the closure with its case number (its credentials: a viewer naming 区城指中心;
// another unit's notification is not its to acknowledge); it acknowledges
// (签收) the closed order under the case number it raised it with, and its
// acknowledged stream position leaves nothing more to read.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/calendar/reporting_calendar.h"
#include "common/mapping/proto_values.h"
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

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

std::string DayText(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

class SupervisionNotificationE2eTest : public ::testing::Test {
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
    // The bureau (the plan's reporting recipient), to which replies to verify go.
    std::string bureau;
    for (const rv1::Organization& o : plan.organizations()) {
      if (o.display_name() == plan.plan().reporting_recipient()) bureau = o.name();
    }
    ASSERT_FALSE(bureau.empty());
    // Two measures led by two different organizations other than the bureau.
    for (const rv1::Task& task : plan.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        if (m.lead_organizations_size() == 0 || m.lead_organizations(0).organization().empty() ||
            m.lead_organizations(0).organization() == bureau) {
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
    for (const rv1::Organization& o : plan.organizations()) {
      if (o.name() == organizations_[0]) first_name_ = o.display_name();
      if (o.display_name() == "区城指中心") command_center_ = o.name();
    }
    ASSERT_FALSE(command_center_.empty()) << "the seed names the command center 区城指中心";

    ServerOptions progress;
    progress.follow = {"registry"};
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("progress", progress));
    progress_ =
        pv1::ProgressService::NewStub(grpc::CreateChannel(address, secured_.ChannelCredentials()));
    ASSERT_OK(AwaitPlanInProgress(*progress_, plan_, [this] { return Ctx(Role::kSupervisor); }))
        << cluster_.Log("progress");

    StartNotification({});
    // The bureau: the recipient of the plan's PLAN_IMPORTED notification.
    ASSERT_TRUE(Eventually(
        [&] {
          for (const nv1::Notification& n : Streamed()) {
            if (n.kind() == nv1::NOTIFICATION_KIND_PLAN_IMPORTED) bureau_ = n.recipient();
          }
          return !bureau_.empty();
        },
        absl::Seconds(30), absl::Milliseconds(200)))
        << cluster_.Log("notification");
    ASSERT_EQ(bureau_, bureau);
  }

  // (Re)starts notification_server following registry and progress; its own
  // schedule runs hourly, so that what RunSchedule creates is this test's.
  void StartNotification(std::vector<std::string> flags) {
    flags.insert(flags.begin(), "--schedule_interval=1h");
    ServerOptions options = Following({"registry", "progress"}, flags);
    options.port = cluster_.port("notification");
    ASSERT_OK_AND_ASSIGN(const std::string address, cluster_.Start("notification", options));
    notify_ = nv1::NotificationService::NewStub(
        grpc::CreateChannel(address, secured_.ChannelCredentials()));
  }

  std::unique_ptr<grpc::ClientContext> Ctx(Role role, const std::string& organization = "") {
    return TokenContext(
        secured_.Token(role, IdOf(organization), role == Role::kSupervisor ? "duchashi.wang" : ""));
  }

  // The command center with its own credentials: a viewer naming 区城指中心.
  std::unique_ptr<grpc::ClientContext> CommandCenter() {
    return TokenContext(secured_.ViewerOf(IdOf(command_center_)));
  }

  // An inbox's notifications of `kind`, newest first.
  std::vector<nv1::Notification> Inbox(const std::string& organization,
                                       nv1::NotificationKind kind) {
    nv1::ListNotificationsRequest r;
    r.set_parent(organization);
    r.set_kind(kind);
    nv1::ListNotificationsResponse out;
    grpc::Status status = notify_->ListNotifications(Ctx(Role::kAdministrator).get(), r, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {out.notifications().begin(), out.notifications().end()};
  }

  // Waits (bounded) until the inbox has `count` notifications of `kind`; returns them.
  std::vector<nv1::Notification> AwaitInbox(const std::string& organization,
                                            nv1::NotificationKind kind, int count = 1) {
    std::vector<nv1::Notification> got;
    Eventually(
        [&] {
          got = Inbox(organization, kind);
          return static_cast<int>(got.size()) >= count;
        },
        absl::Seconds(30), absl::Milliseconds(100));
    EXPECT_EQ(static_cast<int>(got.size()), count)
        << organization << " " << nv1::NotificationKind_Name(kind) << "\n"
        << cluster_.Log("notification");
    return got;
  }

  // What a command-center viewer's stream carries for `r` within two seconds:
  // the notifications, and the last sequence read (0 when none).
  std::vector<nv1::Notification> Streamed(
      const nv1::StreamNotificationsRequest& r = nv1::StreamNotificationsRequest(),
      uint64_t* last_sequence = nullptr) {
    const bool filtered = r.kinds_size() > 0;
    auto ctx = Ctx(Role::kViewer);
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    auto reader = notify_->StreamNotifications(ctx.get(), r);
    std::vector<nv1::Notification> out;
    nv1::StreamNotificationsResponse event;
    uint64_t last = 0;
    while (reader->Read(&event)) {
      last = event.event().sequence();
      nv1::NotificationCreated created;
      if (event.event().payload().UnpackTo(&created)) {
        out.push_back(created.notification());
      } else {
        // Unfiltered, the log's other events come too; filtered, never.
        EXPECT_FALSE(filtered) << event.event().type();
      }
    }
    (void)reader->Finish();
    if (last_sequence != nullptr) *last_sequence = last;
    return out;
  }

  int RunSchedule() {
    nv1::RunScheduleRequest r;
    nv1::RunScheduleResponse out;
    grpc::Status status = notify_->RunSchedule(Ctx(Role::kAdministrator).get(), r, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return out.created();
  }

  void Reply(const std::string& name, const std::string& organization, const std::string& text) {
    pv1::ReplySupervisionOrderRequest r;
    r.set_name(name);
    r.set_organization(organization);
    r.set_content(text);
    r.add_evidence_links("https://www.bjmtg.gov.cn/evidence/supervision/1.jpg");
    r.set_request_id(absl::StrCat("reply-", ++requests_));
    pv1::ReplySupervisionOrderResponse out;
    grpc::Status status =
        progress_->ReplySupervisionOrder(Ctx(Role::kReporter, organization).get(), r, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
  }

  void Verify(const std::string& name, const std::string& organization, bool accept,
              const std::string& comment, pv1::SupervisionOrder* order) {
    pv1::VerifySupervisionReplyRequest r;
    r.set_name(name);
    r.set_organization(organization);
    r.set_decision(accept ? pv1::DECISION_APPROVE : pv1::DECISION_REJECT);
    r.set_comment(comment);
    pv1::VerifySupervisionReplyResponse out;
    grpc::Status status = progress_->VerifySupervisionReply(Ctx(Role::kSupervisor).get(), r, &out);
    ASSERT_TRUE(status.ok()) << status.error_message();
    *order = out.order();
  }

  common::TempDir dir_;
  SecuredSetup secured_;
  Cluster cluster_{dir_.path()};
  std::unique_ptr<pv1::ProgressService::Stub> progress_;
  std::unique_ptr<nv1::NotificationService::Stub> notify_;
  std::string plan_;
  std::string bureau_;          // organizations/…
  std::string first_name_;      // display name of organizations_[0]
  std::string command_center_;  // organizations/… of 区城指中心
  std::vector<std::string> measures_, organizations_;
  int requests_ = 0;
};

TEST_F(SupervisionNotificationE2eTest, OrderRepliesCuibanEscalationReturnAndCloseAreNotified) {
  const std::string replies = organizations_[0];
  const std::string silent = organizations_[1];

  pv1::IssueSupervisionOrderRequest issue;
  issue.set_parent(plan_);
  issue.set_title("关于群众反映渣土车遗撒问题的督办");
  issue.set_description("12345热线反映，请核实处置并按期回复");
  issue.mutable_source()->set_kind(pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET);
  issue.mutable_source()->set_reference("12345-20260520-0042");
  // The command center raised it: its own case number travels with the order.
  issue.set_external_case_number("CG-2026-0042");
  issue.set_requesting_organization(command_center_);
  issue.set_level(pv1::SUPERVISION_LEVEL_YELLOW);
  for (const std::string& m : measures_) issue.add_measures(m);
  for (const std::string& o : organizations_) issue.add_organizations(o);
  const absl::Time due = absl::Now() + absl::Seconds(6);
  *issue.mutable_reply_due_time() = common::TimeToProto(due);
  pv1::IssueSupervisionOrderResponse issued;
  grpc::Status status =
      progress_->IssueSupervisionOrder(Ctx(Role::kSupervisor).get(), issue, &issued);
  ASSERT_TRUE(status.ok()) << status.error_message();
  const std::string name = issued.order().name();
  const std::string order_id = IdOf(name);
  const common::v1::Date& d = issued.order().reply_due_date();
  const std::string reply_day = absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());

  // Each unit's inbox has the order: warning (黄色), naming the order, its day and the ticket.
  for (const std::string& org : organizations_) {
    std::vector<nv1::Notification> n =
        AwaitInbox(org, nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED);
    ASSERT_EQ(n.size(), 1u);
    EXPECT_EQ(n[0].severity(), nv1::SEVERITY_WARNING);
    EXPECT_EQ(n[0].resource(), name);
    EXPECT_EQ(n[0].period(), reply_day);
    EXPECT_THAT(n[0].title(), ::testing::HasSubstr("【黄色督办】督办单 " + order_id));
    EXPECT_THAT(n[0].title(), ::testing::HasSubstr(reply_day + "前回复"));
    EXPECT_THAT(n[0].body(), ::testing::HasSubstr("12345-20260520-0042"));
  }

  // One replies: the bureau has a reply to verify within 5 working days.
  Reply(name, replies, "已组织执法检查，清理遗撒路面并约谈运输企业");
  std::vector<nv1::Notification> received =
      AwaitInbox(bureau_, nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_RECEIVED);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_THAT(received[0].title(),
              ::testing::HasSubstr(first_name_ + "已回复督办单 " + order_id + "（黄色督办）"));
  EXPECT_THAT(received[0].body(), ::testing::HasSubstr("清理遗撒路面"));
  EXPECT_EQ(received[0].period(),
            DayText(common::WorkingDays().AddWorkingDays(TodayInShanghai(), 5)));

  // The other does not: after the deadline, RunSchedule urges it alone (催办), once.
  absl::SleepFor(due - absl::Now() + absl::Seconds(1));
  EXPECT_GE(RunSchedule(), 1);
  std::vector<nv1::Notification> cuiban =
      AwaitInbox(silent, nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE);
  ASSERT_EQ(cuiban.size(), 1u);
  EXPECT_EQ(cuiban[0].severity(), nv1::SEVERITY_CRITICAL);
  EXPECT_EQ(cuiban[0].level(), nv1::CONTACT_LEVEL_LIAISON);
  EXPECT_EQ(cuiban[0].resource(), name);
  EXPECT_EQ(cuiban[0].period(), reply_day);
  EXPECT_THAT(cuiban[0].title(),
              ::testing::HasSubstr("催办：督办单 " + order_id + "（黄色督办）已超过回复期限"));
  EXPECT_TRUE(Inbox(replies, nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE).empty());
  RunSchedule();
  EXPECT_EQ(Inbox(silent, nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE).size(), 1u);

  // A week later (a demo day; at least three working days), still silent: it escalates.
  ASSERT_OK(cluster_.Stop("notification").status());
  StartNotification({"--demo_clock_start=" + absl::FormatTime(absl::RFC3339_sec,
                                                              absl::Now() + absl::Hours(24 * 7),
                                                              absl::UTCTimeZone())});
  RunSchedule();
  std::vector<nv1::Notification> escalated =
      AwaitInbox(silent, nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE, 2);
  ASSERT_EQ(escalated.size(), 2u);
  EXPECT_EQ(escalated[0].level(), nv1::CONTACT_LEVEL_DEPUTY_HEAD);
  EXPECT_EQ(escalated[0].severity(), nv1::SEVERITY_CRITICAL);
  EXPECT_EQ(escalated[0].period(), reply_day);
  EXPECT_THAT(escalated[0].title(),
              ::testing::HasSubstr("【升级至分管领导】催办：督办单 " + order_id));

  // The issuer returns the first reply.
  pv1::SupervisionOrder order;
  Verify(name, replies, false, "未说明长效管控措施，请补充", &order);
  std::vector<nv1::Notification> returned =
      AwaitInbox(replies, nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_RETURNED);
  ASSERT_EQ(returned.size(), 1u);
  EXPECT_THAT(returned[0].title(),
              ::testing::HasSubstr("督办单 " + order_id + "（黄色督办）的回复被退回"));
  EXPECT_THAT(returned[0].body(), ::testing::HasSubstr("未说明长效管控措施"));

  // Both reply, both are accepted, the order is closed (销号).
  Reply(name, replies, "已补充：建立渣土车运输企业台账，每日巡查");
  Reply(name, silent, "已安排清扫");
  Verify(name, replies, true, "同意", &order);
  Verify(name, silent, true, "同意", &order);
  pv1::CloseSupervisionOrderRequest close;
  close.set_name(name);
  close.set_comment("问题已解决，予以销号");
  close.set_etag(order.etag());
  pv1::CloseSupervisionOrderResponse closed;
  status = progress_->CloseSupervisionOrder(Ctx(Role::kSupervisor).get(), close, &closed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  for (const std::string& org : organizations_) {
    std::vector<nv1::Notification> n =
        AwaitInbox(org, nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_CLOSED);
    ASSERT_EQ(n.size(), 1u);
    EXPECT_EQ(n[0].severity(), nv1::SEVERITY_INFO);
    EXPECT_THAT(n[0].title(), ::testing::HasSubstr("督办单 " + order_id + "（黄色督办）已销号"));
  }
  // Replied and closed: the 催办 escalates no further.
  RunSchedule();
  EXPECT_EQ(Inbox(silent, nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE).size(), 2u);

  // The command center's stream, filtered by the server to the supervision
  // kinds: exactly these, in order (nothing else of the log: no report or
  // deadline reminders, no rule or delivery events).
  nv1::StreamNotificationsRequest filtered;
  filtered.set_after_sequence(0);
  for (nv1::NotificationKind k : {nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED,
                                  nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_RECEIVED,
                                  nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE,
                                  nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_RETURNED,
                                  nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_CLOSED}) {
    filtered.add_kinds(k);
  }
  uint64_t last_sequence = 0;
  std::vector<std::string> seen;
  for (const nv1::Notification& n : Streamed(filtered, &last_sequence)) {
    EXPECT_EQ(n.resource(), name) << n.title();
    seen.push_back(absl::StrCat(nv1::NotificationKind_Name(n.kind()).substr(18), " ",
                                n.recipient() == bureau_           ? "bureau"
                                : n.recipient() == replies         ? "replies"
                                : n.recipient() == command_center_ ? "center"
                                                                   : "silent"));
  }
  EXPECT_EQ(seen, std::vector<std::string>({
                      "SUPERVISION_ORDER_ISSUED replies",
                      "SUPERVISION_ORDER_ISSUED silent",
                      "SUPERVISION_ORDER_ISSUED center",
                      "SUPERVISION_REPLY_RECEIVED bureau",
                      "SUPERVISION_REPLY_OVERDUE silent",
                      "SUPERVISION_REPLY_OVERDUE silent",
                      "SUPERVISION_REPLY_RETURNED replies",
                      "SUPERVISION_REPLY_RECEIVED bureau",
                      "SUPERVISION_REPLY_RECEIVED bureau",
                      "SUPERVISION_ORDER_CLOSED replies",
                      "SUPERVISION_ORDER_CLOSED silent",
                      "SUPERVISION_ORDER_CLOSED center",
                  }));

  // The command center's own inbox, with its own credentials (a viewer whose
  // token names 区城指中心): the order it asked for was filed (已立督办, no
  // reply owed, so no 催办) and closed.
  const std::vector<nv1::Notification> filed =
      Inbox(command_center_, nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_ISSUED);
  ASSERT_EQ(filed.size(), 1u);
  EXPECT_THAT(filed[0].title(), ::testing::HasSubstr("已立督办"));
  EXPECT_TRUE(Inbox(command_center_, nv1::NOTIFICATION_KIND_SUPERVISION_REPLY_OVERDUE).empty());
  const std::vector<nv1::Notification> closure =
      Inbox(command_center_, nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_CLOSED);
  ASSERT_EQ(closure.size(), 1u);
  nv1::AcknowledgeNotificationRequest dispose;
  dispose.set_name(closure[0].name());
  dispose.set_comment("已回访群众，结案");
  dispose.set_external_reference("CG-2026-0042");
  nv1::AcknowledgeNotificationResponse disposed;
  status = notify_->AcknowledgeNotification(CommandCenter().get(), dispose, &disposed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(disposed.notification().acknowledge_comment(), "已回访群众，结案");
  EXPECT_EQ(disposed.notification().external_reference(), "CG-2026-0042");
  EXPECT_TRUE(disposed.notification().has_acknowledge_time());
  // The same again answers the first; another case number is not this one's.
  dispose.set_comment("重复签收");
  status = notify_->AcknowledgeNotification(CommandCenter().get(), dispose, &disposed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(disposed.notification().acknowledge_comment(), "已回访群众，结案");
  dispose.set_external_reference("CG-2026-9999");
  status = notify_->AcknowledgeNotification(CommandCenter().get(), dispose, &disposed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();
  // What is addressed to a unit is the unit's to acknowledge, not the command center's.
  const std::vector<nv1::Notification> units =
      Inbox(replies, nv1::NOTIFICATION_KIND_SUPERVISION_ORDER_CLOSED);
  ASSERT_EQ(units.size(), 1u);
  nv1::AcknowledgeNotificationRequest not_its;
  not_its.set_name(units[0].name());
  status = notify_->AcknowledgeNotification(CommandCenter().get(), not_its, &disposed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();
  // A viewer whose credentials name no organization acknowledges nothing.
  status = notify_->AcknowledgeNotification(Ctx(Role::kViewer).get(), dispose, &disposed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::PERMISSION_DENIED) << status.error_message();

  // The command center has seen the closure: it acknowledges (签收) the order
  // under its case number, and its stream position.
  pv1::AcknowledgeSupervisionOrderRequest ack;
  ack.set_name(name);
  ack.set_external_case_number("CG-2026-0042");
  ack.set_comment("已结案");
  ack.set_request_id("cc-ack-1");
  pv1::AcknowledgeSupervisionOrderResponse acked;
  status = progress_->AcknowledgeSupervisionOrder(Ctx(Role::kViewer).get(), ack, &acked);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(acked.order().acknowledgements_size(), 1);
  EXPECT_EQ(acked.order().acknowledgements(0).comment(), "已结案");
  EXPECT_EQ(acked.order().external_case_number(), "CG-2026-0042");
  EXPECT_EQ(acked.order().state(), pv1::SUPERVISION_ORDER_STATE_CLOSED);
  // Another case number is not this order's.
  ack.set_external_case_number("CG-2026-9999");
  ack.set_request_id("cc-ack-2");
  status = progress_->AcknowledgeSupervisionOrder(Ctx(Role::kViewer).get(), ack, &acked);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION) << status.error_message();

  nv1::AcknowledgeStreamRequest position;
  position.set_consumer("streamConsumers/command-center");
  position.set_sequence(last_sequence);
  nv1::AcknowledgeStreamResponse stored;
  status = notify_->AcknowledgeStream(Ctx(Role::kViewer).get(), position, &stored);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(stored.sequence(), last_sequence);
  nv1::StreamNotificationsRequest resume = filtered;
  resume.clear_after_sequence();
  resume.set_consumer("streamConsumers/command-center");
  EXPECT_TRUE(Streamed(resume).empty()) << "nothing after the acknowledged position";
}

}  // namespace
}  // namespace ecoplan::testing
