// TaskRegistry: organizations: one, lists, the resolution of a written name,
// and the resolution of the organization inputs of corrections and
// supervision tasks.

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"
#include "common/text/normalize.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/domain/task_registry_internal.h"

namespace ecoplan::registry {

using registry_internal::CheckText;
using registry_internal::kOrganizationsPrefix;

namespace {

// Sets the members of the group `ref` to those `input` names (resource names,
// names or aliases), each once; `item` names the input in errors.
absl::Status ResolveMembers(const OrganizationDirectory& directory, const OrgRefInput& input,
                            const std::string& item, OrgRef* ref) {
  ref->member_ids.clear();
  for (size_t j = 0; j < input.member_names.size(); ++j) {
    absl::string_view member = input.member_names[j];
    absl::StatusOr<OrgRef> m;
    if (absl::ConsumePrefix(&member, kOrganizationsPrefix) &&
        directory.FindById(member) != nullptr) {
      OrgRef direct;
      direct.written_name = std::string(member);
      direct.org_id = std::string(member);
      m = direct;
    } else {
      m = directory.Resolve(common::NormalizeDocumentText(input.member_names[j]));
    }
    if (!m.ok() || m->org_id.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          item, ".members[", j, "]: \"", input.member_names[j], "\" is not a known organization"));
    }
    if (std::find(ref->member_ids.begin(), ref->member_ids.end(), m->org_id) ==
        ref->member_ids.end()) {
      ref->member_ids.push_back(m->org_id);
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<OrgRef>> TaskRegistry::ResolveInputs(
    const OrganizationDirectory& directory, const std::vector<OrgRefInput>& inputs,
    absl::string_view field) const {
  if (inputs.size() > kMaxOrgRefs) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has more than ", kMaxOrgRefs, " organizations"));
  }
  std::vector<OrgRef> refs;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const std::string item = absl::StrCat(field, "[", i, "]");
    const OrgRefInput& input = inputs[i];
    ECOPLAN_RETURN_IF_ERROR(
        CheckText(input.written_name, absl::StrCat(item, ".written_name"), kMaxNameLength, true));
    absl::StatusOr<OrgRef> ref =
        directory.Resolve(common::NormalizeDocumentText(input.written_name));
    if (!ref.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(
          item, ".written_name: \"", input.written_name,
          "\" is not a known organization, alias or group word; see ListOrganizations"));
    }
    if (ref->group == OrgGroupKind::kNone && !input.member_names.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat(item, ".members: only a group word (e.g. 相关镇街) takes members"));
    }
    if (ref->group != OrgGroupKind::kNone && !input.member_names.empty()) {
      if (input.member_names.size() > kMaxOrgRefs) {
        return absl::InvalidArgumentError(absl::StrCat(item, ".members: too many members"));
      }
      ECOPLAN_RETURN_IF_ERROR(ResolveMembers(directory, input, item, &*ref));
      ref->group_resolved = true;
    }
    refs.push_back(*std::move(ref));
  }
  return refs;
}

absl::StatusOr<Organization> TaskRegistry::GetOrganization(absl::string_view org_id) const {
  std::shared_ptr<const State> state = Snapshot();
  const Organization* org = state->organizations->FindById(org_id);
  if (org == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("organization \"organizations/", org_id, "\" does not exist"));
  }
  return *org;
}

absl::StatusOr<OrganizationPage> TaskRegistry::ListOrganizations(OrganizationKind kind,
                                                                 const PageRequest& page) const {
  ECOPLAN_ASSIGN_OR_RETURN(int size, EffectivePageSize(page.page_size, kOrganizationPageLimits));
  const std::string fingerprint = absl::StrCat("orgs-", static_cast<int>(kind));
  std::string after;
  if (!page.page_token.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(after, DecodePageToken(page.page_token, fingerprint));
  }
  std::shared_ptr<const State> state = Snapshot();
  std::vector<Organization> all = state->organizations->List(kind);  // name order
  OrganizationPage result;
  for (const Organization& org : all) {
    const std::string position = absl::StrCat(org.name, "\x1f", org.id);
    if (!after.empty() && position <= after) continue;
    if (static_cast<int>(result.organizations.size()) == size) {
      const Organization& last = result.organizations.back();
      result.next_page_token =
          EncodePageToken(fingerprint, absl::StrCat(last.name, "\x1f", last.id));
      break;
    }
    result.organizations.push_back(org);
  }
  return result;
}

absl::StatusOr<Resolution> TaskRegistry::ResolveOrganization(absl::string_view written_name) const {
  ECOPLAN_RETURN_IF_ERROR(CheckText(written_name, "written_name", kMaxNameLength, true));
  std::shared_ptr<const State> state = Snapshot();
  absl::StatusOr<OrgRef> ref =
      state->organizations->Resolve(common::NormalizeDocumentText(written_name));
  if (!ref.ok()) {
    return absl::NotFoundError(
        absl::StrCat("\"", written_name, "\" is not a known organization, alias or group word"));
  }
  Resolution out{*ref, {}};
  if (!ref->org_id.empty()) {
    if (const Organization* org = state->organizations->FindById(ref->org_id)) {
      out.organizations.push_back(*org);
    }
  }
  for (const std::string& id : ref->member_ids) {
    if (const Organization* org = state->organizations->FindById(id)) {
      out.organizations.push_back(*org);
    }
  }
  return out;
}

}  // namespace ecoplan::registry
