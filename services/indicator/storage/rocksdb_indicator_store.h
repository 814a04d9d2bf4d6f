#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/calendar/reporting_calendar.h"
#include "common/storage/rocksdb_db.h"
#include "services/indicator/domain/evaluation.h"
#include "services/indicator/domain/indicator_store.h"
#include "services/indicator/domain/model.h"
#include "services/indicator/domain/observation_book.h"
#include "services/indicator/domain/progress_ledger.h"
#include "services/indicator/storage/indicator_storage.pb.h"

namespace ecoplan::indicator {

// The indicator service's durable state on RocksDB. Key layout (column family:
// key → value; ids never contain '/'):
// clang-format off
//   indicators:  <plan_id>/<indicator_id>                    → storage.IndicatorRecord
//   revisions:   <plan_id>/<indicator_id>/<rev: u64 BE>       → storage.RevisionRecord (audit trail)
//   stations:    <station_id>                                → storage.StationRecord
//   readings:    <station_id>/<pollutant digit>/<YYYY-MM-DDTHH> → storage.ReadingRecord
//                (one key per station, pollutant and hour: written by older releases, read
//                at start for the station-days whose daily record does not hold its readings;
//                never written now)
//   corrections: <station_id>/<pollutant digit>/<YYYY-MM-DDTHH>/<micros: u64 BE>
//                                                            → storage.CorrectionRecord
//   daily:       <station_id>/<YYYY-MM-DD>                   → storage.StationDayRecord
//                (its daily values and, holds_readings, all its hourly readings: an
//                ingestion rewrites each station-day it touches whole, from memory)
//   reported:    <plan_id>/<indicator_id>/<YYYY-MM-DD>       → storage.ReportedValueRecord
//   value_corrections: <plan_id>/<indicator_id>/<YYYY-MM-DD>/<micros: u64 BE>
//                                                            → storage.ValueCorrectionRecord
//   progress:    e/<plan_id>/<organization_id>/<YYYY-MM>/<measure_id> → storage.ProgressEntryRecord
//                c/<plan_id>/<measure_id>                    → storage.ConfirmedCompletionRecord
//                d/<plan_id>/<measure_id>                    → storage.CompletionDeclarationRecord
//                x/<plan_id>/<measure_id>                    → storage.ApprovedExtensionRecord
//                so/<plan_id>/<order_id>                     → storage.SupervisionOrderRecord
//                pi/<plan_id>/<problem_id>                   → storage.ProblemItemRecord
//   statuses:    <plan_id>/<indicator_id>                    → storage.StatusRecord (last evaluated)
//   reports:     <plan_id>                                   → storage.ExtractionReportRecord
//   plan_views:  <plan_id>                                   → storage.PlanViewRecord
//   meta:        req/<request_id>                            → storage.RequestRecord
//                calendar/<plan_id>                          → storage.ReportingCalendarRecord
//                holidays/<YYYY>                             → storage.HolidayYearRecord
//                cursor/<name>                               → u64 BE (EventFollower:
//                                                              "registry", "progress")
//                run/<plan_id>/<micros: u64 BE><n: u64 BE>    → storage.EvaluationRunRecord
//                (a RecordEvaluation run that recorded changes, in their batch)
//                xe/<event_id>                               → storage.ExceptionalEventRecord
//                (an exceptional event, 例外事件; withdrawn ones kept)
//   events:      <seq: u64 BE>                               → common.v1.Event (RocksDb)
// clang-format on
// The IndicatorStore adapter (domain/indicator_store.h): ToWrite turns a
// domain Change into one WriteRequest — its entities through the Put*
// methods, its events (IndicatorChanged, IndicatorStatusChanged,
// ObservationsIngested, ExceptionalEventChanged) built from the same entities — and CommitAsync /
// Commit commit it, so an entity, its indexes and its events are applied in
// one synced WriteBatch. The event followers commit ToWrite's request with
// their cursor instead (registry_plan_follower.cc, progress_follower.cc).
// The corrections and the touched station-days (daily values and readings) of
// an ingestion batch go in one WriteRequest.
// The code is one file per concept: reads (rocksdb_indicator_store.cc), entity
// writes (_put.cc), the progress ledger (_ledger.cc), calendars and holidays
// (_calendar.cc), a Change as one write (_write.cc); shared keys in
// indicator_store_keys.h.
// Thread-safe (RocksDB is); `db` must outlive the store.
// The plan view as stored (storage.PlanViewRecord) and back; a stored date
// that does not parse is left out.
storage::PlanViewRecord PlanViewToRecord(const PlanView& view);
PlanView PlanViewFromRecord(const storage::PlanViewRecord& record);

class RocksDbIndicatorStore final : public IndicatorStore {
 public:
  // Column families this store needs; pass them to RocksDb::Open.
  static std::vector<std::string> ColumnFamilies();
  // The value of Event.source for this service.
  static constexpr char kEventSource[] = "ecoplan.indicator.v1.IndicatorService";

  explicit RocksDbIndicatorStore(common::RocksDb* db) : db_(db) {}

  // --- IndicatorStore. Reads: errors DataLoss for a record that does not
  // parse, or the mapped RocksDB error.
  absl::StatusOr<std::vector<Indicator>> LoadIndicators() const override;
  absl::StatusOr<std::vector<IndicatorRevision>> ListRevisions(absl::string_view plan_id,
                                                               absl::string_view id) const override;
  absl::StatusOr<std::vector<Station>> LoadStations() const override;
  absl::Status LoadReadings(
      size_t chunk,
      const std::function<absl::Status(std::vector<ReadingWrite>)>& fn) const override;
  absl::StatusOr<std::map<std::string, std::map<std::string, std::vector<ReportedValue>>>>
  LoadReportedValues() const override;
  absl::StatusOr<std::map<std::string, std::map<std::string, IndicatorStatus>>> LoadStatuses()
      const override;
  absl::StatusOr<std::map<std::string, absl::CivilDay>> LoadRecordedThrough() const override;
  absl::StatusOr<std::map<std::string, ExtractionReport>> LoadReports() const override;
  absl::StatusOr<std::map<std::string, PlanView>> LoadPlanViews() const override;
  absl::StatusOr<std::vector<RequestRecord>> LoadRequests() const override;
  absl::StatusOr<std::map<std::string, common::CalendarRule>> LoadCalendars() const override;
  absl::StatusOr<std::vector<common::HolidayYear>> LoadHolidays() const override;
  absl::Status LoadProgress(ProgressLedger* ledger) const override;
  absl::StatusOr<std::vector<ExceptionalEvent>> LoadExceptionalEvents() const override;
  void CommitAsync(Change change, std::function<void(absl::StatusOr<Committed>)> done) override;
  absl::StatusOr<Committed> Commit(Change change) override;

  // The write of `change`: its entities and its events. Errors: Internal (a batch error).
  absl::StatusOr<common::WriteRequest> ToWrite(const Change& change) const;

  // --- Reads for audits and tests.
  // Corrections of a station (oldest key first), for audits and tests.
  absl::StatusOr<std::vector<std::pair<std::string, storage::CorrectionRecord>>> ListCorrections(
      absl::string_view station_id) const;
  absl::StatusOr<std::optional<storage::StationDayRecord>> GetStationDay(
      absl::string_view station_id, absl::CivilDay day) const;
  // Corrections of an indicator's reported values, oldest first.
  struct ValueCorrection {
    absl::CivilDay day;
    double previous = 0;
    std::optional<double> value;
    absl::Time time;
    std::string source;
  };
  absl::StatusOr<std::vector<ValueCorrection>> ListValueCorrections(absl::string_view plan_id,
                                                                    absl::string_view id) const;

  // --- Writes into `w`. Errors: Internal (a batch error).
  absl::Status PutIndicator(common::WriteRequest& w, const Indicator& indicator) const;
  absl::Status PutRevision(common::WriteRequest& w, const Indicator& indicator,
                           const IndicatorRevision& revision) const;
  absl::Status PutStation(common::WriteRequest& w, const Station& station) const;
  // A correction record for each write with a previous value (the readings
  // themselves are stored with their station-day: PutStationDays).
  absl::Status PutReadings(common::WriteRequest& w, const std::vector<ReadingWrite>& writes,
                           absl::Time now, absl::string_view actor = "",
                           absl::string_view call = "") const;
  // Each station-day's record: its daily values and every hourly reading.
  absl::Status PutStationDays(common::WriteRequest& w,
                              const std::vector<StationDayWrite>& days) const;
  absl::Status PutReportedValue(common::WriteRequest& w, absl::string_view plan_id,
                                absl::string_view id, absl::CivilDay day, double value,
                                absl::string_view source) const;
  absl::Status DeleteReportedValue(common::WriteRequest& w, absl::string_view plan_id,
                                   absl::string_view id, absl::CivilDay day) const;
  // A reported value replaced (value set) or withdrawn (value unset).
  absl::Status PutValueCorrection(common::WriteRequest& w, absl::string_view plan_id,
                                  absl::string_view id, absl::CivilDay day, double previous,
                                  std::optional<double> value, absl::string_view source,
                                  absl::Time now) const;
  // The writes of a LedgerChange's entries, completion, declaration and extension (not its
  // observations: the caller decides those against the reported values).
  absl::Status PutLedgerChange(common::WriteRequest& w, const LedgerChange& change) const;
  absl::Status PutStatus(common::WriteRequest& w, absl::string_view plan_id, absl::string_view id,
                         IndicatorStatus status, absl::CivilDay as_of,
                         absl::string_view reason) const;
  // The record of an evaluation run (written with its statuses and events).
  absl::Status PutEvaluationRun(common::WriteRequest& w, absl::string_view plan_id,
                                const ecoplan::indicator::v1::EvaluationRun& run) const;
  // The recorded runs of a plan, oldest first (for audits and tests).
  absl::StatusOr<std::vector<ecoplan::indicator::v1::EvaluationRun>> ListEvaluationRuns(
      absl::string_view plan_id) const;
  absl::Status PutReport(common::WriteRequest& w, const ExtractionReport& report) const;
  absl::Status PutPlanView(common::WriteRequest& w, const PlanView& view) const;
  absl::Status PutCalendar(common::WriteRequest& w, absl::string_view plan_id,
                           const common::CalendarRule& calendar) const;
  absl::Status PutHolidays(common::WriteRequest& w, const common::HolidayYear& year) const;
  absl::Status PutRequest(common::WriteRequest& w, absl::string_view request_id,
                          absl::string_view method, absl::string_view resource) const;
  absl::Status PutExceptionalEvent(common::WriteRequest& w, const ExceptionalEvent& event) const;

 private:
  common::RocksDb* const db_;
};

}  // namespace ecoplan::indicator
