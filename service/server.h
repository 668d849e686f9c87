// Copyright 2026 The Tidings Authors.
//
// server.h: the Tidings gRPC server (callback API): Ingest, IngestStream,
// Score, Subscribe, Query, GetSignal, Backup, plus the standard health service
// and server reflection, over an embedded RocksDB signal store.

#ifndef TIDINGS_SERVICE_SERVER_H_
#define TIDINGS_SERVICE_SERVER_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "scoring/scorer.h"
#include "service/server_options.h"
#include "storage/signal_store.h"

namespace tidings::cluster {
class SignalLog;
}  // namespace tidings::cluster

namespace tidings::service {

// What Start() would otherwise build from the options; tests and embedders
// inject their own (EXAMPLES.md item 8).
struct ServerDeps {
  // The signal store. Default (nullptr): storage::SignalStore::Open at
  // options.data_dir with options.duplicate_window.
  std::unique_ptr<storage::SignalStore> store;
  // The scorer, shared read-only. Default (nullptr): built from
  // options.lexicon_dir.
  std::shared_ptr<const scoring::Scorer> scorer;
  // Stamps ingested_at and heartbeat times. Default (empty): absl::Now.
  std::function<absl::Time()> clock;
  // The RocksDB environment of the default store (used only when `store` is
  // null), e.g. one that injects I/O faults in tests. Not owned; must outlive
  // the server. Default (nullptr): RocksDB's default environment.
  rocksdb::Env* store_env = nullptr;
  // Cluster mode (cluster/README.md): the replicated log this node's store
  // is a replica of. When set, the server applies the log to its store from
  // the store's applied_log_seq() on (Start() fails when it cannot read
  // from there), and Ingest/IngestStream publish to the log and answer once
  // this node's replica applied the record; Rescore publishes its
  // revisions to the log the same way; a retention must be at least 7 days
  // and the duplicate window (else FAILED_PRECONDITION), and trims behind
  // the store's newest signal (storage/replica_retention.h); at the end of
  // shutdown_grace, ingests still waiting for the log or the replica end
  // UNAVAILABLE. The store reports the log's id
  // (SignalLog::log_id()) as its store id: an empty store adopts it, one
  // holding signals under another id is refused (FAILED_PRECONDITION).
  // `tidings serve --cluster` builds a JetStream log. Default (nullptr):
  // single node.
  std::shared_ptr<cluster::SignalLog> log;
};

// The payload type URL on Start()'s status when the listen address is taken
// by another process (value: the address), so that a front end can add its
// own hint without matching the message.
inline constexpr char kAddressInUsePayload[] = "tidings/address-in-use";

class Server {
 public:
  // Opens the store, builds the scorer, loads the tokens and TLS files (when
  // set), and starts serving: the Tidings
  // service, the standard health service (SERVING for "" and
  // "tidings.v1.Tidings" until Shutdown) and server reflection. Returns
  // INVALID_ARGUMENT for bad options, UNAVAILABLE when the address cannot be
  // bound or the store cannot be opened (the message says which and why;
  // an address another process listens on is refused, with SO_REUSEPORT off,
  // before the store is opened: "address already in use", and the status
  // carries kAddressInUsePayload;
  // FAILED_PRECONDITION when the data directory holds an unknown format),
  // NOT_FOUND / INVALID_ARGUMENT for a tokens or TLS file that cannot be read
  // or parsed,
  // the scorer's error when the lexicons do not load.
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options);

  // The same with injected dependencies (see ServerDeps).
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options, ServerDeps deps);

  // Destroying a server shuts it down first.
  virtual ~Server() = default;

  // The bound port (useful with port 0).
  virtual int port() const = 0;

  // The version of the scorer stamped on every signal (Scorer::version()).
  virtual const std::string& scorer_version() const = 0;

  // Stops accepting, lets in-flight ingest batches finish and sync, ends
  // open streams with UNAVAILABLE, then returns. Idempotent; thread-safe
  // (a second caller waits for the first to finish). REQUIRES: not called
  // from a gRPC callback.
  virtual void Shutdown() = 0;

  // Blocks until Shutdown() has completed.
  virtual void Wait() = 0;

  // Re-reads ServerOptions::tokens_file and puts it in force for calls
  // checked from now on (calls already admitted keep their access). On
  // error the tokens in force stay. FAILED_PRECONDITION when the server was
  // started without a tokens file; otherwise TokenTable::Load's errors.
  // Thread-safe.
  virtual absl::Status ReloadTokens() = 0;
};

}  // namespace tidings::service

#endif  // TIDINGS_SERVICE_SERVER_H_
