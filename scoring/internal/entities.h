// Copyright 2026 The Tidings Authors.
//
// entities.h: countries (names, demonyms, capitals used for governments),
// leaders, central banks and institutions, blocs and commodities, found by
// alias from "entities.tsv" (its header comment explains the columns and the
// case rules).
//
// Also home of `PhraseIndex`, the longest-match phrase table that the entity
// model and the event detectors (events.h) share: phrases are tokenised with
// the same `TextAnalyzer` as the text, so "U.S.", "People's Bank of China" or
// "anti-dumping" match exactly as the text is tokenised.
//
// Thread-safety: both classes are immutable after Create() and their const
// methods may be called concurrently. Matching allocates nothing.

#ifndef TIDINGS_SCORING_INTERNAL_ENTITIES_H_
#define TIDINGS_SCORING_INTERNAL_ENTITIES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

// A table of phrases (sequences of tokens), each with a payload, matched at a
// token position of an analysed text; one hash lookup per position.
//
// Case rules are read off how a phrase token is written: lower case matches
// any case; a Capitalised token must be capitalised in the text; an ALL-CAPS
// token of two or more letters must be written in capitals ("US" vs "us").
class PhraseIndex {
 public:
  // Tokenises `phrase` with `analyzer` and adds it with `payload`.
  // INVALID_ARGUMENT when `phrase` has no tokens.
  absl::Status Add(const TextAnalyzer& analyzer, std::string_view phrase,
                   uint32_t payload);

  // Calls `fn(payload, num_tokens)` for every phrase that matches at token
  // `i` of `text` within its sentence, longest first; stops early when `fn`
  // returns false.
  template <typename Fn>
  void ForEachMatch(const AnalyzedText& text, uint32_t i, Fn fn) const;

  // Calls `fn(payload)` for every one-token phrase equal to `word` (a part of
  // a hyphenated compound: `lower` lower-cased, `raw` as written). With
  // `relax_case` the case rules are ignored.
  template <typename Fn>
  void ForEachWordMatch(std::string_view lower, std::string_view raw,
                        bool relax_case, Fn fn) const;

  size_t size() const { return phrases_.size(); }

 private:
  enum class CaseRule : uint8_t { kAny, kCapitalized, kAllCaps };
  struct Phrase {
    uint32_t first_word = 0;  // Index into words_.
    uint32_t num_words = 0;
    uint32_t payload = 0;
  };
  struct Word {
    std::string lower;
    CaseRule rule = CaseRule::kAny;
  };
  static bool CaseOk(CaseRule rule, std::string_view raw);
  // Pre-filter: most words of a text start no phrase and are rejected
  // here, by a few bit tests, without hashing the string. Two bit sets over
  // a cheap signature of words: one of one-word phrases, one of the first
  // two words of longer phrases (so that "the" is looked up only before
  // "West" or "Pentagon", not before every noun).
  static constexpr int kFilterBits = 16;
  static uint32_t Signature(std::string_view lower) {
    const size_t n = lower.size();
    if (n == 0) return 0;
    const auto b = [&](size_t i) {
      return static_cast<uint32_t>(static_cast<uint8_t>(lower[i]));
    };
    uint32_t h = b(0) | (b(n > 1 ? 1 : 0) << 8) | (b(n - 1) << 16);
    h ^= static_cast<uint32_t>(n) << 24;
    return h * 0x9E3779B1u;
  }
  static uint32_t Bit(uint32_t h) { return h >> (32 - kFilterBits); }
  static uint32_t PairBit(uint32_t h0, uint32_t h1) {
    return Bit((h0 ^ (h1 * 0x85EBCA6Bu)) * 0xC2B2AE35u);
  }
  static bool Test(const std::vector<uint64_t>& set, uint32_t bit) {
    return (set[bit >> 6] >> (bit & 63)) & 1;
  }
  static void Set(std::vector<uint64_t>* set, uint32_t bit) {
    (*set)[bit >> 6] |= uint64_t{1} << (bit & 63);
  }
  bool MayMatch(const AnalyzedText& text, uint32_t i) const {
    const uint32_t h0 = Signature(text.norm(i));
    if (Test(single_, Bit(h0))) return true;
    return i + 1 < text.tokens.size() &&
           Test(pairs_, PairBit(h0, Signature(text.norm(i + 1))));
  }

  std::vector<uint64_t> single_ =
      std::vector<uint64_t>((1u << kFilterBits) / 64);
  std::vector<uint64_t> pairs_ =
      std::vector<uint64_t>((1u << kFilterBits) / 64);

  std::vector<Word> words_;
  std::vector<Phrase> phrases_;
  // First word (lower case) -> phrases starting with it, longest first.
  absl::flat_hash_map<std::string, std::vector<uint32_t>> by_first_;
};

struct EntityMention {
  uint32_t entity = 0;       // Index into the model's table (see info()).
  uint32_t first_token = 0;  // Tokens [first_token, end_token) of the alias.
  uint32_t end_token = 0;
};

struct EntityInfo {
  std::string id;    // "country:US"
  std::string name;  // "United States"
  EntityKind kind = EntityKind::kCountry;
  std::string country;  // For people and institutions.
};

class EntityModel {
 public:
  // Builds the model from "entities.tsv". INVALID_ARGUMENT (file:line) for a
  // malformed row, an unknown id prefix, a duplicate id or a `country` that
  // names no country or bloc in the file.
  static absl::StatusOr<EntityModel> Create(const LexiconSet& lexicons);

  // Appends the entity mentions in `text`, in token order, to `mentions`.
  // Longest alias wins; blocking aliases ("Fed Cup") suppress the aliases
  // they contain. The parts of a hyphenated compound ("US-China",
  // "Iraq-Iran") are mentions of their own.
  void Find(const AnalyzedText& text,
            std::vector<EntityMention>* mentions) const;

  // One `Entity` per distinct entity mentioned, with mention counts, most
  // mentioned first (ties: first mentioned first).
  std::vector<Entity> Summarize(
      const std::vector<EntityMention>& mentions) const;

  const EntityInfo& info(uint32_t entity) const { return table_[entity]; }
  size_t size() const { return table_.size(); }

  // The country or bloc (an index into the table) that `entity` stands for
  // as a party to trade measures, sanctions or conflicts: itself for a
  // country or bloc, the country a person acts for, and -1 for institutions
  // (central banks and international bodies act in markets or arbitrate,
  // they are not parties) and commodities.
  int32_t ActorOf(uint32_t entity) const { return actor_[entity]; }

 private:
  static constexpr uint32_t kBlocked = UINT32_MAX;
  std::vector<EntityInfo> table_;
  std::vector<int32_t> actor_;
  PhraseIndex aliases_;
};

// ---------------------------------------------------------------------------
// Implementation details.

template <typename Fn>
void PhraseIndex::ForEachMatch(const AnalyzedText& text, uint32_t i,
                               Fn fn) const {
  if (!MayMatch(text, i)) return;
  auto it = by_first_.find(AsAbsl(text.norm(i)));
  if (it == by_first_.end()) return;
  const uint32_t sentence = text.tokens[i].sentence;
  const size_t n = text.tokens.size();
  for (uint32_t p : it->second) {
    const Phrase& ph = phrases_[p];
    if (i + ph.num_words > n) continue;
    bool ok = CaseOk(words_[ph.first_word].rule, text.raw(i));
    for (uint32_t k = 1; ok && k < ph.num_words; ++k) {
      const uint32_t t = i + k;
      const Word& w = words_[ph.first_word + k];
      ok = text.tokens[t].sentence == sentence && text.norm(t) == w.lower &&
           CaseOk(w.rule, text.raw(t));
    }
    if (ok && !fn(ph.payload, ph.num_words)) return;
  }
}

template <typename Fn>
void PhraseIndex::ForEachWordMatch(std::string_view lower, std::string_view raw,
                                   bool relax_case, Fn fn) const {
  if (!Test(single_, Bit(Signature(lower)))) return;
  auto it = by_first_.find(AsAbsl(lower));
  if (it == by_first_.end()) return;
  for (uint32_t p : it->second) {
    const Phrase& ph = phrases_[p];
    if (ph.num_words != 1) continue;
    if (!relax_case && !CaseOk(words_[ph.first_word].rule, raw)) continue;
    if (!fn(ph.payload)) return;
  }
}

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_ENTITIES_H_
