#pragma once

// IndicatorEvaluator: the indicator service's use cases over its in-memory
// state (indicators, stations, the ObservationBook, reported values, last
// statuses, plan views, the progress ledger, calendars) and its storage port
// (IndicatorStore, domain/indicator_store.h). One class with one mutex, its
// use cases split by concept like progress's ProgressRecorder:
//   indicator_evaluator.cc   construction, Load, committing through the port;
//   indicator_catalog.cc     indicators: create, update, retire, revisions;
//   indicator_intake.cc      stations, readings and reported values (Ingest),
//                            daily air quality;
//   indicator_evaluation.cc  EvaluateIndicator, EvaluatePlan, RecordEvaluation,
//                            ScopeOf, PlanIds, IssueDate;
//   indicator_plan_sync.cc   what the registry and the progress service say:
//                            PrepareSync, PrepareMeasureUpdate, PrepareProgress,
//                            PrepareCalendar, PrepareHolidays;
//   indicator_exceptional_events.cc  exceptional events (例外事件): marked,
//                            withdrawn, listed; evaluations give the figure
//                            without their days beside the official one.
//
// Writes are serialised per key by one common::KeyedSerializer (an indicator's
// create, update and retire by the indicator's name, and by "q/<request id>"
// when they carry one; observation chunks by one key, "observations"; a plan's
// recorded evaluations by "plans/<plan>/statuses"; exceptional events by
// "exceptionalEvents"): each is decided under the
// lock against the state including every earlier write to its key, made
// durable with IndicatorStore::CommitAsync (never blocking the caller's thread), and
// published in memory once durable, before the key passes on. A write that
// had to wait for its key resumes on `ingest_executor`. `done` callbacks run
// on the store's committer thread or the ingest executor and must be quick. Reads and
// evaluations use the in-memory state only. The Prepare* use cases return the
// Change instead of committing it: an event follower commits it with its
// cursor (the RocksDB adapter turns it into the follower's write), SyncPlan
// and the followers' start-up reads commit it through CommitEffect.
//
// Ingestion is serialized (the key "observations"): one chunk at a time is
// prepared (validated against the state including every earlier chunk),
// committed, then applied, on `ingest_executor`, so counts (accepted /
// replaced / unchanged) are exact across concurrent streams.
//
// Thread-safe. `store`, `clock` and `ingest_executor` must outlive it.
// Errors, as returned through `done`: InvalidArgument (naming the field),
// NotFound, AlreadyExists, Aborted (stale etag or a concurrent change),
// FailedPrecondition (already retired), Unavailable (shutting down).

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/concurrency/keyed_serializer.h"
#include "common/concurrency/serial_executor.h"
#include "common/time/clock.h"
#include "services/indicator/domain/evaluation_visibility.h"
#include "services/indicator/domain/indicator_store.h"
#include "services/indicator/domain/observation_book.h"
#include "services/indicator/domain/plan_evaluation.h"
#include "services/indicator/domain/plan_indicators.h"
#include "services/indicator/domain/plan_view.h"
#include "services/indicator/domain/progress_ledger.h"
#include "services/indicator/domain/reporting_calendars.h"
#include "services/indicator/domain/status_recording.h"

namespace ecoplan::indicator {

template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;

// A value reported for an indicator, as received.
struct ValueInput {
  std::string indicator;  // plans/{plan}/indicators/{id}
  std::optional<absl::CivilDay> day;
  double value = 0;
  std::string unit;
  std::string source;
};

struct IngestChunk {
  std::vector<ReadingInput> readings;
  std::vector<ValueInput> values;
  // Who sent it and by which call (recorded with each correction it makes).
  std::string actor;
  std::string call = "IngestObservations";
};

struct ChunkOutcome {
  PreparedBatch readings;           // outcomes per reading, flags
  std::vector<ItemOutcome> values;  // outcome per value
  int64_t accepted = 0, replaced = 0, unchanged = 0, rejected = 0;
  // Readings: audited replacing provisional (of `replaced`), provisional kept out.
  int64_t audited_replaced = 0, kept_audited = 0;
};

struct PlanResult {
  std::string plan_id;
  std::vector<std::pair<Indicator, Evaluation>> evaluations;
  std::vector<TownRank> town_ranking;
  std::vector<MeasureLight> lights;
  std::vector<Scorecard> scorecards;
  std::map<std::string, int> status_counts;
  std::string reports_source;
  std::string reports_source_zh;  // the same in Chinese
  std::vector<std::string> rules;
  std::vector<std::string> unmatched_reported_values;
  // The kind of the district's readings from 1 January of as_of's year to
  // as_of; unset without readings.
  std::optional<DataDays> data;
};

// What a sync (or a progress event) will change, to be committed by the caller
// (CommitEffect, or an event follower with its cursor); `publish` (may be
// empty) applies it in memory once durable.
struct SyncEffect {
  Change change;
  std::function<void()> publish;
  ExtractionReport report;
  int changed = 0;
};

class IndicatorEvaluator {
 public:
  IndicatorEvaluator(IndicatorStore* store, const common::Clock* clock,
                     common::SerialExecutor* ingest_executor,
                     PlanEvaluationRules rules = PlanEvaluationRules());

  // Loads the stored state. Call once before serving. Errors: from storage.
  absl::Status Load();

  // --- Indicators (indicator_catalog.cc).
  absl::StatusOr<Indicator> GetIndicator(const std::string& plan_id, const std::string& id) const;
  std::vector<Indicator> ListIndicators(const std::string& plan_id, bool include_retired,
                                        Origin origin) const;
  void CreateIndicator(Indicator indicator, std::string reason, std::string request_id,
                       std::string actor, Done<Indicator> done);
  // Sets the fields named in `paths` from `values`.
  void UpdateIndicator(const std::string& plan_id, const std::string& id, Indicator values,
                       std::vector<std::string> paths, std::string etag, std::string reason,
                       std::string request_id, std::string actor, Done<Indicator> done);
  void RetireIndicator(const std::string& plan_id, const std::string& id, std::string etag,
                       std::string reason, std::string request_id, std::string actor,
                       Done<Indicator> done);
  absl::StatusOr<std::vector<IndicatorRevision>> ListRevisions(const std::string& plan_id,
                                                               const std::string& id) const;

  // --- Stations and observations (indicator_intake.cc).
  void UpsertStation(Station station, Done<Station> done);
  std::vector<Station> ListStations() const;
  void Ingest(IngestChunk chunk, Done<ChunkOutcome> done);
  // Daily values and AQI of an area ("district", "towns/{town}", "stations/{id}")
  // over [from, to]; `caliber` empty = the version in force each day.
  absl::StatusOr<std::vector<std::pair<DistrictDay, DailyAqi>>> DailyAirQuality(
      const std::string& area, absl::CivilDay from, absl::CivilDay to,
      const std::string& caliber) const;

  // --- Evaluation (indicator_evaluation.cc). EvaluateIndicator and EvaluatePlan are pure reads of
  // the in-memory state: they write nothing. Errors: NotFound.
  absl::StatusOr<std::pair<Indicator, Evaluation>> EvaluateIndicator(const std::string& plan_id,
                                                                     const std::string& id,
                                                                     absl::CivilDay as_of) const;
  // Scorecards follow `scoring` (the plan's rules, MonthlyAssessments::RulesFor);
  // `with_facts`: each score component lists the facts it counted.
  absl::StatusOr<PlanResult> EvaluatePlan(const std::string& plan_id, absl::CivilDay as_of,
                                          const ScoringRules& scoring = ScoringRules(),
                                          bool with_facts = false) const;

  // The recording use case: evaluates the plan as of `as_of` and, for every
  // indicator whose status differs from the last recorded one, writes the
  // status (with its reason) and an IndicatorStatusChanged event (actor
  // `actor`), plus a run record (storage: meta run/<plan>/<micros>), all in
  // ONE synced WriteBatch; then calls `done` with the changes. Nothing changed
  // → nothing is written. A keyed write (the plan is its key): the runs of a
  // plan are decided one at a time, each against the statuses the runs before
  // it recorded, so no change is recorded twice; the statuses in memory change
  // only once the commit is durable (a failed commit changes nothing, and a
  // crash before it loses nothing: Load reads the last durable statuses).
  // The plan is evaluated under the reader lock. `done` runs on the calling
  // thread, the ingest executor (after waiting for the key) or the committer
  // thread (when something was written), outside the lock.
  // Recorded statuses only move forward in time: a day after today
  // (Asia/Shanghai) has not come, and a day before the latest one a status of
  // the plan was recorded as of would turn the statuses (and the alerts) back;
  // both are refused (FailedPrecondition; EvaluatePlan shows any day).
  // Errors: NotFound (plan without indicators), FailedPrecondition, from storage.
  void RecordEvaluation(const std::string& plan_id, absl::CivilDay as_of, EvaluationTrigger trigger,
                        std::string actor, Done<RunOutcome> done);

  // The statuses last recorded for the plan's indicators (durable ones only), by indicator id.
  std::map<std::string, IndicatorStatus> RecordedStatuses(const std::string& plan_id) const;

  // The plan's issue date (from the registry's plan view), when known.
  std::optional<absl::CivilDay> IssueDate(const std::string& plan_id) const;
  // Every plan with indicators or a plan view (for the scheduled runs).
  std::vector<std::string> PlanIds() const;
  // The organization `organization_id` as plan `plan_id`'s view knows it:
  // its canonical name and the measures it leads or is responsible for.
  OrganizationScope ScopeOf(const std::string& plan_id, const std::string& organization_id) const;
  // Called (quickly, with the plan id; "" = every plan) after new data is
  // applied: an ingested chunk, a progress update. Set before serving.
  void SetDataListener(std::function<void(const std::string& plan_id)> listener);

  // --- Plans from the registry (indicator_plan_sync.cc, as the next two).
  // Builds the plan's indicators and the write of every change (indicators,
  // revisions, IndicatorChanged events, the report, the plan view). An
  // indicator built from the plan before (annex 4, annex 5, measure text) that
  // the plan no longer produces is retired (retired_by_sync, with the reason),
  // unless an administrator created, corrected or retired it; one retired by a
  // sync that the plan produces again is reinstated. A build that yields no
  // indicator at all retires nothing (an empty export is not a plan).
  absl::StatusOr<SyncEffect> PrepareSync(const PlanSource& source, PlanView view,
                                         const std::string& request_id);
  // A measure's owners or deadline changed: the plan view and the measure-text
  // indicators of that measure (unless corrected by hand) follow.
  absl::StatusOr<SyncEffect> PrepareMeasureUpdate(const std::string& plan_id, MeasureView measure);
  // The plans whose view was loaded in a format older than kPlanViewFormat
  // (stored by an older release), by id.
  std::vector<PlanView> OldFormatViews() const;
  // The write of `view` alone, replacing a view of an older format (read
  // again from the registry); its indicators are left as they are (the
  // registry's events update them). The plan need not be known.
  SyncEffect PrepareViewRefresh(PlanView view);
  absl::StatusOr<ExtractionReport> GetReport(const std::string& plan_id) const;
  bool HasPlan(const std::string& plan_id) const;

  // --- Progress reports (ProgressLedger). The write of what `update` changes:
  // the ledger's records, and each observation it adds, replaces (with a
  // correction record) or withdraws (likewise), with one ObservationsIngested
  // event when observations changed. Errors: from storage.
  absl::StatusOr<SyncEffect> PrepareProgress(const ProgressUpdate& update);

  // --- The progress service's reporting calendars (which monthly periods the
  // lights and scorecards count; services/indicator/domain/reporting_calendars.h).
  // The write of a plan's calendar (CalendarChanged), applied in memory by
  // `publish`. The plan need not be built yet. Errors: from storage.
  absl::StatusOr<SyncEffect> PrepareCalendar(const std::string& plan_id,
                                             common::CalendarRule calendar);
  // The write of one year's holidays (HolidaysLoaded, GetHolidays).
  absl::StatusOr<SyncEffect> PrepareHolidays(common::HolidayYear year);
  // The holidays known for `year`, if any.
  std::optional<common::HolidayYear> Holidays(int year) const;
  // The calendar set for the plan in the progress service, if any.
  std::optional<common::CalendarRule> Calendar(const std::string& plan_id) const;

  // --- Exceptional events (indicator_exceptional_events.cc). Writes are
  // serialized by the key "exceptionalEvents" (and "q/<request id>"); each is
  // one Change: the event, its ExceptionalEventChanged event and its request
  // record, published in memory once durable. Evaluations read the published
  // events (domain/exceptional_event.h).
  // Marks `event` (its definition; the id "ev-<n>", the state, the time and
  // `actor` are set here). A retry of a request id answers the event it
  // created. Errors: InvalidArgument (ValidateExceptionalEvent, naming the
  // field; a request id used for another call), from storage.
  void CreateExceptionalEvent(ExceptionalEvent event, std::string request_id, std::string actor,
                              Done<ExceptionalEvent> done);
  // Withdraws event `id` (kept, WITHDRAWN, with `reason` and `actor`). A retry
  // of a request id answers the withdrawn event. Errors: NotFound,
  // FailedPrecondition (already withdrawn), InvalidArgument (empty reason, a
  // request id used for another call), from storage.
  void WithdrawExceptionalEvent(const std::string& id, std::string reason, std::string request_id,
                                std::string actor, Done<ExceptionalEvent> done);
  // Every event (or the active ones), ordered by first hour, then id.
  std::vector<ExceptionalEvent> ListExceptionalEvents(bool active_only) const;
  // The active events touching each day of `area` ("district", "towns/{town}",
  // "stations/{id}") in [from, to] for any pollutant, by day (days without
  // one are absent).
  std::map<absl::CivilDay, std::vector<std::string>> ExceptionalEventsByDay(
      const std::string& area, absl::CivilDay from, absl::CivilDay to) const;

  // Commits a prepared effect through the store and publishes it once
  // durable; then `done` (on the store's committer thread). Nothing is
  // published when the commit fails. (SyncPlan.)
  void CommitEffect(SyncEffect effect, std::function<void(absl::Status)> done);
  // Likewise, blocking (the progress follower's start-up reads, on its thread).
  absl::Status CommitEffectNow(SyncEffect effect);

 private:
  using Key = std::pair<std::string, std::string>;  // plan id, indicator id
  // Commits `change`; runs `publish(ok)`, then on success `done(value)`.
  template <typename T>
  void CommitThen(Change change, std::function<void(bool)> publish, T value, Done<T> done);
  using Lease = std::shared_ptr<common::KeyedSerializer::Lease>;
  // Commits the edit; the indicator's key (`lease`) is held until it is published.
  void WriteIndicator(const Indicator* before, Indicator after, const std::string& change,
                      std::string reason, std::string request_id, std::string actor, Lease lease,
                      Done<Indicator> done) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs `fn` holding the indicator's key `name` and, for a call with a
  // request id, the key "q/<request id>" (taken first, so a retry waits for
  // the call it repeats; both released when the lease passed to `fn` is).
  void RunCatalogWrite(const std::string& name, const std::string& request_id,
                       std::function<void(Lease)> fn);
  // Prepares, commits and applies one chunk while holding the key "observations".
  void RunChunk(IngestChunk chunk, Done<ChunkOutcome> done, Lease lease);
  PlanEvaluationInput InputLocked(const std::string& plan_id,
                                  const std::vector<Indicator>& indicators, absl::CivilDay as_of,
                                  std::vector<MeasureInfo>* measures,
                                  std::vector<ProgressReport>* reports) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The data views of one plan evaluation (EvaluateLocked fills them).
  struct PlanData {
    std::vector<Indicator> indicators;
    std::map<std::string, std::vector<ReportedValue>> reported;
    std::vector<MeasureInfo> measures;
    std::vector<ProgressReport> reports;
    PlanEvaluationInput input;
  };
  // `scoring` null: the service's default rules (the statuses do not depend on them).
  PlanEvaluation EvaluateLocked(const std::string& plan_id, absl::CivilDay as_of, PlanData* data,
                                const ScoringRules* scoring = nullptr,
                                bool with_facts = false) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  void NotifyData(const std::string& plan_id) const;
  // The indicator an update or retirement applies to; indicators_.end() once
  // `done` has answered: NotFound, a retried request (the indicator as it
  // is), or Aborted (stale etag).
  std::map<Key, Indicator>::iterator EditableLocked(const std::string& plan_id,
                                                    const std::string& id, const std::string& etag,
                                                    const std::string& request_id,
                                                    absl::string_view method,
                                                    const Done<Indicator>& done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Decides and commits one recording run while holding its plan's key
  // (`lease`), publishes it once durable, releases the key, answers.
  void RecordHoldingKey(RunOutcome run, Lease lease, Done<RunOutcome> done);
  // The run's status changes against the recorded statuses (fills `evaluated`
  // and `changes`). Errors: NotFound, FailedPrecondition.
  absl::Status DecideRunLocked(RunOutcome* run) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Applies a durable run to the recorded statuses and the recorded-through day.
  void PublishRun(const RunOutcome& run) ABSL_LOCKS_EXCLUDED(mu_);
  // FailedPrecondition when `as_of` is before the plan's latest recorded day.
  absl::Status CheckRecordingDayLocked(const std::string& plan_id, absl::CivilDay as_of) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Whether the plan has a view or an indicator.
  bool KnowsPlanLocked(const std::string& plan_id) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  IndicatorStore* const store_;
  const common::Clock* const clock_;
  common::SerialExecutor* const ingest_executor_;
  const PlanEvaluationRules rules_;
  const AirQualityStandards standards_;
  const AirQualityStandards v2012_, v2026_;
  Calibers calibers_;

  mutable absl::Mutex mu_;
  std::map<Key, Indicator> indicators_ ABSL_GUARDED_BY(mu_);
  // Indicator edits decided and not yet published (their key is held): the
  // registry's sync leaves them alone.
  std::set<Key> busy_ ABSL_GUARDED_BY(mu_);
  common::RequestLedger requests_ ABSL_GUARDED_BY(mu_);
  ObservationBook book_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<std::string, std::map<absl::CivilDay, double>>> reported_
      ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<std::string, IndicatorStatus>> statuses_ ABSL_GUARDED_BY(mu_);
  // Per plan, the latest as-of day of a recorded status: RecordEvaluation
  // refuses an earlier day (it would turn the statuses back).
  std::map<std::string, absl::CivilDay> recorded_through_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, ExtractionReport> reports_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, PlanView> views_ ABSL_GUARDED_BY(mu_);
  ProgressLedger progress_ ABSL_GUARDED_BY(mu_);
  ReportingCalendars calendars_ ABSL_GUARDED_BY(mu_);
  // Every exceptional event, withdrawn ones included, in id order of creation.
  std::vector<ExceptionalEvent> exceptional_events_ ABSL_GUARDED_BY(mu_);

  mutable absl::Mutex listener_mu_;
  std::function<void(const std::string&)> data_listener_ ABSL_GUARDED_BY(listener_mu_);

  // The write keys (see the class comment); queued writes resume on ingest_executor_.
  common::KeyedSerializer serializer_;
};

// Applies `paths` of `values` to `indicator`. Errors: InvalidArgument for an unknown path.
absl::Status ApplyUpdatePaths(const Indicator& values, const std::vector<std::string>& paths,
                              Indicator* indicator);

template <typename T>
void IndicatorEvaluator::CommitThen(Change change, std::function<void(bool)> publish, T value,
                                    Done<T> done) {
  store_->CommitAsync(std::move(change),
                      [publish = std::move(publish), value = std::move(value),
                       done = std::move(done)](absl::StatusOr<Committed> committed) {
                        if (publish) publish(committed.ok());
                        if (!committed.ok()) {
                          done(committed.status());
                          return;
                        }
                        done(std::move(value));
                      });
}

}  // namespace ecoplan::indicator
