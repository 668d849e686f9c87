// Copyright 2026 The Tidings Authors.
// PLACEHOLDER: the gold detector is being written.

#include "scoring/internal/gold.h"

namespace tidings::scoring::internal {

absl::StatusOr<GoldDetector> GoldDetector::Create(const LexiconSet& lexicons) {
  return GoldDetector();
}

std::optional<Event> GoldDetector::Detect(const AnalyzedText& text,
                                          uint32_t body_begin) const {
  return std::nullopt;
}

}  // namespace tidings::scoring::internal
