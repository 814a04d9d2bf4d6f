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
#include "absl/strings/strip.h"
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

// Chinese numerals as the parser reads them (两, 三, 十二, 零).
inline bool IsChineseNumber(absl::string_view s) {
  if (s.empty()) return false;
  while (!s.empty()) {
    bool any = false;
    for (absl::string_view n :
         {"零", "一", "二", "两", "三", "四", "五", "六", "七", "八", "九", "十", "百", "千"}) {
      if (absl::ConsumePrefix(&s, n)) {
        any = true;
        break;
      }
    }
    if (!any) return false;
  }
  return true;
}

// The direction a comparator word fixes by itself; kUnspecified for 达到,
// 达, 控制在, 保持在, 左右 (direction from the words after, or from the subject).
inline Comparator DirectionOf(absl::string_view word) {
  if (word == "零增长") return Comparator::kAtMost;
  for (absl::string_view w : {"不低于", "不少于", "不小于", "至少", "提高到", "提升至", "提高至",
                              "提升到", "以上", "及以上", "为"}) {
    if (word == w) return Comparator::kAtLeast;
  }
  for (absl::string_view w :
       {"不超过", "不高于", "不大于", "降至", "降低到", "下降到", "以下", "及以下", "以内"}) {
    if (word == w) return Comparator::kAtMost;
  }
  for (absl::string_view w : {"低于", "小于"}) {
    if (word == w) return Comparator::kLessThan;
  }
  for (absl::string_view w : {"超过", "高于", "大于"}) {
    if (word == w) return Comparator::kGreaterThan;
  }
  // A change against the prior year (较上一年度提升, 同比下降, 零增长) and a
  // commitment to a count (推广, 完成 …).
  for (absl::string_view w : {"提升", "提高", "增加", "增长", "开展", "完成", "推广", "建设",
                              "新增", "建成", "打造", "创建", "培育", "实施"}) {
    if (absl::EndsWith(word, w)) return Comparator::kAtLeast;
  }
  for (absl::string_view w : {"下降", "降低", "减少", "零增长"}) {
    if (absl::EndsWith(word, w)) return Comparator::kAtMost;
  }
  return Comparator::kUnspecified;
}

inline bool IsUndirectedWord(absl::string_view word) {
  return word == "达到" || word == "达" || word == "控制在" || word == "保持在" || word == "左右";
}

}  // namespace target_text_internal

// Every target has a finite value written in the text as digits or Chinese
// numerals (non-negative unless it is a change against the prior year), a
// normalized unit, a comparator that its comparator words imply (re-derived
// here from the words, independently of the parser; a count with no words
// commits to at least), a clause that lies in the text holding the number, and
// a readable subject: not empty, one clause, not opening with a word that is
// not a subject. Every unparsed figure lies in the text.
inline absl::Status CheckTextTargets(absl::string_view text, const TextTargets& found) {
  using target_text_internal::DirectionOf;
  using target_text_internal::IsUndirectedWord;
  for (const TextTarget& t : found.targets) {
    const std::string where = absl::StrCat(" (target \"", t.value_text, t.unit, "\")");
    const bool digits = target_text_internal::IsNumberText(t.value_text);
    if (!digits && !target_text_internal::IsChineseNumber(t.value_text)) {
      return absl::InternalError(absl::StrCat("value_text is not a number", where));
    }
    double reparsed = 0;
    const bool relative = t.basis != TargetBasis::kAbsolute;
    if (digits && (!absl::SimpleAtod(t.value_text, &reparsed) ||
                   reparsed != (relative ? std::fabs(t.value) : t.value))) {
      return absl::InternalError(absl::StrCat("value differs from value_text", where));
    }
    if (!std::isfinite(t.value) || (!relative && t.value < 0)) {
      return absl::InternalError(absl::StrCat("value not finite and non-negative", where));
    }
    if (t.unit.empty() || t.unit == "％" || t.unit == "个百分点") {
      return absl::InternalError(absl::StrCat("unit missing or not normalized", where));
    }
    if (!absl::StrContains(text, t.clause) || !absl::StrContains(t.clause, t.value_text)) {
      return absl::InternalError(absl::StrCat("clause not in text or without the number", where));
    }
    if (t.subject.empty() || absl::StrContains(t.subject, "，") ||
        absl::StrContains(t.subject, "。")) {
      return absl::InternalError(absl::StrCat("subject empty or more than a clause", where));
    }
    for (absl::string_view noise : {"或者", "鼓励", "力争", "确保", "原则上", "按照", "其中"}) {
      if (absl::StartsWith(t.subject, noise)) {
        return absl::InternalError(absl::StrCat("subject opens with ", noise, where));
      }
    }
    if (t.comparator != Comparator::kAtLeast && t.comparator != Comparator::kAtMost &&
        t.comparator != Comparator::kLessThan && t.comparator != Comparator::kGreaterThan) {
      return absl::InternalError(absl::StrCat("no comparator", where));
    }
    // "不低于", "以上", "达…以上", "较上一年度提升", "推广", or nothing (a count).
    const std::vector<absl::string_view> words = absl::StrSplit(t.comparator_text, "…");
    if (words.size() > 2)
      return absl::InternalError(absl::StrCat("comparator_text malformed", where));
    for (absl::string_view w : words) {
      if (!absl::StrContains(text, w)) {
        return absl::InternalError(absl::StrCat("comparator word not in text", where));
      }
    }
    Comparator expected = t.comparator_text.empty() ? Comparator::kAtLeast : DirectionOf(words[0]);
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
    if (!absl::StrContains(text, f.clause)) {
      return absl::InternalError(absl::StrCat("unparsed figure \"", f.figure, "\" not in text"));
    }
  }
  return absl::OkStatus();
}

inline absl::Status CheckTextTargets(absl::string_view text) {
  return CheckTextTargets(text, ParseTextTargets(text));
}

}  // namespace ecoplan::indicator
