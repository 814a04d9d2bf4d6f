// IndicatorViewUpdater over a real RocksDB in a temp dir: the indicator
// service's events become the view the completion check reads, durable with
// the follower's batch and published only once committed.

#include "services/progress/indicator_view_updater.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/events/event_log.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"

namespace ecoplan::progress {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class IndicatorViewUpdaterTest : public ::testing::Test {
 protected:
  IndicatorViewUpdaterTest() { Open(); }

  void Open() {
    updater_.reset();
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbReportStore::ColumnFamilies();
    options.event_source = RocksDbReportStore::kEventSource;
    auto db = common::RocksDb::Open(options);
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    store_ = std::make_unique<RocksDbReportStore>(db_.get());
    directory_ = std::make_unique<IndicatorDirectory>();
    updater_ = std::make_unique<IndicatorViewUpdater>(store_.get(), directory_.get(),
                                                      common::Logger("test"));
  }

  // Handles `payload` as event `sequence` and commits its effect, as the follower does.
  void Apply(const google::protobuf::Message& payload, uint64_t sequence) {
    ecoplan::common::v1::Event event = common::MakeEvent(payload, "r");
    event.set_sequence(sequence);
    ASSERT_OK_AND_ASSIGN(common::FollowEffect effect, updater_->Handle(event));
    ASSERT_OK(db_->Commit(std::move(effect.write)).status());
    if (effect.on_committed) effect.on_committed();
  }

  static iv1::Indicator Trucks() {
    iv1::Indicator i;
    i.set_name("plans/2026-abc/indicators/m-a1-t1-m1-1");
    i.set_display_name("新注册登记货车新能源化率");
    i.set_unit("%");
    i.set_target_value(30);
    i.set_target_text("达到30%以上");
    i.add_measures("plans/2026-abc/measures/a1-t1-m1");
    return i;
  }

  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbReportStore> store_;
  std::unique_ptr<IndicatorDirectory> directory_;
  std::unique_ptr<IndicatorViewUpdater> updater_;
};

TEST_F(IndicatorViewUpdaterTest, DefinitionAndStatusMakeTheFactsAndSurviveARestart) {
  EXPECT_FALSE(directory_->received());
  iv1::IndicatorChanged changed;
  *changed.mutable_indicator() = Trucks();
  changed.set_change("created");
  ASSERT_NO_FATAL_FAILURE(Apply(changed, 3));
  EXPECT_FALSE(directory_->received()) << "one indicator of a catch-up is not all of them";
  auto of_measure = directory_->OfMeasure("2026-abc", "a1-t1-m1");
  ASSERT_EQ(of_measure.size(), 1u);
  EXPECT_EQ(of_measure[0]->status, IndicatorState::kUnknown);

  iv1::IndicatorStatusChanged status;
  status.set_indicator("plans/2026-abc/indicators/m-a1-t1-m1-1");
  status.set_status(iv1::INDICATOR_STATUS_OFF_TRACK);
  status.set_value(26);
  status.mutable_value_date()->set_year(2026);
  status.mutable_value_date()->set_month(5);
  status.mutable_value_date()->set_day(31);
  status.mutable_as_of()->set_year(2026);
  status.mutable_as_of()->set_month(6);
  status.mutable_as_of()->set_day(30);
  status.set_target(30);
  status.set_target_text("≥ 30 %");
  status.set_reason("26 < 30");
  ASSERT_NO_FATAL_FAILURE(Apply(status, 4));
  // A later definition change keeps the status.
  iv1::Indicator renamed = Trucks();
  renamed.set_display_name("货车新能源化率");
  *changed.mutable_indicator() = renamed;
  ASSERT_NO_FATAL_FAILURE(Apply(changed, 5));

  auto check = [](const IndicatorDirectory& d) {
    auto found = d.Find("2026-abc", "m-a1-t1-m1-1");
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(found->sequence, 5u);
    EXPECT_EQ(DescribeIndicator(*found),
              "m-a1-t1-m1-1 «货车新能源化率»: OFF_TRACK; latest value 26 % on 2026-05-31; "
              "target ≥ 30 %");
    EXPECT_THAT(found->measure_ids, ElementsAre("a1-t1-m1"));
    EXPECT_EQ(found->reason, "26 < 30");
  };
  check(*directory_);

  // Caught up (IndicatorCatchUpProbe): recorded, so a restart starts complete.
  ASSERT_OK(updater_->MarkComplete());
  EXPECT_TRUE(directory_->received());
  Open();
  EXPECT_FALSE(directory_->received());
  ASSERT_OK(updater_->LoadStoredViews());
  EXPECT_TRUE(directory_->received());
  check(*directory_);
}

// Events arriving before the catch-up ends: a measure whose indicator has
// not arrived yet has nothing to check, so the view must not count as
// received, and a restart in the middle of it does not make it so.
TEST_F(IndicatorViewUpdaterTest, APartOfACatchUpIsNotReceivedAcrossARestartEither) {
  iv1::IndicatorChanged changed;
  *changed.mutable_indicator() = Trucks();
  ASSERT_NO_FATAL_FAILURE(Apply(changed, 1));
  iv1::ObservationsIngested ingested;
  ASSERT_NO_FATAL_FAILURE(Apply(ingested, 2));
  EXPECT_FALSE(directory_->received());
  Open();
  ASSERT_OK(updater_->LoadStoredViews());
  EXPECT_FALSE(directory_->received());
  EXPECT_NE(directory_->Find("2026-abc", "m-a1-t1-m1-1"), nullptr) << "the part is kept";
  ASSERT_OK(updater_->MarkComplete());
  ASSERT_OK(updater_->MarkComplete());  // once is enough; again changes nothing
  EXPECT_TRUE(directory_->received());
}

TEST_F(IndicatorViewUpdaterTest, ARetiredIndicatorIsKeptAsRetiredAndOtherEventsChangeNothing) {
  iv1::ObservationsIngested ingested;
  ASSERT_NO_FATAL_FAILURE(Apply(ingested, 1));
  EXPECT_FALSE(directory_->received());
  iv1::IndicatorChanged changed;
  *changed.mutable_indicator() = Trucks();
  changed.mutable_indicator()->set_retired(true);
  ASSERT_NO_FATAL_FAILURE(Apply(changed, 2));
  EXPECT_TRUE(directory_->Find("2026-abc", "m-a1-t1-m1-1")->retired);
  EXPECT_TRUE(CheckIndicators(directory_->OfMeasure("2026-abc", "a1-t1-m1")).passed());
  Open();
  ASSERT_OK(updater_->LoadStoredViews());
  EXPECT_FALSE(directory_->received());
  EXPECT_TRUE(directory_->Find("2026-abc", "m-a1-t1-m1-1")->retired);
}

TEST_F(IndicatorViewUpdaterTest, AMalformedIndicatorNameIsRefused) {
  iv1::IndicatorStatusChanged status;
  status.set_indicator("indicators/x");
  ecoplan::common::v1::Event event = common::MakeEvent(status, "r");
  event.set_sequence(1);
  absl::StatusOr<common::FollowEffect> effect = updater_->Handle(event);
  EXPECT_EQ(effect.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(effect.status().message()), HasSubstr("plans/{plan}/indicators/{id}"));
}

}  // namespace
}  // namespace ecoplan::progress
