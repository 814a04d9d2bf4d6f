#pragma once

// Supervision orders (督办单) as plain structs, free of protobuf and gRPC,
// with the rules that need no store: the reply deadline of a level, where an
// addressed organization stands, and whether it is overdue. Mapped to the v1
// contract in supervision_mapping.cc.
//
// The lifecycle follows the command center's case lifecycle (立案 → 派遣 →
// 处置 → 核查 → 结案): issuing an order files and dispatches it, a reply is
// the disposal, the issuer's verification is the check, closing (销号) ends
// the case. The command center's case number travels with the order
// (external_case_number).

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/calendar/reporting_calendar.h"

namespace ecoplan::progress {

// 蓝 / 黄 / 红 督办, in increasing urgency (the values are those of v1).
enum class SupervisionLevel { kUnspecified = 0, kBlue = 1, kYellow = 2, kRed = 3 };

// Where an order comes from (the values are those of v1).
enum class SupervisionSourceKind {
  kUnspecified = 0,
  kHotlineTicket = 1,      // 12345 / 接诉即办: the reference is the ticket number
  kReviewMeeting = 2,      // 点评会, 调度会
  kInspectionFinding = 3,  // 督察反馈问题
  kLaggingIndicator = 4,   // 指标滞后
  kAdHoc = 5,              // 临时督办
};

enum class SupervisionOrderState { kUnspecified = 0, kOpen = 1, kClosed = 2 };

// Where one addressed organization stands (derived from its replies).
enum class SupervisionReplyState {
  kUnspecified = 0,
  kAwaitingReply = 1,
  kReplied = 2,   // the latest reply awaits verification
  kReturned = 3,  // the latest reply was returned
  kAccepted = 4,  // the latest reply was accepted
};

enum class SupervisionVerdict { kPending = 0, kAccepted = 1, kReturned = 2, kSuperseded = 3 };

// Limits on caller-supplied data (characters, items).
inline constexpr size_t kMaxOrderTitleLength = 200;
inline constexpr size_t kMaxOrderTextLength = 4000;  // description, reply content
inline constexpr size_t kMaxSourceReferenceLength = 200;
inline constexpr size_t kMaxCaseNumberLength = 64;
inline constexpr size_t kMaxOrderMeasures = 20;
inline constexpr size_t kMaxOrderOrganizations = 30;
inline constexpr size_t kMaxRepliesPerOrganization = 50;

struct SupervisionSource {
  SupervisionSourceKind kind = SupervisionSourceKind::kUnspecified;
  std::string reference;  // e.g. the 12345 ticket number
};

struct SupervisionReply {
  int number = 0;  // 1-based within the order, over all organizations
  std::string content;
  std::vector<std::string> evidence_links;
  absl::Time time = absl::InfinitePast();
  bool late = false;  // at or after the deadline in force when received
  std::string replied_by;
  SupervisionVerdict verdict = SupervisionVerdict::kPending;
  std::string verdict_comment;
  std::optional<absl::Time> verify_time;
  std::string verified_by;
};

// One organization an order addresses, with its replies, oldest first.
struct SupervisionAddressee {
  std::string org_id;
  std::vector<SupervisionReply> replies;

  SupervisionReplyState state() const;
  int late_replies() const;
  // The latest reply, or nullptr.
  const SupervisionReply* latest() const { return replies.empty() ? nullptr : &replies.back(); }
  SupervisionReply* latest() { return replies.empty() ? nullptr : &replies.back(); }
};

struct SupervisionLevelChange {
  SupervisionLevel from = SupervisionLevel::kUnspecified;
  SupervisionLevel to = SupervisionLevel::kUnspecified;
  std::string reason;
  absl::Time time = absl::InfinitePast();
  std::string changed_by;
  absl::CivilDay due_day;
};

// An acknowledgement (签收) of an order, e.g. by the command center.
struct SupervisionAcknowledgement {
  std::string acknowledged_by;
  absl::Time time = absl::InfinitePast();
  std::string comment;
};

struct SupervisionOrder {
  std::string plan_id;
  std::string id;  // "2026-001"
  std::string title;
  std::string description;
  SupervisionSource source;
  SupervisionLevel level = SupervisionLevel::kUnspecified;
  std::vector<std::string> measure_ids;
  std::vector<SupervisionAddressee> addressees;  // in the order given
  absl::CivilDay due_day;                        // in the plan's time zone
  absl::Time due_time = absl::InfinitePast();    // replies from here on are late
  bool due_explicit = false;
  std::string external_case_number;
  SupervisionOrderState state = SupervisionOrderState::kUnspecified;
  absl::Time issue_time = absl::InfinitePast();
  std::string issued_by;
  std::string issuing_org_id;  // the issuer's organization when its credentials name one
  // The organization that asked for the order (e.g. the command center
  // passing on a 12345 ticket); empty when none. It may read the order.
  std::string requesting_org_id;
  std::vector<SupervisionLevelChange> level_changes;
  std::vector<SupervisionAcknowledgement> acknowledgements;  // oldest first
  std::optional<absl::Time> close_time;
  std::string closed_by;
  std::string close_comment;
  int version = 0;  // +1 with every change; etag "s<version>"

  const SupervisionAddressee* Find(absl::string_view org_id) const;
  SupervisionAddressee* Find(absl::string_view org_id);
};

inline std::string SupervisionEtag(const SupervisionOrder& order) {
  return "s" + std::to_string(order.version);
}

// The reply deadline of a level in working days: BLUE 10, YELLOW 5, RED 2
// (documented on SupervisionLevel in progress_service.proto).
int ReplyWorkingDays(SupervisionLevel level);

// "BLUE", "YELLOW", "RED" as messages spell a level; "蓝色" … for people.
absl::string_view LevelName(SupervisionLevel level);

// Whether `org` is overdue at `now`: the order is open, `now` is at or past
// its deadline, and the organization has neither a reply awaiting
// verification nor an accepted one.
bool IsOverdue(const SupervisionOrder& order, const SupervisionAddressee& org, absl::Time now);
// Whether any addressee of `order` is overdue at `now`.
bool IsOverdue(const SupervisionOrder& order, absl::Time now);

// The deadline `working_days` working days after the day of `now` in `zone`:
// the day, and the start of the next day (from which a reply is late).
struct ReplyDeadline {
  absl::CivilDay day;
  absl::Time time;
};
ReplyDeadline DeadlineAfter(absl::Time now, int working_days, const common::WorkingDays& days,
                            absl::TimeZone zone);
// The deadline ending with `day` in `zone`.
ReplyDeadline DeadlineOnDay(absl::CivilDay day, absl::TimeZone zone);

}  // namespace ecoplan::progress
