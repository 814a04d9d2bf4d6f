// End to end over 127.0.0.1: TLS, mutual TLS and bearer tokens through
// CallAuthenticator, with keys and certificates generated at test time.

#include "common/auth/tls.h"

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/auth/call_authenticator.h"
#include "common/auth/service_client.h"
#include "common/auth/testing/test_keys.h"
#include "common/auth/token_minter.h"
#include "common/server/run_server.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/testing/v1/echo_test_service.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace tv1 = ::ecoplan::testing::v1;

const std::string kSecret = "an-hs256-secret-of-at-least-32-bytes-for-tests";

PolicyTable EchoPolicy() {
  PolicyTable t;
  t.service = "ecoplan.testing.v1.EchoTestService";
  t.Allow("Echo", {Role::kAdministrator, Role::kViewer});
  // Services by subject (the names these tests authenticate as).
  t.AllowServices("Echo", {"progress", "progress-service", "indicator", "notification",
                           "notification-rotated"});
  return t;
}

// Answers with "<subject>|<role>|<via>" of the authenticated caller.
class WhoAmIService final : public tv1::EchoTestService::CallbackService {
 public:
  explicit WhoAmIService(const CallAuthenticator* auth) : auth_(auth) {}
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const tv1::EchoRequest*,
                                 tv1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    absl::StatusOr<Principal> who =
        auth_->Authorize(*ctx, "/ecoplan.testing.v1.EchoTestService/Echo", ResourceScope::Any());
    if (!who.ok()) {
      reactor->Finish(grpc::Status(static_cast<grpc::StatusCode>(who.status().code()),
                                   std::string(who.status().message())));
      return reactor;
    }
    response->set_payload(
        absl::StrCat(who->subject, "|", RoleName(who->role), "|", AuthenticatedViaName(who->via)));
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }

 private:
  const CallAuthenticator* auth_;
};

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(ca_, testing::GenerateCa("ecoplan test CA"));
    ASSERT_OK_AND_ASSIGN(server_cert_, testing::GenerateLeaf(ca_, "registry"));
    ASSERT_OK_AND_ASSIGN(client_cert_, testing::GenerateLeaf(ca_, "progress-service"));
    ASSERT_OK_AND_ASSIGN(other_ca_, testing::GenerateCa("somebody else's CA"));
    ASSERT_OK_AND_ASSIGN(stranger_cert_, testing::GenerateLeaf(other_ca_, "stranger"));
    TokenVerifierOptions options;
    options.key = kSecret;
    options.issuer = "ecoplan-test";
    options.audience = "ecoplan";
    ASSERT_OK_AND_ASSIGN(verifier_, TokenVerifier::Create(options, &clock_));
  }

  void StartServer(bool mutual, CallAuthenticatorOptions auth_options) {
    auth_ = std::make_unique<CallAuthenticator>(auth_options, verifier_.get(), &policy_, nullptr,
                                                nullptr, Logger("test", [](absl::string_view) {}));
    service_ = std::make_unique<WhoAmIService>(auth_.get());
    TlsServerPem pem{server_cert_.certificate, server_cert_.private_key,
                     mutual ? ca_.certificate : ""};
    ASSERT_OK_AND_ASSIGN(auto creds, MakeServerCredentials(pem));
    ServerOptions options;
    options.host = "127.0.0.1";
    ASSERT_OK_AND_ASSIGN(server_, RunningServer::Start(options, {service_.get()}, creds));
  }

  // Calls Echo; returns the payload or the status.
  absl::StatusOr<std::string> Call(std::shared_ptr<grpc::ChannelCredentials> creds,
                                   const std::string& token = "") {
    auto stub = tv1::EchoTestService::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), creds));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    tv1::EchoRequest request;
    tv1::EchoResponse response;
    grpc::Status status = stub->Echo(&ctx, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response.payload();
  }

  std::shared_ptr<grpc::ChannelCredentials> ClientCreds(const testing::PemCertificate* cert) {
    TlsClientPem pem;
    pem.ca = ca_.certificate;
    if (cert != nullptr) {
      pem.certificate_chain = cert->certificate;
      pem.private_key = cert->private_key;
    }
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> creds = MakeChannelCredentials(pem);
    EXPECT_OK(creds.status());
    return creds.value_or(nullptr);
  }

  std::string Token(Role role) {
    TokenClaims c;
    c.subject = "li.na";
    c.role = role;
    c.organization_id = "o-ecology";
    c.issuer = "ecoplan-test";
    c.audience = "ecoplan";
    c.issued_at = clock_.Now();
    c.expires_at = clock_.Now() + absl::Hours(1);
    return MintToken(TokenAlgorithm::kHs256, kSecret, c).value();
  }

  FakeClock clock_{absl::Now()};
  PolicyTable policy_ = EchoPolicy();
  testing::PemCertificate ca_, server_cert_, client_cert_, other_ca_, stranger_cert_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<CallAuthenticator> auth_;
  std::unique_ptr<WhoAmIService> service_;
  std::unique_ptr<RunningServer> server_;
};

TEST_F(TlsTest, ServerTlsCarriesBearerTokensAndRefusesPlaintextClients) {
  StartServer(/*mutual=*/false, {});
  EXPECT_EQ(Call(ClientCreds(nullptr), Token(Role::kAdministrator)).value_or("?"),
            "li.na|administrator|token");
  EXPECT_STATUS_CODE(Call(ClientCreds(nullptr)), absl::StatusCode::kUnauthenticated);
  EXPECT_STATUS_CODE(Call(ClientCreds(nullptr), Token(Role::kReporter)),
                     absl::StatusCode::kPermissionDenied);
  EXPECT_STATUS_CODE(Call(grpc::InsecureChannelCredentials(), Token(Role::kAdministrator)),
                     absl::StatusCode::kUnavailable);
}

TEST_F(TlsTest, MutualTlsRefusesClientsWithoutACertificateFromTheCa) {
  CallAuthenticatorOptions options;
  options.client_certificate_as_service = true;
  StartServer(/*mutual=*/true, options);
  EXPECT_STATUS_CODE(Call(ClientCreds(nullptr)), absl::StatusCode::kUnavailable);
  EXPECT_STATUS_CODE(Call(ClientCreds(&stranger_cert_)), absl::StatusCode::kUnavailable);
  // The certificate's common name stands in for a service principal.
  EXPECT_EQ(Call(ClientCreds(&client_cert_)).value_or("?"),
            "progress-service|service|client_certificate");
  // A token on a mutual-TLS channel still decides who is calling.
  EXPECT_EQ(Call(ClientCreds(&client_cert_), Token(Role::kViewer)).value_or("?"),
            "li.na|viewer|token");
}

TEST_F(TlsTest, CertificateNamesCanBeRestricted) {
  CallAuthenticatorOptions options;
  options.client_certificate_as_service = true;
  options.allowed_client_certificate_names = {"notification-service"};
  StartServer(/*mutual=*/true, options);
  EXPECT_STATUS_CODE(Call(ClientCreds(&client_cert_)), absl::StatusCode::kUnauthenticated);
}

TEST_F(TlsTest, DevelopmentModeAcceptsAnonymousCallersButStillChecksPresentedTokens) {
  CallAuthenticatorOptions options;
  options.insecure_development_mode = true;
  StartServer(/*mutual=*/false, options);
  EXPECT_EQ(Call(ClientCreds(nullptr)).value_or("?"), "development|administrator|development");
  EXPECT_STATUS_CODE(Call(ClientCreds(nullptr), "not-a-token"), absl::StatusCode::kUnauthenticated);
}

TEST_F(TlsTest, MalformedAuthorizationHeadersAreUnauthenticated) {
  StartServer(/*mutual=*/false, {});
  auto stub = tv1::EchoTestService::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), ClientCreds(nullptr)));
  for (const std::string& header :
       std::vector<std::string>{"Basic dXNlcjpwYXNz", "Bearer", "Bearer ", Token(Role::kService)}) {
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    ctx.AddMetadata("authorization", header);
    tv1::EchoRequest request;
    tv1::EchoResponse response;
    EXPECT_EQ(stub->Echo(&ctx, request, &response).error_code(), grpc::StatusCode::UNAUTHENTICATED)
        << header;
  }
}

TEST_F(TlsTest, CredentialErrorsNameTheFileButNeverTheKey) {
  common::TempDir dir;
  const std::string cert = dir.Sub("cert.pem"), key = dir.Sub("key.pem");
  std::ofstream(cert) << server_cert_.certificate;
  std::ofstream(key) << client_cert_.private_key;  // the wrong key
  absl::Status s = ServerCredentialsFromFiles(cert, key, "").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find(key), std::string::npos) << s;
  EXPECT_EQ(s.message().find("PRIVATE KEY-----"), std::string::npos) << s;
  s = ServerCredentialsFromFiles(cert, dir.Sub("missing.pem"), "").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(s.message().find("missing.pem"), std::string::npos) << s;
  std::ofstream(key, std::ios::trunc) << server_cert_.private_key;
  EXPECT_OK(ServerCredentialsFromFiles(cert, key, "").status());
}

// Service-to-service calls (service_client.h): the channel a follower uses.
class ServiceClientsTest : public TlsTest {
 protected:
  // Calls Echo through `clients`; returns the payload or the status.
  absl::StatusOr<std::string> CallThrough(const ServiceClients& clients) {
    auto stub =
        tv1::EchoTestService::NewStub(clients.Channel(absl::StrCat("127.0.0.1:", server_->port())));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    tv1::EchoRequest request;
    tv1::EchoResponse response;
    grpc::Status status = stub->Echo(&ctx, request, &response);
    if (!status.ok()) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          status.error_message());
    }
    return response.payload();
  }

  ServiceClientConfig TlsTo() {
    std::ofstream(dir_.Sub("ca.pem")) << ca_.certificate;
    ServiceClientConfig config;
    config.tls_ca_file = dir_.Sub("ca.pem");
    return config;
  }

  ServerSecurityConfig Own(const std::string& secret) {
    ServerSecurityConfig own;
    own.auth_hs256_secret = secret;
    own.auth_issuer = "ecoplan-test";
    own.auth_audience = "ecoplan";
    return own;
  }

  Logger quiet_{"test", [](absl::string_view) {}};
  common::TempDir dir_;
};

TEST_F(ServiceClientsTest, MintsServiceTokensFromTheSharedSecret) {
  StartServer(/*mutual=*/false, {});
  ASSERT_OK_AND_ASSIGN(auto clients,
                       ServiceClients::Create(TlsTo(), Own(kSecret), "progress", &clock_, quiet_));
  EXPECT_EQ(CallThrough(*clients).value_or("?"), "progress|service|token");
  EXPECT_EQ(clients->tokens().Describe(), "minted HS256 tokens as progress");
  // Another deployment's secret: the upstream refuses the token.
  ASSERT_OK_AND_ASSIGN(auto stranger, ServiceClients::Create(TlsTo(), Own(std::string(40, 'x')),
                                                             "progress", &clock_, quiet_));
  EXPECT_STATUS_CODE(CallThrough(*stranger), absl::StatusCode::kUnauthenticated);
  // No token at all.
  ASSERT_OK_AND_ASSIGN(auto anonymous, ServiceClients::Create(TlsTo(), ServerSecurityConfig{},
                                                              "progress", &clock_, quiet_));
  EXPECT_EQ(anonymous->tokens().Describe(), "none");
  EXPECT_STATUS_CODE(CallThrough(*anonymous), absl::StatusCode::kUnauthenticated);
}

TEST_F(ServiceClientsTest, MintedTokensAreRenewedBeforeTheyExpire) {
  StartServer(/*mutual=*/false, {});
  ASSERT_OK_AND_ASSIGN(auto clients,
                       ServiceClients::Create(TlsTo(), Own(kSecret), "indicator", &clock_, quiet_));
  const std::string first = clients->tokens().AuthorizationHeader();
  ASSERT_EQ(first.rfind("Bearer ", 0), 0u);
  clock_.Advance(absl::Minutes(7));
  EXPECT_EQ(clients->tokens().AuthorizationHeader(), first);
  clock_.Advance(absl::Minutes(2));  // 9 of its 10 minutes gone: renewed
  const std::string second = clients->tokens().AuthorizationHeader();
  EXPECT_NE(second, first);
  EXPECT_EQ(CallThrough(*clients).value_or("?"), "indicator|service|token");
}

TEST_F(ServiceClientsTest, ATokenFileIsReadAgainWhenItIsRotated) {
  StartServer(/*mutual=*/false, {});
  auto token_for = [&](const std::string& subject) {
    TokenClaims c;
    c.subject = subject;
    c.role = Role::kService;
    c.issuer = "ecoplan-test";
    c.audience = "ecoplan";
    c.issued_at = clock_.Now();
    c.expires_at = clock_.Now() + absl::Hours(1);
    return MintToken(TokenAlgorithm::kHs256, kSecret, c).value();
  };
  ServiceClientConfig config = TlsTo();
  config.token_file = dir_.Sub("token");
  std::ofstream(config.token_file) << token_for("notification") << "\n";
  // The file wins over the secret.
  ASSERT_OK_AND_ASSIGN(auto clients,
                       ServiceClients::Create(config, Own(kSecret), "ignored", &clock_, quiet_));
  EXPECT_EQ(CallThrough(*clients).value_or("?"), "notification|service|token");
  std::ofstream(config.token_file, std::ios::trunc) << token_for("notification-rotated") << "\n";
  EXPECT_EQ(CallThrough(*clients).value_or("?"), "notification-rotated|service|token");
  // A file that disappears mid-rotation: the last good token is kept.
  std::remove(config.token_file.c_str());
  EXPECT_EQ(CallThrough(*clients).value_or("?"), "notification-rotated|service|token");
  // A missing file at start is a configuration error naming the flag.
  absl::Status missing =
      ServiceClients::Create(config, Own(kSecret), "x", &clock_, quiet_).status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_NE(missing.message().find("--service_token_file"), std::string::npos) << missing;
}

TEST_F(ServiceClientsTest, AClientCertificateIsAServicePrincipalUnderMutualTls) {
  CallAuthenticatorOptions options;
  options.client_certificate_as_service = true;
  StartServer(/*mutual=*/true, options);
  ServiceClientConfig config = TlsTo();
  std::ofstream(dir_.Sub("client.pem")) << client_cert_.certificate;
  std::ofstream(dir_.Sub("client.key")) << client_cert_.private_key;
  config.tls_cert_file = dir_.Sub("client.pem");
  config.tls_key_file = dir_.Sub("client.key");
  ASSERT_OK_AND_ASSIGN(auto clients, ServiceClients::Create(config, ServerSecurityConfig{},
                                                            "progress", &clock_, quiet_));
  EXPECT_EQ(CallThrough(*clients).value_or("?"), "progress-service|service|client_certificate");
  ServiceClientConfig half;
  half.tls_cert_file = config.tls_cert_file;
  EXPECT_STATUS_CODE(
      ServiceClients::Create(half, ServerSecurityConfig{}, "progress", &clock_, quiet_).status(),
      absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoplan::common
