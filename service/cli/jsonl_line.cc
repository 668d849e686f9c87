// Copyright 2026 The Tidings Authors.

#include "service/cli/jsonl_line.h"

#include <array>
#include <iterator>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "service/cli/json_text.h"

namespace tidings::cli::score_json {
namespace {

// The ASCII bytes that stand for themselves inside a JSON string.
constexpr std::array<bool, 256> kStringPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

// The index of the first byte at or after `i` that is not kStringPlain
// (or s.size()): 16 bytes a step where SSE2 is there (x86-64 always has it).
// The parser's inner loop, in this file so that String() inlines it.
size_t SkipStringPlain(std::string_view s, size_t i) {
#if defined(__SSE2__)
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    __m128i stop = _mm_cmplt_epi8(v, space);  // Also bytes >= 0x80.
    stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, quote));
    stop = _mm_or_si128(stop, _mm_cmpeq_epi8(v, backslash));
    const int mask = _mm_movemask_epi8(stop);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(mask));
  }
#endif
  while (i < s.size() && kStringPlain[static_cast<unsigned char>(s[i])]) {
    ++i;
  }
  return i;
}

int Hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool FastLineParser::Parse(std::string_view line, LineFields* out) {
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

// The small steps below are `inline` (each is used in this file only) so
// that the compiler folds them into Parse(), Value() and String(), as it did
// when they were defined in the class: 7.7 M more instructions on the news
// corpus (callgrind) otherwise.
inline bool FastLineParser::End() {
  SkipSpace();
  return pos_ == s_.size();
}

inline bool FastLineParser::Eat(char c) {
  if (pos_ < s_.size() && s_[pos_] == c) {
    ++pos_;
    return true;
  }
  return false;
}

inline void FastLineParser::SkipSpace() {
  while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t')) ++pos_;
}

inline std::string* FastLineParser::Target(bool is_string) {
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

bool FastLineParser::Value() {
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
inline bool FastLineParser::Number() {
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

inline bool FastLineParser::Hex4(uint32_t* cp) {
  if (pos_ + 4 > s_.size()) return false;
  for (int i = 0; i < 4; ++i) {
    const int h = Hex(s_[pos_++]);
    if (h < 0) return false;
    *cp = *cp << 4 | static_cast<uint32_t>(h);
  }
  return true;
}

inline bool FastLineParser::Escape(std::string* out) {
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
bool FastLineParser::String(std::string* out) {
  out->clear();
  if (!Eat('"')) return false;
  const size_t n = s_.size();
  size_t run = pos_;
  while (true) {
    run = SkipStringPlain(s_, run);
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

}  // namespace tidings::cli::score_json
