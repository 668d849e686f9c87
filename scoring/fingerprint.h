// Copyright 2026 The Tidings Authors.
//
// fingerprint.h: comparing the near-duplicate fingerprints of
// `ScoredDocument::fingerprint` (64-bit SimHash over word shingles).

#ifndef TIDINGS_SCORING_FINGERPRINT_H_
#define TIDINGS_SCORING_FINGERPRINT_H_

#include <bit>
#include <cstdint>

namespace tidings::scoring {

// Two documents whose fingerprints differ in at most this many bits are
// near-duplicates (the same story, lightly edited or re-headlined).
inline constexpr int kNearDuplicateBits = 3;

inline int HammingDistance(uint64_t a, uint64_t b) {
  return std::popcount(a ^ b);
}

}  // namespace tidings::scoring

#endif  // TIDINGS_SCORING_FINGERPRINT_H_
