// Copyright 2026 The Tidings Authors.
//
// One store id for the whole cluster (cluster/README.md, "Store id"): every
// node of a `tidings serve --cluster` cluster reports the cluster log's id,
// so a subscriber that resumes with expect_store_id on another node goes
// on, and a wrong id still fails; a store that replicated another log is
// refused. Three nats-server processes (nats_cluster.h) and two Tidings
// nodes (tidings_binary.h), on loopback. Label `cluster`.

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

struct Subscribed {
  grpc::Status status;  // OK when `count` signals came.
  std::vector<uint64_t> seqs;
};

// Subscribes after `after_seq` with `expect_store_id` until `count` signals
// came (or the stream ended, or 20 s passed).
Subscribed Subscribe(v1::Tidings::Stub& stub, uint64_t after_seq,
                     const std::string& expect_store_id, size_t count) {
  v1::SubscribeRequest request;
  request.set_from_seq(after_seq);
  request.set_expect_store_id(expect_store_id);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> reader =
      stub.Subscribe(&context, request);
  Subscribed out;
  v1::SubscribeEvent event;
  while (out.seqs.size() < count && reader->Read(&event)) {
    if (event.has_signal()) out.seqs.push_back(event.signal().seq());
  }
  if (out.seqs.size() == count) {
    context.TryCancel();
    return out;
  }
  out.status = reader->Finish();
  return out;
}

std::vector<std::string> NodeArgs(const NatsCluster& nats) {
  return {"--cluster", absl::StrJoin(nats.urls(), ","), "--retention", "0s"};
}

TEST(ServeClusterStoreIdTest, EveryNodeReportsOneIdAndACursorMovesBetween) {
  TIDINGS_REQUIRE_NATS_SERVER();
  absl::StatusOr<std::unique_ptr<NatsCluster>> nats =
      NatsCluster::Start("store_id");
  ASSERT_TRUE(nats.ok()) << nats.status();
  ServeProcess node_a("127.0.0.1:0", "store_id_a", NodeArgs(**nats));
  ASSERT_FALSE(node_a.address().empty()) << node_a.log();
  ServeProcess node_b("127.0.0.1:0", "store_id_b", NodeArgs(**nats));
  ASSERT_FALSE(node_b.address().empty()) << node_b.log();
  auto a = StubFor(node_a.address());
  auto b = StubFor(node_b.address());

  // A subscriber's cursor from A: the last seq and A's store id.
  const v1::IngestResponse first = Ingest(*a, {MakeArticle("s1", 3)});
  const std::vector<uint64_t> seqs = AllSeqs(first);
  ASSERT_FALSE(seqs.empty());
  const std::string id = first.store_id();
  ASSERT_EQ(id.size(), 32u) << id;
  const Subscribed on_a = Subscribe(*a, 0, id, seqs.size());
  ASSERT_TRUE(on_a.status.ok()) << on_a.status.error_message();
  EXPECT_EQ(on_a.seqs, seqs);

  // B reports the same id, and resumes that cursor.
  const v1::IngestResponse second = Ingest(*b, {MakeArticle("s2", 4)});
  EXPECT_EQ(second.store_id(), id);
  const std::vector<uint64_t> more = AllSeqs(second);
  ASSERT_FALSE(more.empty());
  const Subscribed on_b = Subscribe(*b, seqs.back(), id, more.size());
  ASSERT_TRUE(on_b.status.ok()) << on_b.status.error_message();
  EXPECT_EQ(on_b.seqs, more);

  // Another store's id is still refused, on both nodes.
  const std::string wrong(32, 'a');
  for (v1::Tidings::Stub* stub : {a.get(), b.get()}) {
    const Subscribed refused = Subscribe(*stub, seqs.back(), wrong, 1);
    EXPECT_EQ(refused.status.error_code(),
              grpc::StatusCode::FAILED_PRECONDITION)
        << refused.status.error_message();
  }

  // The id survives a restart.
  node_b.Kill();
  node_b.Restart();
  ASSERT_FALSE(node_b.address().empty()) << node_b.log();
  auto b2 = StubFor(node_b.address());
  EXPECT_EQ(Ingest(*b2, {MakeArticle("s3", 5)}).store_id(), id);
}

// A store that replicated one cluster log cannot join another one (nor the
// same stream created anew): its seqs belong to the first.
TEST(ServeClusterStoreIdTest, RefusesAReplicaOfAnotherLog) {
  TIDINGS_REQUIRE_NATS_SERVER();
  absl::StatusOr<std::unique_ptr<NatsCluster>> nats =
      NatsCluster::Start("store_id_first");
  ASSERT_TRUE(nats.ok()) << nats.status();
  // Stopped, not destroyed: the destructor would delete the data directory.
  ServeProcess first("127.0.0.1:0", "store_id_other", NodeArgs(**nats));
  ASSERT_FALSE(first.address().empty()) << first.log();
  const std::string first_id =
      Ingest(*StubFor(first.address()), {MakeArticle("o1", 1)}).store_id();
  ASSERT_EQ(first.Stop(), 0);
  absl::StatusOr<std::unique_ptr<NatsCluster>> other =
      NatsCluster::Start("store_id_second");
  ASSERT_TRUE(other.ok()) << other.status();
  ServeProcess node("127.0.0.1:0", "store_id_other", NodeArgs(**other));
  EXPECT_TRUE(node.address().empty());
  EXPECT_NE(node.exit_code(), 0);
  EXPECT_NE(node.log().find("replica of another cluster log"),
            std::string::npos)
      << node.log();
  EXPECT_NE(node.log().find(first_id), std::string::npos) << node.log();
}

}  // namespace
}  // namespace tidings
