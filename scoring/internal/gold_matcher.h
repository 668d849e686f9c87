// Copyright 2026 The Tidings Authors.
//
// gold_matcher.h: GoldDetector::Matcher, the per-call analysis of one text
// (gold.h explains the algorithm). Private to the gold detector: gold.cc has
// the attachment rules, gold_magnitude.cc the magnitude parsing.

#ifndef TIDINGS_SCORING_INTERNAL_GOLD_MATCHER_H_
#define TIDINGS_SCORING_INTERNAL_GOLD_MATCHER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "scoring/internal/gold.h"

namespace tidings::scoring::internal {

// The analysis of one text: token slots, gold mentions, then per sentence
// the first attached move. Holds references only; one per Detect() call.
class GoldDetector::Matcher {
 public:
  // `slots`: the labels' memory, one per token (overwritten).
  Matcher(const GoldDetector& d, const AnalyzedText& text,
          std::vector<GoldDetector::Slot>* slots)
      : detector_(d), text_(text), slots_(*slots) {
    slots_.assign(text.tokens.size(), GoldDetector::Slot());
  }

  // Appends the event, if any, to `*events` (its parts from `recycler`,
  // which may be null).
  void Run(uint32_t body_begin, Recycler* recycler, std::vector<Event>* events);

 private:
  enum Mention : uint8_t { kNoMention = 0, kPriceMention, kOtherMention };
  static constexpr int kHoldFlat = -1;
  static constexpr int kHoldNone = -2;

  using Slot = GoldDetector::Slot;  // Slot::mention is a Mention.

  struct Hit {
    Direction dir = Direction::kUnspecified;
    double conf = 0;
    int mention = -1;  // Slot of the gold name.
    int trigger = -1;  // Slot of the direction term.
    int extra = -1;    // A second matched term (reversed noun, forecast noun).
  };

  // A sentence with a hit.
  struct Found {
    uint32_t sentence;
    Hit hit;
    double weight;        // Position weight of the sentence.
    double contribution;  // hit.conf x weight.
  };
  // A text's sentences with a hit: most have one or two.
  using Founds = absl::InlinedVector<Found, 4>;

  // Run()'s passes, in order. 1. Labels every token (phrases, compounds);
  // false when no strong gold alias is found ("goldman", "golden").
  bool LabelAll();
  // 2. Classifies the gold names; false when none is a strong gold price
  // name (topic aliases need one).
  bool ClassifyAll();
  // 3. Per sentence, the first attached move.
  Founds FindHits(uint32_t body_begin);
  // 4. The event: the leading sentence's direction; the sentences that
  // agree with it give its relevance, magnitude and evidence.
  void MakeEvent(Founds found, Recycler* recycler, Event* event);
  // The magnitude of found[best], completed from the others'.
  void FillMagnitude(const Founds& found, size_t best, Magnitude* m);
  void AddEvidence(const Founds& found, Recycler* recycler,
                   std::vector<Evidence>* evidence);

  // The current sentence's slots [sentence_begin_, sentence_end_): the
  // bounds of every walk below.
  int sentence_begin_ = 0, sentence_end_ = 0;

  // The term at slot i (null if none) and its roles (0 if none).
  const Term* TermAt(int i) const {
    return slots_[i].term < 0 ? nullptr : &detector_.terms_[slots_[i].term];
  }
  uint64_t RolesAt(int i) const {
    const Term* t = TermAt(i);
    return t == nullptr ? 0 : t->roles & ~kIndexOnly;
  }
  bool IsWord(int i) const { return text_.tokens[i].kind == TokenKind::kWord; }
  bool IsNumber(int i) const {
    return text_.tokens[i].kind == TokenKind::kNumber;
  }
  bool IsComma(int i) const { return text_.is_symbol(i, ','); }
  int Next(int i) const { return i + slots_[i].len; }
  int Prev(int i) const {
    int k = i - 1;
    while (k >= sentence_begin_ && slots_[k].covered) --k;
    return k;
  }
  // Whether sentence `s` may hold a gold name (GoldDetector::MarkHits).
  // Every rule attaches a move to a price mention in its own sentence, so
  // the others are neither labelled nor analysed: their slots stay empty.
  static bool MayHoldAlias(const Sentence& s) {
    return s.hits & (kHitGoldAlias | kHitJoined);
  }
  // The sentence containing slot i sets sentence_begin_/sentence_end_.
  void SetSentence(const Sentence& s) {
    sentence_begin_ = static_cast<int>(s.first_token);
    sentence_end_ = static_cast<int>(s.end_token);
  }

  int Lookup(int i, uint8_t* len) const;
  // Lookup() at a token that starts a phrase or is a compound; `idx` is
  // its one-word key's term, or -1.
  int LookupLong(int i, int idx, uint8_t* len) const;
  void LabelTokens(const Sentence& s);
  Mention Classify(int i) const;
  int AttachBack(int t) const;
  int TopicBefore(int b) const;
  int CoordGold(int j) const;
  int AttachLinkForward(int t) const;
  int AttachAdjForward(int t) const;
  int CauseForward(int c) const;
  int ReverseTarget(int r) const;  // Slot, or -1.
  int HoldResolve(int h) const;
  bool Negated(int t) const;
  bool InQuestion(int t) const;
  bool Hypothetical(int mention) const;
  bool IsModifier(int t) const;
  bool AmountFollows(int t) const;
  bool NounOfOther(int t) const;
  bool LevelIsReference(int t) const;
  std::optional<Hit> TryRevise(int r) const;
  std::optional<Hit> AnalyzeSentence();
  void AddTerm(int slot, std::vector<std::string>* terms,
               Recycler* recycler) const;
  void ParseMagnitude(const Hit& hit, Magnitude* m) const;
  // ParseMagnitude's rules, in order. The clause starts up to three slots
  // before the hit ("a 0.6% rise in gold"), not crossing a boundary, move
  // or subject.
  int MagnitudeStart(const Hit& hit) const;
  // A percentage at slot j (the first one only), signed by the move right
  // after it, else the last move before it, else the hit's direction.
  void ReadPercent(int j, const Hit& hit, Direction last_dir,
                   Magnitude* m) const;
  // A price: the number at slot `num` in currency `cur` (the first one
  // only, and not a change: "rises $3.40"), with its unit (PriceUnit).
  void ReadPrice(int num, int cur, int after, Magnitude* m) const;
  // The unit of a price: glued to its number (`rest`: "1,087.90/oz",
  // "26600/10" + "gm") or at slot `after`, maybe after a per word; and the
  // quantity it counts ("/10 gm": 10).
  void PriceUnit(std::string_view rest, int after, std::string_view* unit,
                 double* qty) const;

  const GoldDetector& detector_;
  const AnalyzedText& text_;
  std::vector<Slot>& slots_;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_GOLD_MATCHER_H_
