// Copyright 2026 The Tidings Authors.
//
// score_json.h: the fast JSON paths of `tidings score --jsonl` (score.cc and
// signal_json.cc only): the line parser and the escaping and number text of
// signal_json.cc's typed writer.
//
// They produce exactly what the protobuf JSON code would, for the inputs and
// messages they accept; for anything else they say no and the caller uses
// protobuf (JsonStringToMessage into a Struct, MessageToJsonString), so the
// output is the same byte for byte either way. bench/README.md ("Issue 12")
// has the measurements; bench/score_cli_check.sh is the check.

#ifndef TIDINGS_SERVICE_CLI_SCORE_JSON_H_
#define TIDINGS_SERVICE_CLI_SCORE_JSON_H_

#include <array>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/str_cat.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/stubs/strutil.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/time_util.h"

namespace tidings::cli::score_json {

// Decodes the UTF-8 sequence at s[i] strictly (no overlong forms, surrogates
// or values above U+10FFFF): its length, or 0 when it is not valid.
inline size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  const size_t len = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xE  ? 3
                     : (c >> 3) == 0x1E ? 4
                                        : 0;
  if (len == 0 || i + len > s.size()) return 0;
  uint32_t v = len == 1 ? c : c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k) {
    const unsigned char t = static_cast<unsigned char>(s[i + k]);
    if ((t & 0xC0) != 0x80) return 0;
    v = (v << 6) | (t & 0x3F);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (v < kMin[len] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
  *cp = v;
  return len;
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
inline void AppendDouble(double v, std::string* out) {
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

// AppendDouble with a memory of the texts it printed, direct-mapped by the
// double's bits (4,096 entries, 128 KiB). Sentiment proportions and scores
// repeat: on the news corpus 9 of 10 doubles printed are found here.
class DoubleTextCache {
 public:
  void Append(double v, std::string* out) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    Entry& e = entries_[(bits * 0x9E3779B97F4A7C15ULL) >> (64 - kBits)];
    if (e.size != 0 && e.bits == bits) {
      out->append(e.text, e.size);
      return;
    }
    const size_t start = out->size();
    AppendDouble(v, out);
    const size_t size = out->size() - start;
    if (size <= sizeof(e.text)) {  // Always: at most 24 characters.
      e.bits = bits;
      e.size = static_cast<uint8_t>(size);
      std::memcpy(e.text, out->data() + start, size);
    }
  }

 private:
  static constexpr int kBits = 12;
  struct Entry {
    uint64_t bits = 0;
    uint8_t size = 0;  // 0: empty (no double prints as "").
    char text[24];
  };
  std::vector<Entry> entries_ = std::vector<Entry>(size_t{1} << kBits);
};

inline bool AppendTimestamp(const google::protobuf::Timestamp& t,
                            std::string* out) {
  // The printer's own limits: 0001-01-01 to 9999-12-31, nanos in [0, 1e9).
  if (t.seconds() < -62135596800 || t.seconds() > 253402300799 ||
      t.nanos() < 0 || t.nanos() >= 1000000000) {
    return false;
  }
  out->push_back('"');
  out->append(google::protobuf::util::TimeUtil::ToString(t));
  out->push_back('"');
  return true;
}

// The code points >= 0x80 that JsonEscaping escapes.
inline bool NeedsEscape(uint32_t cp) {
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
inline constexpr std::array<bool, 256> kJsonPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x7F; ++c) {
    t[c] = c != '"' && c != '<' && c != '>' && c != '\\';
  }
  return t;
}();

// The index of the first byte at or after `i` that is not kJsonPlain (or
// s.size()): 16 bytes a step where SSE2 is there (x86-64 always has it).
inline size_t SkipJsonPlain(std::string_view s, size_t i) {
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

// JsonEscaping::Escape of protobuf 3.21 on valid UTF-8.
inline bool AppendEscaped(std::string_view s, std::string* out) {
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

// The keys of a JSONL line that `score` reads. A string key's value is kept
// only when it is a JSON string (as Field() below treats the Struct).
struct LineFields {
  bool has_text = false, has_body = false, has_title = false;
  bool has_id = false, has_article_id = false;
  std::string text, body, title, id, article_id;

  // As a new LineFields, keeping the strings' buffers.
  void Clear() {
    has_text = has_body = has_title = has_id = has_article_id = false;
    text.clear(), body.clear(), title.clear(), id.clear(), article_id.clear();
  }
};

class FastLineParser {
 public:
  // Returns false when the line is not of the plain shape handled here: one
  // flat object of unique, double-quoted keys whose values are strings
  // (valid UTF-8, simple escapes, no control characters, surrogates only
  // in pairs), short plain numbers, true, false or null; "id" and
  // "article_id" only as strings.
  bool Parse(std::string_view line, LineFields* out) {
    s_ = line;
    pos_ = 0;
    out_ = out;
    out->Clear();
    n_keys_ = 0;
    SkipSpace();
    if (!Eat('{')) return false;
    SkipSpace();
    if (Eat('}')) return End();
    while (true) {
      SkipSpace();
      if (!String(&key_)) return false;
      for (size_t k = 0; k < n_keys_; ++k) {
        if (keys_[k] == key_) return false;  // Duplicate key.
      }
      if (n_keys_ == std::size(keys_)) return false;
      keys_[n_keys_++] = key_;
      SkipSpace();
      if (!Eat(':')) return false;
      SkipSpace();
      if (!Value()) return false;
      SkipSpace();
      if (Eat(',')) continue;
      if (!Eat('}')) return false;
      return End();
    }
  }

 private:
  bool End() {
    SkipSpace();
    return pos_ == s_.size();
  }
  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }
  void SkipSpace() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
  }
  std::string* Target(bool is_string) {
    std::string* target = nullptr;
    bool* has = nullptr;
    if (key_ == "text") {
      target = &out_->text, has = &out_->has_text;
    } else if (key_ == "body") {
      target = &out_->body, has = &out_->has_body;
    } else if (key_ == "title") {
      target = &out_->title, has = &out_->has_title;
    } else if (key_ == "id") {
      target = &out_->id, has = &out_->has_id;
    } else if (key_ == "article_id") {
      target = &out_->article_id, has = &out_->has_article_id;
    }
    if (has != nullptr && is_string) *has = true;
    return target;
  }
  bool Value() {
    if (pos_ >= s_.size()) return false;
    const char c = s_[pos_];
    if (c == '"') {
      std::string* target = Target(true);
      return String(target != nullptr ? target : &skipped_);
    }
    // A non-string "id" or "article_id" is printed by IdOf: leave it to the
    // Struct path.
    if (key_ == "id" || key_ == "article_id") return false;
    for (std::string_view literal : {"true", "false", "null"}) {
      if (s_.substr(pos_, literal.size()) == literal) {
        pos_ += literal.size();
        return true;
      }
    }
    return Number();
  }
  // -?(0|[1-9][0-9]*)(\.[0-9]+)? with at most 15 digits: exact as a double.
  bool Number() {
    Eat('-');
    size_t digits = 0;
    const size_t int_start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      ++pos_, ++digits;
    }
    const size_t int_digits = pos_ - int_start;
    if (int_digits == 0 || (int_digits > 1 && s_[int_start] == '0')) {
      return false;
    }
    if (Eat('.')) {
      const size_t frac_start = pos_;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        ++pos_, ++digits;
      }
      if (pos_ == frac_start) return false;
    }
    return digits <= 15;
  }
  static int Hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  bool Hex4(uint32_t* cp) {
    if (pos_ + 4 > s_.size()) return false;
    for (int i = 0; i < 4; ++i) {
      const int h = Hex(s_[pos_++]);
      if (h < 0) return false;
      *cp = *cp << 4 | static_cast<uint32_t>(h);
    }
    return true;
  }
  bool Escape(std::string* out) {
    if (pos_ >= s_.size()) return false;
    const char e = s_[pos_++];
    switch (e) {
      case '"':
      case '\\':
      case '/':
        out->push_back(e);
        return true;
      case 'b':
        out->push_back('\b');
        return true;
      case 'f':
        out->push_back('\f');
        return true;
      case 'n':
        out->push_back('\n');
        return true;
      case 'r':
        out->push_back('\r');
        return true;
      case 't':
        out->push_back('\t');
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    uint32_t cp = 0;
    if (!Hex4(&cp) || cp < 0x20 || (cp >= 0xDC00 && cp <= 0xDFFF)) {
      return false;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {  // Only as a pair.
      uint32_t low = 0;
      if (!Eat('\\') || !Eat('u') || !Hex4(&low) || low < 0xDC00 ||
          low > 0xDFFF) {
        return false;
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
    return true;
  }
  // A double-quoted string into `out`: runs of plain ASCII by a table, UTF-8
  // sequences checked as they come (none holds a quote, a backslash or a
  // control byte), escapes decoded.
  bool String(std::string* out) {
    out->clear();
    if (!Eat('"')) return false;
    const size_t n = s_.size();
    size_t run = pos_;
    while (true) {
      run = SkipStringPlain(run);
      if (run < n && static_cast<unsigned char>(s_[run]) >= 0x80) {
        uint32_t cp;
        const size_t len = DecodeUtf8(s_, run, &cp);
        if (len == 0) return false;
        run += len;
        continue;
      }
      out->append(s_.data() + pos_, run - pos_);
      pos_ = run;
      if (pos_ >= n) return false;
      const char c = s_[pos_++];
      if (c == '"') return true;
      if (c != '\\' || !Escape(out)) return false;
      run = pos_;
    }
  }

  // The index of the first byte at or after `i` that is not kStringPlain
  // (or the line's end), as SkipJsonPlain.
  size_t SkipStringPlain(size_t i) const {
#if defined(__SSE2__)
    const __m128i space = _mm_set1_epi8(0x20);
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    for (; i + 16 <= s_.size(); i += 16) {
      const __m128i v =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_.data() + i));
      __m128i stop = _mm_cmplt_epi8(v, space);  // Also bytes >= 0x80.
      stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, quote));
      stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, backslash));
      const int mask = _mm_movemask_epi8(stop);
      if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
    }
#endif
    while (i < s_.size() && kStringPlain[static_cast<unsigned char>(s_[i])]) {
      ++i;
    }
    return i;
  }

  // The ASCII bytes that stand for themselves inside a JSON string.
  static constexpr std::array<bool, 256> kStringPlain = [] {
    std::array<bool, 256> t{};
    for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
    return t;
  }();

  std::string_view s_;
  size_t pos_ = 0;
  LineFields* out_ = nullptr;
  std::string key_, skipped_;
  std::string keys_[32];
  size_t n_keys_ = 0;
};

}  // namespace tidings::cli::score_json

#endif  // TIDINGS_SERVICE_CLI_SCORE_JSON_H_
