#include "tests/harness/cluster.h"

#include <signal.h>

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "common/testing/project_path.h"

namespace ecoplan::testing {
namespace {

struct Kind {
  const char* name;
  const char* binary;
};

// The binaries, built by CMake (tests/CMakeLists.txt); a test depends on the
// ones it starts.
const Kind kKinds[] = {
    {"registry", ECOPLAN_REGISTRY_SERVER_PATH},
    {"progress", ECOPLAN_PROGRESS_SERVER_PATH},
    {"indicator", ECOPLAN_INDICATOR_SERVER_PATH},
    {"notification", ECOPLAN_NOTIFICATION_SERVER_PATH},
};

// The kind of server `name` names: the kind itself or "<anything>-<kind>".
const Kind* KindOf(const std::string& name) {
  for (const Kind& kind : kKinds) {
    if (name == kind.name || absl::EndsWith(name, absl::StrCat("-", kind.name))) return &kind;
  }
  return nullptr;
}

std::string Loopback(int port) { return absl::StrCat("127.0.0.1:", port); }

}  // namespace

Cluster::Cluster(std::string dir) : dir_(std::move(dir)) {}

Cluster::~Cluster() { StopAll(); }

Cluster::Instance& Cluster::Get(const std::string& name) {
  auto [it, inserted] = instances_.try_emplace(name);
  if (inserted) order_.push_back(name);
  return it->second;
}

absl::StatusOr<std::string> Cluster::Start(const std::string& name, ServerOptions options) {
  const Kind* kind = KindOf(name);
  if (kind == nullptr) return absl::InvalidArgumentError(absl::StrCat("no server kind: ", name));
  std::vector<std::string> upstream;
  for (const std::string& followed : options.follow) {
    const Kind* followed_kind = KindOf(followed);
    const int followed_port = port(followed);
    if (followed_kind == nullptr || followed_port == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " follows ", followed, ", neither started nor reserved"));
    }
    upstream.push_back(
        absl::StrCat("--", followed_kind->name, "_address=", Loopback(followed_port)));
    upstream.push_back(absl::StrCat("--", followed_kind->name, "_max_backoff=200ms"));
  }
  Instance& instance = Get(name);
  if (instance.process.running()) {
    return absl::FailedPreconditionError(absl::StrCat(name, " is running"));
  }
  const int listen_port = options.port != 0 ? options.port : (instance.started ? 0 : instance.port);
  const std::string port_file = absl::StrCat(dir_, "/", name, ".port", ++starts_);
  std::vector<std::string> argv{
      kind->binary,
      "--host=127.0.0.1",
      absl::StrCat("--port=", listen_port),
      "--port_file=" + port_file,
      "--http_port=0",
      "--http_port_file=" + port_file + ".http",
      "--db_path=" +
          (options.db_path.empty() ? absl::StrCat(dir_, "/", name, "-db") : options.db_path),
      absl::StrCat("--backup_dir=", dir_, "/", name, "-backups")};
  // "${kind}" in a common flag is this server's kind, e.g. its own key file.
  for (const std::string& flag : common_flags_) {
    argv.push_back(absl::StrReplaceAll(flag, {{"${kind}", kind->name}}));
  }
  argv.insert(argv.end(), upstream.begin(), upstream.end());
  argv.insert(argv.end(), options.flags.begin(), options.flags.end());
  instance.options = std::move(options);
  instance.started = true;
  absl::StatusOr<Subprocess> started =
      Subprocess::Start(argv, absl::StrCat(dir_, "/", name, ".log"));
  if (!started.ok()) return started.status();
  instance.process = std::move(*started);
  absl::StatusOr<int> bound = WaitForPortFile(port_file, absl::Seconds(30));
  if (!bound.ok()) {
    return absl::Status(bound.status().code(),
                        absl::StrCat(name, ": ", bound.status().message(), "\n", Log(name)));
  }
  instance.port = *bound;
  // Written before the gRPC port's file.
  absl::StatusOr<int> http_bound = WaitForPortFile(port_file + ".http", absl::Seconds(5));
  instance.http_port = http_bound.ok() ? *http_bound : 0;
  return Loopback(*bound);
}

absl::StatusOr<std::string> Cluster::Restart(const std::string& name) {
  auto it = instances_.find(name);
  if (it == instances_.end() || !it->second.started) {
    return absl::NotFoundError(absl::StrCat(name, " was never started"));
  }
  ServerOptions options = it->second.options;
  options.port = it->second.port;
  return Start(name, std::move(options));
}

absl::StatusOr<std::string> Cluster::Reserve(const std::string& name) {
  const int free_port = FreeLoopbackPort();
  if (free_port == 0) return absl::InternalError("no free loopback port");
  Get(name).port = free_port;
  return Loopback(free_port);
}

absl::StatusOr<int> Cluster::Stop(const std::string& name) {
  Subprocess& server = process(name);
  if (!server.running()) return absl::FailedPreconditionError(absl::StrCat(name, " not running"));
  server.Signal(SIGTERM);
  absl::StatusOr<int> status = server.Wait(absl::Seconds(30));
  if (!status.ok()) {
    server.Signal(SIGKILL);
    (void)server.Wait(absl::Seconds(10));
  }
  return status;
}

absl::Status Cluster::Kill(const std::string& name) {
  Subprocess& server = process(name);
  if (!server.running()) return absl::FailedPreconditionError(absl::StrCat(name, " not running"));
  server.Signal(SIGKILL);
  return server.Wait(absl::Seconds(10)).status();
}

void Cluster::StopAll() {
  for (auto name = order_.rbegin(); name != order_.rend(); ++name) {
    if (process(*name).running()) (void)Stop(*name);
  }
}

std::string Cluster::address(const std::string& name) const {
  const int p = port(name);
  return p == 0 ? "" : Loopback(p);
}

int Cluster::port(const std::string& name) const {
  auto it = instances_.find(name);
  return it == instances_.end() ? 0 : it->second.port;
}

int Cluster::http_port(const std::string& name) const {
  auto it = instances_.find(name);
  return it == instances_.end() ? 0 : it->second.http_port;
}

Subprocess& Cluster::process(const std::string& name) { return Get(name).process; }

std::string Cluster::Log(const std::string& name) const {
  return ReadFile(absl::StrCat(dir_, "/", name, ".log")).value_or("");
}

}  // namespace ecoplan::testing
