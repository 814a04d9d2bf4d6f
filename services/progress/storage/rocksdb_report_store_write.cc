// RocksDbReportStore, the write side: a domain Change as one WriteRequest —
// the report serialized once and framed into its records and events
// (report_framing.h), the other entities, the request record and the events —
// committed through RocksDb.

#include <google/protobuf/arena.h>

#include <memory>
#include <utility>

#include "absl/strings/str_format.h"
#include "common/events/event_log.h"
#include "common/status/status_macros.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"
#include "services/progress/storage/report_bytes_scope.h"
#include "services/progress/storage/report_framing.h"
#include "services/progress/storage/report_store_keys.h"
#include "services/progress/storage/rocksdb_report_store.h"

namespace ecoplan::progress {
namespace {

namespace cv1 = ::ecoplan::common::v1;

using report_framing::AppendField;
using report_framing::FieldSize;
using report_framing::kReportRecordReport;
using report_framing::ReportEvent;
using report_framing::RevisionRecordBytes;
using report_keys::ChildKey;
using report_keys::kCalendars;
using report_keys::kCompletions;
using report_keys::kExtensions;
using report_keys::kHolidays;
using report_keys::kMeta;
using report_keys::kReports;
using report_keys::kRevisions;
using report_keys::Put;
using report_keys::PutBytes;
using report_keys::ReportKey;
using report_keys::RequestKey;

// The report's v1 message, converted and serialized once for the current
// record, the revision snapshot and the event payload.
std::string SerializeReport(const Report& r) {
  // The message and its entries live on an arena: one block, freed at once.
  char first_block[4096];
  google::protobuf::ArenaOptions options;
  options.initial_block = first_block;
  options.initial_block_size = sizeof(first_block);
  google::protobuf::Arena arena(options);
  v1::Report* proto = google::protobuf::Arena::CreateMessage<v1::Report>(&arena);
  ToProto(r, proto);
  std::string report_bytes;
  proto->SerializeToString(&report_bytes);
  return report_bytes;
}

// The writes of the change's extension, completion, calendar and holidays.
absl::Status PutOtherEntities(common::RocksDb* db, const Change& change,
                              rocksdb::WriteBatch& batch) {
  if (change.extension) {
    const Extension& e = *change.extension;
    storage::ExtensionRecord record;
    *record.mutable_extension() = ToProto(e);
    ECOPLAN_RETURN_IF_ERROR(
        Put(batch, db->Cf(kExtensions), ChildKey(e.plan_id, e.measure_id, e.number), record));
  }
  if (change.completion) {
    const Completion& c = *change.completion;
    storage::CompletionRecord record;
    *record.mutable_completion() = ToProto(c);
    ECOPLAN_RETURN_IF_ERROR(
        Put(batch, db->Cf(kCompletions), ChildKey(c.plan_id, c.measure_id, c.number), record));
  }
  if (change.calendar) {
    storage::CalendarRecord record;
    *record.mutable_calendar() = ToProto(change.calendar->first, change.calendar->second);
    ECOPLAN_RETURN_IF_ERROR(Put(batch, db->Cf(kCalendars), change.calendar->first, record));
  }
  if (change.holidays) {
    storage::HolidaysRecord record;
    *record.mutable_holidays() = ToProto(*change.holidays);
    ECOPLAN_RETURN_IF_ERROR(
        Put(batch, db->Cf(kHolidays), absl::StrFormat("%04d", change.holidays->year), record));
  }
  return absl::OkStatus();
}

bool IsReportEvent(EventType type) {
  switch (type) {
    case EventType::kReportDraftSaved:
    case EventType::kReportSubmitted:
    case EventType::kReportRevised:
    case EventType::kReportReturned:
    case EventType::kReportAccepted:
      return true;
    default:
      return false;
  }
}

// The event of a report change (IsReportEvent(type)), with the report's bytes
// framed. Errors: Internal when the change holds no report.
absl::StatusOr<cv1::Event> ReportChangeEvent(EventType type, const Change& change,
                                             absl::string_view report_bytes,
                                             absl::string_view report_id) {
  if (!change.report) return absl::InternalError("report event without a report");
  std::string resource = ReportName(change.report->plan_id, report_id);
  const Caller& caller = change.caller;
  switch (type) {
    case EventType::kReportDraftSaved:
      return ReportEvent<v1::ReportDraftSaved>(report_bytes, nullptr, std::move(resource), caller);
    case EventType::kReportSubmitted:
      return ReportEvent<v1::ReportSubmitted>(report_bytes, nullptr, std::move(resource), caller);
    case EventType::kReportRevised:
      return ReportEvent<v1::ReportRevised>(report_bytes,
                                            change.revision ? &change.revision->changes : nullptr,
                                            std::move(resource), caller);
    case EventType::kReportReturned:
      return ReportEvent<v1::ReportReturned>(report_bytes, nullptr, std::move(resource), caller);
    default:
      return ReportEvent<v1::ReportAccepted>(report_bytes, nullptr, std::move(resource), caller);
  }
}

// The event of an extension, completion, calendar or holidays change.
// Errors: Internal when the change holds no such entity.
absl::StatusOr<cv1::Event> EntityChangeEvent(EventType type, const Change& change) {
  std::unique_ptr<google::protobuf::Message> payload;
  std::string resource;
  switch (type) {
    case EventType::kExtensionRequested:
    case EventType::kExtensionDecided: {
      if (!change.extension) return absl::InternalError("extension event without extension");
      if (type == EventType::kExtensionRequested) {
        auto* m = new v1::ExtensionRequested;
        *m->mutable_extension() = ToProto(*change.extension);
        payload.reset(m);
      } else {
        auto* m = new v1::ExtensionDecided;
        *m->mutable_extension() = ToProto(*change.extension);
        payload.reset(m);
      }
      resource = ExtensionName(change.extension->plan_id, change.extension->measure_id,
                               change.extension->number);
      break;
    }
    case EventType::kCompletionDeclared:
    case EventType::kCompletionConfirmed:
    case EventType::kCompletionRejected: {
      if (!change.completion) return absl::InternalError("completion event without completion");
      const v1::Completion c = ToProto(*change.completion);
      if (type == EventType::kCompletionDeclared) {
        auto* m = new v1::CompletionDeclared;
        *m->mutable_completion() = c;
        payload.reset(m);
      } else if (type == EventType::kCompletionConfirmed) {
        auto* m = new v1::CompletionConfirmed;
        *m->mutable_completion() = c;
        payload.reset(m);
      } else {
        auto* m = new v1::CompletionRejected;
        *m->mutable_completion() = c;
        payload.reset(m);
      }
      resource = CompletionName(change.completion->plan_id, change.completion->measure_id,
                                change.completion->number);
      break;
    }
    case EventType::kCalendarChanged: {
      if (!change.calendar) return absl::InternalError("calendar event without calendar");
      auto* m = new v1::CalendarChanged;
      *m->mutable_calendar() = ToProto(change.calendar->first, change.calendar->second);
      payload.reset(m);
      resource = CalendarName(change.calendar->first);
      break;
    }
    case EventType::kHolidaysLoaded: {
      if (!change.holidays) return absl::InternalError("holidays event without holidays");
      auto* m = new v1::HolidaysLoaded;
      *m->mutable_holidays() = ToProto(*change.holidays);
      payload.reset(m);
      resource = HolidaysName(change.holidays->year);
      break;
    }
    default:
      return absl::InternalError("unexpected event type");
  }
  return common::MakeEvent(*payload, resource, change.caller.request_id, change.caller.actor);
}

}  // namespace

absl::StatusOr<common::WriteRequest> RocksDbReportStore::BuildWrite(const Change& change) {
  common::WriteRequest write;
  rocksdb::WriteBatch& batch = write.batch;
  std::string report_bytes;
  std::string report_id;
  if (change.report) {
    const Report& r = *change.report;
    report_id = r.id();
    report_bytes = SerializeReport(r);
    // The batch holds the report twice (current record and revision) besides
    // small records: size it once instead of growing it by doubling.
    batch = rocksdb::WriteBatch(2 * report_bytes.size() + 1024);
    std::string record;
    record.reserve(FieldSize(kReportRecordReport, report_bytes.size()));
    AppendField(kReportRecordReport, report_bytes, &record);
    ECOPLAN_RETURN_IF_ERROR(PutBytes(batch, db_->Cf(kReports), ReportKey(r), record));
  }
  if (change.revision) {
    if (!change.report) return absl::InternalError("report revision without a report");
    const std::string& plan_id = change.report->plan_id;
    ECOPLAN_RETURN_IF_ERROR(PutBytes(
        batch, db_->Cf(kRevisions), ChildKey(plan_id, report_id, change.revision->revision),
        RevisionRecordBytes(ToProtoWithoutReport(*change.revision, plan_id, report_id),
                            report_bytes)));
  }
  ECOPLAN_RETURN_IF_ERROR(PutOtherEntities(db_, change, batch));
  if (change.request && !change.caller.request_id.empty()) {
    storage::RequestRecord record;
    record.set_method(change.request->method);
    record.set_fingerprint(change.request->fingerprint);
    record.set_resource(change.request->resource);
    record.set_revision(change.request->revision);
    ECOPLAN_RETURN_IF_ERROR(
        Put(batch, db_->Cf(kMeta), RequestKey(change.caller.request_id), record));
  }
  for (EventType type : change.events) {
    ECOPLAN_ASSIGN_OR_RETURN(cv1::Event event,
                             IsReportEvent(type)
                                 ? ReportChangeEvent(type, change, report_bytes, report_id)
                                 : EntityChangeEvent(type, change));
    write.events.push_back(std::move(event));
  }
  // The caller's handler answers with these very bytes (report_bytes_scope.h)
  // instead of converting and serializing the report a second time.
  if (change.report) {
    if (SerializedReport* sink = ReportBytesScope::Current()) {
      sink->Keep(*change.report, std::move(report_bytes));
    }
  }
  return write;
}

void RocksDbReportStore::CommitAsync(Change change, std::function<void(absl::Status)> done) {
  absl::StatusOr<common::WriteRequest> write = BuildWrite(change);
  if (!write.ok()) return done(write.status());
  db_->CommitAsync(std::move(*write),
                   [done = std::move(done)](absl::StatusOr<common::CommitResult> result) {
                     done(result.status());
                   });
}

}  // namespace ecoplan::progress
