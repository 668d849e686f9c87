// Copyright 2026 The Tidings Authors.
//
// jetstream_reader.h: the LogReader of JetStreamLog (internal to cluster/;
// use JetStreamLog::OpenReader()).
//
// Holds one ephemeral push consumer (nats/push_consumer.h: one message a
// record, no acks) at its position and replaces it when it stops answering
// (its server died: missed heartbeats, or the server dropped it), when it
// has messages it does not deliver, or when it delivers past a hole (a
// push lost on the way). Seqs below the position are skipped, so Next() is
// dense and in order whatever the consumer does.
//
// A new consumer needs the JetStream meta leader, and when the lost
// consumer's server *was* the meta leader, none can be created until the
// meta layer elects another (6.5-13.6 s measured on nats-server 2.9.10).
// So the new consumer is created on a thread of its own, and until it
// exists the reader reads on by direct gets (nats/direct_get.h: one
// request per record, answered by any replica, no leader involved; polled
// every 10 ms at the tail). When the consumer arrives it may start below
// the position the direct gets reached: those records are skipped. A stream
// without allow_direct (JetStreamLog::direct_gets) makes the reader wait for
// the consumer as before.
//
// A consumer whose server died gives no error until two of its
// heartbeats are missed: it just goes silent. So after a wait that brought
// nothing the reader asks for the next record by a direct get; when a
// replica has it, the reader takes it (and what follows) that way, and
// replaces the consumer after the second such wait in a row (about twice
// the caller's wait).

#ifndef TIDINGS_CLUSTER_JETSTREAM_READER_H_
#define TIDINGS_CLUSTER_JETSTREAM_READER_H_

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster/nats/push_consumer.h"
#include "cluster/signal_log.h"

namespace tidings::cluster {

class JetStreamLog;

class JetStreamReader final : public LogReader {
 public:
  JetStreamReader(JetStreamLog& log, uint64_t from_seq);
  // Deletes its consumer in the background (DropConsumer()); does not wait
  // for one still being created (the log does, and deletes nothing then:
  // the server drops it after reader_inactive_threshold).
  ~JetStreamReader() override;

  absl::StatusOr<std::vector<LogRecord>> Next(size_t max_records,
                                              absl::Duration wait) override;
  uint64_t next_seq() const override { return next_; }

  // For monitoring and tests: the server its consumer lives on ("" before
  // the first Next()), asked of the cluster (blocking); and how many
  // consumers it has created (one, unless servers died or it idled out).
  absl::StatusOr<std::string> ConsumerServer();
  int consumers_created() const { return consumers_created_; }
  // Whether it reads through a consumer now (else by direct gets, or it
  // waits for one).
  bool has_consumer() const { return consumer_ != nullptr; }
  // Records read by direct gets (while it had no consumer).
  int64_t direct_reads() const { return direct_reads_; }

 private:
  // Lets go of consumer_ (if any) and has the log delete it on the server
  // in the background (a replaced consumer would otherwise be kept until
  // reader_inactive_threshold).
  void DropConsumer();
  // Records a failure to reach the log; returns UNAVAILABLE once failures
  // have lasted reader_unavailable_after, else OK (keep trying).
  absl::Status NoteFailure(const absl::Status& error);
  // Takes the messages that continue the log from next_. OUT_OF_RANGE when
  // the log has a hole below its first seq.
  absl::Status Take(const std::vector<nats::MsgPtr>& msgs,
                    std::vector<LogRecord>& out);
  // Without a consumer: installs the one being created once it is there,
  // or starts creating one (at most every kCreateBackoff). An error only
  // for a failure that retrying cannot mend.
  absl::Status AwaitConsumer();
  // Without a consumer: appends up to `batch` records from next_ read by
  // direct gets, stopping at the tail or at `deadline`. OK also when
  // direct gets are off or failed (noted; the caller waits and retries).
  absl::Status ReadDirect(int batch, absl::Time deadline,
                          std::vector<LogRecord>& out);

  JetStreamLog& log_;
  uint64_t next_;
  std::unique_ptr<nats::PushConsumer> consumer_;
  // The consumer being created (valid() while it is), and when the next
  // attempt may start after one failed.
  using ConsumerOrError = absl::StatusOr<std::unique_ptr<nats::PushConsumer>>;
  std::future<ConsumerOrError> creating_;
  absl::Time next_create_ = absl::InfinitePast();
  // Direct gets are tried when the stream allows them, and not before this
  // time after no server answered them or a replica showed a hole.
  bool direct_gets_;
  absl::Time direct_retry_at_ = absl::InfinitePast();
  int64_t direct_reads_ = 0;
  // Set when consumer_ must be replaced by one at next_ (done before the
  // next fetch, once the consumer's messages are released).
  bool replace_consumer_ = false;
  // Empty polls in a row whose consumer had undelivered records.
  int undelivered_checks_ = 0;
  // Empty waits in a row while direct gets found records (a consumer
  // that died with its server goes silent before cnats reports it).
  int silent_fetches_ = 0;
  int consumers_created_ = 0;
  // When the consumer was last asked whether it is alive (Check()).
  absl::Time last_check_ = absl::InfinitePast();
  // Since when every attempt to reach the log failed; unset after a success.
  std::optional<absl::Time> failing_since_;
};

// The record `msg` carries (its stream seq is `seq`; its dedup id is the
// Nats-Msg-Id header, "" without one).
LogRecord RecordOf(natsMsg* msg, uint64_t seq);

// OUT_OF_RANGE: records from `from_seq` on were asked for, but the log
// starts at `first_seq` (retention dropped the ones before).
absl::Status TruncatedError(uint64_t from_seq, uint64_t first_seq);

}  // namespace tidings::cluster

#endif  // TIDINGS_CLUSTER_JETSTREAM_READER_H_
