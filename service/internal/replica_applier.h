// Copyright 2026 The Tidings Authors.
//
// replica_applier.h: cluster mode's replica (cluster/README.md). One thread
// per node reads the cluster log in log-seq order, from the record after the
// store's applied_log_seq(), and applies each record to this node's store
// through the committer (Committer::SubmitApplied: SignalStore::Apply() with
// the record's ingested_at and log seq, one write per record of however
// many articles, then the recent window, the series and the hub, so that
// subscribers on this node wake as for a local ingest). Ingest on this node
// waits here for its own record (WhenApplied) before it answers.
//
// A run of records is written unsynced; the WAL sync that makes it durable
// on this node comes before any ingest on this node is answered from it,
// and is skipped when nothing waits for it: after a run, the replica syncs
// when this node has a publish in flight or an ingest waiting
// (PublishStarting, WhenApplied), else only when the log is idle or the
// last sync is Options::max_unsynced old. So a node that only replicates
// (ingest elsewhere) syncs about once a second instead of once a run; a
// crash (or power loss) before its sync loses the unsynced records together
// with their applied log seq, and the replica applies them again to the
// same seqs (its subscribers saw them before the sync already).

#ifndef TIDINGS_SERVICE_INTERNAL_REPLICA_APPLIER_H_
#define TIDINGS_SERVICE_INTERNAL_REPLICA_APPLIER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster/signal_log.h"
#include "service/internal/committer.h"
#include "service/internal/replica_audit.h"
#include "storage/signal_store.h"

namespace tidings::service::internal {

class ReplicaApplier {
 public:
  struct Options {
    // Records read and applied at once (one sync). A record holds up to
    // 1,000 articles and 512 KiB (log_record_codec.h), so a replica
    // catching up holds at most about 64 MiB of them at once.
    size_t max_records = 128;
    absl::Duration poll = absl::Milliseconds(200);   // LogReader::Next's wait.
    absl::Duration retry = absl::Milliseconds(500);  // After a failure.
    // Longest a replica with nothing waiting for its sync leaves applied
    // runs unsynced (see the top).
    absl::Duration max_unsynced = absl::Seconds(1);
    // Articles whose results are kept for late WhenApplied() calls (whole
    // records, the oldest dropped first).
    size_t remembered = 65536;
    // Told each record applied (ReplicaAudit::Applied); not owned, must
    // outlive the applier. None: no audit.
    ReplicaAudit* audit = nullptr;
  };

  // Not owned; all must outlive the applier.
  ReplicaApplier(cluster::SignalLog* log, storage::SignalStore* store,
                 Committer* committer, Options options);
  ReplicaApplier(cluster::SignalLog* log, storage::SignalStore* store,
                 Committer* committer)
      : ReplicaApplier(log, store, committer, Options()) {}
  ~ReplicaApplier();  // Stop().

  // Opens the reader at store->applied_log_seq() + 1 and starts the thread.
  // Blocking (it asks the log). OUT_OF_RANGE when the log no longer holds
  // that record (the replica fell behind the log's retention: rebuild it
  // from another node's backup); UNAVAILABLE when the log cannot be reached.
  absl::Status Start();

  // Stops the thread (within about Options::poll plus a running apply) and
  // closes the reader (so that the log may close next); waiting
  // WhenApplied() callbacks get UNAVAILABLE. Idempotent.
  void Stop();

  // The record's results on this replica, one per article in record order:
  // its signals' seqs, duplicate when the store (or an earlier article of
  // the record) had its key already.
  using Applied = absl::AnyInvocable<
      void(absl::StatusOr<std::vector<storage::AppendResult>>) &&>;

  // Calls `done` once this replica applied log seq `log_seq` (at once, on
  // the calling thread, when it has), with that record's results, or
  // UNAVAILABLE when the applier stops first. `keys` are the idempotency
  // keys of the record's articles, in order: a record applied too long ago
  // to be remembered is answered from the store's key index. `done` must be
  // quick: it runs on the applier's thread or the caller's.
  void WhenApplied(uint64_t log_seq, std::vector<std::string> keys,
                   Applied done);

  // Bracket a publish of this node's ingest (ClusterIngest): Starting
  // before the record goes to the log, Settled once its WhenApplied() is
  // registered or the publish failed. While one is open the replica syncs
  // every run it applies (the run may hold that record). Thread-safe.
  void PublishStarting();
  void PublishSettled();

  // The last log seq applied (the store's applied_log_seq(); maybe not yet
  // synced).
  uint64_t applied() const { return store_->applied_log_seq(); }

 private:
  struct Waiter {
    std::vector<std::string> keys;
    Applied done;
  };
  struct Result {
    std::string key;  // The article's idempotency key, to check the caller's.
    std::vector<uint64_t> seqs;
    bool duplicate = false;
  };

  void Run();
  // Decodes and applies `records` (dense, from applied() + 1), then syncs
  // when something waits for it (SyncIfWanted); answers the waiters of
  // every record applied and synced, even when a later one failed.
  absl::Status ApplyRecords(std::vector<cluster::LogRecord> records);
  // Syncs the WAL when records are written but unsynced and (`idle`, an
  // open publish, a waiter, or the last sync is max_unsynced old); then
  // answers the waiters it covers.
  absl::Status SyncIfWanted(bool idle) ABSL_LOCKS_EXCLUDED(mu_);
  // Answers the waiters at or below applied_ (the synced log seq).
  void AnswerWaiters() ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::vector<storage::AppendResult>> ResultOf(
      uint64_t log_seq, const std::vector<std::string>& keys)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Sleeps up to `d` unless Stop() is called.
  void Pause(absl::Duration d) ABSL_LOCKS_EXCLUDED(mu_);

  cluster::SignalLog* const log_;
  storage::SignalStore* const store_;
  Committer* const committer_;
  const Options options_;
  std::unique_ptr<cluster::LogReader> reader_;  // The applier thread's.
  std::thread thread_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::multimap<uint64_t, Waiter> waiters_ ABSL_GUARDED_BY(mu_);
  std::map<uint64_t, std::vector<Result>> remembered_ ABSL_GUARDED_BY(mu_);
  size_t remembered_articles_ ABSL_GUARDED_BY(mu_) = 0;
  // The last log seq written whose result is in remembered_ (or, after a
  // failure, the store's applied_log_seq()), synced or not.
  uint64_t written_ ABSL_GUARDED_BY(mu_) = 0;
  // The last one of those synced: what waiters are answered up to.
  uint64_t applied_ ABSL_GUARDED_BY(mu_) = 0;
  int open_publishes_ ABSL_GUARDED_BY(mu_) = 0;  // PublishStarting()s open.
  absl::Time last_sync_;                         // The applier thread's.
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_REPLICA_APPLIER_H_
