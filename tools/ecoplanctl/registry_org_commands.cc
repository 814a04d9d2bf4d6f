// The "org" commands: the organizations of the registry and what they own.

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/registry_commands.h"
#include "tools/ecoplanctl/registry_common.h"
#include "tools/ecoplanctl/registry_format.h"
#include "tools/ecoplanctl/table.h"

namespace ecoplan::ctl {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;
using Stub = v1::RegistryService::StubInterface;

using registry_internal::Bind;
using registry_internal::BuildFilter;
using registry_internal::Call;
using registry_internal::GroupKindWord;
using registry_internal::Json;
using registry_internal::KindWord;
using registry_internal::ListFlags;
using registry_internal::ListFrom;
using registry_internal::ListPages;
using registry_internal::PlanRef;
using registry_internal::PrintMeasures;
using registry_internal::ResolvePlan;
using registry_internal::ShortId;

}  // namespace

absl::Status OrgList(const RegistryContext& ctx, const std::string& kind, std::ostream& out) {
  v1::ListOrganizationsRequest request;
  if (kind.empty()) {
  } else if (kind == "department") {
    request.set_kind(v1::ORGANIZATION_KIND_DEPARTMENT);
  } else if (kind == "management") {
    request.set_kind(v1::ORGANIZATION_KIND_MANAGEMENT_BODY);
  } else if (kind == "town") {
    request.set_kind(v1::ORGANIZATION_KIND_TOWN);
  } else if (kind == "street") {
    request.set_kind(v1::ORGANIZATION_KIND_STREET);
  } else {
    return UsageError(
        absl::StrCat("--kind must be department, management, town or street, not \"", kind, "\""));
  }
  v1::ListOrganizationsResponse response;
  ECOPLAN_RETURN_IF_ERROR(
      ListPages(ctx, &Stub::ListOrganizations, request, /*all_pages=*/true, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"ID", "NAME", "KIND", "ALIASES"});
  for (const auto& org : response.organizations()) {
    table.AddRow({ShortId(org.name()), org.display_name(), KindWord(org.kind()),
                  absl::StrJoin(org.aliases(), "、")});
  }
  table.Print(out);
  out << response.organizations_size() << " organizations\n";
  return absl::OkStatus();
}

namespace {

void PrintOrganization(const v1::Organization& org, std::ostream& out) {
  PrintFields(out, {{"Name", org.name()},
                    {"Display name", org.display_name()},
                    {"Kind", KindWord(org.kind())},
                    {"Aliases", absl::StrJoin(org.aliases(), "、")}});
}

}  // namespace

absl::Status OrgShow(const RegistryContext& ctx, const std::string& org, std::ostream& out) {
  // An organization resource name or id is read directly; anything else is a
  // name or alias, which ResolveOrganization maps to the organization.
  if (absl::StartsWith(org, "organizations/") || absl::StartsWith(org, "o-")) {
    v1::GetOrganizationRequest request;
    request.set_name(absl::StartsWith(org, "o-") ? absl::StrCat("organizations/", org) : org);
    v1::GetOrganizationResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetOrganization, request, &response));
    if (Json(ctx)) return PrintJson(response, out);
    PrintOrganization(response.organization(), out);
    return absl::OkStatus();
  }
  v1::ResolveOrganizationRequest request;
  request.set_written_name(org);
  v1::ResolveOrganizationResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ResolveOrganization, request, &response));
  if (response.reference().has_group()) {
    return absl::InvalidArgumentError(absl::StrCat(
        org, " is a group word, not an organization; see: ecoplanctl org resolve ", org));
  }
  if (response.organizations().empty()) {
    return absl::NotFoundError(absl::StrCat("no organization is named ", org));
  }
  v1::GetOrganizationResponse shown;
  *shown.mutable_organization() = response.organizations(0);
  if (Json(ctx)) return PrintJson(shown, out);
  PrintOrganization(shown.organization(), out);
  return absl::OkStatus();
}

absl::Status OrgResolve(const RegistryContext& ctx, const std::string& name, std::ostream& out) {
  v1::ResolveOrganizationRequest request;
  request.set_written_name(name);
  v1::ResolveOrganizationResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ResolveOrganization, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  const v1::OrgRef& ref = response.reference();
  std::string meaning;
  if (ref.has_group()) {
    meaning = absl::StrCat("group word (", GroupKindWord(ref.group().kind()), ")",
                           ref.group().resolved() ? "" : "; members not named yet");
  } else {
    meaning = absl::StrCat("organization ", ref.organization());
  }
  PrintFields(out, {{"Written name", ref.written_name().empty() ? name : ref.written_name()},
                    {"Stands for", meaning}});
  if (!response.organizations().empty()) {
    Table table({"ID", "NAME", "KIND", "ALIASES"});
    for (const auto& org : response.organizations()) {
      table.AddRow({ShortId(org.name()), org.display_name(), KindWord(org.kind()),
                    absl::StrJoin(org.aliases(), "、")});
    }
    table.Print(out);
  }
  return absl::OkStatus();
}

absl::Status OrgOwns(const RegistryContext& ctx, const ListArgs& args, std::ostream& out) {
  if (args.filter.org.empty()) return UsageError("org owns needs an organization name");
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef plan, ResolvePlan(ctx, args.plan));
  v1::ListMeasuresResponse roles[2];
  const char* const kRoles[2] = {"lead", "responsible"};
  for (int i = 0; i < 2; ++i) {
    FilterArgs filter = args.filter;
    filter.role = kRoles[i];
    v1::ListMeasuresRequest request;
    request.set_parent(plan.name);
    ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_filter(), BuildFilter(ctx, plan, filter));
    ECOPLAN_RETURN_IF_ERROR(
        ListPages(ctx, &Stub::ListMeasures, request, /*all_pages=*/true, &roles[i]));
  }
  if (Json(ctx)) {
    ECOPLAN_ASSIGN_OR_RETURN(std::string lead, ToJson(roles[0]));
    ECOPLAN_ASSIGN_OR_RETURN(std::string responsible, ToJson(roles[1]));
    out << "{\"lead\":" << lead << ",\"responsible\":" << responsible << "}\n";
    return absl::OkStatus();
  }
  out << args.filter.org << " leads " << roles[0].measures_size() << " measures:\n";
  ECOPLAN_RETURN_IF_ERROR(PrintMeasures(ctx, roles[0], out));
  out << '\n'
      << args.filter.org << " is responsible for " << roles[1].measures_size() << " measures:\n";
  return PrintMeasures(ctx, roles[1], out);
}

// The command line.

CommandGroup registry_internal::OrgGroup() {
  CommandGroup group{
      "org", "organizations: departments, management bodies, towns, streets", {}, ""};
  group.commands.push_back(
      {"list",
       "[--kind department|management|town|street]",
       "organizations in name order",
       0,
       0,
       {{"kind", "KIND", "department, management, town or street"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return OrgList(ctx, args.Value("kind"), out);
       })});
  group.commands.push_back(
      {"show",
       "ORG",
       "one organization (name, alias, o-… id or organizations/…)",
       1,
       1,
       {},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return OrgShow(ctx, args.args()[0], out);
       })});
  group.commands.push_back(
      {"resolve",
       "NAME",
       "what a name, alias or group word (各镇街) stands for",
       1,
       1,
       {},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return OrgResolve(ctx, args.args()[0], out);
       })});
  std::vector<FlagSpec> owns_flags = ListFlags();
  owns_flags.erase(std::remove_if(owns_flags.begin(), owns_flags.end(),
                                  [](const FlagSpec& f) {
                                    return f.name == "org" || f.name == "role" ||
                                           f.name == "page-size" || f.name == "page-token";
                                  }),
                   owns_flags.end());
  group.commands.push_back(
      {"owns", "NAME [--plan PLAN] [filters of measures list]",
       "what NAME owns: the measures it leads, and those it is responsible for", 1, 1, owns_flags,
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(ListArgs list, ListFrom(args));
         list.filter.org = args.args()[0];
         return OrgOwns(ctx, list, out);
       })});
  return group;
}

}  // namespace ecoplan::ctl
