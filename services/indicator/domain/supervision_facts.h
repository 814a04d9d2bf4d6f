#pragma once

// Supervision orders (督办单) and problem ledger items (问题清单) as the
// measure lights and the scorecards see them: the latest snapshot the
// progress service sent of each (ProgressLedger keeps them, latest event
// sequence wins), and how each stood as of an evaluation day. Pure (absl
// only); the snapshots are mapped from the progress events at the edge
// (services/indicator/progress_mapping.cc).
//
// "As of day D" means at the end of D in Asia/Shanghai (the cut: the start of
// D + 1), the same moment for every rule below:
//   * an order counts (is open) on D when issued before the cut and not closed
//     before it;
//   * the deadline in force on D is the last one set before the cut (the one
//     given at issue, then each level change's); its level likewise;
//   * an addressee is overdue on D when the order is open, the deadline in
//     force passed before the cut (a reply day D' passes at the start of
//     D' + 1, so an order is never overdue on its reply day itself) and at the
//     cut the addressee had neither a reply awaiting verification nor an
//     accepted one. Its state at an instant is rebuilt from its replies'
//     reply_time, verdict and verify_time: the latest reply received before
//     the instant decides, and it stands unless it was returned before the
//     instant. A verdict without a verify_time counts from the reply's own
//     time (an approximation; the progress service always sets it).
//   * a problem item exists on D when its first step is before the cut; its
//     state is that of its last step before the cut; it is unresolved unless
//     VERIFIED or CLOSED, overdue when OPEN or RECTIFYING after its
//     rectification day (D > due; a claim awaiting verification stops the
//     clock, a reopening starts it again), reopened when a reopening step lies
//     before the cut.
//
// Replies owed (the scorecards' ScoreSupervision and the component
// "supervision_replies_on_time"): one per order, addressee and deadline,
// counted once the deadline passed before the cut while it was in force (a
// deadline replaced by a level change before it passed is owed no longer;
// consecutive deadlines on the same day are one) and the order was not
// closed before it. A deadline set by a level change is owed only by an
// addressee that at the change had neither a reply awaiting verification nor
// an accepted one. Outcome: the addressee's first reply received after the
// deadline was set: before the deadline → on time; after it but before the
// cut → late; none → overdue.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace ecoplan::indicator {

// The issuer's verdict on a supervision reply.
enum class SupervisionVerdict : uint8_t {
  kNone = 0,        // awaiting verification
  kAccepted = 1,    // accepted
  kReturned = 2,    // returned (退回): a new reply is expected
  kSuperseded = 3,  // replaced by a later reply before verification
};

// One reply of an addressee.
struct SupervisionReplyFact {
  absl::Time reply_time;
  SupervisionVerdict verdict = SupervisionVerdict::kNone;
  std::optional<absl::Time> verify_time = std::nullopt;

  bool operator==(const SupervisionReplyFact& o) const {
    return reply_time == o.reply_time && verdict == o.verdict && verify_time == o.verify_time;
  }
};

// An organization addressed by an order, with its replies, oldest first.
struct SupervisionAddresseeFact {
  std::string organization_id;  // registry id, e.g. o-1a2b3c4d5e
  // Canonical name: the event's display name, else the plan view's name for
  // the id (IndicatorEvaluator names it when evaluating), else the id.
  std::string organization;
  std::vector<SupervisionReplyFact> replies;

  bool operator==(const SupervisionAddresseeFact& o) const {
    return organization_id == o.organization_id && organization == o.organization &&
           replies == o.replies;
  }
};

// A reply deadline of an order: the one given at issue, or one a level change set.
struct SupervisionDeadline {
  absl::Time since;    // when it was set (issue or level change)
  std::string level;   // "blue", "yellow" or "red": the order's level from then
  absl::CivilDay day;  // the reply day
  absl::Time time;     // replies are late from this instant

  bool operator==(const SupervisionDeadline& o) const {
    return since == o.since && level == o.level && day == o.day && time == o.time;
  }
};

// The latest snapshot of a supervision order.
struct SupervisionOrderFact {
  std::string name;  // plans/{plan}/supervisionOrders/{order}
  std::string id;    // {order}, e.g. 2026-003
  std::string title;
  std::vector<std::string> measure_ids;  // the measures concerned
  std::vector<SupervisionAddresseeFact> addressees;
  absl::Time issue_time;
  std::optional<absl::Time> close_time = std::nullopt;
  std::vector<SupervisionDeadline> deadlines;  // oldest first; the first set at issue
  uint64_t sequence = 0;                       // the progress event it comes from

  bool operator==(const SupervisionOrderFact& o) const {
    return name == o.name && id == o.id && title == o.title && measure_ids == o.measure_ids &&
           addressees == o.addressees && issue_time == o.issue_time && close_time == o.close_time &&
           deadlines == o.deadlines && sequence == o.sequence;
  }
};

// Where a problem item stands.
enum class ProblemState : uint8_t {
  kOpen = 1,        // 待整改
  kRectifying = 2,  // 整改中
  kClaimed = 3,     // 已申报整改完成, awaiting verification
  kVerified = 4,    // 已核查
  kClosed = 5,      // 已销号
};

// One step of a problem item (the first is its creation).
struct ProblemStepFact {
  ProblemState state = ProblemState::kOpen;  // after the step
  absl::Time time;
  bool reopen = false;  // a reopening

  bool operator==(const ProblemStepFact& o) const {
    return state == o.state && time == o.time && reopen == o.reopen;
  }
};

// The latest snapshot of a problem ledger item.
struct ProblemItemFact {
  std::string name;  // plans/{plan}/problems/{problem}
  std::string id;    // {problem}
  std::string measure_id;
  std::string code;  // the ledger's own number, e.g. PWK-0012
  std::string title;
  std::string organization_id;         // the owner's registry id
  std::string organization;            // its canonical name, named like an addressee's
  absl::CivilDay due;                  // rectification day
  std::vector<ProblemStepFact> steps;  // oldest first
  uint64_t sequence = 0;               // the progress event it comes from

  bool operator==(const ProblemItemFact& o) const {
    return name == o.name && id == o.id && measure_id == o.measure_id && code == o.code &&
           title == o.title && organization_id == o.organization_id &&
           organization == o.organization && due == o.due && steps == o.steps &&
           sequence == o.sequence;
  }
};

// The end of `day` in Asia/Shanghai (the start of the next day): the cut.
absl::Time EndOfDay(absl::CivilDay day);

// "蓝色督办", "黄色督办", "红色督办" for "blue", "yellow", "red"; else the level.
std::string SupervisionLevelWord(const std::string& level);

// How an order stood as of a day (see above).
struct OrderStanding {
  bool open = false;                                     // issued and not closed by the cut
  const SupervisionDeadline* deadline = nullptr;         // in force at the cut; null when none
  std::vector<const SupervisionAddresseeFact*> overdue;  // in the order's addressee order
};
OrderStanding OrderAsOf(const SupervisionOrderFact& order, absl::CivilDay as_of);

// One reply owed by an addressee for one deadline (see above).
struct OwedReply {
  const SupervisionDeadline* deadline = nullptr;
  enum class Outcome : uint8_t { kOnTime, kLate, kOverdue } outcome = Outcome::kOverdue;
  std::optional<absl::Time> replied = std::nullopt;  // the first reply after it was set
};
std::vector<OwedReply> RepliesOwed(const SupervisionOrderFact& order,
                                   const SupervisionAddresseeFact& addressee, absl::CivilDay as_of);

// How a problem item stood as of a day (see above).
struct ProblemStanding {
  bool exists = false;
  ProblemState state = ProblemState::kOpen;
  bool unresolved = false;
  bool overdue = false;
  bool claimed = false;
  bool reopened = false;
};
ProblemStanding ProblemAsOf(const ProblemItemFact& item, absl::CivilDay as_of);

// "PWK-0012 (due 2026-05-31, 区水务局)".
std::string ProblemItemText(const ProblemItemFact& item);
// "PWK-0012（2026年5月31日到期，区水务局）".
std::string ProblemItemTextZh(const ProblemItemFact& item);

}  // namespace ecoplan::indicator
