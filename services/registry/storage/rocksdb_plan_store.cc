#include "services/registry/storage/rocksdb_plan_store.h"

#include <google/protobuf/util/time_util.h>
#include <rocksdb/iterator.h>

#include <memory>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/events/event_log.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"
#include "common/storage/key_codec.h"
#include "common/storage/record_io.h"
#include "services/registry/proto_mapping.h"
#include "services/registry/storage/registry_storage.pb.h"

namespace ecoplan::registry {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace storage = ::ecoplan::registry::storage;

constexpr absl::string_view kPlans = "plans";
constexpr absl::string_view kTasks = "tasks";
constexpr absl::string_view kRevisions = "revisions";
constexpr absl::string_view kOrganizations = "organizations";
constexpr absl::string_view kByOrg = "by_org";
constexpr absl::string_view kMeta = "meta";

std::string TaskOrderKey(const Task& task) {
  if (task.origin == TaskOrigin::kSupervision) {
    return absl::StrFormat("z-s%06d", task.sequence_number);
  }
  return absl::StrFormat("a%02d-t%04d", task.annex_number, task.sequence_number);
}

std::string TaskKey(absl::string_view plan_id, const Task& task) {
  return common::Key(plan_id, TaskOrderKey(task));
}

std::string RequestKey(absl::string_view request_id) { return common::Key("req", request_id); }

// Organization ids a measure is indexed under: direct references and group members.
std::set<std::string> OrgIdsOf(const Measure& m) {
  std::set<std::string> ids;
  for (const auto* refs : {&m.leads, &m.responsibles}) {
    for (const OrgRef& ref : *refs) {
      if (!ref.org_id.empty()) ids.insert(ref.org_id);
      ids.insert(ref.member_ids.begin(), ref.member_ids.end());
    }
  }
  return ids;
}

google::protobuf::Timestamp Now() { return google::protobuf::util::TimeUtil::GetCurrentTime(); }

absl::Status PutTask(rocksdb::WriteBatch& batch, common::RocksDb* db, absl::string_view plan_id,
                     const Task& task) {
  storage::TaskRecord record;
  *record.mutable_task() = ToProto(plan_id, task);
  return common::FromRocksDb(
      batch.Put(db->Cf(kTasks), TaskKey(plan_id, task), record.SerializeAsString()), "put task");
}

absl::Status PutIndex(rocksdb::WriteBatch& batch, common::RocksDb* db, absl::string_view plan_id,
                      const Measure& m) {
  for (const std::string& org_id : OrgIdsOf(m)) {
    ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(
        batch.Put(db->Cf(kByOrg), common::Key(org_id, plan_id, m.id), ""), "put index"));
  }
  return absl::OkStatus();
}

absl::Status PutRequest(rocksdb::WriteBatch& batch, common::RocksDb* db,
                        const std::optional<RequestRecord>& request, absl::string_view request_id) {
  if (!request || request_id.empty()) return absl::OkStatus();
  storage::RequestRecord record;
  record.set_method(request->method);
  record.set_fingerprint(request->fingerprint);
  record.set_resource(request->resource);
  *record.mutable_time() = Now();
  return common::FromRocksDb(
      batch.Put(db->Cf(kMeta), RequestKey(request_id), record.SerializeAsString()), "put request");
}

// `request` with its event: what one Commit* hands to the group committer.
common::WriteRequest WithEvent(common::WriteRequest request,
                               const google::protobuf::Message& payload, absl::string_view resource,
                               const ChangeContext& context) {
  request.events.push_back(common::MakeEvent(payload, resource, context.request_id, context.actor));
  return request;
}

}  // namespace

std::vector<std::string> RocksDbPlanStore::ColumnFamilies() {
  return {std::string(kPlans), std::string(kTasks), std::string(kRevisions),
          std::string(kOrganizations), std::string(kByOrg)};
}

absl::StatusOr<std::vector<StoredPlan>> RocksDbPlanStore::LoadPlans() {
  std::vector<StoredPlan> plans;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kPlans, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::PlanRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "plan", key));
        plans.push_back(StoredPlan{FromProto(record.plan()), {}});
        return absl::OkStatus();
      }));
  for (StoredPlan& plan : plans) {
    ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
        *db_, kTasks, absl::StrCat(plan.plan.id, "/"),
        [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
          storage::TaskRecord record;
          ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "task", key));
          plan.tasks.push_back(FromProto(record.task()));
          return absl::OkStatus();
        }));
  }
  return plans;
}

absl::StatusOr<std::vector<Organization>> RocksDbPlanStore::LoadOrganizations() {
  std::vector<Organization> orgs;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kOrganizations, "", [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::OrganizationRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "organization", key));
        orgs.push_back(FromProto(record.organization()));
        return absl::OkStatus();
      }));
  return orgs;
}

absl::StatusOr<std::optional<RequestRecord>> RocksDbPlanStore::FindRequest(
    absl::string_view request_id) {
  ECOPLAN_ASSIGN_OR_RETURN(
      std::optional<storage::RequestRecord> record,
      common::GetRecord<storage::RequestRecord>(*db_, kMeta, RequestKey(request_id), "request"));
  if (!record) return std::optional<RequestRecord>();
  return std::optional<RequestRecord>(RequestRecord{std::string(request_id), record->method(),
                                                    record->resource(), record->fingerprint()});
}

absl::StatusOr<std::vector<MeasureRevision>> RocksDbPlanStore::ListRevisions(
    absl::string_view plan_id, absl::string_view measure_id) {
  std::vector<MeasureRevision> revisions;
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(
      *db_, kRevisions, absl::StrCat(plan_id, "/", measure_id, "/"),
      [&](const rocksdb::Slice& key, const rocksdb::Slice& value) {
        storage::RevisionRecord record;
        ECOPLAN_RETURN_IF_ERROR(common::ParseRecord(value, &record, "revision", key));
        revisions.push_back(FromProto(record.revision()));
        return absl::OkStatus();
      }));
  return revisions;
}

absl::StatusOr<std::vector<std::string>> RocksDbPlanStore::MeasuresOfOrganization(
    absl::string_view org_id) {
  std::vector<std::string> ids;
  const std::string prefix = absl::StrCat(org_id, "/");
  ECOPLAN_RETURN_IF_ERROR(common::ScanPrefix(*db_, kByOrg, prefix,
                                             [&](const rocksdb::Slice& key, const rocksdb::Slice&) {
                                               ids.push_back(key.ToString().substr(prefix.size()));
                                               return absl::OkStatus();
                                             }));
  return ids;
}

void RocksDbPlanStore::CommitAsync(absl::StatusOr<common::WriteRequest> write, Done done) {
  if (!write.ok()) {
    done(write.status());
    return;
  }
  // Durable when the committer's synced batch holding it is written.
  db_->CommitAsync(*std::move(write),
                   [done = std::move(done)](absl::StatusOr<common::CommitResult> committed) {
                     done(committed.status());
                   });
}

void RocksDbPlanStore::CommitImport(const StoredPlan& plan,
                                    const std::vector<Organization>& organizations,
                                    const std::optional<RequestRecord>& request,
                                    const PlanImported& event, const ChangeContext& context,
                                    Done done) {
  CommitAsync(BuildImport(plan, organizations, request, event, context), std::move(done));
}

void RocksDbPlanStore::CommitMeasureUpdate(absl::string_view plan_id, const Task& task,
                                           const MeasureRevision& revision,
                                           const std::optional<RequestRecord>& request,
                                           const MeasureUpdated& event,
                                           const ChangeContext& context, Done done) {
  CommitAsync(BuildMeasureUpdate(plan_id, task, revision, request, event, context),
              std::move(done));
}

void RocksDbPlanStore::CommitSupervisionTask(absl::string_view plan_id, const Task& task,
                                             const std::optional<RequestRecord>& request,
                                             const SupervisionTaskCreated& event,
                                             const ChangeContext& context, Done done) {
  CommitAsync(BuildSupervisionTask(plan_id, task, request, event, context), std::move(done));
}

absl::StatusOr<common::WriteRequest> RocksDbPlanStore::BuildImport(
    const StoredPlan& plan, const std::vector<Organization>& organizations,
    const std::optional<RequestRecord>& request, const PlanImported& event,
    const ChangeContext& context) {
  common::WriteRequest write;
  storage::PlanRecord plan_record;
  *plan_record.mutable_plan() = ToProto(plan.plan);
  ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(
      write.batch.Put(db_->Cf(kPlans), plan.plan.id, plan_record.SerializeAsString()), "put plan"));
  for (const Task& task : plan.tasks) {
    ECOPLAN_RETURN_IF_ERROR(PutTask(write.batch, db_, plan.plan.id, task));
    for (const Measure& m : task.measures) {
      ECOPLAN_RETURN_IF_ERROR(PutIndex(write.batch, db_, plan.plan.id, m));
    }
  }
  for (const Organization& org : organizations) {
    storage::OrganizationRecord record;
    *record.mutable_organization() = ToProto(org);
    ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(
        write.batch.Put(db_->Cf(kOrganizations), org.id, record.SerializeAsString()),
        "put organization"));
  }
  ECOPLAN_RETURN_IF_ERROR(PutRequest(write.batch, db_, request, context.request_id));
  v1::PlanImported payload;
  payload.set_plan(PlanName(event.plan_id));
  payload.set_title(event.title);
  payload.set_document_number(event.document_number);
  *payload.mutable_summary() = ToProto(event.summary);
  return WithEvent(std::move(write), payload, PlanName(event.plan_id), context);
}

absl::StatusOr<common::WriteRequest> RocksDbPlanStore::BuildMeasureUpdate(
    absl::string_view plan_id, const Task& task, const MeasureRevision& revision,
    const std::optional<RequestRecord>& request, const MeasureUpdated& event,
    const ChangeContext& context) {
  common::WriteRequest write;
  ECOPLAN_RETURN_IF_ERROR(PutTask(write.batch, db_, plan_id, task));
  for (const std::string& org_id : OrgIdsOf(revision.before)) {
    ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(
        write.batch.Delete(db_->Cf(kByOrg), common::Key(org_id, plan_id, revision.before.id)),
        "delete index"));
  }
  ECOPLAN_RETURN_IF_ERROR(PutIndex(write.batch, db_, plan_id, revision.after));
  storage::RevisionRecord record;
  *record.mutable_revision() = ToProto(plan_id, revision);
  ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(
      write.batch.Put(db_->Cf(kRevisions),
                      absl::StrCat(plan_id, "/", revision.after.id, "/",
                                   common::EncodeUint64(static_cast<uint64_t>(revision.revision))),
                      record.SerializeAsString()),
      "put revision"));
  ECOPLAN_RETURN_IF_ERROR(PutRequest(write.batch, db_, request, context.request_id));
  v1::MeasureUpdated payload;
  *payload.mutable_revision() = ToProto(plan_id, event.revision);
  return WithEvent(std::move(write), payload, MeasureName(plan_id, revision.after.id), context);
}

absl::StatusOr<common::WriteRequest> RocksDbPlanStore::BuildSupervisionTask(
    absl::string_view plan_id, const Task& task, const std::optional<RequestRecord>& request,
    const SupervisionTaskCreated& event, const ChangeContext& context) {
  // The plan's summary is read from disk: the registry's write key ensures the
  // previous write, if any, is durable and therefore read here.
  common::WriteRequest write;
  ECOPLAN_RETURN_IF_ERROR(PutTask(write.batch, db_, plan_id, task));
  for (const Measure& m : task.measures) {
    ECOPLAN_RETURN_IF_ERROR(PutIndex(write.batch, db_, plan_id, m));
  }
  // The plan's summary counts supervision tasks; rewrite it in the same batch.
  ECOPLAN_ASSIGN_OR_RETURN(std::optional<storage::PlanRecord> found,
                           common::GetRecord<storage::PlanRecord>(*db_, kPlans, plan_id, "plan"));
  if (!found) return absl::NotFoundError(absl::StrCat("plan ", plan_id, " is not stored"));
  storage::PlanRecord plan_record = *std::move(found);
  v1::PlanSummary* summary = plan_record.mutable_plan()->mutable_summary();
  summary->set_supervision_task_count(summary->supervision_task_count() + 1);
  ECOPLAN_RETURN_IF_ERROR(common::FromRocksDb(
      write.batch.Put(db_->Cf(kPlans), std::string(plan_id), plan_record.SerializeAsString()),
      "put plan"));
  ECOPLAN_RETURN_IF_ERROR(PutRequest(write.batch, db_, request, context.request_id));
  v1::SupervisionTaskCreated payload;
  *payload.mutable_task() = ToProto(plan_id, event.task);
  return WithEvent(std::move(write), payload, TaskName(plan_id, task.id), context);
}

}  // namespace ecoplan::registry
