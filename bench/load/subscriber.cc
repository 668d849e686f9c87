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
    if (commit > 0) latency_ms_.push_back((now - commit) * 1e-6);
    ++delivered_;
    delivered_bytes_ += event_.ByteSizeLong();
    last_ns_ = now;
    absl::MutexLock lock(&mu_);
    last_seq_ = event_.signal().seq();
    if (last_seq_ >= until_seq_) more = false;
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

void Subscriber::CancelAndWait() {
  context_.TryCancel();
  absl::MutexLock lock(&mu_);
  auto done = [this] { return done_; };
  mu_.AwaitWithTimeout(absl::Condition(&done), absl::Seconds(60));
}

}  // namespace tidings::load
