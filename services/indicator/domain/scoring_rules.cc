#include "services/indicator/domain/scoring_rules.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"

namespace ecoplan::indicator {

bool ScoreWeights::operator==(const ScoreWeights& o) const {
  return on_time_reporting == o.on_time_reporting &&
         completion_of_due_measures == o.completion_of_due_measures &&
         no_overdue_measures == o.no_overdue_measures &&
         indicators_on_track == o.indicators_on_track && checkpoints_met == o.checkpoints_met &&
         supervision_replies == o.supervision_replies;
}

bool LightRules::operator==(const LightRules& o) const {
  return yellow_days_before_due == o.yellow_days_before_due &&
         red_missed_reports == o.red_missed_reports &&
         yellow_days_before_checkpoint == o.yellow_days_before_checkpoint &&
         yellow_days_after_late_checkpoint == o.yellow_days_after_late_checkpoint;
}

bool ScoringRules::operator==(const ScoringRules& o) const {
  return weights == o.weights && late_report_credit == o.late_report_credit &&
         returned_report_credit == o.returned_report_credit && extensions == o.extensions &&
         late_checkpoint_credit == o.late_checkpoint_credit && lights == o.lights;
}

const char* ExtensionScoringName(ExtensionScoring scoring) {
  return scoring == ExtensionScoring::kPlanDeadline ? "plan_deadline" : "extended_deadline";
}

std::string ScoringRulesError(const ScoringRules& rules) {
  const std::vector<std::pair<const char*, double>> shares = {
      {"weights.on_time_reporting", rules.weights.on_time_reporting},
      {"weights.completion_of_due_measures", rules.weights.completion_of_due_measures},
      {"weights.no_overdue_measures", rules.weights.no_overdue_measures},
      {"weights.indicators_on_track", rules.weights.indicators_on_track},
      {"late_report_credit", rules.late_report_credit},
      {"returned_report_credit", rules.returned_report_credit},
      {"weights.checkpoints_met", rules.weights.checkpoints_met},
      {"late_checkpoint_credit", rules.late_checkpoint_credit},
      {"weights.supervision_replies", rules.weights.supervision_replies},
  };
  for (const auto& [field, value] : shares) {
    // Written so that NaN fails too.
    if (!(value >= 0 && value <= 1)) {
      return absl::StrCat(field, " must be between 0 and 1, got ", value);
    }
  }
  const ScoreWeights& w = rules.weights;
  if (w.on_time_reporting + w.completion_of_due_measures + w.no_overdue_measures +
          w.indicators_on_track + w.checkpoints_met + w.supervision_replies <=
      0) {
    return "weights must not all be 0";
  }
  struct Range {
    const char* field;
    int value, min, max;
  };
  const LightRules& l = rules.lights;
  for (const Range& r :
       {Range{"lights.yellow_days_before_due", l.yellow_days_before_due, 0, 366},
        Range{"lights.red_missed_reports", l.red_missed_reports, 1, 12},
        Range{"lights.yellow_days_before_checkpoint", l.yellow_days_before_checkpoint, 0, 366},
        Range{"lights.yellow_days_after_late_checkpoint", l.yellow_days_after_late_checkpoint, 0,
              366}}) {
    if (r.value < r.min || r.value > r.max) {
      return absl::StrCat(r.field, " must be between ", r.min, " and ", r.max, ", got ", r.value);
    }
  }
  if (rules.extensions != ExtensionScoring::kExtendedDeadline &&
      rules.extensions != ExtensionScoring::kPlanDeadline) {
    return "extensions must be EXTENDED_DEADLINE or PLAN_DEADLINE";
  }
  return "";
}

std::string DescribeLightRules(const LightRules& l) {
  return absl::StrCat("lights: yellow ", l.yellow_days_before_due, " days before a due day and ",
                      l.yellow_days_before_checkpoint,
                      " days before a checkpoint of the measure text; red after ",
                      l.red_missed_reports,
                      " missed reports and when a checkpoint passed with no owner's report "
                      "stating it met (yellow for ",
                      l.yellow_days_after_late_checkpoint, " days when stated late)");
}

std::string DescribeScoringRules(const ScoringRules& rules) {
  const ScoreWeights& w = rules.weights;
  return absl::StrCat(
      "weights: on-time reporting ", w.on_time_reporting, ", completion of due measures ",
      w.completion_of_due_measures, ", no overdue measures ", w.no_overdue_measures,
      ", indicators on track ", w.indicators_on_track, "; a late report earns ",
      rules.late_report_credit, " of an on-time one; a returned report keeps ",
      rules.returned_report_credit, " of its credit; extended measures are scored against the ",
      rules.extensions == ExtensionScoring::kPlanDeadline ? "plan's deadline"
                                                          : "extension's deadline",
      w.checkpoints_met > 0 ? absl::StrCat("; checkpoints of measure texts met by their due day ",
                                           w.checkpoints_met, ", one stated met late earns ",
                                           rules.late_checkpoint_credit, " of one met on time")
                            : "; checkpoints of measure texts are not scored",
      w.supervision_replies > 0
          ? absl::StrCat("; supervision replies (督办单) first given by the reply day ",
                         w.supervision_replies)
          : "; supervision replies (督办单) are shown but not scored",
      "; ", DescribeLightRules(rules.lights));
}

}  // namespace ecoplan::indicator
