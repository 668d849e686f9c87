// Copyright 2026 The Tidings Authors.
//
// gold.h: the gold price move detector: reports and forecasts of gold's
// price moving, with direction (UP, DOWN, FLAT) and magnitude ("rose as much
// as 0.6% to around $3,373 an ounce" -> +0.6 %, 3373 USD/oz), rejecting other
// senses of "gold" (medals, Golden State, mine output, mining shares and
// indices, jewellery exports, reserves, ETFs, Goldman, Gold Fields, "Mr
// Gold"), price quotes with no change, questions and trading advice.
//
// All terms and rule tables come from the lexicon file "gold.tsv" (its
// header explains the kinds of term and how a move is attached to gold).
//
// In short, per sentence: every token is looked up once in a hash table
// built at Create(); gold names are classified as the price ("gold prices",
// "spot gold", "bullion") or another sense ("gold mine", "demand for gold");
// then each direction term is attached to the nearest gold name before it
// within its clause (or after it, for "rise in gold", "dollar lifts gold",
// "cuts its gold forecast"), not passing another subject ("silver slides",
// "dollar firms"). The first attached term is the sentence's move ("gold
// falls, before rebounding" is down). The event's direction is that of the
// sentence contributing most to relevance (relevance.h): confidence = alias
// conf x term conf from gold.tsv, times the sentence's position weight.
//
// Example:
//   absl::StatusOr<GoldDetector> gold = GoldDetector::Create(lexicons);
//   std::optional<Event> event = gold->Detect(analyzed, body_begin);
//   // "Gold rose 0.6% to $3,373 an ounce" -> kUp, +0.6, 3373, "USD/oz".
//
// Thread-safety: immutable after Create(); Detect() is const and may be
// called from any number of threads at once.

#ifndef TIDINGS_SCORING_INTERNAL_GOLD_H_
#define TIDINGS_SCORING_INTERNAL_GOLD_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/recycle.h"
#include "scoring/internal/text.h"
#include "scoring/internal/vocabulary.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

class GoldDetector {
 public:
  // Builds the detector from "gold.tsv". INVALID_ARGUMENT ("gold.tsv:12:
  // ...") for an unknown kind, direction or strength, a confidence outside
  // (0, 1], a missing currency or unit, a phrase of more than four tokens,
  // and a term given two different directions; NOT_FOUND when the file is
  // missing.
  static absl::StatusOr<GoldDetector> Create(const LexiconSet& lexicons);
  // The same with the scorer's analyzer (made from the same lexicons; see
  // SentimentModel::Create).
  static absl::StatusOr<GoldDetector> Create(const LexiconSet& lexicons,
                                             const TextAnalyzer& analyzer);

  // The gold price move reported in `text`, if any: the direction of the
  // sentence that contributes most (the title or lead usually), magnitude
  // from it (completed from the other sentences that agree), evidence (each
  // sentence reporting that direction, at most kMaxEvidence, with the
  // matched gold name and direction terms) and relevance from those
  // sentences (relevance.h; any value, the caller applies its threshold).
  // `body_begin` is where the body starts (text before it is the title).
  // A text in which no token can name gold with a strong alias costs one
  // look at each token and no allocation; otherwise one scratch array per
  // call, nothing per token.
  std::optional<Event> Detect(const AnalyzedText& text,
                              uint32_t body_begin) const;

 private:
  // A token's label in one call (the Matcher's; gold_matcher.h).
  struct Slot {
    int32_t term = -1;      // Index into terms_, or -1.
    uint8_t len = 1;        // Tokens covered (phrases).
    bool covered = false;   // Inside a phrase that starts earlier.
    bool consumed = false;  // Used by an earlier rule of this sentence.
    uint8_t mention = 0;    // Matcher::Mention.
  };

 public:
  // Detect()'s working memory: one per thread, reused across calls so that
  // a text that may name gold allocates nothing for its labels.
  struct Scratch {
    std::vector<Slot> slots;  // By token.
  };
  // The same, appended to `*events` when there is one, its parts from
  // `recycler` (recycle.h; may be null), its labels in `scratch`.
  void Detect(const AnalyzedText& text, uint32_t body_begin, Recycler* recycler,
              std::vector<Event>* events, Scratch* scratch) const;

  static constexpr int kMaxEvidence = 8;

  // Sets kHitGold for the ids that start a strong alias and kHitGoldAlias
  // for the last word of every alias (TextAnalyzer::SetHits): a text with
  // no kHitGold and no joined word names no gold, and the sentences with
  // no kHitGoldAlias and no joined word are not looked at (a move is
  // attached only to a gold name in its own sentence).
  void MarkHits(std::vector<uint16_t>* hits_of_id) const;

 private:
  class Matcher;  // The per-call analysis (gold.cc).
  class Builder;  // Create()'s parsers, one per kind of row (gold_table.cc).

  // Roles of a term (Term::roles): one bit per kind of row in gold.tsv (a
  // term listed under several kinds has several), plus two bits that
  // Create() sets for phrase matching.
  enum Role : uint64_t {
    kAliasStrong = 1ull << 0,     // alias ... strong
    kAliasTopic = 1ull << 1,      // alias ... topic
    kPriceWord = 1ull << 2,       // price
    kSense = 1ull << 3,           // sense
    kOther = 1ull << 4,           // other
    kName = 1ull << 5,            // name
    kMove = 1ull << 6,            // move, noun, adj, level, mark, adverb
    kMoveNoun = 1ull << 7,        // noun
    kMoveAdj = 1ull << 8,         // adj
    kMoveLevel = 1ull << 9,       // level, mark
    kMoveAdverb = 1ull << 10,     // adverb
    kHold = 1ull << 11,           // hold
    kReverse = 1ull << 12,        // reverse
    kCause = 1ull << 13,          // cause
    kRevise = 1ull << 14,         // revise
    kForecast = 1ull << 15,       // forecast
    kBoundarySoft = 1ull << 16,   // boundary ... soft
    kBoundaryHard = 1ull << 17,   // boundary ... hard
    kCoord = 1ull << 18,          // coord
    kLink = 1ull << 19,           // link
    kDet = 1ull << 20,            // det
    kNegator = 1ull << 21,        // negator
    kAdvice = 1ull << 22,         // advice
    kParticle = 1ull << 23,       // particle
    kCurrency = 1ull << 24,       // currency
    kCurrencyAfter = 1ull << 25,  // currency_after
    kUnit = 1ull << 26,           // unit
    kPer = 1ull << 27,            // per
    kPercent = 1ull << 28,        // percent
    kPlace = 1ull << 29,          // place, mark
    kQuestion = 1ull << 30,       // question
    kChange = 1ull << 31,         // change
    kRelative = 1ull << 32,       // relative
    kSpan = 1ull << 33,           // span
    kAbout = 1ull << 34,          // about
    kReference = 1ull << 37,      // reference
    kApprox = 1ull << 38,         // approx
    kConditional = 1ull << 39,    // conditional
    kPhraseStart = 1ull << 35,    // a proper prefix of a phrase (Create)
    kStrongStart = 1ull << 36,    // first word of a strong alias (Create)
  };

  static constexpr uint64_t kAlias = kAliasStrong | kAliasTopic;
  static constexpr uint64_t kIndexOnly =
      kPhraseStart | kStrongStart;  // Not a term's own role.
  static constexpr uint64_t kBoundary = kBoundarySoft | kBoundaryHard;
  static constexpr uint64_t kSubject = kSense | kOther;
  static constexpr int kMaxPhrase = 4;  // Tokens in the longest phrase.

  // One lexicon term and all of its roles (a term may have several: "cut"
  // revises a forecast, "off" reverses a high).
  struct Term {
    uint64_t roles = 0;  // Bit set of Role.
    Direction move = Direction::kUnspecified;
    float move_conf = 0;
    float alias_conf = 0;
    float hold_conf = 0;
    Direction cause = Direction::kUnspecified;
    float cause_conf = 0;
    Direction revise = Direction::kUnspecified;
    float revise_conf = 0;
    std::string currency;      // ISO code, for currency terms.
    std::string default_unit;  // Unit assumed after this currency.
    std::string unit;          // Unit symbol, for unit terms.
  };

  // Index into terms_ of the one-word key with vocabulary id `id`, or -1.
  int FindId(uint32_t id) const {
    return id < term_of_id_.size() ? term_of_id_[id] : -1;
  }
  // The same for a word given as a string (a part of "mcx-gold", a unit).
  int Find(std::string_view word) const {
    return FindId(vocabulary_->Find(word));
  }
  // The key that extends key `term` by the word with id `id` ("spot" +
  // "gold"), or -1.
  int Extend(int term, uint32_t id) const {
    auto it = extend_.find(uint64_t{static_cast<uint32_t>(term)} << 32 | id);
    return it == extend_.end() ? -1 : static_cast<int>(it->second);
  }
  // False when `text` cannot name gold: no token is the first word of a
  // strong alias, and no compound token holds one of needles_.
  bool MayNameGold(const AnalyzedText& text) const;

  std::vector<Term> terms_;
  // The keys (a token, or tokens joined by single spaces; every proper
  // prefix of a phrase is a key too) by vocabulary id: one-word keys in
  // term_of_id_ (-1: none), longer ones as a trie over their words.
  std::vector<int32_t> term_of_id_;
  absl::flat_hash_map<uint64_t, uint32_t> extend_;
  std::shared_ptr<const Vocabulary> vocabulary_;
  uint64_t vocabulary_digest_ = 0;
  std::vector<std::string> needles_;  // Substrings every strong alias has.
  // By id: the first word of a strong alias (bytes, not bits: one load per
  // token in MayNameGold).
  std::vector<uint8_t> strong_first_;
  // The ids of the last words of the aliases (MarkHits).
  std::vector<uint32_t> alias_words_;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_GOLD_H_
