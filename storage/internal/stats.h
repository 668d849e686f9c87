// Copyright 2026 The Tidings Authors.
//
// stats.h: what the store measures for monitoring: the RocksDB statistics
// object it keeps across reopens, the StoreStats read from it and from the
// database's properties, and the timing of the WAL sync of a write.

#ifndef TIDINGS_STORAGE_INTERNAL_STATS_H_
#define TIDINGS_STORAGE_INTERNAL_STATS_H_

#include <cstdint>
#include <memory>

#include "absl/time/time.h"
#include "rocksdb/perf_level.h"
#include "rocksdb/statistics.h"
#include "storage/internal/db.h"
#include "storage/signal_store.h"

namespace tidings::storage::internal {

// RocksDB statistics at the lowest level that keeps the tickers (no
// histograms, no timers): a few sharded atomic increments per operation.
std::shared_ptr<rocksdb::Statistics> NewStatistics();

// Reads the sizes from `db`'s properties and WAL files, and the tickers
// from `statistics` (the one given to OpenDb).
StoreStats ReadStats(const Db& db, const rocksdb::Statistics& statistics);

// Measures the time the calling thread spends syncing files while it is in
// scope (RocksDB's per-thread I/O statistics, which need the thread's perf
// level raised for that time; restored at the end of the scope).
class SyncTimer {
 public:
  SyncTimer();
  ~SyncTimer();
  SyncTimer(const SyncTimer&) = delete;
  SyncTimer& operator=(const SyncTimer&) = delete;

  // The sync time so far.
  absl::Duration Elapsed() const;

 private:
  const rocksdb::PerfLevel previous_;
  const uint64_t start_nanos_;
};

}  // namespace tidings::storage::internal

#endif  // TIDINGS_STORAGE_INTERNAL_STATS_H_
