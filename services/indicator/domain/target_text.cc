#include "services/indicator/domain/target_text.h"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "services/indicator/domain/target_text_subject.h"
#include "services/indicator/domain/target_text_words.h"

namespace ecoplan::indicator {
namespace target_text_internal {
namespace {

std::string Trimmed(absl::string_view s) {
  s = absl::StripAsciiWhitespace(s);
  while (absl::ConsumePrefix(&s, "★")) {
  }
  return std::string(absl::StripAsciiWhitespace(s));
}

bool IsCountUnit(absl::string_view unit) {
  for (absl::string_view u : kCountUnits) {
    if (unit == u) return true;
  }
  return false;
}

// A figure found in a clause.
struct Figure {
  size_t start = 0;       // of the number
  size_t number_end = 0;  // end of the number
  size_t end = 0;         // end of the unit as written
  std::string value_text;
  double value = 0;
  std::string unit;  // normalized (％ → %), with its denominator
  bool chinese = false;
};

class SentenceReader {
 public:
  SentenceReader(absl::string_view text, TextTargets* out) : text_(text), out_(out) {}

  void Read(size_t sentence_start, size_t sentence_end) {
    sentence_start_ = sentence_start;
    first_target_ = out_->targets.size();
    size_t clause_start = sentence_start;
    previous_clause_ = {};
    while (clause_start < sentence_end) {
      size_t clause_end = FindAny(text_.substr(0, sentence_end), kClauseEnds, clause_start);
      if (clause_end == absl::string_view::npos) clause_end = sentence_end;
      ReadClause(clause_start, clause_end);
      previous_clause_ = text_.substr(clause_start, clause_end - clause_start);
      if (clause_end >= sentence_end) break;
      clause_start = clause_end + StartsWithAny(text_.substr(clause_end), kClauseEnds)->size();
    }
  }

 private:
  absl::string_view Clause() const {
    return text_.substr(clause_start_, clause_end_ - clause_start_);
  }

  void ReadClause(size_t start, size_t end) {
    clause_start_ = start;
    clause_end_ = end;
    const absl::string_view clause = Clause();
    if (const size_t at = clause.find("零增长"); at != absl::string_view::npos) ZeroGrowth(at);
    size_t i = start;
    while (i < end) {
      std::optional<Figure> figure = FigureAt(i);
      if (!figure.has_value()) {
        ++i;
        continue;
      }
      i = Classify(*figure);
    }
  }

  // The figure starting at byte `i`, if a target could be written there.
  std::optional<Figure> FigureAt(size_t i) const {
    const absl::string_view rest = text_.substr(i, clause_end_ - i);
    Figure f;
    f.start = i;
    if (IsDigit(text_[i])) {
      if (i > 0 && IsDigit(text_[i - 1])) return std::nullopt;
      size_t e = i;
      bool dot = false;
      while (e < clause_end_ &&
             (IsDigit(text_[e]) ||
              (!dot && text_[e] == '.' && e + 1 < clause_end_ && IsDigit(text_[e + 1])))) {
        if (text_[e] == '.') dot = true;
        ++e;
      }
      f.number_end = e;
      f.value_text = std::string(text_.substr(i, e - i));
      // Part of an identifier (PM2.5, NO2, GB3095-2012) or of a longer figure.
      if (i > 0 && (IsAsciiAlpha(text_[i - 1]) || text_[i - 1] == '.' || text_[i - 1] == '-' ||
                    text_[i - 1] == '/')) {
        return std::nullopt;
      }
      if (!absl::SimpleAtod(f.value_text, &f.value)) return std::nullopt;
    } else {
      if (NumeralAt(rest) == nullptr) return std::nullopt;
      if (i >= 3 && NumeralAt(text_.substr(i - 3)) != nullptr) return std::nullopt;
      size_t e = i;
      int total = 0;
      int digit = 0;
      while (const Numeral* n = NumeralAt(text_.substr(e, clause_end_ - e))) {
        if (n->is_unit) {
          total += (digit == 0 ? 1 : digit) * n->value;
          digit = 0;
        } else {
          digit = n->value;
        }
        e += n->text.size();
      }
      f.number_end = e;
      f.value = total + digit;
      f.value_text = std::string(text_.substr(i, e - i));
      f.chinese = true;
    }
    const absl::string_view before = text_.substr(sentence_start_, i - sentence_start_);
    // Ordinals (第四批) and quoted names (“0.1微克”).
    if (EndsWithAny(before, {"第", "“", "《", "\"", "「"}).has_value()) return std::nullopt;
    // The unit, after optional spaces.
    size_t u = f.number_end;
    while (true) {
      if (u < clause_end_ && text_[u] == ' ') {
        ++u;
      } else if (absl::StartsWith(text_.substr(u, clause_end_ - u), "　")) {
        u += std::string_view("　").size();
      } else {
        break;
      }
    }
    const absl::string_view after_number = text_.substr(u, clause_end_ - u);
    if (StartsWithAny(after_number, kDurations).has_value()) return std::nullopt;
    absl::string_view unit;
    for (absl::string_view candidate : kUnits) {
      if (absl::StartsWith(after_number, candidate) && candidate.size() > unit.size()) {
        unit = candidate;
      }
    }
    if (unit.empty()) return std::nullopt;
    f.end = u + unit.size();
    f.unit = unit == "％" ? "%" : std::string(unit);
    if (!absl::StrContains(unit, "/") && text_.substr(f.end, 1) == "/") {
      if (std::optional<absl::string_view> d =
              StartsWithAny(text_.substr(f.end + 1, clause_end_ - f.end - 1), kDenominators)) {
        f.unit = absl::StrCat(f.unit, "/", *d);
        f.end += 1 + d->size();
      }
    }
    if (f.chinese) {
      // Chinese numerals count things after a verb of commitment, nothing else.
      if (f.value < 2 || !IsCountUnit(f.unit)) return std::nullopt;
      absl::string_view b = text_.substr(clause_start_, i - clause_start_);
      if (!EndsWithAny(b, kCommitments).has_value()) return std::nullopt;
    }
    return f;
  }

  // Reads what `f` is and returns where to continue.
  size_t Classify(const Figure& f) {
    const absl::string_view clause = Clause();
    const std::string clause_text = Trimmed(clause);
    const std::string figure_text(text_.substr(f.start, f.end - f.start));
    if (!std::isfinite(f.value)) {
      // More digits than a double holds (found by the fuzzer): no target to judge.
      Unparsed(figure_text, "a number too large to be a target");
      return f.end;
    }
    // Words after the unit.
    absl::string_view following = text_.substr(f.end, clause_end_ - f.end);
    const ComparatorWord* after = nullptr;
    for (const ComparatorWord& w : kAfter) {
      if (absl::StartsWith(following, w.word)) {
        after = &w;
        break;
      }
    }
    if (after != nullptr) following.remove_prefix(after->word.size());
    const size_t resume = f.end + (after != nullptr ? after->word.size() : 0);

    // Words before the number: a comparator, skipping fillers.
    size_t before_end = f.start;
    const ComparatorWord* word = nullptr;
    while (true) {
      const absl::string_view before = text_.substr(clause_start_, before_end - clause_start_);
      for (const ComparatorWord& w : kBefore) {
        if (absl::EndsWith(before, w.word)) {
          word = &w;
          break;
        }
      }
      if (word != nullptr) break;
      std::optional<absl::string_view> filler = EndsWithAny(before, kFillers);
      if (!filler.has_value()) break;
      before_end -= filler->size();
    }
    // A change against the prior year: 较上一年度提升5个百分点, 同比下降10%.
    const ComparatorWord* change = nullptr;
    if (word == nullptr &&
        (f.unit == "个百分点" ||
         ContainsAny(text_.substr(clause_start_, before_end - clause_start_), kPriorYear))) {
      const absl::string_view before = text_.substr(clause_start_, before_end - clause_start_);
      for (const ComparatorWord& w : kChanges) {
        if (absl::EndsWith(before, w.word)) {
          change = &w;
          break;
        }
      }
    }
    const size_t subject_end = word != nullptr     ? before_end - word->word.size()
                               : change != nullptr ? before_end - change->word.size()
                                                   : before_end;
    const absl::string_view raw_subject = text_.substr(clause_start_, subject_end - clause_start_);

    // A threshold that qualifies an entity is a scope, not a target.
    const bool threshold = (after != nullptr && IsOneOf(after->word, kThresholdWords)) ||
                           (word != nullptr && IsOneOf(word->word, kThresholdWords));
    absl::string_view qualified = following;
    absl::ConsumePrefix(&qualified, "的");
    if (threshold && !qualified.empty() &&
        FindAny(qualified.substr(0, 30), kEntities) != absl::string_view::npos) {
      Unparsed(absl::StrCat(figure_text, after != nullptr ? after->word : ""),
               "a scope threshold: the figure says which entities are meant, it is not a "
               "target");
      return resume;
    }

    TextTarget t;
    t.value = f.value;
    t.value_text = f.value_text;
    t.unit = f.unit;
    t.clause = clause_text;
    t.binding = !ContainsAny(text_.substr(clause_start_, f.start - clause_start_), kStretch);
    t.approximate = after != nullptr && after->word == "左右";
    // "…部门按照不低于15%的比例对施工工地开展抽检": who acts, not what is measured;
    // a verb alone ("淘汰50%左右的…") takes its object after the figure.
    std::string subject = EndsWithAny(raw_subject, {"按照", "按"}).has_value()
                              ? std::string()
                              : CleanSubject(raw_subject);
    for (const Inversion& inv : kInversions) {
      if (subject == inv.verb) subject.clear();
    }

    if (change != nullptr) {
      std::optional<absl::string_view> marker =
          EndsWithAny(text_.substr(clause_start_, before_end - clause_start_ - change->word.size()),
                      kPriorYear);
      t.basis = f.unit == "%" ? TargetBasis::kPercentChangeFromPriorYear
                              : TargetBasis::kChangeFromPriorYear;
      if (f.unit == "个百分点") t.unit = "%";
      t.comparator = change->comparator;
      if (change->comparator == Comparator::kAtMost) t.value = -t.value;
      t.comparator_text = absl::StrCat(marker.has_value() ? *marker : "", change->word);
      return Finish(std::move(t), std::move(subject), following, resume);
    }
    if (f.unit == "个百分点") {
      Unparsed(figure_text, "percentage points without the change they describe");
      return resume;
    }

    if (word != nullptr || (after != nullptr && !t.approximate)) {
      t.comparator_text = word != nullptr && after != nullptr
                              ? absl::StrCat(word->word, "…", after->word)
                          : word != nullptr ? std::string(word->word)
                                            : std::string(after->word);
      if (word != nullptr && word->comparator != Comparator::kUnspecified) {
        t.comparator = word->comparator;
      } else if (after != nullptr && after->comparator != Comparator::kUnspecified) {
        t.comparator = after->comparator;
      }
      return Finish(std::move(t), std::move(subject), following, resume);
    }
    if (t.approximate) {
      t.comparator_text = std::string(after->word);
      return Finish(std::move(t), std::move(subject), following, resume);
    }
    // "80%为纯电动或氢燃料电池汽车": a share.
    if (f.unit == "%" && absl::StartsWith(following, "为") && !subject.empty()) {
      following.remove_prefix(std::string_view("为").size());
      t.comparator = Comparator::kAtLeast;
      t.comparator_text = "为";
      return Finish(std::move(t), absl::StrCat(subject, "中", CleanSubject(following), "比例"), "",
                    f.end + std::string_view("为").size());
    }
    if (IsCountUnit(f.unit)) {
      const absl::string_view raw_before = text_.substr(clause_start_, f.start - clause_start_);
      // "建设生态保育小区2处": a count ending its clause commits to at least that many.
      if (following.empty() && !subject.empty()) {
        t.comparator = Comparator::kAtLeast;
        return Finish(std::move(t), std::move(subject), following, resume);
      }
      // "推广1个典型案例", "新增完成2个行政村环境整治".
      if (std::optional<absl::string_view> verb = EndsWithAny(raw_before, kCommitments);
          verb.has_value() && !following.empty()) {
        t.comparator = Comparator::kAtLeast;
        t.comparator_text = std::string(*verb);
        return Finish(std::move(t), "", following, resume);
      }
      if (!following.empty() && subject.empty()) {
        Unparsed(figure_text,
                 "a count naming what a qualitative target is about, with no figure to judge");
        return resume;
      }
    }
    Unparsed(figure_text,
             "a figure with a unit but no comparator (不低于, 不超过, 达到, 以上, 以下, …) or "
             "commitment before or after it");
    return resume;
  }

  // Completes `t` with its subject and direction, and records it (or attaches
  // it to the target before it as an alternative).
  size_t Finish(TextTarget t, std::string subject, absl::string_view following, size_t resume) {
    const absl::string_view clause = Clause();
    TextTarget* previous = out_->targets.size() > first_target_ ? &out_->targets.back() : nullptr;
    // "产生量每万平方米低于300吨": the denominator written before the comparator.
    if (!absl::StrContains(t.unit, "/")) {
      for (absl::string_view d : kDenominators) {
        const std::string per = absl::StrCat("每", d);
        if (absl::EndsWith(subject, per)) {
          subject.resize(subject.size() - per.size());
          t.unit = absl::StrCat(t.unit, "/", d);
          break;
        }
      }
    }
    if (subject.empty()) {
      absl::string_view noun = following;
      absl::ConsumePrefix(&noun, "的");
      if (StartsWithAny(Trimmed(clause), kAlternatives).has_value() && previous != nullptr) {
        // "或者达到95%以上且当年依法处罚、整改到位".
        if (!previous->alternative.empty()) absl::StrAppend(&previous->alternative, "；");
        absl::StrAppend(&previous->alternative, Trimmed(clause));
        return resume;
      }
      if (t.unit == "%" && noun != following) {
        // "不低于15%的比例对施工工地开展抽检", "淘汰50%左右的国四…柴油环卫车".
        std::string object;
        if (absl::ConsumePrefix(&noun, "比例")) {
          object = absl::StrReplaceAll(CleanSubject(noun), {{"开展", ""}});
        } else {
          object = absl::StrCat(CleanSubject(noun), LeadingVerb());
        }
        subject = absl::StrCat(object, "比例");
      } else if (IsCountUnit(t.unit) && !noun.empty()) {
        // "至少在1个施工工地开展“全电工地”实践" → 开展“全电工地”实践的施工工地数量.
        std::string phrase = CleanSubject(noun);
        const size_t action = FindAny(phrase, kActionVerbs);
        if (action != absl::string_view::npos && action > 0) {
          phrase = absl::StrCat(phrase.substr(action), "的", phrase.substr(0, action));
        }
        subject = Named(std::move(phrase), t.unit);
      } else if (previous != nullptr) {
        // "鼓励低于210吨": the subject of the target before it.
        subject = previous->subject;
        if (absl::StartsWith(previous->unit, absl::StrCat(t.unit, "/"))) t.unit = previous->unit;
      } else if (!previous_clause_.empty()) {
        // "…应用尽用建筑垃圾再生产品，原则上最低不少于30%".
        subject = Named(Inverted(CleanSubject(previous_clause_)), t.unit);
      }
    } else {
      subject = Named(std::move(subject), t.unit);
    }
    if (subject.empty()) subject = CleanSubject(clause);
    if (subject.empty()) {
      Unparsed(absl::StrCat(t.value_text, t.unit), "a figure whose subject cannot be read");
      return resume;
    }
    t.subject = std::move(subject);
    if (t.comparator == Comparator::kUnspecified) {
      t.comparator = SubjectIsToReduce(t.subject) ? Comparator::kAtMost : Comparator::kAtLeast;
    }
    out_->targets.push_back(std::move(t));
    return resume;
  }

  // A verb that opens the clause and takes the figure's object ("淘汰").
  std::string LeadingVerb() const {
    const std::string cleaned = CleanSubject(Clause());
    for (const Inversion& inv : kInversions) {
      if (absl::StartsWith(cleaned, inv.verb)) return std::string(inv.as_noun);
    }
    return "";
  }

  // "煤炭消费量零增长": no increase on the prior year.
  void ZeroGrowth(size_t at) {
    TextTarget t;
    t.value = 0;
    t.value_text = "零";
    t.unit = "%";
    t.comparator = Comparator::kAtMost;
    t.comparator_text = "零增长";
    t.basis = TargetBasis::kPercentChangeFromPriorYear;
    t.clause = Trimmed(Clause());
    t.binding = !ContainsAny(Clause().substr(0, at), kStretch);
    Finish(std::move(t), CleanSubject(Clause().substr(0, at)), "", 0);
  }

  void Unparsed(std::string figure, std::string reason) {
    out_->unparsed.push_back({Trimmed(Clause()), std::move(figure), std::move(reason)});
  }

  absl::string_view text_;
  TextTargets* out_;
  size_t sentence_start_ = 0;
  size_t first_target_ = 0;
  size_t clause_start_ = 0;
  size_t clause_end_ = 0;
  absl::string_view previous_clause_;
};

}  // namespace
}  // namespace target_text_internal

bool SubjectIsToReduce(absl::string_view subject) {
  constexpr absl::string_view kReduce[] = {"浓度", "重污染", "漏损", "负荷差", "排放量",
                                           "噪声", "污染天", "超标", "事故",   "产生量"};
  for (absl::string_view w : kReduce) {
    if (absl::StrContains(subject, w)) return true;
  }
  return false;
}

TextTargets ParseTextTargets(absl::string_view text) {
  using target_text_internal::FindAny;
  using target_text_internal::kSentenceEnds;
  using target_text_internal::SentenceReader;
  using target_text_internal::StartsWithAny;
  TextTargets out;
  SentenceReader reader(text, &out);
  size_t start = 0;
  while (start < text.size()) {
    size_t end = FindAny(text, kSentenceEnds, start);
    if (end == absl::string_view::npos) end = text.size();
    reader.Read(start, end);
    if (end >= text.size()) break;
    start = end + StartsWithAny(text.substr(end), kSentenceEnds)->size();
  }
  return out;
}

}  // namespace ecoplan::indicator
