#pragma once

// Mapping between the progress domain's structs and its v1 messages, and the
// resource names. The storage adapter stores v1 messages inside its own
// records, so this is the only place the two meet.

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/mapping/proto_values.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/report_store.h"

namespace ecoplan::progress {

// Resource names.
std::string PlanName(absl::string_view plan_id);
std::string ReportName(absl::string_view plan_id, absl::string_view report_id);
std::string MeasureName(absl::string_view plan_id, absl::string_view measure_id);
std::string OrganizationName(absl::string_view org_id);
std::string ExtensionName(absl::string_view plan_id, absl::string_view measure_id, int number);
std::string CompletionName(absl::string_view plan_id, absl::string_view measure_id, int number);
std::string CalendarName(absl::string_view plan_id);
std::string HolidaysName(int year);

// An enum field's value as received: 0..max (proto3 keeps unknown numbers).
// Errors: InvalidArgument "<field> is not a known value: <value>".
absl::Status CheckEnumValue(int value, int max, absl::string_view field);

// Parsers; errors are InvalidArgument naming `field` and the expected form.
absl::StatusOr<std::string> ParsePlanName(absl::string_view name, absl::string_view field);
// plans/{plan}/reports/{org}_{period} → (plan id, report id).
absl::StatusOr<std::pair<std::string, std::string>> ParseReportName(absl::string_view name,
                                                                    absl::string_view field);
// The organization a report id ("{org}_{period}", Report::id()) belongs to.
std::string OrganizationOfReport(absl::string_view report_id);
absl::StatusOr<std::pair<std::string, std::string>> ParseMeasureName(absl::string_view name,
                                                                     absl::string_view field);
absl::StatusOr<std::string> ParseOrganizationName(absl::string_view name, absl::string_view field);
// plans/{plan}/measures/{measure}/<collection>/{n} → (plan, measure, n).
absl::StatusOr<std::tuple<std::string, std::string, int>> ParseMeasureChildName(
    absl::string_view name, absl::string_view collection, absl::string_view field);
// plans/{plan} or plans/{plan}/measures/{measure} → (plan, measure or "").
absl::StatusOr<std::pair<std::string, std::string>> ParsePlanOrMeasure(absl::string_view name,
                                                                       absl::string_view field);
absl::StatusOr<std::string> ParseCalendarName(absl::string_view name, absl::string_view field);
absl::StatusOr<int> ParseHolidaysName(absl::string_view name, absl::string_view field);

// Civil days (dates a client sends are checked with common::DateFromProto,
// times map with common::TimeToProto; see common/mapping/proto_values.h).
inline ecoplan::common::v1::Date ToProto(absl::CivilDay day) { return common::DateToProto(day); }

v1::ReportEntry ToProto(absl::string_view plan_id, const ReportEntry& entry);
// Parses the entry's measure name (it must belong to `plan_id`). Errors:
// InvalidArgument naming `field`.
absl::StatusOr<ReportEntry> FromProto(absl::string_view plan_id, const v1::ReportEntry& entry,
                                      absl::string_view field);

// A pushed entry of PrefillReport: the measure name as for ReportEntry,
// sources with a valid file_time when set. Errors: InvalidArgument naming
// `field`; the content is checked by the recorder (CheckPrefillEntries).
absl::StatusOr<PrefillEntry> FromProto(absl::string_view plan_id, const v1::PrefillEntry& entry,
                                       absl::string_view field);
v1::ReportingBurden ToProto(const ReportingBurden& burden);

v1::Report ToProto(const Report& report);
// Same, into `out` (which may live on an arena; it is expected empty).
void ToProto(const Report& report, v1::Report* out);
Report FromProto(const v1::Report& report);

v1::ReportRevision ToProto(const ReportRevision& revision);
// The revision `note` of report `report_id` without its `report` snapshot: the
// storage adapter appends the snapshot it has already serialized.
v1::ReportRevision ToProtoWithoutReport(const RevisionNote& note, absl::string_view plan_id,
                                        absl::string_view report_id);
ReportRevision FromProto(const v1::ReportRevision& revision);

v1::Extension ToProto(const Extension& extension);
Extension FromProto(const v1::Extension& extension);

v1::Completion ToProto(const Completion& completion);
Completion FromProto(const v1::Completion& completion);

v1::DueRule ToProto(const DueRule& rule);
DueRule FromProto(const v1::DueRule& rule);

// The calendar, with its period dues when `view` has them.
v1::ReportingCalendar ToProto(absl::string_view plan_id, const CalendarView& view);
v1::ReportingCalendar ToProto(absl::string_view plan_id, const CalendarRule& rule);
CalendarRule FromProto(const v1::ReportingCalendar& calendar);
v1::PeriodDue ToProto(const PeriodDueDay& due);

v1::HolidayCalendar ToProto(const HolidayYear& year);
// Errors: InvalidArgument for an invalid date.
absl::StatusOr<HolidayYear> FromProto(const v1::HolidayCalendar& calendar);

}  // namespace ecoplan::progress
