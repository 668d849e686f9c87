// Copyright 2026 The Tidings Authors.
//
// tidings_binary.h: the built `tidings` (TIDINGS_BINARY, see
// tests/CMakeLists.txt) run by tests: one command to its end (RunTidings), or
// `tidings serve` in the background (ServeProcess).

#ifndef TIDINGS_TESTS_SERVICE_TIDINGS_BINARY_H_
#define TIDINGS_TESTS_SERVICE_TIDINGS_BINARY_H_

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace tidings::testing {

struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;  // stderr, unless it went to `out`.
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs the built `tidings` with `args` (shell words, already quoted), with
// `input` on stdin. stdout is returned in `out`, stderr in `err`, or
// appended to `out` with `with_stderr`.
inline RunResult RunTidings(const std::string& args,
                            const std::string& input = "",
                            bool with_stderr = false) {
  // One file per process: ctest runs the cases of this binary in parallel.
  const std::string base =
      ::testing::TempDir() + "/cli_test_std." + std::to_string(::getpid());
  const std::string stdin_path = base + ".in";
  const std::string stderr_path = base + ".err";
  {
    std::FILE* f = std::fopen(stdin_path.c_str(), "wb");
    if (f == nullptr) return {};
    std::fwrite(input.data(), 1, input.size(), f);
    std::fclose(f);
  }
  std::string command = std::string("'") + TIDINGS_BINARY + "' " + args +
                        " < '" + stdin_path + "'" +
                        (with_stderr ? " 2>&1" : " 2>'" + stderr_path + "'");
  RunResult run;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return run;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) {
    run.out.append(buffer, n);
  }
  int status = ::pclose(pipe);
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  if (!with_stderr) run.err = ReadFile(stderr_path);
  ::unlink(stdin_path.c_str());
  ::unlink(stderr_path.c_str());
  return run;
}

// `tidings serve` in a child process, by default on a free port, with a
// temporary data directory (named after `name`, so that a test can run two)
// and `extra_args` after the defaults; stopped with SIGTERM.
class ServeProcess {
 public:
  explicit ServeProcess(const std::string& listen = "127.0.0.1:0",
                        const std::string& name = "serve",
                        std::vector<std::string> extra_args = {})
      : listen_(listen), extra_args_(std::move(extra_args)) {
    dir_ = ::testing::TempDir() + "/cli_test_" + name + "." +
           std::to_string(::getpid());
    Launch();
  }
  // SIGKILL (no shutdown at all), then waits for the process.
  void Kill() {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = 128 + SIGKILL;
  }
  // Starts the server again on the same data directory (after Kill() or
  // Stop()), on a new free port when listening on port 0.
  void Restart() {
    address_.clear();
    log_.clear();
    exit_code_ = -1;
    Launch();
  }
  ~ServeProcess() {
    if (pid_ > 0 && exit_code_ < 0) Stop();
    std::string rm = "rm -rf '" + dir_ + "' '" + dir_ + ".log'";
    if (std::system(rm.c_str()) != 0) {
      // Leaving a temp dir behind is harmless.
    }
  }
  // SIGTERM; returns the exit code.
  int Stop() {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return exit_code_;
  }
  const std::string& address() const { return address_; }
  // What the server wrote to stderr while starting (all of it, when it
  // exited on its own).
  const std::string& log() const { return log_; }
  // Everything it has written to stderr so far.
  std::string ReadLog() const {
    std::ifstream in(dir_ + ".log");
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  // Sends it a signal (e.g. SIGHUP).
  void Signal(int signal_number) { ::kill(pid_, signal_number); }
  // The exit code once it exited on its own (or was stopped), else -1.
  int exit_code() const { return exit_code_; }
  // Whether its data directory exists.
  bool has_data_dir() const {
    return ::access((dir_ + "/data").c_str(), F_OK) == 0;
  }

 private:
  // Forks and execs `tidings serve`; waits for its "serving on" line.
  void Launch() {
    std::string log = dir_ + ".log";
    ::unlink(log.c_str());
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log.c_str(), "w", stderr);
      std::freopen("/dev/null", "w", stdout);
      std::string data = dir_ + "/data";
      std::vector<std::string> args = {TIDINGS_BINARY,
                                       "serve",
                                       "--listen",
                                       listen_,
                                       "--data",
                                       data,
                                       "--heartbeat-interval",
                                       "1s",
                                       "--retention",
                                       "72h"};
      args.insert(args.end(), extra_args_.begin(), extra_args_.end());
      std::vector<char*> argv;
      for (std::string& arg : args) argv.push_back(arg.data());
      argv.push_back(nullptr);
      ::execv(TIDINGS_BINARY, argv.data());
      ::_exit(127);
    }
    auto read_log = [this] { log_ = ReadLog(); };
    // Wait for "serving on 127.0.0.1:PORT, ..." in the log.
    for (int i = 0; i < 300 && address_.empty(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      read_log();
      size_t at = log_.find("serving on ");
      if (at != std::string::npos) {
        size_t end = log_.find(',', at);
        address_ = log_.substr(at + 11, end - at - 11);
        break;
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // It gave up.
        exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        read_log();  // All it wrote.
        break;
      }
    }
  }

  std::string listen_;
  std::vector<std::string> extra_args_;
  std::string log_;
  std::string dir_;
  pid_t pid_ = -1;
  std::string address_;
  int exit_code_ = -1;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_SERVICE_TIDINGS_BINARY_H_
