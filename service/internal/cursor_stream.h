// Copyright 2026 The Tidings Authors.
//
// cursor_stream.h: the write side shared by Subscribe and Query. A bounded
// queue of messages read from storage by tasks on the pool (Read(), one at a
// time), one write in flight, Finish only with no write outstanding. The
// queue holds at most ServerOptions::subscriber_buffer messages and about
// subscriber_buffer_bytes; reading resumes when it is half empty.
// Lifetime and threading as in pooled_reactor.h.

#ifndef TIDINGS_SERVICE_INTERNAL_CURSOR_STREAM_H_
#define TIDINGS_SERVICE_INTERNAL_CURSOR_STREAM_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "service/internal/pooled_reactor.h"
#include "service/internal/service_core.h"

namespace tidings::service::internal {

template <typename Msg>
class CursorStream : public grpc::ServerWriteReactor<Msg>,
                     protected PooledReactor {
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
      : PooledReactor(core->deps.pool),
        core_(core),
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
    if (reading_ || finish_requested() || queue_.size() > low_water_ ||
        queued_bytes_ > max_bytes_ / 2 || !WantReadLocked()) {
      return;
    }
    StartReadLocked();
  }

  // Schedules Read() now (the first read, which resolves the start).
  void StartReadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    reading_ = true;
    Schedule([this] { Read(); });
  }

  // Free queue slots and bytes.
  size_t RoomLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queue_.size() >= buffer_ ? 0 : buffer_ - queue_.size();
  }
  size_t RoomBytesLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return queued_bytes_ >= max_bytes_ ? 0 : max_bytes_ - queued_bytes_;
  }

  // The signal a queued message carries, for the subclass's accounting
  // when the message is handed to gRPC (OnHanded).
  struct SignalTag {
    uint64_t seq = 0;  // 0: not a signal.
    absl::Time ingested_at;
  };

  // Queues a message of `bytes` serialized bytes.
  void PushLocked(Msg msg, size_t bytes, SignalTag tag = {})
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    queue_.push_back(Queued{std::move(msg), bytes, tag});
    queued_bytes_ += bytes;
  }

  // Called (without the lock) for each queued message just before it is
  // handed to gRPC.
  virtual void OnHanded(const SignalTag& tag) {}

  // Every signal up to the returned seq was handed to gRPC or not queued at
  // all: `position` (the last seq read) when nothing is queued, else the seq
  // before the first queued signal.
  uint64_t HandedThroughLocked(uint64_t position) const
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (queue_.empty() || queue_.front().tag.seq == 0) return position;
    return queue_.front().tag.seq - 1;
  }

  // Starts the next write, or Finish, if due.
  void Pump() override ABSL_LOCKS_EXCLUDED(mu_) {
    enum class Op { kNone, kWrite, kFinish } op = Op::kNone;
    grpc::Status status;
    SignalTag handed;
    {
      absl::MutexLock lock(&mu_);
      if (finished_ || writing_) return;
      if (finish_requested()) {
        finished_ = true;
        status = finish_status();
        op = Op::kFinish;
      } else if (TakeExtraLocked(&current_)) {
        writing_ = true;
        op = Op::kWrite;
      } else if (!queue_.empty()) {
        current_ = std::move(queue_.front().msg);
        handed = queue_.front().tag;
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
      // Before StartWrite: once the write is started the stream may end and
      // this object go away.
      if (handed.seq != 0) OnHanded(handed);
      this->StartWrite(&current_);
    } else if (op == Op::kFinish) {
      this->Finish(std::move(status));
    }
  }

  ServiceCore* const core_;
  bool reading_ ABSL_GUARDED_BY(mu_) = false;  // A Read() is scheduled.

 private:
  void OnFinishRequestedLocked() override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    queue_.clear();
    queued_bytes_ = 0;
  }

  struct Queued {
    Msg msg;
    size_t bytes;
    SignalTag tag;
  };
  const size_t buffer_;     // Most queued messages.
  const size_t low_water_;  // Read more when no more than this are queued.
  const size_t max_bytes_;  // Most queued bytes (beyond one message).
  std::deque<Queued> queue_ ABSL_GUARDED_BY(mu_);
  size_t queued_bytes_ ABSL_GUARDED_BY(mu_) = 0;
  Msg current_;  // Being written; touched only while writing_ is false.
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_CURSOR_STREAM_H_
