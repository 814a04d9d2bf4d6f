// The commands on tasks and measures: "tasks", "task", "measures", "measure" and
// "supervision" (a supervision task is created with its measure).

#include <set>

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
using registry_internal::ChildName;
using registry_internal::FormatCheckpoints;
using registry_internal::Json;
using registry_internal::kFilterSynopsis;
using registry_internal::kPlanFlag;
using registry_internal::kTextWidth;
using registry_internal::ListFlags;
using registry_internal::ListFrom;
using registry_internal::ListPages;
using registry_internal::OrgNames;
using registry_internal::PlanFrom;
using registry_internal::PlanRef;
using registry_internal::PrintMeasure;
using registry_internal::PrintMeasures;
using registry_internal::PrintTask;
using registry_internal::RandomRequestId;
using registry_internal::ResolvePlan;
using registry_internal::SectionOf;
using registry_internal::ShortId;
using registry_internal::SplitList;

}  // namespace

absl::Status TasksList(const RegistryContext& ctx, const ListArgs& args, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef plan, ResolvePlan(ctx, args.plan));
  v1::ListTasksRequest request;
  request.set_parent(plan.name);
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_filter(), BuildFilter(ctx, plan, args.filter));
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  const bool all_pages = args.page_size == 0 && args.page_token.empty();
  v1::ListTasksResponse response;
  ECOPLAN_RETURN_IF_ERROR(ListPages(ctx, &Stub::ListTasks, request, all_pages, &response));
  if (Json(ctx)) return PrintJson(response, out);
  Table table({"ID", "ANNEX", "SECTION", "TITLE", "MEASURES"});
  if (!ctx.output.wide) table.SetMaxWidth(3, kTextWidth);
  for (const auto& task : response.tasks()) {
    table.AddRow({ShortId(task.name()),
                  task.annex_number() > 0 ? absl::StrCat(task.annex_number()) : "-",
                  SectionOf(task.section_id(), task.subsection_id()), task.title(),
                  absl::StrCat(task.measures_size())});
  }
  table.Print(out);
  out << response.tasks_size() << " of " << response.total_size() << " tasks\n";
  if (!response.next_page_token().empty()) {
    out << "next page: --page-token " << response.next_page_token() << '\n';
  }
  return absl::OkStatus();
}

absl::Status MeasuresList(const RegistryContext& ctx, const ListArgs& args, std::ostream& out) {
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef plan, ResolvePlan(ctx, args.plan));
  v1::ListMeasuresRequest request;
  request.set_parent(plan.name);
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_filter(), BuildFilter(ctx, plan, args.filter));
  request.set_page_size(args.page_size);
  request.set_page_token(args.page_token);
  const bool all_pages = args.page_size == 0 && args.page_token.empty();
  v1::ListMeasuresResponse response;
  ECOPLAN_RETURN_IF_ERROR(ListPages(ctx, &Stub::ListMeasures, request, all_pages, &response));
  return PrintMeasures(ctx, response, out);
}

absl::Status TaskShow(const RegistryContext& ctx, const PlanArg& plan, const std::string& task,
                      std::ostream& out) {
  v1::GetTaskRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ChildName(ctx, plan, "tasks", task));
  v1::GetTaskResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetTask, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintTask(response.task(), out);
  return absl::OkStatus();
}

absl::Status MeasureShow(const RegistryContext& ctx, const PlanArg& plan,
                         const std::string& measure, std::ostream& out) {
  v1::GetMeasureRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ChildName(ctx, plan, "measures", measure));
  v1::GetMeasureResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetMeasure, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  PrintMeasure(response.measure(), out, 0, /*context=*/true);
  return absl::OkStatus();
}

absl::Status MeasureHistory(const RegistryContext& ctx, const PlanArg& plan,
                            const std::string& measure, std::ostream& out) {
  v1::ListMeasureRevisionsRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(*request.mutable_name(), ChildName(ctx, plan, "measures", measure));
  v1::ListMeasureRevisionsResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::ListMeasureRevisions, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  if (response.revisions().empty()) {
    out << ShortId(request.name()) << ": no revisions; the measure is as imported\n";
    return absl::OkStatus();
  }
  for (const auto& r : response.revisions()) {
    out << "Revision " << r.revision() << '\n';
    std::vector<std::pair<std::string, std::string>> fields = {
        {"Time", FormatTimestamp(r.time())},
        {"Actor", r.actor()},
        {"Reason", r.reason()},
        {"Request id", r.request_id()},
        {"Changed", absl::StrJoin(r.changed_fields(), ", ")}};
    for (const auto& field : r.changed_fields()) {
      if (field == "deadline") {
        fields.emplace_back("  deadline", absl::StrCat(FormatDeadline(r.before().deadline()), " → ",
                                                       FormatDeadline(r.after().deadline())));
      } else if (field == "lead_organizations") {
        fields.emplace_back("  leads",
                            absl::StrCat(OrgNames(r.before().lead_organizations()), " → ",
                                         OrgNames(r.after().lead_organizations())));
      } else if (field == "responsible_organizations") {
        fields.emplace_back("  responsibles",
                            absl::StrCat(OrgNames(r.before().responsible_organizations()), " → ",
                                         OrgNames(r.after().responsible_organizations())));
      } else if (field == "checkpoints") {
        fields.emplace_back("  checkpoints", absl::StrCat(FormatCheckpoints(r.before()), " → ",
                                                          FormatCheckpoints(r.after())));
      }
    }
    PrintFields(out, fields, 2);
  }
  return absl::OkStatus();
}

absl::Status MeasureUpdate(const RegistryContext& ctx, const MeasureUpdateArgs& args,
                           std::ostream& out) {
  if (args.reason.empty()) return UsageError("--reason is required: it goes to the audit trail");
  if (!args.deadline.has_value() && !args.leads.has_value() && !args.responsibles.has_value() &&
      args.members.empty() && !args.checkpoints.has_value()) {
    return UsageError(
        "nothing to change: give --deadline, --leads, --responsibles, --members or --checkpoints");
  }
  v1::UpdateMeasureRequest request;
  ECOPLAN_ASSIGN_OR_RETURN(const std::string name,
                           ChildName(ctx, args.plan, "measures", args.measure));

  // The current measure gives the etag, and the organizations that --members
  // completes when --leads / --responsibles are not given.
  v1::Measure current;
  const bool need_current =
      args.etag.empty() ||
      (!args.members.empty() && (!args.leads.has_value() || !args.responsibles.has_value()));
  if (need_current) {
    v1::GetMeasureRequest get;
    get.set_name(name);
    v1::GetMeasureResponse got;
    ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::GetMeasure, get, &got));
    current = got.measure();
  }

  v1::Measure* measure = request.mutable_measure();
  measure->set_name(name);
  std::set<std::string> groups_used;
  // Fills `refs` from the names given, or from the current values, and sets
  // the members of the groups named by --members. Returns whether it changed.
  auto fill = [&](const std::optional<std::vector<std::string>>& given,
                  const google::protobuf::RepeatedPtrField<v1::OrgRef>& existing,
                  google::protobuf::RepeatedPtrField<v1::OrgRef>* refs) {
    bool changed = given.has_value();
    if (given.has_value()) {
      for (const auto& written : *given) refs->Add()->set_written_name(written);
    } else {
      for (const auto& ref : existing) {
        v1::OrgRef* copy = refs->Add();
        copy->set_written_name(ref.written_name());
        *copy->mutable_members() = ref.members();
      }
    }
    for (v1::OrgRef& ref : *refs) {
      for (const auto& [group, members] : args.members) {
        if (ref.written_name() != group) continue;
        ref.clear_members();
        for (const auto& member : members) ref.add_members(member);
        groups_used.insert(group);
        changed = true;
      }
    }
    if (!changed) refs->Clear();
    return changed;
  };
  if (args.deadline.has_value()) {
    measure->mutable_deadline()->set_raw(*args.deadline);
    request.mutable_update_mask()->add_paths("deadline");
  }
  if (args.checkpoints.has_value()) {
    for (const std::string& phrase : *args.checkpoints) {
      measure->add_checkpoints()->set_phrase(phrase);
    }
    request.mutable_update_mask()->add_paths("checkpoints");
  }
  if (fill(args.leads, current.lead_organizations(), measure->mutable_lead_organizations())) {
    request.mutable_update_mask()->add_paths("lead_organizations");
  }
  if (fill(args.responsibles, current.responsible_organizations(),
           measure->mutable_responsible_organizations())) {
    request.mutable_update_mask()->add_paths("responsible_organizations");
  }
  for (const auto& [group, members] : args.members) {
    if (groups_used.count(group) == 0) {
      return UsageError(absl::StrCat("--members ", group, "=…: ", group,
                                     " is neither among the leads nor the responsibles"));
    }
  }
  request.set_etag(args.etag.empty() ? current.etag() : args.etag);
  request.set_reason(args.reason);
  request.set_request_id(args.request_id);

  v1::UpdateMeasureResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::UpdateMeasure, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "Updated " << ShortId(name) << " (revision " << response.measure().revision() << ")\n";
  PrintMeasure(response.measure(), out, 0);
  return absl::OkStatus();
}

absl::Status SupervisionCreate(const RegistryContext& ctx, const SupervisionCreateArgs& args,
                               std::ostream& out) {
  if (args.title.empty()) return UsageError("--title is required");
  if (args.measure_text.empty()) return UsageError("--measure is required");
  if (args.deadline.empty()) return UsageError("--deadline is required");
  if (args.leads.empty()) return UsageError("--leads is required (at least one organization)");
  ECOPLAN_ASSIGN_OR_RETURN(PlanRef plan, ResolvePlan(ctx, args.plan));
  v1::CreateSupervisionTaskRequest request;
  request.set_parent(plan.name);
  request.set_title(args.title);
  request.set_description(args.description);
  request.set_assigned_by(args.assigned_by);
  v1::Measure* measure = request.add_measures();
  measure->set_text(args.measure_text);
  measure->mutable_deadline()->set_raw(args.deadline);
  for (const auto& lead : args.leads) measure->add_lead_organizations()->set_written_name(lead);
  for (const auto& org : args.responsibles) {
    measure->add_responsible_organizations()->set_written_name(org);
  }
  request.set_request_id(args.request_id.empty() ? RandomRequestId() : args.request_id);
  if (args.request_id.empty() && ctx.notes != nullptr) {
    // Printed before the call, so a user whose call failed can retry safely.
    *ctx.notes << "request id: " << request.request_id() << " (to retry without duplicating: "
               << "--request-id " << request.request_id() << ")\n";
  }
  v1::CreateSupervisionTaskResponse response;
  ECOPLAN_RETURN_IF_ERROR(Call(ctx, &Stub::CreateSupervisionTask, request, &response));
  if (Json(ctx)) return PrintJson(response, out);
  out << "Created supervision task " << ShortId(response.task().name()) << '\n';
  PrintTask(response.task(), out);
  return absl::OkStatus();
}

// The command line.

CommandGroup registry_internal::TasksGroup() {
  CommandGroup group{"tasks", "list the key tasks (重点任务) of a plan", {}, ""};
  group.commands.push_back(
      {"list", std::string(kFilterSynopsis), "tasks with at least one matching measure", 0, 0,
       ListFlags(), Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(ListArgs list, ListFrom(args));
         return TasksList(ctx, list, out);
       })});
  group.notes = "Every page is read unless --page-size or --page-token is given.\n";
  return group;
}

CommandGroup registry_internal::TaskGroup() {
  CommandGroup group{"task", "one task with every measure", {}, ""};
  group.commands.push_back(
      {"show",
       "TASK [--plan PLAN]",
       "a task (a1-t3 or plans/…/tasks/a1-t3) with its measures",
       1,
       1,
       {kPlanFlag},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return TaskShow(ctx, PlanFrom(args), args.args()[0], out);
       })});
  return group;
}

CommandGroup registry_internal::MeasuresGroup() {
  CommandGroup group{"measures", "list the work measures (工作措施) of a plan", {}, ""};
  group.commands.push_back(
      {"list", absl::StrCat(kFilterSynopsis, " [--wide]"), "measures matching every filter given",
       0, 0, ListFlags(),
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         ECOPLAN_ASSIGN_OR_RETURN(ListArgs list, ListFrom(args));
         return MeasuresList(ctx, list, out);
       })});
  group.notes =
      "Deadline words in --due-before / --due-after resolve against the plan's year.\n"
      "Every page is read unless --page-size or --page-token is given.\n";
  return group;
}

CommandGroup registry_internal::MeasureGroup() {
  CommandGroup group{"measure", "show, history and correct one measure", {}, ""};
  group.commands.push_back(
      {"show",
       "MEASURE [--plan PLAN]",
       "a measure (a1-t3-m2 or plans/…/measures/a1-t3-m2)",
       1,
       1,
       {kPlanFlag},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return MeasureShow(ctx, PlanFrom(args), args.args()[0], out);
       })});
  group.commands.push_back(
      {"history",
       "MEASURE [--plan PLAN]",
       "the revisions (audit trail) of a measure",
       1,
       1,
       {kPlanFlag},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         return MeasureHistory(ctx, PlanFrom(args), args.args()[0], out);
       })});
  group.commands.push_back(
      {"update",
       "MEASURE [--deadline WORDS] [--leads A,B] [--responsibles A,B] [--members GROUP=X,Y] "
       "[--checkpoints P,Q] --reason TEXT [--etag E] [--request-id ID] [--plan PLAN]",
       "correct a measure's deadline, organizations or checkpoints",
       1,
       1,
       {kPlanFlag,
        {"deadline", "WORDS", "new deadline words, e.g. 9月底前"},
        {"leads", "A,B", "new lead organizations (names, aliases or group words)"},
        {"responsibles", "A,B", "new responsible organizations; \"\" for none"},
        {"members", "GROUP=X,Y", "name the members of a group word such as 相关镇街 (repeatable)"},
        {"checkpoints", "P,Q",
         "the measure's checkpoints in the plan's words, e.g. 5月底前,按季度,两轮次; \"\" for "
         "none"},
        {"reason", "TEXT", "why (required; kept in the audit trail)"},
        {"etag", "E", "the etag read before; default: read the measure now"},
        {"request-id", "ID", "client id of the call, for a safe retry"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         MeasureUpdateArgs update;
         update.plan = PlanFrom(args);
         update.measure = args.args()[0];
         update.deadline = args.Optional("deadline");
         if (auto leads = args.Optional("leads")) update.leads = SplitList(*leads);
         if (auto resp = args.Optional("responsibles")) update.responsibles = SplitList(*resp);
         if (auto points = args.Optional("checkpoints")) update.checkpoints = SplitList(*points);
         for (const std::string& value : args.Values("members")) {
           const size_t eq = value.find('=');
           if (eq == std::string::npos || eq == 0) {
             return UsageError(absl::StrCat("--members needs GROUP=X,Y, not \"", value, "\""));
           }
           update.members.emplace_back(value.substr(0, eq), SplitList(value.substr(eq + 1)));
         }
         update.reason = args.Value("reason");
         update.etag = args.Value("etag");
         update.request_id = args.Value("request-id");
         return MeasureUpdate(ctx, update, out);
       })});
  group.notes = "Lists of organizations may be separated by , or 、.\n";
  return group;
}

CommandGroup registry_internal::SupervisionGroup() {
  CommandGroup group{"supervision", "ad-hoc supervision tasks (督办任务)", {}, ""};
  group.commands.push_back(
      {"create",
       "--title T [--description D] [--assigned-by ORG] --measure TEXT --deadline WORDS "
       "--leads A,B [--responsibles C] [--request-id ID] [--plan PLAN]",
       "create a supervision task with one measure",
       0,
       0,
       {kPlanFlag,
        {"title", "T", "task title (required)"},
        {"description", "D", "background"},
        {"assigned-by", "ORG", "who assigned it, e.g. 区城指中心"},
        {"measure", "TEXT", "the work to do (required)"},
        {"deadline", "WORDS", "deadline words, e.g. 6月底前 (required)"},
        {"leads", "A,B", "lead organizations (required)"},
        {"responsibles", "A,B", "responsible organizations"},
        {"request-id", "ID", "client id of the call, for a safe retry"}},
       Bind([](const RegistryContext& ctx, const ParsedArgs& args, std::ostream& out) {
         SupervisionCreateArgs create;
         create.plan = PlanFrom(args);
         create.title = args.Value("title");
         create.description = args.Value("description");
         create.assigned_by = args.Value("assigned-by");
         create.measure_text = args.Value("measure");
         create.deadline = args.Value("deadline");
         create.leads = SplitList(args.Value("leads"));
         create.responsibles = SplitList(args.Value("responsibles"));
         create.request_id = args.Value("request-id");
         return SupervisionCreate(ctx, create, out);
       })});
  group.notes =
      "Without --request-id a random one is generated and printed on stderr: pass it to retry\n"
      "a failed call without doing it twice (creating a task or issuing an order).\n";
  return group;
}

}  // namespace ecoplan::ctl
