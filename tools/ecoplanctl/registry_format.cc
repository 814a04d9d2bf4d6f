// How the registry commands print plans, tasks, measures and organizations; see
// registry_format.h.

#include "tools/ecoplanctl/registry_format.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "tools/ecoplanctl/registry_common.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl::registry_internal {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;
using Stub = v1::RegistryService::StubInterface;

}  // namespace

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
  // A .docx import: where in the document, then the lines of its text.
  const std::string where =
      span.document_position().empty() ? "" : absl::StrCat(span.document_position(), ", ");
  if (span.last_line() <= span.first_line()) {
    return absl::StrCat(where, "line ", span.first_line());
  }
  return absl::StrCat(where, "lines ", span.first_line(), "-", span.last_line());
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
void PrintMeasure(const v1::Measure& m, std::ostream& out, int indent, bool context) {
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
                    {"SHA-256 of the file", plan.source_sha256()},
                    {"SHA-256 normalized", plan.normalized_sha256()},
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
  bool positions = false;  // a .docx import: where in the document
  for (const auto& w : plan.warnings()) positions = positions || !w.document_position().empty();
  Table table(positions ? std::vector<std::string>{"  LINE", "WHERE", "CODE", "MESSAGE"}
                        : std::vector<std::string>{"  LINE", "CODE", "MESSAGE"});
  for (const auto& w : plan.warnings()) {
    if (positions) {
      table.AddRow({absl::StrCat("  ", w.line()), w.document_position(), w.code(), w.message()});
    } else {
      table.AddRow({absl::StrCat("  ", w.line()), w.code(), w.message()});
    }
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

}  // namespace ecoplan::ctl::registry_internal
