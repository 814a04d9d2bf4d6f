#include "services/notification/storage/rocksdb_notification_store.h"

#include <gtest/gtest.h>

#include <memory>
#include <tuple>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/storage/key_codec.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/notification/v1/notification_service.pb.h"
#include "services/notification/storage/notification_storage.pb.h"

namespace ecoplan::notification {

// Field-by-field equality of the domain structs, for round-trip checks. The
// structured bindings list every member: a field added to a struct stops this
// file from compiling until it is compared here (and, so, stored).
auto Tie(const Contact& x) {
  const auto& [a, b, c] = x;
  return std::tie(a, b, c);
}
auto Tie(const OrgContacts& x) {
  const auto& [a, b, c] = x;
  return std::tie(a, b, c);
}
auto Tie(const DigestItem& x) {
  const auto& [a, b, c] = x;
  return std::tie(a, b, c);
}
auto Tie(const Notification& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, y] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, u, v, w, y);
}
auto Tie(const Rule& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j, k, l, m] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m);
}
auto Tie(const SupervisionAddresseeView& x) {
  const auto& [a, b] = x;
  return std::tie(a, b);
}
auto Tie(const SupervisionOrderView& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j, k] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j, k);
}
auto Tie(const ProblemItemView& x) {
  const auto& [a, b, c, d, e, f, g, h] = x;
  return std::tie(a, b, c, d, e, f, g, h);
}
auto Tie(const Secret& x) {
  const auto& [a, b, c, d] = x;
  return std::tie(a, b, c, d);
}
auto Tie(const Subscription& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j, k, l, m, n] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j, k, l, m, n);
}
auto Tie(const DeliveryAttempt& x) {
  const auto& [a, b, c, d] = x;
  return std::tie(a, b, c, d);
}
auto Tie(const Delivery& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j);
}
auto Tie(const CheckpointDue& x) {
  const auto& [a, b] = x;
  return std::tie(a, b);
}
auto Tie(const MeasureView& x) {
  const auto& [a, b, c, d, e, f, g] = x;
  return std::tie(a, b, c, d, e, f, g);
}
auto Tie(const PlanView& x) {
  const auto& [a, b, c, d, e, f, g, h, i] = x;
  return std::tie(a, b, c, d, e, f, g, h, i);
}
auto Tie(const Escalation& x) {
  const auto& [a, b, c, d, e, f, g, h, i, j, k] = x;
  return std::tie(a, b, c, d, e, f, g, h, i, j, k);
}
auto Tie(const DigestBucket& x) {
  const auto& [a, b, c, d, e] = x;
  return std::tie(a, b, c, d, e);
}

bool operator==(const Contact& x, const Contact& y) { return Tie(x) == Tie(y); }
bool operator==(const OrgContacts& x, const OrgContacts& y) { return Tie(x) == Tie(y); }
bool operator==(const DigestItem& x, const DigestItem& y) { return Tie(x) == Tie(y); }
bool operator==(const Notification& x, const Notification& y) { return Tie(x) == Tie(y); }
bool operator==(const Rule& x, const Rule& y) { return Tie(x) == Tie(y); }
bool operator==(const Secret& x, const Secret& y) { return Tie(x) == Tie(y); }
bool operator==(const Subscription& x, const Subscription& y) { return Tie(x) == Tie(y); }
bool operator==(const DeliveryAttempt& x, const DeliveryAttempt& y) { return Tie(x) == Tie(y); }
bool operator==(const Delivery& x, const Delivery& y) { return Tie(x) == Tie(y); }
bool operator==(const CheckpointDue& x, const CheckpointDue& y) { return Tie(x) == Tie(y); }
bool operator==(const MeasureView& x, const MeasureView& y) { return Tie(x) == Tie(y); }
bool operator==(const PlanView& x, const PlanView& y) { return Tie(x) == Tie(y); }
bool operator==(const Escalation& x, const Escalation& y) { return Tie(x) == Tie(y); }
bool operator==(const DigestBucket& x, const DigestBucket& y) { return Tie(x) == Tie(y); }
bool operator==(const SupervisionAddresseeView& x, const SupervisionAddresseeView& y) {
  return Tie(x) == Tie(y);
}
bool operator==(const SupervisionOrderView& x, const SupervisionOrderView& y) {
  return Tie(x) == Tie(y);
}
bool operator==(const ProblemItemView& x, const ProblemItemView& y) { return Tie(x) == Tie(y); }

namespace {

class RocksDbNotificationStoreTest : public ::testing::Test {
 protected:
  void Open() {
    store_.reset();
    db_.reset();
    common::RocksDbOptions options;
    options.path = dir_.Sub("db");
    options.column_families = RocksDbNotificationStore::ColumnFamilies();
    options.event_source = "ecoplan.notification.v1.NotificationService";
    ASSERT_OK_AND_ASSIGN(db_, common::RocksDb::Open(options));
    store_ = std::make_unique<RocksDbNotificationStore>(db_.get());
  }

  static Notification Make(uint64_t number, std::string org) {
    Notification n;
    n.number = number;
    n.kind = Kind::kReportOverdue;
    n.severity = Severity::kCritical;
    n.recipient = std::move(org);
    n.title = "月报已逾期";
    n.create_time = absl::FromUnixSeconds(1780000000 + number);
    return n;
  }

  common::TempDir dir_;
  std::unique_ptr<common::RocksDb> db_;
  std::unique_ptr<RocksDbNotificationStore> store_;
};

TEST_F(RocksDbNotificationStoreTest, NotificationsKeysDeliveriesAndEventsSurviveAReopen) {
  Open();
  Changes c;
  c.notifications = {Make(1, "o-a"), Make(2, "o-b"), Make(3, "o-a")};
  c.dedup_keys["k1"] = 1;
  Delivery d;
  d.subscription_id = "s-1";
  d.number = 1;
  d.notification_number = 1;
  d.webhook_id = "msg_n-000000000001";
  c.deliveries.push_back(d);
  c.next_notification_number = 4;
  c.next_delivery_number = 2;
  PlanView plan;
  plan.plan_id = "2026-x";
  plan.issue_date = absl::CivilDay(2026, 3, 31);
  MeasureView m;
  m.id = "a1-t1-m1";
  m.due = absl::CivilDay(2026, 6, 30);
  plan.measures[m.id] = m;
  c.plans.push_back(plan);
  for (uint64_t n = 1; n <= 3; ++n) {
    c.events.push_back(ChangeEvent{ChangeEvent::Type::kNotificationCreated, n, "", "", false});
  }
  ASSERT_OK(store_->Commit(c));
  EXPECT_EQ(store_->LastEventSequence(), 3u);
  Open();
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  EXPECT_EQ(state.next_notification_number, 4u);
  EXPECT_EQ(store_->HasDedupKey("k1").value_or(false), true);
  EXPECT_EQ(store_->HasDedupKey("k2").value_or(true), false);
  ASSERT_EQ(state.pending_deliveries.size(), 1u);
  EXPECT_EQ(state.pending_deliveries[0].webhook_id, "msg_n-000000000001");
  ASSERT_EQ(state.plans.count("2026-x"), 1u);
  EXPECT_EQ(*state.plans["2026-x"].measures["a1-t1-m1"].due, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(state.plans["2026-x"].issue_date, absl::CivilDay(2026, 3, 31));
  ASSERT_OK_AND_ASSIGN(std::vector<common::v1::Event> events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].type(), "ecoplan.notification.v1.NotificationCreated");
  EXPECT_EQ(events[0].resource(), "notifications/n-000000000001");
}

TEST_F(RocksDbNotificationStoreTest, InboxIsNewestFirstPagedAndCountsUnread) {
  Open();
  Changes c;
  for (uint64_t n = 1; n <= 5; ++n) c.notifications.push_back(Make(n, "o-a"));
  c.notifications[0].read_time = absl::Now();
  ASSERT_OK(store_->Commit(c));
  ASSERT_OK_AND_ASSIGN(InboxPage page, store_->ListInbox("o-a", false, Kind::kUnspecified, 2, ""));
  ASSERT_EQ(page.notifications.size(), 2u);
  EXPECT_EQ(page.notifications[0].number, 5u);
  EXPECT_EQ(page.unread_count, 4);
  ASSERT_OK_AND_ASSIGN(InboxPage next, store_->ListInbox("o-a", false, Kind::kUnspecified, 10,
                                                         page.next_page_token));
  ASSERT_EQ(next.notifications.size(), 3u);
  EXPECT_EQ(next.notifications[0].number, 3u);
  ASSERT_OK_AND_ASSIGN(InboxPage unread,
                       store_->ListInbox("o-a", true, Kind::kUnspecified, 10, ""));
  EXPECT_EQ(unread.notifications.size(), 4u);
  EXPECT_EQ(store_->ListInbox("o-a", false, Kind::kUnspecified, 10, "zz").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(RocksDbNotificationStoreTest, FinishedDeliveriesLeaveThePendingIndex) {
  Open();
  Changes c;
  Delivery d;
  d.subscription_id = "s-1";
  d.number = 7;
  c.deliveries.push_back(d);
  ASSERT_OK(store_->Commit(c));
  d.state = DeliveryState::kSucceeded;
  d.attempts.push_back(DeliveryAttempt{absl::Now(), 204, absl::Milliseconds(3), ""});
  d.attempt_count = 1;
  Changes done;
  done.deliveries.push_back(d);
  ASSERT_OK(store_->Commit(done));
  // 47 is '/' in its big-endian key bytes: still found.
  Delivery slash = d;
  slash.number = 47;
  slash.state = DeliveryState::kPending;
  Changes more;
  more.deliveries.push_back(slash);
  ASSERT_OK(store_->Commit(more));
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  ASSERT_EQ(state.pending_deliveries.size(), 1u);
  EXPECT_EQ(state.pending_deliveries[0].number, 47u);
  ASSERT_OK_AND_ASSIGN(Delivery read, store_->GetDelivery("s-1", 7));
  EXPECT_EQ(read.attempts[0].status_code, 204);
}

// A time with nanoseconds, to show none are lost.
absl::Time T(int64_t seconds, int64_t nanos = 123456789) {
  return absl::FromUnixSeconds(seconds) + absl::Nanoseconds(nanos);
}

// One of every record kind, every field set to something other than its default.
struct EveryKind {
  Notification notification;
  Notification read_digest;
  Rule rule;
  Subscription subscription;
  Delivery delivery;
  Delivery finished;
  OrgContacts contacts;
  PlanView plan;
  HolidayYear holidays;
  Escalation escalation;
  DigestBucket digest;

  EveryKind() {
    const Contact liaison{ContactLevel::kDeputyHead, "王科长", "138-0000-0000"};
    notification.number = 42;
    notification.kind = Kind::kReportOverdue;
    notification.severity = Severity::kCritical;
    notification.recipient = "o-traffic";
    notification.recipient_display_name = "区交通局";
    notification.level = ContactLevel::kDeputyHead;
    notification.contacts = {liaison, Contact{ContactLevel::kHead, "李局长", "li@example.org"}};
    notification.plan_id = "2026-abc";
    notification.resource = "plans/2026-abc/reports/o-traffic_2026-05";
    notification.title = "5月月报已逾期";
    notification.body = "请尽快报送";
    notification.rule_id = "report-overdue";
    notification.schedule_key = "report-overdue|organizations/o-traffic|2026-05";
    notification.event = "ecoplan.progress.v1.ProgressService#17";
    notification.explanation = "due 2026-05-25, not submitted";
    notification.period = "2026-05";
    notification.digest_items = {
        DigestItem{"plans/2026-abc/measures/m1", "一项", Kind::kMeasureOverdue}};
    notification.escalation_key = "report-overdue|o-traffic|2026-05";
    notification.create_time = T(1780000000);
    notification.read_time = T(1780000100, 1);
    notification.acknowledge_time = T(1780000200, 999999999);
    notification.acknowledged_by = "users/zhang";
    notification.acknowledge_comment = "已派遣至区交通局处置";
    notification.external_reference = "MTG-2026-0042";

    read_digest.number = 43;  // mostly defaults: unset times stay unset
    read_digest.kind = Kind::kDigest;
    read_digest.recipient = "o-traffic";
    read_digest.read_time = T(1780000300);

    rule.id = "measure-deadline";
    rule.kind = Kind::kMeasureDeadlineApproaching;
    rule.severity = Severity::kWarning;
    rule.enabled = false;
    rule.lead_days = {30, 7, 0};
    rule.escalation_grace_working_days = 3;
    rule.respond_within_working_days = 4;
    rule.digest_window = absl::Hours(36) + absl::Nanoseconds(5);
    rule.muted_until = T(1790000000);
    rule.organization_mutes = {{"o-a", T(1790000001)}, {"o-b", absl::InfiniteFuture()}};
    rule.description = "措施完成时限提醒";
    rule.revision = 7;
    rule.update_time = T(1780000400);

    subscription.id = "s-3";
    subscription.url = "https://hooks.example.org/ecoplan";
    subscription.description = "督办平台";
    subscription.kinds = {Kind::kReportOverdue, Kind::kDigest};
    subscription.plans = {"2026-abc", "2027-def"};
    subscription.organizations = {"o-a", "o-traffic"};
    subscription.severities = {Severity::kWarning, Severity::kCritical};
    subscription.state = SubscriptionState::kFailing;
    subscription.state_reason = "HTTP 500 for 24h";
    subscription.secrets = {
        Secret{std::string("\x00\xff\x10key", 6), "0123456789abcdef", T(1770000000), T(1770086400)},
        Secret{"current-key-bytes", "fedcba9876543210", T(1770086400), std::nullopt}};
    subscription.revision = 4;
    subscription.create_time = T(1770000000);
    subscription.request_id = "req-create-1";
    subscription.owner = "command.center";

    delivery.subscription_id = "s-3";
    delivery.number = 47;  // '/' in its key bytes
    delivery.notification_number = 42;
    delivery.webhook_id = "msg_n-000000000042";
    delivery.state = DeliveryState::kPending;
    delivery.create_time = T(1780000000);
    delivery.next_attempt_time = T(1780000060);
    delivery.first_attempt_time = T(1780000001);
    delivery.attempts = {
        DeliveryAttempt{T(1780000001), 503, absl::Milliseconds(12), "HTTP 503"},
        DeliveryAttempt{T(1780000030), 0, absl::Seconds(5), "timeout after 5000 ms"}};
    delivery.attempt_count = 52;

    finished = delivery;
    finished.number = 48;
    finished.state = DeliveryState::kSucceeded;
    finished.first_attempt_time = absl::InfinitePast();  // "never tried" stays that

    contacts.organization_id = "o-traffic";
    contacts.contacts = {liaison, Contact{ContactLevel::kLiaison, "赵", ""}};
    contacts.revision = 2;

    plan.plan_id = "2026-abc";
    plan.title = "2026年生态环境保护工作计划";
    plan.year = 2026;
    plan.time_zone = "Asia/Urumqi";
    plan.issue_date = absl::CivilDay(2026, 3, 31);
    plan.bureau_organization = "o-bureau";
    plan.calendar.monthly_due = DueRule{DueRule::Kind::kNthWorkingDay, 2, 1};
    plan.calendar.quarterly_summaries = true;
    plan.calendar.half_year_summaries = true;
    plan.calendar.annual_summary = true;
    plan.calendar.summary_due = DueRule{DueRule::Kind::kDayOfMonth, 15, 1};
    MeasureView m1;
    m1.id = "a1-t1-m1";
    m1.title = "完成燃煤锅炉淘汰";
    m1.due = absl::CivilDay(2026, 6, 30);
    m1.lead_organizations = {"o-bureau"};
    m1.responsible_organizations = {"o-traffic", "o-a"};
    m1.completed = true;
    m1.checkpoints = {{"5月底前", {absl::CivilDay(2026, 5, 31)}},
                      {"按季度", {absl::CivilDay(2026, 3, 31), absl::CivilDay(2026, 6, 30)}}};
    MeasureView m2;
    m2.id = "a1-t1-m2";  // no deadline
    plan.measures = {{m1.id, m1}, {m2.id, m2}};
    plan.organization_names = {{"o-bureau", "区生态环境局"}, {"o-traffic", "区交通局"}};

    holidays.year = 2026;
    holidays.holidays = {absl::CivilDay(2026, 10, 1), absl::CivilDay(2026, 10, 2)};
    holidays.make_up_workdays = {absl::CivilDay(2026, 9, 27)};

    escalation.key = "report-overdue|o-traffic|2026-05";
    escalation.rule_id = "report-overdue";
    escalation.kind = Kind::kReportOverdue;
    escalation.plan_id = "2026-abc";
    escalation.organization_id = "o-traffic";
    escalation.resource = "plans/2026-abc/reports/o-traffic_2026-05";
    escalation.period = "2026-05";
    escalation.title = "5月月报已逾期";
    escalation.level = ContactLevel::kHead;
    escalation.level_since = absl::CivilDay(2026, 6, 3);
    escalation.acknowledged = true;

    digest.recipient = "o-traffic";
    digest.rule_id = "measure-deadline";
    digest.plan_id = "2026-abc";
    digest.window_start = T(1780000500);
    digest.items = {DigestItem{"plans/2026-abc/measures/a1-t1-m1", "燃煤锅炉",
                               Kind::kMeasureDeadlineApproaching},
                    DigestItem{"plans/2026-abc/measures/a1-t1-m2", "", Kind::kUnspecified}};
  }

  Changes AsChanges() const {
    Changes c;
    c.notifications = {notification, read_digest};
    c.dedup_keys = {{notification.schedule_key, 42}, {"digest-waiting", 0}};
    c.rules = {rule};
    c.subscriptions = {subscription};
    c.deliveries = {delivery, finished};
    c.contacts = {contacts};
    c.plans = {plan};
    c.holidays = {holidays};
    c.submissions = {"2026-abc|o-traffic|2026-04"};
    c.met_statements = {"2026-abc|a1-t1-m1|2026-05-31|o-traffic|2026-05"};
    c.installed_default_rules = {"report-due-soon", "month-closed"};
    c.escalations = {escalation};
    c.digests = {digest};
    c.stream_consumers = {{"supervision-platform", StreamConsumer{1234, "command-center"}}};
    c.request_ids = {{"req-rule-1", "rule:measure-deadline"}, {"req-create-1", "s-3"}};
    c.next_notification_number = 44;
    c.next_delivery_number = 49;
    c.next_subscription_number = 4;
    return c;
  }
};

// Checks that the store returns exactly what EveryKind wrote.
void ExpectEveryKind(RocksDbNotificationStore& store, const EveryKind& want) {
  ASSERT_OK_AND_ASSIGN(LoadedState state, store.Load());
  ASSERT_EQ(state.rules.count(want.rule.id), 1u);
  EXPECT_TRUE(state.rules.at(want.rule.id) == want.rule);
  ASSERT_EQ(state.subscriptions.count("s-3"), 1u);
  EXPECT_TRUE(state.subscriptions.at("s-3") == want.subscription);
  ASSERT_EQ(state.contacts.count("o-traffic"), 1u);
  EXPECT_TRUE(state.contacts.at("o-traffic") == want.contacts);
  ASSERT_EQ(state.plans.count("2026-abc"), 1u);
  EXPECT_TRUE(state.plans.at("2026-abc") == want.plan);
  ASSERT_EQ(state.holidays.count(2026), 1u);
  EXPECT_TRUE(state.holidays.at(2026) == want.holidays);
  EXPECT_EQ(state.submissions, std::set<std::string>{"2026-abc|o-traffic|2026-04"});
  EXPECT_EQ(state.met_statements,
            std::set<std::string>{"2026-abc|a1-t1-m1|2026-05-31|o-traffic|2026-05"});
  EXPECT_EQ(state.installed_default_rules,
            (std::set<std::string>{"month-closed", "report-due-soon"}));
  ASSERT_EQ(state.escalations.count(want.escalation.key), 1u);
  EXPECT_TRUE(state.escalations.at(want.escalation.key) == want.escalation);
  const std::string digest_key = DigestKey("o-traffic", "measure-deadline");
  ASSERT_EQ(state.digests.count(digest_key), 1u);
  EXPECT_TRUE(state.digests.at(digest_key) == want.digest);
  EXPECT_EQ(store.HasDedupKey(want.notification.schedule_key).value_or(false), true);
  EXPECT_EQ(store.HasDedupKey("digest-waiting").value_or(false), true);
  ASSERT_EQ(state.stream_consumers.count("supervision-platform"), 1u);
  EXPECT_EQ(state.stream_consumers.at("supervision-platform").position, 1234u);
  EXPECT_EQ(state.stream_consumers.at("supervision-platform").owner, "command-center");
  EXPECT_EQ(state.request_ids,
            (std::map<std::string, std::string>{{"req-rule-1", "rule:measure-deadline"},
                                                {"req-create-1", "s-3"}}));
  ASSERT_EQ(state.pending_deliveries.size(), 1u);
  EXPECT_TRUE(state.pending_deliveries[0] == want.delivery);
  EXPECT_EQ(state.next_notification_number, 44u);
  EXPECT_EQ(state.next_delivery_number, 49u);
  EXPECT_EQ(state.next_subscription_number, 4u);

  ASSERT_OK_AND_ASSIGN(Notification n, store.GetNotification(42));
  EXPECT_TRUE(n == want.notification);
  ASSERT_OK_AND_ASSIGN(Notification digest, store.GetNotification(43));
  EXPECT_TRUE(digest == want.read_digest);
  EXPECT_EQ(digest.create_time, absl::InfinitePast());
  EXPECT_FALSE(digest.acknowledge_time.has_value());
  ASSERT_OK_AND_ASSIGN(InboxPage unread,
                       store.ListInbox("o-traffic", true, Kind::kUnspecified, 10, ""));
  EXPECT_EQ(unread.notifications.size(), 0u);
  ASSERT_OK_AND_ASSIGN(Delivery d, store.GetDelivery("s-3", 47));
  EXPECT_TRUE(d == want.delivery);
  ASSERT_OK_AND_ASSIGN(DeliveryPage page,
                       store.ListDeliveries("s-3", DeliveryState::kUnspecified, 10, ""));
  ASSERT_EQ(page.deliveries.size(), 2u);
  EXPECT_TRUE(page.deliveries[1] == want.finished);
  ASSERT_OK_AND_ASSIGN(std::optional<HolidayYear> h, store.GetHolidays(2026));
  ASSERT_TRUE(h.has_value());
  EXPECT_TRUE(*h == want.holidays);
  ASSERT_OK_AND_ASSIGN(std::optional<HolidayYear> none, store.GetHolidays(2027));
  EXPECT_FALSE(none.has_value());
}

TEST_F(RocksDbNotificationStoreTest, EveryRecordKindReadsBackIdenticalAlsoAfterAReopen) {
  Open();
  const EveryKind want;
  ASSERT_OK(store_->Commit(want.AsChanges()));
  ExpectEveryKind(*store_, want);
  Open();
  ExpectEveryKind(*store_, want);
}

TEST_F(RocksDbNotificationStoreTest, OpenOrdersAndProblemItemsSurviveAReopenUntilDeleted) {
  Open();
  SupervisionOrderView order;
  order.name = "plans/2026-abc/supervisionOrders/2026-001";
  order.plan_id = "2026-abc";
  order.order_id = "2026-001";
  order.title = "渣土车遗撒";
  order.level = SupervisionLevel::kRed;
  order.addressees = {{"o-a", AddresseeState::kReturned}, {"o-b", AddresseeState::kAccepted}};
  order.reply_due_date = absl::CivilDay(2026, 5, 28);
  order.reply_due_time = T(1780000000);
  order.issuing_organization = "o-duchashi";
  order.source = "12345 接诉即办 工单 12345-0042";
  order.requesting_organization = "o-center";
  SupervisionOrderView computed = order;  // no explicit deadline: stays unset
  computed.name = "plans/2026-abc/supervisionOrders/2026-002";
  computed.reply_due_time = absl::InfinitePast();
  ProblemItemView problem;
  problem.name = "plans/2026-abc/problems/p-7";
  problem.plan_id = "2026-abc";
  problem.measure_id = "a1-t1-m1";
  problem.code = "PK-017";
  problem.title = "排污口";
  problem.owner = "o-a";
  problem.state = ProblemState::kRectifying;
  problem.rectification_due = absl::CivilDay(2026, 6, 30);
  Changes changes;
  changes.supervision_orders = {order, computed};
  changes.problems = {problem};
  ASSERT_OK(store_->Commit(changes));
  Open();
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  ASSERT_EQ(state.supervision_orders.size(), 2u);
  EXPECT_TRUE(state.supervision_orders.at(order.name) == order);
  EXPECT_TRUE(state.supervision_orders.at(computed.name) == computed);
  ASSERT_EQ(state.problems.size(), 1u);
  EXPECT_TRUE(state.problems.at(problem.name) == problem);
  Changes closed;
  closed.deleted_supervision_orders = {order.name};
  closed.deleted_problems = {problem.name};
  ASSERT_OK(store_->Commit(closed));
  Open();
  ASSERT_OK_AND_ASSIGN(state, store_->Load());
  EXPECT_EQ(state.supervision_orders.count(order.name), 0u);
  EXPECT_EQ(state.supervision_orders.size(), 1u);
  EXPECT_TRUE(state.problems.empty());
}

TEST_F(RocksDbNotificationStoreTest, AnAcknowledgementsNoteAndReferenceAreInItsEvent) {
  Open();
  Changes created;
  created.notifications = {Make(1, "o-center")};
  created.events.push_back(ChangeEvent{ChangeEvent::Type::kNotificationCreated, 1, "", "", false});
  ASSERT_OK(store_->Commit(created));
  Notification acked = Make(1, "o-center");
  acked.acknowledge_time = T(1780000500);
  acked.acknowledged_by = "command-center";
  acked.acknowledge_comment = "已派遣";
  acked.external_reference = "MTG-2026-0042";
  Changes ack;
  ack.notifications = {acked};
  ack.events.push_back(ChangeEvent{ChangeEvent::Type::kNotificationAcknowledged, 1, "", "", false});
  ASSERT_OK(store_->Commit(ack));
  ASSERT_OK_AND_ASSIGN(std::vector<common::v1::Event> events, db_->ReadEvents(0, 10));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].type(), "ecoplan.notification.v1.NotificationAcknowledged");
  v1::NotificationAcknowledged payload;
  ASSERT_TRUE(events[1].payload().UnpackTo(&payload));
  EXPECT_EQ(payload.notification().acknowledge_comment(), "已派遣");
  EXPECT_EQ(payload.notification().external_reference(), "MTG-2026-0042");
  EXPECT_EQ(payload.notification().acknowledged_by(), "command-center");
}

TEST_F(RocksDbNotificationStoreTest,
       ANotificationRecordOfAnEarlierBuildLoadsWithoutANoteOrReference) {
  Open();
  // What a build before acknowledge_comment and external_reference wrote: fields 1..22 only.
  storage::NotificationRecord old;
  old.set_number(5);
  old.set_kind(v1::NOTIFICATION_KIND_REPORT_OVERDUE);
  old.set_recipient("o-a");
  old.set_title("月报已逾期");
  old.mutable_acknowledge_time()->set_seconds(1780000600);
  old.set_acknowledged_by("users/li");
  const std::string key = absl::StrCat("n/", common::EncodeUint64(5));
  ASSERT_TRUE(db_->db()
                  ->Put(rocksdb::WriteOptions(), db_->Cf("notify"), key, old.SerializeAsString())
                  .ok());
  ASSERT_OK_AND_ASSIGN(Notification n, store_->GetNotification(5));
  EXPECT_EQ(n.title, "月报已逾期");
  EXPECT_EQ(n.acknowledged_by, "users/li");
  ASSERT_TRUE(n.acknowledge_time.has_value());
  EXPECT_EQ(n.acknowledge_comment, "");
  EXPECT_EQ(n.external_reference, "");
}

TEST_F(RocksDbNotificationStoreTest, AWithdrawnMetStatementIsGoneAfterAReopen) {
  Open();
  Changes stated;
  stated.met_statements = {"2026-abc|a1-t1-m1|2026-05-31|o-a|2026-05",
                           "2026-abc|a1-t1-m1|2026-06-30|o-a|2026-06"};
  ASSERT_OK(store_->Commit(stated));
  Changes returned;
  returned.deleted_met_statements = {"2026-abc|a1-t1-m1|2026-05-31|o-a|2026-05"};
  ASSERT_OK(store_->Commit(returned));
  Open();
  ASSERT_OK_AND_ASSIGN(LoadedState state, store_->Load());
  EXPECT_EQ(state.met_statements,
            std::set<std::string>{"2026-abc|a1-t1-m1|2026-06-30|o-a|2026-06"});
}

TEST_F(RocksDbNotificationStoreTest, AJsonRecordOfAnEarlierBuildFailsTheLoadNamingTheDirectory) {
  Open();
  ASSERT_OK(store_->Commit(EveryKind().AsChanges()));
  // What a development build before the protobuf records wrote for a rule.
  ASSERT_TRUE(db_->db()
                  ->Put(rocksdb::WriteOptions(), db_->Cf("notify"), "r/report-overdue",
                        R"({"id":"report-overdue","kind":2,"enabled":true})")
                  .ok());
  Open();
  absl::StatusOr<LoadedState> state = store_->Load();
  EXPECT_EQ(state.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(state.status().message(), dir_.Sub("db"))) << state.status();
  EXPECT_TRUE(absl::StrContains(state.status().message(), "JSON")) << state.status();
}

TEST_F(RocksDbNotificationStoreTest, AnUnreadableRecordIsDataLoss) {
  Open();
  ASSERT_TRUE(db_->db()->Put(rocksdb::WriteOptions(), db_->Cf("notify"), "c/o-a", "\xff\xff").ok());
  EXPECT_EQ(store_->Load().status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace ecoplan::notification
