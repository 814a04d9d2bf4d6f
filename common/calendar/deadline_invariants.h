#pragma once

// What every resolved deadline must satisfy, whatever the input: checked by
// the fuzzer on random text and by the corpus replay test.

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
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
  return absl::OkStatus();
}

}  // namespace ecoplan::common
