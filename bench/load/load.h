// Copyright 2026 The Tidings Authors.
//
// load.h: what the load tool's scenarios share (bench/README.md, "Load").
// Each scenario runs once per call and adds one sample per row to the
// report; main() calls it --runs times and the report prints medians.

#ifndef TIDINGS_BENCH_LOAD_LOAD_H_
#define TIDINGS_BENCH_LOAD_LOAD_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "bench/load/report.h"
#include "bench/load/server_process.h"
#include "grpcpp/grpcpp.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::load {

struct LoadConfig {
  absl::Duration duration;           // Of each timed ingest case.
  std::vector<int> publishers;       // Ingest concurrencies.
  std::vector<int> batches;          // Unary batch sizes.
  std::vector<int> subscribers;      // Fan-out sizes.
  uint64_t fanout_deliveries = 0;    // Per fan-out case, about.
  int idle_subscribers = 0;          // For the memory scenario.
  std::string tidings_cli;           // Path of `tidings`; "" = skip.
  double cluster_paced_rate = 1000;  // Articles/s of the cluster latency.
  std::vector<int> cluster_paced_batches = {1, 10};  // Articles a paced call.
  bool cluster_max_rate = true;  // Measure the max rate too.
  bool cluster_single = true;    // Paced cases on the single node too.
  std::string cluster_hook;      // Run at each paced case's start and end.
  std::string cluster_trace;     // Per-article times of paced cases, or "".
};

class LoadContext {
 public:
  LoadContext(LoadConfig config, std::vector<v1::Article> articles,
              ServerProcess* server, std::string address, std::string work_dir,
              Report* report)
      : config(std::move(config)),
        articles(std::move(articles)),
        server(server),
        address(std::move(address)),
        work_dir(std::move(work_dir)),
        report(report) {}

  const LoadConfig config;
  const std::vector<v1::Article> articles;  // The corpus, ids cleared.
  ServerProcess* const server;  // nullptr with --server: no counters/RSS.
  const std::string address;
  const std::string work_dir;  // Temp dir on the disk under test.
  Report* const report;

  // A new channel (its own TCP connection: channels made here never share
  // one) with no message size limit.
  std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) const;
  std::unique_ptr<v1::Tidings::Stub> NewStub() const {
    return v1::Tidings::NewStub(NewChannel(address));
  }

  // The corpus article `i` (modulo its size) under an article_id never sent
  // before in this process, so that every send is stored (not a retry).
  v1::Article NextArticle(uint64_t i);

  // One unary Ingest of `count` fresh articles (NextArticle(first), ...),
  // with a 60 s deadline.
  grpc::Status IngestBatch(v1::Tidings::Stub* stub, uint64_t first, int count,
                           v1::IngestResponse* response);

  // The monotonic ns at which `signal` became durable: from the server
  // process's counters, or (with --server) its ingested_at on the wall clock
  // converted to the monotonic clock. 0 when unknown.
  int64_t CommitNs(const v1::Signal& signal) const;

  // Signals stored so far (the head seq) as the server reports it.
  uint64_t HeadSeq();

 private:
  std::atomic<uint64_t> next_id_{0};
  mutable std::atomic<int> channel_id_{0};
};

// The scenarios (one file each). They return nothing: every result is a
// report row; a failure is a row "errors" > 0 and a line on stderr.
void RunMemoryScenario(LoadContext& ctx);
void RunIngestScenario(LoadContext& ctx);
void RunFanoutScenario(LoadContext& ctx);
void RunBackfillScenario(LoadContext& ctx);
// Starts 3 nats-server, 2 `tidings serve --cluster` and 1 single `tidings
// serve` (config.tidings_cli) under work_dir, runs `runs` times and stops
// them (cluster.cc). Skipped, with a line on stderr, without nats-server.
void RunClusterScenario(LoadContext& ctx, int runs);

// References, measured in the same run on the same disk (references.cc).
// Bare RocksDB: `writers` threads each writing WriteBatches of
// `values_per_batch` values of `value_bytes` with sync=true into a fresh DB
// under work_dir for `duration`. Adds rows to scenario "ref".
void RunBareRocksDbReference(LoadContext& ctx, int writers,
                             int values_per_batch, size_t value_bytes,
                             const std::string& kase);
// The disk's fsync latency (4 KiB append + fdatasync), p50/p99.
void RunFsyncProbe(LoadContext& ctx);
// The scorer alone on the corpus articles, 2 threads: articles/s.
void RunScorerReference(LoadContext& ctx);

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_LOAD_H_
