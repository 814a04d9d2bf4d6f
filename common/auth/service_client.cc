#include "common/auth/service_client.h"

#include <grpcpp/create_channel.h>
#include <sys/stat.h>

#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/auth/bearer_token_interceptor.h"
#include "common/auth/tls.h"
#include "common/auth/token_minter.h"
#include "common/auth/token_verifier.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

constexpr size_t kMaxTokenBytes = 64 * 1024;

// Size and modification time: what tells that a mounted Secret was rotated.
std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return absl::StrCat(st.st_size, ":", st.st_mtim.tv_sec, ".", st.st_mtim.tv_nsec);
}

}  // namespace

ServiceTokenSource::ServiceTokenSource(Options options, const Clock* clock, Logger logger)
    : options_(std::move(options)), clock_(clock), logger_(std::move(logger)) {}

absl::StatusOr<std::unique_ptr<ServiceTokenSource>> ServiceTokenSource::Create(Options options,
                                                                               const Clock* clock,
                                                                               Logger logger) {
  if (options.token_file.empty() && !options.hs256_secret.empty()) {
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
  } else if (!source->options_.hs256_secret.empty()) {
    ECOPLAN_RETURN_IF_ERROR(source->MintIfDue());
  }
  return source;
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
  ECOPLAN_ASSIGN_OR_RETURN(std::string token,
                           MintToken(TokenAlgorithm::kHs256, options_.hs256_secret, claims));
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

std::string ServiceTokenSource::Describe() const {
  if (!options_.token_file.empty()) return absl::StrCat("token file ", options_.token_file);
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
  if (options.token_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(options.hs256_secret, Hs256SecretOf(own));
  }
  options.subject = service_name;
  options.issuer = own.auth_issuer;
  options.audience = own.auth_audience;
  ECOPLAN_ASSIGN_OR_RETURN(clients->tokens_,
                           ServiceTokenSource::Create(std::move(options), clock, logger));
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
