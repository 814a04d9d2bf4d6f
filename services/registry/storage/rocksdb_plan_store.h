#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/storage/rocksdb_db.h"
#include "services/registry/domain/plan_store.h"

namespace ecoplan::registry {

// PlanStore on RocksDB. Key layout (column family: key → value):
//   plans:          <plan_id>                                → storage.PlanRecord
//   tasks:          <plan_id>/<order key>                    → storage.TaskRecord (with measures)
//                   order key: "a<annex:2>-t<seq:4>" for document tasks,
//                   "z-s<number:6>" for supervision tasks, so a prefix scan
//                   returns a plan's tasks in plan order
//   revisions:      <plan_id>/<measure_id>/<rev: u64 BE>     → storage.RevisionRecord
//   organizations:  <organization_id>                        → storage.OrganizationRecord
//   by_org:         <organization_id>/<plan_id>/<measure_id> → "" (secondary index: the
//                   measures an organization leads or is responsible for, directly or
//                   through a group's members; rewritten with its task)
//   meta:           req/<request_id>                         → storage.RequestRecord
//   events:         <seq: u64 BE>                            → common.v1.Event (RocksDb)
// Every Commit* is one RocksDb::CommitAsync: entity, index entries, request
// record and event in one WriteRequest, made durable by the group committer's
// synced WriteBatch; `done` runs on the committer thread. Thread-safe; `db`
// must outlive the store.
class RocksDbPlanStore final : public PlanStore {
 public:
  // Column families this store needs; pass them to RocksDb::Open.
  static std::vector<std::string> ColumnFamilies();

  explicit RocksDbPlanStore(common::RocksDb* db) : db_(db) {}

  absl::StatusOr<std::vector<StoredPlan>> LoadPlans() override;
  absl::StatusOr<std::vector<Organization>> LoadOrganizations() override;
  absl::StatusOr<std::optional<RequestRecord>> FindRequest(absl::string_view request_id) override;
  absl::StatusOr<std::vector<MeasureRevision>> ListRevisions(absl::string_view plan_id,
                                                             absl::string_view measure_id) override;
  void CommitImport(const StoredPlan& plan, const std::vector<Organization>& organizations,
                    const std::optional<RequestRecord>& request, const PlanImported& event,
                    const ChangeContext& context, Done done) override;
  void CommitMeasureUpdate(absl::string_view plan_id, const Task& task,
                           const MeasureRevision& revision,
                           const std::optional<RequestRecord>& request, const MeasureUpdated& event,
                           const ChangeContext& context, Done done) override;
  void CommitSupervisionTask(absl::string_view plan_id, const Task& task,
                             const std::optional<RequestRecord>& request,
                             const SupervisionTaskCreated& event, const ChangeContext& context,
                             Done done) override;

  // Ids "<plan_id>/<measure_id>" of the measures `org_id` leads or is responsible for,
  // read from the by_org index.
  absl::StatusOr<std::vector<std::string>> MeasuresOfOrganization(absl::string_view org_id);

 private:
  // The WriteRequest of each Commit*, with its event.
  absl::StatusOr<common::WriteRequest> BuildImport(const StoredPlan& plan,
                                                   const std::vector<Organization>& organizations,
                                                   const std::optional<RequestRecord>& request,
                                                   const PlanImported& event,
                                                   const ChangeContext& context);
  absl::StatusOr<common::WriteRequest> BuildMeasureUpdate(
      absl::string_view plan_id, const Task& task, const MeasureRevision& revision,
      const std::optional<RequestRecord>& request, const MeasureUpdated& event,
      const ChangeContext& context);
  absl::StatusOr<common::WriteRequest> BuildSupervisionTask(
      absl::string_view plan_id, const Task& task, const std::optional<RequestRecord>& request,
      const SupervisionTaskCreated& event, const ChangeContext& context);
  // Hands `write` to the group committer; `done` once durable (or at once on an error).
  void CommitAsync(absl::StatusOr<common::WriteRequest> write, Done done);

  common::RocksDb* const db_;
};

}  // namespace ecoplan::registry
