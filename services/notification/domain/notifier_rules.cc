// Notifier: the rules (defaults, validation, create, update, delete, mute).

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"

namespace ecoplan::notification {

namespace {
constexpr int kDefaultRespondWithinWorkingDays = 5;
}  // namespace

std::vector<Rule> DefaultRules() {
  auto make = [](std::string id, Kind kind, Severity severity, std::vector<int> lead, int grace,
                 std::string description) {
    Rule r;
    r.id = std::move(id);
    r.kind = kind;
    r.severity = severity;
    r.lead_days = std::move(lead);
    r.escalation_grace_working_days = grace;
    r.description = std::move(description);
    return r;
  };
  // The kinds asking the bureau or the issuer to act: 5 working days to respond.
  auto to_act = [&make](std::string id, Kind kind, std::string description) {
    Rule r = make(std::move(id), kind, Severity::kWarning, {}, 0, std::move(description));
    r.respond_within_working_days = kDefaultRespondWithinWorkingDays;
    return r;
  };
  return {
      make("report-due-soon", Kind::kReportDueSoon, Severity::kWarning, {3}, 0,
           "月报（及季度、半年、年度总结）截止前3天提醒尚未报送的单位"),
      make("report-overdue", Kind::kReportOverdue, Severity::kCritical, {}, 3,
           "月报（及季度、半年、年度总结）逾期未报送；3个工作日（除法定节假日，含调休上班日）未处理"
           "逐级升级"),
      make("measure-deadline-approaching", Kind::kMeasureDeadlineApproaching, Severity::kWarning,
           {30, 7}, 0, "工作措施完成时限前30天、7天提醒"),
      make("measure-overdue", Kind::kMeasureOverdue, Severity::kCritical, {}, 5,
           "工作措施超过完成时限仍未办结；5个工作日未处理逐级升级"),
      make("report-returned", Kind::kReportReturned, Severity::kWarning, {}, 0, "月报被退回"),
      make("indicator-at-risk", Kind::kIndicatorAtRisk, Severity::kWarning, {}, 0, "指标存在风险"),
      make("indicator-off-track", Kind::kIndicatorOffTrack, Severity::kCritical, {}, 0,
           "指标偏离目标"),
      make("measure-reassigned", Kind::kMeasureReassigned, Severity::kInfo, {}, 0,
           "工作措施责任单位调整（通知原单位和新单位）"),
      make("measure-deadline-changed", Kind::kMeasureDeadlineChanged, Severity::kInfo, {}, 0,
           "工作措施完成时限调整"),
      make("plan-imported", Kind::kPlanImported, Severity::kInfo, {}, 0, "新行动计划已导入"),
      make("measure-checkpoint-approaching", Kind::kMeasureCheckpointApproaching,
           Severity::kWarning, {7}, 0,
           "工作措施文本中的阶段性节点（按季度、每月、5月底前、汛期前、两轮次等）到期前7天提醒"),
      make("indicator-recovered", Kind::kIndicatorRecovered, Severity::kInfo, {}, 0,
           "指标由存在风险或偏离目标恢复为按进度推进或已达成"),
      make("month-closed", Kind::kMonthClosed, Severity::kInfo, {}, 0,
           "月度结账：当月红黄绿灯和考评得分定稿，通知各责任单位及申诉途径"),
      make("contest-filed", Kind::kContestFiled, Severity::kWarning, {}, 0,
           "单位对已结账月份的事项提出申诉，通知区生态环境局受理"),
      make("contest-decided", Kind::kContestDecided, Severity::kInfo, {}, 0,
           "申诉已决定（采纳或不予采纳），通知申诉单位及理由"),
      // Supervision as a workflow (督办), problem ledgers, and what awaits the bureau.
      make("supervision-order-issued", Kind::kSupervisionOrderIssued, Severity::kWarning, {}, 0,
           "督办单下达，通知各被督办单位（蓝色督办为提示、黄色为警示、红色为紧急）"),
      make("supervision-reply-overdue", Kind::kSupervisionReplyOverdue, Severity::kCritical, {}, 3,
           "催办：被督办单位超过回复期限未回复（或退回后未重新回复）；3个工作日未处理逐级升级"),
      make("supervision-reply-returned", Kind::kSupervisionReplyReturned, Severity::kWarning, {}, 0,
           "督办回复被退回，通知该单位重新回复"),
      make("supervision-level-raised", Kind::kSupervisionLevelRaised, Severity::kWarning, {}, 0,
           "督办等级提升，通知回复尚未通过核查的单位"),
      make("supervision-order-closed", Kind::kSupervisionOrderClosed, Severity::kInfo, {}, 0,
           "督办单已销号，通知各被督办单位及督办单位"),
      to_act("supervision-reply-received", Kind::kSupervisionReplyReceived,
             "被督办单位已回复，通知督办单位（或区生态环境局）5个工作日内核查"),
      make("supervision-task-assigned", Kind::kSupervisionTaskAssigned, Severity::kInfo, {}, 0,
           "新增督办任务，按工作措施通知牵头单位和责任单位"),
      to_act("report-awaiting-review", Kind::kReportAwaitingReview,
             "报告已报送（或修改），通知区生态环境局5个工作日内审核"),
      to_act("extension-requested", Kind::kExtensionRequested,
             "延期申请，通知区生态环境局5个工作日内决定"),
      to_act("completion-declared", Kind::kCompletionDeclared,
             "办结申请，通知区生态环境局5个工作日内决定"),
      make("problem-item-overdue", Kind::kProblemItemOverdue, Severity::kCritical, {}, 3,
           "问题清单事项超过整改期限仍未整改完成；3个工作日未处理逐级升级"),
      to_act("problem-rectification-claimed", Kind::kProblemRectificationClaimed,
             "问题整改完成申报，通知区生态环境局5个工作日内核查"),
      make("problem-item-reopened", Kind::kProblemItemReopened, Severity::kWarning, {}, 0,
           "问题被重新打开，通知责任单位继续整改"),
      make(
          "problem-item-opened", Kind::kProblemItemOpened, Severity::kWarning, {}, 0,
          "问题清单新交办（新建或导入）问题，通知责任单位整改；设置汇总窗口可将批量导入合并为一条"),
      make("problem-item-closed", Kind::kProblemItemClosed, Severity::kInfo, {}, 0,
           "问题已销号，通知责任单位及工作措施的牵头单位"),
  };
}

std::vector<std::string> OriginalDefaultRuleIds() {
  return {"report-due-soon",     "report-overdue",     "measure-deadline-approaching",
          "measure-overdue",     "report-returned",    "indicator-at-risk",
          "indicator-off-track", "measure-reassigned", "measure-deadline-changed",
          "plan-imported"};
}

namespace {

absl::Status ValidateRule(const Rule& r) {
  if (!internal::ValidId(r.id)) {
    return absl::InvalidArgumentError("rule.name must be rules/{id} with id 1..64 of [a-z0-9-]");
  }
  const int kind = static_cast<int>(r.kind);
  if (kind < 1 || kind > kMaxKind || r.kind == Kind::kDigest) {
    return absl::InvalidArgumentError(absl::StrCat("rule.kind ", kind, " is not a known kind"));
  }
  const int severity = static_cast<int>(r.severity);
  if (severity < 1 || severity > 3) {
    return absl::InvalidArgumentError("rule.severity must be INFO, WARNING or CRITICAL");
  }
  if (IsCriticalKind(r.kind) && r.severity != Severity::kCritical) {
    return absl::InvalidArgumentError(
        absl::StrCat("rule.severity must be CRITICAL for ", KindName(r.kind)));
  }
  if (r.lead_days.size() > 10) return absl::InvalidArgumentError("rule.lead_days: at most 10");
  for (int d : r.lead_days) {
    if (d < 0 || d > 366) return absl::InvalidArgumentError("rule.lead_days: each 0..366");
  }
  if (r.escalation_grace_working_days < 0 || r.escalation_grace_working_days > 60) {
    return absl::InvalidArgumentError("rule.escalation_grace_working_days must be 0..60");
  }
  if (r.respond_within_working_days < 0 || r.respond_within_working_days > 60) {
    return absl::InvalidArgumentError("rule.respond_within_working_days must be 0..60");
  }
  if (r.digest_window < absl::ZeroDuration() || r.digest_window > absl::Hours(24 * 7)) {
    return absl::InvalidArgumentError("rule.digest_window must be 0..7 days");
  }
  if (r.description.size() > internal::kMaxDescription) {
    return absl::InvalidArgumentError("rule.description: at most 500 bytes");
  }
  return absl::OkStatus();
}

}  // namespace

namespace {

std::string RuleKey(const std::string& id) { return absl::StrCat("rule/", id); }

}  // namespace

void Notifier::CreateRule(const Rule& input, const std::string& request_id, Done<Rule> done) {
  if (absl::Status valid = ValidateRule(input); !valid.ok()) {
    done(valid);
    return;
  }
  WriteFor<Rule>(
      KeysWithRequest(request_id, {RuleKey(input.id)}),
      [this, input, request_id](Changes* changes) -> absl::StatusOr<Rule> {
        const std::string resource = absl::StrCat("rules/", input.id);
        ECOPLAN_ASSIGN_OR_RETURN(
            std::optional<common::RequestRecord> retried,
            RetriedRequest({request_id, internal::kCreateRuleMethod, resource, ""}));
        if (retried.has_value()) {
          auto first = state_.rules.find(input.id);
          if (first == state_.rules.end()) {
            return absl::FailedPreconditionError(absl::StrCat(
                "request_id \"", request_id, "\" was used for ", resource, ", since deleted"));
          }
          return first->second;
        }
        if (state_.rules.count(input.id) > 0) {
          return absl::AlreadyExistsError(absl::StrCat("rules/", input.id, " exists"));
        }
        Rule rule = input;
        rule.revision = 1;
        rule.muted_until.reset();
        rule.organization_mutes.clear();
        rule.update_time = Now();
        changes->rules.push_back(rule);
        if (!request_id.empty()) {
          changes->request_ids[request_id] = internal::StoredRequest(
              {request_id, std::string(internal::kCreateRuleMethod), resource, "", 0});
        }
        changes->events.push_back(
            ChangeEvent{ChangeEvent::Type::kRuleChanged, 0, rule.id, "", false});
        return rule;
      },
      std::move(done));
}

absl::StatusOr<Rule> Notifier::CreateRule(const Rule& input, const std::string& request_id) {
  return Await<Rule>([&](Done<Rule> done) { CreateRule(input, request_id, done); });
}

absl::StatusOr<Rule> Notifier::GetRule(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = state_.rules.find(id);
  if (it == state_.rules.end())
    return absl::NotFoundError(absl::StrCat("rules/", id, " not found"));
  return it->second;
}

std::vector<Rule> Notifier::ListRules() const {
  absl::MutexLock lock(&mu_);
  std::vector<Rule> out;
  for (const auto& [id, r] : state_.rules) out.push_back(r);
  return out;
}

void Notifier::UpdateRule(const Rule& input, const std::string& etag, Done<Rule> done) {
  if (absl::Status valid = ValidateRule(input); !valid.ok()) {
    done(valid);
    return;
  }
  WriteFor<Rule>(
      {RuleKey(input.id)},
      [this, input, etag](Changes* changes) -> absl::StatusOr<Rule> {
        auto it = state_.rules.find(input.id);
        if (it == state_.rules.end()) {
          return absl::NotFoundError(absl::StrCat("rules/", input.id, " not found"));
        }
        if (etag != RuleEtag(it->second)) {
          return absl::AbortedError(absl::StrCat("stale etag for rules/", input.id, ": current is ",
                                                 RuleEtag(it->second)));
        }
        Rule rule = input;
        rule.muted_until = it->second.muted_until;
        rule.organization_mutes = it->second.organization_mutes;
        rule.revision = it->second.revision + 1;
        rule.update_time = Now();
        changes->rules.push_back(rule);
        changes->events.push_back(
            ChangeEvent{ChangeEvent::Type::kRuleChanged, 0, rule.id, "", false});
        return rule;
      },
      std::move(done));
}

absl::StatusOr<Rule> Notifier::UpdateRule(const Rule& input, const std::string& etag) {
  return Await<Rule>([&](Done<Rule> done) { UpdateRule(input, etag, done); });
}

void Notifier::DeleteRule(const std::string& id, const std::string& etag, DoneStatus done) {
  Write(
      {RuleKey(id)},
      [this, id, etag](Changes* changes) -> absl::Status {
        auto it = state_.rules.find(id);
        if (it == state_.rules.end()) {
          return absl::NotFoundError(absl::StrCat("rules/", id, " not found"));
        }
        if (etag != RuleEtag(it->second)) {
          return absl::AbortedError(absl::StrCat("stale etag for rules/", id));
        }
        changes->deleted_rules.push_back(id);
        changes->events.push_back(ChangeEvent{ChangeEvent::Type::kRuleChanged, 0, id, "", true});
        return absl::OkStatus();
      },
      std::move(done));
}

absl::Status Notifier::DeleteRule(const std::string& id, const std::string& etag) {
  return AwaitStatus([&](DoneStatus done) { DeleteRule(id, etag, done); });
}

namespace {

// Mutes (or unmutes, `until` absent or past) `rule` for everyone or for `organization_id`, as
// `caller` may. Errors: PermissionDenied, FailedPrecondition (a recipient muting a critical rule).
absl::Status ApplyMute(const Caller& caller, std::optional<absl::Time> until,
                       const std::string& organization_id, absl::Time now, Rule& rule) {
  const bool unmute = !until.has_value() || *until <= now;
  if (organization_id.empty()) {
    if (caller.role != Caller::Role::kAdministrator) {
      return absl::PermissionDeniedError(
          "only the bureau (administrator) mutes a rule for everyone");
    }
    if (unmute)
      rule.muted_until.reset();
    else
      rule.muted_until = until;
    return absl::OkStatus();
  }
  if (!caller.MayChangeFor(organization_id)) {
    return absl::PermissionDeniedError(absl::StrCat("a reporter of ", caller.organization_id,
                                                    " may not mute for ", organization_id));
  }
  if (IsCriticalKind(rule.kind) && !unmute) {
    return absl::FailedPreconditionError(absl::StrCat(
        "rules/", rule.id, " is critical (", KindName(rule.kind), "): a recipient cannot mute it"));
  }
  if (unmute)
    rule.organization_mutes.erase(organization_id);
  else
    rule.organization_mutes[organization_id] = *until;
  return absl::OkStatus();
}

}  // namespace

void Notifier::MuteRule(const Caller& caller, const std::string& id,
                        std::optional<absl::Time> until, const std::string& organization_id,
                        const std::string& etag, Done<Rule> done) {
  WriteFor<Rule>(
      {RuleKey(id)},
      [this, caller, id, until, organization_id, etag](Changes* changes) -> absl::StatusOr<Rule> {
        auto it = state_.rules.find(id);
        if (it == state_.rules.end()) {
          return absl::NotFoundError(absl::StrCat("rules/", id, " not found"));
        }
        if (!etag.empty() && etag != RuleEtag(it->second)) {
          return absl::AbortedError(absl::StrCat("stale etag for rules/", id));
        }
        Rule rule = it->second;
        ECOPLAN_RETURN_IF_ERROR(ApplyMute(caller, until, organization_id, Now(), rule));
        ++rule.revision;
        rule.update_time = Now();
        changes->rules.push_back(rule);
        changes->events.push_back(
            ChangeEvent{ChangeEvent::Type::kRuleChanged, 0, rule.id, "", false});
        return rule;
      },
      std::move(done));
}

absl::StatusOr<Rule> Notifier::MuteRule(const Caller& caller, const std::string& id,
                                        std::optional<absl::Time> until,
                                        const std::string& organization_id,
                                        const std::string& etag) {
  return Await<Rule>(
      [&](Done<Rule> done) { MuteRule(caller, id, until, organization_id, etag, done); });
}

}  // namespace ecoplan::notification
