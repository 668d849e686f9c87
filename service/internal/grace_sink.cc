// Copyright 2026 The Tidings Authors.

#include "service/internal/grace_sink.h"

#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace tidings::service::internal {

struct GraceSink::Shared {
  absl::Mutex mu;
  // The batches waiting for their answer, by a number of their own.
  absl::flat_hash_map<uint64_t, Done> waiting ABSL_GUARDED_BY(mu);
  uint64_t next_id ABSL_GUARDED_BY(mu) = 0;
  std::optional<absl::Status> abandoned ABSL_GUARDED_BY(mu);
};

GraceSink::GraceSink(IngestSink* inner, std::function<uint64_t()> head)
    : inner_(inner),
      head_(std::move(head)),
      shared_(std::make_shared<Shared>()) {}

GraceSink::~GraceSink() = default;

void GraceSink::Submit(std::vector<storage::PendingArticle> batch, Done done) {
  uint64_t id = 0;
  std::optional<absl::Status> abandoned;
  {
    absl::MutexLock lock(&shared_->mu);
    abandoned = shared_->abandoned;
    if (!abandoned.has_value()) {
      id = shared_->next_id++;
      shared_->waiting.emplace(id, std::move(done));
    }
  }
  if (abandoned.has_value()) {
    done(*abandoned, head_());
    return;
  }
  inner_->Submit(std::move(batch),
                 [shared = shared_, id](
                     absl::StatusOr<std::vector<storage::AppendResult>> results,
                     uint64_t head) {
                   Done mine;
                   {
                     absl::MutexLock lock(&shared->mu);
                     auto it = shared->waiting.find(id);
                     if (it == shared->waiting.end())
                       return;  // Abandoned: dropped.
                     mine = std::move(it->second);
                     shared->waiting.erase(it);
                   }
                   mine(std::move(results), head);
                 });
}

size_t GraceSink::Abandon(absl::Status status) {
  absl::flat_hash_map<uint64_t, Done> waiting;
  {
    absl::MutexLock lock(&shared_->mu);
    if (!shared_->abandoned.has_value()) shared_->abandoned = status;
    waiting.swap(shared_->waiting);
  }
  const uint64_t head = head_();
  for (auto& [id, done] : waiting) done(status, head);
  return waiting.size();
}

}  // namespace tidings::service::internal
