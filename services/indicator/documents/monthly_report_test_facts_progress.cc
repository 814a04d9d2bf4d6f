// The progress service's part of the 月报's test facts.

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/indicator/documents/monthly_report_test_facts_internal.h"

namespace ecoplan::indicator::documents::testing::internal {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;

const std::string kPlan = kTestPlan;

}  // namespace

void AddReporting(MonthFacts& f) {
  pv1::GetSubmissionStatusResponse& s = f.submissions;
  s.set_period("2026-05");
  s.mutable_due()->set_period("2026-05");
  *s.mutable_due()->mutable_due_date() = D(2026, 5, 25);
  s.set_owed(true);
  for (const auto& org : f.organizations) {
    pv1::OrganizationSubmission* o = s.add_organizations();
    o->set_organization(org.name());
    o->set_organization_display_name(org.display_name());
    o->set_owned_measure_count(3);
    const std::string& n = org.display_name();
    iv1::Scorecard* card = f.evaluation.add_scorecards();
    card->set_organization(n);
    card->set_reports_due(9);
    if (n == "区水务局" || n == "区卫生健康委" || n == "东辛房街道") {
      o->set_state(pv1::SUBMISSION_STATE_MISSING);
      o->add_measures_without_entry(absl::StrCat(kPlan, "/measures/a1-t6-m1"));
      o->add_measures_without_entry(absl::StrCat(kPlan, "/measures/a1-t7-m1"));
      o->add_measures_without_entry(absl::StrCat(kPlan, "/measures/a3-t3-m1"));
      card->set_reports_due(15);
      card->set_reports_on_time(n == "区水务局" ? 9 : 12);
      card->set_reports_late(n == "区水务局" ? 2 : 0);
      card->set_reports_missing(n == "区水务局" ? 4 : 3);
    } else if (n == "区交通局" || n == "区商务局" || n == "龙泉镇" || n == "城子街道") {
      o->set_state(pv1::SUBMISSION_STATE_LATE);
      o->set_report_state(pv1::REPORT_STATE_SUBMITTED);
      o->mutable_lateness()->set_seconds(2 * 86400 + 5 * 3600);
      card->set_reports_on_time(7);
      card->set_reports_late(2);
    } else if (n == "区教委") {
      o->set_state(pv1::SUBMISSION_STATE_DRAFT_ONLY);
      o->set_report_state(pv1::REPORT_STATE_DRAFT);
      card->set_reports_on_time(6);
      card->set_reports_missing(3);
    } else {
      o->set_state(pv1::SUBMISSION_STATE_ON_TIME);
      o->set_report_state(n == "区园林绿化局" ? pv1::REPORT_STATE_RETURNED
                                              : pv1::REPORT_STATE_ACCEPTED);
      card->set_reports_on_time(9);
    }
    if (n == "区交通局") {
      card->set_overdue_measures(1);
      card->mutable_as_lead()->add_overdue("a1-t3-m4 (due 2026-05-31)");
      card->mutable_as_lead()->add_overdue_zh("a1-t3-m4（完成时限2026年5月31日）");
    }
  }
  s.set_on_time_count(25);
  s.set_late_count(4);
  s.set_draft_only_count(1);
  s.set_missing_count(3);
}

void AddDecisions(MonthFacts& f) {
  const std::string transport = OrgName(f, "区交通局");
  auto ext = [&](const char* measure, int n, pv1::ExtensionState state, int month, int day,
                 const char* reason, const char* comment) {
    pv1::Extension e;
    e.set_measure(absl::StrCat(kPlan, "/measures/", measure));
    e.set_name(absl::StrCat(e.measure(), "/extensions/", n));
    e.set_organization(transport);
    e.set_request_number(n);
    *e.mutable_current_due_date() = D(2026, 6, 30);
    *e.mutable_original_due_date() = D(2026, 6, 30);
    *e.mutable_requested_due_date() = D(2026, 9, 30);
    e.set_reason(reason);
    e.set_state(state);
    e.set_decision_comment(comment);
    *e.mutable_request_time() = At(month, day - 3 > 0 ? day - 3 : 1);
    if (state != pv1::EXTENSION_STATE_PENDING) *e.mutable_decision_time() = At(month, day);
    f.extensions.push_back(e);
  };
  ext("a1-t3-m2", 1, pv1::EXTENSION_STATE_APPROVED, 5, 18,
      "绿色运输比例统计口径待市交通委明确，申请延期至9月底。", "同意，请于9月底前完成。");
  ext("a1-t3-m4", 1, pv1::EXTENSION_STATE_REJECTED, 5, 27, "宣传材料印制延误。",
      "不同意，5月底前节点不变。");
  ext("a1-t7-m1", 1, pv1::EXTENSION_STATE_PENDING, 5, 29, "设备采购周期较长。", "");
  ext("a1-t3-m1", 1, pv1::EXTENSION_STATE_APPROVED, 4, 20, "四月已审定的申请。", "同意。");

  auto completion = [&](const char* measure, const char* org, pv1::CompletionState state, int day,
                        const char* description, const char* comment) {
    pv1::Completion c;
    c.set_measure(absl::StrCat(kPlan, "/measures/", measure));
    c.set_name(absl::StrCat(c.measure(), "/completions/1"));
    c.set_organization(OrgName(f, org));
    c.set_declaration_number(1);
    c.set_description(description);
    c.add_evidence_links("https://example.gov.cn/evidence/1");
    c.set_state(state);
    c.set_decision_comment(comment);
    *c.mutable_declare_time() = At(5, day - 2);
    if (state != pv1::COMPLETION_STATE_DECLARED) *c.mutable_decision_time() = At(5, day);
    f.completions.push_back(c);
  };
  completion("a2-t5-m1", "区城市管理委", pv1::COMPLETION_STATE_CONFIRMED, 22,
             "生活垃圾回收利用率达到38.5%，一季度分类检查已完成。", "经核查属实，确认办结。");
  completion("a2-t6-m1", "区园林绿化局", pv1::COMPLETION_STATE_REJECTED, 26,
             "百花山生物多样性观测已启动。", "观测报告尚未形成，退回。");
  completion("a1-t4-m1", "中关村门头沟园管委会", pv1::COMPLETION_STATE_DECLARED, 30,
             "园区内部车辆已全部采用新能源。", "");
}

void AddSupervision(MonthFacts& f) {
  auto order = [&](const char* id, const char* title, pv1::SupervisionLevel level,
                   std::vector<std::pair<const char*, bool>> addressees, int issue_month,
                   int issue_day, Date reply_due, bool open, int close_month, int close_day) {
    pv1::SupervisionOrder o;
    o.set_name(absl::StrCat(kPlan, "/supervisionOrders/", id));
    o.set_title(title);
    o.set_level(level);
    bool overdue = false;
    for (const auto& [org, late] : addressees) {
      pv1::SupervisionAddressee* a = o.add_addressees();
      a->set_organization(OrgName(f, org));
      a->set_organization_display_name(org);
      a->set_overdue(late);
      overdue = overdue || late;
    }
    *o.mutable_issue_time() = At(issue_month, issue_day);
    *o.mutable_reply_due_date() = reply_due;
    o.set_state(open ? pv1::SUPERVISION_ORDER_STATE_OPEN : pv1::SUPERVISION_ORDER_STATE_CLOSED);
    o.set_overdue(open && overdue);
    if (!open) *o.mutable_close_time() = At(close_month, close_day);
    f.supervision_orders.push_back(o);
  };
  order("2026-001", "12345工单：永定河沿岸垃圾堆放", pv1::SUPERVISION_LEVEL_BLUE,
        {{"区城市管理委", false}}, 4, 2, D(2026, 4, 16), false, 4, 20);
  order("2026-002", "城子街道排污口整治进度滞后", pv1::SUPERVISION_LEVEL_YELLOW,
        {{"区水务局", true}, {"城子街道", false}}, 5, 12, D(2026, 5, 19), true, 0, 0);
  order("2026-003", "点评会：新能源货车通行政策落实", pv1::SUPERVISION_LEVEL_RED,
        {{"区交通局", false}}, 5, 28, D(2026, 6, 1), true, 0, 0);
  order("2026-004", "施工工地扬尘检查发现问题", pv1::SUPERVISION_LEVEL_BLUE,
        {{"区住房城乡建设委", false}}, 5, 6, D(2026, 5, 20), false, 5, 26);

  struct Item {
    const char* code;
    const char* title;
    const char* org;
    pv1::ProblemState state;
    int due_month;
    int due_day;
    bool overdue;
    int closed_day;  // 0 = not closed
  };
  const std::vector<Item> items = {
      {"PWK-0001", "永定河左岸雨污混接排口", "区水务局", pv1::PROBLEM_STATE_CLOSED, 5, 15, false,
       14},
      {"PWK-0002", "城子街道雨水口污水直排", "城子街道", pv1::PROBLEM_STATE_RECTIFYING, 6, 30,
       false, 0},
      {"PWK-0003", "门城湖排口异味", "区水务局", pv1::PROBLEM_STATE_OPEN, 5, 20, true, 0},
      {"PWK-0004", "龙泉镇养殖场排口", "龙泉镇", pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED, 5, 31,
       false, 0},
      {"PWK-0005", "大峪沟黑臭水体", "区水务局", pv1::PROBLEM_STATE_RECTIFYING, 5, 10, true, 0},
      {"DC-0001", "督察反馈：施工工地未苫盖", "区住房城乡建设委", pv1::PROBLEM_STATE_CLOSED, 4, 30,
       false, 0},
  };
  int n = 0;
  for (const Item& it : items) {
    pv1::ProblemItem p;
    p.set_name(absl::StrCat(kPlan, "/problems/", ++n));
    p.set_measure(absl::StrCat(kPlan, "/measures/", it.code[0] == 'D' ? "a1-t5-m1" : "a1-t7-m1"));
    p.set_code(it.code);
    p.set_title(it.title);
    p.set_organization(OrgName(f, it.org));
    p.set_organization_display_name(it.org);
    *p.mutable_rectification_due_date() = D(2026, it.due_month, it.due_day);
    p.set_state(it.state);
    p.set_overdue(it.overdue);
    pv1::ProblemStep* created = p.add_steps();
    created->set_state(pv1::PROBLEM_STATE_OPEN);
    *created->mutable_step_time() = At(4, 1);
    if (it.state == pv1::PROBLEM_STATE_CLOSED) {
      pv1::ProblemStep* close = p.add_steps();
      close->set_transition(pv1::PROBLEM_TRANSITION_CLOSE);
      close->set_state(pv1::PROBLEM_STATE_CLOSED);
      *close->mutable_step_time() = it.closed_day > 0 ? At(5, it.closed_day) : At(4, 28);
    }
    f.problem_items.push_back(p);
  }
}

void AddDays(MonthFacts& f) {
  // May 2026 by HJ 633—2026: 18 good days (优 6, 良 12), 9 轻度, 2 中度, 1 重度, 1 NA.
  for (int day = 1; day <= 31; ++day) {
    iv1::DailyAirQuality d;
    *d.mutable_date() = D(2026, 5, day);
    d.set_standard("HJ 633—2026");
    d.set_validity_standard("GB 3095—2026");
    d.set_published(day != 31);
    const char* category = day <= 6    ? "优"
                           : day <= 18 ? "良"
                           : day <= 27 ? "轻度污染"
                           : day <= 29 ? "中度污染"
                                       : "重度污染";
    if (day != 31) d.set_category(category);
    f.district_days.push_back(d);
  }
}

}  // namespace ecoplan::indicator::documents::testing::internal
