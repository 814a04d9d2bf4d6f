#include "tools/ecoplanctl/token_commands.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "common/auth/jwks.h"
#include "common/auth/tls.h"
#include "common/auth/token_minter.h"

namespace ecoplan::ctl {
namespace {

// Writes `text` to `path`, created or truncated with mode 0600 (a token is a
// credential).
absl::Status WritePrivateFile(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::PermissionDeniedError(absl::StrCat("cannot write ", path, ": ", strerror(errno)));
  }
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return absl::InternalError(absl::StrCat("cannot write ", path, ": ", strerror(errno)));
    }
    done += static_cast<size_t>(n);
  }
  if (::close(fd) != 0) return absl::InternalError(absl::StrCat("cannot write ", path));
  return absl::OkStatus();
}

}  // namespace

absl::Status MintTokenCommand(const TokenMintArgs& args, absl::Time now, std::ostream& out) {
  if (args.key_file.empty() == args.secret_file.empty()) {
    return UsageError(
        "token mint needs --key-file FILE [--kid KID] (or, for local runs, --secret-file FILE or "
        "$ECOPLAN_AUTH_HS256_SECRET_FILE), not both");
  }
  if (args.subject.empty()) return UsageError("token mint needs --subject");
  absl::StatusOr<common::Role> role = common::ParseRole(args.role);
  if (!role.ok()) return UsageError(absl::StrCat("--role: ", role.status().message()));
  if (*role == common::Role::kReporter && args.organization.empty()) {
    return UsageError("a reporter token needs --org (the organization id, e.g. o-…)");
  }
  if (args.ttl <= absl::ZeroDuration() || args.ttl > kMaxTokenTtl) {
    return UsageError(
        "--ttl must be positive and at most 720h (servers refuse tokens living longer than their "
        "--auth_max_token_lifetime, 24h unless set)");
  }
  common::TokenClaims claims;
  claims.subject = args.subject;
  claims.organization_id = args.organization;
  claims.role = *role;
  claims.issuer = args.issuer;
  claims.audience = args.audience;
  claims.issued_at = now;
  claims.expires_at = now + args.ttl;
  absl::StatusOr<std::string> token;
  if (!args.key_file.empty()) {
    absl::StatusOr<std::string> pem = common::ReadSecretFile("--key-file", args.key_file, 65536);
    if (!pem.ok()) return pem.status();
    absl::StatusOr<common::TokenAlgorithm> algorithm = common::SigningAlgorithmOfPem(*pem);
    if (!algorithm.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("--key-file: ", algorithm.status().message()));
    }
    claims.key_id = args.key_id;
    if (claims.key_id.empty()) {
      absl::StatusOr<std::string> thumbprint = common::JwkThumbprintOfPem(*pem);
      if (!thumbprint.ok()) return thumbprint.status();
      claims.key_id = *thumbprint;
    }
    token = common::MintToken(*algorithm, *pem, claims);
  } else {
    absl::StatusOr<std::string> secret =
        common::ReadSecretFile("--secret-file", args.secret_file, 4096);
    if (!secret.ok()) return secret.status();
    while (!secret->empty() && (secret->back() == '\n' || secret->back() == '\r')) {
      secret->pop_back();
    }
    token = common::MintToken(common::TokenAlgorithm::kHs256, *secret, claims);
  }
  if (!token.ok()) return token.status();
  if (!args.output_file.empty()) return WritePrivateFile(args.output_file, *token + "\n");
  out << *token << '\n';
  return absl::OkStatus();
}

absl::Status TokenJwkCommand(const TokenJwkArgs& args, std::ostream& out) {
  if (args.key_file.empty()) return UsageError("token jwk needs --key-file FILE");
  absl::StatusOr<std::string> pem = common::ReadSecretFile("--key-file", args.key_file, 65536);
  if (!pem.ok()) return pem.status();
  std::string kid = args.key_id;
  if (kid.empty()) {
    absl::StatusOr<std::string> thumbprint = common::JwkThumbprintOfPem(*pem);
    if (!thumbprint.ok()) return thumbprint.status();
    kid = *thumbprint;
  }
  absl::StatusOr<std::string> jwk = common::PublicJwkOfPem(*pem, kid, args.service_subjects);
  if (!jwk.ok()) return jwk.status();
  out << *jwk << '\n';
  return absl::OkStatus();
}

std::vector<CommandGroup> TokenCommandGroups() {
  Command mint;
  mint.verb = "mint";
  mint.synopsis =
      "(--key-file F [--kid K] | --secret-file F) --subject S --role R [--org O] [--ttl 1h] "
      "[--issuer I] [--audience A] [--out FILE]";
  mint.summary =
      "sign a bearer token with a private key (ES256/RS256) or, for local runs, an HS256 secret";
  mint.flags = {
      {"key-file", "FILE", "PEM private key (EC P-256: ES256; RSA: RS256)"},
      {"kid", "KID",
       "the key's id in the servers' JWKS (default: the key's RFC 7638 thumbprint, as "
       "\"token jwk\" prints it)"},
      {"secret-file", "FILE",
       "local runs and tests: the servers' HS256 secret (default: "
       "$ECOPLAN_AUTH_HS256_SECRET_FILE when no --key-file)"},
      {"subject", "NAME", "who the token speaks for (claim sub)"},
      {"role", "ROLE", "administrator, reporter, viewer, service or supervisor (督查室)"},
      {"org", "ID", "organization id (o-…), required for reporter"},
      {"ttl", "DURATION",
       "lifetime, e.g. 30m, 8h (default 1h, at most 720h; servers refuse more than their "
       "--auth_max_token_lifetime, 24h by default)"},
      {"issuer", "ISS",
       "claim iss (default $ECOPLAN_AUTH_ISSUER, else ecoplan-local, the servers' default)"},
      {"audience", "AUD",
       "claim aud (default $ECOPLAN_AUTH_AUDIENCE, else ecoplan, the servers' default)"},
      {"out", "FILE", "write the token to FILE (mode 0600) instead of standard output"},
  };
  mint.run = [](const CommandEnv& env, const ParsedArgs& parsed) -> absl::Status {
    TokenMintArgs args;
    args.key_file = parsed.Value("key-file");
    args.key_id = parsed.Value("kid");
    const char* env_secret = std::getenv("ECOPLAN_AUTH_HS256_SECRET_FILE");
    args.secret_file = parsed.Value(
        "secret-file", args.key_file.empty() && env_secret != nullptr ? env_secret : "");
    args.subject = parsed.Value("subject");
    args.role = parsed.Value("role");
    args.organization = parsed.Value("org");
    // The servers read the same variables (deploy/k8s: the ecoplan-config ConfigMap).
    const char* env_issuer = std::getenv("ECOPLAN_AUTH_ISSUER");
    const char* env_audience = std::getenv("ECOPLAN_AUTH_AUDIENCE");
    args.issuer = parsed.Value("issuer", env_issuer != nullptr ? env_issuer : args.issuer);
    args.audience =
        parsed.Value("audience", env_audience != nullptr ? env_audience : args.audience);
    args.output_file = parsed.Value("out");
    if (auto ttl = parsed.Optional("ttl"); ttl.has_value()) {
      if (!absl::ParseDuration(*ttl, &args.ttl)) {
        return UsageError(absl::StrCat("--ttl needs a duration such as 1h, not \"", *ttl, "\""));
      }
    }
    return MintTokenCommand(args, absl::Now(), *env.out);
  };
  Command jwk;
  jwk.verb = "jwk";
  jwk.synopsis = "--key-file F [--kid K] [--service S]...";
  jwk.summary = "print the public JWK of a key, for the servers' JWKS file";
  jwk.flags = {
      {"key-file", "FILE", "PEM private or public key (EC P-256 or RSA >= 2048 bits)"},
      {"kid", "KID", "key id (default: the key's RFC 7638 thumbprint)"},
      {"service", "SUBJECT",
       "bind the key to this service subject (repeatable): it then signs only role service "
       "tokens for it"},
  };
  jwk.run = [](const CommandEnv& env, const ParsedArgs& parsed) -> absl::Status {
    TokenJwkArgs args;
    args.key_file = parsed.Value("key-file");
    args.key_id = parsed.Value("kid");
    args.service_subjects = parsed.Values("service");
    return TokenJwkCommand(args, *env.out);
  };
  CommandGroup group;
  group.name = "token";
  group.summary = "bearer tokens and token keys";
  group.commands.push_back(std::move(mint));
  group.commands.push_back(std::move(jwk));
  group.notes =
      "Use the token with --token-file FILE or $ECOPLAN_TOKEN, e.g.\n"
      "  ecoplanctl token mint --key-file ops.pem --kid ops-2026-12 --subject me "
      "--role administrator --ttl 8h --out var/token\n"
      "  ecoplanctl --token-file var/token plan list\n"
      "A key and its JWK (add the line to the servers' JWKS file):\n"
      "  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ops.pem\n"
      "  ecoplanctl token jwk --key-file ops.pem --kid ops-2026-12\n";
  return {std::move(group)};
}

}  // namespace ecoplan::ctl
