#include "tools/ecoplanctl/channel.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/client_interceptor.h>

#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "common/auth/bearer_token_interceptor.h"
#include "common/auth/tls.h"

namespace ecoplan::ctl {

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const ConnectionOptions& connection) {
  grpc::ChannelArguments arguments;
  // ExportPlan returns a whole plan at once, beyond gRPC's default 4 MiB.
  arguments.SetMaxReceiveMessageSize(64 * 1024 * 1024);
  arguments.SetMaxSendMessageSize(16 * 1024 * 1024);
  // A server that was down is reconnected to within a second of its return
  // (gRPC's default backoff grows from 1 s to 2 min), so the retries of
  // unary_call.h find it back. gRPC also gives each connection attempt the
  // "min" backoff as its deadline: 250 ms cut handshakes short on a loaded
  // machine ("tcp handshaker shutdown" until the retries ran out), so 1 s.
  arguments.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  arguments.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 1000);
  arguments.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  std::shared_ptr<grpc::ChannelCredentials> credentials = connection.credentials != nullptr
                                                              ? connection.credentials
                                                              : grpc::InsecureChannelCredentials();
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!connection.token.empty()) {
    interceptors.push_back(std::make_unique<common::BearerTokenInterceptorFactory>(
        [header = "Bearer " + connection.token] { return header; }));
  }
  return grpc::experimental::CreateCustomChannelWithInterceptors(address, credentials, arguments,
                                                                 std::move(interceptors));
}

absl::StatusOr<ConnectionOptions> ResolveConnection(const std::string& token_flag,
                                                    const std::string& token_file_flag,
                                                    const std::string& tls_ca_file,
                                                    const std::string& tls_cert_file,
                                                    const std::string& tls_key_file) {
  ConnectionOptions connection;
  if (!token_flag.empty() && !token_file_flag.empty()) {
    return absl::InvalidArgumentError("give --token or --token-file, not both");
  }
  auto env = [](const char* name) {
    const char* value = std::getenv(name);
    return std::string(value != nullptr ? value : "");
  };
  if (!token_flag.empty()) {
    connection.token = token_flag;
  } else if (!token_file_flag.empty()) {
    absl::StatusOr<std::string> text =
        common::ReadSecretFile("--token-file", token_file_flag, 64 * 1024);
    if (!text.ok()) return text.status();
    connection.token = *text;
  } else if (!env("ECOPLAN_TOKEN").empty()) {
    connection.token = env("ECOPLAN_TOKEN");
  } else if (!env("ECOPLAN_TOKEN_FILE").empty()) {
    absl::StatusOr<std::string> text =
        common::ReadSecretFile("$ECOPLAN_TOKEN_FILE", env("ECOPLAN_TOKEN_FILE"), 64 * 1024);
    if (!text.ok()) return text.status();
    connection.token = *text;
  }
  connection.token = std::string(absl::StripAsciiWhitespace(connection.token));
  if (!tls_ca_file.empty()) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        common::ChannelCredentialsFromFiles(tls_ca_file, tls_cert_file, tls_key_file);
    if (!credentials.ok()) return credentials.status();
    connection.credentials = *std::move(credentials);
  } else if (!tls_cert_file.empty() || !tls_key_file.empty()) {
    return absl::InvalidArgumentError(
        "--tls-cert-file and --tls-key-file need --tls-ca-file (the CA of the servers)");
  }
  return connection;
}

}  // namespace ecoplan::ctl
