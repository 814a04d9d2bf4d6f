#pragma once

// Standard Webhooks 1.0 signing (https://www.standardwebhooks.com/):
//   webhook-id: <id>
//   webhook-timestamp: <unix seconds>
//   webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")> [space-separated,
//   one per secret]
// Secrets are written "whsec_" + base64(key), the key 24..64 bytes.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace ecoplan::notification {

// The key bytes of "whsec_<base64>". Errors: InvalidArgument (prefix, base64,
// or a key shorter than 24 or longer than 64 bytes), never echoing the secret.
absl::StatusOr<std::string> ParseWebhookSecret(absl::string_view secret);

// First 16 hex digits of sha256(key): shown instead of the secret.
std::string SecretFingerprint(absl::string_view key);

// "v1,<base64 signature>" for one key.
std::string SignWebhook(absl::string_view key, absl::string_view id, int64_t timestamp,
                        absl::string_view body);

// The webhook-signature header value for several keys (rotation): space-separated.
std::string SignatureHeader(const std::vector<std::string>& keys, absl::string_view id,
                            int64_t timestamp, absl::string_view body);

// The header values a receiver got with one delivery.
struct WebhookHeaders {
  absl::string_view id;         // webhook-id
  absl::string_view timestamp;  // webhook-timestamp
  absl::string_view signature;  // webhook-signature
};

// Receiver side: whether `headers` and `body` are a delivery signed with one of
// `keys` (several while a secret is rotated) within `tolerance` of `now`. The
// timestamp must be plain decimal unix seconds (no sign, no leading zeros, at
// most year 9999); the signature header holds space-separated "<version>,<base64>"
// entries of which only "v1" ones count, compared in constant time.
// Errors: InvalidArgument (an empty id, a malformed timestamp, no v1 entry),
// Unauthenticated (the timestamp is outside the tolerance, or no v1 entry
// matches any key).
absl::Status VerifyWebhook(const std::vector<std::string>& keys, const WebhookHeaders& headers,
                           absl::string_view body, absl::Time now,
                           absl::Duration tolerance = absl::Minutes(5));

}  // namespace ecoplan::notification
