// RocksDbIndicatorStore, the read side: its column families, the loads of
// the IndicatorStore port and the reads for audits and tests; and the
// request-id records (written with the change they answer).

#include "services/indicator/storage/rocksdb_indicator_store.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record_io.h"
#include "services/indicator/proto_mapping.h"
#include "services/indicator/storage/indicator_store_keys.h"

namespace ecoplan::indicator {

using store_keys::DayText;
using store_keys::kCorrections;
using store_keys::kDaily;
using store_keys::kIndicators;
using store_keys::kMeta;
using store_keys::kPlanViews;
using store_keys::kProgress;
using store_keys::kReadings;
using store_keys::kReported;
using store_keys::kReports;
using store_keys::kRevisions;
using store_keys::kStations;
using store_keys::kStatuses;
using store_keys::kValueCorrections;
using store_keys::Put;

std::vector<std::string> RocksDbIndicatorStore::ColumnFamilies() {
  return {std::string(kIndicators), std::string(kRevisions),        std::string(kStations),
          std::string(kReadings),   std::string(kCorrections),      std::string(kDaily),
          std::string(kReported),   std::string(kStatuses),         std::string(kReports),
          std::string(kPlanViews),  std::string(kValueCorrections), std::string(kProgress)};
}

absl::StatusOr<std::vector<Indicator>> RocksDbIndicatorStore::LoadIndicators() const {
  std::vector<Indicator> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kIndicators, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::IndicatorRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "indicator", key));
        ECOPLAN_ASSIGN_OR_RETURN(Indicator ind, StoredIndicatorFromProto(record.indicator()));
        out.push_back(std::move(ind));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<IndicatorRevision>> RocksDbIndicatorStore::ListRevisions(
    absl::string_view plan_id, absl::string_view id) const {
  std::vector<IndicatorRevision> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kRevisions, absl::StrCat(plan_id, "/", id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::RevisionRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "revision", key));
        ECOPLAN_ASSIGN_OR_RETURN(IndicatorRevision r, FromProto(record.revision()));
        out.push_back(std::move(r));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<Station>> RocksDbIndicatorStore::LoadStations() const {
  std::vector<Station> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kStations, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::StationRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "station", key));
        out.push_back(FromProto(record.station()));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbIndicatorStore::LoadReadings(
    size_t chunk, const std::function<absl::Status(std::vector<ReadingWrite>)>& fn) const {
  std::vector<ReadingWrite> pending;
  auto add = [&](ReadingWrite r) -> absl::Status {
    pending.push_back(std::move(r));
    if (pending.size() >= chunk) {
      ECOPLAN_RETURN_IF_ERROR(fn(std::move(pending)));
      pending.clear();
    }
    return absl::OkStatus();
  };
  // The station-days whose record holds their readings ("<station>/<day>");
  // the "readings" of older releases are read only for the others.
  absl::flat_hash_set<std::string> whole_days;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kDaily, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::StationDayRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "station day", key));
        if (!record.holds_readings()) return absl::OkStatus();
        const absl::string_view k(key.data(), key.size());
        const size_t slash = k.find('/');
        absl::CivilDay day;
        if (slash == absl::string_view::npos || !absl::ParseCivilTime(k.substr(slash + 1), &day)) {
          return absl::DataLossError(absl::StrCat("malformed daily key ", key.ToString()));
        }
        const std::string station(k.substr(0, slash));
        for (const storage::HourlySeriesRecord& series : record.hours()) {
          const int p = series.pollutant();
          if (p < 0 || p >= kPollutantCount ||
              series.values_size() != __builtin_popcount(series.present()) ||
              (series.present() >> 24) != 0) {
            return absl::DataLossError(absl::StrCat("malformed readings in ", key.ToString()));
          }
          int n = 0;
          for (int h = 0; h < 24; ++h) {
            if (((series.present() >> h) & 1u) == 0) continue;
            const Verification v = ((series.audited() >> h) & 1u) ? Verification::kAudited
                                                                  : Verification::kProvisional;
            ECOPLAN_RETURN_IF_ERROR(add({station, static_cast<Pollutant>(p),
                                         absl::CivilHour(day.year(), day.month(), day.day(), h),
                                         series.values(n++), std::nullopt, v}));
          }
        }
        whole_days.insert(std::string(k));
        return absl::OkStatus();
      }));
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kReadings, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        std::vector<absl::string_view> parts =
            absl::StrSplit(absl::string_view(key.data(), key.size()), '/');
        absl::CivilHour hour;
        if (parts.size() != 3 || parts[1].size() != 1 || parts[1][0] < '0' ||
            parts[1][0] >= '0' + kPollutantCount || !absl::ParseCivilTime(parts[2], &hour)) {
          return absl::DataLossError(absl::StrCat("malformed reading key ", key.ToString()));
        }
        if (whole_days.contains(absl::StrCat(parts[0], "/", DayText(absl::CivilDay(hour))))) {
          return absl::OkStatus();  // superseded by its station-day's record
        }
        storage::ReadingRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "reading", key));
        const int p = parts[1][0] - '0';
        return add({std::string(parts[0]), static_cast<Pollutant>(p), hour, record.value(),
                    std::nullopt, VerificationFromProto(record.verification())});
      }));
  if (!pending.empty()) return fn(std::move(pending));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<std::string, storage::CorrectionRecord>>>
RocksDbIndicatorStore::ListCorrections(absl::string_view station_id) const {
  std::vector<std::pair<std::string, storage::CorrectionRecord>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kCorrections, absl::StrCat(station_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::CorrectionRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "correction", key));
        // The key without its 8-byte time suffix: station/pollutant/hour.
        out.emplace_back(std::string(key.data(), key.size() > 9 ? key.size() - 9 : 0),
                         std::move(record));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::optional<storage::StationDayRecord>> RocksDbIndicatorStore::GetStationDay(
    absl::string_view station_id, absl::CivilDay day) const {
  return common::GetRecord<storage::StationDayRecord>(
      *db_, kDaily, absl::StrCat(station_id, "/", DayText(day)), "station day");
}

absl::StatusOr<std::map<std::string, std::map<std::string, std::vector<ReportedValue>>>>
RocksDbIndicatorStore::LoadReportedValues() const {
  std::map<std::string, std::map<std::string, std::vector<ReportedValue>>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kReported, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ReportedValueRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "reported value", key));
        std::vector<absl::string_view> parts =
            absl::StrSplit(absl::string_view(key.data(), key.size()), '/');
        absl::CivilDay day;
        if (parts.size() != 3 || !absl::ParseCivilTime(parts[2], &day)) {
          return absl::DataLossError(absl::StrCat("malformed reported key ", key.ToString()));
        }
        out[std::string(parts[0])][std::string(parts[1])].push_back({day, record.value()});
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::map<std::string, std::map<std::string, IndicatorStatus>>>
RocksDbIndicatorStore::LoadStatuses() const {
  std::map<std::string, std::map<std::string, IndicatorStatus>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kStatuses, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::StatusRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "status", key));
        const std::string k = key.ToString();
        const size_t slash = k.find('/');
        if (slash == std::string::npos) {
          return absl::DataLossError(absl::StrCat("malformed status key ", k));
        }
        out[k.substr(0, slash)][k.substr(slash + 1)] = FromProto(record.status());
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::map<std::string, absl::CivilDay>> RocksDbIndicatorStore::LoadRecordedThrough()
    const {
  std::map<std::string, absl::CivilDay> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kStatuses, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::StatusRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "status", key));
        const std::string k = key.ToString();
        ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(record.as_of(), "as_of"));
        auto [it, added] = out.emplace(k.substr(0, k.find('/')), day);
        if (!added) it->second = std::max(it->second, day);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::map<std::string, ExtractionReport>> RocksDbIndicatorStore::LoadReports() const {
  std::map<std::string, ExtractionReport> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kReports, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ExtractionReportRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "extraction report", key));
        absl::StatusOr<ExtractionReport> report = FromProto(record.report());
        if (!report.ok()) {
          return absl::DataLossError(
              absl::StrCat("extraction report ", key.ToString(), ": ", report.status().message()));
        }
        out[key.ToString()] = *std::move(report);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::map<std::string, PlanView>> RocksDbIndicatorStore::LoadPlanViews() const {
  std::map<std::string, PlanView> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kPlanViews, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::PlanViewRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "plan view", key));
        out[key.ToString()] = PlanViewFromRecord(record);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<RequestRecord>> RocksDbIndicatorStore::LoadRequests() const {
  std::vector<RequestRecord> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kMeta, "req/", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::RequestRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "request", key));
        out.push_back(
            RequestRecord{key.ToString().substr(4), record.method(), record.resource(), "", 0});
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<RocksDbIndicatorStore::ValueCorrection>>
RocksDbIndicatorStore::ListValueCorrections(absl::string_view plan_id, absl::string_view id) const {
  std::vector<ValueCorrection> out;
  const std::string prefix = absl::StrCat(plan_id, "/", id, "/");
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kValueCorrections, prefix, [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ValueCorrectionRecord r;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "value correction", key));
        ValueCorrection c;
        const std::string k = key.ToString();
        if (k.size() < prefix.size() + 10 ||
            !absl::ParseCivilTime(k.substr(prefix.size(), 10), &c.day)) {
          return absl::DataLossError(absl::StrCat("malformed value correction key ", k));
        }
        c.previous = r.previous();
        if (r.has_value()) c.value = r.value();
        c.time = common::TimeFromProto(r.time());
        c.source = r.source();
        out.push_back(std::move(c));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<ecoplan::indicator::v1::EvaluationRun>>
RocksDbIndicatorStore::ListEvaluationRuns(absl::string_view plan_id) const {
  std::vector<ecoplan::indicator::v1::EvaluationRun> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kMeta, absl::StrCat("run/", plan_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::EvaluationRunRecord r;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "evaluation run", key));
        out.push_back(r.run());
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbIndicatorStore::PutRequest(common::WriteRequest& w,
                                               absl::string_view request_id,
                                               absl::string_view method,
                                               absl::string_view resource) const {
  storage::RequestRecord record;
  record.set_method(std::string(method));
  record.set_resource(std::string(resource));
  return Put(w.batch, db_->Cf(kMeta), common::Key("req", request_id), record);
}

}  // namespace ecoplan::indicator
