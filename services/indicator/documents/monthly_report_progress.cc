// Sections 一 (总体进展), 四 (报送情况), 五 (延期与完成) and 七 (督查督办) of the 月报.

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/indicator/documents/monthly_report_sections.h"

namespace ecoplan::indicator::documents {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

// The reported status of a measure: its first lead's latest report
// (MeasureOwnerProgress.status) in the progress proto's words.
const char* ReportedStatusWord(const iv1::MeasureLight* light) {
  if (light != nullptr) {
    for (const iv1::MeasureOwnerProgress& p : light->progress()) {
      if (!p.lead()) continue;
      if (p.status() == "not_started") return "未启动";
      if (p.status() == "in_progress") return "推进中";
      if (p.status() == "completed") return "已完成（自报）";
      if (p.status() == "delayed") return "滞后";
      if (p.status() == "blocked") return "受阻";
    }
  }
  return "牵头部门尚无报送";
}

// Measures of one group by colour and completion.
struct Tally {
  int measures = 0;
  int green = 0;
  int yellow = 0;
  int red = 0;
  int unevaluated = 0;
  int completed = 0;  // counted as completed (confirmed, no indicator off track)
  int declared = 0;   // completion declared, awaiting the bureau

  void Add(const iv1::MeasureLight* light) {
    ++measures;
    const iv1::MeasureColour colour =
        light == nullptr ? iv1::MEASURE_COLOUR_UNSPECIFIED : light->colour();
    if (colour == iv1::MEASURE_COLOUR_GREEN) ++green;
    if (colour == iv1::MEASURE_COLOUR_YELLOW) ++yellow;
    if (colour == iv1::MEASURE_COLOUR_RED) ++red;
    if (colour == iv1::MEASURE_COLOUR_UNSPECIFIED) ++unevaluated;
    if (light != nullptr && light->counted_completed()) ++completed;
    if (light != nullptr && light->completion_state() == iv1::MEASURE_COMPLETION_STATE_DECLARED) {
      ++declared;
    }
  }
  TableRow Row(const std::string& label, bool emphasis) const {
    TableRow row{{label, absl::StrCat(measures), absl::StrCat(green), absl::StrCat(yellow),
                  absl::StrCat(red), absl::StrCat(unevaluated), absl::StrCat(completed),
                  absl::StrCat(declared)},
                 emphasis,
                 {}};
    if (red > 0) row.alert_columns = {4};
    return row;
  }
};

// "s1" of annex 1 → "一、共筑美丽蓝天".
std::string SectionTitle(const rv1::Annex& annex, const std::string& section_id) {
  for (const rv1::Section& s : annex.sections()) {
    if (s.id() == section_id) return absl::StrCat(s.number(), "、", s.title());
  }
  return section_id.empty() ? "（未分节）" : section_id;
}

}  // namespace

void WriteOverview(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  const MonthFacts& facts = ctx.facts;
  std::map<std::string, const iv1::MeasureLight*> lights;
  for (const iv1::MeasureLight& l : ctx.lights) lights[l.measure()] = &l;
  // Annex → section id → tally, in document order of first appearance.
  Tally total;
  std::map<int, Tally> by_annex;
  std::map<int, std::vector<std::string>> section_order;
  std::map<std::pair<int, std::string>, Tally> by_section;
  for (const rv1::Measure& m : facts.measures) {
    const auto it = lights.find(m.name());
    const iv1::MeasureLight* light = it == lights.end() ? nullptr : it->second;
    total.Add(light);
    by_annex[m.annex_number()].Add(light);
    auto& order = section_order[m.annex_number()];
    if (std::find(order.begin(), order.end(), m.section_id()) == order.end()) {
      order.push_back(m.section_id());
    }
    by_section[{m.annex_number(), m.section_id()}].Add(light);
  }

  pager.Heading("一、总体进展");
  std::string text = absl::StrCat("截至", LongDate(facts.as_of), "，计划共有工作措施",
                                  total.measures, "项，其中绿灯", total.green, "项、黄灯",
                                  total.yellow, "项、红灯", total.red, "项");
  if (total.unevaluated > 0) absl::StrAppend(&text, "、未评估", total.unevaluated, "项");
  absl::StrAppend(
      &text, "；经",
      facts.plan.reporting_recipient().empty() ? "区生态环境局" : facts.plan.reporting_recipient(),
      "确认办结并计为完成", total.completed, "项，已申报办结待确认", total.declared, "项。");
  absl::StrAppend(&text, facts.month_closed ? "红黄绿灯以本月结账时的月度评估为准。"
                                            : "红黄绿灯为截至当日的评估结果。");
  // By the lead's latest reported status.
  std::map<std::string, int> reported;
  for (const rv1::Measure& m : facts.measures) {
    const auto it = lights.find(m.name());
    ++reported[ReportedStatusWord(it == lights.end() ? nullptr : it->second)];
  }
  std::vector<std::string> parts;
  for (const char* word :
       {"推进中", "已完成（自报）", "滞后", "受阻", "未启动", "牵头部门尚无报送"}) {
    if (reported[word] > 0) parts.push_back(absl::StrCat(word, reported[word], "项"));
  }
  if (!parts.empty()) {
    absl::StrAppend(&text, "按牵头部门最新报送的进展：", absl::StrJoin(parts, "、"), "。");
  }
  pager.Paragraph(text);

  std::vector<TableRow> rows;
  for (const auto& [annex_number, annex_tally] : by_annex) {
    const rv1::Annex* annex = nullptr;
    for (const rv1::Annex& a : facts.plan.annexes()) {
      if (a.number() == annex_number) annex = &a;
    }
    const std::string label = annex_number == 0 ? std::string("督办任务")
                              : annex == nullptr
                                  ? absl::StrCat("附件", annex_number)
                                  : absl::StrCat("附件", annex_number, " ", annex->title());
    rows.push_back(annex_tally.Row(label, true));
    if (annex == nullptr) continue;
    for (const std::string& section : section_order[annex_number]) {
      rows.push_back(by_section[{annex_number, section}].Row(SectionTitle(*annex, section), false));
    }
  }
  rows.push_back(total.Row("合计", true));
  pager.Table("工作措施进展（按附件和章节）",
              {{"附件 / 章节", 5.2},
               {"措施", 0.65, CellAlign::kRight},
               {"绿灯", 0.65, CellAlign::kRight},
               {"黄灯", 0.65, CellAlign::kRight},
               {"红灯", 0.65, CellAlign::kRight},
               {"未评估", 0.8, CellAlign::kRight},
               {"已办结", 0.8, CellAlign::kRight},
               {"待确认办结", 1.3, CellAlign::kRight}},
              rows);
  pager.Note(
      "注：已办结指经区生态环境局确认且所涉指标未偏离目标、计为完成的措施；待确认办结指已申报办结、"
      "尚待确认的措施。");
}

void WriteSubmissions(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  const pv1::GetSubmissionStatusResponse& s = ctx.facts.submissions;
  pager.Heading("四、报送情况");
  std::string text = absl::StrCat(ctx.month.month(), "月份工作进展");
  if (s.has_due() && s.due().has_due_date()) {
    absl::StrAppend(&text, "应于", LongDate(s.due().due_date()), "前报送");
  }
  if (!s.owed()) {
    absl::StrAppend(&text, "。该期截止日不晚于计划印发日，不需报送。");
  } else {
    absl::StrAppend(&text, "。应报送单位", s.organizations_size(), "个，其中按时报送",
                    s.on_time_count(), "个、逾期报送", s.late_count(), "个、仅存草稿",
                    s.draft_only_count(), "个、未报送", s.missing_count(), "个。");
  }
  absl::StrAppend(&text, "年内累计按报告条目（措施×期数）统计，截至", LongDate(ctx.facts.as_of),
                  "。");
  pager.Paragraph(text);
  std::map<std::string, const iv1::Scorecard*> cards;
  for (const iv1::Scorecard& c : ctx.scorecards) cards[c.organization()] = &c;
  // Those who have not reported first, then late, then on time.
  std::vector<const pv1::OrganizationSubmission*> orgs;
  for (const pv1::OrganizationSubmission& o : s.organizations()) orgs.push_back(&o);
  auto order = [](pv1::SubmissionState state) {
    switch (state) {
      case pv1::SUBMISSION_STATE_MISSING:
        return 0;
      case pv1::SUBMISSION_STATE_DRAFT_ONLY:
        return 1;
      case pv1::SUBMISSION_STATE_LATE:
        return 2;
      case pv1::SUBMISSION_STATE_ON_TIME:
        return 3;
      default:
        return 4;
    }
  };
  std::stable_sort(orgs.begin(), orgs.end(), [&](const auto* a, const auto* b) {
    return order(a->state()) < order(b->state());
  });
  std::vector<TableRow> rows;
  for (const pv1::OrganizationSubmission* o : orgs) {
    const std::string name =
        ctx.organizations.Name(o->organization(), o->organization_display_name());
    std::string state = SubmissionWord(o->state());
    if (o->state() == pv1::SUBMISSION_STATE_LATE && o->has_lateness()) {
      absl::StrAppend(&state, "（", DurationText(o->lateness().seconds()), "）");
    }
    if (o->report_state() == pv1::REPORT_STATE_RETURNED) absl::StrAppend(&state, "，已退回");
    const auto it = cards.find(name);
    const iv1::Scorecard* card = it == cards.end() ? nullptr : it->second;
    TableRow row;
    row.cells = {name,
                 state,
                 absl::StrCat(o->owned_measure_count()),
                 absl::StrCat(o->measures_without_entry_size()),
                 card == nullptr ? "—" : absl::StrCat(card->reports_due()),
                 card == nullptr ? "—" : absl::StrCat(card->reports_on_time()),
                 card == nullptr ? "—" : absl::StrCat(card->reports_late()),
                 card == nullptr ? "—" : absl::StrCat(card->reports_missing())};
    if (o->state() == pv1::SUBMISSION_STATE_MISSING ||
        o->state() == pv1::SUBMISSION_STATE_DRAFT_ONLY) {
      row.alert_columns = {1};
    }
    if (card != nullptr && card->reports_missing() > 0) row.alert_columns.push_back(7);
    rows.push_back(std::move(row));
  }
  if (!rows.empty()) {
    pager.Table(absl::StrCat("各单位", ctx.month.month(), "月报送情况"),
                {{"单位", 2.4},
                 {"本月报送", 2.5},
                 {"负责措施", 0.95, CellAlign::kRight},
                 {"未填报措施", 1.05, CellAlign::kRight},
                 {"年内应报条目", 1.15, CellAlign::kRight},
                 {"按时", 0.8, CellAlign::kRight},
                 {"逾期", 0.8, CellAlign::kRight},
                 {"缺报", 0.8, CellAlign::kRight}},
                rows);
  }
  ctx.Chart(pager, MonthlyReportChart::kReportingTimeliness);
}

void WriteDecisions(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  const MonthFacts& facts = ctx.facts;
  pager.Heading("五、延期与完成");
  pager.SubHeading("（一）延期申请");
  std::vector<TableRow> rows;
  int approved = 0;
  int pending = 0;
  for (const pv1::Extension& e : facts.extensions) {
    if (e.state() == pv1::EXTENSION_STATE_PENDING) ++pending;
    if (e.state() == pv1::EXTENSION_STATE_PENDING ||
        !InMonth(e.decision_time(), ctx.month, ctx.zone)) {
      continue;
    }
    const bool ok = e.state() == pv1::EXTENSION_STATE_APPROVED;
    approved += ok ? 1 : 0;
    // Cut so that the row fits on a page (the API keeps the whole text).
    std::string why = Abbreviate(e.reason(), 300);
    if (!e.decision_comment().empty()) {
      absl::StrAppend(&why, "\n审核意见：", Abbreviate(e.decision_comment(), 200));
    }
    rows.push_back(
        {{ctx.MeasureLabel(e.measure(), 0), ctx.organizations.Name(e.organization()),
          ShortDate(e.current_due_date(), ctx.year), ShortDate(e.requested_due_date(), ctx.year),
          ok ? "同意" : "不同意", ShortDate(DayOf(e.decision_time(), ctx.zone), ctx.year), why},
         false,
         {}});
  }
  std::string text = rows.empty()
                         ? std::string("本月没有审定的延期申请")
                         : absl::StrCat("本月审定延期申请", rows.size(), "项，同意", approved,
                                        "项、不同意", rows.size() - approved, "项");
  absl::StrAppend(&text, pending > 0 ? absl::StrCat("；另有", pending, "项待审。") : "。");
  pager.Paragraph(text);
  if (!rows.empty()) {
    pager.Table("本月审定的延期申请",
                {{"措施", 2.4},
                 {"申请单位", 1.4},
                 {"原期限", 1},
                 {"申请延至", 1},
                 {"结果", 0.8, CellAlign::kCenter},
                 {"审定日期", 1.1},
                 {"理由及审核意见", 3}},
                rows);
  }

  pager.SubHeading("（二）办结申请");
  rows.clear();
  int confirmed = 0;
  pending = 0;
  for (const pv1::Completion& c : facts.completions) {
    if (c.state() == pv1::COMPLETION_STATE_DECLARED) ++pending;
    if (c.state() == pv1::COMPLETION_STATE_DECLARED ||
        !InMonth(c.decision_time(), ctx.month, ctx.zone)) {
      continue;
    }
    const bool ok = c.state() == pv1::COMPLETION_STATE_CONFIRMED;
    confirmed += ok ? 1 : 0;
    std::string comment = Abbreviate(c.decision_comment(), 200);
    if (c.indicator_check_overridden()) {
      absl::StrAppend(&comment, comment.empty() ? "" : "；", "指标核验未通过，经确认放行：",
                      Abbreviate(c.override_reason(), 200));
    }
    rows.push_back(
        {{ctx.MeasureLabel(c.measure(), 0), ctx.organizations.Name(c.organization()),
          ok ? "确认办结" : "退回", ShortDate(DayOf(c.decision_time(), ctx.zone), ctx.year),
          Abbreviate(c.description(), 160), comment.empty() ? "—" : comment},
         false,
         {}});
  }
  text = rows.empty() ? std::string("本月没有审定的办结申请")
                      : absl::StrCat("本月审定办结申请", rows.size(), "项，确认办结", confirmed,
                                     "项、退回", rows.size() - confirmed, "项");
  absl::StrAppend(&text, pending > 0 ? absl::StrCat("；另有", pending, "项待确认。") : "。");
  pager.Paragraph(text);
  if (!rows.empty()) {
    pager.Table("本月审定的办结申请",
                {{"措施", 2.4},
                 {"申报单位", 1.4},
                 {"结果", 1, CellAlign::kCenter},
                 {"审定日期", 1.1},
                 {"完成情况", 3},
                 {"审核意见", 2}},
                rows);
  }
}

void WriteSupervision(const MonthlyReportContext& ctx, MonthlyReportPager& pager) {
  const MonthFacts& facts = ctx.facts;
  pager.Heading("七、督查督办");
  pager.SubHeading("（一）督办单");
  int open = 0;
  int overdue = 0;
  int closed_in_month = 0;
  int issued_in_month = 0;
  std::vector<TableRow> rows;
  for (const pv1::SupervisionOrder& o : facts.supervision_orders) {
    const bool is_open = o.state() == pv1::SUPERVISION_ORDER_STATE_OPEN;
    const bool closed_now = !is_open && InMonth(o.close_time(), ctx.month, ctx.zone);
    open += is_open ? 1 : 0;
    overdue += is_open && o.overdue() ? 1 : 0;
    closed_in_month += closed_now ? 1 : 0;
    issued_in_month += InMonth(o.issue_time(), ctx.month, ctx.zone) ? 1 : 0;
    if (!is_open && !closed_now) continue;
    std::vector<std::string> late;
    std::vector<std::string> all;
    for (const pv1::SupervisionAddressee& a : o.addressees()) {
      const std::string name =
          ctx.organizations.Name(a.organization(), a.organization_display_name());
      all.push_back(name);
      if (a.overdue()) late.push_back(name);
    }
    TableRow row;
    row.cells = {ShortId(o.name()),
                 o.title(),
                 SupervisionLevelWord(o.level()),
                 absl::StrJoin(all, "、"),
                 ShortDate(o.reply_due_date(), ctx.year),
                 is_open ? (o.overdue() ? "办理中（逾期）" : "办理中")
                         : absl::StrCat("已销号（",
                                        ShortDate(DayOf(o.close_time(), ctx.zone), ctx.year), "）"),
                 late.empty() ? "—" : absl::StrJoin(late, "、")};
    if (!late.empty()) row.alert_columns = {5, 6};
    rows.push_back(std::move(row));
  }
  pager.Paragraph(absl::StrCat("督办单共", facts.supervision_orders.size(), "件，本月签发",
                               issued_in_month, "件、销号", closed_in_month, "件；在办", open,
                               "件，其中逾期未回复", overdue, "件。"));
  if (!rows.empty()) {
    pager.Table("在办及本月销号的督办单",
                {{"编号", 1.35},
                 {"督办事项", 2.7},
                 {"等级", 1.1, CellAlign::kCenter},
                 {"承办单位", 2},
                 {"回复期限", 1.1},
                 {"状态", 1.5},
                 {"逾期未回复单位", 1.6}},
                rows);
  }

  pager.SubHeading("（二）问题清单");
  struct OrgProblems {
    int total = 0;
    int unresolved = 0;
    int closed_in_month = 0;
    int overdue = 0;
  };
  std::map<std::string, OrgProblems> by_org;
  std::vector<std::string> org_order;
  OrgProblems all;
  std::vector<TableRow> overdue_rows;
  for (const pv1::ProblemItem& p : facts.problem_items) {
    const std::string name =
        ctx.organizations.Name(p.organization(), p.organization_display_name());
    if (by_org.find(name) == by_org.end()) org_order.push_back(name);
    OrgProblems& counts = by_org[name];
    const bool unresolved =
        p.state() != pv1::PROBLEM_STATE_VERIFIED && p.state() != pv1::PROBLEM_STATE_CLOSED;
    bool closed_now = false;
    for (const pv1::ProblemStep& step : p.steps()) {
      if (step.transition() == pv1::PROBLEM_TRANSITION_CLOSE &&
          InMonth(step.step_time(), ctx.month, ctx.zone)) {
        closed_now = true;
      }
    }
    for (OrgProblems* c : {&counts, &all}) {
      ++c->total;
      c->unresolved += unresolved ? 1 : 0;
      c->closed_in_month += closed_now ? 1 : 0;
      c->overdue += p.overdue() ? 1 : 0;
    }
    if (p.overdue()) {
      overdue_rows.push_back(
          {{p.code(), p.title(), ShortId(p.measure()), name,
            ShortDate(p.rectification_due_date(), ctx.year), ProblemStateWord(p.state())},
           false,
           {4}});
    }
  }
  pager.Paragraph(absl::StrCat("问题清单共", all.total, "项，未整改销号", all.unresolved,
                               "项，本月销号", all.closed_in_month, "项，逾期未整改", all.overdue,
                               "项。"));
  if (org_order.empty()) return;
  std::vector<TableRow> org_rows;
  for (const std::string& name : org_order) {
    const OrgProblems& c = by_org[name];
    org_rows.push_back({{name, absl::StrCat(c.total), absl::StrCat(c.unresolved),
                         absl::StrCat(c.closed_in_month), absl::StrCat(c.overdue)},
                        false,
                        c.overdue > 0 ? std::vector<int>{4} : std::vector<int>{}});
  }
  pager.Table("各单位问题清单",
              {{"单位", 2.5},
               {"问题总数", 1, CellAlign::kRight},
               {"未销号", 1, CellAlign::kRight},
               {"本月销号", 1, CellAlign::kRight},
               {"逾期", 1, CellAlign::kRight}},
              org_rows);
  if (!overdue_rows.empty()) {
    pager.Table("逾期未整改问题",
                {{"编号", 1.2},
                 {"问题", 3},
                 {"所属措施", 1.2},
                 {"责任单位", 1.6},
                 {"整改期限", 1.1},
                 {"状态", 1.1}},
                overdue_rows);
  }
}

}  // namespace ecoplan::indicator::documents
