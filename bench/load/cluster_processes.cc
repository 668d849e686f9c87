// Copyright 2026 The Tidings Authors.

#include "bench/load/cluster_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "tests/testing/loopback.h"

extern char** environ;

namespace tidings::load {
namespace {

using testing::FreeLoopbackPort;

std::string Tail(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  return s.size() > 2000 ? s.substr(s.size() - 2000) : s;
}

std::string FindNatsServer() {
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

}  // namespace

double CpuSeconds(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  // Fields after the command (which may hold spaces) end with ") ".
  const size_t close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  double ticks = 0;
  // State is field 3; utime and stime are fields 14 and 15.
  for (int i = 3; i <= 15 && fields >> field; ++i) {
    if (i == 14 || i == 15) ticks += std::strtod(field.c_str(), nullptr);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

std::vector<pid_t> NatsProcesses::pids() const {
  std::vector<pid_t> out;
  for (const auto& s : servers_) out.push_back(s->pid());
  return out;
}

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(
    const std::vector<std::string>& argv, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.data()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int error = ::posix_spawn(&pid, argv[0].c_str(), &actions, nullptr,
                                  args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (error != 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot start ", argv[0], ": ", std::strerror(error)));
  }
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid, log_path));
}

ChildProcess::~ChildProcess() { Stop(); }

absl::Status ChildProcess::AwaitListening(int port, absl::Duration timeout) {
  const absl::Time give_up = absl::Now() + timeout;
  while (!testing::LoopbackListening(port)) {
    int status = 0;
    if (pid_ > 0 && ::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError(
          absl::StrCat("exited at start; its log:\n", Tail(log_path_)));
    }
    if (absl::Now() > give_up) {
      return absl::UnavailableError(absl::StrCat(
          "did not listen on port ", port, " within ",
          absl::FormatDuration(timeout), "; its log:\n", Tail(log_path_)));
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  return absl::OkStatus();
}

void ChildProcess::Stop(absl::Duration grace) {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  const absl::Time give_up = absl::Now() + grace;
  int status = 0;
  while (::waitpid(pid_, &status, WNOHANG) == 0) {
    if (absl::Now() > give_up) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      break;
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  pid_ = -1;
}

absl::StatusOr<std::unique_ptr<NatsProcesses>> NatsProcesses::Start(
    const std::string& dir, int nodes) {
  const std::string binary = FindNatsServer();
  if (binary.empty()) {
    return absl::NotFoundError(
        "nats-server is not installed (scripts/install-deps.sh)");
  }
  std::filesystem::create_directories(dir);
  std::unique_ptr<NatsProcesses> n(new NatsProcesses);
  std::vector<int> route_ports;
  std::vector<std::string> routes;
  for (int i = 0; i < nodes; ++i) {
    n->client_ports_.push_back(FreeLoopbackPort());
    n->http_ports_.push_back(FreeLoopbackPort());
    route_ports.push_back(FreeLoopbackPort());
    routes.push_back(
        absl::StrCat("nats-route://127.0.0.1:", route_ports.back()));
  }
  for (int i = 0; i < nodes; ++i) {
    const std::string name = absl::StrCat("n", i + 1);
    const std::string config = absl::StrCat(dir, "/", name, ".conf");
    std::ofstream out(config);
    out << "server_name: " << name << "\n"
        << "listen: 127.0.0.1:" << n->client_ports_[i] << "\n"
        << "http: 127.0.0.1:" << n->http_ports_[i] << "\n"
        << "jetstream {\n  store_dir: \"" << dir << "/store/" << name
        << "\"\n}\n"
        << "cluster {\n  name: tidings_load\n  listen: 127.0.0.1:"
        << route_ports[i] << "\n  routes: [\n    "
        << absl::StrJoin(routes, "\n    ") << "\n  ]\n}\n";
    out.close();
    absl::StatusOr<std::unique_ptr<ChildProcess>> p = ChildProcess::Spawn(
        {binary, "-c", config}, absl::StrCat(dir, "/", name, ".log"));
    if (!p.ok()) return p.status();
    n->servers_.push_back(*std::move(p));
  }
  for (int i = 0; i < nodes; ++i) {
    absl::Status s =
        n->servers_[i]->AwaitListening(n->client_ports_[i], absl::Seconds(20));
    if (!s.ok()) {
      return absl::UnavailableError(
          absl::StrCat("nats-server n", i + 1, ": ", s.message()));
    }
  }
  return n;
}

std::string NatsProcesses::urls() const {
  std::vector<std::string> out;
  for (int port : client_ports_) {
    out.push_back(absl::StrCat("nats://127.0.0.1:", port));
  }
  return absl::StrJoin(out, ",");
}

absl::StatusOr<std::unique_ptr<TidingsNode>> TidingsNode::Start(
    const std::string& tidings_binary, const std::string& dir,
    const std::string& cluster_urls) {
  std::filesystem::create_directories(dir);
  std::unique_ptr<TidingsNode> node(new TidingsNode);
  const int port = FreeLoopbackPort();
  node->address_ = absl::StrCat("127.0.0.1:", port);
  std::vector<std::string> argv = {
      tidings_binary, "serve",       "--listen", node->address_, "--data",
      dir + "/data",  "--retention", "0s",       "--log-level",  "warn"};
  if (!cluster_urls.empty()) {
    argv.push_back("--cluster");
    argv.push_back(cluster_urls);
  }
  absl::StatusOr<std::unique_ptr<ChildProcess>> p =
      ChildProcess::Spawn(argv, dir + "/serve.log");
  if (!p.ok()) return p.status();
  node->process_ = *std::move(p);
  // A cluster node listens once it opened the stream (up to 30 s).
  absl::Status s = node->process_->AwaitListening(port, absl::Seconds(60));
  if (!s.ok()) {
    return absl::UnavailableError(
        absl::StrCat("tidings serve in ", dir, ": ", s.message()));
  }
  return node;
}

}  // namespace tidings::load
