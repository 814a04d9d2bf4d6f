#pragma once

// The notification service's domain: plain structs, no protos.
//
// Ids: notifications "n-000000000042" (a counter), rules "[a-z0-9-]{1,64}",
// subscriptions "s-<n>", deliveries "<n>" within their subscription.
// Organizations and plans use the registry's ids ("o-…", "2026-…").

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/reporting_calendar.h"

namespace ecoplan::notification {

// Numeric values equal the v1 enum values.
enum class Kind {
  kUnspecified = 0,
  kReportDueSoon = 1,
  kReportOverdue = 2,
  kMeasureDeadlineApproaching = 3,
  kMeasureOverdue = 4,
  kReportReturned = 5,
  kIndicatorAtRisk = 6,
  kIndicatorOffTrack = 7,
  kMeasureReassigned = 8,
  kMeasureDeadlineChanged = 9,
  kPlanImported = 10,
  kDigest = 11,
  kMeasureCheckpointApproaching = 12,
  kIndicatorRecovered = 13,
  kMonthClosed = 14,
  kContestFiled = 15,
  kContestDecided = 16,
  kSupervisionOrderIssued = 17,
  kSupervisionReplyOverdue = 18,
  kSupervisionReplyReturned = 19,
  kSupervisionLevelRaised = 20,
  kSupervisionOrderClosed = 21,
  kSupervisionReplyReceived = 22,
  kSupervisionTaskAssigned = 23,
  kReportAwaitingReview = 24,
  kExtensionRequested = 25,
  kCompletionDeclared = 26,
  kProblemItemOverdue = 27,
  kProblemRectificationClaimed = 28,
  kProblemItemReopened = 29,
  kProblemItemOpened = 30,
  kProblemItemClosed = 31,
};
constexpr int kMaxKind = 31;

enum class Severity { kUnspecified = 0, kInfo = 1, kWarning = 2, kCritical = 3 };

// 联络员, 分管领导, 主要领导.
enum class ContactLevel { kUnspecified = 0, kLiaison = 1, kDeputyHead = 2, kHead = 3 };

// "REPORT_DUE_SOON", … (the v1 enum name without its prefix), for texts and keys.
const char* KindName(Kind kind);
// Overdue and off-track kinds: the recipient cannot mute them.
bool IsCriticalKind(Kind kind);

struct Contact {
  ContactLevel level = ContactLevel::kLiaison;
  std::string display_name;
  std::string address;
};

struct OrgContacts {
  std::string organization_id;
  std::vector<Contact> contacts;
  int64_t revision = 0;  // etag "c<revision>"
};

struct DigestItem {
  std::string resource;
  std::string title;
  Kind kind = Kind::kUnspecified;
};

struct Notification {
  uint64_t number = 0;  // id "n-%012d"
  Kind kind = Kind::kUnspecified;
  Severity severity = Severity::kInfo;
  std::string recipient;  // organization id
  std::string recipient_display_name;
  ContactLevel level = ContactLevel::kLiaison;
  std::vector<Contact> contacts;
  std::string plan_id;
  std::string resource;
  std::string title;
  std::string body;
  std::string rule_id;
  std::string schedule_key;  // set when the schedule created it
  std::string event;         // "{source}#{sequence}" when an event did
  std::string explanation;
  std::string period;
  std::vector<DigestItem> digest_items;
  std::string escalation_key;  // the overdue item it belongs to, if any
  absl::Time create_time = absl::InfinitePast();
  std::optional<absl::Time> read_time;
  std::optional<absl::Time> acknowledge_time;
  std::string acknowledged_by;
  // The acknowledger's disposal note (处置意见) and own reference (the command
  // center's case number); empty if none. See Notifier::Acknowledge.
  std::string acknowledge_comment;
  std::string external_reference;
};

std::string NotificationId(uint64_t number);

struct Rule {
  std::string id;
  Kind kind = Kind::kUnspecified;
  Severity severity = Severity::kInfo;
  bool enabled = true;
  std::vector<int> lead_days;
  int escalation_grace_working_days = 0;
  // Kinds asking the bureau or the issuer to act: the working days it has (the
  // notification's period is that day); 0 = no day.
  int respond_within_working_days = 0;
  absl::Duration digest_window = absl::ZeroDuration();
  std::optional<absl::Time> muted_until;
  std::map<std::string, absl::Time> organization_mutes;
  std::string description;
  int64_t revision = 1;  // etag "r<revision>"
  absl::Time update_time = absl::InfinitePast();
};

std::string RuleEtag(const Rule& rule);

enum class SubscriptionState { kUnspecified = 0, kActive = 1, kFailing = 2, kDisabled = 3 };

struct Secret {
  std::string key;  // raw key bytes (base64-decoded part of "whsec_…"); never logged or returned
  std::string fingerprint;
  absl::Time create_time = absl::InfinitePast();
  std::optional<absl::Time> expire_time;
};

struct Subscription {
  std::string id;  // "s-<n>"
  std::string url;
  std::string description;
  std::set<Kind> kinds;
  std::set<std::string> plans;          // plan ids
  std::set<std::string> organizations;  // organization ids
  std::set<Severity> severities;
  SubscriptionState state = SubscriptionState::kActive;
  std::string state_reason;
  std::vector<Secret> secrets;
  int64_t revision = 1;
  absl::Time create_time = absl::InfinitePast();
  std::string request_id;
  // The subject that created it: a viewer changes only its own subscriptions.
  std::string owner;
};

std::string SubscriptionEtag(const Subscription& s);
// Whether `n` passes the subscription's filters.
bool Matches(const Subscription& s, const Notification& n);

enum class DeliveryState { kUnspecified = 0, kPending = 1, kSucceeded = 2, kFailed = 3 };

struct DeliveryAttempt {
  absl::Time time = absl::InfinitePast();
  int status_code = 0;
  absl::Duration latency;
  std::string error;
};

struct Delivery {
  std::string subscription_id;
  uint64_t number = 0;  // per service, increasing: the per-subscription order
  uint64_t notification_number = 0;
  std::string webhook_id;  // "msg_n-…"; the same for replays
  DeliveryState state = DeliveryState::kPending;
  absl::Time create_time = absl::InfinitePast();
  absl::Time next_attempt_time = absl::InfinitePast();
  absl::Time first_attempt_time = absl::InfinitePast();
  std::vector<DeliveryAttempt> attempts;  // the last kMaxKeptAttempts
  int attempt_count = 0;
};
constexpr size_t kMaxKeptAttempts = 50;

// A StreamNotifications consumer (streamConsumers/{id}): how far it has
// acknowledged, and who owns it.
struct StreamConsumer {
  uint64_t position = 0;  // the last event sequence it processed
  // The subject that created it (its first AcknowledgeStream): only it moves the position (an
  // administrator may too). Empty for a consumer stored before owners were recorded: the first
  // subject to acknowledge it after the upgrade claims it.
  std::string owner;
};

// ---------------------------------------------------------------------------
// The local view of the other services, fed by their events.

// A checkpoint of a measure's text (按季度, 5月底前, 两轮次 …; registry
// Measure.checkpoints, grammar in common/calendar/checkpoints.h) as the schedule
// needs it: its phrase and the days it is due (one; each period's end of a
// recurring one; the last day of a window).
struct CheckpointDue {
  std::string phrase;
  std::vector<absl::CivilDay> dues;  // in order
};

// An occurrence of a checkpoint that an owner's report states met (progress
// ReportEntry.met_checkpoints): the measure and the occurrence's due day,
// which identifies it (a recurring checkpoint has one per period).
struct MetCheckpoint {
  std::string measure_id;
  absl::CivilDay due;
  std::string phrase;  // for readability
};

struct MeasureView {
  std::string id;
  std::string title;                  // first 60 characters of the text
  std::optional<absl::CivilDay> due;  // effective due day (after approved extensions)
  std::vector<std::string> lead_organizations;
  std::vector<std::string> responsible_organizations;  // groups expanded
  bool completed = false;                              // a completion was confirmed
  std::vector<CheckpointDue> checkpoints;              // of its text, in text order
};

// The progress service's reporting calendar and holidays, in the shared
// definition (common/calendar/reporting_calendar.h).
using DueRule = common::DueRule;
using CalendarRule = common::CalendarRule;
// The public holidays (法定节假日) and make-up working days (调休上班) of one
// year, from the progress service's HolidayCalendar.
using HolidayYear = common::HolidayYear;

struct PlanView {
  std::string plan_id;
  std::string title;
  int year = 0;
  std::string time_zone = "Asia/Shanghai";
  absl::CivilDay issue_date;
  std::string bureau_organization;  // the reporting recipient (区生态环境局)
  // The progress service's reporting calendar (CalendarChanged): monthly
  // reports always; summaries of quarters, half years and the year when asked.
  // The plan's reporting due day until a CalendarChanged event says otherwise.
  CalendarRule calendar;
  std::map<std::string, MeasureView> measures;            // by measure id
  std::map<std::string, std::string> organization_names;  // id → display name
};

// 督办等级 and where an addressed organization stands (the progress enums' values).
enum class SupervisionLevel { kUnspecified = 0, kBlue = 1, kYellow = 2, kRed = 3 };
enum class AddresseeState {
  kUnspecified = 0,
  kAwaitingReply = 1,
  kReplied = 2,
  kReturned = 3,
  kAccepted = 4
};
// "蓝色督办", "黄色督办", "红色督办" ("督办" when unknown).
const char* LevelText(SupervisionLevel level);

struct SupervisionAddresseeView {
  std::string organization_id;
  AddresseeState state = AddresseeState::kAwaitingReply;
};

// An open supervision order (督办单) as the schedule needs it, from the
// progress service's SupervisionOrder* events; dropped when it closes.
struct SupervisionOrderView {
  std::string name;  // plans/{plan}/supervisionOrders/{order}: the key
  std::string plan_id;
  std::string order_id;
  std::string title;
  SupervisionLevel level = SupervisionLevel::kUnspecified;
  std::vector<SupervisionAddresseeView> addressees;  // in the order given
  absl::CivilDay reply_due_date;                     // the reply day (plan's time zone)
  absl::Time reply_due_time = absl::InfinitePast();  // late from; InfinitePast: the day after
  std::string issuing_organization;                  // organization id; empty if none
  std::string source;                                // 来源 in words, e.g. 12345 工单 …
  // The organization that asked for the order (e.g. the command center passing
  // on a 12345 ticket): told of its issue, level changes and closure; empty if none.
  std::string requesting_organization;
};
// The instant an order's replies are late from (reply_due_time, else the start
// of the day after reply_due_date in `zone`).
absl::Time ReplyLateFrom(const SupervisionOrderView& order, absl::TimeZone zone);

// Where a problem ledger item (问题清单) stands (the progress enum's values).
enum class ProblemState {
  kUnspecified = 0,
  kOpen = 1,
  kRectifying = 2,
  kRectificationClaimed = 3,
  kVerified = 4,
  kClosed = 5
};

// A problem item not closed, as the schedule needs it (ProblemItemOpened and
// ProblemItemTransitioned); dropped when closed.
struct ProblemItemView {
  std::string name;  // plans/{plan}/problems/{problem}: the key
  std::string plan_id;
  std::string measure_id;
  std::string code;
  std::string title;
  std::string owner;  // organization id
  ProblemState state = ProblemState::kOpen;
  std::optional<absl::CivilDay> rectification_due;
};

// An overdue item that escalates until resolved or acknowledged.
struct Escalation {
  std::string key;  // the schedule key of its first notification
  std::string rule_id;
  Kind kind = Kind::kUnspecified;
  std::string plan_id;
  std::string organization_id;
  std::string resource;
  // The report period; the measure id for measures; "<reply day>@<deadline
  // instant>" for 催办 (notifier_supervision.cc); the rectification day for problems.
  std::string period;
  std::string title;
  ContactLevel level = ContactLevel::kLiaison;
  absl::CivilDay level_since;
  bool acknowledged = false;
};

// Notifications of one rule to one recipient, waiting to go out as one digest.
struct DigestBucket {
  std::string recipient;
  std::string rule_id;
  std::string plan_id;
  absl::Time window_start = absl::InfinitePast();
  std::vector<DigestItem> items;
};
std::string DigestKey(absl::string_view recipient, absl::string_view rule_id);

}  // namespace ecoplan::notification
