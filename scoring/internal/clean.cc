// Copyright 2026 The Tidings Authors.

#include "scoring/internal/clean.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scoring/internal/absl_compat.h"

namespace tidings::scoring::internal {
namespace {

using WC = PageCleaner::WordClass;
using Action = PageCleaner::BoilerAction;

// ---------------------------------------------------------------------------
// Tuning of the teaser splitter (see SplitTeasers). A headline piece starts
// at kBase and must earn its way above the zero that a sentence piece costs.
// Tuned on the dev pages; each weight is a plain linguistic cue.
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

// Lines at most this many words long are looked up in the boilerplate table.
constexpr size_t kMaxBoilerWords = 30;
// A line without final punctuation and fewer words than this is a headline.
constexpr size_t kHeadlineWords = 20;
// Titles are at most this many words.
constexpr size_t kMaxTitleWords = 30;
// A weak title (outside any article) must be followed by this much prose.
constexpr size_t kMinBodyWordsAfterWeakTitle = 12;
// Copies of a title may be this many non-blank debris lines apart.
constexpr int kTitleRepeatReach = 8;
// An inline "©..." tail is at most this many words.
constexpr size_t kMaxCopyrightTailWords = 8;

// --- UTF-8 and character helpers --------------------------------------------

inline bool IsUpper(unsigned char c) { return c >= 'A' && c <= 'Z'; }
inline bool IsLower(unsigned char c) { return c >= 'a' && c <= 'z'; }
inline bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
inline bool IsAlnum(unsigned char c) {
  return IsUpper(c) || IsLower(c) || IsDigit(c);
}
inline char ToLower(char c) {
  return IsUpper(c) ? static_cast<char>(c + 32) : c;
}

inline bool At(std::string_view s, size_t i, std::string_view what) {
  return s.size() >= i + what.size() && s[i] == what[0] &&
         std::memcmp(s.data() + i + 1, what.data() + 1, what.size() - 1) == 0;
}

// Length of a white-space character at s[i] (ASCII space, NBSP, U+2000..U+200B,
// U+202F, U+205F, U+3000, BOM), or 0.
inline size_t SpaceLen(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c > ' ' && c < 0x80) return 0;
  if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' || c == '\n')
    return 1;
  if (c == 0xC2 && i + 1 < s.size() &&
      static_cast<unsigned char>(s[i + 1]) == 0xA0)
    return 2;
  if (c == 0xE2 && i + 2 < s.size()) {
    unsigned char c1 = s[i + 1], c2 = s[i + 2];
    if (c1 == 0x80 && (c2 <= 0x8B || c2 == 0xAF)) return 3;
    if (c1 == 0x81 && c2 == 0x9F) return 3;
  }
  if (c == 0xE3 && At(s, i, "\xE3\x80\x80")) return 3;
  if (c == 0xEF && At(s, i, "\xEF\xBB\xBF")) return 3;
  return 0;
}

// Length of the white-space character ending at s[e-1], or 0.
inline size_t SpaceLenBefore(std::string_view s, size_t e) {
  if (e == 0) return 0;
  if (SpaceLen(s, e - 1) == 1) return 1;
  if (e >= 2 && SpaceLen(s, e - 2) == 2) return 2;
  if (e >= 3 && SpaceLen(s, e - 3) == 3) return 3;
  return 0;
}

std::string_view Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e) {
    size_t n = SpaceLen(s, b);
    if (n == 0) break;
    b += n;
  }
  while (e > b) {
    size_t n = SpaceLenBefore(s, e);
    if (n == 0) break;
    e -= n;
  }
  return s.substr(b, e - b);
}

// Offset of the last "©" (C2 A9) in `s` that starts at or after `from`, or
// npos. The sign is rare: memchr finds the few 0xC2 bytes.
size_t RFindCopyright(std::string_view s, size_t from) {
  size_t found = std::string_view::npos;
  const char* const begin = s.data();
  const char* const end = begin + s.size();
  for (const char* p = begin + std::min(from, s.size()); p + 1 < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, 0xC2, end - 1 - p));
    if (p == nullptr) break;
    if (p[1] == '\xA9') found = static_cast<size_t>(p - begin);
  }
  return found;
}

// Opening quotes and brackets that may precede a word.
inline size_t OpenerLen(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c == '"' || c == '\'' || c == '(' || c == '[') return 1;
  if (At(s, i, "\xE2\x80\x9C") || At(s, i, "\xE2\x80\x98")) return 3;  // “ ‘
  if (At(s, i, "\xC2\xAB")) return 2;                                  // «
  return 0;
}

// Closing quotes and brackets that may follow a word or a full stop.
inline size_t CloserLenBefore(std::string_view s, size_t e) {
  if (e == 0) return 0;
  unsigned char c = s[e - 1];
  if (c == '"' || c == '\'' || c == ')' || c == ']') return 1;
  if (e >= 3 && (At(s, e - 3, "\xE2\x80\x9D") || At(s, e - 3, "\xE2\x80\x99")))
    return 3;
  if (e >= 2 && At(s, e - 2, "\xC2\xBB")) return 2;
  return 0;
}

// Strips closing quotes and brackets from the end of `s`.
std::string_view StripClosers(std::string_view s) {
  size_t e = s.size();
  while (e > 0) {
    size_t n = CloserLenBefore(s, e);
    if (n == 0) break;
    e -= n;
  }
  return s.substr(0, e);
}

// Whether `s` ends like a sentence: ".", "!", "?", "..." possibly followed by
// closing quotes or brackets.
bool EndsLikeSentence(std::string_view s) {
  s = StripClosers(s);
  if (s.empty()) return false;
  char c = s.back();
  return c == '.' || c == '!' || c == '?' ||
         At(s, s.size() >= 3 ? s.size() - 3 : 0, "\xE2\x80\xA6");
}

// The word itself: `raw` without leading opening quotes/brackets and without
// trailing punctuation, closing quotes and brackets.
std::string_view Core(std::string_view raw) {
  size_t b = 0;
  while (b < raw.size()) {
    size_t n = OpenerLen(raw, b);
    if (n == 0) break;
    b += n;
  }
  size_t e = raw.size();
  while (e > b) {
    size_t n = CloserLenBefore(raw, e);
    if (n == 0) {
      char c = raw[e - 1];
      if (c == ',' || c == ';' || c == ':' || c == '.' || c == '!' || c == '?')
        n = 1;
    }
    if (n == 0) break;
    e -= n;
  }
  return raw.substr(b, e - b);
}

// Lower-cases ASCII letters of `s` into `buf` (size `cap`); returns the view,
// or an empty view when `s` does not fit.
inline std::string_view LowerInto(std::string_view s, char* buf, size_t cap) {
  if (s.size() > cap) return {};
  for (size_t i = 0; i < s.size(); ++i) buf[i] = ToLower(s[i]);
  return std::string_view(buf, s.size());
}

// Calls f(begin, end) for each white-space separated word of `s`.
template <typename F>
void ForEachWord(std::string_view s, F&& f) {
  size_t i = 0, n = s.size();
  while (i < n) {
    size_t sp = SpaceLen(s, i);
    if (sp != 0) {
      i += sp;
      continue;
    }
    size_t b = i;
    while (i < n && SpaceLen(s, i) == 0) ++i;
    f(b, i);
  }
}

// Number of words in `s`, counting at most `cap` (the callers only compare
// small counts, and paragraphs can be long).
size_t CountWords(std::string_view s, size_t cap = 32) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t n = 0, i = 0;
  bool in_word = false;
  while (i < s.size() && n < cap) {
    if (i + 8 <= s.size()) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if ((((w - 0x20 * kOnes) & ~w) | w) & kHigh) {
        // A control character or a non-ASCII byte: one byte at a time below.
      } else {
        // Eight printable ASCII bytes, where only ' ' separates words: the
        // high bit of each byte of `word` tells whether it is not a space;
        // words start where such a byte follows a space.
        const uint64_t x = w ^ (0x20 * kOnes);
        const uint64_t word = (((x & ~kHigh) + ~kHigh) | x) & kHigh;
        const uint64_t prev = word << 8 | (in_word ? 0x80 : 0);
        // Count the starts: one bit per byte, summed into the top byte by
        // the multiplication (std::popcount is a library call without
        // -mpopcnt).
        n += (((word & ~prev) >> 7) * kOnes) >> 56;
        in_word = (word >> 63) != 0;
        i += 8;
        continue;
      }
    }
    size_t sp = SpaceLen(s, i);
    if (sp != 0) {
      in_word = false;
      i += sp;
      continue;
    }
    if (!in_word) ++n;
    in_word = true;
    ++i;
  }
  return std::min(n, cap);
}

// Writes the boilerplate-matching form of `line` into `out`: ASCII lower
// case, single spaces, a leading bullet and trailing ':' or '.' dropped.
void NormalizeForBoilerplate(std::string_view line, std::string* out) {
  out->clear();
  ForEachWord(line, [&](size_t b, size_t e) {
    if (!out->empty()) out->push_back(' ');
    for (size_t i = b; i < e; ++i) out->push_back(ToLower(line[i]));
  });
  while (!out->empty() &&
         (out->back() == ':' || out->back() == '.' || out->back() == ' ')) {
    out->pop_back();
  }
}

// Bullets that sites put before debris ("• Yahoo").
inline size_t BulletLen(std::string_view s) {
  if (s.empty()) return 0;
  if (At(s, 0, "\xE2\x80\xA2") || At(s, 0, "\xE2\x80\xA3") ||
      At(s, 0, "\xE2\x97\x8F") || At(s, 0, "\xE2\x96\xAA") ||
      At(s, 0, "\xE2\x80\xBA")) {
    return 3;  // • ‣ ● ▪ ›
  }
  if (At(s, 0, "\xC2\xB7") || At(s, 0, "\xC2\xBB")) return 2;  // · »
  if (s[0] == '*' || s[0] == '|') return 1;
  return 0;
}

// Length of a date at the end of `w` ("04-03-2025", "04/03/2025",
// "2025-03-04"), or 0.
size_t TrailingDateLen(std::string_view w) {
  auto digits = [&](size_t b, size_t n) {
    for (size_t i = b; i < b + n; ++i) {
      if (!IsDigit(w[i])) return false;
    }
    return true;
  };
  auto sep = [&](size_t i) {
    return w[i] == '-' || w[i] == '/' || w[i] == '.';
  };
  if (w.size() < 8) return 0;
  size_t n = w.size();
  if (n >= 10 && digits(n - 10, 2) && sep(n - 8) && digits(n - 7, 2) &&
      sep(n - 5) && digits(n - 4, 4)) {
    return 10;
  }
  if (n >= 10 && digits(n - 10, 4) && sep(n - 6) && digits(n - 5, 2) &&
      sep(n - 3) && digits(n - 2, 2)) {
    return 10;
  }
  return 0;
}

uint64_t TitleKey(std::string_view s) {
  // FNV-1a over ASCII-lower-cased letters and digits (and non-ASCII bytes).
  uint64_t h = 1469598103934665603ull;
  for (char ch : s) {
    unsigned char c = ch;
    if (c < 0x80 && !IsAlnum(c)) continue;
    h ^= static_cast<unsigned char>(ToLower(ch));
    h *= 1099511628211ull;
  }
  return h;
}

// What ClassifyShape needs of every line, in one pass over its bytes instead
// of three: the word count (as CountWords(t)), and, for a line of at most
// kMaxDetailWords words, its TitleKey in *key and its boilerplate form
// (as NormalizeForBoilerplate(t)) in *norm. Past kMaxDetailWords words the
// scan only counts on (up to CountWords' cap); *key and *norm are then
// unspecified.
constexpr size_t kMaxDetailWords = std::max(kMaxTitleWords, kMaxBoilerWords);
// Also records in word_starts[k] where word k starts in *norm (for a line of
// at most kMaxDetailWords words; the last ones may lie past the end of *norm
// once its final ':', '.' and spaces are dropped).
size_t ScanLine(std::string_view t, uint64_t* key, std::string* norm,
                uint32_t* word_starts) {
  norm->resize(t.size());
  char* out = norm->data();
  size_t len = 0;
  uint64_t h = 1469598103934665603ull;  // TitleKey's FNV-1a.
  size_t words = 0;
  const size_t n = t.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = t[i];
    const size_t sp = (c > ' ' && c < 0x80) ? 0 : SpaceLen(t, i);
    if (sp != 0) {
      // TitleKey skips ASCII spaces but hashes the bytes of other ones (as
      // it hashes every byte that is not ASCII, or is a letter or digit).
      for (size_t k = 0; c >= 0x80 && k < sp; ++k) {
        const unsigned char b = t[i + k];
        if (b < 0x80 && !IsAlnum(b)) continue;
        h ^= static_cast<unsigned char>(ToLower(static_cast<char>(b)));
        h *= 1099511628211ull;
      }
      i += sp;
      continue;
    }
    // A word starts at i.
    if (words == kMaxDetailWords) {
      return words + CountWords(t.substr(i), 32 - kMaxDetailWords);
    }
    if (len != 0) out[len++] = ' ';
    word_starts[words] = static_cast<uint32_t>(len);
    ++words;
    // Plain ASCII bytes of the word, then any other byte that is not a space.
    do {
      unsigned char b = t[i];
      while (b > ' ' && b < 0x80) {
        const char lower = ToLower(static_cast<char>(b));
        out[len++] = lower;
        if (IsAlnum(b)) {
          h ^= static_cast<unsigned char>(lower);
          h *= 1099511628211ull;
        }
        if (++i == n) break;
        b = t[i];
      }
      if (i == n || SpaceLen(t, i) != 0) break;
      out[len++] = static_cast<char>(b);  // Not ASCII (kept), or a control.
      if (b >= 0x80) {
        h ^= b;
        h *= 1099511628211ull;
      }
      ++i;
    } while (i < n);
  }
  while (len > 0 && (out[len - 1] == ':' || out[len - 1] == '.' ||
                     out[len - 1] == ' ')) {
    --len;
  }
  norm->resize(len);
  *key = h;
  return words;
}

// A word of at most 8 bytes, ASCII-lower-cased and packed into an integer
// (zero-padded; text holds no NUL bytes, so the packing is one to one).
inline uint64_t PackWord(std::string_view w) {
  uint64_t v = 0;
  for (size_t i = 0; i < w.size(); ++i) {
    v |= static_cast<uint64_t>(static_cast<unsigned char>(ToLower(w[i])))
         << (8 * i);
  }
  return v;
}

absl::Status RowError(std::string_view file, const LexiconRow& row,
                      std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(std::string(file), ":", row.line, ": ", std::string(what)));
}

// ---------------------------------------------------------------------------
// Lines of a page.

enum class LineKind : uint8_t {
  kBlank,
  kDrop,      // Chrome: removed.
  kEnd,       // Chrome or copyright that closes the current article.
  kDebris,    // Site, date, time, bullet or one-word debris.
  kHeadline,  // Short, without final punctuation.
  kProse,     // Ends like a sentence, or long.
};

struct Line {
  std::string_view text;  // Trimmed.
  LineKind kind = LineKind::kBlank;
  uint32_t words = 0;    // Word count, capped at 32 (see CountWords).
  uint64_t key = 0;      // TitleKey(text).
  uint32_t content = 0;  // Bytes of text before an inline "©..." tail.
};

// ---------------------------------------------------------------------------
// Words of a paragraph, for the teaser splitter.

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
};

struct Tok {
  uint32_t b = 0, e = 0;    // Raw word [b, e) in the paragraph.
  uint32_t cb = 0, ce = 0;  // Its core.
  uint16_t cls = 0;         // Word classes of the core.
  uint16_t flags = 0;
};

// Per-paragraph working state, reused across paragraphs of one Clean() call.
struct Scratch {
  std::vector<Tok> toks;
  // seam[i]: 0 none, 1 weak, 2 strong, 3 weak inside a run of capitals
  // ("on Tuesday | Exchange rates"), before token i.
  std::vector<uint8_t> seam;
  std::vector<uint8_t> seg_end;  // seg_end[i]: a sentence ends before tok i.
  // Prefix counts over tokens [0, i).
  struct Counts {
    uint32_t lower = 0;   // Lower-case words other than short function words.
    uint32_t caps = 0;    // Capitalised words.
    uint32_t fcap = 0;    // Capitalised function words ("Has", "Its").
    uint32_t prose = 0;   // "said", "told".
    uint32_t aux = 0;     // "has", "was", "its".
    uint32_t art = 0;     // "the", "a", "an".
    uint32_t dquote = 0;  // Words with a double quote.
    uint32_t clause = 0;  // ", which" openers.
    uint32_t comma = 0;   // Words ending with a comma.
    uint32_t minor = 0;   // Lower-case short function words ("for", "a").
  };
  std::vector<Counts> cnt;  // cnt[i]: counts over tokens [0, i).
  struct Node {
    double t = kNegInf, s = kNegInf;
    int t_from = -1, s_from = -1;
    bool t_from_t = false, s_from_t = false;
  };
  std::vector<Node> nodes;
  std::vector<uint32_t> pts;
  std::string norm;  // Boilerplate-normalised line.
  uint32_t norm_words[kMaxDetailWords];  // Where its words start (ScanLine).
};

// A piece [a, b) of a paragraph, labelled headline (teaser) or sentence.
struct Piece {
  uint32_t a, b;
  bool teaser;
};

}  // namespace

// ---------------------------------------------------------------------------
// Lexicons.

absl::StatusOr<PageCleaner> PageCleaner::Create(const LexiconSet& lexicons) {
  PageCleaner c;
  {
    constexpr std::string_view kFile = "headline_words.tsv";
    auto rows = lexicons.Rows(kFile, 2, 2);
    if (!rows.ok()) return rows.status();
    static constexpr std::pair<std::string_view, uint16_t> kNames[] = {
        {"minor", kMinor},       {"nonfinal", kNonFinal}, {"starter", kStarter},
        {"question", kQuestion}, {"pronoun", kPronoun},   {"prose", kProse},
        {"aux", kAux},           {"article", kArticle},   {"clause", kClause},
        {"role", kRole},         {"timeunit", kTimeUnit}, {"month", kMonth},
        {"dateword", kDateWord},
    };
    for (const LexiconRow& row : *rows) {
      uint16_t bits = 0;
      std::string_view list = row.fields[1];
      while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view name = Trim(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view()
                                               : list.substr(comma + 1);
        uint16_t bit = 0;
        for (const auto& [n, v] : kNames) {
          if (n == name) bit = v;
        }
        if (bit == 0) {
          return RowError(
              kFile, row,
              absl::StrCat("unknown word class '", std::string(name), "'"));
        }
        bits |= bit;
      }
      std::string word(row.fields[0]);
      for (char& ch : word) ch = ToLower(ch);
      if (word.size() <= 8) {
        c.short_words_[PackWord(word)] |= bits;
      } else {
        c.long_words_[word] |= bits;
      }
      c.AddToWordFilter(word);
      c.max_word_len_ = std::max(c.max_word_len_, word.size());
    }
  }
  {
    auto rows = lexicons.Rows("abbreviations.txt", 1, 2);
    if (!rows.ok()) return rows.status();
    for (const LexiconRow& row : *rows) {
      if (row.fields.size() == 1) {
        c.abbreviations_.insert(std::string(row.fields[0]));
      } else if (row.fields[1] == "opener") {
        uint64_t key = row.fields[0].size() <= 8 ? PackWord(row.fields[0]) : 0;
        if (key != 0) {
          c.short_words_[key] |= kOpener;
          c.AddToWordFilter(row.fields[0]);
        }
      } else {
        return RowError("abbreviations.txt", row,
                        "kind must be empty or opener");
      }
    }
  }
  {
    constexpr std::string_view kFile = "boilerplate.tsv";
    auto rows = lexicons.Rows(kFile, 3, 3);
    if (!rows.ok()) return rows.status();
    for (const LexiconRow& row : *rows) {
      BoilerRule rule;
      rule.phrase = std::string(row.fields[0]);
      for (char& ch : rule.phrase) ch = ToLower(ch);
      std::string_view m = row.fields[1], a = row.fields[2];
      if (m == "line") {
        rule.match = BoilerMatch::kLine;
      } else if (m == "prefix") {
        rule.match = BoilerMatch::kPrefix;
      } else if (m == "suffix") {
        rule.match = BoilerMatch::kSuffix;
      } else if (m == "contains") {
        rule.match = BoilerMatch::kContains;
      } else {
        return RowError(kFile, row,
                        "match must be line, prefix, suffix or contains");
      }
      if (a == "drop") {
        rule.action = BoilerAction::kDrop;
      } else if (a == "end") {
        rule.action = BoilerAction::kEnd;
      } else {
        return RowError(kFile, row, "action must be drop or end");
      }
      if (rule.match == BoilerMatch::kLine) {
        c.boiler_lines_[rule.phrase] = rule.action;
        c.max_line_phrase_ = std::max(c.max_line_phrase_, rule.phrase.size());
        continue;
      }
      uint32_t index = static_cast<uint32_t>(c.boiler_rules_.size());
      if (rule.match == BoilerMatch::kContains) {
        std::string first = rule.phrase.substr(0, rule.phrase.find(' '));
        if (!first.empty()) {
          const uint32_t bit = 1u << std::min<size_t>(first.size(), 31);
          c.contains_first_len_[static_cast<unsigned char>(first.front())] |= bit;
          c.contains_last_len_[static_cast<unsigned char>(first.back())] |= bit;
        }
        c.contains_by_word_[first].push_back(index);
      } else {
        const bool prefix = rule.match == BoilerMatch::kPrefix;
        if (rule.phrase.empty()) {  // Matches every line: no filtering.
          for (bool& b : c.edge_bytes_[prefix ? 0 : 1]) b = true;
        } else {
          c.edge_bytes_[prefix ? 0 : 1][static_cast<unsigned char>(
              prefix ? rule.phrase.front() : rule.phrase.back())] = true;
        }
        c.edge_rules_.push_back(index);
      }
      c.boiler_rules_.push_back(std::move(rule));
    }
  }
  {
    constexpr std::string_view kFile = "sources.tsv";
    auto rows = lexicons.Rows(kFile, 2, 3);
    if (!rows.ok()) return rows.status();
    for (const LexiconRow& row : *rows) {
      std::string name(row.fields[0]);
      for (char& ch : name) ch = ToLower(ch);
      if (row.fields[1] == "agency") {
        c.agencies_[name] =
            std::string(row.fields.size() > 2 ? row.fields[2] : row.fields[0]);
      } else if (row.fields[1] == "site") {
        c.sites_.insert(std::move(name));
      } else {
        return RowError(kFile, row, "kind must be agency or site");
      }
    }
  }
  return c;
}

void PageCleaner::AddToWordFilter(std::string_view word) {
  if (word.empty()) return;
  const uint32_t bit = 1u << std::min<size_t>(word.size(), 31);
  word_first_len_[static_cast<unsigned char>(ToLower(word.front()))] |= bit;
  word_last_len_[static_cast<unsigned char>(ToLower(word.back()))] |= bit;
}

uint16_t PageCleaner::Classes(std::string_view word) const {
  if (word.empty() || word.size() > max_word_len_) return 0;
  // Most words of a text have no class: turn them away before hashing.
  const uint32_t bit = 1u << std::min<size_t>(word.size(), 31);
  if (!(word_first_len_[static_cast<unsigned char>(ToLower(word.front()))] & bit) ||
      !(word_last_len_[static_cast<unsigned char>(ToLower(word.back()))] & bit)) {
    return 0;
  }
  if (word.size() <= 8) {
    auto it = short_words_.find(PackWord(word));
    return it == short_words_.end() ? 0 : it->second;
  }
  char buf[48];
  std::string_view low = LowerInto(word, buf, sizeof(buf));
  if (low.empty()) return 0;
  auto it = long_words_.find(AsAbsl(low));
  return it == long_words_.end() ? 0 : it->second;
}

bool PageCleaner::IsAbbreviation(std::string_view word) const {
  char buf[24];
  std::string_view low = LowerInto(word, buf, sizeof(buf));
  return !low.empty() && abbreviations_.contains(AsAbsl(low));
}

PageCleaner::BoilerAction PageCleaner::MatchBoilerplate(std::string_view norm,
                                                        size_t words) const {
  return MatchBoilerplate(norm, words, nullptr, 0);
}

PageCleaner::BoilerAction PageCleaner::MatchBoilerplate(
    std::string_view norm, size_t words, const uint32_t* word_starts,
    size_t num_word_starts) const {
  if (norm.empty()) return BoilerAction::kNone;
  if (norm.size() <= max_line_phrase_) {
    auto it = boiler_lines_.find(AsAbsl(norm));
    if (it != boiler_lines_.end()) return it->second;
  }
  if (words > kMaxBoilerWords) return BoilerAction::kNone;
  // Any "end" rule that matches decides; otherwise any "drop" rule.
  BoilerAction found = BoilerAction::kNone;
  auto hit = [&](const BoilerRule& r) {
    if (r.action == BoilerAction::kEnd) return true;
    found = BoilerAction::kDrop;
    return false;
  };
  const bool prefix_may = edge_bytes_[0][static_cast<unsigned char>(norm.front())];
  const bool suffix_may = edge_bytes_[1][static_cast<unsigned char>(norm.back())];
  for (uint32_t index = 0; (prefix_may || suffix_may) && index < edge_rules_.size();
       ++index) {
    const BoilerRule& r = boiler_rules_[edge_rules_[index]];
    const bool prefix = r.match == BoilerMatch::kPrefix;
    if (norm.size() < r.phrase.size() || !(prefix ? prefix_may : suffix_may)) continue;
    size_t at = prefix ? 0 : norm.size() - r.phrase.size();
    if (!r.phrase.empty() && norm[at] != r.phrase[0]) continue;  // Cheaply.
    if (norm.compare(at, r.phrase.size(), r.phrase) == 0 && hit(r)) {
      return BoilerAction::kEnd;
    }
  }
  // "contains" phrases, looked up by the word [pos, end) they start with;
  // true when an "end" rule matches.
  auto contains_at = [&](size_t pos, size_t end) {
    const size_t len = end - pos;
    const uint32_t bit = 1u << std::min<size_t>(len, 31);
    if (len == 0 ||
        !(contains_first_len_[static_cast<unsigned char>(norm[pos])] & bit) ||
        !(contains_last_len_[static_cast<unsigned char>(norm[end - 1])] & bit)) {
      return false;
    }
    auto it = contains_by_word_.find(AsAbsl(norm.substr(pos, len)));
    if (it == contains_by_word_.end()) return false;
    for (uint32_t index : it->second) {
      const BoilerRule& r = boiler_rules_[index];
      if (norm.size() - pos >= r.phrase.size() &&
          norm.compare(pos, r.phrase.size(), r.phrase) == 0 && hit(r)) {
        return true;
      }
    }
    return false;
  };
  if (word_starts != nullptr) {
    // The words are known: single spaces between them, and the last ones
    // may have been cut by the end of `norm`.
    for (size_t k = 0; k < num_word_starts && word_starts[k] < norm.size(); ++k) {
      const size_t end = k + 1 < num_word_starts
                             ? std::min<size_t>(word_starts[k + 1] - 1, norm.size())
                             : norm.size();
      if (contains_at(word_starts[k], end)) return BoilerAction::kEnd;
    }
    return found;
  }
  size_t pos = 0;
  while (pos < norm.size()) {
    size_t end = pos;
    while (end < norm.size() && norm[end] != ' ') ++end;  // Words are short.
    if (contains_at(pos, end)) return BoilerAction::kEnd;
    pos = end + 1;
  }
  return found;
}

std::string_view PageCleaner::AgencyName(std::string_view name) const {
  char buf[48];
  std::string_view low = LowerInto(name, buf, sizeof(buf));
  if (low.empty()) return {};
  auto it = agencies_.find(AsAbsl(low));
  return it == agencies_.end() ? std::string_view()
                               : std::string_view(it->second);
}

bool PageCleaner::IsSite(std::string_view name) const {
  char buf[48];
  std::string_view low = LowerInto(name, buf, sizeof(buf));
  return !low.empty() && sites_.contains(AsAbsl(low));
}

// ---------------------------------------------------------------------------
// The cleaning pass. A Cleaning object lives for one Clean() call.

namespace {

class Cleaning {
 public:
  Cleaning(const PageCleaner& pc, std::string_view title)
      : pc_(pc), title_arg_(Trim(title)) {
    if (!title_arg_.empty()) title_arg_key_ = TitleKey(title_arg_);
  }

  // Splits and classifies the lines of `page`; returns false when the page
  // shows no structure (for kAuto).
  bool ReadLines(std::string_view page);
  std::vector<CleanDocument> Segment();

 private:
  LineKind ClassifyShape(Line& line);
  bool IsTitleCandidate(const Line& l) const {
    return (l.kind == LineKind::kHeadline || l.kind == LineKind::kProse) &&
           l.words <= kMaxTitleWords && l.words >= 1;
  }
  // Index of the next line after `i` that is not blank, debris or dropped
  // chrome, or lines_.size().
  size_t NextContent(size_t i) const {
    for (++i; i < lines_.size(); ++i) {
      LineKind k = lines_[i].kind;
      if (k != LineKind::kBlank && k != LineKind::kDebris &&
          k != LineKind::kDrop)
        return i;
    }
    return i;
  }
  // If a title group (a title and its copies) starts at line i, returns the
  // index of its last line, else -1. *by_marker tells whether only the
  // source marker of the next paragraph made it a title.
  long StrongTitleEnd(size_t i, bool* by_marker = nullptr) const;
  // Source marker at the start of a paragraph: returns the byte offset where
  // the text proper starts (0 when there is none) and sets *source.
  size_t ParseMarker(std::string_view p, std::string* source) const;

  // Tokenises `p` into scratch_.toks with classes and flags.
  void Tokenize(std::string_view p);
  double HeadlineScore(std::string_view p, uint32_t a, uint32_t b,
                       bool after_teaser) const;
  // Labels the pieces of paragraph `p` (teaser or sentence) into *pieces.
  void SplitTeasers(std::string_view p, std::vector<Piece>* pieces);
  // Adds paragraph `p` to the current article, without its teasers.
  void AddParagraph(std::string_view p);

  void Open(std::string_view title);
  void Close();

  const PageCleaner& pc_;
  std::vector<Line> lines_;
  std::vector<std::string_view> learned_sites_;
  std::string_view title_arg_;
  uint64_t title_arg_key_ = 0;
  Scratch scratch_;
  std::vector<Piece> pieces_;

  std::vector<CleanDocument> docs_;
  bool open_ = false;
  bool first_paragraph_ = false;
};

LineKind Cleaning::ClassifyShape(Line& line) {
  std::string_view t = line.text;
  if (t.empty()) return LineKind::kBlank;
  // Most paragraphs are longer than kMaxDetailWords: they need no TitleKey
  // and no boilerplate form, and counting their words is cheaper.
  line.words = static_cast<uint32_t>(CountWords(t));
  if (line.words <= kMaxDetailWords) {
    uint64_t key = 0;
    ScanLine(t, &key, &scratch_.norm, scratch_.norm_words);
    if (line.words <= kMaxTitleWords) line.key = key;
  }
  line.content = static_cast<uint32_t>(t.size());

  // Copyright line: "©2025 Bloomberg L.P.", "(c) 2005 BBC", "Copyright 2025
  // ...".
  // A line that merely starts with the word ("Copyright battle over AI")
  // needs a year or to be very short.
  if (line.words <= 12) {
    if (At(t, 0, "\xC2\xA9")) return LineKind::kEnd;
    if (At(t, 0, "(c)") || At(t, 0, "(C)") ||
        (t.size() >= 9 && (t[0] == 'C' || t[0] == 'c') &&
         At(t, 1, "opyright"))) {
      bool digit = false;
      for (char ch : t) digit |= IsDigit(ch);
      if (digit || line.words <= 3) return LineKind::kEnd;
    }
  }
  if (line.words <= kMaxBoilerWords) {
    // scratch_.norm holds the line's boilerplate form and the starts of its
    // words (ScanLine), unless a bullet is to be left out.
    Action a;
    if (size_t bl = BulletLen(t)) {
      NormalizeForBoilerplate(Trim(t.substr(bl)), &scratch_.norm);
      a = pc_.MatchBoilerplate(scratch_.norm, line.words);
    } else {
      a = pc_.MatchBoilerplate(scratch_.norm, line.words, scratch_.norm_words,
                               line.words);
    }
    if (a == Action::kEnd) return LineKind::kEnd;
    if (a == Action::kDrop) return LineKind::kDrop;
  }
  // Bullet debris: "• Yahoo". Longer bulleted lines are read without the
  // bullet (a bulleted headline is a teaser like any other).
  if (size_t bl = BulletLen(t)) {
    std::string_view rest = Trim(t.substr(bl));
    if (CountWords(rest) <= 3) {
      if (!rest.empty()) learned_sites_.push_back(rest);
      return LineKind::kDebris;
    }
    line.text = t = rest;
    line.words = static_cast<uint32_t>(CountWords(t));
    line.content = static_cast<uint32_t>(t.size());
  }
  bool has_digit = false;
  if (line.words <= 8) {
    for (char ch : t) has_digit |= IsDigit(ch);
  }
  if (has_digit) {
    // Time debris: "time31 minutes ago", "5 days ago"; date debris:
    // "Yahoo04-03-2025", "Updated March 5, 2025 10:32 AM GMT".
    bool ago = false, unit = false, month = false, digit = false, other = false;
    ForEachWord(t, [&](size_t b, size_t e) {
      std::string_view w = t.substr(b, e - b);
      std::string_view core = Core(w);
      bool word_digit = false;
      for (char ch : core) word_digit |= IsDigit(ch);
      // A unit glued to its number: "2h", "31min".
      size_t k = 0;
      while (k < core.size() && IsDigit(core[k])) ++k;
      uint16_t cls =
          pc_.Classes(k > 0 && k < core.size() ? core.substr(k) : core);
      if (core.size() == 3 && (core == "ago" || core == "Ago")) ago = true;
      if (cls & WC::kTimeUnit) unit = true;
      if (cls & WC::kMonth) month = true;
      if (word_digit) digit = true;
      if (!word_digit && !(cls & (WC::kMonth | WC::kDateWord)) &&
          core.size() > 1)
        other = true;
    });
    if (ago && unit && line.words <= 6) return LineKind::kDebris;
    if (digit && !other && (month || line.words >= 2)) return LineKind::kDebris;
    if (line.words <= 4) {
      std::string_view last = t.substr(
          t.rfind(' ') == std::string_view::npos ? 0 : t.rfind(' ') + 1);
      if (size_t dl = TrailingDateLen(last)) {
        std::string_view site = Trim(t.substr(0, t.size() - dl));
        if (!site.empty()) learned_sites_.push_back(site);
        return LineKind::kDebris;
      }
    }
  }
  // Byline: "By Jane Smith".
  if (line.words >= 2 && line.words <= 5 &&
      (At(t, 0, "By ") || At(t, 0, "BY "))) {
    bool caps = true;
    ForEachWord(t.substr(3),
                [&](size_t b, size_t) { caps &= IsUpper(t[3 + b]); });
    if (caps) return LineKind::kDebris;
  }
  // Inline copyright tail: "... last sentence. ©2005 BBC".
  constexpr size_t kTailBytes = 160;
  size_t from = t.size() > kTailBytes ? t.size() - kTailBytes : 0;
  size_t cp = RFindCopyright(t, from);
  if (cp != std::string_view::npos && cp > 0 &&
      CountWords(t.substr(cp)) <= kMaxCopyrightTailWords) {
    line.content = static_cast<uint32_t>(Trim(t.substr(0, cp)).size());
  }
  std::string_view content = t.substr(0, line.content);
  if (line.words == 1 && !EndsLikeSentence(content)) return LineKind::kDebris;
  if (pc_.IsSite(t)) return LineKind::kDebris;
  if (EndsLikeSentence(content) || line.words >= kHeadlineWords)
    return LineKind::kProse;
  return LineKind::kHeadline;
}

bool Cleaning::ReadLines(std::string_view page) {
  size_t pos = 0;
  while (pos <= page.size()) {
    size_t nl = page.find('\n', pos);
    if (nl == std::string_view::npos) nl = page.size();
    Line l;
    l.text = Trim(page.substr(pos, nl - pos));
    lines_.push_back(l);
    pos = nl + 1;
  }
  int chrome = 0;
  for (Line& l : lines_) {
    l.kind = ClassifyShape(l);
    if (l.kind == LineKind::kDrop || l.kind == LineKind::kEnd ||
        l.kind == LineKind::kDebris) {
      ++chrome;
    }
  }
  // Lines naming a site learned from its debris ("Daily8" from
  // "Daily804-03-2005").
  if (!learned_sites_.empty()) {
    for (Line& l : lines_) {
      if (l.kind != LineKind::kHeadline || l.words > 3) continue;
      for (std::string_view s : learned_sites_) {
        if (TitleKey(s) == l.key) {
          l.kind = LineKind::kDebris;
          ++chrome;
          break;
        }
      }
    }
  }
  if (chrome >= 2) return true;
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (StrongTitleEnd(i) >= 0) return true;
  }
  return false;
}

long Cleaning::StrongTitleEnd(size_t i, bool* by_marker) const {
  const Line& l = lines_[i];
  if (by_marker != nullptr) *by_marker = false;
  if (!IsTitleCandidate(l)) return -1;
  // Copies of the title with only blank lines and debris between them.
  long last = -1;
  int reach = 0;
  for (size_t j = i + 1; j < lines_.size() && reach <= kTitleRepeatReach; ++j) {
    const Line& m = lines_[j];
    if (m.kind == LineKind::kBlank) continue;
    if (m.key == l.key && m.words == l.words) {
      last = static_cast<long>(j);
      continue;
    }
    if (m.kind != LineKind::kDebris && m.kind != LineKind::kDrop) break;
    ++reach;
  }
  if (last >= 0) return last;
  if (!title_arg_.empty() && l.key == title_arg_key_)
    return static_cast<long>(i);
  // A title followed by a paragraph opening with a source marker.
  size_t j = NextContent(i);
  if (j < lines_.size() && lines_[j].kind == LineKind::kProse &&
      lines_[j].words > l.words) {
    std::string src;
    if (ParseMarker(lines_[j].text, &src) > 0) {
      if (by_marker != nullptr) *by_marker = true;
      return static_cast<long>(i);
    }
  }
  return -1;
}

size_t Cleaning::ParseMarker(std::string_view p, std::string* source) const {
  // "[DATELINE ](Name) - " with DATELINE like "HONG KONG, March 5" or
  // "ST. LOUIS, MO., March 5": every word capitalised or a number.
  size_t open = p.substr(0, 81).find('(');
  if (open == std::string_view::npos) return 0;
  std::string_view dateline = Trim(p.substr(0, open));
  bool ok = true;
  size_t words = 0;
  ForEachWord(dateline, [&](size_t b, size_t) {
    ++words;
    unsigned char c = dateline[b];
    if (!IsUpper(c) && !IsDigit(c)) ok = false;
  });
  if (!ok || words > 10) return 0;
  size_t close = p.find(')', open);
  if (close == std::string_view::npos || close - open > 40 || close == open + 1)
    return 0;
  std::string_view name = Trim(p.substr(open + 1, close - open - 1));
  size_t name_words = 0;
  ForEachWord(name, [&](size_t b, size_t e) {
    ++name_words;
    if (!IsUpper(name[b])) ok = false;
    for (size_t k = b; k < e; ++k) {
      unsigned char c = name[k];
      if (!IsAlnum(c) && c != '&' && c != '.' && c != '-' && c != '\'')
        ok = false;
    }
  });
  if (!ok || name_words == 0 || name_words > 3) return 0;
  size_t k = close + 1;
  while (k < p.size() && SpaceLen(p, k) != 0) k += SpaceLen(p, k);
  size_t dashes = 0;
  while (k < p.size()) {
    if (p[k] == '-') {
      ++k;
      ++dashes;
    } else if (At(p, k, "\xE2\x80\x94") || At(p, k, "\xE2\x80\x93")) {  // — –
      k += 3;
      ++dashes;
    } else {
      break;
    }
  }
  if (dashes == 0 || dashes > 2) return 0;
  while (k < p.size() && SpaceLen(p, k) != 0) k += SpaceLen(p, k);
  if (k >= p.size()) return 0;
  std::string_view canon = pc_.AgencyName(name);
  source->assign(canon.empty() ? name : canon);
  return k;
}

// ---------------------------------------------------------------------------
// Teaser headlines inside a paragraph.

void Cleaning::Tokenize(std::string_view p) {
  Scratch& s = scratch_;
  s.toks.clear();
  ForEachWord(p, [&](size_t b, size_t e) {
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
      t.cls = pc_.Classes(core);
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
    if (last == ',' || last == ';' || last == ':' || last == '(' ||
        last == '-' || last == '&' ||
        (raw.size() >= 3 && (At(raw, raw.size() - 3, "\xE2\x80\x94") ||
                             At(raw, raw.size() - 3, "\xE2\x80\x93")))) {
      t.flags |= kNoSeamAfter;
    }
    if (last == ':') t.flags |= kColonEnd;
    if (last == ',') t.flags |= kCommaEnd;
    s.toks.push_back(t);
  });

  const size_t n = s.toks.size();
  // Sentence ends.
  for (size_t i = 0; i < n; ++i) {
    Tok& t = s.toks[i];
    std::string_view raw = p.substr(t.b, t.e - t.b);
    std::string_view body = StripClosers(raw);
    if (body.empty()) continue;
    char c = body.back();
    bool ellipsis = body.size() >= 3 && At(body, body.size() - 3, "...");
    if (c != '.' && c != '!' && c != '?' && !ellipsis &&
        !At(body, body.size() >= 3 ? body.size() - 3 : 0, "\xE2\x80\xA6")) {
      continue;
    }
    const Tok* next = i + 1 < n ? &s.toks[i + 1] : nullptr;
    std::string_view core = p.substr(t.cb, t.ce - t.cb);
    if (c == '.' && !ellipsis && body.size() == raw.size() &&
        (pc_.IsAbbreviation(core) || (core.size() == 1 && IsUpper(core[0])))) {
      // "U.S. officials", "Mr. Smith", "John F. Kennedy": not an end, unless
      // an abbreviation is followed by "The", "He"... ("in the U.S. The").
      bool initial = core.size() == 1;
      if (initial || next == nullptr || !(next->flags & kCap) ||
          !(next->cls & WC::kOpener)) {
        continue;
      }
    }
    if (!ellipsis && next != nullptr) {
      // The next word must open like a sentence: capital, digit or quote.
      std::string_view nraw = p.substr(next->b, next->e - next->b);
      size_t k = OpenerLen(nraw, 0);
      unsigned char d = k < nraw.size() ? nraw[k] : 0;
      if (!IsUpper(d) && !IsDigit(d) &&
          !(next->flags & (kOpenDouble | kOpenSingle)))
        continue;
    }
    t.flags |= kSentEnd;
  }

  // Seams: places where a headline or a sentence may start without
  // punctuation before it.
  s.seam.assign(n + 1, 0);
  s.seg_end.assign(n + 1, 0);
  s.seg_end[0] = 1;
  s.seg_end[n] = 1;
  for (size_t i = 0; i < n; ++i) {
    if (s.toks[i].flags & kSentEnd) s.seg_end[i + 1] = 1;
  }
  for (size_t i = 1; i < n; ++i) {
    if (s.seg_end[i]) continue;
    const Tok& prev = s.toks[i - 1];
    const Tok& cur = s.toks[i];
    if (prev.flags & (kNoSeamAfter | kFullStop)) continue;
    if (prev.ce == prev.cb) continue;
    if (prev.cls & WC::kNonFinal) continue;
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
      if ((prev.flags & (kCommaEnd | kColonEnd))) continue;
      if ((cur.flags & kOpenDouble) && (cur.flags & kCap)) {
        s.seam[i] = 2;
      } else if (low_ctx && cur_cap) {
        s.seam[i] = cur_starter ? 2 : 3;
      } else if (cur_cap && sentence_next && (prev.flags & kCap)) {
        s.seam[i] = cur_starter ? 2 : 1;
      } else if (cur_starter) {
        std::string_view cc = p.substr(cur.cb, cur.ce - cur.cb);
        if (!(cc.size() == 1 && (cc[0] == 'A' || cc[0] == 'I'))) s.seam[i] = 2;
      }
      continue;
    }
    if ((cur.flags & kOpenDouble) && (cur.flags & (kCap | kDigitInit))) {
      s.seam[i] = 2;  // '...pay rise "He did once attend...'
      continue;
    }
    bool hyphen_number = false;
    if (cur.flags & kDigitInit) {
      // "10-year-old passport meant..."
      size_t k = cur.cb;
      while (k < cur.ce && IsDigit(p[k])) ++k;
      hyphen_number = k + 1 < cur.ce && p[k] == '-' && IsLower(p[k + 1]);
    }
    if (!cur_cap && !hyphen_number) continue;
    s.seam[i] = cur_starter ? 2 : 1;
  }

  // Prefix counts.
  s.cnt.resize(n + 1);
  s.cnt[0] = Scratch::Counts();
  for (size_t i = 0; i < n; ++i) {
    const Tok& t = s.toks[i];
    Scratch::Counts c = s.cnt[i];
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

double Cleaning::HeadlineScore(std::string_view p, uint32_t a, uint32_t b,
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

void Cleaning::SplitTeasers(std::string_view p, std::vector<Piece>* pieces) {
  using W = TeaserWeights;
  Tokenize(p);
  Scratch& s = scratch_;
  const uint32_t n = static_cast<uint32_t>(s.toks.size());
  pieces->clear();
  if (n == 0) return;
  s.nodes.assign(n + 1, Scratch::Node());
  s.nodes[0].s = 0;

  auto seam_bonus = [&](uint32_t b) {
    if (b >= n || s.seam[b] == 0) return 0.0;  // Paragraph or sentence end.
    if (s.seam[b] == 2) return W::kStarterSeam;
    double bonus = s.seam[b] == 3 ? W::kCapitalRunSeam : 0.0;
    if (s.toks[b - 1].cls & WC::kRole) bonus += W::kRoleSeam;
    return bonus;
  };

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
    const size_t np = s.pts.size();
    for (size_t j = 1; j < np; ++j) {
      const uint32_t b = s.pts[j];
      Scratch::Node& nb = s.nodes[b];
      // Headline pieces [a, b).
      for (size_t i = 0; i < j; ++i) {
        const uint32_t a = s.pts[i];
        if (b - a > static_cast<uint32_t>(W::kMaxTitleCaseWords)) continue;
        const Scratch::Node& na = s.nodes[a];
        if (na.s > kNegInf) {  // At s0, or where a sentence lost its stop.
          double h = HeadlineScore(p, a, b, false);
          if (h > kNegInf) {
            double sc = na.s + h + seam_bonus(b);
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
            double sc = na.t + h + seam_bonus(b) + W::kRun;
            if (sc > nb.t) {
              nb.t = sc;
              nb.t_from = static_cast<int>(a);
              nb.t_from_t = true;
            }
          }
        }
      }
      // A sentence piece ends at the segment end or, having lost its full
      // stop, right before a headline (a seam; only a headline may follow).
      for (size_t i = 0; i < j; ++i) {
        const uint32_t a = s.pts[i];
        const Scratch::Node& na = s.nodes[a];
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
        if (na.t > kNegInf && (na.t + cost > nb.s ||
                               (a > s0 && nb.s_from == static_cast<int>(s0) &&
                                nb.s_from_t && na.t + cost == nb.s))) {
          nb.s = na.t + cost;
          nb.s_from = static_cast<int>(a);
          nb.s_from_t = true;
        }
      }
    }
    s0 = s1;
  }

  // Walk back from the end.
  bool teaser = s.nodes[n].t >= s.nodes[n].s;
  uint32_t pos = n;
  while (pos > 0) {
    const Scratch::Node& nd = s.nodes[pos];
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

// ---------------------------------------------------------------------------
// Articles.

void Cleaning::Open(std::string_view title) {
  Close();
  docs_.emplace_back();
  docs_.back().title = std::string(title);
  open_ = true;
  first_paragraph_ = true;
}

void Cleaning::Close() {
  if (open_ && docs_.back().body.empty()) docs_.pop_back();
  open_ = false;
}

void Cleaning::AddParagraph(std::string_view p) {
  CleanDocument& doc = docs_.back();
  if (first_paragraph_) {
    first_paragraph_ = false;
    std::string source;
    size_t off = ParseMarker(p, &source);
    if (off > 0) {
      doc.source = std::move(source);
      p = p.substr(off);
    }
  }
  SplitTeasers(p, &pieces_);
  const Scratch& s = scratch_;
  size_t k = 0;
  while (k < pieces_.size()) {
    if (pieces_[k].teaser) {
      ++k;
      continue;
    }
    // A run of sentence pieces is one paragraph of original text.
    size_t m = k;
    while (m + 1 < pieces_.size() && !pieces_[m + 1].teaser) ++m;
    uint32_t b = s.toks[pieces_[k].a].b;
    uint32_t e = s.toks[pieces_[m].b - 1].e;
    if (!doc.body.empty()) doc.body.append("\n\n");
    doc.body.append(p.substr(b, e - b));
    k = m + 1;
  }
}

std::vector<CleanDocument> Cleaning::Segment() {
  for (size_t i = 0; i < lines_.size(); ++i) {
    const Line& l = lines_[i];
    bool by_marker = false;
    long group_end = StrongTitleEnd(i, &by_marker);
    // Between a title and its first paragraph, a line before the source
    // marker is a byline or date, not another title.
    if (group_end >= 0 && by_marker && open_ && docs_.back().body.empty())
      continue;
    if (group_end >= 0) {
      Open(l.text);
      i = static_cast<size_t>(group_end);
      continue;
    }
    switch (l.kind) {
      case LineKind::kBlank:
      case LineKind::kDrop:
      case LineKind::kDebris:
        continue;
      case LineKind::kEnd:
        Close();
        continue;
      case LineKind::kHeadline:
        if (!open_) {
          // Outside any article, a headline followed by prose is a title.
          size_t j = NextContent(i);
          if (j < lines_.size() && lines_[j].kind == LineKind::kProse &&
              lines_[j].words >= kMinBodyWordsAfterWeakTitle) {
            Open(l.text);
          }
        }
        // Inside an article, a headline line between paragraphs is a teaser.
        continue;
      case LineKind::kProse: {
        if (!open_) {
          // Untitled text before any title (a page without titles).
          if (!docs_.empty() || l.words < kMinBodyWordsAfterWeakTitle) continue;
          Open("");
        }
        std::string_view content = l.text.substr(0, l.content);
        AddParagraph(content);
        if (l.content < l.text.size()) Close();  // Ended by "©...".
        continue;
      }
    }
  }
  Close();
  return std::move(docs_);
}

}  // namespace

std::vector<CleanDocument> PageCleaner::Clean(std::string_view title,
                                              std::string_view body,
                                              ContentKind kind) const {
  Cleaned cleaned;
  Clean(title, body, kind, &cleaned);
  if (cleaned.whole) {
    cleaned.docs.emplace_back();
    cleaned.docs.back().title = std::string(cleaned.whole_title);
    cleaned.docs.back().body = std::string(cleaned.whole_body);
  }
  return std::move(cleaned.docs);
}

void PageCleaner::Clean(std::string_view title, std::string_view body,
                        ContentKind kind, Cleaned* out) const {
  out->whole = false;
  out->docs.clear();
  auto plain = [&]() {
    if (Trim(body).empty() && Trim(title).empty()) return;
    out->whole = true;
    out->whole_title = Trim(title);
    out->whole_body = body;
  };
  if (kind == ContentKind::kPlainText) return plain();
  if (kind == ContentKind::kAuto && body.find('\n') == std::string_view::npos)
    return plain();

  Cleaning c(*this, title);
  bool structured = c.ReadLines(body);
  if (kind == ContentKind::kAuto && !structured) return plain();
  out->docs = c.Segment();
  std::string_view t = Trim(title);
  if (!t.empty() && !out->docs.empty()) out->docs[0].title = std::string(t);
}

}  // namespace tidings::scoring::internal
