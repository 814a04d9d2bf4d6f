#include "common/auth/token_minter.h"

#include <jwt.h>

#include <cstdlib>
#include <memory>

#include "absl/strings/str_cat.h"
#include "common/auth/c_deleters.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

absl::StatusOr<std::unique_ptr<jwt_t, JwtDeleter>> NewJwt() {
  jwt_t* raw = nullptr;
  if (jwt_new(&raw) != 0 || raw == nullptr) return absl::InternalError("jwt_new failed");
  return std::unique_ptr<jwt_t, JwtDeleter>(raw);
}

absl::StatusOr<std::string> Encode(jwt_t* jwt) {
  std::unique_ptr<char, FreeDeleter> text(jwt_encode_str(jwt));
  if (text == nullptr) {
    return absl::InvalidArgumentError("cannot sign the token (is the key of the right type?)");
  }
  return std::string(text.get());
}

}  // namespace

absl::StatusOr<std::string> MintToken(TokenAlgorithm algorithm, absl::string_view key,
                                      const TokenClaims& claims) {
  if (algorithm == TokenAlgorithm::kHs256 && key.size() < kMinHs256SecretBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the HS256 secret has ", key.size(),
                                                   " bytes; at least ", kMinHs256SecretBytes,
                                                   " are required"));
  }
  if (claims.subject.empty()) return absl::InvalidArgumentError("the subject is empty");
  if (claims.issuer.empty() || claims.audience.empty()) {
    return absl::InvalidArgumentError("the issuer and the audience are required");
  }
  if (claims.role == Role::kReporter && claims.organization_id.empty()) {
    return absl::InvalidArgumentError("a reporter token needs an organization");
  }
  if (claims.expires_at <= claims.issued_at) {
    return absl::InvalidArgumentError("the expiry must come after the issue time");
  }
  ECOPLAN_ASSIGN_OR_RETURN(auto jwt, NewJwt());
  const jwt_alg_t alg = algorithm == TokenAlgorithm::kHs256   ? JWT_ALG_HS256
                        : algorithm == TokenAlgorithm::kRs256 ? JWT_ALG_RS256
                                                              : JWT_ALG_ES256;
  if (jwt_set_alg(jwt.get(), alg, reinterpret_cast<const unsigned char*>(key.data()),
                  static_cast<int>(key.size())) != 0) {
    return absl::InvalidArgumentError("cannot use the signing key");
  }
  const std::string role(RoleName(claims.role));
  bool ok = jwt_add_grant(jwt.get(), "sub", claims.subject.c_str()) == 0 &&
            jwt_add_grant(jwt.get(), "role", role.c_str()) == 0 &&
            jwt_add_grant(jwt.get(), "iss", claims.issuer.c_str()) == 0 &&
            jwt_add_grant(jwt.get(), "aud", claims.audience.c_str()) == 0 &&
            jwt_add_grant_int(jwt.get(), "iat", absl::ToUnixSeconds(claims.issued_at)) == 0 &&
            jwt_add_grant_int(jwt.get(), "exp", absl::ToUnixSeconds(claims.expires_at)) == 0;
  if (ok && !claims.organization_id.empty()) {
    ok = jwt_add_grant(jwt.get(), "org", claims.organization_id.c_str()) == 0;
  }
  if (ok && claims.not_before.has_value()) {
    ok = jwt_add_grant_int(jwt.get(), "nbf", absl::ToUnixSeconds(*claims.not_before)) == 0;
  }
  if (!ok) return absl::InvalidArgumentError("cannot add the claims");
  if (!claims.key_id.empty() && jwt_add_header(jwt.get(), "kid", claims.key_id.c_str()) != 0) {
    return absl::InvalidArgumentError("cannot add the kid");
  }
  return Encode(jwt.get());
}

absl::StatusOr<std::string> MintRawTokenForTest(absl::string_view algorithm_name,
                                                absl::string_view key,
                                                absl::string_view claims_json,
                                                absl::string_view key_id) {
  ECOPLAN_ASSIGN_OR_RETURN(auto jwt, NewJwt());
  const std::string name(algorithm_name);
  const jwt_alg_t alg = jwt_str_alg(name.c_str());
  if (alg == JWT_ALG_INVAL) return absl::InvalidArgumentError("unknown algorithm");
  const bool none = alg == JWT_ALG_NONE;
  if (jwt_set_alg(jwt.get(), alg,
                  none ? nullptr : reinterpret_cast<const unsigned char*>(key.data()),
                  none ? 0 : static_cast<int>(key.size())) != 0) {
    return absl::InvalidArgumentError("cannot use the signing key");
  }
  const std::string json(claims_json);
  if (jwt_add_grants_json(jwt.get(), json.c_str()) != 0) {
    return absl::InvalidArgumentError("the claims are not a JSON object");
  }
  const std::string kid(key_id);
  if (!kid.empty() && jwt_add_header(jwt.get(), "kid", kid.c_str()) != 0) {
    return absl::InvalidArgumentError("cannot add the kid");
  }
  return Encode(jwt.get());
}

}  // namespace ecoplan::common
