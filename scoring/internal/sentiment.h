// Copyright 2026 The Tidings Authors.
//
// sentiment.h: finance-aware lexicon sentiment, per sentence then per
// document. Rules and terms come from "sentiment.tsv".

#ifndef TIDINGS_SCORING_INTERNAL_SENTIMENT_H_
#define TIDINGS_SCORING_INTERNAL_SENTIMENT_H_

#include "absl/status/statusor.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

class SentimentModel {
 public:
  static absl::StatusOr<SentimentModel> Create(const LexiconSet& lexicons);

  // Scores the analysed document; `body_begin` is where the body starts in
  // `text.text` (the title, before it, may weigh more). Evidence offsets
  // point into `text.text`.
  Sentiment Score(const AnalyzedText& text, uint32_t body_begin) const;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_SENTIMENT_H_
