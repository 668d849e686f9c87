// Copyright 2026 The Tidings Authors.
//
// replica_audit.h: cluster mode's check that this node's replica applied
// the records the cluster log holds (cluster/README.md, "A frozen stream
// leader").
//
// A replica reads the log through whichever server its reader reaches (its
// consumer's, or a direct get from any replica). After a frozen NATS stream
// leader resumes, nats-server 2.9.10 can hand two nodes different records
// under one log seq, and each node then stores different signals at the
// same signal seqs, for good. Nothing in the read path can tell.
//
// The audit compares every record the replica applied (a 64-bit hash of its
// bytes) with the log's authority (SignalLog::Get: the stream leader's
// copy), on a thread of its own, at most Options::max_checks gets a round.
// A record that differs (or that the log does not hold) is checked again
// Options::confirm_after later, since a get during an election may be
// answered by a server that still takes itself for the leader; if the log
// then answers the same as the first time, the audit counts it
// (AuditStats::divergent, metric tidings_cluster_divergent_records_total) and
// logs an ERROR with the log seqs. It repairs nothing. Such a node read the
// log differently from the leader; the signals it stored may differ from the
// other nodes' (not when the differing records were retries whose articles
// were stored already): compare, and rebuild it (README, "What to
// monitor").
//
// Records applied faster than the audit checks them wait in a bounded
// queue; beyond Options::max_pending the oldest are dropped unchecked
// (AuditStats::skipped). A log that cannot read by seq (UNIMPLEMENTED)
// turns the audit off.

#ifndef TIDINGS_SERVICE_INTERNAL_REPLICA_AUDIT_H_
#define TIDINGS_SERVICE_INTERNAL_REPLICA_AUDIT_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string_view>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster/signal_log.h"

namespace tidings::service::internal {

struct AuditStats {
  uint64_t checked = 0;     // Records found as the log holds them.
  uint64_t divergent = 0;   // Records the log held differently twice.
  uint64_t skipped = 0;     // Dropped unchecked (queue full, or retention).
  uint64_t unanswered = 0;  // Gets the log did not answer (tried again).
  uint64_t first_divergent_seq = 0;  // The lowest divergent log seq; 0: none.
};

class ReplicaAudit {
 public:
  struct Options {
    absl::Duration interval = absl::Seconds(1);  // Between rounds.
    // Gets a round sends the log's leader at most (one request each).
    size_t max_checks = 100;
    absl::Duration confirm_after = absl::Seconds(3);
    // Bound of one get: the leader answers in milliseconds; no answer is
    // tried again next round.
    absl::Duration timeout = absl::Seconds(1);
    size_t max_pending = 1 << 16;  // Records queued unchecked at most.
  };

  // `log` is not owned and must outlive the audit.
  ReplicaAudit(cluster::SignalLog* log, Options options);
  explicit ReplicaAudit(cluster::SignalLog* log)
      : ReplicaAudit(log, Options()) {}
  ~ReplicaAudit();  // Stop().

  // Starts the thread that runs CheckRound() every Options::interval.
  void Start();
  // Stops it (within a running get's Options::timeout). Idempotent.
  void Stop();
  // Tells the thread to stop without waiting for it (Stop() waits).
  void StopSoon();

  // The replica applied the record at log seq `seq` with these bytes.
  // Cheap (hashes them and queues the seq). Thread-safe.
  void Applied(uint64_t seq, std::string_view data);

  // One round: the due second checks, then the oldest queued records, up
  // to Options::max_checks gets. Blocking (gets on the network). Called by
  // the thread; tests call it directly without Start().
  void CheckRound();

  AuditStats stats() const;

 private:
  struct Entry {
    uint64_t seq = 0;
    size_t hash = 0;       // Of the bytes this replica applied.
    bool suspect = false;  // An earlier check found the log's different:
    size_t leaders = 0;    // the hash of what it held then.
    absl::Time due;        // Checked again not before this.
  };
  enum class Outcome {
    kSame,
    kDifferent,  // Check again later.
    kDivergent,  // Different twice, the log's answer the same both times.
    kGone,       // Dropped by retention.
    kNoAnswer,
    kUnsupported,
  };

  // Asks the log for the record at entry.seq and compares (noting the
  // log's answer in `entry` for the next check).
  Outcome Check(Entry& entry);
  void Run();

  cluster::SignalLog* const log_;
  const Options options_;
  std::thread thread_;

  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool off_ ABSL_GUARDED_BY(mu_) = false;  // The log cannot read by seq.
  std::deque<Entry> pending_ ABSL_GUARDED_BY(mu_);   // In log-seq order.
  std::deque<Entry> suspects_ ABSL_GUARDED_BY(mu_);  // In `due` order.
  AuditStats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_REPLICA_AUDIT_H_
