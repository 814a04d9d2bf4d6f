#pragma once

// The column families of RocksDbReportStore, its keys and its record writes,
// shared by its .cc files (the key layout is documented on the class, in
// rocksdb_report_store.h). Internal to the storage adapter.

#include <google/protobuf/message.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status/rocksdb_status.h"
#include "common/storage/key_codec.h"
#include "services/progress/domain/model.h"

namespace ecoplan::progress::report_keys {

inline constexpr absl::string_view kReports = "reports";
inline constexpr absl::string_view kRevisions = "revisions";
inline constexpr absl::string_view kExtensions = "extensions";
inline constexpr absl::string_view kCompletions = "completions";
inline constexpr absl::string_view kCalendars = "calendars";
inline constexpr absl::string_view kHolidays = "holidays";
inline constexpr absl::string_view kPlanViews = "plan_views";
inline constexpr absl::string_view kIndicatorViews = "indicator_views";
inline constexpr absl::string_view kMeta = "meta";
inline constexpr absl::string_view kSupervisionOrders = "supervision_orders";
inline constexpr absl::string_view kProblemItems = "problem_items";

inline std::string OrderKey(absl::string_view plan_id, absl::string_view order_id) {
  return absl::StrCat(plan_id, "/", order_id);
}

inline std::string ReportKey(const Report& r) {
  return absl::StrCat(r.plan_id, "/", r.period, "/", r.org_id);
}

inline std::string ChildKey(absl::string_view plan_id, absl::string_view parent, uint64_t n) {
  return absl::StrCat(plan_id, "/", parent, "/", common::EncodeUint64(n));
}

// The indicator view caught up once (IndicatorViewUpdater::MarkComplete).
inline constexpr absl::string_view kIndicatorViewCompleteKey = "view/indicator_complete";

inline std::string RequestKey(absl::string_view request_id) {
  return common::Key("req", request_id);
}

inline std::string ImportKey(absl::string_view request_id) {
  return common::Key("imp", request_id);
}

inline absl::Status PutBytes(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf,
                             absl::string_view key, absl::string_view value) {
  return common::FromRocksDb(batch.Put(cf, rocksdb::Slice(key.data(), key.size()),
                                       rocksdb::Slice(value.data(), value.size())),
                             "put");
}

inline absl::Status Put(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf,
                        absl::string_view key, const google::protobuf::Message& record) {
  return PutBytes(batch, cf, key, record.SerializeAsString());
}

}  // namespace ecoplan::progress::report_keys
