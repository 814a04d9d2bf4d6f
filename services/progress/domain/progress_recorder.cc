#include "services/progress/domain/progress_recorder.h"

#include <algorithm>
#include <cmath>
#include <set>
#include <tuple>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"

namespace ecoplan::progress {
namespace {

constexpr absl::string_view kSubmitMethod = "SubmitReport";
constexpr absl::string_view kAcceptMethod = "AcceptReport";
constexpr absl::string_view kReturnMethod = "ReturnReport";
constexpr absl::string_view kRequestExtensionMethod = "RequestExtension";
constexpr absl::string_view kDecideExtensionMethod = "DecideExtension";
constexpr absl::string_view kDeclareMethod = "DeclareCompletion";
constexpr absl::string_view kDecideCompletionMethod = "DecideCompletion";
constexpr absl::string_view kCalendarMethod = "UpdateReportingCalendar";
constexpr absl::string_view kHolidaysMethod = "LoadHolidays";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 200;

// FNV-1a over the parts, separated so that ("ab","c") differs from ("a","bc").
class Fingerprinter {
 public:
  Fingerprinter& Add(absl::string_view part) {
    for (unsigned char c : part) Mix(c);
    Mix(0x1f);
    return *this;
  }
  // Numbers are hashed as their text (as request records store them), formatted
  // without allocating.
  Fingerprinter& Add(double v) {
    char text[32];
    const int n = absl::SNPrintF(text, sizeof(text), "%.17g", v);
    return Add(absl::string_view(text, n < 0 ? 0 : std::min<size_t>(n, sizeof(text) - 1)));
  }
  Fingerprinter& Add(int v) { return Add(absl::AlphaNum(v).Piece()); }
  std::string Done() const { return absl::StrCat(absl::Hex(hash_, absl::kZeroPad16)); }

 private:
  void Mix(unsigned char c) {
    hash_ ^= c;
    hash_ *= 1099511628211ull;
  }
  uint64_t hash_ = 14695981039346656037ull;
};

std::string SubmissionFingerprint(const ReportSubmission& s) {
  Fingerprinter f;
  f.Add(s.plan_id).Add(s.org_id).Add(s.period).Add(s.summary).Add(s.draft ? "d" : "s").Add(s.etag);
  for (const ReportEntry& e : s.entries) {
    f.Add(e.measure_id).Add(static_cast<int>(e.status)).Add(e.percent_done).Add(e.work_done);
    f.Add(e.problems).Add(e.next_steps);
    for (const QuantitativeValue& v : e.values) f.Add(v.name).Add(v.value).Add(v.unit);
    f.Add("|");
    for (const std::string& l : e.evidence_links) f.Add(l);
    f.Add("#");
  }
  return f.Done();
}

absl::string_view StateName(ReportState s) {
  switch (s) {
    case ReportState::kDraft:
      return "DRAFT";
    case ReportState::kSubmitted:
      return "SUBMITTED";
    case ReportState::kReturned:
      return "RETURNED";
    case ReportState::kAccepted:
      return "ACCEPTED";
    default:
      return "NONE";
  }
}

absl::string_view StatusName(MeasureStatus s) {
  switch (s) {
    case MeasureStatus::kNotStarted:
      return "NOT_STARTED";
    case MeasureStatus::kInProgress:
      return "IN_PROGRESS";
    case MeasureStatus::kCompleted:
      return "COMPLETED";
    case MeasureStatus::kDelayed:
      return "DELAYED";
    case MeasureStatus::kBlocked:
      return "BLOCKED";
    default:
      return "UNSPECIFIED";
  }
}

bool SameValues(const ReportEntry& a, const ReportEntry& b) { return a.values == b.values; }

// What changed between two versions of a report, one line per field.
std::vector<std::string> Diff(const Report* before, const Report& after) {
  std::vector<std::string> changes;
  if (before == nullptr) {
    changes.push_back(absl::StrCat("created with ", after.entries.size(), " entries"));
    return changes;
  }
  if (before->state != after.state) {
    changes.push_back(
        absl::StrCat("state: ", StateName(before->state), " → ", StateName(after.state)));
  }
  if (before->summary != after.summary) changes.push_back("summary");
  // By measure id (views into `before`), in id order for the removed ones.
  std::map<absl::string_view, const ReportEntry*> old_entries;
  for (const ReportEntry& e : before->entries) old_entries[e.measure_id] = &e;
  for (const ReportEntry& e : after.entries) {
    auto it = old_entries.find(e.measure_id);
    auto change = [&e](absl::string_view what) {
      return absl::StrCat("entries[", e.measure_id, "]", what);
    };
    if (it == old_entries.end()) {
      changes.push_back(change(": added"));
      continue;
    }
    const ReportEntry& o = *it->second;
    if (o.status != e.status) {
      changes.push_back(
          change(absl::StrCat(".status: ", StatusName(o.status), " → ", StatusName(e.status))));
    }
    if (o.percent_done != e.percent_done) {
      changes.push_back(
          change(absl::StrCat(".percent_done: ", o.percent_done, " → ", e.percent_done)));
    }
    if (o.work_done != e.work_done) changes.push_back(change(".work_done"));
    if (o.problems != e.problems) changes.push_back(change(".problems"));
    if (o.next_steps != e.next_steps) changes.push_back(change(".next_steps"));
    if (!SameValues(o, e)) changes.push_back(change(".values"));
    if (o.evidence_links != e.evidence_links) changes.push_back(change(".evidence_links"));
    old_entries.erase(it);
  }
  for (const auto& [id, e] : old_entries)
    changes.push_back(absl::StrCat("entries[", id, "]: removed"));
  return changes;
}

// The field checks below take the field's name as a callable returning it,
// so that a valid request (the usual case) builds no names at all.

template <typename Name>
absl::Status CheckTextNamed(absl::string_view value, const Name& field, size_t max_chars,
                            bool required) {
  if (value.empty()) {
    return required ? absl::InvalidArgumentError(absl::StrCat(field(), " is required"))
                    : absl::OkStatus();
  }
  if (!common::IsValidUtf8(value)) {
    return absl::InvalidArgumentError(absl::StrCat(field(), " is not valid UTF-8 (byte ",
                                                   common::FirstInvalidUtf8Offset(value), ")"));
  }
  if (common::Utf8Length(value) > max_chars) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(), " is longer than ", max_chars, " characters"));
  }
  if (required && common::TrimDocumentSpace(value).empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field(), " is required (only spaces given)"));
  }
  return absl::OkStatus();
}

template <typename Name>
absl::Status CheckUrlNamed(absl::string_view url, const Name& field) {
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(url, field, kMaxUrlLength, true));
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "https://") && !absl::ConsumePrefix(&rest, "http://")) {
    return absl::InvalidArgumentError(absl::StrCat(field(), " must be an http:// or https:// URL"));
  }
  if (rest.empty() || rest[0] == '/' || rest[0] == '?' || rest[0] == '#') {
    return absl::InvalidArgumentError(absl::StrCat(field(), " has no host"));
  }
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          absl::StrCat(field(), " contains spaces or control characters"));
    }
  }
  return absl::OkStatus();
}

// Checks entry `index` of a submission (its field name is entries[<index>]).
absl::Status CheckEntry(const ReportEntry& e, size_t index, bool draft) {
  auto field = [index](absl::string_view suffix = {}) {
    return absl::StrCat("entries[", index, "]", suffix);
  };
  if (e.status == MeasureStatus::kUnspecified || static_cast<int>(e.status) < 0 ||
      static_cast<int>(e.status) > 5) {
    return absl::InvalidArgumentError(absl::StrCat(
        field(), ".status is required: NOT_STARTED, IN_PROGRESS, COMPLETED, DELAYED or BLOCKED"));
  }
  if (!std::isfinite(e.percent_done) || e.percent_done < 0 || e.percent_done > 100) {
    return absl::InvalidArgumentError(absl::StrCat(
        field(), ".percent_done must be a number from 0 to 100; got ", e.percent_done));
  }
  if (e.status == MeasureStatus::kCompleted && e.percent_done != 100) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(), ".percent_done must be 100 for a COMPLETED measure"));
  }
  if (e.status == MeasureStatus::kNotStarted && e.percent_done != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(), ".percent_done must be 0 for a NOT_STARTED measure"));
  }
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
      e.work_done, [&] { return field(".work_done"); }, kMaxEntryTextLength, !draft));
  const bool troubled = e.status == MeasureStatus::kDelayed || e.status == MeasureStatus::kBlocked;
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
      e.problems, [&] { return field(".problems"); }, kMaxEntryTextLength, !draft && troubled));
  ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
      e.next_steps, [&] { return field(".next_steps"); }, kMaxEntryTextLength,
      !draft && e.status != MeasureStatus::kCompleted));
  if (e.values.size() > kMaxValues) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(), ".values: at most ", kMaxValues, " values"));
  }
  for (size_t i = 0; i < e.values.size(); ++i) {
    const QuantitativeValue& v = e.values[i];
    auto value_field = [&](absl::string_view suffix) {
      return field(absl::StrCat(".values[", i, "]", suffix));
    };
    ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
        v.name, [&] { return value_field(".name"); }, kMaxValueNameLength, true));
    ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
        v.unit, [&] { return value_field(".unit"); }, kMaxUnitLength, false));
    if (!std::isfinite(v.value)) {
      return absl::InvalidArgumentError(
          absl::StrCat(value_field(""), ".value must be a finite number (not NaN or infinite)"));
    }
  }
  if (e.evidence_links.size() > kMaxEvidenceLinks) {
    return absl::InvalidArgumentError(
        absl::StrCat(field(), ".evidence_links: at most ", kMaxEvidenceLinks, " links"));
  }
  for (size_t i = 0; i < e.evidence_links.size(); ++i) {
    ECOPLAN_RETURN_IF_ERROR(CheckUrlNamed(
        e.evidence_links[i], [&] { return field(absl::StrCat(".evidence_links[", i, "]")); }));
  }
  return absl::OkStatus();
}

std::string ReportKey(absl::string_view plan_id, absl::string_view report_id) {
  return absl::StrCat("r/", plan_id, "/", report_id);
}
std::string MeasureKey(absl::string_view plan_id, absl::string_view measure_id) {
  return absl::StrCat("m/", plan_id, "/", measure_id);
}

absl::Status NotFoundReport(absl::string_view plan_id, absl::string_view report_id) {
  return absl::NotFoundError(
      absl::StrCat("report \"plans/", plan_id, "/reports/", report_id, "\" does not exist"));
}

// Sort key of a report: period order, then organization.
std::tuple<int, int, int, std::string> Order(const Report& r) {
  absl::StatusOr<Period> p = ParsePeriod(r.period, "period");
  if (!p.ok()) return {0, 0, 0, r.org_id};
  auto [y, m, k] = p->SortKey();
  return {y, m, k, r.org_id};
}

absl::Status CheckPeriodInPlan(const Period& period, const PlanInfo& plan,
                               const CalendarRule& calendar, absl::string_view field) {
  if (period.year != plan.year) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", period.ToString(), " is outside the plan year ", plan.year));
  }
  if (!CalendarAsksFor(calendar, period.kind)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": ", period.ToString(),
                     " is a summary period this plan's reporting calendar does not ask for"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckText(absl::string_view value, absl::string_view field, size_t max_chars,
                       bool required) {
  return CheckTextNamed(
      value, [field] { return field; }, max_chars, required);
}

absl::Status CheckUrl(absl::string_view url, absl::string_view field) {
  return CheckUrlNamed(url, [field] { return field; });
}

absl::Status CheckCaller(const Caller& caller) {
  ECOPLAN_RETURN_IF_ERROR(CheckText(caller.actor, "actor", kMaxActorLength, false));
  ECOPLAN_RETURN_IF_ERROR(CheckText(caller.request_id, "request_id", kMaxRequestIdLength, false));
  for (char c : caller.request_id) {
    if (static_cast<unsigned char>(c) < 0x20) {
      return absl::InvalidArgumentError("request_id contains control characters");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckActsFor(const Caller& caller, absl::string_view org_id) {
  switch (caller.role) {
    case Caller::Role::kAdministrator:
    case Caller::Role::kService:
      return absl::OkStatus();
    case Caller::Role::kReporter:
      if (caller.org_id == org_id) return absl::OkStatus();
      return absl::PermissionDeniedError(absl::StrCat("a reporter of organizations/", caller.org_id,
                                                      " cannot act for organizations/", org_id));
    case Caller::Role::kViewer:
      break;
  }
  return absl::PermissionDeniedError("a viewer cannot make changes");
}

absl::Status CheckAdministrator(const Caller& caller, absl::string_view what) {
  if (caller.role == Caller::Role::kAdministrator) {
    return absl::OkStatus();
  }
  return absl::PermissionDeniedError(absl::StrCat("only the bureau (administrator) may ", what));
}

ProgressRecorder::ProgressRecorder(ReportStore* store, const PlanDirectory* plans,
                                   const common::Clock* clock,
                                   std::function<void(std::function<void()>)> dispatch,
                                   const IndicatorDirectory* indicators)
    : store_(store),
      plans_(plans),
      clock_(clock),
      indicators_(indicators),
      serializer_(std::move(dispatch)) {}

absl::Status ProgressRecorder::Load() {
  ECOPLAN_ASSIGN_OR_RETURN(auto calendars, store_->ListCalendars());
  ECOPLAN_ASSIGN_OR_RETURN(auto holidays, store_->ListHolidays());
  absl::MutexLock lock(&cache_mu_);
  for (auto& [plan, rule] : calendars) calendars_[plan] = rule;
  for (HolidayYear& y : holidays) holidays_[y.year] = y;
  return absl::OkStatus();
}

CalendarRule ProgressRecorder::CalendarOf(const PlanInfo& plan) const {
  absl::MutexLock lock(&cache_mu_);
  auto it = calendars_.find(plan.id);
  if (it != calendars_.end()) return it->second;
  CalendarRule rule;
  static_cast<common::CalendarRule&>(rule) = DefaultCalendar(plan.reporting_due_day);
  return rule;
}

WorkingDays ProgressRecorder::Days() const {
  absl::MutexLock lock(&cache_mu_);
  std::vector<common::HolidayYear> years;
  for (const auto& [y, h] : holidays_) years.push_back(h);
  return WorkingDays(std::move(years));
}

void ProgressRecorder::RunSerialized(const Caller& caller, const std::string& resource_key,
                                     std::function<void(std::shared_ptr<void>)> fn) {
  if (caller.request_id.empty()) {
    serializer_.Run(resource_key,
                    [fn = std::move(fn)](std::shared_ptr<KeyedSerializer::Lease> lease) {
                      fn(std::move(lease));
                    });
    return;
  }
  serializer_.Run(
      absl::StrCat("q/", caller.request_id),
      [this, resource_key,
       fn = std::move(fn)](std::shared_ptr<KeyedSerializer::Lease> outer) mutable {
        serializer_.Run(resource_key, [outer = std::move(outer), fn = std::move(fn)](
                                          std::shared_ptr<KeyedSerializer::Lease> inner) {
          // One guard holding both leases; the resource key is released first.
          fn(std::make_shared<std::pair<std::shared_ptr<void>, std::shared_ptr<void>>>(
              outer, std::move(inner)));
        });
      });
}

absl::StatusOr<std::shared_ptr<const Report>> ProgressRecorder::CurrentReport(
    const std::string& key, absl::string_view plan_id, absl::string_view report_id) {
  {
    absl::MutexLock lock(&reports_mu_);
    auto it = reports_.find(key);
    if (it != reports_.end()) return it->second;
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<Report> stored, store_->GetReport(plan_id, report_id));
  if (!stored.has_value()) return std::shared_ptr<const Report>();
  return std::shared_ptr<const Report>(std::make_shared<Report>(*std::move(stored)));
}

void ProgressRecorder::CommittedReport(const std::string& key,
                                       std::shared_ptr<const Report> report) {
  absl::MutexLock lock(&reports_mu_);
  if (report == nullptr) {
    reports_.erase(key);
    return;
  }
  // A bound, not an eviction policy: at month end the reports being revised
  // are those of the current period, and they come back after a clear.
  if (reports_.size() >= kMaxCachedReports && reports_.count(key) == 0) reports_.clear();
  reports_[key] = std::move(report);
}

absl::StatusOr<std::optional<RequestRecord>> ProgressRecorder::CheckRequest(
    const Caller& caller, absl::string_view method, absl::string_view fingerprint) {
  if (caller.request_id.empty()) return std::optional<RequestRecord>();
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<RequestRecord> seen,
                           store_->FindRequest(caller.request_id));
  if (!seen) return seen;
  if (seen->method != method || seen->fingerprint != fingerprint) {
    return absl::InvalidArgumentError(
        absl::StrCat("request_id \"", caller.request_id, "\" was already used for a different ",
                     seen->method, " request; use a new request id for a new request"));
  }
  return seen;
}

absl::StatusOr<ProgressRecorder::Validated> ProgressRecorder::ValidateSubmission(
    const ReportSubmission& s, const Caller& caller) {
  ECOPLAN_RETURN_IF_ERROR(CheckCaller(caller));
  if (s.org_id.empty()) return absl::InvalidArgumentError("organization is required");
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(s.plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(Period period, ParsePeriod(s.period, "period"));
  ECOPLAN_RETURN_IF_ERROR(CheckPeriodInPlan(period, *plan, CalendarOf(*plan), "period"));
  auto owned_it = plan->measures_of_org.find(s.org_id);
  if (owned_it == plan->measures_of_org.end() && plan->organizations.count(s.org_id) == 0) {
    return absl::NotFoundError(absl::StrCat("organization: organizations/", s.org_id,
                                            " is not an organization of plan ", plan->id));
  }
  ECOPLAN_RETURN_IF_ERROR(CheckActsFor(caller, s.org_id));
  const size_t owned = owned_it == plan->measures_of_org.end() ? 0 : owned_it->second.size();
  if (!s.draft && s.entries.empty()) {
    return absl::InvalidArgumentError(
        "entries: a submitted report needs at least one entry (save a draft otherwise)");
  }
  if (s.entries.size() > kMaxEntries || s.entries.size() > owned) {
    return absl::InvalidArgumentError(absl::StrCat(
        "entries: ", s.entries.size(), " entries, but ", plan->OrgName(s.org_id), " owns ", owned,
        " measures of the plan (and a report holds at most ", kMaxEntries, ")"));
  }
  ECOPLAN_RETURN_IF_ERROR(CheckText(s.summary, "summary", kMaxEntryTextLength, false));
  // Measure ids seen so far; they point into `s`, which outlives the loop.
  absl::flat_hash_map<absl::string_view, size_t> seen;
  seen.reserve(s.entries.size());
  for (size_t i = 0; i < s.entries.size(); ++i) {
    const ReportEntry& e = s.entries[i];
    if (e.measure_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("entries[", i, "].measure is required"));
    }
    const MeasureInfo* m = plan->FindMeasure(e.measure_id);
    if (m == nullptr) {
      return absl::NotFoundError(absl::StrCat("entries[", i, "].measure: plans/", plan->id,
                                              "/measures/", e.measure_id, " does not exist"));
    }
    if (!m->Owns(s.org_id)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "entries[", i, "].measure: ", plan->OrgName(s.org_id), " (organizations/", s.org_id,
          ") neither leads nor is responsible for measure plans/", plan->id, "/measures/",
          e.measure_id, "; report only on measures the organization owns"));
    }
    if (!seen.emplace(e.measure_id, i).second) {
      return absl::InvalidArgumentError(absl::StrCat("entries[", i, "].measure: measure ",
                                                     e.measure_id, " has more than one entry"));
    }
    ECOPLAN_RETURN_IF_ERROR(CheckEntry(e, i, s.draft));
  }
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(plan->time_zone, &zone)) zone = absl::FixedTimeZone(8 * 3600);
  const absl::Time period_start =
      absl::FromCivil(absl::CivilSecond(absl::CivilDay(period.FirstMonth())), zone);
  if (clock_->Now() < period_start) {
    return absl::FailedPreconditionError(
        absl::StrCat("period: ", period.ToString(), " has not begun; reports are accepted from ",
                     absl::FormatCivilTime(absl::CivilDay(period.FirstMonth()))));
  }
  return Validated{std::move(plan), period};
}

struct ProgressRecorder::SubmitCall {
  ReportSubmission s;  // period in canonical form; entries and summary move into the report
  Validated v;
  Caller caller;
  std::string fingerprint;
  std::string report_id;
  std::string key;  // the report's serializer key
  Callback<Report> done;
  std::shared_ptr<void> guard;  // the keys, released with the last copy of the call
};

void ProgressRecorder::SubmitReport(const ReportSubmission& submission, const Caller& caller,
                                    Callback<Report> done) {
  SubmitReport(ReportSubmission(submission), caller, std::move(done));
}

void ProgressRecorder::SubmitReport(ReportSubmission&& submission, const Caller& caller,
                                    Callback<Report> done) {
  absl::StatusOr<Validated> validated = ValidateSubmission(submission, caller);
  if (!validated.ok()) {
    done(validated.status());
    return;
  }
  // Everything the call needs, in one place shared by its continuations, so
  // that nothing of the submission is copied on the way to the commit.
  auto call = std::make_shared<SubmitCall>();
  call->s = std::move(submission);
  call->v = *std::move(validated);
  call->s.period = call->v.period.ToString();  // canonical: 2026-q2 → 2026-Q2
  call->caller = caller;
  call->fingerprint = SubmissionFingerprint(call->s);
  call->report_id = absl::StrCat(call->s.org_id, "_", call->s.period);
  call->key = ReportKey(call->s.plan_id, call->report_id);
  call->done = std::move(done);
  const std::string& key = call->key;
  RunSerialized(call->caller, key, [this, call](std::shared_ptr<void> guard) {
    call->guard = std::move(guard);
    SubmitLocked(call);
  });
}

void ProgressRecorder::SubmitLocked(std::shared_ptr<SubmitCall> call) {
  SubmitCall& c = *call;
  ReportSubmission& s = c.s;
  const std::string& report_id = c.report_id;
  absl::StatusOr<std::optional<RequestRecord>> seen =
      CheckRequest(c.caller, kSubmitMethod, c.fingerprint);
  if (!seen.ok()) return c.done(seen.status());
  if (seen->has_value()) {
    // A retry: answer with exactly the revision the first call produced.
    absl::StatusOr<std::optional<ReportRevision>> rev =
        store_->GetRevision(s.plan_id, (*seen)->resource, (*seen)->revision);
    if (!rev.ok()) return c.done(rev.status());
    if (!rev->has_value()) {
      return c.done(absl::InternalError(
          absl::StrCat("request ", c.caller.request_id, " refers to a missing revision")));
    }
    return c.done((*rev)->report);
  }
  absl::StatusOr<std::shared_ptr<const Report>> current =
      CurrentReport(c.key, s.plan_id, report_id);
  if (!current.ok()) return c.done(current.status());
  const Report* before = current->get();
  if (before == nullptr && !s.etag.empty()) {
    return c.done(absl::AbortedError(
        absl::StrCat("etag: report plans/", s.plan_id, "/reports/", report_id,
                     " does not exist, so no etag applies; leave etag empty to create it")));
  }
  if (before != nullptr) {
    if (s.etag != ReportEtag(*before)) {
      return c.done(absl::AbortedError(
          absl::StrCat("etag: report plans/", s.plan_id, "/reports/", report_id, " is at revision ",
                       before->revision,
                       s.etag.empty() ? "; pass its etag to revise it"
                                      : " and the given etag is stale; read it again")));
    }
    if (before->state == ReportState::kAccepted) {
      return c.done(absl::FailedPreconditionError(
          absl::StrCat("report plans/", s.plan_id, "/reports/", report_id,
                       " was accepted by the bureau and can no longer change")));
    }
    if (s.draft && before->state != ReportState::kDraft) {
      return c.done(absl::FailedPreconditionError(
          absl::StrCat("draft: report plans/", s.plan_id, "/reports/", report_id,
                       " was already submitted; revise it by submitting (draft = false)")));
    }
  }
  const absl::Time now = clock_->Now();
  auto next = std::make_shared<Report>(before != nullptr ? *before : Report{});
  Report& report = *next;
  report.plan_id = s.plan_id;
  report.org_id = s.org_id;
  report.org_display_name = c.v.plan->OrgName(s.org_id);
  report.period = s.period;
  report.entries = std::move(s.entries);  // the fingerprint was taken before
  report.summary = std::move(s.summary);
  report.revision = before != nullptr ? before->revision + 1 : 1;
  if (before == nullptr) report.create_time = now;
  report.update_time = now;
  RevisionAction action;
  EventType event;
  if (s.draft) {
    report.state = ReportState::kDraft;
    action = RevisionAction::kDraftSaved;
    event = EventType::kReportDraftSaved;
  } else {
    const bool first = !report.first_submit_time.has_value();
    report.state = ReportState::kSubmitted;
    report.last_submit_time = now;
    report.submitted_by = c.caller.actor;
    if (first) {
      absl::TimeZone zone;
      if (!absl::LoadTimeZone(c.v.plan->time_zone, &zone)) zone = absl::FixedTimeZone(8 * 3600);
      const PeriodDueDay due = DueOf(CalendarOf(*c.v.plan), c.v.period, Days(), zone);
      report.first_submit_time = now;
      report.due_time = due.due_time;
      report.timeliness = now < due.due_time ? Timeliness::kOnTime : Timeliness::kLate;
      report.lateness = now < due.due_time ? absl::ZeroDuration() : now - due.due_time;
      action = RevisionAction::kSubmitted;
      event = EventType::kReportSubmitted;
    } else {
      action = RevisionAction::kRevised;
      event = EventType::kReportRevised;
    }
  }
  Change change;
  change.revision = RevisionNote{
      report.revision, action, now, c.caller.actor, "", Diff(before, report), c.caller.request_id};
  change.report = next;
  if (!c.caller.request_id.empty()) {
    change.request =
        RequestRecord{std::string(kSubmitMethod), c.fingerprint, report_id, report.revision};
  }
  change.events.push_back(event);
  change.caller = c.caller;
  // The commit's callback runs on the store's single committer thread, which
  // serves every writer: the work that can be done here is done here. The
  // answer is copied now, and the previous report is dropped from the cache
  // (and freed, with `current`) on this thread rather than there.
  Report answer = report;
  CommittedReport(c.key, nullptr);
  current->reset();
  store_->CommitAsync(std::move(change), [this, call = std::move(call), next = std::move(next),
                                          answer = std::move(answer)](absl::Status status) mutable {
    CommittedReport(call->key, status.ok() ? std::move(next) : nullptr);
    if (!status.ok()) return call->done(status);
    call->done(std::move(answer));
  });
}

void ProgressRecorder::ReviewReport(const std::string& plan_id, const std::string& report_id,
                                    bool accept, const std::string& etag,
                                    const std::string& comment, const Caller& caller,
                                    Callback<Report> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "review reports");
  if (valid.ok()) valid = CheckText(comment, "comment", kMaxCommentLength, !accept);
  if (valid.ok() && etag.empty()) valid = absl::InvalidArgumentError("etag is required");
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  const absl::string_view method = accept ? kAcceptMethod : kReturnMethod;
  const std::string fingerprint =
      Fingerprinter().Add(plan_id).Add(report_id).Add(etag).Add(comment).Done();
  const std::string key = ReportKey(plan_id, report_id);
  RunSerialized(caller, key, [=, method = std::string(method)](std::shared_ptr<void> guard) {
    absl::StatusOr<std::optional<RequestRecord>> seen = CheckRequest(caller, method, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) {
      auto rev = store_->GetRevision(plan_id, (*seen)->resource, (*seen)->revision);
      if (!rev.ok()) return done(rev.status());
      if (!rev->has_value()) return done(absl::InternalError("missing revision of a request"));
      return done((*rev)->report);
    }
    absl::StatusOr<std::shared_ptr<const Report>> current = CurrentReport(key, plan_id, report_id);
    if (!current.ok()) return done(current.status());
    if (*current == nullptr) return done(NotFoundReport(plan_id, report_id));
    const Report& before = **current;
    if (etag != ReportEtag(before)) {
      return done(absl::AbortedError(
          absl::StrCat("etag: report is at revision ", before.revision, "; read it again")));
    }
    if (before.state != ReportState::kSubmitted) {
      return done(absl::FailedPreconditionError(absl::StrCat(
          "report plans/", plan_id, "/reports/", report_id, " is ", StateName(before.state),
          "; only a SUBMITTED report can be accepted or returned")));
    }
    const absl::Time now = clock_->Now();
    auto next = std::make_shared<Report>(before);
    Report& report = *next;
    report.state = accept ? ReportState::kAccepted : ReportState::kReturned;
    report.revision = before.revision + 1;
    report.update_time = now;
    report.review_comment = comment;
    report.reviewed_by = caller.actor;
    Change change;
    change.revision = RevisionNote{report.revision,
                                   accept ? RevisionAction::kAccepted : RevisionAction::kReturned,
                                   now,
                                   caller.actor,
                                   comment,
                                   Diff(&before, report),
                                   caller.request_id};
    change.report = next;
    if (!caller.request_id.empty()) {
      change.request = RequestRecord{method, fingerprint, report_id, report.revision};
    }
    change.events.push_back(accept ? EventType::kReportAccepted : EventType::kReportReturned);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [this, guard, key, next, done](absl::Status s) {
      CommittedReport(key, s.ok() ? next : nullptr);
      if (!s.ok()) return done(s);
      done(*next);
    });
  });
}

absl::StatusOr<std::optional<absl::CivilDay>> ProgressRecorder::EffectiveDue(
    const PlanInfo& plan, const MeasureInfo& measure, std::vector<Extension>* extensions) {
  ECOPLAN_ASSIGN_OR_RETURN(*extensions, store_->ListExtensions(plan.id, measure.id));
  std::optional<absl::CivilDay> due = measure.due;
  for (const Extension& e : *extensions) {
    if (e.state == ExtensionState::kApproved) due = e.requested_due;
  }
  return due;
}

void ProgressRecorder::RequestExtension(const std::string& plan_id, const std::string& measure_id,
                                        const std::string& org_id, absl::CivilDay requested_due,
                                        const std::string& reason, const Caller& caller,
                                        Callback<Extension> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckText(reason, "reason", kMaxCommentLength, true);
  if (valid.ok() && org_id.empty()) valid = absl::InvalidArgumentError("organization is required");
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan_or = plans_->Get(plan_id);
  if (!plan_or.ok()) return done(plan_or.status());
  std::shared_ptr<const PlanInfo> plan = *plan_or;
  const MeasureInfo* measure = plan->FindMeasure(measure_id);
  if (measure == nullptr) {
    return done(absl::NotFoundError(
        absl::StrCat("measure: plans/", plan_id, "/measures/", measure_id, " does not exist")));
  }
  if (!measure->IsLead(org_id)) {
    return done(absl::PermissionDeniedError(
        absl::StrCat("organization: ", plan->OrgName(org_id), " (organizations/", org_id,
                     ") does not lead measure ", measure_id,
                     "; only a lead organization asks for an extension")));
  }
  valid = CheckActsFor(caller, org_id);
  if (!valid.ok()) return done(valid);
  if (requested_due > absl::CivilDay(plan->year + 1, 12, 31)) {
    return done(absl::InvalidArgumentError(
        absl::StrCat("requested_due_date: at most the end of the year after the plan year (",
                     plan->year + 1, "-12-31)")));
  }
  const std::string fingerprint = Fingerprinter()
                                      .Add(plan_id)
                                      .Add(measure_id)
                                      .Add(org_id)
                                      .Add(absl::FormatCivilTime(requested_due))
                                      .Add(reason)
                                      .Done();
  MeasureInfo m = *measure;
  RunSerialized(caller, MeasureKey(plan_id, measure_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kRequestExtensionMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    std::vector<Extension> extensions;
    absl::StatusOr<std::optional<absl::CivilDay>> due = EffectiveDue(*plan, m, &extensions);
    if (!due.ok()) return done(due.status());
    if (seen->has_value()) {
      for (const Extension& e : extensions) {
        if (absl::StrCat(e.measure_id, "/", e.number) == (*seen)->resource) return done(e);
      }
      return done(absl::InternalError("a request record refers to a missing extension"));
    }
    for (const Extension& e : extensions) {
      if (e.state == ExtensionState::kPending) {
        return done(absl::FailedPreconditionError(
            absl::StrCat("extension request ", e.number, " of measure ", measure_id,
                         " is still pending; wait for the bureau's decision")));
      }
    }
    if (!due->has_value()) {
      return done(absl::FailedPreconditionError(absl::StrCat("measure ", measure_id,
                                                             " has no due date (", m.deadline_raw,
                                                             "), so there is nothing to extend")));
    }
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(plan->time_zone, &zone)) zone = absl::FixedTimeZone(8 * 3600);
    const absl::Time now = clock_->Now();
    if (now >= absl::FromCivil(absl::CivilSecond(**due + 1), zone)) {
      return done(absl::FailedPreconditionError(
          absl::StrCat("the deadline of measure ", measure_id, " (", absl::FormatCivilTime(**due),
                       ") has passed; an extension must be asked for before it")));
    }
    if (requested_due <= **due) {
      return done(absl::InvalidArgumentError(
          absl::StrCat("requested_due_date: ", absl::FormatCivilTime(requested_due),
                       " is not after the current deadline ", absl::FormatCivilTime(**due))));
    }
    Extension e;
    e.plan_id = plan_id;
    e.measure_id = measure_id;
    e.org_id = org_id;
    e.number = static_cast<int>(extensions.size()) + 1;
    e.current_due = *due;
    e.original_due = m.due;
    e.requested_due = requested_due;
    e.reason = reason;
    e.state = ExtensionState::kPending;
    e.request_time = now;
    e.requested_by = caller.actor;
    Change change;
    change.extension = e;
    if (!caller.request_id.empty()) {
      change.request = RequestRecord{std::string(kRequestExtensionMethod), fingerprint,
                                     absl::StrCat(measure_id, "/", e.number), 0};
    }
    change.events.push_back(EventType::kExtensionRequested);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [guard, e, done](absl::Status s) {
      if (!s.ok()) return done(s);
      done(e);
    });
  });
}

void ProgressRecorder::DecideExtension(const std::string& plan_id, const std::string& measure_id,
                                       int number, bool approve, const std::string& comment,
                                       const Caller& caller, Callback<Extension> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "decide on extensions");
  if (valid.ok()) valid = CheckText(comment, "comment", kMaxCommentLength, !approve);
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  const std::string fingerprint = Fingerprinter()
                                      .Add(plan_id)
                                      .Add(measure_id)
                                      .Add(number)
                                      .Add(approve ? "a" : "r")
                                      .Add(comment)
                                      .Done();
  RunSerialized(caller, MeasureKey(plan_id, measure_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kDecideExtensionMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    auto extensions = store_->ListExtensions(plan_id, measure_id);
    if (!extensions.ok()) return done(extensions.status());
    auto it = std::find_if(extensions->begin(), extensions->end(),
                           [number](const Extension& e) { return e.number == number; });
    if (it == extensions->end()) {
      return done(
          absl::NotFoundError(absl::StrCat("extension plans/", plan_id, "/measures/", measure_id,
                                           "/extensions/", number, " does not exist")));
    }
    if (seen->has_value()) return done(*it);
    if (it->state != ExtensionState::kPending) {
      return done(absl::FailedPreconditionError(
          absl::StrCat("extension ", number, " of measure ", measure_id,
                       " was already decided; only a pending request can be decided")));
    }
    Extension e = *it;
    e.state = approve ? ExtensionState::kApproved : ExtensionState::kRejected;
    e.decision_comment = comment;
    e.decision_time = clock_->Now();
    e.decided_by = caller.actor;
    Change change;
    change.extension = e;
    if (!caller.request_id.empty()) {
      change.request = RequestRecord{std::string(kDecideExtensionMethod), fingerprint,
                                     absl::StrCat(measure_id, "/", number), 0};
    }
    change.events.push_back(EventType::kExtensionDecided);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [guard, e, done](absl::Status s) {
      if (!s.ok()) return done(s);
      done(e);
    });
  });
}

void ProgressRecorder::DeclareCompletion(const std::string& plan_id, const std::string& measure_id,
                                         const std::string& org_id, const std::string& description,
                                         const std::vector<std::string>& evidence_links,
                                         const Caller& caller, Callback<Completion> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckText(description, "description", kMaxEntryTextLength, true);
  if (valid.ok() && evidence_links.empty()) {
    valid = absl::InvalidArgumentError("evidence_links: at least one link is required");
  }
  if (valid.ok() && evidence_links.size() > kMaxEvidenceLinks) {
    valid = absl::InvalidArgumentError(
        absl::StrCat("evidence_links: at most ", kMaxEvidenceLinks, " links"));
  }
  for (size_t i = 0; valid.ok() && i < evidence_links.size(); ++i) {
    valid = CheckUrl(evidence_links[i], absl::StrCat("evidence_links[", i, "]"));
  }
  if (valid.ok() && org_id.empty()) valid = absl::InvalidArgumentError("organization is required");
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan_or = plans_->Get(plan_id);
  if (!plan_or.ok()) return done(plan_or.status());
  std::shared_ptr<const PlanInfo> plan = *plan_or;
  const MeasureInfo* measure = plan->FindMeasure(measure_id);
  if (measure == nullptr) {
    return done(absl::NotFoundError(
        absl::StrCat("measure: plans/", plan_id, "/measures/", measure_id, " does not exist")));
  }
  if (!measure->IsLead(org_id)) {
    return done(absl::PermissionDeniedError(absl::StrCat(
        "organization: ", plan->OrgName(org_id), " (organizations/", org_id,
        ") does not lead measure ", measure_id, "; only a lead organization declares completion")));
  }
  valid = CheckActsFor(caller, org_id);
  if (!valid.ok()) return done(valid);
  Fingerprinter f;
  f.Add(plan_id).Add(measure_id).Add(org_id).Add(description);
  for (const std::string& l : evidence_links) f.Add(l);
  const std::string fingerprint = f.Done();
  RunSerialized(caller, MeasureKey(plan_id, measure_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kDeclareMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    auto completions = store_->ListCompletions(plan_id, measure_id);
    if (!completions.ok()) return done(completions.status());
    if (seen->has_value()) {
      for (const Completion& c : *completions) {
        if (absl::StrCat(c.measure_id, "/", c.number) == (*seen)->resource) return done(c);
      }
      return done(absl::InternalError("a request record refers to a missing completion"));
    }
    for (const Completion& c : *completions) {
      if (c.state == CompletionState::kDeclared) {
        return done(absl::FailedPreconditionError(absl::StrCat("completion declaration ", c.number,
                                                               " of measure ", measure_id,
                                                               " awaits the bureau's decision")));
      }
      if (c.state == CompletionState::kConfirmed) {
        return done(absl::FailedPreconditionError(
            absl::StrCat("measure ", measure_id, " was already confirmed completed")));
      }
    }
    Completion c;
    c.plan_id = plan_id;
    c.measure_id = measure_id;
    c.org_id = org_id;
    c.number = static_cast<int>(completions->size()) + 1;
    c.description = description;
    c.evidence_links = evidence_links;
    c.state = CompletionState::kDeclared;
    c.declare_time = clock_->Now();
    c.declared_by = caller.actor;
    Change change;
    change.completion = c;
    if (!caller.request_id.empty()) {
      change.request = RequestRecord{std::string(kDeclareMethod), fingerprint,
                                     absl::StrCat(measure_id, "/", c.number), 0};
    }
    change.events.push_back(EventType::kCompletionDeclared);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [guard, c, done](absl::Status s) {
      if (!s.ok()) return done(s);
      done(c);
    });
  });
}

void ProgressRecorder::DecideCompletion(const std::string& plan_id, const std::string& measure_id,
                                        int number, bool confirm, const std::string& comment,
                                        const Caller& caller, Callback<Completion> done) {
  DecideCompletion(plan_id, measure_id, number, confirm, comment, IndicatorOverride(), caller,
                   std::move(done));
}

void ProgressRecorder::DecideCompletion(const std::string& plan_id, const std::string& measure_id,
                                        int number, bool confirm, const std::string& comment,
                                        const IndicatorOverride& override_check,
                                        const Caller& caller, Callback<Completion> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "confirm or reject completions");
  if (valid.ok()) valid = CheckText(comment, "comment", kMaxCommentLength, !confirm);
  if (valid.ok() && override_check.requested) {
    valid = confirm
                ? CheckText(override_check.reason, "override_reason", kMaxCommentLength, true)
                : absl::InvalidArgumentError("only a confirmation overrides the indicator check");
  }
  if (valid.ok() && !override_check.requested && !override_check.reason.empty()) {
    valid = absl::InvalidArgumentError(
        "override_reason is given without override_indicator_check: set both to confirm against "
        "the indicator data, or neither");
  }
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  const std::string fingerprint = Fingerprinter()
                                      .Add(plan_id)
                                      .Add(measure_id)
                                      .Add(number)
                                      .Add(confirm ? "c" : "r")
                                      .Add(comment)
                                      .Add(override_check.requested ? "o" : "-")
                                      .Add(override_check.reason)
                                      .Done();
  RunSerialized(caller, MeasureKey(plan_id, measure_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kDecideCompletionMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    auto completions = store_->ListCompletions(plan_id, measure_id);
    if (!completions.ok()) return done(completions.status());
    auto it = std::find_if(completions->begin(), completions->end(),
                           [number](const Completion& c) { return c.number == number; });
    if (it == completions->end()) {
      return done(
          absl::NotFoundError(absl::StrCat("completion plans/", plan_id, "/measures/", measure_id,
                                           "/completions/", number, " does not exist")));
    }
    if (seen->has_value()) return done(*it);
    if (it->state != CompletionState::kDeclared) {
      return done(absl::FailedPreconditionError(
          absl::StrCat("completion ", number, " of measure ", measure_id,
                       " was already decided; only a pending declaration can be decided")));
    }
    Completion c = *it;
    if (confirm && indicators_ != nullptr) {
      // Facts, not claims: where data can check the claim, it does. Read from
      // the local view, never from the indicator service inside the request.
      if (!indicators_->received()) {
        return done(absl::UnavailableError(
            "indicator data not yet received from the indicator service; the completion cannot "
            "be checked against it yet: retry"));
      }
      const IndicatorCheck check = CheckIndicators(indicators_->OfMeasure(plan_id, measure_id));
      if (!check.passed()) {
        if (!override_check.requested) return done(IndicatorCheckStatus(measure_id, check));
        c.indicator_check_overridden = true;
        c.override_reason = override_check.reason;
      }
      c.indicator_checks = check.lines;
    }
    c.state = confirm ? CompletionState::kConfirmed : CompletionState::kRejected;
    c.decision_comment = comment;
    c.decision_time = clock_->Now();
    c.decided_by = caller.actor;
    Change change;
    change.completion = c;
    if (!caller.request_id.empty()) {
      change.request = RequestRecord{std::string(kDecideCompletionMethod), fingerprint,
                                     absl::StrCat(measure_id, "/", number), 0};
    }
    change.events.push_back(confirm ? EventType::kCompletionConfirmed
                                    : EventType::kCompletionRejected);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [guard, c, done](absl::Status s) {
      if (!s.ok()) return done(s);
      done(c);
    });
  });
}

void ProgressRecorder::UpdateCalendar(const std::string& plan_id, const CalendarRule& rule,
                                      const std::string& etag, const Caller& caller,
                                      Callback<CalendarView> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "change the reporting calendar");
  if (valid.ok()) valid = ValidateDueRule(rule.monthly_due, "calendar.monthly_due");
  if (valid.ok() && rule.summary_due.has_value()) {
    valid = ValidateDueRule(*rule.summary_due, "calendar.summary_due");
  }
  if (!valid.ok()) return done(valid);
  absl::StatusOr<std::shared_ptr<const PlanInfo>> plan = plans_->Get(plan_id);
  if (!plan.ok()) return done(plan.status());
  auto rule_text = [](const DueRule& r) {
    return absl::StrCat(static_cast<int>(r.kind), ":", r.n, ":", r.month_offset);
  };
  const std::string fingerprint =
      Fingerprinter()
          .Add(plan_id)
          .Add(rule_text(rule.monthly_due))
          .Add(rule.summary_due ? rule_text(*rule.summary_due) : "-")
          .Add(
              absl::StrCat(rule.quarterly_summaries, rule.half_year_summaries, rule.annual_summary))
          .Add(etag)
          .Done();
  RunSerialized(caller, absl::StrCat("c/", plan_id), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kCalendarMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) return done(GetCalendar(plan_id));
    const CalendarRule current = CalendarOf(**plan);
    if (!etag.empty() && etag != CalendarEtag(current)) {
      return done(absl::AbortedError(
          absl::StrCat("etag: the calendar is at ", CalendarEtag(current), "; read it again")));
    }
    CalendarRule next = rule;
    next.overridden = true;
    next.version = current.version + 1;
    Change change;
    change.calendar = std::make_pair(plan_id, next);
    if (!caller.request_id.empty()) {
      change.request = RequestRecord{std::string(kCalendarMethod), fingerprint, plan_id, 0};
    }
    change.events.push_back(EventType::kCalendarChanged);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [this, guard, plan_id, next, done](absl::Status s) {
      if (!s.ok()) return done(s);
      {
        absl::MutexLock lock(&cache_mu_);
        calendars_[plan_id] = next;
      }
      done(GetCalendar(plan_id));
    });
  });
}

void ProgressRecorder::LoadHolidays(const HolidayYear& holidays, const Caller& caller,
                                    Callback<HolidayYear> done) {
  absl::Status valid = CheckCaller(caller);
  if (valid.ok()) valid = CheckAdministrator(caller, "load holidays");
  if (valid.ok()) valid = ValidateHolidayYear(holidays);
  if (!valid.ok()) return done(valid);
  Fingerprinter f;
  f.Add(holidays.year);
  for (absl::CivilDay d : holidays.holidays) f.Add(absl::FormatCivilTime(d));
  f.Add("|");
  for (absl::CivilDay d : holidays.make_up_workdays) f.Add(absl::FormatCivilTime(d));
  const std::string fingerprint = f.Done();
  RunSerialized(caller, absl::StrCat("h/", holidays.year), [=](std::shared_ptr<void> guard) {
    auto seen = CheckRequest(caller, kHolidaysMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) return done(GetHolidays(holidays.year));
    HolidayYear year = holidays;
    std::sort(year.holidays.begin(), year.holidays.end());
    std::sort(year.make_up_workdays.begin(), year.make_up_workdays.end());
    year.update_time = clock_->Now();
    Change change;
    change.holidays = year;
    if (!caller.request_id.empty()) {
      change.request =
          RequestRecord{std::string(kHolidaysMethod), fingerprint, absl::StrCat(year.year), 0};
    }
    change.events.push_back(EventType::kHolidaysLoaded);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [this, guard, year, done](absl::Status s) {
      if (!s.ok()) return done(s);
      {
        absl::MutexLock lock(&cache_mu_);
        holidays_[year.year] = year;
      }
      done(year);
    });
  });
}

absl::StatusOr<Report> ProgressRecorder::GetReport(const std::string& plan_id,
                                                   const std::string& report_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<Report> report, store_->GetReport(plan_id, report_id));
  if (!report) return NotFoundReport(plan_id, report_id);
  return *report;
}

absl::StatusOr<ReportPage> ProgressRecorder::ListReports(const std::string& plan_id,
                                                         const ReportFilter& filter,
                                                         const PageRequest& page) {
  if (page.page_size < 0 || page.page_size > kMaxPageSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("page_size must be 0..", kMaxPageSize, "; got ", page.page_size));
  }
  std::string period;
  if (!filter.period.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(Period p, ParsePeriod(filter.period, "period"));
    period = p.ToString();
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Report> reports, store_->ListReports(plan_id, period));
  std::vector<Report> matching;
  for (Report& r : reports) {
    if (!filter.org_id.empty() && r.org_id != filter.org_id) continue;
    if (filter.state != ReportState::kUnspecified && r.state != filter.state) continue;
    if (filter.timeliness != Timeliness::kUnspecified && r.timeliness != filter.timeliness) {
      continue;
    }
    if (!filter.measure_id.empty() || filter.entry_status != MeasureStatus::kUnspecified) {
      const bool any = std::any_of(r.entries.begin(), r.entries.end(), [&](const ReportEntry& e) {
        return (filter.measure_id.empty() || e.measure_id == filter.measure_id) &&
               (filter.entry_status == MeasureStatus::kUnspecified ||
                e.status == filter.entry_status);
      });
      if (!any) continue;
    }
    matching.push_back(std::move(r));
  }
  std::sort(matching.begin(), matching.end(),
            [](const Report& a, const Report& b) { return Order(a) < Order(b); });
  ReportPage result;
  result.total_size = static_cast<int>(matching.size());
  size_t start = 0;
  if (!page.page_token.empty()) {
    // The token is the id of the last report of the previous page.
    std::vector<std::string> parts = absl::StrSplit(page.page_token, '_');
    absl::StatusOr<Period> p = parts.size() == 2 ? ParsePeriod(parts[1], "page_token")
                                                 : absl::InvalidArgumentError("page_token");
    if (!p.ok()) return absl::InvalidArgumentError("page_token is not from a previous response");
    Report last;
    last.org_id = parts[0];
    last.period = p->ToString();
    const auto key = Order(last);
    while (start < matching.size() && !(key < Order(matching[start]))) ++start;
  }
  const size_t size = page.page_size == 0 ? kDefaultPageSize : page.page_size;
  for (size_t i = start; i < matching.size() && result.reports.size() < size; ++i) {
    result.reports.push_back(matching[i]);
  }
  if (start + result.reports.size() < matching.size() && !result.reports.empty()) {
    result.next_page_token = result.reports.back().id();
  }
  return result;
}

absl::StatusOr<std::vector<ReportRevision>> ProgressRecorder::ListRevisions(
    const std::string& plan_id, const std::string& report_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<ReportRevision> revisions,
                           store_->ListRevisions(plan_id, report_id));
  if (revisions.empty()) return NotFoundReport(plan_id, report_id);
  return revisions;
}

absl::StatusOr<SubmissionStatus> ProgressRecorder::GetSubmissionStatus(
    const std::string& plan_id, const std::string& period_text) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  ECOPLAN_ASSIGN_OR_RETURN(Period period, ParsePeriod(period_text, "period"));
  const CalendarRule calendar = CalendarOf(*plan);
  ECOPLAN_RETURN_IF_ERROR(CheckPeriodInPlan(period, *plan, calendar, "period"));
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(plan->time_zone, &zone)) zone = absl::FixedTimeZone(8 * 3600);
  SubmissionStatus status;
  status.due = DueOf(calendar, period, Days(), zone);
  status.owed = IsOwed(status.due.due_day, plan->issue_date);
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Report> reports,
                           store_->ListReports(plan_id, period.ToString()));
  std::map<std::string, const Report*> by_org;
  for (const Report& r : reports) by_org[r.org_id] = &r;
  for (const auto& [org_id, measure_indexes] : plan->measures_of_org) {
    OrgSubmission o;
    o.org_id = org_id;
    o.org_name = plan->OrgName(org_id);
    o.owned_measure_count = static_cast<int>(measure_indexes.size());
    auto it = by_org.find(org_id);
    std::set<std::string> reported;
    if (it == by_org.end() && !status.owed) {
      o.state = SubmissionState::kNotOwed;
    } else if (it == by_org.end()) {
      o.state = SubmissionState::kMissing;
      ++status.missing;
    } else {
      const Report& r = *it->second;
      o.report_id = r.id();
      o.report_state = r.state;
      for (const ReportEntry& e : r.entries) reported.insert(e.measure_id);
      if (r.state == ReportState::kDraft) {
        o.state = SubmissionState::kDraftOnly;
        ++status.draft_only;
      } else if (r.timeliness == Timeliness::kLate) {
        o.state = SubmissionState::kLate;
        o.lateness = r.lateness;
        ++status.late;
      } else {
        o.state = SubmissionState::kOnTime;
        ++status.on_time;
      }
    }
    for (size_t i : measure_indexes) {
      if (reported.count(plan->measures[i].id) == 0) {
        o.measures_without_entry.push_back(plan->measures[i].id);
      }
    }
    status.organizations.push_back(std::move(o));
  }
  std::sort(status.organizations.begin(), status.organizations.end(),
            [](const OrgSubmission& a, const OrgSubmission& b) {
              return std::tie(a.org_name, a.org_id) < std::tie(b.org_name, b.org_id);
            });
  return status;
}

absl::StatusOr<MeasureProgress> ProgressRecorder::GetMeasureProgress(
    const std::string& plan_id, const std::string& measure_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  const MeasureInfo* measure = plan->FindMeasure(measure_id);
  if (measure == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure plans/", plan_id, "/measures/", measure_id, " does not exist"));
  }
  MeasureProgress progress;
  progress.measure = *measure;
  ECOPLAN_ASSIGN_OR_RETURN(progress.effective_due,
                           EffectiveDue(*plan, *measure, &progress.extensions));
  ECOPLAN_ASSIGN_OR_RETURN(progress.completions, store_->ListCompletions(plan_id, measure_id));
  progress.completed =
      std::any_of(progress.completions.begin(), progress.completions.end(),
                  [](const Completion& c) { return c.state == CompletionState::kConfirmed; });
  if (progress.effective_due.has_value() && !progress.completed) {
    absl::TimeZone zone;
    if (!absl::LoadTimeZone(plan->time_zone, &zone)) zone = absl::FixedTimeZone(8 * 3600);
    progress.overdue =
        clock_->Now() >= absl::FromCivil(absl::CivilSecond(*progress.effective_due + 1), zone);
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Report> reports, store_->ListReports(plan_id, ""));
  std::sort(reports.begin(), reports.end(),
            [](const Report& a, const Report& b) { return Order(a) < Order(b); });
  std::vector<std::pair<std::string, bool>> owners;
  for (const std::string& id : measure->lead_org_ids) owners.emplace_back(id, true);
  for (const std::string& id : measure->responsible_org_ids) {
    if (!measure->IsLead(id)) owners.emplace_back(id, false);
  }
  for (const auto& [org_id, lead] : owners) {
    OrgProgress o;
    o.org_id = org_id;
    o.org_name = plan->OrgName(org_id);
    o.lead = lead;
    for (auto it = reports.rbegin(); it != reports.rend(); ++it) {
      if (it->org_id != org_id || it->state == ReportState::kDraft) continue;
      auto e = std::find_if(it->entries.begin(), it->entries.end(),
                            [&](const ReportEntry& x) { return x.measure_id == measure_id; });
      if (e == it->entries.end()) continue;
      o.report_id = it->id();
      o.period = it->period;
      o.entry = *e;
      break;
    }
    progress.organizations.push_back(std::move(o));
  }
  return progress;
}

absl::StatusOr<std::vector<HistoryItem>> ProgressRecorder::ListMeasureHistory(
    const std::string& plan_id, const std::string& measure_id, const std::string& org_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  if (plan->FindMeasure(measure_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure plans/", plan_id, "/measures/", measure_id, " does not exist"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Report> reports, store_->ListReports(plan_id, ""));
  std::sort(reports.begin(), reports.end(),
            [](const Report& a, const Report& b) { return Order(a) < Order(b); });
  std::vector<HistoryItem> items;
  for (const Report& r : reports) {
    if (r.state == ReportState::kDraft) continue;
    if (!org_id.empty() && r.org_id != org_id) continue;
    for (const ReportEntry& e : r.entries) {
      if (e.measure_id == measure_id) items.push_back({r.period, r.org_id, r.id(), r.state, e});
    }
  }
  return items;
}

absl::StatusOr<std::vector<Extension>> ProgressRecorder::ListExtensions(
    const std::string& plan_id, const std::string& measure_id, ExtensionState state) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  if (!measure_id.empty() && plan->FindMeasure(measure_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure plans/", plan_id, "/measures/", measure_id, " does not exist"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Extension> all, store_->ListExtensions(plan_id, measure_id));
  std::vector<Extension> out;
  for (Extension& e : all) {
    if (state == ExtensionState::kUnspecified || e.state == state) out.push_back(std::move(e));
  }
  auto order = [&plan](const Extension& e) {
    const MeasureInfo* m = plan->FindMeasure(e.measure_id);
    return std::make_pair(m != nullptr ? m->order : 1 << 30, e.number);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Extension& a, const Extension& b) { return order(a) < order(b); });
  return out;
}

absl::StatusOr<std::vector<Completion>> ProgressRecorder::ListCompletions(
    const std::string& plan_id, const std::string& measure_id, CompletionState state) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  if (!measure_id.empty() && plan->FindMeasure(measure_id) == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("measure plans/", plan_id, "/measures/", measure_id, " does not exist"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(std::vector<Completion> all,
                           store_->ListCompletions(plan_id, measure_id));
  std::vector<Completion> out;
  for (Completion& c : all) {
    if (state == CompletionState::kUnspecified || c.state == state) out.push_back(std::move(c));
  }
  auto order = [&plan](const Completion& c) {
    const MeasureInfo* m = plan->FindMeasure(c.measure_id);
    return std::make_pair(m != nullptr ? m->order : 1 << 30, c.number);
  };
  std::stable_sort(out.begin(), out.end(),
                   [&](const Completion& a, const Completion& b) { return order(a) < order(b); });
  return out;
}

absl::StatusOr<CalendarView> ProgressRecorder::GetCalendar(const std::string& plan_id) {
  ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(plan_id));
  CalendarView view;
  view.time_zone = plan->time_zone;
  view.rule = CalendarOf(*plan);
  absl::TimeZone zone;
  if (!absl::LoadTimeZone(plan->time_zone, &zone)) zone = absl::FixedTimeZone(8 * 3600);
  view.dues = DuesOfYear(view.rule, plan->year, Days(), zone);
  return view;
}

absl::StatusOr<HolidayYear> ProgressRecorder::GetHolidays(int year) {
  absl::MutexLock lock(&cache_mu_);
  auto it = holidays_.find(year);
  if (it == holidays_.end()) {
    return absl::NotFoundError(absl::StrCat("no holidays were loaded for ", year));
  }
  return it->second;
}

}  // namespace ecoplan::progress
