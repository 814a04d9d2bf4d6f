// Supervision orders (督办单) and problem ledgers (问题清单) in the measure
// lights and the scorecards, judged as of the evaluation day.

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/indicator/domain/dashboard.h"
#include "services/indicator/domain/evaluation_visibility.h"
#include "services/indicator/domain/progress_ledger.h"

namespace ecoplan::indicator {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

absl::Time At(int y, int mo, int d, int h = 10) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, 0, 0), kShanghai);
}

// Order 2026-003 on measure m1, issued 2026-06-03, yellow, reply due 2026-06-10,
// addressed to 区水务局 and 区住建委.
SupervisionOrderFact Order() {
  SupervisionOrderFact o;
  o.name = "plans/p/supervisionOrders/2026-003";
  o.id = "2026-003";
  o.title = "河道排口整治滞后";
  o.measure_ids = {"m1"};
  o.addressees = {{"o-water", "区水务局", {}}, {"o-build", "区住建委", {}}};
  o.issue_time = At(2026, 6, 3);
  o.deadlines = {{o.issue_time, "yellow", absl::CivilDay(2026, 6, 10),
                  absl::FromCivil(absl::CivilDay(2026, 6, 11), kShanghai)}};
  o.sequence = 7;
  return o;
}

MeasureInfo Measure() {
  MeasureInfo m{"m1", absl::CivilDay(2026, 12, 31), {"区水务局"}};
  m.responsible = {"区住建委"};
  return m;
}

MeasureLight LightOf(const MeasureInfo& m, absl::CivilDay as_of) {
  const std::vector<MeasureLight> lights = ColourMeasures({m}, {}, {}, as_of, LightRules());
  return lights.at(0);
}

TEST(SupervisionLightTest, AnOpenOrderIsYellowAndAnOverdueAddresseeRed) {
  MeasureInfo m = Measure();
  m.supervision_orders = {Order()};

  // Before issue: nothing.
  MeasureLight before = LightOf(m, absl::CivilDay(2026, 6, 2));
  EXPECT_EQ(before.colour, Colour::kGreen);
  EXPECT_THAT(before.supervision_orders, IsEmpty());

  // Open, on the reply day itself: yellow, not overdue yet.
  MeasureLight open = LightOf(m, absl::CivilDay(2026, 6, 10));
  EXPECT_EQ(open.colour, Colour::kYellow);
  EXPECT_THAT(open.reasons, ElementsAre("督办单 2026-003 (黄色督办) open, reply due 2026-06-10"));
  ASSERT_EQ(open.supervision_orders.size(), 1u);
  EXPECT_EQ(open.supervision_orders[0].order, "plans/p/supervisionOrders/2026-003");
  EXPECT_EQ(open.supervision_orders[0].level, "yellow");
  EXPECT_EQ(open.supervision_orders[0].reply_due, absl::CivilDay(2026, 6, 10));
  EXPECT_THAT(open.supervision_orders[0].overdue_organizations, IsEmpty());

  // The day after: both addressees overdue, red.
  MeasureLight late = LightOf(m, absl::CivilDay(2026, 6, 11));
  EXPECT_EQ(late.colour, Colour::kRed);
  EXPECT_THAT(late.reasons, ElementsAre("督办单 2026-003 (黄色督办) open, reply due 2026-06-10; "
                                        "区水务局, 区住建委 overdue"));
  EXPECT_THAT(late.supervision_orders[0].overdue_organizations,
              ElementsAre("区水务局", "区住建委"));
}

TEST(SupervisionLightTest, RepliesAreJudgedAsOfTheDayAndClosureClearsTheOrder) {
  SupervisionOrderFact o = Order();
  // 区水务局 replied on the 9th (accepted on the 12th); 区住建委 replied on the
  // 12th, returned on the 13th, replied again on the 15th, accepted on the 16th.
  o.addressees[0].replies = {{At(2026, 6, 9), SupervisionVerdict::kAccepted, At(2026, 6, 12)}};
  o.addressees[1].replies = {{At(2026, 6, 12), SupervisionVerdict::kReturned, At(2026, 6, 13)},
                             {At(2026, 6, 15), SupervisionVerdict::kAccepted, At(2026, 6, 16)}};
  o.close_time = At(2026, 6, 17);
  MeasureInfo m = Measure();
  m.supervision_orders = {o};

  auto overdue_on = [&](absl::CivilDay d) {
    const MeasureLight l = LightOf(m, d);
    return l.supervision_orders.empty() ? std::vector<std::string>{"closed"}
                                        : l.supervision_orders[0].overdue_organizations;
  };
  EXPECT_THAT(overdue_on(absl::CivilDay(2026, 6, 11)), ElementsAre("区住建委"));
  // Its reply awaits verification on the 12th: not overdue.
  EXPECT_THAT(overdue_on(absl::CivilDay(2026, 6, 12)), IsEmpty());
  // Returned on the 13th: overdue again until its new reply on the 15th.
  EXPECT_THAT(overdue_on(absl::CivilDay(2026, 6, 13)), ElementsAre("区住建委"));
  EXPECT_THAT(overdue_on(absl::CivilDay(2026, 6, 15)), IsEmpty());
  EXPECT_EQ(LightOf(m, absl::CivilDay(2026, 6, 15)).colour, Colour::kYellow);
  // Closed on the 17th: the light no longer cites it.
  const MeasureLight closed = LightOf(m, absl::CivilDay(2026, 6, 17));
  EXPECT_EQ(closed.colour, Colour::kGreen);
  EXPECT_THAT(closed.supervision_orders, IsEmpty());
  for (const std::string& r : closed.reasons) EXPECT_THAT(r, Not(HasSubstr("督办单")));
}

TEST(SupervisionLightTest, ALevelChangeMovesTheReplyDayFromItsTime) {
  SupervisionOrderFact o = Order();
  // Raised to red on the 12th with a new reply day, the 16th.
  o.deadlines.push_back({At(2026, 6, 12), "red", absl::CivilDay(2026, 6, 16),
                         absl::FromCivil(absl::CivilDay(2026, 6, 17), kShanghai)});
  MeasureInfo m = Measure();
  m.supervision_orders = {o};
  EXPECT_THAT(LightOf(m, absl::CivilDay(2026, 6, 11)).reasons,
              ElementsAre(HasSubstr("(黄色督办) open, reply due 2026-06-10; 区水务局, 区住建委")));
  const MeasureLight raised = LightOf(m, absl::CivilDay(2026, 6, 12));
  EXPECT_EQ(raised.colour, Colour::kYellow);
  EXPECT_THAT(raised.reasons, ElementsAre("督办单 2026-003 (红色督办) open, reply due 2026-06-16"));

  // Replies owed: the first deadline passed while in force (missed by both),
  // the second too for whoever had not answered at the raise.
  o.addressees[0].replies = {{At(2026, 6, 11), SupervisionVerdict::kNone, std::nullopt}};
  const std::vector<OwedReply> water = RepliesOwed(o, o.addressees[0], absl::CivilDay(2026, 6, 20));
  ASSERT_EQ(water.size(), 1u);  // replied before the raise: owes nothing new
  EXPECT_EQ(water[0].outcome, OwedReply::Outcome::kLate);
  const std::vector<OwedReply> build = RepliesOwed(o, o.addressees[1], absl::CivilDay(2026, 6, 20));
  ASSERT_EQ(build.size(), 2u);
  EXPECT_EQ(build[0].outcome, OwedReply::Outcome::kOverdue);
  EXPECT_EQ(build[1].deadline->day, absl::CivilDay(2026, 6, 16));
  EXPECT_EQ(build[1].outcome, OwedReply::Outcome::kOverdue);
}

ProblemItemFact Item(const std::string& code, absl::CivilDay due,
                     std::vector<ProblemStepFact> steps) {
  ProblemItemFact p;
  p.name = "plans/p/problems/" + code;
  p.id = code;
  p.measure_id = "m1";
  p.code = code;
  p.organization_id = "o-water";
  p.organization = "区水务局";
  p.due = due;
  p.steps = std::move(steps);
  return p;
}

TEST(ProblemLedgerLightTest, AnOverdueItemIsRedAndUnresolvedItemsAreListed) {
  MeasureInfo m = Measure();
  m.problems = {
      Item("PWK-0001", absl::CivilDay(2026, 5, 31),
           {{ProblemState::kOpen, At(2026, 4, 1)},
            {ProblemState::kClaimed, At(2026, 5, 20)},
            {ProblemState::kVerified, At(2026, 5, 25)}}),
      Item("PWK-0012", absl::CivilDay(2026, 5, 31),
           {{ProblemState::kOpen, At(2026, 4, 1)}, {ProblemState::kRectifying, At(2026, 5, 2)}}),
      Item("PWK-0013", absl::CivilDay(2026, 6, 30),
           {{ProblemState::kOpen, At(2026, 4, 1)}, {ProblemState::kClaimed, At(2026, 5, 28)}}),
  };
  const MeasureLight may = LightOf(m, absl::CivilDay(2026, 5, 31));
  EXPECT_EQ(may.colour, Colour::kGreen);
  EXPECT_THAT(may.reasons,
              ElementsAre("问题清单: 2 of 3 items unresolved (PWK-0012, PWK-0013), 1 claimed "
                          "rectified awaiting verification",
                          "on schedule"));
  const MeasureLight june = LightOf(m, absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(june.colour, Colour::kRed);
  EXPECT_THAT(june.reasons,
              ElementsAre("问题清单: 2 of 3 items unresolved (PWK-0012, PWK-0013), 1 claimed "
                          "rectified awaiting verification, 1 overdue: PWK-0012 (due 2026-05-31, "
                          "区水务局)"));
  ASSERT_TRUE(june.problems.has_value());
  EXPECT_EQ(june.problems->total, 3);
  EXPECT_EQ(june.problems->unresolved, 2);
  EXPECT_EQ(june.problems->overdue, 1);
  EXPECT_EQ(june.problems->claimed, 1);
  EXPECT_THAT(june.problems->overdue_items, ElementsAre("PWK-0012 (due 2026-05-31, 区水务局)"));
  EXPECT_FALSE(june.problems->clear_all_required);
  // Before the first item existed: no ledger on the light.
  EXPECT_FALSE(LightOf(m, absl::CivilDay(2026, 3, 31)).problems.has_value());
}

TEST(ProblemLedgerLightTest, ClearAllIsNotCompletedWhileAnItemIsUnresolved) {
  MeasureInfo m = Measure();
  m.clear_all_required = true;
  m.completion_confirmed = true;
  m.confirmed_on = absl::CivilDay(2026, 6, 5);
  m.problems = {Item("HC-01", absl::CivilDay(2026, 8, 31),
                     {{ProblemState::kOpen, At(2026, 4, 1)},
                      {ProblemState::kClaimed, At(2026, 6, 1)},
                      {ProblemState::kVerified, At(2026, 6, 20)},
                      {ProblemState::kClosed, At(2026, 6, 21)}})};
  const MeasureLight open = LightOf(m, absl::CivilDay(2026, 6, 10));
  EXPECT_FALSE(open.counted_completed);
  EXPECT_EQ(open.colour, Colour::kYellow);
  EXPECT_THAT(open.reasons,
              ::testing::Contains("completion confirmed, but the measure text says 动态清零 and 1 "
                                  "problem ledger items are unresolved; not counted as completed"));
  ASSERT_TRUE(open.problems.has_value());
  EXPECT_TRUE(open.problems->clear_all_required);

  const MeasureLight cleared = LightOf(m, absl::CivilDay(2026, 6, 21));
  EXPECT_TRUE(cleared.counted_completed);
  EXPECT_EQ(cleared.colour, Colour::kGreen);
  EXPECT_THAT(cleared.reasons, ::testing::Contains("问题清单: all 1 items resolved"));

  // The scorecard counts it completed only once cleared.
  ScoringRules rules;
  m.due = absl::CivilDay(2026, 6, 1);
  auto completion = [&](absl::CivilDay d) {
    for (const Scorecard& c : ScoreOrganizations({m}, {}, {}, {}, d, rules)) {
      if (c.organization == "区水务局") return c.as_lead.measures_completed;
    }
    return -1;
  };
  EXPECT_EQ(completion(absl::CivilDay(2026, 6, 10)), 0);
  EXPECT_EQ(completion(absl::CivilDay(2026, 6, 21)), 1);
}

const Scorecard* CardOf(const std::vector<Scorecard>& cards, const std::string& org) {
  for (const Scorecard& c : cards) {
    if (c.organization == org) return &c;
  }
  return nullptr;
}

TEST(SupervisionScorecardTest, CountsOrdersAndItemsAndScoresRepliesOnlyWithAWeight) {
  SupervisionOrderFact o = Order();
  o.addressees[0].replies = {{At(2026, 6, 9), SupervisionVerdict::kNone, std::nullopt}};
  MeasureInfo m = Measure();
  m.supervision_orders = {o};
  m.problems = {
      Item("PWK-0012", absl::CivilDay(2026, 5, 31),
           {{ProblemState::kOpen, At(2026, 4, 1)},
            {ProblemState::kClaimed, At(2026, 5, 2)},
            {ProblemState::kRectifying, At(2026, 5, 10), true}}),
  };
  const absl::CivilDay as_of(2026, 6, 12);
  MeasureInfo plain = Measure();
  const std::vector<Scorecard> without = ScoreOrganizations({plain}, {}, {}, {}, as_of, {});
  const std::vector<Scorecard> with = ScoreOrganizations({m}, {}, {}, {}, as_of, {}, true);

  const Scorecard* water = CardOf(with, "区水务局");
  const Scorecard* build = CardOf(with, "区住建委");
  ASSERT_NE(water, nullptr);
  ASSERT_NE(build, nullptr);
  EXPECT_EQ(water->supervision.orders, 1);
  EXPECT_EQ(water->supervision.open, 1);
  EXPECT_EQ(water->supervision.replies_due, 1);
  EXPECT_EQ(water->supervision.replies_on_time, 1);
  EXPECT_THAT(water->supervision.overdue, IsEmpty());
  EXPECT_EQ(build->supervision.replies_due, 1);
  EXPECT_EQ(build->supervision.replies_overdue, 1);
  EXPECT_THAT(build->supervision.overdue, ElementsAre("2026-003 (黄色督办, reply due 2026-06-10)"));
  EXPECT_EQ(water->problems.total, 1);
  EXPECT_EQ(water->problems.unresolved, 1);
  EXPECT_EQ(water->problems.overdue, 1);
  EXPECT_EQ(water->problems.reopened, 1);
  EXPECT_EQ(build->problems.total, 0);

  // Weight 0 (the default): no component, the scores are as without orders.
  for (const Scorecard& c : with) {
    for (const ScoreComponent& comp : c.components) {
      EXPECT_NE(comp.name, "supervision_replies_on_time");
    }
    EXPECT_DOUBLE_EQ(c.score, CardOf(without, c.organization)->score) << c.organization;
  }

  // With a weight: the component, its rate and its facts.
  ScoringRules rules;
  rules.weights.supervision_replies = 0.2;
  const std::vector<Scorecard> weighted = ScoreOrganizations({m}, {}, {}, {}, as_of, rules, true);
  const Scorecard* b = CardOf(weighted, "区住建委");
  ASSERT_NE(b, nullptr);
  const ScoreComponent* comp = nullptr;
  for (const ScoreComponent& x : b->components) {
    if (x.name == "supervision_replies_on_time") comp = &x;
  }
  ASSERT_NE(comp, nullptr);
  ASSERT_TRUE(comp->rate.has_value());
  EXPECT_DOUBLE_EQ(*comp->rate, 0.0);
  EXPECT_DOUBLE_EQ(comp->weight, 0.2);
  ASSERT_EQ(comp->facts.size(), 1u);
  EXPECT_EQ(comp->facts[0].key, "supervision_replies_on_time/2026-003/2026-06-10");
  EXPECT_EQ(comp->facts[0].role, "addressee");
  EXPECT_EQ(comp->facts[0].outcome, "overdue");
  EXPECT_EQ(comp->facts[0].reference, "plans/p/supervisionOrders/2026-003");
  EXPECT_THAT(comp->facts[0].detail, HasSubstr("reply due 2026-06-10: no reply by 2026-06-12"));
  EXPECT_THAT(comp->detail, HasSubstr("0 of 1 supervision replies owed"));
  EXPECT_LT(b->score, CardOf(without, "区住建委")->score);
  const Scorecard* w = CardOf(weighted, "区水务局");
  for (const ScoreComponent& x : w->components) {
    if (x.name == "supervision_replies_on_time") {
      EXPECT_DOUBLE_EQ(*x.rate, 1.0);
    }
  }
}

TEST(SupervisionLedgerTest, LatestSequenceWinsAndTheIssuedDeadlineIsKept) {
  ProgressLedger ledger;
  ProgressUpdate issued;
  issued.kind = ProgressUpdate::Kind::kSupervisionOrder;
  issued.plan_id = "p";
  issued.order = Order();
  LedgerChange first = ledger.Prepare(issued, {});
  ASSERT_TRUE(first.order.has_value());
  ledger.Apply(first);
  // A replay changes nothing.
  EXPECT_TRUE(ledger.Prepare(issued, {}).empty());

  // A level change whose snapshot no longer states the issued deadline.
  ProgressUpdate raised = issued;
  raised.order->sequence = 9;
  raised.initial_deadline_known = false;
  raised.order->deadlines = {
      {At(2026, 6, 3), "yellow", absl::CivilDay(2026, 6, 16), At(2026, 6, 17, 0)},
      {At(2026, 6, 12), "red", absl::CivilDay(2026, 6, 16), At(2026, 6, 17, 0)}};
  LedgerChange second = ledger.Prepare(raised, {});
  ASSERT_TRUE(second.order.has_value());
  EXPECT_EQ(second.order->deadlines[0].day, absl::CivilDay(2026, 6, 10));
  ledger.Apply(second);
  // An older event delivered late changes nothing.
  EXPECT_TRUE(ledger.Prepare(issued, {}).empty());

  ProgressUpdate item;
  item.kind = ProgressUpdate::Kind::kProblemItem;
  item.plan_id = "p";
  item.problem =
      Item("PWK-0012", absl::CivilDay(2026, 5, 31), {{ProblemState::kOpen, At(2026, 4, 1)}});
  item.problem->sequence = 10;
  ledger.Apply(ledger.Prepare(item, {}));
  EXPECT_TRUE(ledger.Prepare(item, {}).empty());

  std::vector<MeasureInfo> measures = {Measure(), MeasureInfo{"m2", std::nullopt, {"区交通局"}}};
  ledger.Annotate("p", &measures);
  ASSERT_EQ(measures[0].supervision_orders.size(), 1u);
  EXPECT_EQ(measures[0].supervision_orders[0].sequence, 9u);
  EXPECT_EQ(measures[0].supervision_orders[0].deadlines.size(), 2u);
  ASSERT_EQ(measures[0].problems.size(), 1u);
  EXPECT_EQ(measures[0].problems[0].code, "PWK-0012");
  EXPECT_THAT(measures[1].supervision_orders, IsEmpty());
  EXPECT_THAT(measures[1].problems, IsEmpty());
}

TEST(SupervisionVisibilityTest, AReporterSeesOnlyItsOwnShareOfWhoIsOverdue) {
  MeasureInfo m = Measure();
  m.supervision_orders = {Order()};
  m.problems = {
      Item("PWK-0012", absl::CivilDay(2026, 5, 31), {{ProblemState::kOpen, At(2026, 4, 1)}})};
  m.problems.push_back(m.problems[0]);
  m.problems[1].id = m.problems[1].code = "PWK-0020";
  m.problems[1].organization = "区住建委";
  EvaluationOutputs outputs;
  outputs.lights = ColourMeasures({m}, {}, {}, absl::CivilDay(2026, 6, 12), LightRules());
  outputs.scorecards = ScoreOrganizations({m}, {}, {}, {}, absl::CivilDay(2026, 6, 12), {});
  OrganizationScope scope{"o-build", "区住建委", {"m1"}};
  NarrowToOrganization(scope, &outputs);
  ASSERT_EQ(outputs.lights.size(), 1u);
  EXPECT_THAT(outputs.lights[0].supervision_orders[0].overdue_organizations,
              ElementsAre("区住建委"));
  EXPECT_THAT(outputs.lights[0].problems->overdue_items,
              ElementsAre("PWK-0020 (due 2026-05-31, 区住建委)"));
  EXPECT_EQ(outputs.lights[0].problems->overdue, 2);  // the measure's count
  ASSERT_EQ(outputs.scorecards.size(), 1u);
  EXPECT_EQ(outputs.scorecards[0].organization, "区住建委");
  EXPECT_EQ(outputs.scorecards[0].problems.total, 1);
  EXPECT_EQ(outputs.scorecards[0].supervision.replies_overdue, 1);
}

}  // namespace
}  // namespace ecoplan::indicator
