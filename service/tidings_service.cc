// Copyright 2026 The Tidings Authors.

#include "service/tidings_service.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <deque>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "service/convert.h"
#include "service/internal/auth.h"
#include "service/internal/committer.h"
#include "service/internal/filter.h"
#include "service/internal/ingest.h"
#include "service/internal/wire.h"
#include "service/internal/work_pool.h"

namespace tidings::service {
namespace internal {

// The streams that must be ended at shutdown and are not hub listeners
// (IngestStream). Close() is called with the registry's lock held: it must
// only record the request and hand work to the pool.
class StreamRegistry {
 public:
  class Member {
   public:
    virtual ~Member() = default;
    virtual void Close() = 0;
  };

  absl::Status Add(Member* m) {
    absl::MutexLock lock(&mu_);
    if (closed_) return absl::UnavailableError("the server is shutting down");
    members_.insert(m);
    return absl::OkStatus();
  }
  void Remove(Member* m) {
    absl::MutexLock lock(&mu_);
    members_.erase(m);
  }
  void CloseAll() {
    absl::MutexLock lock(&mu_);
    if (closed_) return;
    closed_ = true;
    for (Member* m : members_) m->Close();
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_set<Member*> members_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

// The global budget of ingest bytes in flight (ServerOptions::
// max_inflight_bytes). Lock-free; a request is admitted when it fits, or when
// nothing else is in flight (so one request larger than the cap still goes).
class ByteBudget {
 public:
  void set_cap(uint64_t cap) { cap_ = cap; }
  uint64_t cap() const { return cap_; }

  // Takes `n` bytes; false (nothing taken) when over the cap. On failure
  // `*in_flight` is what was in flight.
  bool TryAcquire(uint64_t n, uint64_t* in_flight) {
    if (cap_ == 0) return true;
    uint64_t cur = used_.load(std::memory_order_relaxed);
    do {
      if (cur != 0 && (n > cap_ || cur > cap_ - n)) {
        *in_flight = cur;
        return false;
      }
    } while (
        !used_.compare_exchange_weak(cur, cur + n, std::memory_order_acq_rel));
    return true;
  }
  void Release(uint64_t n) {
    if (cap_ != 0 && n != 0) used_.fetch_sub(n, std::memory_order_acq_rel);
  }

 private:
  uint64_t cap_ = 0;
  std::atomic<uint64_t> used_{0};
};

struct ServiceCore {
  ServerOptions options;
  TidingsService::Deps deps;
  StreamRegistry ingest_streams;
  ByteBudget inflight;
  std::atomic<bool> shutting_down{false};
};

}  // namespace internal

namespace {

using internal::Chunk;
using internal::ReadChunk;
using internal::ServiceCore;
using internal::SignalFilter;
using internal::TimeWindow;

// Stored signals visited per storage read, so that a read task stays short
// and a cursor far behind shares the pool with everyone else.
constexpr size_t kMaxVisitPerRead = 4096;

const char kShuttingDown[] =
    "the server is shutting down; reconnect (to another server) and resume";

grpc::Status Unavailable(std::string message) {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE, std::move(message));
}

grpc::Status InvalidArgument(std::string message) {
  return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, std::move(message));
}

// A storage failure on the way out: UNAVAILABLE stays (retry), anything else
// keeps its code; the message says what failed.
grpc::Status StorageError(const absl::Status& s, const char* what) {
  return grpc::Status(static_cast<grpc::StatusCode>(s.code()),
                      absl::StrCat(what, ": ", std::string(s.message())));
}

// " (retention 72h)", or "" when the server has no retention configured
// (an injected store may still have been trimmed).
std::string RetentionNote(const ServiceCore* core) {
  if (core->options.retention <= absl::ZeroDuration()) return "";
  return absl::StrCat(" (retention ",
                      absl::FormatDuration(core->options.retention), ")");
}

// A cursor that would miss trimmed signals: OUT_OF_RANGE naming the first
// retained seq. `resume` says how to start again.
grpc::Status BelowRetained(const ServiceCore* core, uint64_t first,
                           const std::string& resume) {
  return grpc::Status(
      grpc::StatusCode::OUT_OF_RANGE,
      absl::StrCat("signals before seq ", first, " are no longer retained",
                   RetentionNote(core), "; first available seq is ", first,
                   "; ", resume));
}

std::string SubscribeResume(uint64_t first) {
  return absl::StrCat("resume with from_seq >= ", first - 1,
                      " or a from_time inside the retained range");
}

std::string QueryResume(uint64_t first) {
  return absl::StrCat("query again with after_seq >= ", first - 1,
                      " (or a later since)");
}

// How long a publisher refused for the in-flight byte cap should wait, in
// the trailing metadata kRetryAfterKey.
constexpr int kRetryAfterMs = 500;
constexpr char kRetryAfterKey[] = "tidings-retry-after-ms";

absl::Status OverInflightCap(uint64_t bytes, uint64_t in_flight, uint64_t cap) {
  return absl::ResourceExhaustedError(absl::StrCat(
      "the server is busy: ", in_flight, " bytes of ingest are in flight and ",
      bytes, " more would exceed the limit of ", cap,
      " bytes (max_inflight_bytes); nothing was stored, retry in about ",
      kRetryAfterMs, " ms with backoff"));
}

// Article bytes an ingest holds in flight.
uint64_t ArticleBytes(const v1::Article& a) {
  return a.body().size() + a.title().size();
}

// The "authorization" metadata of a call, if sent.
std::optional<std::string_view> AuthorizationOf(
    const grpc::CallbackServerContext* context) {
  const auto& md = context->client_metadata();
  auto it = md.find("authorization");
  if (it == md.end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

// OK when access control is off or the call's token has `role`.
grpc::Status CheckAccess(const ServiceCore* core,
                         const grpc::CallbackServerContext* context,
                         internal::Role role, const char* method) {
  if (core->deps.tokens == nullptr) return grpc::Status::OK;
  absl::Status s = internal::Authorize(*core->deps.tokens,
                                       AuthorizationOf(context), role, method);
  return s.ok() ? grpc::Status::OK : ToGrpc(s);
}

// The checks every call starts with: the server is not shutting down, and
// the caller may call `method` (see CheckAccess).
grpc::Status Admit(const ServiceCore* core,
                   const grpc::CallbackServerContext* context,
                   internal::Role role, const char* method) {
  if (core->shutting_down.load(std::memory_order_acquire)) {
    return Unavailable(kShuttingDown);
  }
  return CheckAccess(core, context, role, method);
}

grpc::Status BatchTooLarge(int size, uint32_t limit) {
  return InvalidArgument(
      absl::StrCat("the request has ", size, " articles, over the limit of ",
                   limit, " (max_batch); split it into smaller requests"));
}

// Admit() for a publishing call carrying `articles` articles: also checks
// the batch against max_batch.
grpc::Status AdmitBatch(const ServiceCore* core,
                        const grpc::CallbackServerContext* context,
                        const char* method, int articles) {
  if (grpc::Status admit = Admit(core, context, internal::kRolePublish, method);
      !admit.ok()) {
    return admit;
  }
  if (static_cast<uint32_t>(articles) > core->options.max_batch) {
    return BatchTooLarge(articles, core->options.max_batch);
  }
  return grpc::Status::OK;
}

// A server-streaming reactor that fails at once (bad request, shutdown).
template <typename Msg>
class FailedWriter final : public grpc::ServerWriteReactor<Msg> {
 public:
  explicit FailedWriter(grpc::Status status) {
    this->Finish(std::move(status));
  }
  void OnDone() override { delete this; }
};

// A bidi reactor that fails at once (access denied).
template <typename In, typename Out>
class FailedBidi final : public grpc::ServerBidiReactor<In, Out> {
 public:
  explicit FailedBidi(grpc::Status status) { this->Finish(std::move(status)); }
  void OnDone() override { delete this; }
};

// ---------------------------------------------------------------------------
// CursorStream: the write side shared by Subscribe and Query. A bounded queue
// of messages read from storage by tasks on the pool, one write in flight,
// Finish only with no write outstanding.
//
// Lifetime: the object is reference counted. gRPC holds one reference until
// OnDone; every task handed to the pool holds one. The last Unref deletes.
// gRPC operations (StartWrite, Finish) are started only from reactions or
// from pool tasks (which hold a reference), never with mu_ held.

template <typename Msg>
class CursorStream : public grpc::ServerWriteReactor<Msg> {
 public:
  void OnWriteDone(bool ok) override {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (!ok) {
        RequestFinishLocked(grpc::Status(grpc::StatusCode::CANCELLED,
                                         "the stream broke during a write"));
      } else {
        MaybeReadLocked();
      }
    }
    Pump();
  }

  void OnCancel() override {
    {
      absl::MutexLock lock(&mu_);
      RequestFinishLocked(
          grpc::Status(grpc::StatusCode::CANCELLED, "cancelled by the client"));
    }
    Pump();
  }

  void OnDone() override {
    Detach();
    Unref();
  }

 protected:
  explicit CursorStream(ServiceCore* core)
      : core_(core),
        buffer_(std::max<size_t>(core->options.subscriber_buffer, 1)),
        low_water_(buffer_ / 2),
        max_bytes_(
            std::max<uint64_t>(core->options.subscriber_buffer_bytes, 1)) {}
  ~CursorStream() override = default;

  // Reads the next chunk on the pool; ends by clearing reading_ and calling
  // Pump(). Scheduled by MaybeReadLocked().
  virtual void Read() = 0;
  // Whether there is more to read now.
  virtual bool WantReadLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) = 0;
  // A message to send before the queued ones (a heartbeat), if any.
  virtual bool TakeExtraLocked(Msg* msg) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return false;
  }
  // Everything has been read: Finish(OK) once the queue is drained.
  virtual bool ExhaustedLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return false;
  }
  // Called from OnDone, before the last reference is dropped.
  virtual void Detach() {}

  // Schedules Read() when there is room, more to read and no read running.
  void MaybeReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (reading_ || finish_requested_ || queue_.size() > low_water_ ||
        queued_bytes_ > max_bytes_ / 2 || !WantReadLocked()) {
      return;
    }
    reading_ = true;
    Schedule([this] { Read(); });
  }

  // Schedules Pump() on the pool (for callers that may not start gRPC
  // operations themselves: hub callbacks).
  void SchedulePumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (pump_scheduled_) return;
    pump_scheduled_ = true;
    Schedule([this] {
      {
        absl::MutexLock lock(&mu_);
        pump_scheduled_ = false;
      }
      Pump();
    });
  }

  // Ends the stream with `status` once no write is outstanding; drops what
  // is queued. The first request wins.
  void RequestFinishLocked(grpc::Status status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finish_requested_) return;
    finish_requested_ = true;
    finish_status_ = std::move(status);
    queue_.clear();
    queued_bytes_ = 0;
  }

  bool finishing() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return finish_requested_;
  }

  // Free queue slots and bytes.
  size_t RoomLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.size() >= buffer_ ? 0 : buffer_ - queue_.size();
  }
  size_t RoomBytesLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queued_bytes_ >= max_bytes_ ? 0 : max_bytes_ - queued_bytes_;
  }

  // Queues a message of `bytes` serialized bytes.
  void PushLocked(Msg msg, size_t bytes) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    queue_.push_back(Queued{std::move(msg), bytes});
    queued_bytes_ += bytes;
  }

  // Starts the next write, or Finish, if due. Call with mu_ not held, from a
  // reaction or a pool task.
  void Pump() ABSL_LOCKS_EXCLUDED(mu_) {
    enum class Op { kNone, kWrite, kFinish } op = Op::kNone;
    grpc::Status status;
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || writing_) return;
      if (finish_requested_) {
        finished_ = true;
        status = finish_status_;
        op = Op::kFinish;
      } else if (TakeExtraLocked(&current_)) {
        writing_ = true;
        op = Op::kWrite;
      } else if (!queue_.empty()) {
        current_ = std::move(queue_.front().msg);
        queued_bytes_ -= std::min(queued_bytes_, queue_.front().bytes);
        queue_.pop_front();
        writing_ = true;
        op = Op::kWrite;
        MaybeReadLocked();
      } else if (!reading_ && ExhaustedLocked()) {
        finished_ = true;
        status = grpc::Status::OK;
        op = Op::kFinish;
      }
    }
    if (op == Op::kWrite) {
      this->StartWrite(&current_);
    } else if (op == Op::kFinish) {
      this->Finish(std::move(status));
    }
  }

  // Runs `fn` on the pool, holding a reference.
  void Schedule(std::function<void()> fn) {
    Ref();
    bool queued = core_->deps.pool->Submit([this, fn = std::move(fn)] {
      fn();
      Unref();
    });
    // Refused only after the server has stopped, when no stream is left;
    // never the last reference (the caller holds one).
    if (!queued) refs_.fetch_sub(1, std::memory_order_acq_rel);
  }

  ServiceCore* const core_;
  const size_t buffer_;     // Most queued messages.
  const size_t low_water_;  // Read more when no more than this are queued.
  const size_t max_bytes_;  // Most queued bytes (beyond one message).
  absl::Mutex mu_;
  struct Queued {
    Msg msg;
    size_t bytes;
  };
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;  // A Read() is scheduled.

 private:
  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  Msg current_;  // Being written; touched only while writing_ is false.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool pump_scheduled_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> refs_{1};  // gRPC's, released in OnDone.
};

// ---------------------------------------------------------------------------
// Subscribe: a cursor over the signal log with heartbeats.

class SubscribeReactor final : public CursorStream<v1::SubscribeEvent>,
                               public Hub::Listener {
 public:
  enum class From { kSeq, kTime, kNow };

  SubscribeReactor(ServiceCore* core, SignalFilter filter, From from,
                   uint64_t from_seq, absl::Time from_time)
      : CursorStream(core),
        filter_(std::move(filter)),
        from_(from),
        from_seq_(from_seq),
        from_time_(from_time) {}

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
        reading_ = true;
        Schedule([this] { Read(); });
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
    if (!started_ || finishing()) return;
    heartbeat_due_ = true;
    SchedulePumpLocked();
  }
  void OnClose() override {
    absl::MutexLock lock(&mu_);
    RequestFinishLocked(Unavailable(
        absl::StrCat(kShuttingDown, " with from_seq = the last seq received")));
    SchedulePumpLocked();
  }

 private:
  void Detach() override {
    if (registered_) core_->deps.hub->Remove(this);
  }

  bool WantReadLocked() const override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return started_ && position_ < known_head_;
  }

  bool TakeExtraLocked(v1::SubscribeEvent* msg) override
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!heartbeat_due_) return false;
    heartbeat_due_ = false;
    msg->Clear();
    v1::Heartbeat* hb = msg->mutable_heartbeat();
    hb->set_head_seq(
        std::max(core_->deps.store->head_seq(), core_->deps.hub->head()));
    ToProto(core_->deps.clock(), hb->mutable_server_time());
    return true;
  }

  absl::StatusOr<uint64_t> ResolveStart() const {
    switch (from_) {
      case From::kSeq:
        return from_seq_;
      case From::kTime:
        return core_->deps.store->SeqBeforeTime(from_time_);
      case From::kNow:
        break;
    }
    return core_->deps.store->head_seq();
  }

  void Read() override {
    uint64_t after;
    size_t room, room_bytes;
    {
      absl::MutexLock lock(&mu_);
      if (finishing()) {
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
    if (head > after && room > 0 && room_bytes > 0) {
      chunk = ReadChunk(*core_->deps.store, filter_, after, head, room,
                        room_bytes, kMaxVisitPerRead);
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
      } else if (!finishing()) {
        const bool progressed = chunk.position > position_;
        position_ = std::max(position_, chunk.position);
        for (size_t i = 0; i < chunk.signals.size(); ++i) {
          v1::SubscribeEvent ev;
          ev.mutable_signal()->Swap(&chunk.signals[i]);
          PushLocked(std::move(ev), chunk.sizes[i]);
        }
        // Without progress the hub's next head wakes us (no busy loop).
        if (progressed) MaybeReadLocked();
      }
    }
    Pump();
  }

  const SignalFilter filter_;
  const From from_;
  const uint64_t from_seq_;
  const absl::Time from_time_;
  bool registered_ = false;        // Set in Begin(), read in OnDone.
  bool started_unlocked_ = false;  // Touched only by Read() (one at a time).
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t position_ ABSL_GUARDED_BY(mu_) = 0;  // Last seq considered.
  uint64_t known_head_ ABSL_GUARDED_BY(mu_) = 0;
  bool heartbeat_due_ ABSL_GUARDED_BY(mu_) = false;
};

// ---------------------------------------------------------------------------
// Query: the same cursor over a fixed range, ending with OK.

class QueryReactor final : public CursorStream<v1::Signal> {
 public:
  QueryReactor(ServiceCore* core, SignalFilter filter, TimeWindow window,
               uint64_t after_seq, uint32_t limit)
      : CursorStream(core),
        filter_(std::move(filter)),
        window_(window),
        after_seq_(after_seq),
        limit_(limit) {}

  void Begin() {
    {
      absl::MutexLock lock(&mu_);
      reading_ = true;
      Schedule([this] { Read(); });
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
    const bool jump = window_.field == v1::INGESTED_AT && window_.since;
    if (window_.field == v1::INGESTED_AT) {
      if (jump) {
        absl::StatusOr<uint64_t> s = store.SeqBeforeTime(*window_.since);
        if (!s.ok()) return s.status();
        // 0 (or anything below first - 1) means signals ingested at or
        // after `since` were trimmed.
        *start = std::max(*start, *s);
      }
      if (window_.until) {
        absl::StatusOr<uint64_t> u = store.SeqBeforeTime(*window_.until);
        if (!u.ok()) return u.status();
        *end = std::min(*end, *u);
      }
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
      if (finishing()) {
        reading_ = false;
        return;
      }
      after = position_;
      end = end_;
      room = RoomLocked();
      room_bytes = RoomBytesLocked();
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
      chunk = ReadChunk(*core_->deps.store, filter_, after, end, room,
                        room_bytes, kMaxVisitPerRead);
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
      } else if (!finishing()) {
        if (chunk.position <= position_ && chunk.signals.empty()) {
          end_ = position_;  // No progress possible: end here.
        }
        position_ = std::max(position_, chunk.position);
        queued_ += chunk.signals.size();
        for (size_t i = 0; i < chunk.signals.size(); ++i) {
          PushLocked(std::move(chunk.signals[i]), chunk.sizes[i]);
        }
        MaybeReadLocked();
      }
    }
    Pump();
  }

  const SignalFilter filter_;
  const TimeWindow window_;
  const uint64_t after_seq_;
  const uint32_t limit_;
  bool started_unlocked_ = false;  // Touched only by Read() (one at a time).
  bool started_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t position_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t end_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t queued_ ABSL_GUARDED_BY(mu_) = 0;  // Signals queued in total.
};

// ---------------------------------------------------------------------------
// IngestStream: articles in, one result per article out, in order, each only
// once durable. Consecutive articles are grouped into one batch (and the
// committer groups batches across connections). At most max_batch articles
// (and about max_request_bytes of article text) are in flight, read but not
// yet answered; beyond that reading pauses, so a publisher that does not read
// its results is slowed down, not buffered.

// The stream is read as raw bytes (ServiceBase in tidings_service.h) and
// each message parsed here: one that does not parse is answered with
// INVALID_ARGUMENT in its own result, and the stream goes on.

class IngestStreamReactor final
    : public grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>,
      public internal::StreamRegistry::Member {
 public:
  explicit IngestStreamReactor(ServiceCore* core)
      : core_(core),
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
      } else if (!finish_requested_) {
        const uint32_t index = next_index_++;
        Slot slot;
        slot.index = index;
        v1::Article article;
        grpc::Slice bytes;
        std::optional<v1::IngestResult> answer;
        if (absl::Status read = internal::Flatten(in_, &bytes); !read.ok()) {
          answer.emplace();
          answer->set_index(index);
          internal::SetError(read, &*answer);
        } else {
          answer = internal::AdmitStreamMessage(
              internal::SliceView(bytes), index,
              core_->options.max_article_bytes, &article);
        }
        if (answer) {
          slot.result = *std::move(answer);
          slot.ready = true;
        } else {
          const size_t bytes = ArticleBytes(article);
          uint64_t others = 0;
          if (!core_->inflight.TryAcquire(bytes, &others)) {
            // Refused for the global cap: answered at once, not stored; the
            // publisher sends it again later.
            slot.result.set_index(index);
            slot.result.set_article_id(article.article_id());
            internal::SetError(
                OverInflightCap(bytes, others, core_->inflight.cap()),
                &slot.result);
            slot.ready = true;
          } else {
            in_flight_bytes_ += bytes;
            unprocessed_.push_back({index, bytes, std::move(article)});
          }
        }
        slots_.push_back(std::move(slot));
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

  void RequestFinishLocked(grpc::Status status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finish_requested_) return;
    finish_requested_ = true;
    finish_status_ = std::move(status);
    for (const Unprocessed& u : unprocessed_) {
      in_flight_bytes_ -= u.bytes;
      core_->inflight.Release(u.bytes);
    }
    unprocessed_.clear();
  }

  void MaybeProcessLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (processing_ || unprocessed_.empty() || finish_requested_) return;
    processing_ = true;
    Schedule([this] { Process(); });
  }

  void SchedulePumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (pump_scheduled_) return;
    pump_scheduled_ = true;
    Schedule([this] {
      {
        absl::MutexLock lock(&mu_);
        pump_scheduled_ = false;
      }
      Pump();
    });
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
    std::vector<v1::IngestResult> results;
    std::vector<storage::PendingArticle> batch;
    std::vector<size_t> where;  // batch[k] answers results[where[k]].
    for (Unprocessed& u : take) {
      internal::PreparedArticle p = internal::PrepareArticle(
          *core_->deps.scorer, *core_->deps.store,
          core_->options.max_article_bytes, u.index, u.article,
          core_->deps.clock());
      results.push_back(std::move(p.result));
      if (p.pending) {
        where.push_back(results.size() - 1);
        batch.push_back(*std::move(p.pending));
      }
    }
    take.clear();  // The articles live on in `batch` only.
    if (batch.empty()) {
      Complete(std::move(results), bytes);
      return;
    }
    Ref();  // For the committer's callback.
    core_->deps.committer->Submit(
        std::move(batch),
        [this, bytes, results = std::move(results), where = std::move(where)](
            absl::StatusOr<std::vector<storage::AppendResult>> stored,
            uint64_t head) mutable {
          for (size_t k = 0; k < where.size(); ++k) {
            v1::IngestResult& r = results[where[k]];
            if (!stored.ok()) {
              internal::SetError(
                  absl::Status(
                      stored.status().code(),
                      absl::StrCat("storing the article failed; "
                                   "nothing was stored, send it "
                                   "again: ",
                                   std::string(stored.status().message()))),
                  &r);
              continue;
            }
            for (uint64_t seq : (*stored)[k].seqs) r.add_seqs(seq);
            r.set_duplicate((*stored)[k].duplicate);
          }
          Complete(std::move(results), bytes);
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

  void Pump() ABSL_LOCKS_EXCLUDED(mu_) {
    bool read = false, write = false, finish = false;
    grpc::Status status;
    {
      absl::MutexLock lock(&mu_);
      if (finished_) return;
      if (!writing_ && !cancelled_ && !slots_.empty() && slots_.front().ready) {
        internal::SerializeTo(slots_.front().result, &current_);
        slots_.pop_front();
        writing_ = true;
        write = true;
      }
      if (!writing_ && !processing_) {
        if (finish_requested_) {
          finish = true;
          status = finish_status_;
        } else if (read_done_ && slots_.empty()) {
          finish = true;
          status = grpc::Status::OK;
        }
        if (finish) finished_ = true;
      }
      if (!finish && !reading_ && !read_done_ && !finish_requested_ &&
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

  void Schedule(std::function<void()> fn) {
    Ref();
    bool queued = core_->deps.pool->Submit([this, fn = std::move(fn)] {
      fn();
      Unref();
    });
    if (!queued) refs_.fetch_sub(1, std::memory_order_acq_rel);
  }
  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  ServiceCore* const core_;
  const size_t max_in_flight_;
  bool registered_ = false;   // Set in Begin(), read in OnDone.
  grpc::ByteBuffer in_;       // The read buffer; one read at a time.
  grpc::ByteBuffer current_;  // Being written; one write at a time.
  absl::Mutex mu_;
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
  bool pump_scheduled_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_requested_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> refs_{1};  // gRPC's, released in OnDone.
};

}  // namespace

// ---------------------------------------------------------------------------

TidingsService::TidingsService(const ServerOptions& options, Deps deps)
    : core_(std::make_unique<internal::ServiceCore>()) {
  core_->options = options;
  core_->inflight.set_cap(options.max_inflight_bytes);
  if (!deps.clock) deps.clock = [] { return absl::Now(); };
  core_->deps = std::move(deps);
}

TidingsService::~TidingsService() = default;

void TidingsService::BeginShutdown() {
  core_->shutting_down.store(true, std::memory_order_release);
  core_->deps.hub->CloseAll();
  core_->ingest_streams.CloseAll();
}

grpc::ServerUnaryReactor* TidingsService::Ingest(
    grpc::CallbackServerContext* context, const v1::IngestRequest* request,
    v1::IngestResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit =
          AdmitBatch(core, context, "Ingest", request->articles_size());
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  uint64_t bytes = 0;
  for (const v1::Article& a : request->articles()) bytes += ArticleBytes(a);
  uint64_t others = 0;
  if (!core->inflight.TryAcquire(bytes, &others)) {
    context->AddTrailingMetadata(kRetryAfterKey, absl::StrCat(kRetryAfterMs));
    reactor->Finish(
        ToGrpc(OverInflightCap(bytes, others, core->inflight.cap())));
    return reactor;
  }
  // Gives the bytes back, once, before the call is answered.
  struct Admission {
    ServiceCore* core;
    uint64_t bytes;
    std::atomic<bool> released{false};
    void Release() {
      if (!released.exchange(true)) core->inflight.Release(bytes);
    }
    ~Admission() { Release(); }
  };
  auto admission = std::make_shared<Admission>();
  admission->core = core;
  admission->bytes = bytes;
  auto work = [core, context, request, response, reactor, admission] {
    if (context->IsCancelled()) {  // Deadline passed while queued.
      admission->Release();
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                   "cancelled before it was processed"));
      return;
    }
    std::vector<storage::PendingArticle> batch;
    std::vector<int> where;  // batch[k] answers results(where[k]).
    for (int i = 0; i < request->articles_size(); ++i) {
      internal::PreparedArticle p = internal::PrepareArticle(
          *core->deps.scorer, *core->deps.store,
          core->options.max_article_bytes, static_cast<uint32_t>(i),
          request->articles(i), core->deps.clock());
      *response->add_results() = std::move(p.result);
      if (p.pending) {
        where.push_back(i);
        batch.push_back(*std::move(p.pending));
      }
    }
    if (batch.empty()) {
      response->set_head_seq(core->deps.store->head_seq());
      admission->Release();
      reactor->Finish(grpc::Status::OK);
      return;
    }
    core->deps.committer->Submit(
        std::move(batch),
        [response, reactor, admission, where = std::move(where)](
            absl::StatusOr<std::vector<storage::AppendResult>> stored,
            uint64_t head) {
          admission->Release();
          if (!stored.ok()) {
            reactor->Finish(StorageError(
                stored.status(),
                "storing the batch failed; nothing of it was stored, retry"));
            return;
          }
          for (size_t k = 0; k < where.size(); ++k) {
            v1::IngestResult* r = response->mutable_results(where[k]);
            for (uint64_t seq : (*stored)[k].seqs) r->add_seqs(seq);
            r->set_duplicate((*stored)[k].duplicate);
          }
          response->set_head_seq(head);
          reactor->Finish(grpc::Status::OK);
        });
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    admission->Release();
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

grpc::ServerBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer>*
TidingsService::IngestStream(grpc::CallbackServerContext* context) {
  if (grpc::Status access = CheckAccess(core_.get(), context,
                                        internal::kRolePublish, "IngestStream");
      !access.ok()) {
    return new FailedBidi<grpc::ByteBuffer, grpc::ByteBuffer>(
        std::move(access));
  }
  auto* reactor = new IngestStreamReactor(core_.get());
  reactor->Begin();
  return reactor;
}

grpc::ServerUnaryReactor* TidingsService::Score(
    grpc::CallbackServerContext* context, const v1::ScoreRequest* request,
    v1::ScoreResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit =
          AdmitBatch(core, context, "Score", request->articles_size());
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  auto work = [core, context, request, response, reactor] {
    if (context->IsCancelled()) {
      reactor->Finish(grpc::Status(grpc::StatusCode::CANCELLED,
                                   "cancelled before it was processed"));
      return;
    }
    const absl::Time now = core->deps.clock();
    for (int i = 0; i < request->articles_size(); ++i) {
      const v1::Article& article = request->articles(i);
      v1::ScoreResult* result = response->add_results();
      result->set_index(static_cast<uint32_t>(i));
      result->set_article_id(article.article_id());
      absl::Status valid =
          internal::ValidateArticle(article, core->options.max_article_bytes);
      if (!valid.ok()) {
        result->set_error_code(static_cast<int32_t>(valid.code()));
        result->set_error_message(std::string(valid.message()));
        continue;
      }
      std::vector<v1::Signal> signals =
          internal::ScoreArticle(*core->deps.scorer, article, now);
      result->set_signal_count(static_cast<uint32_t>(signals.size()));
      for (v1::Signal& s : signals) {
        DropWeakEvents(scoring::kDefaultMinRelevance, &s);
        response->add_signals()->Swap(&s);
      }
    }
    reactor->Finish(grpc::Status::OK);
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

grpc::ServerWriteReactor<v1::SubscribeEvent>* TidingsService::Subscribe(
    grpc::CallbackServerContext* context, const v1::SubscribeRequest* request) {
  ServiceCore* core = core_.get();
  using Failed = FailedWriter<v1::SubscribeEvent>;
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleSubscribe, "Subscribe");
      !admit.ok()) {
    return new Failed(std::move(admit));
  }
  absl::StatusOr<SignalFilter> filter = SignalFilter::Create(request->filter());
  if (!filter.ok()) return new Failed(ToGrpc(filter.status()));
  SubscribeReactor::From from = SubscribeReactor::From::kNow;
  absl::Time from_time = absl::InfinitePast();
  switch (request->start_case()) {
    case v1::SubscribeRequest::kFromSeq:
      from = SubscribeReactor::From::kSeq;
      break;
    case v1::SubscribeRequest::kFromTime: {
      absl::Status valid =
          internal::ValidateTimestamp(request->from_time(), "from_time");
      if (!valid.ok()) return new Failed(ToGrpc(valid));
      from = SubscribeReactor::From::kTime;
      from_time = FromProto(request->from_time());
      break;
    }
    default:
      break;
  }
  auto* reactor = new SubscribeReactor(core, *std::move(filter), from,
                                       request->from_seq(), from_time);
  reactor->Begin();
  return reactor;
}

grpc::ServerWriteReactor<v1::Signal>* TidingsService::Query(
    grpc::CallbackServerContext* context, const v1::QueryRequest* request) {
  ServiceCore* core = core_.get();
  using Failed = FailedWriter<v1::Signal>;
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleSubscribe, "Query");
      !admit.ok()) {
    return new Failed(std::move(admit));
  }
  TimeWindow window;
  switch (request->time_field()) {
    case v1::TIME_FIELD_UNSPECIFIED:
    case v1::INGESTED_AT:
      window.field = v1::INGESTED_AT;
      break;
    case v1::PUBLISHED_AT:
      window.field = v1::PUBLISHED_AT;
      break;
    default:
      return new Failed(InvalidArgument(absl::StrCat(
          "unknown time_field ", static_cast<int>(request->time_field()),
          "; use INGESTED_AT (1) or PUBLISHED_AT (2)")));
  }
  if (request->has_since()) {
    absl::Status valid = internal::ValidateTimestamp(request->since(), "since");
    if (!valid.ok()) return new Failed(ToGrpc(valid));
    window.since = FromProto(request->since());
  }
  if (request->has_until()) {
    absl::Status valid = internal::ValidateTimestamp(request->until(), "until");
    if (!valid.ok()) return new Failed(ToGrpc(valid));
    window.until = FromProto(request->until());
  }
  if (window.since && window.until && *window.since > *window.until) {
    return new Failed(InvalidArgument(absl::StrCat(
        "inverted time range: since (", absl::FormatTime(*window.since),
        ") is after until (", absl::FormatTime(*window.until), ")")));
  }
  absl::StatusOr<SignalFilter> filter =
      SignalFilter::Create(request->filter(), window);
  if (!filter.ok()) return new Failed(ToGrpc(filter.status()));
  auto* reactor = new QueryReactor(core, *std::move(filter), window,
                                   request->after_seq(), request->limit());
  reactor->Begin();
  return reactor;
}

grpc::ServerUnaryReactor* TidingsService::GetSignal(
    grpc::CallbackServerContext* context, const v1::GetSignalRequest* request,
    v1::Signal* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ServiceCore* core = core_.get();
  if (grpc::Status admit =
          Admit(core, context, internal::kRoleSubscribe, "GetSignal");
      !admit.ok()) {
    reactor->Finish(std::move(admit));
    return reactor;
  }
  if (request->seq() == 0) {
    reactor->Finish(
        InvalidArgument("seq must be at least 1 (seqs start at 1)"));
    return reactor;
  }
  auto work = [core, request, response, reactor] {
    absl::StatusOr<v1::Signal> signal = core->deps.store->Get(request->seq());
    if (signal.ok()) {
      response->Swap(&*signal);
      reactor->Finish(grpc::Status::OK);
    } else if (absl::IsNotFound(signal.status())) {
      const uint64_t head = core->deps.store->head_seq();
      const uint64_t first = core->deps.store->first_seq();
      std::string message;
      if (request->seq() < first) {
        message = absl::StrCat("no signal with seq ", request->seq(),
                               ": signals before seq ", first,
                               " are no longer retained", RetentionNote(core),
                               "; first available seq is ", first);
      } else if (first > head) {
        message = absl::StrCat(
            "no signal with seq ", request->seq(),
            head == 0 ? ": the log is empty" : ": no signal is retained");
      } else {
        message = absl::StrCat("no signal with seq ", request->seq(),
                               ": the log holds seqs ", first, "..", head);
      }
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, message));
    } else {
      reactor->Finish(StorageError(signal.status(), "reading the signal"));
    }
  };
  if (!core->deps.pool->Submit(std::move(work))) {
    reactor->Finish(Unavailable(kShuttingDown));
  }
  return reactor;
}

}  // namespace tidings::service
