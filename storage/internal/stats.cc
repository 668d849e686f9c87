// Copyright 2026 The Tidings Authors.

#include "storage/internal/stats.h"

#include <string>

#include "rocksdb/iostats_context.h"
#include "rocksdb/transaction_log.h"

namespace tidings::storage::internal {
namespace {

// A DB-wide property (summed over the column families); 0 when unknown.
uint64_t Property(const Db& db, const std::string& name) {
  uint64_t value = 0;
  if (!db.db->GetAggregatedIntProperty(name, &value)) return 0;
  return value;
}

uint64_t WalBytes(const Db& db) {
  rocksdb::VectorLogPtr files;
  if (!db.db->GetSortedWalFiles(files).ok()) return 0;
  uint64_t bytes = 0;
  for (const std::unique_ptr<rocksdb::LogFile>& f : files) {
    bytes += f->SizeFileBytes();
  }
  return bytes;
}

}  // namespace

std::shared_ptr<rocksdb::Statistics> NewStatistics() {
  std::shared_ptr<rocksdb::Statistics> statistics =
      rocksdb::CreateDBStatistics();
  statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  return statistics;
}

StoreStats ReadStats(const Db& db, const rocksdb::Statistics& statistics) {
  StoreStats s;
  s.sst_bytes = Property(db, rocksdb::DB::Properties::kTotalSstFilesSize);
  s.live_sst_bytes = Property(db, rocksdb::DB::Properties::kLiveSstFilesSize);
  s.memtable_bytes =
      Property(db, rocksdb::DB::Properties::kCurSizeAllMemTables);
  s.pending_compaction_bytes =
      Property(db, rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
  s.wal_bytes = WalBytes(db);
  auto ticker = [&statistics](rocksdb::Tickers t) {
    return statistics.getTickerCount(t);
  };
  s.block_cache_hits = ticker(rocksdb::BLOCK_CACHE_HIT);
  s.block_cache_misses = ticker(rocksdb::BLOCK_CACHE_MISS);
  s.bytes_written = ticker(rocksdb::BYTES_WRITTEN);
  s.bytes_read = ticker(rocksdb::BYTES_READ);
  s.compaction_bytes_read = ticker(rocksdb::COMPACT_READ_BYTES);
  s.compaction_bytes_written = ticker(rocksdb::COMPACT_WRITE_BYTES);
  s.flush_bytes_written = ticker(rocksdb::FLUSH_WRITE_BYTES);
  s.stall_micros = ticker(rocksdb::STALL_MICROS);
  s.wal_syncs = ticker(rocksdb::WAL_FILE_SYNCED);
  s.wal_bytes_written = ticker(rocksdb::WAL_FILE_BYTES);
  return s;
}

SyncTimer::SyncTimer()
    : previous_(rocksdb::GetPerfLevel()),
      start_nanos_(rocksdb::get_iostats_context()->fsync_nanos) {
  if (previous_ < rocksdb::PerfLevel::kEnableTimeExceptForMutex) {
    rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableTimeExceptForMutex);
  }
}

SyncTimer::~SyncTimer() { rocksdb::SetPerfLevel(previous_); }

absl::Duration SyncTimer::Elapsed() const {
  return absl::Nanoseconds(rocksdb::get_iostats_context()->fsync_nanos -
                           start_nanos_);
}

}  // namespace tidings::storage::internal
