#include "services/registry/domain/organization_directory.h"

#include <openssl/evp.h>

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/text/normalize.h"

namespace ecoplan::registry {

const std::vector<AliasGroup>& StandardAliasGroups() {
  // Preferred form first. Only names whose short form is the standard
  // abbreviation in Beijing government documents; district-specific bodies
  // (规自分局, 公安交通支队 ...) are left out on purpose.
  static const auto* const kGroups = new std::vector<AliasGroup>{
      {"区发展改革委", "区发展和改革委员会", "区发改委"},
      {"区经济和信息化局", "区经信局"},
      {"区住房城乡建设委", "区住房和城乡建设委员会", "区住建委"},
      {"区城市管理委", "区城市管理委员会", "区城管委"},
      {"区城市管理综合行政执法局", "区城管执法局"},
      {"区市场监督管理局", "区市场监管局"},
      {"区卫生健康委", "区卫生健康委员会", "区卫健委"},
      {"区文化和旅游局", "区文旅局"},
      {"区国有资产监督管理委员会", "区国资委"},
      {"区医疗保障局", "区医保局"},
      {"区应急管理局", "区应急局"},
      {"区教育委员会", "区教委"},
      {"区科学技术委员会", "区科委"},
      {"区人力资源和社会保障局", "区人力社保局"},
      {"区机关事务管理服务中心", "区机关事务中心"},
      {"区城市运行指挥中心", "区城指中心"},
      {"区人民政府办公室", "区政府办公室", "区政府办"},
  };
  return *kGroups;
}

std::string Sha256Hex(absl::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return std::string();  // Only on an OpenSSL failure, which the callers cannot recover from.
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0xF]);
  }
  return out;
}

std::string OrganizationIdFor(absl::string_view canonical_name) {
  return absl::StrCat("o-", Sha256Hex(canonical_name).substr(0, 10));
}

OrganizationKind ClassifyOrganizationKind(absl::string_view name) {
  if (absl::EndsWith(name, "街道") || absl::EndsWith(name, "街道办事处")) {
    return OrganizationKind::kStreet;
  }
  if (absl::EndsWith(name, "镇") || absl::EndsWith(name, "镇人民政府"))
    return OrganizationKind::kTown;
  if (absl::StrContains(name, "管委会") || absl::EndsWith(name, "管理处")) {
    return OrganizationKind::kManagementBody;
  }
  return OrganizationKind::kDepartment;
}

OrgGroupKind ClassifyGroupWord(absl::string_view written_name) {
  const absl::string_view w = common::TrimDocumentSpace(written_name);
  for (absl::string_view all_towns : {"各镇街", "各街镇", "各镇、街道", "各镇街道"}) {
    if (w == all_towns) return OrgGroupKind::kAllTowns;
  }
  for (absl::string_view related_towns : {"相关镇街", "相关街镇", "有关镇街", "有关街镇"}) {
    if (w == related_towns) return OrgGroupKind::kRelatedTowns;
  }
  for (absl::string_view related : {"相关部门", "相关单位", "有关部门", "有关单位", "各相关部门",
                                    "各有关部门", "相关部门和单位"}) {
    if (w == related) return OrgGroupKind::kRelatedDepartments;
  }
  if (absl::EndsWith(w, "成员单位")) return OrgGroupKind::kRelatedDepartments;
  for (absl::string_view all : {"各部门", "区属各部门", "各委办局", "区政府各部门"}) {
    if (w == all) return OrgGroupKind::kAllDepartments;
  }
  return OrgGroupKind::kNone;
}

OrganizationDirectory::OrganizationDirectory(std::vector<Organization> organizations)
    : organizations_(std::move(organizations)) {
  Index();
}

void OrganizationDirectory::Index() {
  std::stable_sort(organizations_.begin(), organizations_.end(),
                   [](const Organization& a, const Organization& b) { return a.name < b.name; });
  // Drop duplicate ids (keep the first in name order) so lookups are unambiguous.
  std::vector<Organization> unique;
  unique.reserve(organizations_.size());
  absl::flat_hash_set<std::string> seen;
  for (Organization& org : organizations_) {
    if (seen.insert(org.id).second) unique.push_back(std::move(org));
  }
  organizations_ = std::move(unique);
  by_id_.clear();
  by_name_.clear();
  for (size_t i = 0; i < organizations_.size(); ++i) {
    by_id_.emplace(organizations_[i].id, i);
    by_name_.emplace(organizations_[i].name, i);
  }
  // Aliases after all canonical names, so that an alias never shadows another
  // organization's canonical name.
  for (size_t i = 0; i < organizations_.size(); ++i) {
    for (const std::string& alias : organizations_[i].aliases) by_name_.emplace(alias, i);
  }
}

OrganizationDirectory OrganizationDirectory::FromWrittenNames(
    const std::vector<std::string>& written_names, const std::vector<AliasGroup>& alias_groups) {
  absl::flat_hash_map<std::string, size_t> group_of;  // name → alias group index
  for (size_t g = 0; g < alias_groups.size(); ++g) {
    for (const std::string& name : alias_groups[g]) group_of.emplace(name, g);
  }
  absl::flat_hash_set<std::string> written;
  for (const std::string& raw : written_names) {
    const std::string name(common::TrimDocumentSpace(raw));
    if (name.empty() || ClassifyGroupWord(name) != OrgGroupKind::kNone) continue;
    written.insert(name);
  }
  std::vector<Organization> orgs;
  absl::flat_hash_set<size_t> groups_done;
  std::vector<std::string> sorted(written.begin(), written.end());
  std::sort(sorted.begin(), sorted.end());
  for (const std::string& name : sorted) {
    Organization org;
    auto it = group_of.find(name);
    if (it == group_of.end()) {
      org.name = name;
    } else {
      if (!groups_done.insert(it->second).second) continue;
      const AliasGroup& group = alias_groups[it->second];
      for (const std::string& candidate : group) {
        if (written.contains(candidate)) {
          org.name = candidate;
          break;
        }
      }
      for (const std::string& other : group) {
        if (other != org.name) org.aliases.push_back(other);
      }
    }
    org.id = OrganizationIdFor(org.name);
    org.kind = ClassifyOrganizationKind(org.name);
    orgs.push_back(std::move(org));
  }
  return OrganizationDirectory(std::move(orgs));
}

absl::StatusOr<OrgRef> OrganizationDirectory::Resolve(absl::string_view written_name) const {
  const absl::string_view name = common::TrimDocumentSpace(written_name);
  OrgRef ref;
  ref.written_name = std::string(name);
  const OrgGroupKind group = ClassifyGroupWord(name);
  if (group != OrgGroupKind::kNone) {
    ref.group = group;
    if (group == OrgGroupKind::kAllTowns) {
      ref.group_resolved = true;
      for (const Organization& org : organizations_) {
        if (org.kind == OrganizationKind::kTown || org.kind == OrganizationKind::kStreet) {
          ref.member_ids.push_back(org.id);
        }
      }
    } else if (group == OrgGroupKind::kAllDepartments) {
      // "Every department" means the district departments only: management
      // bodies, towns and streets are not departments (区政府各部门).
      ref.group_resolved = true;
      for (const Organization& org : organizations_) {
        if (org.kind == OrganizationKind::kDepartment) ref.member_ids.push_back(org.id);
      }
    }
    return ref;
  }
  auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    return absl::NotFoundError(
        absl::StrCat("\"", name, "\" is not an organization, alias or group word"));
  }
  ref.org_id = organizations_[it->second].id;
  return ref;
}

const Organization* OrganizationDirectory::FindById(absl::string_view id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &organizations_[it->second];
}

std::vector<Organization> OrganizationDirectory::List(OrganizationKind kind) const {
  std::vector<Organization> out;
  for (const Organization& org : organizations_) {
    if (kind == OrganizationKind::kUnspecified || org.kind == kind) out.push_back(org);
  }
  return out;
}

std::vector<Organization> OrganizationDirectory::MergedWith(
    const std::vector<Organization>& more) const {
  std::vector<Organization> out = organizations_;
  absl::flat_hash_map<std::string, size_t> index;
  for (size_t i = 0; i < out.size(); ++i) index.emplace(out[i].id, i);
  for (const Organization& org : more) {
    auto it = index.find(org.id);
    if (it == index.end()) {
      index.emplace(org.id, out.size());
      out.push_back(org);
      continue;
    }
    Organization& known = out[it->second];
    for (const std::string& alias : org.aliases) {
      if (alias != known.name &&
          std::find(known.aliases.begin(), known.aliases.end(), alias) == known.aliases.end()) {
        known.aliases.push_back(alias);
      }
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Organization& a, const Organization& b) { return a.name < b.name; });
  return out;
}

}  // namespace ecoplan::registry
