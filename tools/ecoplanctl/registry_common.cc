// What the registry command files share; see registry_common.h.

#include "tools/ecoplanctl/registry_common.h"

#include <random>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "common/calendar/deadline.h"
#include "common/mapping/proto_values.h"
#include "common/status/status_macros.h"
#include "tools/ecoplanctl/channel.h"

namespace ecoplan::ctl::registry_internal {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace cv1 = ::ecoplan::common::v1;
using Stub = v1::RegistryService::StubInterface;

}  // namespace

bool Json(const RegistryContext& ctx) { return ctx.output.format == OutputFormat::kJson; }

std::string ShortId(absl::string_view name) { return common::LastSegment(name); }

// Resolves a PlanArg: a name, a bare id, or the newest plan.
absl::StatusOr<PlanRef> ResolvePlan(const RegistryContext& ctx, const PlanArg& arg) {
  if (!arg.plan.empty()) {
    if (absl::StartsWith(arg.plan, "plans/")) return PlanRef{arg.plan, std::nullopt};
    if (absl::StrContains(arg.plan, "/")) {
      return UsageError(absl::StrCat("\"", arg.plan, "\" is not a plan: give plans/ID or ID"));
    }
    return PlanRef{absl::StrCat("plans/", arg.plan), std::nullopt};
  }
  v1::ListPlansRequest request;
  request.set_page_size(1);
  v1::ListPlansResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ListPlans, request, &response));
  if (response.plans().empty()) {
    return absl::NotFoundError(
        "no plan has been imported yet; import one with: ecoplanctl plan import FILE");
  }
  return PlanRef{response.plans(0).name(), response.plans(0).year()};
}

absl::StatusOr<int> PlanYear(const RegistryContext& ctx, PlanRef& plan) {
  if (!plan.year.has_value()) {
    v1::GetPlanRequest request;
    request.set_name(plan.name);
    v1::GetPlanResponse response;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetPlan, request, &response));
    plan.year = response.plan().year();
  }
  return *plan.year;
}

// The resource name of a child of a plan given as "a1-t3" or in full.
absl::StatusOr<std::string> ChildName(const RegistryContext& ctx, const PlanArg& plan,
                                      absl::string_view collection, absl::string_view id) {
  if (absl::StartsWith(id, "plans/")) return std::string(id);
  if (id.empty() || absl::StrContains(id, "/")) {
    return UsageError(absl::StrCat("\"", id, "\" is not a ", collection, " id such as a1-t3"));
  }
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef ref, ResolvePlan(ctx, plan));
  return absl::StrCat(ref.name, "/", collection, "/", id);
}

cv1::Date ToDate(absl::CivilDay day) { return common::DateToProto(day); }

namespace {

// --due-before / --due-after: YYYY-MM-DD, or deadline words resolved against
// the plan year. For a window ("6-9月"), --due-after takes its first day and
// --due-before its last.
absl::StatusOr<cv1::Date> ParseDueFlag(const RegistryContext& ctx, PlanRef& plan,
                                       absl::string_view flag, absl::string_view text,
                                       bool first_day) {
  absl::CivilDay day;
  if (absl::ParseCivilTime(text, &day)) return ToDate(day);
  ECOPLAN_ASSIGN_OR_RETURN(int year, PlanYear(ctx, plan));
  const common::ResolvedDeadline resolved = common::ResolveDeadline(text, year);
  if (first_day && resolved.window_start.has_value()) return ToDate(*resolved.window_start);
  if (resolved.due.has_value()) return ToDate(*resolved.due);
  return UsageError(absl::StrCat("--", flag, " \"", text,
                                 "\" is not a date: give YYYY-MM-DD or deadline words such as "
                                 "6月底前 or 年底前"));
}

}  // namespace

absl::StatusOr<v1::MeasureFilter> BuildFilter(const RegistryContext& ctx, PlanRef& plan,
                                              const FilterArgs& args) {
  v1::MeasureFilter filter;
  if (args.annex < 0) return UsageError("--annex must be a positive annex number");
  filter.set_annex_number(args.annex);
  filter.set_section_id(args.section);
  filter.set_organization(args.org);
  if (args.role.empty() || args.role == "either") {
    filter.set_role(v1::ORG_ROLE_UNSPECIFIED);
  } else if (args.role == "lead") {
    filter.set_role(v1::ORG_ROLE_LEAD);
  } else if (args.role == "responsible") {
    filter.set_role(v1::ORG_ROLE_RESPONSIBLE);
  } else {
    return UsageError(
        absl::StrCat("--role must be lead, responsible or either, not \"", args.role, "\""));
  }
  if (!args.role.empty() && args.org.empty()) return UsageError("--role needs --org");
  if (!args.due_before.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*filter.mutable_due_before(),
                             ParseDueFlag(ctx, plan, "due-before", args.due_before, false));
  }
  if (!args.due_after.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(*filter.mutable_due_after(),
                             ParseDueFlag(ctx, plan, "due-after", args.due_after, true));
  }
  if (args.deadline_kind.empty()) {
  } else if (args.deadline_kind == "due") {
    filter.set_deadline_kind(cv1::DEADLINE_KIND_DUE_DATE);
  } else if (args.deadline_kind == "window") {
    filter.set_deadline_kind(cv1::DEADLINE_KIND_WINDOW);
  } else if (args.deadline_kind == "ongoing") {
    filter.set_deadline_kind(cv1::DEADLINE_KIND_ONGOING);
  } else if (args.deadline_kind == "unresolved") {
    filter.set_deadline_kind(cv1::DEADLINE_KIND_UNRESOLVED);
  } else {
    return UsageError(
        absl::StrCat("--deadline-kind must be due, window, ongoing or unresolved, not \"",
                     args.deadline_kind, "\""));
  }
  if (args.featured.has_value()) filter.set_featured(*args.featured);
  filter.set_text_contains(args.contains);
  if (args.origin.empty()) {
  } else if (args.origin == "document") {
    filter.set_origin(v1::TASK_ORIGIN_DOCUMENT);
  } else if (args.origin == "supervision") {
    filter.set_origin(v1::TASK_ORIGIN_SUPERVISION);
  } else {
    return UsageError(
        absl::StrCat("--origin must be document or supervision, not \"", args.origin, "\""));
  }
  return filter;
}

std::vector<std::string> SplitList(absl::string_view text) {
  std::vector<std::string> result;
  for (absl::string_view part : absl::StrSplit(text, absl::ByAnyChar(","))) {
    // Also accept the Chinese enumeration comma 、 and the fullwidth comma ，.
    for (absl::string_view p1 : absl::StrSplit(part, "、")) {
      for (absl::string_view p2 : absl::StrSplit(p1, "，")) {
        absl::string_view name = absl::StripAsciiWhitespace(p2);
        if (!name.empty() && name != "——") result.emplace_back(name);
      }
    }
  }
  return result;
}

std::string RandomRequestId() {
  std::random_device device;
  std::mt19937_64 generator((static_cast<uint64_t>(device()) << 32) ^ device());
  return absl::StrFormat("ctl-%016x%016x", generator(), generator());
}

std::function<absl::Status(const CommandEnv&, const ParsedArgs&)> Bind(Runner runner) {
  return [runner = std::move(runner)](const CommandEnv& env, const ParsedArgs& args) {
    std::unique_ptr<Stub> stub = v1::RegistryService::NewStub(
        MakeChannel(env.options.registry_address, env.options.connection));
    RegistryContext ctx;
    ctx.stub = stub.get();
    ctx.call = PolicyOf(env);
    ctx.output = env.options.output;
    ctx.notes = env.err;
    return runner(ctx, args, *env.out);
  };
}

std::vector<FlagSpec> FilterFlags() {
  return {
      {"annex", "N", "only annex N"},
      {"section", "ID", "only section s1 or subsection s1.2"},
      {"org", "NAME", "only measures of this organization (name, alias or organizations/…)"},
      {"role", "ROLE", "with --org: lead, responsible or either (default)"},
      {"due-before", "DAY", "due on or before DAY: YYYY-MM-DD or words such as 6月底前, 年底前"},
      {"due-after", "DAY", "due on or after DAY (for a window such as 6-9月: its first day)"},
      {"deadline-kind", "KIND", "due, window, ongoing or unresolved"},
      {"featured", "", "only featured (★) measures"},
      {"not-featured", "", "only measures without ★"},
      {"contains", "TEXT", "only measures whose text or task title contains TEXT"},
      {"origin", "ORIGIN", "document or supervision"},
  };
}

std::vector<FlagSpec> ListFlags() {
  std::vector<FlagSpec> flags = FilterFlags();
  flags.push_back(kPlanFlag);
  flags.push_back({"page-size", "N", "read one page of N (default: every page)"});
  flags.push_back({"page-token", "TOKEN", "read the page after a previous one"});
  return flags;
}

PlanArg PlanFrom(const ParsedArgs& args) { return PlanArg{args.Value("plan")}; }

// The plan given as the first argument or with --plan.
absl::StatusOr<PlanArg> PlanArgOrFlag(const ParsedArgs& args) {
  if (!args.args().empty()) {
    if (args.Has("plan") && args.Value("plan") != args.args()[0]) {
      return UsageError("give the plan either as an argument or with --plan, not both");
    }
    return PlanArg{args.args()[0]};
  }
  return PlanFrom(args);
}

absl::StatusOr<FilterArgs> FilterFrom(const ParsedArgs& args) {
  FilterArgs filter;
  ECOPLAN_ASSIGN_OR_RETURN(filter.annex, args.Int("annex", 0));
  filter.section = args.Value("section");
  filter.org = args.Value("org");
  filter.role = args.Value("role");
  filter.due_before = args.Value("due-before");
  filter.due_after = args.Value("due-after");
  filter.deadline_kind = args.Value("deadline-kind");
  if (args.Has("featured") && args.Has("not-featured")) {
    return UsageError("--featured and --not-featured exclude each other");
  }
  if (args.Has("featured")) filter.featured = true;
  if (args.Has("not-featured")) filter.featured = false;
  filter.contains = args.Value("contains");
  filter.origin = args.Value("origin");
  return filter;
}

absl::StatusOr<ListArgs> ListFrom(const ParsedArgs& args) {
  ListArgs list;
  list.plan = PlanFrom(args);
  ECOPLAN_ASSIGN_OR_RETURN(list.filter, FilterFrom(args));
  ECOPLAN_ASSIGN_OR_RETURN(list.page_size, args.Int("page-size", 0));
  if (list.page_size < 0) return UsageError("--page-size must not be negative");
  list.page_token = args.Value("page-token");
  return list;
}

}  // namespace ecoplan::ctl::registry_internal
