#include "common/auth/server_security.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/tls.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {

absl::Status ServerSecurityConfig::Validate() const {
  const int key_sources =
      (auth_jwks_file.empty() ? 0 : 1) + (auth_hs256_secret_file.empty() ? 0 : 1) +
      (auth_hs256_secret.empty() ? 0 : 1) + (auth_public_key_file.empty() ? 0 : 1);
  if (key_sources > 1) {
    return absl::InvalidArgumentError(
        "give one token key: --auth_jwks_file, --auth_hs256_secret_file, "
        "$ECOPLAN_AUTH_HS256_SECRET or --auth_public_key_file");
  }
  if (key_sources == 0 && !insecure_development_mode) {
    return absl::InvalidArgumentError(
        "no token key: give --auth_jwks_file (production), or for tests "
        "--auth_hs256_secret_file (or $ECOPLAN_AUTH_HS256_SECRET) or --auth_public_key_file with "
        "--auth_algorithm RS256|ES256; for a local run only, --insecure_development_mode");
  }
  if (!auth_jwks_file.empty() && !auth_algorithm.empty()) {
    return absl::InvalidArgumentError(
        "--auth_algorithm does not apply to --auth_jwks_file: each key's type pins its algorithm");
  }
  if (auth_jwks_refresh < absl::Milliseconds(100) || auth_jwks_refresh > absl::Minutes(10)) {
    return absl::InvalidArgumentError("--auth_jwks_refresh must be between 100ms and 10m");
  }
  if (auth_max_token_lifetime < absl::Minutes(1) ||
      auth_max_token_lifetime > kMaxTokenLifetimeLimit) {
    return absl::InvalidArgumentError("--auth_max_token_lifetime must be between 1m and 720h");
  }
  TokenAlgorithm algorithm = TokenAlgorithm::kHs256;
  if (!auth_algorithm.empty()) {
    absl::StatusOr<TokenAlgorithm> parsed = ParseTokenAlgorithm(auth_algorithm);
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--auth_algorithm: ", parsed.status().message()));
    }
    algorithm = *parsed;
  }
  if (!auth_public_key_file.empty() && algorithm == TokenAlgorithm::kHs256) {
    return absl::InvalidArgumentError(
        "--auth_public_key_file needs --auth_algorithm RS256 or ES256");
  }
  if (auth_public_key_file.empty() && auth_jwks_file.empty() && key_sources == 1 &&
      algorithm != TokenAlgorithm::kHs256) {
    return absl::InvalidArgumentError(
        "an HS256 secret was given but --auth_algorithm is not HS256");
  }
  if (auth_issuer.empty()) return absl::InvalidArgumentError("--auth_issuer must not be empty");
  if (auth_audience.empty()) return absl::InvalidArgumentError("--auth_audience must not be empty");
  if (auth_clock_skew < absl::ZeroDuration() || auth_clock_skew > absl::Minutes(5)) {
    return absl::InvalidArgumentError("--auth_clock_skew must be between 0s and 5m");
  }
  if (tls_cert_file.empty() != tls_key_file.empty()) {
    return absl::InvalidArgumentError("--tls_cert_file and --tls_key_file go together");
  }
  if (!tls_client_ca_file.empty() && tls_cert_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls_client_ca_file (mutual TLS) needs --tls_cert_file and --tls_key_file");
  }
  if (!tls_client_service_names.empty() && tls_client_ca_file.empty()) {
    return absl::InvalidArgumentError("--tls_client_service_names needs --tls_client_ca_file");
  }
  if (rate_limit_per_second != 0) {
    ECOPLAN_RETURN_IF_ERROR(
        RateLimiter::Validate({rate_limit_per_second, rate_limit_burst, 10000}));
  } else if (rate_limit_burst < 0) {
    return absl::InvalidArgumentError("--rate_limit_burst must not be negative");
  }
  ECOPLAN_RETURN_IF_ERROR(RefusalThrottle::Validate(refusal_limit));
  if (absl::Status proxies = TrustedProxies::Parse(trusted_proxy_networks).status();
      !proxies.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--trusted_proxy_networks: ", proxies.message()));
  }
  return absl::OkStatus();
}

void ServerSecurityConfig::LogEffective(const Logger& logger) const {
  std::string key = "none";
  if (!auth_jwks_file.empty()) key = absl::StrCat("JWKS file ", auth_jwks_file);
  if (!auth_hs256_secret_file.empty())
    key = absl::StrCat("HS256 secret file ", auth_hs256_secret_file);
  if (!auth_hs256_secret.empty()) key = "HS256 secret from $ECOPLAN_AUTH_HS256_SECRET";
  if (!auth_hs256_secret_file.empty() || !auth_hs256_secret.empty()) {
    logger.Warn(
        "HS256 tokens: one shared secret both signs and verifies, so anyone holding it mints "
        "administrator tokens; for local runs and tests only (production: --auth_jwks_file)");
  }
  if (!auth_public_key_file.empty()) {
    key = absl::StrCat(auth_algorithm, " public key file ", auth_public_key_file);
  }
  std::string tls = "off (plaintext)";
  if (!tls_cert_file.empty()) {
    tls = tls_client_ca_file.empty() ? "on" : "mutual (client certificates required)";
  }
  logger.Info(
      "security",
      {{"auth_key", key},
       {"auth_max_token_lifetime", absl::FormatDuration(auth_max_token_lifetime)},
       {"auth_issuer", auth_issuer},
       {"auth_audience", auth_audience},
       {"auth_clock_skew", absl::FormatDuration(auth_clock_skew)},
       {"tls", tls},
       {"tls_client_service_names", absl::StrJoin(tls_client_service_names, ",")},
       {"rate_limit", rate_limit_per_second == 0
                          ? std::string("off")
                          : absl::StrCat(rate_limit_per_second, "/s burst ", rate_limit_burst)},
       {"refusal_limit",
        refusal_limit.rate_per_second == 0
            ? std::string("off")
            : absl::StrCat(refusal_limit.rate_per_second, "/s burst ", refusal_limit.burst,
                           " window ", absl::FormatDuration(refusal_limit.window))},
       {"trusted_proxy_networks", trusted_proxy_networks},
       {"insecure_development_mode", insecure_development_mode}});
}

absl::StatusOr<std::string> Hs256SecretOf(const ServerSecurityConfig& config) {
  if (!config.auth_hs256_secret_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(
        std::string secret,
        ReadSecretFile("--auth_hs256_secret_file", config.auth_hs256_secret_file, 4096));
    // A trailing newline is an editor's, not the secret's.
    while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
    return secret;
  }
  return config.auth_hs256_secret;
}

absl::StatusOr<ServerSecurity> BuildServerSecurity(const ServerSecurityConfig& config,
                                                   const PolicyTable* policy, const Clock* clock,
                                                   MetricsRegistry* metrics, const Logger& logger) {
  ECOPLAN_RETURN_IF_ERROR(config.Validate());
  ServerSecurity security;
  TokenVerifierOptions options;
  options.issuer = config.auth_issuer;
  options.audience = config.auth_audience;
  options.clock_skew = config.auth_clock_skew;
  options.max_lifetime = config.auth_max_token_lifetime;
  bool have_key = true;
  ECOPLAN_ASSIGN_OR_RETURN(std::string hs256_secret, Hs256SecretOf(config));
  if (!config.auth_jwks_file.empty()) {
    options.jwks_file = config.auth_jwks_file;
    options.jwks_refresh = config.auth_jwks_refresh;
    options.on_jwks_reload = [logger, path = config.auth_jwks_file](const absl::Status& status,
                                                                    size_t keys) {
      if (status.ok()) {
        logger.Info("token keys read", {{"jwks_file", path}, {"keys", static_cast<int64_t>(keys)}});
      } else {
        logger.Error("token keys not re-read; the previous keys stay in force",
                     {{"jwks_file", path},
                      {"keys", static_cast<int64_t>(keys)},
                      {"error", std::string(status.message())}});
      }
    };
  } else if (!hs256_secret.empty()) {
    options.key = std::move(hs256_secret);
  } else if (!config.auth_public_key_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(options.key,
                             ReadSecretFile("--auth_public_key_file", config.auth_public_key_file));
    ECOPLAN_ASSIGN_OR_RETURN(options.algorithm, ParseTokenAlgorithm(config.auth_algorithm));
  } else {
    have_key = false;
  }
  if (have_key) {
    absl::StatusOr<std::unique_ptr<TokenVerifier>> verifier =
        TokenVerifier::Create(std::move(options), clock);
    if (!verifier.ok()) return verifier.status();
    security.verifier = std::move(*verifier);
  }
  if (config.rate_limit_per_second > 0) {
    security.limiter = std::make_unique<RateLimiter>(
        RateLimiterOptions{config.rate_limit_per_second, config.rate_limit_burst, 10000}, clock);
  }
  CallAuthenticatorOptions auth_options;
  auth_options.insecure_development_mode = config.insecure_development_mode;
  auth_options.client_certificate_as_service = !config.tls_client_service_names.empty();
  auth_options.allowed_client_certificate_names = config.tls_client_service_names;
  if (config.refusal_limit.rate_per_second > 0) {
    security.refusal_throttle = std::make_unique<RefusalThrottle>(config.refusal_limit, clock);
    auth_options.refusal_throttle = security.refusal_throttle.get();
  }
  ECOPLAN_ASSIGN_OR_RETURN(auth_options.trusted_proxies,
                           TrustedProxies::Parse(config.trusted_proxy_networks));
  security.authenticator = std::make_unique<CallAuthenticator>(
      auth_options, security.verifier.get(), policy, security.limiter.get(), metrics, logger);
  security.authenticator_options = auth_options;
  if (!config.tls_cert_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(security.credentials,
                             ServerCredentialsFromFiles(config.tls_cert_file, config.tls_key_file,
                                                        config.tls_client_ca_file));
  } else {
    logger.Warn(
        "TLS is off: serving plaintext; bearer tokens cross the network in the clear unless a "
        "mesh encrypts it (set --tls_cert_file and --tls_key_file)");
  }
  return security;
}

}  // namespace ecoplan::common
