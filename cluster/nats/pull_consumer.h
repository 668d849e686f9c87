// Copyright 2026 The Tidings Authors.
//
// pull_consumer.h: an ephemeral JetStream pull consumer that delivers a
// stream from a given sequence, as RAII.
//
// The consumer lives on one server (ephemeral consumers are R1 in memory),
// so it dies with that server; the server also deletes it after
// `inactive_threshold` without fetches. Callers (JetStreamReader) detect
// both through Fetch()/Check() errors and create a new consumer at the
// sequence they need next. Acks are AckAll: acking a message acks all
// before it, so one ack per batch keeps the server from redelivering.
//
// Every call blocks up to its stated bound: not for gRPC reactor threads.

#ifndef TIDINGS_CLUSTER_NATS_PULL_CONSUMER_H_
#define TIDINGS_CLUSTER_NATS_PULL_CONSUMER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster/nats/client.h"
#include "cluster/nats/handles.h"

namespace tidings::cluster::nats {

struct PullConsumerOptions {
  std::string stream;
  std::string subject;
  uint64_t start_seq = 1;
  // The server drops the consumer after this long without a fetch.
  absl::Duration inactive_threshold = absl::Seconds(30);
  // Delivered but unacked messages the server allows; must exceed the
  // largest batch fetched.
  int max_ack_pending = 20000;
};

class PullConsumer {
 public:
  // Creates the consumer (a request to the cluster, bounded by the client's
  // request_timeout). UNAVAILABLE while the stream has no leader.
  static absl::StatusOr<std::unique_ptr<PullConsumer>> Create(
      NatsClient& client, const PullConsumerOptions& options);

  // Up to `batch` messages: at once when some are there (without waiting
  // to fill the batch, so a tail is delivered as soon as it is appended),
  // else the first ones to arrive within `wait`. An empty list when none
  // came within `wait`, which is also what a consumer whose server died
  // gives: Check() tells the two apart. Errors (UNAVAILABLE when the
  // connection is down) mean: create a new consumer.
  absl::Status Fetch(int batch, absl::Duration wait, MsgList& out);

  // Asks the consumer's server whether the consumer is alive, and how far
  // it is. An error (no answer within `timeout`) means it is gone.
  // Blocking.
  struct Status {
    uint64_t pending = 0;  // Stream messages it has not delivered yet.
    std::string server;    // The server it lives on ("" if not reported).
  };
  absl::StatusOr<Status> Check(absl::Duration timeout);

  // Acks `msg` and everything delivered before it (AckAll). Does not wait
  // for the server.
  void AckThrough(natsMsg* msg);

  // The consumer's name (Create() names it "tidings-" and 64 random bits
  // in hex), for Delete().
  const std::string& name() const { return name_; }

 private:
  PullConsumer(NatsClient& client, SubscriptionPtr sub, std::string name)
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

#endif  // TIDINGS_CLUSTER_NATS_PULL_CONSUMER_H_
