#pragma once

// "ecoplanctl token mint": signs an HS256 token with the configured secret, for
// local runs and tests (production tokens come from the identity provider).

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/ecoplanctl/cli.h"

namespace ecoplan::ctl {

struct TokenMintArgs {
  std::string secret_file;  // HS256 secret (>= 32 bytes; a trailing newline is ignored)
  std::string subject;
  std::string role;          // administrator | reporter | viewer | service
  std::string organization;  // required for reporter
  absl::Duration ttl = absl::Hours(1);
  std::string issuer = "ecoplan-local";
  std::string audience = "ecoplan";
};

// Prints the token and a newline on `out`. `now` stamps iat (and exp = now + ttl).
// Errors: usage errors for bad arguments; NotFound / PermissionDenied /
// InvalidArgument for the secret file (its contents never appear).
absl::Status MintTokenCommand(const TokenMintArgs& args, absl::Time now, std::ostream& out);

std::vector<CommandGroup> TokenCommandGroups();

}  // namespace ecoplan::ctl
