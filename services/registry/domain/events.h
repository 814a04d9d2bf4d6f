#pragma once

// Domain events of the registry. The storage adapter turns each into a
// common.v1.Event (payload ecoplan.registry.v1.<Name>) committed in the same
// write as the change.

#include <string>

#include "services/registry/domain/model.h"

namespace ecoplan::registry {

struct PlanImported {
  std::string plan_id;
  std::string title;
  std::string document_number;
  PlanSummary summary;
};

struct MeasureUpdated {
  std::string plan_id;
  MeasureRevision revision;
};

struct SupervisionTaskCreated {
  std::string plan_id;
  Task task;
};

// Who asked for a change, carried into events and the audit trail.
struct ChangeContext {
  std::string request_id;
  std::string actor;
};

}  // namespace ecoplan::registry
