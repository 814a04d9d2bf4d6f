#pragma once

// Verifies the bearer tokens (signed JWTs) callers present in the
// `authorization: Bearer <token>` metadata, with libjwt (OpenSSL backend).
//
// Production: the verifying keys come from a JWKS file (common/auth/jwks.h),
// selected by the token header's "kid", re-read when the file changes:
//   TokenVerifierOptions options;
//   options.jwks_file = "/etc/ecoplan/jwks/jwks.json";   // public keys only
//   options.issuer = "ecoplan";
//   options.audience = "ecoplan";
//   ECOPLAN_ASSIGN_OR_RETURN(auto verifier, TokenVerifier::Create(options, &clock));
//   absl::StatusOr<Principal> who = verifier->Verify(token);
// Local runs and tests may instead give one key: an HS256 secret (development
// only: whoever verifies can also sign) or one RS256/ES256 public key (no kid).
//
// The algorithm is pinned before any signature work: by the key the kid names
// (ES256 for an EC key, RS256 for an RSA key), or by the configured algorithm;
// a token naming another one ("none"; HS256 against a public key: key
// confusion) goes no further. With a JWKS, a token without a kid or with a kid
// not in the set is refused ("unknown key id").
// Claims (all checked; times in seconds since the epoch):
//   sub  required non-empty string                    → Principal::subject
//   role required: administrator|reporter|viewer|service|supervisor
//   org  organization id; required for reporters      → Principal::organization_id
//   iss  required, equal to the configured issuer
//   aud  required, a string or an array of strings containing the configured audience
//   exp  required: refused once now ≥ exp + clock_skew, and when it lies more
//        than max_lifetime (+ clock_skew) after now
//   nbf  optional: refused while now + clock_skew < nbf
//   iat  optional: refused if now + clock_skew < iat (issued in the future), and
//        when exp − iat exceeds max_lifetime
// Who may sign what (the kid → subject binding, docs/SECURITY.md "Keys"):
//   - a JWKS key with "ecoplan_service_subjects" signs only role "service"
//     tokens whose sub is one of them (a service's own key);
//   - any other JWKS key, or a single public key, signs every role but
//     "service": a service token must come from that service's own key;
//   - an HS256 secret signs anything (development only).
// Error messages never contain the token or the key.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/jwks.h"
#include "common/auth/principal.h"
#include "common/auth/token_algorithm.h"
#include "common/time/clock.h"

namespace ecoplan::common {

// The shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size).
inline constexpr size_t kMinHs256SecretBytes = 32;

// The longest max_lifetime accepted.
inline constexpr absl::Duration kMaxTokenLifetimeLimit = absl::Hours(24 * 30);

struct TokenVerifierOptions {
  // One key source: jwks_file, or algorithm + key.
  // A JWKS file (jwks.h): keys by kid, re-read when it changes (every
  // jwks_refresh at most, or at once for an unknown kid, rate limited).
  std::string jwks_file;
  absl::Duration jwks_refresh = absl::Seconds(2);  // 100ms … 10m
  // Told of every re-read of the JWKS file (e.g. to log it); may be empty.
  JwksFile::ReloadCallback on_jwks_reload;
  TokenAlgorithm algorithm = TokenAlgorithm::kHs256;
  // HS256: the shared secret (≥ kMinHs256SecretBytes bytes).
  // RS256: an RSA public key (PEM "PUBLIC KEY"); ES256: a P-256 public key (PEM).
  std::string key;
  // The longest a token may live: exp − iat, and exp − now (each beyond the
  // clock skew). 1 minute … kMaxTokenLifetimeLimit.
  absl::Duration max_lifetime = absl::Hours(24);
  std::string issuer;                             // required
  std::string audience;                           // required
  absl::Duration clock_skew = absl::Seconds(60);  // tolerance on exp, nbf, iat; 0 … 5 min
  size_t max_token_bytes = 8 * 1024;              // larger tokens are refused unparsed
};

// Thread-safe (immutable after Create).
class TokenVerifier {
 public:
  // Checks the options: issuer and audience set, one key source, the secret
  // long enough, the PEM a public key of the algorithm's type, the JWKS file
  // readable and valid. `clock` must outlive the verifier.
  // Errors: InvalidArgument (naming what is wrong, never the key); NotFound,
  // PermissionDenied (the JWKS file).
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(TokenVerifierOptions options,
                                                               const Clock* clock);

  // Verifies `token` (the compact JWS, without "Bearer "). Errors:
  // Unauthenticated with the reason (malformed, wrong algorithm, no kid,
  // unknown kid, bad signature, expired, lifetime beyond the maximum, not yet
  // valid, wrong issuer or audience, missing or ill-typed claim, reporter
  // without organization, a key signing for a subject or role it is not
  // bound to, too large).
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

  // The configured algorithm of a single key (meaningless with a JWKS).
  TokenAlgorithm algorithm() const { return options_.algorithm; }
  bool uses_jwks() const { return jwks_ != nullptr; }
  const std::string& issuer() const { return options_.issuer; }
  const std::string& audience() const { return options_.audience; }
  absl::Duration max_lifetime() const { return options_.max_lifetime; }

 private:
  TokenVerifier(TokenVerifierOptions options, const Clock* clock, std::unique_ptr<JwksFile> jwks)
      : options_(std::move(options)), clock_(clock), jwks_(std::move(jwks)) {}

  const TokenVerifierOptions options_;
  const Clock* const clock_;
  const std::unique_ptr<JwksFile> jwks_;  // null: the single key of options_
};

// Checks a PEM public key for `algorithm` (RS256: RSA ≥ 2048 bits; ES256: EC
// P-256). Errors: InvalidArgument. Exposed for configuration checks.
absl::Status CheckPublicKeyPem(TokenAlgorithm algorithm, absl::string_view pem);

}  // namespace ecoplan::common
