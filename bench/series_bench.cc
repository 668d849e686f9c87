// Copyright 2026 The Tidings Authors.
//
// series_bench: the Series RPC over a store of 1M signals, beside a full
// Query-style scan of the same window in the same run (see bench/README.md,
// "Series").
//
// Load step: fills a store (sync off) with 1M synthetic signals through
// SignalStore::Append, spread over one year of ingested_at (1,000 batches of
// 1,000), 30 sources, 40 entities, 0-2 events each, published_at within two
// days before ingest. The store is kept in $TIDINGS_SERIES_BENCH_DIR
// (default /tmp/tidings_series_bench) and reused when it holds them already.
//
// Timed:
//   BM_LoadColumns          the first series' load of every summary
//   BM_SeriesDaily          one-year daily GEOPOLITICAL_TENSION share
//   BM_SeriesDailyBySource  the same, grouped by source (30 groups)
//   BM_SeriesDailyPublished the same over published_at
//   BM_SeriesDailyGrpc      BM_SeriesDaily through a real server on loopback
//   BM_FullScan             reference: every signal of the window read and
//                           parsed (SignalStore::Scan) and counted per day,
//                           as a client-side recount from Query would
// At the end: the medians and the ratio full scan / series.

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "benchmark/benchmark.h"
#include "grpcpp/grpcpp.h"
#include "scoring/scorer.h"
#include "service/convert.h"
#include "service/internal/series.h"
#include "service/server.h"
#include "storage/signal_store.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::bench {
namespace {

constexpr int kBatches = 1000;
constexpr int kPerBatch = 1000;
constexpr uint64_t kSignals = uint64_t{kBatches} * kPerBatch;
const absl::Time kStart = absl::FromUnixSeconds(1735689600);  // 2025-01-01.

std::map<std::string, std::vector<double>>& Timings() {
  static auto* timings = new std::map<std::string, std::vector<double>>();
  return *timings;
}

storage::PendingArticle Synthetic(std::mt19937_64& rng, uint64_t id,
                                  absl::Time now) {
  auto pick = [&rng](int n) { return static_cast<int>(rng() % n); };
  storage::PendingArticle p;
  p.idempotency_key = absl::StrCat("id:", id);
  p.article.set_article_id(absl::StrCat(id));
  v1::Signal s;
  s.set_article_id(p.article.article_id());
  s.set_title(absl::StrCat("synthetic story ", id));
  s.set_source(absl::StrCat("source", pick(30)));
  for (int k = pick(3); k >= 0; --k) {
    s.add_entities()->set_id(absl::StrCat("entity:e", pick(40)));
  }
  for (int k = pick(3); k > 0; --k) {
    v1::Event* e = s.add_events();
    e->set_type(static_cast<v1::EventType>(1 + pick(4)));
    e->set_direction(static_cast<v1::Direction>(1 + pick(11)));
    e->set_relevance(0.05 * (1 + pick(20)));
  }
  s.mutable_sentiment()->set_score(0.01 * (pick(201) - 100));
  service::ToProto(now - absl::Seconds(pick(2 * 86400)),
                   s.mutable_published_at());
  p.signals.push_back(std::move(s));
  return p;
}

// The store, filled on first use.
storage::SignalStore* Store() {
  static storage::SignalStore* store = [] {
    storage::StoreOptions options;
    const char* dir = std::getenv("TIDINGS_SERIES_BENCH_DIR");
    options.path = dir != nullptr ? dir : "/tmp/tidings_series_bench";
    options.sync = false;
    options.duplicate_window = absl::ZeroDuration();
    auto opened = storage::SignalStore::Open(options);
    if (!opened.ok()) {
      std::fprintf(stderr, "open %s: %s\n", options.path.c_str(),
                   opened.status().ToString().c_str());
      std::exit(1);
    }
    storage::SignalStore* s = opened->release();
    if (s->head_seq() == kSignals) return s;
    if (s->head_seq() != 0) {
      std::fprintf(stderr, "%s holds %llu signals, not %llu: remove it\n",
                   options.path.c_str(),
                   static_cast<unsigned long long>(s->head_seq()),
                   static_cast<unsigned long long>(kSignals));
      std::exit(1);
    }
    const absl::Time began = absl::Now();
    std::mt19937_64 rng(20261206);
    for (int b = 0; b < kBatches; ++b) {
      const absl::Time now = kStart + absl::Hours(24 * 365) * b / kBatches;
      std::vector<storage::PendingArticle> batch;
      for (int i = 0; i < kPerBatch; ++i) {
        batch.push_back(
            Synthetic(rng, static_cast<uint64_t>(b) * kPerBatch + i, now));
      }
      if (auto r = s->Append(std::move(batch), now); !r.ok()) {
        std::fprintf(stderr, "append: %s\n", r.status().ToString().c_str());
        std::exit(1);
      }
    }
    std::fprintf(stderr, "load step: %llu signals stored in %s\n",
                 static_cast<unsigned long long>(kSignals),
                 absl::FormatDuration(absl::Now() - began).c_str());
    return s;
  }();
  return store;
}

v1::SeriesRequest DailyRequest() {
  v1::SeriesRequest r;
  r.set_bucket(v1::DAY);
  r.add_event_types(v1::GEOPOLITICAL_TENSION);
  service::ToProto(kStart, r.mutable_since());
  service::ToProto(kStart + absl::Hours(24 * 365), r.mutable_until());
  return r;
}

service::internal::SeriesIndex* LoadedIndex() {
  static auto* index = [] {
    auto* i = new service::internal::SeriesIndex(Store());
    auto q =
        service::internal::ValidateSeriesRequest(DailyRequest(), absl::Now());
    if (!q.ok() || !i->Run(*q).ok()) std::exit(1);
    return i;
  }();
  return index;
}

void Record(benchmark::State& state, const std::string& name, double ms) {
  state.SetIterationTime(ms / 1e3);
  Timings()[name].push_back(ms);
}

void BM_LoadColumns(benchmark::State& state) {
  Store();
  auto q =
      service::internal::ValidateSeriesRequest(DailyRequest(), absl::Now());
  for (auto _ : state) {
    service::internal::SeriesIndex index(Store());
    const absl::Time t = absl::Now();
    auto r = index.Run(*q);
    Record(state, "load columns", absl::ToDoubleMilliseconds(absl::Now() - t));
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
  }
}

void RunSeries(benchmark::State& state, const std::string& name,
               const v1::SeriesRequest& request) {
  auto q = service::internal::ValidateSeriesRequest(request, absl::Now());
  service::internal::SeriesIndex* index = LoadedIndex();
  uint64_t articles = 0;
  for (auto _ : state) {
    const absl::Time t = absl::Now();
    auto r = index->Run(*q);
    Record(state, name, absl::ToDoubleMilliseconds(absl::Now() - t));
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    articles = 0;
    for (const v1::SeriesPoint& p : r->points()) articles += p.article_count();
  }
  state.counters["articles"] = static_cast<double>(articles);
}

void BM_SeriesDaily(benchmark::State& state) {
  RunSeries(state, "series daily", DailyRequest());
}

void BM_SeriesDailyBySource(benchmark::State& state) {
  v1::SeriesRequest r = DailyRequest();
  r.set_group_by(v1::GROUP_BY_SOURCE);
  RunSeries(state, "series daily by source", r);
}

void BM_SeriesDailyPublished(benchmark::State& state) {
  v1::SeriesRequest r = DailyRequest();
  r.set_time_field(v1::PUBLISHED_AT);
  RunSeries(state, "series daily published", r);
}

void BM_SeriesDailyGrpc(benchmark::State& state) {
  // A server over a second handle would need a second RocksDB instance; the
  // server owns the store instead, so the in-process benchmarks above must
  // have run first (they share it through Store()).
  static std::unique_ptr<service::Server> server;
  if (server == nullptr) {
    auto scorer = scoring::Scorer::Create(scoring::ScorerOptions());
    service::ServerOptions options;
    options.listen = "127.0.0.1:0";
    service::ServerDeps deps;
    deps.scorer = *std::move(scorer);
    deps.store.reset(Store());
    auto started = service::Server::Start(options, std::move(deps));
    if (!started.ok()) {
      state.SkipWithError(started.status().ToString().c_str());
      return;
    }
    server = *std::move(started);
  }
  auto stub = v1::Tidings::NewStub(
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", server->port()),
                          grpc::InsecureChannelCredentials()));
  const v1::SeriesRequest request = DailyRequest();
  for (auto _ : state) {
    grpc::ClientContext ctx;
    v1::SeriesResponse resp;
    const absl::Time t = absl::Now();
    grpc::Status s = stub->Series(&ctx, request, &resp);
    Record(state, "series daily (gRPC)",
           absl::ToDoubleMilliseconds(absl::Now() - t));
    if (!s.ok()) state.SkipWithError(s.error_message().c_str());
  }
}

void BM_FullScan(benchmark::State& state) {
  storage::SignalStore* store = Store();
  const int64_t since = absl::ToUnixMicros(kStart);
  uint64_t counted = 0;
  for (auto _ : state) {
    const absl::Time t = absl::Now();
    std::vector<uint64_t> articles(366), events(366);
    absl::Status s = store->Scan(0, 0, [&](v1::Signal& signal) {
      const int64_t micros = signal.ingested_at().seconds() * 1000000;
      const size_t day = static_cast<size_t>((micros - since) / 86400000000);
      ++articles[day];
      for (const v1::Event& e : signal.events()) {
        if (e.type() == v1::GEOPOLITICAL_TENSION && e.relevance() >= 0.4) {
          ++events[day];
          break;
        }
      }
      return true;
    });
    Record(state, "full scan", absl::ToDoubleMilliseconds(absl::Now() - t));
    if (!s.ok()) state.SkipWithError(s.ToString().c_str());
    counted = 0;
    for (uint64_t n : articles) counted += n;
  }
  state.counters["articles"] = static_cast<double>(counted);
}

BENCHMARK(BM_LoadColumns)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3);
BENCHMARK(BM_SeriesDaily)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->Repetitions(3);
BENCHMARK(BM_SeriesDailyBySource)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->Repetitions(3);
BENCHMARK(BM_SeriesDailyPublished)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->Repetitions(3);
BENCHMARK(BM_FullScan)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(1)
    ->Repetitions(3);
BENCHMARK(BM_SeriesDailyGrpc)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond)
    ->Iterations(5)
    ->Repetitions(3);

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace
}  // namespace tidings::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  auto& timings = tidings::bench::Timings();
  std::printf("\nmedians over %s signals (ms):\n",
              std::to_string(tidings::bench::kSignals).c_str());
  for (const auto& [name, ms] : timings) {
    std::printf("  %-26s %10.2f  (n=%zu)\n", name.c_str(),
                tidings::bench::Median(ms), ms.size());
  }
  if (timings.count("full scan") && timings.count("series daily")) {
    std::printf("  full scan / series daily: %.0fx\n",
                tidings::bench::Median(timings["full scan"]) /
                    tidings::bench::Median(timings["series daily"]));
  }
  return 0;
}
