// Copyright 2026 The Tidings Authors.
//
// status_macros.h: early-return helpers for absl::Status, which Abseil
// 20220623 (Debian 12) does not ship. Private to storage/.

#ifndef TIDINGS_STORAGE_INTERNAL_STATUS_MACROS_H_
#define TIDINGS_STORAGE_INTERNAL_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Returns the status of `expr` (an absl::Status) from the calling function
// when it is not OK.
#define TIDINGS_STORAGE_RETURN_IF_ERROR(expr)        \
  do {                                               \
    ::absl::Status tidings_storage_status_ = (expr); \
    if (!tidings_storage_status_.ok()) {             \
      return tidings_storage_status_;                \
    }                                                \
  } while (0)

#define TIDINGS_STORAGE_CONCAT_INNER_(a, b) a##b
#define TIDINGS_STORAGE_CONCAT_(a, b) TIDINGS_STORAGE_CONCAT_INNER_(a, b)

// `lhs = *expr` for an absl::StatusOr `expr`, or returns its status from the
// calling function. `lhs` may be a declaration: `auto x`.
#define TIDINGS_STORAGE_ASSIGN_OR_RETURN(lhs, expr) \
  TIDINGS_STORAGE_ASSIGN_OR_RETURN_IMPL_(           \
      TIDINGS_STORAGE_CONCAT_(tidings_storage_statusor_, __LINE__), lhs, expr)

#define TIDINGS_STORAGE_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                                           \
  if (!statusor.ok()) {                                             \
    return std::move(statusor).status();                            \
  }                                                                 \
  lhs = *std::move(statusor)

#endif  // TIDINGS_STORAGE_INTERNAL_STATUS_MACROS_H_
