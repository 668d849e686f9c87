// Copyright 2026 The Tidings Authors.
//
// events.h: detectors for tariffs, sanctions and geopolitical tension (rules
// and terms from "events.tsv"), plus the gold price move detector (gold.h,
// rules from "gold.tsv"), with relevance, action, actors and evidence.
//
// How a tariff, sanctions or geopolitical event is found (events.tsv holds
// every term, weight and window; its header comment explains the rows):
//   1. One pass over the tokens matches TRIGGERS ("tariffs", "arms
//      embargo", "conflict"), longest first; BLOCK phrases are other senses
//      that contain a trigger ("price war", "fuel duty", "conflict of
//      interest", "World War II") and suppress it. Most documents have no
//      trigger and stop here. In the sentences that hold a trigger, a second
//      pass matches CUES: context words in named groups (trade words,
//      military words, sports words) and direction words ("lifted",
//      "threatened"). Entity mentions (entities.h) add the pseudo-groups
//      @actor (a country, bloc or leader), @actors2 (two distinct ones in
//      the sentence), @commodity and @person.
//   2. Each trigger occurrence is scored by its TRIGGER rule: confidence =
//      base + the boosts of the cue groups present in the rule's scope
//      (prev/next token, +-3 tokens, the window, the sentence), capped at 1;
//      a reject group present in scope discards it (a sports word near
//      "sanction", a utility word near "tariff", "to" before "sanction"). A
//      year just before the trigger (geopolitical: on either side) marks a
//      historical mention ("the 1973-74 oil embargo", "the 2001 attacks") and
//      scales the confidence down.
//   3. The action (Direction) comes from the rule itself (a ceasefire is a
//      de-escalation) or from the highest-priority ACTION cue in the window
//      ("lift", "threatened", "rolls back"), nearest first; else the type's
//      default (IMPOSED; ESCALATION).
//   4. Per type, each sentence keeps its most confident trigger; relevance
//      accumulates confidence x position weight over those sentences
//      (relevance.h); the strongest sentence decides the direction; actors
//      are the countries and blocs mentioned in the evidence sentences.
//
// Thread-safety: immutable after Create(); Detect() is const and may be
// called concurrently. Detect() allocates per document (a few small
// buffers and the events), never per token.

#ifndef TIDINGS_SCORING_INTERNAL_EVENTS_H_
#define TIDINGS_SCORING_INTERNAL_EVENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "scoring/internal/entities.h"
#include "scoring/internal/gold.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/recycle.h"
#include "scoring/internal/text.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

class EventDetector {
 public:
  // Builds the detectors from "events.tsv" (and the gold detector from its
  // own files). INVALID_ARGUMENT (file:line) for a malformed row: an unknown
  // row kind, event type, direction, group or scope, or a bad number.
  static absl::StatusOr<EventDetector> Create(const LexiconSet& lexicons);
  // The same with the scorer's analyzer (made from the same lexicons; see
  // SentimentModel::Create).
  static absl::StatusOr<EventDetector> Create(const LexiconSet& lexicons,
                                              const TextAnalyzer& analyzer);

  // Appends the events found in `text` to `events` (at most one per type:
  // gold price move first, then tariff, sanctions, geopolitical tension).
  // `body_begin` is where the body starts (text before it is the title);
  // `mentions` are the entity mentions found by `entities` in `text`.
  // Events of any relevance are appended; callers filter on relevance.
  void Detect(const AnalyzedText& text, uint32_t body_begin,
              const std::vector<EntityMention>& mentions,
              const EntityModel& entities, std::vector<Event>* events) const;

  // Sets kHitTrigger for the key word of each trigger and block phrase
  // (PhraseIndex::MarkKeyWords), kHitTriggerStart, kHitCue and kHitGold for
  // the ids that start one, a cue or a strong gold alias
  // (TextAnalyzer::SetHits): Detect()
  // skips the sentences (and texts) that hold none, and the tokens where
  // no cue starts.
  void MarkHits(std::vector<uint16_t>* hits_of_id) const;

  // Where a cue must appear relative to a trigger to count.
  enum class Scope : uint8_t {
    kPrev,      // The token just before the trigger.
    kNext,      // The token just after the trigger.
    kNear,      // Within 3 tokens either side.
    kBefore,    // Within the window, before the trigger.
    kAfter,     // Within the window, after the trigger.
    kWindow,    // Within the window either side.
    kSentence,  // Anywhere in the sentence.
  };
  static constexpr int kNumScopes = 7;
  static constexpr int kNumTypes = 3;  // tariff, sanctions, geopolitical

 private:
  struct GroupRef {
    uint8_t group = 0;  // Bit index.
    Scope scope = Scope::kSentence;
    float weight = 0;       // Boosts only.
    bool required = false;  // Boosts only: without it the rule does not apply.
  };
  struct Rule {
    uint8_t type = 0;  // 0 tariff, 1 sanctions, 2 geopolitical.
    float base = 0;
    std::vector<GroupRef> boosts;
    std::vector<GroupRef> rejects;
    Direction direction = Direction::kUnspecified;  // Intrinsic, or none.
  };
  struct Action {
    Direction direction = Direction::kUnspecified;
    uint8_t types = 0;  // Bit mask over event types.
    uint8_t max_distance = 0;
    uint8_t priority = 0;
  };
  // What a phrase of the table stands for (several roles may combine).
  struct Entry {
    std::vector<uint16_t> rules;  // Trigger rules.
    bool block = false;   // Another sense: suppresses triggers and cues.
    uint64_t groups = 0;  // Cue groups (bit mask).
    std::vector<uint16_t> actions;  // Indexes into actions_ (by event type).
  };

  struct Params {
    int window = 8;                // Tokens either side for kWindow.
    double history_factor = 0.4;   // Confidence scale for historical mentions.
    int history_before = 4;        // Year within this many tokens before...
    int history_after_geo = 5;     // ...or (geopolitical) after the trigger.
    double min_confidence = 0.45;  // Weaker trigger occurrences are ignored.
    int max_evidence = 5;          // Evidence sentences kept per event.
  };

  struct TriggerHit {
    uint32_t first, end, entry;  // Tokens [first, end), index into entries_.
  };
  struct CueHit {
    uint32_t first = 0;  // Tokens [first, end).
    uint32_t end = 0;
    uint64_t groups = 0;
    int32_t entry = -1;  // Phrase entry (for its actions), or -1.
    bool part = false;   // From a part of a hyphenated compound: rejects only.
  };
  struct SentenceHit {
    uint8_t type = 0;
    uint32_t sentence = 0;
    double confidence = 0;
    double weight = 0;  // Position weight of the sentence.
    double contribution = 0;
    Direction direction = Direction::kUnspecified;
    uint32_t term_first = 0, term_end = 0;  // The strongest trigger.
    int32_t action_cue = -1;                // Index into the cue hits, or -1.
  };
  // The cues a trigger is scored against: cues[begin, end) one by one, and
  // the groups of the sentence's other cues, too far from the trigger to
  // count in any scope but kSentence, already OR-ed together (whole cues,
  // and all cues including compound parts).
  struct CueSpan {
    size_t begin = 0, end = 0;
    uint64_t far_whole = 0, far_all = 0;
  };
  // Per sentence with many cues: prefix and suffix ORs of the cue groups
  // and the running maximum of cue ends, so that a trigger's CueSpan is two
  // binary searches instead of a walk over the whole sentence (a long
  // sentence full of cues would otherwise cost triggers x cues).
  struct FarCues {
    std::vector<uint32_t> max_end;
    std::vector<uint64_t> pre_whole, pre_all, suf_whole, suf_all;
    void Build(const std::vector<CueHit>& cues, size_t begin, size_t end);
    CueSpan Span(const std::vector<CueHit>& cues, size_t begin, size_t end,
                 uint32_t first, uint32_t trigger_end, uint32_t reach) const;
  };
  double Score(const AnalyzedText& text, const Rule& rule, uint32_t first,
               uint32_t end, const std::vector<CueHit>& cues,
               const CueSpan& span, int actors_in_sentence,
               Direction* direction, int32_t* action_cue) const;
  // The largest distance at which a cue counts in any scope but kSentence
  // or for an action.
  uint32_t CueReach() const;
  bool IsHistoricYear(const AnalyzedText& text, uint32_t t) const;
  bool NearHistoricYear(const AnalyzedText& text, const Rule& rule,
                        uint32_t first, uint32_t end) const;

  std::optional<GoldDetector> gold_;
  PhraseIndex triggers_;  // Trigger and block phrases.
  PhraseIndex cues_;      // Cue, action and block phrases.
  std::vector<Entry> entries_;
  std::vector<Rule> rules_;
  std::vector<Action> actions_;
  std::vector<std::string> group_names_;  // By bit index.
  // Words around a number that make it a price or quantity, not a year.
  absl::flat_hash_set<std::string>
      not_year_prev_;  // Just before: "$", "since".
  absl::flat_hash_set<std::string>
      not_year_next_;  // Just after: "%", "tonnes".

  Direction default_direction_[kNumTypes] = {
      Direction::kImposed, Direction::kImposed, Direction::kEscalation};
  Params params_;

 public:
  // Detect()'s working memory. A caller that scores many texts on one
  // thread may keep one and pass it to every call, so that its buffers are
  // reused; Detect() without it makes its own. One per thread.
  struct Scratch {
    std::vector<TriggerHit> triggers;
    std::vector<CueHit> cues;
    std::vector<CueHit> merged_cues;  // FindCues' merge buffer.
    std::vector<SentenceHit> hits;
    std::vector<const SentenceHit*> of_type;
    FarCues far;
    GoldDetector::Scratch gold;
    // Where the events' parts come from (null: new ones).
    Recycler* recycler = nullptr;
  };
  void Detect(const AnalyzedText& text, uint32_t body_begin,
              const std::vector<EntityMention>& mentions,
              const EntityModel& entities, std::vector<Event>* events,
              Scratch* scratch) const;

 private:
  class Builder;  // Create()'s parsers, one per row kind (events_table.cc).

  // Detect()'s stages, in order (events.cc).
  void FindTriggers(const AnalyzedText& text,
                    std::vector<TriggerHit>* triggers) const;
  // FindTriggers() in sentence `s`.
  void FindTriggersIn(const AnalyzedText& text, const Sentence& s,
                      std::vector<TriggerHit>* triggers) const;
  void FindCues(const AnalyzedText& text,
                const std::vector<TriggerHit>& triggers,
                const std::vector<EntityMention>& mentions,
                const EntityModel& entities, std::vector<CueHit>* cues,
                std::vector<CueHit>* merged) const;  // `merged`: scratch.
  void AddCompoundCue(const AnalyzedText& text, uint32_t i,
                      std::vector<CueHit>* cues) const;
  void ScoreTriggers(const AnalyzedText& text, uint32_t body_begin,
                     const std::vector<EntityMention>& mentions,
                     const EntityModel& entities, Scratch* scratch) const;
  // Fills `*event` (new, from NewEvent with `recycler`).
  void MakeEvent(int type, const AnalyzedText& text,
                 const std::vector<EntityMention>& mentions,
                 const EntityModel& entities, const std::vector<CueHit>& cues,
                 std::vector<const SentenceHit*>* of_type, Recycler* recycler,
                 Event* event) const;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_EVENTS_H_
