#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/idempotency/request_ledger.h"
#include "services/progress/domain/model.h"

namespace ecoplan::progress {

// The events a change emits; the payload is built from the entity of the
// same change (the report, extension, completion, calendar or holidays).
enum class EventType {
  kReportDraftSaved,
  kReportSubmitted,
  kReportRevised,
  kReportReturned,
  kReportAccepted,
  kExtensionRequested,
  kExtensionDecided,
  kCompletionDeclared,
  kCompletionConfirmed,
  kCompletionRejected,
  kCalendarChanged,
  kHolidaysLoaded,
};

// The outcome of a request id seen before (common/idempotency/request_ledger.h):
// the method, a fingerprint of the request's content, the resource it created or
// changed (a report id, "<measure_id>/<n>", a plan id, a year: what a retry reads
// its answer from), and for reports the revision it produced (so a retry returns
// exactly that revision).
using RequestRecord = common::RequestRecord;

// One entry of a report's history as a change appends it: who changed the
// report, how and why. The report after the change (the revision's snapshot)
// is the Change's `report`, so the store serializes it once for the current
// record, the revision and the event.
struct RevisionNote {
  int revision = 0;
  RevisionAction action = RevisionAction::kUnspecified;
  absl::Time time = absl::InfinitePast();
  std::string actor;
  std::string comment;
  std::vector<std::string> changes;  // as in ReportRevision
  std::string request_id;
};

// One durable change: entities, the request record and the events, written
// in one atomic batch. Unset parts are left as they are.
struct Change {
  // The report's new current state. Shared with the recorder, which answers
  // with it once the change is durable; nobody modifies it once it is set.
  std::shared_ptr<const Report> report;
  // Appended to the history of `report` (required with it), with `report` as
  // the revision's snapshot.
  std::optional<RevisionNote> revision;
  std::optional<Extension> extension;    // inserted or replaced (plan, measure, number)
  std::optional<Completion> completion;  // inserted or replaced (plan, measure, number)
  std::optional<std::pair<std::string, CalendarRule>> calendar;  // plan id → rule
  std::optional<HolidayYear> holidays;                           // replaces the year
  std::optional<RequestRecord> request;  // stored under caller.request_id when set
  std::vector<EventType> events;
  Caller caller;  // request id and actor for the events
};

// Storage port of the progress service. Reads see only durable data.
// Implementations are thread-safe; the recorder serialises conflicting writes.
class ReportStore {
 public:
  virtual ~ReportStore() = default;

  // The report or nullopt.
  virtual absl::StatusOr<std::optional<Report>> GetReport(absl::string_view plan_id,
                                                          absl::string_view report_id) = 0;
  // The same report in its v1 wire form (a serialized ecoplan.progress.v1.Report,
  // opaque to the domain, which only passes it on), or nullopt: what GetReport
  // would return, converted, without building a Report. Unimplemented: this
  // store keeps no such form, and readers take GetReport.
  virtual absl::StatusOr<std::optional<std::string>> GetReportBytes(
      absl::string_view /*plan_id*/, absl::string_view /*report_id*/) {
    return absl::UnimplementedError("the store keeps no wire form of reports");
  }
  // Reports of a plan (of one period when `period` is set), by period then organization.
  virtual absl::StatusOr<std::vector<Report>> ListReports(absl::string_view plan_id,
                                                          absl::string_view period) = 0;
  // One revision or nullopt.
  virtual absl::StatusOr<std::optional<ReportRevision>> GetRevision(absl::string_view plan_id,
                                                                    absl::string_view report_id,
                                                                    int revision) = 0;
  // Revisions, oldest first.
  virtual absl::StatusOr<std::vector<ReportRevision>> ListRevisions(
      absl::string_view plan_id, absl::string_view report_id) = 0;
  // Extension requests of a plan, or of one measure when `measure_id` is set,
  // by measure id then number.
  virtual absl::StatusOr<std::vector<Extension>> ListExtensions(absl::string_view plan_id,
                                                                absl::string_view measure_id) = 0;
  // Completion declarations, likewise.
  virtual absl::StatusOr<std::vector<Completion>> ListCompletions(absl::string_view plan_id,
                                                                  absl::string_view measure_id) = 0;
  // Every stored calendar override, plan id → rule.
  virtual absl::StatusOr<std::vector<std::pair<std::string, CalendarRule>>> ListCalendars() = 0;
  // Every loaded holiday year.
  virtual absl::StatusOr<std::vector<HolidayYear>> ListHolidays() = 0;
  // The request record stored under `request_id`, or nullopt.
  virtual absl::StatusOr<std::optional<RequestRecord>> FindRequest(
      absl::string_view request_id) = 0;

  // A number that is different after any durable change to what the reads
  // above return (e.g. the database's last sequence number), read before a
  // computation from them so that its result can be reused while the number
  // has not moved: a result computed after reading N reflects at least every
  // change acknowledged before N was read. nullopt: the store keeps none, and
  // nothing read from it is reused.
  virtual std::optional<uint64_t> ReadVersion() { return std::nullopt; }

  // Commits `change` durably and then calls `done` (on any thread; it must
  // be quick and must not call back into a blocking commit). On error nothing
  // of the change is written.
  virtual void CommitAsync(Change change, std::function<void(absl::Status)> done) = 0;
};

}  // namespace ecoplan::progress
