// Copyright 2026 The Tidings Authors.
//
// jetstream_log.h: the SignalLog on a NATS JetStream stream (cnats 3.4,
// nats-server 2.9 as Debian 12 ships them).
//
// One stream, one subject; a record is one message whose Nats-Msg-Id header
// is the record's dedup id, and whose stream sequence is its log seq.
//
// Publishing is asynchronous (nats/async_publisher.h: at most max_in_flight
// awaiting their ack, more waiting in the log's queue, each attempt waiting
// up to ack_wait for its ack). Transient failures are retried with the same
// Nats-Msg-Id, with backoff, on the log's own retry thread (never inside
// the publisher's answer callback) until publish_timeout after the
// PublishAsync() call. A stream-leader election pauses writes for 4-9 s on
// nats-server 2.9 (measured 4.4-6.9 s), so publish_timeout must exceed
// that; the stream's dedup window must exceed publish_timeout.
//
// What an ack means here: JetStream answered the publish with a sequence,
// which it does once the stream's leader and a quorum of its replicas (2 of
// 3 for R3) have the message. nats-server 2.9 writes it to its file store
// at once but fsyncs only on a 60 s timer (its sync_interval cannot be set
// in 2.9), so an ack survives the SIGKILL of any server, and of all of them
// at once (the page cache survives a process kill); it survives the power
// loss of one server; a power loss of 2 of 3 servers within 60 s of the ack
// may lose it. See /work/shared/research/scaleout-jetstream.md ("Risks").
//
// Reading uses an ephemeral push consumer per reader (no acks: the reader
// keeps its position), created at the reader's position; a reader whose
// consumer's server dies (or whose consumer the server dropped) creates a new
// one at its position by itself, and reads on by direct gets from any replica
// until it has one (creating a consumer needs the JetStream meta leader). A
// reader never skips: a hole below the stream's first seq (retention) is
// OUT_OF_RANGE.

#ifndef TIDINGS_CLUSTER_JETSTREAM_LOG_H_
#define TIDINGS_CLUSTER_JETSTREAM_LOG_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster/leader_placement.h"
#include "cluster/nats/async_publisher.h"
#include "cluster/nats/client.h"
#include "cluster/signal_log.h"

namespace tidings::cluster {

// A stream's retention limits (limits policy, the oldest records discarded
// first): by age and by size; zero = no limit.
struct StreamRetention {
  absl::Duration max_age = absl::ZeroDuration();
  int64_t max_bytes = 0;
  bool operator==(const StreamRetention&) const = default;
};

// What Open() changed of the stream's limits (JetStreamLogOptions::max_age,
// max_bytes).
struct RetentionChange {
  StreamRetention before;
  StreamRetention after;
};

struct JetStreamLogOptions {
  nats::ClientOptions client;
  nats::StreamSpec stream = {.name = "TIDINGS", .subject = "tidings.log"};
  // The stream's retention limits (0 = no limit). A limit that is set is
  // given to the stream: when Open() creates it, and by js_UpdateStream when
  // an existing stream's differs (the last node to open decides: give every
  // node the same). Unset: that limit stays as the stream has it. max_age
  // must be 0 or at least the stream's duplicate_window (JetStream's rule);
  // max_bytes must not be negative.
  std::optional<absl::Duration> max_age;
  std::optional<int64_t> max_bytes;
  // Create the stream when missing (else it must exist: NOT_FOUND).
  bool create_stream = true;
  // How long Open() keeps trying while no server answers yet or the cluster
  // has no JetStream quorum yet (it elects its leaders about a second after
  // start).
  absl::Duration open_timeout = absl::Seconds(30);
  // One publish attempt's wait for its ack (a lost ack is never reported
  // otherwise, research gotcha 1).
  absl::Duration ack_wait = absl::Seconds(1);
  // A record's whole budget, retries included.
  absl::Duration publish_timeout = absl::Seconds(20);
  // Publishes awaiting their ack at once (a record beyond it waits in the
  // log's queue, and PublishAsync() still returns at once). The research
  // measured 256-1024 as best.
  int max_in_flight = 256;
  // Records waiting to be sent (new or to retry) at most; beyond it,
  // PublishAsync() answers RESOURCE_EXHAUSTED.
  size_t max_queued_publishes = 100000;
  // Backoff between retries of one record: doubles from min up to max.
  absl::Duration retry_backoff_min = absl::Milliseconds(50);
  absl::Duration retry_backoff_max = absl::Milliseconds(500);
  // Largest batch a reader fetches at once.
  int max_fetch_batch = 1000;
  // A reader's server-side consumer is dropped after this long without
  // the reader (its connection gone).
  absl::Duration reader_inactive_threshold = absl::Seconds(30);
  // A reader's consumer sends a heartbeat after this long without a record;
  // two missed ones and the reader replaces it (>= 100 ms).
  absl::Duration reader_heartbeat = absl::Seconds(1);
  // Bytes of records a reader's client queues at most
  // (nats/push_consumer.h); above flow control's 32 MiB window.
  int reader_max_pending_bytes = 64 * 1024 * 1024;
  // Leader placement (leader_placement.h): check at Open() and then this
  // often that the stream's leader is not also the JetStream meta leader,
  // and step it down when it is. Zero: never check.
  absl::Duration placement_check_interval = absl::ZeroDuration();
  // Called after each such check, on the checker's thread (may be empty).
  std::function<void(const PlacementCheck&)> on_placement_check;
  // A reader that cannot reach the log for this long returns UNAVAILABLE
  // from Next() (before that it keeps retrying and returns empty batches).
  absl::Duration reader_unavailable_after = absl::Seconds(30);
};

// A stream's log id (SignalLog::log_id()): its creation time (UTC nanos,
// which the JetStream meta leader stamps once and every server reports
// alike) and a hash of its name, as 32 lowercase hex digits. A stream
// deleted and created again gets a new id.
std::string LogIdOf(std::string_view stream, int64_t created_nanos);

class JetStreamLog final : public SignalLog {
 public:
  // Connects, creates or checks the stream (retrying UNAVAILABLE, no server
  // up included, up to open_timeout) and starts the retry thread. Blocking.
  static absl::StatusOr<std::unique_ptr<JetStreamLog>> Open(
      JetStreamLogOptions options);

  // Stops retrying (queued retries fail with UNAVAILABLE), waits up to
  // ack_wait + 2 s for publishes in flight to be answered, then closes.
  // Every PublishAsync() callback has run when it returns. Blocking.
  ~JetStreamLog() override;

  // While the log closes (its destructor runs), answers UNAVAILABLE at
  // once, on the calling thread (the log's threads are gone).
  void PublishAsync(OutgoingRecord record, PublishCallback done) override;
  absl::StatusOr<LogState> State() override;
  // The stream leader's message at `seq` ($JS.API.STREAM.MSG.GET): not a
  // direct get, which any replica answers.
  absl::StatusOr<LogRecord> Get(uint64_t seq, absl::Duration timeout) override;
  // Retries while the stream cannot answer (a leader election), within
  // open_timeout.
  absl::StatusOr<std::unique_ptr<LogReader>> OpenReader(
      uint64_t from_seq) override;

  // LogIdOf(the stream's name, its creation time), read at Open().
  std::string log_id() const override { return log_id_; }
  LogHealth Health() const override;

  // Whether the stream answers direct gets (allow_direct, turned on at
  // Open() when missing; see nats/direct_get.h): readers then read on
  // while no consumer can be created (the meta leader lost). What Open()
  // found or changed about it, for the log ("" when nothing to say).
  bool direct_gets() const { return direct_gets_; }
  const std::string& stream_notice() const { return stream_notice_; }

  const JetStreamLogOptions& options() const { return options_; }
  // The limits Open() changed (options' max_age, max_bytes); unset when it
  // created the stream or left its limits alone.
  const std::optional<RetentionChange>& retention_change() const {
    return retention_change_;
  }
  nats::NatsClient& client() { return *client_; }

  // Runs `task` (a blocking call on client(), e.g. a reader creating a
  // consumer) on a thread of its own that the log, not the caller, waits
  // for: a caller can go away while its task is still blocked. When the
  // log closes, it closes its connection first, which ends such calls at
  // once, and then waits for the tasks.
  void RunInBackground(absl::AnyInvocable<void() &&> task);

  // For Health(): a reader created a consumer; read `n` records by direct
  // gets.
  void CountConsumer() { reader_consumers_.fetch_add(1); }
  void CountDirectReads(uint64_t n) { reader_direct_reads_.fetch_add(n); }

 private:
  struct Pending;

  explicit JetStreamLog(JetStreamLogOptions options);
  // Sends one attempt in a slot reserved by the caller (reserved_); its
  // answer, a failure to send included, comes to OnAnswer. Any thread.
  void Attempt(std::unique_ptr<Pending> p, bool reserved);
  // The error a caller gets: a transient one says "outcome unknown".
  static absl::Status FinalStatus(const Pending& p, absl::Status error);
  // Gives the stream the limits set in options_ (see there); sets
  // retention_change_ when it changed them.
  absl::Status ApplyRetention();
  // The outcome of an attempt that failed with `error`: a retry (on the
  // retry thread), or the answer, given at once.
  void Failed(std::unique_ptr<Pending> p, absl::Status error);
  // The publisher's answer to an attempt (on its thread).
  void OnAnswer(std::unique_ptr<Pending> p, absl::StatusOr<nats::PubAck> ack);
  void RetryLoop();
  // Sets direct_gets_ from the stream's config (and a notice when off).
  absl::Status CheckDirectGets();

  const JetStreamLogOptions options_;
  std::unique_ptr<nats::NatsClient> client_;
  std::unique_ptr<nats::AsyncPublisher> publisher_;  // On client_.
  std::string log_id_;                               // Set by Open().
  std::optional<RetentionChange> retention_change_;  // Set by Open().
  bool direct_gets_ = false;                         // Set by Open().
  std::string stream_notice_;                        // Set by Open().
  std::unique_ptr<LeaderPlacement> placement_;       // Before client_ goes.
  std::atomic<uint64_t> reader_consumers_{0};
  std::atomic<uint64_t> reader_direct_reads_{0};

  absl::Mutex mu_;
  // Attempts awaiting their answer from publisher_.
  int in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  // Retries (or final answers) due at a time, for the retry thread.
  std::multimap<absl::Time, std::unique_ptr<Pending>> due_ ABSL_GUARDED_BY(mu_);
  // Slots taken by attempts about to enter in_flight_.
  int reserved_ ABSL_GUARDED_BY(mu_) = 0;
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  std::thread retry_thread_;
  // RunInBackground()'s tasks (finished ones are dropped at the next call).
  std::vector<std::future<void>> background_ ABSL_GUARDED_BY(mu_);
};

}  // namespace tidings::cluster

#endif  // TIDINGS_CLUSTER_JETSTREAM_LOG_H_
