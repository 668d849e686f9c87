// Copyright 2026 The Tidings Authors.
//
// clean.h: raw scraped page -> its articles (main and related), with titles,
// source markers, bodies, authors and published times; boilerplate, page
// furniture, source/time debris and teaser headlines removed.
//
// How a page is read (one pass over its lines, one over their neighbours,
// then one over each paragraph):
//  1. Lines are classified by shape: blank; bylines and datelines
//     (byline.h: "By Jane Doe | Updated 12:45 PM EST, Thu April 2, 1987",
//     "3 hours ago · 2 min read"), kept aside as the articles' metadata;
//     chrome from "boilerplate.tsv" (dropped, closing the current article,
//     or taking its block of short lines with it: a sponsored box);
//     furniture (page_furniture.h: captions, breadcrumbs, navigation bars,
//     price rows); debris (a lone site name, "• Yahoo", "time31 minutes
//     ago", "Yahoo04-03-2025", a copyright line); prose (ends like a
//     sentence, or is long, or ends with ',' or ';'); headline (short,
//     unpunctuated). A bulleted question is a headline (a teaser).
//  2. Neighbours: numbered most-read lists ("1. ...", or "1" then a
//     headline), a browser-title first line ("<headline> – Site") whose
//     headline follows, the short header of a bulleted box ("Key points"),
//     and a name alone ("Jane Doe", with "Political correspondent" under it)
//     between a title and a dateline, which is the author.
//  3. A title is a line repeated with only blank lines and debris between the
//     copies (sites print the title two or three times), a line followed by a
//     paragraph that opens with a source marker ("(Reuters) -"), the
//     publisher's title, a headline with a byline or dateline block right
//     under it (maybe after a caption or a standfirst) or right above it and
//     prose after it, or, outside any article, a headline followed by prose.
//     Its article runs until the next title, a copyright line or a closing
//     chrome line.
//  4. Inside an article, headline lines between paragraphs are teasers. In a
//     paragraph, teaser headlines run into the text are found by a small
//     dynamic programme (teasers.h). A paragraph that quotes, whole, a
//     sentence the article has elsewhere is a pull quote and goes.
//  5. The first paragraph's source marker ("HONG KONG, March 5 (Reuters) - ")
//     is removed and its source ("Reuters") recorded; "sources.tsv" maps
//     marker names to display names and lists aggregator site names. Without
//     a marker, the outlet of the byline ("By Jane Doe, Reuters") is the
//     source.
//  6. The metadata lines are dealt to the articles and give each its author
//     and published time (article_meta.h).
//
// Immutable after Create(); Clean() is const and thread-safe.

#ifndef TIDINGS_SCORING_INTERNAL_CLEAN_H_
#define TIDINGS_SCORING_INTERNAL_CLEAN_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "scoring/internal/byline.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/internal/page_furniture.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

namespace cleaning {
struct Buffers;  // cleaning.h
}  // namespace cleaning

struct CleanDocument {
  std::string title;  // "" when none was found.
  // "Reuters", "Bloomberg" from a "(Reuters) -" marker, else the outlet of
  // the byline ("By Jane Doe, Reuters"), or "".
  std::string source;
  std::string body;  // Paragraphs separated by "\n\n".
  // From the byline and dateline lines (see article_meta.h).
  std::string author;
  PageTime published;
};

class PageCleaner {
 public:
  // Reads "boilerplate.tsv", "sources.tsv", "headline_words.tsv" and
  // "abbreviations.txt" (abbreviations and sentence openers). INVALID_ARGUMENT
  // (file:line) for a malformed row.
  static absl::StatusOr<PageCleaner> Create(const LexiconSet& lexicons);

  // Segments `body` into articles. `title` (may be empty) is the publisher's
  // title for the main article: when given, the first document carries it.
  // `kind`: kPlainText returns one document whose body is `body` unchanged;
  // kRawPage always segments; kAuto segments only when the text shows page
  // structure (a repeated title line, a titled source marker, or at least two
  // lines of chrome or debris), so a headline, a sentence or a plain
  // paragraph comes back as one document with the text unchanged. Returns no
  // documents when a page holds nothing but chrome. Requires valid UTF-8.
  // `now` (the ingest time) resolves relative times in bylines ("3 hours
  // ago"); InfinitePast ignores them.
  std::vector<CleanDocument> Clean(std::string_view title,
                                   std::string_view body, ContentKind kind,
                                   absl::Time now = absl::InfinitePast()) const;

  // What Clean() returns, for the scorer: when the input comes back as one
  // unchanged document (no page structure found, or kPlainText), `whole`
  // is set and the document is given as views into the input (nothing is
  // copied); otherwise `docs` holds the documents (possibly none). A
  // Cleaned passed to Clean() again keeps the buffers of its documents'
  // strings for the next page's documents.
  struct Cleaned {
    bool whole = false;
    std::string_view whole_title;  // Trimmed.
    std::string_view whole_body;
    std::vector<CleanDocument> docs;
    // Working memory of the next Clean() into this (made on first use).
    std::shared_ptr<cleaning::Buffers> buffers;
  };
  void Clean(std::string_view title, std::string_view body, ContentKind kind,
             absl::Time now, Cleaned* out) const;

  // Word classes from "headline_words.tsv" (a bit set). Public for the
  // implementation's helpers; not part of the scorer's interface.
  enum WordClass : uint16_t {
    kMinor = 1 << 0,
    kNonFinal = 1 << 1,
    kStarter = 1 << 2,
    kQuestion = 1 << 3,
    kPronoun = 1 << 4,
    kOpener = 1 << 5,  // From abbreviations.txt ("opener" rows).
    kProse = 1 << 6,
    kAux = 1 << 7,
    kArticle = 1 << 8,
    kClause = 1 << 9,
    kRole = 1 << 10,
    kTimeUnit = 1 << 11,
    kMonth = 1 << 12,
    kDateWord = 1 << 13,
  };

  enum class BoilerMatch : uint8_t { kLine, kPrefix, kSuffix, kContains };
  // kBlock: remove the line and the rest of its block of lines (a
  // sponsored box, a list of teasers under its header); the article goes on.
  enum class BoilerAction : uint8_t { kNone, kDrop, kEnd, kBlock };
  struct BoilerRule {
    std::string phrase;
    BoilerMatch match = BoilerMatch::kLine;
    BoilerAction action = BoilerAction::kDrop;
  };

  // Classes of `word` (any case; looked up lower-cased), 0 if unknown.
  // Inline: the teaser splitter asks for every word of a page, and most
  // words are turned away by the filter before any hashing.
  uint16_t Classes(std::string_view word) const {
    if (word.empty() || word.size() > max_word_len_) return 0;
    const uint32_t bit = 1u << (word.size() < 31 ? word.size() : 31);
    auto lower = [](char c) {
      return static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    };
    if (!(word_first_len_[lower(word.front())] & bit) ||
        !(word_last_len_[lower(word.back())] & bit)) {
      return 0;
    }
    return LookUpClasses(word);
  }
  // Whether `word` (any case, without its final period) is an abbreviation.
  bool IsAbbreviation(std::string_view word) const;
  // The action for a line, given its normalised form (lower case, single
  // spaces, trimmed) and its word count.
  BoilerAction MatchBoilerplate(std::string_view norm, size_t words) const;
  // The same, with the offsets in `norm` where its words start (all of
  // them, or the starts of all words of the line `norm` was made from, the
  // last of which may lie at or past its end).
  BoilerAction MatchBoilerplate(std::string_view norm, size_t words,
                                const uint32_t* word_starts,
                                size_t num_word_starts) const;
  // The display name of an agency named in a source marker, or "" if unknown.
  std::string_view AgencyName(std::string_view name) const;
  // Whether `name` (any case) is a known aggregator site.
  bool IsSite(std::string_view name) const;
  const BylineReader& bylines() const { return bylines_; }
  const FurnitureReader& furniture() const { return furniture_; }

 private:
  // Create()'s loaders, one per lexicon file, in order: "headline_words.tsv"
  // (word classes), "abbreviations.txt" (abbreviations, and sentence openers
  // as a word class), "boilerplate.tsv" (each rule parsed, then indexed by
  // AddBoilerRule) and "sources.tsv" (agencies and aggregator sites).
  absl::Status LoadHeadlineWords(const LexiconSet& lexicons);
  absl::Status LoadAbbreviations(const LexiconSet& lexicons);
  absl::Status LoadBoilerplate(const LexiconSet& lexicons);
  void AddBoilerRule(BoilerRule rule);
  absl::Status LoadSources(const LexiconSet& lexicons);

  // Word classes, keyed by the lower-cased word packed into 8 bytes (words
  // up to 8 bytes: nearly all function words) or by the string (longer).
  absl::flat_hash_map<uint64_t, uint16_t> short_words_;
  absl::flat_hash_map<std::string, uint16_t> long_words_;
  size_t max_word_len_ = 0;
  // A filter in front of both: per lower-cased first byte and per last
  // byte, a bit set of the lengths (bit min(length, 31)) of the words.
  void AddToWordFilter(std::string_view word);
  uint16_t LookUpClasses(std::string_view word) const;  // Past the filter.
  uint32_t word_first_len_[256] = {};
  uint32_t word_last_len_[256] = {};
  absl::flat_hash_set<std::string> abbreviations_;
  absl::flat_hash_map<std::string, BoilerAction> boiler_lines_;
  std::vector<BoilerRule> boiler_rules_;  // prefix / suffix / contains
  // Indexes into boiler_rules_: "contains" rules by the first word of their
  // phrase, and the prefix and suffix rules (checked at one place each).
  absl::flat_hash_map<std::string, std::vector<uint32_t>> contains_by_word_;
  // [0]: the prefix rules by the first byte of their phrase; [1]: the
  // suffix rules by its last byte.
  std::vector<uint32_t> edge_rules_[2][256];
  // Cheap filters that turn most lines and words away before any string
  // compare or hash lookup: the longest "line" phrase; and, per first byte
  // and per last byte, a bit set of the lengths (bit min(length, 31)) of the
  // first words of the "contains" phrases.
  size_t max_line_phrase_ = 0;
  uint32_t contains_first_len_[256] = {};
  uint32_t contains_last_len_[256] = {};  // The same by last byte.
  // In front of those: a phrase matches at a word only if the line has
  // room for it there and the line's next contains_head_len_ bytes (the
  // shortest phrase's length, at most 8) are the phrase's first ones. The
  // heads, packed (HeadAt), in an open-addressing set (0: an empty slot);
  // built by IndexContainsHeads once all rules are read.
  void IndexContainsHeads();
  bool IsContainsHead(const char* p) const;
  size_t contains_min_len_ = SIZE_MAX;  // No "contains" rule: none fits.
  size_t contains_head_len_ = 0;
  std::vector<uint64_t> contains_heads_;
  absl::flat_hash_map<std::string, std::string> agencies_;
  absl::flat_hash_set<std::string> sites_;
  BylineReader bylines_;
  FurnitureReader furniture_;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_CLEAN_H_
