// A service's own key: ServiceTokenSource mints tokens of role service for
// its own subject, with the key's kid, which a verifier reading the shared
// JWKS accepts; a replaced key file is picked up without a restart.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "common/auth/jwks.h"
#include "common/auth/service_client.h"
#include "common/auth/testing/test_keys.h"
#include "common/auth/token_verifier.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "common/time/clock.h"

namespace ecoplan::common {
namespace {

class ServiceTokenTest : public ::testing::Test {
 protected:
  void Replace(const std::string& path, const std::string& text) {
    const std::string tmp = path + ".tmp";
    std::ofstream(tmp, std::ios::trunc) << text;
    ASSERT_EQ(std::rename(tmp.c_str(), path.c_str()), 0);
  }

  // The JWKS binding each key's thumbprint to "progress".
  void WriteJwks(const std::vector<std::string>& public_pems) {
    std::vector<std::string> jwks;
    for (const std::string& pem : public_pems) {
      absl::StatusOr<std::string> kid = JwkThumbprintOfPem(pem);
      ASSERT_OK(kid.status());
      absl::StatusOr<std::string> jwk = PublicJwkOfPem(pem, *kid, {"progress"});
      ASSERT_OK(jwk.status());
      jwks.push_back(*jwk);
    }
    Replace(jwks_, JwksOf(jwks));
  }

  std::unique_ptr<TokenVerifier> Verifier() {
    TokenVerifierOptions options;
    options.jwks_file = jwks_;
    options.issuer = "ecoplan";
    options.audience = "ecoplan";
    absl::StatusOr<std::unique_ptr<TokenVerifier>> v = TokenVerifier::Create(options, &clock_);
    EXPECT_OK(v.status());
    return v.ok() ? std::move(*v) : nullptr;
  }

  std::unique_ptr<ServiceTokenSource> Source(const std::string& kid = "") {
    ServiceTokenSource::Options options;
    options.signing_key_file = key_file_;
    options.signing_key_id = kid;
    options.subject = "progress";
    options.issuer = "ecoplan";
    options.audience = "ecoplan";
    absl::StatusOr<std::unique_ptr<ServiceTokenSource>> s =
        ServiceTokenSource::Create(options, &clock_, Logger("test"));
    EXPECT_OK(s.status());
    return s.ok() ? std::move(*s) : nullptr;
  }

  static std::string TokenOf(const std::string& header) {
    EXPECT_TRUE(absl::StartsWith(header, "Bearer ")) << header;
    return header.substr(7);
  }

  TempDir dir_;
  std::string jwks_ = dir_.Sub("jwks.json");
  std::string key_file_ = dir_.Sub("progress.pem");
  FakeClock clock_;
};

TEST_F(ServiceTokenTest, MintsItsOwnSubjectWithItsOwnKeyAndFollowsAReplacedKey) {
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair first, testing::GenerateEcKey());
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair second, testing::GenerateRsaKey());
  Replace(key_file_, first.private_key);
  WriteJwks({first.public_key, second.public_key});
  auto verifier = Verifier();
  auto source = Source();
  ASSERT_NE(source, nullptr);
  ASSERT_OK_AND_ASSIGN(std::string kid, JwkThumbprintOfPem(first.public_key));
  EXPECT_NE(source->Describe().find("minted ES256 tokens as progress (kid " + kid),
            std::string::npos)
      << source->Describe();
  ASSERT_OK_AND_ASSIGN(Principal who, verifier->Verify(TokenOf(source->AuthorizationHeader())));
  EXPECT_EQ(who.subject, "progress");
  EXPECT_EQ(who.role, Role::kService);

  // The Secret is rotated: the next call signs with the new key (RS256 here).
  Replace(key_file_, second.private_key);
  const std::string header = source->AuthorizationHeader();
  EXPECT_NE(source->Describe().find("minted RS256 tokens"), std::string::npos);
  ASSERT_OK_AND_ASSIGN(who, verifier->Verify(TokenOf(header)));
  EXPECT_EQ(who.subject, "progress");

  // A broken key file: the last good key goes on signing.
  Replace(key_file_, "not a key");
  ASSERT_OK(verifier->Verify(TokenOf(source->AuthorizationHeader())).status());
}

TEST_F(ServiceTokenTest, AnExplicitKidIsUsedAndAKeyOfAnotherServiceIsRefused) {
  ASSERT_OK_AND_ASSIGN(testing::PemKeyPair key, testing::GenerateEcKey());
  Replace(key_file_, key.private_key);
  ASSERT_OK_AND_ASSIGN(std::string jwk,
                       PublicJwkOfPem(key.public_key, "notification-1", {"notification"}));
  Replace(jwks_, JwksOf({jwk}));
  auto verifier = Verifier();
  // progress holding notification's key still names itself: refused.
  auto source = Source("notification-1");
  ASSERT_NE(source, nullptr);
  absl::Status s = verifier->Verify(TokenOf(source->AuthorizationHeader())).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_NE(s.message().find("may not sign for subject"), std::string::npos) << s;

  ServiceTokenSource::Options bad;
  bad.signing_key_file = dir_.Sub("missing.pem");
  bad.subject = "progress";
  EXPECT_STATUS_CODE(ServiceTokenSource::Create(bad, &clock_, Logger("test")),
                     absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace ecoplan::common
