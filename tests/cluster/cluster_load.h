// Copyright 2026 The Tidings Authors.
//
// cluster_load.h: concurrent load on a Tidings cluster (tidings_cluster.h)
// for the fault tests and the fault tool; the checks after a fault are in
// cluster_verifier.h.
//
// * Load: writer threads send unary Ingest batches of 1-4 articles, each
//   with a fresh article_id, plus retries of articles acknowledged earlier
//   (idempotency across nodes). Each batch goes first to the writer's own
//   node; when the call fails (or an article in it does), the same batch
//   goes to the next node at once (100 ms pause after each turn through all
//   nodes), until every article of it is acknowledged (or give_up_after).
//   An article counts as acknowledged once a call returned it without
//   error; its seqs are the ones of that answer.
// * Follower: a subscriber that follows the log from the last seq it saw,
//   on its node, or on the next live one when its stream breaks; it checks
//   that every delivery is the next seq (no gap, no repeat).
//
// The write pause after a fault is the longest time without any ack from
// the fault until the load stopped; the pause through a node is the same
// for the acks of that node's calls (what its clients see: a call does not
// fail while the node waits for the log or its replica, so they stay); a
// follower's stall is the same for its deliveries.

#ifndef TIDINGS_TESTS_CLUSTER_CLUSTER_LOAD_H_
#define TIDINGS_TESTS_CLUSTER_CLUSTER_LOAD_H_

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "grpcpp/grpcpp.h"
#include "tests/cluster/tidings_cluster.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::testing {

using LoadClock = std::chrono::steady_clock;

inline double SecondsBetween(LoadClock::time_point a, LoadClock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

// The longest interval in [from, to] without an event of `times` (sorted or
// not): from `from` to the first event, between events, and from the last
// one to `to`.
inline double LongestGap(std::vector<LoadClock::time_point> times,
                         LoadClock::time_point from, LoadClock::time_point to) {
  std::sort(times.begin(), times.end());
  double longest = 0;
  LoadClock::time_point prev = from;
  for (LoadClock::time_point t : times) {
    if (t < from) continue;
    if (t > to) break;
    longest = std::max(longest, SecondsBetween(prev, t));
    prev = t;
  }
  return std::max(longest, SecondsBetween(prev, to));
}

inline std::shared_ptr<grpc::Channel> FaultChannel(const std::string& address) {
  grpc::ChannelArguments args;
  args.SetInt("grpc.use_local_subchannel_pool", 1);  // Its own TCP link.
  // Reconnect soon after a node restarts (the default backoff grows to 120 s).
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
  args.SetMaxReceiveMessageSize(64 << 20);
  return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(),
                                   args);
}

inline std::string GrpcText(const grpc::Status& s) {
  return absl::StrCat("code ", static_cast<int>(s.error_code()), " (",
                      s.error_message(), ")");
}

inline std::string SeqText(const std::vector<uint64_t>& seqs) {
  std::string s = "[";
  for (size_t i = 0; i < seqs.size() && i < 8; ++i) {
    absl::StrAppend(&s, i > 0 ? "," : "", seqs[i]);
  }
  if (seqs.size() > 8) absl::StrAppend(&s, ",... (", seqs.size(), ")");
  return s + "]";
}

// Broken guarantees, counted by kind; the first few are kept verbatim.
class Violations {
 public:
  enum Kind { kLost, kDuplicated, kOther };
  void Add(Kind kind, const std::string& message) {
    std::lock_guard<std::mutex> lock(mu_);
    ++counts_[kind];
    if (messages_.size() < 30) messages_.push_back(message);
  }
  int64_t count(Kind kind) {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_[kind];
  }
  int64_t total() {
    std::lock_guard<std::mutex> lock(mu_);
    return counts_[0] + counts_[1] + counts_[2];
  }
  std::string Text() {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out =
        absl::StrCat("lost ", counts_[kLost], ", duplicated ",
                     counts_[kDuplicated], ", other ", counts_[kOther]);
    for (const std::string& m : messages_) absl::StrAppend(&out, "\n  ", m);
    return out;
  }

 private:
  std::mutex mu_;
  int64_t counts_[3] = {0, 0, 0};
  std::vector<std::string> messages_;
};

// The article with this id: its text is derived from the id alone, so a
// retry sends the same article.
inline v1::Article FaultArticle(const std::string& id) {
  static const char* kSubjects[] = {
      "Copper miners", "The central bank", "Shipping firms", "Wheat farmers",
      "Chip makers",   "Airlines",         "Regional banks", "Oil refiners"};
  static const char* kVerbs[] = {"reported", "warned about", "forecast",
                                 "denied", "celebrated"};
  static const char* kObjects[] = {
      "record quarterly output", "a sharp drop in orders",
      "new export licences",     "rising labour costs",
      "a merger with a rival",   "delays at northern ports",
      "stronger demand in Asia", "a dispute with regulators"};
  const uint64_t n = std::hash<std::string>{}(id);
  v1::Article a;
  a.set_article_id(id);
  a.set_source("faultwire");
  a.set_title(absl::StrCat(kSubjects[n % 8], " ", kVerbs[(n >> 3) % 5], " ",
                           kObjects[(n >> 6) % 8], " (", id, ")"));
  std::string body;
  for (uint64_t k = 0; k < 3; ++k) {
    const uint64_t m = n >> (9 + 7 * k);
    absl::StrAppend(&body, kSubjects[m % 8], " ", kVerbs[(m >> 3) % 5], " ",
                    kObjects[(m >> 5) % 8], " in district ", m % 997,
                    ", officials said. ");
  }
  absl::StrAppend(&body, "Desk reference ", id, ".");
  a.set_body(body);
  a.mutable_published_at()->set_seconds(1735689600 +
                                        static_cast<int64_t>(n % 100000));
  return a;
}

// Every acknowledged article (all phases and rounds) with its seqs.
struct Ledger {
  std::mutex mu;
  std::unordered_map<std::string, std::vector<uint64_t>> acked;
  std::vector<std::string> acked_ids;  // For sampling retries.
  uint64_t max_seq = 0;
};

struct LoadOptions {
  int writers = 3;
  int calls_per_second = 25;  // Per writer.
  int max_batch = 4;
  int retry_percent = 10;  // Articles that repeat an acknowledged one.
  std::chrono::milliseconds call_timeout{30000};
  std::chrono::milliseconds give_up_after{90000};
};

// Writer threads; see the top of the file.
class Load {
 public:
  Load(TidingsCluster* cluster, Ledger* ledger, Violations* violations,
       LoadOptions options, uint64_t seed, std::string tag)
      : cluster_(cluster),
        ledger_(ledger),
        violations_(violations),
        options_(options),
        seed_(seed),
        tag_(std::move(tag)) {
    for (int i = 0; i < cluster_->size(); ++i) {
      addresses_.push_back(cluster_->node(i).address());
    }
  }
  ~Load() { Stop(); }

  void Start() {
    for (int w = 0; w < options_.writers; ++w) {
      threads_.emplace_back([this, w] { RunWriter(w); });
    }
  }
  // Writers finish the batch they are sending (bounded by give_up_after).
  void Stop() {
    stop_ = true;
    for (std::thread& t : threads_) t.join();
    threads_.clear();
  }

  // Articles acknowledged for the first time (not retries of acked ones).
  int64_t acked() const { return acked_; }
  int64_t acked_after(LoadClock::time_point t) {
    std::lock_guard<std::mutex> lock(mu_);
    return std::count_if(ack_times_.begin(), ack_times_.end(),
                         [t](LoadClock::time_point a) { return a > t; });
  }
  int64_t calls_ok() const { return calls_ok_; }
  int64_t calls_failed() const { return calls_failed_; }  // Then resent.
  int64_t duplicates_checked() const { return duplicates_checked_; }
  int64_t gave_up() const { return gave_up_; }  // Batches never acked.
  // Articles sent for the first time and answered duplicate = true.
  int64_t first_sends_duplicate() const { return first_sends_duplicate_; }
  std::string first_failure() {
    std::lock_guard<std::mutex> lock(mu_);
    return first_failure_;
  }
  double LongestAckGap(LoadClock::time_point from, LoadClock::time_point to) {
    std::lock_guard<std::mutex> lock(mu_);
    return LongestGap(ack_times_, from, to);
  }
  // The same for the acks of one node (writes through that node).
  double LongestAckGapVia(int node, LoadClock::time_point from,
                          LoadClock::time_point to) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = node_ack_times_.find(node);
    return LongestGap(it == node_ack_times_.end()
                          ? std::vector<LoadClock::time_point>()
                          : it->second,
                      from, to);
  }

 private:
  void RunWriter(int w) {
    std::mt19937_64 rng(seed_ * 1000003 + static_cast<uint64_t>(w));
    std::vector<std::unique_ptr<v1::Tidings::Stub>> stubs;
    for (const std::string& a : addresses_) {
      stubs.push_back(v1::Tidings::NewStub(FaultChannel(a)));
    }
    const size_t nodes = stubs.size();
    const size_t home = static_cast<size_t>(w) % nodes;
    const auto period = std::chrono::microseconds(
        1000000 / std::max(1, options_.calls_per_second));
    LoadClock::time_point next = LoadClock::now();
    for (uint64_t n = 0; n < 10000000 && !stop_; ++n) {
      std::this_thread::sleep_until(next);
      next = std::max(next + period, LoadClock::now() - period);
      // The batch: fresh ids, and now and then an acknowledged one.
      std::vector<std::string> ids;
      std::vector<bool> fresh;
      const int count =
          1 + static_cast<int>(rng() % static_cast<uint64_t>(
                                           std::max(1, options_.max_batch)));
      for (int i = 0; i < count; ++i) {
        if (static_cast<int>(rng() % 100) < options_.retry_percent) {
          std::lock_guard<std::mutex> lock(ledger_->mu);
          if (!ledger_->acked_ids.empty()) {
            ids.push_back(
                ledger_->acked_ids[rng() % ledger_->acked_ids.size()]);
            fresh.push_back(false);
            continue;
          }
        }
        ids.push_back(absl::StrCat(tag_, "-w", w, "-", n, "-", i));
        fresh.push_back(true);
      }
      SendUntilAcked(stubs, home, ids, fresh);
    }
  }

  // Sends the batch until every article in it is acknowledged, moving to
  // the next node after each failure.
  void SendUntilAcked(std::vector<std::unique_ptr<v1::Tidings::Stub>>& stubs,
                      size_t home, const std::vector<std::string>& ids,
                      const std::vector<bool>& fresh) {
    v1::IngestRequest request;
    for (const std::string& id : ids)
      *request.add_articles() = FaultArticle(id);
    std::vector<bool> done(ids.size(), false);
    const LoadClock::time_point give_up =
        LoadClock::now() + options_.give_up_after;
    for (int attempt = 0; attempt < 100000; ++attempt) {
      v1::IngestResponse response;
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           options_.call_timeout);
      const size_t node = (home + static_cast<size_t>(attempt)) % stubs.size();
      grpc::Status status = stubs[node]->Ingest(&context, request, &response);
      bool all = status.ok();
      if (status.ok()) {
        if (response.results_size() != static_cast<int>(ids.size())) {
          violations_->Add(
              Violations::kOther,
              absl::StrCat(response.results_size(), " results for ", ids.size(),
                           " articles"));
          return;
        }
        for (size_t i = 0; i < ids.size(); ++i) {
          const v1::IngestResult& r = response.results(static_cast<int>(i));
          if (r.error_code() != 0) {
            all = false;
            Failed(absl::StrCat("article error ", r.error_code(), " ",
                                r.error_message()));
            continue;
          }
          if (!done[i]) {
            Record(ids[i], fresh[i] && attempt == 0, static_cast<int>(node), r);
            done[i] = true;
          } else {
            Recheck(ids[i], r);
          }
        }
        calls_ok_++;
      } else {
        Failed(GrpcText(status));
      }
      if (all) return;
      calls_failed_++;
      if (LoadClock::now() > give_up) {
        gave_up_++;
        violations_->Add(
            Violations::kOther,
            absl::StrCat("a batch of ", ids.size(), " (", ids[0],
                         ", ...) was not acknowledged by any node within ",
                         options_.give_up_after.count() / 1000, " s"));
        return;
      }
      // The next node at once; a pause after each turn through all nodes.
      if ((attempt + 1) % static_cast<int>(stubs.size()) == 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
  }

  void Failed(const std::string& what) {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_failure_.empty()) first_failure_ = what;
  }

  // An article answered OK for the first time in this batch. `new_article`:
  // sent the first time, so it must not be a duplicate.
  void Record(const std::string& id, bool new_article, int node,
              const v1::IngestResult& r) {
    std::vector<uint64_t> seqs(r.seqs().begin(), r.seqs().end());
    if (seqs.empty()) {
      violations_->Add(Violations::kOther,
                       absl::StrCat(id, " acknowledged without seqs"));
      return;
    }
    for (size_t k = 1; k < seqs.size(); ++k) {
      if (seqs[k] != seqs[k - 1] + 1) {
        violations_->Add(Violations::kOther,
                         absl::StrCat(id, " got seqs ", SeqText(seqs)));
      }
    }
    {
      std::lock_guard<std::mutex> lock(ledger_->mu);
      auto it = ledger_->acked.find(id);
      if (it != ledger_->acked.end()) {
        if (!r.duplicate() || it->second != seqs) {
          violations_->Add(
              Violations::kDuplicated,
              absl::StrCat(id, " acknowledged as ", SeqText(it->second),
                           ", again as ", SeqText(seqs),
                           r.duplicate() ? " (duplicate)" : " (new)"));
        }
        duplicates_checked_++;
        return;
      }
      if (new_article && r.duplicate()) {
        // Stored once, at these seqs, but the flag says "stored before".
        // (Seen before each publish had a dedup id of its own: JetStream
        // answered the log's retry after a lost ack as a duplicate.)
        first_sends_duplicate_++;
        violations_->Add(Violations::kOther,
                         absl::StrCat(id, " sent once, answered duplicate"));
      }
      ledger_->acked.emplace(id, seqs);
      ledger_->acked_ids.push_back(id);
      ledger_->max_seq = std::max(ledger_->max_seq, seqs.back());
    }
    acked_++;
    std::lock_guard<std::mutex> lock(mu_);
    const LoadClock::time_point now = LoadClock::now();
    ack_times_.push_back(now);
    node_ack_times_[node].push_back(now);
  }

  // An article acknowledged by an earlier attempt of this batch, answered
  // again by a resend: the same seqs.
  void Recheck(const std::string& id, const v1::IngestResult& r) {
    std::vector<uint64_t> seqs(r.seqs().begin(), r.seqs().end());
    std::lock_guard<std::mutex> lock(ledger_->mu);
    auto it = ledger_->acked.find(id);
    if (it != ledger_->acked.end() && it->second != seqs) {
      violations_->Add(
          Violations::kDuplicated,
          absl::StrCat(id, " acknowledged as ", SeqText(it->second),
                       ", resent as ", SeqText(seqs)));
    }
  }

  TidingsCluster* cluster_;
  Ledger* ledger_;
  Violations* violations_;
  LoadOptions options_;
  uint64_t seed_;
  std::string tag_;
  std::vector<std::string> addresses_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> acked_{0}, calls_ok_{0}, calls_failed_{0},
      duplicates_checked_{0}, gave_up_{0}, first_sends_duplicate_{0};
  std::mutex mu_;
  std::vector<LoadClock::time_point> ack_times_;
  std::map<int, std::vector<LoadClock::time_point>> node_ack_times_;
  std::string first_failure_;
};

// A subscriber; see the top of the file. Runs until destroyed.
class Follower {
 public:
  Follower(TidingsCluster* cluster, Violations* violations, int id,
           int home_node)
      : cluster_(cluster), violations_(violations), id_(id), home_(home_node) {
    for (int i = 0; i < cluster_->size(); ++i) {
      addresses_.push_back(cluster_->node(i).address());
    }
    thread_ = std::thread([this] { Run(); });
  }
  ~Follower() {
    stop_ = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (context_ != nullptr) context_->TryCancel();
    }
    thread_.join();
  }

  int id() const { return id_; }
  int home() const { return home_; }
  uint64_t last_seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return last_seen_;
  }
  int64_t reconnects() const { return reconnects_; }
  // The article id of every seq seen, by seq - 1.
  std::vector<std::string> seen() {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  double LongestStall(LoadClock::time_point from, LoadClock::time_point to) {
    std::lock_guard<std::mutex> lock(mu_);
    return LongestGap(times_, from, to);
  }
  // Waits until it saw `head`, at most `timeout`.
  bool WaitFor(uint64_t head, std::chrono::milliseconds timeout) {
    const LoadClock::time_point until = LoadClock::now() + timeout;
    while (last_seen() < head) {
      if (LoadClock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return true;
  }

 private:
  void Run() {
    int node = home_;
    for (int attempt = 0; attempt < 1000000 && !stop_; ++attempt) {
      // Home when it runs, else the next live node.
      for (int k = 0; k < cluster_->size(); ++k) {
        const int candidate = (home_ + k) % cluster_->size();
        if (cluster_->node(candidate).alive()) {
          node = candidate;
          break;
        }
      }
      Follow(node);
      if (stop_) break;
      reconnects_++;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }

  void Follow(int node) {
    auto stub = v1::Tidings::NewStub(FaultChannel(addresses_[node]));
    v1::SubscribeRequest request;
    request.set_from_seq(last_seen());
    request.mutable_filter()->set_include_duplicates(true);
    auto context = std::make_unique<grpc::ClientContext>();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stop_) return;
      context_ = context.get();
    }
    auto reader = stub->Subscribe(context.get(), request);
    v1::SubscribeEvent event;
    while (reader->Read(&event)) {
      if (!event.has_signal()) continue;
      const v1::Signal& s = event.signal();
      std::lock_guard<std::mutex> lock(mu_);
      if (s.seq() != last_seen_ + 1) {
        violations_->Add(
            s.seq() <= last_seen_ ? Violations::kDuplicated : Violations::kLost,
            absl::StrCat("subscriber ", id_, " on ",
                         cluster_->node(node).name(), " got seq ", s.seq(),
                         " after ", last_seen_));
        if (s.seq() <= last_seen_) continue;
        seen_.resize(s.seq() - 1);  // The gap stays empty.
      }
      last_seen_ = s.seq();
      seen_.push_back(s.article_id());
      times_.push_back(LoadClock::now());
    }
    reader->Finish();
    std::lock_guard<std::mutex> lock(mu_);
    context_ = nullptr;
  }

  TidingsCluster* cluster_;
  Violations* violations_;
  const int id_;
  const int home_;
  std::vector<std::string> addresses_;
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> reconnects_{0};
  std::mutex mu_;
  grpc::ClientContext* context_ = nullptr;
  uint64_t last_seen_ = 0;
  std::vector<std::string> seen_;
  std::vector<LoadClock::time_point> times_;
  std::thread thread_;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_CLUSTER_CLUSTER_LOAD_H_
