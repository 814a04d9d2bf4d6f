#include "services/indicator/domain/monthly_assessments.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

absl::Time At(int y, int m, int d) {
  return absl::FromCivil(absl::CivilSecond(y, m, d, 9, 0, 0), kShanghai);
}

// The plan's data: 区交通局 leads a1-t2-m3 and reports on it monthly; its June
// report is missing until `june_report_late` says it arrived (late).
class FakeScoring : public PlanScoring {
 public:
  absl::StatusOr<MonthScores> Score(const std::string& plan_id, absl::CivilDay as_of,
                                    const ScoringRules& rules) const override {
    if (plan_id != "p") return absl::NotFoundError("no plan");
    MonthScores out;
    MeasureLight light;
    light.measure_id = "a1-t2-m3";
    light.owners = {"区交通局"};
    light.colour = Colour::kGreen;
    Scorecard card;
    card.organization = "区交通局";
    ScoreComponent comp;
    comp.name = "on_time_reporting";
    double credit = 0;
    int due = 0;
    for (absl::CivilMonth p = absl::CivilMonth(2026, 4); LastDayOf(p) <= as_of; ++p) {
      ++due;
      ScoreFact f;
      f.key = absl::StrCat("on_time_reporting/a1-t2-m3/", absl::FormatCivilTime(p));
      f.role = "lead";
      if (p == absl::CivilMonth(2026, 6) && !june_report_late) {
        f.outcome = "missing";
        light.colour = Colour::kYellow;
      } else if (p == absl::CivilMonth(2026, 6)) {
        f.outcome = "late";
        f.credit = rules.late_report_credit;
        f.reference = "plans/p/reports/june";
      } else {
        f.outcome = "on_time";
        f.credit = 1;
      }
      credit += f.credit;
      comp.facts.push_back(f);
    }
    card.score = due == 0 ? 0 : 100.0 * credit / due;
    card.components.push_back(comp);
    out.lights = {light};
    out.scorecards = {card};
    return out;
  }
  bool KnowsPlan(const std::string& plan_id) const override { return plan_id == "p"; }
  std::optional<absl::CivilDay> IssueDate(const std::string&) const override {
    return absl::CivilDay(2026, 3, 31);
  }
  bool june_report_late = false;
};

class FakeStore : public AssessmentStore {
 public:
  absl::StatusOr<AssessmentRecords> Load() const override { return records; }
  void Commit(AssessmentWrite w, std::function<void(absl::Status)> done) override {
    if (fail_next) {
      fail_next = false;
      return done(absl::UnavailableError("disk gone"));
    }
    writes.push_back(w);
    if (w.rules.has_value()) records.rules.push_back(*w.rules);
    if (w.closed_month.has_value()) records.months.push_back(*w.closed_month);
    if (w.contest.has_value()) {
      auto& cs = records.contests;
      cs.erase(std::remove_if(cs.begin(), cs.end(),
                              [&](const Contest& c) { return c.number == w.contest->number; }),
               cs.end());
      cs.push_back(*w.contest);
    }
    if (!w.request_id.empty()) records.requests[w.request_id] = w.resource;
    done(absl::OkStatus());
  }
  AssessmentRecords records;
  std::vector<AssessmentWrite> writes;
  bool fail_next = false;
};

template <typename T>
absl::StatusOr<T> Wait(std::function<void(AssessmentDone<T>)> call) {
  absl::StatusOr<T> result = absl::UnknownError("not answered");
  absl::Notification n;
  call([&](absl::StatusOr<T> r) {
    result = std::move(r);
    n.Notify();
  });
  n.WaitForNotification();
  return result;
}

class MonthlyAssessmentsTest : public ::testing::Test {
 protected:
  MonthlyAssessmentsTest()
      : clock_(At(2026, 7, 2)), assessments_(&scoring_, &store_, &clock_, kShanghai, &executor_) {
    EXPECT_TRUE(assessments_.Load().ok());
  }
  absl::StatusOr<MonthAssessment> Close(int month, const std::string& request_id = "") {
    return Wait<MonthAssessment>([&](auto done) {
      assessments_.CloseMonth("p", absl::CivilMonth(2026, month), "月度结账", "bureau", request_id,
                              done);
    });
  }
  absl::StatusOr<Contest> File(const std::string& item, const std::string& request_id = "") {
    Contest c;
    c.plan_id = "p";
    c.month = absl::CivilMonth(2026, 6);
    c.organization = "区交通局";
    c.item = item;
    c.reason = "submitted on paper on 2026-06-20 while the system was down";
    return Wait<Contest>(
        [&](auto done) { assessments_.FileContest(c, "o-jt reporter", request_id, done); });
  }
  absl::StatusOr<Contest> Decide(int number, bool accept, double points) {
    return Wait<Contest>([&](auto done) {
      assessments_.DecideContest("p", number, accept, points,
                                 accept ? "outage on record" : "no record", "bureau", "", done);
    });
  }
  FakeScoring scoring_;
  FakeStore store_;
  common::FakeClock clock_;
  common::SerialExecutor executor_;
  MonthlyAssessments assessments_;
};

TEST_F(MonthlyAssessmentsTest, RulesHaveRevisionsAndEveryBadInputItsCode) {
  EXPECT_EQ(assessments_.RulesFor("p").revision, 0);
  ScoringRules rules;
  rules.late_report_credit = 0.5;
  auto update = [&](ScoringRules r, int64_t expected, std::string reason, std::string plan = "p",
                    std::string request_id = "") {
    return Wait<PlanScoringRules>([&](auto done) {
      assessments_.UpdateRules(plan, r, expected, reason, "bureau", request_id, done);
    });
  };
  absl::StatusOr<PlanScoringRules> set = update(rules, 0, "考评办法 2026", "p", "req-1");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->revision, 1);
  EXPECT_EQ(set->rules.late_report_credit, 0.5);
  EXPECT_EQ(set->updated_by, "bureau");
  EXPECT_EQ(assessments_.RulesFor("p").rules, rules);
  // A retry of the same request writes nothing more.
  EXPECT_EQ(update(rules, 0, "考评办法 2026", "p", "req-1")->revision, 1);
  EXPECT_EQ(store_.writes.size(), 1u);
  EXPECT_EQ(update(rules, 0, "again").status().code(), absl::StatusCode::kAborted);
  ScoringRules bad;
  bad.weights.on_time_reporting = 2;
  absl::Status s = update(bad, -1, "x").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "rules.weights.on_time_reporting must be between 0 and 1, got 2");
  bad = ScoringRules();
  bad.lights.red_missed_reports = -1;
  s = update(bad, -1, "x").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "rules.lights.red_missed_reports must be between 1 and 12, got -1");
  // The light rules are part of the revisioned rules.
  ScoringRules lights = rules;
  lights.lights.yellow_days_before_due = 45;
  set = update(lights, 1, "黄灯提前45天");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->revision, 2);
  EXPECT_EQ(assessments_.RulesFor("p").rules.lights.yellow_days_before_due, 45);
  EXPECT_EQ(update(rules, -1, "").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(update(rules, -1, "x", "nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(MonthlyAssessmentsTest, AClosedMonthNeverChangesAndALateReportIsAnAdjustmentOfTheNext) {
  ASSERT_EQ(Close(7).status().code(), absl::StatusCode::kFailedPrecondition);  // not ended
  ASSERT_EQ(Close(5).status().code(), absl::StatusCode::kOk);                  // the first closing
  absl::StatusOr<MonthAssessment> june = Close(6, "close-june");
  ASSERT_TRUE(june.ok()) << june.status();
  EXPECT_TRUE(june->closed);
  EXPECT_EQ(june->closed_by, "bureau");
  EXPECT_EQ(june->as_of, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(june->scores.scorecards[0].components[0].facts[2].outcome, "missing");
  EXPECT_EQ(Close(6).status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(Close(6, "close-june").ok());  // the retry answers the closing
  EXPECT_EQ(store_.writes.size(), 2u);

  // The June report arrives in July, late.
  scoring_.june_report_late = true;
  absl::StatusOr<MonthAssessment> frozen = assessments_.GetMonth("p", absl::CivilMonth(2026, 6));
  ASSERT_TRUE(frozen.ok());
  EXPECT_EQ(frozen->scores.scorecards[0].components[0].facts[2].outcome, "missing");
  EXPECT_EQ(frozen->scores.lights[0].colour, Colour::kYellow);

  clock_.Set(At(2026, 8, 3));
  absl::StatusOr<MonthAssessment> july = assessments_.GetMonth("p", absl::CivilMonth(2026, 7));
  ASSERT_TRUE(july.ok()) << july.status();
  EXPECT_FALSE(july->closed);
  ASSERT_EQ(july->adjustments.size(), 2u);  // the light and the fact; the score stays 66.67
  EXPECT_EQ(july->adjustments[0].item, "light/a1-t2-m3");
  EXPECT_EQ(july->adjustments[0].before, "yellow");
  EXPECT_EQ(july->adjustments[0].after, "green");
  EXPECT_EQ(july->adjustments[1].item, "on_time_reporting/a1-t2-m3/2026-06");
  EXPECT_EQ(july->adjustments[1].before, "missing (credit 0.00)");
  EXPECT_EQ(july->adjustments[1].after, "late (credit 0.00)");
  EXPECT_EQ(july->adjustments[1].reference, "plans/p/reports/june");
  EXPECT_EQ(july->adjustments[1].corrects, absl::CivilMonth(2026, 6));

  // Closing July freezes the adjustment into July; August does not repeat it.
  absl::StatusOr<MonthAssessment> closed_july = Close(7);
  ASSERT_TRUE(closed_july.ok());
  EXPECT_EQ(closed_july->adjustments.size(), 2u);
  clock_.Set(At(2026, 9, 2));
  absl::StatusOr<MonthAssessment> august = assessments_.GetMonth("p", absl::CivilMonth(2026, 8));
  ASSERT_TRUE(august.ok());
  EXPECT_TRUE(august->adjustments.empty());
  EXPECT_EQ(assessments_.ClosedMonths("p").size(), 3u);
}

TEST_F(MonthlyAssessmentsTest, ContestsAcceptedAndRejectedAreOnRecordInTheNextOpenMonth) {
  ASSERT_TRUE(Close(6).ok());
  EXPECT_EQ(File("on_time_reporting/a1-t2-m3/2026-07").status().code(),
            absl::StatusCode::kNotFound);
  absl::StatusOr<Contest> first = File("on_time_reporting/a1-t2-m3/2026-06", "contest-1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->Name(), "plans/p/contests/1");
  EXPECT_EQ(first->state, ContestState::kPending);
  EXPECT_EQ(first->filed_by, "o-jt reporter");
  EXPECT_EQ(File("on_time_reporting/a1-t2-m3/2026-06", "contest-1")->number, 1);  // retry
  absl::Status dup = File("on_time_reporting/a1-t2-m3/2026-06").status();
  EXPECT_EQ(dup.code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(dup.message(), HasSubstr("plans/p/contests/1 already contests"));
  absl::StatusOr<Contest> second = File("light/a1-t2-m3");
  ASSERT_TRUE(second.ok());

  absl::StatusOr<Contest> accepted = Decide(1, true, 3);
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state, ContestState::kAccepted);
  EXPECT_EQ(accepted->recorded_in, absl::CivilMonth(2026, 7));
  EXPECT_EQ(Decide(1, false, 0).status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Decide(2, false, 0).ok());
  EXPECT_EQ(Decide(9, true, 1).status().code(), absl::StatusCode::kNotFound);

  clock_.Set(At(2026, 8, 3));
  absl::StatusOr<MonthAssessment> july = assessments_.GetMonth("p", absl::CivilMonth(2026, 7));
  ASSERT_TRUE(july.ok());
  ASSERT_EQ(july->decided_contests.size(), 2u);
  EXPECT_EQ(july->decided_contests[1].state, ContestState::kRejected);
  ASSERT_EQ(july->adjustments.size(), 1u);
  EXPECT_EQ(july->adjustments[0].kind, AdjustmentKind::kContest);
  EXPECT_EQ(july->adjustments[0].points, 3);
  EXPECT_EQ(july->contest_points.at("区交通局"), 3);
  // The points carry into later months; the closed June is untouched.
  ASSERT_TRUE(Close(7).ok());
  clock_.Set(At(2026, 9, 2));
  EXPECT_EQ(assessments_.GetMonth("p", absl::CivilMonth(2026, 8))->contest_points.at("区交通局"),
            3);
  EXPECT_TRUE(assessments_.GetMonth("p", absl::CivilMonth(2026, 6))->adjustments.empty());
  EXPECT_EQ(assessments_.ListContests("p", absl::CivilMonth(2026, 6), "区交通局").size(), 2u);
  EXPECT_TRUE(assessments_.ListContests("p", absl::CivilMonth(2026, 5), "").empty());
}

TEST_F(MonthlyAssessmentsTest, AFailedCommitChangesNothingAndAReloadRestoresEverything) {
  store_.fail_next = true;
  EXPECT_EQ(Close(6).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(assessments_.ClosedMonths("p").empty());
  ASSERT_TRUE(Close(6).ok());
  ASSERT_TRUE(File("light/a1-t2-m3").ok());
  MonthlyAssessments reloaded(&scoring_, &store_, &clock_, kShanghai, &executor_);
  ASSERT_TRUE(reloaded.Load().ok());
  EXPECT_EQ(reloaded.ClosedMonths("p").size(), 1u);
  EXPECT_EQ(reloaded.GetContest("p", 1)->item, "light/a1-t2-m3");
}

TEST_F(MonthlyAssessmentsTest, ARequestIdUsedForAnotherMethodIsRefusedAndARetryAnswersTheFirst) {
  ASSERT_TRUE(Close(5).ok());
  const std::string id(128, 'a');  // the longest id accepted
  absl::StatusOr<MonthAssessment> june = Close(6, id);
  ASSERT_TRUE(june.ok()) << june.status();
  EXPECT_EQ(store_.records.requests.at(id), "CloseMonth plans/p/months/2026-06");
  const std::string used = absl::StrCat("request_id \"", id,
                                        "\" was already used for CloseMonth of "
                                        "plans/p/months/2026-06; use a new request_id for a new "
                                        "request");
  absl::Status filed = File("light/a1-t2-m3", id).status();
  EXPECT_EQ(filed.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(filed.message(), used);
  EXPECT_EQ(Close(7, id).status().message(), used);  // another month: another resource
  // The retry answers the first closing, also after a reload; nothing more is written.
  const size_t writes = store_.writes.size();
  for (int round = 0; round < 2; ++round) {
    MonthlyAssessments reloaded(&scoring_, &store_, &clock_, kShanghai, &executor_);
    ASSERT_TRUE(reloaded.Load().ok());
    MonthlyAssessments& a = round == 0 ? assessments_ : reloaded;
    absl::StatusOr<MonthAssessment> again = Wait<MonthAssessment>([&](auto done) {
      a.CloseMonth("p", absl::CivilMonth(2026, 6), "月度结账", "bureau", id, done);
    });
    ASSERT_TRUE(again.ok()) << again.status();
    EXPECT_EQ(again->closed_at, june->closed_at);
  }
  EXPECT_EQ(store_.writes.size(), writes);
  EXPECT_EQ(File("light/a1-t2-m3", std::string(129, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(MonthlyAssessmentsTest, RecordsOfOlderReleasesHoldingTheResourceAloneStillAnswerRetries) {
  ASSERT_TRUE(Close(5).ok());
  ASSERT_TRUE(Close(6).ok());
  ASSERT_TRUE(File("light/a1-t2-m3").ok());
  // As an older release stored a filed contest's request: the resource alone.
  store_.records.requests["old-file"] = "plans/p/contests/1";
  MonthlyAssessments reloaded(&scoring_, &store_, &clock_, kShanghai, &executor_);
  ASSERT_TRUE(reloaded.Load().ok());
  Contest c;
  c.plan_id = "p";
  c.month = absl::CivilMonth(2026, 6);
  c.organization = "区交通局";
  c.item = "light/a1-t2-m3";
  absl::StatusOr<Contest> again =
      Wait<Contest>([&](auto done) { reloaded.FileContest(c, "o-jt reporter", "old-file", done); });
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->number, 1);
  EXPECT_EQ(LoadedAssessmentRequest("x", "plans/p/contests/1"),
            (common::RequestRecord{"x", "", "plans/p/contests/1", "", 0}));
  EXPECT_EQ(LoadedAssessmentRequest("x", "ContestItem plans/p/contests/1"),
            (common::RequestRecord{"x", "ContestItem", "plans/p/contests/1", "", 0}));
}

TEST_F(MonthlyAssessmentsTest, OpenMonthsFollowTheDataUntilToday) {
  absl::StatusOr<MonthAssessment> july = assessments_.GetMonth("p", absl::CivilMonth(2026, 7));
  ASSERT_TRUE(july.ok());
  EXPECT_EQ(july->as_of, absl::CivilDay(2026, 7, 2));  // today, not July 31
  EXPECT_EQ(assessments_.GetMonth("p", absl::CivilMonth(2026, 8)).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(assessments_.GetMonth("p", absl::CivilMonth(2026, 2)).status().message(),
            "2026-02 is before the plan was issued on 2026-03-31");
  EXPECT_EQ(assessments_.GetMonth("x", absl::CivilMonth(2026, 6)).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ecoplan::indicator
