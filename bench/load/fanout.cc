// Copyright 2026 The Tidings Authors.
//
// The fan-out scenario: N subscribers on live ingest (deliveries/s and
// commit->deliver latency), each size beside a bare gRPC server-stream loop
// of messages of the same size to N clients; then N subscribers plus one
// that stops reading, which must not slow the others or the ingest.

#include <algorithm>
#include <cstdio>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "bench/load/counting_reader.h"
#include "bench/load/load.h"
#include "bench/load/raw_stream.grpc.pb.h"
#include "bench/load/stats.h"
#include "bench/load/subscriber.h"

namespace tidings::load {
namespace {

constexpr int kSubscribersPerChannel = 100;
constexpr int kPublishers = 2;
constexpr int kBatch = 50;

// Ingests `articles` articles from kPublishers publishers in unary batches;
// returns the acknowledged signals and sets *seconds.
uint64_t Publish(LoadContext& ctx, uint64_t articles, double* seconds) {
  std::vector<uint64_t> signals(kPublishers, 0);
  std::vector<std::thread> threads;
  const int64_t start = MonotonicNs();
  for (int p = 0; p < kPublishers; ++p) {
    threads.emplace_back([&, p] {
      auto stub = ctx.NewStub();
      for (uint64_t i = p * kBatch; i < articles; i += kPublishers * kBatch) {
        const int n =
            static_cast<int>(std::min<uint64_t>(kBatch, articles - i));
        v1::IngestResponse response;
        if (!ctx.IngestBatch(stub.get(), i, n, &response).ok()) continue;
        for (const auto& r : response.results()) signals[p] += r.seqs_size();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  *seconds = (MonotonicNs() - start) * 1e-9;
  uint64_t total = 0;
  for (uint64_t n : signals) total += n;
  return total;
}

// One publisher sending `per_second` articles a second for `duration`, in
// 50 batches a second: a steady load whose deliveries the subscribers can
// keep up with, so that the latency is the path's, not a backlog's.
void PublishPaced(LoadContext& ctx, int per_second, absl::Duration duration) {
  auto stub = ctx.NewStub();
  const int batch = std::max(1, per_second / 50);
  const int64_t period = 1'000'000'000LL * batch / per_second;
  const int64_t start = MonotonicNs();
  const int64_t end = start + absl::ToInt64Nanoseconds(duration);
  uint64_t i = 0;
  for (int64_t next = start; next < end; next += period) {
    while (MonotonicNs() < next) {
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    v1::IngestResponse response;
    (void)ctx.IngestBatch(stub.get(), i, batch, &response);
    i += batch;
  }
}

// Waits until every live subscriber saw the head; returns how many did.
int AwaitHead(LoadContext& ctx, std::vector<std::unique_ptr<Subscriber>>& subs,
              int n) {
  const uint64_t head = ctx.HeadSeq();
  int complete = 0;
  for (int i = 0; i < n; ++i) {
    subs[i]->SetUntil(head);
    complete += subs[i]->AwaitUntil(absl::Seconds(120));
  }
  return complete;
}

// One fan-out case: `n` live subscribers (+1 stalled when `stall`). First
// throughput: ingest as fast as it goes, deliveries/s until every
// subscriber has every signal. Then latency: a paced ingest of
// min(1000, 20000 / n) articles/s (20k deliveries/s at most) for
// --duration, commit->deliver percentiles over every delivery.
void RunCase(LoadContext& ctx, int n, bool stall, const std::string& kase,
             double* mean_bytes, uint64_t* signals_out) {
  const int channels =
      (n + stall + kSubscribersPerChannel - 1) / kSubscribersPerChannel;
  std::vector<std::unique_ptr<v1::Tidings::Stub>> stubs;
  for (int c = 0; c < channels; ++c) stubs.push_back(ctx.NewStub());
  std::vector<std::unique_ptr<Subscriber>> subs;
  for (int i = 0; i < n + stall; ++i) {
    subs.push_back(std::make_unique<Subscriber>(
        ctx, stubs[i / kSubscribersPerChannel].get(), stall && i == n));
  }
  int ready = 0;
  for (auto& s : subs) ready += s->AwaitReady();

  const uint64_t articles =
      std::clamp<uint64_t>(ctx.config.fanout_deliveries / n, 200, 20000);
  double publish_seconds = 0;
  const int64_t start = MonotonicNs();
  const uint64_t signals = Publish(ctx, articles, &publish_seconds);
  int complete = AwaitHead(ctx, subs, n);
  uint64_t delivered = 0, bytes = 0;
  int64_t last = start;
  for (int i = 0; i < n; ++i) {
    Subscriber::Tally t = subs[i]->TakeTally();
    delivered += t.delivered;
    bytes += t.bytes;
    last = std::max(last, t.last_delivery_ns);
  }

  const int per_second = std::clamp(20000 / n, 10, 1000);
  PublishPaced(ctx, per_second, ctx.config.duration);
  complete = std::min(complete, AwaitHead(ctx, subs, n));
  const int64_t rss = ctx.server ? ctx.server->RssBytes() : -1;
  std::vector<double> latency;
  for (int i = 0; i < n; ++i) {
    Subscriber::Tally t = subs[i]->TakeTally();
    latency.insert(latency.end(), t.latency_ms.begin(), t.latency_ms.end());
  }
  for (auto& s : subs) s->CancelAndWait();

  Report& r = *ctx.report;
  r.Add("fanout", kase, "deliveries/s", "1/s",
        delivered / ((last - start) * 1e-9));
  r.Add("fanout", kase, "ingest signals/s", "1/s", signals / publish_seconds);
  r.Add("fanout", kase, "paced ingest (latency)", "art/s", per_second);
  r.Add("fanout", kase, "commit->deliver p50", "ms", Quantile(latency, 0.5));
  r.Add("fanout", kase, "commit->deliver p99", "ms", Quantile(latency, 0.99));
  r.Add("fanout", kase, "commit->deliver p999", "ms", Quantile(latency, 0.999));
  if (rss >= 0) r.Add("fanout", kase, "server RSS", "MB", rss / 1e6);
  if (ready < n + stall || complete < n) {
    r.Add("fanout", kase, "errors", "", (n + stall - ready) + (n - complete));
    std::fprintf(stderr,
                 "tidings_load: fan-out %s: %d of %d ready, %d of %d got "
                 "every signal\n",
                 kase.c_str(), ready, n + stall, complete, n);
  }
  *mean_bytes = delivered ? double(bytes) / delivered : 0;
  *signals_out = signals;
}

// The reference: `n` clients each reading `count` messages of `size` bytes
// from the bare stream server in the server process.
void RunRawReference(LoadContext& ctx, int n, uint64_t count, size_t size,
                     const std::string& kase) {
  using Reader = CountingReader<RawMessage>;
  const int channels =
      (n + kSubscribersPerChannel - 1) / kSubscribersPerChannel;
  std::vector<std::unique_ptr<RawStream::Stub>> stubs;
  for (int c = 0; c < channels; ++c) {
    stubs.push_back(
        RawStream::NewStub(ctx.NewChannel(ctx.server->raw_address())));
  }
  RawRequest request;
  request.set_count(count);
  request.set_size(static_cast<uint32_t>(size));
  const int64_t start = MonotonicNs();
  std::vector<std::unique_ptr<Reader>> readers;
  for (int i = 0; i < n; ++i) {
    RawStream::Stub* stub = stubs[i / kSubscribersPerChannel].get();
    readers.push_back(
        std::make_unique<Reader>([&](grpc::ClientContext* context, Reader* r) {
          stub->async()->Stream(context, &request, r);
        }));
  }
  uint64_t total = 0;
  int64_t last = start;
  for (auto& r : readers) {
    r->Await(absl::Seconds(120));
    total += r->count();
    last = std::max(last, r->last_ns());
  }
  ctx.report->Add("ref", kase, "deliveries/s", "1/s",
                  total / ((last - start) * 1e-9));
}

}  // namespace

void RunFanoutScenario(LoadContext& ctx) {
  for (int n : ctx.config.subscribers) {
    const std::string kase = absl::StrCat(n, " subscribers");
    double bytes = 0;
    uint64_t signals = 0;
    RunCase(ctx, n, /*stall=*/false, kase, &bytes, &signals);
    if (ctx.server != nullptr && signals > 0) {
      const std::string ref = absl::StrCat("raw gRPC stream, ", n, " clients");
      // Payload so that a message is as large as the mean SubscribeEvent.
      RunRawReference(ctx, n, signals,
                      static_cast<size_t>(std::max(0.0, bytes - 12)), ref);
      ctx.report->Compare("fanout", kase, "deliveries/s", "ref", ref,
                          "deliveries/s", n == 100 ? ">= 0.5, >= 100k/s" : "");
    }
  }
  const std::string one =
      absl::StrCat(ctx.config.subscribers[0], " subscribers");
  for (size_t i = 1; i < ctx.config.subscribers.size(); ++i) {
    const int n = ctx.config.subscribers[i];
    ctx.report->Compare("fanout", absl::StrCat(n, " subscribers"),
                        "commit->deliver p99", "fanout", one,
                        "commit->deliver p99",
                        n == 100 ? "<= 5, and p99 <= 1 ms" : "");
  }
  // One more subscriber that never reads past its first heartbeat.
  const int n = ctx.config.subscribers.size() > 1 ? ctx.config.subscribers[1]
                                                  : ctx.config.subscribers[0];
  const std::string base = absl::StrCat(n, " subscribers");
  const std::string kase = absl::StrCat(n, " subscribers + 1 stalled");
  double bytes = 0;
  uint64_t signals = 0;
  RunCase(ctx, n, /*stall=*/true, kase, &bytes, &signals);
  for (const char* metric : {"commit->deliver p99", "ingest signals/s"}) {
    ctx.report->Compare("fanout", kase, metric, "fanout", base, metric,
                        "within 10%");
  }
}

}  // namespace tidings::load
