// Copyright 2026 The Tidings Authors.
//
// gold.cc: GoldDetector::Detect() and its per-call Matcher's attachment
// rules (gold.h explains the algorithm); the Matcher is declared in
// gold_matcher.h, its magnitude parsing is in gold_magnitude.cc, Create() is
// in gold_table.cc.

#include "scoring/internal/gold.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "scoring/internal/gold_matcher.h"
#include "scoring/internal/relevance.h"

namespace tidings::scoring::internal {
namespace {

constexpr int kBackWindow = 10;  // Words a move may sit after its gold name.

Direction Flip(Direction d) {
  if (d == Direction::kUp) return Direction::kDown;
  if (d == Direction::kDown) return Direction::kUp;
  return d;
}

}  // namespace

// Term index for the token (or phrase) at i, setting *len. Inline: most
// tokens start no phrase and are no compound; the rest is LookupLong().
inline int GoldDetector::Matcher::Lookup(int i, uint8_t* len) const {
  const Token& t = text_.tokens[i];
  const int idx = detector_.FindId(t.id);
  const uint64_t roles = idx >= 0 ? detector_.terms_[idx].roles : 0;
  if (!(roles & kPhraseStart)) {
    *len = 1;
    if (roles & ~kIndexOnly) return idx;
    if (t.kind == TokenKind::kSymbol || !t.joined) return -1;
  }
  return LookupLong(i, idx, len);
}

int GoldDetector::Matcher::LookupLong(int i, int idx, uint8_t* len) const {
  *len = 1;
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

void GoldDetector::Matcher::AddTerm(int slot, std::vector<std::string>* terms,
                                    Recycler* recycler) const {
  if (slot < 0) return;
  int last = slot + slots_[slot].len - 1;
  uint32_t b = text_.tokens[slot].begin, e = text_.tokens[last].end;
  AppendString(terms, text_.text.substr(b, e - b), recycler);
}

void GoldDetector::Matcher::Run(uint32_t body_begin, Recycler* recycler,
                                std::vector<Event>* events) {
  if (!LabelAll()) return;  // "goldman", "golden"
  if (!ClassifyAll()) return;
  Founds found = FindHits(body_begin);
  if (found.empty()) return;
  MakeEvent(std::move(found), recycler, &NewEvent(events, recycler));
}

inline bool GoldDetector::Matcher::LabelAll() {
  bool any_alias = false;
  for (const Sentence& s : text_.sentences) {
    if (!MayHoldAlias(s)) continue;
    LabelTokens(s);
    for (int i = sentence_begin_; i < sentence_end_ && !any_alias; i = Next(i))
      any_alias = RolesAt(i) & kAliasStrong;
  }
  return any_alias;
}

inline bool GoldDetector::Matcher::ClassifyAll() {
  bool strong = false;
  for (const Sentence& s : text_.sentences) {
    if (!MayHoldAlias(s)) continue;
    SetSentence(s);
    for (int i = sentence_begin_; i < sentence_end_; i = Next(i)) {
      if (!(RolesAt(i) & kAlias)) continue;
      slots_[i].mention = Classify(i);
      if ((RolesAt(i) & kAliasStrong) && slots_[i].mention == kPriceMention)
        strong = true;
    }
  }
  return strong;
}

inline GoldDetector::Matcher::Founds GoldDetector::Matcher::FindHits(
    uint32_t body_begin) {
  const auto& sentences = text_.sentences;
  Founds found;
  for (uint32_t si = 0; si < sentences.size(); ++si) {
    if (!MayHoldAlias(sentences[si])) continue;
    SetSentence(sentences[si]);
    std::optional<Hit> hit = AnalyzeSentence();
    if (!hit) continue;
    double w = PositionWeight(text_, body_begin, si);
    found.push_back(Found{si, *hit, w, hit->conf * w});
  }
  return found;
}

inline void GoldDetector::Matcher::MakeEvent(Founds found, Recycler* recycler,
                                             Event* event) {
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
  event->type = EventType::kGoldPriceMove;
  event->relevance = relevance.relevance();
  event->direction = dir;
  FillMagnitude(found, best, &event->magnitude);
  AddEvidence(found, recycler, &event->evidence);
}

inline void GoldDetector::Matcher::FillMagnitude(const Founds& found,
                                                 size_t best, Magnitude* m) {
  const auto& sentences = text_.sentences;
  SetSentence(sentences[found[best].sentence]);
  ParseMagnitude(found[best].hit, m);
  // Fill in what the leading sentence lacks from the others.
  for (size_t k = 0; k < found.size(); ++k) {
    if (k == best) continue;
    if (m->has_percent && m->has_price) break;
    Magnitude more;
    SetSentence(sentences[found[k].sentence]);
    ParseMagnitude(found[k].hit, &more);
    if (!m->has_percent && more.has_percent) {
      m->has_percent = true;
      m->percent = more.percent;
    }
    if (!m->has_price && more.has_price) {
      m->has_price = true;
      m->price = more.price;
      m->unit = std::move(more.unit);
    }
  }
}

inline void GoldDetector::Matcher::AddEvidence(
    const Founds& found, Recycler* recycler, std::vector<Evidence>* evidence) {
  const size_t n = std::min(found.size(), static_cast<size_t>(kMaxEvidence));
  // Room at once, not growth step by step (a no-op for recycled parts).
  evidence->reserve(evidence->size() + n);
  for (size_t k = 0; k < n; ++k) {
    const Sentence& s = text_.sentences[found[k].sentence];
    Evidence& ev = NewEvidence(evidence, recycler);
    ev.begin = s.begin;
    ev.end = s.end;
    SetSentence(s);
    const Hit& hit = found[k].hit;
    ev.terms.reserve((hit.mention >= 0) + (hit.trigger >= 0) +
                     (hit.extra >= 0));
    AddTerm(found[k].hit.mention, &ev.terms, recycler);
    AddTerm(found[k].hit.trigger, &ev.terms, recycler);
    AddTerm(found[k].hit.extra, &ev.terms, recycler);
  }
}

void GoldDetector::MarkHits(std::vector<uint16_t>* hits_of_id) const {
  const size_t n = std::min(hits_of_id->size(), strong_first_.size());
  for (size_t id = 0; id < n; ++id) {
    if (strong_first_[id]) (*hits_of_id)[id] |= kHitGold;
  }
  for (uint32_t id : alias_words_) {
    if (id < hits_of_id->size()) (*hits_of_id)[id] |= kHitGoldAlias;
  }
}

bool GoldDetector::MayNameGold(const AnalyzedText& text) const {
  // A strong alias is labelled at a token that is its first word (the alias
  // itself, or the first token of the phrase), or is a part of a compound
  // ("mcx-gold"; such tokens are `joined`), whose text then holds a needle.
  // Only the sentences and tokens with one of those bits can (MarkHits).
  constexpr uint16_t kBits = kHitGold | kHitJoined;
  if (!(text.hits & kBits)) return false;
  const uint8_t* strong_first = strong_first_.data();
  const size_t num_ids = strong_first_.size();
  for (const Sentence& s : text.sentences) {
    if (!(s.hits & kBits)) continue;
    for (uint32_t i = s.first_token; i < s.end_token; ++i) {
      const Token& t = text.tokens[i];
      if (!(t.hits & kBits)) continue;
      if (t.id < num_ids && strong_first[t.id]) return true;
      if (!t.joined) continue;
      const std::string_view norm = text.norm(i);
      for (const std::string& needle : needles_) {
        if (norm.find(needle) != std::string_view::npos) return true;
      }
    }
  }
  return false;
}

std::optional<Event> GoldDetector::Detect(const AnalyzedText& text,
                                          uint32_t body_begin) const {
  std::vector<Event> events;
  Scratch scratch;
  Detect(text, body_begin, nullptr, &events, &scratch);
  if (events.empty()) return std::nullopt;
  return std::move(events.front());
}

void GoldDetector::Detect(const AnalyzedText& text, uint32_t body_begin,
                          Recycler* recycler, std::vector<Event>* events,
                          Scratch* scratch) const {
  assert(text.vocabulary_digest == vocabulary_digest_);
  // Most texts never name gold: one look at each token, no allocation.
  if (!MayNameGold(text)) return;
  Matcher matcher(*this, text, &scratch->slots);
  matcher.Run(body_begin, recycler, events);
}

}  // namespace tidings::scoring::internal
