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

namespace ecoplan::indicator {
namespace {

using Words = std::initializer_list<absl::string_view>;

// Units a target can be written in; the longest that matches wins.
constexpr absl::string_view kUnits[] = {
    "微克/立方米", "毫克/立方米", "毫克/升", "个百分点", "万平方米", "平方公里", "万立方米",
    "立方米",      "平方米",      "万千瓦",  "千瓦",     "万吨",     "公里",     "千米",
    "公顷",        "人次",        "万株",    "轮次",     "%",        "％",       "家",
    "天",          "个",          "项",      "台",       "辆",       "座",       "块",
    "处",          "条",          "户",      "所",       "亩",       "吨",       "株",
    "轮",          "批",
};
// Units that count things: a count that ends its clause commits by itself.
constexpr Words kCountUnits = {"家", "个", "项", "台", "辆",   "座", "块", "处",
                               "条", "户", "所", "株", "轮次", "轮", "批"};
// Denominators of a compound unit (吨/万元, 吨/万平方米).
constexpr Words kDenominators = {"万平方米", "平方米", "万立方米", "立方米", "万元",
                                 "元",       "升",     "人",       "户",     "年"};
// A count unit that starts a duration or a deadline, not a count.
constexpr Words kDurations = {"个月", "个工作日", "个小时", "个季度"};

// Words that may sit between a comparator and its number.
constexpr Words kFillers = {"每年", "年均", "平均", "累计", "总计", "总数", "约", "在", " ", "　"};

struct ComparatorWord {
  absl::string_view word;
  Comparator comparator;  // kUnspecified: direction from the subject
};
// Longest first within a shared suffix ("不低于" before "低于").
constexpr ComparatorWord kBefore[] = {
    {"不低于", Comparator::kAtLeast},     {"不少于", Comparator::kAtLeast},
    {"不小于", Comparator::kAtLeast},     {"至少", Comparator::kAtLeast},
    {"不超过", Comparator::kAtMost},      {"不高于", Comparator::kAtMost},
    {"不大于", Comparator::kAtMost},      {"低于", Comparator::kLessThan},
    {"小于", Comparator::kLessThan},      {"超过", Comparator::kGreaterThan},
    {"高于", Comparator::kGreaterThan},   {"大于", Comparator::kGreaterThan},
    {"达到", Comparator::kUnspecified},   {"控制在", Comparator::kUnspecified},
    {"保持在", Comparator::kUnspecified}, {"提高到", Comparator::kAtLeast},
    {"提升至", Comparator::kAtLeast},     {"提高至", Comparator::kAtLeast},
    {"提升到", Comparator::kAtLeast},     {"降至", Comparator::kAtMost},
    {"降低到", Comparator::kAtMost},      {"下降到", Comparator::kAtMost},
    {"达", Comparator::kUnspecified},
};
constexpr ComparatorWord kAfter[] = {
    {"及以上", Comparator::kAtLeast}, {"以上", Comparator::kAtLeast},
    {"及以下", Comparator::kAtMost},  {"以下", Comparator::kAtMost},
    {"以内", Comparator::kAtMost},    {"左右", Comparator::kUnspecified},
};
// A change against the prior year: the verb and its sign.
constexpr ComparatorWord kChanges[] = {
    {"提升", Comparator::kAtLeast}, {"提高", Comparator::kAtLeast}, {"增加", Comparator::kAtLeast},
    {"增长", Comparator::kAtLeast}, {"下降", Comparator::kAtMost},  {"降低", Comparator::kAtMost},
    {"减少", Comparator::kAtMost},
};
constexpr Words kPriorYear = {"较上一年度", "较上年度", "较上年", "较去年", "比上年", "同比"};
// Comparators that make a figure a threshold when it qualifies an entity.
constexpr Words kThresholdWords = {"及以上", "以上", "及以下", "以下", "高于",
                                   "低于",   "超过", "大于",   "小于"};
// Heads of the noun phrases a scope threshold qualifies.
constexpr Words kEntities = {"企业", "单位", "用户", "工地", "项目", "车辆", "地块",
                             "问题", "锅炉", "设施", "工厂", "场所", "园区", "道路"};
// Verbs that commit to a count: 推广1个典型案例, 开展两轮次…检查.
constexpr Words kCommitments = {"开展", "完成", "推广", "建设", "新增",   "建成",   "打造",
                                "创建", "培育", "实施", "至少", "不少于", "不低于", "达到"};
constexpr Words kStretch = {"力争", "争取", "鼓励"};
constexpr Words kAlternatives = {"或者", "或"};

// Leading words of a clause that are not its subject.
constexpr Words kLeadingNoise = {
    "其中",   "确保", "督促",   "引导", "按照",   "推动", "推进", "持续",   "力争",
    "争取",   "鼓励", "原则上", "最低", "最高",   "对",   "累计", "推广",   "建立",
    "开展",   "组织", "实施",   "加快", "进一步", "全面", "积极", "或者",   "或",
    "并",     "且",   "同时",   "建设", "提升",   "全年", "年度", "年底前", "实现",
    "按季度", "按月", "每季度", "每月", "定期",   "★",    " ",    "\t",     "　"};
constexpr Words kTrailingNoise = {"平均", "稳定", "累计", "每年", "总计", "实现", "的", " ", "　"};
// Where a leading 在… phrase ends (在联合执法时, 在道路…等指定部位).
constexpr Words kLocativeEnds = {"时", "部位", "领域", "环节", "方面", "期间", "中", "内"};
// Verbs written before their object: "应用尽用建筑垃圾再生产品" → 建筑垃圾再生产品应用.
struct Inversion {
  absl::string_view verb;
  absl::string_view as_noun;
};
constexpr Inversion kInversions[] = {{"应用尽用", "应用"}, {"应用", "应用"}, {"使用", "使用"},
                                     {"采用", "采用"},     {"淘汰", "淘汰"}, {"推广", "推广"},
                                     {"利用", "利用"}};
// Verbs inside "施工工地开展“全电工地”实践": the noun before, the action after.
constexpr Words kActionVerbs = {"开展", "实施", "进行"};

constexpr Words kSentenceEnds = {"。", "；", ";", "！", "？", "\n"};
constexpr Words kClauseEnds = {"，", "：", ",", ":"};

struct Numeral {
  absl::string_view text;
  int value;     // a digit, or the multiplier of 十/百/千
  bool is_unit;  // 十, 百, 千
};
constexpr Numeral kNumerals[] = {
    {"零", 0, false}, {"一", 1, false}, {"二", 2, false},  {"两", 2, false},   {"三", 3, false},
    {"四", 4, false}, {"五", 5, false}, {"六", 6, false},  {"七", 7, false},   {"八", 8, false},
    {"九", 9, false}, {"十", 10, true}, {"百", 100, true}, {"千", 1000, true},
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }

std::optional<absl::string_view> StartsWithAny(absl::string_view s, Words words) {
  std::optional<absl::string_view> best;
  for (absl::string_view w : words) {
    if (absl::StartsWith(s, w) && (!best.has_value() || w.size() > best->size())) best = w;
  }
  return best;
}

std::optional<absl::string_view> EndsWithAny(absl::string_view s, Words words) {
  std::optional<absl::string_view> best;
  for (absl::string_view w : words) {
    if (absl::EndsWith(s, w) && (!best.has_value() || w.size() > best->size())) best = w;
  }
  return best;
}

bool IsOneOf(absl::string_view s, Words words) {
  for (absl::string_view w : words) {
    if (s == w) return true;
  }
  return false;
}

bool ContainsAny(absl::string_view s, Words words) {
  for (absl::string_view w : words) {
    if (absl::StrContains(s, w)) return true;
  }
  return false;
}

// Position of the first of `words` in `s` at or after `from`, or npos.
size_t FindAny(absl::string_view s, Words words, size_t from = 0) {
  size_t best = absl::string_view::npos;
  for (absl::string_view w : words) {
    const size_t at = s.find(w, from);
    if (at < best) best = at;
  }
  return best;
}

const Numeral* NumeralAt(absl::string_view s) {
  for (const Numeral& n : kNumerals) {
    if (absl::StartsWith(s, n.text)) return &n;
  }
  return nullptr;
}

// Drops parenthesized asides: "建筑垃圾（不包括工程渣土）产生量" → "建筑垃圾产生量".
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

// "2026年…" → "…".
bool ConsumeYear(absl::string_view* s) {
  size_t digits = 0;
  while (digits < s->size() && IsDigit((*s)[digits])) ++digits;
  if (digits != 4 || !absl::StartsWith(s->substr(digits), "年")) return false;
  s->remove_prefix(digits + std::string_view("年").size());
  return true;
}

// A readable subject from the words before a comparator (see target_text.h).
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

// The subject with the noun its unit counts, unless it already names one.
std::string Named(std::string subject, absl::string_view unit) {
  if (subject.empty() || EndsWithAny(subject, kMeasures).has_value()) return subject;
  return absl::StrCat(subject, NounOfUnit(unit));
}

// "应用尽用建筑垃圾再生产品" → "建筑垃圾再生产品应用"; other phrases unchanged.
std::string Inverted(absl::string_view phrase) {
  for (const Inversion& inv : kInversions) {
    if (absl::StartsWith(phrase, inv.verb) && phrase.size() > inv.verb.size()) {
      return absl::StrCat(phrase.substr(inv.verb.size()), inv.as_noun);
    }
  }
  return std::string(phrase);
}

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

bool SubjectIsToReduce(absl::string_view subject) {
  constexpr absl::string_view kReduce[] = {"浓度", "重污染", "漏损", "负荷差", "排放量",
                                           "噪声", "污染天", "超标", "事故",   "产生量"};
  for (absl::string_view w : kReduce) {
    if (absl::StrContains(subject, w)) return true;
  }
  return false;
}

TextTargets ParseTextTargets(absl::string_view text) {
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
