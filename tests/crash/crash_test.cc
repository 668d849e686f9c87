// Copyright 2026 The Tidings Authors.
//
// crash_test: crash safety of `tidings serve`, proven (issue 5, item 3).
//
// Runs the real server binary as a child process (fork/exec, on 127.0.0.1
// port 0: the port is read from its "serving on" log line, so there is no
// port race) over a RocksDB directory in a temporary dir. Each round:
//
//   1. Several writer threads, each with its own gRPC channel (its own TCP
//      connection), send unary Ingest batches of 1-4 articles: plain text
//      with a fresh article_id, plain text without an id (the exact content
//      fingerprint is the idempotency key), a raw page that yields several
//      signals, repeats within a batch and retries of articles acknowledged
//      earlier (also in earlier rounds, i.e. across crashes). An article
//      counts as acknowledged only when its Ingest call returned OK.
//   2. Subscribers (one of them slow, so that it overflows its server-side
//      buffer of 16 into reading storage) follow the log from the last seq
//      they saw and check every delivery is the next seq.
//   3. The server gets SIGKILL at a random moment (seeded) while Ingest calls
//      are in flight, and is restarted on the same data directory.
//   4. Checks, after the restart:
//      - the log (Query from after_seq 0, include_duplicates) holds exactly
//        seqs 1..head: no hole, no repeat;
//      - every acknowledged article (all rounds so far) is in the log with
//        exactly the seqs it was acknowledged with, all its signals (whole),
//        in doc_index order; GetSignal of each seq acknowledged this round
//        returns it; re-ingesting it returns duplicate=true, the same seqs
//        and an unchanged head;
//      - no article appears twice (one contiguous group of seqs per
//        idempotency key) and every signal belongs to an article sent;
//      - an article whose call failed (in flight at the kill) is either
//        absent or whole, and a failed call is stored all or nothing; the
//        test then retries those calls like a client would (a stored one is
//        answered as a duplicate with its seqs, an absent one is stored);
//      - every signal a subscriber saw before the kill is still in the log
//        (the server shows only durable signals), and each subscriber,
//        resuming with from_seq = the last seq it saw, receives every later
//        signal exactly once, in order, identical to the Query.
//   After the last round the server is stopped with SIGTERM, restarted and
//   everything is checked once more (a clean restart).
//
// Short run (ctest, label `crash`): crash_test --rounds 3 --seed 20260505
// Long run (issue 5 wants at least 50 rounds; a few minutes):
//   build/tests/crash/crash_test --rounds 50
// (On 2 shared cores it took about 100 s: some 50,000 acknowledged articles,
// 60,000 signals, 1.3-1.5 million ack checks, lost = 0, duplicated = 0.)
// It prints a line per round and a final summary: rounds, acks checked,
// signals verified, lost = 0, duplicated = 0, time. Exit status: 0 pass,
// 1 a guarantee was broken (the seed, the data dir and the server logs are
// kept and printed), 2 bad usage or setup, 3 the watchdog fired.
//
// Flags: --rounds N (3), --seed S (random; printed), --binary PATH (the
// built `tidings`), --keep (keep the temp dir), --verbose, --writers N (4),
// --subscribers N (2), --max-kill-ms MS (1000: latest kill after the first
// ack of a round), --timeout SECONDS (watchdog; 60 + 30 per round),
// --sabotage-wal (a self-check of the checker: after each kill, cut the
// newest write-ahead log in half, as if the server had acknowledged before
// writing; the run must then FAIL with LOST; ctest runs it too).
//
// Note: SIGKILL kills the process, not the machine: what a write() handed to
// the kernel survives it even without fsync. So this proves that the server
// acknowledges only what it has written (WAL before ack, whole batches, dense
// seqs, idempotency that survives recovery), not that its fsyncs reach the
// disk: that needs a power cut, which no process kill can simulate.

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "grpcpp/grpcpp.h"
#include "tidings/v1/tidings.grpc.pb.h"

#ifndef TIDINGS_BINARY
#error "TIDINGS_BINARY must name the built tidings binary"
#endif
#ifndef TIDINGS_FIXTURES_DIR
#error "TIDINGS_FIXTURES_DIR must name tests/fixtures"
#endif

namespace tidings::crash {
namespace {

namespace v1 = ::tidings::v1;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// ---------------------------------------------------------------------------
// Small helpers

template <typename... Args>
std::string Str(const Args&... args) {
  std::ostringstream os;
  (os << ... << args);
  return os.str();
}

double SecondsSince(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

template <typename Duration>
void SetDeadline(grpc::ClientContext* ctx, Duration d) {
  ctx->set_deadline(std::chrono::system_clock::now() + d);
}

std::string SeqList(const std::vector<uint64_t>& seqs) {
  std::string s = "[";
  for (size_t i = 0; i < seqs.size(); ++i) {
    if (i > 0) s += ",";
    if (i == 8 && seqs.size() > 10) {
      s += Str("... (", seqs.size(), " seqs)");
      break;
    }
    s += std::to_string(seqs[i]);
  }
  return s + "]";
}

std::string StatusText(const grpc::Status& s) {
  return Str("code ", static_cast<int>(s.error_code()), " (", s.error_message(),
             ")");
}

std::shared_ptr<grpc::Channel> NewChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);  // Its own TCP link.
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

// Every unary call's deadline, far above what a call needs.
constexpr auto kCallTimeout = seconds(15);

// ---------------------------------------------------------------------------
// The child process. g_child is what the watchdog and the signal handlers
// kill; PR_SET_PDEATHSIG kills the server if this process dies anyhow.

std::atomic<pid_t> g_child{0};

void KillAndReapChild() {  // Async-signal-safe.
  pid_t pid = g_child.exchange(0);
  if (pid > 0) {
    kill(pid, SIGKILL);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
}

extern "C" void OnFatalSignal(int sig) {
  KillAndReapChild();
  static const char kMessage[] =
      "crash_test: interrupted; the server child was killed\n";
  ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
  (void)ignored;
  _exit(128 + sig);
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return Str("exited with status ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    return Str("killed by signal ", WTERMSIG(status), " (",
               strsignal(WTERMSIG(status)), ")");
  }
  return Str("wait status ", status);
}

class ServerProcess {
 public:
  ServerProcess(std::string binary, std::string data_dir, std::string log_dir)
      : binary_(std::move(binary)),
        data_dir_(std::move(data_dir)),
        log_dir_(std::move(log_dir)) {}
  ~ServerProcess() {
    if (pid_ > 0) {
      std::string ignored;
      Kill(&ignored);
    }
  }

  // Starts the child and waits (at most 30 s) for its "serving on" line.
  bool Start(std::string* error) {
    log_path_ = Str(log_dir_, "/server-", ++starts_, ".log");
    int log_fd =
        open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (log_fd < 0 || null_fd < 0) {
      *error = Str("cannot open ", log_path_, ": ", strerror(errno));
      if (log_fd >= 0) close(log_fd);
      if (null_fd >= 0) close(null_fd);
      return false;
    }
    std::vector<std::string> args = {
        binary_, "serve", "--listen", "127.0.0.1:0", "--data", data_dir_,
        // Two cores are shared: a small pool. A tiny subscriber buffer makes
        // the slow subscriber fall back to reading storage.
        "--worker-threads", "2", "--subscriber-buffer", "16",
        "--heartbeat-interval", "1s", "--shutdown-grace", "2s"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
      // The child: async-signal-safe calls only, until exec.
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(127);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, nullptr);
      signal(SIGPIPE, SIG_DFL);
      dup2(null_fd, STDIN_FILENO);
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
      execv(argv[0], argv.data());
      static const char kMessage[] = "crash_test: cannot exec the server\n";
      ssize_t ignored = write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
      (void)ignored;
      _exit(127);
    }
    close(log_fd);
    close(null_fd);
    if (pid < 0) {
      *error = Str("fork: ", strerror(errno));
      return false;
    }
    pid_ = pid;
    g_child = pid;

    const auto deadline = Clock::now() + seconds(30);
    while (Clock::now() < deadline) {
      std::string log = ReadLog();
      size_t at = log.find("serving on ");
      if (at != std::string::npos) {
        size_t begin = at + strlen("serving on ");
        size_t end = log.find_first_of(", \n", begin);
        if (end != std::string::npos) {
          address_ = log.substr(begin, end - begin);
          return true;
        }
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = 0;
        g_child = 0;
        *error = Str("the server ", DescribeWaitStatus(status),
                     " before it was ready; its log:\n", LogTail(30));
        return false;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    std::string ignored;
    Kill(&ignored);
    *error =
        Str("the server was not ready after 30 s; its log:\n", LogTail(30));
    return false;
  }

  const std::string& address() const { return address_; }
  const std::string& log_path() const { return log_path_; }

  // SIGKILL and reap. False (with *error) when the server had already exited
  // on its own, which is a failure too.
  bool Kill(std::string* error) {
    pid_t pid = pid_;
    pid_ = 0;
    if (pid <= 0) {
      *error = "no server running";
      return false;
    }
    int status = 0;
    pid_t r = waitpid(pid, &status, WNOHANG);
    const bool alive = r == 0;
    if (alive) {
      kill(pid, SIGKILL);
      while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR) {
      }
    }
    g_child = 0;
    if (!alive) {
      *error = Str("the server had already ", DescribeWaitStatus(status),
                   " before the kill; its log:\n", LogTail(30));
      return false;
    }
    if (r == pid && !(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
      *error = Str("the server ", DescribeWaitStatus(status),
                   " instead of dying of SIGKILL");
      return false;
    }
    return true;
  }

  // SIGTERM, then waits up to `grace`; SIGKILL after that. Returns the exit
  // status, or -1 when it had to be killed.
  int Stop(std::chrono::milliseconds grace) {
    pid_t pid = pid_;
    if (pid <= 0) return -1;
    kill(pid, SIGTERM);
    const auto deadline = Clock::now() + grace;
    int status = 0;
    while (Clock::now() < deadline) {
      if (waitpid(pid, &status, WNOHANG) == pid) {
        pid_ = 0;
        g_child = 0;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    std::string ignored;
    Kill(&ignored);
    return -1;
  }

  std::string ReadLog() const {
    std::ifstream in(log_path_, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::string LogTail(int lines) const {
    std::string log = ReadLog();
    size_t pos = log.size();
    for (int i = 0; i <= lines && pos > 0; ++i) {
      size_t nl = log.rfind('\n', pos - 1);
      if (nl == std::string::npos) {
        pos = 0;
        break;
      }
      pos = nl;
    }
    return Str("  | ", log.substr(pos == 0 ? 0 : pos + 1));
  }

 private:
  const std::string binary_, data_dir_, log_dir_;
  pid_t pid_ = 0;
  int starts_ = 0;
  std::string address_, log_path_;
};

// ---------------------------------------------------------------------------
// Violations

enum class Kind { kLost, kDuplicated, kOrder, kOther };

class Violations {
 public:
  void Add(Kind kind, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    switch (kind) {
      case Kind::kLost:
        ++lost_;
        break;
      case Kind::kDuplicated:
        ++duplicated_;
        break;
      case Kind::kOrder:
        ++order_;
        break;
      case Kind::kOther:
        ++other_;
        break;
    }
    static const char* kNames[] = {"LOST", "DUPLICATED", "ORDER", "VIOLATION"};
    if (messages_.size() < 40) {
      messages_.push_back(Str(kNames[static_cast<int>(kind)], ": ", message));
      fprintf(stderr, "crash_test: %s\n", messages_.back().c_str());
    }
  }
  int64_t lost() {
    std::lock_guard<std::mutex> l(mu_);
    return lost_;
  }
  int64_t duplicated() {
    std::lock_guard<std::mutex> l(mu_);
    return duplicated_;
  }
  int64_t total() {
    std::lock_guard<std::mutex> l(mu_);
    return lost_ + duplicated_ + order_ + other_;
  }
  std::string Summary() {
    std::lock_guard<std::mutex> l(mu_);
    return Str("lost ", lost_, ", duplicated ", duplicated_, ", out of order ",
               order_, ", other ", other_);
  }

 private:
  std::mutex mu_;
  int64_t lost_ = 0, duplicated_ = 0, order_ = 0, other_ = 0;
  std::vector<std::string> messages_;
};

Violations g_violations;

// ---------------------------------------------------------------------------
// Articles and the ledger of what was sent and acknowledged

enum class ArticleKind { kPlainWithId, kPlainNoId, kPage };

struct SentArticle {
  v1::Article article;
  ArticleKind kind;
};

// The idempotency key as the test tracks it: the article id, or for an
// article without one its (unique) title, which its single plain-text signal
// carries (checked at calibration).
std::string KeyOf(const v1::Article& a) {
  return a.article_id().empty() ? "title:" + a.title() : "id:" + a.article_id();
}
std::string KeyOf(const v1::Signal& s) {
  return s.article_id().empty() ? "title:" + s.title() : "id:" + s.article_id();
}

// Signals per article kind, measured with Score at calibration.
size_t g_plain_signals = 1;
size_t g_page_signals = 0;
std::string g_page_text;

size_t ExpectedSignals(ArticleKind kind) {
  return kind == ArticleKind::kPage ? g_page_signals : g_plain_signals;
}

std::string StoryText(uint64_t n, const std::string& token) {
  static const char* kSubjects[] = {
      "Copper miners", "The central bank", "Shipping firms", "Wheat farmers",
      "Chip makers",   "Airlines",         "Regional banks", "Oil refiners",
      "Carmakers",     "Retailers",        "Insurers",       "Steel mills"};
  static const char* kVerbs[] = {"reported",   "warned about", "celebrated",
                                 "questioned", "forecast",     "denied"};
  static const char* kObjects[] = {
      "record quarterly output", "a sharp drop in orders",
      "new export licences",     "rising labour costs",
      "a merger with a rival",   "delays at northern ports",
      "higher storage fees",     "a recall of older models",
      "stronger demand in Asia", "a dispute with regulators"};
  static const char* kExtra[] = {
      "Gold rose 1.2% to $2,350 an ounce as investors sought safety. ",
      "Washington threatened new tariffs on imported steel. ",
      "The European Union imposed sanctions on three shipping companies. ",
      "Troops massed near the border as tensions escalated. ",
      "",
      "",
      ""};
  std::string text;
  for (uint64_t k = 0; k < 3; ++k) {
    uint64_t a = (n * 7 + k * 3) % 12, b = (n * 5 + k) % 6,
             c = (n * 3 + k * 7) % 10;
    text += Str(kSubjects[a], " ", kVerbs[b], " ", kObjects[c], " in district ",
                n * 31 + k, " on day ", n % 28 + 1, ", officials said. ");
  }
  text += kExtra[n % 7];
  text += Str("Desk reference ", token, ".");
  return text;
}

v1::Article MakeArticle(ArticleKind kind, uint64_t n,
                        const std::string& token) {
  v1::Article a;
  a.set_source("crashwire");
  a.set_url(Str("https://example.com/crash/", token));
  switch (kind) {
    case ArticleKind::kPlainWithId:
      a.set_article_id(Str("crash-", token));
      a.set_title(Str("Market wrap ", token));
      a.set_body(StoryText(n, token));
      a.set_content_type(v1::CONTENT_TYPE_PLAIN_TEXT);
      break;
    case ArticleKind::kPlainNoId:
      a.set_title(Str("Desk note ", token));
      a.set_body(StoryText(n, token));
      a.set_content_type(v1::CONTENT_TYPE_PLAIN_TEXT);
      break;
    case ArticleKind::kPage:
      a.set_article_id(Str("crash-page-", token));
      a.set_body(g_page_text);
      a.set_content_type(v1::CONTENT_TYPE_RAW_PAGE);
      break;
  }
  a.mutable_published_at()->set_seconds(1735689600 + static_cast<int64_t>(n));
  return a;
}

struct Ledger {
  std::mutex mu;
  std::unordered_map<std::string, SentArticle> sent;
  std::unordered_map<std::string, std::vector<uint64_t>> acked;
  std::vector<std::string> acked_keys;  // The keys of `acked`, for sampling.
};

Ledger g_ledger;

// One Ingest call that did not return OK: the articles it sent for the first
// time (what may or may not have been stored).
struct FailedCall {
  std::vector<std::string> fresh_keys;
};

// ---------------------------------------------------------------------------
// A round's shared state

struct SeenSignal {
  uint64_t seq;
  std::string key;
  uint64_t exact_fingerprint;
};

struct Subscriber {
  int id = 0;
  bool slow = false;
  uint64_t last_seen = 0;        // Persists across rounds and crashes.
  std::vector<SeenSignal> seen;  // This round, before the kill.
  std::unique_ptr<grpc::ClientContext> ctx;
  std::string end_status;
};

struct Round {
  int number = 0;
  std::string address;
  std::atomic<bool> killed{false};
  std::atomic<int> inflight{0};
  std::atomic<int64_t> calls_ok{0}, calls_failed{0}, failed_before_kill{0};
  std::atomic<int64_t> new_acks{0}, retries_ok{0};
  std::mutex mu;
  std::vector<FailedCall> failed;
  std::vector<std::string> new_ack_keys;
  std::string first_failure;
};

// Records the results of an Ingest call that returned OK. `keys[i]` is the
// key of article i of the request.
void RecordAcks(const std::vector<std::string>& keys,
                const std::vector<ArticleKind>& kinds,
                const v1::IngestResponse& resp, Round* round,
                const char* where) {
  if (resp.results_size() != static_cast<int>(keys.size())) {
    g_violations.Add(Kind::kOther,
                     Str(where, ": ", resp.results_size(), " results for ",
                         keys.size(), " articles"));
    return;
  }
  std::lock_guard<std::mutex> lock(g_ledger.mu);
  for (size_t i = 0; i < keys.size(); ++i) {
    const v1::IngestResult& r = resp.results(static_cast<int>(i));
    const std::string& key = keys[i];
    if (r.index() != i) {
      g_violations.Add(Kind::kOther,
                       Str(where, ": result ", i, " has index ", r.index()));
    }
    if (r.error_code() != 0) {
      g_violations.Add(Kind::kOther,
                       Str(where, ": ", key, " was rejected: code ",
                           r.error_code(), " ", r.error_message()));
      continue;
    }
    std::vector<uint64_t> seqs(r.seqs().begin(), r.seqs().end());
    const size_t expected = ExpectedSignals(kinds[i]);
    if (seqs.size() != expected) {
      g_violations.Add(Kind::kOther,
                       Str(where, ": ", key, " acknowledged with ", seqs.size(),
                           " seqs ", SeqList(seqs), ", expected ", expected));
    }
    for (uint64_t s : seqs) {
      if (s == 0 || s > resp.head_seq()) {
        g_violations.Add(Kind::kOther,
                         Str(where, ": ", key, " has seq ", s,
                             " outside 1..head ", resp.head_seq()));
      }
    }
    auto it = g_ledger.acked.find(key);
    if (it != g_ledger.acked.end()) {
      if (!r.duplicate()) {
        g_violations.Add(
            Kind::kDuplicated,
            Str(where, ": ", key, " was acknowledged before as ",
                SeqList(it->second), " but stored again as ", SeqList(seqs)));
      } else if (seqs != it->second) {
        g_violations.Add(
            Kind::kDuplicated,
            Str(where, ": retry of ", key, " returned ", SeqList(seqs),
                ", acknowledged before as ", SeqList(it->second)));
      }
      if (round != nullptr) round->retries_ok++;
      continue;
    }
    if (r.duplicate()) {
      g_violations.Add(Kind::kOther,
                       Str(where, ": ", key, " answered duplicate=true with ",
                           SeqList(seqs), " but was never stored before"));
    }
    for (size_t k = 1; k < seqs.size(); ++k) {
      if (seqs[k] != seqs[k - 1] + 1) {
        g_violations.Add(
            Kind::kOrder,
            Str(where, ": ", key, " got non-contiguous seqs ", SeqList(seqs)));
        break;
      }
    }
    g_ledger.acked.emplace(key, seqs);
    g_ledger.acked_keys.push_back(key);
    if (round != nullptr) {
      round->new_acks++;
      std::lock_guard<std::mutex> l(round->mu);
      round->new_ack_keys.push_back(key);
    }
  }
}

// A writer: Ingest batches on its own connection until the kill.
void RunWriter(int writer, uint64_t seed, Round* round) {
  std::mt19937_64 rng(seed);
  auto stub = v1::Tidings::NewStub(NewChannel(round->address));
  uint64_t n = 0;
  for (int call = 0; call < 1000000 && !round->killed; ++call) {
    v1::IngestRequest req;
    std::vector<std::string> keys;
    std::vector<ArticleKind> kinds;
    std::vector<std::string> fresh;
    const int count = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < count; ++i) {
      const int p = static_cast<int>(rng() % 100);
      v1::Article article;
      ArticleKind kind;
      if (p < 12) {
        // A retry of an article acknowledged before (maybe in an earlier
        // round, i.e. before a crash).
        std::lock_guard<std::mutex> lock(g_ledger.mu);
        if (!g_ledger.acked_keys.empty()) {
          const std::string& key =
              g_ledger.acked_keys[rng() % g_ledger.acked_keys.size()];
          const SentArticle& sent = g_ledger.sent.at(key);
          keys.push_back(key);
          kinds.push_back(sent.kind);
          *req.add_articles() = sent.article;
          continue;
        }
      }
      if (p < 16 && !fresh.empty()) {
        // The same article twice in one batch.
        const std::string key = fresh[rng() % fresh.size()];
        std::lock_guard<std::mutex> lock(g_ledger.mu);
        const SentArticle& sent = g_ledger.sent.at(key);
        keys.push_back(key);
        kinds.push_back(sent.kind);
        *req.add_articles() = sent.article;
        continue;
      }
      kind = p < 24   ? ArticleKind::kPage
             : p < 55 ? ArticleKind::kPlainNoId
                      : ArticleKind::kPlainWithId;
      const std::string token = Str("r", round->number, "w", writer, "n", n);
      article = MakeArticle(kind,
                            (static_cast<uint64_t>(round->number) << 20) +
                                (static_cast<uint64_t>(writer) << 16) + n,
                            token);
      ++n;
      const std::string key = KeyOf(article);
      {
        std::lock_guard<std::mutex> lock(g_ledger.mu);
        g_ledger.sent.emplace(key, SentArticle{article, kind});
      }
      keys.push_back(key);
      kinds.push_back(kind);
      fresh.push_back(key);
      *req.add_articles() = std::move(article);
    }
    if (round->killed) break;  // Fresh articles never sent: harmless.

    v1::IngestResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kCallTimeout);
    round->inflight++;
    grpc::Status status = stub->Ingest(&ctx, req, &resp);
    round->inflight--;
    if (status.ok()) {
      round->calls_ok++;
      RecordAcks(keys, kinds, resp, round,
                 Str("round ", round->number, " writer ", writer).c_str());
      continue;
    }
    round->calls_failed++;
    {
      std::lock_guard<std::mutex> lock(round->mu);
      round->failed.push_back(FailedCall{fresh});
      if (!round->killed) {
        round->failed_before_kill++;
        if (round->first_failure.empty()) {
          round->first_failure = StatusText(status);
        }
      }
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
}

// A subscriber during the ingest phase: follows the log from its last seq
// until the server dies (or its context is cancelled).
void RunSubscriber(Subscriber* sub, const std::string& address, Round* round) {
  auto stub = v1::Tidings::NewStub(NewChannel(address));
  v1::SubscribeRequest req;
  req.set_from_seq(sub->last_seen);
  req.mutable_filter()->set_include_duplicates(true);
  auto reader = stub->Subscribe(sub->ctx.get(), req);
  v1::SubscribeEvent ev;
  for (int i = 0; i < 10000000 && reader->Read(&ev); ++i) {
    if (!ev.has_signal()) continue;
    const v1::Signal& s = ev.signal();
    if (s.seq() != sub->last_seen + 1) {
      g_violations.Add(
          s.seq() <= sub->last_seen ? Kind::kDuplicated : Kind::kOrder,
          Str("round ", round->number, " subscriber ", sub->id, " got seq ",
              s.seq(), " after ", sub->last_seen, " (expected ",
              sub->last_seen + 1, ")"));
    }
    sub->last_seen = std::max(sub->last_seen, s.seq());
    sub->seen.push_back(SeenSignal{s.seq(), KeyOf(s), s.exact_fingerprint()});
    if (sub->slow && i % 2 == 0) std::this_thread::sleep_for(milliseconds(1));
  }
  sub->end_status = StatusText(reader->Finish());
}

// ---------------------------------------------------------------------------
// Verification after a restart

struct LogEntry {
  uint64_t seq;
  std::string key;
  uint32_t doc_index;
  uint64_t exact_fingerprint;
  int64_t ingested_seconds;
  int32_t ingested_nanos;
};

LogEntry ToEntry(const v1::Signal& s) {
  return LogEntry{s.seq(),
                  KeyOf(s),
                  s.doc_index(),
                  s.exact_fingerprint(),
                  s.ingested_at().seconds(),
                  s.ingested_at().nanos()};
}

// The whole log, by Query pages.
bool QueryAll(v1::Tidings::Stub& stub, std::vector<LogEntry>* out,
              std::string* error) {
  constexpr uint32_t kPage = 2000;
  uint64_t after = 0;
  for (int page = 0; page < 100000; ++page) {
    v1::QueryRequest req;
    req.mutable_filter()->set_include_duplicates(true);
    req.set_after_seq(after);
    req.set_limit(kPage);
    grpc::ClientContext ctx;
    SetDeadline(&ctx, seconds(60));
    auto reader = stub.Query(&ctx, req);
    v1::Signal s;
    uint32_t n = 0;
    while (n < 2 * kPage && reader->Read(&s)) {
      out->push_back(ToEntry(s));
      after = std::max(after, s.seq());
      ++n;
    }
    grpc::Status status = reader->Finish();
    if (!status.ok()) {
      *error = Str("Query after_seq ", after, ": ", StatusText(status));
      return false;
    }
    if (n > kPage) {
      *error = Str("Query with limit ", kPage, " returned ", n, " signals");
      return false;
    }
    if (n < kPage) return true;
  }
  *error = "Query: too many pages";
  return false;
}

// Ingests `keys` (articles from the ledger) in batches; records the acks.
// Returns false when a call failed. Checks head_seq == *expected_head when
// given (a batch of retries must not move the head).
bool IngestKeys(v1::Tidings::Stub& stub, const std::vector<std::string>& keys,
                const uint64_t* expected_head, const char* what) {
  for (size_t begin = 0; begin < keys.size(); begin += 100) {
    const size_t end = std::min(keys.size(), begin + 100);
    v1::IngestRequest req;
    std::vector<std::string> batch_keys;
    std::vector<ArticleKind> kinds;
    {
      std::lock_guard<std::mutex> lock(g_ledger.mu);
      for (size_t i = begin; i < end; ++i) {
        const SentArticle& sent = g_ledger.sent.at(keys[i]);
        *req.add_articles() = sent.article;
        batch_keys.push_back(keys[i]);
        kinds.push_back(sent.kind);
      }
    }
    v1::IngestResponse resp;
    grpc::ClientContext ctx;
    SetDeadline(&ctx, kCallTimeout);
    grpc::Status status = stub.Ingest(&ctx, req, &resp);
    if (!status.ok()) {
      g_violations.Add(
          Kind::kOther,
          Str(what, ": Ingest failed after restart: ", StatusText(status)));
      return false;
    }
    if (expected_head != nullptr && resp.head_seq() != *expected_head) {
      g_violations.Add(Kind::kDuplicated,
                       Str(what, ": head moved from ", *expected_head, " to ",
                           resp.head_seq(), " on a batch of retries"));
    }
    RecordAcks(batch_keys, kinds, resp, nullptr, what);
  }
  return true;
}

struct Totals {
  int64_t acks_checks =
      0;  // Acknowledged articles found intact, summed over checks.
  int64_t signal_checks = 0;  // Signals compared, summed over checks.
  int64_t get_signal_calls = 0;
  int64_t retry_checks = 0;  // Re-ingests answered as duplicates.
  int64_t failed_calls = 0;
  int64_t unacked_stored = 0;  // Articles of failed calls found stored (whole).
  int64_t unacked_absent = 0;
  int64_t inflight_at_kill = 0;
  int64_t subscriber_resumed = 0;
};

// Resumes `sub` from its last seq and reads up to `head`, comparing each
// signal with the log.
void ResumeSubscriber(Subscriber* sub, const std::string& address,
                      const std::vector<LogEntry>& log,
                      const std::string& where, Totals* totals) {
  const uint64_t head = log.size();
  if (sub->last_seen >= head) return;
  auto stub = v1::Tidings::NewStub(NewChannel(address));
  v1::SubscribeRequest req;
  req.set_from_seq(sub->last_seen);
  req.mutable_filter()->set_include_duplicates(true);
  grpc::ClientContext ctx;
  SetDeadline(&ctx, seconds(120));
  auto reader = stub->Subscribe(&ctx, req);
  v1::SubscribeEvent ev;
  const uint64_t from = sub->last_seen;
  const uint64_t max_messages = (head - from) + 1000;
  for (uint64_t i = 0; i < max_messages && sub->last_seen < head; ++i) {
    if (!reader->Read(&ev)) break;
    if (!ev.has_signal()) continue;
    const v1::Signal& s = ev.signal();
    if (s.seq() != sub->last_seen + 1) {
      g_violations.Add(
          s.seq() <= sub->last_seen ? Kind::kDuplicated : Kind::kOrder,
          Str(where, ": subscriber ", sub->id, " resumed from ", from,
              " got seq ", s.seq(), " after ", sub->last_seen));
      if (s.seq() <= sub->last_seen) continue;
    }
    sub->last_seen = s.seq();
    totals->signal_checks++;
    totals->subscriber_resumed++;
    if (s.seq() > head) break;  // Live: beyond what was checked.
    const LogEntry& e = log[s.seq() - 1];
    LogEntry got = ToEntry(s);
    if (got.key != e.key || got.doc_index != e.doc_index ||
        got.exact_fingerprint != e.exact_fingerprint ||
        got.ingested_seconds != e.ingested_seconds ||
        got.ingested_nanos != e.ingested_nanos) {
      g_violations.Add(Kind::kOther,
                       Str(where, ": subscriber ", sub->id, " got seq ",
                           s.seq(), " as ", got.key, "#", got.doc_index,
                           " but Query has ", e.key, "#", e.doc_index));
    }
  }
  if (sub->last_seen < head) {
    g_violations.Add(
        Kind::kLost,
        Str(where, ": subscriber ", sub->id, " resumed from ", from,
            " stopped at seq ", sub->last_seen, " before the head ", head));
  }
  ctx.TryCancel();
  reader->Finish();
}

// Everything checked after a restart. `round` is null for the final clean
// restart. Returns false when the checks could not run at all.
bool Verify(const std::string& address, Round* round,
            std::vector<std::unique_ptr<Subscriber>>& subs,
            std::mt19937_64& rng, Totals* totals, uint64_t* head_out,
            std::string* summary) {
  const std::string where =
      round != nullptr ? Str("round ", round->number) : "final restart";
  auto stub = v1::Tidings::NewStub(NewChannel(address));

  // 1. The log: dense from 1 to the head.
  std::vector<LogEntry> log;
  std::string error;
  if (!QueryAll(*stub, &log, &error)) {
    g_violations.Add(Kind::kOther, Str(where, ": ", error));
    return false;
  }
  bool dense = true;
  for (size_t i = 0; i < log.size(); ++i) {
    if (log[i].seq != i + 1) {
      g_violations.Add(
          log[i].seq <= i ? Kind::kDuplicated : Kind::kLost,
          Str(where, ": the log is not dense: position ", i + 1, " holds seq ",
              log[i].seq, i > 0 ? Str(" after ", log[i - 1].seq) : ""));
      dense = false;
      break;
    }
  }
  if (!dense) return false;
  const uint64_t head = log.size();
  *head_out = head;
  totals->signal_checks += static_cast<int64_t>(head);

  // 2. One contiguous, whole group of seqs per key; known keys only.
  std::unordered_map<std::string, std::vector<uint64_t>> groups;
  for (const LogEntry& e : log) groups[e.key].push_back(e.seq);
  {
    std::lock_guard<std::mutex> lock(g_ledger.mu);
    for (const auto& [key, seqs] : groups) {
      auto sent = g_ledger.sent.find(key);
      if (sent == g_ledger.sent.end()) {
        g_violations.Add(Kind::kOther,
                         Str(where, ": seqs ", SeqList(seqs), " belong to ",
                             key, ", which was never sent"));
        continue;
      }
      const size_t expected = ExpectedSignals(sent->second.kind);
      bool contiguous = true;
      for (size_t k = 0; k < seqs.size(); ++k) {
        if ((k > 0 && seqs[k] != seqs[k - 1] + 1) ||
            log[seqs[k] - 1].doc_index != k % std::max<size_t>(expected, 1)) {
          contiguous = false;
        }
      }
      if (seqs.size() > expected || !contiguous) {
        g_violations.Add(
            Kind::kDuplicated,
            Str(where, ": ", key, " is stored at seqs ", SeqList(seqs), " (",
                expected, " signals expected, once, in doc_index order)"));
      } else if (seqs.size() < expected) {
        g_violations.Add(Kind::kLost, Str(where, ": ", key,
                                          " is partial: seqs ", SeqList(seqs),
                                          ", ", expected, " signals expected"));
      }
    }

    // 3. Every acknowledged article, with exactly its seqs.
    for (const auto& [key, seqs] : g_ledger.acked) {
      auto g = groups.find(key);
      if (g == groups.end()) {
        if (!seqs.empty()) {
          g_violations.Add(Kind::kLost,
                           Str(where, ": acknowledged ", key, " (seqs ",
                               SeqList(seqs), ") is missing; head ", head));
        }
        continue;
      }
      if (g->second != seqs) {
        g_violations.Add(
            g->second.size() > seqs.size() ? Kind::kDuplicated : Kind::kLost,
            Str(where, ": acknowledged ", key, " as ", SeqList(seqs),
                ", the log has it at ", SeqList(g->second)));
        continue;
      }
      totals->acks_checks++;
    }
  }

  // 4. What subscribers saw before the kill is still there.
  for (auto& sub : subs) {
    for (const SeenSignal& s : sub->seen) {
      totals->signal_checks++;
      if (s.seq > head) {
        g_violations.Add(
            Kind::kLost,
            Str(where, ": subscriber ", sub->id, " saw seq ", s.seq, " (",
                s.key, ") before the kill; the head is now ", head));
      } else if (log[s.seq - 1].key != s.key ||
                 log[s.seq - 1].exact_fingerprint != s.exact_fingerprint) {
        g_violations.Add(
            Kind::kLost,
            Str(where, ": subscriber ", sub->id, " saw seq ", s.seq, " as ",
                s.key, "; the log now has ", log[s.seq - 1].key));
      }
    }
    sub->seen.clear();
    if (sub->last_seen > head) sub->last_seen = head;  // Reported above.
  }

  // 5. Calls in flight at the kill: each stored all or nothing.
  std::vector<std::string> unacked_present, unacked_absent;
  if (round != nullptr) {
    std::lock_guard<std::mutex> lock(g_ledger.mu);
    for (const FailedCall& call : round->failed) {
      size_t present = 0;
      std::vector<std::string> keys;
      for (const std::string& key : call.fresh_keys) {
        if (g_ledger.acked.count(key)) continue;  // Acknowledged elsewhere.
        keys.push_back(key);
        if (groups.count(key)) ++present;
      }
      if (present != 0 && present != keys.size()) {
        std::string list;
        for (const std::string& k : keys) {
          list += Str(" ", k, groups.count(k) ? "(stored)" : "(absent)");
        }
        g_violations.Add(Kind::kOther,
                         Str(where,
                             ": a failed Ingest call was stored in "
                             "part:",
                             list));
      }
      for (const std::string& key : keys) {
        (groups.count(key) ? unacked_present : unacked_absent).push_back(key);
      }
    }
    totals->failed_calls += static_cast<int64_t>(round->failed.size());
    totals->unacked_stored += static_cast<int64_t>(unacked_present.size());
    totals->unacked_absent += static_cast<int64_t>(unacked_absent.size());
  }

  // 6. Subscribers resume from their last seq: the rest, exactly once.
  for (auto& sub : subs) {
    ResumeSubscriber(sub.get(), address, log, where, totals);
  }

  // 7. GetSignal for what was acknowledged this round (and a sample of
  // older acknowledgements).
  std::vector<std::string> check_keys;
  {
    std::lock_guard<std::mutex> lock(g_ledger.mu);
    if (round != nullptr) check_keys = round->new_ack_keys;
    std::unordered_set<std::string> chosen(check_keys.begin(),
                                           check_keys.end());
    for (int i = 0; i < 200 && !g_ledger.acked_keys.empty(); ++i) {
      const std::string& k =
          g_ledger.acked_keys[rng() % g_ledger.acked_keys.size()];
      if (chosen.insert(k).second) check_keys.push_back(k);
    }
  }
  for (const std::string& key : check_keys) {
    std::vector<uint64_t> seqs;
    {
      std::lock_guard<std::mutex> lock(g_ledger.mu);
      seqs = g_ledger.acked.at(key);
    }
    for (size_t k = 0; k < seqs.size(); ++k) {
      v1::GetSignalRequest req;
      req.set_seq(seqs[k]);
      v1::Signal s;
      grpc::ClientContext ctx;
      SetDeadline(&ctx, kCallTimeout);
      grpc::Status status = stub->GetSignal(&ctx, req, &s);
      totals->get_signal_calls++;
      if (!status.ok()) {
        g_violations.Add(Kind::kLost, Str(where, ": GetSignal(", seqs[k],
                                          ") of acknowledged ", key, ": ",
                                          StatusText(status)));
      } else if (KeyOf(s) != key || s.seq() != seqs[k] || s.doc_index() != k) {
        g_violations.Add(Kind::kLost,
                         Str(where, ": GetSignal(", seqs[k], ") returned ",
                             KeyOf(s), "#", s.doc_index(), " seq ", s.seq(),
                             ", acknowledged as ", key, "#", k));
      }
    }
  }

  // 8. Re-ingesting acknowledged articles (and the stored articles of failed
  // calls) answers duplicate=true with the same seqs and leaves the head.
  {
    std::lock_guard<std::mutex> lock(g_ledger.mu);
    // Failed-call articles found stored are acknowledged by this retry:
    // RecordAcks checks their seqs against the log's.
    for (const std::string& key : unacked_present) {
      g_ledger.acked.emplace(key, groups.at(key));
      g_ledger.acked_keys.push_back(key);
      check_keys.push_back(key);
    }
  }
  if (!IngestKeys(*stub, check_keys, &head, (where + " retries").c_str())) {
    return false;
  }
  totals->retry_checks += static_cast<int64_t>(check_keys.size());

  // 9. The failed calls' absent articles, retried like a client would: they
  // are stored now (checked after the next crash).
  if (!IngestKeys(*stub, unacked_absent, nullptr,
                  (where + " retry of failed calls").c_str())) {
    return false;
  }

  *summary = Str(
      "head ", head, " dense; ",
      round != nullptr
          ? Str(round->failed.size(), " failed calls: ", unacked_present.size(),
                " articles stored whole, ", unacked_absent.size(), " absent; ")
          : "",
      check_keys.size(), " GetSignal+retry checks; subscribers at ");
  for (size_t i = 0; i < subs.size(); ++i) {
    *summary += Str(i ? "/" : "", subs[i]->last_seen);
  }
  return true;
}

// ---------------------------------------------------------------------------
// Calibration: how many signals each kind of article yields.

bool Calibrate(const std::string& address, std::string* error) {
  std::ifstream in(std::string(TIDINGS_FIXTURES_DIR) + "/example_page.txt",
                   std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  g_page_text = ss.str();
  if (g_page_text.empty()) {
    *error = Str("cannot read ", TIDINGS_FIXTURES_DIR, "/example_page.txt");
    return false;
  }
  auto stub = v1::Tidings::NewStub(NewChannel(address));
  v1::ScoreRequest req;
  *req.add_articles() = MakeArticle(ArticleKind::kPlainNoId, 1, "calibration");
  g_page_signals = 1;  // MakeArticle reads g_page_text only.
  *req.add_articles() = MakeArticle(ArticleKind::kPage, 2, "calibration");
  v1::ScoreResponse resp;
  grpc::ClientContext ctx;
  SetDeadline(&ctx, kCallTimeout);
  grpc::Status status = stub->Score(&ctx, req, &resp);
  if (!status.ok()) {
    *error = Str("Score: ", StatusText(status));
    return false;
  }
  size_t plain = 0, page = 0;
  for (const v1::Signal& s : resp.signals()) {
    if (s.article_id().empty()) {
      ++plain;
      if (s.title() != req.articles(0).title()) {
        *error = Str("a plain-text signal's title is \"", s.title(),
                     "\", not the article's \"", req.articles(0).title(),
                     "\": the test cannot key articles without an id by title");
        return false;
      }
    } else {
      ++page;
    }
  }
  if (plain != 1 || page == 0) {
    *error = Str("Score gave ", plain, " signals for a plain-text article and ",
                 page, " for the example page");
    return false;
  }
  g_plain_signals = plain;
  g_page_signals = page;
  return true;
}

// ---------------------------------------------------------------------------
// main

struct Flags {
  int rounds = 3;
  uint64_t seed = 0;
  bool seed_set = false;
  std::string binary = TIDINGS_BINARY;
  bool keep = false;
  bool verbose = false;
  int writers = 4;
  int subscribers = 2;
  int max_kill_ms = 1000;
  int timeout_s = 0;
  bool sabotage = false;
};

constexpr char kUsage[] =
    "usage: crash_test [--rounds N] [--seed S] [--binary PATH] [--keep]\n"
    "                  [--verbose] [--writers N] [--subscribers N]\n"
    "                  [--max-kill-ms MS] [--timeout SECONDS]\n"
    "                  [--sabotage-wal]\n"
    "SIGKILLs `tidings serve` at random moments while ingesting and checks\n"
    "that nothing acknowledged is lost or duplicated (see crash_test.cc).\n"
    "Long run: crash_test --rounds 50\n";

bool ParseFlags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    std::string value;
    bool has_value = false;
    if (size_t eq = arg.find('='); eq != std::string::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_value = true;
    }
    auto need = [&](const char* name) -> bool {
      if (has_value) return true;
      if (i + 1 >= argc) {
        fprintf(stderr, "crash_test: %s needs a value\n%s", name, kUsage);
        return false;
      }
      value = argv[++i];
      return true;
    };
    auto number = [&](const char* name, long long lo, long long hi,
                      long long* out) -> bool {
      if (!need(name)) return false;
      char* end = nullptr;
      errno = 0;
      long long v = strtoll(value.c_str(), &end, 10);
      if (errno != 0 || end == value.c_str() || *end != '\0' || v < lo ||
          v > hi) {
        fprintf(stderr,
                "crash_test: %s wants a number in [%lld, %lld], not %s\n", name,
                lo, hi, value.c_str());
        return false;
      }
      *out = v;
      return true;
    };
    long long v = 0;
    if (arg == "--rounds") {
      if (!number("--rounds", 1, 100000, &v)) return false;
      f->rounds = static_cast<int>(v);
    } else if (arg == "--seed") {
      if (!need("--seed")) return false;
      char* end = nullptr;
      errno = 0;
      f->seed = strtoull(value.c_str(), &end, 10);
      if (errno != 0 || end == value.c_str() || *end != '\0') {
        fprintf(stderr, "crash_test: --seed wants a number, not %s\n",
                value.c_str());
        return false;
      }
      f->seed_set = true;
    } else if (arg == "--binary") {
      if (!need("--binary")) return false;
      f->binary = value;
    } else if (arg == "--keep") {
      f->keep = true;
    } else if (arg == "--verbose" || arg == "-v") {
      f->verbose = true;
    } else if (arg == "--writers") {
      if (!number("--writers", 1, 64, &v)) return false;
      f->writers = static_cast<int>(v);
    } else if (arg == "--subscribers") {
      if (!number("--subscribers", 0, 64, &v)) return false;
      f->subscribers = static_cast<int>(v);
    } else if (arg == "--max-kill-ms") {
      if (!number("--max-kill-ms", 1, 600000, &v)) return false;
      f->max_kill_ms = static_cast<int>(v);
    } else if (arg == "--timeout") {
      if (!number("--timeout", 1, 1000000, &v)) return false;
      f->timeout_s = static_cast<int>(v);
    } else if (arg == "--sabotage-wal") {
      f->sabotage = true;
    } else if (arg == "--help" || arg == "-h") {
      fputs(kUsage, stdout);
      exit(0);
    } else {
      fprintf(stderr, "crash_test: unknown flag %s\n%s", argv[i], kUsage);
      return false;
    }
  }
  return true;
}

// The newest RocksDB write-ahead log file (NNNNNN.log) in `dir`, or "".
std::string NewestWal(const std::string& dir) {
  std::string newest;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() > 4 && name.substr(name.size() - 4) == ".log" &&
        name.find_first_not_of("0123456789") == name.size() - 4 &&
        (newest.empty() ||
         name > std::filesystem::path(newest).filename().string())) {
      newest = entry.path().string();
    }
  }
  return newest;
}

// Kills the server and exits if the run takes longer than `limit`.
class Watchdog {
 public:
  explicit Watchdog(seconds limit) {
    thread_ = std::thread([this, limit] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, limit, [this] { return done_; })) {
        fprintf(stderr,
                "crash_test: FAIL: watchdog: the run took longer than %lld s "
                "(a hang?); killing the server\n",
                static_cast<long long>(limit.count()));
        KillAndReapChild();
        _exit(3);
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

int Run(const Flags& flags) {
  const auto start = Clock::now();
  const uint64_t seed = flags.seed;
  printf(
      "crash_test: seed %llu (rerun with --seed %llu), %d rounds, %d "
      "writers, %d subscribers, server %s\n",
      static_cast<unsigned long long>(seed),
      static_cast<unsigned long long>(seed), flags.rounds, flags.writers,
      flags.subscribers, flags.binary.c_str());
  fflush(stdout);
  if (access(flags.binary.c_str(), X_OK) != 0) {
    fprintf(stderr, "crash_test: cannot execute the server %s: %s (--binary)\n",
            flags.binary.c_str(), strerror(errno));
    return 2;
  }

  std::string tmpl =
      (std::filesystem::temp_directory_path() / "tidings-crash-XXXXXX")
          .string();
  if (mkdtemp(tmpl.data()) == nullptr) {
    fprintf(stderr, "crash_test: mkdtemp: %s\n", strerror(errno));
    return 2;
  }
  const std::string dir = tmpl;
  const std::string data_dir = dir + "/data";
  printf("crash_test: data in %s\n", dir.c_str());

  std::mt19937_64 rng(seed);
  ServerProcess server(flags.binary, data_dir, dir);
  Totals totals;
  int rounds_done = 0;
  uint64_t head = 0;
  bool failed = false;
  std::string error;

  auto finish = [&](int code) {
    std::string ignored;
    if (server.Stop(seconds(10)) < 0) server.Kill(&ignored);
    // A failure keeps the evidence, except the expected one of --sabotage-wal.
    const bool keep = flags.keep || (code != 0 && !flags.sabotage);
    if (!keep) {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    } else {
      printf("crash_test: kept %s (data/ and the server logs)\n", dir.c_str());
    }
    return code;
  };

  if (!server.Start(&error)) {
    fprintf(stderr, "crash_test: cannot start the server: %s\n", error.c_str());
    return finish(2);
  }
  if (!Calibrate(server.address(), &error)) {
    fprintf(stderr, "crash_test: calibration: %s\n", error.c_str());
    return finish(2);
  }
  if (flags.verbose) {
    printf(
        "crash_test: the example page yields %zu signals, a plain article "
        "%zu\n",
        g_page_signals, g_plain_signals);
  }

  std::vector<std::unique_ptr<Subscriber>> subs;
  for (int i = 0; i < flags.subscribers; ++i) {
    auto s = std::make_unique<Subscriber>();
    s->id = i;
    s->slow = i % 2 == 1;
    subs.push_back(std::move(s));
  }

  for (int r = 1; r <= flags.rounds && !failed; ++r) {
    const auto round_start = Clock::now();
    Round round;
    round.number = r;
    round.address = server.address();
    std::mt19937_64 round_rng(rng());

    std::vector<std::thread> threads;
    for (auto& sub : subs) {
      sub->ctx = std::make_unique<grpc::ClientContext>();
      SetDeadline(sub->ctx.get(), seconds(300));
      threads.emplace_back(RunSubscriber, sub.get(), round.address, &round);
    }
    for (int w = 0; w < flags.writers; ++w) {
      threads.emplace_back(RunWriter, w, round_rng(), &round);
    }

    // The moment of the kill: mostly a random time after the first ack of
    // the round, sometimes (1 in 8) 5-50 ms after the round starts, while
    // the first calls connect and commit.
    const bool early = round_rng() % 8 == 0;
    const int delay_ms =
        early ? 5 + static_cast<int>(round_rng() % 46)
              : static_cast<int>(round_rng() % (flags.max_kill_ms + 1));
    const auto phase_start = Clock::now();
    if (!early) {
      for (int i = 0; i < 15000 && round.new_acks + round.retries_ok == 0;
           ++i) {
        std::this_thread::sleep_for(milliseconds(1));
      }
      if (round.new_acks + round.retries_ok == 0) {
        g_violations.Add(Kind::kOther,
                         Str("round ", r, ": no Ingest succeeded in 15 s (",
                             round.first_failure, ")"));
      }
    }
    std::this_thread::sleep_for(milliseconds(delay_ms));
    for (int i = 0; i < 20000 && round.inflight == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    const int inflight = round.inflight;
    const double killed_after = SecondsSince(phase_start);
    round.killed = true;
    if (!server.Kill(&error)) {
      g_violations.Add(Kind::kOther, Str("round ", r, ": ", error));
    }
    for (auto& sub : subs) sub->ctx->TryCancel();
    for (std::thread& t : threads) t.join();
    if (flags.sabotage) {
      // Self-check of the checker: lose the tail of the write-ahead log, as
      // a server that acknowledged before writing would. Must fail as LOST.
      std::string wal = NewestWal(data_dir);
      if (!wal.empty()) {
        const auto size = std::filesystem::file_size(wal);
        std::filesystem::resize_file(wal, size / 2);
        printf("crash_test: sabotage: truncated %s from %llu to %llu bytes\n",
               wal.c_str(), static_cast<unsigned long long>(size),
               static_cast<unsigned long long>(size / 2));
      }
    }
    totals.inflight_at_kill += inflight;
    if (round.failed_before_kill > 0) {
      printf(
          "crash_test: round %d: warning: %lld Ingest calls failed before "
          "the kill, first: %s\n",
          r, static_cast<long long>(round.failed_before_kill.load()),
          round.first_failure.c_str());
    }
    if (flags.verbose) {
      printf(
          "crash_test: round %d: killed after %.3f s (%s) with %d Ingest "
          "calls in flight; %lld calls OK, %lld failed; %lld new acks, "
          "%lld retries answered\n",
          r, killed_after, early ? "early" : "after the first ack", inflight,
          static_cast<long long>(round.calls_ok.load()),
          static_cast<long long>(round.calls_failed.load()),
          static_cast<long long>(round.new_acks.load()),
          static_cast<long long>(round.retries_ok.load()));
      for (auto& sub : subs) {
        printf(
            "crash_test: round %d: subscriber %d%s saw %zu signals, at seq "
            "%llu, ended %s\n",
            r, sub->id, sub->slow ? " (slow)" : "", sub->seen.size(),
            static_cast<unsigned long long>(sub->last_seen),
            sub->end_status.c_str());
      }
    }

    if (!server.Start(&error)) {
      g_violations.Add(Kind::kOther, Str("round ", r,
                                         ": the server did not restart after "
                                         "SIGKILL: ",
                                         error));
      failed = true;
      break;
    }
    std::string summary;
    const bool ran = Verify(server.address(), &round, subs, round_rng, &totals,
                            &head, &summary);
    ++rounds_done;
    printf(
        "crash_test: round %d/%d: killed at %.3f s with %d calls in flight; "
        "%lld acks (+%lld retries) this round; %s; %.1f s\n",
        r, flags.rounds, killed_after, inflight,
        static_cast<long long>(round.new_acks.load()),
        static_cast<long long>(round.retries_ok.load()),
        ran ? summary.c_str() : "checks could not run",
        SecondsSince(round_start));
    fflush(stdout);
    if (!ran || g_violations.total() > 0) failed = true;
  }

  // A clean restart (SIGTERM) at the end, and everything checked once more.
  if (!failed) {
    const int code = server.Stop(seconds(30));
    if (code != 0) {
      printf(
          "crash_test: warning: SIGTERM: the server ended with %d (0 "
          "expected); its log:\n%s\n",
          code, server.LogTail(10).c_str());
    }
    if (!server.Start(&error)) {
      g_violations.Add(
          Kind::kOther,
          Str("the server did not restart after SIGTERM: ", error));
    } else {
      std::string summary;
      if (!Verify(server.address(), nullptr, subs, rng, &totals, &head,
                  &summary)) {
        failed = true;
      }
      printf("crash_test: final clean restart: %s\n", summary.c_str());
    }
  }

  size_t distinct_acks = 0;
  {
    std::lock_guard<std::mutex> lock(g_ledger.mu);
    distinct_acks = g_ledger.acked.size();
  }
  const bool pass = !failed && g_violations.total() == 0;
  printf(
      "crash_test: %s: rounds %d, seed %llu, acks checked %lld (%zu "
      "distinct acknowledged articles, each re-checked after every later "
      "crash), signals verified %lld (log head %llu, dense; %lld signal "
      "comparisons incl. subscriber deliveries), lost = %lld, duplicated = "
      "%lld; %lld GetSignal calls, %lld retries answered as duplicates, "
      "%lld calls in flight at kills, %lld failed calls (%lld articles "
      "stored whole, %lld absent, all retried); time %.1f s\n",
      pass ? "PASS" : "FAIL", rounds_done,
      static_cast<unsigned long long>(seed),
      static_cast<long long>(totals.acks_checks), distinct_acks,
      static_cast<long long>(head), static_cast<unsigned long long>(head),
      static_cast<long long>(totals.signal_checks),
      static_cast<long long>(g_violations.lost()),
      static_cast<long long>(g_violations.duplicated()),
      static_cast<long long>(totals.get_signal_calls),
      static_cast<long long>(totals.retry_checks),
      static_cast<long long>(totals.inflight_at_kill),
      static_cast<long long>(totals.failed_calls),
      static_cast<long long>(totals.unacked_stored),
      static_cast<long long>(totals.unacked_absent), SecondsSince(start));
  if (!pass) {
    printf(
        "crash_test: FAIL: %s; rerun with --seed %llu; the last server "
        "log is %s\n",
        g_violations.Summary().c_str(), static_cast<unsigned long long>(seed),
        server.log_path().c_str());
  }
  fflush(stdout);
  return finish(pass ? 0 : 1);
}

}  // namespace
}  // namespace tidings::crash

int main(int argc, char** argv) {
  using namespace tidings::crash;
  setvbuf(stdout, nullptr, _IOLBF, 0);  // Interleave with stderr in logs.
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) return 2;
  if (!flags.seed_set) flags.seed = std::random_device()();
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = OnFatalSignal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  const int timeout_s =
      flags.timeout_s > 0 ? flags.timeout_s : 60 + 30 * flags.rounds;
  int code;
  {
    Watchdog watchdog{seconds(timeout_s)};
    code = Run(flags);
  }
  return code;
}
