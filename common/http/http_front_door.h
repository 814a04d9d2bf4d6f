#pragma once

// The HTTP side of a server (issue 12): every unary and server-streaming RPC
// of its services over HTTP/1.1 and HTTP/2 (cleartext with prior knowledge or
// Upgrade, or TLS with ALPN), speaking
//
//   - the Connect protocol: POST /<pkg>.<Service>/<Method> with JSON or binary
//     bodies, the GET form for NO_SIDE_EFFECTS methods, Connect's streaming
//     envelopes for server streams, errors as {"code": "not_found", …};
//   - Server-Sent Events for streams carrying (ecoplan.api.v1.event_stream):
//     GET with Accept: text/event-stream, resumed by Last-Event-ID;
//   - GET /healthz (the gRPC health status) and GET /openapi.json.
//
// It routes by the services' descriptors (common/http/service_methods.h) and
// forwards each call through the server's own in-process gRPC channel, so an
// HTTP call passes exactly the interceptors and handlers a gRPC call passes:
// authentication (Authorization: Bearer), authorization, audit, refusal
// throttle, rate limits, metrics. What it refuses itself (malformed JSON, an
// unknown field, an oversized body, a wrong Content-Type) it sends the same
// way as a refused call, so the refusal is audited as its gRPC twin
// (common/server/unparsable_request_interceptor.h).
//
// Built on libh2o (evloop): `threads` event loops share the port
// (SO_REUSEPORT); a gRPC completion is handed back to its loop through h2o's
// multithread queue. No handler blocks a loop.
//
//   ASSIGN_OR_RETURN(auto methods, ServiceMethods::ForServices(names));
//   ASSIGN_OR_RETURN(auto door, HttpFrontDoor::Start(options, server->InProcessChannel(),
//                                                    std::move(methods)));
//   …
//   door->Shutdown();  // before the gRPC server's Shutdown

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/http/service_methods.h"

namespace ecoplan::common {

struct HttpFrontDoorOptions {
  // Address to listen on ("0.0.0.0", "127.0.0.1", "::").
  std::string host = "0.0.0.0";
  // 0 picks a free port (see HttpFrontDoor::port()).
  int port = 0;
  // Event loops (threads) sharing the port.
  int threads = 2;
  // A larger request body is answered 413 (and audited as a refusal).
  int max_body_bytes = 8 << 20;
  // PEM of the server's certificate chain and key: HTTPS (HTTP/2 by ALPN).
  // Both empty: cleartext.
  std::string tls_certificate_chain;
  std::string tls_private_key;
  // Server-Sent Event streams send a comment line this often when idle, so
  // proxies keep them open.
  absl::Duration keep_alive_interval = absl::Seconds(15);
  // Served at GET /openapi.json; empty: 404.
  std::string openapi_document;
  // Origins (e.g. "https://zhihui.bjmtg.gov.cn") whose browser pages may call
  // the API (CORS: preflight answered, Access-Control-Allow-Origin on the
  // answers); "*" any origin; empty: none.
  std::vector<std::string> cors_origins;
};

class HttpFrontDoor {
 public:
  // Binds the port and starts the loops. `channel` is the server's in-process
  // channel (RunningServer::InProcessChannel); it must stay usable until
  // Shutdown returns. Errors: Unavailable (the port is taken),
  // InvalidArgument (bad host, bad TLS PEM).
  static absl::StatusOr<std::unique_ptr<HttpFrontDoor>> Start(
      const HttpFrontDoorOptions& options, std::shared_ptr<grpc::Channel> channel,
      std::unique_ptr<ServiceMethods> methods);

  // Shutdown().
  ~HttpFrontDoor();
  HttpFrontDoor(const HttpFrontDoor&) = delete;
  HttpFrontDoor& operator=(const HttpFrontDoor&) = delete;

  int port() const { return port_; }

  // Stops accepting connections, cancels the calls in flight (open streams
  // end), answers them, and stops the loops. Idempotent.
  void Shutdown();

  struct Loop;  // one event loop and its thread (http_front_door.cc)
  struct Shared;

 private:
  HttpFrontDoor() = default;

  int port_ = 0;
  std::unique_ptr<Shared> shared_;
  std::vector<std::unique_ptr<Loop>> loops_;
  bool shut_down_ = false;
};

}  // namespace ecoplan::common
