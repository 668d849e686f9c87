// Copyright 2026 The Tidings Authors.
//
// tight_ceiling.h: the tight loop of ../shared/tools/ceiling/ceiling.cc, its
// own copy for scoring_bench (issue 12 item 7). Split on bytes that are not
// ASCII letters, digits or >= 0x80; FNV-1a of the lower-cased bytes computed
// while scanning; one probe sequence in a power-of-two open-addressing table
// of 64-bit hashes per token. Nothing a scorer could skip.

#ifndef TIDINGS_BENCH_TIGHT_CEILING_H_
#define TIDINGS_BENCH_TIGHT_CEILING_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tidings::bench {

class TightTable {
 public:
  // `terms`: the lower-cased first column of every lexicon row.
  explicit TightTable(const std::vector<std::string>& terms);

  // Returns the number of tokens of `text` found in the table.
  size_t Pass(std::string_view text) const;

  size_t entries() const { return entries_; }

 private:
  std::vector<uint64_t> table_;
  size_t mask_ = 0;
  size_t entries_ = 0;
};

}  // namespace tidings::bench

#endif  // TIDINGS_BENCH_TIGHT_CEILING_H_
