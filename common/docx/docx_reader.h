#pragma once

// Reading a Word document (.docx, Office Open XML, as saved by Word or WPS)
// into its body's paragraphs and tables: a pure function from the bytes of a
// file received over the network to text, with Debian's libzip (the zip
// container) and pugixml (word/document.xml). Nothing is written anywhere.
//
// What is read, in document order, from <w:body>:
//   - paragraphs <w:p>: the text of their runs — <w:t> as written (★ and
//     other marks kept), <w:tab/> as one space (a TAB at the start of a line
//     means "a table cell" to the plan text format, so a document's own tab
//     never does), <w:br/> and <w:cr/> as a line break; content controls
//     (<w:sdt>), hyperlinks, fields' results, smart tags and custom XML are
//     read through;
//   - tables <w:tbl>: each row <w:tr> and each cell <w:tc> with its
//     paragraphs, its horizontal merge (<w:gridSpan w:val="N"/>) and its
//     vertical merge (<w:vMerge w:val="restart"/> starts one,
//     <w:vMerge/> continues the cell above, whose text it shows).
// What the document may hold that plain text cannot say is reported as a
// DocxNote with its position, never dropped silently:
//   - tracked changes: read as the document prints with them accepted
//     (<w:ins>, <w:moveTo> kept; <w:del>, <w:moveFrom> left out), one note
//     "docx-tracked-changes";
//   - a text box (<w:txbxContent>): left out, note "docx-text-box";
//   - an image or drawing without text: note "docx-image";
//   - a table inside a cell: its paragraphs read into the cell in order,
//     note "docx-nested-table";
//   - text in a cell that continues a vertical merge (Word hides it): left
//     out, note "docx-merged-cell-text".
//
// Positions are strings a person can find in Word: "paragraph 12" (12th body
// paragraph outside tables, 1-based), "table 3 row 5 cell 2" (3rd body table,
// its 5th row, the 2nd <w:tc> of that row), with " paragraph 2" appended for
// the 2nd paragraph of a cell.
//
// Hostile input (the bytes come from the network) is refused with
// InvalidArgument, the message starting "not a .docx document: " (not a zip
// archive, an encrypted or old .doc file, word/document.xml missing, not
// well-formed XML, no <w:body>) or "docx: " (a limit of DocxLimits exceeded:
// entries in the archive, the declared or actual unpacked size of
// word/document.xml, its XML tags, its nesting depth, its paragraphs or its
// text; a DOCTYPE, refused outright so that no entity is ever declared).

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

struct DocxLimits {
  size_t max_entries = 1000;                  // entries in the zip archive
  size_t max_document_xml_bytes = 32u << 20;  // word/document.xml, declared and read
  size_t max_markup = 2'000'000;              // '<' in word/document.xml (bounds its tree)
  int max_depth = 64;                         // element depth walked below <w:body>
  size_t max_paragraphs = 200'000;            // paragraphs, in and out of tables
  size_t max_text_bytes = 16u << 20;          // text read, all paragraphs together
  size_t max_notes = 100;                     // further notes are counted in the last
};

// One table cell.
struct DocxCell {
  enum class VerticalMerge { kNone, kRestart, kContinue };
  std::vector<std::string> paragraphs;  // each paragraph's text; line breaks as '\n'
  int grid_span = 1;                    // columns of the table grid it covers
  VerticalMerge vertical_merge = VerticalMerge::kNone;
  std::string position;  // "table 3 row 5 cell 2"
};

struct DocxRow {
  std::vector<DocxCell> cells;
  std::string position;  // "table 3 row 5"
};

struct DocxTable {
  std::vector<DocxRow> rows;
  int grid_columns = 0;  // <w:tblGrid> columns (0 when absent)
  std::string position;  // "table 3"
};

// A body block: a paragraph or a table.
struct DocxBlock {
  bool is_table = false;
  std::string text;  // a paragraph's text (line breaks as '\n')
  DocxTable table;
  std::string position;  // "paragraph 12" or "table 3"
};

// Something the document does that its text cannot say.
struct DocxNote {
  std::string position;
  std::string code;  // "docx-tracked-changes", "docx-text-box", …
  std::string message;
};

struct DocxDocument {
  std::vector<DocxBlock> blocks;
  std::vector<DocxNote> notes;
};

// The body of the .docx `bytes`. Errors: InvalidArgument, as listed above.
absl::StatusOr<DocxDocument> ReadDocx(absl::string_view bytes, const DocxLimits& limits = {});

// The media type of a .docx file.
inline constexpr absl::string_view kDocxMediaType =
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

}  // namespace ecoplan::common
