#pragma once

// Problem ledgers (问题清单 / 动态清零台账) as plain structs, free of
// protobuf and gRPC, with the rules that need no store: field checks, the
// transition table (who may take which step from which state), overdue as of
// a time, and the next item id. Mapped to the v1 contract in
// problem_mapping.cc.
//
// An item belongs to one measure's ledger and one owner organization (which
// leads or is responsible for the measure). It moves OPEN → RECTIFYING →
// RECTIFICATION_CLAIMED → VERIFIED → CLOSED; the bureau or the 督查室
// reopens a claimed, verified or closed item back to RECTIFYING. A claim is
// the owner's word; only verification by the bureau or the 督查室 makes it
// a fact (see DESIGN.md, "Facts, not claims").

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/progress/domain/model.h"
#include "services/progress/domain/plan_view.h"

namespace ecoplan::progress {

// The values are those of v1.ProblemCategory.
enum class ProblemCategory {
  kUnspecified = 0,
  kDrainageOutlet = 1,     // 排污口
  kBlackOdorousWater = 2,  // 黑臭水体
  kInspectionFinding = 3,  // 督察反馈问题 / 检查发现
  kHazard = 4,             // 隐患
  kOther = 5,              // 其他
};

// The values are those of v1.ProblemState.
enum class ProblemState {
  kUnspecified = 0,
  kOpen = 1,                  // 待整改
  kRectifying = 2,            // 整改中
  kRectificationClaimed = 3,  // 已申报整改完成
  kVerified = 4,              // 已核查
  kClosed = 5,                // 已销号
};

// The values are those of v1.ProblemTransition.
enum class ProblemTransition {
  kUnspecified = 0,  // the creation, in a step
  kStartRectification = 1,
  kClaimRectified = 2,
  kVerify = 3,
  kClose = 4,
  kReopen = 5,
};

// Limits on caller-supplied data (characters; see ProblemItem in v1).
inline constexpr size_t kMaxProblemCodeLength = 64;
inline constexpr size_t kMaxProblemTitleLength = 200;
inline constexpr size_t kMaxProblemDescriptionLength = 4000;
inline constexpr size_t kMaxProblemLocationLength = 200;
inline constexpr size_t kMaxProblemSourceLength = 200;
inline constexpr size_t kMaxProblemSteps = 200;  // reopening is bounded by it

// One step of an item's history.
struct ProblemStep {
  ProblemTransition transition = ProblemTransition::kUnspecified;
  ProblemState state = ProblemState::kUnspecified;  // after it
  absl::Time time = absl::InfinitePast();
  std::string actor;
  std::string comment;
  std::vector<std::string> evidence_links;
};

// What a creator gives (CreateProblemItem, a row of ImportProblemItems).
struct ProblemDraft {
  std::string measure_id;
  std::string code;
  std::string title;
  std::string description;
  ProblemCategory category = ProblemCategory::kUnspecified;  // OTHER when unset
  std::string location;
  std::string source;
  std::string org_id;
  absl::CivilDay due_day;  // rectified by the end of this day (plan time zone)
};

struct ProblemItem {
  std::string plan_id;
  std::string id;  // "00042"
  std::string measure_id;
  std::string code;
  std::string title;
  std::string description;
  ProblemCategory category = ProblemCategory::kOther;
  std::string location;
  std::string source;
  std::string org_id;
  absl::CivilDay due_day;
  ProblemState state = ProblemState::kUnspecified;
  int reopen_count = 0;
  std::vector<ProblemStep> steps;  // oldest first; the first is the creation
  absl::Time create_time = absl::InfinitePast();
  absl::Time update_time = absl::InfinitePast();
  int version = 0;  // +1 with every change; etag "p<version>"
};

inline std::string ProblemEtag(const ProblemItem& item) {
  return "p" + std::to_string(item.version);
}

// "OPEN", "RECTIFYING", … and "START_RECTIFICATION", … as messages spell them.
absl::string_view ProblemStateName(ProblemState state);
absl::string_view ProblemTransitionName(ProblemTransition transition);

// Whether `item` is overdue at `now`: OPEN or RECTIFYING (a claim awaiting
// verification stops the clock, a reopening starts it again) and `now` is
// after its rectification day in `zone`.
bool IsOverdue(const ProblemItem& item, absl::Time now, absl::TimeZone zone);

// The field checks of a draft, naming the field (with `prefix`, e.g.
// "item."): code, title, organization and measure required, lengths within
// the limits. Errors: InvalidArgument.
absl::Status CheckDraftFields(const ProblemDraft& draft, absl::string_view prefix);
// The checks against the plan: the measure exists (NotFound), the
// organization is the plan's (NotFound) and leads or is responsible for the
// measure (PermissionDenied). A rectification day in the past is accepted:
// ledgers are often recorded after the fact; such an item is overdue at once.
absl::Status CheckDraftInPlan(const ProblemDraft& draft, const PlanInfo& plan,
                              absl::string_view prefix);

// The item `draft` opens (OPEN, one creation step, version 1); its id is
// given by the caller (NextProblemId).
ProblemItem NewProblemItem(const std::string& plan_id, const std::string& id,
                           const ProblemDraft& draft, absl::Time now, const std::string& actor);

// The id after the plan's largest among `existing_ids`: 00001, 00002, ….
std::string NextProblemId(const std::vector<std::string>& existing_ids, int offset = 0);

// A step as its caller asks for it.
struct ProblemStepRequest {
  ProblemTransition transition = ProblemTransition::kUnspecified;
  std::string comment;
  std::vector<std::string> evidence_links;
};

// The checks of a step that need no item: a known transition, evidence to
// claim (1..20 http(s) URLs), a comment to reopen, lengths. Errors:
// InvalidArgument.
absl::Status CheckStepRequest(const ProblemStepRequest& step);

// Takes `step` on `item` for `caller`, as the transition table says:
//   START_RECTIFICATION  OPEN → RECTIFYING                        owner
//   CLAIM_RECTIFIED      OPEN, RECTIFYING → RECTIFICATION_CLAIMED owner
//   VERIFY               RECTIFICATION_CLAIMED → VERIFIED          bureau, 督查室
//   CLOSE                VERIFIED → CLOSED                         bureau, 督查室
//   REOPEN               RECTIFICATION_CLAIMED, VERIFIED, CLOSED → RECTIFYING
//                                                                  bureau, 督查室
// where the owner is a reporter of the item's organization, or the bureau or
// the 督查室 acting for it. Appends the step, counts a reopening.
// Errors: PermissionDenied (not the caller's step), FailedPrecondition (not
// from this state: names the state and the steps allowed from it).
absl::Status ApplyStep(ProblemItem& item, const ProblemStepRequest& step, const Caller& caller,
                       absl::Time now);

}  // namespace ecoplan::progress
