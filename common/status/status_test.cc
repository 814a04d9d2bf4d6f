#include <grpcpp/support/status.h>
#include <gtest/gtest.h>
#include <rocksdb/status.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/log/log.h"
#include "common/status/grpc_status.h"
#include "common/status/rocksdb_status.h"
#include "common/status/status_macros.h"

namespace ecoplan::common {
namespace {

TEST(GrpcStatusTest, KeepsEveryCodeAndMessage) {
  for (int code = 1; code <= 16; ++code) {
    const auto absl_code = static_cast<absl::StatusCode>(code);
    const grpc::Status converted = ToGrpcStatus(absl::Status(absl_code, "field x: bad"));
    EXPECT_EQ(static_cast<int>(converted.error_code()), code);
    if (absl_code != absl::StatusCode::kInternal && absl_code != absl::StatusCode::kDataLoss) {
      EXPECT_EQ(converted.error_message(), "field x: bad");
    }
    EXPECT_EQ(FromGrpcStatus(converted).code(), absl_code);
  }
  EXPECT_TRUE(ToGrpcStatus(absl::OkStatus()).ok());
}

TEST(GrpcStatusTest, HidesInternalDetails) {
  const grpc::Status converted = ToGrpcStatus(absl::InternalError("rocksdb /var/x corrupt"));
  EXPECT_EQ(converted.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_EQ(converted.error_message().find("rocksdb"), std::string::npos);
}

TEST(GrpcStatusTest, LogsEachInternalErrorOnceUnderTheReferenceTheClientGets) {
  std::vector<std::string> lines;
  SetInternalErrorLogger(
      Logger("registry", [&lines](absl::string_view line) { lines.emplace_back(line); }));
  const grpc::Status first = ToGrpcStatus(absl::DataLossError("sst 000042.sst: bad checksum"));
  const grpc::Status second = ToGrpcStatus(absl::InternalError("commit: IO error"));
  ASSERT_EQ(lines.size(), 2u);
  const nlohmann::json logged = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(logged["level"], "error");
  EXPECT_EQ(logged["service"], "registry");
  EXPECT_EQ(logged["code"], "DATA_LOSS");
  EXPECT_EQ(logged["detail"], "sst 000042.sst: bad checksum");
  const std::string reference = logged["reference"];
  ASSERT_EQ(reference.size(), 16u);
  EXPECT_EQ(first.error_message(), InternalErrorMessage(reference));
  EXPECT_NE(first.error_message().find(reference), std::string::npos);
  // Each answer has its own reference.
  const nlohmann::json logged2 = nlohmann::json::parse(lines[1]);
  EXPECT_NE(logged2["reference"], logged["reference"]);
  EXPECT_NE(second.error_message().find(std::string(logged2["reference"])), std::string::npos);
  // Other codes are answered as they are and not logged.
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("no plan p")).error_message(), "no plan p");
  EXPECT_EQ(lines.size(), 2u);
  SetInternalErrorLogger(Logger("ecoplan", [](absl::string_view) {}));
}

TEST(RocksDbStatusTest, MapsCodes) {
  EXPECT_EQ(FromRocksDb(rocksdb::Status::NotFound()).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::Busy()).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::TryAgain()).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::Corruption("x")).code(), absl::StatusCode::kDataLoss);
  // The volume, not a bug: a full one is RESOURCE_EXHAUSTED, any other I/O error UNAVAILABLE.
  EXPECT_EQ(FromRocksDb(rocksdb::Status::NoSpace("x")).code(),
            absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::IOError("x")).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::InvalidArgument("x")).code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(FromRocksDb(rocksdb::Status::OK()).ok());
  EXPECT_EQ(FromRocksDb(rocksdb::Status::IOError("disk"), "write plan").message(),
            "storage I/O error: write plan: IO error: disk");
  EXPECT_EQ(FromRocksDb(rocksdb::Status::NoSpace("append"), "group commit").message(),
            "disk full: group commit: IO error: No space left on device: append");
}

absl::StatusOr<int> Half(int x) {
  if (x % 2 != 0) return absl::InvalidArgumentError("odd");
  return x / 2;
}

absl::StatusOr<int> Quarter(int x) {
  ECOPLAN_ASSIGN_OR_RETURN(int half, Half(x));
  ECOPLAN_ASSIGN_OR_RETURN(int quarter, Half(half));
  ECOPLAN_RETURN_IF_ERROR(quarter > 100 ? absl::OutOfRangeError("big") : absl::OkStatus());
  return quarter;
}

TEST(StatusMacrosTest, PropagateFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Quarter(800).status().code(), absl::StatusCode::kOutOfRange);
}

}  // namespace
}  // namespace ecoplan::common
