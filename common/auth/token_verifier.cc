#include "common/auth/token_verifier.h"

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/c_deleters.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

using Json = nlohmann::json;

absl::Status Unauthenticated(absl::string_view why) {
  return absl::UnauthenticatedError(absl::StrCat("bearer token: ", why));
}

jwt_alg_t ToJwtAlg(TokenAlgorithm algorithm) {
  switch (algorithm) {
    case TokenAlgorithm::kHs256:
      return JWT_ALG_HS256;
    case TokenAlgorithm::kRs256:
      return JWT_ALG_RS256;
    case TokenAlgorithm::kEs256:
      return JWT_ALG_ES256;
  }
  return JWT_ALG_INVAL;
}

bool IsBase64UrlSegment(absl::string_view segment) {
  if (segment.empty()) return false;
  for (char c : segment) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

// A claim's value as seconds since the epoch; nullopt when it is not a number
// in a sane range (a NumericDate, RFC 7519 §2).
std::optional<int64_t> NumericDate(const Json& value) {
  if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    if (v < 0 || v > int64_t{100000000000}) return std::nullopt;
    return v;
  }
  if (value.is_number_unsigned()) {
    const uint64_t v = value.get<uint64_t>();
    if (v > uint64_t{100000000000}) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (value.is_number_float()) {
    const double v = value.get<double>();
    if (!std::isfinite(v) || v < 0 || v > 1e11) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  return std::nullopt;
}

// The compact serialization's shape: three non-empty base64url segments.
absl::StatusOr<std::vector<absl::string_view>> SplitCompact(absl::string_view token,
                                                            size_t max_bytes) {
  if (token.empty()) return Unauthenticated("empty");
  if (token.size() > max_bytes) {
    return Unauthenticated(absl::StrCat("larger than ", max_bytes, " bytes"));
  }
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) {
    return Unauthenticated("not a signed JWT (expected header.payload.signature)");
  }
  for (absl::string_view part : parts) {
    if (!IsBase64UrlSegment(part)) {
      return Unauthenticated("not a signed JWT (a segment is empty or not base64url)");
    }
  }
  return parts;
}

// What the header says, read before any signature check.
struct Header {
  std::string alg;
  std::string kid;  // empty when absent
};

absl::StatusOr<Header> ReadHeader(absl::string_view segment) {
  std::string header_text;
  if (!absl::WebSafeBase64Unescape(segment, &header_text)) {
    return Unauthenticated("the header is not base64url");
  }
  const Json header = Json::parse(header_text, nullptr, /*allow_exceptions=*/false);
  if (!header.is_object()) return Unauthenticated("the header is not a JSON object");
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string()) return Unauthenticated("the header has no alg");
  if (header.contains("crit")) return Unauthenticated("critical header extensions are refused");
  if (const auto typ = header.find("typ"); typ != header.end()) {
    if (!typ->is_string() || !absl::EqualsIgnoreCase(typ->get<std::string>(), "JWT")) {
      return Unauthenticated("typ must be JWT");
    }
  }
  Header out;
  out.alg = alg->get<std::string>();
  if (const auto kid = header.find("kid"); kid != header.end()) {
    if (!kid->is_string() || kid->get_ref<const std::string&>().empty() ||
        kid->get_ref<const std::string&>().size() > 128) {
      return Unauthenticated("kid must be a string of 1 … 128 characters");
    }
    out.kid = kid->get<std::string>();
  }
  return out;
}

// A kid as it may appear in a message: it is the caller's text.
std::string Quoted(absl::string_view text) {
  return absl::StrCat("\"", absl::CHexEscape(text.substr(0, 64)), "\"");
}

// The claims of a token whose signature libjwt verified with `key`.
absl::StatusOr<Json> VerifiedClaims(absl::string_view token, TokenAlgorithm algorithm,
                                    absl::string_view key) {
  jwt_t* raw = nullptr;
  const std::string token_copy(token);  // libjwt wants a NUL-terminated string
  const int rc =
      jwt_decode(&raw, token_copy.c_str(), reinterpret_cast<const unsigned char*>(key.data()),
                 static_cast<int>(key.size()));
  std::unique_ptr<jwt_t, JwtDeleter> jwt(raw);
  if (rc != 0 || jwt == nullptr) return Unauthenticated("invalid signature or malformed token");
  if (jwt_get_alg(jwt.get()) != ToJwtAlg(algorithm)) {
    return Unauthenticated(absl::StrCat("algorithm must be ", TokenAlgorithmName(algorithm)));
  }
  std::unique_ptr<char, FreeDeleter> grants_text(jwt_get_grants_json(jwt.get(), nullptr));
  if (grants_text == nullptr) return Unauthenticated("no claims");
  Json claims = Json::parse(grants_text.get(), nullptr, /*allow_exceptions=*/false);
  if (!claims.is_object()) return Unauthenticated("the claims are not a JSON object");
  return claims;
}

// A string claim: absent (an error when required) or a non-empty string of at
// most 256 bytes.
absl::Status StringClaim(const Json& claims, const char* name, bool required, std::string* out) {
  const auto it = claims.find(name);
  if (it == claims.end()) {
    return required ? Unauthenticated(absl::StrCat("claim ", name, " is missing"))
                    : absl::OkStatus();
  }
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return Unauthenticated(absl::StrCat("claim ", name, " must be a non-empty string"));
  }
  if (it->get_ref<const std::string&>().size() > 256) {
    return Unauthenticated(absl::StrCat("claim ", name, " is longer than 256 bytes"));
  }
  *out = it->get<std::string>();
  return absl::OkStatus();
}

// A NumericDate claim: absent (an error when required) or seconds since the epoch.
absl::Status TimeClaim(const Json& claims, const char* name, bool required,
                       std::optional<absl::Time>* out) {
  const auto it = claims.find(name);
  if (it == claims.end()) {
    return required ? Unauthenticated(absl::StrCat("claim ", name, " is missing"))
                    : absl::OkStatus();
  }
  const std::optional<int64_t> seconds = NumericDate(*it);
  if (!seconds.has_value()) {
    return Unauthenticated(absl::StrCat("claim ", name, " must be seconds since the epoch"));
  }
  *out = absl::FromUnixSeconds(*seconds);
  return absl::OkStatus();
}

// Who the claims name: subject, role, organization (the prefix
// "organizations/" accepted) and issuer. A reporter needs its organization.
absl::StatusOr<Principal> PrincipalOf(const Json& claims) {
  Principal principal;
  principal.via = AuthenticatedVia::kToken;
  std::string role_name;
  ECOPLAN_RETURN_IF_ERROR(StringClaim(claims, "sub", true, &principal.subject));
  ECOPLAN_RETURN_IF_ERROR(StringClaim(claims, "role", true, &role_name));
  ECOPLAN_RETURN_IF_ERROR(StringClaim(claims, "org", false, &principal.organization_id));
  ECOPLAN_RETURN_IF_ERROR(StringClaim(claims, "iss", true, &principal.issuer));
  absl::StatusOr<Role> role = ParseRole(role_name);
  if (!role.ok()) return Unauthenticated(role.status().message());
  principal.role = *role;
  constexpr absl::string_view kOrgPrefix = "organizations/";
  if (absl::StartsWith(principal.organization_id, kOrgPrefix)) {
    principal.organization_id.erase(0, kOrgPrefix.size());
    if (principal.organization_id.empty()) return Unauthenticated("claim org is empty");
  }
  if (principal.role == Role::kReporter && principal.organization_id.empty()) {
    return Unauthenticated("a reporter token needs the org claim");
  }
  return principal;
}

// The aud claim: a string, or an array of at most 32 strings, naming `audience`.
absl::Status CheckAudience(const Json& claims, absl::string_view audience) {
  const auto aud = claims.find("aud");
  if (aud == claims.end()) return Unauthenticated("claim aud is missing");
  bool audience_ok = false;
  if (aud->is_string()) {
    audience_ok = aud->get_ref<const std::string&>() == audience;
  } else if (aud->is_array() && aud->size() <= 32) {
    for (const Json& a : *aud) {
      if (!a.is_string()) return Unauthenticated("claim aud must hold strings");
      audience_ok = audience_ok || a.get_ref<const std::string&>() == audience;
    }
  } else {
    return Unauthenticated("claim aud must be a string or an array of strings");
  }
  return audience_ok ? absl::OkStatus() : Unauthenticated("wrong audience");
}

// exp (required), nbf and iat against `now`, each allowing `skew`; exp at
// most `max_lifetime` after now and after iat.
absl::Status CheckValidity(const Json& claims, absl::Time now, absl::Duration skew,
                           absl::Duration max_lifetime) {
  std::optional<absl::Time> exp, nbf, iat;
  ECOPLAN_RETURN_IF_ERROR(TimeClaim(claims, "exp", true, &exp));
  ECOPLAN_RETURN_IF_ERROR(TimeClaim(claims, "nbf", false, &nbf));
  ECOPLAN_RETURN_IF_ERROR(TimeClaim(claims, "iat", false, &iat));
  if (now >= *exp + skew) {
    return Unauthenticated(
        absl::StrCat("expired at ", absl::FormatTime(*exp, absl::UTCTimeZone())));
  }
  if (nbf.has_value() && now + skew < *nbf) {
    return Unauthenticated(
        absl::StrCat("not valid before ", absl::FormatTime(*nbf, absl::UTCTimeZone())));
  }
  if (iat.has_value() && now + skew < *iat) return Unauthenticated("issued in the future");
  if (*exp > now + max_lifetime + skew) {
    return Unauthenticated(absl::StrCat("expires more than the maximum token lifetime (",
                                        absl::FormatDuration(max_lifetime), ") from now"));
  }
  if (iat.has_value() && *exp - *iat > max_lifetime) {
    return Unauthenticated(
        absl::StrCat("lives longer (exp - iat) than the maximum token lifetime (",
                     absl::FormatDuration(max_lifetime), ")"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::string_view TokenAlgorithmName(TokenAlgorithm algorithm) {
  switch (algorithm) {
    case TokenAlgorithm::kHs256:
      return "HS256";
    case TokenAlgorithm::kRs256:
      return "RS256";
    case TokenAlgorithm::kEs256:
      return "ES256";
  }
  return "unknown";
}

absl::StatusOr<TokenAlgorithm> ParseTokenAlgorithm(absl::string_view name) {
  const std::string upper = absl::AsciiStrToUpper(name);
  for (TokenAlgorithm a :
       {TokenAlgorithm::kHs256, TokenAlgorithm::kRs256, TokenAlgorithm::kEs256}) {
    if (upper == TokenAlgorithmName(a)) return a;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown token algorithm \"", name.substr(0, 20),
                                                 "\"; expected HS256, RS256 or ES256"));
}

absl::Status CheckPublicKeyPem(TokenAlgorithm algorithm, absl::string_view pem) {
  if (algorithm == TokenAlgorithm::kHs256) {
    return absl::InvalidArgumentError("HS256 takes a shared secret, not a public key");
  }
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
      bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        "the public key is not a PEM \"PUBLIC KEY\" (SubjectPublicKeyInfo)");
  }
  if (algorithm == TokenAlgorithm::kRs256) {
    if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
      return absl::InvalidArgumentError("RS256 needs an RSA public key");
    }
    if (EVP_PKEY_get_bits(key.get()) < 2048) {
      return absl::InvalidArgumentError("RS256 needs an RSA key of at least 2048 bits");
    }
    return absl::OkStatus();
  }
  if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_EC) {
    return absl::InvalidArgumentError("ES256 needs an EC public key");
  }
  char group[64] = {0};
  size_t group_len = 0;
  if (EVP_PKEY_get_utf8_string_param(key.get(), "group", group, sizeof(group), &group_len) != 1 ||
      (absl::string_view(group) != "prime256v1" && absl::string_view(group) != "P-256")) {
    return absl::InvalidArgumentError("ES256 needs an EC key on the P-256 curve");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<TokenVerifier>> TokenVerifier::Create(TokenVerifierOptions options,
                                                                     const Clock* clock) {
  if (clock == nullptr) return absl::InvalidArgumentError("token verifier: no clock");
  if (options.issuer.empty()) {
    return absl::InvalidArgumentError("token verifier: the expected issuer is not set");
  }
  if (options.audience.empty()) {
    return absl::InvalidArgumentError("token verifier: the expected audience is not set");
  }
  if (options.clock_skew < absl::ZeroDuration() || options.clock_skew > absl::Minutes(5)) {
    return absl::InvalidArgumentError("token verifier: clock skew must be between 0 and 5 minutes");
  }
  if (options.max_token_bytes < 256 || options.max_token_bytes > 64 * 1024) {
    return absl::InvalidArgumentError("token verifier: max token size must be 256 B … 64 KiB");
  }
  if (options.max_lifetime < absl::Minutes(1) || options.max_lifetime > kMaxTokenLifetimeLimit) {
    return absl::InvalidArgumentError(
        "token verifier: the maximum token lifetime must be between 1m and 720h");
  }
  if (!options.jwks_file.empty()) {
    if (!options.key.empty()) {
      return absl::InvalidArgumentError("token verifier: give a JWKS file or a key, not both");
    }
    ECOPLAN_ASSIGN_OR_RETURN(
        std::unique_ptr<JwksFile> jwks,
        JwksFile::Open(options.jwks_file, options.jwks_refresh, clock, options.on_jwks_reload));
    return std::unique_ptr<TokenVerifier>(
        new TokenVerifier(std::move(options), clock, std::move(jwks)));
  }
  if (options.algorithm == TokenAlgorithm::kHs256) {
    if (options.key.size() < kMinHs256SecretBytes) {
      return absl::InvalidArgumentError(absl::StrCat("token verifier: the HS256 secret has ",
                                                     options.key.size(), " bytes; at least ",
                                                     kMinHs256SecretBytes, " are required"));
    }
  } else if (absl::Status pem = CheckPublicKeyPem(options.algorithm, options.key); !pem.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("token verifier: ", pem.message()));
  }
  return std::unique_ptr<TokenVerifier>(new TokenVerifier(std::move(options), clock, nullptr));
}

absl::StatusOr<Principal> TokenVerifier::Verify(absl::string_view token) const {
  ECOPLAN_ASSIGN_OR_RETURN(const std::vector<absl::string_view> parts,
                           SplitCompact(token, options_.max_token_bytes));
  ECOPLAN_ASSIGN_OR_RETURN(const Header header, ReadHeader(parts[0]));
  TokenAlgorithm algorithm = options_.algorithm;
  const std::string* key = &options_.key;
  std::shared_ptr<const KeySet> keys;  // keeps *key alive while a re-read swaps the set
  const VerificationKey* jwk = nullptr;
  if (jwks_ != nullptr) {
    if (header.kid.empty()) {
      return Unauthenticated("the header has no kid (key id); keys are selected by kid");
    }
    keys = jwks_->Current(/*kid_missing=*/false);
    auto it = keys->find(header.kid);
    if (it == keys->end()) {
      keys = jwks_->Current(/*kid_missing=*/true);
      it = keys->find(header.kid);
      if (it == keys->end()) {
        return Unauthenticated(absl::StrCat("unknown key id (kid) ", Quoted(header.kid)));
      }
    }
    jwk = &it->second;
    algorithm = jwk->algorithm;
    key = &jwk->public_key_pem;
  }
  if (header.alg != TokenAlgorithmName(algorithm)) {
    return Unauthenticated(absl::StrCat("algorithm must be ", TokenAlgorithmName(algorithm)));
  }
  ECOPLAN_ASSIGN_OR_RETURN(const Json claims, VerifiedClaims(token, algorithm, *key));
  ECOPLAN_ASSIGN_OR_RETURN(Principal principal, PrincipalOf(claims));
  if (principal.issuer != options_.issuer) return Unauthenticated("wrong issuer");
  ECOPLAN_RETURN_IF_ERROR(CheckAudience(claims, options_.audience));
  ECOPLAN_RETURN_IF_ERROR(
      CheckValidity(claims, clock_->Now(), options_.clock_skew, options_.max_lifetime));
  // Who the key may speak for.
  if (jwk != nullptr && !jwk->service_subjects.empty()) {
    if (principal.role != Role::kService) {
      return Unauthenticated(
          absl::StrCat("key ", Quoted(jwk->kid), " signs only tokens of role service"));
    }
    const auto& subjects = jwk->service_subjects;
    if (std::find(subjects.begin(), subjects.end(), principal.subject) == subjects.end()) {
      return Unauthenticated(absl::StrCat("key ", Quoted(jwk->kid), " may not sign for subject ",
                                          Quoted(principal.subject)));
    }
  } else if (algorithm != TokenAlgorithm::kHs256 && principal.role == Role::kService) {
    return Unauthenticated(
        "a service token must be signed with that service's own key (a JWKS key bound to its "
        "subject by ecoplan_service_subjects)");
  }
  return principal;
}

}  // namespace ecoplan::common
