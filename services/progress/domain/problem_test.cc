// The pure rules of problem items: the transition table, evidence and
// comments, overdue in the plan's time zone, and ids.

#include "services/progress/domain/problem.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "common/testing/status_matchers.h"
#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress {
namespace {

using recorder_test::kCity;
using recorder_test::kEco;
using recorder_test::kPlan;
using recorder_test::kTown1;
using recorder_test::kTraffic;
using recorder_test::MakePlan;
using recorder_test::Shanghai;
using ::testing::HasSubstr;

Caller As(Caller::Role role, const std::string& org = "") {
  Caller c;
  c.role = role;
  c.org_id = org;
  c.actor = "actor";
  return c;
}

ProblemItem Item() {
  ProblemDraft d;
  d.measure_id = "a1-t2-m1";
  d.code = "PWK-001";
  d.title = "永定河左岸排污口";
  d.org_id = kTown1;
  d.due_day = absl::CivilDay(2026, 6, 30);
  return NewProblemItem(kPlan, "00001", d, Shanghai(2026, 5, 20, 10, 0), "督查室");
}

ProblemStepRequest Step(ProblemTransition t, std::string comment = "",
                        std::vector<std::string> evidence = {}) {
  return {t, std::move(comment), std::move(evidence)};
}

TEST(ProblemTest, TheOwnerStartsAndClaimsAndTheBureauVerifiesClosesAndReopens) {
  ProblemItem item = Item();
  EXPECT_EQ(item.state, ProblemState::kOpen);
  EXPECT_EQ(item.category, ProblemCategory::kOther);
  const absl::Time t = Shanghai(2026, 6, 1, 9, 0);
  const Caller owner = As(Caller::Role::kReporter, kTown1);
  const Caller bureau = As(Caller::Role::kAdministrator);
  ASSERT_OK(ApplyStep(item, Step(ProblemTransition::kStartRectification), owner, t));
  EXPECT_EQ(item.state, ProblemState::kRectifying);
  ASSERT_OK(ApplyStep(
      item, Step(ProblemTransition::kClaimRectified, "", {"https://example.gov.cn/p/1.jpg"}), owner,
      t));
  EXPECT_EQ(item.state, ProblemState::kRectificationClaimed);
  // The owner cannot verify its own claim.
  absl::Status s = ApplyStep(item, Step(ProblemTransition::kVerify), owner, t);
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  ASSERT_OK(ApplyStep(item, Step(ProblemTransition::kVerify), bureau, t));
  ASSERT_OK(ApplyStep(item, Step(ProblemTransition::kClose), As(Caller::Role::kSupervisor), t));
  EXPECT_EQ(item.state, ProblemState::kClosed);
  ASSERT_OK(ApplyStep(item, Step(ProblemTransition::kReopen, "问题反弹"), bureau, t));
  EXPECT_EQ(item.state, ProblemState::kRectifying);
  EXPECT_EQ(item.reopen_count, 1);
  ASSERT_EQ(item.steps.size(), 6u);
  EXPECT_EQ(item.steps[0].transition, ProblemTransition::kUnspecified);
  EXPECT_EQ(item.steps[2].evidence_links.size(), 1u);
  EXPECT_EQ(item.steps[5].comment, "问题反弹");
}

TEST(ProblemTest, AStepNotAllowedFromTheStateNamesTheStateAndTheAllowedSteps) {
  ProblemItem item = Item();
  absl::Status s =
      ApplyStep(item, Step(ProblemTransition::kClose), As(Caller::Role::kSupervisor), absl::Now());
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("is OPEN"));
  EXPECT_THAT(std::string(s.message()), HasSubstr("START_RECTIFICATION, CLAIM_RECTIFIED"));
  // Another organization's reporter, a viewer and a service may not start it.
  for (const Caller& c : {As(Caller::Role::kReporter, kCity), As(Caller::Role::kViewer),
                          As(Caller::Role::kService)}) {
    EXPECT_EQ(ApplyStep(item, Step(ProblemTransition::kStartRectification), c, absl::Now()).code(),
              absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(item.steps.size(), 1u);
}

TEST(ProblemTest, ClaimNeedsEvidenceAndReopenAComment) {
  EXPECT_EQ(CheckStepRequest(Step(ProblemTransition::kClaimRectified)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(CheckStepRequest(Step(ProblemTransition::kClaimRectified)).message()),
              HasSubstr("evidence_links"));
  EXPECT_THAT(std::string(CheckStepRequest(Step(ProblemTransition::kReopen)).message()),
              HasSubstr("comment"));
  EXPECT_THAT(
      std::string(
          CheckStepRequest(Step(ProblemTransition::kClaimRectified, "", {"ftp://x"})).message()),
      HasSubstr("evidence_links[0]"));
  EXPECT_EQ(CheckStepRequest(Step(ProblemTransition::kUnspecified)).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_OK(CheckStepRequest(Step(ProblemTransition::kReopen, "整改不到位")));
}

TEST(ProblemTest, OverdueAfterTheDueDayInShanghaiUntilAClaimStopsTheClock) {
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  ProblemItem item = Item();
  EXPECT_FALSE(IsOverdue(item, Shanghai(2026, 6, 30, 23, 59), zone));
  EXPECT_TRUE(IsOverdue(item, Shanghai(2026, 7, 1, 0, 0), zone));
  ASSERT_OK(ApplyStep(item,
                      Step(ProblemTransition::kClaimRectified, "", {"https://example.gov.cn/1"}),
                      As(Caller::Role::kReporter, kTown1), Shanghai(2026, 7, 2, 0, 0)));
  EXPECT_FALSE(IsOverdue(item, Shanghai(2026, 7, 3, 0, 0), zone));
  ASSERT_OK(ApplyStep(item, Step(ProblemTransition::kReopen, "未整改到位"),
                      As(Caller::Role::kSupervisor), Shanghai(2026, 7, 3, 0, 0)));
  EXPECT_TRUE(IsOverdue(item, Shanghai(2026, 7, 3, 0, 0), zone));
}

TEST(ProblemTest, DraftsNameTheFieldAtFaultAndTheOwnerMustOwnTheMeasure) {
  ProblemDraft d;
  d.measure_id = "a1-t1-m1";
  d.code = "X-1";
  d.title = "t";
  d.org_id = kTraffic;
  d.due_day = absl::CivilDay(2026, 1, 5);  // in the past: accepted
  EXPECT_OK(CheckDraftFields(d, "item."));
  EXPECT_OK(CheckDraftInPlan(d, *MakePlan(), "item."));
  ProblemDraft bad = d;
  bad.title = std::string(201, 'x');
  EXPECT_THAT(std::string(CheckDraftFields(bad, "item.").message()), HasSubstr("item.title"));
  bad = d;
  bad.code = "";
  EXPECT_THAT(std::string(CheckDraftFields(bad, "item.").message()), HasSubstr("item.code"));
  bad = d;
  bad.org_id = kCity;
  EXPECT_EQ(CheckDraftInPlan(bad, *MakePlan(), "item.").code(),
            absl::StatusCode::kPermissionDenied);
  bad.org_id = "o-nobody";
  EXPECT_EQ(CheckDraftInPlan(bad, *MakePlan(), "item.").code(), absl::StatusCode::kNotFound);
  bad = d;
  bad.measure_id = "a9-t9-m9";
  EXPECT_EQ(CheckDraftInPlan(bad, *MakePlan(), "item.").code(), absl::StatusCode::kNotFound);
  (void)kEco;
}

TEST(ProblemTest, IdsAreFiveDigitsInOrder) {
  EXPECT_EQ(NextProblemId({}), "00001");
  EXPECT_EQ(NextProblemId({"00001", "00009"}), "00010");
  EXPECT_EQ(NextProblemId({"00041"}, 2), "00044");
}

}  // namespace
}  // namespace ecoplan::progress
