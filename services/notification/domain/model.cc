#include "services/notification/domain/model.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace ecoplan::notification {

const char* KindName(Kind kind) {
  switch (kind) {
    case Kind::kReportDueSoon:
      return "REPORT_DUE_SOON";
    case Kind::kReportOverdue:
      return "REPORT_OVERDUE";
    case Kind::kMeasureDeadlineApproaching:
      return "MEASURE_DEADLINE_APPROACHING";
    case Kind::kMeasureOverdue:
      return "MEASURE_OVERDUE";
    case Kind::kReportReturned:
      return "REPORT_RETURNED";
    case Kind::kIndicatorAtRisk:
      return "INDICATOR_AT_RISK";
    case Kind::kIndicatorOffTrack:
      return "INDICATOR_OFF_TRACK";
    case Kind::kMeasureReassigned:
      return "MEASURE_REASSIGNED";
    case Kind::kMeasureDeadlineChanged:
      return "MEASURE_DEADLINE_CHANGED";
    case Kind::kPlanImported:
      return "PLAN_IMPORTED";
    case Kind::kDigest:
      return "DIGEST";
    case Kind::kMeasureCheckpointApproaching:
      return "MEASURE_CHECKPOINT_APPROACHING";
    case Kind::kIndicatorRecovered:
      return "INDICATOR_RECOVERED";
    case Kind::kMonthClosed:
      return "MONTH_CLOSED";
    case Kind::kContestFiled:
      return "CONTEST_FILED";
    case Kind::kContestDecided:
      return "CONTEST_DECIDED";
    case Kind::kSupervisionOrderIssued:
      return "SUPERVISION_ORDER_ISSUED";
    case Kind::kSupervisionReplyOverdue:
      return "SUPERVISION_REPLY_OVERDUE";
    case Kind::kSupervisionReplyReturned:
      return "SUPERVISION_REPLY_RETURNED";
    case Kind::kSupervisionLevelRaised:
      return "SUPERVISION_LEVEL_RAISED";
    case Kind::kSupervisionOrderClosed:
      return "SUPERVISION_ORDER_CLOSED";
    case Kind::kSupervisionReplyReceived:
      return "SUPERVISION_REPLY_RECEIVED";
    case Kind::kSupervisionTaskAssigned:
      return "SUPERVISION_TASK_ASSIGNED";
    case Kind::kReportAwaitingReview:
      return "REPORT_AWAITING_REVIEW";
    case Kind::kExtensionRequested:
      return "EXTENSION_REQUESTED";
    case Kind::kCompletionDeclared:
      return "COMPLETION_DECLARED";
    case Kind::kProblemItemOverdue:
      return "PROBLEM_ITEM_OVERDUE";
    case Kind::kProblemRectificationClaimed:
      return "PROBLEM_RECTIFICATION_CLAIMED";
    case Kind::kProblemItemReopened:
      return "PROBLEM_ITEM_REOPENED";
    case Kind::kProblemItemOpened:
      return "PROBLEM_ITEM_OPENED";
    case Kind::kProblemItemClosed:
      return "PROBLEM_ITEM_CLOSED";
    case Kind::kUnspecified:
      break;
  }
  return "UNSPECIFIED";
}

bool IsCriticalKind(Kind kind) {
  return kind == Kind::kReportOverdue || kind == Kind::kMeasureOverdue ||
         kind == Kind::kIndicatorOffTrack || kind == Kind::kSupervisionReplyOverdue ||
         kind == Kind::kProblemItemOverdue;
}

const char* LevelText(SupervisionLevel level) {
  switch (level) {
    case SupervisionLevel::kBlue:
      return "蓝色督办";
    case SupervisionLevel::kYellow:
      return "黄色督办";
    case SupervisionLevel::kRed:
      return "红色督办";
    case SupervisionLevel::kUnspecified:
      break;
  }
  return "督办";
}

absl::Time ReplyLateFrom(const SupervisionOrderView& order, absl::TimeZone zone) {
  if (order.reply_due_time != absl::InfinitePast()) return order.reply_due_time;
  return absl::FromCivil(absl::CivilSecond(order.reply_due_date + 1), zone);
}

std::string NotificationId(uint64_t number) { return absl::StrFormat("n-%012d", number); }

std::string RuleEtag(const Rule& rule) { return absl::StrCat("r", rule.revision); }

std::string SubscriptionEtag(const Subscription& s) { return absl::StrCat("s", s.revision); }

bool Matches(const Subscription& s, const Notification& n) {
  if (!s.kinds.empty() && s.kinds.count(n.kind) == 0) return false;
  if (!s.plans.empty() && s.plans.count(n.plan_id) == 0) return false;
  if (!s.organizations.empty() && s.organizations.count(n.recipient) == 0) return false;
  if (!s.severities.empty() && s.severities.count(n.severity) == 0) return false;
  return true;
}

std::string DigestKey(absl::string_view recipient, absl::string_view rule_id) {
  return absl::StrCat(recipient, "|", rule_id);
}

}  // namespace ecoplan::notification
