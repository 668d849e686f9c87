// Copyright 2026 The Tidings Authors.
//
// gold.h: the gold price move detector: reports and forecasts of gold's
// price moving, with direction (UP, DOWN, FLAT) and magnitude ("rose as much
// as 0.6% to around $3,373 an ounce"), rejecting other senses of "gold"
// (medals, Golden State, mine output, jewellery exports, Goldman). Rules and
// terms come from "gold.tsv".

#ifndef TIDINGS_SCORING_INTERNAL_GOLD_H_
#define TIDINGS_SCORING_INTERNAL_GOLD_H_

#include <optional>

#include "absl/status/statusor.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

class GoldDetector {
 public:
  static absl::StatusOr<GoldDetector> Create(const LexiconSet& lexicons);

  // The gold price move reported in `text`, if any, with relevance (see
  // relevance.h), direction, magnitude and evidence. `body_begin` is where
  // the body starts (text before it is the title).
  std::optional<Event> Detect(const AnalyzedText& text, uint32_t body_begin) const;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_GOLD_H_
