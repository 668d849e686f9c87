// Copyright 2026 The Tidings Authors.
//
// two_node_cluster.h: a test fixture with three nats-server processes
// (nats_cluster.h) and two `tidings serve --cluster` nodes on ephemeral
// loopback ports (tests/service/tidings_binary.h's ServeProcess), no
// retention. For tests that restart or kill nodes on fixed ports, see
// tidings_cluster.h.

#ifndef TIDINGS_TESTS_CLUSTER_TWO_NODE_CLUSTER_H_
#define TIDINGS_TESTS_CLUSTER_TWO_NODE_CLUSTER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "tests/cluster/nats_cluster.h"
#include "tests/service/tidings_binary.h"

namespace tidings::testing {

class TwoNodeClusterTest : public ::testing::Test {
 protected:
  // Starts NATS as `name` and the nodes `name`_a and `name`_b (nodes_[0],
  // nodes_[1]). Call from SetUp(); skips without nats-server.
  void StartCluster(const std::string& name) {
    TIDINGS_REQUIRE_NATS_SERVER();
    absl::StatusOr<std::unique_ptr<NatsCluster>> nats =
        NatsCluster::Start(name);
    ASSERT_TRUE(nats.ok()) << nats.status();
    nats_ = *std::move(nats);
    const std::string urls = absl::StrJoin(nats_->urls(), ",");
    for (const char* node : {"_a", "_b"}) {
      nodes_.push_back(std::make_unique<ServeProcess>(
          "127.0.0.1:0", name + node,
          std::vector<std::string>{"--cluster", urls, "--retention", "0s"}));
      ASSERT_FALSE(nodes_.back()->address().empty()) << nodes_.back()->log();
    }
  }

  std::unique_ptr<NatsCluster> nats_;
  std::vector<std::unique_ptr<ServeProcess>> nodes_;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_CLUSTER_TWO_NODE_CLUSTER_H_
