// Copyright 2026 The Tidings Authors.

#include "service/internal/work_pool.h"

#include <algorithm>
#include <utility>

namespace tidings::service::internal {

WorkPool::WorkPool(size_t threads) {
  threads = std::max<size_t>(threads, 1);
  threads_.reserve(threads);
  for (size_t i = 0; i < threads; ++i)
    threads_.emplace_back([this] { Work(); });
}

WorkPool::~WorkPool() { Shutdown(); }

bool WorkPool::Submit(std::function<void()> task) {
  absl::MutexLock lock(&mu_);
  if (closed_) return false;
  queue_.push_back(std::move(task));
  return true;
}

void WorkPool::Shutdown() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
    // Tasks queued or running may still submit follow-ups (a read that
    // schedules the next read); keep accepting until the queue is empty and
    // nothing runs, then close.
    auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return queue_.empty() && running_ == 0;
    };
    mu_.Await(absl::Condition(&drained));
    closed_ = true;
  }
  for (std::thread& t : threads_) t.join();
}

void WorkPool::Work() {
  for (;;) {
    std::function<void()> task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || closed_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // Closed and drained.
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    task();
    task = nullptr;  // Destroy captures outside the lock.
    absl::MutexLock lock(&mu_);
    --running_;
  }
}

}  // namespace tidings::service::internal
