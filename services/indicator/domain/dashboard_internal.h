#pragma once

// Helpers shared by the measure lights (dashboard.cc) and the scorecards
// (scorecards.cc). Pure; not part of the domain's interface.

#include <string>
#include <tuple>
#include <vector>

#include "absl/time/civil_time.h"
#include "services/indicator/domain/dashboard.h"

namespace ecoplan::indicator::dashboard_internal {

// Organization, measure, period of a report entry.
using PeriodKey = std::tuple<std::string, std::string, absl::CivilMonth>;

// "2026-05-20"; DayZh: "2026年5月20日".
std::string Day(absl::CivilDay d);
std::string DayZh(absl::CivilDay d);
// "2026-05"; MonthZh: "2026年5月".
std::string MonthZh(absl::CivilMonth m);

// The bureau confirmed a completion of `m`.
bool Confirmed(const MeasureInfo& m);

// The measure's indicators with `status`, stretch goals left out (they colour nothing).
std::vector<const MeasureIndicator*> IndicatorsWith(const MeasureInfo& m, IndicatorStatus status);

// The bureau confirmed over the indicator check (ConfirmCompletion's override).
bool Overridden(const MeasureInfo& m);

// Items of the measure's problem ledger unresolved as of `as_of`.
int UnresolvedProblems(const MeasureInfo& m, absl::CivilDay as_of);

// The measure's text says 动态清零 and an item of its ledger is unresolved as
// of `as_of`: not counted as completed.
bool ClearingIncomplete(const MeasureInfo& m, absl::CivilDay as_of);

// Confirmed by the bureau and no indicator of the measure off track (or the
// bureau overrode the check), and, for a measure whose text says 动态清零, no
// item of its problem ledger unresolved as of `as_of`.
bool CountedCompleted(const MeasureInfo& m, absl::CivilDay as_of);

// "declaration 2 by 区交通局 on 2026-05-20"; DeclarationTextZh:
// "区交通局2026年5月20日的第2次办结申请".
std::string DeclarationText(const CompletionDeclaration& d);
std::string DeclarationTextZh(const CompletionDeclaration& d);

// One occurrence of a checkpoint of a measure's text, judged as of a day, with
// the statement that decided it.
struct JudgedCheckpoint {
  CheckpointJudgement judgement;
  // The report entry carrying the earliest statement that it is met, and that
  // statement (kMet, kMetLate); null when none.
  const ProgressReport* report = nullptr;
  const CheckpointStatement* statement = nullptr;
};

// Each occurrence of each checkpoint of `m`, in text order and then by day,
// judged as of `as_of` from `entries` (the measure's report entries, any
// organization): the earliest statement known by `as_of`, by an owner (lead or
// responsible) in a report the bureau did not return, decides; stated by the
// due day → kMet, later → kMetLate; none and the due day passed (as_of > due)
// → kMissed; else kUpcoming. The one rule the lights and the scorecards share.
std::vector<JudgedCheckpoint> JudgeCheckpoints(const MeasureInfo& m,
                                               const std::vector<const ProgressReport*>& entries,
                                               absl::CivilDay as_of);

// "by 区交通局 in plans/p/reports/o-1_2026-06 (report for 2026-06) submitted on 2026-06-03".
std::string StatementText(const JudgedCheckpoint& c);
// "区交通局于2026年6月3日在2026年6月报告中说明".
std::string StatementTextZh(const JudgedCheckpoint& c);

// "checkpoint «5月底前» of the measure text due 2026-05-31".
std::string CheckpointText(const CheckpointJudgement& j);
// "措施原文节点「5月底前」（2026年5月31日）".
std::string CheckpointTextZh(const CheckpointJudgement& j);

}  // namespace ecoplan::indicator::dashboard_internal
