// Copyright 2026 The Tidings Authors.
//
// fuzz_check.h: the checks the fuzz targets share. A failed check prints what
// broke and aborts, which libFuzzer reports as a crash and saves the input.

#ifndef TIDINGS_TESTS_FUZZ_FUZZ_CHECK_H_
#define TIDINGS_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

// FUZZ_CHECK(cond, printf-style message...): aborts with the message when
// `cond` is false.
#define FUZZ_CHECK(cond, ...)                                              \
  do {                                                                     \
    if (!(cond)) {                                                         \
      std::fprintf(stderr, "FUZZ_CHECK failed at %s:%d: %s\n  ", __FILE__, \
                   __LINE__, #cond);                                       \
      std::fprintf(stderr, __VA_ARGS__);                                   \
      std::fprintf(stderr, "\n");                                          \
      std::abort();                                                        \
    }                                                                      \
  } while (0)

namespace tidings::fuzz {

// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above
// U+10FFFF. Written here independently of scoring/internal/utf8.h so that
// the two can disagree. Returns the offset of the first bad byte, or
// s.size() when all of `s` is valid.
inline size_t FirstInvalidUtf8(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF;  // Range of the second byte.
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // No surrogates.
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return i;
    }
    if (i + len > n) return i;
    unsigned char c1 = s[i + 1];
    if (c1 < lo || c1 > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      unsigned char ck = s[i + k];
      if (ck < 0x80 || ck > 0xBF) return i;
    }
    i += len;
  }
  return n;
}

inline bool IsValidUtf8(std::string_view s) {
  return FirstInvalidUtf8(s) == s.size();
}

// True when offset `i` of valid UTF-8 `s` starts a character (or is the end).
inline bool IsCharBoundary(std::string_view s, size_t i) {
  if (i >= s.size()) return i == s.size();
  return (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

inline bool InUnitRange(double x) {
  return std::isfinite(x) && x >= 0 && x <= 1;
}

}  // namespace tidings::fuzz

#endif  // TIDINGS_TESTS_FUZZ_FUZZ_CHECK_H_
