#pragma once

// What the load generator asks the real servers, built from the registry's
// plan: SubmitReport slots, report names, a ListMeasures page.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"

namespace ecoplan::loadgen {

// One (organization, period) report a worker revises again and again.
struct Slot {
  progress::v1::SubmitReportRequest request;
  std::string etag;
};

// `plan`, or the registry's newest plan when empty.
absl::StatusOr<std::string> ResolvePlan(registry::v1::RegistryService::Stub* registry,
                                        const std::string& plan);

// Builds the slots from the registry's plan: every organization that owns
// measures, every month of the plan year that has begun, `entries` entries
// (texts, a value and a link: about 1.9 KB with 5).
absl::StatusOr<std::vector<Slot>> BuildSlots(const std::string& registry_address,
                                             const std::string& plan, int entries);

// plans/{plan}/reports/{organization id}_{period}: the report a slot revises.
std::string ReportName(const Slot& slot);

// Reads each slot's current etag (so that reports left by an earlier run are
// revised, not refused) and, with `submit_missing`, submits the slots that
// have no report yet, so that read RPCs find them. Sequential, before any
// measured call.
absl::Status PrepareSlots(progress::v1::ProgressService::Stub* progress, std::vector<Slot>* slots,
                          bool submit_missing);

// The first page (`page_size`) of `plan`'s measures; with a non-empty
// `organization` only the measures it leads or is responsible for.
registry::v1::ListMeasuresRequest MeasuresPageRequest(const std::string& plan, int page_size,
                                                      const std::string& organization);

}  // namespace ecoplan::loadgen
