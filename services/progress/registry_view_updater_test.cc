#include "services/progress/registry_view_updater.h"

#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/events/event_follower.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"
#include "services/progress/storage/progress_storage.pb.h"

namespace ecoplan::progress {
namespace {

namespace rv1 = ::ecoplan::registry::v1;

// The registry as the updater sees it: ExportPlan answers plans/p with one
// measure whose text carries 5月底前, led by o-1 with o-2 responsible.
class FakeRegistry final : public rv1::RegistryService::Service {
 public:
  grpc::Status ExportPlan(grpc::ServerContext*, const rv1::ExportPlanRequest* request,
                          rv1::ExportPlanResponse* response) override {
    ++exports;
    if (unavailable) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "registry down");
    if (request->name() != "plans/p") return grpc::Status(grpc::StatusCode::NOT_FOUND, "no plan");
    rv1::Plan* plan = response->mutable_plan();
    plan->set_name("plans/p");
    plan->set_title("2026年行动计划");
    plan->set_year(2026);
    plan->set_reporting_due_day(25);
    plan->mutable_issue_date()->set_year(2026);
    plan->mutable_issue_date()->set_month(3);
    plan->mutable_issue_date()->set_day(31);
    for (const char* id : {"o-1", "o-2"}) {
      rv1::Organization* org = response->add_organizations();
      org->set_name(std::string("organizations/") + id);
      org->set_display_name(std::string("单位") + id);
    }
    rv1::Measure* m = response->add_tasks()->add_measures();
    m->set_name("plans/p/measures/a1-t25-m1");
    m->set_text("5月底前完成排查。");
    m->add_lead_organizations()->set_organization("organizations/o-1");
    m->add_responsible_organizations()->set_organization("organizations/o-2");
    rv1::Checkpoint* c = m->add_checkpoints();
    c->set_phrase("5月底前");
    c->set_kind(rv1::CHECKPOINT_KIND_DUE);
    c->mutable_due_date()->set_year(2026);
    c->mutable_due_date()->set_month(5);
    c->mutable_due_date()->set_day(31);
    return grpc::Status::OK;
  }
  std::atomic<int> exports{0};
  std::atomic<bool> unavailable{false};
};

// An empty stream: the refresh is what is tested, not the events.
class NoEvents final : public common::EventStream {
 public:
  bool Read(common::v1::Event*) override { return false; }
  grpc::Status Finish() override { return grpc::Status::OK; }
};

class RegistryViewUpdaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&registry_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = rv1::RegistryService::NewStub(server_->InProcessChannel(grpc::ChannelArguments()));
    OpenDb();
  }
  void TearDown() override {
    updater_.reset();
    store_.reset();
    db_.reset();
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }
  void OpenDb() {
    updater_.reset();
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbReportStore::ColumnFamilies();
    options.event_source = RocksDbReportStore::kEventSource;
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbReportStore>(db_.get());
    plans_ = std::make_unique<PlanDirectory>();
    updater_ = std::make_unique<RegistryViewUpdater>(
        store_.get(), plans_.get(), stub_.get(), absl::Seconds(10),
        common::Logger("progress", [this](absl::string_view line) {
          absl::MutexLock lock(&mu_);
          lines_.emplace_back(line);
        }));
  }
  // The bytes a release before view formats (and before checkpoints) wrote
  // for plans/p: no format, no checkpoints, no issue date, no responsible ids.
  void WriteOldView() {
    storage::PlanViewRecord old;
    old.set_id("p");
    old.set_title("2026年行动计划");
    old.set_year(2026);
    old.set_time_zone("Asia/Shanghai");
    old.set_reporting_due_day(25);
    old.set_registry_sequence(7);
    (*old.mutable_organizations())["o-1"] = "单位o-1";
    storage::MeasureView* m = old.add_measures();
    m->set_id("a1-t25-m1");
    m->set_text("5月底前完成排查。");
    m->add_lead_org_ids("o-1");
    const std::string bytes = old.SerializeAsString();
    storage::PlanViewRecord reparsed;
    ASSERT_TRUE(reparsed.ParseFromString(bytes));
    ASSERT_EQ(reparsed.format(), 0u);  // field 10 absent, as an older release wrote it
    common::WriteRequest write;
    write.batch.Put(db_->Cf("plan_views"), "p", bytes);
    ASSERT_OK(db_->Commit(std::move(write)).status());
  }
  std::string log_text() {
    absl::MutexLock lock(&mu_);
    return absl::StrJoin(lines_, "\n");
  }
  common::StreamOpener Opener(std::atomic<int>* opened) {
    return updater_->WithViewRefresh([opened](grpc::ClientContext*, uint64_t) {
      ++*opened;
      return std::make_unique<NoEvents>();
    });
  }

  FakeRegistry registry_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<rv1::RegistryService::Stub> stub_;
  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbReportStore> store_;
  std::unique_ptr<PlanDirectory> plans_;
  std::unique_ptr<RegistryViewUpdater> updater_;
  absl::Mutex mu_;
  std::vector<std::string> lines_;
};

TEST_F(RegistryViewUpdaterTest, AViewOfAnOlderFormatIsRefreshedFromTheRegistryAtStart) {
  WriteOldView();
  ASSERT_OK(updater_->LoadStoredViews());
  std::shared_ptr<const PlanInfo> loaded = plans_->Find("p");
  ASSERT_NE(loaded, nullptr);
  EXPECT_EQ(loaded->stored_format, 0);
  ASSERT_EQ(loaded->measures.size(), 1u);
  EXPECT_TRUE(loaded->measures[0].checkpoints.empty());  // what the old view lacks

  // The follower starts: the view is refreshed before its first stream opens.
  std::atomic<int> opened{0};
  common::EventFollowerOptions options;
  options.name = "registry";
  options.max_backoff = absl::Milliseconds(50);
  common::EventFollower follower(
      db_.get(), options, Opener(&opened),
      [this](const common::v1::Event& event) { return updater_->Handle(event); });
  ASSERT_OK(follower.Start());
  for (int i = 0; i < 1000 && opened.load() == 0; ++i) absl::SleepFor(absl::Milliseconds(10));
  follower.Stop();
  ASSERT_GE(opened.load(), 1);
  EXPECT_EQ(registry_.exports.load(), 1);  // once, however often the stream reopened

  std::shared_ptr<const PlanInfo> fresh = plans_->Find("p");
  ASSERT_NE(fresh, nullptr);
  EXPECT_EQ(fresh->stored_format, kPlanViewFormat);
  EXPECT_EQ(fresh->registry_sequence, 7u);  // the events applied stay applied
  EXPECT_EQ(fresh->issue_date, absl::CivilDay(2026, 3, 31));
  const MeasureInfo* m = fresh->FindMeasure("a1-t25-m1");
  ASSERT_NE(m, nullptr);
  ASSERT_EQ(m->checkpoints.size(), 1u);
  EXPECT_EQ(m->checkpoints[0].phrase, "5月底前");
  EXPECT_EQ(m->checkpoints[0].dues, std::vector<absl::CivilDay>({absl::CivilDay(2026, 5, 31)}));
  EXPECT_EQ(m->responsible_org_ids, std::vector<std::string>({"o-2"}));
  EXPECT_TRUE(absl::StrContains(log_text(),
                                "plan view of an older format refreshed from the "
                                "registry"))
      << log_text();

  // Stored in the new format: a restart loads it as it is and asks nothing.
  OpenDb();
  ASSERT_OK(updater_->LoadStoredViews());
  std::shared_ptr<const PlanInfo> reloaded = plans_->Find("p");
  ASSERT_NE(reloaded, nullptr);
  EXPECT_EQ(reloaded->stored_format, kPlanViewFormat);
  ASSERT_EQ(reloaded->measures.at(0).checkpoints.size(), 1u);
  std::atomic<int> reopened{0};
  common::StreamOpener again = Opener(&reopened);
  grpc::ClientContext context2;
  ASSERT_NE(again(&context2, 7), nullptr);
  EXPECT_EQ(registry_.exports.load(), 1);
}

TEST_F(RegistryViewUpdaterTest, AnUnreachableRegistryIsAskedAgainBeforeTheNextStream) {
  WriteOldView();
  ASSERT_OK(updater_->LoadStoredViews());
  registry_.unavailable = true;
  std::atomic<int> opened{0};
  common::StreamOpener open = Opener(&opened);
  grpc::ClientContext c1;
  ASSERT_NE(open(&c1, 7), nullptr);  // the stream still opens: the view may catch up later
  EXPECT_EQ(plans_->Find("p")->stored_format, 0);
  registry_.unavailable = false;
  grpc::ClientContext c2;
  ASSERT_NE(open(&c2, 7), nullptr);
  EXPECT_EQ(registry_.exports.load(), 2);
  EXPECT_EQ(plans_->Find("p")->stored_format, kPlanViewFormat);
  ASSERT_EQ(plans_->Find("p")->measures.at(0).checkpoints.size(), 1u);
}

}  // namespace
}  // namespace ecoplan::progress
