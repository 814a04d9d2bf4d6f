#pragma once

// Mints signed JWTs for ecoplanctl's local use ("ecoplanctl token mint") and
// for tests. Production tokens come from the deployment's identity provider;
// this is the same format (see token_verifier.h for the claims).

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/auth/principal.h"
#include "common/auth/token_verifier.h"

namespace ecoplan::common {

struct TokenClaims {
  std::string subject;                   // sub
  std::string organization_id;           // org; omitted when empty
  Role role = Role::kViewer;             // role
  std::string issuer;                    // iss
  std::string audience;                  // aud (a string)
  absl::Time issued_at;                  // iat
  absl::Time expires_at;                 // exp
  std::optional<absl::Time> not_before;  // nbf
};

// Signs `claims` with `algorithm`: HS256 takes the shared secret
// (≥ kMinHs256SecretBytes), RS256/ES256 a PEM private key. Errors:
// InvalidArgument (short secret, bad key, empty subject, exp not after iat).
absl::StatusOr<std::string> MintToken(TokenAlgorithm algorithm, absl::string_view key,
                                      const TokenClaims& claims);

// For tests of the verifier: signs an arbitrary JSON claims object with any
// libjwt algorithm name ("none", "HS256", "RS256", "HS512", …; "none" takes no
// key). No checks beyond what libjwt does. Errors: InvalidArgument.
absl::StatusOr<std::string> MintRawTokenForTest(absl::string_view algorithm_name,
                                                absl::string_view key,
                                                absl::string_view claims_json);

}  // namespace ecoplan::common
