// Runs the real registry_server, progress_server and indicator_server binaries
// as processes, wired as in production (development mode): the seed plan is
// imported into the registry, a department reports the share of new-energy
// trucks through the progress API, and the indicator service — following the
// progress service's events — shows it in the indicator's evaluation, the
// measure's colour and the department's scorecard; a revision replaces the
// value; a declared completion is shown as a claim, a rejected one with the
// bureau's comment, and a confirmed one whose indicator is off track turns
// the measure back to red; responsible units are coloured and scored; and all
// of it survives a restart of the indicator service.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/reports.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;

class IndicatorProgressE2eTest : public ::testing::Test {
 protected:
  std::string Log(const std::string& name) { return cluster_.Log(name); }

  void StartIndicator() {
    ASSERT_OK_AND_ASSIGN(const std::string address,
                         cluster_.Start("indicator", Following({"registry", "progress"})));
    indicator_stub_ = iv1::IndicatorService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
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

  iv1::EvaluatePlanResponse EvaluatePlan() {
    iv1::EvaluatePlanRequest request;
    request.set_plan(plan_);
    *request.mutable_as_of() = Date(2026, 6, 30);
    iv1::EvaluatePlanResponse response;
    grpc::Status s = indicator_stub_->EvaluatePlan(Context().get(), request, &response);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return response;
  }

  static const iv1::MeasureLight* LightOf(const iv1::EvaluatePlanResponse& plan,
                                          const std::string& measure) {
    for (const iv1::MeasureLight& l : plan.measure_lights()) {
      if (l.measure() == measure) return &l;
    }
    return nullptr;
  }

  static const iv1::Scorecard* CardOf(const iv1::EvaluatePlanResponse& plan,
                                      const std::string& organization) {
    for (const iv1::Scorecard& c : plan.scorecards()) {
      if (c.organization() == organization) return &c;
    }
    return nullptr;
  }

  pv1::SubmitReportRequest Report(const std::string& measure, double share,
                                  const std::string& etag) {
    pv1::SubmitReportRequest r = TruckShareReport(plan_, lead_, measure, share, etag);
    pv1::ReportEntry* e = r.mutable_entries(0);
    pv1::QuantitativeValue* other = e->add_values();
    other->set_name("充电桩");
    other->set_value(12);
    other->set_unit("个");
    return r;
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  Subprocess& indicator_ = cluster_.process("indicator");
  std::string registry_address_, progress_address_, plan_, lead_;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_stub_;
};

TEST_F(IndicatorProgressE2eTest, ReportedValuesAndReportsReachEvaluationColoursAndScorecards) {
  ASSERT_OK_AND_ASSIGN(registry_address_, cluster_.Start("registry"));
  auto registry = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_address_, grpc::InsecureChannelCredentials()));
  ASSERT_OK_AND_ASSIGN(progress_address_, cluster_.Start("progress", Following({"registry"})));
  auto progress = pv1::ProgressService::NewStub(
      grpc::CreateChannel(progress_address_, grpc::InsecureChannelCredentials()));
  ASSERT_NO_FATAL_FAILURE(StartIndicator());

  rv1::ImportPlanRequest import;
  import.set_document_text(ReadFile(kSeed).value());
  rv1::ImportPlanResponse imported;
  grpc::Status s = registry->ImportPlan(Context().get(), import, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  plan_ = imported.plan().name();

  // The indicator service builds the plan's indicators from the registry's
  // events; annex 4's 货车新能源化率 (≥ 30%) belongs to the measure that restates it.
  iv1::Indicator trucks;
  ASSERT_TRUE(Eventually([&] {
    iv1::ListIndicatorsRequest request;
    request.set_parent(plan_);
    request.set_page_size(500);
    iv1::ListIndicatorsResponse response;
    if (!indicator_stub_->ListIndicators(Context().get(), request, &response).ok()) return false;
    for (const iv1::Indicator& i : response.indicators()) {
      if (absl::StrContains(i.display_name(), "货车新能源化率") &&
          i.source() == iv1::SOURCE_KIND_REPORTED && i.measures_size() > 0) {
        trucks = i;
        return true;
      }
    }
    return false;
  })) << Log("indicator");
  EXPECT_EQ(trucks.unit(), "%");
  EXPECT_EQ(trucks.target_value(), 30);
  EXPECT_EQ(trucks.comparator(), iv1::COMPARATOR_AT_LEAST);
  const std::string measure = trucks.measures(0);

  // The measure's lead organization, from the registry.
  rv1::ExportPlanRequest export_request;
  export_request.set_name(plan_);
  rv1::ExportPlanResponse exported;
  ASSERT_TRUE(registry->ExportPlan(Context().get(), export_request, &exported).ok());
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      if (m.name() == measure && m.lead_organizations_size() > 0) {
        lead_ = m.lead_organizations(0).organization();
      }
    }
  }
  ASSERT_FALSE(lead_.empty()) << measure;
  std::string lead_name;
  for (const rv1::Organization& o : exported.organizations()) {
    if (o.name() == lead_) lead_name = o.display_name();
  }
  ASSERT_FALSE(lead_name.empty());

  // The department reports May (late: the 25th has passed), 35% of new trucks
  // new-energy, and a count no indicator of the measure takes.
  pv1::SubmitReportResponse submitted;
  ASSERT_TRUE(Eventually([&] {
    s = progress->SubmitReport(Context().get(), Report(measure, 35, ""), &submitted);
    return s.ok();
  })) << s.error_message()
      << "\n"
      << Log("progress");
  EXPECT_EQ(submitted.report().timeliness(), pv1::TIMELINESS_LATE);

  // The evaluation reflects it: latest value 35 against ≥ 30.
  iv1::Evaluation e;
  ASSERT_TRUE(Eventually([&] {
    e = Evaluate(trucks.name());
    return e.has_current_value() && e.current_value() == 35;
  })) << e.DebugString()
      << Log("indicator");
  EXPECT_EQ(e.status(), iv1::INDICATOR_STATUS_ON_TRACK) << e.DebugString();
  EXPECT_EQ(e.observed_days(), 1);

  // The measure's colour and the department's scorecard use the report.
  iv1::EvaluatePlanResponse plan = EvaluatePlan();
  EXPECT_TRUE(absl::StartsWith(plan.reports_source(), "progress service: "))
      << plan.reports_source();
  EXPECT_TRUE(absl::StartsWith(plan.reports_source_zh(), "进度服务：")) << plan.reports_source_zh();
  EXPECT_TRUE(absl::StrContains(plan.reports_source_zh(), "份月报中的"))
      << plan.reports_source_zh();
  const iv1::MeasureLight* light = LightOf(plan, measure);
  ASSERT_NE(light, nullptr);
  ASSERT_GE(light->progress_size(), 1) << light->DebugString();
  EXPECT_EQ(light->progress(0).organization(), lead_name);
  EXPECT_TRUE(light->progress(0).lead());
  EXPECT_EQ(light->progress(0).period(), "2026-05");
  EXPECT_EQ(light->progress(0).status(), "in_progress");
  EXPECT_EQ(light->progress(0).percent_done(), 40);
  EXPECT_FALSE(light->progress(0).on_time());
  // As of 2026-06-30, under the progress service's calendar (the 25th of each
  // month), the periods due after the plan was issued (2026-03-31) are April,
  // May and June: May came late, the others have no entry.
  EXPECT_EQ(light->colour(), iv1::MEASURE_COLOUR_RED) << light->DebugString();
  EXPECT_TRUE(absl::StrContains(absl::StrJoin(light->reasons(), "\n"),
                                absl::StrCat(lead_name,
                                             " missed the last 3 reporting periods "
                                             "(1 late, 2 without entry)")))
      << light->DebugString();
  const iv1::Scorecard* card = CardOf(plan, lead_name);
  ASSERT_NE(card, nullptr);
  EXPECT_GE(card->reports_late(), 1) << card->DebugString();
  EXPECT_EQ(card->reports_due(),
            card->reports_on_time() + card->reports_late() + card->reports_missing());
  EXPECT_TRUE(
      absl::StrContains(card->components(0).detail(), absl::StrCat(card->reports_late(), " late")))
      << card->DebugString();
  bool unmatched = false;
  for (const std::string& u : plan.unmatched_reported_values()) {
    unmatched = unmatched || absl::StrContains(u, "«充电桩» 12 个");
  }
  EXPECT_TRUE(unmatched) << plan.DebugString();

  // A revision replaces the value for the same period (no second observation).
  s = progress->SubmitReport(Context().get(), Report(measure, 26, submitted.report().etag()),
                             &submitted);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] {
    e = Evaluate(trucks.name());
    return e.has_current_value() && e.current_value() == 26;
  })) << e.DebugString();
  EXPECT_EQ(e.observed_days(), 1);
  EXPECT_EQ(e.status(), iv1::INDICATOR_STATUS_OFF_TRACK) << e.DebugString();

  // The lead declares the measure completed: a claim, shown as such and never
  // what makes it green (it stays red for the missed periods).
  pv1::DeclareCompletionRequest declare;
  declare.set_measure(measure);
  declare.set_organization(lead_);
  declare.set_description("新注册登记货车新能源化工作完成");
  declare.add_evidence_links("https://www.bjmtg.gov.cn/evidence/trucks");
  declare.set_actor("e2e");
  pv1::DeclareCompletionResponse declared;
  s = progress->DeclareCompletion(Context().get(), declare, &declared);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] {
    plan = EvaluatePlan();
    light = LightOf(plan, measure);
    return light != nullptr && light->completion_state() == iv1::MEASURE_COMPLETION_STATE_DECLARED;
  })) << Log("indicator");
  EXPECT_EQ(light->completion(), declared.completion().name());
  EXPECT_FALSE(light->completion_confirmed());
  EXPECT_FALSE(light->counted_completed());
  EXPECT_EQ(light->colour(), iv1::MEASURE_COLOUR_RED);
  EXPECT_TRUE(absl::StartsWith(light->reasons(0),
                               absl::StrCat("completion declared by ", lead_name, " on ")))
      << light->DebugString();
  EXPECT_TRUE(
      absl::EndsWith(light->reasons(0), "(declaration 1), awaiting the bureau's confirmation"))
      << light->DebugString();

  // The bureau rejects it: the explanation says so, with the comment.
  pv1::RejectCompletionRequest reject;
  reject.set_name(declared.completion().name());
  reject.set_comment("证明材料不全");
  reject.set_actor("bureau");
  pv1::RejectCompletionResponse rejected;
  s = progress->RejectCompletion(Context().get(), reject, &rejected);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] {
    plan = EvaluatePlan();
    light = LightOf(plan, measure);
    return light != nullptr && light->completion_state() == iv1::MEASURE_COMPLETION_STATE_REJECTED;
  })) << Log("indicator");
  EXPECT_TRUE(absl::StrContains(
      light->reasons(0),
      absl::StrCat("completion declaration 1 by ", lead_name, " rejected by the bureau on ")))
      << light->DebugString();
  EXPECT_TRUE(absl::StrContains(light->reasons(0), ": 证明材料不全")) << light->DebugString();

  // Declared again and confirmed by the bureau (this progress server does not
  // check indicators: it has no --indicator_address). The measure's indicator
  // is off track (26 % against ≥ 30 %), so the measure turns back: red, not
  // counted as completed, with the indicator, its value, its day and target.
  s = progress->DeclareCompletion(Context().get(), declare, &declared);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(declared.completion().declaration_number(), 2);
  pv1::ConfirmCompletionRequest confirm;
  confirm.set_name(declared.completion().name());
  confirm.set_actor("bureau");
  pv1::ConfirmCompletionResponse confirmed;
  s = progress->ConfirmCompletion(Context().get(), confirm, &confirmed);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(Eventually([&] {
    plan = EvaluatePlan();
    light = LightOf(plan, measure);
    return light != nullptr && light->completion_confirmed();
  })) << Log("indicator");
  EXPECT_EQ(light->colour(), iv1::MEASURE_COLOUR_RED) << light->DebugString();
  EXPECT_EQ(light->completion_state(), iv1::MEASURE_COMPLETION_STATE_CONFIRMED);
  EXPECT_EQ(light->completion(), confirmed.completion().name());
  EXPECT_FALSE(light->counted_completed());
  const std::string trucks_id = trucks.name().substr(trucks.name().rfind('/') + 1);
  EXPECT_TRUE(absl::StartsWith(light->reasons(0), "completion confirmed by the bureau on "))
      << light->DebugString();
  EXPECT_TRUE(
      absl::StrContains(light->reasons(0), absl::StrCat("(declaration 2 by ", lead_name, " on ")))
      << light->DebugString();
  EXPECT_TRUE(absl::StrContains(
      light->reasons(0), absl::StrCat("but indicator ", trucks_id, " ", trucks.display_name(),
                                      " is off track: 26 % on 2026-05-25 against ≥ 30 %")))
      << light->DebugString();
  EXPECT_TRUE(absl::EndsWith(light->reasons(0), "; not counted as completed"))
      << light->DebugString();
  card = CardOf(plan, lead_name);
  ASSERT_NE(card, nullptr);
  EXPECT_GE(card->as_lead().measures(), 1);

  // Responsible units (责任单位) are on the lights and have scorecards of their own.
  std::string responsible_measure, responsible_org;
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      for (const rv1::OrgRef& ref : m.responsible_organizations()) {
        if (!responsible_measure.empty() || ref.organization().empty()) continue;
        bool also_lead = false;
        for (const rv1::OrgRef& l : m.lead_organizations()) {
          also_lead = also_lead || l.organization() == ref.organization();
        }
        if (also_lead) continue;
        responsible_measure = m.name();
        responsible_org = ref.organization();
      }
    }
  }
  ASSERT_FALSE(responsible_measure.empty());
  std::string responsible_name;
  for (const rv1::Organization& o : exported.organizations()) {
    if (o.name() == responsible_org) responsible_name = o.display_name();
  }
  const iv1::MeasureLight* with_responsible = LightOf(plan, responsible_measure);
  ASSERT_NE(with_responsible, nullptr);
  EXPECT_THAT(std::vector<std::string>(with_responsible->responsible_organizations().begin(),
                                       with_responsible->responsible_organizations().end()),
              ::testing::Contains(responsible_name))
      << with_responsible->DebugString();
  EXPECT_TRUE(
      absl::StrContains(absl::StrJoin(with_responsible->reasons(), "\n"),
                        absl::StrCat(responsible_name, " (responsible unit) missed the last ")))
      << with_responsible->DebugString();
  const iv1::Scorecard* responsible_card = CardOf(plan, responsible_name);
  ASSERT_NE(responsible_card, nullptr) << responsible_name;
  EXPECT_GE(responsible_card->measures_responsible(), 1) << responsible_card->DebugString();
  EXPECT_GE(responsible_card->as_responsible().reports_missing(), 1)
      << responsible_card->DebugString();

  // After a restart the indicator service holds the same, and replays nothing twice.
  indicator_.Signal(SIGTERM);
  ASSERT_TRUE(indicator_.Wait(absl::Seconds(30)).ok());
  ASSERT_NO_FATAL_FAILURE(StartIndicator());
  e = Evaluate(trucks.name());
  EXPECT_EQ(e.current_value(), 26);
  EXPECT_EQ(e.observed_days(), 1);
  plan = EvaluatePlan();
  light = LightOf(plan, measure);
  ASSERT_NE(light, nullptr);
  EXPECT_TRUE(light->completion_confirmed());
  EXPECT_EQ(light->completion_state(), iv1::MEASURE_COMPLETION_STATE_CONFIRMED);
  EXPECT_EQ(light->completion(), confirmed.completion().name());
  EXPECT_EQ(light->colour(), iv1::MEASURE_COLOUR_RED);
  EXPECT_EQ(light->progress(0).percent_done(), 40);
}

}  // namespace
}  // namespace ecoplan::testing
