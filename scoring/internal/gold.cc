// Copyright 2026 The Tidings Authors.
//
// gold.cc: GoldDetector::Detect() and its per-call Matcher (gold.h explains
// the algorithm); Create() is in gold_table.cc.

#include "scoring/internal/gold.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/relevance.h"

namespace tidings::scoring::internal {
namespace {

constexpr int kBackWindow = 10;  // Words a move may sit after its gold name.

Direction Flip(Direction d) {
  if (d == Direction::kUp) return Direction::kDown;
  if (d == Direction::kDown) return Direction::kUp;
  return d;
}

// Parses the number at the start of `s` ("3,373.50", "40k"): digits with
// thousands commas and one decimal point, optional k = thousand. Returns the
// number of bytes read (0 = not a number).
size_t ParseNumber(std::string_view s, double* value) {
  double mantissa = 0, divisor = 1;
  bool fraction = false, any = false;
  size_t i = 0;
  for (; i < s.size(); ++i) {
    char c = s[i];
    bool digit_next = i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9';
    if (c >= '0' && c <= '9') {
      any = true;
      mantissa = mantissa * 10 + (c - '0');
      if (fraction) divisor *= 10;
    } else if (c == ',' && !fraction && digit_next) {
      continue;
    } else if (c == '.' && !fraction && digit_next) {
      fraction = true;
    } else {
      break;
    }
  }
  if (!any) return 0;
  double v =
      mantissa / divisor;  // The double nearest the decimal, as a literal.
  if (i < s.size() && (s[i] == 'k' || s[i] == 'K') &&
      (i + 1 == s.size() ||
       !((s[i + 1] | 0x20) >= 'a' && (s[i + 1] | 0x20) <= 'z'))) {
    v *= 1000;
    ++i;
  }
  *value = v;
  return i;
}

std::string FormatQuantity(double q) {
  if (q == std::floor(q)) return absl::StrFormat("%.0f", q);
  return absl::StrFormat("%g", q);
}

}  // namespace

// The analysis of one text: token slots, gold mentions, then per sentence
// the first attached move. Holds references only; one per Detect() call.
class GoldDetector::Matcher {
 public:
  Matcher(const GoldDetector& d, const AnalyzedText& text)
      : detector_(d), text_(text), slots_(text.tokens.size()) {}

  std::optional<Event> Run(uint32_t body_begin);

 private:
  enum Mention : uint8_t { kNoMention = 0, kPriceMention, kOtherMention };
  static constexpr int kHoldFlat = -1;
  static constexpr int kHoldNone = -2;

  struct Slot {
    int32_t term = -1;      // Index into detector_.terms_, or -1.
    uint8_t len = 1;        // Tokens covered (phrases).
    bool covered = false;   // Inside a phrase that starts earlier.
    bool consumed = false;  // Used by an earlier rule of this sentence.
    Mention mention = kNoMention;
  };

  struct Hit {
    Direction dir = Direction::kUnspecified;
    double conf = 0;
    int mention = -1;  // Slot of the gold name.
    int trigger = -1;  // Slot of the direction term.
    int extra = -1;    // A second matched term (reversed noun, forecast noun).
  };

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
  // The sentence containing slot i sets sentence_begin_/sentence_end_.
  void SetSentence(const Sentence& s) {
    sentence_begin_ = static_cast<int>(s.first_token);
    sentence_end_ = static_cast<int>(s.end_token);
  }

  int Lookup(int i, uint8_t* len) const;
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
  void AddTerm(int slot, std::vector<std::string>* terms) const;
  void ParseMagnitude(const Hit& hit, Magnitude* m) const;

  const GoldDetector& detector_;
  const AnalyzedText& text_;
  std::vector<Slot> slots_;
};

// Term index for the token (or phrase) at i, setting *len.
int GoldDetector::Matcher::Lookup(int i, uint8_t* len) const {
  *len = 1;
  int idx = detector_.FindId(text_.tokens[i].id);
  if (idx >= 0 && (detector_.terms_[idx].roles & kPhraseStart)) {
    // Every proper prefix of a phrase is a key too (kPhraseStart), so the
    // walk stops as soon as no phrase can continue. The longest phrase wins.
    // Keys are at most 96 bytes with their spaces: longer token runs stop
    // the walk.
    constexpr size_t kMaxKeyBytes = 96;
    size_t used = text_.tokens[i].end - text_.tokens[i].begin;
    int best = -1, best_len = 1;
    int cur = idx;
    for (int n = 2; n <= kMaxPhrase && i + n <= sentence_end_; ++n) {
      const Token& next = text_.tokens[i + n - 1];
      used += 1 + (next.end - next.begin);
      if (used > kMaxKeyBytes) break;
      cur = detector_.Extend(cur, next.id);
      if (cur < 0) break;
      if (detector_.terms_[cur].roles & ~kIndexOnly) {
        best = cur;
        best_len = n;
      }
      if (!(detector_.terms_[cur].roles & kPhraseStart)) break;
    }
    if (best >= 0) {
      *len = static_cast<uint8_t>(best_len);
      return best;
    }
  }
  if (idx >= 0 && (detector_.terms_[idx].roles & ~kIndexOnly) != 0) return idx;
  // Compounds: "mcx-gold", "gold/silver", "gold-mining", "six-week-high".
  if (text_.tokens[i].kind == TokenKind::kSymbol) return -1;
  if (!text_.tokens[i].joined) return -1;  // No '-' or '/' in it.
  std::string_view w = text_.norm(i);
  int alias = -1, sense = -1, last = -1;
  // A gold name hyphened to a word that is no gold-price term describes
  // that word ("gold-plated", "gold-backed", "gold-coloured"): no mention.
  bool modifier = false, after_alias = false;
  size_t b = 0;
  while (b <= w.size()) {
    size_t e = w.find_first_of("-/", b);
    if (e == std::string_view::npos) e = w.size();
    int p = e > b ? detector_.Find(w.substr(b, e - b)) : -1;
    uint64_t r = p >= 0 ? detector_.terms_[p].roles : 0;
    if (after_alias && !(r & (kAlias | kPriceWord | kOther | kSense))) {
      modifier = true;
    }
    after_alias = (r & kAliasStrong) && e < w.size() && w[e] == '-';
    last = p;
    if (r & kAliasStrong) alias = p;
    if (r & kSense) sense = p;
    b = e + 1;
  }
  if (alias >= 0) {
    if (sense >= 0) return sense;
    return modifier ? -1 : alias;
  }
  if (last >= 0 && (detector_.terms_[last].roles & kMove)) return last;
  return -1;
}

void GoldDetector::Matcher::LabelTokens(const Sentence& s) {
  SetSentence(s);
  for (int i = sentence_begin_; i < sentence_end_;) {
    uint8_t len = 1;
    slots_[i].term = Lookup(i, &len);
    slots_[i].len = len;
    for (int k = 1; k < len; ++k) slots_[i + k].covered = true;
    i += len;
  }
}

// Is the gold name at slot i the price, another sense, or neither?
GoldDetector::Matcher::Mention GoldDetector::Matcher::Classify(int i) const {
  int p = Prev(i);
  if (p >= sentence_begin_) {
    uint64_t rp = RolesAt(p);
    if (rp & kName) return kNoMention;      // "Mr Gold"
    if (rp & kOther) return kOtherMention;  // "silver bullion"
  }
  // "demand for gold", "imports of gold", "miner of South African gold".
  for (int k = 0; p >= sentence_begin_ && k < 2 && RolesAt(p) == 0 && IsWord(p);
       ++k)
    p = Prev(p);
  if (p >= sentence_begin_ && (RolesAt(p) & (kLink | kAbout))) {
    int pp = Prev(p);
    if (pp >= sentence_begin_ && (RolesAt(pp) & kSense)) return kOtherMention;
  }
  // Look ahead past coordinated names and a couple of modifiers for the
  // head noun: "gold mine", "gold and currency reserves", "gold/silver index".
  int count = 0;
  for (int j = Next(i); j < sentence_end_ && count < 4; j = Next(j), ++count) {
    uint64_t r = RolesAt(j);
    if (r & kSense) return kOtherMention;
    if (r & kPriceWord) break;
    if (r & (kCoord | kOther | kAlias)) continue;
    if (r == 0 && IsWord(j)) continue;
    break;
  }
  return kPriceMention;
}

// The gold name that the subject at slot j is coordinated with ("gold,
// silver rise", "gold prices, metals shares fall"), or -1.
int GoldDetector::Matcher::CoordGold(int j) const {
  int k = Prev(j);
  for (int round = 0; round < 4; ++round) {
    // Modifiers of the same noun phrase ("metals shares").
    for (int skipped = 0; k >= sentence_begin_ && skipped < 2; ++skipped) {
      uint64_t r = RolesAt(k);
      bool np =
          slots_[k].mention == kNoMention &&
          ((r == 0 && IsWord(k)) || ((r & (kSubject | kPriceWord | kDet)) &&
                                     !(r & (kCoord | kBoundary))));
      if (!np) break;
      k = Prev(k);
    }
    if (k < sentence_begin_ || !(RolesAt(k) & kCoord)) return -1;
    k = Prev(k);
    while (k >= sentence_begin_ && slots_[k].mention == kNoMention &&
           (RolesAt(k) & (kPriceWord | kDet))) {
      k = Prev(k);
    }
    if (k < sentence_begin_) return -1;
    if (slots_[k].mention == kPriceMention) return k;
    if (slots_[k].mention != kOtherMention && !(RolesAt(k) & kSubject))
      return -1;
    k = Prev(k);
  }
  return -1;
}

// The gold name a move at slot t reports on, looking backwards. A move set
// off by a comma ("settles at $1,131.50 on Comex, up $6.70") belongs to the
// clause's subject, so only hard boundaries stop it.
int GoldDetector::Matcher::AttachBack(int t) const {
  int p = Prev(t);
  bool appositive = p >= sentence_begin_ && IsComma(p);
  uint64_t stop = appositive ? kBoundaryHard : kBoundary;
  int words = 0;
  bool comma = false;  // Passed a comma: a relative clause before it is closed.
  for (int j = p; j >= sentence_begin_ && words < kBackWindow; j = Prev(j)) {
    const Slot& s = slots_[j];
    if (s.mention == kPriceMention) return j;
    if (s.mention == kOtherMention) return CoordGold(j);
    uint64_t r = RolesAt(j);
    if (IsComma(j)) comma = true;
    // "gold, which hit a high last week, slipped": the move after the
    // relative clause belongs to its antecedent; one inside it does not.
    if (r & kRelative) {
      if (!comma) return -1;
      continue;
    }
    if (r & stop) return TopicBefore(j);
    if (s.mention == kNoMention && (r & kSubject)) return CoordGold(j);
    if (IsWord(j)) ++words;
  }
  return -1;
}

// A headline's topic label: the gold name right before a colon at slot b
// ("Gold: bearish trend intact", "Gold rates: prices decline") is the
// subject of the clause after it; -1 for any other boundary.
int GoldDetector::Matcher::TopicBefore(int b) const {
  if (!text_.is_symbol(b, ':')) return -1;
  for (int j = Prev(b); j >= sentence_begin_; j = Prev(j)) {
    if (slots_[j].mention == kPriceMention) return j;
    if (slots_[j].mention != kNoMention || !(RolesAt(j) & kPriceWord))
      return -1;
  }
  return -1;
}

// "rise in gold", "fall in the price of gold", "seventh drop in 8 sessions
// for gold".
int GoldDetector::Matcher::AttachLinkForward(int t) const {
  // The link comes right after the noun, or after one participle ("gain
  // seen in gold"); then a list may name other markets first ("losses in
  // oil, gold futures").
  int first = Next(t);
  if (first < sentence_end_ && RolesAt(first) == 0 && IsWord(first))
    first = Next(first);
  if (first >= sentence_end_ || !(RolesAt(first) & kLink)) return -1;
  bool linked = false;
  for (int j = first, steps = 0; j < sentence_end_ && steps < 6;
       j = Next(j), ++steps) {
    if (slots_[j].mention == kPriceMention) return linked ? j : -1;
    uint64_t r = RolesAt(j);
    if (slots_[j].mention == kOtherMention || (r & (kBoundary | kMove)))
      return -1;
    if (r & kSubject) {
      if (!linked) return -1;
      int n = Next(j);
      if (n >= sentence_end_ || !(RolesAt(n) & kCoord)) return -1;
    }
    if (r & kLink) linked = true;
  }
  return -1;
}

// "higher gold prices", "firm spot gold".
int GoldDetector::Matcher::AttachAdjForward(int t) const {
  for (int j = Next(t), steps = 0; j < sentence_end_ && steps < 3;
       j = Next(j), ++steps) {
    if (slots_[j].mention == kPriceMention) return j;
    if (slots_[j].mention == kOtherMention) return -1;
    if (!(RolesAt(j) & (kDet | kPriceWord))) return -1;
  }
  return -1;
}

// The object of a cause verb: "lifts gold", "weigh on stocks, gold"; not
// the next clause's subject ("oil sinks, gold surges").
int GoldDetector::Matcher::CauseForward(int c) const {
  bool listed = false;  // Seen another object, so a comma continues a list.
  for (int j = Next(c), steps = 0; j < sentence_end_ && steps < 6;
       j = Next(j), ++steps) {
    if (slots_[j].mention == kPriceMention) return j;
    if (slots_[j].mention == kOtherMention) return -1;
    uint64_t r = RolesAt(j);
    if (r & kBoundaryHard) return -1;
    if (r & kSubject) {
      listed = true;
      continue;
    }
    if (r & kCoord) {
      if (!listed) return -1;
      continue;
    }
    if (r & (kDet | kLink | kAbout | kPriceWord | kMoveAdverb))
      continue;  // "weighs on gold"
    return -1;
  }
  return -1;
}

// The move noun or level that a reversing verb at r turns around.
int GoldDetector::Matcher::ReverseTarget(int r) const {
  for (int j = Next(r), steps = 0; j < sentence_end_ && steps < 4;
       j = Next(j), ++steps) {
    uint64_t rr = RolesAt(j);
    if (slots_[j].mention != kNoMention || (rr & (kBoundary | kSubject)))
      return -1;
    if ((rr & (kMoveNoun | kMoveLevel)) && !slots_[j].consumed) return j;
  }
  return -1;
}

// The move term a hold verb at h takes its direction from ("holds losses",
// "remains near 14-week high"); kHoldFlat when none follows ("holds steady",
// "holds above $1,300", "remains supported"); kHoldNone when the verb has
// another object ("still hold potential").
int GoldDetector::Matcher::HoldResolve(int h) const {
  int first = Next(h);
  if (first < sentence_end_ && RolesAt(first) == 0 && IsWord(first))
    return kHoldNone;
  for (int j = first, steps = 0; j < sentence_end_ && steps < 5;
       j = Next(j), ++steps) {
    uint64_t r = RolesAt(j);
    if (slots_[j].mention != kNoMention || (r & (kBoundary | kSubject))) break;
    if ((r & kPlace) || slots_[j].consumed) continue;  // "above", "near"
    if (r & kMove) {
      int n = Next(j);
      if (n < sentence_end_ && (RolesAt(n) & kMoveNoun) && !(r & kMoveNoun))
        return n;
      return j;
    }
  }
  return kHoldFlat;
}

bool GoldDetector::Matcher::Negated(int t) const {
  int p = Prev(t);
  for (int k = 0; k < 2 && p >= sentence_begin_; ++k, p = Prev(p)) {
    if (RolesAt(p) & kNegator) return true;
    if (slots_[p].mention != kNoMention) break;
  }
  return false;
}

// True when the clause holding slot t ends with a question mark ("could
// gold fall to $850?"; not "gold hits six-month low. time to buy?").
bool GoldDetector::Matcher::InQuestion(int t) const {
  for (int j = t; j < sentence_end_; j = Next(j)) {
    if (RolesAt(j) & kBoundaryHard) return false;
    if (text_.tokens[j].kind != TokenKind::kSymbol) continue;
    char c = text_.text[text_.tokens[j].begin];
    if (c == '?') return true;
    if (c == '.' || c == '!') return false;
  }
  return false;
}

// True when the gold name at slot m is the subject of a condition ("if gold
// falls below $1,800, ..."; "analysts said unless gold rises ...").
bool GoldDetector::Matcher::Hypothetical(int m) const {
  for (int j = Prev(m); j >= sentence_begin_; j = Prev(j)) {
    uint64_t r = RolesAt(j);
    if (r & kConditional) return true;
    if ((r & kBoundaryHard) || IsComma(j)) return false;
  }
  return false;
}

// A move word right before a move noun only modifies it ("steady rise",
// "firm gain"): the noun carries the move. An adjective or participle right
// before another subject describes that subject ("rising imports", "firm
// dollar", "weaker rupee").
bool GoldDetector::Matcher::IsModifier(int t) const {
  uint64_t r = RolesAt(t);
  if (r & kMoveNoun) return false;
  int n = Next(t);
  if (n >= sentence_end_) return false;
  uint64_t rn = RolesAt(n);
  if (rn & kMoveNoun) return true;
  if (slots_[n].mention == kNoMention && (rn & kSubject)) {
    std::string_view w = text_.norm(t);
    bool participle = w.size() > 4 && w.substr(w.size() - 3) == "ing";
    return (r & kMoveAdj) || participle;
  }
  return false;
}

// A move noun whose link names another subject is that subject's move: "a
// rise in quarterly profit", "a fall in demand", "a drop in the dollar".
bool GoldDetector::Matcher::NounOfOther(int t) const {
  int j = Next(t);
  if (j >= sentence_end_ || !(RolesAt(j) & kLink)) return false;
  for (int steps = 0; (j = Next(j)) < sentence_end_ && steps < 2; ++steps) {
    if (slots_[j].mention == kPriceMention) return false;
    if (slots_[j].mention == kOtherMention || (RolesAt(j) & kSubject)) {
      int n = Next(j);
      return n >= sentence_end_ ||
             !(RolesAt(n) & kCoord);  // Not a list: "losses in oil, gold"
    }
    if (!(RolesAt(j) == 0 && IsWord(j)) && !(RolesAt(j) & kDet)) return false;
  }
  return false;
}

// A level after a reference word is a yardstick, not a level reached: "less
// than half its 1980 peak", "10% below its record".
bool GoldDetector::Matcher::LevelIsReference(int t) const {
  int p = Prev(t);
  for (int k = 0; k < 3 && p >= sentence_begin_; ++k, p = Prev(p)) {
    if (slots_[p].mention != kNoMention) return false;
    if (RolesAt(p) & kReference) return true;
  }
  return false;
}

// A mark ("above", "under") is a move only before an amount: "closes above
// $1,200", not "mobilised under a scheme".
bool GoldDetector::Matcher::AmountFollows(int t) const {
  int n = Next(t);
  for (int steps = 0; n < sentence_end_ && steps < 2; n = Next(n), ++steps) {
    if (IsNumber(n)) return true;
    if (!(RolesAt(n) & (kCurrency | kDet))) return false;
  }
  return false;
}

// "cuts its gold forecast", "slashes gold call", "raises forecast for gold",
// "gold price forecast raised".
std::optional<GoldDetector::Matcher::Hit> GoldDetector::Matcher::TryRevise(
    int r) const {
  const Term& rt = *TermAt(r);
  int gold = -1;
  for (int j = Next(r), steps = 0; j < sentence_end_ && steps < 6;
       j = Next(j), ++steps) {
    if (slots_[j].mention == kPriceMention) {
      if (gold < 0) gold = j;
      continue;
    }
    uint64_t rr = RolesAt(j);
    if (rr & kForecast) {
      if (gold < 0) {
        int l = Next(j);
        if (l < sentence_end_ && (RolesAt(l) & kLink)) {
          int g = Next(l);
          while (g < sentence_end_ && (RolesAt(g) & kDet)) g = Next(g);
          if (g < sentence_end_ && slots_[g].mention == kPriceMention) gold = g;
        }
      }
      if (gold < 0) return std::nullopt;
      return Hit{rt.revise, rt.revise_conf, gold, r, j};
    }
    if (slots_[j].mention == kOtherMention || (rr & (kBoundaryHard | kSubject)))
      break;
  }
  // Passive: "gold forecast cut", "gold price forecasts are raised".
  int f = Prev(r);
  if (f >= sentence_begin_ && !(RolesAt(f) & kForecast)) f = Prev(f);
  if (f >= sentence_begin_ && (RolesAt(f) & kForecast)) {
    int g = Prev(f);
    for (int steps = 0; g >= sentence_begin_ && steps < 3;
         g = Prev(g), ++steps) {
      if (slots_[g].mention == kPriceMention)
        return Hit{rt.revise, rt.revise_conf, g, r, f};
      if (!(RolesAt(g) & (kPriceWord | kDet)) && !IsNumber(g)) break;
    }
  }
  return std::nullopt;
}

// The sentence's move: the first direction term attached to gold.
std::optional<GoldDetector::Matcher::Hit>
GoldDetector::Matcher::AnalyzeSentence() {
  // Trading advice ("buy gold on dips", "sell MCX gold below Rs 28,400")
  // and explanations ("why gold hasn't hit bottom", "how to play gold").
  for (int i = sentence_begin_; i < sentence_end_; i = Next(i)) {
    if (text_.tokens[i].kind == TokenKind::kSymbol) continue;
    if (RolesAt(i) & (kAdvice | kQuestion)) return std::nullopt;
    break;
  }
  for (int t = sentence_begin_; t < sentence_end_; t = Next(t)) {
    const Term* term = TermAt(t);
    if (term == nullptr || slots_[t].mention != kNoMention) continue;
    uint64_t r = term->roles;
    if (!(r & (kMove | kHold | kReverse | kCause | kRevise))) continue;
    if (Negated(t)) continue;
    std::optional<Hit> hit;
    if (r & kRevise) hit = TryRevise(t);
    if (!hit && (r & kReverse)) {
      int target = ReverseTarget(t);
      if (target >= 0) {
        slots_[target].consumed = true;
        Direction dir = Flip(TermAt(target)->move);
        int g = AttachBack(t);
        if (g >= 0 && dir != Direction::kFlat) {
          hit = Hit{dir, TermAt(target)->move_conf, g, t, target};
        } else {
          continue;
        }
      }
    }
    if (!hit && (r & kCause)) {
      int g = CauseForward(t);
      if (g >= 0) hit = Hit{term->cause, term->cause_conf, g, t, -1};
    }
    if (!hit && (r & kHold)) {
      int g = AttachBack(t);
      int m = g >= 0 ? HoldResolve(t) : kHoldNone;
      if (m >= 0) {
        slots_[m].consumed = true;
        hit = Hit{TermAt(m)->move, TermAt(m)->move_conf, g, t, m};
      } else if (m == kHoldFlat) {
        hit = Hit{Direction::kFlat, term->hold_conf, g, t, -1};
      }
    }
    if (!hit && (r & kMove) && !slots_[t].consumed && !IsModifier(t) &&
        (!(r & kPlace) || AmountFollows(t)) &&
        !((r & kMoveNoun) && NounOfOther(t)) &&
        !((r & kMoveLevel) && LevelIsReference(t))) {
      int p = Prev(t);
      bool particle =
          (r & kMoveAdverb) && p >= sentence_begin_ && (RolesAt(p) & kParticle);
      if (!particle) {
        int g = AttachBack(t);
        if (g < 0 && (r & kMoveNoun)) g = AttachLinkForward(t);
        if (g < 0 && (r & kMoveAdj)) g = AttachAdjForward(t);
        if (g >= 0) hit = Hit{term->move, term->move_conf, g, t, -1};
        // "flat to higher", "steady to lower": the direction it leans to.
        int to = Next(t);
        if (hit && hit->dir == Direction::kFlat && to < sentence_end_ &&
            (RolesAt(to) & kSpan)) {
          int n = Next(to);
          if (n < sentence_end_ && (RolesAt(n) & kMove) &&
              TermAt(n)->move != Direction::kFlat) {
            hit->dir = TermAt(n)->move;
            hit->extra = n;
          }
        }
      }
    }
    if (!hit) continue;
    if (InQuestion(t) || Hypothetical(hit->mention)) continue;
    hit->conf *= TermAt(hit->mention)->alias_conf;
    return hit;
  }
  return std::nullopt;
}

void GoldDetector::Matcher::AddTerm(int slot,
                                    std::vector<std::string>* terms) const {
  if (slot < 0) return;
  int last = slot + slots_[slot].len - 1;
  uint32_t b = text_.tokens[slot].begin, e = text_.tokens[last].end;
  terms->emplace_back(text_.text.substr(b, e - b));
}

// Percent, price and unit from the hit's clause: "rose as much as 0.6% to
// around $3,373 an ounce". A currency amount right after a move term ("rises
// $3.40", "up Rs 44", "by Rs 125") is the change, not the price.
void GoldDetector::Matcher::ParseMagnitude(const Hit& hit, Magnitude* m) const {
  // Start a little before the gold name or move ("a 0.6% rise in gold"),
  // not crossing into another clause ("shares fell 4% as gold slipped").
  int start = std::min(hit.mention, hit.trigger);
  for (int k = 0; k < 3; ++k) {
    int p = Prev(start);
    if (p < sentence_begin_ || (RolesAt(p) & (kBoundary | kMove | kSubject)))
      break;
    start = p;
  }
  int anchor = std::max(hit.mention, hit.trigger);
  Direction last_dir = Direction::kUnspecified;
  for (int j = start; j < sentence_end_; j = Next(j)) {
    uint64_t r = RolesAt(j);
    if (j > anchor) {
      if (r & kBoundaryHard) break;
      if (slots_[j].mention == kOtherMention ||
          (slots_[j].mention == kNoMention && (r & kSubject))) {
        break;
      }
    }
    if ((r & kMove) && TermAt(j)->move != Direction::kFlat)
      last_dir = TermAt(j)->move;
    // A currency before the number, or a number with a currency after it.
    int num = -1, cur = -1, after = -1;
    if ((r & kCurrency) && Next(j) < sentence_end_) {
      int n = Next(j);
      if (text_.tokens[n].kind == TokenKind::kSymbol && text_.norm(n) == "." &&
          Next(n) < sentence_end_) {
        n = Next(n);
      }
      if (IsNumber(n)) {
        num = n;
        cur = j;
        after = Next(n);
      }
    } else if (IsNumber(j) && Next(j) < sentence_end_ &&
               (RolesAt(Next(j)) & kCurrencyAfter)) {
      num = j;
      cur = Next(j);
      after = Next(cur);
    } else if (IsNumber(j) && Next(j) < sentence_end_ &&
               (RolesAt(Next(j)) & kPercent)) {
      double v = 0;
      if (!m->has_percent && ParseNumber(text_.norm(j), &v) > 0) {
        Direction sign = Direction::kUnspecified;
        int a = Next(Next(j));
        if (a < sentence_end_ && (RolesAt(a) & kMove)) sign = TermAt(a)->move;
        if (sign != Direction::kUp && sign != Direction::kDown) sign = last_dir;
        if (sign != Direction::kUp && sign != Direction::kDown) sign = hit.dir;
        m->has_percent = true;
        m->percent = sign == Direction::kDown ? -v : v;
      }
      continue;
    }
    if (num < 0) continue;
    int before = Prev(cur < num ? cur : num);
    while (before >= sentence_begin_ && (RolesAt(before) & kApprox))
      before = Prev(before);  // "down over $20"
    bool change =
        before >= sentence_begin_ &&
        (((RolesAt(before) & kMove) && !(RolesAt(before) & kMoveLevel)) ||
         (RolesAt(before) & kChange));
    double v = 0;
    std::string_view ns = text_.norm(num);
    size_t used = ParseNumber(ns, &v);
    if (used == 0 || change || m->has_price) {
      j = std::max(j, num);
      continue;
    }
    // Unit: glued ("1,087.90/oz", "26600/10" + "gm") or after a per word.
    std::string_view unit;
    double qty = 0;
    std::string_view rest = ns.substr(used);
    if (!rest.empty() && rest[0] == '-') {  // A range: "1,107-08/ounce".
      size_t k = 1;
      while (k < rest.size() && rest[k] >= '0' && rest[k] <= '9') ++k;
      rest = rest.substr(k);
    }
    if (!rest.empty() && rest[0] == '/') {
      rest = rest.substr(1);
      // "/oz", "/10" + "gm"; a bare second price is a bid/ask pair
      // ("405.50/406.00 dlrs"), not a quantity.
      double q = 0;
      size_t qn = ParseNumber(rest, &q);
      rest = rest.substr(qn);
      if (!rest.empty()) {
        int u = detector_.Find(rest);
        if (u >= 0 && (detector_.terms_[u].roles & kUnit)) {
          unit = detector_.terms_[u].unit;
          qty = q;
        }
      } else if (after >= 0 && after < sentence_end_ &&
                 (RolesAt(after) & kUnit)) {
        unit = TermAt(after)->unit;
        qty = q;
      }
    }
    if (unit.empty() && after >= 0 && after < sentence_end_) {
      int k = after;
      if (RolesAt(k) & kPer) {
        k = Next(k);
        double q = 0;
        if (k < sentence_end_ && IsNumber(k) &&
            ParseNumber(text_.norm(k), &q) > 0) {
          qty = q;
          k = Next(k);
        }
      }
      if (k < sentence_end_ && (RolesAt(k) & kUnit)) unit = TermAt(k)->unit;
    }
    const Term& ct = *TermAt(cur);
    m->has_price = true;
    m->price = v;
    if (unit.empty()) {
      m->unit = absl::StrCat(ct.currency, "/", ct.default_unit);
    } else if (qty > 0 && qty != 1) {
      m->unit =
          absl::StrCat(ct.currency, "/", FormatQuantity(qty), AsAbsl(unit));
    } else {
      m->unit = absl::StrCat(ct.currency, "/", AsAbsl(unit));
    }
    j = std::max(j, num);
  }
}

std::optional<Event> GoldDetector::Matcher::Run(uint32_t body_begin) {
  const auto& sentences = text_.sentences;
  // Pass 1: label every token (phrases, compounds).
  bool any_alias = false;
  for (const Sentence& s : sentences) {
    LabelTokens(s);
    for (int i = sentence_begin_; i < sentence_end_ && !any_alias; i = Next(i))
      any_alias = RolesAt(i) & kAliasStrong;
  }
  if (!any_alias) return std::nullopt;  // "goldman", "golden"
  // Pass 2: classify gold names; topic aliases need a strong gold price name.
  bool strong = false;
  for (const Sentence& s : sentences) {
    SetSentence(s);
    for (int i = sentence_begin_; i < sentence_end_; i = Next(i)) {
      if (!(RolesAt(i) & kAlias)) continue;
      slots_[i].mention = Classify(i);
      if ((RolesAt(i) & kAliasStrong) && slots_[i].mention == kPriceMention)
        strong = true;
    }
  }
  if (!strong) return std::nullopt;
  // Pass 3: per sentence, the first attached move.
  struct Found {
    uint32_t sentence;
    Hit hit;
    double weight;        // Position weight of the sentence.
    double contribution;  // hit.conf x weight.
  };
  std::vector<Found> found;
  for (uint32_t si = 0; si < sentences.size(); ++si) {
    SetSentence(sentences[si]);
    std::optional<Hit> hit = AnalyzeSentence();
    if (!hit) continue;
    double w = PositionWeight(text_, body_begin, si);
    found.push_back(Found{si, *hit, w, hit->conf * w});
  }
  if (found.empty()) return std::nullopt;
  size_t best = 0;
  for (size_t k = 1; k < found.size(); ++k) {
    if (found[k].contribution > found[best].contribution) best = k;
  }
  // The event is the leading sentence's move; the sentences that agree with
  // it are its evidence and make up its relevance ("gold rose ... earlier
  // it had dipped" is an UP event whose evidence is the rise).
  Direction dir = found[best].hit.dir;
  found.erase(
      std::remove_if(found.begin(), found.end(),
                     [dir](const Found& f) { return f.hit.dir != dir; }),
      found.end());
  best = 0;
  RelevanceAccumulator relevance;
  for (size_t k = 0; k < found.size(); ++k) {
    relevance.Add(found[k].hit.conf, found[k].weight);
    if (found[k].contribution > found[best].contribution) best = k;
  }
  Event event;
  event.type = EventType::kGoldPriceMove;
  event.relevance = relevance.relevance();
  event.direction = dir;
  SetSentence(sentences[found[best].sentence]);
  ParseMagnitude(found[best].hit, &event.magnitude);
  // Fill in what the leading sentence lacks from the others.
  for (size_t k = 0; k < found.size(); ++k) {
    if (k == best) continue;
    if (event.magnitude.has_percent && event.magnitude.has_price) break;
    Magnitude more;
    SetSentence(sentences[found[k].sentence]);
    ParseMagnitude(found[k].hit, &more);
    if (!event.magnitude.has_percent && more.has_percent) {
      event.magnitude.has_percent = true;
      event.magnitude.percent = more.percent;
    }
    if (!event.magnitude.has_price && more.has_price) {
      event.magnitude.has_price = true;
      event.magnitude.price = more.price;
      event.magnitude.unit = std::move(more.unit);
    }
  }
  for (size_t k = 0; k < found.size() && k < static_cast<size_t>(kMaxEvidence);
       ++k) {
    const Sentence& s = sentences[found[k].sentence];
    Evidence ev;
    ev.begin = s.begin;
    ev.end = s.end;
    SetSentence(s);
    AddTerm(found[k].hit.mention, &ev.terms);
    AddTerm(found[k].hit.trigger, &ev.terms);
    AddTerm(found[k].hit.extra, &ev.terms);
    event.evidence.push_back(std::move(ev));
  }
  return event;
}

bool GoldDetector::MayNameGold(const AnalyzedText& text) const {
  // A strong alias is labelled at a token that is its first word (the alias
  // itself, or the first token of the phrase), or is a part of a compound
  // ("mcx-gold"; such tokens are `joined`), whose text then holds a needle.
  const uint8_t* strong_first = strong_first_.data();
  const size_t num_ids = strong_first_.size();
  for (size_t i = 0; i < text.tokens.size(); ++i) {
    const Token& t = text.tokens[i];
    if (t.id < num_ids && strong_first[t.id]) return true;
    if (!t.joined) continue;
    const std::string_view norm = text.norm(i);
    for (const std::string& needle : needles_) {
      if (norm.find(needle) != std::string_view::npos) return true;
    }
  }
  return false;
}

std::optional<Event> GoldDetector::Detect(const AnalyzedText& text,
                                          uint32_t body_begin) const {
  assert(text.vocabulary_digest == vocabulary_digest_);
  // Most texts never name gold: one look at each token, no allocation.
  if (!MayNameGold(text)) return std::nullopt;
  Matcher matcher(*this, text);
  return matcher.Run(body_begin);
}

}  // namespace tidings::scoring::internal
