#pragma once

// The words the target-text parser reads (target_text.h gives the grammar):
// units, comparators, fillers, the words around a subject, and the matching
// helpers over them. Internal to target_text.cc and target_text_subject.cc.

#include <cstddef>
#include <initializer_list>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator::target_text_internal {

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

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAsciiAlpha(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }

inline std::optional<absl::string_view> StartsWithAny(absl::string_view s, Words words) {
  std::optional<absl::string_view> best;
  for (absl::string_view w : words) {
    if (absl::StartsWith(s, w) && (!best.has_value() || w.size() > best->size())) best = w;
  }
  return best;
}

inline std::optional<absl::string_view> EndsWithAny(absl::string_view s, Words words) {
  std::optional<absl::string_view> best;
  for (absl::string_view w : words) {
    if (absl::EndsWith(s, w) && (!best.has_value() || w.size() > best->size())) best = w;
  }
  return best;
}

inline bool IsOneOf(absl::string_view s, Words words) {
  for (absl::string_view w : words) {
    if (s == w) return true;
  }
  return false;
}

inline bool ContainsAny(absl::string_view s, Words words) {
  for (absl::string_view w : words) {
    if (absl::StrContains(s, w)) return true;
  }
  return false;
}

// Position of the first of `words` in `s` at or after `from`, or npos.
inline size_t FindAny(absl::string_view s, Words words, size_t from = 0) {
  size_t best = absl::string_view::npos;
  for (absl::string_view w : words) {
    const size_t at = s.find(w, from);
    if (at < best) best = at;
  }
  return best;
}

inline const Numeral* NumeralAt(absl::string_view s) {
  for (const Numeral& n : kNumerals) {
    if (absl::StartsWith(s, n.text)) return &n;
  }
  return nullptr;
}

}  // namespace ecoplan::indicator::target_text_internal
