// Copyright 2026 The Tidings Authors.

#include "storage/internal/db.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "rocksdb/convenience.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "storage/internal/keys.h"

namespace tidings::storage::internal {

// Maps a RocksDB status to the codes of the SignalStore contract.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view what) {
  std::string message = absl::StrCat(AsAbsl(what), ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(message);
  if (s.IsCorruption()) return absl::DataLossError(message);
  return absl::UnavailableError(message);
}

namespace {

struct CfSpec {
  const char* name;
  // Served by point lookups (Get): worth a bloom filter.
  bool point_lookups;
  // Memtable size; index entries are small.
  size_t write_buffer_bytes;
  // Served only by seeks within a prefix of this many bytes (0: none): a
  // prefix bloom filter in the memtable and in each table file lets a seek
  // skip the sources that hold no key of that prefix.
  size_t seek_prefix_bytes = 0;
};

constexpr CfSpec kCfSpecs[kNumCfs] = {
    {"default", true, 4 << 20},            // kMeta
    {"signals", true, 32 << 20},           // kSignals
    {"articles", true, 32 << 20},          // kArticles
    {"time_index", false, 8 << 20},        // kTimeIndex
    {"event_index", false, 8 << 20},       // kEventIndex
    {"key_index", true, 8 << 20},          // kKeyIndex
    {"fingerprint_index", false, 8 << 20,  // kFingerprintIndex
     kFingerprintBucketBytes},
    {"entity_index", false, 8 << 20},     // kEntityIndex
    {"published_index", false, 8 << 20},  // kPublishedIndex
    {"received_index", false, 8 << 20},   // kReceivedIndex
    {"summaries", false, 8 << 20},        // kSummaries
    {"revisions", false, 4 << 20},        // kRevisions
};

bool Supported(const std::vector<rocksdb::CompressionType>& supported,
               rocksdb::CompressionType type) {
  return std::find(supported.begin(), supported.end(), type) != supported.end();
}

rocksdb::ColumnFamilyOptions MakeCfOptions(
    const CfSpec& spec, const std::shared_ptr<rocksdb::Cache>& cache) {
  rocksdb::ColumnFamilyOptions cf;
  rocksdb::BlockBasedTableOptions table;
  // One LRU cache for the data, index and filter blocks of every CF, so the
  // memory bound is the cache size rather than a sum over CFs and files.
  table.block_cache = cache;
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  if (spec.point_lookups) {
    // ~1% false positives: Get() of an absent key (a new idempotency key,
    // the common case at ingest) rarely touches a data block.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  }
  if (spec.seek_prefix_bytes > 0) {
    // The near-duplicate check seeks 4 buckets of a 16-bit band value per
    // signal; most buckets of a memtable or a file are empty.
    table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
    table.whole_key_filtering = false;
  }
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.write_buffer_size = spec.write_buffer_bytes;
  if (spec.point_lookups) {
    // The same for the memtable, where a store's recent keys are: the
    // idempotency check of each new article (a miss) skips the skiplist.
    cf.memtable_whole_key_filtering = true;
    cf.memtable_prefix_bloom_size_ratio = 0.02;
  }
  if (spec.seek_prefix_bytes > 0) {
    cf.prefix_extractor.reset(
        rocksdb::NewFixedPrefixTransform(spec.seek_prefix_bytes));
    cf.memtable_prefix_bloom_size_ratio = 0.02;
  }
  // Keeps space amplification bounded as the log grows.
  cf.level_compaction_dynamic_level_bytes = true;
  // Compression from what this librocksdb was built with (Debian's has
  // snappy, lz4, zstd, zlib, bzip2): fast LZ4 for the upper levels, denser
  // ZSTD for the bottommost level, where most of an append-only log lives.
  static const std::vector<rocksdb::CompressionType> supported =
      rocksdb::GetSupportedCompressions();
  if (Supported(supported, rocksdb::kLZ4Compression)) {
    cf.compression = rocksdb::kLZ4Compression;
  } else if (Supported(supported, rocksdb::kSnappyCompression)) {
    cf.compression = rocksdb::kSnappyCompression;
  } else {
    cf.compression = rocksdb::kNoCompression;
  }
  if (Supported(supported, rocksdb::kZSTD)) {
    cf.bottommost_compression = rocksdb::kZSTD;
  }
  return cf;
}

rocksdb::DBOptions MakeDbOptions(
    const StoreOptions& options,
    const std::shared_ptr<rocksdb::Statistics>& statistics) {
  rocksdb::DBOptions db;
  db.statistics = statistics;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  if (options.env != nullptr) db.env = options.env;
  // The WAL is on (never disabled) and every Append() syncs it when
  // options.sync. A torn last record after a crash belongs to a batch that
  // was never acknowledged; point-in-time recovery drops it and stops there.
  db.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  // All CFs share one WAL, which can only be deleted once every CF has
  // flushed past it; small index CFs flush rarely, so cap the WAL size to
  // force those flushes.
  db.max_total_wal_size = 256 << 20;
  // Smooth the writeback of flushed and compacted files.
  db.bytes_per_sync = 1 << 20;
  db.max_background_jobs = 2;
  db.keep_log_file_num = 10;  // Info LOG files, not the WAL.
  return db;
}

}  // namespace

Db::~Db() {
  if (db == nullptr) return;
  // Flush the memtables so that the next open need not replay the WAL
  // (tens of MB after a busy run). A failure leaves it to that replay.
  db->Flush(rocksdb::FlushOptions(), cfs).PermitUncheckedError();
  for (rocksdb::ColumnFamilyHandle* handle : cfs) {
    db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
  }
  // Nothing to report to in a destructor; the WAL already holds every
  // acknowledged write.
  db->Close().PermitUncheckedError();
}

absl::StatusOr<std::shared_ptr<Db>> OpenDb(
    const StoreOptions& options, const std::shared_ptr<rocksdb::Cache>& cache,
    const std::shared_ptr<rocksdb::Statistics>& statistics) {
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.reserve(kNumCfs);
  for (const CfSpec& spec : kCfSpecs) {
    descriptors.emplace_back(spec.name, MakeCfOptions(spec, cache));
  }
  auto db = std::make_shared<Db>();
  rocksdb::DB* raw_db = nullptr;
  rocksdb::Status s =
      rocksdb::DB::Open(MakeDbOptions(options, statistics), options.path,
                        descriptors, &db->cfs, &raw_db);
  db->db.reset(raw_db);
  if (!s.ok()) {
    // On failure RocksDB returns neither a DB nor handles.
    db->cfs.clear();
    return absl::UnavailableError(absl::StrCat(
        "cannot open the signal store at ", options.path, ": ", s.ToString()));
  }
  if (db->cfs.size() != kNumCfs) {
    return absl::InternalError("RocksDB returned the wrong number of handles");
  }
  return db;
}

}  // namespace tidings::storage::internal
