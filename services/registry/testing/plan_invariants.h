#pragma once

// What every successful parse must satisfy, whatever the input: checked by the
// fuzzer on random documents and by the corpus replay test.

#include <algorithm>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "services/registry/domain/plan_parser.h"

namespace ecoplan::registry {

inline absl::Status CheckParsedPlanInvariants(const ParsedPlan& parsed, absl::string_view text) {
  // Lines as the parser numbers them: LF, CRLF and a lone CR each end one.
  int lines = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      ++lines;
    }
  }
  if (parsed.plan.id.empty() || parsed.plan.year <= 0) {
    return absl::InternalError("plan without id or year");
  }
  for (const Task& task : parsed.tasks) {
    if (task.id.empty() || task.measures.empty()) {
      return absl::InternalError(absl::StrCat("task \"", task.id, "\" without id or measures"));
    }
    for (const Measure& m : task.measures) {
      if (m.id.empty() || m.task_id != task.id) {
        return absl::InternalError(absl::StrCat("measure \"", m.id, "\" not tied to its task"));
      }
      if (m.source.first_line < 1 || m.source.last_line > lines ||
          m.source.first_line > m.source.last_line) {
        return absl::InternalError(absl::StrCat("measure ", m.id, " has source lines ",
                                                m.source.first_line, "-", m.source.last_line,
                                                " outside 1-", lines));
      }
      const Deadline& d = m.deadline;
      if ((d.kind == DeadlineKind::kDueDate && !d.due) ||
          (d.kind == DeadlineKind::kWindow &&
           (!d.due || !d.window_start || *d.window_start > *d.due))) {
        return absl::InternalError(absl::StrCat("measure ", m.id, " has an incoherent deadline"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace ecoplan::registry
