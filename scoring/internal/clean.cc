// Copyright 2026 The Tidings Authors.
//
// clean.cc: reading the lines of a page: their shapes, the chrome and
// furniture among them, and what their neighbours tell (see clean.h).

#include "scoring/internal/clean.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "scoring/internal/cleaning.h"
#include "scoring/internal/page_furniture.h"
#include "scoring/internal/page_text.h"

namespace tidings::scoring::internal {
namespace cleaning {
namespace {

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

// What ClassifyShape needs of every line, in one pass over its bytes instead
// of three: the word count (as CountWords(t)), and, for a line of at most
// kMaxDetailWords words, its TitleKey in *key and its boilerplate form
// (as NormalizeForBoilerplate(t)) in *norm. Past kMaxDetailWords words the
// scan only counts on (up to CountWords' cap); *key and *norm are then
// unspecified.
// Also records in word_starts[k] where word k starts in *norm (for a line of
// at most kMaxDetailWords words; the last ones may lie past the end of *norm
// once its final ':', '.' and spaces are dropped), and in *marks the
// furniture marks of its bytes (kFurnitureMarks, ORed).
#ifdef __SSE2__
// ScanLine for the usual line: printable ASCII (0x21..0x7F) words separated
// by single ' ', at most kMaxDetailWords of them. Its boilerplate form is
// then the line lower-cased, byte for byte, so 16 bytes are lower-cased,
// classified and stored at a time; only TitleKey's FNV-1a goes byte by byte,
// over the letters and digits. Returns false (and *norm, *word_starts are
// then scratch) for any other line: ScanLine reads it byte by byte; but
// when the line is plain up to a word past kMaxDetailWords, sets *more to
// where that word starts (ScanLine counts the rest).
bool ScanPlainLine(std::string_view t, uint64_t* key, std::string* norm,
                   uint32_t* word_starts, uint8_t* marks, size_t* words_out,
                   size_t* more) {
  const size_t n = t.size();
  if (n == 0) return false;
  norm->resize(n + 16);  // Whole 16-byte stores; cut to size below.
  char* const out = norm->data();
  uint8_t m = 0;
  uint64_t h = 1469598103934665603ull;  // TitleKey's FNV-1a.
  size_t words = 0;
  uint32_t after_space = 1;  // The line's start counts as after a space.
  const __m128i space = _mm_set1_epi8(' ');
  for (size_t base = 0; base < n; base += 16) {
    const size_t rem = n - base;
    __m128i v;
    uint32_t valid = 0xFFFF;
    if (rem >= 16) {
      v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(t.data() + base));
    } else {
      alignas(16) char tail[16] = {};
      std::memcpy(tail, t.data() + base, rem);
      v = _mm_load_si128(reinterpret_cast<const __m128i*>(tail));
      valid = (1u << rem) - 1;
    }
    // Controls and bytes >= 0x80 (negative as signed) are below ' '.
    if (_mm_movemask_epi8(_mm_cmplt_epi8(v, space)) & valid) return false;
    const uint32_t sp = _mm_movemask_epi8(_mm_cmpeq_epi8(v, space)) & valid;
    if (sp & ((sp << 1) | after_space)) return false;  // "  " or leading ' '.
    const __m128i upper = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('@')),
                                        _mm_cmplt_epi8(v, _mm_set1_epi8('[')));
    const __m128i lv =
        _mm_or_si128(v, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + base), lv);
    // Word starts: a byte that is no space after a space.
    uint32_t starts = ~sp & ((sp << 1) | after_space) & valid;
    after_space = (sp >> (rem >= 16 ? 15 : rem - 1)) & 1;
    while (starts != 0) {
      if (words == kMaxDetailWords) {
        *more = base + __builtin_ctz(starts);
        return false;
      }
      word_starts[words++] =
          static_cast<uint32_t>(base + __builtin_ctz(starts));
      starts &= starts - 1;
    }
    // Furniture marks: ':', '|', '>', '/', '-' are rare; looked up one by one.
    const __m128i marked = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('|'))),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('>')),
                                  _mm_cmpeq_epi8(v, _mm_set1_epi8('/'))),
                     _mm_cmpeq_epi8(v, _mm_set1_epi8('-'))));
    for (uint32_t mk = _mm_movemask_epi8(marked) & valid; mk != 0;
         mk &= mk - 1) {
      m |= kFurnitureMarks[static_cast<unsigned char>(
          t[base + __builtin_ctz(mk)])];
    }
    // TitleKey hashes the lower-cased letters and digits, in order.
    const __m128i alpha =
        _mm_and_si128(_mm_cmpgt_epi8(lv, _mm_set1_epi8('a' - 1)),
                      _mm_cmplt_epi8(lv, _mm_set1_epi8('z' + 1)));
    const __m128i digit =
        _mm_and_si128(_mm_cmpgt_epi8(lv, _mm_set1_epi8('0' - 1)),
                      _mm_cmplt_epi8(lv, _mm_set1_epi8('9' + 1)));
    for (uint32_t am = _mm_movemask_epi8(_mm_or_si128(alpha, digit)) & valid;
         am != 0; am &= am - 1) {
      h ^= static_cast<unsigned char>(out[base + __builtin_ctz(am)]);
      h *= 1099511628211ull;
    }
  }
  if (after_space) return false;  // A trailing ' '.
  size_t len = n;
  while (len > 0 &&
         (out[len - 1] == ':' || out[len - 1] == '.' || out[len - 1] == ' ')) {
    --len;
  }
  norm->resize(len);
  *key = h;
  *marks = m;
  *words_out = words;
  return true;
}
#endif

size_t ScanLine(std::string_view t, uint64_t* key, std::string* norm,
                uint32_t* word_starts, uint8_t* marks) {
#ifdef __SSE2__
  size_t words_plain = 0, more = 0;
  if (ScanPlainLine(t, key, norm, word_starts, marks, &words_plain, &more)) {
    return words_plain;
  }
  if (more != 0) {  // kMaxDetailWords words, then word kMaxDetailWords + 1.
    *marks = 0;     // (Unspecified, as *key and *norm.)
    return kMaxDetailWords + CountWords(t.substr(more), 32 - kMaxDetailWords);
  }
#endif
  uint8_t m = 0;  // kFurnitureMarks of the bytes, ORed.
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
      *marks = m;
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
        m |= kFurnitureMarks[b];
        if (IsAlnum(b)) {
          h ^= static_cast<unsigned char>(lower);
          h *= 1099511628211ull;
        }
        if (++i == n) break;
        b = t[i];
      }
      if (i == n || SpaceLen(t, i) != 0) break;
      out[len++] = static_cast<char>(b);  // Not ASCII (kept), or a control.
      m |= kFurnitureMarks[b];
      if (b >= 0x80) {
        h ^= b;
        h *= 1099511628211ull;
      }
      ++i;
    } while (i < n);
  }
  while (len > 0 &&
         (out[len - 1] == ':' || out[len - 1] == '.' || out[len - 1] == ' ')) {
    --len;
  }
  norm->resize(len);
  *key = h;
  *marks = m;
  return words;
}

// The number of '\n' in `s` (std::count goes byte by byte).
size_t CountNewlines(std::string_view s) {
  size_t count = 0, i = 0;
#ifdef __SSE2__
  const __m128i nl = _mm_set1_epi8('\n');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    uint32_t m = _mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
    for (; m != 0; m &= m - 1) ++count;  // Lines are longer than 16 bytes.
  }
#endif
  for (; i < s.size(); ++i) count += s[i] == '\n';
  return count;
}

bool IsCopyrightLine(std::string_view t, size_t words) {
  // "©2025 Bloomberg L.P.", "(c) 2005 BBC", "Copyright 2025 ...". A line
  // that merely starts with the word ("Copyright battle over AI") needs a
  // year or to be very short.
  if (words > 12) return false;
  if (At(t, 0, "\xC2\xA9")) return true;
  if (At(t, 0, "(c)") || At(t, 0, "(C)") ||
      (t.size() >= 9 && (t[0] == 'C' || t[0] == 'c') && At(t, 1, "opyright"))) {
    bool digit = false;
    for (char ch : t) digit |= IsDigit(ch);
    return digit || words <= 3;
  }
  return false;
}

}  // namespace

LineKind Cleaning::ClassifyShape(Line& line) {
  std::string_view t = line.text;
  if (t.empty()) return LineKind::kBlank;
  // Most paragraphs are longer than kMaxDetailWords: they need no TitleKey
  // and no boilerplate form, and counting their words is cheaper. A line of
  // at most kScanFirstBytes bytes seldom is (31 words take 61 bytes, and
  // words of news text about 6 each): ScanLine counts its words itself.
  constexpr size_t kScanFirstBytes = 160;
  uint64_t key = 0;
  if (t.size() <= kScanFirstBytes) {
    line.words =
        static_cast<uint32_t>(ScanLine(t, &key, &norm_, norm_words_, &marks_));
  } else {
    line.words = static_cast<uint32_t>(CountWords(t));
    if (line.words <= kMaxDetailWords) {
      ScanLine(t, &key, &norm_, norm_words_, &marks_);
    }
  }
  if (line.words <= kMaxTitleWords) line.key = key;
  line.content = static_cast<uint32_t>(t.size());
  if (IsCopyrightLine(t, line.words)) return LineKind::kEnd;
  if (line.words <= kMaxBoilerWords) {
    const LineKind k = ClassifyChrome(line);
    if (k != LineKind::kBlank) return k;
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
    line.bulleted = true;
    // A bulleted question is a teaser ("• Can we stop ...?"): key points
    // are statements.
    if (t.back() == '?' && line.words < kHeadlineWords)
      return LineKind::kHeadline;
  }
  if (const LineKind k = ClassifyDebris(line); k != LineKind::kBlank) return k;
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
  // A line that ends with ',' or ';' goes on (an item of a list in the
  // text): headlines never do.
  const std::string_view bare = StripClosers(content);
  if (EndsLikeSentence(content) || line.words >= kHeadlineWords ||
      (!bare.empty() && (bare.back() == ';' || bare.back() == ','))) {
    return LineKind::kProse;
  }
  return LineKind::kHeadline;
}

LineKind Cleaning::ClassifyChrome(Line& line) {
  const std::string_view t = line.text;
  // Bylines and datelines: metadata of the article, kept aside.
  if (line.words <= kMaxMetaWords) {
    BylineLine meta;
    if (pc_.bylines().Read(t, &meta)) {
      metas_.push_back(std::move(meta));
      line.meta = static_cast<uint32_t>(metas_.size());
      return LineKind::kDebris;
    }
  }
  // norm_ holds the line's boilerplate form and the starts of its words
  // (ScanLine), unless a bullet is to be left out.
  Action a;
  if (size_t bl = BulletLen(t)) {
    NormalizeForBoilerplate(Trim(t.substr(bl)), &norm_);
    a = pc_.MatchBoilerplate(norm_, line.words);
  } else {
    a = pc_.MatchBoilerplate(norm_, line.words, norm_words_, line.words);
  }
  if (a == Action::kEnd) return LineKind::kEnd;
  if (a == Action::kDrop) return LineKind::kDrop;
  if (a == Action::kBlock) return LineKind::kBlock;
  if (pc_.furniture().Classify(t, line.words, marks_) != Furniture::kNone) {
    return LineKind::kDrop;
  }
  return LineKind::kBlank;
}

LineKind Cleaning::ClassifyDebris(const Line& line) {
  const std::string_view t = line.text;
  if (line.words > 8) return LineKind::kBlank;
  bool has_digit = false;
  for (char ch : t) has_digit |= IsDigit(ch);
  if (!has_digit) return LineKind::kBlank;
  // Time debris: "time31 minutes ago", "5 days ago"; date debris:
  // "Yahoo04-03-2025", "Updated March 5, 2025 10:32 AM GMT".
  bool ago = false, unit = false, month = false, digit = false, other = false;
  // (ForEachWord, but stopping once the answer is known: after a word that
  // is `other`, only "ago" with a unit can still make a line of at most six
  // words debris, and nothing a longer one: the date test below reads no
  // flags.)
  const bool may_be_ago = line.words <= 6;
  for (size_t i = 0, n = t.size(); i < n && (may_be_ago || !other);) {
    if (const size_t sp = SpaceLen(t, i); sp != 0) {
      i += sp;
      continue;
    }
    const size_t b = i;
    while (i < n && SpaceLen(t, i) == 0) ++i;
    std::string_view w = t.substr(b, i - b);
    std::string_view core = Core(w);
    bool word_digit = false;
    for (char ch : core) word_digit |= IsDigit(ch);
    // A unit glued to its number: "2h", "31min".
    size_t k = 0;
    while (k < core.size() && IsDigit(core[k])) ++k;
    uint16_t cls =
        pc_.Classes(k > 0 && k < core.size() ? core.substr(k) : core);
    if (core.size() == 3 && (core[0] == 'a' || core[0] == 'A') &&
        core[1] == 'g' && core[2] == 'o') {
      ago = true;
    }
    if (cls & WC::kTimeUnit) unit = true;
    if (cls & WC::kMonth) month = true;
    if (word_digit) digit = true;
    if (!word_digit && !(cls & (WC::kMonth | WC::kDateWord)) && core.size() > 1)
      other = true;
  }
  if (ago && unit && line.words <= 6) return LineKind::kDebris;
  if (digit && !other && (month || line.words >= 2)) return LineKind::kDebris;
  if (line.words <= 4) {
    std::string_view last =
        t.substr(t.rfind(' ') == std::string_view::npos ? 0 : t.rfind(' ') + 1);
    if (size_t dl = TrailingDateLen(last)) {
      std::string_view site = Trim(t.substr(0, t.size() - dl));
      if (!site.empty()) learned_sites_.push_back(site);
      return LineKind::kDebris;
    }
  }
  return LineKind::kBlank;
}

bool Cleaning::ReadLines(std::string_view page) {
  // One allocation for the lines, not one per doubling.
  lines_.reserve(CountNewlines(page) + 1);
  size_t pos = 0;
  while (pos <= page.size()) {
    size_t nl = page.find('\n', pos);
    if (nl == std::string_view::npos) nl = page.size();
    Line l;
    l.text = Trim(page.substr(pos, nl - pos));
    lines_.push_back(l);
    pos = nl + 1;
  }
  for (Line& l : lines_) l.kind = ClassifyShape(l);
  ReadContext();
  int chrome = 0;
  for (Line& l : lines_) {
    // Lines naming a site learned from its debris ("Daily8" from
    // "Daily804-03-2005").
    if (l.kind == LineKind::kHeadline && l.words <= 3) {
      for (std::string_view s : learned_sites_) {
        if (TitleKey(s) == l.key) {
          l.kind = LineKind::kDebris;
          break;
        }
      }
    }
    chrome += l.kind == LineKind::kDrop || l.kind == LineKind::kEnd ||
              l.kind == LineKind::kDebris;
  }
  if (chrome >= 2) return true;
  for (size_t i = 0; i < lines_.size(); ++i) {
    if (StrongTitleEnd(i) >= 0) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Chrome known by its neighbours.

void Cleaning::ReadContext() {
  DropBlocks();
  DropRankedLists();
  DropBrowserTitle();
  DropBoxHeaders();
  FindAuthorLines();
}

void Cleaning::DropBlocks() {
  // A block is a run of short lines: a sponsored box ("Sponsored", ad copy,
  // "Paid content from ..."), a list of teasers under "In other news".
  auto short_line = [this](size_t k) {
    const Line& l = lines_[k];
    return l.kind != LineKind::kBlank && l.kind != LineKind::kEnd &&
           l.words < kHeadlineWords;
  };
  const size_t n = lines_.size();
  for (size_t i = 0; i < n; ++i) {
    if (lines_[i].kind != LineKind::kBlock) continue;
    size_t b = i, e = i + 1;
    while (b > 0 && i - b < kMaxBlockLines && short_line(b - 1)) --b;
    while (e < n && e - i <= kMaxBlockLines && short_line(e)) ++e;
    if (b == i && e == i + 1) {
      // The label alone: the short block after it is its content.
      size_t j = e;
      while (j < n && lines_[j].kind == LineKind::kBlank) ++j;
      size_t k = j;
      while (k < n && k - j < kMaxBlockLines && short_line(k)) ++k;
      if (k > j && (k == n || lines_[k].kind == LineKind::kBlank)) e = k;
    }
    for (size_t k = b; k < e; ++k) {
      if (lines_[k].kind == LineKind::kEnd) continue;
      lines_[k].kind = LineKind::kDrop;
      lines_[k].meta = 0;
    }
  }
}

void Cleaning::DropRankedLists() {
  // "1. <headline>" / "2 <headline>" lines, or a rank alone on a line then
  // the headline, ranks counting up from 1: a most-read list.
  std::vector<size_t> run;
  int last = 0, items = 0, rank_alone = 0;
  auto finish = [&]() {
    if (items >= 2) {
      for (size_t k : run) lines_[k].kind = LineKind::kDrop;
    }
    run.clear();
    last = items = rank_alone = 0;
  };
  for (size_t i = 0; i < lines_.size(); ++i) {
    const Line& l = lines_[i];
    if (l.kind == LineKind::kBlank) continue;
    // Most lines open with neither a digit nor '#': no rank (Rank is 0),
    // and without a rank alone above them, they only end a list.
    if (rank_alone == 0 && !l.text.empty() && !IsDigit(l.text[0]) &&
        l.text[0] != '#') {
      finish();
      continue;
    }
    bool alone = false;
    int rank = FurnitureReader::Rank(l.text, &alone);
    if (rank_alone != 0 && rank == 0) rank = rank_alone;  // Its headline.
    const std::string_view bare = StripClosers(l.text);
    const bool headline =
        l.kind == LineKind::kHeadline ||
        (l.kind == LineKind::kProse && l.words < kHeadlineWords &&
         !bare.empty() && bare.back() != '.');
    if (rank == last + 1 && (alone || headline)) {
      run.push_back(i);
      if (alone) {
        rank_alone = rank;
      } else {
        rank_alone = 0;
        last = rank;
        ++items;
      }
      continue;
    }
    finish();
    if (rank == 1 && (alone || headline)) {  // A new list starts here.
      run.push_back(i);
      if (alone) {
        rank_alone = 1;
      } else {
        last = 1, items = 1;
      }
    }
  }
  finish();
}

void Cleaning::DropBrowserTitle() {
  // "<headline> – Site" on one of the first lines, the headline below it.
  int seen = 0;
  for (size_t i = 0; i < lines_.size() && seen < 3; ++i) {
    Line& l = lines_[i];
    if (l.kind == LineKind::kBlank) continue;
    ++seen;
    // ("Oil Prices Rise – Reuters" may have read as a byline.)
    if (l.kind != LineKind::kHeadline && l.meta == 0) continue;
    const std::string_view headline = FurnitureReader::BrowserTitle(l.text);
    if (headline.empty()) continue;
    const uint64_t key = TitleKey(headline);
    for (size_t j = i + 1; j < lines_.size() && j <= i + kTitleRepeatReach;
         ++j) {
      if (IsTitleCandidate(lines_[j]) && lines_[j].key == key) {
        l.kind = LineKind::kDebris;
        l.meta = 0;
        break;
      }
    }
  }
}

void Cleaning::DropBoxHeaders() {
  // "Key points", "In brief", "At a glance" over a bulleted box: a short
  // headline right above a bulleted line is the box's header.
  for (size_t i = 0; i + 1 < lines_.size(); ++i) {
    Line& l = lines_[i];
    if (l.kind == LineKind::kHeadline && !l.bulleted &&
        l.words <= kMaxBoxHeaderWords && lines_[i + 1].bulleted) {
      l.kind = LineKind::kDrop;
    }
  }
}

void Cleaning::FindAuthorLines() {
  // A name alone ("Jane Doe", "ELENA VARGA"), maybe with a job title under
  // it ("Political correspondent"), right above a dateline and under a
  // title: the author.
  const BylineReader& reader = pc_.bylines();
  for (size_t j = 1; j < lines_.size(); ++j) {
    const BylineLine* date = Meta(j);
    if (date == nullptr || !date->has_time() || date->stamp ||
        date->has_author()) {
      continue;
    }
    size_t k = j - 1;
    bool role = false;
    if (lines_[k].kind == LineKind::kHeadline && k > 0 &&
        reader.IsRole(lines_[k].text)) {
      role = true;
      --k;
    }
    std::string author;
    if (lines_[k].kind != LineKind::kHeadline ||
        !reader.IsName(lines_[k].text, &author)) {
      continue;
    }
    // The title above it: the name is not the headline itself.
    size_t t = k;
    while (t > 0 && (Skippable(lines_[t - 1].kind) && Meta(t - 1) == nullptr)) {
      --t;
    }
    // Of two short capitalised lines, the upper is the title only when
    // it is the longer ("Fed Holds Rates" under a site name is no author).
    if (t == 0) continue;
    const Line& title = lines_[t - 1];
    if (!IsTitleCandidate(title) ||
        (title.words <= lines_[k].words && reader.IsName(title.text))) {
      continue;
    }
    BylineLine meta;
    meta.author = std::move(author);
    metas_.push_back(std::move(meta));
    lines_[k].meta = static_cast<uint32_t>(metas_.size());
    lines_[k].kind = LineKind::kDebris;
    if (role) lines_[k + 1].kind = LineKind::kDebris;
  }
}

}  // namespace cleaning

std::vector<CleanDocument> PageCleaner::Clean(std::string_view title,
                                              std::string_view body,
                                              ContentKind kind,
                                              absl::Time now) const {
  Cleaned cleaned;
  Clean(title, body, kind, now, &cleaned);
  if (cleaned.whole) {
    cleaned.docs.emplace_back();
    cleaned.docs.back().title = std::string(cleaned.whole_title);
    cleaned.docs.back().body = std::string(cleaned.whole_body);
  }
  return std::move(cleaned.docs);
}

void PageCleaner::Clean(std::string_view title, std::string_view body,
                        ContentKind kind, absl::Time now, Cleaned* out) const {
  out->whole = false;
  if (!out->docs.empty()) {  // Kept for their buffers.
    if (out->buffers == nullptr) {
      out->buffers = std::make_shared<cleaning::Buffers>();
    }
    for (CleanDocument& d : out->docs) {
      out->buffers->spare_docs.push_back(std::move(d));
    }
    out->docs.clear();
  }
  auto plain = [&]() {
    if (Trim(body).empty() && Trim(title).empty()) return;
    out->whole = true;
    out->whole_title = Trim(title);
    out->whole_body = body;
  };
  if (kind == ContentKind::kPlainText) return plain();
  if (kind == ContentKind::kAuto && body.find('\n') == std::string_view::npos)
    return plain();

  if (out->buffers == nullptr) {
    out->buffers = std::make_shared<cleaning::Buffers>();
  }
  cleaning::Cleaning c(*this, title, now, out->buffers.get(), &out->docs);
  bool structured = c.ReadLines(body);
  if (kind == ContentKind::kAuto && !structured) return plain();
  c.Segment();
  std::string_view t = Trim(title);
  if (!t.empty() && !out->docs.empty()) out->docs[0].title.assign(t);
}

}  // namespace tidings::scoring::internal
