// Copyright 2026 The Tidings Authors.
// PLACEHOLDER: the page cleaner is being written; for now the input is one article.

#include "scoring/internal/clean.h"

namespace tidings::scoring::internal {

absl::StatusOr<PageCleaner> PageCleaner::Create(const LexiconSet& lexicons) {
  return PageCleaner();
}

std::vector<CleanDocument> PageCleaner::Clean(std::string_view title,
                                              std::string_view body,
                                              ContentKind kind) const {
  CleanDocument doc;
  doc.title = std::string(title);
  doc.body = std::string(body);
  return {doc};
}

}  // namespace tidings::scoring::internal
