// Copyright 2026 The Tidings Authors.
//
// versions.h: what the store keeps about scorer versions and rescores.
//
//  - The revision index (CF `revisions`): key = original seq (8) |
//    doc_index (4, big-endian) | seq (8), value = ordered ingested_at micros
//    (8); one entry per signal with rescore_of_seq != 0, so that the newest
//    version of an original's document is one seek.
//  - The version records (meta CF): key "version/" + scorer_version, value
//    = a serialised tidings.v1.VersionInfo: the retained count, the rescored
//    count and the time ranges, merged into by every Append() and trim step
//    in the same WriteBatch as the signals.
//  - Job states (meta CF): key "job/" + name, value as the job put it.
//
// Functions here read through `db` with the given options and write into
// the caller's WriteBatch; thread-compatible.

#ifndef TIDINGS_STORAGE_INTERNAL_VERSIONS_H_
#define TIDINGS_STORAGE_INTERNAL_VERSIONS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "storage/internal/db.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::storage::internal {

std::string RevisionKey(uint64_t root_seq, uint32_t doc_index, uint64_t seq);

// Puts (or deletes) the revision index entry of `signal` (stored at `seq`)
// when it is a revision; nothing for an original.
void PutRevisionEntry(const Db& db, const tidings::v1::Signal& signal,
                      uint64_t seq, rocksdb::WriteBatch* batch);
void DeleteRevisionEntry(const Db& db, const tidings::v1::Signal& signal,
                         uint64_t seq, rocksdb::WriteBatch* batch);

// The newest revision of (root_seq, doc_index) ingested before
// `before_micros` (exclusive) with seq <= head; 0 when none.
absl::StatusOr<uint64_t> NewestRevision(const Db& db,
                                        const rocksdb::ReadOptions& options,
                                        uint64_t root_seq, uint32_t doc_index,
                                        int64_t before_micros, uint64_t head);

// Changes to the version records, collected over a batch of signals.
class VersionTally {
 public:
  // A signal stored (its ingested_at set) or trimmed.
  void Add(const tidings::v1::Signal& signal);
  void Remove(const tidings::v1::Signal& signal);
  bool empty() const { return deltas_.empty(); }

  // Merges the changes into the stored records (read through `db`) and puts
  // the results into `batch`. With `replace`, the stored records are
  // ignored: the tally is the whole truth (a rebuild).
  absl::Status Write(const Db& db, bool replace,
                     rocksdb::WriteBatch* batch) const;

 private:
  struct Delta {
    int64_t count = 0;
    int64_t rescored = 0;
    int64_t first_published = INT64_MAX;
    int64_t last_published = INT64_MIN;
    int64_t first_ingested = INT64_MAX;
    int64_t last_ingested = INT64_MIN;
  };
  absl::flat_hash_map<std::string, Delta> deltas_;
};

// Every version record, by first_ingested_at.
absl::StatusOr<std::vector<tidings::v1::VersionInfo>> ReadVersions(
    const Db& db);

std::string JobStateKey(std::string_view name);

}  // namespace tidings::storage::internal

#endif  // TIDINGS_STORAGE_INTERNAL_VERSIONS_H_
