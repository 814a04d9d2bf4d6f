// Notifier unit tests of the subscriptions: validation, deliveries of matching
// notifications, idempotent retries.

#include <set>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace ecoplan::notification::notifier_test
