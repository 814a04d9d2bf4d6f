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

// "2026-05-20".
std::string Day(absl::CivilDay d);

// The bureau confirmed a completion of `m`.
bool Confirmed(const MeasureInfo& m);

// The measure's indicators with `status`, stretch goals left out (they colour nothing).
std::vector<const MeasureIndicator*> IndicatorsWith(const MeasureInfo& m, IndicatorStatus status);

// The bureau confirmed over the indicator check (ConfirmCompletion's override).
bool Overridden(const MeasureInfo& m);

// Confirmed by the bureau and no indicator of the measure off track (or the
// bureau overrode the check).
bool CountedCompleted(const MeasureInfo& m);

// "declaration 2 by 区交通局 on 2026-05-20".
std::string DeclarationText(const CompletionDeclaration& d);

}  // namespace ecoplan::indicator::dashboard_internal
