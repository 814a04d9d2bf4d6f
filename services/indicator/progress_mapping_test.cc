// Progress events → ProgressUpdate → ledger changes (scorecard inputs and
// observations), with protobuf messages only: no gRPC channel, no RocksDB.

#include "services/indicator/progress_mapping.h"

#include "absl/time/time.h"
#include "common/testing/status_matchers.h"
#include "ecoplan/progress/v1/progress_service.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace ecoplan::indicator {
namespace {

namespace pv1 = ::ecoplan::progress::v1;
using ::testing::ElementsAre;
using ::testing::SizeIs;

const absl::TimeZone kShanghai = absl::FixedTimeZone(8 * 3600);

google::protobuf::Timestamp At(absl::CivilSecond local) {
  const int64_t s = absl::ToUnixSeconds(absl::FromCivil(local, kShanghai));
  google::protobuf::Timestamp t;
  t.set_seconds(s);
  return t;
}

template <typename T>
ecoplan::common::v1::Event EventOf(const T& payload, uint64_t sequence = 7) {
  ecoplan::common::v1::Event e;
  e.set_sequence(sequence);
  e.set_type(payload.GetDescriptor()->full_name());
  e.mutable_payload()->PackFrom(payload);
  return e;
}

pv1::Report MayReport(double share) {
  pv1::Report r;
  r.set_name("plans/2026-5b6a16527908/reports/o-1a2b3c4d5e_2026-05");
  r.set_organization("organizations/o-1a2b3c4d5e");
  r.set_organization_display_name("区交通局");
  r.set_period("2026-05");
  r.set_state(pv1::REPORT_STATE_SUBMITTED);
  r.set_revision(1);
  *r.mutable_due_time() = At(absl::CivilSecond(2026, 5, 26, 0, 0, 0));  // end of the 25th
  r.set_timeliness(pv1::TIMELINESS_LATE);
  pv1::ReportEntry* e = r.add_entries();
  e->set_measure("plans/2026-5b6a16527908/measures/a1-t2-m3");
  e->set_status(pv1::MEASURE_STATUS_DELAYED);
  e->set_percent_done(40);
  pv1::QuantitativeValue* v = e->add_values();
  v->set_name("新注册登记货车新能源化率");
  v->set_value(share);
  v->set_unit("%");
  return r;
}

Indicator TruckShare() {
  Indicator i;
  i.plan_id = "2026-5b6a16527908";
  i.id = "a4-trucks";
  i.display_name = "2026年注册登记货车新能源化率";
  i.unit = "%";
  i.comparator = Comparator::kAtLeast;
  i.target_value = 30;
  i.aggregation = Aggregation::kLatestValue;
  i.source = SourceKind::kReported;
  i.measures = {"a1-t2-m3"};
  i.owners = {"区交通局"};
  return i;
}

TEST(ProgressMappingTest, ASubmittedMonthlyReportBecomesEntriesAndAnObservation) {
  pv1::ReportSubmitted submitted;
  *submitted.mutable_report() = MayReport(31.5);
  ASSERT_OK_AND_ASSIGN(std::optional<ProgressUpdate> u,
                       ProgressUpdateFromEvent(EventOf(submitted)));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kind, ProgressUpdate::Kind::kReport);
  EXPECT_EQ(u->plan_id, "2026-5b6a16527908");
  EXPECT_EQ(u->organization_id, "o-1a2b3c4d5e");
  EXPECT_EQ(u->organization, "区交通局");
  EXPECT_EQ(u->period, absl::CivilMonth(2026, 5));
  EXPECT_EQ(u->due_day, absl::CivilDay(2026, 5, 25));
  EXPECT_FALSE(u->on_time);
  EXPECT_FALSE(u->returned);
  ASSERT_THAT(u->entries, SizeIs(1));
  EXPECT_EQ(u->entries[0].measure_id, "a1-t2-m3");
  EXPECT_EQ(u->entries[0].status, ReportedStatus::kDelayed);
  EXPECT_EQ(u->entries[0].percent_done, 40);
  ASSERT_THAT(u->entries[0].values, SizeIs(1));

  // Through the ledger: the scorecard input and the indicator's observation.
  ProgressLedger ledger;
  LedgerChange c = ledger.Prepare(*u, {TruckShare()});
  ASSERT_THAT(c.observations, SizeIs(1));
  EXPECT_EQ(c.observations[0].indicator_id, "a4-trucks");
  EXPECT_EQ(c.observations[0].day, absl::CivilDay(2026, 5, 25));
  EXPECT_EQ(c.observations[0].value, 31.5);
  ledger.Apply(c);
  const std::vector<ProgressReport> reports = ledger.Reports("2026-5b6a16527908");
  ASSERT_THAT(reports, SizeIs(1));
  EXPECT_EQ(reports[0].organization, "区交通局");
  EXPECT_EQ(reports[0].status, ReportedStatus::kDelayed);
  EXPECT_FALSE(reports[0].on_time);

  // The revision with another value replaces the same (indicator, period).
  pv1::ReportRevised revised;
  *revised.mutable_report() = MayReport(28);
  revised.mutable_report()->set_revision(2);
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(revised)));
  c = ledger.Prepare(*u, {TruckShare()});
  ASSERT_THAT(c.observations, SizeIs(1));
  EXPECT_EQ(c.observations[0].day, absl::CivilDay(2026, 5, 25));
  EXPECT_EQ(c.observations[0].value, 28);
}

TEST(ProgressMappingTest, AReturnedReportIsMarked) {
  pv1::ReportReturned returned;
  *returned.mutable_report() = MayReport(31.5);
  returned.mutable_report()->set_state(pv1::REPORT_STATE_RETURNED);
  ASSERT_OK_AND_ASSIGN(std::optional<ProgressUpdate> u, ProgressUpdateFromEvent(EventOf(returned)));
  ASSERT_TRUE(u.has_value());
  EXPECT_TRUE(u->returned);
}

// The ledger's statements of the only entry of the only report.
std::vector<CheckpointStatement> Statements(const ProgressLedger& ledger) {
  const std::vector<ProgressReport> reports = ledger.Reports("2026-5b6a16527908");
  if (reports.size() != 1) return {};
  return reports[0].met_checkpoints;
}

TEST(ProgressMappingTest, CheckpointsStatedMetCarryTheDayTheirReportWasSubmitted) {
  ProgressLedger ledger;
  auto apply = [&ledger](const ecoplan::common::v1::Event& event) {
    absl::StatusOr<std::optional<ProgressUpdate>> u = ProgressUpdateFromEvent(event);
    ASSERT_OK(u.status());
    ASSERT_TRUE(u->has_value());
    ledger.Apply(ledger.Prepare(**u, {}));
  };
  auto state = [](pv1::Report* r, absl::CivilDay due, const std::string& phrase) {
    pv1::CheckpointMet* c = r->mutable_entries(0)->add_met_checkpoints();
    c->mutable_due_date()->set_year(static_cast<int>(due.year()));
    c->mutable_due_date()->set_month(due.month());
    c->mutable_due_date()->set_day(due.day());
    c->set_phrase(phrase);
  };
  // Submitted on May 28 stating 5月底前 met.
  pv1::ReportSubmitted submitted;
  pv1::Report* r = submitted.mutable_report();
  *r = MayReport(31.5);
  *r->mutable_last_submit_time() = At(absl::CivilSecond(2026, 5, 28, 23, 30, 0));
  state(r, absl::CivilDay(2026, 5, 31), "5月底前");
  ASSERT_OK_AND_ASSIGN(std::optional<ProgressUpdate> u,
                       ProgressUpdateFromEvent(EventOf(submitted)));
  EXPECT_EQ(u->submitted_day, absl::CivilDay(2026, 5, 28));  // Asia/Shanghai, not UTC
  ASSERT_THAT(u->entries[0].met_checkpoints, SizeIs(1));
  EXPECT_EQ(u->entries[0].met_checkpoints[0].due, absl::CivilDay(2026, 5, 31));
  EXPECT_EQ(u->entries[0].met_checkpoints[0].phrase, "5月底前");
  apply(EventOf(submitted));
  EXPECT_THAT(Statements(ledger),
              ElementsAre(CheckpointStatement{absl::CivilDay(2026, 5, 31), "5月底前",
                                              absl::CivilDay(2026, 5, 28)}));

  // Revised on June 2 adding the quarter: the first statement keeps its day.
  pv1::ReportRevised revised;
  *revised.mutable_report() = *r;
  r = revised.mutable_report();
  r->set_revision(2);
  *r->mutable_last_submit_time() = At(absl::CivilSecond(2026, 6, 2, 9, 0, 0));
  state(r, absl::CivilDay(2026, 6, 30), "按季度");
  apply(EventOf(revised));
  EXPECT_THAT(
      Statements(ledger),
      ElementsAre(
          CheckpointStatement{absl::CivilDay(2026, 5, 31), "5月底前", absl::CivilDay(2026, 5, 28)},
          CheckpointStatement{absl::CivilDay(2026, 6, 30), "按季度", absl::CivilDay(2026, 6, 2)}));

  // Returned by the bureau: kept with their days, the entry marked returned
  // (the lights count nothing of it).
  pv1::ReportReturned returned;
  *returned.mutable_report() = *r;
  returned.mutable_report()->set_state(pv1::REPORT_STATE_RETURNED);
  returned.mutable_report()->set_revision(3);
  apply(EventOf(returned));
  ASSERT_THAT(ledger.Reports("2026-5b6a16527908"), SizeIs(1));
  EXPECT_TRUE(ledger.Reports("2026-5b6a16527908")[0].returned);
  EXPECT_EQ(Statements(ledger)[0].stated_on, absl::CivilDay(2026, 5, 28));

  // Resubmitted on June 5: stated from the resubmission.
  pv1::ReportRevised resubmitted;
  *resubmitted.mutable_report() = *r;
  resubmitted.mutable_report()->set_revision(4);
  *resubmitted.mutable_report()->mutable_last_submit_time() =
      At(absl::CivilSecond(2026, 6, 5, 10, 0, 0));
  apply(EventOf(resubmitted));
  EXPECT_FALSE(ledger.Reports("2026-5b6a16527908")[0].returned);
  EXPECT_THAT(
      Statements(ledger),
      ElementsAre(
          CheckpointStatement{absl::CivilDay(2026, 5, 31), "5月底前", absl::CivilDay(2026, 6, 5)},
          CheckpointStatement{absl::CivilDay(2026, 6, 30), "按季度", absl::CivilDay(2026, 6, 5)}));
}

TEST(ProgressMappingTest, DraftsSummariesAndOtherEventsHaveNoEffect) {
  pv1::ReportDraftSaved draft;
  *draft.mutable_report() = MayReport(31.5);
  draft.mutable_report()->set_state(pv1::REPORT_STATE_DRAFT);
  ASSERT_OK_AND_ASSIGN(std::optional<ProgressUpdate> u, ProgressUpdateFromEvent(EventOf(draft)));
  EXPECT_FALSE(u.has_value());

  pv1::ReportSubmitted quarter;
  *quarter.mutable_report() = MayReport(31.5);
  quarter.mutable_report()->set_period("2026-Q2");
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(quarter)));
  EXPECT_FALSE(u.has_value());

  pv1::ExtensionDecided rejected;
  rejected.mutable_extension()->set_measure("plans/p/measures/m");
  rejected.mutable_extension()->set_state(pv1::EXTENSION_STATE_REJECTED);
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(rejected)));
  EXPECT_FALSE(u.has_value());

  // A completion whose state does not fit its event.
  pv1::CompletionDeclared declared;
  declared.mutable_completion()->set_measure("plans/p/measures/m");
  declared.mutable_completion()->set_state(pv1::COMPLETION_STATE_CONFIRMED);
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(declared)));
  EXPECT_FALSE(u.has_value());
}

TEST(ProgressMappingTest, DeclaredRejectedAndConfirmedCompletionsCarryTheDeclaration) {
  pv1::Completion c;
  c.set_name("plans/p/measures/a1-t1-m1/completions/2");
  c.set_measure("plans/p/measures/a1-t1-m1");
  c.set_organization("organizations/o-1a2b3c4d5e");
  c.set_declaration_number(2);
  c.set_state(pv1::COMPLETION_STATE_DECLARED);
  *c.mutable_declare_time() = At(absl::CivilSecond(2026, 5, 20, 7, 30, 0));  // 05-19 23:30 UTC
  pv1::CompletionDeclared declared;
  *declared.mutable_completion() = c;
  ASSERT_OK_AND_ASSIGN(std::optional<ProgressUpdate> u, ProgressUpdateFromEvent(EventOf(declared)));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kind, ProgressUpdate::Kind::kCompletionDeclared);
  EXPECT_EQ(u->plan_id, "p");
  EXPECT_EQ(u->measure_id, "a1-t1-m1");
  EXPECT_EQ(u->declaration.name, "plans/p/measures/a1-t1-m1/completions/2");
  EXPECT_EQ(u->declaration.number, 2);
  EXPECT_EQ(u->declaration.organization_id, "o-1a2b3c4d5e");
  EXPECT_EQ(u->declaration.declared, absl::CivilDay(2026, 5, 20));  // Asia/Shanghai
  EXPECT_EQ(u->declaration.state, CompletionState::kDeclared);
  EXPECT_FALSE(u->declaration.decided.has_value());

  c.set_state(pv1::COMPLETION_STATE_REJECTED);
  c.set_decision_comment("证明材料不全");
  *c.mutable_decision_time() = At(absl::CivilSecond(2026, 6, 1, 9, 0, 0));
  pv1::CompletionRejected rejected;
  *rejected.mutable_completion() = c;
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(rejected)));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kind, ProgressUpdate::Kind::kCompletionRejected);
  EXPECT_EQ(u->declaration.state, CompletionState::kRejected);
  EXPECT_EQ(u->declaration.comment, "证明材料不全");
  EXPECT_EQ(u->declaration.decided, absl::CivilDay(2026, 6, 1));
  EXPECT_EQ(u->day, absl::CivilDay(2026, 6, 1));

  c.set_state(pv1::COMPLETION_STATE_CONFIRMED);
  c.set_decision_comment("");
  c.set_indicator_check_overridden(true);
  c.set_override_reason("指标为年度统计，年底方可核实");
  pv1::CompletionConfirmed confirmed;
  *confirmed.mutable_completion() = c;
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(confirmed)));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kind, ProgressUpdate::Kind::kCompletionConfirmed);
  EXPECT_EQ(u->declaration.state, CompletionState::kConfirmed);
  EXPECT_TRUE(u->declaration.indicator_check_overridden);
  EXPECT_EQ(u->declaration.override_reason, "指标为年度统计，年底方可核实");

  // Through the ledger: the declaration is kept (its organization by id, no
  // report named it) and the confirmation recorded.
  ProgressLedger ledger;
  LedgerChange change = ledger.Prepare(*u, {});
  ASSERT_TRUE(change.declaration.has_value());
  EXPECT_EQ(change.declaration->first, "a1-t1-m1");
  EXPECT_EQ(change.declaration->second.organization, "o-1a2b3c4d5e");
  ASSERT_TRUE(change.completion.has_value());
  EXPECT_EQ(change.completion->second, absl::CivilDay(2026, 6, 1));
}

TEST(ProgressMappingTest, ConfirmedCompletionsAndApprovedExtensions) {
  pv1::CompletionConfirmed confirmed;
  pv1::Completion* c = confirmed.mutable_completion();
  c->set_name("plans/p/measures/a1-t1-m1/completions/1");
  c->set_measure("plans/p/measures/a1-t1-m1");
  c->set_state(pv1::COMPLETION_STATE_CONFIRMED);
  *c->mutable_decision_time() = At(absl::CivilSecond(2026, 7, 1, 1, 0, 0));  // 06-30 17:00 UTC
  ASSERT_OK_AND_ASSIGN(std::optional<ProgressUpdate> u,
                       ProgressUpdateFromEvent(EventOf(confirmed)));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kind, ProgressUpdate::Kind::kCompletionConfirmed);
  EXPECT_EQ(u->plan_id, "p");
  EXPECT_EQ(u->measure_id, "a1-t1-m1");
  EXPECT_EQ(u->day, absl::CivilDay(2026, 7, 1));  // Asia/Shanghai

  pv1::ExtensionDecided approved;
  pv1::Extension* x = approved.mutable_extension();
  x->set_measure("plans/p/measures/a1-t1-m2");
  x->set_state(pv1::EXTENSION_STATE_APPROVED);
  x->mutable_requested_due_date()->set_year(2026);
  x->mutable_requested_due_date()->set_month(9);
  x->mutable_requested_due_date()->set_day(30);
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(approved)));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kind, ProgressUpdate::Kind::kExtensionApproved);
  EXPECT_EQ(u->measure_id, "a1-t1-m2");
  EXPECT_EQ(u->day, absl::CivilDay(2026, 9, 30));
}

TEST(ProgressMappingTest, APayloadThatDoesNotParseIsAnError) {
  ecoplan::common::v1::Event e;
  e.set_type("ecoplan.progress.v1.ReportSubmitted");
  e.mutable_payload()->set_type_url("type.googleapis.com/ecoplan.progress.v1.ReportSubmitted");
  e.mutable_payload()->set_value("\xff\xff\xff");
  EXPECT_EQ(ProgressUpdateFromEvent(e).status().code(), absl::StatusCode::kInvalidArgument);
}

ecoplan::common::v1::Date DateOf(int y, int m, int d) {
  ecoplan::common::v1::Date out;
  out.set_year(y);
  out.set_month(m);
  out.set_day(d);
  return out;
}

pv1::SupervisionOrder RaisedOrder() {
  pv1::SupervisionOrder o;
  o.set_name("plans/p-1/supervisionOrders/2026-003");
  o.set_title("河道排口整治滞后");
  o.set_level(pv1::SUPERVISION_LEVEL_RED);
  o.add_measures("plans/p-1/measures/a1-t2-m3");
  o.add_measures("plans/p-1/measures/a1-t2-m4");
  pv1::SupervisionAddressee* a = o.add_addressees();
  a->set_organization("organizations/o-water");
  a->set_organization_display_name("区水务局");
  pv1::SupervisionReply* r = a->add_replies();
  *r->mutable_reply_time() = At(absl::CivilSecond(2026, 6, 9, 15, 0, 0));
  r->set_verdict(pv1::SUPERVISION_VERDICT_RETURNED);
  *r->mutable_verify_time() = At(absl::CivilSecond(2026, 6, 10, 9, 0, 0));
  *o.mutable_reply_due_date() = DateOf(2026, 6, 16);
  *o.mutable_reply_due_time() = At(absl::CivilSecond(2026, 6, 17, 0, 0, 0));
  o.set_state(pv1::SUPERVISION_ORDER_STATE_OPEN);
  *o.mutable_issue_time() = At(absl::CivilSecond(2026, 6, 3, 10, 0, 0));
  pv1::SupervisionLevelChange* c = o.add_level_changes();
  c->set_from_level(pv1::SUPERVISION_LEVEL_YELLOW);
  c->set_to_level(pv1::SUPERVISION_LEVEL_RED);
  *c->mutable_change_time() = At(absl::CivilSecond(2026, 6, 12, 10, 0, 0));
  *c->mutable_reply_due_date() = DateOf(2026, 6, 16);
  return o;
}

TEST(ProgressMappingTest, ASupervisionEventCarriesTheWholeOrder) {
  pv1::SupervisionOrderLevelRaised raised;
  *raised.mutable_order() = RaisedOrder();
  ASSERT_OK_AND_ASSIGN(std::optional<ProgressUpdate> u,
                       ProgressUpdateFromEvent(EventOf(raised, 31)));
  ASSERT_TRUE(u.has_value());
  EXPECT_EQ(u->kind, ProgressUpdate::Kind::kSupervisionOrder);
  EXPECT_EQ(u->plan_id, "p-1");
  EXPECT_FALSE(u->initial_deadline_known);  // a level change hides the issued reply day
  ASSERT_TRUE(u->order.has_value());
  const SupervisionOrderFact& o = *u->order;
  EXPECT_EQ(o.id, "2026-003");
  EXPECT_EQ(o.sequence, 31u);
  EXPECT_THAT(o.measure_ids, ElementsAre("a1-t2-m3", "a1-t2-m4"));
  ASSERT_THAT(o.addressees, SizeIs(1));
  EXPECT_EQ(o.addressees[0].organization_id, "o-water");
  EXPECT_EQ(o.addressees[0].organization, "区水务局");
  ASSERT_THAT(o.addressees[0].replies, SizeIs(1));
  EXPECT_EQ(o.addressees[0].replies[0].verdict, SupervisionVerdict::kReturned);
  EXPECT_EQ(o.addressees[0].replies[0].verify_time,
            absl::FromCivil(absl::CivilSecond(2026, 6, 10, 9, 0, 0), kShanghai));
  EXPECT_FALSE(o.close_time.has_value());
  ASSERT_THAT(o.deadlines, SizeIs(2));
  EXPECT_EQ(o.deadlines[0].level, "yellow");
  EXPECT_EQ(o.deadlines[1].level, "red");
  EXPECT_EQ(o.deadlines[1].day, absl::CivilDay(2026, 6, 16));
  EXPECT_EQ(o.deadlines[1].since,
            absl::FromCivil(absl::CivilSecond(2026, 6, 12, 10, 0, 0), kShanghai));
  EXPECT_EQ(o.deadlines[1].time, absl::FromCivil(absl::CivilDay(2026, 6, 17), kShanghai));

  // Issued, without level changes: the deadline is known exactly; closed: its time.
  pv1::SupervisionOrder plain = RaisedOrder();
  plain.clear_level_changes();
  plain.set_level(pv1::SUPERVISION_LEVEL_BLUE);
  *plain.mutable_reply_due_time() = At(absl::CivilSecond(2026, 6, 16, 17, 0, 0));
  plain.set_state(pv1::SUPERVISION_ORDER_STATE_CLOSED);
  *plain.mutable_close_time() = At(absl::CivilSecond(2026, 6, 20, 9, 0, 0));
  pv1::SupervisionOrderClosed closed;
  *closed.mutable_order() = plain;
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(closed, 40)));
  ASSERT_TRUE(u.has_value() && u->order.has_value());
  EXPECT_TRUE(u->initial_deadline_known);
  ASSERT_THAT(u->order->deadlines, SizeIs(1));
  EXPECT_EQ(u->order->deadlines[0].level, "blue");
  EXPECT_EQ(u->order->deadlines[0].time,
            absl::FromCivil(absl::CivilSecond(2026, 6, 16, 17, 0, 0), kShanghai));
  EXPECT_EQ(u->order->close_time,
            absl::FromCivil(absl::CivilSecond(2026, 6, 20, 9, 0, 0), kShanghai));
}

TEST(ProgressMappingTest, AProblemEventCarriesTheWholeItem) {
  pv1::ProblemItem item;
  item.set_name("plans/p-1/problems/pb-7");
  item.set_measure("plans/p-1/measures/a1-t2-m3");
  item.set_code("PWK-0012");
  item.set_title("排口 12");
  item.set_organization("organizations/o-water");
  item.set_organization_display_name("区水务局");
  *item.mutable_rectification_due_date() = DateOf(2026, 5, 31);
  item.set_state(pv1::PROBLEM_STATE_RECTIFYING);
  item.set_reopen_count(1);
  pv1::ProblemStep* s = item.add_steps();
  s->set_state(pv1::PROBLEM_STATE_OPEN);
  *s->mutable_step_time() = At(absl::CivilSecond(2026, 4, 1, 9, 0, 0));
  s = item.add_steps();
  s->set_transition(pv1::PROBLEM_TRANSITION_CLAIM_RECTIFIED);
  s->set_state(pv1::PROBLEM_STATE_RECTIFICATION_CLAIMED);
  *s->mutable_step_time() = At(absl::CivilSecond(2026, 5, 2, 9, 0, 0));
  s = item.add_steps();
  s->set_transition(pv1::PROBLEM_TRANSITION_REOPEN);
  s->set_state(pv1::PROBLEM_STATE_RECTIFYING);
  *s->mutable_step_time() = At(absl::CivilSecond(2026, 5, 10, 9, 0, 0));
  pv1::ProblemItemTransitioned t;
  *t.mutable_item() = item;
  ASSERT_OK_AND_ASSIGN(std::optional<ProgressUpdate> u, ProgressUpdateFromEvent(EventOf(t, 12)));
  ASSERT_TRUE(u.has_value() && u->problem.has_value());
  EXPECT_EQ(u->kind, ProgressUpdate::Kind::kProblemItem);
  EXPECT_EQ(u->plan_id, "p-1");
  const ProblemItemFact& p = *u->problem;
  EXPECT_EQ(p.id, "pb-7");
  EXPECT_EQ(p.measure_id, "a1-t2-m3");
  EXPECT_EQ(p.code, "PWK-0012");
  EXPECT_EQ(p.organization, "区水务局");
  EXPECT_EQ(p.due, absl::CivilDay(2026, 5, 31));
  EXPECT_EQ(p.sequence, 12u);
  ASSERT_THAT(p.steps, SizeIs(3));
  EXPECT_EQ(p.steps[1].state, ProblemState::kClaimed);
  EXPECT_FALSE(p.steps[1].reopen);
  EXPECT_EQ(p.steps[2].state, ProblemState::kRectifying);
  EXPECT_TRUE(p.steps[2].reopen);
  const ProblemStanding june = ProblemAsOf(p, absl::CivilDay(2026, 6, 1));
  EXPECT_TRUE(june.overdue && june.reopened && june.unresolved);

  pv1::ProblemItemOpened opened;
  *opened.mutable_item() = item;
  ASSERT_OK_AND_ASSIGN(u, ProgressUpdateFromEvent(EventOf(opened, 3)));
  ASSERT_TRUE(u.has_value() && u->problem.has_value());
  EXPECT_EQ(u->problem->sequence, 3u);
}

}  // namespace
}  // namespace ecoplan::indicator
