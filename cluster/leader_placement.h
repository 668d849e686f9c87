// Copyright 2026 The Tidings Authors.
//
// leader_placement.h: keeps the stream's leader off the JetStream meta
// leader's server.
//
// On nats-server 2.9.10, when one server leads both the stream and the
// JetStream meta layer and dies, the stream's new election waits for the
// meta layer's: writes paused 5-31 s in the tests (cluster/README.md,
// "Availability"), against 4-7 s otherwise. So each Tidings node checks,
// at start and then every `interval`, who leads what, and when one server
// leads both it asks the stream's leader to step down (a planned hand-over:
// a pause of about a second). Nodes check independently; a step-down asked
// twice at once only moves the leader twice.
//
// A check is three requests on the log's own connection (the meta leader,
// NatsClient::MetaLeader; the stream's leader; maybe the step-down), each
// bounded by the client's request_timeout, on the checker's own thread:
// never on a gRPC reactor.

#ifndef TIDINGS_CLUSTER_LEADER_PLACEMENT_H_
#define TIDINGS_CLUSTER_LEADER_PLACEMENT_H_

#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "cluster/nats/client.h"
#include "cluster/signal_log.h"

namespace tidings::cluster {

// The outcome of one check.
struct PlacementCheck {
  // OK, or why the check could not tell (a server down, an election in
  // progress): it is tried again at the next interval.
  absl::Status status;
  std::string meta_leader;    // Server names, as the check found them.
  std::string stream_leader;  // Before any step-down.
  bool stepped_down = false;  // The two were one, and the leader stepped
                              // down (status says if that failed).
};

class LeaderPlacement {
 public:
  using Observer = std::function<void(const PlacementCheck&)>;

  // Starts checking `stream` through `client` (not owned; must outlive
  // this) at once and then every `interval` (> 0). `on_check` (may be
  // empty) is called after every check, on the checker's thread.
  LeaderPlacement(nats::NatsClient* client, std::string stream,
                  absl::Duration interval, Observer on_check);

  // Stops; waits for a check in progress (bounded by its requests).
  ~LeaderPlacement();

  LeaderPlacement(const LeaderPlacement&) = delete;
  LeaderPlacement& operator=(const LeaderPlacement&) = delete;

  // The counts so far (SignalLog::Health()'s leader fields). Thread-safe.
  LogHealth Health() const;

  // One check, now, on the calling thread. Blocking.
  static PlacementCheck CheckOnce(nats::NatsClient& client,
                                  const std::string& stream);

 private:
  void Loop();

  nats::NatsClient* const client_;
  const std::string stream_;
  const absl::Duration interval_;
  const Observer on_check_;

  mutable absl::Mutex mu_;
  bool stop_ ABSL_GUARDED_BY(mu_) = false;
  LogHealth health_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace tidings::cluster

#endif  // TIDINGS_CLUSTER_LEADER_PLACEMENT_H_
