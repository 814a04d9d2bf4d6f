// Notifier unit tests of indicator status changes: which alert, to whom, and
// the facts its title and body name; recoveries; replays; rules and
// subscriptions of the new kind.

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/notification/domain/notifier_test_fixture.h"

namespace ecoplan::notification::notifier_test {
namespace {

using ::testing::HasSubstr;

std::set<std::string> Recipients(const std::vector<Notification>& ns) {
  std::set<std::string> out;
  for (const Notification& n : ns) out.insert(n.recipient);
  return out;
}

class IndicatorAlertTest : public NotifierTest {
 protected:
  // The share of new-energy trucks of measure a1-t1-m1 (lead 区交通局 o-a,
  // responsible 龙泉镇 o-b), owned by 区交通局 as the event lists it.
  UpstreamInput Trucks(IndicatorStatus previous, IndicatorStatus status, uint64_t sequence) {
    UpstreamInput in;
    in.type = UpstreamInput::Type::kIndicatorStatus;
    in.event_ref = absl::StrCat("ecoplan.indicator.v1.IndicatorService#", sequence);
    in.plan_id = "2026-abc";
    in.resource = "plans/2026-abc/indicators/m-a1-t1-m1-1";
    IndicatorChange& c = in.indicator_change;
    c.indicator = in.resource;
    c.indicator_id = "m-a1-t1-m1-1";
    c.display_name = "新注册登记货车新能源化率";
    c.unit = "%";
    c.previous = previous;
    c.status = status;
    c.as_of = absl::CivilDay(2026, 6, 30);
    c.reason = "latest value 26 is below the target 30";
    c.measure_id = "a1-t1-m1";
    c.value = 26;
    c.value_date = absl::CivilDay(2026, 5, 31);
    c.target = 30;
    c.target_text = "≥ 30 %";
    in.indicator_owners = {"o-a"};
    return in;
  }
};

TEST_F(IndicatorAlertTest, OffTrackAlertNamesTheFactsAndGoesToTheMeasuresOwnersAndTheBureau) {
  ImportPlan();
  Upstream(Trucks(IndicatorStatus::kOnTrack, IndicatorStatus::kOffTrack, 7));
  std::vector<Notification> n = OfKind(Kind::kIndicatorOffTrack);
  ASSERT_EQ(n.size(), 3u);
  // The bureau first, the owner the event names, then the measure's responsible unit.
  EXPECT_EQ(n[0].recipient, "o-bureau");
  EXPECT_EQ(n[1].recipient, "o-a");
  EXPECT_EQ(n[2].recipient, "o-b");
  for (const Notification& alert : n) {
    EXPECT_EQ(alert.title,
              "指标偏离目标：新注册登记货车新能源化率当前值26%（2026-05-31），目标≥ 30 %");
    EXPECT_EQ(alert.resource, "plans/2026-abc/measures/a1-t1-m1");
    EXPECT_EQ(alert.severity, Severity::kCritical);
    EXPECT_EQ(alert.rule_id, "indicator-off-track");
    EXPECT_EQ(alert.event, "ecoplan.indicator.v1.IndicatorService#7");
    EXPECT_THAT(
        alert.body,
        HasSubstr("指标：新注册登记货车新能源化率（plans/2026-abc/indicators/m-a1-t1-m1-1）"));
    EXPECT_THAT(alert.body, HasSubstr("状态：按进度推进 → 偏离目标（评估日 2026-06-30）"));
    EXPECT_THAT(alert.body, HasSubstr("当前值：26%（2026-05-31）"));
    EXPECT_THAT(alert.body, HasSubstr("目标：≥ 30 %"));
    EXPECT_THAT(alert.body, HasSubstr("所属工作措施：a1-t1-m1 推广新能源货车"));
    EXPECT_THAT(alert.body, HasSubstr("牵头单位：区交通局；责任单位：龙泉镇"));
    EXPECT_THAT(alert.body, HasSubstr("评估说明：latest value 26 is below the target 30"));
  }
  EXPECT_EQ(n[1].recipient_display_name, "区交通局");
}

TEST_F(IndicatorAlertTest, AtRiskPlanLevelIndicatorLinksTheIndicatorAndFallsBackToItsId) {
  ImportPlan();
  UpstreamInput in = Trucks(IndicatorStatus::kUnspecified, IndicatorStatus::kAtRisk, 8);
  IndicatorChange& c = in.indicator_change;
  c.indicator = in.resource = "plans/2026-abc/indicators/a5-龙泉镇-pm25";
  c.indicator_id = "a5-龙泉镇-pm25";
  c.display_name.clear();  // GetIndicator could not say
  c.unit = "微克/立方米";
  c.measure_id.clear();
  c.value = 35.25;
  c.target = 35;
  c.target_text = "35";  // a bare number: the unit is added
  in.indicator_owners = {"o-b"};
  Upstream(in);
  std::vector<Notification> n = OfKind(Kind::kIndicatorAtRisk);
  ASSERT_EQ(n.size(), 2u);
  EXPECT_EQ(Recipients(n), (std::set<std::string>{"o-bureau", "o-b"}));
  EXPECT_EQ(n[0].title,
            "指标存在风险：a5-龙泉镇-pm25当前值35.25微克/立方米（2026-05-31），目标35微克/立方米");
  EXPECT_EQ(n[0].resource, "plans/2026-abc/indicators/a5-龙泉镇-pm25");
  EXPECT_EQ(n[0].severity, Severity::kWarning);
  EXPECT_THAT(n[0].body, ::testing::Not(HasSubstr("所属工作措施")));
}

TEST_F(IndicatorAlertTest, WithoutAValueTheAlertSaysSo) {
  ImportPlan();
  UpstreamInput in = Trucks(IndicatorStatus::kOnTrack, IndicatorStatus::kOffTrack, 9);
  in.indicator_change.value.reset();
  in.indicator_change.value_date.reset();
  in.indicator_change.target_text.clear();
  Upstream(in);
  std::vector<Notification> n = OfKind(Kind::kIndicatorOffTrack);
  ASSERT_FALSE(n.empty());
  EXPECT_EQ(n[0].title, "指标偏离目标：新注册登记货车新能源化率当前值暂无数值，目标30%");
}

TEST_F(IndicatorAlertTest, RecoveryFromOffTrackOrAtRiskTellsTheSameRecipients) {
  ImportPlan();
  Upstream(Trucks(IndicatorStatus::kOnTrack, IndicatorStatus::kOffTrack, 10));
  UpstreamInput back = Trucks(IndicatorStatus::kOffTrack, IndicatorStatus::kOnTrack, 11);
  back.indicator_change.value = 35;
  back.indicator_change.value_date = absl::CivilDay(2026, 6, 30);
  Upstream(back);
  std::vector<Notification> recovered = OfKind(Kind::kIndicatorRecovered);
  ASSERT_EQ(recovered.size(), 3u);
  EXPECT_EQ(Recipients(recovered), Recipients(OfKind(Kind::kIndicatorOffTrack)));
  EXPECT_EQ(recovered[0].title,
            "指标已恢复按进度推进：新注册登记货车新能源化率当前值35%（2026-06-30），目标≥ 30 %");
  EXPECT_EQ(recovered[0].resource, "plans/2026-abc/measures/a1-t1-m1");
  EXPECT_EQ(recovered[0].severity, Severity::kInfo);
  EXPECT_THAT(recovered[0].body, HasSubstr("状态：偏离目标 → 按进度推进"));
  EXPECT_THAT(recovered[0].body, HasSubstr("所属工作措施：a1-t1-m1 推广新能源货车"));
  // At risk → achieved is a recovery too.
  Upstream(Trucks(IndicatorStatus::kAtRisk, IndicatorStatus::kAchieved, 12));
  EXPECT_EQ(OfKind(Kind::kIndicatorRecovered).size(), 6u);
  EXPECT_THAT(OfKind(Kind::kIndicatorRecovered).back().title, HasSubstr("指标已恢复已达成："));
}

TEST_F(IndicatorAlertTest, ChangesThatAreNeitherAlertsNorRecoveriesNotifyNobody) {
  ImportPlan();
  const size_t before = store_.AllNotifications().size();
  Upstream(Trucks(IndicatorStatus::kUnspecified, IndicatorStatus::kOnTrack, 20));
  Upstream(Trucks(IndicatorStatus::kOnTrack, IndicatorStatus::kAchieved, 21));
  Upstream(Trucks(IndicatorStatus::kInsufficientData, IndicatorStatus::kOnTrack, 22));
  Upstream(Trucks(IndicatorStatus::kOffTrack, IndicatorStatus::kInsufficientData, 23));
  Upstream(Trucks(IndicatorStatus::kOffTrack, IndicatorStatus::kOffTrack, 24));
  EXPECT_EQ(store_.AllNotifications().size(), before);
}

TEST_F(IndicatorAlertTest, AReplayedEventNotifiesNobodyTwiceEvenAfterARestart) {
  ImportPlan();
  const UpstreamInput off = Trucks(IndicatorStatus::kOnTrack, IndicatorStatus::kOffTrack, 30);
  Upstream(off);
  ASSERT_EQ(OfKind(Kind::kIndicatorOffTrack).size(), 3u);
  Upstream(off);  // the follower's stream delivered it again
  EXPECT_EQ(OfKind(Kind::kIndicatorOffTrack).size(), 3u);
  Restart();  // the dedup keys are durable
  Upstream(off);
  EXPECT_EQ(OfKind(Kind::kIndicatorOffTrack).size(), 3u);
  // The same change recorded again later (a new event) is a new alert.
  Upstream(Trucks(IndicatorStatus::kOnTrack, IndicatorStatus::kOffTrack, 31));
  EXPECT_EQ(OfKind(Kind::kIndicatorOffTrack).size(), 6u);
}

TEST_F(IndicatorAlertTest, RecoveriesFollowTheirRuleAndSubscriptionsFilterOnTheKind) {
  ImportPlan();
  Subscription s;
  s.url = "http://127.0.0.1/hook";
  s.kinds = {Kind::kIndicatorRecovered};
  ASSERT_OK_AND_ASSIGN(Subscription sub, notifier_->CreateSubscription(s, kSecret, ""));
  Upstream(Trucks(IndicatorStatus::kOnTrack, IndicatorStatus::kOffTrack, 40));
  EXPECT_TRUE(sink_.queued.empty());  // an off-track alert is not subscribed
  Upstream(Trucks(IndicatorStatus::kOffTrack, IndicatorStatus::kOnTrack, 41));
  ASSERT_EQ(sink_.queued.size(), 3u);
  for (const Delivery& d : sink_.queued) EXPECT_EQ(d.subscription_id, sub.id);
  // The bureau turns recoveries off: the next one is not sent.
  ASSERT_OK_AND_ASSIGN(Rule rule, notifier_->GetRule("indicator-recovered"));
  EXPECT_EQ(rule.kind, Kind::kIndicatorRecovered);
  rule.enabled = false;
  ASSERT_OK(notifier_->UpdateRule(rule, RuleEtag(rule)).status());
  Upstream(Trucks(IndicatorStatus::kOnTrack, IndicatorStatus::kOffTrack, 42));
  Upstream(Trucks(IndicatorStatus::kOffTrack, IndicatorStatus::kOnTrack, 43));
  EXPECT_EQ(OfKind(Kind::kIndicatorRecovered).size(), 3u);
  EXPECT_EQ(OfKind(Kind::kIndicatorOffTrack).size(), 6u);
  // A recipient may mute recoveries (not critical), not off-track alerts.
  Caller reporter{"a", "o-a", Caller::Role::kReporter};
  EXPECT_OK(notifier_->MuteRule(reporter, "indicator-recovered", At(12, 31), "o-a", "").status());
  EXPECT_EQ(
      notifier_->MuteRule(reporter, "indicator-off-track", At(12, 31), "o-a", "").status().code(),
      absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace ecoplan::notification::notifier_test
