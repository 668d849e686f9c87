// Copyright 2026 The Tidings Authors.
//
// committer.h: group commit. Ingest batches from every connection (unary
// Ingest and IngestStream) queue here; one thread at a time (the "leader", a
// work-pool thread that found no commit running) takes everything queued, up
// to a limit, and stores it with one SignalStore::Append (one WAL sync), then
// publishes the new head to the hub and calls each batch's callback. A batch
// is never split across two Appends, so each request is stored whole or not
// at all.

#ifndef TIDINGS_SERVICE_INTERNAL_COMMITTER_H_
#define TIDINGS_SERVICE_INTERNAL_COMMITTER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/hub.h"
#include "storage/signal_store.h"

namespace tidings::service::internal {

class RecentSignals;
class SeriesIndex;
struct Metrics;

// Where Ingest and IngestStream hand their scored batches: the group
// committer (single node), or the cluster log (cluster mode,
// cluster_ingest.h).
class IngestSink {
 public:
  // Called once the batch is durable (results in batch order, and the log
  // head after the commit) or failed (single node: nothing of it was
  // stored). Runs on the committing thread with no lock held; it must not
  // block.
  using Done = std::function<void(
      absl::StatusOr<std::vector<storage::AppendResult>> results,
      uint64_t head)>;

  virtual ~IngestSink() = default;
  // Queues `batch` (REQUIRES: non-empty); calls `done` once. Call it from
  // the work pool, never from a gRPC reaction.
  virtual void Submit(std::vector<storage::PendingArticle> batch,
                      Done done) = 0;
};

// One log record's place, for SubmitApplied().
struct AppliedRecord {
  absl::Time ingested_at;  // As the record carries it.
  uint64_t log_seq = 0;
  size_t articles = 1;  // How many articles of the batch it holds (0: none).
};

class Committer final : public IngestSink {
 public:
  using Done = IngestSink::Done;

  // `max_group_articles`: most articles in one Append, unless a single batch
  // is larger. `recent` (may be null) receives the stored signals of every
  // commit before the hub is told, and so does `series` (may be null).
  // `metrics` (may be null) counts commits. Not owned: store, hub, recent,
  // metrics, series; they must outlive the committer.
  Committer(storage::SignalStore* store, Hub* hub,
            std::function<absl::Time()> clock, size_t max_group_articles,
            RecentSignals* recent = nullptr, Metrics* metrics = nullptr,
            SeriesIndex* series = nullptr);

  // Queues `batch` (REQUIRES: non-empty) for the next group commit. Returns
  // at once when another thread is committing; otherwise the calling thread
  // commits everything queued, its own batch first, until the queue is
  // empty. Call it from the work pool, never from a gRPC reaction.
  void Submit(std::vector<storage::PendingArticle> batch, Done done) override;

  // Cluster mode's replica (replica_applier.h): stores the articles of
  // consecutive log records (non-empty), `batch` being their articles in
  // order, records[i].articles of them for records[i] (0 for a record that
  // stores nothing). Each record is one unsynced SignalStore::Apply() of its
  // articles (one write with its log seq), then the recent window, the
  // series and the hub are told as a commit does, then `done`, still
  // unsynced: subscribers see the run before it is durable on this node
  // (the log holds it); the caller syncs the WAL (SignalStore::SyncWal)
  // before it acknowledges anything of it. `done` gets one result per
  // article of `batch`.
  // Queued like Submit() but never grouped with other batches. On failure
  // the records before the failing one may be applied (and the hub told):
  // the caller resumes from the store's applied_log_seq().
  void SubmitApplied(std::vector<storage::PendingArticle> batch,
                     std::vector<AppliedRecord> records, Done done);

 private:
  struct Entry {
    std::vector<storage::PendingArticle> batch;
    Done done;
    std::vector<AppliedRecord> applied;  // SubmitApplied(): one per article.
  };

  // The queue's front group, by the grouping rules. REQUIRES: mu_ held.
  std::vector<Entry> TakeGroup() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Runs commits until the queue is empty (the caller became the leader).
  void Lead();
  // SignalStore::Apply() of each record of `entry`, unsynced (Commit()
  // syncs after telling the subscribers).
  absl::StatusOr<std::vector<storage::AppendResult>> ApplyRecords(
      std::vector<storage::PendingArticle> batch,
      const std::vector<AppliedRecord>& records);

  // Stores `group` with one Append and calls back each batch. A failure
  // fails every batch of the group (the store writes nothing of it); the
  // store rejects as INVALID_ARGUMENT only what the service never builds
  // (empty keys, event types out of range), so in practice a failure is
  // UNAVAILABLE and concerns them all.
  void Commit(std::vector<Entry> group);
  // Logs the first failed commit and the first success after failures
  // (storage faults and recovery), not every failure in between.
  void LogOutcome(const absl::Status& status, size_t articles);

  storage::SignalStore* const store_;
  Hub* const hub_;
  RecentSignals* const recent_;
  SeriesIndex* const series_;
  Metrics* const metrics_;
  const std::function<absl::Time()> clock_;
  const size_t max_group_articles_;
  // Touched only by the committing thread (one at a time; mu_ hands over).
  uint64_t failed_commits_ = 0;  // Since the last commit that succeeded.
  absl::Time failing_since_;

  absl::Mutex mu_;
  std::deque<Entry> queue_ ABSL_GUARDED_BY(mu_);
  bool committing_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_COMMITTER_H_
