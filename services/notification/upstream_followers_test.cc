#include "services/notification/upstream_followers.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/events/event_log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "services/notification/testing/upstream_testing.h"

namespace ecoplan::notification {
namespace {

namespace pv1 = ::ecoplan::progress::v1;

TEST(UpstreamFollowersTest, CalendarChangedCarriesSummariesAndTheirRule) {
  pv1::CalendarChanged payload;
  pv1::ReportingCalendar* c = payload.mutable_calendar();
  c->set_name("plans/2026-abc/reportingCalendar");
  c->mutable_monthly_due()->set_nth_working_day(2);
  c->mutable_monthly_due()->set_month_offset(1);
  c->set_quarterly_summaries(true);
  c->set_annual_summary(true);
  c->mutable_summary_due()->set_day_of_month(15);
  c->mutable_summary_due()->set_month_offset(1);
  common::v1::Event event = common::MakeEvent(payload, c->name());
  event.set_source("progress");
  event.set_sequence(9);
  absl::StatusOr<UpstreamInput> in = ProgressInput(event);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kCalendarChanged);
  EXPECT_EQ(in->plan_id, "2026-abc");
  EXPECT_EQ(in->calendar.monthly_due, (DueRule{DueRule::Kind::kNthWorkingDay, 2, 1}));
  EXPECT_TRUE(in->calendar.quarterly_summaries);
  EXPECT_FALSE(in->calendar.half_year_summaries);
  EXPECT_TRUE(in->calendar.annual_summary);
  ASSERT_TRUE(in->calendar.summary_due.has_value());
  EXPECT_EQ(*in->calendar.summary_due, (DueRule{DueRule::Kind::kDayOfMonth, 15, 1}));
  // Without a summary rule, summaries follow the monthly rule.
  c->clear_summary_due();
  c->clear_monthly_due();
  in = ProgressInput(common::MakeEvent(payload, c->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->calendar.summary_due.has_value());
  EXPECT_EQ(in->calendar.monthly_due, (DueRule{DueRule::Kind::kDayOfMonth, 25, 0}));
}

TEST(UpstreamFollowersTest, AMeasuresViewCarriesTheCheckpointsOfItsTextWithTheirDueDays) {
  namespace rv1 = ::ecoplan::registry::v1;
  rv1::Measure m;
  m.set_name("plans/2026-abc/measures/a1-t25-m1");
  m.set_text("按季度开展巡查，5月底前完成排查，3-5月集中整治");
  SetDate(m.mutable_deadline()->mutable_due_date(), 2026, 12, 31);
  rv1::Checkpoint* quarterly = m.add_checkpoints();
  quarterly->set_phrase("按季度");
  quarterly->set_kind(rv1::CHECKPOINT_KIND_RECURRING);
  quarterly->set_recurrence(rv1::CHECKPOINT_RECURRENCE_QUARTERLY);
  SetDate(quarterly->add_due_dates(), 2026, 6, 30);
  SetDate(quarterly->add_due_dates(), 2026, 9, 30);
  rv1::Checkpoint* may = m.add_checkpoints();
  may->set_phrase("5月底前");
  may->set_kind(rv1::CHECKPOINT_KIND_DUE);
  SetDate(may->mutable_due_date(), 2026, 5, 31);
  rv1::Checkpoint* window = m.add_checkpoints();
  window->set_phrase("3-5月");
  window->set_kind(rv1::CHECKPOINT_KIND_WINDOW);
  SetDate(window->mutable_window_start(), 2026, 3, 1);
  SetDate(window->mutable_due_date(), 2026, 5, 31);
  MeasureView v = MeasureViewFromProto(m);
  ASSERT_EQ(v.checkpoints.size(), 3u);
  EXPECT_EQ(v.checkpoints[0].phrase, "按季度");
  EXPECT_EQ(v.checkpoints[0].dues, (std::vector<absl::CivilDay>{absl::CivilDay(2026, 6, 30),
                                                                absl::CivilDay(2026, 9, 30)}));
  EXPECT_EQ(v.checkpoints[1].phrase, "5月底前");
  EXPECT_EQ(v.checkpoints[1].dues, std::vector<absl::CivilDay>{absl::CivilDay(2026, 5, 31)});
  // A window is due on its last day.
  EXPECT_EQ(v.checkpoints[2].phrase, "3-5月");
  EXPECT_EQ(v.checkpoints[2].dues, std::vector<absl::CivilDay>{absl::CivilDay(2026, 5, 31)});
}

TEST(UpstreamFollowersTest, ASubmittedReportCarriesTheCheckpointsItStatesMetAReturnedOneNone) {
  pv1::ReportSubmitted payload;
  pv1::Report* r = payload.mutable_report();
  r->set_name("plans/2026-abc/reports/o-b_2026-05");
  r->set_organization("organizations/o-b");
  r->set_period("2026-05");
  r->set_state(pv1::REPORT_STATE_SUBMITTED);
  pv1::ReportEntry* e = r->add_entries();
  e->set_measure("plans/2026-abc/measures/a1-t1-m1");
  pv1::CheckpointMet* met = e->add_met_checkpoints();
  SetDate(met->mutable_due_date(), 2026, 5, 31);
  met->set_phrase("5月底前");
  r->add_entries()->set_measure("plans/2026-abc/measures/a1-t1-m2");  // states nothing
  absl::StatusOr<UpstreamInput> in = ProgressInput(common::MakeEvent(payload, r->name()));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kReportSubmitted);
  EXPECT_EQ(in->organization_id, "o-b");
  ASSERT_EQ(in->met_checkpoints.size(), 1u);
  EXPECT_EQ(in->met_checkpoints[0].measure_id, "a1-t1-m1");
  EXPECT_EQ(in->met_checkpoints[0].due, absl::CivilDay(2026, 5, 31));
  EXPECT_EQ(in->met_checkpoints[0].phrase, "5月底前");
  // A returned report revised but not resubmitted states nothing.
  pv1::ReportRevised revised;
  *revised.mutable_report() = *r;
  revised.mutable_report()->set_state(pv1::REPORT_STATE_RETURNED);
  in = ProgressInput(common::MakeEvent(revised, r->name()));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kReportSubmitted);
  EXPECT_TRUE(in->met_checkpoints.empty());
  pv1::ReportReturned returned;
  *returned.mutable_report() = *r;
  returned.mutable_report()->set_state(pv1::REPORT_STATE_RETURNED);
  in = ProgressInput(common::MakeEvent(returned, r->name()));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kReportReturned);
  EXPECT_TRUE(in->met_checkpoints.empty());
}

TEST(UpstreamFollowersTest, HolidaysLoadedBecomesTheYearsWorkingDayData) {
  pv1::HolidaysLoaded payload;
  pv1::HolidayCalendar* h = payload.mutable_holidays();
  h->set_name("holidayCalendars/2026");
  h->set_year(2026);
  SetDate(h->add_holidays(), 2026, 10, 1);
  SetDate(h->add_holidays(), 2026, 10, 2);
  SetDate(h->add_make_up_workdays(), 2026, 10, 10);
  absl::StatusOr<UpstreamInput> in = ProgressInput(common::MakeEvent(payload, h->name()));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kHolidaysLoaded);
  EXPECT_EQ(in->holidays.year, 2026);
  EXPECT_EQ(in->holidays.holidays, (std::vector<absl::CivilDay>{absl::CivilDay(2026, 10, 1),
                                                                absl::CivilDay(2026, 10, 2)}));
  EXPECT_EQ(in->holidays.make_up_workdays,
            std::vector<absl::CivilDay>{absl::CivilDay(2026, 10, 10)});
  h->set_year(0);  // nothing usable: the cursor moves on
  in = ProgressInput(common::MakeEvent(payload, h->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->type, UpstreamInput::Type::kIgnored);
}

// The progress service as the follower sees it: GetHolidays from a table, and
// WatchEvents streams without events that end at once (so the follower reconnects).
class FakeProgress final : public pv1::ProgressService::Service {
 public:
  void SetHolidays(int year, std::vector<absl::CivilDay> days_off,
                   std::vector<absl::CivilDay> make_up) {
    pv1::HolidayCalendar c;
    c.set_name(absl::StrCat("holidayCalendars/", year));
    c.set_year(year);
    for (absl::CivilDay d : days_off) SetDate(c.add_holidays(), d.year(), d.month(), d.day());
    for (absl::CivilDay d : make_up)
      SetDate(c.add_make_up_workdays(), d.year(), d.month(), d.day());
    absl::MutexLock lock(&mu_);
    calendars_[c.name()] = c;
  }
  std::vector<std::string> requested() const {
    absl::MutexLock lock(&mu_);
    return requested_;
  }
  int streams() const { return streams_.load(); }

  grpc::Status GetHolidays(grpc::ServerContext*, const pv1::GetHolidaysRequest* request,
                           pv1::GetHolidaysResponse* response) override {
    absl::MutexLock lock(&mu_);
    requested_.push_back(request->name());
    auto it = calendars_.find(request->name());
    if (it == calendars_.end()) return grpc::Status(grpc::StatusCode::NOT_FOUND, "no holidays");
    *response->mutable_holidays() = it->second;
    return grpc::Status::OK;
  }
  grpc::Status WatchEvents(grpc::ServerContext*, const pv1::WatchEventsRequest*,
                           grpc::ServerWriter<pv1::WatchEventsResponse>*) override {
    ++streams_;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting");
  }

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, pv1::HolidayCalendar> calendars_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> requested_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> streams_{0};
};

// A notification store and Notifier on RocksDB, following FakeProgress.
class ProgressHolidaysTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&progress_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbNotificationStore::ColumnFamilies();
    options.event_source = "ecoplan.notification.v1.NotificationService";
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbNotificationStore>(db_.get());
  }

  void TearDown() override {
    if (follower_) follower_->Stop();
    follower_.reset();
    notifier_.reset();
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }

  // Starts the progress follower (the clock says 2026-03-31) and waits for
  // `streams` streams.
  void StartFollower(int streams = 1) {
    NotifierOptions notifier_options;
    notifier_options.install_default_rules = false;
    notifier_ = std::make_unique<Notifier>(store_.get(), &clock_, &urls_, notifier_options);
    ASSERT_OK(notifier_->Load());
    UpstreamOptions options;
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(50);
    options.export_timeout = absl::Seconds(5);
    options.clock = &clock_;
    follower_ = UpstreamFollower::ForProgress(
        db_.get(), store_.get(), notifier_.get(),
        server_->InProcessChannel(grpc::ChannelArguments()), options,
        common::Logger("notification-test", [](absl::string_view) {}));
    ASSERT_OK(follower_->Start());
    // The holidays are read before the stream opens.
    for (int i = 0; i < 1000 && progress_.streams() < streams; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    ASSERT_GE(progress_.streams(), streams);
  }

  HolidayYear Stored(int year) {
    absl::StatusOr<std::optional<HolidayYear>> h = store_->GetHolidays(year);
    EXPECT_TRUE(h.ok()) << h.status();
    return h.ok() && h->has_value() ? **h : HolidayYear{};
  }

  common::TempDir dir_;
  FakeProgress progress_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbNotificationStore> store_;
  common::FakeClock clock_;  // 2026-03-31
  AllowAnyUrl urls_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<UpstreamFollower> follower_;
};

TEST_F(ProgressHolidaysTest, AtStartTheCurrentAndNextYearsHolidaysAreReadAndStoredWhenTheyDiffer) {
  // The directory knows an older 2026 calendar (its cursor is past the newer
  // HolidaysLoaded) and nothing of 2027.
  Changes old;
  old.holidays.push_back(HolidayYear{2026, {absl::CivilDay(2026, 10, 1)}, {}});
  ASSERT_OK(store_->Commit(old));
  progress_.SetHolidays(2026, {absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 2)},
                        {absl::CivilDay(2026, 9, 27)});
  progress_.SetHolidays(2027, {absl::CivilDay(2027, 1, 1)}, {});
  progress_.SetHolidays(2028, {absl::CivilDay(2028, 1, 1)}, {});  // not asked for
  StartFollower(/*streams=*/3);
  // Read once, before the first stream; not again when the stream is reopened.
  EXPECT_EQ(progress_.requested(),
            (std::vector<std::string>{"holidayCalendars/2026", "holidayCalendars/2027"}));
  const HolidayYear y2026 = Stored(2026);
  EXPECT_EQ(y2026.year, 2026);
  EXPECT_EQ(y2026.holidays, (std::vector<absl::CivilDay>{absl::CivilDay(2026, 10, 1),
                                                         absl::CivilDay(2026, 10, 2)}));
  EXPECT_EQ(y2026.make_up_workdays, std::vector<absl::CivilDay>{absl::CivilDay(2026, 9, 27)});
  EXPECT_EQ(Stored(2027).holidays, std::vector<absl::CivilDay>{absl::CivilDay(2027, 1, 1)});
  EXPECT_EQ(Stored(2028).year, 0);
  follower_->Stop();
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  EXPECT_EQ(state.holidays.size(), 2u);
}

TEST_F(ProgressHolidaysTest, HolidaysAlreadyKnownOrNotLoadedUpstreamWriteNothing) {
  Changes known;
  known.holidays.push_back(
      HolidayYear{2026, {absl::CivilDay(2026, 10, 1)}, {absl::CivilDay(2026, 9, 27)}});
  ASSERT_OK(store_->Commit(known));
  progress_.SetHolidays(2026, {absl::CivilDay(2026, 10, 1)}, {absl::CivilDay(2026, 9, 27)});
  // 2027 was not loaded into the progress service: NOT_FOUND, skipped.
  const rocksdb::SequenceNumber before = db_->db()->GetLatestSequenceNumber();
  StartFollower();
  EXPECT_EQ(progress_.requested().size(), 2u);
  EXPECT_EQ(db_->db()->GetLatestSequenceNumber(), before);
  EXPECT_EQ(Stored(2027).year, 0);
}

TEST_F(ProgressHolidaysTest, AnUnreachableProgressServiceIsAskedAgainBeforeTheNextStream) {
  progress_.SetHolidays(2026, {absl::CivilDay(2026, 5, 1)}, {});
  // A port nobody listens on any more: every call is UNAVAILABLE; the
  // follower keeps trying (with backoff).
  int port = 0;
  {
    FakeProgress gone;
    grpc::ServerBuilder builder;
    builder.RegisterService(&gone);
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    std::unique_ptr<grpc::Server> probe = builder.BuildAndStart();
    ASSERT_NE(probe, nullptr);
    probe->Shutdown(std::chrono::system_clock::now());
  }
  std::shared_ptr<grpc::Channel> channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  NotifierOptions notifier_options;
  notifier_options.install_default_rules = false;
  notifier_ = std::make_unique<Notifier>(store_.get(), &clock_, &urls_, notifier_options);
  ASSERT_OK(notifier_->Load());
  UpstreamOptions options;
  options.initial_backoff = absl::Milliseconds(10);
  options.max_backoff = absl::Milliseconds(20);
  options.export_timeout = absl::Milliseconds(200);
  options.clock = &clock_;
  std::atomic<int> warnings{0};
  follower_ = UpstreamFollower::ForProgress(
      db_.get(), store_.get(), notifier_.get(), channel, options,
      common::Logger("notification-test", [&warnings](absl::string_view line) {
        if (absl::StrContains(line, "holidays")) ++warnings;
      }));
  ASSERT_OK(follower_->Start());
  for (int i = 0; i < 500 && warnings.load() < 2; ++i) absl::SleepFor(absl::Milliseconds(10));
  EXPECT_GE(warnings.load(), 2);  // tried again
  follower_->Stop();
  EXPECT_EQ(Stored(2026).year, 0);
}

// A stream that yields `events` events, then ends with `status`.
class ScriptedStream final : public common::EventStream {
 public:
  ScriptedStream(int events, grpc::Status status) : events_(events), status_(std::move(status)) {}
  bool Read(common::v1::Event* event) override {
    if (events_ == 0) return false;
    --events_;
    event->set_sequence(1);
    return true;
  }
  grpc::Status Finish() override { return status_; }

 private:
  int events_;
  grpc::Status status_;
};

TEST(UpstreamCaughtUpTest, CaughtUpExactlyWhenTheUpstreamHasNoEventAfterTheCursor) {
  std::vector<uint64_t> asked;
  auto opener = [&asked](int events, grpc::Status status) -> common::StreamOpener {
    return [&asked, events, status](grpc::ClientContext*, uint64_t after) {
      asked.push_back(after);
      return std::make_unique<ScriptedStream>(events, status);
    };
  };
  // OUT_OF_RANGE for the events after cursor + 1: the last event is at most the cursor.
  EXPECT_TRUE(UpstreamCaughtUp(opener(0, grpc::Status(grpc::StatusCode::OUT_OF_RANGE, "ahead")), 41,
                               absl::Seconds(1)));
  EXPECT_EQ(asked, std::vector<uint64_t>({42}));
  // An event after cursor + 1: not applied yet.
  EXPECT_FALSE(UpstreamCaughtUp(opener(1, grpc::Status::CANCELLED), 41, absl::Seconds(1)));
  // The stream waited for a new event until the deadline: event cursor + 1 exists.
  EXPECT_FALSE(
      UpstreamCaughtUp(opener(0, grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED, "deadline")), 41,
                       absl::Seconds(1)));
  // The upstream is down.
  EXPECT_FALSE(UpstreamCaughtUp(opener(0, grpc::Status(grpc::StatusCode::UNAVAILABLE, "down")), 41,
                                absl::Seconds(1)));
}

}  // namespace
}  // namespace ecoplan::notification
