#include "tools/loadgen/baselines.h"

#include <gtest/gtest.h>
#include <rocksdb/db.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/testing/status_matchers.h"
#include "common/testing/temp_dir.h"
#include "ecoplan/loadgen/v1/baseline_service.grpc.pb.h"

namespace ecoplan::loadgen {
namespace {

namespace lv1 = ::ecoplan::loadgen::v1;

std::shared_ptr<grpc::Channel> Connect(int port) {
  return grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
}

TEST(CommitterBaselineTest, EchoesEachPayloadAndStoresItDurably) {
  common::TempDir dir;
  const std::string db_path = dir.Sub("committer");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BaselineServer> server, StartCommitterBaseline(0, db_path));
  ASSERT_GT(server->port(), 0);
  auto stub = lv1::CommitterService::NewStub(Connect(server->port()));
  std::vector<std::string> sent;
  for (int i = 0; i < 5; ++i) {
    lv1::EchoRequest request;
    request.set_payload(absl::StrCat("report ", i, std::string(100, 'x')));
    lv1::EchoResponse response;
    grpc::ClientContext ctx;
    grpc::Status s = stub->Commit(&ctx, request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.payload(), request.payload());
    sent.push_back(request.payload());
  }
  server->Shutdown();  // Closes the DB, so that it can be opened here.

  rocksdb::DB* raw = nullptr;
  rocksdb::Options options;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(options, db_path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  for (int n = 0; n < 5; ++n) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), CommitPayloadKey(n), &value).ok()) << n;
    EXPECT_EQ(value, sent[n]);  // One call at a time: the n-th call wrote the n-th keys.
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), CommitIndexKey(n), &value).ok()) << n;
    EXPECT_EQ(value, absl::StrCat(n));
  }
  std::string none;
  EXPECT_TRUE(db->Get(rocksdb::ReadOptions(), CommitPayloadKey(5), &none).IsNotFound());
}

TEST(CommitterBaselineTest, ConcurrentCallsAllCommit) {
  common::TempDir dir;
  const std::string db_path = dir.Sub("committer");
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BaselineServer> server, StartCommitterBaseline(0, db_path));
  auto stub = lv1::CommitterService::NewStub(Connect(server->port()));
  constexpr int kCalls = 32;
  struct Call {
    grpc::ClientContext ctx;
    lv1::EchoRequest request;
    lv1::EchoResponse response;
    grpc::Status status;
  };
  std::vector<Call> calls(kCalls);
  absl::Mutex mu;
  int done = 0;
  for (int i = 0; i < kCalls; ++i) {
    calls[i].request.set_payload(absl::StrCat("p", i));
    stub->async()->Commit(&calls[i].ctx, &calls[i].request, &calls[i].response,
                          [&, i](grpc::Status s) {
                            absl::MutexLock lock(&mu);
                            calls[i].status = s;
                            ++done;
                          });
  }
  {
    absl::MutexLock lock(&mu);
    mu.Await(absl::Condition(
        +[](int* d) { return *d == kCalls; }, &done));
  }
  for (const Call& call : calls) {
    ASSERT_TRUE(call.status.ok()) << call.status.error_message();
    EXPECT_EQ(call.response.payload(), call.request.payload());
  }
  server->Shutdown();
  rocksdb::DB* raw = nullptr;
  ASSERT_TRUE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), db_path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::set<std::string> stored;
  for (int n = 0; n < kCalls; ++n) {
    std::string value;
    ASSERT_TRUE(db->Get(rocksdb::ReadOptions(), CommitPayloadKey(n), &value).ok()) << n;
    stored.insert(value);
  }
  EXPECT_EQ(stored.size(), static_cast<size_t>(kCalls));
  EXPECT_EQ(stored.count("p0"), 1u);
  EXPECT_EQ(stored.count(absl::StrCat("p", kCalls - 1)), 1u);
}

TEST(PointReadBaselineTest, AnswersTheStoredValueAndNotFound) {
  common::TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BaselineServer> server,
                       StartPointReadBaseline(0, dir.Sub("reads"), /*values=*/100,
                                              /*value_bytes=*/2048));
  auto stub = lv1::PointReadService::NewStub(Connect(server->port()));
  for (int i : {0, 42, 99}) {
    lv1::PointReadRequest request;
    request.set_key(PointReadKey(i));
    lv1::EchoResponse response;
    grpc::ClientContext ctx;
    grpc::Status s = stub->Read(&ctx, request, &response);
    ASSERT_TRUE(s.ok()) << s.error_message();
    EXPECT_EQ(response.payload(), PointReadValue(i, 2048));
    EXPECT_EQ(response.payload().size(), 2048u);
    EXPECT_EQ(response.payload().substr(0, 8), absl::StrCat(PointReadKey(i), ":"));
  }
  lv1::PointReadRequest missing;
  missing.set_key(PointReadKey(100));
  lv1::EchoResponse response;
  grpc::ClientContext ctx;
  EXPECT_EQ(stub->Read(&ctx, missing, &response).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(PointReadBaselineTest, ReopenedDbIsNotRefilled) {
  common::TempDir dir;
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<BaselineServer> server,
                         StartPointReadBaseline(0, dir.Sub("reads"), 10, 64));
    server->Shutdown();
  }
  // Same keys, other size: the values kept are the first run's.
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BaselineServer> server,
                       StartPointReadBaseline(0, dir.Sub("reads"), 10, 128));
  auto stub = lv1::PointReadService::NewStub(Connect(server->port()));
  lv1::PointReadRequest request;
  request.set_key(PointReadKey(3));
  lv1::EchoResponse response;
  grpc::ClientContext ctx;
  ASSERT_TRUE(stub->Read(&ctx, request, &response).ok());
  EXPECT_EQ(response.payload(), PointReadValue(3, 64));
}

}  // namespace
}  // namespace ecoplan::loadgen
