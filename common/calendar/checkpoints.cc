#include "common/calendar/checkpoints.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/calendar/code_points.h"
#include "common/calendar/deadline.h"

namespace ecoplan::common {
namespace {

int CharOffset(const CodePoints& d, size_t byte_offset) {
  auto it = std::lower_bound(d.byte_offsets.begin(), d.byte_offsets.end(), byte_offset);
  return static_cast<int>(it - d.byte_offsets.begin());
}

std::string Encode(const std::u32string& cps) {
  std::string out;
  for (char32_t c : cps) {
    uint8_t buffer[4];
    int32_t n = 0;
    UBool error = false;
    U8_APPEND(buffer, n, 4, static_cast<UChar32>(c), error);
    if (!error) out.append(reinterpret_cast<const char*>(buffer), static_cast<size_t>(n));
  }
  return out;
}

enum class Rule { kQuarterly, kMonthly, kHalfYearly, kBeforeFloodSeason, kFloodSeason, kUnparsed };

struct Keyword {
  std::u32string word;
  Rule rule;
};

// Longest first where one word starts another (汛期前 before 汛期, 不定期 before 定期).
const std::vector<Keyword>& Keywords() {
  static const std::vector<Keyword>* const keywords = new std::vector<Keyword>{
      {U"按季度", Rule::kQuarterly},
      {U"每季度", Rule::kQuarterly},
      {U"逐季度", Rule::kQuarterly},
      {U"分季度", Rule::kQuarterly},
      {U"每个月", Rule::kMonthly},
      {U"每月", Rule::kMonthly},
      {U"按月", Rule::kMonthly},
      {U"逐月", Rule::kMonthly},
      {U"每半年", Rule::kHalfYearly},
      {U"按半年", Rule::kHalfYearly},
      {U"汛期前", Rule::kBeforeFloodSeason},
      {U"汛前", Rule::kBeforeFloodSeason},
      {U"主汛期", Rule::kFloodSeason},
      {U"汛期", Rule::kFloodSeason},
      {U"不定期", Rule::kUnparsed},
      {U"定期", Rule::kUnparsed},
      {U"适时", Rule::kUnparsed},
      {U"雨前", Rule::kUnparsed},
      {U"节假日前", Rule::kUnparsed},
      {U"重大活动前", Rule::kUnparsed},
  };
  return *keywords;
}

bool StartsAt(const std::u32string& s, size_t i, const std::u32string& word) {
  return s.compare(i, word.size(), word) == 0;
}

// A number in Arabic digits or Chinese numerals (一 … 九十九, 两) starting at
// `i`; its value and length, or {0, 0}.
std::pair<int, size_t> NumberAt(const std::u32string& s, size_t i) {
  size_t j = i;
  int value = 0;
  while (j < s.size() && s[j] >= U'0' && s[j] <= U'9' && j - i < 3) {
    value = value * 10 + static_cast<int>(s[j] - U'0');
    ++j;
  }
  if (j > i) return {value, j - i};
  static const std::u32string kDigits = U"零一二三四五六七八九";
  auto digit = [&](size_t k) -> int {
    if (k >= s.size()) return -1;
    if (s[k] == U'两') return 2;
    const size_t p = kDigits.find(s[k]);
    return p == std::u32string::npos ? -1 : static_cast<int>(p);
  };
  int tens = 0;
  j = i;
  if (digit(j) > 0 && j + 1 < s.size() && s[j + 1] == U'十') {
    tens = digit(j);
    j += 2;
  } else if (j < s.size() && s[j] == U'十') {
    tens = 1;
    j += 1;
  }
  const int units = digit(j);
  if (units > 0) {
    ++j;
    value = tens * 10 + units;
  } else {
    value = tens * 10;
  }
  return value > 0 ? std::make_pair(value, j - i) : std::make_pair(0, size_t{0});
}

absl::CivilDay EndOfPeriod(int year, int last_month) { return LastDayOfMonth(year, last_month); }

// Each period end in (from, last] for periods of `months` months.
std::vector<absl::CivilDay> PeriodEnds(int year, int months, absl::CivilDay from,
                                       absl::CivilDay last) {
  std::vector<absl::CivilDay> out;
  for (int m = months; m <= 12; m += months) {
    const absl::CivilDay end = EndOfPeriod(year, m);
    if (end > from && end <= last) out.push_back(end);
  }
  return out;
}

absl::CivilDay LastDayCovered(const CheckpointContext& context) {
  return context.measure_due.value_or(absl::CivilDay(context.year, 12, 31));
}

Checkpoint Recurring(Recurrence recurrence, const CheckpointContext& context) {
  Checkpoint c;
  c.kind = CheckpointKind::kRecurring;
  c.recurrence = recurrence;
  const int months = recurrence == Recurrence::kMonthly     ? 1
                     : recurrence == Recurrence::kQuarterly ? 3
                                                            : 6;
  c.dues = PeriodEnds(context.year, months, context.obligations_from, LastDayCovered(context));
  return c;
}

// The checkpoints and unparsed phrases found by the keyword and rounds rules.
void ScanKeywords(const CodePoints& d, const CheckpointContext& context,
                  CheckpointExtraction* out) {
  const std::u32string& s = d.cps;
  for (size_t i = 0; i < s.size();) {
    const Keyword* found = nullptr;
    for (const Keyword& k : Keywords()) {
      if (StartsAt(s, i, k.word)) {
        found = &k;
        break;
      }
    }
    if (found != nullptr) {
      const std::string phrase = Encode(found->word);
      const int offset = static_cast<int>(i);
      Checkpoint c;
      switch (found->rule) {
        case Rule::kQuarterly:
          c = Recurring(Recurrence::kQuarterly, context);
          break;
        case Rule::kMonthly:
          c = Recurring(Recurrence::kMonthly, context);
          break;
        case Rule::kHalfYearly:
          c = Recurring(Recurrence::kHalfYearly, context);
          break;
        case Rule::kBeforeFloodSeason:
          c.kind = CheckpointKind::kDue;
          c.due = absl::CivilDay(context.year, 5, 31);
          break;
        case Rule::kFloodSeason:
          c.kind = CheckpointKind::kWindow;
          c.window_start = absl::CivilDay(context.year, 6, 1);
          c.due = absl::CivilDay(context.year, 9, 15);
          break;
        case Rule::kUnparsed:
          out->unparsed.push_back({phrase, offset});
          i += found->word.size();
          continue;
      }
      c.phrase = phrase;
      c.text_offset = offset;
      out->checkpoints.push_back(std::move(c));
      i += found->word.size();
      continue;
    }
    // N轮 / N轮次, not 新一轮.
    const auto [rounds, length] = NumberAt(s, i);
    // "0轮" is no obligation: a round count starts at 1.
    if (length > 0 && rounds > 0 && i + length < s.size() && s[i + length] == U'轮' &&
        !(i > 0 && s[i - 1] == U'新')) {
      size_t end = i + length + 1;
      if (end < s.size() && s[end] == U'次') ++end;
      Checkpoint c;
      c.kind = CheckpointKind::kRounds;
      c.phrase = Encode(s.substr(i, end - i));
      c.text_offset = static_cast<int>(i);
      c.rounds = rounds;
      c.due = LastDayCovered(context);
      out->checkpoints.push_back(std::move(c));
      i = end;
      continue;
    }
    i += length > 0 ? length : 1;
  }
}

}  // namespace

CheckpointExtraction ExtractCheckpoints(absl::string_view text, const CheckpointContext& context) {
  CheckpointExtraction out;
  const CodePoints d = DecodeCodePoints(text);
  for (const TextDate& date : FindDatesInText(text, context.year)) {
    Checkpoint c;
    c.phrase = date.phrase;
    c.text_offset = CharOffset(d, date.offset);
    c.due = date.value.due;
    if (date.value.kind == DeadlineKind::kWindow) {
      const bool whole_year = date.value.window_start == absl::CivilDay(context.year, 1, 1) &&
                              date.value.due == absl::CivilDay(context.year, 12, 31);
      if (whole_year) continue;
      c.kind = CheckpointKind::kWindow;
      c.window_start = date.value.window_start;
    } else if (date.value.kind == DeadlineKind::kDueDate) {
      if (date.value.due == context.measure_due) continue;  // the deadline column again
      c.kind = CheckpointKind::kDue;
    } else {
      continue;
    }
    out.checkpoints.push_back(std::move(c));
  }
  ScanKeywords(d, context, &out);
  std::stable_sort(
      out.checkpoints.begin(), out.checkpoints.end(),
      [](const Checkpoint& a, const Checkpoint& b) { return a.text_offset < b.text_offset; });
  return out;
}

absl::StatusOr<Checkpoint> ResolveCheckpointPhrase(absl::string_view phrase,
                                                   const CheckpointContext& context,
                                                   absl::string_view field) {
  const CheckpointExtraction found = ExtractCheckpoints(phrase, context);
  if (found.checkpoints.size() != 1 || !found.unparsed.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        field, ": \"", phrase,
        "\" is not one checkpoint; write a date (5月底前, 3-5月), a period (按季度, 每月, "
        "每半年), a number of rounds (两轮次) or 汛期前 / 汛期"));
  }
  Checkpoint c = found.checkpoints.front();
  c.text_offset = -1;
  c.phrase = std::string(phrase);
  return c;
}

std::string DescribeCheckpoint(const Checkpoint& c) {
  auto day = [](absl::CivilDay d) { return absl::FormatCivilTime(d); };
  switch (c.kind) {
    case CheckpointKind::kDue:
      return absl::StrCat(c.phrase, ": due ", c.due ? day(*c.due) : "?");
    case CheckpointKind::kWindow:
      return absl::StrCat(c.phrase, ": ", c.window_start ? day(*c.window_start) : "?", " to ",
                          c.due ? day(*c.due) : "?");
    case CheckpointKind::kRecurring: {
      std::vector<std::string> days;
      for (absl::CivilDay d : c.dues) days.push_back(day(d));
      return absl::StrCat(
          c.phrase, ": due ",
          days.empty() ? "no period ends within the measure" : absl::StrJoin(days, ", "));
    }
    case CheckpointKind::kRounds:
      return absl::StrCat(c.phrase, ": ", c.rounds, " round(s) by ", c.due ? day(*c.due) : "?");
  }
  return c.phrase;
}

}  // namespace ecoplan::common
