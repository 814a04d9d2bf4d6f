#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "common/concurrency/keyed_serializer.h"
#include "common/time/clock.h"
#include "services/progress/domain/indicator_view.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/plan_view.h"
#include "services/progress/domain/report_provenance.h"
#include "services/progress/domain/report_store.h"

namespace ecoplan::progress {

// Limits on caller-supplied data (text lengths in Unicode code points).
inline constexpr size_t kMaxEntries = 300;           // and no more than the org owns
inline constexpr size_t kMaxEntryTextLength = 4000;  // work_done, problems, next_steps, summary
inline constexpr size_t kMaxValues = 50;             // quantitative values per entry
inline constexpr size_t kMaxValueNameLength = 100;
inline constexpr size_t kMaxUnitLength = 32;
inline constexpr size_t kMaxEvidenceLinks = 20;
inline constexpr size_t kMaxMetCheckpoints = 50;  // checkpoints stated met per entry
inline constexpr size_t kMaxUrlLength = 2000;
inline constexpr size_t kMaxCommentLength = 2000;  // review and decision comments, reasons
inline constexpr size_t kMaxActorLength = 128;
// Reports the write path keeps after committing them (see ProgressRecorder).
inline constexpr size_t kMaxCachedReports = 4096;

// A report as a caller saves or submits it.
struct ReportSubmission {
  std::string plan_id;
  std::string org_id;
  std::string period;
  std::vector<ReportEntry> entries;
  std::string summary;
  bool draft = false;
  std::string etag;  // required when the report exists
};

// Filters of ListReports; unset (empty / kUnspecified) filters match all.
struct ReportFilter {
  std::string org_id;
  std::string period;
  std::string measure_id;
  ReportState state = ReportState::kUnspecified;
  MeasureStatus entry_status = MeasureStatus::kUnspecified;
  Timeliness timeliness = Timeliness::kUnspecified;
};

struct PageRequest {
  int page_size = 0;  // 0: default
  std::string page_token;
};

struct ReportPage {
  std::vector<Report> reports;
  std::string next_page_token;
  int total_size = 0;
};

// kNotOwed: no report, and none owed (the period was due on or before the
// plan's issue date, common::IsOwed).
enum class SubmissionState {
  kUnspecified = 0,
  kOnTime = 1,
  kLate = 2,
  kDraftOnly = 3,
  kMissing = 4,
  kNotOwed = 5
};

struct OrgSubmission {
  std::string org_id;
  std::string org_name;
  SubmissionState state = SubmissionState::kUnspecified;
  std::string report_id;  // empty when missing
  ReportState report_state = ReportState::kUnspecified;
  int owned_measure_count = 0;
  std::vector<std::string> measures_without_entry;  // measure ids, plan order
  absl::Duration lateness = absl::ZeroDuration();
  ReportingBurden burden;  // of its report (zero without one)
};

struct SubmissionStatus {
  PeriodDueDay due;
  bool owed = true;  // false: due on or before the plan's issue date (common::IsOwed)
  std::vector<OrgSubmission> organizations;  // by display name
  int on_time = 0, late = 0, draft_only = 0, missing = 0;
  ReportingBurden burden;  // summed over the organizations
};

struct OrgProgress {
  std::string org_id;
  std::string org_name;
  bool lead = false;
  std::string report_id;  // empty: never reported on the measure
  std::string period;
  std::optional<ReportEntry> entry;
};

struct MeasureProgress {
  MeasureInfo measure;
  std::optional<absl::CivilDay> effective_due;
  bool overdue = false;
  bool completed = false;
  std::vector<OrgProgress> organizations;  // leads first, then responsible organizations
  std::vector<Extension> extensions;
  std::vector<Completion> completions;
};

struct HistoryItem {
  std::string period;
  std::string org_id;
  std::string report_id;
  ReportState report_state = ReportState::kUnspecified;
  ReportEntry entry;
};

struct CalendarView {
  std::string time_zone;
  CalendarRule rule;
  std::vector<PeriodDueDay> dues;
};

// The bureau's override of the indicator check of a confirmation.
struct IndicatorOverride {
  bool requested = false;  // confirm although the indicator data does not support it
  std::string reason;      // why; 1..kMaxCommentLength characters, only with `requested`
};

template <typename T>
using Callback = std::function<void(absl::StatusOr<T>)>;

// The progress service's use cases: save and submit reports, review them,
// extension requests, completion sign-off, the reporting calendar, and the
// queries over them.
//
// Writes answer through a callback once durable (ReportStore::CommitAsync),
// so no caller thread waits on disk. Conflicting writes are serialised per
// resource (a report; a measure's extensions and completions; a plan's
// calendar; a holiday year; a request id) by a common::KeyedSerializer that holds the
// key from the etag check until the commit's callback, never by a global
// lock: writes to different reports reach the store's group commit together.
// Validation against the plan happens first, on the caller's thread, against
// the PlanDirectory (the local view of the registry); nothing is written on a
// bad request.
//
// The recorder keeps the reports it committed last (up to kMaxCachedReports),
// so that revising a report does not read and parse again what it just wrote.
// It therefore must be the only writer of reports in `store` (a restored
// database is opened by a new recorder).
//
// With `indicators` (the local view of the indicator service), confirming a
// completion is checked against the measure's indicators (see
// DecideCompletion); without it (nullptr), completions are confirmed on the
// bureau's word alone.
//
// Thread-safe. `store`, `plans`, `clock` and `indicators` (may be null) must
// outlive the recorder; `dispatch` runs queued work (see KeyedSerializer).
//
// The implementation is split by concept: progress_recorder.cc (the shared
// machinery: checks, serialisation, request ids, the report cache), and
// progress_recorder_submit.cc, _review.cc, _extensions.cc, _completions.cc,
// _calendar.cc and _queries.cc (the use cases).
class ProgressRecorder {
 public:
  ProgressRecorder(ReportStore* store, const PlanDirectory* plans, const common::Clock* clock,
                   std::function<void(std::function<void()>)> dispatch,
                   const IndicatorDirectory* indicators = nullptr);

  // Loads the calendar overrides and holidays. Call once before use.
  absl::Status Load();

  // Saves or submits a report; `done` gets the report after the change.
  // Errors: see SubmitReport in progress_service.proto.
  void SubmitReport(const ReportSubmission& submission, const Caller& caller,
                    Callback<Report> done);
  // Same, taking the submission over instead of copying it.
  void SubmitReport(ReportSubmission&& submission, const Caller& caller, Callback<Report> done);
  // Same, `done` getting the report after the change as the recorder keeps it (immutable,
  // shared) instead of a copy of it: the gRPC handler's path, a report's worth of allocations
  // and frees less per call.
  void SubmitReportShared(ReportSubmission&& submission, const Caller& caller,
                          Callback<std::shared_ptr<const Report>> done);
  // Merges figures another system holds into the organization's draft
  // (creating it), each field with its source, never over what the
  // organization typed or corrected; `done` gets the draft and the fields
  // kept. Only the bureau (administrator) calls it. Errors: see
  // PrefillReport in progress_service.proto.
  void PrefillReport(ReportPrefill prefill, const Caller& caller, Callback<PrefillResult> done);
  // The bureau accepts (accept = true) or returns a submitted report.
  // Errors: NotFound; InvalidArgument (etag missing, comment missing to return);
  // Aborted (stale etag); FailedPrecondition (not SUBMITTED); PermissionDenied.
  void ReviewReport(const std::string& plan_id, const std::string& report_id, bool accept,
                    const std::string& etag, const std::string& comment, const Caller& caller,
                    Callback<Report> done);

  // Errors: see RequestExtension in the proto.
  void RequestExtension(const std::string& plan_id, const std::string& measure_id,
                        const std::string& org_id, absl::CivilDay requested_due,
                        const std::string& reason, const Caller& caller, Callback<Extension> done);
  void DecideExtension(const std::string& plan_id, const std::string& measure_id, int number,
                       bool approve, const std::string& comment, const Caller& caller,
                       Callback<Extension> done);
  void DeclareCompletion(const std::string& plan_id, const std::string& measure_id,
                         const std::string& org_id, const std::string& description,
                         const std::vector<std::string>& evidence_links, const Caller& caller,
                         Callback<Completion> done);
  // The bureau confirms (confirm = true) or rejects a pending declaration.
  // A confirmation of a measure with indicators in the indicator view is
  // checked against them (CheckIndicators): the completion records the lines
  // checked; when an indicator is off track or has no value yet, it is
  // refused unless `override_check` is requested with a reason, which the
  // completion then records. Errors: InvalidArgument (comment missing to
  // reject; override reason missing, too long, or given without the
  // override); NotFound; FailedPrecondition (not pending; the indicator data
  // does not support the completion, with the facts); Unavailable (the
  // indicator view has not heard from the indicator service yet);
  // PermissionDenied.
  void DecideCompletion(const std::string& plan_id, const std::string& measure_id, int number,
                        bool confirm, const std::string& comment,
                        const IndicatorOverride& override_check, const Caller& caller,
                        Callback<Completion> done);
  // Same, without an override.
  void DecideCompletion(const std::string& plan_id, const std::string& measure_id, int number,
                        bool confirm, const std::string& comment, const Caller& caller,
                        Callback<Completion> done);

  // Replaces a plan's calendar. `etag` empty replaces unconditionally.
  void UpdateCalendar(const std::string& plan_id, const CalendarRule& rule, const std::string& etag,
                      const Caller& caller, Callback<CalendarView> done);
  void LoadHolidays(const HolidayYear& holidays, const Caller& caller, Callback<HolidayYear> done);

  // Reads. Errors: NotFound / Unavailable (plan), NotFound (the resource),
  // InvalidArgument (filters, tokens, periods).
  absl::StatusOr<Report> GetReport(const std::string& plan_id, const std::string& report_id);
  // The same report in its v1 wire form as the store keeps it
  // (ReportStore::GetReportBytes), for an answer that sends it on unconverted.
  // Errors as GetReport; Unimplemented: the store keeps none, use GetReport.
  absl::StatusOr<std::string> GetReportBytes(const std::string& plan_id,
                                             const std::string& report_id);
  absl::StatusOr<ReportPage> ListReports(const std::string& plan_id, const ReportFilter& filter,
                                         const PageRequest& page);
  absl::StatusOr<std::vector<ReportRevision>> ListRevisions(const std::string& plan_id,
                                                            const std::string& report_id);
  absl::StatusOr<SubmissionStatus> GetSubmissionStatus(const std::string& plan_id,
                                                       const std::string& period);
  // The same status, shared: while nothing it is computed from changed (the
  // store's ReadVersion, the plan's view, the calendars and holidays loaded
  // here) every call returns the same object, computed once; any change makes
  // the next call compute it again, so an answer never predates a write that
  // was acknowledged before the call. Stores without a ReadVersion are read
  // every time.
  absl::StatusOr<std::shared_ptr<const SubmissionStatus>> SharedSubmissionStatus(
      const std::string& plan_id, const std::string& period);
  absl::StatusOr<MeasureProgress> GetMeasureProgress(const std::string& plan_id,
                                                     const std::string& measure_id);
  absl::StatusOr<std::vector<HistoryItem>> ListMeasureHistory(const std::string& plan_id,
                                                              const std::string& measure_id,
                                                              const std::string& org_id);
  absl::StatusOr<std::vector<Extension>> ListExtensions(const std::string& plan_id,
                                                        const std::string& measure_id,
                                                        ExtensionState state);
  absl::StatusOr<std::vector<Completion>> ListCompletions(const std::string& plan_id,
                                                          const std::string& measure_id,
                                                          CompletionState state);
  absl::StatusOr<CalendarView> GetCalendar(const std::string& plan_id);
  absl::StatusOr<HolidayYear> GetHolidays(int year);

  // The working days of the loaded holidays (weekends only for years without
  // any), e.g. for the reply deadlines of supervision orders.
  WorkingDays Days() const;

 private:
  struct Validated {
    std::shared_ptr<const PlanInfo> plan;
    Period period;
  };
  // One SubmitReport in flight (defined in the .cc file).
  struct SubmitCall;

  absl::StatusOr<Validated> ValidateSubmission(const ReportSubmission& s, const Caller& caller);
  // Runs with the call's keys held (call->guard).
  void SubmitLocked(std::shared_ptr<SubmitCall> call);
  // The answer to a retry of `call`: the revision its first call produced.
  absl::StatusOr<Report> RetriedReport(const SubmitCall& call, const RequestRecord& seen);
  // Runs `fn` holding the request id's key (if any) and then `resource_key`;
  // `fn` gets the guard that releases both.
  void RunSerialized(const Caller& caller, const std::string& resource_key,
                     std::function<void(std::shared_ptr<void>)> fn);
  // The current report `report_id` of `plan_id`, whose serializer key `key`
  // the caller holds: the one this recorder committed last, else read from the
  // store. nullptr when the report does not exist.
  absl::StatusOr<std::shared_ptr<const Report>> CurrentReport(const std::string& key,
                                                              absl::string_view plan_id,
                                                              absl::string_view report_id);
  // After a commit under `key` (still held): remembers the durable report, or
  // forgets it when the commit failed (nullptr).
  void CommittedReport(const std::string& key, std::shared_ptr<const Report> report);
  // Looks up a request id: nullopt when unseen (or empty), the first call's
  // record for a retry; InvalidArgument when used for another method or other
  // content (common::RequestLedger::Decide).
  absl::StatusOr<std::optional<RequestRecord>> CheckRequest(const Caller& caller,
                                                            absl::string_view method,
                                                            absl::string_view fingerprint);
  // The bureau's decision on item `number` (an Extension or a Completion) of a
  // measure of plan `plan_id` (NotFound / Unavailable), under the measure's key: answers a retry
  // with the item, refuses one already decided, else lets `decide` change it (an error refuses),
  // stamps the decision's time and actor and commits it with `event`. Defined
  // in progress_recorder_measure_items.h.
  template <typename T>
  void DecideMeasureItem(const std::string& plan_id, const std::string& measure_id, int number,
                         absl::string_view method, const std::string& fingerprint, EventType event,
                         std::function<absl::Status(T&)> decide, const Caller& caller,
                         Callback<T> done);
  CalendarRule CalendarOf(const PlanInfo& plan) const;
  absl::StatusOr<std::optional<absl::CivilDay>> EffectiveDue(const PlanInfo& plan,
                                                             const MeasureInfo& measure,
                                                             std::vector<Extension>* extensions);

  ReportStore* const store_;
  const PlanDirectory* const plans_;
  const common::Clock* const clock_;
  const IndicatorDirectory* const indicators_;
  common::KeyedSerializer serializer_;

  // Reports this recorder committed, by serializer key; each entry is read and
  // replaced only by the holder of its key.
  absl::Mutex reports_mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const Report>> reports_
      ABSL_GUARDED_BY(reports_mu_);

  mutable absl::Mutex cache_mu_;
  std::map<std::string, CalendarRule> calendars_ ABSL_GUARDED_BY(cache_mu_);
  std::map<int, HolidayYear> holidays_ ABSL_GUARDED_BY(cache_mu_);
  // Bumped with every change of calendars_ or holidays_ (under cache_mu_, with
  // the change), so that a status computed from older ones is not reused.
  uint64_t calendar_generation_ ABSL_GUARDED_BY(cache_mu_) = 0;

  // SharedSubmissionStatus's last answer per (plan id, period): valid while
  // the store's read version, the calendar generation and the plan's view are
  // the ones read before it was computed.
  struct StatusEntry {
    uint64_t read_version = 0;
    uint64_t calendar_generation = 0;
    std::shared_ptr<const PlanInfo> plan;
    std::shared_ptr<const SubmissionStatus> status;
  };
  absl::StatusOr<std::shared_ptr<const SubmissionStatus>> ComputeSubmissionStatus(
      const PlanInfo& plan, const Period& period);
  uint64_t CalendarGeneration() const;
  absl::Mutex status_mu_;
  absl::flat_hash_map<std::string, StatusEntry> statuses_ ABSL_GUARDED_BY(status_mu_);
};

// Checks who may act: a reporter only for its own organization, a viewer
// never. Errors: PermissionDenied.
absl::Status CheckActsFor(const Caller& caller, absl::string_view org_id);
// Only the bureau (administrator, or unverified callers until authentication).
absl::Status CheckAdministrator(const Caller& caller, absl::string_view what);

// Validation helpers, exposed for the edge and tests.
absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_chars,
                       bool required);
absl::Status CheckUrl(absl::string_view url, absl::string_view field);
absl::Status CheckCaller(const Caller& caller);

}  // namespace ecoplan::progress
