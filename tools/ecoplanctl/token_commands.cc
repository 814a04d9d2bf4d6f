#include "tools/ecoplanctl/token_commands.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/auth/tls.h"
#include "common/auth/token_minter.h"

namespace ecoplan::ctl {

absl::Status MintTokenCommand(const TokenMintArgs& args, absl::Time now, std::ostream& out) {
  if (args.secret_file.empty()) {
    return UsageError("token mint needs --secret-file (or $ECOPLAN_AUTH_HS256_SECRET_FILE)");
  }
  if (args.subject.empty()) return UsageError("token mint needs --subject");
  absl::StatusOr<common::Role> role = common::ParseRole(args.role);
  if (!role.ok()) return UsageError(absl::StrCat("--role: ", role.status().message()));
  if (*role == common::Role::kReporter && args.organization.empty()) {
    return UsageError("a reporter token needs --org (the organization id, e.g. o-…)");
  }
  if (args.ttl <= absl::ZeroDuration() || args.ttl > absl::Hours(24 * 30)) {
    return UsageError("--ttl must be positive and at most 720h");
  }
  absl::StatusOr<std::string> secret =
      common::ReadSecretFile("--secret-file", args.secret_file, 4096);
  if (!secret.ok()) return secret.status();
  while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) secret->pop_back();
  common::TokenClaims claims;
  claims.subject = args.subject;
  claims.organization_id = args.organization;
  claims.role = *role;
  claims.issuer = args.issuer;
  claims.audience = args.audience;
  claims.issued_at = now;
  claims.expires_at = now + args.ttl;
  absl::StatusOr<std::string> token =
      common::MintToken(common::TokenAlgorithm::kHs256, *secret, claims);
  if (!token.ok()) return token.status();
  out << *token << '\n';
  return absl::OkStatus();
}

std::vector<CommandGroup> TokenCommandGroups() {
  Command mint;
  mint.verb = "mint";
  mint.synopsis =
      "--secret-file F --subject S --role R [--org O] [--ttl 1h] [--issuer I] [--audience A]";
  mint.summary = "sign an HS256 bearer token with a local secret (for local runs and tests)";
  mint.flags = {
      {"secret-file", "FILE",
       "the servers' HS256 secret (default: $ECOPLAN_AUTH_HS256_SECRET_FILE)"},
      {"subject", "NAME", "who the token speaks for (claim sub)"},
      {"role", "ROLE", "administrator, reporter, viewer, service or supervisor (督查室)"},
      {"org", "ID", "organization id (o-…), required for reporter"},
      {"ttl", "DURATION", "lifetime, e.g. 30m, 8h (default 1h, at most 720h)"},
      {"issuer", "ISS", "claim iss (default ecoplan-local, the servers' default)"},
      {"audience", "AUD", "claim aud (default ecoplan, the servers' default)"},
  };
  mint.run = [](const CommandEnv& env, const ParsedArgs& parsed) -> absl::Status {
    TokenMintArgs args;
    const char* env_secret = std::getenv("ECOPLAN_AUTH_HS256_SECRET_FILE");
    args.secret_file = parsed.Value("secret-file", env_secret != nullptr ? env_secret : "");
    args.subject = parsed.Value("subject");
    args.role = parsed.Value("role");
    args.organization = parsed.Value("org");
    args.issuer = parsed.Value("issuer", args.issuer);
    args.audience = parsed.Value("audience", args.audience);
    if (auto ttl = parsed.Optional("ttl"); ttl.has_value()) {
      if (!absl::ParseDuration(*ttl, &args.ttl)) {
        return UsageError(absl::StrCat("--ttl needs a duration such as 1h, not \"", *ttl, "\""));
      }
    }
    return MintTokenCommand(args, absl::Now(), *env.out);
  };
  CommandGroup group;
  group.name = "token";
  group.summary = "bearer tokens for local use";
  group.commands.push_back(std::move(mint));
  group.notes =
      "Use the token with --token-file FILE or $ECOPLAN_TOKEN, e.g.\n"
      "  ecoplanctl token mint --secret-file var/secret --subject me --role administrator "
      "> var/token\n"
      "  ecoplanctl --token-file var/token plan list\n";
  return {std::move(group)};
}

}  // namespace ecoplan::ctl
