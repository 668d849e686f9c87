// Copyright 2026 The Tidings Authors.
//
// `tidings serve --cluster` under faults, mid-load: three nats-server and two
// Tidings processes on loopback (tidings_cluster.h), three writers ingesting
// through both nodes and a subscriber on each (cluster_load.h). Cases:
// SIGKILL of the NATS stream leader, of a NATS follower, of every NATS
// server at once, of a Tidings node, and a rolling restart (SIGTERM) of
// every server and node, one at a time.
// Each checks that every acknowledged article is stored exactly once on every
// node with the seqs it was acknowledged with, that seqs are dense and every
// signal identical on every node (Query and GetSignal per node), and that
// every subscriber saw every seq exactly once; and prints the write pause and
// the subscribers' stalls. Label `cluster`.
//
// The target is writes back within 10 s of killing the stream
// leader; a pause beyond that is printed as a finding, while a test fails at
// kPauseBound (a writer that never recovers), or on any lost or duplicated
// acknowledged article.

#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "tests/cluster/cluster_load.h"
#include "tests/cluster/cluster_verifier.h"
#include "tests/cluster/tidings_cluster.h"

namespace tidings {
namespace {

using testing::Follower;
using testing::Ledger;
using testing::Load;
using testing::LoadClock;
using testing::LoadOptions;
using testing::TidingsCluster;
using testing::Verifier;
using testing::Violations;

constexpr double kPauseTarget = 10;  // Seconds: the target.
constexpr double kPauseBound = 60;   // Seconds: beyond it a test fails.

class ServeClusterFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TIDINGS_REQUIRE_NATS_SERVER();
    absl::StatusOr<std::unique_ptr<TidingsCluster>> c = TidingsCluster::Start(
        ::testing::UnitTest::GetInstance()->current_test_info()->name(), 2,
        TIDINGS_BINARY);
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = *std::move(c);
  }

  void TearDown() override {
    followers_.clear();
    load_.reset();
    if (HasFailure() && cluster_ != nullptr) {
      for (int i = 0; i < cluster_->size(); ++i) {
        std::printf("---- log of Tidings node %s (last 3000 bytes):\n%s\n",
                    cluster_->node(i).name().c_str(),
                    Tail(cluster_->node(i).Log()).c_str());
      }
    }
  }

  static std::string Tail(const std::string& s) {
    return s.size() > 3000 ? s.substr(s.size() - 3000) : s;
  }

  // Starts the writers and a subscriber per node; returns once the load
  // has its first acknowledgements.
  void StartLoad() {
    for (int i = 0; i < cluster_->size(); ++i) {
      followers_.push_back(
          std::make_unique<Follower>(cluster_.get(), &violations_, i, i));
    }
    load_ = std::make_unique<Load>(cluster_.get(), &ledger_, &violations_,
                                   LoadOptions{}, 1, "t");
    load_->Start();
    for (int i = 0; i < 300 && load_->acked() < 30; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_GE(load_->acked(), 30) << "no load: " << load_->first_failure();
  }

  // Waits until writes resumed after `fault` (20 acks after it; at most
  // kPauseBound), then `more`.
  void AwaitResumed(LoadClock::time_point fault,
                    std::chrono::milliseconds more = std::chrono::seconds(1)) {
    const auto until = fault + std::chrono::seconds(int(kPauseBound));
    while (load_->acked_after(fault) < 20 && LoadClock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::this_thread::sleep_for(more);
  }

  // Stops the load, verifies every node and subscriber, prints the figures.
  void StopAndVerify(LoadClock::time_point fault, const std::string& what) {
    std::this_thread::sleep_for(std::chrono::seconds(2));  // Load after.
    const LoadClock::time_point stop = LoadClock::now();
    load_->Stop();
    const double pause = load_->LongestAckGap(fault, stop);
    std::string via;
    for (int i = 0; i < cluster_->size(); ++i) {
      absl::StrAppend(&via,
                      absl::StrFormat("%s%s %.2f s", i > 0 ? ", " : "",
                                      cluster_->node(i).name(),
                                      load_->LongestAckGapVia(i, fault, stop)));
    }
    std::string stalls;
    for (auto& f : followers_) {
      absl::StrAppend(&stalls, absl::StrFormat(" on %s %.2f s (%d reconnects);",
                                               cluster_->node(f->home()).name(),
                                               f->LongestStall(fault, stop),
                                               f->reconnects()));
    }
    std::vector<Follower*> followers;
    for (auto& f : followers_) followers.push_back(f.get());
    Verifier verifier(cluster_.get(), &ledger_, &violations_);
    Verifier::Figures figures;
    std::mt19937_64 rng(7);
    EXPECT_TRUE(verifier.Verify(followers, true, what, rng, &figures));
    std::printf(
        "[ figures  ] %s: write pause %.2f s%s (through node %s); subscriber "
        "stall:%s acked "
        "%lld articles (%lld calls ok, %lld resent after a failure, %lld "
        "cross-node duplicates checked), head %llu, identical on %d nodes, "
        "catch-up %.2f s\n",
        what.c_str(), pause,
        pause > kPauseTarget ? " (ABOVE the 10 s target)" : "", via.c_str(),
        stalls.c_str(), static_cast<long long>(load_->acked()),
        static_cast<long long>(load_->calls_ok()),
        static_cast<long long>(load_->calls_failed()),
        static_cast<long long>(load_->duplicates_checked()),
        static_cast<unsigned long long>(figures.head), figures.nodes_checked,
        figures.catch_up_s);
    if (load_->first_sends_duplicate() > 0) {
      std::printf(
          "[ figures  ] %lld articles sent for the first time were answered "
          "duplicate = true (stored once, at the seqs given)\n",
          static_cast<long long>(load_->first_sends_duplicate()));
    }
    if (load_->calls_failed() > 0) {
      std::printf("[ figures  ] first failure: %s\n",
                  load_->first_failure().c_str());
    }
    EXPECT_LT(pause, kPauseBound);
    EXPECT_EQ(violations_.total(), 0) << violations_.Text();
    EXPECT_EQ(figures.nodes_checked, cluster_->size());
  }

  std::unique_ptr<TidingsCluster> cluster_;
  Violations violations_;
  Ledger ledger_;
  std::unique_ptr<Load> load_;
  std::vector<std::unique_ptr<Follower>> followers_;
};

TEST_F(ServeClusterFaultTest, KillTheStreamLeaderMidLoad) {
  ASSERT_NO_FATAL_FAILURE(StartLoad());
  bool stepped = false;
  const int leader = cluster_->MoveStreamLeaderOffMetaLeader(&stepped);
  ASSERT_GE(leader, 0);
  std::printf("[ figures  ] stream leader %s%s\n",
              cluster_->nats().name(leader).c_str(),
              stepped ? " (stepped down from the meta leader first)" : "");
  const LoadClock::time_point fault = LoadClock::now();
  cluster_->nats().Kill(leader);
  AwaitResumed(fault);
  ASSERT_TRUE(cluster_->RestartNats(leader).ok());
  StopAndVerify(fault, "kill -9 of the stream leader");
}

TEST_F(ServeClusterFaultTest, KillANatsFollowerMidLoad) {
  ASSERT_NO_FATAL_FAILURE(StartLoad());
  const int leader = cluster_->StreamLeaderIndex();
  ASSERT_GE(leader, 0);
  const std::string meta = cluster_->nats().MetaLeader();
  int follower = -1;
  for (int i = 0; i < cluster_->nats().size() && follower < 0; ++i) {
    if (i != leader && cluster_->nats().name(i) != meta) follower = i;
  }
  ASSERT_GE(follower, 0);
  const LoadClock::time_point fault = LoadClock::now();
  cluster_->nats().Kill(follower);
  AwaitResumed(fault, std::chrono::seconds(3));
  ASSERT_TRUE(cluster_->RestartNats(follower).ok());
  StopAndVerify(fault, "kill -9 of a NATS follower");
}

TEST_F(ServeClusterFaultTest, KillATidingsNodeMidLoad) {
  ASSERT_NO_FATAL_FAILURE(StartLoad());
  const LoadClock::time_point fault = LoadClock::now();
  cluster_->node(1).Kill();  // Its writers go on through A, its subscriber too.
  AwaitResumed(fault, std::chrono::seconds(3));
  ASSERT_TRUE(cluster_->node(1).Start().ok());
  StopAndVerify(fault, "kill -9 of Tidings node B");
}

// Every NATS server killed at once (cluster/README.md, "What an
// acknowledgement means": the page cache outlives the processes). While
// they are down nothing is acknowledged (calls wait for the log, up to its
// 20 s publish timeout, then fail as "outcome unknown" and the writers send
// them again); once they are back, writes resume and every article
// acknowledged before the kill is there, once. (Measured: down 3 s, writes
// back about 8 s after the restart began.)
TEST_F(ServeClusterFaultTest, KillEveryNatsServerAtOnceMidLoad) {
  ASSERT_NO_FATAL_FAILURE(StartLoad());
  const LoadClock::time_point fault = LoadClock::now();
  for (int i = 0; i < cluster_->nats().size(); ++i) cluster_->nats().Kill(i);
  std::this_thread::sleep_for(std::chrono::seconds(3));
  // (Acks already on their way at the kill may arrive within the first
  // second; none after that.)
  const LoadClock::time_point restart = LoadClock::now();
  EXPECT_EQ(load_->acked_after(fault + std::chrono::seconds(1)) -
                load_->acked_after(restart),
            0);
  for (int i = 0; i + 1 < cluster_->nats().size(); ++i) {
    ASSERT_TRUE(cluster_->nats().Restart(i).ok()) << cluster_->nats().name(i);
  }
  ASSERT_TRUE(cluster_->RestartNats(cluster_->nats().size() - 1).ok());
  AwaitResumed(restart, std::chrono::seconds(2));
  std::printf(
      "[ figures  ] all NATS servers down 3 s: writes back %.2f s after the "
      "restart began\n",
      load_->LongestAckGap(restart, LoadClock::now()));
  StopAndVerify(fault, "kill -9 of every NATS server at once");
}

TEST_F(ServeClusterFaultTest, RollingRestartOfEveryNode) {
  ASSERT_NO_FATAL_FAILURE(StartLoad());
  const LoadClock::time_point start = LoadClock::now();
  // Each step's own write pause, printed (the steps follow each other).
  std::vector<std::pair<std::string, LoadClock::time_point>> steps;
  for (int i = 0; i < cluster_->nats().size(); ++i) {
    std::string step = "NATS " + cluster_->nats().name(i);
    if (cluster_->StreamLeaderIndex() == i) {
      bool stepped = false;
      cluster_->MoveStreamLeaderOffMetaLeader(&stepped);
      step += cluster_->StreamLeaderIndex() == i ? " (stream leader)"
                                                 : " (was stream leader)";
    }
    steps.emplace_back(step, LoadClock::now());
    cluster_->nats().Terminate(i);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    ASSERT_TRUE(cluster_->RestartNats(i).ok()) << cluster_->nats().name(i);
  }
  for (int i = 0; i < cluster_->size(); ++i) {
    steps.emplace_back("Tidings " + cluster_->node(i).name(), LoadClock::now());
    EXPECT_TRUE(cluster_->node(i).Stop()) << "no clean stop";
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    ASSERT_TRUE(cluster_->node(i).Start().ok()) << cluster_->node(i).name();
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
  steps.emplace_back("end", LoadClock::now());
  std::string text;
  for (size_t k = 0; k + 1 < steps.size(); ++k) {
    absl::StrAppend(
        &text, absl::StrFormat(
                   " %s %.2f s;", steps[k].first,
                   load_->LongestAckGap(steps[k].second, steps[k + 1].second)));
  }
  std::printf("[ figures  ] rolling restart, write pause per step:%s\n",
              text.c_str());
  StopAndVerify(start, "rolling restart of 3 NATS servers and 2 Tidings nodes");
}

}  // namespace
}  // namespace tidings
