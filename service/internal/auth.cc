// Copyright 2026 The Tidings Authors.

#include "service/internal/auth.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace tidings::service::internal {
namespace {

absl::string_view Trim(absl::string_view s) {
  return absl::StripAsciiWhitespace(s);
}

std::optional<uint32_t> ParseRole(absl::string_view name) {
  if (name == "publish") return kRolePublish;
  if (name == "subscribe") return kRoleSubscribe;
  if (name == "admin") return kRoleAdmin | kRolePublish | kRoleSubscribe;
  return std::nullopt;
}

}  // namespace

const char* RoleName(Role role) {
  switch (role) {
    case kRolePublish:
      return "publish";
    case kRoleSubscribe:
      return "subscribe";
    case kRoleAdmin:
      return "admin";
  }
  return "unknown";
}

absl::StatusOr<TokenTable> TokenTable::Parse(std::string_view text,
                                             std::string_view origin) {
  TokenTable table;
  int line_number = 0;
  for (absl::string_view raw :
       absl::StrSplit(absl::string_view(text.data(), text.size()), '\n')) {
    ++line_number;
    absl::string_view line = Trim(raw);
    if (line.empty() || line[0] == '#') continue;
    auto where = [&] {
      return absl::StrCat(std::string(origin), ":", line_number, ": ");
    };
    const size_t tab = line.find('\t');
    if (tab == absl::string_view::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(),
                       "expected `token<TAB>role[,role]` (roles: publish, "
                       "subscribe, admin)"));
    }
    absl::string_view token = Trim(line.substr(0, tab));
    absl::string_view roles = Trim(line.substr(tab + 1));
    if (token.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(where(), "empty token"));
    }
    for (char c : token) {
      if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
        return absl::InvalidArgumentError(
            absl::StrCat(where(), "a token must be printable, without spaces"));
      }
    }
    uint32_t bits = 0;
    for (absl::string_view name : absl::StrSplit(roles, ',')) {
      name = Trim(name);
      std::optional<uint32_t> role = ParseRole(name);
      if (!role) {
        return absl::InvalidArgumentError(
            absl::StrCat(where(), "unknown role \"", std::string(name),
                         "\"; use publish, subscribe or admin"));
      }
      bits |= *role;
    }
    if (!table.roles_.emplace(std::string(token), bits).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(where(), "this token is listed twice"));
    }
  }
  if (table.roles_.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(origin),
                     ": no token in the file (one `token<TAB>role[,role]` "
                     "a line)"));
  }
  return table;
}

absl::StatusOr<TokenTable> TokenTable::Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int err = errno;
    std::string message = absl::StrCat("cannot read the tokens file ", path,
                                       ": ", std::strerror(err));
    if (err == EACCES) return absl::PermissionDeniedError(message);
    return absl::NotFoundError(message);
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path);
}

std::optional<uint32_t> TokenTable::RolesOf(std::string_view token) const {
  auto it = roles_.find(absl::string_view(token.data(), token.size()));
  if (it == roles_.end()) return std::nullopt;
  return it->second;
}

TokenHolder::TokenHolder(TokenTable table)
    : table_(std::make_shared<const TokenTable>(std::move(table))) {}

std::shared_ptr<const TokenTable> TokenHolder::current() const {
  absl::MutexLock lock(&mu_);
  return table_;
}

void TokenHolder::Replace(TokenTable table) {
  auto fresh = std::make_shared<const TokenTable>(std::move(table));
  absl::MutexLock lock(&mu_);
  table_ = std::move(fresh);
}

absl::Status Authorize(const TokenTable& table,
                       std::optional<std::string_view> authorization,
                       Role needed, std::string_view method) {
  const std::string m(method);
  if (!authorization) {
    return absl::UnauthenticatedError(absl::StrCat(
        m,
        " needs a bearer token: send the metadata \"authorization: Bearer "
        "<token>\" (tidings CLI: --token or $TIDINGS_TOKEN)"));
  }
  absl::string_view value(authorization->data(), authorization->size());
  constexpr absl::string_view kBearer = "Bearer ";
  if (!absl::StartsWithIgnoreCase(value, kBearer)) {
    return absl::UnauthenticatedError(absl::StrCat(
        m, ": the authorization metadata must be \"Bearer <token>\""));
  }
  absl::string_view token = Trim(value.substr(kBearer.size()));
  std::optional<uint32_t> roles =
      table.RolesOf(std::string_view(token.data(), token.size()));
  if (!roles) {
    return absl::UnauthenticatedError(absl::StrCat(
        m, ": unknown token; use a token from the server's tokens file"));
  }
  if ((*roles & needed) == 0) {
    return absl::PermissionDeniedError(absl::StrCat(
        m, " needs the ", RoleName(needed),
        " role, which this token does not have; use a token with the ",
        RoleName(needed), needed == kRoleAdmin ? " role" : " (or admin) role"));
  }
  return absl::OkStatus();
}

}  // namespace tidings::service::internal
