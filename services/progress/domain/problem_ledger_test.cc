// ProblemLedger: creating, importing and moving problem items over a
// FakeProblemStore and a FakeClock, with work dispatched inline.

#include "services/progress/domain/problem_ledger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "common/spreadsheet/testing/xlsx_fixtures.h"
#include "common/testing/status_matchers.h"
#include "services/progress/domain/progress_recorder_test_fixture.h"
#include "services/progress/testing/fake_problem_store.h"

namespace ecoplan::progress {
namespace {

using recorder_test::kCity;
using recorder_test::kPlan;
using recorder_test::kTown1;
using recorder_test::kTown2;
using recorder_test::MakePlan;
using recorder_test::Shanghai;
using ::testing::HasSubstr;

Caller LedgerCaller(Caller::Role role, const std::string& org = "",
                    const std::string& request_id = "") {
  Caller c;
  c.role = role;
  c.org_id = org;
  c.actor = role == Caller::Role::kReporter ? "reporter-" + org : "督查室";
  c.request_id = request_id;
  return c;
}

const Caller kLedgerSupervisor = LedgerCaller(Caller::Role::kSupervisor);

constexpr char kCsv[] =
    "编号,名称,责任单位,整改期限,类别\n"
    "PWK-001,永定河左岸排污口,龙泉镇,2026-06-30,排污口\n"
    "PWK-002,城子沟排污口,城子街道,2026-05-10,排污口\n"
    "PWK-003,坏行,龙泉镇,2026-13-01,排污口\n";

class ProblemLedgerTest : public ::testing::Test {
 protected:
  ProblemLedgerTest()
      : clock_(Shanghai(2026, 5, 20, 10, 0)),
        ledger_(&store_, &plans_, &clock_, [](std::function<void()> fn) { fn(); }) {
    plans_.Put(MakePlan());
    plans_.SetConnected(true);
  }

  template <typename T, typename Fn>
  absl::StatusOr<T> Sync(Fn fn) {
    std::optional<absl::StatusOr<T>> result;
    fn([&result](absl::StatusOr<T> r) { result = std::move(r); });
    if (!result.has_value()) return absl::InternalError("no answer");
    return *result;
  }
  absl::StatusOr<ProblemImportResult> Import(const std::string& csv, bool validate_only = false,
                                             const Caller& caller = kLedgerSupervisor) {
    return ImportFile({ProblemFileFormat::kCsv, csv}, validate_only, caller);
  }
  absl::StatusOr<ProblemImportResult> ImportFile(const ProblemFile& file,
                                                 bool validate_only = false,
                                                 const Caller& caller = kLedgerSupervisor) {
    return Sync<ProblemImportResult>([&](Callback<ProblemImportResult> cb) {
      ledger_.Import(kPlan, file, "a1-t2-m1", validate_only, caller, cb);
    });
  }
  absl::StatusOr<ProblemItem> Create(const ProblemDraft& d,
                                     const Caller& caller = kLedgerSupervisor) {
    return Sync<ProblemItem>(
        [&](Callback<ProblemItem> cb) { ledger_.Create(kPlan, d, caller, cb); });
  }
  absl::StatusOr<ProblemItem> Step(const std::string& id, ProblemTransition t, const Caller& caller,
                                   std::string comment = "", std::vector<std::string> evidence = {},
                                   const std::string& etag = "") {
    return Sync<ProblemItem>([&](Callback<ProblemItem> cb) {
      ledger_.Transition(kPlan, id, {t, comment, evidence}, etag, caller, cb);
    });
  }
  ProblemDraft Draft(const std::string& code) {
    ProblemDraft d;
    d.measure_id = "a1-t2-m1";
    d.code = code;
    d.title = "黑臭水体";
    d.category = ProblemCategory::kBlackOdorousWater;
    d.org_id = kCity;
    d.due_day = absl::CivilDay(2026, 8, 31);
    return d;
  }

  FakeProblemStore store_;
  PlanDirectory plans_;
  common::FakeClock clock_;
  ProblemLedger ledger_;
};

TEST_F(ProblemLedgerTest, AnImportCreatesTheGoodRowsInOneWriteAndListsTheBadOnes) {
  ASSERT_OK_AND_ASSIGN(ProblemImportResult checked, Import(kCsv, /*validate_only=*/true));
  EXPECT_EQ(checked.accepted, 2);
  EXPECT_TRUE(checked.items.empty());
  EXPECT_EQ(store_.commits(), 0);

  ASSERT_OK_AND_ASSIGN(ProblemImportResult got, Import(kCsv));
  EXPECT_EQ(got.rows, 3);
  EXPECT_EQ(got.accepted, 2);
  ASSERT_EQ(got.items.size(), 2u);
  EXPECT_EQ(got.items[0].id, "00001");
  EXPECT_EQ(got.items[1].id, "00002");
  EXPECT_EQ(got.items[1].org_id, kTown2);
  ASSERT_EQ(got.errors.size(), 1u);
  EXPECT_EQ(got.errors[0].line, 4);
  EXPECT_EQ(got.errors[0].column, "整改期限");
  EXPECT_EQ(store_.commits(), 1);
  ASSERT_EQ(store_.events().size(), 2u);
  EXPECT_EQ(store_.events()[0].from_state, ProblemState::kUnspecified);

  // Importing the same file again refuses the codes already in the ledger.
  ASSERT_OK_AND_ASSIGN(ProblemImportResult again, Import(kCsv));
  EXPECT_EQ(again.accepted, 0);
  EXPECT_EQ(again.errors.size(), 3u);
  EXPECT_THAT(again.errors[0].message, HasSubstr("problems/00001"));
  EXPECT_EQ(store_.commits(), 1);
}

TEST_F(ProblemLedgerTest, ARetriedImportAnswersTheFirstWithoutWriting) {
  const Caller caller = LedgerCaller(Caller::Role::kAdministrator, "", "imp-1");
  ASSERT_OK_AND_ASSIGN(ProblemImportResult first, Import(kCsv, false, caller));
  ASSERT_OK_AND_ASSIGN(ProblemImportResult retry, Import(kCsv, false, caller));
  EXPECT_EQ(retry.accepted, 2);
  ASSERT_EQ(retry.items.size(), 2u);
  EXPECT_EQ(retry.items[0].id, first.items[0].id);
  ASSERT_EQ(retry.errors.size(), 1u);
  EXPECT_EQ(retry.errors[0].line, 4);
  EXPECT_EQ(store_.commits(), 1);
  // The same id with another file is refused.
  EXPECT_EQ(
      Import(std::string(kCsv) + "PWK-9,x,龙泉镇,2026-06-30,隐患\n", false, caller).status().code(),
      absl::StatusCode::kInvalidArgument);
  // Reporters do not import.
  EXPECT_EQ(Import(kCsv, false, LedgerCaller(Caller::Role::kReporter, kTown1)).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(ProblemLedgerTest, AnXlsxImportCreatesItsRowsAndIsAnotherFileThanTheSameBytesAsCsv) {
  using common::testing::XlsxCell;
  const std::string book = common::testing::XlsxWorkbook({
      {XlsxCell::Text("编号"), XlsxCell::Text("名称"), XlsxCell::Text("责任单位"),
       XlsxCell::Text("整改期限")},
      {XlsxCell::Text("PWK-001"), XlsxCell::Text("永定河左岸排污口"), XlsxCell::Text("龙泉镇"),
       XlsxCell::Date(2026, 6, 30)},
  });
  const Caller caller = LedgerCaller(Caller::Role::kSupervisor, "", "imp-xlsx");
  ASSERT_OK_AND_ASSIGN(ProblemImportResult got,
                       ImportFile({ProblemFileFormat::kXlsx, book}, false, caller));
  EXPECT_EQ(got.rows, 1);
  ASSERT_EQ(got.items.size(), 1u);
  EXPECT_EQ(got.items[0].code, "PWK-001");
  EXPECT_EQ(got.items[0].due_day, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(store_.commits(), 1);
  // The retry answers the first; the same bytes sent as CSV are other content.
  ASSERT_OK_AND_ASSIGN(ProblemImportResult retry,
                       ImportFile({ProblemFileFormat::kXlsx, book}, false, caller));
  EXPECT_EQ(retry.items[0].id, got.items[0].id);
  EXPECT_EQ(ImportFile({ProblemFileFormat::kCsv, book}, false, caller).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_.commits(), 1);
  // Not a workbook: the whole file is refused.
  absl::StatusOr<ProblemImportResult> bad = ImportFile({ProblemFileFormat::kXlsx, kCsv});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad.status().message()), HasSubstr("not an .xlsx workbook"));
}

TEST_F(ProblemLedgerTest, CreatingChecksTheCodeTheOwnerAndTheRole) {
  ASSERT_OK_AND_ASSIGN(ProblemItem item, Create(Draft("HC-1")));
  EXPECT_EQ(item.id, "00001");
  EXPECT_EQ(item.state, ProblemState::kOpen);
  EXPECT_EQ(item.steps.size(), 1u);
  EXPECT_EQ(item.steps[0].actor, "督查室");
  EXPECT_EQ(ProblemEtag(item), "p1");
  EXPECT_EQ(Create(Draft("HC-1")).status().code(), absl::StatusCode::kAlreadyExists);
  ProblemDraft other = Draft("HC-2");
  other.org_id = "o-traffic";
  EXPECT_EQ(Create(other).status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Create(Draft("HC-3"), LedgerCaller(Caller::Role::kReporter, kCity)).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Create(Draft("HC-3"), LedgerCaller(Caller::Role::kViewer)).status().code(),
            absl::StatusCode::kPermissionDenied);
  // A retried creation answers the item and writes nothing.
  const Caller retry = LedgerCaller(Caller::Role::kAdministrator, "", "c-1");
  ASSERT_OK_AND_ASSIGN(ProblemItem second, Create(Draft("HC-4"), retry));
  ASSERT_OK_AND_ASSIGN(ProblemItem again, Create(Draft("HC-4"), retry));
  EXPECT_EQ(again.id, second.id);
  EXPECT_EQ(store_.commits(), 2);
}

TEST_F(ProblemLedgerTest, TheLifecycleWithAReopeningAtVerificationAndStaleEtags) {
  ASSERT_OK(Import(kCsv).status());
  const Caller town1 = LedgerCaller(Caller::Role::kReporter, kTown1);
  ASSERT_OK(Step("00001", ProblemTransition::kStartRectification, town1).status());
  EXPECT_EQ(Step("00001", ProblemTransition::kStartRectification,
                 LedgerCaller(Caller::Role::kReporter, kTown2))
                .status()
                .code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(ProblemItem claimed, Step("00001", ProblemTransition::kClaimRectified, town1,
                                                 "", {"https://example.gov.cn/pwk-001.jpg"}));
  EXPECT_EQ(claimed.state, ProblemState::kRectificationClaimed);
  EXPECT_EQ(
      Step("00001", ProblemTransition::kVerify, kLedgerSupervisor, "", {}, "p1").status().code(),
      absl::StatusCode::kAborted);
  ASSERT_OK_AND_ASSIGN(ProblemItem reopened, Step("00001", ProblemTransition::kReopen,
                                                  kLedgerSupervisor, "照片不能反映封堵情况"));
  EXPECT_EQ(reopened.state, ProblemState::kRectifying);
  EXPECT_EQ(reopened.reopen_count, 1);
  EXPECT_EQ(store_.events().back().from_state, ProblemState::kRectificationClaimed);
  absl::Status s = Step("00001", ProblemTransition::kClose, kLedgerSupervisor).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(s.message()), HasSubstr("RECTIFYING"));
  EXPECT_EQ(Step("00099", ProblemTransition::kVerify, kLedgerSupervisor).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ProblemLedgerTest, ReportersSeeOnlyTheirOwnItemsAndOverdueFollowsTheClock) {
  ASSERT_OK(Import(kCsv).status());
  const Caller town1 = LedgerCaller(Caller::Role::kReporter, kTown1);
  EXPECT_OK(ledger_.Get(kPlan, "00001", town1).status());
  EXPECT_EQ(ledger_.Get(kPlan, "00002", town1).status().code(),
            absl::StatusCode::kPermissionDenied);
  ASSERT_OK_AND_ASSIGN(ProblemPage own, ledger_.List(kPlan, {}, {0, ""}, town1));
  ASSERT_EQ(own.items.size(), 1u);
  EXPECT_EQ(own.items[0].id, "00001");
  ProblemFilter other;
  other.org_id = kTown2;
  EXPECT_EQ(ledger_.List(kPlan, other, {0, ""}, town1).status().code(),
            absl::StatusCode::kPermissionDenied);
  // 00002 was due 2026-05-10: overdue on 05-20.
  ProblemFilter overdue;
  overdue.overdue_only = true;
  ASSERT_OK_AND_ASSIGN(ProblemPage late, ledger_.List(kPlan, overdue, {0, ""}, kLedgerSupervisor));
  ASSERT_EQ(late.items.size(), 1u);
  EXPECT_EQ(late.items[0].id, "00002");
  ASSERT_OK_AND_ASSIGN(ProblemSummary all, ledger_.Summarize(kPlan, "", kLedgerSupervisor));
  EXPECT_EQ(all.total.total, 2);
  EXPECT_EQ(all.total.open, 2);
  EXPECT_EQ(all.total.overdue, 1);
  ASSERT_EQ(all.by_organization.size(), 2u);
  ASSERT_EQ(all.by_measure.size(), 1u);
  EXPECT_EQ(all.by_measure[0].key, "a1-t2-m1");
  ASSERT_OK_AND_ASSIGN(ProblemSummary mine, ledger_.Summarize(kPlan, "", town1));
  EXPECT_EQ(mine.total.total, 1);
  EXPECT_EQ(mine.total.overdue, 0);
  // Paging.
  ASSERT_OK_AND_ASSIGN(ProblemPage first, ledger_.List(kPlan, {}, {1, ""}, kLedgerSupervisor));
  EXPECT_EQ(first.total_size, 2);
  EXPECT_EQ(first.next_page_token, "00001");
  ASSERT_OK_AND_ASSIGN(ProblemPage second,
                       ledger_.List(kPlan, {}, {1, first.next_page_token}, kLedgerSupervisor));
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(second.items[0].id, "00002");
  EXPECT_TRUE(second.next_page_token.empty());
  EXPECT_EQ(ledger_.List(kPlan, {}, {501, ""}, kLedgerSupervisor).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::progress
