#include "services/progress/storage/rocksdb_report_store.h"

// RocksDbReportStore, the read side: its column families, the reads of the
// ReportStore port, and the lookup of a request id seen before.

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/record_io.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "rocksdb/db.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"
#include "services/progress/storage/report_framing.h"
#include "services/progress/storage/report_store_keys.h"

namespace ecoplan::progress {

using report_keys::ChildKey;
using report_keys::kCalendars;
using report_keys::kCompletions;
using report_keys::kExtensions;
using report_keys::kHolidays;
using report_keys::kIndicatorViews;
using report_keys::kMeta;
using report_keys::kPlanViews;
using report_keys::kProblemItems;
using report_keys::kReports;
using report_keys::kRevisions;
using report_keys::kSupervisionOrders;
using report_keys::RequestKey;

using report_framing::kReportRecordReport;

std::vector<std::string> RocksDbReportStore::ColumnFamilies() {
  return {std::string(kReports),     std::string(kRevisions),      std::string(kExtensions),
          std::string(kCompletions), std::string(kCalendars),      std::string(kHolidays),
          std::string(kPlanViews),   std::string(kIndicatorViews), std::string(kSupervisionOrders),
          std::string(kProblemItems)};
}

namespace {

// The key of report "<org_id>_<period>" of `plan_id`: <plan_id>/<period>/<org_id>;
// nullopt for an id without '_' (no such report can exist).
std::optional<std::string> CurrentReportKey(absl::string_view plan_id,
                                            absl::string_view report_id) {
  const size_t sep = report_id.rfind('_');
  if (sep == absl::string_view::npos) return std::nullopt;
  return absl::StrCat(plan_id, "/", report_id.substr(sep + 1), "/", report_id.substr(0, sep));
}

// The bytes of field `field` when `record` is exactly that one length-delimited
// field, once; nullopt for any other shape (e.g. a record with more fields,
// which protobuf's parser would merge).
std::optional<absl::string_view> SoleField(absl::string_view record, uint32_t field) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(record.data()),
                                            static_cast<int>(record.size()));
  if (in.ReadTag() != google::protobuf::internal::WireFormatLite::MakeTag(
                          static_cast<int>(field),
                          google::protobuf::internal::WireFormatLite::WIRETYPE_LENGTH_DELIMITED)) {
    return std::nullopt;
  }
  uint32_t size = 0;
  if (!in.ReadVarint32(&size)) return std::nullopt;
  const size_t start = static_cast<size_t>(in.CurrentPosition());
  if (start + size != record.size()) return std::nullopt;
  return record.substr(start);
}

}  // namespace

absl::StatusOr<std::optional<Report>> RocksDbReportStore::GetReport(absl::string_view plan_id,
                                                                    absl::string_view report_id) {
  const std::optional<std::string> key = CurrentReportKey(plan_id, report_id);
  if (!key) return std::optional<Report>();
  ECOPLAN_ASSIGN_OR_RETURN(
      auto record, common::GetRecord<storage::ReportRecord>(*db_, kReports, *key, "report"));
  if (!record) return std::optional<Report>();
  return std::optional<Report>(FromProto(record->report()));
}

// The record is storage.ReportRecord{report = 1}, written by BuildWrite as the
// report's serialized v1 message framed as field 1, so the report's bytes are
// the record's after that field's tag and length; they are copied out of the
// pinned value as they are. Every field of v1.Report is mapped both ways by
// ToProto/FromProto and every stored report was written by ToProto, so these
// bytes are those GetReport + ToProto + serialization give (tested). A record
// of another shape takes that path here instead.
absl::StatusOr<std::optional<std::string>> RocksDbReportStore::GetReportBytes(
    absl::string_view plan_id, absl::string_view report_id) {
  const std::optional<std::string> key = CurrentReportKey(plan_id, report_id);
  if (!key) return std::optional<std::string>();
  rocksdb::PinnableSlice value;
  const rocksdb::Status s = db_->db()->Get(rocksdb::ReadOptions(), db_->Cf(kReports), *key, &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  if (!s.ok()) return common::FromRocksDb(s, absl::StrCat("get ", kReports));
  const absl::string_view record(value.data(), value.size());
  if (std::optional<absl::string_view> report = SoleField(record, kReportRecordReport)) {
    return std::optional<std::string>(std::string(*report));
  }
  storage::ReportRecord parsed;
  ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &parsed, "report", *key));
  return std::optional<std::string>(ToProto(FromProto(parsed.report())).SerializeAsString());
}

absl::StatusOr<std::vector<Report>> RocksDbReportStore::ListReports(absl::string_view plan_id,
                                                                    absl::string_view period) {
  std::vector<Report> reports;
  const std::string prefix =
      period.empty() ? absl::StrCat(plan_id, "/") : absl::StrCat(plan_id, "/", period, "/");
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kReports, prefix, [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ReportRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "report", key));
        reports.push_back(FromProto(record.report()));
        return absl::OkStatus();
      }));
  return reports;
}

std::optional<uint64_t> RocksDbReportStore::ReadVersion() {
  // Published once a write is in the memtable, i.e. before the committer
  // acknowledges it; a read after this sees at least that write.
  return db_->db()->GetLatestSequenceNumber();
}

absl::StatusOr<std::optional<ReportRevision>> RocksDbReportStore::GetRevision(
    absl::string_view plan_id, absl::string_view report_id, int revision) {
  ECOPLAN_ASSIGN_OR_RETURN(
      auto record, common::GetRecord<storage::RevisionRecord>(
                       *db_, kRevisions, ChildKey(plan_id, report_id, revision), "revision"));
  if (!record) return std::optional<ReportRevision>();
  return std::optional<ReportRevision>(FromProto(record->revision()));
}

absl::StatusOr<std::vector<ReportRevision>> RocksDbReportStore::ListRevisions(
    absl::string_view plan_id, absl::string_view report_id) {
  std::vector<ReportRevision> revisions;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kRevisions, absl::StrCat(plan_id, "/", report_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::RevisionRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "revision", key));
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
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kExtensions, prefix, [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ExtensionRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "extension", key));
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
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kCompletions, prefix, [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::CompletionRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "completion", key));
        out.push_back(FromProto(record.completion()));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<std::pair<std::string, CalendarRule>>>
RocksDbReportStore::ListCalendars() {
  std::vector<std::pair<std::string, CalendarRule>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kCalendars, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::CalendarRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "calendar", key));
        out.emplace_back(key.ToString(), FromProto(record.calendar()));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<HolidayYear>> RocksDbReportStore::ListHolidays() {
  std::vector<HolidayYear> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kHolidays, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::HolidaysRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "holidays", key));
        ECOPLAN_ASSIGN_OR_RETURN(HolidayYear year, FromProto(record.holidays()));
        out.push_back(std::move(year));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::optional<RequestRecord>> RocksDbReportStore::FindRequest(
    absl::string_view request_id) {
  ECOPLAN_ASSIGN_OR_RETURN(auto record, common::GetRecord<storage::RequestRecord>(
                                            *db_, kMeta, RequestKey(request_id), "request"));
  if (!record) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(RequestRecord{std::string(request_id), record->method(),
                                                    record->resource(), record->fingerprint(),
                                                    record->revision()});
}

}  // namespace ecoplan::progress
