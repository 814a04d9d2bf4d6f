#pragma once

// The servers of a multi-process test, started as the real binaries on
// 127.0.0.1, wired to each other, with their data, logs and port files in one
// directory (the test's TempDir), and always stopped when the Cluster goes:
//
//   common::TempDir dir_;
//   Cluster cluster_{dir_.path()};   // after dir_: stopped before it is removed
//   Subprocess& indicator_ = cluster_.process("indicator");   // e.g. to kill it
//
//   ASSERT_OK_AND_ASSIGN(std::string registry, cluster_.Start("registry"));
//   // --registry_address=…, --registry_max_backoff=200ms, then the flags (a later flag wins):
//   ServerOptions indicator = Following({"registry"}, {"--evaluation_time=off"});
//   ASSERT_OK_AND_ASSIGN(std::string address, cluster_.Start("indicator", indicator));
//   ASSERT_OK(cluster_.Kill("indicator"));                  // SIGKILL, as in a crash
//   ASSERT_OK_AND_ASSIGN(address, cluster_.Restart("indicator"));  // same port and data
//
// A server's name is its kind — "registry", "progress", "indicator" or
// "notification" — or ends with "-<kind>" for a second server of a kind
// (e.g. "other-registry"). The name names its files under the directory:
// <name>.log (its output, appended over restarts), <name>-db, <name>-backups.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "tests/harness/process.h"

namespace ecoplan::testing {

// How one server is started, on top of what every server of the cluster gets.
struct ServerOptions {
  // Names of the servers this one follows: --<kind>_address of each and
  // --<kind>_max_backoff=200ms. A followed server must be started or reserved
  // (Cluster::Reserve) before.
  std::vector<std::string> follow;
  // Further flags, after all others (a later flag wins, e.g. over an address
  // set by `follow`).
  std::vector<std::string> flags;
  // The loopback port; 0: the one reserved for it (Cluster::Reserve) when it
  // was never started, else a free one. Cluster::Restart keeps the port.
  int port = 0;
  // The RocksDB directory; empty: <dir>/<name>-db.
  std::string db_path;
};

// Options of a server that follows `follow` (by name), with `flags` after all others.
inline ServerOptions Following(std::vector<std::string> follow,
                               std::vector<std::string> flags = {}) {
  ServerOptions options;
  options.follow = std::move(follow);
  options.flags = std::move(flags);
  return options;
}

class Cluster {
 public:
  // Servers write under `dir`, which must outlive the Cluster.
  explicit Cluster(std::string dir);
  // Stops every server still running (StopAll).
  ~Cluster();
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // The flags every server started afterwards gets in place of the default
  // --insecure_development_mode, e.g. keys and TLS (SecuredSetup). "${kind}"
  // in a flag becomes the server's kind ("registry", …), e.g. in the path of
  // its own signing key.
  void SetCommonFlags(std::vector<std::string> flags) { common_flags_ = std::move(flags); }

  // Starts server `name`: --host=127.0.0.1, its port, --port_file (a new one
  // on every start, so a restart never reads the old port), --db_path,
  // --backup_dir, the common flags, the followed addresses, then
  // `options.flags`; waits up to 30 s until it serves (writes its port).
  // Returns its address "127.0.0.1:<port>". Errors: InvalidArgument (unknown
  // kind or followed server), FailedPrecondition (it is running), from
  // Subprocess::Start, DeadlineExceeded (no port written; the message ends
  // with its log).
  absl::StatusOr<std::string> Start(const std::string& name, ServerOptions options = {});
  // Starts `name` again with the options of its last start, on the port it
  // had. Errors: as Start; NotFound (never started).
  absl::StatusOr<std::string> Restart(const std::string& name);
  // Reserves a free loopback port for `name` (not started yet), so that a
  // server started before it can follow it (a cycle: progress ↔ indicator).
  // Returns its address to be.
  absl::StatusOr<std::string> Reserve(const std::string& name);

  // SIGTERM, then waits up to 30 s for `name` to exit; returns its wait
  // status (as from waitpid). Errors: DeadlineExceeded (then it is killed),
  // FailedPrecondition (not running).
  absl::StatusOr<int> Stop(const std::string& name);
  // SIGKILL (a crash), and waits for the exit. Errors: FailedPrecondition (not
  // running).
  absl::Status Kill(const std::string& name);
  // Stops every running server, the last started first: SIGTERM, then
  // SIGKILL after 30 s without exiting.
  void StopAll();

  // "127.0.0.1:<port>" of `name` (started or reserved), else "".
  std::string address(const std::string& name) const;
  // The port of `name` (started or reserved), else 0.
  int port(const std::string& name) const;
  // The server's HTTP port (the same API over HTTP, common/http), on 127.0.0.1.
  int http_port(const std::string& name) const;
  // The process of `name`; the same object over restarts, so a fixture may
  // keep a reference (not running before the first start).
  Subprocess& process(const std::string& name);
  // What `name` has written to its log so far ("" when nothing).
  std::string Log(const std::string& name) const;
  const std::string& dir() const { return dir_; }

 private:
  struct Instance {
    Subprocess process;
    ServerOptions options;
    int port = 0;
    int http_port = 0;
    bool started = false;
  };

  Instance& Get(const std::string& name);

  std::string dir_;
  std::vector<std::string> common_flags_ = {"--insecure_development_mode"};
  std::map<std::string, Instance> instances_;  // nodes are stable: process() stays valid
  std::vector<std::string> order_;             // first start or reservation first
  int starts_ = 0;
};

}  // namespace ecoplan::testing
