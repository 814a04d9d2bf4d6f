#pragma once

// What the progress service's supervision (督办), problem ledger (问题清单)
// and bureau-to-act events say, and the registry's SupervisionTaskCreated, as
// the Notifier needs it: plain structs filled by the follower glue
// (upstream_progress_mapping.cc, upstream_followers.cc).

#include <optional>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "services/notification/domain/model.h"

namespace ecoplan::notification {

// One SupervisionOrder* event: the whole order after the change.
struct SupervisionOrderInput {
  enum class Change {
    kIssued,
    kReplied,
    kReplyReturned,
    kReplyAccepted,
    kLevelRaised,
    kClosed,
    kAcknowledged,
  };
  Change change = Change::kIssued;
  SupervisionOrderView order;
  bool open = true;                      // SupervisionOrder.state is OPEN
  std::string description;               // what is required
  std::vector<std::string> measure_ids;  // the measures concerned
  // Replied, returned, accepted: the organization (id) and the reply.
  std::string organization_id;
  std::string reply_content;
  bool reply_late = false;
  // Returned: the issuer's reason; raised: the change's reason; closed: the comment.
  std::string comment;
  SupervisionLevel from_level = SupervisionLevel::kUnspecified;  // raised
};

// Numeric values equal progress.v1.ProblemTransition.
enum class ProblemTransition {
  kUnspecified = 0,
  kStartRectification = 1,
  kClaimRectified = 2,
  kVerify = 3,
  kClose = 4,
  kReopen = 5,
};

// ProblemItemOpened (transition kUnspecified) or ProblemItemTransitioned.
struct ProblemItemInput {
  ProblemItemView item;
  // What the opening's text names besides the mirror (not kept in it).
  std::string description;
  std::string location;
  std::string source;  // where it was found (督察反馈, 12345 工单 …)
  ProblemState from_state = ProblemState::kUnspecified;
  ProblemTransition transition = ProblemTransition::kUnspecified;
  std::string comment;  // the step's comment (a reopening's reason, a closing's note)
  int evidence_count = 0;
  // When the step was taken (a closing's day); InfinitePast: unknown.
  absl::Time step_time = absl::InfinitePast();
};

// A request the bureau decides: an extension (延期申请, ExtensionRequested) or
// a completion declaration (办结申请, CompletionDeclared).
struct BureauRequestInput {
  std::string name;  // plans/{plan}/measures/{measure}/extensions/{n} or …/completions/{n}
  std::string measure_id;
  std::string organization_id;                  // the asking (lead) organization
  int number = 0;                               // request_number / declaration_number
  std::optional<absl::CivilDay> current_due;    // extension: the deadline in force
  std::optional<absl::CivilDay> requested_due;  // extension: the day asked for
  std::string text;                             // the reason, or what was achieved
};

}  // namespace ecoplan::notification
