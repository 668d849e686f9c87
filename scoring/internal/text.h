// Copyright 2026 The Tidings Authors.
//
// text.h: sentence splitting and tokenisation that survive finance text
// ("U.S.", "Dec.", "a.m.", "$3,364.43", "0.6%", "EUR131m", "3-1/2", tickers
// such as "<LLY>" and Reuters codes such as "AAPL.O"), and social-media
// markup (links, cashtags, hashtags, @mentions: see Token::markup).
//
// One pass over the bytes, then one over the tokens that hashes each one
// once and looks it up in the vocabulary of all lexicons (Token::id), which
// every stage then uses instead of hashing strings again. An `AnalyzedText`
// is reused across documents so that steady-state analysis allocates
// nothing.

#ifndef TIDINGS_SCORING_INTERNAL_TEXT_H_
#define TIDINGS_SCORING_INTERNAL_TEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/vocabulary.h"

namespace tidings::scoring::internal {

enum class TokenKind : uint8_t {
  kWord,    // Letters, possibly with inner '.', '-', '\'', digits: "U.S.",
            // "EUR131m".
  kNumber,  // Starts with a digit: "3,364.43", "0.6", "3-1/2", "2025".
  kSymbol,  // One punctuation or symbol character: "$", "%", ",", "(".
};

// Which stages may find something at a token, in a sentence or in a text
// (Token::hits, Sentence::hits, AnalyzedText::hits): bit k is set where the
// stage that owns it (below) may match. A stage skips a sentence (or a
// token) whose hits lack every bit it needs, so the bits must be a superset
// of what the stage can match there. The stages set their bits for the
// vocabulary ids that start one of their matches (TextAnalyzer::SetHits);
// the analyser adds kHitJoined, kHitSign and kHitEndsInT, which no id
// tells. An analyser that was given no table sets every bit: nothing is
// skipped.
//
// kHitEntity and kHitTrigger mark one word of each phrase, its key word
// (PhraseIndex::MarkKeyWords: "attack" of "on the attack"), not the first:
// a sentence without the bit holds none of those phrases, but a token with
// it need not start one. They are for skipping sentences; kHitEntityStart
// and kHitTriggerStart, the first words, for skipping tokens.
enum HitBit : uint16_t {
  kHitSentiment = 1 << 0,      // A sentiment term that may score starts here.
  kHitEntity = 1 << 1,         // The key word of an entity alias.
  kHitTrigger = 1 << 2,        // The key word of an event trigger or block.
  kHitCue = 1 << 3,            // An event cue (or action, block) starts here.
  kHitGold = 1 << 4,           // A strong gold alias starts here.
  kHitJoined = 1 << 5,         // A word or number holding '-' or '/' (whose
                               // parts may be lexicon words: Token::joined).
  kHitSign = 1 << 6,           // A one-byte "+" or "-" ("+4.2%").
  kHitEntityStart = 1 << 7,    // An entity alias starts here.
  kHitTriggerStart = 1 << 8,   // An event trigger or block starts here.
  kHitSentimentTerm = 1 << 9,  // Any sentiment term starts here (one that
                               // may score or not: "not", "the", "of").
  kHitEndsInT = 1 << 10,       // A token whose last byte is 't' ("didn't").
  kHitGoldAlias = 1 << 11,     // The last word of a gold alias, strong or
                               // topic ("gold", "metal" of "the metal").
};
inline constexpr uint16_t kAllHits = 0xFFFF;

struct Token {
  uint32_t begin = 0;  // Byte offsets into the analysed text.
  uint32_t end = 0;
  TokenKind kind = TokenKind::kWord;
  bool capitalized = false;  // First byte is an ASCII upper-case letter.
  bool joined = false;    // Holds an inner '-' or '/' ("year-to-date", "3-1/2",
                          // "AUD/USD"); no other token holds either byte.
  bool markup = false;    // Part of a link ("https://t.co/x"), a cashtag
                          // ("$AAPL": both tokens), a hashtag or an @mention:
                          // a pointer, not language. Such tokens are split
                          // as any other text, but never end a sentence.
  uint32_t sentence = 0;  // Index into AnalyzedText::sentences.
  uint32_t id = 0;        // Vocabulary id of norm(), Vocabulary::kNone if no
                          // lexicon names it (vocabulary.h).
  uint16_t hits = 0;      // HitBit: which stages may match from here.
  uint64_t hash = 0;      // Fnv1a64(norm()).
};

struct Sentence {
  uint32_t begin = 0;  // Byte offsets, trimmed of surrounding space.
  uint32_t end = 0;
  uint32_t first_token = 0;  // Tokens [first_token, end_token).
  uint32_t end_token = 0;
  uint16_t hits = 0;  // HitBit: the OR of its tokens' hits.
};

struct AnalyzedText {
  std::string_view text;  // Not owned; must outlive this object's use.
  std::string lower;      // ASCII-lower-cased copy of `text`: same offsets.
  std::vector<Token> tokens;
  std::vector<Sentence> sentences;
  uint16_t hits = 0;  // HitBit: the OR of all tokens' hits.
  // Analyze()'s own: the tokens that may end a sentence ('.', '!', '?' and
  // words ending in '.', as "U.S."), in order. (Here to keep its buffer.)
  std::vector<uint32_t> stops;
  // Vocabulary::digest() of the vocabulary that assigned Token::id. A stage
  // REQUIRES the ids of the vocabulary it was built with: texts analysed by
  // a TextAnalyzer made from the same lexicons.
  uint64_t vocabulary_digest = 0;

  // The lower-cased form of token `i` (a view into `lower`). (Built from
  // the pointer, not with substr(): a token is always inside the text, and
  // the stages call these for most tokens.)
  std::string_view norm(size_t i) const {
    return std::string_view(lower.data() + tokens[i].begin,
                            tokens[i].end - tokens[i].begin);
  }
  // The original form of token `i`.
  std::string_view raw(size_t i) const {
    return std::string_view(text.data() + tokens[i].begin,
                            tokens[i].end - tokens[i].begin);
  }
  // Whether token `i` is the one-character symbol `c` (",", "&", "$").
  bool is_symbol(size_t i, char c) const {
    const Token& t = tokens[i];
    return t.kind == TokenKind::kSymbol && t.end - t.begin == 1 &&
           text[t.begin] == c;
  }
};

class TextAnalyzer {
 public:
  // Reads "abbreviations.txt" (abbreviations that do not end a sentence, and
  // the words that start a new one after a dotted abbreviation: "from the
  // U.S. The deal"). INVALID_ARGUMENT (file:line) for a malformed row.
  static absl::StatusOr<TextAnalyzer> Create(const LexiconSet& lexicons);

  // Splits `text` into sentences and tokens, replacing the contents of `out`
  // (its buffers are reused), and gives each token its hash and vocabulary
  // id. Line breaks always end a sentence.
  void Analyze(std::string_view text, AnalyzedText* out) const;

  // The vocabulary of every lexicon file (not only abbreviations.txt): each
  // TAB field of each row, the field split at '|' into alternatives, each of
  // those split at single spaces (empty pieces included) and tokenised as
  // text is (lower-cased forms). That is a superset of every word a stage
  // compares tokens with; the stages check at Create() that each of theirs
  // has an id. The same lexicons always give the same ids. Shared with the
  // stages, which look up the odd string (a part of "US-China") themselves.
  const std::shared_ptr<const Vocabulary>& vocabulary() const {
    return vocabulary_;
  }

  // The hit bits of each vocabulary id (by id; kNone's too), which Analyze
  // gives each token (Token::hits) and ORs per sentence and text; the
  // scorer builds them from its stages. `hits_of_id` must have
  // vocabulary()->size() + 1 entries. Until called, every bit is set.
  void SetHits(std::vector<uint16_t> hits_of_id);

 private:
  // The passes of Analyze(), in order, after lower-casing the text.
  // 1. Tokens: Token::begin, end, kind, capitalized, joined and hash; a
  //    line break after a token is recorded in its Token::sentence (2) for
  //    pass 3. Returns whether the text may hold a tag (a '$', '#' or '@'
  //    token). (Then MarkMarkup, when the text may hold a link or a tag.)
  bool ReadTokens(std::string_view text, AnalyzedText* out) const;
  // 2. Sentence ends (Token::sentence |= 1): a '.', '!' or '?' (with the
  //    closers after it) that is no abbreviation's, no decimal point and not
  //    followed by a lower-case word; a dotted abbreviation before a
  //    sentence opener. Markup ends nothing ("https://a.b/c?d=1").
  void MarkSentenceEnds(std::string_view text, AnalyzedText* out) const;
  // 3. Each token's vocabulary id (the one lookup per token that all the
  //    stages share) and hit bits, and the sentences.
  void AssignIds(AnalyzedText* out) const;
  bool IsAbbreviation(std::string_view lower_word) const;
  bool IsOpener(std::string_view lower_word) const;
  absl::flat_hash_set<std::string> abbreviations_;
  absl::flat_hash_set<std::string> openers_;
  std::shared_ptr<const Vocabulary> vocabulary_;
  // Token::hash and Token::id of each one-byte token (punctuation, "a"),
  // a good third of all tokens, looked up here instead of hashed.
  struct OneByte {
    uint64_t hash = 0;
    uint32_t id = Vocabulary::kNone;
    uint16_t hits = kAllHits;
  };
  // By byte; every id kNone until the vocabulary.
  static std::vector<OneByte> NoIds();
  std::vector<OneByte> one_byte_ = NoIds();
  // SetHits(), by id; kAllHits for each until then.
  std::vector<uint16_t> hits_of_id_ = {kAllHits};
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_TEXT_H_
