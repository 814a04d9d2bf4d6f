// The gRPC edge of the notification service on 127.0.0.1 (port 0), over an
// in-memory store and a fake clock: status codes for bad input, etags, mutes
// (a recipient cannot mute a critical rule), inbox read/acknowledge, and
// subscription CRUD, asserting on what comes back.

#include "services/notification/notification_service_impl.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "common/auth/testing/test_tokens.h"
#include "common/auth/token_verifier.h"
#include "common/server/run_server.h"
#include "common/testing/status_matchers.h"
#include "google/protobuf/util/time_util.h"
#include "services/notification/notification_policy.h"
#include "services/notification/testing/fake_notification_store.h"

namespace ecoplan::notification {
namespace {

using ::google::protobuf::util::TimeUtil;
using grpc::StatusCode;

const char kSecret[] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const char kTokenKey[] = "0123456789abcdef0123456789abcdef";

class AllowAll final : public UrlChecker {
 public:
  absl::Status CheckUrl(const std::string&) const override { return absl::OkStatus(); }
};

class NotificationServiceImplTest : public ::testing::Test {
 protected:
  void SetUp() override {
    notifier_ = std::make_unique<Notifier>(&store_, &clock_, &allow_);
    ASSERT_OK(notifier_->Load());
    common::TokenVerifierOptions options;
    options.key = kTokenKey;
    options.issuer = "ecoplan-local";
    options.audience = "ecoplan";
    verifier_ = *common::TokenVerifier::Create(options, &clock_);
    auth_ = std::make_unique<common::CallAuthenticator>(common::CallAuthenticatorOptions{},
                                                        verifier_.get(), &NotificationPolicy(),
                                                        nullptr, nullptr, common::Logger("test"));
    // The streams are not exercised here: no database, no hub.
    service_ = std::make_unique<NotificationServiceImpl>(notifier_.get(), &writer_, nullptr,
                                                         nullptr, auth_.get());
    common::ServerOptions so;
    so.host = "127.0.0.1";
    server_ = *common::RunningServer::Start(so, {service_.get()});
    stub_ = v1::NotificationService::NewStub(server_->InProcessChannel());
    admin_ = Token(common::Role::kAdministrator, "li.admin", "");
    viewer_ = Token(common::Role::kViewer, "command.center", "");
    reporter_a_ = Token(common::Role::kReporter, "zhang", "o-a");
    reporter_b_ = Token(common::Role::kReporter, "wang", "o-b");
  }
  void TearDown() override { server_.reset(); }

  std::string Token(common::Role role, const std::string& subject, const std::string& org) {
    return common::testing::LocalToken(kTokenKey, role, subject, org, clock_.Now(),
                                       absl::Hours(24));
  }

  std::unique_ptr<grpc::ClientContext> As(const std::string& token) {
    auto c = std::make_unique<grpc::ClientContext>();
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!token.empty()) c->AddMetadata("authorization", "Bearer " + token);
    return c;
  }

  // ReportReturned to `org`: one notification in its inbox.
  void Returned(const std::string& org, int seq) {
    UpstreamInput in;
    in.type = UpstreamInput::Type::kReportReturned;
    in.event_ref = "progress#" + std::to_string(seq);
    in.plan_id = "2026-p";
    in.organization_id = org;
    in.period = "2026-05";
    in.comment = "请补充第3项";
    absl::StatusOr<Changes> changes = notifier_->BeginUpstream(in);
    ASSERT_OK(changes.status());
    absl::Status committed = store_.Commit(*changes);
    notifier_->FinishUpstream(*changes, committed.ok());
    ASSERT_OK(committed);
  }

  v1::ListNotificationsResponse Inbox(const std::string& token, const std::string& org,
                                      bool unread_only = false) {
    v1::ListNotificationsRequest req;
    req.set_parent("organizations/" + org);
    req.set_unread_only(unread_only);
    v1::ListNotificationsResponse resp;
    grpc::Status s = stub_->ListNotifications(As(token).get(), req, &resp);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return resp;
  }

  v1::Subscription CreateSubscription(const std::string& url, const std::string& request_id,
                                      grpc::Status* status) {
    v1::CreateSubscriptionRequest req;
    req.mutable_subscription()->set_url(url);
    req.mutable_subscription()->set_description("指挥中心");
    req.mutable_subscription()->add_kinds(v1::NOTIFICATION_KIND_REPORT_RETURNED);
    req.mutable_subscription()->add_organizations("organizations/o-a");
    req.set_secret(kSecret);
    req.set_request_id(request_id);
    v1::CreateSubscriptionResponse resp;
    *status = stub_->CreateSubscription(As(admin_).get(), req, &resp);
    return resp.subscription();
  }

  common::FakeClock clock_{absl::FromUnixSeconds(1777597200)};  // 2026-05-01 01:00 UTC
  FakeNotificationStore store_;
  AllowAll allow_;
  std::unique_ptr<Notifier> notifier_;
  common::SerialExecutor writer_;
  std::unique_ptr<common::TokenVerifier> verifier_;
  std::unique_ptr<common::CallAuthenticator> auth_;
  std::unique_ptr<NotificationServiceImpl> service_;
  std::unique_ptr<common::RunningServer> server_;
  std::unique_ptr<v1::NotificationService::Stub> stub_;
  std::string admin_, viewer_, reporter_a_, reporter_b_;
};

TEST_F(NotificationServiceImplTest, BadInputGetsTheRightCodeAndNamesTheField) {
  v1::ListNotificationsRequest list;
  v1::ListNotificationsResponse listed;
  EXPECT_EQ(stub_->ListNotifications(As("").get(), list, &listed).error_code(),
            StatusCode::UNAUTHENTICATED);
  grpc::Status s = stub_->ListNotifications(As(admin_).get(), list, &listed);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("parent"), std::string::npos) << s.error_message();
  list.set_parent("organizations/o-a");
  list.set_kind(static_cast<v1::NotificationKind>(99));
  s = stub_->ListNotifications(As(admin_).get(), list, &listed);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("kind"), std::string::npos) << s.error_message();
  list.set_kind(v1::NOTIFICATION_KIND_UNSPECIFIED);
  list.set_page_token(std::string(65, 'x'));
  EXPECT_EQ(stub_->ListNotifications(As(admin_).get(), list, &listed).error_code(),
            StatusCode::INVALID_ARGUMENT);

  v1::GetNotificationRequest get;
  v1::GetNotificationResponse got;
  get.set_name("notifications/x");
  EXPECT_EQ(stub_->GetNotification(As(admin_).get(), get, &got).error_code(),
            StatusCode::INVALID_ARGUMENT);
  get.set_name("notifications/n-000000000999");
  EXPECT_EQ(stub_->GetNotification(As(admin_).get(), get, &got).error_code(),
            StatusCode::NOT_FOUND);

  v1::CreateRuleRequest rule;
  v1::CreateRuleResponse created;
  rule.mutable_rule()->set_name("rules/Bad Id");
  rule.mutable_rule()->set_kind(v1::NOTIFICATION_KIND_REPORT_DUE_SOON);
  EXPECT_EQ(stub_->CreateRule(As(admin_).get(), rule, &created).error_code(),
            StatusCode::INVALID_ARGUMENT);
  rule.mutable_rule()->set_name("rules/report-due-soon");
  s = stub_->CreateRule(As(admin_).get(), rule, &created);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);  // no severity
  EXPECT_NE(s.error_message().find("rule.severity"), std::string::npos) << s.error_message();
  rule.mutable_rule()->set_severity(v1::SEVERITY_WARNING);
  rule.mutable_rule()->add_lead_days(400);
  s = stub_->CreateRule(As(admin_).get(), rule, &created);
  EXPECT_NE(s.error_message().find("rule.lead_days"), std::string::npos) << s.error_message();
  rule.mutable_rule()->set_lead_days(0, 5);
  s = stub_->CreateRule(As(admin_).get(), rule, &created);  // a default rule's id
  EXPECT_EQ(s.error_code(), StatusCode::ALREADY_EXISTS) << s.error_message();
  rule.mutable_rule()->set_name("rules/weekly");
  EXPECT_EQ(stub_->CreateRule(As(reporter_a_).get(), rule, &created).error_code(),
            StatusCode::PERMISSION_DENIED);

  grpc::Status sub_status;
  CreateSubscription("ftp://127.0.0.1/hook", "", &sub_status);
  EXPECT_EQ(sub_status.error_code(), StatusCode::INVALID_ARGUMENT);
  v1::CreateSubscriptionRequest short_secret;
  short_secret.mutable_subscription()->set_url("http://127.0.0.1:9/hook");
  short_secret.set_secret("whsec_c2hvcnQ=");
  v1::CreateSubscriptionResponse sub;
  s = stub_->CreateSubscription(As(admin_).get(), short_secret, &sub);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("secret"), std::string::npos) << s.error_message();
  v1::GetSubscriptionRequest get_sub;
  v1::GetSubscriptionResponse got_sub;
  get_sub.set_name("subscriptions/s-404");
  EXPECT_EQ(stub_->GetSubscription(As(admin_).get(), get_sub, &got_sub).error_code(),
            StatusCode::NOT_FOUND);
  EXPECT_EQ(stub_->GetSubscription(As(reporter_a_).get(), get_sub, &got_sub).error_code(),
            StatusCode::PERMISSION_DENIED);
}

TEST_F(NotificationServiceImplTest, RuleUpdatesAndDeletesNeedTheCurrentEtag) {
  v1::GetRuleRequest get;
  get.set_name("rules/report-returned");
  v1::GetRuleResponse got;
  ASSERT_TRUE(stub_->GetRule(As(viewer_).get(), get, &got).ok());
  EXPECT_EQ(got.rule().kind(), v1::NOTIFICATION_KIND_REPORT_RETURNED);
  EXPECT_EQ(got.rule().etag(), "r1");

  v1::UpdateRuleRequest update;
  *update.mutable_rule() = got.rule();
  update.mutable_rule()->set_description("退回提醒（含意见）");
  update.mutable_rule()->set_etag("r7");
  v1::UpdateRuleResponse updated;
  EXPECT_EQ(stub_->UpdateRule(As(admin_).get(), update, &updated).error_code(),
            StatusCode::ABORTED);
  update.mutable_rule()->set_etag("r1");
  grpc::Status s = stub_->UpdateRule(As(admin_).get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.rule().etag(), "r2");
  EXPECT_EQ(updated.rule().description(), "退回提醒（含意见）");
  // The same etag again is stale now.
  EXPECT_EQ(stub_->UpdateRule(As(admin_).get(), update, &updated).error_code(),
            StatusCode::ABORTED);

  v1::DeleteRuleRequest del;
  del.set_name("rules/report-returned");
  del.set_etag("r1");
  v1::DeleteRuleResponse deleted;
  EXPECT_EQ(stub_->DeleteRule(As(admin_).get(), del, &deleted).error_code(), StatusCode::ABORTED);
  del.set_etag("r2");
  EXPECT_TRUE(stub_->DeleteRule(As(admin_).get(), del, &deleted).ok());
  EXPECT_EQ(stub_->GetRule(As(viewer_).get(), get, &got).error_code(), StatusCode::NOT_FOUND);
}

TEST_F(NotificationServiceImplTest, TheDayToRespondByIsCheckedStoredAndChangeable) {
  v1::GetRuleRequest get;
  get.set_name("rules/report-awaiting-review");
  v1::GetRuleResponse got;
  ASSERT_TRUE(stub_->GetRule(As(viewer_).get(), get, &got).ok());
  EXPECT_EQ(got.rule().kind(), v1::NOTIFICATION_KIND_REPORT_AWAITING_REVIEW);
  EXPECT_EQ(got.rule().respond_within_working_days(), 5);

  v1::UpdateRuleRequest update;
  *update.mutable_rule() = got.rule();
  update.mutable_rule()->set_respond_within_working_days(61);
  v1::UpdateRuleResponse updated;
  grpc::Status s = stub_->UpdateRule(As(admin_).get(), update, &updated);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("rule.respond_within_working_days"), std::string::npos)
      << s.error_message();
  update.mutable_rule()->set_respond_within_working_days(10);
  s = stub_->UpdateRule(As(admin_).get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.rule().respond_within_working_days(), 10);

  v1::CreateRuleRequest create;
  create.mutable_rule()->set_name("rules/quick-extension-decisions");
  create.mutable_rule()->set_kind(v1::NOTIFICATION_KIND_EXTENSION_REQUESTED);
  create.mutable_rule()->set_severity(v1::SEVERITY_WARNING);
  create.mutable_rule()->set_respond_within_working_days(-1);
  v1::CreateRuleResponse created;
  s = stub_->CreateRule(As(admin_).get(), create, &created);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("rule.respond_within_working_days"), std::string::npos)
      << s.error_message();
  create.mutable_rule()->set_respond_within_working_days(2);
  s = stub_->CreateRule(As(admin_).get(), create, &created);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(created.rule().respond_within_working_days(), 2);
}

TEST_F(NotificationServiceImplTest, RecipientsMuteOrdinaryRulesForThemselvesButNeverCriticalOnes) {
  v1::MuteRuleRequest mute;
  mute.set_name("rules/report-overdue");  // critical
  mute.set_organization("organizations/o-a");
  *mute.mutable_until() = TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(clock_.Now()) + 86400);
  v1::MuteRuleResponse muted;
  grpc::Status s = stub_->MuteRule(As(reporter_a_).get(), mute, &muted);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(s.error_message().find("critical"), std::string::npos) << s.error_message();

  mute.set_name("rules/report-returned");  // a warning
  mute.set_organization("organizations/o-b");
  EXPECT_EQ(stub_->MuteRule(As(reporter_a_).get(), mute, &muted).error_code(),
            StatusCode::PERMISSION_DENIED);  // not its organization
  mute.clear_organization();
  EXPECT_EQ(stub_->MuteRule(As(reporter_a_).get(), mute, &muted).error_code(),
            StatusCode::PERMISSION_DENIED);  // for everyone: the bureau only
  EXPECT_EQ(stub_->MuteRule(As(viewer_).get(), mute, &muted).error_code(),
            StatusCode::PERMISSION_DENIED);
  mute.set_organization("organizations/o-a");
  s = stub_->MuteRule(As(reporter_a_).get(), mute, &muted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(muted.rule().organization_mutes().count("organizations/o-a"), 1u);
  EXPECT_EQ(muted.rule().etag(), "r2");
  mute.set_etag("r1");  // stale
  EXPECT_EQ(stub_->MuteRule(As(reporter_a_).get(), mute, &muted).error_code(), StatusCode::ABORTED);

  // The mute holds for o-a only.
  Returned("o-a", 1);
  Returned("o-b", 2);
  EXPECT_EQ(Inbox(admin_, "o-a").notifications_size(), 0);
  EXPECT_EQ(Inbox(admin_, "o-b").notifications_size(), 1);
  // The bureau mutes the rule for everyone.
  mute.clear_organization();
  mute.clear_etag();
  s = stub_->MuteRule(As(admin_).get(), mute, &muted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(muted.rule().has_muted_until());
  Returned("o-b", 3);
  EXPECT_EQ(Inbox(admin_, "o-b").notifications_size(), 1);
}

TEST_F(NotificationServiceImplTest, InboxReadAndAcknowledgeForTheOwnOrganizationOnly) {
  Returned("o-a", 1);
  Returned("o-a", 2);
  Returned("o-b", 3);
  v1::ListNotificationsResponse inbox = Inbox(reporter_a_, "o-a");
  ASSERT_EQ(inbox.notifications_size(), 2);
  EXPECT_EQ(inbox.unread_count(), 2);
  const v1::Notification& newest = inbox.notifications(0);
  EXPECT_EQ(newest.kind(), v1::NOTIFICATION_KIND_REPORT_RETURNED);
  EXPECT_EQ(newest.recipient(), "organizations/o-a");
  EXPECT_EQ(newest.body(), "请补充第3项");
  EXPECT_EQ(newest.reason().rule(), "rules/report-returned");
  EXPECT_EQ(newest.reason().event(), "progress#2");
  EXPECT_EQ(newest.period(), "2026-05");

  // Another organization's inbox and notifications are not a reporter's.
  v1::ListNotificationsRequest other;
  other.set_parent("organizations/o-b");
  v1::ListNotificationsResponse refused;
  EXPECT_EQ(stub_->ListNotifications(As(reporter_a_).get(), other, &refused).error_code(),
            StatusCode::PERMISSION_DENIED);
  v1::MarkNotificationReadRequest read;
  read.set_name(newest.name());
  v1::MarkNotificationReadResponse was_read;
  EXPECT_EQ(stub_->MarkNotificationRead(As(reporter_b_).get(), read, &was_read).error_code(),
            StatusCode::PERMISSION_DENIED);

  grpc::Status s = stub_->MarkNotificationRead(As(reporter_a_).get(), read, &was_read);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(was_read.notification().has_read_time());
  EXPECT_EQ(Inbox(reporter_a_, "o-a").unread_count(), 1);
  v1::ListNotificationsResponse unread = Inbox(reporter_a_, "o-a", true);
  ASSERT_EQ(unread.notifications_size(), 1);
  EXPECT_EQ(unread.notifications(0).reason().event(), "progress#1");

  v1::AcknowledgeNotificationRequest ack;
  ack.set_name(newest.name());
  v1::AcknowledgeNotificationResponse acked;
  s = stub_->AcknowledgeNotification(As(reporter_a_).get(), ack, &acked);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(acked.notification().has_acknowledge_time());
  EXPECT_EQ(acked.notification().acknowledged_by(), "zhang");
  // A second acknowledgement keeps the first.
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(stub_->AcknowledgeNotification(As(admin_).get(), ack, &acked).ok());
  EXPECT_EQ(acked.notification().acknowledged_by(), "zhang");
  v1::GetNotificationRequest get;
  get.set_name(newest.name());
  v1::GetNotificationResponse got;
  ASSERT_TRUE(stub_->GetNotification(As(viewer_).get(), get, &got).ok());
  EXPECT_EQ(got.notification().acknowledged_by(), "zhang");
  EXPECT_EQ(got.notification().title(), newest.title());
}

// The command center (a viewer whose token names its organization, o-center) works its own
// inbox: 签收 with a disposal note and its case number; other viewers and services cannot.
TEST_F(NotificationServiceImplTest, TheCommandCenterAcknowledgesItsOwnInboxWithItsCaseNumber) {
  Returned("o-center", 1);
  const std::string center = Token(common::Role::kViewer, "center.duty", "o-center");
  const std::string town_screen = Token(common::Role::kViewer, "town.screen", "o-a");
  const std::string service = Token(common::Role::kService, "indicator", "");
  v1::ListNotificationsResponse inbox = Inbox(center, "o-center");
  ASSERT_EQ(inbox.notifications_size(), 1);
  const std::string name = inbox.notifications(0).name();

  v1::AcknowledgeNotificationRequest ack;
  ack.set_name(name);
  ack.set_comment("已派遣至区交通局");
  ack.set_external_reference("MTG-2026-0042");
  v1::AcknowledgeNotificationResponse acked;
  // An onlooker: another organization's viewer, a viewer without one (viewer_), a service.
  EXPECT_EQ(stub_->AcknowledgeNotification(As(town_screen).get(), ack, &acked).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->AcknowledgeNotification(As(viewer_).get(), ack, &acked).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(stub_->AcknowledgeNotification(As(service).get(), ack, &acked).error_code(),
            StatusCode::PERMISSION_DENIED);
  v1::MarkNotificationReadRequest read;
  read.set_name(name);
  v1::MarkNotificationReadResponse was_read;
  EXPECT_EQ(stub_->MarkNotificationRead(As(viewer_).get(), read, &was_read).error_code(),
            StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Inbox(center, "o-center", true).unread_count(), 1);

  // Too long, or a line break in the reference: INVALID_ARGUMENT naming the field.
  v1::AcknowledgeNotificationRequest bad = ack;
  bad.set_external_reference(std::string(65, '9'));
  grpc::Status s = stub_->AcknowledgeNotification(As(center).get(), bad, &acked);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("external_reference"), std::string::npos) << s.error_message();
  bad = ack;
  bad.set_comment(std::string(2001, 'x'));
  s = stub_->AcknowledgeNotification(As(center).get(), bad, &acked);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(s.error_message().find("comment"), std::string::npos) << s.error_message();

  s = stub_->AcknowledgeNotification(As(center).get(), ack, &acked);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(acked.notification().acknowledged_by(), "center.duty");
  EXPECT_EQ(acked.notification().acknowledge_comment(), "已派遣至区交通局");
  EXPECT_EQ(acked.notification().external_reference(), "MTG-2026-0042");
  EXPECT_TRUE(acked.notification().has_read_time());
  // A retry answers the first; another case number is FAILED_PRECONDITION.
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(stub_->AcknowledgeNotification(As(center).get(), ack, &acked).ok());
  EXPECT_EQ(acked.notification().external_reference(), "MTG-2026-0042");
  ack.set_external_reference("MTG-2026-0099");
  EXPECT_EQ(stub_->AcknowledgeNotification(As(center).get(), ack, &acked).error_code(),
            StatusCode::FAILED_PRECONDITION);
  // Readers see the note and the reference.
  v1::GetNotificationRequest get;
  get.set_name(name);
  v1::GetNotificationResponse got;
  ASSERT_TRUE(stub_->GetNotification(As(viewer_).get(), get, &got).ok());
  EXPECT_EQ(got.notification().acknowledge_comment(), "已派遣至区交通局");
  EXPECT_EQ(got.notification().external_reference(), "MTG-2026-0042");
}

TEST_F(NotificationServiceImplTest, SubscriptionsAreCreatedListedUpdatedRotatedAndDeleted) {
  grpc::Status s;
  v1::Subscription created = CreateSubscription("http://127.0.0.1:9/hook", "req-1", &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(created.name(), "subscriptions/s-1");
  EXPECT_EQ(created.state(), v1::SUBSCRIPTION_STATE_ACTIVE);
  ASSERT_EQ(created.secrets_size(), 1);
  EXPECT_FALSE(created.secrets(0).fingerprint().empty());
  EXPECT_EQ(created.DebugString().find("MfKQ9r8"), std::string::npos);  // never returned
  // A retry with the same request id returns the first result, nothing new.
  v1::Subscription again = CreateSubscription("http://127.0.0.1:9/hook", "req-1", &s);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(again.name(), created.name());

  v1::ListSubscriptionsResponse listed;
  ASSERT_TRUE(stub_->ListSubscriptions(As(viewer_).get(), {}, &listed).ok());
  ASSERT_EQ(listed.subscriptions_size(), 1);
  EXPECT_EQ(listed.subscriptions(0).url(), "http://127.0.0.1:9/hook");
  EXPECT_EQ(listed.subscriptions(0).organizations(0), "organizations/o-a");

  // Matching notifications queue deliveries.
  Returned("o-a", 1);
  Returned("o-b", 2);  // filtered out
  v1::GetSubscriptionRequest get;
  get.set_name(created.name());
  v1::GetSubscriptionResponse got;
  ASSERT_TRUE(stub_->GetSubscription(As(admin_).get(), get, &got).ok());
  EXPECT_EQ(got.subscription().pending_deliveries(), 1);
  v1::ListDeliveriesRequest deliveries;
  deliveries.set_parent(created.name());
  v1::ListDeliveriesResponse delivered;
  ASSERT_TRUE(stub_->ListDeliveries(As(admin_).get(), deliveries, &delivered).ok());
  ASSERT_EQ(delivered.deliveries_size(), 1);
  EXPECT_EQ(delivered.deliveries(0).state(), v1::DELIVERY_STATE_PENDING);

  v1::UpdateSubscriptionRequest update;
  *update.mutable_subscription() = got.subscription();
  update.mutable_subscription()->set_description("指挥中心（新）");
  update.mutable_subscription()->set_etag("stale");
  v1::UpdateSubscriptionResponse updated;
  EXPECT_EQ(stub_->UpdateSubscription(As(admin_).get(), update, &updated).error_code(),
            StatusCode::ABORTED);
  update.mutable_subscription()->set_etag(got.subscription().etag());
  s = stub_->UpdateSubscription(As(admin_).get(), update, &updated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(updated.subscription().description(), "指挥中心（新）");
  EXPECT_NE(updated.subscription().etag(), got.subscription().etag());

  v1::RotateSubscriptionSecretRequest rotate;
  rotate.set_name(created.name());
  rotate.set_secret("whsec_dGhpcnR5LXR3by1ieXRlcy1vZi1uZXctc2VjcmV0IQ==");
  *rotate.mutable_previous_secret_grace() = TimeUtil::SecondsToDuration(3600);
  v1::RotateSubscriptionSecretResponse rotated;
  s = stub_->RotateSubscriptionSecret(As(admin_).get(), rotate, &rotated);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(rotated.subscription().secrets_size(), 2);
  EXPECT_TRUE(rotated.subscription().secrets(0).has_expire_time() ||
              rotated.subscription().secrets(1).has_expire_time());

  v1::DeleteSubscriptionRequest del;
  del.set_name(created.name());
  del.set_etag(updated.subscription().etag());  // stale after the rotation
  v1::DeleteSubscriptionResponse deleted;
  EXPECT_EQ(stub_->DeleteSubscription(As(admin_).get(), del, &deleted).error_code(),
            StatusCode::ABORTED);
  del.set_etag(rotated.subscription().etag());
  ASSERT_TRUE(stub_->DeleteSubscription(As(admin_).get(), del, &deleted).ok());
  EXPECT_EQ(stub_->GetSubscription(As(admin_).get(), get, &got).error_code(),
            StatusCode::NOT_FOUND);
  ASSERT_TRUE(stub_->ListSubscriptions(As(viewer_).get(), {}, &listed).ok());
  EXPECT_EQ(listed.subscriptions_size(), 0);
}

TEST_F(NotificationServiceImplTest, RetriedWritesWithARequestIdHappenOnce) {
  v1::CreateRuleRequest rule;
  rule.mutable_rule()->set_name("rules/weekly-digest");
  rule.mutable_rule()->set_kind(v1::NOTIFICATION_KIND_REPORT_RETURNED);
  rule.mutable_rule()->set_severity(v1::SEVERITY_INFO);
  rule.set_request_id("rule-1");
  v1::CreateRuleResponse created;
  ASSERT_TRUE(stub_->CreateRule(As(admin_).get(), rule, &created).ok());
  v1::CreateRuleResponse again;
  grpc::Status s = stub_->CreateRule(As(admin_).get(), rule, &again);
  ASSERT_TRUE(s.ok()) << s.error_message();  // not ALREADY_EXISTS
  EXPECT_EQ(again.rule().etag(), created.rule().etag());
  rule.mutable_rule()->set_name("rules/other");
  EXPECT_EQ(stub_->CreateRule(As(admin_).get(), rule, &again).error_code(),
            StatusCode::INVALID_ARGUMENT);  // the id names another rule

  v1::Subscription sub = CreateSubscription("http://127.0.0.1:9/hook", "", &s);
  ASSERT_TRUE(s.ok());
  // The rule's request id is not a subscription's.
  CreateSubscription("http://127.0.0.1:9/hook", "rule-1", &s);
  EXPECT_EQ(s.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message(),
            "request_id \"rule-1\" was already used for CreateRule of rules/weekly-digest; use a "
            "new request_id for a new request");
  v1::RotateSubscriptionSecretRequest rotate;
  rotate.set_name(sub.name());
  rotate.set_secret("whsec_dGhpcnR5LXR3by1ieXRlcy1vZi1uZXctc2VjcmV0IQ==");
  *rotate.mutable_previous_secret_grace() = TimeUtil::SecondsToDuration(3600);
  rotate.set_request_id("rotate-1");
  v1::RotateSubscriptionSecretResponse rotated, rotated_again;
  ASSERT_TRUE(stub_->RotateSubscriptionSecret(As(admin_).get(), rotate, &rotated).ok());
  ASSERT_TRUE(stub_->RotateSubscriptionSecret(As(admin_).get(), rotate, &rotated_again).ok());
  EXPECT_EQ(rotated_again.subscription().etag(), rotated.subscription().etag());
  EXPECT_EQ(rotated_again.subscription().secrets_size(), 2);  // not rotated twice

  Returned("o-a", 1);
  v1::ListDeliveriesRequest list;
  list.set_parent(sub.name());
  v1::ListDeliveriesResponse listed;
  ASSERT_TRUE(stub_->ListDeliveries(As(admin_).get(), list, &listed).ok());
  ASSERT_EQ(listed.deliveries_size(), 1);
  v1::ReplayDeliveryRequest replay;
  replay.set_name(listed.deliveries(0).name());
  replay.set_request_id("replay-1");
  v1::ReplayDeliveryResponse replayed, replayed_again;
  ASSERT_TRUE(stub_->ReplayDelivery(As(admin_).get(), replay, &replayed).ok());
  s = stub_->ReplayDelivery(As(admin_).get(), replay, &replayed_again);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(replayed_again.delivery().name(), replayed.delivery().name());
  EXPECT_EQ(replayed.delivery().webhook_id(), listed.deliveries(0).webhook_id());
  ASSERT_TRUE(stub_->ListDeliveries(As(admin_).get(), list, &listed).ok());
  EXPECT_EQ(listed.deliveries_size(), 2);  // the original and one replay
  // Up to 128 characters (common/idempotency): a new id of 128 replays again, 129 is refused.
  replay.set_request_id(std::string(128, 'r'));
  ASSERT_TRUE(stub_->ReplayDelivery(As(admin_).get(), replay, &replayed).ok());
  replay.set_request_id(std::string(129, 'r'));
  EXPECT_EQ(stub_->ReplayDelivery(As(admin_).get(), replay, &replayed).error_code(),
            StatusCode::INVALID_ARGUMENT);
}

}  // namespace
}  // namespace ecoplan::notification
