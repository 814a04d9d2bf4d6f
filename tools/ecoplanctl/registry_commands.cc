#include "tools/ecoplanctl/registry_commands.h"

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <iostream>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "common/calendar/deadline.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/channel.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;
using Stub = v1::RegistryService::StubInterface;

constexpr int kTextWidth = 48;  // measure texts and titles in tables, without --wide
constexpr int kOrgsWidth = 24;  // organization lists in tables, without --wide

bool Json(const RegistryContext& ctx) { return ctx.output.format == OutputFormat::kJson; }

// One unary call with the command's deadline.
template <typename Request, typename Response>
absl::Status Call(const RegistryContext& ctx,
                  grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                  const Request& request, Response* response) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + ctx.timeout));
  return common::FromGrpcStatus((ctx.stub->*method)(&context, request, response));
}

// Calls a List method page by page and merges the pages into `result`
// (repeated fields are appended). With `all_pages` false, one page is read
// and its next_page_token is kept for the caller to print.
template <typename Request, typename Response>
absl::Status ListPages(const RegistryContext& ctx,
                       grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
                       Request request, bool all_pages, Response* result) {
  result->Clear();
  std::set<std::string> tokens_seen;
  while (true) {
    Response page;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, method, request, &page));
    const std::string next = page.next_page_token();
    result->MergeFrom(page);
    if (!all_pages || next.empty()) break;
    if (!tokens_seen.insert(next).second) {
      return absl::InternalError("the server returned the same page token twice");
    }
    request.set_page_token(next);
  }
  if (all_pages) result->clear_next_page_token();
  return absl::OkStatus();
}

// The last segment of a resource name: plans/x/measures/a1-t3-m2 → a1-t3-m2.
std::string ShortId(absl::string_view name) {
  const size_t slash = name.rfind('/');
  return std::string(slash == absl::string_view::npos ? name : name.substr(slash + 1));
}

// A plan as the command line named it, with its year once known.
struct PlanRef {
  std::string name;
  std::optional<int> year;
};

// Resolves a PlanArg: a name, a bare id, or the newest plan.
absl::StatusOr<PlanRef> ResolvePlan(const RegistryContext& ctx, const PlanArg& arg) {
  if (!arg.plan.empty()) {
    if (absl::StartsWith(arg.plan, "plans/")) return PlanRef{arg.plan, std::nullopt};
    if (absl::StrContains(arg.plan, "/")) {
      return UsageError(absl::StrCat("\"", arg.plan, "\" is not a plan: give plans/ID or ID"));
    }
    return PlanRef{absl::StrCat("plans/", arg.plan), std::nullopt};
  }
  v1::ListPlansRequest request;
  request.set_page_size(1);
  v1::ListPlansResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ListPlans, request, &response));
  if (response.plans().empty()) {
    return absl::NotFoundError(
        "no plan has been imported yet; import one with: ecoplanctl plan import FILE");
  }
  return PlanRef{response.plans(0).name(), response.plans(0).year()};
}

absl::StatusOr<int> PlanYear(const RegistryContext& ctx, PlanRef& plan) {
  if (!plan.year.has_value()) {
    v1::GetPlanRequest request;
    request.set_name(plan.name);
    v1::GetPlanResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetPlan, request, &response));
    plan.year = response.plan().year();
  }
  return *plan.year;
}

// The resource name of a child of a plan given as "a1-t3" or in full.
absl::StatusOr<std::string> ChildName(const RegistryContext& ctx, const PlanArg& plan,
                                      absl::string_view collection, absl::string_view id) {
  if (absl::StartsWith(id, "plans/")) return std::string(id);
  if (id.empty() || absl::StrContains(id, "/")) {
    return UsageError(absl::StrCat("\"", id, "\" is not a ", collection, " id such as a1-t3"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef ref, ResolvePlan(ctx, plan));
  return absl::StrCat(ref.name, "/", collection, "/", id);
}

cv1::Date ToDate(absl::CivilDay day) {
  cv1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

// --due-before / --due-after: YYYY-MM-DD, or deadline words resolved against
// the plan year. For a window ("6-9月"), --due-after takes its first day and
// --due-before its last.
absl::StatusOr<cv1::Date> ParseDueFlag(const RegistryContext& ctx, PlanRef& plan,
                                       absl::string_view flag, absl::string_view text,
                                       bool first_day) {
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &day)) return ToDate(day);
  ECOPLAN_ASSIGN_OR_RETURN(int year, PlanYear(ctx, plan));
  const common::ResolvedDeadline resolved = common::ResolveDeadline(text, year);
  if (first_day && resolved.window_start.has_value()) return ToDate(*resolved.window_start);
  if (resolved.due.has_value()) return ToDate(*resolved.due);
  return UsageError(absl::StrCat("--", flag, " \"", text,
                                 "\" is not a date: give YYYY-MM-DD or deadline words such as "
                                 "6月底前 or 年底前"));
}

absl::StatusOr<v1::MeasureFilter> BuildFilter(const RegistryContext& ctx, PlanRef& plan,
                                              const FilterArgs& args) {
  v1::MeasureFilter filter;
  if (args.annex < 0) return UsageError("--annex must be a positive annex number");
  filter.set_annex_number(args.annex);
  filter.set_section_id(args.section);
  filter.set_organization(args.org);
  if (args.role.empty() || args.role == "either") {
    filter.set_role(v1::ORG_ROLE_UNSPECIFIED);
  } else if (args.role == "lead") {
    filter.set_role(v1::ORG_ROLE_LEAD);
  } else if (args.role == "responsible") {
    filter.set_role(v1::ORG_ROLE_RESPONSIBLE);
  } else {
    return UsageError(
        absl::StrCat("--role must be lead, responsible or either, not \"", args.role, "\""));
  }
  if (!args.role.empty() && args.org.empty()) return UsageError("--role needs --org");
  if (!args.due_before.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*filter.mutable_due_before(),
                             ParseDueFlag(ctx, plan, "due-before", args.due_before, false));
  }
  if (!args.due_after.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*filter.mutable_due_after(),
                             ParseDueFlag(ctx, plan, "due-after", args.due_after, true));
  }
  if (args.deadline_kind.empty()) {
  } else if (args.deadline_kind == "due") {
    filter.set_deadline_kind(cv1::DEADLINE_KIND_DUE_DATE);
  } else if (args.deadline_kind == "window") {
    filter.set_deadline_kind(cv1::DEADLINE_KIND_WINDOW);
  } else if (args.deadline_kind == "ongoing") {
    filter.set_deadline_kind(cv1::DEADLINE_KIND_ONGOING);
  } else if (args.deadline_kind == "unresolved") {
    filter.set_deadline_kind(cv1::DEADLINE_KIND_UNRESOLVED);
  } else {
    return UsageError(
        absl::StrCat("--deadline-kind must be due, window, ongoing or unresolved, not \"",
                     args.deadline_kind, "\""));
  }
  if (args.featured.has_value()) filter.set_featured(*args.featured);
  filter.set_text_contains(args.contains);
  if (args.origin.empty()) {
  } else if (args.origin == "document") {
    filter.set_origin(v1::TASK_ORIGIN_DOCUMENT);
  } else if (args.origin == "supervision") {
    filter.set_origin(v1::TASK_ORIGIN_SUPERVISION);
  } else {
    return UsageError(
        absl::StrCat("--origin must be document or supervision, not \"", args.origin, "\""));
  }
  return filter;
}

// ---------------------------------------------------------------------------
// Formatting

std::string OrgNames(const google::protobuf::RepeatedPtrField<v1::OrgRef>& refs) {
  std::vector<std::string> names;
  for (const auto& ref : refs) names.push_back(ref.written_name());
  return absl::StrJoin(names, "、");
}

// An organization reference in full: what the written name stands for.
std::string OrgRefDetail(const v1::OrgRef& ref) {
  if (ref.has_group()) {
    std::string members = ref.members().empty()
                              ? "members not named yet"
                              : absl::StrCat("members: ", absl::StrJoin(ref.members(), "、"));
    return absl::StrCat(ref.written_name(), " (group; ", members, ")");
  }
  if (!ref.organization().empty()) {
    return absl::StrCat(ref.written_name(), " (", ref.organization(), ")");
  }
  return ref.written_name();
}

std::string OrgRefsDetail(const google::protobuf::RepeatedPtrField<v1::OrgRef>& refs) {
  if (refs.empty()) return "——";
  std::vector<std::string> lines;
  for (const auto& ref : refs) lines.push_back(OrgRefDetail(ref));
  return absl::StrJoin(lines, "\n");
}

std::string Lines(const cv1::SourceSpan& span) {
  if (span.first_line() == 0) return "";
  if (span.last_line() <= span.first_line()) return absl::StrCat("line ", span.first_line());
  return absl::StrCat("lines ", span.first_line(), "-", span.last_line());
}

std::string SectionOf(absl::string_view section, absl::string_view subsection) {
  return std::string(subsection.empty() ? section : subsection);
}

std::string OriginWord(v1::TaskOrigin origin) {
  switch (origin) {
    case v1::TASK_ORIGIN_DOCUMENT:
      return "document";
    case v1::TASK_ORIGIN_SUPERVISION:
      return "supervision";
    default:
      return "unspecified";
  }
}

std::string KindWord(v1::OrganizationKind kind) {
  switch (kind) {
    case v1::ORGANIZATION_KIND_DEPARTMENT:
      return "department";
    case v1::ORGANIZATION_KIND_MANAGEMENT_BODY:
      return "management";
    case v1::ORGANIZATION_KIND_TOWN:
      return "town";
    case v1::ORGANIZATION_KIND_STREET:
      return "street";
    default:
      return "unspecified";
  }
}

std::string GroupKindWord(v1::OrgGroupKind kind) {
  switch (kind) {
    case v1::ORG_GROUP_KIND_ALL_TOWNS:
      return "every town and street";
    case v1::ORG_GROUP_KIND_RELATED_TOWNS:
      return "related towns, to be named";
    case v1::ORG_GROUP_KIND_RELATED_DEPARTMENTS:
      return "related departments, to be named";
    case v1::ORG_GROUP_KIND_ALL_DEPARTMENTS:
      return "every district department";
    default:
      return "group";
  }
}

std::string Indent(absl::string_view text, int spaces) {
  const std::string prefix(static_cast<size_t>(spaces), ' ');
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    lines.push_back(absl::StrCat(prefix, line));
  }
  return absl::StrJoin(lines, "\n");
}

Table MeasureTable(const RegistryContext& ctx) {
  Table table({"ID", "DEADLINE", "★", "LEADS", "RESPONSIBLES", "TEXT"});
  if (!ctx.output.wide) {
    table.SetMaxWidth(3, kOrgsWidth);
    table.SetMaxWidth(4, kOrgsWidth);
    table.SetMaxWidth(5, kTextWidth);
  }
  return table;
}

void AddMeasureRow(Table& table, const v1::Measure& m) {
  table.AddRow({ShortId(m.name()), FormatDeadline(m.deadline()), m.featured() ? "★" : "",
                OrgNames(m.lead_organizations()), OrgNames(m.responsible_organizations()),
                m.text()});
}

// "按季度: 2026-06-30, 2026-09-30, 2026-12-31"; "5月底前: 2026-05-31"; "两轮次: 2 rounds by …".
std::string FormatCheckpoint(const v1::Checkpoint& c) {
  switch (c.kind()) {
    case v1::CHECKPOINT_KIND_DUE:
      return absl::StrCat(c.phrase(), ": ", FormatDate(c.due_date()));
    case v1::CHECKPOINT_KIND_WINDOW:
      return absl::StrCat(c.phrase(), ": ", FormatDate(c.window_start()), "..",
                          FormatDate(c.due_date()));
    case v1::CHECKPOINT_KIND_RECURRING: {
      std::vector<std::string> days;
      for (const auto& day : c.due_dates()) days.push_back(FormatDate(day));
      return absl::StrCat(c.phrase(), ": ", days.empty() ? "none left" : absl::StrJoin(days, ", "));
    }
    case v1::CHECKPOINT_KIND_ROUNDS:
      return absl::StrCat(c.phrase(), ": ", c.rounds(), " round(s) by ", FormatDate(c.due_date()));
    default:
      return c.phrase();
  }
}

std::string FormatCheckpoints(const v1::Measure& m) {
  std::vector<std::string> parts;
  for (const auto& c : m.checkpoints()) parts.push_back(FormatCheckpoint(c));
  std::string out = absl::StrJoin(parts, "; ");
  if (m.checkpoints_corrected()) absl::StrAppend(&out, out.empty() ? "" : " ", "(corrected)");
  return out;
}

// A measure in full, every field on its own line; `context` adds the task's
// title, annex and section.
void PrintMeasure(const v1::Measure& m, std::ostream& out, int indent, bool context = false) {
  out << std::string(static_cast<size_t>(indent), ' ') << ShortId(m.name())
      << (m.featured() ? "  ★ featured" : "") << '\n';
  std::vector<std::pair<std::string, std::string>> fields = {
      {"Name", m.name()},
      {"Deadline", FormatDeadline(m.deadline())},
      {"Checkpoints", FormatCheckpoints(m)},
      {"Leads", OrgRefsDetail(m.lead_organizations())},
      {"Responsible", OrgRefsDetail(m.responsible_organizations())},
      {"Source", Lines(m.source())},
      {"Revision", m.revision() > 0 ? absl::StrCat(m.revision()) : ""},
      {"Updated", FormatTimestamp(m.update_time())},
      {"Etag", m.etag()}};
  if (context) {
    fields.insert(fields.begin() + 1,
                  {{"Task", absl::StrCat(ShortId(m.task()), "  ", m.task_title())},
                   {"Annex", m.annex_number() > 0 ? absl::StrCat(m.annex_number()) : ""},
                   {"Section", SectionOf(m.section_id(), m.subsection_id())}});
  }
  PrintFields(out, fields, indent + 2);
  out << std::string(static_cast<size_t>(indent + 2), ' ') << "Text:\n"
      << Indent(m.text(), indent + 4) << '\n';
}

void PrintTask(const v1::Task& task, std::ostream& out) {
  out << "Task " << ShortId(task.name()) << '\n';
  PrintFields(out,
              {{"Name", task.name()},
               {"Origin", OriginWord(task.origin())},
               {"Annex", task.annex_number() > 0 ? absl::StrCat(task.annex_number()) : ""},
               {"Section", SectionOf(task.section_id(), task.subsection_id())},
               {"Number", task.sequence_number() > 0 ? absl::StrCat(task.sequence_number()) : ""},
               {"Title", task.title()},
               {"Source", Lines(task.source())},
               {"Assigned by", task.assigned_by()},
               {"Description", task.description()},
               {"Created", FormatTimestamp(task.create_time())},
               {"Etag", task.etag()}},
              2);
  out << "Measures (" << task.measures_size() << "):\n";
  for (const auto& measure : task.measures()) {
    out << '\n';
    PrintMeasure(measure, out, 2);
  }
}

void PrintPlanMetadata(const v1::Plan& plan, std::ostream& out) {
  std::string supersedes = plan.supersedes_document_number();
  if (!plan.supersedes_title().empty()) {
    supersedes = absl::StrCat(supersedes, supersedes.empty() ? "" : " ", "《",
                              plan.supersedes_title(), "》");
  }
  PrintFields(out, {{"Name", plan.name()},
                    {"Title", plan.title()},
                    {"Document number", plan.document_number()},
                    {"Issuer", plan.issuer()},
                    {"District", plan.district()},
                    {"Issue date", FormatDate(plan.issue_date())},
                    {"Year", plan.year() > 0 ? absl::StrCat(plan.year()) : ""},
                    {"Supersedes", supersedes},
                    {"Reporting rule", plan.reporting_rule_text()},
                    {"Reporting due day",
                     plan.reporting_due_day() > 0 ? absl::StrCat(plan.reporting_due_day()) : ""},
                    {"Reporting recipient", plan.reporting_recipient()},
                    {"Time zone", plan.time_zone()},
                    {"SHA-256", plan.source_sha256()},
                    {"Imported", FormatTimestamp(plan.import_time())}});
}

void PrintSummary(const v1::PlanSummary& s, std::ostream& out) {
  out << "Summary:\n";
  PrintFields(
      out,
      {{"Annexes", absl::StrCat(s.annex_count())},
       {"Sections", absl::StrCat(s.section_count())},
       {"Subsections", absl::StrCat(s.subsection_count())},
       {"Tasks", absl::StrCat(s.task_count())},
       {"Measures", absl::StrCat(s.measure_count())},
       {"Featured (★)", absl::StrCat(s.featured_measure_count())},
       {"Organizations", absl::StrCat(s.organization_count())},
       {"Deadlines", absl::StrFormat("due %d, window %d, ongoing %d, unresolved %d",
                                     s.due_date_deadline_count(), s.window_deadline_count(),
                                     s.ongoing_deadline_count(), s.unresolved_deadline_count())},
       {"Indicator tables", absl::StrCat(s.indicator_table_count())},
       {"Supervision tasks", absl::StrCat(s.supervision_task_count())},
       {"Warnings", absl::StrCat(s.warning_count())}},
      2, /*skip_empty=*/false);
}

void PrintWarnings(const v1::Plan& plan, std::ostream& out) {
  out << "Warnings (" << plan.warnings_size() << ")" << (plan.warnings().empty() ? "" : ":")
      << '\n';
  if (plan.warnings().empty()) return;
  Table table({"  LINE", "CODE", "MESSAGE"});
  for (const auto& w : plan.warnings()) {
    table.AddRow({absl::StrCat("  ", w.line()), w.code(), w.message()});
  }
  table.Print(out);
}

void PrintAnnexes(const v1::Plan& plan, std::ostream& out) {
  out << "Annexes (" << plan.annexes_size() << "):\n";
  for (const auto& annex : plan.annexes()) {
    out << "  附件" << annex.number() << "  " << annex.title();
    const std::string lines = Lines(annex.source());
    if (!lines.empty()) out << "  (" << lines << ")";
    out << '\n';
    for (const auto& section : annex.sections()) {
      out << "    " << section.id() << "  " << section.number() << "、" << section.title() << '\n';
      for (const auto& sub : section.subsections()) {
        out << "      " << sub.id() << "  " << sub.number() << sub.title() << '\n';
      }
    }
    if (annex.indicator_tables_size() > 0) {
      out << "    " << annex.indicator_tables_size() << " indicator table(s)\n";
    }
  }
}

std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> result;
  for (absl::string_view part : absl::StrSplit(text, absl::ByAnyChar(","))) {
    // Also accept the Chinese enumeration comma 、 and the fullwidth comma ，.
    for (absl::string_view p1 : absl::StrSplit(part, "、")) {
      for (absl::string_view p2 : absl::StrSplit(p1, "，")) {
        absl::string_view name = absl::StripAsciiWhitespace(p2);
        if (!name.empty() && name != "——") result.emplace_back(name);
      }
    }
  }
  return result;
}

std::string RandomRequestId() {
  std::random_device device;
  std::mt19937_64 generator((static_cast<uint64_t>(device()) << 32) ^ device());
  return absl::StrFormat("ctl-%016x%016x", generator(), generator());
}

// Prints a merged ListMeasuresResponse.
absl::Status PrintMeasures(const RegistryContext& ctx, const v1::ListMeasuresResponse& response,
                           std::ostream& out) {
  if (Json(ctx)) return PrintJson(response, out);
  Table table = MeasureTable(ctx);
  for (const auto& measure : response.measures()) AddMeasureRow(table, measure);
  table.Print(out);
  out << response.measures_size() << " of " << response.total_size() << " measures\n";
  if (!response.next_page_token().empty()) {
    out << "next page: --page-token " << response.next_page_token() << '\n';
  }
  return absl::OkStatus();
}

}  // namespace

// ---------------------------------------------------------------------------
// plan

absl::Status PlanImport(const RegistryContext& ctx, const PlanImportArgs& args, std::ostream& out) {
  std::string text;
  if (args.file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream file(args.file, std::ios::binary);
    if (!file) return absl::NotFoundError(absl::StrCat("cannot read ", args.file));
    text.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    if (file.bad()) return absl::DataLossError(absl::StrCat("error reading ", args.file));
  }
  v1::ImportPlanRequest request;
  request.set_document_text(std::move(text));
  request.set_validate_only(args.validate_only);
  request.set_request_id(args.request_id);
  v1::ImportPlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ImportPlan, request, &response));
  if (Json(ctx)) return PrintJson(response, out);

  const v1::Plan& plan = response.plan();
  if (response.already_imported()) {
    out << "Already imported: " << plan.name() << " (same sha256; nothing changed)\n";
  } else if (args.validate_only) {
    out << "Validated: " << plan.name() << " (validate only; nothing written)\n";
  } else {
    out << "Imported: " << plan.name() << '\n';
  }
  PrintPlanMetadata(plan, out);
  PrintSummary(plan.summary(), out);
  PrintWarnings(plan, out);
  return absl::OkStatus();
}

absl::Status PlanList(const RegistryContext& ctx, std::ostream& out) {
  v1::ListPlansResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      ListPages(ctx, &Stub::ListPlans, v1::ListPlansRequest(), /*all_pages=*/true, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"NAME", "YEAR", "DOCUMENT", "TITLE", "MEASURES", "WARNINGS", "IMPORTED"});
  for (const auto& plan : response.plans()) {
    table.AddRow({plan.name(), absl::StrCat(plan.year()), plan.document_number(), plan.title(),
                  absl::StrCat(plan.summary().measure_count()),
                  absl::StrCat(plan.summary().warning_count()),
                  FormatTimestamp(plan.import_time())});
  }
  table.Print(out);
  out << response.plans_size() << " plans\n";
  return absl::OkStatus();
}

absl::Status PlanShow(const RegistryContext& ctx, const PlanArg& plan_arg, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef ref, ResolvePlan(ctx, plan_arg));
  v1::GetPlanRequest request;
  request.set_name(ref.name);
  v1::GetPlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetPlan, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const v1::Plan& plan = response.plan();
  PrintPlanMetadata(plan, out);
  PrintAnnexes(plan, out);
  PrintSummary(plan.summary(), out);
  PrintWarnings(plan, out);
  return absl::OkStatus();
}

absl::Status PlanExport(const RegistryContext& ctx, const PlanExportArgs& args, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef ref, ResolvePlan(ctx, args.plan));
  v1::ExportPlanRequest request;
  request.set_name(ref.name);
  v1::ExportPlanResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ExportPlan, request, &response));
  // Always JSON: the export is meant for other programs.
  ECOPLAN_ASSIGN_OR_RETURN(std::string json, ToJson(response, /*pretty=*/true));
  if (args.out_file.empty()) {
    out << json << '\n';
    return absl::OkStatus();
  }
  std::ofstream file(args.out_file, std::ios::binary | std::ios::trunc);
  file << json << '\n';
  file.close();
  if (!file) return absl::PermissionDeniedError(absl::StrCat("cannot write ", args.out_file));
  if (ctx.notes != nullptr) {
    *ctx.notes << "exported " << ref.name << " (" << response.tasks_size() << " tasks, "
               << response.organizations_size() << " organizations) to " << args.out_file << '\n';
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// tasks and measures

absl::Status TasksList(const RegistryContext& ctx, const ListArgs& args, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef plan, ResolvePlan(ctx, args.plan));
  v1::ListTasksRequest request;
  request.set_parent(plan.name);
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_filter(), BuildFilter(ctx, plan, args.filter));
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  const bool all_pages = args.page_size == 0 && args.page_token.empty();
  v1::ListTasksResponse response;
  ECOPLAN_RETURN_IF_ERROR(ListPages(ctx, &Stub::ListTasks, request, all_pages, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"ID", "ANNEX", "SECTION", "TITLE", "MEASURES"});
  if (!ctx.output.wide) table.SetMaxWidth(3, kTextWidth);
  for (const auto& task : response.tasks()) {
    table.AddRow({ShortId(task.name()),
                  task.annex_number() > 0 ? absl::StrCat(task.annex_number()) : "-",
                  SectionOf(task.section_id(), task.subsection_id()), task.title(),
                  absl::StrCat(task.measures_size())});
  }
  table.Print(out);
  out << response.tasks_size() << " of " << response.total_size() << " tasks\n";
  if (!response.next_page_token().empty()) {
    out << "next page: --page-token " << response.next_page_token() << '\n';
  }
  return absl::OkStatus();
}

absl::Status MeasuresList(const RegistryContext& ctx, const ListArgs& args, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef plan, ResolvePlan(ctx, args.plan));
  v1::ListMeasuresRequest request;
  request.set_parent(plan.name);
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_filter(), BuildFilter(ctx, plan, args.filter));
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  const bool all_pages = args.page_size == 0 && args.page_token.empty();
  v1::ListMeasuresResponse response;
  ECOPLAN_RETURN_IF_ERROR(ListPages(ctx, &Stub::ListMeasures, request, all_pages, &response));
  return PrintMeasures(ctx, response, out);
}

absl::Status TaskShow(const RegistryContext& ctx, const PlanArg& plan, const std::string& task,
                      std::ostream& out) {
  v1::GetTaskRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ChildName(ctx, plan, "tasks", task));
  v1::GetTaskResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetTask, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintTask(response.task(), out);
  return absl::OkStatus();
}

absl::Status MeasureShow(const RegistryContext& ctx, const PlanArg& plan,
                         const std::string& measure, std::ostream& out) {
  v1::GetMeasureRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ChildName(ctx, plan, "measures", measure));
  v1::GetMeasureResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetMeasure, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintMeasure(response.measure(), out, 0, /*context=*/true);
  return absl::OkStatus();
}

absl::Status MeasureHistory(const RegistryContext& ctx, const PlanArg& plan,
                            const std::string& measure, std::ostream& out) {
  v1::ListMeasureRevisionsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ChildName(ctx, plan, "measures", measure));
  v1::ListMeasureRevisionsResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ListMeasureRevisions, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  if (response.revisions().empty()) {
    out << ShortId(request.name()) << ": no revisions; the measure is as imported\n";
    return absl::OkStatus();
  }
  for (const auto& r : response.revisions()) {
    out << "Revision " << r.revision() << '\n';
    std::vector<std::pair<std::string, std::string>> fields = {
        {"Time", FormatTimestamp(r.time())},
        {"Actor", r.actor()},
        {"Reason", r.reason()},
        {"Request id", r.request_id()},
        {"Changed", absl::StrJoin(r.changed_fields(), ", ")}};
    for (const auto& field : r.changed_fields()) {
      if (field == "deadline") {
        fields.emplace_back("  deadline", absl::StrCat(FormatDeadline(r.before().deadline()), " → ",
                                                       FormatDeadline(r.after().deadline())));
      } else if (field == "lead_organizations") {
        fields.emplace_back("  leads",
                            absl::StrCat(OrgNames(r.before().lead_organizations()), " → ",
                                         OrgNames(r.after().lead_organizations())));
      } else if (field == "responsible_organizations") {
        fields.emplace_back("  responsibles",
                            absl::StrCat(OrgNames(r.before().responsible_organizations()), " → ",
                                         OrgNames(r.after().responsible_organizations())));
      } else if (field == "checkpoints") {
        fields.emplace_back("  checkpoints", absl::StrCat(FormatCheckpoints(r.before()), " → ",
                                                          FormatCheckpoints(r.after())));
      }
    }
    PrintFields(out, fields, 2);
  }
  return absl::OkStatus();
}

absl::Status MeasureUpdate(const RegistryContext& ctx, const MeasureUpdateArgs& args,
                           std::ostream& out) {
  if (args.reason.empty()) return UsageError("--reason is required: it goes to the audit trail");
  if (!args.deadline.has_value() && !args.leads.has_value() && !args.responsibles.has_value() &&
      args.members.empty() && !args.checkpoints.has_value()) {
    return UsageError(
        "nothing to change: give --deadline, --leads, --responsibles, --members or --checkpoints");
  }
  v1::UpdateMeasureRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(const std::string name,
                           ChildName(ctx, args.plan, "measures", args.measure));

  // The current measure gives the etag, and the organizations that --members
  // completes when --leads / --responsibles are not given.
  v1::Measure current;
  const bool need_current =
      args.etag.empty() ||
      (!args.members.empty() && (!args.leads.has_value() || !args.responsibles.has_value()));
  if (need_current) {
    v1::GetMeasureRequest get;
    get.set_name(name);
    v1::GetMeasureResponse got;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetMeasure, get, &got));
    current = got.measure();
  }

  v1::Measure* measure = request.mutable_measure();
  measure->set_name(name);
  std::set<std::string> groups_used;
  // Fills `refs` from the names given, or from the current values, and sets
  // the members of the groups named by --members. Returns whether it changed.
  auto fill = [&](const std::optional<std::vector<std::string>>& given,
                  const google::protobuf::RepeatedPtrField<v1::OrgRef>& existing,
                  google::protobuf::RepeatedPtrField<v1::OrgRef>* refs) {
    bool changed = given.has_value();
    if (given.has_value()) {
      for (const auto& written : *given) refs->Add()->set_written_name(written);
    } else {
      for (const auto& ref : existing) {
        v1::OrgRef* copy = refs->Add();
        copy->set_written_name(ref.written_name());
        *copy->mutable_members() = ref.members();
      }
    }
    for (v1::OrgRef& ref : *refs) {
      for (const auto& [group, members] : args.members) {
        if (ref.written_name() != group) continue;
        ref.clear_members();
        for (const auto& member : members) ref.add_members(member);
        groups_used.insert(group);
        changed = true;
      }
    }
    if (!changed) refs->Clear();
    return changed;
  };
  if (args.deadline.has_value()) {
    measure->mutable_deadline()->set_raw(*args.deadline);
    request.mutable_update_mask()->add_paths("deadline");
  }
  if (args.checkpoints.has_value()) {
    for (const std::string& phrase : *args.checkpoints) {
      measure->add_checkpoints()->set_phrase(phrase);
    }
    request.mutable_update_mask()->add_paths("checkpoints");
  }
  if (fill(args.leads, current.lead_organizations(), measure->mutable_lead_organizations())) {
    request.mutable_update_mask()->add_paths("lead_organizations");
  }
  if (fill(args.responsibles, current.responsible_organizations(),
           measure->mutable_responsible_organizations())) {
    request.mutable_update_mask()->add_paths("responsible_organizations");
  }
  for (const auto& [group, members] : args.members) {
    if (groups_used.count(group) == 0) {
      return UsageError(absl::StrCat("--members ", group, "=…: ", group,
                                     " is neither among the leads nor the responsibles"));
    }
  }
  request.set_etag(args.etag.empty() ? current.etag() : args.etag);
  request.set_reason(args.reason);
  request.set_request_id(args.request_id);

  v1::UpdateMeasureResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::UpdateMeasure, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "Updated " << ShortId(name) << " (revision " << response.measure().revision() << ")\n";
  PrintMeasure(response.measure(), out, 0);
  return absl::OkStatus();
}

absl::Status SupervisionCreate(const RegistryContext& ctx, const SupervisionCreateArgs& args,
                               std::ostream& out) {
  if (args.title.empty()) return UsageError("--title is required");
  if (args.measure_text.empty()) return UsageError("--measure is required");
  if (args.deadline.empty()) return UsageError("--deadline is required");
  if (args.leads.empty()) return UsageError("--leads is required (at least one organization)");
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef plan, ResolvePlan(ctx, args.plan));
  v1::CreateSupervisionTaskRequest request;
  request.set_parent(plan.name);
  request.set_title(args.title);
  request.set_description(args.description);
  request.set_assigned_by(args.assigned_by);
  v1::Measure* measure = request.add_measures();
  measure->set_text(args.measure_text);
  measure->mutable_deadline()->set_raw(args.deadline);
  for (const auto& lead : args.leads) measure->add_lead_organizations()->set_written_name(lead);
  for (const auto& org : args.responsibles) {
    measure->add_responsible_organizations()->set_written_name(org);
  }
  request.set_request_id(args.request_id.empty() ? RandomRequestId() : args.request_id);
  if (args.request_id.empty() && ctx.notes != nullptr) {
    // Printed before the call, so a user whose call failed can retry safely.
    *ctx.notes << "request id: " << request.request_id() << " (to retry without duplicating: "
               << "--request-id " << request.request_id() << ")\n";
  }
  v1::CreateSupervisionTaskResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::CreateSupervisionTask, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "Created supervision task " << ShortId(response.task().name()) << '\n';
  PrintTask(response.task(), out);
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// org

absl::Status OrgList(const RegistryContext& ctx, const std::string& kind, std::ostream& out) {
  v1::ListOrganizationsRequest request;
  if (kind.empty()) {
  } else if (kind == "department") {
    request.set_kind(v1::ORGANIZATION_KIND_DEPARTMENT);
  } else if (kind == "management") {
    request.set_kind(v1::ORGANIZATION_KIND_MANAGEMENT_BODY);
  } else if (kind == "town") {
    request.set_kind(v1::ORGANIZATION_KIND_TOWN);
  } else if (kind == "street") {
    request.set_kind(v1::ORGANIZATION_KIND_STREET);
  } else {
    return UsageError(
        absl::StrCat("--kind must be department, management, town or street, not \"", kind, "\""));
  }
  v1::ListOrganizationsResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      ListPages(ctx, &Stub::ListOrganizations, request, /*all_pages=*/true, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"ID", "NAME", "KIND", "ALIASES"});
  for (const auto& org : response.organizations()) {
    table.AddRow({ShortId(org.name()), org.display_name(), KindWord(org.kind()),
                  absl::StrJoin(org.aliases(), "、")});
  }
  table.Print(out);
  out << response.organizations_size() << " organizations\n";
  return absl::OkStatus();
}

namespace {

void PrintOrganization(const v1::Organization& org, std::ostream& out) {
  PrintFields(out, {{"Name", org.name()},
                    {"Display name", org.display_name()},
                    {"Kind", KindWord(org.kind())},
                    {"Aliases", absl::StrJoin(org.aliases(), "、")}});
}

}  // namespace

absl::Status OrgShow(const RegistryContext& ctx, const std::string& org, std::ostream& out) {
  // An organization resource name or id is read directly; anything else is a
  // name or alias, which ResolveOrganization maps to the organization.
  if (absl::StartsWith(org, "organizations/") || absl::StartsWith(org, "o-")) {
    v1::GetOrganizationRequest request;
    request.set_name(absl::StartsWith(org, "o-") ? absl::StrCat("organizations/", org) : org);
    v1::GetOrganizationResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetOrganization, request, &response));
    if (Json(ctx)) return PrintJson(response, out);
    PrintOrganization(response.organization(), out);
    return absl::OkStatus();
  }
  v1::ResolveOrganizationRequest request;
  request.set_written_name(org);
  v1::ResolveOrganizationResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ResolveOrganization, request, &response));
  if (response.reference().has_group()) {
    return absl::InvalidArgumentError(absl::StrCat(
        org, " is a group word, not an organization; see: ecoplanctl org resolve ", org));
  }
  if (response.organizations().empty()) {
    return absl::NotFoundError(absl::StrCat("no organization is named ", org));
  }
  v1::GetOrganizationResponse shown;
  *shown.mutable_organization() = response.organizations(0);
  if (Json(ctx)) return PrintJson(shown, out);
  PrintOrganization(shown.organization(), out);
  return absl::OkStatus();
}

absl::Status OrgResolve(const RegistryContext& ctx, const std::string& name, std::ostream& out) {
  v1::ResolveOrganizationRequest request;
  request.set_written_name(name);
  v1::ResolveOrganizationResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ResolveOrganization, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const v1::OrgRef& ref = response.reference();
  std::string meaning;
  if (ref.has_group()) {
    meaning = absl::StrCat("group word (", GroupKindWord(ref.group().kind()), ")",
                           ref.group().resolved() ? "" : "; members not named yet");
  } else {
    meaning = absl::StrCat("organization ", ref.organization());
  }
  PrintFields(out, {{"Written name", ref.written_name().empty() ? name : ref.written_name()},
                    {"Stands for", meaning}});
  if (!response.organizations().empty()) {
    Table table({"ID", "NAME", "KIND", "ALIASES"});
    for (const auto& org : response.organizations()) {
      table.AddRow({ShortId(org.name()), org.display_name(), KindWord(org.kind()),
                    absl::StrJoin(org.aliases(), "、")});
    }
    table.Print(out);
  }
  return absl::OkStatus();
}

absl::Status OrgOwns(const RegistryContext& ctx, const ListArgs& args, std::ostream& out) {
  if (args.filter.org.empty()) return UsageError("org owns needs an organization name");
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef plan, ResolvePlan(ctx, args.plan));
  v1::ListMeasuresResponse roles[2];
  const char* const kRoles[2] = {"lead", "responsible"};
  for (int i = 0; i < 2; ++i) {
    FilterArgs filter = args.filter;
    filter.role = kRoles[i];
    v1::ListMeasuresRequest request;
    request.set_parent(plan.name);
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_filter(), BuildFilter(ctx, plan, filter));
    ECOPLAN_RETURN_IF_ERROR(
        ListPages(ctx, &Stub::ListMeasures, request, /*all_pages=*/true, &roles[i]));
  }
  if (Json(ctx)) {
    ECOPLAN_ASSIGN_OR_RETURN(std::string lead, ToJson(roles[0]));
    ECOPLAN_ASSIGN_OR_RETURN(std::string responsible, ToJson(roles[1]));
    out << "{\"lead\":" << lead << ",\"responsible\":" << responsible << "}\n";
    return absl::OkStatus();
  }
  out << args.filter.org << " leads " << roles[0].measures_size() << " measures:\n";
  ECOPLAN_RETURN_IF_ERROR(PrintMeasures(ctx, roles[0], out));
  out << '\n'
      << args.filter.org << " is responsible for " << roles[1].measures_size() << " measures:\n";
  return PrintMeasures(ctx, roles[1], out);
}

// ---------------------------------------------------------------------------
// events

absl::Status EventsWatch(const RegistryContext& ctx, const EventsWatchArgs& args,
                         std::ostream& out) {
  if (args.limit < 0) return UsageError("--limit must not be negative");
  grpc::ClientContext context;
  // Following is meant to run until interrupted; otherwise the whole read is bounded.
  if (!args.follow) context.set_deadline(absl::ToChronoTime(absl::Now() + ctx.timeout));
  v1::WatchEventsRequest request;
  request.set_after_sequence(args.after);
  std::unique_ptr<grpc::ClientReaderInterface<v1::WatchEventsResponse>> reader =
      ctx.stub->WatchEvents(&context, request);

  // A reader thread feeds a queue, so that this thread can wait with a
  // timeout: the stream never ends by itself (it follows new events), and the
  // API has no call for the last stored sequence, so without --follow the end
  // of the stored events is recognised by `idle` without a new event.
  std::mutex mu;
  std::condition_variable cv;
  std::deque<v1::WatchEventsResponse> queue;
  bool stream_done = false;
  std::thread reading([&] {
    v1::WatchEventsResponse message;
    while (reader->Read(&message)) {
      std::lock_guard<std::mutex> lock(mu);
      queue.push_back(std::move(message));
      cv.notify_one();
    }
    std::lock_guard<std::mutex> lock(mu);
    stream_done = true;
    cv.notify_one();
  });

  const bool json = Json(ctx);
  if (!json) {
    out << PadToWidth("SEQ", 6) << "  " << PadToWidth("TIME", 30) << "  " << PadToWidth("TYPE", 36)
        << "  " << PadToWidth("RESOURCE", 48) << "  REQUEST ID\n";
  }
  int printed = 0;
  bool cancelled = false;
  absl::Status print_status;
  while (true) {
    std::unique_lock<std::mutex> lock(mu);
    auto ready = [&] { return !queue.empty() || stream_done; };
    if (args.follow) {
      cv.wait(lock, ready);
    } else if (!cv.wait_for(lock, absl::ToChronoMilliseconds(args.idle), ready)) {
      cancelled = true;  // idle: every stored event has been delivered
      break;
    }
    if (queue.empty()) break;  // the stream ended (an error, or the server closed it)
    v1::WatchEventsResponse message = std::move(queue.front());
    queue.pop_front();
    lock.unlock();
    if (json) {
      print_status = PrintJson(message, out);
      if (!print_status.ok()) {
        // A payload type this build does not know cannot be mapped to JSON; print the envelope.
        message.mutable_event()->clear_payload();
        print_status = PrintJson(message, out);
      }
    } else {
      const cv1::Event& e = message.event();
      std::string type = e.type();
      if (const size_t dot = type.rfind('.'); dot != std::string::npos) type = type.substr(dot + 1);
      const std::string line =
          absl::StrCat(PadToWidth(absl::StrCat(e.sequence()), 6), "  ",
                       PadToWidth(FormatTimestamp(e.commit_time()), 30), "  ", PadToWidth(type, 36),
                       "  ", PadToWidth(e.resource(), 48), "  ", e.request_id());
      out << absl::StripTrailingAsciiWhitespace(line) << '\n';
    }
    out.flush();
    ++printed;
    if (!print_status.ok() || (args.limit > 0 && printed >= args.limit)) {
      cancelled = true;
      break;
    }
  }
  if (cancelled) context.TryCancel();
  reading.join();
  const grpc::Status status = reader->Finish();
  ECOPLAN_RETURN_IF_ERROR(print_status);
  if (cancelled && status.error_code() == grpc::StatusCode::CANCELLED) return absl::OkStatus();
  return common::FromGrpcStatus(status);
}

// ---------------------------------------------------------------------------
// Command-line bindings

namespace {

using Runner =
    std::function<absl::Status(const RegistryContext&, const ParsedArgs&, std::ostream&)>;

std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> Bind(Runner runner) {
  return [runner = std::move(runner)](const CommandEnv& env, const ParsedArgs& args) {
    std::unique_ptr<Stub> stub = v1::RegistryService::NewStub(
        MakeChannel(env.options.registry_address, env.options.connection));
    RegistryContext ctx;
    ctx.stub = stub.get();
    ctx.timeout = env.options.timeout;
    ctx.output = env.options.output;
    ctx.notes = env.err;
    return runner(ctx, args, *env.out);
  };
}

const FlagSpec kPlanFlag = {"plan", "PLAN", "plan name (plans/…) or id; default: the newest plan"};

std::vector<FlagSpec> FilterFlags() {
  return {
      {"annex", "N", "only annex N"},
      {"section", "ID", "only section s1 or subsection s1.2"},
      {"org", "NAME", "only measures of this organization (name, alias or organizations/…)"},
      {"role", "ROLE", "with --org: lead, responsible or either (default)"},
      {"due-before", "DAY", "due on or before DAY: YYYY-MM-DD or words such as 6月底前, 年底前"},
      {"due-after", "DAY", "due on or after DAY (for a window such as 6-9月: its first day)"},
      {"deadline-kind", "KIND", "due, window, ongoing or unresolved"},
      {"featured", "", "only featured (★) measures"},
      {"not-featured", "", "only measures without ★"},
      {"contains", "TEXT", "only measures whose text or task title contains TEXT"},
      {"origin", "ORIGIN", "document or supervision"},
  };
}

std::vector<FlagSpec> ListFlags() {
  std::vector<FlagSpec> flags = FilterFlags();
  flags.push_back(kPlanFlag);
  flags.push_back({"page-size", "N", "read one page of N (default: every page)"});
  flags.push_back({"page-token", "TOKEN", "read the page after a previous one"});
  return flags;
}

constexpr absl::string_view kFilterSynopsis =
    "[--plan PLAN] [--annex N] [--section ID] [--org NAME] [--role lead|responsible|either] "
    "[--due-before DAY] [--due-after DAY] [--deadline-kind KIND] [--featured|--not-featured] "
    "[--contains TEXT] [--origin document|supervision]";

PlanArg PlanFrom(const ParsedArgs& args) { return PlanArg{args.Value("plan")}; }

// The plan given as the first argument or with --plan.
absl::StatusOr<PlanArg> PlanArgOrFlag(const ParsedArgs& args) {
  if (!args.args().empty()) {
    if (args.Has("plan") && args.Value("plan") != args.args()[0]) {
      return UsageError("give the plan either as an argument or with --plan, not both");
    }
    return PlanArg{args.args()[0]};
  }
  return PlanFrom(args);
}

absl::StatusOr<FilterArgs> FilterFrom(const ParsedArgs& args) {
  FilterArgs filter;
  ECOPLAN_ASSIGN_OR_RETURN(filter.annex, args.Int("annex", 0));
  filter.section = args.Value("section");
  filter.org = args.Value("org");
  filter.role = args.Value("role");
  filter.due_before = args.Value("due-before");
  filter.due_after = args.Value("due-after");
  filter.deadline_kind = args.Value("deadline-kind");
  if (args.Has("featured") && args.Has("not-featured")) {
    return UsageError("--featured and --not-featured exclude each other");
  }
  if (args.Has("featured")) filter.featured = true;
  if (args.Has("not-featured")) filter.featured = false;
  filter.contains = args.Value("contains");
  filter.origin = args.Value("origin");
  return filter;
}

absl::StatusOr<ListArgs> ListFrom(const ParsedArgs& args) {
  ListArgs list;
  list.plan = PlanFrom(args);
  ECOPLAN_ASSIGN_OR_RETURN(list.filter, FilterFrom(args));
  ECOPLAN_ASSIGN_OR_RETURN(list.page_size, args.Int("page-size", 0));
  if (list.page_size < 0) return UsageError("--page-size must not be negative");
  list.page_token = args.Value("page-token");
  return list;
}

CommandGroup PlanGroup() {
  CommandGroup group{"plan", "import, list, show and export plans", {}, ""};
  group.commands.push_back(
      {"import",
       "FILE [--validate-only] [--request-id ID]",
       "import a plan document (FILE - reads stdin); prints the summary and every parse warning",
       1,
       1,
       {{"validate-only", "", "parse and report only; write nothing"},
        {"request-id", "ID", "client id of the call, for a safe retry"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return PlanImport(
             ctx, {args.args()[0], args.Has("validate-only"), args.Value("request-id")}, out);
       })});
  group.commands.push_back({"list",
                            "",
                            "list the imported plans, newest first",
                            0,
                            0,
                            {},
                            Bind([](const RegistryContext& ctx, const ParsedArgs&,
                                    std::ostream& out) { return PlanList(ctx, out); })});
  group.commands.push_back(
      {"show",
       "[PLAN]",
       "a plan's metadata, annexes and sections, summary and warnings",
       0,
       1,
       {kPlanFlag},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(PlanArg plan, PlanArgOrFlag(args));
         return PlanShow(ctx, plan, out);
       })});
  group.commands.push_back(
      {"export",
       "[PLAN] [--out FILE]",
       "the whole plan (tasks, measures, organizations, indicator tables) as JSON",
       0,
       1,
       {kPlanFlag, {"out", "FILE", "write the JSON to FILE instead of stdout"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(PlanArg plan, PlanArgOrFlag(args));
         return PlanExport(ctx, {plan, args.Value("out")}, out);
       })});
  group.notes =
      "PLAN is a name (plans/2026-…) or a bare id (2026-…); without it, the newest plan.\n"
      "plan export always prints JSON (pretty-printed).\n";
  return group;
}

CommandGroup TasksGroup() {
  CommandGroup group{"tasks", "list the key tasks (重点任务) of a plan", {}, ""};
  group.commands.push_back(
      {"list", std::string(kFilterSynopsis), "tasks with at least one matching measure", 0, 0,
       ListFlags(), Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(ListArgs list, ListFrom(args));
         return TasksList(ctx, list, out);
       })});
  group.notes = "Every page is read unless --page-size or --page-token is given.\n";
  return group;
}

CommandGroup TaskGroup() {
  CommandGroup group{"task", "one task with every measure", {}, ""};
  group.commands.push_back(
      {"show",
       "TASK [--plan PLAN]",
       "a task (a1-t3 or plans/…/tasks/a1-t3) with its measures",
       1,
       1,
       {kPlanFlag},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return TaskShow(ctx, PlanFrom(args), args.args()[0], out);
       })});
  return group;
}

CommandGroup MeasuresGroup() {
  CommandGroup group{"measures", "list the work measures (工作措施) of a plan", {}, ""};
  group.commands.push_back(
      {"list", absl::StrCat(kFilterSynopsis, " [--wide]"), "measures matching every filter given",
       0, 0, ListFlags(),
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(ListArgs list, ListFrom(args));
         return MeasuresList(ctx, list, out);
       })});
  group.notes =
      "Deadline words in --due-before / --due-after resolve against the plan's year.\n"
      "Every page is read unless --page-size or --page-token is given.\n";
  return group;
}

CommandGroup MeasureGroup() {
  CommandGroup group{"measure", "show, history and correct one measure", {}, ""};
  group.commands.push_back(
      {"show",
       "MEASURE [--plan PLAN]",
       "a measure (a1-t3-m2 or plans/…/measures/a1-t3-m2)",
       1,
       1,
       {kPlanFlag},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return MeasureShow(ctx, PlanFrom(args), args.args()[0], out);
       })});
  group.commands.push_back(
      {"history",
       "MEASURE [--plan PLAN]",
       "the revisions (audit trail) of a measure",
       1,
       1,
       {kPlanFlag},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return MeasureHistory(ctx, PlanFrom(args), args.args()[0], out);
       })});
  group.commands.push_back(
      {"update",
       "MEASURE [--deadline WORDS] [--leads A,B] [--responsibles A,B] [--members GROUP=X,Y] "
       "[--checkpoints P,Q] --reason TEXT [--etag E] [--request-id ID] [--plan PLAN]",
       "correct a measure's deadline, organizations or checkpoints",
       1,
       1,
       {kPlanFlag,
        {"deadline", "WORDS", "new deadline words, e.g. 9月底前"},
        {"leads", "A,B", "new lead organizations (names, aliases or group words)"},
        {"responsibles", "A,B", "new responsible organizations; \"\" for none"},
        {"members", "GROUP=X,Y", "name the members of a group word such as 相关镇街 (repeatable)"},
        {"checkpoints", "P,Q",
         "the measure's checkpoints in the plan's words, e.g. 5月底前,按季度,两轮次; \"\" for "
         "none"},
        {"reason", "TEXT", "why (required; kept in the audit trail)"},
        {"etag", "E", "the etag read before; default: read the measure now"},
        {"request-id", "ID", "client id of the call, for a safe retry"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         MeasureUpdateArgs update;
         update.plan = PlanFrom(args);
         update.measure = args.args()[0];
         update.deadline = args.Optional("deadline");
         if (auto leads = args.Optional("leads")) update.leads = SplitList(*leads);
         if (auto resp = args.Optional("responsibles")) update.responsibles = SplitList(*resp);
         if (auto points = args.Optional("checkpoints")) update.checkpoints = SplitList(*points);
         for (const std::string& value : args.Values("members")) {
           const size_t eq = value.find('=');
           if (eq == std::string::npos || eq == 0) {
             return UsageError(absl::StrCat("--members needs GROUP=X,Y, not \"", value, "\""));
           }
           update.members.emplace_back(value.substr(0, eq), SplitList(value.substr(eq + 1)));
         }
         update.reason = args.Value("reason");
         update.etag = args.Value("etag");
         update.request_id = args.Value("request-id");
         return MeasureUpdate(ctx, update, out);
       })});
  group.notes = "Lists of organizations may be separated by , or 、.\n";
  return group;
}

CommandGroup SupervisionGroup() {
  CommandGroup group{"supervision", "ad-hoc supervision tasks (督办任务)", {}, ""};
  group.commands.push_back(
      {"create",
       "--title T [--description D] [--assigned-by ORG] --measure TEXT --deadline WORDS "
       "--leads A,B [--responsibles C] [--request-id ID] [--plan PLAN]",
       "create a supervision task with one measure",
       0,
       0,
       {kPlanFlag,
        {"title", "T", "task title (required)"},
        {"description", "D", "background"},
        {"assigned-by", "ORG", "who assigned it, e.g. 区城指中心"},
        {"measure", "TEXT", "the work to do (required)"},
        {"deadline", "WORDS", "deadline words, e.g. 6月底前 (required)"},
        {"leads", "A,B", "lead organizations (required)"},
        {"responsibles", "A,B", "responsible organizations"},
        {"request-id", "ID", "client id of the call, for a safe retry"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         SupervisionCreateArgs create;
         create.plan = PlanFrom(args);
         create.title = args.Value("title");
         create.description = args.Value("description");
         create.assigned_by = args.Value("assigned-by");
         create.measure_text = args.Value("measure");
         create.deadline = args.Value("deadline");
         create.leads = SplitList(args.Value("leads"));
         create.responsibles = SplitList(args.Value("responsibles"));
         create.request_id = args.Value("request-id");
         return SupervisionCreate(ctx, create, out);
       })});
  group.notes =
      "Without --request-id a random one is generated and printed on stderr: pass it to retry\n"
      "a failed call without creating the task twice.\n";
  return group;
}

CommandGroup OrgGroup() {
  CommandGroup group{
      "org", "organizations: departments, management bodies, towns, streets", {}, ""};
  group.commands.push_back(
      {"list",
       "[--kind department|management|town|street]",
       "organizations in name order",
       0,
       0,
       {{"kind", "KIND", "department, management, town or street"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return OrgList(ctx, args.Value("kind"), out);
       })});
  group.commands.push_back(
      {"show",
       "ORG",
       "one organization (name, alias, o-… id or organizations/…)",
       1,
       1,
       {},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return OrgShow(ctx, args.args()[0], out);
       })});
  group.commands.push_back(
      {"resolve",
       "NAME",
       "what a name, alias or group word (各镇街) stands for",
       1,
       1,
       {},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return OrgResolve(ctx, args.args()[0], out);
       })});
  std::vector<FlagSpec> owns_flags = ListFlags();
  owns_flags.erase(std::remove_if(owns_flags.begin(), owns_flags.end(),
                                  [](const FlagSpec& f) {
                                    return f.name == "org" || f.name == "role" ||
                                           f.name == "page-size" || f.name == "page-token";
                                  }),
                   owns_flags.end());
  group.commands.push_back(
      {"owns", "NAME [--plan PLAN] [filters of measures list]",
       "what NAME owns: the measures it leads, and those it is responsible for", 1, 1, owns_flags,
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(ListArgs list, ListFrom(args));
         list.filter.org = args.args()[0];
         return OrgOwns(ctx, list, out);
       })});
  return group;
}

CommandGroup EventsGroup() {
  CommandGroup group{"events", "the registry's event log", {}, ""};
  group.commands.push_back(
      {"watch",
       "[--after N] [--limit N] [--follow] [--idle DURATION]",
       "print events: sequence, time, type, resource, request id",
       0,
       0,
       {{"after", "N", "only events with a sequence greater than N (default 0: all)"},
        {"limit", "N", "stop after N events"},
        {"follow", "", "keep following new events until interrupted"},
        {"idle", "DURATION", "without --follow: stop when no event came for this long (1s)"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         EventsWatchArgs watch;
         if (auto after = args.Optional("after")) {
           if (!absl::SimpleAtoi(*after, &watch.after)) {
             return UsageError(
                 absl::StrCat("--after needs a sequence number, not \"", *after, "\""));
           }
         }
         ECOPLAN_ASSIGN_OR_RETURN(watch.limit, args.Int("limit", 0));
         watch.follow = args.Has("follow");
         if (auto idle = args.Optional("idle")) {
           if (!absl::ParseDuration(*idle, &watch.idle) || watch.idle <= absl::ZeroDuration()) {
             return UsageError(
                 absl::StrCat("--idle needs a positive duration, not \"", *idle, "\""));
           }
         }
         return EventsWatch(ctx, watch, out);
       })});
  group.notes =
      "Without --follow the command stops once the stream has been silent for --idle (1s):\n"
      "the API has no call that tells the last stored sequence, so silence marks the end of\n"
      "the stored events. --output json prints one WatchEventsResponse per line.\n";
  return group;
}

}  // namespace

std::vector<CommandGroup> RegistryCommandGroups() {
  return {PlanGroup(),    TasksGroup(),       TaskGroup(), MeasuresGroup(),
          MeasureGroup(), SupervisionGroup(), OrgGroup(),  EventsGroup()};
}

}  // namespace ecoplan::ctl
