// Sections 二 (量化指标完成情况), 三 (空气质量) and 六 (逾期与偏离) of the 月报.

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "services/indicator/documents/monthly_report_sections.h"

namespace ecoplan::indicator::documents {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

// "≤24.6" and "剩余214天" below it: what the rest of the period must average (the unit is
// in the indicator's label).
std::string RequiredText(const iv1::Evaluation& e) {
  if (!e.has_required_remaining_value()) return "—";
  std::string text = absl::StrCat(ComparatorSymbol(e.indicator().comparator()),
                                  ReportNumber(e.required_remaining_value()));
  if (e.remaining_days() > 0) absl::StrAppend(&text, "\n剩余", e.remaining_days(), "天");
  return text;
}

std::string Owners(const iv1::Indicator& indicator) {
  if (indicator.owners().empty())
    return indicator.scope_name().empty() ? "—" : indicator.scope_name();
  return absl::StrJoin(indicator.owners(), "、");
}

bool IsDistrictAirQuality(const iv1::Indicator& i) {
  return i.source() == iv1::SOURCE_KIND_AIR_QUALITY && i.scope_kind() == iv1::SCOPE_KIND_DISTRICT;
}

// True when the calibers' results differ in value, projection or status.
bool CalibersDiffer(const iv1::Evaluation& e) {
  for (const iv1::CaliberResult& a : e.calibers()) {
    for (const iv1::CaliberResult& b : e.calibers()) {
      if (a.has_current_value() != b.has_current_value() ||
          (a.has_current_value() && a.current_value() != b.current_value()) ||
          a.has_projected_value() != b.has_projected_value() ||
          (a.has_projected_value() && a.projected_value() != b.projected_value()) ||
          a.status() != b.status()) {
        return true;
      }
    }
  }
  return false;
}

// A table row is kept whole on one page, so no cell may be taller than a
// page: long texts are cut (the API keeps them whole).
constexpr size_t kMaxCellChars = 400;
constexpr int kMaxReasons = 5;

// A light's reasons, one a line, at most kMaxReasons and kMaxCellChars.
std::string ReasonsText(const iv1::MeasureLight& light) {
  std::string text;
  int shown = 0;
  for (const std::string& reason : ReasonsToPrint(light)) {
    if (shown == kMaxReasons) break;
    absl::StrAppend(&text, shown++ > 0 ? "\n" : "", reason);
  }
  text = Abbreviate(text, kMaxCellChars);
  if (light.reasons_size() > shown) {
    absl::StrAppend(&text, "\n（共", light.reasons_size(), "条，其余见评估接口）");
  }
  return text;
}

bool Alarming(iv1::IndicatorStatus s) { return s == iv1::INDICATOR_STATUS_OFF_TRACK; }

// The projection, with its band where the evaluation gives one: "28.4（27.9～29.0）".
std::string ProjectionText(const iv1::Evaluation& e) {
  std::string text = ValueText(e.has_projected_value(), e.projected_value(), "");
  if (e.has_projected_value() && e.has_projected_low() && e.has_projected_high()) {
    absl::StrAppend(&text, "（", ReportNumber(e.projected_low()), "～",
                    ReportNumber(e.projected_high()), "）");
  }
  return text;
}

}  // namespace

void WriteIndicators(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  const iv1::EvaluatePlanResponse& evaluation = ctx.facts.evaluation;
  pager.Heading("二、量化指标完成情况");
  std::vector<std::string> counts;
  for (const char* name : {"achieved", "on_track", "at_risk", "off_track", "insufficient_data"}) {
    const auto it = evaluation.status_counts().find(name);
    if (it != evaluation.status_counts().end() && it->second > 0) {
      counts.push_back(absl::StrCat(IndicatorStatusNameWord(name), it->second, "项"));
    }
  }
  std::string text = absl::StrCat("截至", LongDate(ctx.facts.as_of), "，共评估量化指标",
                                  evaluation.evaluations_size(), "项");
  if (!counts.empty()) absl::StrAppend(&text, "，其中", absl::StrJoin(counts, "、"));
  absl::StrAppend(&text,
                  "。下表列出各项指标的当前值、目标值、评估状态、年底预计值（括号内为按各往年"
                  "季节规律分别推算的区间），以及剩余时段须达到的均值（按评估接口的取值修约，"
                  "未作二次计算）。");
  pager.Paragraph(text);
  if (evaluation.evaluations().empty()) return;
  const std::vector<TableColumn> columns = {
      {"序号", 0.5, CellAlign::kCenter},           {"指标（单位）", 3.1},
      {"当前值", 0.95, CellAlign::kRight},         {"目标", 1.25, CellAlign::kCenter},
      {"状态", 1.4, CellAlign::kCenter},           {"年底预计", 1.15, CellAlign::kRight},
      {"剩余时段须达到", 1.6, CellAlign::kCenter}, {"责任单位", 1.8}};
  std::vector<TableRow> rows;
  int n = 0;
  for (const iv1::Evaluation& e : evaluation.evaluations()) {
    const iv1::Indicator& i = e.indicator();
    TableRow row;
    row.cells = {absl::StrCat(++n),
                 IndicatorLabel(i),
                 ValueText(e.has_current_value(), e.current_value(), ""),
                 TargetText(i, false),
                 IndicatorStatusWord(e.status()),
                 ProjectionText(e),
                 RequiredText(e),
                 Owners(i)};
    if (Alarming(e.status())) row.alert_columns = {4};
    rows.push_back(std::move(row));
  }
  pager.Table("量化指标完成情况", columns, rows);
}

void WriteAirQuality(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  const MonthFacts& facts = ctx.facts;
  pager.Heading("三、空气质量");
  pager.SubHeading("（一）全区空气质量指标（附件4）");
  std::vector<const iv1::Evaluation*> district;
  for (const iv1::Evaluation& e : facts.evaluation.evaluations()) {
    if (IsDistrictAirQuality(e.indicator())) district.push_back(&e);
  }
  std::string pm25_indicator;
  if (district.empty()) {
    pager.Paragraph("评估结果中没有全区空气质量指标。");
  } else {
    std::vector<std::string> parts;
    for (const iv1::Evaluation* e : district) {
      const iv1::Indicator& i = e->indicator();
      if (i.air_quality_item() == iv1::AIR_QUALITY_ITEM_PM25 && pm25_indicator.empty()) {
        pm25_indicator = i.name();
      }
      parts.push_back(absl::StrCat(
          i.display_name(), "为", ValueText(e->has_current_value(), e->current_value(), i.unit()),
          "（目标", TargetText(i), "，", IndicatorStatusWord(e->status()), "）"));
    }
    pager.Paragraph(
        absl::StrCat("截至", LongDate(facts.as_of), "，全区", absl::StrJoin(parts, "；"), "。"));
    const std::vector<TableColumn> columns = {{"指标（单位）", 2.4},
                                              {"累计值", 0.95, CellAlign::kRight},
                                              {"目标", 0.9, CellAlign::kCenter},
                                              {"状态", 1.4, CellAlign::kCenter},
                                              {"年底预计", 1.15, CellAlign::kRight},
                                              {"剩余时段须达到", 1.6, CellAlign::kCenter},
                                              {"有效天数", 0.9, CellAlign::kRight},
                                              {"评价标准（天数）", 2.2}};
    std::vector<TableRow> rows;
    for (const iv1::Evaluation* e : district) {
      const iv1::Indicator& i = e->indicator();
      TableRow row;
      row.cells = {IndicatorLabel(i),
                   ValueText(e->has_current_value(), e->current_value(), ""),
                   TargetText(i, false),
                   IndicatorStatusWord(e->status()),
                   ProjectionText(*e),
                   RequiredText(*e),
                   absl::StrCat(e->observed_days()),
                   !e->standards_used_zh().empty()
                       ? absl::StrReplaceAll(e->standards_used_zh(), {{"；", "\n"}})
                   : e->standards_used().empty()
                       ? "—"
                       : absl::StrReplaceAll(e->standards_used(), {{", ", "\n"}})};
      if (Alarming(e->status())) row.alert_columns = {3};
      rows.push_back(std::move(row));
    }
    pager.Table("全区空气质量指标", columns, rows);

    // Exceptional events (例外事件): the figure without the marked days, beside
    // the official one above (which counts every day).
    std::vector<std::string> excluded;
    for (const iv1::Evaluation* e : district) {
      if (!e->has_excluding_exceptional_events()) continue;
      const iv1::ExceptionalEventsFigure& x = e->excluding_exceptional_events();
      const iv1::Indicator& i = e->indicator();
      std::vector<std::string> events;
      for (const std::string& name : x.exceptional_events()) {
        events.push_back(name.substr(name.rfind('/') + 1));
      }
      excluded.push_back(
          absl::StrCat(i.display_name(), "含全部天数为",
                       ValueText(e->has_current_value(), e->current_value(), i.unit()), "（",
                       IndicatorStatusWord(e->status()), "），扣除", x.excluded_days(), "天（",
                       absl::StrJoin(events, "、"), "）后为",
                       ValueText(x.has_current_value(), x.current_value(), i.unit()), "（",
                       IndicatorStatusWord(x.status()), "）"));
    }
    if (!excluded.empty()) {
      pager.Paragraph(absl::StrCat("例外事件：区生态环境局标记了受例外事件（如沙尘）影响的日期。",
                                   absl::StrJoin(excluded, "；"), "。上表及状态按全部天数计。"));
    }

    // Both standards' calibers, where they give different results.
    std::vector<TableRow> caliber_rows;
    for (const iv1::Evaluation* e : district) {
      if (!CalibersDiffer(*e)) continue;
      const iv1::Indicator& i = e->indicator();
      for (const iv1::CaliberResult& c : e->calibers()) {
        caliber_rows.push_back(
            {{i.unit().empty() ? i.display_name()
                               : absl::StrCat(i.display_name(), "（", i.unit(), "）"),
              CaliberWord(c.caliber()), ValueText(c.has_current_value(), c.current_value(), ""),
              ValueText(c.has_projected_value(), c.projected_value(), ""),
              IndicatorStatusWord(c.status()), absl::StrCat(c.days())},
             false,
             {}});
      }
    }
    if (caliber_rows.empty()) {
      pager.Paragraph(
          "按各日施行标准与统一按新、旧标准（HJ 633-2012、HJ 633—2026）评价的结果一致。");
    } else {
      pager.Paragraph(
          "2026年3月1日起施行HJ 633—2026等新标准。以下指标按各日施行标准与统一按新、旧标准评价"
          "的结果不同，并列如下：");
      pager.Table("新旧标准口径对比",
                  {{"指标", 2.2},
                   {"口径", 2.2},
                   {"累计值", 1.3, CellAlign::kRight},
                   {"年底预计", 1.3, CellAlign::kRight},
                   {"状态", 1.2, CellAlign::kCenter},
                   {"有效天数", 1, CellAlign::kRight}},
                  caliber_rows);
    }
    ctx.Chart(pager, MonthlyReportChart::kIndicatorTrajectory, pm25_indicator);
    ctx.Chart(pager, MonthlyReportChart::kGoodDaysRatio);
  }

  // The month's days, counted from the daily air quality.
  std::map<std::string, int> by_category;
  int days = 0;
  int unpublished = 0;
  std::map<std::string, int> standards;
  for (const iv1::DailyAirQuality& d : facts.district_days) {
    if (absl::CivilMonth(absl::CivilDay(d.date().year(), d.date().month(), d.date().day())) !=
        ctx.month) {
      continue;
    }
    ++days;
    ++standards[d.standard()];
    if (!d.published()) {
      ++unpublished;
      continue;
    }
    ++by_category[d.category()];
  }
  pager.SubHeading(absl::StrCat("（二）", ctx.month.month(), "月逐日空气质量"));
  if (days == 0) {
    pager.Paragraph("本月尚无全区逐日空气质量数据。");
  } else {
    const int good = by_category["优"] + by_category["良"];
    const int heavy = by_category["重度污染"] + by_category["严重污染"];
    std::vector<std::string> cats;
    for (const char* c : {"优", "良", "轻度污染", "中度污染", "重度污染", "严重污染"}) {
      if (by_category[c] > 0) cats.push_back(absl::StrCat(c, by_category[c], "天"));
    }
    std::vector<std::string> used;
    for (const auto& [standard, n] : standards)
      used.push_back(absl::StrCat(standard, " ", n, "天"));
    std::string text = absl::StrCat("本月有监测数据", days, "天，其中优良天数", good,
                                    "天、重污染天数", heavy, "天");
    if (!cats.empty()) absl::StrAppend(&text, "（", absl::StrJoin(cats, "、"), "）");
    if (unpublished > 0) absl::StrAppend(&text, "；", unpublished, "天AQI不发布（NA）");
    absl::StrAppend(&text, "。逐日评价标准：", absl::StrJoin(used, "，"), "。");
    pager.Paragraph(text);
  }

  pager.SubHeading("（三）镇街PM2.5排名（附件5）");
  const auto& ranking = facts.evaluation.town_ranking();
  if (ranking.empty()) {
    pager.Paragraph("评估结果中没有镇街排名。");
    return;
  }
  int over = 0;
  for (const iv1::TownRank& t : ranking) over += t.has_gap() && t.gap() > 0 ? 1 : 0;
  pager.Paragraph(absl::StrCat("按PM2.5累计浓度由低到高排名，", ranking.size(), "个镇街中", over,
                               "个高于附件5目标值。"));
  std::vector<TableRow> rows;
  for (const iv1::TownRank& t : ranking) {
    TableRow row;
    row.cells = {t.rank() > 0 ? absl::StrCat(t.rank()) : "—",
                 t.town(),
                 ValueText(t.has_pm25(), t.pm25(), ""),
                 ValueText(t.has_target(), t.target(), ""),
                 t.has_gap() ? SignedNumber(t.gap()) : "—",
                 IndicatorStatusWord(t.status()),
                 ValueText(t.has_pm25_last_year(), t.pm25_last_year(), ""),
                 t.has_year_on_year_percent()
                     ? absl::StrCat(SignedNumber(t.year_on_year_percent()), "%")
                     : "—",
                 absl::StrCat(t.days())};
    if (t.has_gap() && t.gap() > 0) row.alert_columns = {4};
    if (Alarming(t.status())) row.alert_columns.push_back(5);
    rows.push_back(std::move(row));
  }
  pager.Table("镇街PM2.5浓度排名（微克/立方米）",
              {{"排名", 0.7, CellAlign::kCenter},
               {"镇街", 1.5},
               {"PM2.5", 1, CellAlign::kRight},
               {"目标值", 1, CellAlign::kRight},
               {"差值", 0.9, CellAlign::kRight},
               {"状态", 1.3, CellAlign::kCenter},
               {"去年同期", 1, CellAlign::kRight},
               {"同比", 1, CellAlign::kRight},
               {"有效天数", 0.9, CellAlign::kRight}},
              rows);
  ctx.Chart(pager, MonthlyReportChart::kTownRanking);
}

void WriteOverdue(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  pager.Heading("六、逾期与偏离");
  pager.SubHeading("（一）红灯措施");
  std::vector<TableRow> rows;
  for (const iv1::MeasureLight& l : ctx.lights) {
    if (l.colour() != iv1::MEASURE_COLOUR_RED) continue;
    std::string due = l.has_due_date() ? ShortDate(l.due_date(), ctx.year) : "长期";
    if (l.has_original_due_date() && l.original_due_date().year() != 0) {
      absl::StrAppend(&due, "（原", ShortDate(l.original_due_date(), ctx.year), "，已延期）");
    }
    TableRow row;
    row.cells = {ctx.MeasureLabel(l.measure(), 40),
                 l.owners().empty() ? "—" : absl::StrJoin(l.owners(), "、"),
                 l.responsible_organizations().empty()
                     ? "—"
                     : absl::StrJoin(l.responsible_organizations(), "、"),
                 due, ReasonsText(l)};
    rows.push_back(std::move(row));
  }
  if (rows.empty()) {
    pager.Paragraph("截至本报告数据日，没有红灯措施。");
  } else {
    pager.Paragraph(absl::StrCat("红灯措施共", rows.size(),
                                 "项（逾期未办结、检查节点未完成、督办逾期或问题清单逾期等），"
                                 "判定依据与评估接口给出的理由逐条对应。"));
    pager.Table("红灯措施及责任单位",
                {{"措施", 3.0},
                 {"牵头部门", 1.75},
                 {"责任单位", 1.75},
                 {"完成时限", 1.1},
                 {"判定依据", 3.0}},
                rows);
  }

  pager.SubHeading("（二）偏离目标和存在风险的指标");
  std::vector<TableRow> indicator_rows;
  for (iv1::IndicatorStatus status :
       {iv1::INDICATOR_STATUS_OFF_TRACK, iv1::INDICATOR_STATUS_AT_RISK}) {
    for (const iv1::Evaluation& e : ctx.facts.evaluation.evaluations()) {
      if (e.status() != status) continue;
      const iv1::Indicator& i = e.indicator();
      TableRow row;
      row.cells = {IndicatorLabel(i),
                   ValueText(e.has_current_value(), e.current_value(), ""),
                   TargetText(i, false),
                   ValueText(e.has_projected_value(), e.projected_value(), ""),
                   IndicatorStatusWord(e.status()),
                   Owners(i),
                   Abbreviate(ChineseOr(e.status_reason_zh(), e.status_reason()), kMaxCellChars)};
      if (Alarming(status)) row.alert_columns = {4};
      indicator_rows.push_back(std::move(row));
    }
  }
  if (indicator_rows.empty()) {
    pager.Paragraph("没有偏离目标或存在风险的指标。");
  } else {
    pager.Table("偏离目标和存在风险的指标",
                {{"指标（单位）", 2.6},
                 {"当前值", 0.95, CellAlign::kRight},
                 {"目标", 0.9, CellAlign::kCenter},
                 {"年底预计", 1.15, CellAlign::kRight},
                 {"状态", 1.4, CellAlign::kCenter},
                 {"责任单位", 1.7},
                 {"说明", 2.6}},
                indicator_rows);
  }

  // Per organization, the overdue measures its scorecard counts.
  std::vector<TableRow> org_rows;
  for (const iv1::Scorecard& card : ctx.scorecards) {
    if (card.overdue_measures() == 0) continue;
    // The Chinese texts (overdue_zh); the English ones where an answer has none.
    auto overdue = [](const iv1::ScoreRole& role) -> const auto& {
      return role.overdue_zh_size() == role.overdue_size() ? role.overdue_zh() : role.overdue();
    };
    std::vector<std::string> which(overdue(card.as_lead()).begin(), overdue(card.as_lead()).end());
    for (const std::string& m : overdue(card.as_responsible())) {
      which.push_back(absl::StrCat(m, "（责任单位）"));
    }
    org_rows.push_back(
        {{card.organization(), absl::StrCat(card.overdue_measures()), absl::StrJoin(which, "；")},
         false,
         {1}});
  }
  if (!org_rows.empty()) {
    pager.SubHeading("（三）各单位逾期措施");
    pager.Table("各单位逾期未办结措施",
                {{"单位", 2}, {"逾期措施数", 1.1, CellAlign::kRight}, {"措施（完成时限）", 6}},
                org_rows);
  }
}

}  // namespace ecoplan::indicator::documents
