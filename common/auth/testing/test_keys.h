#pragma once

// Keys and certificates generated at test time with OpenSSL's C API, so no
// private key (not even a test one) is ever committed.

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace ecoplan::common::testing {

struct PemKeyPair {
  std::string private_key;  // PEM "PRIVATE KEY" (PKCS#8)
  std::string public_key;   // PEM "PUBLIC KEY"
};

// A fresh RSA key (2048 bits) or EC P-256 key.
absl::StatusOr<PemKeyPair> GenerateRsaKey();
absl::StatusOr<PemKeyPair> GenerateEcKey();

struct PemCertificate {
  std::string certificate;  // PEM
  std::string private_key;  // PEM
};

// A self-signed CA certificate valid for a day.
absl::StatusOr<PemCertificate> GenerateCa(absl::string_view common_name);
// A certificate signed by `ca` for `common_name`, valid for a day, with the
// subject alternative names DNS:localhost and IP:127.0.0.1 (usable by servers
// and clients alike).
absl::StatusOr<PemCertificate> GenerateLeaf(const PemCertificate& ca,
                                            absl::string_view common_name);

}  // namespace ecoplan::common::testing
