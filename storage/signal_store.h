// Copyright 2026 The Tidings Authors.
//
// signal_store.h: the durable signal log and its indexes, on RocksDB.
//
// The only code that knows RocksDB. Every stored signal has a dense,
// monotonically increasing `seq` (1, 2, 3, ... with no holes). One Append()
// is one RocksDB WriteBatch (articles, signals, index entries, idempotency
// keys), written with the WAL synced before it returns: a batch is stored
// whole or not at all, and once Append() returns OK it survives a crash.
//
// Keys are big-endian so that range scans run in order. The on-disk layout
// (column families and key formats) is described in storage/internal/keys.h
// and at the top of storage/signal_store.cc.
//
// Visibility: readers (Get, Scan, ...) see exactly the signals with
// seq <= head_seq(); the head advances only after a batch is durable, so a
// reader never sees a signal that could still be lost.
//
// Retention: TrimBefore() (or Trim() with StoreOptions::retention) deletes
// the oldest signals, so the log holds the dense range
// [first_seq(), head_seq()]. Seqs are never reused and stay dense above
// first_seq(). Reads below first_seq() fail: Get() with NOT_FOUND, Scan(),
// ListIndexed() and ReadSeqs() with OUT_OF_RANGE, all naming first_seq().
//
// Errors at this boundary are absl::Status codes:
//   INVALID_ARGUMENT  bad options or input; nothing was written.
//   NOT_FOUND         an absent seq or key.
//   UNAVAILABLE       RocksDB could not read or write (I/O error, lock held,
//                     disk full); retrying later may succeed.
//   DATA_LOSS         stored bytes do not parse (corruption), or a malformed
//                     store id.
//   FAILED_PRECONDITION  the directory holds an unknown store format.
//   OUT_OF_RANGE      a scan starts below the retained range (first_seq()).
//   ALREADY_EXISTS    Checkpoint() into a directory that exists.

#ifndef TIDINGS_STORAGE_SIGNAL_STORE_H_
#define TIDINGS_STORAGE_SIGNAL_STORE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "storage/signal_summary.h"
#include "tidings/v1/tidings.pb.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace tidings::storage {

struct StoreOptions {
  // Directory of the RocksDB database; created when missing. Required.
  std::string path;

  // Sync the WAL before Append() returns. Default: true. Only tests and
  // benchmarks that accept losing acknowledged data may turn it off.
  bool sync = true;

  // A signal whose near-duplicate fingerprint is within
  // scoring::kNearDuplicateBits of a signal ingested at most this long before
  // it gets that signal's seq as `duplicate_of_seq`. Default: 72 hours.
  // Zero (or negative) disables near-duplicate marking.
  absl::Duration duplicate_window = absl::Hours(72);

  // How long signals are kept, by ingested_at, when Trim() runs: Trim(now)
  // deletes the signals ingested before now - retention. Default:
  // absl::ZeroDuration() = keep everything (Trim() is then a no-op).
  // Nothing is deleted except by Trim()/TrimBefore(): the owner of the store
  // decides when (the server trims periodically on its work pool).
  absl::Duration retention = absl::ZeroDuration();

  // Size of the block cache shared by all column families. Default: 64 MiB.
  size_t block_cache_bytes = size_t{64} << 20;

  // Called while Open() lists the signals of a store written before the
  // entity, published- and received-time indexes or the signal summaries
  // existed: (seq indexed so far, head).
  // Default: none.
  std::function<void(uint64_t done_seq, uint64_t head_seq)> on_index_progress;

  // RocksDB environment (tests inject failing ones). Default: nullptr = the
  // default environment. Not owned; must outlive the store.
  rocksdb::Env* env = nullptr;

  // Called after each Append() whose synced write succeeded, with the time
  // the WAL file's sync took (RocksDB's I/O statistics of the appending
  // thread: the fsync alone, not the rest of the write). Runs on that thread
  // with the writer lock held: it must be quick. Not called when `sync` is
  // off. Default: none.
  std::function<void(absl::Duration)> on_wal_sync;
};

// One article of an ingest batch, as prepared by the service.
struct PendingArticle {
  // Idempotency key: "id:" + article_id, or "fp:" + the hex exact
  // fingerprints when the article has no id. Required (non-empty).
  std::string idempotency_key;
  tidings::v1::Article article;
  // Its signals, fully scored. Append() fills seq, ingested_at and
  // duplicate_of_seq; the rest is stored as given. Signals are stored in
  // doc_index order (a stable sort of this vector). May be empty: the key is
  // then remembered with no seqs.
  std::vector<tidings::v1::Signal> signals;
  // A rescore (see Signal.rescore_of_seq, which each signal must then
  // have set): the article is not stored again under this key, the signals
  // keep the duplicate_of_seq they are given (their original's) and are not
  // near-duplicate candidates, and each is listed in the revision index
  // (NewestRevision). The key still makes the append idempotent.
  bool revision = false;
};

struct AppendResult {
  std::vector<uint64_t> seqs;  // Signals of the article, in doc_index order.
  bool duplicate = false;      // Key seen before: nothing was written.
  // The signals as stored (seq, ingested_at and duplicate_of_seq filled),
  // moved out of the batch, so that the caller can serve them from memory
  // without reading them back. Empty for a duplicate. A store may leave it
  // empty; callers then read storage.
  std::vector<tidings::v1::Signal> stored;
};

// How Apply() stores a batch: a cluster replica applying one record of the
// replicated log (cluster/README.md).
struct LogApply {
  // The record's log seq (> 0), stored as applied_log_seq() in the same
  // RocksDB write batch as the record's signals (also when every article of
  // it is a duplicate), so the two survive or are lost together.
  uint64_t log_seq = 0;
  // Sync the WAL with this write (when StoreOptions::sync is on). A replica
  // writes a run of records unsynced and then calls SyncWal(): an unsynced
  // apply that a crash loses is lost together with its applied_log_seq, and
  // re-applied from the log, to the same seqs (see Apply()).
  bool sync = true;
};

// Entity ids up to this many bytes are indexed; Append() refuses longer ones.
inline constexpr size_t kMaxIndexedEntityId = 1024;

// A secondary-index lookup (ListIndexed): the signals that may match a
// filter, found without reading the others.
struct IndexQuery {
  enum class Kind {
    kEventTypes,   // Signals with an event of any of `event_types`.
    kEntities,     // Signals naming any of `entities` (as an entity or as an
                   // event's actor).
    kPublishedAt,  // Signals with a published_at in [since, until).
    kReceivedAt,   // Signals with a received_at in [since, until).
  };
  Kind kind = Kind::kEventTypes;
  std::vector<tidings::v1::EventType> event_types;
  std::vector<std::string> entities;
  absl::Time since = absl::InfinitePast();
  absl::Time until = absl::InfiniteFuture();
};

// What ListIndexed found: every listed seq in (after_seq, through] is in
// `seqs`, ascending.
struct IndexedSeqs {
  std::vector<uint64_t> seqs;
  uint64_t through = 0;
};

// What Checkpoint() wrote.
struct CheckpointInfo {
  // Where: the directory asked for, without trailing slashes.
  std::string dir;
  // The backup holds exactly the signals first_seq()..head_seq of the store
  // as it was when the backup was taken, and the store's id.
  uint64_t head_seq = 0;
  // Total size of the backup's files. On the store's file system its table
  // files are hard links to the store's (no extra space until compaction
  // replaces those); elsewhere they are copies.
  uint64_t bytes = 0;
};

// What Stats() reports: plain numbers for monitoring.
struct StoreStats {
  // Sizes in bytes, now: every table file on disk (including obsolete ones
  // not deleted yet), the live table files alone, the write-ahead log files,
  // the memtables (in memory, not yet flushed) and RocksDB's estimate of the
  // bytes compaction still has to rewrite.
  uint64_t sst_bytes = 0;
  uint64_t live_sst_bytes = 0;
  uint64_t wal_bytes = 0;
  uint64_t memtable_bytes = 0;
  uint64_t pending_compaction_bytes = 0;
  // RocksDB's statistics (tickers), cumulative since Open().
  uint64_t block_cache_hits = 0;
  uint64_t block_cache_misses = 0;
  uint64_t bytes_written = 0;  // By writes (Put/Delete), before compaction.
  uint64_t bytes_read = 0;     // By point lookups.
  uint64_t compaction_bytes_read = 0;
  uint64_t compaction_bytes_written = 0;
  uint64_t flush_bytes_written = 0;
  uint64_t stall_micros = 0;  // Writes held back by a write stall.
  uint64_t wal_syncs = 0;
  uint64_t wal_bytes_written = 0;
};

// Thread-safety: every method may be called concurrently from any thread,
// except that the store must not be destroyed while a call is running.
// Reads never wait for Append(); they wait only while the store reopens
// RocksDB after a write error, and return UNAVAILABLE only if that reopen
// failed (until a later Append() reopens it).
class SignalStore {
 public:
  // Opens (creating if needed) the store at options.path and restores the
  // head seq. INVALID_ARGUMENT for an empty path; UNAVAILABLE (with RocksDB's
  // message) when the directory cannot be opened, e.g. locked by another
  // process or store; FAILED_PRECONDITION for an unknown format version.
  static absl::StatusOr<std::unique_ptr<SignalStore>> Open(
      const StoreOptions& options);

  virtual ~SignalStore() = default;

  // Stores `batch` atomically and durably. Articles whose key was stored
  // before, or appears earlier in the same batch, are not written again:
  // their result carries the seqs stored the first time and duplicate=true.
  // New signals get seqs head+1, head+2, ... in batch order, ingested_at =
  // `now` (truncated to microseconds, and never earlier than the newest
  // stored ingested_at, so ingested_at never decreases along the log even if
  // the clock steps back), and duplicate_of_seq: the newest earlier signal
  // (stored, or earlier in this batch) whose non-zero fingerprint is within
  // scoring::kNearDuplicateBits bits and that was ingested within
  // StoreOptions::duplicate_window of `now`. A fingerprint of 0 means "none":
  // it is neither indexed nor marked.
  //
  // Returns one result per article of `batch`, in order. A batch that is all
  // duplicates writes nothing and costs no sync.
  //
  // Errors: INVALID_ARGUMENT (empty key, event type outside [0, 255],
  // unserialisable message) before anything is written; UNAVAILABLE when
  // RocksDB fails the write, or when the store is still recovering from an
  // earlier failure. On error the head is unchanged, nothing becomes visible
  // and nothing is acknowledged. A later Append() first recovers the
  // database (DB::Resume(), or a close and reopen once the directory takes
  // writes again) and then assigns seqs densely after the head.
  //
  // UNAVAILABLE means "outcome unknown, retry": when the WAL record reached
  // the file but its fsync failed, that recovery (or a crash) replays the
  // batch, whole, never in part. The head then moves past it, and a retry of
  // the same keys is answered as a duplicate with its seqs. So head_seq()
  // may advance by a batch that no Append() acknowledged.
  //
  // Thread-safe: concurrent calls are serialised, so seqs stay dense.
  virtual absl::StatusOr<std::vector<AppendResult>> Append(
      std::vector<PendingArticle> batch, absl::Time now) = 0;

  // Append() for a cluster replica: `batch` (one log record's articles) is
  // stored exactly as Append(batch, ingested_at) would, and the record's log
  // seq is recorded as applied_log_seq() in the same write batch. So a
  // replica that applies the same records in the same order, each with the
  // ingested_at it carries, gives every signal the same seq, ingested_at and
  // duplicate_of_seq as every other replica (the store's deduplication by
  // key decides duplicates the same way everywhere). With apply.sync off the
  // head advances before the write is durable: readers may see signals a
  // crash loses, which the replica then re-applies from the log unchanged.
  // FAILED_PRECONDITION when apply.log_seq is 0 or not above
  // applied_log_seq() (nothing written); otherwise the errors of Append().
  // Thread-safe (serialised with Append()). The default returns
  // UNIMPLEMENTED (for fakes).
  virtual absl::StatusOr<std::vector<AppendResult>> Apply(
      std::vector<PendingArticle> batch, absl::Time ingested_at,
      const LogApply& apply);

  // Makes every write before it durable: fsyncs the WAL (when
  // StoreOptions::sync is on), for a replica that applied a run of records
  // with apply.sync off. Reports its time to on_wal_sync. UNAVAILABLE when
  // the sync failed (the store then reopens at the next write). The
  // default returns OK (for fakes).
  virtual absl::Status SyncWal();

  // The log seq of the last record Apply() stored (persisted: read at
  // Open()); 0 when none. Thread-safe and wait-free. The default returns 0.
  virtual uint64_t applied_log_seq() const;

  // The seq of the newest durable signal, 0 when the log is empty.
  // Thread-safe and wait-free.
  virtual uint64_t head_seq() const = 0;

  // The smallest retained seq: the log holds exactly the signals
  // first_seq()..head_seq(). 1 when nothing was ever trimmed (also for an
  // empty log). After a trim that removed every signal it is head_seq() + 1
  // (an empty retained range), and the next Append() stores seq head + 1 =
  // first_seq(). Never decreases; persisted, so it survives Open().
  // Thread-safe and wait-free. The default returns 1 (for fakes that never
  // trim).
  virtual uint64_t first_seq() const;

  // The store's identity: 32 lowercase hex digits (128 random bits) drawn
  // when the store was created, persisted, and the same at every Open() (a
  // store created before stores had ids gets one at its next Open(); a
  // cluster replica's is its log's, see AdoptStoreId()). A seq
  // means a signal only together with the store it came from: a wiped and
  // recreated directory has a new id, while a copy of the directory (a
  // backup, see Checkpoint()) keeps it. Thread-safe and wait-free; the
  // reference lives as long as the store. The default returns "" (no id, for
  // fakes).
  virtual const std::string& store_id() const;

  // Gives a store that holds nothing yet (no signal, no applied log record)
  // the id `id` (32 lowercase hex digits), persisted with a synced write, in
  // place of the one drawn at creation. Cluster mode: every replica of one
  // log reports the log's id (cluster/README.md), so a cursor carries over
  // from one node to another. FAILED_PRECONDITION when the store holds
  // something; INVALID_ARGUMENT for a malformed id. REQUIRES: no concurrent
  // store_id() callers (call it before the store is shared). The default
  // returns UNIMPLEMENTED (for fakes).
  virtual absl::Status AdoptStoreId(const std::string& id);

  // Deletes every signal ingested before `cutoff` (they form a prefix of the
  // log, since ingested_at never decreases) together with its time-index,
  // event, entity, published-time and near-duplicate index entries and its
  // summary, and advances first_seq() past them. The idempotency keys and raw
  // articles are kept: a retry of a trimmed article is still answered as a
  // duplicate with its old seqs (which are then below first_seq()), never
  // stored again under new seqs; that costs ~100 bytes plus the article per
  // article ever ingested. Trimmed signals are no longer near-duplicate
  // candidates.
  //
  // Works in atomic steps of at most a few thousand signals, each one
  // WriteBatch (range deletions for the signals, time index and event index;
  // point deletions for the near-duplicate index; the new first_seq in the
  // meta CF), synced like Append(). Holds the writer lock only for one step,
  // so Append() interleaves. A reader sees either none or all of a step.
  // UNAVAILABLE when RocksDB fails a write (then recovered like Append()); a
  // step already written stays trimmed. Thread-safe. The default returns
  // UNIMPLEMENTED (for fakes).
  virtual absl::Status TrimBefore(absl::Time cutoff);

  // TrimBefore(now - StoreOptions::retention); OK and a no-op when retention
  // is zero or negative (keep everything). Thread-safe. The default (for
  // fakes) is the no-op.
  virtual absl::Status Trim(absl::Time now);

  // The signal with this seq; NOT_FOUND when absent (0 or beyond the head),
  // and NOT_FOUND naming first_seq() when it was trimmed (seq < first_seq()).
  // Thread-safe.
  virtual absl::StatusOr<tidings::v1::Signal> Get(uint64_t seq) const = 0;

  // Calls `visit` for each signal with seq > after_seq, in seq order, until
  // `visit` returns false, `max_count` signals were visited (0 = no limit),
  // or the head (as of the call) is reached. Thread-safe; sees a consistent
  // snapshot. `visit` runs on the calling thread with no lock held (it may
  // call back into the store), but it pins a RocksDB snapshot while the scan
  // runs: scan in bounded chunks rather than holding one scan open for long.
  // The signal is the caller's to change or move from (the store does not
  // use it after `visit` returns), so it need not be copied.
  // Returns OK when `visit` stopped the scan; UNAVAILABLE or DATA_LOSS when
  // reading failed (signals already visited stay visited); OUT_OF_RANGE,
  // naming first_seq(), when after_seq + 1 < first_seq() as of the scan's
  // snapshot and after_seq < head (signals the caller asked for were
  // trimmed: the scan never silently skips them). Nothing is visited then.
  virtual absl::Status Scan(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(tidings::v1::Signal&)>& visit) const = 0;

  // Scan() over the signals' summaries (signal_summary.h): each summary with
  // seq > after_seq in seq order, until `visit` returns false, `max_count`
  // were visited (0 = no limit) or the head (as of the call) is reached.
  // Reads the summaries column family only (about a tenth of the bytes of
  // the signals), under one snapshot: scan in bounded chunks. The same
  // errors as Scan(). Thread-safe. The default summarises Scan()'s signals
  // (for fakes).
  virtual absl::Status ScanSummaries(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(const SignalSummary&)>& visit) const;

  // The largest seq whose signal was ingested before `t` (so a scan from it
  // yields the signals ingested at or after `t`); 0 when none. Exact, since
  // ingested_at never decreases along the log. After a trim: first_seq() - 1
  // when every trimmed signal was ingested before `t` and no retained one
  // is; 0 when some trimmed signal was ingested at or after `t` (the answer
  // lies in the trimmed range, so a scan from it gets OUT_OF_RANGE).
  // Thread-safe.
  virtual absl::StatusOr<uint64_t> SeqBeforeTime(absl::Time t) const = 0;

  // The seqs in (after_seq, head] of the signals `query` lists, at most
  // `max_count` (> 0) of them: IndexedSeqs.through is the head when the
  // listing is complete, else the last seq returned, and the next call
  // continues with after_seq = through. The index is a superset of an exact
  // filter: a published_at or received_at window is compared in whole
  // microseconds, and an entity is listed whatever its events' relevance, so
  // callers filter what they read. Event types and entity lookups cost one
  // seek per term plus the entries returned; a time window reads every index
  // entry in the window, so ask for many seqs at once. The same OUT_OF_RANGE
  // check as Scan(); INVALID_ARGUMENT for no terms or more than 256, an event
  // type outside [0, 255] or an entity id longer than 1,024 bytes. Thread-safe.
  // The default returns UNIMPLEMENTED (for fakes; callers then Scan()).
  virtual absl::StatusOr<IndexedSeqs> ListIndexed(const IndexQuery& query,
                                                  uint64_t after_seq,
                                                  size_t max_count) const;

  // Calls `visit` for the signal at each of `seqs` (ascending, each at most
  // the head), in order, until it returns false; like Scan(), the signal is
  // the caller's to change or move from. Reads under one snapshot.
  // OUT_OF_RANGE, naming first_seq(), when seqs.front() was trimmed;
  // UNAVAILABLE or DATA_LOSS when reading failed. Thread-safe. The default
  // calls Get() for each (for fakes).
  virtual absl::Status ReadSeqs(
      const std::vector<uint64_t>& seqs,
      const std::function<bool(tidings::v1::Signal&)>& visit) const;

  // The seqs stored for `idempotency_key` (possibly none, possibly below
  // first_seq() when trimmed), or NOT_FOUND when the key was never stored.
  // Lets the service skip scoring a retry; Append() remains the authority,
  // since another Append() may store the key just after this returns.
  // Thread-safe. The default returns UNIMPLEMENTED (for fakes).
  virtual absl::StatusOr<std::vector<uint64_t>> LookupKey(
      std::string_view idempotency_key) const;

  // Writes a consistent backup of the store, while it serves, to `dir`: an
  // absolute path that does not exist yet, in a directory that does. Open()
  // of `dir` gives a store with the same store_id() holding exactly the
  // signals up to the returned head_seq (and everything else stored with
  // them: articles, indexes, idempotency keys, the trim state). It is a
  // RocksDB checkpoint: table files hard-linked on the same file system and
  // copied across file systems; the MANIFEST and the WAL tail copied.
  //
  // Consistency: the memtables are first flushed without the writer lock
  // (Append() goes on); then, holding the writer lock, the checkpoint takes
  // the table files with the WAL written since that flush, without flushing
  // again. So every batch is in the backup whole or not at all, the head is
  // exact, and Append() and trim steps wait only for links and the copy of
  // a short WAL tail.
  //
  // Errors: INVALID_ARGUMENT for an empty or relative `dir`, or one inside
  // the store's directory; ALREADY_EXISTS when `dir` exists (a backup never
  // overwrites), or `dir` + ".tmp" does (RocksDB stages the backup there and
  // would delete its files first); NOT_FOUND when the parent directory does
  // not exist; UNAVAILABLE when RocksDB fails (it removes what it staged).
  // Thread-safe. The default returns UNIMPLEMENTED (for fakes).
  virtual absl::StatusOr<CheckpointInfo> Checkpoint(const std::string& dir);

  // The raw article stored under `idempotency_key` (as sent by the
  // publisher); NOT_FOUND when absent. Thread-safe. The default returns
  // UNIMPLEMENTED (for fakes).
  virtual absl::StatusOr<tidings::v1::Article> GetArticle(
      std::string_view idempotency_key) const;

  // The newest signal revising original `root_seq`'s document `doc_index`
  // (Signal.rescore_of_seq == root_seq) that was ingested before `before`
  // and is at most the head; 0 when none. One index seek. Thread-safe. The
  // default returns 0 (fakes hold no revisions).
  virtual absl::StatusOr<uint64_t> NewestRevision(uint64_t root_seq,
                                                  uint32_t doc_index,
                                                  absl::Time before) const;

  // Every scorer_version stored, with its retained signal count, how many
  // of them are revisions, and the time ranges of every signal of it ever
  // stored: a record per version kept up to date by Append() and trims (and
  // built once at Open() for a store written before it), not a scan.
  // Thread-safe. The default returns UNIMPLEMENTED (for fakes).
  virtual absl::StatusOr<std::vector<tidings::v1::VersionInfo>> Versions()
      const;

  // A small named value kept for long jobs (a rescore's progress): what was
  // last put under `name`, nullopt when nothing was. PutJobState() writes
  // without a sync of its own (the next Append()'s sync makes it durable),
  // so a crash may lose the last value put: a job must tolerate resuming
  // from an earlier one. Thread-safe. The defaults return UNIMPLEMENTED.
  virtual absl::StatusOr<std::optional<std::string>> GetJobState(
      std::string_view name) const;
  virtual absl::Status PutJobState(std::string_view name,
                                   std::string_view value);

  // Sizes and RocksDB statistics, read now (a few RocksDB properties and a
  // listing of the WAL files: cheap enough for every metrics scrape).
  // nullopt while the store has no open database (a reopen after a write
  // error failed; see Append()), and from the default (for fakes).
  // Thread-safe.
  virtual std::optional<StoreStats> Stats() const;
};

}  // namespace tidings::storage

#endif  // TIDINGS_STORAGE_SIGNAL_STORE_H_
