// Notifier unit tests of the rules: defaults, mutes, etags and validation.

#include <set>
#include <string>
#include <vector>

#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

TEST_F(NotifierTest, InstallsDefaultRulesOnFirstStart) {
  EXPECT_EQ(notifier_->ListRules().size(), DefaultRules().size());
}

TEST_F(NotifierTest, BureauMuteSilencesARuleForItsPeriod) {
  ImportPlan();
  ASSERT_OK(notifier_->MuteRule(admin_, "report-due-soon", At(4, 30), "", ""));
  clock_.Set(At(4, 23));
  EXPECT_EQ(Run(), 0);
}

TEST_F(NotifierTest, RecipientCannotMuteACriticalRule) {
  Caller reporter{"a", "o-a", Caller::Role::kReporter};
  EXPECT_EQ(notifier_->MuteRule(reporter, "report-overdue", At(5, 1), "o-a", "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_OK(notifier_->MuteRule(reporter, "report-due-soon", At(5, 1), "o-a", ""));
  EXPECT_EQ(notifier_->MuteRule(reporter, "report-due-soon", At(5, 1), "o-b", "").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(NotifierTest, RuleUpdatesNeedTheCurrentEtag) {
  ASSERT_OK_AND_ASSIGN(Rule rule, notifier_->GetRule("report-due-soon"));
  rule.lead_days = {5};
  EXPECT_EQ(notifier_->UpdateRule(rule, "r999").status().code(), absl::StatusCode::kAborted);
  rule.severity = Severity::kInfo;
  rule.kind = Kind::kReportOverdue;
  EXPECT_EQ(notifier_->UpdateRule(rule, RuleEtag(rule)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
