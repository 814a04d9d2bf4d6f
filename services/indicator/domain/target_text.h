#pragma once

// Quantitative targets written inside measure texts: "货车新能源化率不低于30%",
// "尘负荷差等级道路数量比例不超过4%", "机械化作业率达到97.5%", "达50%以上",
// "不少于2家", "达到每年2300万立方米", "漏损率稳定控制在8%以下".

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator {

// One target found in a text.
struct TextTarget {
  Comparator comparator = Comparator::kUnspecified;
  double value = 0;
  std::string value_text;  // the number as written, e.g. "97.5"
  std::string unit;        // "%", "家", "万立方米", "微克/立方米", ...
  // What the target is about: the clause before the comparator, e.g.
  // "2026年新注册登记货车新能源化率". May be empty.
  std::string subject;
  // The clause holding the target (between Chinese punctuation), for people.
  std::string clause;
  // The comparator words as written, e.g. "不低于", "控制在…以下".
  std::string comparator_text;
};

// A figure with a unit that is not a target we can judge (no comparator).
struct UnparsedFigure {
  std::string clause;
  std::string figure;  // e.g. "80%"
  std::string reason;
};

struct TextTargets {
  std::vector<TextTarget> targets;
  std::vector<UnparsedFigure> unparsed;
};

// Finds every number followed by a target unit (%, 家, 天, 微克/立方米, 万立方米, …)
// and reads its comparator from the words around it:
//   不低于/不少于/不小于/以上 → ≥; 不超过/不高于/不大于/以下/以内 → ≤;
//   低于/小于 → <; 超过/高于/大于 → >;
//   达到/达/控制在/保持在 alone → ≤ when the subject is something to reduce
//   (浓度, 重污染, 漏损, 负荷差, 排放, 噪声), ≥ otherwise.
// Words like 每年, 年均, 平均, 累计 between comparator and number are skipped.
// Numbers inside identifiers (PM2.5, NO2) and figures without a target unit
// (years, months) are ignored; figures with a unit but no comparator are
// returned in `unparsed`. Never fails; a text with nothing yields nothing.
TextTargets ParseTextTargets(absl::string_view text);

// Whether words describe something to reduce (see above).
bool SubjectIsToReduce(absl::string_view subject);

}  // namespace ecoplan::indicator
