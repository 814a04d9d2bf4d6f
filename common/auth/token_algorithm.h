#pragma once

// The JWS algorithms ecoplan tokens may use (defined in token_verifier.cc).

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

// ES256 (EC P-256) and RS256 (RSA >= 2048 bits) are the production
// algorithms: the services hold only the verifying (public) keys. HS256 (one
// shared secret that both signs and verifies) is for local runs and tests only
// (docs/SECURITY.md "Keys").
enum class TokenAlgorithm { kHs256, kRs256, kEs256 };

// "HS256", "RS256", "ES256".
absl::string_view TokenAlgorithmName(TokenAlgorithm algorithm);
// Accepts the names above (case-insensitive). Errors: InvalidArgument.
absl::StatusOr<TokenAlgorithm> ParseTokenAlgorithm(absl::string_view name);

}  // namespace ecoplan::common
