#include "services/indicator/domain/dashboard_internal.h"

#include "absl/strings/str_cat.h"

namespace ecoplan::indicator::dashboard_internal {

std::string Day(absl::CivilDay d) { return absl::FormatCivilTime(d); }

bool Confirmed(const MeasureInfo& m) {
  return m.completion_confirmed ||
         (m.declaration.has_value() && m.declaration->state == CompletionState::kConfirmed);
}

std::vector<const MeasureIndicator*> IndicatorsWith(const MeasureInfo& m, IndicatorStatus status) {
  std::vector<const MeasureIndicator*> out;
  for (const MeasureIndicator& i : m.indicators) {
    if (i.status == status && !i.stretch) out.push_back(&i);
  }
  return out;
}

bool Overridden(const MeasureInfo& m) {
  return m.declaration.has_value() && m.declaration->state == CompletionState::kConfirmed &&
         m.declaration->indicator_check_overridden;
}

bool CountedCompleted(const MeasureInfo& m) {
  return Confirmed(m) && (IndicatorsWith(m, IndicatorStatus::kOffTrack).empty() || Overridden(m));
}

std::string DeclarationText(const CompletionDeclaration& d) {
  return absl::StrCat("declaration ", d.number, " by ", d.organization, " on ", Day(d.declared));
}

}  // namespace ecoplan::indicator::dashboard_internal
