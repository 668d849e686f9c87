// Copyright 2026 The Tidings Authors.
//
// metrics.h: Prometheus metrics (prometheus-cpp) served over HTTP on
// `--metrics-listen HOST:PORT`. Metrics holds the handles of every metric;
// the code that counts takes a Metrics* that is null when metrics are off,
// and the static helpers below do nothing then.
//
// Names (Prometheus conventions: tidings_ prefix, _total for counters,
// _seconds for durations, _bytes for sizes):
//   tidings_rpcs_started_total{method}          Tidings RPCs started
//   tidings_rpcs_finished_total{method,code}    ... finished, by gRPC code
//   tidings_ingest_articles_total               articles stored (new ones)
//   tidings_ingest_signals_total                signals stored
//   tidings_ingest_duplicates_total             articles answered as
//                                               duplicates (a known id
//                                               before scoring, or a key
//                                               found stored at commit)
//   tidings_ingest_rejected_total               articles answered with an
//                                               error before storage (not
//                                               valid, not parsable, over
//                                               the in-flight byte cap)
//   tidings_ingest_batch_articles               articles per Ingest request
//                                               or IngestStream batch
//   tidings_scoring_seconds                     scoring one article (Ingest,
//                                               IngestStream and Score)
//   tidings_commit_seconds                      group-commit latency
//                                               (one Append and its sync)
//   tidings_commit_articles                     articles per group commit
//   tidings_commit_failures_total               failed group commits
//   tidings_wal_sync_seconds                    the WAL fsync of a commit
//                                               alone
//   tidings_ingest_to_deliver_seconds           from a signal's ingested_at
//                                               (stamped as its commit
//                                               starts) to its hand-over to
//                                               gRPC by a Subscribe stream;
//                                               only signals committed after
//                                               the stream began (live ones,
//                                               not replayed history)
//   tidings_query_signals_total                 signals read for Query and
//                                               QueryBatches streams
//   tidings_series_signals_total                signal summaries in the
//                                               windows of Series calls
//                                               (read from memory)
// At scrape time:
//   tidings_head_seq, tidings_first_seq         the log's range
//   tidings_subscribers                         open Subscribe streams
//   tidings_subscriber_max_lag_seqs             head_seq minus the last seq
//   tidings_subscriber_total_lag_seqs           each subscriber has handed
//                                               to gRPC: largest, and sum
//                                               over subscribers
//   tidings_rocksdb_{sst,live_sst,wal,memtable,pending_compaction}_bytes
//                                               the store's sizes
//   tidings_rocksdb_*_total                     RocksDB tickers since start
//                                               (block cache hits/misses,
//                                               bytes read/written, by
//                                               compaction and flush, stall
//                                               seconds, WAL syncs and bytes)
// Cluster mode only (absent on a single node):
//   tidings_cluster_applied_log_seq             the last log record this
//                                               node's replica applied
//                                               (compare with the stream's
//                                               last seq: the replica's lag)
//   tidings_cluster_leader_checks_total         leader placement checks
//   tidings_cluster_leader_check_failures_total (cluster/leader_placement.h),
//   tidings_cluster_leader_moves_total          those that could not tell,
//                                               and stream-leader step-downs
//                                               this node asked for
//   tidings_cluster_leader_shared               1 when the last check found
//                                               the stream and meta leader
//                                               on one server
//   tidings_cluster_log_consumers_total         JetStream consumers this
//                                               node's log readers created
//                                               (one, plus one per lost one)
//   tidings_cluster_log_direct_reads_total      records they read by direct
//                                               gets while without one
//   tidings_cluster_audited_records_total       the replica's audit
//   tidings_cluster_divergent_records_total     (replica_audit.h): records
//   tidings_cluster_first_divergent_log_seq     found as the log's leader
//   tidings_cluster_audit_skipped_records_total holds them, found different
//   tidings_cluster_audit_unanswered_total      twice (alert above 0), the
//                                               lowest such log seq, dropped
//                                               unchecked, rounds cut short
// The RocksDB families are absent when the store has no statistics (a
// store injected by tests) or no open database (SignalStore::Stats()).

#ifndef TIDINGS_SERVICE_INTERNAL_METRICS_H_
#define TIDINGS_SERVICE_INTERNAL_METRICS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "cluster/signal_log.h"
#include "grpcpp/support/server_interceptor.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "service/internal/replica_audit.h"
#include "storage/signal_store.h"

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
  prometheus::Counter& series_signals;
  prometheus::Gauge& head_seq;
  prometheus::Gauge& first_seq;
  prometheus::Gauge& subscribers;
  prometheus::Counter& ingest_duplicates;
  prometheus::Counter& ingest_rejected;
  prometheus::Histogram& ingest_batch_articles;
  prometheus::Histogram& scoring_seconds;
  prometheus::Histogram& wal_sync_seconds;
  prometheus::Histogram& ingest_to_deliver_seconds;
  prometheus::Gauge& subscriber_max_lag;
  prometheus::Gauge& subscriber_total_lag;

  // Null-safe helpers (m == nullptr: metrics are off).
  // A group commit of `articles`, of which `stored` were new (the others
  // duplicates) with `signals` signals; ok = false: nothing was stored.
  static void Commit(Metrics* m, double seconds, size_t articles, size_t stored,
                     size_t signals, bool ok);
  static void QuerySignals(Metrics* m, size_t n);
  static void SeriesSignals(Metrics* m, size_t n);
  // An ingest batch of `articles` before storage: `duplicates` of them
  // answered from a known id, `rejected` with an error.
  static void IngestBatch(Metrics* m, size_t articles, size_t duplicates,
                          size_t rejected);
  // One article refused before it joined a batch.
  static void IngestRejected(Metrics* m);
  static void Scored(Metrics* m, absl::Duration d);
  static void WalSynced(Metrics* m, absl::Duration d);
  // A live signal handed to gRPC `d` after its ingested_at (clamped at 0
  // if the clock stepped back).
  static void Delivered(Metrics* m, absl::Duration d);
};

// What the gauges read at scrape time.
// Cluster mode only (cluster/README.md).
struct ClusterGauges {
  uint64_t applied_log_seq = 0;  // The replica's last applied log record.
  cluster::LogHealth log;        // Leader placement and the readers.
  AuditStats audit;              // The replica's audit (replica_audit.h).
};

struct MetricsGauges {
  uint64_t head_seq = 0;
  uint64_t first_seq = 0;
  uint64_t subscribers = 0;
  uint64_t subscriber_max_lag = 0;
  uint64_t subscriber_total_lag = 0;
  std::optional<storage::StoreStats> store;
  std::optional<ClusterGauges> cluster;  // Absent in single-node mode.
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
