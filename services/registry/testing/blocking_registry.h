#pragma once

#include <utility>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "services/registry/domain/task_registry.h"

namespace ecoplan::registry {

// A TaskRegistry whose writes wait for their answer (once durable) and
// return it, for tests and benchmarks that call the use cases one after the
// other. Never for a server: its threads must not wait on disk.
class BlockingRegistry : public TaskRegistry {
 public:
  using TaskRegistry::TaskRegistry;

  absl::StatusOr<ImportResult> ImportPlan(absl::string_view document_text, bool validate_only,
                                          absl::string_view time_zone,
                                          const ChangeContext& context) {
    return Wait<ImportResult>([&](Done<ImportResult> done) {
      TaskRegistry::ImportPlan(document_text, validate_only, time_zone, context, std::move(done));
    });
  }
  // The measure as written (the async use case answers its task too).
  absl::StatusOr<Measure> UpdateMeasure(const MeasureUpdate& update, const ChangeContext& context) {
    absl::StatusOr<std::pair<Measure, Task>> written =
        Wait<std::pair<Measure, Task>>([&](Done<std::pair<Measure, Task>> done) {
          TaskRegistry::UpdateMeasure(update, context, std::move(done));
        });
    if (!written.ok()) return written.status();
    return std::move(written->first);
  }
  absl::StatusOr<Task> CreateSupervisionTask(const SupervisionTaskDraft& draft,
                                             const ChangeContext& context) {
    return Wait<Task>([&](Done<Task> done) {
      TaskRegistry::CreateSupervisionTask(draft, context, std::move(done));
    });
  }

 private:
  template <typename T, typename Start>
  static absl::StatusOr<T> Wait(Start start) {
    absl::Notification answered;
    absl::StatusOr<T> out = absl::UnknownError("not answered");
    start([&](absl::StatusOr<T> result) {
      out = std::move(result);
      answered.Notify();
    });
    answered.WaitForNotification();
    return out;
  }
};

}  // namespace ecoplan::registry
