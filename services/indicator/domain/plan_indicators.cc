#include "services/indicator/domain/plan_indicators.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "services/indicator/domain/target_text.h"

namespace ecoplan::indicator {
namespace {

// What a column (or a measure-text subject) measures.
struct Subject {
  std::string key;  // id suffix
  std::string display_name;
  std::string unit;
  Comparator comparator = Comparator::kAtLeast;
  Aggregation aggregation = Aggregation::kLatestValue;
  SourceKind source = SourceKind::kReported;
  AirQualityItem item = AirQualityItem::kUnspecified;
};

bool IsCountUnit(absl::string_view unit) {
  constexpr absl::string_view kCounts[] = {"家",   "个",       "项",       "台",   "辆",   "座",
                                           "块",   "处",       "条",       "户",   "所",   "吨",
                                           "万吨", "万立方米", "立方米",   "株",   "万株", "亩",
                                           "公顷", "平方米",   "万平方米", "公里", "千米"};
  for (absl::string_view u : kCounts) {
    if (unit == u) return true;
  }
  return false;
}

// "PM2.5年均浓度（微克/立方米）" → unit "微克/立方米", name "PM2.5年均浓度".
std::pair<std::string, std::string> SplitUnit(absl::string_view label) {
  const size_t open = label.rfind("（");
  const size_t close = label.rfind("）");
  if (open != absl::string_view::npos && close != absl::string_view::npos && close > open) {
    std::string unit(label.substr(open + 3, close - open - 3));
    return {std::string(absl::StripAsciiWhitespace(label.substr(0, open))), unit};
  }
  return {std::string(absl::StripAsciiWhitespace(label)), ""};
}

// An air-quality subject, if the words name one.
std::optional<Subject> AirQualitySubject(absl::string_view words) {
  Subject s;
  s.source = SourceKind::kAirQuality;
  if (absl::StrContains(words, "PM2.5") && absl::StrContains(words, "浓度")) {
    s = {"pm25",
         "PM2.5年均浓度",
         "微克/立方米",
         Comparator::kAtMost,
         Aggregation::kMeanOfDaily,
         SourceKind::kAirQuality,
         AirQualityItem::kPm25};
    return s;
  }
  if (absl::StrContains(words, "优良天数")) {
    s = {"good-days",
         "优良天数比率",
         "%",
         Comparator::kAtLeast,
         Aggregation::kRatioOfQualifyingDays,
         SourceKind::kAirQuality,
         AirQualityItem::kAqi};
    return s;
  }
  if (absl::StrContains(words, "重污染天数")) {
    s = {"heavy-days",
         "重污染天数",
         "天",
         Comparator::kAtMost,
         Aggregation::kCountOfDays,
         SourceKind::kAirQuality,
         AirQualityItem::kAqi};
    return s;
  }
  return std::nullopt;
}

bool LabelIsToReduce(absl::string_view name) {
  // A label naming the work done (noise 治理 projects, 整治, 修复) counts what
  // must be achieved, even when its subject (噪声) is itself something to reduce.
  for (absl::string_view work : {"降低", "下降", "减排", "削减", "治理", "整治", "修复"}) {
    if (absl::StrContains(name, work)) return false;
  }
  return SubjectIsToReduce(name);
}

Subject ColumnSubject(absl::string_view label, const std::string& key) {
  if (std::optional<Subject> aq = AirQualitySubject(label)) return *aq;
  auto [name, unit] = SplitUnit(label);
  Subject s;
  s.key = key;
  s.display_name = name;
  s.unit = unit;
  s.comparator = LabelIsToReduce(name) ? Comparator::kAtMost : Comparator::kAtLeast;
  s.aggregation = IsCountUnit(unit) ? Aggregation::kCumulativeCount : Aggregation::kLatestValue;
  return s;
}

bool IsNumber(absl::string_view text, double* value) {
  text = absl::StripAsciiWhitespace(text);
  return !text.empty() && absl::SimpleAtod(text, value) && std::isfinite(*value);
}

bool IsYearOnYear(absl::string_view text) {
  return absl::StrContains(text, "同比改善") || absl::StrContains(text, "同比降低") ||
         absl::StrContains(text, "同比下降");
}

std::string Collapse(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out.push_back(c);
  }
  return out;
}

// Code points of UTF-8 text (invalid bytes become themselves).
std::vector<char32_t> CodePoints(absl::string_view s) {
  std::vector<char32_t> out;
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    if (i + n > s.size()) n = 1;
    char32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (int k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// Normalizes words for matching: no year, no units in brackets, 比率/占比 → 比例.
std::string MatchForm(absl::string_view words) {
  std::string s = SplitUnit(Collapse(words)).first;
  s = absl::StrReplaceAll(
      s, {{"比率", "比例"}, {"占比", "比例"}, {"2026年", ""}, {"全区", ""}, {"各区", ""}});
  return s;
}

// A measure-text target as the plan words it: "不低于30%", "达到30家以上", "50%左右",
// "较上一年度提升5个百分点", "零增长".
std::string TargetAsWritten(const TextTarget& t) {
  if (t.value_text == "零") return t.comparator_text;
  const std::string figure = absl::StrCat(
      t.value_text,
      t.basis == TargetBasis::kChangeFromPriorYear && t.unit == "%" ? "个百分点" : t.unit);
  const std::vector<absl::string_view> words = absl::StrSplit(t.comparator_text, "…");
  if (words.size() == 2) return absl::StrCat(words[0], figure, words[1]);
  for (absl::string_view after : {"以上", "及以上", "以下", "及以下", "以内", "左右"}) {
    if (t.comparator_text == after) return absl::StrCat(figure, after);
  }
  if (t.comparator_text == "为") return figure;
  return absl::StrCat(t.comparator_text, figure);
}

// Share of `label`'s bigrams found in `subject`, 0 unless the label's last
// bigram (the head noun of a Chinese noun phrase) is among them.
double Similarity(absl::string_view label, absl::string_view subject) {
  const std::vector<char32_t> a = CodePoints(MatchForm(label));
  const std::vector<char32_t> b = CodePoints(MatchForm(subject));
  if (a.size() < 2 || b.size() < 2) return 0;
  auto has = [&](size_t i) {
    for (size_t j = 0; j + 1 < b.size(); ++j) {
      if (b[j] == a[i] && b[j + 1] == a[i + 1]) return true;
    }
    return false;
  };
  if (!has(a.size() - 2)) return 0;
  int found = 0;
  for (size_t i = 0; i + 1 < a.size(); ++i) found += has(i) ? 1 : 0;
  return static_cast<double>(found) / static_cast<double>(a.size() - 1);
}

std::string FormatValue(double v) {
  std::string s = absl::StrCat(v);
  return s;
}

class Builder {
 public:
  explicit Builder(const PlanSource& plan) : plan_(plan) { out_.report.plan_id = plan.plan_id; }

  PlanIndicators Build() {
    for (const SourceTable& t : plan_.annex4) Annex4Table(t);
    for (const SourceTable& t : plan_.annex5) Annex5Table(t);
    for (const SourceMeasure& m : plan_.measures) MeasureText(m);
    for (auto& [id, ind] : indicators_) out_.indicators.push_back(std::move(ind));
    return std::move(out_);
  }

 private:
  Indicator NewIndicator(const std::string& id, const Subject& s, Origin origin) {
    Indicator ind;
    ind.plan_id = plan_.plan_id;
    ind.id = id;
    ind.display_name = s.display_name;
    ind.unit = s.unit;
    ind.comparator = s.comparator;
    ind.aggregation = s.aggregation;
    ind.source = s.source;
    ind.air_quality_item = s.item;
    ind.origin = origin;
    ind.period_start = absl::CivilDay(plan_.year, 1, 1);
    ind.period_end = absl::CivilDay(plan_.year, 12, 31);
    return ind;
  }

  void Issue(std::string location, std::string text, std::string reason) {
    out_.report.issues.push_back({std::move(location), std::move(text), std::move(reason)});
  }

  // Leaf column labels of a table (without the row-label column).
  static std::vector<std::string> LeafLabels(const SourceTable& t) {
    std::vector<std::string> leaves;
    if (t.header_rows.empty()) return leaves;
    const SourceRow& last = t.header_rows.back();
    for (size_t i = 1; i < last.size(); ++i) leaves.push_back(Collapse(last[i].text));
    if (t.header_rows.size() >= 2) {
      // Blank leaves at the end sit under single-column upper labels (the
      // upper label is the column's own label, merged vertically).
      const SourceRow& upper = t.header_rows.front();
      size_t u = upper.size();
      for (size_t i = leaves.size(); i-- > 0 && leaves[i].empty() && u > 1;) {
        leaves[i] = Collapse(upper[--u].text);
      }
    }
    return leaves;
  }

  void Annex4Table(const SourceTable& t) {
    const std::vector<std::string> leaves = LeafLabels(t);
    size_t r = 0;
    for (; r < t.rows.size(); ++r) {
      if (!t.rows[r].empty() && Collapse(t.rows[r][0].text) == Collapse(plan_.district)) break;
    }
    if (r == t.rows.size()) {
      Issue(absl::StrCat("annex 4 table ", t.index), plan_.district,
            "the table has no row for the plan's district");
      return;
    }
    const SourceRow& row = t.rows[r];
    const size_t cells = row.size() - 1;  // without the label
    const size_t columns = leaves.size();
    // cell index (1-based in row) → column index (0-based in leaves)
    std::map<size_t, size_t> placed;
    std::vector<bool> is_number(row.size(), false);
    std::vector<std::optional<std::string>> text(row.size());
    std::vector<bool> merged(row.size(), false);
    for (size_t c = 1; c < row.size(); ++c) {
      bool m = false;
      text[c] = ResolveCell(t, r, c, &m);
      merged[c] = m;
      double v = 0;
      is_number[c] = text[c].has_value() &&
                     (IsNumber(*text[c], &v) || row[c].state == CellState::kNotApplicable);
    }
    if (cells == columns) {
      for (size_t c = 1; c < row.size(); ++c) placed[c] = c - 1;
    } else {
      for (size_t c = 1; c < row.size() && c - 1 < columns; ++c) {
        placed[c] = c - 1;
        if (!is_number[c]) break;
      }
      for (size_t k = 0; k < cells && k < columns; ++k) {
        const size_t c = row.size() - 1 - k;
        if (placed.count(c)) break;
        placed[c] = columns - 1 - k;
        if (!is_number[c]) break;
      }
      std::vector<std::string> lost;
      for (size_t c = 1; c < row.size(); ++c) {
        if (!placed.count(c)) {
          lost.push_back(text[c].has_value()
                             ? (merged[c] ? absl::StrCat("(merged) ", *text[c]) : *text[c])
                             : "(merged, unknown)");
        }
      }
      std::vector<std::string> unplaced_columns;
      std::vector<bool> used(columns, false);
      for (auto& [c, col] : placed) used[col] = true;
      for (size_t col = 0; col < columns; ++col) {
        if (!used[col]) unplaced_columns.push_back(leaves[col]);
      }
      if (!lost.empty() || !unplaced_columns.empty()) {
        Issue(absl::StrCat("annex 4 table ", t.index, " row ", plan_.district),
              absl::StrJoin(lost, " | "),
              absl::StrCat("the row has ", cells, " cells for ", columns,
                           " columns (cells merged across columns in the original); these "
                           "cells cannot be placed with certainty, so the columns ",
                           absl::StrJoin(unplaced_columns, "、"), " are unknown"));
      }
    }
    for (auto& [c, col] : placed) {
      const std::string& label = leaves[col];
      const std::string location =
          absl::StrCat("annex 4 table ", t.index, " row ", plan_.district, " column ", label);
      const SourceCell& cell = row[c];
      if (cell.state == CellState::kNotApplicable) {
        Issue(location, cell.text, "'-' in the original: not assessed for this district");
        continue;
      }
      Subject s = ColumnSubject(label, absl::StrCat("t", t.index, "-c", col + 1));
      Indicator ind = NewIndicator(absl::StrCat("a4-", s.key), s, Origin::kAnnex4);
      ind.source_detail = merged[c] ? absl::StrCat(location, " (merged cell)") : location;
      if (!text[c].has_value()) {
        ind.target_text = "未知（原表合并单元格）";
        Issue(location, "", "blank merged cell with no value above it: target unknown");
        Add(std::move(ind));
        continue;
      }
      const std::string value_text = Collapse(*text[c]);
      ind.target_text = value_text;
      double v = 0;
      if (IsNumber(value_text, &v)) {
        ind.target_value = v;
      } else if (IsYearOnYear(value_text)) {
        ind.comparator = Comparator::kImproves;
        ind.aggregation = Aggregation::kYearOnYearChange;
        ind.unit = "%";
      } else {
        Issue(location, value_text,
              "qualitative target (no figure): not an indicator; the city's requirement "
              "must be entered by an administrator");
        continue;
      }
      Add(std::move(ind));
    }
  }

  std::optional<std::string> ResolveCell(const SourceTable& t, size_t r, size_t c, bool* merged) {
    *merged = false;
    const SourceCell& cell = t.rows[r][c];
    if (cell.state != CellState::kBlankMerged) return cell.text;
    *merged = true;
    for (size_t above = r; above-- > 0;) {
      const SourceRow& row = t.rows[above];
      if (row.size() != t.rows[r].size()) continue;
      if (row[c].state != CellState::kBlankMerged) return row[c].text;
    }
    return std::nullopt;
  }

  void Annex5Table(const SourceTable& t) {
    const std::vector<std::string> leaves = LeafLabels(t);
    for (size_t r = 0; r < t.rows.size(); ++r) {
      const SourceRow& row = t.rows[r];
      if (row.empty()) continue;
      const std::string town = Collapse(row[0].text);
      for (size_t c = 1; c < row.size(); ++c) {
        const std::string label = c - 1 < leaves.size() ? leaves[c - 1] : "";
        const std::string location =
            absl::StrCat("annex 5 table ", t.index, " row ", town, " column ", label);
        bool merged = false;
        std::optional<std::string> text = ResolveCell(t, r, c, &merged);
        if (!text.has_value()) {
          Issue(location, "", "blank merged cell with no value above it: target unknown");
          continue;
        }
        const std::string value_text = Collapse(*text);
        Subject s;
        std::string key;
        if (absl::StrContains(label, "PM2.5")) {
          s = *AirQualitySubject("PM2.5浓度");
          s.display_name = absl::StrCat(town, " PM2.5年均浓度");
          key = "pm25";
        } else if (absl::StrContains(label, "TSP")) {
          s = {"",
               absl::StrCat(town, " TSP浓度同比变化"),
               "%",
               Comparator::kImproves,
               Aggregation::kYearOnYearChange,
               SourceKind::kReported,
               AirQualityItem::kUnspecified};
          key = "tsp";
        } else {
          Issue(location, value_text, "column not recognised (expected PM2.5 or TSP)");
          continue;
        }
        Indicator ind = NewIndicator(absl::StrCat("a5-", town, "-", key), s, Origin::kAnnex5);
        ind.scope_kind = ScopeKind::kTown;
        ind.scope_name = town;
        ind.owners = {town};
        ind.target_text = value_text;
        ind.source_detail = merged ? absl::StrCat(location, " (merged cell)") : location;
        double v = 0;
        if (IsNumber(value_text, &v)) {
          if (ind.comparator == Comparator::kImproves) {
            Issue(location, value_text, "a number where a year-on-year word was expected");
            continue;
          }
          ind.target_value = v;
        } else if (!IsYearOnYear(value_text)) {
          Issue(location, value_text, "target is neither a number nor 同比改善");
          continue;
        } else if (ind.comparator != Comparator::kImproves) {
          Issue(location, value_text, "a year-on-year word where a number was expected");
          continue;
        }
        Add(std::move(ind));
      }
    }
  }

  void MeasureText(const SourceMeasure& m) {
    TextTargets found = ParseTextTargets(m.text);
    const std::string location = absl::StrCat("measure ", m.id);
    for (UnparsedFigure& u : found.unparsed) {
      Issue(location, absl::StrCat(u.figure, " in «", u.clause, "»"), u.reason);
    }
    int k = 0;
    for (const TextTarget& t : found.targets) {
      ++k;
      // Annex 4 states absolute targets (binding: a measure restating one with
      // 力争 is held to it); a change against the prior year restates none.
      Indicator* best = t.basis == TargetBasis::kAbsolute ? RestatedInAnnex4(t) : nullptr;
      if (best != nullptr) {
        CrossCheckWith(*best, t, m);
        AddMeasure(*best, m);
        continue;
      }
      Subject s;
      s.display_name = t.subject;
      s.unit = t.unit;
      s.comparator = t.comparator;
      s.aggregation =
          IsCountUnit(t.unit) ? Aggregation::kCumulativeCount : Aggregation::kLatestValue;
      s.source = SourceKind::kReported;
      if (std::optional<Subject> aq = AirQualitySubject(t.subject)) {
        s = *aq;
        s.comparator = t.comparator;
      }
      Indicator ind = NewIndicator(absl::StrCat("m-", m.id, "-", k), s, Origin::kMeasureText);
      ind.stretch = !t.binding;
      ind.target_basis = t.basis;
      ind.target_text = TargetAsWritten(t);
      if (!t.alternative.empty()) absl::StrAppend(&ind.target_text, "（", t.alternative, "）");
      if (t.basis == TargetBasis::kAbsolute) {
        ind.target_value = t.value;
      } else {
        ind.target_change = t.value;
        Issue(location, absl::StrCat(ind.target_text, " in «", t.clause, "»"),
              absl::StrCat("baseline required: indicator ", ind.id, " «", ind.display_name,
                           "» is a change from the prior year's value, which the plan does "
                           "not give; the bureau enters it (UpdateIndicator, baseline_value)"));
      }
      ind.source_detail = absl::StrCat(location, ": ", t.clause);
      AddMeasure(ind, m);
      Add(std::move(ind));
    }
  }

  // The annex-4 indicator a measure-text target restates, if any.
  Indicator* RestatedInAnnex4(const TextTarget& t) {
    if (std::optional<Subject> aq = AirQualitySubject(t.subject)) {
      auto it = indicators_.find(absl::StrCat("a4-", aq->key));
      return it != indicators_.end() ? &it->second : nullptr;
    }
    Indicator* best = nullptr;
    double best_score = 0;
    for (auto& [id, ind] : indicators_) {
      if (ind.origin != Origin::kAnnex4 || ind.unit != t.unit) continue;
      const double score = Similarity(ind.display_name, t.subject);
      if (score >= 0.5 && score > best_score) {
        best_score = score;
        best = &ind;
      }
    }
    return best;
  }

  void CrossCheckWith(const Indicator& annex, const TextTarget& t, const SourceMeasure& m) {
    CrossCheck check;
    check.indicator_id = annex.id;
    check.measure_id = m.id;
    check.annex_text = absl::StrCat(annex.display_name, " ", annex.target_text);
    check.measure_text = t.clause;
    std::vector<std::string> diffs;
    if (!annex.target_value.has_value()) {
      diffs.push_back(absl::StrCat("annex 4 has no figure (", annex.target_text,
                                   "), the measure says ", t.value_text, t.unit));
    } else if (std::fabs(*annex.target_value - t.value) > 1e-9) {
      diffs.push_back(absl::StrCat("value: annex 4 ", FormatValue(*annex.target_value),
                                   ", measure ", t.value_text));
    }
    if (annex.comparator != t.comparator) {
      diffs.push_back(absl::StrCat("comparator: annex 4 ", ComparatorSymbol(annex.comparator),
                                   ", measure ", ComparatorSymbol(t.comparator), " (",
                                   t.comparator_text, ")"));
    }
    check.agrees = diffs.empty();
    check.difference = absl::StrJoin(diffs, "; ");
    out_.report.cross_checks.push_back(std::move(check));
  }

  static void AddMeasure(Indicator& ind, const SourceMeasure& m) {
    if (std::find(ind.measures.begin(), ind.measures.end(), m.id) == ind.measures.end()) {
      ind.measures.push_back(m.id);
    }
    for (const std::string& lead : m.leads) {
      if (std::find(ind.owners.begin(), ind.owners.end(), lead) == ind.owners.end()) {
        ind.owners.push_back(lead);
      }
    }
  }

  void Add(Indicator ind) {
    switch (ind.origin) {
      case Origin::kAnnex4:
        ++out_.report.annex4_count;
        break;
      case Origin::kAnnex5:
        ++out_.report.annex5_count;
        break;
      case Origin::kMeasureText:
        ++out_.report.measure_text_count;
        break;
      default:
        break;
    }
    std::string id = ind.id;
    indicators_.emplace(std::move(id), std::move(ind));
  }

  const PlanSource& plan_;
  std::map<std::string, Indicator> indicators_;
  PlanIndicators out_;
};

}  // namespace

PlanIndicators BuildPlanIndicators(const PlanSource& plan) { return Builder(plan).Build(); }

double NameSimilarity(absl::string_view label, absl::string_view subject) {
  return Similarity(label, subject);
}

}  // namespace ecoplan::indicator
