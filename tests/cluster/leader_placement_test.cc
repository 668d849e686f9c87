// Copyright 2026 The Tidings Authors.
//
// Leader placement (cluster/leader_placement.h) against three real
// nats-server processes (nats_cluster.h): the meta leader as the client
// connection learns it agrees with /jsz, and a stream leader that also
// leads the meta layer is stepped down, at once when a JetStreamLog opens.
// Label `cluster`.

#include "cluster/leader_placement.h"

#include <memory>
#include <string>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cluster/jetstream_log.h"
#include "gtest/gtest.h"
#include "tests/cluster/nats_cluster.h"

namespace tidings::cluster {
namespace {

using testing::NatsCluster;

class LeaderPlacementTest : public ::tidings::testing::NatsClusterTest {
 protected:
  std::unique_ptr<JetStreamLog> OpenLog(absl::Duration check_interval) {
    JetStreamLogOptions opts;
    opts.client.servers = cluster_->urls();
    opts.client.request_timeout = absl::Seconds(2);
    opts.placement_check_interval = check_interval;
    absl::StatusOr<std::unique_ptr<JetStreamLog>> log =
        JetStreamLog::Open(opts);
    EXPECT_TRUE(log.ok()) << log.status();
    return log.ok() ? *std::move(log) : nullptr;
  }

  // The stream's leader once it has one (at most 10 s), else "".
  static std::string LeaderOf(nats::NatsClient& client) {
    const absl::Time give_up = absl::Now() + absl::Seconds(10);
    while (absl::Now() < give_up) {
      absl::StatusOr<std::string> leader = client.StreamLeader("TIDINGS");
      if (leader.ok() && !leader->empty()) return *leader;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return "";
  }

  // Steps the stream leader down until the meta leader leads it too (each
  // step-down picks one of the two other replicas): at most 20 tries.
  bool MakeLeadersCoincide(nats::NatsClient& client) {
    for (int i = 0; i < 20; ++i) {
      const std::string leader = LeaderOf(client);
      if (!leader.empty() && leader == cluster_->MetaLeader()) return true;
      (void)client.StepDownStreamLeader("TIDINGS");
      absl::SleepFor(absl::Milliseconds(300));
    }
    return false;
  }
};

TEST_F(LeaderPlacementTest, MetaLeaderFromTheClientAgreesWithJsz) {
  std::unique_ptr<JetStreamLog> log = OpenLog(absl::ZeroDuration());
  ASSERT_NE(log, nullptr);
  absl::StatusOr<std::string> meta = log->client().MetaLeader();
  ASSERT_TRUE(meta.ok()) << meta.status();
  EXPECT_EQ(*meta, cluster_->MetaLeader());
  EXPECT_GE(cluster_->IndexOf(*meta), 0) << *meta;

  // After the meta leader dies, the new one is found the same way.
  cluster_->Kill(cluster_->IndexOf(*meta));
  const absl::Time give_up = absl::Now() + absl::Seconds(20);
  absl::StatusOr<std::string> next = meta;
  while (absl::Now() < give_up) {
    next = log->client().MetaLeader();
    if (next.ok() && *next != *meta && *next == cluster_->MetaLeader()) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_NE(*next, *meta);
  EXPECT_EQ(*next, cluster_->MetaLeader());
}

TEST_F(LeaderPlacementTest, CheckStepsDownAStreamLeaderThatLeadsMetaToo) {
  std::unique_ptr<JetStreamLog> log = OpenLog(absl::ZeroDuration());
  ASSERT_NE(log, nullptr);
  ASSERT_TRUE(MakeLeadersCoincide(log->client()));
  const std::string shared = cluster_->MetaLeader();

  const PlacementCheck check =
      LeaderPlacement::CheckOnce(log->client(), "TIDINGS");
  EXPECT_TRUE(check.status.ok()) << check.status;
  EXPECT_TRUE(check.stepped_down);
  EXPECT_EQ(check.meta_leader, shared);
  EXPECT_EQ(check.stream_leader, shared);
  const std::string moved = LeaderOf(log->client());
  EXPECT_FALSE(moved.empty());
  EXPECT_NE(moved, shared);

  // Apart, a check leaves them be.
  const PlacementCheck again =
      LeaderPlacement::CheckOnce(log->client(), "TIDINGS");
  EXPECT_TRUE(again.status.ok()) << again.status;
  EXPECT_FALSE(again.stepped_down);
  EXPECT_EQ(again.stream_leader, moved);
}

TEST_F(LeaderPlacementTest, ALogChecksAtOpen) {
  {
    std::unique_ptr<JetStreamLog> setup = OpenLog(absl::ZeroDuration());
    ASSERT_NE(setup, nullptr);
    ASSERT_TRUE(MakeLeadersCoincide(setup->client()));
  }
  const std::string shared = cluster_->MetaLeader();
  std::unique_ptr<JetStreamLog> log = OpenLog(absl::Hours(1));
  ASSERT_NE(log, nullptr);
  const absl::Time give_up = absl::Now() + absl::Seconds(15);
  while (log->Health().leader_checks == 0 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  const LogHealth health = log->Health();
  EXPECT_EQ(health.leader_checks, 1u);
  EXPECT_EQ(health.failed_leader_checks, 0u);
  EXPECT_EQ(health.leader_moves, 1u);
  EXPECT_TRUE(health.leader_shared);
  const std::string moved = LeaderOf(log->client());
  EXPECT_FALSE(moved.empty());
  EXPECT_NE(moved, shared);
}

}  // namespace
}  // namespace tidings::cluster
