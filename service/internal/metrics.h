// Copyright 2026 The Tidings Authors.
//
// metrics.h: Prometheus metrics (prometheus-cpp) served over HTTP on
// `--metrics-listen HOST:PORT`. Metrics holds the handles of every metric;
// the code that counts takes a Metrics* that is null when metrics are off,
// and the static helpers below do nothing then.
//
// Names (Prometheus conventions: tidings_ prefix, _total for counters,
// _seconds for durations):
//   tidings_rpcs_started_total{method}          Tidings RPCs started
//   tidings_rpcs_finished_total{method,code}    ... finished, by gRPC code
//   tidings_ingest_articles_total               articles stored (new ones;
//                                               a known id is answered
//                                               before it reaches a commit)
//   tidings_ingest_signals_total                signals stored
//   tidings_commit_seconds                      group-commit latency
//                                               (one Append and its sync)
//   tidings_commit_articles                     articles per group commit
//   tidings_commit_failures_total               failed group commits
//   tidings_query_signals_total                 signals read for Query and
//                                               QueryBatches streams
//   tidings_head_seq, tidings_first_seq         the log's range (at scrape)
//   tidings_subscribers                         open Subscribe streams (at
//                                               scrape)

#ifndef TIDINGS_SERVICE_INTERNAL_METRICS_H_
#define TIDINGS_SERVICE_INTERNAL_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace prometheus {
class Exposer;
}  // namespace prometheus

namespace tidings::service::internal {

struct Metrics {
  // Creates every metric in `registry`, which must outlive this.
  explicit Metrics(prometheus::Registry& registry);

  prometheus::Family<prometheus::Counter>& rpcs_started;
  prometheus::Family<prometheus::Counter>& rpcs_finished;
  prometheus::Counter& ingest_articles;
  prometheus::Counter& ingest_signals;
  prometheus::Histogram& commit_seconds;
  prometheus::Histogram& commit_articles;
  prometheus::Counter& commit_failures;
  prometheus::Counter& query_signals;
  prometheus::Gauge& head_seq;
  prometheus::Gauge& first_seq;
  prometheus::Gauge& subscribers;

  // Null-safe helpers (m == nullptr: metrics are off).
  // A group commit of `articles`, of which `stored` were new (not
  // duplicates) with `signals` signals; ok = false: nothing was stored.
  static void Commit(Metrics* m, double seconds, size_t articles, size_t stored,
                     size_t signals, bool ok);
  static void QuerySignals(Metrics* m, size_t n);
};

// What the gauges read at scrape time.
struct MetricsGauges {
  uint64_t head_seq = 0;
  uint64_t first_seq = 0;
  uint64_t subscribers = 0;
};

// The HTTP endpoint (GET /metrics) with its registry and metrics.
class MetricsExporter {
 public:
  // Starts listening on `listen` ("host:port", "[v6]:port"; port 1..65535).
  // INVALID_ARGUMENT for a malformed address, UNAVAILABLE when it cannot be
  // bound.
  static absl::StatusOr<std::unique_ptr<MetricsExporter>> Start(
      const std::string& listen);

  // Stops the endpoint first.
  ~MetricsExporter();

  Metrics* metrics() { return metrics_.get(); }

  // Called on each scrape (on an HTTP thread) to set the gauges; `read` must
  // stay callable until this is destroyed or it is replaced.
  void SetGaugeReader(std::function<MetricsGauges()> read);

  // The port listened on.
  int port() const;

 private:
  class Collector;
  MetricsExporter() = default;

  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<Metrics> metrics_;
  std::shared_ptr<Collector> collector_;
  std::unique_ptr<prometheus::Exposer> exposer_;
};

// A gRPC server interceptor factory that counts the Tidings RPCs (methods of
// `service`, e.g. "tidings.v1.Tidings") started and finished in `m` (not
// owned; must outlive the gRPC server). Install it after interceptors that
// rewrite the status, so that it counts the code sent.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewRpcMetricsInterceptorFactory(Metrics* m, const std::string& service);

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_METRICS_H_
