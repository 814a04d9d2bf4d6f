// The "contest" commands: contests (申诉) of closed months' items, filed by an
// organization and decided by an administrator.

#include "absl/strings/match.h"
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
using assessment_internal::CheckMonth;
using assessment_internal::kMonth;
using assessment_internal::kReason;
using assessment_internal::kRequestId;
using assessment_internal::MonthName;
using assessment_internal::OptionalNumber;
using assessment_internal::Points;
using assessment_internal::PrintContestsTable;
using assessment_internal::RequestId;
using assessment_internal::StateWord;
using assessment_internal::Stub;
using assessment_internal::When;
using indicator_internal::Call;
using indicator_internal::Json;
using indicator_internal::kPlan;
using indicator_internal::ResolvePlan;
using indicator_internal::WithContext;

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

}  // namespace

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

// The command line.

namespace {

const FlagSpec kOrganization = {"organization", "NAME",
                                "organization, canonical name as on the scorecards (区交通局)"};

}  // namespace

CommandGroup assessment_internal::ContestGroup() {
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

}  // namespace ecoplan::ctl
