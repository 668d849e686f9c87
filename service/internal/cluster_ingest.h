// Copyright 2026 The Tidings Authors.
//
// cluster_ingest.h: Ingest and IngestStream in cluster mode
// (cluster/README.md). Each scored article becomes one log record
// (log_record_codec.h), published with the article's idempotency key as its
// dedup id; an article is answered once the log acknowledged its record
// and this node's replica applied it (ReplicaApplier::WhenApplied), with
// the seqs the replica stored. A record the log recognised as a duplicate
// (its dedup id seen) is answered like a single-node duplicate: the first
// copy's seqs, duplicate = true.

#ifndef TIDINGS_SERVICE_INTERNAL_CLUSTER_INGEST_H_
#define TIDINGS_SERVICE_INTERNAL_CLUSTER_INGEST_H_

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "cluster/signal_log.h"
#include "service/internal/committer.h"
#include "service/internal/replica_applier.h"
#include "storage/signal_store.h"

namespace tidings::service::internal {

// The log's dedup id for an idempotency key: the key itself when it fits
// the log's 256 bytes, else "h:" and a 128-bit hash of it (FNV-1a, stable
// across builds and hosts) in hex.
std::string DedupId(std::string_view idempotency_key);

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
