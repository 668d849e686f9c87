// Copyright 2026 The Tidings Authors.
//
// Loud cursors: a Subscribe from_seq or Query after_seq beyond the head is
// OUT_OF_RANGE naming the head and the store; heartbeats and ingest
// responses carry the store id; a request whose expect_store_id is another
// store's is FAILED_PRECONDITION naming both. Over the fake store and over
// RocksDB (where a wiped directory is a new store).

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

class CursorTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void Start() {
    server_.reset();
    absl::StatusOr<std::unique_ptr<TestServer>> s =
        TestServer::Start(GetParam(), TestOptions(), dir_.path(), fake_);
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  v1::Tidings::Stub& stub() { return server_->stub(); }

  // Ingests n articles after those ingested so far; returns the response.
  v1::IngestResponse IngestN(int n) {
    std::vector<v1::Article> articles;
    for (int i = 0; i < n; ++i, ++ingested_) {
      articles.push_back(MakeArticle(absl::StrCat("c-", ingested_), ingested_));
    }
    return IngestOrDie(stub(), articles);
  }

  // The first message of a Subscribe (a heartbeat when it is OK), or the
  // status the stream ended with.
  grpc::Status FirstHeartbeat(const v1::SubscribeRequest& req,
                              v1::Heartbeat* hb) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> reader =
        stub().Subscribe(&ctx, req);
    v1::SubscribeEvent ev;
    if (reader->Read(&ev)) {
      EXPECT_TRUE(ev.has_heartbeat());
      *hb = ev.heartbeat();
      ctx.TryCancel();
      reader->Finish();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }

  // A Subscribe that must fail: its status (no message is expected).
  grpc::Status SubscribeStatus(const v1::SubscribeRequest& req) {
    v1::Heartbeat hb;
    grpc::Status s = FirstHeartbeat(req, &hb);
    EXPECT_FALSE(s.ok()) << "the stream started: head " << hb.head_seq();
    return s;
  }

  // The store id the server reports in its heartbeats.
  std::string ServedStoreId() {
    v1::SubscribeRequest now;
    now.set_from_now(true);
    v1::Heartbeat hb;
    grpc::Status s = FirstHeartbeat(now, &hb);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return hb.store_id();
  }

  TempDir dir_;
  std::shared_ptr<FakeStoreData> fake_ = std::make_shared<FakeStoreData>();
  std::unique_ptr<TestServer> server_;
  int ingested_ = 0;
};

v1::SubscribeRequest FromSeq(uint64_t seq, const std::string& expect = "") {
  v1::SubscribeRequest req;
  req.set_from_seq(seq);
  req.mutable_filter()->set_include_duplicates(true);
  req.set_expect_store_id(expect);
  return req;
}

v1::QueryRequest AfterSeq(uint64_t seq, const std::string& expect = "") {
  v1::QueryRequest req;
  req.set_after_seq(seq);
  req.mutable_filter()->set_include_duplicates(true);
  req.set_expect_store_id(expect);
  return req;
}

TEST_P(CursorTest, HeartbeatsAndIngestResponsesCarryTheStoreId) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::IngestResponse resp = IngestN(3);
  EXPECT_THAT(resp.store_id(), MatchesRegex("[0-9a-f]{32}"));
  v1::Heartbeat hb;
  ASSERT_TRUE(FirstHeartbeat(FromSeq(0), &hb).ok());
  EXPECT_EQ(hb.store_id(), resp.store_id());
  EXPECT_EQ(hb.head_seq(), 3u);
  // A duplicate-only batch (answered without a commit) carries it too.
  ingested_ = 0;
  EXPECT_EQ(IngestN(1).store_id(), resp.store_id());

  // The same data after a restart: the same store.
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_EQ(ServedStoreId(), resp.store_id());
}

TEST_P(CursorTest, SubscribeFromSeqBeyondTheHeadIsOutOfRange) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string id = IngestN(3).store_id();
  grpc::Status s = SubscribeStatus(FromSeq(1000000000));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(
      s.error_message(),
      AllOf(HasSubstr(absl::StrCat(
                "from_seq 1000000000 is beyond the head 3 of store ", id)),
            HasSubstr("from_seq <= 3")));
  // Just beyond it, too: a cursor no store of this head ever handed out.
  EXPECT_EQ(SubscribeStatus(FromSeq(4)).error_code(),
            grpc::StatusCode::OUT_OF_RANGE);
  // At the head: valid, a caught-up cursor.
  v1::Heartbeat hb;
  EXPECT_TRUE(FirstHeartbeat(FromSeq(3), &hb).ok());
}

TEST_P(CursorTest, QueryAfterSeqBeyondTheHeadIsOutOfRange) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string id = IngestN(3).store_id();
  std::vector<v1::Signal> got;
  grpc::Status s = RunQuery(stub(), AfterSeq(1000000000), &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(s.error_message(),
              HasSubstr(absl::StrCat(
                  "after_seq 1000000000 is beyond the head 3 of store ", id)));
  EXPECT_TRUE(got.empty());
  // At the head: nothing yet, and OK.
  s = RunQuery(stub(), AfterSeq(3), &got);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_TRUE(got.empty());
}

TEST_P(CursorTest, ACursorFromAnotherStoreIsFailedPrecondition) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string id = IngestN(3).store_id();
  const std::string other = "0123456789abcdef0123456789abcdef";
  ASSERT_NE(id, other);

  grpc::Status s = SubscribeStatus(FromSeq(2, other));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(),
              HasSubstr(absl::StrCat("this cursor belongs to store ", other,
                                     "; this server serves store ", id)));
  // Whatever the start: the client said which store it expects.
  v1::SubscribeRequest now;
  now.set_from_now(true);
  now.set_expect_store_id(other);
  EXPECT_EQ(SubscribeStatus(now).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);

  std::vector<v1::Signal> got;
  s = RunQuery(stub(), AfterSeq(2, other), &got);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), HasSubstr(other));
  EXPECT_TRUE(got.empty());

  // The right id resumes as usual.
  v1::Heartbeat hb;
  EXPECT_TRUE(FirstHeartbeat(FromSeq(2, id), &hb).ok());
  s = RunQuery(stub(), AfterSeq(1, id), &got);
  EXPECT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(SeqsOf(got), Range(2, 3));
}

// A wiped data directory is a new store: the old cursor is refused twice
// over, by its store id and (without it) by its seq beyond the new head.
TEST_P(CursorTest, AWipedStoreRefusesTheOldCursor) {
  if (GetParam() == StoreKind::kFake) {
    GTEST_SKIP() << "the fake keeps its id; wiping is a RocksDB matter";
  }
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string old_id = IngestN(5).store_id();
  server_.reset();
  std::filesystem::remove_all(dir_.path());
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string new_id = IngestN(2).store_id();
  EXPECT_THAT(new_id, AllOf(MatchesRegex("[0-9a-f]{32}"), Not(old_id)));

  grpc::Status s = SubscribeStatus(FromSeq(5, old_id));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(s.error_message(), AllOf(HasSubstr(old_id), HasSubstr(new_id),
                                       HasSubstr("expect_store_id " + new_id)));
  s = SubscribeStatus(FromSeq(5));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(s.error_message(),
              HasSubstr("beyond the head 2 of store " + new_id));
}

INSTANTIATE_TEST_SUITE_P(Stores, CursorTest,
                         ::testing::Values(StoreKind::kFake,
                                           StoreKind::kRocksDb),
                         StoreKindName);

}  // namespace
}  // namespace tidings::testing
