#pragma once

#include <deque>
#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace ecoplan::common {

// Runs submitted closures one at a time, in submission order, on its own
// thread. gRPC handlers hand blocking work (a durable write) to it so that
// gRPC's callback threads never wait on disk. The destructor runs what was
// already submitted, then joins. Thread-safe.
class SerialExecutor {
 public:
  SerialExecutor();
  ~SerialExecutor();
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  // Queues `fn`. After the destructor started, `fn` runs inline (nothing is dropped).
  void Submit(std::function<void()> fn);

 private:
  void Loop();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace ecoplan::common
