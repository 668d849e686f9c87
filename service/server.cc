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

#include <algorithm>
#include <filesystem>
#include <limits>
#include <string>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/health_check_service_interface.h"
#include "service/hub.h"
#include "service/internal/committer.h"
#include "service/internal/work_pool.h"
#include "service/tidings_service.h"

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
  return absl::OkStatus();
}

class ServerImpl final : public Server {
 public:
  ServerImpl() = default;
  ~ServerImpl() override { Shutdown(); }

  absl::Status Init(const ServerOptions& options, ServerDeps deps);

  int port() const override { return port_; }
  void Shutdown() override;
  void Wait() override { done_.WaitForNotification(); }

 private:
  ServerOptions options_;
  // Declaration order is destruction order reversed: the gRPC server goes
  // first, the store last.
  std::unique_ptr<storage::SignalStore> store_;
  std::shared_ptr<const scoring::Scorer> scorer_;
  std::unique_ptr<Hub> hub_;
  std::unique_ptr<internal::WorkPool> pool_;
  std::unique_ptr<internal::Committer> committer_;
  std::unique_ptr<TidingsService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;

  absl::Mutex mu_;
  bool shutdown_started_ ABSL_GUARDED_BY(mu_) = false;
  absl::Notification done_;
};

absl::Status ServerImpl::Init(const ServerOptions& options, ServerDeps deps) {
  options_ = options;
  absl::Status valid = ValidateOptions(options);
  if (!valid.ok()) return valid;

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
  if (!deps.clock) deps.clock = [] { return absl::Now(); };

  hub_ = std::make_unique<Hub>(options.max_subscribers,
                               options.heartbeat_interval, store_->head_seq());
  size_t threads = options.worker_threads;
  if (threads == 0) {
    threads = std::max<size_t>(2, std::thread::hardware_concurrency());
  }
  pool_ = std::make_unique<internal::WorkPool>(threads);
  committer_ = std::make_unique<internal::Committer>(
      store_.get(), hub_.get(), deps.clock, options.max_batch);
  TidingsService::Deps service_deps;
  service_deps.store = store_.get();
  service_deps.scorer = scorer_.get();
  service_deps.hub = hub_.get();
  service_deps.pool = pool_.get();
  service_deps.committer = committer_.get();
  service_deps.clock = deps.clock;
  service_ = std::make_unique<TidingsService>(options, std::move(service_deps));

  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, grpc::InsecureServerCredentials(),
                           &port_);
  builder.RegisterService(service_.get());
  builder.SetMaxReceiveMessageSize(static_cast<int>(options.max_request_bytes));
  server_ = builder.BuildAndStart();
  if (server_ == nullptr || port_ == 0) {
    server_.reset();
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options.listen,
        ": the address is in use or invalid (use host:port; port 0 picks a "
        "free port)"));
  }
  if (grpc::HealthCheckServiceInterface* health =
          server_->GetHealthCheckService()) {
    health->SetServingStatus(kServiceName, true);
  }
  return absl::OkStatus();
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
  if (server_ != nullptr) {
    if (grpc::HealthCheckServiceInterface* health =
            server_->GetHealthCheckService()) {
      health->Shutdown();  // NOT_SERVING for everyone, ends Watch streams.
    }
    if (service_ != nullptr) service_->BeginShutdown();
    server_->Shutdown(
        absl::ToChronoTime(absl::Now() + options_.shutdown_grace));
  }
  if (hub_ != nullptr) hub_->Stop();
  if (pool_ != nullptr) pool_->Shutdown();
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
