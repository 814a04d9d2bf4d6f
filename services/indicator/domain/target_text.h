#pragma once

// Quantitative targets written inside measure texts: "货车新能源化率不低于30%",
// "尘负荷差等级道路数量比例不超过4%", "机械化作业率达到97.5%", "达50%以上",
// "不少于2家", "达到每年2300万立方米", "漏损率稳定控制在8%以下",
// "温拌沥青使用比例较上一年度提升5个百分点", "建设生态保育小区2处",
// "年度开展两轮次…专项检查", "产生量每万平方米低于300 吨，鼓励低于210吨".
//
// The grammar, as the plan writes it (one sentence at a time, clauses split at
// ，：; a parenthesis never ends a clause):
//
//   figure      := number [spaces] unit
//   number      := digits ["." digits]
//                | Chinese numeral of 2 or more (两, 三, 十二 …) before a count
//                  unit, after a verb of commitment (开展, 完成, 推广, 建设, 新增,
//                  至少, 不少于 …) — elsewhere 三家店 and 一批 are words, not counts
//   unit        := the longest of %, 家, 天, 个, 处, 轮次, 吨, 万立方米, 微克/立方米,
//                  个百分点 … with a denominator after "/" (吨/万元) or written
//                  before the comparator (每万平方米低于300吨 → 吨/万平方米)
//   target      := subject comparator [filler] figure [after]   不低于, 达到, 至少 …
//                | subject figure after                         50%以上, 50%左右
//                | subject relative change figure               较上一年度提升5个百分点
//                | subject figure                               生态保育小区2处 (a count
//                  that ends its clause is a commitment: at least)
//                | verb figure noun                             推广1个典型案例
//                | subject figure 为 noun                        80%为纯电动…汽车
//
// Comparators: 不低于/不少于/不小于/至少/以上 → ≥; 不超过/不高于/不大于/以下/以内 → ≤;
// 低于/小于 → <; 超过/高于/大于 → >; 达到/达/控制在/保持在/左右 alone → ≤ when the
// subject is something to reduce (浓度, 重污染, 漏损, 负荷差, 排放 …), ≥ otherwise.
//
// Not targets (never an indicator; listed in `unparsed` with the reason):
//   * scope thresholds — a figure with 以上/以下/高于/低于/超过 that qualifies an
//     entity ("VOCs年排放量1吨以上重点企业", "强度高于0.2吨/万元的制造业企业",
//     "浓度低于100毫克/升的问题");
//   * a count naming what a qualitative target is about ("3个优先监管地块…达到市级考核要求");
//   * a figure with a unit and no comparator or commitment.
// Skipped silently: identifiers (PM2.5, NO2), ordinals (第四批), quoted names
// (“0.1微克”), durations (两个月), dates and document numbers (no target unit).
//
// Subjects are readable names: parentheses, years, leading verbs and adverbs
// (确保, 督促, 力争, 鼓励, 按照, 在…时 …) and trailing adverbs (稳定, 平均) are
// dropped; a count gets its noun (家数, 数量, 轮次); a clause without a subject
// of its own takes the one before it in the sentence (鼓励低于210吨); "或者达到95%
// 以上…" is an alternative of the target before it, not a target of its own.

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator {

// One target found in a text.
struct TextTarget {
  Comparator comparator = Comparator::kUnspecified;
  // The figure; for a relative basis the signed change (提升5个百分点 → +5,
  // 同比下降10% → −10 with comparator ≤).
  double value = 0;
  std::string value_text;  // the number as written, e.g. "97.5", "两"
  // "%", "家", "万立方米", "微克/立方米", "吨/万平方米"; for kChangeFromPriorYear
  // the unit of the measured value ("%" for 个百分点).
  std::string unit;
  // What the target is about, as a readable name: "新注册登记货车新能源化率",
  // "新增绿色汽修企业家数", "施工工地抽检比例". Never empty.
  std::string subject;
  // The clause holding the target (between Chinese punctuation), for people.
  std::string clause;
  // The comparator words as written, e.g. "不低于", "控制在…以下", "较上一年度提升";
  // empty for a count that commits by itself (生态保育小区2处).
  std::string comparator_text;
  // False for a stretch goal (力争, 争取, 鼓励): shown and judged, never binding.
  bool binding = true;
  // 左右, 约: the figure is approximate.
  bool approximate = false;
  TargetBasis basis = TargetBasis::kAbsolute;
  // An alternative way to meet the target, as written ("或者达到95%以上且当年依法
  // 处罚、整改到位"); empty if none.
  std::string alternative;
};

// A figure with a unit that is not a target we can judge, and why.
struct UnparsedFigure {
  std::string clause;
  std::string figure;  // e.g. "80%", "1吨"
  std::string reason;
};

struct TextTargets {
  std::vector<TextTarget> targets;
  std::vector<UnparsedFigure> unparsed;
};

// Reads every target of `text` (see the grammar above). Never fails; a text
// with nothing yields nothing.
TextTargets ParseTextTargets(absl::string_view text);

// Whether words describe something to reduce (see above).
bool SubjectIsToReduce(absl::string_view subject);

}  // namespace ecoplan::indicator
