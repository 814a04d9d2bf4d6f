// ProgressRecorder: saving and submitting reports (SubmitReport), with the
// validation of a submission against the plan and the stamping of its
// timeliness on first submission.

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/progress_recorder_internal.h"

namespace ecoplan::progress {

using internal::CheckPeriodInPlan;
using internal::CheckTextNamed;
using internal::CheckUrlNamed;
using internal::Diff;
using internal::Fingerprinter;
using internal::kSubmitMethod;
using internal::PlanZone;
using internal::ReportKey;

namespace {

std::string SubmissionFingerprint(const ReportSubmission& s) {
  Fingerprinter f;
  f.Add(s.plan_id).Add(s.org_id).Add(s.period).Add(s.summary).Add(s.draft ? "d" : "s").Add(s.etag);
  for (const ReportEntry& e : s.entries) {
    f.Add(e.measure_id).Add(static_cast<int>(e.status)).Add(e.percent_done).Add(e.work_done);
    f.Add(e.problems).Add(e.next_steps);
    for (const QuantitativeValue& v : e.values) f.Add(v.name).Add(v.value).Add(v.unit);
    f.Add("|");
    for (const std::string& l : e.evidence_links) f.Add(l);
    // Only when stated, so that the fingerprints of entries without (all
    // those recorded before checkpoints could be stated) stay as they were.
    if (!e.met_checkpoints.empty()) f.Add("|");
    for (const CheckpointMet& c : e.met_checkpoints) {
      f.Add(absl::FormatCivilTime(c.due)).Add(c.phrase);
    }
    f.Add("#");
  }
  return f.Done();
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

// The checkpoints of `m` due on `day`.
std::vector<const CheckpointInfo*> CheckpointsDue(const MeasureInfo& m, absl::CivilDay day) {
  std::vector<const CheckpointInfo*> out;
  for (const CheckpointInfo& c : m.checkpoints) {
    if (std::find(c.dues.begin(), c.dues.end(), day) != c.dues.end()) out.push_back(&c);
  }
  return out;
}

// "5月底前 2026-05-31; 按季度 2026-06-30, 2026-09-30", or "none".
std::string CheckpointList(const MeasureInfo& m) {
  std::vector<std::string> parts;
  for (const CheckpointInfo& c : m.checkpoints) {
    std::vector<std::string> days;
    for (absl::CivilDay d : c.dues) days.push_back(absl::FormatCivilTime(d));
    parts.push_back(absl::StrCat(c.phrase, " ", absl::StrJoin(days, ", ")));
  }
  return parts.empty() ? "none" : absl::StrJoin(parts, "; ");
}

// Checks the checkpoints entry `index` states met against the measure's
// checkpoints: each names the due day of an occurrence of one of them (and,
// when given, its phrase), once.
absl::Status CheckMetCheckpoints(const ReportEntry& e, size_t index, const MeasureInfo& m) {
  if (e.met_checkpoints.size() > kMaxMetCheckpoints) {
    return absl::InvalidArgumentError(absl::StrCat("entries[", index, "].met_checkpoints: at most ",
                                                   kMaxMetCheckpoints, " checkpoints"));
  }
  for (size_t j = 0; j < e.met_checkpoints.size(); ++j) {
    const CheckpointMet& c = e.met_checkpoints[j];
    auto field = [&](absl::string_view suffix = {}) {
      return absl::StrCat("entries[", index, "].met_checkpoints[", j, "]", suffix);
    };
    ECOPLAN_RETURN_IF_ERROR(CheckTextNamed(
        c.phrase, [&] { return field(".phrase"); }, kMaxValueNameLength, false));
    const std::string day = absl::FormatCivilTime(c.due);
    const std::vector<const CheckpointInfo*> due = CheckpointsDue(m, c.due);
    if (due.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(field(), ": measure ", m.id, " (entries[",
                                                     index, "]) has no checkpoint due ", day,
                                                     "; its checkpoints: ", CheckpointList(m)));
    }
    if (!c.phrase.empty() && std::none_of(due.begin(), due.end(), [&](const CheckpointInfo* x) {
          return x->phrase == c.phrase;
        })) {
      std::vector<std::string> phrases;
      for (const CheckpointInfo* x : due) phrases.push_back(absl::StrCat("«", x->phrase, "»"));
      return absl::InvalidArgumentError(absl::StrCat(
          field(".phrase"), ": measure ", m.id, " (entries[", index, "]) has no checkpoint «",
          c.phrase, "» due ", day, "; due that day: ", absl::StrJoin(phrases, ", ")));
    }
    for (size_t k = 0; k < j; ++k) {
      const CheckpointMet& o = e.met_checkpoints[k];
      if (o.due == c.due && (o.phrase == c.phrase || o.phrase.empty() || c.phrase.empty())) {
        return absl::InvalidArgumentError(
            absl::StrCat(field(), ": the checkpoint due ", day, " of measure ", m.id,
                         " is stated twice (also met_checkpoints[", k, "])"));
      }
    }
  }
  return absl::OkStatus();
}

// Fills the phrase of each checkpoint stated met without one: the phrase of
// the measure's checkpoint due that day (several joined by 、).
void FillCheckpointPhrases(const PlanInfo& plan, std::vector<ReportEntry>* entries) {
  for (ReportEntry& e : *entries) {
    const MeasureInfo* m = plan.FindMeasure(e.measure_id);
    if (m == nullptr) continue;
    for (CheckpointMet& c : e.met_checkpoints) {
      if (!c.phrase.empty()) continue;
      std::vector<std::string> phrases;
      for (const CheckpointInfo* x : CheckpointsDue(*m, c.due)) phrases.push_back(x->phrase);
      c.phrase = absl::StrJoin(phrases, "、");
    }
  }
}

// Checks the entries of `s` against `plan`: each names a measure of the plan
// that the reporting organization owns, once, and is complete (CheckEntry).
absl::Status CheckEntries(const ReportSubmission& s, const PlanInfo& plan) {
  // Measure ids seen so far; they point into `s`, which outlives the loop.
  absl::flat_hash_map<absl::string_view, size_t> seen;
  seen.reserve(s.entries.size());
  for (size_t i = 0; i < s.entries.size(); ++i) {
    const ReportEntry& e = s.entries[i];
    if (e.measure_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat("entries[", i, "].measure is required"));
    }
    const MeasureInfo* m = plan.FindMeasure(e.measure_id);
    if (m == nullptr) {
      return absl::NotFoundError(absl::StrCat("entries[", i, "].measure: plans/", plan.id,
                                              "/measures/", e.measure_id, " does not exist"));
    }
    if (!m->Owns(s.org_id)) {
      return absl::PermissionDeniedError(absl::StrCat(
          "entries[", i, "].measure: ", plan.OrgName(s.org_id), " (organizations/", s.org_id,
          ") neither leads nor is responsible for measure plans/", plan.id, "/measures/",
          e.measure_id, "; report only on measures the organization owns"));
    }
    if (!seen.emplace(e.measure_id, i).second) {
      return absl::InvalidArgumentError(absl::StrCat("entries[", i, "].measure: measure ",
                                                     e.measure_id, " has more than one entry"));
    }
    ECOPLAN_RETURN_IF_ERROR(CheckEntry(e, i, s.draft));
    ECOPLAN_RETURN_IF_ERROR(CheckMetCheckpoints(e, i, *m));
  }
  return absl::OkStatus();
}

// Whether `s` may change `before`, the current report `report_id` (null when
// it does not exist yet): the etag matches, the report is not accepted, and a
// submitted report is not saved back as a draft.
absl::Status CheckRevisable(const ReportSubmission& s, const std::string& report_id,
                            const Report* before) {
  if (before == nullptr) {
    if (s.etag.empty()) return absl::OkStatus();
    return absl::AbortedError(
        absl::StrCat("etag: report plans/", s.plan_id, "/reports/", report_id,
                     " does not exist, so no etag applies; leave etag empty to create it"));
  }
  if (s.etag != ReportEtag(*before)) {
    return absl::AbortedError(absl::StrCat("etag: report plans/", s.plan_id, "/reports/", report_id,
                                           " is at revision ", before->revision,
                                           s.etag.empty()
                                               ? "; pass its etag to revise it"
                                               : " and the given etag is stale; read it again"));
  }
  if (before->state == ReportState::kAccepted) {
    return absl::FailedPreconditionError(
        absl::StrCat("report plans/", s.plan_id, "/reports/", report_id,
                     " was accepted by the bureau and can no longer change"));
  }
  if (s.draft && before->state != ReportState::kDraft) {
    return absl::FailedPreconditionError(
        absl::StrCat("draft: report plans/", s.plan_id, "/reports/", report_id,
                     " was already submitted; revise it by submitting (draft = false)"));
  }
  return absl::OkStatus();
}

// How a revision moved the report: the note's action and the event.
struct Transition {
  RevisionAction action;
  EventType event;
};

// Sets the state of `report` (a copy of the current report carrying the
// submission) for a draft (`draft`) or a submission by `actor` at `now`. The
// first submission records its timeliness against `due` (the period's due day),
// which must be given then.
Transition MoveToState(Report& report, bool draft, const std::string& actor, absl::Time now,
                       const std::optional<PeriodDueDay>& due) {
  if (draft) {
    report.state = ReportState::kDraft;
    return {RevisionAction::kDraftSaved, EventType::kReportDraftSaved};
  }
  const bool first = !report.first_submit_time.has_value();
  report.state = ReportState::kSubmitted;
  report.last_submit_time = now;
  report.submitted_by = actor;
  if (!first) return {RevisionAction::kRevised, EventType::kReportRevised};
  report.first_submit_time = now;
  report.due_time = due->due_time;
  report.timeliness = now < due->due_time ? Timeliness::kOnTime : Timeliness::kLate;
  report.lateness = now < due->due_time ? absl::ZeroDuration() : now - due->due_time;
  return {RevisionAction::kSubmitted, EventType::kReportSubmitted};
}

}  // namespace

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
  ECOPLAN_RETURN_IF_ERROR(CheckEntries(s, *plan));
  const absl::TimeZone zone = PlanZone(*plan);
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
  Callback<std::shared_ptr<const Report>> done;
  std::shared_ptr<void> guard;  // the keys, released with the last copy of the call
};

void ProgressRecorder::SubmitReport(const ReportSubmission& submission, const Caller& caller,
                                    Callback<Report> done) {
  SubmitReport(ReportSubmission(submission), caller, std::move(done));
}

void ProgressRecorder::SubmitReport(ReportSubmission&& submission, const Caller& caller,
                                    Callback<Report> done) {
  SubmitReportShared(std::move(submission), caller,
                     [done = std::move(done)](absl::StatusOr<std::shared_ptr<const Report>> r) {
                       if (!r.ok()) return done(r.status());
                       done(Report(**r));
                     });
}

void ProgressRecorder::SubmitReportShared(ReportSubmission&& submission, const Caller& caller,
                                          Callback<std::shared_ptr<const Report>> done) {
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
  // After the fingerprint, so that a retry matches whatever the view says now.
  FillCheckpointPhrases(*call->v.plan, &call->s.entries);
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
  absl::StatusOr<std::optional<RequestRecord>> seen =
      CheckRequest(c.caller, kSubmitMethod, c.fingerprint);
  if (!seen.ok()) return c.done(seen.status());
  if (seen->has_value()) {
    absl::StatusOr<Report> retried = RetriedReport(c, **seen);
    if (!retried.ok()) return c.done(retried.status());
    return c.done(std::make_shared<const Report>(*std::move(retried)));
  }
  absl::StatusOr<std::shared_ptr<const Report>> current =
      CurrentReport(c.key, s.plan_id, c.report_id);
  if (!current.ok()) return c.done(current.status());
  const Report* before = current->get();
  absl::Status revisable = CheckRevisable(s, c.report_id, before);
  if (!revisable.ok()) return c.done(revisable);

  const absl::Time now = clock_->Now();
  auto next = std::make_shared<Report>(before != nullptr ? *before : Report{});
  Report& report = *next;
  report.plan_id = s.plan_id;
  report.org_id = s.org_id;
  report.org_display_name = c.v.plan->OrgName(s.org_id);
  report.period = s.period;
  report.entries = std::move(s.entries);  // the fingerprint was taken before
  // Prefilled fields the organization left unchanged are confirmed (or stay
  // prefilled in a draft); changed ones are its corrections.
  CarryProvenance(before, s.draft, &report.entries);
  report.summary = std::move(s.summary);
  report.revision = before != nullptr ? before->revision + 1 : 1;
  if (before == nullptr) report.create_time = now;
  report.update_time = now;
  std::optional<PeriodDueDay> due;
  if (!s.draft && !report.first_submit_time.has_value()) {
    due = DueOf(CalendarOf(*c.v.plan), c.v.period, Days(), PlanZone(*c.v.plan));
  }
  const Transition transition = MoveToState(report, s.draft, c.caller.actor, now, due);

  Change change;
  RevisionNote& note = change.revision.emplace();
  note.revision = report.revision;
  note.action = transition.action;
  note.time = now;
  note.actor = c.caller.actor;
  note.changes = Diff(before, report);
  note.request_id = c.caller.request_id;
  change.report = next;
  if (!c.caller.request_id.empty()) {
    change.request = RequestRecord{c.caller.request_id, std::string(kSubmitMethod), c.report_id,
                                   c.fingerprint, report.revision};
  }
  change.events.push_back(transition.event);
  change.caller = c.caller;
  // The commit's callback runs on the store's single committer thread, which
  // serves every writer: the work that can be done here is done here. The
  // previous report is dropped from the cache (and freed, with `current`) on
  // this thread rather than there; the answer is the report the cache then
  // holds, so the callback frees nothing of it either.
  CommittedReport(c.key, nullptr);
  current->reset();
  store_->CommitAsync(std::move(change), [this, call = std::move(call),
                                          next = std::move(next)](absl::Status status) mutable {
    CommittedReport(call->key, status.ok() ? next : nullptr);
    if (!status.ok()) return call->done(status);
    call->done(std::shared_ptr<const Report>(std::move(next)));
  });
}

absl::StatusOr<Report> ProgressRecorder::RetriedReport(const SubmitCall& c,
                                                       const RequestRecord& seen) {
  // A retry: answer with exactly the revision the first call produced.
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<ReportRevision> rev,
                           store_->GetRevision(c.s.plan_id, seen.resource, seen.revision));
  if (!rev.has_value()) {
    return absl::InternalError(
        absl::StrCat("request ", c.caller.request_id, " refers to a missing revision"));
  }
  return std::move(rev->report);
}

}  // namespace ecoplan::progress
