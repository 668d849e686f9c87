// Copyright 2026 The Tidings Authors.
//
// `tidings serve --cluster` end to end: three nats-server processes
// (nats_cluster.h) and two Tidings nodes (tidings_binary.h), on loopback.
// Ingest on one node, subscribe on the other; the same article_id via both
// nodes; a subscriber resuming on the other node. Label `cluster`.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/cluster/nats_cluster.h"
#include "tests/cluster/serve_calls.h"
#include "tests/cluster/two_node_cluster.h"
#include "tests/service/tidings_binary.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings {
namespace {

using testing::AllSeqs;
using testing::Ingest;
using testing::MakeArticle;
using testing::NatsCluster;
using testing::ServeProcess;
using testing::StubFor;

// The seqs a Subscribe from `from_seq` delivers until it has `count` of
// them (or 20 s pass).
std::vector<uint64_t> Subscribe(v1::Tidings::Stub& stub, uint64_t from_seq,
                                size_t count) {
  v1::SubscribeRequest request;
  request.set_from_seq(from_seq);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> reader =
      stub.Subscribe(&context, request);
  std::vector<uint64_t> seqs;
  v1::SubscribeEvent event;
  while (seqs.size() < count && reader->Read(&event)) {
    if (event.has_signal()) seqs.push_back(event.signal().seq());
  }
  context.TryCancel();
  return seqs;
}

class ServeClusterTest : public ::tidings::testing::TwoNodeClusterTest {
 protected:
  void SetUp() override { StartCluster("serve"); }
};

TEST_F(ServeClusterTest, IngestOnOneNodeSubscribeOnTheOther) {
  auto a = StubFor(nodes_[0]->address());
  auto b = StubFor(nodes_[1]->address());
  v1::IngestResponse r =
      Ingest(*a, {MakeArticle("x1", 3), MakeArticle("x2", 4)});
  const std::vector<uint64_t> seqs = AllSeqs(r);
  ASSERT_FALSE(seqs.empty());
  for (size_t i = 0; i < seqs.size(); ++i) EXPECT_EQ(seqs[i], i + 1);
  EXPECT_EQ(Subscribe(*b, 0, seqs.size()), seqs);

  // More through B: the seqs go on where A's stopped, and A delivers them.
  v1::IngestResponse r2 = Ingest(*b, {MakeArticle("x3", 5)});
  const std::vector<uint64_t> seqs2 = AllSeqs(r2);
  ASSERT_FALSE(seqs2.empty());
  EXPECT_EQ(seqs2.front(), seqs.back() + 1);
  // Resume on the other node with the last seq seen.
  EXPECT_EQ(Subscribe(*a, seqs.back(), seqs2.size()), seqs2);
}

TEST_F(ServeClusterTest, TheSameArticleViaTwoNodesIsStoredOnce) {
  auto a = StubFor(nodes_[0]->address());
  auto b = StubFor(nodes_[1]->address());
  v1::IngestResponse first = Ingest(*a, {MakeArticle("same", 7)});
  v1::IngestResponse second = Ingest(*b, {MakeArticle("same", 7)});
  ASSERT_EQ(first.results_size(), 1);
  ASSERT_EQ(second.results_size(), 1);
  EXPECT_FALSE(first.results(0).duplicate());
  EXPECT_TRUE(second.results(0).duplicate());
  EXPECT_EQ(AllSeqs(second), AllSeqs(first));
  // One copy on each node: the next article gets the next seq everywhere.
  v1::IngestResponse next = Ingest(*b, {MakeArticle("next", 8)});
  ASSERT_FALSE(AllSeqs(next).empty());
  EXPECT_EQ(AllSeqs(next).front(), AllSeqs(first).back() + 1);
  EXPECT_EQ(Subscribe(*a, AllSeqs(first).back(), 1),
            std::vector<uint64_t>{AllSeqs(next).front()});
}

TEST_F(ServeClusterTest, ANodeKilledCatchesUpFromItsLastAppliedRecord) {
  auto a = StubFor(nodes_[0]->address());
  const std::vector<uint64_t> before =
      AllSeqs(Ingest(*a, {MakeArticle("k1", 1), MakeArticle("k2", 2)}));
  ASSERT_FALSE(before.empty());
  {
    auto b = StubFor(nodes_[1]->address());
    ASSERT_EQ(Subscribe(*b, 0, before.size()), before);  // B applied them.
  }
  nodes_[1]->Kill();  // SIGKILL: no shutdown.
  const std::vector<uint64_t> during =
      AllSeqs(Ingest(*a, {MakeArticle("k3", 3), MakeArticle("k4", 4)}));
  ASSERT_FALSE(during.empty());
  nodes_[1]->Restart();
  ASSERT_FALSE(nodes_[1]->address().empty()) << nodes_[1]->log();
  auto b = StubFor(nodes_[1]->address());
  std::vector<uint64_t> all = before;
  all.insert(all.end(), during.begin(), during.end());
  EXPECT_EQ(Subscribe(*b, 0, all.size()), all);
  // And B ingests after them.
  const std::vector<uint64_t> after =
      AllSeqs(Ingest(*b, {MakeArticle("k5", 5)}));
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after.front(), all.back() + 1);
}

// A single node's store cannot become a replica: its seqs are its own.
TEST(ServeClusterStartTest, RefusesAStoreWrittenOutsideTheCluster) {
  TIDINGS_REQUIRE_NATS_SERVER();
  absl::StatusOr<std::unique_ptr<NatsCluster>> nats =
      NatsCluster::Start("serve_refuse");
  ASSERT_TRUE(nats.ok()) << nats.status();
  ServeProcess single("127.0.0.1:0", "cluster_refuse");
  ASSERT_FALSE(single.address().empty()) << single.log();
  ASSERT_FALSE(
      AllSeqs(Ingest(*StubFor(single.address()), {MakeArticle("local", 1)}))
          .empty());
  ASSERT_EQ(single.Stop(), 0);
  ServeProcess node(
      "127.0.0.1:0", "cluster_refuse",
      {"--cluster", absl::StrJoin((*nats)->urls(), ","), "--retention", "0s"});
  EXPECT_TRUE(node.address().empty());
  EXPECT_NE(node.exit_code(), 0);
  EXPECT_NE(node.log().find("stored outside the cluster log"),
            std::string::npos)
      << node.log();
}

}  // namespace
}  // namespace tidings
