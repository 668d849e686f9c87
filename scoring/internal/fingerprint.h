// Copyright 2026 The Tidings Authors.
//
// fingerprint.h: content fingerprints for novelty detection.
//
// Both are stable across runs, builds and machines (they are stored).
// - exact: a 64-bit hash of the word and number tokens, lower cased, so
//   whitespace, punctuation and case changes do not matter.
// - near: a 64-bit SimHash over 3-token shingles of the same tokens; two
//   texts that share most of their wording differ in few bits (see
//   HammingDistance; <= kNearDuplicateBits means a near-duplicate).

#ifndef TIDINGS_SCORING_INTERNAL_FINGERPRINT_H_
#define TIDINGS_SCORING_INTERNAL_FINGERPRINT_H_

#include <cstdint>

#include "scoring/internal/text.h"

namespace tidings::scoring::internal {

struct Fingerprints {
  uint64_t near = 0;   // SimHash (ScoredDocument::fingerprint).
  uint64_t exact = 0;  // ScoredDocument::exact_fingerprint.
};

// Both fingerprints in one pass over the tokens (each token is hashed once).
Fingerprints ComputeFingerprints(const AnalyzedText& text);

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_FINGERPRINT_H_
