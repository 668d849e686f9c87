// Copyright 2026 The Tidings Authors.
//
// entity_sentiment.h: the sentiment toward each entity of a document, from
// the sentences and clauses that mention it.
//
// The sentence model (sentiment.h) scores each term of a sentence; here the
// terms are given to the entities of the clauses they stand in. Clauses are
// split at the words and marks of "entity_sentiment.tsv" (";", ":", "as",
// "while", "but", "after", ", and", the headline dash, ...). Within a
// sentence that mentions an entity:
//   1. The entity takes the terms of the clauses that mention it: "nickel
//      jumps as Acme Mining halts its largest mine" is positive for nickel
//      (jumps) and negative for Acme Mining (halts); "Gold shines on
//      seasonal demand; Silver dull" gold +, silver -.
//   2. Roles, where they are reliable. A regulator or court that acts on a
//      party ("Sebi bars Acme", "Court asks Acme to pay") is a counterparty:
//      neutral from that clause, while the party after the verb takes the
//      clause's terms and the verb's own value (bars -). So is an investor
//      buying into a company that is named after the verb ("Acme buys Beta
//      Corp shares": Beta +, Acme neutral). A clause after the sentence's
//      last ":" that carries no sentiment and is short names the source of
//      a view ("...: Ajay Kumar, Acme Securities"): its entities are neutral.
//   3. An entity whose clauses carry no term takes the terms of the
//      clauses that name no entity at all: "Infosys: will the strong volume
//      growth last?" gives Infosys the second clause.
// The entity's raw score in the sentence is squashed into [-1, 1] as the
// sentence model squashes a sentence's; over the document its score is the
// weighted mean of its sentences' scores (title sentences weigh more, those
// without sentiment for it less), as the document's own score is. So an
// entity that carries every term of a one-sentence text gets the text's
// score. The proportions are over the sentences that mention it; the label
// uses the sentence model's neutral band. Evidence: the clauses that
// scored (byte offsets into the text) with their terms, strongest first.
// An entity with no sentiment-bearing clause is neutral with score 0.
//
// Cost: only sentences that mention an entity are looked at; their terms
// are those the sentence model kept (SentimentModel::ScoredTerms), and only
// those with a term, or naming two entities, are cut into clauses. Evidence
// becomes strings only for the clauses kept.
//
// Thread-safety: immutable after Create(); Score() is const and may be
// called concurrently with separate scratch.

#ifndef TIDINGS_SCORING_INTERNAL_ENTITY_SENTIMENT_H_
#define TIDINGS_SCORING_INTERNAL_ENTITY_SENTIMENT_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "scoring/internal/companies.h"
#include "scoring/internal/entities.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/recycle.h"
#include "scoring/internal/sentiment.h"
#include "scoring/internal/text.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

class EntitySentimentModel {
 public:
  // Builds the model from "entity_sentiment.tsv" with the scorer's
  // analyzer. INVALID_ARGUMENT (file:line) for a malformed row, an unknown
  // kind or parameter.
  static absl::StatusOr<EntitySentimentModel> Create(
      const LexiconSet& lexicons, const TextAnalyzer& analyzer);

  // Score()'s working memory; one per thread, reused across documents.
  struct Scratch {
    struct Sum {            // One entity's sentences so far.
      double weighted = 0;  // Sum of weight x score.
      double weights = 0;
      uint32_t sentences = 0, positive = 0, negative = 0;
    };
    // Evidence for an entity, with its sentence's score: bytes [begin,
    // end) of the text and the terms spans[first_span, end_span). Only the
    // evidence kept becomes strings.
    struct Candidate {
      uint32_t entity = 0;
      double score = 0;
      double weight = 0;
      uint32_t begin = 0, end = 0;
      uint32_t first_span = 0, end_span = 0;
    };
    // The current sentence's terms (a sentence has a few).
    static constexpr size_t kMaxTerms = 64;
    SentimentModel::ScoredTerm terms[kMaxTerms];
    absl::InlinedVector<Sum, 16> sums;  // By entity.
    absl::InlinedVector<Candidate, 8> candidates;
    // The terms of the candidates, as tokens [first, last).
    absl::InlinedVector<std::pair<uint32_t, uint32_t>, 32> spans;
    // Where the evidence's parts come from (null: new ones).
    Recycler* recycler = nullptr;
  };

  // Sets the sentiment of each of `entities` from the sentences of `text`
  // that mention it. `mentions` are all their mentions in token order
  // (ListEntities); `body_begin` is where the body starts in `text.text`;
  // `sentiment` is the sentence model and `sentiment_scratch` the working
  // memory of its Score() call on `text`, which must come first (its terms
  // are read from there, not matched again).
  void Score(const AnalyzedText& text, uint32_t body_begin,
             const SentimentModel& sentiment, const DocumentMentions& mentions,
             std::vector<Entity>* entities,
             SentimentModel::Scratch* sentiment_scratch,
             Scratch* scratch) const;

 private:
  enum class Kind : uint8_t {
    kClause,
    kComma,
    kDash,
    kRefer,
    kActsOn,
    kDealsIn
  };
  struct Rule {
    Kind kind = Kind::kClause;
    float value = 0;
  };
  struct Params {
    float squash = 1;
    float title_weight = 2;
    float neutral_sentence_weight = 0.25;
    int max_evidence = 1;
    int source_tokens = 6;
  };
  // One sentence cut into clauses (defined in the .cc file).
  struct Clauses;
  // Scores the entities mentioned in one sentence, mentions [m, m_end), and
  // adds the result to `scratch`; `band` is the neutral band.
  void ScoreSentence(const AnalyzedText& text, uint32_t body_begin,
                     const SentimentModel& sentiment, double band,
                     const DocumentMention* m, const DocumentMention* m_end,
                     SentimentModel::Scratch* sentiment_scratch,
                     Scratch* scratch) const;
  // Cuts sentence `s` into clauses and finds its role verbs.
  void Split(const AnalyzedText& text, const Sentence& s,
             Clauses* clauses) const;
  // Places the mentions [m, m_end) (of the `num_local` entities `local`)
  // and the terms in their clauses, and applies the roles.
  void Assign(const AnalyzedText& text, const DocumentMention* m,
              const DocumentMention* m_end, const uint32_t* local,
              int num_local, absl::Span<const SentimentModel::ScoredTerm> terms,
              Clauses* clauses) const;

  // What a word (by vocabulary id) starts.
  struct WordRoles {
    int16_t rule = -1;           // A one-word term: index into rules_.
    bool starts_phrase = false;  // A longer one: see phrases_.
  };
  std::vector<WordRoles> roles_;
  PhraseIndex phrases_;  // Terms of two or more words; payload: rules_.
  std::vector<Rule> rules_;
  Params params_;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_ENTITY_SENTIMENT_H_
