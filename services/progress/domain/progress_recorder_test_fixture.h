#pragma once

// The fixture of the ProgressRecorder tests (progress_recorder_*_test.cc): a
// plan of four measures and five organizations, over a FakeReportStore and a
// FakeClock, with work dispatched inline: no gRPC, no disk, no sleeps.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "services/progress/domain/progress_recorder.h"
#include "services/progress/testing/fake_report_store.h"

namespace ecoplan::progress::recorder_test {

constexpr char kPlan[] = "2026-abc";
constexpr char kEco[] = "o-eco";          // 区生态环境局: leads m1, m2
constexpr char kTraffic[] = "o-traffic";  // 区交通局: responsible for m1, leads m4
constexpr char kCity[] = "o-city";        // 区城管委: leads m3
constexpr char kTown1[] = "o-town1";      // 龙泉镇: responsible for m3 through 各镇街
constexpr char kTown2[] = "o-town2";      // 城子街道: likewise

inline absl::Time Shanghai(int y, int mo, int d, int h, int mi, int s = 0) {
  absl::TimeZone zone;
  absl::LoadTimeZone("Asia/Shanghai", &zone);
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s), zone);
}

inline std::shared_ptr<PlanInfo> MakePlan() {
  auto plan = std::make_shared<PlanInfo>();
  plan->id = kPlan;
  plan->title = "美丽门头沟建设2026年行动计划";
  plan->year = 2026;
  plan->organizations = {{kEco, "区生态环境局"},
                         {kTraffic, "区交通局"},
                         {kCity, "区城管委"},
                         {kTown1, "龙泉镇"},
                         {kTown2, "城子街道"}};
  MeasureInfo m1{"a1-t1-m1",
                 0,
                 "推进新能源货车",
                 "6月底前",
                 1,
                 std::nullopt,
                 absl::CivilDay(2026, 6, 30),
                 {kEco},
                 {kTraffic}};
  MeasureInfo m2{"a1-t1-m2", 0, "扬尘治理", "年底前", 1, std::nullopt, absl::CivilDay(2026, 12, 31),
                 {kEco},     {}};
  MeasureInfo m3{"a1-t2-m1",
                 0,
                 "垃圾分类",
                 "年底前",
                 1,
                 std::nullopt,
                 absl::CivilDay(2026, 12, 31),
                 {kCity},
                 {kTown1, kTown2}};
  MeasureInfo m4{"a2-t1-m1", 0, "长期实施的措施", "长期实施", 3, std::nullopt, std::nullopt,
                 {kTraffic}, {}};
  plan->measures = {m1, m2, m3, m4};
  plan->Index();
  return plan;
}

inline ReportEntry Entry(const std::string& measure, double percent = 40) {
  ReportEntry e;
  e.measure_id = measure;
  e.status = MeasureStatus::kInProgress;
  e.percent_done = percent;
  e.work_done = "完成新能源货车推广240辆";
  e.problems = "";
  e.next_steps = "继续推进";
  e.values = {{"新能源货车占比", 46.5, "%"}};
  e.evidence_links = {"https://example.gov.cn/report/1"};
  return e;
}

inline ReportSubmission Submission(const std::string& org, const std::string& period,
                                   std::vector<ReportEntry> entries) {
  ReportSubmission s;
  s.plan_id = kPlan;
  s.org_id = org;
  s.period = period;
  s.entries = std::move(entries);
  return s;
}

class ProgressRecorderTest : public ::testing::Test {
 protected:
  ProgressRecorderTest()
      : clock_(Shanghai(2026, 5, 20, 10, 0)),
        recorder_(&store_, &plans_, &clock_, [](std::function<void()> fn) { fn(); }) {
    plans_.Put(MakePlan());
    plans_.SetConnected(true);
    EXPECT_OK(recorder_.Load());
  }

  template <typename T, typename Fn>
  absl::StatusOr<T> Sync(Fn fn) {
    std::optional<absl::StatusOr<T>> result;
    fn([&result](absl::StatusOr<T> r) { result = std::move(r); });
    if (!result.has_value()) return absl::InternalError("no answer (held commit?)");
    return *result;
  }

  absl::StatusOr<Report> Submit(const ReportSubmission& s, const std::string& request_id = "") {
    Caller caller;
    caller.role = Caller::Role::kAdministrator;
    caller.actor = "张三";
    caller.request_id = request_id;
    return Sync<Report>([&](Callback<Report> cb) { recorder_.SubmitReport(s, caller, cb); });
  }

  absl::StatusOr<Report> Review(const Report& r, bool accept, const std::string& comment) {
    Caller caller;
    caller.role = Caller::Role::kAdministrator;
    caller.actor = "区生态环境局-李四";
    return Sync<Report>([&](Callback<Report> cb) {
      recorder_.ReviewReport(kPlan, r.id(), accept, ReportEtag(r), comment, caller, cb);
    });
  }

  FakeReportStore store_;
  PlanDirectory plans_;
  common::FakeClock clock_;
  ProgressRecorder recorder_;
};

}  // namespace ecoplan::progress::recorder_test
