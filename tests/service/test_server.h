// Copyright 2026 The Tidings Authors.
//
// test_server.h: helpers for service tests. A real server on a free loopback
// port (127.0.0.1:0), over real RocksDB in a per-test temporary directory or
// over the in-memory fake store; client helpers with a deadline on every call
// and bounded read loops.

#ifndef TIDINGS_TESTS_SERVICE_TEST_SERVER_H_
#define TIDINGS_TESTS_SERVICE_TEST_SERVER_H_

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "scoring/scorer.h"
#include "service/server.h"
#include "storage/signal_store.h"
#include "tests/service/fake_signal_store.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::testing {

enum class StoreKind { kFake, kRocksDb };

inline std::string StoreKindName(const ::testing::TestParamInfo<StoreKind>& p) {
  return p.param == StoreKind::kFake ? "Fake" : "RocksDb";
}

// Every client call's deadline: far above what any call needs, so that a hang
// fails the test instead of blocking it.
inline constexpr auto kCallTimeout = std::chrono::seconds(20);

inline void SetDeadline(grpc::ClientContext* ctx,
                        std::chrono::milliseconds timeout = kCallTimeout) {
  ctx->set_deadline(std::chrono::system_clock::now() + timeout);
}

// A clock the test moves by hand.
class FakeClock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  absl::Mutex mu_;
  absl::Time now_;
};

// One scorer per test binary: building it loads the lexicons.
inline std::shared_ptr<const scoring::Scorer> SharedScorer() {
  static std::shared_ptr<const scoring::Scorer>* scorer = [] {
    auto s = scoring::Scorer::Create(scoring::ScorerOptions());
    if (!s.ok()) {
      ADD_FAILURE() << "Scorer::Create: " << s.status();
      return new std::shared_ptr<const scoring::Scorer>();
    }
    return new std::shared_ptr<const scoring::Scorer>(*std::move(s));
  }();
  return *scorer;
}

// A fresh directory under the test temp dir, removed by the destructor.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const ::testing::TestInfo* info =
        ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name =
        info ? absl::StrCat(info->test_suite_name(), ".", info->name())
             : "test";
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    path_ = std::filesystem::path(::testing::TempDir()) /
            absl::StrCat("tidings_", name, "_", getpid(), "_",
                         counter.fetch_add(1));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// Options for a test server: loopback, free port, short heartbeats, a small
// pool.
inline service::ServerOptions TestOptions() {
  service::ServerOptions o;
  o.listen = "127.0.0.1:0";
  o.worker_threads = 4;
  o.heartbeat_interval = absl::Seconds(1);
  o.shutdown_grace = absl::Seconds(2);
  return o;
}

// A running server and a stub connected to it.
class TestServer {
 public:
  // Starts a server over `kind` of store: the fake over `fake` (shared, so a
  // restart sees the same data), RocksDB in `dir`. Returns UNIMPLEMENTED
  // while the RocksDB store is not written yet (callers skip).
  static absl::StatusOr<std::unique_ptr<TestServer>> Start(
      StoreKind kind, service::ServerOptions options, const std::string& dir,
      std::shared_ptr<FakeStoreData> fake, FakeClock* clock = nullptr,
      rocksdb::Env* env = nullptr) {
    service::ServerDeps deps;
    deps.scorer = SharedScorer();
    deps.store_env = env;  // RocksDB only (e.g. tests/testing/fault_fs.h).
    if (clock != nullptr) deps.clock = [clock] { return clock->Now(); };
    if (kind == StoreKind::kFake) {
      deps.store = std::make_unique<FakeSignalStore>(std::move(fake));
    } else {
      options.data_dir = dir;
    }
    absl::StatusOr<std::unique_ptr<service::Server>> server =
        service::Server::Start(options, std::move(deps));
    if (!server.ok()) return server.status();
    auto t = std::unique_ptr<TestServer>(new TestServer());
    t->server_ = *std::move(server);
    t->address_ = absl::StrCat("127.0.0.1:", t->server_->port());
    t->channel_ = grpc::CreateChannel(t->address_, ChannelCredentials());
    t->stub_ = v1::Tidings::NewStub(t->channel_);
    return t;
  }

  ~TestServer() { server_->Shutdown(); }

  service::Server& server() { return *server_; }
  v1::Tidings::Stub& stub() { return *stub_; }
  const std::string& address() const { return address_; }
  std::shared_ptr<grpc::Channel> channel() { return channel_; }

  // A new connection (its own channel), for concurrency tests.
  std::unique_ptr<v1::Tidings::Stub> NewStub() const {
    grpc::ChannelArguments args;
    args.SetInt("grpc.use_local_subchannel_pool", 1);  // A separate TCP link.
    return v1::Tidings::NewStub(
        grpc::CreateCustomChannel(address_, ChannelCredentials(), args));
  }

  // The credentials of the channels above: plaintext.
  static std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials() {
    return grpc::InsecureChannelCredentials();
  }

 private:
  TestServer() = default;
  std::unique_ptr<service::Server> server_;
  std::string address_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Tidings::Stub> stub_;
};

// Varied news-like text so that articles are not near-duplicates of each
// other.
inline std::string StoryText(int i) {
  static const char* kSubjects[] = {
      "Copper miners", "The central bank", "Shipping firms", "Wheat farmers",
      "Chip makers",   "Airlines",         "Regional banks", "Oil refiners",
      "Carmakers",     "Retailers",        "Insurers",       "Steel mills"};
  static const char* kVerbs[] = {"reported",   "warned about", "celebrated",
                                 "questioned", "forecast",     "denied"};
  static const char* kObjects[] = {
      "record quarterly output", "a sharp drop in orders",
      "new export licences",     "rising labour costs",
      "a merger with a rival",   "delays at northern ports",
      "higher storage fees",     "a recall of older models",
      "stronger demand in Asia", "a dispute with regulators"};
  std::string text;
  for (int k = 0; k < 4; ++k) {
    int a = (i * 7 + k * 3) % 12, b = (i * 5 + k) % 6, c = (i * 3 + k * 7) % 10;
    absl::StrAppend(&text, kSubjects[a], " ", kVerbs[b], " ", kObjects[c],
                    " in district ", i * 31 + k, " on day ", i % 28 + 1,
                    ", officials said. ");
  }
  return text;
}

inline v1::Article MakeArticle(const std::string& id, int i,
                               const std::string& source = "wire") {
  v1::Article a;
  a.set_article_id(id);
  a.set_source(source);
  a.set_title(absl::StrCat("Story ", i, " of the day"));
  a.set_body(StoryText(i));
  a.set_content_type(v1::CONTENT_TYPE_PLAIN_TEXT);
  return a;
}

// Ingests `articles` in one call; fails the test on a non-OK status.
inline v1::IngestResponse IngestOrDie(
    v1::Tidings::Stub& stub, const std::vector<v1::Article>& articles) {
  v1::IngestRequest req;
  for (const v1::Article& a : articles) *req.add_articles() = a;
  v1::IngestResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  grpc::Status s = stub.Ingest(&ctx, req, &resp);
  EXPECT_TRUE(s.ok()) << s.error_code() << ": " << s.error_message();
  return resp;
}

// All seqs of a response, in result order.
inline std::vector<uint64_t> AllSeqs(const v1::IngestResponse& resp) {
  std::vector<uint64_t> seqs;
  for (const v1::IngestResult& r : resp.results()) {
    seqs.insert(seqs.end(), r.seqs().begin(), r.seqs().end());
  }
  return seqs;
}

inline std::vector<uint64_t> Range(uint64_t first, uint64_t last) {
  std::vector<uint64_t> v;
  for (uint64_t s = first; s <= last; ++s) v.push_back(s);
  return v;
}

inline std::vector<uint64_t> SeqsOf(const std::vector<v1::Signal>& signals) {
  std::vector<uint64_t> seqs;
  for (const v1::Signal& s : signals) seqs.push_back(s.seq());
  return seqs;
}

// Reads from a Subscribe stream until `n` signals arrived, the stream ended,
// or `max_messages` messages (signals and heartbeats) were read. Heartbeats
// go to `heartbeats` when given.
inline std::vector<v1::Signal> ReadSignals(
    grpc::ClientReaderInterface<v1::SubscribeEvent>* reader, size_t n,
    std::vector<v1::Heartbeat>* heartbeats = nullptr,
    size_t max_messages = 100000) {
  std::vector<v1::Signal> out;
  v1::SubscribeEvent ev;
  for (size_t i = 0; i < max_messages && out.size() < n; ++i) {
    if (!reader->Read(&ev)) break;
    if (ev.has_signal()) {
      out.push_back(ev.signal());
    } else if (heartbeats != nullptr) {
      heartbeats->push_back(ev.heartbeat());
    }
  }
  return out;
}

// Reads the next heartbeat (skipping signals, which go to `signals`).
inline bool ReadHeartbeat(grpc::ClientReaderInterface<v1::SubscribeEvent>* r,
                          v1::Heartbeat* hb,
                          std::vector<v1::Signal>* signals = nullptr,
                          size_t max_messages = 100000) {
  v1::SubscribeEvent ev;
  for (size_t i = 0; i < max_messages; ++i) {
    if (!r->Read(&ev)) return false;
    if (ev.has_heartbeat()) {
      *hb = ev.heartbeat();
      return true;
    }
    if (signals != nullptr) signals->push_back(ev.signal());
  }
  return false;
}

// Runs a Query to the end; returns its status and signals.
inline grpc::Status RunQuery(v1::Tidings::Stub& stub,
                             const v1::QueryRequest& req,
                             std::vector<v1::Signal>* out,
                             size_t max_messages = 100000) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  std::unique_ptr<grpc::ClientReader<v1::Signal>> reader =
      stub.Query(&ctx, req);
  v1::Signal s;
  for (size_t i = 0; i < max_messages && reader->Read(&s); ++i) {
    out->push_back(s);
  }
  return reader->Finish();
}

// QueryBatches: the signals in `*out`, the size of each batch in `*sizes`.
inline grpc::Status RunQueryBatches(v1::Tidings::Stub& stub,
                                    const v1::QueryRequest& req,
                                    std::vector<v1::Signal>* out,
                                    std::vector<int>* sizes,
                                    size_t max_messages = 100000) {
  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  std::unique_ptr<grpc::ClientReader<v1::SignalBatch>> reader =
      stub.QueryBatches(&ctx, req);
  v1::SignalBatch batch;
  for (size_t i = 0; i < max_messages && reader->Read(&batch); ++i) {
    sizes->push_back(batch.signals_size());
    for (const v1::Signal& s : batch.signals()) out->push_back(s);
  }
  return reader->Finish();
}

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_SERVICE_TEST_SERVER_H_
