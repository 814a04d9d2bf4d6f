#include "services/notification/storage/secret_cipher.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace ecoplan::notification {
namespace {

constexpr size_t kKeyBytes = 32;
constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;

bool ValidKeyId(absl::string_view id) {
  if (id.empty() || id.size() > 32) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<std::unique_ptr<SecretCipher>> SecretCipher::FromKeyFileText(
    absl::string_view text) {
  std::unique_ptr<SecretCipher> cipher(new SecretCipher());
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::vector<absl::string_view> fields =
        absl::StrSplit(line, absl::ByAnyChar(" \t"), absl::SkipEmpty());
    // Never the key material in a message.
    const std::string where = absl::StrCat("webhook secret key file line ", line_number);
    if (fields.size() != 2 || !ValidKeyId(fields[0])) {
      return absl::InvalidArgumentError(absl::StrCat(
          where, ": expected \"<key id> <base64 of 32 bytes>\", the id 1..32 of [A-Za-z0-9._-]"));
    }
    std::string key;
    if (!absl::Base64Unescape(fields[1], &key) || key.size() != kKeyBytes) {
      return absl::InvalidArgumentError(
          absl::StrCat(where, ": the key is not base64 of exactly 32 bytes"));
    }
    const std::string id(fields[0]);
    if (!cipher->keys_.emplace(id, std::move(key)).second) {
      return absl::InvalidArgumentError(absl::StrCat(where, ": key id \"", id, "\" repeated"));
    }
    if (cipher->current_.empty()) cipher->current_ = id;
  }
  if (cipher->current_.empty()) {
    return absl::InvalidArgumentError("webhook secret key file holds no key");
  }
  return cipher;
}

absl::StatusOr<std::unique_ptr<SecretCipher>> SecretCipher::FromKeyFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read the webhook secret key file ", path));
  }
  std::stringstream text;
  text << in.rdbuf();
  absl::StatusOr<std::unique_ptr<SecretCipher>> cipher = FromKeyFileText(text.str());
  if (!cipher.ok()) {
    return absl::Status(cipher.status().code(),
                        absl::StrCat(path, ": ", cipher.status().message()));
  }
  return cipher;
}

absl::StatusOr<SecretCipher::Sealed> SecretCipher::Seal(absl::string_view plaintext,
                                                        absl::string_view associated) const {
  const std::string& key = keys_.at(current_);
  std::string out(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  unsigned char* nonce = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(nonce, kNonceBytes) != 1) return absl::InternalError("RAND_bytes failed");
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  unsigned char* body = nonce + kNonceBytes;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), body, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), body + len, &len) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, body + plaintext.size()) !=
          1) {
    return absl::InternalError("AES-256-GCM sealing failed");
  }
  return Sealed{current_, std::move(out)};
}

absl::StatusOr<std::string> SecretCipher::Open(const Sealed& sealed,
                                               absl::string_view associated) const {
  auto key = keys_.find(sealed.key_id);
  if (key == keys_.end()) {
    return absl::FailedPreconditionError(
        absl::StrCat("a webhook secret is sealed with key \"", sealed.key_id,
                     "\", which the webhook secret key file no longer holds"));
  }
  if (sealed.bytes.size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError("a sealed webhook secret is too short");
  }
  const unsigned char* nonce = Bytes(sealed.bytes);
  const size_t body_size = sealed.bytes.size() - kNonceBytes - kTagBytes;
  const unsigned char* body = nonce + kNonceBytes;
  std::string tag(sealed.bytes.substr(kNonceBytes + body_size));
  std::string out(body_size, '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  unsigned char* plain = reinterpret_cast<unsigned char*>(out.data());
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key->second), nonce) != 1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(associated),
                        static_cast<int>(associated.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), plain, &len, body, static_cast<int>(body_size)) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), plain + len, &len) != 1) {
    return absl::DataLossError(
        "a sealed webhook secret does not open (altered, or sealed for another record)");
  }
  return out;
}

}  // namespace ecoplan::notification
