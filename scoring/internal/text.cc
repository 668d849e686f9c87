// Copyright 2026 The Tidings Authors.

#include "scoring/internal/text.h"

#include <cstring>
#include <limits>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace tidings::scoring::internal {
namespace {

constexpr bool IsAsciiAlpha(unsigned char c) {
  return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}
constexpr bool IsDigit(unsigned char c) { return c >= '0' && c <= '9'; }
constexpr bool IsAsciiAlnum(unsigned char c) {
  return IsAsciiAlpha(c) || IsDigit(c);
}
constexpr bool IsSpace(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

// Length of the UTF-8 sequence starting with lead byte `c` (1 for ASCII and
// for stray continuation bytes, which the scorer has already repaired).
inline size_t Utf8Len(unsigned char c) {
  if (c < 0xC0) return 1;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  return 4;
}

// The offset after the character at `i`, never past the end (a truncated
// sequence at the end of unrepaired text ends there).
inline size_t NextChar(std::string_view s, size_t i) {
  size_t next = i + Utf8Len(static_cast<unsigned char>(s[i]));
  return next < s.size() ? next : s.size();
}

// Classifies the (possibly multi-byte) character at `p`.
enum class CharClass : uint8_t { kSpace, kNewline, kLetter, kDigit, kSymbol };

// The classes of the ASCII characters, and which bytes are ASCII letters or
// digits (false for every byte >= 0x80), as tables for the hot loops.
struct AsciiTables {
  CharClass cls[128] = {};
  bool alnum[256] = {};
  bool joiner[128] = {};  // May join word characters into one token.
  constexpr AsciiTables() {
    for (int c = 0; c < 128; ++c) {
      const auto u = static_cast<unsigned char>(c);
      cls[c] = c == '\n'         ? CharClass::kNewline
               : IsSpace(u)      ? CharClass::kSpace
               : IsAsciiAlpha(u) ? CharClass::kLetter
               : IsDigit(u)      ? CharClass::kDigit
                                 : CharClass::kSymbol;
      alnum[c] = IsAsciiAlnum(u);
      joiner[c] = c == '\'' || c == '.' || c == ',' || c == ':' || c == '-' ||
                  c == '/' || c == '&';
    }
  }
};
constexpr AsciiTables kAscii;

// What the token loop does at a byte of the lower-cased text: the common
// cases in one table lookup. kByteOther is everything that needs Classify()
// or a look around: bytes >= 0x80 and the symbols that may start a
// possessive ("'s") or a tag ('$', '#', '@').
enum ByteClass : uint8_t {
  kByteSpace,    // ASCII space other than '\n'.
  kByteNewline,  // '\n'.
  kByteAlnum,    // ASCII letter or digit.
  kByteSymbol,   // Any other ASCII byte: a one-byte symbol token.
  kByteOther,
};
struct ByteTables {
  ByteClass cls[256] = {};
  // Whether a word ends right before it, as 1 + the bytes to skip after it:
  // 0 when it may go on (a letter, digit, joiner or byte >= 0x80), else 1
  // (an ASCII byte on which WordGoesOn() is false at once; NUL included),
  // 2 for the usual space after a word.
  uint8_t word_end[256] = {};
  // The joiners that join only when a letter or digit follows: all but
  // the apostrophe.
  bool joins_only_words[256] = {};
  // '.', '!' and '?': a one-byte token that may end a sentence.
  bool stop[256] = {};
  constexpr ByteTables() {
    for (int c = 0; c < 256; ++c) {
      const auto u = static_cast<unsigned char>(c);
      cls[c] = c >= 0x80 || c == '\'' || c == '$' || c == '#' || c == '@'
                   ? kByteOther
               : c == '\n'       ? kByteNewline
               : IsSpace(u)      ? kByteSpace
               : IsAsciiAlnum(u) ? kByteAlnum
                                 : kByteSymbol;
      word_end[c] = c >= 0x80 || IsAsciiAlnum(u) || kAscii.joiner[c] ? 0
                    : c == ' '                                       ? 2
                                                                     : 1;
      joins_only_words[c] = c < 0x80 && kAscii.joiner[c] && c != '\'';
      stop[c] = c == '.' || c == '!' || c == '?';
    }
  }
};
constexpr ByteTables kBytes;

// The hit bits that a token's last byte gives it (kHitEndsInT).
struct LastByteHits {
  uint16_t of[256] = {};
  constexpr LastByteHits() { of['t'] = kHitEndsInT; }
};
constexpr LastByteHits kLastByteHits;

// The inverse of kFnvPrime modulo 2^64 (it is odd): x * kFnvPrime *
// kFnvPrimeInverse == x, so a step of the hash can be taken back.
constexpr uint64_t FnvPrimeInverse() {
  uint64_t inverse = kFnvPrime;  // Newton's iteration: 3, 6, 12, ... bits.
  for (int k = 0; k < 5; ++k) inverse *= 2 - kFnvPrime * inverse;
  return inverse;
}
constexpr uint64_t kFnvPrimeInverse = FnvPrimeInverse();
static_assert(kFnvPrime * kFnvPrimeInverse == 1);

// The run of ASCII letters and digits of lower-cased text that starts at
// `p` (a byte that is neither must follow it: the text ends in the NUL of
// its std::string), hashed on the way: returns its end, and *h continued
// over its bytes (FNV-1a). Each byte is hashed before it is tested, so
// that the hash needs one register; the step of the byte that ends the run
// is taken back at the end. Four bytes a round, each with its own exit:
// the loop's own test would cost as much as the byte's.
inline const char* HashAlnumRun(const char* p, uint64_t* h) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  uint64_t x = *h;
  unsigned c;
  while (true) {
    c = u[0];
    x = (x ^ c) * kFnvPrime;
    if (!kAscii.alnum[c]) break;
    c = u[1];
    x = (x ^ c) * kFnvPrime;
    if (!kAscii.alnum[c]) {
      u += 1;
      break;
    }
    c = u[2];
    x = (x ^ c) * kFnvPrime;
    if (!kAscii.alnum[c]) {
      u += 2;
      break;
    }
    c = u[3];
    x = (x ^ c) * kFnvPrime;
    if (!kAscii.alnum[c]) {
      u += 3;
      break;
    }
    u += 4;
  }
  *h = (x * kFnvPrimeInverse) ^ c;
  return reinterpret_cast<const char*>(u);
}

inline CharClass Classify(std::string_view s, size_t i) {
  unsigned char c = s[i];
  if (c < 0x80) return kAscii.cls[c];
  unsigned char c1 =
      i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
  if (c == 0xC2) {
    // U+00A0 no-break space; U+0080..U+00BF are symbols (£, ©, «, »).
    return c1 == 0xA0 ? CharClass::kSpace : CharClass::kSymbol;
  }
  if (c == 0xE2) {
    // U+2000..U+206F general punctuation (dashes, quotes, ellipsis, spaces),
    // U+20A0.. currency (€), U+2100.. symbols, arrows, maths, emoji-ish.
    if (c1 == 0x80 && i + 2 < s.size()) {
      unsigned char c2 = s[i + 2];
      if (c2 <= 0x8A || c2 == 0xAF)
        return CharClass::kSpace;  // U+2000..200A, U+202F
      if (c2 == 0xA8 || c2 == 0xA9)
        return CharClass::kNewline;  // line/para sep
    }
    return CharClass::kSymbol;
  }
  if (c == 0xE3 && c1 == 0x80) return CharClass::kSymbol;  // CJK punctuation
  if (c >= 0xF0) return CharClass::kSymbol;                // Emoji and beyond.
  if (c == 0xEF && c1 == 0xBB) return CharClass::kSpace;   // BOM U+FEFF
  if (c == 0xEF && c1 == 0xBF) return CharClass::kSymbol;  // U+FFFD
  return CharClass::kLetter;
}

// Right single quotation mark U+2019, used as an apostrophe.
inline bool IsCurlyApostrophe(std::string_view s, size_t i) {
  return i + 2 < s.size() && static_cast<unsigned char>(s[i]) == 0xE2 &&
         static_cast<unsigned char>(s[i + 1]) == 0x80 &&
         static_cast<unsigned char>(s[i + 2]) == 0x99;
}

inline bool IsWordChar(std::string_view s, size_t i) {
  CharClass k = Classify(s, i);
  return k == CharClass::kLetter || k == CharClass::kDigit;
}

// True when [b, e) holds only upper-case ASCII letters, digits and periods.
inline bool IsUpperRun(std::string_view s, size_t b, size_t e) {
  for (size_t i = b; i < e; ++i) {
    unsigned char c = s[i];
    if (!(c >= 'A' && c <= 'Z') && !IsDigit(c) && c != '.') return false;
  }
  return true;
}

// True when the token [b, e) followed by "." reads as an abbreviation with
// inner periods ("U.S", "a.m", "e.g"): letters separated by single periods.
inline bool IsDottedAbbrev(std::string_view s, size_t b, size_t e) {
  bool has_dot = false;
  size_t run = 0;
  for (size_t i = b; i < e; ++i) {
    unsigned char c = s[i];
    if (c == '.') {
      if (run == 0 || run > 3) return false;
      has_dot = true;
      run = 0;
    } else if (IsAsciiAlpha(c)) {
      ++run;
    } else {
      return false;
    }
  }
  return has_dot && run >= 1 && run <= 3;
}

// The end of a link that starts at `i` of the lower-cased text ("http://",
// "https:" also when cut off, "www."), or `i` when none starts there. A link
// runs to the next space, less the punctuation of the sentence around it
// ("see https://t.co/x.").
inline size_t LinkEnd(std::string_view lower, size_t i) {
  // Most words starting with 'h' or 'w' are turned away by their second byte.
  if (i + 4 > lower.size() || (lower[i + 1] != 't' && lower[i + 1] != 'w')) {
    return i;
  }
  const std::string_view rest = lower.substr(i);
  if (!(rest.rfind("http:", 0) == 0 || rest.rfind("https:", 0) == 0 ||
        rest.rfind("www.", 0) == 0)) {
    return i;
  }
  size_t e = i;
  while (e < lower.size()) {
    const CharClass k = Classify(lower, e);
    if (k == CharClass::kSpace || k == CharClass::kNewline) break;
    e = NextChar(lower, e);
  }
  while (e > i && std::string_view(".,;:!?)\"'").find(lower[e - 1]) !=
                      std::string_view::npos) {
    --e;
  }
  return e;
}

// Whether `lower` may hold a link ("http:", "https:", "www."): found by
// the rare ':' and the less common '.', not by the frequent 'h' and 'w'.
inline bool MayHoldLink(std::string_view lower) {
  for (size_t at = lower.find(':'); at != std::string_view::npos;
       at = lower.find(':', at + 1)) {
    if ((at >= 4 && lower.substr(at - 4, 4) == "http") ||
        (at >= 5 && lower.substr(at - 5, 5) == "https")) {
      return true;
    }
  }
  for (size_t at = lower.find('.'); at != std::string_view::npos;
       at = lower.find('.', at + 1)) {
    if (at >= 3 && lower.substr(at - 3, 3) == "www") return true;
  }
  return false;
}

// Sets Token::markup: the tokens of links (when `may_link`), and of
// cashtags, hashtags and @mentions ("$AAPL", "#economy", "@Reuters": the
// sign, not glued to a word before it, and the word right after it).
void MarkMarkup(std::string_view text, bool may_link, AnalyzedText* out) {
  const std::string_view lower = out->lower;
  Token* const tokens = out->tokens.data();
  const size_t num_tokens = out->tokens.size();
  size_t link_end = 0;  // The end of the current link.
  for (size_t t = 0; t < num_tokens; ++t) {
    Token& tok = tokens[t];
    const size_t i = tok.begin;
    if (may_link && i >= link_end && (lower[i] == 'h' || lower[i] == 'w')) {
      link_end = LinkEnd(lower, i);
    }
    if (i < link_end) tok.markup = true;
    if (tok.kind != TokenKind::kSymbol ||
        (text[i] != '$' && text[i] != '#' && text[i] != '@')) {
      continue;
    }
    const bool after_word = t > 0 && tokens[t - 1].end == i &&
                            tokens[t - 1].kind != TokenKind::kSymbol;
    if (!after_word && i + 1 < text.size() &&
        IsAsciiAlpha(static_cast<unsigned char>(text[i + 1]))) {
      tok.markup = true;
      if (t + 1 < num_tokens && tokens[t + 1].begin == i + 1) {
        tokens[t + 1].markup = true;
      }
    }
  }
}

// The pieces of TextAnalyzer::Analyze, per text and per token.

// Zero bytes that LowerCase() leaves past the end of the lower-cased text
// (in its capacity: its size is the text's), for Vocabulary::FindPadded's
// 8-byte loads (zeros, not whatever was there: memcheck sees no
// uninitialised bytes).
constexpr size_t kLowerPadding = 8;

// `text` ASCII-lower-cased into *lower (same offsets), then kLowerPadding
// zero bytes. Written branch-free so that the compiler vectorises it.
inline void LowerCase(std::string_view text, std::string* lower_text) {
  const size_t n = text.size();
  lower_text->resize(n + kLowerPadding);
  char* lower = lower_text->data();
  for (size_t k = 0; k < n; ++k) {
    const unsigned char c = text[k];
    lower[k] = static_cast<char>(
        c | (static_cast<unsigned char>(c - 'A') < 26 ? 0x20 : 0));
  }
  std::memset(lower + n, 0, kLowerPadding);
  lower_text->resize(n);  // Keeps the bytes past the end.
}

// Pass 1, a symbol at `i`: the end of a possessive "'s" / "’s" starting
// there (one word token when it follows a word), or 0 when none does.
inline size_t PossessiveEnd(std::string_view text, size_t i) {
  const size_t n = text.size();
  size_t apos = text[i] == '\'' ? 1 : IsCurlyApostrophe(text, i) ? 3 : 0;
  if (apos != 0 && i + apos < n && (text[i + apos] | 0x20) == 's' &&
      (i + apos + 1 >= n || !IsWordChar(text, i + apos + 1))) {
    return i + apos + 1;
  }
  return 0;
}

// Pass 1, inside a word: whether word `tok` goes on past the character at
// *i (not an ASCII letter or digit), and if so *i moved past it. A word
// goes on over other letters, and over an apostrophe, '.', ',', ':', '-',
// '/' or '&' in the cases below; any other ASCII ends it. Sets tok.joined
// at a '-' or '/'.
inline bool WordGoesOn(std::string_view text, size_t* at, Token& tok) {
  const size_t n = text.size();
  const size_t i = *at;
  if (static_cast<unsigned char>(text[i]) < 0x80 &&
      !kAscii.joiner[static_cast<unsigned char>(text[i])]) {
    return false;
  }
  if (IsWordChar(text, i)) {
    *at = NextChar(text, i);
    return true;
  }
  unsigned char c = text[i];
  bool next_word = i + 1 < n && IsWordChar(text, i + 1);
  bool next_digit =
      i + 1 < n && IsDigit(static_cast<unsigned char>(text[i + 1]));
  bool prev_digit = IsDigit(static_cast<unsigned char>(text[i - 1]));
  if (c == '\'' || IsCurlyApostrophe(text, i)) {
    size_t len = c == '\'' ? 1 : 3;
    // Possessive "'s" becomes its own token; "don't" stays whole.
    size_t after = i + len;
    bool possessive = after < n && (text[after] | 0x20) == 's' &&
                      (after + 1 >= n || !IsWordChar(text, after + 1));
    if (!possessive && after < n && IsWordChar(text, after) &&
        tok.kind == TokenKind::kWord) {
      *at = after;
      return true;
    }
    return false;
  }
  if ((c == '.' || c == ',' || c == ':') && prev_digit && next_digit) {
    *at = i + 1;  // 3,364.43  7:59  EUR193.3m
    return true;
  }
  if (c == '.' && tok.kind == TokenKind::kWord && next_word &&
      IsAsciiAlpha(static_cast<unsigned char>(text[i + 1]))) {
    // U.S  a.m  e.g  (but not "end.Next": require short runs)
    size_t j = i + 1;
    while (j < n && IsAsciiAlpha(static_cast<unsigned char>(text[j]))) ++j;
    // A Reuters instrument code: upper-case ticker, '.', one or two
    // upper-case exchange letters ("AAPL.O", "BRK.B", "VOD.L").
    if ((j - (i + 1) <= 3 && i - tok.begin <= 3) ||
        (j - (i + 1) <= 2 && i - tok.begin <= 6 &&
         IsUpperRun(text, tok.begin, j) && (j >= n || !IsWordChar(text, j)))) {
      *at = j;
      return true;
    }
    return false;
  }
  if ((c == '-' || c == '/') && next_word) {
    *at = i + 1;  // year-to-date, 3-1/2, AUD/USD
    tok.joined = true;
    return true;
  }
  if (c == '&' && next_word && tok.capitalized) {
    *at = i + 1;  // S&P, AT&T
    return true;
  }
  return false;
}

// Pass 1, a word or number of class `k` starting at `i` (tok.begin): reads
// it into `tok` (end, kind, capitalized, joined, hash) and returns where
// the next token may start.
inline size_t ReadWord(std::string_view text, const char* lower, size_t i,
                       CharClass k, Token& tok) {
  const size_t n = text.size();
  tok.kind = k == CharClass::kDigit ? TokenKind::kNumber : TokenKind::kWord;
  tok.capitalized = text[i] >= 'A' && text[i] <= 'Z';
  // The token's hash (Token::hash) is taken as its bytes are scanned:
  // `h` is that of lower[tok.begin, hashed).
  uint64_t h = kFnvOffset;
  size_t hashed = i;
  auto hash_to = [&](size_t end) {
    for (; hashed < end; ++hashed) {
      h = (h ^ static_cast<unsigned char>(lower[hashed])) * kFnvPrime;
    }
  };
  while (i < n) {
    hash_to(i);  // What the last round stepped over ("U.S", "3,364").
    // ASCII letters and digits, the bulk of a word, in a tight loop (the
    // same in `lower`, which ends in a NUL: no bound check).
    for (unsigned char c; kAscii.alnum[c = lower[i]]; ++i) {
      h = (h ^ c) * kFnvPrime;
    }
    hashed = i;
    if (i >= n || !WordGoesOn(text, &i, tok)) break;
  }
  // Absorb the final period of a dotted abbreviation: "U.S." "a.m."
  if (i < n && text[i] == '.' && IsDottedAbbrev(text, tok.begin, i)) ++i;
  tok.end = static_cast<uint32_t>(i);
  hash_to(i);
  tok.hash = h;
  if (lower[i] == ' ') ++i;  // The usual space after it, skipped here.
  return i;
}

// Pass 2, a full stop at token t: the last of the closing quotes and
// brackets right after it (t when none). They stay with the sentence they
// close.
inline size_t ClosersEnd(std::string_view text, const std::vector<Token>& toks,
                         size_t t) {
  size_t last = t;
  while (last + 1 < toks.size() && toks[last + 1].kind == TokenKind::kSymbol) {
    unsigned char d = text[toks[last + 1].begin];
    bool closer =
        d == '"' || d == '\'' || d == ')' || d == ']' ||
        (d == 0xE2 && toks[last + 1].end - toks[last + 1].begin == 3 &&
         (static_cast<unsigned char>(text[toks[last + 1].begin + 2]) == 0x9D ||
          static_cast<unsigned char>(text[toks[last + 1].begin + 2]) == 0x99));
    if (!closer) break;
    ++last;
  }
  return last;
}

}  // namespace

absl::StatusOr<TextAnalyzer> TextAnalyzer::Create(const LexiconSet& lexicons) {
  absl::StatusOr<std::vector<LexiconRow>> rows =
      lexicons.Rows("abbreviations.txt", 1, 2);
  if (!rows.ok()) return rows.status();
  TextAnalyzer analyzer;
  for (const LexiconRow& row : *rows) {
    if (row.fields.size() == 1) {
      analyzer.abbreviations_.insert(std::string(row.fields[0]));
    } else if (row.fields[1] == "opener") {
      analyzer.openers_.insert(std::string(row.fields[0]));
    } else {
      return absl::InvalidArgumentError(absl::StrCat(
          "abbreviations.txt:", row.line, ": kind must be empty or opener"));
    }
  }

  // The vocabulary (see vocabulary()), tokenising with the abbreviations
  // just read and no vocabulary yet.
  auto vocabulary = std::make_shared<Vocabulary>();
  AnalyzedText at;
  auto add_pieces = [&](std::string_view s, char sep) {
    size_t start = 0;
    while (true) {
      const size_t end = s.find(sep, start);
      vocabulary->Add(s.substr(start, end == std::string_view::npos
                                          ? std::string_view::npos
                                          : end - start));
      if (end == std::string_view::npos) break;
      start = end + 1;
    }
  };
  for (std::string_view name : lexicons.Names()) {
    absl::StatusOr<std::vector<LexiconRow>> file_rows =
        lexicons.Rows(name, 0, std::numeric_limits<int>::max());
    if (!file_rows.ok()) return file_rows.status();
    for (const LexiconRow& row : *file_rows) {
      for (std::string_view field : row.fields) {
        vocabulary->Add(field);
        add_pieces(field, ' ');
        size_t start = 0;
        while (true) {
          const size_t bar = field.find('|', start);
          const std::string_view alt = field.substr(
              start, bar == std::string_view::npos ? std::string_view::npos
                                                   : bar - start);
          vocabulary->Add(alt);
          add_pieces(alt, ' ');
          analyzer.Analyze(alt, &at);
          for (size_t t = 0; t < at.tokens.size(); ++t) {
            vocabulary->Add(at.norm(t));
          }
          if (bar == std::string_view::npos) break;
          start = bar + 1;
        }
      }
    }
  }
  analyzer.vocabulary_ = std::move(vocabulary);
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    analyzer.one_byte_[b].id =
        analyzer.vocabulary_->Find(std::string_view(&c, 1));
  }
  analyzer.hits_of_id_.assign(analyzer.vocabulary_->size() + 1, kAllHits);
  return analyzer;
}

std::vector<TextAnalyzer::OneByte> TextAnalyzer::NoIds() {
  std::vector<OneByte> one_byte(256);
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    one_byte[b].hash = Fnv1a64(std::string_view(&c, 1));
  }
  return one_byte;
}

bool TextAnalyzer::IsOpener(std::string_view lower_word) const {
  return openers_.contains(AsAbsl(lower_word));
}

bool TextAnalyzer::IsAbbreviation(std::string_view lower_word) const {
  return abbreviations_.contains(AsAbsl(lower_word));
}

void TextAnalyzer::Analyze(std::string_view text, AnalyzedText* out) const {
  out->text = text;
  LowerCase(text, &out->lower);
  out->tokens.clear();
  out->sentences.clear();
  out->stops.clear();
  // About one token per five bytes and one sentence per 100: reserve once
  // instead of growing.
  out->tokens.reserve(text.size() / 4 + 16);
  out->sentences.reserve(text.size() / 64 + 4);

  const bool may_tag = ReadTokens(text, out);
  // Most texts hold no link and no tag: one fast scan instead of a look per
  // token.
  const bool may_link = MayHoldLink(out->lower);
  if (may_link || may_tag) MarkMarkup(text, may_link, out);
  MarkSentenceEnds(text, out);
  AssignIds(out);
}

inline bool TextAnalyzer::ReadTokens(std::string_view text,
                                     AnalyzedText* out) const {
  const char* const lower = out->lower.data();
  const size_t n = text.size();
  std::vector<Token>& tokens = out->tokens;
  auto index = [&](const Token& tok) {
    return static_cast<uint32_t>(&tok - tokens.data());
  };
  size_t i = 0;
  // Whether a '$', '#' or '@' token was seen: the text may hold a cashtag,
  // hashtag or @mention (MarkMarkup).
  bool may_tag = false;
  while (i < n) {
    // The common cases first, by one table lookup: ASCII spaces, words that
    // end at a byte that ends every word, one-byte symbols.
    const unsigned char c = lower[i];
    const ByteClass b = kBytes.cls[c];
    if (b == kByteSpace) {
      ++i;
      continue;
    }
    if (b == kByteAlnum) {
      uint64_t h = kFnvOffset;
      const size_t end = HashAlnumRun(lower + i, &h) - lower;
      const unsigned char after = lower[end];
      uint8_t step = kBytes.word_end[after];
      // A joiner other than an apostrophe, then a byte that ends words
      // ("said.", "rose, and", "U.S. -"): WordGoesOn() is false at it too
      // (the byte after it is no letter or digit), and a run of letters
      // and digits absorbs no final period (it holds no inner one).
      if (step == 0 && kBytes.joins_only_words[after] &&
          kBytes.word_end[static_cast<unsigned char>(lower[end + 1])] != 0) {
        step = 1;
      }
      if (step != 0) {
        Token& tok = tokens.emplace_back();
        tok.begin = static_cast<uint32_t>(i);
        tok.end = static_cast<uint32_t>(end);
        tok.kind = c <= '9' ? TokenKind::kNumber : TokenKind::kWord;
        tok.capitalized = text[i] != static_cast<char>(c);  // 'A'..'Z'
        tok.hash = h;
        i = end + step - 1;
        continue;
      }
    } else if (b == kByteSymbol) {
      Token& tok = tokens.emplace_back();
      tok.begin = static_cast<uint32_t>(i);
      tok.end = static_cast<uint32_t>(i + 1);
      tok.kind = TokenKind::kSymbol;
      tok.hash = one_byte_[c].hash;
      if (kBytes.stop[c]) out->stops.push_back(index(tok));
      i += 1 + (lower[i + 1] == ' ');
      continue;
    }
    CharClass k = Classify(text, i);
    if (k == CharClass::kSpace) {
      i = NextChar(text, i);
      continue;
    }
    if (k == CharClass::kNewline) {
      if (!tokens.empty()) tokens.back().sentence |= 2;
      i = NextChar(text, i);
      continue;
    }
    // The token is built in place: assembling it elsewhere and copying it in
    // costs a store-forwarding stall per token.
    Token& tok = tokens.emplace_back();
    tok.begin = static_cast<uint32_t>(i);
    if (k != CharClass::kSymbol) {
      i = ReadWord(text, lower, i, k, tok);
      // (Ends in '.' when it took the period of "U.S.", or stepped over one
      // as part of an invalid UTF-8 sequence.)
      if (text[tok.end - 1] == '.') out->stops.push_back(index(tok));
      continue;
    }
    may_tag = may_tag || text[i] == '$' || text[i] == '#' || text[i] == '@';
    // Whether the token before is a word or number ending right here.
    const Token* prev = &tok != tokens.data() ? &tok - 1 : nullptr;
    const bool after_word =
        prev != nullptr && prev->end == i && prev->kind != TokenKind::kSymbol;
    // Possessive "'s" / "’s" after a word is one word token.
    if (const size_t end = PossessiveEnd(text, i); end != 0 && after_word) {
      i = end;
      tok.end = static_cast<uint32_t>(i);
      tok.kind = TokenKind::kWord;
      tok.hash = Fnv1a64(std::string_view(lower + tok.begin, i - tok.begin));
      continue;
    }
    const size_t begin = i;
    i = NextChar(text, i);
    tok.end = static_cast<uint32_t>(i);
    tok.kind = TokenKind::kSymbol;
    if (kBytes.stop[static_cast<unsigned char>(text[begin])]) {
      out->stops.push_back(index(tok));
    }
    tok.hash = i - begin == 1
                   ? one_byte_[static_cast<unsigned char>(lower[begin])].hash
                   : Fnv1a64(std::string_view(lower + begin, i - begin));
    if (lower[i] == ' ') ++i;  // As after a word.
  }
  return may_tag;
}

inline void TextAnalyzer::MarkSentenceEnds(std::string_view text,
                                           AnalyzedText* out) const {
  auto& toks = out->tokens;
  // Only the tokens that ReadTokens() noted can end a sentence: the loop
  // below, over all tokens, would skip every other one at its first tests.
  size_t next = 0;  // Tokens before `next` are decided (closers of an end).
  for (const size_t t : out->stops) {
    if (t < next) continue;
    if (toks[t].kind == TokenKind::kWord && text[toks[t].end - 1] == '.' &&
        !toks[t].markup && t + 1 < toks.size() &&
        toks[t + 1].kind == TokenKind::kWord && toks[t + 1].capitalized &&
        IsOpener(out->norm(t + 1))) {
      // A dotted abbreviation that ends a sentence: "from the U.S. The deal".
      toks[t].sentence |= 1;
      continue;
    }
    if (toks[t].kind != TokenKind::kSymbol) continue;
    char c = text[toks[t].begin];
    if ((c != '.' && c != '!' && c != '?') || toks[t].markup) continue;
    if (t + 1 < toks.size() && toks[t + 1].kind == TokenKind::kSymbol) {
      char d = text[toks[t + 1].begin];
      if (d == '.' || d == '!' || d == '?') continue;  // "..." ends at the last
    }
    // A period glued to a digit is a decimal point, not a full stop, even
    // in pre-tokenised text ("EUR193 .3 m").
    if (c == '.' && t + 1 < toks.size() && toks[t + 1].begin == toks[t].end &&
        toks[t + 1].kind == TokenKind::kNumber) {
      continue;
    }
    if (c == '.' && t > 0 && toks[t - 1].kind == TokenKind::kWord &&
        toks[t - 1].end == toks[t].begin) {
      std::string_view prev = out->norm(t - 1);
      bool initial = prev.size() == 1 && toks[t - 1].capitalized;
      // "Apple Inc. The company said": an abbreviation followed by a
      // sentence opener ends the sentence after all.
      bool opener_next = t + 1 < toks.size() &&
                         toks[t + 1].kind == TokenKind::kWord &&
                         toks[t + 1].capitalized && IsOpener(out->norm(t + 1));
      if ((initial || IsAbbreviation(prev)) && !(opener_next && !initial)) {
        continue;
      }
    }
    const size_t last = ClosersEnd(text, toks, t);
    // A lower-case word next means the period was not a full stop ("e.g. in").
    if (c == '.' && last + 1 < toks.size() &&
        toks[last + 1].kind == TokenKind::kWord &&
        !toks[last + 1].capitalized &&
        static_cast<unsigned char>(text[toks[last + 1].begin]) < 0x80) {
      continue;
    }
    toks[last].sentence |= 1;
    next = last + 1;
  }
}

void TextAnalyzer::SetHits(std::vector<uint16_t> hits_of_id) {
  const size_t num_ids = vocabulary_ != nullptr ? vocabulary_->size() + 1 : 1;
  hits_of_id.resize(num_ids, kAllHits);  // (A table of the right size: as is.)
  hits_of_id_ = std::move(hits_of_id);
  for (size_t b = 0; b < one_byte_.size(); ++b) {
    one_byte_[b].hits = static_cast<uint16_t>(
        hits_of_id_[one_byte_[b].id] | (b == '+' || b == '-' ? kHitSign : 0));
  }
}

inline void TextAnalyzer::AssignIds(AnalyzedText* out) const {
  const char* const lower = out->lower.data();
  // (An analyser without a vocabulary: Create()'s own, and one made by
  // default.)
  static const Vocabulary* const kNoWords = new Vocabulary();
  const Vocabulary& vocabulary =
      vocabulary_ != nullptr ? *vocabulary_ : *kNoWords;
  out->vocabulary_digest = vocabulary_ != nullptr ? vocabulary.digest() : 0;
  // Everything the loop reads, in locals: it stores to the tokens, and the
  // compiler would load the vectors' pointers again after each store.
  const Vocabulary::PaddedFinder find(vocabulary);
  const uint16_t* const hits_of_id = hits_of_id_.data();
  const OneByte* const one_byte = one_byte_.data();
  Token* const tokens = out->tokens.data();
  Token* const end = tokens + out->tokens.size();
  if (tokens == end) {
    out->hits = 0;
    return;
  }
  end[-1].sentence |= 1;  // The last token ends a sentence.
  // (Pointers, not indexes, and the text's hits ORed from the sentences
  // afterwards: the loop's values then fit in the registers.)
  const Token* first = tokens;  // Of the current sentence.
  uint32_t sent = 0;
  uint16_t sentence_hits = 0;
  for (Token* tok = tokens; tok != end; ++tok) {
    const char* const word = lower + tok->begin;
    const size_t size = tok->end - tok->begin;
    uint16_t hits;
    if (size == 1) {
      const OneByte& one = one_byte[static_cast<unsigned char>(word[0])];
      tok->id = one.id;
      hits = one.hits;
    } else {
      tok->id = find(word, size, tok->hash);
      hits = hits_of_id[tok->id];
    }
    hits |= kLastByteHits.of[static_cast<unsigned char>(word[size - 1])] |
            (tok->joined ? kHitJoined : 0);
    tok->hits = hits;
    sentence_hits |= hits;
    const bool ends = tok->sentence != 0;
    tok->sentence = sent;
    if (ends) {
      Sentence s;
      s.begin = first->begin;
      s.end = tok->end;
      s.first_token = static_cast<uint32_t>(first - tokens);
      s.end_token = static_cast<uint32_t>(tok + 1 - tokens);
      s.hits = sentence_hits;
      out->sentences.push_back(s);
      sentence_hits = 0;
      ++sent;
      first = tok + 1;
    }
  }
  uint16_t text_hits = 0;
  for (const Sentence& s : out->sentences) text_hits |= s.hits;
  out->hits = text_hits;
}

}  // namespace tidings::scoring::internal
