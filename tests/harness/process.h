#pragma once

#include <sys/types.h>

#include <initializer_list>
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

// Starts a server binary for a test in development mode on 127.0.0.1:`port`
// (0: a free port): --port_file under `dir` (a new one on every start, so a
// restart never reads the old port), --db_path `dir`/<name>-db, its output
// appended to `dir`/<name>.log; then waits up to 30 s for it to serve.
// `extra` flags follow (a later flag wins). On success `server` holds the process
// and the result is its address "127.0.0.1:<port>". Errors: from Subprocess::Start,
// DeadlineExceeded (no port written; the message ends with the server's log).
absl::StatusOr<std::string> StartDevelopmentServer(const std::string& binary,
                                                   const std::string& dir, const std::string& name,
                                                   int port, const std::vector<std::string>& extra,
                                                   Subprocess* server);

// A loopback port free now (bound, read and released), 0 when none could be
// bound. For a server that must be known before it starts.
int FreeLoopbackPort();

// Reads a whole file. Errors: NotFound.
absl::StatusOr<std::string> ReadFile(const std::string& path);

// Stops the servers still running, in the order given: SIGTERM, then SIGKILL
// after 30 s without exiting. For a test's TearDown.
void StopServers(std::initializer_list<Subprocess*> servers);

}  // namespace ecoplan::testing
