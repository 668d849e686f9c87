// Copyright 2026 The Tidings Authors.

#include "service/internal/cluster_ingest.h"

#include <atomic>
#include <memory>
#include <random>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "service/internal/log_record_codec.h"

namespace tidings::service::internal {
namespace {

// 64 random bits, drawn once per process: PublishId()'s prefix.
uint64_t ProcessNonce() {
  static const uint64_t nonce = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }();
  return nonce;
}

// The answers of one Submit(), filled from log and applier threads.
struct BatchState {
  explicit BatchState(size_t n, IngestSink::Done d, storage::SignalStore* store)
      : results(n), remaining(n), done(std::move(d)), store(store) {}

  // Answers the articles `ks` of the batch: with `r`, one result per
  // article, or its error.
  void Answer(const std::vector<size_t>& ks,
              absl::StatusOr<std::vector<storage::AppendResult>> r) {
    {
      absl::MutexLock lock(&mu);
      if (r.ok() && r->size() != ks.size()) {
        r = absl::InternalError(absl::StrCat("the replica answered ", r->size(),
                                             " articles of a log record of ",
                                             ks.size()));
      }
      if (r.ok()) {
        for (size_t i = 0; i < ks.size(); ++i) {
          results[ks[i]] = std::move((*r)[i]);
        }
      } else if (error.ok()) {
        error = r.status();
      }
      remaining -= ks.size();
      if (remaining > 0) return;
    }
    // The last answer: nobody else touches the state now.
    if (!error.ok()) {
      done(error, store->head_seq());
    } else {
      done(std::move(results), store->head_seq());
    }
  }

  absl::Mutex mu;
  std::vector<storage::AppendResult> results ABSL_GUARDED_BY(mu);
  absl::Status error ABSL_GUARDED_BY(mu);
  size_t remaining ABSL_GUARDED_BY(mu);
  IngestSink::Done done;
  storage::SignalStore* const store;
};

}  // namespace

std::string PublishId() {
  static std::atomic<uint64_t> counter{0};
  return absl::StrFormat("p:%016x%016x", ProcessNonce(),
                         counter.fetch_add(1, std::memory_order_relaxed));
}

ClusterIngest::ClusterIngest(cluster::SignalLog* log, ReplicaApplier* applier,
                             storage::SignalStore* store,
                             std::function<absl::Time()> clock,
                             RecordLimits limits)
    : log_(log),
      applier_(applier),
      store_(store),
      clock_(std::move(clock)),
      limits_(limits) {}

void ClusterIngest::Submit(std::vector<storage::PendingArticle> batch,
                           Done done) {
  auto state =
      std::make_shared<BatchState>(batch.size(), std::move(done), store_);
  EncodedBatch encoded = EncodeLogRecords(batch, clock_(), limits_);
  for (auto& [k, status] : encoded.refused) state->Answer({k}, status);
  for (EncodedRecord& r : encoded.records) {
    std::vector<std::string> keys;
    keys.reserve(r.articles.size());
    for (size_t k : r.articles) {
      keys.push_back(std::move(batch[k].idempotency_key));
    }
    cluster::OutgoingRecord record;
    record.data = std::move(r.bytes);
    record.dedup_id = PublishId();
    log_->PublishAsync(
        std::move(record),
        [this, state, ks = std::move(r.articles), keys = std::move(keys)](
            absl::StatusOr<cluster::PublishAck> ack) mutable {
          if (!ack.ok()) {
            state->Answer(ks, ack.status());
            return;
          }
          // (A log duplicate is this publish's own earlier attempt, whose
          // ack was lost: the replica's result for that record says
          // whether each article was new.)
          applier_->WhenApplied(
              ack->seq, std::move(keys),
              [state, ks = std::move(ks)](
                  absl::StatusOr<std::vector<storage::AppendResult>> r) {
                state->Answer(ks, std::move(r));
              });
        });
  }
}

}  // namespace tidings::service::internal
