#pragma once

// Notifier: the use cases of the notification service.
//
// It keeps in memory what it decides with (rules, subscriptions, contacts, the
// local view of plans and submissions, open escalations, digest buckets) and
// reads notifications, deliveries and the idempotency keys already used from
// the store.
//
// Writes (docs/ARCHITECTURE.md, "Where a write becomes durable"): each is
// serialized on its keys by a common::KeyedSerializer (notifier_write.cc,
// Write), decided under the Notifier's mutex against the state including every
// earlier write to those keys, committed with NotificationStore::CommitAsync
// outside the mutex, applied to memory in the commit's callback, then its keys
// are released and it is answered. The mutex is never held across a commit.
// The keys:
//   "rule/<id>", "contacts/<org>", "subscription/<id>", "notification/<number>",
//   "consumer/<id>": the aggregate a write changes;
//   "subscription/new": creating a subscription (it takes the next subscription number);
//   "request/<id>": a write's request id, a second key taken first, so that a
//     retry arriving while the first call commits is decided after it;
//   kEmitKey ("emit"): every write that takes notification or delivery numbers
//     or changes what emitting decides with and writes (idempotency keys,
//     escalations, digests, the views of plans, submissions and holidays): the
//     followers' events, the schedule, ReplayDelivery, DeleteSubscription (a
//     concurrent event must not add a delivery to a subscription being deleted)
//     and Acknowledge of an escalating notification. Holding it, a write sees
//     every number taken before it published, so numbers are never used twice
//     and are committed in the order they were taken.
// Keys are taken in that order (request, aggregate, emit), so no two writes
// wait for each other.
//
// Upstream events come from EventFollowers, which commit the change together
// with their cursor on their own thread: BeginUpstream() waits for kEmitKey
// (blocking the follower's thread) and computes the Changes under the mutex;
// the caller commits them (with its cursor), then FinishUpstream() applies them
// if committed and releases the key. Both calls must come from the same
// thread, back to back.
//
// Every write has an asynchronous form, answering `done` once durable (on the
// store's committing thread, or inline), and a blocking form for threads that
// may wait (tests, Load, the deliverer's workers, the ScheduleRunner): never
// call a blocking form on a gRPC thread, from a `done`, or on `dispatch`.
//
// Who may act is decided at the gRPC edge by the policy; the per-organization
// part (a reporter sees only its own inbox) is checked here with the Caller.
//
// The implementation is one file per concept: notifier.cc (loading, emitting,
// applying), notifier_write.cc (keys, deciding, committing), notifier_intake.cc (registry and
// progress events), notifier_indicator.cc (indicator status changes), notifier_assessment.cc (month
// closing and contests), notifier_supervision.cc (supervision orders and 催办, problem items,
// requests awaiting the bureau, supervision tasks), notifier_schedule.cc, notifier_inbox.cc,
// notifier_rules.cc, notifier_contacts.cc, notifier_subscriptions.cc (with deliveries),
// notifier_streams.cc.
//
// Thread-safe. `store`, `clock`, `url_checker` must outlive it.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/concurrency/keyed_serializer.h"
#include "common/idempotency/request_ledger.h"
#include "common/log/log.h"
#include "common/time/clock.h"
#include "services/notification/domain/indicator_inputs.h"
#include "services/notification/domain/model.h"
#include "services/notification/domain/notification_store.h"
#include "services/notification/domain/supervision_inputs.h"

namespace ecoplan::notification {

// Who is calling, as the edge authenticated them.
struct Caller {
  enum class Role { kAdministrator, kReporter, kViewer, kService };
  std::string subject;
  // The credentials' organization (token "org"): required for reporters; a
  // viewer's names its own inbox (the command center's, 区城指中心).
  std::string organization_id;
  Role role = Role::kViewer;

  // Whether it may read `organization_id`'s inbox: a reporter only its own;
  // everyone else any.
  bool MayReadFor(absl::string_view organization_id) const;
  // Whether it may change what belongs to `organization_id` (mark its
  // notifications read, acknowledge them, mute a rule for it): the bureau
  // (administrator) any; a reporter, or a viewer whose credentials name an
  // organization, only that one; a viewer without one and a service never.
  bool MayChangeFor(absl::string_view organization_id) const;
};

// Checks that a webhook URL's host resolves only to allowed addresses.
// Errors: InvalidArgument (does not resolve, or an address refused by the
// address policy, naming its rule), FailedPrecondition (a host name not
// allowed). Implemented by the delivery layer.
class UrlChecker {
 public:
  virtual ~UrlChecker() = default;
  virtual absl::Status CheckUrl(const std::string& url) const = 0;
};

// Receives what the deliverer must know, after each durable change, in commit order.
class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  virtual void DeliveriesQueued(const std::vector<Delivery>& deliveries) = 0;
  virtual void SubscriptionUpdated(const Subscription& subscription) = 0;
  virtual void SubscriptionDeleted(const std::string& subscription_id) = 0;
  // An operator's lever (EnableSubscription true, ReplayDelivery): the
  // subscription's head delivery is attempted now, not after its backoff or
  // the circuit breaker's cooldown. After a restart the head's stored next
  // attempt time applies again.
  virtual void RetryNow(const std::string& /*subscription_id*/) {}
};

// One upstream event, mapped from its proto by the follower glue.
struct UpstreamInput {
  enum class Type {
    kIgnored,              // advances the cursor only
    kPlanImported,         // `plan` holds the whole view (from ExportPlan)
    kMeasureChanged,       // `before` (absent for a new measure) → `after`
    kReportSubmitted,      // organization, period, met_checkpoints
    kReportReturned,       // organization, period, comment, resource
    kExtensionApproved,    // measure_id, new_due
    kCompletionConfirmed,  // measure_id
    kCalendarChanged,      // calendar
    kHolidaysLoaded,       // holidays
    kIndicatorStatus,      // indicator_change, indicator_owners
    kMonthClosed,          // month_closed
    kContestFiled,         // contest
    kContestDecided,       // contest
    kSupervisionTask,      // measures: the new supervision task's, each assigned
    kSupervisionOrder,     // supervision
    kProblemItem,          // problem
    kExtensionRequested,   // bureau_request
    kCompletionDeclared,   // bureau_request
  };
  Type type = Type::kIgnored;
  std::string event_ref;  // "{source}#{sequence}"
  std::string plan_id;
  PlanView plan;
  std::optional<MeasureView> before;
  MeasureView after;
  std::string measure_id;
  std::string organization_id;
  std::string period;
  std::string comment;
  std::string resource;
  absl::CivilDay new_due;
  CalendarRule calendar;
  HolidayYear holidays;
  IndicatorChange indicator_change;
  // The indicator's owners as the event lists them, resolved to ids.
  std::vector<std::string> indicator_owners;
  MonthClosedInput month_closed;
  ContestInput contest;
  // kReportSubmitted: the checkpoint occurrences the report states met, all
  // of its entries together (empty for a report that states nothing, e.g. a
  // revision of a returned report not yet resubmitted). They replace what the
  // report stated before.
  std::vector<MetCheckpoint> met_checkpoints;
  // kReportSubmitted: the report now awaits the bureau's review (submitted or
  // revised while SUBMITTED; not an acceptance).
  bool awaiting_review = false;
  // kSupervisionTask: the task's title and its measures.
  std::string task_title;
  std::vector<MeasureView> measures;
  SupervisionOrderInput supervision;
  ProblemItemInput problem;
  BureauRequestInput bureau_request;
};

struct NotifierOptions {
  // Time zone of the schedule (the plan's is used when it has one).
  std::string time_zone = "Asia/Shanghai";
  // Install each default rule never installed on this store (see Load()).
  bool install_default_rules = true;
  // Deliveries give up after this long since their first attempt.
  absl::Duration retry_horizon = absl::Hours(24);
  // Where Load() says which default rules it installed; unset: service
  // "notification" on stderr.
  std::optional<common::Logger> logger;
  // Subscriptions one owner (subject) may hold; CreateSubscription beyond it is
  // ResourceExhausted (--max_subscriptions_per_owner).
  int max_subscriptions_per_owner = 20;
  // Runs a write that waited for its keys (common::KeyedSerializer's dispatch): the server's
  // contention executor, so that it never runs on the committer. Unset: inline (tests).
  std::function<void(std::function<void()>)> dispatch;
};

// Who the writes started on this thread are for: the gRPC edge sets one around each Notifier
// write call, and the Changes of every write started meanwhile carry its subject and request id,
// which their events record (common.v1.Event actor and request_id: what the audit log lists as
// the call's changes, docs/SECURITY.md "Audit"). Scoped to the thread, innermost first. Writes
// started without one (the schedule, the followers, the deliverer) carry none.
class WriteOrigin {
 public:
  WriteOrigin(std::string actor, std::string request_id);
  ~WriteOrigin();
  WriteOrigin(const WriteOrigin&) = delete;
  WriteOrigin& operator=(const WriteOrigin&) = delete;

  // The innermost origin of the calling thread; null when none.
  static const WriteOrigin* Current();
  const std::string& actor() const { return actor_; }
  const std::string& request_id() const { return request_id_; }

 private:
  const std::string actor_;
  const std::string request_id_;
  const WriteOrigin* const previous_;
};

// What an acknowledgement (签收) says besides who and when.
struct AcknowledgeNote {
  // A disposal note (处置意见), up to kMaxAcknowledgeComment characters; empty: none.
  std::string comment;
  // The acknowledger's own reference, e.g. the command center's case number
  // (案件号): 1..kMaxExternalReference characters, none a control character;
  // empty: none.
  std::string external_reference;
};
inline constexpr size_t kMaxAcknowledgeComment = 2000;
inline constexpr size_t kMaxExternalReference = 64;
// InvalidArgument naming the field (comment, external_reference) at fault.
absl::Status ValidateAcknowledgeNote(const AcknowledgeNote& note);

// The answer of an asynchronous write, once durable (or refused, or failed).
template <typename T>
using Done = std::function<void(absl::StatusOr<T>)>;
using DoneStatus = std::function<void(absl::Status)>;

// The default rules for the seed plan (report due 3 days before its due day;
// measure deadlines 30 and 7 days ahead; checkpoints of measure texts 7 days
// ahead; overdue escalates after 3 working days; one rule for each event kind:
// indicator alerts and recoveries, month closing, contests filed and decided;
// supervision orders, 催办 and problem items; the kinds asking the bureau or
// the issuer to act with 5 working days to respond).
// Each is installed once per store (see Notifier::Load()).
std::vector<Rule> DefaultRules();

// The ids of the default rules of the first release (kinds 1-10): a store that
// has rules but no record of installed defaults (created before the record)
// got these at its first start.
std::vector<std::string> OriginalDefaultRuleIds();

class Notifier {
 public:
  Notifier(NotificationStore* store, const common::Clock* clock, const UrlChecker* url_checker,
           NotifierOptions options = {});

  // Loads the state and installs, in one write, every default rule never
  // installed on this store: all of them on a new store; on an existing one,
  // those added to DefaultRules() since (a store without the record of
  // installed defaults counts OriginalDefaultRuleIds() as installed). A
  // default an administrator changed or deleted is never touched or
  // re-created; one whose id an administrator created is kept as it is.
  // Logs what it installed. Errors: from the store.
  absl::Status Load();
  // Where new deliveries and subscription changes go (nullable; set before traffic).
  void SetDeliverySink(DeliverySink* sink);
  // Deliveries that were pending at Load().
  std::vector<Delivery> PendingDeliveries() const;

  // --- upstream events (see class comment)
  absl::StatusOr<Changes> BeginUpstream(const UpstreamInput& input);
  void FinishUpstream(const Changes& changes, bool committed);

  // --- schedule: due soon, overdue, deadlines, escalation, digests. Returns
  // the number of notifications created. Errors: from the store.
  void RunSchedule(Done<int> done);
  absl::StatusOr<int> RunSchedule();
  // The schedule's clock now (RunScheduleResponse.now).
  absl::Time ScheduleTime() const { return clock_->Now(); }

  // --- inbox. Errors: InvalidArgument, NotFound, PermissionDenied.
  // Reading: Caller::MayReadFor the recipient; marking and acknowledging:
  // Caller::MayChangeFor it (the command center its own inbox, by the
  // organization its credentials name).
  absl::StatusOr<InboxPage> ListInbox(const Caller& caller, const std::string& organization_id,
                                      bool unread_only, Kind kind, int page_size,
                                      const std::string& page_token);
  absl::StatusOr<Notification> GetNotification(const Caller& caller, uint64_t number);
  void MarkRead(const Caller& caller, uint64_t number, Done<Notification> done);
  absl::StatusOr<Notification> MarkRead(const Caller& caller, uint64_t number);
  // Acknowledges (签收) the notification, with `note`'s disposal comment and
  // reference, and stops the escalation of the overdue item it belongs to.
  // Idempotent: once acknowledged, it answers the first acknowledgement
  // unchanged, except that a reference given when none was recorded is
  // recorded (the comment stays the first one's; a NotificationAcknowledged
  // event tells the stream). Errors: NotFound, PermissionDenied,
  // InvalidArgument (comment over kMaxAcknowledgeComment characters;
  // reference over kMaxExternalReference characters or with a control
  // character; not UTF-8), FailedPrecondition (another reference than the one
  // recorded).
  void Acknowledge(const Caller& caller, uint64_t number, const AcknowledgeNote& note,
                   Done<Notification> done);
  absl::StatusOr<Notification> Acknowledge(const Caller& caller, uint64_t number,
                                           const AcknowledgeNote& note = {});

  // --- rules. Errors: InvalidArgument, NotFound, AlreadyExists, Aborted (etag),
  // FailedPrecondition (a recipient muting a critical rule), PermissionDenied.
  // `request_id` (optional; common/idempotency/request_ledger.h): a retry returns the rule as
  // it is now; the id used for another write is InvalidArgument.
  void CreateRule(const Rule& rule, const std::string& request_id, Done<Rule> done);
  absl::StatusOr<Rule> CreateRule(const Rule& rule, const std::string& request_id = "");
  absl::StatusOr<Rule> GetRule(const std::string& id) const;
  std::vector<Rule> ListRules() const;
  void UpdateRule(const Rule& rule, const std::string& etag, Done<Rule> done);
  absl::StatusOr<Rule> UpdateRule(const Rule& rule, const std::string& etag);
  void DeleteRule(const std::string& id, const std::string& etag, DoneStatus done);
  absl::Status DeleteRule(const std::string& id, const std::string& etag);
  void MuteRule(const Caller& caller, const std::string& id, std::optional<absl::Time> until,
                const std::string& organization_id, const std::string& etag, Done<Rule> done);
  absl::StatusOr<Rule> MuteRule(const Caller& caller, const std::string& id,
                                std::optional<absl::Time> until, const std::string& organization_id,
                                const std::string& etag);

  // --- contacts. Errors: InvalidArgument, Aborted.
  void SetContacts(const std::string& organization_id, const std::vector<Contact>& contacts,
                   const std::string& etag, Done<OrgContacts> done);
  absl::StatusOr<OrgContacts> SetContacts(const std::string& organization_id,
                                          const std::vector<Contact>& contacts,
                                          const std::string& etag);
  OrgContacts GetContacts(const std::string& organization_id) const;

  // --- subscriptions. Errors: InvalidArgument (also an address the policy refuses),
  // FailedPrecondition (host name not allowed), NotFound, Aborted, ResourceExhausted (creating
  // beyond max_subscriptions_per_owner for subscription.owner). Creating and updating check the
  // address first, on the calling thread (it resolves the host name: call them on an executor
  // that may wait on DNS).
  void CreateSubscription(const Subscription& subscription, const std::string& secret,
                          const std::string& request_id, Done<Subscription> done);
  absl::StatusOr<Subscription> CreateSubscription(const Subscription& subscription,
                                                  const std::string& secret,
                                                  const std::string& request_id);
  absl::StatusOr<Subscription> GetSubscription(const std::string& id) const;
  std::vector<Subscription> ListSubscriptions() const;
  void UpdateSubscription(const Subscription& subscription, const std::string& etag,
                          Done<Subscription> done);
  absl::StatusOr<Subscription> UpdateSubscription(const Subscription& subscription,
                                                  const std::string& etag);
  void DeleteSubscription(const std::string& id, const std::string& etag, DoneStatus done);
  absl::Status DeleteSubscription(const std::string& id, const std::string& etag);
  // `request_id` (optional): a retry returns the subscription without rotating again.
  void RotateSecret(const std::string& id, const std::string& secret, absl::Duration previous_grace,
                    const std::string& request_id, Done<Subscription> done);
  absl::StatusOr<Subscription> RotateSecret(const std::string& id, const std::string& secret,
                                            absl::Duration previous_grace,
                                            const std::string& request_id = "");
  // Enabled: the subscription is ACTIVE again and its head delivery is attempted
  // at once (DeliverySink::RetryNow), whatever wait its backoff had left.
  void EnableSubscription(const std::string& id, bool enabled, Done<Subscription> done);
  absl::StatusOr<Subscription> EnableSubscription(const std::string& id, bool enabled);
  absl::StatusOr<DeliveryPage> ListDeliveries(const std::string& subscription_id,
                                              DeliveryState state, int page_size,
                                              const std::string& page_token);
  // `request_id` (optional): a retry returns the first replay's delivery, queued once.
  // The subscription's head delivery is attempted at once (DeliverySink::RetryNow), so the
  // replay, queued behind it, does not wait out the head's backoff.
  void ReplayDelivery(const std::string& subscription_id, uint64_t number,
                      const std::string& request_id, Done<Delivery> done);
  absl::StatusOr<Delivery> ReplayDelivery(const std::string& subscription_id, uint64_t number,
                                          const std::string& request_id = "");
  // Pending deliveries per subscription (for display).
  int64_t PendingCount(const std::string& subscription_id) const;

  // --- from the deliverer: an attempt's outcome (the updated delivery) and,
  // optionally, the subscription to suspend. Errors: from the store. The outcome of a
  // subscription deleted meanwhile is not written.
  void RecordDelivery(const Delivery& delivery, DoneStatus done);
  absl::Status RecordDelivery(const Delivery& delivery);
  // Several outcomes of one subscription's deliveries in one write (the deliverer's group of
  // successes). `deliveries` must all belong to `subscription_id`.
  void RecordDeliveries(const std::string& subscription_id, std::vector<Delivery> deliveries,
                        DoneStatus done);
  void SuspendSubscription(const std::string& id, const std::string& reason, DoneStatus done);
  absl::Status SuspendSubscription(const std::string& id, const std::string& reason);

  // --- stream consumers (streamConsumers/{id}), each owned by the subject that created it.
  // The position `caller` streams from: the consumer's, 0 for one never acknowledged. Errors:
  // PermissionDenied (owned by another subject; an administrator reads any). A consumer without
  // an owner (stored before owners were kept) is read by anyone until claimed.
  absl::StatusOr<uint64_t> ConsumerPosition(const Caller& caller,
                                            const std::string& consumer) const;
  // Records that `caller` processed the consumer's events through `sequence`; the position never
  // moves back, except with `reset` (administrators only: set to `sequence`, e.g. to replay). The
  // first acknowledgement creates the consumer, owned by caller.subject; an ownerless consumer is
  // claimed by the first subject that acknowledges it (logged). Answers the stored consumer.
  // Errors: InvalidArgument (consumer id), OutOfRange (ahead of the log), PermissionDenied
  // (another subject's consumer; `reset` by a non-administrator).
  void AcknowledgeStream(const Caller& caller, const std::string& consumer, uint64_t sequence,
                         bool reset, Done<StreamConsumer> done);
  absl::StatusOr<StreamConsumer> AcknowledgeStream(const Caller& caller,
                                                   const std::string& consumer, uint64_t sequence,
                                                   bool reset = false);

  // The key of every write that emits (see the class comment).
  static constexpr char kEmitKey[] = "emit";

  // The id of the organization called `name` (display name) in the plan's
  // view; empty when unknown.
  std::string OrganizationIdByName(const std::string& plan_id, const std::string& name) const;

  // Number of notifications created since start (metrics).
  int64_t created_count() const;

 private:
  struct Candidate {
    const Rule* rule = nullptr;
    std::string key;  // idempotency key; empty = none
    std::string recipient;
    std::string plan_id;
    std::string resource;
    std::string title;
    std::string body;
    std::string period;
    std::string event_ref;
    std::string explanation;
    std::string escalation_key;
    ContactLevel level = ContactLevel::kLiaison;
    // Instead of the rule's (a supervision order's level); unset: the rule's.
    std::optional<Severity> severity;
  };

  // What an upstream event's notification says; the rest comes from the event.
  struct EventText {
    std::string resource;
    std::string title;
    std::string body;
    std::string explanation;
    std::string period;
  };

  // --- writes (notifier_write.cc)
  // Holds every key of a write; dropping the last copy releases them (the last taken first).
  using Lease = std::shared_ptr<void>;
  // Decides a write: fills the Changes, with mu_ held; an error refuses it (nothing is written).
  using Decide = std::function<absl::Status(Changes*)>;
  // Calls `fn` with a lease on `keys` once all are held, taken one after another in the order
  // given (inline when free; else on options_.dispatch).
  void WithKeys(std::vector<std::string> keys, std::function<void(Lease)> fn);
  // WithKeys, waiting on the calling thread.
  Lease AwaitKeys(std::vector<std::string> keys);
  // The write model: holding `keys`, decide (under mu_), commit the Changes (CommitAsync, without
  // mu_), Apply them in the callback (under mu_), release the keys, answer `done`. Nothing to
  // write answers at once.
  void Write(std::vector<std::string> keys, Decide decide, DoneStatus done);
  // Write, answering with the value `decide` returns.
  template <typename T>
  void WriteFor(std::vector<std::string> keys, std::function<absl::StatusOr<T>(Changes*)> decide,
                Done<T> done) {
    auto result = std::make_shared<absl::StatusOr<T>>(absl::UnknownError("not decided"));
    Write(
        std::move(keys),
        [result, decide = std::move(decide)](Changes* changes) {
          *result = decide(changes);
          return result->status();
        },
        [result, done = std::move(done)](absl::Status status) {
          if (status.ok()) {
            done(std::move(*result));
          } else {
            done(status);
          }
        });
  }
  // Calls `start(done)` and waits for its answer (the blocking forms).
  template <typename T>
  static absl::StatusOr<T> Await(const std::function<void(Done<T>)>& start) {
    absl::Notification answered;
    absl::StatusOr<T> result = absl::UnknownError("not answered");
    start([&](absl::StatusOr<T> r) {
      result = std::move(r);
      answered.Notify();
    });
    answered.WaitForNotification();
    return result;
  }
  static absl::Status AwaitStatus(const std::function<void(DoneStatus)>& start);
  // "request/<id>" first when `request_id` is not empty, then `keys`.
  static std::vector<std::string> KeysWithRequest(const std::string& request_id,
                                                  std::vector<std::string> keys);

  // --- core (notifier.cc)
  absl::Time Now() const { return clock_->Now(); }
  absl::CivilDay Today(const std::string& time_zone) const;
  // Whether an idempotency key was taken by this change or committed before (looked up in the
  // store). A failed lookup counts as used and is kept for TakeLookupError.
  bool KeyUsed(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The first failed lookup since the last call (OK if none): the decision's write fails with it.
  absl::Status TakeLookupError() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Adds the notification (or digest item) of `c` to `changes` unless its key
  // was used, the rule is muted for the recipient, or the rule is disabled.
  void Emit(const Candidate& c, Changes* changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddNotification(Notification n, const std::string& key, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::vector<const Rule*> RulesOf(Kind kind) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The organization's display name from the plan (`pending`'s plans first,
  // as a plan imported in the same batch is not stored yet); its id if unknown.
  std::string OrgName(const std::string& plan_id, const std::string& org,
                      const Changes* pending = nullptr) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // See Load(): decides the rules to install (nothing when none is missing).
  void DecideDefaultRules(Changes* changes, std::vector<std::string>* added,
                          std::vector<std::string>* kept) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status InstallMissingDefaultRules();
  void Apply(const Changes& changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The record of the first call when `call` is a retry of it, or nullopt when
  // its request id is new or empty (common::RequestLedger::Decide). Errors:
  // InvalidArgument (not a valid request id, or one used for another method or resource).
  absl::StatusOr<std::optional<common::RequestRecord>> RetriedRequest(
      const common::RequestCall& call) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- upstream intake (notifier_intake.cc), one per event type that needs more than a line
  // The change an upstream event makes (BeginUpstream).
  void DecideUpstream(const UpstreamInput& in, Changes* changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Emits `rule`'s notification of the event `in` to `recipient`, keyed by event, rule and
  // recipient (and `subject` when an event notifies one recipient of several things, e.g. each
  // measure of a task). `severity`: instead of the rule's.
  void EmitForEvent(const UpstreamInput& in, const Rule* rule, const std::string& recipient,
                    EventText text, Changes* changes, const std::string& subject = "",
                    std::optional<Severity> severity = std::nullopt)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void IntakePlanImported(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void IntakeMeasureChanged(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Marks the period submitted and records the checkpoints the report states met.
  void IntakeReportSubmitted(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Also withdraws what the returned report stated met.
  void IntakeReportReturned(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Replaces the checkpoints the report (plan, organization, period) states met by `stated`.
  void RecordMetCheckpoints(const std::string& plan_id, const std::string& org,
                            const std::string& period, const std::vector<MetCheckpoint>& stated,
                            Changes* changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether a submitted report of any owner states the occurrence met.
  bool CheckpointStatedMet(const std::string& plan_id, const std::string& measure_id,
                           absl::CivilDay due) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void IntakeExtensionApproved(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void IntakeCompletionConfirmed(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void IntakeCalendarChanged(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- indicator status changes (notifier_indicator.cc): at risk, off track,
  // recovered; to the bureau, the indicator's owners and its measure's lead and
  // responsible organizations.
  void IntakeIndicatorStatus(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- month closing and contests (notifier_assessment.cc)
  // To every organization owning a measure of the plan.
  void IntakeMonthClosed(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // To the bureau.
  void IntakeContestFiled(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // To the organization that filed it.
  void IntakeContestDecided(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // --- supervision orders, problem items, requests for the bureau (notifier_supervision.cc)
  void IntakeSupervisionTask(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Keeps the open order's mirror and notifies as the order's change says.
  void IntakeSupervisionOrder(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Opened: the owner; claimed: the bureau; closed: the owner and the measure's lead
  // organizations; reopened: the owner.
  void IntakeProblemItem(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // "a1-t1-m1（推广新能源货车）", or the id alone when the plan's view has no title for it.
  std::string MeasureText(const std::string& plan_id, const std::string& measure_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // REPORT_AWAITING_REVIEW, EXTENSION_REQUESTED, COMPLETION_DECLARED: to the bureau.
  void IntakeAwaitingReview(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void IntakeBureauRequest(const UpstreamInput& in, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The day to act by under `rule` (respond_within_working_days after today in
  // the plan's zone, on the shared working-day calendar); empty when 0.
  std::string RespondByDay(const Rule& rule, const std::string& plan_id) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The plan's reporting recipient (the bureau); empty when unknown.
  std::string BureauOf(const std::string& plan_id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // 催办 of open orders and overdue problem items (notifier_supervision.cc).
  void ScheduleSupervision(Changes* changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScheduleProblems(Changes* changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether the order's or the problem's overdue item `e` is resolved.
  bool SupervisionEscalationResolved(const Escalation& e) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::TimeZone ZoneOf(const std::string& plan_id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // The plan's view (nullptr when unknown).
  const PlanView* PlanOf(const std::string& plan_id) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- schedule (notifier_schedule.cc)
  void ScheduleReports(const PlanView& plan, absl::CivilDay today, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Due soon and overdue of one organization's report for one owed period.
  void ScheduleReport(const PlanView& plan, const std::string& org,
                      const common::PeriodDueDay& owed, absl::CivilDay today, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ScheduleMeasures(const PlanView& plan, absl::CivilDay today, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Deadline approaching and passed of the measure `id` (not completed, with a due day).
  void ScheduleMeasureDeadline(const PlanView& plan, const std::string& id, const MeasureView& m,
                               absl::CivilDay today, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The checkpoints of the text of the measure `id` (not completed) due within a
  // lead time of a kMeasureCheckpointApproaching rule, unless an owner's
  // submitted (not returned) report states that occurrence met.
  void ScheduleCheckpoints(const PlanView& plan, const std::string& id, const MeasureView& m,
                           absl::CivilDay today, Changes* changes)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Emits the overdue notification `c` and, when it is new, opens its escalation
  // (`subject`: the report period, or the measure id).
  void EmitEscalating(const Candidate& c, const std::string& subject, absl::CivilDay today,
                      Changes* changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void Escalate(absl::CivilDay today, Changes* changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The report was submitted, or the measure completed, extended or gone.
  bool EscalationResolved(const Escalation& e, absl::CivilDay today) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void FlushDigests(Changes* changes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // --- subscriptions (notifier_subscriptions.cc)
  absl::Status ValidateSubscription(const Subscription& s) const;
  // The subscription a CreateSubscription request first created, or FailedPrecondition when it is
  // gone.
  absl::StatusOr<Subscription> CreatedBefore(const common::RequestRecord& first) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Tells the sink to attempt `subscription_id`'s head delivery now. Without mu_.
  void RetryNow(const std::string& subscription_id);

  NotificationStore* const store_;
  const common::Clock* const clock_;
  const UrlChecker* const url_checker_;
  const NotifierOptions options_;
  const common::Logger logger_;

  mutable absl::Mutex mu_;
  DeliverySink* sink_ ABSL_GUARDED_BY(mu_) = nullptr;
  LoadedState state_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, int64_t> pending_ ABSL_GUARDED_BY(mu_);  // per subscription
  int64_t created_ ABSL_GUARDED_BY(mu_) = 0;
  // Set of keys and counters already taken by the change being computed.
  std::set<std::string> reserved_keys_ ABSL_GUARDED_BY(mu_);
  absl::Status lookup_error_ ABSL_GUARDED_BY(mu_);
  // The follower's hold on kEmitKey from BeginUpstream to FinishUpstream (one follower at a time
  // holds it).
  Lease upstream_lease_ ABSL_GUARDED_BY(mu_);
  common::KeyedSerializer serializer_;
};

}  // namespace ecoplan::notification
