#include "common/auth/tls.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "common/auth/c_deleters.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

std::unique_ptr<BIO, BioDeleter> MemBio(absl::string_view pem) {
  return std::unique_ptr<BIO, BioDeleter>(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

absl::StatusOr<std::unique_ptr<X509, X509Deleter>> FirstCertificate(absl::string_view what,
                                                                    absl::string_view pem) {
  auto bio = MemBio(pem);
  std::unique_ptr<X509, X509Deleter> cert(
      bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (cert == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(what, " holds no PEM certificate"));
  }
  return cert;
}

// Checks that `key_pem` is a private key matching the first certificate of `chain_pem`.
absl::Status CheckKeyPair(absl::string_view chain_what, absl::string_view chain_pem,
                          absl::string_view key_what, absl::string_view key_pem) {
  ECOPLAN_ASSIGN_OR_RETURN(auto cert, FirstCertificate(chain_what, chain_pem));
  auto bio = MemBio(key_pem);
  std::unique_ptr<EVP_PKEY, PkeyDeleter> key(
      bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (key == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(key_what, " holds no unencrypted PEM private key"));
  }
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat(key_what, " does not match the certificate in ", chain_what));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> ReadSecretFile(absl::string_view what, const std::string& path,
                                           size_t max_bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    const std::string reason = err != 0 ? std::strerror(err) : "cannot open";
    if (err == EACCES) {
      return absl::PermissionDeniedError(absl::StrCat(what, " ", path, ": ", reason));
    }
    return absl::NotFoundError(absl::StrCat(what, " ", path, ": ", reason));
  }
  std::string data(max_bytes + 1, '\0');
  in.read(data.data(), static_cast<std::streamsize>(data.size()));
  data.resize(static_cast<size_t>(in.gcount()));
  if (data.size() > max_bytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " ", path, " is larger than ", max_bytes, " bytes"));
  }
  if (data.empty()) return absl::InvalidArgumentError(absl::StrCat(what, " ", path, " is empty"));
  return data;
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const TlsServerPem& pem) {
  ECOPLAN_RETURN_IF_ERROR(CheckKeyPair("the server certificate", pem.certificate_chain,
                                       "the server key", pem.private_key));
  grpc::SslServerCredentialsOptions options;
  options.pem_key_cert_pairs.push_back({pem.private_key, pem.certificate_chain});
  if (!pem.client_ca.empty()) {
    ECOPLAN_RETURN_IF_ERROR(FirstCertificate("the client CA", pem.client_ca).status());
    options.pem_root_certs = pem.client_ca;
    options.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  } else {
    options.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  }
  return grpc::SslServerCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const TlsClientPem& pem) {
  grpc::SslCredentialsOptions options;
  if (!pem.ca.empty()) {
    ECOPLAN_RETURN_IF_ERROR(FirstCertificate("the CA", pem.ca).status());
    options.pem_root_certs = pem.ca;
  }
  if (pem.certificate_chain.empty() != pem.private_key.empty()) {
    return absl::InvalidArgumentError(
        "a client certificate and its key go together: give both or neither");
  }
  if (!pem.certificate_chain.empty()) {
    ECOPLAN_RETURN_IF_ERROR(CheckKeyPair("the client certificate", pem.certificate_chain,
                                         "the client key", pem.private_key));
    options.pem_cert_chain = pem.certificate_chain;
    options.pem_private_key = pem.private_key;
  }
  return grpc::SslCredentials(options);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> ServerCredentialsFromFiles(
    const std::string& cert_file, const std::string& key_file, const std::string& client_ca_file) {
  TlsServerPem pem;
  ECOPLAN_ASSIGN_OR_RETURN(pem.certificate_chain, ReadSecretFile("TLS certificate", cert_file));
  ECOPLAN_ASSIGN_OR_RETURN(pem.private_key, ReadSecretFile("TLS key", key_file));
  if (!client_ca_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(pem.client_ca, ReadSecretFile("TLS client CA", client_ca_file));
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> creds = MakeServerCredentials(pem);
  if (!creds.ok()) {
    return absl::Status(
        creds.status().code(),
        absl::StrCat(creds.status().message(), " (files ", cert_file, ", ", key_file,
                     client_ca_file.empty() ? "" : ", ", client_ca_file, ")"));
  }
  return creds;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> ChannelCredentialsFromFiles(
    const std::string& ca_file, const std::string& cert_file, const std::string& key_file) {
  TlsClientPem pem;
  if (!ca_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(pem.ca, ReadSecretFile("TLS CA", ca_file));
  }
  if (!cert_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(pem.certificate_chain,
                             ReadSecretFile("TLS client certificate", cert_file));
  }
  if (!key_file.empty()) {
    ECOPLAN_ASSIGN_OR_RETURN(pem.private_key, ReadSecretFile("TLS client key", key_file));
  }
  return MakeChannelCredentials(pem);
}

}  // namespace ecoplan::common
