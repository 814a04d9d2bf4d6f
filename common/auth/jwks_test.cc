#include "common/auth/jwks.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/auth/testing/test_keys.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"

namespace ecoplan::common {
namespace {

using Json = nlohmann::json;

// RFC 7638 §3.1: the example RSA key and its thumbprint.
constexpr char kRfc7638N[] =
    "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
    "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-"
    "65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-"
    "bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
constexpr char kRfc7638Thumbprint[] = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

Json Parse(const std::string& text) { return Json::parse(text); }

std::string Keys(const std::vector<Json>& keys) {
  Json doc;
  doc["keys"] = keys;
  return doc.dump();
}

TEST(JwksTest, TurnsEcAndRsaJwksIntoPemKeysWithTheirBindings) {
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair ec, testing::GenerateEcKey());
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair rsa, testing::GenerateRsaKey());
  ASSERT_OK_AND_ASSIGN(std::string ec_jwk, PublicJwkOfPem(ec.private_key, "issuer-1", {}));
  ASSERT_OK_AND_ASSIGN(std::string rsa_jwk,
                       PublicJwkOfPem(rsa.public_key, "progress-1", {"progress"}));
  ASSERT_OK_AND_ASSIGN(KeySet set, ParseJwks(JwksOf({ec_jwk, rsa_jwk})));
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set["issuer-1"].algorithm, TokenAlgorithm::kEs256);
  EXPECT_EQ(set["issuer-1"].public_key_pem, ec.public_key);  // the same key, through JWK
  EXPECT_TRUE(set["issuer-1"].service_subjects.empty());
  EXPECT_EQ(set["progress-1"].algorithm, TokenAlgorithm::kRs256);
  EXPECT_EQ(set["progress-1"].public_key_pem, rsa.public_key);
  EXPECT_EQ(set["progress-1"].service_subjects, std::vector<std::string>({"progress"}));
  // No private material in the JWK.
  const Json jwk = Parse(ec_jwk);
  EXPECT_FALSE(jwk.contains("d"));
  EXPECT_EQ(jwk["alg"], "ES256");
  EXPECT_EQ(jwk["use"], "sig");
}

TEST(JwksTest, ThumbprintIsRfc7638s) {
  Json jwk = {{"kty", "RSA"}, {"n", kRfc7638N}, {"e", "AQAB"}, {"kid", "rfc"}};
  ASSERT_OK_AND_ASSIGN(KeySet set, ParseJwks(Keys({jwk})));
  ASSERT_OK_AND_ASSIGN(std::string thumbprint, JwkThumbprintOfPem(set["rfc"].public_key_pem));
  EXPECT_EQ(thumbprint, kRfc7638Thumbprint);
}

TEST(JwksTest, RefusesWhatDoesNotBelongInAVerifyingSet) {
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair ec, testing::GenerateEcKey());
  ASSERT_OK_AND_ASSIGN(std::string text, PublicJwkOfPem(ec.public_key, "k", {}));
  const Json good = Parse(text);
  struct Case {
    const char* name;
    std::string doc;
    const char* message;
  };
  auto with = [&](const char* member, Json value) {
    Json j = good;
    j[member] = std::move(value);
    return Keys({j});
  };
  auto without = [&](const char* member) {
    Json j = good;
    j.erase(member);
    return Keys({j});
  };
  const std::vector<Case> cases = {
      {"not json", "{", "not a JSON object"},
      {"no keys", "{}", "\"keys\" must be an array"},
      {"empty keys", R"({"keys":[]})", "\"keys\" must be an array"},
      {"private key", with("d", "AAAA"), "private member \"d\""},
      {"symmetric key", with("k", "AAAA"), "private member \"k\""},
      {"no kid", without("kid"), "kid must be a string"},
      {"other curve", with("crv", "P-384"), "crv must be \"P-256\""},
      {"short x", with("x", "AAAA"), "x must be base64url of 32 bytes"},
      {"off the curve", with("y", good["x"]), "not a point on P-256"},
      {"alg none", with("alg", "none"), "alg must be ES256"},
      {"encryption key", with("use", "enc"), "use must be \"sig\""},
      {"unknown kty", with("kty", "oct"), "kty must be"},
      {"empty subjects", with("ecoplan_service_subjects", Json::array()),
       "ecoplan_service_subjects"},
      {"repeated subject", with("ecoplan_service_subjects", Json({"progress", "progress"})),
       "repeats"},
      {"duplicate kid", Keys({good, good}), "appears twice"},
      {"short rsa",
       Keys({Json{{"kty", "RSA"},
                  {"n", std::string(kRfc7638N).substr(0, 100)},
                  {"e", "AQAB"},
                  {"kid", "r"}}}),
       "2048"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<KeySet> parsed = ParseJwks(c.doc);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.name;
    EXPECT_NE(parsed.status().message().find(c.message), std::string::npos)
        << c.name << ": " << parsed.status();
  }
  EXPECT_OK(ParseJwks(Keys({good})).status());
}

TEST(JwksTest, SigningAlgorithmFollowsTheKeyType) {
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair ec, testing::GenerateEcKey());
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair rsa, testing::GenerateRsaKey());
  ASSERT_OK_AND_ASSIGN(TokenAlgorithm a, SigningAlgorithmOfPem(ec.private_key));
  EXPECT_EQ(a, TokenAlgorithm::kEs256);
  ASSERT_OK_AND_ASSIGN(a, SigningAlgorithmOfPem(rsa.private_key));
  EXPECT_EQ(a, TokenAlgorithm::kRs256);
  EXPECT_STATUS_CODE(SigningAlgorithmOfPem("not a key"), absl::StatusCode::kInvalidArgument);
}

class JwksFileTest : public ::testing::Test {
 protected:
  void Write(const std::string& text) {
    const std::string tmp = path_ + ".tmp";
    std::ofstream(tmp, std::ios::trunc) << text;
    ASSERT_EQ(std::rename(tmp.c_str(), path_.c_str()), 0);
  }
  std::string Jwk(const std::string& kid) {
    absl::StatusOr<testing::PemKeyPair> key = testing::GenerateEcKey();
    EXPECT_OK(key.status());
    absl::StatusOr<std::string> jwk = PublicJwkOfPem(key->public_key, kid, {});
    EXPECT_OK(jwk.status());
    return *jwk;
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("jwks.json");
  FakeClock clock_;
  std::vector<std::string> reloads_;
};

TEST_F(JwksFileTest, ReReadsAChangedFileKeepsTheOldKeysWhenItBreaksAndLooksEarlyForUnknownKids) {
  Write(JwksOf({Jwk("a")}));
  ASSERT_OK_AND_ASSIGN(
      auto file,
      JwksFile::Open(path_, absl::Seconds(2), &clock_, [this](const absl::Status& s, size_t keys) {
        reloads_.push_back(s.ok() ? std::to_string(keys) : "error");
      }));
  EXPECT_EQ(file->Current(false)->count("a"), 1u);

  Write(JwksOf({Jwk("b")}));
  // Not due yet: the old set stays ...
  EXPECT_EQ(file->Current(false)->count("a"), 1u);
  // ... unless a token names a kid the set lacks: then at once, once a second.
  EXPECT_EQ(file->Current(true)->count("b"), 1u);
  Write(JwksOf({Jwk("c")}));
  EXPECT_EQ(file->Current(true)->count("c"), 0u) << "forced checks are rate limited";
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(file->Current(false)->count("c"), 1u);

  // A broken file: the keys in force stay, reported once.
  Write("{\"keys\":[");
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(file->Current(false)->count("c"), 1u);
  clock_.Advance(absl::Seconds(2));
  EXPECT_EQ(file->Current(false)->count("c"), 1u);
  EXPECT_EQ(reloads_, std::vector<std::string>({"1", "1", "1", "error"}));

  EXPECT_STATUS_CODE(JwksFile::Open(dir_.Sub("missing.json"), absl::Seconds(2), &clock_, {}),
                     absl::StatusCode::kNotFound);
  Write("{}");
  EXPECT_STATUS_CODE(JwksFile::Open(path_, absl::Seconds(2), &clock_, {}),
                     absl::StatusCode::kInvalidArgument);
}

// The fuzzer's corpus replayed: OK or INVALID_ARGUMENT, never anything else.
TEST(JwksCorpusTest, ReplaysTheFuzzCorpus) {
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_JWKS_CORPUS_DIR);
  int accepted = 0;
  for (const CorpusInput& input : corpus) {
    absl::StatusOr<KeySet> result = ParseJwks(input.bytes);
    if (result.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << input.path;
    }
  }
  EXPECT_GE(corpus.size(), 5u);
  EXPECT_EQ(accepted, 1);  // valid_ec_rsa_service
}

}  // namespace
}  // namespace ecoplan::common
