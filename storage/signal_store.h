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
// Keys are big-endian so that range scans run in order.

#ifndef TIDINGS_STORAGE_SIGNAL_STORE_H_
#define TIDINGS_STORAGE_SIGNAL_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
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
  // Zero disables near-duplicate marking.
  absl::Duration duplicate_window = absl::Hours(72);

  // RocksDB environment (tests inject failing ones). Default: nullptr = the
  // default environment. Not owned; must outlive the store.
  rocksdb::Env* env = nullptr;
};

// One article of an ingest batch, as prepared by the service.
struct PendingArticle {
  // Idempotency key: "id:" + article_id, or "fp:" + the hex exact
  // fingerprints when the article has no id. Required.
  std::string idempotency_key;
  tidings::v1::Article article;
  // Its signals, fully scored. Append() fills seq, ingested_at and
  // duplicate_of_seq; the rest is stored as given.
  std::vector<tidings::v1::Signal> signals;
};

struct AppendResult {
  std::vector<uint64_t> seqs;  // Signals of the article, in doc_index order.
  bool duplicate = false;      // Key seen before: nothing was written.
};

class SignalStore {
 public:
  // Opens (creating if needed) the store at options.path and restores the
  // head seq. INVALID_ARGUMENT for an empty path; UNAVAILABLE (with RocksDB's
  // message) when the directory cannot be opened, e.g. locked by another
  // process.
  static absl::StatusOr<std::unique_ptr<SignalStore>> Open(
      const StoreOptions& options);

  virtual ~SignalStore() = default;

  // Stores `batch` atomically and durably. Articles whose key was stored
  // before, or appears earlier in the same batch, are not written again:
  // their result carries the seqs stored the first time and duplicate=true.
  // New signals get seqs head+1, head+2, ... in batch order, ingested_at =
  // `now`, and duplicate_of_seq (see StoreOptions::duplicate_window).
  // On error nothing is written and the head is unchanged (UNAVAILABLE).
  // Thread-safe: concurrent calls are serialised, so seqs stay dense.
  virtual absl::StatusOr<std::vector<AppendResult>> Append(
      std::vector<PendingArticle> batch, absl::Time now) = 0;

  // The seq of the newest durable signal, 0 when the log is empty.
  // Thread-safe.
  virtual uint64_t head_seq() const = 0;

  // The signal with this seq; NOT_FOUND when absent. Thread-safe.
  virtual absl::StatusOr<tidings::v1::Signal> Get(uint64_t seq) const = 0;

  // Calls `visit` for each signal with seq > after_seq, in seq order, until
  // `visit` returns false, `max_count` signals were visited (0 = no limit),
  // or the head is reached. Thread-safe; sees a consistent snapshot.
  virtual absl::Status Scan(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(const tidings::v1::Signal&)>& visit) const = 0;

  // The largest seq whose signal was ingested before `t` (so a scan from it
  // yields the signals ingested at or after `t`); 0 when none.
  virtual absl::StatusOr<uint64_t> SeqBeforeTime(absl::Time t) const = 0;

  // Like Scan() but only over signals with an event of `type` (from the
  // event-type index).
  virtual absl::Status ScanEventType(
      tidings::v1::EventType type, uint64_t after_seq, uint64_t max_count,
      const std::function<bool(const tidings::v1::Signal&)>& visit) const = 0;
};

}  // namespace tidings::storage

#endif  // TIDINGS_STORAGE_SIGNAL_STORE_H_
