#pragma once

#include <grpcpp/grpcpp.h>

#include "common/auth/call_authenticator.h"
#include "common/concurrency/serial_executor.h"
#include "common/edge/reactors.h"
#include "common/events/watch_events_reactor.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "services/registry/domain/task_registry.h"
#include "services/registry/measure_answer_cache.h"

namespace ecoplan::registry {

// gRPC edge of the task registry: maps v1 messages to domain calls and the
// result back, and nothing else. Reads answer inline from the registry's
// in-memory view (revisions, read from disk, on `reader`); a write is decided
// on the gRPC thread (or, when it waited for another, where the registry
// dispatches it) and answered from its commit's callback once durable, so no
// gRPC thread waits on disk (TaskRegistry).
// WatchEvents streams `db`'s event log through `watch_hub`. Every RPC first
// authenticates and authorizes the caller with `auth` against RegistryPolicy()
// (UNAUTHENTICATED, PERMISSION_DENIED, RESOURCE_EXHAUSTED); the caller's
// subject is the actor of each change. All pointers must outlive the service.
//
// ListMeasures answers bytes: its handler is registered with a v1 request and
// a grpc::ByteBuffer answer, filled from each measure's encoding kept once per
// plan version (MeasureAnswerCache), byte for byte what the v1 answer would
// serialize to. Interceptors see the typed request as for every other method
// (audit reads its fields); none reads an answer message.
class RegistryServiceImpl final : public v1::RegistryService::CallbackService {
 public:
  RegistryServiceImpl(TaskRegistry* registry, common::SerialExecutor* reader, common::RocksDb* db,
                      common::WatchEventsHub* watch_hub, const common::CallAuthenticator* auth);

  ECOPLAN_UNARY_RPC(ImportPlan);
  ECOPLAN_UNARY_RPC(GetPlan);
  ECOPLAN_UNARY_RPC(ListPlans);
  ECOPLAN_UNARY_RPC(ExportPlan);
  ECOPLAN_UNARY_RPC(GetTask);
  ECOPLAN_UNARY_RPC(ListTasks);
  ECOPLAN_UNARY_RPC(GetMeasure);
  ECOPLAN_UNARY_RPC(UpdateMeasure);
  ECOPLAN_UNARY_RPC(ListMeasureRevisions);
  ECOPLAN_UNARY_RPC(CreateSupervisionTask);
  ECOPLAN_UNARY_RPC(GetOrganization);
  ECOPLAN_UNARY_RPC(ListOrganizations);
  ECOPLAN_UNARY_RPC(ResolveOrganization);
  grpc::ServerWriteReactor<v1::WatchEventsResponse>* WatchEvents(
      grpc::CallbackServerContext* ctx, const v1::WatchEventsRequest* request) override;

 private:
  // ListMeasures, answered as the serialized v1::ListMeasuresResponse.
  grpc::ServerUnaryReactor* ListMeasuresAsBytes(grpc::CallbackServerContext* ctx,
                                                const v1::ListMeasuresRequest* request,
                                                grpc::ByteBuffer* response);

  TaskRegistry* const registry_;
  common::SerialExecutor* const reader_;
  common::RocksDb* const db_;
  common::WatchEventsHub* const watch_hub_;
  const common::CallAuthenticator* const auth_;
  MeasureAnswerCache measure_answers_;
};

}  // namespace ecoplan::registry
