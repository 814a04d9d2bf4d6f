#pragma once

// Verifies the bearer tokens (signed JWTs) callers present in the
// `authorization: Bearer <token>` metadata, with libjwt (OpenSSL backend).
//
//   TokenVerifierOptions options;
//   options.algorithm = TokenAlgorithm::kHs256;
//   options.key = secret;                 // from a file or the environment, never committed
//   options.issuer = "ecoplan-local";
//   options.audience = "ecoplan";
//   ECOPLAN_ASSIGN_OR_RETURN(auto verifier, TokenVerifier::Create(options, &clock));
//   absl::StatusOr<Principal> who = verifier->Verify(token);
//
// The algorithm is pinned by configuration: the token header's "alg" must be
// exactly the configured one, checked before any signature work, so "none" and
// HS256-signed tokens against an RS256/ES256 public key (key confusion) are
// refused. Claims (all checked; times in seconds since the epoch):
//   sub  required non-empty string                    → Principal::subject
//   role required: administrator|reporter|viewer|service|supervisor
//   org  organization id; required for reporters      → Principal::organization_id
//   iss  required, equal to the configured issuer
//   aud  required, a string or an array of strings containing the configured audience
//   exp  required: refused once now ≥ exp + clock_skew
//   nbf  optional: refused while now + clock_skew < nbf
//   iat  optional: refused if now + clock_skew < iat (issued in the future)
// Error messages never contain the token or the key.

#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/time/clock.h"

namespace ecoplan::common {

enum class TokenAlgorithm { kHs256, kRs256, kEs256 };

// "HS256", "RS256", "ES256".
absl::string_view TokenAlgorithmName(TokenAlgorithm algorithm);
// Accepts the names above (case-insensitive). Errors: InvalidArgument.
absl::StatusOr<TokenAlgorithm> ParseTokenAlgorithm(absl::string_view name);

// The shortest HS256 secret accepted, in bytes (RFC 7518 §3.2: at least the hash size).
inline constexpr size_t kMinHs256SecretBytes = 32;

struct TokenVerifierOptions {
  TokenAlgorithm algorithm = TokenAlgorithm::kHs256;
  // HS256: the shared secret (≥ kMinHs256SecretBytes bytes).
  // RS256: an RSA public key (PEM "PUBLIC KEY"); ES256: a P-256 public key (PEM).
  std::string key;
  std::string issuer;                             // required
  std::string audience;                           // required
  absl::Duration clock_skew = absl::Seconds(60);  // tolerance on exp, nbf, iat; 0 … 5 min
  size_t max_token_bytes = 8 * 1024;              // larger tokens are refused unparsed
};

// Thread-safe (immutable after Create).
class TokenVerifier {
 public:
  // Checks the options: issuer and audience set, the secret long enough, the
  // PEM a public key of the algorithm's type. `clock` must outlive the verifier.
  // Errors: InvalidArgument (naming what is wrong, never the key).
  static absl::StatusOr<std::unique_ptr<TokenVerifier>> Create(TokenVerifierOptions options,
                                                               const Clock* clock);

  // Verifies `token` (the compact JWS, without "Bearer "). Errors:
  // Unauthenticated with the reason (malformed, wrong algorithm, bad
  // signature, expired, not yet valid, wrong issuer or audience, missing or
  // ill-typed claim, reporter without organization, too large).
  absl::StatusOr<Principal> Verify(absl::string_view token) const;

  TokenAlgorithm algorithm() const { return options_.algorithm; }
  const std::string& issuer() const { return options_.issuer; }
  const std::string& audience() const { return options_.audience; }

 private:
  TokenVerifier(TokenVerifierOptions options, const Clock* clock)
      : options_(std::move(options)), clock_(clock) {}

  const TokenVerifierOptions options_;
  const Clock* const clock_;
};

// Checks a PEM public key for `algorithm` (RS256: RSA ≥ 2048 bits; ES256: EC
// P-256). Errors: InvalidArgument. Exposed for configuration checks.
absl::Status CheckPublicKeyPem(TokenAlgorithm algorithm, absl::string_view pem);

}  // namespace ecoplan::common
