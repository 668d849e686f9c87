// Copyright 2026 The Tidings Authors.
//
// pooled_reactor.h: the lifetime, scheduling and finish plumbing that the
// streaming reactors (Subscribe, Query, IngestStream) share.
//
// Lifetime: the object is reference counted. gRPC holds one reference until
// OnDone (where the reactor calls Unref()); every task handed to the pool
// holds one. The last Unref deletes. gRPC operations (StartRead, StartWrite,
// Finish) are started only from reactions or from pool tasks, never with
// mu_ held: code that may not start them (hub callbacks, shutdown) schedules
// Pump() on the pool instead.

#ifndef TIDINGS_SERVICE_INTERNAL_POOLED_REACTOR_H_
#define TIDINGS_SERVICE_INTERNAL_POOLED_REACTOR_H_

#include <atomic>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "grpcpp/support/status.h"
#include "service/internal/work_pool.h"

namespace tidings::service::internal {

class PooledReactor {
 public:
  PooledReactor(const PooledReactor&) = delete;
  PooledReactor& operator=(const PooledReactor&) = delete;

 protected:
  explicit PooledReactor(WorkPool* pool) : pool_(pool) {}
  virtual ~PooledReactor() = default;

  // Starts the gRPC operation that is due, if any (a write, a read, Finish).
  virtual void Pump() ABSL_LOCKS_EXCLUDED(mu_) = 0;
  // Called once, by the first RequestFinishLocked(): drop what is queued.
  virtual void OnFinishRequestedLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {}

  // Runs `fn` on the pool, holding a reference.
  void Schedule(std::function<void()> fn);
  // Schedules Pump() on the pool, once until it has run.
  void SchedulePumpLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Asks to end the stream with `status` (Pump() calls Finish once no write
  // is outstanding). The first request wins.
  void RequestFinishLocked(grpc::Status status)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  bool finish_requested() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return finish_requested_;
  }
  // The status of the first RequestFinishLocked().
  const grpc::Status& finish_status() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return finish_status_;
  }

  void Ref() { refs_.fetch_add(1, std::memory_order_relaxed); }
  void Unref() {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  absl::Mutex mu_;

 private:
  WorkPool* const pool_;
  bool pump_scheduled_ ABSL_GUARDED_BY(mu_) = false;
  bool finish_requested_ ABSL_GUARDED_BY(mu_) = false;
  grpc::Status finish_status_ ABSL_GUARDED_BY(mu_);
  std::atomic<int> refs_{1};  // gRPC's, released in OnDone.
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_POOLED_REACTOR_H_
