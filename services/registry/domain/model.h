#pragma once

// The plan as data: plain structs, free of protobuf and gRPC. Mapped to the v1
// contract in proto_mapping.cc and to storage records in storage/.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/checkpoints.h"

namespace ecoplan::registry {

// 1-based inclusive line range of the source document; for a plan imported
// from a .docx, the lines of the text the document reads as, and where in the
// document they are (document_position, e.g. "table 3 row 5 cell 2").
struct SourceSpan {
  SourceSpan() = default;
  // Not an aggregate, so that SourceSpan{first, last} leaves the position empty.
  SourceSpan(int first, int last, std::string position = "")
      : first_line(first), last_line(last), document_position(std::move(position)) {}
  int first_line = 0;
  int last_line = 0;
  std::string document_position;  // empty for a text import
  bool operator==(const SourceSpan& o) const {
    return first_line == o.first_line && last_line == o.last_line &&
           document_position == o.document_position;
  }
};

enum class DeadlineKind {
  kUnspecified = 0,
  kDueDate = 1,
  kWindow = 2,
  kOngoing = 3,
  kUnresolved = 4
};

// A deadline (完成时限) as written and as resolved against the plan year.
struct Deadline {
  std::string raw;  // as written, e.g. "6月底前"
  DeadlineKind kind = DeadlineKind::kUnspecified;
  std::optional<absl::CivilDay> window_start;  // kWindow only
  std::optional<absl::CivilDay> due;           // kDueDate and kWindow (last day)
};

enum class OrganizationKind {
  kUnspecified = 0,
  kDepartment = 1,
  kManagementBody = 2,
  kTown = 3,
  kStreet = 4
};

struct Organization {
  std::string id;    // "o-" + 10 hex of sha256(canonical name)
  std::string name;  // canonical name, e.g. 区发展改革委
  std::vector<std::string> aliases;
  OrganizationKind kind = OrganizationKind::kUnspecified;
};

enum class OrgGroupKind {
  kNone = 0,
  kAllTowns = 1,
  kRelatedTowns = 2,
  kRelatedDepartments = 3,
  kAllDepartments = 4
};

// A reference to organizations as written in a table cell: one organization
// (org_id set) or a group word (group != kNone) with its members, if known.
struct OrgRef {
  std::string written_name;
  std::string org_id;  // set for a single organization
  OrgGroupKind group = OrgGroupKind::kNone;
  bool group_resolved = false;          // members are known
  std::vector<std::string> member_ids;  // organization ids a group stands for
};

struct Measure {
  std::string id;         // "a1-t3-m2"; supervision: "s1-m1"
  std::string task_id;    // "a1-t3"
  int ordinal = 0;        // 1-based within the task
  std::string text;       // paragraphs joined with "\n", ★ removed
  bool featured = false;  // marked ★
  Deadline deadline;
  std::vector<OrgRef> leads;
  std::vector<OrgRef> responsibles;
  SourceSpan source;
  int revision = 0;  // corrections after import
  absl::Time update_time = absl::InfinitePast();
  // Intermediate obligations of the text (common/calendar/checkpoints.h), or
  // as the bureau corrected them (checkpoints_corrected).
  std::vector<common::Checkpoint> checkpoints;
  bool checkpoints_corrected = false;
};

enum class TaskOrigin { kUnspecified = 0, kDocument = 1, kSupervision = 2 };

struct Task {
  std::string id;  // "a1-t3"; supervision "s1"
  TaskOrigin origin = TaskOrigin::kDocument;
  int annex_number = 0;
  std::string section_id;     // "s1"
  std::string subsection_id;  // "s1.2", empty when the section has none
  int sequence_number = 0;    // as printed, restarting in each annex
  std::string title;
  std::vector<Measure> measures;
  SourceSpan source;
  std::string assigned_by;  // supervision tasks
  std::string description;  // supervision tasks
  absl::Time create_time = absl::InfinitePast();
};

struct Section {
  std::string id;      // "s1" or "s1.2"
  std::string number;  // "一" / "（一）"
  std::string title;
  std::vector<Section> subsections;
  SourceSpan source;
};

enum class CellState { kUnspecified = 0, kValue = 1, kBlankMerged = 2, kNotApplicable = 3 };

struct TableCell {
  std::string text;
  CellState state = CellState::kUnspecified;
};

struct TableRow {
  std::vector<TableCell> cells;
  SourceSpan source;
};

struct IndicatorTable {
  int index = 0;
  std::vector<TableRow> header_rows;
  std::vector<TableRow> rows;
  SourceSpan source;
};

enum class AnnexKind { kUnspecified = 0, kTaskTable = 1, kIndicatorTable = 2 };

struct Annex {
  int number = 0;
  std::string title;
  AnnexKind kind = AnnexKind::kUnspecified;
  std::vector<Section> sections;
  std::vector<IndicatorTable> indicator_tables;
  SourceSpan source;
};

struct ParseWarning {
  ParseWarning() = default;
  // Not an aggregate, so that ParseWarning{line, code, message} leaves the position empty.
  ParseWarning(int line_number, std::string warning_code, std::string text,
               std::string position = "")
      : line(line_number),
        code(std::move(warning_code)),
        message(std::move(text)),
        document_position(std::move(position)) {}
  int line = 0;
  std::string code;  // machine-readable, e.g. "empty-responsible-cell"
  std::string message;
  std::string document_position;  // a .docx import: "paragraph 12", "table 3 row 5 cell 2"
};

struct PlanSummary {
  int annex_count = 0, section_count = 0, subsection_count = 0, task_count = 0, measure_count = 0,
      featured_measure_count = 0, organization_count = 0, due_date_deadline_count = 0,
      window_deadline_count = 0, ongoing_deadline_count = 0, unresolved_deadline_count = 0,
      indicator_table_count = 0, supervision_task_count = 0, warning_count = 0;
};

struct Plan {
  std::string id;  // "{year}-{12 hex of sha256}"
  std::string title;
  std::string document_number;
  std::string issuer;
  std::string district;
  std::optional<absl::CivilDay> issue_date;
  int year = 0;
  std::string supersedes_document_number;
  std::string supersedes_title;
  std::string reporting_rule_text;
  int reporting_due_day = 0;
  std::string reporting_recipient;
  std::string time_zone = "Asia/Shanghai";
  // Lowercase hex SHA-256 of the document as received (the file's bytes), and
  // of its normalized text (common::NormalizeDocumentText), which gives the
  // plan its id: a CRLF or BOM copy of a document is the same plan.
  std::string source_sha256;
  std::string normalized_sha256;
  // The format the plan was imported from: "text/plain" or the .docx media
  // type; empty for plans imported before the field existed (text).
  std::string source_media_type;
  std::vector<Annex> annexes;
  PlanSummary summary;
  absl::Time import_time = absl::InfinitePast();
  std::vector<ParseWarning> warnings;
};

// One correction of a measure, for the audit trail.
struct MeasureRevision {
  int revision = 0;
  absl::Time time = absl::InfinitePast();
  std::string actor;
  std::string reason;
  std::vector<std::string> changed_fields;
  Measure before;
  Measure after;
  std::string request_id;
};

// A measure's etag: changes with every revision. Opaque to clients.
inline std::string MeasureEtag(const Measure& measure) {
  return absl::StrCat("r", measure.revision);
}

// What the checkpoint grammar needs of a measure of `plan`: the plan year, the
// measure's due day (none when ongoing or unresolved), and the day reporting
// obligations start after (the plan's issue date; the eve of the year when it
// has none).
inline common::CheckpointContext CheckpointContextOf(int plan_year,
                                                     std::optional<absl::CivilDay> issue_date,
                                                     const Deadline& deadline) {
  common::CheckpointContext context;
  context.year = plan_year;
  if (deadline.kind == DeadlineKind::kDueDate || deadline.kind == DeadlineKind::kWindow) {
    context.measure_due = deadline.due;
  }
  context.obligations_from = issue_date.value_or(absl::CivilDay(plan_year, 1, 1) - 1);
  return context;
}

// A task's etag: changes whenever one of its measures changes.
inline std::string TaskEtag(const Task& task) {
  int total = 0;
  for (const Measure& m : task.measures) total += m.revision;
  return absl::StrCat("r", total);
}

}  // namespace ecoplan::registry
