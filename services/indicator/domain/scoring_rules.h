#pragma once

// The rules the bureau sets per plan for the department scorecards
// (区委综合考评): the weight of each component, what a late or a returned
// report earns, and which deadline an extended measure is scored against.
// The defaults are the rules ecoplan has always applied; a plan without rules
// of its own is scored by them. Pure.
//
// Defaults (ScoringRules{}):
//   weights: on_time_reporting 0.3, completion_of_due_measures 0.3,
//            no_overdue_measures 0.2, indicators_on_track 0.2;
//   late_report_credit 0      — a report first submitted after its due time
//                               earns nothing for on-time reporting;
//   returned_report_credit 1  — a report the bureau returned keeps the credit
//                               of its timeliness (the return is on the light);
//   extensions EXTENDED       — an approved extension (延期) moves the deadline
//                               the measure is scored against.

#include <string>

namespace ecoplan::indicator {

struct ScoreWeights {
  double on_time_reporting = 0.3;
  double completion_of_due_measures = 0.3;
  double no_overdue_measures = 0.2;
  double indicators_on_track = 0.2;

  bool operator==(const ScoreWeights& o) const;
};

// Which deadline an extended measure is scored against (the lights always
// show the effective one).
enum class ExtensionScoring : uint8_t {
  kExtendedDeadline = 1,  // the approved extension's day
  kPlanDeadline = 2,      // the plan's own deadline: an extension does not spare the score
};

// "extended_deadline", "plan_deadline".
const char* ExtensionScoringName(ExtensionScoring scoring);

struct ScoringRules {
  ScoreWeights weights;
  // Share of an on-time report's credit a late report earns, in [0, 1].
  double late_report_credit = 0;
  // Factor applied to the credit of a report the bureau returned, in [0, 1].
  double returned_report_credit = 1;
  ExtensionScoring extensions = ExtensionScoring::kExtendedDeadline;

  bool operator==(const ScoringRules& o) const;
};

// Empty when `rules` are valid; else what is wrong, naming the field
// ("weights.on_time_reporting must be between 0 and 1, got 1.5"). Each weight
// and credit lies in [0, 1]; the weights sum to more than 0.
std::string ScoringRulesError(const ScoringRules& rules);

// One line naming every rule, for explanations and audit:
// "weights 0.3/0.3/0.2/0.2 (on-time reporting/…); late report credit 0; …".
std::string DescribeScoringRules(const ScoringRules& rules);

}  // namespace ecoplan::indicator
