// Notifier unit tests of the write path (notifier_write.cc): keys, memory published only in the
// commit's callback, failed commits, order per key, retries while the first call commits, and the
// followers' hold of the emit key without the mutex.

#include <optional>
#include <string>

#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

using ::testing::HasSubstr;

// Where an asynchronous write's answer lands.
template <typename T>
struct Answer {
  std::optional<absl::StatusOr<T>> value;
  Done<T> done() {
    return [this](absl::StatusOr<T> r) { value = std::move(r); };
  }
};

struct StatusAnswer {
  std::optional<absl::Status> value;
  DoneStatus done() {
    return [this](absl::Status s) { value = std::move(s); };
  }
};

class NotifierWriteTest : public NotifierTest {
 protected:
  Rule Current(const std::string& id) {
    absl::StatusOr<Rule> rule = notifier_->GetRule(id);
    EXPECT_OK(rule.status());
    return rule.value_or(Rule());
  }
  static Rule Described(Rule rule, const std::string& description) {
    rule.description = description;
    return rule;
  }
};

TEST_F(NotifierWriteTest, AWriteIsInMemoryOnlyOnceItsCommitAnswered) {
  const Rule before = Current("plan-imported");
  store_.HoldCommits();
  Answer<Rule> updated;
  notifier_->UpdateRule(Described(before, "改"), RuleEtag(before), updated.done());
  ASSERT_EQ(store_.held_commits(), 1);
  // Decided and committing, but neither answered nor visible; reads are not blocked meanwhile.
  EXPECT_FALSE(updated.value.has_value());
  EXPECT_EQ(Current("plan-imported").revision, before.revision);
  EXPECT_EQ(Current("plan-imported").description, before.description);

  EXPECT_EQ(store_.ReleaseCommits(), 1);
  ASSERT_TRUE(updated.value.has_value());
  ASSERT_OK(updated.value->status());
  EXPECT_EQ((*updated.value)->revision, before.revision + 1);
  EXPECT_EQ(Current("plan-imported").description, "改");
  EXPECT_EQ(Current("plan-imported").revision, before.revision + 1);
}

TEST_F(NotifierWriteTest, WritesToOtherKeysDecideWhileOneCommits) {
  const Rule rule = Current("plan-imported");
  store_.HoldCommits();
  Answer<Rule> updated;
  notifier_->UpdateRule(Described(rule, "改"), RuleEtag(rule), updated.done());
  Answer<OrgContacts> contacts;
  notifier_->SetContacts("o-a", {Contact{ContactLevel::kLiaison, "王", "13800000000"}}, "",
                         contacts.done());
  // Both decided and committing at once: the second did not wait for the first's commit.
  EXPECT_EQ(store_.held_commits(), 2);
  store_.ReleaseCommits();
  ASSERT_TRUE(updated.value.has_value() && contacts.value.has_value());
  EXPECT_OK(updated.value->status());
  EXPECT_OK(contacts.value->status());
  EXPECT_EQ(notifier_->GetContacts("o-a").contacts.size(), 1u);
}

TEST_F(NotifierWriteTest, AFailedCommitLeavesMemoryUnchangedAndAnswersItsError) {
  const Rule before = Current("plan-imported");
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  absl::StatusOr<Rule> updated = notifier_->UpdateRule(Described(before, "改"), RuleEtag(before));
  EXPECT_TRUE(absl::IsUnavailable(updated.status())) << updated.status();
  EXPECT_THAT(std::string(updated.status().message()), HasSubstr("disk gone"));
  EXPECT_EQ(Current("plan-imported").revision, before.revision);
  EXPECT_EQ(Current("plan-imported").description, before.description);

  Rule fresh = before;
  fresh.id = "my-rule";
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  EXPECT_TRUE(absl::IsUnavailable(notifier_->CreateRule(fresh, "q-failed").status()));
  EXPECT_TRUE(absl::IsNotFound(notifier_->GetRule("my-rule").status()));

  // The keys were released: the same writes go through now, the request id still fresh.
  ASSERT_OK(notifier_->UpdateRule(Described(before, "改"), RuleEtag(before)).status());
  ASSERT_OK(notifier_->CreateRule(fresh, "q-failed").status());
  EXPECT_EQ(Current("plan-imported").description, "改");
  EXPECT_EQ(Current("my-rule").revision, 1);
}

TEST_F(NotifierWriteTest, TwoWritesToOneKeyAreDecidedInOrder) {
  const Rule before = Current("plan-imported");
  store_.HoldCommits();
  Answer<Rule> first;
  Answer<Rule> second;
  // Both with the etag read before either: the second is decided only after the first is
  // published, so its etag is stale.
  notifier_->UpdateRule(Described(before, "一"), RuleEtag(before), first.done());
  notifier_->UpdateRule(Described(before, "二"), RuleEtag(before), second.done());
  EXPECT_EQ(store_.held_commits(), 1);
  EXPECT_FALSE(second.value.has_value());

  store_.ReleaseCommits();
  ASSERT_TRUE(first.value.has_value() && second.value.has_value());
  EXPECT_OK(first.value->status());
  EXPECT_TRUE(absl::IsAborted(second.value->status())) << second.value->status();
  EXPECT_EQ(Current("plan-imported").description, "一");

  // Two mutes of one rule: each decided against the other's result.
  store_.HoldCommits();
  Answer<Rule> mute_a;
  Answer<Rule> mute_b;
  notifier_->MuteRule(admin_, "plan-imported", At(5, 1), "o-a", "", mute_a.done());
  notifier_->MuteRule(admin_, "plan-imported", At(5, 1), "o-b", "", mute_b.done());
  store_.ReleaseCommits();
  ASSERT_TRUE(mute_a.value.has_value() && mute_b.value.has_value());
  ASSERT_OK(mute_b.value->status());
  EXPECT_EQ((*mute_b.value)->revision, before.revision + 3);
  EXPECT_EQ(Current("plan-imported").organization_mutes.size(), 2u);
}

TEST_F(NotifierWriteTest, ARetryWhileTheFirstCallCommitsAnswersTheFirstResult) {
  Rule rule = Current("plan-imported");
  rule.id = "my-rule";
  store_.HoldCommits();
  Answer<Rule> first;
  Answer<Rule> retry;
  Answer<Rule> other;
  notifier_->CreateRule(rule, "q-1", first.done());
  notifier_->CreateRule(rule, "q-1", retry.done());
  Rule another = rule;
  another.id = "another-rule";
  notifier_->CreateRule(another, "q-1", other.done());  // the id, for another rule
  EXPECT_EQ(store_.held_commits(), 1);
  EXPECT_FALSE(retry.value.has_value());
  EXPECT_FALSE(other.value.has_value());
  const int commits = store_.commits();

  store_.ReleaseCommits();
  ASSERT_TRUE(first.value.has_value() && retry.value.has_value() && other.value.has_value());
  ASSERT_OK(first.value->status());
  ASSERT_OK(retry.value->status());
  EXPECT_EQ((*retry.value)->id, "my-rule");
  EXPECT_EQ((*retry.value)->revision, (*first.value)->revision);
  EXPECT_EQ((*retry.value)->update_time, (*first.value)->update_time);
  EXPECT_TRUE(absl::IsInvalidArgument(other.value->status())) << other.value->status();
  EXPECT_EQ(store_.commits(), commits + 1);  // the retry wrote nothing
  EXPECT_TRUE(absl::IsNotFound(notifier_->GetRule("another-rule").status()));
}

TEST_F(NotifierWriteTest, AFollowerHoldsTheEmitKeyButNotTheMutexWhileItCommits) {
  ImportPlan();
  UpstreamInput in;
  in.type = UpstreamInput::Type::kReportReturned;
  in.event_ref = "progress#7";
  in.plan_id = "2026-abc";
  in.organization_id = "o-a";
  in.period = "2026-03";
  in.comment = "请补充";
  absl::StatusOr<Changes> changes = notifier_->BeginUpstream(in);
  ASSERT_OK(changes.status());
  // Between Begin and Finish (the follower's commit): reads and writes to other keys go on...
  EXPECT_OK(notifier_->GetRule("plan-imported").status());
  const Rule rule = Current("plan-imported");
  EXPECT_OK(notifier_->UpdateRule(Described(rule, "改"), RuleEtag(rule)).status());
  // ... the writes that emit wait for it.
  Answer<int> schedule;
  notifier_->RunSchedule(schedule.done());
  EXPECT_FALSE(schedule.value.has_value());

  ASSERT_OK(store_.Commit(*changes));
  notifier_->FinishUpstream(*changes, true);
  ASSERT_TRUE(schedule.value.has_value());
  EXPECT_OK(schedule.value->status());
  EXPECT_EQ(OfKind(Kind::kReportReturned).size(), 1u);
}

TEST_F(NotifierWriteTest, TheOutcomeOfADeletedSubscriptionsDeliveryIsNotWritten) {
  Subscription input;
  input.url = "http://127.0.0.1:9/hook";
  absl::StatusOr<Subscription> s = notifier_->CreateSubscription(input, kSecret, "");
  ASSERT_OK(s.status());
  ASSERT_OK(notifier_->DeleteSubscription(s->id, SubscriptionEtag(*s)));
  const int commits = store_.commits();
  Delivery d;
  d.subscription_id = s->id;
  d.number = 1;
  d.state = DeliveryState::kSucceeded;
  EXPECT_OK(notifier_->RecordDelivery(d));
  EXPECT_EQ(store_.commits(), commits);
  EXPECT_TRUE(absl::IsNotFound(store_.GetDelivery(s->id, 1).status()));
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
