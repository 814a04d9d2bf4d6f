// Supervision orders (督办单) in the measure lights and the scorecards, against
// the real registry_server, progress_server and indicator_server binaries
// (development mode): the seed plan is imported, an order is issued on a
// measure to its lead organization, and the indicator service — following the
// progress service's events — shows it on the measure's light (at least
// yellow, the reason naming the order, its level and reply day); evaluated as
// of a day after the reply day without a reply, the light is red and names
// the organization, and its scorecard counts the reply overdue; the same after
// a restart of the indicator service; once replied, accepted and closed (销号)
// the light no longer cites the order. And a problem ledger (问题清单) of
// drainage outlets imported from CSV for the 排污口 measure, whose text says
// 动态清零: the light counts its unresolved and overdue items, red while one is
// overdue, and follows each step until the ledger is cleared.

#include <gmock/gmock.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/client.h"
#include "tests/harness/cluster.h"
#include "tests/harness/dates.h"

namespace ecoplan::testing {
namespace {

namespace iv1 = ::ecoplan::indicator::v1;
namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

const char* const kSeed = ECOPLAN_SEED_PATH;

std::string DayText(absl::CivilDay d) { return absl::FormatCivilTime(d); }

class SupervisionLightsE2eTest : public ::testing::Test {
 protected:
  void StartIndicator() {
    ASSERT_OK_AND_ASSIGN(const std::string address,
                         cluster_.Start("indicator", Following({"registry", "progress"})));
    indicator_ = iv1::IndicatorService::NewStub(
        grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  }

  grpc::Status TryEvaluatePlan(absl::CivilDay as_of, iv1::EvaluatePlanResponse* response) {
    iv1::EvaluatePlanRequest request;
    request.set_plan(plan_);
    *request.mutable_as_of() = ToDate(as_of);
    return indicator_->EvaluatePlan(Context().get(), request, response);
  }

  iv1::EvaluatePlanResponse EvaluatePlan(absl::CivilDay as_of) {
    iv1::EvaluatePlanResponse response;
    grpc::Status s = TryEvaluatePlan(as_of, &response);
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

  // The light's reason citing the order, or "".
  static std::string OrderReason(const iv1::MeasureLight& light, const std::string& id) {
    for (const std::string& r : light.reasons()) {
      if (absl::StrContains(r, absl::StrCat("督办单 ", id))) return r;
    }
    return "";
  }

  common::TempDir dir_;
  Cluster cluster_{dir_.path()};
  std::string plan_;
  std::unique_ptr<iv1::IndicatorService::Stub> indicator_;
};

TEST_F(SupervisionLightsE2eTest, AnOrderColoursItsMeasureAndCountsInTheScorecardUntilClosed) {
  ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
  auto registry = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_address, grpc::InsecureChannelCredentials()));
  ASSERT_OK_AND_ASSIGN(const std::string progress_address,
                       cluster_.Start("progress", Following({"registry"})));
  auto progress = pv1::ProgressService::NewStub(
      grpc::CreateChannel(progress_address, grpc::InsecureChannelCredentials()));
  ASSERT_NO_FATAL_FAILURE(StartIndicator());

  rv1::ImportPlanRequest import;
  import.set_document_text(ReadFile(kSeed).value());
  rv1::ImportPlanResponse imported;
  grpc::Status s = registry->ImportPlan(Context().get(), import, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  plan_ = imported.plan().name();

  // A measure with a lead organization, and that organization's name.
  rv1::ExportPlanRequest export_request;
  export_request.set_name(plan_);
  rv1::ExportPlanResponse exported;
  ASSERT_TRUE(registry->ExportPlan(Context().get(), export_request, &exported).ok());
  std::string measure, lead, lead_name;
  for (const rv1::Task& task : exported.tasks()) {
    for (const rv1::Measure& m : task.measures()) {
      if (measure.empty() && m.lead_organizations_size() > 0 &&
          !m.lead_organizations(0).organization().empty()) {
        measure = m.name();
        lead = m.lead_organizations(0).organization();
      }
    }
  }
  for (const rv1::Organization& o : exported.organizations()) {
    if (o.name() == lead) lead_name = o.display_name();
  }
  ASSERT_FALSE(measure.empty());
  ASSERT_FALSE(lead_name.empty());

  const absl::CivilDay today = TodayInShanghai();
  const absl::CivilDay reply_day = today + 3;
  const absl::CivilDay after = today + 5;
  // The indicator service knows the plan; no order on the light yet.
  ASSERT_TRUE(Eventually([&] {
    iv1::EvaluatePlanResponse response;
    return TryEvaluatePlan(today, &response).ok() && LightOf(response, measure) != nullptr;
  })) << cluster_.Log("indicator");
  {
    const iv1::EvaluatePlanResponse before = EvaluatePlan(today);
    EXPECT_EQ(LightOf(before, measure)->supervision_orders_size(), 0);
  }

  // The progress service knows the plan once it followed the registry.
  pv1::IssueSupervisionOrderRequest issue;
  issue.set_parent(plan_);
  issue.set_title("关于措施推进滞后的督办");
  issue.set_description("请说明进展并按期回复");
  issue.mutable_source()->set_kind(pv1::SUPERVISION_SOURCE_KIND_AD_HOC);
  issue.set_level(pv1::SUPERVISION_LEVEL_YELLOW);
  issue.add_measures(measure);
  issue.add_organizations(lead);
  *issue.mutable_reply_due_date() = ToDate(reply_day);
  issue.set_request_id("issue-lights");
  pv1::IssueSupervisionOrderResponse issued;
  ASSERT_TRUE(Eventually([&] {
    s = progress->IssueSupervisionOrder(Context().get(), issue, &issued);
    return s.ok();
  })) << s.error_message()
      << cluster_.Log("progress");
  const std::string order = issued.order().name();
  const std::string id = order.substr(order.rfind('/') + 1);

  // Open: at least yellow, the reason naming the order, its level and reply day.
  const std::string expected =
      absl::StrCat("督办单 ", id, " (黄色督办) open, reply due ", DayText(reply_day));
  iv1::EvaluatePlanResponse plan;
  ASSERT_TRUE(Eventually([&] {
    plan = EvaluatePlan(today);
    const iv1::MeasureLight* l = LightOf(plan, measure);
    return l != nullptr && l->supervision_orders_size() == 1;
  })) << cluster_.Log("indicator");
  const iv1::MeasureLight* light = LightOf(plan, measure);
  EXPECT_NE(light->colour(), iv1::MEASURE_COLOUR_GREEN) << light->DebugString();
  EXPECT_EQ(OrderReason(*light, id), expected) << light->DebugString();
  EXPECT_EQ(light->supervision_orders(0).order(), order);
  EXPECT_EQ(light->supervision_orders(0).level(), "yellow");
  EXPECT_EQ(light->supervision_orders(0).reply_due_date().day(), reply_day.day());
  EXPECT_EQ(light->supervision_orders(0).overdue_organizations_size(), 0);
  const iv1::Scorecard* card = CardOf(plan, lead_name);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->supervision().orders(), 1);
  EXPECT_EQ(card->supervision().open(), 1);
  EXPECT_EQ(card->supervision().replies_due(), 0);

  // As of a day after the reply day, no reply: red, the organization overdue.
  auto check_overdue = [&](const iv1::EvaluatePlanResponse& late) {
    const iv1::MeasureLight* l = LightOf(late, measure);
    ASSERT_NE(l, nullptr);
    EXPECT_EQ(l->colour(), iv1::MEASURE_COLOUR_RED) << l->DebugString();
    EXPECT_EQ(OrderReason(*l, id), absl::StrCat(expected, "; ", lead_name, " overdue"))
        << l->DebugString();
    ASSERT_EQ(l->supervision_orders_size(), 1);
    EXPECT_THAT(l->supervision_orders(0).overdue_organizations(),
                ::testing::ElementsAre(lead_name));
    const iv1::Scorecard* c = CardOf(late, lead_name);
    ASSERT_NE(c, nullptr);
    EXPECT_EQ(c->supervision().replies_due(), 1);
    EXPECT_EQ(c->supervision().replies_overdue(), 1);
    EXPECT_EQ(c->supervision().replies_on_time(), 0);
    EXPECT_THAT(c->supervision().overdue(),
                ::testing::ElementsAre(
                    absl::StrCat(id, " (黄色督办, reply due ", DayText(reply_day), ")")));
    // Not scored by default.
    for (const iv1::ScoreComponent& comp : c->components()) {
      EXPECT_NE(comp.name(), "supervision_replies_on_time");
    }
  };
  check_overdue(EvaluatePlan(after));

  // Durable: the same after a restart of the indicator service.
  ASSERT_OK(cluster_.Stop("indicator").status());
  ASSERT_OK_AND_ASSIGN(const std::string again, cluster_.Restart("indicator"));
  indicator_ = iv1::IndicatorService::NewStub(
      grpc::CreateChannel(again, grpc::InsecureChannelCredentials()));
  ASSERT_TRUE(Eventually([&] {
    iv1::EvaluatePlanResponse response;
    if (!TryEvaluatePlan(after, &response).ok()) return false;
    const iv1::MeasureLight* l = LightOf(response, measure);
    return l != nullptr && l->supervision_orders_size() == 1;
  })) << cluster_.Log("indicator");
  check_overdue(EvaluatePlan(after));

  // Replied, accepted and closed: the light no longer cites the order.
  pv1::ReplySupervisionOrderRequest reply;
  reply.set_name(order);
  reply.set_organization(lead);
  reply.set_content("已完成整改，附整改材料");
  reply.add_evidence_links("https://www.bjmtg.gov.cn/evidence/supervision/lights.jpg");
  reply.set_request_id("reply-lights");
  pv1::ReplySupervisionOrderResponse replied;
  s = progress->ReplySupervisionOrder(Context().get(), reply, &replied);
  ASSERT_TRUE(s.ok()) << s.error_message();
  pv1::VerifySupervisionReplyRequest verify;
  verify.set_name(order);
  verify.set_organization(lead);
  verify.set_decision(pv1::DECISION_APPROVE);
  pv1::VerifySupervisionReplyResponse verified;
  s = progress->VerifySupervisionReply(Context().get(), verify, &verified);
  ASSERT_TRUE(s.ok()) << s.error_message();
  pv1::CloseSupervisionOrderRequest close;
  close.set_name(order);
  close.set_comment("予以销号");
  pv1::CloseSupervisionOrderResponse closed;
  s = progress->CloseSupervisionOrder(Context().get(), close, &closed);
  ASSERT_TRUE(s.ok()) << s.error_message();

  ASSERT_TRUE(Eventually([&] {
    plan = EvaluatePlan(after);
    const iv1::MeasureLight* l = LightOf(plan, measure);
    return l != nullptr && l->supervision_orders_size() == 0;
  })) << cluster_.Log("indicator");
  light = LightOf(plan, measure);
  EXPECT_EQ(OrderReason(*light, id), "") << light->DebugString();
  card = CardOf(plan, lead_name);
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->supervision().orders(), 1);
  EXPECT_EQ(card->supervision().open(), 0);
  EXPECT_EQ(card->supervision().replies_overdue(), 0);  // closed before its reply day
  EXPECT_EQ(card->supervision().overdue_size(), 0);
  // Closed today: as of today (its end) not cited either.
  EXPECT_EQ(LightOf(EvaluatePlan(today), measure)->supervision_orders_size(), 0);
}

TEST_F(SupervisionLightsE2eTest, ALedgerColoursItsMeasureByItsUnresolvedAndOverdueItems) {
  ASSERT_OK_AND_ASSIGN(const std::string registry_address, cluster_.Start("registry"));
  auto registry = rv1::RegistryService::NewStub(
      grpc::CreateChannel(registry_address, grpc::InsecureChannelCredentials()));
  ASSERT_OK_AND_ASSIGN(const std::string progress_address,
                       cluster_.Start("progress", Following({"registry"})));
  auto progress = pv1::ProgressService::NewStub(
      grpc::CreateChannel(progress_address, grpc::InsecureChannelCredentials()));
  ASSERT_NO_FATAL_FAILURE(StartIndicator());

  rv1::ImportPlanRequest import;
  import.set_document_text(ReadFile(kSeed).value());
  rv1::ImportPlanResponse imported;
  grpc::Status s = registry->ImportPlan(Context().get(), import, &imported);
  ASSERT_TRUE(s.ok()) << s.error_message();
  plan_ = imported.plan().name();
  // The 排污口 measure (以违规排污口动态清零为目标) and its lead organization.
  const std::string measure = plan_ + "/measures/a1-t25-m3";
  rv1::GetMeasureRequest get_measure;
  get_measure.set_name(measure);
  rv1::GetMeasureResponse got;
  s = registry->GetMeasure(Context().get(), get_measure, &got);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_TRUE(absl::StrContains(got.measure().text(), "动态清零")) << got.measure().text();
  ASSERT_GT(got.measure().lead_organizations_size(), 0);
  const std::string owner = got.measure().lead_organizations(0).organization();
  ASSERT_FALSE(owner.empty());

  const absl::CivilDay today = TodayInShanghai();
  // One outlet due in ten days, one recorded late: its day already passed.
  const std::string csv =
      absl::StrCat("编号,名称,责任单位,整改期限,类别,位置\n", "PWK-001,永定河左岸排口,", owner, ",",
                   DayText(today + 10), ",排污口,永定河左岸\n", "PWK-002,清水河排口,", owner, ",",
                   DayText(today - 1), ",排污口,清水河\n");
  pv1::ImportProblemItemsRequest import_items;
  import_items.set_parent(plan_);
  import_items.set_measure(measure);
  import_items.set_csv(csv);
  import_items.set_request_id("ledger-lights");
  pv1::ImportProblemItemsResponse items;
  ASSERT_TRUE(Eventually([&] {
    s = progress->ImportProblemItems(Context().get(), import_items, &items);
    return s.ok();
  })) << s.error_message();
  ASSERT_EQ(items.errors_size(), 0) << items.DebugString();
  ASSERT_EQ(items.items_size(), 2);
  const std::string late_item = items.items(1).name();

  auto ledger_of = [&](const iv1::EvaluatePlanResponse& plan) {
    const iv1::MeasureLight* l = LightOf(plan, measure);
    return l != nullptr && l->has_problems() ? l->problems() : iv1::MeasureProblemLedger();
  };
  iv1::EvaluatePlanResponse plan;
  // Until the indicator server has the plan from the registry, EvaluatePlan is
  // FAILED_PRECONDITION ("run SyncPlan first"): asked again, not failed.
  ASSERT_TRUE(Eventually([&] {
    return TryEvaluatePlan(today, &plan).ok() && ledger_of(plan).total() == 2;
  })) << cluster_.Log("indicator");
  iv1::MeasureProblemLedger ledger = ledger_of(plan);
  EXPECT_EQ(ledger.unresolved(), 2);
  EXPECT_EQ(ledger.overdue(), 1);
  EXPECT_TRUE(ledger.clear_all_required());
  ASSERT_EQ(ledger.overdue_items_size(), 1);
  EXPECT_TRUE(
      absl::StartsWith(ledger.overdue_items(0), absl::StrCat("PWK-002 (due ", DayText(today - 1))))
      << ledger.DebugString();
  const iv1::MeasureLight* light = LightOf(plan, measure);
  EXPECT_EQ(light->colour(), iv1::MEASURE_COLOUR_RED) << light->DebugString();
  EXPECT_THAT(light->reasons(),
              ::testing::Contains(::testing::StartsWith("问题清单: 2 of 2 items unresolved")))
      << light->DebugString();

  // The owner claims the late one rectified: the clock stops, nothing overdue.
  auto step = [&](const std::string& name, pv1::ProblemTransition t) {
    pv1::TransitionProblemItemRequest r;
    r.set_name(name);
    r.set_transition(t);
    r.add_evidence_links("https://www.bjmtg.gov.cn/evidence/outlets/pwk.jpg");
    pv1::TransitionProblemItemResponse out;
    grpc::Status status = progress->TransitionProblemItem(Context().get(), r, &out);
    EXPECT_TRUE(status.ok()) << status.error_message();
  };
  step(late_item, pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED);
  ASSERT_TRUE(Eventually([&] {
    plan = EvaluatePlan(today);
    return ledger_of(plan).claimed() == 1;
  })) << cluster_.Log("indicator");
  ledger = ledger_of(plan);
  EXPECT_EQ(ledger.unresolved(), 2);
  EXPECT_EQ(ledger.overdue(), 0);
  EXPECT_EQ(ledger.overdue_items_size(), 0);

  // Verified and closed, both: the ledger is cleared.
  step(late_item, pv1::PROBLEM_TRANSITION_VERIFY);
  step(late_item, pv1::PROBLEM_TRANSITION_CLOSE);
  step(items.items(0).name(), pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED);
  step(items.items(0).name(), pv1::PROBLEM_TRANSITION_VERIFY);
  ASSERT_TRUE(Eventually([&] {
    plan = EvaluatePlan(today);
    return ledger_of(plan).unresolved() == 0;
  })) << cluster_.Log("indicator");
  ledger = ledger_of(plan);
  EXPECT_EQ(ledger.total(), 2);
  EXPECT_EQ(ledger.overdue(), 0);
  EXPECT_EQ(ledger.claimed(), 0);
  // Its owner's scorecard counts the items it owns.
  std::string owner_name;
  rv1::GetOrganizationRequest get_org;
  get_org.set_name(owner);
  rv1::GetOrganizationResponse org;
  ASSERT_TRUE(registry->GetOrganization(Context().get(), get_org, &org).ok());
  const iv1::Scorecard* card = CardOf(plan, org.organization().display_name());
  ASSERT_NE(card, nullptr);
  EXPECT_EQ(card->problems().total(), 2);
  EXPECT_EQ(card->problems().unresolved(), 0);
  EXPECT_EQ(card->problems().overdue(), 0);
}

}  // namespace
}  // namespace ecoplan::testing
