// ProgressRecorder: extensions move the effective deadline of a measure.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress::recorder_test {
namespace {

using ::testing::ElementsAre;

TEST_F(ProgressRecorderTest, ExtensionsMoveTheEffectiveDeadlineAndKeepTheOriginal) {
  Caller caller;
  caller.role = Caller::Role::kAdministrator;
  auto request = [&](const std::string& org, absl::CivilDay day) {
    return Sync<Extension>([&](Callback<Extension> cb) {
      recorder_.RequestExtension(kPlan, "a1-t1-m1", org, day, "车辆采购延迟", caller, cb);
    });
  };
  auto decide = [&](int n, bool approve) {
    return Sync<Extension>([&](Callback<Extension> cb) {
      recorder_.DecideExtension(kPlan, "a1-t1-m1", n, approve, approve ? "" : "理由不充分", caller,
                                cb);
    });
  };
  EXPECT_STATUS_CODE(request(kTraffic, absl::CivilDay(2026, 9, 30)),
                     absl::StatusCode::kPermissionDenied);  // responsible, not lead
  EXPECT_STATUS_CODE(request(kEco, absl::CivilDay(2026, 6, 1)),
                     absl::StatusCode::kInvalidArgument);  // not after June 30
  ASSERT_OK_AND_ASSIGN(Extension first, request(kEco, absl::CivilDay(2026, 9, 30)));
  EXPECT_EQ(first.number, 1);
  EXPECT_EQ(first.state, ExtensionState::kPending);
  EXPECT_STATUS_CODE(request(kEco, absl::CivilDay(2026, 10, 31)),
                     absl::StatusCode::kFailedPrecondition);  // one pending at a time
  ASSERT_OK_AND_ASSIGN(Extension approved, decide(1, true));
  EXPECT_EQ(approved.state, ExtensionState::kApproved);
  EXPECT_STATUS_CODE(decide(1, false), absl::StatusCode::kFailedPrecondition);

  ASSERT_OK_AND_ASSIGN(MeasureProgress p, recorder_.GetMeasureProgress(kPlan, "a1-t1-m1"));
  EXPECT_EQ(*p.effective_due, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(*p.measure.due, absl::CivilDay(2026, 6, 30));

  // July: past the original deadline but before the extended one.
  clock_.Set(Shanghai(2026, 7, 10, 9, 0));
  ASSERT_OK_AND_ASSIGN(MeasureProgress july, recorder_.GetMeasureProgress(kPlan, "a1-t1-m1"));
  EXPECT_FALSE(july.overdue);
  ASSERT_OK_AND_ASSIGN(Extension second, request(kEco, absl::CivilDay(2026, 11, 30)));
  EXPECT_EQ(second.number, 2);  // a repeated request shows as such
  EXPECT_EQ(*second.current_due, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(*second.original_due, absl::CivilDay(2026, 6, 30));
  ASSERT_OK(decide(2, false));

  clock_.Set(Shanghai(2026, 10, 1, 0, 0));
  ASSERT_OK_AND_ASSIGN(MeasureProgress october, recorder_.GetMeasureProgress(kPlan, "a1-t1-m1"));
  EXPECT_TRUE(october.overdue);
  EXPECT_STATUS_CODE(request(kEco, absl::CivilDay(2026, 12, 31)),
                     absl::StatusCode::kFailedPrecondition);  // the deadline has passed
  EXPECT_THAT(store_.events(),
              ElementsAre(EventType::kExtensionRequested, EventType::kExtensionDecided,
                          EventType::kExtensionRequested, EventType::kExtensionDecided));
}

}  // namespace
}  // namespace ecoplan::progress::recorder_test
