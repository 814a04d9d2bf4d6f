#include "services/indicator/domain/target_text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace ecoplan::indicator {
namespace {

// Longest first, so "万立方米" wins over "立方米" and "微克/立方米" over nothing.
constexpr absl::string_view kUnits[] = {
    "微克/立方米", "毫克/立方米", "万平方米", "平方公里", "万立方米", "立方米", "平方米", "万千瓦",
    "千瓦",        "万吨",        "公里",     "千米",     "公顷",     "人次",   "万株",   "%",
    "％",          "家",          "天",       "个",       "项",       "台",     "辆",     "座",
    "块",          "处",          "条",       "户",       "所",       "亩",     "吨",     "株",
};

// Words that may sit between a comparator and its number.
constexpr absl::string_view kFillers[] = {"每年", "年均", "平均", "累计", "总计", "约", " "};

struct ComparatorWord {
  absl::string_view word;
  Comparator comparator;  // kUnspecified: direction from the subject
};
// Longest first within a shared suffix ("不低于" before "低于").
constexpr ComparatorWord kBefore[] = {
    {"不低于", Comparator::kAtLeast},     {"不少于", Comparator::kAtLeast},
    {"不小于", Comparator::kAtLeast},     {"不超过", Comparator::kAtMost},
    {"不高于", Comparator::kAtMost},      {"不大于", Comparator::kAtMost},
    {"低于", Comparator::kLessThan},      {"小于", Comparator::kLessThan},
    {"超过", Comparator::kGreaterThan},   {"高于", Comparator::kGreaterThan},
    {"大于", Comparator::kGreaterThan},   {"达到", Comparator::kUnspecified},
    {"控制在", Comparator::kUnspecified}, {"保持在", Comparator::kUnspecified},
    {"提高到", Comparator::kAtLeast},     {"提升至", Comparator::kAtLeast},
    {"提高至", Comparator::kAtLeast},     {"降至", Comparator::kAtMost},
    {"达", Comparator::kUnspecified},
};

constexpr absl::string_view kClauseEnds[] = {"，", "。", "；", "：", ",", ";", "\n", "（", "）"};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }

// Start of the clause containing byte `pos`.
size_t ClauseStart(absl::string_view text, size_t pos) {
  size_t best = 0;
  for (absl::string_view end : kClauseEnds) {
    const size_t at = text.rfind(end, pos == 0 ? 0 : pos - 1);
    if (at != absl::string_view::npos && at < pos) best = std::max(best, at + end.size());
  }
  return best;
}

size_t ClauseEnd(absl::string_view text, size_t pos) {
  size_t best = text.size();
  for (absl::string_view end : kClauseEnds) {
    const size_t at = text.find(end, pos);
    if (at != absl::string_view::npos) best = std::min(best, at);
  }
  return best;
}

std::string Trimmed(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  while (absl::ConsumePrefix(&s, "★")) {
  }
  return std::string(absl::StripAsciiWhitespace(s));
}

}  // namespace

bool SubjectIsToReduce(absl::string_view subject) {
  constexpr absl::string_view kReduce[] = {"浓度", "重污染", "漏损", "负荷差", "排放量",
                                           "噪声", "污染天", "超标", "事故"};
  for (absl::string_view w : kReduce) {
    if (absl::StrContains(subject, w)) return true;
  }
  return false;
}

TextTargets ParseTextTargets(absl::string_view text) {
  TextTargets out;
  size_t i = 0;
  while (i < text.size()) {
    if (!IsDigit(text[i])) {
      ++i;
      continue;
    }
    // A number: digits with at most one decimal point.
    const size_t start = i;
    size_t end = i;
    bool dot = false;
    while (end < text.size() &&
           (IsDigit(text[end]) ||
            (!dot && text[end] == '.' && end + 1 < text.size() && IsDigit(text[end + 1])))) {
      if (text[end] == '.') dot = true;
      ++end;
    }
    i = end;
    // Part of an identifier (PM2.5, NO2, O3, GB3095) or of a longer figure.
    if (start > 0 && (IsAsciiAlpha(text[start - 1]) || text[start - 1] == '.' ||
                      text[start - 1] == '-' || text[start - 1] == '/')) {
      continue;
    }
    const absl::string_view number = text.substr(start, end - start);
    absl::string_view unit;
    for (absl::string_view u : kUnits) {
      if (absl::StartsWith(text.substr(end), u)) {
        unit = u;
        break;
      }
    }
    if (unit.empty()) continue;
    size_t after = end + unit.size();
    double value = 0;
    if (!absl::SimpleAtod(number, &value)) continue;
    if (!std::isfinite(value)) {
      // More digits than a double holds (found by the fuzzer): no target to judge.
      const size_t clause_start = ClauseStart(text, start);
      out.unparsed.push_back(
          {Trimmed(text.substr(clause_start, ClauseEnd(text, after) - clause_start)),
           absl::StrCat(number, unit), "a number too large to be a target"});
      continue;
    }

    // Words after the unit.
    Comparator after_comparator = Comparator::kUnspecified;
    absl::string_view after_word;
    const absl::string_view rest = text.substr(after);
    if (absl::StartsWith(rest, "以上")) {
      after_comparator = Comparator::kAtLeast;
      after_word = "以上";
    } else if (absl::StartsWith(rest, "以下") || absl::StartsWith(rest, "以内")) {
      after_comparator = Comparator::kAtMost;
      after_word = rest.substr(0, 6);
    }

    // Words before the number (skipping fillers).
    size_t before_end = start;
    for (bool skipped = true; skipped;) {
      skipped = false;
      for (absl::string_view f : kFillers) {
        if (before_end >= f.size() && text.substr(before_end - f.size(), f.size()) == f) {
          before_end -= f.size();
          skipped = true;
        }
      }
    }
    const absl::string_view before = text.substr(0, before_end);
    const ComparatorWord* word = nullptr;
    for (const ComparatorWord& w : kBefore) {
      if (absl::EndsWith(before, w.word)) {
        word = &w;
        break;
      }
    }

    const size_t clause_start = ClauseStart(text, start);
    const size_t clause_end = ClauseEnd(text, after);
    std::string clause = Trimmed(text.substr(clause_start, clause_end - clause_start));
    const std::string figure = absl::StrCat(number, unit);

    if (word == nullptr && after_comparator == Comparator::kUnspecified) {
      out.unparsed.push_back({std::move(clause), figure,
                              "a figure with a unit but no comparator (不低于, 不超过, 达到, "
                              "以上, 以下, …) before or after it"});
      continue;
    }
    TextTarget t;
    t.value = value;
    t.value_text = std::string(number);
    t.unit = unit == "％" ? "%" : std::string(unit);
    const size_t subject_end = word != nullptr ? before_end - word->word.size() : before_end;
    t.subject = Trimmed(
        text.substr(clause_start, subject_end > clause_start ? subject_end - clause_start : 0));
    t.clause = std::move(clause);
    if (word != nullptr && word->comparator != Comparator::kUnspecified) {
      t.comparator = word->comparator;
    } else if (after_comparator != Comparator::kUnspecified) {
      t.comparator = after_comparator;
    } else {
      t.comparator = SubjectIsToReduce(t.subject) ? Comparator::kAtMost : Comparator::kAtLeast;
    }
    t.comparator_text = word != nullptr && !after_word.empty()
                            ? absl::StrCat(word->word, "…", after_word)
                        : word != nullptr ? std::string(word->word)
                                          : std::string(after_word);
    out.targets.push_back(std::move(t));
    i = after + after_word.size();
  }
  return out;
}

}  // namespace ecoplan::indicator
