// The "problems" commands: problem ledgers (问题清单) — import from CSV or .xlsx,
// create, list, show, summary, and the steps start (整改), claim (申报整改完成),
// verify (核查), close (销号) and reopen (重新整改).

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/progress_commands.h"
#include "tools/ecoplanctl/progress_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace pv1 = ::ecoplan::progress::v1;

using PStub = pv1::ProgressService::StubInterface;

using progress_internal::Bind;
using progress_internal::Call;
using progress_internal::Date;
using progress_internal::Json;
using progress_internal::kOrg;
using progress_internal::kPlan;
using progress_internal::MeasureName;
using progress_internal::NewRequestId;
using progress_internal::ParseDate;
using progress_internal::ReadAll;
using progress_internal::ResolveOrg;
using progress_internal::ResolvePlan;
using progress_internal::Short;

// plans/…/problems/…, or an item id (00042) of the plan.
absl::StatusOr<std::string> ProblemName(const ProgressContext& ctx, const std::string& plan,
                                        const std::string& problem) {
  if (absl::StartsWith(problem, "plans/")) return problem;
  ECOPLAN_ASSIGN_OR_RETURN(std::string p, ResolvePlan(ctx, plan));
  return absl::StrCat(p, "/problems/", problem);
}

absl::StatusOr<pv1::ProblemCategory> ParseCategory(const std::string& text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t.empty()) return pv1::PROBLEM_CATEGORY_UNSPECIFIED;
  if (t == "outlet" || t == "drainage-outlet" || t == "排污口") {
    return pv1::PROBLEM_CATEGORY_DRAINAGE_OUTLET;
  }
  if (t == "black-odorous" || t == "黑臭水体") return pv1::PROBLEM_CATEGORY_BLACK_ODOROUS_WATER;
  if (t == "inspection" || t == "督察反馈问题" || t == "检查发现") {
    return pv1::PROBLEM_CATEGORY_INSPECTION_FINDING;
  }
  if (t == "hazard" || t == "隐患") return pv1::PROBLEM_CATEGORY_HAZARD;
  if (t == "other" || t == "其他") return pv1::PROBLEM_CATEGORY_OTHER;
  return UsageError(absl::StrCat(
      "--category is outlet (排污口), black-odorous (黑臭水体), inspection (督察反馈问题), "
      "hazard (隐患) or other (其他), not \"",
      text, "\""));
}

absl::StatusOr<pv1::ProblemState> ParseProblemState(const std::string& text) {
  const std::string t = absl::AsciiStrToLower(text);
  if (t.empty()) return pv1::PROBLEM_STATE_UNSPECIFIED;
  if (t == "open" || t == "待整改") return pv1::PROBLEM_STATE_OPEN;
  if (t == "rectifying" || t == "整改中") return pv1::PROBLEM_STATE_RECTIFYING;
  if (t == "claimed" || t == "已申报") return pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED;
  if (t == "verified" || t == "已核查") return pv1::PROBLEM_STATE_VERIFIED;
  if (t == "closed" || t == "已销号") return pv1::PROBLEM_STATE_CLOSED;
  return UsageError(
      absl::StrCat("--state is open, rectifying, claimed, verified or closed, not \"", text, "\""));
}

std::string CategoryWord(pv1::ProblemCategory c) {
  switch (c) {
    case pv1::PROBLEM_CATEGORY_DRAINAGE_OUTLET:
      return "排污口";
    case pv1::PROBLEM_CATEGORY_BLACK_ODOROUS_WATER:
      return "黑臭水体";
    case pv1::PROBLEM_CATEGORY_INSPECTION_FINDING:
      return "督察反馈问题";
    case pv1::PROBLEM_CATEGORY_HAZARD:
      return "隐患";
    case pv1::PROBLEM_CATEGORY_OTHER:
      return "其他";
    default:
      return "-";
  }
}

std::string StateWord(pv1::ProblemState s) {
  switch (s) {
    case pv1::PROBLEM_STATE_OPEN:
      return "待整改 open";
    case pv1::PROBLEM_STATE_RECTIFYING:
      return "整改中 rectifying";
    case pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED:
      return "已申报 claimed";
    case pv1::PROBLEM_STATE_VERIFIED:
      return "已核查 verified";
    case pv1::PROBLEM_STATE_CLOSED:
      return "已销号 closed";
    default:
      return "-";
  }
}

std::string Owner(const pv1::ProblemItem& i) {
  return i.organization_display_name().empty() ? Short(i.organization())
                                               : i.organization_display_name();
}

void PrintItem(const pv1::ProblemItem& i, std::ostream& out) {
  out << "problem:      " << i.name() << "  etag " << i.etag() << "\n"
      << "code:         " << i.code() << "\n"
      << "title:        " << i.title() << "\n"
      << "measure:      " << Short(i.measure()) << "\n"
      << "category:     " << CategoryWord(i.category()) << "\n"
      << "owner:        " << Owner(i) << " (" << Short(i.organization()) << ")\n"
      << "due:          " << Date(i.rectification_due_date()) << "\n"
      << "state:        " << StateWord(i.state()) << (i.overdue() ? "  OVERDUE 逾期" : "")
      << (i.reopen_count() > 0 ? absl::StrCat("  reopened ", i.reopen_count(), "x") : "") << "\n";
  if (!i.location().empty()) out << "location:     " << i.location() << "\n";
  if (!i.source().empty()) out << "source:       " << i.source() << "\n";
  if (!i.description().empty()) out << "description:  " << i.description() << "\n";
  for (const pv1::ProblemStep& s : i.steps()) {
    const std::string step = s.transition() == pv1::PROBLEM_TRANSITION_UNSPECIFIED
                                 ? "CREATED"
                                 : pv1::ProblemTransition_Name(s.transition()).substr(19);
    out << "  " << step << " → " << StateWord(s.state()) << " by " << s.actor()
        << (s.comment().empty() ? "" : ": " + s.comment()) << "\n";
    for (const std::string& e : s.evidence_links()) out << "    evidence: " << e << "\n";
  }
}

void PrintCounts(Table& table, const std::string& label, const pv1::ProblemCounts& c) {
  table.AddRow({label, absl::StrCat(c.total()), absl::StrCat(c.open()),
                absl::StrCat(c.rectifying()), absl::StrCat(c.claimed()), absl::StrCat(c.verified()),
                absl::StrCat(c.closed()), absl::StrCat(c.overdue()), absl::StrCat(c.reopened())});
}

}  // namespace

absl::Status ProblemImport(const ProgressContext& ctx, const ProblemImportArgs& args,
                           std::ostream& out) {
  pv1::ImportProblemItemsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, args.plan));
  if (!args.measure.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_measure(), MeasureName(ctx, args.plan, args.measure));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string bytes, ReadAll(args.file));
  // A workbook by its name, or by the zip archive it is (a file from stdin,
  // or saved under another name); anything else is sent as CSV.
  const bool xlsx = absl::EndsWithIgnoreCase(args.file, ".xlsx") ||
                    absl::StartsWith(bytes, absl::string_view("PK\x03\x04", 4));
  if (xlsx) {
    *request.mutable_xlsx() = std::move(bytes);
  } else {
    *request.mutable_csv() = std::move(bytes);
  }
  request.set_validate_only(args.validate_only);
  request.set_request_id(NewRequestId());
  if (ctx.notes != nullptr) *ctx.notes << "request id: " << request.request_id() << "\n";
  pv1::ImportProblemItemsResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::ImportProblemItems, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << (args.validate_only ? "checked: " : "imported: ") << response.accepted() << " of "
      << response.rows() << " rows accepted"
      << (args.validate_only ? " (nothing created, --validate-only)" : "") << "\n";
  for (const pv1::ImportRowError& e : response.errors()) {
    out << (xlsx ? "row " : "line ") << e.line() << (e.column().empty() ? "" : ", " + e.column())
        << ": " << e.message() << "\n";
  }
  if (response.items_size() > 0) {
    Table table({"problem", "code", "owner", "due", "title"});
    for (const pv1::ProblemItem& i : response.items()) {
      table.AddRow(
          {Short(i.name()), i.code(), Owner(i), Date(i.rectification_due_date()), i.title()});
    }
    table.Print(out);
  }
  return absl::OkStatus();
}

absl::Status ProblemCreate(const ProgressContext& ctx, const ProblemCreateArgs& args,
                           std::ostream& out) {
  pv1::CreateProblemItemRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, args.plan));
  pv1::ProblemItem* item = request.mutable_item();
  if (args.measure.empty()) return UsageError("--measure is required");
  ECOPLAN_ASSIGN_OR_RETURN(*item->mutable_measure(), MeasureName(ctx, args.plan, args.measure));
  item->set_code(args.code);
  item->set_title(args.title);
  item->set_description(args.description);
  item->set_location(args.location);
  item->set_source(args.source);
  ECOPLAN_ASSIGN_OR_RETURN(pv1::ProblemCategory category, ParseCategory(args.category));
  item->set_category(category);
  if (args.org.empty()) return UsageError("--org is required (the owner organization)");
  ECOPLAN_ASSIGN_OR_RETURN(*item->mutable_organization(), ResolveOrg(ctx, args.org));
  if (args.due.empty()) return UsageError("--due is required (整改期限, YYYY-MM-DD)");
  ECOPLAN_ASSIGN_OR_RETURN(*item->mutable_rectification_due_date(), ParseDate(args.due, "due"));
  request.set_request_id(NewRequestId());
  pv1::CreateProblemItemResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::CreateProblemItem, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintItem(response.item(), out);
  return absl::OkStatus();
}

absl::Status ProblemStep(const ProgressContext& ctx, const std::string& plan,
                         const std::string& problem, pv1::ProblemTransition transition,
                         const std::string& comment, const std::vector<std::string>& evidence,
                         std::ostream& out) {
  pv1::TransitionProblemItemRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ProblemName(ctx, plan, problem));
  request.set_transition(transition);
  request.set_comment(comment);
  for (const std::string& e : evidence) request.add_evidence_links(e);
  request.set_request_id(NewRequestId());
  pv1::TransitionProblemItemResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::TransitionProblemItem, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintItem(response.item(), out);
  return absl::OkStatus();
}

absl::Status ProblemShow(const ProgressContext& ctx, const std::string& plan,
                         const std::string& problem, std::ostream& out) {
  pv1::GetProblemItemRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ProblemName(ctx, plan, problem));
  pv1::GetProblemItemResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::GetProblemItem, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintItem(response.item(), out);
  return absl::OkStatus();
}

absl::Status ProblemList(const ProgressContext& ctx, const ProblemListArgs& args,
                         std::ostream& out) {
  pv1::ListProblemItemsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, args.plan));
  if (!args.measure.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_measure(), MeasureName(ctx, args.plan, args.measure));
  }
  if (!args.org.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_organization(), ResolveOrg(ctx, args.org));
  }
  ECOPLAN_ASSIGN_OR_RETURN(pv1::ProblemState state, ParseProblemState(args.state));
  request.set_state(state);
  ECOPLAN_ASSIGN_OR_RETURN(pv1::ProblemCategory category, ParseCategory(args.category));
  request.set_category(category);
  request.set_unresolved_only(args.unresolved);
  request.set_overdue_only(args.overdue);
  request.set_code(args.code);
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  pv1::ListProblemItemsResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, ctx.progress, &PStub::ListProblemItems, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"problem", "code", "measure", "owner", "due", "state", "overdue", "title"});
  table.SetMaxWidth(7, 40);
  for (const pv1::ProblemItem& i : response.items()) {
    table.AddRow({Short(i.name()), i.code(), Short(i.measure()), Owner(i),
                  Date(i.rectification_due_date()), StateWord(i.state()),
                  i.overdue() ? "逾期 yes" : "", i.title()});
  }
  table.Print(out);
  out << response.total_size() << " items\n";
  if (!response.next_page_token().empty()) {
    out << "next page: --page-token " << response.next_page_token() << "\n";
  }
  return absl::OkStatus();
}

absl::Status ProblemSummary(const ProgressContext& ctx, const std::string& plan,
                            const std::string& measure, std::ostream& out) {
  pv1::SummarizeProblemItemsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_parent(), ResolvePlan(ctx, plan));
  if (!measure.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_measure(), MeasureName(ctx, plan, measure));
  }
  pv1::SummarizeProblemItemsResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      Call(ctx, ctx.progress, &PStub::SummarizeProblemItems, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"", "total", "待整改", "整改中", "已申报", "已核查", "已销号", "逾期", "reopened"});
  for (const pv1::ProblemCounts& c : response.by_measure()) {
    PrintCounts(table, Short(c.key()), c);
  }
  for (const pv1::ProblemCounts& c : response.by_organization()) {
    PrintCounts(table, c.display_name().empty() ? Short(c.key()) : c.display_name(), c);
  }
  PrintCounts(table, "合计 total", response.total());
  table.Print(out);
  return absl::OkStatus();
}

// The command line.

CommandGroup progress_internal::ProblemsGroup() {
  CommandGroup group{
      "problems",
      "problem ledgers (问题清单): import, rectify, verify, 销号",
      {},
      "Items are named by their id (00042) within --plan, or in full\n"
      "(plans/…/problems/00042). The file of import, a CSV file or an .xlsx workbook\n"
      "(its first worksheet; picked by the .xlsx name or the zip content), has a\n"
      "header row; columns, in Chinese or English: 措施/measure, 编号/code, 名称/title,\n"
      "责任单位/organization, 整改期限/due_date (YYYY-MM-DD or YYYY/M/D),\n"
      "类别/category, 位置/location, 来源/source, 说明/description. Refused rows are listed as "
      "\"line N, column: why\"\n"
      "(\"row N\", the worksheet row, for a workbook).\n"};
  const FlagSpec measure = {"measure", "ID", "a measure of the plan (e.g. a1-t25-m3)"};
  const FlagSpec evidence = {"evidence", "URL", "an evidence link (repeatable)"};
  group.commands.push_back(
      {"import",
       "FILE [--measure M] [--validate-only] [--plan PLAN]",
       "import a problem ledger (问题清单) from a CSV file or an .xlsx workbook (- for stdin)",
       1,
       1,
       {kPlan,
        {"measure", "ID", "the measure of every row, when the file has no 措施 column"},
        {"validate-only", "", "check every row and create nothing"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ProblemImportArgs a;
         a.plan = args.Value("plan");
         a.measure = args.Value("measure");
         a.file = args.args()[0];
         a.validate_only = args.Has("validate-only");
         return ProblemImport(ctx, a, out);
       })});
  group.commands.push_back(
      {"create",
       "--measure M --code C --title T --org ORG --due YYYY-MM-DD [--category C] "
       "[--location T] [--source T] [--description T] [--plan PLAN]",
       "record one problem item (the 督查室 or the bureau)",
       0,
       0,
       {kPlan,
        measure,
        {"code", "TEXT", "the ledger's own number (编号), unique in the measure's ledger"},
        {"title", "TEXT", "what it is (名称)"},
        {"org", "NAME", "the owner organization (责任单位): leads or is responsible"},
        {"due", "YYYY-MM-DD", "rectification deadline (整改期限); a past day is accepted"},
        {"category", "KIND", "outlet (排污口), black-odorous, inspection, hazard, other"},
        {"location", "TEXT", "where (位置)"},
        {"source", "TEXT", "where it was found (来源)"},
        {"description", "TEXT", "details (说明)"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ProblemCreateArgs a;
         a.plan = args.Value("plan");
         a.measure = args.Value("measure");
         a.code = args.Value("code");
         a.title = args.Value("title");
         a.org = args.Value("org");
         a.due = args.Value("due");
         a.category = args.Value("category");
         a.location = args.Value("location");
         a.source = args.Value("source");
         a.description = args.Value("description");
         return ProblemCreate(ctx, a, out);
       })});
  group.commands.push_back(
      {"list",
       "[--measure M] [--org ORG] [--state S] [--category C] [--unresolved] [--overdue] "
       "[--code C] [--plan PLAN]",
       "problem items by id; --overdue: past their deadline (逾期), not claimed",
       0,
       0,
       {kPlan,
        measure,
        kOrg,
        {"state", "STATE", "open (待整改), rectifying, claimed, verified or closed (已销号)"},
        {"category", "KIND", "outlet (排污口), black-odorous, inspection, hazard, other"},
        {"unresolved", "", "only items not verified or closed"},
        {"overdue", "", "only overdue items"},
        {"code", "TEXT", "only the item with this code"},
        {"page-size", "N", "items per page (default 100)"},
        {"page-token", "TOKEN", "from the previous page"}},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args,
               std::ostream& out) -> absl::Status {
         ProblemListArgs a;
         a.plan = args.Value("plan");
         a.measure = args.Value("measure");
         a.org = args.Value("org");
         a.state = args.Value("state");
         a.category = args.Value("category");
         a.unresolved = args.Has("unresolved");
         a.overdue = args.Has("overdue");
         a.code = args.Value("code");
         ECOPLAN_ASSIGN_OR_RETURN(a.page_size, args.Int("page-size", 0));
         a.page_token = args.Value("page-token");
         return ProblemList(ctx, a, out);
       })});
  group.commands.push_back(
      {"show",
       "PROBLEM [--plan PLAN]",
       "a problem item with its steps",
       1,
       1,
       {kPlan},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ProblemShow(ctx, args.Value("plan"), args.args()[0], out);
       })});
  group.commands.push_back(
      {"summary",
       "[--measure M] [--plan PLAN]",
       "counts by state and overdue, per measure and per owner (台账汇总)",
       0,
       0,
       {kPlan, measure},
       Bind([](const ProgressContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return ProblemSummary(ctx, args.Value("plan"), args.Value("measure"), out);
       })});
  struct StepVerb {
    const char* verb;
    pv1::ProblemTransition transition;
    const char* summary;
    bool evidence;
  };
  for (const StepVerb& v : std::vector<StepVerb>{
           {"start", pv1::PROBLEM_TRANSITION_START_RECTIFICATION,
            "the owner starts rectifying (开始整改)", false},
           {"claim", pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED,
            "the owner claims it rectified (申报整改完成), with --evidence", true},
           {"verify", pv1::PROBLEM_TRANSITION_VERIFY,
            "the 督查室 or the bureau verifies the rectification (核查)", false},
           {"close", pv1::PROBLEM_TRANSITION_CLOSE, "close a verified item (销号)", false},
           {"reopen", pv1::PROBLEM_TRANSITION_REOPEN, "reopen (重新整改) with --comment saying why",
            false}}) {
    std::vector<FlagSpec> flags = {kPlan, {"comment", "TEXT", "comment (the reason to reopen)"}};
    if (v.evidence) flags.push_back(evidence);
    const pv1::ProblemTransition transition = v.transition;
    const bool takes_evidence = v.evidence;
    group.commands.push_back(
        {v.verb,
         absl::StrCat(
             "PROBLEM", v.evidence ? " --evidence URL..." : "",
             transition == pv1::PROBLEM_TRANSITION_REOPEN ? " --comment T" : " [--comment T]",
             " [--plan PLAN]"),
         v.summary, 1, 1, flags,
         Bind([transition, takes_evidence](const ProgressContext& ctx, const ParsedArgs& args,
                                           std::ostream& out) -> absl::Status {
           if (takes_evidence && args.Values("evidence").empty()) {
             return UsageError("give at least one --evidence URL");
           }
           if (transition == pv1::PROBLEM_TRANSITION_REOPEN && args.Value("comment").empty()) {
             return UsageError("--comment is required: why the item is reopened");
           }
           return ProblemStep(
               ctx, args.Value("plan"), args.args()[0], transition, args.Value("comment"),
               takes_evidence ? args.Values("evidence") : std::vector<std::string>(), out);
         })});
  }
  return group;
}

}  // namespace ecoplan::ctl
