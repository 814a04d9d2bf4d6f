#include "common/audit/audit_interceptor.h"

#include <google/protobuf/descriptor.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <gtest/gtest.h>
#include <rocksdb/transaction_log.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/auth/token_minter.h"
#include "common/events/event_log.h"
#include "common/server/run_server.h"
#include "common/status/grpc_status.h"
#include "common/storage/key_codec.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/indicator/v1/indicator_service.grpc.pb.h"
#include "ecoplan/notification/v1/notification_service.grpc.pb.h"
#include "ecoplan/progress/v1/progress_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "ecoplan/testing/v1/echo_test_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace ecoplan::common {
namespace {

namespace admin_v1 = ::ecoplan::admin::v1;
namespace tv1 = ::ecoplan::testing::v1;

constexpr char kSecret[] = "audit-interceptor-test-secret-0123456789abcdef";
constexpr char kEcho[] = "/ecoplan.testing.v1.EchoTestService/Echo";

const PolicyTable& EchoPolicy() {
  static const PolicyTable* const kPolicy = [] {
    auto* t = new PolicyTable;
    t->service = "ecoplan.testing.v1.EchoTestService";
    t->Allow("Echo", {Role::kAdministrator});
    return t;
  }();
  return *kPolicy;
}

// A service that writes: Echo authorizes the caller, then commits one event
// whose actor is the caller (as every ecoplan service does) and answers.
class WritingEchoService final : public tv1::EchoTestService::CallbackService {
 public:
  WritingEchoService(const CallAuthenticator* auth, RocksDb* db) : auth_(auth), db_(db) {}

  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const tv1::EchoRequest* request,
                                 tv1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    absl::StatusOr<Principal> who = auth_->Authorize(*ctx, kEcho, ResourceScope::Any());
    if (!who.ok()) {
      reactor->Finish(ToGrpcStatus(who.status()));
      return reactor;
    }
    WriteRequest write;
    tv1::EchoResponse payload;
    payload.set_payload(request->payload());
    write.events.push_back(MakeEvent(payload, "echoes/1", "", who->subject));
    db_->CommitAsync(std::move(write),
                     [reactor, response, request](absl::StatusOr<CommitResult> r) {
                       response->set_payload(request->payload());
                       reactor->Finish(ToGrpcStatus(r.status()));
                     });
    return reactor;
  }

 private:
  const CallAuthenticator* const auth_;
  RocksDb* const db_;
};

class AuditInterceptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RocksDbOptions options;
    options.path = dir_.Sub("db");
    ASSERT_OK_AND_ASSIGN(db_, RocksDb::Open(options));
    ASSERT_OK_AND_ASSIGN(log_, AuditLog::Open(db_.get(), &clock_));
    TokenVerifierOptions verifier;
    verifier.key = kSecret;
    verifier.issuer = "ecoplan-test";
    verifier.audience = "ecoplan";
    ASSERT_OK_AND_ASSIGN(verifier_, TokenVerifier::Create(verifier, &clock_));
    auth_ = std::make_unique<CallAuthenticator>(CallAuthenticatorOptions(), verifier_.get(),
                                                &EchoPolicy(), nullptr, nullptr, Logger("test"));
  }

  // Refusals past `burst` are throttled (call before Start).
  void ThrottleRefusals(double burst) {
    throttle_ = std::make_unique<RefusalThrottle>(
        RefusalThrottleOptions{/*rate_per_second=*/0.001, burst, 100}, &clock_);
    CallAuthenticatorOptions options;
    options.refusal_throttle = throttle_.get();
    auth_ = std::make_unique<CallAuthenticator>(options, verifier_.get(), &EchoPolicy(), nullptr,
                                                nullptr, Logger("test"));
  }

  // Starts the server; `echo_is_read` makes the classifier call Echo a read.
  void Start(bool echo_is_read = false, bool echo_always_recorded = false) {
    AuditCaptureOptions capture;
    if (echo_is_read) capture.is_read_only = [](absl::string_view) { return true; };
    if (echo_always_recorded) capture.is_always_recorded = [](absl::string_view) { return true; };
    factory_ = std::make_unique<AuditInterceptorFactory>(log_.get(), auth_.get(), &clock_,
                                                         &metrics_, Logger("test"), capture);
    service_ = std::make_unique<WritingEchoService>(auth_.get(), db_.get());
    ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.metrics = &metrics_;
    options.interceptors = {factory_.get()};
    ASSERT_OK_AND_ASSIGN(server_, RunningServer::Start(options, {service_.get()}));
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
  }

  std::string Token(Role role, const std::string& subject, const std::string& org = "") {
    TokenClaims claims;
    claims.subject = subject;
    claims.organization_id = org;
    claims.role = role;
    claims.issuer = "ecoplan-test";
    claims.audience = "ecoplan";
    claims.issued_at = clock_.Now();
    claims.expires_at = clock_.Now() + absl::Minutes(10);
    absl::StatusOr<std::string> token = MintToken(TokenAlgorithm::kHs256, kSecret, claims);
    EXPECT_OK(token);
    return token.ok() ? *token : "";
  }

  grpc::StatusCode Echo(const std::string& token) {
    grpc::ClientContext ctx;
    if (!token.empty()) ctx.AddMetadata("authorization", "Bearer " + token);
    tv1::EchoRequest request;
    request.set_payload("hello");
    tv1::EchoResponse response;
    return tv1::EchoTestService::NewStub(channel_)->Echo(&ctx, request, &response).error_code();
  }

  // Every record, oldest first. Read right after the call returned: the
  // record must already be there (it is synced before the answer is sent).
  std::vector<admin_v1::AuditRecord> Records() {
    admin_v1::ListAuditRecordsRequest request;
    request.set_oldest_first(true);
    absl::StatusOr<admin_v1::ListAuditRecordsResponse> page = log_->List(request);
    EXPECT_OK(page);
    if (!page.ok()) return {};
    return {page->records().begin(), page->records().end()};
  }

  TempDir dir_;
  RealClock clock_;
  MetricsRegistry metrics_;
  std::unique_ptr<RocksDb> db_;
  std::unique_ptr<AuditLog> log_;
  std::unique_ptr<TokenVerifier> verifier_;
  std::unique_ptr<RefusalThrottle> throttle_;
  std::unique_ptr<CallAuthenticator> auth_;
  std::unique_ptr<AuditInterceptorFactory> factory_;
  std::unique_ptr<WritingEchoService> service_;
  std::unique_ptr<RunningServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(AuditInterceptorTest, RecordsASuccessfulWriteWithPrincipalPeerCodeAndItsEvent) {
  Start();
  ASSERT_EQ(Echo(Token(Role::kAdministrator, "alice")), grpc::StatusCode::OK);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 1u);
  const admin_v1::AuditRecord& r = records[0];
  EXPECT_EQ(r.method(), kEcho);
  EXPECT_EQ(r.call_kind(), admin_v1::AUDIT_CALL_KIND_WRITE);
  EXPECT_EQ(r.code(), "OK");
  EXPECT_TRUE(r.actor().authenticated());
  EXPECT_EQ(r.actor().subject(), "alice");
  EXPECT_EQ(r.actor().role(), "administrator");
  EXPECT_EQ(r.actor().authenticated_via(), "token");
  EXPECT_EQ(r.actor().issuer(), "ecoplan-test");
  EXPECT_TRUE(absl::StartsWith(r.peer(), "ipv4:127.0.0.1:")) << r.peer();
  EXPECT_EQ(r.change_count(), 1u);
  ASSERT_EQ(r.changes_size(), 1);
  EXPECT_EQ(r.changes(0).event_sequence(), 1u);
  EXPECT_EQ(r.changes(0).type(), "ecoplan.testing.v1.EchoResponse");
  EXPECT_EQ(r.changes(0).resource(), "echoes/1");
  EXPECT_GT(r.time().seconds(), 0);
  // Never the credentials.
  EXPECT_FALSE(absl::StrContains(r.SerializeAsString(), kSecret));
  EXPECT_FALSE(absl::StrContains(r.DebugString(), "Bearer"));
}

TEST_F(AuditInterceptorTest, RecordsRefusedCallsWithWhoeverTheyProvedToBe) {
  Start();
  ASSERT_EQ(Echo(Token(Role::kReporter, "bob", "o-0000000007")),
            grpc::StatusCode::PERMISSION_DENIED);
  ASSERT_EQ(Echo(""), grpc::StatusCode::UNAUTHENTICATED);
  ASSERT_EQ(Echo("not-a-token"), grpc::StatusCode::UNAUTHENTICATED);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].code(), "PERMISSION_DENIED");
  EXPECT_EQ(records[0].actor().subject(), "bob");
  EXPECT_EQ(records[0].actor().role(), "reporter");
  EXPECT_EQ(records[0].actor().organization_id(), "o-0000000007");
  EXPECT_FALSE(records[0].message().empty());
  EXPECT_EQ(records[0].change_count(), 0u);
  for (int i : {1, 2}) {
    EXPECT_EQ(records[i].code(), "UNAUTHENTICATED");
    EXPECT_FALSE(records[i].actor().authenticated());
    EXPECT_TRUE(records[i].actor().subject().empty());
    EXPECT_TRUE(absl::StartsWith(records[i].peer(), "ipv4:127.0.0.1:"));
    EXPECT_FALSE(absl::StrContains(records[i].SerializeAsString(), "not-a-token"));
  }
  EXPECT_EQ(db_->LastEventSequence(), 0u) << "a refused call writes nothing but its record";
}

TEST_F(AuditInterceptorTest, ReadsAreRecordedOnlyWhenRefused) {
  Start(/*echo_is_read=*/true);
  ASSERT_EQ(Echo(Token(Role::kAdministrator, "alice")), grpc::StatusCode::OK);
  EXPECT_TRUE(Records().empty());
  ASSERT_EQ(Echo(Token(Role::kViewer, "carol")), grpc::StatusCode::PERMISSION_DENIED);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].call_kind(), admin_v1::AUDIT_CALL_KIND_READ);
  EXPECT_EQ(records[0].actor().subject(), "carol");
  EXPECT_EQ(records[0].code(), "PERMISSION_DENIED");
}

TEST_F(AuditInterceptorTest, SensitiveReadsAreRecordedWhateverTheirOutcome) {
  Start(/*echo_is_read=*/true, /*echo_always_recorded=*/true);
  ASSERT_EQ(Echo(Token(Role::kAdministrator, "alice")), grpc::StatusCode::OK);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].call_kind(), admin_v1::AUDIT_CALL_KIND_READ);
  EXPECT_EQ(records[0].code(), "OK");
  EXPECT_TRUE(IsAlwaysRecordedMethod("/ecoplan.notification.v1.NotificationService/GetContacts"));
  EXPECT_TRUE(IsAlwaysRecordedMethod("/ecoplan.admin.v1.AdminService/ListAuditRecords"));
  EXPECT_FALSE(IsAlwaysRecordedMethod("/ecoplan.registry.v1.RegistryService/ListPlans"));
}

TEST_F(AuditInterceptorTest, RecordsMadeUpMethodsAsUnknownWithABoundedExcerpt) {
  Start();
  const std::string path = "/ecoplan.x.v1.Nothing/" + std::string(2000, 'z') + "<script>";
  grpc::ClientContext ctx;
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1), response;
  const grpc::internal::RpcMethod method(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
  EXPECT_EQ((grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
                 channel_.get(), method, &ctx, request, &response))
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].method(), "unknown");
  EXPECT_EQ(records[0].code(), "UNIMPLEMENTED");
  EXPECT_TRUE(absl::StartsWith(records[0].message(), "unknown method \"/ecoplan.x.v1.Nothing/zz"))
      << records[0].message();
  EXPECT_TRUE(absl::StrContains(records[0].message(), "(2030 bytes)")) << records[0].message();
  EXPECT_LT(records[0].message().size(), 120u);
  EXPECT_EQ(UnknownMethodExcerpt("/a b\n"), "\"/a?b?\" (5 bytes)");
  EXPECT_FALSE(IsKnownMethod("/ecoplan.x.v1.Nothing/Echo"));
  EXPECT_TRUE(IsKnownMethod(kEcho));
}

TEST_F(AuditInterceptorTest, ThrottledRefusalsAreCountedIntoOneRecordPerClient) {
  ThrottleRefusals(/*burst=*/2);
  Start();
  std::map<grpc::StatusCode, int> codes;
  for (int i = 0; i < 10; ++i) ++codes[Echo("not-a-token")];
  EXPECT_EQ(codes[grpc::StatusCode::UNAUTHENTICATED], 2);
  EXPECT_EQ(codes[grpc::StatusCode::RESOURCE_EXHAUSTED], 8);
  ASSERT_EQ(Echo(Token(Role::kAdministrator, "alice")), grpc::StatusCode::OK)
      << "an admitted caller from the same address goes on";
  EXPECT_EQ(Records().size(), 3u) << "two refusals and the write; the rest not yet";
  factory_->FlushAggregates(/*all=*/true);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 4u);
  const admin_v1::AuditRecord& aggregate = records[3];
  EXPECT_EQ(aggregate.call_kind(), admin_v1::AUDIT_CALL_KIND_THROTTLED_REFUSALS);
  EXPECT_EQ(aggregate.refused_count(), 8u);
  EXPECT_EQ(aggregate.code(), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(aggregate.client_address(), "127.0.0.1");
  EXPECT_EQ(aggregate.method(), kEcho);
  EXPECT_TRUE(absl::StrContains(aggregate.message(), "8 calls throttled")) << aggregate.message();
  factory_->FlushAggregates(/*all=*/true);
  EXPECT_EQ(Records().size(), 4u) << "nothing more to write";
}

TEST_F(AuditInterceptorTest, CallsNoHandlerAuthorizedTakeFromTheClientsBudget) {
  ThrottleRefusals(/*burst=*/2);
  Start();
  // A method this binary knows but this server does not serve: UNIMPLEMENTED.
  const std::string path = "/ecoplan.registry.v1.RegistryService/ImportPlan";
  for (int i = 0; i < 5; ++i) {
    grpc::ClientContext ctx;
    grpc::Slice empty("");
    grpc::ByteBuffer request(&empty, 1), response;
    const grpc::internal::RpcMethod method(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
    EXPECT_EQ((grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
                   channel_.get(), method, &ctx, request, &response))
                  .error_code(),
              grpc::StatusCode::UNIMPLEMENTED);
  }
  EXPECT_EQ(Records().size(), 2u);
  factory_->FlushAggregates(/*all=*/true);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].method(), path);
  EXPECT_EQ(records[2].call_kind(), admin_v1::AUDIT_CALL_KIND_THROTTLED_REFUSALS);
  EXPECT_EQ(records[2].refused_count(), 3u);
}

TEST_F(AuditInterceptorTest, RecordsTheClientAndTheTargetOrganization) {
  Start();
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + Token(Role::kReporter, "bob", "o-0000000007"));
  ctx.AddMetadata("x-forwarded-for", "203.0.113.9");
  tv1::EchoRequest request;
  request.set_payload("hello");
  tv1::EchoResponse response;
  ASSERT_EQ(tv1::EchoTestService::NewStub(channel_)->Echo(&ctx, request, &response).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].client_address(), "127.0.0.1") << "no trusted proxy configured";
  EXPECT_EQ(records[0].forwarded_for(), "203.0.113.9");

  admin_v1::ListAuditRecordsRequest named;  // a request naming an organization
  named.set_organization_id("o-0000000042");
  std::string request_id, target;
  std::vector<std::string> resources;
  ExtractAuditRequestFields(named, &request_id, &resources, &target);
  EXPECT_EQ(target, "o-0000000042");
}

TEST_F(AuditInterceptorTest, HealthChecksAreNotAudited) {
  Start();
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(stub->Check(&ctx, request, &response).ok());
  EXPECT_TRUE(Records().empty());
}

TEST_F(AuditInterceptorTest, AttributesOnlyTheCallersEventsToTheCall) {
  Start();
  // Another actor's event committed before the call: not this call's change.
  WriteRequest other;
  tv1::EchoResponse payload;
  other.events.push_back(MakeEvent(payload, "echoes/other", "", "someone-else"));
  ASSERT_OK(db_->Commit(std::move(other)));
  ASSERT_EQ(Echo(Token(Role::kAdministrator, "alice")), grpc::StatusCode::OK);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(records[0].changes_size(), 1);
  EXPECT_EQ(records[0].changes(0).event_sequence(), 2u);
}

// The keys each write batch of the write-ahead log put, in log order, as
// (column family id, key).
std::vector<std::set<std::pair<uint32_t, std::string>>> WalBatches(RocksDb& db) {
  struct Keys : rocksdb::WriteBatch::Handler {
    std::set<std::pair<uint32_t, std::string>> keys;
    rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key, const rocksdb::Slice&) override {
      keys.emplace(cf, key.ToString());
      return rocksdb::Status::OK();
    }
  };
  std::vector<std::set<std::pair<uint32_t, std::string>>> batches;
  std::unique_ptr<rocksdb::TransactionLogIterator> it;
  EXPECT_TRUE(db.db()->GetUpdatesSince(0, &it).ok());
  for (; it != nullptr && it->Valid(); it->Next()) {
    rocksdb::BatchResult batch = it->GetBatch();
    Keys keys;
    EXPECT_TRUE(batch.writeBatchPtr->Iterate(&keys).ok());
    batches.push_back(std::move(keys.keys));
  }
  return batches;
}

TEST_F(AuditInterceptorTest, AWritesRecordIsCommittedInTheSameBatchAsItsChange) {
  Start();
  ASSERT_EQ(Echo(Token(Role::kAdministrator, "alice")), grpc::StatusCode::OK);
  ASSERT_EQ(Echo(Token(Role::kReporter, "bob", "o-0000000007")),
            grpc::StatusCode::PERMISSION_DENIED);
  const uint32_t audit = db_->Cf("audit")->GetID();
  const uint32_t events = db_->Cf("events")->GetID();
  const std::pair<uint32_t, std::string> change{events, EncodeUint64(1)};
  const std::pair<uint32_t, std::string> record_of_change{audit, EncodeUint64(1)};
  const std::pair<uint32_t, std::string> record_of_refusal{audit, EncodeUint64(2)};
  const std::vector<std::set<std::pair<uint32_t, std::string>>> batches = WalBatches(*db_);
  int with_change = 0, with_refusal = 0;
  for (const auto& keys : batches) {
    if (keys.count(change) != 0) {
      ++with_change;
      // The change's event and the call's record: one write, one sync.
      EXPECT_EQ(keys.count(record_of_change), 1u);
    }
    if (keys.count(record_of_refusal) != 0) {
      ++with_refusal;
      // A refusal changed nothing: its record is written alone.
      EXPECT_EQ(keys.size(), 1u);
    }
  }
  EXPECT_EQ(with_change, 1);
  EXPECT_EQ(with_refusal, 1);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].code(), "OK");
  EXPECT_EQ(records[0].actor().subject(), "alice");
  ASSERT_EQ(records[0].changes_size(), 1);
  EXPECT_EQ(records[0].changes(0).event_sequence(), 1u);
  EXPECT_GE(records[0].duration().seconds() * 1000000000 + records[0].duration().nanos(), 0);
  EXPECT_EQ(records[1].code(), "PERMISSION_DENIED");
}

TEST_F(AuditInterceptorTest, WithoutRecordsInChangeBatchesTheRecordIsASecondCommit) {
  AuditCaptureOptions capture;
  capture.record_in_change_batch = false;
  factory_ = std::make_unique<AuditInterceptorFactory>(log_.get(), auth_.get(), &clock_, &metrics_,
                                                       Logger("test"), capture);
  service_ = std::make_unique<WritingEchoService>(auth_.get(), db_.get());
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.interceptors = {factory_.get()};
  ASSERT_OK_AND_ASSIGN(server_, RunningServer::Start(options, {service_.get()}));
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                 grpc::InsecureChannelCredentials());
  ASSERT_EQ(Echo(Token(Role::kAdministrator, "alice")), grpc::StatusCode::OK);
  const std::pair<uint32_t, std::string> change{db_->Cf("events")->GetID(), EncodeUint64(1)};
  const std::pair<uint32_t, std::string> record{db_->Cf("audit")->GetID(), EncodeUint64(1)};
  int separate = 0;
  for (const auto& keys : WalBatches(*db_)) {
    if (keys.count(change) != 0 && keys.count(record) == 0) ++separate;
    if (keys.count(record) != 0 && keys.count(change) == 0) ++separate;
  }
  EXPECT_EQ(separate, 2);
  const std::vector<admin_v1::AuditRecord> records = Records();
  ASSERT_EQ(records.size(), 1u);
  ASSERT_EQ(records[0].changes_size(), 1);
  EXPECT_EQ(records[0].changes(0).event_sequence(), 1u);
}

TEST_F(AuditInterceptorTest, TheChainVerifiesAcrossManyConcurrentWritesAndRefusals) {
  Start();
  const std::string alice = Token(Role::kAdministrator, "alice");
  const std::string bob = Token(Role::kReporter, "bob", "o-0000000007");
  constexpr int kThreads = 8, kCallsPerThread = 40;
  std::vector<std::thread> threads;
  std::atomic<int> unexpected{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        const bool refused = (t + i) % 5 == 0;
        const grpc::StatusCode want =
            refused ? grpc::StatusCode::PERMISSION_DENIED : grpc::StatusCode::OK;
        if (Echo(refused ? bob : alice) != want) ++unexpected;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  ASSERT_EQ(unexpected.load(), 0);
  constexpr uint64_t kCalls = kThreads * kCallsPerThread;

  admin_v1::VerifyAuditLogRequest verify;
  ASSERT_OK_AND_ASSIGN(admin_v1::VerifyAuditLogResponse verified, log_->Verify(verify));
  EXPECT_FALSE(verified.has_broken()) << verified.broken().DebugString();
  EXPECT_EQ(verified.records_examined(), kCalls);
  EXPECT_EQ(verified.last_verified_sequence(), kCalls);

  admin_v1::ListAuditRecordsRequest list;
  list.set_oldest_first(true);
  list.set_page_size(1000);
  ASSERT_OK_AND_ASSIGN(admin_v1::ListAuditRecordsResponse page, log_->List(list));
  ASSERT_EQ(page.records_size(), static_cast<int>(kCalls));
  std::set<uint64_t> changed_events;
  int ok = 0;
  for (int i = 0; i < page.records_size(); ++i) {
    const admin_v1::AuditRecord& r = page.records(i);
    EXPECT_EQ(r.sequence(), static_cast<uint64_t>(i + 1));  // +1 per record, no gap
    if (r.code() != "OK") continue;
    ++ok;
    // Each write's record names exactly its own change.
    ASSERT_EQ(r.changes_size(), 1) << r.DebugString();
    EXPECT_TRUE(changed_events.insert(r.changes(0).event_sequence()).second);
  }
  EXPECT_EQ(ok, static_cast<int>(db_->LastEventSequence()));
  EXPECT_EQ(changed_events.size(), db_->LastEventSequence());
}

TEST(ExtractAuditRequestFieldsTest, TakesRequestIdAndResourceNamesNeverSecrets) {
  ecoplan::notification::v1::CreateSubscriptionRequest create;
  create.mutable_subscription()->set_name("subscriptions/s-1");
  create.set_secret("whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0");
  create.set_request_id("req-1");
  std::string request_id;
  std::vector<std::string> resources;
  ExtractAuditRequestFields(create, &request_id, &resources);
  EXPECT_EQ(request_id, "req-1");
  EXPECT_EQ(resources, std::vector<std::string>{"subscriptions/s-1"});

  ecoplan::registry::v1::GetPlanRequest get;
  get.set_name("plans/p-1");
  request_id.clear();
  resources.clear();
  ExtractAuditRequestFields(get, &request_id, &resources);
  EXPECT_TRUE(request_id.empty());
  EXPECT_EQ(resources, std::vector<std::string>{"plans/p-1"});
}

// Every RPC of the four services and the admin API, by its classification: a
// new method must be added here, so whoever adds it decides whether its
// successful calls are audited. Anything not named as a read is a write.
TEST(IsReadOnlyMethodTest, ClassifiesEveryMethodOfEveryService) {
  const std::set<std::string> reads = {
      // registry
      "GetPlan", "ListPlans", "ExportPlan", "GetTask", "ListTasks", "GetMeasure", "ListMeasures",
      "ListMeasureRevisions", "GetOrganization", "ListOrganizations", "ResolveOrganization",
      "WatchEvents",
      // progress
      "GetReport", "ListReports", "ListReportRevisions", "GetSubmissionStatus",
      "GetMeasureProgress", "ListMeasureHistory", "ListExtensions", "ListCompletions",
      "GetReportingCalendar", "GetHolidays", "GetSupervisionOrder", "ListSupervisionOrders",
      "GetProblemItem", "ListProblemItems", "SummarizeProblemItems",
      // indicator
      "GetExtractionReport", "GetIndicator", "ListIndicators", "ListIndicatorRevisions",
      "ListStations", "GetDailyAirQuality", "EvaluateIndicator", "EvaluatePlan",
      "ListExceptionalEvents",
      // notification
      "ListNotifications", "GetNotification", "GetRule", "ListRules", "GetContacts",
      "GetSubscription", "ListSubscriptions", "ListDeliveries", "StreamNotifications",
      // admin
      "ListBackups", "ListAuditRecords", "VerifyAuditLog"};
  const std::set<std::string> writes = {"ImportPlan",
                                        "UpdateMeasure",
                                        "CreateSupervisionTask",
                                        "SubmitReport",
                                        "PrefillReport",
                                        "AcceptReport",
                                        "ReturnReport",
                                        "RequestExtension",
                                        "DecideExtension",
                                        "DeclareCompletion",
                                        "ConfirmCompletion",
                                        "RejectCompletion",
                                        "UpdateReportingCalendar",
                                        "LoadHolidays",
                                        "IssueSupervisionOrder",
                                        "ReplySupervisionOrder",
                                        "VerifySupervisionReply",
                                        "RaiseSupervisionLevel",
                                        "CloseSupervisionOrder",
                                        "AcknowledgeSupervisionOrder",
                                        "CreateProblemItem",
                                        "ImportProblemItems",
                                        "TransitionProblemItem",
                                        "SyncPlan",
                                        "CreateIndicator",
                                        "UpdateIndicator",
                                        "RetireIndicator",
                                        "UpsertStation",
                                        "IngestObservations",
                                        "RecordEvaluation",
                                        "CreateExceptionalEvent",
                                        "WithdrawExceptionalEvent",
                                        "MarkNotificationRead",
                                        "AcknowledgeNotification",
                                        "CreateRule",
                                        "UpdateRule",
                                        "DeleteRule",
                                        "MuteRule",
                                        "SetContacts",
                                        "CreateSubscription",
                                        "UpdateSubscription",
                                        "DeleteSubscription",
                                        "RotateSubscriptionSecret",
                                        "EnableSubscription",
                                        "ReplayDelivery",
                                        "AcknowledgeStream",
                                        "RunSchedule",
                                        "CreateBackup"};
  std::vector<const google::protobuf::ServiceDescriptor*> services = {
      ecoplan::registry::v1::ImportPlanRequest::descriptor()->file()->service(0),
      ecoplan::progress::v1::SubmitReportRequest::descriptor()->file()->service(0),
      ecoplan::indicator::v1::SyncPlanRequest::descriptor()->file()->service(0),
      ecoplan::notification::v1::CreateRuleRequest::descriptor()->file()->service(0),
      admin_v1::CreateBackupRequest::descriptor()->file()->service(0)};
  for (const google::protobuf::ServiceDescriptor* service : services) {
    for (int i = 0; i < service->method_count(); ++i) {
      const std::string& name = service->method(i)->name();
      const std::string path = absl::StrCat("/", service->full_name(), "/", name);
      ASSERT_TRUE(reads.count(name) + writes.count(name) == 1)
          << path << ": new method; list it above as a read or a write";
      EXPECT_EQ(IsReadOnlyMethod(path), reads.count(name) == 1) << path;
    }
  }
}

}  // namespace
}  // namespace ecoplan::common
