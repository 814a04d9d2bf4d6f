#pragma once

// IndicatorStore: the storage port of the indicator service's use cases
// (IndicatorEvaluator, domain/indicator_evaluator.h). The use cases read the
// whole durable state once (Load) and keep it in memory; every write is one
// Change — the entities it puts and the events it emits — that the store
// applies in ONE atomic batch. Event payloads are built by the store from the
// entities of the same change, so the domain names events but never builds
// protos.
//
// Adapter: RocksDbIndicatorStore (storage/rocksdb_indicator_store.h), which
// also turns a Change into a RocksDB write for the event followers (they
// commit it together with their cursor). Fake: FakeIndicatorStore
// (testing/fake_indicator_store.h).

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/reporting_calendar.h"
#include "common/idempotency/request_ledger.h"
#include "services/indicator/domain/daily_statistics.h"
#include "services/indicator/domain/evaluation.h"
#include "services/indicator/domain/exceptional_event.h"
#include "services/indicator/domain/model.h"
#include "services/indicator/domain/observation_book.h"
#include "services/indicator/domain/plan_view.h"
#include "services/indicator/domain/progress_ledger.h"
#include "services/indicator/domain/status_recording.h"

namespace ecoplan::indicator {

// What started an evaluation run.
enum class EvaluationTrigger : uint8_t { kRequest, kDaily, kNewData };

// One RecordEvaluation run: what it evaluated and the changes it recorded.
struct RunOutcome {
  std::string plan_id;
  absl::CivilDay as_of;
  EvaluationTrigger trigger = EvaluationTrigger::kRequest;
  std::string actor;
  absl::Time time;
  int evaluated = 0;
  std::vector<RecordedChange> changes;             // empty: nothing was written
  uint64_t first_sequence = 0, last_sequence = 0;  // of the events written
};

// An indicator written with its revision (the audit trail) and an
// IndicatorChanged event whose `change` is "created", "updated", "retired" or
// "synced".
struct IndicatorWrite {
  Indicator indicator;
  IndicatorRevision revision;
  std::string change;
};

// A reported value put (value set) or withdrawn (value unset); when
// `previous` is set the value it replaces is kept as a correction record.
struct ReportedValueWrite {
  std::string plan_id;
  std::string indicator_id;
  absl::CivilDay day;
  std::optional<double> value;
  std::string source;
  std::optional<double> previous;
  absl::Time time;  // of the correction
};

// The ObservationsIngested event of a change (counts and the days covered).
struct ObservationsEvent {
  std::string resource;  // "observations" or "plans/{plan}/observations"
  int64_t accepted = 0;
  int64_t replaced = 0;
  int64_t audited_replaced = 0;  // of `replaced`: audited readings replacing provisional ones
  std::optional<absl::CivilDay> first_day, last_day;
};

// A request id's record (common/idempotency/request_ledger.h): the method and the
// resource it created or changed. Stored: request_id, method, resource.
using RequestRecord = common::RequestRecord;

// One durable change, written in one atomic batch with its events (request
// id and actor of the events: `request_id`, `actor`). Unset parts are left
// as they are.
struct Change {
  std::vector<IndicatorWrite> indicators;  // each emits IndicatorChanged
  // A recorded evaluation run: the status of each of its changes, the run
  // record, and an IndicatorStatusChanged event per change.
  std::optional<RunOutcome> run;
  std::optional<Station> station;
  // Readings of an ingestion (a correction record for each with a previous
  // value, at `readings_time`, naming both kinds, `actor` and `readings_call`)
  // and the station days they touch, each with all its readings after the
  // change (the readings are stored with their station-day).
  std::vector<ReadingWrite> readings;
  absl::Time readings_time;
  std::string readings_call;
  std::vector<StationDayWrite> station_days;
  std::vector<ReportedValueWrite> values;
  // Progress entries, completions, declarations and extensions (not its
  // observations: those are in `values`).
  std::optional<LedgerChange> ledger;
  std::optional<PlanView> plan_view;
  std::optional<ExtractionReport> report;
  std::optional<std::pair<std::string, common::CalendarRule>> calendar;  // plan id → rule
  std::optional<common::HolidayYear> holidays;                           // replaces the year
  std::optional<RequestRecord> request;
  std::optional<ObservationsEvent> observations;  // emits ObservationsIngested
  std::string request_id;                         // of the events
  std::string actor;                              // of the events

  // An exceptional event as it is after the change ("created" or
  // "withdrawn"); emits ExceptionalEventChanged.
  std::optional<std::pair<ExceptionalEvent, std::string>> exceptional_event;

  bool empty() const {
    return indicators.empty() && !run.has_value() && !station.has_value() && readings.empty() &&
           station_days.empty() && values.empty() && !ledger.has_value() &&
           !plan_view.has_value() && !report.has_value() && !calendar.has_value() &&
           !holidays.has_value() && !request.has_value() && !observations.has_value() &&
           !exceptional_event.has_value();
  }
};

// The event sequences a commit wrote (both 0 when it wrote no event).
struct Committed {
  uint64_t first_sequence = 0;
  uint64_t last_sequence = 0;
};

// Storage port of the indicator service. Reads see only durable data.
// Implementations are thread-safe.
class IndicatorStore {
 public:
  virtual ~IndicatorStore() = default;

  // --- Reads (at Load, and for rarely used lists). Errors: DataLoss for a
  // record that does not parse, or the storage error.
  virtual absl::StatusOr<std::vector<Indicator>> LoadIndicators() const = 0;
  // Revisions of an indicator, oldest first.
  virtual absl::StatusOr<std::vector<IndicatorRevision>> ListRevisions(
      absl::string_view plan_id, absl::string_view id) const = 0;
  virtual absl::StatusOr<std::vector<Station>> LoadStations() const = 0;
  // Every stored reading, in key order, handed over in chunks of about
  // `chunk` writes (so the caller can apply them without holding them all).
  virtual absl::Status LoadReadings(
      size_t chunk, const std::function<absl::Status(std::vector<ReadingWrite>)>& fn) const = 0;
  // Reported values by plan id, then indicator id.
  virtual absl::StatusOr<std::map<std::string, std::map<std::string, std::vector<ReportedValue>>>>
  LoadReportedValues() const = 0;
  // Last recorded statuses by plan id, then indicator id.
  virtual absl::StatusOr<std::map<std::string, std::map<std::string, IndicatorStatus>>>
  LoadStatuses() const = 0;
  // By plan id, the latest day a recorded status of the plan was evaluated as of.
  virtual absl::StatusOr<std::map<std::string, absl::CivilDay>> LoadRecordedThrough() const = 0;
  // Extraction reports and plan views by plan id.
  virtual absl::StatusOr<std::map<std::string, ExtractionReport>> LoadReports() const = 0;
  virtual absl::StatusOr<std::map<std::string, PlanView>> LoadPlanViews() const = 0;
  // Every request record (their method as stored: older releases wrote "created",
  // "updated", "retired" for the indicator writes; the evaluator reads both).
  virtual absl::StatusOr<std::vector<RequestRecord>> LoadRequests() const = 0;
  // The progress service's calendars set for plans, by plan id, and its holidays.
  virtual absl::StatusOr<std::map<std::string, common::CalendarRule>> LoadCalendars() const = 0;
  virtual absl::StatusOr<std::vector<common::HolidayYear>> LoadHolidays() const = 0;
  // Every progress entry, completion, declaration and extension, into `ledger`.
  virtual absl::Status LoadProgress(ProgressLedger* ledger) const = 0;
  // Every exceptional event, withdrawn ones included, in id order.
  virtual absl::StatusOr<std::vector<ExceptionalEvent>> LoadExceptionalEvents() const = 0;

  // Commits `change` durably and then calls `done` (on any thread; it must be
  // quick and must not block on another commit). On error nothing of the
  // change is written.
  virtual void CommitAsync(Change change, std::function<void(absl::StatusOr<Committed>)> done) = 0;
  // Commits `change` and waits for it (not on a thread a commit callback runs on).
  virtual absl::StatusOr<Committed> Commit(Change change) = 0;
};

}  // namespace ecoplan::indicator
