// Notifier: the intake of upstream events (registry and progress here; the
// indicator server's in notifier_indicator.cc and notifier_assessment.cc).
// Each event updates the local view of plans, submissions (with the checkpoints
// their reports state met) and holidays and
// emits the notifications its rules ask for, keyed by event, rule and recipient
// so that a replayed event notifies no one twice.

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"
#include "services/notification/domain/schedule.h"

namespace ecoplan::notification {
namespace {

using internal::MeasureResource;
using internal::OwnersOf;

// "月报", "季度总结", … from a period's text ("2026-05", "2026-Q1", "2026-H1", "2026").
const char* ReportNameOf(absl::string_view period) {
  if (period.size() == 4) return "年度总结";
  if (period.size() == 7 && (period[5] == 'Q' || period[5] == 'q')) return "季度总结";
  if (period.size() == 7 && (period[5] == 'H' || period[5] == 'h')) return "半年总结";
  return "月报";
}

}  // namespace

void Notifier::DecideUpstream(const UpstreamInput& in, Changes* changes) {
  switch (in.type) {
    case UpstreamInput::Type::kIgnored:
      break;
    case UpstreamInput::Type::kPlanImported:
      IntakePlanImported(in, changes);
      break;
    case UpstreamInput::Type::kMeasureChanged:
      IntakeMeasureChanged(in, changes);
      break;
    case UpstreamInput::Type::kReportSubmitted:
      IntakeReportSubmitted(in, changes);
      if (in.awaiting_review) IntakeAwaitingReview(in, changes);
      break;
    case UpstreamInput::Type::kReportReturned:
      IntakeReportReturned(in, changes);
      break;
    case UpstreamInput::Type::kExtensionApproved:
      IntakeExtensionApproved(in, changes);
      break;
    case UpstreamInput::Type::kCompletionConfirmed:
      IntakeCompletionConfirmed(in, changes);
      break;
    case UpstreamInput::Type::kCalendarChanged:
      IntakeCalendarChanged(in, changes);
      break;
    case UpstreamInput::Type::kHolidaysLoaded:
      changes->holidays.push_back(in.holidays);
      break;
    case UpstreamInput::Type::kIndicatorStatus:
      IntakeIndicatorStatus(in, changes);
      break;
    case UpstreamInput::Type::kMonthClosed:
      IntakeMonthClosed(in, changes);
      break;
    case UpstreamInput::Type::kContestFiled:
      IntakeContestFiled(in, changes);
      break;
    case UpstreamInput::Type::kContestDecided:
      IntakeContestDecided(in, changes);
      break;
    case UpstreamInput::Type::kSupervisionTask:
      IntakeSupervisionTask(in, changes);
      break;
    case UpstreamInput::Type::kSupervisionOrder:
      IntakeSupervisionOrder(in, changes);
      break;
    case UpstreamInput::Type::kProblemItem:
      IntakeProblemItem(in, changes);
      break;
    case UpstreamInput::Type::kExtensionRequested:
    case UpstreamInput::Type::kCompletionDeclared:
      IntakeBureauRequest(in, changes);
      break;
  }
}

void Notifier::EmitForEvent(const UpstreamInput& in, const Rule* rule, const std::string& recipient,
                            EventText text, Changes* changes, const std::string& subject,
                            std::optional<Severity> severity) {
  Candidate c;
  c.rule = rule;
  c.recipient = recipient;
  c.plan_id = in.plan_id;
  c.resource = std::move(text.resource);
  c.title = std::move(text.title);
  c.body = std::move(text.body);
  c.explanation = std::move(text.explanation);
  c.period = std::move(text.period);
  c.event_ref = in.event_ref;
  c.key = absl::StrCat("ev|", in.event_ref, "|", rule->id, "|", recipient);
  if (!subject.empty()) absl::StrAppend(&c.key, "|", subject);
  c.severity = severity;
  Emit(c, changes);
}

void Notifier::IntakePlanImported(const UpstreamInput& in, Changes* changes) {
  PlanView plan = in.plan;
  auto old = state_.plans.find(plan.plan_id);
  if (old != state_.plans.end()) {
    // Keep what the progress events taught us (completions, extensions, calendar).
    plan.calendar = old->second.calendar;
    for (auto& [id, m] : plan.measures) {
      auto prev = old->second.measures.find(id);
      if (prev != old->second.measures.end()) {
        m.completed = prev->second.completed;
      }
    }
  }
  changes->plans.push_back(plan);
  if (plan.bureau_organization.empty()) return;
  for (const Rule* rule : RulesOf(Kind::kPlanImported)) {
    EmitForEvent(
        in, rule, plan.bureau_organization,
        {absl::StrCat("plans/", plan.plan_id), absl::StrCat("新行动计划已导入：", plan.title),
         absl::StrCat(plan.measures.size(), " 项工作措施"), "the registry imported a plan", ""},
        changes);
  }
}

void Notifier::IntakeMeasureChanged(const UpstreamInput& in, Changes* changes) {
  auto plan_it = state_.plans.find(in.plan_id);
  if (plan_it == state_.plans.end()) return;
  PlanView plan = plan_it->second;
  MeasureView after = in.after;
  auto prev = plan.measures.find(after.id);
  if (prev != plan.measures.end()) after.completed = prev->second.completed;
  plan.measures[after.id] = after;
  changes->plans.push_back(plan);
  const std::string resource = MeasureResource(in.plan_id, after.id);
  const std::vector<std::string> new_owners = OwnersOf(after);
  if (!in.before.has_value()) return;  // a new measure: nobody was its owner before
  std::vector<std::string> owners = OwnersOf(*in.before);
  const bool reassigned = owners != new_owners;
  for (const std::string& o : new_owners) {
    if (std::find(owners.begin(), owners.end(), o) == owners.end()) owners.push_back(o);
  }
  if (reassigned) {
    for (const Rule* rule : RulesOf(Kind::kMeasureReassigned)) {
      for (const std::string& org : owners) {
        EmitForEvent(in, rule, org,
                     {resource, absl::StrCat("工作措施责任单位调整：", after.title), "",
                      "the measure's lead or responsible organizations changed", ""},
                     changes);
      }
    }
  }
  if (in.before->due == after.due) return;
  const std::string due = after.due.has_value() ? DayText(*after.due) : "无";
  for (const Rule* rule : RulesOf(Kind::kMeasureDeadlineChanged)) {
    for (const std::string& org : owners) {
      EmitForEvent(in, rule, org,
                   {resource, absl::StrCat("工作措施完成时限调整为", due, "：", after.title), "",
                    "the registry corrected the measure's deadline", due},
                   changes);
    }
  }
}

void Notifier::IntakeReportSubmitted(const UpstreamInput& in, Changes* changes) {
  changes->submissions.push_back(
      internal::SubmissionKey(in.plan_id, in.organization_id, in.period));
  RecordMetCheckpoints(in.plan_id, in.organization_id, in.period, in.met_checkpoints, changes);
}

void Notifier::RecordMetCheckpoints(const std::string& plan_id, const std::string& org,
                                    const std::string& period,
                                    const std::vector<MetCheckpoint>& stated, Changes* changes) {
  std::set<std::string> now;
  for (const MetCheckpoint& m : stated) {
    now.insert(internal::MetStatementKey(plan_id, m.measure_id, m.due, org, period));
  }
  // What the report stated before: the keys of this plan ending in "|org|period".
  const std::string plan_prefix = absl::StrCat(plan_id, "|");
  const std::string report_suffix = absl::StrCat("|", org, "|", period);
  for (auto it = state_.met_statements.lower_bound(plan_prefix);
       it != state_.met_statements.end() && absl::StartsWith(*it, plan_prefix); ++it) {
    if (!absl::EndsWith(*it, report_suffix)) continue;
    if (now.erase(*it) == 0) changes->deleted_met_statements.push_back(*it);
  }
  for (const std::string& key : now) changes->met_statements.push_back(key);
}

bool Notifier::CheckpointStatedMet(const std::string& plan_id, const std::string& measure_id,
                                   absl::CivilDay due) const {
  const std::string prefix = internal::MetOccurrencePrefix(plan_id, measure_id, due);
  auto it = state_.met_statements.lower_bound(prefix);
  return it != state_.met_statements.end() && absl::StartsWith(*it, prefix);
}

void Notifier::IntakeReportReturned(const UpstreamInput& in, Changes* changes) {
  // A returned report states nothing until it is resubmitted.
  RecordMetCheckpoints(in.plan_id, in.organization_id, in.period, {}, changes);
  const std::string resource =
      in.resource.empty() ? internal::ReportResource(in.plan_id, in.organization_id, in.period)
                          : in.resource;
  for (const Rule* rule : RulesOf(Kind::kReportReturned)) {
    EmitForEvent(in, rule, in.organization_id,
                 {resource,
                  absl::StrCat(in.period, " ", ReportNameOf(in.period), "被退回，请修改后重新报送"),
                  in.comment, "the bureau returned the report", in.period},
                 changes);
  }
}

void Notifier::IntakeExtensionApproved(const UpstreamInput& in, Changes* changes) {
  auto plan_it = state_.plans.find(in.plan_id);
  if (plan_it == state_.plans.end()) return;
  PlanView plan = plan_it->second;
  auto m = plan.measures.find(in.measure_id);
  if (m == plan.measures.end()) return;
  m->second.due = in.new_due;
  changes->plans.push_back(plan);
  for (const Rule* rule : RulesOf(Kind::kMeasureDeadlineChanged)) {
    for (const std::string& org : OwnersOf(m->second)) {
      EmitForEvent(in, rule, org,
                   {MeasureResource(in.plan_id, in.measure_id),
                    absl::StrCat("延期申请已批准，完成时限调整为", DayText(in.new_due), "：",
                                 m->second.title),
                    "", "the bureau approved an extension", DayText(in.new_due)},
                   changes);
    }
  }
}

void Notifier::IntakeCompletionConfirmed(const UpstreamInput& in, Changes* changes) {
  auto plan_it = state_.plans.find(in.plan_id);
  if (plan_it == state_.plans.end()) return;
  PlanView plan = plan_it->second;
  auto m = plan.measures.find(in.measure_id);
  if (m == plan.measures.end()) return;
  m->second.completed = true;
  changes->plans.push_back(plan);
}

void Notifier::IntakeCalendarChanged(const UpstreamInput& in, Changes* changes) {
  // The progress stream may run ahead of the registry's: a calendar of a
  // plan not imported here yet waits in a view without a year (the
  // schedule skips it) that PlanImported fills in, keeping the calendar.
  PlanView plan;
  auto plan_it = state_.plans.find(in.plan_id);
  if (plan_it != state_.plans.end()) {
    plan = plan_it->second;
  } else {
    plan.plan_id = in.plan_id;
  }
  plan.calendar = in.calendar;
  changes->plans.push_back(plan);
}

}  // namespace ecoplan::notification
