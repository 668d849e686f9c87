// Copyright 2026 The Tidings Authors.
//
// The cluster scenario (bench/README.md, "Load"; issue 13 item 7): a
// cluster of 2 `tidings serve --cluster` nodes on 3 nats-server processes,
// beside one single `tidings serve` node, all on this machine, started
// once and measured in the same runs:
//
//  * the acknowledged signals/s each sustains under the same closed-loop
//    load (publishers x unary batches; in the cluster half of them send to
//    each node), the cluster's as a ratio to the single node's;
//  * ingest->deliver latency under a steady, paced, open-loop ingest
//    (1,000 articles/s, in calls of 1 and of 10): from the client sending
//    the article to a subscriber receiving its first signal, on the same
//    node for the single one, and on the OTHER node for the cluster (ingest
//    on A, subscribe on B). Both ends are in this process, on one clock.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "bench/load/cluster_processes.h"
#include "bench/load/load.h"
#include "bench/load/stats.h"

namespace tidings::load {
namespace {

constexpr int kPublishers = 16;
constexpr int kBatch = 100;
// Connections the paced calls spread over.
constexpr int kPacedChannels = 8;

struct Setup {
  std::unique_ptr<NatsProcesses> nats;
  std::unique_ptr<TidingsNode> single;
  std::vector<std::unique_ptr<TidingsNode>> cluster;
};

// Closed-loop ingest: `publishers` threads, each sending unary batches of
// `batch` fresh articles to addresses[i % size] until `duration` passed.
// Adds the acked signals/s and articles/s rows of `kase`.
// Adds `kase`'s rows of CPU per acked signal, by group of processes.
struct CpuGroups {
  std::vector<std::pair<std::string, std::vector<pid_t>>> groups;
  std::vector<double> Take() const {
    std::vector<double> out;
    for (const auto& [name, pids] : groups) {
      double s = 0;
      for (pid_t p : pids) s += CpuSeconds(p);
      out.push_back(s);
    }
    return out;
  }
};

void MaxRate(LoadContext& ctx, const std::vector<std::string>& addresses,
             const std::string& kase, absl::Duration duration,
             const CpuGroups& cpu) {
  const std::vector<double> cpu_before = cpu.Take();
  std::atomic<uint64_t> signals{0}, articles{0}, errors{0};
  std::vector<std::thread> threads;
  const int64_t start = MonotonicNs();
  const int64_t deadline = start + absl::ToInt64Nanoseconds(duration);
  for (int p = 0; p < kPublishers; ++p) {
    threads.emplace_back([&, p] {
      auto stub =
          v1::Tidings::NewStub(ctx.NewChannel(addresses[p % addresses.size()]));
      uint64_t i = static_cast<uint64_t>(p) << 32;
      while (MonotonicNs() < deadline) {
        v1::IngestResponse response;
        const grpc::Status status =
            ctx.IngestBatch(stub.get(), i, kBatch, &response);
        i += kBatch;
        if (!status.ok()) {
          if (errors.fetch_add(1) == 0) {
            std::fprintf(stderr, "tidings_load: cluster: Ingest: %s\n",
                         status.error_message().c_str());
          }
          continue;
        }
        for (const v1::IngestResult& r : response.results()) {
          if (r.error_code() != 0) {
            errors.fetch_add(1);
            continue;
          }
          articles.fetch_add(1);
          signals.fetch_add(r.seqs_size());
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double seconds = SecondsSince(start);
  ctx.report->Add("cluster", kase, "acked signals/s", "1/s",
                  signals.load() / seconds);
  ctx.report->Add("cluster", kase, "acked articles/s", "1/s",
                  articles.load() / seconds);
  // Only when there are some: any "errors" row makes the tool exit 1.
  if (errors.load() > 0) {
    ctx.report->Add("cluster", kase, "errors", "", errors.load());
  }
  const std::vector<double> cpu_after = cpu.Take();
  for (size_t g = 0; g < cpu.groups.size(); ++g) {
    ctx.report->Add(
        "cluster", kase,
        absl::StrCat("CPU us per acked signal: ", cpu.groups[g].first), "us",
        (cpu_after[g] - cpu_before[g]) * 1e6 /
            std::max<double>(1, signals.load()));
  }
}

// Runs --cluster_hook (when set) with `what` and this process's pid, and
// waits for it: a tool that samples the processes' counters during a case.
void RunHook(const LoadContext& ctx, const char* what,
             const std::string& kase) {
  std::fprintf(stderr, "tidings_load: cluster: paced case '%s' %s\n",
               kase.c_str(), what);
  if (ctx.config.cluster_hook.empty()) return;
  const std::string command =
      absl::StrCat(ctx.config.cluster_hook, " ", what, " ", getpid());
  if (std::system(command.c_str()) != 0) {
    std::fprintf(stderr, "tidings_load: cluster: hook failed: %s\n",
                 command.c_str());
  }
}

// Reads a Subscribe stream (from now) and records, per paced article, when
// its first signal arrived.
class LatencySubscriber {
 public:
  LatencySubscriber(LoadContext& ctx, const std::string& address,
                    std::string prefix, size_t articles)
      : prefix_(std::move(prefix)),
        received_ns_(articles),
        stage_ns_(articles) {
    stub_ = v1::Tidings::NewStub(ctx.NewChannel(address));
    context_.set_deadline(std::chrono::system_clock::now() +
                          std::chrono::seconds(600));
    v1::SubscribeRequest request;
    request.set_from_now(true);
    request.mutable_filter()->set_include_duplicates(true);
    reader_ = stub_->Subscribe(&context_, request);
    thread_ = std::thread([this] { Read(); });
  }
  ~LatencySubscriber() {
    context_.TryCancel();
    thread_.join();
  }
  // Until the first heartbeat (the stream is live), at most 30 s.
  bool AwaitReady() {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(&ready_), absl::Seconds(30));
  }
  // Until `signals` signals came, at most `timeout`.
  void AwaitSignals(uint64_t signals, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto done = [&] { return signals_ >= signals || ended_; };
    mu_.AwaitWithTimeout(absl::Condition(&done), timeout);
  }
  int64_t received_ns(size_t i) const { return received_ns_[i].load(); }
  // From the record's ingested_at (stamped on the ingest node when its
  // group was encoded) to the first signal's arrival, by the wall clock.
  // Read after received_ns(i) is non-zero and the reader stopped.
  int64_t from_ingested_ns(size_t i) const { return stage_ns_[i]; }

 private:
  void Read() {
    v1::SubscribeEvent event;
    while (reader_->Read(&event)) {
      const int64_t now = MonotonicNs();
      if (event.has_heartbeat()) {
        absl::MutexLock lock(&mu_);
        ready_ = true;
        continue;
      }
      if (!event.has_signal()) continue;
      absl::string_view id = event.signal().article_id();
      size_t i = 0;
      if (absl::ConsumePrefix(&id, prefix_) && absl::SimpleAtoi(id, &i) &&
          i < received_ns_.size()) {
        int64_t expected = 0;
        if (received_ns_[i].compare_exchange_strong(expected, now)) {
          // Wall clock, as the server's ingested_at (this machine's clock).
          const google::protobuf::Timestamp& at = event.signal().ingested_at();
          stage_ns_[i] = absl::GetCurrentTimeNanos() -
                         (at.seconds() * 1'000'000'000 + at.nanos());
        }
      }
      absl::MutexLock lock(&mu_);
      ++signals_;
    }
    (void)reader_->Finish();
    absl::MutexLock lock(&mu_);
    ended_ = true;
    ready_ = true;
  }

  const std::string prefix_;
  std::vector<std::atomic<int64_t>> received_ns_;
  std::vector<int64_t> stage_ns_;
  std::unique_ptr<v1::Tidings::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReader<v1::SubscribeEvent>> reader_;
  absl::Mutex mu_;
  bool ready_ = false;    // Guarded by mu_.
  bool ended_ = false;    // Guarded by mu_.
  uint64_t signals_ = 0;  // Guarded by mu_.
  std::thread thread_;
};

// Appends one line per article of a paced case to `path` (--cluster_trace):
// the case, the article, when it was sent (ms after `start`), its call's ack
// latency, and its ingest->deliver and ingested_at->deliver latencies (ms;
// -1 when it was not answered or not delivered).
void WriteTrace(const std::string& path, const std::string& kase, int64_t start,
                const std::vector<int64_t>& sent_ns,
                const std::vector<double>& ack_ms, int batch,
                const LatencySubscriber& subscriber) {
  FILE* f = std::fopen(path.c_str(), "a");
  if (f == nullptr) {
    std::fprintf(stderr, "tidings_load: cannot append to --cluster_trace %s\n",
                 path.c_str());
    return;
  }
  for (size_t i = 0; i < sent_ns.size(); ++i) {
    const int64_t got = subscriber.received_ns(i);
    std::fprintf(f, "%s\t%zu\t%.3f\t%.3f\t%.3f\t%.3f\n", kase.c_str(), i,
                 (sent_ns[i] - start) * 1e-6, ack_ms[i / batch],
                 got == 0 ? -1.0 : (got - sent_ns[i]) * 1e-6,
                 got == 0 ? -1.0 : subscriber.from_ingested_ns(i) * 1e-6);
  }
  std::fclose(f);
}

// Paced ingest of config.cluster_paced_rate articles/s for `duration` to
// `ingest_address` (`batch` articles a call), read on `subscribe_address`.
// Open loop: one thread sends each call at its due time on the callback
// API, whether or not earlier calls were answered, so a slow server meets
// the whole rate (and queues) rather than slowing the sender down. Adds
// ingest->deliver and ack latency rows of `kase`, the rate asked and the
// rate sent.
void PacedLatency(LoadContext& ctx, const std::string& ingest_address,
                  const std::string& subscribe_address, const std::string& kase,
                  absl::Duration duration, int batch, int run,
                  const CpuGroups& cpu) {
  const double rate = ctx.config.cluster_paced_rate;
  const size_t calls =
      static_cast<size_t>(rate / batch * absl::ToDoubleSeconds(duration));
  const size_t count = calls * batch;
  static std::atomic<int> tag{0};
  const std::string prefix =
      absl::StrCat("lat-", getpid(), "-", tag.fetch_add(1), "-", run, "-");
  LatencySubscriber subscriber(ctx, subscribe_address, prefix, count);
  if (!subscriber.AwaitReady()) {
    std::fprintf(stderr, "tidings_load: cluster: no heartbeat from %s\n",
                 subscribe_address.c_str());
  }
  struct Call {
    grpc::ClientContext context;
    v1::IngestRequest request;
    v1::IngestResponse response;
  };
  // Built before the clock starts, so sending is only the send.
  std::vector<std::unique_ptr<Call>> call_state(calls);
  for (size_t c = 0; c < calls; ++c) {
    call_state[c] = std::make_unique<Call>();
    for (int k = 0; k < batch; ++k) {
      v1::Article* a = call_state[c]->request.add_articles();
      *a = ctx.NextArticle(c * batch + k);
      a->set_article_id(absl::StrCat(prefix, c * batch + k));
    }
  }
  std::vector<std::unique_ptr<v1::Tidings::Stub>> stubs;
  for (int i = 0; i < kPacedChannels; ++i) {
    stubs.push_back(v1::Tidings::NewStub(ctx.NewChannel(ingest_address)));
  }
  std::vector<int64_t> sent_ns(count, 0);
  std::vector<int> signals_of(count, 0);
  std::vector<double> ack_ms(calls, -1);  // Per call.
  std::atomic<uint64_t> errors{0}, late{0};
  absl::Mutex answered_mu;
  size_t answered = 0;  // Guarded by answered_mu.
  RunHook(ctx, "starts", kase);
  const std::vector<double> cpu_before = cpu.Take();
  const int64_t start = MonotonicNs() + 20'000'000;  // 20 ms to set up.
  const double interval_ns = 1e9 / rate;
  int64_t last_sent = start;
  for (size_t c = 0; c < calls; ++c) {
    const int64_t due = start + static_cast<int64_t>(c * batch * interval_ns);
    int64_t now = MonotonicNs();
    if (due > now) {
      absl::SleepFor(absl::Nanoseconds(due - now));
      now = MonotonicNs();
    }
    if (now - due > 1'000'000) late.fetch_add(1);
    Call* call = call_state[c].get();
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(60));
    const size_t first = c * batch;
    const int64_t sent = MonotonicNs();
    for (int k = 0; k < batch; ++k) sent_ns[first + k] = sent;
    last_sent = sent;
    stubs[c % stubs.size()]->async()->Ingest(
        &call->context, &call->request, &call->response,
        [&, call, c, first, sent](grpc::Status status) {
          ack_ms[c] = (MonotonicNs() - sent) * 1e-6;
          if (!status.ok() || call->response.results_size() != batch) {
            errors.fetch_add(batch);
          } else {
            for (int k = 0; k < batch; ++k) {
              if (call->response.results(k).error_code() != 0) {
                errors.fetch_add(1);
                continue;
              }
              signals_of[first + k] = call->response.results(k).seqs_size();
            }
          }
          absl::MutexLock lock(&answered_mu);
          ++answered;
        });
  }
  const double send_seconds =
      (last_sent - start) * 1e-9 + batch * interval_ns * 1e-9;
  {
    absl::MutexLock lock(&answered_mu);
    auto all = [&] { return answered == calls; };
    if (!answered_mu.AwaitWithTimeout(absl::Condition(&all),
                                      absl::Seconds(90))) {
      std::fprintf(stderr, "tidings_load: cluster: %zu calls unanswered\n",
                   calls - answered);
      // The callbacks still refer to this frame: wait for them anyway.
      answered_mu.Await(absl::Condition(&all));
    }
  }
  const std::vector<double> cpu_after = cpu.Take();
  RunHook(ctx, "ends", kase);
  uint64_t expected_signals = 0;
  for (int n : signals_of) expected_signals += n;
  subscriber.AwaitSignals(expected_signals, absl::Seconds(30));
  std::vector<double> deliver_ms, from_ingested_ms;
  std::vector<double> acks;
  uint64_t missing = 0;
  for (double ms : ack_ms) {
    if (ms >= 0) acks.push_back(ms);
  }
  for (size_t i = 0; i < count; ++i) {
    if (signals_of[i] == 0) continue;
    const int64_t got = subscriber.received_ns(i);
    if (got == 0) {
      ++missing;
      continue;
    }
    deliver_ms.push_back((got - sent_ns[i]) * 1e-6);
    from_ingested_ms.push_back(subscriber.from_ingested_ns(i) * 1e-6);
  }
  if (!ctx.config.cluster_trace.empty()) {
    WriteTrace(ctx.config.cluster_trace, kase, start, sent_ns, ack_ms, batch,
               subscriber);
  }
  Report& r = *ctx.report;
  r.Add("cluster", kase, "asked articles/s", "1/s", rate);
  r.Add("cluster", kase, "sent articles/s", "1/s", count / send_seconds);
  r.Add("cluster", kase, "signals", "", expected_signals);
  r.Add("cluster", kase, "ingest->deliver p50", "ms",
        Quantile(deliver_ms, 0.5));
  r.Add("cluster", kase, "ingest->deliver p99", "ms",
        Quantile(deliver_ms, 0.99));
  r.Add("cluster", kase, "ingest->deliver max", "ms",
        Quantile(deliver_ms, 1.0));
  r.Add("cluster", kase, "ingested_at->deliver p50", "ms",
        Quantile(from_ingested_ms, 0.5));
  r.Add("cluster", kase, "ingested_at->deliver p99", "ms",
        Quantile(from_ingested_ms, 0.99));
  r.Add("cluster", kase, "ack latency p50", "ms", Quantile(acks, 0.5));
  r.Add("cluster", kase, "ack latency p99", "ms", Quantile(acks, 0.99));
  r.Add("cluster", kase, "sends > 1 ms late", "", late.load());
  for (size_t g = 0; g < cpu.groups.size(); ++g) {
    r.Add("cluster", kase,
          absl::StrCat("CPU us per article: ", cpu.groups[g].first), "us",
          (cpu_after[g] - cpu_before[g]) * 1e6 / std::max<size_t>(1, count));
  }
  if (errors.load() + missing > 0) {
    r.Add("cluster", kase, "errors", "", errors.load() + missing);
  }
  if (missing > 0) {
    std::fprintf(stderr,
                 "tidings_load: cluster: %lu articles' signals never arrived "
                 "on %s\n",
                 static_cast<unsigned long>(missing),
                 subscribe_address.c_str());
  }
}

}  // namespace

void RunClusterScenario(LoadContext& ctx, int runs) {
  if (ctx.config.tidings_cli.empty()) {
    std::fprintf(stderr,
                 "tidings_load: cluster: needs --tidings (the binary the "
                 "nodes run); skipped\n");
    return;
  }
  Setup setup;
  const std::string dir = ctx.work_dir + "/cluster";
  absl::StatusOr<std::unique_ptr<NatsProcesses>> nats =
      NatsProcesses::Start(dir + "/nats");
  if (!nats.ok()) {
    std::fprintf(stderr, "tidings_load: cluster: %s; skipped\n",
                 nats.status().ToString().c_str());
    return;
  }
  setup.nats = *std::move(nats);
  auto start_node = [&](const std::string& name,
                        const std::string& urls) -> bool {
    absl::StatusOr<std::unique_ptr<TidingsNode>> node =
        TidingsNode::Start(ctx.config.tidings_cli, dir + "/" + name, urls);
    if (!node.ok()) {
      std::fprintf(stderr, "tidings_load: cluster: %s\n",
                   node.status().ToString().c_str());
      return false;
    }
    (urls.empty() ? setup.single : setup.cluster.emplace_back()) =
        *std::move(node);
    return true;
  };
  if (!start_node("single", "") || !start_node("a", setup.nats->urls()) ||
      !start_node("b", setup.nats->urls())) {
    return;
  }
  const std::string a = setup.cluster[0]->address();
  const std::string b = setup.cluster[1]->address();
  const std::string rate_single = absl::StrCat(
      "single node, unary x", kBatch, ", ", kPublishers, " publishers");
  const std::string rate_cluster =
      absl::StrCat("2 nodes + 3 NATS, unary x", kBatch, ", ", kPublishers,
                   " publishers (half per node)");
  const double rate = ctx.config.cluster_paced_rate;
  auto lat_single = [rate](int batch) {
    return absl::StrCat("single node, ", rate, " articles/s in calls of ",
                        batch);
  };
  auto lat_cluster = [rate](int batch) {
    return absl::StrCat("2 nodes + 3 NATS, ", rate, " articles/s in calls of ",
                        batch, ", ingest A -> subscribe B");
  };
  CpuGroups single_cpu;
  single_cpu.groups.push_back({"tidings", {setup.single->pid()}});
  single_cpu.groups.push_back({"load tool", {getpid()}});
  CpuGroups cluster_cpu;
  cluster_cpu.groups.push_back(
      {"tidings x2", {setup.cluster[0]->pid(), setup.cluster[1]->pid()}});
  cluster_cpu.groups.push_back({"nats-server x3", setup.nats->pids()});
  cluster_cpu.groups.push_back({"load tool", {getpid()}});
  const absl::Duration paced = std::max(absl::Seconds(5), ctx.config.duration);
  for (int run = 0; run < runs; ++run) {
    std::fprintf(stderr, "tidings_load: cluster, run %d of %d\n", run + 1,
                 runs);
    double load[3] = {0, 0, 0};
    if (getloadavg(load, 3) == 3) {
      ctx.report->Add("cluster", "machine", "load average (1 min) at run", "",
                      load[0]);
    }
    // Alternate which goes first, so neither always meets a warmer disk.
    if (run % 2 == 0 && ctx.config.cluster_max_rate) {
      MaxRate(ctx, {setup.single->address()}, rate_single, ctx.config.duration,
              single_cpu);
    }
    if (ctx.config.cluster_max_rate) {
      MaxRate(ctx, {a, b}, rate_cluster, ctx.config.duration, cluster_cpu);
    }
    if (run % 2 == 1 && ctx.config.cluster_max_rate) {
      MaxRate(ctx, {setup.single->address()}, rate_single, ctx.config.duration,
              single_cpu);
    }
    for (int batch : ctx.config.cluster_paced_batches) {
      if (ctx.config.cluster_single) {
        PacedLatency(ctx, setup.single->address(), setup.single->address(),
                     lat_single(batch), paced, batch, run, single_cpu);
      }
      PacedLatency(ctx, a, b, lat_cluster(batch), paced, batch, run,
                   cluster_cpu);
    }
  }
  if (ctx.config.cluster_max_rate) {
    ctx.report->Compare("cluster", rate_cluster, "acked signals/s", "cluster",
                        rate_single, "acked signals/s", ">= 0.5");
  }
  for (int batch : ctx.config.cluster_paced_batches) {
    if (!ctx.config.cluster_single) break;
    ctx.report->Compare("cluster", lat_cluster(batch), "ingest->deliver p99",
                        "cluster", lat_single(batch), "ingest->deliver p99",
                        "<= 20 ms");
  }
}

}  // namespace tidings::load
