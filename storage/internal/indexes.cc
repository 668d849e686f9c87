// Copyright 2026 The Tidings Authors.

#include "storage/internal/indexes.h"

#include <algorithm>
#include <memory>
#include <queue>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "rocksdb/iterator.h"
#include "rocksdb/slice.h"
#include "storage/internal/keys.h"
#include "storage/internal/status_macros.h"
#include "storage/internal/versions.h"
#include "storage/signal_summary.h"

namespace tidings::storage::internal {
namespace {

// Meta key set once every signal is listed in the entity, published-time
// and received-time indexes and has its summary (stores written before they
// existed lack it or hold an older list, and get them all rebuilt).
constexpr char kIndexesKey[] = "indexes";
// Version 2 summaries (with the revision and scorer version), the revision
// index and the version records joined the list together.
constexpr char kIndexes[] =
    "entity,published,received,summaries2,revisions,versions";

// Signals indexed per WriteBatch when building missing indexes.
constexpr int kBuildStepSignals = 4096;

// Most terms of one query (each is one iterator).
constexpr size_t kMaxTerms = 256;

// Appends to `out` the seqs of the keys in [lower, upper) of `cf`, each the
// last 8 bytes of its key, up to `max_count` of them; *capped says the
// posting has more.
absl::Status CollectPosting(const Db& db, const rocksdb::ReadOptions& base,
                            Cf cf, const std::string& lower,
                            const std::string& upper, size_t max_count,
                            std::vector<uint64_t>* out, bool* capped) {
  rocksdb::ReadOptions options = base;
  rocksdb::Slice upper_slice(upper);
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(options, db.cf(cf)));
  *capped = false;
  size_t taken = 0;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    if (taken == max_count) {
      *capped = true;
      break;
    }
    const rocksdb::Slice key = it->key();
    if (key.size() < 8) return absl::DataLossError("malformed index entry");
    out->push_back(GetBigEndian64(key.data() + key.size() - 8));
    ++taken;
  }
  if (!it->status().ok())
    return FromRocks(it->status(), "cannot read an index");
  return absl::OkStatus();
}

// The union of the posting lists of `terms` ([lower, upper) key ranges).
absl::StatusOr<IndexedSeqs> ListPostings(
    const Db& db, const rocksdb::ReadOptions& read_options, Cf cf,
    const std::vector<std::pair<std::string, std::string>>& ranges,
    uint64_t head, size_t max_count) {
  IndexedSeqs out;
  out.through = head;
  for (const auto& [lower, upper] : ranges) {
    bool capped = false;
    absl::Status s = CollectPosting(db, read_options, cf, lower, upper,
                                    max_count, &out.seqs, &capped);
    if (!s.ok()) return s;
    // This term's list is complete only up to its last seq.
    if (capped) out.through = std::min(out.through, out.seqs.back());
  }
  std::sort(out.seqs.begin(), out.seqs.end());
  out.seqs.erase(std::unique(out.seqs.begin(), out.seqs.end()), out.seqs.end());
  out.seqs.erase(
      std::upper_bound(out.seqs.begin(), out.seqs.end(), out.through),
      out.seqs.end());
  if (out.seqs.size() > max_count) {
    out.seqs.resize(max_count);
    out.through = out.seqs.back();
  }
  return out;
}

// The smallest `max_count` seqs in (after_seq, head] among the signals
// whose time in the time-keyed index `cf` (published or received) is in
// [since, until); exact when both are whole microseconds, else a superset by
// less than a microsecond. Reads the whole time range of the index.
absl::StatusOr<IndexedSeqs> ListTimeWindow(const Db& db,
                                           const rocksdb::ReadOptions& base,
                                           Cf cf, absl::Time since,
                                           absl::Time until, uint64_t after_seq,
                                           uint64_t head, size_t max_count) {
  std::string lower;
  if (since != absl::InfinitePast()) {
    lower = TimeKey(absl::ToUnixMicros(since), 0);  // Rounds down.
  }
  std::string upper;
  rocksdb::ReadOptions options = base;
  rocksdb::Slice upper_slice;
  if (until != absl::InfiniteFuture()) {
    // t < until iff floor(t) < ceil(until), in whole microseconds.
    int64_t end = absl::ToUnixMicros(until);  // Rounds down.
    if (absl::FromUnixMicros(end) < until) ++end;
    upper = TimeKey(end, 0);
    upper_slice = rocksdb::Slice(upper);
    options.iterate_upper_bound = &upper_slice;
  }
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(options, db.cf(cf)));
  std::priority_queue<uint64_t> kept;  // The smallest seqs, largest on top.
  bool overflowed = false;
  for (it->Seek(lower); it->Valid(); it->Next()) {
    int64_t micros;
    uint64_t seq;
    if (!ParseTimeKey(AsStd(it->key()), &micros, &seq)) {
      return absl::DataLossError("malformed time index entry");
    }
    if (seq <= after_seq || seq > head) continue;
    if (kept.size() < max_count) {
      kept.push(seq);
    } else if (seq < kept.top()) {
      kept.pop();
      kept.push(seq);
      overflowed = true;
    } else {
      overflowed = true;
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "cannot read a time index");
  }
  IndexedSeqs out;
  out.through = overflowed ? kept.top() : head;
  out.seqs.resize(kept.size());
  for (size_t i = kept.size(); i > 0; --i) {
    out.seqs[i - 1] = kept.top();
    kept.pop();
  }
  return out;
}

}  // namespace

std::vector<uint8_t> IndexedEventTypes(const tidings::v1::Signal& signal) {
  std::vector<uint8_t> types;
  types.reserve(signal.events_size());
  for (const tidings::v1::Event& event : signal.events()) {
    types.push_back(static_cast<uint8_t>(event.type()));
  }
  std::sort(types.begin(), types.end());
  types.erase(std::unique(types.begin(), types.end()), types.end());
  return types;
}

std::vector<std::string_view> IndexedEntityIds(
    const tidings::v1::Signal& signal) {
  std::vector<std::string_view> ids;
  ids.reserve(signal.entities_size());
  for (const tidings::v1::Entity& entity : signal.entities()) {
    ids.push_back(entity.id());
  }
  for (const tidings::v1::Event& event : signal.events()) {
    for (const std::string& actor : event.actors()) ids.push_back(actor);
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

absl::Status CheckIndexable(const tidings::v1::Signal& signal,
                            std::string_view what) {
  for (const tidings::v1::Event& event : signal.events()) {
    if (event.type() < 0 || event.type() > kMaxIndexedEventType) {
      return absl::InvalidArgumentError(absl::StrCat(
          AsAbsl(what), " has a signal with event type ",
          static_cast<int>(event.type()), ", outside the indexable range [0, ",
          kMaxIndexedEventType, "]"));
    }
  }
  for (std::string_view id : IndexedEntityIds(signal)) {
    if (id.size() > storage::kMaxIndexedEntityId) {
      return absl::InvalidArgumentError(absl::StrCat(
          AsAbsl(what), " has a signal with an entity id of ", id.size(),
          " bytes; at most ", storage::kMaxIndexedEntityId, " can be indexed"));
    }
  }
  return absl::OkStatus();
}

namespace {

// The entity, published-time and received-time entries and the summary of
// `signal` (ids too long to index are left out; Append() refuses them, so
// only an old store has any). REQUIRES: the signal's seq and ingested_at
// are set.
void PutPointEntries(const Db& db, const tidings::v1::Signal& signal,
                     uint64_t seq, rocksdb::WriteBatch* batch) {
  for (std::string_view id : IndexedEntityIds(signal)) {
    if (id.size() > storage::kMaxIndexedEntityId) continue;
    batch->Put(db.cf(kEntityIndex), EntityKey(id, seq), rocksdb::Slice());
  }
  if (signal.has_published_at()) {
    batch->Put(db.cf(kPublishedIndex),
               TimeKey(MicrosOf(signal.published_at()), seq), rocksdb::Slice());
  }
  if (signal.has_received_at()) {
    batch->Put(db.cf(kReceivedIndex),
               TimeKey(MicrosOf(signal.received_at()), seq), rocksdb::Slice());
  }
  SignalSummary summary = SummarizeSignal(signal);
  summary.seq = seq;
  batch->Put(db.cf(kSummaries), SeqKey(seq), EncodeSummary(summary));
  PutRevisionEntry(db, signal, seq, batch);
}

}  // namespace

void PutIndexEntries(const Db& db, const tidings::v1::Signal& signal,
                     uint64_t seq, rocksdb::WriteBatch* batch) {
  for (uint8_t type : IndexedEventTypes(signal)) {
    batch->Put(db.cf(kEventIndex), EventKey(type, seq), rocksdb::Slice());
  }
  PutPointEntries(db, signal, seq, batch);
}

void DeletePointIndexEntries(const Db& db, const tidings::v1::Signal& signal,
                             uint64_t seq, rocksdb::WriteBatch* batch) {
  for (std::string_view id : IndexedEntityIds(signal)) {
    batch->Delete(db.cf(kEntityIndex), EntityKey(id, seq));
  }
  if (signal.has_published_at()) {
    batch->Delete(db.cf(kPublishedIndex),
                  TimeKey(MicrosOf(signal.published_at()), seq));
  }
  if (signal.has_received_at()) {
    batch->Delete(db.cf(kReceivedIndex),
                  TimeKey(MicrosOf(signal.received_at()), seq));
  }
  DeleteRevisionEntry(db, signal, seq, batch);
}

absl::Status BuildMissingIndexes(const Db& db, const StoreOptions& options) {
  std::string marker;
  rocksdb::Status s =
      db.db->Get(rocksdb::ReadOptions(), db.cf(kMeta), kIndexesKey, &marker);
  if (s.ok() && marker == kIndexes) return absl::OkStatus();
  if (!s.ok() && !s.IsNotFound()) {
    return FromRocks(s, "cannot read the index marker");
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db.db->NewIterator(rocksdb::ReadOptions(), db.cf(kSignals)));
  uint64_t head = 0;
  it->SeekToLast();
  if (it->Valid() && !ParseSeqKey(AsStd(it->key()), &head)) {
    return absl::DataLossError("malformed key at the end of the log");
  }
  uint64_t done = 0;
  rocksdb::WriteBatch batch;
  rocksdb::WriteOptions write_options;
  VersionTally versions;  // One entry per version: small.
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    uint64_t seq;
    tidings::v1::Signal signal;
    if (!ParseSeqKey(AsStd(it->key()), &seq) ||
        !signal.ParseFromArray(it->value().data(),
                               static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("a signal after ", done, " indexed does not parse"));
    }
    PutPointEntries(db, signal, seq, &batch);
    versions.Add(signal);
    if (++done % kBuildStepSignals == 0) {
      s = db.db->Write(write_options, &batch);
      if (!s.ok()) return FromRocks(s, "cannot write index entries");
      batch.Clear();
      if (options.on_index_progress) options.on_index_progress(seq, head);
    }
  }
  if (!it->status().ok()) {
    return FromRocks(it->status(), "cannot read the log to index it");
  }
  // The records are the whole truth: every retained signal was counted.
  TIDINGS_STORAGE_RETURN_IF_ERROR(versions.Write(db, /*replace=*/true, &batch));
  // The marker is synced after (or with) every entry it vouches for.
  batch.Put(db.cf(kMeta), kIndexesKey, kIndexes);
  write_options.sync = options.sync;
  s = db.db->Write(write_options, &batch);
  if (!s.ok()) return FromRocks(s, "cannot write index entries");
  if (done > 0 && options.on_index_progress) {
    options.on_index_progress(head, head);
  }
  return absl::OkStatus();
}

absl::StatusOr<IndexedSeqs> ListIndexed(
    const Db& db, const rocksdb::ReadOptions& read_options,
    const IndexQuery& query, uint64_t after_seq, uint64_t head,
    size_t max_count) {
  std::vector<std::pair<std::string, std::string>> ranges;
  switch (query.kind) {
    case IndexQuery::Kind::kPublishedAt:
      return ListTimeWindow(db, read_options, kPublishedIndex, query.since,
                            query.until, after_seq, head, max_count);
    case IndexQuery::Kind::kReceivedAt:
      return ListTimeWindow(db, read_options, kReceivedIndex, query.since,
                            query.until, after_seq, head, max_count);
    case IndexQuery::Kind::kEventTypes:
      for (tidings::v1::EventType type : query.event_types) {
        const auto byte = static_cast<uint8_t>(type);
        ranges.emplace_back(EventKey(byte, after_seq + 1),
                            EventKey(byte, head + 1));
      }
      return ListPostings(db, read_options, kEventIndex, ranges, head,
                          max_count);
    case IndexQuery::Kind::kEntities:
      for (const std::string& id : query.entities) {
        ranges.emplace_back(EntityKey(id, after_seq + 1),
                            EntityKey(id, head + 1));
      }
      return ListPostings(db, read_options, kEntityIndex, ranges, head,
                          max_count);
  }
  return absl::InvalidArgumentError("unknown index kind");
}

absl::Status ValidateIndexQuery(const IndexQuery& query) {
  const size_t terms = query.kind == IndexQuery::Kind::kEventTypes
                           ? query.event_types.size()
                           : query.entities.size();
  const bool time_window = query.kind == IndexQuery::Kind::kPublishedAt ||
                           query.kind == IndexQuery::Kind::kReceivedAt;
  if (!time_window && (terms == 0 || terms > kMaxTerms)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an index query names 1 to ", kMaxTerms, " terms, not ", terms));
  }
  for (tidings::v1::EventType type : query.event_types) {
    if (type < 0 || type > kMaxIndexedEventType) {
      return absl::InvalidArgumentError(
          absl::StrCat("event type ", static_cast<int>(type),
                       " is outside [0, ", kMaxIndexedEventType, "]"));
    }
  }
  for (const std::string& id : query.entities) {
    if (id.size() > storage::kMaxIndexedEntityId) {
      return absl::InvalidArgumentError(
          absl::StrCat("an entity id of ", id.size(), " bytes is longer than ",
                       storage::kMaxIndexedEntityId, " (none is indexed)"));
    }
  }
  return absl::OkStatus();
}

}  // namespace tidings::storage::internal
