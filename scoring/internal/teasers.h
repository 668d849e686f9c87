// Copyright 2026 The Tidings Authors.
//
// teasers.h: teaser headlines run into a paragraph of article text with no
// punctuation ("...rose 2% on Monday. Households face higher water bills Can
// electric ferries cut emissions? The decision was..."). A small dynamic
// programme splits the paragraph into headline pieces and sentence pieces at
// sentence ends and at "lower-case word, Capitalised word" seams; headline
// pieces need evidence (Title Case, a question, a "Topic: ..." colon, a
// capitalised function word after the seam, a neighbouring teaser). Word
// classes come from the page cleaner ("headline_words.tsv").
//
// Not thread-safe: one splitter per Clean() call; its buffers (TeaserScratch)
// may be the caller's, kept across calls.

#ifndef TIDINGS_SCORING_INTERNAL_TEASERS_H_
#define TIDINGS_SCORING_INTERNAL_TEASERS_H_

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "scoring/internal/clean.h"

namespace tidings::scoring::internal {

// A piece [a, b) of a paragraph's words, labelled headline (teaser) or
// sentence.
struct Piece {
  uint32_t a, b;
  bool teaser;
};

// TeaserSplitter's per-paragraph working state. Every paragraph overwrites
// what it uses, so it may be reused across paragraphs and across Clean()
// calls (ScoreScratch keeps one).
struct TeaserScratch {
  struct Tok {
    uint32_t b = 0, e = 0;    // Raw word [b, e) in the paragraph.
    uint32_t cb = 0, ce = 0;  // Its core.
    uint16_t cls = 0;         // Word classes of the core.
    uint16_t flags = 0;
  };
  std::vector<Tok> toks;
  // seam[i]: 0 none, 1 weak, 2 strong, 3 weak inside a run of capitals
  // ("on Tuesday | Exchange rates"), before token i.
  std::vector<uint8_t> seam;
  std::vector<uint8_t> seg_end;  // seg_end[i]: a sentence ends before tok i.
  // Prefix counts over tokens [0, i).
  struct Counts {
    uint32_t lower = 0;   // Lower-case words other than short function words.
    uint32_t caps = 0;    // Capitalised words.
    uint32_t fcap = 0;    // Capitalised function words ("Has", "Its").
    uint32_t prose = 0;   // "said", "told".
    uint32_t aux = 0;     // "has", "was", "its".
    uint32_t art = 0;     // "the", "a", "an".
    uint32_t dquote = 0;  // Words with a double quote.
    uint32_t clause = 0;  // ", which" openers.
    uint32_t comma = 0;   // Words ending with a comma.
    uint32_t minor = 0;   // Lower-case short function words ("for", "a").
  };
  std::vector<Counts> cnt;  // cnt[i]: counts over tokens [0, i).
  struct Node {
    double t = -std::numeric_limits<double>::infinity(),
           s = -std::numeric_limits<double>::infinity();
    int t_from = -1, s_from = -1;
    bool t_from_t = false, s_from_t = false;
  };
  std::vector<Node> nodes;
  std::vector<uint32_t> pts;
};

class TeaserSplitter {
 public:
  // `scratch`: the caller's buffers (kept across calls to save
  // allocations), or null for the splitter's own.
  TeaserSplitter(const PageCleaner& pc, TeaserScratch* scratch)
      : pc_(pc), scratch_(scratch != nullptr ? *scratch : own_) {}

  // Labels the pieces of paragraph `p`, in order, into *pieces.
  void Split(std::string_view p, std::vector<Piece>* pieces);
  // Where word i of the paragraph last split starts and ends (bytes).
  uint32_t WordBegin(uint32_t i) const { return scratch_.toks[i].b; }
  uint32_t WordEnd(uint32_t i) const { return scratch_.toks[i].e; }

 private:
  using Tok = TeaserScratch::Tok;
  using Scratch = TeaserScratch;

  // Tokenises `p` into scratch_.toks with classes and flags.
  void Tokenize(std::string_view p);
  double HeadlineScore(std::string_view p, uint32_t a, uint32_t b,
                       bool after_teaser) const;
  // For Split(): the headline pieces [a, b) that end at the segment's point
  // b = pts[j], for every earlier point a (pts[0, j)), after a sentence
  // piece or after another headline.
  void EndHeadlinesAt(std::string_view p, size_t j);

  const PageCleaner& pc_;
  TeaserScratch own_;  // Used when the caller gives none.
  TeaserScratch& scratch_;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_TEASERS_H_
