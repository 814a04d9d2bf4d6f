#include "services/indicator/storage/rocksdb_indicator_store.h"

#include <atomic>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record_io.h"
#include "services/indicator/proto_mapping.h"

namespace ecoplan::indicator {
namespace {

constexpr absl::string_view kIndicators = "indicators";
constexpr absl::string_view kRevisions = "revisions";
constexpr absl::string_view kStations = "stations";
constexpr absl::string_view kReadings = "readings";
constexpr absl::string_view kCorrections = "corrections";
constexpr absl::string_view kDaily = "daily";
constexpr absl::string_view kReported = "reported";
constexpr absl::string_view kStatuses = "statuses";
constexpr absl::string_view kReports = "reports";
constexpr absl::string_view kPlanViews = "plan_views";
constexpr absl::string_view kMeta = "meta";
constexpr absl::string_view kValueCorrections = "value_corrections";
constexpr absl::string_view kProgress = "progress";

absl::Status Put(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* cf, absl::string_view key,
                 const google::protobuf::Message& record) {
  return common::FromRocksDb(
      batch.Put(cf, rocksdb::Slice(key.data(), key.size()), record.SerializeAsString()), "put");
}

std::string ReadingKey(absl::string_view station, Pollutant p, absl::CivilHour hour) {
  return absl::StrCat(station, "/", static_cast<int>(p), "/", absl::FormatCivilTime(hour));
}

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

std::string EntryKey(absl::string_view plan_id, const LedgerEntry& e) {
  return absl::StrCat("e/", plan_id, "/", e.organization_id, "/", absl::FormatCivilTime(e.period),
                      "/", e.measure_id);
}

google::protobuf::Timestamp TimestampOf(absl::Time t) {
  google::protobuf::Timestamp out;
  const int64_t micros = absl::ToUnixMicros(t);
  out.set_seconds(micros / 1000000);
  out.set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
  return out;
}

}  // namespace

std::vector<std::string> RocksDbIndicatorStore::ColumnFamilies() {
  return {std::string(kIndicators), std::string(kRevisions),        std::string(kStations),
          std::string(kReadings),   std::string(kCorrections),      std::string(kDaily),
          std::string(kReported),   std::string(kStatuses),         std::string(kReports),
          std::string(kPlanViews),  std::string(kValueCorrections), std::string(kProgress)};
}

absl::StatusOr<std::vector<Indicator>> RocksDbIndicatorStore::LoadIndicators() const {
  std::vector<Indicator> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kIndicators, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::IndicatorRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "indicator", key));
        ECOPLAN_ASSIGN_OR_RETURN(Indicator ind, StoredIndicatorFromProto(record.indicator()));
        out.push_back(std::move(ind));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<IndicatorRevision>> RocksDbIndicatorStore::ListRevisions(
    absl::string_view plan_id, absl::string_view id) const {
  std::vector<IndicatorRevision> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kRevisions, absl::StrCat(plan_id, "/", id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::RevisionRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "revision", key));
        ECOPLAN_ASSIGN_OR_RETURN(IndicatorRevision r, FromProto(record.revision()));
        out.push_back(std::move(r));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<Station>> RocksDbIndicatorStore::LoadStations() const {
  std::vector<Station> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kStations, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::StationRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "station", key));
        out.push_back(FromProto(record.station()));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbIndicatorStore::LoadReadings(
    size_t chunk, const std::function<absl::Status(std::vector<ReadingWrite>)>& fn) const {
  std::vector<ReadingWrite> pending;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kReadings, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ReadingRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "reading", key));
        std::vector<absl::string_view> parts =
            absl::StrSplit(absl::string_view(key.data(), key.size()), '/');
        int p = -1;
        absl::CivilHour hour;
        if (parts.size() != 3 || parts[1].size() != 1 || parts[1][0] < '0' ||
            parts[1][0] >= '0' + kPollutantCount || !absl::ParseCivilTime(parts[2], &hour)) {
          return absl::DataLossError(absl::StrCat("malformed reading key ", key.ToString()));
        }
        p = parts[1][0] - '0';
        pending.push_back(
            {std::string(parts[0]), static_cast<Pollutant>(p), hour, record.value(), std::nullopt});
        if (pending.size() >= chunk) {
          ECOPLAN_RETURN_IF_ERROR(fn(std::move(pending)));
          pending.clear();
        }
        return absl::OkStatus();
      }));
  if (!pending.empty()) return fn(std::move(pending));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::pair<std::string, storage::CorrectionRecord>>>
RocksDbIndicatorStore::ListCorrections(absl::string_view station_id) const {
  std::vector<std::pair<std::string, storage::CorrectionRecord>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kCorrections, absl::StrCat(station_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::CorrectionRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "correction", key));
        // The key without its 8-byte time suffix: station/pollutant/hour.
        out.emplace_back(std::string(key.data(), key.size() > 9 ? key.size() - 9 : 0),
                         std::move(record));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::optional<storage::StationDayRecord>> RocksDbIndicatorStore::GetStationDay(
    absl::string_view station_id, absl::CivilDay day) const {
  return common::GetRecord<storage::StationDayRecord>(
      *db_, kDaily, absl::StrCat(station_id, "/", DayText(day)), "station day");
}

absl::StatusOr<std::map<std::string, std::map<std::string, std::vector<ReportedValue>>>>
RocksDbIndicatorStore::LoadReportedValues() const {
  std::map<std::string, std::map<std::string, std::vector<ReportedValue>>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kReported, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ReportedValueRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "reported value", key));
        std::vector<absl::string_view> parts =
            absl::StrSplit(absl::string_view(key.data(), key.size()), '/');
        absl::CivilDay day;
        if (parts.size() != 3 || !absl::ParseCivilTime(parts[2], &day)) {
          return absl::DataLossError(absl::StrCat("malformed reported key ", key.ToString()));
        }
        out[std::string(parts[0])][std::string(parts[1])].push_back({day, record.value()});
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::map<std::string, std::map<std::string, IndicatorStatus>>>
RocksDbIndicatorStore::LoadStatuses() const {
  std::map<std::string, std::map<std::string, IndicatorStatus>> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kStatuses, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::StatusRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "status", key));
        const std::string k = key.ToString();
        const size_t slash = k.find('/');
        if (slash == std::string::npos) {
          return absl::DataLossError(absl::StrCat("malformed status key ", k));
        }
        out[k.substr(0, slash)][k.substr(slash + 1)] = FromProto(record.status());
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::map<std::string, absl::CivilDay>> RocksDbIndicatorStore::LoadRecordedThrough()
    const {
  std::map<std::string, absl::CivilDay> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kStatuses, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::StatusRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "status", key));
        const std::string k = key.ToString();
        ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(record.as_of(), "as_of"));
        auto [it, added] = out.emplace(k.substr(0, k.find('/')), day);
        if (!added) it->second = std::max(it->second, day);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::map<std::string, ExtractionReport>> RocksDbIndicatorStore::LoadReports() const {
  std::map<std::string, ExtractionReport> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kReports, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ExtractionReportRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "extraction report", key));
        absl::StatusOr<ExtractionReport> report = FromProto(record.report());
        if (!report.ok()) {
          return absl::DataLossError(
              absl::StrCat("extraction report ", key.ToString(), ": ", report.status().message()));
        }
        out[key.ToString()] = *std::move(report);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::map<std::string, PlanView>> RocksDbIndicatorStore::LoadPlanViews() const {
  std::map<std::string, PlanView> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kPlanViews, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::PlanViewRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "plan view", key));
        out[key.ToString()] = PlanViewFromRecord(record);
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<RequestRecord>> RocksDbIndicatorStore::LoadRequests() const {
  std::vector<RequestRecord> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kMeta, "req/", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::RequestRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "request", key));
        out.push_back(RequestRecord{key.ToString().substr(4), record.method(), record.resource(),
                                    "", 0});
        return absl::OkStatus();
      }));
  return out;
}

namespace {

storage::DueRuleRecord ToRecord(const common::DueRule& rule) {
  storage::DueRuleRecord r;
  r.set_kind(static_cast<int>(rule.kind));
  r.set_n(rule.n);
  r.set_month_offset(rule.month_offset);
  return r;
}

common::DueRule FromRecord(const storage::DueRuleRecord& r) {
  common::DueRule rule;
  rule.kind =
      r.kind() == 1 ? common::DueRule::Kind::kNthWorkingDay : common::DueRule::Kind::kDayOfMonth;
  rule.n = r.n();
  rule.month_offset = r.month_offset();
  return rule;
}

}  // namespace

absl::StatusOr<std::map<std::string, common::CalendarRule>> RocksDbIndicatorStore::LoadCalendars()
    const {
  std::map<std::string, common::CalendarRule> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kMeta, "calendar/", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ReportingCalendarRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "reporting calendar", key));
        common::CalendarRule rule;
        rule.monthly_due = FromRecord(record.monthly_due());
        rule.quarterly_summaries = record.quarterly_summaries();
        rule.half_year_summaries = record.half_year_summaries();
        rule.annual_summary = record.annual_summary();
        if (record.has_summary_due()) rule.summary_due = FromRecord(record.summary_due());
        out[key.ToString().substr(9)] = rule;
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<common::HolidayYear>> RocksDbIndicatorStore::LoadHolidays() const {
  std::vector<common::HolidayYear> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kMeta, "holidays/", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::HolidayYearRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "holidays", key));
        common::HolidayYear year;
        year.year = record.year();
        for (const auto& d : record.holidays()) {
          ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(d, "holidays"));
          year.holidays.push_back(day);
        }
        for (const auto& d : record.make_up_workdays()) {
          ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(d, "make_up_workdays"));
          year.make_up_workdays.push_back(day);
        }
        out.push_back(std::move(year));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbIndicatorStore::PutCalendar(common::WriteRequest& w, absl::string_view plan_id,
                                                const common::CalendarRule& calendar) const {
  storage::ReportingCalendarRecord record;
  *record.mutable_monthly_due() = ToRecord(calendar.monthly_due);
  record.set_quarterly_summaries(calendar.quarterly_summaries);
  record.set_half_year_summaries(calendar.half_year_summaries);
  record.set_annual_summary(calendar.annual_summary);
  if (calendar.summary_due) *record.mutable_summary_due() = ToRecord(*calendar.summary_due);
  return Put(w.batch, db_->Cf(kMeta), common::Key("calendar", plan_id), record);
}

absl::Status RocksDbIndicatorStore::PutHolidays(common::WriteRequest& w,
                                                const common::HolidayYear& year) const {
  storage::HolidayYearRecord record;
  record.set_year(year.year);
  for (absl::CivilDay d : year.holidays) *record.add_holidays() = DateToProto(d);
  for (absl::CivilDay d : year.make_up_workdays) *record.add_make_up_workdays() = DateToProto(d);
  return Put(w.batch, db_->Cf(kMeta), absl::StrFormat("holidays/%04d", year.year), record);
}

absl::Status RocksDbIndicatorStore::PutIndicator(common::WriteRequest& w,
                                                 const Indicator& indicator) const {
  storage::IndicatorRecord record;
  *record.mutable_indicator() = ToProto(indicator);
  return Put(w.batch, db_->Cf(kIndicators), absl::StrCat(indicator.plan_id, "/", indicator.id),
             record);
}

absl::Status RocksDbIndicatorStore::PutRevision(common::WriteRequest& w, const Indicator& indicator,
                                                const IndicatorRevision& revision) const {
  storage::RevisionRecord record;
  *record.mutable_revision() = ToProto(revision);
  return Put(w.batch, db_->Cf(kRevisions),
             absl::StrCat(indicator.plan_id, "/", indicator.id, "/",
                          common::EncodeUint64(static_cast<uint64_t>(revision.revision))),
             record);
}

absl::Status RocksDbIndicatorStore::PutStation(common::WriteRequest& w,
                                               const Station& station) const {
  storage::StationRecord record;
  *record.mutable_station() = ToProto(station);
  return Put(w.batch, db_->Cf(kStations), station.id, record);
}

absl::Status RocksDbIndicatorStore::PutReadings(common::WriteRequest& w,
                                                const std::vector<ReadingWrite>& writes,
                                                absl::Time now) const {
  rocksdb::ColumnFamilyHandle* readings = db_->Cf(kReadings);
  rocksdb::ColumnFamilyHandle* corrections = db_->Cf(kCorrections);
  const std::string suffix = common::EncodeUint64(static_cast<uint64_t>(absl::ToUnixMicros(now)));
  storage::ReadingRecord record;
  for (const ReadingWrite& r : writes) {
    const std::string key = ReadingKey(r.station, r.pollutant, r.hour);
    record.set_value(r.value);
    ECOPLAN_RETURN_IF_ERROR(Put(w.batch, readings, key, record));
    if (r.previous.has_value()) {
      storage::CorrectionRecord c;
      c.set_previous(*r.previous);
      c.set_value(r.value);
      const int64_t micros = absl::ToUnixMicros(now);
      c.mutable_time()->set_seconds(micros / 1000000);
      c.mutable_time()->set_nanos(static_cast<int32_t>(micros % 1000000) * 1000);
      ECOPLAN_RETURN_IF_ERROR(Put(w.batch, corrections, absl::StrCat(key, "/", suffix), c));
    }
  }
  return absl::OkStatus();
}

absl::Status RocksDbIndicatorStore::PutStationDays(common::WriteRequest& w,
                                                   const std::vector<StationDay>& days) const {
  rocksdb::ColumnFamilyHandle* cf = db_->Cf(kDaily);
  for (const StationDay& d : days) {
    storage::StationDayRecord record;
    record.set_validity_standard(d.validity_standard);
    for (int k = 0; k < kDailyItemCount; ++k) {
      storage::DailyValueRecord* v = record.add_values();
      v->set_item(k);
      v->set_validity(static_cast<int>(d.values[k].validity));
      v->set_value(d.values[k].value);
      v->set_samples(d.values[k].samples);
    }
    ECOPLAN_RETURN_IF_ERROR(
        Put(w.batch, cf, absl::StrCat(d.station_id, "/", DayText(d.day)), record));
  }
  return absl::OkStatus();
}

absl::Status RocksDbIndicatorStore::PutReportedValue(common::WriteRequest& w,
                                                     absl::string_view plan_id,
                                                     absl::string_view id, absl::CivilDay day,
                                                     double value, absl::string_view source) const {
  storage::ReportedValueRecord record;
  record.set_value(value);
  record.set_source(std::string(source));
  return Put(w.batch, db_->Cf(kReported), absl::StrCat(plan_id, "/", id, "/", DayText(day)),
             record);
}

absl::Status RocksDbIndicatorStore::DeleteReportedValue(common::WriteRequest& w,
                                                        absl::string_view plan_id,
                                                        absl::string_view id,
                                                        absl::CivilDay day) const {
  const std::string key = absl::StrCat(plan_id, "/", id, "/", DayText(day));
  return common::FromRocksDb(w.batch.Delete(db_->Cf(kReported), key), "delete");
}

absl::Status RocksDbIndicatorStore::PutValueCorrection(
    common::WriteRequest& w, absl::string_view plan_id, absl::string_view id, absl::CivilDay day,
    double previous, std::optional<double> value, absl::string_view source, absl::Time now) const {
  storage::ValueCorrectionRecord record;
  record.set_previous(previous);
  if (value.has_value()) record.set_value(*value);
  *record.mutable_time() = TimestampOf(now);
  record.set_source(std::string(source));
  return Put(w.batch, db_->Cf(kValueCorrections),
             absl::StrCat(plan_id, "/", id, "/", DayText(day), "/",
                          common::EncodeUint64(static_cast<uint64_t>(absl::ToUnixMicros(now)))),
             record);
}

absl::Status RocksDbIndicatorStore::PutLedgerChange(common::WriteRequest& w,
                                                    const LedgerChange& change) const {
  rocksdb::ColumnFamilyHandle* cf = db_->Cf(kProgress);
  for (const LedgerEntry& e : change.deleted_entries) {
    ECOPLAN_RETURN_IF_ERROR(
        common::FromRocksDb(w.batch.Delete(cf, EntryKey(change.plan_id, e)), "delete"));
  }
  for (const LedgerEntry& e : change.put_entries) {
    storage::ProgressEntryRecord r;
    r.set_organization_id(e.organization_id);
    r.set_organization(e.organization);
    r.set_period(absl::FormatCivilTime(e.period));
    r.set_measure_id(e.measure_id);
    r.set_report(e.report);
    r.set_report_revision(e.report_revision);
    r.set_status(static_cast<int>(e.status));
    r.set_percent_done(e.percent_done);
    r.set_on_time(e.on_time);
    r.set_returned(e.returned);
    *r.mutable_day() = DateToProto(e.day);
    for (const EntryValue& v : e.values) {
      storage::ProgressEntryValueRecord* x = r.add_values();
      x->set_name(v.name);
      x->set_value(v.value);
      x->set_unit(v.unit);
      x->set_indicator_id(v.indicator_id);
      x->set_note(v.note);
    }
    for (const CheckpointStatement& c : e.met_checkpoints) {
      storage::CheckpointMetRecord* x = r.add_met_checkpoints();
      *x->mutable_due_date() = DateToProto(c.due);
      x->set_phrase(c.phrase);
      *x->mutable_stated_date() = DateToProto(c.stated_on);
    }
    ECOPLAN_RETURN_IF_ERROR(Put(w.batch, cf, EntryKey(change.plan_id, e), r));
  }
  if (change.completion.has_value()) {
    storage::ConfirmedCompletionRecord r;
    *r.mutable_day() = DateToProto(change.completion->second);
    ECOPLAN_RETURN_IF_ERROR(
        Put(w.batch, cf, absl::StrCat("c/", change.plan_id, "/", change.completion->first), r));
  }
  if (change.declaration.has_value()) {
    const CompletionDeclaration& d = change.declaration->second;
    storage::CompletionDeclarationRecord r;
    r.set_name(d.name);
    r.set_number(d.number);
    r.set_organization_id(d.organization_id);
    r.set_organization(d.organization);
    *r.mutable_declared() = DateToProto(d.declared);
    r.set_state(static_cast<int>(d.state));
    r.set_comment(d.comment);
    if (d.decided.has_value()) *r.mutable_decided() = DateToProto(*d.decided);
    r.set_indicator_check_overridden(d.indicator_check_overridden);
    r.set_override_reason(d.override_reason);
    ECOPLAN_RETURN_IF_ERROR(
        Put(w.batch, cf, absl::StrCat("d/", change.plan_id, "/", change.declaration->first), r));
  }
  if (change.extension.has_value()) {
    storage::ApprovedExtensionRecord r;
    *r.mutable_due() = DateToProto(change.extension->second);
    ECOPLAN_RETURN_IF_ERROR(
        Put(w.batch, cf, absl::StrCat("x/", change.plan_id, "/", change.extension->first), r));
  }
  return absl::OkStatus();
}

absl::Status RocksDbIndicatorStore::LoadProgress(ProgressLedger* ledger) const {
  return common::ScanPrefix(
      *db_, kProgress, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        const std::string k = key.ToString();
        std::vector<std::string> parts = absl::StrSplit(k, '/');
        if (parts[0] == "e" && parts.size() == 5) {
          storage::ProgressEntryRecord r;
          ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "progress entry", key));
          LedgerEntry e;
          e.organization_id = r.organization_id();
          e.organization = r.organization();
          if (!absl::ParseCivilTime(r.period(), &e.period)) {
            return absl::DataLossError(absl::StrCat("malformed period in ", k));
          }
          e.measure_id = r.measure_id();
          e.report = r.report();
          e.report_revision = r.report_revision();
          e.status = static_cast<ReportedStatus>(std::clamp(r.status(), 0, 4));
          e.percent_done = r.percent_done();
          e.on_time = r.on_time();
          e.returned = r.returned();
          ECOPLAN_ASSIGN_OR_RETURN(e.day, DateFromProto(r.day(), "day"));
          for (const storage::ProgressEntryValueRecord& x : r.values()) {
            e.values.push_back({x.name(), x.value(), x.unit(), x.indicator_id(), x.note()});
          }
          for (const storage::CheckpointMetRecord& x : r.met_checkpoints()) {
            CheckpointStatement c;
            ECOPLAN_ASSIGN_OR_RETURN(c.due, DateFromProto(x.due_date(), "due_date"));
            c.phrase = x.phrase();
            ECOPLAN_ASSIGN_OR_RETURN(c.stated_on, DateFromProto(x.stated_date(), "stated_date"));
            e.met_checkpoints.push_back(std::move(c));
          }
          ledger->PutEntry(parts[1], std::move(e));
          return absl::OkStatus();
        }
        if (parts[0] == "c" && parts.size() == 3) {
          storage::ConfirmedCompletionRecord r;
          ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "completion", key));
          ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay day, DateFromProto(r.day(), "day"));
          ledger->PutCompletion(parts[1], parts[2], day);
          return absl::OkStatus();
        }
        if (parts[0] == "d" && parts.size() == 3) {
          storage::CompletionDeclarationRecord r;
          ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "declaration", key));
          CompletionDeclaration d;
          d.name = r.name();
          d.number = r.number();
          d.organization_id = r.organization_id();
          d.organization = r.organization();
          ECOPLAN_ASSIGN_OR_RETURN(d.declared, DateFromProto(r.declared(), "declared"));
          d.state = static_cast<CompletionState>(std::clamp(r.state(), 1, 3));
          d.comment = r.comment();
          if (r.has_decided()) {
            ECOPLAN_ASSIGN_OR_RETURN(d.decided, DateFromProto(r.decided(), "decided"));
          }
          d.indicator_check_overridden = r.indicator_check_overridden();
          d.override_reason = r.override_reason();
          ledger->PutDeclaration(parts[1], parts[2], std::move(d));
          return absl::OkStatus();
        }
        if (parts[0] == "x" && parts.size() == 3) {
          storage::ApprovedExtensionRecord r;
          ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "extension", key));
          ECOPLAN_ASSIGN_OR_RETURN(absl::CivilDay due, DateFromProto(r.due(), "due"));
          ledger->PutExtension(parts[1], parts[2], due);
          return absl::OkStatus();
        }
        return absl::DataLossError(absl::StrCat("malformed progress key ", k));
      });
}

absl::StatusOr<std::vector<RocksDbIndicatorStore::ValueCorrection>>
RocksDbIndicatorStore::ListValueCorrections(absl::string_view plan_id, absl::string_view id) const {
  std::vector<ValueCorrection> out;
  const std::string prefix = absl::StrCat(plan_id, "/", id, "/");
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kValueCorrections, prefix, [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::ValueCorrectionRecord r;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "value correction", key));
        ValueCorrection c;
        const std::string k = key.ToString();
        if (k.size() < prefix.size() + 10 ||
            !absl::ParseCivilTime(k.substr(prefix.size(), 10), &c.day)) {
          return absl::DataLossError(absl::StrCat("malformed value correction key ", k));
        }
        c.previous = r.previous();
        if (r.has_value()) c.value = r.value();
        c.time = absl::FromUnixSeconds(r.time().seconds()) + absl::Nanoseconds(r.time().nanos());
        c.source = r.source();
        out.push_back(std::move(c));
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbIndicatorStore::PutStatus(common::WriteRequest& w, absl::string_view plan_id,
                                              absl::string_view id, IndicatorStatus status,
                                              absl::CivilDay as_of,
                                              absl::string_view reason) const {
  storage::StatusRecord record;
  record.set_status(ToProto(status));
  *record.mutable_as_of() = DateToProto(as_of);
  record.set_reason(std::string(reason));
  return Put(w.batch, db_->Cf(kStatuses), absl::StrCat(plan_id, "/", id), record);
}

absl::Status RocksDbIndicatorStore::PutEvaluationRun(
    common::WriteRequest& w, absl::string_view plan_id,
    const ecoplan::indicator::v1::EvaluationRun& run) const {
  static std::atomic<uint64_t> counter{0};
  storage::EvaluationRunRecord record;
  *record.mutable_run() = run;
  const int64_t micros = run.time().seconds() * 1000000 + run.time().nanos() / 1000;
  return Put(w.batch, db_->Cf(kMeta),
             absl::StrCat("run/", plan_id, "/", common::EncodeUint64(static_cast<uint64_t>(micros)),
                          common::EncodeUint64(counter.fetch_add(1))),
             record);
}

absl::StatusOr<std::vector<ecoplan::indicator::v1::EvaluationRun>>
RocksDbIndicatorStore::ListEvaluationRuns(absl::string_view plan_id) const {
  std::vector<ecoplan::indicator::v1::EvaluationRun> out;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kMeta, absl::StrCat("run/", plan_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::EvaluationRunRecord r;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &r, "evaluation run", key));
        out.push_back(r.run());
        return absl::OkStatus();
      }));
  return out;
}

absl::Status RocksDbIndicatorStore::PutReport(common::WriteRequest& w,
                                              const ExtractionReport& report) const {
  storage::ExtractionReportRecord record;
  *record.mutable_report() = ToProto(report);
  return Put(w.batch, db_->Cf(kReports), report.plan_id, record);
}

absl::Status RocksDbIndicatorStore::PutPlanView(common::WriteRequest& w,
                                                const PlanView& view) const {
  return Put(w.batch, db_->Cf(kPlanViews), view.plan_id, PlanViewToRecord(view));
}

absl::Status RocksDbIndicatorStore::PutRequest(common::WriteRequest& w,
                                               absl::string_view request_id,
                                               absl::string_view method,
                                               absl::string_view resource) const {
  storage::RequestRecord record;
  record.set_method(std::string(method));
  record.set_resource(std::string(resource));
  return Put(w.batch, db_->Cf(kMeta), common::Key("req", request_id), record);
}

}  // namespace ecoplan::indicator
