// Copyright 2026 The Tidings Authors.
//
// byline_parts.h: the pieces the byline reader (byline.h) is made of, shared
// by its two files: byline.cc reads lines, segments and names;
// byline_time.cc reads dates, clock times and relative times and places
// them on the time line. Private to the byline reader.

#ifndef TIDINGS_SCORING_INTERNAL_BYLINE_PARTS_H_
#define TIDINGS_SCORING_INTERNAL_BYLINE_PARTS_H_

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "scoring/internal/byline.h"
#include "scoring/internal/page_text.h"

namespace tidings::scoring::internal::byline_parts {

using Entry = BylineReader::Entry;
using TimeKind = PrintedTime::Kind;

// Metadata lines are short: longer lines are turned away unread.
constexpr size_t kMaxWords = 24;
constexpr size_t kMaxLineBytes = 240;
constexpr size_t kMaxSegments = 8;
// An outlet's name or a job title has at most this many words.
constexpr size_t kMaxTitleWords = 5;
// A person's name has at most this many words.
constexpr size_t kMaxNameWords = 4;
// Names or an outlet before the first separator of a byline: at most this
// many words ("Jane Doe and John Roe |").
constexpr size_t kMaxWordsBeforeSeparator = 6;

struct Word {
  std::string_view raw;   // As printed.
  std::string_view core;  // Without quotes, brackets, trailing punctuation.
  char lower[32];         // Lower-cased core; lower_len 0 when longer.
  uint8_t lower_len = 0;
  bool comma = false;  // A ',' or ';' follows the core.
  std::string_view low() const { return {lower, lower_len}; }
};

struct Words {
  Word w[kMaxWords];
  size_t n = 0;
};

// Splits `seg` into words; false when it has more than kMaxWords.
inline bool SplitWords(std::string_view seg, Words* out) {
  out->n = 0;
  bool ok = true;
  ForEachWord(seg, [&](size_t b, size_t e) {
    if (out->n == kMaxWords) {
      ok = false;
      return;
    }
    Word& w = out->w[out->n++];
    w.raw = seg.substr(b, e - b);
    w.core = Core(w.raw);
    const size_t after =
        static_cast<size_t>(w.core.data() - w.raw.data()) + w.core.size();
    w.comma =
        after < w.raw.size() && (w.raw[after] == ',' || w.raw[after] == ';');
    w.lower_len = 0;
    if (w.core.size() <= sizeof(w.lower)) {
      for (size_t i = 0; i < w.core.size(); ++i)
        w.lower[i] = ToLower(w.core[i]);
      w.lower_len = static_cast<uint8_t>(w.core.size());
    }
  });
  return ok;
}

inline bool IsLetterStart(unsigned char c) { return IsUpper(c) || c >= 0xC3; }

// A word that starts with a digit or a sign, read as one of these.
struct Num {
  enum Type : uint8_t {
    kFail,
    kInt,
    kOrdinal,
    kDate,
    kClock,
    kOffset,
    kCountUnit
  };
  Type type = kFail;
  int value = 0, digits = 0;         // kInt, kOrdinal.
  int year = 0, month = 0, day = 0;  // kDate (maybe with a clock).
  bool ambiguous = false;
  DayOrder digits_order = DayOrder::kUnknown;  // A field above 12 tells.
  int hour = -1, minute = 0, second = 0;       // kClock, or kDate with a time.
  int ampm = 0;                                // 1 am, 2 pm.
  bool zone = false;                           // An offset or 'Z' was glued on.
  int offset = 0;
  int64_t unit = 0;  // kCountUnit: seconds per unit.
};

// Reads "+05:30", "-0500", "+5", "−3" at s[*i] (the sign included) into
// minutes east of UTC.
bool ReadOffset(std::string_view s, size_t* i, int* minutes);
// `s` is the lower-cased core of a word that starts with a digit or a sign.
Num ParseNumber(std::string_view s, const BylineReader& r);
// A count in a share bar: "85", "3,438", "1.2K", "2m".
bool IsShareCount(std::string_view s);

// The longest phrase of the lexicon with a kind in `kinds` that starts at
// word i: returns its length in words (0: none) and sets *entry.
size_t MatchPhrase(const BylineReader& r, const Words& w, size_t i,
                   uint32_t kinds, const Entry** entry);
uint32_t KindsOf(const BylineReader& r, const Word& x);

// A date, a clock time, or a relative time, every word of it: "Updated
// 12:45 PM EST, Thu April 2, 1987", "3 hours ago", "2024-01-05T15:04Z".
bool ParseTime(const BylineReader& r, const Words& w, PrintedTime* t,
               TimeLabel* label);
// "2 min read", "5-minute read".
bool IsReadTime(const BylineReader& r, const Words& w);
// "Share 85 Tweet 168", "1.2K shares", "Shares: 3,438".
bool IsShareBar(const BylineReader& r, const Words& w);

}  // namespace tidings::scoring::internal::byline_parts

#endif  // TIDINGS_SCORING_INTERNAL_BYLINE_PARTS_H_
