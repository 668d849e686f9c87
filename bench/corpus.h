// Copyright 2026 The Tidings Authors.
//
// corpus.h: scoring_bench's corpus (the JSONL news corpus read in place) and
// the small utilities its files share.

#ifndef TIDINGS_BENCH_CORPUS_H_
#define TIDINGS_BENCH_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scoring/scorer.h"
#include "scoring/types.h"

namespace tidings::bench {

// Prints "scoring_bench: <message>" on stderr and exits with failure.
[[noreturn]] void Die(const std::string& message);

uint64_t Fnv1a64(std::string_view s, uint64_t h = 1469598103934665603ull);

// SplitMix64: a fixed, portable generator, so that the synthesised pages and
// the shuffled walk order are the same on every machine and standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }

 private:
  uint64_t state_;
};

std::string ReadFileOrDie(const std::string& path);

// The corpus is read by a tiny JSON reader for its fixed JSONL shape. Each
// line is one flat object whose values are strings, null, numbers or
// booleans. Strings are unescaped (\uXXXX with surrogate pairs to UTF-8; a
// lone surrogate becomes U+FFFD). Anything else is a fatal error naming the
// line: the corpus is a fixed file, so a parse error is a bug to look at.

struct Item {
  std::string id;
  std::string source;
  std::string title;
  std::string body;
};

struct Corpus {
  std::string path;
  std::string name;     // File stem: "news_corpus", "fixture_corpus".
  uint64_t digest = 0;  // FNV-1a 64 of the file's bytes.
  size_t file_bytes = 0;
  std::vector<Item> items;
};

// Reads and parses `path`; dies naming the line and column of a parse error.
Corpus LoadCorpus(const std::string& path);

// One scorer input. Views point into the corpus items or the page store,
// both of which live until exit.
struct Doc {
  std::string_view id;
  std::string_view title;
  std::string_view body;
  size_t bytes() const { return title.size() + body.size(); }
  scoring::ScoreInput input() const {
    return scoring::ScoreInput{
        .title = title, .body = body, .kind = scoring::ContentKind::kAuto};
  }
};

}  // namespace tidings::bench

#endif  // TIDINGS_BENCH_CORPUS_H_
