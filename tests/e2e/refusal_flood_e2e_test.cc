// Floods and tampering against the real registry_server, with tokens signed by
// an HS256 secret generated at test time (docs/SECURITY.md "Rate limits",
// "Audit"):
// - 20,000 calls to random 1,000-character method paths leave the number of
//   metric series, the size of /metrics and the audit log bounded, and no
//   part of the paths in either;
// - 5,000 calls with a bad token are answered RESOURCE_EXHAUSTED past the
//   refusal budget, and leave a bounded number of audit records and log
//   lines, the aggregated ones carrying how many calls they stand for;
// - a reporter's forbidden calls are throttled the same way, while other
//   callers from the same address go on;
// - a record altered or removed in the stopped server's RocksDB is found by
//   `ecoplanctl admin audit verify`, naming its sequence; an untouched log
//   verifies;
// - x-forwarded-for is a claim from an untrusted peer and the client's
//   address from a peer inside --trusted_proxy_networks.

#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <rocksdb/db.h>

#include <atomic>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "common/auth/token_minter.h"
#include "common/storage/key_codec.h"
#include "common/testing/project_path.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/admin/v1/admin_service.grpc.pb.h"
#include "ecoplan/registry/v1/registry_service.grpc.pb.h"
#include "tests/harness/cluster.h"

namespace ecoplan::testing {
namespace {

namespace v1 = ::ecoplan::registry::v1;
namespace admin_v1 = ::ecoplan::admin::v1;
using common::Role;

const char* const kCtl = ECOPLAN_CTL_PATH;
constexpr int kBurst = 20;  // the server's --refusal_limit_burst default

// Lines of `text` that contain `needle`.
int CountLines(const std::string& text, absl::string_view needle) {
  int count = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (absl::StrContains(line, needle)) ++count;
  }
  return count;
}

// Resident memory of a process in KiB (VmRSS), 0 when unknown.
int64_t ResidentKib(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (absl::StartsWith(line, "VmRSS:")) {
      int64_t kib = 0;
      std::vector<absl::string_view> parts =
          absl::StrSplit(line.substr(6), ' ', absl::SkipWhitespace());
      if (!parts.empty() && absl::SimpleAtoi(parts[0], &kib)) return kib;
    }
  }
  return 0;
}

class RefusalFloodE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::mt19937_64 random(std::random_device{}());
    for (int i = 0; i < 48; ++i) {
      secret_.push_back("abcdefghijklmnopqrstuvwxyz0123456789"[random() % 36]);
    }
    std::ofstream(dir_.Sub("secret")) << secret_;
    metrics_port_ = FreeLoopbackPort();
    ASSERT_NE(metrics_port_, 0);
    cluster_.SetCommonFlags({"--auth_hs256_secret_file=" + dir_.Sub("secret"),
                             "--auth_issuer=ecoplan-test", "--auth_audience=ecoplan",
                             "--rate_limit_per_second=0", "--refusal_audit_window=1s",
                             absl::StrCat("--metrics_port=", metrics_port_)});
  }

  void StartServer(std::vector<std::string> flags = {}) {
    ServerOptions options;
    options.flags = {"--backup_dir="};
    options.flags.insert(options.flags.end(), flags.begin(), flags.end());
    ASSERT_OK_AND_ASSIGN(address_, cluster_.Start("registry", options));
    channel_ = grpc::CreateChannel(address_, grpc::InsecureChannelCredentials());
    registry_ = v1::RegistryService::NewStub(channel_);
    admin_ = admin_v1::AdminService::NewStub(channel_);
  }

  std::string Token(Role role, const std::string& subject, const std::string& org = "") {
    common::TokenClaims claims;
    claims.subject = subject;
    claims.role = role;
    claims.organization_id = org;
    claims.issuer = "ecoplan-test";
    claims.audience = "ecoplan";
    claims.issued_at = absl::Now();
    claims.expires_at = absl::Now() + absl::Minutes(10);
    absl::StatusOr<std::string> token =
        common::MintToken(common::TokenAlgorithm::kHs256, secret_, claims);
    EXPECT_OK(token);
    return token.ok() ? *token : "";
  }

  static std::unique_ptr<grpc::ClientContext> Context(const std::string& token,
                                                      const std::string& forwarded_for = "") {
    auto ctx = std::make_unique<grpc::ClientContext>();
    ctx->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    if (!token.empty()) ctx->AddMetadata("authorization", "Bearer " + token);
    if (!forwarded_for.empty()) ctx->AddMetadata("x-forwarded-for", forwarded_for);
    return ctx;
  }

  grpc::Status Import(const std::string& token, const std::string& forwarded_for = "") {
    v1::ImportPlanRequest request;
    request.set_document_text("not a plan");
    v1::ImportPlanResponse response;
    return registry_->ImportPlan(Context(token, forwarded_for).get(), request, &response);
  }

  // `calls` ImportPlan calls with `token` from `threads` threads; the answers by code.
  std::map<grpc::StatusCode, int> Flood(const std::string& token, int calls, int threads = 8) {
    absl::Mutex mu;
    std::map<grpc::StatusCode, int> codes;
    std::atomic<int> next{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
      workers.emplace_back([&] {
        while (next.fetch_add(1) < calls) {
          const grpc::StatusCode code = Import(token).error_code();
          absl::MutexLock lock(&mu);
          ++codes[code];
        }
      });
    }
    for (std::thread& w : workers) w.join();
    return codes;
  }

  // Every audit record, oldest first (administrator token; not a refusal).
  std::vector<admin_v1::AuditRecord> AuditRecords() {
    std::vector<admin_v1::AuditRecord> all;
    admin_v1::ListAuditRecordsRequest request;
    request.set_oldest_first(true);
    request.set_page_size(1000);
    const std::string admin = Token(Role::kAdministrator, "auditor");
    do {
      admin_v1::ListAuditRecordsResponse page;
      grpc::Status listed = admin_->ListAuditRecords(Context(admin).get(), request, &page);
      EXPECT_TRUE(listed.ok()) << listed.error_message();
      if (!listed.ok()) break;
      all.insert(all.end(), page.records().begin(), page.records().end());
      request.set_page_token(page.next_page_token());
    } while (!request.page_token().empty());
    return all;
  }

  // The records other than the auditor's own reads of the log.
  std::vector<admin_v1::AuditRecord> RecordsOfOthers() {
    std::vector<admin_v1::AuditRecord> out;
    for (admin_v1::AuditRecord& r : AuditRecords()) {
      if (r.actor().subject() != "auditor") out.push_back(std::move(r));
    }
    return out;
  }

  // Polls until the refused calls on record (one by one, plus the aggregated
  // records' counts) reach `want` or 30 s pass; returns the records.
  std::vector<admin_v1::AuditRecord> AwaitRefusalsOnRecord(uint64_t want) {
    std::vector<admin_v1::AuditRecord> records;
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    do {
      records = RecordsOfOthers();
      uint64_t total = 0;
      for (const admin_v1::AuditRecord& r : records) {
        total +=
            r.call_kind() == admin_v1::AUDIT_CALL_KIND_THROTTLED_REFUSALS ? r.refused_count() : 1;
      }
      if (total >= want) break;
      absl::SleepFor(absl::Milliseconds(200));
    } while (absl::Now() < deadline);
    return records;
  }

  std::string Metrics() {
    httplib::Client client("127.0.0.1", metrics_port_);
    httplib::Result result = client.Get("/metrics");
    return result && result->status == 200 ? result->body : "";
  }

  CommandResult Verify() {
    absl::StatusOr<CommandResult> ran =
        RunCommand({kCtl, "--registry", address_, "--token", Token(Role::kAdministrator, "auditor"),
                    "admin", "audit", "verify"});
    EXPECT_OK(ran);
    return ran.ok() ? *ran : CommandResult();
  }

  common::TempDir dir_;
  std::string secret_;
  int metrics_port_ = 0;
  Cluster cluster_{dir_.path()};
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::RegistryService::Stub> registry_;
  std::unique_ptr<admin_v1::AdminService::Stub> admin_;
};

TEST_F(RefusalFloodE2eTest, RandomPathFloodLeavesSeriesMetricsAndAuditBounded) {
  StartServer();
  // Warm up: every family the server has shows once.
  ASSERT_TRUE(Import("").error_code() == grpc::StatusCode::UNAUTHENTICATED);
  const std::string before = Metrics();
  ASSERT_FALSE(before.empty());
  const int series_before = static_cast<int>(std::count(before.begin(), before.end(), '\n'));
  const int64_t rss_before = ResidentKib(cluster_.process("registry").pid());

  constexpr int kCalls = 20000;
  std::atomic<int> next{0};
  std::atomic<int> unimplemented{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      std::mt19937_64 random(t * 7919 + 1);
      const std::string alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
      while (true) {
        const int i = next.fetch_add(1);
        if (i >= kCalls) break;
        // Half look like ecoplan services (audited), half like nothing at all.
        std::string path = i % 2 == 0 ? "/ecoplan.flood" : "/flood";
        while (path.size() < 500) path.push_back(alphabet[random() % alphabet.size()]);
        path += "/Flood";
        while (path.size() < 1000) path.push_back(alphabet[random() % alphabet.size()]);
        grpc::ClientContext ctx;
        ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
        grpc::Slice empty("");
        grpc::ByteBuffer request(&empty, 1), response;
        const grpc::internal::RpcMethod method(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
        const grpc::Status s =
            grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
                channel_.get(), method, &ctx, request, &response);
        if (s.error_code() == grpc::StatusCode::UNIMPLEMENTED) ++unimplemented;
      }
    });
  }
  for (std::thread& w : workers) w.join();
  EXPECT_EQ(unimplemented.load(), kCalls);

  const std::string after = Metrics();
  const int series_after = static_cast<int>(std::count(after.begin(), after.end(), '\n'));
  const int64_t rss_after = ResidentKib(cluster_.process("registry").pid());
  std::cout << "series " << series_before << " -> " << series_after << ", /metrics "
            << before.size() << " -> " << after.size() << " bytes, RSS " << rss_before << " -> "
            << rss_after << " KiB\n";
  EXPECT_FALSE(absl::StrContains(after, "flood")) << "no part of a made-up path in /metrics";
  // The unknown-method series (started, handled, latency buckets) and the
  // audit counters of "unknown": a few dozen lines, never one per path.
  EXPECT_LT(series_after - series_before, 100);
  EXPECT_LT(after.size(), before.size() + 16 * 1024);
  // 20,000 paths of 1,000 bytes kept anywhere would be 20 MB at least.
  EXPECT_LT(rss_after - rss_before, 20 * 1024) << "KiB";

  // The audited half: recorded as "unknown" within the refusal budget, the
  // rest aggregated; never the path itself.
  std::vector<admin_v1::AuditRecord> records = AwaitRefusalsOnRecord(kCalls / 2 + 1);
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.front().method(), "/ecoplan.registry.v1.RegistryService/ImportPlan");
  records.erase(records.begin());  // the warm-up
  uint64_t total = 0;
  for (const admin_v1::AuditRecord& r : records) {
    EXPECT_EQ(r.method(), "unknown");
    EXPECT_LT(r.ByteSizeLong(), 1024u);
    EXPECT_FALSE(absl::StrContains(r.message(), std::string(70, 'x')));
    total += r.call_kind() == admin_v1::AUDIT_CALL_KIND_THROTTLED_REFUSALS ? r.refused_count() : 1;
  }
  EXPECT_EQ(total, static_cast<uint64_t>(kCalls / 2));
  EXPECT_LT(records.size(), 200u) << "a bounded number of records, not one per call";
}

TEST_F(RefusalFloodE2eTest, BadTokenFloodIsThrottledAndAuditedInAggregates) {
  StartServer();
  std::string forged = Token(Role::kAdministrator, "mallory");
  forged.back() = forged.back() == 'A' ? 'B' : 'A';  // the signature no longer matches
  constexpr int kCalls = 5000;
  std::map<grpc::StatusCode, int> codes = Flood(forged, kCalls);
  const int refused = codes[grpc::StatusCode::UNAUTHENTICATED];
  const int throttled = codes[grpc::StatusCode::RESOURCE_EXHAUSTED];
  std::cout << refused << " UNAUTHENTICATED, " << throttled << " RESOURCE_EXHAUSTED\n";
  EXPECT_EQ(refused + throttled, kCalls);
  EXPECT_GE(refused, kBurst);
  EXPECT_LT(refused, kBurst + 60) << "the budget: a burst of 20, then 1 a second";
  EXPECT_GT(throttled, kCalls - kBurst - 60);

  // A well-behaved caller from the same address is not affected.
  v1::ListPlansResponse plans;
  EXPECT_TRUE(
      registry_
          ->ListPlans(Context(Token(Role::kViewer, "viewer")).get(), v1::ListPlansRequest(), &plans)
          .ok());

  const std::vector<admin_v1::AuditRecord> records = AwaitRefusalsOnRecord(kCalls);
  int one_by_one = 0, aggregated = 0;
  uint64_t aggregated_calls = 0;
  for (const admin_v1::AuditRecord& r : records) {
    if (r.call_kind() == admin_v1::AUDIT_CALL_KIND_THROTTLED_REFUSALS) {
      ++aggregated;
      aggregated_calls += r.refused_count();
      EXPECT_EQ(r.code(), "RESOURCE_EXHAUSTED");
      EXPECT_EQ(r.client_address(), "127.0.0.1");
      EXPECT_FALSE(r.actor().authenticated());
      EXPECT_TRUE(absl::StrContains(r.message(), "ImportPlan")) << r.message();
    } else {
      ++one_by_one;
      EXPECT_EQ(r.code(), "UNAUTHENTICATED");
    }
  }
  EXPECT_EQ(one_by_one, refused) << "each answered refusal has its record";
  EXPECT_EQ(aggregated_calls, static_cast<uint64_t>(throttled)) << "the rest are counted";
  EXPECT_GE(aggregated, 1);
  EXPECT_LT(aggregated, 40) << "one per client and 1 s window";
  // The log likewise: one line per answered refusal, one per aggregate.
  const std::string log = cluster_.Log("registry");
  EXPECT_EQ(CountLines(log, "call refused: unauthenticated"), refused);
  EXPECT_EQ(CountLines(log, "calls throttled after too many refusals"), aggregated);
}

TEST_F(RefusalFloodE2eTest, ReportersForbiddenCallsAreThrottledToo) {
  StartServer();
  const std::string reporter = Token(Role::kReporter, "town-reporter", "o-0000000007");
  std::map<grpc::StatusCode, int> codes = Flood(reporter, 500, 4);
  const int denied = codes[grpc::StatusCode::PERMISSION_DENIED];
  const int throttled = codes[grpc::StatusCode::RESOURCE_EXHAUSTED];
  EXPECT_EQ(denied + throttled, 500);
  EXPECT_GE(denied, kBurst);
  EXPECT_LT(denied, kBurst + 30);
  // The reporter may still read; another caller may still write.
  v1::ListPlansResponse plans;
  EXPECT_TRUE(registry_->ListPlans(Context(reporter).get(), v1::ListPlansRequest(), &plans).ok());
  EXPECT_EQ(Import(Token(Role::kAdministrator, "bureau-admin")).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT)
      << "authorized (and then refused for the document, which is not a plan)";

  const std::vector<admin_v1::AuditRecord> records = AwaitRefusalsOnRecord(500 + 1);
  uint64_t aggregated_calls = 0;
  int one_by_one = 0;
  for (const admin_v1::AuditRecord& r : records) {
    if (r.actor().subject() != "town-reporter") continue;
    if (r.call_kind() == admin_v1::AUDIT_CALL_KIND_THROTTLED_REFUSALS) {
      aggregated_calls += r.refused_count();
      EXPECT_EQ(r.actor().role(), "reporter");
    } else {
      ++one_by_one;
      EXPECT_EQ(r.code(), "PERMISSION_DENIED");
    }
  }
  EXPECT_EQ(one_by_one, denied);
  EXPECT_EQ(aggregated_calls, static_cast<uint64_t>(throttled));
}

TEST_F(RefusalFloodE2eTest, VerifyFindsARecordAlteredOrRemovedInTheDatabase) {
  StartServer();
  const std::string reporter = Token(Role::kReporter, "town-reporter", "o-0000000007");
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Import(reporter).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  }
  CommandResult intact = Verify();
  EXPECT_EQ(intact.exit_code, 0) << intact.stderr_text << intact.stdout_text;
  EXPECT_TRUE(absl::StrContains(intact.stdout_text, "the chain holds")) << intact.stdout_text;
  ASSERT_OK(cluster_.Stop("registry").status());

  // The stopped server's database, opened as an intruder would.
  const std::string db_path = dir_.path() + "/registry-db";
  std::vector<std::string> families;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), db_path, &families).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  size_t audit = families.size();
  for (size_t i = 0; i < families.size(); ++i) {
    descriptors.emplace_back(families[i], rocksdb::ColumnFamilyOptions());
    if (families[i] == "audit") audit = i;
  }
  ASSERT_LT(audit, families.size());
  std::string original3;
  {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), db_path, descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(
        db->Get(rocksdb::ReadOptions(), handles[audit], common::EncodeUint64(3), &original3).ok());
    admin_v1::AuditRecord record;
    ASSERT_TRUE(record.ParseFromString(original3));
    record.mutable_actor()->set_subject("someone-else");  // the chain_hash left as it was
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[audit], common::EncodeUint64(3),
                        record.SerializeAsString())
                    .ok());
    for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  }
  StartServer();
  CommandResult altered = Verify();
  EXPECT_EQ(altered.exit_code, 1) << altered.stdout_text;
  EXPECT_TRUE(absl::StrContains(altered.stderr_text, "breaks at record 3 ")) << altered.stderr_text;
  ASSERT_OK(cluster_.Stop("registry").status());

  // The original put back, and record 3 removed instead.
  {
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), db_path, descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Delete(rocksdb::WriteOptions(), handles[audit], common::EncodeUint64(3)).ok());
    for (rocksdb::ColumnFamilyHandle* h : handles) db->DestroyColumnFamilyHandle(h);
  }
  StartServer();
  CommandResult removed = Verify();
  EXPECT_EQ(removed.exit_code, 1) << removed.stdout_text;
  EXPECT_TRUE(absl::StrContains(removed.stderr_text, "breaks at record 4 ")) << removed.stderr_text;
  EXPECT_TRUE(absl::StrContains(removed.stderr_text, "does not follow sequence 2"))
      << removed.stderr_text;
}

TEST_F(RefusalFloodE2eTest, ForwardedForIsAClaimUnlessThePeerIsATrustedProxy) {
  const std::string reporter = Token(Role::kReporter, "town-reporter", "o-0000000007");
  StartServer();
  ASSERT_EQ(Import(reporter, "203.0.113.9").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // Untrusted: a bad-token client cannot escape its budget by naming other addresses.
  int throttled = 0;
  for (int i = 0; i < kBurst + 10; ++i) {
    if (Import("bad", absl::StrCat("198.51.100.", i)).error_code() ==
        grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++throttled;
    }
  }
  EXPECT_GE(throttled, 5);
  std::vector<admin_v1::AuditRecord> records = RecordsOfOthers();
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records[0].client_address(), "127.0.0.1");
  EXPECT_EQ(records[0].forwarded_for(), "203.0.113.9");
  EXPECT_TRUE(absl::StartsWith(records[0].peer(), "ipv4:127.0.0.1:")) << records[0].peer();
  EXPECT_EQ(records[0].actor().subject(), "town-reporter");
  EXPECT_EQ(records[0].method(), "/ecoplan.registry.v1.RegistryService/ImportPlan");
  ASSERT_OK(cluster_.Stop("registry").status());

  // Behind a trusted proxy (here: loopback), the forwarded address is the client.
  StartServer({"--trusted_proxy_networks=127.0.0.0/8,::1/128"});
  ASSERT_EQ(Import(reporter, "192.0.2.1, 203.0.113.9").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  records = RecordsOfOthers();
  ASSERT_FALSE(records.empty());
  const admin_v1::AuditRecord& behind = records.back();
  EXPECT_EQ(behind.client_address(), "203.0.113.9") << "the nearest untrusted hop";
  EXPECT_EQ(behind.forwarded_for(), "192.0.2.1, 203.0.113.9");
  // And each client behind the proxy has its own budget.
  for (int i = 0; i < kBurst + 10; ++i) Import("bad", "198.51.100.1");
  EXPECT_EQ(Import("bad", "198.51.100.1").error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Import("bad", "198.51.100.2").error_code(), grpc::StatusCode::UNAUTHENTICATED);
}

}  // namespace
}  // namespace ecoplan::testing
