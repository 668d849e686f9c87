// Copyright 2026 The Tidings Authors.
//
// The ingest scenario: acknowledged signals/s, ack latency and syncs per
// signal at each publisher concurrency, for unary batches and IngestStream,
// each beside a bare RocksDB WriteBatch+sync loop at the same concurrency
// and bytes per signal; then the scorer alone on the same articles.

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/load/load.h"
#include "bench/load/stats.h"

namespace tidings::load {
namespace {

struct PublisherTally {
  uint64_t articles = 0;
  uint64_t signals = 0;
  uint64_t errors = 0;
  std::vector<double> latency_ms;  // One per ack (a call or an article).
  int64_t last_ack_ns = 0;
};

// One publisher sending unary Ingest calls of `batch` articles until
// `deadline_ns`.
void UnaryPublisher(LoadContext& ctx, int batch, int64_t deadline_ns,
                    uint64_t first, PublisherTally* tally) {
  auto stub = ctx.NewStub();
  uint64_t i = first;
  while (MonotonicNs() < deadline_ns) {
    v1::IngestResponse response;
    const int64_t t0 = MonotonicNs();
    const grpc::Status status =
        ctx.IngestBatch(stub.get(), i, batch, &response);
    i += batch;
    const int64_t t1 = MonotonicNs();
    if (!status.ok()) {
      if (++tally->errors == 1) {
        std::fprintf(stderr, "tidings_load: Ingest: %s\n",
                     status.error_message().c_str());
      }
      continue;
    }
    tally->latency_ms.push_back((t1 - t0) * 1e-6);
    tally->last_ack_ns = t1;
    for (const v1::IngestResult& r : response.results()) {
      if (r.error_code() != 0) {
        ++tally->errors;
        continue;
      }
      ++tally->articles;
      tally->signals += r.seqs_size();
    }
  }
}

// One publisher on an IngestStream: sends until `deadline_ns` with at most
// kWindow articles unanswered, then half-closes and reads the rest.
void StreamPublisher(LoadContext& ctx, int64_t deadline_ns, uint64_t first,
                     PublisherTally* tally) {
  constexpr uint64_t kWindow = 256;
  auto stub = ctx.NewStub();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::seconds(120));
  auto stream = stub->IngestStream(&context);
  absl::Mutex mu;
  std::vector<int64_t> sent_ns;  // By index. Guarded by mu.
  uint64_t answered = 0;         // Guarded by mu.
  bool reader_done = false;      // Guarded by mu.
  std::thread reader([&] {
    v1::IngestResult result;
    while (stream->Read(&result)) {
      const int64_t now = MonotonicNs();
      absl::MutexLock lock(&mu);
      ++answered;
      if (result.error_code() != 0) {
        ++tally->errors;
        continue;
      }
      tally->latency_ms.push_back((now - sent_ns[result.index()]) * 1e-6);
      tally->last_ack_ns = now;
      ++tally->articles;
      tally->signals += result.seqs_size();
    }
    absl::MutexLock lock(&mu);
    reader_done = true;
  });
  uint64_t i = first;
  while (MonotonicNs() < deadline_ns) {
    {
      absl::MutexLock lock(&mu);
      auto room = [&] {
        return reader_done || sent_ns.size() - answered < kWindow;
      };
      mu.Await(absl::Condition(&room));
      if (reader_done) break;
      sent_ns.push_back(MonotonicNs());
    }
    if (!stream->Write(ctx.NextArticle(i++))) break;
  }
  stream->WritesDone();
  reader.join();
  const grpc::Status status = stream->Finish();
  if (!status.ok()) {
    ++tally->errors;
    std::fprintf(stderr, "tidings_load: IngestStream: %s\n",
                 status.error_message().c_str());
  }
}

std::string CaseName(int publishers, int batch) {
  return batch == 0
             ? absl::StrCat("stream, ", publishers, " publishers")
             : absl::StrCat("unary x", batch, ", ", publishers, " publishers");
}

// One timed case; adds its rows under `kase`. Returns the WAL bytes per
// acknowledged signal (for the bare RocksDB reference), 0 when unknown.
double RunCase(LoadContext& ctx, const std::string& kase, int publishers,
               int batch /* 0 = IngestStream */) {
  const SharedCounters* counters =
      ctx.server ? &ctx.server->counters() : nullptr;
  const uint64_t syncs0 = counters ? counters->syncs.load() : 0;
  const uint64_t wal0 = counters ? counters->wal_bytes.load() : 0;
  std::vector<PublisherTally> tallies(publishers);
  std::vector<std::thread> threads;
  const int64_t start = MonotonicNs();
  const int64_t deadline =
      start + absl::ToInt64Nanoseconds(ctx.config.duration);
  for (int p = 0; p < publishers; ++p) {
    const uint64_t first = uint64_t(p) * 7919;  // Spread over the corpus.
    threads.emplace_back([&, p, first] {
      if (batch == 0) {
        StreamPublisher(ctx, deadline, first, &tallies[p]);
      } else {
        UnaryPublisher(ctx, batch, deadline, first, &tallies[p]);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  PublisherTally all;
  for (PublisherTally& t : tallies) {
    all.articles += t.articles;
    all.signals += t.signals;
    all.errors += t.errors;
    all.last_ack_ns = std::max(all.last_ack_ns, t.last_ack_ns);
    all.latency_ms.insert(all.latency_ms.end(), t.latency_ms.begin(),
                          t.latency_ms.end());
  }
  const double seconds = (std::max(all.last_ack_ns, deadline) - start) * 1e-9;
  Report& r = *ctx.report;
  r.Add("ingest", kase, "acked signals/s", "1/s", all.signals / seconds);
  r.Add("ingest", kase, "acked articles/s", "1/s", all.articles / seconds);
  r.Add("ingest", kase, "ack latency p50", "ms", Quantile(all.latency_ms, 0.5));
  r.Add("ingest", kase, "ack latency p99", "ms",
        Quantile(all.latency_ms, 0.99));
  double wal_per_signal = 0;
  if (counters != nullptr && all.signals > 0) {
    r.Add("ingest", kase, "syncs per acked signal", "",
          double(counters->syncs.load() - syncs0) / all.signals);
    wal_per_signal = double(counters->wal_bytes.load() - wal0) / all.signals;
  }
  if (all.errors > 0) r.Add("ingest", kase, "errors", "", all.errors);
  return wal_per_signal;
}

}  // namespace

void RunIngestScenario(LoadContext& ctx) {
  RunFsyncProbe(ctx);
  std::vector<int> modes = ctx.config.batches;
  modes.push_back(0);  // IngestStream.
  size_t value_bytes = 1024;
  for (int p : ctx.config.publishers) {
    for (int batch : modes) {
      const std::string kase = CaseName(p, batch);
      const double wal = RunCase(ctx, kase, p, batch);
      if (wal > 0) value_bytes = static_cast<size_t>(wal);
      // The reference: the same concurrency and bytes per signal, one
      // WriteBatch per ack (an article of a stream is acked alone).
      const int values = std::max(batch, 1);
      const std::string ref =
          absl::StrCat("rocksdb batch ", values, ", ", p, " writers");
      RunBareRocksDbReference(ctx, p, values, value_bytes, ref);
      ctx.report->Compare("ingest", kase, "acked signals/s", "ref", ref,
                          "values/s", p == 16 ? ">= 0.7, syncs <= 0.2" : "");
    }
  }
  RunScorerReference(ctx);
  for (int p : ctx.config.publishers) {
    for (int batch : modes) {
      const std::string kase = CaseName(p, batch);
      ctx.report->Compare("ingest", kase, "acked articles/s", "ref",
                          "scorer alone, 2 threads", "articles/s",
                          p == 16 ? ">= 0.5 (best case)" : "");
    }
  }
}

}  // namespace tidings::load
