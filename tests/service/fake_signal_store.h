// Copyright 2026 The Tidings Authors.
//
// fake_signal_store.h: an in-memory storage::SignalStore for service tests,
// with the same contract as the RocksDB one (dense seqs, idempotency keys,
// near-duplicate marking, visibility up to head_seq()) plus fault injection.
// Its state lives in a shared `FakeStoreData`, so a "restarted" server can
// open the same data again.

#ifndef TIDINGS_TESTS_SERVICE_FAKE_SIGNAL_STORE_H_
#define TIDINGS_TESTS_SERVICE_FAKE_SIGNAL_STORE_H_

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "scoring/fingerprint.h"
#include "service/convert.h"
#include "storage/signal_store.h"

namespace tidings::testing {

struct FakeStoreData {
  absl::Mutex mu;
  std::vector<v1::Signal> log ABSL_GUARDED_BY(mu);  // log[i].seq() == i + 1.
  absl::flat_hash_map<std::string, std::vector<uint64_t>> keys
      ABSL_GUARDED_BY(mu);
  absl::Time last_ingested ABSL_GUARDED_BY(mu) = absl::InfinitePast();
  std::atomic<uint64_t> head{0};
  // Fault injection and observation.
  std::atomic<bool> fail_appends{false};
  std::atomic<int> append_calls{0};
  std::atomic<int64_t> append_delay_ms{0};
  absl::Duration duplicate_window = absl::Hours(72);
  // What store_id() answers; a restarted server over the same data sees the
  // same id. "" = an id-less store (expect_store_id is then not checked).
  std::string store_id = "fa4efa4efa4efa4efa4efa4efa4efa4e";
};

class FakeSignalStore final : public storage::SignalStore {
 public:
  explicit FakeSignalStore(
      std::shared_ptr<FakeStoreData> data = std::make_shared<FakeStoreData>())
      : data_(std::move(data)) {}

  const std::shared_ptr<FakeStoreData>& data() const { return data_; }

  absl::StatusOr<std::vector<storage::AppendResult>> Append(
      std::vector<storage::PendingArticle> batch, absl::Time now) override {
    data_->append_calls.fetch_add(1);
    if (int64_t ms = data_->append_delay_ms.load(); ms > 0) {
      absl::SleepFor(absl::Milliseconds(ms));
    }
    absl::MutexLock lock(&data_->mu);
    if (data_->fail_appends.load()) {
      return absl::UnavailableError("injected write failure");
    }
    now = std::max(absl::FromUnixMicros(absl::ToUnixMicros(now)),
                   data_->last_ingested);
    std::vector<storage::AppendResult> results;
    std::vector<v1::Signal> added;
    absl::flat_hash_map<std::string, std::vector<uint64_t>> new_keys;
    uint64_t next = data_->log.size() + 1;
    for (storage::PendingArticle& a : batch) {
      if (a.idempotency_key.empty()) {
        return absl::InvalidArgumentError("empty idempotency key");
      }
      storage::AppendResult r;
      auto old = data_->keys.find(a.idempotency_key);
      auto fresh = new_keys.find(a.idempotency_key);
      if (old != data_->keys.end() || fresh != new_keys.end()) {
        r.seqs = old != data_->keys.end() ? old->second : fresh->second;
        r.duplicate = true;
        results.push_back(std::move(r));
        continue;
      }
      std::stable_sort(a.signals.begin(), a.signals.end(),
                       [](const v1::Signal& x, const v1::Signal& y) {
                         return x.doc_index() < y.doc_index();
                       });
      for (v1::Signal& s : a.signals) {
        s.set_seq(next++);
        service::ToProto(now, s.mutable_ingested_at());
        s.set_duplicate_of_seq(NearDuplicateOf(s, added, now));
        r.seqs.push_back(s.seq());
        added.push_back(s);
      }
      new_keys.emplace(a.idempotency_key, r.seqs);
      results.push_back(std::move(r));
    }
    for (auto& [k, v] : new_keys) data_->keys.emplace(k, v);
    for (v1::Signal& s : added) data_->log.push_back(std::move(s));
    if (!added.empty()) data_->last_ingested = now;
    data_->head.store(data_->log.size());
    return results;
  }

  uint64_t head_seq() const override { return data_->head.load(); }
  const std::string& store_id() const override { return data_->store_id; }

  absl::StatusOr<v1::Signal> Get(uint64_t seq) const override {
    absl::MutexLock lock(&data_->mu);
    if (seq == 0 || seq > data_->log.size()) {
      return absl::NotFoundError(absl::StrCat("no signal ", seq));
    }
    return data_->log[seq - 1];
  }

  absl::Status Scan(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(v1::Signal&)>& visit) const override {
    return ScanIf(after_seq, max_count, visit,
                  [](const v1::Signal&) { return true; });
  }

  absl::StatusOr<uint64_t> SeqBeforeTime(absl::Time t) const override {
    absl::MutexLock lock(&data_->mu);
    uint64_t seq = 0;
    for (const v1::Signal& s : data_->log) {
      if (service::FromProto(s.ingested_at()) < t) seq = s.seq();
    }
    return seq;
  }

  absl::StatusOr<std::vector<uint64_t>> LookupKey(
      std::string_view key) const override {
    absl::MutexLock lock(&data_->mu);
    auto it = data_->keys.find(std::string(key));
    if (it == data_->keys.end()) return absl::NotFoundError("no such key");
    return it->second;
  }

 private:
  uint64_t NearDuplicateOf(const v1::Signal& s,
                           const std::vector<v1::Signal>& added,
                           absl::Time now) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(data_->mu) {
    if (s.fingerprint() == 0 ||
        data_->duplicate_window <= absl::ZeroDuration()) {
      return 0;
    }
    auto near = [&](const v1::Signal& o) {
      return o.fingerprint() != 0 &&
             scoring::HammingDistance(o.fingerprint(), s.fingerprint()) <=
                 scoring::kNearDuplicateBits &&
             now - service::FromProto(o.ingested_at()) <=
                 data_->duplicate_window;
    };
    for (auto it = added.rbegin(); it != added.rend(); ++it) {
      if (near(*it)) return it->seq();
    }
    for (auto it = data_->log.rbegin(); it != data_->log.rend(); ++it) {
      if (near(*it)) return it->seq();
    }
    return 0;
  }

  template <typename Pred>
  absl::Status ScanIf(uint64_t after_seq, uint64_t max_count,
                      const std::function<bool(v1::Signal&)>& visit,
                      Pred pred) const {
    // Snapshot under the lock, visit without it (as the real store does).
    std::vector<v1::Signal> snapshot;
    {
      absl::MutexLock lock(&data_->mu);
      for (size_t i = after_seq; i < data_->log.size(); ++i) {
        if (!pred(data_->log[i])) continue;
        snapshot.push_back(data_->log[i]);
        if (max_count != 0 && snapshot.size() >= max_count) break;
      }
    }
    for (v1::Signal& s : snapshot) {
      if (!visit(s)) break;
    }
    return absl::OkStatus();
  }

  std::shared_ptr<FakeStoreData> data_;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_SERVICE_FAKE_SIGNAL_STORE_H_
