// Copyright 2026 The Tidings Authors.

#include "service/internal/metrics.h"

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "prometheus/collectable.h"
#include "prometheus/exposer.h"
#include "prometheus/metric_family.h"

namespace tidings::service::internal {
namespace {

const prometheus::Histogram::BucketBoundaries& CommitSecondsBuckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
      0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  return *b;
}

const prometheus::Histogram::BucketBoundaries& CommitArticlesBuckets() {
  static const auto* b = new prometheus::Histogram::BucketBoundaries{
      1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000};
  return *b;
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
      ingest_articles(prometheus::BuildCounter()
                          .Name("tidings_ingest_articles_total")
                          .Help("Articles stored by Ingest and IngestStream "
                                "(duplicates not counted).")
                          .Register(registry)
                          .Add({})),
      ingest_signals(prometheus::BuildCounter()
                         .Name("tidings_ingest_signals_total")
                         .Help("Signals stored.")
                         .Register(registry)
                         .Add({})),
      commit_seconds(prometheus::BuildHistogram()
                         .Name("tidings_commit_seconds")
                         .Help("Latency of a group commit (one store Append "
                               "and its WAL sync), in seconds.")
                         .Register(registry)
                         .Add({}, CommitSecondsBuckets())),
      commit_articles(prometheus::BuildHistogram()
                          .Name("tidings_commit_articles")
                          .Help("Articles per group commit.")
                          .Register(registry)
                          .Add({}, CommitArticlesBuckets())),
      commit_failures(prometheus::BuildCounter()
                          .Name("tidings_commit_failures_total")
                          .Help("Group commits that failed (nothing of them "
                                "stored).")
                          .Register(registry)
                          .Add({})),
      query_signals(prometheus::BuildCounter()
                        .Name("tidings_query_signals_total")
                        .Help("Signals read for Query and QueryBatches "
                              "streams.")
                        .Register(registry)
                        .Add({})),
      head_seq(prometheus::BuildGauge()
                   .Name("tidings_head_seq")
                   .Help("Seq of the newest stored signal (0: none).")
                   .Register(registry)
                   .Add({})),
      first_seq(prometheus::BuildGauge()
                    .Name("tidings_first_seq")
                    .Help("Seq of the oldest retained signal.")
                    .Register(registry)
                    .Add({})),
      subscribers(prometheus::BuildGauge()
                      .Name("tidings_subscribers")
                      .Help("Open Subscribe streams.")
                      .Register(registry)
                      .Add({})) {}

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
}

void Metrics::QuerySignals(Metrics* m, size_t n) {
  if (m == nullptr || n == 0) return;
  m->query_signals.Increment(static_cast<double>(n));
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
    {
      absl::MutexLock lock(&mu_);
      if (read_) {
        const MetricsGauges g = read_();
        m_->head_seq.Set(static_cast<double>(g.head_seq));
        m_->first_seq.Set(static_cast<double>(g.first_seq));
        m_->subscribers.Set(static_cast<double>(g.subscribers));
      }
    }
    return registry_->Collect();
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
