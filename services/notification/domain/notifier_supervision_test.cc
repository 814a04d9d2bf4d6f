// Notifier unit tests of supervision as a workflow (督办): orders issued,
// replied, returned, raised and closed; 催办 by the schedule with escalation
// and resolution; problem ledger items; what awaits the bureau; supervision
// tasks. The events are synthetic UpstreamInputs.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

using ::testing::HasSubstr;

constexpr char kOrder[] = "plans/2026-abc/supervisionOrders/2026-001";
constexpr char kProblem[] = "plans/2026-abc/problems/p-7";

// A yellow order of the 督查室 (o-duchashi) to o-a and o-b, replies due 2026-04-08.
SupervisionOrderView SampleOrder() {
  SupervisionOrderView o;
  o.name = kOrder;
  o.plan_id = "2026-abc";
  o.order_id = "2026-001";
  o.title = "渣土车遗撒问题";
  o.level = SupervisionLevel::kYellow;
  o.addressees = {{"o-a", AddresseeState::kAwaitingReply}, {"o-b", AddresseeState::kAwaitingReply}};
  o.reply_due_date = absl::CivilDay(2026, 4, 8);
  o.issuing_organization = "o-duchashi";
  o.source = "12345 接诉即办 工单 12345-0042";
  return o;
}

class SupervisionTest : public NotifierTest {
 protected:
  UpstreamInput OrderEvent(SupervisionOrderInput::Change change, SupervisionOrderView order,
                           int sequence) {
    UpstreamInput in;
    in.type = UpstreamInput::Type::kSupervisionOrder;
    in.event_ref = absl::StrCat("progress#", sequence);
    in.plan_id = "2026-abc";
    in.resource = order.name;
    in.supervision.change = change;
    in.supervision.order = std::move(order);
    in.supervision.open = change != SupervisionOrderInput::Change::kClosed;
    in.supervision.description = "请核实处置并回复";
    in.supervision.measure_ids = {"a1-t1-m1"};
    return in;
  }

  void Issue(SupervisionOrderView order, int sequence = 10) {
    Upstream(OrderEvent(SupervisionOrderInput::Change::kIssued, std::move(order), sequence));
  }

  // `org` replied: its state becomes REPLIED.
  void Reply(SupervisionOrderView* order, const std::string& org, int sequence) {
    for (auto& a : order->addressees) {
      if (a.organization_id == org) a.state = AddresseeState::kReplied;
    }
    UpstreamInput in = OrderEvent(SupervisionOrderInput::Change::kReplied, *order, sequence);
    in.supervision.organization_id = org;
    in.supervision.reply_content = "已清理路面并约谈运输企业";
    Upstream(in);
  }

  UpstreamInput ProblemEvent(ProblemState state, ProblemTransition transition, int sequence) {
    UpstreamInput in;
    in.type = UpstreamInput::Type::kProblemItem;
    in.event_ref = absl::StrCat("progress#", sequence);
    in.plan_id = "2026-abc";
    in.resource = kProblem;
    ProblemItemView& p = in.problem.item;
    p.name = kProblem;
    p.plan_id = "2026-abc";
    p.measure_id = "a1-t1-m1";
    p.code = "PK-017";
    p.title = "永定河左岸排污口";
    p.owner = "o-a";
    p.state = state;
    p.rectification_due = absl::CivilDay(2026, 4, 10);
    in.problem.transition = transition;
    return in;
  }

  std::set<std::string> Recipients(Kind kind) {
    std::set<std::string> out;
    for (const Notification& n : OfKind(kind)) out.insert(n.recipient);
    return out;
  }
};

TEST_F(SupervisionTest, IssuedNotifiesEachAddresseeOnceWithSeverityByLevel) {
  ImportPlan();
  Issue(SampleOrder());
  std::vector<Notification> n = OfKind(Kind::kSupervisionOrderIssued);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(Recipients(Kind::kSupervisionOrderIssued), (std::set<std::string>{"o-a", "o-b"}));
  for (const Notification& x : n) {
    EXPECT_EQ(x.severity, Severity::kWarning);  // 黄色
    EXPECT_EQ(x.resource, kOrder);
    EXPECT_EQ(x.period, "2026-04-08");
    EXPECT_THAT(x.title, HasSubstr("黄色督办"));
    EXPECT_THAT(x.title, HasSubstr("督办单 2026-001"));
    EXPECT_THAT(x.title, HasSubstr("2026-04-08前回复"));
    EXPECT_THAT(x.body, HasSubstr("12345-0042"));
    EXPECT_THAT(x.body, HasSubstr("a1-t1-m1（推广新能源货车）"));
    EXPECT_THAT(x.body, HasSubstr("请核实处置并回复"));
  }
  // A replayed event notifies no one twice.
  Issue(SampleOrder());
  EXPECT_EQ(OfKind(Kind::kSupervisionOrderIssued).size(), 2u);

  SupervisionOrderView red = SampleOrder();
  red.name = "plans/2026-abc/supervisionOrders/2026-002";
  red.order_id = "2026-002";
  red.level = SupervisionLevel::kRed;
  Issue(red, 11);
  n = OfKind(Kind::kSupervisionOrderIssued);
  ASSERT_EQ(n.size(), 4u);
  EXPECT_EQ(n[3].severity, Severity::kCritical);
  EXPECT_THAT(n[3].title, HasSubstr("红色督办"));
}

TEST_F(SupervisionTest, ReplyGoesToTheIssuerElseTheBureauWithTheDayToVerifyBy) {
  ImportPlan();
  SupervisionOrderView order = SampleOrder();
  Issue(order);
  Reply(&order, "o-a", 11);
  std::vector<Notification> n = OfKind(Kind::kSupervisionReplyReceived);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-duchashi");
  EXPECT_THAT(n[0].title, HasSubstr("区交通局已回复督办单 2026-001（黄色督办）"));
  EXPECT_THAT(n[0].body, HasSubstr("已清理路面"));
  // 5 working days after Wednesday 2026-04-01 (weekends off).
  EXPECT_EQ(n[0].period, "2026-04-08");

  // Without an issuing organization: the bureau; holidays count (清明 04-06 off).
  UpstreamInput holidays;
  holidays.type = UpstreamInput::Type::kHolidaysLoaded;
  holidays.event_ref = "progress#12";
  holidays.holidays.year = 2026;
  holidays.holidays.holidays = {absl::CivilDay(2026, 4, 4), absl::CivilDay(2026, 4, 5),
                                absl::CivilDay(2026, 4, 6)};
  Upstream(holidays);
  SupervisionOrderView other = SampleOrder();
  other.name = "plans/2026-abc/supervisionOrders/2026-003";
  other.order_id = "2026-003";
  other.issuing_organization.clear();
  Issue(other, 13);
  Reply(&other, "o-b", 14);
  n = OfKind(Kind::kSupervisionReplyReceived);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].recipient, "o-bureau");
  EXPECT_EQ(n[1].period, "2026-04-09");
}

TEST_F(SupervisionTest, ReturnRaiseAndCloseTellTheRightOrganizations) {
  ImportPlan();
  SupervisionOrderView order = SampleOrder();
  Issue(order);
  Reply(&order, "o-a", 11);

  order.addressees[0].state = AddresseeState::kReturned;
  UpstreamInput returned = OrderEvent(SupervisionOrderInput::Change::kReplyReturned, order, 12);
  returned.supervision.organization_id = "o-a";
  returned.supervision.comment = "未附现场照片";
  Upstream(returned);
  std::vector<Notification> n = OfKind(Kind::kSupervisionReplyReturned);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-a");
  EXPECT_THAT(n[0].title, HasSubstr("督办单 2026-001（黄色督办）的回复被退回"));
  EXPECT_THAT(n[0].body, HasSubstr("退回理由：未附现场照片"));
  EXPECT_EQ(n[0].period, "2026-04-08");

  // o-b's reply was accepted; the raise goes to o-a only, critical for red.
  order.addressees[1].state = AddresseeState::kAccepted;
  order.level = SupervisionLevel::kRed;
  order.reply_due_date = absl::CivilDay(2026, 4, 3);
  UpstreamInput raised = OrderEvent(SupervisionOrderInput::Change::kLevelRaised, order, 13);
  raised.supervision.from_level = SupervisionLevel::kYellow;
  raised.supervision.comment = "群众反复投诉";
  Upstream(raised);
  n = OfKind(Kind::kSupervisionLevelRaised);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-a");
  EXPECT_EQ(n[0].severity, Severity::kCritical);
  EXPECT_THAT(n[0].title, HasSubstr("督办升级为红色督办"));
  EXPECT_THAT(n[0].title, HasSubstr("2026-04-03前回复"));
  EXPECT_THAT(n[0].body, HasSubstr("原等级：黄色督办"));
  EXPECT_THAT(n[0].body, HasSubstr("群众反复投诉"));

  UpstreamInput closed = OrderEvent(SupervisionOrderInput::Change::kClosed, order, 14);
  closed.supervision.comment = "整改到位";
  Upstream(closed);
  EXPECT_EQ(Recipients(Kind::kSupervisionOrderClosed),
            (std::set<std::string>{"o-a", "o-b", "o-duchashi"}));
  for (const Notification& x : OfKind(Kind::kSupervisionOrderClosed)) {
    EXPECT_EQ(x.severity, Severity::kInfo);
    EXPECT_THAT(x.title, HasSubstr("督办单 2026-001（红色督办）已销号"));
  }
  // The closed order leaves the mirror: no 催办 after its deadline.
  clock_.Set(At(4, 20));
  Run();
  EXPECT_TRUE(OfKind(Kind::kSupervisionReplyOverdue).empty());
}

TEST_F(SupervisionTest, ReplyOverdueOncePerOrganizationAndDeadlineEscalatesAndResolves) {
  ImportPlan();
  ASSERT_OK(
      notifier_->SetContacts("o-b", {{ContactLevel::kDeputyHead, "王副局长", "13800000000"}}, "")
          .status());
  SupervisionOrderView order = SampleOrder();
  Issue(order);
  Reply(&order, "o-a", 11);
  clock_.Set(At(4, 8));  // the reply day itself: not late yet
  Run();
  EXPECT_TRUE(OfKind(Kind::kSupervisionReplyOverdue).empty());

  clock_.Set(At(4, 9));
  Run();
  std::vector<Notification> n = OfKind(Kind::kSupervisionReplyOverdue);
  ASSERT_EQ(n.size(), 1u);  // o-a replied
  EXPECT_EQ(n[0].recipient, "o-b");
  EXPECT_EQ(n[0].severity, Severity::kCritical);
  EXPECT_EQ(n[0].resource, kOrder);
  EXPECT_EQ(n[0].period, "2026-04-08");
  EXPECT_THAT(n[0].title,
              HasSubstr("催办：督办单 2026-001（黄色督办）已超过回复期限（2026-04-08）"));
  EXPECT_EQ(n[0].schedule_key,
            "supervision-reply-overdue|" + std::string(kOrder) + "|2026-04-09T00:00:00+08:00|o-b");

  // Durable: a restart keeps the mirror and the key; nothing twice.
  Restart();
  Run();
  EXPECT_EQ(OfKind(Kind::kSupervisionReplyOverdue).size(), 1u);

  // Three working days later (Thu 04-09 → Tue 04-14): to the deputy head.
  clock_.Set(At(4, 13));
  Run();
  EXPECT_EQ(OfKind(Kind::kSupervisionReplyOverdue).size(), 1u);
  clock_.Set(At(4, 14));
  Run();
  n = OfKind(Kind::kSupervisionReplyOverdue);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].level, ContactLevel::kDeputyHead);
  EXPECT_EQ(n[1].period, "2026-04-08");
  EXPECT_EQ(n[1].severity, Severity::kCritical);
  EXPECT_THAT(n[1].title, HasSubstr("【升级至分管领导】催办"));
  ASSERT_EQ(n[1].contacts.size(), 1u);

  // o-b replies: resolved, no further escalation.
  Reply(&order, "o-b", 12);
  clock_.Set(At(4, 30));
  Run();
  EXPECT_EQ(OfKind(Kind::kSupervisionReplyOverdue).size(), 2u);

  // Returned after the deadline, then a raise with a new deadline: a new 催办 after it.
  order.addressees[1].state = AddresseeState::kReturned;
  order.level = SupervisionLevel::kRed;
  order.reply_due_date = absl::CivilDay(2026, 5, 6);
  Upstream(OrderEvent(SupervisionOrderInput::Change::kLevelRaised, order, 13));
  Run();
  EXPECT_EQ(OfKind(Kind::kSupervisionReplyOverdue).size(), 2u);
  clock_.Set(At(5, 7));
  Run();
  n = OfKind(Kind::kSupervisionReplyOverdue);
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[2].recipient, "o-b");
  EXPECT_EQ(n[2].period, "2026-05-06");
  EXPECT_THAT(n[2].title, HasSubstr("红色督办"));
}

TEST_F(SupervisionTest, ExplicitReplyDueTimeIsTheInstantRepliesAreLateFrom) {
  ImportPlan();
  SupervisionOrderView order = SampleOrder();
  order.reply_due_time = At(4, 1) + absl::Seconds(5);
  order.reply_due_date = absl::CivilDay(2026, 4, 1);
  Issue(order);
  Run();
  EXPECT_TRUE(OfKind(Kind::kSupervisionReplyOverdue).empty());
  clock_.Advance(absl::Seconds(6));
  Run();
  EXPECT_EQ(Recipients(Kind::kSupervisionReplyOverdue), (std::set<std::string>{"o-a", "o-b"}));
}

TEST_F(SupervisionTest, ProblemItemOverdueClaimedAndReopened) {
  ImportPlan();
  Upstream(ProblemEvent(ProblemState::kOpen, ProblemTransition::kUnspecified, 20));
  clock_.Set(At(4, 10));
  Run();
  EXPECT_TRUE(OfKind(Kind::kProblemItemOverdue).empty());
  clock_.Set(At(4, 11));
  Run();
  Run();
  std::vector<Notification> n = OfKind(Kind::kProblemItemOverdue);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-a");
  EXPECT_EQ(n[0].severity, Severity::kCritical);
  EXPECT_EQ(n[0].resource, kProblem);
  EXPECT_EQ(n[0].period, "2026-04-10");
  EXPECT_THAT(n[0].title, HasSubstr("问题 PK-017「永定河左岸排污口」已超过整改期限（2026-04-10）"));

  UpstreamInput claimed =
      ProblemEvent(ProblemState::kRectificationClaimed, ProblemTransition::kClaimRectified, 21);
  claimed.problem.comment = "已封堵";
  claimed.problem.evidence_count = 2;
  Upstream(claimed);
  n = OfKind(Kind::kProblemRectificationClaimed);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-bureau");
  EXPECT_THAT(n[0].title, HasSubstr("待核查整改：区交通局申报问题 PK-017"));
  EXPECT_THAT(n[0].body, HasSubstr("已封堵"));
  EXPECT_EQ(n[0].period, "2026-04-17");  // Sat 04-11 + 5 working days

  // Resolved by the claim: no escalation even after the grace.
  clock_.Set(At(4, 20));
  Run();
  EXPECT_EQ(OfKind(Kind::kProblemItemOverdue).size(), 1u);

  UpstreamInput reopened = ProblemEvent(ProblemState::kRectifying, ProblemTransition::kReopen, 22);
  reopened.problem.comment = "复查仍有污水排出";
  Upstream(reopened);
  n = OfKind(Kind::kProblemItemReopened);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-a");
  EXPECT_THAT(n[0].title, HasSubstr("问题 PK-017「永定河左岸排污口」被重新打开"));
  EXPECT_THAT(n[0].body, HasSubstr("复查仍有污水排出"));
  EXPECT_EQ(n[0].period, "2026-04-10");
  // Replaying the transition notifies no one twice.
  Upstream(reopened);
  EXPECT_EQ(OfKind(Kind::kProblemItemReopened).size(), 1u);
}

TEST_F(SupervisionTest, ProblemItemOverdueEscalatesWhileRectifying) {
  ImportPlan();
  Upstream(ProblemEvent(ProblemState::kRectifying, ProblemTransition::kStartRectification, 20));
  clock_.Set(At(4, 13));  // Monday: overdue since the 10th
  Run();
  clock_.Set(At(4, 16));  // 3 working days
  Run();
  std::vector<Notification> n = OfKind(Kind::kProblemItemOverdue);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].level, ContactLevel::kDeputyHead);
  // Closed: leaves the mirror, stops.
  Upstream(ProblemEvent(ProblemState::kClosed, ProblemTransition::kClose, 21));
  clock_.Set(At(4, 30));
  Run();
  EXPECT_EQ(OfKind(Kind::kProblemItemOverdue).size(), 2u);
}

// The command center (o-center) asked for the order: told of its issue (已立督办, not asked to
// reply), of the raise and of the closing, each once; never when it is an addressee or the issuer.
TEST_F(SupervisionTest, TheRequestingOrganizationIsToldOfIssueRaiseAndClose) {
  ImportPlan();
  SupervisionOrderView order = SampleOrder();
  order.requesting_organization = "o-center";
  Issue(order);
  EXPECT_EQ(Recipients(Kind::kSupervisionOrderIssued),
            (std::set<std::string>{"o-a", "o-b", "o-center"}));
  std::vector<Notification> issued;
  for (const Notification& x : OfKind(Kind::kSupervisionOrderIssued)) {
    if (x.recipient == "o-center") {
      issued.push_back(x);
    } else {
      EXPECT_THAT(x.title, HasSubstr("前回复"));
    }
  }
  ASSERT_EQ(issued.size(), 1u);
  EXPECT_EQ(issued[0].title,
            "【黄色督办】已立督办：督办单 2026-001「渣土车遗撒问题」，回复期限2026-04-08");
  EXPECT_EQ(issued[0].body,
            "被督办单位：区交通局、龙泉镇\n"
            "督办单位：o-duchashi\n"
            "来源：12345 接诉即办 工单 12345-0042\n"
            "工作措施：a1-t1-m1（推广新能源货车）\n"
            "回复期限：2026-04-08\n"
            "督办要求：请核实处置并回复");
  EXPECT_EQ(issued[0].severity, Severity::kWarning);
  EXPECT_EQ(issued[0].period, "2026-04-08");
  EXPECT_EQ(issued[0].resource, kOrder);
  EXPECT_THAT(issued[0].explanation, HasSubstr("not asked to reply"));
  // A replay notifies no one twice.
  Issue(order);
  EXPECT_EQ(OfKind(Kind::kSupervisionOrderIssued).size(), 3u);
  // It owes no reply: no 催办 after the deadline.
  clock_.Set(At(4, 9));
  Run();
  EXPECT_EQ(Recipients(Kind::kSupervisionReplyOverdue), (std::set<std::string>{"o-a", "o-b"}));

  order.level = SupervisionLevel::kRed;
  order.reply_due_date = absl::CivilDay(2026, 4, 14);
  UpstreamInput raised = OrderEvent(SupervisionOrderInput::Change::kLevelRaised, order, 11);
  raised.supervision.from_level = SupervisionLevel::kYellow;
  raised.supervision.comment = "群众反复投诉";
  Upstream(raised);
  Upstream(raised);
  EXPECT_EQ(Recipients(Kind::kSupervisionLevelRaised),
            (std::set<std::string>{"o-a", "o-b", "o-center"}));
  EXPECT_EQ(OfKind(Kind::kSupervisionLevelRaised).size(), 3u);
  for (const Notification& x : OfKind(Kind::kSupervisionLevelRaised)) {
    EXPECT_EQ(x.severity, Severity::kCritical);
    if (x.recipient != "o-center") continue;
    EXPECT_EQ(x.title, "督办升级为红色督办：督办单 2026-001「渣土车遗撒问题」，回复期限2026-04-14");
    EXPECT_THAT(x.body, HasSubstr("升级理由：群众反复投诉"));
  }

  Upstream(OrderEvent(SupervisionOrderInput::Change::kClosed, order, 12));
  EXPECT_EQ(Recipients(Kind::kSupervisionOrderClosed),
            (std::set<std::string>{"o-a", "o-b", "o-duchashi", "o-center"}));
  EXPECT_EQ(OfKind(Kind::kSupervisionOrderClosed).size(), 4u);
}

TEST_F(SupervisionTest, ARequesterThatIsAnAddresseeOrTheIssuerIsNotToldTwice) {
  ImportPlan();
  SupervisionOrderView order = SampleOrder();
  order.requesting_organization = "o-a";  // an addressee
  Issue(order);
  EXPECT_EQ(OfKind(Kind::kSupervisionOrderIssued).size(), 2u);
  for (const Notification& x : OfKind(Kind::kSupervisionOrderIssued)) {
    EXPECT_THAT(x.title, HasSubstr("前回复"));
  }
  UpstreamInput raised = OrderEvent(SupervisionOrderInput::Change::kLevelRaised, order, 11);
  Upstream(raised);
  EXPECT_EQ(OfKind(Kind::kSupervisionLevelRaised).size(), 2u);
  Upstream(OrderEvent(SupervisionOrderInput::Change::kClosed, order, 12));
  EXPECT_EQ(OfKind(Kind::kSupervisionOrderClosed).size(), 3u);  // o-a, o-b, o-duchashi

  SupervisionOrderView by_issuer = SampleOrder();
  by_issuer.name = "plans/2026-abc/supervisionOrders/2026-009";
  by_issuer.order_id = "2026-009";
  by_issuer.requesting_organization = "o-duchashi";  // the issuer itself
  Issue(by_issuer, 13);
  EXPECT_EQ(OfKind(Kind::kSupervisionOrderIssued).size(), 4u);
  Upstream(OrderEvent(SupervisionOrderInput::Change::kClosed, by_issuer, 14));
  EXPECT_EQ(OfKind(Kind::kSupervisionOrderClosed).size(), 6u);
}

TEST_F(SupervisionTest, AnOpenedProblemItemTellsItsOwnerOnce) {
  ImportPlan();
  UpstreamInput opened = ProblemEvent(ProblemState::kOpen, ProblemTransition::kUnspecified, 20);
  opened.problem.location = "永定河左岸三家店段";
  opened.problem.source = "督察反馈";
  opened.problem.description = "雨污混接，晴天有污水排出";
  Upstream(opened);
  std::vector<Notification> n = OfKind(Kind::kProblemItemOpened);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-a");
  EXPECT_EQ(n[0].severity, Severity::kWarning);
  EXPECT_EQ(n[0].resource, kProblem);
  EXPECT_EQ(n[0].period, "2026-04-10");
  EXPECT_EQ(n[0].rule_id, "problem-item-opened");
  EXPECT_EQ(n[0].title, "新交办问题 PK-017「永定河左岸排污口」，请于2026-04-10前整改");
  EXPECT_EQ(n[0].body,
            "工作措施：a1-t1-m1（推广新能源货车）\n"
            "位置：永定河左岸三家店段\n"
            "来源：督察反馈\n"
            "问题描述：雨污混接，晴天有污水排出\n"
            "整改期限：2026-04-10");
  // A replay, and the item's later steps, tell no one of the opening again.
  Upstream(opened);
  Upstream(ProblemEvent(ProblemState::kRectifying, ProblemTransition::kStartRectification, 21));
  EXPECT_EQ(OfKind(Kind::kProblemItemOpened).size(), 1u);
  // Without a deadline.
  UpstreamInput undated = ProblemEvent(ProblemState::kOpen, ProblemTransition::kUnspecified, 22);
  undated.problem.item.name = "plans/2026-abc/problems/p-8";
  undated.problem.item.code = "PK-018";
  undated.problem.item.rectification_due.reset();
  Upstream(undated);
  n = OfKind(Kind::kProblemItemOpened);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[1].title, "新交办问题 PK-018「永定河左岸排污口」，请整改");
  EXPECT_THAT(n[1].body, HasSubstr("整改期限：无"));
  EXPECT_EQ(n[1].period, "");
}

TEST_F(SupervisionTest, AnImportOfManyItemsArrivesAsOneDigestWhenTheRuleHasAWindow) {
  ImportPlan();
  ASSERT_OK_AND_ASSIGN(Rule rule, notifier_->GetRule("problem-item-opened"));
  rule.digest_window = absl::Hours(1);
  ASSERT_OK(notifier_->UpdateRule(rule, RuleEtag(rule)).status());
  for (int i = 0; i < 3; ++i) {
    UpstreamInput opened =
        ProblemEvent(ProblemState::kOpen, ProblemTransition::kUnspecified, 20 + i);
    opened.problem.item.name = absl::StrCat("plans/2026-abc/problems/p-", 30 + i);
    opened.problem.item.code = absl::StrCat("PK-0", 30 + i);
    Upstream(opened);
  }
  EXPECT_TRUE(OfKind(Kind::kProblemItemOpened).empty());
  clock_.Advance(absl::Hours(1) + absl::Minutes(1));
  Run();
  std::vector<Notification> digests = OfKind(Kind::kDigest);
  ASSERT_EQ(digests.size(), 1u);
  EXPECT_EQ(digests[0].recipient, "o-a");
  ASSERT_EQ(digests[0].digest_items.size(), 3u);
  for (const DigestItem& item : digests[0].digest_items) {
    EXPECT_EQ(item.kind, Kind::kProblemItemOpened);
    EXPECT_THAT(item.title, HasSubstr("新交办问题 PK-03"));
  }
  EXPECT_TRUE(OfKind(Kind::kProblemItemOpened).empty());
}

TEST_F(SupervisionTest, AClosedProblemItemTellsItsOwnerAndTheMeasuresLead) {
  ImportPlan();
  clock_.Set(At(4, 20));
  // Owned by the responsible town o-b; the measure's lead is o-a.
  UpstreamInput closed = ProblemEvent(ProblemState::kClosed, ProblemTransition::kClose, 20);
  closed.problem.item.owner = "o-b";
  closed.problem.from_state = ProblemState::kVerified;
  closed.problem.comment = "复查合格，同意销号";
  absl::TimeZone zone;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &zone));
  closed.problem.step_time = absl::FromCivil(absl::CivilSecond(2026, 4, 18, 23, 30, 0), zone);
  Upstream(closed);
  Upstream(closed);  // a replay
  std::vector<Notification> n = OfKind(Kind::kProblemItemClosed);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(Recipients(Kind::kProblemItemClosed), (std::set<std::string>{"o-a", "o-b"}));
  for (const Notification& x : n) {
    EXPECT_EQ(x.severity, Severity::kInfo);
    EXPECT_EQ(x.period, "2026-04-18");  // the closing day in the plan's zone
    EXPECT_EQ(x.title, "问题 PK-017「永定河左岸排污口」已销号");
    EXPECT_EQ(x.body,
              "销号意见：复查合格，同意销号\n"
              "责任单位：龙泉镇\n"
              "工作措施：a1-t1-m1（推广新能源货车）\n"
              "整改期限：2026-04-10\n"
              "销号日期：2026-04-18");
    EXPECT_THAT(x.explanation,
                HasSubstr(x.recipient == "o-b" ? "the organization's problem item"
                                               : "a measure the organization leads"));
  }
  // Owned by the lead itself: told once.
  UpstreamInput own = ProblemEvent(ProblemState::kClosed, ProblemTransition::kClose, 21);
  own.problem.item.name = "plans/2026-abc/problems/p-9";
  Upstream(own);
  n = OfKind(Kind::kProblemItemClosed);
  ASSERT_EQ(n.size(), 3u);
  EXPECT_EQ(n[2].recipient, "o-a");
  EXPECT_EQ(n[2].period, "2026-04-20");  // no step time: the service's day
}

TEST_F(SupervisionTest, ReportsExtensionsAndCompletionsAwaitTheBureau) {
  ImportPlan();
  UpstreamInput report;
  report.type = UpstreamInput::Type::kReportSubmitted;
  report.event_ref = "progress#30";
  report.plan_id = "2026-abc";
  report.organization_id = "o-a";
  report.period = "2026-03";
  report.awaiting_review = true;
  Upstream(report);
  report.event_ref = "progress#31";
  report.awaiting_review = false;  // e.g. accepted
  Upstream(report);
  std::vector<Notification> n = OfKind(Kind::kReportAwaitingReview);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-bureau");
  EXPECT_EQ(n[0].resource, "plans/2026-abc/reports/o-a_2026-03");
  EXPECT_THAT(n[0].title, HasSubstr("待审报告：区交通局已报送2026-03报告"));
  EXPECT_EQ(n[0].period, "2026-04-08");

  UpstreamInput ext;
  ext.type = UpstreamInput::Type::kExtensionRequested;
  ext.event_ref = "progress#32";
  ext.plan_id = "2026-abc";
  ext.bureau_request.name = "plans/2026-abc/measures/a1-t1-m1/extensions/1";
  ext.bureau_request.measure_id = "a1-t1-m1";
  ext.bureau_request.organization_id = "o-a";
  ext.bureau_request.number = 1;
  ext.bureau_request.current_due = absl::CivilDay(2026, 6, 30);
  ext.bureau_request.requested_due = absl::CivilDay(2026, 9, 30);
  ext.bureau_request.text = "车辆采购延迟";
  Upstream(ext);
  n = OfKind(Kind::kExtensionRequested);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-bureau");
  EXPECT_EQ(n[0].resource, "plans/2026-abc/measures/a1-t1-m1/extensions/1");
  EXPECT_THAT(n[0].title,
              HasSubstr("延期申请：区交通局申请将工作措施 a1-t1-m1（推广新能源货车）的完成时限由"
                        "2026-06-30延至2026-09-30"));
  EXPECT_THAT(n[0].body, HasSubstr("车辆采购延迟"));
  EXPECT_EQ(n[0].period, "2026-04-08");

  UpstreamInput done = ext;
  done.type = UpstreamInput::Type::kCompletionDeclared;
  done.event_ref = "progress#33";
  done.bureau_request.name = "plans/2026-abc/measures/a1-t1-m1/completions/1";
  done.bureau_request.text = "已推广120辆";
  Upstream(done);
  n = OfKind(Kind::kCompletionDeclared);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_THAT(n[0].title, HasSubstr("办结申请：区交通局申报工作措施 a1-t1-m1"));
  EXPECT_THAT(n[0].body, HasSubstr("已推广120辆"));
}

TEST_F(SupervisionTest, RespondWithinZeroWorkingDaysGivesNoDay) {
  ImportPlan();
  absl::StatusOr<Rule> rule = notifier_->GetRule("report-awaiting-review");
  ASSERT_OK(rule.status());
  EXPECT_EQ(rule->respond_within_working_days, 5);
  Rule changed = *rule;
  changed.respond_within_working_days = 0;
  ASSERT_OK(notifier_->UpdateRule(changed, RuleEtag(*rule)).status());
  UpstreamInput report;
  report.type = UpstreamInput::Type::kReportSubmitted;
  report.event_ref = "progress#30";
  report.plan_id = "2026-abc";
  report.organization_id = "o-a";
  report.period = "2026-03";
  report.awaiting_review = true;
  Upstream(report);
  std::vector<Notification> n = OfKind(Kind::kReportAwaitingReview);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].period, "");
}

TEST_F(SupervisionTest, SupervisionTaskAssignsEveryMeasureToItsOwners) {
  ImportPlan();
  UpstreamInput in;
  in.type = UpstreamInput::Type::kSupervisionTask;
  in.event_ref = "registry#5";
  in.plan_id = "2026-abc";
  in.task_title = "区城指中心交办：渣土车治理";
  MeasureView m1;
  m1.id = "s1-m1";
  m1.title = "清理遗撒路面";
  m1.due = absl::CivilDay(2026, 5, 31);
  m1.lead_organizations = {"o-a"};
  m1.responsible_organizations = {"o-b"};
  MeasureView m2 = m1;
  m2.id = "s1-m2";
  m2.title = "约谈运输企业";
  m2.responsible_organizations = {};
  in.measures = {m1, m2};
  Upstream(in);
  Upstream(in);  // replayed
  std::vector<Notification> n = OfKind(Kind::kSupervisionTaskAssigned);
  ASSERT_EQ(n.size(), 3u);  // s1-m1 to o-a and o-b, s1-m2 to o-a
  std::set<std::string> got;
  for (const Notification& x : n) got.insert(x.recipient + " " + x.resource + " " + x.title);
  EXPECT_EQ(
      got, (std::set<std::string>{"o-a plans/2026-abc/measures/s1-m1 新的督办任务：清理遗撒路面",
                                  "o-b plans/2026-abc/measures/s1-m1 新的督办任务：清理遗撒路面",
                                  "o-a plans/2026-abc/measures/s1-m2 新的督办任务：约谈运输企业"}));
  EXPECT_THAT(n[0].body, HasSubstr("区城指中心交办：渣土车治理"));
  EXPECT_TRUE(OfKind(Kind::kMeasureReassigned).empty());
  // The measures join the plan's view: their deadlines are scheduled.
  clock_.Set(At(5, 25));
  Run();
  bool reminded = false;
  for (const Notification& x : OfKind(Kind::kMeasureDeadlineApproaching)) {
    if (x.resource == "plans/2026-abc/measures/s1-m2") reminded = true;
  }
  EXPECT_TRUE(reminded);
}

TEST_F(SupervisionTest, DefaultRulesCoverEveryNewKind) {
  std::map<Kind, Rule> by_kind;
  for (const Rule& r : notifier_->ListRules()) by_kind[r.kind] = r;
  for (int k = 17; k <= kMaxKind; ++k) {
    ASSERT_EQ(by_kind.count(static_cast<Kind>(k)), 1u) << KindName(static_cast<Kind>(k));
  }
  for (Kind k :
       {Kind::kSupervisionReplyReceived, Kind::kReportAwaitingReview, Kind::kExtensionRequested,
        Kind::kCompletionDeclared, Kind::kProblemRectificationClaimed}) {
    EXPECT_EQ(by_kind[k].respond_within_working_days, 5) << KindName(k);
  }
  for (Kind k : {Kind::kSupervisionReplyOverdue, Kind::kProblemItemOverdue}) {
    EXPECT_EQ(by_kind[k].severity, Severity::kCritical);
    EXPECT_EQ(by_kind[k].escalation_grace_working_days,
              by_kind[Kind::kReportOverdue].escalation_grace_working_days);
  }
}

TEST_F(SupervisionTest, RespondWithinWorkingDaysIsValidated) {
  Rule r;
  r.id = "slow-review";
  r.kind = Kind::kReportAwaitingReview;
  r.severity = Severity::kInfo;
  r.respond_within_working_days = 61;
  absl::StatusOr<Rule> created = notifier_->CreateRule(r);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(created.status().message(), HasSubstr("respond_within_working_days"));
  r.respond_within_working_days = -1;
  EXPECT_EQ(notifier_->CreateRule(r).status().code(), absl::StatusCode::kInvalidArgument);
  r.respond_within_working_days = 10;
  created = notifier_->CreateRule(r);
  ASSERT_OK(created.status());
  EXPECT_EQ(created->respond_within_working_days, 10);
  // Critical kinds stay critical.
  r.id = "soft-cuiban";
  r.kind = Kind::kSupervisionReplyOverdue;
  r.respond_within_working_days = 0;
  EXPECT_EQ(notifier_->CreateRule(r).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
