#pragma once

// Reads an action plan from its Word document (.docx), as the district has it.
//
// ONE parser decides what a plan is: the document (common/docx/docx_reader.h
// reads its paragraphs and tables from the document's own table structure)
// is written out in the text format plan_parser.h reads, and that text is
// parsed. Each line of the text remembers where in the document it came
// from, so the plan's provenance (every SourceSpan and ParseWarning) also
// names a document position, e.g. "table 3 row 5 cell 2 paragraph 2".
//
// The text written (DocxToPlanText):
//   - a body paragraph is a line (a line break inside it starts another line);
//     empty paragraphs are blank lines;
//   - a table row is its cells, each starting on a TAB line with its further
//     paragraphs as continuation lines (trailing empty ones left out), and a
//     blank line ends the row; tabs inside text are spaces;
//   - a cell that continues a vertical merge (w:vMerge) is empty: in a task
//     table, a measure row under a merged 序号/重点任务 cell is a measure of
//     the task above, just as the text format says it with empty cells;
//   - a row whose only cell spans the table (a 一、/（一） heading row) is a
//     one-cell row; any other cell spanning several columns is one cell, as
//     Word's own text export writes it, with a "docx-merged-columns" warning.
// What the document does that the text cannot say (tracked changes, text
// boxes, images, nested tables, text hidden under a merge; see
// docx_reader.h) becomes a ParseWarning with its document position.
//
// Identity: Plan.source_sha256 and Plan.id are what the parser computes on
// the text written, so the same .docx imported again has the same id.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/docx/docx_reader.h"
#include "services/registry/domain/plan_parser.h"

namespace ecoplan::registry {

// The text a .docx reads as, and where each line came from.
struct DocxPlanText {
  std::string text;
  std::vector<std::string> line_positions;  // [line - 1]: the document position of the line
  std::vector<ParseWarning> warnings;       // the document's notes, with their lines
};

// Writes `document` in the plan text format (above). Pure; never fails.
DocxPlanText DocxToPlanText(const common::DocxDocument& document);

// Reads and parses the .docx `bytes` (as received; at most kMaxDocumentBytes
// is the caller's check). Plan.source_media_type is the .docx media type.
// Errors: InvalidArgument naming the problem — the document's (see
// common::ReadDocx: not a .docx, a zip bomb, a DOCTYPE, too deep …), text
// larger than `max_text_bytes`, or the parser's, whose "line N: " becomes
// "<document position> (line N of the document's text): ".
absl::StatusOr<ParsedPlan> ParsePlanDocx(absl::string_view bytes, const ParseOptions& options = {},
                                         size_t max_text_bytes = 4u << 20);

}  // namespace ecoplan::registry
