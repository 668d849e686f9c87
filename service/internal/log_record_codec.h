// Copyright 2026 The Tidings Authors.
//
// log_record_codec.h: cluster mode's log record (cluster/README.md), one per
// ingest batch or per chunk of a large one (or of a rescore's batch of
// revisions), as bytes for the SignalLog: the articles, each with its
// idempotency key and scored signals (a revision: without its article), and the
// ingested_at every replica stores them with
// (proto/tidings/internal/log_record.proto).

#ifndef TIDINGS_SERVICE_INTERNAL_LOG_RECORD_CODEC_H_
#define TIDINGS_SERVICE_INTERNAL_LOG_RECORD_CODEC_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/signal_store.h"

namespace tidings::service::internal {

// How EncodeLogRecords() cuts a batch into records.
struct RecordLimits {
  // A record holds consecutive articles of the batch up to this many encoded
  // bytes and this many articles; an article bigger than max_bytes alone
  // gets a record of its own.
  size_t max_bytes = 512 * 1024;
  size_t max_articles = 1000;
  // The largest record the log takes (JetStream: the servers' max_payload,
  // 1 MiB by default, less room for the message's headers). An article
  // whose record would be larger is refused.
  size_t max_payload = 1024 * 1024 - 4096;
};

// One record to publish: its bytes and which articles of the batch it holds
// (indices, ascending).
struct EncodedRecord {
  std::string bytes;
  std::vector<size_t> articles;
};

// What EncodeLogRecords() made of a batch. Every article of the batch is in
// exactly one record or refused.
struct EncodedBatch {
  std::vector<EncodedRecord> records;
  // Articles that cannot be replicated, with the reason: INVALID_ARGUMENT
  // for an empty key or a revision with a signal lacking rescore_of_seq,
  // RESOURCE_EXHAUSTED for an article whose record would
  // exceed limits.max_payload (the message names both sizes).
  std::vector<std::pair<size_t, absl::Status>> refused;
};

// The records of `batch` (keys, articles, signals as scored), received at
// `ingested_at`, in batch order, cut by `limits`.
EncodedBatch EncodeLogRecords(const std::vector<storage::PendingArticle>& batch,
                              absl::Time ingested_at,
                              const RecordLimits& limits = {});

// A record read back: what a replica applies, and when.
struct DecodedRecord {
  std::vector<storage::PendingArticle> articles;  // Revisions included.
  absl::Time ingested_at;
};

// The record encoded in `bytes`. DATA_LOSS when they do not parse, hold no
// article, or lack ingested_at or an article's key (a record no Tidings
// node wrote): a replica skips such a record whole.
absl::StatusOr<DecodedRecord> DecodeLogRecord(std::string_view bytes);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_LOG_RECORD_CODEC_H_
