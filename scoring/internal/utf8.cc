// Copyright 2026 The Tidings Authors.

#include "scoring/internal/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace tidings::scoring::internal {
namespace {

// Returns the length of the valid sequence at s[i], or 0 if invalid.
size_t SequenceLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  unsigned char c = p[i];
  if (c < 0x80) return 1;
  auto cont = [&](size_t k) { return i + k < n && (p[i + k] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && p[i + 1] < 0xA0) return 0;   // overlong
    if (c == 0xED && p[i + 1] >= 0xA0) return 0;  // surrogates
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && p[i + 1] < 0x90) return 0;   // overlong
    if (c == 0xF4 && p[i + 1] >= 0x90) return 0;  // > U+10FFFF
    return 4;
  }
  return 0;
}

}  // namespace

size_t ValidUtf8Prefix(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t len = SequenceLength(s, i);
    if (len == 0) return i;
    i += len;
  }
  return i;
}

namespace {

// True when any byte of the 8 in `w` may need repair or is not ASCII: a byte
// >= 0x80, a control character (< 0x20) or DEL. Exact for "any", which is
// all the caller needs (it then looks at the bytes one by one).
inline bool MayNeedRepair(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  const uint64_t below_space = (w - 0x20 * kOnes) & ~w & kHigh;
  const uint64_t x = w ^ (0x7F * kOnes);
  const uint64_t del = (x - kOnes) & ~x & kHigh;
  return ((w & kHigh) | below_space | del) != 0;
}

#ifdef __SSE2__
// The first byte at or after `i` that is not plain text (a byte >= 0x80, a
// control character other than TAB and LF, or DEL: what the byte loop of
// SkipClean must look at), looked for 16 bytes at a time; when the whole
// blocks hold none, where the last one ends (fewer than 16 bytes before
// the end).
inline size_t SkipPlain16(std::string_view s, size_t i) {
  const size_t n = s.size();
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i del = _mm_set1_epi8(0x7F);
  for (; i + 16 <= n; i += 16) {
    const __m128i b =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Signed: bytes >= 0x80 are negative, so below a space too.
    const __m128i low = _mm_andnot_si128(
        _mm_or_si128(_mm_cmpeq_epi8(b, tab), _mm_cmpeq_epi8(b, lf)),
        _mm_cmplt_epi8(b, space));
    const int mask =
        _mm_movemask_epi8(_mm_or_si128(low, _mm_cmpeq_epi8(b, del)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
  return i;
}
#endif

// Index of the first byte at or after `i` that RepairText must change (a
// control character other than TAB and LF, CR, DEL, or a byte that does not
// start a valid UTF-8 sequence), or s.size(). Plain ASCII is skipped 16
// bytes at a time (SSE2; else eight); valid multi-byte sequences are
// stepped over.
size_t SkipClean(std::string_view s, size_t i) {
  const size_t n = s.size();
  while (i < n) {
#ifdef __SSE2__
    i = SkipPlain16(s, i);
#endif
    while (i + 8 <= n) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      if (MayNeedRepair(w)) break;
      i += 8;
    }
    if (i >= n) break;
    const unsigned char c = s[i];
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F) return i;
      ++i;
      continue;
    }
    const size_t len = SequenceLength(s, i);
    if (len == 0) return i;
    i += len;
  }
  return n;
}

}  // namespace

bool RepairText(std::string_view s, std::string* out) {
  out->clear();
  size_t i = SkipClean(s, 0);
  if (i == s.size()) return false;  // The common case: nothing to repair.
  out->reserve(s.size() + 16);
  out->append(s.data(), i);
  while (i < s.size()) {
    // s[i] needs repair.
    unsigned char c = s[i];
    if (c == '\r') {
      out->push_back('\n');
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      ++i;
    } else if (c < 0x80) {
      out->push_back(' ');  // Another control character, or DEL.
      ++i;
    } else {
      out->append("\xEF\xBF\xBD");  // Not a valid sequence: U+FFFD.
      ++i;
    }
    const size_t clean_end = SkipClean(s, i);
    out->append(s.data() + i, clean_end - i);
    i = clean_end;
  }
  return true;
}

namespace {

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

struct NamedEntity {
  std::string_view name;
  uint32_t code_point;
};
constexpr NamedEntity kNamed[] = {
    {"amp", '&'},      {"lt", '<'},       {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},    {"nbsp", ' '},     {"pound", 0xA3},    {"euro", 0x20AC},
    {"mdash", 0x2014}, {"ndash", 0x2013}, {"rsquo", 0x2019},  {"lsquo", 0x2018},
    {"rdquo", 0x201D}, {"ldquo", 0x201C}, {"hellip", 0x2026}, {"copy", 0xA9},
};

// Decodes the reference whose name starts at s[i] (after '&' or at the
// start of a remnant). Returns the length consumed up to and including
// ';', or 0 when it is not a reference.
size_t DecodeAt(std::string_view s, size_t i, uint32_t* cp) {
  size_t semi = s.find(';', i);
  if (semi == std::string_view::npos || semi - i > 8 || semi == i) return 0;
  std::string_view name = s.substr(i, semi - i);
  if (name[0] == '#') {
    uint32_t v = 0;
    bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    size_t k = hex ? 2 : 1;
    if (k >= name.size()) return 0;
    for (; k < name.size(); ++k) {
      char c = name[k];
      int d = c >= '0' && c <= '9' ? c - '0'
              : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f'
                  ? (c | 0x20) - 'a' + 10
                  : -1;
      if (d < 0) return 0;
      v = v * (hex ? 16 : 10) + d;
      if (v > 0x10FFFF) return 0;
    }
    if (v == 0 || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return semi - i + 1;
  }
  for (const NamedEntity& e : kNamed) {
    if (e.name == name) {
      *cp = e.code_point;
      return semi - i + 1;
    }
  }
  return 0;
}

}  // namespace

bool DecodeHtmlEntities(std::string_view s, std::string* out) {
  // Every reference ends at the first ';' after its start, at most 9 bytes
  // on ("&" + 8), so only the few bytes before each ';' can start one: the
  // scan jumps from ';' to ';' instead of looking at every byte.
  constexpr size_t kMaxReach = 9;
  std::string& result = *out;  // Cleared at the first reference found.
  bool changed = false;
  size_t copied = 0;  // s[0, copied) is in `result` (or was decoded).
  size_t from = 0;    // Earlier starts reach an earlier ';' first.
  for (size_t semi = s.find(';'); semi != std::string_view::npos;
       from = semi + 1, semi = s.find(';', semi + 1)) {
    size_t i =
        std::max({from, copied, semi >= kMaxReach ? semi - kMaxReach : 0});
    for (; i < semi; ++i) {
      char c = s[i];
      size_t start = 0, len = 0;
      uint32_t cp = 0;
      if (c == '&') {
        len = DecodeAt(s, i + 1, &cp);
        start = i;
        if (len != 0) ++len;  // the '&'
      } else if ((c == '#' || c == 'q' || c == 'a') &&
                 (i == 0 || s[i - 1] == ' ' || s[i - 1] == '(')) {
        // Remnant without '&' at a word start: "China #39;s", "quot;Hi".
        len = DecodeAt(s, i, &cp);
        start = i;
        if (len != 0 && c != '#' &&
            std::string_view(s.substr(i, 5)) != "quot;" &&
            std::string_view(s.substr(i, 4)) != "amp;") {
          len = 0;
        }
      }
      if (len == 0) continue;
      if (!changed) result.clear();
      result.append(s.data() + copied, start - copied);
      AppendUtf8(cp, &result);
      copied = start + len;  // Just past this ';'.
      changed = true;
      break;
    }
  }
  if (!changed) return false;
  result.append(s.data() + copied, s.size() - copied);
  return true;
}

}  // namespace tidings::scoring::internal
