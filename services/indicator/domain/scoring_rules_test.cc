#include "services/indicator/domain/scoring_rules.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/dashboard.h"
#include "services/indicator/domain/monthly_assessment.h"

namespace ecoplan::indicator {
namespace {

using ::testing::HasSubstr;

TEST(ScoringRulesTest, DefaultsAreTheRulesEcoplanAlwaysApplied) {
  const ScoringRules rules;
  EXPECT_EQ(rules.weights.on_time_reporting, 0.3);
  EXPECT_EQ(rules.weights.completion_of_due_measures, 0.3);
  EXPECT_EQ(rules.weights.no_overdue_measures, 0.2);
  EXPECT_EQ(rules.weights.indicators_on_track, 0.2);
  EXPECT_EQ(rules.late_report_credit, 0);
  EXPECT_EQ(rules.returned_report_credit, 1);
  EXPECT_EQ(rules.extensions, ExtensionScoring::kExtendedDeadline);
  EXPECT_EQ(rules.weights.checkpoints_met, 0.2);
  EXPECT_EQ(rules.late_checkpoint_credit, 0.5);
  EXPECT_EQ(rules.weights.supervision_replies, 0);  // shown, not scored
  EXPECT_EQ(ScoringRulesError(rules), "");
  EXPECT_EQ(DescribeScoringRules(rules),
            "weights: on-time reporting 0.3, completion of due measures 0.3, no overdue "
            "measures 0.2, indicators on track 0.2; a late report earns 0 of an on-time one; a "
            "returned report keeps 1 of its credit; extended measures are scored against the "
            "extension's deadline; checkpoints of measure texts met by their due day 0.2, one "
            "stated met late earns 0.5 of one met on time; supervision replies (督办单) are "
            "shown but not scored; lights: yellow 30 days before a due "
            "day and 7 days before a checkpoint of the measure text; red after 2 missed reports "
            "and when a checkpoint passed with no owner's report stating it met (yellow for 30 "
            "days when stated late)");
  EXPECT_EQ(rules.lights.yellow_days_before_due, 30);
  EXPECT_EQ(rules.lights.red_missed_reports, 2);
  EXPECT_EQ(rules.lights.yellow_days_before_checkpoint, 7);
  EXPECT_EQ(rules.lights.yellow_days_after_late_checkpoint, 30);
  ScoringRules without = rules;
  without.weights.checkpoints_met = 0;
  EXPECT_THAT(DescribeScoringRules(without),
              HasSubstr("; checkpoints of measure texts are not scored"));
  ScoringRules supervision = rules;
  supervision.weights.supervision_replies = 0.1;
  EXPECT_THAT(
      DescribeScoringRules(supervision),
      HasSubstr("; supervision replies (督办单) first given by the reply day 0.1; lights:"));
  EXPECT_FALSE(supervision == rules);
}

TEST(ScoringRulesTest, ErrorsNameTheField) {
  ScoringRules rules;
  rules.weights.no_overdue_measures = 1.5;
  EXPECT_EQ(ScoringRulesError(rules),
            "weights.no_overdue_measures must be between 0 and 1, got 1.5");
  rules = ScoringRules();
  rules.late_report_credit = std::nan("");
  EXPECT_THAT(ScoringRulesError(rules), HasSubstr("late_report_credit must be between 0 and 1"));
  rules = ScoringRules();
  rules.returned_report_credit = -0.1;
  EXPECT_THAT(ScoringRulesError(rules), HasSubstr("returned_report_credit"));
  rules = ScoringRules();
  rules.weights = {0, 0, 0, 0, 0};
  EXPECT_EQ(ScoringRulesError(rules), "weights must not all be 0");
  rules = ScoringRules();
  rules.weights = {0, 0, 0, 0, 0.5};  // checkpoints alone are a valid score
  EXPECT_EQ(ScoringRulesError(rules), "");
  rules.weights.checkpoints_met = 2;
  EXPECT_EQ(ScoringRulesError(rules), "weights.checkpoints_met must be between 0 and 1, got 2");
  rules = ScoringRules();
  rules.weights = {0, 0, 0, 0, 0, 0.4};  // supervision replies alone are a valid score
  EXPECT_EQ(ScoringRulesError(rules), "");
  rules.weights.supervision_replies = 1.2;
  EXPECT_EQ(ScoringRulesError(rules),
            "weights.supervision_replies must be between 0 and 1, got 1.2");
  rules = ScoringRules();
  rules.lights.red_missed_reports = 0;  // every measure would be red
  EXPECT_EQ(ScoringRulesError(rules), "lights.red_missed_reports must be between 1 and 12, got 0");
  rules = ScoringRules();
  rules.lights.yellow_days_before_due = -1;
  EXPECT_EQ(ScoringRulesError(rules),
            "lights.yellow_days_before_due must be between 0 and 366, got -1");
  rules = ScoringRules();
  rules.lights.yellow_days_before_checkpoint = 400;
  EXPECT_EQ(ScoringRulesError(rules),
            "lights.yellow_days_before_checkpoint must be between 0 and 366, got 400");
  rules = ScoringRules();
  rules.lights.yellow_days_after_late_checkpoint = -5;
  EXPECT_THAT(ScoringRulesError(rules), HasSubstr("lights.yellow_days_after_late_checkpoint"));
  rules = ScoringRules();
  rules.lights = {0, 12, 0, 0};  // the bounds themselves are valid
  EXPECT_EQ(ScoringRulesError(rules), "");
  rules = ScoringRules();
  rules.late_checkpoint_credit = -1;
  EXPECT_EQ(ScoringRulesError(rules), "late_checkpoint_credit must be between 0 and 1, got -1");
  rules = ScoringRules();
  rules.extensions = static_cast<ExtensionScoring>(7);
  EXPECT_THAT(ScoringRulesError(rules), HasSubstr("extensions"));
}

// One organization, one measure extended from June 30 to August 31, three
// periods: on time, late, late and returned.
class ScoringUnderRulesTest : public ::testing::Test {
 protected:
  ScoringUnderRulesTest() {
    measure_.id = "a1-t2-m3";
    measure_.due = absl::CivilDay(2026, 8, 31);
    measure_.original_due = absl::CivilDay(2026, 6, 30);
    measure_.owners = {"区交通局"};
    reports_ = {
        {"区交通局", "a1-t2-m3", absl::CivilMonth(2026, 4), ReportedStatus::kInProgress, true, 40,
         false, "plans/p/reports/r4"},
        {"区交通局", "a1-t2-m3", absl::CivilMonth(2026, 5), ReportedStatus::kInProgress, false, 50,
         false, "plans/p/reports/r5"},
        {"区交通局", "a1-t2-m3", absl::CivilMonth(2026, 6), ReportedStatus::kInProgress, false, 60,
         true, "plans/p/reports/r6"},
    };
  }
  Scorecard Score(const ScoringRules& rules, bool facts = true) const {
    const auto cards = ScoreOrganizations({measure_}, reports_, periods_, {}, as_of_, rules, facts);
    EXPECT_EQ(cards.size(), 1u);
    return cards.at(0);
  }
  MeasureInfo measure_;
  std::vector<ProgressReport> reports_;
  const std::vector<absl::CivilMonth> periods_ = {
      absl::CivilMonth(2026, 4), absl::CivilMonth(2026, 5), absl::CivilMonth(2026, 6)};
  const absl::CivilDay as_of_{2026, 7, 10};
};

TEST_F(ScoringUnderRulesTest, DefaultsCountOnlyOnTimeReportsAndTheExtendedDeadline) {
  const Scorecard card = Score(ScoringRules());
  EXPECT_NEAR(*card.components[0].rate, 1.0 / 3, 1e-12);
  // Extended to August 31: not due, not overdue.
  EXPECT_FALSE(card.components[1].rate.has_value());
  EXPECT_EQ(card.components[2].rate, 1.0);
  // (1/3 × 0.3 + 1 × 0.2) / 0.5 × 100
  EXPECT_NEAR(card.score, 60, 1e-9);
  ASSERT_EQ(card.components[0].facts.size(), 3u);
  const ScoreFact& may = card.components[0].facts[1];
  EXPECT_EQ(may.key, "on_time_reporting/a1-t2-m3/2026-05");
  EXPECT_EQ(may.role, "lead");
  EXPECT_EQ(may.outcome, "late");
  EXPECT_EQ(may.credit, 0);
  EXPECT_EQ(may.reference, "plans/p/reports/r5");
  EXPECT_EQ(may.detail, "report on a1-t2-m3 for 2026-05 submitted after its due time");
  EXPECT_EQ(card.components[0].facts[2].outcome, "late_returned");
  ASSERT_EQ(card.components[2].facts.size(), 1u);
  EXPECT_EQ(card.components[2].facts[0].detail,
            "a1-t2-m3 due 2026-08-31 (extended from 2026-06-30)");
}

TEST_F(ScoringUnderRulesTest, TheBureausRulesChangeTheCreditsAndTheDeadline) {
  ScoringRules rules;
  rules.late_report_credit = 0.5;
  rules.returned_report_credit = 0.5;
  rules.extensions = ExtensionScoring::kPlanDeadline;
  rules.weights = {0.5, 0.25, 0.25, 0};
  const Scorecard card = Score(rules);
  // 1 + 0.5 + 0.5 × 0.5 = 1.75 of 3.
  EXPECT_NEAR(*card.components[0].rate, 1.75 / 3, 1e-12);
  EXPECT_THAT(card.components[0].detail,
              HasSubstr("credit 1.75 (a late report earns 0.5, a returned one keeps 0.5"));
  EXPECT_EQ(card.components[0].facts[2].credit, 0.25);
  // Held to the plan's June 30: due, not completed, overdue.
  EXPECT_EQ(card.components[1].rate, 0.0);
  EXPECT_EQ(card.components[2].rate, 0.0);
  EXPECT_EQ(card.components[2].facts[0].outcome, "overdue");
  EXPECT_EQ(card.components[2].facts[0].detail,
            "a1-t2-m3 due 2026-06-30 (the plan's deadline; extended to 2026-08-31), passed and "
            "not completed");
  // 1.75/3 × 0.5 / 1.0 × 100
  EXPECT_NEAR(card.score, 1.75 / 3 * 50, 1e-9);
}

TEST_F(ScoringUnderRulesTest, FactsOnlyWhenAsked) {
  const Scorecard card = Score(ScoringRules(), /*facts=*/false);
  for (const ScoreComponent& c : card.components) EXPECT_TRUE(c.facts.empty()) << c.name;
}

TEST(ScoringFactsTest, IndicatorAndCompletionFactsNameTheirEvidence) {
  MeasureInfo m{"a1-t3-m7", absl::CivilDay(2026, 6, 30), {"区交通局"}};
  m.completion_confirmed = true;
  CompletionDeclaration d;
  d.name = "plans/p/measures/a1-t3-m7/completions/1";
  d.number = 1;
  d.organization = "区交通局";
  d.declared = absl::CivilDay(2026, 6, 20);
  d.state = CompletionState::kConfirmed;
  m.declaration = d;
  OwnedIndicator ind{{"区交通局"},
                     IndicatorStatus::kOffTrack,
                     "a1-t3-m7-i1",
                     "plans/p/indicators/a1-t3-m7-i1",
                     "a1-t3-m7-i1 新能源车比例: 26 % on 2026-06-25 against ≥ 30 % (off_track)"};
  const auto cards =
      ScoreOrganizations({m}, {}, {}, {ind}, absl::CivilDay(2026, 7, 1), ScoringRules(), true);
  ASSERT_EQ(cards.size(), 1u);
  const ScoreFact& done = cards[0].components[1].facts.at(0);
  EXPECT_EQ(done.key, "completion_of_due_measures/a1-t3-m7");
  EXPECT_EQ(done.outcome, "completed");
  EXPECT_EQ(done.reference, "plans/p/measures/a1-t3-m7/completions/1");
  const ScoreFact& indicator = cards[0].components[3].facts.at(0);
  EXPECT_EQ(indicator.key, "indicators_on_track/a1-t3-m7-i1");
  EXPECT_EQ(indicator.outcome, "off_track");
  EXPECT_EQ(indicator.credit, 0);
  EXPECT_THAT(indicator.detail, HasSubstr("26 % on 2026-06-25 against ≥ 30 %"));
}

// A measure led by 区交通局 with 区城管委 responsible; its text carries 按季度
// (due each quarter's end) and 5月底前. As of 2026-07-10: the first quarter
// was stated met on time by the responsible unit, 5月底前 only on 06-03 by
// the lead, the second quarter by nobody; the third has not passed.
class CheckpointScoringTest : public ::testing::Test {
 protected:
  CheckpointScoringTest() {
    measure_.id = "a1-t25-m1";
    measure_.due = absl::CivilDay(2026, 12, 31);
    measure_.owners = {"区交通局"};
    measure_.responsible = {"区城管委"};
    measure_.checkpoints = {{"按季度",
                             {absl::CivilDay(2026, 3, 31), absl::CivilDay(2026, 6, 30),
                              absl::CivilDay(2026, 9, 30), absl::CivilDay(2026, 12, 31)}},
                            {"5月底前", {absl::CivilDay(2026, 5, 31)}}};
    ProgressReport march{
        "区城管委", "a1-t25-m1", absl::CivilMonth(2026, 3), ReportedStatus::kInProgress, true,
        10,         false,       "plans/p/reports/c3"};
    march.met_checkpoints = {{absl::CivilDay(2026, 3, 31), "按季度", absl::CivilDay(2026, 3, 30)}};
    ProgressReport may{
        "区交通局", "a1-t25-m1", absl::CivilMonth(2026, 5), ReportedStatus::kInProgress, true,
        40,         false,       "plans/p/reports/t5"};
    may.met_checkpoints = {{absl::CivilDay(2026, 5, 31), "5月底前", absl::CivilDay(2026, 6, 3)}};
    reports_ = {march, may};
  }
  std::vector<Scorecard> Score(const ScoringRules& rules, absl::CivilDay as_of) const {
    return ScoreOrganizations({measure_}, reports_, {}, {}, as_of, rules, true);
  }
  static const Scorecard& Of(const std::vector<Scorecard>& cards, const std::string& org) {
    for (const Scorecard& c : cards) {
      if (c.organization == org) return c;
    }
    ADD_FAILURE() << "no scorecard of " << org;
    return cards.at(0);
  }
  static const ScoreComponent* Component(const Scorecard& card, const std::string& name) {
    for (const ScoreComponent& c : card.components) {
      if (c.name == name) return &c;
    }
    return nullptr;
  }
  MeasureInfo measure_;
  std::vector<ProgressReport> reports_;
  const absl::CivilDay as_of_{2026, 7, 10};
};

TEST_F(CheckpointScoringTest, EveryOwnerIsScoredOnEachPassedOccurrenceWithItsFacts) {
  const std::vector<Scorecard> cards = Score(ScoringRules(), as_of_);
  ASSERT_EQ(cards.size(), 2u);
  const Scorecard& lead = Of(cards, "区交通局");
  EXPECT_EQ(lead.as_lead.checkpoints_due, 3);  // Q1, 5月底前, Q2; Q3 and Q4 not passed
  EXPECT_EQ(lead.as_lead.checkpoints_met, 1);
  EXPECT_EQ(lead.as_lead.checkpoints_met_late, 1);
  EXPECT_EQ(lead.as_lead.checkpoints_missed, 1);
  EXPECT_EQ(lead.as_responsible.checkpoints_due, 0);
  const ScoreComponent* c = Component(lead, "checkpoints_met");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->weight, 0.2);
  EXPECT_EQ(c->rate, 0.5);  // (1 + 0.5 + 0) / 3
  EXPECT_EQ(c->detail,
            "1 of 3 checkpoint occurrences of measure texts passed were stated met by their due "
            "day (1 late, 1 missed); as lead 1 of 3 (1 late, 1 missed); as responsible unit 0 of "
            "0 (0 late, 0 missed); credit 1.50 (one stated met late earns 0.5)");
  ASSERT_EQ(c->facts.size(), 3u);
  EXPECT_EQ(c->facts[0], (ScoreFact{"checkpoints_met/a1-t25-m1/2026-03-31", "lead", "met", 1,
                                    "plans/p/reports/c3",
                                    "a1-t25-m1 checkpoint «按季度» of the measure text due "
                                    "2026-03-31: stated met by 区城管委 in plans/p/reports/c3 "
                                    "(report for 2026-03) submitted on 2026-03-30"}));
  EXPECT_EQ(c->facts[1], (ScoreFact{"checkpoints_met/a1-t25-m1/2026-06-30", "lead", "missed", 0, "",
                                    "a1-t25-m1 checkpoint «按季度» of the measure text due "
                                    "2026-06-30 passed: no report of an owner states it met"}));
  EXPECT_EQ(c->facts[2],
            (ScoreFact{"checkpoints_met/a1-t25-m1/2026-05-31", "lead", "met_late", 0.5,
                       "plans/p/reports/t5",
                       "a1-t25-m1 checkpoint «5月底前» of the measure text due 2026-05-31: stated "
                       "met only after its due day by 区交通局 in plans/p/reports/t5 (report for "
                       "2026-05) submitted on 2026-06-03"}));
  // The responsible unit is held to the same occurrences, as responsible work.
  const Scorecard& town = Of(cards, "区城管委");
  EXPECT_EQ(town.as_responsible.checkpoints_due, 3);
  EXPECT_EQ(town.as_lead.checkpoints_due, 0);
  const ScoreComponent* t = Component(town, "checkpoints_met");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->rate, 0.5);
  ASSERT_EQ(t->facts.size(), 3u);
  EXPECT_EQ(t->facts[1].role, "responsible");
  EXPECT_EQ(t->facts[1].outcome, "missed");
  // The score: no report due, no measure due, no indicator; every measure
  // owned is not overdue (rate 1, weight 0.2) beside checkpoints (0.5, 0.2).
  EXPECT_NEAR(lead.score, (1 * 0.2 + 0.5 * 0.2) / 0.4 * 100, 1e-9);
  // A late statement earning nothing under the bureau's rules.
  ScoringRules strict;
  strict.late_checkpoint_credit = 0;
  EXPECT_EQ(Component(Of(Score(strict, as_of_), "区交通局"), "checkpoints_met")->rate, 1.0 / 3);
}

TEST_F(CheckpointScoringTest, WithoutAPassedOccurrenceTheScoreIsTheOneOfTheFourComponents) {
  // As of 2026-03-20 no occurrence has passed: the component has no rate and
  // the score is what the four components give under 0.3/0.3/0.2/0.2.
  ScoringRules before;
  before.weights.checkpoints_met = 0;
  const std::vector<Scorecard> now = Score(ScoringRules(), absl::CivilDay(2026, 3, 20));
  const std::vector<Scorecard> then = Score(before, absl::CivilDay(2026, 3, 20));
  ASSERT_EQ(now.size(), then.size());
  for (size_t i = 0; i < now.size(); ++i) {
    EXPECT_EQ(now[i].score, then[i].score) << now[i].organization;
    const ScoreComponent* c = Component(now[i], "checkpoints_met");
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(c->rate.has_value());
    EXPECT_TRUE(c->facts.empty());
  }
  // And a plan whose texts carry no checkpoint at all, as of July.
  measure_.checkpoints.clear();
  const std::vector<Scorecard> plain = Score(ScoringRules(), as_of_);
  const std::vector<Scorecard> plain_before = Score(before, as_of_);
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(plain[0].score, plain_before[0].score);
  EXPECT_EQ(plain[1].score, plain_before[1].score);
}

TEST_F(CheckpointScoringTest, WeightZeroLeavesCheckpointsOutAndACompletedMeasureIsNotJudged) {
  ScoringRules off;
  off.weights.checkpoints_met = 0;
  for (const Scorecard& card : Score(off, as_of_)) {
    EXPECT_EQ(Component(card, "checkpoints_met"), nullptr) << card.organization;
    EXPECT_EQ(card.as_lead.checkpoints_due + card.as_responsible.checkpoints_due, 0);
  }
  measure_.completion_confirmed = true;  // as on its light: completed, not judged
  for (const Scorecard& card : Score(ScoringRules(), as_of_)) {
    EXPECT_FALSE(Component(card, "checkpoints_met")->rate.has_value()) << card.organization;
  }
}

TEST_F(CheckpointScoringTest, AClosedMonthKeepsItsCheckpointsAndAWithdrawnStatementIsAnAdjustment) {
  // June is closed with 5月底前 met late; the bureau then returns the May
  // report, which states nothing any more: the closed month keeps what it
  // said, and the next month carries the change, naming the fact.
  MonthAssessment june;
  june.plan_id = "p";
  june.month = absl::CivilMonth(2026, 6);
  june.as_of = absl::CivilDay(2026, 6, 30);
  june.closed = true;
  june.scores.scorecards = Score(ScoringRules(), june.as_of);
  reports_[1].returned = true;
  MonthScores now;
  now.scorecards = Score(ScoringRules(), june.as_of);
  std::vector<Adjustment> fixes;
  for (const Adjustment& a : Corrections(june, now)) {
    if (a.item != "score") fixes.push_back(a);
  }
  ASSERT_EQ(fixes.size(), 2u);  // the lead's and the responsible unit's fact
  EXPECT_EQ(fixes[0].item, "checkpoints_met/a1-t25-m1/2026-05-31");
  EXPECT_EQ(fixes[0].before, "met_late (credit 0.50)");
  EXPECT_EQ(fixes[0].after, "missed (credit 0.00)");
  EXPECT_EQ(fixes[0].reference, "plans/p/reports/t5");
  EXPECT_THAT(fixes[0].detail, HasSubstr("no report of an owner states it met"));
}

}  // namespace
}  // namespace ecoplan::indicator
