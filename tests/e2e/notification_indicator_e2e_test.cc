// The indicator server's results reach the right people, against the real
// binaries (registry_server, progress_server, indicator_server and
// notification_server as processes, development mode, issue 11):
//   * a department reports the share of new-energy trucks of its measure
//     through the progress API; the recorded evaluation (RecordEvaluation)
//     finds the indicator on track, then — after a revision to 26 % — off
//     track: the measure's lead and responsible organizations and the bureau
//     get one critical alert each, linked to the measure, whose title names
//     the indicator, the value with its unit, the day of that value and the
//     target, and whose body names the measure; a revision back to 35 %
//     recovers it and the same recipients are told;
//   * the bureau closes April (月度结账): every organization owning a measure
//     is told that April's lights and scorecards are final and how to contest;
//   * the lead contests April's light of its measure (申诉): the bureau is told;
//     the bureau rejects it: the lead is told, with the bureau's reason;
//   * a restart of notification_server sends none of it again.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/assessment_service.grpc.pb.h"
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

std::string DayText(const common::v1::Date& d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

class NotificationIndicatorE2eTest : public ::testing::Test {
 protected:
  std::string Log(const std::string& name) { return cluster_.Log(name); }

  void StartNotification(int port) {
    ServerOptions notification =
        Following({"registry", "progress", "indicator"},
                  {"--schedule_interval=1h",
                   "--rate_limit_per_second=0"});  // the polling below is one development caller
    notification.port = port;
    ASSERT_OK_AND_ASSIGN(notification_address_, cluster_.Start("notification", notification));
    notification_stub_ = nv1::NotificationService::NewStub(
        grpc::CreateChannel(notification_address_, grpc::InsecureChannelCredentials()));
  }

  void StartCluster() {
    ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry"));
    registry_stub_ = rv1::RegistryService::NewStub(
        grpc::CreateChannel(registry_address_, grpc::InsecureChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(progress_address_, cluster_.Start("progress", Following({"registry"})));
    progress_stub_ = pv1::ProgressService::NewStub(
        grpc::CreateChannel(progress_address_, grpc::InsecureChannelCredentials()));
    ASSERT_OK_AND_ASSIGN(indicator_address_,
                         cluster_.Start("indicator", Following({"registry", "progress"},
                                                               {"--evaluation_time=off",
                                                                "--evaluation_debounce=0s"})));
    auto channel = grpc::CreateChannel(indicator_address_, grpc::InsecureChannelCredentials());
    indicator_stub_ = iv1::IndicatorService::NewStub(channel);
    assessment_stub_ = iv1::AssessmentService::NewStub(channel);
    ASSERT_NO_FATAL_FAILURE(StartNotification(0));
  }

  // The inbox of organizations/{id}, of one kind.
  std::vector<nv1::Notification> Inbox(const std::string& org, nv1::NotificationKind kind) {
    nv1::ListNotificationsRequest request;
    request.set_parent(org);
    request.set_kind(kind);
    request.set_page_size(500);
    nv1::ListNotificationsResponse response;
    grpc::Status s = notification_stub_->ListNotifications(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << org << ": " << s.error_message();
    return {response.notifications().begin(), response.notifications().end()};
  }

  // Waits until every organization of `orgs` has `count` notifications of `kind`.
  void AwaitEach(const std::set<std::string>& orgs, nv1::NotificationKind kind, size_t count) {
    for (const std::string& org : orgs) {
      ASSERT_TRUE(Eventually([&] { return Inbox(org, kind).size() >= count; }))
          << org << " has " << Inbox(org, kind).size() << " of " << count << " "
          << nv1::NotificationKind_Name(kind) << "\n"
          << Log("notification");
    }
  }

  iv1::Evaluation Evaluate(const std::string& indicator) {
    iv1::EvaluateIndicatorRequest request;
    request.set_name(indicator);
    *request.mutable_as_of() = Date(2026, 6, 30);
    iv1::EvaluateIndicatorResponse response;
    grpc::Status s = indicator_stub_->EvaluateIndicator(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response.evaluation();
  }

  // The recorded evaluation as of 2026-06-30; the change of `indicator`, if any.
  std::optional<iv1::IndicatorStatusChanged> Record(const std::string& indicator) {
    iv1::RecordEvaluationRequest request;
    request.set_plan(plan_);
    *request.mutable_as_of() = Date(2026, 6, 30);
    iv1::RecordEvaluationResponse response;
    grpc::Status s = indicator_stub_->RecordEvaluation(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    for (const iv1::IndicatorStatusChanged& c : response.changes()) {
      if (c.indicator() == indicator) return c;
    }
    return std::nullopt;
  }

  // Reports `share` % for May, revising the report once it exists; waits for
  // the indicator to show it.
  void ReportShare(double share) {
    pv1::SubmitReportRequest r;
    r.set_parent(plan_);
    r.set_organization(lead_);
    r.set_period("2026-05");
    r.set_etag(etag_);
    r.set_actor("e2e");
    pv1::ReportEntry* e = r.add_entries();
    e->set_measure(measure_);
    e->set_status(pv1::MEASURE_STATUS_IN_PROGRESS);
    e->set_percent_done(40);
    e->set_work_done("新注册登记新能源货车");
    e->set_next_steps("继续推进");
    pv1::QuantitativeValue* v = e->add_values();
    v->set_name("新注册登记货车新能源化率");
    v->set_value(share);
    v->set_unit("%");
    pv1::SubmitReportResponse submitted;
    grpc::Status s;
    ASSERT_TRUE(Eventually([&] {
      s = progress_stub_->SubmitReport(Context().get(), r, &submitted);
      return s.ok();
    })) << s.error_message()
        << "\n"
        << Log("progress");
    etag_ = submitted.report().etag();
    iv1::Evaluation ev;
    ASSERT_TRUE(Eventually([&] {
      ev = Evaluate(trucks_.name());
      return ev.has_current_value() && ev.current_value() == share;
    })) << ev.DebugString()
        << Log("indicator");
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  Subprocess& notification_ = cluster_.process("notification");
  std::string registry_address_, progress_address_, indicator_address_, notification_address_;
  std::unique_ptr<rv1::RegistryService::Stub> registry_stub_;
  std::unique_ptr<pv1::ProgressService::Stub> progress_stub_;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_stub_;
  std::unique_ptr<iv1::AssessmentService::Stub> assessment_stub_;
  std::unique_ptr<nv1::NotificationService::Stub> notification_stub_;
  std::string plan_, measure_, lead_, etag_;
  iv1::Indicator trucks_;
};

TEST_F(NotificationIndicatorE2eTest,
       AlertsNameTheFactsAndMonthClosingAndContestsReachTheirParties) {
  ASSERT_NO_FATAL_FAILURE(StartCluster());
  rv1::ImportPlanRequest import;
  import.set_document_text(ReadFile(kSeed).value());
  rv1::ImportPlanResponse imported;
  grpc::Status s = registry_stub_->ImportPlan(Context().get(), import, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  plan_ = imported.plan().name();

  // Annex 4's 货车新能源化率 (≥ 30 %) and the measure that restates it.
  ASSERT_TRUE(Eventually([&] {
    iv1::ListIndicatorsRequest request;
    request.set_parent(plan_);
    request.set_page_size(500);
    iv1::ListIndicatorsResponse response;
    if (!indicator_stub_->ListIndicators(Context().get(), request, &response).ok()) return false;
    for (const iv1::Indicator& i : response.indicators()) {
      if (absl::StrContains(i.display_name(), "货车新能源化率") &&
          i.source() == iv1::SOURCE_KIND_REPORTED && i.measures_size() > 0) {
        trucks_ = i;
        return true;
      }
    }
    return false;
  })) << Log("indicator");
  measure_ = trucks_.measures(0);
  const std::string measure_id = measure_.substr(measure_.rfind('/') + 1);

  // Who owns what, from the registry: the measure's lead and responsible
  // organizations, every organization owning a measure, the bureau.
  rv1::ExportPlanRequest export_request;
  export_request.set_name(plan_);
  rv1::ExportPlanResponse exported;
  ASSERT_TRUE(registry_stub_->ExportPlan(Context().get(), export_request, &exported).ok());
  std::map<std::string, std::string> display;  // organizations/{id} → display name
  std::string bureau;
  for (const rv1::Organization& o : exported.organizations()) {
    display[o.name()] = o.display_name();
    if (o.display_name() == "区生态环境局") bureau = o.name();
  }
  ASSERT_FALSE(bureau.empty());
  auto add_refs = [](const google::protobuf::RepeatedPtrField<rv1::OrgRef>& refs,
                     std::set<std::string>* out) {
    for (const rv1::OrgRef& ref : refs) {
      if (ref.has_group()) {
        out->insert(ref.members().begin(), ref.members().end());
      } else if (!ref.organization().empty()) {
        out->insert(ref.organization());
      }
    }
  };
  std::set<std::string> measure_owners, all_owners;
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      add_refs(m.lead_organizations(), &all_owners);
      add_refs(m.responsible_organizations(), &all_owners);
      if (m.name() != measure_) continue;
      add_refs(m.lead_organizations(), &measure_owners);
      add_refs(m.responsible_organizations(), &measure_owners);
      if (m.lead_organizations_size() > 0) lead_ = m.lead_organizations(0).organization();
    }
  }
  ASSERT_FALSE(lead_.empty()) << measure_;
  const std::string lead_name = display[lead_];
  std::set<std::string> alerted = measure_owners;
  alerted.insert(bureau);

  // 35 %: on track, recorded, no alert.
  ASSERT_NO_FATAL_FAILURE(ReportShare(35));
  std::optional<iv1::IndicatorStatusChanged> change = Record(trucks_.name());
  ASSERT_TRUE(change.has_value()) << Log("indicator");
  EXPECT_EQ(change->status(), iv1::INDICATOR_STATUS_ON_TRACK) << change->DebugString();

  // 26 %: off track; each owner of the measure and the bureau get one alert naming the facts.
  ASSERT_NO_FATAL_FAILURE(ReportShare(26));
  change = Record(trucks_.name());
  ASSERT_TRUE(change.has_value());
  ASSERT_EQ(change->status(), iv1::INDICATOR_STATUS_OFF_TRACK) << change->DebugString();
  ASSERT_TRUE(change->value_date().year() > 0) << change->DebugString();
  EXPECT_EQ(change->measure(), measure_);
  const std::string value_day = DayText(change->value_date());
  ASSERT_NO_FATAL_FAILURE(AwaitEach(alerted, nv1::NOTIFICATION_KIND_INDICATOR_OFF_TRACK, 1));
  for (const std::string& org : alerted) {
    std::vector<nv1::Notification> alerts = Inbox(org, nv1::NOTIFICATION_KIND_INDICATOR_OFF_TRACK);
    ASSERT_EQ(alerts.size(), 1u) << org;
    const nv1::Notification& a = alerts[0];
    EXPECT_TRUE(absl::StartsWith(a.title(), absl::StrCat("指标偏离目标：", trucks_.display_name(),
                                                         "当前值26%（", value_day, "），目标")))
        << a.title();
    EXPECT_TRUE(absl::StrContains(a.title(), change->target_text())) << a.title();
    EXPECT_EQ(a.resource(), measure_);
    EXPECT_EQ(a.severity(), nv1::SEVERITY_CRITICAL);
    EXPECT_EQ(a.reason().rule(), "rules/indicator-off-track");
    EXPECT_TRUE(absl::StrContains(a.body(), absl::StrCat("所属工作措施：", measure_id, " ")))
        << a.body();
    EXPECT_TRUE(absl::StrContains(a.body(), absl::StrCat("牵头单位：", lead_name))) << a.body();
    EXPECT_TRUE(absl::StrContains(a.body(), absl::StrCat("当前值：26%（", value_day, "）")))
        << a.body();
  }

  // 35 % again: recovered, the same recipients are told.
  ASSERT_NO_FATAL_FAILURE(ReportShare(35));
  change = Record(trucks_.name());
  ASSERT_TRUE(change.has_value());
  ASSERT_EQ(change->previous_status(), iv1::INDICATOR_STATUS_OFF_TRACK);
  ASSERT_NO_FATAL_FAILURE(AwaitEach(alerted, nv1::NOTIFICATION_KIND_INDICATOR_RECOVERED, 1));
  const std::vector<nv1::Notification> recovered =
      Inbox(lead_, nv1::NOTIFICATION_KIND_INDICATOR_RECOVERED);
  ASSERT_EQ(recovered.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(recovered[0].title(), "指标已恢复")) << recovered[0].title();
  EXPECT_TRUE(absl::StrContains(recovered[0].title(), "当前值35%")) << recovered[0].title();
  EXPECT_EQ(recovered[0].resource(), measure_);

  // April is closed: every organization owning a measure is told, once.
  const std::string april = absl::StrCat(plan_, "/months/2026-04");
  iv1::CloseMonthRequest close;
  close.set_name(april);
  close.set_reason("2026年4月月度结账");
  iv1::CloseMonthResponse closed;
  s = assessment_stub_->CloseMonth(Context().get(), close, &closed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_NO_FATAL_FAILURE(AwaitEach(all_owners, nv1::NOTIFICATION_KIND_MONTH_CLOSED, 1));
  for (const std::string& org : all_owners) {
    std::vector<nv1::Notification> n = Inbox(org, nv1::NOTIFICATION_KIND_MONTH_CLOSED);
    ASSERT_EQ(n.size(), 1u) << org;
    EXPECT_EQ(n[0].title(), "2026年4月月度结账：红黄绿灯和考评得分已定稿");
    EXPECT_EQ(n[0].resource(), april);
    EXPECT_TRUE(absl::StrContains(n[0].body(), "申诉途径")) << n[0].body();
  }

  // The lead contests April's light of its measure: the bureau is told.
  iv1::ContestItemRequest contest;
  contest.set_month(april);
  contest.set_organization(lead_name);
  contest.set_item(absl::StrCat("light/", measure_id));
  contest.set_reason("4月已按期推进，红灯有误");
  iv1::ContestItemResponse filed;
  s = assessment_stub_->ContestItem(Context().get(), contest, &filed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_NO_FATAL_FAILURE(AwaitEach({bureau}, nv1::NOTIFICATION_KIND_CONTEST_FILED, 1));
  std::vector<nv1::Notification> to_bureau = Inbox(bureau, nv1::NOTIFICATION_KIND_CONTEST_FILED);
  ASSERT_EQ(to_bureau.size(), 1u);
  EXPECT_EQ(to_bureau[0].resource(), filed.contest().name());
  EXPECT_TRUE(
      absl::StartsWith(to_bureau[0].title(),
                       absl::StrCat("收到申诉：", lead_name, "对2026年4月的工作措施 ", measure_id)))
      << to_bureau[0].title();
  EXPECT_TRUE(absl::StrContains(to_bureau[0].body(), "理由：4月已按期推进，红灯有误"));
  EXPECT_TRUE(Inbox(lead_, nv1::NOTIFICATION_KIND_CONTEST_FILED).empty() || lead_ == bureau);

  // The bureau rejects it: the lead is told, with the reason.
  iv1::DecideContestRequest decide;
  decide.set_name(filed.contest().name());
  decide.set_accept(false);
  decide.set_comment("4月未报送月报，红灯无误");
  iv1::DecideContestResponse decided;
  s = assessment_stub_->DecideContest(Context().get(), decide, &decided);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_NO_FATAL_FAILURE(AwaitEach({lead_}, nv1::NOTIFICATION_KIND_CONTEST_DECIDED, 1));
  std::vector<nv1::Notification> to_lead = Inbox(lead_, nv1::NOTIFICATION_KIND_CONTEST_DECIDED);
  ASSERT_EQ(to_lead.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(to_lead[0].title(), "申诉未予采纳：2026年4月的工作措施 "))
      << to_lead[0].title();
  EXPECT_TRUE(absl::StrContains(to_lead[0].body(), "理由：4月未报送月报，红灯无误"))
      << to_lead[0].body();

  // A restart sends none of it again.
  const int port = std::stoi(notification_address_.substr(notification_address_.rfind(':') + 1));
  notification_.Signal(SIGTERM);
  ASSERT_TRUE(notification_.Wait(absl::Seconds(30)).ok());
  ASSERT_NO_FATAL_FAILURE(StartNotification(port));
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(Inbox(lead_, nv1::NOTIFICATION_KIND_INDICATOR_OFF_TRACK).size(), 1u);
  EXPECT_EQ(Inbox(lead_, nv1::NOTIFICATION_KIND_MONTH_CLOSED).size(), 1u);
  EXPECT_EQ(Inbox(bureau, nv1::NOTIFICATION_KIND_CONTEST_FILED).size(), 1u);
  EXPECT_EQ(Inbox(lead_, nv1::NOTIFICATION_KIND_CONTEST_DECIDED).size(), 1u);
}

}  // namespace
}  // namespace ecoplan::testing
