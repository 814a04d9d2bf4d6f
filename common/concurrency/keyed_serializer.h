#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace ecoplan::common {

// Serialises work per key without blocking any thread and without a global
// lock: Run(key, fn) calls fn(lease) at once when no one holds `key`, else
// queues it; when the holder's lease is released (the last copy of the
// shared_ptr is dropped, typically in a commit callback), the next queued fn
// for the key is handed to `dispatch` (so it never runs on the releasing
// thread, e.g. the database's committer). Different keys never wait for each
// other. Thread-safe; must outlive every lease.
class KeyedSerializer {
 public:
  class Lease;
  using Fn = std::function<void(std::shared_ptr<Lease>)>;

  // `dispatch` runs a queued continuation elsewhere (an executor's Submit);
  // tests may run it inline.
  explicit KeyedSerializer(std::function<void(std::function<void()>)> dispatch)
      : dispatch_(std::move(dispatch)) {}

  void Run(const std::string& key, Fn fn);

  // Run(key, fn) for a write that carries `request_id` (none when empty): the
  // id's own key "q/<id>" is taken first, so a retry waits for the call it
  // repeats whatever resource it names, and is decided after it. `fn` gets
  // one lease holding both keys (the resource's is released first).
  void RunForRequest(const std::string& request_id, const std::string& key, Fn fn);

  // Number of keys held now (for tests and metrics).
  size_t held_keys() const;

  // Held while the work for one key runs; releasing it lets the next one in.
  class Lease {
   public:
    Lease(KeyedSerializer* owner, std::string key) : owner_(owner), key_(std::move(key)) {}
    ~Lease() { owner_->Release(key_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    KeyedSerializer* owner_;
    std::string key_;
  };

 private:
  void Release(const std::string& key);

  const std::function<void(std::function<void()>)> dispatch_;
  mutable absl::Mutex mu_;
  // Present while held; the queue holds the waiting continuations. It is
  // created only when someone waits (an empty std::deque allocates), since
  // nearly every key is taken and released without contention.
  absl::flat_hash_map<std::string, std::unique_ptr<std::deque<Fn>>> held_ ABSL_GUARDED_BY(mu_);
};

}  // namespace ecoplan::common
