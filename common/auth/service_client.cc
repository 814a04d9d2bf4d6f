#include "common/auth/service_client.h"

#include <grpcpp/create_channel.h>
#include <sys/stat.h>

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/auth/bearer_token_interceptor.h"
#include "common/auth/jwks.h"
#include "common/auth/tls.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

constexpr size_t kMaxTokenBytes = 64 * 1024;

// Identity, size and modification time: what tells that a mounted Secret was
// rotated (Kubernetes swaps a symlink: a new inode).
std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return absl::StrCat(st.st_ino, ":", st.st_size, ":", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec);
}

}  // namespace

ServiceTokenSource::ServiceTokenSource(Options options, const Clock* clock, Logger logger)
    : options_(std::move(options)), clock_(clock), logger_(std::move(logger)) {}

absl::StatusOr<std::unique_ptr<ServiceTokenSource>> ServiceTokenSource::Create(Options options,
                                                                               const Clock* clock,
                                                                               Logger logger) {
  if (options.token_file.empty() && !options.signing_key_file.empty() && options.subject.empty()) {
    return absl::InvalidArgumentError("minted service tokens need a subject");
  }
  if (options.token_file.empty() && options.signing_key_file.empty() &&
      !options.hs256_secret.empty()) {
    if (options.hs256_secret.size() < kMinHs256SecretBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("the HS256 secret is shorter than ", kMinHs256SecretBytes, " bytes"));
    }
    if (options.subject.empty()) {
      return absl::InvalidArgumentError("minted service tokens need a subject");
    }
  }
  std::unique_ptr<ServiceTokenSource> source(
      new ServiceTokenSource(std::move(options), clock, std::move(logger)));
  absl::MutexLock lock(&source->mu_);
  if (!source->options_.token_file.empty()) {
    ECOPLAN_RETURN_IF_ERROR(source->ReloadFileIfChanged());
  } else if (!source->options_.signing_key_file.empty()) {
    ECOPLAN_RETURN_IF_ERROR(source->ReloadKeyIfChanged());
    ECOPLAN_RETURN_IF_ERROR(source->MintIfDue());
  } else if (!source->options_.hs256_secret.empty()) {
    ECOPLAN_RETURN_IF_ERROR(source->MintIfDue());
  }
  return source;
}

absl::Status ServiceTokenSource::ReloadKeyIfChanged() {
  const std::string stamp = FileStamp(options_.signing_key_file);
  if (!stamp.empty() && stamp == key_stamp_) return absl::OkStatus();
  ECOPLAN_ASSIGN_OR_RETURN(std::string pem,
                           ReadSecretFile("--service_signing_key_file", options_.signing_key_file));
  absl::StatusOr<TokenAlgorithm> algorithm = SigningAlgorithmOfPem(pem);
  if (!algorithm.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("--service_signing_key_file: ", algorithm.status().message()));
  }
  std::string kid = options_.signing_key_id;
  if (kid.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(kid, JwkThumbprintOfPem(pem));
  }
  key_pem_ = std::move(pem);
  key_id_ = std::move(kid);
  key_algorithm_ = *algorithm;
  key_stamp_ = stamp;
  renew_at_ = absl::InfinitePast();  // a new key: mint with it now
  return absl::OkStatus();
}

absl::Status ServiceTokenSource::ReloadFileIfChanged() {
  const std::string stamp = FileStamp(options_.token_file);
  if (!stamp.empty() && stamp == file_stamp_) return absl::OkStatus();
  ECOPLAN_ASSIGN_OR_RETURN(std::string token, ReadSecretFile("--service_token_file",
                                                             options_.token_file, kMaxTokenBytes));
  token = std::string(absl::StripAsciiWhitespace(token));
  if (token.empty()) return absl::InvalidArgumentError("--service_token_file is empty");
  header_ = absl::StrCat("Bearer ", token);
  file_stamp_ = stamp;
  return absl::OkStatus();
}

absl::Status ServiceTokenSource::MintIfDue() {
  const absl::Time now = clock_->Now();
  if (now < renew_at_) return absl::OkStatus();
  TokenClaims claims;
  claims.subject = options_.subject;
  claims.role = Role::kService;
  claims.issuer = options_.issuer;
  claims.audience = options_.audience;
  claims.issued_at = now;
  claims.expires_at = now + options_.lifetime;
  std::string token;
  if (!options_.signing_key_file.empty()) {
    claims.key_id = key_id_;
    ECOPLAN_ASSIGN_OR_RETURN(token, MintToken(key_algorithm_, key_pem_, claims));
  } else {
    ECOPLAN_ASSIGN_OR_RETURN(token,
                             MintToken(TokenAlgorithm::kHs256, options_.hs256_secret, claims));
  }
  header_ = absl::StrCat("Bearer ", token);
  // Renewed at four fifths of its life, so a call never leaves with a token
  // about to expire (the upstream tolerates clock skew on top).
  renew_at_ = now + options_.lifetime * 4 / 5;
  return absl::OkStatus();
}

std::string ServiceTokenSource::AuthorizationHeader() {
  absl::MutexLock lock(&mu_);
  absl::Status status = absl::OkStatus();
  if (!options_.token_file.empty()) {
    status = ReloadFileIfChanged();
  } else if (!options_.signing_key_file.empty()) {
    status = ReloadKeyIfChanged();
    // A key file caught mid-rotation: keep minting with the last good key.
    absl::Status minted = MintIfDue();
    if (status.ok()) status = minted;
  } else if (!options_.hs256_secret.empty()) {
    status = MintIfDue();
  }
  if (!status.ok()) {
    // Keep the last good token: a file caught mid-rotation is read again on
    // the next call.
    if (!warned_) {
      logger_.Warn("cannot renew the service token", {{"error", status.ToString()}});
      warned_ = true;
    }
  } else {
    warned_ = false;
  }
  return header_;
}

std::string ServiceTokenSource::Describe() {
  if (!options_.token_file.empty()) return absl::StrCat("token file ", options_.token_file);
  if (!options_.signing_key_file.empty()) {
    absl::MutexLock lock(&mu_);
    return absl::StrCat("minted ", TokenAlgorithmName(key_algorithm_), " tokens as ",
                        options_.subject, " (kid ", key_id_, ", key file ",
                        options_.signing_key_file, ")");
  }
  if (!options_.hs256_secret.empty()) {
    return absl::StrCat("minted HS256 tokens as ", options_.subject);
  }
  return "none";
}

absl::StatusOr<std::unique_ptr<ServiceClients>> ServiceClients::Create(
    const ServiceClientConfig& config, const ServerSecurityConfig& own,
    const std::string& service_name, const Clock* clock, const Logger& logger) {
  std::unique_ptr<ServiceClients> clients(new ServiceClients);
  if (!config.tls_ca_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(
        clients->credentials_,
        ChannelCredentialsFromFiles(config.tls_ca_file, config.tls_cert_file, config.tls_key_file));
  } else if (!config.tls_cert_file.empty() || !config.tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--upstream_tls_cert_file and --upstream_tls_key_file need --upstream_tls_ca_file");
  } else {
    clients->credentials_ = grpc::InsecureChannelCredentials();
  }
  ServiceTokenSource::Options options;
  options.token_file = config.token_file;
  options.signing_key_file = config.signing_key_file;
  options.signing_key_id = config.signing_key_id;
  if (!config.signing_key_id.empty() && config.signing_key_file.empty()) {
    return absl::InvalidArgumentError("--service_signing_key_id needs --service_signing_key_file");
  }
  if (options.token_file.empty() && options.signing_key_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(options.hs256_secret, Hs256SecretOf(own));
  }
  options.subject = service_name;
  options.issuer = own.auth_issuer;
  options.audience = own.auth_audience;
  const bool no_token = options.token_file.empty() && options.signing_key_file.empty() &&
                        options.hs256_secret.empty();
  ECOPLAN_ASSIGN_OR_RETURN(clients->tokens_,
                           ServiceTokenSource::Create(std::move(options), clock, logger));
  if (no_token && !own.insecure_development_mode && config.tls_cert_file.empty()) {
    logger.Warn(
        "calls to other services carry no credentials: give --service_signing_key_file (the "
        "service's own key, its public key in the JWKS bound to its subject)");
  }
  logger.Info("upstream calls", {{"token", clients->tokens_->Describe()},
                                 {"tls", config.tls_ca_file.empty()     ? "off (plaintext)"
                                         : config.tls_cert_file.empty() ? "on"
                                                                        : "mutual"}});
  return clients;
}

std::shared_ptr<grpc::Channel> ServiceClients::Channel(const std::string& address,
                                                       const grpc::ChannelArguments& args) const {
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  ServiceTokenSource* tokens = tokens_.get();
  interceptors.push_back(std::make_unique<BearerTokenInterceptorFactory>(
      [tokens] { return tokens->AuthorizationHeader(); }));
  grpc::ChannelArguments with_keepalive = args;
  with_keepalive.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, kKeepaliveTimeMs);
  with_keepalive.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, kKeepaliveTimeoutMs);
  // A stream that only receives sends no data frames: without this the client
  // stops pinging after two pings.
  with_keepalive.SetInt(GRPC_ARG_HTTP2_MAX_PINGS_WITHOUT_DATA, 0);
  with_keepalive.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, kMaxReconnectBackoffMs);
  return grpc::experimental::CreateCustomChannelWithInterceptors(
      address, credentials_, with_keepalive, std::move(interceptors));
}

}  // namespace ecoplan::common
