// The catalog use cases over the fake store: create, update and retire with
// etags and request-id replay, each write with its revision and event in one
// change; a failed commit publishes nothing; a call with a request id that
// arrives while the first call with that id commits waits for it.

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "services/indicator/domain/indicator_evaluator_test_fixture.h"

namespace ecoplan::indicator {
namespace {

class IndicatorCatalogTest : public IndicatorEvaluatorTest {
 protected:
  absl::StatusOr<Indicator> Update(const std::string& etag, double target,
                                   const std::string& request_id = "") {
    Indicator values;
    values.target_value = target;
    return Wait<Indicator>([&](Done<Indicator> d) {
      evaluator_->UpdateIndicator("p", "trucks", values, {"target_value"}, etag, "更正", request_id,
                                  "admin", d);
    });
  }
  absl::StatusOr<Indicator> Retire(const std::string& etag, const std::string& request_id = "") {
    return Wait<Indicator>([&](Done<Indicator> d) {
      evaluator_->RetireIndicator("p", "trucks", etag, "不再考核", request_id, "admin", d);
    });
  }
};

TEST_F(IndicatorCatalogTest, CreateWritesTheIndicatorItsRevisionAndEventOnce) {
  ASSERT_OK_AND_ASSIGN(Indicator created, Create(Share(), "req-1"));
  EXPECT_EQ(created.revision, 1);
  EXPECT_EQ(created.origin, Origin::kManual);
  EXPECT_TRUE(created.manually_corrected);
  std::vector<Change> commits = store_.committed();
  ASSERT_EQ(commits.size(), 1u);
  ASSERT_EQ(commits[0].indicators.size(), 1u);
  EXPECT_EQ(commits[0].indicators[0].change, "created");
  EXPECT_EQ(commits[0].indicators[0].revision.revision, 1);
  EXPECT_EQ(commits[0].indicators[0].revision.actor, "admin");
  EXPECT_FALSE(commits[0].indicators[0].revision.before.has_value());
  ASSERT_TRUE(commits[0].request.has_value());
  EXPECT_EQ(commits[0].request->request_id, "req-1");
  EXPECT_EQ(commits[0].request->resource, "plans/p/indicators/trucks");
  EXPECT_EQ(commits[0].request_id, "req-1");
  EXPECT_EQ(commits[0].actor, "admin");

  // The same request again answers the indicator and writes nothing.
  ASSERT_OK_AND_ASSIGN(Indicator replay, Create(Share(), "req-1"));
  EXPECT_EQ(replay, created);
  EXPECT_EQ(store_.committed().size(), 1u);
  // Another request for the same id: it exists.
  EXPECT_EQ(Create(Share(), "req-2").status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_.committed().size(), 1u);
}

TEST_F(IndicatorCatalogTest, UpdateNeedsTheCurrentEtagAndReplaysByRequestId) {
  ASSERT_OK_AND_ASSIGN(Indicator created, Create(Share()));
  EXPECT_EQ(Update("1-stale", 60).status().code(), absl::StatusCode::kAborted);
  ASSERT_OK_AND_ASSIGN(Indicator updated, Update(IndicatorEtag(created), 60, "req-u"));
  EXPECT_EQ(updated.revision, 2);
  EXPECT_EQ(updated.target_value, 60);
  ASSERT_OK_AND_ASSIGN(Indicator held, evaluator_->GetIndicator("p", "trucks"));
  EXPECT_EQ(held, updated);
  // The old etag again with the same request id: the answer of the first call.
  ASSERT_OK_AND_ASSIGN(Indicator replay, Update(IndicatorEtag(created), 70, "req-u"));
  EXPECT_EQ(replay.target_value, 60);
  ASSERT_EQ(store_.committed().size(), 2u);
  const IndicatorWrite w = store_.committed()[1].indicators.at(0);
  EXPECT_EQ(w.change, "updated");
  ASSERT_TRUE(w.revision.before.has_value());
  EXPECT_EQ(w.revision.before->target_value, 50);
  EXPECT_EQ(w.revision.after.target_value, 60);
  // An unknown field is refused and writes nothing.
  Indicator values;
  EXPECT_EQ(Wait<Indicator>([&](Done<Indicator> d) {
              evaluator_->UpdateIndicator("p", "trucks", values, {"origin"}, IndicatorEtag(updated),
                                          "", "", "admin", d);
            })
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.committed().size(), 2u);
}

// 较上一年度提升5个百分点: no target until the bureau enters the prior year's
// value; then baseline + change, kept when the change is corrected.
TEST_F(IndicatorCatalogTest, ARelativeTargetFollowsItsBaselineAndChange) {
  Indicator asphalt = Share("asphalt");
  asphalt.display_name = "温拌沥青使用比例";
  asphalt.target_value.reset();
  asphalt.target_basis = TargetBasis::kChangeFromPriorYear;
  asphalt.target_change = 5;
  ASSERT_OK_AND_ASSIGN(Indicator created, Create(asphalt));
  EXPECT_FALSE(created.target_value.has_value());

  auto update = [&](const Indicator& values, std::vector<std::string> paths,
                    const std::string& etag) {
    return Wait<Indicator>([&](Done<Indicator> d) {
      evaluator_->UpdateIndicator("p", "asphalt", values, paths, etag, "录入基数", "", "admin", d);
    });
  };
  Indicator values;
  values.baseline_value = 12.5;
  ASSERT_OK_AND_ASSIGN(Indicator with_baseline,
                       update(values, {"baseline_value"}, IndicatorEtag(created)));
  EXPECT_EQ(with_baseline.target_value, 17.5);
  EXPECT_EQ(with_baseline.baseline_value, 12.5);

  values.target_change = 6;
  ASSERT_OK_AND_ASSIGN(Indicator corrected,
                       update(values, {"target_change"}, IndicatorEtag(with_baseline)));
  EXPECT_EQ(corrected.target_value, 18.5);

  // The value itself cannot be set: it follows from the two.
  values.target_value = 40;
  EXPECT_EQ(update(values, {"target_value"}, IndicatorEtag(corrected)).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A percent change: 同比下降10% from 200 → 180.
  values.target_basis = TargetBasis::kPercentChangeFromPriorYear;
  values.target_change = -10;
  values.baseline_value = 200;
  ASSERT_OK_AND_ASSIGN(Indicator percent,
                       update(values, {"target_basis", "target_change", "baseline_value"},
                              IndicatorEtag(corrected)));
  EXPECT_EQ(percent.target_value, 180);
  // A relative target without its change is refused at creation.
  Indicator no_change = Share("no-change");
  no_change.target_basis = TargetBasis::kChangeFromPriorYear;
  EXPECT_EQ(Create(no_change).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(IndicatorCatalogTest, RetireOnceThenFailedPrecondition) {
  ASSERT_OK_AND_ASSIGN(Indicator created, Create(Share()));
  ASSERT_OK_AND_ASSIGN(Indicator retired, Retire(IndicatorEtag(created), "req-r"));
  EXPECT_TRUE(retired.retired);
  EXPECT_EQ(retired.retired_reason, "不再考核");
  EXPECT_EQ(store_.committed().back().indicators.at(0).change, "retired");
  // Replay by request id answers the retired indicator; a new retirement is refused.
  ASSERT_OK_AND_ASSIGN(Indicator replay, Retire(IndicatorEtag(created), "req-r"));
  EXPECT_EQ(replay, retired);
  EXPECT_EQ(Retire(IndicatorEtag(retired)).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_.committed().size(), 2u);
  EXPECT_TRUE(evaluator_->ListIndicators("p", false, Origin::kUnspecified).empty());
  EXPECT_EQ(evaluator_->ListIndicators("p", true, Origin::kUnspecified).size(), 1u);
  // Revisions come from the store; a restart loads the retired indicator and the request id.
  ASSERT_OK_AND_ASSIGN(std::vector<IndicatorRevision> revisions,
                       evaluator_->ListRevisions("p", "trucks"));
  ASSERT_EQ(revisions.size(), 2u);
  EXPECT_TRUE(revisions[1].after.retired);
  Reopen();
  ASSERT_OK_AND_ASSIGN(Indicator reloaded, evaluator_->GetIndicator("p", "trucks"));
  EXPECT_EQ(reloaded, retired);
  ASSERT_OK_AND_ASSIGN(replay, Retire("whatever", "req-r"));
  EXPECT_EQ(replay, retired);
}

TEST_F(IndicatorCatalogTest, ARequestIdUsedForAnotherMethodIsRefusedAndARetryAnswersTheFirst) {
  const std::string id(128, 'i');  // the longest id accepted
  ASSERT_OK_AND_ASSIGN(Indicator created, Create(Share(), id));
  const std::string used =
      absl::StrCat("request_id \"", id,
                   "\" was already used for CreateIndicator of plans/p/indicators/trucks; use a "
                   "new request_id for a new request");
  absl::StatusOr<Indicator> updated = Update(IndicatorEtag(created), 60, id);
  EXPECT_EQ(updated.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(updated.status().message(), used);
  absl::StatusOr<Indicator> retired = Retire(IndicatorEtag(created), id);
  EXPECT_EQ(retired.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(retired.status().message(), used);
  // Another indicator with the same id: another resource, refused too.
  EXPECT_EQ(Create(Share("buses"), id).status().message(), used);
  // The retry answers the first result and writes nothing, also after a restart.
  ASSERT_OK_AND_ASSIGN(Indicator again, Create(Share(), id));
  EXPECT_EQ(again, created);
  Reopen();
  ASSERT_OK_AND_ASSIGN(again, Create(Share(), id));
  EXPECT_EQ(again, created);
  EXPECT_EQ(Update(IndicatorEtag(created), 60, id).status().message(), used);
  EXPECT_EQ(store_.committed().size(), 1u);
  // Longer than 128 characters, or with a space: refused.
  EXPECT_EQ(Create(Share("buses"), std::string(129, 'i')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Update(IndicatorEtag(created), 60, "req 2").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(IndicatorCatalogTest, RecordsOfOlderReleasesWithTheChangeWordAsMethodStillAnswerRetries) {
  ASSERT_OK_AND_ASSIGN(Indicator created, Create(Share()));
  ASSERT_OK_AND_ASSIGN(Indicator updated, Update(IndicatorEtag(created), 60));
  // As an older release stored an update's record: the change word as its method.
  Change old;
  old.request = RequestRecord{"old-u", "updated", "plans/p/indicators/trucks", "", 0};
  ASSERT_OK(store_.Commit(old).status());
  Reopen();
  ASSERT_OK_AND_ASSIGN(Indicator replay, Update(IndicatorEtag(created), 70, "old-u"));
  EXPECT_EQ(replay, updated);
  EXPECT_THAT(std::string(Retire(IndicatorEtag(updated), "old-u").status().message()),
              ::testing::HasSubstr("was already used for UpdateIndicator of plans/p/indicators/"
                                   "trucks"));
}

TEST_F(IndicatorCatalogTest, AFailedCommitPublishesNothing) {
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  EXPECT_EQ(Create(Share(), "req-1").status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(evaluator_->GetIndicator("p", "trucks").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_.committed().empty());
  // Neither the indicator nor the request id was kept: the retry creates it.
  ASSERT_OK_AND_ASSIGN(Indicator created, Create(Share(), "req-1"));
  EXPECT_EQ(created.revision, 1);
  EXPECT_EQ(store_.committed().size(), 1u);
}

TEST_F(IndicatorCatalogTest, AnEditWhileAnotherIsCommittedWaitsItsTurnAndLandsAfterIt) {
  ASSERT_OK_AND_ASSIGN(Indicator created, Create(Share()));
  store_.hold_commits(true);
  struct Answer {
    absl::Notification done;
    absl::StatusOr<Indicator> result = absl::UnknownError("not answered");
  };
  Answer first, second, stale;
  auto update = [&](const std::string& etag, double target, Answer* answer) {
    Indicator values;
    values.target_value = target;
    evaluator_->UpdateIndicator("p", "trucks", values, {"target_value"}, etag, "更正", "", "admin",
                                [answer](absl::StatusOr<Indicator> r) {
                                  answer->result = std::move(r);
                                  answer->done.Notify();
                                });
  };
  update(IndicatorEtag(created), 55, &first);
  EXPECT_EQ(store_.held_commits(), 1u);
  // The etag the first edit will produce (revision 2, target 55): the second
  // edit is decided against the first one's result, so it is current then.
  Indicator after_first = created;
  after_first.revision = 2;
  after_first.target_value = 55;
  update(IndicatorEtag(after_first), 56, &second);
  // Still based on the created indicator: stale once the first edit is in.
  update(IndicatorEtag(created), 57, &stale);
  // The second and third wait for the first: not refused, not committed.
  EXPECT_EQ(store_.held_commits(), 1u);
  EXPECT_FALSE(second.done.HasBeenNotified());
  EXPECT_FALSE(stale.done.HasBeenNotified());
  EXPECT_FALSE(first.done.HasBeenNotified());  // answered only once durable
  store_.hold_commits(false);
  store_.ReleaseCommits();
  first.done.WaitForNotification();
  second.done.WaitForNotification();
  stale.done.WaitForNotification();
  ASSERT_OK(first.result.status());
  EXPECT_EQ(first.result->target_value, 55);
  EXPECT_EQ(first.result->revision, 2);
  ASSERT_OK(second.result.status());
  EXPECT_EQ(second.result->target_value, 56);
  EXPECT_EQ(second.result->revision, 3);
  EXPECT_EQ(stale.result.status().code(), absl::StatusCode::kAborted);
  // Both edits landed, in order.
  std::vector<Change> commits = store_.committed();
  ASSERT_EQ(commits.size(), 3u);
  EXPECT_EQ(commits[1].indicators[0].indicator.target_value, 55);
  EXPECT_EQ(commits[2].indicators[0].indicator.target_value, 56);
  ASSERT_TRUE(commits[2].indicators[0].revision.before.has_value());
  EXPECT_EQ(commits[2].indicators[0].revision.before->target_value, 55);
  ASSERT_OK_AND_ASSIGN(Indicator now, evaluator_->GetIndicator("p", "trucks"));
  EXPECT_EQ(now.target_value, 56);
  EXPECT_EQ(now.revision, 3);
}

// Answers of calls started without waiting (Pending::done tells when they came).
struct Pending {
  absl::Notification done;
  absl::StatusOr<Indicator> result = absl::UnknownError("not answered");
  Done<Indicator> Callback() {
    return [this](absl::StatusOr<Indicator> r) {
      result = std::move(r);
      done.Notify();
    };
  }
};

TEST_F(IndicatorCatalogTest, ARetryWhileTheFirstCallCommitsWaitsAndAnswersItsResult) {
  store_.hold_commits(true);
  Pending first, retry;
  evaluator_->CreateIndicator(Share(), "新增", "req-c", "admin", first.Callback());
  ASSERT_EQ(store_.held_commits(), 1u);
  evaluator_->CreateIndicator(Share(), "新增", "req-c", "admin", retry.Callback());
  // Waiting for the first call: not refused as in flight, not committed.
  EXPECT_FALSE(retry.done.HasBeenNotified());
  EXPECT_EQ(store_.held_commits(), 1u);
  store_.hold_commits(false);
  store_.ReleaseCommits();
  first.done.WaitForNotification();
  retry.done.WaitForNotification();
  ASSERT_OK(first.result.status());
  ASSERT_OK(retry.result.status());  // not ALREADY_EXISTS: the first result
  EXPECT_EQ(*retry.result, *first.result);
  EXPECT_EQ(store_.committed().size(), 1u);

  // Likewise an update retried while it commits: the first result, not ABORTED.
  store_.hold_commits(true);
  Pending update, update_retry;
  Indicator values;
  values.target_value = 60;
  const std::string etag = IndicatorEtag(*first.result);
  evaluator_->UpdateIndicator("p", "trucks", values, {"target_value"}, etag, "更正", "req-u",
                              "admin", update.Callback());
  evaluator_->UpdateIndicator("p", "trucks", values, {"target_value"}, etag, "更正", "req-u",
                              "admin", update_retry.Callback());
  EXPECT_FALSE(update_retry.done.HasBeenNotified());
  store_.hold_commits(false);
  store_.ReleaseCommits();
  update.done.WaitForNotification();
  update_retry.done.WaitForNotification();
  ASSERT_OK(update.result.status());
  ASSERT_OK(update_retry.result.status());
  EXPECT_EQ(update_retry.result->revision, 2);
  EXPECT_EQ(*update_retry.result, *update.result);
  EXPECT_EQ(store_.committed().size(), 2u);
}

TEST_F(IndicatorCatalogTest, ARequestIdReusedForAnotherIndicatorWhileTheFirstCommitsIsRefused) {
  store_.hold_commits(true);
  Pending first, other;
  evaluator_->CreateIndicator(Share("trucks"), "新增", "req-c", "admin", first.Callback());
  ASSERT_EQ(store_.held_commits(), 1u);
  // Another indicator: another indicator key, but the same request id's key.
  evaluator_->CreateIndicator(Share("buses"), "新增", "req-c", "admin", other.Callback());
  EXPECT_FALSE(other.done.HasBeenNotified());
  EXPECT_EQ(store_.held_commits(), 1u);
  store_.hold_commits(false);
  store_.ReleaseCommits();
  first.done.WaitForNotification();
  other.done.WaitForNotification();
  ASSERT_OK(first.result.status());
  EXPECT_EQ(other.result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(other.result.status().message(),
            "request_id \"req-c\" was already used for CreateIndicator of "
            "plans/p/indicators/trucks; use a new request_id for a new request");
  EXPECT_EQ(store_.committed().size(), 1u);
  EXPECT_EQ(evaluator_->GetIndicator("p", "buses").status().code(), absl::StatusCode::kNotFound);
  // A failed first call keeps no record: the call waiting behind it is decided afresh.
  store_.hold_commits(true);
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  Pending failed, after;
  evaluator_->CreateIndicator(Share("cars"), "新增", "req-d", "admin", failed.Callback());
  evaluator_->CreateIndicator(Share("cars"), "新增", "req-d", "admin", after.Callback());
  store_.hold_commits(false);
  store_.ReleaseCommits();
  failed.done.WaitForNotification();
  after.done.WaitForNotification();
  EXPECT_EQ(failed.result.status().code(), absl::StatusCode::kUnavailable);
  ASSERT_OK(after.result.status());
  EXPECT_EQ(after.result->id, "cars");
  EXPECT_EQ(store_.committed().size(), 2u);
}

}  // namespace
}  // namespace ecoplan::indicator
