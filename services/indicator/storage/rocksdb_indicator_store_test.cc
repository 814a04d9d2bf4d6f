#include "services/indicator/storage/rocksdb_indicator_store.h"

#include <map>
#include <memory>
#include <tuple>

#include "common/events/event_log.h"
#include "common/storage/record_io.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

class RocksDbIndicatorStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbIndicatorStore::ColumnFamilies();
    options.event_source = RocksDbIndicatorStore::kEventSource;
    auto db = common::RocksDb::Open(options);
    ASSERT_OK(db.status());
    db_ = *std::move(db);
    store_ = std::make_unique<RocksDbIndicatorStore>(db_.get());
  }

  Indicator Pm25() {
    Indicator i;
    i.plan_id = "2026-test";
    i.id = "a4-pm25";
    i.display_name = "PM2.5年均浓度";
    i.unit = "微克/立方米";
    i.comparator = Comparator::kAtMost;
    i.target_value = 27;
    i.target_text = "27";
    i.period_start = absl::CivilDay(2026, 1, 1);
    i.period_end = absl::CivilDay(2026, 12, 31);
    i.aggregation = Aggregation::kMeanOfDaily;
    i.source = SourceKind::kAirQuality;
    i.air_quality_item = AirQualityItem::kPm25;
    i.origin = Origin::kAnnex4;
    i.revision = 1;
    i.update_time = absl::FromUnixSeconds(1770000000);
    return i;
  }

  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbIndicatorStore> store_;
};

TEST_F(RocksDbIndicatorStoreTest, IndicatorRevisionAndEventCommitTogetherAndSurviveReopen) {
  const Indicator ind = Pm25();
  common::WriteRequest w;
  ASSERT_OK(store_->PutIndicator(w, ind));
  IndicatorRevision rev;
  rev.revision = 1;
  rev.time = ind.update_time;
  rev.actor = "admin";
  rev.reason = "created";
  rev.after = ind;
  ASSERT_OK(store_->PutRevision(w, ind, rev));
  ASSERT_OK(
      store_->PutRequest(w, "req-1", "CreateIndicator", "plans/2026-test/indicators/a4-pm25"));
  ecoplan::indicator::v1::IndicatorChanged changed;
  changed.set_change("created");
  w.events.push_back(common::MakeEvent(changed, "plans/2026-test/indicators/a4-pm25", "req-1"));
  ASSERT_OK_AND_ASSIGN(common::CommitResult result, db_->Commit(std::move(w)));
  EXPECT_EQ(result.first_sequence, 1u);

  Open();
  ASSERT_OK_AND_ASSIGN(std::vector<Indicator> loaded, store_->LoadIndicators());
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0], ind);
  EXPECT_EQ(loaded[0].target_value, 27);
  ASSERT_OK_AND_ASSIGN(std::vector<IndicatorRevision> revisions,
                       store_->ListRevisions("2026-test", "a4-pm25"));
  ASSERT_EQ(revisions.size(), 1u);
  EXPECT_EQ(revisions[0].actor, "admin");
  EXPECT_FALSE(revisions[0].before.has_value());
  EXPECT_EQ(db_->LastEventSequence(), 1u);
  ASSERT_OK_AND_ASSIGN(auto events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type(), "ecoplan.indicator.v1.IndicatorChanged");
  ASSERT_OK_AND_ASSIGN(std::vector<RequestRecord> requests, store_->LoadRequests());
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0], (RequestRecord{"req-1", "CreateIndicator",
                                        "plans/2026-test/indicators/a4-pm25", "", 0}));
}

TEST_F(RocksDbIndicatorStoreTest, AFailedCommitWritesNeitherEntityNorEvent) {
  db_->Shutdown();
  common::WriteRequest w;
  ASSERT_OK(store_->PutIndicator(w, Pm25()));
  ecoplan::indicator::v1::IndicatorChanged changed;
  w.events.push_back(common::MakeEvent(changed, "x"));
  EXPECT_FALSE(db_->Commit(std::move(w)).ok());
  Open();
  ASSERT_OK_AND_ASSIGN(std::vector<Indicator> loaded, store_->LoadIndicators());
  EXPECT_TRUE(loaded.empty());
  EXPECT_EQ(db_->LastEventSequence(), 0u);
}

TEST_F(RocksDbIndicatorStoreTest, AStationDayHoldsItsReadingsAndACorrectionIsRecorded) {
  const absl::CivilHour hour(2017, 1, 1, 7);
  StationDayWrite day;
  day.day.station_id = "Gucheng";
  day.day.day = absl::CivilDay(2017, 1, 1);
  day.day.validity_standard = "GB 3095-2012";
  day.day.values[static_cast<int>(DailyItem::kPm25)] = {Validity::kInsufficientData, 100, 1};
  day.readings.slots[static_cast<int>(Pollutant::kPm25)].Set(7, 100);
  common::WriteRequest first;
  ASSERT_OK(store_->PutReadings(first, {{"Gucheng", Pollutant::kPm25, hour, 100, std::nullopt}},
                                absl::FromUnixSeconds(1)));
  ASSERT_OK(store_->PutStationDays(first, {day}));
  ASSERT_OK(db_->Commit(std::move(first)).status());
  common::WriteRequest again;
  ASSERT_OK(store_->PutReadings(again, {{"Gucheng", Pollutant::kPm25, hour, 120, 100.0}},
                                absl::FromUnixSeconds(2)));
  day.day.values[static_cast<int>(DailyItem::kPm25)] = {Validity::kInsufficientData, 120, 1};
  day.readings.slots[static_cast<int>(Pollutant::kPm25)].Set(7, 120);
  day.readings.slots[static_cast<int>(Pollutant::kO3)].Set(23, 80);
  day.readings.audited[static_cast<int>(Pollutant::kO3)] = 1u << 23;
  ASSERT_OK(store_->PutStationDays(again, {day}));
  ASSERT_OK(db_->Commit(std::move(again)).status());

  Open();
  std::vector<ReadingWrite> all;
  ASSERT_OK(store_->LoadReadings(1000, [&](std::vector<ReadingWrite> chunk) {
    all.insert(all.end(), chunk.begin(), chunk.end());
    return absl::OkStatus();
  }));
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].pollutant, Pollutant::kO3);  // pollutant order within the day
  EXPECT_EQ(all[0].hour, absl::CivilHour(2017, 1, 1, 23));
  EXPECT_EQ(all[0].value, 80);
  EXPECT_EQ(all[0].verification, Verification::kAudited);
  EXPECT_EQ(all[1].pollutant, Pollutant::kPm25);
  EXPECT_EQ(all[1].hour, hour);
  EXPECT_EQ(all[1].value, 120);
  EXPECT_EQ(all[1].verification, Verification::kProvisional);
  ASSERT_OK_AND_ASSIGN(auto corrections, store_->ListCorrections("Gucheng"));
  ASSERT_EQ(corrections.size(), 1u);
  EXPECT_EQ(corrections[0].first, "Gucheng/5/2017-01-01T07");
  EXPECT_EQ(corrections[0].second.previous(), 100);
  EXPECT_EQ(corrections[0].second.value(), 120);
  ASSERT_OK_AND_ASSIGN(auto stored_day, store_->GetStationDay("Gucheng", day.day.day));
  ASSERT_TRUE(stored_day.has_value());
  EXPECT_EQ(stored_day->validity_standard(), "GB 3095-2012");
  EXPECT_EQ(stored_day->values(static_cast<int>(DailyItem::kPm25)).value(), 120);
  EXPECT_TRUE(stored_day->holds_readings());
  // No key per reading: the readings are in the day's record only.
  int reading_keys = 0;
  ASSERT_OK(
      common::ScanPrefix(*db_, "readings", "", [&](const rocksdb::Slice&, const rocksdb::Slice&) {
        ++reading_keys;
        return absl::OkStatus();
      }));
  EXPECT_EQ(reading_keys, 0);
}

// Data written by releases that kept one "readings" key per reading (and
// daily records without readings) still loads; a station-day rewritten since
// is read from its record only.
TEST_F(RocksDbIndicatorStoreTest, ReadingsOfOlderReleasesLoadUnlessTheirDayRecordHoldsThem) {
  common::WriteRequest old;
  auto put_old = [&](const std::string& key, double value, bool audited) {
    storage::ReadingRecord r;
    r.set_value(value);
    if (audited) r.set_verification(ecoplan::indicator::v1::DATA_VERIFICATION_AUDITED);
    ASSERT_TRUE(old.batch.Put(db_->Cf("readings"), key, r.SerializeAsString()).ok());
  };
  put_old("Dingling/5/2016-12-31T23", 30, false);  // a day never rewritten
  put_old("Dingling/3/2016-12-31T10", 60, true);
  put_old("Dingling/5/2017-01-01T00", 40, false);  // a day rewritten below
  put_old("Dingling/5/2017-01-01T01", 41, false);
  storage::StationDayRecord old_day;  // an older release's daily record: no readings
  old_day.set_validity_standard("GB 3095-2012");
  ASSERT_TRUE(
      old.batch.Put(db_->Cf("daily"), "Dingling/2016-12-31", old_day.SerializeAsString()).ok());
  ASSERT_OK(db_->Commit(std::move(old)).status());
  common::WriteRequest now;
  StationDayWrite day;
  day.day.station_id = "Dingling";
  day.day.day = absl::CivilDay(2017, 1, 1);
  day.day.validity_standard = "GB 3095-2012";
  day.readings.slots[static_cast<int>(Pollutant::kPm25)].Set(0, 40);
  day.readings.slots[static_cast<int>(Pollutant::kPm25)].Set(1, 45);  // corrected since
  day.readings.slots[static_cast<int>(Pollutant::kPm25)].Set(2, 50);
  ASSERT_OK(store_->PutStationDays(now, {day}));
  ASSERT_OK(db_->Commit(std::move(now)).status());

  std::map<std::tuple<int, int, absl::CivilHour>, std::pair<double, Verification>> loaded;
  size_t count = 0;
  ASSERT_OK(store_->LoadReadings(2, [&](std::vector<ReadingWrite> chunk) {
    count += chunk.size();
    for (const ReadingWrite& r : chunk) {
      EXPECT_EQ(r.station, "Dingling");
      loaded[{static_cast<int>(r.pollutant), 0, r.hour}] = {r.value, r.verification};
    }
    return absl::OkStatus();
  }));
  using Value = std::pair<double, Verification>;
  const auto pm25 = static_cast<int>(Pollutant::kPm25), o3 = static_cast<int>(Pollutant::kO3);
  std::map<std::tuple<int, int, absl::CivilHour>, Value> expected = {
      {{pm25, 0, absl::CivilHour(2016, 12, 31, 23)}, {30, Verification::kProvisional}},
      {{o3, 0, absl::CivilHour(2016, 12, 31, 10)}, {60, Verification::kAudited}},
      {{pm25, 0, absl::CivilHour(2017, 1, 1, 0)}, {40, Verification::kProvisional}},
      {{pm25, 0, absl::CivilHour(2017, 1, 1, 1)}, {45, Verification::kProvisional}},
      {{pm25, 0, absl::CivilHour(2017, 1, 1, 2)}, {50, Verification::kProvisional}}};
  EXPECT_EQ(loaded, expected);
  EXPECT_EQ(count, expected.size());  // each reading once
}

TEST_F(RocksDbIndicatorStoreTest, StationsStatusesReportsViewsAndReportedValuesRoundTrip) {
  common::WriteRequest w;
  ASSERT_OK(store_->PutStation(w, {"Dingling", "定陵", "清水镇", false, true, "对照点"}));
  ASSERT_OK(store_->PutStatus(w, "p", "a4-pm25", IndicatorStatus::kAtRisk,
                              absl::CivilDay(2026, 5, 1), "close"));
  ExtractionReport report;
  report.plan_id = "p";
  report.annex4_count = 3;
  ASSERT_OK(store_->PutReport(w, report));
  PlanView view;
  view.plan_id = "p";
  view.year = 2026;
  view.measures.push_back(MeasureView{});
  view.measures[0].id = "a1-t1-m1";
  view.measures[0].due = absl::CivilDay(2026, 6, 30);
  view.measures[0].checkpoints.push_back({"按季度", {absl::CivilDay(2026, 6, 30)}});
  view.measures[0].clear_all_required = true;  // 动态清零
  view.issue_date = absl::CivilDay(2026, 3, 1);
  view.organization_names["o-1"] = "区生态环境局";
  ASSERT_OK(store_->PutPlanView(w, view));
  ASSERT_OK(store_->PutReportedValue(w, "p", "m-1", absl::CivilDay(2026, 4, 30), 31.5, "test"));
  ASSERT_OK(db_->Commit(std::move(w)).status());

  Open();
  ASSERT_OK_AND_ASSIGN(auto stations, store_->LoadStations());
  ASSERT_EQ(stations.size(), 1u);
  EXPECT_EQ(stations[0].town, "清水镇");
  EXPECT_FALSE(stations[0].counts_for_district);
  ASSERT_OK_AND_ASSIGN(auto statuses, store_->LoadStatuses());
  EXPECT_EQ(statuses["p"]["a4-pm25"], IndicatorStatus::kAtRisk);
  ASSERT_OK_AND_ASSIGN(auto reports, store_->LoadReports());
  EXPECT_EQ(reports["p"].annex4_count, 3);
  EXPECT_EQ(reports["p"].plan_id, "p");
  ASSERT_OK_AND_ASSIGN(auto views, store_->LoadPlanViews());
  EXPECT_EQ(views["p"], view);  // every field back as it was
  ASSERT_OK_AND_ASSIGN(auto reported, store_->LoadReportedValues());
  ASSERT_EQ(reported["p"]["m-1"].size(), 1u);
  EXPECT_EQ(reported["p"]["m-1"][0].value, 31.5);
}

TEST_F(RocksDbIndicatorStoreTest, CompletionDeclarationsAndConfirmationsSurviveReopen) {
  CompletionDeclaration d;
  d.name = "plans/p/measures/m1/completions/2";
  d.number = 2;
  d.organization_id = "o-1";
  d.organization = "区交通局";
  d.declared = absl::CivilDay(2026, 6, 5);
  d.state = CompletionState::kConfirmed;
  d.comment = "同意办结";
  d.decided = absl::CivilDay(2026, 6, 10);
  d.indicator_check_overridden = true;
  d.override_reason = "指标为年度统计";
  LedgerChange change;
  change.plan_id = "p";
  change.completion = {"m1", absl::CivilDay(2026, 6, 10)};
  change.declaration = {"m1", d};
  CompletionDeclaration rejected = d;
  rejected.name = "plans/p/measures/m2/completions/1";
  rejected.number = 1;
  rejected.state = CompletionState::kRejected;
  rejected.indicator_check_overridden = false;
  rejected.override_reason = "";
  LedgerChange second;
  second.plan_id = "p";
  second.declaration = {"m2", rejected};
  common::WriteRequest w;
  ASSERT_OK(store_->PutLedgerChange(w, change));
  ASSERT_OK(store_->PutLedgerChange(w, second));
  ASSERT_OK(db_->Commit(std::move(w)).status());

  Open();
  ProgressLedger ledger;
  ASSERT_OK(store_->LoadProgress(&ledger));
  std::vector<MeasureInfo> measures = {{"m1", absl::CivilDay(2026, 6, 30), {"区交通局"}},
                                       {"m2", absl::CivilDay(2026, 6, 30), {"区交通局"}}};
  ledger.Annotate("p", &measures);
  EXPECT_TRUE(measures[0].completion_confirmed);
  EXPECT_EQ(measures[0].confirmed_on, absl::CivilDay(2026, 6, 10));
  ASSERT_TRUE(measures[0].declaration.has_value());
  EXPECT_EQ(*measures[0].declaration, d);
  EXPECT_FALSE(measures[1].completion_confirmed);
  ASSERT_TRUE(measures[1].declaration.has_value());
  EXPECT_EQ(*measures[1].declaration, rejected);
}

TEST_F(RocksDbIndicatorStoreTest, AProgressEntryKeepsItsCheckpointsStatedMetWithTheirDays) {
  LedgerEntry e;
  e.organization_id = "o-1";
  e.organization = "区交通局";
  e.period = absl::CivilMonth(2026, 6);
  e.measure_id = "m1";
  e.report = "plans/p/reports/o-1_2026-06";
  e.report_revision = 2;
  e.day = absl::CivilDay(2026, 6, 25);
  e.met_checkpoints = {{absl::CivilDay(2026, 5, 31), "5月底前", absl::CivilDay(2026, 6, 3)},
                       {absl::CivilDay(2026, 6, 30), "按季度", absl::CivilDay(2026, 6, 20)}};
  LedgerChange change;
  change.plan_id = "p";
  change.put_entries = {e};
  common::WriteRequest w;
  ASSERT_OK(store_->PutLedgerChange(w, change));
  ASSERT_OK(db_->Commit(std::move(w)).status());

  Open();
  ProgressLedger ledger;
  ASSERT_OK(store_->LoadProgress(&ledger));
  const std::vector<ProgressReport> reports = ledger.Reports("p");
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].met_checkpoints, e.met_checkpoints);
}

TEST_F(RocksDbIndicatorStoreTest, SupervisionOrdersAndProblemItemsSurviveReopen) {
  const absl::TimeZone shanghai = absl::FixedTimeZone(8 * 3600);
  auto at = [&](int d, int h) {
    return absl::FromCivil(absl::CivilSecond(2026, 6, d, h, 0, 0), shanghai);
  };
  SupervisionOrderFact o;
  o.name = "plans/p/supervisionOrders/2026-003";
  o.id = "2026-003";
  o.title = "河道排口整治滞后";
  o.measure_ids = {"m1", "m2"};
  o.addressees = {{"o-water",
                   "区水务局",
                   {{at(9, 10), SupervisionVerdict::kReturned, at(10, 9)},
                    {at(11, 10), SupervisionVerdict::kNone, std::nullopt}}}};
  o.issue_time = at(3, 10);
  o.close_time = at(20, 9);
  o.deadlines = {{at(3, 10), "yellow", absl::CivilDay(2026, 6, 10), at(11, 0)},
                 {at(12, 10), "red", absl::CivilDay(2026, 6, 16), at(17, 0)}};
  o.sequence = 41;
  ProblemItemFact p;
  p.name = "plans/p/problems/pb-7";
  p.id = "pb-7";
  p.measure_id = "m1";
  p.code = "PWK-0012";
  p.title = "排口 12";
  p.organization_id = "o-water";
  p.organization = "区水务局";
  p.due = absl::CivilDay(2026, 5, 31);
  p.steps = {{ProblemState::kOpen, at(1, 9), false}, {ProblemState::kRectifying, at(2, 9), true}};
  p.sequence = 42;
  LedgerChange change;
  change.plan_id = "p";
  change.order = o;
  change.problem = p;
  common::WriteRequest w;
  ASSERT_OK(store_->PutLedgerChange(w, change));
  ASSERT_OK(db_->Commit(std::move(w)).status());

  Open();
  ProgressLedger ledger;
  ASSERT_OK(store_->LoadProgress(&ledger));
  std::vector<MeasureInfo> measures = {MeasureInfo{"m1", std::nullopt, {"区水务局"}},
                                       MeasureInfo{"m2", std::nullopt, {"区水务局"}}};
  ledger.Annotate("p", &measures);
  ASSERT_EQ(measures[0].supervision_orders.size(), 1u);
  EXPECT_EQ(measures[0].supervision_orders[0], o);
  ASSERT_EQ(measures[1].supervision_orders.size(), 1u);
  ASSERT_EQ(measures[0].problems.size(), 1u);
  EXPECT_EQ(measures[0].problems[0], p);
  EXPECT_TRUE(measures[1].problems.empty());
  // A replay of the stored snapshots changes nothing.
  ProgressUpdate replay;
  replay.kind = ProgressUpdate::Kind::kSupervisionOrder;
  replay.plan_id = "p";
  replay.order = o;
  EXPECT_TRUE(ledger.Prepare(replay, {}).empty());
}

TEST_F(RocksDbIndicatorStoreTest, CalendarsAndHolidaysRoundTripBesideRequestIds) {
  common::WriteRequest w;
  common::CalendarRule calendar;
  calendar.monthly_due = {common::DueRule::Kind::kNthWorkingDay, 2, 1};
  calendar.quarterly_summaries = true;
  calendar.summary_due = common::DueRule{common::DueRule::Kind::kDayOfMonth, 15, 1};
  ASSERT_OK(store_->PutCalendar(w, "p", calendar));
  common::HolidayYear year;
  year.year = 2026;
  year.holidays = {absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 2)};
  year.make_up_workdays = {absl::CivilDay(2026, 10, 10)};
  ASSERT_OK(store_->PutHolidays(w, year));
  ASSERT_OK(store_->PutRequest(w, "r-1", "SyncPlan", "plans/p"));
  ASSERT_OK(db_->Commit(std::move(w)).status());

  Open();
  ASSERT_OK_AND_ASSIGN(auto calendars, store_->LoadCalendars());
  ASSERT_EQ(calendars.size(), 1u);
  EXPECT_EQ(calendars["p"], calendar);
  ASSERT_OK_AND_ASSIGN(auto holidays, store_->LoadHolidays());
  ASSERT_EQ(holidays.size(), 1u);
  EXPECT_EQ(holidays[0], year);
  ASSERT_OK_AND_ASSIGN(auto requests, store_->LoadRequests());
  EXPECT_EQ(requests,
            (std::vector<RequestRecord>{RequestRecord{"r-1", "SyncPlan", "plans/p", "", 0}}));
}

}  // namespace
}  // namespace ecoplan::indicator
