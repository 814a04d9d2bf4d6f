// The wall clock stepping back and forward under the real registry_server,
// progress_server and notification_server (development mode; each reads a
// clock offset from one file, --clock_offset_file, so the test steps the
// clock of running servers). Two minutes past the December reporting
// deadline a report is LATE; the clock steps back ten minutes, to before the
// deadline: a report submitted then is LATE too (the services hold their
// latest time), also after progress_server restarts while the clock is still
// behind; the schedule's overdue notice for an organization that did not
// report is created once, whatever the schedule runs in between; two hours
// back (past --clock_max_hold) the services follow the wall clock again and
// say so, and nothing is reminded twice; forward again, submissions are late
// by the time that really passed. First submission times follow the order of
// the submissions throughout.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/mapping/proto_values.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/seeded.h"

namespace ecoplan::testing {
namespace {

namespace nv1 = ::ecoplan::notification::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;
using ::testing::HasSubstr;

const char* const kSeed = ECOPLAN_SEED_PATH;

absl::TimeZone Shanghai() {
  absl::TimeZone tz;
  if (!absl::LoadTimeZone("Asia/Shanghai", &tz)) tz = absl::FixedTimeZone(8 * 3600);
  return tz;
}

// The December 2026 report is due by the end of 2026-12-25 (Asia/Shanghai).
const absl::Time kDeadline = absl::FromCivil(absl::CivilSecond(2026, 12, 26, 0, 0, 0), Shanghai());

class ClockStepsE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    offset_file_ = dir_.path() + "/clock_offset";
    SetServiceTime(kDeadline - absl::Hours(12));
    cluster_.SetCommonFlags({"--insecure_development_mode", "--clock_offset_file=" + offset_file_});
    ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
    auto registry =
        rv1::RegistryService::NewStub(grpc::CreateChannel(registry_address, Insecure()));
    ASSERT_OK_AND_ASSIGN(const rv1::ExportPlanResponse plan,
                         ImportSeedPlan(
                             *registry, [] { return Context(); }, kSeed));
    plan_ = plan.plan().name();
    // Five organizations, each with a measure it leads: four report, one never does.
    for (const rv1::Task& task : plan.tasks()) {
      for (const rv1::Measure& m : task.measures()) {
        if (m.lead_organizations_size() == 0) continue;
        const std::string lead = m.lead_organizations(0).organization();
        if (lead.empty() || organizations_.size() == 5) continue;
        bool seen = false;
        for (const std::string& o : organizations_) seen = seen || o == lead;
        if (seen) continue;
        organizations_.push_back(lead);
        measures_.push_back(m.name());
      }
    }
    ASSERT_EQ(organizations_.size(), 5u);

    ASSERT_OK_AND_ASSIGN(const std::string progress_address,
                         cluster_.Start("progress", Following({"registry"})));
    progress_ = pv1::ProgressService::NewStub(grpc::CreateChannel(progress_address, Insecure()));
    ASSERT_OK(AwaitPlanInProgress(*progress_, plan_, [] { return Context(); }))
        << cluster_.Log("progress");
    // The schedule runs hourly: what RunSchedule creates is this test's.
    ASSERT_OK_AND_ASSIGN(const std::string notification_address,
                         cluster_.Start("notification", Following({"registry", "progress"},
                                                                  {"--schedule_interval=1h"})));
    notify_ =
        nv1::NotificationService::NewStub(grpc::CreateChannel(notification_address, Insecure()));
  }

  static std::shared_ptr<grpc::ChannelCredentials> Insecure() {
    return grpc::InsecureChannelCredentials();
  }

  // Steps the servers' wall clock so that it reads `t` now.
  void SetServiceTime(absl::Time t) {
    std::ofstream(offset_file_) << absl::ToInt64Seconds(t - absl::Now()) << "\n";
  }

  // Submits organization i's December report; the report as answered.
  pv1::Report Submit(int i) {
    pv1::SubmitReportRequest r;
    r.set_parent(plan_);
    r.set_organization(organizations_[i]);
    r.set_period("2026-12");
    r.set_actor("e2e");
    pv1::ReportEntry* e = r.add_entries();
    e->set_measure(measures_[i]);
    e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
    e->set_percent_done(60);
    e->set_work_done("按计划推进");
    e->set_next_steps("继续推进");
    pv1::SubmitReportResponse out;
    grpc::Status s = progress_->SubmitReport(Context().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.report();
  }

  // The schedule's run: its clock.
  absl::Time RunSchedule() {
    nv1::RunScheduleResponse out;
    grpc::Status s = notify_->RunSchedule(Context().get(), nv1::RunScheduleRequest(), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return common::TimeFromProto(out.now());
  }

  // The overdue notices of the December report in the silent organization's inbox.
  int DecemberOverdueNotices() {
    nv1::ListNotificationsRequest r;
    r.set_parent(organizations_[4]);
    r.set_kind(nv1::NOTIFICATION_KIND_REPORT_OVERDUE);
    r.set_page_size(500);
    nv1::ListNotificationsResponse out;
    grpc::Status s = notify_->ListNotifications(Context().get(), r, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    int n = 0;
    for (const nv1::Notification& note : out.notifications()) n += note.period() == "2026-12";
    return n;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string offset_file_;
  std::string plan_;
  std::vector<std::string> organizations_;
  std::vector<std::string> measures_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_;
  std::unique_ptr<nv1::NotificationService::Stub> notify_;
};

TEST_F(ClockStepsE2eTest, AStepBackNeverMakesALateReportOnTimeNorRemindsTwice) {
  // Two minutes past the deadline.
  SetServiceTime(kDeadline + absl::Minutes(2));
  const pv1::Report first = Submit(0);
  EXPECT_EQ(first.timeliness(), pv1::TIMELINESS_LATE);
  EXPECT_GE(common::DurationFromProto(first.lateness()), absl::Seconds(110));
  ASSERT_TRUE(Eventually([&] {
    RunSchedule();
    return DecemberOverdueNotices() == 1;
  })) << cluster_.Log("notification");

  // Ten minutes back: the wall clock reads 23:52 on the due day.
  SetServiceTime(kDeadline - absl::Minutes(8));
  const pv1::Report second = Submit(1);
  EXPECT_EQ(second.timeliness(), pv1::TIMELINESS_LATE)
      << "a step back of the wall clock made a late report on time";
  EXPECT_GE(common::TimeFromProto(second.first_submit_time()),
            common::TimeFromProto(first.first_submit_time()));
  EXPECT_GE(RunSchedule(), kDeadline + absl::Seconds(110)) << "the schedule's time went back";
  EXPECT_EQ(DecemberOverdueNotices(), 1);
  EXPECT_THAT(cluster_.Log("progress"), HasSubstr("the wall clock is behind a time"));

  // Restarted while the clock is still behind: it starts from its last commit.
  ASSERT_OK(cluster_.Stop("progress").status());
  ASSERT_OK(cluster_.Restart("progress").status());
  ASSERT_OK(AwaitPlanInProgress(*progress_, plan_, [] { return Context(); }));
  const pv1::Report third = Submit(2);
  EXPECT_EQ(third.timeliness(), pv1::TIMELINESS_LATE) << cluster_.Log("progress");
  EXPECT_GE(common::TimeFromProto(third.first_submit_time()),
            common::TimeFromProto(second.first_submit_time()));

  // Two hours back, past --clock_max_hold (1h): the wall clock is followed
  // again, loudly, and the schedule reminds nothing twice.
  SetServiceTime(kDeadline - absl::Hours(2));
  const absl::Time abandoned = RunSchedule();
  EXPECT_LT(abandoned, kDeadline - absl::Minutes(90));
  EXPECT_EQ(DecemberOverdueNotices(), 1);
  EXPECT_THAT(cluster_.Log("notification"), HasSubstr("more than --clock_max_hold behind"));

  // Forward again, twenty minutes past the deadline.
  SetServiceTime(kDeadline + absl::Minutes(20));
  RunSchedule();
  EXPECT_EQ(DecemberOverdueNotices(), 1) << cluster_.Log("notification");
  const pv1::Report fourth = Submit(3);
  EXPECT_EQ(fourth.timeliness(), pv1::TIMELINESS_LATE);
  EXPECT_GE(common::DurationFromProto(fourth.lateness()), absl::Minutes(19));
  EXPECT_GE(common::TimeFromProto(fourth.first_submit_time()),
            common::TimeFromProto(third.first_submit_time()));
}

}  // namespace
}  // namespace ecoplan::testing
