// ecoplanctl's notify commands against a real NotificationServiceImpl on an
// in-memory store.

#include "tools/ecoplanctl/notification_commands.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/watch_events_reactor.h"
#include "common/server/run_server.h"
#include "common/testing/status_matchers.h"
#include "services/notification/notification_service_impl.h"
#include "services/notification/testing/fake_notification_store.h"
#include "tools/ecoplanctl/testing/command_test.h"

namespace ecoplan::ctl {
namespace {

class NotificationCommandsTest : public ctl_testing::CommandTest {
 protected:
  void SetUp() override {
    notifier_ = std::make_unique<notification::Notifier>(&store_, &clock_, nullptr);
    ASSERT_OK(notifier_->Load());
    notification::UpstreamInput in;
    in.type = notification::UpstreamInput::Type::kPlanImported;
    in.event_ref = "registry#1";
    in.plan_id = "2026-p";
    in.plan.plan_id = "2026-p";
    in.plan.title = "计划";
    in.plan.year = 2026;
    in.plan.bureau_organization = "o-bureau";
    absl::StatusOr<notification::Changes> changes = notifier_->BeginUpstream(in);
    ASSERT_OK(changes.status());
    ASSERT_OK(store_.Commit(*changes));
    notifier_->FinishUpstream(*changes, true);
    service_ = std::make_unique<notification::NotificationServiceImpl>(notifier_.get(), &writer_,
                                                                       nullptr, &hub_, nullptr);
    common::ServerOptions options;
    options.host = "127.0.0.1";
    ASSERT_OK_AND_ASSIGN(server_, common::RunningServer::Start(options, {service_.get()}));
    cli_ = std::make_unique<Cli>("ecoplanctl", "127.0.0.1:1");
    for (auto& group : NotificationCommandGroups()) cli_->AddGroup(std::move(group));
  }

  int Run(std::vector<std::string> args) {
    out_.str("");
    err_.str("");
    args.push_back(absl::StrCat("--notification=127.0.0.1:", server_->port()));
    return cli_->Run(args, out_, err_);
  }

  common::FakeClock clock_;
  notification::FakeNotificationStore store_;
  std::unique_ptr<notification::Notifier> notifier_;
  common::SerialExecutor writer_;
  common::WatchEventsHub hub_;
  std::unique_ptr<notification::NotificationServiceImpl> service_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<Cli> cli_;
};

TEST_F(NotificationCommandsTest, InboxShowsTheOrganizationsNotifications) {
  ASSERT_EQ(Run({"notify", "inbox", "o-bureau"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("PLAN_IMPORTED"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("1 unread"), std::string::npos) << out_.str();
}

TEST_F(NotificationCommandsTest, AckMarksTheNotification) {
  ASSERT_EQ(Run({"notify", "ack", "n-000000000001"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("Acknowledged"), std::string::npos);
  ASSERT_EQ(Run({"notify", "inbox", "o-bureau", "--unread"}), 0);
  EXPECT_NE(out_.str().find("0 unread"), std::string::npos) << out_.str();
}

TEST_F(NotificationCommandsTest, AckTakesADisposalNoteAndACaseNumberAndShowPrintsThem) {
  ASSERT_EQ(Run({"notify", "ack", "n-000000000001", "--comment", "已派遣至区交通局", "--ref",
                 "MTG-2026-0042"}),
            0)
      << err_.str();
  EXPECT_NE(out_.str().find("Disposal"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("已派遣至区交通局"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("MTG-2026-0042"), std::string::npos) << out_.str();
  ASSERT_OK_AND_ASSIGN(notification::Notification stored, store_.GetNotification(1));
  EXPECT_EQ(stored.acknowledge_comment, "已派遣至区交通局");
  EXPECT_EQ(stored.external_reference, "MTG-2026-0042");

  ASSERT_EQ(Run({"notify", "inbox", "o-bureau"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("yes MTG-2026-0042"), std::string::npos) << out_.str();

  ASSERT_EQ(Run({"notify", "show", "notifications/n-000000000001"}), 0) << err_.str();
  for (const char* want : {"PLAN_IMPORTED 计划导入", "Body", "Acknowledged", "Disposal",
                           "已派遣至区交通局", "Reference", "MTG-2026-0042", "o-bureau"}) {
    EXPECT_NE(out_.str().find(want), std::string::npos) << want << "\n" << out_.str();
  }
  // Another case number than the recorded one is refused.
  EXPECT_EQ(Run({"notify", "ack", "n-000000000001", "--ref", "MTG-2026-0043"}), 1);
  EXPECT_NE(err_.str().find("FAILED_PRECONDITION"), std::string::npos) << err_.str();
  EXPECT_EQ(Run({"notify", "ack", "n-000000000001", "--ref", std::string(65, '9')}), 1);
  EXPECT_NE(err_.str().find("INVALID_ARGUMENT"), std::string::npos) << err_.str();
}

TEST_F(NotificationCommandsTest, ShowPrintsAnUnacknowledgedNotificationWithoutAcknowledgement) {
  ASSERT_EQ(Run({"notify", "show", "n-000000000001"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("新行动计划已导入"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find("Acknowledged"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find("Disposal"), std::string::npos) << out_.str();
}

TEST_F(NotificationCommandsTest, RulesListsTheDefaults) {
  ASSERT_EQ(Run({"notify", "rules"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("rules/report-overdue"), std::string::npos);
  EXPECT_NE(out_.str().find("30,7"), std::string::npos);
}

TEST_F(NotificationCommandsTest, InboxShowsKindLabelsAndFiltersByKind) {
  notification::UpstreamInput in;
  in.type = notification::UpstreamInput::Type::kSupervisionOrder;
  in.event_ref = "progress#1";
  in.plan_id = "2026-p";
  in.supervision.order.name = "plans/2026-p/supervisionOrders/2026-001";
  in.supervision.order.order_id = "2026-001";
  in.supervision.order.level = notification::SupervisionLevel::kRed;
  in.supervision.order.reply_due_date = absl::CivilDay(2026, 4, 8);
  in.supervision.order.addressees = {{"o-bureau", notification::AddresseeState::kAwaitingReply}};
  absl::StatusOr<notification::Changes> changes = notifier_->BeginUpstream(in);
  ASSERT_OK(changes.status());
  ASSERT_OK(store_.Commit(*changes));
  notifier_->FinishUpstream(*changes, true);

  ASSERT_EQ(Run({"notify", "inbox", "o-bureau", "--kind", "督办下达"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("SUPERVISION_ORDER_ISSUED 督办下达"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("红色督办"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find("PLAN_IMPORTED"), std::string::npos) << out_.str();
  ASSERT_EQ(Run({"notify", "inbox", "o-bureau", "--kind", "plan_imported"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("PLAN_IMPORTED 计划导入"), std::string::npos) << out_.str();
  EXPECT_EQ(out_.str().find("SUPERVISION_ORDER_ISSUED"), std::string::npos) << out_.str();
  ASSERT_EQ(Run({"notify", "inbox", "o-bureau", "--kind", "催办"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("0 shown"), std::string::npos) << out_.str();
  EXPECT_EQ(Run({"notify", "inbox", "o-bureau", "--kind", "紫色"}), 1);
  EXPECT_NE(err_.str().find("--kind"), std::string::npos) << err_.str();
}

TEST_F(NotificationCommandsTest, RulesShowTheDayToRespondBy) {
  ASSERT_EQ(Run({"notify", "rules"}), 0) << err_.str();
  EXPECT_NE(out_.str().find("RESPOND WITHIN"), std::string::npos);
  EXPECT_NE(out_.str().find("rules/supervision-reply-received"), std::string::npos);
  EXPECT_NE(out_.str().find("5 working days"), std::string::npos);
}

// The secret printed by subscribe / rotate-secret ("secret: whsec_…").
std::string PrintedSecret(const std::string& out) {
  const size_t at = out.find("secret: whsec_");
  if (at == std::string::npos) return "";
  const size_t end = out.find('\n', at);
  return out.substr(at + 8, end - at - 8);
}

TEST_F(NotificationCommandsTest, SubscribeUpdateRotateAndUnsubscribe) {
  ASSERT_EQ(
      Run({"notify", "subscribe", "https://hooks.example/ecoplan", "--kinds", "催办,report_overdue",
           "--organizations", "o-bureau", "--description", "指挥中心"}),
      0)
      << err_.str();
  const std::string created = out_.str();
  const std::string secret = PrintedSecret(created);
  EXPECT_EQ(secret.size(), 6u + 44u) << created;  // whsec_ + base64 of 32 bytes
  EXPECT_NE(created.find("shown once"), std::string::npos) << created;
  EXPECT_NE(created.find("SUPERVISION_REPLY_OVERDUE 催办"), std::string::npos) << created;
  EXPECT_NE(created.find("organizations/o-bureau"), std::string::npos) << created;
  std::vector<notification::Subscription> subscriptions = notifier_->ListSubscriptions();
  ASSERT_EQ(subscriptions.size(), 1u);
  const notification::Subscription s = subscriptions[0];
  EXPECT_EQ(s.url, "https://hooks.example/ecoplan");
  EXPECT_EQ(s.description, "指挥中心");
  EXPECT_EQ(s.kinds.size(), 2u);
  EXPECT_EQ(s.organizations, std::set<std::string>{"o-bureau"});
  ASSERT_EQ(s.secrets.size(), 1u);
  EXPECT_EQ(s.secrets[0].key.size(), 32u);  // the printed secret's bytes, kept by the server
  EXPECT_NE(created.find(s.id), std::string::npos);

  ASSERT_EQ(Run({"notify", "update", s.id, "--description", "大屏", "--kinds", ""}), 0)
      << err_.str();
  EXPECT_NE(out_.str().find("Kinds"), std::string::npos);
  subscriptions = notifier_->ListSubscriptions();
  EXPECT_EQ(subscriptions[0].description, "大屏");
  EXPECT_TRUE(subscriptions[0].kinds.empty());
  EXPECT_EQ(subscriptions[0].organizations, std::set<std::string>{"o-bureau"});  // kept
  EXPECT_EQ(Run({"notify", "update", s.id}), 1);
  EXPECT_NE(err_.str().find("nothing to change"), std::string::npos) << err_.str();

  ASSERT_EQ(Run({"notify", "rotate-secret", s.id, "--grace", "1h"}), 0) << err_.str();
  const std::string rotated = PrintedSecret(out_.str());
  EXPECT_EQ(rotated.size(), 50u) << out_.str();
  EXPECT_NE(rotated, secret);
  EXPECT_NE(out_.str().find("keeps signing for 1h"), std::string::npos) << out_.str();
  EXPECT_EQ(notifier_->ListSubscriptions()[0].secrets.size(), 2u);
  EXPECT_EQ(Run({"notify", "rotate-secret", s.id, "--grace", "soon"}), 1);

  ASSERT_EQ(Run({"notify", "unsubscribe", s.id}), 0) << err_.str();
  EXPECT_NE(out_.str().find("deleted subscriptions/"), std::string::npos) << out_.str();
  EXPECT_TRUE(notifier_->ListSubscriptions().empty());
  EXPECT_EQ(Run({"notify", "unsubscribe", s.id}), 1);
  EXPECT_NE(err_.str().find("NOT_FOUND"), std::string::npos) << err_.str();
}

TEST_F(NotificationCommandsTest, SubscribeRefusesAnUnknownKindBeforeCallingTheServer) {
  EXPECT_EQ(Run({"notify", "subscribe", "https://hooks.example/x", "--kinds", "紫色"}), 1);
  EXPECT_NE(err_.str().find("unknown kind"), std::string::npos) << err_.str();
  EXPECT_TRUE(notifier_->ListSubscriptions().empty());
}

TEST_F(NotificationCommandsTest, UnknownNotificationIsNotFound) {
  EXPECT_EQ(Run({"notify", "read", "n-000000000099"}), 1);
  EXPECT_NE(err_.str().find("NOT_FOUND"), std::string::npos) << err_.str();
}

}  // namespace
}  // namespace ecoplan::ctl
