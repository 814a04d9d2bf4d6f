#include "services/registry/proto_mapping.h"

#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"

namespace ecoplan::registry {
namespace {

namespace cv1 = ::ecoplan::common::v1;

constexpr absl::string_view kPlans = "plans/";
constexpr absl::string_view kOrganizations = "organizations/";

// Ids are short ASCII tokens: letters, digits, '-' and '.'.
bool IsValidId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

cv1::SourceSpan ToProto(const SourceSpan& span) {
  cv1::SourceSpan out;
  out.set_first_line(span.first_line);
  out.set_last_line(span.last_line);
  out.set_document_position(span.document_position);
  return out;
}

SourceSpan FromProto(const cv1::SourceSpan& span) {
  return SourceSpan(span.first_line(), span.last_line(), span.document_position());
}

v1::Section ToProto(const Section& section) {
  v1::Section out;
  out.set_id(section.id);
  out.set_number(section.number);
  out.set_title(section.title);
  for (const Section& sub : section.subsections) *out.add_subsections() = ToProto(sub);
  *out.mutable_source() = ToProto(section.source);
  return out;
}

Section FromProto(const v1::Section& section) {
  Section out;
  out.id = section.id();
  out.number = section.number();
  out.title = section.title();
  for (const v1::Section& sub : section.subsections()) out.subsections.push_back(FromProto(sub));
  out.source = FromProto(section.source());
  return out;
}

v1::TableRow ToProto(const TableRow& row) {
  v1::TableRow out;
  for (const TableCell& cell : row.cells) {
    v1::TableCell* c = out.add_cells();
    c->set_text(cell.text);
    c->set_state(static_cast<v1::CellState>(cell.state));
  }
  *out.mutable_source() = ToProto(row.source);
  return out;
}

TableRow FromProto(const v1::TableRow& row) {
  TableRow out;
  for (const v1::TableCell& cell : row.cells()) {
    out.cells.push_back({cell.text(), static_cast<CellState>(cell.state())});
  }
  out.source = FromProto(row.source());
  return out;
}

v1::IndicatorTable ToProto(const IndicatorTable& table) {
  v1::IndicatorTable out;
  out.set_index(table.index);
  for (const TableRow& row : table.header_rows) *out.add_header_rows() = ToProto(row);
  for (const TableRow& row : table.rows) *out.add_rows() = ToProto(row);
  *out.mutable_source() = ToProto(table.source);
  return out;
}

IndicatorTable FromProto(const v1::IndicatorTable& table) {
  IndicatorTable out;
  out.index = table.index();
  for (const v1::TableRow& row : table.header_rows()) out.header_rows.push_back(FromProto(row));
  for (const v1::TableRow& row : table.rows()) out.rows.push_back(FromProto(row));
  out.source = FromProto(table.source());
  return out;
}

v1::Annex ToProto(const Annex& annex) {
  v1::Annex out;
  out.set_number(annex.number);
  out.set_title(annex.title);
  out.set_kind(static_cast<v1::AnnexKind>(annex.kind));
  for (const Section& s : annex.sections) *out.add_sections() = ToProto(s);
  for (const IndicatorTable& t : annex.indicator_tables) *out.add_indicator_tables() = ToProto(t);
  *out.mutable_source() = ToProto(annex.source);
  return out;
}

Annex FromProto(const v1::Annex& annex) {
  Annex out;
  out.number = annex.number();
  out.title = annex.title();
  out.kind = static_cast<AnnexKind>(annex.kind());
  for (const v1::Section& s : annex.sections()) out.sections.push_back(FromProto(s));
  for (const v1::IndicatorTable& t : annex.indicator_tables()) {
    out.indicator_tables.push_back(FromProto(t));
  }
  out.source = FromProto(annex.source());
  return out;
}

}  // namespace

std::string PlanName(absl::string_view plan_id) { return absl::StrCat(kPlans, plan_id); }
std::string TaskName(absl::string_view plan_id, absl::string_view task_id) {
  return absl::StrCat(kPlans, plan_id, "/tasks/", task_id);
}
std::string MeasureName(absl::string_view plan_id, absl::string_view measure_id) {
  return absl::StrCat(kPlans, plan_id, "/measures/", measure_id);
}
std::string OrganizationName(absl::string_view org_id) {
  return absl::StrCat(kOrganizations, org_id);
}

absl::StatusOr<std::string> ParsePlanName(absl::string_view name, absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<std::string> ids,
                           common::ParseResourceName(name, "plans/{plan}", field, IsValidId));
  return ids[0];
}

absl::StatusOr<std::pair<std::string, std::string>> ParseTaskName(absl::string_view name,
                                                                  absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      common::ParseResourceName(name, "plans/{plan}/tasks/{id}", field, IsValidId));
  return std::make_pair(ids[0], ids[1]);
}

absl::StatusOr<std::pair<std::string, std::string>> ParseMeasureName(absl::string_view name,
                                                                     absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      common::ParseResourceName(name, "plans/{plan}/measures/{id}", field, IsValidId));
  return std::make_pair(ids[0], ids[1]);
}

absl::StatusOr<std::string> ParseOrganizationName(absl::string_view name, absl::string_view field) {
  ECOPLAN_ASSIGN_OR_RETURN(
      std::vector<std::string> ids,
      common::ParseResourceName(name, "organizations/{organization}", field, IsValidId));
  return ids[0];
}

cv1::Deadline ToProto(const Deadline& deadline) {
  cv1::Deadline out;
  out.set_raw(deadline.raw);
  out.set_kind(static_cast<cv1::DeadlineKind>(deadline.kind));
  if (deadline.window_start) *out.mutable_window_start() = ToProto(*deadline.window_start);
  if (deadline.due) *out.mutable_due_date() = ToProto(*deadline.due);
  return out;
}

Deadline FromProto(const cv1::Deadline& deadline) {
  Deadline out;
  out.raw = deadline.raw();
  out.kind = static_cast<DeadlineKind>(deadline.kind());
  if (deadline.has_window_start()) out.window_start = FromProto(deadline.window_start());
  if (deadline.has_due_date()) out.due = FromProto(deadline.due_date());
  return out;
}

v1::OrgRef ToProto(const OrgRef& ref) {
  v1::OrgRef out;
  out.set_written_name(ref.written_name);
  if (ref.group != OrgGroupKind::kNone) {
    v1::OrgGroup* group = out.mutable_group();
    group->set_word(ref.written_name);
    group->set_kind(static_cast<v1::OrgGroupKind>(ref.group));
    group->set_resolved(ref.group_resolved);
  } else if (!ref.org_id.empty()) {
    out.set_organization(OrganizationName(ref.org_id));
  }
  for (const std::string& id : ref.member_ids) out.add_members(OrganizationName(id));
  return out;
}

OrgRef FromProto(const v1::OrgRef& ref) {
  OrgRef out;
  out.written_name = ref.written_name();
  if (ref.has_group()) {
    out.group = static_cast<OrgGroupKind>(ref.group().kind());
    out.group_resolved = ref.group().resolved();
  } else if (!ref.organization().empty()) {
    absl::string_view id = ref.organization();
    absl::ConsumePrefix(&id, kOrganizations);
    out.org_id = std::string(id);
  }
  for (absl::string_view member : ref.members()) {
    absl::ConsumePrefix(&member, kOrganizations);
    out.member_ids.emplace_back(member);
  }
  return out;
}

v1::Organization ToProto(const Organization& org) {
  v1::Organization out;
  out.set_name(OrganizationName(org.id));
  out.set_display_name(org.name);
  for (const std::string& alias : org.aliases) out.add_aliases(alias);
  out.set_kind(static_cast<v1::OrganizationKind>(org.kind));
  return out;
}

Organization FromProto(const v1::Organization& org) {
  Organization out;
  absl::string_view id = org.name();
  absl::ConsumePrefix(&id, kOrganizations);
  out.id = std::string(id);
  out.name = org.display_name();
  out.aliases.assign(org.aliases().begin(), org.aliases().end());
  out.kind = static_cast<OrganizationKind>(org.kind());
  return out;
}

v1::Checkpoint ToProto(const common::Checkpoint& c) {
  v1::Checkpoint out;
  out.set_phrase(c.phrase);
  out.set_text_offset(c.text_offset);
  out.set_kind(static_cast<v1::CheckpointKind>(c.kind));
  if (c.due) *out.mutable_due_date() = ToProto(*c.due);
  if (c.window_start) *out.mutable_window_start() = ToProto(*c.window_start);
  out.set_recurrence(static_cast<v1::CheckpointRecurrence>(c.recurrence));
  for (absl::CivilDay day : c.dues) *out.add_due_dates() = ToProto(day);
  out.set_rounds(c.rounds);
  return out;
}

common::Checkpoint FromProto(const v1::Checkpoint& c) {
  common::Checkpoint out;
  out.phrase = c.phrase();
  out.text_offset = c.text_offset();
  out.kind = static_cast<common::CheckpointKind>(c.kind());
  if (c.has_due_date()) out.due = FromProto(c.due_date());
  if (c.has_window_start()) out.window_start = FromProto(c.window_start());
  out.recurrence = static_cast<common::Recurrence>(c.recurrence());
  for (const cv1::Date& day : c.due_dates()) out.dues.push_back(FromProto(day));
  out.rounds = c.rounds();
  return out;
}

v1::Measure ToProto(absl::string_view plan_id, const Measure& measure, const Task* task) {
  v1::Measure out;
  out.set_name(MeasureName(plan_id, measure.id));
  out.set_task(TaskName(plan_id, measure.task_id));
  out.set_ordinal(measure.ordinal);
  out.set_text(measure.text);
  out.set_featured(measure.featured);
  *out.mutable_deadline() = ToProto(measure.deadline);
  for (const OrgRef& ref : measure.leads) *out.add_lead_organizations() = ToProto(ref);
  for (const OrgRef& ref : measure.responsibles)
    *out.add_responsible_organizations() = ToProto(ref);
  if (measure.source.first_line > 0) *out.mutable_source() = ToProto(measure.source);
  out.set_etag(MeasureEtag(measure));
  out.set_revision(measure.revision);
  if (task != nullptr) {
    out.set_task_title(task->title);
    out.set_annex_number(task->annex_number);
    out.set_section_id(task->section_id);
    out.set_subsection_id(task->subsection_id);
  }
  if (measure.update_time != absl::InfinitePast()) {
    *out.mutable_update_time() = common::TimeToProto(measure.update_time);
  }
  for (const common::Checkpoint& c : measure.checkpoints) *out.add_checkpoints() = ToProto(c);
  out.set_checkpoints_corrected(measure.checkpoints_corrected);
  return out;
}

Measure FromProto(const v1::Measure& measure) {
  Measure out;
  out.id = common::LastSegment(measure.name());
  out.task_id = common::LastSegment(measure.task());
  out.ordinal = measure.ordinal();
  out.text = measure.text();
  out.featured = measure.featured();
  out.deadline = FromProto(measure.deadline());
  for (const v1::OrgRef& ref : measure.lead_organizations()) out.leads.push_back(FromProto(ref));
  for (const v1::OrgRef& ref : measure.responsible_organizations()) {
    out.responsibles.push_back(FromProto(ref));
  }
  out.source = FromProto(measure.source());
  out.revision = measure.revision();
  out.update_time = common::TimeFromProtoOrPast(measure.update_time());
  for (const v1::Checkpoint& c : measure.checkpoints()) out.checkpoints.push_back(FromProto(c));
  out.checkpoints_corrected = measure.checkpoints_corrected();
  return out;
}

v1::Task ToProto(absl::string_view plan_id, const Task& task) {
  v1::Task out;
  out.set_name(TaskName(plan_id, task.id));
  out.set_origin(static_cast<v1::TaskOrigin>(task.origin));
  out.set_annex_number(task.annex_number);
  out.set_section_id(task.section_id);
  out.set_subsection_id(task.subsection_id);
  out.set_sequence_number(task.sequence_number);
  out.set_title(task.title);
  for (const Measure& m : task.measures) *out.add_measures() = ToProto(plan_id, m, &task);
  if (task.source.first_line > 0) *out.mutable_source() = ToProto(task.source);
  out.set_assigned_by(task.assigned_by);
  out.set_description(task.description);
  out.set_etag(TaskEtag(task));
  if (task.create_time != absl::InfinitePast()) {
    *out.mutable_create_time() = common::TimeToProto(task.create_time);
  }
  return out;
}

Task FromProto(const v1::Task& task) {
  Task out;
  out.id = common::LastSegment(task.name());
  out.origin = static_cast<TaskOrigin>(task.origin());
  out.annex_number = task.annex_number();
  out.section_id = task.section_id();
  out.subsection_id = task.subsection_id();
  out.sequence_number = task.sequence_number();
  out.title = task.title();
  for (const v1::Measure& m : task.measures()) out.measures.push_back(FromProto(m));
  out.source = FromProto(task.source());
  out.assigned_by = task.assigned_by();
  out.description = task.description();
  out.create_time = common::TimeFromProtoOrPast(task.create_time());
  return out;
}

v1::PlanSummary ToProto(const PlanSummary& s) {
  v1::PlanSummary out;
  out.set_annex_count(s.annex_count);
  out.set_section_count(s.section_count);
  out.set_subsection_count(s.subsection_count);
  out.set_task_count(s.task_count);
  out.set_measure_count(s.measure_count);
  out.set_featured_measure_count(s.featured_measure_count);
  out.set_organization_count(s.organization_count);
  out.set_due_date_deadline_count(s.due_date_deadline_count);
  out.set_window_deadline_count(s.window_deadline_count);
  out.set_ongoing_deadline_count(s.ongoing_deadline_count);
  out.set_unresolved_deadline_count(s.unresolved_deadline_count);
  out.set_indicator_table_count(s.indicator_table_count);
  out.set_supervision_task_count(s.supervision_task_count);
  out.set_warning_count(s.warning_count);
  return out;
}

PlanSummary FromProto(const v1::PlanSummary& s) {
  PlanSummary out;
  out.annex_count = s.annex_count();
  out.section_count = s.section_count();
  out.subsection_count = s.subsection_count();
  out.task_count = s.task_count();
  out.measure_count = s.measure_count();
  out.featured_measure_count = s.featured_measure_count();
  out.organization_count = s.organization_count();
  out.due_date_deadline_count = s.due_date_deadline_count();
  out.window_deadline_count = s.window_deadline_count();
  out.ongoing_deadline_count = s.ongoing_deadline_count();
  out.unresolved_deadline_count = s.unresolved_deadline_count();
  out.indicator_table_count = s.indicator_table_count();
  out.supervision_task_count = s.supervision_task_count();
  out.warning_count = s.warning_count();
  return out;
}

v1::Plan ToProto(const Plan& plan, bool with_annexes) {
  v1::Plan out;
  out.set_name(PlanName(plan.id));
  out.set_title(plan.title);
  out.set_document_number(plan.document_number);
  out.set_issuer(plan.issuer);
  out.set_district(plan.district);
  if (plan.issue_date) *out.mutable_issue_date() = ToProto(*plan.issue_date);
  out.set_year(plan.year);
  out.set_supersedes_document_number(plan.supersedes_document_number);
  out.set_supersedes_title(plan.supersedes_title);
  out.set_reporting_rule_text(plan.reporting_rule_text);
  out.set_reporting_due_day(plan.reporting_due_day);
  out.set_reporting_recipient(plan.reporting_recipient);
  out.set_time_zone(plan.time_zone);
  out.set_source_sha256(plan.source_sha256);
  out.set_normalized_sha256(plan.normalized_sha256);
  out.set_source_media_type(plan.source_media_type);
  *out.mutable_summary() = ToProto(plan.summary);
  if (plan.import_time != absl::InfinitePast()) {
    *out.mutable_import_time() = common::TimeToProto(plan.import_time);
  }
  if (with_annexes) {
    for (const Annex& annex : plan.annexes) *out.add_annexes() = ToProto(annex);
    for (const ParseWarning& w : plan.warnings) {
      v1::ParseWarning* pw = out.add_warnings();
      pw->set_line(w.line);
      pw->set_code(w.code);
      pw->set_message(w.message);
      pw->set_document_position(w.document_position);
    }
  }
  return out;
}

Plan FromProto(const v1::Plan& plan) {
  Plan out;
  absl::string_view id = plan.name();
  absl::ConsumePrefix(&id, kPlans);
  out.id = std::string(id);
  out.title = plan.title();
  out.document_number = plan.document_number();
  out.issuer = plan.issuer();
  out.district = plan.district();
  if (plan.has_issue_date()) out.issue_date = FromProto(plan.issue_date());
  out.year = plan.year();
  out.supersedes_document_number = plan.supersedes_document_number();
  out.supersedes_title = plan.supersedes_title();
  out.reporting_rule_text = plan.reporting_rule_text();
  out.reporting_due_day = plan.reporting_due_day();
  out.reporting_recipient = plan.reporting_recipient();
  out.time_zone = plan.time_zone();
  out.normalized_sha256 = plan.normalized_sha256();
  out.source_sha256 = plan.source_sha256();
  if (out.normalized_sha256.empty()) {
    // Stored before the file's digest was kept: source_sha256 then held the
    // normalized digest, and the file's is unknown.
    out.normalized_sha256 = std::move(out.source_sha256);
    out.source_sha256.clear();
  }
  out.source_media_type = plan.source_media_type();
  for (const v1::Annex& annex : plan.annexes()) out.annexes.push_back(FromProto(annex));
  out.summary = FromProto(plan.summary());
  out.import_time = common::TimeFromProtoOrPast(plan.import_time());
  for (const v1::ParseWarning& w : plan.warnings()) {
    out.warnings.push_back(ParseWarning(w.line(), w.code(), w.message(), w.document_position()));
  }
  return out;
}

v1::MeasureRevision ToProto(absl::string_view plan_id, const MeasureRevision& revision) {
  v1::MeasureRevision out;
  out.set_revision(revision.revision);
  *out.mutable_time() = common::TimeToProto(revision.time);
  out.set_actor(revision.actor);
  out.set_reason(revision.reason);
  for (const std::string& f : revision.changed_fields) out.add_changed_fields(f);
  *out.mutable_before() = ToProto(plan_id, revision.before);
  *out.mutable_after() = ToProto(plan_id, revision.after);
  out.set_request_id(revision.request_id);
  return out;
}

MeasureRevision FromProto(const v1::MeasureRevision& revision) {
  MeasureRevision out;
  out.revision = revision.revision();
  out.time = common::TimeFromProtoOrPast(revision.time());
  out.actor = revision.actor();
  out.reason = revision.reason();
  out.changed_fields.assign(revision.changed_fields().begin(), revision.changed_fields().end());
  out.before = FromProto(revision.before());
  out.after = FromProto(revision.after());
  out.request_id = revision.request_id();
  return out;
}

}  // namespace ecoplan::registry
