// Copyright 2026 The Tidings Authors.
//
// signal_log.h: the seam between Tidings and a replicated, ordered log
// (NATS JetStream now: cluster/jetstream_log.h; a Kafka adapter could
// implement the same two classes later).
//
// In cluster mode the log is the order of record: one log record per
// ingest batch or chunk of one (its articles' scored signals and
// ingested_at, encoded by the caller; the log treats records as opaque
// bytes). Every Tidings node reads
// the log from its own position, in log-seq order, and applies each record
// to its own RocksDB replica, so signal seqs come out identical on every
// node. See cluster/README.md for the whole design.
//
// Log seqs are the log's own: 1, 2, 3, ... dense, assigned by the log in the
// order it appends, and the same for every reader. They are not signal seqs
// (an article has zero or more signals).
//
// What an acknowledgement means: SignalLog::Publish*() reports OK with a seq
// once the log has appended the record at that seq and replicated it as the
// log promises (JetStream R3: on a quorum, 2 of 3 servers; see the
// implementation's header for fsync). A record reported OK is read by every
// reader that starts at or below its seq; nothing else is promised. An error
// (UNAVAILABLE, DEADLINE_EXCEEDED) means "outcome unknown": the record may
// or may not have been appended. Publishing it again with the same dedup id
// is the way to find out, and is safe: within the log's dedup window the log
// answers with the first copy's seq and duplicate = true; outside the window
// a second copy may be appended, and readers must drop it by its content
// (Tidings' replicas do, by the article's idempotency key).
//
// Threads: the blocking calls (Publish, State, OpenReader, LogReader::Next)
// wait on the network for up to their stated bound. Never call them on a
// gRPC reactor (callback) thread; use PublishAsync there, or a worker pool.

#ifndef TIDINGS_CLUSTER_SIGNAL_LOG_H_
#define TIDINGS_CLUSTER_SIGNAL_LOG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tidings::cluster {

// A record to append.
struct OutgoingRecord {
  // The payload, opaque to the log. Bounded by the log's maximum message
  // size (JetStream: the server's max_payload, 1 MiB by default).
  std::string data;
  // Required, non-empty, at most 256 bytes: equal ids mean "the same
  // record". The log drops a second record with an id it saw within its
  // dedup window and acks it with the first one's seq (duplicate = true).
  // Tidings uses the article's idempotency key.
  std::string dedup_id;
  // When set, append only if the log's last seq is exactly this (0 = empty
  // log); else fail with FAILED_PRECONDITION and append nothing. For strict
  // pipelines (log seq = expected + 1). The dedup id is checked first: a
  // retry of a record that was appended is answered as its duplicate, not
  // refused. Logs that cannot check it return UNIMPLEMENTED.
  std::optional<uint64_t> expected_last_seq;
};

// A successful publish.
struct PublishAck {
  uint64_t seq = 0;        // Where the record is (the first copy's seq for
                           // a duplicate).
  bool duplicate = false;  // The dedup id was seen: nothing was appended.
};

// A record read back.
struct LogRecord {
  uint64_t seq = 0;
  std::string data;
  std::string dedup_id;  // As published ("" if the log did not keep it).
};

// The log's retained range: records first_seq..last_seq (empty when
// last_seq < first_seq; first_seq grows when retention drops old records).
struct LogState {
  uint64_t first_seq = 0;
  uint64_t last_seq = 0;
};

// Called exactly once per PublishAsync(), on a thread of the log's client
// library (never the caller's): it must be quick and must not block (hand
// the result to a gRPC reactor's Finish() or a queue). The status is OK with
// the ack, FAILED_PRECONDITION (expected_last_seq did not match),
// INVALID_ARGUMENT (bad record), RESOURCE_EXHAUSTED (the log's queue is
// full: nothing was sent), or UNAVAILABLE / DEADLINE_EXCEEDED ("outcome
// unknown", see above) after the log's own retries ran out. It may call
// PublishAsync() again.
using PublishCallback = absl::AnyInvocable<void(absl::StatusOr<PublishAck>) &&>;

// Reads records in log-seq order from a position. Not thread-safe: one
// reader belongs to one thread at a time.
class LogReader {
 public:
  virtual ~LogReader() = default;

  // The next records, dense and in order: the first has seq == next_seq(),
  // and each one's seq is the previous one's + 1. At most `max_records`
  // (> 0). Waits up to about `wait` when nothing is there yet, then returns
  // an empty vector (not an error): the caller polls again. Returns as soon
  // as some records are there, without waiting to fill `max_records`.
  // Errors: OUT_OF_RANGE when next_seq() is below the log's retained range
  // (retention dropped records the caller has not read: the reader never
  // silently skips); UNAVAILABLE when the log cannot be reached for longer
  // than the implementation's bound (retrying later may succeed). A reader
  // recovers by itself from the loss of a log server.
  virtual absl::StatusOr<std::vector<LogRecord>> Next(size_t max_records,
                                                      absl::Duration wait) = 0;

  // The seq of the next record Next() returns.
  virtual uint64_t next_seq() const = 0;
};

// What a log reports about itself for monitoring (all zero when it has
// nothing to report).
struct LogHealth {
  // Leader placement (JetStream: cluster/leader_placement.h): checks that
  // the server leading the log's writes does not also lead the cluster's
  // metadata; those that could not tell; times this node moved the log's
  // leadership off such a server. leader_shared: the last check that could
  // tell found one server leading both (and moved it).
  uint64_t leader_checks = 0;
  uint64_t failed_leader_checks = 0;
  uint64_t leader_moves = 0;
  bool leader_shared = false;
  // Readers (all of this handle's, since it opened): server-side read
  // positions they created (JetStream: consumers; more than one a reader
  // means a server died or stopped delivering), and records they read
  // without one meanwhile (JetStream: direct gets).
  uint64_t reader_consumers = 0;
  uint64_t reader_direct_reads = 0;
};

// A handle on one log. Thread-safe: every method may be called from any
// thread concurrently (readers themselves are single-threaded).
class SignalLog {
 public:
  virtual ~SignalLog() = default;

  // Appends `record` and calls `done` once with the outcome (see
  // PublishCallback). Retries transient failures (a log server down, a
  // leader election) itself with the same dedup id until its publish timeout
  // runs out. Returns at once, without network waits: safe on a gRPC
  // reactor thread. Beyond the implementation's in-flight bound records wait
  // in its queue; when that is full, `done` gets RESOURCE_EXHAUSTED.
  virtual void PublishAsync(OutgoingRecord record, PublishCallback done) = 0;

  // PublishAsync() and wait for the outcome. Blocking: see the top.
  absl::StatusOr<PublishAck> Publish(OutgoingRecord record);

  // The retained range, asked of the log. Blocking, bounded by the
  // implementation's request timeout. UNAVAILABLE when it cannot answer.
  virtual absl::StatusOr<LogState> State() = 0;

  // A reader whose first record is `from_seq` (>= 1; a seq beyond the last
  // one waits for it). Blocking (it may create server-side state).
  // OUT_OF_RANGE when from_seq is below the retained range.
  virtual absl::StatusOr<std::unique_ptr<LogReader>> OpenReader(
      uint64_t from_seq) = 0;

  // The record at `seq` as the log's authority holds it now (JetStream: the
  // stream leader's copy), for audits of what a reader delivered: a reader
  // may read from a replica that is wrong (cluster/README.md, "A frozen
  // stream leader"). Blocking, up to `timeout`. NOT_FOUND:
  // no record at `seq` (not written yet, or dropped by retention);
  // UNAVAILABLE or DEADLINE_EXCEEDED: no answer now (an election); try
  // again. Logs that cannot tell return UNIMPLEMENTED.
  virtual absl::StatusOr<LogRecord> Get(uint64_t seq, absl::Duration timeout) {
    (void)seq;
    (void)timeout;
    return absl::UnimplementedError("this log cannot read a record by seq");
  }

  // The log's identity: 32 lowercase hex digits, the same on every node
  // and for the log's whole life, and different for another log or the
  // same name created again (whose seqs start over). Tidings reports it as
  // every replica's store id. "" when the log has none (fakes).
  virtual std::string log_id() const { return ""; }

  // Counts for metrics. Cheap (no network), thread-safe.
  virtual LogHealth Health() const { return {}; }
};

}  // namespace tidings::cluster

#endif  // TIDINGS_CLUSTER_SIGNAL_LOG_H_
