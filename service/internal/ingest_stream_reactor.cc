// Copyright 2026 The Tidings Authors.

#include "service/internal/ingest_stream_reactor.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <optional>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "service/convert.h"
#include "service/internal/committer.h"
#include "service/internal/ingest.h"
#include "service/internal/metrics.h"
#include "service/internal/pooled_reactor.h"
#include "service/internal/wire.h"

namespace tidings::service::internal {
namespace {

// Articles in, one result per article out, in order, each only once durable.
// Consecutive articles are grouped into one batch (and the committer groups
// batches across connections). At most max_batch articles (and about
// max_request_bytes of article text) are in flight, read but not yet
// answered; beyond that reading pauses, so a publisher that does not read
// its results is slowed down, not buffered.
//
// The stream is read as raw bytes (ServiceBase in tidings_service.h) and
// each message parsed here: one that does not parse is answered with
// INVALID_ARGUMENT in its own result, and the stream goes on.
class IngestStreamReactor final
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
      public StreamRegistry::Member,
      private PooledReactor {
 public:
  explicit IngestStreamReactor(ServiceCore* core)
      : PooledReactor(core->deps.pool),
        core_(core),
        max_in_flight_(std::max<uint32_t>(core->options.max_batch, 1)) {}

  void Begin() {
    absl::Status added = core_->ingest_streams.Add(this);
    {
      absl::MutexLock lock(&mu_);
      if (!added.ok()) {
        RequestFinishLocked(ToGrpc(added));
      } else {
        registered_ = true;
      }
    }
    Pump();
  }

  void OnReadDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (!ok) {
        read_done_ = true;
      } else if (!finish_requested()) {
        AdmitLocked(next_index_++);
        MaybeProcessLocked();
      }
      in_.Clear();
    }
    Pump();
  }

  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {
        cancelled_ = true;
        RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED,
                                         "the stream broke during a write"));
      }
    }
    Pump();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      cancelled_ = true;
      RequestFinishLocked(
          grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
    }
    Pump();
  }

  void OnDone() override {
    if (registered_) core_->ingest_streams.Remove(this);
    Unref();
  }

  // StreamRegistry::Member: shutdown. Articles being stored get their
  // results; the ones not yet started are dropped (never acknowledged).
  void Close() override {
    absl::MutexLock lock(&mu_);
    RequestFinishLocked(Unavailable(
        absl::StrCat(kShuttingDown,
                     "; articles without a result were not stored: send "
                     "them again")));
    SchedulePumpLocked();
  }

 private:
  struct Slot {
    uint32_t index = 0;
    bool ready = false;
    v1::IngestResult result;
  };
  struct Unprocessed {
    uint32_t index;
    size_t bytes;
    v1::Article article;
  };

  // The message just read (in_), at `index` of the stream: answered at once
  // when it does not parse, is not valid or is over the in-flight cap;
  // otherwise queued for Process().
  void AdmitLocked(uint32_t index) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    Slot slot;
    slot.index = index;
    v1::Article article;
    grpc::Slice bytes;
    std::optional<v1::IngestResult> answer;
    if (absl::Status read = Flatten(in_, &bytes); !read.ok()) {
      answer.emplace();
      answer->set_index(index);
      SetError(read, &*answer);
    } else {
      answer = AdmitStreamMessage(SliceView(bytes), index,
                                  core_->options.max_article_bytes, &article);
    }
    const size_t article_bytes = answer ? 0 : ArticleBytes(article);
    uint64_t others = 0;
    if (!answer && !core_->inflight.TryAcquire(article_bytes, &others)) {
      // Refused for the global cap: answered at once, not stored; the
      // publisher sends it again later.
      answer.emplace();
      answer->set_index(index);
      answer->set_article_id(article.article_id());
      SetError(OverInflightCap(article_bytes, others, core_->inflight.cap()),
               &*answer);
    }
    if (answer) {
      Metrics::IngestRejected(core_->deps.metrics);
      slot.result = *std::move(answer);
      slot.ready = true;
    } else {
      in_flight_bytes_ += article_bytes;
      unprocessed_.push_back({index, article_bytes, std::move(article)});
    }
    slots_.push_back(std::move(slot));
  }

  void OnFinishRequestedLocked() override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    for (const Unprocessed& u : unprocessed_) {
      in_flight_bytes_ -= u.bytes;
      core_->inflight.Release(u.bytes);
    }
    unprocessed_.clear();
  }

  void MaybeProcessLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (processing_ || unprocessed_.empty() || finish_requested()) return;
    processing_ = true;
    Schedule([this] { Process(); });
  }

  // On the pool: prepares the articles read so far (up to max_batch) and
  // hands them to the committer as one batch.
  void Process() {
    std::vector<Unprocessed> take;
    size_t bytes = 0;
    {
      absl::MutexLock lock(&mu_);
      const size_t n =
          std::min<size_t>(unprocessed_.size(), core_->options.max_batch);
      for (size_t i = 0; i < n; ++i) {
        bytes += unprocessed_.front().bytes;
        take.push_back(std::move(unprocessed_.front()));
        unprocessed_.pop_front();
      }
    }
    std::vector<IndexedArticle> articles;
    articles.reserve(take.size());
    for (const Unprocessed& u : take) articles.push_back({u.index, &u.article});
    PreparedBatch batch =
        PrepareBatch(*core_->deps.scorer, *core_->deps.store,
                     core_->options.max_article_bytes, core_->deps.clock(),
                     articles, core_->deps.metrics);
    take.clear();  // The articles live on in `batch.pending` only.
    if (batch.pending.empty()) {
      Complete(std::move(batch.results), bytes);
      return;
    }
    std::vector<storage::PendingArticle> pending = std::move(batch.pending);
    Ref();  // For the committer's callback.
    IngestSink* sink = core_->deps.ingest != nullptr ? core_->deps.ingest
                                                     : core_->deps.committer;
    sink->Submit(std::move(pending),
                 [this, bytes, batch = std::move(batch)](
                     absl::StatusOr<std::vector<storage::AppendResult>> stored,
                     uint64_t head) mutable {
                   AnswerBatch(stored, &batch);
                   Complete(std::move(batch.results), bytes);
                   Unref();
                 });
  }

  // Marks the results ready, releases the `bytes` of their articles, starts
  // the next batch if articles are waiting.
  void Complete(std::vector<v1::IngestResult> results, size_t bytes) {
    {
      absl::MutexLock lock(&mu_);
      in_flight_bytes_ -= bytes;
      core_->inflight.Release(bytes);
      for (v1::IngestResult& r : results) {
        // Slots leave only from the front once written, and these were not
        // ready: the slot is still there.
        const uint32_t front = slots_.front().index;
        Slot& slot = slots_[r.index() - front];
        slot.result = std::move(r);
        slot.ready = true;
      }
      processing_ = false;
      MaybeProcessLocked();
    }
    Pump();
  }

  void Pump() override ABSL_LOCKS_EXCLUDED(mu_) {
    bool read = false, write = false, finish = false;
    grpc::Status status;
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      if (!writing_ && !cancelled_ && !slots_.empty() && slots_.front().ready) {
        SerializeTo(slots_.front().result, &current_);
        slots_.pop_front();
        writing_ = true;
        write = true;
      }
      if (!writing_ && !processing_) {
        if (finish_requested()) {
          finish = true;
          status = finish_status();
        } else if (read_done_ && slots_.empty()) {
          finish = true;
          status = grpc::Status::OK;
        }
        if (finish) finished_ = true;
      }
      if (!finish && !reading_ && !read_done_ && !finish_requested() &&
          slots_.size() < max_in_flight_ &&
          in_flight_bytes_ < core_->options.max_request_bytes) {
        reading_ = true;
        read = true;
      }
    }
    if (read) StartRead(&in_);
    if (write) StartWrite(&current_);
    if (finish) Finish(std::move(status));
  }

  ServiceCore* const core_;
  const size_t max_in_flight_;
  bool registered_ = false;   // Set in Begin(), read in OnDone.
  grpc::ByteBuffer in_;       // The read buffer; one read at a time.
  grpc::ByteBuffer current_;  // Being written; one write at a time.
  uint32_t next_index_ ABSL_GUARDED_BY(mu_) = 0;
  std::deque<Slot> slots_ ABSL_GUARDED_BY(mu_);  // Unanswered, in order.
  std::deque<Unprocessed> unprocessed_ ABSL_GUARDED_BY(mu_);
  // Bytes of the articles read and not yet stored (unprocessed_ and the
  // batch being processed).
  uint64_t in_flight_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool processing_ ABSL_GUARDED_BY(mu_) = false;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;
  bool read_done_ ABSL_GUARDED_BY(mu_) = false;
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
NewIngestStreamReactor(ServiceCore* core) {
  auto* reactor = new IngestStreamReactor(core);
  reactor->Begin();
  return reactor;
}

}  // namespace tidings::service::internal
