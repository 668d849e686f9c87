// Copyright 2026 The Tidings Authors.

#include "service/internal/cluster_ingest.h"

#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "service/internal/log_record_codec.h"

namespace tidings::service::internal {
namespace {

constexpr size_t kMaxDedupId = 256;

uint64_t Fnv1a64(std::string_view s, uint64_t basis) {
  uint64_t h = basis;
  for (unsigned char c : s) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
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

std::string DedupId(std::string_view idempotency_key) {
  if (idempotency_key.size() <= kMaxDedupId) {
    return std::string(idempotency_key);
  }
  return absl::StrFormat("h:%016x%016x",
                         Fnv1a64(idempotency_key, 0xcbf29ce484222325ull),
                         Fnv1a64(idempotency_key, 0x84222325cbf29ce4ull));
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
    record.dedup_id = DedupId(a.idempotency_key);
    log_->PublishAsync(
        std::move(record),
        [this, state, k, key = std::move(a.idempotency_key)](
            absl::StatusOr<cluster::PublishAck> ack) mutable {
          if (!ack.ok()) {
            state->Answer(k, ack.status());
            return;
          }
          const bool log_duplicate = ack->duplicate;
          applier_->WhenApplied(
              ack->seq, std::move(key),
              [state, k,
               log_duplicate](absl::StatusOr<storage::AppendResult> r) mutable {
                if (r.ok() && log_duplicate) r->duplicate = true;
                state->Answer(k, std::move(r));
              });
        });
  }
}

}  // namespace tidings::service::internal
