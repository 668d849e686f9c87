// Copyright 2026 The Tidings Authors.
//
// instrumented_store.h: what the load tool's server process counts for it,
// in memory shared with the tool (see server_process.h): every sync RocksDB
// makes (WAL and other files), the bytes appended to the WAL, and the moment
// each signal became durable (the store's Append returned), by seq.

#ifndef TIDINGS_BENCH_LOAD_INSTRUMENTED_STORE_H_
#define TIDINGS_BENCH_LOAD_INSTRUMENTED_STORE_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include "rocksdb/file_system.h"
#include "storage/signal_store.h"

namespace tidings::load {

// Lives in a MAP_SHARED mapping made before fork(): only lock-free atomics.
struct SharedCounters {
  std::atomic<uint64_t> syncs{0};      // Sync/Fsync/RangeSync, any file.
  std::atomic<uint64_t> wal_syncs{0};  // The same on *.log (WAL) files.
  std::atomic<uint64_t> wal_bytes{0};  // Bytes appended to WAL files.
  std::atomic<uint64_t> appends{0};    // Store Append() calls that succeeded.
  std::atomic<int> port{0};            // Tidings port; 0 until serving.
  std::atomic<int> raw_port{0};        // The raw-stream reference's port.
  std::atomic<int> failed{0};          // 1: the server did not start.
  char error[512] = {};                // Why, when failed.

  // Monotonic ns (see stats.h) at which signal `seq` became durable; 0 when
  // unknown or seq >= kMaxSeqs. Accessed only through std::atomic_ref, and
  // left to mmap's zero pages (never initialised: only the pages of seqs in
  // use become resident).
  static constexpr uint64_t kMaxSeqs = uint64_t{1} << 22;
  int64_t commit_ns[kMaxSeqs];

  int64_t CommitNs(uint64_t seq) const {
    if (seq >= kMaxSeqs) return 0;
    return std::atomic_ref<int64_t>(const_cast<int64_t&>(commit_ns[seq]))
        .load(std::memory_order_relaxed);
  }
};

// A RocksDB file system that counts syncs and WAL bytes into `counters`.
std::shared_ptr<rocksdb::FileSystem> NewCountingFileSystem(
    SharedCounters* counters);

// Wraps `store`: forwards every call and, when Append succeeds, stamps the
// commit time of each new seq into `counters`.
std::unique_ptr<storage::SignalStore> NewCommitTimedStore(
    std::unique_ptr<storage::SignalStore> store, SharedCounters* counters);

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_INSTRUMENTED_STORE_H_
