// The "scoring" commands: the plan's scoring rules (考评办法), read and changed
// under a revision guard.

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/assessment_commands.h"
#include "tools/ecoplanctl/assessment_common.h"
#include "tools/ecoplanctl/indicator_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

using assessment_internal::AStub;
using assessment_internal::kReason;
using assessment_internal::kRequestId;
using assessment_internal::OptionalNumber;
using assessment_internal::RequestId;
using assessment_internal::Stub;
using assessment_internal::When;
using indicator_internal::Call;
using indicator_internal::Json;
using indicator_internal::kPlan;
using indicator_internal::Number;
using indicator_internal::ResolvePlan;
using indicator_internal::WithContext;

// The --extensions word and its meaning; unset is the approved extension's day.
std::string ExtensionsText(iv1::ExtensionScoring e) {
  return e == iv1::EXTENSION_SCORING_PLAN_DEADLINE
             ? "plan (the plan's own deadline: an extension does not spare the score)"
             : "extended (the approved extension's day)";
}

// A light rule as the server answered it (always set), or its default.
std::string LightRule(bool set, int value, int fallback, const char* unit) {
  return absl::StrCat(set ? value : fallback, " ", unit);
}

// --NAME as a whole number, if given. Errors: a usage error.
absl::StatusOr<std::optional<int>> OptionalCount(const ParsedArgs& args, absl::string_view flag) {
  std::optional<std::string> text = args.Optional(flag);
  if (!text.has_value()) return std::optional<int>();
  int value = 0;
  if (!absl::SimpleAtoi(*text, &value)) {
    return UsageError(absl::StrCat("--", flag, " needs a whole number, not \"", *text, "\""));
  }
  return std::optional<int>(value);
}

void PrintRules(const iv1::PlanScoringRules& r, std::ostream& out) {
  const iv1::ScoringRules& s = r.rules();
  PrintFields(
      out, {{"Rules", r.name()},
            {"Revision", absl::StrCat(r.revision(), r.revision() == 0 ? " (defaults)" : "")},
            {"On-time weight", Number(s.on_time_reporting_weight())},
            {"Completion weight", Number(s.completion_of_due_measures_weight())},
            {"No-overdue weight", Number(s.no_overdue_measures_weight())},
            {"Indicators weight", Number(s.indicators_on_track_weight())},
            {"Late credit", Number(s.late_report_credit())},
            {"Returned credit", Number(s.returned_report_credit())},
            {"Extensions", ExtensionsText(s.extensions())},
            {"Checkpoints weight", Number(s.checkpoints_met_weight())},
            {"Late checkpoint credit", Number(s.late_checkpoint_credit())},
            {"Supervision replies weight", Number(s.supervision_replies_weight())},
            {"Yellow before due", LightRule(s.light_rules().has_yellow_days_before_due(),
                                            s.light_rules().yellow_days_before_due(), 30, "days")},
            {"Red after missed", LightRule(s.light_rules().has_red_missed_reports(),
                                           s.light_rules().red_missed_reports(), 2, "reports")},
            {"Yellow before checkpoint",
             LightRule(s.light_rules().has_yellow_days_before_checkpoint(),
                       s.light_rules().yellow_days_before_checkpoint(), 7, "days")},
            {"Yellow after late checkpoint",
             LightRule(s.light_rules().has_yellow_days_after_late_checkpoint(),
                       s.light_rules().yellow_days_after_late_checkpoint(), 30, "days")},
            {"Updated", When(r.update_time(), r.updated_by())},
            {"Reason", r.reason()},
            {"Description", s.description()}});
}

absl::StatusOr<iv1::ExtensionScoring> ParseExtensions(const std::string& text) {
  if (text == "extended") return iv1::EXTENSION_SCORING_EXTENDED_DEADLINE;
  if (text == "plan") return iv1::EXTENSION_SCORING_PLAN_DEADLINE;
  return UsageError(absl::StrCat("--extensions must be extended or plan, not \"", text, "\""));
}

}  // namespace

absl::Status ScoringShow(const IndicatorContext& ctx, const std::string& plan, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(AStub * stub, Stub(ctx));
  iv1::GetScoringRulesRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_plan(), ResolvePlan(ctx, plan));
  iv1::GetScoringRulesResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::GetScoringRules, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintRules(response.rules(), out);
  return absl::OkStatus();
}

absl::Status ScoringSet(const IndicatorContext& ctx, const ScoringSetArgs& args,
                        std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(AStub * stub, Stub(ctx));
  if (!args.on_time_weight && !args.completion_weight && !args.no_overdue_weight &&
      !args.indicators_weight && !args.late_credit && !args.returned_credit &&
      args.extensions.empty() && !args.checkpoints_weight && !args.late_checkpoint_credit &&
      !args.yellow_days_before_due && !args.red_missed_reports &&
      !args.yellow_days_before_checkpoint && !args.yellow_days_after_late_checkpoint) {
    return UsageError(
        "nothing to change: give at least one of --on-time-weight, --completion-weight, "
        "--no-overdue-weight, --indicators-weight, --late-credit, --returned-credit, "
        "--extensions, --checkpoints-weight, --late-checkpoint-credit, "
        "--yellow-days-before-due, --red-missed-reports, --yellow-days-before-checkpoint, "
        "--yellow-days-after-late-checkpoint");
  }
  if (args.reason.empty()) return UsageError("--reason is required");
  std::optional<iv1::ExtensionScoring> extensions;
  if (!args.extensions.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(extensions, ParseExtensions(args.extensions));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string plan, ResolvePlan(ctx, args.plan));

  // Read first: the rules not given keep their current values.
  iv1::GetScoringRulesRequest get;
  get.set_plan(plan);
  iv1::GetScoringRulesResponse current;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::GetScoringRules, get, &current));

  iv1::UpdateScoringRulesRequest request;
  request.set_plan(plan);
  iv1::ScoringRules* rules = request.mutable_rules();
  *rules = current.rules().rules();
  rules->clear_description();  // output only
  if (args.on_time_weight) rules->set_on_time_reporting_weight(*args.on_time_weight);
  if (args.completion_weight) rules->set_completion_of_due_measures_weight(*args.completion_weight);
  if (args.no_overdue_weight) rules->set_no_overdue_measures_weight(*args.no_overdue_weight);
  if (args.indicators_weight) rules->set_indicators_on_track_weight(*args.indicators_weight);
  if (args.late_credit) rules->set_late_report_credit(*args.late_credit);
  if (args.returned_credit) rules->set_returned_report_credit(*args.returned_credit);
  if (extensions) rules->set_extensions(*extensions);
  if (args.checkpoints_weight) rules->set_checkpoints_met_weight(*args.checkpoints_weight);
  if (args.late_checkpoint_credit) {
    rules->set_late_checkpoint_credit(*args.late_checkpoint_credit);
  }
  iv1::LightRules* lights = rules->mutable_light_rules();
  if (args.yellow_days_before_due) lights->set_yellow_days_before_due(*args.yellow_days_before_due);
  if (args.red_missed_reports) lights->set_red_missed_reports(*args.red_missed_reports);
  if (args.yellow_days_before_checkpoint) {
    lights->set_yellow_days_before_checkpoint(*args.yellow_days_before_checkpoint);
  }
  if (args.yellow_days_after_late_checkpoint) {
    lights->set_yellow_days_after_late_checkpoint(*args.yellow_days_after_late_checkpoint);
  }
  // Guard the values read: a change made in between is ABORTED rather than overwritten.
  request.set_expected_revision(args.expected_revision.value_or(current.rules().revision()));
  request.set_reason(args.reason);
  request.set_request_id(RequestId(ctx, args.request_id));
  iv1::UpdateScoringRulesResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::UpdateScoringRules, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "Revision " << current.rules().revision() << " → " << response.rules().revision()
      << "\n\n";
  PrintRules(response.rules(), out);
  return absl::OkStatus();
}

// The command line.

CommandGroup assessment_internal::ScoringGroup() {
  CommandGroup group{"scoring", "the plan's scoring rules (考评办法, AssessmentService)", {}, ""};
  group.commands.push_back(
      {"show",
       "[--plan PLAN]",
       "the plan's scoring rules and their revision",
       0,
       0,
       {kPlan},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return ScoringShow(ctx, a.Value("plan"), out);
       })});
  group.commands.push_back(
      {"set",
       "[--on-time-weight W] [--completion-weight W] [--no-overdue-weight W] "
       "[--indicators-weight W] [--late-credit X] [--returned-credit X] "
       "[--extensions extended|plan] [--checkpoints-weight W] [--late-checkpoint-credit X] "
       "[--yellow-days-before-due N] [--red-missed-reports N] [--yellow-days-before-checkpoint N] "
       "[--yellow-days-after-late-checkpoint N] "
       "--reason TEXT [--expected-revision N] [--request-id ID] "
       "[--plan PLAN]",
       "change the scoring rules given (administrators); the others keep their values",
       0,
       0,
       {kPlan,
        {"on-time-weight", "W", "scoring set: weight of the share of reports on time"},
        {"completion-weight", "W", "scoring set: weight of the share of due measures completed"},
        {"no-overdue-weight", "W", "scoring set: weight of the share of measures not overdue"},
        {"indicators-weight", "W", "scoring set: weight of the share of indicators on track"},
        {"late-credit", "X", "scoring set: share of an on-time report's credit a late one earns"},
        {"returned-credit", "X", "scoring set: factor on a returned report's credit"},
        {"extensions", "extended|plan",
         "scoring set: hold an extended measure to the extension's day or the plan's deadline"},
        {"checkpoints-weight", "W",
         "scoring set: weight of the share of checkpoints of measure texts met by their day "
         "(0: not scored)"},
        {"late-checkpoint-credit", "X",
         "scoring set: share of a checkpoint met on time's credit one stated met late earns"},
        {"yellow-days-before-due", "N",
         "scoring set: a measure not completed turns yellow N days before its due day (0..366)"},
        {"red-missed-reports", "N",
         "scoring set: an owner missing the last N reporting periods turns it red (1..12)"},
        {"yellow-days-before-checkpoint", "N",
         "scoring set: a checkpoint of the measure text turns it yellow N days before (0..366)"},
        {"yellow-days-after-late-checkpoint", "N",
         "scoring set: a checkpoint stated met late keeps it yellow N days (0..366)"},
        kReason,
        {"expected-revision", "N", "scoring set: the revision to change; default: the one read"},
        kRequestId},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a,
                      std::ostream& out) -> absl::Status {
         ScoringSetArgs args;
         args.plan = a.Value("plan");
         ECOPLAN_ASSIGN_OR_RETURN(args.on_time_weight, OptionalNumber(a, "on-time-weight"));
         ECOPLAN_ASSIGN_OR_RETURN(args.completion_weight, OptionalNumber(a, "completion-weight"));
         ECOPLAN_ASSIGN_OR_RETURN(args.no_overdue_weight, OptionalNumber(a, "no-overdue-weight"));
         ECOPLAN_ASSIGN_OR_RETURN(args.indicators_weight, OptionalNumber(a, "indicators-weight"));
         ECOPLAN_ASSIGN_OR_RETURN(args.late_credit, OptionalNumber(a, "late-credit"));
         ECOPLAN_ASSIGN_OR_RETURN(args.returned_credit, OptionalNumber(a, "returned-credit"));
         args.extensions = a.Value("extensions");
         ECOPLAN_ASSIGN_OR_RETURN(args.checkpoints_weight, OptionalNumber(a, "checkpoints-weight"));
         ECOPLAN_ASSIGN_OR_RETURN(args.late_checkpoint_credit,
                                  OptionalNumber(a, "late-checkpoint-credit"));
         ECOPLAN_ASSIGN_OR_RETURN(args.yellow_days_before_due,
                                  OptionalCount(a, "yellow-days-before-due"));
         ECOPLAN_ASSIGN_OR_RETURN(args.red_missed_reports, OptionalCount(a, "red-missed-reports"));
         ECOPLAN_ASSIGN_OR_RETURN(args.yellow_days_before_checkpoint,
                                  OptionalCount(a, "yellow-days-before-checkpoint"));
         ECOPLAN_ASSIGN_OR_RETURN(args.yellow_days_after_late_checkpoint,
                                  OptionalCount(a, "yellow-days-after-late-checkpoint"));
         args.reason = a.Value("reason");
         if (std::optional<std::string> text = a.Optional("expected-revision")) {
           int64_t revision = 0;
           if (!absl::SimpleAtoi(*text, &revision) || revision < 0) {
             return UsageError(absl::StrCat(
                 "--expected-revision needs a revision (0, 1, …), not \"", *text, "\""));
           }
           args.expected_revision = revision;
         }
         args.request_id = a.Value("request-id");
         return ScoringSet(ctx, args, out);
       })});
  group.notes =
      "Weights and credits are shares in [0, 1]; the weights need not sum to 1 (they are\n"
      "relative). The light rules are days or reporting periods; the server refuses (naming\n"
      "the field) a value out of range. scoring set reads\n"
      "the rules first and sends them with the changes, guarded by the revision read. Closed\n"
      "months keep the rules they were closed with. The server is --indicator.\n";
  return group;
}

}  // namespace ecoplan::ctl
