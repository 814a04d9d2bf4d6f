// ProgressRecorder: prefilling an organization's draft with figures another
// system holds (PrefillReport; 一数一源, see report_provenance.h).

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status/status_macros.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/domain/progress_recorder_internal.h"

namespace ecoplan::progress {

using internal::CheckPeriodInPlan;
using internal::Diff;
using internal::Fingerprinter;
using internal::kPrefillMethod;
using internal::PlanZone;
using internal::ReportKey;
using internal::StateName;

namespace {

// The revision's lines naming a field kept as the organization typed it;
// a retry reads kept_fields back from them.
constexpr absl::string_view kKeptSuffix = ": kept as the organization typed it";

void AddSource(Fingerprinter& f, const std::optional<ValueSource>& s) {
  if (!s.has_value()) {
    f.Add("-");
    return;
  }
  f.Add(s->system).Add(s->record_id).Add(absl::FormatTime(s->file_time));
}

std::string PrefillFingerprint(const ReportPrefill& p) {
  Fingerprinter f;
  f.Add(p.plan_id).Add(p.org_id).Add(p.period);
  for (const PrefillEntry& e : p.entries) {
    f.Add(e.measure_id);
    AddSource(f, e.source);
    f.Add(static_cast<int>(e.status)).Add(e.percent_done.has_value() ? "p" : "-");
    if (e.percent_done.has_value()) f.Add(*e.percent_done);
    f.Add(e.work_done).Add(e.problems).Add(e.next_steps);
    for (const PrefillValue& v : e.values) {
      f.Add(v.value.name).Add(v.value.value).Add(v.value.unit);
      AddSource(f, v.source);
    }
    f.Add("#");
  }
  return f.Done();
}

std::vector<std::string> KeptFieldsOf(const std::vector<std::string>& changes) {
  std::vector<std::string> kept;
  for (const std::string& c : changes) {
    absl::string_view line = c;
    if (absl::ConsumeSuffix(&line, kKeptSuffix)) kept.emplace_back(line);
  }
  return kept;
}

}  // namespace

void ProgressRecorder::PrefillReport(ReportPrefill prefill, const Caller& caller,
                                     Callback<PrefillResult> done) {
  struct Checked {
    std::shared_ptr<const PlanInfo> plan;
    std::string period;
  };
  absl::StatusOr<Checked> checked = [&]() -> absl::StatusOr<Checked> {
    ECOPLAN_RETURN_IF_ERROR(CheckCaller(caller));
    ECOPLAN_RETURN_IF_ERROR(CheckAdministrator(caller, "prefill reports"));
    if (prefill.org_id.empty()) return absl::InvalidArgumentError("organization is required");
    ECOPLAN_ASSIGN_OR_RETURN(std::shared_ptr<const PlanInfo> plan, plans_->Get(prefill.plan_id));
    ECOPLAN_ASSIGN_OR_RETURN(Period period, ParsePeriod(prefill.period, "period"));
    ECOPLAN_RETURN_IF_ERROR(CheckPeriodInPlan(period, *plan, CalendarOf(*plan), "period"));
    if (plan->measures_of_org.count(prefill.org_id) == 0 &&
        plan->organizations.count(prefill.org_id) == 0) {
      return absl::NotFoundError(absl::StrCat("organization: organizations/", prefill.org_id,
                                              " is not an organization of plan ", plan->id));
    }
    if (prefill.entries.empty()) {
      return absl::InvalidArgumentError("entries: at least one entry is required");
    }
    if (prefill.entries.size() > kMaxEntries) {
      return absl::InvalidArgumentError(
          absl::StrCat("entries: ", prefill.entries.size(), " entries; at most ", kMaxEntries));
    }
    const absl::Time now = clock_->Now();
    ECOPLAN_RETURN_IF_ERROR(CheckPrefillEntries(prefill.entries, *plan, prefill.org_id, now));
    const absl::Time period_start =
        absl::FromCivil(absl::CivilSecond(absl::CivilDay(period.FirstMonth())), PlanZone(*plan));
    if (now < period_start) {
      return absl::FailedPreconditionError(
          absl::StrCat("period: ", period.ToString(), " has not begun; figures are taken from ",
                       absl::FormatCivilTime(absl::CivilDay(period.FirstMonth()))));
    }
    return Checked{std::move(plan), period.ToString()};
  }();
  if (!checked.ok()) return done(checked.status());
  prefill.period = checked->period;  // canonical
  auto call = std::make_shared<ReportPrefill>(std::move(prefill));
  const std::string fingerprint = PrefillFingerprint(*call);
  const std::string report_id = absl::StrCat(call->org_id, "_", call->period);
  const std::string key = ReportKey(call->plan_id, report_id);
  std::shared_ptr<const PlanInfo> plan = std::move(checked->plan);
  RunSerialized(caller, key, [=](std::shared_ptr<void> guard) {
    const ReportPrefill& p = *call;
    absl::StatusOr<std::optional<RequestRecord>> seen =
        CheckRequest(caller, kPrefillMethod, fingerprint);
    if (!seen.ok()) return done(seen.status());
    if (seen->has_value()) {
      auto rev = store_->GetRevision(p.plan_id, (*seen)->resource, (*seen)->revision);
      if (!rev.ok()) return done(rev.status());
      if (!rev->has_value()) return done(absl::InternalError("missing revision of a request"));
      return done(PrefillResult{(*rev)->report, KeptFieldsOf((*rev)->changes)});
    }
    absl::StatusOr<std::shared_ptr<const Report>> current =
        CurrentReport(key, p.plan_id, report_id);
    if (!current.ok()) return done(current.status());
    const Report* before = current->get();
    if (before != nullptr && before->state != ReportState::kDraft) {
      return done(absl::FailedPreconditionError(absl::StrCat(
          "report plans/", p.plan_id, "/reports/", report_id, " is ", StateName(before->state),
          "; pushed figures only prefill a draft, so the organization revises a submitted "
          "report itself (SubmitReport)")));
    }
    const absl::Time now = clock_->Now();
    auto next = std::make_shared<Report>(before != nullptr ? *before : Report{});
    Report& report = *next;
    report.plan_id = p.plan_id;
    report.org_id = p.org_id;
    report.org_display_name = plan->OrgName(p.org_id);
    report.period = p.period;
    report.state = ReportState::kDraft;
    report.revision = before != nullptr ? before->revision + 1 : 1;
    if (before == nullptr) report.create_time = now;
    report.update_time = now;
    std::vector<std::string> kept = MergePrefill(p.entries, caller.actor, now, &report);
    for (const ReportEntry& e : report.entries) {
      if (e.values.size() > kMaxValues) {
        return done(absl::InvalidArgumentError(absl::StrCat(
            "entries: the draft's entry for measure ", e.measure_id, " would hold ",
            e.values.size(), " values with the pushed ones; an entry holds at most ", kMaxValues)));
      }
    }

    Change change;
    RevisionNote& note = change.revision.emplace();
    note.revision = report.revision;
    note.action = RevisionAction::kPrefilled;
    note.time = now;
    note.actor = caller.actor;
    note.changes = Diff(before, report);
    for (const std::string& field : kept) note.changes.push_back(absl::StrCat(field, kKeptSuffix));
    note.request_id = caller.request_id;
    change.report = next;
    if (!caller.request_id.empty()) {
      change.request = RequestRecord{caller.request_id, std::string(kPrefillMethod), report_id,
                                     fingerprint, report.revision};
    }
    // The draft changed as if saved: followers (the indicator service) ignore drafts.
    change.events.push_back(EventType::kReportDraftSaved);
    change.caller = caller;
    store_->CommitAsync(std::move(change), [this, guard, key, next, done,
                                            kept = std::move(kept)](absl::Status s) mutable {
      CommittedReport(key, s.ok() ? next : nullptr);
      if (!s.ok()) return done(s);
      done(PrefillResult{*next, std::move(kept)});
    });
  });
}

}  // namespace ecoplan::progress
