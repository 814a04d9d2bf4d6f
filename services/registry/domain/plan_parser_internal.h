#pragma once

// The plan-document parser's parts, shared by its files (plan_parser*.cc);
// not part of its interface: include it only from those files.
//
//   plan_parser.cc                    the walk over the document: front matter,
//                                     annexes, the annex list check, summary
//   plan_parser_text.cc               line classification: numerals, headings,
//                                     dates, document numbers, table cells
//   plan_parser_front_matter.cc       issuer, number, title, year, issue date,
//                                     reporting rule, repeal, annex list
//   plan_parser_task_table.cc         task tables: sections, tasks, measures,
//                                     their deadlines and checkpoints
//   plan_parser_organizations.cc      organization cells and their resolution
//   plan_parser_indicator_tables.cc   indicator tables and the town table

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/text/normalize.h"
#include "services/registry/domain/model.h"
#include "services/registry/domain/plan_parser.h"

namespace ecoplan::registry::parser_internal {

// The header row of a task table, column by column.
inline constexpr absl::string_view kTaskHeader[] = {"序号",     "重点任务", "工作措施",
                                                    "完成时限", "牵头部门", "责任单位"};
inline constexpr int kTaskColumns = 6;

// --- Line classification (plan_parser_text.cc) ---

inline absl::string_view Trim(absl::string_view s) { return common::TrimDocumentSpace(s); }

bool AllAsciiDigits(absl::string_view s);

// Splits a UTF-8 string into code points (as string_views).
std::vector<absl::string_view> CodePoints(absl::string_view s);

// Value of a Chinese numeral 一 .. 九十九, or -1.
int ChineseNumeralValue(absl::string_view s);

// "一、共筑美丽蓝天" → number "一", title "共筑美丽蓝天".
bool ParseSectionHeading(absl::string_view t, std::string* number, std::string* title);

// "（一）空气质量目标" → number "（一）", title "空气质量目标".
bool ParseSubsectionHeading(absl::string_view t, std::string* number, std::string* title);

// A section or subsection heading.
bool IsHeading(absl::string_view t);

// True for "——", "—", "-", "－", "--" …: the document's "none".
bool IsDashOnly(absl::string_view t);

// "2026年3月31日" alone on a line.
std::optional<absl::CivilDay> ParseChineseDate(absl::string_view t);

// A document number such as 门政办发〔2026〕1号 found in `t`, or "" (with the
// start offset in *pos).
std::string FindDocumentNumber(absl::string_view t, size_t* pos = nullptr);

// Text between the first `open` and the last `close` after it, or "".
std::string Between(absl::string_view t, absl::string_view open, absl::string_view close,
                    size_t from = 0);

std::string RemoveSpaces(absl::string_view s);

// One table cell: the TAB line and the lines that continue it.
struct Cell {
  int first_line = 0;              // line of the TAB
  int last_line = 0;               // last line with text (first_line if none)
  std::vector<std::string> parts;  // each line, normalized and trimmed (empty for blank lines)
  // The same lines as the document writes them (see Parser::WrittenForm): the
  // text people read and quote. `parts` is for matching, ids and numbers.
  std::vector<std::string> written_parts;
  int trailing_blank_lines = 0;

  // The lines joined without separator (names and numbers split by the page
  // layout), trimmed.
  std::string Joined() const {
    std::string out;
    for (const std::string& p : parts) out += p;
    return std::string(Trim(out));
  }
  bool Empty() const { return Joined().empty(); }
  // Joined() as written.
  std::string WrittenJoined() const {
    std::string out;
    for (const std::string& p : written_parts) out += p;
    return std::string(Trim(out));
  }
};

// The lines of `text` as written: a leading byte-order mark dropped, split at
// LF, CRLF or a lone CR exactly where common::NormalizeDocumentText puts its
// line feeds, so line N here is line N of the normalized text.
std::vector<absl::string_view> SplitWrittenLines(absl::string_view text);

// The last `code_points` code points of `s` (all of it when it has fewer).
absl::string_view LastCodePoints(absl::string_view s, size_t code_points);

// The parse error at 1-based line `line`: InvalidArgument "line N: message".
inline absl::Status Error(int line, absl::string_view message) {
  return absl::InvalidArgumentError(absl::StrCat("line ", line, ": ", message));
}

// The parse of one document: each Parser method reads lines_ and adds to out_
// and warnings_. Run() is the whole parse.
class Parser {
 public:
  Parser(absl::string_view original, const ParseOptions& options)
      : options_(options),
        original_(original),
        text_(common::NormalizeDocumentText(original)),
        written_lines_(SplitWrittenLines(original)) {
    lines_ = absl::StrSplit(text_, '\n');
    // A final newline does not start another line.
    if (!lines_.empty() && lines_.back().empty() && !text_.empty()) lines_.pop_back();
  }

  absl::StatusOr<ParsedPlan> Run();

 private:
  struct Written {  // organizations of one cell, as written
    std::vector<std::string> names;
  };
  struct PendingMeasure {
    size_t task_index;
    Written leads, responsibles;
  };
  // Where the rows of a task table append (defined in plan_parser_task_table.cc).
  struct TaskTableCursor;

  void Warn(int line, absl::string_view code, std::string message) {
    warnings_.push_back(ParseWarning{line, std::string(code), std::move(message)});
  }
  absl::string_view LineText(int number) const {  // 1-based
    return lines_[static_cast<size_t>(number - 1)];
  }
  int LineCount() const { return static_cast<int>(lines_.size()); }
  // `part`, a view into normalized line `number`, as the document writes it:
  // the same code points of the original line. Normalization maps code points
  // one to one except where Unicode composition merges some; on such a line
  // the normalized text is returned and a "text-normalized" warning raised.
  std::string WrittenForm(int number, absl::string_view part);

  // The document (plan_parser.cc).
  std::vector<std::pair<int, int>> FindAnnexHeadings() const;
  int FindColophon(int after_line) const;
  absl::Status ParseAnnexes(const std::vector<std::pair<int, int>>& headings, int tables_end);
  absl::Status CheckAnnexList(const std::vector<std::pair<int, int>>& headings);
  absl::Status ParseAnnex(int heading_line, int end_line, int number);
  std::vector<Cell> CollectCells(int begin_line, int end_line, int* first_cell_line);
  void Summarize();

  // Front matter (plan_parser_front_matter.cc); each step returns the line it
  // found its item on, 0 when it found none.
  absl::Status ParseFrontMatter(int end_line);
  int ParseDocumentNumber(int end_line);
  void ParseIssuer(int first_line, int number_line);
  int ParseTitle(int number_line, int end_line);
  absl::Status ParsePlanYear(int title_line);
  void ParseIssueDate(int number_line, int end_line);
  void ParseReportingRule(int title_line, int end_line);
  bool ParseReportingRuleAt(int line, absl::string_view rule_start);
  void ParseRepeal(int title_line, int end_line);
  void ParseAnnexList(int begin_line, int end_line);

  // Task tables (plan_parser_task_table.cc).
  absl::Status ParseTaskTable(const std::vector<Cell>& cells, Annex* annex);
  bool ParseSectionRow(const Cell& head, Annex* annex, TaskTableCursor& cursor);
  absl::Status ParseSubsectionRow(const Cell& head, Annex* annex, TaskTableCursor& cursor,
                                  bool* parsed);
  absl::Status ParseTaskRow(const std::vector<Cell>& cells, size_t i, const Annex& annex,
                            TaskTableCursor& cursor);
  absl::Status StartTask(const Cell& head, const Cell& title_cell, const SourceSpan& row_span,
                         const Annex& annex, TaskTableCursor& cursor);
  std::string ParseMeasureText(const Cell& text_cell, Measure& m);  // returns the normalized text
  void ParseMeasureDeadline(const Cell& deadline_cell, Measure& m);
  void ParseMeasureCheckpoints(const Cell& text_cell, const std::string& normalized_text,
                               Measure& m);

  // Organizations (plan_parser_organizations.cc).
  Written ParseOrgCell(const Cell& cell, bool lead, int measure_line);
  void ResolveOrganizations();

  // Indicator tables (plan_parser_indicator_tables.cc).
  absl::Status ParseIndicatorTables(const std::vector<Cell>& cells, Annex* annex);
  void CheckIndicatorRow(const IndicatorTable& table, const TableRow& row);
  void CollectTownNames(const Annex& annex);

  const ParseOptions& options_;
  absl::string_view original_;  // as received, for the file's digest
  std::string text_;            // normalized: what the parse reads
  std::vector<absl::string_view> lines_;
  std::vector<absl::string_view> written_lines_;  // original_ by line
  std::vector<int> lines_warned_normalized_;
  ParsedPlan out_;
  std::vector<ParseWarning> warnings_;
  std::vector<PendingMeasure> pending_;  // one per measure, in order
  std::vector<std::string> town_names_;  // from a town/street table
  int annex_list_line_ = 0;
  int reporting_rule_line_ = 0;
  std::vector<std::pair<int, std::string>> annex_list_;  // number, title
};

}  // namespace ecoplan::registry::parser_internal
