#pragma once

// The health details an operator reads besides grpc.health: GET /status on the
// metrics port (MetricsHttpServer) answers one JSON object
//
//   {"time": "2026-04-22T01:00:00Z",
//    "followers": [{"upstream": "registry", "state": "following", …}, …],
//    "storage": {"writes_failing": false, …}}
//
// built at request time from the sections the server's parts registered:
// objects under a name ("storage", common/server/storage_signals.h) and lists
// of items under a name, sorted by key ("followers", common/server/upstream.h).
// Each section is a function run on the HTTP thread, so what it reads must be
// thread-safe; it must not call back into the page. docs/OPERATIONS.md
// ("The status page") lists the fields. Thread-safe.

#include <functional>
#include <map>
#include <string>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"

namespace ecoplan::common {

class StatusPage {
 public:
  using Render = std::function<nlohmann::ordered_json()>;

  // Sets (or replaces) the object section `name`.
  void Set(const std::string& name, Render render);
  // Sets (or replaces) the item `key` of the list section `list`.
  void SetItem(const std::string& list, const std::string& key, Render render);
  // Forgets section `name` (an object or a whole list), e.g. before what it
  // reads is destroyed; waits for a request rendering it to finish.
  void Remove(const std::string& name);

  // {"time": now (RFC 3339, UTC), then the sections by name}.
  nlohmann::ordered_json ToJson(absl::Time now) const;

  // RFC 3339 in UTC with seconds ("2026-04-22T01:00:00.250Z"), or null for
  // an infinite time (never / not now).
  static nlohmann::ordered_json TimeJson(absl::Time t);

 private:
  mutable absl::Mutex mu_;
  std::map<std::string, Render> objects_ ABSL_GUARDED_BY(mu_);
  std::map<std::string, std::map<std::string, Render>> lists_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecoplan::common
