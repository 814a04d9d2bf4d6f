#pragma once

// The column families of RocksDbIndicatorStore and the keys and record write
// its .cc files share (the key layout is documented on the class, in
// rocksdb_indicator_store.h). Internal to the storage adapter.

#include <google/protobuf/message.h>
#include <rocksdb/write_batch.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "common/status/rocksdb_status.h"
#include "services/indicator/domain/model.h"
#include "services/indicator/domain/progress_ledger.h"

namespace ecoplan::indicator::store_keys {

inline constexpr absl::string_view kIndicators = "indicators";
inline constexpr absl::string_view kRevisions = "revisions";
inline constexpr absl::string_view kStations = "stations";
inline constexpr absl::string_view kReadings = "readings";
inline constexpr absl::string_view kCorrections = "corrections";
inline constexpr absl::string_view kDaily = "daily";
inline constexpr absl::string_view kReported = "reported";
inline constexpr absl::string_view kStatuses = "statuses";
inline constexpr absl::string_view kReports = "reports";
inline constexpr absl::string_view kPlanViews = "plan_views";
inline constexpr absl::string_view kMeta = "meta";
inline constexpr absl::string_view kValueCorrections = "value_corrections";
inline constexpr absl::string_view kProgress = "progress";

// `record` serialized under `key` in `cf` of `batch`. Errors: Internal.
inline absl::Status Put(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf,
                        absl::string_view key, const google::protobuf::Message& record) {
  return common::FromRocksDb(
      batch.Put(cf, rocksdb::Slice(key.data(), key.size()), record.SerializeAsString()), "put");
}

// readings: <station_id>/<pollutant digit>/<YYYY-MM-DDTHH>.
inline std::string ReadingKey(absl::string_view station, Pollutant p, absl::CivilHour hour) {
  return absl::StrCat(station, "/", static_cast<int>(p), "/", absl::FormatCivilTime(hour));
}

inline std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// progress: e/<plan_id>/<organization_id>/<YYYY-MM>/<measure_id>.
inline std::string EntryKey(absl::string_view plan_id, const LedgerEntry& e) {
  return absl::StrCat("e/", plan_id, "/", e.organization_id, "/", absl::FormatCivilTime(e.period),
                      "/", e.measure_id);
}

}  // namespace ecoplan::indicator::store_keys
