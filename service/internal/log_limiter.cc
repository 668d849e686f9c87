// Copyright 2026 The Tidings Authors.

#include "service/internal/log_limiter.h"

#include <utility>

namespace tidings::service::internal {

LogLimiter::LogLimiter(uint32_t per_window, absl::Duration window,
                       std::function<absl::Time()> clock)
    : per_window_(per_window),
      window_(window),
      clock_(clock ? std::move(clock) : [] { return absl::Now(); }) {}

LogLimiter::Verdict LogLimiter::Admit() {
  const absl::Time now = clock_();
  absl::MutexLock lock(&mu_);
  // A clock that steps back starts a new window too.
  if (now - window_start_ >= window_ || now < window_start_) {
    window_start_ = now;
    written_ = 0;
  }
  Verdict v;
  if (written_ >= per_window_) {
    ++suppressed_;
    return v;
  }
  ++written_;
  v.log = true;
  v.suppressed = std::exchange(suppressed_, 0);
  return v;
}

uint64_t LogLimiter::TakeSuppressed() {
  absl::MutexLock lock(&mu_);
  return std::exchange(suppressed_, 0);
}

}  // namespace tidings::service::internal
