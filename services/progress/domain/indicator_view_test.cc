// The completion check against the indicator view: the pure check, and
// ProgressRecorder::DecideCompletion over a FakeReportStore, a FakeClock and
// an IndicatorDirectory filled by hand (no gRPC, no disk).

#include "services/progress/domain/indicator_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/testing/status_matchers.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/progress_recorder_test_fixture.h"
#include "services/progress/testing/fake_report_store.h"

namespace ecoplan::progress {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// The recorder tests' plan and organization (the files of a target may share a unit).
using recorder_test::kEco;
using recorder_test::kPlan;
constexpr char kMeasure[] = "a1-t1-m1";
constexpr char kOther[] = "a1-t1-m2";

std::shared_ptr<IndicatorFacts> Trucks(IndicatorState status, std::optional<double> value) {
  auto f = std::make_shared<IndicatorFacts>();
  f->plan_id = kPlan;
  f->id = "m-a1-t1-m1-1";
  f->display_name = "新注册登记货车新能源化率";
  f->unit = "%";
  f->measure_ids = {kMeasure};
  f->target_value = 30;
  f->target_text = "达到30%以上";
  f->status = status;
  f->value = value;
  if (value.has_value()) f->value_date = absl::CivilDay(2026, 5, 31);
  f->as_of = absl::CivilDay(2026, 6, 30);
  f->status_target = 30;
  f->status_target_text = "达到30%以上";
  return f;
}

TEST(IndicatorCheckTest, OffTrackFailsWithValueTargetAndDay) {
  IndicatorCheck check = CheckIndicators({Trucks(IndicatorState::kOffTrack, 26)});
  EXPECT_FALSE(check.passed());
  ASSERT_THAT(check.lines, SizeIs(1));
  EXPECT_EQ(check.lines[0],
            "m-a1-t1-m1-1 «新注册登记货车新能源化率»: OFF_TRACK; latest value 26 % on 2026-05-31; "
            "target 达到30%以上");
  EXPECT_EQ(check.failing, check.lines);
}

TEST(IndicatorCheckTest, AStretchGoalOffTrackIsListedButRefusesNothing) {
  auto stretch = Trucks(IndicatorState::kOffTrack, 26);
  stretch->stretch = true;
  IndicatorCheck check = CheckIndicators({stretch});
  EXPECT_TRUE(check.passed());
  ASSERT_THAT(check.lines, SizeIs(1));
  EXPECT_THAT(check.lines[0],
              AllOf(HasSubstr("OFF_TRACK"), HasSubstr("a stretch goal: not checked")));
  // Beside a binding indicator off track, only the binding one fails.
  IndicatorCheck both = CheckIndicators({stretch, Trucks(IndicatorState::kOffTrack, 26)});
  EXPECT_FALSE(both.passed());
  EXPECT_THAT(both.failing, SizeIs(1));
}

TEST(IndicatorCheckTest, TheTargetNumberIsAddedWhenTheWordsDoNotHoldIt) {
  auto f = Trucks(IndicatorState::kOffTrack, 26);
  f->status_target_text = "";
  f->target_text = "达到市级要求";
  EXPECT_THAT(DescribeIndicator(*f), HasSubstr("; target 达到市级要求 (30 %)"));
  f->target_text = "";
  f->status_target_text = "";
  EXPECT_THAT(DescribeIndicator(*f), HasSubstr("; target 30 %"));
  f->target_value.reset();
  f->status_target.reset();
  EXPECT_THAT(DescribeIndicator(*f), HasSubstr("; no numeric target"));
}

TEST(IndicatorCheckTest, NoValueOrNoStatusYetFails) {
  IndicatorCheck insufficient = CheckIndicators({Trucks(IndicatorState::kInsufficientData, {})});
  EXPECT_FALSE(insufficient.passed());
  EXPECT_THAT(insufficient.failing[0],
              AllOf(HasSubstr("INSUFFICIENT_DATA"), HasSubstr("no value yet"),
                    HasSubstr("evaluated as of 2026-06-30"), HasSubstr("target 达到30%以上")));
  auto unknown = Trucks(IndicatorState::kUnknown, {});
  unknown->as_of.reset();
  IndicatorCheck never = CheckIndicators({unknown});
  EXPECT_FALSE(never.passed());
  EXPECT_THAT(never.failing[0], HasSubstr("NOT_EVALUATED; no value yet; target"));
}

TEST(IndicatorCheckTest, AchievedOnTrackAndAtRiskPass) {
  for (IndicatorState s :
       {IndicatorState::kAchieved, IndicatorState::kOnTrack, IndicatorState::kAtRisk}) {
    IndicatorCheck check = CheckIndicators({Trucks(s, 35)});
    EXPECT_TRUE(check.passed()) << IndicatorStateName(s);
    ASSERT_THAT(check.lines, SizeIs(1));
    EXPECT_THAT(check.lines[0], AllOf(HasSubstr(IndicatorStateName(s)),
                                      HasSubstr("latest value 35 % on 2026-05-31")));
  }
}

TEST(IndicatorCheckTest, RetiredIndicatorsAreIgnored) {
  auto retired = Trucks(IndicatorState::kOffTrack, 10);
  retired->retired = true;
  IndicatorCheck check = CheckIndicators({retired});
  EXPECT_TRUE(check.passed());
  EXPECT_THAT(check.lines, IsEmpty());
}

TEST(IndicatorCheckTest, TheRefusalNamesEachFailingIndicatorAndTheOverride) {
  auto pm = Trucks(IndicatorState::kOnTrack, 35);
  pm->id = "m-a1-t1-m1-2";
  IndicatorCheck check = CheckIndicators({Trucks(IndicatorState::kOffTrack, 26), pm});
  absl::Status s = IndicatorCheckStatus(kMeasure, check);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(
      std::string(s.message()),
      AllOf(HasSubstr("measure a1-t1-m1 cannot be confirmed"),
            HasSubstr("m-a1-t1-m1-1 «新注册登记货车新能源化率»: OFF_TRACK; latest value 26 % "
                      "on 2026-05-31; target 达到30%以上"),
            HasSubstr("override_indicator_check"), HasSubstr("override_reason")));
  EXPECT_THAT(std::string(s.message()), ::testing::Not(HasSubstr("m-a1-t1-m1-2")));
  EXPECT_OK(IndicatorCheckStatus(kMeasure, CheckIndicators({pm})));
}

TEST(IndicatorDirectoryTest, FindsTheIndicatorsOfAMeasure) {
  IndicatorDirectory dir;
  EXPECT_FALSE(dir.received());
  dir.Put(Trucks(IndicatorState::kOnTrack, 35));
  auto other = Trucks(IndicatorState::kOnTrack, 1);
  other->id = "a4-pm25";
  other->measure_ids = {kOther};
  dir.Put(other);
  EXPECT_THAT(dir.OfMeasure(kPlan, kMeasure), SizeIs(1));
  EXPECT_EQ(dir.OfMeasure(kPlan, kMeasure)[0]->id, "m-a1-t1-m1-1");
  EXPECT_THAT(dir.OfMeasure("another-plan", kMeasure), IsEmpty());
  EXPECT_EQ(dir.Find(kPlan, "a4-pm25")->measure_ids[0], kOther);
  dir.MarkReceived();
  EXPECT_TRUE(dir.received());
}

class CompletionCheckTest : public ::testing::Test {
 protected:
  CompletionCheckTest()
      : clock_(absl::FromCivil(absl::CivilSecond(2026, 7, 1, 10, 0, 0), absl::UTCTimeZone())),
        recorder_(
            &store_, &plans_, &clock_, [](std::function<void()> fn) { fn(); }, &indicators_) {
    auto plan = std::make_shared<PlanInfo>();
    plan->id = kPlan;
    plan->year = 2026;
    plan->organizations = {{kEco, "区生态环境局"}};
    plan->measures = {MeasureInfo{kMeasure,
                                  0,
                                  "推进新能源货车",
                                  "年底前",
                                  1,
                                  std::nullopt,
                                  absl::CivilDay(2026, 12, 31),
                                  {kEco},
                                  {}},
                      MeasureInfo{kOther,
                                  0,
                                  "扬尘治理",
                                  "年底前",
                                  1,
                                  std::nullopt,
                                  absl::CivilDay(2026, 12, 31),
                                  {kEco},
                                  {}}};
    plan->Index();
    plans_.Put(plan);
    plans_.SetConnected(true);
    EXPECT_OK(recorder_.Load());
    admin_.role = Caller::Role::kAdministrator;
    admin_.actor = "区生态环境局-督查科";
  }

  template <typename T, typename Fn>
  absl::StatusOr<T> Sync(Fn fn) {
    std::optional<absl::StatusOr<T>> result;
    fn([&result](absl::StatusOr<T> r) { result = std::move(r); });
    if (!result.has_value()) return absl::InternalError("no answer");
    return *result;
  }

  absl::StatusOr<Completion> Declare(const std::string& measure) {
    return Sync<Completion>([&](Callback<Completion> cb) {
      recorder_.DeclareCompletion(kPlan, measure, kEco, "已全部完成", {"https://a.cn/x"}, admin_,
                                  cb);
    });
  }

  absl::StatusOr<Completion> Confirm(const std::string& measure, int n,
                                     IndicatorOverride override_check = {}) {
    return Sync<Completion>([&](Callback<Completion> cb) {
      recorder_.DecideCompletion(kPlan, measure, n, true, "", override_check, admin_, cb);
    });
  }

  FakeReportStore store_;
  PlanDirectory plans_;
  IndicatorDirectory indicators_;
  common::FakeClock clock_;
  ProgressRecorder recorder_;
  Caller admin_;
};

TEST_F(CompletionCheckTest, AnOffTrackIndicatorRefusesTheConfirmationWithTheFacts) {
  indicators_.MarkReceived();
  indicators_.Put(Trucks(IndicatorState::kOffTrack, 26));
  ASSERT_OK(Declare(kMeasure));
  absl::StatusOr<Completion> refused = Confirm(kMeasure, 1);
  EXPECT_STATUS_CODE(refused, absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              AllOf(HasSubstr("m-a1-t1-m1-1"), HasSubstr("新注册登记货车新能源化率"),
                    HasSubstr("latest value 26 %"), HasSubstr("on 2026-05-31"),
                    HasSubstr("target 达到30%以上"), HasSubstr("override_indicator_check")));
  // Nothing changed: still pending, no event.
  ASSERT_OK_AND_ASSIGN(auto list,
                       recorder_.ListCompletions(kPlan, kMeasure, CompletionState::kUnspecified));
  ASSERT_THAT(list, SizeIs(1));
  EXPECT_EQ(list[0].state, CompletionState::kDeclared);
  EXPECT_THAT(store_.events(), ElementsAre(EventType::kCompletionDeclared));

  // The indicator recovers: confirmed, with the facts it was checked against.
  indicators_.Put(Trucks(IndicatorState::kOnTrack, 35));
  ASSERT_OK_AND_ASSIGN(Completion c, Confirm(kMeasure, 1));
  EXPECT_EQ(c.state, CompletionState::kConfirmed);
  EXPECT_FALSE(c.indicator_check_overridden);
  EXPECT_EQ(c.override_reason, "");
  EXPECT_THAT(c.indicator_checks,
              ElementsAre("m-a1-t1-m1-1 «新注册登记货车新能源化率»: ON_TRACK; latest value 35 % "
                          "on 2026-05-31; target 达到30%以上"));
  EXPECT_THAT(store_.events(),
              ElementsAre(EventType::kCompletionDeclared, EventType::kCompletionConfirmed));
}

TEST_F(CompletionCheckTest, AnOverrideWithAReasonConfirmsAndIsRecorded) {
  indicators_.MarkReceived();
  indicators_.Put(Trucks(IndicatorState::kInsufficientData, {}));
  ASSERT_OK(Declare(kMeasure));
  EXPECT_STATUS_CODE(Confirm(kMeasure, 1), absl::StatusCode::kFailedPrecondition);
  // The override needs a reason, and a reason needs the override.
  EXPECT_STATUS_CODE(Confirm(kMeasure, 1, {true, ""}), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(Confirm(kMeasure, 1, {true, "   "}), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(Confirm(kMeasure, 1, {true, std::string(2001, 'x')}),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(Confirm(kMeasure, 1, {false, "数据未入库"}),
                     absl::StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(Completion c,
                       Confirm(kMeasure, 1, {true, "市交通委数据尚未入库，已核验纸质台账"}));
  EXPECT_EQ(c.state, CompletionState::kConfirmed);
  EXPECT_TRUE(c.indicator_check_overridden);
  EXPECT_EQ(c.override_reason, "市交通委数据尚未入库，已核验纸质台账");
  ASSERT_THAT(c.indicator_checks, SizeIs(1));
  EXPECT_THAT(c.indicator_checks[0], HasSubstr("INSUFFICIENT_DATA; no value yet"));
  // Stored so: the measure's progress shows it.
  ASSERT_OK_AND_ASSIGN(MeasureProgress p, recorder_.GetMeasureProgress(kPlan, kMeasure));
  ASSERT_THAT(p.completions, SizeIs(1));
  EXPECT_TRUE(p.completions[0].indicator_check_overridden);
  EXPECT_EQ(p.completions[0].override_reason, "市交通委数据尚未入库，已核验纸质台账");
}

TEST_F(CompletionCheckTest, AMeasureWithoutIndicatorsIsConfirmedOnTheBureausWord) {
  indicators_.MarkReceived();
  indicators_.Put(Trucks(IndicatorState::kOffTrack, 26));  // of the other measure
  ASSERT_OK(Declare(kOther));
  ASSERT_OK_AND_ASSIGN(Completion c, Confirm(kOther, 1));
  EXPECT_EQ(c.state, CompletionState::kConfirmed);
  EXPECT_THAT(c.indicator_checks, IsEmpty());
  EXPECT_FALSE(c.indicator_check_overridden);
}

TEST_F(CompletionCheckTest, ARetiredIndicatorDoesNotHoldUpTheConfirmation) {
  indicators_.MarkReceived();
  auto retired = Trucks(IndicatorState::kOffTrack, 26);
  retired->retired = true;
  indicators_.Put(retired);
  ASSERT_OK(Declare(kMeasure));
  ASSERT_OK_AND_ASSIGN(Completion c, Confirm(kMeasure, 1));
  EXPECT_THAT(c.indicator_checks, IsEmpty());
}

TEST_F(CompletionCheckTest, AtRiskIsEnoughToConfirm) {
  indicators_.MarkReceived();
  indicators_.Put(Trucks(IndicatorState::kAtRisk, 30.5));
  ASSERT_OK(Declare(kMeasure));
  ASSERT_OK_AND_ASSIGN(Completion c, Confirm(kMeasure, 1));
  EXPECT_THAT(c.indicator_checks, ElementsAre(HasSubstr("AT_RISK; latest value 30.5 %")));
}

TEST_F(CompletionCheckTest, UntilTheIndicatorServiceWasHeardFromConfirmationsWait) {
  ASSERT_OK(Declare(kOther));
  absl::StatusOr<Completion> c = Confirm(kOther, 1);
  EXPECT_STATUS_CODE(c, absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(c.status().message()), HasSubstr("indicator data not yet received"));
  // Rejecting needs no data.
  EXPECT_OK(Sync<Completion>([&](Callback<Completion> cb) {
    recorder_.DecideCompletion(kPlan, kOther, 1, false, "证明材料不全", admin_, cb);
  }));
}

// A view catching up may lack the very indicator of the measure: with the
// measure's off-track indicator not applied yet, the measure would look as if
// it had none and be confirmed on the bureau's word.
TEST_F(CompletionCheckTest, WhileTheViewKnowinglyLagsConfirmationsWait) {
  uint64_t behind = 12;
  indicators_.SetBacklogProbe([&behind] { return behind; });
  indicators_.MarkReceived();
  ASSERT_OK(Declare(kMeasure));
  absl::StatusOr<Completion> c = Confirm(kMeasure, 1);
  EXPECT_STATUS_CODE(c, absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(c.status().message()),
              HasSubstr("the indicator data here is 12 events behind the indicator service"));
  EXPECT_THAT(store_.events(), ElementsAre(EventType::kCompletionDeclared));
  // Caught up: the indicator it lacked is there, and refuses.
  indicators_.Put(Trucks(IndicatorState::kOffTrack, 26));
  behind = 0;
  EXPECT_STATUS_CODE(Confirm(kMeasure, 1), absl::StatusCode::kFailedPrecondition);
  indicators_.Put(Trucks(IndicatorState::kOnTrack, 35));
  ASSERT_OK_AND_ASSIGN(Completion confirmed, Confirm(kMeasure, 1));
  EXPECT_THAT(confirmed.indicator_checks, ElementsAre(HasSubstr("ON_TRACK")));
}

TEST_F(CompletionCheckTest, ARetriedConfirmationAnswersWithTheFirstResult) {
  indicators_.MarkReceived();
  indicators_.Put(Trucks(IndicatorState::kOnTrack, 35));
  ASSERT_OK(Declare(kMeasure));
  admin_.request_id = "confirm-1";
  ASSERT_OK(Confirm(kMeasure, 1));
  indicators_.Put(Trucks(IndicatorState::kOffTrack, 20));  // changed since: not re-checked
  ASSERT_OK_AND_ASSIGN(Completion again, Confirm(kMeasure, 1));
  EXPECT_THAT(again.indicator_checks, ElementsAre(HasSubstr("ON_TRACK")));
}

}  // namespace
}  // namespace ecoplan::progress
