// Copyright 2026 The Tidings Authors.
//
// sentiment.h: finance-aware lexicon sentiment, per sentence then per
// document, "from the point of view of an investor": would the news move the
// company's (or the asset's) price up or down.
//
// The model is built from two lexicon files (see their header comments):
//   sentiment.tsv          rules: function words (negators, contrast,
//                          comparison and linking words, number units) and
//                          the numeric parameters of the rules;
//   sentiment_terms.tsv    finance terms: metrics with their polarity,
//                          change words with their direction, polar words,
//                          intensifiers and downtoners, analyst ratings and
//                          the words that end bad news.
// scoring/lexicons/README.md says how a term earns its place.
//
// Rules, within a sentence:
//   1. Terms are matched longest-first (multi-word phrases before words; an
//      unknown hyphenated word may start a phrase with its last part, "6-month
//      lows"). A capitalised metric inside a name ("Neste Oil") is ignored,
//      unless it is an acronym ("Group EPS beats"). Markup (links, cashtags,
//      hashtags, @mentions: Token::markup) matches nothing. A signed
//      percentage ("+4.2%") is a change with a figure.
//   2. A negator ("not", "no", "n't", "without", "failed to") flips the next
//      sentiment-bearing term within a few tokens; a reversal ("settles",
//      "ends", "fade") flips the bad term next to it ("settles lawsuit",
//      "fears fade"); an intensifier or a downtoner scales the nearest one
//      ("rose sharply", "slightly lower"). A polar intensifier ("record")
//      spends its own polarity on what it intensifies ("record loss" -) and
//      takes the side of a metric right after it ("record debt" -).
//   3. Contrast: before "but"/"however" weighs less; so does the clause led
//      by "although"/"despite", or by "after"/"as"/"amid" (the background of
//      the news: "shares rose 2 % after losing 7 % last month"). A question
//      ("Will the rally last?") weighs less.
//   4. Direction of change x polarity of what changed: a change word ("rose",
//      "narrowed", "increase", "higher") is paired with a metric ("profit" +,
//      "loss" -) right before it ("net loss narrowed"), right after it ("cut
//      costs", "higher costs"), linked after it ("increase of 5 % in sales")
//      or further before it ("profit was EUR 5 mn, up 4 %"); the product of
//      direction and polarity is the sign. A change word followed by "to" + a
//      metric scores the destination ("swung to a loss" -, "turned to a
//      profit" +); to a rating, the direction ("cut to Hold" -). A change
//      with no metric counts its own weight if the lexicon gives one
//      ("Acme soars"; not before a plain noun it modifies: "high quality"),
//      else a little when a figure follows ("fell 5 %") or a name precedes
//      ("Infosys slips"), and hardly at all otherwise ("the expansion").
//      A change against a benchmark ("beats", "misses" estimates) takes
//      only the sign of its metric: "EPS beats, misses on revenue" is mixed.
//   5. Ratings: an analyst's rating that no change reached counts its value
//      when a cue precedes it ("starts at Buy", "is a sell") or it opens the
//      sentence ("Buy Infosys: expert"); elsewhere "buy" is a plain verb.
//   6. Numeric comparison: "<metric> was EUR 1.6 mn compared to EUR 5.9 mn"
//      is scored from the two values; a loss compared to a profit went down.
// The rules run in this order, one function each (sentiment_sentence.cc).
// A sentence's raw score (the sum of its terms' contributions) is squashed
// into [-1, 1]. Sentences split at a period glued to a number ("EUR193 .3 m",
// pre-tokenised text) are scored as one. The document score is the weighted
// mean of its sentences' scores (title sentences weigh more, sentences
// without sentiment less); the label is POSITIVE / NEGATIVE outside a neutral
// band, and positive/negative/neutral are the proportions of sentences
// outside/inside that band.
//
// Thread-safety: immutable after Create(); Score() is const and may be called
// concurrently. Score() allocates only per document (a few small buffers and
// the evidence), not per token.

#ifndef TIDINGS_SCORING_INTERNAL_SENTIMENT_H_
#define TIDINGS_SCORING_INTERNAL_SENTIMENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/recycle.h"
#include "scoring/internal/text.h"
#include "scoring/internal/vocabulary.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

class SentimentModel {
 public:
  // Builds the model from "sentiment.tsv" and "sentiment_terms.tsv".
  // INVALID_ARGUMENT names the file and line of a malformed row (unknown
  // kind, bad number, unknown parameter); NOT_FOUND for a missing file.
  static absl::StatusOr<SentimentModel> Create(const LexiconSet& lexicons);
  // The same with the scorer's analyzer, which must come from the same
  // lexicons (its vocabulary gives the words their ids); texts scored must
  // be analysed with a TextAnalyzer made from those lexicons too.
  static absl::StatusOr<SentimentModel> Create(const LexiconSet& lexicons,
                                               const TextAnalyzer& analyzer);

  // Scores the analysed document; `body_begin` is where the body starts in
  // `text.text` (the title, before it, weighs more). Evidence offsets
  // point into `text.text`: the sentences that carried the score, strongest
  // first, with the terms matched there.
  Sentiment Score(const AnalyzedText& text, uint32_t body_begin) const;

  // One sentence's score in [-1, 1] (0 when nothing matched), with the terms
  // that contributed appended to `terms` when it is not null. For tests and
  // tuning tools.
  double ScoreSentence(const AnalyzedText& text, uint32_t sentence,
                       std::vector<std::string>* terms) const;

  // The neutral band: a score s is POSITIVE when s > band, NEGATIVE when
  // s < -band.
  double neutral_band() const { return params_.neutral_band; }

  // Sets kHitSentiment for the ids that start a term that may score and
  // kHitSentimentTerm for those that start any term (text.h,
  // TextAnalyzer::SetHits). Score() skips a sentence that holds none of the
  // first, no joined word and no sign; MatchSentence() skips the tokens
  // that start no term, are not joined, no sign and do not end in 't'.
  void MarkHits(std::vector<uint16_t>* hits_of_id) const;

  // What a matched term can do; one word or phrase may play several roles
  // ("growth" is both a metric and a change).
  struct Term {
    float polar = 0;           // Intrinsic sentiment weight ("warning" -1).
    float metric = 0;          // Polarity of the quantity, 0 = not a metric.
    float change = 0;          // Direction of change (+1 up, -1 down).
    bool is_change = false;    // Also true for direction-0 "shift" verbs.
    bool object_only = false;  // A verb whose metric is its object, after it.
    float alone = -1;    // Weight of a change with no metric; -1 = default.
    float scale = 0;     // Intensifier / downtoner factor; 0 = none.
    float unit = 0;      // Number multiplier ("mn" 1e6); 0 = none.
    float rating = 0;    // An analyst rating's value (kRating): buy +1.
    uint16_t flags = 0;  // kFlag* below.
    uint8_t acts = 0;    // kActs* below: the rules that act from this term
                         // (set by Create() from the fields above).
  };
  enum : uint16_t {
    kNegator = 1 << 0,         // Flips the next sentiment term.
    kContrastAfter = 1 << 1,   // "but": what comes before weighs less.
    kContrastClause = 1 << 2,  // "although": its own clause weighs less.
    kCompare = 1 << 3,         // "compared to": numeric comparison marker.
    kLink = 1 << 4,            // "in", "of": "increase in sales".
    kDest = 1 << 5,            // "to", "into": "swung to a loss".
    kNumSign = 1 << 6,         // "negative": flips the sign of a value.
    kBlock = 1 << 7,           // Ends the search for a change's metric.
    kFigure = 1 << 8,          // "percent", "%": a quantity, like a number.
    kDeterminer = 1 << 9,      // "the", "on": "on increased tensions".
    kRating = 1 << 10,         // "buy", "hold": a rating (Term::rating).
    kRatingCue = 1 << 11,      // "at", "as": "starts at Buy" gives its value.
    kReverse = 1 << 12,        // "ends", "settles": flips a bad term near it.
    kBenchmark = 1 << 13,      // "beats", "misses": only the metric's sign.
  };
  // Term::acts: the rules that start from a term (sentiment_sentence.cc,
  // SentenceRules). Each rule visits only the matches with its bit.
  enum : uint8_t {
    kActsNegateOrScale = 1 << 0,  // Rule 2: kNegator, kReverse or a scale.
    kActsContrast = 1 << 1,       // Rule 3: kContrastAfter, kContrastClause.
    kActsChange = 1 << 2,         // Rule 4: is_change.
    kActsRating = 1 << 3,         // Rule 5: kRating.
    kActsCompare = 1 << 4,        // Rule 6: kCompare.
  };
  // Term::acts from the term's other fields.
  static uint8_t ActsOf(const Term& t) {
    return ((t.flags & (kNegator | kReverse)) || t.scale != 0
                ? kActsNegateOrScale
                : 0) |
           (t.flags & (kContrastAfter | kContrastClause) ? kActsContrast : 0) |
           (t.is_change ? kActsChange : 0) |
           (t.flags & kRating ? kActsRating : 0) |
           (t.flags & kCompare ? kActsCompare : 0);
  }

 private:
  struct Phrase {
    std::vector<std::string> rest;   // Words after the first one.
    std::vector<uint32_t> rest_ids;  // Their vocabulary ids.
    Term term;
  };
  struct Entry {
    bool has_single = false;
    Term single;
    std::vector<Phrase> phrases;  // Longest first.
    // Bit (id % 64) of each phrase's second word: most words after a
    // common first word start none of its phrases, and are turned away here.
    uint64_t second_words = 0;
    // The single term or a phrase term can score (MayScore below).
    bool may_score = false;
  };
  struct Params {
    int window_back = 15;     // Tokens searched back for a change's metric.
    int window_near = 3;      // A metric this close before wins.
    int window_forward = 4;   // Object after a change: "cut (its) costs".
    int link_window = 8;      // "increase of 5 % in sales".
    int dest_window = 4;      // "swung to a net loss".
    int neg_window = 4;       // Scope of a negator, in tokens.
    int scale_window = 3;     // Scope of an intensifier.
    int compare_window = 10;  // Tokens after "compared to" for the value.
    int compare_back = 20;    // Tokens before "compared to" for the metric.
    float negation_factor = -1;
    float contrast_before = 0.5;
    float contrast_clause = 0.5;
    float default_polarity = 1;  // Polarity of an unknown changed quantity.
    float default_weight = 0.5;  // Weight of a change with no known metric
                                 // but a figure after it ("fell 5 %").
    float bare_weight = 0.2;     // ... and with no figure either.
    int figure_window = 5;       // Tokens after a change searched for a figure.
    float compare_weight = 1;
    float compare_min_rel = 0.001;  // Relative difference to count.
    float squash = 1;               // s = r / sqrt(r^2 + squash).
    float neutral_band = 0.25;
    float question_weight = 1;  // Multiplies a sentence that ends in "?".
    float title_weight = 2;
    float neutral_sentence_weight = 0.25;  // Weight of a 0-score sentence.
  };
  // One matched term in a sentence.
  struct Match {
    uint32_t first = 0;  // Token range [first, last).
    uint32_t last = 0;
    const Term* term = nullptr;
    float mult = 1;  // Negation, intensity, contrast, question, multiplied.
    float contribution = 0;  // Signed share of the sentence's raw score.
    int partner = -1;  // The metric a change or comparison was paired with.
    bool consumed = false;  // A metric used by a change or a comparison,
                            // or a polar intensifier that intensified.
    bool negated = false;
    bool scaled = false;
  };
  // A sentence with a non-zero score, and its matches (in Scratch::kept).
  struct Scored {
    double score;
    double weight;
    uint32_t sentence;
    uint32_t first_match, end_match;
  };

  // Whether a term can give a sentence a non-zero score: only polar, change,
  // comparison and rating terms contribute (ScoreMatches).
  static bool MayScore(const Term& t) {
    return t.polar != 0 || t.is_change || (t.flags & (kCompare | kRating));
  }
  // False when sentence `s` cannot score: none of its tokens starts a term
  // that may score (nor is an unknown hyphenated word, whose last part
  // could, nor a signed percentage). Most sentences are turned away here,
  // one look per token.
  bool MayScoreSentence(const AnalyzedText& text, const Sentence& s) const;
  // Appends the terms matched in sentence `s`, longest first (rule 1).
  void MatchSentence(const AnalyzedText& text, const Sentence& s,
                     std::vector<Match>* matches) const;
  // Rule 1's pieces (sentiment_sentence.cc): its exception for names; the
  // match at token i, whose entry is `e` (the longest of e's phrases that
  // the sentence holds from i, else e's single word unless only the last
  // part of a hyphenated word matched: `suffix_only`), appended, and its
  // length in tokens returned (0 for none); that longest phrase, or null.
  class NameCheck;
  uint32_t MatchEntry(const AnalyzedText& text, const Sentence& s,
                      const Entry& e, uint32_t i, bool suffix_only,
                      NameCheck& in_name, std::vector<Match>* matches) const;
  static const Phrase* LongestPhrase(const AnalyzedText& text,
                                     const Sentence& s, const Entry& e,
                                     uint32_t i);
  // Appends the terms of the `n` matches at `m` (one sentence's, after
  // ScoreMatches) that contributed, each with its partner.
  // `recycler` (may be null) gives the strings.
  static void AppendTerms(const AnalyzedText& text, const Match* m, size_t n,
                          std::vector<std::string>* terms,
                          Recycler* recycler = nullptr);
  // The rules, one function each (sentiment_sentence.cc).
  class SentenceRules;
  // Applies the rules to the matches of sentence `s` and returns its raw
  // score; fills in each match's contribution. `token_match` and `acting`
  // are scratch.
  double ScoreMatches(const AnalyzedText& text, const Sentence& s,
                      std::vector<Match>* matches,
                      std::vector<int>* token_match,
                      std::vector<uint32_t>* acting) const;
  // Adds one lexicon row; `seen` maps "role<TAB>term" to the "file:line"
  // that defined it, to reject a term given the same role twice.
  static absl::Status AddRow(
      std::string_view file, const LexiconRow& row,
      absl::flat_hash_map<std::string, std::string>* seen,
      SentimentModel* model);
  // AddRow for a "param NAME VALUE" row: sets that parameter.
  static absl::Status SetParam(std::string_view file, const LexiconRow& row,
                               Params* params);
  // AddRow for any other row, "KIND TERM[|TERM...] [VALUE [VALUE]]": gives
  // each term (a word or a phrase) the role of KIND.
  static absl::Status AddTermRow(
      std::string_view file, const LexiconRow& row,
      absl::flat_hash_map<std::string, std::string>* seen,
      SentimentModel* model);

  // The entry for a (lower-cased) word, or null: by the token's vocabulary
  // id, or (for a part of a word) by the string.
  const Entry* FindId(uint32_t id) const {
    const int32_t e = id < entry_of_id_.size() ? entry_of_id_[id] : -1;
    return e < 0 ? nullptr : &entries_[e];
  }
  const Entry* Find(std::string_view word) const {
    return FindId(vocabulary_->Find(word));
  }

  // Built by AddRow: first word -> entry; then moved into entries_, indexed
  // by the first word's vocabulary id through entry_of_id_ (-1: none).
  absl::flat_hash_map<std::string, Entry> terms_;
  std::vector<Entry> entries_;
  std::vector<int32_t> entry_of_id_;
  // By vocabulary id: kNoEntry, kEntry, or kScoringEntry (Entry::may_score),
  // so that MayScoreSentence reads one small table, not the entries.
  static constexpr uint8_t kNoEntry = 0, kEntry = 1, kScoringEntry = 2;
  std::vector<uint8_t> entry_kind_of_id_;
  std::shared_ptr<const Vocabulary> vocabulary_;
  uint64_t vocabulary_digest_ = 0;

 public:
  // Score()'s working memory. A caller that scores many texts on one thread
  // may keep one and pass it to every call, so that its buffers are reused;
  // Score() without it makes its own. One per thread.
  struct Scratch {
    std::vector<Match> matches;    // The current sentence's.
    std::vector<int> token_match;  // ScoreMatches: token -> match.
    std::vector<uint32_t> acting;  // ScoreMatches: the matches with acts.
    std::vector<Scored> scored;    // In sentence order.
    // The matches of the sentences with a score, kept for the evidence
    // terms (instead of matching the evidence sentences a second time).
    std::vector<Match> kept;
    // Where the evidence's parts come from (null: new ones).
    Recycler* recycler = nullptr;
  };
  // Score() into `*out`, which must be as Sentiment() but for its evidence:
  // what that holds (an earlier result's, from ReuseDocument) is replaced,
  // reused in place (RefillEvidence, with `scratch->recycler`).
  void Score(const AnalyzedText& text, uint32_t body_begin, Scratch* scratch,
             Sentiment* out) const;
  Params params_;
  Term suffix_negator_;  // What a word ending in "n't" ("didn't") is.
  // What a signed percentage ("+4.2%", "-3%") is: a change with a figure.
  Term signed_rise_, signed_fall_;

 private:
  // Score()'s last step: the document's evidence, from the scored sentences
  // in `scratch`: those that pushed the score its way (for a neutral
  // document: either way), strongest first, at most three.
  static void AddEvidence(const AnalyzedText& text, const Scratch& scratch,
                          Sentiment* doc);

 public:
  // A term that contributed to a sentence's raw score (the score before it
  // is squashed into [-1, 1]): tokens [first, last), the metric it was
  // paired with (tokens [partner_first, partner_last), empty when none) and
  // its signed contribution. (No initialisers: ScoredTerms() sets every
  // field, and the array of them in EntitySentimentModel::Scratch is then
  // not zeroed, 1.3 KB, for every scratch made.)
  struct ScoredTerm {
    uint32_t first;
    uint32_t last;
    uint32_t partner_first;
    uint32_t partner_last;
    float contribution;
  };
  // Writes to `out` (at most `capacity` of them) and counts, in text
  // order, the terms with a non-zero contribution in the sentence that
  // starts at index `sentence`, as the last Score() call with `scratch`
  // scored them. Their contributions sum to the sentence's raw score.
  // Score() kept the terms of each sentence with a non-zero score; a
  // sentence that scored 0 has none, unless `rematch_zero`: then it is
  // matched again, for terms that cancel out. REQUIRES: `scratch` holds
  // Score(text, ...)'s result (this call leaves it so).
  size_t ScoredTerms(const AnalyzedText& text, uint32_t sentence,
                     bool rematch_zero, Scratch* scratch, ScoredTerm* out,
                     size_t capacity) const;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_SENTIMENT_H_
