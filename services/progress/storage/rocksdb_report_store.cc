#include "services/progress/storage/rocksdb_report_store.h"

#include <rocksdb/iterator.h>

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
constexpr absl::string_view kMeta = "meta";

std::string ReportKey(const Report& r) { return absl::StrCat(r.plan_id, "/", r.period, "/", r.org_id); }

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

template <typename Record>
absl::StatusOr<std::optional<Record>> GetRecord(common::RocksDb* db, absl::string_view cf,
                                                absl::string_view key, absl::string_view what) {
  absl::StatusOr<std::string> value = db->Get(cf, key);
  if (absl::IsNotFound(value.status())) return std::optional<Record>();
  if (!value.ok()) return value.status();
  Record record;
  if (!record.ParseFromString(*value)) {
    return absl::DataLossError(absl::StrCat("corrupt ", what, " record at key ", key));
  }
  return std::optional<Record>(std::move(record));
}

absl::Status Put(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf,
                 absl::string_view key, const google::protobuf::Message& record) {
  return common::FromRocksDb(batch.Put(cf, rocksdb::Slice(key.data(), key.size()),
                                       record.SerializeAsString()),
                             "put");
}

}  // namespace

std::vector<std::string> RocksDbReportStore::ColumnFamilies() {
  return {std::string(kReports),   std::string(kRevisions), std::string(kExtensions),
          std::string(kCompletions), std::string(kCalendars), std::string(kHolidays),
          std::string(kPlanViews)};
}

absl::StatusOr<std::optional<Report>> RocksDbReportStore::GetReport(absl::string_view plan_id,
                                                                    absl::string_view report_id) {
  const size_t sep = report_id.rfind('_');
  if (sep == absl::string_view::npos) return std::optional<Report>();
  const std::string key = absl::StrCat(plan_id, "/", report_id.substr(sep + 1), "/",
                                       report_id.substr(0, sep));
  ECOPLAN_ASSIGN_OR_RETURN(auto record, GetRecord<storage::ReportRecord>(db_, kReports, key, "report"));
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
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(
      db_, kRevisions, absl::StrCat(plan_id, "/", report_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::RevisionRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "revision", key));
        revisions.push_back(FromProto(record.revision()));
        return absl::OkStatus();
      }));
  return revisions;
}

absl::StatusOr<std::vector<Extension>> RocksDbReportStore::ListExtensions(
    absl::string_view plan_id, absl::string_view measure_id) {
  std::vector<Extension> out;
  const std::string prefix = measure_id.empty() ? absl::StrCat(plan_id, "/")
                                                : absl::StrCat(plan_id, "/", measure_id, "/");
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
  const std::string prefix = measure_id.empty() ? absl::StrCat(plan_id, "/")
                                                : absl::StrCat(plan_id, "/", measure_id, "/");
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
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(
      db_, kCalendars, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::CalendarRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "calendar", key));
        out.emplace_back(key.ToString(), FromProto(record.calendar()));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<HolidayYear>> RocksDbReportStore::ListHolidays() {
  std::vector<HolidayYear> out;
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(
      db_, kHolidays, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
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
  return std::optional<RequestRecord>(
      RequestRecord{record->method(), record->fingerprint(), record->resource(), record->revision()});
}

absl::StatusOr<common::WriteRequest> RocksDbReportStore::BuildWrite(const Change& change) {
  common::WriteRequest write;
  rocksdb::WriteBatch& batch = write.batch;
  if (change.report) {
    storage::ReportRecord record;
    *record.mutable_report() = ToProto(*change.report);
    ECOPLAN_RETURN_IF_ERROR(Put(batch, db_->Cf(kReports), ReportKey(*change.report), record));
  }
  if (change.revision) {
    storage::RevisionRecord record;
    *record.mutable_revision() = ToProto(*change.revision);
    const Report& r = change.revision->report;
    ECOPLAN_RETURN_IF_ERROR(Put(batch, db_->Cf(kRevisions),
                                ChildKey(r.plan_id, r.id(), change.revision->revision), record));
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
    ECOPLAN_RETURN_IF_ERROR(Put(batch, db_->Cf(kHolidays),
                                absl::StrFormat("%04d", change.holidays->year), record));
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
    auto report_payload = [&](auto message) -> absl::Status {
      if (!change.report) return absl::InternalError("report event without a report");
      *message->mutable_report() = ToProto(*change.report);
      payload.reset(message);
      return absl::OkStatus();
    };
    switch (type) {
      case EventType::kReportDraftSaved:
        ECOPLAN_RETURN_IF_ERROR(report_payload(new v1::ReportDraftSaved));
        break;
      case EventType::kReportSubmitted:
        ECOPLAN_RETURN_IF_ERROR(report_payload(new v1::ReportSubmitted));
        break;
      case EventType::kReportRevised: {
        auto* m = new v1::ReportRevised;
        if (change.revision) {
          for (const std::string& c : change.revision->changes) m->add_changes(c);
        }
        ECOPLAN_RETURN_IF_ERROR(report_payload(m));
        break;
      }
      case EventType::kReportReturned:
        ECOPLAN_RETURN_IF_ERROR(report_payload(new v1::ReportReturned));
        break;
      case EventType::kReportAccepted:
        ECOPLAN_RETURN_IF_ERROR(report_payload(new v1::ReportAccepted));
        break;
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
        event_resource = ReportName(change.report->plan_id, change.report->id());
        break;
    }
    write.events.push_back(common::MakeEvent(*payload, event_resource, change.caller.request_id,
                                             change.caller.actor));
  }
  return write;
}

void RocksDbReportStore::CommitAsync(Change change, std::function<void(absl::Status)> done) {
  absl::StatusOr<common::WriteRequest> write = BuildWrite(change);
  if (!write.ok()) return done(write.status());
  db_->CommitAsync(std::move(*write), [done = std::move(done)](
                                          absl::StatusOr<common::CommitResult> result) {
    done(result.status());
  });
}

absl::StatusOr<std::vector<std::shared_ptr<PlanInfo>>> RocksDbReportStore::LoadPlanViews() {
  std::vector<std::shared_ptr<PlanInfo>> out;
  ECOPLAN_RETURN_IF_ERROR(ScanPrefix(
      db_, kPlanViews, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::PlanViewRecord record;
        ECOPLAN_RETURN_IF_ERROR(Parse(value, &record, "plan view", key));
        auto plan = std::make_shared<PlanInfo>();
        plan->id = record.id();
        plan->title = record.title();
        plan->year = record.year();
        plan->time_zone = record.time_zone();
        plan->reporting_due_day = record.reporting_due_day();
        plan->registry_sequence = record.registry_sequence();
        plan->organizations.insert(record.organizations().begin(), record.organizations().end());
        for (const storage::MeasureView& m : record.measures()) {
          MeasureInfo info;
          info.id = m.id();
          info.text = m.text();
          info.deadline_raw = m.deadline().raw();
          info.deadline_kind = m.deadline().kind();
          if (m.deadline().has_window_start()) {
            if (auto d = DateFromProto(m.deadline().window_start(), "d"); d.ok()) info.window_start = *d;
          }
          if (m.deadline().has_due_date()) {
            if (auto d = DateFromProto(m.deadline().due_date(), "d"); d.ok()) info.due = *d;
          }
          info.lead_org_ids.assign(m.lead_org_ids().begin(), m.lead_org_ids().end());
          info.responsible_org_ids.assign(m.responsible_org_ids().begin(),
                                          m.responsible_org_ids().end());
          plan->measures.push_back(std::move(info));
        }
        plan->Index();
        out.push_back(std::move(plan));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbReportStore::PutPlanView(rocksdb::WriteBatch& batch, const PlanInfo& plan) {
  storage::PlanViewRecord record;
  record.set_id(plan.id);
  record.set_title(plan.title);
  record.set_year(plan.year);
  record.set_time_zone(plan.time_zone);
  record.set_reporting_due_day(plan.reporting_due_day);
  record.set_registry_sequence(plan.registry_sequence);
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
  }
  return Put(batch, db_->Cf(kPlanViews), plan.id, record);
}

}  // namespace ecoplan::progress
