// SupervisionDesk: the lifecycle of supervision orders (督办单) over a
// FakeSupervisionStore and a FakeClock, with work dispatched inline.

#include "services/progress/domain/supervision_desk.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/testing/status_matchers.h"
#include "services/progress/domain/progress_recorder_test_fixture.h"
#include "services/progress/testing/fake_supervision_store.h"

namespace ecoplan::progress {
namespace {

using recorder_test::kCity;
using recorder_test::kEco;
using recorder_test::kPlan;
using recorder_test::kTown1;
using recorder_test::kTraffic;
using recorder_test::MakePlan;
using recorder_test::Shanghai;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

Caller DeskCaller(Caller::Role role, const std::string& org = "",
                  const std::string& request_id = "") {
  Caller c;
  c.role = role;
  c.org_id = org;
  c.actor = role == Caller::Role::kSupervisor ? "督查室-王五" : "actor";
  c.request_id = request_id;
  return c;
}

const Caller kDeskSupervisor = DeskCaller(Caller::Role::kSupervisor);

void ExpectError(const absl::Status& s, absl::StatusCode code, absl::string_view part) {
  EXPECT_EQ(s.code(), code) << s;
  EXPECT_THAT(std::string(s.message()), HasSubstr(std::string(part))) << s;
}

class SupervisionDeskTest : public ::testing::Test {
 protected:
  SupervisionDeskTest()
      // Wednesday 2026-05-20, 10:00 in Beijing.
      : clock_(Shanghai(2026, 5, 20, 10, 0)),
        desk_(
            &store_, &plans_, &clock_, [this] { return common::WorkingDays(holidays_); },
            [](std::function<void()> fn) { fn(); }) {
    plans_.Put(MakePlan());
    plans_.SetConnected(true);
  }

  template <typename Fn>
  absl::StatusOr<SupervisionOrder> Sync(Fn fn) {
    std::optional<absl::StatusOr<SupervisionOrder>> result;
    fn([&result](absl::StatusOr<SupervisionOrder> r) { result = std::move(r); });
    if (!result.has_value()) return absl::InternalError("no answer");
    return *result;
  }

  // A yellow order from a 12345 ticket on m1 (eco leads, traffic responsible)
  // and m3 (city leads).
  OrderIssue Yellow() {
    OrderIssue issue;
    issue.plan_id = kPlan;
    issue.title = "关于群众反映渣土车遗撒问题的督办";
    issue.description = "请于期限内核实处置并回复";
    issue.source = {SupervisionSourceKind::kHotlineTicket, "12345-20260520-0042"};
    issue.level = SupervisionLevel::kYellow;
    issue.measure_ids = {"a1-t1-m1", "a1-t2-m1"};
    issue.org_ids = {kTraffic, kCity};
    issue.external_case_number = "MTG-2026-05-0199";
    return issue;
  }

  absl::StatusOr<SupervisionOrder> Issue(const OrderIssue& issue,
                                         const Caller& caller = kDeskSupervisor) {
    return Sync([&](Callback<SupervisionOrder> cb) { desk_.Issue(issue, caller, cb); });
  }
  absl::StatusOr<SupervisionOrder> Reply(const std::string& order, const std::string& org,
                                         const std::string& request_id = "",
                                         const std::string& content = "已安排执法检查并清理路面") {
    OrderReply r;
    r.plan_id = kPlan;
    r.order_id = order;
    r.org_id = org;
    r.content = content;
    r.evidence_links = {"https://example.gov.cn/photos/1.jpg"};
    return Sync([&](Callback<SupervisionOrder> cb) {
      desk_.Reply(r, DeskCaller(Caller::Role::kReporter, org, request_id), cb);
    });
  }
  absl::StatusOr<SupervisionOrder> Verify(const std::string& order, const std::string& org,
                                          bool accept, const std::string& comment = "",
                                          const std::string& etag = "") {
    return Sync([&](Callback<SupervisionOrder> cb) {
      desk_.Verify(kPlan, order, org, accept, comment, etag, kDeskSupervisor, cb);
    });
  }
  absl::StatusOr<SupervisionOrder> Close(const std::string& order, const std::string& etag = "") {
    return Sync([&](Callback<SupervisionOrder> cb) {
      desk_.Close(kPlan, order, "已办结", etag, kDeskSupervisor, cb);
    });
  }
  absl::StatusOr<SupervisionOrder> Raise(const std::string& order, SupervisionLevel level) {
    return Sync([&](Callback<SupervisionOrder> cb) {
      desk_.Raise(kPlan, order, level, "逾期未回复", "", kDeskSupervisor, cb);
    });
  }
  std::vector<SupervisionEventType> EventTypes() const {
    std::vector<SupervisionEventType> types;
    for (const auto& e : store_.events()) types.push_back(e.type);
    return types;
  }

  FakeSupervisionStore store_;
  PlanDirectory plans_;
  common::FakeClock clock_;
  std::vector<common::HolidayYear> holidays_;
  SupervisionDesk desk_;
};

TEST_F(SupervisionDeskTest, AYellowOrderIsDueFiveWorkingDaysLaterAcrossTheWeekend) {
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(Yellow()));
  EXPECT_EQ(order.id, "2026-001");
  EXPECT_EQ(order.state, SupervisionOrderState::kOpen);
  // Wed 05-20 + 5 working days: Thu, Fri, Mon, Tue, Wed 05-27.
  EXPECT_EQ(order.due_day, absl::CivilDay(2026, 5, 27));
  EXPECT_EQ(order.due_time, Shanghai(2026, 5, 28, 0, 0));
  EXPECT_FALSE(order.due_explicit);
  EXPECT_EQ(order.issued_by, "督查室-王五");
  EXPECT_EQ(order.external_case_number, "MTG-2026-05-0199");
  ASSERT_EQ(order.addressees.size(), 2u);
  EXPECT_EQ(order.addressees[0].org_id, kTraffic);
  EXPECT_EQ(order.addressees[0].state(), SupervisionReplyState::kAwaitingReply);
  EXPECT_EQ(SupervisionEtag(order), "s1");
  EXPECT_THAT(EventTypes(), ElementsAre(SupervisionEventType::kIssued));
  // Ids are sequential per plan and year.
  ASSERT_OK_AND_ASSIGN(SupervisionOrder second, Issue(Yellow()));
  EXPECT_EQ(second.id, "2026-002");
}

TEST_F(SupervisionDeskTest, ALoadedHolidayMovesTheDeadlineAndEachLevelHasItsOwn) {
  common::HolidayYear year;
  year.year = 2026;
  year.holidays = {absl::CivilDay(2026, 5, 25)};  // a Monday off
  holidays_ = {year};
  ASSERT_OK_AND_ASSIGN(SupervisionOrder yellow, Issue(Yellow()));
  EXPECT_EQ(yellow.due_day, absl::CivilDay(2026, 5, 28));
  OrderIssue red = Yellow();
  red.level = SupervisionLevel::kRed;  // Thu 05-21, Fri 05-22
  ASSERT_OK_AND_ASSIGN(SupervisionOrder r, Issue(red));
  EXPECT_EQ(r.due_day, absl::CivilDay(2026, 5, 22));
  OrderIssue blue = Yellow();
  blue.level = SupervisionLevel::kBlue;  // ten working days without Monday 05-25
  ASSERT_OK_AND_ASSIGN(SupervisionOrder b, Issue(blue));
  EXPECT_EQ(b.due_day, absl::CivilDay(2026, 6, 4));
  // An explicit day overrides the level.
  OrderIssue explicit_day = Yellow();
  explicit_day.due_day = absl::CivilDay(2026, 5, 21);
  ASSERT_OK_AND_ASSIGN(SupervisionOrder e, Issue(explicit_day));
  EXPECT_EQ(e.due_day, absl::CivilDay(2026, 5, 21));
  EXPECT_TRUE(e.due_explicit);
  explicit_day.due_day = absl::CivilDay(2026, 5, 19);
  EXPECT_STATUS_CODE(Issue(explicit_day), absl::StatusCode::kInvalidArgument);
}

TEST_F(SupervisionDeskTest, IssuingChecksTheMeasuresTheOrganizationsAndTheIssuer) {
  OrderIssue leads = Yellow();
  leads.org_ids.clear();  // the leads of m1 and m3
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(leads));
  ASSERT_EQ(order.addressees.size(), 2u);
  EXPECT_EQ(order.addressees[0].org_id, kEco);
  EXPECT_EQ(order.addressees[1].org_id, kCity);

  OrderIssue bad = Yellow();
  bad.measure_ids = {"a1-t1-m1", "a9-t9-m9"};
  ExpectError(Issue(bad).status(), absl::StatusCode::kNotFound, "a9-t9-m9");
  bad = Yellow();
  bad.org_ids = {"o-nobody"};
  EXPECT_STATUS_CODE(Issue(bad), absl::StatusCode::kNotFound);
  bad = Yellow();
  bad.measure_ids = {"a1-t1-m1"};
  bad.org_ids = {kTown1};  // owns m3 only
  ExpectError(Issue(bad).status(), absl::StatusCode::kPermissionDenied, kTown1);
  bad = Yellow();
  bad.source.reference.clear();  // a 12345 ticket needs its number
  EXPECT_STATUS_CODE(Issue(bad), absl::StatusCode::kInvalidArgument);
  bad = Yellow();
  bad.level = SupervisionLevel::kUnspecified;
  EXPECT_STATUS_CODE(Issue(bad), absl::StatusCode::kInvalidArgument);
  bad = Yellow();
  bad.due_time = clock_.Now() - absl::Minutes(1);
  EXPECT_STATUS_CODE(Issue(bad), absl::StatusCode::kInvalidArgument);
  EXPECT_STATUS_CODE(Issue(Yellow(), DeskCaller(Caller::Role::kReporter, kCity)),
                     absl::StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(Issue(Yellow(), DeskCaller(Caller::Role::kViewer)),
                     absl::StatusCode::kPermissionDenied);
  EXPECT_OK(Issue(Yellow(), DeskCaller(Caller::Role::kAdministrator)));
  OrderIssue unknown_plan = Yellow();
  unknown_plan.plan_id = "2026-nope";
  EXPECT_STATUS_CODE(Issue(unknown_plan), absl::StatusCode::kNotFound);
}

TEST_F(SupervisionDeskTest, AReplyAfterTheDeadlineIsLateAndTheSilentOrganizationOverdue) {
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(Yellow()));
  ASSERT_OK_AND_ASSIGN(order, Reply(order.id, kTraffic));
  EXPECT_FALSE(order.Find(kTraffic)->replies[0].late);
  EXPECT_EQ(order.Find(kTraffic)->state(), SupervisionReplyState::kReplied);
  clock_.Set(Shanghai(2026, 5, 27, 23, 59));  // the last minute of the due day
  EXPECT_FALSE(IsOverdue(order, clock_.Now()));
  clock_.Set(Shanghai(2026, 5, 28, 9, 0));
  ASSERT_OK_AND_ASSIGN(order, desk_.Get(kPlan, order.id, kDeskSupervisor));
  EXPECT_TRUE(IsOverdue(order, *order.Find(kCity), clock_.Now()));
  EXPECT_FALSE(IsOverdue(order, *order.Find(kTraffic), clock_.Now()));  // its reply is pending
  EXPECT_TRUE(IsOverdue(order, clock_.Now()));
  ASSERT_OK_AND_ASSIGN(order, Reply(order.id, kCity));
  EXPECT_TRUE(order.Find(kCity)->replies[0].late);
  EXPECT_EQ(order.Find(kCity)->late_replies(), 1);
  EXPECT_FALSE(IsOverdue(order, clock_.Now()));
  EXPECT_EQ(order.Find(kCity)->replies[0].number, 2);
}

TEST_F(SupervisionDeskTest, AReturnedReplyIsAnsweredAgainAndTheOrderClosesOnlyWhenAllAreAccepted) {
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(Yellow()));
  ASSERT_OK(Reply(order.id, kTraffic));
  ASSERT_OK(Reply(order.id, kCity));
  EXPECT_STATUS_CODE(Verify(order.id, kCity, /*accept=*/false), absl::StatusCode::kInvalidArgument);
  ASSERT_OK_AND_ASSIGN(order, Verify(order.id, kCity, false, "未附现场照片"));
  EXPECT_EQ(order.Find(kCity)->state(), SupervisionReplyState::kReturned);
  EXPECT_EQ(order.Find(kCity)->replies[0].verdict_comment, "未附现场照片");
  // A returned reply cannot be verified again: a new reply is awaited.
  EXPECT_STATUS_CODE(Verify(order.id, kCity, true), absl::StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(order, Verify(order.id, kTraffic, true));
  ExpectError(Close(order.id).status(), absl::StatusCode::kFailedPrecondition,
              "organizations/o-city (RETURNED)");
  // An accepted organization does not reply again.
  EXPECT_STATUS_CODE(Reply(order.id, kTraffic), absl::StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(order, Reply(order.id, kCity, "", "已补充现场照片"));
  EXPECT_EQ(order.Find(kCity)->replies.size(), 2u);
  ExpectError(Close(order.id).status(), absl::StatusCode::kFailedPrecondition, "o-city (REPLIED)");
  ASSERT_OK_AND_ASSIGN(order, Verify(order.id, kCity, true));
  EXPECT_STATUS_CODE(Close(order.id, "s1"), absl::StatusCode::kAborted);
  ASSERT_OK_AND_ASSIGN(order, Close(order.id, SupervisionEtag(order)));
  EXPECT_EQ(order.state, SupervisionOrderState::kClosed);
  EXPECT_EQ(order.closed_by, "督查室-王五");
  EXPECT_THAT(EventTypes(),
              ElementsAre(SupervisionEventType::kIssued, SupervisionEventType::kReplied,
                          SupervisionEventType::kReplied, SupervisionEventType::kReplyReturned,
                          SupervisionEventType::kReplyAccepted, SupervisionEventType::kReplied,
                          SupervisionEventType::kReplyAccepted, SupervisionEventType::kClosed));
  EXPECT_EQ(store_.events()[3].org_id, kCity);
  // A closed order takes no more writes.
  EXPECT_STATUS_CODE(Close(order.id), absl::StatusCode::kFailedPrecondition);
  EXPECT_STATUS_CODE(Raise(order.id, SupervisionLevel::kRed),
                     absl::StatusCode::kFailedPrecondition);
}

TEST_F(SupervisionDeskTest, ANewReplyBeforeVerificationSupersedesThePendingOne) {
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(Yellow()));
  ASSERT_OK(Reply(order.id, kCity));
  ASSERT_OK_AND_ASSIGN(order, Reply(order.id, kCity, "", "补充说明"));
  ASSERT_EQ(order.Find(kCity)->replies.size(), 2u);
  EXPECT_EQ(order.Find(kCity)->replies[0].verdict, SupervisionVerdict::kSuperseded);
  EXPECT_EQ(order.Find(kCity)->state(), SupervisionReplyState::kReplied);
}

TEST_F(SupervisionDeskTest, RaisingTheLevelRecomputesTheDeadlineFromToday) {
  OrderIssue blue = Yellow();
  blue.level = SupervisionLevel::kBlue;
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(blue));
  EXPECT_EQ(order.due_day, absl::CivilDay(2026, 6, 3));
  clock_.Set(Shanghai(2026, 5, 22, 16, 0));  // a Friday
  ASSERT_OK_AND_ASSIGN(order, Raise(order.id, SupervisionLevel::kRed));
  EXPECT_EQ(order.level, SupervisionLevel::kRed);
  EXPECT_EQ(order.due_day, absl::CivilDay(2026, 5, 26));  // Mon, Tue
  ASSERT_EQ(order.level_changes.size(), 1u);
  EXPECT_EQ(order.level_changes[0].from, SupervisionLevel::kBlue);
  EXPECT_EQ(order.level_changes[0].reason, "逾期未回复");
  EXPECT_STATUS_CODE(Raise(order.id, SupervisionLevel::kYellow),
                     absl::StatusCode::kFailedPrecondition);
  EXPECT_STATUS_CODE(Raise(order.id, SupervisionLevel::kUnspecified),
                     absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EventTypes().back(), SupervisionEventType::kLevelRaised);
}

TEST_F(SupervisionDeskTest, ARetryWithTheSameRequestIdWritesNothingAgain) {
  Caller caller = kDeskSupervisor;
  caller.request_id = "issue-1";
  ASSERT_OK_AND_ASSIGN(SupervisionOrder first, Issue(Yellow(), caller));
  ASSERT_OK_AND_ASSIGN(SupervisionOrder again, Issue(Yellow(), caller));
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(store_.commits(), 1);
  OrderIssue other = Yellow();
  other.title = "另一件事";
  EXPECT_STATUS_CODE(Issue(other, caller), absl::StatusCode::kInvalidArgument);

  ASSERT_OK(Reply(first.id, kCity, "reply-1"));
  ASSERT_OK_AND_ASSIGN(SupervisionOrder replied, Reply(first.id, kCity, "reply-1"));
  EXPECT_EQ(replied.Find(kCity)->replies.size(), 1u);
  EXPECT_EQ(store_.commits(), 2);
  // The same id for another order is refused.
  ASSERT_OK_AND_ASSIGN(SupervisionOrder second, Issue(Yellow()));
  EXPECT_STATUS_CODE(Reply(second.id, kCity, "reply-1"), absl::StatusCode::kInvalidArgument);
}

TEST_F(SupervisionDeskTest, AReporterSeesAndAnswersOnlyOrdersAddressedToItsOrganization) {
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(Yellow()));
  OrderIssue eco_only = Yellow();
  eco_only.measure_ids = {"a1-t1-m2"};
  eco_only.org_ids = {kEco};
  ASSERT_OK(Issue(eco_only));
  ASSERT_OK(Reply(order.id, kTraffic));
  ASSERT_OK(Reply(order.id, kCity));

  const Caller city = DeskCaller(Caller::Role::kReporter, kCity);
  ASSERT_OK_AND_ASSIGN(SupervisionOrder seen, desk_.Get(kPlan, order.id, city));
  EXPECT_EQ(seen.Find(kCity)->replies[0].content, "已安排执法检查并清理路面");
  EXPECT_TRUE(seen.Find(kTraffic)->replies[0].content.empty());
  EXPECT_EQ(seen.Find(kTraffic)->state(), SupervisionReplyState::kReplied);
  EXPECT_STATUS_CODE(desk_.Get(kPlan, "2026-002", city), absl::StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(desk_.Get(kPlan, "2026-404", city), absl::StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(OrderPage page, desk_.List(kPlan, {}, {}, city));
  ASSERT_EQ(page.orders.size(), 1u);
  EXPECT_EQ(page.orders[0].id, order.id);
  OrderFilter other;
  other.org_id = kEco;
  EXPECT_STATUS_CODE(desk_.List(kPlan, other, {}, city), absl::StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(page, desk_.List(kPlan, {}, {}, kDeskSupervisor));
  EXPECT_EQ(page.total_size, 2);

  // A reporter replies only for its own organization, and only when addressed.
  OrderReply r;
  r.plan_id = kPlan;
  r.order_id = order.id;
  r.org_id = kTraffic;
  r.content = "代为回复";
  EXPECT_STATUS_CODE(Sync([&](Callback<SupervisionOrder> cb) { desk_.Reply(r, city, cb); }),
                     absl::StatusCode::kPermissionDenied);
  ExpectError(Reply("2026-002", kCity).status(), absl::StatusCode::kPermissionDenied,
              "not addressed");
  // The supervision office verifies but does not reply for a unit.
  r.org_id = kCity;
  EXPECT_STATUS_CODE(
      Sync([&](Callback<SupervisionOrder> cb) { desk_.Reply(r, kDeskSupervisor, cb); }),
      absl::StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(Sync([&](Callback<SupervisionOrder> cb) {
                       desk_.Verify(kPlan, order.id, kCity, true, "", "", city, cb);
                     }),
                     absl::StatusCode::kPermissionDenied);
}

TEST_F(SupervisionDeskTest, ListFiltersAndPages) {
  for (int i = 0; i < 3; ++i) ASSERT_OK(Issue(Yellow()));
  OrderIssue red = Yellow();
  red.level = SupervisionLevel::kRed;
  red.measure_ids = {"a2-t1-m1"};
  red.org_ids = {kTraffic};
  ASSERT_OK(Issue(red));  // 2026-004
  OrderFilter level;
  level.level = SupervisionLevel::kRed;
  ASSERT_OK_AND_ASSIGN(OrderPage page, desk_.List(kPlan, level, {}, kDeskSupervisor));
  ASSERT_EQ(page.orders.size(), 1u);
  EXPECT_EQ(page.orders[0].id, "2026-004");
  OrderFilter measure;
  measure.measure_id = "a1-t2-m1";
  ASSERT_OK_AND_ASSIGN(page, desk_.List(kPlan, measure, {}, kDeskSupervisor));
  EXPECT_EQ(page.total_size, 3);
  ASSERT_OK_AND_ASSIGN(page, desk_.List(kPlan, {}, {2, ""}, kDeskSupervisor));
  ASSERT_EQ(page.orders.size(), 2u);
  EXPECT_EQ(page.next_page_token, "2026-002");
  ASSERT_OK_AND_ASSIGN(page, desk_.List(kPlan, {}, {2, page.next_page_token}, kDeskSupervisor));
  ASSERT_EQ(page.orders.size(), 2u);
  EXPECT_EQ(page.orders[1].id, "2026-004");
  EXPECT_TRUE(page.next_page_token.empty());
  OrderFilter case_number;
  case_number.external_case_number = "MTG-2026-05-0199";
  ASSERT_OK_AND_ASSIGN(page, desk_.List(kPlan, case_number, {}, kDeskSupervisor));
  EXPECT_EQ(page.total_size, 4);
  case_number.external_case_number = "MTG-other";
  ASSERT_OK_AND_ASSIGN(page, desk_.List(kPlan, case_number, {}, kDeskSupervisor));
  EXPECT_EQ(page.total_size, 0);
  OrderFilter overdue;
  overdue.overdue_only = true;
  ASSERT_OK_AND_ASSIGN(page, desk_.List(kPlan, overdue, {}, kDeskSupervisor));
  EXPECT_EQ(page.total_size, 0);
  clock_.Set(Shanghai(2026, 5, 25, 9, 0));  // the red order was due Fri 05-22
  ASSERT_OK_AND_ASSIGN(page, desk_.List(kPlan, overdue, {}, kDeskSupervisor));
  ASSERT_EQ(page.total_size, 1);
  EXPECT_EQ(page.orders[0].id, "2026-004");
  EXPECT_STATUS_CODE(desk_.List(kPlan, {}, {0, "garbage"}, kDeskSupervisor),
                     absl::StatusCode::kInvalidArgument);
}

TEST_F(SupervisionDeskTest, AFailedCommitLeavesNothingBehind) {
  store_.FailNextCommit(absl::UnavailableError("disk"));
  EXPECT_STATUS_CODE(Issue(Yellow()), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(store_.events().empty());
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(Yellow()));
  EXPECT_EQ(order.id, "2026-001");
}

TEST_F(SupervisionDeskTest, TheCommandCenterAcknowledgesAndAttachesItsCaseNumberOnce) {
  OrderIssue issue = Yellow();
  issue.external_case_number = "";
  Caller supervisor = kDeskSupervisor;
  supervisor.org_id = "o-dcs";
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(issue, supervisor));
  EXPECT_EQ(order.issuing_org_id, "o-dcs");
  auto ack = [&](const Caller& caller, const std::string& case_number,
                 const std::string& etag = "") {
    return Sync([&](Callback<SupervisionOrder> cb) {
      desk_.Acknowledge(kPlan, order.id, case_number, "已签收", etag, caller, cb);
    });
  };
  Caller center = DeskCaller(Caller::Role::kViewer, "", "ack-1");
  center.actor = "区城指中心";
  ASSERT_OK_AND_ASSIGN(SupervisionOrder acked, ack(center, "MTG-2026-0601"));
  EXPECT_EQ(acked.external_case_number, "MTG-2026-0601");
  ASSERT_EQ(acked.acknowledgements.size(), 1u);
  EXPECT_EQ(acked.acknowledgements[0].acknowledged_by, "区城指中心");
  EXPECT_EQ(acked.acknowledgements[0].comment, "已签收");
  EXPECT_EQ(acked.acknowledgements[0].time, clock_.Now());
  EXPECT_EQ(SupervisionEtag(acked), "s2");
  // The same request again writes nothing.
  ASSERT_OK_AND_ASSIGN(SupervisionOrder again, ack(center, "MTG-2026-0601"));
  EXPECT_EQ(again.acknowledgements.size(), 1u);
  EXPECT_EQ(store_.commits(), 2);
  // The same case number again is fine; another one is refused.
  center.request_id = "";
  ASSERT_OK_AND_ASSIGN(again, ack(center, "MTG-2026-0601"));
  EXPECT_EQ(again.acknowledgements.size(), 2u);
  ExpectError(ack(center, "MTG-2026-9999").status(), absl::StatusCode::kFailedPrecondition,
              "MTG-2026-0601");
  ExpectError(ack(center, "", "s1").status(), absl::StatusCode::kAborted, "stale");
  ExpectError(ack(DeskCaller(Caller::Role::kReporter, kTraffic), "").status(),
              absl::StatusCode::kPermissionDenied, "command center");
  ExpectError(ack(DeskCaller(Caller::Role::kService), "").status(),
              absl::StatusCode::kPermissionDenied, "command center");
  ExpectError(ack(kDeskSupervisor, std::string(65, 'x')).status(),
              absl::StatusCode::kInvalidArgument, "external_case_number");
  EXPECT_THAT(EventTypes(),
              ElementsAre(SupervisionEventType::kIssued, SupervisionEventType::kAcknowledged,
                          SupervisionEventType::kAcknowledged));
}

TEST_F(SupervisionDeskTest, AClosedOrderIsAcknowledgedButNotRepliedTo) {
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(Yellow()));
  ASSERT_OK(Reply(order.id, kTraffic));
  ASSERT_OK(Reply(order.id, kCity));
  ASSERT_OK(Verify(order.id, kTraffic, true));
  ASSERT_OK(Verify(order.id, kCity, true));
  ASSERT_OK(Close(order.id));
  // The command center acknowledges the closure (结案).
  Caller center = DeskCaller(Caller::Role::kViewer, "", "ack-closed");
  center.actor = "区城指中心";
  ASSERT_OK_AND_ASSIGN(SupervisionOrder acked, Sync([&](Callback<SupervisionOrder> cb) {
                         desk_.Acknowledge(kPlan, order.id, "", "已结案", "", center, cb);
                       }));
  EXPECT_EQ(acked.state, SupervisionOrderState::kClosed);
  ASSERT_EQ(acked.acknowledgements.size(), 1u);
  EXPECT_EQ(acked.acknowledgements[0].comment, "已结案");
  // Every other change of a closed order is refused.
  ExpectError(Reply(order.id, kTraffic).status(), absl::StatusCode::kFailedPrecondition, "closed");
}

TEST_F(SupervisionDeskTest, TheRequestingOrganizationIsCheckedKeptAndMayReadTheOrder) {
  // The command center is named by the plan (it is responsible for no
  // measure of the order); an organization the plan does not name is unknown.
  auto plan = MakePlan();
  plan->organizations["o-center"] = "区城指中心";
  plans_.Put(plan);
  OrderIssue issue = Yellow();
  issue.requesting_org_id = "o-center";
  Caller caller = kDeskSupervisor;
  caller.request_id = "issue-requested";
  ASSERT_OK_AND_ASSIGN(SupervisionOrder order, Issue(issue, caller));
  EXPECT_EQ(order.requesting_org_id, "o-center");
  EXPECT_EQ(order.Find("o-center"), nullptr);  // asked for it, is not addressed
  ASSERT_EQ(store_.events().size(), 1u);
  EXPECT_EQ(store_.events()[0].order.requesting_org_id, "o-center");
  ASSERT_OK_AND_ASSIGN(SupervisionOrder stored, desk_.Get(kPlan, order.id, kDeskSupervisor));
  EXPECT_EQ(stored.requesting_org_id, "o-center");

  // A retry must name the same requester; without one is other content too.
  ASSERT_OK_AND_ASSIGN(SupervisionOrder again, Issue(issue, caller));
  EXPECT_EQ(again.id, order.id);
  OrderIssue other = issue;
  other.requesting_org_id = kEco;
  ExpectError(Issue(other, caller).status(), absl::StatusCode::kInvalidArgument, "request_id");
  other.requesting_org_id.clear();
  ExpectError(Issue(other, caller).status(), absl::StatusCode::kInvalidArgument, "request_id");
  EXPECT_EQ(store_.commits(), 1);

  OrderIssue unknown = Yellow();
  unknown.requesting_org_id = "o-nobody";
  ExpectError(Issue(unknown).status(), absl::StatusCode::kNotFound,
              "requesting_organization: organizations/o-nobody");
  EXPECT_EQ(store_.commits(), 1);

  // The requester reads the order, as the command center (viewer) or as a
  // reporter of its organization; another organization's reporter does not.
  EXPECT_OK(desk_.Get(kPlan, order.id, DeskCaller(Caller::Role::kViewer, "o-center")));
  ASSERT_OK_AND_ASSIGN(SupervisionOrder seen,
                       desk_.Get(kPlan, order.id, DeskCaller(Caller::Role::kReporter, "o-center")));
  EXPECT_EQ(seen.requesting_org_id, "o-center");
  EXPECT_STATUS_CODE(desk_.Get(kPlan, order.id, DeskCaller(Caller::Role::kReporter, kEco)),
                     absl::StatusCode::kPermissionDenied);
  // An order without a requester keeps it empty.
  ASSERT_OK_AND_ASSIGN(SupervisionOrder plain, Issue(Yellow()));
  EXPECT_TRUE(plain.requesting_org_id.empty());
}

}  // namespace
}  // namespace ecoplan::progress
