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

// Calls `Free` on the pointer it is given.
template <auto Free>
struct CallFree {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using PkeyDeleter = CallFree<EVP_PKEY_free>;
using PkeyCtxDeleter = CallFree<EVP_PKEY_CTX_free>;
using BioDeleter = CallFree<BIO_free>;
using BnDeleter = CallFree<BN_free>;
using ParamBldDeleter = CallFree<OSSL_PARAM_BLD_free>;
using ParamDeleter = CallFree<OSSL_PARAM_free>;
using X509Deleter = CallFree<X509_free>;
using JwtDeleter = CallFree<jwt_free>;

// What libjwt returns from malloc (jwt_encode_str, jwt_get_grants_json).
struct FreeDeleter {
  void operator()(char* p) const { std::free(p); }
};

}  // namespace ecoplan::common
