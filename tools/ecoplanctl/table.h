#pragma once

// Terminal tables whose columns line up with Chinese text.
//
// A terminal draws East Asian wide and fullwidth characters (汉字, fullwidth
// punctuation such as （）、，) in two columns. Widths here are display
// columns, computed with ICU; padding and truncation never split a UTF-8
// sequence.

#include <cstddef>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace ecoplan::ctl {

// Number of terminal columns `text` occupies: 2 for East Asian wide and
// fullwidth characters, 0 for control characters, combining marks and format
// characters, 1 otherwise (including each invalid UTF-8 sequence, which a
// terminal shows as one replacement character).
int DisplayWidth(absl::string_view text);

// `text` cut to at most `width` columns. When something is cut, the result
// ends with "..." (ASCII, so it is one column wide in every terminal) and the
// cut falls between characters. A width below 4 cuts without the ellipsis.
std::string TruncateToWidth(absl::string_view text, int width);

// `text` followed by spaces up to `width` columns; unchanged when wider.
std::string PadToWidth(absl::string_view text, int width);

// `text` with line breaks and tabs replaced by single spaces, so that a cell
// stays on one line.
std::string OneLine(absl::string_view text);

// A table printed as aligned columns separated by two spaces, with a header
// row, no borders and no trailing spaces (the style of kubectl get).
// Not thread-safe.
class Table {
 public:
  explicit Table(std::vector<std::string> headers);

  // Limits `column` to `width` display columns; longer cells are truncated
  // with TruncateToWidth. 0 (the default) means no limit.
  void SetMaxWidth(size_t column, int width);

  // Adds a row; missing cells are empty, extra cells are dropped. Line breaks
  // in cells become spaces.
  void AddRow(std::vector<std::string> cells);

  size_t row_count() const { return rows_.size(); }

  // Prints the header and the rows.
  void Print(std::ostream& out) const;

 private:
  std::vector<std::string> headers_;
  std::vector<int> max_widths_;
  std::vector<std::vector<std::string>> rows_;
};

// Prints "label: value" lines with the values aligned, each line starting with
// `indent` spaces. Lines whose value is empty are skipped when `skip_empty`.
// Multi-line values continue on the next lines, aligned under the value.
void PrintFields(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& fields,
                 int indent = 0, bool skip_empty = true);

}  // namespace ecoplan::ctl
