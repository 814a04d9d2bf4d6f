#pragma once

// What ParseTextTargets must satisfy whatever the text: checked by
// target_text_fuzzer on arbitrary bytes and by target_text_corpus_test on the
// committed corpus (testdata/target_text_corpus/) in every build.

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "services/indicator/domain/target_text.h"

namespace ecoplan::indicator {
namespace target_text_internal {

inline bool IsNumberText(absl::string_view s) {
  if (s.empty() || s.front() == '.' || s.back() == '.') return false;
  int dots = 0;
  for (char c : s) {
    if (c == '.') {
      ++dots;
    } else if (c < '0' || c > '9') {
      return false;
    }
  }
  return dots <= 1;
}

// The direction a comparator word fixes by itself; kUnspecified for 达到,
// 达, 控制在, 保持在 (direction from the words after, or from the subject).
inline Comparator DirectionOf(absl::string_view word) {
  for (absl::string_view w : {"不低于", "不少于", "不小于", "提高到", "提升至", "提高至", "以上"}) {
    if (word == w) return Comparator::kAtLeast;
  }
  for (absl::string_view w : {"不超过", "不高于", "不大于", "降至", "以下", "以内"}) {
    if (word == w) return Comparator::kAtMost;
  }
  for (absl::string_view w : {"低于", "小于"}) {
    if (word == w) return Comparator::kLessThan;
  }
  for (absl::string_view w : {"超过", "高于", "大于"}) {
    if (word == w) return Comparator::kGreaterThan;
  }
  return Comparator::kUnspecified;
}

inline bool IsUndirectedWord(absl::string_view word) {
  return word == "达到" || word == "达" || word == "控制在" || word == "保持在";
}

}  // namespace target_text_internal

// Every target has a finite, non-negative value written as plain digits in
// the text, followed there by its unit; a comparator that its comparator
// words imply (re-derived here from the words, independently of the parser);
// a clause that lies in the text and a subject that lies in the clause.
// Every unparsed figure lies in the text. Each number is reported at most once.
inline absl::Status CheckTextTargets(absl::string_view text, const TextTargets& found) {
  using target_text_internal::DirectionOf;
  using target_text_internal::IsUndirectedWord;
  int digit_runs = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    const bool previous_digit = i > 0 && text[i - 1] >= '0' && text[i - 1] <= '9';
    if (digit && !previous_digit) ++digit_runs;
  }
  if (found.targets.size() + found.unparsed.size() > static_cast<size_t>(digit_runs)) {
    return absl::InternalError("more targets and figures than numbers in the text");
  }
  for (const TextTarget& t : found.targets) {
    const std::string where = absl::StrCat(" (target \"", t.value_text, t.unit, "\")");
    if (!target_text_internal::IsNumberText(t.value_text)) {
      return absl::InternalError(absl::StrCat("value_text is not a plain number", where));
    }
    double reparsed = 0;
    if (!absl::SimpleAtod(t.value_text, &reparsed) || reparsed != t.value) {
      return absl::InternalError(absl::StrCat("value differs from value_text", where));
    }
    if (!std::isfinite(t.value) || t.value < 0) {
      return absl::InternalError(absl::StrCat("value not finite and non-negative", where));
    }
    if (t.unit.empty() || t.unit == "％") {
      return absl::InternalError(absl::StrCat("unit missing or not normalized", where));
    }
    const bool figure_in_text =
        absl::StrContains(text, absl::StrCat(t.value_text, t.unit)) ||
        (t.unit == "%" && absl::StrContains(text, absl::StrCat(t.value_text, "％")));
    if (!figure_in_text) return absl::InternalError(absl::StrCat("figure not in text", where));
    if (!absl::StrContains(text, t.clause)) {
      return absl::InternalError(absl::StrCat("clause not in text", where));
    }
    if (!absl::StrContains(t.clause, t.subject)) {
      return absl::InternalError(absl::StrCat("subject not in clause", where));
    }
    if (t.comparator != Comparator::kAtLeast && t.comparator != Comparator::kAtMost &&
        t.comparator != Comparator::kLessThan && t.comparator != Comparator::kGreaterThan) {
      return absl::InternalError(absl::StrCat("no comparator", where));
    }
    // "不低于", "以上", or "达…以上": the word before, the word after, or both.
    const std::vector<absl::string_view> words = absl::StrSplit(t.comparator_text, "…");
    if (t.comparator_text.empty() || words.size() > 2) {
      return absl::InternalError(absl::StrCat("comparator_text malformed", where));
    }
    for (absl::string_view w : words) {
      if (!absl::StrContains(text, w)) {
        return absl::InternalError(absl::StrCat("comparator word not in text", where));
      }
    }
    Comparator expected = DirectionOf(words[0]);
    if (expected == Comparator::kUnspecified && words.size() == 2) expected = DirectionOf(words[1]);
    if (expected == Comparator::kUnspecified) {
      if (!IsUndirectedWord(words[0])) {
        return absl::InternalError(absl::StrCat("unknown comparator word", where));
      }
      expected = SubjectIsToReduce(t.subject) ? Comparator::kAtMost : Comparator::kAtLeast;
    }
    if (t.comparator != expected) {
      return absl::InternalError(
          absl::StrCat("comparator contradicts its words \"", t.comparator_text, "\"", where));
    }
  }
  for (const UnparsedFigure& f : found.unparsed) {
    if (f.figure.empty() || f.reason.empty()) {
      return absl::InternalError("unparsed figure without figure or reason");
    }
    if (!absl::StrContains(text, f.figure) || !absl::StrContains(text, f.clause)) {
      return absl::InternalError(absl::StrCat("unparsed figure \"", f.figure, "\" not in text"));
    }
  }
  return absl::OkStatus();
}

inline absl::Status CheckTextTargets(absl::string_view text) {
  return CheckTextTargets(text, ParseTextTargets(text));
}

}  // namespace ecoplan::indicator
