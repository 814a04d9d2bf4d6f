#pragma once

// Checkpoints inside measure texts: the intermediate obligations a measure's
// text states besides its deadline column (完成时限), resolved against the plan
// year. Pure; one definition for the registry (which extracts them at import
// and lets the bureau correct them) and for every service that follows them.
//
// What is a checkpoint (phrases as written in the text):
//   a date phrase (common::FindDatesInText): 5月底前, 11月底前, 6月15日前 → kDue;
//       3-5月, 6-9月 → kWindow. A phrase equal to the measure's own deadline
//       (the same due day) or covering the whole year (全年) adds nothing and is
//       not a checkpoint.
//   按季度, 每季度, 逐季度, 分季度                → kRecurring, quarterly
//   每月, 按月, 逐月, 每个月                       → kRecurring, monthly
//   每半年, 按半年                                 → kRecurring, half-yearly
//       A recurring checkpoint is due at the end of each period that ends after
//       `obligations_from` (the plan's issue date) and on or before the
//       measure's due day (the year's last day for ongoing measures).
//   N轮, N轮次 (N in Arabic or Chinese numerals: 一轮, 两轮次, 3轮)
//       → kRounds: N rounds by the measure's due day (the year's end for
//       ongoing measures). 新一轮 ("a new round of …") is a name, not a count.
//   汛期前, 汛前                                   → kDue May 31: Beijing's flood
//       season (汛期) runs from June 1 to September 15 (北京市防汛规定).
//   汛期, 主汛期 (not followed by 前)              → kWindow June 1 .. September 15.
// Obligation-looking phrases with no period are reported in `unparsed`, never
// guessed: 定期, 不定期, 适时, 雨前, 节假日前, 重大活动前 (the bureau names their
// checkpoints by correcting the measure).

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace ecoplan::common {

enum class CheckpointKind {
  kDue = 1,        // due by `due`
  kWindow = 2,     // carried out from `window_start` to `due`
  kRecurring = 3,  // due at the end of each period: `dues`
  kRounds = 4,     // `rounds` rounds by `due`
};

enum class Recurrence { kNone = 0, kMonthly = 1, kQuarterly = 2, kHalfYearly = 3 };

struct Checkpoint {
  CheckpointKind kind = CheckpointKind::kDue;
  std::string phrase;    // as written, e.g. "5月底前", "按季度", "两轮次"
  int text_offset = -1;  // offset in characters (code points) in the text; -1 if not from it
  std::optional<absl::CivilDay> window_start;  // kWindow
  std::optional<absl::CivilDay> due;           // kDue, kWindow (last day), kRounds
  Recurrence recurrence = Recurrence::kNone;   // kRecurring
  std::vector<absl::CivilDay> dues;            // kRecurring: each period's end, in order
  int rounds = 0;                              // kRounds

  bool operator==(const Checkpoint& o) const {
    return kind == o.kind && phrase == o.phrase && text_offset == o.text_offset &&
           window_start == o.window_start && due == o.due && recurrence == o.recurrence &&
           dues == o.dues && rounds == o.rounds;
  }
};

// An obligation-looking phrase that names no period, with where it stands.
struct UnparsedCheckpoint {
  std::string phrase;
  int text_offset = 0;  // characters
};

struct CheckpointExtraction {
  std::vector<Checkpoint> checkpoints;  // in text order
  std::vector<UnparsedCheckpoint> unparsed;
};

// The measure a text belongs to, as the rules above need it.
struct CheckpointContext {
  int year = 0;                               // the plan year
  std::optional<absl::CivilDay> measure_due;  // the measure's due day; none when ongoing
  absl::CivilDay obligations_from;            // the plan's issue date
};

// Finds the checkpoints of a measure text (see the grammar above).
CheckpointExtraction ExtractCheckpoints(absl::string_view text, const CheckpointContext& context);

// Resolves one phrase a person typed (a correction by the bureau) with the same
// grammar: exactly one checkpoint, text_offset -1. Errors: InvalidArgument naming
// `field` when the phrase is not one checkpoint (empty, unknown, several).
absl::StatusOr<Checkpoint> ResolveCheckpointPhrase(absl::string_view phrase,
                                                   const CheckpointContext& context,
                                                   absl::string_view field);

// "按季度: 2026-06-30, 2026-09-30, 2026-12-31", "5月底前: due 2026-05-31", ...
std::string DescribeCheckpoint(const Checkpoint& checkpoint);

}  // namespace ecoplan::common
