// The targets of the whole seed plan against the list read by hand
// (testdata/plan_targets.tsv): precision and recall over the plan's measure
// texts, every subject as a reader would name it, and a corpus of the plan's
// phrases with numbers that are not targets.

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/testing/project_path.h"
#include "services/indicator/domain/target_text.h"

namespace ecoplan::indicator {
namespace {

struct Expected {
  std::string clause_piece;
  std::string subject;
  std::string comparator;
  double value = 0;
  std::string unit;
  std::string flags;
};

std::vector<std::string> Lines(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<Expected> ReadExpected() {
  std::vector<Expected> rows;
  for (const std::string& line : Lines(ECOPLAN_PLAN_TARGETS_TSV)) {
    if (line.empty() || line[0] == '#') continue;
    const std::vector<std::string> cells = absl::StrSplit(line, '\t');
    if (cells.size() != 6) {
      ADD_FAILURE() << "malformed row: " << line;
      continue;
    }
    Expected e{cells[0], cells[1], cells[2], 0, cells[4], cells[5]};
    EXPECT_TRUE(absl::SimpleAtod(cells[3], &e.value)) << line;
    rows.push_back(e);
  }
  return rows;
}

std::string Symbol(Comparator c) {
  switch (c) {
    case Comparator::kAtLeast:
      return ">=";
    case Comparator::kAtMost:
      return "<=";
    case Comparator::kLessThan:
      return "<";
    case Comparator::kGreaterThan:
      return ">";
    default:
      return "?";
  }
}

std::string Flags(const TextTarget& t) {
  std::string flags = t.binding ? "binding" : "stretch";
  if (t.approximate) absl::StrAppend(&flags, " approx");
  if (t.basis == TargetBasis::kChangeFromPriorYear) absl::StrAppend(&flags, " points");
  if (t.basis == TargetBasis::kPercentChangeFromPriorYear) absl::StrAppend(&flags, " percent");
  if (!t.alternative.empty()) absl::StrAppend(&flags, " alt=", t.alternative);
  return flags;
}

std::string Describe(const TextTarget& t) {
  return absl::StrCat("«", t.clause, "» → ", t.subject, " ", Symbol(t.comparator), " ",
                      t.value_text, " ", t.unit, " [", Flags(t), "]");
}

// The measure texts: every line of the plan before annex 4 (the annex tables
// are read as tables, not as text).
std::vector<TextTarget> PlanTargets() {
  std::vector<TextTarget> found;
  for (const std::string& line : Lines(ECOPLAN_SEED_PLAN)) {
    if (absl::StripAsciiWhitespace(line) == "附件4") break;
    for (TextTarget& t : ParseTextTargets(line).targets) found.push_back(std::move(t));
  }
  return found;
}

bool Matches(const Expected& e, const TextTarget& t) {
  return absl::StrContains(t.clause, e.clause_piece) && std::fabs(e.value - t.value) < 1e-9 &&
         e.unit == t.unit && e.comparator == Symbol(t.comparator) && e.flags == Flags(t);
}

TEST(TargetTextPlanTest, FindsThePlansTargetsWithPrecisionAndRecallOfAtLeast95Percent) {
  const std::vector<Expected> expected = ReadExpected();
  const std::vector<TextTarget> found = PlanTargets();
  ASSERT_GE(expected.size(), 40u);
  int true_positives = 0;
  std::vector<bool> matched(expected.size(), false);
  for (const TextTarget& t : found) {
    bool any = false;
    for (size_t i = 0; i < expected.size(); ++i) {
      if (!matched[i] && Matches(expected[i], t)) {
        matched[i] = true;
        any = true;
        ++true_positives;
        EXPECT_EQ(t.subject, expected[i].subject) << Describe(t);
        break;
      }
    }
    if (!any) ADD_FAILURE() << "not a target of the plan (or read wrong): " << Describe(t);
  }
  for (size_t i = 0; i < expected.size(); ++i) {
    if (!matched[i]) {
      ADD_FAILURE() << "missed: «" << expected[i].clause_piece << "» " << expected[i].subject;
    }
  }
  const double precision = found.empty() ? 0 : static_cast<double>(true_positives) / found.size();
  const double recall = static_cast<double>(true_positives) / expected.size();
  std::cout << "plan targets: " << expected.size() << " expected, " << found.size()
            << " found, precision " << precision << ", recall " << recall << "\n";
  EXPECT_GE(precision, 0.95);
  EXPECT_GE(recall, 0.95);
}

// Phrases of the plan (and of plans like it) with numbers that are not targets.
TEST(TargetTextPlanTest, NumbersThatAreNotTargetsYieldNone) {
  const std::vector<std::string> phrases = {
      "在督促VOCs年排放量1吨以上重点企业按周期实施清洁生产审核的基础上",
      "引导固体废物产生强度高于0.2吨/万元的制造业企业转型升级。",
      "针对门头沟区军庄镇再生水厂进水BOD5浓度低于100毫克/升的问题，加强排查溯源。",
      "3个优先监管地块污染管控率达到市级考核要求。",
      "打造“0.1微克”精细化治理示范区。",
      "实现连续两个月差等级道路整改提级。",
      "开展第四批生态文明建设示范区复核评估工作。",
      "启动第一批美丽城市建设。",
      "继续配合市级部门实施永定河生态补水，保障永定河三家店断面生态流量。",
      "持续打造一批低碳领跑者、气候友好型区域。",
      "全年实现一轮巡查、监测全覆盖。",
      "执行GB3095-2012标准，PM2.5和NO2按日评价。",
      "按照京政办发〔2026〕12号文件要求，5月底前完成，2026年12月31日前验收。",
      "落实“十四五”规划和三年行动计划。",
      "温拌沥青使用比例逐步提升。",
  };
  for (const std::string& phrase : phrases) {
    const TextTargets found = ParseTextTargets(phrase);
    EXPECT_TRUE(found.targets.empty())
        << phrase << " → " << (found.targets.empty() ? "" : Describe(found.targets[0]));
  }
}

}  // namespace
}  // namespace ecoplan::indicator
