#pragma once

// ECOPLAN_RETURN_IF_ERROR and ECOPLAN_ASSIGN_OR_RETURN: Abseil 20220623 ships neither.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define ECOPLAN_STATUS_CONCAT_INNER_(a, b) a##b
#define ECOPLAN_STATUS_CONCAT_(a, b) ECOPLAN_STATUS_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define ECOPLAN_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::absl::Status ecoplan_status_ = (expr);           \
    if (!ecoplan_status_.ok()) return ecoplan_status_; \
  } while (0)

// Evaluates `rexpr` (an absl::StatusOr<T>); on error returns its status, else
// moves the value into `lhs` (a declaration such as `auto x` or an lvalue).
#define ECOPLAN_ASSIGN_OR_RETURN(lhs, rexpr) \
  ECOPLAN_ASSIGN_OR_RETURN_IMPL_(ECOPLAN_STATUS_CONCAT_(ecoplan_statusor_, __LINE__), lhs, rexpr)

#define ECOPLAN_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                   \
  if (!statusor.ok()) return std::move(statusor).status();   \
  lhs = std::move(statusor).value()
