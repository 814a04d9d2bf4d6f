#pragma once

// Month closing (月度结账) and contested items (申诉), pure.
//
// A month's assessment is the plan's lights and scorecards as of the month's
// last day (year to date, as EvaluatePlan computes them), under the plan's
// scoring rules, with the facts behind every score. While the month is open
// it is computed from the data as they are; once the bureau closes it, it is
// frozen and never changes again.
//
// Corrections. Data about a closed month can still change: a report for one
// of its periods arrives late or is revised, a completion is rejected, a
// reported value is corrected. The closed month keeps what it said; the
// next open month carries each difference as an adjustment: the closed month
// evaluated again with today's data, compared item by item (lights by
// measure, score facts by organization and key) with what was frozen, each
// difference naming the closed month, the item, what it said then and what it
// says now, and the report or completion behind the change. Since scores are
// year to date, the open month's own scores already count the corrected
// facts; the adjustment says where a change comes from.
//
// Contests. An organization contests an item of a closed month that concerns
// it (a score fact of its scorecard, or the light of a measure it owns) with
// a reason. The bureau accepts it, with the points the organization's score
// gains or loses (−100..100), or rejects it, with a comment; both are on
// record. An accepted contest is an adjustment of the month that was open
// when it was decided, and its points count in that month's adjusted score
// and every later month's (they are not part of any computed score).

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/indicator/domain/dashboard.h"
#include "services/indicator/domain/evaluation.h"
#include "services/indicator/domain/scoring_rules.h"

namespace ecoplan::indicator {

// An air-quality indicator's value as of a day, with the data it stood on.
struct IndicatorSnapshot {
  std::string indicator_id;
  std::vector<std::string> measures;
  std::optional<double> value;
  IndicatorStatus status = IndicatorStatus::kUnspecified;
  DataDays data;
};

// Lights and scorecards (with facts) of a plan as of one day, and its
// air-quality indicators' values with the kind of data behind them.
struct MonthScores {
  std::vector<MeasureLight> lights;
  std::vector<Scorecard> scorecards;
  std::vector<IndicatorSnapshot> indicators = {};
  // The district's readings from 1 January to the day, by kind.
  std::optional<DataDays> data = std::nullopt;
};

enum class ContestState : uint8_t { kPending = 1, kAccepted = 2, kRejected = 3 };

// "pending", "accepted", "rejected".
const char* ContestStateName(ContestState state);

// An organization's contest (申诉) of one item of a closed month.
struct Contest {
  std::string plan_id;
  absl::CivilMonth month;    // the closed month contested
  int number = 0;            // 1-based within the plan
  std::string organization;  // canonical name, as on its scorecard
  std::string item;          // a score fact key, or "light/<measure id>"
  std::string reason;
  std::string filed_by;  // principal
  absl::Time filed_at;
  ContestState state = ContestState::kPending;
  std::string comment;  // the bureau's
  double points = 0;    // accepted: added to the organization's adjusted score
  std::string decided_by;
  absl::Time decided_at;
  std::optional<absl::CivilMonth> recorded_in;  // the month open when it was decided

  // plans/{plan}/contests/{number}.
  std::string Name() const;
};

enum class AdjustmentKind : uint8_t { kCorrection = 1, kContest = 2 };

// Why a correction's item changed: data changed (a report, a completion, a
// value), or audited monitoring data replaced the provisional data the month
// closed on (an air-quality indicator of the item had provisional days then
// and fewer now).
enum class CorrectionCause : uint8_t { kNone = 0, kDataChanged = 1, kAuditedData = 2 };

// A change to a closed month's item, carried by a later month.
struct Adjustment {
  AdjustmentKind kind = AdjustmentKind::kCorrection;
  absl::CivilMonth corrects;  // the closed month
  std::string organization;   // whose score or light ("" for a light: see owners)
  std::string item;           // score fact key, "light/<measure>", or "score"
  std::string before;         // what the closed month said (outcome, colour, score)
  std::string after;          // what it says now (or the contest's decision)
  double points = 0;          // kContest: points; kCorrection of "score": the change
  std::string reference;      // the report / completion / contest behind it
  std::string detail;
  CorrectionCause cause = CorrectionCause::kNone;  // corrections only
  // Corrections: 1 + the corrections of the same item (corrects, organization,
  // item) that closed months already carry (VersionCorrections).
  int version = 0;
};

// What a month's assessment holds, open (computed) or closed (frozen).
struct MonthAssessment {
  std::string plan_id;
  absl::CivilMonth month;
  absl::CivilDay as_of;  // the month's last day (open: today when earlier)
  bool closed = false;
  absl::Time closed_at;
  std::string closed_by;
  std::string reason;
  ScoringRules rules;
  MonthScores scores;
  std::vector<Adjustment> adjustments;
  std::vector<Contest> decided_contests;  // decided while this month was open
  // Σ accepted contest points per organization, this month and earlier.
  std::map<std::string, double> contest_points;
};

absl::CivilDay LastDayOf(absl::CivilMonth month);

// Why `month` cannot be closed now (FailedPrecondition), or OK. A month closes
// after its last day (today, Asia/Shanghai, is later), not before the plan's
// issue month, and right after the latest closed month when one is.
absl::Status CheckClosable(absl::CivilMonth month, absl::CivilDay today,
                           std::optional<absl::CivilDay> issue_date,
                           std::optional<absl::CivilMonth> latest_closed);

// The differences between a closed month as frozen and as evaluated again now
// (same day, same rules): lights whose colour changed, air-quality indicators
// whose value or status changed ("indicator/<id>"), score facts whose
// outcome or credit changed (or appeared, or went), and each organization's
// score change ("score", points = now − then). Each has a cause: kAuditedData
// when an air-quality indicator behind it (the indicator itself, the fact
// "indicators_on_track/<id>", a light of one of its measures, a score with
// such a fact) had more provisional days then than now, kDataChanged
// otherwise; `version` is left 0 (VersionCorrections numbers them). Ordered: lights by measure,
// then by organization and key. A score fact that several closed months
// carried alike (scores are year to date: April's report is a fact of April,
// May and June) corrects the first of them: `earlier` are the closed months
// before `closed`, oldest first, and the adjustment names the earliest month
// from which every closed month up to `closed` said the same as `closed`.
std::vector<Adjustment> Corrections(const MonthAssessment& closed, const MonthScores& now,
                                    const std::vector<const MonthAssessment*>& earlier = {});

// Numbers each correction of `adjustments`: 1 + the corrections of the same
// closed month, organization and item carried by `closed` (the closed months).
void VersionCorrections(const std::vector<const MonthAssessment*>& closed,
                        std::vector<Adjustment>* adjustments);

// The adjustments of accepted contests decided while `month` was open.
std::vector<Adjustment> ContestAdjustments(const std::vector<Contest>& decided);

// Why `contest` of `closed` cannot be filed (InvalidArgument / NotFound /
// FailedPrecondition), or OK: a reason is given, the item exists in the
// closed month and concerns the organization (a fact of its scorecard, or
// the light of a measure it leads or is responsible for).
absl::Status CheckContest(const MonthAssessment& closed, const Contest& contest);

// Keeps of `month` only what concerns one organization (`name`, canonical; it
// leads or is responsible for `measure_ids`, or is named on the light): those
// lights, its scorecard, its adjustments (and those of its lights), its
// decided contests and contest points. An empty name keeps none of them. The
// same rule as evaluation_visibility.h, for a reporter or an explicit filter.
void NarrowMonthToOrganization(const std::string& name, const std::set<std::string>& measure_ids,
                               MonthAssessment* month);

// Why `points` / `comment` cannot decide a pending contest, or OK.
absl::Status CheckDecision(const Contest& contest, bool accept, double points,
                           const std::string& comment);

}  // namespace ecoplan::indicator
