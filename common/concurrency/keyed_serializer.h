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
// other. Thread-safe. A lease may outlive the serializer (a commit callback
// finishing on the committer thread while its owner is being destroyed): its
// release then only drops what still waits for the key, which runs no more.
class KeyedSerializer {
 public:
  // Held while the work for one key runs; releasing it lets the next one in.
  class Lease;
  using Fn = std::function<void(std::shared_ptr<Lease>)>;

  // `dispatch` runs a queued continuation elsewhere (an executor's Submit);
  // tests may run it inline.
  explicit KeyedSerializer(std::function<void(std::function<void()>)> dispatch);
  // Leases still held release into the shared state; queued work is dropped.
  ~KeyedSerializer();
  KeyedSerializer(const KeyedSerializer&) = delete;
  KeyedSerializer& operator=(const KeyedSerializer&) = delete;

  void Run(const std::string& key, Fn fn);

  // Run(key, fn) for a write that carries `request_id` (none when empty): the
  // id's own key "q/<id>" is taken first, so a retry waits for the call it
  // repeats whatever resource it names, and is decided after it. `fn` gets
  // one lease holding both keys (the resource's is released first).
  void RunForRequest(const std::string& request_id, const std::string& key, Fn fn);

  // Number of keys held now (for tests and metrics).
  size_t held_keys() const;

 private:
  // What the leases share with the serializer, so that either may go first.
  struct State {
    explicit State(std::function<void(std::function<void()>)> dispatch)
        : dispatch(std::move(dispatch)) {}
    void Release(const std::shared_ptr<State>& self, const std::string& key);

    const std::function<void(std::function<void()>)> dispatch;
    mutable absl::Mutex mu;
    bool closed ABSL_GUARDED_BY(mu) = false;  // the serializer is gone
    // Present while held; the queue holds the waiting continuations. It is
    // created only when someone waits (an empty std::deque allocates), since
    // nearly every key is taken and released without contention.
    absl::flat_hash_map<std::string, std::unique_ptr<std::deque<Fn>>> held ABSL_GUARDED_BY(mu);
  };

  const std::shared_ptr<State> state_;
};

class KeyedSerializer::Lease {
 public:
  Lease(std::shared_ptr<State> state, std::string key)
      : state_(std::move(state)), key_(std::move(key)) {}
  ~Lease() { state_->Release(state_, key_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;

 private:
  std::shared_ptr<State> state_;
  std::string key_;
};

}  // namespace ecoplan::common
