// Copyright 2026 The Tidings Authors.
// PLACEHOLDER: the sentiment model is being written.

#include "scoring/internal/sentiment.h"

namespace tidings::scoring::internal {

absl::StatusOr<SentimentModel> SentimentModel::Create(const LexiconSet& lexicons) {
  return SentimentModel();
}

Sentiment SentimentModel::Score(const AnalyzedText& text, uint32_t body_begin) const {
  return Sentiment();
}

}  // namespace tidings::scoring::internal
