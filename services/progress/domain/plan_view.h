#pragma once

// The progress service's local view of the registry: plans, their measures
// and who owns each measure. Fed from the registry's WatchEvents (see
// registry_view_updater.h); never fetched inside a request.

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"

namespace ecoplan::progress {

// A checkpoint of a measure's text (registry Measure.checkpoints): its phrase
// and the days its occurrences are due (one; each period's end for 按季度 …).
struct CheckpointInfo {
  std::string phrase;
  std::vector<absl::CivilDay> dues;  // in order
};

// The format of a plan view as this release stores it (storage PlanViewRecord
// field `format`). 0: stored by a release before views had a format number;
// such a view may lack what was added since (the measures' checkpoints, the
// plan's issue date, the responsible units and organization ids), so it is
// refreshed from the registry at start (RegistryViewUpdater::WithViewRefresh).
inline constexpr int kPlanViewFormat = 1;

// What the progress service needs of one measure.
struct MeasureInfo {
  std::string id;            // "a1-t3-m2"
  int order = 0;             // position in plan order
  std::string text;          // the measure text
  std::string deadline_raw;  // 完成时限 as written
  int deadline_kind = 0;     // common.v1.DeadlineKind value
  std::optional<absl::CivilDay> window_start;
  std::optional<absl::CivilDay> due;  // the plan's due day; unset for ongoing
  // Organization ids, expanded through group members (各镇街), in order, no repeats.
  std::vector<std::string> lead_org_ids;
  std::vector<std::string> responsible_org_ids;
  // The checkpoints of its text, for the statements of reports that they are met.
  std::vector<CheckpointInfo> checkpoints = {};

  bool IsLead(absl::string_view org_id) const;
  bool Owns(absl::string_view org_id) const;
};

// One plan as the progress service sees it.
struct PlanInfo {
  std::string id;
  std::string title;
  int year = 0;
  std::string time_zone = "Asia/Shanghai";
  int reporting_due_day = 25;
  // When the plan was issued; unknown for plans viewed before it was kept.
  // Reports are owed only for periods due after it (common::IsOwed).
  std::optional<absl::CivilDay> issue_date;
  std::vector<MeasureInfo> measures;                 // plan order
  std::map<std::string, std::string> organizations;  // id → display name
  uint64_t registry_sequence = 0;                    // last registry event applied
  // The format the view was loaded in (kPlanViewFormat for a view built now).
  int stored_format = kPlanViewFormat;

  // Indexes, rebuilt by Index().
  absl::flat_hash_map<std::string, size_t> measure_index;
  std::map<std::string, std::vector<size_t>> measures_of_org;  // org id → measure indexes

  void Index();
  const MeasureInfo* FindMeasure(absl::string_view measure_id) const;
  std::string OrgName(absl::string_view org_id) const;
};

// The set of plans, swapped whole after every change (readers never wait for
// the follower). Thread-safe.
class PlanDirectory {
 public:
  // Whether the registry's event stream is connected now: `probe` (the
  // follower's connected()) when set, else the flag of SetConnected (tests).
  void SetConnected(bool connected);
  void SetConnectedProbe(std::function<bool()> probe);
  bool connected() const;

  // Replaces or adds one plan.
  void Put(std::shared_ptr<const PlanInfo> plan);
  // The plan, or nullptr.
  std::shared_ptr<const PlanInfo> Find(absl::string_view plan_id) const;
  // The plan. Errors: NotFound when the registry stream is connected and the
  // plan is unknown; Unavailable when the plan is unknown and the registry has
  // not been reached (the view may simply be behind).
  absl::StatusOr<std::shared_ptr<const PlanInfo>> Get(absl::string_view plan_id) const;
  std::vector<std::shared_ptr<const PlanInfo>> All() const;

 private:
  mutable absl::Mutex mu_;
  bool connected_ ABSL_GUARDED_BY(mu_) = false;
  std::function<bool()> probe_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<const std::map<std::string, std::shared_ptr<const PlanInfo>>> plans_
      ABSL_GUARDED_BY(mu_) =
          std::make_shared<std::map<std::string, std::shared_ptr<const PlanInfo>>>();
};

}  // namespace ecoplan::progress
