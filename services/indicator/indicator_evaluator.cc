#include "services/indicator/indicator_evaluator.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/events/event_log.h"
#include "common/status/status_macros.h"
#include "services/indicator/domain/status_recording.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;

absl::CivilHour NowHour(const common::Clock* clock) {
  return absl::ToCivilHour(clock->Now(), absl::FixedTimeZone(8 * 3600));  // Asia/Shanghai, no DST
}

// The definition fields of an indicator (what a sync may change).
bool SameDefinition(const Indicator& a, const Indicator& b) {
  Indicator x = a, y = b;
  for (Indicator* i : {&x, &y}) {
    i->revision = 0;
    i->update_time = absl::InfinitePast();
    i->retired = false;
    i->retired_reason.clear();
    i->retired_by_sync = false;
    i->manually_corrected = false;
  }
  return x == y;
}

v1::IndicatorChanged ChangedEvent(const Indicator& after, const std::string& change) {
  v1::IndicatorChanged e;
  *e.mutable_indicator() = ToProto(after);
  e.set_change(change);
  return e;
}

}  // namespace

v1::IndicatorStatusChanged StatusChangedEvent(const std::string& plan_id, absl::CivilDay as_of,
                                              const RecordedChange& c) {
  v1::IndicatorStatusChanged e;
  e.set_indicator(IndicatorName(plan_id, c.indicator_id));
  e.set_previous_status(ToProto(c.previous));
  e.set_status(ToProto(c.status));
  *e.mutable_as_of() = DateToProto(as_of);
  e.set_reason(c.reason);
  for (const std::string& o : c.owners) e.add_owners(o);
  if (!c.measure_id.empty()) {
    e.set_measure(absl::StrCat("plans/", plan_id, "/measures/", c.measure_id));
  }
  if (c.value.has_value()) e.set_value(*c.value);
  if (c.value_day.has_value()) *e.mutable_value_date() = DateToProto(*c.value_day);
  if (c.target.has_value()) e.set_target(*c.target);
  e.set_target_text(c.target_text);
  return e;
}

v1::EvaluationRun RunToProto(const RunOutcome& run) {
  v1::EvaluationRun out;
  out.set_plan(absl::StrCat("plans/", run.plan_id));
  *out.mutable_as_of() = DateToProto(run.as_of);
  out.set_trigger(run.trigger == EvaluationTrigger::kDaily     ? v1::EVALUATION_TRIGGER_DAILY
                  : run.trigger == EvaluationTrigger::kNewData ? v1::EVALUATION_TRIGGER_NEW_DATA
                                                               : v1::EVALUATION_TRIGGER_REQUEST);
  const int64_t micros = absl::ToUnixMicros(run.time);
  out.mutable_time()->set_seconds(micros / 1000000);
  out.mutable_time()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  out.set_evaluated_count(run.evaluated);
  out.set_changed_count(static_cast<int32_t>(run.changes.size()));
  out.set_actor(run.actor);
  return out;
}

IndicatorEvaluator::IndicatorEvaluator(RocksDbIndicatorStore* store, const common::Clock* clock,
                                       common::SerialExecutor* ingest_executor,
                                       PlanEvaluationRules rules)
    : store_(store),
      clock_(clock),
      ingest_executor_(ingest_executor),
      rules_(rules),
      standards_(AirQualityStandards::National()),
      v2012_(SingleVersion(Hj633Of2012())),
      v2026_(SingleVersion(Hj633Of2026())),
      book_(&standards_) {
  calibers_.in_force = &standards_;
  calibers_.fixed = {{v2012_.versions()[0].id, &v2012_}, {v2026_.versions()[0].id, &v2026_}};
}

absl::Status IndicatorEvaluator::Load() {
  absl::MutexLock lock(&mu_);
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Indicator> indicators, store_->LoadIndicators());
  for (Indicator& i : indicators) indicators_[{i.plan_id, i.id}] = std::move(i);
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Station> stations, store_->LoadStations());
  book_.SetStations(std::move(stations));
  ECOPLAN_RETURN_IF_ERROR(store_->LoadReadings(
      1 << 16, [this](std::vector<ReadingWrite> chunk)
                   ABSL_NO_THREAD_SAFETY_ANALYSIS { return book_.Apply(chunk); }));
  ECOPLAN_ASSIGN_OR_RETURN(auto reported, store_->LoadReportedValues());
  for (auto& [plan, by_id] : reported) {
    for (auto& [id, values] : by_id) {
      for (const ReportedValue& v : values) reported_[plan][id][v.day] = v.value;
    }
  }
  ECOPLAN_ASSIGN_OR_RETURN(statuses_, store_->LoadStatuses());
  ECOPLAN_ASSIGN_OR_RETURN(auto reports, store_->LoadReports());
  for (auto& [plan, record] : reports) reports_[plan] = record.report();
  ECOPLAN_ASSIGN_OR_RETURN(views_, store_->LoadPlanViews());
  ECOPLAN_ASSIGN_OR_RETURN(request_ids_, store_->LoadRequestIds());
  ECOPLAN_RETURN_IF_ERROR(store_->LoadProgress(&progress_));
  ECOPLAN_ASSIGN_OR_RETURN(auto calendars, store_->LoadCalendars());
  for (auto& [plan, calendar] : calendars) calendars_.SetCalendar(plan, std::move(calendar));
  ECOPLAN_ASSIGN_OR_RETURN(auto holidays, store_->LoadHolidays());
  for (common::HolidayYear& year : holidays) calendars_.SetHolidays(std::move(year));
  return absl::OkStatus();
}

template <typename T>
void IndicatorEvaluator::CommitThen(common::WriteRequest w, std::function<void(bool)> publish,
                                    T value, Done<T> done) {
  db()->CommitAsync(std::move(w), [publish = std::move(publish), value = std::move(value),
                                   done = std::move(done)](absl::StatusOr<common::CommitResult> r) {
    if (publish) publish(r.ok());
    if (!r.ok()) {
      done(r.status());
      return;
    }
    done(std::move(value));
  });
}

// ---------------------------------------------------------------------------
// Indicators

absl::StatusOr<Indicator> IndicatorEvaluator::GetIndicator(const std::string& plan_id,
                                                           const std::string& id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = indicators_.find({plan_id, id});
  if (it == indicators_.end()) {
    return absl::NotFoundError(absl::StrCat("no indicator ", IndicatorName(plan_id, id)));
  }
  return it->second;
}

std::vector<Indicator> IndicatorEvaluator::ListIndicators(const std::string& plan_id,
                                                          bool include_retired,
                                                          Origin origin) const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<Indicator> out;
  for (auto it = indicators_.lower_bound({plan_id, ""});
       it != indicators_.end() && it->first.first == plan_id; ++it) {
    if (!include_retired && it->second.retired) continue;
    if (origin != Origin::kUnspecified && it->second.origin != origin) continue;
    out.push_back(it->second);
  }
  return out;
}

void IndicatorEvaluator::WriteIndicator(const Indicator* before, Indicator after,
                                        const std::string& change, std::string reason,
                                        std::string request_id, std::string actor,
                                        Done<Indicator> done) {
  const Key key{after.plan_id, after.id};
  after.revision = before == nullptr ? 1 : before->revision + 1;
  after.update_time = clock_->Now();
  IndicatorRevision rev;
  rev.revision = after.revision;
  rev.time = after.update_time;
  rev.actor = actor;
  rev.reason = reason;
  if (before != nullptr) rev.before = *before;
  rev.after = after;
  common::WriteRequest w;
  absl::Status s = store_->PutIndicator(w, after);
  if (s.ok()) s = store_->PutRevision(w, after, rev);
  if (s.ok() && !request_id.empty()) {
    s = store_->PutRequest(w, request_id, change, IndicatorName(after.plan_id, after.id));
  }
  if (!s.ok()) {
    done(s);
    return;
  }
  w.events.push_back(common::MakeEvent(ChangedEvent(after, change),
                                       IndicatorName(after.plan_id, after.id), request_id, actor));
  busy_.insert(key);
  CommitThen<Indicator>(
      std::move(w),
      [this, key, after, request_id](bool ok) {
        absl::MutexLock lock(&mu_);
        busy_.erase(key);
        if (!ok) return;
        indicators_[key] = after;
        if (!request_id.empty()) request_ids_.insert(request_id);
      },
      after, std::move(done));
}

void IndicatorEvaluator::CreateIndicator(Indicator indicator, std::string reason,
                                         std::string request_id, std::string actor,
                                         Done<Indicator> done) {
  absl::MutexLock lock(&mu_);
  const Key key{indicator.plan_id, indicator.id};
  auto it = indicators_.find(key);
  if (!request_id.empty() && request_ids_.count(request_id) && it != indicators_.end()) {
    done(it->second);  // a retry
    return;
  }
  if (it != indicators_.end() || busy_.count(key)) {
    done(absl::AlreadyExistsError(
        absl::StrCat("indicator ", IndicatorName(indicator.plan_id, indicator.id), " exists")));
    return;
  }
  indicator.origin = Origin::kManual;
  indicator.manually_corrected = true;
  indicator.retired = false;
  WriteIndicator(nullptr, std::move(indicator), "created", std::move(reason), std::move(request_id),
                 std::move(actor), std::move(done));
}

absl::Status ApplyUpdatePaths(const Indicator& v, const std::vector<std::string>& paths,
                              Indicator* i) {
  if (paths.empty())
    return absl::InvalidArgumentError("update_paths: at least one field is required");
  for (const std::string& p : paths) {
    if (p == "display_name")
      i->display_name = v.display_name;
    else if (p == "unit")
      i->unit = v.unit;
    else if (p == "scope_kind")
      i->scope_kind = v.scope_kind;
    else if (p == "scope_name")
      i->scope_name = v.scope_name;
    else if (p == "comparator")
      i->comparator = v.comparator;
    else if (p == "target_value")
      i->target_value = v.target_value;
    else if (p == "target_text")
      i->target_text = v.target_text;
    else if (p == "period_start")
      i->period_start = v.period_start;
    else if (p == "period_end")
      i->period_end = v.period_end;
    else if (p == "aggregation")
      i->aggregation = v.aggregation;
    else if (p == "source")
      i->source = v.source;
    else if (p == "air_quality_item")
      i->air_quality_item = v.air_quality_item;
    else if (p == "measures")
      i->measures = v.measures;
    else if (p == "owners")
      i->owners = v.owners;
    else if (p == "target_caliber")
      i->target_caliber = v.target_caliber;
    else
      return absl::InvalidArgumentError(absl::StrCat("update_paths: «", p, "» cannot be changed"));
  }
  if (i->period_end < i->period_start) {
    return absl::InvalidArgumentError("period_end: before period_start");
  }
  return absl::OkStatus();
}

void IndicatorEvaluator::UpdateIndicator(const std::string& plan_id, const std::string& id,
                                         Indicator values, std::vector<std::string> paths,
                                         std::string etag, std::string reason,
                                         std::string request_id, std::string actor,
                                         Done<Indicator> done) {
  absl::MutexLock lock(&mu_);
  auto it = indicators_.find({plan_id, id});
  if (it == indicators_.end()) {
    done(absl::NotFoundError(absl::StrCat("no indicator ", IndicatorName(plan_id, id))));
    return;
  }
  if (!request_id.empty() && request_ids_.count(request_id)) {
    done(it->second);
    return;
  }
  if (busy_.count(it->first) || etag != IndicatorEtag(it->second)) {
    done(absl::AbortedError(absl::StrCat("etag «", etag, "» is stale (current ",
                                         IndicatorEtag(it->second), "): re-read and retry")));
    return;
  }
  Indicator after = it->second;
  if (absl::Status s = ApplyUpdatePaths(values, paths, &after); !s.ok()) {
    done(s);
    return;
  }
  after.manually_corrected = true;
  WriteIndicator(&it->second, std::move(after), "updated", std::move(reason), std::move(request_id),
                 std::move(actor), std::move(done));
}

void IndicatorEvaluator::RetireIndicator(const std::string& plan_id, const std::string& id,
                                         std::string etag, std::string reason,
                                         std::string request_id, std::string actor,
                                         Done<Indicator> done) {
  absl::MutexLock lock(&mu_);
  auto it = indicators_.find({plan_id, id});
  if (it == indicators_.end()) {
    done(absl::NotFoundError(absl::StrCat("no indicator ", IndicatorName(plan_id, id))));
    return;
  }
  if (!request_id.empty() && request_ids_.count(request_id)) {
    done(it->second);
    return;
  }
  if (busy_.count(it->first) || etag != IndicatorEtag(it->second)) {
    done(absl::AbortedError(absl::StrCat("etag «", etag, "» is stale (current ",
                                         IndicatorEtag(it->second), "): re-read and retry")));
    return;
  }
  if (it->second.retired) {
    done(absl::FailedPreconditionError(
        absl::StrCat("indicator ", IndicatorName(plan_id, id), " is already retired")));
    return;
  }
  Indicator after = it->second;
  after.retired = true;
  after.retired_reason = reason;
  after.retired_by_sync = false;
  WriteIndicator(&it->second, std::move(after), "retired", std::move(reason), std::move(request_id),
                 std::move(actor), std::move(done));
}

absl::StatusOr<std::vector<IndicatorRevision>> IndicatorEvaluator::ListRevisions(
    const std::string& plan_id, const std::string& id) const {
  ECOPLAN_RETURN_IF_ERROR(GetIndicator(plan_id, id).status());
  return store_->ListRevisions(plan_id, id);
}

// ---------------------------------------------------------------------------
// Stations and observations

void IndicatorEvaluator::UpsertStation(Station station, Done<Station> done) {
  common::WriteRequest w;
  if (absl::Status s = store_->PutStation(w, station); !s.ok()) {
    done(s);
    return;
  }
  CommitThen<Station>(
      std::move(w),
      [this, station](bool ok) {
        if (!ok) return;
        absl::MutexLock lock(&mu_);
        std::vector<Station> all;
        for (const auto& [id, s] : book_.stations()) {
          if (id != station.id) all.push_back(s);
        }
        all.push_back(station);
        book_.SetStations(std::move(all));
      },
      station, std::move(done));
}

std::vector<Station> IndicatorEvaluator::ListStations() const {
  absl::ReaderMutexLock lock(&mu_);
  std::vector<Station> out;
  for (const auto& [id, s] : book_.stations()) out.push_back(s);
  return out;
}

void IndicatorEvaluator::Ingest(IngestChunk chunk, Done<ChunkOutcome> done) {
  absl::MutexLock lock(&queue_mu_);
  queue_.emplace_back(std::move(chunk), std::move(done));
  if (!ingesting_) {
    ingesting_ = true;
    ingest_executor_->Submit([this] { RunNextChunk(); });
  }
}

// On the ingest executor: prepare the next chunk against the applied state,
// commit it asynchronously, and apply it (back on the executor) once durable;
// only then is the following chunk prepared.
void IndicatorEvaluator::RunNextChunk() {
  std::pair<IngestChunk, Done<ChunkOutcome>> job;
  {
    absl::MutexLock lock(&queue_mu_);
    if (queue_.empty()) {
      ingesting_ = false;
      return;
    }
    job = std::move(queue_.front());
    queue_.pop_front();
  }
  auto outcome = std::make_shared<ChunkOutcome>();
  common::WriteRequest w;
  struct ValueWrite {
    std::string plan, id;
    absl::CivilDay day;
    double value;
  };
  auto value_writes = std::make_shared<std::vector<ValueWrite>>();
  absl::Status status;
  {
    absl::ReaderMutexLock lock(&mu_);
    outcome->readings = book_.Prepare(job.first.readings, NowHour(clock_));
    status = store_->PutReadings(w, outcome->readings.writes, clock_->Now());
    if (status.ok()) {
      absl::StatusOr<std::vector<StationDay>> days = book_.Preview(outcome->readings.writes);
      status = days.ok() ? store_->PutStationDays(w, *days) : days.status();
    }
    std::map<std::tuple<std::string, std::string, absl::CivilDay>, double> in_chunk;
    for (const ValueInput& v : job.first.values) {
      ItemOutcome o;
      auto name = ParseIndicatorName(v.indicator, "indicator");
      auto ind = name.ok() ? indicators_.find({name->first, name->second}) : indicators_.end();
      if (!name.ok()) {
        o = {ItemOutcome::kRejected, std::string(name.status().message())};
      } else if (ind == indicators_.end()) {
        o = {ItemOutcome::kRejected, absl::StrCat("unknown indicator ", v.indicator)};
      } else if (!v.day.has_value()) {
        o = {ItemOutcome::kRejected, "date is not set"};
      } else if (!std::isfinite(v.value)) {
        o = {ItemOutcome::kRejected, "value is not a number"};
      } else if (!v.unit.empty() && v.unit != ind->second.unit) {
        o = {ItemOutcome::kRejected,
             absl::StrCat("unit «", v.unit, "» is not the indicator's «", ind->second.unit, "»")};
      } else {
        std::optional<double> held;
        auto p = reported_.find(name->first);
        if (p != reported_.end()) {
          auto i = p->second.find(name->second);
          if (i != p->second.end()) {
            auto d = i->second.find(*v.day);
            if (d != i->second.end()) held = d->second;
          }
        }
        auto dup = in_chunk.find({name->first, name->second, *v.day});
        if (dup != in_chunk.end()) held = dup->second;
        if (held.has_value() && *held == v.value) {
          o = {ItemOutcome::kUnchanged, ""};
        } else {
          o = {held.has_value() ? ItemOutcome::kReplaced : ItemOutcome::kAccepted, ""};
          in_chunk[{name->first, name->second, *v.day}] = v.value;
          value_writes->push_back({name->first, name->second, *v.day, v.value});
          if (status.ok()) {
            status =
                store_->PutReportedValue(w, name->first, name->second, *v.day, v.value, v.source);
          }
          if (status.ok() && held.has_value()) {
            status = store_->PutValueCorrection(w, name->first, name->second, *v.day, *held,
                                                v.value, v.source, clock_->Now());
          }
        }
      }
      outcome->values.push_back(o);
    }
  }
  const PreparedBatch& r = outcome->readings;
  outcome->accepted = r.accepted;
  outcome->replaced = r.replaced;
  outcome->unchanged = r.unchanged;
  outcome->rejected = r.rejected;
  for (const ItemOutcome& o : outcome->values) {
    outcome->accepted += o.kind == ItemOutcome::kAccepted;
    outcome->replaced += o.kind == ItemOutcome::kReplaced;
    outcome->unchanged += o.kind == ItemOutcome::kUnchanged;
    outcome->rejected += o.kind == ItemOutcome::kRejected;
  }
  auto done = std::make_shared<Done<ChunkOutcome>>(std::move(job.second));
  auto finish = [this, done](absl::StatusOr<ChunkOutcome> result) {
    (*done)(std::move(result));
    ingest_executor_->Submit([this] { RunNextChunk(); });
  };
  if (!status.ok()) {
    finish(status);
    return;
  }
  if (outcome->accepted + outcome->replaced == 0) {
    finish(*outcome);  // nothing to write: re-sent data
    return;
  }
  v1::ObservationsIngested event;
  event.set_accepted_count(outcome->accepted);
  event.set_replaced_count(outcome->replaced);
  if (!r.writes.empty()) {
    absl::CivilDay first = absl::CivilDay(r.writes[0].hour), last = first;
    for (const ReadingWrite& x : r.writes) {
      first = std::min(first, absl::CivilDay(x.hour));
      last = std::max(last, absl::CivilDay(x.hour));
    }
    *event.mutable_first_day() = DateToProto(first);
    *event.mutable_last_day() = DateToProto(last);
  }
  w.events.push_back(common::MakeEvent(event, "observations"));
  db()->CommitAsync(std::move(w), [this, outcome, value_writes,
                                   finish](absl::StatusOr<common::CommitResult> committed) {
    if (!committed.ok()) {
      ingest_executor_->Submit([finish, s = committed.status()] { finish(s); });
      return;
    }
    // Applying recomputes daily values: off the committer thread.
    ingest_executor_->Submit([this, outcome, value_writes, finish] {
      absl::Status applied;
      {
        absl::MutexLock lock(&mu_);
        applied = book_.Apply(outcome->readings.writes);
        for (const auto& v : *value_writes) reported_[v.plan][v.id][v.day] = v.value;
      }
      if (!applied.ok()) {
        finish(applied);
        return;
      }
      NotifyData("");  // new observations: every plan may change
      finish(*outcome);
    });
  });
}

absl::StatusOr<std::vector<std::pair<DistrictDay, DailyAqi>>> IndicatorEvaluator::DailyAirQuality(
    const std::string& area, absl::CivilDay from, absl::CivilDay to,
    const std::string& caliber) const {
  const AirQualityStandards* standards = &standards_;
  if (!caliber.empty()) {
    standards = nullptr;
    for (const auto& [name, s] : calibers_.fixed) {
      if (name == caliber) standards = s;
    }
    if (standards == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("caliber: «", caliber, "» is not HJ 633-2012 or HJ 633—2026"));
    }
  }
  std::vector<DistrictDay> days;
  {
    absl::ReaderMutexLock lock(&mu_);
    ECOPLAN_ASSIGN_OR_RETURN(days, book_.AreaDays(area));
  }
  std::vector<std::pair<DistrictDay, DailyAqi>> out;
  for (const DistrictDay& d : days) {
    if (d.day < from || d.day > to) continue;
    ECOPLAN_ASSIGN_OR_RETURN(DailyAqi aqi, ComputeDailyAqi(*standards, d.day, d.values));
    out.emplace_back(d, std::move(aqi));
  }
  return out;
}

// ---------------------------------------------------------------------------
// Evaluation

PlanEvaluationInput IndicatorEvaluator::InputLocked(const std::string& plan_id,
                                                    const std::vector<Indicator>& indicators,
                                                    absl::CivilDay as_of,
                                                    std::vector<MeasureInfo>* measures,
                                                    std::vector<ProgressReport>* reports) const {
  static const std::map<std::string, std::vector<ReportedValue>> kNone;
  static const std::map<std::string, IndicatorStatus> kNoStatus;
  PlanEvaluationInput input;
  input.indicators = &indicators;
  input.book = &book_;
  input.calibers = &calibers_;
  auto s = statuses_.find(plan_id);
  input.last_status = s == statuses_.end() ? &kNoStatus : &s->second;
  auto v = views_.find(plan_id);
  int year = static_cast<int>(as_of.year());
  int due_day = 25;
  std::optional<absl::CivilDay> issue_date;
  if (v != views_.end()) {
    year = v->second.year() > 0 ? v->second.year() : year;
    due_day = v->second.reporting_due_day() > 0 ? v->second.reporting_due_day() : 25;
    if (v->second.has_issue_date()) {
      if (auto d = DateFromProto(v->second.issue_date(), "issue_date"); d.ok()) issue_date = *d;
    }
    for (const storage::MeasureView& m : v->second.measures()) {
      MeasureInfo info;
      info.id = m.id();
      if (m.has_due()) {
        if (auto d = DateFromProto(m.due(), "due"); d.ok()) info.due = *d;
      }
      info.owners.assign(m.owners().begin(), m.owners().end());
      for (const std::string& r : m.responsible_organizations()) {
        if (std::find(info.owners.begin(), info.owners.end(), r) == info.owners.end()) {
          info.responsible.push_back(r);
        }
      }
      for (const storage::CheckpointDueRecord& c : m.checkpoints()) {
        CheckpointDue due{c.phrase(), {}};
        for (const auto& day : c.due_dates()) {
          if (auto d = DateFromProto(day, "checkpoint"); d.ok()) due.dues.push_back(*d);
        }
        std::sort(due.dues.begin(), due.dues.end());
        info.checkpoints.push_back(std::move(due));
      }
      measures->push_back(std::move(info));
    }
  }
  progress_.Annotate(plan_id, measures);
  *reports = progress_.Reports(plan_id);
  input.measures = measures;
  input.reports = reports;
  // The progress service's calendar of the plan (its due rule, holidays and
  // make-up days), owed from the plan's issue date.
  input.due_periods = OwedMonthlyPeriods(calendars_.CalendarOf(plan_id, due_day), year,
                                         calendars_.Days(), issue_date, as_of);
  return input;
}

bool IndicatorEvaluator::KnowsPlanLocked(const std::string& plan_id) const {
  if (views_.count(plan_id)) return true;
  auto it = indicators_.lower_bound({plan_id, ""});
  return it != indicators_.end() && it->first.first == plan_id;
}

std::vector<std::string> IndicatorEvaluator::PlanIds() const {
  absl::ReaderMutexLock lock(&mu_);
  std::set<std::string> ids;
  for (const auto& [plan, view] : views_) ids.insert(plan);
  for (const auto& [key, ind] : indicators_) ids.insert(key.first);
  return {ids.begin(), ids.end()};
}

OrganizationScope IndicatorEvaluator::ScopeOf(const std::string& plan_id,
                                              const std::string& organization_id) const {
  absl::ReaderMutexLock lock(&mu_);
  OrganizationScope scope;
  scope.organization_id = organization_id;
  auto v = views_.find(plan_id);
  if (v == views_.end() || organization_id.empty()) return scope;
  auto name = v->second.organization_names().find(organization_id);
  if (name != v->second.organization_names().end()) scope.name = name->second;
  for (const storage::MeasureView& m : v->second.measures()) {
    if (std::find(m.organization_ids().begin(), m.organization_ids().end(), organization_id) !=
        m.organization_ids().end()) {
      scope.measure_ids.insert(m.id());
    }
  }
  return scope;
}

void IndicatorEvaluator::SetDataListener(std::function<void(const std::string&)> listener) {
  absl::MutexLock lock(&listener_mu_);
  data_listener_ = std::move(listener);
}

void IndicatorEvaluator::NotifyData(const std::string& plan_id) const {
  absl::MutexLock lock(&listener_mu_);
  if (data_listener_) data_listener_(plan_id);
}

PlanEvaluation IndicatorEvaluator::EvaluateLocked(const std::string& plan_id, absl::CivilDay as_of,
                                                  PlanData* data, const ScoringRules* scoring,
                                                  bool with_facts) const {
  for (auto it = indicators_.lower_bound({plan_id, ""});
       it != indicators_.end() && it->first.first == plan_id; ++it) {
    data->indicators.push_back(it->second);
  }
  if (auto p = reported_.find(plan_id); p != reported_.end()) {
    for (const auto& [id, values] : p->second) {
      for (const auto& [day, v] : values) data->reported[id].push_back({day, v});
    }
  }
  data->input = InputLocked(plan_id, data->indicators, as_of, &data->measures, &data->reports);
  data->input.reported = &data->reported;
  if (scoring == nullptr) return ::ecoplan::indicator::EvaluatePlan(as_of, data->input, rules_);
  PlanEvaluationRules rules = rules_;
  rules.scoring = *scoring;
  return ::ecoplan::indicator::EvaluatePlan(as_of, data->input, rules, with_facts);
}

std::optional<absl::CivilDay> IndicatorEvaluator::IssueDate(const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto v = views_.find(plan_id);
  if (v == views_.end() || !v->second.has_issue_date()) return std::nullopt;
  absl::StatusOr<absl::CivilDay> day = DateFromProto(v->second.issue_date(), "issue_date");
  if (!day.ok()) return std::nullopt;
  return *day;
}

absl::StatusOr<std::pair<Indicator, Evaluation>> IndicatorEvaluator::EvaluateIndicator(
    const std::string& plan_id, const std::string& id, absl::CivilDay as_of) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = indicators_.find({plan_id, id});
  if (it == indicators_.end()) {
    return absl::NotFoundError(absl::StrCat("no indicator ", IndicatorName(plan_id, id)));
  }
  std::vector<Indicator> one = {it->second};
  std::vector<MeasureInfo> measures;
  std::vector<ProgressReport> reports;
  std::map<std::string, std::vector<ReportedValue>> reported;
  if (auto p = reported_.find(plan_id); p != reported_.end()) {
    if (auto r = p->second.find(id); r != p->second.end()) {
      for (const auto& [day, v] : r->second) reported[id].push_back({day, v});
    }
  }
  PlanEvaluationInput input = InputLocked(plan_id, one, as_of, &measures, &reports);
  input.reported = &reported;
  return std::make_pair(it->second, EvaluateOne(it->second, as_of, input, rules_.evaluation));
}

absl::StatusOr<PlanResult> IndicatorEvaluator::EvaluatePlan(const std::string& plan_id,
                                                            absl::CivilDay as_of,
                                                            const ScoringRules& scoring,
                                                            bool with_facts) const {
  PlanResult result;
  result.plan_id = plan_id;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!KnowsPlanLocked(plan_id)) {
      return absl::NotFoundError(
          absl::StrCat("plan plans/", plan_id, " has no indicators (run SyncPlan first)"));
    }
    PlanData data;
    PlanEvaluation e = EvaluateLocked(plan_id, as_of, &data, &scoring, with_facts);
    const auto [entries, report_count] = progress_.Counts(plan_id);
    result.reports_source = entries == 0
                                ? "none yet (no progress report received for this plan)"
                                : absl::StrCat("progress service: ", entries, " entries of ",
                                               report_count, " monthly reports");
    result.unmatched_reported_values = progress_.UnmatchedValues(plan_id);
    for (auto& [ind, ev] : e.evaluations) result.evaluations.emplace_back(*ind, std::move(ev));
    result.town_ranking = std::move(e.town_ranking);
    result.lights = std::move(e.lights);
    result.scorecards = std::move(e.scorecards);
    result.status_counts = std::move(e.status_counts);
  }
  result.rules = {
      absl::StrCat("at risk within ", rules_.evaluation.at_risk_margin_percent,
                   "% of the target; insufficient data below ",
                   rules_.evaluation.min_days_for_projection, " valid days"),
      absl::StrCat("yellow ", rules_.lights.yellow_days_before_due, " days before a due day and ",
                   rules_.lights.yellow_days_before_checkpoint,
                   " days before a checkpoint of the measure text; red after ",
                   rules_.lights.red_missed_reports, " missed reports"),
      absl::StrCat("scoring (the plan's rules): ", DescribeScoringRules(scoring))};
  return result;
}

void IndicatorEvaluator::RecordEvaluation(const std::string& plan_id, absl::CivilDay as_of,
                                          EvaluationTrigger trigger, std::string actor,
                                          Done<RunOutcome> done) {
  auto outcome = std::make_shared<RunOutcome>();
  outcome->plan_id = plan_id;
  outcome->as_of = as_of;
  outcome->trigger = trigger;
  outcome->actor = actor;
  outcome->time = clock_->Now();
  common::WriteRequest w;
  std::vector<std::pair<std::string, std::optional<IndicatorStatus>>> previous;
  absl::Status failed;
  bool known = true;
  {
    // Evaluated under the reader lock, so reads go on meanwhile.
    absl::ReaderMutexLock lock(&mu_);
    known = KnowsPlanLocked(plan_id);
    if (known) {
      PlanData data;
      PlanEvaluation e = EvaluateLocked(plan_id, as_of, &data);
      outcome->evaluated = static_cast<int>(e.evaluations.size());
      static const std::map<std::string, IndicatorStatus> kNone;
      auto s = statuses_.find(plan_id);
      outcome->changes =
          StatusChanges(e.evaluations, s == statuses_.end() ? kNone : s->second, as_of, data.input);
    }
  }
  if (!known) {
    done(absl::NotFoundError(
        absl::StrCat("plan plans/", plan_id, " has no indicators (run SyncPlan first)")));
    return;
  }
  if (!outcome->changes.empty()) {
    // The writer lock: each change is checked against the last recorded status
    // again (a concurrent run may have recorded it) and the statuses are
    // updated before the lock is released, so two runs never record the same
    // change; a failed commit puts them back.
    absl::MutexLock lock(&mu_);
    auto& last = statuses_[plan_id];
    std::vector<RecordedChange> effective;
    for (RecordedChange& c : outcome->changes) {
      auto it = last.find(c.indicator_id);
      const IndicatorStatus now = it == last.end() ? IndicatorStatus::kUnspecified : it->second;
      if (now == c.status) continue;
      c.previous = now;
      effective.push_back(std::move(c));
    }
    outcome->changes = std::move(effective);
    for (const RecordedChange& c : outcome->changes) {
      if (failed.ok()) {
        failed = store_->PutStatus(w, plan_id, c.indicator_id, c.status, as_of, c.reason);
      }
      w.events.push_back(common::MakeEvent(StatusChangedEvent(plan_id, as_of, c),
                                           IndicatorName(plan_id, c.indicator_id), "", actor));
    }
    if (failed.ok() && !outcome->changes.empty()) {
      failed = store_->PutEvaluationRun(w, plan_id, RunToProto(*outcome));
    }
    if (failed.ok()) {
      for (const RecordedChange& c : outcome->changes) {
        auto it = last.find(c.indicator_id);
        previous.emplace_back(c.indicator_id, it == last.end()
                                                  ? std::nullopt
                                                  : std::optional<IndicatorStatus>(it->second));
        last[c.indicator_id] = c.status;
      }
    }
  }
  if (!failed.ok()) {
    done(failed);
    return;
  }
  if (outcome->changes.empty()) {
    done(std::move(*outcome));  // nothing changed: nothing to write
    return;
  }
  db()->CommitAsync(std::move(w), [this, plan_id, previous, outcome,
                                   done = std::move(done)](absl::StatusOr<common::CommitResult> r) {
    if (!r.ok()) {
      {
        // Not durable: the next run records these changes again.
        absl::MutexLock lock(&mu_);
        for (const auto& [id, status] : previous) {
          if (status.has_value()) {
            statuses_[plan_id][id] = *status;
          } else {
            statuses_[plan_id].erase(id);
          }
        }
      }
      done(r.status());
      return;
    }
    outcome->first_sequence = r->first_sequence;
    outcome->last_sequence = r->last_sequence;
    done(std::move(*outcome));
  });
}

// ---------------------------------------------------------------------------
// Plans

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareSync(const PlanSource& source,
                                                           storage::PlanViewRecord view,
                                                           const std::string& request_id) {
  PlanIndicators built = BuildPlanIndicators(source);
  built.report.time = clock_->Now();
  SyncEffect effect;
  effect.report = built.report;
  const absl::Time now = clock_->Now();
  std::vector<Indicator> changed;
  {
    absl::ReaderMutexLock lock(&mu_);
    std::set<std::string> built_ids;
    for (Indicator& ind : built.indicators) {
      built_ids.insert(ind.id);
      auto it = indicators_.find({ind.plan_id, ind.id});
      bool reinstated = false;
      if (it != indicators_.end()) {
        const Indicator& held = it->second;
        // An administrator's creation, correction or retirement stays, also
        // one still being committed (busy_): the sync would write over it on
        // disk while the memory kept the hand edit.
        if (held.manually_corrected || (held.retired && !held.retired_by_sync) ||
            busy_.count(it->first)) {
          continue;
        }
        reinstated = held.retired;
        if (!reinstated && SameDefinition(held, ind)) continue;
        ind.revision = held.revision + 1;
      } else {
        ind.revision = 1;
      }
      ind.update_time = now;
      IndicatorRevision rev;
      rev.revision = ind.revision;
      rev.time = now;
      rev.actor = "registry sync";
      rev.reason = reinstated ? absl::StrCat("reinstated: the registry's plan ", source.plan_id,
                                             " produces it again")
                              : absl::StrCat("built from the registry's plan ", source.plan_id);
      if (it != indicators_.end()) rev.before = it->second;
      rev.after = ind;
      ECOPLAN_RETURN_IF_ERROR(store_->PutIndicator(effect.write, ind));
      ECOPLAN_RETURN_IF_ERROR(store_->PutRevision(effect.write, ind, rev));
      effect.write.events.push_back(common::MakeEvent(
          ChangedEvent(ind, "synced"), IndicatorName(ind.plan_id, ind.id), request_id));
      changed.push_back(ind);
    }
    // What the plan no longer produces is retired, never deleted; never what an
    // administrator made or changed, and nothing when the build came out empty.
    if (!built_ids.empty()) {
      for (auto it = indicators_.lower_bound({source.plan_id, ""});
           it != indicators_.end() && it->first.first == source.plan_id; ++it) {
        const Indicator& held = it->second;
        if (built_ids.count(held.id) || held.retired || held.manually_corrected ||
            held.origin == Origin::kManual || held.origin == Origin::kUnspecified ||
            busy_.count(it->first)) {
          continue;
        }
        Indicator after = held;
        after.retired = true;
        after.retired_by_sync = true;
        after.retired_reason = absl::StrCat("the registry's plan ", source.plan_id,
                                            " no longer produces it (re-sync)");
        after.revision = held.revision + 1;
        after.update_time = now;
        IndicatorRevision rev{after.revision,       now,  "registry sync",
                              after.retired_reason, held, after};
        ECOPLAN_RETURN_IF_ERROR(store_->PutIndicator(effect.write, after));
        ECOPLAN_RETURN_IF_ERROR(store_->PutRevision(effect.write, after, rev));
        effect.write.events.push_back(common::MakeEvent(
            ChangedEvent(after, "retired"), IndicatorName(after.plan_id, after.id), request_id));
        changed.push_back(std::move(after));
      }
    }
  }
  effect.changed = static_cast<int>(changed.size());
  ECOPLAN_RETURN_IF_ERROR(store_->PutReport(effect.write, built.report));
  view.set_plan_id(source.plan_id);
  ECOPLAN_RETURN_IF_ERROR(store_->PutPlanView(effect.write, view));
  if (!request_id.empty()) {
    ECOPLAN_RETURN_IF_ERROR(
        store_->PutRequest(effect.write, request_id, "SyncPlan", "plans/" + source.plan_id));
  }
  v1::ExtractionReport report = ToProto(built.report);
  effect.publish = [this, changed = std::move(changed), report, view, request_id]() {
    absl::MutexLock lock(&mu_);
    for (const Indicator& ind : changed) {
      Indicator& slot = indicators_[{ind.plan_id, ind.id}];
      // A hand correction committed meanwhile wins.
      if (slot.revision < ind.revision) slot = ind;
    }
    reports_[view.plan_id()] = report;
    views_[view.plan_id()] = view;
    if (!request_id.empty()) request_ids_.insert(request_id);
  };
  return effect;
}

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareMeasureUpdate(const std::string& plan_id,
                                                                    storage::MeasureView measure) {
  SyncEffect effect;
  storage::PlanViewRecord view;
  std::vector<Indicator> changed;
  const absl::Time now = clock_->Now();
  {
    absl::ReaderMutexLock lock(&mu_);
    auto v = views_.find(plan_id);
    if (v == views_.end()) return effect;  // plan not synced: nothing to follow
    view = v->second;
    bool found = false;
    for (storage::MeasureView& m : *view.mutable_measures()) {
      if (m.id() == measure.id()) {
        m = measure;
        found = true;
      }
    }
    if (!found) *view.add_measures() = measure;
    std::vector<std::string> owners(measure.owners().begin(), measure.owners().end());
    for (auto it = indicators_.lower_bound({plan_id, ""});
         it != indicators_.end() && it->first.first == plan_id; ++it) {
      const Indicator& ind = it->second;
      if (ind.origin != Origin::kMeasureText || ind.manually_corrected || ind.retired ||
          busy_.count(it->first)) {
        continue;  // a hand edit being committed wins
      }
      if (std::find(ind.measures.begin(), ind.measures.end(), measure.id()) == ind.measures.end()) {
        continue;
      }
      if (ind.owners == owners) continue;
      Indicator after = ind;
      after.owners = owners;
      after.revision = ind.revision + 1;
      after.update_time = now;
      IndicatorRevision rev{after.revision,
                            now,
                            "registry sync",
                            absl::StrCat("measure ", measure.id(), " reassigned in the registry"),
                            ind,
                            after};
      ECOPLAN_RETURN_IF_ERROR(store_->PutIndicator(effect.write, after));
      ECOPLAN_RETURN_IF_ERROR(store_->PutRevision(effect.write, after, rev));
      effect.write.events.push_back(
          common::MakeEvent(ChangedEvent(after, "synced"), IndicatorName(plan_id, after.id)));
      changed.push_back(std::move(after));
    }
  }
  effect.changed = static_cast<int>(changed.size());
  ECOPLAN_RETURN_IF_ERROR(store_->PutPlanView(effect.write, view));
  effect.publish = [this, changed = std::move(changed), view]() {
    absl::MutexLock lock(&mu_);
    for (const Indicator& ind : changed) {
      Indicator& slot = indicators_[{ind.plan_id, ind.id}];
      if (slot.revision < ind.revision) slot = ind;
    }
    views_[view.plan_id()] = view;
  };
  return effect;
}

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareProgress(const ProgressUpdate& update) {
  SyncEffect effect;
  struct ValueWrite {
    std::string id;
    absl::CivilDay day;
    std::optional<double> value;
  };
  std::vector<ValueWrite> writes;
  LedgerChange change;
  const absl::Time now = clock_->Now();
  v1::ObservationsIngested event;
  {
    absl::ReaderMutexLock lock(&mu_);
    std::vector<Indicator> indicators;
    for (auto it = indicators_.lower_bound({update.plan_id, ""});
         it != indicators_.end() && it->first.first == update.plan_id; ++it) {
      indicators.push_back(it->second);
    }
    change = progress_.Prepare(update, indicators);
    ECOPLAN_RETURN_IF_ERROR(store_->PutLedgerChange(effect.write, change));
    const std::map<std::string, std::map<absl::CivilDay, double>>* held_values = nullptr;
    if (auto p = reported_.find(update.plan_id); p != reported_.end()) held_values = &p->second;
    std::optional<absl::CivilDay> first, last;
    for (const ObservationChange& o : change.observations) {
      std::optional<double> held;
      if (held_values != nullptr) {
        if (auto i = held_values->find(o.indicator_id); i != held_values->end()) {
          if (auto d = i->second.find(o.day); d != i->second.end()) held = d->second;
        }
      }
      if (held == o.value) continue;
      if (o.value.has_value()) {
        ECOPLAN_RETURN_IF_ERROR(store_->PutReportedValue(
            effect.write, update.plan_id, o.indicator_id, o.day, *o.value, o.source));
        event.set_accepted_count(event.accepted_count() + (held.has_value() ? 0 : 1));
      } else {
        ECOPLAN_RETURN_IF_ERROR(
            store_->DeleteReportedValue(effect.write, update.plan_id, o.indicator_id, o.day));
      }
      if (held.has_value()) {
        ECOPLAN_RETURN_IF_ERROR(store_->PutValueCorrection(
            effect.write, update.plan_id, o.indicator_id, o.day, *held, o.value, o.source, now));
        event.set_replaced_count(event.replaced_count() + 1);
      }
      first = first.has_value() ? std::min(*first, o.day) : o.day;
      last = last.has_value() ? std::max(*last, o.day) : o.day;
      writes.push_back({o.indicator_id, o.day, o.value});
    }
    if (!writes.empty()) {
      *event.mutable_first_day() = DateToProto(*first);
      *event.mutable_last_day() = DateToProto(*last);
      effect.write.events.push_back(common::MakeEvent(
          event, absl::StrCat("plans/", update.plan_id, "/observations"), "", "progress follower"));
    }
  }
  effect.changed = static_cast<int>(writes.size());
  if (change.empty()) return effect;
  effect.publish = [this, change = std::move(change), writes = std::move(writes),
                    plan = update.plan_id]() {
    {
      absl::MutexLock lock(&mu_);
      progress_.Apply(change);
      for (const ValueWrite& w : writes) {
        if (w.value.has_value()) {
          reported_[plan][w.id][w.day] = *w.value;
        } else {
          reported_[plan][w.id].erase(w.day);
        }
      }
    }
    NotifyData(plan);
  };
  return effect;
}

absl::StatusOr<v1::ExtractionReport> IndicatorEvaluator::GetReport(
    const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  auto it = reports_.find(plan_id);
  if (it == reports_.end()) {
    return absl::NotFoundError(absl::StrCat("plans/", plan_id, " was never synced"));
  }
  return it->second;
}

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareCalendar(const std::string& plan_id,
                                                               common::CalendarRule calendar) {
  SyncEffect effect;
  ECOPLAN_RETURN_IF_ERROR(store_->PutCalendar(effect.write, plan_id, calendar));
  effect.changed = 1;
  effect.publish = [this, plan_id, calendar = std::move(calendar)] {
    absl::MutexLock lock(&mu_);
    calendars_.SetCalendar(plan_id, calendar);
  };
  return effect;
}

absl::StatusOr<SyncEffect> IndicatorEvaluator::PrepareHolidays(common::HolidayYear year) {
  SyncEffect effect;
  ECOPLAN_RETURN_IF_ERROR(store_->PutHolidays(effect.write, year));
  effect.changed = 1;
  effect.publish = [this, year = std::move(year)] {
    absl::MutexLock lock(&mu_);
    calendars_.SetHolidays(year);
  };
  return effect;
}

std::optional<common::HolidayYear> IndicatorEvaluator::Holidays(int year) const {
  absl::ReaderMutexLock lock(&mu_);
  return calendars_.HolidaysOf(year);
}

std::optional<common::CalendarRule> IndicatorEvaluator::Calendar(const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return calendars_.SetCalendarOf(plan_id);
}

bool IndicatorEvaluator::HasPlan(const std::string& plan_id) const {
  absl::ReaderMutexLock lock(&mu_);
  return views_.count(plan_id) > 0;
}

}  // namespace ecoplan::indicator
