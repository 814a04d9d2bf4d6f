#pragma once

// Measure colours (红黄绿灯, dashboard.cc) and department scorecards
// (scorecards.cc) for the comprehensive evaluation (区委综合考评), from plain inputs: measures with
// deadlines, lead organizations (牵头部门) and responsible organizations (责任单位), the latest
// completion declaration (办结) of each measure as the bureau decided it, the
// evaluated indicators of each measure, and progress reports per organization,
// measure and period with an on-time flag (the progress service's reports and
// completions, mapped at the edge).
//
// Facts, not claims. A measure counts as completed only once the bureau
// confirmed its completion (CompletionConfirmed) and none of its indicators
// is off track. A completion declared and not yet decided, or an owner's
// report saying "completed", is a claim: the light shows it (completion state
// DECLARED, "completion declared by X on D (declaration N), awaiting the
// bureau's confirmation") and otherwise follows the rules for a measure not
// completed. A rejected declaration reverts the measure, and the light says
// who declared it, when the bureau rejected it and why. A confirmation the
// bureau made over the indicator check (override) counts as completed and
// shows its reason; while an indicator is off track such a measure is yellow,
// never green, with the indicator's facts beside the bureau's reason.
//
// Colour rules (LightRules, part of the plan's rules the bureau sets:
// ScoringRules.lights, scoring_rules.h; every rule that fires is listed as a reason, and
// every reason names the facts it rests on: the report period, the deadline,
// the indicator's value, its day and its target):
//   green  — completed (confirmed, no indicator of the measure off track), or
//            nothing below fired ("on schedule");
//   red    — confirmed, but an indicator of the measure is off track: the
//            measure turns back and is not counted as completed (the reason
//            names the indicator, its value, the value's day and the target);
//            the (effective) due day has passed and the measure is not
//            completed; an owner (lead or responsible) missed (or was late
//            for) the last `red_missed_reports` reporting periods; an
//            occurrence of a checkpoint of the measure text whose due day has
//            passed while no report of an owner states it met (the reason
//            names the checkpoint's phrase and its due day); a supervision
//            order (督办单) on the measure open on the day with an addressee
//            overdue ("督办单 2026-003 (黄色督办) open, reply due 2026-06-10;
//            区水务局 overdue"); an item of its problem ledger (问题清单)
//            overdue ("问题清单: 3 of 12 items unresolved (…), 1 overdue:
//            PWK-0012 (due 2026-05-31, 区水务局)");
//   yellow — confirmed, but an indicator of the measure is at risk; due
//            within `yellow_days_before_due` days and not completed; a
//            checkpoint of the measure text (按季度, 5月底前 …, from the
//            registry) due within `yellow_days_before_checkpoint` days, not
//            yet stated met, and the measure not completed; a checkpoint
//            stated met only after its due day, for
//            `yellow_days_after_late_checkpoint` days after the statement
//            (afterwards the reason stays, without colour); an owner
//            missed (or was late for) the last reporting period; its latest
//            report says blocked or delayed; the bureau returned its latest
//            report; a supervision order on the measure open on the day (its
//            level and reply day in force then); a confirmed completion of a
//            measure whose text says 动态清零 while an item of its ledger is
//            unresolved (not counted as completed).
// Supervision orders and ledger items are judged as of the day from their
// latest snapshots (supervision_facts.h); they apply to a measure counted as
// completed too (an open order on it is still yellow). Unresolved ledger items
// without an overdue one are listed as a note (no colour).
// Checkpoints are judged by statements (ProgressReport.met_checkpoints): an
// owner, lead or responsible, states in a monthly report that an occurrence
// (identified by its due day; a recurring 按季度 has one per quarter) is met;
// one owner's statement suffices, the earliest counts, a report the bureau
// returned states nothing, and a statement made after `as_of` is not yet
// known. Stated met by the due day (early included): no reason. A measure
// counted as completed is not judged (nor are its checkpoints listed).
// The worst colour wins. The reporting rules apply to every owner, lead or
// responsible, and their reasons say which role the owner holds. The due day
// is the effective one: an approved extension (延期) replaces the plan's
// deadline, and the reason says so.
//
// Scorecard (the plan's ScoringRules, services/indicator/domain/scoring_rules.h;
// a component with nothing to count is left out and its weight spread over the
// others, so the score stays on 0..100). Every
// organization that leads or is responsible for a measure (or owns an
// indicator), is addressed by a supervision order issued by the day or owns a
// problem ledger item gets one (an addressee or owner is normally an owner of
// the measure already; one that no longer is still sees its orders and items
// on a card of its own); each card counts its orders and items
// (ScoreSupervision, ScoreProblems); lead and responsible work count alike and are shown
// apart (ScoreRole, and in each component's detail):
//   on_time_reporting          = Σ report credits / reports due (on time 1, late
//                                late_report_credit, × returned_report_credit
//                                when the bureau returned it, missing 0)
//   completion_of_due_measures = measures due by as_of counted as completed
//                                (due: the extension's day, or the plan's under
//                                ExtensionScoring::kPlanDeadline)
//                                (confirmed, no indicator off track) / measures due
//   no_overdue_measures        = 1 − overdue measures / measures owned
//   indicators_on_track        = indicators achieved or on track / indicators judged
//   checkpoints_met            = Σ checkpoint credits / checkpoint occurrences passed
//                                (each occurrence of a checkpoint of the text of
//                                a measure it owns whose due day is before as_of,
//                                judged as on the light: met by its due day 1,
//                                stated met late late_checkpoint_credit, missed
//                                0; one owner's statement counts for every owner;
//                                a measure counted as completed is not judged;
//                                left out when its weight is 0)
//   supervision_replies_on_time = replies owed given by the reply day / replies
//                                owed (one per order, addressee and deadline
//                                passed, supervision_facts.h; left out when
//                                its weight is 0, the default)
//   score = Σ rate × weight / Σ weights of the components present × 100
//   (scoring_rules.h says why a plan without checkpoints scores as before).

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/indicator/domain/evaluation.h"
#include "services/indicator/domain/scoring_rules.h"
#include "services/indicator/domain/supervision_facts.h"

namespace ecoplan::indicator {

enum class ReportedStatus : uint8_t { kNotStarted, kInProgress, kCompleted, kBlocked, kDelayed };

// "not_started", "in_progress", "completed", "blocked", "delayed".
const char* ReportedStatusName(ReportedStatus status);

// State of a measure's latest completion declaration (办结).
enum class CompletionState : uint8_t {
  kNone = 0,       // nothing declared or claimed
  kDeclared = 1,   // declared (or reported completed), awaiting the bureau
  kConfirmed = 2,  // the bureau confirmed it
  kRejected = 3,   // the bureau sent it back
};

// "none", "declared", "confirmed", "rejected".
const char* CompletionStateName(CompletionState state);

// The latest completion declaration of a measure, as the progress service
// recorded it and the bureau decided it.
struct CompletionDeclaration {
  std::string name;             // plans/{plan}/measures/{measure}/completions/{n}
  int number = 0;               // 1-based declaration number for the measure
  std::string organization_id;  // the declaring organization's registry id
  std::string organization;     // its canonical name (the id when unknown)
  absl::CivilDay declared;      // day declared (Asia/Shanghai)
  CompletionState state = CompletionState::kDeclared;  // kDeclared/kConfirmed/kRejected
  std::string comment;                                 // the bureau's comment
  std::optional<absl::CivilDay> decided;               // day of the bureau's decision
  bool indicator_check_overridden = false;             // confirmed over an off-track indicator
  std::string override_reason;                         // the bureau's reason for that

  bool operator==(const CompletionDeclaration& o) const;
};

// An indicator of a measure as evaluated as of the same day (pure input,
// filled by the plan evaluation).
struct MeasureIndicator {
  std::string id;    // e.g. a1-t3-m7-i1
  std::string name;  // display name
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::optional<double> value;              // the value judged
  std::optional<absl::CivilDay> value_day;  // the day of that value
  std::string unit;
  std::string target;            // e.g. "≥ 30 %"
  std::string status_reason;     // the evaluation's reason
  std::string status_reason_zh;  // … in Chinese
  // A stretch goal (力争, 鼓励): shown, never turns the measure red or yellow nor
  // takes a completion back.
  bool stretch = false;
};

// A checkpoint of a measure as the lights need it: its phrase and the days it
// is due (one, or each period's end for 按季度 / 每月 …).
struct CheckpointDue {
  std::string phrase;
  std::vector<absl::CivilDay> dues;
};

// An occurrence of a checkpoint of a measure's text that an organization
// states as met in a monthly report.
struct CheckpointStatement {
  absl::CivilDay due;        // the occurrence's due day: identifies it
  std::string phrase;        // its phrase, e.g. "5月底前" (for display)
  absl::CivilDay stated_on;  // the day the report was submitted carrying it (Asia/Shanghai)

  bool operator==(const CheckpointStatement& o) const {
    return due == o.due && phrase == o.phrase && stated_on == o.stated_on;
  }
};

struct MeasureInfo {
  std::string id;
  std::optional<absl::CivilDay> due;  // effective due day; none for ongoing work
  std::vector<std::string> owners;    // lead organizations (牵头部门)
  bool completion_confirmed = false;  // the bureau confirmed a completion (办结)
  std::optional<absl::CivilDay> original_due = std::nullopt;  // the plan's due day, when extended
  // Responsible organizations (责任单位) that are not also leads.
  std::vector<std::string> responsible = {};
  // Day of the bureau's confirmation, when known.
  std::optional<absl::CivilDay> confirmed_on = std::nullopt;
  // The latest completion declaration, if any.
  std::optional<CompletionDeclaration> declaration = std::nullopt;
  // The measure's (non-retired) indicators, evaluated as of the same day.
  std::vector<MeasureIndicator> indicators = {};
  // Checkpoints of the measure's text, from the registry (common/calendar/checkpoints.h).
  std::vector<CheckpointDue> checkpoints = {};
  // The supervision orders (督办单) concerning the measure, latest snapshots
  // (judged as of the evaluation day, supervision_facts.h).
  std::vector<SupervisionOrderFact> supervision_orders = {};
  // The items of its problem ledger (问题清单), latest snapshots.
  std::vector<ProblemItemFact> problems = {};
  // The measure's text says 动态清零: not counted as completed while an item
  // of its ledger is unresolved.
  bool clear_all_required = false;
};

// One organization's entry for one measure in one monthly report.
struct ProgressReport {
  std::string organization;
  std::string measure_id;
  absl::CivilMonth period;  // the reported month
  ReportedStatus status = ReportedStatus::kInProgress;
  bool on_time = true;  // false: first submitted after the due time
  double percent_done = 0;
  bool returned = false;    // the bureau returned the report (to be revised)
  std::string report = {};  // plans/{plan}/reports/{report}, when known
  // Checkpoints of the measure this entry states met (see the rules above).
  std::vector<CheckpointStatement> met_checkpoints = {};
};

enum class Colour : uint8_t { kGreen = 1, kYellow = 2, kRed = 3 };

// The latest entry one organization reported for a measure.
struct OwnerProgress {
  std::string organization;
  bool lead = false;  // among the measure's lead organizations (else responsible or other)
  absl::CivilMonth period;
  ReportedStatus status = ReportedStatus::kInProgress;
  double percent_done = 0;
  bool on_time = true;
  bool returned = false;
};

// How an occurrence of a checkpoint of a measure's text stands on `as_of`.
enum class CheckpointState : uint8_t {
  kUpcoming = 1,  // not yet due, not stated met
  kMet = 2,       // stated met on or before its due day
  kMetLate = 3,   // stated met only after its due day
  kMissed = 4,    // due day passed, no owner's report states it met
};

// "upcoming", "met", "met_late", "missed".
const char* CheckpointStateName(CheckpointState state);

// One checkpoint occurrence of a measure, judged.
struct CheckpointJudgement {
  std::string phrase;
  absl::CivilDay due;
  CheckpointState state = CheckpointState::kUpcoming;
  // The earliest statement that it is met (kMet, kMetLate): who, in which
  // report, on which day.
  std::string organization = {};
  std::string report = {};
  std::optional<absl::CivilDay> stated_on = std::nullopt;
};

// An open supervision order on a measure, as the light shows it.
struct LightSupervisionOrder {
  std::string order;  // plans/{plan}/supervisionOrders/{order}
  std::string id;     // {order}
  std::string title;
  std::string level;                               // in force on the day: blue, yellow, red
  std::optional<absl::CivilDay> reply_due;         // the reply day in force on the day
  std::vector<std::string> overdue_organizations;  // canonical names
};

// A measure's problem ledger counts on the evaluation day.
struct LightProblems {
  int total = 0;                           // items existing by then
  int unresolved = 0;                      // not VERIFIED or CLOSED
  int overdue = 0;                         // OPEN or RECTIFYING past their rectification day
  int claimed = 0;                         // claims awaiting verification
  std::vector<std::string> overdue_items;  // "PWK-0012 (due 2026-05-31, 区水务局)"
  bool clear_all_required = false;         // the measure's text says 动态清零
};

struct MeasureLight {
  std::string measure_id;
  Colour colour = Colour::kGreen;
  std::vector<std::string> reasons;
  std::vector<std::string> reasons_zh;   // the same in Chinese, one for one
  std::vector<std::string> owners;       // lead organizations
  std::vector<std::string> responsible;  // responsible organizations (not leads)
  std::vector<OwnerProgress> progress;   // leads, then responsible, then other reporters
  bool completion_confirmed = false;     // the bureau confirmed a completion
  // Confirmed and no indicator of the measure off track: counts as completed.
  bool counted_completed = false;
  CompletionState completion_state = CompletionState::kNone;
  std::string completion;                      // the latest declaration's resource name, if any
  std::optional<absl::CivilDay> due;           // effective
  std::optional<absl::CivilDay> original_due;  // when an extension moved it
  // Each occurrence of each checkpoint of the measure text, in text order and
  // then by day; empty for a measure counted as completed (not judged).
  std::vector<CheckpointJudgement> checkpoints = {};
  // The supervision orders open on the evaluation day, by id.
  std::vector<LightSupervisionOrder> supervision_orders = {};
  // The problem ledger as of the evaluation day; unset when the measure has no
  // item by then.
  std::optional<LightProblems> problems = std::nullopt;
};

// `due_periods`: the monthly periods owed by `as_of`, oldest first, from the
// plan's reporting calendar (OwedMonthlyPeriods, services/indicator/domain/reporting_calendars.h).
std::vector<MeasureLight> ColourMeasures(const std::vector<MeasureInfo>& measures,
                                         const std::vector<ProgressReport>& reports,
                                         const std::vector<absl::CivilMonth>& due_periods,
                                         absl::CivilDay as_of, const LightRules& rules);

// One fact a score component counts: a report entry of a period, a measure
// due or owned, an indicator judged. `key` is unique within the organization's
// scorecard and stable across evaluations, so a closed month's item can be
// contested and corrected by it ("on_time_reporting/a1-t2-m3/2026-05",
// "completion_of_due_measures/a1-t2-m3", "no_overdue_measures/a1-t2-m3",
// "indicators_on_track/a1-t3-m7-i1", "checkpoints_met/a1-t25-m1/2026-05-31"; the
// checkpoint's phrase is appended, "/5月底前", when another checkpoint of the
// measure falls due the same day; "supervision_replies_on_time/2026-003/2026-06-10":
// the order id and the reply day owed, role "addressee", outcome on_time,
// late or overdue).
struct ScoreFact {
  std::string key;
  std::string role;       // "lead", "responsible", "owner" (of an indicator) or
                          // "addressee" (of a supervision order)
  std::string outcome;    // on_time, late, missing (…_returned); completed, not_completed;
                          // overdue, not_overdue; an indicator status name;
                          // met, met_late, missed (a checkpoint occurrence);
                          // on_time, late, overdue (a supervision reply owed)
  double credit = 0;      // what it adds to the component's numerator, 0..1
  std::string reference;  // the report, completion or indicator it rests on, if any
                          // (a checkpoint: the report that stated it met)
  std::string detail;     // the fact in words, with its period, deadline or value

  bool operator==(const ScoreFact& o) const;
};

struct ScoreComponent {
  std::string name;
  std::optional<double> rate;
  double weight = 0;
  double points = 0;
  std::string detail;
  // The facts counted (ScoreOrganizations with `with_facts`), in order.
  std::vector<ScoreFact> facts = {};
};

// An organization's work in one role (lead or responsible).
struct ScoreRole {
  int measures = 0;                     // measures it holds in this role
  int measures_due = 0;                 // ... due by as_of
  int measures_completed = 0;           // ... of those, counted as completed
  int overdue_measures = 0;             // due day passed, not counted as completed
  std::vector<std::string> overdue;     // "a1-t2-m3 (due 2026-06-30)"
  std::vector<std::string> overdue_zh;  // "a1-t2-m3（完成时限2026年6月30日）"
  int reports_due = 0;                  // (measure, period) entries due by as_of
  int reports_on_time = 0;
  int reports_late = 0;
  int reports_missing = 0;
  // Checkpoint occurrences of its measures' texts passed by as_of (measures
  // not counted as completed), and how they stand.
  int checkpoints_due = 0;
  int checkpoints_met = 0;       // stated met by their due day
  int checkpoints_met_late = 0;  // stated met only after it
  int checkpoints_missed = 0;    // no owner's report states them met
};

// An organization's supervision orders as of the evaluation day
// (supervision_facts.h: open, replies owed and their outcomes).
struct ScoreSupervision {
  int orders = 0;           // addressed to it, issued by the day
  int open = 0;             // ... still open
  int replies_due = 0;      // replies owed whose deadline passed (order × deadline)
  int replies_on_time = 0;  // ... first replied before the deadline
  int replies_late = 0;     // ... replied after it
  int replies_overdue = 0;  // ... not replied at all
  // The orders it is overdue on (the light's rule): "2026-003 (黄色督办, reply due 2026-06-10)".
  std::vector<std::string> overdue = {};
};

// The problem ledger items an organization owns, as of the evaluation day.
struct ScoreProblems {
  int total = 0;
  int unresolved = 0;
  int overdue = 0;
  int reopened = 0;
};

struct Scorecard {
  std::string organization;
  double score = 0;
  std::vector<ScoreComponent> components;
  int measures_led = 0;
  int overdue_measures = 0;  // lead and responsible
  int reports_due = 0;       // (measure, period) entries due by as_of, both roles
  int reports_on_time = 0;
  int reports_late = 0;     // submitted after the due time
  int reports_missing = 0;  // no entry at all
  int measures_responsible = 0;
  ScoreRole as_lead;
  ScoreRole as_responsible;
  ScoreSupervision supervision = {};
  ScoreProblems problems = {};
};

// An indicator's owners and status, for the scorecards.
struct OwnedIndicator {
  std::vector<std::string> owners;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  std::string id = {};        // e.g. a1-t3-m7-i1
  std::string name_ref = {};  // plans/{plan}/indicators/{id}, for the facts
  std::string detail = {};    // its value, the value's day and the target, for the facts
};

// One scorecard per organization that leads or is responsible for a measure,
// or owns an indicator, best first (ties by name), under the plan's `rules`.
// `with_facts`: every component lists the facts it counted (a closed month
// keeps them; EvaluatePlan leaves them out).
std::vector<Scorecard> ScoreOrganizations(const std::vector<MeasureInfo>& measures,
                                          const std::vector<ProgressReport>& reports,
                                          const std::vector<absl::CivilMonth>& due_periods,
                                          const std::vector<OwnedIndicator>& indicators,
                                          absl::CivilDay as_of, const ScoringRules& rules,
                                          bool with_facts = false);

}  // namespace ecoplan::indicator
