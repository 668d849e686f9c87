// Copyright 2026 The Tidings Authors.
//
// push_consumer.h: an ephemeral JetStream push consumer that delivers a
// stream from a given sequence, as RAII.
//
// The server pushes each message once as it is appended (AckNone: no
// acks, no redeliveries), so a record costs one message per reader; a pull
// consumer cost four (the pull request, the delivery, the end-of-batch
// status and the ack). The reader keeps its own position, so nothing is
// lost when a push is: it sees the gap and starts a new consumer there.
// Flow control (the server waits for the client to drain what it pushed
// before pushing more) bounds what a reader that is catching up holds in
// its queue, and idle heartbeats let the client notice a consumer that
// went silent (its server died): Fetch() then fails with UNAVAILABLE.
//
// The consumer lives on one server (ephemeral, R1 in memory), so it dies
// with that server; the server also deletes it after `inactive_threshold`
// without interest. Callers (JetStreamReader) detect both through Fetch()
// / Check() errors, a gap, or silence, and create a new consumer at the
// sequence they need next.
//
// Every call blocks up to its stated bound: not for gRPC reactor threads.

#ifndef TIDINGS_CLUSTER_NATS_PUSH_CONSUMER_H_
#define TIDINGS_CLUSTER_NATS_PUSH_CONSUMER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster/nats/client.h"
#include "cluster/nats/handles.h"

namespace tidings::cluster::nats {

struct PushConsumerOptions {
  std::string stream;
  std::string subject;
  uint64_t start_seq = 1;
  // The server drops the consumer after this long without interest (its
  // subscription gone with the reader's connection).
  absl::Duration inactive_threshold = absl::Seconds(30);
  // The server sends a heartbeat after this long without a message; the
  // client reports the consumer lost after two missed ones. At least
  // 100 ms (the server's minimum).
  absl::Duration heartbeat = absl::Seconds(1);
  // Bytes of pushed messages the client queues at most before it drops
  // them (a slow consumer: Fetch() fails, and the reader starts a new
  // consumer). Flow control keeps what the server has pushed and the
  // client not yet taken under 32 MiB (nats-server 2.9's largest window),
  // so a reader that takes its records slowly stays below this; the number
  // of messages is not limited.
  int max_pending_bytes = 64 * 1024 * 1024;
};

class PushConsumer {
 public:
  // Creates the consumer (a request to the cluster, bounded by the client's
  // request_timeout). UNAVAILABLE while the stream has no leader.
  static absl::StatusOr<std::unique_ptr<PushConsumer>> Create(
      NatsClient& client, const PushConsumerOptions& options);

  // Appends up to `batch` messages to `out`: those already pushed at once,
  // else the first to arrive within `wait`. Nothing appended when none came
  // within `wait`, which is also what a consumer whose server died gives
  // until its heartbeats are missed: Check() tells the two apart. Errors
  // (UNAVAILABLE for missed heartbeats, a slow consumer or a closed
  // connection) mean: create a new consumer.
  absl::Status Fetch(int batch, absl::Duration wait, std::vector<MsgPtr>& out);

  // Asks the consumer's server whether the consumer is alive, and how far
  // it is. An error (no answer within `timeout`) means it is gone.
  // Blocking.
  struct Status {
    uint64_t pending = 0;  // Stream messages it has not pushed yet.
    std::string server;    // The server it lives on ("" if not reported).
  };
  absl::StatusOr<Status> Check(absl::Duration timeout);

  // The consumer's name (Create() names it "tidings-" and 64 random bits
  // in hex), for DeleteConsumer().
  const std::string& name() const { return name_; }

 private:
  PushConsumer(NatsClient& client, SubscriptionPtr sub, std::string name)
      : client_(client), sub_(std::move(sub)), name_(std::move(name)) {}

  NatsClient& client_;
  SubscriptionPtr sub_;
  std::string name_;
};

// Deletes the consumer `name` of `stream` (one that a reader replaced: the
// server would otherwise keep it until its inactive_threshold). NOT_FOUND
// when it is gone already. Blocking, up to `timeout`.
absl::Status DeleteConsumer(NatsClient& client, const std::string& stream,
                            const std::string& name, absl::Duration timeout);

// The stream sequence of a message a consumer delivered; 0 when its
// metadata cannot be read.
uint64_t StreamSeqOf(natsMsg* msg);

}  // namespace tidings::cluster::nats

#endif  // TIDINGS_CLUSTER_NATS_PUSH_CONSUMER_H_
