#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "common/calendar/reporting_calendar.h"
#include "ecoplan/common/v1/event.pb.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/indicator/domain/progress_ledger.h"

namespace ecoplan::indicator {

// Maps one event of the progress service's WatchEvents to what the indicator
// service uses (the edge between ecoplan.progress.v1 and the domain):
//   ReportSubmitted / ReportRevised / ReportAccepted / ReportReturned of a
//     monthly period → kReport with every entry (returned = the bureau returned
//     it; on_time from the recorded timeliness; the due day from the recorded
//     due time, Asia/Shanghai; each entry's met_checkpoints (due day, phrase);
//     submitted_day from the last submission time, else the event's commit
//     time, Asia/Shanghai);
//   CompletionDeclared / CompletionConfirmed / CompletionRejected →
//     kCompletionDeclared / kCompletionConfirmed / kCompletionRejected with the
//     declaration (number, declaring organization id, day declared, state, the
//     bureau's comment, decision day, indicator-check override and reason; days
//     in Asia/Shanghai); `day` is the decision day (the declaration day while
//     declared); a completion whose state does not match its event → nullopt;
//   ExtensionDecided, approved → kExtensionApproved with the new due day;
//   SupervisionOrderIssued / Replied / ReplyReturned / ReplyAccepted /
//     LevelRaised / Closed / Acknowledged → kSupervisionOrder with the whole
//     order (SupervisionOrderFact: measures, addressees with their display
//     names (empty when the event has none: the evaluation names them from
//     the plan view) and their replies' reply and verify times and verdicts, issue and close
//     time, the deadlines: the one given at issue (known exactly from an
//     Issued event or an order without level changes), then one per level
//     change, its reply day late from the start of the next day in
//     Asia/Shanghai, the last one at the order's reply_due_time) and the
//     event's sequence; a missing time is the event's commit time;
//   ProblemItemOpened / ProblemItemTransitioned → kProblemItem with the whole
//     item (code, owner (named likewise), rectification day, every step's
//     state and time, reopenings) and the event's sequence;
//   anything else (drafts, summaries of quarters, half years and years,
//   calendars, holidays) → nullopt: no effect here (calendars and holidays:
//   CalendarUpdateFromEvent, HolidaysFromEvent).
// Errors: InvalidArgument for a payload or a name that does not parse.
absl::StatusOr<std::optional<ProgressUpdate>> ProgressUpdateFromEvent(
    const ecoplan::common::v1::Event& event);

// A plan's reporting calendar as the progress service changed it.
struct CalendarUpdate {
  std::string plan_id;
  common::CalendarRule calendar;
};

// The progress service's calendar in the shared definition. An unset due
// rule is the default: the 25th of the same month.
common::CalendarRule CalendarFromProto(const ecoplan::progress::v1::ReportingCalendar& calendar);
// The working-day data of a HolidayCalendar, days in order; nullopt when its
// year is outside 2000..2100. Errors: InvalidArgument for a day that is not one.
absl::StatusOr<std::optional<common::HolidayYear>> HolidayYearFromProto(
    const ecoplan::progress::v1::HolidayCalendar& holidays);
// CalendarChanged → the plan's calendar; anything else → nullopt.
// Errors: InvalidArgument for a payload or a name that does not parse.
absl::StatusOr<std::optional<CalendarUpdate>> CalendarUpdateFromEvent(
    const ecoplan::common::v1::Event& event);
// HolidaysLoaded → the year's holidays; anything else → nullopt.
absl::StatusOr<std::optional<common::HolidayYear>> HolidaysFromEvent(
    const ecoplan::common::v1::Event& event);

}  // namespace ecoplan::indicator
