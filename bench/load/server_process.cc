// Copyright 2026 The Tidings Authors.

#include "bench/load/server_process.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <new>
#include <string>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "bench/load/raw_stream.grpc.pb.h"
#include "bench/load/stats.h"
#include "grpcpp/grpcpp.h"
#include "rocksdb/env.h"
#include "service/server.h"
#include "storage/signal_store.h"

namespace tidings::load {
namespace {

// Writes `count` messages of `size` bytes, one at a time, as fast as flow
// control lets it: what a server-streaming call costs without Tidings.
class RawWriter : public grpc::ServerWriteReactor<RawMessage> {
 public:
  explicit RawWriter(const RawRequest& request)
      : left_(std::min<uint64_t>(request.count(), 100'000'000)) {
    message_.set_payload(
        std::string(std::min<uint32_t>(request.size(), 1 << 20), 'x'));
    Next();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status(grpc::StatusCode::CANCELLED, "client went away"));
      return;
    }
    Next();
  }
  void OnDone() override { delete this; }

 private:
  void Next() {
    if (left_ == 0) {
      Finish(grpc::Status::OK);
      return;
    }
    --left_;
    message_.set_seq(message_.seq() + 1);
    StartWrite(&message_);
  }

  uint64_t left_;
  RawMessage message_;
};

class RawService : public RawStream::CallbackService {
  grpc::ServerWriteReactor<RawMessage>* Stream(
      grpc::CallbackServerContext*, const RawRequest* request) override {
    return new RawWriter(*request);
  }
};

[[noreturn]] void Fail(SharedCounters* counters, const std::string& why) {
  std::snprintf(counters->error, sizeof(counters->error), "%s", why.c_str());
  counters->failed.store(1);
  _exit(1);
}

// The child: both servers until SIGTERM, then a graceful shutdown.
[[noreturn]] void RunChild(const ServerProcessOptions& options,
                           SharedCounters* counters) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);  // Never outlive the tool.
  sigset_t term;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &term, nullptr);  // Inherited by all threads.

  std::unique_ptr<rocksdb::Env> env =
      rocksdb::NewCompositeEnv(NewCountingFileSystem(counters));
  storage::StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.env = env.get();
  auto store = storage::SignalStore::Open(store_options);
  if (!store.ok()) Fail(counters, store.status().ToString());

  service::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  server_options.data_dir = options.data_dir;
  server_options.max_subscribers = options.max_subscribers;
  server_options.heartbeat_interval = options.heartbeat_interval;
  service::ServerDeps deps;
  deps.store = NewCommitTimedStore(*std::move(store), counters);
  auto server = service::Server::Start(server_options, std::move(deps));
  if (!server.ok()) Fail(counters, server.status().ToString());

  RawService raw_service;
  int raw_port = 0;
  grpc::ServerBuilder builder;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(),
                           &raw_port);
  builder.RegisterService(&raw_service);
  std::unique_ptr<grpc::Server> raw = builder.BuildAndStart();
  if (raw == nullptr || raw_port == 0) Fail(counters, "raw server: no port");

  counters->raw_port.store(raw_port);
  counters->port.store((*server)->port());
  int sig = 0;
  sigwait(&term, &sig);
  raw->Shutdown(std::chrono::system_clock::now());
  (*server)->Shutdown();
  server->reset();
  _exit(0);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ServerProcess>> ServerProcess::Start(
    const ServerProcessOptions& options) {
  void* mem = mmap(nullptr, sizeof(SharedCounters), PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) {
    return absl::UnavailableError(
        absl::StrCat("mmap of the shared counters: ", std::strerror(errno)));
  }
  // Default-initialised: commit_ns stays mmap's zero pages.
  auto* counters = new (mem) SharedCounters;
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid < 0) {
    munmap(mem, sizeof(SharedCounters));
    return absl::UnavailableError(absl::StrCat("fork: ", std::strerror(errno)));
  }
  if (pid == 0) RunChild(options, counters);

  std::unique_ptr<ServerProcess> process(new ServerProcess(pid, counters));
  const int64_t deadline =
      MonotonicNs() + absl::ToInt64Nanoseconds(options.start_timeout);
  while (counters->port.load() == 0) {
    int status = 0;
    if (counters->failed.load() || waitpid(pid, &status, WNOHANG) == pid) {
      process->pid_ = -1;
      return absl::UnavailableError(absl::StrCat(
          "the server process did not start: ",
          counters->failed.load() ? counters->error : "it exited"));
    }
    if (MonotonicNs() > deadline) {
      return absl::UnavailableError(
          absl::StrCat("the server process did not listen within ",
                       absl::FormatDuration(options.start_timeout)));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return process;
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    int status = 0;
    bool exited = false;
    for (int i = 0; i < 3000 && !exited; ++i) {  // 30 s.
      exited = waitpid(pid_, &status, WNOHANG) == pid_;
      if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
      std::fprintf(stderr, "tidings_load: server did not stop in 30 s\n");
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
  }
  counters_->~SharedCounters();
  munmap(counters_, sizeof(SharedCounters));
}

std::string ServerProcess::address() const {
  return absl::StrCat("127.0.0.1:", counters_->port.load());
}

std::string ServerProcess::raw_address() const {
  return absl::StrCat("127.0.0.1:", counters_->raw_port.load());
}

int64_t ServerProcess::RssBytes() const {
  std::ifstream in(absl::StrCat("/proc/", pid_, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::stoll(line.substr(6)) * 1024;  // "VmRSS:  1234 kB".
    }
  }
  return -1;
}

}  // namespace tidings::load
