// Copyright 2026 The Tidings Authors.
//
// work_pool.h: a fixed pool of worker threads for the service's blocking work
// (scoring, RocksDB reads and writes). gRPC reactions never block: they hand
// such work to this pool and the pool's threads finish the RPCs.

#ifndef TIDINGS_SERVICE_INTERNAL_WORK_POOL_H_
#define TIDINGS_SERVICE_INTERNAL_WORK_POOL_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace tidings::service::internal {

class WorkPool {
 public:
  // Starts `threads` workers (at least 1).
  explicit WorkPool(size_t threads);
  // Shuts down (see Shutdown()).
  ~WorkPool();
  WorkPool(const WorkPool&) = delete;
  WorkPool& operator=(const WorkPool&) = delete;

  // Queues `task` to run on a worker, first in first out. Never blocks.
  // Returns false (and drops `task`) once Shutdown() has begun.
  // Thread-safe; may be called from a task.
  bool Submit(std::function<void()> task);

  // Runs every queued task (including the ones those tasks submit while the
  // queue is draining), then joins the workers. Idempotent. REQUIRES: not
  // called from a task.
  void Shutdown();

  size_t size() const { return threads_.size(); }

 private:
  void Work();

  absl::Mutex mu_;
  std::deque<std::function<void()>> queue_ ABSL_GUARDED_BY(mu_);
  size_t running_ ABSL_GUARDED_BY(mu_) = 0;  // Tasks being run.
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;  // Submit() refuses.
  std::vector<std::thread> threads_;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_WORK_POOL_H_
