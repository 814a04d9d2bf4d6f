#include "services/notification/upstream_followers.h"

#include <grpcpp/grpcpp.h>

#include <chrono>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/server/upstream.h"
#include "common/status/grpc_status.h"
#include "common/status/status_macros.h"
#include "services/notification/upstream_mapping_util.h"
#include "services/notification/upstream_progress_mapping.h"

namespace ecoplan::notification {
namespace {

namespace rv1 = ::ecoplan::registry::v1;
namespace pv1 = ::ecoplan::progress::v1;

using upstream_internal::Day;
using upstream_internal::Id;
using upstream_internal::PlanAndId;
using upstream_internal::Unpack;

void AddOrgs(const google::protobuf::RepeatedPtrField<rv1::OrgRef>& refs,
             std::vector<std::string>* out) {
  for (const rv1::OrgRef& ref : refs) {
    std::vector<std::string> ids;
    if (ref.has_group()) {
      for (const std::string& m : ref.members()) ids.push_back(Id(m, "organizations/"));
    } else if (!ref.organization().empty()) {
      ids.push_back(Id(ref.organization(), "organizations/"));
    }
    for (std::string& id : ids) {
      if (std::find(out->begin(), out->end(), id) == out->end()) out->push_back(std::move(id));
    }
  }
}

// An unset rule (neither day nor working day) is the default: the 25th.
DueRule DueRuleFromProto(const pv1::DueRule& rule) {
  DueRule out;
  if (rule.rule_case() == pv1::DueRule::kNthWorkingDay && rule.nth_working_day() > 0) {
    out.kind = DueRule::Kind::kNthWorkingDay;
    out.n = rule.nth_working_day();
  } else {
    out.kind = DueRule::Kind::kDayOfMonth;
    out.n = rule.day_of_month() > 0 ? rule.day_of_month() : 25;
  }
  out.month_offset = rule.month_offset();
  return out;
}

}  // namespace

MeasureView MeasureViewFromProto(const rv1::Measure& m) {
  MeasureView v;
  std::string plan;
  PlanAndId(m.name(), &plan, &v.id);
  // The first 60 characters (UTF-8 aware enough: cut at a character start).
  std::string title = m.text().substr(0, m.text().find('\n'));
  if (title.size() > 180) {
    size_t cut = 180;
    while (cut > 0 && (static_cast<unsigned char>(title[cut]) & 0xC0) == 0x80) --cut;
    title = title.substr(0, cut) + "…";
  }
  v.title = title;
  if (m.deadline().has_due_date()) v.due = Day(m.deadline().due_date());
  AddOrgs(m.lead_organizations(), &v.lead_organizations);
  AddOrgs(m.responsible_organizations(), &v.responsible_organizations);
  // Checkpoints of the text, each with the day(s) it is due: a recurring one at
  // each period's end, the others on their due day (a window's last day).
  for (const rv1::Checkpoint& c : m.checkpoints()) {
    CheckpointDue due;
    due.phrase = c.phrase();
    if (c.kind() == rv1::CHECKPOINT_KIND_RECURRING) {
      for (const common::v1::Date& d : c.due_dates()) {
        if (auto day = Day(d)) due.dues.push_back(*day);
      }
    } else if (auto day = c.has_due_date() ? Day(c.due_date()) : std::nullopt) {
      due.dues.push_back(*day);
    }
    if (!due.dues.empty()) v.checkpoints.push_back(std::move(due));
  }
  return v;
}

PlanView PlanViewFromExport(const rv1::ExportPlanResponse& e) {
  PlanView p;
  p.plan_id = Id(e.plan().name(), "plans/");
  p.title = e.plan().title();
  p.year = e.plan().year();
  if (!e.plan().time_zone().empty()) p.time_zone = e.plan().time_zone();
  if (auto d = Day(e.plan().issue_date())) p.issue_date = *d;
  p.calendar = common::DefaultCalendar(e.plan().reporting_due_day());
  for (const rv1::Organization& o : e.organizations()) {
    const std::string id = Id(o.name(), "organizations/");
    p.organization_names[id] = o.display_name();
    if (!e.plan().reporting_recipient().empty() &&
        (o.display_name() == e.plan().reporting_recipient() ||
         std::find(o.aliases().begin(), o.aliases().end(), e.plan().reporting_recipient()) !=
             o.aliases().end())) {
      p.bureau_organization = id;
    }
  }
  for (const rv1::Task& t : e.tasks()) {
    for (const rv1::Measure& m : t.measures()) {
      MeasureView v = MeasureViewFromProto(m);
      p.measures[v.id] = std::move(v);
    }
  }
  return p;
}

absl::StatusOr<UpstreamInput> RegistryInput(
    const common::v1::Event& event,
    const std::function<absl::StatusOr<rv1::ExportPlanResponse>(const std::string&)>& export_plan) {
  UpstreamInput in;
  in.event_ref = absl::StrCat(event.source(), "#", event.sequence());
  if (event.type() == "ecoplan.registry.v1.PlanImported") {
    rv1::PlanImported payload;
    if (!Unpack(event, &payload)) return absl::DataLossError("bad PlanImported payload");
    in.plan_id = Id(payload.plan(), "plans/");
    ECOPLAN_ASSIGN_OR_RETURN(rv1::ExportPlanResponse exported, export_plan(payload.plan()));
    in.type = UpstreamInput::Type::kPlanImported;
    in.plan = PlanViewFromExport(exported);
  } else if (event.type() == "ecoplan.registry.v1.MeasureUpdated") {
    rv1::MeasureUpdated payload;
    if (!Unpack(event, &payload)) return absl::DataLossError("bad MeasureUpdated payload");
    std::string measure;
    PlanAndId(payload.revision().after().name(), &in.plan_id, &measure);
    in.type = UpstreamInput::Type::kMeasureChanged;
    in.before = MeasureViewFromProto(payload.revision().before());
    in.after = MeasureViewFromProto(payload.revision().after());
  } else if (event.type() == "ecoplan.registry.v1.SupervisionTaskCreated") {
    rv1::SupervisionTaskCreated payload;
    if (!Unpack(event, &payload)) return absl::DataLossError("bad SupervisionTaskCreated payload");
    // Every measure of the task is assigned (SUPERVISION_TASK_ASSIGNED per measure).
    std::string task;
    PlanAndId(payload.task().name(), &in.plan_id, &task);
    in.type = UpstreamInput::Type::kSupervisionTask;
    in.task_title = payload.task().title();
    for (const rv1::Measure& m : payload.task().measures()) {
      in.measures.push_back(MeasureViewFromProto(m));
    }
  }
  return in;
}

namespace {

// A report's event as `t` (submitted or returned), with what it states met while it stands
// submitted or accepted.
void ReportInput(const pv1::Report& r, UpstreamInput::Type t, UpstreamInput* in) {
  std::string report_id;
  PlanAndId(r.name(), &in->plan_id, &report_id);
  in->type = t;
  in->organization_id = Id(r.organization(), "organizations/");
  in->period = r.period();
  in->resource = r.name();
  in->comment = r.review_comment();
  in->awaiting_review =
      t == UpstreamInput::Type::kReportSubmitted && r.state() == pv1::REPORT_STATE_SUBMITTED;
  // What the report states met counts only while it stands submitted (or
  // accepted): a returned report, even revised, states nothing until resubmitted.
  if (t != UpstreamInput::Type::kReportSubmitted ||
      (r.state() != pv1::REPORT_STATE_SUBMITTED && r.state() != pv1::REPORT_STATE_ACCEPTED)) {
    return;
  }
  for (const pv1::ReportEntry& entry : r.entries()) {
    std::string plan_ignored, measure;
    PlanAndId(entry.measure(), &plan_ignored, &measure);
    for (const pv1::CheckpointMet& met : entry.met_checkpoints()) {
      if (std::optional<absl::CivilDay> due = Day(met.due_date())) {
        in->met_checkpoints.push_back({measure, *due, met.phrase()});
      }
    }
  }
}

// A plan's reporting calendar as changed.
void CalendarInput(const pv1::ReportingCalendar& calendar, UpstreamInput* in) {
  std::string ignored;
  PlanAndId(calendar.name(), &in->plan_id, &ignored);
  in->calendar.monthly_due = DueRuleFromProto(calendar.monthly_due());
  in->calendar.quarterly_summaries = calendar.quarterly_summaries();
  in->calendar.half_year_summaries = calendar.half_year_summaries();
  in->calendar.annual_summary = calendar.annual_summary();
  if (calendar.has_summary_due())
    in->calendar.summary_due = DueRuleFromProto(calendar.summary_due());
  in->type = UpstreamInput::Type::kCalendarChanged;
}

}  // namespace

absl::StatusOr<UpstreamInput> ProgressInput(const common::v1::Event& event) {
  UpstreamInput in;
  in.event_ref = absl::StrCat(event.source(), "#", event.sequence());
  const std::string& type = event.type();
  // Supervision orders, problem items, extension requests and completion declarations.
  ECOPLAN_ASSIGN_OR_RETURN(bool handled, SupervisionProgressInput(event, &in));
  if (handled) return in;
  auto report = [&in](const pv1::Report& r, UpstreamInput::Type t) { ReportInput(r, t, &in); };
  if (type == "ecoplan.progress.v1.ReportSubmitted") {
    pv1::ReportSubmitted p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ReportSubmitted payload");
    report(p.report(), UpstreamInput::Type::kReportSubmitted);
  } else if (type == "ecoplan.progress.v1.ReportRevised") {
    pv1::ReportRevised p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ReportRevised payload");
    if (p.report().state() != pv1::REPORT_STATE_DRAFT) {
      report(p.report(), UpstreamInput::Type::kReportSubmitted);
    }
  } else if (type == "ecoplan.progress.v1.ReportAccepted") {
    pv1::ReportAccepted p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ReportAccepted payload");
    report(p.report(), UpstreamInput::Type::kReportSubmitted);
    in.awaiting_review = false;  // reviewed
  } else if (type == "ecoplan.progress.v1.ReportReturned") {
    pv1::ReportReturned p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ReportReturned payload");
    report(p.report(), UpstreamInput::Type::kReportReturned);
  } else if (type == "ecoplan.progress.v1.ExtensionDecided") {
    pv1::ExtensionDecided p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ExtensionDecided payload");
    if (p.extension().state() == pv1::EXTENSION_STATE_APPROVED) {
      PlanAndId(p.extension().measure(), &in.plan_id, &in.measure_id);
      if (auto d = Day(p.extension().requested_due_date())) {
        in.type = UpstreamInput::Type::kExtensionApproved;
        in.new_due = *d;
      }
    }
  } else if (type == "ecoplan.progress.v1.CompletionConfirmed") {
    pv1::CompletionConfirmed p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad CompletionConfirmed payload");
    PlanAndId(p.completion().measure(), &in.plan_id, &in.measure_id);
    in.type = UpstreamInput::Type::kCompletionConfirmed;
  } else if (type == "ecoplan.progress.v1.CalendarChanged") {
    pv1::CalendarChanged p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad CalendarChanged payload");
    CalendarInput(p.calendar(), &in);
  } else if (type == "ecoplan.progress.v1.HolidaysLoaded") {
    pv1::HolidaysLoaded p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad HolidaysLoaded payload");
    std::optional<HolidayYear> holidays = HolidayYearFromProto(p.holidays());
    if (!holidays.has_value()) return in;  // nothing to learn
    in.holidays = std::move(*holidays);
    in.type = UpstreamInput::Type::kHolidaysLoaded;
  }
  return in;
}

std::optional<HolidayYear> HolidayYearFromProto(const pv1::HolidayCalendar& calendar) {
  if (calendar.year() < 2000 || calendar.year() > 2100) return std::nullopt;
  HolidayYear out;
  out.year = calendar.year();
  for (const common::v1::Date& d : calendar.holidays()) {
    if (auto day = Day(d)) out.holidays.push_back(*day);
  }
  for (const common::v1::Date& d : calendar.make_up_workdays()) {
    if (auto day = Day(d)) out.make_up_workdays.push_back(*day);
  }
  // In day order, each day once: comparable with the stored year.
  for (std::vector<absl::CivilDay>* days : {&out.holidays, &out.make_up_workdays}) {
    std::sort(days->begin(), days->end());
    days->erase(std::unique(days->begin(), days->end()), days->end());
  }
  return out;
}

namespace {

namespace iv1 = ::ecoplan::indicator::v1;

// The id of the organization called `name` in the plan's view (empty when unknown or no lookup).
std::string OwnerId(const IndicatorLookups& lookups, const std::string& plan,
                    const std::string& name) {
  return lookups.owner_id ? lookups.owner_id(plan, name) : std::string();
}

// A contest's event as `type` (filed or decided).
void ContestToInput(const iv1::Contest& c, UpstreamInput::Type type,
                    const IndicatorLookups& lookups, UpstreamInput* in) {
  std::string number;
  PlanAndId(c.name(), &in->plan_id, &number);
  in->type = type;
  in->resource = c.name();
  ContestInput& out = in->contest;
  out.name = c.name();
  out.month = c.month();
  out.organization_name = c.organization();
  out.organization_id = OwnerId(lookups, in->plan_id, c.organization());
  out.item = c.item();
  out.reason = c.reason();
  out.filed_by = c.filed_by();
  out.decided =
      c.state() == iv1::CONTEST_STATE_ACCEPTED || c.state() == iv1::CONTEST_STATE_REJECTED;
  out.accepted = c.state() == iv1::CONTEST_STATE_ACCEPTED;
  out.comment = c.comment();
  out.points = c.points();
  out.decided_by = c.decided_by();
  out.recorded_in_month = c.recorded_in_month();
}

// A month closed.
void MonthClosedToInput(const iv1::MonthClosed& p, UpstreamInput* in) {
  PlanAndId(p.name(), &in->plan_id, &in->month_closed.month);
  in->type = UpstreamInput::Type::kMonthClosed;
  in->resource = p.name();
  in->month_closed.name = p.name();
  in->month_closed.closed_by = p.closed_by();
  in->month_closed.reason = p.reason();
  in->month_closed.adjustment_count = p.adjustment_count();
}

// An indicator's status change, with its owners resolved and, when it may notify, the
// indicator's name and unit read from the indicator service. Errors: Unavailable and
// DeadlineExceeded of that read (the event is tried again).
absl::Status StatusChangeToInput(const iv1::IndicatorStatusChanged& p,
                                 const IndicatorLookups& lookups, UpstreamInput* in) {
  IndicatorChange& c = in->indicator_change;
  PlanAndId(p.indicator(), &in->plan_id, &c.indicator_id);
  in->type = UpstreamInput::Type::kIndicatorStatus;
  in->resource = p.indicator();
  c.indicator = p.indicator();
  c.previous = static_cast<IndicatorStatus>(p.previous_status());
  c.status = static_cast<IndicatorStatus>(p.status());
  c.as_of = Day(p.as_of());
  c.reason = p.reason();
  if (!p.measure().empty()) {
    std::string plan;
    PlanAndId(p.measure(), &plan, &c.measure_id);
  }
  if (p.has_value()) c.value = p.value();
  c.value_date = Day(p.value_date());
  if (p.has_target()) c.target = p.target();
  c.target_text = p.target_text();
  for (const std::string& name : p.owners()) {
    std::string id = OwnerId(lookups, in->plan_id, name);
    if (!id.empty()) in->indicator_owners.push_back(std::move(id));
  }
  // Only a change that may notify is worth the read.
  const bool may_notify =
      p.status() != p.previous_status() && (p.status() != iv1::INDICATOR_STATUS_INSUFFICIENT_DATA &&
                                            p.status() != iv1::INDICATOR_STATUS_UNSPECIFIED);
  if (may_notify && lookups.get_indicator) {
    absl::StatusOr<iv1::Indicator> indicator = lookups.get_indicator(p.indicator());
    if (absl::IsUnavailable(indicator.status()) || absl::IsDeadlineExceeded(indicator.status())) {
      return indicator.status();
    }
    if (indicator.ok()) {
      c.display_name = indicator->display_name();
      c.unit = indicator->unit();
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<UpstreamInput> IndicatorInput(const common::v1::Event& event,
                                             const IndicatorLookups& lookups) {
  UpstreamInput in;
  in.event_ref = absl::StrCat(event.source(), "#", event.sequence());
  const std::string& type = event.type();
  if (type == "ecoplan.indicator.v1.MonthClosed") {
    iv1::MonthClosed p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad MonthClosed payload");
    MonthClosedToInput(p, &in);
    return in;
  }
  if (type == "ecoplan.indicator.v1.ContestFiled") {
    iv1::ContestFiled p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ContestFiled payload");
    ContestToInput(p.contest(), UpstreamInput::Type::kContestFiled, lookups, &in);
    return in;
  }
  if (type == "ecoplan.indicator.v1.ContestDecided") {
    iv1::ContestDecided p;
    if (!Unpack(event, &p)) return absl::DataLossError("bad ContestDecided payload");
    ContestToInput(p.contest(), UpstreamInput::Type::kContestDecided, lookups, &in);
    return in;
  }
  if (type != "ecoplan.indicator.v1.IndicatorStatusChanged") return in;
  iv1::IndicatorStatusChanged p;
  if (!Unpack(event, &p)) return absl::DataLossError("bad IndicatorStatusChanged payload");
  ECOPLAN_RETURN_IF_ERROR(StatusChangeToInput(p, lookups, &in));
  return in;
}

UpstreamFollower::~UpstreamFollower() { Stop(); }

absl::StatusOr<common::FollowEffect> UpstreamFollower::Handle(const UpstreamInput& input) {
  ECOPLAN_ASSIGN_OR_RETURN(Changes changes, notifier_->BeginUpstream(input));
  absl::StatusOr<common::WriteRequest> write = store_->Encode(changes);
  if (!write.ok()) {
    notifier_->FinishUpstream(changes, false);
    return write.status();
  }
  pending_ = std::make_unique<Changes>(std::move(changes));
  holding_ = true;
  common::FollowEffect effect;
  effect.write = std::move(*write);
  effect.on_committed = [this] {
    holding_ = false;
    notifier_->FinishUpstream(*pending_, true);
  };
  return effect;
}

absl::Status UpstreamFollower::SyncHolidays(const UpstreamOptions& options,
                                            const common::Logger& log) {
  common::RealClock real_clock;
  const common::Clock* clock = options.clock != nullptr ? options.clock : &real_clock;
  absl::TimeZone zone = absl::UTCTimeZone();
  absl::LoadTimeZone(options.time_zone, &zone);  // unknown: UTC
  const int year = static_cast<int>(absl::ToCivilYear(clock->Now(), zone).year());
  for (int y : {year, year + 1}) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoMilliseconds(options.export_timeout));
    pv1::GetHolidaysRequest request;
    request.set_name(absl::StrCat("holidayCalendars/", y));
    pv1::GetHolidaysResponse response;
    const absl::Status status =
        common::FromGrpcStatus(progress_stub_->GetHolidays(&ctx, request, &response));
    if (absl::IsNotFound(status)) continue;  // not loaded there (yet): its event will come
    ECOPLAN_RETURN_IF_ERROR(status);
    std::optional<HolidayYear> fetched = HolidayYearFromProto(response.holidays());
    if (!fetched.has_value() || fetched->year != y) continue;
    ECOPLAN_ASSIGN_OR_RETURN(std::optional<HolidayYear> stored, store_->GetHolidays(y));
    if (stored.has_value() && stored->holidays == fetched->holidays &&
        stored->make_up_workdays == fetched->make_up_workdays) {
      continue;
    }
    // Through the Notifier, like HolidaysLoaded, so that its view changes with the store.
    UpstreamInput input;
    input.type = UpstreamInput::Type::kHolidaysLoaded;
    input.event_ref = absl::StrCat("progress.GetHolidays#", y);
    input.holidays = std::move(*fetched);
    ECOPLAN_ASSIGN_OR_RETURN(Changes changes, notifier_->BeginUpstream(input));
    const absl::Status committed = store_->Commit(changes);
    notifier_->FinishUpstream(changes, committed.ok());
    ECOPLAN_RETURN_IF_ERROR(committed);
    log.Info("holidays updated from the progress service",
             {{"year", y}, {"days_off", static_cast<int64_t>(input.holidays.holidays.size())}});
  }
  return absl::OkStatus();
}

namespace {

common::EventFollowerOptions FollowerOptions(const std::string& name, const UpstreamOptions& o,
                                             std::shared_ptr<grpc::Channel> channel,
                                             common::Logger log, bool* holding,
                                             std::function<void()> release) {
  // Logs and metrics as every server's followers (common/server/upstream.h).
  common::UpstreamConfig upstream;
  upstream.name = name;
  upstream.address = o.address;
  upstream.max_backoff = o.max_backoff;
  common::EventFollowerOptions options =
      common::FollowerOptions(upstream, std::move(channel), log, o.metrics);
  options.initial_backoff = o.initial_backoff;
  options.on_error = [holding, release,
                      logged = std::move(options.on_error)](const absl::Status& status) {
    // A failed commit: the Notifier still holds the emit key for the event.
    if (*holding) {
      *holding = false;
      release();
    }
    logged(status);
  };
  return options;
}

}  // namespace

std::unique_ptr<UpstreamFollower> UpstreamFollower::ForRegistry(
    common::RocksDb* db, RocksDbNotificationStore* store, Notifier* notifier,
    std::shared_ptr<grpc::Channel> channel, UpstreamOptions options, common::Logger log) {
  std::unique_ptr<UpstreamFollower> f(new UpstreamFollower);
  f->store_ = store;
  f->notifier_ = notifier;
  f->channel_ = channel;
  f->registry_stub_ = rv1::RegistryService::NewStub(channel);
  UpstreamFollower* self = f.get();
  auto export_plan = [self,
                      options](const std::string& plan) -> absl::StatusOr<rv1::ExportPlanResponse> {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() +
                     absl::ToChronoMilliseconds(options.export_timeout));
    rv1::ExportPlanRequest request;
    request.set_name(plan);
    rv1::ExportPlanResponse response;
    grpc::Status status = self->registry_stub_->ExportPlan(&ctx, request, &response);
    if (!status.ok()) return common::FromGrpcStatus(status);
    return response;
  };
  f->probe_ = common::MakeWatchEventsOpener<rv1::WatchEventsRequest, rv1::WatchEventsResponse>(
      f->registry_stub_.get());
  f->follower_ = std::make_unique<common::EventFollower>(
      db,
      FollowerOptions("registry", options, channel, log, &f->holding_,
                      [self] { self->notifier_->FinishUpstream(*self->pending_, false); }),
      common::MakeWatchEventsOpener<rv1::WatchEventsRequest, rv1::WatchEventsResponse>(
          f->registry_stub_.get()),
      [self, export_plan](const common::v1::Event& event) -> absl::StatusOr<common::FollowEffect> {
        ECOPLAN_ASSIGN_OR_RETURN(UpstreamInput input, RegistryInput(event, export_plan));
        return self->Handle(input);
      });
  return f;
}

std::unique_ptr<UpstreamFollower> UpstreamFollower::ForProgress(
    common::RocksDb* db, RocksDbNotificationStore* store, Notifier* notifier,
    std::shared_ptr<grpc::Channel> channel, UpstreamOptions options, common::Logger log) {
  std::unique_ptr<UpstreamFollower> f(new UpstreamFollower);
  f->store_ = store;
  f->notifier_ = notifier;
  f->channel_ = channel;
  f->progress_stub_ = pv1::ProgressService::NewStub(channel);
  UpstreamFollower* self = f.get();
  f->probe_ = common::MakeWatchEventsOpener<pv1::WatchEventsRequest, pv1::WatchEventsResponse>(
      f->progress_stub_.get());
  f->follower_ = std::make_unique<common::EventFollower>(
      db,
      FollowerOptions("progress", options, channel, log, &f->holding_,
                      [self] { self->notifier_->FinishUpstream(*self->pending_, false); }),
      [self, options, log,
       open = common::MakeWatchEventsOpener<pv1::WatchEventsRequest, pv1::WatchEventsResponse>(
           f->progress_stub_.get())](grpc::ClientContext* context, uint64_t after) {
        // On the follower's thread, before the stream: until the holidays were
        // read once (a failed read is tried again before the next stream).
        if (!self->holidays_synced_) {
          const absl::Status synced = self->SyncHolidays(options, log);
          self->holidays_synced_ =
              !absl::IsUnavailable(synced) && !absl::IsDeadlineExceeded(synced);
          if (!synced.ok()) {
            log.Warn("cannot read the progress service's holidays",
                     {{"error", synced.ToString()}, {"retry", !self->holidays_synced_}});
          }
        }
        return open(context, after);
      },
      [self](const common::v1::Event& event) -> absl::StatusOr<common::FollowEffect> {
        ECOPLAN_ASSIGN_OR_RETURN(UpstreamInput input, ProgressInput(event));
        return self->Handle(input);
      });
  return f;
}

std::unique_ptr<UpstreamFollower> UpstreamFollower::ForIndicator(
    common::RocksDb* db, RocksDbNotificationStore* store, Notifier* notifier,
    std::shared_ptr<grpc::Channel> channel, UpstreamOptions options, common::Logger log) {
  std::unique_ptr<UpstreamFollower> f(new UpstreamFollower);
  f->store_ = store;
  f->notifier_ = notifier;
  f->channel_ = channel;
  f->indicator_stub_ = indicator::v1::IndicatorService::NewStub(channel);
  UpstreamFollower* self = f.get();
  f->probe_ =
      common::MakeWatchEventsOpener<indicator::v1::WatchEventsRequest,
                                    indicator::v1::WatchEventsResponse>(f->indicator_stub_.get());
  f->follower_ = std::make_unique<common::EventFollower>(
      db,
      FollowerOptions("indicator", options, channel, log, &f->holding_,
                      [self] { self->notifier_->FinishUpstream(*self->pending_, false); }),
      common::MakeWatchEventsOpener<indicator::v1::WatchEventsRequest,
                                    indicator::v1::WatchEventsResponse>(f->indicator_stub_.get()),
      [self, options](const common::v1::Event& event) -> absl::StatusOr<common::FollowEffect> {
        IndicatorLookups lookups;
        lookups.owner_id = [self](const std::string& plan, const std::string& name) {
          return self->notifier_->OrganizationIdByName(plan, name);
        };
        lookups.get_indicator =
            [self, options](const std::string& name) -> absl::StatusOr<indicator::v1::Indicator> {
          grpc::ClientContext ctx;
          ctx.set_deadline(std::chrono::system_clock::now() +
                           absl::ToChronoMilliseconds(options.export_timeout));
          indicator::v1::GetIndicatorRequest request;
          request.set_name(name);
          indicator::v1::GetIndicatorResponse response;
          grpc::Status status = self->indicator_stub_->GetIndicator(&ctx, request, &response);
          if (!status.ok()) return common::FromGrpcStatus(status);
          return response.indicator();
        };
        ECOPLAN_ASSIGN_OR_RETURN(UpstreamInput input, IndicatorInput(event, lookups));
        return self->Handle(input);
      });
  return f;
}

absl::Status UpstreamFollower::Start() { return follower_->Start(); }

bool UpstreamCaughtUp(const common::StreamOpener& open, uint64_t cursor, absl::Duration timeout) {
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  // Events after cursor + 1: OUT_OF_RANGE exactly when the upstream's last
  // event is at most `cursor` (common/events/watch_events_reactor.h).
  std::unique_ptr<common::EventStream> stream = open(&context, cursor + 1);
  if (stream == nullptr) return false;
  common::v1::Event event;
  if (stream->Read(&event)) {  // an event not applied yet
    context.TryCancel();
    stream->Finish();
    return false;
  }
  return stream->Finish().error_code() == grpc::StatusCode::OUT_OF_RANGE;
}

bool UpstreamFollower::CaughtUp(absl::Duration timeout) {
  if (caught_up_.load()) return true;
  if (UpstreamCaughtUp(probe_, follower_->cursor(), timeout)) caught_up_ = true;
  return caught_up_.load();
}

void UpstreamFollower::Stop() {
  if (follower_) follower_->Stop();
}

}  // namespace ecoplan::notification
