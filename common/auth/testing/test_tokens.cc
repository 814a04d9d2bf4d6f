#include "common/auth/testing/test_tokens.h"

#include <gtest/gtest.h>

#include "absl/status/statusor.h"
#include "common/auth/token_minter.h"

namespace ecoplan::common::testing {

std::string LocalToken(absl::string_view key, Role role, const std::string& subject,
                       const std::string& organization_id, absl::Time now,
                       absl::Duration validity) {
  TokenClaims claims;
  claims.subject = subject;
  claims.organization_id = organization_id;
  claims.role = role;
  claims.issuer = "ecoplan-local";
  claims.audience = "ecoplan";
  claims.issued_at = now;
  claims.expires_at = now + validity;
  absl::StatusOr<std::string> token = MintToken(TokenAlgorithm::kHs256, key, claims);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.value_or("");
}

}  // namespace ecoplan::common::testing
