#include "services/notification/domain/webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdint>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace ecoplan::notification {

absl::StatusOr<std::string> ParseWebhookSecret(absl::string_view secret) {
  if (!absl::StartsWith(secret, "whsec_")) {
    return absl::InvalidArgumentError(
        "secret must be \"whsec_\" followed by base64 of 24..64 bytes");
  }
  std::string key;
  if (!absl::Base64Unescape(secret.substr(6), &key)) {
    return absl::InvalidArgumentError("secret is not valid base64 after \"whsec_\"");
  }
  if (key.size() < 24) {
    return absl::InvalidArgumentError(
        absl::StrCat("secret too short: ", key.size(), " bytes, at least 24 are required"));
  }
  if (key.size() > 64) {
    return absl::InvalidArgumentError(
        absl::StrCat("secret too long: ", key.size(), " bytes, at most 64"));
  }
  return key;
}

std::string SecretFingerprint(absl::string_view key) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(key.data()), key.size(), digest);
  return absl::BytesToHexString(
             absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)))
      .substr(0, 16);
}

std::string SignWebhook(absl::string_view key, absl::string_view id, int64_t timestamp,
                        absl::string_view body) {
  const std::string content = absl::StrCat(id, ".", timestamp, ".", body);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(), mac, &mac_len);
  return absl::StrCat(
      "v1,", absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(mac), mac_len)));
}

std::string SignatureHeader(const std::vector<std::string>& keys, absl::string_view id,
                            int64_t timestamp, absl::string_view body) {
  std::vector<std::string> parts;
  for (const std::string& key : keys) parts.push_back(SignWebhook(key, id, timestamp, body));
  return absl::StrJoin(parts, " ");
}

absl::Status VerifyWebhook(const std::vector<std::string>& keys, const WebhookHeaders& headers,
                           absl::string_view body, absl::Time now, absl::Duration tolerance) {
  if (headers.id.empty()) return absl::InvalidArgumentError("webhook-id is empty");
  // Canonical digits only: the signed content holds the header as written, and
  // a bounded value keeps the arithmetic below free of overflow.
  constexpr int64_t kMaxTimestamp = 253402300799;  // 9999-12-31T23:59:59Z
  int64_t timestamp = 0;
  const absl::string_view ts = headers.timestamp;
  const bool digits_only = !ts.empty() && ts.size() <= 12 &&
                           ts.find_first_not_of("0123456789") == absl::string_view::npos &&
                           (ts.size() == 1 || ts[0] != '0');
  if (!digits_only || !absl::SimpleAtoi(ts, &timestamp) || timestamp > kMaxTimestamp) {
    return absl::InvalidArgumentError(
        "webhook-timestamp must be unix seconds in plain decimal digits");
  }
  if (absl::AbsDuration(now - absl::FromUnixSeconds(timestamp)) > tolerance) {
    return absl::UnauthenticatedError("webhook-timestamp is outside the tolerance");
  }
  bool any_v1 = false;
  bool matched = false;
  for (absl::string_view entry : absl::StrSplit(headers.signature, ' ', absl::SkipEmpty())) {
    if (!absl::ConsumePrefix(&entry, "v1,")) continue;
    any_v1 = true;
    for (const std::string& key : keys) {
      // "v1,<base64>": compare the base64 text of the expected signature.
      const std::string expected = SignWebhook(key, headers.id, timestamp, body).substr(3);
      if (expected.size() == entry.size() &&
          CRYPTO_memcmp(expected.data(), entry.data(), entry.size()) == 0) {
        matched = true;
      }
    }
  }
  if (!any_v1) return absl::InvalidArgumentError("webhook-signature has no v1 signature");
  if (!matched) return absl::UnauthenticatedError("no webhook signature matches");
  return absl::OkStatus();
}

}  // namespace ecoplan::notification
