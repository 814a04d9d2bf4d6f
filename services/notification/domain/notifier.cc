#include "services/notification/domain/notifier.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/schedule.h"
#include "services/notification/domain/webhook_signature.h"

namespace ecoplan::notification {
namespace {

constexpr int kMaxListItems = 20;
constexpr size_t kMaxUrlLength = 2000;
constexpr size_t kMaxDescription = 500;

bool ValidId(absl::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-')) return false;
  }
  return true;
}

std::string ReportResource(absl::string_view plan, absl::string_view org,
                           absl::string_view period) {
  return absl::StrCat("plans/", plan, "/reports/", org, "_", period);
}

std::string MeasureResource(absl::string_view plan, absl::string_view measure) {
  return absl::StrCat("plans/", plan, "/measures/", measure);
}

std::string SubmissionKey(absl::string_view plan, absl::string_view org, absl::string_view period) {
  return absl::StrCat(plan, "|", org, "|", period);
}

std::vector<std::string> OwnersOf(const MeasureView& m) {
  std::vector<std::string> owners = m.lead_organizations;
  for (const std::string& o : m.responsible_organizations) {
    if (std::find(owners.begin(), owners.end(), o) == owners.end()) owners.push_back(o);
  }
  return owners;
}

// "月报", "季度总结", … from a period's text ("2026-05", "2026-Q1", "2026-H1", "2026").
const char* ReportNameOf(absl::string_view period) {
  if (period.size() == 4) return "年度总结";
  if (period.size() == 7 && (period[5] == 'Q' || period[5] == 'q')) return "季度总结";
  if (period.size() == 7 && (period[5] == 'H' || period[5] == 'h')) return "半年总结";
  return "月报";
}

common::WorkingDays WorkingDaysOf(const std::map<int, HolidayYear>& years) {
  std::vector<HolidayYear> list;
  for (const auto& [year, days] : years) list.push_back(days);
  return common::WorkingDays(std::move(list));
}

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

bool Caller::MayActFor(absl::string_view organization) const {
  return role != Role::kReporter || organization_id == organization;
}

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
  };
}

Notifier::Notifier(NotificationStore* store, const common::Clock* clock,
                   const UrlChecker* url_checker, NotifierOptions options)
    : store_(store), clock_(clock), url_checker_(url_checker), options_(std::move(options)) {}

absl::Status Notifier::Load() {
  ECOPLAN_ASSIGN_OR_RETURN(LoadedState loaded, store_->Load());
  absl::MutexLock lock(&mu_);
  state_ = std::move(loaded);
  pending_.clear();
  for (const Delivery& d : state_.pending_deliveries) ++pending_[d.subscription_id];
  if (state_.rules.empty() && options_.install_default_rules) {
    Changes changes;
    for (Rule rule : DefaultRules()) {
      rule.update_time = Now();
      changes.rules.push_back(rule);
    }
    ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  }
  return absl::OkStatus();
}

void Notifier::SetDeliverySink(DeliverySink* sink) {
  absl::MutexLock lock(&mu_);
  sink_ = sink;
}

std::vector<Delivery> Notifier::PendingDeliveries() const {
  absl::MutexLock lock(&mu_);
  return state_.pending_deliveries;
}

absl::CivilDay Notifier::Today(const std::string& time_zone) const {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone(time_zone.empty() ? options_.time_zone : time_zone, &tz)) {
    absl::LoadTimeZone(options_.time_zone, &tz);
  }
  return absl::ToCivilDay(Now(), tz);
}

std::vector<const Rule*> Notifier::RulesOf(Kind kind) const {
  std::vector<const Rule*> out;
  for (const auto& [id, rule] : state_.rules) {
    if (rule.kind == kind && rule.enabled) out.push_back(&rule);
  }
  return out;
}

std::string Notifier::OrgName(const std::string& plan_id, const std::string& org,
                              const Changes* pending) const {
  // A plan imported by the batch being built is not in state_ yet.
  if (pending != nullptr) {
    for (auto p = pending->plans.rbegin(); p != pending->plans.rend(); ++p) {
      if (p->plan_id != plan_id) continue;
      auto name = p->organization_names.find(org);
      if (name != p->organization_names.end()) return name->second;
    }
  }
  auto plan = state_.plans.find(plan_id);
  if (plan != state_.plans.end()) {
    auto name = plan->second.organization_names.find(org);
    if (name != plan->second.organization_names.end()) return name->second;
  }
  for (const auto& [id, p] : state_.plans) {
    auto name = p.organization_names.find(org);
    if (name != p.organization_names.end()) return name->second;
  }
  return org;
}

void Notifier::AddNotification(Notification n, const std::string& key, Changes* changes) {
  if (changes->next_notification_number == 0) {
    changes->next_notification_number = state_.next_notification_number;
  }
  n.number = changes->next_notification_number++;
  n.create_time = Now();
  auto contacts = state_.contacts.find(n.recipient);
  if (contacts != state_.contacts.end()) {
    for (const Contact& c : contacts->second.contacts) {
      if (c.level == n.level) n.contacts.push_back(c);
    }
  }
  if (!key.empty()) {
    changes->dedup_keys[key] = n.number;
    reserved_keys_.insert(key);
  }
  for (const auto& [id, sub] : state_.subscriptions) {
    if (!Matches(sub, n)) continue;
    if (changes->next_delivery_number == 0) {
      changes->next_delivery_number = state_.next_delivery_number;
    }
    Delivery d;
    d.subscription_id = id;
    d.number = changes->next_delivery_number++;
    d.notification_number = n.number;
    d.webhook_id = absl::StrCat("msg_", NotificationId(n.number));
    d.create_time = n.create_time;
    d.next_attempt_time = n.create_time;
    changes->deliveries.push_back(std::move(d));
  }
  ChangeEvent event;
  event.type = ChangeEvent::Type::kNotificationCreated;
  event.notification_number = n.number;
  changes->events.push_back(event);
  changes->notifications.push_back(std::move(n));
}

void Notifier::Emit(const Candidate& c, Changes* changes) {
  const Rule& rule = *c.rule;
  if (!rule.enabled) return;
  const absl::Time now = Now();
  if (rule.muted_until.has_value() && *rule.muted_until > now) return;
  auto org_mute = rule.organization_mutes.find(c.recipient);
  if (org_mute != rule.organization_mutes.end() && org_mute->second > now &&
      !IsCriticalKind(rule.kind)) {
    return;
  }
  if (!c.key.empty() && (state_.dedup_keys.count(c.key) > 0 || reserved_keys_.count(c.key) > 0)) {
    return;
  }
  if (rule.digest_window > absl::ZeroDuration()) {
    const std::string dkey = DigestKey(c.recipient, rule.id);
    DigestBucket* bucket = nullptr;
    for (DigestBucket& b : changes->digests) {
      if (DigestKey(b.recipient, b.rule_id) == dkey) bucket = &b;
    }
    if (bucket == nullptr) {
      auto existing = state_.digests.find(dkey);
      if (existing != state_.digests.end()) {
        changes->digests.push_back(existing->second);
      } else {
        DigestBucket fresh;
        fresh.recipient = c.recipient;
        fresh.rule_id = rule.id;
        fresh.plan_id = c.plan_id;
        fresh.window_start = now;
        changes->digests.push_back(fresh);
      }
      bucket = &changes->digests.back();
    }
    bucket->items.push_back(DigestItem{c.resource, c.title, rule.kind});
    if (!c.key.empty()) {
      changes->dedup_keys[c.key] = 0;
      reserved_keys_.insert(c.key);
    }
    return;
  }
  Notification n;
  n.kind = rule.kind;
  n.severity = rule.severity;
  n.recipient = c.recipient;
  n.recipient_display_name = OrgName(c.plan_id, c.recipient, changes);
  n.level = c.level;
  n.plan_id = c.plan_id;
  n.resource = c.resource;
  n.title = c.title;
  n.body = c.body;
  n.rule_id = rule.id;
  n.event = c.event_ref;
  if (c.event_ref.empty()) n.schedule_key = c.key;
  n.explanation = c.explanation;
  n.period = c.period;
  n.escalation_key = c.escalation_key;
  AddNotification(std::move(n), c.key, changes);
}

absl::Status Notifier::CommitAndApply(Changes& changes) {
  if (changes.empty()) {
    reserved_keys_.clear();
    return absl::OkStatus();
  }
  absl::Status status = store_->Commit(changes);
  if (status.ok()) Apply(changes);
  reserved_keys_.clear();
  return status;
}

void Notifier::Apply(const Changes& changes) {
  for (const auto& [key, number] : changes.dedup_keys) state_.dedup_keys.insert(key);
  for (const Rule& r : changes.rules) state_.rules[r.id] = r;
  for (const std::string& id : changes.deleted_rules) state_.rules.erase(id);
  for (const Subscription& s : changes.subscriptions) {
    state_.subscriptions[s.id] = s;
    if (!s.request_id.empty()) state_.request_ids[s.request_id] = s.id;
    if (sink_ != nullptr) sink_->SubscriptionUpdated(s);
  }
  for (const std::string& id : changes.deleted_subscriptions) {
    state_.subscriptions.erase(id);
    pending_.erase(id);
    if (sink_ != nullptr) sink_->SubscriptionDeleted(id);
  }
  std::vector<Delivery> queued;
  for (const Delivery& d : changes.deliveries) {
    if (d.state == DeliveryState::kPending && d.attempt_count == 0) {
      ++pending_[d.subscription_id];
      queued.push_back(d);
    }
  }
  for (const OrgContacts& c : changes.contacts) state_.contacts[c.organization_id] = c;
  for (const PlanView& p : changes.plans) state_.plans[p.plan_id] = p;
  for (const HolidayYear& h : changes.holidays) state_.holidays[h.year] = h;
  for (const std::string& s : changes.submissions) state_.submissions.insert(s);
  for (const Escalation& e : changes.escalations) state_.escalations[e.key] = e;
  for (const std::string& k : changes.deleted_escalations) state_.escalations.erase(k);
  for (const std::string& k : changes.deleted_digests) state_.digests.erase(k);
  for (const DigestBucket& b : changes.digests)
    state_.digests[DigestKey(b.recipient, b.rule_id)] = b;
  for (const auto& [consumer, seq] : changes.stream_consumers)
    state_.stream_consumers[consumer] = seq;
  for (const auto& [req, id] : changes.request_ids) state_.request_ids[req] = id;
  if (changes.next_notification_number != 0) {
    state_.next_notification_number = changes.next_notification_number;
  }
  if (changes.next_delivery_number != 0) state_.next_delivery_number = changes.next_delivery_number;
  if (changes.next_subscription_number != 0) {
    state_.next_subscription_number = changes.next_subscription_number;
  }
  for (const ChangeEvent& e : changes.events) {
    if (e.type == ChangeEvent::Type::kNotificationCreated) ++created_;
  }
  if (sink_ != nullptr && !queued.empty()) sink_->DeliveriesQueued(queued);
}

// ---------------------------------------------------------------------------
// Upstream events

absl::StatusOr<Changes> Notifier::BeginUpstream(const UpstreamInput& in) {
  mu_.Lock();
  Changes changes;
  auto candidate = [&](const Rule* rule, const std::string& recipient, std::string resource,
                       std::string title, std::string body, std::string explanation,
                       std::string period) {
    Candidate c;
    c.rule = rule;
    c.recipient = recipient;
    c.plan_id = in.plan_id;
    c.resource = std::move(resource);
    c.title = std::move(title);
    c.body = std::move(body);
    c.explanation = std::move(explanation);
    c.period = std::move(period);
    c.event_ref = in.event_ref;
    c.key = absl::StrCat("ev|", in.event_ref, "|", rule->id, "|", recipient);
    Emit(c, &changes);
  };
  switch (in.type) {
    case UpstreamInput::Type::kIgnored:
      break;
    case UpstreamInput::Type::kPlanImported: {
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
      changes.plans.push_back(plan);
      if (!plan.bureau_organization.empty()) {
        for (const Rule* rule : RulesOf(Kind::kPlanImported)) {
          candidate(rule, plan.bureau_organization, absl::StrCat("plans/", plan.plan_id),
                    absl::StrCat("新行动计划已导入：", plan.title),
                    absl::StrCat(plan.measures.size(), " 项工作措施"),
                    "the registry imported a plan", "");
        }
      }
      break;
    }
    case UpstreamInput::Type::kMeasureChanged: {
      auto plan_it = state_.plans.find(in.plan_id);
      if (plan_it == state_.plans.end()) break;
      PlanView plan = plan_it->second;
      MeasureView after = in.after;
      auto prev = plan.measures.find(after.id);
      if (prev != plan.measures.end()) after.completed = prev->second.completed;
      plan.measures[after.id] = after;
      changes.plans.push_back(plan);
      const std::string resource = MeasureResource(in.plan_id, after.id);
      const std::vector<std::string> new_owners = OwnersOf(after);
      if (!in.before.has_value()) {
        for (const Rule* rule : RulesOf(Kind::kMeasureReassigned)) {
          for (const std::string& org : new_owners) {
            candidate(rule, org, resource, absl::StrCat("新的督办任务：", after.title), "",
                      "a supervision task was assigned to the organization", "");
          }
        }
        break;
      }
      std::vector<std::string> owners = OwnersOf(*in.before);
      const bool reassigned = owners != new_owners;
      for (const std::string& o : new_owners) {
        if (std::find(owners.begin(), owners.end(), o) == owners.end()) owners.push_back(o);
      }
      if (reassigned) {
        for (const Rule* rule : RulesOf(Kind::kMeasureReassigned)) {
          for (const std::string& org : owners) {
            candidate(rule, org, resource, absl::StrCat("工作措施责任单位调整：", after.title), "",
                      "the measure's lead or responsible organizations changed", "");
          }
        }
      }
      if (in.before->due != after.due) {
        const std::string due = after.due.has_value() ? DayText(*after.due) : "无";
        for (const Rule* rule : RulesOf(Kind::kMeasureDeadlineChanged)) {
          for (const std::string& org : owners) {
            candidate(rule, org, resource,
                      absl::StrCat("工作措施完成时限调整为", due, "：", after.title), "",
                      "the registry corrected the measure's deadline", due);
          }
        }
      }
      break;
    }
    case UpstreamInput::Type::kReportSubmitted:
      changes.submissions.push_back(SubmissionKey(in.plan_id, in.organization_id, in.period));
      break;
    case UpstreamInput::Type::kReportReturned:
      for (const Rule* rule : RulesOf(Kind::kReportReturned)) {
        candidate(rule, in.organization_id,
                  in.resource.empty() ? ReportResource(in.plan_id, in.organization_id, in.period)
                                      : in.resource,
                  absl::StrCat(in.period, " ", ReportNameOf(in.period), "被退回，请修改后重新报送"),
                  in.comment, "the bureau returned the report", in.period);
      }
      break;
    case UpstreamInput::Type::kExtensionApproved: {
      auto plan_it = state_.plans.find(in.plan_id);
      if (plan_it == state_.plans.end()) break;
      PlanView plan = plan_it->second;
      auto m = plan.measures.find(in.measure_id);
      if (m == plan.measures.end()) break;
      m->second.due = in.new_due;
      changes.plans.push_back(plan);
      for (const Rule* rule : RulesOf(Kind::kMeasureDeadlineChanged)) {
        for (const std::string& org : OwnersOf(m->second)) {
          candidate(rule, org, MeasureResource(in.plan_id, in.measure_id),
                    absl::StrCat("延期申请已批准，完成时限调整为", DayText(in.new_due), "：",
                                 m->second.title),
                    "", "the bureau approved an extension", DayText(in.new_due));
        }
      }
      break;
    }
    case UpstreamInput::Type::kCompletionConfirmed: {
      auto plan_it = state_.plans.find(in.plan_id);
      if (plan_it == state_.plans.end()) break;
      PlanView plan = plan_it->second;
      auto m = plan.measures.find(in.measure_id);
      if (m == plan.measures.end()) break;
      m->second.completed = true;
      changes.plans.push_back(plan);
      break;
    }
    case UpstreamInput::Type::kCalendarChanged: {
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
      changes.plans.push_back(plan);
      break;
    }
    case UpstreamInput::Type::kHolidaysLoaded:
      changes.holidays.push_back(in.holidays);
      break;
    case UpstreamInput::Type::kIndicatorStatus: {
      std::vector<std::string> recipients = in.indicator_owners;
      auto plan_it = state_.plans.find(in.plan_id);
      if (plan_it != state_.plans.end() && !plan_it->second.bureau_organization.empty()) {
        recipients.insert(recipients.begin(), plan_it->second.bureau_organization);
      }
      for (const Rule* rule : RulesOf(in.indicator_kind)) {
        for (const std::string& org : recipients) {
          candidate(rule, org, in.resource, absl::StrCat("指标状态变化：", in.indicator_title), "",
                    "the indicator evaluation changed the indicator's status", "");
        }
      }
      break;
    }
  }
  return changes;
}

void Notifier::FinishUpstream(const Changes& changes, bool committed) {
  if (committed) Apply(changes);
  reserved_keys_.clear();
  mu_.Unlock();
}

// ---------------------------------------------------------------------------
// Schedule

void Notifier::ScheduleReports(const PlanView& plan, absl::CivilDay today, Changes* changes) {
  if (plan.year == 0) return;  // a calendar waiting for its plan
  std::set<std::string> owners;
  for (const auto& [id, m] : plan.measures) {
    for (const std::string& o : OwnersOf(m)) owners.insert(o);
  }
  const std::vector<const Rule*> due_soon = RulesOf(Kind::kReportDueSoon);
  const std::vector<const Rule*> overdue = RulesOf(Kind::kReportOverdue);
  const common::WorkingDays days = WorkingDaysOf(state_.holidays);
  absl::TimeZone zone = absl::UTCTimeZone();  // only due days are used here
  // Months, and the quarterly, half-year and annual summaries the calendar
  // asks for, owed from the plan's issue date (common::OwedDuesOfYear); each
  // (rule, report, period) is keyed, so a period is reminded once whatever
  // the order of runs and restarts.
  for (const common::PeriodDueDay& owed :
       common::OwedDuesOfYear(plan.calendar, plan.year, days, zone, plan.issue_date)) {
    const common::Period& p = owed.period;
    if (absl::CivilDay(p.FirstMonth()) > today) continue;
    const absl::CivilDay due = owed.due_day;
    const std::string period = p.ToString();
    const char* report_name = p.ReportName();
    for (const std::string& org : owners) {
      if (state_.submissions.count(SubmissionKey(plan.plan_id, org, period)) > 0) continue;
      const std::string resource = ReportResource(plan.plan_id, org, period);
      for (const Rule* rule : due_soon) {
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
        c.explanation =
            absl::StrCat(period, " report due on ", DayText(due), ", not submitted; rule ",
                         rule->id, " reminds ", lead, " days ahead");
        Emit(c, changes);
      }
      if (today <= due) continue;
      for (const Rule* rule : overdue) {
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
        const bool is_new = state_.dedup_keys.count(c.key) == 0 && reserved_keys_.count(c.key) == 0;
        Emit(c, changes);
        if (is_new && reserved_keys_.count(c.key) > 0 && state_.escalations.count(c.key) == 0) {
          Escalation e;
          e.key = c.key;
          e.rule_id = rule->id;
          e.kind = rule->kind;
          e.plan_id = plan.plan_id;
          e.organization_id = org;
          e.resource = resource;
          e.period = period;
          e.title = c.title;
          e.level_since = today;
          changes->escalations.push_back(e);
        }
      }
    }
  }
}

void Notifier::ScheduleMeasures(const PlanView& plan, absl::CivilDay today, Changes* changes) {
  const std::vector<const Rule*> approaching = RulesOf(Kind::kMeasureDeadlineApproaching);
  const std::vector<const Rule*> overdue = RulesOf(Kind::kMeasureOverdue);
  for (const auto& [id, m] : plan.measures) {
    if (!m.due.has_value() || m.completed) continue;
    const absl::CivilDay due = *m.due;
    const std::string resource = MeasureResource(plan.plan_id, id);
    const std::vector<std::string> owners = OwnersOf(m);
    for (const Rule* rule : approaching) {
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
    if (today <= due) continue;
    for (const Rule* rule : overdue) {
      for (const std::string& org : owners) {
        Candidate c;
        c.rule = rule;
        c.key = ScheduleKey(rule->id, resource, DayText(due), org);
        c.recipient = org;
        c.plan_id = plan.plan_id;
        c.resource = resource;
        c.period = DayText(due);
        c.title = absl::StrCat("工作措施已超过完成时限（", DayText(due), "）：", m.title);
        c.explanation = absl::StrCat("measure deadline ", DayText(due),
                                     " passed without a confirmed completion");
        c.escalation_key = c.key;
        const bool is_new = state_.dedup_keys.count(c.key) == 0 && reserved_keys_.count(c.key) == 0;
        Emit(c, changes);
        if (is_new && reserved_keys_.count(c.key) > 0 && state_.escalations.count(c.key) == 0) {
          Escalation e;
          e.key = c.key;
          e.rule_id = rule->id;
          e.kind = rule->kind;
          e.plan_id = plan.plan_id;
          e.organization_id = org;
          e.resource = resource;
          e.period = id;
          e.title = c.title;
          e.level_since = today;
          changes->escalations.push_back(e);
        }
      }
    }
  }
}

void Notifier::Escalate(absl::CivilDay today, Changes* changes) {
  // Grace periods count working days: holidays off, make-up days on.
  const common::WorkingDays days = WorkingDaysOf(state_.holidays);
  for (const auto& [key, e] : state_.escalations) {
    bool resolved = false;
    auto plan = state_.plans.find(e.plan_id);
    if (plan == state_.plans.end()) {
      resolved = true;
    } else if (e.kind == Kind::kReportOverdue) {
      resolved =
          state_.submissions.count(SubmissionKey(e.plan_id, e.organization_id, e.period)) > 0;
    } else {
      auto m = plan->second.measures.find(e.period);
      resolved = m == plan->second.measures.end() || m->second.completed ||
                 !m->second.due.has_value() || *m->second.due >= today;
    }
    if (resolved) {
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
    c.period = e.period;
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

const Escalation* Notifier::FindEscalation(const std::string& key, const Changes& changes) const {
  for (const Escalation& e : changes.escalations) {
    if (e.key == key) return &e;
  }
  auto it = state_.escalations.find(key);
  return it == state_.escalations.end() ? nullptr : &it->second;
}

absl::StatusOr<int> Notifier::RunSchedule() {
  absl::MutexLock lock(&mu_);
  Changes changes;
  // Digests first, so that a bucket filled by this run waits for its window.
  FlushDigests(&changes);
  for (const auto& [id, plan] : state_.plans) {
    if (plan.year == 0) continue;  // a calendar waiting for its plan
    const absl::CivilDay today = Today(plan.time_zone);
    ScheduleReports(plan, today, &changes);
    ScheduleMeasures(plan, today, &changes);
  }
  Escalate(Today(options_.time_zone), &changes);
  const int created = static_cast<int>(changes.notifications.size());
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return created;
}

// ---------------------------------------------------------------------------
// Inbox

absl::StatusOr<InboxPage> Notifier::ListInbox(const Caller& caller,
                                              const std::string& organization_id, bool unread_only,
                                              Kind kind, int page_size,
                                              const std::string& page_token) {
  if (!caller.MayActFor(organization_id)) {
    return absl::PermissionDeniedError(absl::StrCat(
        "a reporter of ", caller.organization_id, " may not read the inbox of ", organization_id));
  }
  if (page_size < 0 || page_size > 500) {
    return absl::InvalidArgumentError("page_size must be 0..500");
  }
  return store_->ListInbox(organization_id, unread_only, kind, page_size == 0 ? 50 : page_size,
                           page_token);
}

absl::StatusOr<Notification> Notifier::GetNotification(const Caller& caller, uint64_t number) {
  ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
  if (!caller.MayActFor(n.recipient)) {
    return absl::PermissionDeniedError("the notification belongs to another organization");
  }
  return n;
}

absl::StatusOr<Notification> Notifier::MarkRead(const Caller& caller, uint64_t number) {
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
  if (!caller.MayActFor(n.recipient)) {
    return absl::PermissionDeniedError("the notification belongs to another organization");
  }
  if (n.read_time.has_value()) return n;
  n.read_time = Now();
  Changes changes;
  changes.notifications.push_back(n);
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return n;
}

absl::StatusOr<Notification> Notifier::Acknowledge(const Caller& caller, uint64_t number) {
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(Notification n, store_->GetNotification(number));
  if (!caller.MayActFor(n.recipient)) {
    return absl::PermissionDeniedError("the notification belongs to another organization");
  }
  if (n.acknowledge_time.has_value()) return n;
  n.acknowledge_time = Now();
  if (!n.read_time.has_value()) n.read_time = n.acknowledge_time;
  n.acknowledged_by = caller.subject;
  Changes changes;
  changes.notifications.push_back(n);
  if (!n.escalation_key.empty()) {
    auto e = state_.escalations.find(n.escalation_key);
    if (e != state_.escalations.end()) {
      Escalation acked = e->second;
      acked.acknowledged = true;
      changes.escalations.push_back(acked);
    }
  }
  ChangeEvent event;
  event.type = ChangeEvent::Type::kNotificationAcknowledged;
  event.notification_number = n.number;
  changes.events.push_back(event);
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return n;
}

// ---------------------------------------------------------------------------
// Rules

namespace {

absl::Status ValidateRule(const Rule& r) {
  if (!ValidId(r.id)) {
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
  if (r.digest_window < absl::ZeroDuration() || r.digest_window > absl::Hours(24 * 7)) {
    return absl::InvalidArgumentError("rule.digest_window must be 0..7 days");
  }
  if (r.description.size() > kMaxDescription) {
    return absl::InvalidArgumentError("rule.description: at most 500 bytes");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<std::string>> Notifier::RetriedRequest(const std::string& request_id,
                                                                    absl::string_view kind) const {
  if (request_id.size() > 64)
    return absl::InvalidArgumentError("request_id: at most 64 characters");
  if (request_id.empty()) return std::optional<std::string>();
  auto it = state_.request_ids.find(request_id);
  if (it == state_.request_ids.end()) return std::optional<std::string>();
  // Records are "<kind>:<resource>"; CreateSubscription's are a bare subscription id.
  absl::string_view record = it->second;
  if (!absl::ConsumePrefix(&record, absl::StrCat(kind, ":"))) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id ", request_id, " was used for another kind of request"));
  }
  return std::optional<std::string>(std::string(record));
}

absl::StatusOr<Rule> Notifier::CreateRule(const Rule& input, const std::string& request_id) {
  ECOPLAN_RETURN_IF_ERROR(ValidateRule(input));
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<std::string> retried, RetriedRequest(request_id, "rule"));
  if (retried.has_value()) {
    if (*retried != input.id) {
      return absl::InvalidArgumentError(
          absl::StrCat("request_id ", request_id, " was used for rules/", *retried));
    }
    auto done = state_.rules.find(*retried);
    if (done == state_.rules.end()) {
      return absl::FailedPreconditionError("request_id was used for a rule since deleted");
    }
    return done->second;
  }
  if (state_.rules.count(input.id) > 0) {
    return absl::AlreadyExistsError(absl::StrCat("rules/", input.id, " exists"));
  }
  Rule rule = input;
  rule.revision = 1;
  rule.muted_until.reset();
  rule.organization_mutes.clear();
  rule.update_time = Now();
  Changes changes;
  changes.rules.push_back(rule);
  if (!request_id.empty()) changes.request_ids[request_id] = absl::StrCat("rule:", rule.id);
  ChangeEvent event{ChangeEvent::Type::kRuleChanged, 0, rule.id, "", false};
  changes.events.push_back(event);
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return rule;
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

absl::StatusOr<Rule> Notifier::UpdateRule(const Rule& input, const std::string& etag) {
  ECOPLAN_RETURN_IF_ERROR(ValidateRule(input));
  absl::MutexLock lock(&mu_);
  auto it = state_.rules.find(input.id);
  if (it == state_.rules.end()) {
    return absl::NotFoundError(absl::StrCat("rules/", input.id, " not found"));
  }
  if (etag != RuleEtag(it->second)) {
    return absl::AbortedError(
        absl::StrCat("stale etag for rules/", input.id, ": current is ", RuleEtag(it->second)));
  }
  Rule rule = input;
  rule.muted_until = it->second.muted_until;
  rule.organization_mutes = it->second.organization_mutes;
  rule.revision = it->second.revision + 1;
  rule.update_time = Now();
  Changes changes;
  changes.rules.push_back(rule);
  changes.events.push_back(ChangeEvent{ChangeEvent::Type::kRuleChanged, 0, rule.id, "", false});
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return rule;
}

absl::Status Notifier::DeleteRule(const std::string& id, const std::string& etag) {
  absl::MutexLock lock(&mu_);
  auto it = state_.rules.find(id);
  if (it == state_.rules.end())
    return absl::NotFoundError(absl::StrCat("rules/", id, " not found"));
  if (etag != RuleEtag(it->second)) {
    return absl::AbortedError(absl::StrCat("stale etag for rules/", id));
  }
  Changes changes;
  changes.deleted_rules.push_back(id);
  changes.events.push_back(ChangeEvent{ChangeEvent::Type::kRuleChanged, 0, id, "", true});
  return CommitAndApply(changes);
}

absl::StatusOr<Rule> Notifier::MuteRule(const Caller& caller, const std::string& id,
                                        std::optional<absl::Time> until,
                                        const std::string& organization_id,
                                        const std::string& etag) {
  absl::MutexLock lock(&mu_);
  auto it = state_.rules.find(id);
  if (it == state_.rules.end())
    return absl::NotFoundError(absl::StrCat("rules/", id, " not found"));
  if (!etag.empty() && etag != RuleEtag(it->second)) {
    return absl::AbortedError(absl::StrCat("stale etag for rules/", id));
  }
  Rule rule = it->second;
  const bool unmute = !until.has_value() || *until <= Now();
  if (organization_id.empty()) {
    if (caller.role != Caller::Role::kAdministrator) {
      return absl::PermissionDeniedError(
          "only the bureau (administrator) mutes a rule for everyone");
    }
    if (unmute)
      rule.muted_until.reset();
    else
      rule.muted_until = until;
  } else {
    if (!caller.MayActFor(organization_id)) {
      return absl::PermissionDeniedError(absl::StrCat("a reporter of ", caller.organization_id,
                                                      " may not mute for ", organization_id));
    }
    if (IsCriticalKind(rule.kind) && !unmute) {
      return absl::FailedPreconditionError(absl::StrCat(
          "rules/", id, " is critical (", KindName(rule.kind), "): a recipient cannot mute it"));
    }
    if (unmute)
      rule.organization_mutes.erase(organization_id);
    else
      rule.organization_mutes[organization_id] = *until;
  }
  ++rule.revision;
  rule.update_time = Now();
  Changes changes;
  changes.rules.push_back(rule);
  changes.events.push_back(ChangeEvent{ChangeEvent::Type::kRuleChanged, 0, rule.id, "", false});
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return rule;
}

// ---------------------------------------------------------------------------
// Contacts

absl::StatusOr<OrgContacts> Notifier::SetContacts(const std::string& organization_id,
                                                  const std::vector<Contact>& contacts,
                                                  const std::string& etag) {
  if (organization_id.empty() || organization_id.size() > 64) {
    return absl::InvalidArgumentError("organization must be organizations/{id}");
  }
  if (contacts.size() > 20) return absl::InvalidArgumentError("contacts: at most 20");
  for (size_t i = 0; i < contacts.size(); ++i) {
    const Contact& c = contacts[i];
    const int level = static_cast<int>(c.level);
    if (level < 1 || level > 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("contacts[", i, "].level must be LIAISON, DEPUTY_HEAD or HEAD"));
    }
    if (c.display_name.empty() || c.display_name.size() > 64 * 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("contacts[", i, "].display_name: 1..64 characters"));
    }
    if (c.address.size() > 128 * 4) {
      return absl::InvalidArgumentError(
          absl::StrCat("contacts[", i, "].address: at most 128 characters"));
    }
  }
  absl::MutexLock lock(&mu_);
  OrgContacts current;
  current.organization_id = organization_id;
  auto it = state_.contacts.find(organization_id);
  if (it != state_.contacts.end()) current = it->second;
  const std::string current_etag = absl::StrCat("c", current.revision);
  if (current.revision > 0 && etag != current_etag) {
    return absl::AbortedError(absl::StrCat("stale etag for the contacts of ", organization_id));
  }
  current.contacts = contacts;
  ++current.revision;
  Changes changes;
  changes.contacts.push_back(current);
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return current;
}

OrgContacts Notifier::GetContacts(const std::string& organization_id) const {
  absl::MutexLock lock(&mu_);
  auto it = state_.contacts.find(organization_id);
  if (it != state_.contacts.end()) return it->second;
  OrgContacts none;
  none.organization_id = organization_id;
  return none;
}

// ---------------------------------------------------------------------------
// Subscriptions

absl::Status Notifier::ValidateSubscription(const Subscription& s) const {
  if (s.url.empty() || s.url.size() > kMaxUrlLength) {
    return absl::InvalidArgumentError("subscription.url: 1..2000 characters");
  }
  const std::string lower = absl::AsciiStrToLower(s.url);
  size_t rest = 0;
  if (absl::StartsWith(lower, "http://")) {
    rest = 7;
  } else if (absl::StartsWith(lower, "https://")) {
    rest = 8;
  } else {
    return absl::InvalidArgumentError("subscription.url must be an http:// or https:// URL");
  }
  const std::string authority = lower.substr(rest, lower.find_first_of("/?#", rest) - rest);
  if (authority.empty()) return absl::InvalidArgumentError("subscription.url has no host");
  if (authority.find('@') != std::string::npos) {
    return absl::InvalidArgumentError("subscription.url must not carry credentials (user@host)");
  }
  for (char c : s.url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("subscription.url contains spaces or control characters");
    }
  }
  if (s.description.size() > kMaxDescription) {
    return absl::InvalidArgumentError("subscription.description: at most 500 bytes");
  }
  if (s.kinds.size() > kMaxListItems || s.plans.size() > kMaxListItems ||
      s.organizations.size() > 200 || s.severities.size() > 3) {
    return absl::InvalidArgumentError("subscription filters: too many values");
  }
  for (Kind k : s.kinds) {
    const int v = static_cast<int>(k);
    if (v < 1 || v > kMaxKind) {
      return absl::InvalidArgumentError(
          absl::StrCat("subscription.kinds names an unknown kind: ", v));
    }
  }
  for (Severity sv : s.severities) {
    const int v = static_cast<int>(sv);
    if (v < 1 || v > 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("subscription.severities names an unknown severity: ", v));
    }
  }
  for (const std::string& p : s.plans) {
    if (p.empty() || p.size() > 64 || p.find('/') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("subscription.plans: bad plan name \"plans/", p, "\""));
    }
  }
  for (const std::string& o : s.organizations) {
    if (o.empty() || o.size() > 64 || o.find('/') != std::string::npos) {
      return absl::InvalidArgumentError("subscription.organizations: bad organization name");
    }
  }
  if (url_checker_ != nullptr) ECOPLAN_RETURN_IF_ERROR(url_checker_->CheckUrl(s.url));
  return absl::OkStatus();
}

absl::StatusOr<Subscription> Notifier::CreateSubscription(const Subscription& input,
                                                          const std::string& secret,
                                                          const std::string& request_id) {
  if (request_id.size() > 64)
    return absl::InvalidArgumentError("request_id: at most 64 characters");
  {
    absl::MutexLock lock(&mu_);
    if (!request_id.empty()) {
      auto done = state_.request_ids.find(request_id);
      if (done != state_.request_ids.end()) {
        if (absl::StrContains(done->second, ':')) {  // another kind of write's record
          return absl::InvalidArgumentError(
              absl::StrCat("request_id ", request_id, " was used for another kind of request"));
        }
        auto s = state_.subscriptions.find(done->second);
        if (s != state_.subscriptions.end()) return s->second;
        return absl::FailedPreconditionError(
            "request_id was used for a subscription since deleted");
      }
    }
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::string key, ParseWebhookSecret(secret));
  // Resolves the host: outside the lock.
  ECOPLAN_RETURN_IF_ERROR(ValidateSubscription(input));
  absl::MutexLock lock(&mu_);
  if (!request_id.empty() && state_.request_ids.count(request_id) > 0) {
    // Created meanwhile by a concurrent retry (or another write took the id).
    auto s = state_.subscriptions.find(state_.request_ids.at(request_id));
    if (s != state_.subscriptions.end()) return s->second;
    return absl::InvalidArgumentError(
        absl::StrCat("request_id ", request_id, " was used for another request"));
  }
  Subscription s = input;
  s.id = absl::StrCat("s-", state_.next_subscription_number);
  s.state = SubscriptionState::kActive;
  s.state_reason.clear();
  s.revision = 1;
  s.create_time = Now();
  s.request_id = request_id;
  s.secrets = {Secret{key, SecretFingerprint(key), Now(), std::nullopt}};
  Changes changes;
  changes.subscriptions.push_back(s);
  changes.next_subscription_number = state_.next_subscription_number + 1;
  if (!request_id.empty()) changes.request_ids[request_id] = s.id;
  changes.events.push_back(
      ChangeEvent{ChangeEvent::Type::kSubscriptionChanged, 0, "", s.id, false});
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return s;
}

absl::StatusOr<Subscription> Notifier::GetSubscription(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = state_.subscriptions.find(id);
  if (it == state_.subscriptions.end()) {
    return absl::NotFoundError(absl::StrCat("subscriptions/", id, " not found"));
  }
  return it->second;
}

std::vector<Subscription> Notifier::ListSubscriptions() const {
  absl::MutexLock lock(&mu_);
  std::vector<Subscription> out;
  for (const auto& [id, s] : state_.subscriptions) out.push_back(s);
  return out;
}

int64_t Notifier::PendingCount(const std::string& subscription_id) const {
  absl::MutexLock lock(&mu_);
  auto it = pending_.find(subscription_id);
  return it == pending_.end() ? 0 : it->second;
}

absl::StatusOr<Subscription> Notifier::UpdateSubscription(const Subscription& input,
                                                          const std::string& etag) {
  {
    absl::MutexLock lock(&mu_);
    if (state_.subscriptions.count(input.id) == 0) {
      return absl::NotFoundError(absl::StrCat("subscriptions/", input.id, " not found"));
    }
  }
  ECOPLAN_RETURN_IF_ERROR(ValidateSubscription(input));
  absl::MutexLock lock(&mu_);
  auto it = state_.subscriptions.find(input.id);
  if (it == state_.subscriptions.end()) {
    return absl::NotFoundError(absl::StrCat("subscriptions/", input.id, " not found"));
  }
  if (etag != SubscriptionEtag(it->second)) {
    return absl::AbortedError(absl::StrCat("stale etag for subscriptions/", input.id));
  }
  Subscription s = it->second;
  s.url = input.url;
  s.description = input.description;
  s.kinds = input.kinds;
  s.plans = input.plans;
  s.organizations = input.organizations;
  s.severities = input.severities;
  ++s.revision;
  Changes changes;
  changes.subscriptions.push_back(s);
  changes.events.push_back(
      ChangeEvent{ChangeEvent::Type::kSubscriptionChanged, 0, "", s.id, false});
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return s;
}

absl::Status Notifier::DeleteSubscription(const std::string& id, const std::string& etag) {
  absl::MutexLock lock(&mu_);
  auto it = state_.subscriptions.find(id);
  if (it == state_.subscriptions.end()) {
    return absl::NotFoundError(absl::StrCat("subscriptions/", id, " not found"));
  }
  if (etag != SubscriptionEtag(it->second)) {
    return absl::AbortedError(absl::StrCat("stale etag for subscriptions/", id));
  }
  Changes changes;
  changes.deleted_subscriptions.push_back(id);
  changes.events.push_back(ChangeEvent{ChangeEvent::Type::kSubscriptionChanged, 0, "", id, true});
  return CommitAndApply(changes);
}

absl::StatusOr<Subscription> Notifier::RotateSecret(const std::string& id,
                                                    const std::string& secret,
                                                    absl::Duration previous_grace,
                                                    const std::string& request_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::string key, ParseWebhookSecret(secret));
  if (previous_grace < absl::ZeroDuration() || previous_grace > absl::Hours(24 * 7)) {
    return absl::InvalidArgumentError("previous_secret_grace must be 0..7 days");
  }
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<std::string> retried,
                           RetriedRequest(request_id, "rotate"));
  if (retried.has_value() && *retried != id) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id ", request_id, " was used for subscriptions/", *retried));
  }
  auto it = state_.subscriptions.find(id);
  if (it == state_.subscriptions.end()) {
    return absl::NotFoundError(absl::StrCat("subscriptions/", id, " not found"));
  }
  if (retried.has_value()) return it->second;  // rotated the first time
  Subscription s = it->second;
  const absl::Time now = Now();
  std::vector<Secret> kept;
  for (Secret old : s.secrets) {
    if (old.expire_time.has_value() && *old.expire_time <= now) continue;
    if (previous_grace <= absl::ZeroDuration()) continue;
    if (!old.expire_time.has_value()) old.expire_time = now + previous_grace;
    kept.push_back(old);
  }
  kept.insert(kept.begin(), Secret{key, SecretFingerprint(key), now, std::nullopt});
  if (kept.size() > 5) kept.resize(5);
  s.secrets = kept;
  ++s.revision;
  Changes changes;
  changes.subscriptions.push_back(s);
  if (!request_id.empty()) changes.request_ids[request_id] = absl::StrCat("rotate:", id);
  changes.events.push_back(
      ChangeEvent{ChangeEvent::Type::kSubscriptionChanged, 0, "", s.id, false});
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return s;
}

absl::StatusOr<Subscription> Notifier::EnableSubscription(const std::string& id, bool enabled) {
  absl::MutexLock lock(&mu_);
  auto it = state_.subscriptions.find(id);
  if (it == state_.subscriptions.end()) {
    return absl::NotFoundError(absl::StrCat("subscriptions/", id, " not found"));
  }
  Subscription s = it->second;
  s.state = enabled ? SubscriptionState::kActive : SubscriptionState::kDisabled;
  s.state_reason = enabled ? "" : "disabled by a person";
  ++s.revision;
  Changes changes;
  changes.subscriptions.push_back(s);
  changes.events.push_back(
      ChangeEvent{ChangeEvent::Type::kSubscriptionChanged, 0, "", s.id, false});
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return s;
}

absl::Status Notifier::SuspendSubscription(const std::string& id, const std::string& reason) {
  absl::MutexLock lock(&mu_);
  auto it = state_.subscriptions.find(id);
  if (it == state_.subscriptions.end() || it->second.state != SubscriptionState::kActive) {
    return absl::OkStatus();
  }
  Subscription s = it->second;
  s.state = SubscriptionState::kFailing;
  s.state_reason = reason;
  ++s.revision;
  Changes changes;
  changes.subscriptions.push_back(s);
  changes.events.push_back(
      ChangeEvent{ChangeEvent::Type::kSubscriptionChanged, 0, "", s.id, false});
  return CommitAndApply(changes);
}

absl::StatusOr<DeliveryPage> Notifier::ListDeliveries(const std::string& subscription_id,
                                                      DeliveryState state, int page_size,
                                                      const std::string& page_token) {
  {
    absl::MutexLock lock(&mu_);
    if (state_.subscriptions.count(subscription_id) == 0) {
      return absl::NotFoundError(absl::StrCat("subscriptions/", subscription_id, " not found"));
    }
  }
  if (page_size < 0 || page_size > 500)
    return absl::InvalidArgumentError("page_size must be 0..500");
  return store_->ListDeliveries(subscription_id, state, page_size == 0 ? 50 : page_size,
                                page_token);
}

absl::StatusOr<Delivery> Notifier::ReplayDelivery(const std::string& subscription_id,
                                                  uint64_t number, const std::string& request_id) {
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<std::string> retried,
                           RetriedRequest(request_id, "replay"));
  if (state_.subscriptions.count(subscription_id) == 0) {
    return absl::NotFoundError(absl::StrCat("subscriptions/", subscription_id, " not found"));
  }
  if (retried.has_value()) {
    // "<subscription>/<original>/<replay>": the same request, answered with its replay.
    const std::string prefix = absl::StrCat(subscription_id, "/", number, "/");
    absl::string_view replay = *retried;
    uint64_t replay_number = 0;
    if (!absl::ConsumePrefix(&replay, prefix) || !absl::SimpleAtoi(replay, &replay_number)) {
      return absl::InvalidArgumentError(
          absl::StrCat("request_id ", request_id, " was used for another delivery's replay"));
    }
    return store_->GetDelivery(subscription_id, replay_number);
  }
  ECOPLAN_ASSIGN_OR_RETURN(Delivery original, store_->GetDelivery(subscription_id, number));
  Delivery d;
  d.subscription_id = subscription_id;
  d.number = state_.next_delivery_number;
  d.notification_number = original.notification_number;
  d.webhook_id = original.webhook_id;
  d.create_time = Now();
  d.next_attempt_time = d.create_time;
  Changes changes;
  changes.deliveries.push_back(d);
  changes.next_delivery_number = d.number + 1;
  if (!request_id.empty()) {
    changes.request_ids[request_id] =
        absl::StrCat("replay:", subscription_id, "/", number, "/", d.number);
  }
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return d;
}

absl::Status Notifier::RecordDelivery(const Delivery& delivery) {
  Changes changes;
  changes.deliveries.push_back(delivery);
  ECOPLAN_RETURN_IF_ERROR(store_->Commit(changes));
  if (delivery.state != DeliveryState::kPending) {
    absl::MutexLock lock(&mu_);
    auto it = pending_.find(delivery.subscription_id);
    if (it != pending_.end() && it->second > 0) --it->second;
  }
  return absl::OkStatus();
}

// ---------------------------------------------------------------------------
// Stream consumers

uint64_t Notifier::ConsumerPosition(const std::string& consumer) const {
  absl::MutexLock lock(&mu_);
  auto it = state_.stream_consumers.find(consumer);
  return it == state_.stream_consumers.end() ? 0 : it->second;
}

absl::StatusOr<uint64_t> Notifier::AcknowledgeStream(const std::string& consumer,
                                                     uint64_t sequence) {
  if (!ValidId(consumer)) {
    return absl::InvalidArgumentError(
        "consumer must be streamConsumers/{id}, id 1..64 of [a-z0-9-]");
  }
  if (sequence > store_->LastEventSequence()) {
    return absl::OutOfRangeError(absl::StrCat("sequence ", sequence, " is ahead of the log (last ",
                                              store_->LastEventSequence(), ")"));
  }
  absl::MutexLock lock(&mu_);
  auto it = state_.stream_consumers.find(consumer);
  if (it != state_.stream_consumers.end() && it->second >= sequence) return it->second;
  Changes changes;
  changes.stream_consumers[consumer] = sequence;
  ECOPLAN_RETURN_IF_ERROR(CommitAndApply(changes));
  return sequence;
}

std::string Notifier::OrganizationIdByName(const std::string& plan_id,
                                           const std::string& name) const {
  absl::MutexLock lock(&mu_);
  auto plan = state_.plans.find(plan_id);
  if (plan == state_.plans.end()) return "";
  for (const auto& [id, display] : plan->second.organization_names) {
    if (display == name) return id;
  }
  return "";
}

int64_t Notifier::created_count() const {
  absl::MutexLock lock(&mu_);
  return created_;
}

}  // namespace ecoplan::notification
