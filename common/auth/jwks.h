#pragma once

// The token verifying keys as a JSON Web Key Set (RFC 7517), and the public
// JWK of a PEM key (what `ecoplanctl token jwk` prints). The JWK parameters are
// turned into PEM by OpenSSL 3 (EVP_PKEY_fromdata); no crypto of our own.
//
// Grammar of the document ParseJwks accepts (at most kMaxJwksBytes):
//   { "keys": [ key, … ] }                 1 … kMaxJwksKeys keys; other members ignored
//   key (an object; members not listed are ignored, as RFC 7517 §4 says):
//     "kid"  required, 1 … 128 printable ASCII characters, unique in the set
//     "kty"  required: "EC" or "RSA"
//     "use"  optional, "sig"
//     "alg"  optional: "ES256" for EC, "RS256" for RSA (the algorithm is pinned by kty)
//     EC:    "crv": "P-256", "x", "y": base64url (no padding) of 32 bytes each; the
//            point must be on the curve
//     RSA:   "n", "e": base64url big-endian integers; n at least 2048 bits
//     "d", "p", "q", "dp", "dq", "qi", "oth", "k": refused (private material
//            never belongs in the verifying set)
//     "ecoplan_service_subjects" (ecoplan's own member): optional array of 1 … 16
//            distinct non-empty strings of at most 64 bytes. A key with it is a
//            service's own key: it signs only tokens of role "service" whose
//            subject is one of these. A key without it is an issuer key (the
//            identity provider, ecoplanctl for operators): it signs tokens of
//            every role except "service".
// Errors name the key by its index and kid and the member at fault.

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/token_algorithm.h"
#include "common/time/clock.h"

namespace ecoplan::common {

inline constexpr size_t kMaxJwksBytes = 1 << 20;
inline constexpr size_t kMaxJwksKeys = 100;

// One verifying key of the set.
struct VerificationKey {
  std::string kid;
  TokenAlgorithm algorithm = TokenAlgorithm::kEs256;  // kEs256 or kRs256
  std::string public_key_pem;                         // PEM "PUBLIC KEY", for libjwt
  // Non-empty: a service key, signing only role "service" for these subjects.
  std::vector<std::string> service_subjects;
};

// kid → key.
using KeySet = std::map<std::string, VerificationKey>;

// Parses and checks a JWKS document (grammar above). Errors: InvalidArgument.
absl::StatusOr<KeySet> ParseJwks(absl::string_view json);

// The algorithm a PEM key (private or public) signs with: ES256 for an EC
// P-256 key, RS256 for an RSA key of at least 2048 bits. Errors:
// InvalidArgument.
absl::StatusOr<TokenAlgorithm> SigningAlgorithmOfPem(absl::string_view pem);

// The public JWK (one line of JSON) of a PEM key, private or public, with
// "kid", "use":"sig", "alg", and "ecoplan_service_subjects" when
// `service_subjects` is not empty. Errors: InvalidArgument.
absl::StatusOr<std::string> PublicJwkOfPem(absl::string_view pem, absl::string_view kid,
                                           const std::vector<std::string>& service_subjects);

// The RFC 7638 thumbprint of a PEM key's public part (SHA-256 over the
// required members in canonical order, base64url): a kid that changes with
// the key, so a service whose key file is replaced signs with the new kid
// without a restart. Errors: InvalidArgument.
absl::StatusOr<std::string> JwkThumbprintOfPem(absl::string_view pem);

// {"keys":[…]} of the given JWKs (each as PublicJwkOfPem returns it).
std::string JwksOf(const std::vector<std::string>& jwks);

// A JWKS file the verifier keeps reading: at most every `refresh` it compares
// the file's identity, size and times (stat, so a Kubernetes Secret swapped
// behind its symlink counts) with the last read and, when they differ, reads
// and parses it again. A token naming a kid the set lacks forces that check
// early, at most once per kMinForcedCheckInterval, so a new key is used at
// once while a flood of made-up kids costs one stat a second. A file that
// fails to read or parse leaves the previous keys in force (reported through
// `on_reload`). Thread-safe.
class JwksFile {
 public:
  static constexpr absl::Duration kMinForcedCheckInterval = absl::Seconds(1);
  // Called after each re-read: OK and the number of keys, or the error.
  using ReloadCallback = std::function<void(const absl::Status& status, size_t keys)>;

  // Reads `path` now; it must parse. `clock` must outlive the object.
  // Errors: NotFound, PermissionDenied, InvalidArgument (naming the file).
  static absl::StatusOr<std::unique_ptr<JwksFile>> Open(std::string path, absl::Duration refresh,
                                                        const Clock* clock,
                                                        ReloadCallback on_reload);

  // The key set in force, re-read first when due; `kid_missing` asks for the
  // early check (rate limited as above).
  std::shared_ptr<const KeySet> Current(bool kid_missing);

  const std::string& path() const { return path_; }

 private:
  JwksFile(std::string path, absl::Duration refresh, const Clock* clock, ReloadCallback on_reload)
      : path_(std::move(path)),
        refresh_(refresh),
        clock_(clock),
        on_reload_(std::move(on_reload)) {}
  // Re-reads the file when its stamp changed. Errors: as Open.
  absl::Status ReloadIfChanged() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  const absl::Duration refresh_;
  const Clock* const clock_;
  const ReloadCallback on_reload_;
  absl::Mutex mu_;
  std::shared_ptr<const KeySet> keys_ ABSL_GUARDED_BY(mu_);
  std::string stamp_ ABSL_GUARDED_BY(mu_);
  absl::Time last_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_forced_check_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace ecoplan::common
