// Copyright 2026 The Tidings Authors.
//
// tidings_cluster.h: a whole cluster as the fault tests run it: three
// nats-server processes (nats_cluster.h) and two or three
// `tidings serve --cluster` processes, each Tidings node on a fixed free
// loopback port (so that clients reconnect to the same address after a
// restart) with its own data directory. Every process is stopped by its PID:
// Kill (SIGKILL, a crash) or Stop (SIGTERM, a clean shutdown), and started
// again on the same ports and data. An admin NATS connection answers who
// leads the stream and whether every replica is current.

#ifndef TIDINGS_TESTS_CLUSTER_TIDINGS_CLUSTER_H_
#define TIDINGS_TESTS_CLUSTER_TIDINGS_CLUSTER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cluster/nats/client.h"
#include "tests/cluster/nats_cluster.h"

namespace tidings::testing {

// The stream `tidings serve --cluster` writes (JetStreamLogOptions default).
inline constexpr char kTidingsStream[] = "TIDINGS";

// One `tidings serve --cluster` child process on a fixed port. Its stderr
// goes to `<dir>.log`, appended across restarts.
class TidingsNode {
 public:
  TidingsNode(std::string binary, std::string dir, std::string name,
              std::string cluster_urls, int port, int metrics_port)
      : binary_(std::move(binary)),
        dir_(std::move(dir)),
        name_(std::move(name)),
        cluster_urls_(std::move(cluster_urls)),
        port_(port),
        metrics_port_(metrics_port) {}
  ~TidingsNode() { Kill(); }
  TidingsNode(const TidingsNode&) = delete;
  TidingsNode& operator=(const TidingsNode&) = delete;

  // Starts it and waits, at most `timeout`, for its "serving on" line.
  absl::Status Start(absl::Duration timeout = absl::Seconds(60)) {
    if (pid_ > 0) return absl::FailedPreconditionError(name_ + " runs");
    const size_t log_from = Log().size();
    std::fflush(nullptr);  // Else the child's freopen writes our buffers.
    pid_ = ::fork();
    if (pid_ < 0) return absl::InternalError("fork failed");
    if (pid_ == 0) {
      if (std::freopen(LogPath().c_str(), "a", stderr) == nullptr ||
          std::freopen("/dev/null", "w", stdout) == nullptr) {
        ::_exit(126);
      }
      std::vector<std::string> args = {
          binary_,
          "serve",
          "--listen",
          address(),
          "--data",
          dir_ + "/data",
          "--heartbeat-interval",
          "1s",
          "--retention",
          "0s",
          "--cluster",
          cluster_urls_,
          "--metrics-listen",
          absl::StrCat("127.0.0.1:", metrics_port_)};
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(binary_.c_str(), argv.data());
      ::_exit(127);
    }
    const absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      const std::string log = Log();
      if (log.size() > log_from &&
          log.find("serving on ", log_from) != std::string::npos) {
        return absl::OkStatus();
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return absl::InternalError(absl::StrCat(
            name_, " exited at start; its log:\n", Log().substr(log_from)));
      }
      absl::SleepFor(absl::Milliseconds(50));
    }
    return absl::DeadlineExceededError(absl::StrCat(
        name_, " did not serve within ", absl::FormatDuration(timeout),
        "; its log:\n", Log().substr(log_from)));
  }

  // SIGKILL (no shutdown at all), then reap. No-op when not running.
  void Kill() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

  // SIGTERM (a clean shutdown), SIGKILL after `grace`; true when it exited
  // by itself in time.
  bool Stop(absl::Duration grace = absl::Seconds(20)) {
    if (pid_ <= 0) return true;
    ::kill(pid_, SIGTERM);
    const absl::Time deadline = absl::Now() + grace;
    int status = 0;
    bool clean = true;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (absl::Now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        clean = false;
        break;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    pid_ = -1;
    return clean;
  }

  bool alive() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& name() const { return name_; }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }
  std::string LogPath() const { return dir_ + ".log"; }
  // The value of an unlabelled metric (`tidings_...` as /metrics has it),
  // or nullopt when the node does not answer or lacks it.
  std::optional<double> Metric(const std::string& name) const {
    const std::string text = NatsCluster::HttpGet(metrics_port_, "/metrics");
    const std::string prefix = absl::StrCat("\n", name, " ");
    const size_t at = text.find(prefix);
    if (at == std::string::npos) return std::nullopt;
    return std::strtod(text.c_str() + at + prefix.size(), nullptr);
  }
  std::string Log() const {
    std::ifstream in(LogPath());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string binary_;
  std::string dir_;
  std::string name_;
  std::string cluster_urls_;
  int port_;
  int metrics_port_;
  std::atomic<pid_t> pid_{-1};  // Read by follower threads.
};

// Three nats-server and `tidings_nodes` Tidings nodes, all started.
class TidingsCluster {
 public:
  static absl::StatusOr<std::unique_ptr<TidingsCluster>> Start(
      const std::string& name, int tidings_nodes, const std::string& binary) {
    std::unique_ptr<TidingsCluster> c(new TidingsCluster);
    absl::StatusOr<std::unique_ptr<NatsCluster>> nats =
        NatsCluster::Start(name);
    if (!nats.ok()) return nats.status();
    c->nats_ = *std::move(nats);
    std::string tmpl = ::testing::TempDir() + "/tidings_" + name + ".XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return absl::InternalError("mkdtemp failed for " + tmpl);
    }
    c->dir_ = tmpl;
    const std::string urls = absl::StrJoin(c->nats_->urls(), ",");
    for (int i = 0; i < tidings_nodes; ++i) {
      const int port = FreeLoopbackPort();
      const int metrics_port = FreeLoopbackPort();
      if (port == 0 || metrics_port == 0) {
        return absl::InternalError("no free loopback port");
      }
      const std::string node_name = std::string(1, static_cast<char>('A' + i));
      c->nodes_.push_back(std::make_unique<TidingsNode>(
          binary, absl::StrCat(c->dir_, "/", node_name), node_name, urls, port,
          metrics_port));
    }
    for (auto& node : c->nodes_) {
      if (absl::Status st = node->Start(); !st.ok()) return st;
    }
    cluster::nats::ClientOptions opts;
    opts.servers = c->nats_->urls();
    opts.name = "tidings-fault-admin";
    opts.request_timeout = absl::Seconds(2);
    absl::StatusOr<std::unique_ptr<cluster::nats::NatsClient>> admin =
        cluster::nats::NatsClient::Connect(opts);
    if (!admin.ok()) return admin.status();
    c->admin_ = *std::move(admin);
    return c;
  }

  ~TidingsCluster() {
    admin_.reset();
    nodes_.clear();  // SIGKILL each (their destructors).
    nats_.reset();
    if (!dir_.empty() && keep_dir_ == false &&
        std::getenv("TIDINGS_KEEP_NATS_DIR") == nullptr) {
      std::string rm = "rm -rf '" + dir_ + "'";
      if (std::system(rm.c_str()) != 0) {
        // A temp dir left behind is harmless.
      }
    }
  }

  NatsCluster& nats() { return *nats_; }
  int size() const { return static_cast<int>(nodes_.size()); }
  TidingsNode& node(int i) { return *nodes_[i]; }
  const std::string& dir() const { return dir_; }
  // Keep the data dirs and logs (for a failed run).
  void KeepDir() { keep_dir_ = true; }

  // The stream leader's server name ("" while none) and its index (-1).
  std::string StreamLeader() {
    absl::StatusOr<std::string> leader = admin_->StreamLeader(kTidingsStream);
    return leader.ok() ? *leader : "";
  }
  int StreamLeaderIndex() { return nats_->IndexOf(StreamLeader()); }

  // When the stream leader is also the JetStream meta leader, steps it down
  // (up to 5 times, each waiting up to 10 s for a new leader): 2.9.10
  // elects slowly when one node led both (cluster/README.md). Returns the
  // stream leader's index then (-1 when unknown), and sets *stepped.
  int MoveStreamLeaderOffMetaLeader(bool* stepped) {
    *stepped = false;
    std::string leader = StreamLeader();
    for (int i = 0; i < 5 && !leader.empty() && leader == nats_->MetaLeader();
         ++i) {
      *stepped = true;
      const std::string was = leader;
      if (!admin_->StepDownStreamLeader(kTidingsStream).ok()) {
        absl::SleepFor(absl::Milliseconds(500));
      }
      const absl::Time until = absl::Now() + absl::Seconds(10);
      do {
        absl::SleepFor(absl::Milliseconds(100));
        leader = StreamLeader();
      } while ((leader.empty() || leader == was) && absl::Now() < until);
    }
    return nats_->IndexOf(leader);
  }

  // Waits until the stream has a leader and every replica is current (not
  // offline), at most `timeout`: a restarted server caught up.
  absl::Status WaitStreamCurrent(absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    std::string last = "no answer";
    while (absl::Now() < deadline) {
      jsOptions o = admin_->RequestOptions();
      jsStreamInfo* info = nullptr;
      jsErrCode code = static_cast<jsErrCode>(0);
      natsStatus s =
          js_GetStreamInfo(&info, admin_->js(), kTidingsStream, &o, &code);
      if (s == NATS_OK && info != nullptr) {
        const jsClusterInfo* ci = info->Cluster;
        int current = 0;
        int replicas = 0;
        if (ci != nullptr && ci->Leader != nullptr && ci->Leader[0] != '\0') {
          replicas = ci->ReplicasLen;
          for (int i = 0; i < ci->ReplicasLen; ++i) {
            if (ci->Replicas[i]->Current && !ci->Replicas[i]->Offline) {
              ++current;
            }
          }
        }
        jsStreamInfo_Destroy(info);
        if (replicas == nats_->size() - 1 && current == replicas) {
          return absl::OkStatus();
        }
        last = absl::StrCat(current, " of ", replicas, " followers current");
      } else {
        if (info != nullptr) jsStreamInfo_Destroy(info);
        last = absl::StrCat("stream info: ", natsStatus_GetText(s));
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    return absl::DeadlineExceededError(
        absl::StrCat("the stream's replicas are not current in time: ", last));
  }

  // Starts killed NATS server i again and waits until every stream replica
  // is current and the JetStream meta layer has a leader (until then no
  // consumer can be created: a restarted meta leader leaves it without one
  // for seconds after the stream is current again).
  absl::Status RestartNats(int i, absl::Duration timeout = absl::Seconds(60)) {
    const absl::Time deadline = absl::Now() + timeout;
    if (absl::Status st = nats_->Restart(i, timeout); !st.ok()) return st;
    if (absl::Status st = WaitStreamCurrent(deadline - absl::Now()); !st.ok()) {
      return st;
    }
    while (nats_->MetaLeader().empty()) {
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError("no JetStream meta leader in time");
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    return absl::OkStatus();
  }

 private:
  TidingsCluster() = default;

  std::unique_ptr<NatsCluster> nats_;
  std::vector<std::unique_ptr<TidingsNode>> nodes_;
  std::unique_ptr<cluster::nats::NatsClient> admin_;
  std::string dir_;
  bool keep_dir_ = false;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_CLUSTER_TIDINGS_CLUSTER_H_
