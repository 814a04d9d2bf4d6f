#pragma once

// What every resolved deadline must satisfy, whatever the input: checked by
// the fuzzer on random text and by the corpus replay test.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "common/calendar/checkpoints.h"
#include "common/calendar/deadline.h"

namespace ecoplan::common {

inline absl::Status CheckResolvedDeadline(const ResolvedDeadline& d) {
  if (d.kind == DeadlineKind::kDueDate && !d.due) return absl::InternalError("due date missing");
  if (d.kind == DeadlineKind::kWindow && (!d.due || !d.window_start || *d.window_start > *d.due)) {
    return absl::InternalError("window without both ends, or ending before it starts");
  }
  if ((d.kind == DeadlineKind::kOngoing || d.kind == DeadlineKind::kUnresolved) &&
      (d.due || d.window_start)) {
    return absl::InternalError("ongoing or unresolved deadline with dates");
  }
  return absl::OkStatus();
}

// Checkpoints of `text` as a measure text due at the year's end, issued March 31:
// each has the dates its kind needs, in order and inside the year, recurring
// dues after the issue date, rounds positive, and text order kept.
inline absl::Status CheckCheckpoints(absl::string_view text, int year) {
  const CheckpointContext context{year, absl::CivilDay(year, 12, 31), absl::CivilDay(year, 3, 31)};
  const CheckpointExtraction found = ExtractCheckpoints(text, context);
  int last_offset = -1;
  for (const Checkpoint& c : found.checkpoints) {
    if (c.text_offset < last_offset) return absl::InternalError("checkpoints out of text order");
    last_offset = c.text_offset;
    if (c.phrase.empty()) return absl::InternalError("checkpoint without its phrase");
    switch (c.kind) {
      case CheckpointKind::kDue:
        if (!c.due) return absl::InternalError("due checkpoint without a day");
        break;
      case CheckpointKind::kWindow:
        if (!c.due || !c.window_start || *c.window_start > *c.due) {
          return absl::InternalError("window checkpoint without both ends in order");
        }
        break;
      case CheckpointKind::kRecurring:
        if (c.recurrence == Recurrence::kNone)
          return absl::InternalError("recurring without period");
        for (size_t i = 0; i < c.dues.size(); ++i) {
          if (c.dues[i] <= context.obligations_from || c.dues[i] > *context.measure_due ||
              (i > 0 && c.dues[i] <= c.dues[i - 1])) {
            return absl::InternalError("recurring dues out of order or outside the measure");
          }
        }
        break;
      case CheckpointKind::kRounds:
        if (c.rounds <= 0 || !c.due) return absl::InternalError("rounds without a count or day");
        break;
    }
  }
  return absl::OkStatus();
}

// Resolves `text` both ways (a whole cell, and phrases inside running text)
// and checks every result, including that each phrase found lies in the text.
inline absl::Status CheckDeadlineText(absl::string_view text, int year) {
  if (absl::Status s = CheckResolvedDeadline(ResolveDeadline(text, year)); !s.ok()) return s;
  for (const TextDate& found : FindDatesInText(text, year)) {
    if (found.offset + found.phrase.size() > text.size() ||
        text.substr(found.offset, found.phrase.size()) != found.phrase) {
      return absl::InternalError("a phrase found is not in the text at its offset");
    }
    if (absl::Status s = CheckResolvedDeadline(found.value); !s.ok()) return s;
  }
  return CheckCheckpoints(text, year);
}

}  // namespace ecoplan::common
