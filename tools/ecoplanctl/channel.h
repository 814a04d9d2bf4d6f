#pragma once

#include <grpcpp/channel.h>
#include <grpcpp/security/credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"

namespace ecoplan::ctl {

// How ecoplanctl reaches the servers: the bearer token it sends and the
// channel credentials (TLS, optionally with a client certificate).
struct ConnectionOptions {
  // Sent as "authorization: Bearer <token>" on every call; empty = none.
  std::string token;
  // TLS credentials; null = plaintext (local runs).
  std::shared_ptr<grpc::ChannelCredentials> credentials;
};

// Creates the channel to one ecoplan server at `address` (host:port). Every
// command gets its channels here, so authentication (TLS, bearer tokens) is
// added in this one place.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& address,
                                           const ConnectionOptions& connection = {});

// The connection from the command line and environment:
//   token: --token, else --token-file, else $ECOPLAN_TOKEN, else the file named
//          by $ECOPLAN_TOKEN_FILE (surrounding whitespace removed);
//   TLS:   on when tls_ca_file is given; tls_cert_file and tls_key_file add a
//          client certificate (mutual TLS).
// Errors: InvalidArgument (both --token and --token-file; a bad certificate),
// NotFound / PermissionDenied naming an unreadable file.
absl::StatusOr<ConnectionOptions> ResolveConnection(const std::string& token_flag,
                                                    const std::string& token_file_flag,
                                                    const std::string& tls_ca_file,
                                                    const std::string& tls_cert_file,
                                                    const std::string& tls_key_file);

}  // namespace ecoplan::ctl
