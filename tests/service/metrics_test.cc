// Copyright 2026 The Tidings Authors.
//
// Prometheus metrics (issue 11, item 2): a real server with
// metrics_listen on a free loopback port is scraped over plain HTTP; the
// ingest, scoring, commit, WAL sync, RPC, query and delivery metrics move,
// the gauges show the log's range and subscribers, and the RocksDB families
// are there with their types. A malformed or busy metrics address fails the
// start.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "service/server.h"
#include "tests/service/test_server.h"
#include "tests/testing/loopback.h"
#include "tests/testing/raw_call.h"

namespace tidings::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// GET /metrics over a plain TCP socket, 10 s at most; the body, or nullopt.
std::optional<std::string> Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return std::nullopt;
  timeval timeout{};
  timeout.tv_sec = 10;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return std::nullopt;
  }
  const std::string request =
      absl::StrCat("GET /metrics HTTP/1.0\r\nHost: 127.0.0.1:", port,
                   "\r\nConnection: close\r\n\r\n");
  if (send(fd, request.data(), request.size(), MSG_NOSIGNAL) !=
      static_cast<ssize_t>(request.size())) {
    close(fd);
    return std::nullopt;
  }
  std::string response;
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buffer[16384];
  while (std::chrono::steady_clock::now() < deadline &&
         response.size() < (size_t{16} << 20)) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) break;  // EOF, error or timeout.
    response.append(buffer, static_cast<size_t>(n));
  }
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  if (response.rfind("HTTP/1.", 0) != 0 || body == std::string::npos ||
      response.find(" 200 ") == std::string::npos) {
    ADD_FAILURE() << "unexpected HTTP response: " << response.substr(0, 300);
    return std::nullopt;
  }
  return response.substr(body + 4);
}

// The value of the sample `name` (exactly; labels sorted by name as the text
// format writes them, e.g. `code="OK",method="Ingest"`), or nullopt.
std::optional<double> Sample(const std::string& text, const std::string& name,
                             const std::string& labels = "") {
  const std::string key =
      labels.empty() ? name : absl::StrCat(name, "{", labels, "}");
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.size() > key.size() && line.substr(0, key.size()) == key &&
        line[key.size()] == ' ') {
      double v = 0;
      if (absl::SimpleAtod(line.substr(key.size() + 1), &v)) return v;
    }
  }
  return std::nullopt;
}

service::ServerOptions MetricsOptions(int port) {
  service::ServerOptions o = TestOptions();
  o.metrics_listen = absl::StrCat("127.0.0.1:", port);
  return o;
}

// A server (RocksDB in a temp dir) with metrics on a free loopback port.
class MetricsServerTest : public ::testing::Test {
 protected:
  void StartServer() {
    port_ = FreeLoopbackPort();
    ASSERT_NE(port_, 0);
    absl::StatusOr<std::unique_ptr<TestServer>> server = TestServer::Start(
        StoreKind::kRocksDb, MetricsOptions(port_), dir_.path(), nullptr);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<TestServer> server_;
};

TEST_F(MetricsServerTest, ScrapeShowsIngestRpcsQueriesAndTheLogRange) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestServer& t = *server_;

  // Before any ingest: the metrics are there, at zero.
  std::optional<std::string> before = Scrape(port_);
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(Sample(*before, "tidings_ingest_signals_total"), 0);
  EXPECT_EQ(Sample(*before, "tidings_head_seq"), 0);
  EXPECT_EQ(Sample(*before, "tidings_subscribers"), 0);

  v1::IngestResponse first = IngestOrDie(
      t.stub(),
      {MakeArticle("a", 1), MakeArticle("b", 2), MakeArticle("c", 3)});
  v1::IngestResponse again = IngestOrDie(t.stub(), {MakeArticle("a", 1)});
  ASSERT_EQ(again.results_size(), 1);
  EXPECT_TRUE(again.results(0).duplicate());
  const size_t signals = AllSeqs(first).size();
  ASSERT_GT(signals, 0u);
  const uint64_t head = again.head_seq();
  ASSERT_EQ(head, signals);

  // One query that reads everything, one call that fails.
  std::vector<v1::Signal> rows;
  ASSERT_TRUE(RunQuery(t.stub(), v1::QueryRequest(), &rows).ok());
  ASSERT_EQ(rows.size(), signals);
  {
    v1::GetSignalRequest req;
    req.set_seq(head + 100);
    v1::Signal out;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    EXPECT_FALSE(t.stub().GetSignal(&ctx, req, &out).ok());
  }

  {
    // A series over every signal: the summaries it counted.
    v1::SeriesRequest req;
    req.set_bucket(v1::DAY);
    v1::SeriesResponse out;
    grpc::ClientContext ctx;
    SetDeadline(&ctx);
    req.mutable_since()->set_seconds(absl::ToUnixSeconds(absl::Now()) -
                                     86400 * 30);
    ASSERT_TRUE(t.stub().Series(&ctx, req, &out).ok());
  }

  std::optional<std::string> text = Scrape(port_);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(Sample(*text, "tidings_series_signals_total"),
            static_cast<double>(signals));
  EXPECT_EQ(Sample(*text, "tidings_rpcs_finished_total",
                   "code=\"OK\",method=\"Series\""),
            1);
  EXPECT_EQ(Sample(*text, "tidings_ingest_signals_total"),
            static_cast<double>(signals))
      << *text;
  // The retry of "a" is answered from its id before any commit.
  EXPECT_EQ(Sample(*text, "tidings_ingest_articles_total"), 3);
  EXPECT_EQ(Sample(*text, "tidings_commit_seconds_count"), 1);
  EXPECT_EQ(Sample(*text, "tidings_commit_articles_sum"), 3);
  EXPECT_EQ(Sample(*text, "tidings_commit_failures_total"), 0);
  EXPECT_EQ(Sample(*text, "tidings_query_signals_total"),
            static_cast<double>(signals));
  EXPECT_EQ(Sample(*text, "tidings_head_seq"), static_cast<double>(head));
  EXPECT_EQ(Sample(*text, "tidings_first_seq"), 1);
  EXPECT_EQ(Sample(*text, "tidings_rpcs_started_total", "method=\"Ingest\""),
            2);
  EXPECT_EQ(Sample(*text, "tidings_rpcs_finished_total",
                   "code=\"OK\",method=\"Ingest\""),
            2);
  EXPECT_EQ(Sample(*text, "tidings_rpcs_finished_total",
                   "code=\"OK\",method=\"Query\""),
            1);
  EXPECT_EQ(Sample(*text, "tidings_rpcs_started_total", "method=\"GetSignal\""),
            1);
  std::optional<double> failed_get;
  for (const char* code : {"NOT_FOUND", "OUT_OF_RANGE", "INVALID_ARGUMENT"}) {
    if (!failed_get) {
      failed_get =
          Sample(*text, "tidings_rpcs_finished_total",
                 absl::StrCat("code=\"", code, "\",method=\"GetSignal\""));
    }
  }
  EXPECT_EQ(failed_get, 1) << *text;
  // The types as Prometheus reads them.
  EXPECT_THAT(*text, HasSubstr("# TYPE tidings_ingest_signals_total counter"));
  EXPECT_THAT(*text, HasSubstr("# TYPE tidings_commit_seconds histogram"));
  EXPECT_THAT(*text, HasSubstr("# TYPE tidings_head_seq gauge"));
}

TEST_F(MetricsServerTest, ScrapeShowsBatchesScoringSyncsDuplicatesAndRejects) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestServer& t = *server_;
  v1::Article empty;  // No title, no body: rejected, not stored.
  empty.set_article_id("empty");
  v1::IngestResponse first =
      IngestOrDie(t.stub(), {MakeArticle("a", 1), MakeArticle("b", 2), empty});
  ASSERT_EQ(first.results_size(), 3);
  EXPECT_NE(first.results(2).error_code(), 0);
  // A known id: answered before scoring.
  IngestOrDie(t.stub(), {MakeArticle("a", 1)});
  // The same new id twice in one request: both scored, the second found a
  // duplicate at commit.
  v1::IngestResponse twice =
      IngestOrDie(t.stub(), {MakeArticle("c", 3), MakeArticle("c", 3)});
  ASSERT_EQ(twice.results_size(), 2);
  EXPECT_TRUE(twice.results(1).duplicate());

  std::optional<std::string> text = Scrape(port_);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(Sample(*text, "tidings_ingest_batch_articles_count"), 3) << *text;
  EXPECT_EQ(Sample(*text, "tidings_ingest_batch_articles_sum"), 6);
  EXPECT_EQ(Sample(*text, "tidings_scoring_seconds_count"), 4);
  EXPECT_EQ(Sample(*text, "tidings_ingest_rejected_total"), 1);
  EXPECT_EQ(Sample(*text, "tidings_ingest_duplicates_total"), 2);
  EXPECT_EQ(Sample(*text, "tidings_ingest_articles_total"), 3);
  // Two commits, each with one WAL sync.
  EXPECT_EQ(Sample(*text, "tidings_commit_seconds_count"), 2);
  EXPECT_EQ(Sample(*text, "tidings_wal_sync_seconds_count"), 2);
  EXPECT_THAT(*text, HasSubstr("# TYPE tidings_wal_sync_seconds histogram"));
  EXPECT_THAT(*text, HasSubstr("# TYPE tidings_scoring_seconds histogram"));
  EXPECT_THAT(*text,
              HasSubstr("# TYPE tidings_ingest_batch_articles histogram"));
  EXPECT_THAT(*text,
              HasSubstr("# TYPE tidings_ingest_duplicates_total counter"));

  // RocksDB: the WAL holds the batches; its counters saw them.
  EXPECT_GT(Sample(*text, "tidings_rocksdb_wal_bytes").value_or(0), 0);
  EXPECT_GT(Sample(*text, "tidings_rocksdb_memtable_bytes").value_or(0), 0);
  EXPECT_GE(Sample(*text, "tidings_rocksdb_wal_syncs_total").value_or(0), 2);
  EXPECT_GT(Sample(*text, "tidings_rocksdb_write_bytes_total").value_or(0), 0);
  for (const char* gauge :
       {"tidings_rocksdb_sst_bytes", "tidings_rocksdb_live_sst_bytes",
        "tidings_rocksdb_wal_bytes", "tidings_rocksdb_memtable_bytes",
        "tidings_rocksdb_pending_compaction_bytes"}) {
    EXPECT_THAT(*text, HasSubstr(absl::StrCat("# TYPE ", gauge, " gauge")));
    EXPECT_TRUE(Sample(*text, gauge).has_value()) << gauge;
  }
  for (const char* counter : {"tidings_rocksdb_block_cache_hits_total",
                              "tidings_rocksdb_block_cache_misses_total",
                              "tidings_rocksdb_read_bytes_total",
                              "tidings_rocksdb_compaction_read_bytes_total",
                              "tidings_rocksdb_compaction_write_bytes_total",
                              "tidings_rocksdb_flush_write_bytes_total",
                              "tidings_rocksdb_stall_seconds_total",
                              "tidings_rocksdb_wal_write_bytes_total"}) {
    EXPECT_THAT(*text, HasSubstr(absl::StrCat("# TYPE ", counter, " counter")));
    EXPECT_TRUE(Sample(*text, counter).has_value()) << counter;
  }
}

// Reads `reader` until an event of `kind` arrives (at most 20 events).
bool ReadUntil(grpc::ClientReader<v1::SubscribeEvent>& reader,
               v1::SubscribeEvent::EventCase kind, v1::SubscribeEvent* event) {
  for (int i = 0; i < 20; ++i) {
    if (!reader.Read(event)) return false;
    if (event->event_case() == kind) return true;
  }
  return false;
}

TEST_F(MetricsServerTest, LiveDeliveriesAreTimedAndReplaysAreNot) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestServer& t = *server_;
  IngestOrDie(t.stub(), {MakeArticle("old", 1)});

  // One subscriber replays the log, one starts now.
  grpc::ClientContext replay_ctx, live_ctx;
  SetDeadline(&replay_ctx);
  SetDeadline(&live_ctx);
  v1::SubscribeRequest from_start;
  from_start.set_from_seq(0);
  v1::SubscribeRequest from_now;
  from_now.set_from_now(true);
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> replay =
      t.stub().Subscribe(&replay_ctx, from_start);
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> live =
      t.stub().Subscribe(&live_ctx, from_now);
  v1::SubscribeEvent event;
  ASSERT_TRUE(ReadUntil(*replay, v1::SubscribeEvent::kSignal, &event));
  // The first heartbeat: the stream has started.
  ASSERT_TRUE(ReadUntil(*live, v1::SubscribeEvent::kHeartbeat, &event));

  std::optional<std::string> replayed = Scrape(port_);
  ASSERT_TRUE(replayed.has_value());
  EXPECT_EQ(Sample(*replayed, "tidings_ingest_to_deliver_seconds_count"), 0)
      << *replayed;

  v1::IngestResponse fresh = IngestOrDie(t.stub(), {MakeArticle("new", 2)});
  const uint64_t head = fresh.head_seq();
  for (auto* reader : {replay.get(), live.get()}) {
    do {
      ASSERT_TRUE(ReadUntil(*reader, v1::SubscribeEvent::kSignal, &event));
    } while (event.signal().seq() < head);
  }
  std::optional<std::string> text = Scrape(port_);
  ASSERT_TRUE(text.has_value());
  // Both subscribers received the new signals live.
  EXPECT_EQ(Sample(*text, "tidings_ingest_to_deliver_seconds_count"),
            2.0 * AllSeqs(fresh).size())
      << *text;
  EXPECT_THAT(*text,
              HasSubstr("# TYPE tidings_ingest_to_deliver_seconds histogram"));
  // Both have everything.
  EXPECT_EQ(Sample(*text, "tidings_subscribers"), 2);
  EXPECT_EQ(Sample(*text, "tidings_subscriber_max_lag_seqs"), 0);
  EXPECT_EQ(Sample(*text, "tidings_subscriber_total_lag_seqs"), 0);
  EXPECT_THAT(*text, HasSubstr("# TYPE tidings_subscriber_max_lag_seqs gauge"));
  replay_ctx.TryCancel();
  live_ctx.TryCancel();
  replay->Finish();
  live->Finish();
}

// The RPC counters see the code sent (after the parse-error rewrite) and
// only the service's own methods.
TEST_F(MetricsServerTest, RpcCountersSeeRewrittenCodesAndOnlyKnownMethods) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestServer& t = *server_;
  // Not protobuf: field 1, length-delimited, 100 bytes announced, 2 present.
  RawResult bad = RawCall(t.channel(), "/tidings.v1.Tidings/Ingest",
                          {std::string("\x0a\x64zz", 4)});
  EXPECT_EQ(bad.status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  RawResult unknown =
      RawCall(t.channel(), "/tidings.v1.Tidings/NoSuchMethod", {""});
  // (Answered INVALID_ARGUMENT by the parse-error rewrite, which cannot
  // tell an unknown method from a request that does not parse.)
  EXPECT_FALSE(unknown.status.ok());

  std::optional<std::string> text = Scrape(port_);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(Sample(*text, "tidings_rpcs_finished_total",
                   "code=\"INVALID_ARGUMENT\",method=\"Ingest\""),
            1)
      << *text;
  EXPECT_THAT(*text, Not(HasSubstr("UNIMPLEMENTED")));
  EXPECT_THAT(*text, Not(HasSubstr("NoSuchMethod")));
  EXPECT_EQ(Sample(*text, "tidings_rpcs_started_total", "method=\"Ingest\""),
            1);
}

TEST_F(MetricsServerTest, SubscribersGaugeCountsOpenStreams) {
  ASSERT_NO_FATAL_FAILURE(StartServer());
  TestServer& t = *server_;
  IngestOrDie(t.stub(), {MakeArticle("a", 1)});

  grpc::ClientContext ctx;
  SetDeadline(&ctx);
  v1::SubscribeRequest req;
  req.set_from_seq(0);  // Replays the log: the first event is a signal.
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> reader =
      t.stub().Subscribe(&ctx, req);
  // The first event (a signal) proves the stream is registered.
  v1::SubscribeEvent event;
  ASSERT_TRUE(reader->Read(&event));
  std::optional<std::string> text = Scrape(port_);
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(Sample(*text, "tidings_subscribers"), 1) << *text;
  ctx.TryCancel();
  reader->Finish();
}

TEST(MetricsTest, AMalformedMetricsAddressIsInvalidArgument) {
  for (const char* bad :
       {"nonsense", "127.0.0.1", "127.0.0.1:0", "127.0.0.1:99999",
        "127.0.0.1:port", ":9464", "::1:9464"}) {
    service::ServerOptions o = TestOptions();
    o.metrics_listen = bad;
    TempDir dir;
    o.data_dir = dir.path();
    service::ServerDeps deps;
    deps.scorer = SharedScorer();
    absl::StatusOr<std::unique_ptr<service::Server>> s =
        service::Server::Start(o, std::move(deps));
    ASSERT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr("metrics_listen"))
        << bad;
    EXPECT_THAT(std::string(s.status().message()), HasSubstr(bad));
  }
}

TEST(MetricsTest, ABusyMetricsAddressFailsTheStart) {
  // Hold a listening socket on the port.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 1), 0);
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  const int port = ntohs(addr.sin_port);

  TempDir dir;
  absl::StatusOr<std::unique_ptr<TestServer>> server = TestServer::Start(
      StoreKind::kRocksDb, MetricsOptions(port), dir.path(), nullptr);
  close(fd);
  ASSERT_FALSE(server.ok());
  EXPECT_EQ(server.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(
      std::string(server.status().message()),
      HasSubstr(absl::StrCat("cannot listen for metrics on 127.0.0.1:", port)));
  EXPECT_THAT(std::string(server.status().message()),
              HasSubstr("Address already in use"));
}

}  // namespace
}  // namespace tidings::testing
