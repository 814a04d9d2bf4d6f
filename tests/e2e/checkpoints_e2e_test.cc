// Checkpoints inside measure texts, judged once they pass (issue 11 item 8):
// runs the real registry_server, progress_server and indicator_server
// binaries as processes (development mode) over the seed plan. The measure
// "巩固提升生态文明建设示范区 … 5月底前 … 提交 … 自查报告" (ongoing, led by
// 区生态环境局) carries a 5月底前 checkpoint: a week before May 31 its light
// announces it (yellow), after May 31 with no report stating it met the light
// is red naming the checkpoint and its day, a report stating a checkpoint the
// measure does not have is refused, and once 区生态环境局 states it met in
// its report the red reason is gone (the statement, made today, is late: the
// light says so, naming the report and its day).

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace nv1 = ::ecoplan::notification::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;

constexpr char kMissed[] =
    "checkpoint «5月底前» of the measure text due 2026-05-31 passed: no report of an owner "
    "states it met";

ecoplan::common::v1::Date Date(absl::CivilDay d) {
  ecoplan::common::v1::Date out;
  out.set_year(static_cast<int>(d.year()));
  out.set_month(d.month());
  out.set_day(d.day());
  return out;
}

class CheckpointsE2eTest : public ::testing::Test {
 protected:
  std::string Log(const std::string& name) { return cluster_.Log(name); }

  // Registry; progress following it; indicator following both; with
  // `notification_clock` set, the notification service following registry and
  // progress, its schedule's clock starting there. Imports the seed plan and
  // finds the measure with the 5月底前 checkpoint.
  void StartCluster(const std::string& notification_clock = "") {
    ASSERT_OK_AND_ASSIGN(const std::string registry, cluster_.Start("registry"));
    registry_stub_ = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry, grpc::InsecureChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(const std::string progress,
                         cluster_.Start("progress", Following({"registry"})));
    progress_stub_ = pv1::ProgressService::NewStub(
        grpc::CreateChannel(progress, grpc::InsecureChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(const std::string indicator,
                         cluster_.Start("indicator", Following({"registry", "progress"},
                                                               {"--evaluation_time=off",
                                                                "--evaluation_debounce=0s"})));
    indicator_stub_ = iv1::IndicatorService::NewStub(
        grpc::CreateChannel(indicator, grpc::InsecureChannelCredentials()));
    if (!notification_clock.empty()) {
      // Started before the import, so its schedule (which runs once at start,
      // then only on RunSchedule) sees no plan until it has followed everything.
      ASSERT_OK_AND_ASSIGN(
          const std::string notification,
          cluster_.Start("notification", Following({"registry", "progress"},
                                                   {"--schedule_interval=1h",
                                                    "--demo_clock_start=" + notification_clock,
                                                    "--rate_limit_per_second=0"})));
      notification_stub_ = nv1::NotificationService::NewStub(
          grpc::CreateChannel(notification, grpc::InsecureChannelCredentials()));
    }

    rv1::ImportPlanRequest import;
    import.set_document_text(ReadFile(kSeed).value());
    rv1::ImportPlanResponse imported;
    grpc::Status s = registry_stub_->ImportPlan(Context().get(), import, &imported);
    ASSERT_TRUE(s.ok()) << s.error_message();
    plan_ = imported.plan().name();
    rv1::ExportPlanRequest export_request;
    export_request.set_name(plan_);
    rv1::ExportPlanResponse exported;
    ASSERT_TRUE(registry_stub_->ExportPlan(Context().get(), export_request, &exported).ok());
    for (const rv1::Task& task : exported.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        for (const rv1::Checkpoint& c : m.checkpoints()) {
          if (c.phrase() == "5月底前" && absl::StrContains(m.text(), "自查报告")) {
            measure_ = m.name();
            ASSERT_GT(m.lead_organizations_size(), 0);
            lead_ = m.lead_organizations(0).organization();
            lead_name_ = m.lead_organizations(0).written_name();
          }
        }
      }
    }
    ASSERT_FALSE(measure_.empty()) << "no measure of the seed has the 5月底前 checkpoint";
    // Another lead's measure with a checkpoint due the same day (the control).
    for (const rv1::Task& task : exported.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        if (m.lead_organizations_size() == 0 || m.lead_organizations(0).organization() == lead_ ||
            !other_measure_.empty()) {
          continue;
        }
        for (const rv1::Checkpoint& c : m.checkpoints()) {
          for (const auto& d : c.due_dates()) {
            if (d.month() == 5 && d.day() == 31) {
              other_measure_ = m.name();
              other_lead_ = m.lead_organizations(0).organization();
            }
          }
          if (c.due_date().month() == 5 && c.due_date().day() == 31) {
            other_measure_ = m.name();
            other_lead_ = m.lead_organizations(0).organization();
          }
        }
      }
    }
  }

  // The notifications of `org` of `kind` about `measure`.
  std::vector<nv1::Notification> InboxAbout(const std::string& org, nv1::NotificationKind kind,
                                            const std::string& measure) {
    nv1::ListNotificationsRequest request;
    request.set_parent(org);
    request.set_kind(kind);
    request.set_page_size(500);
    nv1::ListNotificationsResponse response;
    grpc::Status s = notification_stub_->ListNotifications(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << org << ": " << s.error_message();
    std::vector<nv1::Notification> out;
    for (const nv1::Notification& n : response.notifications()) {
      if (measure.empty() || n.resource() == measure) out.push_back(n);
    }
    return out;
  }

  // The measure's light as of `as_of` (EvaluatePlan, a read); empty until the
  // indicator service has the plan.
  iv1::MeasureLight LightOf(absl::CivilDay as_of) {
    iv1::EvaluatePlanRequest request;
    request.set_plan(plan_);
    *request.mutable_as_of() = Date(as_of);
    iv1::EvaluatePlanResponse response;
    if (!indicator_stub_->EvaluatePlan(Context().get(), request, &response).ok()) return {};
    for (const iv1::MeasureLight& l : response.measure_lights()) {
      if (l.measure() == measure_) return l;
    }
    return {};
  }

  static bool HasReason(const iv1::MeasureLight& light, const std::string& text) {
    for (const std::string& r : light.reasons()) {
      if (absl::StrContains(r, text)) return true;
    }
    return false;
  }

  static std::string Reasons(const iv1::MeasureLight& light) {
    return absl::StrJoin(light.reasons(), " | ");
  }

  // 区生态环境局's report for May with one entry for the measure, stating
  // `met` (due days) met.
  grpc::Status SubmitMay(const std::vector<absl::CivilDay>& met, const std::string& etag,
                         pv1::SubmitReportResponse* out) {
    pv1::SubmitReportRequest r;
    r.set_parent(plan_);
    r.set_organization(lead_);
    r.set_period("2026-05");
    r.set_etag(etag);
    r.set_actor("e2e");
    pv1::ReportEntry* e = r.add_entries();
    e->set_measure(measure_);
    e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
    e->set_percent_done(60);
    e->set_work_done("通过生态文明示范建设管理平台提交2025年度巩固提升自查报告");
    e->set_next_steps("推动落实创建后评估长效机制");
    for (absl::CivilDay d : met) *e->add_met_checkpoints()->mutable_due_date() = Date(d);
    return progress_stub_->SubmitReport(Context().get(), r, out);
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string plan_, measure_, lead_, lead_name_, other_measure_, other_lead_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_stub_;
  std::unique_ptr<nv1::NotificationService::Stub> notification_stub_;
};

TEST_F(CheckpointsE2eTest, APassedCheckpointIsRedUntilAReportStatesItMet) {
  ASSERT_NO_FATAL_FAILURE(StartCluster());

  // A week before May 31: yellow, announcing the checkpoint (the April report,
  // owed since April 25, is the only other reason).
  iv1::MeasureLight before;
  ASSERT_TRUE(Eventually([&] {
    before = LightOf(absl::CivilDay(2026, 5, 24));
    return !before.measure().empty();
  })) << Log("indicator");
  EXPECT_EQ(before.colour(), iv1::MEASURE_COLOUR_YELLOW) << Reasons(before);
  EXPECT_TRUE(
      HasReason(before, "checkpoint «5月底前» of the measure text due 2026-05-31 in 7 days"))
      << Reasons(before);
  ASSERT_EQ(before.checkpoints_size(), 1);
  EXPECT_EQ(before.checkpoints(0).state(), iv1::MEASURE_CHECKPOINT_STATE_UPCOMING);

  // After May 31, no report states it met: red, naming the checkpoint and its day.
  iv1::MeasureLight after = LightOf(absl::CivilDay(2026, 6, 5));
  EXPECT_EQ(after.colour(), iv1::MEASURE_COLOUR_RED);
  EXPECT_TRUE(HasReason(after, kMissed)) << Reasons(after);
  ASSERT_EQ(after.checkpoints_size(), 1);
  EXPECT_EQ(after.checkpoints(0).phrase(), "5月底前");
  EXPECT_EQ(after.checkpoints(0).state(), iv1::MEASURE_CHECKPOINT_STATE_MISSED);

  // A checkpoint the measure does not have is refused, naming the entry and the day.
  pv1::SubmitReportResponse submitted;
  grpc::Status s;
  ASSERT_TRUE(Eventually([&] {
    s = SubmitMay({absl::CivilDay(2026, 4, 30)}, "", &submitted);
    return s.error_code() != grpc::StatusCode::UNAVAILABLE;  // the view follows the registry
  }));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "entries[0].met_checkpoints[0]"))
      << s.error_message();
  EXPECT_TRUE(absl::StrContains(s.error_message(), "no checkpoint due 2026-04-30"))
      << s.error_message();

  // 区生态环境局 states it met (the service fills in the phrase).
  s = SubmitMay({absl::CivilDay(2026, 5, 31)}, "", &submitted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(submitted.report().entries(0).met_checkpoints_size(), 1);
  EXPECT_EQ(submitted.report().entries(0).met_checkpoints(0).phrase(), "5月底前");
  const absl::CivilDay stated =
      absl::ToCivilDay(absl::FromUnixSeconds(submitted.report().last_submit_time().seconds()),
                       absl::FixedTimeZone(8 * 3600));

  // As of the day of the statement: the red reason is gone; the statement came
  // after May 31, and the light says so with the report and its day.
  iv1::MeasureLight met;
  ASSERT_TRUE(Eventually([&] {
    met = LightOf(stated);
    return met.checkpoints_size() == 1 &&
           met.checkpoints(0).state() != iv1::MEASURE_CHECKPOINT_STATE_MISSED;
  })) << Reasons(met)
      << Log("indicator");
  EXPECT_FALSE(HasReason(met, "no report of an owner states it met")) << Reasons(met);
  EXPECT_TRUE(HasReason(
      met, absl::StrCat("checkpoint «5月底前» of the measure text due 2026-05-31 stated met only "
                        "after its due day: by ",
                        lead_name_, " in ", submitted.report().name(),
                        " (report for 2026-05) submitted on ", absl::FormatCivilTime(stated))))
      << Reasons(met);
  EXPECT_EQ(met.checkpoints(0).state(), iv1::MEASURE_CHECKPOINT_STATE_MET_LATE);
  EXPECT_EQ(met.checkpoints(0).report(), submitted.report().name());
  EXPECT_EQ(met.checkpoints(0).stated_date().day(), stated.day());
  // Evaluated as of June 5 the statement was not made yet: still red.
  EXPECT_TRUE(HasReason(LightOf(absl::CivilDay(2026, 6, 5)), kMissed));
}

TEST_F(CheckpointsE2eTest, NoReminderOfACheckpointAnOwnerStatedMet) {
  // The notification service's schedule on 2026-05-26, five days before May 31.
  ASSERT_NO_FATAL_FAILURE(StartCluster("2026-05-26T09:00:00+08:00"));
  ASSERT_FALSE(other_measure_.empty()) << "no other lead's measure has a checkpoint on May 31";

  // 区生态环境局 states the 5月底前 checkpoint met in its May report.
  pv1::SubmitReportResponse met;
  grpc::Status s;
  ASSERT_TRUE(Eventually([&] {
    s = SubmitMay({absl::CivilDay(2026, 5, 31)}, "", &met);
    return s.ok();
  })) << s.error_message()
      << Log("progress");
  // Another lead's May report, submitted and returned after it: once its
  // return is in that lead's inbox, the notification service has followed
  // the statement too (a follower applies the events in order).
  pv1::SubmitReportRequest other;
  other.set_parent(plan_);
  other.set_organization(other_lead_);
  other.set_period("2026-05");
  other.set_actor("e2e");
  pv1::ReportEntry* e = other.add_entries();
  e->set_measure(other_measure_);
  e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
  e->set_percent_done(40);
  e->set_work_done("按计划推进");
  e->set_next_steps("继续推进");
  pv1::SubmitReportResponse submitted;
  s = progress_stub_->SubmitReport(Context().get(), other, &submitted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  pv1::ReturnReportRequest back;
  back.set_name(submitted.report().name());
  back.set_etag(submitted.report().etag());
  back.set_comment("请补充进展数据");
  back.set_actor("bureau");
  pv1::ReturnReportResponse returned;
  s = progress_stub_->ReturnReport(Context().get(), back, &returned);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] {
    return !InboxAbout(other_lead_, nv1::NOTIFICATION_KIND_REPORT_RETURNED, "").empty();
  })) << Log("notification");

  nv1::RunScheduleResponse run;
  s = notification_stub_->RunSchedule(Context().get(), nv1::RunScheduleRequest(), &run);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // The other measure's checkpoint is reminded (the schedule ran and knows
  // the plan); the one stated met is reminded to nobody.
  const std::vector<nv1::Notification> control = InboxAbout(
      other_lead_, nv1::NOTIFICATION_KIND_MEASURE_CHECKPOINT_APPROACHING, other_measure_);
  ASSERT_FALSE(control.empty()) << Log("notification");
  EXPECT_THAT(control[0].title(), ::testing::HasSubstr("2026-05-31"));
  EXPECT_TRUE(
      InboxAbout(lead_, nv1::NOTIFICATION_KIND_MEASURE_CHECKPOINT_APPROACHING, measure_).empty())
      << InboxAbout(lead_, nv1::NOTIFICATION_KIND_MEASURE_CHECKPOINT_APPROACHING, measure_)[0]
             .DebugString();
}

}  // namespace
}  // namespace ecoplan::testing
