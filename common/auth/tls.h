#pragma once

// TLS and mutual TLS credentials for ecoplan servers and clients, from PEM
// files (Kubernetes Secrets mounted as files) or PEM text.
//
// Server: a certificate chain and its private key; with a client CA, every
// client must present a certificate signed by that CA (mutual TLS), and the
// certificate's common name is available to CallAuthenticator.
// Client: the CA that signed the servers' certificates (empty: the system
// roots), and optionally a client certificate and key for mutual TLS.
//
// Errors name the file or the item at fault, never the contents of a key.

#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common {

struct TlsServerPem {
  std::string certificate_chain;  // PEM, the server's certificate first
  std::string private_key;        // PEM
  std::string client_ca;          // PEM; non-empty → require and verify client certificates
};

struct TlsClientPem {
  std::string ca;                 // PEM roots to verify the server; empty = system roots
  std::string certificate_chain;  // PEM; with private_key, for mutual TLS
  std::string private_key;
};

// Checks the PEM (certificates parse, the key matches the certificate) and
// builds the credentials. Errors: InvalidArgument.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsServerPem& pem);
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsClientPem& pem);

// Reads the files (client_ca_file may be empty) and calls MakeServerCredentials.
// Errors: NotFound / PermissionDenied naming the file; InvalidArgument.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFiles(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file);
// Reads the files (each may be empty) and calls MakeChannelCredentials.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFromFiles(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file);

// Reads a secret or certificate file whole. `what` names it in errors (e.g.
// "--tls_key_file"). The contents never appear in an error. Errors: NotFound,
// PermissionDenied, InvalidArgument (empty, or larger than `max_bytes`).
absl::StatusOr<std::string> ReadSecretFile(absl::string_view what, const std::string& path,
                                           size_t max_bytes = 1 << 20);

}  // namespace ecoplan::common
