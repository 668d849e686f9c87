// Copyright 2026 The Tidings Authors.

#include "scoring/internal/fingerprint.h"

#include <array>

namespace tidings::scoring::internal {
namespace {

constexpr uint64_t kFnvOffset = 1469598103934665603ull;
constexpr uint64_t kFnvPrime = 1099511628211ull;

inline uint64_t HashToken(std::string_view s) {
  uint64_t h = kFnvOffset;
  for (unsigned char c : s) {
    h ^= c;
    h *= kFnvPrime;
  }
  return h;
}

// splitmix64 finaliser: spreads a combined hash over all 64 bits.
inline uint64_t Mix(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

inline bool Counts(const AnalyzedText& text, size_t i) {
  return text.tokens[i].kind != TokenKind::kSymbol;
}

}  // namespace

uint64_t ExactFingerprint(const AnalyzedText& text) {
  uint64_t h = kFnvOffset;
  for (size_t i = 0; i < text.tokens.size(); ++i) {
    if (!Counts(text, i)) continue;
    h = Mix(h ^ HashToken(text.norm(i)));
  }
  return h;
}

uint64_t SimHash(const AnalyzedText& text) {
  constexpr int kShingle = 3;
  std::array<int32_t, 64> votes{};
  uint64_t window[kShingle] = {0, 0, 0};
  int seen = 0;
  auto vote = [&votes](uint64_t h) {
    for (int b = 0; b < 64; ++b) votes[b] += (h >> b) & 1 ? 1 : -1;
  };
  for (size_t i = 0; i < text.tokens.size(); ++i) {
    if (!Counts(text, i)) continue;
    window[0] = window[1];
    window[1] = window[2];
    window[2] = HashToken(text.norm(i));
    if (++seen >= kShingle) {
      vote(Mix(window[0] ^ Mix(window[1] ^ Mix(window[2]))));
    }
  }
  if (seen > 0 && seen < kShingle) {
    // Fewer tokens than a shingle: the tokens themselves.
    for (int k = kShingle - seen; k < kShingle; ++k) vote(Mix(window[k]));
  }
  uint64_t out = 0;
  for (int b = 0; b < 64; ++b) {
    if (votes[b] > 0) out |= uint64_t{1} << b;
  }
  return out;
}

}  // namespace tidings::scoring::internal
