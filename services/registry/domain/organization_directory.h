#pragma once

// The organizations a plan names, their aliases and the group words that stand
// for several of them.

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "services/registry/domain/model.h"

namespace ecoplan::registry {

// The names one body is written as, the preferred (long) form first, e.g.
// {"区发展改革委", "区发展和改革委员会", "区发改委"}.
using AliasGroup = std::vector<std::string>;

// Abbreviation pairs that are standard in Beijing district government usage
// (区发改委 = 区发展改革委, 区住建委 = 区住房城乡建设委 ...). Data, not code: extend
// the table in organization_directory.cc; nothing in it names a district.
const std::vector<AliasGroup>& StandardAliasGroups();

// Lowercase hex sha256 of `bytes` (OpenSSL). Used for organization and plan ids.
std::string Sha256Hex(absl::string_view bytes);

// "o-" + the first 10 lowercase hex digits of sha256(canonical_name).
std::string OrganizationIdFor(absl::string_view canonical_name);

// Kind of a body from its name: ends with 镇 → kTown; ends with 街道 or
// 街道办事处 → kStreet; contains 管委会 or ends with 管理处 → kManagementBody;
// anything else → kDepartment.
OrganizationKind ClassifyOrganizationKind(absl::string_view name);

// The group a word stands for, or kNone when it names no group:
//   各镇街, 各街镇, 各镇、街道                 → kAllTowns (every town and street)
//   相关镇街, 相关街镇, 有关镇街               → kRelatedTowns (to be named)
//   相关部门, 相关单位, 有关部门, 有关单位, 各相关部门,
//   and any name ending with 成员单位 (the member units of a leading group,
//   whose membership the plan does not list) → kRelatedDepartments
//   各部门, 区属各部门, 各委办局               → kAllDepartments (every kDepartment)
OrgGroupKind ClassifyGroupWord(absl::string_view written_name);

// A read-only directory of organizations. Thread-compatible: const methods may
// be called concurrently.
class OrganizationDirectory {
 public:
  OrganizationDirectory() = default;
  // Takes organizations as stored (ids, names, aliases and kinds already set).
  // Duplicate ids keep the first.
  explicit OrganizationDirectory(std::vector<Organization> organizations);

  // Builds the directory from names as written in a plan (in any order, with
  // repeats). Group words are skipped. Names of the same alias group become one
  // organization whose canonical name is the first name of the group, in group
  // order, that occurs in `written_names` (so the long form when both occur, the
  // written form when only one does); its aliases are all the other names of the
  // group. The id is OrganizationIdFor(canonical name).
  static OrganizationDirectory FromWrittenNames(
      const std::vector<std::string>& written_names,
      const std::vector<AliasGroup>& alias_groups = StandardAliasGroups());

  // Resolves a name as written (surrounding spaces ignored): a group word →
  // OrgRef with `group` set; 各镇街 is resolved to every town and street and
  // 各部门 to every kDepartment organization, in name order, while the
  // "related" groups are unresolved with no members; a canonical name or an
  // alias → OrgRef with `org_id`. `written_name` of the result is the trimmed
  // input. Errors: NotFound when the name is none of these.
  absl::StatusOr<OrgRef> Resolve(absl::string_view written_name) const;

  // The organization with this id, or nullptr. The pointer lives as long as
  // the directory.
  const Organization* FindById(absl::string_view id) const;

  // Organizations of `kind` (all for kUnspecified), in name order.
  std::vector<Organization> List(OrganizationKind kind = OrganizationKind::kUnspecified) const;

  // Every organization, in name order.
  const std::vector<Organization>& organizations() const { return organizations_; }

  // The union of this directory's organizations and `more`, in name order. An
  // organization of `more` whose id is already known adds its aliases to the
  // known one; the known name and kind stay.
  std::vector<Organization> MergedWith(const std::vector<Organization>& more) const;

 private:
  void Index();

  std::vector<Organization> organizations_;  // name order
  absl::flat_hash_map<std::string, size_t> by_id_;
  absl::flat_hash_map<std::string, size_t> by_name_;  // canonical names and aliases
};

}  // namespace ecoplan::registry
