// Notifier unit tests of the rules: defaults, mutes, etags and validation.

#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

TEST_F(NotifierTest, InstallsDefaultRulesOnFirstStart) {
  EXPECT_EQ(notifier_->ListRules().size(), DefaultRules().size());
}

std::vector<std::string> RuleIds(const std::vector<Rule>& rules) {
  std::vector<std::string> ids;
  for (const Rule& r : rules) ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

// A store as an earlier build left it: the defaults whose ids are in `ids`, and
// no record of which defaults were installed.
class EarlierStoreTest : public ::testing::Test {
 protected:
  void Seed(const std::set<std::string>& ids) {
    Changes c;
    for (const Rule& r : DefaultRules()) {
      if (ids.count(r.id) > 0) c.rules.push_back(r);
    }
    ASSERT_OK(store_.Commit(c));
  }
  // Starts a notifier on the store; what it logged goes to `log_`.
  std::unique_ptr<Notifier> Start() {
    NotifierOptions options;
    options.logger = common::Logger(
        "notification", [this](absl::string_view line) { log_.emplace_back(line); }, &clock_);
    auto n = std::make_unique<Notifier>(&store_, &clock_, &allow_, options);
    EXPECT_OK(n->Load());
    return n;
  }

  common::FakeClock clock_{At(6, 1)};
  FakeNotificationStore store_;
  AllowAll allow_;
  std::vector<std::string> log_;
};

// The 11 defaults a store got before kinds 13-16 (INDICATOR_RECOVERED, MONTH_CLOSED,
// CONTEST_FILED, CONTEST_DECIDED).
std::set<std::string> BeforeKinds13To16() {
  std::vector<std::string> ids = OriginalDefaultRuleIds();
  ids.push_back("measure-checkpoint-approaching");
  return {ids.begin(), ids.end()};
}

// The default rules of kinds 17-31 (supervision, problem ledgers, what awaits the bureau), in
// DefaultRules() order: installed on every store that has not had them.
const std::string kKinds17To31 =
    "supervision-order-issued,supervision-reply-overdue,supervision-reply-returned,"
    "supervision-level-raised,supervision-order-closed,supervision-reply-received,"
    "supervision-task-assigned,report-awaiting-review,extension-requested,completion-declared,"
    "problem-item-overdue,problem-rectification-claimed,problem-item-reopened,"
    "problem-item-opened,problem-item-closed";

TEST_F(EarlierStoreTest, AStoreWithTheOldDefaultsGetsExactlyTheNewOnesInOneLoggedWrite) {
  Seed(BeforeKinds13To16());
  const int commits = store_.commits();
  std::unique_ptr<Notifier> n = Start();
  EXPECT_EQ(store_.commits(), commits + 1);  // one write
  EXPECT_EQ(RuleIds(n->ListRules()), RuleIds(DefaultRules()));
  ASSERT_OK_AND_ASSIGN(Rule recovered, n->GetRule("indicator-recovered"));
  EXPECT_EQ(recovered.kind, Kind::kIndicatorRecovered);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_THAT(log_[0],
              ::testing::HasSubstr(R"("installed":"indicator-recovered,month-closed,contest-filed,)"
                                   R"(contest-decided,)" +
                                   kKinds17To31 + R"(","installed_count":19)"));
  // The rules it had are untouched (revision 1, as seeded).
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_.Load());
  EXPECT_EQ(state.installed_default_rules.size(), DefaultRules().size());
  // Running it twice changes nothing and logs nothing.
  n = Start();
  EXPECT_EQ(store_.commits(), commits + 1);
  EXPECT_EQ(log_.size(), 1u);
  EXPECT_EQ(RuleIds(n->ListRules()), RuleIds(DefaultRules()));
}

TEST_F(EarlierStoreTest, ADefaultTheAdministratorDeletedOrChangedIsNotRecreatedOrOverwritten) {
  std::set<std::string> seeded = BeforeKinds13To16();
  seeded.erase("report-returned");  // the administrator deleted it
  Seed(seeded);
  {
    std::unique_ptr<Notifier> n = Start();
    std::vector<std::string> want = RuleIds(DefaultRules());
    want.erase(std::find(want.begin(), want.end(), "report-returned"));
    EXPECT_EQ(RuleIds(n->ListRules()), want);
    // Now the administrator deletes a new one and changes another.
    ASSERT_OK_AND_ASSIGN(Rule filed, n->GetRule("contest-filed"));
    ASSERT_OK(n->DeleteRule("contest-filed", RuleEtag(filed)));
    ASSERT_OK_AND_ASSIGN(Rule closed, n->GetRule("month-closed"));
    closed.enabled = false;
    ASSERT_OK(n->UpdateRule(closed, RuleEtag(closed)));
  }
  const int commits = store_.commits();
  std::unique_ptr<Notifier> n = Start();
  EXPECT_EQ(store_.commits(), commits);
  EXPECT_EQ(n->GetRule("report-returned").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(n->GetRule("contest-filed").status().code(), absl::StatusCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(Rule closed, n->GetRule("month-closed"));
  EXPECT_FALSE(closed.enabled);
  EXPECT_EQ(closed.revision, 2);
}

TEST_F(EarlierStoreTest, AStoreOfTheFirstReleaseAlsoGetsTheCheckpointRule) {
  const std::vector<std::string> original = OriginalDefaultRuleIds();
  Seed({original.begin(), original.end()});
  std::unique_ptr<Notifier> n = Start();
  EXPECT_EQ(RuleIds(n->ListRules()), RuleIds(DefaultRules()));
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_THAT(log_[0], ::testing::HasSubstr(R"("installed_count":20)"));
}

TEST_F(EarlierStoreTest, ARuleAnAdministratorCreatedWithADefaultsIdIsKept) {
  Seed(BeforeKinds13To16());
  Rule own;  // created with CreateRule, as the README advised before
  own.id = "month-closed";
  own.kind = Kind::kMonthClosed;
  own.severity = Severity::kWarning;
  own.description = "own";
  Changes c;
  c.rules.push_back(own);
  ASSERT_OK(store_.Commit(c));
  std::unique_ptr<Notifier> n = Start();
  ASSERT_OK_AND_ASSIGN(Rule kept, n->GetRule("month-closed"));
  EXPECT_EQ(kept.description, "own");
  EXPECT_EQ(kept.severity, Severity::kWarning);
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_THAT(log_[0], ::testing::HasSubstr(
                           R"("installed":"indicator-recovered,contest-filed,contest-decided,)" +
                           kKinds17To31 +
                           R"(",)"
                           R"("installed_count":18,)"
                           R"("kept_existing":"measure-checkpoint-approaching,month-closed")"));
}

TEST_F(EarlierStoreTest, ANewStoreGetsEveryDefaultAndRecordsThem) {
  std::unique_ptr<Notifier> n = Start();
  EXPECT_EQ(RuleIds(n->ListRules()), RuleIds(DefaultRules()));
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_.Load());
  EXPECT_EQ(state.installed_default_rules.size(), DefaultRules().size());
  ASSERT_EQ(log_.size(), 1u);
  EXPECT_THAT(log_[0], ::testing::HasSubstr("default rules installed on a new store"));
}

TEST_F(NotifierTest, BureauMuteSilencesARuleForItsPeriod) {
  ImportPlan();
  ASSERT_OK(notifier_->MuteRule(admin_, "report-due-soon", At(4, 30), "", ""));
  clock_.Set(At(4, 23));
  EXPECT_EQ(Run(), 0);
}

TEST_F(NotifierTest, RecipientCannotMuteACriticalRule) {
  Caller reporter{"a", "o-a", Caller::Role::kReporter};
  EXPECT_EQ(notifier_->MuteRule(reporter, "report-overdue", At(5, 1), "o-a", "").status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_OK(notifier_->MuteRule(reporter, "report-due-soon", At(5, 1), "o-a", ""));
  EXPECT_EQ(notifier_->MuteRule(reporter, "report-due-soon", At(5, 1), "o-b", "").status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(NotifierTest, RuleUpdatesNeedTheCurrentEtag) {
  ASSERT_OK_AND_ASSIGN(Rule rule, notifier_->GetRule("report-due-soon"));
  rule.lead_days = {5};
  EXPECT_EQ(notifier_->UpdateRule(rule, "r999").status().code(), absl::StatusCode::kAborted);
  rule.severity = Severity::kInfo;
  rule.kind = Kind::kReportOverdue;
  EXPECT_EQ(notifier_->UpdateRule(rule, RuleEtag(rule)).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
