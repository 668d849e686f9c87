// Copyright 2026 The Tidings Authors.
//
// forwarding_store.h: a SignalStore that hands the calls below to another
// store, for tests that hook a few of them (override one, call
// ForwardingStore's, add the hook). The calls not forwarded keep
// SignalStore's defaults, which are built on the forwarded ones (so a hook
// on Scan also sees ScanSummaries).

#ifndef TIDINGS_TESTS_SERVICE_FORWARDING_STORE_H_
#define TIDINGS_TESTS_SERVICE_FORWARDING_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/signal_store.h"

namespace tidings::testing {

class ForwardingStore : public storage::SignalStore {
 public:
  explicit ForwardingStore(std::unique_ptr<storage::SignalStore> inner)
      : inner_(std::move(inner)) {}

  absl::StatusOr<std::vector<storage::AppendResult>> Append(
      std::vector<storage::PendingArticle> batch, absl::Time now) override {
    return inner_->Append(std::move(batch), now);
  }
  absl::StatusOr<std::vector<storage::AppendResult>> Apply(
      std::vector<storage::PendingArticle> batch, absl::Time ingested_at,
      const storage::LogApply& apply) override {
    return inner_->Apply(std::move(batch), ingested_at, apply);
  }
  absl::Status SyncWal() override { return inner_->SyncWal(); }
  uint64_t applied_log_seq() const override {
    return inner_->applied_log_seq();
  }
  uint64_t head_seq() const override { return inner_->head_seq(); }
  uint64_t first_seq() const override { return inner_->first_seq(); }
  absl::Status TrimBefore(absl::Time cutoff) override {
    return inner_->TrimBefore(cutoff);
  }
  absl::Status Trim(absl::Time now) override { return inner_->Trim(now); }
  absl::StatusOr<v1::Signal> Get(uint64_t seq) const override {
    return inner_->Get(seq);
  }
  absl::Status Scan(
      uint64_t after_seq, uint64_t max_count,
      const std::function<bool(v1::Signal&)>& visit) const override {
    return inner_->Scan(after_seq, max_count, visit);
  }
  absl::StatusOr<uint64_t> SeqBeforeTime(absl::Time t) const override {
    return inner_->SeqBeforeTime(t);
  }
  absl::StatusOr<storage::IndexedSeqs> ListIndexed(
      const storage::IndexQuery& query, uint64_t after_seq,
      size_t max_count) const override {
    return inner_->ListIndexed(query, after_seq, max_count);
  }
  absl::Status ReadSeqs(
      const std::vector<uint64_t>& seqs,
      const std::function<bool(v1::Signal&)>& visit) const override {
    return inner_->ReadSeqs(seqs, visit);
  }
  absl::StatusOr<std::vector<uint64_t>> LookupKey(
      std::string_view key) const override {
    return inner_->LookupKey(key);
  }
  absl::StatusOr<v1::Article> GetArticle(std::string_view key) const override {
    return inner_->GetArticle(key);
  }

 protected:
  storage::SignalStore& inner() { return *inner_; }

 private:
  std::unique_ptr<storage::SignalStore> inner_;
};

}  // namespace tidings::testing

#endif  // TIDINGS_TESTS_SERVICE_FORWARDING_STORE_H_
