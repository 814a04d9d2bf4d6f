#pragma once

// Mints signed JWTs: for the services' own calls to each other (each with its
// own ES256/RS256 key and kid, common/auth/service_client.h), for operators
// ("ecoplanctl token mint --key-file … --kid …"), the backup job, and tests.
// Tokens of people may also come from the deployment's identity provider;
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
  std::string key_id;                    // the header's kid; omitted when empty
};

// Signs `claims` with `algorithm`: HS256 takes the shared secret
// (≥ kMinHs256SecretBytes), RS256/ES256 a PEM private key. Errors:
// InvalidArgument (short secret, bad key, empty subject, exp not after iat).
absl::StatusOr<std::string> MintToken(TokenAlgorithm algorithm, absl::string_view key,
                                      const TokenClaims& claims);

// For tests of the verifier: signs an arbitrary JSON claims object with any
// libjwt algorithm name ("none", "HS256", "RS256", "HS512", …; "none" takes no
// key), with header kid `key_id` when not empty. No checks beyond what libjwt
// does. Errors: InvalidArgument.
absl::StatusOr<std::string> MintRawTokenForTest(absl::string_view algorithm_name,
                                                absl::string_view key,
                                                absl::string_view claims_json,
                                                absl::string_view key_id = "");

}  // namespace ecoplan::common
