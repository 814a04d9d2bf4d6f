#pragma once

// Filtering and pagination of tasks and measures: pure functions over a plan's tasks.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "services/registry/domain/model.h"

namespace ecoplan::registry {

enum class OrgRole { kEither = 0, kLead = 1, kResponsible = 2 };

// A filter as the caller gives it. All set fields must match.
struct MeasureQueryInput {
  int annex_number = 0;      // 0: any
  std::string section_id;    // "s1" or "s1.2"; empty: any
  std::string organization;  // resource name, name or alias; empty: any
  OrgRole role = OrgRole::kEither;
  std::optional<absl::CivilDay> due_after;
  std::optional<absl::CivilDay> due_before;
  DeadlineKind deadline_kind = DeadlineKind::kUnspecified;  // kUnspecified: any
  std::optional<bool> featured;
  std::string text_contains;  // substring of the measure text or task title
  TaskOrigin origin = TaskOrigin::kUnspecified;
};

// The filter after the organization was resolved to an id.
struct MeasureQuery {
  MeasureQueryInput input;
  std::string organization_id;  // empty: any
  // input.text_contains normalized (common::NormalizeDocumentText): texts are
  // stored as the document writes them, so "监测-核查" also finds 监测－核查.
  std::string normalized_text_contains;
};

// Validates the parts of a filter that need no lookup. Errors: InvalidArgument naming the field.
absl::Status ValidateQuery(const MeasureQueryInput& query);

// True when the measure (of `task`) matches.
bool Matches(const MeasureQuery& query, const Task& task, const Measure& measure);

// A page request. page_size 0 means the default.
struct PageRequest {
  int page_size = 0;
  std::string page_token;
};

struct TaskPage {
  std::vector<Task> tasks;  // each with only its matching measures
  std::string next_page_token;
  int total_size = 0;
};

struct MeasurePage {
  // The matching measures with their task; both point into the input tasks
  // (kept alive by `keep_alive` when set), so a page copies no measure.
  std::vector<std::pair<const Measure*, const Task*>> measures;
  std::string next_page_token;
  int total_size = 0;
  // Owns what the pointers point into, if set. TaskRegistry::ListMeasures sets
  // it to the plan's immutable snapshot, one object per plan version (every
  // change of a plan publishes a new one), so it also names the version.
  std::shared_ptr<const void> keep_alive;
};

struct PlanPage {
  std::vector<Plan> plans;
  std::string next_page_token;
};

struct OrganizationPage {
  std::vector<Organization> organizations;
  std::string next_page_token;
};

// Page size limits per list.
struct PageLimits {
  int default_size;
  int max_size;
};
inline constexpr PageLimits kTaskPageLimits{50, 500};
inline constexpr PageLimits kMeasurePageLimits{100, 1000};
inline constexpr PageLimits kPlanPageLimits{50, 100};
inline constexpr PageLimits kOrganizationPageLimits{100, 500};

// Resolves the page size. Errors: InvalidArgument for a negative or too large size.
absl::StatusOr<int> EffectivePageSize(int requested, PageLimits limits);

// Page tokens name the position after which the next page starts, and the
// filter they belong to: positions in a plan never move (tasks are only
// appended), so pages stay stable while others write. Errors of Decode:
// InvalidArgument for a malformed token or one made for another filter.
std::string EncodePageToken(absl::string_view fingerprint, absl::string_view position);
absl::StatusOr<std::string> DecodePageToken(absl::string_view token, absl::string_view fingerprint);

// A stable fingerprint of a filter (and parent), for page tokens.
std::string QueryFingerprint(absl::string_view parent, const MeasureQuery& query);

// Lists tasks / measures of `tasks` (in plan order) that match, one page.
absl::StatusOr<TaskPage> ListMatchingTasks(const std::vector<Task>& tasks,
                                           const MeasureQuery& query, absl::string_view parent,
                                           const PageRequest& page);
absl::StatusOr<MeasurePage> ListMatchingMeasures(const std::vector<Task>& tasks,
                                                 const MeasureQuery& query,
                                                 absl::string_view parent, const PageRequest& page);

// Where each organization is named in a plan: for each organization id, in
// plan order, the measures that name it among their leads or responsibles
// (as itself or as a member of a group), and in which role. Measures of no
// organization are in none.
struct OrganizationMention {
  uint32_t task_index;
  uint32_t measure_index;  // in the task's measures
  bool lead;               // named among the leads
  bool responsible;        // named among the responsibles
};
using MeasuresByOrganization = absl::flat_hash_map<std::string, std::vector<OrganizationMention>>;
MeasuresByOrganization IndexMeasuresByOrganization(const std::vector<Task>& tasks);

// The same page as ListMatchingMeasures(tasks, query, parent, page), found
// through `by_organization` (IndexMeasuresByOrganization(tasks)) when the
// query names an organization: only the measures that name it are matched,
// rather than every measure of the plan, their role read from the index.
absl::StatusOr<MeasurePage> ListMatchingMeasures(const std::vector<Task>& tasks,
                                                 const MeasuresByOrganization& by_organization,
                                                 const MeasureQuery& query,
                                                 absl::string_view parent, const PageRequest& page);

}  // namespace ecoplan::registry
