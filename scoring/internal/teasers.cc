// Copyright 2026 The Tidings Authors.

#include "scoring/internal/teasers.h"

#include <algorithm>
#include <limits>

#include "scoring/internal/page_text.h"

namespace tidings::scoring::internal {
namespace {

using WC = PageCleaner::WordClass;

// ---------------------------------------------------------------------------
// Tuning of the teaser splitter (see TeaserSplitter::Split). A headline piece
// starts at kBase and must earn its way above the zero that a sentence piece
// costs. Tuned on the dev pages; each weight is a plain linguistic cue.
struct TeaserWeights {
  static constexpr double kBase = -1.0;  // Any headline piece.
  static constexpr double kRun = 1.0;    // Follows another headline.
  static constexpr double kStarterSeam =
      1.0;  // Next piece opens "The", "Why", '"'.
  static constexpr double kRoleSeam = -1.0;  // "minister | Christian Lindner".
  // A seam between two capitals ("pay rise Nicholas | Betts Green") is the
  // weakest: on a tie, a seam before the first capital wins.
  static constexpr double kCapitalRunSeam = -0.1;
  static constexpr double kColon = 2.0;  // "Cost of living: Five tips..."
  static constexpr double kQuestionWord = 1.5;  // "How could...", "Can AI..."
  static constexpr double kQuoted = 1.0;        // "'I earn £22,000...'"
  static constexpr double kQuestionMark = 1.5;  // Ends with '?'.
  static constexpr double kTitleCase =
      2.0;  // "Shuttered NY College Has Alumni"
  static constexpr double kFullStop = -1.0;  // Ends like a sentence.
  static constexpr double kAux = -0.5;       // Each "has", "was", "its".
  static constexpr double kArticle = -0.25;  // Each "the", "a".
  static constexpr double kShort = -0.3;     // Four words or fewer.
  static constexpr int kMaxWords = 20;       // A sentence-case headline.
  static constexpr int kTitleCaseCaps = 6;   // Capitals that make Title Case.
  static constexpr int kMaxTitleCaseWords = 80;  // A Title Case run.
  static constexpr int kColonReach = 41;         // Bytes before the colon.
  // A sentence piece longer than kLongSentence words pays kLongPenalty per
  // extra word: a very long "sentence" usually hides a run of headlines.
  static constexpr int kLongSentence = 30;
  static constexpr double kLongPenalty = 0.1;
  static constexpr double kNoLowerWord =
      -2.0;  // "sentence" without a verb-ish word.
  // A sentence that runs into a headline without a full stop (the source
  // text lost it: "...of the proposed product Pay rise surprise leads...").
  static constexpr double kMissingStop = -1.5;
  static constexpr int kMaxSentenceWords = 150;  // Bounds the search.
};

constexpr double kNegInf = -std::numeric_limits<double>::infinity();

enum TokFlag : uint16_t {
  kCap = 1 << 0,          // Core starts with an upper-case ASCII letter.
  kLowerInit = 1 << 1,    // Core starts with a lower-case ASCII letter.
  kDigitInit = 1 << 2,    // Core starts with a digit.
  kOpenDouble = 1 << 3,   // Raw starts with '"' or '“'.
  kOpenSingle = 1 << 4,   // Raw starts with '\'' or '‘'.
  kSentEnd = 1 << 5,      // A sentence ends after this word.
  kQuestion = 1 << 6,     // Ends with '?' (before closers).
  kFullStop = 1 << 7,     // Ends with '.' or '!' (before closers).
  kNoSeamAfter = 1 << 8,  // Ends with , ; : ( - & or a dash: no seam follows.
  kColonEnd = 1 << 9,     // Ends with ':'.
  kCommaEnd = 1 << 10,    // Ends with ','.
  kHasDouble = 1 << 11,   // Contains a double quote.
  kCurrency = 1 << 12,    // Core starts with '£', '$' or '€'.
  kCloseQuote = 1 << 13,  // Raw ends with a closing single quote.
  // Printable ASCII without '"', starting and ending with a letter or digit
  // ("U.S", "3,364", "Fed's"): its core is itself and it ends no sentence.
  kPlainWord = 1 << 14,
};

using Tok = TeaserScratch::Tok;

// The passes of TeaserSplitter::Tokenize, in order.

// Pass 1, per word: the word [b, e) of `p`, its core, the core's word
// classes and the flags of its first and last characters.
inline Tok ReadWord(const PageCleaner& pc, std::string_view p, size_t b,
                    size_t e) {
  Tok t;
  t.b = static_cast<uint32_t>(b);
  t.e = static_cast<uint32_t>(e);
  std::string_view raw = p.substr(b, e - b);
  std::string_view core = Core(raw);
  t.cb = static_cast<uint32_t>(b + (core.data() - raw.data()));
  t.ce = static_cast<uint32_t>(t.cb + core.size());
  if (!core.empty()) {
    unsigned char c0 = core[0];
    if (IsUpper(c0)) t.flags |= kCap;
    if (IsLower(c0)) t.flags |= kLowerInit;
    if (IsDigit(c0)) t.flags |= kDigitInit;
    if (c0 == '$' || At(core, 0, "\xC2\xA3") || At(core, 0, "\xE2\x82\xAC"))
      t.flags |= kCurrency;
    t.cls = pc.Classes(core);
  }
  if (raw[0] == '"' || At(raw, 0, "\xE2\x80\x9C")) t.flags |= kOpenDouble;
  if (raw[0] == '\'' || At(raw, 0, "\xE2\x80\x98")) t.flags |= kOpenSingle;
  for (size_t k = 0; k < raw.size(); ++k) {
    unsigned char ch = raw[k];
    if (ch == '"' || (ch == 0xE2 && (At(raw, k, "\xE2\x80\x9C") ||
                                     At(raw, k, "\xE2\x80\x9D")))) {
      t.flags |= kHasDouble;
      break;
    }
  }
  std::string_view body = StripClosers(raw);
  if (body.size() < raw.size()) {
    std::string_view tail = raw.substr(body.size());
    if (tail.back() == '\'' ||
        At(tail, tail.size() >= 3 ? tail.size() - 3 : 0, "\xE2\x80\x99")) {
      t.flags |= kCloseQuote;
    }
  }
  if (!body.empty()) {
    char last = body.back();
    if (last == '?') t.flags |= kQuestion;
    if (last == '.' || last == '!') t.flags |= kFullStop;
  }
  char last = raw.back();
  if (last == ',' || last == ';' || last == ':' || last == '(' || last == '-' ||
      last == '&' ||
      (raw.size() >= 3 && (At(raw, raw.size() - 3, "\xE2\x80\x94") ||
                           At(raw, raw.size() - 3, "\xE2\x80\x93")))) {
    t.flags |= kNoSeamAfter;
  }
  if (last == ':') t.flags |= kColonEnd;
  if (last == ',') t.flags |= kCommaEnd;
  return t;
}

// Pass 2, per word: whether a sentence ends after word i of the n words:
// it ends in '.', '!', '?' or an ellipsis that is not an abbreviation's or
// an initial's period, and the next word opens like a sentence.
inline bool EndsSentence(const PageCleaner& pc, std::string_view p,
                         const TeaserScratch& s, size_t n, size_t i) {
  const Tok& t = s.toks[i];
  std::string_view raw = p.substr(t.b, t.e - t.b);
  std::string_view body = StripClosers(raw);
  if (body.empty()) return false;
  char c = body.back();
  bool ellipsis = body.size() >= 3 && At(body, body.size() - 3, "...");
  if (c != '.' && c != '!' && c != '?' && !ellipsis &&
      !At(body, body.size() >= 3 ? body.size() - 3 : 0, "\xE2\x80\xA6")) {
    return false;
  }
  const Tok* next = i + 1 < n ? &s.toks[i + 1] : nullptr;
  std::string_view core = p.substr(t.cb, t.ce - t.cb);
  if (c == '.' && !ellipsis && body.size() == raw.size() &&
      (pc.IsAbbreviation(core) || (core.size() == 1 && IsUpper(core[0])))) {
    // "U.S. officials", "Mr. Smith", "John F. Kennedy": not an end, unless
    // an abbreviation is followed by "The", "He"... ("in the U.S. The").
    bool initial = core.size() == 1;
    if (initial || next == nullptr || !(next->flags & kCap) ||
        !(next->cls & WC::kOpener)) {
      return false;
    }
  }
  if (!ellipsis && next != nullptr) {
    // The next word must open like a sentence: capital, digit or quote.
    std::string_view nraw = p.substr(next->b, next->e - next->b);
    size_t k = OpenerLen(nraw, 0);
    unsigned char d = k < nraw.size() ? nraw[k] : 0;
    if (!IsUpper(d) && !IsDigit(d) &&
        !(next->flags & (kOpenDouble | kOpenSingle)))
      return false;
  }
  return true;
}

// Pass 2: kSentEnd on every word that ends a sentence.
void MarkSentenceEnds(const PageCleaner& pc, std::string_view p,
                      TeaserScratch& s) {
  const size_t n = s.toks.size();
  for (size_t i = 0; i < n; ++i) {
    if (!(s.toks[i].flags & kPlainWord) && EndsSentence(pc, p, s, n, i)) {
      s.toks[i].flags |= kSentEnd;
    }
  }
}

// Pass 3, per word: the seam before word i (TeaserScratch::seam: 0 none, 1
// weak, 2 strong, 3 weak in a run of capitals), a place where a headline or
// a sentence may start without punctuation before it. i is not the first
// of the n words and no sentence ends before it.
inline uint8_t SeamBefore(std::string_view p, const TeaserScratch& s, size_t n,
                          size_t i) {
  const Tok& prev = s.toks[i - 1];
  const Tok& cur = s.toks[i];
  if (prev.flags & (kNoSeamAfter | kFullStop)) return 0;
  if (prev.ce == prev.cb) return 0;
  if (prev.cls & WC::kNonFinal) return 0;
  bool cur_cap = (cur.flags & kCap) != 0;
  bool cur_starter = cur_cap && (cur.cls & WC::kStarter);
  std::string_view praw = p.substr(prev.b, prev.e - prev.b);
  char plast = praw.back();
  bool prev_lowerish =
      (prev.flags & (kLowerInit | kDigitInit | kCurrency | kQuestion)) ||
      plast == '!' || (prev.flags & kCloseQuote);
  if (!prev_lowerish) {
    // A capitalised word after a lower-case one ("on Tuesday Exchange
    // rates:", "to buy Twitter Australia's") may end a headline too.
    bool low_ctx = i >= 2 && (s.toks[i - 2].flags & kLowerInit);
    // In Title Case, the sentence after a headline starts at the last
    // capital before lower-case text ("...Cost of Living Squeeze Hundreds
    // of photos", "...Post Office Scandal \"I've had").
    bool sentence_next = (cur.flags & kCommaEnd) ||
                         (i + 1 < n && (s.toks[i + 1].flags & kLowerInit) &&
                          !(s.toks[i + 1].cls & WC::kMinor)) ||
                         (i + 2 < n && (s.toks[i + 1].cls & WC::kMinor) &&
                          (s.toks[i + 2].flags & kLowerInit) &&
                          !(s.toks[i + 2].cls & WC::kMinor));
    if ((prev.flags & (kCommaEnd | kColonEnd))) return 0;
    if ((cur.flags & kOpenDouble) && (cur.flags & kCap)) return 2;
    if (low_ctx && cur_cap) return cur_starter ? 2 : 3;
    if (cur_cap && sentence_next && (prev.flags & kCap)) {
      return cur_starter ? 2 : 1;
    }
    if (cur_starter) {
      std::string_view cc = p.substr(cur.cb, cur.ce - cur.cb);
      if (!(cc.size() == 1 && (cc[0] == 'A' || cc[0] == 'I'))) return 2;
    }
    return 0;
  }
  if ((cur.flags & kOpenDouble) && (cur.flags & (kCap | kDigitInit))) {
    return 2;  // '...pay rise "He did once attend...'
  }
  bool hyphen_number = false;
  if (cur.flags & kDigitInit) {
    // "10-year-old passport meant..."
    size_t k = cur.cb;
    while (k < cur.ce && IsDigit(p[k])) ++k;
    hyphen_number = k + 1 < cur.ce && p[k] == '-' && IsLower(p[k + 1]);
  }
  if (!cur_cap && !hyphen_number) return 0;
  return cur_starter ? 2 : 1;
}

// Pass 3: the segment ends (paragraph ends and sentence ends) and the seams
// inside segments.
void MarkSeams(std::string_view p, TeaserScratch& s) {
  const size_t n = s.toks.size();
  s.seam.assign(n + 1, 0);
  s.seg_end.assign(n + 1, 0);
  s.seg_end[0] = 1;
  s.seg_end[n] = 1;
  for (size_t i = 0; i < n; ++i) {
    if (s.toks[i].flags & kSentEnd) s.seg_end[i + 1] = 1;
  }
  for (size_t i = 1; i < n; ++i) {
    if (!s.seg_end[i]) s.seam[i] = SeamBefore(p, s, n, i);
  }
}

// Pass 4: the prefix counts of the word kinds that HeadlineScore weighs.
void CountWords(TeaserScratch& s) {
  const size_t n = s.toks.size();
  s.cnt.resize(n + 1);
  s.cnt[0] = TeaserScratch::Counts();
  for (size_t i = 0; i < n; ++i) {
    const Tok& t = s.toks[i];
    TeaserScratch::Counts c = s.cnt[i];
    c.lower += (t.flags & kLowerInit) && !(t.cls & WC::kMinor);
    c.caps += (t.flags & kCap) != 0;
    c.fcap += (t.flags & kCap) && (t.cls & (WC::kStarter | WC::kNonFinal));
    c.prose += (t.cls & WC::kProse) != 0;
    c.aux += (t.cls & WC::kAux) != 0;
    c.art += (t.cls & WC::kArticle) != 0;
    c.dquote += (t.flags & kHasDouble) != 0;
    c.clause +=
        i > 0 && (s.toks[i - 1].flags & kCommaEnd) && (t.cls & WC::kClause);
    c.comma += (t.flags & kCommaEnd) != 0;
    c.minor += (t.flags & kLowerInit) && (t.cls & WC::kMinor);
    s.cnt[i + 1] = c;
  }
}

}  // namespace

void TeaserSplitter::Tokenize(std::string_view p) {
  Scratch& s = scratch_;
  s.toks.clear();
  // The words as ForEachWord finds them. Most are plain (kPlainWord), which
  // ReadWord would find to have no opener, closer or quote: only the case
  // of their first byte and their word classes are read.
  const size_t n = p.size();
  size_t i = 0;
  while (i < n) {
    if (const size_t sp = SpaceLen(p, i); sp != 0) {
      i += sp;
      continue;
    }
    const size_t b = i;
    bool plain = true;  // Printable ASCII, no '"'.
    while (i < n) {
      const unsigned char c = p[i];
      if (c > ' ' && c < 0x80) {
        plain &= c != '"';
        ++i;
      } else if (SpaceLen(p, i) == 0) {
        plain = false;
        ++i;
      } else {
        break;
      }
    }
    const unsigned char first = p[b], last = p[i - 1];
    if (!plain || !IsAlnum(first) || !IsAlnum(last)) {
      s.toks.push_back(ReadWord(pc_, p, b, i));
      continue;
    }
    Tok& t = s.toks.emplace_back();
    t.b = t.cb = static_cast<uint32_t>(b);
    t.e = t.ce = static_cast<uint32_t>(i);
    t.flags = kPlainWord | (IsUpper(first)   ? kCap
                            : IsLower(first) ? kLowerInit
                                             : kDigitInit);
    t.cls = pc_.Classes(p.substr(b, i - b));
  }
  MarkSentenceEnds(pc_, p, s);
  MarkSeams(p, s);
  CountWords(s);
}

inline double TeaserSplitter::HeadlineScore(std::string_view p, uint32_t a,
                                            uint32_t b,
                                            bool after_teaser) const {
  using W = TeaserWeights;
  const Scratch& s = scratch_;
  const Scratch::Counts& ca = s.cnt[a];
  const Scratch::Counts& cb = s.cnt[b];
  const int n = static_cast<int>(b - a);
  const Tok& first = s.toks[a];
  const Tok& last = s.toks[b - 1];
  const bool question = (last.flags & kQuestion) != 0;
  // Title Case: no lower-case word but short function words, and at least
  // four capitalised words one of which is a capitalised function word
  // ("Shuttered NY College Has Alumni"), or, inside a paragraph, at least six
  // with a lower-case "for", "a"... and no comma ("Brokers Weigh a Quieter
  // Peak Season for Carriers"), which lists of names do not look like.
  int caps = cb.caps - ca.caps;
  int fcap = cb.fcap - ca.fcap;
  if ((first.flags & kCap) && (first.cls & (WC::kStarter | WC::kNonFinal)))
    --fcap;
  const bool title_case =
      cb.lower == ca.lower &&
      ((caps >= 4 && fcap >= 1) ||
       (a > 0 && caps >= W::kTitleCaseCaps && cb.minor > ca.minor &&
        cb.comma - ca.comma - ((last.flags & kCommaEnd) ? 1 : 0) == 0));

  if (n < 3 && !(n == 2 && question && after_teaser)) return kNegInf;
  if (n > W::kMaxWords && !(title_case && n <= W::kMaxTitleCaseWords))
    return kNegInf;
  if (first.ce == first.cb) return kNegInf;
  const bool quoted = (first.flags & kOpenSingle) != 0;
  if (!(first.flags & (kCap | kDigitInit | kCurrency)) && !quoted)
    return kNegInf;
  if ((last.cls & WC::kNonFinal) && !question && !title_case) return kNegInf;
  if ((first.cls & WC::kPronoun) && !quoted) return kNegInf;
  if (cb.clause - s.cnt[a + 1].clause > 0) return kNegInf;
  if (cb.dquote - ca.dquote > 0) return kNegInf;
  if (cb.prose - ca.prose > 0) return kNegInf;

  double score = W::kBase;
  // "Topic: rest of headline" with the colon early.
  for (uint32_t k = a; k + 1 < b && s.toks[k].e - first.b <= W::kColonReach;
       ++k) {
    if (s.toks[k].flags & kColonEnd) {
      score += W::kColon;
      break;
    }
  }
  if ((first.flags & kCap) && (first.cls & WC::kQuestion))
    score += W::kQuestionWord;
  if (quoted) score += W::kQuoted;
  if (question) score += W::kQuestionMark;
  if (title_case) score += W::kTitleCase;
  if ((last.flags & kFullStop) && !title_case) score += W::kFullStop;
  score += W::kAux * (cb.aux - ca.aux);
  score += W::kArticle * (cb.art - ca.art);
  if (n <= 4) score += W::kShort;
  return score;
}

namespace {

// The pieces of TeaserSplitter::Split's dynamic programme. Node b of
// TeaserScratch::nodes holds the best score of the words [0, b) ending in a
// headline piece (t) and in a sentence piece (s), and where each came from.

// What a headline piece ending before word b earns for the seam there: a
// strong seam ("... | The", "... | Why") more, a seam in a run of
// capitals or after a role word ("minister | Christian Lindner") less.
inline double SeamBonus(const TeaserScratch& s, uint32_t b) {
  using W = TeaserWeights;
  if (b >= s.toks.size() || s.seam[b] == 0) {
    return 0.0;  // Paragraph or sentence end.
  }
  if (s.seam[b] == 2) return W::kStarterSeam;
  double bonus = s.seam[b] == 3 ? W::kCapitalRunSeam : 0.0;
  if (s.toks[b - 1].cls & WC::kRole) bonus += W::kRoleSeam;
  return bonus;
}

// The sentence pieces [a, b) for every earlier point a of the segment
// [s0, s1) (pts[0, j)): a sentence piece ends at the segment end or, having
// lost its full stop, right before a headline (a seam; only a headline may
// follow). It costs nothing unless very long, without a lower-case word or
// missing its stop.
inline void EndSentencesAt(TeaserScratch& s, size_t j, uint32_t s0,
                           uint32_t s1) {
  using W = TeaserWeights;
  const uint32_t b = s.pts[j];
  TeaserScratch::Node& nb = s.nodes[b];
  for (size_t i = 0; i < j; ++i) {
    const uint32_t a = s.pts[i];
    const TeaserScratch::Node& na = s.nodes[a];
    int len = static_cast<int>(b - a);
    if (b != s1 && len > W::kMaxSentenceWords) continue;
    double cost = -W::kLongPenalty * std::max(0, len - W::kLongSentence);
    if (s.cnt[b].lower == s.cnt[a].lower) cost += W::kNoLowerWord;
    if (b != s1) cost += W::kMissingStop;
    if (a == s0 && s.nodes[s0].s > kNegInf && (a == 0 || s.seg_end[a]) &&
        na.s + cost > nb.s) {
      nb.s = na.s + cost;
      nb.s_from = static_cast<int>(a);
      nb.s_from_t = false;
    }
    // After a headline, a tie between "the whole segment is a sentence"
    // and "a headline, then a sentence" goes to the headline.
    if (na.t > kNegInf &&
        (na.t + cost > nb.s || (a > s0 && nb.s_from == static_cast<int>(s0) &&
                                nb.s_from_t && na.t + cost == nb.s))) {
      nb.s = na.t + cost;
      nb.s_from = static_cast<int>(a);
      nb.s_from_t = true;
    }
  }
}

// The pieces of the best labelling of all n words, walked back from the
// end, in order.
void WalkBack(const TeaserScratch& s, uint32_t n, std::vector<Piece>* pieces) {
  bool teaser = s.nodes[n].t >= s.nodes[n].s;
  uint32_t pos = n;
  while (pos > 0) {
    const TeaserScratch::Node& nd = s.nodes[pos];
    int from = teaser ? nd.t_from : nd.s_from;
    bool from_t = teaser ? nd.t_from_t : nd.s_from_t;
    if (from < 0) {  // Unreachable in practice; keep the text.
      pieces->push_back({0, pos, false});
      break;
    }
    pieces->push_back({static_cast<uint32_t>(from), pos, teaser});
    pos = static_cast<uint32_t>(from);
    teaser = from_t;
  }
  std::reverse(pieces->begin(), pieces->end());
}

}  // namespace

void TeaserSplitter::Split(std::string_view p, std::vector<Piece>* pieces) {
  Tokenize(p);
  Scratch& s = scratch_;
  const uint32_t n = static_cast<uint32_t>(s.toks.size());
  pieces->clear();
  if (n == 0) return;
  s.nodes.assign(n + 1, Scratch::Node());
  s.nodes[0].s = 0;
  // One segment (between sentence ends) at a time; pieces end at its seams.
  uint32_t s0 = 0;
  while (s0 < n) {
    uint32_t s1 = s0 + 1;
    while (s1 < n && !s.seg_end[s1]) ++s1;
    s.pts.clear();
    s.pts.push_back(s0);
    for (uint32_t i = s0 + 1; i < s1; ++i) {
      if (s.seam[i]) s.pts.push_back(i);
    }
    s.pts.push_back(s1);
    for (size_t j = 1; j < s.pts.size(); ++j) {
      EndHeadlinesAt(p, j);
      EndSentencesAt(s, j, s0, s1);
    }
    s0 = s1;
  }
  WalkBack(s, n, pieces);
}

inline void TeaserSplitter::EndHeadlinesAt(std::string_view p, size_t j) {
  using W = TeaserWeights;
  Scratch& s = scratch_;
  const uint32_t b = s.pts[j];
  Scratch::Node& nb = s.nodes[b];
  for (size_t i = 0; i < j; ++i) {
    const uint32_t a = s.pts[i];
    if (b - a > static_cast<uint32_t>(W::kMaxTitleCaseWords)) continue;
    const Scratch::Node& na = s.nodes[a];
    if (na.s > kNegInf) {  // At s0, or where a sentence lost its stop.
      double h = HeadlineScore(p, a, b, false);
      if (h > kNegInf) {
        double sc = na.s + h + SeamBonus(s, b);
        if (sc > nb.t) {
          nb.t = sc;
          nb.t_from = static_cast<int>(a);
          nb.t_from_t = false;
        }
      }
    }
    if (na.t > kNegInf) {
      double h = HeadlineScore(p, a, b, true);
      if (h > kNegInf) {
        double sc = na.t + h + SeamBonus(s, b) + W::kRun;
        if (sc > nb.t) {
          nb.t = sc;
          nb.t_from = static_cast<int>(a);
          nb.t_from_t = true;
        }
      }
    }
  }
}

}  // namespace tidings::scoring::internal
