// Copyright 2026 The Tidings Authors.
//
// server.h: the Tidings gRPC server (callback API): Ingest, IngestStream,
// Score, Subscribe, Query, GetSignal, plus the standard health service and
// server reflection, over an embedded RocksDB signal store.

#ifndef TIDINGS_SERVICE_SERVER_H_
#define TIDINGS_SERVICE_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tidings::service {

struct ServerOptions {
  // Address to listen on, host:port. Port 0 picks a free port (see port()).
  // Default: 127.0.0.1:50051.
  std::string listen = "127.0.0.1:50051";
  // Directory of the RocksDB store; created when missing. Default: ./var/tidings.
  std::string data_dir = "./var/tidings";
  // Lexicon directory for the scorer; "" = the built-in lexicons.
  std::string lexicon_dir;
  // Largest accepted article body, in bytes. Default: 1 MiB.
  uint64_t max_article_bytes = 1 << 20;
  // Most articles in one Ingest/Score request. Default: 1000.
  uint32_t max_batch = 1000;
  // Most concurrent Subscribe streams. Default: 1024.
  uint32_t max_subscribers = 1024;
  // Signals a subscriber may have queued before it falls back to reading
  // storage. Default: 1024.
  uint32_t subscriber_buffer = 1024;
  // Heartbeat interval on Subscribe streams. Default: 5 s.
  absl::Duration heartbeat_interval = absl::Seconds(5);
  // Near-duplicate window (see storage::StoreOptions). Default: 72 h.
  absl::Duration duplicate_window = absl::Hours(72);
};

class Server {
 public:
  // Opens the store, builds the scorer, and starts serving. Returns
  // INVALID_ARGUMENT for bad options, UNAVAILABLE when the address cannot be
  // bound or the store cannot be opened (the message says which and why).
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options);

  virtual ~Server() = default;

  // The bound port (useful with port 0).
  virtual int port() const = 0;

  // Stops accepting, lets in-flight ingest batches finish and sync, ends
  // open streams with UNAVAILABLE, then returns. Idempotent.
  virtual void Shutdown() = 0;

  // Blocks until Shutdown() has completed.
  virtual void Wait() = 0;
};

}  // namespace tidings::service

#endif  // TIDINGS_SERVICE_SERVER_H_
