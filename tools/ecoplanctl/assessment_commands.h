#pragma once

// The assessment commands of ecoplanctl (ecoplan.indicator.v1.AssessmentService,
// served by the indicator server beside IndicatorService, so they reach it with
// --indicator): the plan's scoring rules, month closing (月度结账) and contests
// (申诉). One function per command, each taking the stubs (IndicatorContext's
// `assessment`), its arguments and the output sink, so they can be tested
// against an in-process server. AssessmentCommandGroups() binds them to the
// command line as the groups "month", "contest" and "scoring".
//
// Plans default to the newest plan of the registry. A month is "YYYY-MM" or
// its resource name plans/…/months/YYYY-MM; a contest is its number within the
// plan or plans/…/contests/N. Organizations are canonical names, as on the
// scorecards (区交通局). Writes without a request id generate one and print it
// to ctx.notes, so a failed call can be retried with --request-id. Every
// function returns OK, a usage error (IsUsageError), or the failed call's
// status with its code.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tools/ecoplanctl/cli.h"
#include "tools/ecoplanctl/indicator_commands.h"

namespace ecoplan::ctl {

struct MonthShowArgs {
  std::string plan;
  std::string month;         // YYYY-MM or plans/…/months/YYYY-MM; empty = this month in Beijing
  std::string organization;  // only this organization's scorecard, lights and adjustments
  std::string facts;         // print this organization's score facts per component
  bool lights = false;       // print every measure's light (else only the counts per colour)
};
// GetMonthlyAssessment: the month's state (open or closed, as of, closed by,
// when and why), the scores (score, contest points, adjusted score) in the
// order returned, the adjustments it carries, the contests decided while it
// was open, and the lights counted per colour. Errors also: NotFound when
// `facts` names an organization without a scorecard in the month.
absl::Status MonthShow(const IndicatorContext& ctx, const MonthShowArgs& args, std::ostream& out);

// CloseMonth: freezes the month; prints it as MonthShow does. `reason` is required.
absl::Status MonthClose(const IndicatorContext& ctx, const std::string& plan,
                        const std::string& month, const std::string& reason,
                        const std::string& request_id, std::ostream& out);

// ListClosedMonths, oldest first.
absl::Status MonthList(const IndicatorContext& ctx, const std::string& plan, std::ostream& out);

struct ContestFileArgs {
  std::string plan;
  std::string month;         // a closed month, YYYY-MM or plans/…/months/YYYY-MM
  std::string organization;  // the contesting organization
  std::string item;          // a score fact key of its scorecard, or light/{measure}
  std::string reason;        // required
  std::string request_id;
};
// ContestItem: prints the pending contest.
absl::Status ContestFile(const IndicatorContext& ctx, const ContestFileArgs& args,
                         std::ostream& out);

struct ContestDecideArgs {
  std::string plan;
  std::string contest;  // N or plans/…/contests/N
  bool accept = false;
  double points = 0;    // accepted only: added to the adjusted score, -100..100
  std::string comment;  // required
  std::string request_id;
};
// DecideContest: prints the decided contest. Usage error: points with a rejection.
absl::Status ContestDecide(const IndicatorContext& ctx, const ContestDecideArgs& args,
                           std::ostream& out);

// ListContests, by number; `month` (YYYY-MM) and `organization` filter when not empty.
absl::Status ContestList(const IndicatorContext& ctx, const std::string& plan,
                         const std::string& month, const std::string& organization,
                         std::ostream& out);

// GetScoringRules: weights, credits, extensions, revision, who set them and why.
absl::Status ScoringShow(const IndicatorContext& ctx, const std::string& plan, std::ostream& out);

struct ScoringSetArgs {
  std::string plan;
  // Unset: the current value is kept.
  std::optional<double> on_time_weight;          // on_time_reporting_weight
  std::optional<double> completion_weight;       // completion_of_due_measures_weight
  std::optional<double> no_overdue_weight;       // no_overdue_measures_weight
  std::optional<double> indicators_weight;       // indicators_on_track_weight
  std::optional<double> late_credit;             // late_report_credit
  std::optional<double> returned_credit;         // returned_report_credit
  std::string extensions;                        // "" | extended | plan
  std::optional<double> checkpoints_weight;      // checkpoints_met_weight
  std::optional<double> late_checkpoint_credit;  // late_checkpoint_credit
  // light_rules
  std::optional<int> yellow_days_before_due;
  std::optional<int> red_missed_reports;
  std::optional<int> yellow_days_before_checkpoint;
  std::optional<int> yellow_days_after_late_checkpoint;
  std::string reason;  // required
  // Unset: the revision read, so a change made in between is not overwritten (ABORTED).
  std::optional<int64_t> expected_revision;
  std::string request_id;
};
// Reads the rules (GetScoringRules), changes the fields given and sends every
// rule with UpdateScoringRules; prints the rules now in force. Usage error:
// no field given, or a bad --extensions.
absl::Status ScoringSet(const IndicatorContext& ctx, const ScoringSetArgs& args, std::ostream& out);

// The command groups "month", "contest" and "scoring".
std::vector<CommandGroup> AssessmentCommandGroups();

}  // namespace ecoplan::ctl
