#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/events/event_follower.h"
#include "common/log/log.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/domain/plan_indicators.h"
#include "services/indicator/domain/plan_view.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {

// What the indicator service reads from a registry export: the annex-4 and
// annex-5 tables, the measures with their lead organizations (canonical names)
// and the plan view (measure deadlines, lead organizations and responsible
// organizations — group words such as 各镇街 expanded to their members, a
// lead not repeated — by canonical name, for colours and scorecards).
struct RegistryPlan {
  PlanSource source;
  PlanView view;
};
RegistryPlan FromRegistryExport(const ecoplan::registry::v1::ExportPlanResponse& exported);
// A registry measure as the plan view keeps it; `organizations` maps
// organizations/{id} to canonical names (an organization missing from it is
// kept as written, a group member missing from it is left out).
MeasureView MeasureViewFromRegistry(const ecoplan::registry::v1::Measure& measure,
                                    const std::map<std::string, std::string>& organizations);

// The handler of the EventFollower on the registry's WatchEvents:
//   PlanImported   → ExportPlan (a blocking read, on the follower's thread) →
//                    BuildPlanIndicators → indicators, revisions, events, the
//                    extraction report and the plan view, with the cursor in one batch;
//   MeasureUpdated → ExportPlan for the plan's organizations (canonical names),
//                    then the plan view's measure (deadline, lead and
//                    responsible organizations) and the owners of the
//                    measure-text indicators of that measure;
//   anything else  → no effect (the cursor still moves).
// The effects are the evaluator's Prepare* changes as `store`'s writes
// (FollowEffectOf). `evaluator`, `store` and `registry` must outlive it.
class RegistryPlanFollower {
 public:
  RegistryPlanFollower(IndicatorEvaluator* evaluator, const RocksDbIndicatorStore* store,
                       ecoplan::registry::v1::RegistryService::StubInterface* registry,
                       absl::Duration call_timeout, common::Logger log);

  // Errors (the event is delivered again later): from ExportPlan; InvalidArgument
  // for a payload that does not parse.
  absl::StatusOr<common::FollowEffect> Handle(const ecoplan::common::v1::Event& event);

  // An opener that, before the stream opens, refreshes every plan view
  // loaded in a format older than kPlanViewFormat (stored by an older
  // release, possibly without issue date, responsible organizations,
  // organization ids or checkpoints): ExportPlan, as for PlanImported, on the
  // follower's thread; only the view is rewritten (in the current format,
  // keeping its registry_sequence) and published, and the refresh is logged.
  // A plan the registry no longer exports is left as it is (logged); on
  // Unavailable / DeadlineExceeded or a storage error the refresh is tried
  // again before the next stream. Then opens the stream with `open`.
  common::StreamOpener WithViewRefresh(common::StreamOpener open);

  // The refresh of WithViewRefresh, once. Errors: the first Unavailable or
  // DeadlineExceeded of ExportPlan (the other plans are still refreshed),
  // storage errors.
  absl::Status RefreshOldViews();

 private:
  IndicatorEvaluator* const evaluator_;
  const RocksDbIndicatorStore* const store_;
  ecoplan::registry::v1::RegistryService::StubInterface* const registry_;
  const absl::Duration call_timeout_;
  common::Logger log_;
};

}  // namespace ecoplan::indicator
