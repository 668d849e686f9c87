// Copyright 2026 The Tidings Authors.

#include "cluster/leader_placement.h"

#include <utility>

#include "absl/strings/str_cat.h"

namespace tidings::cluster {

LeaderPlacement::LeaderPlacement(nats::NatsClient* client, std::string stream,
                                 absl::Duration interval, Observer on_check)
    : client_(client),
      stream_(std::move(stream)),
      interval_(interval),
      on_check_(std::move(on_check)) {
  thread_ = std::thread([this] { Loop(); });
}

LeaderPlacement::~LeaderPlacement() {
  {
    absl::MutexLock lock(&mu_);
    stop_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

LogHealth LeaderPlacement::Health() const {
  absl::MutexLock lock(&mu_);
  return health_;
}

PlacementCheck LeaderPlacement::CheckOnce(nats::NatsClient& client,
                                          const std::string& stream) {
  PlacementCheck check;
  absl::StatusOr<std::string> meta = client.MetaLeader();
  if (!meta.ok()) {
    check.status = meta.status();
    return check;
  }
  check.meta_leader = *std::move(meta);
  absl::StatusOr<std::string> leader = client.StreamLeader(stream);
  if (!leader.ok()) {
    check.status = leader.status();
    return check;
  }
  check.stream_leader = *std::move(leader);
  if (check.stream_leader.empty() || check.stream_leader != check.meta_leader) {
    return check;
  }
  check.stepped_down = true;
  check.status = client.StepDownStreamLeader(stream);
  return check;
}

void LeaderPlacement::Loop() {
  const auto stopped = [this]()
                           ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stop_; };
  for (;;) {
    PlacementCheck check = CheckOnce(*client_, stream_);
    {
      absl::MutexLock lock(&mu_);
      ++health_.leader_checks;
      if (!check.status.ok()) ++health_.failed_leader_checks;
      if (check.stepped_down && check.status.ok()) ++health_.leader_moves;
      if (check.status.ok() || check.stepped_down) {
        health_.leader_shared = check.stepped_down;
      }
    }
    if (on_check_) on_check_(check);
    absl::MutexLock lock(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&stopped), interval_)) return;
  }
}

}  // namespace tidings::cluster
