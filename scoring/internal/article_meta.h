// Copyright 2026 The Tidings Authors.
//
// article_meta.h: deals the metadata lines of a page (bylines, datelines;
// see byline.h) to its articles, and makes each article's author, outlet
// and published time of them.
//
// The page cleaner reports its walk over the page: a metadata line passed,
// an article opened, a paragraph added, an article closed. A metadata line
// belongs to
//  - the article whose title is above it and whose first or second
//    paragraph is below it (the byline block under a headline, maybe after
//    a standfirst);
//  - the article above it when it closes that article ("Originally
//    published ...", "Reporting by ...", or a date between the last
//    paragraph and the chrome that ends the article);
//  - the article whose title is right below it (a byline above the
//    headline), unless that article shows its own byline or dateline under
//    its title, in which case it closed the article above.
// Lines between two paragraphs of one article (live-blog stamps, repeated
// update times) are not used, nor are clock times alone.
//
// Of an article's lines, the published time is the first that is not an
// update time; failing that, the update time; absolute times before relative
// ones. A clock time alone takes the date of the line before it. Numeric
// dates whose order their digits and zone do not tell are read in the order
// that the other dates of the page show, else day first.

#ifndef TIDINGS_SCORING_INTERNAL_ARTICLE_META_H_
#define TIDINGS_SCORING_INTERNAL_ARTICLE_META_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "scoring/internal/byline.h"

namespace tidings::scoring::internal {

// What an article gets from its metadata lines.
// Views into the dealer's lines.
struct ArticleMeta {
  std::string_view author;
  std::string_view outlet;  // As printed; "" if none.
  PageTime published;
};

class MetaDealer {
 public:
  // `lines`: the page's metadata lines, referred to by index below. Must
  // outlive the dealer.
  explicit MetaDealer(const std::vector<BylineLine>* lines) : lines_(*lines) {}

  // Forgets the walk, for the next page (keeps the capacity of the buffers).
  void Reset() {
    docs_.clear();
    pending_.clear();
  }

  // The walk: line `index` of `lines` was passed.
  void Line(uint32_t index);
  // Article `doc` (0, 1, ...) was opened; `prev_open`: the article before it
  // was still open (no closing chrome between them).
  void Opened(size_t doc, bool prev_open);
  // A paragraph was added to article `doc`.
  void Paragraph(size_t doc);
  // Article `doc` was closed; `dropped`: it had no text and is gone.
  void Closed(size_t doc, bool dropped);

  // The metadata of each of `num_docs` articles, into `*out`.
  void Deal(size_t num_docs, absl::Time now, std::vector<ArticleMeta>* out);

 private:
  // Metadata lines after this many paragraphs belong to the article only
  // when they close it: a byline may follow a standfirst, but not more.
  static constexpr int kLeadParagraphs = 1;
  using Ids = absl::InlinedVector<uint32_t, 4>;  // Indexes into `lines`.
  struct Doc {
    Ids own;                     // Under its title, or closing it.
    Ids above;                   // Above its title.
    bool after_article = false;  // Opened while the one before was open.
    int paragraphs = 0;
    // As Doc() (clearing in place, not assigning a new one: that reads as
    // uninitialised to GCC 12 for the inline storage).
    void Clear() {
      own.clear();
      above.clear();
      after_article = false;
      paragraphs = 0;
    }
  };
  Doc& At(size_t doc);
  // The published time of lines `ids`, or origin kNone.
  PageTime TimeOf(absl::Span<const uint32_t> ids, DayOrder order,
                  absl::Time now) const;
  bool HasTime(absl::Span<const uint32_t> ids) const;
  bool Closes(uint32_t index) const;

  const std::vector<BylineLine>& lines_;
  std::vector<Doc> docs_;
  std::vector<uint32_t> pending_;
  std::vector<Doc> dealt_;  // Deal()'s copy of docs_.
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_ARTICLE_META_H_
