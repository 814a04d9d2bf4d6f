#pragma once

// An HTTP server on 127.0.0.1 on a free port, serving on a thread of its own
// from construction until destruction: the webhook receivers of tests and
// benchmarks.
//
//   class Receiver {
//    public:
//     Receiver() : http_([this](httplib::Server& server) {
//       server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) { … });
//     }) {}
//     std::string url() const { return http_.Url("/hook"); }
//    private:
//     …                               // what the handlers use
//     common::LocalHttpServer http_;  // last: it stops before the members its handlers use go
//   };

#include <httplib.h>

#include <functional>
#include <string>
#include <thread>

#include "absl/strings/string_view.h"

namespace ecoplan::common {

class LocalHttpServer {
 public:
  // `routes` registers the handlers and sets the server's options before the
  // port opens. Returns once the server accepts connections.
  explicit LocalHttpServer(const std::function<void(httplib::Server&)>& routes);
  // Stops the server and waits for its thread.
  ~LocalHttpServer();
  LocalHttpServer(const LocalHttpServer&) = delete;
  LocalHttpServer& operator=(const LocalHttpServer&) = delete;

  int port() const { return port_; }
  // "http://<host>:<port><path>".
  std::string Url(absl::string_view path, absl::string_view host = "127.0.0.1") const;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace ecoplan::common
