// RocksDbIndicatorStore, the write side of the IndicatorStore port: a domain
// Change as one WriteRequest (its entities through the Put* methods, its
// events built from the same entities), committed through RocksDb; and the
// plan view ↔ storage.PlanViewRecord.

#include <utility>

#include "common/events/event_log.h"
#include "common/status/status_macros.h"
#include "services/indicator/exceptional_event_mapping.h"
#include "services/indicator/proto_mapping.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

storage::PlanViewRecord PlanViewToRecord(const PlanView& view) {
  storage::PlanViewRecord r;
  r.set_plan_id(view.plan_id);
  r.set_year(view.year);
  r.set_reporting_due_day(view.reporting_due_day);
  for (const MeasureView& m : view.measures) {
    storage::MeasureView* out = r.add_measures();
    out->set_id(m.id);
    if (m.due.has_value()) *out->mutable_due() = DateToProto(*m.due);
    for (const std::string& o : m.owners) out->add_owners(o);
    for (const std::string& o : m.responsible_organizations) out->add_responsible_organizations(o);
    for (const std::string& o : m.organization_ids) out->add_organization_ids(o);
    for (const CheckpointView& c : m.checkpoints) {
      storage::CheckpointDueRecord* due = out->add_checkpoints();
      due->set_phrase(c.phrase);
      for (absl::CivilDay d : c.due_dates) *due->add_due_dates() = DateToProto(d);
    }
    out->set_clear_all_required(m.clear_all_required);
  }
  r.set_registry_sequence(view.registry_sequence);
  r.set_format(kPlanViewFormat);  // a view is always written whole, as this release has it
  if (view.issue_date.has_value()) *r.mutable_issue_date() = DateToProto(*view.issue_date);
  for (const auto& [id, name] : view.organization_names)
    (*r.mutable_organization_names())[id] = name;
  return r;
}

PlanView PlanViewFromRecord(const storage::PlanViewRecord& r) {
  // A date that does not parse is left out (as the evaluation always ignored it).
  PlanView view;
  view.plan_id = r.plan_id();
  view.year = r.year();
  view.reporting_due_day = r.reporting_due_day();
  for (const storage::MeasureView& m : r.measures()) {
    MeasureView out;
    out.id = m.id();
    if (m.has_due()) {
      if (auto d = DateFromProto(m.due(), "due"); d.ok()) out.due = *d;
    }
    out.owners.assign(m.owners().begin(), m.owners().end());
    out.responsible_organizations.assign(m.responsible_organizations().begin(),
                                         m.responsible_organizations().end());
    out.organization_ids.assign(m.organization_ids().begin(), m.organization_ids().end());
    for (const storage::CheckpointDueRecord& c : m.checkpoints()) {
      CheckpointView due;
      due.phrase = c.phrase();
      for (const auto& day : c.due_dates()) {
        if (auto d = DateFromProto(day, "checkpoint"); d.ok()) due.due_dates.push_back(*d);
      }
      out.checkpoints.push_back(std::move(due));
    }
    out.clear_all_required = m.clear_all_required();
    view.measures.push_back(std::move(out));
  }
  view.registry_sequence = r.registry_sequence();
  view.stored_format = static_cast<int>(r.format());
  if (r.has_issue_date()) {
    if (auto d = DateFromProto(r.issue_date(), "issue_date"); d.ok()) view.issue_date = *d;
  }
  view.organization_names.insert(r.organization_names().begin(), r.organization_names().end());
  return view;
}

namespace {

namespace v1 = ::ecoplan::indicator::v1;

v1::IndicatorChanged ChangedEvent(const Indicator& after, const std::string& change) {
  v1::IndicatorChanged e;
  *e.mutable_indicator() = ToProto(after);
  e.set_change(change);
  return e;
}

v1::ObservationsIngested IngestedEvent(const ObservationsEvent& o) {
  v1::ObservationsIngested e;
  e.set_accepted_count(o.accepted);
  e.set_replaced_count(o.replaced);
  e.set_audited_replaced_count(o.audited_replaced);
  if (o.first_day.has_value()) *e.mutable_first_day() = DateToProto(*o.first_day);
  if (o.last_day.has_value()) *e.mutable_last_day() = DateToProto(*o.last_day);
  return e;
}

}  // namespace

absl::StatusOr<common::WriteRequest> RocksDbIndicatorStore::ToWrite(const Change& change) const {
  common::WriteRequest w;
  const std::string& request_id = change.request_id;
  const std::string& actor = change.actor;
  for (const IndicatorWrite& i : change.indicators) {
    ECOPLAN_RETURN_IF_ERROR(PutIndicator(w, i.indicator));
    ECOPLAN_RETURN_IF_ERROR(PutRevision(w, i.indicator, i.revision));
  }
  if (change.request.has_value()) {
    ECOPLAN_RETURN_IF_ERROR(PutRequest(w, change.request->request_id, change.request->method,
                                       change.request->resource));
  }
  for (const IndicatorWrite& i : change.indicators) {
    w.events.push_back(common::MakeEvent(ChangedEvent(i.indicator, i.change),
                                         IndicatorName(i.indicator.plan_id, i.indicator.id),
                                         request_id, actor));
  }
  if (change.run.has_value()) {
    const RunOutcome& run = *change.run;
    for (const RecordedChange& c : run.changes) {
      ECOPLAN_RETURN_IF_ERROR(
          PutStatus(w, run.plan_id, c.indicator_id, c.status, run.as_of, c.reason));
      w.events.push_back(common::MakeEvent(StatusChangedEvent(run.plan_id, run.as_of, c),
                                           IndicatorName(run.plan_id, c.indicator_id), request_id,
                                           actor));
    }
    if (!run.changes.empty())
      ECOPLAN_RETURN_IF_ERROR(PutEvaluationRun(w, run.plan_id, RunToProto(run)));
  }
  if (change.station.has_value()) ECOPLAN_RETURN_IF_ERROR(PutStation(w, *change.station));
  if (!change.readings.empty()) {
    ECOPLAN_RETURN_IF_ERROR(
        PutReadings(w, change.readings, change.readings_time, change.actor, change.readings_call));
  }
  if (!change.station_days.empty()) ECOPLAN_RETURN_IF_ERROR(PutStationDays(w, change.station_days));
  if (change.ledger.has_value()) ECOPLAN_RETURN_IF_ERROR(PutLedgerChange(w, *change.ledger));
  for (const ReportedValueWrite& v : change.values) {
    if (v.value.has_value()) {
      ECOPLAN_RETURN_IF_ERROR(
          PutReportedValue(w, v.plan_id, v.indicator_id, v.day, *v.value, v.source));
    } else {
      ECOPLAN_RETURN_IF_ERROR(DeleteReportedValue(w, v.plan_id, v.indicator_id, v.day));
    }
    if (v.previous.has_value()) {
      ECOPLAN_RETURN_IF_ERROR(PutValueCorrection(w, v.plan_id, v.indicator_id, v.day, *v.previous,
                                                 v.value, v.source, v.time));
    }
  }
  if (change.observations.has_value()) {
    w.events.push_back(common::MakeEvent(IngestedEvent(*change.observations),
                                         change.observations->resource, request_id, actor));
  }
  if (change.report.has_value()) ECOPLAN_RETURN_IF_ERROR(PutReport(w, *change.report));
  if (change.plan_view.has_value()) ECOPLAN_RETURN_IF_ERROR(PutPlanView(w, *change.plan_view));
  if (change.calendar.has_value()) {
    ECOPLAN_RETURN_IF_ERROR(PutCalendar(w, change.calendar->first, change.calendar->second));
  }
  if (change.holidays.has_value()) ECOPLAN_RETURN_IF_ERROR(PutHolidays(w, *change.holidays));
  if (change.exceptional_event.has_value()) {
    const auto& [event, what] = *change.exceptional_event;
    ECOPLAN_RETURN_IF_ERROR(PutExceptionalEvent(w, event));
    v1::ExceptionalEventChanged changed;
    *changed.mutable_exceptional_event() = ToProto(event);
    changed.set_change(what);
    w.events.push_back(
        common::MakeEvent(changed, ExceptionalEventName(event.id), request_id, actor));
  }
  return w;
}

void RocksDbIndicatorStore::CommitAsync(Change change,
                                        std::function<void(absl::StatusOr<Committed>)> done) {
  absl::StatusOr<common::WriteRequest> w = ToWrite(change);
  if (!w.ok()) {
    done(w.status());
    return;
  }
  db_->CommitAsync(*std::move(w), [done = std::move(done)](absl::StatusOr<common::CommitResult> r) {
    if (!r.ok()) {
      done(r.status());
      return;
    }
    done(Committed{r->first_sequence, r->last_sequence});
  });
}

absl::StatusOr<Committed> RocksDbIndicatorStore::Commit(Change change) {
  ECOPLAN_ASSIGN_OR_RETURN(common::WriteRequest w, ToWrite(change));
  ECOPLAN_ASSIGN_OR_RETURN(common::CommitResult r, db_->Commit(std::move(w)));
  return Committed{r.first_sequence, r.last_sequence};
}

}  // namespace ecoplan::indicator
