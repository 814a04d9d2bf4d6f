// Walks the notification service's whole RPC × role table
// (NotificationPolicy, rendered in docs/SECURITY.md) against real servers
// started with TLS and ES256 keys (a JWKS) generated at test time:
// registry_server, and notification_server following it as the service
// "notification" (a minted service token over TLS, so the plan's
// PLAN_IMPORTED notification proves service-to-service authentication).
// Every allowed call works, every forbidden one is PERMISSION_DENIED, a
// reporter is held to its own organization's inbox and contacts, and every
// call — the server streams included — without a token or with an expired,
// wrongly signed or garbage token is UNAUTHENTICATED.

#include <gmock/gmock.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/auth/token_minter.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/notification/notification_policy.h"
#include "tests/harness/cluster.h"
#include "tests/harness/secured.h"

namespace ecoplan::testing {
namespace {

namespace nv1 = ::ecoplan::notification::v1;
namespace rv1 = ::ecoplan::registry::v1;
using common::Role;
using google::protobuf::util::TimeUtil;

const char* const kSeed = ECOPLAN_SEED_PATH;
// Webhooks go to a closed loopback port; the subscriptions stay disabled or
// match nothing, so no delivery is attempted during the walk.
constexpr char kHookUrl[] = "http://127.0.0.1:9/hook";

// A Standard Webhooks secret: "whsec_" + base64 of 24 bytes.
std::string WebhookSecret(int n) {
  return "whsec_" + absl::Base64Escape(absl::StrCat("ecoplan-walk-secret-", 1000 + n % 9000));
}

std::string IdOf(const std::string& name) { return name.substr(name.rfind('/') + 1); }

class NotificationAuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(secured_, SecuredSetup::Create(dir_));
    grpc::ChannelArguments args;
    args.SetMaxReceiveMessageSize(64 << 20);

    cluster_.SetCommonFlags(secured_.ServerFlags());
    ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
    auto registry = rv1::RegistryService::NewStub(
        grpc::CreateCustomChannel(registry_address, secured_.ChannelCredentials(), args));

    ServerOptions notification;
    notification.follow = {"registry"};
    // kHookUrl is on loopback, which webhooks reach only when allow-listed.
    notification.flags = {"--backup_dir=", "--webhook_allowed_networks=127.0.0.1/32"};
    ASSERT_OK_AND_ASSIGN(const std::string notification_address,
                         cluster_.Start("notification", notification));
    stub_ = nv1::NotificationService::NewStub(
        grpc::CreateCustomChannel(notification_address, secured_.ChannelCredentials(), args));

    // Subscriptions before the plan, so that its PLAN_IMPORTED notification
    // is queued for `replayed_` (disabled: queued, never attempted). The
    // command center (a viewer) owns them: it changes only its own, the
    // bureau any.
    replayed_ = Subscribe(CommandCenter());
    ASSERT_FALSE(replayed_.empty()) << last_error_;
    ASSERT_EQ(Enable(Admin(), replayed_, false), grpc::StatusCode::OK);
    subscription_ = Subscribe(CommandCenter());
    ASSERT_FALSE(subscription_.empty()) << last_error_;

    rv1::ImportPlanRequest import;
    import.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse imported;
    grpc::Status status = registry->ImportPlan(TokenContext(Admin()).get(), import, &imported);
    ASSERT_TRUE(status.ok()) << status.error_message();
    rv1::ListOrganizationsRequest organizations;
    organizations.set_page_size(5);
    rv1::ListOrganizationsResponse listed;
    status = registry->ListOrganizations(TokenContext(Admin()).get(), organizations, &listed);
    ASSERT_TRUE(status.ok()) << status.error_message();
    for (const rv1::Organization& o : listed.organizations()) organizations_.push_back(o.name());

    // The notification service hears of the plan only by following the
    // secured registry with its service credentials: the bureau's
    // PLAN_IMPORTED notification is the inbox item of the walk.
    for (int i = 0; i < 300 && notification_name_.empty(); ++i) {
      FindPlanImported();
      if (notification_name_.empty()) absl::SleepFor(absl::Milliseconds(100));
    }
    ASSERT_FALSE(notification_name_.empty()) << ReadFile(dir_.Sub("notification.log")).value_or("")
                                             << ReadFile(dir_.Sub("registry.log")).value_or("");
    nv1::ListDeliveriesRequest deliveries;
    deliveries.set_parent(replayed_);
    nv1::ListDeliveriesResponse queued;
    ASSERT_TRUE(stub_->ListDeliveries(TokenContext(Admin()).get(), deliveries, &queued).ok());
    ASSERT_GE(queued.deliveries_size(), 1);
    delivery_ = queued.deliveries(0).name();

    // A rule the bureau changes again and again (not critical: recipients may mute it).
    ASSERT_EQ(CreateRule(Admin(), "walk-updated"), grpc::StatusCode::OK) << last_error_;
  }

  std::string Admin() { return secured_.Token(Role::kAdministrator); }
  // The viewer the walk calls as (same subject as secured_.Token(kViewer)).
  std::string CommandCenter() { return secured_.Token(Role::kViewer); }
  // The same viewer with credentials naming `organization_id` (org claim): it marks and
  // acknowledges that organization's notifications (its own inbox), and no other.
  std::string CommandCenterOf(const std::string& organization_id) {
    return secured_.ViewerOf(organization_id);
  }
  std::string NextId(const char* what) { return absl::StrCat(what, "-", ++counter_); }
  std::string Inbox() { return "organizations/" + bureau_; }

  // Reads the event log as the bureau up to the first PLAN_IMPORTED
  // notification; sets notification_name_ and bureau_ (its recipient).
  void FindPlanImported() {
    auto ctx = TokenContext(Admin());
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    nv1::StreamNotificationsRequest r;
    r.set_after_sequence(0);
    auto reader = stub_->StreamNotifications(ctx.get(), r);
    nv1::StreamNotificationsResponse event;
    while (reader->Read(&event)) {
      nv1::NotificationCreated created;
      if (event.event().payload().UnpackTo(&created) &&
          created.notification().kind() == nv1::NOTIFICATION_KIND_PLAN_IMPORTED) {
        notification_name_ = created.notification().name();
        bureau_ = IdOf(created.notification().recipient());
        break;
      }
    }
    ctx->TryCancel();
    (void)reader->Finish();
  }

  // Creates a webhook subscription to kHookUrl for PLAN_IMPORTED only; its
  // name, or empty (last_error_ says why).
  std::string Subscribe(const std::string& token) {
    nv1::CreateSubscriptionRequest r;
    r.mutable_subscription()->set_url(kHookUrl);
    r.mutable_subscription()->set_description("指挥中心大屏");
    r.mutable_subscription()->add_kinds(nv1::NOTIFICATION_KIND_PLAN_IMPORTED);
    r.set_secret(WebhookSecret(counter_));
    r.set_request_id(NextId("subscribe"));
    nv1::CreateSubscriptionResponse out;
    grpc::Status status = stub_->CreateSubscription(TokenContext(token).get(), r, &out);
    last_error_ = status.error_message();
    last_code_ = status.error_code();
    return status.ok() ? out.subscription().name() : "";
  }

  grpc::StatusCode Enable(const std::string& token, const std::string& name, bool enabled) {
    nv1::EnableSubscriptionRequest r;
    r.set_name(name);
    r.set_enabled(enabled);
    nv1::EnableSubscriptionResponse out;
    return stub_->EnableSubscription(TokenContext(token).get(), r, &out).error_code();
  }

  nv1::Subscription Subscription(const std::string& name) {
    nv1::GetSubscriptionRequest r;
    r.set_name(name);
    nv1::GetSubscriptionResponse out;
    EXPECT_TRUE(stub_->GetSubscription(TokenContext(Admin()).get(), r, &out).ok()) << name;
    return out.subscription();
  }

  // A disabled rule of a kind that is not critical.
  nv1::Rule Rule(const std::string& id) {
    nv1::Rule rule;
    rule.set_name("rules/" + id);
    rule.set_kind(nv1::NOTIFICATION_KIND_MEASURE_REASSIGNED);
    rule.set_severity(nv1::SEVERITY_INFO);
    rule.set_enabled(false);
    rule.set_description("措施责任单位调整提醒");
    return rule;
  }

  grpc::StatusCode CreateRule(const std::string& token, const std::string& id) {
    nv1::CreateRuleRequest r;
    *r.mutable_rule() = Rule(id);
    r.set_request_id(NextId("rule"));
    nv1::CreateRuleResponse out;
    grpc::Status status = stub_->CreateRule(TokenContext(token).get(), r, &out);
    last_error_ = status.error_message();
    return status.error_code();
  }

  std::string RuleEtag(const std::string& name) {
    nv1::GetRuleRequest r;
    r.set_name(name);
    nv1::GetRuleResponse out;
    EXPECT_TRUE(stub_->GetRule(TokenContext(Admin()).get(), r, &out).ok()) << name;
    return out.rule().etag();
  }

  std::string ContactsEtag(const std::string& organization) {
    nv1::GetContactsRequest r;
    r.set_organization(organization);
    nv1::GetContactsResponse out;
    EXPECT_TRUE(stub_->GetContacts(TokenContext(Admin()).get(), r, &out).ok()) << organization;
    return out.etag();
  }

  // Calls on the inbox item, the contacts and the rule mutes of `organization`.
  grpc::StatusCode SetContacts(const std::string& token, const std::string& organization) {
    nv1::SetContactsRequest r;
    r.set_organization(organization);
    nv1::Contact* c = r.add_contacts();
    c->set_level(nv1::CONTACT_LEVEL_LIAISON);
    c->set_display_name(absl::StrCat("联络员", counter_));
    c->set_address("010-69860000");
    r.set_etag(ContactsEtag(organization));
    ++counter_;
    nv1::SetContactsResponse out;
    return stub_->SetContacts(TokenContext(token).get(), r, &out).error_code();
  }
  grpc::StatusCode MuteRule(const std::string& token, const std::string& organization) {
    nv1::MuteRuleRequest r;
    r.set_name("rules/walk-updated");
    *r.mutable_until() = TimeUtil::MicrosecondsToTimestamp(
        absl::ToUnixMicros(absl::Now() + absl::Hours(24 + counter_++)));
    r.set_organization(organization);
    r.set_etag(RuleEtag(r.name()));
    nv1::MuteRuleResponse out;
    return stub_->MuteRule(TokenContext(token).get(), r, &out).error_code();
  }
  grpc::StatusCode ListInbox(const std::string& token, const std::string& organization,
                             nv1::ListNotificationsResponse* out) {
    nv1::ListNotificationsRequest r;
    r.set_parent(organization);
    return stub_->ListNotifications(TokenContext(token).get(), r, out).error_code();
  }

  std::map<std::string, PolicyCall> Calls() {
    std::map<std::string, PolicyCall> calls;
    auto add = [&](const char* method, PolicyCall call) {
      calls[notification::NotificationMethod(method)] = std::move(call);
    };
    // The inbox: the bureau's PLAN_IMPORTED notification (marking and
    // acknowledging are idempotent).
    add("ListNotifications", [this](const std::string& t) {
      nv1::ListNotificationsResponse out;
      return ListInbox(t, Inbox(), &out);
    });
    add("GetNotification", [this](const std::string& t) {
      nv1::GetNotificationRequest r;
      r.set_name(notification_name_);
      nv1::GetNotificationResponse out;
      return stub_->GetNotification(TokenContext(t).get(), r, &out).error_code();
    });
    add("MarkNotificationRead", [this](const std::string& t) {
      nv1::MarkNotificationReadRequest r;
      r.set_name(notification_name_);
      nv1::MarkNotificationReadResponse out;
      return stub_->MarkNotificationRead(TokenContext(t).get(), r, &out).error_code();
    });
    add("AcknowledgeNotification", [this](const std::string& t) {
      nv1::AcknowledgeNotificationRequest r;
      r.set_name(notification_name_);
      nv1::AcknowledgeNotificationResponse out;
      return stub_->AcknowledgeNotification(TokenContext(t).get(), r, &out).error_code();
    });

    // Rules and the schedule.
    add("CreateRule", [this](const std::string& t) { return CreateRule(t, NextId("walk-new")); });
    add("GetRule", [this](const std::string& t) {
      nv1::GetRuleRequest r;
      r.set_name("rules/walk-updated");
      nv1::GetRuleResponse out;
      return stub_->GetRule(TokenContext(t).get(), r, &out).error_code();
    });
    add("ListRules", [this](const std::string& t) {
      nv1::ListRulesRequest r;
      nv1::ListRulesResponse out;
      return stub_->ListRules(TokenContext(t).get(), r, &out).error_code();
    });
    add("UpdateRule", [this](const std::string& t) {
      nv1::UpdateRuleRequest r;
      *r.mutable_rule() = Rule("walk-updated");
      r.mutable_rule()->set_description(
          absl::StrCat("措施责任单位调整提醒（第", ++counter_, "版）"));
      r.mutable_rule()->set_etag(RuleEtag("rules/walk-updated"));
      nv1::UpdateRuleResponse out;
      return stub_->UpdateRule(TokenContext(t).get(), r, &out).error_code();
    });
    add("DeleteRule", [this](const std::string& t) {
      // A fresh rule each time: deleting is once only.
      const std::string id = NextId("walk-deleted");
      EXPECT_EQ(CreateRule(Admin(), id), grpc::StatusCode::OK) << last_error_;
      nv1::DeleteRuleRequest r;
      r.set_name("rules/" + id);
      r.set_etag(RuleEtag(r.name()));
      nv1::DeleteRuleResponse out;
      return stub_->DeleteRule(TokenContext(t).get(), r, &out).error_code();
    });
    add("MuteRule", [this](const std::string& t) { return MuteRule(t, Inbox()); });
    add("RunSchedule", [this](const std::string& t) {
      nv1::RunScheduleRequest r;
      nv1::RunScheduleResponse out;
      return stub_->RunSchedule(TokenContext(t).get(), r, &out).error_code();
    });

    // Contacts.
    add("SetContacts", [this](const std::string& t) { return SetContacts(t, Inbox()); });
    add("GetContacts", [this](const std::string& t) {
      nv1::GetContactsRequest r;
      r.set_organization(Inbox());
      nv1::GetContactsResponse out;
      return stub_->GetContacts(TokenContext(t).get(), r, &out).error_code();
    });

    // Webhook subscriptions.
    add("CreateSubscription", [this](const std::string& t) {
      Subscribe(t);
      return last_code_;
    });
    add("GetSubscription", [this](const std::string& t) {
      nv1::GetSubscriptionRequest r;
      r.set_name(subscription_);
      nv1::GetSubscriptionResponse out;
      return stub_->GetSubscription(TokenContext(t).get(), r, &out).error_code();
    });
    add("ListSubscriptions", [this](const std::string& t) {
      nv1::ListSubscriptionsRequest r;
      nv1::ListSubscriptionsResponse out;
      return stub_->ListSubscriptions(TokenContext(t).get(), r, &out).error_code();
    });
    add("UpdateSubscription", [this](const std::string& t) {
      nv1::UpdateSubscriptionRequest r;
      *r.mutable_subscription() = Subscription(subscription_);
      r.mutable_subscription()->set_description(absl::StrCat("指挥中心大屏 ", ++counter_));
      nv1::UpdateSubscriptionResponse out;
      return stub_->UpdateSubscription(TokenContext(t).get(), r, &out).error_code();
    });
    add("DeleteSubscription", [this](const std::string& t) {
      // A fresh subscription each time: deleting is once only.
      const std::string name = Subscribe(CommandCenter());
      EXPECT_FALSE(name.empty()) << last_error_;
      nv1::DeleteSubscriptionRequest r;
      r.set_name(name);
      r.set_etag(Subscription(name).etag());
      nv1::DeleteSubscriptionResponse out;
      return stub_->DeleteSubscription(TokenContext(t).get(), r, &out).error_code();
    });
    add("RotateSubscriptionSecret", [this](const std::string& t) {
      nv1::RotateSubscriptionSecretRequest r;
      r.set_name(subscription_);
      r.set_secret(WebhookSecret(++counter_));
      *r.mutable_previous_secret_grace() = TimeUtil::SecondsToDuration(3600);
      r.set_request_id(NextId("rotate"));
      nv1::RotateSubscriptionSecretResponse out;
      return stub_->RotateSubscriptionSecret(TokenContext(t).get(), r, &out).error_code();
    });
    add("EnableSubscription",
        [this](const std::string& t) { return Enable(t, subscription_, false); });
    add("ListDeliveries", [this](const std::string& t) {
      nv1::ListDeliveriesRequest r;
      r.set_parent(replayed_);
      nv1::ListDeliveriesResponse out;
      return stub_->ListDeliveries(TokenContext(t).get(), r, &out).error_code();
    });
    add("ReplayDelivery", [this](const std::string& t) {
      nv1::ReplayDeliveryRequest r;
      r.set_name(delivery_);
      r.set_request_id(NextId("replay"));
      nv1::ReplayDeliveryResponse out;
      return stub_->ReplayDelivery(TokenContext(t).get(), r, &out).error_code();
    });

    // The command center's stream and the change feed: server streams,
    // allowed once the first event arrives; refusals end the stream with
    // their code.
    add("StreamNotifications", [this](const std::string& t) {
      nv1::StreamNotificationsRequest r;
      r.set_after_sequence(0);
      return FirstStreamMessage<nv1::StreamNotificationsResponse>(
          t, [&](grpc::ClientContext* ctx) { return stub_->StreamNotifications(ctx, r); });
    });
    add("AcknowledgeStream", [this](const std::string& t) {
      nv1::AcknowledgeStreamRequest r;
      // A consumer of its own for each call: a consumer belongs to the subject that created it
      // (another subject's is PERMISSION_DENIED, tested in notification_security_e2e_test).
      r.set_consumer(absl::StrCat("streamConsumers/", NextId("walk")));
      r.set_sequence(1);
      nv1::AcknowledgeStreamResponse out;
      return stub_->AcknowledgeStream(TokenContext(t).get(), r, &out).error_code();
    });
    add("WatchEvents", [this](const std::string& t) {
      nv1::WatchEventsRequest r;
      return FirstStreamMessage<nv1::WatchEventsResponse>(
          t, [&](grpc::ClientContext* ctx) { return stub_->WatchEvents(ctx, r); });
    });
    return calls;
  }

  common::TempDir dir_;
  SecuredSetup secured_;
  Cluster cluster_{dir_.path()};
  std::unique_ptr<nv1::NotificationService::Stub> stub_;
  // The plan's organizations (names), the bureau's id and its PLAN_IMPORTED notification.
  std::vector<std::string> organizations_;
  std::string bureau_, notification_name_;
  // subscription_: changed by the walk; replayed_: holds delivery_, the
  // queued delivery of the PLAN_IMPORTED notification.
  std::string subscription_, replayed_, delivery_;
  int counter_ = 0;
  std::string last_error_;
  grpc::StatusCode last_code_ = grpc::StatusCode::UNKNOWN;
};

TEST_F(NotificationAuthTest, EveryRpcAnswersEachRoleExactlyAsThePolicySays) {
  std::map<std::string, PolicyCall> calls = Calls();
  // Reporters belong to the bureau's organization, the recipient of the walk's inbox item, and
  // the viewer's credentials name it (the command center's own inbox).
  EXPECT_THAT(WalkPolicy(
                  notification::NotificationPolicy(), calls,
                  [this](Role r) {
                    return r == Role::kViewer ? CommandCenterOf(bureau_)
                                              : secured_.Token(r, bureau_);
                  },
                  secured_.ServiceTokens()),
              ::testing::IsEmpty());
  // A viewer whose credentials name no organization, or another one, reads but never marks or
  // acknowledges.
  const std::string town_screen =
      CommandCenterOf(IdOf(organizations_.front()) == bureau_ ? IdOf(organizations_.back())
                                                              : IdOf(organizations_.front()));
  for (const std::string& onlooker : {CommandCenter(), town_screen}) {
    EXPECT_EQ(calls[notification::NotificationMethod("GetNotification")](onlooker),
              grpc::StatusCode::OK);
    for (const char* method : {"MarkNotificationRead", "AcknowledgeNotification"}) {
      EXPECT_EQ(calls[notification::NotificationMethod(method)](onlooker),
                grpc::StatusCode::PERMISSION_DENIED)
          << method;
    }
  }
}

TEST_F(NotificationAuthTest, AReporterOfAnotherOrganizationIsHeldToItsOwnInboxAndContacts) {
  std::string other;
  for (const std::string& organization : organizations_) {
    if (IdOf(organization) != bureau_) other = organization;
  }
  ASSERT_FALSE(other.empty());
  const std::string stranger = secured_.Token(Role::kReporter, IdOf(other));
  std::map<std::string, PolicyCall> calls = Calls();
  // The bureau's inbox item, inbox, contacts (personal data) and mutes are not its own.
  for (const char* method : {"ListNotifications", "GetNotification", "MarkNotificationRead",
                             "AcknowledgeNotification", "SetContacts", "GetContacts", "MuteRule"}) {
    EXPECT_EQ(calls[notification::NotificationMethod(method)](stranger),
              grpc::StatusCode::PERMISSION_DENIED)
        << method;
  }
  // Its own are.
  nv1::ListNotificationsResponse inbox;
  ASSERT_EQ(ListInbox(stranger, other, &inbox), grpc::StatusCode::OK);
  for (const nv1::Notification& n : inbox.notifications()) EXPECT_EQ(n.recipient(), other);
  EXPECT_EQ(SetContacts(stranger, other), grpc::StatusCode::OK);
  EXPECT_EQ(MuteRule(stranger, other), grpc::StatusCode::OK);
  // Nothing of the refused calls was done: the item is unread by the stranger's
  // doing, the bureau's contacts are unset and the rule is not muted for it.
  nv1::GetNotificationRequest get;
  get.set_name(notification_name_);
  nv1::GetNotificationResponse item;
  ASSERT_TRUE(stub_->GetNotification(TokenContext(Admin()).get(), get, &item).ok());
  EXPECT_FALSE(item.notification().has_read_time());
  EXPECT_FALSE(item.notification().has_acknowledge_time());
  EXPECT_EQ(ContactsEtag(Inbox()), "");
  nv1::GetRuleRequest rule;
  rule.set_name("rules/walk-updated");
  nv1::GetRuleResponse muted;
  ASSERT_TRUE(stub_->GetRule(TokenContext(Admin()).get(), rule, &muted).ok());
  EXPECT_EQ(muted.rule().organization_mutes().count(Inbox()), 0u);
  EXPECT_EQ(muted.rule().organization_mutes().size(), 1u);
}

TEST_F(NotificationAuthTest, AViewerChangesOnlyTheSubscriptionsItCreated) {
  const std::string other_viewer = secured_.Token(Role::kViewer, "", "another-monitor");
  EXPECT_EQ(Subscription(subscription_).owner(), "test-viewer");
  EXPECT_EQ(Enable(other_viewer, subscription_, false), grpc::StatusCode::PERMISSION_DENIED);
  nv1::DeleteSubscriptionRequest r;
  r.set_name(subscription_);
  r.set_etag(Subscription(subscription_).etag());
  nv1::DeleteSubscriptionResponse out;
  EXPECT_EQ(stub_->DeleteSubscription(TokenContext(other_viewer).get(), r, &out).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  // It still reads them all, and its own are its to change.
  nv1::GetSubscriptionRequest get;
  get.set_name(subscription_);
  nv1::GetSubscriptionResponse got;
  EXPECT_TRUE(stub_->GetSubscription(TokenContext(other_viewer).get(), get, &got).ok());
  const std::string own = Subscribe(other_viewer);
  ASSERT_FALSE(own.empty()) << last_error_;
  EXPECT_EQ(Subscription(own).owner(), "another-monitor");
  EXPECT_EQ(Enable(other_viewer, own, false), grpc::StatusCode::OK);
  EXPECT_EQ(Enable(Admin(), own, true), grpc::StatusCode::OK);
}

TEST_F(NotificationAuthTest, EveryRpcRefusesMissingAndBadTokensAsUnauthenticated) {
  std::map<std::string, PolicyCall> calls = Calls();
  EXPECT_THAT(WalkBadTokens(calls, secured_.BadTokens()), ::testing::IsEmpty());
  // Neither the secret, a webhook secret nor a token reaches a log.
  for (const char* log : {"notification.log", "registry.log"}) {
    const std::string text = ReadFile(dir_.Sub(log)).value_or("");
    EXPECT_EQ(text.find(secured_.secret()), std::string::npos) << log;
    EXPECT_EQ(text.find("whsec_"), std::string::npos) << log;
    EXPECT_FALSE(HoldsJwt(text)) << log;
  }
}

}  // namespace
}  // namespace ecoplan::testing
