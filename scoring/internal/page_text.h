// Copyright 2026 The Tidings Authors.
//
// page_text.h: byte-level helpers for reading the lines of a scraped page:
// ASCII character classes, Unicode white space, quotes and brackets around
// words, sentence ends, word counts and the case-folded key of a line. Shared
// by the page cleaner and the readers of its furniture (bylines, captions,
// price tables). All inline: they run on every line of every page.

#ifndef TIDINGS_SCORING_INTERNAL_PAGE_TEXT_H_
#define TIDINGS_SCORING_INTERNAL_PAGE_TEXT_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace tidings::scoring::internal {

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

inline std::string_view Trim(std::string_view s) {
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
inline std::string_view StripClosers(std::string_view s) {
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
inline bool EndsLikeSentence(std::string_view s) {
  s = StripClosers(s);
  if (s.empty()) return false;
  char c = s.back();
  return c == '.' || c == '!' || c == '?' ||
         At(s, s.size() >= 3 ? s.size() - 3 : 0, "\xE2\x80\xA6");
}

// The word itself: `raw` without leading opening quotes/brackets and without
// trailing punctuation, closing quotes and brackets.
inline std::string_view Core(std::string_view raw) {
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
inline void ForEachWord(std::string_view s, F&& f) {
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
inline size_t CountWords(std::string_view s, size_t cap = 32) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  size_t n = 0, i = 0;
  bool in_word = false;
  while (i < s.size() && n < cap) {
#ifdef __SSE2__
    if (i + 16 <= s.size()) {
      // Sixteen bytes at a time, the same way: none a control character or
      // non-ASCII (those are negative or below ' ' as signed bytes).
      const __m128i v =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
      const __m128i space = _mm_set1_epi8(' ');
      if (_mm_movemask_epi8(_mm_cmplt_epi8(v, space)) == 0) {
        const uint32_t word =
            ~_mm_movemask_epi8(_mm_cmpeq_epi8(v, space)) & 0xFFFFu;
        uint32_t starts = word & ~((word << 1) | (in_word ? 1u : 0u));
        // popcount of 16 bits (a library call without -mpopcnt).
        starts = starts - ((starts >> 1) & 0x5555u);
        starts = (starts & 0x3333u) + ((starts >> 2) & 0x3333u);
        starts = (starts + (starts >> 4)) & 0x0F0Fu;
        n += (starts + (starts >> 8)) & 0x1Fu;
        in_word = (word >> 15) != 0;
        i += 16;
        continue;
      }
    }
#endif
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

// A case-folded hash of the letters and digits of `s` (and its non-ASCII
// bytes): equal for copies of a line that differ in case, spacing or
// punctuation.
inline uint64_t TitleKey(std::string_view s) {
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

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_PAGE_TEXT_H_
