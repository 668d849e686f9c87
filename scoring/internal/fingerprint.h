// Copyright 2026 The Tidings Authors.
//
// fingerprint.h: content fingerprints for novelty detection.
//
// Both are stable across runs, builds and machines (they are stored).
// - ExactFingerprint: a 64-bit hash of the word and number tokens, lower
//   cased, so whitespace, punctuation and case changes do not matter.
// - SimHash: a 64-bit SimHash over 3-token shingles of the same tokens; two
//   texts that share most of their wording differ in few bits (see
//   HammingDistance; <= kNearDuplicateBits means a near-duplicate).

#ifndef TIDINGS_SCORING_INTERNAL_FINGERPRINT_H_
#define TIDINGS_SCORING_INTERNAL_FINGERPRINT_H_

#include <cstdint>

#include "scoring/internal/text.h"

namespace tidings::scoring::internal {

uint64_t ExactFingerprint(const AnalyzedText& text);
uint64_t SimHash(const AnalyzedText& text);

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_FINGERPRINT_H_
