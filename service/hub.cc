// Copyright 2026 The Tidings Authors.

#include "service/hub.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"

namespace tidings::service {

Hub::Hub(uint32_t max_listeners, absl::Duration tick, uint64_t head)
    : max_listeners_(max_listeners), tick_(tick), head_(head) {
  ticker_ = std::thread([this] { Tick(); });
}

Hub::~Hub() { Stop(); }

absl::Status Hub::Add(Listener* listener) {
  absl::MutexLock lock(&mu_);
  if (closed_) return absl::UnavailableError("the server is shutting down");
  if (listeners_.size() >= max_listeners_) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many subscribers: the limit is ", max_listeners_,
        " (max_subscribers); retry later or against another server"));
  }
  listeners_.insert(listener);
  return absl::OkStatus();
}

void Hub::Remove(Listener* listener) {
  absl::MutexLock lock(&mu_);
  listeners_.erase(listener);
}

void Hub::Publish(uint64_t head) {
  uint64_t old = head_.load(std::memory_order_relaxed);
  while (old < head &&
         !head_.compare_exchange_weak(old, head, std::memory_order_acq_rel)) {
  }
  if (old >= head) return;  // Someone published a newer head already.
  absl::MutexLock lock(&mu_);
  for (Listener* l : listeners_) l->OnHead(head);
}

void Hub::CloseAll() {
  absl::MutexLock lock(&mu_);
  if (closed_) return;
  closed_ = true;
  for (Listener* l : listeners_) l->OnClose();
}

void Hub::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  if (ticker_.joinable()) ticker_.join();
}

size_t Hub::size() const {
  absl::MutexLock lock(&mu_);
  return listeners_.size();
}

Hub::Lag Hub::LagBehind(uint64_t head) const {
  absl::MutexLock lock(&mu_);
  Lag lag;
  for (Listener* l : listeners_) {
    const uint64_t behind = l->LagBehind(head);
    lag.max = std::max(lag.max, behind);
    lag.total += behind;
  }
  return lag;
}

void Hub::Tick() {
  absl::MutexLock lock(&mu_);
  for (;;) {
    absl::Time next = absl::Now() + tick_;
    // Sleep until the next tick or until Stop().
    auto stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopping_;
    };
    if (mu_.AwaitWithDeadline(absl::Condition(&stopping), next)) return;
    if (closed_) continue;
    for (Listener* l : listeners_) l->OnTick();
  }
}

}  // namespace tidings::service
