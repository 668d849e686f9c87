// Copyright 2026 The Tidings Authors.
//
// db.h: the RocksDB instance behind the signal store: its column families
// (layouts in keys.h), their options, and the conversions of RocksDB's types
// and statuses that every part of storage/ shares.

#ifndef TIDINGS_STORAGE_INTERNAL_DB_H_
#define TIDINGS_STORAGE_INTERNAL_DB_H_

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/timestamp.pb.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/slice.h"
#include "rocksdb/statistics.h"
#include "rocksdb/status.h"
#include "storage/signal_store.h"

namespace tidings::storage::internal {

inline absl::string_view AsAbsl(std::string_view s) {
  return absl::string_view(s.data(), s.size());
}

inline std::string_view AsStd(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

// Maps a RocksDB status to the codes of the SignalStore contract.
absl::Status FromRocks(const rocksdb::Status& s, std::string_view what);

// Column families, in the order of their descriptors at Open().
enum Cf : int {
  kMeta = 0,
  kSignals,
  kArticles,
  kTimeIndex,
  kEventIndex,
  kKeyIndex,
  kFingerprintIndex,
  kEntityIndex,
  kPublishedIndex,
  kReceivedIndex,
  kSummaries,
  kRevisions,
  kNumCfs,
};

// An open RocksDB database and its column families. Closes the database when
// the last reference goes away (after flushing its memtables).
struct Db {
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  ~Db();

  rocksdb::ColumnFamilyHandle* cf(Cf which) const { return cfs[which]; }

  std::unique_ptr<rocksdb::DB> db;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs;  // Owned, indexed by Cf.
};

// Opens (creating if needed) the database at options.path with every column
// family, the block `cache` and the `statistics` (may be null); UNAVAILABLE
// with RocksDB's message when it cannot.
absl::StatusOr<std::shared_ptr<Db>> OpenDb(
    const StoreOptions& options, const std::shared_ptr<rocksdb::Cache>& cache,
    const std::shared_ptr<rocksdb::Statistics>& statistics);

// Whole microseconds since the epoch (rounded towards zero).
inline int64_t MicrosOf(const google::protobuf::Timestamp& ts) {
  return ts.seconds() * 1000000 + ts.nanos() / 1000;
}

// a - b, clamped to the int64 range instead of overflowing.
inline int64_t SaturatingSub(int64_t a, int64_t b) {
  int64_t out;
  if (__builtin_sub_overflow(a, b, &out)) {
    return b > 0 ? std::numeric_limits<int64_t>::min()
                 : std::numeric_limits<int64_t>::max();
  }
  return out;
}

// The Timestamp of whole microseconds since the epoch (MicrosOf's inverse).
inline void SetMicros(int64_t micros, google::protobuf::Timestamp* ts) {
  int64_t seconds = micros / 1000000;
  int64_t rest = micros % 1000000;
  if (rest < 0) {
    rest += 1000000;
    --seconds;
  }
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>(rest * 1000));
}

}  // namespace tidings::storage::internal

#endif  // TIDINGS_STORAGE_INTERNAL_DB_H_
