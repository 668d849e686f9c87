// Copyright 2026 The Tidings Authors.
//
// scorer.h: text in, scored documents out.
//
// A `Scorer` is built once from lexicon files (the ones compiled into the
// binary, or a directory given in `ScorerOptions`), is immutable afterwards
// and may be shared read-only by any number of threads. `Score()` cleans a
// raw page into its articles (main and related; boilerplate and teaser
// headlines removed) and scores each one for sentiment, market events and
// entities, with evidence.
//
// Example:
//   absl::StatusOr<std::unique_ptr<const Scorer>> scorer =
//       Scorer::Create(ScorerOptions());
//   if (!scorer.ok()) return scorer.status();
//   std::vector<ScoredDocument> docs = (*scorer)->Score({.body = page});
//
// This library is pure: no gRPC, protobuf, RocksDB, threads or globals.

#ifndef TIDINGS_SCORING_SCORER_H_
#define TIDINGS_SCORING_SCORER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "scoring/types.h"

namespace tidings::scoring {

namespace internal {
struct ScoreScratch;
}  // namespace internal

// Events with relevance below this are not reported by default (the `score`
// command prints only events at or above it and `Subscribe` filters on it).
// Calibrated so that an event named in the headline or lead scores >= 0.75
// and a single passing mention late in a long text scores below this.
inline constexpr double kDefaultMinRelevance = 0.4;

struct ScorerOptions {
  // Directory holding the lexicon files (sentiment.tsv, events.tsv, ...).
  // Default: "" = use the lexicons compiled into the binary.
  std::string lexicon_dir;
};

struct ScoreInput {
  std::string_view title;  // Optional: the publisher's title, if known.
  std::string_view body;   // A raw scraped page or plain text, UTF-8.
  ContentKind kind = ContentKind::kAuto;
  // When the text was received (the ingest time). A relative time in a
  // byline ("3 hours ago") is resolved against it; unset = such times are
  // ignored.
  absl::Time now = absl::InfinitePast();
};

class Scorer {
 public:
  // Loads and compiles the lexicons. Returns INVALID_ARGUMENT naming the file
  // and line of a malformed lexicon entry, NOT_FOUND for a missing file.
  static absl::StatusOr<std::unique_ptr<const Scorer>> Create(
      const ScorerOptions& options);

  ~Scorer();
  Scorer(const Scorer&) = delete;
  Scorer& operator=(const Scorer&) = delete;

  // Cleans `input` into its articles and scores each. Returns one document
  // per article found, in page order (doc_index 0 = the main article); an
  // input with no page structure (a headline, a paragraph) is one document.
  // Returns no documents when nothing but boilerplate is found. Invalid
  // UTF-8 is repaired (each bad byte becomes U+FFFD) before scoring.
  // Thread-safe.
  std::vector<ScoredDocument> Score(const ScoreInput& input) const;

  // Working memory for Score(): the analysis buffers and the stages'
  // scratch. Score(input) makes one per call; a caller that scores many
  // texts on one thread may keep one and pass it to every call instead, so
  // that the buffers are reused and steady-state scoring allocates only
  // what it returns. One per thread (not thread-safe); any Scorer may use
  // it. Movable.
  class Scratch {
   public:
    Scratch();
    ~Scratch();
    Scratch(Scratch&&) noexcept;
    Scratch& operator=(Scratch&&) noexcept;

   private:
    friend class Scorer;
    std::unique_ptr<internal::ScoreScratch> state_;
  };

  // Score() with the caller's working memory; the same results.
  // REQUIRES: scratch != nullptr, used by one thread at a time.
  std::vector<ScoredDocument> Score(const ScoreInput& input,
                                    Scratch* scratch) const;

  // The same results into `*out`, replacing what it holds. The documents
  // already there are taken apart for their buffers (strings, vectors),
  // which `scratch` keeps and the new documents reuse: a caller that scores
  // a stream of texts into one vector with one Scratch allocates only when
  // a result needs more room than earlier ones (steady state: nothing per
  // text). Both keep the memory of the largest results they have held.
  // REQUIRES: scratch != nullptr, out != nullptr, `input` does not refer
  // into `*out`; `scratch` used by one thread at a time.
  void Score(const ScoreInput& input, Scratch* scratch,
             std::vector<ScoredDocument>* out) const;

  // Identifies the scorer and its lexicons, e.g. "tidings-scorer/1 lex:3f2a..."
  // (a hash of the lexicon files), recorded with every stored signal.
  const std::string& version() const;

  class Impl;

 private:
  explicit Scorer(std::unique_ptr<Impl> impl);
  void Score(const ScoreInput& input, internal::ScoreScratch* state,
             std::vector<ScoredDocument>* out) const;
  std::unique_ptr<Impl> impl_;
};

}  // namespace tidings::scoring

#endif  // TIDINGS_SCORING_SCORER_H_
