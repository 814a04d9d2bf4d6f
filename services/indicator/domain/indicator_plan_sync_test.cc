// The plan-sync use cases over the fake store: a Prepare* returns the change
// and publishes nothing until CommitEffect made it durable; a failed commit
// publishes nothing.

#include "services/indicator/domain/indicator_evaluator_test_fixture.h"

namespace ecoplan::indicator {
namespace {

class IndicatorPlanSyncTest : public IndicatorEvaluatorTest {
 protected:
  static PlanSource Source() {
    PlanSource source;
    source.plan_id = "p";
    source.year = 2026;
    return source;
  }
  static PlanView View() {
    PlanView view;
    view.year = 2026;
    view.reporting_due_day = 20;
    view.issue_date = absl::CivilDay(2026, 3, 1);
    view.organization_names["o-traffic"] = "区交通局";
    MeasureView m;
    m.id = "a1-t2-m3";
    m.owners = {"区交通局"};
    m.organization_ids = {"o-traffic"};
    view.measures.push_back(m);
    return view;
  }
  absl::Status Commit(SyncEffect effect) {
    absl::Notification done;
    absl::Status out;
    evaluator_->CommitEffect(std::move(effect), [&](absl::Status s) {
      out = s;
      done.Notify();
    });
    done.WaitForNotification();
    return out;
  }
};

TEST_F(IndicatorPlanSyncTest, ASyncIsPublishedOnlyOnceDurable) {
  ASSERT_OK_AND_ASSIGN(SyncEffect effect, evaluator_->PrepareSync(Source(), View(), "req-s"));
  ASSERT_TRUE(effect.change.plan_view.has_value());
  EXPECT_EQ(effect.change.plan_view->plan_id, "p");
  ASSERT_TRUE(effect.change.report.has_value());
  ASSERT_TRUE(effect.change.request.has_value());
  EXPECT_EQ(effect.change.request->method, "SyncPlan");
  EXPECT_FALSE(evaluator_->HasPlan("p"));  // prepared, not yet durable

  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  EXPECT_EQ(Commit(std::move(effect)).code(), absl::StatusCode::kUnavailable);
  EXPECT_FALSE(evaluator_->HasPlan("p"));
  EXPECT_EQ(evaluator_->GetReport("p").status().code(), absl::StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(effect, evaluator_->PrepareSync(Source(), View(), "req-s"));
  ASSERT_OK(Commit(std::move(effect)));
  EXPECT_TRUE(evaluator_->HasPlan("p"));
  ASSERT_OK(evaluator_->GetReport("p").status());
  EXPECT_EQ(evaluator_->IssueDate("p"), absl::CivilDay(2026, 3, 1));
  OrganizationScope scope = evaluator_->ScopeOf("p", "o-traffic");
  EXPECT_EQ(scope.name, "区交通局");
  EXPECT_EQ(scope.measure_ids, std::set<std::string>{"a1-t2-m3"});
  // A restart loads the view.
  Reopen();
  EXPECT_TRUE(evaluator_->HasPlan("p"));
  EXPECT_EQ(evaluator_->ScopeOf("p", "o-traffic").measure_ids, scope.measure_ids);

  // The retry (also after the restart) answers the report and changes nothing;
  // the id used for another method is refused.
  ASSERT_OK_AND_ASSIGN(ExtractionReport first, evaluator_->GetReport("p"));
  clock_.Advance(absl::Hours(1));
  ASSERT_OK_AND_ASSIGN(SyncEffect retried, evaluator_->PrepareSync(Source(), View(), "req-s"));
  EXPECT_TRUE(retried.change.empty());
  EXPECT_EQ(retried.changed, 0);
  EXPECT_EQ(retried.report.time, first.time);
  absl::StatusOr<Indicator> created = Create(Share("buses"), "req-s");
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(created.status().message(),
            "request_id \"req-s\" was already used for SyncPlan of plans/p; use a new request_id "
            "for a new request");
}

TEST_F(IndicatorPlanSyncTest, AReassignedMeasureMovesTheViewAndItsTextIndicators) {
  ASSERT_OK_AND_ASSIGN(SyncEffect effect, evaluator_->PrepareSync(Source(), View(), ""));
  ASSERT_OK(Commit(std::move(effect)));
  MeasureView m = View().measures[0];
  m.owners = {"区生态环境局"};
  m.organization_ids = {"o-env"};
  ASSERT_OK_AND_ASSIGN(effect, evaluator_->PrepareMeasureUpdate("p", m));
  ASSERT_TRUE(effect.change.plan_view.has_value());
  EXPECT_EQ(effect.change.plan_view->measures.at(0).owners,
            std::vector<std::string>{"区生态环境局"});
  ASSERT_OK(Commit(std::move(effect)));
  EXPECT_TRUE(evaluator_->ScopeOf("p", "o-traffic").measure_ids.empty());
  EXPECT_EQ(evaluator_->ScopeOf("p", "o-env").measure_ids.size(), 1u);
  // A plan never synced: nothing to follow.
  ASSERT_OK_AND_ASSIGN(effect, evaluator_->PrepareMeasureUpdate("q", m));
  EXPECT_TRUE(effect.change.empty());
}

TEST_F(IndicatorPlanSyncTest, CalendarAndHolidaysFollowTheProgressService) {
  common::CalendarRule rule;
  rule.monthly_due.n = 10;
  ASSERT_OK_AND_ASSIGN(SyncEffect effect, evaluator_->PrepareCalendar("p", rule));
  EXPECT_FALSE(evaluator_->Calendar("p").has_value());
  ASSERT_OK(evaluator_->CommitEffectNow(std::move(effect)));
  ASSERT_TRUE(evaluator_->Calendar("p").has_value());
  EXPECT_EQ(evaluator_->Calendar("p")->monthly_due.n, 10);
  common::HolidayYear year;
  year.year = 2026;
  year.holidays = {absl::CivilDay(2026, 10, 1)};
  ASSERT_OK_AND_ASSIGN(effect, evaluator_->PrepareHolidays(year));
  store_.FailNextCommit(absl::UnavailableError("disk gone"));
  EXPECT_FALSE(evaluator_->CommitEffectNow(std::move(effect)).ok());
  EXPECT_FALSE(evaluator_->Holidays(2026).has_value());
  ASSERT_OK_AND_ASSIGN(effect, evaluator_->PrepareHolidays(year));
  ASSERT_OK(evaluator_->CommitEffectNow(std::move(effect)));
  EXPECT_EQ(evaluator_->Holidays(2026), year);
  Reopen();
  EXPECT_EQ(evaluator_->Holidays(2026), year);
  EXPECT_EQ(evaluator_->Calendar("p")->monthly_due.n, 10);
}

}  // namespace
}  // namespace ecoplan::indicator
