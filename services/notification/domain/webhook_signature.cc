#include "services/notification/domain/webhook_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace ecoplan::notification {

absl::StatusOr<std::string> ParseWebhookSecret(absl::string_view secret) {
  if (!absl::StartsWith(secret, "whsec_")) {
    return absl::InvalidArgumentError("secret must be \"whsec_\" followed by base64 of 24..64 bytes");
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

}  // namespace ecoplan::notification
