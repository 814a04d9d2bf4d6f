#pragma once

// Parses an action-plan document (the text format of the shipped seeds) into
// the registry model: plan metadata, annexes with sections and indicator
// tables, tasks with their measures, and the organizations the plan names.
//
// The text format (a Word document saved as text):
//  - front matter: issuer line (…文件), document number (…〔YYYY〕N号), the
//    notice heading 关于印发《TITLE》的通知 (may span lines), the issue date line
//    (YYYY年M月D日), the body (with the reporting rule 每月N日前向X报送… and the
//    repealed plan …（…〔YYYY〕N号）同时废止), the annex list (附件：1.… 2.…);
//  - annexes: a line 附件N, the annex title (one or more lines), then a table;
//  - tables: every cell starts on a line that begins with a TAB; following lines
//    without a TAB (blank ones included) continue that cell;
//  - task tables (annexes whose first cell is 序号) have rows of exactly six cells
//    序号 | 重点任务 | 工作措施 | 完成时限 | 牵头部门 | 责任单位, and one-cell heading rows
//    (一、… sections, （一）… subsections); a row with empty 序号 and 重点任务 adds a
//    measure to the task above;
//  - other annexes hold indicator tables, whose rows end at a blank line followed
//    by a TAB line; a row whose first cell repeats the first header label starts a
//    new table; a header row followed by a row with an empty first cell is a
//    two-level header;
//  - after the last table, the colophon (抄送：…, …印发) is not table content.
//
// Everything (year, issuer, district, numbers, dates, reporting rule, names) is
// read from the text; nothing is specific to one district or year.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/registry/domain/model.h"
#include "services/registry/domain/organization_directory.h"

namespace ecoplan::registry {

struct ParseOptions {
  // IANA zone in which the plan's deadlines are judged; copied to Plan.time_zone.
  std::string time_zone = "Asia/Shanghai";
  // Names that denote the same organization, preferred form first.
  std::vector<AliasGroup> alias_groups = StandardAliasGroups();
};

struct ParsedPlan {
  // Metadata, annexes (sections, indicator tables), warnings and summary.
  // import_time is left at its default: the caller sets it.
  Plan plan;
  // Document tasks with their measures, in document order. create_time and
  // update_time are left at their defaults.
  std::vector<Task> tasks;
  // Every organization named (lead and responsible cells, and the town/street
  // column of an indicator table whose row labels are all towns and streets),
  // aliases merged, sorted by name. Group words (各镇街, 相关部门 …) are not
  // organizations; OrgRefs carry them.
  std::vector<Organization> organizations;
};

// Parses `text` (UTF-8; CRLF, a BOM and half-width/full-width punctuation
// variants accepted: the text is first put through
// common::NormalizeDocumentText, so such variants parse to identical results).
//
// Plan.source_sha256 is the lowercase hex sha256 of the NORMALIZED text and
// Plan.id is "{year}-{its first 12 hex digits}", so a CRLF or BOM copy of a
// document has the same id. Line numbers (SourceSpan, ParseWarning.line, error
// messages) are 1-based lines of the original text; normalization never moves them.
//
// Doubts are reported as Plan.warnings (code + line + message), not guessed
// silently; the codes are listed at the top of plan_parser.cc.
//
// Errors: InvalidArgument with a message starting "line N: " for a document that
// is not valid UTF-8, empty, has no document number, no title or no year in the
// title, no annex, an annex with no table, a task table whose header is not the
// six expected columns, a task row cut short (fewer than six cells, or a heading
// where a cell should be), a sequence cell that is not a number, a measure row
// with no task above it, a duplicate task number or annex number, an indicator
// table without data rows, or fewer annexes than the annex list names (a
// truncated document); also InvalidArgument for an empty options.time_zone.
absl::StatusOr<ParsedPlan> ParsePlanDocument(absl::string_view text,
                                             const ParseOptions& options = {});

}  // namespace ecoplan::registry
