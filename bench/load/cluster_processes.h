// Copyright 2026 The Tidings Authors.
//
// cluster_processes.h: the processes of the load tool's cluster scenario
// (bench/README.md, "Load"): three `nats-server` (a JetStream cluster on
// loopback, config and store under a work directory) and `tidings serve`
// nodes, each a child process started with posix_spawn (safe after gRPC
// started: nothing runs between fork and exec) and stopped by its PID.

#ifndef TIDINGS_BENCH_LOAD_CLUSTER_PROCESSES_H_
#define TIDINGS_BENCH_LOAD_CLUSTER_PROCESSES_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace tidings::load {

// One child process. The destructor stops it (SIGTERM, then SIGKILL after
// 30 s) and reaps it.
class ChildProcess {
 public:
  // Starts argv[0] (a path) with `argv`, stdout and stderr to `log_path`.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Spawn(
      const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();

  // Waits until a TCP connect to 127.0.0.1:`port` succeeds, at most
  // `timeout`; UNAVAILABLE (with the end of its log) when the process exited
  // or the time ran out.
  absl::Status AwaitListening(int port, absl::Duration timeout);

  // SIGTERM, then SIGKILL after `grace`; reaps it.
  void Stop(absl::Duration grace = absl::Seconds(30));

  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, std::string log_path)
      : pid_(pid), log_path_(std::move(log_path)) {}
  pid_t pid_;
  std::string log_path_;
};

// CPU seconds (user + system) the process `pid` used so far; 0 when
// unreadable.
double CpuSeconds(pid_t pid);

// Three nats-server processes n1..n3 forming a JetStream cluster.
class NatsProcesses {
 public:
  // Writes the configs under `dir` (created) and starts the servers; waits
  // until each listens. NOT_FOUND when nats-server is not installed.
  static absl::StatusOr<std::unique_ptr<NatsProcesses>> Start(
      const std::string& dir, int nodes = 3);

  // "nats://127.0.0.1:P1,nats://127.0.0.1:P2,...".
  std::string urls() const;
  // The monitoring ports (/jsz).
  const std::vector<int>& http_ports() const { return http_ports_; }
  std::vector<pid_t> pids() const;

 private:
  NatsProcesses() = default;
  std::vector<int> client_ports_;
  std::vector<int> http_ports_;
  std::vector<std::unique_ptr<ChildProcess>> servers_;
};

// A `tidings serve` node on a free loopback port (--retention 0s, the rest
// default; --cluster URLS when `cluster_urls` is set).
class TidingsNode {
 public:
  static absl::StatusOr<std::unique_ptr<TidingsNode>> Start(
      const std::string& tidings_binary, const std::string& dir,
      const std::string& cluster_urls);
  const std::string& address() const { return address_; }
  pid_t pid() const { return process_->pid(); }

 private:
  TidingsNode() = default;
  std::string address_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace tidings::load

#endif  // TIDINGS_BENCH_LOAD_CLUSTER_PROCESSES_H_
