// Copyright 2026 The Tidings Authors.
//
// server_process.h: the server under load, in a child process of the load
// tool, so that its memory (RSS) and CPU are its own and the tool's client
// threads are not measured with it. The child runs a real Tidings server
// (service::Server over a RocksDB store in `data_dir`, WAL synced before
// every ack) on a free loopback port, and beside it the bare gRPC
// server-streaming reference (raw_stream.proto) on another port. What the
// child counts (syncs, WAL bytes, commit time per seq) is in shared memory.
//
// Start() forks: call it before the tool creates any gRPC object or thread
// (gRPC does not survive fork()).

#ifndef TIDINGS_BENCH_LOAD_SERVER_PROCESS_H_
#define TIDINGS_BENCH_LOAD_SERVER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "bench/load/instrumented_store.h"

namespace tidings::load {

struct ServerProcessOptions {
  std::string data_dir;  // The store's directory (created).
  uint32_t max_subscribers = 4096;
  absl::Duration heartbeat_interval = absl::Seconds(5);
  absl::Duration start_timeout = absl::Seconds(60);
};

class ServerProcess {
 public:
  // Forks the child and waits until both servers listen. UNAVAILABLE with
  // the child's reason when it could not start.
  static absl::StatusOr<std::unique_ptr<ServerProcess>> Start(
      const ServerProcessOptions& options);

  // Stops the child (SIGTERM: graceful Shutdown; SIGKILL after 30 s).
  ~ServerProcess();

  std::string address() const;      // "127.0.0.1:<port>" of Tidings.
  std::string raw_address() const;  // The raw-stream reference.
  const SharedCounters& counters() const { return *counters_; }
  // Resident memory of the child in bytes (VmRSS), -1 when unreadable.
  int64_t RssBytes() const;

 private:
  ServerProcess(pid_t pid, SharedCounters* counters)
      : pid_(pid), counters_(counters) {}

  pid_t pid_;
  SharedCounters* counters_;  // MAP_SHARED, unmapped by the destructor.
};

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_SERVER_PROCESS_H_
