// Copyright 2026 The Tidings Authors.
//
// page_furniture.h: lines of a news page that belong to no article and are
// recognised by their shape, whatever a site calls them:
//   captions      "Traders at work. (Photo: Jane Doe/Reuters)",
//                 "... | Photo credit: Tom Reed", "(Staff photo by ...)"
//   breadcrumbs   "Business > Economy", "Home / Markets", "News › World"
//   navigation    "Local | Nation | World | Business" (three items or more)
//   price rows    "Gold ($/oz)   400.33   +1.01%", "Gold $2,345.10 +0.84%"
//   ranks         "1. <headline>", "2) <headline>", "3 <headline>" in a
//                 numbered most-read list
//   browser title "<headline> – Site Name" as the page's first line
// The words of captions (credit words) come from "furniture.tsv"; the rest
// is shape alone.
//
// Immutable after Create(); all methods are const and thread-safe.

#ifndef TIDINGS_SCORING_INTERNAL_PAGE_FURNITURE_H_
#define TIDINGS_SCORING_INTERNAL_PAGE_FURNITURE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "scoring/internal/lexicon_set.h"

namespace tidings::scoring::internal {

enum class Furniture : uint8_t {
  kNone,
  kCaption,
  kBreadcrumb,
  kNavigation,
  kPriceRow,
};

// The marks that furniture is made of, by byte: the page cleaner ORs them
// up in its one pass over a line, so that Classify() knows which shapes are
// possible at all (most lines have none of these marks).
enum FurnitureMark : uint8_t {
  kMarkColon = 1,  // "Photo: ..."
  kMarkBar = 2,    // "Local | World"
  kMarkCrumb = 4,  // "Business > Economy", "Home / Markets"
  kMarkDash = 8,   // "... - Getty Images"
  kMarkMultiByte = 16,  // A lead byte of "·", "•", "»", "›", "→", "–", "—".
};
inline constexpr std::array<uint8_t, 256> kFurnitureMarks = [] {
  std::array<uint8_t, 256> m{};
  m[':'] = kMarkColon;
  m['|'] = kMarkBar;
  m['>'] = m['/'] = kMarkCrumb;
  m['-'] = kMarkDash;
  m[0xC2] = m[0xE2] = kMarkMultiByte;
  return m;
}();

class FurnitureReader {
 public:
  // Reads "furniture.tsv". INVALID_ARGUMENT (file:line) for a bad row.
  static absl::StatusOr<FurnitureReader> Create(const LexiconSet& lexicons);

  // What `line` (trimmed, `words` words) is, or kNone. `marks`: the OR of
  // kFurnitureMarks over its bytes.
  Furniture Classify(std::string_view line, size_t words, uint8_t marks) const;

  // The rank that opens a line of a numbered list ("1. ...", "2) ...",
  // "#3 ...", "4 <Capitalised>..."), or 0. *alone is set when the line is
  // the rank alone ("5").
  static int Rank(std::string_view line, bool* alone);

  // For a line "<headline> – <Site>" ("–", "—", "|" or " - " before one to
  // four capitalised words), the headline part; else "".
  static std::string_view BrowserTitle(std::string_view line);

 private:
  bool IsCredit(std::string_view word) const;
  bool IsCaption(std::string_view line, size_t words, bool separated) const;

  absl::flat_hash_set<std::string> credits_;
};

}  // namespace tidings::scoring::internal

#endif  // TIDINGS_SCORING_INTERNAL_PAGE_FURNITURE_H_
