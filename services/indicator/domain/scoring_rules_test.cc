#include "services/indicator/domain/scoring_rules.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/dashboard.h"

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
  EXPECT_EQ(ScoringRulesError(rules), "");
  EXPECT_EQ(DescribeScoringRules(rules),
            "weights: on-time reporting 0.3, completion of due measures 0.3, no overdue "
            "measures 0.2, indicators on track 0.2; a late report earns 0 of an on-time one; a "
            "returned report keeps 1 of its credit; extended measures are scored against the "
            "extension's deadline");
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
  rules.weights = {0, 0, 0, 0};
  EXPECT_EQ(ScoringRulesError(rules), "weights must not all be 0");
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

}  // namespace
}  // namespace ecoplan::indicator
