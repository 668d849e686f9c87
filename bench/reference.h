// Copyright 2026 The Tidings Authors.
//
// reference.h: scoring_bench's reference check. Before anything is timed, a
// fixed sample is scored and its digest compared with
// bench/data/reference_<corpus>.tsv; any difference aborts the run.

#ifndef TIDINGS_BENCH_REFERENCE_H_
#define TIDINGS_BENCH_REFERENCE_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "bench/corpus.h"
#include "scoring/scorer.h"

namespace tidings::bench {

struct RefRow {
  size_t docs = 0;
  std::string digest;
  bool operator==(const RefRow&) const = default;
};
using RefMap = std::map<std::string, RefRow>;

// The sample: kSampleItems corpus items spread evenly over the corpus sorted
// by id (so every source is represented), plus the first kSamplePages pages.
std::vector<Doc> ReferenceSample(const Corpus& corpus,
                                 const std::vector<Doc>& pages);

// Scores the sample: id -> documents found and their digest.
RefMap ScoreSample(const scoring::Scorer& scorer,
                   const std::vector<Doc>& sample);

// Writes `rows` as the reference file `path` for `corpus`.
void WriteReference(const std::string& path, const Corpus& corpus,
                    const scoring::Scorer& scorer, const RefMap& rows);

// Returns a one-line summary for the benchmark context; dies on a mismatch.
std::string CheckReference(const std::string& path, const Corpus& corpus,
                           const scoring::Scorer& scorer, const RefMap& got);

}  // namespace tidings::bench

#endif  // TIDINGS_BENCH_REFERENCE_H_
