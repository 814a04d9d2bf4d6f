#pragma once

// What an HTTP request to an RPC's Connect route asks for, decided without
// h2o or gRPC: how it is answered (unary, Connect stream, Server-Sent Events),
// in which codec, the request message's binary bytes and the call's deadline —
// or the refusal (HTTP status, gRPC code, message) the front door sends
// through the in-process channel instead, so that a refused request is
// audited and throttled as its gRPC twin. The front door
// (http_front_door.cc) reads the request's headers into a FrontDoorRequest
// and starts the call DecodeRpcRequest describes.

#include <grpcpp/support/status.h>

#include <cstddef>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/http/connect_protocol.h"
#include "common/http/service_methods.h"

namespace ecoplan::common {

// How a call's answer goes back. kDownload: a resource URL of a method with
// (ecoplan.api.v1.http_body), answered with the file itself (a unary
// response's bytes field, or a server stream's chunks gathered); resource
// URLs are routed by HttpRuleRouter, never decided here.
enum class FrontDoorMode { kUnary, kConnectStream, kSse, kDownload };

// The parts of an HTTP request that decide its call. Header values as sent
// (several of one name joined with ","), "" when absent.
struct FrontDoorRequest {
  absl::string_view verb;   // "GET", "POST", …
  absl::string_view query;  // after '?', undecoded
  absl::string_view body;
  std::string accept;
  std::string content_type;
  std::string last_event_id;
  std::string connect_protocol_version;
  std::string connect_timeout_ms;
};

// A refusal: the HTTP status and gRPC code it is answered with, and why.
struct FrontDoorRefusal {
  int http_status = 400;
  grpc::StatusCode code = grpc::StatusCode::INVALID_ARGUMENT;
  std::string message;
};

// The call a request asks for, or its refusal (then mode is kUnary and
// binary empty).
struct FrontDoorCall {
  FrontDoorMode mode = FrontDoorMode::kUnary;
  Codec codec = Codec::kJson;
  std::string binary;                     // the request message
  std::optional<absl::Duration> timeout;  // Connect-Timeout-Ms
  std::optional<FrontDoorRefusal> refusal;
};

// The call `request` asks of `method` (found at the request's path) under the
// Connect protocol: a unary call by POST (application/json or
// application/proto) or, for a method without side effects, by GET
// (?message=…&encoding=…); a server stream by POST with a Connect envelope
// (application/connect+json or +proto) or, when the method names its event
// ids (ecoplan.api.v1.event_stream), by GET with Accept: text/event-stream,
// resuming after Last-Event-ID. Bodies over `max_body_bytes`, bad JSON, an
// unknown query parameter, a wrong verb, content type, protocol version or
// timeout are refusals naming the problem.
FrontDoorCall DecodeRpcRequest(const ServiceMethods& methods, const HttpMethod& method,
                               const FrontDoorRequest& request, size_t max_body_bytes);

// The refusal of a body of `size` bytes over `max_body_bytes` (413).
FrontDoorRefusal BodyTooLarge(size_t size, size_t max_body_bytes);

// Whether `path` has a gRPC method's shape: /<package>.<Service>/<Method>.
bool LooksLikeRpcPath(absl::string_view path);

}  // namespace ecoplan::common
