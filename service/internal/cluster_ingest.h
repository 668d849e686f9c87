// Copyright 2026 The Tidings Authors.
//
// cluster_ingest.h: Ingest and IngestStream in cluster mode
// (cluster/README.md). A scored batch becomes one log record, or several
// when it is large (log_record_codec.h, RecordLimits: up to 512 KiB and
// 1,000 articles each), each published with a dedup id of its own
// (PublishId): the log's dedup then only folds the log's own retries of
// that publish (after a lost ack) into one record. The articles of a record
// are answered once the log acknowledged it and this node's replica applied
// it (ReplicaApplier::WhenApplied), with what the replica made of each: its
// seqs, or, when an earlier article (from any node, or earlier in the same
// batch) had stored the same idempotency key, the first copy's seqs and
// duplicate = true, as on a single node. Every replica decides it the same
// way.
//
// Group commit: while a group of batches is being published (until the log
// acked its last record), batches submitted meanwhile queue; the ack
// publishes everything queued as the next group: its batches' articles in
// submission order, cut into records as one batch would be. Nothing waits
// on a timer: an idle node publishes a batch at once. So at a steady rate of
// small calls a record holds the calls of about one publish round trip, and
// each replica applies one record (one write) for them. Two batches of one
// record that carry the same key are decided as within one batch (the later
// is a duplicate of the earlier), as a single node's group commit does.

#ifndef TIDINGS_SERVICE_INTERNAL_CLUSTER_INGEST_H_
#define TIDINGS_SERVICE_INTERNAL_CLUSTER_INGEST_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster/signal_log.h"
#include "service/internal/committer.h"
#include "service/internal/log_record_codec.h"
#include "service/internal/replica_applier.h"
#include "storage/signal_store.h"

namespace tidings::service::internal {

// A dedup id for one publish, unique across processes and restarts: "p:",
// 64 random bits drawn once per process and a counter, in hex (34 bytes).
// Not the idempotency key: a key seen before must reach the replicas, which
// tell the client it was a duplicate; the log cannot tell a retry of this
// publish from another node's copy.
std::string PublishId();

class ClusterIngest final : public IngestSink {
 public:
  struct Options {
    RecordLimits limits;  // How groups are cut into records.
    // Groups published at once at most (1: the fewest records; more: less
    // waiting behind a slow publish).
    int max_groups_in_flight = 1;
    // Articles waiting for the groups in flight at most; Submit() refuses
    // more (RESOURCE_EXHAUSTED), as the log refuses publishes past its
    // queue.
    size_t max_queued_articles = 100000;
  };

  // Not owned; all must outlive it and every callback it started. `clock`
  // stamps each group's ingested_at.
  ClusterIngest(cluster::SignalLog* log, ReplicaApplier* applier,
                storage::SignalStore* store, std::function<absl::Time()> clock,
                Options options);
  ClusterIngest(cluster::SignalLog* log, ReplicaApplier* applier,
                storage::SignalStore* store, std::function<absl::Time()> clock)
      : ClusterIngest(log, applier, store, std::move(clock), Options()) {}
  ~ClusterIngest() override;

  // Publishes the records of `batch` (PublishAsync: returns at once) and
  // calls `done` once every article is answered: with the results, or with
  // the first error (UNAVAILABLE / DEADLINE_EXCEEDED: outcome unknown, some
  // records of the batch may be stored; a retry is safe, since ingest is
  // idempotent; RESOURCE_EXHAUSTED for an article too large for the log,
  // the others being published). `done` runs on a log or applier thread.
  // With a group in flight, `batch` waits for its ack and goes out with the
  // next group (see above); RESOURCE_EXHAUSTED when
  // Options::max_queued_articles wait so already (the log is slow or
  // unreachable). A batch that waited may
  // thus take up to two publishes' timeouts to fail (2 x 20 s).
  void Submit(std::vector<storage::PendingArticle> batch, Done done) override;

 private:
  struct Queued;

  // Encodes and publishes `group` (its batches, in order) as records; when
  // the log answered all of them, releases the group's slot (Released()).
  void Publish(std::vector<Queued> group);
  // A group's last record was answered by the log: publishes what queued
  // meanwhile as the next group, or frees the slot.
  void Released();

  cluster::SignalLog* const log_;
  ReplicaApplier* const applier_;
  storage::SignalStore* const store_;
  const std::function<absl::Time()> clock_;
  const Options options_;

  absl::Mutex mu_;
  std::vector<Queued> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_articles_ ABSL_GUARDED_BY(mu_) = 0;
  int groups_in_flight_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_CLUSTER_INGEST_H_
