// Copyright 2026 The Tidings Authors.

#include "service/internal/cluster_ingest.h"

#include <atomic>
#include <memory>
#include <optional>
#include <random>
#include <utility>

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

  void Answer(size_t k, absl::StatusOr<storage::AppendResult> r) {
    {
      absl::MutexLock lock(&mu);
      if (r.ok()) {
        results[k] = *std::move(r);
      } else if (error.ok()) {
        error = r.status();
      }
      if (--remaining > 0) return;
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
                             std::function<absl::Time()> clock)
    : log_(log), applier_(applier), store_(store), clock_(std::move(clock)) {}

void ClusterIngest::Submit(std::vector<storage::PendingArticle> batch,
                           Done done) {
  auto state =
      std::make_shared<BatchState>(batch.size(), std::move(done), store_);
  for (size_t k = 0; k < batch.size(); ++k) {
    storage::PendingArticle& a = batch[k];
    absl::StatusOr<std::string> bytes = EncodeLogRecord(a, clock_());
    if (!bytes.ok()) {
      state->Answer(k, bytes.status());
      continue;
    }
    cluster::OutgoingRecord record;
    record.data = *std::move(bytes);
    record.dedup_id = PublishId();
    log_->PublishAsync(
        std::move(record),
        [this, state, k, key = std::move(a.idempotency_key)](
            absl::StatusOr<cluster::PublishAck> ack) mutable {
          if (!ack.ok()) {
            state->Answer(k, ack.status());
            return;
          }
          // (A log duplicate is this publish's own earlier attempt, whose
          // ack was lost: the replica's result for that record says
          // whether the article was new.)
          applier_->WhenApplied(
              ack->seq, std::move(key),
              [state, k](absl::StatusOr<storage::AppendResult> r) mutable {
                state->Answer(k, std::move(r));
              });
        });
  }
}

}  // namespace tidings::service::internal
