#include "common/calendar/deadline.h"

#include <array>
#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "common/calendar/code_points.h"

namespace ecoplan::common {
namespace {

bool IsSpace(char32_t c) { return c == U' ' || c == U'\t' || c == U'\u3000' || c == U'\u00A0'; }

int ChineseDigit(char32_t c) {
  switch (c) {
    case U'一':
      return 1;
    case U'二':
      return 2;
    case U'两':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}

bool IsRangeSeparator(char32_t c) {
  return c == U'-' || c == U'—' || c == U'–' || c == U'－' || c == U'~' || c == U'～' ||
         c == U'〜' || c == U'至' || c == U'到' || c == U'―';
}

// A cursor over a phrase; every Consume* either consumes and returns true or
// leaves the position unchanged.
class Cursor {
 public:
  explicit Cursor(std::u32string_view s) : s_(s) {}
  bool AtEnd() const { return pos_ >= s_.size(); }
  size_t pos() const { return pos_; }
  void set_pos(size_t p) { pos_ = p; }

  bool Consume(std::u32string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  // Arabic (1-4 digits) or Chinese (一 .. 三十一) number.
  bool ConsumeNumber(int* value, int max_digits = 4) {
    size_t p = pos_;
    int v = 0, digits = 0;
    while (p < s_.size() && s_[p] >= U'0' && s_[p] <= U'9' && digits < max_digits + 1) {
      v = v * 10 + static_cast<int>(s_[p] - U'0');
      ++p;
      ++digits;
    }
    if (digits > 0) {
      if (digits > max_digits) return false;
      pos_ = p;
      *value = v;
      return true;
    }
    // Chinese numerals: 十, 十二, 二十, 二十一, 三十一, 六.
    int tens = 0, units = 0;
    bool any = false;
    if (p < s_.size() && ChineseDigit(s_[p]) > 0 && p + 1 < s_.size() && s_[p + 1] == U'十') {
      tens = ChineseDigit(s_[p]);
      p += 2;
      any = true;
    } else if (p < s_.size() && s_[p] == U'十') {
      tens = 1;
      p += 1;
      any = true;
    }
    if (p < s_.size() && ChineseDigit(s_[p]) > 0) {
      units = ChineseDigit(s_[p]);
      p += 1;
      any = true;
    }
    if (!any) return false;
    pos_ = p;
    *value = tens * 10 + units;
    return true;
  }
  bool ConsumeRangeSeparator() {
    if (AtEnd() || !IsRangeSeparator(s_[pos_])) return false;
    ++pos_;
    return true;
  }

 private:
  std::u32string_view s_;
  size_t pos_ = 0;
};

ResolvedDeadline Due(absl::CivilDay day) {
  ResolvedDeadline r;
  r.kind = DeadlineKind::kDueDate;
  r.due = day;
  return r;
}

ResolvedDeadline Window(absl::CivilDay first, absl::CivilDay last) {
  ResolvedDeadline r;
  r.kind = DeadlineKind::kWindow;
  r.window_start = first;
  r.due = last;
  return r;
}

bool ValidMonth(int m) { return m >= 1 && m <= 12; }

bool IsOngoingPhrase(std::u32string_view s) {
  static constexpr std::array<std::u32string_view, 15> kPhrases = {
      U"长期实施", U"持续推进", U"常态化",     U"长期坚持",   U"持续实施",
      U"持续开展", U"长期",     U"持续",       U"常态化推进", U"长期推进",
      U"长期开展", U"常年",     U"常态化开展", U"持续进行",   U"长期有效"};
  for (std::u32string_view p : kPhrases) {
    if (s == p) return true;
  }
  // Other phrases of the same family (持续抓好, 长期保持 ...), as long as no
  // number suggests an actual date.
  bool starts = s.substr(0, 2) == U"长期" || s.substr(0, 2) == U"持续" || s.substr(0, 2) == U"常态";
  if (!starts) return false;
  for (char32_t c : s) {
    if ((c >= U'0' && c <= U'9') || c == U'月' || c == U'日' || c == U'年') return false;
  }
  return true;
}

// The grammar of the header comment, on code points already trimmed.
ResolvedDeadline ResolveCodePoints(std::u32string_view s, int plan_year) {
  if (s.empty()) return {};
  if (IsOngoingPhrase(s)) {
    ResolvedDeadline r;
    r.kind = DeadlineKind::kOngoing;
    return r;
  }
  Cursor c(s);
  int year = plan_year;
  bool explicit_year = false;
  {
    size_t save = c.pos();
    int y = 0;
    size_t before = c.pos();
    if (c.ConsumeNumber(&y, 4) && c.pos() - before == 4 && c.Consume(U"年")) {
      year = y;
      explicit_year = true;
    } else {
      c.set_pos(save);
    }
  }
  auto rest_is = [&](std::initializer_list<std::u32string_view> words) {
    size_t save = c.pos();
    for (std::u32string_view w : words) {
      c.set_pos(save);
      if (c.Consume(w) && c.AtEnd()) return true;
    }
    c.set_pos(save);
    return false;
  };
  // Year end.
  if (rest_is({U"年底前", U"年底", U"年末", U"年末前", U"年内"}) ||
      (explicit_year && rest_is({U"底前", U"底", U"末", U"末前", U"内"}))) {
    return Due(absl::CivilDay(year, 12, 31));
  }
  if (rest_is({U"上半年", U"上半年前", U"上半年底前", U"上半年末"})) {
    return Due(absl::CivilDay(year, 6, 30));
  }
  if (rest_is({U"全年"})) return Window(absl::CivilDay(year, 1, 1), absl::CivilDay(year, 12, 31));
  if (rest_is({U"下半年"})) return Window(absl::CivilDay(year, 7, 1), absl::CivilDay(year, 12, 31));
  // Quarters.
  {
    size_t save = c.pos();
    c.Consume(U"第");
    int q = 0;
    if (c.ConsumeNumber(&q, 1) && q >= 1 && q <= 4 && c.Consume(U"季度") &&
        (c.AtEnd() || rest_is({U"末", U"末前", U"前", U"底前", U"内"}))) {
      return Due(LastDayOfMonth(year, q * 3));
    }
    c.set_pos(save);
  }
  // Months.
  int a = 0;
  if (!c.ConsumeNumber(&a, 2)) return {};
  if (c.ConsumeRangeSeparator()) {
    int b = 0;
    if (!c.ConsumeNumber(&b, 2) || !c.Consume(U"月") || !c.AtEnd()) return {};
    if (!ValidMonth(a) || !ValidMonth(b) || b < a) return {};
    return Window(absl::CivilDay(year, a, 1), LastDayOfMonth(year, b));
  }
  if (!c.Consume(U"月") || !ValidMonth(a)) return {};
  if (c.AtEnd()) return Window(absl::CivilDay(year, a, 1), LastDayOfMonth(year, a));
  if (rest_is({U"底前", U"底", U"末", U"末前", U"下旬前", U"下旬", U"底之前"})) {
    return Due(LastDayOfMonth(year, a));
  }
  if (rest_is({U"上旬前", U"上旬"})) return Due(absl::CivilDay(year, a, 10));
  if (rest_is({U"中旬前", U"中旬"})) return Due(absl::CivilDay(year, a, 20));
  if (rest_is({U"前", U"之前"})) {
    // Before month `a` begins: the last day of the month before.
    return Due(absl::CivilDay(year, a, 1) - 1);
  }
  {
    size_t save = c.pos();
    if (c.ConsumeRangeSeparator()) {
      int b = 0;
      if (c.ConsumeNumber(&b, 2) && c.Consume(U"月") && c.AtEnd() && ValidMonth(b) && b >= a) {
        return Window(absl::CivilDay(year, a, 1), LastDayOfMonth(year, b));
      }
      return {};
    }
    c.set_pos(save);
  }
  int d = 0;
  if (c.ConsumeNumber(&d, 2) && (c.Consume(U"日") || c.Consume(U"号"))) {
    c.Consume(U"前") || c.Consume(U"之前");
    if (!c.AtEnd()) return {};
    if (d < 1 || d > LastDayOfMonth(year, a).day()) return {};
    return Due(absl::CivilDay(year, a, d));
  }
  return {};
}

std::u32string_view TrimCodePoints(std::u32string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

absl::CivilDay LastDayOfMonth(int year, int month) {
  return absl::CivilDay(absl::CivilMonth(year, month) + 1) - 1;
}

ResolvedDeadline ResolveDeadline(absl::string_view text, int year) {
  CodePoints cp = DecodeCodePoints(text);
  std::u32string_view s = TrimCodePoints(cp.cps);
  // "年底前完成" says the same as "年底前".
  if (s.size() > 2 && s.substr(s.size() - 2) == U"完成")
    s = TrimCodePoints(s.substr(0, s.size() - 2));
  return ResolveCodePoints(s, year);
}

std::vector<TextDate> FindDatesInText(absl::string_view text, int year) {
  CodePoints cp = DecodeCodePoints(text);
  const std::u32string& s = cp.cps;
  std::vector<TextDate> found;
  constexpr size_t kMaxPhrase = 16;
  auto is_digit = [](char32_t c) { return c >= U'0' && c <= U'9'; };
  size_t i = 0;
  while (i < s.size()) {
    bool start = false;
    if (is_digit(s[i]) && (i == 0 || (!is_digit(s[i - 1]) && s[i - 1] != U'.'))) start = true;
    // 年底前 with no year of its own: only when not part of 去年底 / 明年底 /
    // 三年底 (another year) or of a number (handled from the digit).
    if (s.compare(i, 2, U"年底") == 0 &&
        (i == 0 || !(is_digit(s[i - 1]) || ChineseDigit(s[i - 1]) > 0 || s[i - 1] == U'去' ||
                     s[i - 1] == U'明' || s[i - 1] == U'前' || s[i - 1] == U'后'))) {
      start = true;
    }
    if (!start) {
      ++i;
      continue;
    }
    size_t best_end = 0;
    ResolvedDeadline best;
    for (size_t end = std::min(s.size(), i + kMaxPhrase); end >= i + 2; --end) {
      ResolvedDeadline r = ResolveCodePoints(std::u32string_view(s).substr(i, end - i), year);
      if (r.kind == DeadlineKind::kDueDate || r.kind == DeadlineKind::kWindow) {
        // A phrase may not end in the middle of a number (3-5月 inside 3-5月份 is
        // fine, 1月 inside 11月 is not reached because we start at number starts).
        best_end = end;
        best = r;
        break;
      }
    }
    if (best_end == 0) {
      ++i;
      while (i < s.size() && is_digit(s[i])) ++i;
      continue;
    }
    TextDate d;
    d.offset = cp.byte_offsets[i];
    d.phrase = std::string(
        text.substr(cp.byte_offsets[i], cp.byte_offsets[best_end] - cp.byte_offsets[i]));
    d.value = best;
    found.push_back(std::move(d));
    i = best_end;
  }
  return found;
}

}  // namespace ecoplan::common
