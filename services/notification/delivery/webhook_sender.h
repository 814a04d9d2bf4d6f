#pragma once

// Webhook HTTP POSTs with libcurl, and the guard that keeps a webhook from
// becoming a way to probe the internal network.
//
// Every request: http/https only, no redirects followed (a 3xx is a failed
// attempt), no proxy from the environment, bounded connect and total timeouts,
// a bounded response body (larger → failed attempt), and the peer address
// judged by the WebhookAddressPolicy at connect time (CURLOPT_OPENSOCKETFUNCTION),
// on the address actually dialled: libcurl resolves the name once per
// transfer and hands each address it is about to connect to this callback, so
// DNS rebinding between the check at subscription time and the POST (or
// between the resolution and the connect) cannot reach a refused address.
//
// Keep-alive: requests with the same connection key (the deliverer uses the
// subscription id) reuse one curl handle, one request at a time, and with it
// its open connection to the receiver (at most one per handle). libcurl reuses
// a connection only for the same scheme, host and port, and every new
// connection goes through the address check above, so a reused connection is
// always one whose peer address was judged when it was opened (the policy
// does not change while the process runs). A handle whose request failed is
// closed (its connection with it); idle handles beyond
// CurlSenderOptions::max_idle_connections are closed, least recently used
// first, and libcurl does not reuse a connection idle for more than 118 s.

#include <atomic>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/notification/delivery/address_policy.h"
#include "services/notification/domain/notifier.h"

struct sockaddr;

namespace ecoplan::notification {

// Call once before any thread uses libcurl (idempotent, thread-safe).
void CurlGlobalInit();

struct WebhookSecurity {
  // The addresses a webhook may reach (address_policy.h): public ones, and special-purpose ones
  // only inside the operator's allow-list. Default: public addresses only.
  WebhookAddressPolicy addresses;
  // Host names allowed; empty = any whose addresses `addresses` allows.
  std::vector<std::string> hosts;
};

// Checks URLs at subscription time: http(s), host allowed, resolves, every
// address allowed by the address policy. Errors: InvalidArgument (not a URL,
// does not resolve, or an address refused: the message names the rule, e.g.
// "loopback (127.0.0.0/8)"), FailedPrecondition (a host not among
// webhook_allowed_hosts). Thread-safe.
class ResolvingUrlChecker final : public UrlChecker {
 public:
  explicit ResolvingUrlChecker(WebhookSecurity security) : security_(std::move(security)) {}
  absl::Status CheckUrl(const std::string& url) const override;

 private:
  WebhookSecurity security_;
};

// What an attempt that failed is reported as (DeliveryAttempt.error in
// ListDeliveries): a few coarse classes, so that the API does not tell a
// closed port from one that speaks another protocol (a port scanner). The
// detail (curl's message, the address refused) goes to the server log only.
enum class DeliveryErrorClass {
  kNone,              // 2xx
  kRefusedByPolicy,   // "refused by policy": an address outside the address policy
  kConnectionFailed,  // "connection failed": no HTTP answer (refused, reset, not HTTP, DNS)
  kTimeout,           // "timeout"
  kTls,               // "TLS"
  kHttpStatus,        // "HTTP 3xx" / "HTTP 4xx" / "HTTP 5xx" / "HTTP 1xx"
  kResponseTooLarge,  // "response too large"
};

// The text of a class as ListDeliveries shows it; `status_code` for kHttpStatus.
std::string DeliveryErrorText(DeliveryErrorClass error_class, int status_code);

struct WebhookRequest {
  std::string url;
  std::string webhook_id;
  int64_t timestamp = 0;
  std::string signature;  // the webhook-signature header value
  std::string body;       // JSON
  // Requests with the same key reuse one connection (keep-alive), one at a time; empty: a
  // connection of its own, closed after the request.
  std::string connection_key;
};

struct WebhookResult {
  int status_code = 0;  // 0 = no HTTP answer
  absl::Duration latency;
  std::string error;  // empty on success (2xx); else DeliveryErrorText(error_class, status_code)
  DeliveryErrorClass error_class = DeliveryErrorClass::kNone;
  std::string detail;  // for the server's log only (never returned by the API)
  std::optional<absl::Duration> retry_after;
  bool ok() const { return error.empty(); }
};

class WebhookSender {
 public:
  virtual ~WebhookSender() = default;
  // Blocks for at most the configured timeout. Thread-safe.
  virtual WebhookResult Send(const WebhookRequest& request) = 0;
};

struct CurlSenderOptions {
  absl::Duration connect_timeout = absl::Seconds(3);
  absl::Duration timeout = absl::Seconds(10);
  size_t max_response_bytes = 64 << 10;
  std::string user_agent = "ecoplan-notification/1";
  // Idle keep-alive handles kept (one connection each), least recently used closed first.
  size_t max_idle_connections = 256;
};

class CurlWebhookSender final : public WebhookSender {
 public:
  CurlWebhookSender(CurlSenderOptions options, WebhookSecurity security);
  ~CurlWebhookSender() override;  // closes the idle connections
  WebhookResult Send(const WebhookRequest& request) override;

  // Connections opened so far (each one passed the address check), for tests and metrics.
  int64_t connections_opened() const;

 private:
  // A curl handle from the idle pool for `key` (or a new one).
  void* TakeHandle(const std::string& key);
  // Back into the pool when `reusable`, else closed.
  void ReturnHandle(const std::string& key, void* handle, bool reusable);

  const CurlSenderOptions options_;
  const WebhookSecurity security_;
  mutable std::mutex mu_;
  // Idle handles, most recently used at the back.
  std::list<std::pair<std::string, void*>> idle_;
  std::atomic<int64_t> connections_opened_{0};
};

}  // namespace ecoplan::notification
