// Copyright 2026 The Tidings Authors.
//
// Limits, overload and storage faults (issue 5, items 6 and 7):
//   - the global cap on ingest bytes in flight (max_inflight_bytes):
//     RESOURCE_EXHAUSTED with a retry hint while it is full, success once it
//     drains;
//   - client deadlines shorter than a stuck commit: DEADLINE_EXCEEDED, the
//     server stays up;
//   - RocksDB write failures (tests/testing/fault_fs.h) under a real server:
//     UNAVAILABLE, nothing acknowledged, nothing partial, dense seqs after
//     the fault clears.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "tests/service/test_server.h"
#include "tests/testing/fault_fs.h"

namespace tidings::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

// Waits (bounded) until `pred` holds.
template <typename Pred>
bool WaitFor(Pred pred, absl::Duration limit = absl::Seconds(20)) {
  const absl::Time end = absl::Now() + limit;
  while (!pred()) {
    if (absl::Now() > end) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

std::unique_ptr<TestServer> StartFake(service::ServerOptions options,
                                      std::shared_ptr<FakeStoreData> fake) {
  absl::StatusOr<std::unique_ptr<TestServer>> s =
      TestServer::Start(StoreKind::kFake, options, "", std::move(fake));
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? *std::move(s) : nullptr;
}

TEST(InflightBytesTest, OverTheCapIsResourceExhaustedWithARetryHint) {
  auto fake = std::make_shared<FakeStoreData>();
  service::ServerOptions options = TestOptions();
  const v1::Article a = MakeArticle("a", 1);
  // Room for one article, not two.
  options.max_inflight_bytes = a.body().size() + a.title().size() + 10;
  std::unique_ptr<TestServer> server = StartFake(options, fake);
  ASSERT_NE(server, nullptr);

  // The first ingest holds its bytes while its commit is stuck.
  fake->append_delay_ms = 1500;
  v1::IngestResponse first;
  grpc::Status first_status;
  std::thread holder([&] {
    v1::IngestRequest req;
    *req.add_articles() = a;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    first_status = server->stub().Ingest(&ctx, req, &first);
  });
  ASSERT_TRUE(WaitFor([&] { return fake->append_calls.load() >= 1; }));

  // Unary: refused whole, with the hint in the message and the metadata.
  v1::IngestRequest req;
  *req.add_articles() = MakeArticle("b", 2);
  v1::IngestResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status s = server->stub().Ingest(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("max_inflight_bytes"));
  EXPECT_THAT(s.error_message(), HasSubstr("retry"));
  // gRPC's standard pushback trailer (gRFC A6), not a custom one.
  const auto& trailers = ctx.GetServerTrailingMetadata();
  auto hint = trailers.find("grpc-retry-pushback-ms");
  ASSERT_NE(hint, trailers.end());
  EXPECT_EQ(std::string(hint->second.data(), hint->second.size()), "500");
  EXPECT_EQ(trailers.count("tidings-retry-after-ms"), 0u);

  // A stream: the article is answered at once, not stored.
  {
    grpc::ClientContext sctx;
    SetDeadline(&sctx);
    auto stream = server->stub().IngestStream(&sctx);
    ASSERT_TRUE(stream->Write(MakeArticle("c", 3)));
    v1::IngestResult r;
    ASSERT_TRUE(stream->Read(&r));
    EXPECT_EQ(r.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(r.error_message(), HasSubstr("retry"));
    EXPECT_EQ(r.seqs_size(), 0);
    stream->WritesDone();
    EXPECT_TRUE(stream->Finish().ok());
  }

  holder.join();
  ASSERT_TRUE(first_status.ok()) << first_status.error_message();
  EXPECT_THAT(AllSeqs(first), ElementsAreArray({1u}));
  // Released: both go through now, densely after the first.
  fake->append_delay_ms = 0;
  EXPECT_EQ(AllSeqs(IngestOrDie(server->stub(), {MakeArticle("b", 2)})),
            Range(2, 2));
  EXPECT_EQ(AllSeqs(IngestOrDie(server->stub(), {MakeArticle("c", 3)})),
            Range(3, 3));
  EXPECT_EQ(fake->head.load(), 3u);
}

TEST(InflightBytesTest, ARequestLargerThanTheCapGoesAloneAndZeroMeansNoCap) {
  auto fake = std::make_shared<FakeStoreData>();
  service::ServerOptions options = TestOptions();
  options.max_inflight_bytes = 10;  // Smaller than any article.
  std::unique_ptr<TestServer> server = StartFake(options, fake);
  ASSERT_NE(server, nullptr);
  // Nothing else in flight: admitted, or it could never be sent.
  EXPECT_EQ(AllSeqs(IngestOrDie(server->stub(),
                                {MakeArticle("a", 1), MakeArticle("b", 2)})),
            Range(1, 2));
  server.reset();
  options.max_inflight_bytes = 0;
  server = StartFake(options, fake);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(AllSeqs(IngestOrDie(server->stub(), {MakeArticle("c", 3)})),
            Range(3, 3));
}

TEST(DeadlineTest, DeadlineShorterThanAStuckCommitIsDeadlineExceeded) {
  auto fake = std::make_shared<FakeStoreData>();
  std::unique_ptr<TestServer> server = StartFake(TestOptions(), fake);
  ASSERT_NE(server, nullptr);
  fake->append_delay_ms = 1500;
  v1::IngestRequest req;
  *req.add_articles() = MakeArticle("slow", 1);
  v1::IngestResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, std::chrono::milliseconds(300));
  grpc::Status s = server->stub().Ingest(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  // A stream with a short deadline, too.
  {
    grpc::ClientContext sctx;
    SetDeadline(&sctx, std::chrono::milliseconds(300));
    auto stream = server->stub().IngestStream(&sctx);
    stream->Write(MakeArticle("slow-stream", 2));
    v1::IngestResult r;
    while (stream->Read(&r)) {
    }
    EXPECT_EQ(stream->Finish().error_code(),
              grpc::StatusCode::DEADLINE_EXCEEDED);
  }
  // The server is up; the stuck commits finish on their own (unacknowledged
  // but stored whole), so a retry is answered as a duplicate, and the log
  // stays dense.
  fake->append_delay_ms = 0;
  ASSERT_TRUE(WaitFor([&] { return fake->head.load() >= 2; }));
  v1::IngestResponse retry =
      IngestOrDie(server->stub(), {MakeArticle("slow", 1)});
  EXPECT_TRUE(retry.results(0).duplicate());
  EXPECT_EQ(AllSeqs(IngestOrDie(server->stub(), {MakeArticle("next", 3)})),
            Range(3, 3));
}

// The real RocksDB store under a server, with writes failing on demand.
class StorageFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<TestServer>> s =
        TestServer::Start(StoreKind::kRocksDb, TestOptions(), dir_.path(),
                          nullptr, nullptr, env_.get());
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  std::vector<uint64_t> LogSeqs() {
    std::vector<v1::Signal> out;
    grpc::Status s = RunQuery(server_->stub(), v1::QueryRequest(), &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return SeqsOf(out);
  }

  TempDir dir_;
  FaultState fault_;
  std::unique_ptr<rocksdb::Env> env_ =
      rocksdb::NewCompositeEnv(std::make_shared<FaultyFileSystem>(&fault_));
  std::unique_ptr<TestServer> server_;
};

TEST_F(StorageFaultTest, FailedWritesAcknowledgeNothingAndTheServerRecovers) {
  v1::Tidings::Stub& stub = server_->stub();
  EXPECT_EQ(AllSeqs(IngestOrDie(stub, {MakeArticle("a", 1)})), Range(1, 1));
  // A subscriber watching throughout.
  grpc::ClientContext sub_ctx;
  SetDeadline(&sub_ctx);
  v1::SubscribeRequest from_zero;
  from_zero.set_from_seq(0);
  from_zero.mutable_filter()->set_include_duplicates(true);
  auto sub = stub.Subscribe(&sub_ctx, from_zero);

  fault_.fault = Fault::kWrites;
  for (int attempt = 0; attempt < 3; ++attempt) {
    v1::IngestRequest req;
    *req.add_articles() = MakeArticle("b", 2);
    *req.add_articles() = MakeArticle("c", 3);
    v1::IngestResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    grpc::Status s = stub.Ingest(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << attempt;
    EXPECT_THAT(s.error_message(), HasSubstr("nothing of it was stored"));
    EXPECT_EQ(resp.results_size(), 0);  // Nothing acknowledged.
  }
  EXPECT_GT(fault_.injected.load(), 0);
  // Reads keep working during the fault; nothing partial is visible.
  EXPECT_EQ(LogSeqs(), Range(1, 1));
  v1::GetSignalRequest get;
  get.set_seq(2);
  v1::Signal none;
  grpc::ClientContext get_ctx;
  SetDeadline(&get_ctx);
  EXPECT_EQ(stub.GetSignal(&get_ctx, get, &none).error_code(),
            grpc::StatusCode::NOT_FOUND);

  // The fault clears: the retry is new (never acknowledged), seqs dense.
  fault_.fault = Fault::kNone;
  v1::IngestResponse ok =
      IngestOrDie(stub, {MakeArticle("b", 2), MakeArticle("c", 3)});
  EXPECT_FALSE(ok.results(0).duplicate());
  EXPECT_EQ(AllSeqs(ok), Range(2, 3));
  EXPECT_EQ(AllSeqs(IngestOrDie(stub, {MakeArticle("d", 4)})), Range(4, 4));
  EXPECT_EQ(LogSeqs(), Range(1, 4));
  // The subscriber saw every signal once, in order.
  EXPECT_EQ(SeqsOf(ReadSignals(sub.get(), 4)), Range(1, 4));
  sub_ctx.TryCancel();
  sub->Finish();
}

}  // namespace
}  // namespace tidings::testing
