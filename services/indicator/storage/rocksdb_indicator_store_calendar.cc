// RocksDbIndicatorStore: the reporting calendars and holiday years
// (meta: calendar/<plan_id>, holidays/<YYYY>), loaded and written.

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record_io.h"
#include "services/indicator/proto_mapping.h"
#include "services/indicator/storage/indicator_store_keys.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

using store_keys::kMeta;
using store_keys::Put;

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

}  // namespace ecoplan::indicator
