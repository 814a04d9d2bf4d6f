// RocksDbIndicatorStore, the entity writes: each Put* adds one entity's
// records to a WriteRequest (committed by rocksdb_indicator_store_write.cc).

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record_io.h"
#include "services/indicator/proto_mapping.h"
#include "services/indicator/storage/indicator_store_keys.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

using store_keys::DayText;
using store_keys::kCorrections;
using store_keys::kDaily;
using store_keys::kIndicators;
using store_keys::kMeta;
using store_keys::kPlanViews;
using store_keys::kReported;
using store_keys::kReports;
using store_keys::kRevisions;
using store_keys::kStations;
using store_keys::kStatuses;
using store_keys::kValueCorrections;
using store_keys::Put;
using store_keys::ReadingKey;

absl::Status RocksDbIndicatorStore::PutIndicator(common::WriteRequest& w,
                                                 const Indicator& indicator) const {
  storage::IndicatorRecord record;
  *record.mutable_indicator() = ToProto(indicator);
  return Put(w.batch, db_->Cf(kIndicators), absl::StrCat(indicator.plan_id, "/", indicator.id),
             record);
}

absl::Status RocksDbIndicatorStore::PutRevision(common::WriteRequest& w, const Indicator& indicator,
                                                const IndicatorRevision& revision) const {
  storage::RevisionRecord record;
  *record.mutable_revision() = ToProto(revision);
  return Put(w.batch, db_->Cf(kRevisions),
             absl::StrCat(indicator.plan_id, "/", indicator.id, "/",
                          common::EncodeUint64(static_cast<uint64_t>(revision.revision))),
             record);
}

absl::Status RocksDbIndicatorStore::PutStation(common::WriteRequest& w,
                                               const Station& station) const {
  storage::StationRecord record;
  *record.mutable_station() = ToProto(station);
  return Put(w.batch, db_->Cf(kStations), station.id, record);
}

absl::Status RocksDbIndicatorStore::PutReadings(common::WriteRequest& w,
                                                const std::vector<ReadingWrite>& writes,
                                                absl::Time now, absl::string_view actor,
                                                absl::string_view call) const {
  // The readings themselves are in their station-day's record (PutStationDays).
  rocksdb::ColumnFamilyHandle* corrections = db_->Cf(kCorrections);
  const std::string suffix = common::EncodeUint64(static_cast<uint64_t>(absl::ToUnixMicros(now)));
  for (const ReadingWrite& r : writes) {
    if (!r.previous.has_value()) continue;
    storage::CorrectionRecord c;
    c.set_previous(*r.previous);
    c.set_value(r.value);
    *c.mutable_time() = common::TimeToProto(now);
    c.set_previous_verification(
        VerificationToProto(r.previous_verification.value_or(Verification::kProvisional)));
    c.set_verification(VerificationToProto(r.verification));
    c.set_actor(std::string(actor));
    c.set_call(std::string(call));
    ECOPLAN_RETURN_IF_ERROR(
        Put(w.batch, corrections,
            absl::StrCat(ReadingKey(r.station, r.pollutant, r.hour), "/", suffix), c));
  }
  return absl::OkStatus();
}

absl::Status RocksDbIndicatorStore::PutStationDays(common::WriteRequest& w,
                                                   const std::vector<StationDayWrite>& days) const {
  rocksdb::ColumnFamilyHandle* cf = db_->Cf(kDaily);
  storage::StationDayRecord record;  // reused: its fields keep their allocations
  std::string key, value;
  for (const StationDayWrite& write : days) {
    const StationDay& d = write.day;
    record.Clear();
    record.set_validity_standard(d.validity_standard);
    for (int k = 0; k < kDailyItemCount; ++k) {
      storage::DailyValueRecord* v = record.add_values();
      v->set_item(k);
      v->set_validity(static_cast<int>(d.values[k].validity));
      v->set_value(d.values[k].value);
      v->set_samples(d.values[k].samples);
    }
    record.set_audited_hours(d.verification.audited_hours);
    record.set_provisional_hours(d.verification.provisional_hours);
    for (int p = 0; p < kPollutantCount; ++p) {
      const HourSlots& slots = write.readings.slots[p];
      if (slots.present == 0) continue;
      storage::HourlySeriesRecord* series = record.add_hours();
      series->set_pollutant(p);
      series->set_present(slots.present);
      series->set_audited(write.readings.audited[p] & slots.present);
      for (int h = 0; h < 24; ++h) {
        if (slots.has(h)) series->add_values(slots.values[h]);
      }
    }
    record.set_holds_readings(true);
    key = absl::StrCat(d.station_id, "/", DayText(d.day));
    value.clear();
    record.AppendToString(&value);
    ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(w.batch.Put(cf, key, value), "put"));
  }
  return absl::OkStatus();
}

absl::Status RocksDbIndicatorStore::PutReportedValue(common::WriteRequest& w,
                                                     absl::string_view plan_id,
                                                     absl::string_view id, absl::CivilDay day,
                                                     double value, absl::string_view source) const {
  storage::ReportedValueRecord record;
  record.set_value(value);
  record.set_source(std::string(source));
  return Put(w.batch, db_->Cf(kReported), absl::StrCat(plan_id, "/", id, "/", DayText(day)),
             record);
}

absl::Status RocksDbIndicatorStore::DeleteReportedValue(common::WriteRequest& w,
                                                        absl::string_view plan_id,
                                                        absl::string_view id,
                                                        absl::CivilDay day) const {
  const std::string key = absl::StrCat(plan_id, "/", id, "/", DayText(day));
  return common::FromRocksDb(w.batch.Delete(db_->Cf(kReported), key), "delete");
}

absl::Status RocksDbIndicatorStore::PutValueCorrection(
    common::WriteRequest& w, absl::string_view plan_id, absl::string_view id, absl::CivilDay day,
    double previous, std::optional<double> value, absl::string_view source, absl::Time now) const {
  storage::ValueCorrectionRecord record;
  record.set_previous(previous);
  if (value.has_value()) record.set_value(*value);
  *record.mutable_time() = common::TimeToProto(now);
  record.set_source(std::string(source));
  return Put(w.batch, db_->Cf(kValueCorrections),
             absl::StrCat(plan_id, "/", id, "/", DayText(day), "/",
                          common::EncodeUint64(static_cast<uint64_t>(absl::ToUnixMicros(now)))),
             record);
}

absl::Status RocksDbIndicatorStore::PutStatus(common::WriteRequest& w, absl::string_view plan_id,
                                              absl::string_view id, IndicatorStatus status,
                                              absl::CivilDay as_of,
                                              absl::string_view reason) const {
  storage::StatusRecord record;
  record.set_status(ToProto(status));
  *record.mutable_as_of() = DateToProto(as_of);
  record.set_reason(std::string(reason));
  return Put(w.batch, db_->Cf(kStatuses), absl::StrCat(plan_id, "/", id), record);
}

absl::Status RocksDbIndicatorStore::PutEvaluationRun(
    common::WriteRequest& w, absl::string_view plan_id,
    const ecoplan::indicator::v1::EvaluationRun& run) const {
  static std::atomic<uint64_t> counter{0};
  storage::EvaluationRunRecord record;
  *record.mutable_run() = run;
  const int64_t micros = absl::ToUnixMicros(common::TimeFromProto(run.time()));
  return Put(w.batch, db_->Cf(kMeta),
             absl::StrCat("run/", plan_id, "/", common::EncodeUint64(static_cast<uint64_t>(micros)),
                          common::EncodeUint64(counter.fetch_add(1))),
             record);
}

absl::Status RocksDbIndicatorStore::PutReport(common::WriteRequest& w,
                                              const ExtractionReport& report) const {
  storage::ExtractionReportRecord record;
  *record.mutable_report() = ToProto(report);
  return Put(w.batch, db_->Cf(kReports), report.plan_id, record);
}

absl::Status RocksDbIndicatorStore::PutPlanView(common::WriteRequest& w,
                                                const PlanView& view) const {
  return Put(w.batch, db_->Cf(kPlanViews), view.plan_id, PlanViewToRecord(view));
}

}  // namespace ecoplan::indicator
