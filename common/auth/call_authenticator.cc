#include "common/auth/call_authenticator.h"

#include <grpcpp/security/auth_context.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace ecoplan::common {
namespace {

constexpr absl::string_view kBearer = "bearer ";

absl::string_view View(const grpc::string_ref& ref) {
  return absl::string_view(ref.data(), ref.size());
}

}  // namespace

Principal DevelopmentPrincipal() {
  Principal p;
  p.subject = "development";
  p.role = Role::kAdministrator;
  p.via = AuthenticatedVia::kDevelopment;
  return p;
}

CallAuthenticator::CallAuthenticator(CallAuthenticatorOptions options,
                                     const TokenVerifier* verifier, const PolicyTable* policy,
                                     RateLimiter* limiter, MetricsRegistry* metrics, Logger logger)
    : options_(std::move(options)),
      verifier_(verifier),
      policy_(policy),
      limiter_(limiter),
      logger_(std::move(logger)) {
  if (metrics != nullptr) {
    denied_ = metrics->AddCounter("ecoplan_auth_refused_total",
                                  "Calls refused by authentication, authorization or rate limits",
                                  {"grpc_method", "grpc_code"});
    Counter* dev = metrics->AddCounter(
        "ecoplan_insecure_development_mode",
        "1 when the server accepts unauthenticated callers as administrators (never in production)",
        {});
    if (options_.insecure_development_mode) dev->Increment({});
  }
  if (options_.insecure_development_mode) {
    logger_.Warn(
        "INSECURE DEVELOPMENT MODE: callers without credentials are accepted as the administrator "
        "\"development\"; never use this outside a local run",
        {{"insecure_development_mode", true}});
  }
  if (verifier_ == nullptr && !options_.client_certificate_as_service &&
      !options_.insecure_development_mode) {
    logger_.Warn(
        "no token verifier, client certificates or development mode: every call will be "
        "refused as UNAUTHENTICATED");
  }
}

absl::StatusOr<Principal> CallAuthenticator::Authenticate(
    const grpc::ServerContextBase& ctx) const {
  const auto& metadata = ctx.client_metadata();
  const auto range = metadata.equal_range("authorization");
  const size_t count = static_cast<size_t>(std::distance(range.first, range.second));
  if (count > 1) return absl::UnauthenticatedError("more than one authorization header");
  if (count == 1) {
    const absl::string_view value = View(range.first->second);
    if (value.size() <= kBearer.size() || !absl::StartsWithIgnoreCase(value, kBearer)) {
      return absl::UnauthenticatedError("the authorization header must be \"Bearer <token>\"");
    }
    if (verifier_ == nullptr) {
      return absl::UnauthenticatedError("this server accepts no bearer tokens");
    }
    return verifier_->Verify(absl::StripAsciiWhitespace(value.substr(kBearer.size())));
  }
  if (options_.client_certificate_as_service) {
    absl::StatusOr<Principal> from_cert = FromClientCertificate(ctx);
    if (from_cert.ok() || !options_.insecure_development_mode) return from_cert;
  }
  if (options_.insecure_development_mode) return DevelopmentPrincipal();
  return absl::UnauthenticatedError(
      "no credentials: send \"authorization: Bearer <token>\" metadata");
}

absl::StatusOr<Principal> CallAuthenticator::FromClientCertificate(
    const grpc::ServerContextBase& ctx) const {
  const std::shared_ptr<const grpc::AuthContext> auth = ctx.auth_context();
  if (auth == nullptr || !auth->IsPeerAuthenticated()) {
    return absl::UnauthenticatedError(
        "no credentials: send a bearer token or a client certificate");
  }
  const std::vector<grpc::string_ref> names = auth->FindPropertyValues("x509_common_name");
  if (names.size() != 1 || names[0].empty()) {
    return absl::UnauthenticatedError("the client certificate has no common name");
  }
  const std::string name(View(names[0]));
  const auto& allowed = options_.allowed_client_certificate_names;
  if (!allowed.empty() && std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
    return absl::UnauthenticatedError("the client certificate's name is not accepted");
  }
  Principal p;
  p.subject = name;
  p.role = Role::kService;
  p.via = AuthenticatedVia::kClientCertificate;
  return p;
}

ClientAddress CallAuthenticator::Client(const grpc::ServerContextBase& ctx) const {
  const auto range = ctx.client_metadata().equal_range("x-forwarded-for");
  std::string forwarded_for;
  for (auto it = range.first; it != range.second && forwarded_for.size() < 1024; ++it) {
    if (!forwarded_for.empty()) forwarded_for.append(",");
    absl::StrAppend(&forwarded_for, View(it->second).substr(0, 1024));
  }
  const auto proof = ctx.client_metadata().find(kFrontDoorProofMetadata);
  const bool from_front_door =
      proof != ctx.client_metadata().end() && IsFrontDoorProof(View(proof->second));
  return ResolveClientAddress(ctx.peer(), forwarded_for, options_.trusted_proxies, from_front_door);
}

absl::Status CallAuthenticator::Throttle(absl::string_view client, absl::string_view subject,
                                         absl::string_view method_path) const {
  if (options_.refusal_throttle == nullptr) return absl::OkStatus();
  absl::Status throttled = options_.refusal_throttle->Refused(
      client.empty() ? std::string() : ThrottleKey(client), subject);
  if (!throttled.ok()) CountFailure("RESOURCE_EXHAUSTED", method_path);
  return throttled;
}

absl::Status CallAuthenticator::ThrottleRefusal(absl::string_view client) const {
  if (options_.refusal_throttle == nullptr) return absl::OkStatus();
  return options_.refusal_throttle->Refused(ThrottleKey(client), "");
}

absl::Status CallAuthenticator::Check(const Principal& principal, absl::string_view method_path,
                                      const ResourceScope& scope) const {
  absl::Status allowed = common::Authorize(principal, *policy_, method_path, scope);
  if (allowed.ok()) return allowed;
  // The client is not known here: the subject's budget only.
  if (absl::Status throttled = Throttle("", principal.subject, method_path); !throttled.ok()) {
    return throttled;
  }
  CountFailure("PERMISSION_DENIED", method_path);
  return allowed;
}

absl::StatusOr<Principal> CallAuthenticator::Authorize(const grpc::ServerContextBase& ctx,
                                                       absl::string_view method_path,
                                                       const ResourceScope& scope) const {
  absl::StatusOr<Principal> principal = Authenticate(ctx);
  if (!principal.ok()) {
    const ClientAddress client = Client(ctx);
    // Before any log line: past the budget, a refusal is only counted.
    if (absl::Status throttled = Throttle(client.address, "", method_path); !throttled.ok()) {
      return throttled;
    }
    CountFailure("UNAUTHENTICATED", method_path);
    // The reason only: it never holds the token.
    logger_.Info("call refused: unauthenticated", {{"method", method_path},
                                                   {"peer", ctx.peer()},
                                                   {"client", client.address},
                                                   {"reason", principal.status().message()}});
    return principal.status();
  }
  if (absl::Status allowed = common::Authorize(*principal, *policy_, method_path, scope);
      !allowed.ok()) {
    const ClientAddress client = Client(ctx);
    if (absl::Status throttled = Throttle(client.address, principal->subject, method_path);
        !throttled.ok()) {
      return throttled;
    }
    CountFailure("PERMISSION_DENIED", method_path);
    logger_.Info("call refused: permission denied", {{"method", method_path},
                                                     {"subject", principal->subject},
                                                     {"role", RoleName(principal->role)},
                                                     {"organization", principal->organization_id},
                                                     {"client", client.address}});
    return allowed;
  }
  if (limiter_ != nullptr) {
    if (absl::Status admitted = limiter_->Admit(principal->subject); !admitted.ok()) {
      CountFailure("RESOURCE_EXHAUSTED", method_path);
      return admitted;
    }
  }
  return principal;
}

void CallAuthenticator::CountFailure(absl::string_view code, absl::string_view method_path) const {
  if (denied_ != nullptr) denied_->Increment({std::string(method_path), std::string(code)});
}

}  // namespace ecoplan::common
