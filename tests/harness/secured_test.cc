#include "tests/harness/secured.h"

#include <gtest/gtest.h>

namespace ecoplan::testing {
namespace {

TEST(HoldsJwtTest, FindsATokenButNotAKeyIdThatHappensToHoldEyJ) {
  // {"alg":"ES256"} . {"sub":"x"} . signature
  const std::string token = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
  EXPECT_TRUE(HoldsJwt(token));
  EXPECT_TRUE(HoldsJwt(R"({"message":"call refused","authorization":"Bearer )" + token + "\"}"));
  EXPECT_TRUE(HoldsJwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")) << "an unsigned token";
  // A JWK thumbprint (43 base64url characters) is random: it may hold "eyJ".
  EXPECT_FALSE(HoldsJwt("minted ES256 tokens (kid qd7YgMqeyJRqY03Ycof9ahkBVKdnFtkKKdh2SQ3Qg8)"));
  EXPECT_FALSE(HoldsJwt("eyJhbGciOiJFUzI1NiJ9.c2lnbmF0dXJl")) << "no payload";
  EXPECT_FALSE(HoldsJwt("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0")) << "no signature part";
  EXPECT_FALSE(HoldsJwt(""));
}

}  // namespace
}  // namespace ecoplan::testing
