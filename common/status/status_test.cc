#include <grpcpp/support/status.h>
#include <gtest/gtest.h>
#include <rocksdb/status.h>

#include "absl/status/statusor.h"
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

TEST(RocksDbStatusTest, MapsCodes) {
  EXPECT_EQ(FromRocksDb(rocksdb::Status::NotFound()).code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::Busy()).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::TryAgain()).code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::Corruption("x")).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(FromRocksDb(rocksdb::Status::IOError("x")).code(), absl::StatusCode::kInternal);
  EXPECT_TRUE(FromRocksDb(rocksdb::Status::OK()).ok());
  EXPECT_EQ(FromRocksDb(rocksdb::Status::IOError("disk"), "write plan").message(),
            "write plan: IO error: disk");
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
