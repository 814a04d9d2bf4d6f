// Notifier: indicator status changes (indicator.v1.IndicatorStatusChanged).
// An indicator becoming at risk or off track alerts the bureau, the
// indicator's owners as the event lists them and its measure's lead and
// responsible organizations; one that recovers from either to on track or
// achieved tells the same recipients. Every text names the facts a recipient
// checks without the code: the indicator, its value with its unit and the day
// of that value, the target, the measure and the evaluation's reason.

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"
#include "services/notification/domain/schedule.h"

namespace ecoplan::notification {

const char* IndicatorStatusText(IndicatorStatus status) {
  switch (status) {
    case IndicatorStatus::kAchieved:
      return "已达成";
    case IndicatorStatus::kOnTrack:
      return "按进度推进";
    case IndicatorStatus::kAtRisk:
      return "存在风险";
    case IndicatorStatus::kOffTrack:
      return "偏离目标";
    case IndicatorStatus::kInsufficientData:
      return "数据不足";
    case IndicatorStatus::kUnspecified:
      break;
  }
  return "未评估";
}

namespace {

// The notification kind of a change: at risk, off track, or recovered (from
// at risk or off track to on track or achieved); kUnspecified for none.
Kind KindOf(const IndicatorChange& c) {
  if (c.status == c.previous) return Kind::kUnspecified;
  if (c.status == IndicatorStatus::kAtRisk) return Kind::kIndicatorAtRisk;
  if (c.status == IndicatorStatus::kOffTrack) return Kind::kIndicatorOffTrack;
  const bool was_bad =
      c.previous == IndicatorStatus::kAtRisk || c.previous == IndicatorStatus::kOffTrack;
  const bool is_good =
      c.status == IndicatorStatus::kOnTrack || c.status == IndicatorStatus::kAchieved;
  return was_bad && is_good ? Kind::kIndicatorRecovered : Kind::kUnspecified;
}

// 26 → "26", 35.5 → "35.5", 0.125 → "0.13".
std::string NumberText(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    return absl::StrFormat("%.0f", v);
  }
  std::string s = absl::StrFormat("%.2f", v);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// "26%", "38微克/立方米", "12 km" (a space before a unit in Latin letters).
std::string WithUnit(const std::string& number, const std::string& unit) {
  if (unit.empty()) return number;
  if (absl::ascii_isalpha(static_cast<unsigned char>(unit[0]))) {
    return absl::StrCat(number, " ", unit);
  }
  return absl::StrCat(number, unit);
}

// "26%（2026-05-31）", or "暂无数值".
std::string ValueText(const IndicatorChange& c) {
  if (!c.value.has_value()) return "暂无数值";
  std::string out = WithUnit(NumberText(*c.value), c.unit);
  if (c.value_date.has_value()) absl::StrAppend(&out, "（", DayText(*c.value_date), "）");
  return out;
}

// The target as written; a bare number gets the unit; "未设定" without one.
std::string TargetText(const IndicatorChange& c) {
  std::string text(absl::StripAsciiWhitespace(c.target_text));
  double number = 0;
  if (!text.empty() && absl::SimpleAtod(text, &number)) return WithUnit(text, c.unit);
  if (!text.empty()) return text;
  if (c.target.has_value()) return WithUnit(NumberText(*c.target), c.unit);
  return "未设定";
}

std::string IndicatorLabel(const IndicatorChange& c) {
  return c.display_name.empty() ? c.indicator_id : c.display_name;
}

// "指标偏离目标：PM2.5年均浓度当前值38微克/立方米（2026-04-21），目标≤ 35 微克/立方米".
std::string AlertTitle(Kind kind, const IndicatorChange& c) {
  std::string head;
  switch (kind) {
    case Kind::kIndicatorOffTrack:
      head = "指标偏离目标";
      break;
    case Kind::kIndicatorAtRisk:
      head = "指标存在风险";
      break;
    default:
      head = absl::StrCat("指标已恢复", IndicatorStatusText(c.status));
      break;
  }
  return absl::StrCat(head, "：", IndicatorLabel(c), "当前值", ValueText(c), "，目标",
                      TargetText(c));
}

}  // namespace

void Notifier::IntakeIndicatorStatus(const UpstreamInput& in, Changes* changes) {
  const IndicatorChange& c = in.indicator_change;
  const Kind kind = KindOf(c);
  if (kind == Kind::kUnspecified) return;
  const PlanView* plan = PlanOf(in.plan_id);
  const MeasureView* measure = nullptr;
  if (plan != nullptr && !c.measure_id.empty()) {
    auto m = plan->measures.find(c.measure_id);
    if (m != plan->measures.end()) measure = &m->second;
  }
  // The bureau, the owners as the event lists them, then the measure's lead
  // and responsible organizations not among them.
  std::vector<std::string> recipients;
  auto add = [&recipients](const std::string& org) {
    if (!org.empty() && std::find(recipients.begin(), recipients.end(), org) == recipients.end()) {
      recipients.push_back(org);
    }
  };
  if (plan != nullptr) add(plan->bureau_organization);
  for (const std::string& org : in.indicator_owners) add(org);
  if (measure != nullptr) {
    for (const std::string& org : internal::OwnersOf(*measure)) add(org);
  }

  std::vector<std::string> body;
  body.push_back(absl::StrCat("指标：", IndicatorLabel(c), "（", c.indicator, "）"));
  body.push_back(absl::StrCat(
      "状态：", IndicatorStatusText(c.previous), " → ", IndicatorStatusText(c.status),
      c.as_of.has_value() ? absl::StrCat("（评估日 ", DayText(*c.as_of), "）") : std::string()));
  body.push_back(absl::StrCat("当前值：", ValueText(c)));
  body.push_back(absl::StrCat("目标：", TargetText(c)));
  if (measure != nullptr) {
    std::vector<std::string> leads, responsible;
    for (const std::string& o : measure->lead_organizations) {
      leads.push_back(OrgName(in.plan_id, o));
    }
    for (const std::string& o : measure->responsible_organizations) {
      responsible.push_back(OrgName(in.plan_id, o));
    }
    body.push_back(absl::StrCat("所属工作措施：", c.measure_id, " ", measure->title));
    body.push_back(absl::StrCat("牵头单位：", leads.empty() ? "无" : absl::StrJoin(leads, "、"),
                                "；责任单位：",
                                responsible.empty() ? "无" : absl::StrJoin(responsible, "、")));
  } else if (!c.measure_id.empty()) {
    body.push_back(absl::StrCat("所属工作措施：", c.measure_id));
  }
  if (!c.reason.empty()) body.push_back(absl::StrCat("评估说明：", c.reason));

  const std::string resource =
      c.measure_id.empty() ? c.indicator : internal::MeasureResource(in.plan_id, c.measure_id);
  const std::string explanation =
      kind == Kind::kIndicatorRecovered
          ? "the recorded indicator evaluation found the indicator back on track"
          : "the recorded indicator evaluation changed the indicator's status";
  const std::string title = AlertTitle(kind, c);
  const std::string text = absl::StrJoin(body, "\n");
  for (const Rule* rule : RulesOf(kind)) {
    for (const std::string& org : recipients) {
      EmitForEvent(in, rule, org, {resource, title, text, explanation, ""}, changes);
    }
  }
}

const PlanView* Notifier::PlanOf(const std::string& plan_id) const {
  auto it = state_.plans.find(plan_id);
  return it == state_.plans.end() ? nullptr : &it->second;
}

}  // namespace ecoplan::notification
