// Notifier: how a write becomes durable (see the class comment and docs/ARCHITECTURE.md, "Where a
// write becomes durable"): its keys, the decision under the mutex, the asynchronous commit, the
// publication in the commit's callback, then the answer. And the upstream events' path, whose
// commit is the follower's.

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/notification/domain/notifier.h"

namespace ecoplan::notification {
namespace {

thread_local const WriteOrigin* current_origin = nullptr;

}  // namespace

WriteOrigin::WriteOrigin(std::string actor, std::string request_id)
    : actor_(std::move(actor)), request_id_(std::move(request_id)), previous_(current_origin) {
  current_origin = this;
}

WriteOrigin::~WriteOrigin() { current_origin = previous_; }

const WriteOrigin* WriteOrigin::Current() { return current_origin; }

void Notifier::WithKeys(std::vector<std::string> keys, std::function<void(Lease)> fn) {
  if (keys.empty()) {
    fn(nullptr);
    return;
  }
  const std::string first = keys.front();
  keys.erase(keys.begin());
  serializer_.Run(first, [this, rest = std::move(keys), fn = std::move(fn)](
                             std::shared_ptr<common::KeyedSerializer::Lease> held) mutable {
    WithKeys(std::move(rest), [held = std::move(held), fn = std::move(fn)](Lease inner) {
      // One guard holding both; a pair destroys its second first: the key taken last goes first.
      fn(std::make_shared<std::pair<Lease, Lease>>(held, std::move(inner)));
    });
  });
}

Notifier::Lease Notifier::AwaitKeys(std::vector<std::string> keys) {
  absl::Notification held;
  Lease lease;
  WithKeys(std::move(keys), [&](Lease l) {
    lease = std::move(l);
    held.Notify();
  });
  held.WaitForNotification();
  return lease;
}

void Notifier::Write(std::vector<std::string> keys, Decide decide, DoneStatus done) {
  // Taken now, on the thread that starts the write: the decision may run on another.
  const WriteOrigin* origin = WriteOrigin::Current();
  WithKeys(std::move(keys), [this, decide = std::move(decide), done = std::move(done),
                             actor = origin != nullptr ? origin->actor() : std::string(),
                             request_id = origin != nullptr ? origin->request_id()
                                                            : std::string()](Lease lease) mutable {
    auto changes = std::make_shared<Changes>();
    absl::Status decided;
    {
      absl::MutexLock lock(&mu_);
      decided = decide(changes.get());
      absl::Status lookup = TakeLookupError();
      if (decided.ok() && !lookup.ok()) decided = std::move(lookup);
      reserved_keys_.clear();
    }
    changes->actor = std::move(actor);
    changes->request_id = std::move(request_id);
    if (!decided.ok() || changes->empty()) {
      lease.reset();
      done(decided);
      return;
    }
    // Without mu_: the commit is enqueued to the group committer, the callback publishes.
    store_->CommitAsync(*changes, [this, changes, lease = std::move(lease),
                                   done = std::move(done)](absl::Status committed) mutable {
      if (committed.ok()) {
        absl::MutexLock lock(&mu_);
        Apply(*changes);
      }
      lease.reset();
      done(committed);
    });
  });
}

absl::Status Notifier::AwaitStatus(const std::function<void(DoneStatus)>& start) {
  absl::Notification answered;
  absl::Status result;
  start([&](absl::Status s) {
    result = std::move(s);
    answered.Notify();
  });
  answered.WaitForNotification();
  return result;
}

std::vector<std::string> Notifier::KeysWithRequest(const std::string& request_id,
                                                   std::vector<std::string> keys) {
  if (!request_id.empty()) keys.insert(keys.begin(), absl::StrCat("request/", request_id));
  return keys;
}

absl::StatusOr<Changes> Notifier::BeginUpstream(const UpstreamInput& in) {
  Lease lease = AwaitKeys({kEmitKey});
  absl::MutexLock lock(&mu_);
  Changes changes;
  DecideUpstream(in, &changes);
  reserved_keys_.clear();
  absl::Status lookup = TakeLookupError();
  if (!lookup.ok()) return lookup;  // the lease goes: nothing to commit
  upstream_lease_ = std::move(lease);
  return changes;
}

void Notifier::FinishUpstream(const Changes& changes, bool committed) {
  Lease lease;
  {
    absl::MutexLock lock(&mu_);
    if (committed) Apply(changes);
    lease = std::move(upstream_lease_);
  }
}

}  // namespace ecoplan::notification
