// Copyright 2026 The Tidings Authors.
//
// clean.h: raw scraped page -> its articles (main and related), with titles,
// source markers and bodies; boilerplate, source/time debris and teaser
// headline runs removed. Rules come from "boilerplate.tsv".

#ifndef TIDINGS_SCORING_INTERNAL_CLEAN_H_
#define TIDINGS_SCORING_INTERNAL_CLEAN_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "scoring/internal/lexicon_set.h"
#include "scoring/types.h"

namespace tidings::scoring::internal {

struct CleanDocument {
  std::string title;   // "" when none was found.
  std::string source;  // "Reuters", "Bloomberg" from a "(Reuters) -" marker, or "".
  std::string body;    // Paragraphs separated by "\n\n".
};

class PageCleaner {
 public:
  static absl::StatusOr<PageCleaner> Create(const LexiconSet& lexicons);

  // Segments `body` into articles. `title` (may be empty) is the publisher's
  // title for the main article. `kind` kPlainText skips segmentation; kAuto
  // decides from the text (a short text with no page structure is one
  // article). Requires valid UTF-8.
  std::vector<CleanDocument> Clean(std::string_view title, std::string_view body,
                                   ContentKind kind) const;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_CLEAN_H_
