// Copyright 2026 The Tidings Authors.
//
// Tests of service/server.h: a real server on a loopback port, over the fake
// store and over real RocksDB in a temporary directory (the RocksDB variant
// skips while storage/ returns UNIMPLEMENTED). Nothing here depends on the
// quality of scoring: articles are plain text, each giving one signal, and
// assertions are about seqs, order, statuses and what is stored.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "rocksdb/env.h"
#include "service/convert.h"
#include "tests/service/test_server.h"
#include "tests/testing/fault_fs.h"

namespace tidings::testing {
namespace {

using ::testing::ElementsAreArray;
using ::testing::HasSubstr;

class ServerTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    if (GetParam() == StoreKind::kRocksDb && !RocksDbAvailable()) {
      GTEST_SKIP() << "storage::SignalStore::Open is not implemented yet";
    }
  }

  static bool RocksDbAvailable() {
    static const bool available = [] {
      TempDir dir;
      storage::StoreOptions o;
      o.path = dir.path() + "/probe";
      return !absl::IsUnimplemented(storage::SignalStore::Open(o).status());
    }();
    return available;
  }

  // Starts (or restarts, on the same data) the server.
  void Start(service::ServerOptions options = TestOptions()) {
    server_.reset();
    absl::StatusOr<std::unique_ptr<TestServer>> s = TestServer::Start(
        GetParam(), options, dir_.path(), fake_, clock_, fault_env_.get());
    ASSERT_TRUE(s.ok()) << s.status();
    server_ = *std::move(s);
  }

  v1::Tidings::Stub& stub() { return server_->stub(); }

  // Ingests articles id-<first>..id-<first+n-1>, one call; returns the seqs.
  std::vector<uint64_t> IngestN(int first, int n,
                                const std::string& source = "wire") {
    std::vector<v1::Article> articles;
    for (int i = first; i < first + n; ++i) {
      articles.push_back(MakeArticle(absl::StrCat("id-", i), i, source));
    }
    return AllSeqs(IngestOrDie(stub(), articles));
  }

  grpc::Status GetSignal(uint64_t seq, v1::Signal* out) {
    v1::GetSignalRequest req;
    req.set_seq(seq);
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    return stub().GetSignal(&ctx, req, out);
  }

  // Makes every storage write fail (fake: Append; RocksDB: every file write
  // through the injected FileSystem) or clears the fault.
  void SetStorageFault(bool on) {
    fake_->fail_appends = on;
    fault_.fault = on ? Fault::kWrites : Fault::kNone;
  }

  TempDir dir_;
  std::shared_ptr<FakeStoreData> fake_ = std::make_shared<FakeStoreData>();
  FakeClock* clock_ = nullptr;
  FaultState fault_;
  std::unique_ptr<rocksdb::Env> fault_env_ =
      rocksdb::NewCompositeEnv(std::make_shared<FaultyFileSystem>(&fault_));
  std::unique_ptr<TestServer> server_;
};

// A Subscribe stream with its own context.
struct Subscription {
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> reader;

  Subscription(v1::Tidings::Stub& stub, const v1::SubscribeRequest& req,
               std::chrono::milliseconds timeout = kCallTimeout) {
    SetDeadline(&ctx, timeout);
    reader = stub.Subscribe(&ctx, req);
  }
  // Ends the stream from the client side.
  grpc::Status Cancel() {
    ctx.TryCancel();
    return reader->Finish();
  }
};

v1::SubscribeRequest FromSeq(uint64_t seq, bool include_duplicates = true) {
  v1::SubscribeRequest req;
  req.set_from_seq(seq);
  req.mutable_filter()->set_include_duplicates(include_duplicates);
  return req;
}

// ---------------------------------------------------------------------------
// Ingest and GetSignal

TEST_P(ServerTest, IngestThenGetSignal) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::Article article = MakeArticle("a-1", 1, "bloomberg");
  article.set_url("https://example.com/a-1");
  *article.mutable_published_at() = [] {
    google::protobuf::Timestamp ts;
    ts.set_seconds(1700000000);
    return ts;
  }();
  v1::IngestResponse resp = IngestOrDie(stub(), {article});
  ASSERT_EQ(resp.results_size(), 1);
  const v1::IngestResult& r = resp.results(0);
  EXPECT_EQ(r.index(), 0u);
  EXPECT_EQ(r.article_id(), "a-1");
  EXPECT_EQ(r.error_code(), 0) << r.error_message();
  EXPECT_FALSE(r.duplicate());
  ASSERT_EQ(r.seqs_size(), 1);
  EXPECT_EQ(r.seqs(0), 1u);
  EXPECT_EQ(resp.head_seq(), 1u);

  v1::Signal signal;
  grpc::Status s = GetSignal(1, &signal);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(signal.seq(), 1u);
  EXPECT_EQ(signal.article_id(), "a-1");
  EXPECT_EQ(signal.source(), "bloomberg");
  EXPECT_EQ(signal.url(), "https://example.com/a-1");
  EXPECT_EQ(signal.published_at().seconds(), 1700000000);
  EXPECT_TRUE(signal.has_ingested_at());
  EXPECT_FALSE(signal.scorer_version().empty());
}

TEST_P(ServerTest, GetSignalAbsentIsNotFound) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::Signal signal;
  grpc::Status s = GetSignal(42, &signal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("42"));
  EXPECT_THAT(s.error_message(), HasSubstr("empty"));

  IngestN(0, 2);
  s = GetSignal(3, &signal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(s.error_message(), HasSubstr("1..2"));

  s = GetSignal(0, &signal);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(ServerTest, RetryIsIdempotent) {
  ASSERT_NO_FATAL_FAILURE(Start());
  std::vector<v1::Article> batch = {MakeArticle("x", 1), MakeArticle("y", 2)};
  v1::IngestResponse first = IngestOrDie(stub(), batch);
  ASSERT_EQ(AllSeqs(first), Range(1, 2));

  v1::IngestResponse retry = IngestOrDie(stub(), batch);
  ASSERT_EQ(retry.results_size(), 2);
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(retry.results(i).duplicate()) << i;
    EXPECT_THAT(retry.results(i).seqs(),
                ElementsAreArray(first.results(i).seqs()));
  }
  EXPECT_EQ(retry.head_seq(), first.head_seq());

  // The same id twice in one batch: the second is a duplicate of the first.
  v1::IngestResponse twice =
      IngestOrDie(stub(), {MakeArticle("z", 3), MakeArticle("z", 4)});
  EXPECT_FALSE(twice.results(0).duplicate());
  EXPECT_TRUE(twice.results(1).duplicate());
  EXPECT_THAT(twice.results(1).seqs(),
              ElementsAreArray(twice.results(0).seqs()));
  EXPECT_EQ(twice.head_seq(), 3u);
}

TEST_P(ServerTest, RetryWithoutIdUsesTheContentFingerprint) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::Article article = MakeArticle("", 7);
  v1::IngestResponse first = IngestOrDie(stub(), {article});
  ASSERT_EQ(AllSeqs(first), Range(1, 1));
  v1::IngestResponse retry = IngestOrDie(stub(), {article});
  EXPECT_TRUE(retry.results(0).duplicate());
  EXPECT_EQ(AllSeqs(retry), Range(1, 1));
  EXPECT_EQ(retry.head_seq(), 1u);
}

TEST_P(ServerTest, ConcurrentDuplicatesOnSeveralConnectionsStoreOnce) {
  ASSERT_NO_FATAL_FAILURE(Start());
  constexpr int kClients = 6;
  std::vector<v1::IngestResponse> responses(kClients);
  std::vector<std::thread> threads;
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      std::unique_ptr<v1::Tidings::Stub> stub = server_->NewStub();
      responses[c] = IngestOrDie(*stub, {MakeArticle("same", 1)});
    });
  }
  for (std::thread& t : threads) t.join();
  int fresh = 0;
  for (const v1::IngestResponse& r : responses) {
    ASSERT_EQ(r.results_size(), 1);
    EXPECT_EQ(AllSeqs(r), Range(1, 1));
    if (!r.results(0).duplicate()) ++fresh;
  }
  EXPECT_EQ(fresh, 1);
  v1::Signal signal;
  EXPECT_EQ(GetSignal(2, &signal).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_P(ServerTest, BatchOverLimitIsRejectedWhole) {
  service::ServerOptions options = TestOptions();
  options.max_batch = 3;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  v1::IngestRequest req;
  for (int i = 0; i < 4; ++i)
    *req.add_articles() = MakeArticle(absl::StrCat(i), i);
  v1::IngestResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status s = stub().Ingest(&ctx, req, &resp);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("max_batch"));
  v1::Signal signal;
  EXPECT_EQ(GetSignal(1, &signal).error_code(), grpc::StatusCode::NOT_FOUND);
  // Three is fine.
  std::vector<v1::Article> three(req.articles().begin(),
                                 req.articles().end() - 1);
  EXPECT_EQ(AllSeqs(IngestOrDie(stub(), three)), Range(1, 3));
}

TEST_P(ServerTest, BadArticlesGetPerArticleErrorsAndStoreNothing) {
  service::ServerOptions options = TestOptions();
  options.max_article_bytes = 2000;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  v1::Article empty = MakeArticle("empty", 1);  // Neither title nor body.
  empty.set_body("");
  empty.set_title("");
  v1::Article blank = MakeArticle("blank", 2);
  blank.set_body(" \n\t ");
  blank.set_title(" ");
  v1::Article huge = MakeArticle("huge", 3);
  huge.set_body(std::string(2001, 'a'));
  v1::Article bad_type = MakeArticle("bad-type", 4);
  bad_type.set_content_type(static_cast<v1::ContentType>(17));
  v1::Article bad_time = MakeArticle("bad-time", 5);
  bad_time.mutable_published_at()->set_seconds(int64_t{1} << 50);
  v1::IngestResponse resp =
      IngestOrDie(stub(), {MakeArticle("ok-1", 10), empty, blank, huge,
                           bad_type, bad_time, MakeArticle("ok-2", 11)});
  ASSERT_EQ(resp.results_size(), 7);
  EXPECT_EQ(resp.results(0).error_code(), 0);
  EXPECT_THAT(resp.results(0).seqs(), ElementsAreArray({1u}));
  for (int i = 1; i <= 5; ++i) {
    const v1::IngestResult& r = resp.results(i);
    EXPECT_EQ(r.index(), static_cast<uint32_t>(i));
    EXPECT_EQ(r.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
    EXPECT_FALSE(r.error_message().empty());
    EXPECT_EQ(r.seqs_size(), 0);
  }
  EXPECT_THAT(resp.results(1).error_message(), HasSubstr("empty"));
  EXPECT_THAT(resp.results(3).error_message(), HasSubstr("max_article_bytes"));
  EXPECT_THAT(resp.results(4).error_message(), HasSubstr("content_type"));
  EXPECT_THAT(resp.results(5).error_message(), HasSubstr("published_at"));
  EXPECT_THAT(resp.results(6).seqs(), ElementsAreArray({2u}));
  EXPECT_EQ(resp.head_seq(), 2u);

  // A rejected article was not remembered: sent again, fixed, it is new.
  empty.set_body(StoryText(1));
  v1::IngestResponse fixed = IngestOrDie(stub(), {empty});
  EXPECT_FALSE(fixed.results(0).duplicate());
  EXPECT_EQ(AllSeqs(fixed), Range(3, 3));
}

TEST_P(ServerTest, StorageFailureIsUnavailableAndStoresNothing) {
  ASSERT_NO_FATAL_FAILURE(Start());
  SetStorageFault(true);
  v1::IngestRequest req;
  *req.add_articles() = MakeArticle("a", 1);
  v1::IngestResponse resp;
  {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    grpc::Status s = stub().Ingest(&ctx, req, &resp);
    EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE);
    EXPECT_THAT(s.error_message(), HasSubstr("injected"));
  }
  v1::Signal none;
  EXPECT_EQ(GetSignal(1, &none).error_code(), grpc::StatusCode::NOT_FOUND);
  // The fault clears; the retry is stored as new.
  SetStorageFault(false);
  v1::IngestResponse ok = IngestOrDie(stub(), {MakeArticle("a", 1)});
  EXPECT_FALSE(ok.results(0).duplicate());
  EXPECT_EQ(AllSeqs(ok), Range(1, 1));
}

TEST_P(ServerTest, ConcurrentIngestsShareCommits) {
  if (GetParam() != StoreKind::kFake) GTEST_SKIP() << "counts Appends: fake";
  ASSERT_NO_FATAL_FAILURE(Start());
  fake_->append_delay_ms = 200;  // Hold the first commit so others queue.
  constexpr int kClients = 8;
  std::vector<std::thread> threads;
  std::vector<std::vector<uint64_t>> seqs(kClients);
  for (int c = 0; c < kClients; ++c) {
    threads.emplace_back([&, c] {
      std::unique_ptr<v1::Tidings::Stub> stub = server_->NewStub();
      seqs[c] = AllSeqs(IngestOrDie(
          *stub, {MakeArticle(absl::StrCat("c", c, "-a"), 2 * c),
                  MakeArticle(absl::StrCat("c", c, "-b"), 2 * c + 1)}));
    });
  }
  for (std::thread& t : threads) t.join();
  // Every batch stored whole, in consecutive seqs; all seqs dense.
  std::vector<uint64_t> all;
  for (const auto& s : seqs) {
    ASSERT_EQ(s.size(), 2u);
    EXPECT_EQ(s[1], s[0] + 1);
    all.insert(all.end(), s.begin(), s.end());
  }
  std::sort(all.begin(), all.end());
  EXPECT_EQ(all, Range(1, 2 * kClients));
  EXPECT_LT(fake_->append_calls.load(), kClients);
}

// ---------------------------------------------------------------------------
// IngestStream

TEST_P(ServerTest, IngestStreamAnswersInOrderOnceDurable) {
  ASSERT_NO_FATAL_FAILURE(Start());
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  auto stream = stub().IngestStream(&ctx);
  constexpr int kN = 20;
  for (int i = 0; i < kN; ++i) {
    v1::Article a = MakeArticle(absl::StrCat("s-", i), i);
    if (i == 5) {  // Invalid: nothing to score.
      a.set_body("");
      a.set_title("");
    }
    if (i == 9) a.set_article_id("s-2");  // A repeat of article 2.
    ASSERT_TRUE(stream->Write(a));
  }
  ASSERT_TRUE(stream->WritesDone());
  std::vector<v1::IngestResult> results;
  v1::IngestResult r;
  for (int i = 0; i < kN + 5 && stream->Read(&r); ++i) results.push_back(r);
  grpc::Status s = stream->Finish();
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(results.size(), static_cast<size_t>(kN));
  uint64_t expect = 1;
  for (int i = 0; i < kN; ++i) {
    const v1::IngestResult& res = results[i];
    EXPECT_EQ(res.index(), static_cast<uint32_t>(i));
    if (i == 5) {
      EXPECT_EQ(res.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_EQ(res.seqs_size(), 0);
      continue;
    }
    if (i == 9) {
      EXPECT_TRUE(res.duplicate());
      EXPECT_THAT(res.seqs(), ElementsAreArray(results[2].seqs()));
      continue;
    }
    EXPECT_EQ(res.error_code(), 0) << res.error_message();
    ASSERT_EQ(res.seqs_size(), 1) << i;
    EXPECT_EQ(res.seqs(0), expect++) << i;  // Stream order = seq order.
    // Durable before acknowledged: readable at once.
    v1::Signal signal;
    EXPECT_TRUE(GetSignal(res.seqs(0), &signal).ok());
    EXPECT_EQ(signal.article_id(), absl::StrCat("s-", i));
  }
}

TEST_P(ServerTest, IngestStreamReportsStorageFailuresPerArticle) {
  ASSERT_NO_FATAL_FAILURE(Start());
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  auto stream = stub().IngestStream(&ctx);
  v1::IngestResult r;
  SetStorageFault(true);
  ASSERT_TRUE(stream->Write(MakeArticle("f-1", 1)));
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(r.seqs_size(), 0);
  SetStorageFault(false);
  ASSERT_TRUE(stream->Write(MakeArticle("f-1", 1)));
  ASSERT_TRUE(stream->Read(&r));
  EXPECT_EQ(r.error_code(), 0);
  EXPECT_FALSE(r.duplicate());
  EXPECT_THAT(r.seqs(), ElementsAreArray({1u}));
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

// ---------------------------------------------------------------------------
// Score

TEST_P(ServerTest, ScoreIsADryRun) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::ScoreRequest req;
  *req.add_articles() = MakeArticle("d-1", 1);
  *req.add_articles() = MakeArticle("d-2", 2);
  v1::ScoreResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status s = stub().Score(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.signals_size(), 2);
  for (const v1::Signal& signal : resp.signals()) {
    EXPECT_EQ(signal.seq(), 0u);
    EXPECT_FALSE(signal.has_ingested_at());
    for (const v1::Event& e : signal.events()) {
      EXPECT_GE(e.relevance(), scoring::kDefaultMinRelevance);
    }
  }
  EXPECT_EQ(resp.signals(0).article_id(), "d-1");
  v1::Signal stored;
  EXPECT_EQ(GetSignal(1, &stored).error_code(), grpc::StatusCode::NOT_FOUND);
  // And the ids were not remembered.
  EXPECT_FALSE(
      IngestOrDie(stub(), {MakeArticle("d-1", 1)}).results(0).duplicate());
}

TEST_P(ServerTest, ScoreRejectsBadRequests) {
  service::ServerOptions options = TestOptions();
  options.max_batch = 2;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  auto score = [&](const v1::ScoreRequest& req) {
    v1::ScoreResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    return stub().Score(&ctx, req, &resp);
  };
  v1::ScoreRequest big;
  for (int i = 0; i < 3; ++i) *big.add_articles() = MakeArticle("", i);
  EXPECT_EQ(score(big).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(ServerTest, ScoreAnswersBadArticlesPerArticle) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::ScoreRequest req;
  *req.add_articles() = MakeArticle("first", 1);
  v1::Article* empty = req.add_articles();  // Neither title nor body.
  empty->set_article_id("empty");
  *req.add_articles() = MakeArticle("third", 3);
  v1::ScoreResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status s = stub().Score(&ctx, req, &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  ASSERT_EQ(resp.results_size(), 3);
  for (uint32_t i = 0; i < 3; ++i) EXPECT_EQ(resp.results(i).index(), i);
  EXPECT_EQ(resp.results(0).error_code(), 0);
  EXPECT_EQ(resp.results(0).signal_count(), 1u);
  EXPECT_EQ(resp.results(1).article_id(), "empty");
  EXPECT_EQ(resp.results(1).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(resp.results(1).error_message(), HasSubstr("empty"));
  EXPECT_EQ(resp.results(1).signal_count(), 0u);
  EXPECT_EQ(resp.results(2).signal_count(), 1u);
  ASSERT_EQ(resp.signals_size(), 2);
  EXPECT_EQ(resp.signals(0).article_id(), "first");
  EXPECT_EQ(resp.signals(1).article_id(), "third");
}

// ---------------------------------------------------------------------------
// Subscribe

TEST_P(ServerTest, SubscribeFromZeroReplaysThenDeliversLive) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_EQ(IngestN(0, 5), Range(1, 5));
  Subscription sub(stub(), FromSeq(0));
  std::vector<v1::Signal> got = ReadSignals(sub.reader.get(), 5);
  EXPECT_EQ(SeqsOf(got), Range(1, 5));
  EXPECT_EQ(got[0].article_id(), "id-0");

  ASSERT_EQ(IngestN(5, 3), Range(6, 8));
  got = ReadSignals(sub.reader.get(), 3);
  EXPECT_EQ(SeqsOf(got), Range(6, 8));
  EXPECT_EQ(sub.Cancel().error_code(), grpc::StatusCode::CANCELLED);
}

TEST_P(ServerTest, SubscribeStartsWithAHeartbeatAtTheHead) {
  ASSERT_NO_FATAL_FAILURE(Start());
  IngestN(0, 3);
  v1::SubscribeRequest now;  // No start: from now.
  now.mutable_filter()->set_include_duplicates(true);
  Subscription sub(stub(), now);
  v1::SubscribeEvent ev;
  ASSERT_TRUE(sub.reader->Read(&ev));
  ASSERT_TRUE(ev.has_heartbeat());
  EXPECT_EQ(ev.heartbeat().head_seq(), 3u);
  EXPECT_GT(ev.heartbeat().server_time().seconds(), 0);
  // Only what is stored from now on.
  ASSERT_EQ(IngestN(3, 2), Range(4, 5));
  EXPECT_EQ(SeqsOf(ReadSignals(sub.reader.get(), 2)), Range(4, 5));
  sub.Cancel();
}

// (A from_seq beyond the head is OUT_OF_RANGE: cursor_test.cc.)
TEST_P(ServerTest, SubscribeFromTheHeadWaits) {
  ASSERT_NO_FATAL_FAILURE(Start());
  IngestN(0, 2);
  Subscription sub(stub(), FromSeq(2));
  IngestN(2, 4);  // Seqs 3..6.
  EXPECT_EQ(SeqsOf(ReadSignals(sub.reader.get(), 4)), Range(3, 6));
  sub.Cancel();
}

TEST_P(ServerTest, SubscribeCompactViewLeavesOutTheText) {
  ASSERT_NO_FATAL_FAILURE(Start());
  IngestN(0, 2);
  v1::SubscribeRequest req = FromSeq(0);
  req.set_view(v1::SIGNAL_VIEW_COMPACT);
  Subscription sub(stub(), req);
  std::vector<v1::Signal> got = ReadSignals(sub.reader.get(), 2);
  IngestN(2, 2);  // Live: from the recent signals when the server keeps any.
  std::vector<v1::Signal> live = ReadSignals(sub.reader.get(), 2);
  got.insert(got.end(), live.begin(), live.end());
  ASSERT_EQ(SeqsOf(got), Range(1, 4));
  for (const v1::Signal& s : got) {
    EXPECT_EQ(s.body(), "") << s.seq();
    EXPECT_NE(s.title(), "") << s.seq();
  }
  sub.Cancel();
}

TEST_P(ServerTest, SubscribeFromTime) {
  FakeClock clock(absl::FromCivil(absl::CivilSecond(2026, 1, 5, 9, 0, 0),
                                  absl::UTCTimeZone()));
  clock_ = &clock;
  ASSERT_NO_FATAL_FAILURE(Start());
  IngestN(0, 2);  // 1, 2
  clock.Advance(absl::Seconds(10));
  const absl::Time t = clock.Now();
  IngestN(2, 2);  // 3, 4
  v1::SubscribeRequest req;
  service::ToProto(t, req.mutable_from_time());
  req.mutable_filter()->set_include_duplicates(true);
  Subscription sub(stub(), req);
  EXPECT_EQ(SeqsOf(ReadSignals(sub.reader.get(), 2)), Range(3, 4));
  sub.Cancel();
}

TEST_P(ServerTest, SubscribeFiltersBySource) {
  ASSERT_NO_FATAL_FAILURE(Start());
  IngestN(0, 2, "wire-a");  // 1, 2
  IngestN(2, 2, "wire-b");  // 3, 4
  IngestN(4, 1, "wire-a");  // 5
  IngestN(5, 1, "wire-b");  // 6
  v1::SubscribeRequest req = FromSeq(0);
  req.mutable_filter()->add_sources("wire-b");
  Subscription sub(stub(), req);
  std::vector<v1::Signal> got = ReadSignals(sub.reader.get(), 3);
  EXPECT_EQ(SeqsOf(got), (std::vector<uint64_t>{3, 4, 6}));
  sub.Cancel();
}

TEST_P(ServerTest, SubscribeLeavesOutNearDuplicatesByDefault) {
  ASSERT_NO_FATAL_FAILURE(Start());
  // The same text under two ids: the second is a near-duplicate of the first
  // (same fingerprint) but a new article.
  v1::IngestResponse resp =
      IngestOrDie(stub(), {MakeArticle("orig", 1), MakeArticle("copy", 1),
                           MakeArticle("other", 2)});
  ASSERT_EQ(AllSeqs(resp), Range(1, 3));
  v1::Signal copy;
  ASSERT_TRUE(GetSignal(2, &copy).ok());
  if (copy.fingerprint() == 0) GTEST_SKIP() << "scorer gives no fingerprint";
  EXPECT_EQ(copy.duplicate_of_seq(), 1u);

  Subscription plain(stub(), FromSeq(0, /*include_duplicates=*/false));
  EXPECT_EQ(SeqsOf(ReadSignals(plain.reader.get(), 2)),
            (std::vector<uint64_t>{1, 3}));
  plain.Cancel();
  Subscription all(stub(), FromSeq(0, /*include_duplicates=*/true));
  EXPECT_EQ(SeqsOf(ReadSignals(all.reader.get(), 3)), Range(1, 3));
  all.Cancel();
}

TEST_P(ServerTest, SubscribeRejectsBadFilters) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto status_of = [&](const v1::SubscribeRequest& req) {
    Subscription sub(stub(), req);
    v1::SubscribeEvent ev;
    for (int i = 0; i < 10 && sub.reader->Read(&ev); ++i) {
    }
    return sub.reader->Finish();
  };
  v1::SubscribeRequest unknown = FromSeq(0);
  unknown.mutable_filter()->add_event_types(static_cast<v1::EventType>(99));
  grpc::Status s = status_of(unknown);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("99"));

  v1::SubscribeRequest relevance = FromSeq(0);
  relevance.mutable_filter()->set_min_relevance(1.5);
  EXPECT_EQ(status_of(relevance).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  v1::SubscribeRequest time;
  time.mutable_from_time()->set_seconds(int64_t{1} << 60);
  EXPECT_EQ(status_of(time).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// A subscriber that does not read for a while, next to one that reads all
// along: ingest never waits, both get every signal in order.
void CheckSlowSubscriber(TestServer& server) {
  constexpr int kBatches = 50, kPerBatch = 4, kTotal = kBatches * kPerBatch;
  // The slow one: subscribed (its first heartbeat read), then not read.
  Subscription slow(server.stub(), FromSeq(0));
  v1::Heartbeat hb;
  ASSERT_TRUE(ReadHeartbeat(slow.reader.get(), &hb));
  // A fast one, reading all along on another connection.
  std::unique_ptr<v1::Tidings::Stub> other = server.NewStub();
  Subscription fast(*other, FromSeq(0));
  std::vector<v1::Signal> fast_got;
  std::thread reader(
      [&] { fast_got = ReadSignals(fast.reader.get(), kTotal); });

  // Ingest never waits for the slow subscriber.
  for (int b = 0; b < kBatches; ++b) {
    std::vector<v1::Article> articles;
    for (int i = b * kPerBatch; i < (b + 1) * kPerBatch; ++i) {
      articles.push_back(MakeArticle(absl::StrCat("id-", i), i));
    }
    EXPECT_EQ(AllSeqs(IngestOrDie(server.stub(), articles)),
              Range(b * kPerBatch + 1, (b + 1) * kPerBatch));
  }
  reader.join();
  EXPECT_EQ(SeqsOf(fast_got), Range(1, kTotal));

  // Now the slow one reads: everything, in order, no gap, no repeat.
  std::vector<v1::Signal> slow_got = ReadSignals(slow.reader.get(), kTotal);
  EXPECT_EQ(SeqsOf(slow_got), Range(1, kTotal));
  slow.Cancel();
  fast.Cancel();
}

TEST_P(ServerTest, SlowSubscriberMissesNothingAndBlocksNoOne) {
  service::ServerOptions options = TestOptions();
  options.subscriber_buffer = 4;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  CheckSlowSubscriber(*server_);
}

TEST_P(ServerTest, SlowSubscriberUnderAByteBudget) {
  service::ServerOptions options = TestOptions();
  options.subscriber_buffer_bytes = 1;  // One signal at a time.
  ASSERT_NO_FATAL_FAILURE(Start(options));
  CheckSlowSubscriber(*server_);
}

TEST_P(ServerTest, ShutdownEndsAStuckSubscriber) {
  if (GetParam() != StoreKind::kFake) GTEST_SKIP() << "big data: fake only";
  service::ServerOptions options = TestOptions();
  options.shutdown_grace = absl::Seconds(1);
  ASSERT_NO_FATAL_FAILURE(Start(options));
  // A subscriber that never reads while megabytes of signals pile up: its
  // writes stall on flow control.
  Subscription stuck(stub(), FromSeq(0));
  for (int b = 0; b < 6; ++b) {
    std::vector<v1::Article> articles;
    for (int i = 0; i < 4; ++i) {
      v1::Article a = MakeArticle(absl::StrCat("big-", b, "-", i), b * 4 + i);
      std::string body;
      while (body.size() < 900000) body += StoryText(b * 4 + i + body.size());
      a.set_body(body);
      articles.push_back(a);
    }
    IngestOrDie(stub(), articles);
  }
  absl::Notification stopped;
  std::thread stopper([&] {
    server_->server().Shutdown();
    stopped.Notify();
  });
  EXPECT_TRUE(stopped.WaitForNotificationWithTimeout(absl::Seconds(30)));
  stopper.join();
  stuck.ctx.TryCancel();
  stuck.reader->Finish();
}

TEST_P(ServerTest, HeartbeatsCarryTheHead) {
  service::ServerOptions options = TestOptions();
  options.heartbeat_interval = absl::Milliseconds(50);
  ASSERT_NO_FATAL_FAILURE(Start(options));
  Subscription sub(stub(), FromSeq(0));
  // Idle: heartbeats keep coming.
  v1::Heartbeat hb;
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(ReadHeartbeat(sub.reader.get(), &hb)) << i;
    EXPECT_EQ(hb.head_seq(), 0u);
  }
  IngestN(0, 3);
  // A later heartbeat shows the new head; the signals arrive too.
  std::vector<v1::Signal> signals;
  for (int i = 0; i < 1000 && hb.head_seq() < 3; ++i) {
    ASSERT_TRUE(ReadHeartbeat(sub.reader.get(), &hb, &signals));
  }
  EXPECT_EQ(hb.head_seq(), 3u);
  std::vector<v1::Signal> rest =
      ReadSignals(sub.reader.get(), 3 - signals.size());
  signals.insert(signals.end(), rest.begin(), rest.end());
  EXPECT_EQ(SeqsOf(signals), Range(1, 3));
  sub.Cancel();
}

TEST_P(ServerTest, MaxSubscribersIsResourceExhausted) {
  service::ServerOptions options = TestOptions();
  options.max_subscribers = 2;
  ASSERT_NO_FATAL_FAILURE(Start(options));
  v1::Heartbeat hb;
  auto a = std::make_unique<Subscription>(stub(), FromSeq(0));
  ASSERT_TRUE(ReadHeartbeat(a->reader.get(), &hb));
  Subscription b(stub(), FromSeq(0));
  ASSERT_TRUE(ReadHeartbeat(b.reader.get(), &hb));
  {
    Subscription c(stub(), FromSeq(0));
    EXPECT_FALSE(ReadHeartbeat(c.reader.get(), &hb));
    grpc::Status s = c.reader->Finish();
    EXPECT_EQ(s.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_THAT(s.error_message(), HasSubstr("max_subscribers"));
  }
  // A slot frees once a subscriber leaves (its cleanup is asynchronous).
  a->Cancel();
  a.reset();
  bool admitted = false;
  for (int i = 0; i < 100 && !admitted; ++i) {
    Subscription d(stub(), FromSeq(0));
    admitted = ReadHeartbeat(d.reader.get(), &hb);
    if (!admitted) {
      d.reader->Finish();
      absl::SleepFor(absl::Milliseconds(20));
    } else {
      d.Cancel();
    }
  }
  EXPECT_TRUE(admitted);
  b.Cancel();
}

// ---------------------------------------------------------------------------
// Query

class QueryTest : public ServerTest {
 protected:
  // Three batches of two, ten seconds apart: seqs 1-2 at t0, 3-4 at t0+10s,
  // 5-6 at t0+20s; published one hour apart each (seq n at p0 + n h), the
  // odd seqs from "wire-a", the even from "wire-b".
  void StartAndFill(service::ServerOptions options = TestOptions()) {
    clock_ = &clock_storage_;
    ASSERT_NO_FATAL_FAILURE(Start(options));
    int n = 0;
    for (int batch = 0; batch < 3; ++batch) {
      std::vector<v1::Article> articles;
      for (int k = 0; k < 2; ++k) {
        ++n;
        v1::Article a =
            MakeArticle(absl::StrCat("q-", n), n, n % 2 ? "wire-a" : "wire-b");
        service::ToProto(p0_ + absl::Hours(n), a.mutable_published_at());
        articles.push_back(a);
      }
      ASSERT_EQ(AllSeqs(IngestOrDie(stub(), articles)),
                Range(2 * batch + 1, 2 * batch + 2));
      clock_storage_.Advance(absl::Seconds(10));
    }
  }

  std::vector<uint64_t> Query(const v1::QueryRequest& req) {
    std::vector<v1::Signal> out;
    grpc::Status s = RunQuery(stub(), req, &out);
    EXPECT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
    return SeqsOf(out);
  }

  const absl::Time t0_ = absl::FromCivil(
      absl::CivilSecond(2026, 2, 1, 12, 0, 0), absl::UTCTimeZone());
  const absl::Time p0_ = absl::FromCivil(
      absl::CivilSecond(2026, 1, 31, 0, 0, 0), absl::UTCTimeZone());
  FakeClock clock_storage_{t0_};
};

v1::QueryRequest AllOf() {
  v1::QueryRequest req;
  req.mutable_filter()->set_include_duplicates(true);
  return req;
}

TEST_P(QueryTest, WholeLogInSeqOrder) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  EXPECT_EQ(Query(AllOf()), Range(1, 6));
}

TEST_P(QueryTest, IngestedAtRange) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  v1::QueryRequest req = AllOf();
  service::ToProto(t0_ + absl::Seconds(10), req.mutable_since());
  EXPECT_EQ(Query(req), Range(3, 6));
  service::ToProto(t0_ + absl::Seconds(20), req.mutable_until());
  EXPECT_EQ(Query(req), Range(3, 4));
  req.clear_since();
  EXPECT_EQ(Query(req), Range(1, 4));
  req.set_time_field(v1::INGESTED_AT);
  service::ToProto(t0_ + absl::Seconds(5), req.mutable_since());
  service::ToProto(t0_ + absl::Seconds(5), req.mutable_until());
  EXPECT_EQ(Query(req), std::vector<uint64_t>{});  // Empty, not inverted.
}

TEST_P(QueryTest, PublishedAtRange) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  v1::QueryRequest req = AllOf();
  req.set_time_field(v1::PUBLISHED_AT);
  service::ToProto(p0_ + absl::Hours(2), req.mutable_since());
  service::ToProto(p0_ + absl::Hours(5), req.mutable_until());
  EXPECT_EQ(Query(req), Range(2, 4));
}

TEST_P(QueryTest, AfterSeqAndLimitPage) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  v1::QueryRequest req = AllOf();
  req.set_limit(4);
  EXPECT_EQ(Query(req), Range(1, 4));
  req.set_after_seq(4);
  EXPECT_EQ(Query(req), Range(5, 6));
  req.set_after_seq(2);
  req.set_limit(1);
  EXPECT_EQ(Query(req), Range(3, 3));
  req.set_after_seq(6);  // The head: nothing yet.
  EXPECT_EQ(Query(req), std::vector<uint64_t>{});
  // Beyond the head: OUT_OF_RANGE, not an empty page (cursor_test.cc).
  req.set_after_seq(1000);
  std::vector<v1::Signal> out;
  EXPECT_EQ(RunQuery(stub(), req, &out).error_code(),
            grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_TRUE(out.empty());
}

TEST_P(QueryTest, CompactViewLeavesOutTheText) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  v1::QueryRequest req = AllOf();
  std::vector<v1::Signal> full, compact;
  ASSERT_TRUE(RunQuery(stub(), req, &full).ok());
  req.set_view(v1::SIGNAL_VIEW_COMPACT);
  ASSERT_TRUE(RunQuery(stub(), req, &compact).ok());
  ASSERT_EQ(SeqsOf(compact), SeqsOf(full));
  for (size_t i = 0; i < full.size(); ++i) {
    EXPECT_NE(full[i].body(), "");
    EXPECT_EQ(compact[i].body(), "");
    EXPECT_EQ(compact[i].title(), full[i].title());
    EXPECT_EQ(compact[i].sentiment().score(), full[i].sentiment().score());
    EXPECT_EQ(compact[i].sentiment().evidence_size(), 0);
  }
  req.set_view(static_cast<v1::SignalView>(9));
  std::vector<v1::Signal> none;
  EXPECT_EQ(RunQuery(stub(), req, &none).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_P(QueryTest, BatchesCarryWhatQuerySends) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  std::vector<v1::QueryRequest> requests(5, AllOf());
  requests[1].mutable_filter()->add_sources("wire-b");
  requests[2].set_after_seq(1);
  requests[2].set_limit(4);
  requests[3].set_time_field(v1::PUBLISHED_AT);
  service::ToProto(p0_ + absl::Hours(2), requests[3].mutable_since());
  requests[4].set_view(v1::SIGNAL_VIEW_COMPACT);
  for (const v1::QueryRequest& req : requests) {
    SCOPED_TRACE(req.ShortDebugString());
    std::vector<v1::Signal> one_by_one, batched;
    std::vector<int> sizes;
    ASSERT_TRUE(RunQuery(stub(), req, &one_by_one).ok());
    ASSERT_TRUE(RunQueryBatches(stub(), req, &batched, &sizes).ok());
    ASSERT_EQ(batched.size(), one_by_one.size());
    for (size_t i = 0; i < batched.size(); ++i) {
      EXPECT_EQ(batched[i].SerializeAsString(),
                one_by_one[i].SerializeAsString());
    }
    // Small enough for one batch.
    EXPECT_EQ(sizes, std::vector<int>{static_cast<int>(batched.size())});
  }
}

TEST_P(QueryTest, BatchesStayWithinTheByteBudget) {
  service::ServerOptions options = TestOptions();
  options.subscriber_buffer_bytes = 1;  // One signal a batch.
  ASSERT_NO_FATAL_FAILURE(StartAndFill(options));
  std::vector<v1::Signal> batched;
  std::vector<int> sizes;
  ASSERT_TRUE(RunQueryBatches(stub(), AllOf(), &batched, &sizes).ok());
  EXPECT_EQ(SeqsOf(batched), Range(1, 6));
  EXPECT_EQ(sizes, std::vector<int>(6, 1));
}

TEST_P(QueryTest, FilterBySource) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  v1::QueryRequest req = AllOf();
  req.mutable_filter()->add_sources("wire-b");
  EXPECT_EQ(Query(req), (std::vector<uint64_t>{2, 4, 6}));
  req.set_limit(2);
  EXPECT_EQ(Query(req), (std::vector<uint64_t>{2, 4}));
}

TEST_P(QueryTest, BadRequestsAreInvalidArgument) {
  ASSERT_NO_FATAL_FAILURE(StartAndFill());
  auto status_of = [&](const v1::QueryRequest& req) {
    std::vector<v1::Signal> out;
    grpc::Status s = RunQuery(stub(), req, &out);
    EXPECT_TRUE(out.empty());
    return s;
  };
  v1::QueryRequest inverted = AllOf();
  service::ToProto(t0_ + absl::Seconds(20), inverted.mutable_since());
  service::ToProto(t0_ + absl::Seconds(10), inverted.mutable_until());
  grpc::Status s = status_of(inverted);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(s.error_message(), HasSubstr("inverted"));

  v1::QueryRequest field = AllOf();
  field.set_time_field(static_cast<v1::TimeField>(9));
  EXPECT_EQ(status_of(field).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::QueryRequest type = AllOf();
  type.mutable_filter()->add_event_types(v1::EVENT_TYPE_UNSPECIFIED);
  EXPECT_EQ(status_of(type).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  v1::QueryRequest nanos = AllOf();
  nanos.mutable_since()->set_nanos(-1);
  EXPECT_EQ(status_of(nanos).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

// ---------------------------------------------------------------------------
// Health, reflection, shutdown

// Calls a unary method with raw bytes (no generated stub needed).
grpc::Status RawUnary(std::shared_ptr<grpc::Channel> channel,
                      const std::string& method, const std::string& request,
                      std::string* response) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Slice slice(request);
  grpc::ByteBuffer req(&slice, 1), resp;
  absl::Notification done;
  grpc::Status status;
  stub.UnaryCall(&ctx, method, grpc::StubOptions(), &req, &resp,
                 [&](grpc::Status s) {
                   status = std::move(s);
                   done.Notify();
                 });
  if (!done.WaitForNotificationWithTimeout(absl::Seconds(30))) {
    ctx.TryCancel();
    done.WaitForNotification();
  }
  std::vector<grpc::Slice> slices;
  if (status.ok() && resp.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      response->append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return status;
}

TEST_P(ServerTest, HealthIsServing) {
  ASSERT_NO_FATAL_FAILURE(Start());
  // grpc.health.v1.HealthCheckResponse{status: SERVING} is the bytes 08 01.
  const std::string kServing("\x08\x01", 2);
  std::string resp;
  grpc::Status s =
      RawUnary(server_->channel(), "/grpc.health.v1.Health/Check", "", &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp, kServing);
  // HealthCheckRequest{service: "tidings.v1.Tidings"}: field 1, length 18.
  resp.clear();
  s = RawUnary(server_->channel(), "/grpc.health.v1.Health/Check",
               std::string("\x0a\x12", 2) + "tidings.v1.Tidings", &resp);
  ASSERT_TRUE(s.ok()) << s.error_message();
  EXPECT_EQ(resp, kServing);
}

TEST_P(ServerTest, ReflectionListsTheService) {
  ASSERT_NO_FATAL_FAILURE(Start());
  grpc::GenericStub stub(server_->channel());
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      &cq);
  auto next = [&cq](intptr_t want) {
    void* tag;
    bool ok = false;
    auto deadline = std::chrono::system_clock::now() + std::chrono::seconds(20);
    if (cq.AsyncNext(&tag, &ok, deadline) != grpc::CompletionQueue::GOT_EVENT) {
      return false;
    }
    return ok && reinterpret_cast<intptr_t>(tag) == want;
  };
  call->StartCall(reinterpret_cast<void*>(1));
  ASSERT_TRUE(next(1));
  // ServerReflectionRequest{list_services: ""}: field 7, length 0.
  grpc::Slice slice(std::string("\x3a\x00", 2));
  grpc::ByteBuffer req(&slice, 1);
  call->Write(req, reinterpret_cast<void*>(2));
  ASSERT_TRUE(next(2));
  grpc::ByteBuffer resp;
  call->Read(&resp, reinterpret_cast<void*>(3));
  ASSERT_TRUE(next(3));
  std::vector<grpc::Slice> slices;
  ASSERT_TRUE(resp.Dump(&slices).ok());
  std::string bytes;
  for (const grpc::Slice& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  EXPECT_THAT(bytes, HasSubstr("tidings.v1.Tidings"));
  EXPECT_THAT(bytes, HasSubstr("grpc.health.v1.Health"));
  ctx.TryCancel();
  grpc::Status status;
  call->Finish(&status, reinterpret_cast<void*>(4));
  next(4);
  cq.Shutdown();
  void* tag;
  bool ok;
  while (cq.Next(&tag, &ok)) {
  }
}

TEST_P(ServerTest, ShutdownEndsStreamsWithUnavailable) {
  ASSERT_NO_FATAL_FAILURE(Start());
  IngestN(0, 2);
  Subscription sub(stub(), FromSeq(0));
  EXPECT_EQ(SeqsOf(ReadSignals(sub.reader.get(), 2)), Range(1, 2));
  grpc::ClientContext ingest_ctx;
  SetDeadline(&ingest_ctx);
  auto ingest = stub().IngestStream(&ingest_ctx);
  ASSERT_TRUE(ingest->Write(MakeArticle("late", 9)));
  v1::IngestResult r;
  ASSERT_TRUE(ingest->Read(&r));
  EXPECT_THAT(r.seqs(), ElementsAreArray({3u}));

  std::thread stopper([&] { server_->server().Shutdown(); });
  v1::SubscribeEvent ev;
  for (int i = 0; i < 1000 && sub.reader->Read(&ev); ++i) {
  }
  grpc::Status s = sub.reader->Finish();
  EXPECT_EQ(s.error_code(), grpc::StatusCode::UNAVAILABLE) << s.error_message();
  EXPECT_THAT(s.error_message(), HasSubstr("from_seq"));
  while (ingest->Read(&r)) {
  }
  EXPECT_EQ(ingest->Finish().error_code(), grpc::StatusCode::UNAVAILABLE);
  stopper.join();
  server_->server().Shutdown();  // Idempotent.
  server_->server().Wait();
}

TEST_P(ServerTest, RestartKeepsTheLogAndTheIds) {
  ASSERT_NO_FATAL_FAILURE(Start());
  v1::IngestResponse first =
      IngestOrDie(stub(), {MakeArticle("r-1", 1), MakeArticle("r-2", 2)});
  ASSERT_NO_FATAL_FAILURE(Start());  // Same data.
  v1::IngestResponse retry = IngestOrDie(stub(), {MakeArticle("r-2", 2)});
  EXPECT_TRUE(retry.results(0).duplicate());
  EXPECT_THAT(retry.results(0).seqs(),
              ElementsAreArray(first.results(1).seqs()));
  EXPECT_EQ(retry.head_seq(), 2u);
  EXPECT_EQ(IngestN(3, 1), Range(3, 3));
}

TEST(ServerStartTest, BadOptionsAreInvalidArgument) {
  service::ServerOptions options = TestOptions();
  options.max_batch = 0;
  service::ServerDeps deps;
  deps.store = std::make_unique<FakeSignalStore>();
  deps.scorer = SharedScorer();
  auto s = service::Server::Start(options, std::move(deps));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("max_batch"));
}

TEST(ServerStartTest, UnbindableAddressIsUnavailable) {
  service::ServerOptions options = TestOptions();
  options.listen = "256.1.1.1:99999";
  service::ServerDeps deps;
  deps.store = std::make_unique<FakeSignalStore>();
  deps.scorer = SharedScorer();
  auto s = service::Server::Start(options, std::move(deps));
  EXPECT_EQ(s.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("256.1.1.1"));
}

INSTANTIATE_TEST_SUITE_P(Stores, ServerTest,
                         ::testing::Values(StoreKind::kFake,
                                           StoreKind::kRocksDb),
                         StoreKindName);
INSTANTIATE_TEST_SUITE_P(Stores, QueryTest,
                         ::testing::Values(StoreKind::kFake,
                                           StoreKind::kRocksDb),
                         StoreKindName);

}  // namespace
}  // namespace tidings::testing
