// Notifier unit tests of month closing (月度结账) and contests (申诉): who is
// told, what the title and body say, replays.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

using ::testing::HasSubstr;

class AssessmentNoticeTest : public NotifierTest {
 protected:
  // The sample plan with a second measure: lead 区生态环境局 (the bureau), and a
  // measure of 龙泉镇 alone.
  void ImportPlanWithTwoMeasures() {
    UpstreamInput in;
    in.type = UpstreamInput::Type::kPlanImported;
    in.event_ref = "registry#1";
    in.plan_id = "2026-abc";
    in.plan = SamplePlan();
    in.plan.organization_names["o-c"] = "区城管委";  // owns no measure
    MeasureView m;
    m.id = "a2-t3-m1";
    m.title = "开展扬尘治理";
    m.lead_organizations = {"o-bureau"};
    m.responsible_organizations = {"o-b"};
    in.plan.measures[m.id] = m;
    Upstream(in);
  }

  UpstreamInput MonthClosed(uint64_t sequence) {
    UpstreamInput in;
    in.type = UpstreamInput::Type::kMonthClosed;
    in.event_ref = absl::StrCat("ecoplan.indicator.v1.IndicatorService#", sequence);
    in.plan_id = "2026-abc";
    in.month_closed.name = "plans/2026-abc/months/2026-04";
    in.month_closed.month = "2026-04";
    in.month_closed.closed_by = "bureau-duty-officer";
    in.month_closed.reason = "2026年4月月度结账";
    in.month_closed.adjustment_count = 2;
    return in;
  }

  UpstreamInput Contest(UpstreamInput::Type type, uint64_t sequence) {
    UpstreamInput in;
    in.type = type;
    in.event_ref = absl::StrCat("ecoplan.indicator.v1.IndicatorService#", sequence);
    in.plan_id = "2026-abc";
    ContestInput& c = in.contest;
    c.name = "plans/2026-abc/contests/1";
    c.month = "2026-04";
    c.organization_name = "区交通局";
    c.organization_id = "o-a";
    c.item = "on_time_reporting/a1-t1-m1/2026-04";
    c.reason = "报告已于4月20日纸质报送，系统故障未能录入";
    c.filed_by = "transport-liaison";
    return in;
  }
};

TEST_F(AssessmentNoticeTest, AClosedMonthTellsEveryOrganizationOwningAMeasureHowToContest) {
  ImportPlanWithTwoMeasures();
  Upstream(MonthClosed(50));
  std::vector<Notification> n = OfKind(Kind::kMonthClosed);
  std::set<std::string> to;
  for (const Notification& x : n) to.insert(x.recipient);
  // Leads and responsible units of both measures, each once; not 区城管委.
  EXPECT_EQ(to, (std::set<std::string>{"o-a", "o-b", "o-bureau"}));
  ASSERT_EQ(n.size(), 3u);
  for (const Notification& x : n) {
    EXPECT_EQ(x.title, "2026年4月月度结账：红黄绿灯和考评得分已定稿");
    EXPECT_EQ(x.resource, "plans/2026-abc/months/2026-04");
    EXPECT_EQ(x.period, "2026-04");
    EXPECT_EQ(x.severity, Severity::kInfo);
    EXPECT_EQ(x.rule_id, "month-closed");
    EXPECT_THAT(x.body, HasSubstr("区生态环境局已完成2026年4月月度结账（2026年4月月度结账）。"));
    EXPECT_THAT(x.body, HasSubstr("红黄绿灯和考评得分已定稿，不再变更"));
    EXPECT_THAT(x.body, HasSubstr("本月结账含 2 项对此前已结账月份的调整。"));
    EXPECT_THAT(x.body, HasSubstr("申诉途径："));
    EXPECT_THAT(x.body,
                HasSubstr("AssessmentService.ContestItem，月份 plans/2026-abc/months/2026-04"));
    EXPECT_THAT(x.body, HasSubstr("ecoplanctl contest file --month 2026-04"));
  }
}

TEST_F(AssessmentNoticeTest, AReplayedMonthClosedNotifiesNobodyTwice) {
  ImportPlanWithTwoMeasures();
  Upstream(MonthClosed(51));
  Upstream(MonthClosed(51));
  Restart();
  Upstream(MonthClosed(51));
  EXPECT_EQ(OfKind(Kind::kMonthClosed).size(), 3u);
}

TEST_F(AssessmentNoticeTest, AMonthClosedOfAPlanNotKnownHereNotifiesNobody) {
  Upstream(MonthClosed(52));
  EXPECT_TRUE(OfKind(Kind::kMonthClosed).empty());
}

TEST_F(AssessmentNoticeTest, AContestFiledGoesToTheBureauNamingOrganizationItemAndReason) {
  ImportPlanWithTwoMeasures();
  Upstream(Contest(UpstreamInput::Type::kContestFiled, 60));
  std::vector<Notification> n = OfKind(Kind::kContestFiled);
  ASSERT_EQ(n.size(), 1u);
  EXPECT_EQ(n[0].recipient, "o-bureau");
  EXPECT_EQ(n[0].recipient_display_name, "区生态环境局");
  EXPECT_EQ(n[0].title,
            "收到申诉：区交通局对2026年4月的on_time_reporting/a1-t1-m1/2026-04（工作措施 "
            "a1-t1-m1 推广新能源货车）提出申诉");
  EXPECT_EQ(n[0].resource, "plans/2026-abc/contests/1");
  EXPECT_EQ(n[0].severity, Severity::kWarning);
  EXPECT_THAT(n[0].body, HasSubstr("申诉单位：区交通局"));
  EXPECT_THAT(n[0].body, HasSubstr("理由：报告已于4月20日纸质报送，系统故障未能录入"));
  EXPECT_THAT(n[0].body, HasSubstr("提交人：transport-liaison"));
  EXPECT_THAT(n[0].body, HasSubstr("AssessmentService.DecideContest plans/2026-abc/contests/1"));
  // Nobody else hears of it.
  for (const Notification& x : store_.AllNotifications()) {
    if (x.kind == Kind::kContestFiled) {
      EXPECT_EQ(x.recipient, "o-bureau");
    }
  }
}

TEST_F(AssessmentNoticeTest, AContestDecidedGoesToTheOrganizationWithTheDecisionAndReason) {
  ImportPlanWithTwoMeasures();
  UpstreamInput accepted = Contest(UpstreamInput::Type::kContestDecided, 61);
  accepted.contest.decided = true;
  accepted.contest.accepted = true;
  accepted.contest.comment = "纸质报送记录可查";
  accepted.contest.points = 2.5;
  accepted.contest.recorded_in_month = "2026-05";
  Upstream(accepted);
  UpstreamInput rejected = Contest(UpstreamInput::Type::kContestDecided, 62);
  rejected.contest.name = "plans/2026-abc/contests/2";
  rejected.contest.item = "light/a1-t1-m1";
  rejected.contest.decided = true;
  rejected.contest.comment = "无证据";
  Upstream(rejected);
  std::vector<Notification> n = OfKind(Kind::kContestDecided);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(n[0].recipient, "o-a");
  EXPECT_EQ(n[0].title,
            "申诉已采纳：2026年4月的on_time_reporting/a1-t1-m1/2026-04（工作措施 a1-t1-m1 "
            "推广新能源货车）");
  EXPECT_THAT(n[0].body, HasSubstr("决定：采纳"));
  EXPECT_THAT(n[0].body, HasSubstr("区生态环境局理由：纸质报送记录可查"));
  EXPECT_THAT(n[0].body, HasSubstr("调整分值：+2.5，记入2026年5月（2026年4月已结账的结果不变）。"));
  EXPECT_EQ(n[0].resource, "plans/2026-abc/contests/1");
  EXPECT_EQ(n[1].recipient, "o-a");
  EXPECT_EQ(n[1].title, "申诉未予采纳：2026年4月的工作措施 a1-t1-m1（推广新能源货车）的红黄绿灯");
  EXPECT_THAT(n[1].body, HasSubstr("决定：不予采纳"));
  EXPECT_THAT(n[1].body, HasSubstr("区生态环境局理由：无证据"));
  EXPECT_THAT(n[1].body, ::testing::Not(HasSubstr("调整分值")));
  // Replayed: nothing more.
  Upstream(accepted);
  Upstream(rejected);
  EXPECT_EQ(OfKind(Kind::kContestDecided).size(), 2u);
}

TEST_F(AssessmentNoticeTest, NewKindsAreRulesLikeTheOthers) {
  for (const char* id : {"month-closed", "contest-filed", "contest-decided"}) {
    ASSERT_OK_AND_ASSIGN(Rule rule, notifier_->GetRule(id));
    EXPECT_TRUE(rule.enabled) << id;
  }
  // Disabled, the month-closed rule notifies nobody.
  ImportPlanWithTwoMeasures();
  ASSERT_OK_AND_ASSIGN(Rule rule, notifier_->GetRule("month-closed"));
  rule.enabled = false;
  ASSERT_OK(notifier_->UpdateRule(rule, RuleEtag(rule)).status());
  Upstream(MonthClosed(70));
  EXPECT_TRUE(OfKind(Kind::kMonthClosed).empty());
  // A second rule of a new kind (e.g. a daily digest for the bureau) is accepted.
  Rule digest;
  digest.id = "contest-filed-digest";
  digest.kind = Kind::kContestFiled;
  digest.severity = Severity::kInfo;
  digest.digest_window = absl::Hours(24);
  EXPECT_OK(notifier_->CreateRule(digest).status());
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
