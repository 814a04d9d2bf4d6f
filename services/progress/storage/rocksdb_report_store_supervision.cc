// RocksDbReportStore, supervision orders: the SupervisionStore port over the
// same database as the reports, so that an order's change, its request record
// and its event are one WriteBatch through the same committer, and its events
// take their place in the one event log of the progress service.

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/events/event_log.h"
#include "common/status/status_macros.h"
#include "common/storage/record_io.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"
#include "services/progress/storage/report_store_keys.h"
#include "services/progress/storage/rocksdb_report_store.h"
#include "services/progress/supervision_mapping.h"

namespace ecoplan::progress {
namespace {

namespace cv1 = ::ecoplan::common::v1;

using report_keys::kMeta;
using report_keys::kSupervisionOrders;
using report_keys::OrderKey;
using report_keys::Put;
using report_keys::RequestKey;

// Sets the order, organization and reply of a reply event (the
// organization's latest reply). Errors: Internal when it has none.
template <typename Event>
absl::Status FillReplyEvent(const SupervisionChange& change, const v1::SupervisionOrder& order,
                            Event* event) {
  const SupervisionAddressee* a = change.order->Find(change.org_id);
  if (a == nullptr || a->latest() == nullptr) {
    return absl::InternalError("reply event without the organization's reply");
  }
  *event->mutable_order() = order;
  event->set_organization(OrganizationName(change.org_id));
  *event->mutable_reply() = ToProto(*a->latest());
  return absl::OkStatus();
}

absl::StatusOr<cv1::Event> OrderEvent(SupervisionEventType type, const SupervisionChange& change) {
  const SupervisionOrder& o = *change.order;
  const v1::SupervisionOrder order = ToProto(o, change.time);
  std::unique_ptr<google::protobuf::Message> payload;
  switch (type) {
    case SupervisionEventType::kIssued: {
      auto* m = new v1::SupervisionOrderIssued;
      payload.reset(m);
      *m->mutable_order() = order;
      break;
    }
    case SupervisionEventType::kReplied: {
      auto* m = new v1::SupervisionOrderReplied;
      payload.reset(m);
      ECOPLAN_RETURN_IF_ERROR(FillReplyEvent(change, order, m));
      break;
    }
    case SupervisionEventType::kReplyReturned: {
      auto* m = new v1::SupervisionOrderReplyReturned;
      payload.reset(m);
      ECOPLAN_RETURN_IF_ERROR(FillReplyEvent(change, order, m));
      break;
    }
    case SupervisionEventType::kReplyAccepted: {
      auto* m = new v1::SupervisionOrderReplyAccepted;
      payload.reset(m);
      ECOPLAN_RETURN_IF_ERROR(FillReplyEvent(change, order, m));
      break;
    }
    case SupervisionEventType::kLevelRaised: {
      if (o.level_changes.empty()) return absl::InternalError("level event without a change");
      auto* m = new v1::SupervisionOrderLevelRaised;
      payload.reset(m);
      *m->mutable_order() = order;
      *m->mutable_change() = ToProto(o.level_changes.back());
      break;
    }
    case SupervisionEventType::kClosed: {
      auto* m = new v1::SupervisionOrderClosed;
      payload.reset(m);
      *m->mutable_order() = order;
      break;
    }
    case SupervisionEventType::kAcknowledged: {
      if (o.acknowledgements.empty()) {
        return absl::InternalError("acknowledgement event without an acknowledgement");
      }
      auto* m = new v1::SupervisionOrderAcknowledged;
      payload.reset(m);
      *m->mutable_order() = order;
      *m->mutable_acknowledgement() = ToProto(o.acknowledgements.back());
      break;
    }
  }
  if (payload == nullptr) return absl::InternalError("unexpected supervision event type");
  return common::MakeEvent(*payload, SupervisionOrderName(o.plan_id, o.id),
                           change.caller.request_id, change.caller.actor);
}

}  // namespace

absl::StatusOr<std::optional<SupervisionOrder>> RocksDbReportStore::GetOrder(
    absl::string_view plan_id, absl::string_view order_id) {
  ECOPLAN_ASSIGN_OR_RETURN(
      auto record, common::GetRecord<storage::SupervisionOrderRecord>(
                       *db_, kSupervisionOrders, OrderKey(plan_id, order_id), "supervision order"));
  if (!record) return std::optional<SupervisionOrder>();
  ECOPLAN_ASSIGN_OR_RETURN(SupervisionOrder order, FromProto(record->order()));
  return std::optional<SupervisionOrder>(std::move(order));
}

absl::StatusOr<std::vector<SupervisionOrder>> RocksDbReportStore::ListOrders(
    absl::string_view plan_id) {
  std::vector<SupervisionOrder> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kSupervisionOrders, absl::StrCat(plan_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::SupervisionOrderRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "supervision order", key));
        ECOPLAN_ASSIGN_OR_RETURN(SupervisionOrder order, FromProto(record.order()));
        out.push_back(std::move(order));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<common::WriteRequest> RocksDbReportStore::BuildOrderWrite(
    const SupervisionChange& change) {
  if (change.order == nullptr) return absl::InternalError("supervision change without an order");
  const SupervisionOrder& o = *change.order;
  common::WriteRequest write;
  storage::SupervisionOrderRecord record;
  *record.mutable_order() = ToProto(o, absl::InfinitePast());
  ECOPLAN_RETURN_IF_ERROR(
      Put(write.batch, db_->Cf(kSupervisionOrders), OrderKey(o.plan_id, o.id), record));
  if (change.request && !change.caller.request_id.empty()) {
    storage::RequestRecord request;
    request.set_method(change.request->method);
    request.set_fingerprint(change.request->fingerprint);
    request.set_resource(change.request->resource);
    request.set_revision(change.request->revision);
    ECOPLAN_RETURN_IF_ERROR(
        Put(write.batch, db_->Cf(kMeta), RequestKey(change.caller.request_id), request));
  }
  for (SupervisionEventType type : change.events) {
    ECOPLAN_ASSIGN_OR_RETURN(cv1::Event event, OrderEvent(type, change));
    write.events.push_back(std::move(event));
  }
  return write;
}

void RocksDbReportStore::CommitOrderAsync(SupervisionChange change,
                                          std::function<void(absl::Status)> done) {
  absl::StatusOr<common::WriteRequest> write = BuildOrderWrite(change);
  if (!write.ok()) return done(write.status());
  db_->CommitAsync(std::move(*write),
                   [done = std::move(done)](absl::StatusOr<common::CommitResult> result) {
                     done(result.status());
                   });
}

}  // namespace ecoplan::progress
