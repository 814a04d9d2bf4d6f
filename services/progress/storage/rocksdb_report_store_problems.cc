// RocksDbReportStore, problem ledgers (问题清单): the ProblemStore port over
// the same database as the reports, so that items, their events, the request
// record and an import's outcome are one WriteBatch through the same
// committer, and their events take their place in the one event log of the
// progress service.

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/events/event_log.h"
#include "common/status/status_macros.h"
#include "common/storage/record_io.h"
#include "services/progress/problem_mapping.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"
#include "services/progress/storage/report_store_keys.h"
#include "services/progress/storage/rocksdb_report_store.h"

namespace ecoplan::progress {
namespace {

namespace cv1 = ::ecoplan::common::v1;

using report_keys::ImportKey;
using report_keys::kMeta;
using report_keys::kProblemItems;
using report_keys::OrderKey;
using report_keys::Put;
using report_keys::RequestKey;

absl::StatusOr<cv1::Event> ProblemEvent(const ProblemWrite& w, const ProblemChange& change) {
  const ProblemItem& i = *w.item;
  const v1::ProblemItem item = ToProto(i, change.time, change.zone, change.plan.get());
  std::unique_ptr<google::protobuf::Message> payload;
  if (w.from_state == ProblemState::kUnspecified) {
    auto* m = new v1::ProblemItemOpened;
    payload.reset(m);
    *m->mutable_item() = item;
  } else {
    if (i.steps.empty()) return absl::InternalError("transition event without a step");
    auto* m = new v1::ProblemItemTransitioned;
    payload.reset(m);
    *m->mutable_item() = item;
    m->set_from_state(static_cast<v1::ProblemState>(w.from_state));
    *m->mutable_step() = ToProto(i.steps.back());
  }
  return common::MakeEvent(*payload, ProblemItemName(i.plan_id, i.id), change.caller.request_id,
                           change.caller.actor);
}

}  // namespace

absl::StatusOr<std::optional<ProblemItem>> RocksDbReportStore::GetProblem(
    absl::string_view plan_id, absl::string_view problem_id) {
  ECOPLAN_ASSIGN_OR_RETURN(auto record,
                           common::GetRecord<storage::ProblemItemRecord>(
                               *db_, kProblemItems, OrderKey(plan_id, problem_id), "problem item"));
  if (!record) return std::optional<ProblemItem>();
  ECOPLAN_ASSIGN_OR_RETURN(ProblemItem item, FromProto(record->item()));
  return std::optional<ProblemItem>(std::move(item));
}

absl::StatusOr<std::vector<ProblemItem>> RocksDbReportStore::ListProblems(
    absl::string_view plan_id) {
  std::vector<ProblemItem> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kProblemItems, absl::StrCat(plan_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ProblemItemRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "problem item", key));
        ECOPLAN_ASSIGN_OR_RETURN(ProblemItem item, FromProto(record.item()));
        out.push_back(std::move(item));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::optional<ImportOutcome>> RocksDbReportStore::FindImport(
    absl::string_view request_id) {
  ECOPLAN_ASSIGN_OR_RETURN(auto record, common::GetRecord<storage::ProblemImportRecord>(
                                            *db_, kMeta, ImportKey(request_id), "import"));
  if (!record) return std::optional<ImportOutcome>();
  ImportOutcome out;
  out.item_ids.assign(record->item_ids().begin(), record->item_ids().end());
  out.rows = record->rows();
  for (const v1::ImportRowError& e : record->errors()) out.errors.push_back(FromProto(e));
  return std::optional<ImportOutcome>(std::move(out));
}

absl::StatusOr<common::WriteRequest> RocksDbReportStore::BuildProblemWrite(
    const ProblemChange& change) {
  common::WriteRequest write;
  for (const ProblemWrite& w : change.writes) {
    if (w.item == nullptr) return absl::InternalError("problem change without an item");
    storage::ProblemItemRecord record;
    *record.mutable_item() = ToProto(*w.item, absl::InfinitePast(), change.zone);
    ECOPLAN_RETURN_IF_ERROR(
        Put(write.batch, db_->Cf(kProblemItems), OrderKey(w.item->plan_id, w.item->id), record));
    ECOPLAN_ASSIGN_OR_RETURN(cv1::Event event, ProblemEvent(w, change));
    write.events.push_back(std::move(event));
  }
  if (!change.caller.request_id.empty()) {
    if (change.request) {
      storage::RequestRecord request;
      request.set_method(change.request->method);
      request.set_fingerprint(change.request->fingerprint);
      request.set_resource(change.request->resource);
      request.set_revision(change.request->revision);
      ECOPLAN_RETURN_IF_ERROR(
          Put(write.batch, db_->Cf(kMeta), RequestKey(change.caller.request_id), request));
    }
    if (change.import) {
      storage::ProblemImportRecord record;
      for (const std::string& id : change.import->item_ids) record.add_item_ids(id);
      record.set_rows(change.import->rows);
      for (const ImportRowError& e : change.import->errors) *record.add_errors() = ToProto(e);
      ECOPLAN_RETURN_IF_ERROR(
          Put(write.batch, db_->Cf(kMeta), ImportKey(change.caller.request_id), record));
    }
  }
  return write;
}

void RocksDbReportStore::CommitProblemsAsync(ProblemChange change,
                                             std::function<void(absl::Status)> done) {
  absl::StatusOr<common::WriteRequest> write = BuildProblemWrite(change);
  if (!write.ok()) return done(write.status());
  db_->CommitAsync(std::move(*write),
                   [done = std::move(done)](absl::StatusOr<common::CommitResult> result) {
                     done(result.status());
                   });
}

}  // namespace ecoplan::progress
