// Copyright 2026 The Tidings Authors.
//
// nats_cluster.h: a test fixture that runs a real NATS JetStream cluster,
// `nats-server` (Debian's 2.9) x N on loopback, in child processes.
//
// Each node gets a free client port and a free cluster (route) port on
// 127.0.0.1, a JetStream store under a temporary directory, and a config
// file written there (server_name nK, routes to every node, a monitoring
// port for /jsz). Start() waits,
// bounded, until every node listens and JetStream answers. Nodes are
// stopped by PID: Kill(i) is SIGKILL (a crash), Restart(i) starts it again
// on the same ports and store. The destructor SIGKILLs whatever still runs
// and deletes the directory.

#ifndef TIDINGS_TESTS_CLUSTER_NATS_CLUSTER_H_
#define TIDINGS_TESTS_CLUSTER_NATS_CLUSTER_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
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
#include "gtest/gtest.h"
#include "tests/testing/loopback.h"

namespace tidings::testing {

// The nats-server binary: $TIDINGS_NATS_SERVER, else the first of the usual
// places; "" when there is none.
inline std::string FindNatsServer() {
  if (const char* env = std::getenv("TIDINGS_NATS_SERVER");
      env != nullptr && ::access(env, X_OK) == 0) {
    return env;
  }
  for (const char* path : {"/usr/bin/nats-server", "/usr/sbin/nats-server",
                           "/usr/local/bin/nats-server"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "";
}

// Skips the test (with the reason) when nats-server is not installed.
#define TIDINGS_REQUIRE_NATS_SERVER()                                      \
  do {                                                                     \
    if (::tidings::testing::FindNatsServer().empty()) {                    \
      GTEST_SKIP() << "nats-server is not installed (Debian package "      \
                      "nats-server; scripts/install-deps.sh installs it)"; \
    }                                                                      \
  } while (0)

class NatsCluster {
 public:
  // The whole HTTP/1.0 response to GET `path` on a loopback port ("" on any
  // failure); reads time out after 2 s.
  static std::string HttpGet(int port, const std::string& path) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return "";
    timeval tv{.tv_sec = 2, .tv_usec = 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    std::string out;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
      const std::string req = "GET " + path + " HTTP/1.0\r\n\r\n";
      if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(req.size())) {
        char buf[4096];
        for (int i = 0; i < 1000; ++i) {  // Bounded: at most ~4 MB.
          ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
          if (n <= 0) break;
          out.append(buf, static_cast<size_t>(n));
        }
      }
    }
    ::close(fd);
    return out;
  }

  // Starts `nodes` servers named n1..nN under a new temporary directory
  // (named after `name`) and waits until all listen and JetStream answers,
  // at most `timeout`.
  static absl::StatusOr<std::unique_ptr<NatsCluster>> Start(
      const std::string& name, int nodes = 3,
      absl::Duration timeout = absl::Seconds(20)) {
    std::unique_ptr<NatsCluster> c(new NatsCluster);
    c->binary_ = FindNatsServer();
    if (c->binary_.empty()) return absl::NotFoundError("no nats-server");
    std::string tmpl = ::testing::TempDir() + "/nats_" + name + ".XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) {
      return absl::InternalError("mkdtemp failed for " + tmpl);
    }
    c->dir_ = tmpl;
    // Hold every port's socket until all are picked, so none repeats.
    std::vector<int> held;
    c->nodes_.resize(nodes);
    for (Node& n : c->nodes_) {
      n.client_port = PickPort(held);
      n.cluster_port = PickPort(held);
      n.http_port = PickPort(held);
      if (n.client_port == 0 || n.cluster_port == 0 || n.http_port == 0) {
        for (int fd : held) ::close(fd);
        return absl::InternalError("no free loopback port");
      }
    }
    for (int fd : held) ::close(fd);
    for (int i = 0; i < nodes; ++i) c->WriteConfig(i);
    for (int i = 0; i < nodes; ++i) c->Launch(i);
    const absl::Time deadline = absl::Now() + timeout;
    for (int i = 0; i < nodes; ++i) {
      if (absl::Status st = c->WaitListening(i, deadline); !st.ok()) return st;
    }
    if (absl::Status st = c->WaitJetStream(deadline); !st.ok()) return st;
    return c;
  }

  ~NatsCluster() {
    for (int i = 0; i < size(); ++i) Kill(i);
    if (!dir_.empty() && std::getenv("TIDINGS_KEEP_NATS_DIR") == nullptr) {
      std::string rm = "rm -rf '" + dir_ + "'";
      if (std::system(rm.c_str()) != 0) {
        // A temp dir left behind is harmless.
      }
    }
  }

  int size() const { return static_cast<int>(nodes_.size()); }
  std::string name(int i) const { return absl::StrCat("n", i + 1); }
  std::string url(int i) const {
    return absl::StrCat("nats://127.0.0.1:", nodes_[i].client_port);
  }
  std::vector<std::string> urls() const {
    std::vector<std::string> out;
    for (int i = 0; i < size(); ++i) out.push_back(url(i));
    return out;
  }
  // The node with this server name, or -1.
  int IndexOf(const std::string& server_name) const {
    for (int i = 0; i < size(); ++i) {
      if (name(i) == server_name) return i;
    }
    return -1;
  }
  bool alive(int i) const { return nodes_[i].pid > 0; }
  pid_t pid(int i) const { return nodes_[i].pid; }

  // SIGKILL, then reap. No-op when it is not running.
  void Kill(int i) {
    Node& n = nodes_[i];
    if (n.pid <= 0) return;
    ::kill(n.pid, SIGKILL);
    int status = 0;
    ::waitpid(n.pid, &status, 0);
    n.pid = -1;
  }

  // SIGTERM (a clean shutdown), then reap; SIGKILL when it has not exited
  // after `grace`. No-op when it is not running.
  void Terminate(int i, absl::Duration grace = absl::Seconds(10)) {
    Node& n = nodes_[i];
    if (n.pid <= 0) return;
    ::kill(n.pid, SIGTERM);
    const absl::Time deadline = absl::Now() + grace;
    int status = 0;
    while (::waitpid(n.pid, &status, WNOHANG) == 0) {
      if (absl::Now() > deadline) {
        ::kill(n.pid, SIGKILL);
        ::waitpid(n.pid, &status, 0);
        break;
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    n.pid = -1;
  }

  // Starts a killed node again (same ports, same store); waits until it
  // listens, at most `timeout`.
  absl::Status Restart(int i, absl::Duration timeout = absl::Seconds(10)) {
    Kill(i);
    Launch(i);
    return WaitListening(i, absl::Now() + timeout);
  }

  // The server name of the JetStream meta leader, as the first live node's
  // monitoring endpoint (/jsz) reports it; "" when none answers.
  std::string MetaLeader() const {
    for (int i = 0; i < size(); ++i) {
      if (!alive(i)) continue;
      const std::string body = HttpGet(nodes_[i].http_port, "/jsz");
      size_t at = body.find("\"meta_cluster\"");
      if (at == std::string::npos) continue;
      at = body.find("\"leader\": \"", at);
      if (at == std::string::npos) continue;
      at += 11;
      const size_t end = body.find('"', at);
      if (end != std::string::npos && end > at)
        return body.substr(at, end - at);
    }
    return "";
  }

  // How many client connections named `name` node i serves now (its
  // /connz); -1 when it does not answer.
  int ConnectionsNamed(int i, const std::string& name) const {
    if (!alive(i)) return -1;
    const std::string body = HttpGet(nodes_[i].http_port, "/connz?limit=1024");
    if (body.find("\"connections\"") == std::string::npos) return -1;
    const std::string key = "\"name\": \"" + name + "\"";
    int n = 0;
    for (size_t at = body.find(key); at != std::string::npos;
         at = body.find(key, at + 1)) {
      ++n;
    }
    return n;
  }

  // Node i's view of JetStream: every stream and consumer it holds a replica
  // of, with its state (/jsz; "" when it does not answer). The fault tool
  // keeps it beside the logs of a failed run.
  std::string Jsz(int i) const {
    if (!alive(i)) return "";
    return HttpGet(nodes_[i].http_port,
                   "/jsz?accounts=true&streams=true&consumers=true");
  }

  const std::string& dir() const { return dir_; }

  // What node i wrote to its log so far.
  std::string Log(int i) const {
    std::ifstream in(LogPath(i));
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  struct Node {
    int client_port = 0;
    int cluster_port = 0;
    int http_port = 0;  // Monitoring (/jsz).
    pid_t pid = -1;
  };

  NatsCluster() = default;

  // A free loopback port, its socket kept open in `held` (so that the
  // next pick differs) until the caller closes them all.
  static int PickPort(std::vector<int>& held) {
    const BoundPort bound = BindLoopbackPort();
    if (bound.fd >= 0) held.push_back(bound.fd);
    return bound.port;
  }

  std::string ConfigPath(int i) const {
    return absl::StrCat(dir_, "/", name(i), ".conf");
  }
  std::string LogPath(int i) const {
    return absl::StrCat(dir_, "/", name(i), ".log");
  }

  void WriteConfig(int i) const {
    std::vector<std::string> routes;
    for (const Node& n : nodes_) {
      routes.push_back(absl::StrCat("nats-route://127.0.0.1:", n.cluster_port));
    }
    std::ofstream out(ConfigPath(i));
    out << "server_name: " << name(i) << "\n"
        << "listen: 127.0.0.1:" << nodes_[i].client_port << "\n"
        << "http: 127.0.0.1:" << nodes_[i].http_port << "\n"
        << "jetstream {\n  store_dir: \"" << dir_ << "/store/" << name(i)
        << "\"\n}\n"
        << "cluster {\n  name: tidings_test\n  listen: 127.0.0.1:"
        << nodes_[i].cluster_port << "\n  routes: [\n    "
        << absl::StrJoin(routes, "\n    ") << "\n  ]\n}\n";
  }

  void Launch(int i) {
    const std::string config = ConfigPath(i);
    const std::string log = LogPath(i);
    std::fflush(nullptr);  // Else the child's freopen writes our buffers.
    pid_t pid = ::fork();
    if (pid == 0) {
      if (std::freopen(log.c_str(), "a", stderr) == nullptr ||
          std::freopen("/dev/null", "w", stdout) == nullptr) {
        ::_exit(126);
      }
      ::execl(binary_.c_str(), binary_.c_str(), "-c", config.c_str(),
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    nodes_[i].pid = pid;
  }

  absl::Status WaitListening(int i, absl::Time deadline) {
    while (!LoopbackListening(nodes_[i].client_port)) {
      int status = 0;
      if (::waitpid(nodes_[i].pid, &status, WNOHANG) == nodes_[i].pid) {
        nodes_[i].pid = -1;
        return absl::InternalError(absl::StrCat(
            "nats-server ", name(i), " exited at start; its log:\n", Log(i)));
      }
      if (absl::Now() > deadline) {
        return absl::DeadlineExceededError(
            absl::StrCat("nats-server ", name(i),
                         " did not listen in time; its log:\n", Log(i)));
      }
      absl::SleepFor(absl::Milliseconds(20));
    }
    return absl::OkStatus();
  }

  // JetStream answers once the cluster elected its meta leader.
  absl::Status WaitJetStream(absl::Time deadline) {
    cluster::nats::ClientOptions opts;
    opts.servers = urls();
    opts.request_timeout = absl::Seconds(1);
    absl::StatusOr<std::unique_ptr<cluster::nats::NatsClient>> client =
        cluster::nats::NatsClient::Connect(opts);
    if (!client.ok()) return client.status();
    absl::Status last;
    while (absl::Now() < deadline) {
      jsOptions o = (*client)->RequestOptions();
      jsAccountInfo* info = nullptr;
      jsErrCode code = static_cast<jsErrCode>(0);
      natsStatus s = js_GetAccountInfo(&info, (*client)->js(), &o, &code);
      if (info != nullptr) jsAccountInfo_Destroy(info);
      if (s == NATS_OK) return absl::OkStatus();
      last = cluster::nats::NatsError(s, code, "JetStream account info");
      absl::SleepFor(absl::Milliseconds(100));
    }
    return absl::DeadlineExceededError(
        absl::StrCat("JetStream not ready in time: ", last.message()));
  }

  std::string binary_;
  std::string dir_;
  std::vector<Node> nodes_;
};

// A fixture with a fresh 3-server cluster named after the test (skipped
// without nats-server).
class NatsClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    TIDINGS_REQUIRE_NATS_SERVER();
    absl::StatusOr<std::unique_ptr<NatsCluster>> c = NatsCluster::Start(
        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    ASSERT_TRUE(c.ok()) << c.status();
    cluster_ = *std::move(c);
  }

  std::unique_ptr<NatsCluster> cluster_;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_CLUSTER_NATS_CLUSTER_H_
