#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace ecoplan::testing {

// A child process started by a test. The destructor kills it (SIGKILL) if it
// is still running, so a failing test never leaves a server behind.
class Subprocess {
 public:
  // Starts argv[0] (a path) with the arguments; stdout and stderr go to `log_path`
  // (appended). Errors: Internal when it cannot be started.
  static absl::StatusOr<Subprocess> Start(const std::vector<std::string>& argv,
                                          const std::string& log_path);

  // No process (running() is false), e.g. before a server is started.
  Subprocess() = default;
  Subprocess(Subprocess&& other) noexcept;
  Subprocess& operator=(Subprocess&& other) noexcept;
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;
  ~Subprocess();

  pid_t pid() const { return pid_; }
  // Sends `signal` to the child.
  void Signal(int signal) const;
  // Waits for the child to exit, up to `timeout`; returns its wait status
  // (as from waitpid). Errors: DeadlineExceeded (the child keeps running).
  absl::StatusOr<int> Wait(absl::Duration timeout);
  bool running() const { return pid_ > 0; }

 private:
  explicit Subprocess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

// Outcome of a command run to completion.
struct CommandResult {
  int exit_code = -1;
  std::string stdout_text;
  std::string stderr_text;
};

// Runs a command to completion (killed after `timeout`), capturing its output.
absl::StatusOr<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                         absl::Duration timeout = absl::Seconds(60));

// Waits until `path` exists and holds a port number written by a server
// (--port_file), up to `timeout`. Errors: DeadlineExceeded.
absl::StatusOr<int> WaitForPortFile(const std::string& path, absl::Duration timeout);

// A loopback port free now (bound, read and released), 0 when none could be
// bound. For a server that must be known before it starts.
int FreeLoopbackPort();

// Reads a whole file. Errors: NotFound.
absl::StatusOr<std::string> ReadFile(const std::string& path);

}  // namespace ecoplan::testing
