// Copyright 2026 The Tidings Authors.
//
// indexes.h: the secondary indexes that lead a filtered read to the signals
// it wants (event type, entity, published and received time), how a signal is
// listed in them, how they are read, and how a store written before some of
// them existed gets them. Layouts in keys.h.

#ifndef TIDINGS_STORAGE_INTERNAL_INDEXES_H_
#define TIDINGS_STORAGE_INTERNAL_INDEXES_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/options.h"
#include "rocksdb/write_batch.h"
#include "storage/internal/db.h"
#include "storage/signal_store.h"
#include "tidings/v1/tidings.pb.h"

namespace tidings::storage::internal {

// The event types a signal is listed under, sorted and unique.
std::vector<uint8_t> IndexedEventTypes(const tidings::v1::Signal& signal);

// The entity ids a signal is listed under (its entities and the actors of
// its events), sorted and unique. Views into `signal`.
std::vector<std::string_view> IndexedEntityIds(
    const tidings::v1::Signal& signal);

// INVALID_ARGUMENT when `signal` cannot be indexed (an event type outside
// [0, 255], an entity id longer than kMaxIndexedEntityId); `what` names it.
absl::Status CheckIndexable(const tidings::v1::Signal& signal,
                            std::string_view what);

// Adds the event-type, entity, published- and received-time entries and the
// summary of `signal`, stored at `seq` (its seq and ingested_at set). (The
// time and near-duplicate indexes are Append()'s.)
void PutIndexEntries(const Db& db, const tidings::v1::Signal& signal,
                     uint64_t seq, rocksdb::WriteBatch* batch);

// Deletes the entity and published- and received-time entries of `signal`
// one by one
// (a trim deletes event-type entries by range).
void DeletePointIndexEntries(const Db& db, const tidings::v1::Signal& signal,
                             uint64_t seq, rocksdb::WriteBatch* batch);

// Writes the entity, published- and received-time entries and the summary
// of every stored signal when the store predates some of them (no "indexes"
// marker in the meta CF, or an older list in it), then the marker; for a new
// store, just the marker. Idempotent and safe to interrupt: entries are
// rewritten from the start until the marker is set. Reports progress through
// options.on_index_progress.
absl::Status BuildMissingIndexes(const Db& db, const StoreOptions& options);

// INVALID_ARGUMENT for a query SignalStore::ListIndexed refuses.
absl::Status ValidateIndexQuery(const IndexQuery& query);

// SignalStore::ListIndexed over `db` under the snapshot of `read_options`,
// for the seqs in (after_seq, head]. REQUIRES: ValidateIndexQuery(query)
// is OK, max_count > 0.
absl::StatusOr<IndexedSeqs> ListIndexed(
    const Db& db, const rocksdb::ReadOptions& read_options,
    const IndexQuery& query, uint64_t after_seq, uint64_t head,
    size_t max_count);

}  // namespace tidings::storage::internal

#endif  // TIDINGS_STORAGE_INTERNAL_INDEXES_H_
