// Copyright 2026 The Tidings Authors.
//
// log_record_codec.h: cluster mode's log record (cluster/README.md), one per
// ingested article, as bytes for the SignalLog: the article, its
// idempotency key, its scored signals and the ingested_at every replica
// stores them with (proto/tidings/internal/log_record.proto).

#ifndef TIDINGS_SERVICE_INTERNAL_LOG_RECORD_CODEC_H_
#define TIDINGS_SERVICE_INTERNAL_LOG_RECORD_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/signal_store.h"

namespace tidings::service::internal {

// A record read back: what a replica appends, and when.
struct DecodedRecord {
  storage::PendingArticle article;  // revision is false.
  absl::Time ingested_at;
};

// The record of `article` (key, article, signals as scored) received at
// `ingested_at`. INVALID_ARGUMENT for an empty key or a rescore (revision:
// rescores are not replicated through the log), or a message protobuf cannot
// serialise.
absl::StatusOr<std::string> EncodeLogRecord(
    const storage::PendingArticle& article, absl::Time ingested_at);

// The record encoded in `bytes`. DATA_LOSS when they do not parse or lack
// the key or ingested_at (a record no Tidings node wrote).
absl::StatusOr<DecodedRecord> DecodeLogRecord(std::string_view bytes);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_LOG_RECORD_CODEC_H_
