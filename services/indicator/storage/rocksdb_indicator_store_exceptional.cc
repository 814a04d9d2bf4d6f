// RocksDbIndicatorStore, exceptional events (例外事件): meta xe/<event_id> →
// storage.ExceptionalEventRecord, the event as served (withdrawn ones kept).

#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record_io.h"
#include "services/indicator/exceptional_event_mapping.h"
#include "services/indicator/storage/indicator_store_keys.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

using store_keys::kMeta;

absl::StatusOr<std::vector<ExceptionalEvent>> RocksDbIndicatorStore::LoadExceptionalEvents() const {
  std::vector<ExceptionalEvent> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kMeta, "xe/", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ExceptionalEventRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "exceptional event", key));
        ECOPLAN_ASSIGN_OR_RETURN(ExceptionalEvent e,
                                 StoredExceptionalEventFromProto(record.event()));
        out.push_back(std::move(e));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbIndicatorStore::PutExceptionalEvent(common::WriteRequest& w,
                                                        const ExceptionalEvent& event) const {
  storage::ExceptionalEventRecord record;
  *record.mutable_event() = ToProto(event);
  return store_keys::Put(w.batch, db_->Cf(kMeta), common::Key("xe", event.id), record);
}

}  // namespace ecoplan::indicator
