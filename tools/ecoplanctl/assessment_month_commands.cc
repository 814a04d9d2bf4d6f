// The "month" commands: a month's assessment (scores, adjustments, decided
// contests, lights, score facts), closing a month, and the closed months.

#include <map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/assessment_commands.h"
#include "tools/ecoplanctl/assessment_common.h"
#include "tools/ecoplanctl/indicator_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

using assessment_internal::AStub;
using assessment_internal::kMonth;
using assessment_internal::kReason;
using assessment_internal::kRequestId;
using assessment_internal::MonthName;
using assessment_internal::Points;
using assessment_internal::PrintContestsTable;
using assessment_internal::RequestId;
using assessment_internal::Stub;
using assessment_internal::When;
using assessment_internal::Word;
using indicator_internal::Call;
using indicator_internal::CheckpointsText;
using indicator_internal::Json;
using indicator_internal::kPlan;
using indicator_internal::Number;
using indicator_internal::ResolvePlan;
using indicator_internal::Short;
using indicator_internal::SupervisionText;
using indicator_internal::WithContext;

std::string KindWord(iv1::AdjustmentKind kind) {
  if (kind == iv1::ADJUSTMENT_KIND_UNSPECIFIED) return "-";
  return Word(iv1::AdjustmentKind_Name(kind), "ADJUSTMENT_KIND_");
}

std::string ColourWord(iv1::MeasureColour colour) {
  if (colour == iv1::MEASURE_COLOUR_UNSPECIFIED) return "not evaluated";
  return Word(iv1::MeasureColour_Name(colour), "MEASURE_COLOUR_");
}

std::string Score(double value) { return absl::StrFormat("%.2f", value); }

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

// One organization's score facts, component by component.
absl::Status PrintFacts(const iv1::MonthlyAssessment& a, const std::string& organization, bool wide,
                        std::ostream& out) {
  for (const iv1::Scorecard& card : a.scorecards()) {
    if (card.organization() != organization) continue;
    out << "\nFacts of " << organization << " (score " << Score(card.score()) << ")\n";
    if (const std::string s = SupervisionText(card); s != "-") out << "Supervision: " << s << "\n";
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
  Table table({"MEASURE", "COLOUR", "DUE", "COMPLETION", "CHECKPOINTS", "SUPERVISION", "REASONS"});
  if (!wide) {
    table.SetMaxWidth(4, 60);
    table.SetMaxWidth(5, 50);
    table.SetMaxWidth(6, 80);
  }
  for (const iv1::MeasureLight& l : a.measure_lights()) {
    table.AddRow({Short(l.measure()), ColourWord(l.colour()), FormatDate(l.due_date()),
                  l.counted_completed()      ? "counted completed"
                  : l.completion_confirmed() ? "confirmed, not counted"
                                             : "",
                  CheckpointsText(l), SupervisionText(l), absl::StrJoin(l.reasons(), "; ")});
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

// The command line.

namespace {

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

}  // namespace

CommandGroup assessment_internal::MonthGroup() {
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

}  // namespace ecoplan::ctl
