// Copyright 2026 The Tidings Authors.
//
// entities.h: countries (names, demonyms, capitals used for governments),
// leaders, central banks and institutions, blocs, commodities, stock
// markets and currencies, found by alias from "entities.tsv" (its header
// comment explains the columns and the case rules). Companies, which no
// list names, are in companies.h.
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

#include <cassert>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/text.h"
#include "scoring/internal/vocabulary.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

// A table of phrases (sequences of tokens), each with a payload, matched at a
// token position of an analysed text by the tokens' vocabulary ids (no
// hashing at match time: one array load turns away a token that starts no
// phrase).
//
// Case rules are read off how a phrase token is written: lower case matches
// any case; a Capitalised token must be capitalised in the text; an ALL-CAPS
// token of two or more letters must be written in capitals ("US" vs "us").
class PhraseIndex {
 public:
  // Tokenises `phrase` with `analyzer` and adds it with `payload`.
  // INVALID_ARGUMENT when `phrase` has no tokens. All phrases of an index
  // must be added with analyzers of the same vocabulary (made from the same
  // lexicons), and texts matched must be analysed with one too.
  absl::Status Add(const TextAnalyzer& analyzer, std::string_view phrase,
                   uint32_t payload);

  // The longest phrase that matches at token `i` of `text` within its
  // sentence (the first added among equally long ones): its payload and
  // length in tokens; length 0 when none matches.
  struct Match {
    uint32_t payload = 0;
    uint32_t num_tokens = 0;
  };
  Match LongestMatch(const AnalyzedText& text, uint32_t i) const;

  // The first added one-token phrase equal to `word` (a part of a
  // hyphenated compound: `lower` lower-cased, `raw` as written): sets
  // *payload and returns true, or returns false. With `relax_case` the case
  // rules are ignored.
  bool WordMatch(std::string_view lower, std::string_view raw, bool relax_case,
                 uint32_t* payload) const;

  size_t size() const { return phrases_.size(); }

  // Sets `bit` in (*hits_of_id)[id] for every vocabulary id that starts a
  // phrase (where LongestMatch() may match).
  void MarkStarts(uint16_t bit, std::vector<uint16_t>* hits_of_id) const;
  // Sets `bit` for one word of each phrase, its key word: a sentence that
  // holds a phrase holds its key word. The longest word of the phrase (the
  // first of equally long ones): "attack", not "on", in "on the attack".
  void MarkKeyWords(uint16_t bit, std::vector<uint16_t>* hits_of_id) const;

 private:
  enum class CaseRule : uint8_t { kAny, kCapitalized, kAllCaps };
  struct Phrase {
    uint32_t first_word = 0;  // Index into words_.
    uint32_t num_words = 0;
    uint32_t payload = 0;
    uint32_t key_word = 0;  // Index into words_ (MarkKeyWords).
  };
  struct Word {
    uint32_t id = 0;  // Vocabulary id of the lower-cased word.
    CaseRule rule = CaseRule::kAny;
  };
  static bool CaseOk(CaseRule rule, std::string_view raw);
  // The phrases that start with one word.
  struct List {
    std::vector<uint32_t> phrases;  // Indexes into phrases_, longest first.
    uint32_t first_single = 0;      // Where the one-word phrases start.
    // Bit (id % 64) of the second word of each longer phrase: a common
    // first word ("the") is turned away from its longer phrases by the word
    // after it, not by trying each.
    uint64_t second_words = 0;
  };
  // LongestMatch() among the phrases of `list` (those starting with the
  // word at token i).
  Match LongestMatchIn(const List& list, const AnalyzedText& text,
                       uint32_t i) const;
  // The phrases starting with the word of vocabulary id `id`, or null. Most
  // words start no phrase: one load.
  const List* StartingWith(uint32_t id) const {
    const int32_t list = id < list_of_id_.size() ? list_of_id_[id] : -1;
    return list < 0 ? nullptr : &lists_[list];
  }

  std::vector<Word> words_;
  std::vector<Phrase> phrases_;
  std::vector<int32_t> list_of_id_;  // First word's id -> index into lists_.
  std::vector<List> lists_;
  std::shared_ptr<const Vocabulary> vocabulary_;  // For WordMatch().
  uint64_t vocabulary_digest_ = 0;
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
  // The same with the scorer's analyzer (made from the same lexicons; see
  // SentimentModel::Create).
  static absl::StatusOr<EntityModel> Create(const LexiconSet& lexicons,
                                            const TextAnalyzer& analyzer);

  // Appends the entity mentions in `text`, in token order, to `mentions`.
  // Longest alias wins; blocking aliases ("Fed Cup") suppress the aliases
  // they contain. The parts of a hyphenated compound ("US-China",
  // "Iraq-Iran") are mentions of their own.
  void Find(const AnalyzedText& text,
            std::vector<EntityMention>* mentions) const;

  // One `Entity` per distinct entity mentioned, with mention counts, most
  // mentioned first (ties: first mentioned first). When `positions` is not
  // null, positions[i] is set to the index of mentions[i]'s entity in the
  // result.
  std::vector<Entity> Summarize(absl::Span<const EntityMention> mentions,
                                uint32_t* positions = nullptr) const;
  // Summarize() without the strings: the entities in the order it lists
  // them, each with its mention count, into `*ranked` (replaced).
  // Fill() makes one an Entity.
  struct Ranked {
    uint32_t entity = 0;
    uint32_t mentions = 0;
  };
  using RankedList = absl::InlinedVector<Ranked, 16>;
  void Rank(absl::Span<const EntityMention> mentions, uint32_t* positions,
            RankedList* ranked) const;
  // Sets the fields of `*e` (new) to those of `r`.
  void Fill(const Ranked& r, Entity* e) const {
    const EntityInfo& info = table_[r.entity];
    e->id = info.id;
    e->name = info.name;
    e->kind = info.kind;
    e->country = info.country;
    e->mentions = r.mentions;
  }

  // Sets kHitEntity for the key word of each alias and kHitEntityStart for
  // its first word (TextAnalyzer::SetHits). Find() skips a sentence that
  // holds no key word and no joined word, and the tokens that start no
  // alias and are not joined.
  void MarkHits(std::vector<uint16_t>* hits_of_id) const {
    aliases_.MarkKeyWords(kHitEntity, hits_of_id);
    aliases_.MarkStarts(kHitEntityStart, hits_of_id);
  }

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
  // Find() in sentence `s`.
  void FindIn(const AnalyzedText& text, const Sentence& s,
              std::vector<EntityMention>* mentions) const;
  std::vector<EntityInfo> table_;
  std::vector<int32_t> actor_;
  PhraseIndex aliases_;
};

// ---------------------------------------------------------------------------
// Implementation details.

inline PhraseIndex::Match PhraseIndex::LongestMatch(const AnalyzedText& text,
                                                    uint32_t i) const {
  assert(vocabulary_ == nullptr ||
         text.vocabulary_digest == vocabulary_digest_);
  // Inline: the test that turns most tokens away. The rest is out of line.
  const List* list = StartingWith(text.tokens[i].id);
  if (list == nullptr) return {};
  return LongestMatchIn(*list, text, i);
}

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_ENTITIES_H_
