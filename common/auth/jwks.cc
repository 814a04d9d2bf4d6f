#include "common/auth/jwks.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/auth/c_deleters.h"
#include "common/auth/tls.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

using Json = nlohmann::json;

using Pkey = std::unique_ptr<EVP_PKEY, PkeyDeleter>;
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;

absl::Status Invalid(absl::string_view where, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("JWKS ", where, ": ", why));
}

// Base64url (RFC 7515 §2; padding tolerated) into bytes.
bool DecodeBase64Url(const Json& value, std::string* out) {
  if (!value.is_string()) return false;
  const std::string& text = value.get_ref<const std::string&>();
  if (text.empty() || text.size() > 2048) return false;
  for (char c : text) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '=') {
      return false;
    }
  }
  return absl::WebSafeBase64Unescape(text, out) && !out->empty();
}

absl::StatusOr<std::string> PublicPem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new(BIO_s_mem()));
  if (bio == nullptr || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return absl::InternalError("cannot write a public key as PEM");
  }
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

// EVP_PKEY_fromdata for `type` ("EC", "RSA") with the public parameters of `bld`.
Pkey PublicKeyFromParams(const char* type, OSSL_PARAM_BLD* bld) {
  std::unique_ptr<OSSL_PARAM, ParamDeleter> params(OSSL_PARAM_BLD_to_param(bld));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  if (params == nullptr || ctx == nullptr || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
    return nullptr;
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) return nullptr;
  Pkey key(raw);
  // Rejects a point off the curve and RSA moduli OpenSSL finds unusable.
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxDeleter> check(
      EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (check == nullptr || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

absl::StatusOr<std::string> EcPem(const Json& jwk, absl::string_view where) {
  const auto crv = jwk.find("crv");
  if (crv == jwk.end() || !crv->is_string() || crv->get_ref<const std::string&>() != "P-256") {
    return Invalid(where, "crv must be \"P-256\"");
  }
  std::string x, y;
  if (!jwk.contains("x") || !DecodeBase64Url(jwk["x"], &x) || x.size() != 32) {
    return Invalid(where, "x must be base64url of 32 bytes");
  }
  if (!jwk.contains("y") || !DecodeBase64Url(jwk["y"], &y) || y.size() != 32) {
    return Invalid(where, "y must be base64url of 32 bytes");
  }
  const std::string point = absl::StrCat(std::string(1, '\x04'), x, y);  // SEC 1 uncompressed
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return absl::InternalError("cannot build EC key parameters");
  }
  Pkey key = PublicKeyFromParams("EC", bld.get());
  if (key == nullptr) return Invalid(where, "x, y is not a point on P-256");
  return PublicPem(key.get());
}

absl::StatusOr<std::string> RsaPem(const Json& jwk, absl::string_view where) {
  std::string n, e;
  if (!jwk.contains("n") || !DecodeBase64Url(jwk["n"], &n)) {
    return Invalid(where, "n must be base64url");
  }
  if (!jwk.contains("e") || !DecodeBase64Url(jwk["e"], &e) || e.size() > 8) {
    return Invalid(where, "e must be base64url of at most 8 bytes");
  }
  Bn bn_n(BN_bin2bn(reinterpret_cast<const unsigned char*>(n.data()), static_cast<int>(n.size()),
                    nullptr));
  Bn bn_e(BN_bin2bn(reinterpret_cast<const unsigned char*>(e.data()), static_cast<int>(e.size()),
                    nullptr));
  if (bn_n == nullptr || bn_e == nullptr) return absl::InternalError("cannot read n, e");
  if (BN_num_bits(bn_n.get()) < 2048 || BN_num_bits(bn_n.get()) > 8192) {
    return Invalid(where, "n must have 2048 … 8192 bits");
  }
  std::unique_ptr<OSSL_PARAM_BLD, ParamBldDeleter> bld(OSSL_PARAM_BLD_new());
  if (bld == nullptr || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get()) != 1) {
    return absl::InternalError("cannot build RSA key parameters");
  }
  Pkey key = PublicKeyFromParams("RSA", bld.get());
  if (key == nullptr) return Invalid(where, "n, e is not a usable RSA public key");
  return PublicPem(key.get());
}

absl::Status ParseSubjects(const Json& jwk, absl::string_view where,
                           std::vector<std::string>* out) {
  const auto it = jwk.find("ecoplan_service_subjects");
  if (it == jwk.end()) return absl::OkStatus();
  if (!it->is_array() || it->empty() || it->size() > 16) {
    return Invalid(where, "ecoplan_service_subjects must be an array of 1 … 16 strings");
  }
  std::set<std::string> seen;
  for (const Json& s : *it) {
    if (!s.is_string() || s.get_ref<const std::string&>().empty() ||
        s.get_ref<const std::string&>().size() > 64) {
      return Invalid(where, "ecoplan_service_subjects must hold non-empty strings of <= 64 bytes");
    }
    if (!seen.insert(s.get<std::string>()).second) {
      return Invalid(where, "ecoplan_service_subjects repeats a subject");
    }
    out->push_back(s.get<std::string>());
  }
  return absl::OkStatus();
}

absl::StatusOr<VerificationKey> ParseKey(const Json& jwk, size_t index) {
  std::string where = absl::StrCat("key ", index);
  if (!jwk.is_object()) return Invalid(where, "not a JSON object");
  const auto kid = jwk.find("kid");
  if (kid == jwk.end() || !kid->is_string() || kid->get_ref<const std::string&>().empty() ||
      kid->get_ref<const std::string&>().size() > 128) {
    return Invalid(where, "kid must be a string of 1 … 128 characters");
  }
  VerificationKey key;
  key.kid = kid->get<std::string>();
  for (char c : key.kid) {
    if (c < 0x21 || c > 0x7e) return Invalid(where, "kid must be printable ASCII");
  }
  where = absl::StrCat("key ", index, " (kid ", key.kid, ")");
  for (const char* secret : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"}) {
    if (jwk.contains(secret)) {
      return Invalid(where, absl::StrCat("holds private member \"", secret,
                                         "\"; the verifying set takes public keys only"));
    }
  }
  if (const auto use = jwk.find("use"); use != jwk.end()) {
    if (!use->is_string() || use->get_ref<const std::string&>() != "sig") {
      return Invalid(where, "use must be \"sig\"");
    }
  }
  const auto kty = jwk.find("kty");
  if (kty == jwk.end() || !kty->is_string()) return Invalid(where, "kty is missing");
  const std::string type = kty->get<std::string>();
  if (type == "EC") {
    key.algorithm = TokenAlgorithm::kEs256;
    ECOPLAN_ASSIGN_OR_RETURN(key.public_key_pem, EcPem(jwk, where));
  } else if (type == "RSA") {
    key.algorithm = TokenAlgorithm::kRs256;
    ECOPLAN_ASSIGN_OR_RETURN(key.public_key_pem, RsaPem(jwk, where));
  } else {
    return Invalid(where, "kty must be \"EC\" (ES256) or \"RSA\" (RS256)");
  }
  if (const auto alg = jwk.find("alg"); alg != jwk.end()) {
    if (!alg->is_string() ||
        alg->get_ref<const std::string&>() != TokenAlgorithmName(key.algorithm)) {
      return Invalid(where, absl::StrCat("alg must be ", TokenAlgorithmName(key.algorithm),
                                         " for kty ", type));
    }
  }
  ECOPLAN_RETURN_IF_ERROR(ParseSubjects(jwk, where, &key.service_subjects));
  return key;
}

Pkey ReadAnyKey(absl::string_view pem) {
  std::unique_ptr<BIO, BioDeleter> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (bio == nullptr) return nullptr;
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (key != nullptr) return key;
  bio.reset(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  return Pkey(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
}

absl::StatusOr<TokenAlgorithm> AlgorithmOf(EVP_PKEY* key) {
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA) {
    if (EVP_PKEY_get_bits(key) < 2048) {
      return absl::InvalidArgumentError("an RSA key needs at least 2048 bits");
    }
    return TokenAlgorithm::kRs256;
  }
  if (EVP_PKEY_get_base_id(key) == EVP_PKEY_EC) {
    char group[64] = {0};
    size_t group_len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &group_len) != 1 ||
        (absl::string_view(group) != "prime256v1" && absl::string_view(group) != "P-256")) {
      return absl::InvalidArgumentError("an EC key must be on the P-256 curve (ES256)");
    }
    return TokenAlgorithm::kEs256;
  }
  return absl::InvalidArgumentError("the key is neither EC P-256 (ES256) nor RSA (RS256)");
}

absl::StatusOr<std::string> BnParam(EVP_PKEY* key, const char* name, int pad_to) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1 || raw == nullptr) {
    return absl::InternalError(absl::StrCat("cannot read key parameter ", name));
  }
  Bn bn(raw);
  const int size = pad_to > 0 ? pad_to : BN_num_bytes(bn.get());
  std::string bytes(static_cast<size_t>(size), '\0');
  if (BN_bn2binpad(bn.get(), reinterpret_cast<unsigned char*>(bytes.data()), size) != size) {
    return absl::InternalError(absl::StrCat("key parameter ", name, " is too large"));
  }
  return absl::WebSafeBase64Escape(bytes);
}

}  // namespace

absl::StatusOr<KeySet> ParseJwks(absl::string_view json) {
  if (json.size() > kMaxJwksBytes) {
    return absl::InvalidArgumentError(absl::StrCat("JWKS: larger than ", kMaxJwksBytes, " bytes"));
  }
  const Json doc = Json::parse(json.begin(), json.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return absl::InvalidArgumentError("JWKS: not a JSON object");
  const auto keys = doc.find("keys");
  if (keys == doc.end() || !keys->is_array() || keys->empty() || keys->size() > kMaxJwksKeys) {
    return absl::InvalidArgumentError(
        absl::StrCat("JWKS: \"keys\" must be an array of 1 … ", kMaxJwksKeys, " keys"));
  }
  KeySet set;
  for (size_t i = 0; i < keys->size(); ++i) {
    ECOPLAN_ASSIGN_OR_RETURN(VerificationKey key, ParseKey((*keys)[i], i));
    const std::string kid = key.kid;
    if (!set.emplace(kid, std::move(key)).second) {
      return Invalid(absl::StrCat("key ", i), absl::StrCat("kid ", kid, " appears twice"));
    }
  }
  return set;
}

absl::StatusOr<TokenAlgorithm> SigningAlgorithmOfPem(absl::string_view pem) {
  Pkey key = ReadAnyKey(pem);
  if (key == nullptr) return absl::InvalidArgumentError("not a PEM private or public key");
  return AlgorithmOf(key.get());
}

absl::StatusOr<std::string> PublicJwkOfPem(absl::string_view pem, absl::string_view kid,
                                           const std::vector<std::string>& service_subjects) {
  if (kid.empty() || kid.size() > 128) {
    return absl::InvalidArgumentError("the kid must have 1 … 128 characters");
  }
  Pkey key = ReadAnyKey(pem);
  if (key == nullptr) return absl::InvalidArgumentError("not a PEM private or public key");
  ECOPLAN_ASSIGN_OR_RETURN(const TokenAlgorithm algorithm, AlgorithmOf(key.get()));
  Json jwk = Json::object();
  if (algorithm == TokenAlgorithm::kEs256) {
    jwk["kty"] = "EC";
    jwk["crv"] = "P-256";
    ECOPLAN_ASSIGN_OR_RETURN(std::string x, BnParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_X, 32));
    ECOPLAN_ASSIGN_OR_RETURN(std::string y, BnParam(key.get(), OSSL_PKEY_PARAM_EC_PUB_Y, 32));
    jwk["x"] = x;
    jwk["y"] = y;
  } else {
    jwk["kty"] = "RSA";
    ECOPLAN_ASSIGN_OR_RETURN(std::string n, BnParam(key.get(), OSSL_PKEY_PARAM_RSA_N, 0));
    ECOPLAN_ASSIGN_OR_RETURN(std::string e, BnParam(key.get(), OSSL_PKEY_PARAM_RSA_E, 0));
    jwk["n"] = n;
    jwk["e"] = e;
  }
  jwk["kid"] = std::string(kid);
  jwk["use"] = "sig";
  jwk["alg"] = std::string(TokenAlgorithmName(algorithm));
  if (!service_subjects.empty()) jwk["ecoplan_service_subjects"] = service_subjects;
  // Checked as a verifier will read it.
  ECOPLAN_RETURN_IF_ERROR(ParseKey(jwk, 0).status());
  return jwk.dump();
}

absl::StatusOr<std::string> JwkThumbprintOfPem(absl::string_view pem) {
  // Any kid will do to get the members; it is not part of the thumbprint.
  ECOPLAN_ASSIGN_OR_RETURN(const std::string jwk_text, PublicJwkOfPem(pem, "x", {}));
  const Json jwk = Json::parse(jwk_text);
  // RFC 7638 §3.2: the required members only, sorted, no whitespace (the
  // values are base64url and plain names: nothing to escape).
  std::string canonical;
  if (jwk["kty"] == "EC") {
    canonical = absl::StrCat(R"({"crv":"P-256","kty":"EC","x":")", jwk["x"].get<std::string>(),
                             R"(","y":")", jwk["y"].get<std::string>(), R"("})");
  } else {
    canonical = absl::StrCat(R"({"e":")", jwk["e"].get<std::string>(), R"(","kty":"RSA","n":")",
                             jwk["n"].get<std::string>(), R"("})");
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &digest_len, EVP_sha256(), nullptr) !=
      1) {
    return absl::InternalError("SHA-256 failed");
  }
  return absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_len));
}

std::string JwksOf(const std::vector<std::string>& jwks) {
  return absl::StrCat("{\"keys\":[", absl::StrJoin(jwks, ","), "]}\n");
}

namespace {

// Device, inode, size, modification and change times: what differs once the
// file (or the symlink Kubernetes swaps) was replaced. "" when stat fails.
std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return absl::StrCat(st.st_dev, ":", st.st_ino, ":", st.st_size, ":", st.st_mtim.tv_sec, ".",
                      st.st_mtim.tv_nsec, ":", st.st_ctim.tv_sec, ".", st.st_ctim.tv_nsec);
}

}  // namespace

absl::StatusOr<std::unique_ptr<JwksFile>> JwksFile::Open(std::string path, absl::Duration refresh,
                                                         const Clock* clock,
                                                         ReloadCallback on_reload) {
  if (clock == nullptr) return absl::InvalidArgumentError("JWKS file: no clock");
  if (refresh < absl::Milliseconds(100) || refresh > absl::Minutes(10)) {
    return absl::InvalidArgumentError("JWKS file: the refresh interval must be 100ms … 10m");
  }
  std::unique_ptr<JwksFile> file(
      new JwksFile(std::move(path), refresh, clock, std::move(on_reload)));
  absl::MutexLock lock(&file->mu_);
  file->last_check_ = clock->Now();
  ECOPLAN_RETURN_IF_ERROR(file->ReloadIfChanged());
  return file;
}

absl::Status JwksFile::ReloadIfChanged() {
  const std::string stamp = FileStamp(path_);
  if (!stamp.empty() && stamp == stamp_) return absl::OkStatus();
  // Remembered even when the contents are bad: a broken file is reported
  // once, and read again when it changes.
  stamp_ = stamp;
  absl::StatusOr<std::string> text = ReadSecretFile("--auth_jwks_file", path_, kMaxJwksBytes);
  absl::StatusOr<KeySet> keys =
      text.ok() ? ParseJwks(*text) : absl::StatusOr<KeySet>(text.status());
  if (!keys.ok()) {
    const absl::Status error(keys.status().code(),
                             absl::StrCat(path_, ": ", keys.status().message()));
    if (keys_ != nullptr && on_reload_) on_reload_(error, keys_->size());
    return error;
  }
  keys_ = std::make_shared<const KeySet>(*std::move(keys));
  if (on_reload_) on_reload_(absl::OkStatus(), keys_->size());
  return absl::OkStatus();
}

std::shared_ptr<const KeySet> JwksFile::Current(bool kid_missing) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_->Now();
  bool due = now >= last_check_ + refresh_;
  if (kid_missing && now >= last_forced_check_ + kMinForcedCheckInterval) {
    due = true;
    last_forced_check_ = now;
  }
  if (due) {
    last_check_ = now;
    (void)ReloadIfChanged();  // on error the previous keys stay (reported by on_reload_)
  }
  return keys_;
}

}  // namespace ecoplan::common
