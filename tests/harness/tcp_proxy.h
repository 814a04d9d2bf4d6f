#pragma once

// A loopback TCP proxy for tests of partitions and slow upstreams: it listens
// on 127.0.0.1 (a free port) and forwards every connection to `target`, in one
// of three modes that a test switches at any time:
//
//   kPass   bytes flow both ways;
//   kStall  connections are accepted and kept, but no byte is forwarded: what
//           either side sends is held (in the sockets' buffers) until the mode
//           is kPass again, as over a silent partition;
//   kCut    every open connection is closed and new ones are closed at once
//           (the peer sees a reset), as when a route is refused.
//
//   TcpProxy proxy(registry_port);
//   ASSERT_OK(proxy.Start());
//   … --registry_address=127.0.0.1:<proxy.port()> …
//   proxy.SetMode(TcpProxy::Mode::kCut);
//
// Thread-based and bounded: one thread accepts, one thread per connection
// pumps both directions with poll(); at most kMaxConnections at once (more are
// closed on accept). Stop() (and the destructor) closes everything and joins.
// Thread-safe.

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace ecoplan::testing {

class TcpProxy {
 public:
  enum class Mode { kPass, kStall, kCut };
  static constexpr int kMaxConnections = 32;

  // Forwards to 127.0.0.1:`target_port`.
  explicit TcpProxy(int target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  // Binds 127.0.0.1:0 and starts accepting. Errors: Internal (socket calls).
  absl::Status Start();
  // Closes the listener and every connection, and joins the threads. Idempotent.
  void Stop();

  int port() const { return port_; }
  // Switches the mode; when it returns, no byte is forwarded under the old one.
  void SetMode(Mode mode);
  Mode mode() const { return mode_.load(); }
  // Connections accepted so far (forwarded or refused).
  int64_t accepted() const { return accepted_.load(); }
  // Bytes forwarded so far, both directions.
  int64_t forwarded_bytes() const { return forwarded_.load(); }

 private:
  struct Connection {
    int client = -1;
    int upstream = -1;
    std::atomic<bool> done{false};
    std::thread thread;
  };

  void AcceptLoop();
  void Pump(Connection* connection);
  // Joins and frees finished connections; with `all`, ends every one first.
  void Reap(bool all);

  const int target_port_;
  int listener_ = -1;
  int port_ = 0;
  std::atomic<Mode> mode_{Mode::kPass};
  std::atomic<bool> stopping_{false};
  std::atomic<int64_t> accepted_{0};
  std::atomic<int64_t> forwarded_{0};
  std::thread accept_thread_;
  absl::Mutex mu_;
  std::vector<std::unique_ptr<Connection>> connections_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecoplan::testing
