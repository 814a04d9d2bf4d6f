#include "services/registry/storage/rocksdb_plan_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include "absl/synchronization/notification.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/registry/v1/registry_service.pb.h"
#include "services/registry/domain/plan_parser.h"

namespace ecoplan::registry {
namespace {

namespace v1 = ::ecoplan::registry::v1;

ParsedPlan ParseSeed() {
  std::ifstream in(ECOPLAN_SEED_PATH, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  absl::StatusOr<ParsedPlan> parsed = ParsePlanDocument(text.str());
  EXPECT_OK(parsed);
  return *std::move(parsed);
}

class RocksDbPlanStoreTest : public ::testing::Test {
 protected:
  void Open() {
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbPlanStore::ColumnFamilies();
    options.event_source = "test";
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbPlanStore>(db_.get());
  }
  void SetUp() override { Open(); }

  // Runs one Commit* and waits until it is durable (its `done`).
  static absl::Status Durable(const std::function<void(PlanStore::Done)>& commit) {
    absl::Notification durable;
    absl::Status out = absl::UnknownError("not answered");
    commit([&](absl::Status s) {
      out = std::move(s);
      durable.Notify();
    });
    durable.WaitForNotification();
    return out;
  }

  StoredPlan Import(const ParsedPlan& parsed, const std::string& request_id = "") {
    StoredPlan stored{parsed.plan, parsed.tasks};
    std::optional<RequestRecord> request;
    if (!request_id.empty())
      request = RequestRecord{request_id, "ImportPlan", "plans/" + parsed.plan.id, "fp"};
    EXPECT_OK(Durable([&](PlanStore::Done done) {
      store_->CommitImport(stored, parsed.organizations, request,
                           PlanImported{parsed.plan.id, parsed.plan.title,
                                        parsed.plan.document_number, parsed.plan.summary},
                           {request_id, "tester"}, std::move(done));
    }));
    return stored;
  }

  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbPlanStore> store_;
};

TEST_F(RocksDbPlanStoreTest, AnImportAndItsEventSurviveReopeningInPlanOrder) {
  const ParsedPlan parsed = ParseSeed();
  Import(parsed, "req-1");
  Open();
  ASSERT_OK_AND_ASSIGN(std::vector<StoredPlan> plans, store_->LoadPlans());
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].plan.id, parsed.plan.id);
  EXPECT_EQ(plans[0].plan.title, parsed.plan.title);
  EXPECT_EQ(plans[0].plan.annexes.size(), parsed.plan.annexes.size());
  ASSERT_EQ(plans[0].tasks.size(), parsed.tasks.size());
  for (size_t i = 0; i < parsed.tasks.size(); ++i) {
    ASSERT_EQ(plans[0].tasks[i].id, parsed.tasks[i].id);  // document order kept
    ASSERT_EQ(plans[0].tasks[i].measures.size(), parsed.tasks[i].measures.size());
    for (size_t m = 0; m < parsed.tasks[i].measures.size(); ++m) {
      const Measure& a = plans[0].tasks[i].measures[m];
      const Measure& b = parsed.tasks[i].measures[m];
      EXPECT_EQ(a.text, b.text);
      EXPECT_EQ(a.deadline.raw, b.deadline.raw);
      EXPECT_EQ(a.deadline.due, b.deadline.due);
      EXPECT_EQ(a.leads.size(), b.leads.size());
      EXPECT_EQ(a.source, b.source);
    }
  }
  ASSERT_OK_AND_ASSIGN(std::vector<Organization> orgs, store_->LoadOrganizations());
  EXPECT_EQ(orgs.size(), parsed.organizations.size());

  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].sequence(), 1u);
  EXPECT_EQ(events[0].type(), "ecoplan.registry.v1.PlanImported");
  EXPECT_EQ(events[0].request_id(), "req-1");
  EXPECT_EQ(events[0].actor(), "tester");
  v1::PlanImported payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.summary().measure_count(), parsed.plan.summary.measure_count);

  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> request, store_->FindRequest("req-1"));
  ASSERT_TRUE(request.has_value());
  EXPECT_EQ(request->resource, "plans/" + parsed.plan.id);
  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> none, store_->FindRequest("req-2"));
  EXPECT_FALSE(none.has_value());
}

TEST_F(RocksDbPlanStoreTest, IndexesMeasuresByOrganizationAndUpdatesTheIndexWithTheMeasure) {
  const ParsedPlan parsed = ParseSeed();
  StoredPlan stored = Import(parsed);
  const Task& task = stored.tasks[2];  // annex 1, task 3
  const Measure& before = task.measures[1];
  ASSERT_FALSE(before.leads.empty());
  const std::string lead_id = before.leads[0].org_id;
  ASSERT_OK_AND_ASSIGN(std::vector<std::string> owned, store_->MeasuresOfOrganization(lead_id));
  const std::string key = parsed.plan.id + "/" + before.id;
  EXPECT_NE(std::find(owned.begin(), owned.end(), key), owned.end());

  // Move the measure to another organization: the index follows in the same write.
  Measure after = before;
  after.leads = {parsed.tasks[0].measures[0].leads[0]};
  after.responsibles.clear();
  after.revision = 1;
  ASSERT_NE(after.leads[0].org_id, lead_id);
  Task changed = task;
  changed.measures[1] = after;
  MeasureRevision revision{1,      absl::Now(), "tester", "reassign", {"lead_organizations"},
                           before, after,       "req-9"};
  ASSERT_OK(Durable([&](PlanStore::Done done) {
    store_->CommitMeasureUpdate(parsed.plan.id, changed, revision, std::nullopt,
                                MeasureUpdated{parsed.plan.id, revision}, {"req-9", ""},
                                std::move(done));
  }));
  ASSERT_OK_AND_ASSIGN(owned, store_->MeasuresOfOrganization(lead_id));
  EXPECT_EQ(std::find(owned.begin(), owned.end(), key), owned.end());
  ASSERT_OK_AND_ASSIGN(owned, store_->MeasuresOfOrganization(after.leads[0].org_id));
  EXPECT_NE(std::find(owned.begin(), owned.end(), key), owned.end());

  Open();
  ASSERT_OK_AND_ASSIGN(std::vector<MeasureRevision> revisions,
                       store_->ListRevisions(parsed.plan.id, before.id));
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0].reason, "reassign");
  EXPECT_EQ(revisions[0].before.leads[0].org_id, lead_id);
  ASSERT_OK_AND_ASSIGN(std::vector<StoredPlan> plans, store_->LoadPlans());
  EXPECT_EQ(plans[0].tasks[2].measures[1].revision, 1);
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type(), "ecoplan.registry.v1.MeasureUpdated");
  EXPECT_EQ(events[1].resource(), "plans/" + parsed.plan.id + "/measures/" + before.id);
}

TEST_F(RocksDbPlanStoreTest, SupervisionTasksFollowTheDocumentTasks) {
  const ParsedPlan parsed = ParseSeed();
  Import(parsed);
  Task task;
  task.id = "s1";
  task.origin = TaskOrigin::kSupervision;
  task.sequence_number = 1;
  task.title = "督办";
  Measure m;
  m.id = "s1-m1";
  m.task_id = "s1";
  m.ordinal = 1;
  m.text = "x";
  task.measures.push_back(m);
  ASSERT_OK(Durable([&](PlanStore::Done done) {
    store_->CommitSupervisionTask(parsed.plan.id, task, std::nullopt,
                                  SupervisionTaskCreated{parsed.plan.id, task}, {},
                                  std::move(done));
  }));
  Open();
  ASSERT_OK_AND_ASSIGN(std::vector<StoredPlan> plans, store_->LoadPlans());
  ASSERT_EQ(plans[0].tasks.size(), parsed.tasks.size() + 1);
  EXPECT_EQ(plans[0].tasks.back().id, "s1");
  EXPECT_EQ(plans[0].plan.summary.supervision_task_count, 1);
}

}  // namespace
}  // namespace ecoplan::registry
