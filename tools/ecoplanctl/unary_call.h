#pragma once

// How ecoplanctl makes every unary call: a deadline per attempt, and retries
// while the server answers UNAVAILABLE (restarting, draining for an upgrade,
// not yet listening) when sending the request again cannot do a change twice.
// A CANCELLED counts as UNAVAILABLE: ecoplanctl cancels no call itself, and a
// server answers CANCELLED to calls caught by its shutdown (AsServerGoneAway).
//
//   ECOPLAN_RETURN_IF_ERROR(UnaryCall(ctx.call, stub, &Stub::GetPlan, request, &response));
//
// Safe to repeat: a method marked `idempotency_level = NO_SIDE_EFFECTS` or
// IDEMPOTENT in its .proto (every Get, List and Evaluate), or a request that
// carries a request_id (the servers answer a repeated id with the first
// result). Other calls are tried once; their UNAVAILABLE says why they were not
// repeated. Each retry is announced on `notices` before its wait.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <ostream>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"

namespace ecoplan::ctl {

struct CallPolicy {
  absl::Duration timeout = absl::Seconds(30);  // deadline of each attempt (--timeout)
  int retries = 4;                             // attempts after the first (--retries); 0: none
  std::ostream* notices = nullptr;             // where retries are announced; may be null
  std::function<void(absl::Duration)> sleep;   // waits between attempts; null: absl::SleepFor
};

// True when sending `request` again cannot repeat a change: its method is
// marked NO_SIDE_EFFECTS or IDEMPOTENT, or it carries a non-empty request_id.
bool SafeToRetry(const google::protobuf::Message& request);

// `status`, with a CANCELLED turned into the UNAVAILABLE it stands for: the
// client did not cancel, so the server did, shutting down (gRPC 1.51 answers
// "CANCELLED" to a call it received but had not yet handed to a handler).
absl::Status AsServerGoneAway(absl::Status status);

// The wait before retry `retry` (1, 2, …): 0.5 s, 1 s, 2 s, then 4 s each, so
// the default four retries span 7.5 s, longer than a service's restart.
absl::Duration RetryWait(int retry);

// Runs `attempt` with a fresh context carrying the deadline; repeats it after
// UNAVAILABLE as the policy allows. The last status is returned, its message
// saying how many attempts were made or why none was repeated.
absl::Status CallWithRetry(const CallPolicy& policy, const google::protobuf::Message& request,
                           absl::FunctionRef<grpc::Status(grpc::ClientContext*)> attempt);

// One unary call of `method` on `stub` under `policy`.
template <typename Stub, typename Request, typename Response>
absl::Status UnaryCall(const CallPolicy& policy, Stub* stub,
                       grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                    Response*),
                       const Request& request, Response* response) {
  return CallWithRetry(policy, request, [&](grpc::ClientContext* context) {
    return (stub->*method)(context, request, response);
  });
}

}  // namespace ecoplan::ctl
