#include "services/indicator/domain/target_text_subject.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/indicator/domain/target_text_words.h"

namespace ecoplan::indicator::target_text_internal {

std::string WithoutAsides(absl::string_view s) {
  std::string out;
  int depth = 0;
  while (!s.empty()) {
    if (absl::ConsumePrefix(&s, "（") || absl::ConsumePrefix(&s, "(")) {
      ++depth;
    } else if (absl::ConsumePrefix(&s, "）") || absl::ConsumePrefix(&s, ")")) {
      if (depth > 0) --depth;
    } else {
      if (depth == 0) out.push_back(s.front());
      s.remove_prefix(1);
    }
  }
  return out;
}

namespace {

// "2026年…" → "…".
bool ConsumeYear(absl::string_view* s) {
  size_t digits = 0;
  while (digits < s->size() && IsDigit((*s)[digits])) ++digits;
  if (digits != 4 || !absl::StartsWith(s->substr(digits), "年")) return false;
  s->remove_prefix(digits + std::string_view("年").size());
  return true;
}

}  // namespace

std::string CleanSubject(absl::string_view raw) {
  std::string without_asides = WithoutAsides(raw);
  // Dropping an aside can join the bytes around it: in malformed text "，" may
  // appear only now. A subject never spans a clause: keep what follows.
  for (bool cut = true; cut;) {
    cut = false;
    for (const std::string end : {"，", "。", "；", "："}) {
      if (const size_t at = without_asides.rfind(end); at != std::string::npos) {
        without_asides.erase(0, at + end.size());
        cut = true;
      }
    }
  }
  absl::string_view s = without_asides;
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    if (ConsumeYear(&s)) changed = true;
    if (std::optional<absl::string_view> w = StartsWithAny(s, kLeadingNoise)) {
      s.remove_prefix(w->size());
      changed = true;
    }
    if (absl::StartsWith(s, "在")) {
      const size_t end = FindAny(s, kLocativeEnds, std::string_view("在").size());
      if (end != absl::string_view::npos) {
        const std::optional<absl::string_view> w = StartsWithAny(s.substr(end), kLocativeEnds);
        s.remove_prefix(end + w->size());
        changed = true;
      }
    }
  }
  for (bool changed = true; changed && !s.empty();) {
    changed = false;
    if (std::optional<absl::string_view> w = EndsWithAny(s, kTrailingNoise)) {
      s.remove_suffix(w->size());
      changed = true;
    }
    if (std::optional<absl::string_view> w = EndsWithAny(s, kPriorYear)) {
      s.remove_suffix(w->size());
      changed = true;
    }
  }
  return std::string(s);
}

namespace {

// "家" → 家数, "轮次" → 轮次, "处" → 数量, "天" → 天数, "%" → 比例.
std::string NounOfUnit(absl::string_view unit) {
  if (unit == "家") return "家数";
  if (unit == "轮次" || unit == "轮") return "轮次";
  if (unit == "天") return "天数";
  if (unit == "%") return "比例";
  for (absl::string_view u : kCountUnits) {
    if (unit == u) return "数量";
  }
  return "";
}

// Subjects that already name what is measured.
constexpr Words kMeasures = {"数", "数量", "率", "比例", "比率", "占比", "量", "轮次", "次"};

}  // namespace

std::string Named(std::string subject, absl::string_view unit) {
  if (subject.empty() || EndsWithAny(subject, kMeasures).has_value()) return subject;
  return absl::StrCat(subject, NounOfUnit(unit));
}

std::string Inverted(absl::string_view phrase) {
  for (const Inversion& inv : kInversions) {
    if (absl::StartsWith(phrase, inv.verb) && phrase.size() > inv.verb.size()) {
      return absl::StrCat(phrase.substr(inv.verb.size()), inv.as_noun);
    }
  }
  return std::string(phrase);
}

}  // namespace ecoplan::indicator::target_text_internal
