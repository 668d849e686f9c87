// Copyright 2026 The Tidings Authors.

#include "scoring/internal/clean.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "scoring/internal/absl_compat.h"
#include "scoring/internal/article_meta.h"
#include "scoring/internal/page_text.h"
#include "scoring/internal/teasers.h"

namespace tidings::scoring::internal {
namespace {

using WC = PageCleaner::WordClass;
using Action = PageCleaner::BoilerAction;

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
// Bylines and datelines are at most this many words.
constexpr size_t kMaxMetaWords = 24;
// A sponsored box or teaser list takes at most this many lines on either
// side of its label.
constexpr size_t kMaxBlockLines = 5;
// The header of a box of bullets ("Key points") is this short.
constexpr size_t kMaxBoxHeaderWords = 4;
// A quoted paragraph shorter than this is never taken for a pull quote.
constexpr size_t kMinPullQuoteBytes = 40;

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
constexpr size_t kMaxDetailWords = std::max(kMaxTitleWords, kMaxBoilerWords);
// Also records in word_starts[k] where word k starts in *norm (for a line of
// at most kMaxDetailWords words; the last ones may lie past the end of *norm
// once its final ':', '.' and spaces are dropped), and in *marks the
// furniture marks of its bytes (kFurnitureMarks, ORed).
size_t ScanLine(std::string_view t, uint64_t* key, std::string* norm,
                uint32_t* word_starts, uint8_t* marks) {
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
  while (len > 0 && (out[len - 1] == ':' || out[len - 1] == '.' ||
                     out[len - 1] == ' ')) {
    --len;
  }
  norm->resize(len);
  *key = h;
  *marks = m;
  return words;
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
  kBlock,     // Chrome that takes its block of lines with it (then kDrop).
};

struct Line {
  std::string_view text;  // Trimmed.
  LineKind kind = LineKind::kBlank;
  uint32_t words = 0;    // Word count, capped at 32 (see CountWords).
  uint64_t key = 0;      // TitleKey(text).
  uint32_t content = 0;  // Bytes of text before an inline "©..." tail.
  uint32_t meta = 0;     // 1 + index of its byline/dateline record, or 0.
  bool bulleted = false;  // Printed after a bullet (not in `text`).
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
      } else if (a == "block") {
        rule.action = BoilerAction::kBlock;
      } else {
        return RowError(kFile, row, "action must be drop, end or block");
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
        auto& by_byte = c.edge_rules_[prefix ? 0 : 1];
        if (rule.phrase.empty()) {  // Matches every line.
          for (auto& rules : by_byte) rules.push_back(index);
        } else {
          by_byte[static_cast<unsigned char>(
              prefix ? rule.phrase.front() : rule.phrase.back())]
              .push_back(index);
        }
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
  auto bylines = BylineReader::Create(lexicons);
  if (!bylines.ok()) return bylines.status();
  c.bylines_ = *std::move(bylines);
  auto furniture = FurnitureReader::Create(lexicons);
  if (!furniture.ok()) return furniture.status();
  c.furniture_ = *std::move(furniture);
  return c;
}

void PageCleaner::AddToWordFilter(std::string_view word) {
  if (word.empty()) return;
  const uint32_t bit = 1u << std::min<size_t>(word.size(), 31);
  word_first_len_[static_cast<unsigned char>(ToLower(word.front()))] |= bit;
  word_last_len_[static_cast<unsigned char>(ToLower(word.back()))] |= bit;
}

uint16_t PageCleaner::LookUpClasses(std::string_view word) const {
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
  // Any "end" rule that matches decides; otherwise any "block" rule, then
  // any "drop" rule.
  BoilerAction found = BoilerAction::kNone;
  auto hit = [&](const BoilerRule& r) {
    if (r.action == BoilerAction::kEnd) return true;
    if (found != BoilerAction::kBlock) found = r.action;
    return false;
  };
  // Prefix rules by the line's first byte, suffix rules by its last.
  for (int side = 0; side < 2; ++side) {
    const unsigned char key = side == 0 ? norm.front() : norm.back();
    for (uint32_t index : edge_rules_[side][key]) {
      const BoilerRule& r = boiler_rules_[index];
      if (norm.size() < r.phrase.size()) continue;
      const size_t at = side == 0 ? 0 : norm.size() - r.phrase.size();
      if (norm.compare(at, r.phrase.size(), r.phrase) == 0 && hit(r)) {
        return BoilerAction::kEnd;
      }
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
  Cleaning(const PageCleaner& pc, std::string_view title, absl::Time now)
      : pc_(pc), now_(now), title_arg_(Trim(title)), teasers_(pc) {
    if (!title_arg_.empty()) title_arg_key_ = TitleKey(title_arg_);
  }

  // Splits and classifies the lines of `page`; returns false when the page
  // shows no structure (for kAuto).
  bool ReadLines(std::string_view page);
  std::vector<CleanDocument> Segment();

 private:
  LineKind ClassifyShape(Line& line);
  // The chrome and furniture a line of at most kMaxBoilerWords words may
  // be, or kBlank when it is none.
  LineKind ClassifyChrome(Line& line);
  // Date, time and site debris of the aggregator pages ("time31 minutes
  // ago", "Yahoo04-03-2025"), or kBlank.
  LineKind ClassifyDebris(const Line& line);

  // Marks the lines that are chrome by their neighbours.
  void ReadContext();
  void DropBlocks();
  void DropRankedLists();
  void DropBrowserTitle();
  void DropBoxHeaders();
  void FindAuthorLines();

  bool IsTitleCandidate(const Line& l) const {
    return (l.kind == LineKind::kHeadline || l.kind == LineKind::kProse) &&
           l.words <= kMaxTitleWords && l.words >= 1;
  }
  bool Skippable(LineKind k) const {
    return k == LineKind::kBlank || k == LineKind::kDebris ||
           k == LineKind::kDrop;
  }
  // Index of the next line after `i` that is not blank, debris or dropped
  // chrome, or lines_.size().
  size_t NextContent(size_t i) const {
    for (++i; i < lines_.size(); ++i) {
      if (!Skippable(lines_[i].kind)) return i;
    }
    return i;
  }
  // The metadata of line i, or null.
  const BylineLine* Meta(size_t i) const {
    return lines_[i].meta == 0 ? nullptr : &metas_[lines_[i].meta - 1];
  }
  // A byline or dateline that heads an article (not a live-blog stamp, not
  // a credit that closes one).
  bool IsHeaderMeta(size_t i) const {
    const BylineLine* m = Meta(i);
    return m != nullptr && !m->stamp && m->label != TimeLabel::kTrailer &&
           !m->author_at_end;
  }
  // If a title group (a title and its copies) starts at line i, returns the
  // index of its last line, else -1. *by_marker tells whether only the
  // source marker of the next paragraph made it a title.
  long StrongTitleEnd(size_t i, bool* by_marker = nullptr) const;
  // Whether headline i has a byline block under it (or right above it)
  // with prose after: a title, even inside another article.
  bool HasByline(size_t i) const;
  // Source marker at the start of a paragraph: returns the byte offset where
  // the text proper starts (0 when there is none) and sets *source.
  size_t ParseMarker(std::string_view p, std::string* source) const;

  // Adds paragraph `p` to the current article, without its teasers.
  void AddParagraph(std::string_view p);
  // Removes pull quotes: paragraphs that quote, whole, a sentence that the
  // article has elsewhere.
  void DropPullQuotes(std::string* body);

  void Open(std::string_view title);
  void Close();

  const PageCleaner& pc_;
  const absl::Time now_;
  std::vector<Line> lines_;
  std::vector<BylineLine> metas_;  // Line::meta - 1 indexes it.
  std::vector<std::string_view> learned_sites_;
  std::string_view title_arg_;
  uint64_t title_arg_key_ = 0;
  std::string norm_;  // The boilerplate form of the line being classified.
  uint32_t norm_words_[kMaxDetailWords];  // Where its words start.
  uint8_t marks_ = 0;                      // Its furniture marks.
  TeaserSplitter teasers_;
  std::vector<Piece> pieces_;

  std::vector<CleanDocument> docs_;
  MetaDealer dealer_{&metas_};
  // Paragraphs of the open article that are a quotation whole, as
  // [begin, end) in its body: pull-quote candidates.
  std::vector<std::pair<size_t, size_t>> quoted_;
  bool open_ = false;
  bool first_paragraph_ = false;
};

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

LineKind Cleaning::ClassifyShape(Line& line) {
  std::string_view t = line.text;
  if (t.empty()) return LineKind::kBlank;
  // Most paragraphs are longer than kMaxDetailWords: they need no TitleKey
  // and no boilerplate form, and counting their words is cheaper.
  line.words = static_cast<uint32_t>(CountWords(t));
  if (line.words <= kMaxDetailWords) {
    uint64_t key = 0;
    ScanLine(t, &key, &norm_, norm_words_, &marks_);
    if (line.words <= kMaxTitleWords) line.key = key;
  }
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
    if (t.back() == '?' && line.words < kHeadlineWords) return LineKind::kHeadline;
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
  if (EndsLikeSentence(content) || line.words >= kHeadlineWords ||
      content.back() == ';' || content.back() == ',') {
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
  ForEachWord(t, [&](size_t b, size_t e) {
    std::string_view w = t.substr(b, e - b);
    std::string_view core = Core(w);
    bool word_digit = false;
    for (char ch : core) word_digit |= IsDigit(ch);
    // A unit glued to its number: "2h", "31min".
    size_t k = 0;
    while (k < core.size() && IsDigit(core[k])) ++k;
    uint16_t cls = pc_.Classes(k > 0 && k < core.size() ? core.substr(k) : core);
    if (core.size() == 3 && (core == "ago" || core == "Ago")) ago = true;
    if (cls & WC::kTimeUnit) unit = true;
    if (cls & WC::kMonth) month = true;
    if (word_digit) digit = true;
    if (!word_digit && !(cls & (WC::kMonth | WC::kDateWord)) && core.size() > 1)
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
  return LineKind::kBlank;
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
    bool alone = false;
    int rank = FurnitureReader::Rank(l.text, &alone);
    if (rank_alone != 0 && rank == 0) rank = rank_alone;  // Its headline.
    const bool headline =
        l.kind == LineKind::kHeadline ||
        (l.kind == LineKind::kProse && l.words < kHeadlineWords &&
         StripClosers(l.text).back() != '.');
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
    if (l.kind != LineKind::kHeadline) continue;
    const std::string_view headline = FurnitureReader::BrowserTitle(l.text);
    if (headline.empty()) continue;
    const uint64_t key = TitleKey(headline);
    for (size_t j = i + 1; j < lines_.size() && j <= i + kTitleRepeatReach; ++j) {
      if (IsTitleCandidate(lines_[j]) && lines_[j].key == key) {
        l.kind = LineKind::kDebris;
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

// ---------------------------------------------------------------------------
// Titles.

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

bool Cleaning::HasByline(size_t i) const {
  const size_t n = lines_.size();
  // A byline block under it: metadata among blank lines, chrome and
  // captions (a caption may sit between headline and byline).
  bool under = false;
  size_t j = i + 1;
  for (; j < n && Skippable(lines_[j].kind); ++j) under |= IsHeaderMeta(j);
  // Or right above it.
  bool above = false;
  for (size_t k = i; k > 0; --k) {
    const LineKind kind = lines_[k - 1].kind;
    if (kind == LineKind::kBlank || kind == LineKind::kDrop) continue;
    above = IsHeaderMeta(k - 1);
    break;
  }
  if (!under && !above) return false;
  // Then prose, perhaps after a box header ("Key points").
  for (int headers = 0; j < n; ++j) {
    const Line& l = lines_[j];
    if (Skippable(l.kind)) continue;
    if (l.kind == LineKind::kProse) return true;
    if (l.kind != LineKind::kHeadline || l.words > kMaxBoxHeaderWords ||
        ++headers > 1) {
      return false;
    }
  }
  return false;
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
// Articles.

void Cleaning::Open(std::string_view title) {
  // What lies between the last paragraph and this title (a byline above
  // it, or a date closing the article before) is dealt by Opened().
  const bool prev_open = open_ && !docs_.back().body.empty();
  if (open_ && !prev_open) {
    dealer_.Closed(docs_.size() - 1, /*dropped=*/true);
    docs_.pop_back();
  } else if (prev_open) {
    DropPullQuotes(&docs_.back().body);
  }
  docs_.emplace_back();
  docs_.back().title = std::string(title);
  dealer_.Opened(docs_.size() - 1, prev_open);
  open_ = true;
  first_paragraph_ = true;
  quoted_.clear();
}

void Cleaning::Close() {
  if (!open_) return;
  const bool dropped = docs_.back().body.empty();
  dealer_.Closed(docs_.size() - 1, dropped);
  if (dropped) {
    docs_.pop_back();
  } else {
    DropPullQuotes(&docs_.back().body);
  }
  open_ = false;
}

// Length of a double opening quote at the start of `s` ('"', '“', '«').
size_t OpeningQuoteLen(std::string_view s) {
  if (!s.empty() && s[0] == '"') return 1;
  if (At(s, 0, "\xE2\x80\x9C")) return 3;
  if (At(s, 0, "\xC2\xAB")) return 2;
  return 0;
}

// Length of a double closing quote at the end of `s`.
size_t ClosingQuoteLen(std::string_view s) {
  if (!s.empty() && s.back() == '"') return 1;
  if (s.size() >= 3 && At(s, s.size() - 3, "\xE2\x80\x9D")) return 3;
  if (s.size() >= 2 && At(s, s.size() - 2, "\xC2\xBB")) return 2;
  return 0;
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
  teasers_.Split(p, &pieces_);
  size_t k = 0;
  while (k < pieces_.size()) {
    if (pieces_[k].teaser) {
      ++k;
      continue;
    }
    // A run of sentence pieces is one paragraph of original text.
    size_t m = k;
    while (m + 1 < pieces_.size() && !pieces_[m + 1].teaser) ++m;
    const uint32_t b = teasers_.WordBegin(pieces_[k].a);
    const uint32_t e = teasers_.WordEnd(pieces_[m].b - 1);
    dealer_.Paragraph(docs_.size() - 1, doc.body.empty());
    if (!doc.body.empty()) doc.body.append("\n\n");
    const std::string_view text = p.substr(b, e - b);
    const size_t open = OpeningQuoteLen(text);
    if (open != 0 && ClosingQuoteLen(text) != 0 && e - b > kMinPullQuoteBytes) {
      quoted_.emplace_back(doc.body.size(), doc.body.size() + text.size());
    }
    doc.body.append(text);
    k = m + 1;
  }
}

void Cleaning::DropPullQuotes(std::string* body) {
  for (size_t q = quoted_.size(); q-- > 0;) {
    const auto [b, e] = quoted_[q];
    const std::string_view para = std::string_view(*body).substr(b, e - b);
    const size_t open = OpeningQuoteLen(para), close = ClosingQuoteLen(para);
    const std::string_view inner =
        Trim(para.substr(open, para.size() - open - close));
    const size_t inner_at = static_cast<size_t>(inner.data() - body->data());
    size_t at = body->find(inner.data(), 0, inner.size());
    if (at == inner_at) at = body->find(inner.data(), at + 1, inner.size());
    if (at == std::string::npos) continue;
    // Remove the paragraph and one separator next to it.
    if (b >= 2) {
      body->erase(b - 2, e - b + 2);
    } else {
      body->erase(b, std::min(e + 2, body->size()) - b);
    }
  }
  quoted_.clear();
}

std::vector<CleanDocument> Cleaning::Segment() {
  for (size_t i = 0; i < lines_.size(); ++i) {
    const Line& l = lines_[i];
    if (l.meta != 0) dealer_.Line(l.meta - 1);
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
      case LineKind::kBlock:
        continue;
      case LineKind::kEnd:
        Close();
        continue;
      case LineKind::kHeadline:
        // A headline with a byline under it is a title; outside any
        // article, so is a headline followed by prose.
        if (HasByline(i)) {
          Open(l.text);
        } else if (!open_) {
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
  // The articles' bylines and datelines.
  const std::vector<ArticleMeta> metas = dealer_.Deal(docs_.size(), now_);
  for (size_t k = 0; k < docs_.size(); ++k) {
    CleanDocument& doc = docs_[k];
    const ArticleMeta& m = metas[k];
    doc.author = m.author;
    doc.published = m.published;
    if (doc.source.empty() && !m.outlet.empty()) {
      const std::string_view canon = pc_.AgencyName(m.outlet);
      doc.source = std::string(canon.empty() ? m.outlet : canon);
    }
  }
  return std::move(docs_);
}

}  // namespace

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

  Cleaning c(*this, title, now);
  bool structured = c.ReadLines(body);
  if (kind == ContentKind::kAuto && !structured) return plain();
  out->docs = c.Segment();
  std::string_view t = Trim(title);
  if (!t.empty() && !out->docs.empty()) out->docs[0].title = std::string(t);
}

}  // namespace tidings::scoring::internal
