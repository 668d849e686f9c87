// Copyright 2026 The Tidings Authors.
//
// relevance.h: how much a document is about an event, from where and how
// strongly the event's evidence appears (the idea of RavenPack's relevance:
// >= 0.75 means the story is about it).
//
// Each evidence sentence contributes confidence x position weight, where
// confidence in (0, 1] is how unambiguous the matched rule is (set by the
// detector, from its rule table) and the position weight is
//   title 1.0 · first body sentence 0.9 · 2nd-3rd 0.8 · 4th-6th 0.65 · later
//   0.5.
// Relevance = min(1, best contribution + 0.05 per further evidence sentence).
// With scoring::kDefaultMinRelevance = 0.4, an unambiguous mention anywhere
// passes and an ambiguous one (confidence < 0.8) passes only near the top.

#ifndef TIDINGS_SCORING_INTERNAL_RELEVANCE_H_
#define TIDINGS_SCORING_INTERNAL_RELEVANCE_H_

#include <algorithm>
#include <cstdint>

#include "scoring/internal/text.h"

namespace tidings::scoring::internal {

// Position weight of sentence `s` of `text`, whose body starts at byte
// `body_begin` (sentences before it form the title).
inline double PositionWeight(const AnalyzedText& text, uint32_t body_begin,
                             uint32_t s) {
  if (text.sentences[s].begin < body_begin) return 1.0;
  // Index of the sentence within the body, counted only up to 6 (all the
  // weights need): walking back to the body's first sentence made a text of
  // n sentences cost n^2 / 2 steps.
  uint32_t k = 0;
  while (k < 6 && k < s && text.sentences[s - k - 1].begin >= body_begin) {
    ++k;
  }
  if (k == 0) return 0.9;
  if (k <= 2) return 0.8;
  if (k <= 5) return 0.65;
  return 0.5;
}

// Accumulates evidence into a relevance score.
class RelevanceAccumulator {
 public:
  void Add(double confidence, double position_weight) {
    best_ = std::max(best_, confidence * position_weight);
    ++count_;
  }
  double relevance() const {
    if (count_ == 0) return 0;
    return std::min(1.0, best_ + 0.05 * (count_ - 1));
  }

 private:
  double best_ = 0;
  int count_ = 0;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_RELEVANCE_H_
