// Copyright 2026 The Tidings Authors.
//
// cluster_ingest.h: Ingest and IngestStream in cluster mode
// (cluster/README.md). Each scored article becomes one log record
// (log_record_codec.h), published with a dedup id of its own (PublishId):
// the log's dedup then only folds the log's own retries of that publish
// (after a lost ack) into one record. An article is answered once the log
// acknowledged its record and this node's replica applied it
// (ReplicaApplier::WhenApplied), with what the replica made of that record:
// its seqs, or, when an earlier record (from any node) had stored the same
// idempotency key, the first copy's seqs and duplicate = true, as on a
// single node. Every replica drops such a second record the same way.

#ifndef TIDINGS_SERVICE_INTERNAL_CLUSTER_INGEST_H_
#define TIDINGS_SERVICE_INTERNAL_CLUSTER_INGEST_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "cluster/signal_log.h"
#include "service/internal/committer.h"
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
  // Not owned; all must outlive it and every callback it started. `clock`
  // stamps each record's ingested_at.
  ClusterIngest(cluster::SignalLog* log, ReplicaApplier* applier,
                storage::SignalStore* store, std::function<absl::Time()> clock);

  // Publishes each article of `batch` (PublishAsync: returns at once) and
  // calls `done` once every one is answered: with the results, or with the
  // first error (UNAVAILABLE / DEADLINE_EXCEEDED: outcome unknown, some
  // articles of the batch may be stored; a retry is safe, since ingest is
  // idempotent). `done` runs on a log or applier thread.
  void Submit(std::vector<storage::PendingArticle> batch, Done done) override;

 private:
  cluster::SignalLog* const log_;
  ReplicaApplier* const applier_;
  storage::SignalStore* const store_;
  const std::function<absl::Time()> clock_;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_CLUSTER_INGEST_H_
