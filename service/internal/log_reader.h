// Copyright 2026 The Tidings Authors.
//
// log_reader.h: the chunked reader of the signal log that Subscribe and
// Query cursors use: a bounded read of the signals that pass a filter.

#ifndef TIDINGS_SERVICE_INTERNAL_LOG_READER_H_
#define TIDINGS_SERVICE_INTERNAL_LOG_READER_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "service/internal/filter.h"
#include "storage/signal_store.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::service::internal {

// One bounded read of the log.
struct Chunk {
  absl::Status status;
  std::vector<v1::Signal> signals;  // Matching, weak events dropped.
  std::vector<size_t> sizes;        // Serialized size of each signal.
  size_t bytes = 0;                 // Their sum.
  // Every seq <= position has been considered; the next read starts after it.
  uint64_t position = 0;
};

// Reads the signals with seq in (after, end] that pass `filter`: at most
// `max_signals` of them and, beyond the first, at most `max_bytes` in all,
// visiting at most `max_visit` stored signals (index entries when the filter
// names one event type). REQUIRES: end <= the store's head_seq(),
// max_signals > 0, max_visit > 0. Blocks on storage: call it on the work
// pool.
Chunk ReadChunk(const storage::SignalStore& store, const SignalFilter& filter,
                uint64_t after, uint64_t end, size_t max_signals,
                size_t max_bytes, size_t max_visit);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_LOG_READER_H_
