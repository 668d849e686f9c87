// Copyright 2026 The Tidings Authors.

#include "service/cli/json_text.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace tidings::cli::score_json {
namespace {

// The code points >= 0x80 that JsonEscaping escapes.
bool NeedsEscape(uint32_t cp) {
  if (cp >= 0xA0 && cp < 0x600) return cp == 0xAD;  // Latin, Greek, ...
  return cp < 0xA0 || cp == 0xAD || cp == 0x6DD || cp == 0x70F ||
         cp == 0x17B4 || cp == 0x17B5 || cp == 0xFEFF ||
         (cp >= 0xFFF9 && cp <= 0xFFFB) || (cp >= 0x600 && cp <= 0x603) ||
         (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
         (cp >= 0x2060 && cp <= 0x2064) || (cp >= 0x206A && cp <= 0x206F) ||
         cp == 0xE0001 || (cp >= 0x1D173 && cp <= 0x1D17A) ||
         (cp >= 0xE0020 && cp <= 0xE007F);
}

// The ASCII bytes that JsonEscaping leaves as they are (a table: the
// escaping loop is one of the CLI's hot spots).
constexpr std::array<bool, 256> kJsonPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7F; ++c) {
    t[c] = c != '"' && c != '<' && c != '>' && c != '\\';
  }
  return t;
}();

// The index of the first byte at or after `i` that is not kJsonPlain (or
// s.size()): 16 bytes a step where SSE2 is there (x86-64 always has it).
size_t SkipJsonPlain(std::string_view s, size_t i) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i del = _mm_set1_epi8(0x7F);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i less = _mm_set1_epi8('<');
  const __m128i greater = _mm_set1_epi8('>');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    // Signed: bytes >= 0x80 are below 0x20 too.
    __m128i stop = _mm_cmplt_epi8(v, space);
    stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, del));
    stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, quote));
    stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, backslash));
    stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, less));
    stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, greater));
    const int mask = _mm_movemask_epi8(stop);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < s.size() && kJsonPlain[static_cast<unsigned char>(s[i])]) ++i;
  return i;
}

}  // namespace

bool AppendEscaped(std::string_view s, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t i = 0, plain = 0;
  auto flush = [&] { out->append(s.substr(plain, i - plain)); };
  auto hex4 = [&](uint32_t u) {
    const char h[6] = {'\\',
                       'u',
                       kHex[(u >> 12) & 15],
                       kHex[(u >> 8) & 15],
                       kHex[(u >> 4) & 15],
                       kHex[u & 15]};
    out->append(h, 6);
  };
  while (true) {
    i = SkipJsonPlain(s, i);
    if (i == s.size()) break;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp = c;
    size_t len = 1;
    if (c >= 0x80) {
      len = DecodeUtf8(s, i, &cp);
      if (len == 0) return false;
      if (!NeedsEscape(cp)) {
        i += len;
        continue;
      }
    }
    flush();
    switch (cp) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\r':
        out->append("\\r");
        break;
      default:
        if (cp >= 0x10000) {  // As a surrogate pair.
          hex4(0xD800 + ((cp - 0x10000) >> 10));
          hex4(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
          hex4(cp);
        }
    }
    i += len;
    plain = i;
  }
  flush();
  out->push_back('"');
  return true;
}

// google::protobuf::SimpleDtoa (%.15g, or %.17g when that does not read
// back as the same double) without printf. The shortest text that reads
// back (to_chars, scientific) has k significant digits. When k <= 15 it is
// what %.15g gives: it lies within half an ulp of the value, closer than
// half the step between 15-digit decimals (normal doubles only), so %.15g
// rounds to it; it is then laid out as %g does (fixed for exponents -4..14,
// no trailing zeros). When k > 15, %.15g does not read back (it would be a
// shorter such text) and %.17g is printed, as SimpleDtoa does. Denormals
// take the longer way (to_chars with a precision, read back with
// from_chars). Checked against SimpleDtoa on 20 million doubles (random
// bit patterns, [-1, 1], ratios, powers of two; bench/README.md).
void AppendDouble(double v, std::string* out) {
  char buf[40];
  std::to_chars_result r;
  if (v != 0 && std::fabs(v) < 2.2250738585072014e-308) {  // Denormal.
    r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general,
                      15);
    double back = 0;
    std::from_chars(buf, r.ptr, back);
    if (back != v) {
      r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general,
                        17);
    }
    out->append(buf, r.ptr);
    return;
  }
  r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  // buf: [-]d[.ddd]e(+|-)dd[d]
  const char* p = buf + (buf[0] == '-' ? 1 : 0);
  const char* e = static_cast<const char*>(std::memchr(p, 'e', r.ptr - p));
  char digits[20];
  int k = 0;
  for (const char* q = p; q < e && k < 20; ++q) {
    if (*q != '.') digits[k++] = *q;
  }
  if (k > 15) {
    r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::general,
                      17);
    out->append(buf, r.ptr);
    return;
  }
  int x = 0;
  std::from_chars(e + (e[1] == '+' ? 2 : 1), r.ptr, x);
  if (x < -4 || x >= 15) {  // %g's scientific form, as to_chars wrote it.
    out->append(buf, r.ptr);
    return;
  }
  out->append(buf, p - buf);  // The sign.
  if (x < 0) {
    out->append("0.", 2);
    out->append(static_cast<size_t>(-x - 1), '0');
    out->append(digits, k);
  } else if (k <= x + 1) {
    out->append(digits, k);
    out->append(static_cast<size_t>(x + 1 - k), '0');
  } else {
    out->append(digits, x + 1);
    out->push_back('.');
    out->append(digits + x + 1, k - x - 1);
  }
}

}  // namespace tidings::cli::score_json
