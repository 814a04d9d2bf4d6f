// Task tables of a plan document: section and subsection headings, task rows
// and the measure rows under them, with each measure's text, deadline and
// checkpoints. See plan_parser.h for the format.

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "common/calendar/checkpoints.h"
#include "common/calendar/deadline.h"
#include "services/registry/domain/plan_parser_internal.h"

namespace ecoplan::registry::parser_internal {
namespace {

// Index into ParsedPlan.tasks meaning "no task yet".
constexpr size_t kNoTask = static_cast<size_t>(-1);

absl::Status CheckTaskHeader(const std::vector<Cell>& cells, const Annex& annex) {
  if (cells.size() < kTaskColumns) {
    return Error(cells.back().last_line,
                 absl::StrCat("the task table header of annex ", annex.number, " is cut short"));
  }
  for (int c = 0; c < kTaskColumns; ++c) {
    if (cells[c].Joined() != kTaskHeader[c]) {
      return Error(cells[c].first_line,
                   absl::StrCat("task table header: expected «", kTaskHeader[c], "» in column ",
                                c + 1, ", found «", cells[c].Joined(), "»"));
    }
  }
  return absl::OkStatus();
}

DeadlineKind DeadlineKindOf(common::DeadlineKind kind) {
  switch (kind) {
    case common::DeadlineKind::kDueDate:
      return DeadlineKind::kDueDate;
    case common::DeadlineKind::kWindow:
      return DeadlineKind::kWindow;
    case common::DeadlineKind::kOngoing:
      return DeadlineKind::kOngoing;
    case common::DeadlineKind::kUnresolved:
      break;
  }
  return DeadlineKind::kUnresolved;
}

// A heading's `title` (the end of head.Joined()) as the document writes it.
std::string WrittenTitle(const Cell& head, const std::string& title) {
  const std::string written = head.WrittenJoined();
  if (CodePoints(written).size() != CodePoints(head.Joined()).size()) return title;
  return std::string(LastCodePoints(written, CodePoints(title).size()));
}

}  // namespace

struct Parser::TaskTableCursor {
  Section* section = nullptr;
  Section* subsection = nullptr;
  // Index into out_.tasks of the task that rows append to, or kNoTask.
  size_t task_index = kNoTask;
  absl::flat_hash_set<int> sequence_numbers;
  int last_sequence = 0;
};

absl::Status Parser::ParseTaskTable(const std::vector<Cell>& cells, Annex* annex) {
  if (absl::Status s = CheckTaskHeader(cells, *annex); !s.ok()) return s;
  TaskTableCursor cursor;
  bool any_row = false;
  size_t i = kTaskColumns;
  while (i < cells.size()) {
    if (ParseSectionRow(cells[i], annex, cursor)) {
      ++i;
      continue;
    }
    bool subsection = false;
    if (absl::Status s = ParseSubsectionRow(cells[i], annex, cursor, &subsection); !s.ok()) {
      return s;
    }
    if (subsection) {
      ++i;
      continue;
    }
    if (absl::Status s = ParseTaskRow(cells, i, *annex, cursor); !s.ok()) return s;
    any_row = true;
    i += kTaskColumns;
  }
  if (!any_row) {
    return Error(cells.back().last_line,
                 absl::StrCat("the task table of annex ", annex->number, " has no task rows"));
  }
  return absl::OkStatus();
}

bool Parser::ParseSectionRow(const Cell& head, Annex* annex, TaskTableCursor& cursor) {
  std::string number, title;
  if (!ParseSectionHeading(head.Joined(), &number, &title)) return false;
  Section s;
  s.id = absl::StrCat("s", annex->sections.size() + 1);
  s.number = number;
  s.title = WrittenTitle(head, title);
  s.source = SourceSpan{head.first_line, head.last_line};
  if (ChineseNumeralValue(number) != static_cast<int>(annex->sections.size()) + 1) {
    Warn(head.first_line, "section-number-gap",
         absl::StrCat("section «", number, "、» is section ", annex->sections.size() + 1,
                      " of annex ", annex->number, "; its id is ", s.id));
  }
  annex->sections.push_back(std::move(s));
  cursor.section = &annex->sections.back();
  cursor.subsection = nullptr;
  cursor.task_index = kNoTask;
  return true;
}

absl::Status Parser::ParseSubsectionRow(const Cell& head, Annex* annex, TaskTableCursor& cursor,
                                        bool* parsed) {
  const std::string head_text = head.Joined();
  std::string number, title;
  *parsed = ParseSubsectionHeading(head_text, &number, &title);
  if (!*parsed) return absl::OkStatus();
  Section* section = cursor.section;
  if (section == nullptr) {
    return Error(head.first_line,
                 absl::StrCat("subsection heading «", head_text, "» before any section heading"));
  }
  Section s;
  s.id = absl::StrCat(section->id, ".", section->subsections.size() + 1);
  s.number = number;
  s.title = WrittenTitle(head, title);
  s.source = SourceSpan{head.first_line, head.last_line};
  const std::string inner =
      number.substr(std::string("（").size(), number.size() - 2 * std::string("（").size());
  if (ChineseNumeralValue(inner) != static_cast<int>(section->subsections.size()) + 1) {
    Warn(head.first_line, "section-number-gap",
         absl::StrCat("subsection «", number, "» is subsection ", section->subsections.size() + 1,
                      " of section ", section->id, "; its id is ", s.id));
  }
  section->subsections.push_back(std::move(s));
  cursor.subsection = &section->subsections.back();
  cursor.task_index = kNoTask;
  return absl::OkStatus();
}

// A data row: six cells from cells[i]. Starts a task when it has a number or
// a title, and adds its measure to the current task.
absl::Status Parser::ParseTaskRow(const std::vector<Cell>& cells, size_t i, const Annex& annex,
                                  TaskTableCursor& cursor) {
  const Cell& head = cells[i];
  const std::string head_text = head.Joined();
  if (i + kTaskColumns > cells.size()) {
    return Error(head.first_line,
                 absl::StrCat("task row cut short: ", cells.size() - i, " of ", kTaskColumns,
                              " cells (序号, 重点任务, 工作措施, 完成时限, 牵头部门, 责任单位)"));
  }
  if (!head_text.empty() && !AllAsciiDigits(head_text)) {
    return Error(head.first_line,
                 absl::StrCat("expected a task number, a section heading (一、…), a subsection "
                              "heading (（一）…) or an empty cell, found «",
                              head_text.substr(0, 60), "»"));
  }
  for (int c = 1; c < kTaskColumns; ++c) {
    const Cell& cell = cells[i + c];
    if (IsHeading(cell.Joined()) && c != 2) {
      return Error(cell.first_line,
                   absl::StrCat("task row starting at line ", head.first_line, " is cut short: «",
                                cell.Joined(), "» is a heading, expected ", kTaskHeader[c]));
    }
  }
  const Cell& title_cell = cells[i + 1];
  const Cell& text_cell = cells[i + 2];
  const Cell& deadline_cell = cells[i + 3];
  const Cell& lead_cell = cells[i + 4];
  const Cell& responsible_cell = cells[i + 5];
  const SourceSpan row_span{head.first_line, responsible_cell.last_line};

  if (!head_text.empty() || !title_cell.Joined().empty()) {
    if (absl::Status s = StartTask(head, title_cell, row_span, annex, cursor); !s.ok()) return s;
  } else if (cursor.task_index == kNoTask) {
    return Error(head.first_line,
                 "a measure row (empty 序号 and 重点任务) with no task above it in its section");
  }

  Task& task = out_.tasks[cursor.task_index];
  task.source.last_line = row_span.last_line;
  Measure m;
  m.ordinal = static_cast<int>(task.measures.size()) + 1;
  m.task_id = task.id;
  m.id = absl::StrCat(task.id, "-m", m.ordinal);
  m.source = row_span;
  const std::string normalized_text = ParseMeasureText(text_cell, m);
  ParseMeasureDeadline(deadline_cell, m);
  ParseMeasureCheckpoints(text_cell, normalized_text, m);

  PendingMeasure pending;
  pending.task_index = cursor.task_index;
  pending.leads = ParseOrgCell(lead_cell, /*lead=*/true, head.first_line);
  pending.responsibles = ParseOrgCell(responsible_cell, /*lead=*/false, head.first_line);
  if (pending.leads.names.empty() && !lead_cell.Empty()) {
    Warn(
        lead_cell.first_line, "no-lead-organization",
        absl::StrCat("measure ", m.id, " names no lead organization («", lead_cell.Joined(), "»)"));
  }
  pending_.push_back(std::move(pending));
  task.measures.push_back(std::move(m));
  return absl::OkStatus();
}

absl::Status Parser::StartTask(const Cell& head, const Cell& title_cell, const SourceSpan& row_span,
                               const Annex& annex, TaskTableCursor& cursor) {
  const std::string head_text = head.Joined();
  const std::string task_title = title_cell.WrittenJoined();
  int sequence = 0;
  if (head_text.empty()) {
    sequence = cursor.last_sequence + 1;
    Warn(head.first_line, "task-without-number",
         absl::StrCat("task «", task_title, "» has no number; numbered ", sequence));
  } else {
    if (!absl::SimpleAtoi(head_text, &sequence)) {
      return Error(head.first_line,
                   absl::StrCat("«", head_text, "» in the 序号 column is not a task number"));
    }
    if (sequence != cursor.last_sequence + 1) {
      Warn(head.first_line, "task-sequence-gap",
           absl::StrCat("task ", sequence, " follows task ", cursor.last_sequence, " in annex ",
                        annex.number));
    }
  }
  if (!cursor.sequence_numbers.insert(sequence).second) {
    return Error(head.first_line,
                 absl::StrCat("task number ", sequence, " appears twice in annex ", annex.number));
  }
  cursor.last_sequence = std::max(cursor.last_sequence, sequence);
  Task task;
  task.id = absl::StrCat("a", annex.number, "-t", sequence);
  task.origin = TaskOrigin::kDocument;
  task.annex_number = annex.number;
  task.section_id = cursor.section != nullptr ? cursor.section->id : "";
  task.subsection_id = cursor.subsection != nullptr ? cursor.subsection->id : "";
  task.sequence_number = sequence;
  task.title = task_title;
  task.source = row_span;
  if (cursor.section == nullptr) {
    Warn(head.first_line, "task-outside-section",
         absl::StrCat("task ", task.id, " precedes any section heading"));
  }
  if (task_title.empty()) {
    Warn(title_cell.first_line, "empty-task-title",
         absl::StrCat("task ", task.id, " has no title"));
  }
  out_.tasks.push_back(std::move(task));
  cursor.task_index = out_.tasks.size() - 1;
  return absl::OkStatus();
}

std::string Parser::ParseMeasureText(const Cell& text_cell, Measure& m) {
  // Paragraphs of the measure text; ★ marks a featured measure. The stored
  // text is the document's (written_parts); the normalized one is returned
  // for the checkpoint phrases.
  std::vector<std::string> paragraphs, normalized;
  bool star_seen = false;
  for (size_t p = 0; p < text_cell.parts.size(); ++p) {
    std::string para = text_cell.parts[p];
    std::string written = text_cell.written_parts[p];
    if (para.empty()) continue;
    if (absl::StrContains(para, "★")) {
      const bool at_start = paragraphs.empty() && !star_seen && absl::StartsWith(para, "★");
      if (!at_start) {
        Warn(text_cell.first_line + static_cast<int>(p), "featured-marker-inside-text",
             absl::StrCat("measure ", m.id,
                          ": ★ marks only part of the measure text; the whole measure is "
                          "marked featured"));
      }
      star_seen = true;
      absl::StrReplaceAll({{"★", ""}}, &para);
      absl::StrReplaceAll({{"★", ""}}, &written);
      para = std::string(Trim(para));
      written = std::string(Trim(written));
      if (para.empty()) continue;
    }
    paragraphs.push_back(std::move(written));
    normalized.push_back(std::move(para));
  }
  m.featured = star_seen;
  m.text = absl::StrJoin(paragraphs, "\n");
  if (m.text.empty()) {
    Warn(text_cell.first_line, "empty-measure-text",
         absl::StrCat("measure ", m.id, " has no text"));
  }
  return absl::StrJoin(normalized, "\n");
}

void Parser::ParseMeasureDeadline(const Cell& deadline_cell, Measure& m) {
  m.deadline.raw = deadline_cell.WrittenJoined();
  const common::ResolvedDeadline resolved =
      common::ResolveDeadline(deadline_cell.Joined(), out_.plan.year);
  m.deadline.kind = DeadlineKindOf(resolved.kind);
  m.deadline.window_start = resolved.window_start;
  m.deadline.due = resolved.due;
  if (m.deadline.raw.empty()) {
    Warn(deadline_cell.first_line, "empty-deadline",
         absl::StrCat("measure ", m.id, " has no deadline"));
  } else if (m.deadline.kind == DeadlineKind::kUnresolved) {
    Warn(deadline_cell.first_line, "unresolved-deadline",
         absl::StrCat("measure ", m.id, ": deadline «", m.deadline.raw,
                      "» not understood; kept as written"));
  }
}

void Parser::ParseMeasureCheckpoints(const Cell& text_cell, const std::string& normalized_text,
                                     Measure& m) {
  const common::CheckpointExtraction checkpoints = common::ExtractCheckpoints(
      normalized_text, CheckpointContextOf(out_.plan.year, out_.plan.issue_date, m.deadline));
  m.checkpoints = checkpoints.checkpoints;
  for (const common::UnparsedCheckpoint& phrase : checkpoints.unparsed) {
    Warn(text_cell.first_line, "checkpoint-unparsed",
         absl::StrCat("measure ", m.id, ": «", phrase.phrase,
                      "» reads like an obligation but names no period; name its checkpoints "
                      "with UpdateMeasure (update_mask checkpoints)"));
  }
}

}  // namespace ecoplan::registry::parser_internal
