// Line classification for the plan-document parser: numerals, section
// headings, dashes, dates, document numbers (see plan_parser_internal.h).

#include <algorithm>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "common/calendar/deadline.h"
#include "services/registry/domain/plan_parser_internal.h"

namespace ecoplan::registry::parser_internal {

bool AllAsciiDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Splits a UTF-8 string into code points (as string_views).
std::vector<absl::string_view> SplitWrittenLines(absl::string_view text) {
  if (absl::StartsWith(text, "\xEF\xBB\xBF")) text.remove_prefix(3);
  std::vector<absl::string_view> lines;
  size_t start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

absl::string_view LastCodePoints(absl::string_view s, size_t code_points) {
  const std::vector<absl::string_view> cps = CodePoints(s);
  if (code_points >= cps.size()) return s;
  return s.substr(static_cast<size_t>(cps[cps.size() - code_points].data() - s.data()));
}

std::vector<absl::string_view> CodePoints(absl::string_view s) {
  std::vector<absl::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    n = std::min(n, s.size() - i);
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

// Value of a Chinese numeral 一 .. 九十九, or -1.
int ChineseNumeralValue(absl::string_view s) {
  static const auto* const kDigits = new absl::flat_hash_map<std::string, int>{
      {"一", 1}, {"二", 2}, {"三", 3}, {"四", 4}, {"五", 5},
      {"六", 6}, {"七", 7}, {"八", 8}, {"九", 9}};
  std::vector<absl::string_view> cps = CodePoints(s);
  if (cps.empty() || cps.size() > 3) return -1;
  int value = 0;
  size_t i = 0;
  int tens = 0;
  if (cps.size() >= 2 && cps[1] == "十") {
    auto it = kDigits->find(cps[0]);
    if (it == kDigits->end()) return -1;
    tens = it->second;
    i = 2;
  } else if (cps[0] == "十") {
    tens = 1;
    i = 1;
  }
  value = tens * 10;
  if (i < cps.size()) {
    auto it = kDigits->find(cps[i]);
    if (it == kDigits->end() || i + 1 != cps.size()) return -1;
    value += it->second;
  }
  return value > 0 ? value : -1;
}

// "一、共筑美丽蓝天" → number "一", title "共筑美丽蓝天".
bool ParseSectionHeading(absl::string_view t, std::string* number, std::string* title) {
  size_t p = t.find("、");
  if (p == absl::string_view::npos || p == 0) return false;
  if (ChineseNumeralValue(t.substr(0, p)) < 0) return false;
  *number = std::string(t.substr(0, p));
  *title = std::string(Trim(t.substr(p + std::string("、").size())));
  return !title->empty();
}

// "（一）空气质量目标" → number "（一）", title "空气质量目标".
bool ParseSubsectionHeading(absl::string_view t, std::string* number, std::string* title) {
  if (!absl::StartsWith(t, "（")) return false;
  size_t close = t.find("）");
  if (close == absl::string_view::npos) return false;
  const size_t open_len = std::string("（").size();
  if (ChineseNumeralValue(t.substr(open_len, close - open_len)) < 0) return false;
  *number = std::string(t.substr(0, close + open_len));
  *title = std::string(Trim(t.substr(close + open_len)));
  return !title->empty();
}

bool IsHeading(absl::string_view t) {
  std::string n, title;
  return ParseSectionHeading(t, &n, &title) || ParseSubsectionHeading(t, &n, &title);
}

// True for "——", "—", "-", "－", "--" …: the document's "none".
bool IsDashOnly(absl::string_view t) {
  if (t.empty()) return false;
  for (absl::string_view cp : CodePoints(t)) {
    if (cp != "—" && cp != "-" && cp != "－" && cp != "―" && cp != "─" && cp != "–") return false;
  }
  return true;
}

// "2026年3月31日" alone on a line.
std::optional<absl::CivilDay> ParseChineseDate(absl::string_view t) {
  int y = 0, m = 0, d = 0;
  size_t py = t.find("年"), pm = t.find("月"), pd = t.find("日");
  if (py == absl::string_view::npos || pm == absl::string_view::npos ||
      pd == absl::string_view::npos || !(py < pm && pm < pd) ||
      pd + std::string("日").size() != t.size()) {
    return std::nullopt;
  }
  const size_t w = std::string("年").size();
  if (!AllAsciiDigits(t.substr(0, py)) || py != 4 ||
      !AllAsciiDigits(t.substr(py + w, pm - py - w)) ||
      !AllAsciiDigits(t.substr(pm + w, pd - pm - w)) || !absl::SimpleAtoi(t.substr(0, py), &y) ||
      !absl::SimpleAtoi(t.substr(py + w, pm - py - w), &m) ||
      !absl::SimpleAtoi(t.substr(pm + w, pd - pm - w), &d)) {
    return std::nullopt;
  }
  if (m < 1 || m > 12 || d < 1 || d > common::LastDayOfMonth(y, m).day()) return std::nullopt;
  return absl::CivilDay(y, m, d);
}

// A document number such as 门政办发〔2026〕1号 found in `t`, or "" (with the
// start offset in *pos).
std::string FindDocumentNumber(absl::string_view t, size_t* pos) {
  size_t from = 0;
  while (true) {
    size_t open = t.find("〔", from);
    if (open == absl::string_view::npos) return "";
    from = open + 1;
    const size_t bw = std::string("〔").size();
    // "〔" + 4 digits + "〕" must fit before the end (a truncated number is no number).
    if (open + 2 * bw + 4 > t.size()) return "";
    absl::string_view year = t.substr(open + bw, 4);
    if (!AllAsciiDigits(year) || t.substr(open + bw + 4, bw) != "〕") continue;
    size_t q = open + 2 * bw + 4;
    size_t e = q;
    while (e < t.size() && t[e] >= '0' && t[e] <= '9') ++e;
    if (e == q || t.substr(e, std::string("号").size()) != "号") continue;
    // The issuer code before the bracket: CJK characters back to a delimiter.
    std::vector<absl::string_view> before = CodePoints(t.substr(0, open));
    size_t start = open;
    int taken = 0;
    for (auto it = before.rbegin(); it != before.rend() && taken < 12; ++it) {
      absl::string_view cp = *it;
      if (cp.size() != 3 || cp == "（" || cp == "《" || cp == "〈" || cp == "，" || cp == "。" ||
          cp == "：" || cp == "、" || cp == "）" || cp == "》" || cp == "〉" || cp == "　") {
        break;
      }
      start -= cp.size();
      ++taken;
    }
    if (taken == 0) continue;
    if (pos != nullptr) *pos = start;
    return std::string(t.substr(start, e + std::string("号").size() - start));
  }
}

// Text between the first `open` and the last `close` after it, or "".
std::string Between(absl::string_view t, absl::string_view open, absl::string_view close,
                    size_t from) {
  size_t a = t.find(open, from);
  if (a == absl::string_view::npos) return "";
  size_t b = t.rfind(close);
  if (b == absl::string_view::npos || b < a) return "";
  return std::string(t.substr(a + open.size(), b - a - open.size()));
}

std::string RemoveSpaces(absl::string_view s) {
  return absl::StrReplaceAll(s, {{" ", ""}, {"　", ""}, {"\t", ""}});
}

}  // namespace ecoplan::registry::parser_internal
