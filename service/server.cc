// Copyright 2026 The Tidings Authors.
//
// The server: owns the store, scorer, hub, work pool, committer and the gRPC
// server, and shuts them down in order:
//   1. health → NOT_SERVING; the service refuses new calls and ends open
//      streams with UNAVAILABLE (hub and stream registry);
//   2. grpc::Server::Shutdown(grace): stops accepting and waits for every RPC
//      to finish (unary ingest batches in flight finish on the pool);
//   3. the heartbeat ticker stops; the work pool drains and joins;
//   4. the store closes when the server object is destroyed.

#include "service/server.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "cluster/signal_log.h"
#include "grpc/grpc.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/support/server_interceptor.h"
#include "service/hub.h"
#include "service/internal/auth.h"
#include "service/internal/cluster_ingest.h"
#include "service/internal/committer.h"
#include "service/internal/grace_sink.h"
#include "service/internal/metrics.h"
#include "service/internal/recent_signals.h"
#include "service/internal/replica_applier.h"
#include "service/internal/replica_audit.h"
#include "service/internal/request_log.h"
#include "service/internal/series.h"
#include "service/internal/wire.h"
#include "service/internal/work_pool.h"
#include "service/log.h"
#include "service/tidings_service.h"
#include "storage/replica_retention.h"

namespace tidings::service {
namespace {

constexpr char kServiceName[] = "tidings.v1.Tidings";

absl::Status ValidateOptions(const ServerOptions& o) {
  auto bad = [](const std::string& what) {
    return absl::InvalidArgumentError(what);
  };
  if (o.listen.empty()) return bad("listen: an address host:port is required");
  if (o.max_article_bytes == 0) return bad("max_article_bytes must be > 0");
  if (o.max_batch == 0) return bad("max_batch must be > 0");
  if (o.max_subscribers == 0) return bad("max_subscribers must be > 0");
  if (o.subscriber_buffer == 0) return bad("subscriber_buffer must be > 0");
  if (o.subscriber_buffer_bytes == 0) {
    return bad("subscriber_buffer_bytes must be > 0");
  }
  if (o.heartbeat_interval <= absl::ZeroDuration()) {
    return bad("heartbeat_interval must be > 0");
  }
  if (o.retention < absl::ZeroDuration()) {
    return bad("retention must not be negative (0 = keep everything)");
  }
  if (o.retention_check_interval <= absl::ZeroDuration()) {
    return bad("retention_check_interval must be > 0");
  }
  if (o.shutdown_grace < absl::ZeroDuration()) {
    return bad("shutdown_grace must not be negative");
  }
  if (o.max_request_bytes < o.max_article_bytes ||
      o.max_request_bytes >
          static_cast<uint64_t>(std::numeric_limits<int>::max())) {
    return bad(absl::StrCat("max_request_bytes (", o.max_request_bytes,
                            ") must be at least max_article_bytes (",
                            o.max_article_bytes, ") and below 2 GiB"));
  }
  if (o.tls_cert_file.empty() != o.tls_key_file.empty()) {
    return bad(
        "tls_cert_file and tls_key_file go together: set both or "
        "neither");
  }
  if (!o.tls_client_ca_file.empty() && o.tls_cert_file.empty()) {
    return bad(
        "tls_client_ca_file (mutual TLS) needs tls_cert_file and "
        "tls_key_file");
  }
  if (absl::Status s = ParseLogFormat(o.log_format).status(); !s.ok()) {
    return s;
  }
  return ParseLogLevel(o.log_level).status();
}

// The whole content of a PEM file; NOT_FOUND naming it when unreadable,
// INVALID_ARGUMENT when it holds no PEM block.
absl::StatusOr<std::string> ReadPem(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read the ", what, " file ",
                                            path, ": ", std::strerror(errno)));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string pem = buffer.str();
  if (pem.find("-----BEGIN ") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the ", what, " file ", path, " holds no PEM block (-----BEGIN ...)"));
  }
  return pem;
}

// Binds a throwaway socket to `listen` ("host:port", "[v6]:port", ":port")
// the way gRPC will (SO_REUSEADDR on, SO_REUSEPORT off) and returns the
// errno of the first address that cannot be bound, EADDRINUSE first; 0 when
// every address binds or the address is none this can check (port 0, unix:
// sockets, names that do not resolve: gRPC then decides alone).
int ProbeListen(const std::string& listen) {
  if (listen.rfind("unix:", 0) == 0) return 0;
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return 0;
  std::string host = listen.substr(0, colon);
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.find_first_not_of('0') == std::string::npos) {
    return 0;  // Port 0: any free port.
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints,
                  &found) != 0) {
    return 0;
  }
  int first_error = 0;
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    const int fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol);
    if (fd < 0) continue;  // E.g. no IPv6 on this machine.
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    const int error = bind(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    close(fd);
    if (error == EADDRINUSE || first_error == 0) first_error = error;
    if (error == EADDRINUSE) break;
  }
  freeaddrinfo(found);
  return first_error;
}

// UNAVAILABLE for an address another process listens on, with
// kAddressInUsePayload.
absl::Status AddressInUse(const std::string& listen) {
  absl::Status status = absl::UnavailableError(absl::StrCat(
      "cannot listen on ", listen,
      ": address already in use (is another tidings server listening "
      "there?)"));
  status.SetPayload(kAddressInUsePayload, absl::Cord(listen));
  return status;
}

// The effective configuration: every option (file paths, never what the
// files hold).
void LogConfig(const ServerOptions& o) {
  Log(LogLevel::kInfo, "starting",
      {{"listen", o.listen},
       {"data_dir", o.data_dir},
       {"lexicon_dir", o.lexicon_dir.empty() ? "(built in)" : o.lexicon_dir},
       {"max_article_bytes", o.max_article_bytes},
       {"max_batch", o.max_batch},
       {"max_subscribers", o.max_subscribers},
       {"subscriber_buffer", o.subscriber_buffer},
       {"subscriber_buffer_bytes", o.subscriber_buffer_bytes},
       {"recent_signals", o.recent_signals},
       {"heartbeat_interval", o.heartbeat_interval},
       {"duplicate_window", o.duplicate_window},
       {"retention", o.retention},
       {"retention_check_interval", o.retention_check_interval},
       {"worker_threads", o.worker_threads},
       {"max_request_bytes", o.max_request_bytes},
       {"max_inflight_bytes", o.max_inflight_bytes},
       {"tokens_file", o.tokens_file},
       {"tls_cert_file", o.tls_cert_file},
       {"tls_key_file", o.tls_key_file},
       {"tls_client_ca_file", o.tls_client_ca_file},
       {"shutdown_grace", o.shutdown_grace},
       {"metrics_listen", o.metrics_listen},
       {"log_format", o.log_format},
       {"log_level", o.log_level}});
}

// Plaintext, or TLS (mutual when a client CA is given) from the options.
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeCredentials(
    const ServerOptions& o) {
  if (o.tls_cert_file.empty()) return grpc::InsecureServerCredentials();
  absl::StatusOr<std::string> cert =
      ReadPem(o.tls_cert_file, "TLS certificate");
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = ReadPem(o.tls_key_file, "TLS key");
  if (!key.ok()) return key.status();
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({*key, *cert});
  if (!o.tls_client_ca_file.empty()) {
    absl::StatusOr<std::string> ca = ReadPem(o.tls_client_ca_file, "client CA");
    if (!ca.ok()) return ca.status();
    ssl.pem_root_certs = *ca;
    ssl.client_certificate_request =
        GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  } else {
    ssl.client_certificate_request = GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE;
  }
  return grpc::SslServerCredentials(ssl);
}

// gRPC 1.51 answers a request that does not parse (protobuf refuses, e.g.,
// a proto3 string that is not UTF-8) with UNIMPLEMENTED and no message,
// which reads as "no such method". For Tidings methods this interceptor
// turns that into INVALID_ARGUMENT saying what is wrong. (Our handlers never
// answer UNIMPLEMENTED with an empty message, so nothing else is rewritten.)
class ParseErrorInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit ParseErrorInterceptor(const char* method)
      : method_(method == nullptr ? "" : method) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      grpc::Status status = methods->GetSendStatus();
      if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED &&
          status.error_message().empty()) {
        methods->ModifySendStatus(internal::UnparseableRequest(method_));
      }
    }
    methods->Proceed();
  }

 private:
  const std::string method_;
};

class ParseErrorInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    const char* method = info->method();
    if (method == nullptr ||
        std::string(method).rfind(absl::StrCat("/", kServiceName, "/"), 0) !=
            0) {
      return nullptr;  // Not ours: leave it alone.
    }
    return new ParseErrorInterceptor(method);
  }
};

class ServerImpl final : public Server {
 public:
  ServerImpl() = default;
  ~ServerImpl() override { Shutdown(); }

  absl::Status Init(const ServerOptions& options, ServerDeps deps);

  int port() const override { return port_; }
  const std::string& scorer_version() const override {
    return scorer_->version();
  }
  void Shutdown() override;
  void Wait() override { done_.WaitForNotification(); }
  absl::Status ReloadTokens() override;

 private:
  // Shutdown()'s wait for the calls in flight: gRPC's shutdown with
  // `deadline`; in cluster mode, cluster ingests still waiting just before
  // it are answered UNAVAILABLE (grace_sink_).
  void FinishCalls(absl::Time deadline);

  ServerOptions options_;
  // Declaration order is destruction order reversed: the gRPC server goes
  // first, the store last.
  std::unique_ptr<storage::SignalStore> store_;
  std::shared_ptr<const scoring::Scorer> scorer_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<internal::WorkPool> pool_;
  std::unique_ptr<internal::RecentSignals> recent_;
  // Before the committer and the service, which use it.
  std::unique_ptr<internal::SeriesIndex> series_;
  // Before the committer and the gRPC server, which count into it; after
  // the store and hub, which its scrapes read.
  std::unique_ptr<internal::MetricsExporter> metrics_;
  std::unique_ptr<internal::Committer> committer_;
  // Cluster mode only (ServerDeps::log): the log, this node's replica of
  // it, and ingest through it. The log goes before the ingest, whose
  // callbacks it answers when it closes.
  // The audit before the applier, which tells it what it applied.
  std::unique_ptr<internal::ReplicaAudit> audit_;
  std::unique_ptr<internal::ReplicaApplier> applier_;
  std::unique_ptr<internal::ClusterIngest> cluster_ingest_;
  // In front of cluster_ingest_: at the end of --shutdown-grace it answers
  // the batches still waiting for the log or the replica (grace_sink.h).
  std::unique_ptr<internal::GraceSink> grace_sink_;
  std::shared_ptr<cluster::SignalLog> log_;
  std::unique_ptr<internal::TokenHolder> tokens_;
  // Before the service and the gRPC server, which report into it.
  std::unique_ptr<internal::RequestLog> request_log_;
  std::unique_ptr<TidingsService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::function<absl::Time()> clock_;

  // Retention: a timer thread that queues a trim on the pool every
  // retention_check_interval (and at startup). At most one trim is queued or
  // running at a time.
  void StartTrimmer() ABSL_LOCKS_EXCLUDED(trim_mu_);
  void StopTrimmer() ABSL_LOCKS_EXCLUDED(trim_mu_);
  void TrimNow();
  absl::Mutex trim_mu_;
  bool trim_stop_ ABSL_GUARDED_BY(trim_mu_) = false;
  std::atomic<bool> trim_pending_{false};
  std::thread trimmer_;

  absl::Mutex mu_;
  bool shutdown_started_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification done_;
};

void ServerImpl::TrimNow() {
  const uint64_t first_before = store_->first_seq();
  // A cluster replica trims behind its newest signal, not the clock, so
  // that no replica's trim changes what a later record stores.
  absl::Time cutoff = clock_() - options_.retention;
  absl::Status s = absl::OkStatus();
  if (applier_ != nullptr) {
    absl::StatusOr<absl::Time> c =
        storage::ReplicaTrimCutoff(*store_, options_.retention);
    s = c.status();
    if (c.ok()) cutoff = *c;
  }
  if (s.ok()) s = store_->TrimBefore(cutoff);
  trim_pending_.store(false, std::memory_order_release);
  const uint64_t first = store_->first_seq();
  if (first > first_before) series_->OnTrimmed(first);
  if (first > first_before) {  // Also what a failed trim did delete.
    Log(LogLevel::kInfo, "retention trim",
        {{"trimmed", first - first_before},
         {"first_seq", first},
         {"head_seq", store_->head_seq()},
         {"cutoff",
          absl::FormatTime(absl::RFC3339_sec, cutoff, absl::UTCTimeZone())}});
  }
  if (!s.ok()) {
    // Retried at the next interval; ingest and reads are unaffected.
    Log(LogLevel::kWarn, "retention trim failed, retried at the next interval",
        {{"code", absl::StatusCodeToString(s.code())},
         {"reason", s.message()},
         {"retry_in", options_.retention_check_interval}});
  }
}

void ServerImpl::StartTrimmer() {
  if (options_.retention <= absl::ZeroDuration()) return;
  trimmer_ = std::thread([this] {
    absl::MutexLock lock(&trim_mu_);
    while (!trim_stop_) {
      if (!trim_pending_.exchange(true, std::memory_order_acq_rel)) {
        if (!pool_->Submit([this] { TrimNow(); })) {
          trim_pending_.store(false, std::memory_order_release);
        }
      }
      trim_mu_.AwaitWithTimeout(absl::Condition(&trim_stop_),
                                options_.retention_check_interval);
    }
  });
}

void ServerImpl::StopTrimmer() {
  {
    absl::MutexLock lock(&trim_mu_);
    trim_stop_ = true;
  }
  if (trimmer_.joinable()) trimmer_.join();
}

absl::Status ServerImpl::Init(const ServerOptions& options, ServerDeps deps) {
  options_ = options;
  absl::Status valid = ValidateOptions(options);
  if (!valid.ok()) return valid;
  SetLogFormat(*ParseLogFormat(options.log_format));
  SetLogLevel(*ParseLogLevel(options.log_level));
  LogConfig(options);
  // Files first: a typo in a path fails fast, before the store opens.
  if (!options.tokens_file.empty()) {
    absl::StatusOr<internal::TokenTable> tokens =
        internal::TokenTable::Load(options.tokens_file);
    if (!tokens.ok()) return tokens.status();
    tokens_ = std::make_unique<internal::TokenHolder>(*std::move(tokens));
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      MakeCredentials(options);
  if (!credentials.ok()) return credentials.status();
  // The lexicons too, before anything else starts.
  if (deps.scorer == nullptr) {
    scoring::ScorerOptions scorer_options;
    scorer_options.lexicon_dir = options.lexicon_dir;
    absl::StatusOr<std::unique_ptr<const scoring::Scorer>> scorer =
        scoring::Scorer::Create(scorer_options);
    if (!scorer.ok()) {
      return absl::Status(
          scorer.status().code(),
          absl::StrCat("cannot load the lexicons",
                       options.lexicon_dir.empty()
                           ? std::string()
                           : absl::StrCat(" from ", options.lexicon_dir),
                       ": ", std::string(scorer.status().message())));
    }
    deps.scorer = *std::move(scorer);
  }
  scorer_ = std::move(deps.scorer);
  // And the address: a second server on a busy port fails here, before it
  // opens (or creates) its store. BuildAndStart below stays the authority.
  if (ProbeListen(options.listen) == EADDRINUSE) {
    return AddressInUse(options.listen);
  }
  // The metrics endpoint too (it binds at once).
  if (!options.metrics_listen.empty()) {
    absl::StatusOr<std::unique_ptr<internal::MetricsExporter>> metrics =
        internal::MetricsExporter::Start(options.metrics_listen);
    if (!metrics.ok()) {
      const int error = ProbeListen(options.metrics_listen);
      if (error == 0 || !absl::IsUnavailable(metrics.status())) {
        return metrics.status();
      }
      return absl::UnavailableError(
          absl::StrCat("cannot listen for metrics on ", options.metrics_listen,
                       ": ", std::strerror(error)));
    }
    metrics_ = *std::move(metrics);
  }
  internal::Metrics* const metrics =
      metrics_ == nullptr ? nullptr : metrics_->metrics();

  if (deps.store == nullptr) {
    if (options.data_dir.empty()) {
      return absl::InvalidArgumentError("data_dir: a directory is required");
    }
    std::error_code ec;
    std::filesystem::create_directories(options.data_dir, ec);
    if (ec) {
      return absl::UnavailableError(
          absl::StrCat("cannot create the data directory ", options.data_dir,
                       ": ", ec.message()));
    }
    storage::StoreOptions store_options;
    store_options.path = options.data_dir;
    store_options.duplicate_window = options.duplicate_window;
    store_options.retention = options.retention;
    store_options.env = deps.store_env;
    if (metrics != nullptr) {
      store_options.on_wal_sync = [metrics](absl::Duration d) {
        internal::Metrics::WalSynced(metrics, d);
      };
    }
    // A store written before the entity, published- and received-time
    // indexes or the signal summaries gets them at open: one line every few
    // seconds while that runs.
    store_options.on_index_progress =
        [last = absl::InfinitePast()](uint64_t done, uint64_t head) mutable {
          const absl::Time now = absl::Now();
          if (done < head && now - last < absl::Seconds(2)) return;
          last = now;
          Log(LogLevel::kInfo,
              "indexing stored signals (entities, published and received "
              "times, summaries)",
              {{"done", done}, {"head_seq", head}});
        };
    absl::StatusOr<std::unique_ptr<storage::SignalStore>> store =
        storage::SignalStore::Open(store_options);
    if (!store.ok()) {
      return absl::Status(
          store.status().code(),
          absl::StrCat("cannot open the store in ", options.data_dir, ": ",
                       std::string(store.status().message())));
    }
    deps.store = *std::move(store);
  }
  store_ = std::move(deps.store);
  Log(LogLevel::kInfo, "store opened",
      {{"data_dir", options.data_dir},
       {"store_id", store_->store_id()},
       {"first_seq", store_->first_seq()},
       {"head_seq", store_->head_seq()}});

  if (!deps.clock) deps.clock = [] { return absl::Now(); };
  clock_ = deps.clock;

  hub_ = std::make_unique<Hub>(options.max_subscribers,
                               options.heartbeat_interval, store_->head_seq());
  size_t threads = options.worker_threads;
  if (threads == 0) {
    threads = std::max<size_t>(2, std::thread::hardware_concurrency());
  }
  pool_ = std::make_unique<internal::WorkPool>(threads);
  if (options.recent_signals > 0) {
    recent_ = std::make_unique<internal::RecentSignals>(
        options.recent_signals, /*max_bytes=*/size_t{64} << 20,
        scoring::kDefaultMinRelevance);
  }
  series_ = std::make_unique<internal::SeriesIndex>(store_.get());
  committer_ = std::make_unique<internal::Committer>(
      store_.get(), hub_.get(), deps.clock, options.max_batch, recent_.get(),
      metrics, series_.get());
  TidingsService::Deps service_deps;
  if (deps.log != nullptr) {
    // Each replica trims at its own time, behind its own newest signal
    // (storage/replica_retention.h): never what a later record looks at.
    if (options.retention > absl::ZeroDuration()) {
      if (absl::Status s = storage::CheckReplicaRetention(
              options.retention, options.duplicate_window);
          !s.ok()) {
        return s;
      }
    }
    if (store_->head_seq() > 0 && store_->applied_log_seq() == 0) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the store in ", options.data_dir, " holds signals (head seq ",
          store_->head_seq(),
          ") stored outside the cluster log, so its seqs would differ from "
          "the other nodes'; start a cluster node on an empty data directory "
          "(or on a backup of another node of this cluster)"));
    }
    // Every replica of the log reports the log's id as its store id, so a
    // cursor (expect_store_id) carries over between nodes. A new replica
    // takes it; one that replicated another log (or the stream was created
    // anew, its seqs starting over) is refused.
    if (const std::string log_id = deps.log->log_id();
        !log_id.empty() && store_->store_id() != log_id) {
      if (store_->head_seq() > 0 || store_->applied_log_seq() > 0) {
        return absl::FailedPreconditionError(absl::StrCat(
            "the store in ", options.data_dir, " (store id ",
            store_->store_id(), ", applied log seq ", store_->applied_log_seq(),
            ") is a replica of another cluster log than this one (id ", log_id,
            "; the stream was created anew, or the store comes from another "
            "cluster or an older build); start this node on an empty data "
            "directory, or on a backup of a node of this cluster"));
      }
      if (absl::Status s = store_->AdoptStoreId(log_id); !s.ok()) {
        return absl::Status(
            s.code(), absl::StrCat("cannot give the store the cluster's id: ",
                                   s.message()));
      }
      Log(LogLevel::kInfo, "cluster mode: store takes the cluster log's id",
          {{"store_id", store_->store_id()}});
    }
    log_ = std::move(deps.log);
    internal::ReplicaApplier::Options replica;
    if (options.cluster_audit_rate > 0) {
      internal::ReplicaAudit::Options audit;
      audit.max_checks = options.cluster_audit_rate;  // A round a second.
      audit_ = std::make_unique<internal::ReplicaAudit>(log_.get(), audit);
      audit_->Start();
      replica.audit = audit_.get();
    }
    applier_ = std::make_unique<internal::ReplicaApplier>(
        log_.get(), store_.get(), committer_.get(), replica);
    if (absl::Status s = applier_->Start(); !s.ok()) return s;
    cluster_ingest_ = std::make_unique<internal::ClusterIngest>(
        log_.get(), applier_.get(), store_.get(), deps.clock);
    grace_sink_ = std::make_unique<internal::GraceSink>(
        cluster_ingest_.get(),
        [store = store_.get()] { return store->head_seq(); });
    service_deps.ingest = grace_sink_.get();
    Log(LogLevel::kInfo, "cluster mode: replica started",
        {{"applied_log_seq", store_->applied_log_seq()}});
  }
  service_deps.store = store_.get();
  service_deps.scorer = scorer_.get();
  service_deps.hub = hub_.get();
  service_deps.pool = pool_.get();
  service_deps.committer = committer_.get();
  service_deps.recent = recent_.get();
  service_deps.series = series_.get();
  service_deps.clock = deps.clock;
  service_deps.tokens = tokens_.get();
  service_deps.metrics = metrics;
  request_log_ = std::make_unique<internal::RequestLog>();
  service_deps.request_log = request_log_.get();
  service_ = std::make_unique<TidingsService>(options, std::move(service_deps));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, *credentials, &port_);
  builder.RegisterService(service_.get());
  std::vector<
      std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>>
      interceptors;
  interceptors.push_back(std::make_unique<ParseErrorInterceptorFactory>());
  if (metrics != nullptr) {
    // After the parse-error rewrite: it counts the code sent.
    interceptors.push_back(
        internal::NewRpcMetricsInterceptorFactory(metrics, kServiceName));
  }
  // After the parse-error rewrite too: it logs the code sent.
  interceptors.push_back(internal::NewRequestLogInterceptorFactory(
      request_log_.get(), kServiceName));
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_request_bytes));
  // gRPC sets SO_REUSEPORT by default, so a second server on the same port
  // would start and take half of the connections: refuse to share.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    // Taken between the probe above and now, or not bindable at all.
    const int error = ProbeListen(options.listen);
    if (error == EADDRINUSE) return AddressInUse(options.listen);
    if (error != 0) {
      return absl::UnavailableError(absl::StrCat(
          "cannot listen on ", options.listen, ": ", std::strerror(error),
          error == EACCES ? " (ports below 1024 need privileges)"
          : error == EADDRNOTAVAIL
              ? " (the host is no address of this machine; 0.0.0.0 listens "
                "on all)"
              : ""));
    }
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen,
        ": the address is in use or invalid (use host:port; port 0 picks a "
        "free port)"));
  }
  if (grpc::HealthCheckServiceInterface* health =
          server_->GetHealthCheckService()) {
    health->SetServingStatus(kServiceName, true);
  }
  if (metrics_ != nullptr) {
    metrics_->SetGaugeReader([this] {
      internal::MetricsGauges g;
      g.head_seq = store_->head_seq();
      g.first_seq = store_->first_seq();
      g.subscribers = hub_->size();
      const Hub::Lag lag = hub_->LagBehind(g.head_seq);
      g.subscriber_max_lag = lag.max;
      g.subscriber_total_lag = lag.total;
      g.store = store_->Stats();
      if (log_ != nullptr) {
        g.cluster = internal::ClusterGauges{
            .applied_log_seq = store_->applied_log_seq(),
            .log = log_->Health(),
            .audit =
                audit_ != nullptr ? audit_->stats() : internal::AuditStats{}};
      }
      return g;
    });
  }
  StartTrimmer();
  return absl::OkStatus();
}

absl::Status ServerImpl::ReloadTokens() {
  if (tokens_ == nullptr) {
    return absl::FailedPreconditionError(
        "the server was started without --tokens; restart it with --tokens "
        "FILE to turn access control on");
  }
  absl::StatusOr<internal::TokenTable> tokens =
      internal::TokenTable::Load(options_.tokens_file);
  if (!tokens.ok()) return tokens.status();
  const size_t count = tokens->size();
  tokens_->Replace(*std::move(tokens));
  Log(LogLevel::kInfo, "tokens reloaded",
      {{"file", options_.tokens_file}, {"tokens", absl::StrCat(count)}});
  return absl::OkStatus();
}

void ServerImpl::FinishCalls(absl::Time deadline) {
  // Cluster mode: a call waiting for the log or the replica would hold
  // gRPC's shutdown past the grace (gRPC cancels calls at its deadline, but
  // waits for every reactor to finish). Shortly before the deadline, so that
  // the answer still reaches the client, such calls are answered
  // UNAVAILABLE.
  absl::Notification calls_done;
  std::thread abandoner;
  if (grace_sink_ != nullptr) {
    const absl::Duration margin =
        std::min(absl::Milliseconds(500), options_.shutdown_grace / 4);
    abandoner = std::thread([this, &calls_done, at = deadline - margin] {
      if (calls_done.WaitForNotificationWithDeadline(at)) return;
      const size_t n = grace_sink_->Abandon(absl::UnavailableError(
          "the server shut down (--shutdown-grace ended) before the cluster "
          "log and this node's replica confirmed the batch; outcome unknown: "
          "some of its articles may be stored. Send it again (to any node): "
          "ingest is idempotent"));
      if (n > 0) {
        Log(LogLevel::kWarn,
            "shutdown grace ended: cluster ingests still waiting for the log "
            "or the replica answered UNAVAILABLE",
            {{"batches", n}});
      }
    });
  }
  server_->Shutdown(absl::ToChronoTime(deadline));
  calls_done.Notify();
  if (abandoner.joinable()) abandoner.join();
}

void ServerImpl::Shutdown() {
  bool first = false;
  {
    absl::MutexLock lock(&mu_);
    first = !shutdown_started_;
    shutdown_started_ = true;
  }
  if (!first) {
    done_.WaitForNotification();
    return;
  }
  // Each step of a started server is logged with its time, so that a slow
  // shutdown says where (a server that failed to start says nothing more).
  const bool started = server_ != nullptr;
  const absl::Time start = absl::Now();
  absl::Time step_start = start;
  auto step_done = [&](std::string_view step) {
    const absl::Time now = absl::Now();
    Log(LogLevel::kInfo, "shutdown step done",
        {{"step", step}, {"took", now - step_start}});
    step_start = now;
  };
  if (started) {
    Log(LogLevel::kInfo, "shutting down", {{"grace", options_.shutdown_grace}});
  }
  if (server_ != nullptr) {
    if (grpc::HealthCheckServiceInterface* health =
            server_->GetHealthCheckService()) {
      health->Shutdown();  // NOT_SERVING for everyone, ends Watch streams.
    }
    if (service_ != nullptr) service_->BeginShutdown();
    step_done("refuse new calls, end streams");
    FinishCalls(start + options_.shutdown_grace);
    step_done("finish in-flight calls");
  }
  // Cluster mode: stop applying, then close the log, which answers every
  // publish still in flight (their calls end UNAVAILABLE) while the gRPC
  // server still exists.
  // The audit's get and the applier's read end in parallel.
  if (audit_ != nullptr) audit_->StopSoon();
  if (applier_ != nullptr) {
    applier_->Stop();
    if (started) step_done("stop the replica");
  }
  if (audit_ != nullptr) audit_->Stop();  // Before the log it asks closes.
  // Scrapes read the log's health: none may run while it closes.
  if (metrics_ != nullptr && log_ != nullptr) {
    metrics_->SetGaugeReader(nullptr);
  }
  if (log_ != nullptr) {
    log_.reset();
    if (started) step_done("close the cluster log");
  }
  if (hub_ != nullptr) hub_->Stop();
  StopTrimmer();  // Before the pool drains: it queues work there.
  if (pool_ != nullptr) pool_->Shutdown();
  if (started) {
    step_done("drain the work pool");
    request_log_->Flush();
    Log(LogLevel::kInfo, "shut down", {{"took", absl::Now() - start}});
  }
  done_.Notify();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options) {
  return Start(options, ServerDeps());
}

absl::StatusOr<std::unique_ptr<Server>> Server::Start(
    const ServerOptions& options, ServerDeps deps) {
  auto server = std::make_unique<ServerImpl>();
  absl::Status status = server->Init(options, std::move(deps));
  if (!status.ok()) return status;
  return std::unique_ptr<Server>(std::move(server));
}

}  // namespace tidings::service
