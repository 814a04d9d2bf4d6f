// The assessment commands (AssessmentService of the indicator server): a
// month's assessment and its closing (month), contests of closed months'
// items (contest), and the plan's scoring rules (scoring).

#include "tools/ecoplanctl/assessment_commands.h"

#include <algorithm>
#include <map>
#include <random>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/indicator_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

using AStub = iv1::AssessmentService::StubInterface;

using indicator_internal::Call;
using indicator_internal::Json;
using indicator_internal::kPlan;
using indicator_internal::Number;
using indicator_internal::ResolvePlan;
using indicator_internal::Short;
using indicator_internal::WithContext;

// The assessment stub, or FailedPrecondition when the context has none (a bug of the caller).
absl::StatusOr<AStub*> Stub(const IndicatorContext& ctx) {
  if (ctx.assessment == nullptr) {
    return absl::FailedPreconditionError("no connection to the assessment service");
  }
  return ctx.assessment;
}

std::string NewRequestId() {
  std::random_device device;
  return absl::StrFormat("ctl-%016x", (static_cast<uint64_t>(device()) << 32) | device());
}

// `given`, or a new id, printed to ctx.notes so that a failed call can be retried.
std::string RequestId(const IndicatorContext& ctx, const std::string& given) {
  if (!given.empty()) return given;
  std::string id = NewRequestId();
  if (ctx.notes != nullptr) *ctx.notes << "request id: " << id << " (retry with --request-id)\n";
  return id;
}

// "YYYY-MM". Errors: a usage error.
absl::Status CheckMonth(const std::string& text) {
  absl::CivilMonth month;
  if (text.size() != 7 || !absl::ParseCivilTime(text, &month)) {
    return UsageError(absl::StrCat("\"", text, "\" is not a month (YYYY-MM, e.g. 2026-06)"));
  }
  return absl::OkStatus();
}

// plans/…/months/YYYY-MM as given, or the plan's month YYYY-MM.
absl::StatusOr<std::string> MonthName(const IndicatorContext& ctx, const std::string& plan,
                                      const std::string& month) {
  if (absl::StartsWith(month, "plans/")) {
    if (!absl::StrContains(month, "/months/")) {
      return UsageError(absl::StrCat("\"", month, "\" is not a month (plans/…/months/YYYY-MM)"));
    }
    return month;
  }
  ECOPLAN_RETURN_IF_ERROR(CheckMonth(month));
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  return absl::StrCat(p, "/months/", month);
}

// plans/…/contests/N as given, or contest N of the plan.
absl::StatusOr<std::string> ContestName(const IndicatorContext& ctx, const std::string& plan,
                                        const std::string& contest) {
  if (absl::StartsWith(contest, "plans/")) return contest;
  int n = 0;
  if (!absl::SimpleAtoi(contest, &n) || n < 1) {
    return UsageError(absl::StrCat("\"", contest, "\" is not a contest number (1, 2, …)"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  return absl::StrCat(p, "/contests/", n);
}

// "ACCEPTED" from CONTEST_STATE_ACCEPTED, lower-cased: "accepted".
std::string Word(const std::string& enum_name, absl::string_view prefix) {
  std::string word = absl::AsciiStrToLower(absl::StripPrefix(enum_name, prefix));
  std::replace(word.begin(), word.end(), '_', ' ');
  return word;
}

std::string StateWord(iv1::ContestState state) {
  if (state == iv1::CONTEST_STATE_UNSPECIFIED) return "-";
  return Word(iv1::ContestState_Name(state), "CONTEST_STATE_");
}

std::string KindWord(iv1::AdjustmentKind kind) {
  if (kind == iv1::ADJUSTMENT_KIND_UNSPECIFIED) return "-";
  return Word(iv1::AdjustmentKind_Name(kind), "ADJUSTMENT_KIND_");
}

std::string ColourWord(iv1::MeasureColour colour) {
  if (colour == iv1::MEASURE_COLOUR_UNSPECIFIED) return "not evaluated";
  return Word(iv1::MeasureColour_Name(colour), "MEASURE_COLOUR_");
}

// The --extensions word and its meaning; unset is the approved extension's day.
std::string ExtensionsText(iv1::ExtensionScoring e) {
  return e == iv1::EXTENSION_SCORING_PLAN_DEADLINE
             ? "plan (the plan's own deadline: an extension does not spare the score)"
             : "extended (the approved extension's day)";
}

std::string Score(double value) { return absl::StrFormat("%.2f", value); }

// "+2", "-1.5", "0".
std::string Points(double value) {
  if (value == 0) return "0";
  return absl::StrCat(value > 0 ? "+" : "", Number(value));
}

// "2026-07-01T02:00:00Z by admin".
std::string When(const google::protobuf::Timestamp& time, const std::string& who) {
  std::string text = FormatTimestamp(time);
  if (!who.empty()) absl::StrAppend(&text, text.empty() ? "" : " ", "by ", who);
  return text;
}

// "224 (green 150, yellow 50, red 24)".
std::string LightCounts(const iv1::MonthlyAssessment& a) {
  std::map<int, int> counts;
  for (const iv1::MeasureLight& l : a.measure_lights()) ++counts[l.colour()];
  std::vector<std::string> parts;
  for (iv1::MeasureColour c : {iv1::MEASURE_COLOUR_GREEN, iv1::MEASURE_COLOUR_YELLOW,
                               iv1::MEASURE_COLOUR_RED, iv1::MEASURE_COLOUR_UNSPECIFIED}) {
    if (counts[c] > 0 || c != iv1::MEASURE_COLOUR_UNSPECIFIED) {
      parts.push_back(absl::StrCat(ColourWord(c), " ", counts[c]));
    }
  }
  return absl::StrCat(a.measure_lights_size(), " (", absl::StrJoin(parts, ", "), ")");
}

void PrintContestsTable(const google::protobuf::RepeatedPtrField<iv1::Contest>& contests, bool wide,
                        std::ostream& out) {
  Table table({"#", "MONTH", "ORGANIZATION", "ITEM", "STATE", "POINTS", "RECORDED IN", "REASON",
               "COMMENT"});
  if (!wide) {
    table.SetMaxWidth(7, 40);
    table.SetMaxWidth(8, 40);
  }
  for (const iv1::Contest& c : contests) {
    table.AddRow({Short(c.name()), c.month(), c.organization(), c.item(), StateWord(c.state()),
                  c.state() == iv1::CONTEST_STATE_ACCEPTED ? Points(c.points()) : "",
                  c.recorded_in_month(), c.reason(), c.comment()});
  }
  table.Print(out);
}

void PrintContest(const iv1::Contest& c, std::ostream& out) {
  const bool decided =
      c.state() == iv1::CONTEST_STATE_ACCEPTED || c.state() == iv1::CONTEST_STATE_REJECTED;
  PrintFields(out, {{"Contest", c.name()},
                    {"Month", c.month()},
                    {"Organization", c.organization()},
                    {"Item", c.item()},
                    {"State", StateWord(c.state())},
                    {"Reason", c.reason()},
                    {"Filed", When(c.file_time(), c.filed_by())},
                    {"Decided", When(c.decide_time(), c.decided_by())},
                    {"Comment", c.comment()},
                    {"Points", c.state() == iv1::CONTEST_STATE_ACCEPTED ? Points(c.points()) : ""},
                    {"Recorded in", decided ? c.recorded_in_month() : ""}});
}

// One organization's score facts, component by component.
absl::Status PrintFacts(const iv1::MonthlyAssessment& a, const std::string& organization, bool wide,
                        std::ostream& out) {
  for (const iv1::Scorecard& card : a.scorecards()) {
    if (card.organization() != organization) continue;
    out << "\nFacts of " << organization << " (score " << Score(card.score()) << ")\n";
    for (const iv1::ScoreComponent& c : card.components()) {
      out << "\n"
          << c.name() << ": " << absl::StrFormat("%.2f", c.points()) << " points (rate "
          << (c.has_rate() ? absl::StrFormat("%.3f", c.rate()) : std::string("-")) << ", weight "
          << Number(c.weight()) << ")";
      if (!c.detail().empty()) out << " — " << c.detail();
      out << "\n";
      if (c.facts().empty()) {
        out << "no facts\n";
        continue;
      }
      Table table({"KEY", "ROLE", "OUTCOME", "CREDIT", "REFERENCE", "DETAIL"});
      if (!wide) table.SetMaxWidth(5, 70);
      for (const iv1::ScoreFact& f : c.facts()) {
        table.AddRow({f.key(), f.role(), f.outcome(), absl::StrFormat("%.2f", f.credit()),
                      f.reference(), f.detail()});
      }
      table.Print(out);
    }
    return absl::OkStatus();
  }
  return absl::NotFoundError(
      absl::StrCat(organization, " has no scorecard in ", a.name(),
                   a.scorecards().empty() ? "" : " (see the scores for the names)"));
}

void PrintLights(const iv1::MonthlyAssessment& a, bool wide, std::ostream& out) {
  out << "\nLights\n";
  Table table({"MEASURE", "COLOUR", "DUE", "COMPLETION", "REASONS"});
  if (!wide) table.SetMaxWidth(4, 80);
  for (const iv1::MeasureLight& l : a.measure_lights()) {
    table.AddRow({Short(l.measure()), ColourWord(l.colour()), FormatDate(l.due_date()),
                  l.counted_completed()      ? "counted completed"
                  : l.completion_confirmed() ? "confirmed, not counted"
                                             : "",
                  absl::StrJoin(l.reasons(), "; ")});
  }
  table.Print(out);
}

void PrintAssessment(const iv1::MonthlyAssessment& a, bool wide, std::ostream& out) {
  PrintFields(out, {{"Month", a.name()},
                    {"State", a.closed() ? "closed" : "open (as the data say now)"},
                    {"As of", FormatDate(a.as_of())},
                    {"Closed", a.closed() ? When(a.close_time(), a.closed_by()) : ""},
                    {"Reason", a.reason()},
                    {"Rules", a.rules().description()},
                    {"Lights", LightCounts(a)},
                    {"Scorecards", absl::StrCat(a.scorecards_size())}});

  out << "\nScores\n";
  Table scores({"ORGANIZATION", "SCORE", "CONTEST POINTS", "ADJUSTED"});
  for (const iv1::MonthScore& s : a.scores()) {
    scores.AddRow({s.organization(), Score(s.score()), Points(s.contest_points()),
                   Score(s.adjusted_score())});
  }
  scores.Print(out);

  out << "\nAdjustments (" << a.adjustments_size() << ")\n";
  if (!a.adjustments().empty()) {
    Table adjustments({"KIND", "CORRECTS", "ORGANIZATION", "ITEM", "BEFORE → AFTER", "POINTS",
                       "REFERENCE", "DETAIL"});
    if (!wide) adjustments.SetMaxWidth(7, 60);
    for (const iv1::Adjustment& j : a.adjustments()) {
      adjustments.AddRow({KindWord(j.kind()), j.corrects_month(), j.organization(), j.item(),
                          absl::StrCat(j.before(), " → ", j.after()), Points(j.points()),
                          j.reference(), j.detail()});
    }
    adjustments.Print(out);
  }

  out << "\nDecided contests (" << a.decided_contests_size() << ")\n";
  if (!a.decided_contests().empty()) PrintContestsTable(a.decided_contests(), wide, out);
}

void PrintRules(const iv1::PlanScoringRules& r, std::ostream& out) {
  const iv1::ScoringRules& s = r.rules();
  PrintFields(out,
              {{"Rules", r.name()},
               {"Revision", absl::StrCat(r.revision(), r.revision() == 0 ? " (defaults)" : "")},
               {"On-time weight", Number(s.on_time_reporting_weight())},
               {"Completion weight", Number(s.completion_of_due_measures_weight())},
               {"No-overdue weight", Number(s.no_overdue_measures_weight())},
               {"Indicators weight", Number(s.indicators_on_track_weight())},
               {"Late credit", Number(s.late_report_credit())},
               {"Returned credit", Number(s.returned_report_credit())},
               {"Extensions", ExtensionsText(s.extensions())},
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

absl::Status MonthShow(const IndicatorContext& ctx, const MonthShowArgs& args, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(AStub * stub, Stub(ctx));
  std::string month = args.month;
  if (month.empty()) {
    month = absl::FormatCivilTime(
        absl::CivilMonth(absl::ToCivilDay(absl::Now(), absl::FixedTimeZone(8 * 3600))));
  }
  iv1::GetMonthlyAssessmentRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), MonthName(ctx, args.plan, month));
  request.set_organization(args.organization);
  iv1::GetMonthlyAssessmentResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::GetMonthlyAssessment, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintAssessment(response.assessment(), ctx.output.wide, out);
  if (args.lights) PrintLights(response.assessment(), ctx.output.wide, out);
  if (!args.facts.empty()) {
    return PrintFacts(response.assessment(), args.facts, ctx.output.wide, out);
  }
  return absl::OkStatus();
}

absl::Status MonthClose(const IndicatorContext& ctx, const std::string& plan,
                        const std::string& month, const std::string& reason,
                        const std::string& request_id, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(AStub * stub, Stub(ctx));
  if (month.empty()) return UsageError("--month is required (YYYY-MM)");
  if (reason.empty()) return UsageError("--reason is required");
  iv1::CloseMonthRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), MonthName(ctx, plan, month));
  request.set_reason(reason);
  request.set_request_id(RequestId(ctx, request_id));
  iv1::CloseMonthResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::CloseMonth, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "Closed " << response.assessment().name() << "\n\n";
  PrintAssessment(response.assessment(), ctx.output.wide, out);
  return absl::OkStatus();
}

absl::Status MonthList(const IndicatorContext& ctx, const std::string& plan, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(AStub * stub, Stub(ctx));
  iv1::ListClosedMonthsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_plan(), ResolvePlan(ctx, plan));
  iv1::ListClosedMonthsResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::ListClosedMonths, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"MONTH", "CLOSED", "BY", "ADJUSTMENTS", "CONTESTS DECIDED", "REASON"});
  for (const iv1::ClosedMonth& m : response.months()) {
    table.AddRow({Short(m.name()), FormatTimestamp(m.close_time()), m.closed_by(),
                  absl::StrCat(m.adjustment_count()), absl::StrCat(m.decided_contest_count()),
                  m.reason()});
  }
  table.Print(out);
  out << response.months_size() << " closed months\n";
  return absl::OkStatus();
}

absl::Status ContestFile(const IndicatorContext& ctx, const ContestFileArgs& args,
                         std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(AStub * stub, Stub(ctx));
  if (args.month.empty()) return UsageError("--month is required (YYYY-MM)");
  if (args.organization.empty()) return UsageError("--organization is required");
  if (args.item.empty()) return UsageError("--item is required (a fact key or light/MEASURE)");
  if (args.reason.empty()) return UsageError("--reason is required");
  iv1::ContestItemRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_month(), MonthName(ctx, args.plan, args.month));
  request.set_organization(args.organization);
  request.set_item(args.item);
  request.set_reason(args.reason);
  request.set_request_id(RequestId(ctx, args.request_id));
  iv1::ContestItemResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::ContestItem, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintContest(response.contest(), out);
  return absl::OkStatus();
}

absl::Status ContestDecide(const IndicatorContext& ctx, const ContestDecideArgs& args,
                           std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(AStub * stub, Stub(ctx));
  if (args.comment.empty()) return UsageError("--comment is required");
  if (!args.accept && args.points != 0) return UsageError("--points applies only with --accept");
  iv1::DecideContestRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ContestName(ctx, args.plan, args.contest));
  request.set_accept(args.accept);
  request.set_points(args.points);
  request.set_comment(args.comment);
  request.set_request_id(RequestId(ctx, args.request_id));
  iv1::DecideContestResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::DecideContest, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintContest(response.contest(), out);
  return absl::OkStatus();
}

absl::Status ContestList(const IndicatorContext& ctx, const std::string& plan,
                         const std::string& month, const std::string& organization,
                         std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(AStub * stub, Stub(ctx));
  if (!month.empty()) {
    ECOPLAN_RETURN_IF_ERROR(CheckMonth(month));
  }
  iv1::ListContestsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_plan(), ResolvePlan(ctx, plan));
  request.set_month(month);
  request.set_organization(organization);
  iv1::ListContestsResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, stub, &AStub::ListContests, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintContestsTable(response.contests(), ctx.output.wide, out);
  out << response.contests_size() << " contests\n";
  return absl::OkStatus();
}

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
      args.extensions.empty()) {
    return UsageError(
        "nothing to change: give at least one of --on-time-weight, --completion-weight, "
        "--no-overdue-weight, --indicators-weight, --late-credit, --returned-credit, "
        "--extensions");
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

namespace {

const FlagSpec kMonth = {"month", "YYYY-MM", "the month, e.g. 2026-06"};
const FlagSpec kOrganization = {"organization", "NAME",
                                "organization, canonical name as on the scorecards (区交通局)"};
const FlagSpec kReason = {"reason", "TEXT", "why (kept with the change); required"};
const FlagSpec kRequestId = {"request-id", "ID",
                             "idempotency key; default: generated and printed on stderr"};

// --NAME as a number, if given. Errors: a usage error.
absl::StatusOr<std::optional<double>> OptionalNumber(const ParsedArgs& args,
                                                     absl::string_view flag) {
  std::optional<std::string> text = args.Optional(flag);
  if (!text.has_value()) return std::optional<double>();
  double value = 0;
  if (!absl::SimpleAtod(*text, &value)) {
    return UsageError(absl::StrCat("--", flag, " needs a number, not \"", *text, "\""));
  }
  return std::optional<double>(value);
}

// The month from the argument or --month (not both, unless they agree).
absl::StatusOr<std::string> MonthArg(const ParsedArgs& args) {
  const std::string flag = args.Value("month");
  if (args.args().empty()) return flag;
  const std::string& arg = args.args()[0];
  if (!flag.empty() && flag != arg) {
    return UsageError(absl::StrCat("two months given: \"", arg, "\" and --month ", flag));
  }
  return arg;
}

CommandGroup MonthGroup() {
  CommandGroup group{
      "month", "monthly assessments and month closing (月度结账, AssessmentService)", {}, ""};
  group.commands.push_back(
      {"show",
       "[MONTH] [--month YYYY-MM] [--organization NAME] [--facts NAME] [--lights] [--plan PLAN]",
       "a month's state, scores, adjustments and decided contests (default: this month)",
       0,
       1,
       {kPlan,
        kMonth,
        {"organization", "NAME", "month show: only this organization's scorecard and adjustments"},
        {"facts", "NAME", "month show: also this organization's score facts per component"},
        {"lights", "", "month show: also every measure's light"}},
       WithContext(
           [](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) -> absl::Status {
             MonthShowArgs args;
             args.plan = a.Value("plan");
             ECOPLAN_ASSIGN_OR_RETURN(args.month, MonthArg(a));
             args.organization = a.Value("organization");
             args.facts = a.Value("facts");
             args.lights = a.Has("lights");
             return MonthShow(ctx, args, out);
           })});
  group.commands.push_back({"close",
                            "--month YYYY-MM --reason TEXT [--request-id ID] [--plan PLAN]",
                            "close a month (administrators): its lights and scorecards are frozen",
                            0,
                            1,
                            {kPlan, kMonth, kReason, kRequestId},
                            WithContext([](const IndicatorContext& ctx, const ParsedArgs& a,
                                           std::ostream& out) -> absl::Status {
                              ECOPLAN_ASSIGN_OR_RETURN(std::string month, MonthArg(a));
                              return MonthClose(ctx, a.Value("plan"), month, a.Value("reason"),
                                                a.Value("request-id"), out);
                            })});
  group.commands.push_back(
      {"list",
       "[--plan PLAN]",
       "the plan's closed months, oldest first",
       0,
       0,
       {kPlan},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return MonthList(ctx, a.Value("plan"), out);
       })});
  group.notes =
      "MONTH is YYYY-MM or plans/…/months/YYYY-MM. A closed month never changes: later changes to\n"
      "its data are adjustments carried by the next open month. Closing is in order, after the\n"
      "month's last day (Asia/Shanghai). The server is --indicator.\n";
  return group;
}

CommandGroup ContestGroup() {
  CommandGroup group{
      "contest", "contests (申诉) of closed months' items (AssessmentService)", {}, ""};
  group.commands.push_back(
      {"file",
       "--month YYYY-MM --organization NAME --item KEY --reason TEXT [--request-id ID] "
       "[--plan PLAN]",
       "contest an item of a closed month (a score fact key or light/MEASURE)",
       0,
       0,
       {kPlan,
        kMonth,
        kOrganization,
        {"item", "KEY", "contest file: a score fact key (month show --facts) or light/MEASURE"},
        kReason,
        kRequestId},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         ContestFileArgs args;
         args.plan = a.Value("plan");
         args.month = a.Value("month");
         args.organization = a.Value("organization");
         args.item = a.Value("item");
         args.reason = a.Value("reason");
         args.request_id = a.Value("request-id");
         return ContestFile(ctx, args, out);
       })});
  group.commands.push_back(
      {"decide",
       "N (--accept [--points X] | --reject) --comment TEXT [--request-id ID] [--plan PLAN]",
       "accept (with points for the adjusted score) or reject a pending contest (administrators)",
       1,
       1,
       {kPlan,
        {"accept", "", "contest decide: accept"},
        {"reject", "", "contest decide: reject"},
        {"points", "X", "contest decide: points added to the adjusted score, -100..100"},
        {"comment", "TEXT", "the decision's reason; required"},
        kRequestId},
       WithContext(
           [](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) -> absl::Status {
             if (a.Has("accept") == a.Has("reject")) {
               return UsageError("give one of --accept or --reject");
             }
             ContestDecideArgs args;
             args.plan = a.Value("plan");
             args.contest = a.args()[0];
             args.accept = a.Has("accept");
             ECOPLAN_ASSIGN_OR_RETURN(std::optional<double> points, OptionalNumber(a, "points"));
             args.points = points.value_or(0);
             args.comment = a.Value("comment");
             args.request_id = a.Value("request-id");
             return ContestDecide(ctx, args, out);
           })});
  group.commands.push_back(
      {"list",
       "[--month YYYY-MM] [--organization NAME] [--plan PLAN]",
       "the plan's contests, by number",
       0,
       0,
       {kPlan, kMonth, kOrganization},
       WithContext([](const IndicatorContext& ctx, const ParsedArgs& a, std::ostream& out) {
         return ContestList(ctx, a.Value("plan"), a.Value("month"), a.Value("organization"), out);
       })});
  group.notes =
      "N is the contest's number within the plan (contest list) or plans/…/contests/N. An "
      "accepted\n"
      "contest is an adjustment of the month open when decided, counted in that month's and every\n"
      "later month's adjusted score. The server is --indicator.\n";
  return group;
}

CommandGroup ScoringGroup() {
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
       "[--extensions extended|plan] --reason TEXT [--expected-revision N] [--request-id ID] "
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
      "Weights and credits are shares in [0, 1]; the weights need not sum to 1. scoring set reads\n"
      "the rules first and sends them with the changes, guarded by the revision read. Closed\n"
      "months keep the rules they were closed with. The server is --indicator.\n";
  return group;
}

}  // namespace

std::vector<CommandGroup> AssessmentCommandGroups() {
  return {MonthGroup(), ContestGroup(), ScoringGroup()};
}

}  // namespace ecoplan::ctl
