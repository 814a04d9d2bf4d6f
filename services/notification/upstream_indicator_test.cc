// The indicator server's stream as the notification service follows it: the
// mapping of IndicatorStatusChanged, MonthClosed, ContestFiled and
// ContestDecided (IndicatorInput), and the follower on RocksDB against a fake
// indicator server: alerts carry the display name and unit read with
// GetIndicator, a failed read is tried again, and a replayed stream notifies
// nobody twice.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/events/event_log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"
#include "services/notification/testing/upstream_testing.h"
#include "services/notification/upstream_followers.h"

namespace ecoplan::notification {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;

constexpr char kSource[] = "ecoplan.indicator.v1.IndicatorService";

common::v1::Event Sequenced(common::v1::Event event, uint64_t sequence) {
  event.set_source(kSource);
  event.set_sequence(sequence);
  return event;
}

common::v1::Event OffTrackEvent(uint64_t sequence) {
  iv1::IndicatorStatusChanged p;
  p.set_indicator("plans/2026-abc/indicators/m-a1-t1-m1-1");
  p.set_previous_status(iv1::INDICATOR_STATUS_ON_TRACK);
  p.set_status(iv1::INDICATOR_STATUS_OFF_TRACK);
  SetDate(p.mutable_as_of(), 2026, 6, 30);
  p.set_reason("latest value 26 is below the target 30");
  p.add_owners("区交通局");
  p.add_owners("不认识的单位");
  p.set_measure("plans/2026-abc/measures/a1-t1-m1");
  p.set_value(26);
  SetDate(p.mutable_value_date(), 2026, 5, 31);
  p.set_target(30);
  p.set_target_text("≥ 30 %");
  return Sequenced(common::MakeEvent(p, p.indicator()), sequence);
}

iv1::Contest SampleContest() {
  iv1::Contest c;
  c.set_name("plans/2026-abc/contests/3");
  c.set_month("2026-04");
  c.set_organization("区交通局");
  c.set_item("light/a1-t1-m1");
  c.set_reason("已办结");
  c.set_filed_by("transport-liaison");
  c.set_state(iv1::CONTEST_STATE_PENDING);
  return c;
}

std::string OwnerId(const std::string& plan, const std::string& name) {
  return plan == "2026-abc" && name == "区交通局" ? "o-a" : "";
}

TEST(IndicatorInputTest, AStatusChangeCarriesTheFactsAndTheIndicatorsNameAndUnit) {
  IndicatorLookups lookups;
  lookups.owner_id = OwnerId;
  std::vector<std::string> read;
  lookups.get_indicator = [&read](const std::string& name) -> absl::StatusOr<iv1::Indicator> {
    read.push_back(name);
    iv1::Indicator i;
    i.set_name(name);
    i.set_display_name("新注册登记货车新能源化率");
    i.set_unit("%");
    return i;
  };
  ASSERT_OK_AND_ASSIGN(UpstreamInput in, IndicatorInput(OffTrackEvent(7), lookups));
  EXPECT_EQ(in.type, UpstreamInput::Type::kIndicatorStatus);
  EXPECT_EQ(in.event_ref, "ecoplan.indicator.v1.IndicatorService#7");
  EXPECT_EQ(in.plan_id, "2026-abc");
  const IndicatorChange& c = in.indicator_change;
  EXPECT_EQ(c.indicator, "plans/2026-abc/indicators/m-a1-t1-m1-1");
  EXPECT_EQ(c.indicator_id, "m-a1-t1-m1-1");
  EXPECT_EQ(c.display_name, "新注册登记货车新能源化率");
  EXPECT_EQ(c.unit, "%");
  EXPECT_EQ(c.previous, IndicatorStatus::kOnTrack);
  EXPECT_EQ(c.status, IndicatorStatus::kOffTrack);
  EXPECT_EQ(c.as_of, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(c.measure_id, "a1-t1-m1");
  EXPECT_EQ(c.value, 26);
  EXPECT_EQ(c.value_date, absl::CivilDay(2026, 5, 31));
  EXPECT_EQ(c.target, 30);
  EXPECT_EQ(c.target_text, "≥ 30 %");
  EXPECT_EQ(c.reason, "latest value 26 is below the target 30");
  // An owner unknown here is dropped.
  EXPECT_EQ(in.indicator_owners, std::vector<std::string>{"o-a"});
  EXPECT_EQ(read, std::vector<std::string>{"plans/2026-abc/indicators/m-a1-t1-m1-1"});

  // Unavailable: returned, so that the follower tries the event again.
  lookups.get_indicator = [](const std::string&) -> absl::StatusOr<iv1::Indicator> {
    return absl::UnavailableError("restarting");
  };
  EXPECT_TRUE(absl::IsUnavailable(IndicatorInput(OffTrackEvent(7), lookups).status()));
  // Another error: the alert goes out with the id.
  lookups.get_indicator = [](const std::string&) -> absl::StatusOr<iv1::Indicator> {
    return absl::NotFoundError("retired and purged");
  };
  ASSERT_OK_AND_ASSIGN(in, IndicatorInput(OffTrackEvent(7), lookups));
  EXPECT_EQ(in.indicator_change.display_name, "");
  EXPECT_EQ(in.indicator_change.value, 26);
}

TEST(IndicatorInputTest, MonthClosedAndContestsAreMapped) {
  IndicatorLookups lookups;
  lookups.owner_id = OwnerId;
  iv1::MonthClosed closed;
  closed.set_name("plans/2026-abc/months/2026-04");
  closed.set_closed_by("bureau-duty-officer");
  closed.set_reason("2026年4月月度结账");
  closed.set_adjustment_count(2);
  ASSERT_OK_AND_ASSIGN(
      UpstreamInput in,
      IndicatorInput(Sequenced(common::MakeEvent(closed, closed.name()), 8), lookups));
  EXPECT_EQ(in.type, UpstreamInput::Type::kMonthClosed);
  EXPECT_EQ(in.plan_id, "2026-abc");
  EXPECT_EQ(in.month_closed.name, "plans/2026-abc/months/2026-04");
  EXPECT_EQ(in.month_closed.month, "2026-04");
  EXPECT_EQ(in.month_closed.reason, "2026年4月月度结账");
  EXPECT_EQ(in.month_closed.adjustment_count, 2);

  iv1::ContestFiled filed;
  *filed.mutable_contest() = SampleContest();
  ASSERT_OK_AND_ASSIGN(
      in,
      IndicatorInput(Sequenced(common::MakeEvent(filed, "plans/2026-abc/contests/3"), 9), lookups));
  EXPECT_EQ(in.type, UpstreamInput::Type::kContestFiled);
  EXPECT_EQ(in.plan_id, "2026-abc");
  EXPECT_EQ(in.contest.name, "plans/2026-abc/contests/3");
  EXPECT_EQ(in.contest.organization_name, "区交通局");
  EXPECT_EQ(in.contest.organization_id, "o-a");
  EXPECT_EQ(in.contest.item, "light/a1-t1-m1");
  EXPECT_EQ(in.contest.reason, "已办结");
  EXPECT_FALSE(in.contest.decided);

  iv1::ContestDecided decided;
  *decided.mutable_contest() = SampleContest();
  decided.mutable_contest()->set_state(iv1::CONTEST_STATE_REJECTED);
  decided.mutable_contest()->set_comment("无证据");
  ASSERT_OK_AND_ASSIGN(
      in, IndicatorInput(Sequenced(common::MakeEvent(decided, "plans/2026-abc/contests/3"), 10),
                         lookups));
  EXPECT_EQ(in.type, UpstreamInput::Type::kContestDecided);
  EXPECT_TRUE(in.contest.decided);
  EXPECT_FALSE(in.contest.accepted);
  EXPECT_EQ(in.contest.comment, "无证据");

  iv1::ScoringRulesChanged rules;
  ASSERT_OK_AND_ASSIGN(
      in, IndicatorInput(Sequenced(common::MakeEvent(rules, "plans/2026-abc/scoringRules"), 11),
                         lookups));
  EXPECT_EQ(in.type, UpstreamInput::Type::kIgnored);
}

// The indicator server as the follower sees it: a stream of fixed events that
// starts over from the first whatever the cursor (a replay), then ends so
// that the follower reconnects; GetIndicator fails `failures` times first.
class FakeIndicator final : public iv1::IndicatorService::Service {
 public:
  explicit FakeIndicator(std::vector<common::v1::Event> events) : events_(std::move(events)) {}

  std::atomic<int> failures{0};
  std::atomic<int> reads{0};
  std::atomic<int> streams{0};

  grpc::Status GetIndicator(grpc::ServerContext*, const iv1::GetIndicatorRequest* request,
                            iv1::GetIndicatorResponse* response) override {
    ++reads;
    if (failures.load() > 0) {
      --failures;
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting");
    }
    response->mutable_indicator()->set_name(request->name());
    response->mutable_indicator()->set_display_name("新注册登记货车新能源化率");
    response->mutable_indicator()->set_unit("%");
    return grpc::Status::OK;
  }
  grpc::Status WatchEvents(grpc::ServerContext*, const iv1::WatchEventsRequest*,
                           grpc::ServerWriter<iv1::WatchEventsResponse>* writer) override {
    ++streams;
    for (const common::v1::Event& e : events_) {
      iv1::WatchEventsResponse r;
      *r.mutable_event() = e;
      writer->Write(r);
    }
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "restarting");
  }

 private:
  const std::vector<common::v1::Event> events_;
};

class IndicatorFollowerTest : public ::testing::Test {
 protected:
  IndicatorFollowerTest() : indicator_({OffTrackEvent(1), OffTrackEvent(2)}) {}

  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.RegisterService(&indicator_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbNotificationStore::ColumnFamilies();
    options.event_source = "ecoplan.notification.v1.NotificationService";
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbNotificationStore>(db_.get());
    notifier_ = std::make_unique<Notifier>(store_.get(), &clock_, &urls_);
    ASSERT_OK(notifier_->Load());
    // The plan as the registry follower left it.
    UpstreamInput plan;
    plan.type = UpstreamInput::Type::kPlanImported;
    plan.event_ref = "registry#1";
    plan.plan_id = "2026-abc";
    plan.plan.plan_id = "2026-abc";
    plan.plan.year = 2026;
    plan.plan.bureau_organization = "o-bureau";
    plan.plan.organization_names = {
        {"o-a", "区交通局"}, {"o-b", "龙泉镇"}, {"o-bureau", "区生态环境局"}};
    MeasureView m;
    m.id = "a1-t1-m1";
    m.title = "推广新能源货车";
    m.lead_organizations = {"o-a"};
    m.responsible_organizations = {"o-b"};
    plan.plan.measures[m.id] = m;
    ASSERT_OK_AND_ASSIGN(Changes changes, notifier_->BeginUpstream(plan));
    const absl::Status committed = store_->Commit(changes);
    notifier_->FinishUpstream(changes, committed.ok());
    ASSERT_OK(committed);
  }

  void TearDown() override {
    if (follower_) follower_->Stop();
    follower_.reset();
    if (server_) server_->Shutdown(std::chrono::system_clock::now());
  }

  // Follows the fake until its cursor reaches 2 and `streams` streams were opened.
  void Follow(int streams) {
    UpstreamOptions options;
    options.initial_backoff = absl::Milliseconds(10);
    options.max_backoff = absl::Milliseconds(20);
    options.export_timeout = absl::Seconds(5);
    follower_ = UpstreamFollower::ForIndicator(
        db_.get(), store_.get(), notifier_.get(),
        server_->InProcessChannel(grpc::ChannelArguments()), options,
        common::Logger("notification-test", [](absl::string_view) {}));
    ASSERT_OK(follower_->Start());
    ASSERT_TRUE(follower_->follower().WaitForCursor(2, absl::Seconds(10)));
    const int target = indicator_.streams.load() + streams;
    for (int i = 0; i < 1000 && indicator_.streams.load() < target; ++i) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    follower_->Stop();
    follower_.reset();
  }

  std::vector<Notification> OffTrack(const std::string& org) {
    absl::StatusOr<InboxPage> page =
        store_->ListInbox(org, false, Kind::kIndicatorOffTrack, 100, "");
    EXPECT_OK(page.status());
    return page.ok() ? page->notifications : std::vector<Notification>{};
  }

  common::TempDir dir_;
  FakeIndicator indicator_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbNotificationStore> store_;
  common::FakeClock clock_;
  AllowAnyUrl urls_;
  std::unique_ptr<Notifier> notifier_;
  std::unique_ptr<UpstreamFollower> follower_;
};

TEST_F(IndicatorFollowerTest, AlertsNameTheIndicatorReadWithGetIndicatorAndAFailedReadIsRetried) {
  indicator_.failures = 2;  // the first two reads: UNAVAILABLE, the event comes again
  ASSERT_NO_FATAL_FAILURE(Follow(1));
  EXPECT_GE(indicator_.reads.load(), 3);
  for (const std::string org : {"o-bureau", "o-a", "o-b"}) {
    std::vector<Notification> alerts = OffTrack(org);
    // Events 1 and 2 are two recorded changes: two alerts, each once.
    ASSERT_EQ(alerts.size(), 2u) << org;
    EXPECT_EQ(alerts[0].title,
              "指标偏离目标：新注册登记货车新能源化率当前值26%（2026-05-31），目标≥ 30 %");
    EXPECT_EQ(alerts[0].resource, "plans/2026-abc/measures/a1-t1-m1");
  }
}

TEST_F(IndicatorFollowerTest, AReplayedStreamNotifiesNobodyTwice) {
  ASSERT_NO_FATAL_FAILURE(Follow(3));  // the stream was replayed from 1 three times
  ASSERT_EQ(OffTrack("o-a").size(), 2u);
  // The cursor is lost (e.g. an operator resets it to re-sync): everything
  // comes again from the start, and the dedup keys hold.
  ASSERT_TRUE(db_->db()->Delete(rocksdb::WriteOptions(), db_->Cf("meta"), "cursor/indicator").ok());
  ASSERT_NO_FATAL_FAILURE(Follow(2));
  EXPECT_EQ(OffTrack("o-a").size(), 2u);
  EXPECT_EQ(OffTrack("o-b").size(), 2u);
  EXPECT_EQ(OffTrack("o-bureau").size(), 2u);
}

}  // namespace
}  // namespace ecoplan::notification
