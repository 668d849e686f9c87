// Copyright 2026 The Tidings Authors.

#include "service/internal/subscribe_reactor.h"

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "service/convert.h"
#include "service/hub.h"
#include "service/internal/cursor_stream.h"
#include "service/internal/log_reader.h"
#include "service/internal/metrics.h"
#include "service/internal/recent_signals.h"
#include "service/internal/wire.h"
#include "service/log.h"

namespace tidings::service::internal {
namespace {

// A cursor over the signal log with heartbeats: replays from the start,
// then waits on the hub for the head to move.
class SubscribeReactor final : public CursorStream<grpc::ByteBuffer>,
                               public Hub::Listener {
 public:
  SubscribeReactor(ServiceCore* core, SignalFilter filter, SubscribeStart start,
                   std::string peer)
      : CursorStream(core),
        filter_(std::move(filter)),
        start_(start),
        peer_(std::move(peer)) {}

  // Registers with the hub and schedules the first read (which resolves the
  // start and sends the first heartbeat). Called once, from the handler.
  void Begin() {
    absl::Status added = core_->deps.hub->Add(this);
    {
      absl::MutexLock lock(&mu_);
      if (!added.ok()) {
        RequestFinishLocked(ToGrpc(added));
      } else {
        registered_ = true;
        known_head_ = core_->deps.hub->head();
        live_after_ = known_head_;
        StartReadLocked();
      }
    }
    Pump();
  }

  // Hub::Listener.
  void OnHead(uint64_t head) override {
    absl::MutexLock lock(&mu_);
    known_head_ = std::max(known_head_, head);
    MaybeReadLocked();
  }
  void OnTick() override {
    absl::MutexLock lock(&mu_);
    if (!started_ || finish_requested()) return;
    heartbeat_due_ = true;
    SchedulePumpLocked();
  }
  void OnClose() override {
    absl::MutexLock lock(&mu_);
    RequestFinishLocked(Unavailable(
        absl::StrCat(kShuttingDown, " with from_seq = the last seq received")));
    SchedulePumpLocked();
  }
  // Lag counts from the start: 0 until the start is resolved.
  uint64_t LagBehind(uint64_t head) override {
    absl::MutexLock lock(&mu_);
    if (!started_) return 0;
    const uint64_t handed = HandedThroughLocked(position_);
    return head > handed ? head - handed : 0;
  }

 private:
  void Detach() override {
    if (registered_) core_->deps.hub->Remove(this);
    LogEnd();
  }

  // Why the stream ended (a Subscribe never ends OK): the client went away
  // (CANCELLED), the cursor could not go on, or the server shut down (debug
  // only: one line per subscriber would bury the shutdown steps).
  void LogEnd() {
    grpc::Status status;
    uint64_t position;
    {
      absl::MutexLock lock(&mu_);
      status = finish_status();
      position = position_;
    }
    const uint64_t head = core_->deps.store->head_seq();
    Log(core_->shutting_down.load(std::memory_order_acquire) ? LogLevel::kDebug
                                                             : LogLevel::kInfo,
        "subscriber ended",
        {{"peer", peer_},
         {"code", absl::StatusCodeToString(
                      static_cast<absl::StatusCode>(status.error_code()))},
         {"reason", status.error_message()},
         {"position", position},
         {"lag", head > position ? head - position : 0}});
  }

  // Ingest-to-deliver latency, for live signals only: those committed after
  // the stream began. A replay of history would measure the history's age.
  void OnHanded(const SignalTag& tag) override {
    if (tag.seq > live_after_) {
      Metrics::Delivered(core_->deps.metrics,
                         core_->deps.clock() - tag.ingested_at);
    }
  }

  bool WantReadLocked() const override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return started_ && position_ < known_head_;
  }

  bool TakeExtraLocked(grpc::ByteBuffer* msg) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!heartbeat_due_) return false;
    heartbeat_due_ = false;
    v1::SubscribeEvent event;
    v1::Heartbeat* hb = event.mutable_heartbeat();
    hb->set_head_seq(
        std::max(core_->deps.store->head_seq(), core_->deps.hub->head()));
    ToProto(core_->deps.clock(), hb->mutable_server_time());
    hb->set_store_id(core_->deps.store->store_id());
    SerializeTo(event, msg);
    return true;
  }

  struct Out {
    grpc::ByteBuffer event;  // A serialised SubscribeEvent.
    size_t bytes;
    SignalTag tag;
  };

  // Reads (after, end] from the recent signals when they hold seq after + 1
  // and the filter sees the default view (the server's min_relevance):
  // shares their serialised events, no storage read, copy or serialisation.
  // Fills `out` within `room` events and about `room_bytes` bytes, and sets
  // `*position` to the last seq considered. False: read storage instead.
  bool ReadRecent(uint64_t after, uint64_t end, size_t room, size_t room_bytes,
                  std::vector<Out>* out, uint64_t* position) const {
    const RecentSignals* recent = core_->deps.recent;
    if (recent == nullptr ||
        filter_.min_relevance() != recent->min_relevance() ||
        after + 1 < core_->deps.store->first_seq()) {  // Trimmed: storage says.
      return false;
    }
    std::vector<RecentSignal> signals;
    if (!recent->Read(after, end, kMaxVisitPerRead, &signals)) return false;
    size_t bytes = 0;
    *position = after;
    for (const RecentSignal& r : signals) {
      *position = r.seq;
      if (!filter_.PreMatch(*r.view) || !filter_.MatchesEntities(*r.view)) {
        continue;
      }
      grpc::Slice slice =
          filter_.view() == v1::SIGNAL_VIEW_COMPACT ? r.compact_event : r.event;
      const size_t size = slice.size();
      out->push_back(Out{grpc::ByteBuffer(&slice, 1), size,
                         SignalTag{r.seq, FromProto(r.view->ingested_at())}});
      bytes += size;
      if (out->size() >= room || bytes >= room_bytes) break;
    }
    return true;
  }

  absl::StatusOr<uint64_t> ResolveStart() const {
    switch (start_.from) {
      case SubscribeStart::kSeq:
        return start_.seq;
      case SubscribeStart::kTime:
        return core_->deps.store->SeqBeforeTime(start_.time);
      case SubscribeStart::kNow:
        break;
    }
    return core_->deps.store->head_seq();
  }

  void Read() override {
    uint64_t after;
    size_t room, room_bytes;
    {
      absl::MutexLock lock(&mu_);
      if (finish_requested()) {
        reading_ = false;
        return;
      }
      after = position_;
      room = RoomLocked();
      room_bytes = RoomBytesLocked();
    }
    if (!started_unlocked_) {
      absl::StatusOr<uint64_t> start = ResolveStart();
      absl::MutexLock lock(&mu_);
      if (!start.ok()) {
        reading_ = false;
        RequestFinishLocked(
            StorageError(start.status(), "finding the start of the stream"));
        SchedulePumpLocked();
        return;
      }
      if (const uint64_t first = core_->deps.store->first_seq();
          *start + 1 < first) {
        // The client would miss the signals below `first`.
        reading_ = false;
        RequestFinishLocked(
            BelowRetained(core_, first, SubscribeResume(first)));
        SchedulePumpLocked();
        return;
      }
      started_unlocked_ = true;
      started_ = true;
      position_ = after = *start;
      heartbeat_due_ = true;  // The first message: where the log stands.
    }
    const uint64_t head = core_->deps.store->head_seq();
    Chunk chunk;
    chunk.position = after;
    std::vector<Out> out;
    if (head > after && room > 0 && room_bytes > 0 &&
        !ReadRecent(after, head, room, room_bytes, &out, &chunk.position)) {
      if (std::exchange(live_, false)) {
        // It was served from memory and has fallen out of it: a slow
        // client (or a burst), now served from storage.
        Log(LogLevel::kInfo, "subscriber fell behind, reading storage",
            {{"peer", peer_},
             {"position", after},
             {"head", head},
             {"lag", head - after}});
      }
      chunk = ReadChunk(*core_->deps.store, filter_, &index_cursor_, after,
                        head, room, room_bytes, kMaxVisitPerRead);
      v1::SubscribeEvent event;
      for (size_t i = 0; i < chunk.signals.size(); ++i) {
        const v1::Signal& s = chunk.signals[i];
        Out o{grpc::ByteBuffer(), chunk.sizes[i],
              SignalTag{s.seq(), FromProto(s.ingested_at())}};
        event.mutable_signal()->Swap(&chunk.signals[i]);
        SerializeTo(event, &o.event);
        out.push_back(std::move(o));
      }
    } else if (!out.empty() && !live_) {
      live_ = true;
      Log(LogLevel::kDebug, "subscriber caught up, reading memory",
          {{"peer", peer_}, {"position", after}, {"head", head}});
    }
    {
      absl::MutexLock lock(&mu_);
      reading_ = false;
      known_head_ = std::max(known_head_, head);
      if (absl::IsOutOfRange(chunk.status)) {
        // A trim overtook the cursor: never skip silently. (Signals read
        // before it are queued and still delivered first.)
        const uint64_t first = core_->deps.store->first_seq();
        RequestFinishLocked(
            BelowRetained(core_, first, SubscribeResume(first)));
      } else if (!chunk.status.ok()) {
        RequestFinishLocked(StorageError(
            chunk.status,
            "reading the signal log failed; resubscribe with from_seq = the "
            "last seq received"));
      } else if (!finish_requested()) {
        const bool progressed = chunk.position > position_;
        position_ = std::max(position_, chunk.position);
        for (Out& o : out) PushLocked(std::move(o.event), o.bytes, o.tag);
        // Without progress the hub's next head wakes us (no busy loop).
        if (progressed) MaybeReadLocked();
      }
    }
    Pump();
  }

  const SignalFilter filter_;
  const SubscribeStart start_;
  const std::string peer_;
  bool registered_ = false;  // Set in Begin(), read in OnDone.
  // The hub's head when the stream began: later seqs are live. Set in
  // Begin() before the first read, read by OnHanded() after it.
  uint64_t live_after_ = 0;
  // Touched only by Read() (one at a time).
  bool started_unlocked_ = false;
  bool live_ = false;  // Last read from the recent signals (memory).
  IndexCursor index_cursor_;
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t position_ ABSL_GUARDED_BY(mu_) = 0;  // Last seq considered.
  uint64_t known_head_ ABSL_GUARDED_BY(mu_) = 0;
  bool heartbeat_due_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace

grpc::ServerWriteReactor<grpc::ByteBuffer>* NewSubscribeReactor(
    ServiceCore* core, SignalFilter filter, SubscribeStart start,
    std::string peer) {
  auto* reactor =
      new SubscribeReactor(core, std::move(filter), start, std::move(peer));
  reactor->Begin();
  return reactor;
}

}  // namespace tidings::service::internal
