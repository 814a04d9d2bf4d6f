// Notifier: webhook subscriptions (validation, create, update, delete, secrets,
// state) and their deliveries (list, replay, outcome).

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/status/status_macros.h"
#include "services/notification/domain/notifier.h"
#include "services/notification/domain/notifier_internal.h"
#include "services/notification/domain/webhook_signature.h"

namespace ecoplan::notification {
namespace {

constexpr int kMaxListItems = 20;
constexpr size_t kMaxUrlLength = 2000;

}  // namespace

absl::Status Notifier::ValidateSubscription(const Subscription& s) const {
  if (s.url.empty() || s.url.size() > kMaxUrlLength) {
    return absl::InvalidArgumentError("subscription.url: 1..2000 characters");
  }
  const std::string lower = absl::AsciiStrToLower(s.url);
  size_t rest = 0;
  if (absl::StartsWith(lower, "http://")) {
    rest = 7;
  } else if (absl::StartsWith(lower, "https://")) {
    rest = 8;
  } else {
    return absl::InvalidArgumentError("subscription.url must be an http:// or https:// URL");
  }
  const std::string authority = lower.substr(rest, lower.find_first_of("/?#", rest) - rest);
  if (authority.empty()) return absl::InvalidArgumentError("subscription.url has no host");
  if (authority.find('@') != std::string::npos) {
    return absl::InvalidArgumentError("subscription.url must not carry credentials (user@host)");
  }
  for (char c : s.url) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError("subscription.url contains spaces or control characters");
    }
  }
  if (s.description.size() > internal::kMaxDescription) {
    return absl::InvalidArgumentError("subscription.description: at most 500 bytes");
  }
  if (s.kinds.size() > kMaxListItems || s.plans.size() > kMaxListItems ||
      s.organizations.size() > 200 || s.severities.size() > 3) {
    return absl::InvalidArgumentError("subscription filters: too many values");
  }
  for (Kind k : s.kinds) {
    const int v = static_cast<int>(k);
    if (v < 1 || v > kMaxKind) {
      return absl::InvalidArgumentError(
          absl::StrCat("subscription.kinds names an unknown kind: ", v));
    }
  }
  for (Severity sv : s.severities) {
    const int v = static_cast<int>(sv);
    if (v < 1 || v > 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("subscription.severities names an unknown severity: ", v));
    }
  }
  for (const std::string& p : s.plans) {
    if (p.empty() || p.size() > 64 || p.find('/') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("subscription.plans: bad plan name \"plans/", p, "\""));
    }
  }
  for (const std::string& o : s.organizations) {
    if (o.empty() || o.size() > 64 || o.find('/') != std::string::npos) {
      return absl::InvalidArgumentError("subscription.organizations: bad organization name");
    }
  }
  if (url_checker_ != nullptr) ECOPLAN_RETURN_IF_ERROR(url_checker_->CheckUrl(s.url));
  return absl::OkStatus();
}

namespace {

std::string SubscriptionKey(const std::string& id) { return absl::StrCat("subscription/", id); }

ChangeEvent SubscriptionChanged(const std::string& id, bool deleted = false) {
  return ChangeEvent{ChangeEvent::Type::kSubscriptionChanged, 0, "", id, deleted};
}

}  // namespace

absl::StatusOr<Subscription> Notifier::CreatedBefore(const common::RequestRecord& first) const {
  absl::string_view id = first.resource;
  absl::ConsumePrefix(&id, "subscriptions/");
  auto s = state_.subscriptions.find(std::string(id));
  if (s != state_.subscriptions.end()) return s->second;
  return absl::FailedPreconditionError(absl::StrCat(
      "request_id \"", first.request_id, "\" was used for ", first.resource, ", since deleted"));
}

// Under "subscription/new": it takes the next subscription number.
void Notifier::CreateSubscription(const Subscription& input, const std::string& secret,
                                  const std::string& request_id, Done<Subscription> done) {
  const common::RequestCall call{request_id, internal::kCreateSubscriptionMethod, "", ""};
  // A retry is answered without checking the address again (answered outside the lock).
  std::optional<absl::StatusOr<Subscription>> answer;
  {
    absl::MutexLock lock(&mu_);
    absl::StatusOr<std::optional<common::RequestRecord>> retried = RetriedRequest(call);
    if (!retried.ok()) {
      answer = retried.status();
    } else if (retried->has_value()) {
      answer = CreatedBefore(**retried);
    }
  }
  if (answer.has_value()) {
    done(*std::move(answer));
    return;
  }
  absl::StatusOr<std::string> key = ParseWebhookSecret(secret);
  // Resolves the host: outside the lock, before the keys.
  absl::Status valid = key.ok() ? ValidateSubscription(input) : key.status();
  if (!valid.ok()) {
    done(valid);
    return;
  }
  WriteFor<Subscription>(
      KeysWithRequest(request_id, {"subscription/new"}),
      [this, request_id, input, key = *key](Changes* changes) -> absl::StatusOr<Subscription> {
        // Created meanwhile by a concurrent retry.
        ECOPLAN_ASSIGN_OR_RETURN(
            std::optional<common::RequestRecord> retried,
            RetriedRequest({request_id, internal::kCreateSubscriptionMethod, "", ""}));
        if (retried.has_value()) return CreatedBefore(*retried);
        int owned = 0;
        for (const auto& [id, existing] : state_.subscriptions) {
          if (existing.owner == input.owner) ++owned;
        }
        if (owned >= options_.max_subscriptions_per_owner) {
          return absl::ResourceExhaustedError(absl::StrCat(
              "\"", input.owner, "\" already owns ", owned,
              " subscriptions (--max_subscriptions_per_owner is ",
              options_.max_subscriptions_per_owner, "); delete one before creating another"));
        }
        Subscription s = input;
        s.id = absl::StrCat("s-", state_.next_subscription_number);
        s.state = SubscriptionState::kActive;
        s.state_reason.clear();
        s.revision = 1;
        s.create_time = Now();
        s.request_id = request_id;
        s.secrets = {Secret{key, SecretFingerprint(key), Now(), std::nullopt}};
        changes->subscriptions.push_back(s);
        changes->next_subscription_number = state_.next_subscription_number + 1;
        if (!s.request_id.empty()) {
          changes->request_ids[s.request_id] = internal::StoredRequest(
              {s.request_id, std::string(internal::kCreateSubscriptionMethod),
               absl::StrCat("subscriptions/", s.id), "", 0});
        }
        changes->events.push_back(SubscriptionChanged(s.id));
        return s;
      },
      std::move(done));
}

absl::StatusOr<Subscription> Notifier::CreateSubscription(const Subscription& input,
                                                          const std::string& secret,
                                                          const std::string& request_id) {
  return Await<Subscription>(
      [&](Done<Subscription> done) { CreateSubscription(input, secret, request_id, done); });
}

absl::StatusOr<Subscription> Notifier::GetSubscription(const std::string& id) const {
  absl::MutexLock lock(&mu_);
  auto it = state_.subscriptions.find(id);
  if (it == state_.subscriptions.end()) {
    return absl::NotFoundError(absl::StrCat("subscriptions/", id, " not found"));
  }
  return it->second;
}

std::vector<Subscription> Notifier::ListSubscriptions() const {
  absl::MutexLock lock(&mu_);
  std::vector<Subscription> out;
  for (const auto& [id, s] : state_.subscriptions) out.push_back(s);
  return out;
}

int64_t Notifier::PendingCount(const std::string& subscription_id) const {
  absl::MutexLock lock(&mu_);
  auto it = pending_.find(subscription_id);
  return it == pending_.end() ? 0 : it->second;
}

void Notifier::UpdateSubscription(const Subscription& input, const std::string& etag,
                                  Done<Subscription> done) {
  bool known;
  {
    absl::MutexLock lock(&mu_);
    known = state_.subscriptions.count(input.id) > 0;
  }
  if (!known) {  // answered outside the lock, as every write is
    done(absl::NotFoundError(absl::StrCat("subscriptions/", input.id, " not found")));
    return;
  }
  // Resolves the host: outside the lock, before the key.
  if (absl::Status valid = ValidateSubscription(input); !valid.ok()) {
    done(valid);
    return;
  }
  WriteFor<Subscription>(
      {SubscriptionKey(input.id)},
      [this, input, etag](Changes* changes) -> absl::StatusOr<Subscription> {
        auto it = state_.subscriptions.find(input.id);
        if (it == state_.subscriptions.end()) {
          return absl::NotFoundError(absl::StrCat("subscriptions/", input.id, " not found"));
        }
        if (etag != SubscriptionEtag(it->second)) {
          return absl::AbortedError(absl::StrCat("stale etag for subscriptions/", input.id));
        }
        Subscription s = it->second;
        s.url = input.url;
        s.description = input.description;
        s.kinds = input.kinds;
        s.plans = input.plans;
        s.organizations = input.organizations;
        s.severities = input.severities;
        ++s.revision;
        changes->subscriptions.push_back(s);
        changes->events.push_back(SubscriptionChanged(s.id));
        return s;
      },
      std::move(done));
}

absl::StatusOr<Subscription> Notifier::UpdateSubscription(const Subscription& input,
                                                          const std::string& etag) {
  return Await<Subscription>(
      [&](Done<Subscription> done) { UpdateSubscription(input, etag, done); });
}

// Also under kEmitKey: an event emitted meanwhile must not queue a delivery to it.
void Notifier::DeleteSubscription(const std::string& id, const std::string& etag, DoneStatus done) {
  Write(
      {SubscriptionKey(id), kEmitKey},
      [this, id, etag](Changes* changes) -> absl::Status {
        auto it = state_.subscriptions.find(id);
        if (it == state_.subscriptions.end()) {
          return absl::NotFoundError(absl::StrCat("subscriptions/", id, " not found"));
        }
        if (etag != SubscriptionEtag(it->second)) {
          return absl::AbortedError(absl::StrCat("stale etag for subscriptions/", id));
        }
        changes->deleted_subscriptions.push_back(id);
        changes->events.push_back(SubscriptionChanged(id, /*deleted=*/true));
        return absl::OkStatus();
      },
      std::move(done));
}

absl::Status Notifier::DeleteSubscription(const std::string& id, const std::string& etag) {
  return AwaitStatus([&](DoneStatus done) { DeleteSubscription(id, etag, done); });
}

namespace {

// The secrets after rotating to `key` at `now`: the new one first, the live old ones kept for
// `previous_grace` (none with no grace), at most 5.
std::vector<Secret> RotatedSecrets(const std::vector<Secret>& secrets, const std::string& key,
                                   absl::Duration previous_grace, absl::Time now) {
  std::vector<Secret> kept;
  for (Secret old : secrets) {
    if (old.expire_time.has_value() && *old.expire_time <= now) continue;
    if (previous_grace <= absl::ZeroDuration()) continue;
    if (!old.expire_time.has_value()) old.expire_time = now + previous_grace;
    kept.push_back(old);
  }
  kept.insert(kept.begin(), Secret{key, SecretFingerprint(key), now, std::nullopt});
  if (kept.size() > 5) kept.resize(5);
  return kept;
}

}  // namespace

void Notifier::RotateSecret(const std::string& id, const std::string& secret,
                            absl::Duration previous_grace, const std::string& request_id,
                            Done<Subscription> done) {
  absl::StatusOr<std::string> key = ParseWebhookSecret(secret);
  if (!key.ok()) {
    done(key.status());
    return;
  }
  if (previous_grace < absl::ZeroDuration() || previous_grace > absl::Hours(24 * 7)) {
    done(absl::InvalidArgumentError("previous_secret_grace must be 0..7 days"));
    return;
  }
  WriteFor<Subscription>(
      KeysWithRequest(request_id, {SubscriptionKey(id)}),
      [this, id, key = *key, previous_grace,
       request_id](Changes* changes) -> absl::StatusOr<Subscription> {
        const std::string resource = absl::StrCat("subscriptions/", id);
        ECOPLAN_ASSIGN_OR_RETURN(
            std::optional<common::RequestRecord> retried,
            RetriedRequest({request_id, internal::kRotateSecretMethod, resource, ""}));
        auto it = state_.subscriptions.find(id);
        if (it == state_.subscriptions.end()) {
          return absl::NotFoundError(absl::StrCat("subscriptions/", id, " not found"));
        }
        if (retried.has_value()) return it->second;  // rotated the first time
        Subscription s = it->second;
        s.secrets = RotatedSecrets(s.secrets, key, previous_grace, Now());
        ++s.revision;
        changes->subscriptions.push_back(s);
        if (!request_id.empty()) {
          changes->request_ids[request_id] = internal::StoredRequest(
              {request_id, std::string(internal::kRotateSecretMethod), resource, "", 0});
        }
        changes->events.push_back(SubscriptionChanged(s.id));
        return s;
      },
      std::move(done));
}

absl::StatusOr<Subscription> Notifier::RotateSecret(const std::string& id,
                                                    const std::string& secret,
                                                    absl::Duration previous_grace,
                                                    const std::string& request_id) {
  return Await<Subscription>(
      [&](Done<Subscription> done) { RotateSecret(id, secret, previous_grace, request_id, done); });
}

void Notifier::EnableSubscription(const std::string& id, bool enabled, Done<Subscription> done) {
  WriteFor<Subscription>(
      {SubscriptionKey(id)},
      [this, id, enabled](Changes* changes) -> absl::StatusOr<Subscription> {
        auto it = state_.subscriptions.find(id);
        if (it == state_.subscriptions.end()) {
          return absl::NotFoundError(absl::StrCat("subscriptions/", id, " not found"));
        }
        Subscription s = it->second;
        s.state = enabled ? SubscriptionState::kActive : SubscriptionState::kDisabled;
        s.state_reason = enabled ? "" : "disabled by a person";
        ++s.revision;
        changes->subscriptions.push_back(s);
        changes->events.push_back(SubscriptionChanged(s.id));
        return s;
      },
      [this, id, enabled, done = std::move(done)](absl::StatusOr<Subscription> s) {
        // The operator says the receiver is back: no wait left over from its failures.
        if (s.ok() && enabled) RetryNow(id);
        done(std::move(s));
      });
}

void Notifier::RetryNow(const std::string& subscription_id) {
  absl::MutexLock lock(&mu_);
  if (sink_ != nullptr) sink_->RetryNow(subscription_id);
}

absl::StatusOr<Subscription> Notifier::EnableSubscription(const std::string& id, bool enabled) {
  return Await<Subscription>(
      [&](Done<Subscription> done) { EnableSubscription(id, enabled, done); });
}

void Notifier::SuspendSubscription(const std::string& id, const std::string& reason,
                                   DoneStatus done) {
  Write(
      {SubscriptionKey(id)},
      [this, id, reason](Changes* changes) -> absl::Status {
        auto it = state_.subscriptions.find(id);
        if (it == state_.subscriptions.end() || it->second.state != SubscriptionState::kActive) {
          return absl::OkStatus();
        }
        Subscription s = it->second;
        s.state = SubscriptionState::kFailing;
        s.state_reason = reason;
        ++s.revision;
        changes->subscriptions.push_back(s);
        changes->events.push_back(SubscriptionChanged(s.id));
        return absl::OkStatus();
      },
      std::move(done));
}

absl::Status Notifier::SuspendSubscription(const std::string& id, const std::string& reason) {
  return AwaitStatus([&](DoneStatus done) { SuspendSubscription(id, reason, done); });
}

absl::StatusOr<DeliveryPage> Notifier::ListDeliveries(const std::string& subscription_id,
                                                      DeliveryState state, int page_size,
                                                      const std::string& page_token) {
  {
    absl::MutexLock lock(&mu_);
    if (state_.subscriptions.count(subscription_id) == 0) {
      return absl::NotFoundError(absl::StrCat("subscriptions/", subscription_id, " not found"));
    }
  }
  if (page_size < 0 || page_size > 500)
    return absl::InvalidArgumentError("page_size must be 0..500");
  return store_->ListDeliveries(subscription_id, state, page_size == 0 ? 50 : page_size,
                                page_token);
}

// Under the subscription's key and kEmitKey: the replay takes the next delivery number.
void Notifier::ReplayDelivery(const std::string& subscription_id, uint64_t number,
                              const std::string& request_id, Done<Delivery> done) {
  WriteFor<Delivery>(
      KeysWithRequest(request_id, {SubscriptionKey(subscription_id), kEmitKey}),
      [this, subscription_id, number, request_id](Changes* changes) -> absl::StatusOr<Delivery> {
        const std::string resource = internal::DeliveryResource(subscription_id, number);
        ECOPLAN_ASSIGN_OR_RETURN(
            std::optional<common::RequestRecord> retried,
            RetriedRequest({request_id, internal::kReplayDeliveryMethod, resource, ""}));
        if (state_.subscriptions.count(subscription_id) == 0) {
          return absl::NotFoundError(absl::StrCat("subscriptions/", subscription_id, " not found"));
        }
        if (retried.has_value()) {
          // The same request, answered with the replay it queued.
          return store_->GetDelivery(subscription_id, static_cast<uint64_t>(retried->revision));
        }
        ECOPLAN_ASSIGN_OR_RETURN(Delivery original, store_->GetDelivery(subscription_id, number));
        Delivery d;
        d.subscription_id = subscription_id;
        d.number = state_.next_delivery_number;
        d.notification_number = original.notification_number;
        d.webhook_id = original.webhook_id;
        d.create_time = Now();
        d.next_attempt_time = d.create_time;
        changes->deliveries.push_back(d);
        changes->next_delivery_number = d.number + 1;
        ChangeEvent replayed;
        replayed.type = ChangeEvent::Type::kDeliveryReplayed;
        replayed.subscription_id = subscription_id;
        replayed.delivery_number = d.number;
        changes->events.push_back(replayed);
        if (!request_id.empty()) {
          changes->request_ids[request_id] =
              internal::StoredRequest({request_id, std::string(internal::kReplayDeliveryMethod),
                                       resource, "", static_cast<int64_t>(d.number)});
        }
        return d;
      },
      [this, subscription_id, done = std::move(done)](absl::StatusOr<Delivery> d) {
        // Queued behind the head: the head goes now, so the replay need not wait.
        if (d.ok()) RetryNow(subscription_id);
        done(std::move(d));
      });
}

absl::StatusOr<Delivery> Notifier::ReplayDelivery(const std::string& subscription_id,
                                                  uint64_t number, const std::string& request_id) {
  return Await<Delivery>(
      [&](Done<Delivery> done) { ReplayDelivery(subscription_id, number, request_id, done); });
}

// Under the subscription's key: a deletion meanwhile is decided before or after it, so the
// outcome of a deleted subscription's delivery is never written back.
void Notifier::RecordDelivery(const Delivery& delivery, DoneStatus done) {
  Write(
      {SubscriptionKey(delivery.subscription_id)},
      [this, delivery](Changes* changes) -> absl::Status {
        if (state_.subscriptions.count(delivery.subscription_id) == 0) return absl::OkStatus();
        changes->deliveries.push_back(delivery);
        return absl::OkStatus();
      },
      std::move(done));
}

void Notifier::RecordDeliveries(const std::string& subscription_id,
                                std::vector<Delivery> deliveries, DoneStatus done) {
  Write(
      {SubscriptionKey(subscription_id)},
      [this, subscription_id,
       deliveries = std::move(deliveries)](Changes* changes) -> absl::Status {
        if (state_.subscriptions.count(subscription_id) == 0) return absl::OkStatus();
        changes->deliveries.insert(changes->deliveries.end(), deliveries.begin(), deliveries.end());
        return absl::OkStatus();
      },
      std::move(done));
}

absl::Status Notifier::RecordDelivery(const Delivery& delivery) {
  return AwaitStatus([&](DoneStatus done) { RecordDelivery(delivery, done); });
}

}  // namespace ecoplan::notification
