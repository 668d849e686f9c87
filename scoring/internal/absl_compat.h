// Copyright 2026 The Tidings Authors.
//
// absl_compat.h: Debian's Abseil 20220623 is built with its own
// absl::string_view, distinct from std::string_view. Convert explicitly at
// calls into Abseil (StrCat, StrFormat, heterogeneous lookup in
// flat_hash_map<std::string, ...>).

#ifndef TIDINGS_SCORING_INTERNAL_ABSL_COMPAT_H_
#define TIDINGS_SCORING_INTERNAL_ABSL_COMPAT_H_

#include <string_view>

#include "absl/strings/string_view.h"

namespace tidings::scoring::internal {

inline absl::string_view AsAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}
inline std::string_view AsStd(absl::string_view s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_ABSL_COMPAT_H_
