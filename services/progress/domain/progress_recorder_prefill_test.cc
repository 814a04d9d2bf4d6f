// ProgressRecorder::PrefillReport and the provenance it leaves (一数一源): a
// figure another system holds prefills the draft, the organization confirms
// or corrects it by submitting, and the burden counts what it typed.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "services/progress/domain/progress_recorder_test_fixture.h"

namespace ecoplan::progress::recorder_test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ValueSource Source(const std::string& system, const std::string& record) {
  return {system, record, Shanghai(2026, 5, 10, 9, 0)};
}

PrefillValue Pushed(const std::string& name, double value, const std::string& unit) {
  return {{name, value, unit}, std::nullopt};
}

class PrefillTest : public ProgressRecorderTest {
 protected:
  absl::StatusOr<PrefillResult> Prefill(const std::string& org, std::vector<PrefillEntry> entries,
                                        const std::string& request_id = "",
                                        Caller::Role role = Caller::Role::kAdministrator,
                                        const std::string& period = "2026-05") {
    ReportPrefill p;
    p.plan_id = kPlan;
    p.org_id = org;
    p.period = period;
    p.entries = std::move(entries);
    Caller caller;
    caller.role = role;
    caller.org_id = role == Caller::Role::kReporter ? org : "";
    caller.actor = "city-env-stats-gateway";
    caller.request_id = request_id;
    return Sync<PrefillResult>(
        [&](Callback<PrefillResult> cb) { recorder_.PrefillReport(p, caller, cb); });
  }

  // 区生态环境局's figures from the city's environmental statistics system:
  // two values of m1, one of m2 (with its own source).
  std::vector<PrefillEntry> StatisticsPush() {
    PrefillEntry m1;
    m1.measure_id = "a1-t1-m1";
    m1.source = Source("市生态环境统计系统", "HJTJ-2026-05-0117");
    m1.values = {Pushed("新能源货车占比", 46.5, "%"), Pushed("新能源货车数量", 240, "辆")};
    PrefillEntry m2;
    m2.measure_id = "a1-t1-m2";
    PrefillValue dust = Pushed("降尘量", 5.2, "吨/平方公里·月");
    dust.source = Source("区水务局台账", "SW-0042");
    m2.values = {dust};
    return {m1, m2};
  }

  static ReportEntry Typed(const std::string& measure, double percent,
                           std::vector<QuantitativeValue> values) {
    ReportEntry e;
    e.measure_id = measure;
    e.status = MeasureStatus::kInProgress;
    e.percent_done = percent;
    e.work_done = "完成推广";
    e.next_steps = "继续推进";
    e.values = std::move(values);
    return e;
  }
};

const FieldProvenance* Record(const ReportEntry& e, const std::string& field) {
  for (const FieldProvenance& p : e.provenance) {
    if (p.field == field) return &p;
  }
  return nullptr;
}

TEST_F(PrefillTest, PushedFiguresBecomeADraftWithTheirSources) {
  ASSERT_OK_AND_ASSIGN(PrefillResult r, Prefill(kEco, StatisticsPush(), "push-1"));
  EXPECT_THAT(r.kept_fields, IsEmpty());
  EXPECT_EQ(r.report.id(), "o-eco_2026-05");
  EXPECT_EQ(r.report.state, ReportState::kDraft);
  EXPECT_EQ(r.report.revision, 1);
  ASSERT_EQ(r.report.entries.size(), 2u);
  const ReportEntry& m1 = r.report.entries[0];
  EXPECT_EQ(m1.measure_id, "a1-t1-m1");
  EXPECT_EQ(m1.status, MeasureStatus::kUnspecified);
  EXPECT_THAT(m1.values, ElementsAre(QuantitativeValue{"新能源货车占比", 46.5, "%"},
                                     QuantitativeValue{"新能源货车数量", 240, "辆"}));
  ASSERT_EQ(m1.provenance.size(), 2u);
  EXPECT_EQ(m1.provenance[0].field, "values[新能源货车占比]");
  EXPECT_EQ(m1.provenance[0].origin, FieldOrigin::kPrefilled);
  EXPECT_EQ(m1.provenance[0].source, Source("市生态环境统计系统", "HJTJ-2026-05-0117"));
  EXPECT_EQ(m1.provenance[0].prefilled_value, "46.5 %");
  EXPECT_EQ(m1.provenance[0].pushed_by, "city-env-stats-gateway");
  EXPECT_EQ(m1.provenance[0].push_time, Shanghai(2026, 5, 20, 10, 0));
  EXPECT_EQ(m1.provenance[1].prefilled_value, "240 辆");
  const FieldProvenance* dust = Record(r.report.entries[1], "values[降尘量]");
  ASSERT_NE(dust, nullptr);
  EXPECT_EQ(dust->source, Source("区水务局台账", "SW-0042"));
  EXPECT_THAT(store_.events(), ElementsAre(EventType::kReportDraftSaved));
  ASSERT_OK_AND_ASSIGN(std::vector<ReportRevision> revs,
                       recorder_.ListRevisions(kPlan, "o-eco_2026-05"));
  ASSERT_EQ(revs.size(), 1u);
  EXPECT_EQ(revs[0].action, RevisionAction::kPrefilled);
  EXPECT_EQ(revs[0].actor, "city-env-stats-gateway");
  EXPECT_EQ(revs[0].request_id, "push-1");
  // Pending until the organization submits: 3 fields prefilled, none typed.
  ASSERT_OK_AND_ASSIGN(SubmissionStatus status, recorder_.GetSubmissionStatus(kPlan, "2026-05"));
  EXPECT_EQ(status.burden, (ReportingBurden{3, 0, 3, 0, 0, 3}));
}

TEST_F(PrefillTest, TheOrganizationConfirmsTwoValuesAndCorrectsOneAndTheBurdenCountsIt) {
  ASSERT_OK_AND_ASSIGN(PrefillResult pushed, Prefill(kEco, StatisticsPush()));
  // 区生态环境局 types status, percent and texts, keeps 46.5 % and 5.2, and
  // corrects 240 trucks to 250.
  ReportSubmission s = Submission(
      kEco, "2026-05",
      {Typed("a1-t1-m1", 40, {{"新能源货车占比", 46.5, "%"}, {"新能源货车数量", 250, "辆"}}),
       Typed("a1-t1-m2", 50, {{"降尘量", 5.2, "吨/平方公里·月"}})});
  s.etag = ReportEtag(pushed.report);
  ASSERT_OK_AND_ASSIGN(Report submitted, Submit(s));
  EXPECT_EQ(submitted.state, ReportState::kSubmitted);
  // The stored revision keeps each value's provenance.
  ASSERT_OK_AND_ASSIGN(std::vector<ReportRevision> revs,
                       recorder_.ListRevisions(kPlan, "o-eco_2026-05"));
  ASSERT_EQ(revs.size(), 2u);
  const Report& kept = revs[1].report;
  const FieldProvenance* share = Record(kept.entries[0], "values[新能源货车占比]");
  const FieldProvenance* trucks = Record(kept.entries[0], "values[新能源货车数量]");
  const FieldProvenance* dust = Record(kept.entries[1], "values[降尘量]");
  ASSERT_NE(share, nullptr);
  ASSERT_NE(trucks, nullptr);
  ASSERT_NE(dust, nullptr);
  EXPECT_EQ(share->origin, FieldOrigin::kConfirmed);
  EXPECT_EQ(share->source.record_id, "HJTJ-2026-05-0117");
  EXPECT_EQ(trucks->origin, FieldOrigin::kCorrected);
  EXPECT_EQ(trucks->prefilled_value, "240 辆");
  EXPECT_EQ(trucks->source.system, "市生态环境统计系统");
  EXPECT_EQ(dust->origin, FieldOrigin::kConfirmed);
  EXPECT_EQ(dust->source.system, "区水务局台账");
  EXPECT_EQ(Record(kept.entries[0], "status"), nullptr);  // typed
  EXPECT_EQ(kept.entries[0].provenance.size(), 2u);

  // 区交通局 types everything (m1 and m4: 5 fields each); 区城管委 has only a
  // prefilled draft (one value, pending).
  ASSERT_OK(Submit(Submission(kTraffic, "2026-05", {Entry("a1-t1-m1"), Entry("a2-t1-m1")})));
  PrefillEntry city;
  city.measure_id = "a1-t2-m1";
  city.source = Source("12345热线平台", "GD-20260512-883");
  city.values = {Pushed("垃圾分类投诉件数", 12, "件")};
  ASSERT_OK(Prefill(kCity, {city}));

  ASSERT_OK_AND_ASSIGN(SubmissionStatus status, recorder_.GetSubmissionStatus(kPlan, "2026-05"));
  auto burden_of = [&](const std::string& org) {
    for (const OrgSubmission& o : status.organizations) {
      if (o.org_id == org) return o.burden;
    }
    return ReportingBurden{-1};
  };
  // fields, typed, prefilled, confirmed, corrected, pending.
  // 区生态环境局: m1 status, percent, work_done, next_steps + 2 values; m2 4 + 1 value.
  EXPECT_EQ(burden_of(kEco), (ReportingBurden{11, 9, 3, 2, 1, 0}));
  EXPECT_EQ(burden_of(kTraffic), (ReportingBurden{10, 10, 0, 0, 0, 0}));
  EXPECT_EQ(burden_of(kCity), (ReportingBurden{1, 0, 1, 0, 0, 1}));
  EXPECT_EQ(burden_of(kTown1), ReportingBurden{});
  EXPECT_EQ(status.burden, (ReportingBurden{22, 19, 4, 2, 1, 1}));
}

TEST_F(PrefillTest, MergesIntoADraftWithoutOverwritingWhatTheOrganizationTyped) {
  // The organization's own draft: m1 with its work_done and one value.
  ReportSubmission draft =
      Submission(kEco, "2026-05", {Typed("a1-t1-m1", 30, {{"新能源货车占比", 44, "%"}})});
  draft.draft = true;
  ASSERT_OK_AND_ASSIGN(Report own, Submit(draft));
  PrefillEntry m1;
  m1.measure_id = "a1-t1-m1";
  m1.source = Source("市生态环境统计系统", "HJTJ-1");
  m1.values = {Pushed("新能源货车占比", 46.5, "%"), Pushed("新能源货车数量", 240, "辆")};
  m1.work_done = "统计系统: 推广240辆";
  m1.problems = "充电桩不足";
  m1.percent_done = 45;
  ASSERT_OK_AND_ASSIGN(PrefillResult r, Prefill(kEco, {m1}));
  EXPECT_THAT(r.kept_fields,
              ElementsAre("entries[a1-t1-m1].percent_done", "entries[a1-t1-m1].work_done",
                          "entries[a1-t1-m1].values[新能源货车占比]"));
  const ReportEntry& e = r.report.entries[0];
  EXPECT_EQ(e.percent_done, 30);
  EXPECT_EQ(e.work_done, "完成推广");
  EXPECT_EQ(e.problems, "充电桩不足");
  EXPECT_THAT(e.values, ElementsAre(QuantitativeValue{"新能源货车占比", 44, "%"},
                                    QuantitativeValue{"新能源货车数量", 240, "辆"}));
  ASSERT_EQ(e.provenance.size(), 2u);
  EXPECT_EQ(e.provenance[0].field, "problems");
  EXPECT_EQ(e.provenance[1].field, "values[新能源货车数量]");
  EXPECT_EQ(r.report.revision, own.revision + 1);

  // A newer push replaces what is still prefilled, not what was corrected.
  ReportSubmission corrected = Submission(
      kEco, "2026-05",
      {Typed("a1-t1-m1", 30, {{"新能源货车占比", 44, "%"}, {"新能源货车数量", 238, "辆"}})});
  corrected.entries[0].problems = "充电桩不足";
  corrected.draft = true;
  corrected.etag = ReportEtag(r.report);
  ASSERT_OK_AND_ASSIGN(Report saved, Submit(corrected));
  EXPECT_EQ(Record(saved.entries[0], "values[新能源货车数量]")->origin, FieldOrigin::kCorrected);
  EXPECT_EQ(Record(saved.entries[0], "problems")->origin, FieldOrigin::kPrefilled);
  m1.values = {Pushed("新能源货车数量", 241, "辆")};
  m1.work_done.clear();
  m1.percent_done.reset();
  m1.problems = "充电桩不足, 已报区发改委";
  m1.source = Source("市生态环境统计系统", "HJTJ-2");
  ASSERT_OK_AND_ASSIGN(PrefillResult again, Prefill(kEco, {m1}));
  EXPECT_THAT(again.kept_fields, ElementsAre("entries[a1-t1-m1].values[新能源货车数量]"));
  EXPECT_EQ(again.report.entries[0].problems, "充电桩不足, 已报区发改委");
  EXPECT_EQ(Record(again.report.entries[0], "problems")->source.record_id, "HJTJ-2");
  EXPECT_EQ(again.report.entries[0].values[1].value, 238);
}

TEST_F(PrefillTest, APushOntoASubmittedReportIsRefusedAndWritesNothing) {
  ASSERT_OK(Submit(Submission(kEco, "2026-05", {Entry("a1-t1-m1")})));
  const int commits = store_.commits();
  absl::StatusOr<PrefillResult> r = Prefill(kEco, StatisticsPush());
  EXPECT_STATUS_CODE(r, absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("SUBMITTED"));
  EXPECT_EQ(store_.commits(), commits);
}

TEST_F(PrefillTest, ARetryWithTheSameRequestIdWritesNothingNew) {
  ReportSubmission draft = Submission(kEco, "2026-05", {Typed("a1-t1-m1", 30, {})});
  draft.draft = true;
  ASSERT_OK(Submit(draft));
  std::vector<PrefillEntry> push = StatisticsPush();
  push[0].work_done = "统计系统: 推广240辆";
  ASSERT_OK_AND_ASSIGN(PrefillResult first, Prefill(kEco, push, "push-7"));
  EXPECT_THAT(first.kept_fields, ElementsAre("entries[a1-t1-m1].work_done"));
  const int commits = store_.commits();
  ASSERT_OK_AND_ASSIGN(PrefillResult retry, Prefill(kEco, push, "push-7"));
  EXPECT_EQ(store_.commits(), commits);
  EXPECT_EQ(retry.report.revision, first.report.revision);
  EXPECT_EQ(retry.report.entries.size(), first.report.entries.size());
  EXPECT_EQ(retry.report.entries[0].provenance, first.report.entries[0].provenance);
  EXPECT_EQ(retry.kept_fields, first.kept_fields);
  // The same id for other content is refused.
  push[1].values[0].value.value = 5.3;
  EXPECT_STATUS_CODE(Prefill(kEco, push, "push-7"), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.commits(), commits);
}

TEST_F(PrefillTest, OnlyTheBureauPushes) {
  for (Caller::Role role : {Caller::Role::kReporter, Caller::Role::kViewer, Caller::Role::kService,
                            Caller::Role::kSupervisor}) {
    EXPECT_STATUS_CODE(Prefill(kEco, StatisticsPush(), "", role),
                       absl::StatusCode::kPermissionDenied);
  }
  EXPECT_EQ(store_.commits(), 0);
}

TEST_F(PrefillTest, BadInputIsInvalidArgumentNamingTheFieldAndWritesNothing) {
  struct Case {
    std::string name;
    std::function<void(std::vector<PrefillEntry>&)> mutate;
    std::string period;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"unknown measure", [](auto& e) { e[1].measure_id = "a9-t9-m9"; }, "2026-05",
       "entries[1].measure: plans/2026-abc/measures/a9-t9-m9 does not exist"},
      {"a measure the organization does not own", [](auto& e) { e[0].measure_id = "a1-t2-m1"; },
       "2026-05", "entries[0].measure: 区生态环境局"},
      {"malformed period", [](auto&) {}, "2026-13", "period"},
      {"measure twice", [](auto& e) { e[1].measure_id = "a1-t1-m1"; }, "2026-05",
       "entries[1].measure: measure a1-t1-m1 has more than one entry"},
      {"no source", [](auto& e) { e[0].source.reset(); }, "2026-05", "entries[0].source"},
      {"source without record id", [](auto& e) { e[0].source->record_id = ""; }, "2026-05",
       "entries[0].source.record_id"},
      {"filed after the push", [](auto& e) { e[0].source->file_time = Shanghai(2026, 6, 1, 0, 0); },
       "2026-05", "entries[0].source.file_time"},
      {"value twice", [](auto& e) { e[0].values[1].value.name = "新能源货车占比"; }, "2026-05",
       "entries[0].values[1].value.name"},
      {"nothing pushed", [](auto& e) { e[1].values.clear(); }, "2026-05", "entries[1]: pushes"},
      {"percent above 100", [](auto& e) { e[0].percent_done = 101; }, "2026-05",
       "entries[0].percent_done"},
  };
  for (const Case& c : cases) {
    std::vector<PrefillEntry> push = StatisticsPush();
    c.mutate(push);
    absl::StatusOr<PrefillResult> r =
        Prefill(kEco, push, "", Caller::Role::kAdministrator, c.period);
    EXPECT_STATUS_CODE(r, absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_THAT(std::string(r.status().message()), HasSubstr(c.message)) << c.name;
  }
  EXPECT_EQ(store_.commits(), 0);
}

TEST_F(PrefillTest, APushThatWouldOverfillAnEntryIsRefused) {
  std::vector<QuantitativeValue> values;
  for (size_t i = 0; i < kMaxValues; ++i) values.push_back({absl::StrCat("指标", i), 1, ""});
  ReportSubmission draft = Submission(kEco, "2026-05", {Typed("a1-t1-m1", 30, values)});
  draft.draft = true;
  ASSERT_OK(Submit(draft));
  const int commits = store_.commits();
  absl::StatusOr<PrefillResult> r = Prefill(kEco, StatisticsPush());
  EXPECT_STATUS_CODE(r, absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(r.status().message()), HasSubstr("measure a1-t1-m1 would hold 52"));
  EXPECT_EQ(store_.commits(), commits);
}

TEST(ReportProvenanceTest, NumbersReadBackExactlyInTheirShortestForm) {
  EXPECT_EQ(NumberText(60), "60");
  EXPECT_EQ(NumberText(12.5), "12.5");
  EXPECT_EQ(NumberText(0.1), "0.1");
  EXPECT_EQ(NumberText(240), "240");
  EXPECT_EQ(NumberText(-3), "-3");
  EXPECT_EQ(NumberText(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(NumberText(1e20), "1e+20");
}

}  // namespace
}  // namespace ecoplan::progress::recorder_test
