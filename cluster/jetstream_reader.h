// Copyright 2026 The Tidings Authors.
//
// jetstream_reader.h: the LogReader of JetStreamLog (internal to cluster/;
// use JetStreamLog::OpenReader()).
//
// Holds one ephemeral pull consumer at its position and replaces it when
// it stops answering (its server died, or the server dropped it as idle),
// when it has messages it does not deliver, or when it delivers past a
// hole. Redeliveries (a seq below the position) are skipped, so Next() is
// dense and in order whatever the consumer does.

#ifndef TIDINGS_CLUSTER_JETSTREAM_READER_H_
#define TIDINGS_CLUSTER_JETSTREAM_READER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster/nats/pull_consumer.h"
#include "cluster/signal_log.h"

namespace tidings::cluster {

class JetStreamLog;

class JetStreamReader final : public LogReader {
 public:
  JetStreamReader(JetStreamLog& log, uint64_t from_seq)
      : log_(log), next_(from_seq) {}

  absl::StatusOr<std::vector<LogRecord>> Next(size_t max_records,
                                              absl::Duration wait) override;
  uint64_t next_seq() const override { return next_; }

  // For monitoring and tests: the server its consumer lives on ("" before
  // the first Next()), asked of the cluster (blocking); and how many
  // consumers it has created (one, unless servers died or it idled out).
  absl::StatusOr<std::string> ConsumerServer();
  int consumers_created() const { return consumers_created_; }

 private:
  // Records a failure to reach the log; returns UNAVAILABLE once failures
  // have lasted reader_unavailable_after, else OK (keep trying).
  absl::Status NoteFailure(const absl::Status& error);
  // Takes the messages that continue the log from next_, acks the batch.
  // OUT_OF_RANGE when the log has a hole below its first seq.
  absl::Status Take(nats::MsgList& msgs, std::vector<LogRecord>& out);

  JetStreamLog& log_;
  uint64_t next_;
  std::unique_ptr<nats::PullConsumer> consumer_;
  // Set when consumer_ must be replaced by one at next_ (done before the
  // next fetch, once the consumer's messages are released).
  bool replace_consumer_ = false;
  // Empty polls in a row whose consumer had undelivered records.
  int undelivered_checks_ = 0;
  int consumers_created_ = 0;
  // When the consumer was last asked whether it is alive (Check()).
  absl::Time last_check_ = absl::InfinitePast();
  // Since when every attempt to reach the log failed; unset after a success.
  std::optional<absl::Time> failing_since_;
};

// OUT_OF_RANGE: records from `from_seq` on were asked for, but the log
// starts at `first_seq` (retention dropped the ones before).
absl::Status TruncatedError(uint64_t from_seq, uint64_t first_seq);

}  // namespace tidings::cluster

#endif  // TIDINGS_CLUSTER_JETSTREAM_READER_H_
