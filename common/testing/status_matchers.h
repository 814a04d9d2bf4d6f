#pragma once

// ASSERT_OK / EXPECT_OK / ASSERT_OK_AND_ASSIGN: Abseil 20220623 has no status matchers.

#include <gtest/gtest.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace ecoplan::testing_internal {
inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}
}  // namespace ecoplan::testing_internal

#define EXPECT_OK(expr) EXPECT_EQ(::ecoplan::testing_internal::GetStatus(expr), ::absl::OkStatus())
#define ASSERT_OK(expr) ASSERT_EQ(::ecoplan::testing_internal::GetStatus(expr), ::absl::OkStatus())

#define ECOPLAN_TEST_CONCAT_INNER_(a, b) a##b
#define ECOPLAN_TEST_CONCAT_(a, b) ECOPLAN_TEST_CONCAT_INNER_(a, b)
#define ASSERT_OK_AND_ASSIGN(lhs, rexpr) \
  ASSERT_OK_AND_ASSIGN_IMPL_(ECOPLAN_TEST_CONCAT_(statusor_, __LINE__), lhs, rexpr)
#define ASSERT_OK_AND_ASSIGN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                               \
  ASSERT_OK(statusor);                                   \
  lhs = std::move(statusor).value()

// Expects `expr` (Status or StatusOr) to fail with `code`.
#define EXPECT_STATUS_CODE(expr, expected_code)                                 \
  EXPECT_EQ(::ecoplan::testing_internal::GetStatus(expr).code(), expected_code) \
      << ::ecoplan::testing_internal::GetStatus(expr)
