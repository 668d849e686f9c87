// Copyright 2026 The Tidings Authors.
//
// One sentence of the sentiment model (sentiment.h): matching its terms and
// applying the rules to them. Runs per sentence: no allocation beyond the
// caller's scratch vectors.

#include <algorithm>
#include <cassert>
#include <cctype>
#include <cmath>
#include <string_view>
#include <vector>

#include "scoring/internal/sentiment.h"

namespace tidings::scoring::internal {

namespace {

bool IsPunct(const AnalyzedText& text, uint32_t t, std::string_view set) {
  if (text.tokens[t].kind != TokenKind::kSymbol) return false;
  return text.tokens[t].end - text.tokens[t].begin == 1 &&
         set.find(text.text[text.tokens[t].begin]) != std::string_view::npos;
}

// True for "'s", "'" and a lone "s" after "'" (pre-tokenised "company 's").
bool IsPossessive(const AnalyzedText& text, uint32_t t) {
  std::string_view w = text.norm(t);
  if (w == "'s" || w == "'" || w == "\xE2\x80\x99s") return true;
  return w == "s" && t > 0 && text.norm(t - 1) == "'";
}

// Parses the digits of `s` ("3,364.43", "0.6") into `out`; false if `s` is
// not a plain number.
bool ParseDigits(std::string_view s, double* out) {
  double v = 0, frac = 0;
  bool any = false, dot = false;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      any = true;
      if (dot) {
        frac /= 10;
        v += (c - '0') * frac;
      } else {
        v = v * 10 + (c - '0');
      }
    } else if (c == ',' && !dot) {
      continue;
    } else if (c == '.' && !dot) {
      dot = true;
      frac = 1;
    } else {
      return false;
    }
  }
  *out = v;
  return any;
}

// +1 for "+4.2%", -1 for "(-3 %" starting at token `t` (the sign glued to
// the number), else 0. Not after a figure ("7 % -9 %" is a range) nor glued
// to a word ("Covid-19%").
inline int SignedPercent(const AnalyzedText& text, uint32_t t, uint32_t end,
                         uint32_t first) {
  const Token& sign = text.tokens[t];
  if (sign.kind != TokenKind::kSymbol || t + 2 >= end ||
      (text.text[sign.begin] != '+' && text.text[sign.begin] != '-') ||
      sign.end - sign.begin != 1 ||
      text.tokens[t + 1].kind != TokenKind::kNumber ||
      text.tokens[t + 1].begin != text.tokens[t].end ||
      !IsPunct(text, t + 2, "%")) {
    return 0;
  }
  if (t > first && (text.tokens[t - 1].kind == TokenKind::kNumber ||
                    IsPunct(text, t - 1, "%") ||
                    (text.tokens[t - 1].kind == TokenKind::kWord &&
                     text.tokens[t - 1].end == text.tokens[t].begin))) {
    return 0;
  }
  return text.text[text.tokens[t].begin] == '+' ? 1 : -1;
}

bool EndsWithNegation(std::string_view w) {
  if (w.empty() || w.back() != 't') return false;  // Most words, cheaply.
  return (w.size() > 3 && w.substr(w.size() - 3) == "n't") ||
         (w.size() > 5 && w.substr(w.size() - 5) == "n\xE2\x80\x99t");
}

}  // namespace

bool SentimentModel::MayScoreSentence(const AnalyzedText& text,
                                      const Sentence& s) const {
  // No token starts a term that may score, none is joined and none is a
  // sign: the loop below returns false (MarkHits).
  if (!(s.hits & (kHitSentiment | kHitJoined | kHitSign))) return false;
  const Token* tokens = text.tokens.data();
  const uint8_t* kind_of_id = entry_kind_of_id_.data();
  const size_t num_ids = entry_kind_of_id_.size();
  for (uint32_t i = s.first_token; i < s.end_token; ++i) {
    if (!(tokens[i].hits & (kHitSentiment | kHitJoined | kHitSign)) ||
        tokens[i].markup) {
      continue;
    }
    const uint8_t kind =
        tokens[i].id < num_ids ? kind_of_id[tokens[i].id] : kNoEntry;
    if (kind != kNoEntry) {
      if (kind == kScoringEntry) return true;
    } else if (tokens[i].kind != TokenKind::kSymbol
                   ? tokens[i].joined
                   : SignedPercent(text, i, s.end_token, s.first_token) != 0) {
      return true;
    }
  }
  return false;
}

// Rule 1's exception for names: in a sentence-case sentence, a capitalised
// metric after a capitalised word is part of a name ("Neste Oil", "Frozen
// Foods Business"), unless it is an acronym ("Group EPS beats"). Title-case
// headlines ("Gold Prices Rise") are exempt; whether the sentence is one is
// counted when first needed (most sentences never ask).
class SentimentModel::NameCheck {
 public:
  NameCheck(const AnalyzedText& text, const Sentence& s) : text_(text), s_(s) {}

  // Whether the word at token i is inside a name.
  bool operator()(uint32_t i) {
    return text_.tokens[i].capitalized && i > s_.first_token &&
           text_.tokens[i - 1].capitalized &&
           text_.tokens[i - 1].kind == TokenKind::kWord &&
           i - 1 > s_.first_token && !Acronym(i) && !TitleCase();
  }

 private:
  bool Acronym(uint32_t i) const {
    std::string_view w = text_.raw(i);
    return w.size() > 1 && std::all_of(w.begin(), w.end(), [](char c) {
             return c >= 'A' && c <= 'Z';
           });
  }
  bool TitleCase() {
    if (title_case_ < 0) {
      int words = 0, caps = 0;
      for (uint32_t i = s_.first_token; i < s_.end_token; ++i) {
        if (text_.tokens[i].kind != TokenKind::kWord || text_.tokens[i].markup)
          continue;
        ++words;
        caps += text_.tokens[i].capitalized;
      }
      title_case_ = caps * 2 > words;
    }
    return title_case_ == 1;
  }

  const AnalyzedText& text_;
  const Sentence& s_;
  int title_case_ = -1;  // Not counted yet.
};

void SentimentModel::MatchSentence(const AnalyzedText& text, const Sentence& s,
                                   std::vector<Match>* matches) const {
  NameCheck in_name(text, s);
  assert(text.vocabulary_digest == vocabulary_digest_);
  for (uint32_t i = s.first_token; i < s.end_token;) {
    // "$CUT", "#bullish": names, not words. And a token that starts no term,
    // is no hyphenated word ("6-month"), no sign ("+4.2%") and does not end
    // in "n't" matches nothing below.
    if (text.tokens[i].markup ||
        !(text.tokens[i].hits &
          (kHitSentimentTerm | kHitJoined | kHitSign | kHitEndsInT))) {
      ++i;
      continue;
    }
    const Entry* found = FindId(text.tokens[i].id);
    bool suffix_only = false;
    if (found == nullptr && text.tokens[i].joined &&
        text.tokens[i].kind != TokenKind::kSymbol) {
      // "6-month lows", "one-week high": an unknown hyphenated word may
      // start a phrase with its last part ("month lows").
      std::string_view w = text.norm(i);
      size_t dash = w.rfind('-');
      if (dash != std::string_view::npos && dash + 1 < w.size()) {
        found = Find(w.substr(dash + 1));
        suffix_only = true;
      }
    }
    if (found != nullptr) {
      if (const uint32_t n =
              MatchEntry(text, s, *found, i, suffix_only, in_name, matches)) {
        i += n;
        continue;
      }
    } else if (text.tokens[i].kind == TokenKind::kWord) {
      if (EndsWithNegation(text.norm(i))) {
        matches->push_back(Match{i, i + 1, &suffix_negator_});
      }
    } else if (int sign = SignedPercent(text, i, s.end_token, s.first_token)) {
      matches->push_back(
          Match{i, i + 3, sign > 0 ? &signed_rise_ : &signed_fall_});
      i += 3;
      continue;
    }
    ++i;
  }
}

inline uint32_t SentimentModel::MatchEntry(const AnalyzedText& text,
                                           const Sentence& s, const Entry& e,
                                           uint32_t i, bool suffix_only,
                                           NameCheck& in_name,
                                           std::vector<Match>* matches) const {
  const Phrase* best = LongestPhrase(text, s, e, i);
  if (best != nullptr && best->term.metric != 0 && in_name(i)) best = nullptr;
  if (best != nullptr) {
    uint32_t n = static_cast<uint32_t>(best->rest.size()) + 1;
    matches->push_back(Match{i, i + n, &best->term});
    return n;
  }
  if (e.has_single && !suffix_only && !(e.single.metric != 0 && in_name(i))) {
    matches->push_back(Match{i, i + 1, &e.single});
    return 1;
  }
  return 0;
}

inline const SentimentModel::Phrase* SentimentModel::LongestPhrase(
    const AnalyzedText& text, const Sentence& s, const Entry& e, uint32_t i) {
  const bool phrase_may_follow =
      i + 1 < s.end_token &&
      (e.second_words >> (text.tokens[i + 1].id % 64) & 1);
  for (size_t j = 0; phrase_may_follow && j < e.phrases.size(); ++j) {
    const Phrase& p = e.phrases[j];
    if (i + p.rest.size() >= s.end_token) continue;
    bool ok = true;
    for (size_t k = 0; k < p.rest_ids.size() && ok; ++k) {
      ok = text.tokens[i + 1 + k].id == p.rest_ids[k] &&
           !text.tokens[i + 1 + k].markup;
    }
    if (ok) return &p;
  }
  return nullptr;
}

namespace {

// Sentiment-bearing: what a negator or an intensifier attaches to.
bool Bears(const SentimentModel::Term& t) {
  return t.polar != 0 || (t.is_change && t.change != 0) ||
         ((t.flags & SentimentModel::kRating) && t.rating != 0);
}

}  // namespace

// The rules applied to one sentence's matches, one function each (rule
// numbers as in sentiment.h). Made per sentence on the stack: references
// only, nothing allocated.
class SentimentModel::SentenceRules {
 public:
  // `acting`: the indexes of the matches whose term acts (Term::acts), in
  // order, and `acts`, the OR of their acts.
  SentenceRules(const SentimentModel& model, const AnalyzedText& text,
                const Sentence& s, std::vector<Match>& m, const int* at,
                const std::vector<uint32_t>& acting, uint8_t acts)
      : model_(model),
        p_(model.params_),
        text_(text),
        s_(s),
        m_(m),
        at_(at),
        acting_(acting),
        acts_(acts),
        base_(s.first_token) {}

  // Runs rules 2 to 6 in order (rule 1 made the matches) and returns the
  // raw score. Each rule visits only the matches it starts from (the
  // others it would pass over).
  double Apply() {
    ForActing(kActsNegateOrScale, [&](size_t k) { NegateAndScale(k); });  // 2.
    Contrast();                                                           // 3.
    ForActing(kActsChange, [&](size_t k) { PairChange(k); });             // 4.
    if (acts_ & kActsRating) Ratings();                                   // 5.
    ForActing(kActsCompare, [&](size_t k) { Compare(k); });               // 6.
    return Sum();
  }

 private:
  // Calls f(k) for each match k whose term has `bit` in its acts, in order.
  template <typename F>
  void ForActing(uint8_t bit, F f) {
    if (!(acts_ & bit)) return;
    for (const uint32_t k : acting_) {
      if (m_[k].term->acts & bit) f(k);
    }
  }
  int MatchAt(uint32_t t) const { return at_[t - base_]; }
  bool IsMetric(uint32_t t) const {
    const int k = MatchAt(t);
    return k >= 0 && m_[k].term->metric != 0 && m_[k].first == t;
  }
  bool IsRating(uint32_t t) const {
    const int k = MatchAt(t);
    return k >= 0 && (m_[k].term->flags & kRating) && m_[k].first == t;
  }
  // Tokens allowed between a change and its object: plain words and
  // possessives, not numbers, punctuation or rule words.
  bool Skippable(uint32_t t) const {
    if (IsPossessive(text_, t)) return true;
    if (text_.tokens[t].kind != TokenKind::kWord) return false;
    const int k = MatchAt(t);
    if (k < 0) return true;
    const Term& term = *m_[k].term;
    return (term.flags & ~(kDeterminer | kRatingCue)) == 0 && !term.is_change &&
           term.metric == 0;
  }
  static void Flip(Match& x, float factor) {
    x.negated = true;
    x.mult *= factor;
  }

  // Rule 2: negation, reversal and intensity, as multipliers of the terms
  // they reach.
  void NegateAndScale(size_t k) {
    const Term& t = *m_[k].term;
    if (t.flags & kNegator) Negate(k);
    if (t.flags & kReverse) Reverse(k);
    if (t.scale != 0) Intensify(k);
  }
  void Negate(size_t k) {
    for (size_t j = k + 1; j < m_.size(); ++j) {
      if (static_cast<int>(m_[j].first - m_[k].last) >= p_.neg_window) break;
      bool stop = false;
      for (uint32_t q = m_[k].last; q < m_[j].first && !stop; ++q) {
        stop = IsPunct(text_, q, ",;:");
      }
      if (stop || (m_[j].term->flags & (kContrastAfter | kContrastClause))) {
        break;
      }
      if (Bears(*m_[j].term) && !m_[j].negated) {
        Flip(m_[j], p_.negation_factor);
        break;
      }
    }
  }
  // "ends probe", "settles lawsuit", "fears fade": the nearest term with
  // sentiment, after it or else before it, if bad, turns good.
  void Reverse(size_t k) {
    int j = -1;
    if (k + 1 < m_.size() && Bears(*m_[k + 1].term) &&
        static_cast<int>(m_[k + 1].first - m_[k].last) < p_.neg_window) {
      j = static_cast<int>(k + 1);
    } else if (k > 0 && Bears(*m_[k - 1].term) &&
               static_cast<int>(m_[k].first - m_[k - 1].last) < p_.neg_window) {
      j = static_cast<int>(k - 1);
    }
    if (j >= 0 && m_[j].term->polar < 0 && !m_[j].negated) {
      Flip(m_[j], p_.negation_factor);
    }
  }
  void Intensify(size_t k) {
    const Term& t = *m_[k].term;
    // An evaluative intensifier ("record") right before a metric takes the
    // metric's side: "record profit" +, "record debt" -.
    if (t.polar != 0 && k + 1 < m_.size() && m_[k + 1].first == m_[k].last &&
        m_[k + 1].term->metric < 0 && !Bears(*m_[k + 1].term)) {
      m_[k].mult = -m_[k].mult;
    }
    bool done = false;
    auto reach = [&](Match& x) {
      if (!Bears(*x.term)) return;
      if (!x.scaled) x.mult *= t.scale;
      x.scaled = done = true;
    };
    for (size_t j = k + 1; j < m_.size() && !done; ++j) {
      if (static_cast<int>(m_[j].first - m_[k].last) >= p_.scale_window) break;
      reach(m_[j]);
    }
    for (size_t j = k; j-- > 0 && !done;) {
      if (static_cast<int>(m_[k].first - m_[j].last) >= p_.scale_window) break;
      reach(m_[j]);
    }
    // ... and spends its own polarity on what it intensified: "record
    // loss", "record fine" are bad news, not good.
    if (done && t.polar != 0) m_[k].consumed = true;
  }

  // Rule 3: contrast and concession, as multipliers too; and a question
  // ("Will the rally last?") asks rather than reports.
  void Contrast() {
    for (uint32_t q = s_.end_token; q-- > base_;) {
      if (text_.tokens[q].markup || IsPunct(text_, q, "\"')")) continue;
      if (IsPunct(text_, q, "?")) {
        for (Match& x : m_) x.mult *= p_.question_weight;
      }
      break;
    }
    ForActing(kActsContrast, [&](size_t k) {
      const uint16_t f = m_[k].term->flags;
      if (f & kContrastAfter) {
        for (size_t j = 0; j < k; ++j) m_[j].mult *= p_.contrast_before;
      } else if (f & kContrastClause) {
        for (size_t j = k + 1; j < m_.size(); ++j) {
          bool comma = false;
          for (uint32_t q = m_[k].last; q < m_[j].first && !comma; ++q) {
            comma = IsPunct(text_, q, ",;:");
          }
          if (comma) break;
          m_[j].mult *= p_.contrast_clause;
        }
      }
    });
  }

  // Rule 4: change x metric, for the change word at match k.
  void PairChange(size_t k) {
    const Term& ct = *m_[k].term;
    int metric = Destination(k);
    const bool destination = metric >= 0;
    if (!ct.change && !destination) return;  // A shift verb with no target.
    const bool subject = !ct.object_only && !Attributive(k);
    if (!destination) metric = ChangedMetric(k, subject);
    float value;
    if (destination && (m_[metric].term->flags & kRating)) {
      // "cut to Hold" -, "raised to Buy" +: the direction of the change;
      // "turned to Sell": the rating.
      value = ct.change != 0 ? ct.change : m_[metric].term->rating;
    } else if (destination) {
      value = m_[metric].term->metric;
    } else if (metric >= 0) {
      float polarity = m_[metric].term->metric;
      // Beating or missing estimates is the same news for any metric.
      if (ct.flags & kBenchmark) polarity = polarity > 0 ? 1 : -1;
      value = ct.change * polarity;
    } else {
      value = ct.change * p_.default_polarity * WeightAlone(k, subject);
    }
    if (metric >= 0) {
      m_[metric].consumed = true;
      m_[k].partner = metric;
    }
    m_[k].contribution = value * m_[k].mult;
  }
  // a. The destination of "<change> to <metric or rating>" ("swung to a net
  // loss", "cut to Hold"), or -1.
  int Destination(size_t k) const {
    const uint32_t c1 = m_[k].last;
    if (c1 >= s_.end_token) return -1;
    const int d = MatchAt(c1);
    if (d < 0 || !(m_[d].term->flags & kDest)) return -1;
    for (uint32_t q = m_[d].last;
         q < s_.end_token && static_cast<int>(q - m_[d].last) < p_.dest_window;
         ++q) {
      if (IsMetric(q) || IsRating(q)) return MatchAt(q);
      if (!Skippable(q)) break;
    }
    return -1;
  }
  // "on increased tensions", "a rising number": after a determiner or a
  // preposition and before a plain noun, the change word modifies that
  // noun; what comes before it did not change.
  bool Attributive(size_t k) const {
    const uint32_t c0 = m_[k].first, c1 = m_[k].last;
    return c0 > base_ && c1 < s_.end_token && MatchAt(c0 - 1) >= 0 &&
           (m_[MatchAt(c0 - 1)].term->flags & kDeterminer) && MatchAt(c1) < 0 &&
           text_.tokens[c1].kind == TokenKind::kWord &&
           !IsPossessive(text_, c1);
  }
  // b.-e. The metric that changed, by increasing distance: right before
  // ("net loss narrowed", "sales were up"), right after ("cut costs",
  // "higher sales"), a little before, a little after ("increase its
  // sales"), linked after ("increase of 5 % in sales"), far before; -1 if
  // none. Only after it for a verb or an attributive change.
  int ChangedMetric(size_t k, bool subject) const {
    int metric = -1;
    if (subject) metric = Back(k, 1, false);
    if (metric < 0) metric = Forward(k, 1);
    if (metric < 0 && subject) metric = Back(k, p_.window_near, false);
    if (metric < 0) metric = Forward(k, p_.window_forward);
    if (metric < 0 && subject) metric = Linked(k);
    if (metric < 0 && subject) metric = Back(k, p_.window_back, true);
    return metric;
  }
  // "Net sales of the Vegetable Oil Business rose": the head of a noun
  // phrase "<metric> of/in ..." is what changed, not a metric inside it.
  int Head(int j) const {
    for (uint32_t q = m_[j].first; q-- > base_ && m_[j].first - q <= 4;) {
      const int l = MatchAt(q);
      if (l >= 0 && (m_[l].term->flags & kLink)) {
        if (q > base_) {
          const int h = MatchAt(q - 1);
          if (h >= 0 && m_[h].term->metric != 0) return h;
        }
        return j;
      }
      if (!Skippable(q)) return j;
    }
    return j;
  }
  int Back(size_t k, int window, bool far) const {
    const uint32_t c0 = m_[k].first;
    for (uint32_t q = c0; q-- > base_ && static_cast<int>(c0 - q) <= window;) {
      const int j = MatchAt(q);
      if (j >= 0 && m_[j].term->metric != 0) return Head(j);
      if (far) {
        if (IsPunct(text_, q, ";") ||
            (j >= 0 && (m_[j].term->flags & (kContrastAfter | kBlock)))) {
          return -1;
        }
      } else if (IsPunct(text_, q, ",;:()") ||
                 (j >= 0 && m_[j].term->is_change)) {
        return -1;
      }
    }
    return -1;
  }
  int Forward(size_t k, int window) const {
    const uint32_t c1 = m_[k].last;
    for (uint32_t q = c1;
         q < s_.end_token && static_cast<int>(q - c1) <= window; ++q) {
      if (IsMetric(q)) return MatchAt(q);
      // The object may carry a figure: "cut 200 jobs", "won a EUR 28 mn order".
      const bool figure = text_.tokens[q].kind == TokenKind::kNumber ||
                          (MatchAt(q) >= 0 && m_[MatchAt(q)].term->unit > 0);
      if (!figure && !Skippable(q)) return -1;
    }
    return -1;
  }
  int Linked(size_t k) const {
    const uint32_t c1 = m_[k].last;
    bool linked = false;
    for (uint32_t q = c1;
         q < s_.end_token && static_cast<int>(q - c1) < p_.link_window; ++q) {
      const int j = MatchAt(q);
      if (j >= 0 && (m_[j].term->flags & kLink)) linked = true;
      if (linked && IsMetric(q)) return j;
      if (IsPunct(text_, q, ",;:") ||
          (j >= 0 && (m_[j].term->is_change ||
                      (m_[j].term->flags & (kBlock | kDest | kCompare))))) {
        break;
      }
    }
    return -1;
  }
  // The weight of a change that found no metric.
  float WeightAlone(size_t k, bool subject) const {
    const Term& ct = *m_[k].term;
    const uint32_t c0 = m_[k].first, c1 = m_[k].last;
    // A figure after the change ("fell 5.5 %") still says a quantity moved;
    // a bare "expansion" or "grown" says little.
    bool figure = false;
    for (uint32_t q = c1; q < s_.end_token && !figure &&
                          static_cast<int>(q - c1) < p_.figure_window;
         ++q) {
      const std::string_view w = text_.norm(q);
      const int j = MatchAt(q);
      figure = (text_.tokens[q].kind == TokenKind::kNumber &&
                !(w.size() == 4 && w >= "1950" && w <= "2050")) ||
               (j >= 0 && (m_[j].term->flags & kFigure));
    }
    // So does a name right before it ("Infosys slips", "$ACME jumps"): a
    // headline's named stock, index or currency moved.
    const bool named =
        subject && c0 > base_ &&
        text_.tokens[c0 - 1].kind == TokenKind::kWord &&
        (text_.tokens[c0 - 1].markup ||
         (text_.tokens[c0 - 1].capitalized && MatchAt(c0 - 1) < 0));
    const float weight = figure || named ? p_.default_weight : p_.bare_weight;
    if (ct.alone < 0) return weight;
    // A change word's own weight (ALONE) is for a change said of its
    // subject ("Acme soars"); one that modifies the plain noun after it
    // ("high quality", "the lowest bid") says no more than a bare one. (A
    // signed percentage modifies nothing: "+6% premarket".)
    const bool modifies_noun =
        text_.tokens[c0].kind == TokenKind::kWord && c1 < s_.end_token &&
        MatchAt(c1) < 0 && text_.tokens[c1].kind == TokenKind::kWord &&
        !text_.tokens[c1].markup && !IsPossessive(text_, c1);
    return modifies_noun ? std::min(ct.alone, weight) : ct.alone;
  }

  // Rule 5: a rating given as a call ("starts at Buy", "is a sell", "Buy
  // Infosys: expert") has its value; one that a change reached ("cut to
  // Hold") was scored by rule 4.
  void Ratings() {
    uint32_t first_word = base_;
    while (first_word < s_.end_token &&
           (text_.tokens[first_word].kind != TokenKind::kWord ||
            text_.tokens[first_word].markup)) {
      ++first_word;
    }
    ForActing(kActsRating, [&](size_t k) {
      if (m_[k].consumed) return;
      if (k > 0 && (m_[k - 1].term->flags & kCompare) &&
          m_[k].first - m_[k - 1].last <= 1) {
        m_[k].consumed = true;  // "to Hold from Buy": the old rating.
        return;
      }
      const bool cued = k > 0 && (m_[k - 1].term->flags & kRatingCue) &&
                        m_[k].first - m_[k - 1].last <= 1;
      if (cued || m_[k].first == first_word) {
        m_[k].contribution = m_[k].term->rating * m_[k].mult;
        m_[k].consumed = true;  // Its polarity, if any, is in the rating.
      }
    });
  }

  // Rule 6: numeric comparison, "<metric> ... <v1> ... compared to ...
  // <v2>", for the comparison marker at match k.
  void Compare(size_t k) {
    // The subject: the nearest metric before, with no change word between.
    int subject = -1;
    int changed = -1;  // The last change word between the subject and here.
    for (size_t j = k; j-- > 0;) {
      if (static_cast<int>(m_[k].first - m_[j].last) > p_.compare_back) break;
      if (m_[j].term->is_change && changed < 0) changed = static_cast<int>(j);
      if (m_[j].term->metric != 0 && !(m_[j].term->flags & kCompare)) {
        subject = static_cast<int>(j);
        break;
      }
    }
    if (subject < 0) return;
    double v1 = 0, v2 = 0;
    bool has1 = false, has2 = false;
    // The value closest before the marker: "was EUR 1.6 mn in 2005 compared".
    for (uint32_t q = m_[subject].last; q < m_[k].first; ++q) {
      uint32_t next;
      double v;
      if (ReadValue(q, m_[k].first, &v, &next)) {
        v1 = v;
        has1 = true;
        q = next - 1;
      }
    }
    if (!has1) return;
    int other = -1;
    for (uint32_t q = m_[k].last;
         q < s_.end_token &&
         static_cast<int>(q - m_[k].last) < p_.compare_window;
         ++q) {
      if (other < 0 && IsMetric(q)) other = MatchAt(q);
      uint32_t next;
      if (ReadValue(q, s_.end_token, &v2, &next)) {
        has2 = true;
        break;
      }
      if (IsPunct(text_, q, ";")) break;
    }
    const float p1 = m_[subject].term->metric;
    const float p2 = other >= 0 ? m_[other].term->metric : p1;
    // A change word already said which way it went, unless the comparison
    // crosses polarity ("a loss of 0.8, down from a profit of 2.5"): then
    // the comparison decides and the change words between are void.
    const bool crosses = other >= 0 && (p1 > 0) != (p2 > 0);
    if (changed >= 0 && !crosses) return;
    if (crosses) {
      for (int j = subject + 1; j < static_cast<int>(k); ++j) {
        if (m_[j].term->is_change) m_[j].contribution = 0;
      }
    }
    double e1 = v1 * (p1 > 0 ? 1 : -1);
    double e2 = has2 ? v2 * (p2 > 0 ? 1 : -1) : 0;
    if (!has2) {
      // "a loss ... compared to a profit": no second value, but a sign.
      if (other < 0 || (p1 > 0) == (p2 > 0)) return;
      e1 = p1 > 0 ? 1 : -1;
      e2 = -e1;
    }
    const double scale = std::max(std::fabs(e1), std::fabs(e2));
    if (scale == 0 || std::fabs(e1 - e2) / scale < p_.compare_min_rel) return;
    // Same sign but orders of magnitude apart: different units, not a change.
    if (e1 * e2 > 0 && scale / std::min(std::fabs(e1), std::fabs(e2)) > 50) {
      return;
    }
    const float dir = e1 > e2 ? 1.0f : -1.0f;
    // A negative-polarity metric's magnitude matters: its polarity is in e1/e2.
    m_[k].contribution = dir * std::fabs(p1) * p_.compare_weight * m_[k].mult;
    m_[k].partner = subject;
    m_[subject].consumed = true;
    if (other >= 0) m_[other].consumed = true;
  }

  // A number at token t (possibly glued to a currency: "EUR193", "EUR25mn"),
  // with the FPB split decimal "EUR193 .3" and a unit word after it, into
  // *v; *next is the token after it. False if no number starts at t.
  bool ReadValue(uint32_t t, uint32_t end, double* v, uint32_t* next) const {
    const Token& tok = text_.tokens[t];
    std::string_view w = text_.norm(t);
    double x = 0;
    uint32_t q = t + 1;
    if (tok.kind == TokenKind::kNumber) {
      // Skip years and ranges: "2009", "2005-06".
      if (w.find_first_of("-/") != std::string_view::npos) return false;
      if (!ParseDigits(w, &x)) return false;
      bool year = w.size() == 4 && x >= 1950 && x <= 2050;
      if (year) return false;
    } else if (tok.kind == TokenKind::kWord) {
      size_t d = w.find_first_of("0123456789");
      if (d == 0 || d == std::string_view::npos) return false;
      std::string_view prefix = w.substr(0, d);
      const Entry* cur = model_.Find(prefix);
      if (cur == nullptr || !cur->has_single || cur->single.unit != 1) {
        return false;  // Only currency prefixes: "EUR193", not "x20ac".
      }
      size_t e = d;
      while (e < w.size() && (std::isdigit(static_cast<unsigned char>(w[e])) ||
                              w[e] == '.' || w[e] == ',')) {
        ++e;
      }
      if (!ParseDigits(w.substr(d, e - d), &x)) return false;
      std::string_view suffix = w.substr(e);
      if (!suffix.empty()) {
        const Entry* u = model_.Find(suffix);
        if (u != nullptr && u->has_single && u->single.unit > 0)
          x *= u->single.unit;
      }
    } else {
      return false;
    }
    // "193 .3": a split decimal.
    if (q + 1 < end && IsPunct(text_, q, ".") &&
        text_.tokens[q + 1].kind == TokenKind::kNumber &&
        text_.tokens[q + 1].begin == text_.tokens[q].end &&
        text_.tokens[q].begin > tok.end) {
      double frac = 0;
      std::string_view fw = text_.norm(q + 1);
      if (ParseDigits(fw, &frac)) {
        x += frac / std::pow(10.0, static_cast<double>(fw.size()));
        q += 2;
      }
    }
    if (q < end) {
      int j = MatchAt(q);
      if (j >= 0 && m_[j].term->unit > 1) {
        x *= m_[j].term->unit;
        q = m_[j].last;
      }
    }
    // Sign: "-0.4", "a negative EUR 0.83 mn".
    for (uint32_t b = t; b-- > base_ && t - b <= 3;) {
      if (IsPunct(text_, b, "-") && text_.tokens[b].end == tok.begin) {
        x = -x;
        break;
      }
      int j = MatchAt(b);
      if (j >= 0 && (m_[j].term->flags & kNumSign)) {
        x = -x;
        break;
      }
      if (text_.tokens[b].kind == TokenKind::kNumber) break;
    }
    *v = x;
    *next = q;
    return true;
  }

  // Sum: polar terms, and the intrinsic polarity of metrics not consumed.
  double Sum() {
    double raw = 0;
    for (Match& x : m_) {
      const Term& t = *x.term;
      if (t.polar != 0 && !x.consumed) x.contribution += t.polar * x.mult;
      raw += x.contribution;
    }
    return raw;
  }

  const SentimentModel& model_;
  const Params& p_;
  const AnalyzedText& text_;
  const Sentence& s_;
  std::vector<Match>& m_;
  const int* at_;  // Token (from base_) -> match index, -1 for none.
  const std::vector<uint32_t>& acting_;
  const uint8_t acts_;
  const uint32_t base_;
};

double SentimentModel::ScoreMatches(const AnalyzedText& text, const Sentence& s,
                                    std::vector<Match>* matches,
                                    std::vector<int>* token_match,
                                    std::vector<uint32_t>* acting) const {
  std::vector<Match>& m = *matches;
  std::vector<int>& at = *token_match;
  at.assign(s.end_token - s.first_token, -1);
  acting->resize(m.size());  // Capacity: the writes below need no checks.
  uint32_t* out = acting->data();
  uint8_t acts = 0;
  for (size_t k = 0; k < m.size(); ++k) {
    for (uint32_t t = m[k].first; t < m[k].last; ++t) {
      at[t - s.first_token] = static_cast<int>(k);
    }
    const uint8_t a = m[k].term->acts;
    *out = static_cast<uint32_t>(k);  // Kept only if the term acts.
    out += a != 0;
    acts |= a;
  }
  acting->resize(static_cast<size_t>(out - acting->data()));
  return SentenceRules(*this, text, s, m, at.data(), *acting, acts).Apply();
}

}  // namespace tidings::scoring::internal
