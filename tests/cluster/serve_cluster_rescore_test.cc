// Copyright 2026 The Tidings Authors.
//
// Rescore in cluster mode (cluster/README.md, "Rescore"): three
// nats-server processes and two `tidings serve --cluster` nodes on loopback.
// A rescore on node A publishes its revisions through the cluster log, so
// that both replicas store them at the same seqs; the same rescore on node
// B then stores nothing. Label `cluster`.

#include <memory>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/cluster/serve_calls.h"
#include "tests/cluster/two_node_cluster.h"
#include "tests/service/rescore_lexicons.h"
#include "tests/service/tidings_binary.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings {
namespace {

using testing::AllSeqs;
using testing::Ingest;
using testing::MakeArticle;
using testing::StubFor;

// A whole Rescore call (60 s at most): its last progress and its status.
struct RescoreRun {
  grpc::Status status;
  v1::RescoreProgress last;
};

RescoreRun Rescore(v1::Tidings::Stub& stub, const std::string& lexicons) {
  v1::RescoreRequest request;
  request.set_lexicons(lexicons);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(60)));
  std::unique_ptr<grpc::ClientReader<v1::RescoreProgress>> reader =
      stub.Rescore(&context, request);
  RescoreRun run;
  v1::RescoreProgress p;
  while (reader->Read(&p)) run.last = p;
  run.status = reader->Finish();
  return run;
}

// The signal at `seq`, waiting up to 20 s for the node's replica to hold it.
absl::StatusOr<v1::Signal> GetSignal(v1::Tidings::Stub& stub, uint64_t seq) {
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  grpc::Status last;
  while (absl::Now() < deadline) {
    v1::GetSignalRequest request;
    request.set_seq(seq);
    v1::Signal signal;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    last = stub.GetSignal(&context, request, &signal);
    if (last.ok()) return signal;
    absl::SleepFor(absl::Milliseconds(50));
  }
  return absl::DeadlineExceededError(
      absl::StrCat("seq ", seq, ": ", last.error_message()));
}

class ServeClusterRescoreTest : public ::tidings::testing::TwoNodeClusterTest {
 protected:
  void SetUp() override {
    StartCluster("rescore");
    lexicons_ = testing::MakeRescoreLexicons(::testing::TempDir() +
                                             "/cluster_rescore_lexicons." +
                                             std::to_string(::getpid()));
  }

  std::string lexicons_;
};

TEST_F(ServeClusterRescoreTest, RevisionsReachEveryReplicaOnce) {
  auto a = StubFor(nodes_[0]->address());
  auto b = StubFor(nodes_[1]->address());
  const std::vector<uint64_t> originals = AllSeqs(Ingest(
      *a, {MakeArticle("r1", 3), MakeArticle("r2", 4), MakeArticle("r3", 5)}));
  ASSERT_FALSE(originals.empty());
  const uint64_t last_original = originals.back();

  RescoreRun first = Rescore(*a, lexicons_);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message() << "\n"
                                 << nodes_[0]->ReadLog();
  EXPECT_TRUE(first.last.done());
  EXPECT_EQ(first.last.articles_rescored(), 3u);
  EXPECT_EQ(first.last.signals_stored(), originals.size());
  const uint64_t head = last_original + first.last.signals_stored();

  // Both replicas hold the same signals, revisions included, byte for byte.
  for (uint64_t seq = 1; seq <= head; ++seq) {
    absl::StatusOr<v1::Signal> on_a = GetSignal(*a, seq);
    absl::StatusOr<v1::Signal> on_b = GetSignal(*b, seq);
    ASSERT_TRUE(on_a.ok()) << on_a.status();
    ASSERT_TRUE(on_b.ok()) << on_b.status();
    EXPECT_EQ(on_a->SerializeAsString(), on_b->SerializeAsString())
        << "seq " << seq;
    if (seq > last_original) {
      EXPECT_NE(on_a->rescore_of_seq(), 0u) << "seq " << seq;
      EXPECT_EQ(on_a->scorer_version(), first.last.scorer_version());
    }
  }

  // The same rescore on B: everything is there already.
  RescoreRun again = Rescore(*b, lexicons_);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message() << "\n"
                                 << nodes_[1]->ReadLog();
  EXPECT_EQ(again.last.scorer_version(), first.last.scorer_version());
  EXPECT_EQ(again.last.articles_rescored(), 0u);
  EXPECT_EQ(again.last.signals_stored(), 0u);
  EXPECT_EQ(again.last.articles_skipped(), 3u);

  // Nothing new on either node: the next ingest gets the seq after head.
  const std::vector<uint64_t> next =
      AllSeqs(Ingest(*b, {MakeArticle("r4", 6)}));
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(next.front(), head + 1);
  absl::StatusOr<v1::Signal> on_a = GetSignal(*a, next.front());
  ASSERT_TRUE(on_a.ok()) << on_a.status();
}

}  // namespace
}  // namespace tidings
