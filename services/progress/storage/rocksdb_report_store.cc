#include "services/progress/storage/rocksdb_report_store.h"

#include <google/protobuf/arena.h>
#include <rocksdb/iterator.h>
#include <rocksdb/slice.h>

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/events/event_log.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"

namespace ecoplan::progress {
namespace {

namespace storage = ::ecoplan::progress::storage;
namespace cv1 = ::ecoplan::common::v1;

constexpr absl::string_view kReports = "reports";
constexpr absl::string_view kRevisions = "revisions";
constexpr absl::string_view kExtensions = "extensions";
constexpr absl::string_view kCompletions = "completions";
constexpr absl::string_view kCalendars = "calendars";
constexpr absl::string_view kHolidays = "holidays";
constexpr absl::string_view kPlanViews = "plan_views";
constexpr absl::string_view kIndicatorViews = "indicator_views";
constexpr absl::string_view kMeta = "meta";

std::string ReportKey(const Report& r) {
  return absl::StrCat(r.plan_id, "/", r.period, "/", r.org_id);
}

std::string ChildKey(absl::string_view plan_id, absl::string_view parent, uint64_t n) {
  return absl::StrCat(plan_id, "/", parent, "/", common::EncodeUint64(n));
}

std::string RequestKey(absl::string_view request_id) { return common::Key("req", request_id); }

template <typename Record>
absl::Status Parse(const rocksdb::Slice& value, Record* record, absl::string_view what,
                   const rocksdb::Slice& key) {
  if (!record->ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("corrupt ", what, " record at key ", key.ToString()));
  }
  return absl::OkStatus();
}

// Calls `fn(key, value)` for every key starting with `prefix` in `cf`, in order.
template <typename Fn>
absl::Status ScanPrefix(common::RocksDb* db, absl::string_view cf, absl::string_view prefix,
                        Fn fn) {
  rocksdb::ReadOptions options;
  const std::string end = common::PrefixEnd(prefix);
  rocksdb::Slice upper(end);
  if (!end.empty()) options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(db->db()->NewIterator(options, db->Cf(cf)));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    ECOPLAN_RETURN_IF_ERROR(fn(it->key(), it->value()));
  }
  return common::FromRocksDb(it->status(), absl::StrCat("scan ", cf));
}

// Reads one record; nullopt when the key is absent. A point read on the write
// path (every SubmitReport looks its request id up, and nearly always finds
// nothing), so the value is parsed where RocksDB pins it and a miss builds no
// error status.
template <typename Record>
absl::StatusOr<std::optional<Record>> GetRecord(common::RocksDb* db, absl::string_view cf,
                                                absl::string_view key, absl::string_view what) {
  rocksdb::PinnableSlice value;
  const rocksdb::Status s = db->db()->Get(rocksdb::ReadOptions(), db->Cf(cf),
                                          rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::optional<Record>();
  if (!s.ok()) return common::FromRocksDb(s, absl::StrCat("get ", cf));
  Record record;
  if (!record.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
    return absl::DataLossError(absl::StrCat("corrupt ", what, " record at key ", key));
  }
  return std::optional<Record>(std::move(record));
}

absl::Status PutBytes(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf,
                      absl::string_view key, absl::string_view value) {
  return common::FromRocksDb(batch.Put(cf, rocksdb::Slice(key.data(), key.size()),
                                       rocksdb::Slice(value.data(), value.size())),
                             "put");
}

absl::Status Put(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                 const google::protobuf::Message& record) {
  return PutBytes(batch, cf, key, record.SerializeAsString());
}

// A report is written three times by one change (current record, revision
// snapshot, event payload). An embedded message is on the wire a
// length-delimited field holding the message's bytes, so the report is
// serialized once and those bytes are framed into each record.
void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Size of a length-delimited field of `size` bytes (tag, length, bytes).
size_t FieldSize(uint32_t field, size_t size) {
  return VarintSize(uint64_t{field} << 3) + VarintSize(size) + size;
}

// Appends the tag and length of a length-delimited field (wire type 2).
void AppendFieldHeader(uint32_t field, size_t size, std::string* out) {
  AppendVarint((uint64_t{field} << 3) | 2, out);
  AppendVarint(size, out);
}

void AppendField(uint32_t field, absl::string_view bytes, std::string* out) {
  AppendFieldHeader(field, bytes.size(), out);
  out->append(bytes.data(), bytes.size());
}

// Field numbers of the records and payloads that embed a v1.Report.
constexpr uint32_t kReportRecordReport = storage::ReportRecord::kReportFieldNumber;
constexpr uint32_t kRevisionRecordRevision = storage::RevisionRecord::kRevisionFieldNumber;
constexpr uint32_t kRevisionReport = v1::ReportRevision::kReportFieldNumber;
constexpr uint32_t kPayloadReport = v1::ReportSubmitted::kReportFieldNumber;
constexpr uint32_t kRevisedChanges = v1::ReportRevised::kChangesFieldNumber;
static_assert(v1::ReportDraftSaved::kReportFieldNumber == kPayloadReport &&
                  v1::ReportRevised::kReportFieldNumber == kPayloadReport &&
                  v1::ReportReturned::kReportFieldNumber == kPayloadReport &&
                  v1::ReportAccepted::kReportFieldNumber == kPayloadReport,
              "every report event holds the report in the same field");

// storage.RevisionRecord{revision: `header` with report = `report_bytes`}.
std::string RevisionRecordBytes(const v1::ReportRevision& header, absl::string_view report_bytes) {
  std::string header_bytes;
  header.SerializeToString(&header_bytes);
  const size_t revision_size =
      header_bytes.size() + FieldSize(kRevisionReport, report_bytes.size());
  std::string out;
  out.reserve(FieldSize(kRevisionRecordRevision, revision_size));
  AppendFieldHeader(kRevisionRecordRevision, revision_size, &out);
  out.append(header_bytes);
  AppendField(kRevisionReport, report_bytes, &out);
  return out;
}

// The event of a report change, as common::MakeEvent would build it from the
// payload message `Payload` holding the report (and, for ReportRevised, the
// changes), with the report's bytes framed instead of serialized again.
template <typename Payload>
cv1::Event ReportEvent(absl::string_view report_bytes, const std::vector<std::string>* changes,
                       std::string resource, const Caller& caller) {
  const std::string& type = Payload::descriptor()->full_name();
  std::string payload;
  size_t size = FieldSize(kPayloadReport, report_bytes.size());
  if (changes != nullptr) {
    for (const std::string& c : *changes) size += FieldSize(kRevisedChanges, c.size());
  }
  payload.reserve(size);
  AppendField(kPayloadReport, report_bytes, &payload);
  if (changes != nullptr) {
    for (const std::string& c : *changes) AppendField(kRevisedChanges, c, &payload);
  }
  cv1::Event event;
  event.set_type(type);
  event.set_resource(std::move(resource));
  event.set_request_id(caller.request_id);
  event.set_actor(caller.actor);
  event.mutable_payload()->set_type_url(absl::StrCat("type.googleapis.com/", type));
  event.mutable_payload()->set_value(std::move(payload));
  return event;
}

}  // namespace

std::vector<std::string> RocksDbReportStore::ColumnFamilies() {
  return {std::string(kReports),     std::string(kRevisions),     std::string(kExtensions),
          std::string(kCompletions), std::string(kCalendars),     std::string(kHolidays),
          std::string(kPlanViews),   std::string(kIndicatorViews)};
}

absl::StatusOr<std::optional<Report>> RocksDbReportStore::GetReport(absl::string_view plan_id,
                                                                    absl::string_view report_id) {
  const size_t sep = report_id.rfind('_');
  if (sep == absl::string_view::npos) return std::optional<Report>();
  const std::string key =
      absl::StrCat(plan_id, "/", report_id.substr(sep + 1), "/", report_id.substr(0, sep));
  ECOPLAN_ASSIGN_OR_RETURN(auto record,
                           GetRecord<storage::ReportRecord>(db_, kReports, key, "report"));
  if (!record) return std::optional<Report>();
  return std::optional<Report>(FromProto(record->report()));
}

absl::StatusOr<std::vector<Report>> RocksDbReportStore::ListReports(absl::string_view plan_id,
                                                                    absl::string_view period) {
  std::vector<Report> reports;
  const std::string prefix =
      period.empty() ? absl::StrCat(plan_id, "/") : absl::StrCat(plan_id, "/", period, "/");
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(
      db_, kReports, prefix, [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ReportRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "report", key));
        reports.push_back(FromProto(record.report()));
        return absl::OkStatus();
      }));
  return reports;
}

absl::StatusOr<std::optional<ReportRevision>> RocksDbReportStore::GetRevision(
    absl::string_view plan_id, absl::string_view report_id, int revision) {
  ECOPLAN_ASSIGN_OR_RETURN(
      auto record, GetRecord<storage::RevisionRecord>(
                       db_, kRevisions, ChildKey(plan_id, report_id, revision), "revision"));
  if (!record) return std::optional<ReportRevision>();
  return std::optional<ReportRevision>(FromProto(record->revision()));
}

absl::StatusOr<std::vector<ReportRevision>> RocksDbReportStore::ListRevisions(
    absl::string_view plan_id, absl::string_view report_id) {
  std::vector<ReportRevision> revisions;
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(db_, kRevisions, absl::StrCat(plan_id, "/", report_id, "/"),
                                     [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
                                       storage::RevisionRecord record;
                                       ECOPLAN_RETURN_IF_ERROR(
                                           Parse(value, &record, "revision", key));
                                       revisions.push_back(FromProto(record.revision()));
                                       return absl::OkStatus();
                                     }));
  return revisions;
}

absl::StatusOr<std::vector<Extension>> RocksDbReportStore::ListExtensions(
    absl::string_view plan_id, absl::string_view measure_id) {
  std::vector<Extension> out;
  const std::string prefix =
      measure_id.empty() ? absl::StrCat(plan_id, "/") : absl::StrCat(plan_id, "/", measure_id, "/");
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(
      db_, kExtensions, prefix, [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ExtensionRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "extension", key));
        out.push_back(FromProto(record.extension()));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<Completion>> RocksDbReportStore::ListCompletions(
    absl::string_view plan_id, absl::string_view measure_id) {
  std::vector<Completion> out;
  const std::string prefix =
      measure_id.empty() ? absl::StrCat(plan_id, "/") : absl::StrCat(plan_id, "/", measure_id, "/");
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(
      db_, kCompletions, prefix, [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::CompletionRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "completion", key));
        out.push_back(FromProto(record.completion()));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, CalendarRule>>>
RocksDbReportStore::ListCalendars() {
  std::vector<std::pair<std::string, CalendarRule>> out;
  ECOPLAN_RETURN_IF_ERROR(
      ScanPrefix(db_, kCalendars, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::CalendarRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "calendar", key));
        out.emplace_back(key.ToString(), FromProto(record.calendar()));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<HolidayYear>> RocksDbReportStore::ListHolidays() {
  std::vector<HolidayYear> out;
  ECOPLAN_RETURN_IF_ERROR(
      ScanPrefix(db_, kHolidays, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::HolidaysRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "holidays", key));
        ECOPLAN_ASSIGN_OR_RETURN(HolidayYear year, FromProto(record.holidays()));
        out.push_back(std::move(year));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::optional<RequestRecord>> RocksDbReportStore::FindRequest(
    absl::string_view request_id) {
  ECOPLAN_ASSIGN_OR_RETURN(auto record, GetRecord<storage::RequestRecord>(
                                            db_, kMeta, RequestKey(request_id), "request"));
  if (!record) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(RequestRecord{record->method(), record->fingerprint(),
                                                    record->resource(), record->revision()});
}

absl::StatusOr<common::WriteRequest> RocksDbReportStore::BuildWrite(const Change& change) {
  common::WriteRequest write;
  rocksdb::WriteBatch& batch = write.batch;
  // The report's v1 message, converted and serialized once for the current
  // record, the revision snapshot and the event payload.
  std::string report_bytes;
  std::string report_id;
  if (change.report) {
    const Report& r = *change.report;
    report_id = r.id();
    // The message and its entries live on an arena: one block, freed at once.
    char first_block[4096];
    google::protobuf::ArenaOptions options;
    options.initial_block = first_block;
    options.initial_block_size = sizeof(first_block);
    google::protobuf::Arena arena(options);
    v1::Report* proto = google::protobuf::Arena::CreateMessage<v1::Report>(&arena);
    ToProto(r, proto);
    proto->SerializeToString(&report_bytes);
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
  if (change.extension) {
    const Extension& e = *change.extension;
    storage::ExtensionRecord record;
    *record.mutable_extension() = ToProto(e);
    ECOPLAN_RETURN_IF_ERROR(
        Put(batch, db_->Cf(kExtensions), ChildKey(e.plan_id, e.measure_id, e.number), record));
  }
  if (change.completion) {
    const Completion& c = *change.completion;
    storage::CompletionRecord record;
    *record.mutable_completion() = ToProto(c);
    ECOPLAN_RETURN_IF_ERROR(
        Put(batch, db_->Cf(kCompletions), ChildKey(c.plan_id, c.measure_id, c.number), record));
  }
  if (change.calendar) {
    storage::CalendarRecord record;
    *record.mutable_calendar() = ToProto(change.calendar->first, change.calendar->second);
    ECOPLAN_RETURN_IF_ERROR(Put(batch, db_->Cf(kCalendars), change.calendar->first, record));
  }
  if (change.holidays) {
    storage::HolidaysRecord record;
    *record.mutable_holidays() = ToProto(*change.holidays);
    ECOPLAN_RETURN_IF_ERROR(
        Put(batch, db_->Cf(kHolidays), absl::StrFormat("%04d", change.holidays->year), record));
  }
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
    std::unique_ptr<google::protobuf::Message> payload;
    switch (type) {
      case EventType::kReportDraftSaved:
      case EventType::kReportSubmitted:
      case EventType::kReportRevised:
      case EventType::kReportReturned:
      case EventType::kReportAccepted: {
        if (!change.report) return absl::InternalError("report event without a report");
        std::string resource = ReportName(change.report->plan_id, report_id);
        const Caller& caller = change.caller;
        if (type == EventType::kReportDraftSaved) {
          write.events.push_back(ReportEvent<v1::ReportDraftSaved>(report_bytes, nullptr,
                                                                   std::move(resource), caller));
        } else if (type == EventType::kReportSubmitted) {
          write.events.push_back(
              ReportEvent<v1::ReportSubmitted>(report_bytes, nullptr, std::move(resource), caller));
        } else if (type == EventType::kReportRevised) {
          write.events.push_back(ReportEvent<v1::ReportRevised>(
              report_bytes, change.revision ? &change.revision->changes : nullptr,
              std::move(resource), caller));
        } else if (type == EventType::kReportReturned) {
          write.events.push_back(
              ReportEvent<v1::ReportReturned>(report_bytes, nullptr, std::move(resource), caller));
        } else {
          write.events.push_back(
              ReportEvent<v1::ReportAccepted>(report_bytes, nullptr, std::move(resource), caller));
        }
        continue;
      }
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
        break;
      }
      case EventType::kCalendarChanged: {
        if (!change.calendar) return absl::InternalError("calendar event without calendar");
        auto* m = new v1::CalendarChanged;
        *m->mutable_calendar() = ToProto(change.calendar->first, change.calendar->second);
        payload.reset(m);
        break;
      }
      case EventType::kHolidaysLoaded: {
        if (!change.holidays) return absl::InternalError("holidays event without holidays");
        auto* m = new v1::HolidaysLoaded;
        *m->mutable_holidays() = ToProto(*change.holidays);
        payload.reset(m);
        break;
      }
    }
    std::string event_resource;
    switch (type) {
      case EventType::kExtensionRequested:
      case EventType::kExtensionDecided:
        event_resource = ExtensionName(change.extension->plan_id, change.extension->measure_id,
                                       change.extension->number);
        break;
      case EventType::kCompletionDeclared:
      case EventType::kCompletionConfirmed:
      case EventType::kCompletionRejected:
        event_resource = CompletionName(change.completion->plan_id, change.completion->measure_id,
                                        change.completion->number);
        break;
      case EventType::kCalendarChanged:
        event_resource = CalendarName(change.calendar->first);
        break;
      case EventType::kHolidaysLoaded:
        event_resource = HolidaysName(change.holidays->year);
        break;
      default:
        return absl::InternalError("unexpected event type");
    }
    write.events.push_back(
        common::MakeEvent(*payload, event_resource, change.caller.request_id, change.caller.actor));
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

absl::StatusOr<std::vector<std::shared_ptr<PlanInfo>>> RocksDbReportStore::LoadPlanViews() {
  std::vector<std::shared_ptr<PlanInfo>> out;
  ECOPLAN_RETURN_IF_ERROR(
      ScanPrefix(db_, kPlanViews, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::PlanViewRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "plan view", key));
        auto plan = std::make_shared<PlanInfo>();
        plan->id = record.id();
        plan->title = record.title();
        plan->year = record.year();
        plan->time_zone = record.time_zone();
        plan->reporting_due_day = record.reporting_due_day();
        plan->registry_sequence = record.registry_sequence();
        plan->stored_format = static_cast<int>(record.format());
        if (record.has_issue_date()) {
          if (auto d = common::DateFromProto(record.issue_date(), "issue_date"); d.ok()) {
            plan->issue_date = *d;
          }
        }
        plan->organizations.insert(record.organizations().begin(), record.organizations().end());
        for (const storage::MeasureView& m : record.measures()) {
          MeasureInfo info;
          info.id = m.id();
          info.text = m.text();
          info.deadline_raw = m.deadline().raw();
          info.deadline_kind = m.deadline().kind();
          if (m.deadline().has_window_start()) {
            if (auto d = common::DateFromProto(m.deadline().window_start(), "d"); d.ok())
              info.window_start = *d;
          }
          if (m.deadline().has_due_date()) {
            if (auto d = common::DateFromProto(m.deadline().due_date(), "d"); d.ok()) info.due = *d;
          }
          info.lead_org_ids.assign(m.lead_org_ids().begin(), m.lead_org_ids().end());
          info.responsible_org_ids.assign(m.responsible_org_ids().begin(),
                                          m.responsible_org_ids().end());
          for (const storage::CheckpointView& c : m.checkpoints()) {
            CheckpointInfo checkpoint;
            checkpoint.phrase = c.phrase();
            for (const auto& day : c.due_dates()) {
              if (auto d = common::DateFromProto(day, "d"); d.ok()) checkpoint.dues.push_back(*d);
            }
            info.checkpoints.push_back(std::move(checkpoint));
          }
          plan->measures.push_back(std::move(info));
        }
        plan->Index();
        out.push_back(std::move(plan));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbReportStore::WritePlanView(const PlanInfo& plan) {
  common::WriteRequest write;
  ECOPLAN_RETURN_IF_ERROR(PutPlanView(write.batch, plan));
  return db_->Commit(std::move(write)).status();
}

absl::Status RocksDbReportStore::PutPlanView(rocksdb::WriteBatch& batch, const PlanInfo& plan) {
  storage::PlanViewRecord record;
  record.set_id(plan.id);
  record.set_title(plan.title);
  record.set_year(plan.year);
  record.set_time_zone(plan.time_zone);
  record.set_reporting_due_day(plan.reporting_due_day);
  record.set_registry_sequence(plan.registry_sequence);
  record.set_format(kPlanViewFormat);  // a view is always written whole, as this release has it
  if (plan.issue_date.has_value()) *record.mutable_issue_date() = ToProto(*plan.issue_date);
  record.mutable_organizations()->insert(plan.organizations.begin(), plan.organizations.end());
  for (const MeasureInfo& m : plan.measures) {
    storage::MeasureView* v = record.add_measures();
    v->set_id(m.id);
    v->set_text(m.text);
    cv1::Deadline* d = v->mutable_deadline();
    d->set_raw(m.deadline_raw);
    d->set_kind(static_cast<cv1::DeadlineKind>(m.deadline_kind));
    if (m.window_start) *d->mutable_window_start() = ToProto(*m.window_start);
    if (m.due) *d->mutable_due_date() = ToProto(*m.due);
    for (const std::string& id : m.lead_org_ids) v->add_lead_org_ids(id);
    for (const std::string& id : m.responsible_org_ids) v->add_responsible_org_ids(id);
    for (const CheckpointInfo& c : m.checkpoints) {
      storage::CheckpointView* cv = v->add_checkpoints();
      cv->set_phrase(c.phrase);
      for (absl::CivilDay d : c.dues) *cv->add_due_dates() = ToProto(d);
    }
  }
  return Put(batch, db_->Cf(kPlanViews), plan.id, record);
}

absl::StatusOr<std::vector<std::shared_ptr<IndicatorFacts>>>
RocksDbReportStore::LoadIndicatorViews() {
  std::vector<std::shared_ptr<IndicatorFacts>> out;
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(
      db_, kIndicatorViews, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::IndicatorViewRecord r;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &r, "indicator view", key));
        auto f = std::make_shared<IndicatorFacts>();
        f->plan_id = r.plan_id();
        f->id = r.id();
        f->display_name = r.display_name();
        f->unit = r.unit();
        f->measure_ids.assign(r.measure_ids().begin(), r.measure_ids().end());
        f->retired = r.retired();
        if (r.has_target_value()) f->target_value = r.target_value();
        f->target_text = r.target_text();
        f->status = r.status() >= 0 && r.status() <= 5 ? static_cast<IndicatorState>(r.status())
                                                       : IndicatorState::kUnknown;
        if (r.has_value()) f->value = r.value();
        if (r.has_value_date()) {
          if (auto d = common::DateFromProto(r.value_date(), "value_date"); d.ok())
            f->value_date = *d;
        }
        if (r.has_as_of()) {
          if (auto d = common::DateFromProto(r.as_of(), "as_of"); d.ok()) f->as_of = *d;
        }
        if (r.has_status_target()) f->status_target = r.status_target();
        f->status_target_text = r.status_target_text();
        f->reason = r.reason();
        f->sequence = r.sequence();
        out.push_back(std::move(f));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbReportStore::PutIndicatorView(rocksdb::WriteBatch& batch,
                                                  const IndicatorFacts& f) {
  storage::IndicatorViewRecord r;
  r.set_plan_id(f.plan_id);
  r.set_id(f.id);
  r.set_display_name(f.display_name);
  r.set_unit(f.unit);
  for (const std::string& m : f.measure_ids) r.add_measure_ids(m);
  r.set_retired(f.retired);
  if (f.target_value) r.set_target_value(*f.target_value);
  r.set_target_text(f.target_text);
  r.set_status(static_cast<int32_t>(f.status));
  if (f.value) r.set_value(*f.value);
  if (f.value_date) *r.mutable_value_date() = ToProto(*f.value_date);
  if (f.as_of) *r.mutable_as_of() = ToProto(*f.as_of);
  if (f.status_target) r.set_status_target(*f.status_target);
  r.set_status_target_text(f.status_target_text);
  r.set_reason(f.reason);
  r.set_sequence(f.sequence);
  return Put(batch, db_->Cf(kIndicatorViews), absl::StrCat(f.plan_id, "/", f.id), r);
}

}  // namespace ecoplan::progress
