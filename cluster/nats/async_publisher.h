// Copyright 2026 The Tidings Authors.
//
// async_publisher.h: asynchronous JetStream publishes whose pending acks,
// timeouts and message memory are ours, not cnats'.
//
// Why not js_PublishMsgAsync: cnats 3.4 registers the message in its
// pending map, with its MaxWait timer, before the publish takes the
// connection's lock. The lock can be held for seconds (a reconnect attempt
// to a server that accepts TCP but does not answer holds it up to the
// connect timeout; a write to a full socket holds it too). When the wait
// outlasts MaxWait, cnats' timer answers the publish as timed out and
// destroys the message while the blocked publish still has to send it: a
// use after free (cluster/README.md, "A hung NATS server"). Without
// MaxWait a lost ack would never be answered (research gotcha 1).
//
// So a publish here is a plain core-NATS publish with a reply subject in an
// inbox of our own (what a JetStream publish is on the wire): the stream
// answers there with its PubAck. The message is built, sent and destroyed
// inside Publish(); the pending map and the deadlines live here, and one
// thread of ours reads the answers and expires what went unanswered, so a
// publish that waits on cnats' lock can be answered as timed out (and
// retried) without anything being freed under it.

#ifndef TIDINGS_CLUSTER_NATS_ASYNC_PUBLISHER_H_
#define TIDINGS_CLUSTER_NATS_ASYNC_PUBLISHER_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster/nats/client.h"
#include "cluster/nats/handles.h"

namespace tidings::cluster::nats {

// What the stream answered to a publish.
struct PubAck {
  uint64_t seq = 0;
  bool duplicate = false;  // The Nats-Msg-Id was seen within the window.
};

// A JetStream PubAck (the JSON a stream answers a publish with): the ack,
// or the stream's error as NatsError() maps it (e.g. FAILED_PRECONDITION
// for a wrong last sequence, UNAVAILABLE while the stream has no quorum).
// INTERNAL for a body that is neither. `what` prefixes error messages.
absl::StatusOr<PubAck> ParsePubAck(absl::string_view body,
                                   absl::string_view what);

// One publish: the message and the JetStream headers it carries.
struct Publication {
  absl::string_view subject;
  absl::string_view data;
  absl::string_view msg_id;         // Nats-Msg-Id (dedup); required.
  absl::string_view expect_stream;  // Nats-Expected-Stream; "" for none.
  // Nats-Expected-Last-Sequence: append only if the stream's last seq is
  // this (0 = only to an empty stream).
  std::optional<uint64_t> expected_last_seq;
};

class AsyncPublisher {
 public:
  // Called exactly once per Publish(), on the publisher's thread (or in
  // Close()): with the ack; the stream's error; DEADLINE_EXCEEDED
  // when no answer came within ack_wait (also when no stream holds the
  // subject: cnats' synchronous subscriptions drop the server's "no
  // responders" status and report it without its subject); UNAVAILABLE
  // when the message could not be handed to cnats or the publisher closed
  // first. Keep it short; it may call Publish().
  using Done = absl::AnyInvocable<void(absl::StatusOr<PubAck>) &&>;

  // Subscribes to a fresh inbox on `client`'s connection and starts the
  // thread. Every publish waits up to `ack_wait` for its answer. Blocking.
  static absl::StatusOr<std::unique_ptr<AsyncPublisher>> Create(
      NatsClient& client, absl::Duration ack_wait);

  // Close(), then frees.
  ~AsyncPublisher();

  // Stops the thread and answers the publishes still pending with
  // UNAVAILABLE (outcome unknown) before it returns. A Publish() after it
  // is answered UNAVAILABLE at once, on the calling thread. Idempotent.
  void Close();

  AsyncPublisher(const AsyncPublisher&) = delete;
  AsyncPublisher& operator=(const AsyncPublisher&) = delete;

  // Sends `p`; `done` gets the answer on the publisher's thread, perhaps
  // before this returns (a timeout while this waits on cnats), never on
  // the calling thread but after Close(). `p` is read only before `done` can
  // run, so `done` may own what it points into. A failure to send (the
  // reconnect buffer full, the connection closed) is answered through `done`
  // too. May block while cnats holds the connection's lock (a reconnect
  // attempt: up to the client's connect_timeout), never on a full pending map.
  void Publish(const Publication& p, Done done);

  // Waits until no publish is pending, up to `timeout`. DEADLINE_EXCEEDED
  // naming how many are left otherwise.
  absl::Status WaitIdle(absl::Duration timeout);

  size_t pending() const;

 private:
  struct Entry {
    Done done;
    // Set when the answer is known before any reply (a send failure).
    std::optional<absl::Status> failed;
  };

  AsyncPublisher(natsConnection* connection, absl::Duration ack_wait,
                 SubscriptionPtr sub, std::string reply_prefix);
  // `p` as a message whose reply subject carries `token`.
  absl::StatusOr<MsgPtr> Build(const Publication& p, uint64_t token) const;
  void Loop();
  // Takes the entries that failed to send or expired off the map.
  void Collect(absl::Time now, std::vector<Entry>& expired,
               std::vector<Entry>& failed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The entry of a reply subject, taken off the map (empty when the
  // publish was answered already: a late reply).
  std::optional<Entry> TakeReplied(absl::string_view subject);

  natsConnection* const connection_;  // The client's; it outlives this.
  const absl::Duration ack_wait_;
  SubscriptionPtr sub_;
  const std::string reply_prefix_;  // "<inbox>."; a reply adds the token.

  mutable absl::Mutex mu_;
  std::atomic<uint64_t> next_token_{0};
  absl::flat_hash_map<uint64_t, Entry> pending_ ABSL_GUARDED_BY(mu_);
  // Tokens in the order sent, with their deadlines (all publishes share
  // one ack_wait, so this is also deadline order); answered ones are
  // skipped when they reach the front.
  std::deque<std::pair<absl::Time, uint64_t>> deadlines_ ABSL_GUARDED_BY(mu_);
  std::vector<uint64_t> failed_ ABSL_GUARDED_BY(mu_);  // Answer these now.
  bool closing_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace tidings::cluster::nats

#endif  // TIDINGS_CLUSTER_NATS_ASYNC_PUBLISHER_H_
