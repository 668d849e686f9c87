// Copyright 2026 The Tidings Authors.

#include "service/internal/query_reactor.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "service/internal/cursor_stream.h"
#include "service/internal/log_reader.h"
#include "service/internal/metrics.h"
#include "service/internal/wire.h"

namespace tidings::service::internal {
namespace {

// The Subscribe cursor over a fixed range, ending with OK.
class QueryReactor final : public CursorStream<grpc::ByteBuffer> {
 public:
  QueryReactor(ServiceCore* core, SignalFilter filter, TimeWindow ingested,
               uint64_t after_seq, uint32_t limit, bool batched)
      : CursorStream(core),
        filter_(std::move(filter)),
        ingested_(ingested),
        after_seq_(after_seq),
        limit_(limit),
        batched_(batched) {}

  void Begin() {
    {
      absl::MutexLock lock(&mu_);
      StartReadLocked();
    }
  }

 private:
  bool WantReadLocked() const override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return started_ && position_ < end_ && (limit_ == 0 || queued_ < limit_);
  }
  bool ExhaustedLocked() const override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return started_ && !WantReadLocked();
  }

  // The seq range (start, end] to scan: after_seq, and the jump by
  // ingested_at through the time index. *below_retained is set (and
  // *start is then meaningless) when after_seq or the since jump lies below
  // the retained range; with neither, a trimmed log is read from its first
  // retained seq.
  absl::Status Resolve(uint64_t* start, uint64_t* end,
                       bool* below_retained) const {
    const storage::SignalStore& store = *core_->deps.store;
    *below_retained = false;
    const uint64_t first = store.first_seq();
    *start = after_seq_;
    *end = store.head_seq();
    const bool jump = ingested_.since.has_value();
    if (jump) {
      absl::StatusOr<uint64_t> s = store.SeqBeforeTime(*ingested_.since);
      if (!s.ok()) return s.status();
      // 0 (or anything below first - 1) means signals ingested at or
      // after `since` were trimmed.
      *start = std::max(*start, *s);
    }
    if (ingested_.until) {
      absl::StatusOr<uint64_t> u = store.SeqBeforeTime(*ingested_.until);
      if (!u.ok()) return u.status();
      *end = std::min(*end, *u);
    }
    if (*start + 1 < first) {
      if (after_seq_ != 0 || jump) {
        // The caller asked for signals that were trimmed.
        *below_retained = true;
      } else {
        // Neither a cursor nor a since: the retained log is "everything".
        *start = first - 1;
      }
    }
    return absl::OkStatus();
  }

  void Read() override {
    uint64_t after, end;
    size_t room, room_bytes;
    {
      absl::MutexLock lock(&mu_);
      if (finish_requested()) {
        reading_ = false;
        return;
      }
      after = position_;
      end = end_;
      room = RoomLocked();
      room_bytes = RoomBytesLocked();
      if (batched_ && room > 0) {
        // One message of up to a batch.
        room = kBatchSignals;
        room_bytes = std::min(room_bytes, kBatchBytes);
      }
      if (limit_ != 0) room = std::min<size_t>(room, limit_ - queued_);
    }
    if (!started_unlocked_) {
      bool below_retained = false;
      absl::Status s = Resolve(&after, &end, &below_retained);
      absl::MutexLock lock(&mu_);
      if (!s.ok()) {
        reading_ = false;
        RequestFinishLocked(StorageError(s, "finding the query range"));
        SchedulePumpLocked();
        return;
      }
      if (below_retained) {
        const uint64_t first = core_->deps.store->first_seq();
        reading_ = false;
        RequestFinishLocked(BelowRetained(core_, first, QueryResume(first)));
        SchedulePumpLocked();
        return;
      }
      started_unlocked_ = true;
      started_ = true;
      position_ = after;
      end_ = end;
    }
    Chunk chunk;
    chunk.position = after;
    if (end > after && room > 0 && room_bytes > 0) {
      chunk = ReadChunk(*core_->deps.store, filter_, &index_cursor_, after, end,
                        room, room_bytes, kMaxVisitPerRead);
    }
    // Serialised here, on the pool, so that the stream's thread only writes.
    std::vector<grpc::ByteBuffer> out;
    std::vector<size_t> out_bytes;
    if (batched_) {
      if (!chunk.signals.empty()) {
        out.emplace_back();
        SerializeBatch(chunk.signals, &out.back());
        out_bytes.push_back(chunk.bytes);
      }
    } else {
      out.resize(chunk.signals.size());
      for (size_t i = 0; i < chunk.signals.size(); ++i) {
        SerializeTo(chunk.signals[i], &out[i]);
      }
      out_bytes = std::move(chunk.sizes);
    }
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      if (absl::IsOutOfRange(chunk.status)) {
        // A trim overtook the query while it read.
        const uint64_t first = core_->deps.store->first_seq();
        RequestFinishLocked(BelowRetained(core_, first, QueryResume(first)));
      } else if (!chunk.status.ok()) {
        RequestFinishLocked(
            StorageError(chunk.status,
                         "reading the signal log failed; query again with "
                         "after_seq = the last seq received"));
      } else if (!finish_requested()) {
        if (chunk.position <= position_ && chunk.signals.empty()) {
          end_ = position_;  // No progress possible: end here.
        }
        position_ = std::max(position_, chunk.position);
        queued_ += chunk.signals.size();
        Metrics::QuerySignals(core_->deps.metrics, chunk.signals.size());
        for (size_t i = 0; i < out.size(); ++i) {
          PushLocked(std::move(out[i]), out_bytes[i]);
        }
        MaybeReadLocked();
      }
    }
    Pump();
  }

  const SignalFilter filter_;
  const TimeWindow ingested_;
  const uint64_t after_seq_;
  const uint32_t limit_;
  const bool batched_;
  // Touched only by Read() (one at a time).
  bool started_unlocked_ = false;
  IndexCursor index_cursor_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t position_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t end_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t queued_ ABSL_GUARDED_BY(mu_) = 0;  // Signals queued in total.
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* NewQueryReactor(
    ServiceCore* core, SignalFilter filter, TimeWindow ingested,
    uint64_t after_seq, uint32_t limit, bool batched) {
  auto* reactor = new QueryReactor(core, std::move(filter), ingested, after_seq,
                                   limit, batched);
  reactor->Begin();
  return reactor;
}

}  // namespace tidings::service::internal
