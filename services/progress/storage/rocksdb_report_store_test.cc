// RocksDbReportStore on a real RocksDB in a temp dir: entities, revisions,
// request records and events are committed together and survive a reopen.

#include "services/progress/storage/rocksdb_report_store.h"

#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>
#include <rocksdb/write_batch.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/events/event_log.h"
#include "common/storage/key_codec.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "services/progress/proto_mapping.h"
#include "services/progress/storage/progress_storage.pb.h"
#include "services/progress/testing/report_db.h"

namespace ecoplan::progress {
namespace {

class RocksDbReportStoreTest : public ::testing::Test {
 protected:
  void Open() {
    store_.reset();
    db_.reset();
    ASSERT_OK_AND_ASSIGN(db_, testing::OpenReportDb(dir_.Sub("db")));
    store_ = std::make_unique<RocksDbReportStore>(db_.get());
  }

  absl::Status Commit(Change change) { return testing::CommitAndWait(*store_, std::move(change)); }

  static Report MakeReport(const std::string& org, const std::string& period, int revision) {
    Report r;
    r.plan_id = "2026-abc";
    r.org_id = org;
    r.period = period;
    r.state = ReportState::kSubmitted;
    r.revision = revision;
    ReportEntry e;
    e.measure_id = "a1-t1-m1";
    e.status = MeasureStatus::kInProgress;
    e.percent_done = 40;
    e.work_done = "完成";
    e.values = {{"新能源货车占比", 46.5, "%"}};
    r.entries = {e};
    r.first_submit_time = absl::FromUnixSeconds(1779000000);
    r.timeliness = Timeliness::kLate;
    r.lateness = absl::Hours(2);
    return r;
  }

  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbReportStore> store_;
};

TEST_F(RocksDbReportStoreTest, AReportItsRevisionRequestAndEventCommitTogetherAndSurviveReopen) {
  Open();
  Change change;
  change.report = std::make_shared<Report>(MakeReport("o-eco", "2026-05", 1));
  change.revision = RevisionNote{1,
                                 RevisionAction::kSubmitted,
                                 absl::FromUnixSeconds(1779000000),
                                 "张三",
                                 "",
                                 {"created with 1 entries"},
                                 "req-1"};
  change.request = RequestRecord{"req-1", "SubmitReport", "o-eco_2026-05", "fp", 1};
  change.caller.request_id = "req-1";
  change.caller.actor = "张三";
  change.events = {EventType::kReportSubmitted};
  ASSERT_OK(Commit(change));
  Open();

  ASSERT_OK_AND_ASSIGN(std::optional<Report> r, store_->GetReport("2026-abc", "o-eco_2026-05"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->entries[0].values[0].name, "新能源货车占比");
  EXPECT_EQ(r->timeliness, Timeliness::kLate);
  EXPECT_EQ(r->lateness, absl::Hours(2));
  ASSERT_OK_AND_ASSIGN(std::optional<ReportRevision> rev,
                       store_->GetRevision("2026-abc", "o-eco_2026-05", 1));
  ASSERT_TRUE(rev.has_value());
  EXPECT_EQ(rev->actor, "张三");
  ASSERT_OK_AND_ASSIGN(std::optional<RequestRecord> req, store_->FindRequest("req-1"));
  ASSERT_TRUE(req.has_value());
  EXPECT_EQ(req->revision, 1);

  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "ecoplan.progress.v1.ReportSubmitted");
  EXPECT_EQ(events[0].resource(), "plans/2026-abc/reports/o-eco_2026-05");
  EXPECT_EQ(events[0].request_id(), "req-1");
  EXPECT_EQ(events[0].source(), "ecoplan.progress.v1.ProgressService");
  v1::ReportSubmitted payload;
  ASSERT_TRUE(events[0].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.report().entries(0).measure(), "plans/2026-abc/measures/a1-t1-m1");
}

// 一数一源: the provenance of each prefilled value is stored with the report
// and with every revision.
TEST_F(RocksDbReportStoreTest, TheProvenanceOfPrefilledValuesSurvivesReopenInReportAndRevision) {
  Open();
  Report report = MakeReport("o-eco", "2026-05", 1);
  FieldProvenance p;
  p.field = "values[新能源货车占比]";
  p.origin = FieldOrigin::kCorrected;
  p.source = {"市生态环境统计系统", "HJTJ-2026-05-0117", absl::FromUnixSeconds(1778371200)};
  p.prefilled_value = "45 %";
  p.pushed_by = "city-env-stats-gateway";
  p.push_time = absl::FromUnixSeconds(1778900000);
  report.entries[0].provenance = {p};
  Change change;
  change.report = std::make_shared<Report>(report);
  change.revision = RevisionNote{1,
                                 RevisionAction::kPrefilled,
                                 absl::FromUnixSeconds(1778900000),
                                 "city-env-stats-gateway",
                                 "",
                                 {},
                                 ""};
  change.events = {EventType::kReportDraftSaved};
  ASSERT_OK(Commit(change));
  Open();
  ASSERT_OK_AND_ASSIGN(std::optional<Report> r, store_->GetReport("2026-abc", "o-eco_2026-05"));
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->entries[0].provenance.size(), 1u);
  EXPECT_EQ(r->entries[0].provenance[0], p);
  ASSERT_OK_AND_ASSIGN(std::optional<ReportRevision> rev,
                       store_->GetRevision("2026-abc", "o-eco_2026-05", 1));
  ASSERT_TRUE(rev.has_value());
  EXPECT_EQ(rev->action, RevisionAction::kPrefilled);
  ASSERT_EQ(rev->report.entries[0].provenance.size(), 1u);
  EXPECT_EQ(rev->report.entries[0].provenance[0], p);
}

TEST_F(RocksDbReportStoreTest, TheReadVersionMovesWithEveryAcknowledgedCommit) {
  Open();
  ASSERT_OK_AND_ASSIGN(std::vector<Report> none, store_->ListReports("2026-abc", "2026-05"));
  EXPECT_TRUE(none.empty());
  const std::optional<uint64_t> empty = store_->ReadVersion();
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(store_->ReadVersion(), empty);  // reads move nothing
  Change c;
  c.report = std::make_shared<Report>(MakeReport("o-a", "2026-05", 1));
  c.events = {EventType::kReportSubmitted};
  ASSERT_OK(Commit(c));
  const std::optional<uint64_t> one = store_->ReadVersion();
  ASSERT_TRUE(one.has_value());
  EXPECT_GT(*one, *empty);
  // Once acknowledged, a read after the version sees the report.
  ASSERT_OK_AND_ASSIGN(std::vector<Report> may, store_->ListReports("2026-abc", "2026-05"));
  ASSERT_EQ(may.size(), 1u);
  Change other;
  other.report = std::make_shared<Report>(MakeReport("o-b", "2026-04", 1));
  ASSERT_OK(Commit(other));
  EXPECT_GT(*store_->ReadVersion(), *one);
}

TEST_F(RocksDbReportStoreTest, ListsReportsOfAPeriodAndRevisionsInOrder) {
  Open();
  for (const auto& [org, period] : std::vector<std::pair<std::string, std::string>>{
           {"o-b", "2026-05"}, {"o-a", "2026-05"}, {"o-a", "2026-04"}, {"o-a", "2026-Q2"}}) {
    Change c;
    c.report = std::make_shared<Report>(MakeReport(org, period, 1));
    ASSERT_OK(Commit(c));
  }
  ASSERT_OK_AND_ASSIGN(std::vector<Report> may, store_->ListReports("2026-abc", "2026-05"));
  ASSERT_EQ(may.size(), 2u);
  EXPECT_EQ(may[0].org_id, "o-a");
  ASSERT_OK_AND_ASSIGN(std::vector<Report> all, store_->ListReports("2026-abc", ""));
  EXPECT_EQ(all.size(), 4u);
  ASSERT_OK_AND_ASSIGN(std::vector<Report> other, store_->ListReports("2026-abd", ""));
  EXPECT_TRUE(other.empty());

  for (int rev = 1; rev <= 12; ++rev) {
    Change c;
    c.report = std::make_shared<Report>(MakeReport("o-a", "2026-05", rev));
    c.revision = RevisionNote{rev, RevisionAction::kRevised, absl::Now(), "", "", {}, ""};
    ASSERT_OK(Commit(c));
  }
  ASSERT_OK_AND_ASSIGN(auto revisions, store_->ListRevisions("2026-abc", "o-a_2026-05"));
  ASSERT_EQ(revisions.size(), 12u);
  EXPECT_EQ(revisions[9].revision, 10);  // numeric, not text, order
  EXPECT_EQ(revisions[9].report.revision, 10);
}

// The report is serialized once and framed into three records: each must read
// back exactly as the message built field by field would.
TEST_F(RocksDbReportStoreTest, RecordsFramingTheReportOnceEqualTheMessagesBuiltInFull) {
  Open();
  Report report = MakeReport("o-eco", "2026-05", 3);
  report.summary = std::string(300, 'x');  // lengths over 127 need two-byte varints
  report.entries[0].evidence_links = {"https://example.org/a", "https://example.org/b"};
  const RevisionNote note{3,
                          RevisionAction::kRevised,
                          absl::FromUnixSeconds(1779000000),
                          "张三",
                          "",
                          {"summary", "entries[a1-t1-m1].work_done"},
                          "req-9"};
  for (EventType type :
       {EventType::kReportRevised, EventType::kReportSubmitted, EventType::kReportDraftSaved,
        EventType::kReportReturned, EventType::kReportAccepted}) {
    SCOPED_TRACE(static_cast<int>(type));
    Change change;
    change.report = std::make_shared<Report>(report);
    change.revision = note;
    change.caller.request_id = "req-9";
    change.caller.actor = "张三";
    change.events = {type};
    ASSERT_OK_AND_ASSIGN(common::WriteRequest write, store_->BuildWrite(change));

    // Every Put of the batch, by column family id and key.
    struct Puts : rocksdb::WriteBatch::Handler {
      std::map<std::pair<uint32_t, std::string>, std::string> values;
      rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                            const rocksdb::Slice& value) override {
        values[{cf, key.ToString()}] = value.ToString();
        return rocksdb::Status::OK();
      }
    } puts;
    ASSERT_TRUE(write.batch.Iterate(&puts).ok());
    const v1::Report expected = ToProto(report);

    storage::ReportRecord current;
    ASSERT_TRUE(current.ParseFromString(
        puts.values[{db_->Cf("reports")->GetID(), "2026-abc/2026-05/o-eco"}]));
    EXPECT_EQ(current.report().SerializeAsString(), expected.SerializeAsString());

    storage::RevisionRecord revision;
    ASSERT_TRUE(revision.ParseFromString(
        puts.values[{db_->Cf("revisions")->GetID(),
                     absl::StrCat("2026-abc/o-eco_2026-05/", common::EncodeUint64(3))}]));
    const v1::ReportRevision full =
        ToProto(ReportRevision{note.revision, note.action, note.time, note.actor, note.comment,
                               note.changes, report, note.request_id});
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(revision.revision(), full))
        << revision.revision().DebugString();

    ASSERT_EQ(write.events.size(), 1u);
    std::unique_ptr<google::protobuf::Message> payload;
    if (type == EventType::kReportRevised) {
      auto m = std::make_unique<v1::ReportRevised>();
      *m->mutable_report() = expected;
      for (const std::string& c : note.changes) m->add_changes(c);
      payload = std::move(m);
    } else if (type == EventType::kReportSubmitted) {
      auto m = std::make_unique<v1::ReportSubmitted>();
      *m->mutable_report() = expected;
      payload = std::move(m);
    } else if (type == EventType::kReportDraftSaved) {
      auto m = std::make_unique<v1::ReportDraftSaved>();
      *m->mutable_report() = expected;
      payload = std::move(m);
    } else if (type == EventType::kReportReturned) {
      auto m = std::make_unique<v1::ReportReturned>();
      *m->mutable_report() = expected;
      payload = std::move(m);
    } else {
      auto m = std::make_unique<v1::ReportAccepted>();
      *m->mutable_report() = expected;
      payload = std::move(m);
    }
    const common::v1::Event made =
        common::MakeEvent(*payload, "plans/2026-abc/reports/o-eco_2026-05", "req-9", "张三");
    // Same envelope; the payload bytes may differ only in field order, so
    // compare them parsed.
    common::v1::Event got = write.events[0];
    common::v1::Event want = made;
    EXPECT_EQ(got.payload().type_url(), want.payload().type_url());
    std::unique_ptr<google::protobuf::Message> unpacked(payload->New());
    ASSERT_TRUE(got.payload().UnpackTo(unpacked.get()));
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(*unpacked, *payload));
    got.clear_payload();
    want.clear_payload();
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(got, want))
        << got.DebugString() << "\nvs\n"
        << want.DebugString();
  }
}

// GetReportBytes hands out the stored v1.Report's bytes as they are: the same
// bytes as reading the report into the domain, converting it back and
// serializing it (what GetReport answered before), for every kind of report.
TEST_F(RocksDbReportStoreTest, TheStoredReportBytesAreThoseOfTheReportReadAndConverted) {
  Open();
  std::vector<Report> reports;
  reports.push_back(MakeReport("o-eco", "2026-05", 1));  // late
  Report draft = MakeReport("o-traffic", "2026-05", 2);
  draft.state = ReportState::kDraft;
  draft.first_submit_time.reset();
  draft.timeliness = Timeliness::kUnspecified;
  draft.lateness = absl::ZeroDuration();
  draft.summary = std::string(300, 'x');  // lengths over 127 need two-byte varints
  draft.create_time = absl::FromUnixSeconds(1778000000);
  draft.update_time = absl::FromUnixSeconds(1778000123) + absl::Nanoseconds(5);
  reports.push_back(draft);
  Report accepted = MakeReport("o-water", "2026-04", 4);
  accepted.state = ReportState::kAccepted;
  accepted.timeliness = Timeliness::kOnTime;
  accepted.lateness = absl::ZeroDuration();
  accepted.review_comment = "同意";
  accepted.reviewed_by = "bureau";
  accepted.submitted_by = "张三";
  accepted.org_display_name = "区水务局";
  accepted.due_time = absl::FromUnixSeconds(1777000000);
  accepted.last_submit_time = absl::FromUnixSeconds(1776900000);
  accepted.entries[0].met_checkpoints = {{absl::CivilDay(2026, 4, 30), "4月底前完成招标"}};
  accepted.entries[0].evidence_links = {"https://example.org/a", "https://example.org/b"};
  FieldProvenance p;
  p.field = "values[新能源货车占比]";
  p.origin = FieldOrigin::kConfirmed;
  p.source = {"市生态环境统计系统", "HJTJ-2026-04-0117", absl::FromUnixSeconds(1778371200)};
  p.prefilled_value = "46.5 %";
  p.pushed_by = "city-env-stats-gateway";
  p.push_time = absl::FromUnixSeconds(1778900000);
  accepted.entries[0].provenance = {p};
  ReportEntry second = accepted.entries[0];
  second.measure_id = "a1-t1-m2";
  second.values.clear();
  second.provenance.clear();
  second.met_checkpoints.clear();
  accepted.entries.push_back(second);
  reports.push_back(accepted);
  for (const Report& r : reports) {
    Change change;
    change.report = std::make_shared<Report>(r);
    change.events = {EventType::kReportSubmitted};
    ASSERT_OK(Commit(change));
  }
  Open();  // from the table files' blocks and the WAL, as after a restart
  for (const Report& r : reports) {
    SCOPED_TRACE(r.id());
    ASSERT_OK_AND_ASSIGN(std::optional<std::string> bytes,
                         store_->GetReportBytes("2026-abc", r.id()));
    ASSERT_TRUE(bytes.has_value());
    ASSERT_OK_AND_ASSIGN(std::optional<Report> read, store_->GetReport("2026-abc", r.id()));
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(*bytes, ToProto(*read).SerializeAsString());
    EXPECT_EQ(*bytes, ToProto(r).SerializeAsString());
  }
  ASSERT_OK_AND_ASSIGN(std::optional<std::string> none,
                       store_->GetReportBytes("2026-abc", "o-eco_2026-06"));
  EXPECT_FALSE(none.has_value());
  ASSERT_OK_AND_ASSIGN(none, store_->GetReportBytes("2026-abc", "no-period"));
  EXPECT_FALSE(none.has_value());
}

// A record that is not exactly one report field (more fields, the field twice,
// which protobuf merges) is read as GetReport reads it and converted; a record
// that does not parse is DataLoss, as for GetReport.
TEST_F(RocksDbReportStoreTest, ReportRecordsOfAnotherShapeAreReadAndConverted) {
  Open();
  const Report report = MakeReport("o-eco", "2026-05", 1);
  const std::string report_bytes = ToProto(report).SerializeAsString();
  storage::ReportRecord record;
  *record.mutable_report() = ToProto(report);
  auto put = [&](const std::string& key, const std::string& value) {
    ASSERT_TRUE(db_->db()->Put(rocksdb::WriteOptions(), db_->Cf("reports"), key, value).ok());
  };
  // An unknown field after the report (field 2, varint 7).
  put("2026-abc/2026-05/o-eco", record.SerializeAsString() + std::string("\x10\x07", 2));
  // The report field twice: the second's summary wins.
  v1::Report later;
  later.set_summary("后写的小结");
  storage::ReportRecord second;
  *second.mutable_report() = later;
  put("2026-abc/2026-06/o-eco", record.SerializeAsString() + second.SerializeAsString());
  // A report field whose length runs past the value.
  put("2026-abc/2026-07/o-eco", std::string("\x0a\x7f") + "abc");

  for (const std::string id : {"o-eco_2026-05", "o-eco_2026-06"}) {
    SCOPED_TRACE(id);
    ASSERT_OK_AND_ASSIGN(std::optional<std::string> bytes, store_->GetReportBytes("2026-abc", id));
    ASSERT_TRUE(bytes.has_value());
    ASSERT_OK_AND_ASSIGN(std::optional<Report> read, store_->GetReport("2026-abc", id));
    ASSERT_TRUE(read.has_value());
    EXPECT_EQ(*bytes, ToProto(*read).SerializeAsString());
  }
  EXPECT_EQ(store_->GetReportBytes("2026-abc", "o-eco_2026-05")->value(), report_bytes);
  v1::Report merged;
  ASSERT_TRUE(merged.ParseFromString(store_->GetReportBytes("2026-abc", "o-eco_2026-06")->value()));
  EXPECT_EQ(merged.summary(), "后写的小结");
  EXPECT_EQ(merged.entries_size(), 1);
  EXPECT_EQ(store_->GetReportBytes("2026-abc", "o-eco_2026-07").status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(store_->GetReport("2026-abc", "o-eco_2026-07").status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(RocksDbReportStoreTest, ARevisionWithoutItsReportIsRefused) {
  Open();
  Change change;
  change.revision = RevisionNote{1, RevisionAction::kSubmitted, absl::Now(), "", "", {}, ""};
  EXPECT_EQ(store_->BuildWrite(change).status().code(), absl::StatusCode::kInternal);
}

TEST_F(RocksDbReportStoreTest, ExtensionsCompletionsCalendarsHolidaysAndPlanViewsRoundTrip) {
  Open();
  Change c1;
  Extension e;
  e.plan_id = "2026-abc";
  e.measure_id = "a1-t1-m1";
  e.org_id = "o-eco";
  e.number = 1;
  e.original_due = absl::CivilDay(2026, 6, 30);
  e.current_due = absl::CivilDay(2026, 6, 30);
  e.requested_due = absl::CivilDay(2026, 9, 30);
  e.state = ExtensionState::kPending;
  c1.extension = e;
  c1.events = {EventType::kExtensionRequested};
  CalendarRule rule;
  rule.monthly_due = {DueRule::Kind::kNthWorkingDay, 2, 1};
  rule.quarterly_summaries = true;
  rule.version = 3;
  c1.calendar = std::make_pair(std::string("2026-abc"), rule);
  HolidayYear h;
  h.year = 2026;
  h.holidays = {absl::CivilDay(2026, 10, 1)};
  h.make_up_workdays = {absl::CivilDay(2026, 10, 10)};
  c1.holidays = h;
  ASSERT_OK(Commit(c1));
  PlanInfo plan;
  plan.id = "2026-abc";
  plan.year = 2026;
  plan.issue_date = absl::CivilDay(2026, 3, 31);
  plan.organizations = {{"o-eco", "区生态环境局"}};
  plan.measures.push_back({"a1-t1-m1",
                           0,
                           "text",
                           "6月底前",
                           1,
                           std::nullopt,
                           absl::CivilDay(2026, 6, 30),
                           {"o-eco"},
                           {"o-t1"}});
  plan.measures.back().checkpoints = {
      {"按季度", {absl::CivilDay(2026, 3, 31), absl::CivilDay(2026, 6, 30)}}};
  plan.Index();
  common::WriteRequest write;
  ASSERT_OK(store_->PutPlanView(write.batch, plan));
  ASSERT_OK(db_->Commit(std::move(write)));
  Open();

  ASSERT_OK_AND_ASSIGN(auto extensions, store_->ListExtensions("2026-abc", "a1-t1-m1"));
  ASSERT_EQ(extensions.size(), 1u);
  EXPECT_EQ(extensions[0].requested_due, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(*extensions[0].original_due, absl::CivilDay(2026, 6, 30));
  ASSERT_OK_AND_ASSIGN(auto calendars, store_->ListCalendars());
  ASSERT_EQ(calendars.size(), 1u);
  EXPECT_EQ(calendars[0].second.monthly_due, rule.monthly_due);
  EXPECT_EQ(calendars[0].second.version, 3);
  EXPECT_TRUE(calendars[0].second.quarterly_summaries);
  ASSERT_OK_AND_ASSIGN(auto holidays, store_->ListHolidays());
  ASSERT_EQ(holidays.size(), 1u);
  EXPECT_EQ(holidays[0].make_up_workdays[0], absl::CivilDay(2026, 10, 10));
  ASSERT_OK_AND_ASSIGN(auto views, store_->LoadPlanViews());
  ASSERT_EQ(views.size(), 1u);
  EXPECT_TRUE(views[0]->FindMeasure("a1-t1-m1")->Owns("o-t1"));
  EXPECT_EQ(*views[0]->FindMeasure("a1-t1-m1")->due, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(views[0]->OrgName("o-eco"), "区生态环境局");
  EXPECT_EQ(views[0]->issue_date, absl::CivilDay(2026, 3, 31));
  // The checkpoints of the measure text, for the statements that they are met.
  const std::vector<CheckpointInfo>& checkpoints = views[0]->FindMeasure("a1-t1-m1")->checkpoints;
  ASSERT_EQ(checkpoints.size(), 1u);
  EXPECT_EQ(checkpoints[0].phrase, "按季度");
  EXPECT_EQ(checkpoints[0].dues, std::vector<absl::CivilDay>(
                                     {absl::CivilDay(2026, 3, 31), absl::CivilDay(2026, 6, 30)}));
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].resource(), "plans/2026-abc/measures/a1-t1-m1/extensions/1");
}

}  // namespace
}  // namespace ecoplan::progress
