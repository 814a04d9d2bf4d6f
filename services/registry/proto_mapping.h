#pragma once

// Mapping between the registry's domain structs and its v1 messages. The
// storage adapter stores v1 messages inside its own records, so this is the
// only place the two meet.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/mapping/proto_values.h"
#include "ecoplan/registry/v1/registry_service.pb.h"
#include "services/registry/domain/model.h"

namespace ecoplan::registry {

// Resource names.
std::string PlanName(absl::string_view plan_id);
std::string TaskName(absl::string_view plan_id, absl::string_view task_id);
std::string MeasureName(absl::string_view plan_id, absl::string_view measure_id);
std::string OrganizationName(absl::string_view org_id);

// Parses "plans/{plan}" into the plan id. Errors: InvalidArgument naming `field`.
absl::StatusOr<std::string> ParsePlanName(absl::string_view name, absl::string_view field);
// Parses "plans/{plan}/tasks/{task}" / ".../measures/{measure}" into (plan id, child id).
absl::StatusOr<std::pair<std::string, std::string>> ParseTaskName(absl::string_view name,
                                                                  absl::string_view field);
absl::StatusOr<std::pair<std::string, std::string>> ParseMeasureName(absl::string_view name,
                                                                     absl::string_view field);
// Parses "organizations/{organization}" into the organization id.
absl::StatusOr<std::string> ParseOrganizationName(absl::string_view name, absl::string_view field);

// Stored and exported days (common/mapping/proto_values.h; dates a client
// sends are checked with common::DateFromProto).
inline ecoplan::common::v1::Date ToProto(const absl::CivilDay& day) {
  return common::DateToProto(day);
}
inline absl::CivilDay FromProto(const ecoplan::common::v1::Date& date) {
  return common::StoredDateFromProto(date);
}

ecoplan::common::v1::Deadline ToProto(const Deadline& deadline);
Deadline FromProto(const ecoplan::common::v1::Deadline& deadline);

v1::OrgRef ToProto(const OrgRef& ref);
OrgRef FromProto(const v1::OrgRef& ref);

v1::Organization ToProto(const Organization& org);
Organization FromProto(const v1::Organization& org);

// `plan_id` is needed for resource names; the task context of a measure
// (title, annex, section) is filled from `task` when given.
v1::Measure ToProto(absl::string_view plan_id, const Measure& measure, const Task* task = nullptr);
Measure FromProto(const v1::Measure& measure);

v1::Task ToProto(absl::string_view plan_id, const Task& task);
Task FromProto(const v1::Task& task);

v1::PlanSummary ToProto(const PlanSummary& summary);
PlanSummary FromProto(const v1::PlanSummary& summary);

// `with_annexes` false leaves out annexes and warnings (list views).
v1::Plan ToProto(const Plan& plan, bool with_annexes = true);
Plan FromProto(const v1::Plan& plan);

v1::MeasureRevision ToProto(absl::string_view plan_id, const MeasureRevision& revision);
MeasureRevision FromProto(const v1::MeasureRevision& revision);

}  // namespace ecoplan::registry
