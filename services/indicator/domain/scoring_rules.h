#pragma once

// The rules the bureau sets per plan for the department scorecards
// (区委综合考评): the weight of each component, what a late or a returned
// report earns, and which deadline an extended measure is scored against.
// The defaults are the rules ecoplan has always applied; a plan without rules
// of its own is scored by them. Pure.
//
// Defaults (ScoringRules{}):
//   weights: on_time_reporting 0.3, completion_of_due_measures 0.3,
//            no_overdue_measures 0.2, indicators_on_track 0.2,
//            checkpoints_met 0.2, supervision_replies 0;
//   late_report_credit 0      — a report first submitted after its due time
//                               earns nothing for on-time reporting;
//   returned_report_credit 1  — a report the bureau returned keeps the credit
//                               of its timeliness (the return is on the light);
//   extensions EXTENDED       — an approved extension (延期) moves the deadline
//                               the measure is scored against;
//   lights: yellow_days_before_due 30, red_missed_reports 2,
//           yellow_days_before_checkpoint 7, yellow_days_after_late_checkpoint 30
//           (the colour rules of dashboard.h; a closed month keeps those it
//           was closed with, as it keeps the weights);
//   late_checkpoint_credit 0.5 — a checkpoint of a measure text stated met
//                               only after its due day earns half of one
//                               stated on time (better than never: the light
//                               shows it yellow, not red); missed earns 0.
//
// How the weights combine. Weights are relative, not shares of 1: a score is
// Σ rate × weight / Σ weights of the components present × 100, and a
// component with nothing to count (no report due, no measure due, no
// indicator judged, no checkpoint occurrence passed) is not present. So the
// checkpoint component changes nothing for an organization without a passed
// checkpoint occurrence: its score is the four other components' under the
// weights 0.3/0.3/0.2/0.2, exactly as before checkpoints were scored. Where
// occurrences have passed, the default weights are 0.3/0.3/0.2/0.2/0.2 out of
// 1.2 (25 %, 25 %, 16.7 %, 16.7 %, 16.7 %).
//
// A checkpoint weight of 0 leaves the component out altogether (no rate, no
// facts), unlike the other components, which are shown at weight 0. Rules
// set or frozen before checkpoints were scored read a weight of 0 (the field
// did not exist), so the bureau's earlier rules and the months it closed
// under them are not changed by the upgrade; the bureau sets a weight to
// start scoring checkpoints under its own rules.

#include <string>

namespace ecoplan::indicator {

// The thresholds of the measure lights (dashboard.h), set per plan with the
// scoring rules. Each in days or periods, validated by ScoringRulesError.
struct LightRules {
  // Not completed and due within this many days: yellow (0..366).
  int yellow_days_before_due = 30;
  // An owner missed (or was late for) this many of the last reporting
  // periods: red; fewer than that but at least one: yellow (1..12).
  int red_missed_reports = 2;
  // A checkpoint of the measure's text (按季度, 5月底前 …) turns it yellow this
  // many days before it is due (shorter than for the deadline: a monthly
  // checkpoint would otherwise keep the measure yellow all year) (0..366).
  int yellow_days_before_checkpoint = 7;
  // A checkpoint stated met only after its due day keeps the measure yellow
  // this many days after the statement (about one reporting period), so the
  // late statement is seen; afterwards its reason stays without colour (0..366).
  int yellow_days_after_late_checkpoint = 30;

  bool operator==(const LightRules& o) const;
};

struct ScoreWeights {
  double on_time_reporting = 0.3;
  double completion_of_due_measures = 0.3;
  double no_overdue_measures = 0.2;
  double indicators_on_track = 0.2;
  // Checkpoints of measure texts (按季度, 5月底前 …) met by their due day.
  double checkpoints_met = 0.2;
  // Supervision replies (督办单) owed whose reply day passed, first given by
  // it (component "supervision_replies_on_time"; API
  // ScoringRules.supervision_replies_weight). 0 by default: supervision is
  // shown in the scorecards but not scored, and the component is left out
  // altogether (no rate, no facts), so scores do not change until the bureau
  // sets a weight; rules set and months closed before it existed read 0.
  double supervision_replies = 0;

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
  // Share of a checkpoint met on time's credit one stated met late earns, in [0, 1].
  double late_checkpoint_credit = 0.5;
  // The measure lights' thresholds.
  LightRules lights;

  bool operator==(const ScoringRules& o) const;
};

// Empty when `rules` are valid; else what is wrong, naming the field
// ("weights.on_time_reporting must be between 0 and 1, got 1.5"). Each weight
// and credit lies in [0, 1]; the weights sum to more than 0; the light rules
// lie in the ranges given on LightRules ("lights.red_missed_reports must be
// between 1 and 12, got 0").
std::string ScoringRulesError(const ScoringRules& rules);

// The light rules in words, as explanations quote them: "lights: yellow 30
// days before a due day and 7 days before a checkpoint of the measure text;
// red after 2 missed reports and when a checkpoint passed with no owner's
// report stating it met (yellow for 30 days when stated late)".
std::string DescribeLightRules(const LightRules& lights);

// One line naming every rule (the light rules last), for explanations and audit:
// "weights 0.3/0.3/0.2/0.2 (on-time reporting/…); late report credit 0; …".
std::string DescribeScoringRules(const ScoringRules& rules);

}  // namespace ecoplan::indicator
