// Copyright 2026 The Tidings Authors.
//
// ingest.h: turning published Articles into what storage appends:
// validation (validation.h), scoring, the idempotency key. Shared by Ingest,
// IngestStream and Score.

#ifndef TIDINGS_SERVICE_INTERNAL_INGEST_H_
#define TIDINGS_SERVICE_INTERNAL_INGEST_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "scoring/scorer.h"
#include "service/internal/validation.h"
#include "storage/signal_store.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

struct Metrics;

// Scores `article` into one Signal per document found (seq 0, no
// ingested_at). `now` is when the article arrived: a relative time on the
// page ("3 hours ago") is resolved against it. Blocks for the time scoring
// takes, which `metrics` (may be null) records.
std::vector<v1::Signal> ScoreArticle(const scoring::Scorer& scorer,
                                     const v1::Article& article, absl::Time now,
                                     Metrics* metrics);

// "id:" + article_id, or "fp:" + the 16-hex-digit exact fingerprints of the
// signals in doc_index order; nullopt when the article has no id and no
// documents (nothing to store and nothing to recognise it by).
std::optional<std::string> IdempotencyKey(
    const v1::Article& article, const std::vector<v1::Signal>& signals);

// The outcome of preparing one article for storage.
struct PreparedArticle {
  // Filled for an article that needs no Append: an error, a known id (a
  // retry, answered from storage without scoring), or nothing to store.
  // Otherwise index and article_id only, and `pending` is set.
  v1::IngestResult result;
  std::optional<storage::PendingArticle> pending;
};

// Validates, looks the id up (a retry skips scoring), scores (see
// ScoreArticle for `now`), and builds the PendingArticle. `index` is the
// article's position in its request/stream. Blocks on scoring and a storage
// read: call it on the work pool. `metrics` may be null.
PreparedArticle PrepareArticle(const scoring::Scorer& scorer,
                               const storage::SignalStore& store,
                               uint64_t max_article_bytes, uint32_t index,
                               const v1::Article& article, absl::Time now,
                               Metrics* metrics);

// One ingest batch on its way to the committer (shared by Ingest and
// IngestStream): the result of every article, answered already (an error, a
// retry of a known id, nothing to store) or waiting for storage, and what
// to append.
struct PreparedBatch {
  std::vector<v1::IngestResult> results;         // One per article, in order.
  std::vector<storage::PendingArticle> pending;  // To append, in order.
  std::vector<size_t> where;  // pending[k] answers results[where[k]].
};

// An article of a batch and its position in its request or stream.
struct IndexedArticle {
  uint32_t index;
  const v1::Article* article;
};

// PrepareArticle() for each article; `metrics` (may be null) counts the
// batch, its duplicates and rejects. Blocks on scoring and storage reads:
// call it on the work pool.
PreparedBatch PrepareBatch(const scoring::Scorer& scorer,
                           const storage::SignalStore& store,
                           uint64_t max_article_bytes, absl::Time now,
                           const std::vector<IndexedArticle>& articles,
                           Metrics* metrics);

// Fills the results of the appended articles from the committer's answer:
// their seqs and whether they were duplicates, or, when the append failed,
// the error (nothing of them was stored; send them again).
void AnswerBatch(
    const absl::StatusOr<std::vector<storage::AppendResult>>& stored,
    PreparedBatch* batch);

// The first step of IngestStream for one message, `bytes` at `index` of the
// stream: parses and validates it. Returns the result to answer at once
// (INVALID_ARGUMENT for a message that does not parse or an article that is
// not valid; nothing of it is to be stored), or nullopt with `*article`
// ready for PrepareArticle.
std::optional<v1::IngestResult> AdmitStreamMessage(std::string_view bytes,
                                                   uint32_t index,
                                                   uint64_t max_article_bytes,
                                                   v1::Article* article);

// Fills `result` from a failed status (error_code/message, no seqs).
void SetError(const absl::Status& status, v1::IngestResult* result);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_INGEST_H_
