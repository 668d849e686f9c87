// Copyright 2026 The Tidings Authors.

#include "service/internal/cluster_ingest.h"

#include <algorithm>
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

  // Answers the articles `ks` of the batch: with `r[from..from+ks.size())`,
  // one result per article, or its error.
  void Answer(const std::vector<size_t>& ks,
              absl::StatusOr<std::vector<storage::AppendResult>>* r,
              size_t from = 0) {
    {
      absl::MutexLock lock(&mu);
      if (r->ok()) {
        for (size_t i = 0; i < ks.size(); ++i) {
          results[ks[i]] = std::move((**r)[from + i]);
        }
      } else if (error.ok()) {
        error = r->status();
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
  void Fail(const std::vector<size_t>& ks, absl::Status status) {
    absl::StatusOr<std::vector<storage::AppendResult>> r = std::move(status);
    Answer(ks, &r);
  }

  absl::Mutex mu;
  std::vector<storage::AppendResult> results ABSL_GUARDED_BY(mu);
  absl::Status error ABSL_GUARDED_BY(mu);
  size_t remaining ABSL_GUARDED_BY(mu);
  IngestSink::Done done;
  storage::SignalStore* const store;
};

// The articles of one batch within a record: which of the batch's, in
// record order (they are consecutive in the record).
struct Span {
  std::shared_ptr<BatchState> state;
  std::vector<size_t> ks;
};

}  // namespace

struct ClusterIngest::Queued {
  std::vector<storage::PendingArticle> batch;
  std::shared_ptr<BatchState> state;
};

std::string PublishId() {
  static std::atomic<uint64_t> counter{0};
  return absl::StrFormat("p:%016x%016x", ProcessNonce(),
                         counter.fetch_add(1, std::memory_order_relaxed));
}

ClusterIngest::ClusterIngest(cluster::SignalLog* log, ReplicaApplier* applier,
                             storage::SignalStore* store,
                             std::function<absl::Time()> clock, Options options)
    : log_(log),
      applier_(applier),
      store_(store),
      clock_(std::move(clock)),
      options_(options) {}

ClusterIngest::~ClusterIngest() = default;

void ClusterIngest::Submit(std::vector<storage::PendingArticle> batch,
                           Done done) {
  auto state =
      std::make_shared<BatchState>(batch.size(), std::move(done), store_);
  std::vector<Queued> group;
  const size_t n = batch.size();
  {
    absl::MutexLock lock(&mu_);
    if (groups_in_flight_ < std::max(1, options_.max_groups_in_flight)) {
      ++groups_in_flight_;
      group.push_back(Queued{std::move(batch), state});
    } else if (queued_articles_ + n <= options_.max_queued_articles) {
      queued_articles_ += n;
      queue_.push_back(Queued{std::move(batch), std::move(state)});
      return;  // The ack of the group in flight publishes it.
    }
  }
  if (group.empty()) {  // Too much waits already.
    std::vector<size_t> all(n);
    for (size_t k = 0; k < n; ++k) all[k] = k;
    state->Fail(all, absl::ResourceExhaustedError(absl::StrCat(
                         options_.max_queued_articles,
                         " articles already wait for the cluster log (it is "
                         "slow or unreachable); retry later")));
    return;
  }
  Publish(std::move(group));
}

void ClusterIngest::Released() {
  std::vector<Queued> group;
  {
    absl::MutexLock lock(&mu_);
    if (queue_.empty()) {
      --groups_in_flight_;
      return;
    }
    group.swap(queue_);  // Keeps the slot.
    queued_articles_ = 0;
  }
  Publish(std::move(group));
}

void ClusterIngest::Publish(std::vector<Queued> group) {
  // The group's articles in order, and whose each is.
  std::vector<storage::PendingArticle> articles;
  std::vector<std::pair<size_t, size_t>> owner;  // (queued, k)
  if (group.size() == 1) {
    articles = std::move(group.front().batch);
    for (size_t k = 0; k < articles.size(); ++k) owner.emplace_back(0, k);
  } else {
    for (size_t q = 0; q < group.size(); ++q) {
      for (size_t k = 0; k < group[q].batch.size(); ++k) {
        articles.push_back(std::move(group[q].batch[k]));
        owner.emplace_back(q, k);
      }
    }
  }
  EncodedBatch encoded = EncodeLogRecords(articles, clock_(), options_.limits);
  for (auto& [i, status] : encoded.refused) {
    group[owner[i].first].state->Fail({owner[i].second}, status);
  }
  if (encoded.records.empty()) {
    Released();
    return;
  }
  // The group's slot is released once the log answered its last record.
  auto unanswered =
      std::make_shared<std::atomic<size_t>>(encoded.records.size());
  for (EncodedRecord& r : encoded.records) {
    std::vector<std::string> keys;
    std::vector<Span> spans;
    keys.reserve(r.articles.size());
    for (size_t i : r.articles) {
      keys.push_back(std::move(articles[i].idempotency_key));
      const auto [q, k] = owner[i];
      if (spans.empty() || spans.back().state != group[q].state) {
        spans.push_back(Span{group[q].state, {}});
      }
      spans.back().ks.push_back(k);
    }
    cluster::OutgoingRecord record;
    record.data = std::move(r.bytes);
    record.dedup_id = PublishId();
    // Until its waiter is registered, the replica syncs every run it
    // applies (one may hold this record).
    applier_->PublishStarting();
    log_->PublishAsync(
        std::move(record),
        [this, unanswered, spans = std::move(spans), keys = std::move(keys)](
            absl::StatusOr<cluster::PublishAck> ack) mutable {
          if (!ack.ok()) {
            for (Span& s : spans) s.state->Fail(s.ks, ack.status());
          } else {
            // (A log duplicate is this publish's own earlier attempt, whose
            // ack was lost: the replica's result for that record says
            // whether each article was new.)
            const size_t n = keys.size();
            applier_->WhenApplied(
                ack->seq, std::move(keys),
                [spans = std::move(spans),
                 n](absl::StatusOr<std::vector<storage::AppendResult>> r) {
                  if (r.ok() && r->size() != n) {
                    r = absl::InternalError(
                        absl::StrCat("the replica answered ", r->size(),
                                     " articles of a log record of ", n));
                  }
                  size_t from = 0;
                  for (const Span& s : spans) {
                    s.state->Answer(s.ks, &r, from);
                    from += s.ks.size();
                  }
                });
          }
          applier_->PublishSettled();
          if (unanswered->fetch_sub(1) == 1) Released();
        });
  }
}

}  // namespace tidings::service::internal
