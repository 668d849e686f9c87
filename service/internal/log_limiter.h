// Copyright 2026 The Tidings Authors.
//
// log_limiter.h: at most N log lines of one kind per window (e.g. rejected
// requests, 10 a second), so that a client hammering the server with bad
// requests cannot flood the log. The lines over the limit are counted and
// reported in one "suppressed" line before the next line that is written.

#ifndef TIDINGS_SERVICE_INTERNAL_LOG_LIMITER_H_
#define TIDINGS_SERVICE_INTERNAL_LOG_LIMITER_H_

#include <cstdint>
#include <functional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace tidings::service::internal {

// Fixed windows: the first `per_window` lines from the start of a window
// are written, the rest of that window's are suppressed. Thread-safe.
class LogLimiter {
 public:
  struct Verdict {
    bool log = false;  // Write this line.
    // Lines suppressed since the last written one: report them first (only
    // when log is true).
    uint64_t suppressed = 0;
  };

  // `clock` defaults to absl::Now.
  LogLimiter(uint32_t per_window, absl::Duration window,
             std::function<absl::Time()> clock = nullptr);

  // Counts one line and says whether to write it.
  Verdict Admit() ABSL_LOCKS_EXCLUDED(mu_);

  // The lines suppressed and not reported yet, now reported (at shutdown).
  uint64_t TakeSuppressed() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  const uint32_t per_window_;
  const absl::Duration window_;
  const std::function<absl::Time()> clock_;
  absl::Mutex mu_;
  absl::Time window_start_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  uint32_t written_ ABSL_GUARDED_BY(mu_) = 0;  // In this window.
  uint64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace tidings::service::internal

#endif  // TIDINGS_SERVICE_INTERNAL_LOG_LIMITER_H_
