// Copyright 2026 The Tidings Authors.
//
// auth.h: optional bearer-token access control. A tokens file maps each
// token to roles; every Tidings RPC needs one role:
//
//   publish    Ingest, IngestStream, Score
//   subscribe  Subscribe, Query, GetSignal
//   admin      Backup, and everything else (implies publish and subscribe)
//
// Health and reflection stay open (they are other services). Clients send
// the token in the "authorization" metadata as "Bearer <token>".
//
// Tokens file format: one `token<TAB>role[,role...]` a line; blank lines and
// lines starting with '#' are ignored; spaces around fields are trimmed.

#ifndef TIDINGS_SERVICE_INTERNAL_AUTH_H_
#define TIDINGS_SERVICE_INTERNAL_AUTH_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"

namespace tidings::service::internal {

// Role bits.
enum Role : uint32_t {
  kRolePublish = 1u << 0,
  kRoleSubscribe = 1u << 1,
  kRoleAdmin = 1u << 2,
};

// "publish", "subscribe" or "admin".
const char* RoleName(Role role);

// An immutable token -> roles table. Thread-safe once built (const only).
class TokenTable {
 public:
  // Parses the file content. INVALID_ARGUMENT naming `origin` and the line
  // for a malformed line, an unknown role, a repeated token, or a file with
  // no token at all.
  static absl::StatusOr<TokenTable> Parse(std::string_view text,
                                          std::string_view origin);

  // Reads and parses `path`. NOT_FOUND / PERMISSION_DENIED when it cannot be
  // read, INVALID_ARGUMENT as Parse().
  static absl::StatusOr<TokenTable> Load(const std::string& path);

  // The role bits of `token` (admin expanded to all), nullopt when unknown.
  std::optional<uint32_t> RolesOf(std::string_view token) const;

  size_t size() const { return roles_.size(); }

 private:
  absl::flat_hash_map<std::string, uint32_t> roles_;
};

// The token table in force, replaceable while calls are being checked (SIGHUP
// reloads the tokens file). Thread-safe.
class TokenHolder {
 public:
  explicit TokenHolder(TokenTable table);

  // The table to check one call against; a later Replace() does not change
  // it.
  std::shared_ptr<const TokenTable> current() const;

  void Replace(TokenTable table);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const TokenTable> table_ ABSL_GUARDED_BY(mu_);
};

// Checks the "authorization" metadata value (nullopt when absent) of a call
// to `method` that needs `needed`. OK, or:
//   UNAUTHENTICATED    no token, not "Bearer <token>", or an unknown token;
//   PERMISSION_DENIED  a known token without the role.
// Messages say what to do (and never echo the token).
absl::Status Authorize(const TokenTable& table,
                       std::optional<std::string_view> authorization,
                       Role needed, std::string_view method);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_AUTH_H_
