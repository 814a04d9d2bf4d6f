#pragma once

// "ecoplanctl token mint": signs a bearer token — with a private key file and
// its kid (ES256 for an EC P-256 key, RS256 for RSA: the production path, the
// servers verifying with the JWKS), or with an HS256 secret (local runs and
// tests only). "ecoplanctl token jwk": the public JWK of a key, for the
// servers' JWKS file (docs/OPERATIONS.md "Token keys").

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "tools/ecoplanctl/cli.h"

namespace ecoplan::ctl {

// The longest --ttl accepted; servers refuse tokens living longer than their
// --auth_max_token_lifetime (default 24h), which is at most this.
inline constexpr absl::Duration kMaxTokenTtl = absl::Hours(24 * 30);

struct TokenMintArgs {
  std::string key_file;     // PEM private key (EC P-256 or RSA)
  std::string key_id;       // the key's kid in the servers' JWKS; empty: its RFC 7638 thumbprint
  std::string secret_file;  // HS256 secret (>= 32 bytes; a trailing newline is ignored)
  std::string subject;
  std::string role;          // administrator | reporter | viewer | service | supervisor
  std::string organization;  // required for reporter
  absl::Duration ttl = absl::Hours(1);
  std::string issuer = "ecoplan-local";
  std::string audience = "ecoplan";
  std::string output_file;  // empty: stdout; else written with mode 0600
};

// Prints the token and a newline on `out` (or writes it to args.output_file).
// `now` stamps iat (and exp = now + ttl). Errors: usage errors for bad
// arguments; NotFound / PermissionDenied / InvalidArgument for the key or
// secret file (its contents never appear).
absl::Status MintTokenCommand(const TokenMintArgs& args, absl::Time now, std::ostream& out);

struct TokenJwkArgs {
  std::string key_file;                       // PEM private or public key
  std::string key_id;                         // empty: the key's RFC 7638 thumbprint
  std::vector<std::string> service_subjects;  // --service S (repeatable): bind the key
};

// Prints the public JWK (one line) on `out`. Errors: usage errors;
// InvalidArgument for a key that is not EC P-256 or RSA >= 2048.
absl::Status TokenJwkCommand(const TokenJwkArgs& args, std::ostream& out);

std::vector<CommandGroup> TokenCommandGroups();

}  // namespace ecoplan::ctl
