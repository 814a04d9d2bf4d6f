#include "services/indicator/domain/evaluation_visibility.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ecoplan::indicator {
namespace {

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return !name.empty() && std::find(names.begin(), names.end(), name) != names.end();
}

bool OwnsMeasure(const OrganizationScope& scope, const MeasureLight& light) {
  return scope.measure_ids.count(light.measure_id) > 0 || Contains(light.owners, scope.name);
}

}  // namespace

bool OrganizationMaySee(const OrganizationScope& scope, const Indicator& indicator) {
  if (indicator.source != SourceKind::kReported) return true;
  if (Contains(indicator.owners, scope.name)) return true;
  for (const std::string& m : indicator.measures) {
    if (scope.measure_ids.count(m)) return true;
  }
  return false;
}

void NarrowToOrganization(const OrganizationScope& scope, EvaluationOutputs* outputs) {
  auto& evaluations = outputs->evaluations;
  evaluations.erase(std::remove_if(evaluations.begin(), evaluations.end(),
                                   [&](const std::pair<Indicator, Evaluation>& e) {
                                     return !OrganizationMaySee(scope, e.first);
                                   }),
                    evaluations.end());
  outputs->status_counts.clear();
  for (const auto& [indicator, e] : evaluations) {
    ++outputs->status_counts[IndicatorStatusName(e.status)];
  }

  auto& lights = outputs->lights;
  lights.erase(std::remove_if(lights.begin(), lights.end(),
                              [&](const MeasureLight& l) { return !OwnsMeasure(scope, l); }),
               lights.end());
  for (MeasureLight& l : lights) {
    l.progress.erase(std::remove_if(l.progress.begin(), l.progress.end(),
                                    [&](const OwnerProgress& p) {
                                      return scope.name.empty() || p.organization != scope.name;
                                    }),
                     l.progress.end());
    // Supervision orders and the problem ledger: who is overdue, only itself.
    for (LightSupervisionOrder& o : l.supervision_orders) {
      auto& orgs = o.overdue_organizations;
      orgs.erase(std::remove_if(orgs.begin(), orgs.end(),
                                [&](const std::string& org) {
                                  return scope.name.empty() || org != scope.name;
                                }),
                 orgs.end());
    }
    if (l.problems.has_value()) {
      // "PWK-0012 (due 2026-05-31, 区水务局)": its own items only.
      auto& items = l.problems->overdue_items;
      items.erase(std::remove_if(items.begin(), items.end(),
                                 [&](const std::string& item) {
                                   return scope.name.empty() ||
                                          !absl::EndsWith(item,
                                                          absl::StrCat(", ", scope.name, ")"));
                                 }),
                  items.end());
    }
  }

  auto& cards = outputs->scorecards;
  cards.erase(std::remove_if(cards.begin(), cards.end(),
                             [&](const Scorecard& c) {
                               return scope.name.empty() || c.organization != scope.name;
                             }),
              cards.end());

  // "measure <id>, <organization> <period>: …" (ProgressLedger::UnmatchedValues).
  auto& unmatched = outputs->unmatched_reported_values;
  unmatched.erase(std::remove_if(unmatched.begin(), unmatched.end(),
                                 [&](const std::string& line) {
                                   if (scope.name.empty()) return true;
                                   const size_t comma = line.find(", ");
                                   if (comma == std::string::npos) return true;
                                   return !absl::StartsWith(line.substr(comma + 2),
                                                            absl::StrCat(scope.name, " "));
                                 }),
                  unmatched.end());
}

}  // namespace ecoplan::indicator
