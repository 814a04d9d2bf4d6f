#include "tools/loadgen/baselines.h"

#include <rocksdb/cache.h>
#include <rocksdb/db.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "ecoplan/loadgen/v1/baseline_service.grpc.pb.h"
#include "ecoplan/loadgen/v1/echo_service.grpc.pb.h"

namespace ecoplan::loadgen {
namespace {

namespace lv1 = ::ecoplan::loadgen::v1;

class EchoServiceImpl final : public lv1::EchoService::CallbackService {
  grpc::ServerUnaryReactor* Echo(grpc::CallbackServerContext* ctx, const lv1::EchoRequest* request,
                                 lv1::EchoResponse* response) override {
    response->set_payload(request->payload());
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

// Each call's two records wait here until the committer thread takes every
// waiting call, writes all their records in one synced WriteBatch and then
// finishes their reactors.
class CommitterServiceImpl final : public lv1::CommitterService::CallbackService {
 public:
  explicit CommitterServiceImpl(rocksdb::DB* db) : db_(db), thread_([this] { Loop(); }) {}
  ~CommitterServiceImpl() override {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    thread_.join();
  }

  grpc::ServerUnaryReactor* Commit(grpc::CallbackServerContext* ctx,
                                   const lv1::EchoRequest* request,
                                   lv1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    response->set_payload(request->payload());
    const int64_t n = next_.fetch_add(1);
    absl::MutexLock lock(&mu_);
    waiting_.push_back(Pending{reactor, CommitPayloadKey(n), request->payload(), CommitIndexKey(n),
                               absl::StrCat(n)});
    return reactor;
  }

 private:
  struct Pending {
    grpc::ServerUnaryReactor* reactor;
    std::string key1, value1, key2, value2;
  };
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !waiting_.empty() || stopping_;
  }

  void Loop() {
    std::vector<Pending> group;
    rocksdb::WriteOptions synced;
    synced.sync = true;
    while (true) {
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &CommitterServiceImpl::HasWorkOrStopping));
        if (waiting_.empty()) return;  // Stopping and drained.
        group.swap(waiting_);
      }
      rocksdb::WriteBatch batch;
      for (const Pending& p : group) {
        batch.Put(p.key1, p.value1);
        batch.Put(p.key2, p.value2);
      }
      const rocksdb::Status s = db_->Write(synced, &batch);
      const grpc::Status status =
          s.ok() ? grpc::Status::OK : grpc::Status(grpc::StatusCode::INTERNAL, s.ToString());
      for (const Pending& p : group) p.reactor->Finish(status);
      group.clear();
    }
  }

  rocksdb::DB* const db_;
  std::atomic<int64_t> next_{0};
  absl::Mutex mu_;
  std::vector<Pending> waiting_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // Last: starts once the members above exist.
};

class PointReadServiceImpl final : public lv1::PointReadService::CallbackService {
 public:
  explicit PointReadServiceImpl(rocksdb::DB* db) : db_(db) {}

  grpc::ServerUnaryReactor* Read(grpc::CallbackServerContext* ctx,
                                 const lv1::PointReadRequest* request,
                                 lv1::EchoResponse* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    const rocksdb::Status s =
        db_->Get(rocksdb::ReadOptions(), request->key(), response->mutable_payload());
    if (s.ok()) {
      reactor->Finish(grpc::Status::OK);
    } else if (s.IsNotFound()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such key"));
    } else {
      reactor->Finish(grpc::Status(grpc::StatusCode::INTERNAL, s.ToString()));
    }
    return reactor;
  }

 private:
  rocksdb::DB* const db_;
};

absl::StatusOr<std::unique_ptr<rocksdb::DB>> OpenDb(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  // One LRU block cache of the services' default size (common/storage), the rest RocksDB's
  // defaults.
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(32 << 20);
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  rocksdb::DB* db = nullptr;
  const rocksdb::Status s = rocksdb::DB::Open(options, path, &db);
  if (!s.ok()) return absl::InternalError(absl::StrCat("open ", path, ": ", s.ToString()));
  return std::unique_ptr<rocksdb::DB>(db);
}

// A gRPC server on 127.0.0.1 and what its service needs; destroyed in reverse order.
class Server final : public BaselineServer {
 public:
  Server(std::unique_ptr<rocksdb::DB> db, std::unique_ptr<grpc::Service> service)
      : db_(std::move(db)), service_(std::move(service)) {}
  ~Server() override { Shutdown(); }

  absl::Status Start(int port) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort(absl::StrCat("127.0.0.1:", port), grpc::InsecureServerCredentials(),
                             &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    if (server_ == nullptr || port_ == 0) {
      return absl::UnavailableError(absl::StrCat("cannot serve on 127.0.0.1:", port));
    }
    return absl::OkStatus();
  }
  int port() const override { return port_; }
  void Shutdown() override {
    if (server_ != nullptr) {
      server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
      server_->Wait();
      server_.reset();
    }
    service_.reset();  // The committer drains and joins before the DB closes.
    db_.reset();
  }

 private:
  std::unique_ptr<rocksdb::DB> db_;
  std::unique_ptr<grpc::Service> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

absl::StatusOr<std::unique_ptr<BaselineServer>> Start(std::unique_ptr<rocksdb::DB> db,
                                                      std::unique_ptr<grpc::Service> service,
                                                      int port) {
  auto server = std::make_unique<Server>(std::move(db), std::move(service));
  absl::Status s = server->Start(port);
  if (!s.ok()) return s;
  return std::unique_ptr<BaselineServer>(std::move(server));
}

absl::Status Fill(rocksdb::DB* db, int values, int value_bytes) {
  std::string last;
  if (values <= 0) return absl::OkStatus();
  if (db->Get(rocksdb::ReadOptions(), PointReadKey(values - 1), &last).ok()) {
    return absl::OkStatus();
  }
  rocksdb::WriteBatch batch;
  for (int i = 0; i < values; ++i) {
    batch.Put(PointReadKey(i), PointReadValue(i, value_bytes));
    if (batch.Count() == 1000 || i == values - 1) {
      rocksdb::Status s = db->Write(rocksdb::WriteOptions(), &batch);
      if (!s.ok()) return absl::InternalError(absl::StrCat("fill: ", s.ToString()));
      batch.Clear();
    }
  }
  // Reads then come from table files through the block cache, as a server's
  // do once its memtable has been flushed.
  rocksdb::Status s = db->Flush(rocksdb::FlushOptions());
  if (!s.ok()) return absl::InternalError(absl::StrCat("flush: ", s.ToString()));
  return absl::OkStatus();
}

}  // namespace

std::string PointReadKey(int i) { return absl::StrFormat("v/%05d", i); }

std::string PointReadValue(int i, int bytes) {
  std::string value = absl::StrCat(PointReadKey(i), ":");
  while (static_cast<int>(value.size()) < bytes) value.push_back(static_cast<char>('a' + i % 26));
  value.resize(std::max(bytes, 0));
  return value;
}

std::string CommitPayloadKey(int64_t n) { return absl::StrFormat("c/%012d", n); }
std::string CommitIndexKey(int64_t n) { return absl::StrFormat("i/%012d", n); }

absl::StatusOr<std::unique_ptr<BaselineServer>> StartEchoBaseline(int port) {
  return Start(nullptr, std::make_unique<EchoServiceImpl>(), port);
}

absl::StatusOr<std::unique_ptr<BaselineServer>> StartCommitterBaseline(int port,
                                                                       const std::string& db_path) {
  absl::StatusOr<std::unique_ptr<rocksdb::DB>> db = OpenDb(db_path);
  if (!db.ok()) return db.status();
  auto service = std::make_unique<CommitterServiceImpl>(db->get());
  return Start(*std::move(db), std::move(service), port);
}

absl::StatusOr<std::unique_ptr<BaselineServer>> StartPointReadBaseline(int port,
                                                                       const std::string& db_path,
                                                                       int values,
                                                                       int value_bytes) {
  absl::StatusOr<std::unique_ptr<rocksdb::DB>> db = OpenDb(db_path);
  if (!db.ok()) return db.status();
  absl::Status filled = Fill(db->get(), values, value_bytes);
  if (!filled.ok()) return filled;
  auto service = std::make_unique<PointReadServiceImpl>(db->get());
  return Start(*std::move(db), std::move(service), port);
}

int ServeUntilSignal(const std::function<absl::StatusOr<std::unique_ptr<BaselineServer>>()>& start,
                     const std::string& what, const std::string& port_file) {
  // Blocked before any thread starts, so that only sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  absl::StatusOr<std::unique_ptr<BaselineServer>> server = start();
  if (!server.ok()) {
    std::cerr << "loadgen: cannot serve " << what << ": " << server.status() << "\n";
    return 1;
  }
  const int port = (*server)->port();
  if (!port_file.empty()) {
    std::ofstream(port_file + ".tmp") << port << "\n";
    std::filesystem::rename(port_file + ".tmp", port_file);
  }
  std::cerr << "loadgen: " << what << " serving on 127.0.0.1:" << port << "\n";
  int signal = 0;
  sigwait(&signals, &signal);
  (*server)->Shutdown();
  return 0;
}

}  // namespace ecoplan::loadgen
