// Copyright 2026 The Tidings Authors.
//
// Retention in the service: Subscribe, Query and GetSignal below the retained
// range, the periodic trim, and a streaming cursor overtaken by a trim. Time
// is an injected FakeClock; the store is a real RocksDB, wrapped so that a
// test can trim at an exact moment of a cursor's reading.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "service/server.h"
#include "storage/signal_store.h"
#include "tests/service/forwarding_store.h"
#include "tests/service/test_server.h"

namespace tidings::testing {
namespace {

using ::testing::HasSubstr;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01.

// Delegates to a real store; `before_scan` runs before every Scan and
// ListIndexed with its after_seq.
class HookedStore final : public ForwardingStore {
 public:
  using ForwardingStore::ForwardingStore;

  std::function<void(uint64_t)> before_scan;

  absl::Status Scan(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(v1::Signal&)>& visit) const override {
    if (before_scan) before_scan(after_seq);
    return ForwardingStore::Scan(after_seq, max_count, visit);
  }
  absl::StatusOr<storage::IndexedSeqs> ListIndexed(
      const storage::IndexQuery& query, uint64_t after_seq,
      size_t max_count) const override {
    if (before_scan) before_scan(after_seq);
    return ForwardingStore::ListIndexed(query, after_seq, max_count);
  }
};

class RetentionTest : public ::testing::Test {
 protected:
  void Start(service::ServerOptions options) {
    storage::StoreOptions store_options;
    store_options.path = dir_.path() + "/data";
    store_options.sync = false;
    absl::StatusOr<std::unique_ptr<storage::SignalStore>> inner =
        storage::SignalStore::Open(store_options);
    ASSERT_TRUE(inner.ok()) << inner.status();
    auto hooked = std::make_unique<HookedStore>(*std::move(inner));
    store_ = hooked.get();
    service::ServerDeps deps;
    deps.scorer = SharedScorer();
    deps.store = std::move(hooked);
    deps.clock = [this] { return clock_.Now(); };
    absl::StatusOr<std::unique_ptr<service::Server>> server =
        service::Server::Start(options, std::move(deps));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    stub_ = v1::Tidings::NewStub(
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                            grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Shutdown();
  }

  // Ingests `n` articles at the clock's time; returns their seqs.
  std::vector<uint64_t> Ingest(int from, int n) {
    std::vector<v1::Article> articles;
    for (int i = from; i < from + n; ++i) {
      articles.push_back(MakeArticle(absl::StrCat("id-", i), i));
    }
    return AllSeqs(IngestOrDie(*stub_, articles));
  }

  // Waits (boundedly) until the store's first seq is `first`.
  void AwaitFirstSeq(uint64_t first) {
    for (int i = 0; i < 1000 && store_->first_seq() != first; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(store_->first_seq(), first);
  }

  // Status of a Subscribe that is expected to end at once; signals read
  // before it ended go to `signals`.
  grpc::Status SubscribeStatus(const v1::SubscribeRequest& req,
                               std::vector<v1::Signal>* signals = nullptr) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    auto reader = stub_->Subscribe(&ctx, req);
    v1::SubscribeEvent ev;
    while (reader->Read(&ev)) {
      if (ev.has_signal() && signals != nullptr)
        signals->push_back(ev.signal());
    }
    return reader->Finish();
  }

  // The signals of a Subscribe from `req` up to `n` of them; then cancels.
  std::vector<uint64_t> SubscribeSeqs(const v1::SubscribeRequest& req,
                                      size_t n) {
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    auto reader = stub_->Subscribe(&ctx, req);
    std::vector<v1::Signal> got = ReadSignals(reader.get(), n);
    ctx.TryCancel();
    reader->Finish();
    return SeqsOf(got);
  }

  TempDir dir_;
  FakeClock clock_{kT0};
  HookedStore* store_ = nullptr;
  std::unique_ptr<service::Server> server_;
  std::unique_ptr<v1::Tidings::Stub> stub_;
};

v1::SubscribeRequest FromSeq(uint64_t seq) {
  v1::SubscribeRequest req;
  req.set_from_seq(seq);
  req.mutable_filter()->set_include_duplicates(true);
  return req;
}

v1::SubscribeRequest FromTime(absl::Time t) {
  v1::SubscribeRequest req;
  req.mutable_from_time()->set_seconds(absl::ToUnixSeconds(t));
  req.mutable_filter()->set_include_duplicates(true);
  return req;
}

TEST_F(RetentionTest, CursorsBelowTheRetainedRangeAreOutOfRange) {
  service::ServerOptions options = TestOptions();
  options.retention = absl::Hours(1);
  options.retention_check_interval = absl::Milliseconds(10);
  ASSERT_NO_FATAL_FAILURE(Start(options));

  const std::vector<uint64_t> old_seqs = Ingest(0, 3);  // At kT0.
  ASSERT_FALSE(old_seqs.empty());
  const uint64_t last_old = old_seqs.back();
  clock_.Advance(absl::Hours(2));
  const std::vector<uint64_t> new_seqs = Ingest(3, 2);  // At kT0+2h.
  ASSERT_FALSE(new_seqs.empty());
  ASSERT_EQ(new_seqs.front(), last_old + 1);
  const uint64_t head = new_seqs.back();
  const uint64_t first = last_old + 1;
  // The periodic trim (cutoff kT0+1h) removes the first batch.
  ASSERT_NO_FATAL_FAILURE(AwaitFirstSeq(first));
  EXPECT_EQ(store_->head_seq(), head);

  // Below the range: OUT_OF_RANGE naming the first available seq.
  for (uint64_t from : {uint64_t{0}, last_old - 1}) {
    grpc::Status s = SubscribeStatus(FromSeq(from));
    EXPECT_EQ(s.error_code(), grpc::StatusCode::OUT_OF_RANGE) << from;
    EXPECT_THAT(s.error_message(),
                HasSubstr(absl::StrCat("signals before seq ", first,
                                       " are no longer retained (retention "
                                       "1h)")));
    EXPECT_THAT(s.error_message(),
                HasSubstr(absl::StrCat("from_seq >= ", first - 1)));
  }
  EXPECT_EQ(SubscribeStatus(FromTime(kT0)).error_code(),
            grpc::StatusCode::OUT_OF_RANGE);

  // At the edge and above: fine.
  EXPECT_EQ(SubscribeSeqs(FromSeq(first - 1), new_seqs.size()), new_seqs);
  EXPECT_EQ(SubscribeSeqs(FromSeq(first), new_seqs.size() - 1),
            std::vector<uint64_t>(new_seqs.begin() + 1, new_seqs.end()));
  EXPECT_EQ(SubscribeSeqs(FromTime(kT0 + absl::Hours(1)), new_seqs.size()),
            new_seqs);

  // Query: after_seq or since below the range is OUT_OF_RANGE; neither
  // starts at the first retained seq.
  std::vector<v1::Signal> got;
  v1::QueryRequest paging;
  paging.mutable_filter()->set_include_duplicates(true);
  paging.set_after_seq(1);
  grpc::Status q = RunQuery(*stub_, paging, &got);
  EXPECT_EQ(q.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(q.error_message(),
              HasSubstr(absl::StrCat("after_seq >= ", first - 1)));
  v1::QueryRequest since = paging;
  since.set_after_seq(0);
  since.mutable_since()->set_seconds(absl::ToUnixSeconds(kT0));
  got.clear();
  EXPECT_EQ(RunQuery(*stub_, since, &got).error_code(),
            grpc::StatusCode::OUT_OF_RANGE);
  v1::QueryRequest all = paging;
  all.set_after_seq(0);
  got.clear();
  ASSERT_TRUE(RunQuery(*stub_, all, &got).ok());
  EXPECT_EQ(SeqsOf(got), new_seqs);
  all.set_after_seq(first - 1);
  got.clear();
  ASSERT_TRUE(RunQuery(*stub_, all, &got).ok());
  EXPECT_EQ(SeqsOf(got), new_seqs);

  // GetSignal below the range names the first seq.
  v1::GetSignalRequest get;
  get.set_seq(1);
  v1::Signal signal;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status g = stub_->GetSignal(&ctx, get, &signal);
  EXPECT_EQ(g.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(g.error_message(),
              HasSubstr(absl::StrCat("first available seq is ", first)));

  // A retry of a trimmed article is a duplicate with its old seqs.
  clock_.Advance(absl::Minutes(1));
  v1::IngestResponse retry = IngestOrDie(*stub_, {MakeArticle("id-0", 0)});
  ASSERT_EQ(retry.results_size(), 1);
  EXPECT_TRUE(retry.results(0).duplicate());
  EXPECT_EQ(store_->head_seq(), head);
}

TEST_F(RetentionTest, StreamingCursorOvertakenByATrimEndsOutOfRange) {
  service::ServerOptions options = TestOptions();
  options.retention = absl::Hours(100);  // The periodic trim never bites.
  options.subscriber_buffer = 1;         // Read one signal at a time.
  options.recent_signals = 0;            // From storage, under the trim.
  ASSERT_NO_FATAL_FAILURE(Start(options));
  const std::vector<uint64_t> old_seqs = Ingest(0, 4);
  ASSERT_GE(old_seqs.size(), 3u);
  clock_.Advance(absl::Hours(2));
  const std::vector<uint64_t> new_seqs = Ingest(4, 2);
  ASSERT_FALSE(new_seqs.empty());
  const uint64_t first = old_seqs.back() + 1;

  // The cursor has read seq 1; before its next read a trim removes the
  // first batch under it.
  std::atomic<bool> trimmed{false};
  store_->before_scan = [&](uint64_t after_seq) {
    if (after_seq == 1 && !trimmed.exchange(true)) {
      ASSERT_TRUE(store_->TrimBefore(kT0 + absl::Hours(1)).ok());
    }
  };
  std::vector<v1::Signal> got;
  grpc::Status s = SubscribeStatus(FromSeq(0), &got);
  EXPECT_TRUE(trimmed.load());
  EXPECT_EQ(s.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_THAT(s.error_message(),
              HasSubstr(absl::StrCat("signals before seq ", first,
                                     " are no longer retained")));
  // What was delivered has no gap: nothing was silently skipped.
  EXPECT_EQ(SeqsOf(got), Range(1, got.size()));
  EXPECT_LE(got.size(), 1u);
}

TEST(RetentionOptionsTest, NegativeRetentionIsInvalidArgument) {
  service::ServerOptions options = TestOptions();
  options.retention = -absl::Hours(1);
  service::ServerDeps deps;
  deps.scorer = SharedScorer();
  deps.store =
      std::make_unique<FakeSignalStore>(std::make_shared<FakeStoreData>());
  absl::StatusOr<std::unique_ptr<service::Server>> server =
      service::Server::Start(options, std::move(deps));
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace tidings::testing
