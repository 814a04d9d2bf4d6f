#include "common/auth/token_verifier.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/auth/jwks.h"
#include "common/auth/testing/test_keys.h"
#include "common/auth/token_minter.h"
#include "common/testing/corpus.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"

namespace ecoplan::common {
namespace {

const std::string kSecret = "0123456789abcdef0123456789abcdef-test-only";
constexpr char kIssuer[] = "ecoplan-test";
constexpr char kAudience[] = "ecoplan";

// `c` as the JSON claims object MintToken would sign.
std::string ClaimsJsonFor(const TokenClaims& c) {
  return absl::StrCat(R"({"sub":")", c.subject, R"(","role":")", RoleName(c.role), R"(","iss":")",
                      c.issuer, R"(","aud":")", c.audience, R"(","iat":)",
                      absl::ToUnixSeconds(c.issued_at), R"(,"exp":)",
                      absl::ToUnixSeconds(c.expires_at), "}");
}

class TokenVerifierTest : public ::testing::Test {
 protected:
  std::unique_ptr<TokenVerifier> Verifier(TokenAlgorithm alg, const std::string& key) {
    TokenVerifierOptions options;
    options.algorithm = alg;
    options.key = key;
    options.issuer = kIssuer;
    options.audience = kAudience;
    absl::StatusOr<std::unique_ptr<TokenVerifier>> v = TokenVerifier::Create(options, &clock_);
    EXPECT_OK(v.status());
    return v.ok() ? std::move(*v) : nullptr;
  }

  TokenClaims Claims(Role role = Role::kReporter) {
    TokenClaims c;
    c.subject = "zhang.wei";
    c.organization_id = "o-transport";
    c.role = role;
    c.issuer = kIssuer;
    c.audience = kAudience;
    c.issued_at = clock_.Now();
    c.expires_at = clock_.Now() + absl::Hours(1);
    return c;
  }

  // A claims object as JSON with the standard times around now.
  std::string ClaimsJson(const std::string& extra) {
    const int64_t now = absl::ToUnixSeconds(clock_.Now());
    return absl::StrCat(R"({"sub":"a","role":"viewer","iss":"ecoplan-test","aud":"ecoplan",)",
                        R"("iat":)", now, R"(,"exp":)", now + 3600, extra.empty() ? "" : ",", extra,
                        "}");
  }

  FakeClock clock_;
};

TEST_F(TokenVerifierTest, AcceptsHs256TokenAndReturnsThePrincipal) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(TokenAlgorithm::kHs256, kSecret, Claims()));
  ASSERT_OK_AND_ASSIGN(Principal p, verifier->Verify(token));
  EXPECT_EQ(p.subject, "zhang.wei");
  EXPECT_EQ(p.organization_id, "o-transport");
  EXPECT_EQ(p.role, Role::kReporter);
  EXPECT_EQ(p.issuer, kIssuer);
  EXPECT_EQ(p.via, AuthenticatedVia::kToken);
}

TEST_F(TokenVerifierTest, AcceptsRs256AndEs256TokensSignedWithTheMatchingPrivateKey) {
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair rsa, testing::GenerateRsaKey());
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair ec, testing::GenerateEcKey());
  ASSERT_OK_AND_ASSIGN(std::string rs_token,
                       MintToken(TokenAlgorithm::kRs256, rsa.private_key, Claims(Role::kViewer)));
  ASSERT_OK_AND_ASSIGN(std::string es_token,
                       MintToken(TokenAlgorithm::kEs256, ec.private_key, Claims(Role::kViewer)));
  ASSERT_OK_AND_ASSIGN(Principal rs,
                       Verifier(TokenAlgorithm::kRs256, rsa.public_key)->Verify(rs_token));
  EXPECT_EQ(rs.role, Role::kViewer);
  ASSERT_OK_AND_ASSIGN(Principal es,
                       Verifier(TokenAlgorithm::kEs256, ec.public_key)->Verify(es_token));
  EXPECT_EQ(es.role, Role::kViewer);
  // ES256 signatures are the 64-byte JOSE form (r‖s), as identity providers send them.
  const std::vector<std::string> parts = absl::StrSplit(es_token, '.');
  std::string signature;
  ASSERT_TRUE(absl::WebSafeBase64Unescape(parts[2], &signature));
  EXPECT_EQ(signature.size(), 64u);
}

TEST_F(TokenVerifierTest, RefusesExpiredTokenBeyondTheClockSkew) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(TokenAlgorithm::kHs256, kSecret, Claims()));
  clock_.Advance(absl::Hours(1) + absl::Seconds(59));
  EXPECT_OK(verifier->Verify(token).status());  // within the 60 s skew
  clock_.Advance(absl::Seconds(1));
  absl::Status s = verifier->Verify(token).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("expired"), std::string::npos) << s;
}

TEST_F(TokenVerifierTest, RefusesTokenNotYetValidOrIssuedInTheFuture) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  TokenClaims claims = Claims();
  claims.not_before = clock_.Now() + absl::Minutes(5);
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(TokenAlgorithm::kHs256, kSecret, claims));
  EXPECT_STATUS_CODE(verifier->Verify(token), absl::StatusCode::kUnauthenticated);
  clock_.Advance(absl::Minutes(4));
  EXPECT_OK(verifier->Verify(token).status());

  claims = Claims();
  claims.issued_at = clock_.Now() + absl::Minutes(10);
  claims.expires_at = clock_.Now() + absl::Minutes(20);
  ASSERT_OK_AND_ASSIGN(token, MintToken(TokenAlgorithm::kHs256, kSecret, claims));
  EXPECT_STATUS_CODE(verifier->Verify(token), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, RefusesWrongIssuerOrAudience) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  TokenClaims claims = Claims();
  claims.issuer = "someone-else";
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(TokenAlgorithm::kHs256, kSecret, claims));
  EXPECT_STATUS_CODE(verifier->Verify(token), absl::StatusCode::kUnauthenticated);
  claims = Claims();
  claims.audience = "another-system";
  ASSERT_OK_AND_ASSIGN(token, MintToken(TokenAlgorithm::kHs256, kSecret, claims));
  EXPECT_STATUS_CODE(verifier->Verify(token), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, AcceptsAudienceArrayContainingOurs) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  const std::string base = absl::StrCat(R"({"sub":"a","role":"viewer","iss":"ecoplan-test",)",
                                        R"("exp":)", now + 60, R"(,"aud":)");
  ASSERT_OK_AND_ASSIGN(std::string ok_token,
                       MintRawTokenForTest("HS256", kSecret, base + R"(["x","ecoplan"]})"));
  EXPECT_OK(verifier->Verify(ok_token).status());
  ASSERT_OK_AND_ASSIGN(std::string bad, MintRawTokenForTest("HS256", kSecret, base + R"(["x"]})"));
  EXPECT_STATUS_CODE(verifier->Verify(bad), absl::StatusCode::kUnauthenticated);
  ASSERT_OK_AND_ASSIGN(bad, MintRawTokenForTest("HS256", kSecret, base + R"(7})"));
  EXPECT_STATUS_CODE(verifier->Verify(bad), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, RefusesWrongSignature) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  ASSERT_OK_AND_ASSIGN(std::string token,
                       MintToken(TokenAlgorithm::kHs256, kSecret + "-other", Claims()));
  EXPECT_STATUS_CODE(verifier->Verify(token), absl::StatusCode::kUnauthenticated);
  // A valid token with its payload swapped for an administrator's.
  ASSERT_OK_AND_ASSIGN(std::string good, MintToken(TokenAlgorithm::kHs256, kSecret, Claims()));
  ASSERT_OK_AND_ASSIGN(std::string admin, MintToken(TokenAlgorithm::kHs256, kSecret + "-x",
                                                    Claims(Role::kAdministrator)));
  std::vector<std::string> g = absl::StrSplit(good, '.');
  std::vector<std::string> a = absl::StrSplit(admin, '.');
  EXPECT_STATUS_CODE(verifier->Verify(absl::StrCat(g[0], ".", a[1], ".", g[2])),
                     absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, RefusesAlgNone) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  ASSERT_OK_AND_ASSIGN(std::string token, MintRawTokenForTest("none", "", ClaimsJson("")));
  EXPECT_STATUS_CODE(verifier->Verify(token), absl::StatusCode::kUnauthenticated);
  // With a made-up signature appended, too.
  EXPECT_STATUS_CODE(verifier->Verify(token + "AAAA"), absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, RefusesHs256TokenKeyedWithThePublicKeyWhenRs256IsConfigured) {
  // The classic key confusion: an attacker who knows the public key signs an
  // HS256 token with the PEM text as the HMAC secret.
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair rsa, testing::GenerateRsaKey());
  auto verifier = Verifier(TokenAlgorithm::kRs256, rsa.public_key);
  ASSERT_OK_AND_ASSIGN(std::string forged,
                       MintRawTokenForTest("HS256", rsa.public_key, ClaimsJson("")));
  absl::Status s = verifier->Verify(forged).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("algorithm must be RS256"), std::string::npos) << s;
  // And an RS256 token for an HS256 configuration.
  ASSERT_OK_AND_ASSIGN(std::string rs,
                       MintRawTokenForTest("RS256", rsa.private_key, ClaimsJson("")));
  EXPECT_STATUS_CODE(Verifier(TokenAlgorithm::kHs256, kSecret)->Verify(rs),
                     absl::StatusCode::kUnauthenticated);
  // Another HMAC size is another algorithm.
  ASSERT_OK_AND_ASSIGN(std::string hs512, MintRawTokenForTest("HS512", kSecret, ClaimsJson("")));
  EXPECT_STATUS_CODE(Verifier(TokenAlgorithm::kHs256, kSecret)->Verify(hs512),
                     absl::StatusCode::kUnauthenticated);
}

TEST_F(TokenVerifierTest, RefusesOversizedTokenWithoutEchoingIt) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  const std::string huge(9000, 'a');
  absl::Status s = verifier->Verify(huge).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(s.message().find("aaaa"), std::string::npos);
}

TEST_F(TokenVerifierTest, RefusesGarbage) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  for (const std::string& garbage : std::vector<std::string>{
           "", "abc", "a.b", "a.b.c.d", "..", "a..c", "!!!.@@@.###", "e30.e30.e30",
           "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.AAAA", std::string("a\0b.c.d", 7),
           "eyJhbGciOiJIUzI1NiJ9.e30.AAAA", "W10.e30.AAAA"}) {
    absl::Status s = verifier->Verify(garbage).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << garbage;
  }
}

TEST_F(TokenVerifierTest, RefusesMissingOrIllTypedClaims) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  const int64_t now = absl::ToUnixSeconds(clock_.Now());
  const std::string exp = absl::StrCat(R"("exp":)", now + 3600);
  const std::string cases[] = {
      absl::StrCat(R"({"role":"viewer","iss":"ecoplan-test","aud":"ecoplan",)", exp, "}"),
      absl::StrCat(R"({"sub":"a","iss":"ecoplan-test","aud":"ecoplan",)", exp, "}"),
      absl::StrCat(R"({"sub":"a","role":"viewer","aud":"ecoplan",)", exp, "}"),
      absl::StrCat(R"({"sub":"a","role":"viewer","iss":"ecoplan-test",)", exp, "}"),
      R"({"sub":"a","role":"viewer","iss":"ecoplan-test","aud":"ecoplan"})",
      absl::StrCat(R"({"sub":"a","role":"root","iss":"ecoplan-test","aud":"ecoplan",)", exp, "}"),
      absl::StrCat(R"({"sub":7,"role":"viewer","iss":"ecoplan-test","aud":"ecoplan",)", exp, "}"),
      absl::StrCat(R"({"sub":"","role":"viewer","iss":"ecoplan-test","aud":"ecoplan",)", exp, "}"),
      R"({"sub":"a","role":"viewer","iss":"ecoplan-test","aud":"ecoplan","exp":"tomorrow"})",
      absl::StrCat(
          R"({"sub":"a","role":"viewer","org":["x"],"iss":"ecoplan-test","aud":"ecoplan",)", exp,
          "}"),
  };
  for (const std::string& json : cases) {
    ASSERT_OK_AND_ASSIGN(std::string token, MintRawTokenForTest("HS256", kSecret, json));
    EXPECT_STATUS_CODE(verifier->Verify(token), absl::StatusCode::kUnauthenticated) << json;
  }
}

TEST_F(TokenVerifierTest, RefusesReporterWithoutOrganization) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  ASSERT_OK_AND_ASSIGN(
      std::string token,
      MintRawTokenForTest("HS256", kSecret,
                          ClaimsJson("").replace(ClaimsJson("").find("viewer"), 6, "reporter")));
  absl::Status s = verifier->Verify(token).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("org"), std::string::npos) << s;
  // The minter refuses to make one in the first place.
  TokenClaims claims = Claims();
  claims.organization_id.clear();
  EXPECT_STATUS_CODE(MintToken(TokenAlgorithm::kHs256, kSecret, claims),
                     absl::StatusCode::kInvalidArgument);
}

TEST_F(TokenVerifierTest, AcceptsOrganizationResourceNameAndStripsThePrefix) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);
  TokenClaims claims = Claims();
  claims.organization_id = "organizations/o-transport";
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(TokenAlgorithm::kHs256, kSecret, claims));
  ASSERT_OK_AND_ASSIGN(Principal p, verifier->Verify(token));
  EXPECT_EQ(p.organization_id, "o-transport");
}

TEST_F(TokenVerifierTest, CreateRefusesShortSecretWrongKeyTypeAndMissingIssuer) {
  TokenVerifierOptions options;
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.key = "too-short";
  absl::Status s = TokenVerifier::Create(options, &clock_).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().find("too-short"), std::string::npos) << "the secret leaked: " << s;

  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair rsa, testing::GenerateRsaKey());
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair ec, testing::GenerateEcKey());
  options.algorithm = TokenAlgorithm::kEs256;
  options.key = rsa.public_key;
  EXPECT_STATUS_CODE(TokenVerifier::Create(options, &clock_), absl::StatusCode::kInvalidArgument);
  options.algorithm = TokenAlgorithm::kRs256;
  options.key = ec.public_key;
  EXPECT_STATUS_CODE(TokenVerifier::Create(options, &clock_), absl::StatusCode::kInvalidArgument);
  options.key = rsa.private_key;  // a private key where the public one belongs
  EXPECT_STATUS_CODE(TokenVerifier::Create(options, &clock_), absl::StatusCode::kInvalidArgument);
  options.key = rsa.public_key;
  EXPECT_OK(TokenVerifier::Create(options, &clock_).status());
  options.issuer.clear();
  EXPECT_STATUS_CODE(TokenVerifier::Create(options, &clock_), absl::StatusCode::kInvalidArgument);
}

TEST_F(TokenVerifierTest, RefusesTokensLivingLongerThanTheMaximum) {
  auto verifier = Verifier(TokenAlgorithm::kHs256, kSecret);  // default maximum: 24 h
  TokenClaims claims = Claims();
  claims.expires_at = clock_.Now() + absl::Hours(24);
  ASSERT_OK_AND_ASSIGN(std::string token, MintToken(TokenAlgorithm::kHs256, kSecret, claims));
  EXPECT_OK(verifier->Verify(token).status());
  // exp − iat beyond 24 h.
  claims.expires_at = clock_.Now() + absl::Hours(25);
  ASSERT_OK_AND_ASSIGN(token, MintToken(TokenAlgorithm::kHs256, kSecret, claims));
  absl::Status s = verifier->Verify(token).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("maximum token lifetime"), std::string::npos) << s;
  // As observed: a token expiring in the year 5138, with and without iat.
  ASSERT_OK_AND_ASSIGN(
      token,
      MintRawTokenForTest(
          "HS256", kSecret,
          R"({"sub":"a","role":"administrator","iss":"ecoplan-test","aud":"ecoplan","exp":99999999999})"));
  s = verifier->Verify(token).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("maximum token lifetime"), std::string::npos) << s;
  claims.issued_at = absl::FromUnixSeconds(99999999999 - 3600);  // iat in the future too
  claims.expires_at = absl::FromUnixSeconds(99999999999);
  ASSERT_OK_AND_ASSIGN(token, MintToken(TokenAlgorithm::kHs256, kSecret, claims));
  EXPECT_STATUS_CODE(verifier->Verify(token), absl::StatusCode::kUnauthenticated);
  // A tighter cap is configurable.
  TokenVerifierOptions options;
  options.key = kSecret;
  options.issuer = kIssuer;
  options.audience = kAudience;
  options.max_lifetime = absl::Minutes(30);
  ASSERT_OK_AND_ASSIGN(auto tight, TokenVerifier::Create(options, &clock_));
  ASSERT_OK_AND_ASSIGN(token, MintToken(TokenAlgorithm::kHs256, kSecret, Claims()));  // 1 h
  EXPECT_STATUS_CODE(tight->Verify(token), absl::StatusCode::kUnauthenticated);
  options.max_lifetime = absl::Hours(24 * 31);
  EXPECT_STATUS_CODE(TokenVerifier::Create(options, &clock_), absl::StatusCode::kInvalidArgument);
}

TEST_F(TokenVerifierTest, ASinglePublicKeySignsNoServiceTokens) {
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair ec, testing::GenerateEcKey());
  auto verifier = Verifier(TokenAlgorithm::kEs256, ec.public_key);
  ASSERT_OK_AND_ASSIGN(std::string token,
                       MintToken(TokenAlgorithm::kEs256, ec.private_key, Claims(Role::kService)));
  absl::Status s = verifier->Verify(token).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("own key"), std::string::npos) << s;
}

// Keys from a JWKS file, by kid: the production configuration.
class JwksVerifierTest : public ::testing::Test {
 protected:
  struct Key {
    testing::PemKeyPair pem;
    std::string kid;
    std::vector<std::string> subjects;
  };

  void SetUp() override {
    issuer_ = NewKey("issuer-1", {});
    progress_ = NewKey("progress-1", {"progress"});
    WriteJwks({issuer_, progress_});
    TokenVerifierOptions options;
    options.jwks_file = path_;
    options.issuer = kIssuer;
    options.audience = kAudience;
    ASSERT_OK_AND_ASSIGN(verifier_, TokenVerifier::Create(options, &clock_));
  }

  Key NewKey(const std::string& kid, std::vector<std::string> subjects, bool rsa = false) {
    absl::StatusOr<testing::PemKeyPair> pem =
        rsa ? testing::GenerateRsaKey() : testing::GenerateEcKey();
    EXPECT_OK(pem.status());
    return Key{*pem, kid, std::move(subjects)};
  }

  void WriteJwks(const std::vector<Key>& keys) {
    std::vector<std::string> jwks;
    for (const Key& k : keys) {
      absl::StatusOr<std::string> jwk = PublicJwkOfPem(k.pem.public_key, k.kid, k.subjects);
      ASSERT_OK(jwk.status());
      jwks.push_back(*jwk);
    }
    const std::string tmp = path_ + ".tmp";
    std::ofstream(tmp, std::ios::trunc) << JwksOf(jwks);
    ASSERT_EQ(std::rename(tmp.c_str(), path_.c_str()), 0);
  }

  std::string Sign(const Key& key, TokenClaims claims, const std::string& kid = "") {
    claims.key_id = kid.empty() ? key.kid : kid;
    absl::StatusOr<TokenAlgorithm> alg = SigningAlgorithmOfPem(key.pem.private_key);
    EXPECT_OK(alg.status());
    absl::StatusOr<std::string> token = MintToken(*alg, key.pem.private_key, claims);
    EXPECT_OK(token.status());
    return token.value_or("");
  }

  TokenClaims Claims(Role role, const std::string& subject) {
    TokenClaims c;
    c.subject = subject;
    c.role = role;
    c.organization_id = role == Role::kReporter ? "o-1" : "";
    c.issuer = kIssuer;
    c.audience = kAudience;
    c.issued_at = clock_.Now();
    c.expires_at = clock_.Now() + absl::Minutes(10);
    return c;
  }

  void ExpectRefused(const std::string& token, const std::string& reason) {
    absl::Status s = verifier_->Verify(token).status();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated) << reason;
    EXPECT_NE(s.message().find(reason), std::string::npos) << s;
  }

  TempDir dir_;
  std::string path_ = dir_.Sub("jwks.json");
  FakeClock clock_;
  Key issuer_, progress_;
  std::unique_ptr<TokenVerifier> verifier_;
};

TEST_F(JwksVerifierTest, VerifiesEs256AndRs256TokensByKid) {
  ASSERT_OK_AND_ASSIGN(Principal who,
                       verifier_->Verify(Sign(issuer_, Claims(Role::kAdministrator, "ops"))));
  EXPECT_EQ(who.subject, "ops");
  EXPECT_EQ(who.role, Role::kAdministrator);
  ASSERT_OK_AND_ASSIGN(who, verifier_->Verify(Sign(progress_, Claims(Role::kService, "progress"))));
  EXPECT_EQ(who.subject, "progress");
  EXPECT_EQ(who.role, Role::kService);
  Key rsa = NewKey("rsa-1", {}, /*rsa=*/true);
  WriteJwks({issuer_, progress_, rsa});
  ASSERT_OK_AND_ASSIGN(who, verifier_->Verify(Sign(rsa, Claims(Role::kViewer, "screen"))));
  EXPECT_EQ(who.role, Role::kViewer);
}

TEST_F(JwksVerifierTest, RefusesTokensWithoutKidOrWithAnUnknownKid) {
  TokenClaims c = Claims(Role::kAdministrator, "ops");
  ASSERT_OK_AND_ASSIGN(std::string no_kid,
                       MintToken(TokenAlgorithm::kEs256, issuer_.pem.private_key, c));
  ExpectRefused(no_kid, "no kid");
  ExpectRefused(Sign(issuer_, c, "issuer-9"), "unknown key id (kid) \"issuer-9\"");
  // Signed by another key under a known kid: a bad signature.
  Key stranger = NewKey("issuer-1", {});
  ExpectRefused(Sign(stranger, c), "invalid signature");
  // A key's kid with another algorithm: HS256 keyed with the public key, and none.
  ASSERT_OK_AND_ASSIGN(std::string hs, MintRawTokenForTest("HS256", issuer_.pem.public_key,
                                                           ClaimsJsonFor(c), "issuer-1"));
  ExpectRefused(hs, "algorithm must be ES256");
  ASSERT_OK_AND_ASSIGN(std::string none,
                       MintRawTokenForTest("none", "", ClaimsJsonFor(c), "issuer-1"));
  ExpectRefused(none, "not a signed JWT");  // no signature segment at all
}

TEST_F(JwksVerifierTest, AServiceKeySignsOnlyServiceTokensForItsOwnSubject) {
  ExpectRefused(Sign(progress_, Claims(Role::kService, "notification")),
                "may not sign for subject \"notification\"");
  ExpectRefused(Sign(progress_, Claims(Role::kService, "backup")), "may not sign for subject");
  ExpectRefused(Sign(progress_, Claims(Role::kAdministrator, "progress")),
                "signs only tokens of role service");
  ExpectRefused(Sign(progress_, Claims(Role::kViewer, "progress")),
                "signs only tokens of role service");
  // And the issuer key cannot speak for a service.
  ExpectRefused(Sign(issuer_, Claims(Role::kService, "progress")), "own key");
}

TEST_F(JwksVerifierTest, ARotationTakesEffectWithoutANewVerifier) {
  const std::string old_token = Sign(issuer_, Claims(Role::kAdministrator, "ops"));
  ASSERT_OK(verifier_->Verify(old_token).status());
  Key next = NewKey("issuer-2", {});
  const std::string new_token = Sign(next, Claims(Role::kAdministrator, "ops"));
  ExpectRefused(new_token, "unknown key id");
  clock_.Advance(absl::Seconds(1));  // past the rate limit of early checks
  WriteJwks({next, progress_});
  // The new kid at once (an unknown kid looks early) ...
  EXPECT_OK(verifier_->Verify(new_token).status());
  // ... the old one until the next check, then refused.
  clock_.Advance(absl::Seconds(2));
  ExpectRefused(old_token, "unknown key id (kid) \"issuer-1\"");
}

TEST_F(JwksVerifierTest, CreateRefusesAKeyAndAJwksTogetherAndABadFile) {
  TokenVerifierOptions options;
  options.jwks_file = path_;
  options.key = kSecret;
  options.issuer = kIssuer;
  options.audience = kAudience;
  EXPECT_STATUS_CODE(TokenVerifier::Create(options, &clock_), absl::StatusCode::kInvalidArgument);
  options.key.clear();
  options.jwks_file = dir_.Sub("none.json");
  EXPECT_STATUS_CODE(TokenVerifier::Create(options, &clock_), absl::StatusCode::kNotFound);
}

TEST(TokenAlgorithmTest, ParsesNamesCaseInsensitively) {
  ASSERT_OK_AND_ASSIGN(TokenAlgorithm a, ParseTokenAlgorithm("rs256"));
  EXPECT_EQ(a, TokenAlgorithm::kRs256);
  EXPECT_STATUS_CODE(ParseTokenAlgorithm("none"), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::common

namespace ecoplan::common {
namespace {

// The fuzzer's corpus (and any crash it found, saved there as a regression
// case) replayed through the same verifier configuration: OK or
// UNAUTHENTICATED, never anything else.
TEST(TokenVerifierCorpusTest, ReplaysTheFuzzCorpus) {
  FakeClock clock(absl::FromUnixSeconds(1774915200));
  TokenVerifierOptions options;
  options.key = "ecoplan-fuzz-key-not-a-secret-0123456789";
  options.issuer = "ecoplan-local";
  options.audience = "ecoplan";
  options.max_lifetime = absl::Hours(48);  // as the fuzzer: the corpus tokens live 27 h
  ASSERT_OK_AND_ASSIGN(auto verifier, TokenVerifier::Create(options, &clock));
  const std::vector<CorpusInput> corpus = ReadCorpus(ECOPLAN_TOKEN_CORPUS_DIR);
  int accepted = 0;
  for (const CorpusInput& input : corpus) {
    absl::StatusOr<Principal> result = verifier->Verify(input.bytes);
    if (result.ok()) {
      ++accepted;
    } else {
      EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << input.path;
    }
  }
  EXPECT_GE(corpus.size(), 5u);
  EXPECT_EQ(accepted, 2);  // valid_admin, valid_reporter_aud_array
}

}  // namespace
}  // namespace ecoplan::common
