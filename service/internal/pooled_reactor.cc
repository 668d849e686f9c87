// Copyright 2026 The Tidings Authors.

#include "service/internal/pooled_reactor.h"

#include <utility>

namespace tidings::service::internal {

void PooledReactor::Schedule(std::function<void()> fn) {
  Ref();
  const bool queued = pool_->Submit([this, fn = std::move(fn)] {
    fn();
    Unref();
  });
  // Refused only after the server has stopped, when no stream is left;
  // never the last reference (the caller holds one).
  if (!queued) refs_.fetch_sub(1, std::memory_order_acq_rel);
}

void PooledReactor::SchedulePumpLocked() {
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

void PooledReactor::RequestFinishLocked(grpc::Status status) {
  if (finish_requested_) return;
  finish_requested_ = true;
  finish_status_ = std::move(status);
  OnFinishRequestedLocked();
}

}  // namespace tidings::service::internal
