// Notifier: the schedule. Reports due soon and overdue (per the shared
// reporting calendar), measure deadlines approaching and passed, escalation of
// overdue items through the contact levels, and digests whose window closed.
// Every scheduled notification is keyed (schedule.h ScheduleKey), so a run
// repeated, or after a restart, notifies no one twice.

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"
#include "services/notification/domain/schedule.h"

namespace ecoplan::notification {
namespace {

using internal::MeasureResource;
using internal::OwnersOf;
using internal::ReportResource;
using internal::SubmissionKey;
using internal::WorkingDaysOf;

const char* LevelName(ContactLevel level) {
  switch (level) {
    case ContactLevel::kDeputyHead:
      return "分管领导";
    case ContactLevel::kHead:
      return "主要领导";
    default:
      return "联络员";
  }
}

}  // namespace

void Notifier::RunSchedule(Done<int> done) {
  WriteFor<int>(
      {kEmitKey},
      [this](Changes* changes) -> absl::StatusOr<int> {
        // Digests first, so that a bucket filled by this run waits for its window.
        FlushDigests(changes);
        for (const auto& [id, plan] : state_.plans) {
          if (plan.year == 0) continue;  // a calendar waiting for its plan
          const absl::CivilDay today = Today(plan.time_zone);
          ScheduleReports(plan, today, changes);
          ScheduleMeasures(plan, today, changes);
        }
        ScheduleSupervision(changes);
        ScheduleProblems(changes);
        Escalate(Today(options_.time_zone), changes);
        return static_cast<int>(changes->notifications.size());
      },
      std::move(done));
}

absl::StatusOr<int> Notifier::RunSchedule() {
  return Await<int>([&](Done<int> done) { RunSchedule(done); });
}

void Notifier::EmitEscalating(const Candidate& c, const std::string& subject, absl::CivilDay today,
                              Changes* changes) {
  const bool is_new = !KeyUsed(c.key);
  Emit(c, changes);
  if (!is_new || reserved_keys_.count(c.key) == 0 || state_.escalations.count(c.key) > 0) return;
  Escalation e;
  e.key = c.key;
  e.rule_id = c.rule->id;
  e.kind = c.rule->kind;
  e.plan_id = c.plan_id;
  e.organization_id = c.recipient;
  e.resource = c.resource;
  e.period = subject;
  e.title = c.title;
  e.level_since = today;
  changes->escalations.push_back(e);
}

// ---------------------------------------------------------------------------
// Reports

void Notifier::ScheduleReports(const PlanView& plan, absl::CivilDay today, Changes* changes) {
  if (plan.year == 0) return;  // a calendar waiting for its plan
  std::set<std::string> owners;
  for (const auto& [id, m] : plan.measures) {
    for (const std::string& o : OwnersOf(m)) owners.insert(o);
  }
  const common::WorkingDays days = WorkingDaysOf(state_.holidays);
  absl::TimeZone zone = absl::UTCTimeZone();  // only due days are used here
  // Months, and the quarterly, half-year and annual summaries the calendar
  // asks for, owed from the plan's issue date (common::OwedDuesOfYear); each
  // (rule, report, period) is keyed, so a period is reminded once whatever
  // the order of runs and restarts.
  for (const common::PeriodDueDay& owed :
       common::OwedDuesOfYear(plan.calendar, plan.year, days, zone, plan.issue_date)) {
    if (absl::CivilDay(owed.period.FirstMonth()) > today) continue;
    const std::string period = owed.period.ToString();
    for (const std::string& org : owners) {
      if (state_.submissions.count(SubmissionKey(plan.plan_id, org, period)) > 0) continue;
      ScheduleReport(plan, org, owed, today, changes);
    }
  }
}

void Notifier::ScheduleReport(const PlanView& plan, const std::string& org,
                              const common::PeriodDueDay& owed, absl::CivilDay today,
                              Changes* changes) {
  const absl::CivilDay due = owed.due_day;
  const std::string period = owed.period.ToString();
  const char* report_name = owed.period.ReportName();
  const std::string resource = ReportResource(plan.plan_id, org, period);
  for (const Rule* rule : RulesOf(Kind::kReportDueSoon)) {
    const int lead = rule->lead_days.empty() ? 3 : rule->lead_days.front();
    if (today < due - lead || today > due) continue;
    Candidate c;
    c.rule = rule;
    c.key = ScheduleKey(rule->id, resource, period, org);
    c.recipient = org;
    c.plan_id = plan.plan_id;
    c.resource = resource;
    c.period = period;
    c.title = absl::StrCat(period, " ", report_name, "将于", DayText(due), "截止，尚未报送");
    c.explanation = absl::StrCat(period, " report due on ", DayText(due), ", not submitted; rule ",
                                 rule->id, " reminds ", lead, " days ahead");
    Emit(c, changes);
  }
  if (today <= due) return;
  for (const Rule* rule : RulesOf(Kind::kReportOverdue)) {
    Candidate c;
    c.rule = rule;
    c.key = ScheduleKey(rule->id, resource, period, org);
    c.recipient = org;
    c.plan_id = plan.plan_id;
    c.resource = resource;
    c.period = period;
    c.title =
        absl::StrCat(period, " ", report_name, "已逾期（截止", DayText(due), "），请尽快报送");
    c.explanation =
        absl::StrCat(period, " report was due on ", DayText(due), " and is not submitted");
    c.escalation_key = c.key;
    EmitEscalating(c, period, today, changes);
  }
}

// ---------------------------------------------------------------------------
// Measures

void Notifier::ScheduleMeasures(const PlanView& plan, absl::CivilDay today, Changes* changes) {
  for (const auto& [id, m] : plan.measures) {
    if (m.completed) continue;
    if (m.due.has_value()) ScheduleMeasureDeadline(plan, id, m, today, changes);
    ScheduleCheckpoints(plan, id, m, today, changes);
  }
}

void Notifier::ScheduleMeasureDeadline(const PlanView& plan, const std::string& id,
                                       const MeasureView& m, absl::CivilDay today,
                                       Changes* changes) {
  const absl::CivilDay due = *m.due;
  const std::string resource = MeasureResource(plan.plan_id, id);
  const std::vector<std::string> owners = OwnersOf(m);
  for (const Rule* rule : RulesOf(Kind::kMeasureDeadlineApproaching)) {
    std::vector<int> leads = rule->lead_days;
    std::sort(leads.begin(), leads.end());
    int active = -1;
    for (int lead : leads) {
      if (today >= due - lead && today <= due) {
        active = lead;
        break;
      }
    }
    if (active < 0) continue;
    const std::string period = absl::StrCat(DayText(due), "/", active);
    for (const std::string& org : owners) {
      Candidate c;
      c.rule = rule;
      c.key = ScheduleKey(rule->id, resource, period, org);
      c.recipient = org;
      c.plan_id = plan.plan_id;
      c.resource = resource;
      c.period = DayText(due);
      c.title = absl::StrCat("工作措施将于", DayText(due), "到期（", active, "天内）：", m.title);
      c.explanation = absl::StrCat("measure deadline ", DayText(due), " within ", active,
                                   " days, no confirmed completion");
      Emit(c, changes);
    }
  }
  if (today <= due) return;
  for (const Rule* rule : RulesOf(Kind::kMeasureOverdue)) {
    for (const std::string& org : owners) {
      Candidate c;
      c.rule = rule;
      c.key = ScheduleKey(rule->id, resource, DayText(due), org);
      c.recipient = org;
      c.plan_id = plan.plan_id;
      c.resource = resource;
      c.period = DayText(due);
      c.title = absl::StrCat("工作措施已超过完成时限（", DayText(due), "）：", m.title);
      c.explanation =
          absl::StrCat("measure deadline ", DayText(due), " passed without a confirmed completion");
      c.escalation_key = c.key;
      EmitEscalating(c, id, today, changes);
    }
  }
}

void Notifier::ScheduleCheckpoints(const PlanView& plan, const std::string& id,
                                   const MeasureView& m, absl::CivilDay today, Changes* changes) {
  if (m.checkpoints.empty()) return;
  const std::string resource = MeasureResource(plan.plan_id, id);
  const std::vector<std::string> owners = OwnersOf(m);
  for (const Rule* rule : RulesOf(Kind::kMeasureCheckpointApproaching)) {
    std::vector<int> leads = rule->lead_days;
    if (leads.empty()) leads = {7};
    std::sort(leads.begin(), leads.end());
    for (const CheckpointDue& checkpoint : m.checkpoints) {
      for (absl::CivilDay due : checkpoint.dues) {
        // The measure's own due day is the deadline rules' (measure-deadline-approaching).
        if (m.due.has_value() && due == *m.due) continue;
        // An owner's submitted report states it met: nobody is reminded of it.
        if (CheckpointStatedMet(plan.plan_id, id, due)) continue;
        // The shortest lead time that covers today: one reminder per lead time.
        auto active = std::find_if(leads.begin(), leads.end(),
                                   [&](int lead) { return today >= due - lead && today <= due; });
        if (active == leads.end()) continue;
        const std::string period = absl::StrCat(DayText(due), "/", *active, "/", checkpoint.phrase);
        for (const std::string& org : owners) {
          Candidate c;
          c.rule = rule;
          c.key = ScheduleKey(rule->id, resource, period, org);
          c.recipient = org;
          c.plan_id = plan.plan_id;
          c.resource = resource;
          c.period = DayText(due);
          c.title = absl::StrCat("工作措施阶段性节点「", checkpoint.phrase, "」将于", DayText(due),
                                 "到期（", *active, "天内）：", m.title);
          c.explanation = absl::StrCat(
              "checkpoint «", checkpoint.phrase, "» of the measure text due ", DayText(due),
              " within ", *active,
              " days, no confirmed completion and no owner's report states it met; rule ", rule->id,
              " reminds ", *active, " days ahead");
          Emit(c, changes);
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Escalation and digests

void Notifier::Escalate(absl::CivilDay today, Changes* changes) {
  // Grace periods count working days: holidays off, make-up days on.
  const common::WorkingDays days = WorkingDaysOf(state_.holidays);
  for (const auto& [key, e] : state_.escalations) {
    if (EscalationResolved(e, today)) {
      changes->deleted_escalations.push_back(key);
      continue;
    }
    if (e.acknowledged || e.level == ContactLevel::kHead) continue;
    auto rule = state_.rules.find(e.rule_id);
    if (rule == state_.rules.end() || rule->second.escalation_grace_working_days <= 0) continue;
    if (days.WorkingDaysBetween(e.level_since, today) <
        rule->second.escalation_grace_working_days) {
      continue;
    }
    Escalation next = e;
    next.level = static_cast<ContactLevel>(static_cast<int>(e.level) + 1);
    next.level_since = today;
    Candidate c;
    c.rule = &rule->second;
    c.key = absl::StrCat(key, "|L", static_cast<int>(next.level));
    c.recipient = e.organization_id;
    c.plan_id = e.plan_id;
    c.resource = e.resource;
    // A 催办's subject is "<reply day>@<deadline>": its period is the reply day.
    c.period = e.kind == Kind::kSupervisionReplyOverdue ? e.period.substr(0, e.period.find('@'))
                                                        : e.period;
    c.level = next.level;
    c.title = absl::StrCat("【升级至", LevelName(next.level), "】", e.title);
    c.explanation = absl::StrCat("not resolved or acknowledged within ",
                                 rule->second.escalation_grace_working_days,
                                 " working days; escalated one level");
    c.escalation_key = key;
    Emit(c, changes);
    changes->escalations.push_back(next);
  }
}

bool Notifier::EscalationResolved(const Escalation& e, absl::CivilDay today) const {
  if (e.kind == Kind::kSupervisionReplyOverdue || e.kind == Kind::kProblemItemOverdue) {
    return SupervisionEscalationResolved(e);
  }
  auto plan = state_.plans.find(e.plan_id);
  if (plan == state_.plans.end()) return true;
  if (e.kind == Kind::kReportOverdue) {
    return state_.submissions.count(SubmissionKey(e.plan_id, e.organization_id, e.period)) > 0;
  }
  auto m = plan->second.measures.find(e.period);
  return m == plan->second.measures.end() || m->second.completed || !m->second.due.has_value() ||
         *m->second.due >= today;
}

void Notifier::FlushDigests(Changes* changes) {
  const absl::Time now = Now();
  for (const auto& [key, bucket] : state_.digests) {
    auto rule = state_.rules.find(bucket.rule_id);
    const absl::Duration window =
        rule == state_.rules.end() ? absl::ZeroDuration() : rule->second.digest_window;
    if (now < bucket.window_start + window) continue;
    changes->deleted_digests.push_back(key);
    if (bucket.items.empty()) continue;
    Notification n;
    n.kind = Kind::kDigest;
    n.severity = rule == state_.rules.end() ? Severity::kInfo : rule->second.severity;
    n.recipient = bucket.recipient;
    n.recipient_display_name = OrgName(bucket.plan_id, bucket.recipient);
    n.plan_id = bucket.plan_id;
    n.resource = bucket.items.front().resource;
    n.title = absl::StrCat(bucket.items.size(), " 条提醒汇总（",
                           KindName(bucket.items.front().kind), "）");
    n.rule_id = bucket.rule_id;
    n.schedule_key = absl::StrCat("digest|", key, "|", absl::ToUnixMicros(bucket.window_start));
    n.explanation = absl::StrCat("rule ", bucket.rule_id, " groups notifications within ",
                                 absl::FormatDuration(window));
    n.digest_items = bucket.items;
    AddNotification(std::move(n), "", changes);
  }
}

}  // namespace ecoplan::notification
