#pragma once

// SecretCipher: seals the webhook signing keys the notification service must
// keep (it signs every delivery with them) so that they are not in the clear
// in its RocksDB files or in backups of them (docs/SECURITY.md "Webhooks").
//
// AES-256-GCM through OpenSSL EVP: a random 96-bit nonce per sealing, a 128-bit
// tag, and associated data naming what is sealed (the subscription), so a
// sealed key copied into another record does not open. The id of the key used
// is stored beside the ciphertext: keys are rotated by putting a new one first
// in the key file and restarting, which re-seals every stored secret with it
// (RocksDbNotificationStore::ResealSecrets); the old key can go once that ran.
//
// The key file (--webhook_secret_key_file, mounted from a Kubernetes Secret):
// one key per line, "<key id> <base64 of 32 random bytes>", the first one
// sealing, all of them opening; blank lines and lines starting with '#' are
// skipped. A key id is 1..32 of [A-Za-z0-9._-]. Make one with
//   printf 'k1 %s\n' "$(head -c 32 /dev/urandom | base64)"
//
// Thread-safe (immutable).

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::notification {

class SecretCipher {
 public:
  // A sealed secret: nonce (12 bytes) || ciphertext || tag (16 bytes).
  struct Sealed {
    std::string key_id;
    std::string bytes;
  };

  // Parses the key file's text. Errors: InvalidArgument naming the line (bad id, not base64,
  // not 32 bytes, a duplicate id, no key at all).
  static absl::StatusOr<std::unique_ptr<SecretCipher>> FromKeyFileText(absl::string_view text);
  // Reads and parses the file. Errors: as FromKeyFileText; NotFound/PermissionDenied (unreadable),
  // each naming the path.
  static absl::StatusOr<std::unique_ptr<SecretCipher>> FromKeyFile(const std::string& path);

  // Seals `plaintext` with the current key. Errors: Internal (OpenSSL failed).
  absl::StatusOr<Sealed> Seal(absl::string_view plaintext, absl::string_view associated) const;
  // Opens what Seal returned. Errors: FailedPrecondition (the key id is not in the key file),
  // DataLoss (too short, or the tag does not verify: altered, another key, other associated
  // data).
  absl::StatusOr<std::string> Open(const Sealed& sealed, absl::string_view associated) const;

  // The id of the key that seals.
  const std::string& current_key_id() const { return current_; }

 private:
  SecretCipher() = default;

  std::map<std::string, std::string> keys_;  // id → 32 key bytes
  std::string current_;
};

}  // namespace ecoplan::notification
