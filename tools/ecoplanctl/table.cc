#include "tools/ecoplanctl/table.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/str_split.h"

namespace ecoplan::ctl {
namespace {

// Width of one code point; `c` < 0 stands for an invalid byte.
int CodePointWidth(UChar32 c) {
  if (c < 0) return 1;  // shown by terminals as one replacement character
  if (c < 0x20 || (c >= 0x7f && c < 0xa0)) return 0;
  const int category = u_charType(c);
  if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK || category == U_FORMAT_CHAR) {
    return 0;
  }
  const int east_asian_width = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  return (east_asian_width == U_EA_WIDE || east_asian_width == U_EA_FULLWIDTH) ? 2 : 1;
}

// Calls `f(begin, end, width)` for each character of `text`; stops when f returns false.
template <typename F>
void ForEachCharacter(absl::string_view text, F f) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
    const int32_t begin = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (!f(begin, i, CodePointWidth(c))) return;
  }
}

}  // namespace

int DisplayWidth(absl::string_view text) {
  int width = 0;
  ForEachCharacter(text, [&width](int32_t, int32_t, int w) {
    width += w;
    return true;
  });
  return width;
}

std::string TruncateToWidth(absl::string_view text, int width) {
  if (width < 0) width = 0;
  if (DisplayWidth(text) <= width) return std::string(text);
  constexpr absl::string_view kEllipsis = "...";
  const int budget = width >= 4 ? width - static_cast<int>(kEllipsis.size()) : width;
  size_t cut = 0;
  int used = 0;
  ForEachCharacter(text, [&](int32_t, int32_t end, int w) {
    if (used + w > budget) return false;
    used += w;
    cut = static_cast<size_t>(end);
    return true;
  });
  std::string result(text.substr(0, cut));
  if (width >= 4) result.append(kEllipsis.data(), kEllipsis.size());
  return result;
}

std::string PadToWidth(absl::string_view text, int width) {
  std::string result(text);
  const int pad = width - DisplayWidth(text);
  if (pad > 0) result.append(static_cast<size_t>(pad), ' ');
  return result;
}

std::string OneLine(absl::string_view text) {
  std::string result;
  result.reserve(text.size());
  for (char c : text) {
    if (c == '\r') continue;
    result.push_back(c == '\n' || c == '\t' ? ' ' : c);
  }
  return result;
}

Table::Table(std::vector<std::string> headers)
    : headers_(std::move(headers)), max_widths_(headers_.size(), 0) {}

void Table::SetMaxWidth(size_t column, int width) {
  if (column < max_widths_.size()) max_widths_[column] = width;
}

void Table::AddRow(std::vector<std::string> cells) {
  cells.resize(headers_.size());
  for (size_t i = 0; i < cells.size(); ++i) {
    cells[i] = OneLine(cells[i]);
    if (max_widths_[i] > 0) cells[i] = TruncateToWidth(cells[i], max_widths_[i]);
  }
  rows_.push_back(std::move(cells));
}

void Table::Print(std::ostream& out) const {
  std::vector<int> widths(headers_.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], DisplayWidth(row[i]));
  };
  measure(headers_);
  for (const auto& row : rows_) measure(row);

  auto print_row = [&](const std::vector<std::string>& row) {
    // The last non-empty cell is not padded, so lines carry no trailing spaces.
    size_t last = row.size();
    while (last > 0 && row[last - 1].empty()) --last;
    std::string line;
    for (size_t i = 0; i < last; ++i) {
      if (i > 0) line += "  ";
      line += i + 1 == last ? row[i] : PadToWidth(row[i], widths[i]);
    }
    out << line << '\n';
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
}

void PrintFields(std::ostream& out, const std::vector<std::pair<std::string, std::string>>& fields,
                 int indent, bool skip_empty) {
  int label_width = 0;
  for (const auto& [label, value] : fields) {
    if (skip_empty && value.empty()) continue;
    label_width = std::max(label_width, DisplayWidth(label) + 1);
  }
  const std::string prefix(static_cast<size_t>(std::max(indent, 0)), ' ');
  const std::string continuation(prefix.size() + static_cast<size_t>(label_width) + 1, ' ');
  for (const auto& [label, value] : fields) {
    if (skip_empty && value.empty()) continue;
    out << prefix << PadToWidth(label + ":", label_width);
    bool first = true;
    for (absl::string_view line : absl::StrSplit(value, '\n')) {
      if (first) {
        if (!line.empty()) out << ' ' << line;
      } else {
        out << '\n' << continuation << line;
      }
      first = false;
    }
    out << '\n';
  }
}

}  // namespace ecoplan::ctl
