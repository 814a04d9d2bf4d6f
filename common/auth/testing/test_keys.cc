#include "common/auth/testing/test_keys.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "absl/strings/str_cat.h"
#include "common/auth/c_deleters.h"

namespace ecoplan::common::testing {
namespace {

using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;

std::string BioText(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(len));
}

absl::StatusOr<PemKeyPair> ToPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioDeleter> priv(BIO_new(BIO_s_mem()));
  std::unique_ptr<BIO, BioDeleter> pub(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_PrivateKey(priv.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1 ||
      PEM_write_bio_PUBKEY(pub.get(), key) != 1) {
    return absl::InternalError("cannot write the key as PEM");
  }
  return PemKeyPair{BioText(priv.get()), BioText(pub.get())};
}

Pkey NewEcKey() { return Pkey(EVP_EC_gen("P-256")); }

absl::StatusOr<Pkey> ReadPrivateKey(const std::string& pem) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key == nullptr) return absl::InternalError("cannot read the private key");
  return key;
}

absl::StatusOr<std::unique_ptr<X509, X509Deleter>> ReadCertificate(const std::string& pem) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509, X509Deleter> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (cert == nullptr) return absl::InternalError("cannot read the certificate");
  return cert;
}

bool AddExtension(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// Builds and signs a certificate for `key` named `cn`; self-signed when `issuer` is null.
absl::StatusOr<PemCertificate> MakeCertificate(EVP_PKEY* key, absl::string_view cn, X509* issuer,
                                               EVP_PKEY* issuer_key, bool is_ca) {
  std::unique_ptr<X509, X509Deleter> cert(X509_new());
  unsigned char serial_bytes[16];
  if (cert == nullptr || RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) {
    return absl::InternalError("cannot create a certificate");
  }
  serial_bytes[0] &= 0x7f;
  BIGNUM* serial = BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert.get()));
  BN_free(serial);
  X509_set_version(cert.get(), 2);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  const std::string cn_text(cn);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ecoplan test"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(cn_text.c_str()), -1, -1, 0);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  bool ok = true;
  if (is_ca) {
    ok = AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE") &&
         AddExtension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign") &&
         AddExtension(cert.get(), signer, NID_subject_key_identifier, "hash");
  } else {
    ok = AddExtension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE") &&
         AddExtension(cert.get(), signer, NID_key_usage, "critical,digitalSignature") &&
         AddExtension(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth") &&
         AddExtension(cert.get(), signer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  }
  if (!ok) return absl::InternalError("cannot add certificate extensions");
  if (X509_sign(cert.get(), issuer_key != nullptr ? issuer_key : key, EVP_sha256()) == 0) {
    return absl::InternalError("cannot sign the certificate");
  }
  std::unique_ptr<BIO, BioDeleter> out(BIO_new(BIO_s_mem()));
  if (PEM_write_bio_X509(out.get(), cert.get()) != 1) {
    return absl::InternalError("cannot write the certificate");
  }
  absl::StatusOr<PemKeyPair> pem = ToPem(key);
  if (!pem.ok()) return pem.status();
  return PemCertificate{BioText(out.get()), pem->private_key};
}

}  // namespace

absl::StatusOr<PemKeyPair> GenerateRsaKey() {
  Pkey key(EVP_RSA_gen(2048));
  if (key == nullptr) return absl::InternalError("cannot generate an RSA key");
  return ToPem(key.get());
}

absl::StatusOr<PemKeyPair> GenerateEcKey() {
  Pkey key = NewEcKey();
  if (key == nullptr) return absl::InternalError("cannot generate an EC key");
  return ToPem(key.get());
}

absl::StatusOr<PemCertificate> GenerateCa(absl::string_view common_name) {
  Pkey key = NewEcKey();
  if (key == nullptr) return absl::InternalError("cannot generate an EC key");
  return MakeCertificate(key.get(), common_name, nullptr, nullptr, /*is_ca=*/true);
}

absl::StatusOr<PemCertificate> GenerateLeaf(const PemCertificate& ca,
                                            absl::string_view common_name) {
  absl::StatusOr<Pkey> ca_key = ReadPrivateKey(ca.private_key);
  if (!ca_key.ok()) return ca_key.status();
  auto ca_cert = ReadCertificate(ca.certificate);
  if (!ca_cert.ok()) return ca_cert.status();
  Pkey key = NewEcKey();
  if (key == nullptr) return absl::InternalError("cannot generate an EC key");
  return MakeCertificate(key.get(), common_name, ca_cert->get(), ca_key->get(), /*is_ca=*/false);
}

}  // namespace ecoplan::common::testing
