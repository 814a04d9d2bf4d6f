#include "tests/harness/tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace ecoplan::testing {
namespace {

// How often the threads look at the mode and the stop flag.
constexpr int kPollMs = 20;

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<uint16_t>(port));
  return address;
}

// Closes `fd` with a reset (SO_LINGER 0), so the peer learns at once.
void Reset(int fd) {
  if (fd < 0) return;
  linger option{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof(option));
  close(fd);
}

// Writes all of `data`, waiting while the socket is full; false when the peer is gone.
bool WriteAll(int fd, const char* data, size_t size, const std::atomic<bool>& stopping) {
  while (size > 0) {
    const ssize_t n = send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      data += n;
      size -= static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
      if (stopping.load()) return false;
      pollfd p{fd, POLLOUT, 0};
      poll(&p, 1, kPollMs);
      continue;
    }
    return false;
  }
  return true;
}

}  // namespace

TcpProxy::TcpProxy(int target_port) : target_port_(target_port) {}

TcpProxy::~TcpProxy() { Stop(); }

absl::Status TcpProxy::Start() {
  listener_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  const int one = 1;
  setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in address = Loopback(0);
  socklen_t length = sizeof(address);
  if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(listener_, 64) != 0 ||
      getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const std::string error = std::strerror(errno);
    close(listener_);
    listener_ = -1;
    return absl::InternalError(absl::StrCat("bind 127.0.0.1:0: ", error));
  }
  port_ = ntohs(address.sin_port);
  accept_thread_ = std::thread([this] { AcceptLoop(); });
  return absl::OkStatus();
}

void TcpProxy::Stop() {
  if (stopping_.exchange(true)) return;
  if (accept_thread_.joinable()) accept_thread_.join();
  if (listener_ >= 0) close(listener_);
  listener_ = -1;
  Reap(/*all=*/true);
}

void TcpProxy::SetMode(Mode mode) {
  mode_.store(mode);
  // Every thread looks at the mode at least once per kPollMs, and again before
  // it forwards what a wait brought: after this, the new mode holds.
  std::this_thread::sleep_for(std::chrono::milliseconds(3 * kPollMs));
}

void TcpProxy::AcceptLoop() {
  while (!stopping_.load()) {
    pollfd p{listener_, POLLIN, 0};
    if (poll(&p, 1, kPollMs) <= 0) {
      Reap(/*all=*/false);
      continue;
    }
    const int client = accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++accepted_;
    Reap(/*all=*/false);
    absl::MutexLock lock(&mu_);
    if (mode_.load() == Mode::kCut || static_cast<int>(connections_.size()) >= kMaxConnections) {
      Reset(client);
      continue;
    }
    const int upstream = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in target = Loopback(target_port_);
    if (upstream < 0 ||
        connect(upstream, reinterpret_cast<sockaddr*>(&target), sizeof(target)) != 0) {
      if (upstream >= 0) close(upstream);
      Reset(client);
      continue;
    }
    const int one = 1;
    setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    setsockopt(upstream, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    auto connection = std::make_unique<Connection>();
    connection->client = client;
    connection->upstream = upstream;
    Connection* raw = connection.get();
    connection->thread = std::thread([this, raw] { Pump(raw); });
    connections_.push_back(std::move(connection));
  }
}

void TcpProxy::Pump(Connection* c) {
  char buffer[16384];
  while (!stopping_.load()) {
    const Mode mode = mode_.load();
    if (mode == Mode::kCut) break;
    if (mode == Mode::kStall) {
      // Hold everything: read nothing, so both sides' bytes wait in the buffers.
      pollfd p[2] = {{c->client, 0, 0}, {c->upstream, 0, 0}};
      poll(p, 2, kPollMs);
      continue;
    }
    pollfd p[2] = {{c->client, POLLIN, 0}, {c->upstream, POLLIN, 0}};
    if (poll(p, 2, kPollMs) <= 0) continue;
    // The mode may have changed during the wait: nothing passes once SetMode returned.
    if (mode_.load() != Mode::kPass) continue;
    bool closed = false;
    for (int i = 0; i < 2 && !closed; ++i) {
      if ((p[i].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const int from = i == 0 ? c->client : c->upstream;
      const int to = i == 0 ? c->upstream : c->client;
      const ssize_t n = recv(from, buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
      if (n <= 0 || !WriteAll(to, buffer, static_cast<size_t>(n), stopping_)) {
        closed = true;
        break;
      }
      forwarded_ += n;
    }
    if (closed) break;
  }
  Reset(c->client);
  Reset(c->upstream);
  c->done.store(true);
}

void TcpProxy::Reap(bool all) {
  std::vector<std::unique_ptr<Connection>> finished;
  {
    absl::MutexLock lock(&mu_);
    for (auto it = connections_.begin(); it != connections_.end();) {
      if (all || (*it)->done.load()) {
        finished.push_back(std::move(*it));
        it = connections_.erase(it);
      } else {
        ++it;
      }
    }
  }
  // `all` is called after stopping_ is set: every pump returns within kPollMs.
  for (auto& connection : finished) connection->thread.join();
}

}  // namespace ecoplan::testing
