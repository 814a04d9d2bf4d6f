#pragma once

// ProgressLedger: what the progress service said, as the indicator service
// needs it, and how each progress event changes it. Pure (absl only): the
// progress events arrive here already mapped to ProgressUpdate
// (services/indicator/progress_follower.cc), and the caller stores the
// returned LedgerChange and then applies it.
//
// What it keeps, per plan:
//   * the entries of every submitted monthly report, one per (organization,
//     period, measure): status, percent done, on time or late, returned by the
//     bureau, and the quantitative values with the indicator each one feeds;
//   * the checkpoints of the measure text each entry states met, each with
//     the day it was stated: the day (Asia/Shanghai) of the submission that
//     first carried it, kept through later revisions, acceptance and return;
//     a statement in a report the bureau returned counts again only from its
//     resubmission (the lights ignore returned entries);
//   * confirmed completions (办结) and approved extensions (effective due days);
//   * the latest completion declaration of each measure (number, declaring
//     organization, day, state declared / confirmed / rejected, the bureau's
//     comment and decision day, an indicator-check override and its reason),
//     so a light can show a claim as a claim and a rejection with its reason.
//     An older declaration (lower number) delivered late never replaces a
//     newer one, and a confirmed declaration is final.
//   * the latest snapshot of every supervision order (督办单) and problem
//     ledger item (问题清单) of the plan, as the progress service's events
//     carry them whole (supervision_facts.h): the event with the highest
//     sequence wins, so a replay or an older event delivered late changes
//     nothing. An order keeps the deadline it was issued with even when a
//     later snapshot no longer says it (a level change replaces the order's
//     reply day): the ledger takes it from the SupervisionOrderIssued
//     snapshot; an order first seen after a level change starts from that
//     change's reply day (an approximation only a ledger built without the
//     order's issue event makes). The lights and scorecards judge them as of
//     the evaluation day (Annotate attaches them to their measures).
// Drafts and quarterly / half-year / annual summaries are not kept: the
// colours and scorecards count monthly reports, and a summary restating the
// months would count their values twice.
//
// Reported values → indicator observations (MatchReportedValue):
//   candidates are the plan's non-retired indicators with source REPORTED that
//   belong to the entry's measure; a value whose unit (normalized: ％ → %,
//   spaces dropped) differs from the indicator's is never matched (an empty
//   unit matches a count unit such as 家 or an indicator without unit); among
//   the unit-compatible candidates the one whose name shares the most
//   character pairs with the value's name wins (ties: none); a single
//   compatible candidate is taken even with a different wording. A value that
//   matches nothing is kept with the reason (UnmatchedValues).
//
// One observation per (indicator, period): its day is the period's reporting
// due day (the 25th for a monthly report due in the same month), or the
// period's last day when that is earlier, so a report counts in evaluations
// as of its due day. When several organizations report a value for the same
// indicator and period, a cumulative count is their sum (each reports its
// own); anything else is the mean of the values of the indicator's owners, or
// of every reporter when no owner reported. A revised report recomputes the
// observation: a different value replaces it (the caller records the
// correction), an entry or value withdrawn removes it when nothing else feeds it.
//
// Not thread-safe: the caller (IndicatorEvaluator) holds its lock.

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/indicator/domain/dashboard.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator {

// A number reported in an entry, and where it went.
struct EntryValue {
  std::string name;  // e.g. 新能源货车占比
  double value = 0;
  std::string unit;          // as reported
  std::string indicator_id;  // the indicator it feeds; empty when unmatched
  std::string note;          // why it is unmatched, or how it was matched
};

// One organization's entry for one measure in one monthly report.
struct LedgerEntry {
  std::string organization_id;  // registry id, e.g. o-1a2b3c4d5e
  std::string organization;     // display name (the registry's canonical name)
  absl::CivilMonth period;
  std::string measure_id;
  std::string report;  // plans/{plan}/reports/{report}
  int report_revision = 0;
  ReportedStatus status = ReportedStatus::kInProgress;
  double percent_done = 0;
  bool on_time = true;
  bool returned = false;
  absl::CivilDay day;  // observation day of the period (see above)
  std::vector<EntryValue> values;
  // Checkpoints of the measure stated met, with the day each was stated.
  std::vector<CheckpointStatement> met_checkpoints = {};

  bool operator==(const LedgerEntry& o) const;
};

// A progress event, reduced to what the ledger uses.
struct ProgressUpdate {
  enum class Kind : uint8_t {
    kReport,               // ReportSubmitted / ReportRevised / ReportAccepted / ReportReturned
    kCompletionDeclared,   // CompletionDeclared
    kCompletionConfirmed,  // CompletionConfirmed
    kCompletionRejected,   // CompletionRejected
    kExtensionApproved,    // ExtensionDecided, approved
    kSupervisionOrder,     // SupervisionOrderIssued / Replied / ReplyReturned / … / Closed
    kProblemItem,          // ProblemItemOpened / ProblemItemTransitioned
  };
  Kind kind = Kind::kReport;
  std::string plan_id;

  // kReport: the report after the change (every entry; an entry missing from
  // a revision is withdrawn).
  std::string report;
  int report_revision = 0;
  std::string organization_id;
  std::string organization;
  absl::CivilMonth period;
  std::optional<absl::CivilDay> due_day;  // the report's recorded due day
  bool on_time = true;
  bool returned = false;
  // The day (Asia/Shanghai) of the submission this state of the report comes
  // from (its last submission): the day a checkpoint it newly states met is
  // stated on.
  std::optional<absl::CivilDay> submitted_day = std::nullopt;
  struct Entry {
    std::string measure_id;
    ReportedStatus status = ReportedStatus::kInProgress;
    double percent_done = 0;
    std::vector<EntryValue> values;  // name, value, unit
    // Checkpoints stated met: due day and phrase (stated_on is set by the ledger).
    std::vector<CheckpointStatement> met_checkpoints = {};
  };
  std::vector<Entry> entries;

  // kCompletion* / kExtensionApproved.
  std::string measure_id;
  std::string completion;  // plans/{plan}/measures/{m}/completions/{n}
  absl::CivilDay day;      // confirmation day / the new due day

  // kCompletion*: the declaration after the event (organization left empty:
  // the ledger names it from the organization's reports, else its id).
  CompletionDeclaration declaration;

  // kSupervisionOrder: the order after the event (sequence set); its first
  // deadline is the one given at issue only when `initial_deadline_known`
  // (a SupervisionOrderIssued event, or no level change yet).
  std::optional<SupervisionOrderFact> order = std::nullopt;
  bool initial_deadline_known = true;
  // kProblemItem: the item after the event (sequence set).
  std::optional<ProblemItemFact> problem = std::nullopt;
};

// An observation of an indicator to write (value set) or remove (unset).
struct ObservationChange {
  std::string indicator_id;
  absl::CivilDay day;
  std::optional<double> value;
  std::string source;  // e.g. "progress: plans/p/reports/o-1_2026-05 (区交通局)"
};

// Everything one update changes, for the caller to store in one batch.
struct LedgerChange {
  std::string plan_id;
  std::vector<LedgerEntry> put_entries;
  std::vector<LedgerEntry> deleted_entries;
  std::optional<std::pair<std::string, absl::CivilDay>> completion;  // measure, day
  std::optional<std::pair<std::string, absl::CivilDay>> extension;   // measure, new due day
  // measure, its latest completion declaration.
  std::optional<std::pair<std::string, CompletionDeclaration>> declaration;
  std::vector<ObservationChange> observations;
  // The order or problem item snapshot to keep (replacing the held one).
  std::optional<SupervisionOrderFact> order = std::nullopt;
  std::optional<ProblemItemFact> problem = std::nullopt;
  bool empty() const {
    return put_entries.empty() && deleted_entries.empty() && !completion && !extension &&
           !declaration && observations.empty() && !order && !problem;
  }
};

// The indicator a reported value feeds among `indicators` (of the entry's
// plan), or "" with the reason in `note`.
std::string MatchReportedValue(const std::vector<Indicator>& indicators,
                               const std::string& measure_id, const EntryValue& value,
                               std::string* note);

// "％" → "%", ASCII and ideographic spaces dropped.
std::string NormalizeUnit(const std::string& unit);

class ProgressLedger {
 public:
  // What `update` changes, given the plan's current indicators. Pure.
  LedgerChange Prepare(const ProgressUpdate& update,
                       const std::vector<Indicator>& indicators) const;
  // Applies a change once it is durable.
  void Apply(const LedgerChange& change);

  // Loading (at start).
  void PutEntry(const std::string& plan_id, LedgerEntry entry);
  void PutCompletion(const std::string& plan_id, const std::string& measure_id, absl::CivilDay day);
  void PutExtension(const std::string& plan_id, const std::string& measure_id, absl::CivilDay due);
  void PutDeclaration(const std::string& plan_id, const std::string& measure_id,
                      CompletionDeclaration declaration);
  void PutOrder(const std::string& plan_id, SupervisionOrderFact order);
  void PutProblem(const std::string& plan_id, ProblemItemFact item);

  // Views for the dashboard.
  std::vector<ProgressReport> Reports(const std::string& plan_id) const;
  // Sets completion_confirmed, confirmed_on, the latest declaration, the
  // effective due day (keeping the plan's in original_due), the supervision
  // orders and the problem items of `measures`.
  void Annotate(const std::string& plan_id, std::vector<MeasureInfo>* measures) const;
  // "measure a1-t2-m3, 区交通局 2026-05: «充电桩» 12 个 — no indicator of the measure ..."
  std::vector<std::string> UnmatchedValues(const std::string& plan_id) const;
  // Number of entries and of reports (organization, period) held for a plan.
  std::pair<int, int> Counts(const std::string& plan_id) const;
  bool HasPlan(const std::string& plan_id) const;

 private:
  using EntryKey =
      std::tuple<std::string, absl::CivilMonth, std::string>;  // org id, period, measure
  struct Plan {
    std::map<EntryKey, LedgerEntry> entries;
    std::map<std::string, absl::CivilDay> completions;          // measure → confirmation day
    std::map<std::string, absl::CivilDay> extensions;           // measure → effective due day
    std::map<std::string, CompletionDeclaration> declarations;  // measure → latest
    std::map<std::string, SupervisionOrderFact> orders;         // order id → latest
    std::map<std::string, ProblemItemFact> problems;            // problem id → latest
  };
  // The order snapshot of `u` to keep, unless `plan` holds a newer one.
  static void PrepareOrder(const ProgressUpdate& u, const Plan& plan, LedgerChange* change);
  std::map<std::string, Plan> plans_;
};

}  // namespace ecoplan::indicator
