// SubmitReport answered with the report's bytes the store wrote
// (submit_report_answer.h, storage/report_bytes_scope.h): the bytes kept are
// exactly those of the stored record, and the answer on the wire is exactly
// the framed stored report, for a new report, a revision and a retry.

#include "services/progress/submit_report_answer.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "services/progress/progress_service_impl.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"
#include "services/progress/storage/report_store_keys.h"
#include "services/progress/storage/rocksdb_report_store.h"
#include "services/progress/testing/progress_test_server.h"
#include "services/progress/testing/report_db.h"

namespace ecoplan::progress {
namespace {

// The stored v1.Report bytes of the current record of `r`'s report.
std::string StoredReportBytes(common::RocksDb& db, const Report& r) {
  absl::StatusOr<std::string> value = db.Get(report_keys::kReports, report_keys::ReportKey(r));
  EXPECT_TRUE(value.ok()) << value.status();
  storage::ReportRecord record;
  EXPECT_TRUE(record.ParseFromString(value.ok() ? *value : ""));
  return record.report().SerializeAsString();
}

// Field 1 (report) of SubmitReportResponse holding `report_bytes`, as on the wire.
std::string FramedAnswer(const std::string& report_bytes) {
  v1::SubmitReportResponse framed;
  framed.GetReflection()->MutableUnknownFields(&framed)->AddLengthDelimited(1, report_bytes);
  return framed.SerializeAsString();
}

class SubmitReportAnswerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(db_, testing::OpenReportDb(dir_.Sub("db")));
    store_ = std::make_unique<RocksDbReportStore>(db_.get());
  }

  absl::Status Commit(Change change) { return testing::CommitAndWait(*store_, std::move(change)); }

  static std::shared_ptr<Report> MakeReport(int revision) {
    auto r = std::make_shared<Report>();
    r->plan_id = "2026-abc";
    r->org_id = "o-eco";
    r->org_display_name = "区生态环境局";
    r->period = "2026-05";
    r->state = ReportState::kSubmitted;
    r->revision = revision;
    r->update_time = absl::FromUnixSeconds(1779000000 + revision);
    ReportEntry e;
    e.measure_id = "a1-t1-m1";
    e.status = MeasureStatus::kInProgress;
    e.percent_done = 40;
    e.work_done = "完成招标，车辆交付中";
    e.values = {{"新能源货车占比", 46.5, "%"}};
    r->entries = {e};
    return r;
  }

  static Change ReportChange(std::shared_ptr<const Report> report) {
    Change change;
    RevisionNote& note = change.revision.emplace();
    note.revision = report->revision;
    note.action = RevisionAction::kSubmitted;
    note.time = report->update_time;
    change.report = std::move(report);
    change.events.push_back(EventType::kReportSubmitted);
    change.caller.actor = "张三";
    return change;
  }

  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbReportStore> store_;
};

TEST_F(SubmitReportAnswerTest, TheStoreKeepsTheBytesItWroteOnlyUnderAScopeAndOnlyTheFirst) {
  std::shared_ptr<Report> first = MakeReport(1);
  std::shared_ptr<Report> second = MakeReport(2);
  SerializedReport kept;
  {
    ReportBytesScope scope(&kept);
    ASSERT_OK(Commit(ReportChange(first)));
    ASSERT_TRUE(kept.Encodes(*first));
    const std::string first_bytes = kept.bytes();
    EXPECT_EQ(first_bytes, StoredReportBytes(*db_, *first));
    EXPECT_EQ(first_bytes, ToProto(*first).SerializeAsString());
    // A second change under the same scope keeps nothing more.
    ASSERT_OK(Commit(ReportChange(second)));
    EXPECT_TRUE(kept.Encodes(*first));
    EXPECT_FALSE(kept.Encodes(*second));
    EXPECT_EQ(kept.bytes(), first_bytes);
  }
  // The kept state is named by report, revision and update time.
  Report moved = *first;
  moved.update_time += absl::Seconds(1);
  EXPECT_FALSE(kept.Encodes(moved));
  Report other = *first;
  other.org_id = "o-traffic";
  EXPECT_FALSE(kept.Encodes(other));

  // Without a scope nothing is kept.
  SerializedReport unused;
  { ReportBytesScope scope(&unused); }
  ASSERT_OK(Commit(ReportChange(MakeReport(3))));
  EXPECT_FALSE(unused.Encodes(*MakeReport(3)));
  EXPECT_TRUE(unused.bytes().empty());
}

TEST_F(SubmitReportAnswerTest, AnAnswerNotEncodedByTheKeptBytesIsConverted) {
  std::shared_ptr<Report> report = MakeReport(4);
  SerializedReport nothing;
  v1::SubmitReportResponse converted;
  FillSubmitReportAnswer(*report, nothing, &converted);
  EXPECT_EQ(converted.report().etag(), "r4");
  EXPECT_EQ(converted.SerializeAsString(), FramedAnswer(ToProto(*report).SerializeAsString()));

  SerializedReport kept;
  kept.Keep(*report, ToProto(*report).SerializeAsString());
  v1::SubmitReportResponse from_bytes;
  FillSubmitReportAnswer(*report, kept, &from_bytes);
  EXPECT_EQ(from_bytes.SerializeAsString(), converted.SerializeAsString());
}

TEST(SubmitReportMessagesTest, RequestAndResponseShareAnArenaAndParseAsUsual) {
  SubmitReportMessages allocator;
  auto* holder = allocator.AllocateMessages();
  ASSERT_NE(holder->request()->GetArena(), nullptr);
  EXPECT_EQ(holder->request()->GetArena(), holder->response()->GetArena());
  v1::SubmitReportRequest request;
  request.set_parent("plans/2026-abc");
  request.add_entries()->set_work_done(std::string(10000, 'x'));  // beyond the first block
  ASSERT_TRUE(holder->request()->ParseFromString(request.SerializeAsString()));
  EXPECT_EQ(holder->request()->entries(0).work_done(), std::string(10000, 'x'));
  EXPECT_EQ(holder->request()->parent(), "plans/2026-abc");
  holder->Release();
}

// The whole path: a ProgressServiceImpl over a RocksDbReportStore, called
// through a generic stub so that the answer's bytes are seen as sent.
class SubmitReportOverTheWireTest : public SubmitReportAnswerTest {
 protected:
  void SetUp() override {
    SubmitReportAnswerTest::SetUp();
    if (HasFatalFailure()) return;
    ASSERT_OK(server_.Start(store_.get(), db_.get()));
  }
  void TearDown() override {
    server_.Shutdown();
    db_->Shutdown();
  }

  static v1::SubmitReportRequest Request(const std::string& request_id, const std::string& etag,
                                         const std::string& work_done) {
    v1::SubmitReportRequest r;
    r.set_parent("plans/2026-abc");
    r.set_organization("organizations/o-eco");
    r.set_period("2026-05");
    v1::ReportEntry* e = r.add_entries();
    e->set_measure("plans/2026-abc/measures/a1-t1-m1");
    e->set_status(v1::MEASURE_STATUS_IN_PROGRESS);
    e->set_percent_done(30);
    e->set_work_done(work_done);
    e->set_problems("车辆交付延迟");
    e->set_next_steps("督促交付");
    r.set_request_id(request_id);
    r.set_etag(etag);
    r.set_actor("张三");
    return r;
  }

  // The answer's bytes as sent, or the call's error.
  absl::StatusOr<std::string> Call(const v1::SubmitReportRequest& request) {
    return server_.RawCall("SubmitReport", request);
  }

  testing::ProgressTestServer server_;
  common::FakeClock& clock_ = server_.clock();
};

TEST_F(SubmitReportOverTheWireTest, EveryAnswerIsTheStoredReportsBytes) {
  Report key;
  key.plan_id = "2026-abc";
  key.org_id = "o-eco";
  key.period = "2026-05";

  // A new report, then a revision of it: each answer is the current record's report.
  ASSERT_OK_AND_ASSIGN(std::string created, Call(Request("w-1", "", "完成招标")));
  const std::string created_report = StoredReportBytes(*db_, key);
  EXPECT_EQ(created, FramedAnswer(created_report));
  v1::SubmitReportResponse parsed;
  ASSERT_TRUE(parsed.ParseFromString(created));
  EXPECT_EQ(parsed.report().etag(), "r1");
  EXPECT_EQ(parsed.report().name(), "plans/2026-abc/reports/o-eco_2026-05");
  EXPECT_EQ(parsed.report().entries(0).work_done(), "完成招标");

  clock_.Advance(absl::Minutes(5));
  ASSERT_OK_AND_ASSIGN(std::string revised, Call(Request("w-2", "r1", "车辆已交付")));
  EXPECT_EQ(revised, FramedAnswer(StoredReportBytes(*db_, key)));
  ASSERT_TRUE(parsed.ParseFromString(revised));
  EXPECT_EQ(parsed.report().etag(), "r2");
  EXPECT_EQ(parsed.report().entries(0).work_done(), "车辆已交付");

  // A retry of the first request is answered with the first revision,
  // converted from the stored revision: the same bytes as its first answer.
  ASSERT_OK_AND_ASSIGN(std::string retried, Call(Request("w-1", "", "完成招标")));
  EXPECT_EQ(retried, created);

  // A stale etag is still ABORTED, with no answer body.
  absl::StatusOr<std::string> stale = Call(Request("w-3", "r1", "过期"));
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
}

}  // namespace
}  // namespace ecoplan::progress
