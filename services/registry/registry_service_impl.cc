#include "services/registry/registry_service_impl.h"

#include <grpc/slice.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/edge/reactors.h"
#include "common/status/status_macros.h"
#include "services/registry/proto_mapping.h"
#include "services/registry/registry_policy.h"

namespace ecoplan::registry {
namespace {

using common::AnswerAsync;
using common::AnswerInline;
using common::AnswerOn;
using common::FinishUnary;
using common::RefusedStream;

// The caller, if it may call `method` (short name).
absl::StatusOr<common::Principal> Authorize(grpc::CallbackServerContext* ctx,
                                            const common::CallAuthenticator* auth,
                                            absl::string_view method) {
  return auth->Authorize(*ctx, RegistryMethod(method), common::ResourceScope::Any());
}

using common::DateFromProto;

absl::StatusOr<MeasureQueryInput> QueryFromProto(const v1::MeasureFilter& filter) {
  MeasureQueryInput q;
  q.annex_number = filter.annex_number();
  q.section_id = filter.section_id();
  q.organization = filter.organization();
  q.role = static_cast<OrgRole>(filter.role());
  if (filter.role() < 0 || filter.role() > 2) {
    return absl::InvalidArgumentError("filter.role is not a known role");
  }
  if (filter.has_due_after()) {
    ECOPLAN_ASSIGN_OR_RETURN(q.due_after, DateFromProto(filter.due_after(), "filter.due_after"));
  }
  if (filter.has_due_before()) {
    ECOPLAN_ASSIGN_OR_RETURN(q.due_before, DateFromProto(filter.due_before(), "filter.due_before"));
  }
  if (filter.deadline_kind() < 0 || filter.deadline_kind() > 4) {
    return absl::InvalidArgumentError("filter.deadline_kind is not a known kind");
  }
  q.deadline_kind = static_cast<DeadlineKind>(filter.deadline_kind());
  if (filter.has_featured()) q.featured = filter.featured();
  q.text_contains = filter.text_contains();
  if (filter.origin() < 0 || filter.origin() > 2) {
    return absl::InvalidArgumentError("filter.origin is not a known origin");
  }
  q.origin = static_cast<TaskOrigin>(filter.origin());
  return q;
}

std::vector<OrgRefInput> RefInputsFromProto(
    const google::protobuf::RepeatedPtrField<v1::OrgRef>& refs) {
  std::vector<OrgRefInput> out;
  for (const v1::OrgRef& ref : refs) {
    OrgRefInput input{ref.written_name(), {}};
    input.member_names.assign(ref.members().begin(), ref.members().end());
    out.push_back(std::move(input));
  }
  return out;
}

// The correction an UpdateMeasure request asks for. Errors: InvalidArgument.
absl::StatusOr<MeasureUpdate> UpdateFromProto(const v1::UpdateMeasureRequest& request) {
  ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseMeasureName(request.measure().name(), "measure.name"));
  MeasureUpdate update;
  update.plan_id = ids.first;
  update.measure_id = ids.second;
  update.etag = request.etag();
  update.reason = request.reason();
  if (request.update_mask().paths_size() == 0) {
    return absl::InvalidArgumentError(
        "update_mask is required: name the fields to change (deadline, lead_organizations, "
        "responsible_organizations, checkpoints)");
  }
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "deadline" || path == "deadline.raw") {
      update.deadline_raw = request.measure().deadline().raw();
    } else if (path == "lead_organizations") {
      update.leads = RefInputsFromProto(request.measure().lead_organizations());
    } else if (path == "responsible_organizations") {
      update.responsibles = RefInputsFromProto(request.measure().responsible_organizations());
    } else if (path == "checkpoints") {
      std::vector<std::string> phrases;
      for (const v1::Checkpoint& c : request.measure().checkpoints()) {
        phrases.push_back(c.phrase());
      }
      update.checkpoint_phrases = std::move(phrases);
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("update_mask: \"", path.substr(0, 100),
                       "\" cannot be changed; allowed: deadline, lead_organizations, "
                       "responsible_organizations, checkpoints"));
    }
  }
  return update;
}

// Whether an ImportPlan request carries a .docx file (else text): exactly one
// of document_text and document_file, and media_type empty or the .docx type
// (only with document_file).
absl::StatusOr<bool> IsDocxImport(const v1::ImportPlanRequest& request) {
  static constexpr absl::string_view kDocx =
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  const bool text = !request.document_text().empty();
  const bool file = !request.document_file().empty();
  if (text && file) {
    return absl::InvalidArgumentError(
        "document_text, document_file: give exactly one (the text or the .docx file), not both");
  }
  if (!text && !file) {
    return absl::InvalidArgumentError(
        "document_text or document_file is required (the plan's text or its .docx file)");
  }
  if (!request.media_type().empty()) {
    if (text) {
      return absl::InvalidArgumentError(
          "media_type: only for document_file; leave it empty with document_text");
    }
    if (request.media_type() != kDocx) {
      return absl::InvalidArgumentError(
          absl::StrCat("media_type: \"", absl::string_view(request.media_type()).substr(0, 100),
                       "\" is not supported; document_file takes a .docx (", kDocx, ")"));
    }
  }
  return file;
}

// The actor of a change is the authenticated caller.
ChangeContext ContextOf(const common::Principal& who, const std::string& request_id) {
  return ChangeContext{request_id, who.subject};
}

}  // namespace

RegistryServiceImpl::RegistryServiceImpl(TaskRegistry* registry, common::SerialExecutor* reader,
                                         common::RocksDb* db, common::WatchEventsHub* watch_hub,
                                         const common::CallAuthenticator* auth)
    : registry_(registry), reader_(reader), db_(db), watch_hub_(watch_hub), auth_(auth) {
  // The generated base registered ListMeasures with a v1 answer; this handler
  // replaces it at the same method index (the service's method order, as in
  // the descriptor) with a byte answer. The request stays a v1 message, so
  // gRPC parses it and interceptors see it as before.
  const int index = v1::ListMeasuresRequest::descriptor()
                        ->file()
                        ->FindServiceByName("RegistryService")
                        ->FindMethodByName("ListMeasures")
                        ->index();
  MarkMethodCallback(
      index, new grpc::internal::CallbackUnaryHandler<v1::ListMeasuresRequest, grpc::ByteBuffer>(
                 [this](grpc::CallbackServerContext* ctx, const v1::ListMeasuresRequest* request,
                        grpc::ByteBuffer* response) {
                   return ListMeasuresAsBytes(ctx, request, response);
                 }));
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ImportPlan(grpc::CallbackServerContext* ctx,
                                                          const v1::ImportPlanRequest* request,
                                                          v1::ImportPlanResponse* response) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, auth_, "ImportPlan");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<bool> docx = IsDocxImport(*request);
  if (!docx.ok()) return FinishUnary(ctx, docx.status());
  // Parsed on this thread; answered once durable, from the commit's callback.
  return AnswerAsync<ImportResult>(
      ctx,
      [&](TaskRegistry::Done<ImportResult> done) {
        if (*docx) {
          registry_->ImportPlanDocx(request->document_file(), request->validate_only(),
                                    request->time_zone(), ContextOf(*who, request->request_id()),
                                    std::move(done));
          return;
        }
        registry_->ImportPlan(request->document_text(), request->validate_only(),
                              request->time_zone(), ContextOf(*who, request->request_id()),
                              std::move(done));
      },
      [response](const ImportResult& result) {
        *response->mutable_plan() = ToProto(result.plan);
        response->set_already_imported(result.already_imported);
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetPlan(grpc::CallbackServerContext* ctx,
                                                       const v1::GetPlanRequest* request,
                                                       v1::GetPlanResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "GetPlan"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(Plan plan, registry_->GetPlan(plan_id));
    *response->mutable_plan() = ToProto(plan);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListPlans(grpc::CallbackServerContext* ctx,
                                                         const v1::ListPlansRequest* request,
                                                         v1::ListPlansResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ListPlans"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(PlanPage page,
                             registry_->ListPlans({request->page_size(), request->page_token()}));
    for (const Plan& plan : page.plans) *response->add_plans() = ToProto(plan, false);
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ExportPlan(grpc::CallbackServerContext* ctx,
                                                          const v1::ExportPlanRequest* request,
                                                          v1::ExportPlanResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ExportPlan"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(PlanExport exported, registry_->ExportPlan(plan_id));
    *response->mutable_plan() = ToProto(exported.plan);
    for (const Task& task : exported.tasks) *response->add_tasks() = ToProto(plan_id, task);
    for (const Organization& org : exported.organizations) {
      *response->add_organizations() = ToProto(org);
    }
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetTask(grpc::CallbackServerContext* ctx,
                                                       const v1::GetTaskRequest* request,
                                                       v1::GetTaskResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "GetTask"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseTaskName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(Task task, registry_->GetTask(ids.first, ids.second));
    *response->mutable_task() = ToProto(ids.first, task);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListTasks(grpc::CallbackServerContext* ctx,
                                                         const v1::ListTasksRequest* request,
                                                         v1::ListTasksResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ListTasks"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->parent(), "parent"));
    ECOPLAN_ASSIGN_OR_RETURN(MeasureQueryInput query, QueryFromProto(request->filter()));
    ECOPLAN_ASSIGN_OR_RETURN(
        TaskPage page,
        registry_->ListTasks(plan_id, query, {request->page_size(), request->page_token()}));
    for (const Task& task : page.tasks) *response->add_tasks() = ToProto(plan_id, task);
    response->set_next_page_token(page.next_page_token);
    response->set_total_size(page.total_size);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetMeasure(grpc::CallbackServerContext* ctx,
                                                          const v1::GetMeasureRequest* request,
                                                          v1::GetMeasureResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "GetMeasure"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseMeasureName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(auto found, registry_->GetMeasure(ids.first, ids.second));
    *response->mutable_measure() = ToProto(ids.first, found.first, &found.second);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListMeasuresAsBytes(
    grpc::CallbackServerContext* ctx, const v1::ListMeasuresRequest* request,
    grpc::ByteBuffer* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ListMeasures"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string plan_id, ParsePlanName(request->parent(), "parent"));
    ECOPLAN_ASSIGN_OR_RETURN(MeasureQueryInput query, QueryFromProto(request->filter()));
    ECOPLAN_ASSIGN_OR_RETURN(
        MeasurePage page,
        registry_->ListMeasures(plan_id, query, {request->page_size(), request->page_token()}));
    // One copy of the answer's bytes, into the slice gRPC sends.
    const EncodedMeasurePage encoded = measure_answers_.Encode(plan_id, page);
    grpc_slice slice = grpc_slice_malloc(encoded.size());
    encoded.CopyTo(reinterpret_cast<char*>(GRPC_SLICE_START_PTR(slice)));
    grpc::Slice owned(slice, grpc::Slice::STEAL_REF);
    *response = grpc::ByteBuffer(&owned, 1);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::UpdateMeasure(
    grpc::CallbackServerContext* ctx, const v1::UpdateMeasureRequest* request,
    v1::UpdateMeasureResponse* response) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, auth_, "UpdateMeasure");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<MeasureUpdate> update = UpdateFromProto(*request);
  if (!update.ok()) return FinishUnary(ctx, update.status());
  const std::string plan_id = update->plan_id;
  return AnswerAsync<std::pair<Measure, Task>>(
      ctx,
      [&](TaskRegistry::Done<std::pair<Measure, Task>> done) {
        registry_->UpdateMeasure(*update, ContextOf(*who, request->request_id()), std::move(done));
      },
      [response, plan_id](const std::pair<Measure, Task>& written) {
        *response->mutable_measure() = ToProto(plan_id, written.first, &written.second);
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListMeasureRevisions(
    grpc::CallbackServerContext* ctx, const v1::ListMeasureRevisionsRequest* request,
    v1::ListMeasureRevisionsResponse* response) {
  // Revisions are read from disk, so this runs off the gRPC threads.
  return AnswerOn(ctx, Authorize(ctx, auth_, "ListMeasureRevisions"), reader_,
                  [this, request, response]() -> absl::Status {
                    ECOPLAN_ASSIGN_OR_RETURN(auto ids, ParseMeasureName(request->name(), "name"));
                    ECOPLAN_ASSIGN_OR_RETURN(std::vector<MeasureRevision> revisions,
                                             registry_->ListRevisions(ids.first, ids.second));
                    for (const MeasureRevision& r : revisions)
                      *response->add_revisions() = ToProto(ids.first, r);
                    return absl::OkStatus();
                  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::CreateSupervisionTask(
    grpc::CallbackServerContext* ctx, const v1::CreateSupervisionTaskRequest* request,
    v1::CreateSupervisionTaskResponse* response) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, auth_, "CreateSupervisionTask");
  if (!who.ok()) return FinishUnary(ctx, who.status());
  absl::StatusOr<std::string> plan_id = ParsePlanName(request->parent(), "parent");
  if (!plan_id.ok()) return FinishUnary(ctx, plan_id.status());
  SupervisionTaskDraft draft;
  draft.plan_id = *plan_id;
  draft.title = request->title();
  draft.description = request->description();
  draft.assigned_by = request->assigned_by();
  // Administrators assign in any organization's name; a viewer (the command
  // center) only in its own, which its token must name.
  if (who->role != common::Role::kAdministrator) {
    if (who->organization_id.empty()) {
      return FinishUnary(ctx, absl::PermissionDeniedError(
                                  "a viewer creates supervision tasks in its organization's name: "
                                  "its token names no organization (claim org)"));
    }
    draft.assigning_organization_id = who->organization_id;
  }
  for (const v1::Measure& m : request->measures()) {
    draft.measures.push_back({m.text(), m.deadline().raw(),
                              RefInputsFromProto(m.lead_organizations()),
                              RefInputsFromProto(m.responsible_organizations())});
  }
  return AnswerAsync<Task>(
      ctx,
      [&](TaskRegistry::Done<Task> done) {
        registry_->CreateSupervisionTask(draft, ContextOf(*who, request->request_id()),
                                         std::move(done));
      },
      [response, plan_id = *plan_id](const Task& task) {
        *response->mutable_task() = ToProto(plan_id, task);
      });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::GetOrganization(
    grpc::CallbackServerContext* ctx, const v1::GetOrganizationRequest* request,
    v1::GetOrganizationResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "GetOrganization"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(std::string org_id, ParseOrganizationName(request->name(), "name"));
    ECOPLAN_ASSIGN_OR_RETURN(Organization org, registry_->GetOrganization(org_id));
    *response->mutable_organization() = ToProto(org);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ListOrganizations(
    grpc::CallbackServerContext* ctx, const v1::ListOrganizationsRequest* request,
    v1::ListOrganizationsResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ListOrganizations"), [&]() -> absl::Status {
    if (request->kind() < 0 || request->kind() > 4) {
      return absl::InvalidArgumentError("kind is not a known organization kind");
    }
    ECOPLAN_ASSIGN_OR_RETURN(
        OrganizationPage page,
        registry_->ListOrganizations(static_cast<OrganizationKind>(request->kind()),
                                     {request->page_size(), request->page_token()}));
    for (const Organization& org : page.organizations) {
      *response->add_organizations() = ToProto(org);
    }
    response->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

grpc::ServerUnaryReactor* RegistryServiceImpl::ResolveOrganization(
    grpc::CallbackServerContext* ctx, const v1::ResolveOrganizationRequest* request,
    v1::ResolveOrganizationResponse* response) {
  return AnswerInline(ctx, Authorize(ctx, auth_, "ResolveOrganization"), [&]() -> absl::Status {
    ECOPLAN_ASSIGN_OR_RETURN(Resolution resolution,
                             registry_->ResolveOrganization(request->written_name()));
    *response->mutable_reference() = ToProto(resolution.reference);
    for (const Organization& org : resolution.organizations) {
      *response->add_organizations() = ToProto(org);
    }
    return absl::OkStatus();
  });
}

grpc::ServerWriteReactor<v1::WatchEventsResponse>* RegistryServiceImpl::WatchEvents(
    grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* request) {
  absl::StatusOr<common::Principal> who = Authorize(ctx, auth_, "WatchEvents");
  if (!who.ok()) return new RefusedStream<v1::WatchEventsResponse>(who.status());
  return watch_hub_->NewReactor<v1::WatchEventsResponse>(ctx, db_, request->after_sequence(), {},
                                                         who->subject);
}

}  // namespace ecoplan::registry
