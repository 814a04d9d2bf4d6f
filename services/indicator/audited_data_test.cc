// Provisional (实时) and audited (审核) monitoring data through the evaluator,
// its RocksDB store and month closing (issue 19): audited readings replace
// provisional ones with a correction record naming both kinds and the caller;
// provisional readings never replace audited ones; evaluations and daily air
// quality say which kind of data they stand on; a closed month computed on
// provisional data stays as published when audited data change its values,
// and the next month carries a correction with that cause and a version.
// Real RocksDB in a TempDir, fake clock.

#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "common/storage/rocksdb_db.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/assessment_mapping.h"
#include "services/indicator/assessment_service_impl.h"
#include "services/indicator/domain/indicator_evaluator.h"
#include "services/indicator/domain/monthly_assessments.h"
#include "services/indicator/proto_mapping.h"
#include "services/indicator/storage/rocksdb_assessment_store.h"
#include "services/indicator/storage/rocksdb_indicator_store.h"

namespace ecoplan::indicator {
namespace {

namespace v1 = ::ecoplan::indicator::v1;
using ::testing::HasSubstr;

template <typename T>
absl::StatusOr<T> Wait(const std::function<void(std::function<void(absl::StatusOr<T>)>)>& call) {
  absl::Notification done;
  absl::StatusOr<T> out = absl::UnknownError("not called");
  call([&](absl::StatusOr<T> r) {
    out = std::move(r);
    done.Notify();
  });
  done.WaitForNotification();
  return out;
}

class AuditedDataTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void TearDown() override { Close(); }

  void Open() {
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbIndicatorStore::ColumnFamilies();
    for (const std::string& cf : RocksDbAssessmentStore::ColumnFamilies()) {
      options.column_families.push_back(cf);
    }
    options.event_source = RocksDbIndicatorStore::kEventSource;
    db_ = *common::RocksDb::Open(options);
    store_ = std::make_unique<RocksDbIndicatorStore>(db_.get());
    evaluator_ = std::make_unique<IndicatorEvaluator>(store_.get(), &clock_, &ingest_);
    ASSERT_OK(evaluator_->Load());
    assessment_store_ = std::make_unique<RocksDbAssessmentStore>(db_.get());
    scoring_ = std::make_unique<EvaluatorPlanScoring>(evaluator_.get());
    assessments_ =
        std::make_unique<MonthlyAssessments>(scoring_.get(), assessment_store_.get(), &clock_,
                                             absl::FixedTimeZone(8 * 3600), &assessment_executor_);
    ASSERT_OK(assessments_->Load());
  }
  void Close() {
    absl::Notification drained;
    ingest_.Submit([&drained] { drained.Notify(); });
    drained.WaitForNotification();
    assessments_.reset();
    scoring_.reset();
    assessment_store_.reset();
    evaluator_.reset();
    store_.reset();
    db_.reset();
  }

  // One district station and the district's PM2.5 annual mean ≤ 35 for 2026.
  void CreatePlan() {
    ASSERT_OK(Wait<Station>([&](Done<Station> d) {
                evaluator_->UpsertStation({"S1", "一号站", "", true, false, ""}, d);
              }).status());
    Indicator ind;
    ind.plan_id = "p";
    ind.id = "pm25";
    ind.display_name = "PM2.5年均浓度";
    ind.unit = "微克/立方米";
    ind.comparator = Comparator::kAtMost;
    ind.target_value = 35;
    ind.period_start = absl::CivilDay(2026, 1, 1);
    ind.period_end = absl::CivilDay(2026, 12, 31);
    ind.aggregation = Aggregation::kMeanOfDaily;
    ind.source = SourceKind::kAirQuality;
    ind.air_quality_item = AirQualityItem::kPm25;
    ind.measures = {"a1-t1-m1"};
    ind.origin = Origin::kManual;
    ASSERT_OK(Wait<Indicator>([&](Done<Indicator> d) {
                evaluator_->CreateIndicator(ind, "test", "", "admin", d);
              }).status());
  }

  // Every hour of the days [from, to] at `pm25`.
  static std::vector<ReadingInput> Days(absl::CivilDay from, absl::CivilDay to, double pm25,
                                        Verification kind) {
    std::vector<ReadingInput> out;
    for (absl::CivilDay d = from; d <= to; ++d) {
      for (int h = 0; h < 24; ++h) {
        ReadingInput r{"S1", absl::FormatCivilTime(absl::CivilHour(d) + h), Pollutant::kPm25, pm25,
                       std::nullopt};
        r.verification = kind;
        out.push_back(std::move(r));
      }
    }
    return out;
  }

  absl::StatusOr<ChunkOutcome> Ingest(std::vector<ReadingInput> readings, std::string actor) {
    IngestChunk chunk;
    chunk.readings = std::move(readings);
    chunk.actor = std::move(actor);
    return Wait<ChunkOutcome>([&](Done<ChunkOutcome> d) { evaluator_->Ingest(chunk, d); });
  }

  absl::StatusOr<MonthAssessment> CloseMonth(absl::CivilMonth month) {
    return Wait<MonthAssessment>([&](AssessmentDone<MonthAssessment> d) {
      assessments_->CloseMonth("p", month, "2026年6月月度结账", "bureau", "", d);
    });
  }

  common::TempDir dir_;
  common::FakeClock clock_{absl::FromCivil(absl::CivilDay(2026, 7, 2), absl::UTCTimeZone())};
  common::SerialExecutor ingest_;
  common::SerialExecutor assessment_executor_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbIndicatorStore> store_;
  std::unique_ptr<IndicatorEvaluator> evaluator_;
  std::unique_ptr<RocksDbAssessmentStore> assessment_store_;
  std::unique_ptr<EvaluatorPlanScoring> scoring_;
  std::unique_ptr<MonthlyAssessments> assessments_;
};

TEST_F(AuditedDataTest, AuditedReplacesProvisionalIsRecordedAndTheEvaluationSaysAudited) {
  CreatePlan();
  const absl::CivilDay first(2026, 6, 1), last(2026, 6, 2);
  ASSERT_OK_AND_ASSIGN(ChunkOutcome real_time,
                       Ingest(Days(first, last, 30, Verification::kProvisional), "feed"));
  EXPECT_EQ(real_time.accepted, 48);
  ASSERT_OK_AND_ASSIGN(auto provisional, evaluator_->EvaluateIndicator("p", "pm25", last));
  ASSERT_TRUE(provisional.second.data.has_value());
  EXPECT_EQ(provisional.second.data->provisional_days, 2);
  EXPECT_EQ(provisional.second.data->audited_days, 0);
  EXPECT_EQ(ToProto(provisional.first, provisional.second).data_verification().verification(),
            v1::DATA_VERIFICATION_PROVISIONAL);

  // The audited release of June 1 (one hour revised to 54) and of nothing else.
  std::vector<ReadingInput> audited = Days(first, first, 30, Verification::kAudited);
  audited[7].value = 54;
  ASSERT_OK_AND_ASSIGN(ChunkOutcome outcome, Ingest(audited, "bureau.loader"));
  EXPECT_EQ(outcome.replaced, 24);
  EXPECT_EQ(outcome.audited_replaced, 24);
  EXPECT_EQ(outcome.accepted, 0);

  ASSERT_OK_AND_ASSIGN(auto corrections, store_->ListCorrections("S1"));
  ASSERT_EQ(corrections.size(), 24u);
  bool found = false;
  for (const auto& [key, c] : corrections) {
    EXPECT_EQ(c.previous_verification(), v1::DATA_VERIFICATION_PROVISIONAL);
    EXPECT_EQ(c.verification(), v1::DATA_VERIFICATION_AUDITED);
    EXPECT_EQ(c.actor(), "bureau.loader");
    EXPECT_EQ(c.call(), "IngestObservations");
    EXPECT_TRUE(c.has_time());
    if (key == "S1/5/2026-06-01T07") {
      found = true;
      EXPECT_EQ(c.previous(), 30);
      EXPECT_EQ(c.value(), 54);
    }
  }
  EXPECT_TRUE(found);

  ASSERT_OK_AND_ASSIGN(auto mixed, evaluator_->EvaluateIndicator("p", "pm25", last));
  const v1::DataVerificationSummary summary =
      ToProto(mixed.first, mixed.second).data_verification();
  EXPECT_EQ(summary.verification(), v1::DATA_VERIFICATION_MIXED);
  EXPECT_EQ(summary.audited_days(), 1);
  EXPECT_EQ(summary.provisional_days(), 1);
  EXPECT_EQ(summary.audited_hours(), 24);
  EXPECT_EQ(summary.provisional_hours(), 24);
  ASSERT_OK_AND_ASSIGN(auto june1, evaluator_->EvaluateIndicator("p", "pm25", first));
  EXPECT_EQ(ToProto(june1.first, june1.second).data_verification().verification(),
            v1::DATA_VERIFICATION_AUDITED);

  // Daily air quality reports the mix per day.
  ASSERT_OK_AND_ASSIGN(auto daily, evaluator_->DailyAirQuality("district", first, last, ""));
  ASSERT_EQ(daily.size(), 2u);
  const v1::DailyAirQuality d1 = ToProto(daily[0].first, daily[0].second, "GB 3095-2012");
  const v1::DailyAirQuality d2 = ToProto(daily[1].first, daily[1].second, "GB 3095-2012");
  EXPECT_EQ(d1.data_verification().verification(), v1::DATA_VERIFICATION_AUDITED);
  EXPECT_EQ(d1.data_verification().audited_hours(), 24);
  EXPECT_EQ(d2.data_verification().verification(), v1::DATA_VERIFICATION_PROVISIONAL);
  EXPECT_EQ(d2.data_verification().provisional_hours(), 24);

  // The kind is stored with the value: a reopened service reads it back.
  Close();
  Open();
  ASSERT_OK_AND_ASSIGN(auto reopened, evaluator_->EvaluateIndicator("p", "pm25", last));
  ASSERT_TRUE(reopened.second.data.has_value());
  EXPECT_EQ(reopened.second.data->audited_days, 1);
  EXPECT_EQ(reopened.second.data->provisional_days, 1);
}

TEST_F(AuditedDataTest, ProvisionalAfterAuditedIsKeptOutAndCounted) {
  CreatePlan();
  const absl::CivilDay day(2026, 6, 1);
  ASSERT_OK(Ingest(Days(day, day, 30, Verification::kAudited), "bureau.loader").status());
  const uint64_t before = db_->LastEventSequence();
  ASSERT_OK_AND_ASSIGN(ChunkOutcome late,
                       Ingest(Days(day, day, 80, Verification::kProvisional), "feed"));
  EXPECT_EQ(late.kept_audited, 24);
  EXPECT_EQ(late.replaced, 0);
  EXPECT_EQ(late.accepted, 0);
  EXPECT_EQ(late.rejected, 0);
  EXPECT_EQ(db_->LastEventSequence(), before);  // nothing written
  ASSERT_OK_AND_ASSIGN(auto corrections, store_->ListCorrections("S1"));
  EXPECT_TRUE(corrections.empty());
  ASSERT_OK_AND_ASSIGN(auto e, evaluator_->EvaluateIndicator("p", "pm25", day));
  ASSERT_TRUE(e.second.current_value.has_value());
  EXPECT_EQ(*e.second.current_value, 30);
}

TEST_F(AuditedDataTest,
       AClosedMonthOnProvisionalDataStaysAsPublishedAndAVersionedCorrectionFollows) {
  CreatePlan();
  const absl::CivilDay first(2026, 6, 1), last(2026, 6, 30);
  ASSERT_OK(Ingest(Days(first, last, 30, Verification::kProvisional), "feed").status());
  ASSERT_OK_AND_ASSIGN(MonthAssessment closed, CloseMonth(absl::CivilMonth(2026, 6)));
  ASSERT_EQ(closed.scores.indicators.size(), 1u);
  EXPECT_EQ(closed.scores.indicators[0].value, 30);
  EXPECT_EQ(closed.scores.indicators[0].data.provisional_days, 30);
  const v1::MonthlyAssessment published = ToProto(closed);
  EXPECT_EQ(published.data_verification().verification(), v1::DATA_VERIFICATION_PROVISIONAL);
  ASSERT_EQ(published.indicators_size(), 1);
  EXPECT_EQ(published.indicators(0).status(), v1::INDICATOR_STATUS_ON_TRACK);

  // The audited June: far dirtier than the real-time release said.
  ASSERT_OK_AND_ASSIGN(ChunkOutcome audited,
                       Ingest(Days(first, last, 80, Verification::kAudited), "bureau.loader"));
  EXPECT_EQ(audited.audited_replaced, 720);

  ASSERT_OK_AND_ASSIGN(MonthAssessment june,
                       assessments_->GetMonth("p", absl::CivilMonth(2026, 6)));
  EXPECT_EQ(ToProto(june).SerializeAsString(), published.SerializeAsString());

  ASSERT_OK_AND_ASSIGN(MonthAssessment july,
                       assessments_->GetMonth("p", absl::CivilMonth(2026, 7)));
  const v1::MonthlyAssessment open = ToProto(july);
  const v1::Adjustment* correction = nullptr;
  for (const v1::Adjustment& a : open.adjustments()) {
    if (a.item() == "indicator/pm25") correction = &a;
  }
  ASSERT_NE(correction, nullptr);
  EXPECT_EQ(correction->kind(), v1::ADJUSTMENT_KIND_CORRECTION);
  EXPECT_EQ(correction->cause(), v1::CORRECTION_CAUSE_AUDITED_DATA);
  EXPECT_EQ(correction->version(), 1);
  EXPECT_EQ(correction->corrects_month(), "2026-06");
  EXPECT_THAT(correction->before(), HasSubstr("30 (on_track; 0 audited days, 30 provisional)"));
  EXPECT_THAT(correction->after(), HasSubstr("80 ("));
  EXPECT_THAT(correction->after(), HasSubstr("30 audited days, 0 provisional"));
  EXPECT_THAT(correction->detail(), HasSubstr("audited monitoring data replaced the provisional"));

  // Closed and read back after a restart: still as published.
  Close();
  Open();
  ASSERT_OK_AND_ASSIGN(june, assessments_->GetMonth("p", absl::CivilMonth(2026, 6)));
  EXPECT_EQ(ToProto(june).SerializeAsString(), published.SerializeAsString());
}

}  // namespace
}  // namespace ecoplan::indicator
