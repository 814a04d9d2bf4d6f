#pragma once

// Deleters for the C objects of OpenSSL and libjwt that common_auth (and its
// test keys) hold in std::unique_ptr. Internal to common_auth.

#include <jwt.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/x509.h>

#include <cstdlib>

namespace ecoplan::common {

struct PkeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct PkeyCtxDeleter {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct BnDeleter {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
struct ParamBldDeleter {
  void operator()(OSSL_PARAM_BLD* bld) const { OSSL_PARAM_BLD_free(bld); }
};
struct ParamDeleter {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct JwtDeleter {
  void operator()(jwt_t* jwt) const { jwt_free(jwt); }
};
// What libjwt returns from malloc (jwt_encode_str, jwt_get_grants_json).
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

}  // namespace ecoplan::common
