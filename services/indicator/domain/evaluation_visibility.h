#pragma once

// What a reporter may see of an evaluation: its own organization's share, the
// same rule as ProgressService ("a reporter sees its own organization's
// reports, lights and scores"). Administrators, viewers and services see
// everything; the handler applies this only to reporters.
//
// Of EvaluatePlan's outputs, an organization X keeps:
//   * the lights of the measures X leads or is responsible for (by registry
//     id, or by name among the light's lead owners), with every other
//     organization's progress entry removed, and of the supervision orders
//     and the problem ledger on them only X's share of who is overdue
//     (MeasureSupervisionOrder.overdue_organizations, the ledger's
//     overdue_items; the counts and the reasons, which are about the
//     measure, stay as they are, as the reasons naming other owners'
//     missed reports do);
//   * its own scorecard (by canonical name), with its own supervision orders
//     and problem items (ScoreSupervision, ScoreProblems);
//   * its own unmatched reported values (ProgressLedger::UnmatchedValues
//     lines, "measure <id>, <organization> <period>: …");
//   * every air-quality indicator (monitoring data are public) and the REPORTED
//     indicators it owns (by name among the indicator's owners, or through a
//     measure it owns); status_counts are recounted over what is kept.
// An organization the plan view does not name (empty `name`) keeps only
// what is public. Pure.

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "services/indicator/domain/dashboard.h"
#include "services/indicator/domain/evaluation.h"
#include "services/indicator/domain/model.h"

namespace ecoplan::indicator {

// One organization as the plan view knows it.
struct OrganizationScope {
  std::string organization_id;        // registry id, e.g. o-1a2b3c4d5e
  std::string name;                   // canonical name; empty when unknown
  std::set<std::string> measure_ids;  // measures it leads or is responsible for
};

// The organization-specific outputs of a plan evaluation.
struct EvaluationOutputs {
  std::vector<std::pair<Indicator, Evaluation>> evaluations;
  std::vector<MeasureLight> lights;
  std::vector<Scorecard> scorecards;
  std::vector<std::string> unmatched_reported_values;
  std::map<std::string, int> status_counts;
};

// Whether `scope`'s organization may see the evaluation of `indicator`.
bool OrganizationMaySee(const OrganizationScope& scope, const Indicator& indicator);

// Removes from `outputs` what `scope`'s organization may not see (above).
void NarrowToOrganization(const OrganizationScope& scope, EvaluationOutputs* outputs);

}  // namespace ecoplan::indicator
