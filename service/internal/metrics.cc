// Copyright 2026 The Tidings Authors.

#include "service/internal/metrics.h"

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"
#include "prometheus/metric_family.h"

namespace tidings::service::internal {
namespace {

// Latencies from 100 us (a fast fsync, scoring a short article) to 10 s.
const prometheus::Histogram::BucketBoundaries& SecondsBuckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *b;
}

const prometheus::Histogram::BucketBoundaries& ArticlesBuckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
  return *b;
}

prometheus::Histogram& SecondsHistogram(prometheus::Registry& registry,
                                        const std::string& name,
                                        const std::string& help) {
  return prometheus::BuildHistogram()
      .Name(name)
      .Help(help)
      .Register(registry)
      .Add({}, SecondsBuckets());
}

prometheus::Counter& Counter(prometheus::Registry& registry,
                             const std::string& name, const std::string& help) {
  return prometheus::BuildCounter()
      .Name(name)
      .Help(help)
      .Register(registry)
      .Add({});
}

prometheus::Gauge& Gauge(prometheus::Registry& registry,
                         const std::string& name, const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add(
      {});
}

// One family of one unlabelled counter or gauge, read at scrape time.
void AddFamily(const char* name, const char* help, prometheus::MetricType type,
               double value, std::vector<prometheus::MetricFamily>* out) {
  prometheus::MetricFamily f;
  f.name = name;
  f.help = help;
  f.type = type;
  f.metric.emplace_back();
  if (type == prometheus::MetricType::Counter) {
    f.metric.back().counter.value = value;
  } else {
    f.metric.back().gauge.value = value;
  }
  out->push_back(std::move(f));
}

void AddClusterFamilies(const ClusterGauges& c,
                        std::vector<prometheus::MetricFamily>* out) {
  auto add = [out](const char* name, const char* help,
                   prometheus::MetricType type,
                   double value) { AddFamily(name, help, type, value, out); };
  using T = prometheus::MetricType;
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  add("tidings_cluster_applied_log_seq",
      "Log seq of the last cluster log record this node's replica applied.",
      T::Gauge, d(c.applied_log_seq));
  add("tidings_cluster_leader_checks_total",
      "Checks that the stream leader is not also the JetStream meta leader.",
      T::Counter, d(c.log.leader_checks));
  add("tidings_cluster_leader_check_failures_total",
      "Leader placement checks that could not tell (a server down, an "
      "election).",
      T::Counter, d(c.log.failed_leader_checks));
  add("tidings_cluster_leader_moves_total",
      "Stream-leader step-downs this node asked for because the stream "
      "leader was also the meta leader.",
      T::Counter, d(c.log.leader_moves));
  add("tidings_cluster_leader_shared",
      "1 when the last placement check found one server leading both the "
      "stream and the JetStream meta layer.",
      T::Gauge, c.log.leader_shared ? 1.0 : 0.0);
  add("tidings_cluster_log_consumers_total",
      "JetStream consumers this node's log readers (its replica) created: "
      "one, plus one each time a NATS server under one died or it stopped "
      "delivering.",
      T::Counter, d(c.log.reader_consumers));
  add("tidings_cluster_log_direct_reads_total",
      "Log records this node's log readers read by direct gets while they had "
      "no consumer.",
      T::Counter, d(c.log.reader_direct_reads));
  add("tidings_cluster_audited_records_total",
      "Records this node's replica applied that the audit found as the "
      "cluster log's leader holds them.",
      T::Counter, d(c.audit.checked));
  add("tidings_cluster_divergent_records_total",
      "Records this node's replica applied that differ from the cluster "
      "log's leader's copy at two checks: the signals it stored from them "
      "may differ from the other nodes'; compare, and rebuild it (anything "
      "above 0 is an alert).",
      T::Counter, d(c.audit.divergent));
  add("tidings_cluster_first_divergent_log_seq",
      "The lowest log seq of a divergent record (0: none).", T::Gauge,
      d(c.audit.first_divergent_seq));
  add("tidings_cluster_audit_skipped_records_total",
      "Applied records the audit dropped unchecked (its queue was full, or "
      "retention dropped them first).",
      T::Counter, d(c.audit.skipped));
  add("tidings_cluster_audit_unanswered_total",
      "Audit rounds cut short because the log's leader did not answer "
      "(elections).",
      T::Counter, d(c.audit.unanswered));
}

// The store's numbers as metric families, read at scrape time (RocksDB keeps
// the counts; copying them into registry counters would only add state).
void AddStoreFamilies(const storage::StoreStats& s,
                      std::vector<prometheus::MetricFamily>* out) {
  auto add = [out](const char* name, const char* help,
                   prometheus::MetricType type,
                   double value) { AddFamily(name, help, type, value, out); };
  using T = prometheus::MetricType;
  auto d = [](uint64_t v) { return static_cast<double>(v); };
  add("tidings_rocksdb_sst_bytes",
      "Bytes of RocksDB table files on disk (obsolete ones not yet deleted "
      "included).",
      T::Gauge, d(s.sst_bytes));
  add("tidings_rocksdb_live_sst_bytes", "Bytes of live RocksDB table files.",
      T::Gauge, d(s.live_sst_bytes));
  add("tidings_rocksdb_wal_bytes", "Bytes of RocksDB write-ahead log files.",
      T::Gauge, d(s.wal_bytes));
  add("tidings_rocksdb_memtable_bytes",
      "Bytes of RocksDB memtables (in memory, not yet flushed).", T::Gauge,
      d(s.memtable_bytes));
  add("tidings_rocksdb_pending_compaction_bytes",
      "RocksDB's estimate of the bytes compaction has yet to rewrite.",
      T::Gauge, d(s.pending_compaction_bytes));
  add("tidings_rocksdb_block_cache_hits_total", "RocksDB block cache hits.",
      T::Counter, d(s.block_cache_hits));
  add("tidings_rocksdb_block_cache_misses_total", "RocksDB block cache misses.",
      T::Counter, d(s.block_cache_misses));
  add("tidings_rocksdb_write_bytes_total",
      "Bytes written to RocksDB by writes (before compaction).", T::Counter,
      d(s.bytes_written));
  add("tidings_rocksdb_read_bytes_total",
      "Bytes read from RocksDB by point lookups.", T::Counter, d(s.bytes_read));
  add("tidings_rocksdb_compaction_read_bytes_total",
      "Bytes read by RocksDB compactions.", T::Counter,
      d(s.compaction_bytes_read));
  add("tidings_rocksdb_compaction_write_bytes_total",
      "Bytes written by RocksDB compactions.", T::Counter,
      d(s.compaction_bytes_written));
  add("tidings_rocksdb_flush_write_bytes_total",
      "Bytes written by RocksDB memtable flushes.", T::Counter,
      d(s.flush_bytes_written));
  add("tidings_rocksdb_stall_seconds_total",
      "Time writes were held back by RocksDB write stalls.", T::Counter,
      static_cast<double>(s.stall_micros) / 1e6);
  add("tidings_rocksdb_wal_syncs_total", "RocksDB write-ahead log syncs.",
      T::Counter, d(s.wal_syncs));
  add("tidings_rocksdb_wal_write_bytes_total",
      "Bytes written to the RocksDB write-ahead log.", T::Counter,
      d(s.wal_bytes_written));
}

// INVALID_ARGUMENT unless `listen` is host:port or [v6]:port with a port in
// 1..65535 (civetweb cannot pick a free port).
absl::Status ValidateListen(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  const std::string hint = absl::StrCat(
      "metrics_listen: \"", listen,
      "\" is not HOST:PORT (e.g. 127.0.0.1:9464 or [::1]:9464; port "
      "1-65535)");
  if (colon == std::string::npos || colon == 0) {
    return absl::InvalidArgumentError(hint);
  }
  const std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  uint32_t p = 0;
  if (port.empty() ||
      port.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(port, &p) || p == 0 || p > 65535) {
    return absl::InvalidArgumentError(hint);
  }
  const bool v6 = host.front() == '[';
  if (v6 != (host.back() == ']') || (v6 && host.size() < 3) ||
      (!v6 && host.find(':') != std::string::npos)) {
    return absl::InvalidArgumentError(hint);
  }
  return absl::OkStatus();
}

class RpcMetricsInterceptor final : public grpc::experimental::Interceptor {
 public:
  RpcMetricsInterceptor(Metrics* m, std::string method)
      : m_(m), method_(std::move(method)) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      m_->rpcs_finished
          .Add({{"method", method_},
                {"code", absl::StatusCodeToString(static_cast<absl::StatusCode>(
                             status.error_code()))}})
          .Increment();
    }
    methods->Proceed();
  }

 private:
  Metrics* const m_;
  const std::string method_;
};

class RpcMetricsInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  RpcMetricsInterceptorFactory(Metrics* m, const std::string& service)
      : m_(m),
        prefix_(absl::StrCat("/", service, "/")),
        service_(google::protobuf::DescriptorPool::generated_pool()
                     ->FindServiceByName(service)) {}

  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const char* method = info->method();
    if (m_ == nullptr || method == nullptr) return nullptr;
    std::string name(method);
    // Only our methods: anything else (health, reflection, unknown paths a
    // client makes up) would add labels without bound.
    if (name.rfind(prefix_, 0) != 0) return nullptr;
    name.erase(0, prefix_.size());
    if (service_ == nullptr || service_->FindMethodByName(name) == nullptr) {
      return nullptr;
    }
    m_->rpcs_started.Add({{"method", name}}).Increment();
    return new RpcMetricsInterceptor(m_, std::move(name));
  }

 private:
  Metrics* const m_;
  const std::string prefix_;
  // The service's methods (from the generated descriptors).
  const google::protobuf::ServiceDescriptor* const service_;
};

}  // namespace

Metrics::Metrics(prometheus::Registry& registry)
    : rpcs_started(prometheus::BuildCounter()
                       .Name("tidings_rpcs_started_total")
                       .Help("Tidings RPCs started, by method.")
                       .Register(registry)),
      rpcs_finished(prometheus::BuildCounter()
                        .Name("tidings_rpcs_finished_total")
                        .Help("Tidings RPCs finished, by method and gRPC "
                              "status code.")
                        .Register(registry)),
      ingest_articles(Counter(registry, "tidings_ingest_articles_total",
                              "Articles stored by Ingest and IngestStream "
                              "(duplicates not counted).")),
      ingest_signals(
          Counter(registry, "tidings_ingest_signals_total", "Signals stored.")),
      commit_seconds(SecondsHistogram(registry, "tidings_commit_seconds",
                                      "Latency of a group commit (one store "
                                      "Append and its WAL sync), in seconds.")),
      commit_articles(prometheus::BuildHistogram()
                          .Name("tidings_commit_articles")
                          .Help("Articles per group commit.")
                          .Register(registry)
                          .Add({}, ArticlesBuckets())),
      commit_failures(Counter(registry, "tidings_commit_failures_total",
                              "Group commits that failed (nothing of them "
                              "stored).")),
      query_signals(Counter(registry, "tidings_query_signals_total",
                            "Signals read for Query and QueryBatches "
                            "streams.")),
      series_signals(Counter(registry, "tidings_series_signals_total",
                             "Signal summaries in the time windows of "
                             "Series calls (read from memory).")),
      head_seq(Gauge(registry, "tidings_head_seq",
                     "Seq of the newest stored signal (0: none).")),
      first_seq(Gauge(registry, "tidings_first_seq",
                      "Seq of the oldest retained signal.")),
      subscribers(
          Gauge(registry, "tidings_subscribers", "Open Subscribe streams.")),
      ingest_duplicates(Counter(registry, "tidings_ingest_duplicates_total",
                                "Articles answered as duplicates (nothing "
                                "stored again).")),
      ingest_rejected(Counter(registry, "tidings_ingest_rejected_total",
                              "Articles answered with an error before "
                              "storage (not valid, not parsable, over the "
                              "in-flight byte cap).")),
      ingest_batch_articles(prometheus::BuildHistogram()
                                .Name("tidings_ingest_batch_articles")
                                .Help("Articles per Ingest request or "
                                      "IngestStream batch.")
                                .Register(registry)
                                .Add({}, ArticlesBuckets())),
      scoring_seconds(SecondsHistogram(registry, "tidings_scoring_seconds",
                                       "Time to score one article, in "
                                       "seconds.")),
      wal_sync_seconds(SecondsHistogram(registry, "tidings_wal_sync_seconds",
                                        "Time of the WAL fsync of a group "
                                        "commit, in seconds.")),
      ingest_to_deliver_seconds(SecondsHistogram(
          registry, "tidings_ingest_to_deliver_seconds",
          "From a signal's ingested_at (its commit starting) to its "
          "hand-over to gRPC by a Subscribe stream, for signals committed "
          "after the stream began, in seconds.")),
      subscriber_max_lag(Gauge(registry, "tidings_subscriber_max_lag_seqs",
                               "Largest head_seq minus the last seq a "
                               "subscriber handed to gRPC.")),
      subscriber_total_lag(Gauge(registry, "tidings_subscriber_total_lag_seqs",
                                 "Sum over subscribers of head_seq minus the "
                                 "last seq handed to gRPC.")) {}

void Metrics::Commit(Metrics* m, double seconds, size_t articles, size_t stored,
                     size_t signals, bool ok) {
  if (m == nullptr) return;
  m->commit_seconds.Observe(seconds);
  m->commit_articles.Observe(static_cast<double>(articles));
  if (!ok) {
    m->commit_failures.Increment();
    return;
  }
  m->ingest_articles.Increment(static_cast<double>(stored));
  m->ingest_signals.Increment(static_cast<double>(signals));
  m->ingest_duplicates.Increment(static_cast<double>(articles - stored));
}

void Metrics::QuerySignals(Metrics* m, size_t n) {
  if (m == nullptr || n == 0) return;
  m->query_signals.Increment(static_cast<double>(n));
}

void Metrics::SeriesSignals(Metrics* m, size_t n) {
  if (m == nullptr || n == 0) return;
  m->series_signals.Increment(static_cast<double>(n));
}

void Metrics::IngestBatch(Metrics* m, size_t articles, size_t duplicates,
                          size_t rejected) {
  if (m == nullptr) return;
  m->ingest_batch_articles.Observe(static_cast<double>(articles));
  m->ingest_duplicates.Increment(static_cast<double>(duplicates));
  m->ingest_rejected.Increment(static_cast<double>(rejected));
}

void Metrics::IngestRejected(Metrics* m) {
  if (m != nullptr) m->ingest_rejected.Increment();
}

void Metrics::Scored(Metrics* m, absl::Duration d) {
  if (m != nullptr) m->scoring_seconds.Observe(absl::ToDoubleSeconds(d));
}

void Metrics::WalSynced(Metrics* m, absl::Duration d) {
  if (m != nullptr) m->wal_sync_seconds.Observe(absl::ToDoubleSeconds(d));
}

void Metrics::Delivered(Metrics* m, absl::Duration d) {
  if (m == nullptr) return;
  m->ingest_to_deliver_seconds.Observe(
      absl::ToDoubleSeconds(std::max(d, absl::ZeroDuration())));
}

// The registry as the Exposer sees it: sets the gauges, then collects.
class MetricsExporter::Collector final : public prometheus::Collectable {
 public:
  Collector(std::shared_ptr<prometheus::Registry> registry, Metrics* m)
      : registry_(std::move(registry)), m_(m) {}

  void SetReader(std::function<MetricsGauges()> read) {
    absl::MutexLock lock(&mu_);
    read_ = std::move(read);
  }

  std::vector<prometheus::MetricFamily> Collect() const override {
    std::optional<storage::StoreStats> store;
    std::optional<ClusterGauges> cluster;
    {
      absl::MutexLock lock(&mu_);
      if (read_) {
        MetricsGauges g = read_();
        m_->head_seq.Set(static_cast<double>(g.head_seq));
        m_->first_seq.Set(static_cast<double>(g.first_seq));
        m_->subscribers.Set(static_cast<double>(g.subscribers));
        m_->subscriber_max_lag.Set(static_cast<double>(g.subscriber_max_lag));
        m_->subscriber_total_lag.Set(
            static_cast<double>(g.subscriber_total_lag));
        store = std::move(g.store);
        cluster = g.cluster;
      }
    }
    std::vector<prometheus::MetricFamily> families = registry_->Collect();
    if (store) AddStoreFamilies(*store, &families);
    if (cluster) AddClusterFamilies(*cluster, &families);
    return families;
  }

 private:
  const std::shared_ptr<prometheus::Registry> registry_;
  Metrics* const m_;
  mutable absl::Mutex mu_;
  std::function<MetricsGauges()> read_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<std::unique_ptr<MetricsExporter>> MetricsExporter::Start(
    const std::string& listen) {
  absl::Status valid = ValidateListen(listen);
  if (!valid.ok()) return valid;
  std::unique_ptr<MetricsExporter> e(new MetricsExporter());
  e->registry_ = std::make_shared<prometheus::Registry>();
  e->metrics_ = std::make_unique<Metrics>(*e->registry_);
  e->collector_ = std::make_shared<Collector>(e->registry_, e->metrics_.get());
  try {
    // Two HTTP threads: plenty for a scraper or two. civetweb throws when
    // it cannot bind.
    e->exposer_ = std::make_unique<prometheus::Exposer>(listen, 2);
  } catch (const std::exception& ex) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen for metrics on ", listen, ": ", ex.what()));
  }
  e->exposer_->RegisterCollectable(e->collector_);
  return e;
}

MetricsExporter::~MetricsExporter() {
  exposer_.reset();  // No scrape runs past here.
}

void MetricsExporter::SetGaugeReader(std::function<MetricsGauges()> read) {
  collector_->SetReader(std::move(read));
}

int MetricsExporter::port() const {
  if (exposer_ == nullptr) return 0;
  const std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
NewRpcMetricsInterceptorFactory(Metrics* m, const std::string& service) {
  return std::make_unique<RpcMetricsInterceptorFactory>(m, service);
}

}  // namespace tidings::service::internal
