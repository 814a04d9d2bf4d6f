#pragma once

// The load generator's baselines: bare callback gRPC servers that show what
// the services' design can do at best on this machine, measured in the same
// run as the services (tools/loadgen/measure_all.sh, docs/PERFORMANCE.md).
//   EchoBaseline       answers the request as is: the cost of gRPC alone.
//   CommitterBaseline  the write ceiling: each call hands a 2-key WriteBatch
//                      to one committer thread, which takes every waiting
//                      batch, writes them as one synced write and then
//                      finishes their reactors (a group commit).
//   PointReadBaseline  the read ceiling: each call is one RocksDB Get of a
//                      ~2 KB value, from a DB filled at start.
// They use plain RocksDB with its default options (not common/storage), so
// they stay a baseline whatever the services' storage becomes.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace ecoplan::loadgen {

// A running baseline server bound to 127.0.0.1.
class BaselineServer {
 public:
  virtual ~BaselineServer() = default;
  // The bound port.
  virtual int port() const = 0;
  // Stops serving (waits up to 2 s for calls in flight) and closes the DB.
  virtual void Shutdown() = 0;
};

// Serves EchoService on `port` (0: any free port).
absl::StatusOr<std::unique_ptr<BaselineServer>> StartEchoBaseline(int port);

// Serves CommitterService on `port`, writing into the RocksDB at `db_path`
// (created if missing).
absl::StatusOr<std::unique_ptr<BaselineServer>> StartCommitterBaseline(int port,
                                                                       const std::string& db_path);

// Serves PointReadService on `port` from the RocksDB at `db_path`, first
// filling it with `values` keys PointReadKey(i) → PointReadValue(i, value_bytes)
// unless it already holds the last of them.
absl::StatusOr<std::unique_ptr<BaselineServer>> StartPointReadBaseline(int port,
                                                                       const std::string& db_path,
                                                                       int values = 10000,
                                                                       int value_bytes = 2048);

// The i-th key and value of the point-read DB: "v/00042", and `bytes` bytes
// that start with the key (so a test can tell the values apart).
std::string PointReadKey(int i);
std::string PointReadValue(int i, int bytes);

// The committer's keys for its n-th call (counted from 0 in each server run):
// c/<n, 12 digits> holds the payload, i/<n, 12 digits> holds n in decimal.
std::string CommitPayloadKey(int64_t n);
std::string CommitIndexKey(int64_t n);

// Blocks SIGTERM and SIGINT, runs `start` and serves until one of them
// arrives, after writing the bound port to `port_file` (if not empty).
// Returns the process exit code.
int ServeUntilSignal(const std::function<absl::StatusOr<std::unique_ptr<BaselineServer>>()>& start,
                     const std::string& what, const std::string& port_file);

}  // namespace ecoplan::loadgen
