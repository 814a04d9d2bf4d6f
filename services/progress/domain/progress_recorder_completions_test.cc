// ProgressRecorder: completion sign-off (the indicator check is tested in
// indicator_view_test.cc).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress::recorder_test {
namespace {

TEST_F(ProgressRecorderTest, AMeasureCountsAsCompletedOnlyOnceConfirmed) {
  Caller caller;
  caller.role = Caller::Role::kAdministrator;
  auto declare = [&](const std::string& org, std::vector<std::string> links) {
    return Sync<Completion>([&](Callback<Completion> cb) {
      recorder_.DeclareCompletion(kPlan, "a1-t1-m2", org, "已全部完成", links, caller, cb);
    });
  };
  auto decide = [&](int n, bool confirm) {
    return Sync<Completion>([&](Callback<Completion> cb) {
      recorder_.DecideCompletion(kPlan, "a1-t1-m2", n, confirm, confirm ? "" : "证明材料不全",
                                 caller, cb);
    });
  };
  EXPECT_STATUS_CODE(declare(kEco, {}), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(declare(kCity, {"https://a.cn/x"}), absl::StatusCode::kPermissionDenied);
  ASSERT_OK(declare(kEco, {"https://a.cn/x"}));
  ASSERT_OK_AND_ASSIGN(MeasureProgress declared, recorder_.GetMeasureProgress(kPlan, "a1-t1-m2"));
  EXPECT_FALSE(declared.completed);
  ASSERT_OK(decide(1, false));
  ASSERT_OK(declare(kEco, {"https://a.cn/y"}));
  ASSERT_OK(decide(2, true));
  ASSERT_OK_AND_ASSIGN(MeasureProgress done, recorder_.GetMeasureProgress(kPlan, "a1-t1-m2"));
  EXPECT_TRUE(done.completed);
  EXPECT_EQ(done.completions.size(), 2u);
  EXPECT_STATUS_CODE(declare(kEco, {"https://a.cn/z"}), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ecoplan::progress::recorder_test
