#pragma once

#include <grpcpp/grpcpp.h>

#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/events/watch_events_reactor.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/domain/task_registry.h"

namespace ecoplan::registry {

// gRPC edge of the task registry: maps v1 messages to domain calls and the
// result back, and nothing else. Reads answer inline from the registry's
// in-memory view; writes run on `writer` so no gRPC thread waits on disk.
// WatchEvents streams `db`'s event log through `watch_hub`. Every RPC first
// authenticates and authorizes the caller with `auth` against RegistryPolicy()
// (UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED); the caller's
// subject is the actor of each change. All pointers must outlive the service.
class RegistryServiceImpl final : public v1::RegistryService::CallbackService {
 public:
  RegistryServiceImpl(TaskRegistry* registry, common::SerialExecutor* writer, common::RocksDb* db,
                      common::WatchEventsHub* watch_hub, const common::CallAuthenticator* auth);

  grpc::ServerUnaryReactor* ImportPlan(grpc::CallbackServerContext* ctx,
                                       const v1::ImportPlanRequest* request,
                                       v1::ImportPlanResponse* response) override;
  grpc::ServerUnaryReactor* GetPlan(grpc::CallbackServerContext* ctx,
                                    const v1::GetPlanRequest* request,
                                    v1::GetPlanResponse* response) override;
  grpc::ServerUnaryReactor* ListPlans(grpc::CallbackServerContext* ctx,
                                      const v1::ListPlansRequest* request,
                                      v1::ListPlansResponse* response) override;
  grpc::ServerUnaryReactor* ExportPlan(grpc::CallbackServerContext* ctx,
                                       const v1::ExportPlanRequest* request,
                                       v1::ExportPlanResponse* response) override;
  grpc::ServerUnaryReactor* GetTask(grpc::CallbackServerContext* ctx,
                                    const v1::GetTaskRequest* request,
                                    v1::GetTaskResponse* response) override;
  grpc::ServerUnaryReactor* ListTasks(grpc::CallbackServerContext* ctx,
                                      const v1::ListTasksRequest* request,
                                      v1::ListTasksResponse* response) override;
  grpc::ServerUnaryReactor* GetMeasure(grpc::CallbackServerContext* ctx,
                                       const v1::GetMeasureRequest* request,
                                       v1::GetMeasureResponse* response) override;
  grpc::ServerUnaryReactor* ListMeasures(grpc::CallbackServerContext* ctx,
                                         const v1::ListMeasuresRequest* request,
                                         v1::ListMeasuresResponse* response) override;
  grpc::ServerUnaryReactor* UpdateMeasure(grpc::CallbackServerContext* ctx,
                                          const v1::UpdateMeasureRequest* request,
                                          v1::UpdateMeasureResponse* response) override;
  grpc::ServerUnaryReactor* ListMeasureRevisions(
      grpc::CallbackServerContext* ctx, const v1::ListMeasureRevisionsRequest* request,
      v1::ListMeasureRevisionsResponse* response) override;
  grpc::ServerUnaryReactor* CreateSupervisionTask(
      grpc::CallbackServerContext* ctx, const v1::CreateSupervisionTaskRequest* request,
      v1::CreateSupervisionTaskResponse* response) override;
  grpc::ServerUnaryReactor* GetOrganization(grpc::CallbackServerContext* ctx,
                                            const v1::GetOrganizationRequest* request,
                                            v1::GetOrganizationResponse* response) override;
  grpc::ServerUnaryReactor* ListOrganizations(grpc::CallbackServerContext* ctx,
                                              const v1::ListOrganizationsRequest* request,
                                              v1::ListOrganizationsResponse* response) override;
  grpc::ServerUnaryReactor* ResolveOrganization(grpc::CallbackServerContext* ctx,
                                                const v1::ResolveOrganizationRequest* request,
                                                v1::ResolveOrganizationResponse* response) override;
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* request) override;

 private:
  TaskRegistry* const registry_;
  common::SerialExecutor* const writer_;
  common::RocksDb* const db_;
  common::WatchEventsHub* const watch_hub_;
  const common::CallAuthenticator* const auth_;
};

}  // namespace ecoplan::registry
