// Copyright 2026 The Tidings Authors.
//
// client.h: one NATS connection with its JetStream context, as RAII.
//
// cnats runs its own threads (per connection a reader and a flusher, a timer
// thread and a callback thread). Asynchronous publishes go through
// async_publisher.h on this client's connection. Every method here that talks
// to a server blocks the calling thread for up to
// ClientOptions::request_timeout: they are for worker or start-up threads,
// never for gRPC reactor threads.
//
// The connection reconnects by itself, forever, to any of the servers (the
// list is shuffled by cnats); while it is disconnected, requests fail at
// once with UNAVAILABLE instead of waiting for their timeout, and
// publishes are buffered (cnats' reconnect buffer) and sent when the
// connection is back.

#ifndef TIDINGS_CLUSTER_NATS_CLIENT_H_
#define TIDINGS_CLUSTER_NATS_CLIENT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster/nats/handles.h"

namespace tidings::cluster::nats {

struct ClientOptions {
  // nats://host:port URLs of some or all servers of the cluster. Required.
  // (A single comma-separated string is also accepted and split here: cnats'
  // natsOptions_SetURL takes one URL only, research gotcha 5.)
  std::vector<std::string> servers;
  // The connection's name, as the servers' monitoring shows it.
  std::string name = "tidings";
  // Bound of every request (stream and consumer management, a fetch's
  // consumer check).
  absl::Duration request_timeout = absl::Seconds(5);
  // Bound of one connect to one server (TCP, INFO, CONNECT and its PONG),
  // first connect and reconnects alike. cnats holds the connection's lock
  // through each reconnect attempt, so publishes on this client may wait
  // this long behind an attempt to a server that accepts TCP but does not
  // answer (a hung one). A handshake takes milliseconds on a LAN; the
  // margin is for a loaded server (a failed attempt moves on to the next).
  absl::Duration connect_timeout = absl::Seconds(1);
  // Time between reconnect attempts to the same server.
  absl::Duration reconnect_wait = absl::Milliseconds(250);
  // The client pings its server this often and takes the connection for
  // dead (and reconnects to another server) when max_pings_out pings in a
  // row go unanswered: a hung server (frozen, its connection open and
  // silent) is left after about 2-3 s instead of cnats' default of 2
  // minutes a ping. A ping costs a few bytes each way.
  absl::Duration ping_interval = absl::Seconds(1);
  int max_pings_out = 2;
};

// What a stream is created with (EnsureStream).
struct StreamSpec {
  std::string name;     // Required: letters, digits, '-', '_'.
  std::string subject;  // Required: the one subject the stream holds.
  int replicas = 3;     // 1..5; 3 tolerates the loss of one server.
  // Window in which a repeated Nats-Msg-Id is dropped and acked as a
  // duplicate. Must exceed how long a publisher retries one record.
  absl::Duration duplicate_window = absl::Minutes(2);
  // Retention by age; zero = keep everything.
  absl::Duration max_age = absl::ZeroDuration();
  // File storage (durable across restarts); memory only for tests.
  bool memory_storage = false;
  // Every replica answers direct gets ($JS.API.DIRECT.GET.<name>, see
  // direct_get.h): readers then go on while no consumer can be created.
  bool allow_direct = true;
};

class NatsClient {
 public:
  // Connects to one of options.servers and creates the JetStream context.
  // Blocking. INVALID_ARGUMENT for a bad option, UNAVAILABLE (naming the
  // servers) when none could be reached.
  static absl::StatusOr<std::unique_ptr<NatsClient>> Connect(
      const ClientOptions& options);

  // Closes the connection.
  ~NatsClient();

  // Closes the connection now (the destructor's first step; idempotent):
  // blocking calls in flight on other threads then fail at once with
  // UNAVAILABLE instead of waiting out request_timeout, and every later
  // call fails the same way. The client must still outlive those calls.
  void Close();

  NatsClient(const NatsClient&) = delete;
  NatsClient& operator=(const NatsClient&) = delete;

  // Creates the stream, or checks that the existing one holds spec.subject
  // with spec.replicas replicas (FAILED_PRECONDITION naming the difference
  // otherwise). The one change made to an existing stream: allow_direct is
  // turned on when spec asks for it (a stream created before it). When
  // that update fails the stream is still used; `notice` (if given) then
  // says so, else it says that the update was made, else it is left empty.
  // UNAVAILABLE while the cluster has no JetStream quorum yet (retry).
  // Blocking.
  absl::Status EnsureStream(const StreamSpec& spec,
                            std::string* notice = nullptr);

  // Whether the stream has allow_direct set (as its info reports).
  // NOT_FOUND when there is no such stream. Blocking.
  absl::StatusOr<bool> StreamAllowsDirect(const std::string& stream);

  // The stream's state (first and last seq, message count) as its leader
  // reports it. NOT_FOUND when there is no such stream. Blocking.
  absl::StatusOr<jsStreamState> StreamState(const std::string& stream);

  // When the stream was created: UTC nanoseconds since the epoch, stamped
  // by the JetStream meta leader and the same on every server. NOT_FOUND
  // when there is no such stream. Blocking.
  absl::StatusOr<int64_t> StreamCreated(const std::string& stream);

  // The server name of the stream's current leader ("" while it has none).
  // NOT_FOUND when there is no such stream. Blocking.
  absl::StatusOr<std::string> StreamLeader(const std::string& stream);

  // The server name of the JetStream meta leader (the server that manages
  // the cluster's streams and consumers). Learnt with the client
  // connection alone, no monitoring port nor system account: the meta
  // leader is the only server that answers $JS.API.STREAM.NAMES in a
  // cluster, and every server that answers a JetStream API request
  // publishes an audit advisory ($JS.EVENT.ADVISORY.API, in the client's
  // own account) naming itself. So this subscribes to those advisories,
  // sends one such request with a filter no stream matches (an empty,
  // cheap answer) and reads the advisory that carries it. Blocking, up to
  // twice request_timeout; UNAVAILABLE when no advisory came (servers that
  // do not send them). Checked against /jsz with nats-server 2.9.10.
  absl::StatusOr<std::string> MetaLeader();

  // Asks the stream's leader to step down so that another replica leads
  // (planned maintenance: a much shorter write pause than killing the
  // leader). OK once the leader accepted; the new one is elected within
  // about a second. Blocking.
  absl::Status StepDownStreamLeader(const std::string& stream);

  // The URL of the server the connection is on now ("" while
  // disconnected).
  std::string ConnectedUrl() const;

  natsConnection* connection() const { return connection_.get(); }
  jsCtx* js() const { return js_.get(); }
  const ClientOptions& options() const { return options_; }

  // cnats' jsOptions for requests with this client's request_timeout.
  jsOptions RequestOptions() const;

 private:
  explicit NatsClient(ClientOptions options);
  // js_GetStreamInfo; errors name `what` was being read.
  absl::StatusOr<StreamInfoPtr> StreamInfo(const std::string& stream,
                                           const char* what);

  ClientOptions options_;
  ConnectionPtr connection_;
  JsCtxPtr js_;  // Declared after connection_: destroyed first.
};

// Milliseconds for cnats, at least 1.
int64_t Millis(absl::Duration d);

}  // namespace tidings::cluster::nats

#endif  // TIDINGS_CLUSTER_NATS_CLIENT_H_
