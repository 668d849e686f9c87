// Copyright 2026 The Tidings Authors.
// PLACEHOLDER: the event detectors are being written.

#include "scoring/internal/events.h"

namespace tidings::scoring::internal {

absl::StatusOr<EventDetector> EventDetector::Create(const LexiconSet& lexicons) {
  return EventDetector();
}

void EventDetector::Detect(const AnalyzedText& text, uint32_t body_begin,
                           const std::vector<EntityMention>& mentions,
                           const EntityModel& entities,
                           std::vector<Event>* events) const {}

}  // namespace tidings::scoring::internal
