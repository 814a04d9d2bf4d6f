#pragma once

// What the indicator service keeps of a registry plan besides its indicators:
// the plan view (year, due day, issue date, measures with their owners,
// responsible organizations, deadlines and checkpoints, organization names).
// Plain structs; the registry follower and SyncPlan build them from the
// registry's export (registry_plan_follower.cc), the store keeps them as
// storage.PlanViewRecord (storage/rocksdb_indicator_store.cc).

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"

namespace ecoplan::indicator {

// The format of a plan view as this release stores it (storage
// PlanViewRecord.format). 0: stored by a release before views had a format
// number; such a view may lack what was added since (the issue date, the
// responsible organizations, the organization ids and names, the measures'
// checkpoints), so the registry follower refreshes it from the registry at
// start (RegistryPlanFollower::WithViewRefresh).
// 1: views without MeasureView.clear_all_required (动态清零), refreshed likewise.
inline constexpr int kPlanViewFormat = 2;

// A checkpoint of a measure's text: its phrase and the days it is due (one;
// or each period's end of a recurring one), in order.
struct CheckpointView {
  std::string phrase;  // as written, e.g. 按季度
  std::vector<absl::CivilDay> due_dates;

  bool operator==(const CheckpointView& o) const {
    return phrase == o.phrase && due_dates == o.due_dates;
  }
};

// A measure as the plan view keeps it.
struct MeasureView {
  std::string id;                     // within the plan, e.g. "a1-t2-m3"
  std::optional<absl::CivilDay> due;  // when the deadline has a day
  // Lead organizations (牵头部门), canonical names.
  std::vector<std::string> owners;
  // Responsible organizations (责任单位), canonical names, group words
  // expanded to their members, owners left out.
  std::vector<std::string> responsible_organizations;
  // Registry ids (o-…) of its lead and responsible organizations.
  std::vector<std::string> organization_ids;
  std::vector<CheckpointView> checkpoints;
  // Its text says 动态清零: not counted as completed while an item of its
  // problem ledger (问题清单) is unresolved.
  bool clear_all_required = false;

  bool operator==(const MeasureView& o) const {
    return id == o.id && due == o.due && owners == o.owners &&
           responsible_organizations == o.responsible_organizations &&
           organization_ids == o.organization_ids && checkpoints == o.checkpoints &&
           clear_all_required == o.clear_all_required;
  }
};

// What the registry said about a plan.
struct PlanView {
  std::string plan_id;
  int year = 0;
  int reporting_due_day = 0;  // 0: unknown (25 is assumed)
  std::vector<MeasureView> measures;
  uint64_t registry_sequence = 0;  // the registry event it reflects (0 for a SyncPlan)
  // Reports are owed only for periods due after it, when known.
  std::optional<absl::CivilDay> issue_date;
  // Registry organization id (o-…) → canonical name.
  std::map<std::string, std::string> organization_names;
  // The format the view was loaded in (kPlanViewFormat for one built now); a
  // storage attribute, not part of the view's content (operator== ignores it).
  int stored_format = kPlanViewFormat;

  bool operator==(const PlanView& o) const {
    return plan_id == o.plan_id && year == o.year && reporting_due_day == o.reporting_due_day &&
           measures == o.measures && registry_sequence == o.registry_sequence &&
           issue_date == o.issue_date && organization_names == o.organization_names;
  }
};

}  // namespace ecoplan::indicator
