// Notifier unit tests of the subscriptions: validation, deliveries of matching
// notifications, idempotent retries.

#include <set>
#include <string>
#include <vector>

#include "services/notification/domain/notifier_internal.h"
#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

TEST_F(NotifierTest, SubscriptionInputIsValidated) {
  Subscription s;
  s.url = "ftp://example/x";
  EXPECT_EQ(notifier_->CreateSubscription(s, kSecret, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  s.url = "http://user:pw@127.0.0.1/x";
  EXPECT_EQ(notifier_->CreateSubscription(s, kSecret, "").status().code(),
            absl::StatusCode::kInvalidArgument);
  s.url = "http://127.0.0.1/x";
  EXPECT_EQ(notifier_->CreateSubscription(s, "whsec_c2hvcnQ=", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  s.kinds = {static_cast<Kind>(42)};
  EXPECT_EQ(notifier_->CreateSubscription(s, kSecret, "").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NotifierTest, SubscriptionsGetDeliveriesOfMatchingNotificationsAndRetriesAreIdempotent) {
  Subscription s;
  s.url = "http://127.0.0.1/hook";
  s.kinds = {Kind::kPlanImported};
  ASSERT_OK_AND_ASSIGN(Subscription created, notifier_->CreateSubscription(s, kSecret, "req-1"));
  ASSERT_OK_AND_ASSIGN(Subscription again, notifier_->CreateSubscription(s, kSecret, "req-1"));
  EXPECT_EQ(created.id, again.id);
  EXPECT_EQ(created.secrets[0].fingerprint.size(), 16u);
  ImportPlan();
  clock_.Set(At(4, 23));
  Run();  // due-soon: not subscribed
  ASSERT_EQ(sink_.queued.size(), 1u);
  EXPECT_EQ(sink_.queued[0].subscription_id, created.id);
  EXPECT_EQ(notifier_->PendingCount(created.id), 1);
}

TEST_F(NotifierTest, ARequestIdUsedForAnotherWriteIsRefusedAndARetryAnswersTheFirstResult) {
  Subscription s;
  s.url = "http://127.0.0.1/hook";
  s.kinds = {Kind::kPlanImported};
  const std::string id(128, 'n');  // the longest id accepted (before: 64)
  ASSERT_OK_AND_ASSIGN(Subscription created, notifier_->CreateSubscription(s, kSecret, id));
  const std::string used = absl::StrCat("request_id \"", id,
                                        "\" was already used for CreateSubscription of "
                                        "subscriptions/",
                                        created.id, "; use a new request_id for a new request");
  // Another method with the same id: one error, one message, also after a restart.
  for (int round = 0; round < 2; ++round) {
    absl::StatusOr<Subscription> rotated =
        notifier_->RotateSecret(created.id, kSecret, absl::ZeroDuration(), id);
    EXPECT_EQ(rotated.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(rotated.status().message(), used);
    Rule rule;
    rule.id = "weekly";
    rule.kind = Kind::kPlanImported;
    absl::StatusOr<Rule> rule_created = notifier_->CreateRule(rule, id);
    EXPECT_EQ(rule_created.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(rule_created.status().message(), used);
    // The retry answers the subscription the first call created, and creates no other.
    ASSERT_OK_AND_ASSIGN(Subscription again, notifier_->CreateSubscription(s, kSecret, id));
    EXPECT_EQ(again.id, created.id);
    EXPECT_EQ(notifier_->ListSubscriptions().size(), 1u);
    Restart();
  }
  EXPECT_EQ(notifier_->CreateSubscription(s, kSecret, std::string(129, 'n')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(notifier_->CreateSubscription(s, kSecret, "req 2").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NotifierRequestRecordsTest, TheStoredEncodingOfTheFirstReleaseStillLoads) {
  using internal::LoadedRequest;
  using internal::StoredRequest;
  EXPECT_EQ(LoadedRequest("a", "rule:measure-deadline"),
            (common::RequestRecord{"a", "CreateRule", "rules/measure-deadline", "", 0}));
  EXPECT_EQ(LoadedRequest("b", "s-3"),
            (common::RequestRecord{"b", "CreateSubscription", "subscriptions/s-3", "", 0}));
  EXPECT_EQ(LoadedRequest("c", "rotate:s-3"),
            (common::RequestRecord{"c", "RotateSubscriptionSecret", "subscriptions/s-3", "", 0}));
  EXPECT_EQ(
      LoadedRequest("d", "replay:s-3/4/9"),
      (common::RequestRecord{"d", "ReplayDelivery", "subscriptions/s-3/deliveries/4", "", 9}));
  // Written the same way as before.
  for (const char* stored : {"rule:measure-deadline", "s-3", "rotate:s-3", "replay:s-3/4/9"}) {
    EXPECT_EQ(StoredRequest(LoadedRequest("x", stored)), stored);
  }
  // An unknown kind: no method, matched on the value only.
  EXPECT_EQ(LoadedRequest("e", "mute:r1"), (common::RequestRecord{"e", "", "mute:r1", "", 0}));
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
