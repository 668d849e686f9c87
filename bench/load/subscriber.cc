// Copyright 2026 The Tidings Authors.

#include "bench/load/subscriber.h"

#include "bench/load/stats.h"

namespace tidings::load {

Subscriber::Subscriber(LoadContext& ctx, v1::Tidings::Stub* stub, bool stall)
    : ctx_(ctx), stall_(stall) {
  v1::SubscribeRequest request;
  request.set_from_now(true);
  request.mutable_filter()->set_include_duplicates(true);
  stub->async()->Subscribe(&context_, &request, this);
  StartRead(&event_);
  StartCall();
}

void Subscriber::OnReadDone(bool ok) {
  if (!ok) return;  // OnDone follows.
  bool more = !stall_;
  if (event_.has_signal()) {
    const int64_t now = MonotonicNs();
    const int64_t commit = ctx_.CommitNs(event_.signal());
    const size_t bytes = event_.ByteSizeLong();
    absl::MutexLock lock(&mu_);
    if (commit > 0) tally_.latency_ms.push_back((now - commit) * 1e-6);
    ++tally_.delivered;
    tally_.bytes += bytes;
    tally_.last_delivery_ns = now;
    last_seq_ = event_.signal().seq();
  } else {
    absl::MutexLock lock(&mu_);
    ready_ = true;
  }
  if (more) StartRead(&event_);
}

void Subscriber::OnDone(const grpc::Status&) {
  absl::MutexLock lock(&mu_);
  done_ = true;
}

bool Subscriber::AwaitReady() {
  absl::MutexLock lock(&mu_);
  auto ready = [this] { return ready_ || done_; };
  mu_.AwaitWithTimeout(absl::Condition(&ready), absl::Seconds(60));
  return ready_;
}

void Subscriber::SetUntil(uint64_t until_seq) {
  absl::MutexLock lock(&mu_);
  until_seq_ = until_seq;
}

bool Subscriber::AwaitUntil(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto seen = [this] { return last_seq_ >= until_seq_ || done_; };
  mu_.AwaitWithTimeout(absl::Condition(&seen), timeout);
  return last_seq_ >= until_seq_;
}

Subscriber::Tally Subscriber::TakeTally() {
  absl::MutexLock lock(&mu_);
  Tally taken = std::move(tally_);
  tally_ = Tally();
  return taken;
}

void Subscriber::CancelAndWait() {
  context_.TryCancel();
  absl::MutexLock lock(&mu_);
  auto done = [this] { return done_; };
  mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(60));
}

}  // namespace tidings::load
