// Copyright 2026 The Tidings Authors.
//
// events.h: detectors for gold price moves (direction and magnitude),
// tariffs, sanctions and geopolitical tension, with relevance, action,
// actors and evidence. Rules and terms come from "events.tsv" (and the
// gold rules from "gold.tsv").

#ifndef TIDINGS_SCORING_INTERNAL_EVENTS_H_
#define TIDINGS_SCORING_INTERNAL_EVENTS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "scoring/internal/entities.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

class EventDetector {
 public:
  static absl::StatusOr<EventDetector> Create(const LexiconSet& lexicons);

  // Appends the events found in `text` to `events` (at most one per type).
  // `body_begin` is where the body starts (text before it is the title);
  // `mentions` are the entity mentions found by `entities` in `text`.
  void Detect(const AnalyzedText& text, uint32_t body_begin,
              const std::vector<EntityMention>& mentions,
              const EntityModel& entities, std::vector<Event>* events) const;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_EVENTS_H_
