// Copyright 2026 The Tidings Authors.
//
// cluster_verifier.h: the checks the fault tests and the fault tool run
// after a fault (Verifier, over cluster_load.h's Ledger and Followers).
// Verify() waits until every live node applied the newest acknowledged seq,
// then reads each node's log (Query, include_duplicates) past what it
// checked before and checks:
//   1-3. seqs dense and every signal byte-identical on every node;
//   4.   one contiguous group of seqs per article (no duplicate);
//   5.   every acknowledged article (all rounds) stored with the seqs it
//        was acknowledged with;
//   6.   GetSignal of sampled seqs agrees with Query on every node;
//   7.   every follower saw every seq exactly once, as the log has it.

#ifndef TIDINGS_TESTS_CLUSTER_CLUSTER_VERIFIER_H_
#define TIDINGS_TESTS_CLUSTER_CLUSTER_VERIFIER_H_

#include <algorithm>
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
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "grpcpp/grpcpp.h"
#include "tests/cluster/cluster_load.h"
#include "tests/cluster/tidings_cluster.h"
#include "tidings/v1/tidings.grpc.pb.h"

namespace tidings::testing {

// The checks after a fault; see the top of the file. Keeps what it has
// verified, so that each round reads only the new part of the log (Verify
// with full = true reads everything again).
class Verifier {
 public:
  struct Entry {
    std::string article_id;
    size_t hash = 0;  // Of the whole signal, serialized.
  };
  struct Figures {
    uint64_t head = 0;
    int nodes_checked = 0;
    int64_t signals_compared = 0;
    int64_t acks_checked = 0;
    double catch_up_s = 0;  // Until every node held the newest ack.
  };

  Verifier(TidingsCluster* cluster, Ledger* ledger, Violations* violations)
      : cluster_(cluster), ledger_(ledger), violations_(violations) {}

  // Call after the load stopped. Returns false when it could not check at
  // all (a node did not answer); the reason is a violation.
  bool Verify(const std::vector<Follower*>& followers, bool full,
              const std::string& where, std::mt19937_64& rng,
              Figures* figures) {
    std::vector<int> live;
    for (int i = 0; i < cluster_->size(); ++i) {
      if (cluster_->node(i).alive()) live.push_back(i);
    }
    const uint64_t after = full ? 0 : verified_.size();
    std::vector<std::vector<v1::Signal>> logs;
    if (!ReadLogs(live, after, where, &logs, figures)) return false;
    std::vector<Entry> entries;
    if (!CompareNodes(live, logs, after, where, &entries, figures)) {
      return false;
    }
    Extend(entries, full, where);
    figures->head = verified_.size();
    figures->nodes_checked = static_cast<int>(live.size());
    CheckAcks(where, figures);
    CheckSamples(live, where, rng);
    CheckFollowers(followers, after, where);
    return true;
  }

  uint64_t head() const { return verified_.size(); }

 private:
  // 1. Every live node applied the newest acknowledged seq; 2. each node's
  // log past `after`, all the same length (a record in flight may still be
  // applied: read again a few times).
  bool ReadLogs(const std::vector<int>& live, uint64_t after,
                const std::string& where,
                std::vector<std::vector<v1::Signal>>* logs, Figures* figures) {
    uint64_t max_acked = 0;
    {
      std::lock_guard<std::mutex> lock(ledger_->mu);
      max_acked = ledger_->max_seq;
    }
    const LoadClock::time_point start = LoadClock::now();
    for (int i : live) {
      if (!WaitForSeq(i, max_acked, std::chrono::seconds(60))) {
        violations_->Add(
            Violations::kLost,
            absl::StrCat(where, ": node ", cluster_->node(i).name(),
                         " did not show seq ", max_acked, " within 60 s"));
        return false;
      }
    }
    figures->catch_up_s = SecondsBetween(start, LoadClock::now());
    logs->assign(live.size(), {});
    for (int pass = 0; pass < 20; ++pass) {
      bool same = true;
      for (size_t k = 0; k < live.size(); ++k) {
        (*logs)[k].clear();
        std::string error;
        if (!QueryAll(live[k], after, &(*logs)[k], &error)) {
          violations_->Add(Violations::kOther,
                           absl::StrCat(where, ": ", error));
          return false;
        }
        same = same && (*logs)[k].size() == (*logs)[0].size();
      }
      if (same) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    return true;
  }

  // 3. Dense from after + 1, and identical on every node; the first node's
  // entries go to `entries`. False when a log is not dense.
  bool CompareNodes(const std::vector<int>& live,
                    const std::vector<std::vector<v1::Signal>>& logs,
                    uint64_t after, const std::string& where,
                    std::vector<Entry>* entries, Figures* figures) {
    for (size_t k = 0; k < live.size(); ++k) {
      const std::string name = cluster_->node(live[k]).name();
      const std::vector<v1::Signal>& log = logs[k];
      for (size_t j = 0; j < log.size(); ++j) {
        const uint64_t want = after + j + 1;
        if (log[j].seq() != want) {
          violations_->Add(
              Violations::kOther,
              absl::StrCat(where, ": node ", name, " has seq ", log[j].seq(),
                           " where ", want, " belongs (not dense)"));
          return false;
        }
        Entry e{log[j].article_id(), Hash(log[j])};
        if (k == 0) {
          entries->push_back(e);
        } else if (j >= entries->size() || (*entries)[j].hash != e.hash) {
          violations_->Add(
              Violations::kOther,
              absl::StrCat(where, ": seq ", want, " differs between node ",
                           cluster_->node(live[0]).name(), " and ", name, ": ",
                           Short(logs[0], j), " vs ", Short(log, j)));
        }
        figures->signals_compared++;
      }
      if (log.size() != logs[0].size()) {
        violations_->Add(
            Violations::kOther,
            absl::StrCat(where, ": node ", name, " holds ", after + log.size(),
                         " signals, node ", cluster_->node(live[0]).name(), " ",
                         after + logs[0].size()));
      }
    }
    return true;
  }

  // Appends `entries` to what is verified (after a full re-read: replaces
  // it, checking that nothing verified before changed); 4. one contiguous
  // group of seqs per article.
  void Extend(const std::vector<Entry>& entries, bool full,
              const std::string& where) {
    if (full) {
      for (size_t j = 0; j < std::min(entries.size(), verified_.size()); ++j) {
        if (entries[j].hash != verified_[j].hash) {
          violations_->Add(Violations::kOther,
                           absl::StrCat(where, ": seq ", j + 1,
                                        " changed since it was verified"));
        }
      }
      verified_.clear();
      groups_.clear();
    }
    for (const Entry& e : entries) {
      const uint64_t seq = verified_.size() + 1;
      auto [it, inserted] = groups_.try_emplace(e.article_id, seq, seq);
      if (!inserted) {
        if (it->second.second + 1 == seq) {
          it->second.second = seq;  // Several signals of one article.
        } else {
          violations_->Add(
              Violations::kDuplicated,
              absl::StrCat(where, ": ", e.article_id, " stored at seq ",
                           it->second.first, " and again at ", seq));
        }
      }
      verified_.push_back(e);
    }
  }

  // 5. Every acknowledged article (all rounds), at its seqs.
  void CheckAcks(const std::string& where, Figures* figures) {
    std::lock_guard<std::mutex> lock(ledger_->mu);
    for (const auto& [id, seqs] : ledger_->acked) {
      auto it = groups_.find(id);
      if (it == groups_.end()) {
        violations_->Add(Violations::kLost,
                         absl::StrCat(where, ": acknowledged ", id, " ",
                                      SeqText(seqs), " is not stored"));
        continue;
      }
      if (it->second.first != seqs.front() ||
          it->second.second != seqs.back()) {
        violations_->Add(
            Violations::kOther,
            absl::StrCat(where, ": acknowledged ", id, " as ", SeqText(seqs),
                         " but stored at ", it->second.first, "..",
                         it->second.second));
      }
      figures->acks_checked++;
    }
  }

  // 6. GetSignal of 20 sampled seqs on every node, as verified.
  void CheckSamples(const std::vector<int>& live, const std::string& where,
                    std::mt19937_64& rng) {
    for (int s = 0; s < 20 && !verified_.empty(); ++s) {
      const uint64_t seq = 1 + rng() % verified_.size();
      for (int i : live) {
        v1::Signal signal;
        std::string error;
        if (!GetSignal(i, seq, &signal, &error)) {
          violations_->Add(Violations::kLost, absl::StrCat(where, ": ", error));
        } else if (Hash(signal) != verified_[seq - 1].hash) {
          violations_->Add(Violations::kOther,
                           absl::StrCat(where, ": GetSignal(", seq, ") on ",
                                        cluster_->node(i).name(),
                                        " differs from its Query"));
        }
      }
    }
  }

  // 7. Every follower saw every seq exactly once, as the log has it.
  void CheckFollowers(const std::vector<Follower*>& followers, uint64_t after,
                      const std::string& where) {
    for (Follower* f : followers) {
      if (!f->WaitFor(verified_.size(), std::chrono::seconds(60))) {
        violations_->Add(
            Violations::kLost,
            absl::StrCat(where, ": subscriber ", f->id(), " stopped at seq ",
                         f->last_seen(), " below the head ", verified_.size()));
        continue;
      }
      const std::vector<std::string> seen = f->seen();
      for (size_t j = after; j < verified_.size(); ++j) {
        if (j >= seen.size() || seen[j] != verified_[j].article_id) {
          violations_->Add(
              Violations::kOther,
              absl::StrCat(where, ": subscriber ", f->id(), " saw seq ", j + 1,
                           " as \"", j < seen.size() ? seen[j] : "",
                           "\", the log has ", verified_[j].article_id));
          break;
        }
      }
      if (seen.size() > verified_.size()) {
        violations_->Add(
            Violations::kOther,
            absl::StrCat(where, ": subscriber ", f->id(), " saw seq ",
                         seen.size(), " beyond the head ", verified_.size()));
      }
    }
  }

  static size_t Hash(const v1::Signal& s) {
    std::string bytes;
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    s.SerializeToCodedStream(&coded);
    coded.Trim();
    return std::hash<std::string>{}(bytes);
  }
  static std::string Short(const std::vector<v1::Signal>& log, size_t j) {
    if (j >= log.size()) return "(none)";
    const v1::Signal& s = log[j];
    return absl::StrCat("{", s.article_id(), " ingested_at ",
                        s.ingested_at().seconds(), ".", s.ingested_at().nanos(),
                        " dup_of ", s.duplicate_of_seq(), " near_duplicates ",
                        s.near_duplicates().ShortDebugString(), "}");
  }

  v1::Tidings::Stub& StubOf(int node) {
    auto it = stubs_.find(node);
    if (it == stubs_.end()) {
      it = stubs_
               .emplace(node, v1::Tidings::NewStub(
                                  FaultChannel(cluster_->node(node).address())))
               .first;
    }
    return *it->second;
  }

  bool GetSignal(int node, uint64_t seq, v1::Signal* out, std::string* error) {
    v1::GetSignalRequest request;
    request.set_seq(seq);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() +
                         std::chrono::seconds(10));
    grpc::Status status = StubOf(node).GetSignal(&context, request, out);
    if (!status.ok()) {
      *error =
          absl::StrCat("GetSignal(", seq, ") on ", cluster_->node(node).name(),
                       ": ", GrpcText(status));
    }
    return status.ok();
  }

  bool WaitForSeq(int node, uint64_t seq, std::chrono::milliseconds timeout) {
    if (seq == 0) return true;
    const LoadClock::time_point until = LoadClock::now() + timeout;
    for (int i = 0; i < 100000; ++i) {
      v1::Signal s;
      std::string error;
      if (GetSignal(node, seq, &s, &error)) return true;
      if (LoadClock::now() > until) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  // The log after `after`, by Query pages.
  bool QueryAll(int node, uint64_t after, std::vector<v1::Signal>* out,
                std::string* error) {
    constexpr uint32_t kPage = 2000;
    for (int page = 0; page < 100000; ++page) {
      v1::QueryRequest request;
      request.mutable_filter()->set_include_duplicates(true);
      request.set_after_seq(after);
      request.set_limit(kPage);
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() +
                           std::chrono::seconds(60));
      auto reader = StubOf(node).Query(&context, request);
      v1::Signal s;
      uint32_t n = 0;
      while (n <= kPage && reader->Read(&s)) {
        after = std::max(after, s.seq());
        out->push_back(s);
        ++n;
      }
      grpc::Status status = reader->Finish();
      if (!status.ok()) {
        *error =
            absl::StrCat("Query after ", after, " on ",
                         cluster_->node(node).name(), ": ", GrpcText(status));
        return false;
      }
      if (n < kPage) return true;
    }
    *error = "Query: too many pages";
    return false;
  }

  TidingsCluster* cluster_;
  Ledger* ledger_;
  Violations* violations_;
  std::map<int, std::unique_ptr<v1::Tidings::Stub>> stubs_;
  std::vector<Entry> verified_;  // By seq - 1.
  std::unordered_map<std::string, std::pair<uint64_t, uint64_t>> groups_;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_CLUSTER_CLUSTER_VERIFIER_H_
