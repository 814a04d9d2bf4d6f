#include "services/registry/domain/docx_plan_reader.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "services/registry/domain/organization_directory.h"

namespace ecoplan::registry {
namespace {

// A TAB starts a cell in the text format, so text never carries one; a CR
// would end a line.
std::string Clean(absl::string_view line) {
  std::string out(line);
  std::replace(out.begin(), out.end(), '\t', ' ');
  std::replace(out.begin(), out.end(), '\r', ' ');
  return out;
}

bool Blank(absl::string_view line) { return absl::StripAsciiWhitespace(line).empty(); }

class TextWriter {
 public:
  void Line(absl::string_view text, const std::string& position) {
    out_.text.append(text.data(), text.size());
    out_.text += '\n';
    out_.line_positions.push_back(position);
  }

  void Paragraph(const common::DocxBlock& block) {
    for (absl::string_view line : absl::StrSplit(block.text, '\n')) {
      Line(Clean(line), block.position);
    }
  }

  void Cell(const common::DocxCell& cell) {
    std::vector<std::pair<std::string, std::string>> lines;  // text, position
    for (size_t p = 0; p < cell.paragraphs.size(); ++p) {
      const std::string position =
          p == 0 ? cell.position : absl::StrCat(cell.position, " paragraph ", p + 1);
      for (absl::string_view line : absl::StrSplit(cell.paragraphs[p], '\n')) {
        lines.emplace_back(Clean(line), position);
      }
    }
    // A trailing blank line followed by the next cell's TAB would end the row.
    while (!lines.empty() && Blank(lines.back().first)) lines.pop_back();
    if (lines.empty()) {
      Line("\t", cell.position);
      return;
    }
    Line(absl::StrCat("\t", lines[0].first), lines[0].second);
    for (size_t i = 1; i < lines.size(); ++i) Line(lines[i].first, lines[i].second);
  }

  void Table(const common::DocxTable& table) {
    for (const common::DocxRow& row : table.rows) {
      if (row.cells.empty()) continue;
      if (row.cells.size() > 1) {
        for (const common::DocxCell& cell : row.cells) {
          if (cell.grid_span > 1) {
            Warn(cell.position, "docx-merged-columns",
                 absl::StrCat("a cell spanning ", cell.grid_span,
                              " columns; read as one cell, as Word's text export writes it"));
          }
        }
      }
      for (const common::DocxCell& cell : row.cells) Cell(cell);
      Line("", row.position);  // a blank line ends the row
    }
  }

  void Warn(const std::string& position, std::string code, std::string message) {
    pending_.push_back(ParseWarning(0, std::move(code), std::move(message), position));
  }

  DocxPlanText Finish(const std::vector<common::DocxNote>& notes) {
    for (const common::DocxNote& note : notes) Warn(note.position, note.code, note.message);
    // A warning's line: the first line written from its position (or within it).
    for (ParseWarning& w : pending_) {
      for (size_t i = 0; i < out_.line_positions.size() && !w.document_position.empty(); ++i) {
        const std::string& p = out_.line_positions[i];
        if (p == w.document_position || absl::StartsWith(p, w.document_position + " ")) {
          w.line = static_cast<int>(i) + 1;
          break;
        }
      }
      out_.warnings.push_back(std::move(w));
    }
    return std::move(out_);
  }

 private:
  DocxPlanText out_;
  std::vector<ParseWarning> pending_;
};

// The position of 1-based `line`, "" outside the text.
std::string PositionOf(const std::vector<std::string>& positions, int line) {
  if (line < 1 || static_cast<size_t>(line) > positions.size()) return "";
  return positions[static_cast<size_t>(line) - 1];
}

void Locate(const std::vector<std::string>& positions, SourceSpan& span) {
  const std::string first = PositionOf(positions, span.first_line);
  const std::string last = PositionOf(positions, span.last_line);
  span.document_position =
      (last.empty() || last == first) ? first : absl::StrCat(first, " to ", last);
}

void LocateSections(const std::vector<std::string>& positions, std::vector<Section>& sections) {
  for (Section& s : sections) {
    Locate(positions, s.source);
    for (Section& sub : s.subsections) Locate(positions, sub.source);
  }
}

// Every SourceSpan and parser warning of `parsed` given its document position.
void LocateAll(const std::vector<std::string>& positions, ParsedPlan& parsed) {
  for (Annex& annex : parsed.plan.annexes) {
    Locate(positions, annex.source);
    LocateSections(positions, annex.sections);
    for (IndicatorTable& table : annex.indicator_tables) {
      Locate(positions, table.source);
      for (TableRow& row : table.header_rows) Locate(positions, row.source);
      for (TableRow& row : table.rows) Locate(positions, row.source);
    }
  }
  for (Task& task : parsed.tasks) {
    Locate(positions, task.source);
    for (Measure& m : task.measures) Locate(positions, m.source);
  }
  for (ParseWarning& w : parsed.plan.warnings) {
    w.document_position = PositionOf(positions, w.line);
  }
}

// The parser's "line N: message" as "<position> (line N of the document's text): message".
absl::Status Relocate(const absl::Status& status, const std::vector<std::string>& positions) {
  absl::string_view message = status.message();
  int line = 0;
  if (!absl::ConsumePrefix(&message, "line ")) return status;
  const size_t colon = message.find(": ");
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(message.substr(0, colon), &line)) {
    return status;
  }
  const std::string position = PositionOf(positions, line);
  if (position.empty()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(position, " (line ", line,
                                   " of the document's text): ", message.substr(colon + 2)));
}

}  // namespace

DocxPlanText DocxToPlanText(const common::DocxDocument& document) {
  TextWriter writer;
  for (const common::DocxBlock& block : document.blocks) {
    if (block.is_table) {
      writer.Table(block.table);
    } else {
      writer.Paragraph(block);
    }
  }
  return writer.Finish(document.notes);
}

absl::StatusOr<ParsedPlan> ParsePlanDocx(absl::string_view bytes, const ParseOptions& options,
                                         size_t max_text_bytes) {
  absl::StatusOr<common::DocxDocument> document = common::ReadDocx(bytes);
  if (!document.ok()) return document.status();
  DocxPlanText text = DocxToPlanText(*document);
  if (text.text.size() > max_text_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("docx: the document's text is larger than ", max_text_bytes, " bytes"));
  }
  absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(text.text, options);
  if (!parsed.ok()) return Relocate(parsed.status(), text.line_positions);
  LocateAll(text.line_positions, *parsed);
  for (ParseWarning& w : text.warnings) parsed->plan.warnings.push_back(std::move(w));
  parsed->plan.summary.warning_count = static_cast<int>(parsed->plan.warnings.size());
  parsed->plan.source_media_type = std::string(common::kDocxMediaType);
  // The digest a user can check is the file's; normalized_sha256 (the id) is
  // the text's the document reads as.
  parsed->plan.source_sha256 = Sha256Hex(bytes);
  return parsed;
}

}  // namespace ecoplan::registry
