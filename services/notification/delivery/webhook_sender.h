#pragma once

// Webhook HTTP POSTs with libcurl, and the guard that keeps a webhook from
// becoming a way to probe the internal network.
//
// Every request: http/https only, no redirects followed (a 3xx is a failed
// attempt), no proxy from the environment, bounded connect and total timeouts,
// a bounded response body (larger → failed attempt), and the peer address
// checked against the operator's allowed networks at connect time
// (CURLOPT_OPENSOCKETFUNCTION), on the address actually dialled, so DNS
// rebinding between the check at subscription time and the POST cannot reach a
// forbidden address.

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "services/notification/domain/notifier.h"

struct sockaddr;

namespace ecoplan::notification {

// Call once before any thread uses libcurl (idempotent, thread-safe).
void CurlGlobalInit();

// IPv4/IPv6 networks in CIDR notation.
class NetworkAllowlist {
 public:
  // "127.0.0.0/8,::1/128,10.0.0.0/8" (a bare address means /32 or /128).
  // Errors: InvalidArgument naming the bad entry.
  static absl::StatusOr<NetworkAllowlist> Parse(absl::string_view networks);
  bool Allows(const struct sockaddr* address) const;
  bool empty() const { return networks_.empty(); }

 private:
  struct Network {
    int family = 0;
    unsigned char bytes[16] = {};
    int prefix = 0;
  };
  std::vector<Network> networks_;
};

struct WebhookSecurity {
  NetworkAllowlist networks;  // addresses a webhook may reach
  std::vector<std::string>
      hosts;  // host names allowed; empty = any that resolves inside `networks`
};

// Checks URLs at subscription time: http(s), host allowed, resolves, every
// address inside the allowed networks. Thread-safe.
class ResolvingUrlChecker final : public UrlChecker {
 public:
  explicit ResolvingUrlChecker(WebhookSecurity security) : security_(std::move(security)) {}
  absl::Status CheckUrl(const std::string& url) const override;

 private:
  WebhookSecurity security_;
};

struct WebhookRequest {
  std::string url;
  std::string webhook_id;
  int64_t timestamp = 0;
  std::string signature;  // the webhook-signature header value
  std::string body;       // JSON
};

struct WebhookResult {
  int status_code = 0;  // 0 = no HTTP answer
  absl::Duration latency;
  std::string error;  // empty on success (2xx)
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
};

class CurlWebhookSender final : public WebhookSender {
 public:
  CurlWebhookSender(CurlSenderOptions options, WebhookSecurity security);
  WebhookResult Send(const WebhookRequest& request) override;

 private:
  const CurlSenderOptions options_;
  const WebhookSecurity security_;
};

}  // namespace ecoplan::notification
