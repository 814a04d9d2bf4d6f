// Notifier unit tests of issue 15: stream consumers owned by their creator, the subscription
// limit per owner, and the origin (actor, request id) every write's events carry for the audit
// log.

#include <string>

#include "absl/strings/match.h"
#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

const Caller kCommandCenter{"command-center", "o-center", Caller::Role::kViewer};
const Caller kOtherViewer{"curious-viewer", "", Caller::Role::kViewer};
const Caller kFollower{"progress", "", Caller::Role::kService};

TEST_F(NotifierTest, AStreamConsumerIsMovedOnlyByItsCreator) {
  store_.AddEvents(1425);
  ASSERT_OK_AND_ASSIGN(StreamConsumer created,
                       notifier_->AcknowledgeStream(kCommandCenter, "command-center", 10));
  EXPECT_EQ(created.owner, "command-center");
  EXPECT_EQ(created.position, 10u);
  for (const Caller& other : {kOtherViewer, kFollower}) {
    EXPECT_EQ(notifier_->AcknowledgeStream(other, "command-center", 1425).status().code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(notifier_->ConsumerPosition(other, "command-center").status().code(),
              absl::StatusCode::kPermissionDenied);
  }
  ASSERT_OK_AND_ASSIGN(uint64_t position,
                       notifier_->ConsumerPosition(kCommandCenter, "command-center"));
  EXPECT_EQ(position, 10u);
  // The owner moves on; it never moves back by itself, and may not reset.
  ASSERT_OK_AND_ASSIGN(StreamConsumer moved,
                       notifier_->AcknowledgeStream(kCommandCenter, "command-center", 12));
  EXPECT_EQ(moved.position, 12u);
  EXPECT_EQ(notifier_->AcknowledgeStream(kCommandCenter, "command-center", 3, true).status().code(),
            absl::StatusCode::kPermissionDenied);
  // Survives a restart.
  Restart();
  EXPECT_EQ(notifier_->AcknowledgeStream(kOtherViewer, "command-center", 20).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(NotifierTest, AnAdministratorMayResetAConsumerAndTheMoveIsAnEvent) {
  store_.AddEvents(100);
  ASSERT_OK(notifier_->AcknowledgeStream(kCommandCenter, "command-center", 50).status());
  EXPECT_TRUE(store_.LastCommitted().events.empty());  // the owner's own moves append nothing
  ASSERT_OK_AND_ASSIGN(StreamConsumer reset,
                       notifier_->AcknowledgeStream(admin_, "command-center", 7, true));
  EXPECT_EQ(reset.position, 7u);
  EXPECT_EQ(reset.owner, "command-center");  // still the creator's
  const Changes last = store_.LastCommitted();
  ASSERT_EQ(last.events.size(), 1u);
  EXPECT_EQ(last.events[0].type, ChangeEvent::Type::kStreamConsumerMoved);
  EXPECT_EQ(last.events[0].previous_position, 50u);
}

// A consumer stored before owners were kept is claimed by the first subject acknowledging it.
TEST_F(NotifierTest, AnOwnerlessConsumerIsClaimedByTheFirstSubjectToAcknowledgeIt) {
  store_.AddEvents(100);
  Changes legacy;
  legacy.stream_consumers["command-center"] = StreamConsumer{10, ""};
  ASSERT_OK(store_.Commit(legacy));
  Restart();
  ASSERT_OK_AND_ASSIGN(uint64_t readable,
                       notifier_->ConsumerPosition(kOtherViewer, "command-center"));
  EXPECT_EQ(readable, 10u);
  ASSERT_OK_AND_ASSIGN(StreamConsumer claimed,
                       notifier_->AcknowledgeStream(kCommandCenter, "command-center", 10));
  EXPECT_EQ(claimed.owner, "command-center");
  EXPECT_EQ(notifier_->AcknowledgeStream(kOtherViewer, "command-center", 11).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(NotifierTest, SubscriptionsPerOwnerAreLimited) {
  NotifierOptions options;
  options.max_subscriptions_per_owner = 2;
  notifier_ = std::make_unique<Notifier>(&store_, &clock_, &allow_, options);
  ASSERT_OK(notifier_->Load());
  Subscription s;
  s.url = "https://hooks.example.org/x";
  s.owner = "command-center";
  ASSERT_OK(notifier_->CreateSubscription(s, kSecret, "").status());
  ASSERT_OK(notifier_->CreateSubscription(s, kSecret, "").status());
  absl::Status third = notifier_->CreateSubscription(s, kSecret, "").status();
  EXPECT_EQ(third.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(third.message(), "--max_subscriptions_per_owner")) << third;
  s.owner = "another-viewer";
  EXPECT_OK(notifier_->CreateSubscription(s, kSecret, "").status());
}

// Every write started under a WriteOrigin carries its subject and request id, and appends an
// event: the audit log lists it as the call's change.
TEST_F(NotifierTest, WritesCarryTheirOriginAndAppendAnEvent) {
  ImportPlan();
  {
    const WriteOrigin origin("bureau-admin", "req-contacts-1");
    ASSERT_OK(
        notifier_->SetContacts("o-a", {Contact{ContactLevel::kLiaison, "张三", "13800000000"}}, "")
            .status());
  }
  Changes last = store_.LastCommitted();
  EXPECT_EQ(last.actor, "bureau-admin");
  EXPECT_EQ(last.request_id, "req-contacts-1");
  ASSERT_EQ(last.events.size(), 1u);
  EXPECT_EQ(last.events[0].type, ChangeEvent::Type::kContactsChanged);
  EXPECT_EQ(last.events[0].organization_id, "o-a");
  {
    const WriteOrigin origin("bureau-admin", "");
    ASSERT_OK(notifier_->MarkRead(admin_, 1).status());
  }
  last = store_.LastCommitted();
  EXPECT_EQ(last.actor, "bureau-admin");
  ASSERT_EQ(last.events.size(), 1u);
  EXPECT_EQ(last.events[0].type, ChangeEvent::Type::kNotificationRead);
  // Without an origin (the schedule, the followers): no actor.
  clock_.Set(At(4, 23));
  Run();
  EXPECT_EQ(store_.LastCommitted().actor, "");
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
