// The mappings of supervision orders, problem items, reports awaiting review,
// extension requests, completion declarations and the registry's supervision
// tasks to UpstreamInputs (synthetic events; no server).

#include "services/notification/upstream_progress_mapping.h"

#include <gtest/gtest.h>

#include "common/events/event_log.h"
#include "common/mapping/proto_values.h"
#include "services/notification/testing/upstream_testing.h"
#include "services/notification/upstream_followers.h"

namespace ecoplan::notification {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
namespace rv1 = ::ecoplan::registry::v1;

pv1::SupervisionOrder SampleOrder() {
  pv1::SupervisionOrder o;
  o.set_name("plans/2026-abc/supervisionOrders/2026-001");
  o.set_title("渣土车遗撒问题");
  o.set_description("请核实处置");
  o.mutable_source()->set_kind(pv1::SUPERVISION_SOURCE_KIND_HOTLINE_TICKET);
  o.mutable_source()->set_reference("12345-0042");
  o.set_level(pv1::SUPERVISION_LEVEL_YELLOW);
  o.add_measures("plans/2026-abc/measures/a1-t1-m1");
  pv1::SupervisionAddressee* a = o.add_addressees();
  a->set_organization("organizations/o-a");
  a->set_state(pv1::SUPERVISION_REPLY_STATE_REPLIED);
  a = o.add_addressees();
  a->set_organization("organizations/o-b");
  a->set_state(pv1::SUPERVISION_REPLY_STATE_AWAITING_REPLY);
  SetDate(o.mutable_reply_due_date(), 2026, 4, 8);
  *o.mutable_reply_due_time() = common::TimeToProto(absl::FromUnixSeconds(1775664000));
  o.set_state(pv1::SUPERVISION_ORDER_STATE_OPEN);
  o.set_issuing_organization("organizations/o-duchashi");
  return o;
}

TEST(UpstreamProgressMappingTest, ARepliedOrderCarriesTheWholeOrderAndTheReply) {
  pv1::SupervisionOrderReplied payload;
  *payload.mutable_order() = SampleOrder();
  payload.set_organization("organizations/o-a");
  payload.mutable_reply()->set_content("已清理");
  payload.mutable_reply()->set_late(true);
  common::v1::Event event = common::MakeEvent(payload, payload.order().name());
  event.set_source("progress");
  event.set_sequence(7);
  absl::StatusOr<UpstreamInput> in = ProgressInput(event);
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kSupervisionOrder);
  EXPECT_EQ(in->event_ref, "progress#7");
  EXPECT_EQ(in->plan_id, "2026-abc");
  const SupervisionOrderInput& s = in->supervision;
  EXPECT_EQ(s.change, SupervisionOrderInput::Change::kReplied);
  EXPECT_TRUE(s.open);
  EXPECT_EQ(s.organization_id, "o-a");
  EXPECT_EQ(s.reply_content, "已清理");
  EXPECT_TRUE(s.reply_late);
  EXPECT_EQ(s.description, "请核实处置");
  EXPECT_EQ(s.measure_ids, std::vector<std::string>{"a1-t1-m1"});
  EXPECT_EQ(s.order.name, "plans/2026-abc/supervisionOrders/2026-001");
  EXPECT_EQ(s.order.order_id, "2026-001");
  EXPECT_EQ(s.order.level, SupervisionLevel::kYellow);
  EXPECT_EQ(s.order.issuing_organization, "o-duchashi");
  EXPECT_EQ(s.order.source, "12345 接诉即办 工单 12345-0042");
  EXPECT_EQ(s.order.reply_due_date, absl::CivilDay(2026, 4, 8));
  EXPECT_EQ(s.order.reply_due_time, absl::FromUnixSeconds(1775664000));
  ASSERT_EQ(s.order.addressees.size(), 2u);
  EXPECT_EQ(s.order.addressees[0].organization_id, "o-a");
  EXPECT_EQ(s.order.addressees[0].state, AddresseeState::kReplied);
  EXPECT_EQ(s.order.addressees[1].state, AddresseeState::kAwaitingReply);
  EXPECT_EQ(s.order.requesting_organization, "");  // none
}

TEST(UpstreamProgressMappingTest, TheRequestingOrganizationIsMappedToItsId) {
  pv1::SupervisionOrderIssued issued;
  *issued.mutable_order() = SampleOrder();
  issued.mutable_order()->set_requesting_organization("organizations/o-center");
  absl::StatusOr<UpstreamInput> in = ProgressInput(common::MakeEvent(issued, "x"));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->supervision.change, SupervisionOrderInput::Change::kIssued);
  EXPECT_EQ(in->supervision.order.requesting_organization, "o-center");
  EXPECT_EQ(SupervisionOrderViewFromProto(issued.order()).requesting_organization, "o-center");
}

TEST(UpstreamProgressMappingTest, RaisedReturnedAndClosedOrders) {
  pv1::SupervisionOrderLevelRaised raised;
  *raised.mutable_order() = SampleOrder();
  raised.mutable_order()->set_level(pv1::SUPERVISION_LEVEL_RED);
  raised.mutable_change()->set_from_level(pv1::SUPERVISION_LEVEL_YELLOW);
  raised.mutable_change()->set_reason("反复投诉");
  absl::StatusOr<UpstreamInput> in = ProgressInput(common::MakeEvent(raised, "x"));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->supervision.change, SupervisionOrderInput::Change::kLevelRaised);
  EXPECT_EQ(in->supervision.from_level, SupervisionLevel::kYellow);
  EXPECT_EQ(in->supervision.order.level, SupervisionLevel::kRed);
  EXPECT_EQ(in->supervision.comment, "反复投诉");

  pv1::SupervisionOrderReplyReturned returned;
  *returned.mutable_order() = SampleOrder();
  returned.set_organization("organizations/o-a");
  returned.mutable_reply()->set_verdict_comment("缺照片");
  in = ProgressInput(common::MakeEvent(returned, "x"));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->supervision.change, SupervisionOrderInput::Change::kReplyReturned);
  EXPECT_EQ(in->supervision.organization_id, "o-a");
  EXPECT_EQ(in->supervision.comment, "缺照片");

  pv1::SupervisionOrderClosed closed;
  *closed.mutable_order() = SampleOrder();
  closed.mutable_order()->set_state(pv1::SUPERVISION_ORDER_STATE_CLOSED);
  closed.mutable_order()->set_close_comment("到位");
  in = ProgressInput(common::MakeEvent(closed, "x"));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->supervision.change, SupervisionOrderInput::Change::kClosed);
  EXPECT_FALSE(in->supervision.open);
  EXPECT_EQ(in->supervision.comment, "到位");
}

TEST(UpstreamProgressMappingTest, AProblemItemTransitionCarriesTheItemAndTheStep) {
  pv1::ProblemItemTransitioned payload;
  pv1::ProblemItem* item = payload.mutable_item();
  item->set_name("plans/2026-abc/problems/p-7");
  item->set_measure("plans/2026-abc/measures/a1-t1-m1");
  item->set_code("PK-017");
  item->set_title("排污口");
  item->set_organization("organizations/o-a");
  SetDate(item->mutable_rectification_due_date(), 2026, 4, 10);
  item->set_state(pv1::PROBLEM_STATE_RECTIFYING);
  payload.set_from_state(pv1::PROBLEM_STATE_CLOSED);
  payload.mutable_step()->set_transition(pv1::PROBLEM_TRANSITION_REOPEN);
  payload.mutable_step()->set_comment("复查不合格");
  *payload.mutable_step()->mutable_step_time() =
      common::TimeToProto(absl::FromUnixSeconds(1776500000));
  absl::StatusOr<UpstreamInput> in = ProgressInput(common::MakeEvent(payload, item->name()));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kProblemItem);
  EXPECT_EQ(in->plan_id, "2026-abc");
  EXPECT_EQ(in->problem.transition, ProblemTransition::kReopen);
  EXPECT_EQ(in->problem.from_state, ProblemState::kClosed);
  EXPECT_EQ(in->problem.comment, "复查不合格");
  EXPECT_EQ(in->problem.item.name, "plans/2026-abc/problems/p-7");
  EXPECT_EQ(in->problem.item.measure_id, "a1-t1-m1");
  EXPECT_EQ(in->problem.item.owner, "o-a");
  EXPECT_EQ(in->problem.item.code, "PK-017");
  EXPECT_EQ(in->problem.item.state, ProblemState::kRectifying);
  EXPECT_EQ(in->problem.item.rectification_due, absl::CivilDay(2026, 4, 10));
  EXPECT_EQ(in->problem.step_time, absl::FromUnixSeconds(1776500000));

  pv1::ProblemItemOpened opened;
  *opened.mutable_item() = *item;
  opened.mutable_item()->set_state(pv1::PROBLEM_STATE_OPEN);
  opened.mutable_item()->set_location("永定河左岸三家店段");
  opened.mutable_item()->set_source("督察反馈");
  opened.mutable_item()->set_description("雨污混接");
  in = ProgressInput(common::MakeEvent(opened, item->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->type, UpstreamInput::Type::kProblemItem);
  EXPECT_EQ(in->problem.transition, ProblemTransition::kUnspecified);
  EXPECT_EQ(in->problem.from_state, ProblemState::kUnspecified);
  EXPECT_EQ(in->problem.item.state, ProblemState::kOpen);
  EXPECT_EQ(in->problem.location, "永定河左岸三家店段");
  EXPECT_EQ(in->problem.source, "督察反馈");
  EXPECT_EQ(in->problem.description, "雨污混接");
  EXPECT_EQ(in->problem.step_time, absl::InfinitePast());
}

TEST(UpstreamProgressMappingTest, OnlySubmittedReportsAwaitReview) {
  pv1::ReportSubmitted submitted;
  pv1::Report* r = submitted.mutable_report();
  r->set_name("plans/2026-abc/reports/o-b_2026-05");
  r->set_organization("organizations/o-b");
  r->set_period("2026-05");
  r->set_state(pv1::REPORT_STATE_SUBMITTED);
  absl::StatusOr<UpstreamInput> in = ProgressInput(common::MakeEvent(submitted, r->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(in->awaiting_review);
  pv1::ReportRevised revised;
  *revised.mutable_report() = *r;
  in = ProgressInput(common::MakeEvent(revised, r->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_TRUE(in->awaiting_review);
  revised.mutable_report()->set_state(pv1::REPORT_STATE_RETURNED);  // revised, not resubmitted
  in = ProgressInput(common::MakeEvent(revised, r->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_FALSE(in->awaiting_review);
  pv1::ReportAccepted accepted;
  *accepted.mutable_report() = *r;
  accepted.mutable_report()->set_state(pv1::REPORT_STATE_ACCEPTED);
  in = ProgressInput(common::MakeEvent(accepted, r->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->type, UpstreamInput::Type::kReportSubmitted);
  EXPECT_FALSE(in->awaiting_review);
}

TEST(UpstreamProgressMappingTest, ExtensionRequestsAndCompletionDeclarations) {
  pv1::ExtensionRequested ext;
  pv1::Extension* e = ext.mutable_extension();
  e->set_name("plans/2026-abc/measures/a1-t1-m1/extensions/2");
  e->set_measure("plans/2026-abc/measures/a1-t1-m1");
  e->set_organization("organizations/o-a");
  e->set_request_number(2);
  SetDate(e->mutable_current_due_date(), 2026, 6, 30);
  SetDate(e->mutable_requested_due_date(), 2026, 9, 30);
  e->set_reason("采购延迟");
  absl::StatusOr<UpstreamInput> in = ProgressInput(common::MakeEvent(ext, e->name()));
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kExtensionRequested);
  EXPECT_EQ(in->plan_id, "2026-abc");
  EXPECT_EQ(in->bureau_request.name, e->name());
  EXPECT_EQ(in->bureau_request.measure_id, "a1-t1-m1");
  EXPECT_EQ(in->bureau_request.organization_id, "o-a");
  EXPECT_EQ(in->bureau_request.number, 2);
  EXPECT_EQ(in->bureau_request.current_due, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(in->bureau_request.requested_due, absl::CivilDay(2026, 9, 30));
  EXPECT_EQ(in->bureau_request.text, "采购延迟");

  pv1::CompletionDeclared declared;
  pv1::Completion* c = declared.mutable_completion();
  c->set_name("plans/2026-abc/measures/a1-t1-m1/completions/1");
  c->set_measure("plans/2026-abc/measures/a1-t1-m1");
  c->set_organization("organizations/o-a");
  c->set_declaration_number(1);
  c->set_description("已完成");
  in = ProgressInput(common::MakeEvent(declared, c->name()));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->type, UpstreamInput::Type::kCompletionDeclared);
  EXPECT_EQ(in->bureau_request.text, "已完成");
  EXPECT_EQ(in->bureau_request.number, 1);
}

TEST(UpstreamProgressMappingTest, ASupervisionTaskCarriesEveryMeasure) {
  rv1::SupervisionTaskCreated payload;
  rv1::Task* t = payload.mutable_task();
  t->set_name("plans/2026-abc/tasks/s1");
  t->set_title("渣土车治理");
  for (const char* id : {"s1-m1", "s1-m2"}) {
    rv1::Measure* m = t->add_measures();
    m->set_name(absl::StrCat("plans/2026-abc/measures/", id));
    m->set_text(absl::StrCat("措施 ", id));
    m->add_lead_organizations()->set_organization("organizations/o-a");
  }
  absl::StatusOr<UpstreamInput> in =
      RegistryInput(common::MakeEvent(payload, t->name()),
                    [](const std::string&) -> absl::StatusOr<rv1::ExportPlanResponse> {
                      return absl::InternalError("not called");
                    });
  ASSERT_TRUE(in.ok()) << in.status();
  EXPECT_EQ(in->type, UpstreamInput::Type::kSupervisionTask);
  EXPECT_EQ(in->plan_id, "2026-abc");
  EXPECT_EQ(in->task_title, "渣土车治理");
  ASSERT_EQ(in->measures.size(), 2u);
  EXPECT_EQ(in->measures[0].id, "s1-m1");
  EXPECT_EQ(in->measures[1].id, "s1-m2");
  EXPECT_EQ(in->measures[1].lead_organizations, std::vector<std::string>{"o-a"});
}

}  // namespace
}  // namespace ecoplan::notification
