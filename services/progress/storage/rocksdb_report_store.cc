#include "services/progress/storage/rocksdb_report_store.h"

// RocksDbReportStore, the read side: its column families, the reads of the
// ReportStore port, and the lookup of a request id seen before.

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "common/storage/record_io.h"
#include "rocksdb/db.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"
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

std::vector<std::string> RocksDbReportStore::ColumnFamilies() {
  return {std::string(kReports),     std::string(kRevisions),      std::string(kExtensions),
          std::string(kCompletions), std::string(kCalendars),      std::string(kHolidays),
          std::string(kPlanViews),   std::string(kIndicatorViews), std::string(kSupervisionOrders),
          std::string(kProblemItems)};
}

absl::StatusOr<std::optional<Report>> RocksDbReportStore::GetReport(absl::string_view plan_id,
                                                                    absl::string_view report_id) {
  const size_t sep = report_id.rfind('_');
  if (sep == absl::string_view::npos) return std::optional<Report>();
  const std::string key =
      absl::StrCat(plan_id, "/", report_id.substr(sep + 1), "/", report_id.substr(0, sep));
  ECOPLAN_ASSIGN_OR_RETURN(auto record,
                           common::GetRecord<storage::ReportRecord>(*db_, kReports, key, "report"));
  if (!record) return std::optional<Report>();
  return std::optional<Report>(FromProto(record->report()));
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
