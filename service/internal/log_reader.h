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

// What a cursor keeps between chunks when its filter has an index
// (SignalFilter::IndexPlan): the seqs the index listed and not yet read.
// One per cursor, used by one ReadChunk() at a time.
struct IndexCursor {
  std::vector<uint64_t> seqs;  // Ascending.
  size_t next = 0;             // seqs[next..] are not read yet.
  uint64_t through = 0;        // The listing is complete up to this seq.
  bool scan = false;           // The store has no index: scan the log.
};

// Reads the signals with seq in (after, end] that pass `filter`: at most
// `max_signals` of them and, beyond the first, at most `max_bytes` in all,
// reading at most `max_visit` stored signals. With an index plan the reads
// go only to the signals the index lists (`cursor` keeps them between
// calls); otherwise the log is scanned. REQUIRES: end <= the store's
// head_seq(), max_signals > 0, max_visit > 0, the same `cursor` for every
// chunk of one cursor with non-decreasing `after`. Blocks on storage: call
// it on the work pool.
Chunk ReadChunk(const storage::SignalStore& store, const SignalFilter& filter,
                IndexCursor* cursor, uint64_t after, uint64_t end,
                size_t max_signals, size_t max_bytes, size_t max_visit);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_LOG_READER_H_
