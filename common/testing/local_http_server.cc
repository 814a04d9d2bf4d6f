#include "common/testing/local_http_server.h"

#include <chrono>

#include "absl/strings/str_cat.h"

namespace ecoplan::common {

LocalHttpServer::LocalHttpServer(const std::function<void(httplib::Server&)>& routes) {
  routes(server_);
  port_ = server_.bind_to_any_port("127.0.0.1");
  thread_ = std::thread([this] { server_.listen_after_bind(); });
  // A stop() before the server runs would be lost: wait until it listens.
  for (int i = 0; i < 2000 && !server_.is_running(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

LocalHttpServer::~LocalHttpServer() {
  server_.stop();
  thread_.join();
}

std::string LocalHttpServer::Url(absl::string_view path, absl::string_view host) const {
  return absl::StrCat("http://", host, ":", port_, path);
}

}  // namespace ecoplan::common
