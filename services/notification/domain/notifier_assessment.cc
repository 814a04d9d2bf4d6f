// Notifier: month closing (月度结账) and contests (申诉), from the indicator
// server's AssessmentService events. A closed month tells every organization
// owning a measure that the month's lights and scorecards are final and how to
// contest an item; a contest filed goes to the bureau, which decides it; the
// decision goes back to the organization that filed it with the bureau's reason.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"

namespace ecoplan::notification {
namespace {

// "2026-04" → "2026年4月"; anything else as it is.
std::string MonthText(const std::string& month) {
  std::vector<std::string> parts = absl::StrSplit(month, '-');
  int year = 0, m = 0;
  if (parts.size() == 2 && absl::SimpleAtoi(parts[0], &year) && absl::SimpleAtoi(parts[1], &m) &&
      m >= 1 && m <= 12) {
    return absl::StrCat(year, "年", m, "月");
  }
  return month;
}

// The item in words: "light/a1-t1-m1" → "工作措施 a1-t1-m1（推广新能源货车）的红黄绿灯";
// a score fact key naming a measure of the plan gets the measure's title.
std::string ItemText(const PlanView* plan, const std::string& item) {
  auto title_of = [plan](absl::string_view id) -> std::string {
    if (plan == nullptr) return "";
    auto m = plan->measures.find(std::string(id));
    return m == plan->measures.end() ? "" : m->second.title;
  };
  absl::string_view rest = item;
  if (absl::ConsumePrefix(&rest, "light/")) {
    const std::string title = title_of(rest);
    return absl::StrCat("工作措施 ", rest, title.empty() ? "" : absl::StrCat("（", title, "）"),
                        "的红黄绿灯");
  }
  for (absl::string_view part : absl::StrSplit(item, '/')) {
    const std::string title = title_of(part);
    if (!title.empty()) return absl::StrCat(item, "（工作措施 ", part, " ", title, "）");
  }
  return item;
}

std::string PointsText(double points) {
  std::string s = absl::StrFormat("%+.2f", points);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

void Notifier::IntakeMonthClosed(const UpstreamInput& in, Changes* changes) {
  const PlanView* plan = PlanOf(in.plan_id);
  if (plan == nullptr) return;
  const MonthClosedInput& m = in.month_closed;
  // Every organization leading or responsible for a measure, in measure order.
  std::vector<std::string> recipients;
  std::set<std::string> seen;
  for (const auto& [id, measure] : plan->measures) {
    for (const std::string& org : internal::OwnersOf(measure)) {
      if (seen.insert(org).second) recipients.push_back(org);
    }
  }
  const std::string bureau = plan->bureau_organization.empty()
                                 ? "区生态环境局"
                                 : OrgName(in.plan_id, plan->bureau_organization);
  const std::string month = MonthText(m.month);
  std::vector<std::string> body;
  body.push_back(absl::StrCat(bureau, "已完成", month, "月度结账",
                              m.reason.empty() ? "" : absl::StrCat("（", m.reason, "）"), "。"));
  body.push_back(absl::StrCat(month,
                              "的红黄绿灯和考评得分已定稿，不再变更；此后对该月数据的更正记入下一个"
                              "未结账月份，并注明所更正的事项。"));
  if (m.adjustment_count > 0) {
    body.push_back(absl::StrCat("本月结账含 ", m.adjustment_count, " 项对此前已结账月份的调整。"));
  }
  body.push_back(absl::StrCat("申诉途径：对本单位", month,
                              "的某一事项（评分依据编号，或 light/工作措施编号）有异议的，"
                              "可说明理由提出申诉（AssessmentService.ContestItem，月份 ",
                              m.name, "；或 ecoplanctl contest file --month ", m.month,
                              " --organization 单位名称 --item 事项 --reason 理由），由", bureau,
                              "决定采纳或不予采纳；采纳的申诉记入当时未结账的月份。"));
  const std::string title = absl::StrCat(month, "月度结账：红黄绿灯和考评得分已定稿");
  const std::string text = absl::StrJoin(body, "\n");
  for (const Rule* rule : RulesOf(Kind::kMonthClosed)) {
    for (const std::string& org : recipients) {
      EmitForEvent(in, rule, org,
                   {m.name, title, text, "the bureau closed the month (月度结账)", m.month},
                   changes);
    }
  }
}

void Notifier::IntakeContestFiled(const UpstreamInput& in, Changes* changes) {
  const PlanView* plan = PlanOf(in.plan_id);
  if (plan == nullptr || plan->bureau_organization.empty()) return;
  const ContestInput& c = in.contest;
  const std::string month = MonthText(c.month);
  const std::string item = ItemText(plan, c.item);
  std::vector<std::string> body;
  body.push_back(absl::StrCat("申诉单位：", c.organization_name));
  body.push_back(absl::StrCat("月份：", month, "（已结账）"));
  body.push_back(absl::StrCat("事项：", item));
  body.push_back(absl::StrCat("理由：", c.reason));
  if (!c.filed_by.empty()) body.push_back(absl::StrCat("提交人：", c.filed_by));
  body.push_back(absl::StrCat("请审核后采纳或不予采纳并说明理由（AssessmentService.DecideContest ",
                              c.name, "）。"));
  const std::string title =
      absl::StrCat("收到申诉：", c.organization_name, "对", month, "的", item, "提出申诉");
  for (const Rule* rule : RulesOf(Kind::kContestFiled)) {
    EmitForEvent(in, rule, plan->bureau_organization,
                 {c.name, title, absl::StrJoin(body, "\n"),
                  "an organization contested an item of a closed month (申诉)", c.month},
                 changes);
  }
}

void Notifier::IntakeContestDecided(const UpstreamInput& in, Changes* changes) {
  const ContestInput& c = in.contest;
  if (c.organization_id.empty() || !c.decided) return;
  const PlanView* plan = PlanOf(in.plan_id);
  const std::string month = MonthText(c.month);
  const std::string item = ItemText(plan, c.item);
  const std::string bureau = plan == nullptr || plan->bureau_organization.empty()
                                 ? "区生态环境局"
                                 : OrgName(in.plan_id, plan->bureau_organization);
  std::vector<std::string> body;
  body.push_back(absl::StrCat("事项：", month, "的", item));
  body.push_back(absl::StrCat("决定：", c.accepted ? "采纳" : "不予采纳"));
  body.push_back(absl::StrCat(bureau, "理由：", c.comment));
  if (c.accepted) {
    body.push_back(absl::StrCat("调整分值：", PointsText(c.points), "，记入",
                                MonthText(c.recorded_in_month), "（", month,
                                "已结账的结果不变）。"));
  }
  body.push_back(absl::StrCat("申诉理由：", c.reason));
  const std::string title =
      absl::StrCat(c.accepted ? "申诉已采纳：" : "申诉未予采纳：", month, "的", item);
  for (const Rule* rule : RulesOf(Kind::kContestDecided)) {
    EmitForEvent(
        in, rule, c.organization_id,
        {c.name, title, absl::StrJoin(body, "\n"),
         c.accepted ? "the bureau accepted the contest" : "the bureau rejected the contest",
         c.month},
        changes);
  }
}

}  // namespace ecoplan::notification
