#include "services/registry/domain/plan_parser.h"

// The walk over a plan document: front matter, then each annex (a task table
// or indicator tables), the check against the annex list, organizations, and
// the summary. The parts are in plan_parser_*.cc (see plan_parser_internal.h).
//
// Warning codes (ParseWarning.code). Kept in one place so that callers and
// tests can rely on them.
//   annex-number-gap, annex-without-title, annex-not-listed, annex-title-mismatch,
//   no-colophon, no-issuer, no-district, no-issue-date, title-line-missing,
//   no-reporting-rule, reporting-rule-unparsed, reporting-recipient-unknown,
//   supersedes-unparsed, section-number-gap, task-outside-section, task-sequence-gap,
//   task-without-number, empty-task-title, empty-measure-text,
//   featured-marker-inside-text, empty-deadline, unresolved-deadline, checkpoint-unparsed,
//   empty-lead-cell,
//   empty-responsible-cell, no-lead-organization, organization-name-joined,
//   organization-name-unrecognized, group-word-assumed, town-not-in-town-table,
//   all-towns-unknown, two-level-header, short-table-row, long-table-row, row-without-label

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/text/normalize.h"
#include "services/registry/domain/plan_parser_internal.h"

namespace ecoplan::registry {
namespace parser_internal {

absl::StatusOr<ParsedPlan> Parser::Run() {
  if (options_.time_zone.empty()) {
    return absl::InvalidArgumentError("options.time_zone is empty");
  }
  if (Trim(text_).empty() || std::all_of(lines_.begin(), lines_.end(),
                                         [](absl::string_view l) { return Trim(l).empty(); })) {
    return Error(1, "the document is empty");
  }
  const std::vector<std::pair<int, int>> headings = FindAnnexHeadings();
  const int front_end = headings.empty() ? LineCount() : headings.front().first - 1;
  if (absl::Status s = ParseFrontMatter(front_end); !s.ok()) return s;
  if (headings.empty()) {
    return Error(LineCount(),
                 "no annex (a line 附件1 followed by its table) found: the document is truncated "
                 "or is not an action plan");
  }
  // The colophon (抄送：…, …印发) ends the last annex.
  const int colophon = FindColophon(headings.back().first);
  if (colophon == 0) {
    Warn(LineCount(), "no-colophon",
         "no 抄送/印发 lines after the last annex: the document may be truncated");
  }
  const int tables_end = colophon == 0 ? LineCount() : colophon - 1;
  if (absl::Status s = ParseAnnexes(headings, tables_end); !s.ok()) return s;
  if (absl::Status s = CheckAnnexList(headings); !s.ok()) return s;

  ResolveOrganizations();
  std::stable_sort(warnings_.begin(), warnings_.end(),
                   [](const ParseWarning& a, const ParseWarning& b) { return a.line < b.line; });
  out_.plan.warnings = std::move(warnings_);
  Summarize();
  return std::move(out_);
}

// Annex headings: a line that is exactly 附件N; (line, N) in document order.
std::vector<std::pair<int, int>> Parser::FindAnnexHeadings() const {
  std::vector<std::pair<int, int>> headings;  // line, number
  for (int n = 1; n <= LineCount(); ++n) {
    absl::string_view t = Trim(LineText(n));
    if (!absl::ConsumePrefix(&t, "附件")) continue;
    t = Trim(t);
    int number = 0;
    if (AllAsciiDigits(t) && t.size() <= 3 && absl::SimpleAtoi(t, &number)) {
      headings.emplace_back(n, number);
    }
  }
  return headings;
}

// The first colophon line (抄送…, …日印发) after `after_line`, outside table
// cells; 0 when there is none.
int Parser::FindColophon(int after_line) const {
  for (int n = after_line + 1; n <= LineCount(); ++n) {
    absl::string_view t = Trim(LineText(n));
    if (absl::StartsWith(LineText(n), "\t")) continue;
    if (absl::StartsWith(t, "抄送") || absl::EndsWith(t, "日印发")) return n;
  }
  return 0;
}

absl::Status Parser::ParseAnnexes(const std::vector<std::pair<int, int>>& headings,
                                  int tables_end) {
  absl::flat_hash_set<int> numbers;
  for (size_t i = 0; i < headings.size(); ++i) {
    const auto [line, number] = headings[i];
    if (!numbers.insert(number).second) {
      return Error(line, absl::StrCat("annex ", number, " appears twice"));
    }
    const int expected = i == 0 ? 1 : headings[i - 1].second + 1;
    if (number != expected) {
      Warn(
          line, "annex-number-gap",
          absl::StrCat("annex ", number, " follows annex ", expected - 1, "; expected ", expected));
    }
    const int end = i + 1 < headings.size() ? headings[i + 1].first - 1 : tables_end;
    if (absl::Status s = ParseAnnex(line, end, number); !s.ok()) return s;
  }
  return absl::OkStatus();
}

// The annex list says how many annexes there should be: fewer means truncated.
// Also warns about annexes the list does not name or names differently.
absl::Status Parser::CheckAnnexList(const std::vector<std::pair<int, int>>& headings) {
  if (annex_list_.empty()) return absl::OkStatus();
  absl::flat_hash_set<int> numbers;
  for (const auto& [line, number] : headings) numbers.insert(number);
  const int last_present = headings.back().second;
  std::vector<std::string> missing;
  for (const auto& [number, title] : annex_list_) {
    if (!numbers.contains(number)) missing.push_back(absl::StrCat(number));
  }
  if (!missing.empty()) {
    const bool truncated = std::all_of(annex_list_.begin(), annex_list_.end(), [&](const auto& a) {
      return numbers.contains(a.first) || a.first > last_present;
    });
    if (truncated) {
      return Error(LineCount(), absl::StrCat("the document ends in annex ", last_present,
                                             " but the annex list (line ", annex_list_line_,
                                             ") also names annex ", absl::StrJoin(missing, ", "),
                                             ": the document is truncated"));
    }
    Warn(annex_list_line_, "annex-not-listed",
         absl::StrCat("the annex list names annex ", absl::StrJoin(missing, ", "),
                      " which the document does not contain"));
  }
  for (const Annex& annex : out_.plan.annexes) {
    auto it = std::find_if(annex_list_.begin(), annex_list_.end(),
                           [&](const auto& a) { return a.first == annex.number; });
    if (it == annex_list_.end()) {
      Warn(annex.source.first_line, "annex-not-listed",
           absl::StrCat("annex ", annex.number, " is not in the annex list (line ",
                        annex_list_line_, ")"));
    } else if (RemoveSpaces(it->second) != RemoveSpaces(annex.title)) {
      Warn(annex.source.first_line, "annex-title-mismatch",
           absl::StrCat("annex ", annex.number, " is titled «", annex.title,
                        "» but the annex list (line ", annex_list_line_, ") says «", it->second,
                        "»; the heading's title is used"));
    }
  }
  return absl::OkStatus();
}

absl::Status Parser::ParseAnnex(int heading_line, int end_line, int number) {
  Annex annex;
  annex.number = number;
  int first_cell_line = 0;
  std::vector<Cell> cells = CollectCells(heading_line + 1, end_line, &first_cell_line);
  if (cells.empty()) {
    return Error(heading_line,
                 absl::StrCat("annex ", number,
                              " has no table (no line starting with a TAB follows "
                              "its heading): the document is truncated or malformed"));
  }
  for (int n = heading_line + 1; n < first_cell_line; ++n)
    annex.title += WrittenForm(n, Trim(LineText(n)));
  if (annex.title.empty()) {
    Warn(heading_line, "annex-without-title", absl::StrCat("annex ", number, " has no title"));
  }
  int last = heading_line;
  for (int n = heading_line; n <= end_line; ++n) {
    if (!Trim(LineText(n)).empty()) last = n;
  }
  annex.source = SourceSpan{heading_line, last};
  if (cells.front().Joined() == kTaskHeader[0]) {
    annex.kind = AnnexKind::kTaskTable;
    if (absl::Status s = ParseTaskTable(cells, &annex); !s.ok()) return s;
  } else {
    annex.kind = AnnexKind::kIndicatorTable;
    if (absl::Status s = ParseIndicatorTables(cells, &annex); !s.ok()) return s;
  }
  out_.plan.annexes.push_back(std::move(annex));
  return absl::OkStatus();
}

std::string Parser::WrittenForm(int number, absl::string_view part) {
  const absl::string_view line = LineText(number);
  const size_t index = static_cast<size_t>(number - 1);
  if (part.empty() || index >= written_lines_.size()) return std::string(part);
  const std::vector<absl::string_view> normalized = CodePoints(line);
  const std::vector<absl::string_view> written = CodePoints(written_lines_[index]);
  if (normalized.size() != written.size()) {
    if (std::find(lines_warned_normalized_.begin(), lines_warned_normalized_.end(), number) ==
        lines_warned_normalized_.end()) {
      lines_warned_normalized_.push_back(number);
      Warn(number, "text-normalized",
           "Unicode composition changed this line's characters; its text is kept in "
           "normalized form");
    }
    return std::string(part);
  }
  // `part` lies inside `line`: find its code points by position.
  const size_t begin = static_cast<size_t>(part.data() - line.data());
  const size_t end = begin + part.size();
  size_t offset = 0, first = 0, last = normalized.size();
  for (size_t i = 0; i < normalized.size(); ++i) {
    if (offset == begin) first = i;
    if (offset == end) last = i;
    offset += normalized[i].size();
  }
  if (first >= last) return std::string(part);
  const char* start = written[first].data();
  const char* stop = written[last - 1].data() + written[last - 1].size();
  return std::string(start, static_cast<size_t>(stop - start));
}

std::vector<Cell> Parser::CollectCells(int begin_line, int end_line, int* first_cell_line) {
  std::vector<Cell> cells;
  *first_cell_line = 0;
  for (int n = begin_line; n <= end_line; ++n) {
    absl::string_view raw = LineText(n);
    if (absl::StartsWith(raw, "\t")) {
      if (*first_cell_line == 0) *first_cell_line = n;
      Cell cell;
      cell.first_line = n;
      cell.last_line = n;
      const absl::string_view part = Trim(raw.substr(1));
      cell.parts.emplace_back(part);
      cell.written_parts.push_back(WrittenForm(n, part));
      cells.push_back(std::move(cell));
    } else if (!cells.empty()) {
      const absl::string_view part = Trim(raw);
      cells.back().parts.emplace_back(part);
      cells.back().written_parts.push_back(WrittenForm(n, part));
    }
  }
  for (Cell& cell : cells) {
    for (size_t i = 0; i < cell.parts.size(); ++i) {
      if (!cell.parts[i].empty()) cell.last_line = cell.first_line + static_cast<int>(i);
    }
    int blanks = 0;
    for (auto it = cell.parts.rbegin(); it != cell.parts.rend() && it->empty(); ++it) ++blanks;
    // A cell that is blank altogether ends in blank lines only if lines follow it.
    cell.trailing_blank_lines = std::min(blanks, static_cast<int>(cell.parts.size()) - 1);
  }
  return cells;
}

void Parser::Summarize() {
  PlanSummary& s = out_.plan.summary;
  s = PlanSummary{};
  s.annex_count = static_cast<int>(out_.plan.annexes.size());
  for (const Annex& a : out_.plan.annexes) {
    s.section_count += static_cast<int>(a.sections.size());
    for (const Section& sec : a.sections)
      s.subsection_count += static_cast<int>(sec.subsections.size());
    s.indicator_table_count += static_cast<int>(a.indicator_tables.size());
  }
  s.task_count = static_cast<int>(out_.tasks.size());
  for (const Task& t : out_.tasks) {
    for (const Measure& m : t.measures) {
      ++s.measure_count;
      if (m.featured) ++s.featured_measure_count;
      switch (m.deadline.kind) {
        case DeadlineKind::kDueDate:
          ++s.due_date_deadline_count;
          break;
        case DeadlineKind::kWindow:
          ++s.window_deadline_count;
          break;
        case DeadlineKind::kOngoing:
          ++s.ongoing_deadline_count;
          break;
        default:
          ++s.unresolved_deadline_count;
          break;
      }
    }
  }
  s.organization_count = static_cast<int>(out_.organizations.size());
  s.warning_count = static_cast<int>(out_.plan.warnings.size());
}

}  // namespace parser_internal

absl::StatusOr<ParsedPlan> ParsePlanDocument(absl::string_view text, const ParseOptions& options) {
  const size_t bad = common::FirstInvalidUtf8Offset(text);
  if (bad != text.size()) {
    const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + bad, '\n'));
    return absl::InvalidArgumentError(
        absl::StrCat("line ", line, ": the document is not valid UTF-8 (byte ", bad, ")"));
  }
  return parser_internal::Parser(text, options).Run();
}

}  // namespace ecoplan::registry
