#pragma once

// The reactor steps every gRPC handler of the services takes, written once:
// authorize the caller, run the call inline or on an executor (the writer
// thread, a reader), finish the reactor with the mapped status. A handler
// says only what is its own: parse the request, call one use case, fill the
// response. Nothing here logs or maps errors itself: that is
// common::ToGrpcStatus, the only absl → gRPC mapping.
//
//   grpc::ServerUnaryReactor* FooServiceImpl::GetBar(ctx, request, response) {
//     return common::AnswerInline(ctx, Authorize(ctx, "GetBar"),
//                                 [&](const Caller& who) -> absl::Status { ... });
//   }

#include <grpcpp/grpcpp.h>

#include <type_traits>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/concurrency/serial_executor.h"
#include "common/status/grpc_status.h"

namespace ecoplan::common {

// Runs `fn` as `who`: with the caller when `fn` takes it, else without.
template <typename Who, typename Fn>
absl::Status InvokeAs(Fn& fn, const Who& who) {
  if constexpr (std::is_invocable_v<Fn&, const Who&>) {
    return fn(who);
  } else {
    return fn();
  }
}

// A unary call finished at once with `status` (a refusal before any work).
inline grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx,
                                             const absl::Status& status) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  reactor->Finish(ToGrpcStatus(status));
  return reactor;
}

// Finishes a unary call with the outcome of `fn`, run inline on the gRPC
// thread (reads of in-memory state and point reads only: a reaction must be
// fast).
template <typename Fn>
grpc::ServerUnaryReactor* AnswerInline(grpc::CallbackServerContext* ctx, Fn fn) {
  return FinishUnary(ctx, fn());
}

// Same, once `who` (the authorized caller, or why not) allows it; `fn` takes
// the caller or nothing.
template <typename Who, typename Fn>
grpc::ServerUnaryReactor* AnswerInline(grpc::CallbackServerContext* ctx,
                                       const absl::StatusOr<Who>& who, Fn fn) {
  return FinishUnary(ctx, who.ok() ? InvokeAs(fn, *who) : who.status());
}

// Finishes a unary call with the outcome of `fn`, run on `executor` (the
// writer thread, for a call that waits for a durable write; a reader, for one
// that scans the database).
template <typename Fn>
grpc::ServerUnaryReactor* AnswerOn(grpc::CallbackServerContext* ctx, SerialExecutor* executor,
                                   Fn fn) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  executor->Submit(
      [reactor, fn = std::move(fn)]() mutable { reactor->Finish(ToGrpcStatus(fn())); });
  return reactor;
}

// Same, once `who` allows it: the caller is checked first, on the gRPC
// thread, so refused calls never queue.
template <typename Who, typename Fn>
grpc::ServerUnaryReactor* AnswerOn(grpc::CallbackServerContext* ctx, absl::StatusOr<Who> who,
                                   SerialExecutor* executor, Fn fn) {
  if (!who.ok()) return FinishUnary(ctx, who.status());
  return AnswerOn(ctx, executor, [who = *std::move(who), fn = std::move(fn)]() mutable {
    return InvokeAs(fn, who);
  });
}

// Starts an asynchronous use case: `start(done)` calls it; `done(result)`
// fills the response with `fill(value)` when it succeeded and finishes the
// call (on whatever thread the use case ends, e.g. after a group commit).
template <typename T, typename Start, typename Fill>
grpc::ServerUnaryReactor* AnswerAsync(grpc::CallbackServerContext* ctx, Start start, Fill fill) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  start([reactor, fill = std::move(fill)](absl::StatusOr<T> result) {
    if (result.ok()) fill(*result);
    reactor->Finish(ToGrpcStatus(result.status()));
  });
  return reactor;
}

// A server stream refused before it started (caller or request refused).
// Deletes itself when gRPC is done with it: return `new RefusedStream<R>(s)`.
template <typename Response>
class RefusedStream final : public grpc::ServerWriteReactor<Response> {
 public:
  explicit RefusedStream(const absl::Status& status) { this->Finish(ToGrpcStatus(status)); }
  void OnDone() override { delete this; }
};

}  // namespace ecoplan::common

// Declares the handler of the unary RPC `Method` in a subclass of a generated
// CallbackService whose messages are v1::Method##Request and
// v1::Method##Response (every service's package is <name>.v1):
//   ECOPLAN_UNARY_RPC(GetPlan);
#define ECOPLAN_UNARY_RPC(Method)                                      \
  grpc::ServerUnaryReactor* Method(grpc::CallbackServerContext* ctx,   \
                                   const v1::Method##Request* request, \
                                   v1::Method##Response* response) override
