// Copyright 2026 The Tidings Authors.
//
// cleaning.h: the page cleaner's walk over one page (see clean.h), shared by
// its files: clean.cc reads and classifies the lines, clean_segment.cc cuts
// them into articles. Private to the page cleaner.

#ifndef TIDINGS_SCORING_INTERNAL_CLEANING_H_
#define TIDINGS_SCORING_INTERNAL_CLEANING_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "scoring/internal/article_meta.h"
#include "scoring/internal/byline.h"
#include "scoring/internal/clean.h"
#include "scoring/internal/page_text.h"
#include "scoring/internal/teasers.h"

namespace tidings::scoring::internal::cleaning {

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
// A standfirst between a headline and its byline is at most this long.
constexpr size_t kMaxStandfirstWords = 30;
// A quoted paragraph shorter than this is never taken for a pull quote.
constexpr size_t kMinPullQuoteBytes = 40;

// Lines of at most this many words get a TitleKey and a boilerplate form.
constexpr size_t kMaxDetailWords = std::max(kMaxTitleWords, kMaxBoilerWords);

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
  uint32_t words = 0;     // Word count, capped at 32 (see CountWords).
  uint64_t key = 0;       // TitleKey(text).
  uint32_t content = 0;   // Bytes of text before an inline "©..." tail.
  uint32_t meta = 0;      // 1 + index of its byline/dateline record, or 0.
  bool bulleted = false;  // Printed after a bullet (not in `text`).
};

// The buffers of a Clean() call, kept by the caller across calls
// (PageCleaner::Cleaned) so that they keep their capacity. Cleaning clears
// them when it starts, except `teasers`, which every paragraph overwrites.
struct Buffers {
  std::vector<Line> lines;
  std::vector<BylineLine> metas;
  std::vector<std::string_view> learned_sites;
  std::string norm;
  std::vector<Piece> pieces;
  std::vector<std::pair<size_t, size_t>> quoted;
  TeaserScratch teasers;
  // Documents of earlier pages, kept for their strings' buffers.
  std::vector<CleanDocument> spare_docs;
  MetaDealer dealer{&metas};
  std::vector<ArticleMeta> dealt;  // dealer.Deal()'s.
};

// The documents of the page being cleaned (PageCleaner::Cleaned::docs), as a
// stack whose new entries take the strings of spare ones (cleared, with
// their capacity) and whose dropped entries become spare.
class DocStack {
 public:
  DocStack(std::vector<CleanDocument>* docs, std::vector<CleanDocument>* spare)
      : docs_(*docs), spare_(*spare) {}
  size_t size() const { return docs_.size(); }
  bool empty() const { return docs_.empty(); }
  CleanDocument& back() { return docs_.back(); }
  CleanDocument& operator[](size_t i) { return docs_[i]; }
  // Adds an empty document.
  CleanDocument& Push() {
    if (spare_.empty()) return docs_.emplace_back();
    CleanDocument& d = docs_.emplace_back(std::move(spare_.back()));
    spare_.pop_back();
    d.title.clear();
    d.source.clear();
    d.body.clear();
    d.author.clear();
    d.published = PageTime();
    return d;
  }
  void Pop() {
    spare_.push_back(std::move(docs_.back()));
    docs_.pop_back();
  }

 private:
  std::vector<CleanDocument>& docs_;
  std::vector<CleanDocument>& spare_;
};

// One Clean() call.
class Cleaning {
 public:
  // The documents go to `*docs` (empty).
  Cleaning(const PageCleaner& pc, std::string_view title, absl::Time now,
           Buffers* b, std::vector<CleanDocument>* docs)
      : pc_(pc),
        now_(now),
        lines_(b->lines),
        metas_(b->metas),
        learned_sites_(b->learned_sites),
        title_arg_(Trim(title)),
        norm_(b->norm),
        teasers_(pc, &b->teasers),
        pieces_(b->pieces),
        docs_(docs, &b->spare_docs),
        dealer_(b->dealer),
        dealt_(b->dealt),
        quoted_(b->quoted) {
    dealer_.Reset();
    lines_.clear();
    metas_.clear();
    learned_sites_.clear();
    norm_.clear();
    pieces_.clear();
    quoted_.clear();
    if (!title_arg_.empty()) title_arg_key_ = TitleKey(title_arg_);
  }

  // Splits and classifies the lines of `page`; returns false when the page
  // shows no structure (for kAuto).
  bool ReadLines(std::string_view page);
  // Cuts the lines into documents (into the constructor's `docs`).
  void Segment();

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
  std::vector<Line>& lines_;
  std::vector<BylineLine>& metas_;  // Line::meta - 1 indexes it.
  std::vector<std::string_view>& learned_sites_;
  std::string_view title_arg_;
  uint64_t title_arg_key_ = 0;
  std::string& norm_;  // The boilerplate form of the line being classified.
  uint32_t norm_words_[kMaxDetailWords];  // Where its words start.
  uint8_t marks_ = 0;                     // Its furniture marks.
  TeaserSplitter teasers_;
  std::vector<Piece>& pieces_;

  DocStack docs_;
  MetaDealer& dealer_;
  std::vector<ArticleMeta>& dealt_;
  // Paragraphs of the open article that are a quotation whole, as
  // [begin, end) in its body: pull-quote candidates.
  std::vector<std::pair<size_t, size_t>>& quoted_;
  bool open_ = false;
  bool first_paragraph_ = false;
};

}  // namespace tidings::scoring::internal::cleaning

#endif  // TIDINGS_SCORING_INTERNAL_CLEANING_H_
